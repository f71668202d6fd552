"""colorlab.metrics against scikit-image and hand-computed values; evaluate on known models."""

import numpy as np
import pytest
import skimage.data
import torch
from skimage.color import deltaE_cie76
from skimage.metrics import peak_signal_noise_ratio, structural_similarity
from torch import nn

from colorlab.color import grayscale, images_to_lab, normalize_lab
from colorlab.data import sample
from colorlab.metrics import (
    GRAY_CHROMA,
    ab_auc,
    classifier_accuracy,
    colorfulness,
    delta_e,
    evaluate,
    hue_turn,
    is_gray,
    mean_chroma,
    mean_delta_e,
    psnr,
    ssim,
)


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
# the AuC of the ab error, raw and class-rebalanced
# ---------------------------------------------------------------------------------------------
def pixels(*ab) -> torch.Tensor:
    """ab pairs -> (1, 2, 1, P): one image, one row of P pixels."""
    return torch.tensor(ab, dtype=torch.float32).T.reshape(1, 2, 1, len(ab))


def test_ab_auc_hand_computed():
    exact = pixels((10.0, -20.0))
    assert ab_auc(exact, exact) == 1.0 and ab_auc(exact, exact, rebalanced=True) == 1.0
    # a 3-4-5 triangle: distance exactly 5 meets the thresholds 5, 6, ..., 150 (distance <= t)
    assert ab_auc(pixels((3.0, 4.0)), pixels((0.0, 0.0))) == pytest.approx(146 / 151)
    assert ab_auc(pixels((0.5, 0.0)), pixels((0.0, 0.0))) == pytest.approx(150 / 151)
    assert ab_auc(pixels((150.0, 0.0)), pixels((0.0, 0.0))) == pytest.approx(1 / 151)
    # one pixel exact, one 200 away: half the pixels meet every threshold, the other none
    assert ab_auc(pixels((0.0, 0.0), (100.0, 100.0)),
                  pixels((0.0, 0.0), (-41.4, -41.4))) == pytest.approx(0.5)
    assert ab_auc(pixels((3.0, 4.0)), pixels((0.0, 0.0)), max_dist=10) == pytest.approx(6 / 11)


def test_ab_auc_rebalanced_weighs_cells_not_pixels():
    # three gray pixels predicted exactly, one red pixel (a = 50) predicted gray (50 away)
    true = pixels((0.0, 0.0), (0.0, 0.0), (0.0, 0.0), (50.0, 0.0))
    pred = pixels((0.0, 0.0), (0.0, 0.0), (0.0, 0.0), (0.0, 0.0))
    assert ab_auc(pred, true) == pytest.approx((3 * 151 + 101) / (4 * 151))
    assert ab_auc(pred, true, rebalanced=True) == pytest.approx((1 + 101 / 151) / 2)
    # the cell is the TRUE ab's: binning the predicted ab would put all four in one cell
    assert ab_auc(true, pred, rebalanced=True) == pytest.approx((3 + 101 / 151) / 4)
    # cells of the 10-unit grid, centers at multiples of 10: 4 and -4 share the cell of 0
    near_gray = pixels((4.0, 0.0), (-4.0, 3.0))
    assert ab_auc(torch.zeros_like(near_gray), near_gray, rebalanced=True) == pytest.approx(
        ab_auc(torch.zeros_like(near_gray), near_gray))


def reference_auc(pred, true, rebalanced=False, max_dist=150):
    """The paper's definition, straight: for each threshold, the share of pixels within it;
    per cell of the true ab's 10-unit grid when rebalanced (NumPy, float64, a loop)."""
    pred, true = (x.double().permute(0, 2, 3, 1).reshape(-1, 2).numpy() for x in (pred, true))
    dist = np.sqrt(((pred - true) ** 2).sum(axis=1))
    thresholds = np.arange(0, max_dist + 1)
    if not rebalanced:
        return np.mean([np.mean(dist <= t) for t in thresholds])
    cell = np.clip(np.round((true + 110) / 10), 0, 22)
    keys = cell[:, 0] * 23 + cell[:, 1]
    per_cell = []
    for k in np.unique(keys):
        in_cell = dist[keys == k]
        per_cell.append(np.mean([np.mean(in_cell <= t) for t in thresholds]))
    return np.mean(per_cell)


