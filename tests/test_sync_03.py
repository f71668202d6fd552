"""Notebook 03 writes the color conversions from scratch (`my_srgb_to_linear` ... `my_lab_to_rgb`,
`psnr`, `ssim`) and then says "this is `colorlab.color.x`". These tests keep that sentence true.

They read the notebook's own code cells, execute only its definitions (the functions and the
constants they use, nothing that loads data or draws), and compare the results with
`colorlab.color` and `colorlab.metrics`, values and gradients, on random inputs, black and colors
out of gamut included. Editing the notebook or the package alone fails here.
"""

import ast
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from skimage.metrics import structural_similarity

from colorlab import color, metrics

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_lab_color_math.ipynb"

# The notebook's constants, and each of its functions with the package function it stands for.
CONSTANTS = {"SRGB_T", "LINEAR_T", "RGB_TO_XYZ", "DELTA", "D65", "XYZ_TO_RGB"}
SAME_AS = {
    "my_srgb_to_linear": color.srgb_to_linear,
    "my_linear_to_srgb": color.linear_to_srgb,
    "my_rgb_to_xyz": color.rgb_to_xyz,
    "my_xyz_to_lab": color.xyz_to_lab,
    "my_rgb_to_lab": color.rgb_to_lab,
    "my_lab_to_xyz": color.lab_to_xyz,
    "my_xyz_to_rgb": color.xyz_to_rgb,
    "my_lab_to_rgb": color.lab_to_rgb,
    "psnr": metrics.psnr,
    "ssim": metrics.ssim,
}
HELPERS = {"my_f", "my_f_inverse"}   # used by the functions above, compared through them


def _names(target):
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Tuple):
        return set().union(*(_names(t) for t in target.elts))
    return {None}


@pytest.fixture(scope="module")
def nb():
    """The notebook's definitions, executed in notebook order in a fresh namespace."""
    wanted = CONSTANTS | set(SAME_AS) | HELPERS
    namespace = {"torch": torch, "np": np, "F": F, "color": color,
                 "structural_similarity": structural_similarity}
    found = set()
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef):
                names = {node.name}
            elif isinstance(node, ast.Assign):
                names = set().union(*(_names(t) for t in node.targets))
            else:
                continue
            if names <= wanted:
                exec(compile(ast.Module([node], type_ignores=[]), NOTEBOOK.name, "exec"), namespace)
                found |= names
    missing = wanted - found
    assert not missing, f"{NOTEBOOK.name} no longer defines {sorted(missing)}: update this test"
    return namespace


def random_rgb(dtype, shape=(2, 3, 5, 7), seed=0):
    """Random sRGB images plus black, white, the primaries and values at the sRGB threshold."""
    gen = torch.Generator().manual_seed(seed)
    rgb = torch.rand(shape, generator=gen, dtype=torch.float64)
    special = torch.tensor([[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1],
                            [0.04045, 0.04045, 0.04045], [0.0404, 0.0405, 0.1]],
                           dtype=torch.float64)
    rgb[0, :, 0, :] = special.T
    return rgb.to(dtype)


def random_lab(dtype, seed=1):
    """Lab values anywhere in L [0, 100], a and b [-128, 128]: most of them out of gamut."""
    gen = torch.Generator().manual_seed(seed)
    lab = torch.rand(2, 3, 6, 6, generator=gen, dtype=torch.float64)
    scale, shift = torch.tensor([100.0, 256, 256]), torch.tensor([0.0, 128, 128])
    lab = lab * scale.view(3, 1, 1) - shift.view(3, 1, 1)
    lab[0, :, 0, 0] = 0   # black
    return lab.to(dtype)


def same(mine, theirs, dtype, what):
    atol = 1e-9 if dtype == torch.float64 else 1e-3   # float32: ~7 digits of L = 100
    err = (mine.double() - theirs.double()).abs().max().item()
    assert mine.shape == theirs.shape and err <= atol, \
        f"{what}: the notebook's version and colorlab's differ by {err:.1e} (allowed {atol:g})"


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("name", ["my_srgb_to_linear", "my_linear_to_srgb", "my_rgb_to_xyz",
                                  "my_rgb_to_lab"])
def test_forward_conversions_equal_colorlab(nb, name, dtype):
    x = random_rgb(dtype)
    same(nb[name](x), SAME_AS[name](x), dtype, name)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_xyz_to_lab_equals_colorlab(nb, dtype):
    xyz = color.rgb_to_xyz(random_rgb(dtype))
    same(nb["my_xyz_to_lab"](xyz), color.xyz_to_lab(xyz), dtype, "my_xyz_to_lab")


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("name", ["my_lab_to_xyz", "my_lab_to_rgb"])
def test_backward_conversions_equal_colorlab(nb, name, dtype):
    for lab in (random_lab(dtype), color.rgb_to_lab(random_rgb(dtype))):   # out of gamut, in gamut
        same(nb[name](lab), SAME_AS[name](lab), dtype, name)
    xyz = color.lab_to_xyz(random_lab(dtype))
    same(nb["my_xyz_to_rgb"](xyz), color.xyz_to_rgb(xyz), dtype, "my_xyz_to_rgb")


@pytest.mark.parametrize("name, inputs", [("my_rgb_to_lab", random_rgb),
                                          ("my_lab_to_rgb", random_lab)])
def test_gradients_equal_colorlab(nb, name, inputs):
    """The same gradients too, black included (a NaN would show up here)."""
    x = inputs(torch.float64)
    weights = torch.randn(x.shape, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    grads = []
    for fn in (nb[name], SAME_AS[name]):
        leaf = x.clone().requires_grad_()
        (grad,) = torch.autograd.grad((fn(leaf) * weights).sum(), leaf)
        grads.append(grad)
    assert torch.isfinite(grads[0]).all(), f"{name}: non-finite gradient"
    same(grads[0], grads[1], torch.float64, f"gradient of {name}")


def test_psnr_and_ssim_equal_colorlab_metrics(nb):
    gen = torch.Generator().manual_seed(3)
    target = torch.rand(4, 3, 32, 32, generator=gen)
    pred = (target + 0.1 * torch.randn(target.shape, generator=gen)).clamp(0, 1)
    same(nb["psnr"](pred, target), metrics.psnr(pred, target), torch.float32, "psnr")
    mine, theirs = nb["ssim"](pred, target), metrics.ssim(pred.double(), target.double())
    assert mine.shape == theirs.shape == (4,)
    assert torch.allclose(mine.double(), theirs.double(), atol=1e-6), \
        f"ssim: the notebook's (scikit-image) and colorlab.metrics.ssim differ: {mine} vs {theirs}"
