"""colorlab.metrics against scikit-image and hand-computed values; evaluate on known models."""

import numpy as np
import pytest
import skimage.data
import torch
from skimage.color import deltaE_cie76
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from torch import nn

from colorlab.color import images_to_lab, normalize_lab
from colorlab.data import sample
from colorlab.metrics import colorfulness, delta_e, evaluate, mean_delta_e, psnr, ssim


def photo(name: str) -> np.ndarray:
    """A scikit-image photo as (H, W, 3) float32 in [0, 1], cropped to keep the tests fast."""
    return getattr(skimage.data, name)()[:200, :240].astype(np.float32) / 255


def noisy(x: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(x + rng.normal(0, sigma, x.shape), 0, 1).astype(np.float32)


def chw(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(x).permute(2, 0, 1)


def sk_ssim(a, b):
    return structural_similarity(a, b, channel_axis=-1, gaussian_weights=True, sigma=1.5,
                                 use_sample_covariance=False, data_range=1.0)


# ---------------------------------------------------------------------------------------------
# PSNR, SSIM
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["astronaut", "coffee"])
def test_psnr_matches_skimage(name):
    a = photo(name)
    b = noisy(a, 0.05)
    assert psnr(chw(b), chw(a)).item() == pytest.approx(
        peak_signal_noise_ratio(a, b, data_range=1.0), abs=1e-3)


def test_psnr_is_per_image():
    a = torch.rand(4, 3, 16, 16)
    b = (a + 0.1).clamp(0, 1)
    out = psnr(b, a)
    assert out.shape == (4,)
    assert torch.allclose(out[1], psnr(b[1], a[1]))
    assert psnr(a, a).min() > 90  # identical: clamped MSE, no inf


@pytest.mark.parametrize("name", ["astronaut", "coffee"])
@pytest.mark.parametrize("sigma", [0.0, 0.02, 0.2])
def test_ssim_matches_skimage(name, sigma):
    a = photo(name)
    b = noisy(a, sigma, seed=1) if sigma else np.clip(a * 0.8 + 0.1, 0, 1)  # contrast change
    ours = ssim(chw(b), chw(a)).item()
    assert ours == pytest.approx(sk_ssim(a, b), abs=1e-3)


def test_ssim_batched_shapes_and_identity():
    a = torch.rand(2, 3, 3, 20, 24)
    b = (a + 0.1 * torch.randn_like(a)).clamp(0, 1)
    out = ssim(b, a)
    assert out.shape == (2, 3)
    assert torch.allclose(out[1, 2], ssim(b[1, 2], a[1, 2]))
    assert torch.allclose(ssim(a, a), torch.ones(2, 3), atol=1e-5)
    with pytest.raises(ValueError, match="at least 11"):
        ssim(torch.rand(1, 3, 8, 8), torch.rand(1, 3, 8, 8))


def test_ssim_is_differentiable():
    a = torch.rand(1, 1, 12, 13, dtype=torch.float64)
    b = torch.rand(1, 1, 12, 13, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: ssim(x, a), (b,))
    # and gradient ascent on SSIM makes the images more alike
    x = torch.rand(1, 3, 16, 16, requires_grad=True)
    target = torch.rand(1, 3, 16, 16)
    before = ssim(x, target).item()
    opt = torch.optim.Adam([x], lr=0.05)
    for _ in range(20):
        opt.zero_grad()
        (1 - ssim(x, target)).sum().backward()
        opt.step()
    assert ssim(x, target).item() > before + 0.3


# ---------------------------------------------------------------------------------------------
# colorfulness, Delta E
# ---------------------------------------------------------------------------------------------
def test_colorfulness_known_values():
    gray = torch.full((2, 3, 8, 8), 77, dtype=torch.uint8)
    assert torch.equal(colorfulness(gray), torch.zeros(2))
    red = torch.zeros(3, 4, 4, dtype=torch.uint8)
    red[0] = 255  # rg = 255, yb = 127.5 everywhere: no spread, M = 0.3 * |(255, 127.5)|
    assert colorfulness(red).item() == pytest.approx(0.3 * np.hypot(255, 127.5), rel=1e-6)
    half = red.clone()
    half[:, :2] = 0  # half red, half black: std = mean = (127.5, 63.75)
    expected = 1.3 * np.hypot(127.5, 63.75)
    assert colorfulness(half).item() == pytest.approx(expected, rel=1e-6)
    assert colorfulness(half.float() / 255).item() == pytest.approx(expected, rel=1e-6)


def test_colorfulness_of_photos():
    m = colorfulness(chw(photo("coffee"))).item()
    assert 20 < m < 150
    assert colorfulness(chw(photo("coffee")).mean(0, keepdim=True).expand(3, -1, -1)) < 1e-3


def test_delta_e_known_values_and_skimage():
    lab1 = torch.tensor([50.0, 0.0, 0.0]).view(3, 1, 1).expand(3, 2, 2)
    lab2 = torch.tensor([50.0, 3.0, 4.0]).view(3, 1, 1).expand(3, 2, 2)
    assert torch.allclose(delta_e(lab1, lab2), torch.full((2, 2), 5.0))
    x = torch.randn(4, 3, 5, 6) * 30
    y = torch.randn(4, 3, 5, 6) * 30
    per_pixel = delta_e(x, y)
    assert per_pixel.shape == (4, 5, 6)
    ref = deltaE_cie76(x.permute(0, 2, 3, 1).numpy(), y.permute(0, 2, 3, 1).numpy())
    assert np.allclose(per_pixel.numpy(), ref, atol=1e-4)
    assert torch.allclose(mean_delta_e(x, y), per_pixel.mean(dim=(1, 2)))


# ---------------------------------------------------------------------------------------------
# evaluate
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def test_images():
    return sample("test", 32).take(48, seed=0)


class ZeroAB(nn.Module):
    """Always predicts ab = 0 (gray): exactly the grayscale baseline."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))

    def forward(self, L):
        return torch.zeros(len(L), 2, *L.shape[-2:]) * self.w


def test_evaluate_zero_model_is_the_gray_baseline(test_images):
    model = ZeroAB().train()
    result = evaluate(model, test_images, batch_size=20)
    assert model.training  # mode restored
    assert len(result) == 48 and result.images.shape == (48, 3, 32, 32)
    for name in ("psnr", "ssim", "delta_e", "colorfulness"):
        assert torch.equal(result.model[name], result.gray[name]), name
    assert result.beats_gray == 0.0
    m = result.means()
    assert m["psnr_gain"] == 0 and m["gray_colorfulness"] < 0.05
    assert m["truth_colorfulness"] > 10


def test_evaluate_with_a_cheating_function(test_images):
    _, true_ab = normalize_lab(images_to_lab(test_images.images))
    chunks = iter(true_ab.split(16))
    result = evaluate(lambda L: next(chunks), test_images.images, batch_size=16)
    m = result.means()
    assert m["psnr"] > 35 and m["ssim"] > 0.99 and m["delta_e"] < 1
    assert m["psnr"] > m["gray_psnr"] + 10
    assert result.beats_gray == 1.0
    assert m["colorfulness"] == pytest.approx(m["truth_colorfulness"], rel=0.02)
    assert "| PSNR (dB)" in result.table()
    rows = result.by_class(test_images.labels, test_images.classes)
    assert {r["class"] for r in rows} == {"chelsea", "coffee"}
    assert sum(r["n"] for r in rows) == 48
    assert all(r["psnr_gain"] > 10 for r in rows)


def test_evaluate_rejects_bad_inputs(test_images):
    with pytest.raises(ValueError, match="must return normalized ab"):
        evaluate(lambda L: L, test_images)
    with pytest.raises(TypeError, match="uint8"):
        evaluate(ZeroAB(), test_images.float())
