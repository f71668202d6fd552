"""colorlab.recipes: Lab tensors, a tiny training run, a model that learns. (The losses are
tested in test_losses.py, the reports in test_reports.py.)"""

import pytest
import torch

from colorlab.checkpoint import load_checkpoint
from colorlab.color import images_to_lab, normalize_lab
from colorlab.colorizer import lab_tensors
from colorlab.data import sample
from colorlab.recipes import train_colorizer


def test_lab_tensors_match_color_module():
    images = sample("test", 32).take(10)
    L, ab = lab_tensors(images, "cpu", batch_size=3)
    L0, ab0 = normalize_lab(images_to_lab(images.images))
    assert L.shape == (10, 1, 32, 32) and ab.shape == (10, 2, 32, 32)
    assert torch.allclose(L, L0) and torch.allclose(ab, ab0)
    assert 0 <= L.min() and L.max() <= 1 and ab.abs().max() <= 1


@pytest.mark.parametrize("loss", ["l1", "l1_ssim"])
def test_train_colorizer_tiny(tmp_path, loss):
    train, test = sample("train", 16).take(64), sample("test", 16).take(16)
    model, history = train_colorizer(train, epochs=1, base=4, depth=2, batch_size=32, loss=loss,
                                     val_images=test, device="cpu", checkpoint_dir=tmp_path,
                                     progress=False)
    assert len(history) == 1 and history.last["val_loss"] > 0
    assert not model.training
    ckpt = load_checkpoint(tmp_path / "best.pt")
    assert ckpt["config"]["model"] == {"class": "UNet", "kwargs": {
        "in_ch": 1, "out_ch": 2, "base": 4, "depth": 2, "activation": "auto"}}
    assert ckpt["config"]["size"] == 16 and ckpt["config"]["loss"] == loss
    again, _ = train_colorizer(train, epochs=1, base=4, depth=2, batch_size=32, loss=loss,
                               device="cpu", progress=False)
    for p, q in zip(model.parameters(), again.parameters()):  # same seed, same weights
        assert torch.equal(p, q)


def predictable_colors(n, size=16, seed=0):
    """uint8 (n, 3, size, size) images whose color is a function of their lightness: smooth
    random L, dark parts blue, light parts orange (ab = f(L)), so a colorizer can learn it."""
    from colorlab.color import lab_to_rgb

    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(n, 1, 4, 4, generator=g)
    L = torch.nn.functional.interpolate(coarse, size=(size, size), mode="bilinear",
                                        align_corners=False) * 70 + 15
    t = (L - 50) / 35  # -1 (dark) .. 1 (light)
    ab = torch.cat([25 * t, 45 * t], dim=1)  # blue-ish (a<0, b<0) to orange (a>0, b>0)
    rgb = lab_to_rgb(torch.cat([L, ab], dim=1)).clamp(0, 1)
    return (rgb * 255).round().byte()


def test_a_model_learns_to_beat_the_gray_baseline():
    """A few seconds of CPU training on a set where color follows from lightness: the validation
    L1 in ab falls well below the gray baseline's (ab = 0), and PSNR rises above it. (A test that
    only checks shapes passes for a model that learns nothing.)"""
    from colorlab.color import denormalize_lab, lab_to_rgb
    from colorlab.metrics import psnr

    train, val = predictable_colors(256, 8), predictable_colors(64, 8, seed=1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny tensors: one thread is ~10x faster on a busy 2-core machine
    try:
        model, history = train_colorizer(train, epochs=6, base=8, depth=2, batch_size=16,
                                         lr=1e-2, val_images=val, device="cpu", progress=False)
    finally:
        torch.set_num_threads(threads)
    L, ab = lab_tensors(val, "cpu")
    with torch.no_grad():
        pred = model(L)
    gray_l1 = ab.abs().mean().item()  # the baseline: ab = 0
    assert history.last["val_loss"] < 0.5 * gray_l1, (history.last, gray_l1)
    truth = lab_to_rgb(denormalize_lab(L, ab))
    ours = psnr(lab_to_rgb(denormalize_lab(L, pred)), truth).mean()
    gray = psnr(lab_to_rgb(denormalize_lab(L, torch.zeros_like(ab))), truth).mean()
    assert ours > gray + 3, (float(ours), float(gray))
