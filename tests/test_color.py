"""colorlab.color: agreement with scikit-image, round trips, out-of-gamut Lab, gradients, shapes.

scikit-image keeps channels last; colorlab keeps them in dim -3. Every comparison moves axes.
No timings here: benchmarks/color_speed.py measures speed.
"""

import numpy as np
import pytest
import torch
from skimage import color as skcolor

from colorlab import color
from colorlab.color import (
    AB_SCALE,
    DELTA,
    EPSILON,
    LINEAR_THRESHOLD,
    SRGB_THRESHOLD,
    denormalize_lab,
    images_to_lab,
    lab_to_images,
    lab_to_rgb,
    normalize_lab,
    rgb_to_lab,
)

DTYPES_TOL = [(torch.float64, 1e-3), (torch.float32, 1e-2)]  # max |colorlab - skimage|


def to_image(colors):
    """(N, 3) colors -> a (3, N, 1) channels-first image."""
    return torch.as_tensor(colors).T.reshape(3, -1, 1)


def sk_rgb2lab(rgb: torch.Tensor) -> torch.Tensor:
    """scikit-image's rgb2lab on a channels-first tensor, in float64."""
    out = skcolor.rgb2lab(rgb.double().movedim(-3, -1).numpy())
    return torch.from_numpy(out).movedim(-1, -3)


def sk_lab2rgb(lab: torch.Tensor) -> torch.Tensor:
    out = skcolor.lab2rgb(lab.double().movedim(-3, -1).numpy())
    return torch.from_numpy(out).movedim(-1, -3)


def either_side(x, steps=(1e-7, 1e-6, 1e-5, 1e-4, 1e-3)):
    """x itself and values just below and above it."""
    return [x] + [x - s for s in steps] + [x + s for s in steps]


def special_rgb() -> torch.Tensor:
    """(N, 3) float64 sRGB colors: primaries, secondaries, black, white, grays, and colors just
    either side of every threshold of the forward path."""
    colors = [[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 1], [1, 0, 1],
              [1, 1, 0]]
    colors += [[g, g, g] for g in np.linspace(0, 1, 256)]
    # sRGB decode switches at 0.04045; per channel, with the others at 0, 0.5 or 1
    for v in either_side(SRGB_THRESHOLD):
        for other in (0.0, 0.5, 1.0):
            colors += [[v, other, other], [other, v, other], [other, other, v], [v, v, v]]
    # Lab's f switches at X/Xn, Y/Yn or Z/Zn = (6/29)^3, i.e. L = 8: grays whose linear value is
    # just either side of it cross all three at once; dark colors cross them one at a time
    for t in either_side(EPSILON, (1e-6, 1e-5, 1e-4, 1e-3)):
        g = float(color.linear_to_srgb(torch.tensor(t, dtype=torch.float64)))
        colors += [[g, g, g], [g, 0, 0], [0, g, 0], [0, 0, g], [g, g, 0]]
    colors += (torch.rand(2000, 3, generator=torch.Generator().manual_seed(1),
                          dtype=torch.float64) * 0.15).tolist()
    return torch.tensor(colors, dtype=torch.float64).clamp(0, 1)


def test_data_covers_the_thresholds():
    rgb = special_rgb()
    for threshold in (SRGB_THRESHOLD,):
        assert ((rgb > threshold - 1e-4) & (rgb < threshold)).any()
        assert ((rgb > threshold) & (rgb < threshold + 1e-4)).any()
    t = color.rgb_to_xyz(to_image(rgb)) / color.D65_WHITE.view(3, 1, 1)
    assert ((t > EPSILON * 0.999) & (t < EPSILON)).sum() >= 5
    assert ((t > EPSILON) & (t < EPSILON * 1.001)).sum() >= 5
    L = rgb_to_lab(to_image(rgb))[0]
    assert ((L > 7.99) & (L < 8)).any() and ((L > 8) & (L < 8.01)).any()


@pytest.fixture(scope="module")
def rgb_cases():
    """(3, N, 1) float64 sRGB: 100,000 random colors and the special ones."""
    gen = torch.Generator().manual_seed(0)
    random = torch.rand(100_000, 3, generator=gen, dtype=torch.float64)
    return to_image(torch.cat([special_rgb(), random]))


# ---------------------------------------------------------------------------------------------
# Agreement with scikit-image
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype,tol", DTYPES_TOL, ids=["float64", "float32"])
def test_rgb_to_lab_matches_skimage(rgb_cases, dtype, tol):
    rgb = rgb_cases.to(dtype)
    ours = rgb_to_lab(rgb)
    assert ours.dtype == dtype and ours.shape == rgb.shape
    err = (ours.double() - sk_rgb2lab(rgb)).abs().max().item()
    assert err <= tol, f"max |rgb_to_lab - skimage.rgb2lab| = {err:.2e} > {tol}"