@pytest.mark.parametrize("shape, spread", [((4, 2, 16, 16), 20.0), ((3, 2, 8, 8), 60.0),
                                           ((40, 2, 256, 128), 15.0)])
def test_ab_auc_agrees_with_the_papers_definition(shape, spread):
    """Random ab (the last case spans several chunks), raw and rebalanced, to 2e-3."""
    g = torch.Generator().manual_seed(shape[0])
    true = (torch.randn(shape, generator=g) * 35).clamp(-110, 110)
    pred = true + torch.randn(shape, generator=g) * spread
    for rebalanced in (False, True):
        mine, theirs = ab_auc(pred, true, rebalanced=rebalanced), reference_auc(pred, true,
                                                                                rebalanced)
        assert 0.05 < theirs < 0.95 and abs(mine - theirs) < 2e-3, (rebalanced, mine, theirs)


def test_ab_auc_rejects_what_is_not_ab():
    lab = torch.zeros(2, 3, 4, 4)
    with pytest.raises(ValueError, match="lab\\[:, 1:\\]"):
        ab_auc(lab, lab)
    with pytest.raises(ValueError, match="both \\(N, 2, H, W\\)"):
        ab_auc(torch.zeros(2, 2, 4, 4), torch.zeros(2, 2, 4, 5))
    with pytest.raises(ValueError, match="max_dist"):
        ab_auc(torch.zeros(1, 2, 2, 2), torch.zeros(1, 2, 2, 2), max_dist=-1)


def test_is_gray_is_a_mean_chroma_below_two():
    lab = torch.zeros(3, 3, 4, 4)
    lab[:, 0] = 50
    lab[1, 1] = GRAY_CHROMA - 0.1                                    # chroma 1.9 everywhere
    lab[2, 1, :2], lab[2, 2, :2] = 3.0, 4.0                          # half 5, half 0: mean 2.5
    assert mean_chroma(lab).tolist() == pytest.approx([0.0, 1.9, 2.5])
    assert is_gray(lab).tolist() == [True, True, False]
    photos = sample("test", 32).images[:4]
    assert not is_gray(images_to_lab(photos)).any()
    assert is_gray(images_to_lab(photos[:, :1].expand(4, 3, 32, 32))).all()  # R = G = B


def test_hue_turn_is_the_wrapped_angle_between_hues_in_degrees():
    def ab_at(*degrees):                                             # (1, 2, 1, k), chroma 30
        rad = torch.tensor(degrees, dtype=torch.float64).deg2rad()
        return torch.stack([30 * rad.cos(), 30 * rad.sin()])[None, :, None, :]

    turns = hue_turn(ab_at(10, 350, 90, 0, 179), ab_at(350, 10, 270, 180, -179))
    assert turns.shape == (1, 1, 5)
    assert turns.flatten().tolist() == pytest.approx([20, 20, 180, 180, 2])  # across 0 degrees too
    assert hue_turn(ab_at(40), 3 * ab_at(40)).item() == pytest.approx(0, abs=1e-9)  # not chroma
    a, b = torch.randn(2, 2, 8, 8), torch.randn(2, 2, 8, 8)
    assert torch.equal(hue_turn(a, b), hue_turn(b, a))
    assert ((hue_turn(a, b) >= 0) & (hue_turn(a, b) <= 180)).all()


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


