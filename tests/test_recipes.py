"""colorlab.recipes: Lab tensors, the losses, a tiny training run, reports."""

import json

import pytest
import torch

from colorlab.color import images_to_lab, normalize_lab
from colorlab.data import sample
from colorlab.recipes import (
    device_slug,
    l1,
    l1_ssim,
    lab_tensors,
    make_loss,
    mse,
    train_colorizer,
    write_report,
)
from colorlab.train import load_checkpoint


def test_lab_tensors_match_color_module():
    images = sample("test", 32).take(10)
    L, ab = lab_tensors(images, "cpu", batch_size=3)
    L0, ab0 = normalize_lab(images_to_lab(images.images))
    assert L.shape == (10, 1, 32, 32) and ab.shape == (10, 2, 32, 32)
    assert torch.allclose(L, L0) and torch.allclose(ab, ab0)
    assert 0 <= L.min() and L.max() <= 1 and ab.abs().max() <= 1


def test_losses():
    ab = torch.rand(2, 2, 16, 16) - 0.5
    L = torch.rand(2, 1, 16, 16)
    assert l1(ab, ab) == 0 and mse(ab, ab) == 0
    assert l1(ab + 0.1, ab).item() == pytest.approx(0.1, abs=1e-6)
    loss = l1_ssim(0.7)
    assert loss.needs_L and abs(loss(ab, ab, L).item()) < 1e-5
    wrong = loss(torch.zeros_like(ab), ab, L)
    assert wrong > l1(torch.zeros_like(ab), ab)  # the SSIM term adds to the L1 term
    pred = torch.zeros_like(ab, requires_grad=True)
    loss(pred, ab, L).backward()
    assert torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0
    assert make_loss("mse") is mse
    with pytest.raises(ValueError, match="Unknown loss"):
        make_loss("l2")


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


def test_write_report(tmp_path):
    record = {"device": "CPU (2 cores)", "epochs": 3, "seconds": 1.23456,
              "metrics": {"psnr": 25.5, "gray_psnr": 24.0}, "note": "a | b"}
    js, md = write_report("04_unet_colorizer", record, device="cpu", folder=tmp_path)
    assert js.name == "04_unet_colorizer-cpu.json" and md.name == "04_unet_colorizer-cpu.md"
    assert json.loads(js.read_text()) == record
    text = md.read_text()
    assert "| metrics.psnr | 25.5 |" in text and "| seconds | 1.235 |" in text
    assert "a / b" in text
    assert device_slug("cpu") == "cpu"