def special_lab() -> torch.Tensor:
    """(N, 3) in-gamut Lab values either side of the thresholds of the inverse path: L = 8
    (f(Y/Yn) = 6/29), f(X/Xn) = 6/29 and f(Z/Zn) = 6/29, and linear RGB = 0.0031308."""
    lab = []
    for L in either_side(8.0, (1e-6, 1e-4, 1e-2)):
        lab += [[L, 0, 0], [L, 0.5, 0.5], [L, -0.5, -0.5]]
    fy = (20 + 16) / 116  # L = 20: fx = fy + a/500 and fz = fy - b/200 cross 6/29 at:
    a0, b0 = 500 * (DELTA - fy), 200 * (fy - DELTA)
    for d in (0, 1e-6, -1e-6, 1e-3, -1e-3):
        lab += [[20, a0 + d, 0], [20, 0, b0 + d]]
    gray = color.srgb_to_linear(torch.tensor(either_side(SRGB_THRESHOLD), dtype=torch.float64))
    assert (gray - LINEAR_THRESHOLD).abs().min() < 1e-8  # 0.04045 <-> 0.0031308
    lab += rgb_to_lab(to_image(gray[:, None].expand(-1, 3))).reshape(3, -1).T.tolist()
    return torch.tensor(lab, dtype=torch.float64)


@pytest.mark.parametrize("dtype,tol", DTYPES_TOL, ids=["float64", "float32"])
def test_lab_to_rgb_matches_skimage(rgb_cases, dtype, tol):
    lab = torch.cat([sk_rgb2lab(rgb_cases), to_image(special_lab())], dim=-2).to(dtype)
    ours = lab_to_rgb(lab)
    assert ours.dtype == dtype and ours.shape == lab.shape
    err = (ours.double() - sk_lab2rgb(lab)).abs().max().item()
    assert err <= tol, f"max |lab_to_rgb - skimage.lab2rgb| = {err:.2e} > {tol}"


def test_round_trip_float64(rgb_cases):
    err = (lab_to_rgb(rgb_to_lab(rgb_cases)) - rgb_cases).abs().max().item()
    assert err <= 1e-4, f"rgb -> lab -> rgb is off by {err:.2e}"


def test_known_colors():
    known = {  # sRGB -> Lab (D65), as published (e.g. Bruce Lindbloom's calculator)
        (1, 1, 1): (100, 0, 0), (0, 0, 0): (0, 0, 0),
        (1, 0, 0): (53.24, 80.09, 67.20), (0, 1, 0): (87.73, -86.18, 83.18),
        (0, 0, 1): (32.30, 79.19, -107.86), (0.5, 0.5, 0.5): (53.39, 0, 0),
    }
    lab = rgb_to_lab(to_image(list(known)).double()).reshape(3, -1).T
    want = torch.tensor(list(known.values()), dtype=torch.float64)
    assert torch.allclose(lab, want, atol=0.02), (lab, want)
    assert torch.equal(rgb_to_lab(torch.zeros(3, 1, 1)), torch.zeros(3, 1, 1))  # black: exactly


# ---------------------------------------------------------------------------------------------
# Out of gamut
# ---------------------------------------------------------------------------------------------
def wild_lab() -> torch.Tensor:
    L = torch.linspace(-50, 150, 41, dtype=torch.float64)
    ab = torch.linspace(-300, 300, 61, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(L, ab, ab, indexing="ij"), dim=-1).reshape(-1, 3)
    named = torch.tensor([[50, 100, 100], [0, 100, -100], [100, 128, 128], [0, -128, 128]],
                         dtype=torch.float64)
    return torch.cat([named, grid])


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_out_of_gamut_is_finite_and_in_range(dtype):
    rgb = lab_to_rgb(to_image(wild_lab()).to(dtype))
    assert torch.isfinite(rgb).all()
    assert rgb.min() >= 0 and rgb.max() <= 1
    for lab in ([50.0, 100, 100], [0.0, 100, -100]):
        out = lab_to_rgb(torch.tensor(lab, dtype=dtype).view(3, 1, 1))
        assert torch.isfinite(out).all() and out.min() >= 0 and out.max() <= 1, (lab, out)
        raw = lab_to_rgb(torch.tensor(lab, dtype=dtype).view(3, 1, 1), clip=False)
        assert (raw < 0).any() or (raw > 1).any(), f"{lab} should be out of the sRGB gamut"