def test_evaluate_sets_already_gray_images_apart(test_images, capsys):
    images = test_images.images.clone()
    images[:5] = images[:5, 1:2]  # five black-and-white images: R = G = B
    result = evaluate(ZeroAB(), images, batch_size=20)
    printed = capsys.readouterr().out
    assert printed.count("\n") == 1 and "5 of 48 images are already gray" in printed, printed
    assert result.already_gray.tolist() == [True] * 5 + [False] * 43
    m = result.means()
    assert (m["images"], m["already_gray"], m["set_apart"]) == (43, 5, 5)
    assert m["gray_psnr"] == pytest.approx(result.gray["psnr"][5:].mean().item())
    assert sorted(result.ranked().tolist()) == list(range(5, 48))
    worst = result.ranked("psnr")
    assert result.model["psnr"][worst].diff().min() >= 0
    assert "5 already gray set apart" in result.table()
    labels = torch.arange(48) % 2
    rows = result.by_class(labels, ["even", "odd"])
    assert [(r["n"], r["set_apart"]) for r in rows] == [(21, 3), (22, 2)]
    # the PSNR of the mean MSE, over the counted images
    gray = grayscale(images.float() / 255)
    mse = (gray - images.float() / 255).pow(2).mean(dim=(1, 2, 3))[5:]
    assert m["gray_psnr_of_mean_mse"] == pytest.approx(10 * np.log10(1 / mse.mean().item()),
                                                      abs=1e-3)
    assert m["psnr_of_mean_mse"] == m["gray_psnr_of_mean_mse"] < m["gray_psnr"]
    # the AuC of the gray baseline, raw and rebalanced, is ab_auc's on the counted images
    true_ab = images_to_lab(images[5:])[:, 1:]
    for key, rebalanced in (("ab_auc", False), ("ab_auc_rebalanced", True)):
        want = ab_auc(torch.zeros_like(true_ab), true_ab, rebalanced=rebalanced)
        assert m[key] == m[f"gray_{key}"] == pytest.approx(want, abs=1e-6), key
    # the switch counts them
    everything = evaluate(ZeroAB(), images, batch_size=20, include_gray=True)
    assert "counted (include_gray=True)" in capsys.readouterr().out
    e = everything.means()
    assert (e["images"], e["already_gray"], e["set_apart"]) == (48, 5, 0)
    assert e["gray_psnr"] > m["gray_psnr"] + 5 and len(everything.ranked()) == 48
    evaluate(ZeroAB(), images, verbose=False)
    assert capsys.readouterr().out == ""


class Redness(nn.Module):
    """A stand-in object classifier: class 1 for images redder than blue, else class 0."""

    def forward(self, rgb):
        d = (rgb[:, 0] - rgb[:, 2]).mean(dim=(1, 2))
        return torch.stack([0.01 - d, d - 0.01], dim=1)


def test_classifier_accuracy_on_a_tiny_case():
    rgb = torch.zeros(4, 3, 2, 2)
    rgb[:2, 0], rgb[2:, 2] = 0.8, 0.8  # two red images, two blue ones
    assert classifier_accuracy(Redness(), rgb, torch.tensor([1, 1, 0, 0])) == 1.0
    assert classifier_accuracy(Redness(), rgb, [0, 1, 0, 1]) == 0.5
    assert classifier_accuracy(Redness(), (rgb * 255).byte(), torch.tensor([1, 1, 0, 0])) == 1.0
    assert classifier_accuracy(Redness(), grayscale(rgb), torch.tensor([1, 1, 0, 0])) == 0.5
    with pytest.raises(ValueError, match="one label per image"):
        classifier_accuracy(Redness(), rgb, torch.tensor([1, 0]))


def test_evaluate_with_a_classifier(test_images):
    images = test_images.images.clone()
    images[::2] = images[::2].flip(1)  # R and B swapped: half the images bluish
    labels = (Redness()(images.float() / 255).argmax(dim=1))  # the truth is always recognized
    _, true_ab = normalize_lab(images_to_lab(images))
    chunks = iter(true_ab.split(16))
    result = evaluate(lambda L: next(chunks), images, batch_size=16, classifier=Redness(),
                      labels=labels)
    m = result.means()
    assert m["truth_accuracy"] == 1.0 and m["accuracy"] == 1.0
    assert m["gray_accuracy"] == pytest.approx((labels == 0).float().mean().item())
    assert "object classifier accuracy" in result.table()
    rows = result.by_class(labels, ["bluish", "reddish"])
    assert [r["gray_accuracy"] for r in rows] == [1.0, 0.0]  # gray looks "bluish" to it
    with pytest.raises(ValueError, match="no labels"):
        evaluate(ZeroAB(), images, classifier=Redness())


def test_evaluate_rejects_bad_inputs(test_images):
    with pytest.raises(ValueError, match="must return normalized ab"):
        evaluate(lambda L: L, test_images)
    with pytest.raises(TypeError, match="uint8"):
        evaluate(ZeroAB(), test_images.float())
