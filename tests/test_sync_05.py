"""Notebook 05 writes `soft_encode`, `dense`, `rebalance`, `annealed_mean` and `sweep` out to teach
them, and says that each is a piece of `colorlab` (`AbBins.encode_soft` / `AbBins.dense`,
`colorlab.bins.rebalancing_weights` / `AbBins.with_lambda`, `AbBins.decode`, and
`colorlab.metrics.evaluate` at one temperature). These tests keep each pair equal: they read the
notebook's own cells, execute only the function definitions, and compare them with the package on
small inputs. If either side changes, a test here fails.
"""

import ast
import types
from pathlib import Path

import nbformat
import pytest
import torch
import torch.nn.functional as F

from colorlab.bins import AbBins, rebalancing_weights
from colorlab.color import AB_SCALE, images_to_lab, lab_to_rgb, normalize_lab
from colorlab.data import sample
from colorlab.metrics import ab_auc, colorfulness, evaluate, is_gray, psnr
from colorlab.models import UNet

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_vivid_colors.ipynb"
NAMES = ("soft_encode", "dense", "rebalance", "annealed_mean", "decode_and_score", "sweep")


@pytest.fixture(scope="module")
def nb():
    """The notebook's functions, defined from its own cells (nothing else of the cells runs)."""
    run = types.SimpleNamespace(device=torch.device("cpu"), mode="smoke")
    namespace = {"torch": torch, "F": F, "run": run, "normalize_lab": normalize_lab,
                 "images_to_lab": images_to_lab, "lab_to_rgb": lab_to_rgb, "psnr": psnr,
                 "colorfulness": colorfulness, "ab_auc": ab_auc, "is_gray": is_gray,
                 "AB_SCALE": AB_SCALE}
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    for source in cells:
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name in NAMES:
                exec(compile(ast.Module(body=[node], type_ignores=[]), str(NOTEBOOK), "exec"),
                     namespace)
    missing = [name for name in NAMES if name not in namespace]
    assert not missing, f"{NOTEBOOK.name}: no cell defines {missing}"
    return types.SimpleNamespace(**{name: namespace[name] for name in NAMES})


@pytest.fixture(scope="module")
def data():
    """Small real images (sample patches, 32 x 32), two of them made already gray (R = G = B), and
    the bins fitted on them."""
    images = sample("train").images[:64].clone()
    images[[3, 40]] = images[[3, 40]].float().mean(dim=1, keepdim=True).round().byte()  # gray
    _, ab = normalize_lab(images_to_lab(images))
    return images, ab * AB_SCALE, AbBins.fit(ab * AB_SCALE, lam=0.5)


@pytest.mark.parametrize("k, sigma", [(5, 5.0), (1, 5.0), (3, 8.0)])
def test_soft_encode_is_encode_soft(nb, data, k, sigma):
    _, ab, bins = data
    some = ab[:8] + torch.randn(8, 2, 32, 32, generator=torch.Generator().manual_seed(0))
    Q = len(bins)
    mine = nb.dense(*nb.soft_encode(some.movedim(1, -1).reshape(-1, 2), bins.centers, k, sigma), Q)
    idx, w = bins.encode_soft(some, k=k, sigma=sigma)                          # (8, k, H, W)
    theirs = bins.dense((idx, w)).movedim(1, -1).reshape(-1, Q)                # (P, Q)
    assert torch.allclose(mine, theirs, atol=1e-5), (
        f"notebook 05's soft_encode/dense and AbBins.encode_soft/dense (k={k}, sigma={sigma}) "
        "give different targets: bring the two back in step")


@pytest.mark.parametrize("lam", [0.0, 0.3, 0.5, 0.8, 1.0])
def test_rebalance_is_rebalancing_weights(nb, data, lam):
    bins = data[2]
    mine = nb.rebalance(bins.prior, lam)
    assert torch.allclose(mine, rebalancing_weights(bins.prior, lam))
    assert torch.allclose(mine, bins.with_lambda(lam).weights), (
        f"notebook 05's rebalance and AbBins.with_lambda({lam}).weights differ")


@pytest.mark.parametrize("T", [1.0, 0.7, 0.38, 0.1, 0.01, 0.0])
def test_annealed_mean_is_decode(nb, data, T):
    bins = data[2]
    logits = torch.randn(2, len(bins), 8, 8, generator=torch.Generator().manual_seed(0)) * 3
    mine, theirs = nb.annealed_mean(logits, bins.centers, T), bins.decode(logits, T)
    assert torch.allclose(mine, theirs, atol=1e-3), (
        f"notebook 05's annealed_mean and AbBins.decode differ at T={T}")


def test_sweep_is_evaluate(nb, data):
    """The sweep (the network once per chunk, every T decoded from it) gives, at each T, what
    evaluate gives for the classifier and decoder as one function, on the same images: both set
    the already-gray ones apart."""
    images, _, bins = data
    torch.manual_seed(0)
    model = UNet(in_ch=1, out_ch=len(bins), base=4, depth=3, activation=None).eval()
    temperatures = (1.0, 0.38, 0.0)
    found = nb.sweep(model, bins, images, temperatures, batch_size=24)   # chunks: 24, 24, 16
    for T in temperatures:
        check = evaluate(lambda L, T=T: bins.decode(model(L), T) / AB_SCALE, images,
                         keep_images=False, verbose=False)
        assert found["set_apart"] == check.means()["set_apart"] >= 2, (
            "notebook 05's sweep and evaluate should set apart the same already-gray images "
            "(at least the two made gray here)")
        for key in ("psnr", "colorfulness"):
            assert torch.allclose(check.model[key][check.counted], found[T][key], atol=1e-2,
                                  rtol=1e-4), (
                f"notebook 05's sweep and colorlab.metrics.evaluate differ ({key}, T={T})")
        assert abs(check.rebalanced_auc["model"] - found[T]["ab_auc_rebalanced"]) < 1e-4, (
            f"notebook 05's sweep and evaluate give other rebalanced AuCs (T={T})")
        plain = check.model["ab_auc"][check.counted].mean().item()
        assert abs(plain - found[T]["ab_auc"]) < 1e-4   # same pixels