def test_out_of_gamut_clips_like_skimage():
    """Clamping linear RGB gives what scikit-image gives (it clamps sRGB), wherever scikit-image
    does not first clip a negative f(Z/Zn) to 0 (it warns when it does)."""
    lab = wild_lab()
    fz = (lab[:, 0] + 16) / 116 - lab[:, 2] / 200
    lab = to_image(lab[fz >= 0])
    err = (lab_to_rgb(lab) - sk_lab2rgb(lab)).abs().max().item()
    assert err <= 1e-3, err


# ---------------------------------------------------------------------------------------------
# Gradients
# ---------------------------------------------------------------------------------------------
def _gradcheck(fn, x):
    return torch.autograd.gradcheck(fn, (x.detach().requires_grad_(),), eps=1e-6, atol=1e-5)


def test_gradcheck_rgb_to_lab():
    gen = torch.Generator().manual_seed(0)
    assert _gradcheck(rgb_to_lab, torch.rand(2, 3, 4, 4, generator=gen, dtype=torch.float64))
    assert _gradcheck(rgb_to_lab, torch.zeros(1, 3, 2, 2, dtype=torch.float64))  # black
    dark = torch.rand(1, 3, 4, 4, generator=gen, dtype=torch.float64) * 0.03  # the linear toes
    assert _gradcheck(rgb_to_lab, dark)


def test_gradcheck_lab_to_rgb():
    gen = torch.Generator().manual_seed(0)
    # in-gamut Lab, away from the gamut's edge (where the clamp to [0, 1] has a kink)
    lab = rgb_to_lab(0.05 + 0.9 * torch.rand(2, 3, 4, 4, generator=gen, dtype=torch.float64))
    assert _gradcheck(lab_to_rgb, lab)
    dark = rgb_to_lab(0.001 + 0.03 * torch.rand(1, 3, 4, 4, generator=gen, dtype=torch.float64))
    assert dark[:, 0].max() < 8  # all on the linear segments
    assert _gradcheck(lab_to_rgb, dark)
    # Black sits on the gamut's edge: clamping to [0, 1] has a kink exactly there, which a
    # finite difference cannot see past. The conversion itself is smooth at black:
    black = torch.zeros(1, 3, 2, 2, dtype=torch.float64)
    assert _gradcheck(lambda lab: lab_to_rgb(lab, clip=False), black)


def test_gradients_are_finite_at_black_thresholds_and_out_of_gamut():
    rgb = to_image(torch.tensor([[0, 0, 0], [SRGB_THRESHOLD] * 3, [1, 1, 1], [1, 0, 0]]))
    lin = float(color.srgb_to_linear(torch.tensor(SRGB_THRESHOLD, dtype=torch.float64)))
    for dtype in (torch.float32, torch.float64):
        x = rgb.to(dtype).clone().requires_grad_()
        rgb_to_lab(x).sum().backward()
        assert torch.isfinite(x.grad).all()
        for fn, value in [(color.linear_to_srgb, LINEAR_THRESHOLD), (color.linear_to_srgb, 0.0),
                          (color.srgb_to_linear, 0.0), (color.linear_to_srgb, lin)]:
            v = torch.tensor(value, dtype=dtype, requires_grad=True)
            fn(v).backward()
            assert torch.isfinite(v.grad), (fn.__name__, value)
        t = (torch.tensor([0.0, EPSILON, 1.0], dtype=dtype)[:, None, None]
             * color.D65_WHITE.to(dtype).view(3, 1, 1)).clone().requires_grad_()
        color.xyz_to_lab(t).sum().backward()
        assert torch.isfinite(t.grad).all()
        lab = torch.cat([to_image(torch.tensor([[0.0, 0, 0], [8, 0, 0]])),
                         to_image(wild_lab())], dim=-2).to(dtype).clone().requires_grad_()
        lab_to_rgb(lab).sum().backward()
        assert torch.isfinite(lab.grad).all()


# ---------------------------------------------------------------------------------------------
# Shapes, dtypes, slices
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [rgb_to_lab, lab_to_rgb, color.rgb_to_xyz, color.xyz_to_rgb,
                                color.xyz_to_lab, color.lab_to_xyz],
                         ids=lambda f: f.__name__)
def test_batches_over_leading_dims(fn):
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(2, 2, 3, 4, 5, generator=gen)
    if fn in (lab_to_rgb, color.lab_to_xyz):
        x = rgb_to_lab(x)
    out = fn(x)
    assert out.shape == x.shape and out.dtype == x.dtype
    assert torch.allclose(fn(x[1]), out[1], atol=1e-5)     # (N, 3, H, W)
    assert torch.allclose(fn(x[1, 0]), out[1, 0], atol=1e-5)  # (3, H, W)


@pytest.mark.parametrize("shape", [(3, 300, 300), (100, 3, 32, 32), (2, 3, 260, 130)])
def test_slices_give_the_same_numbers(shape):
    """Big CPU inputs are converted in slices (color._in_slices): same result as in one go."""
    x = torch.rand(shape, generator=torch.Generator().manual_seed(0))
    assert x[..., 0, :, :].numel() > color.SLICE_PIXELS
    lab = rgb_to_lab(x)
    assert torch.allclose(lab, color.xyz_to_lab(color.rgb_to_xyz(x)), atol=1e-4)
    assert torch.allclose(lab_to_rgb(lab), color.xyz_to_rgb(color.lab_to_xyz(lab)), atol=1e-6)
    strided = x.transpose(-1, -2)  # not contiguous
    assert torch.allclose(rgb_to_lab(strided), lab.transpose(-1, -2), atol=1e-4)


def test_errors_say_what_to_do():
    with pytest.raises(TypeError, match="images_to_lab"):
        rgb_to_lab(torch.zeros(3, 4, 4, dtype=torch.uint8))
    with pytest.raises(ValueError, match="channels-last"):
        rgb_to_lab(torch.zeros(4, 4, 3))
    with pytest.raises(ValueError, match=r"\(\.\.\., 3, H, W\)"):
        lab_to_rgb(torch.zeros(2, 4, 4))
    with pytest.raises(TypeError, match="rgb_to_lab"):
        images_to_lab(torch.zeros(1, 3, 4, 4))


# ---------------------------------------------------------------------------------------------
# Normalization, uint8 images
# ---------------------------------------------------------------------------------------------
def all_srgb_colors(steps=33) -> torch.Tensor:
    v = torch.linspace(0, 1, steps, dtype=torch.float64)
    return to_image(torch.stack(torch.meshgrid(v, v, v, indexing="ij"), -1).reshape(-1, 3))


def test_normalize_lab_shapes_ranges_and_inverse():
    lab = rgb_to_lab(all_srgb_colors()).unsqueeze(0)  # (1, 3, N, 1)
    L, ab = normalize_lab(lab)
    assert L.shape == (1, 1, lab.shape[-2], 1) and ab.shape == (1, 2, lab.shape[-2], 1)
    assert L.min() >= 0 and L.max() <= 1 + 1e-9
    assert ab.abs().max() <= 1, "AB_SCALE must cover the sRGB gamut"
    assert ab.abs().max() > 0.9, "AB_SCALE should not waste the [-1, 1] range"
    assert torch.allclose(L, lab[:, :1] / 100) and torch.allclose(ab, lab[:, 1:] / AB_SCALE)
    assert torch.allclose(denormalize_lab(L, ab), lab, atol=1e-12)
    assert denormalize_lab(L[0], ab[0]).shape == lab[0].shape  # no batch dim
    with pytest.raises(ValueError, match="normalize_lab"):
        denormalize_lab(ab, L)


def test_uint8_images_round_trip():
    gen = torch.Generator().manual_seed(0)
    images = torch.randint(0, 256, (4, 3, 16, 16), generator=gen, dtype=torch.uint8)
    grays = torch.arange(256, dtype=torch.uint8).view(1, 1, 16, 16).expand(1, 3, 16, 16)
    images = torch.cat([images, grays])
    lab = images_to_lab(images)
    assert lab.dtype == torch.float32 and lab.shape == images.shape
    assert torch.allclose(lab, rgb_to_lab(images.double() / 255).float(), atol=1e-3)
    back = lab_to_images(lab)
    assert back.dtype == torch.uint8 and torch.equal(back, images)
    assert lab_to_images(to_image(wild_lab()).float()).dtype == torch.uint8


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_runs_on_cuda():
    x = torch.rand(2, 3, 8, 8)
    lab = rgb_to_lab(x.cuda())
    assert lab.is_cuda and torch.allclose(lab.cpu(), rgb_to_lab(x), atol=1e-3)
    assert torch.allclose(lab_to_rgb(lab).cpu(), x, atol=1e-4)


def test_grayscale_keeps_lightness_and_drops_color():
    rgb = torch.rand(2, 3, 8, 8, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    gray = color.grayscale(rgb)
    assert gray.shape == rgb.shape and 0 <= gray.min() and gray.max() <= 1
    assert (gray - gray.mean(dim=1, keepdim=True)).abs().max() < 1e-3  # R = G = B
    lab, lab_gray = color.rgb_to_lab(rgb), color.rgb_to_lab(gray)
    assert torch.allclose(lab_gray[:, 0], lab[:, 0], atol=1e-6)   # same L
    assert lab_gray[:, 1:].abs().max() < 1e-3                      # no color
