"""colorlab.infer: any size, any mode, luminance kept; checkpoints; the commands' bad inputs."""

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from colorlab.__main__ import main
from colorlab.color import rgb_to_lab
from colorlab.data import sample_photos
from colorlab.infer import (
    colorize,
    colorize_command,
    fit_to_gamut,
    load_colorizer,
    to_rgb_tensor,
    train_command,
    work_shape,
)
from colorlab.models import MeanRegressor, UNet
from colorlab.recipes import train_colorizer
from colorlab.train import save_checkpoint


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    """A tiny colorizer (base 4, depth 2) trained for one epoch on 16 x 16 sample patches."""
    from colorlab.data import sample

    folder = tmp_path_factory.mktemp("ckpt")
    train_colorizer(sample("train", 16).take(96), epochs=1, base=4, depth=2, batch_size=32,
                    device="cpu", checkpoint_dir=folder, progress=False)
    return folder / "best.pt"


@pytest.fixture(scope="module")
def model(checkpoint):
    return load_colorizer(checkpoint)


@pytest.fixture(scope="module")
def photo():
    """(123, 77, 3) uint8: odd sizes, not multiples of anything."""
    return sample_photos("test")["coffee"][100:223, 200:277].copy()


def lightness(rgb) -> torch.Tensor:
    """(H, W) L in [0, 100] of anything to_rgb_tensor reads."""
    return rgb_to_lab(to_rgb_tensor(rgb))[0]


class Saturated(nn.Module):
    """Predicts a strongly saturated, mostly out-of-gamut ab everywhere (depth 1)."""

    multiple = 2

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(1))

    def forward(self, L):
        return torch.cat([L * 0 + 0.9, L * 0 - 0.9], dim=1) * self.w


def test_work_shape():
    assert work_shape(123, 77, 256, 8) == (128, 80)  # never above the photo's own size (rounded)
    assert work_shape(3000, 4000, 256, 16) == (256, 336)
    assert work_shape(5, 7, 32, 8) == (8, 8)


def test_colorize_keeps_shape_and_luminance(model, photo):
    out = colorize(model, photo, work_size=32)
    assert out.shape == (123, 77, 3) and out.dtype == np.uint8
    assert (lightness(out) - lightness(photo)).abs().mean() <= 1
    assert model.work_size == 16  # from the checkpoint: the training size
    assert colorize(model, photo).shape == (123, 77, 3)


def test_out_of_gamut_predictions_keep_luminance(photo):
    out = colorize(Saturated(), photo, work_size=40)
    assert (lightness(out) - lightness(photo)).abs().mean() <= 1
    assert np.abs(out[..., 0].astype(int) - out[..., 2]).mean() > 5  # it did add color
    lab = torch.tensor([[50.0, 95.0], [100.0, -80.0], [60.0, 100.0]]).view(3, 1, 2)
    fitted = fit_to_gamut(lab)
    assert torch.equal(fitted[0], lab[0]) and (fitted[1:].abs() < lab[1:].abs()).all()


def test_colorize_any_mode(model, photo, tmp_path):
    gray = Image.fromarray(photo).convert("L")
    expected = lightness(np.asarray(gray))
    rgba = Image.fromarray(photo).convert("RGBA")
    gray16 = np.asarray(gray).astype(np.uint16) * 257
    gray16_path = tmp_path / "gray16.png"
    Image.fromarray(gray16).save(gray16_path)
    assert Image.open(gray16_path).mode.startswith("I")
    inputs = {
        "L": gray, "RGBA": rgba, "P": Image.fromarray(photo).convert("P"),
        "16-bit file": gray16_path, "uint16 array": gray16,
        "float tensor": torch.from_numpy(np.array(gray)).float() / 255,
        "uint8 tensor (3, H, W)": torch.from_numpy(photo).permute(2, 0, 1),
        "path": tmp_path / "photo.jpg",
    }
    Image.fromarray(photo).save(inputs["path"], quality=95)
    for name, image in inputs.items():
        out = colorize(model, image, work_size=32)
        assert out.shape == (123, 77, 3), name
        assert (lightness(out) - lightness(image)).abs().mean() <= 1, name
    assert (lightness(inputs["16-bit file"]) - expected).abs().max() < 0.5
    with pytest.raises(ValueError, match="shape"):
        colorize(model, torch.rand(2, 3, 8, 8))
    with pytest.raises(TypeError):
        colorize(model, np.zeros((8, 8), dtype=np.int64))


def test_load_colorizer_errors(checkpoint, tmp_path):
    with pytest.raises(FileNotFoundError, match="No checkpoint"):
        load_colorizer(tmp_path / "missing.pt")
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(checkpoint.read_bytes()[:500])
    with pytest.raises(ValueError, match="not a readable PyTorch checkpoint"):
        load_colorizer(corrupt)
    regressor = MeanRegressor()
    save_checkpoint(tmp_path / "mean.pt", regressor, config={"model": regressor.config})
    with pytest.raises(ValueError, match="not a colorizer"):
        load_colorizer(tmp_path / "mean.pt")
    bins = UNet(1, 313, base=4, depth=2)
    save_checkpoint(tmp_path / "bins.pt", bins, config={"model": bins.config})
    with pytest.raises(ValueError, match="not a colorizer"):
        load_colorizer(tmp_path / "bins.pt")
    save_checkpoint(tmp_path / "bare.pt", UNet(1, 2, base=4, depth=2))
    with pytest.raises(ValueError, match="no model configuration"):
        load_colorizer(tmp_path / "bare.pt")
    wrong = UNet(1, 2, base=4, depth=2)
    save_checkpoint(tmp_path / "wrong.pt", wrong, config={"model": UNet(1, 2, 8, 2).config})
    with pytest.raises(ValueError, match="does not fit"):
        load_colorizer(tmp_path / "wrong.pt")


def test_colorize_command(checkpoint, photo, tmp_path, capsys):
    Image.fromarray(photo).save(tmp_path / "color.png")
    Image.fromarray(photo).convert("L").save(tmp_path / "old.png")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    photos = [tmp_path / "color.png", tmp_path / "broken.jpg", tmp_path / "old.png",
              tmp_path / "missing.png"]
    out = tmp_path / "out"
    assert colorize_command(photos, checkpoint, out, compare=True) == 1
    err = capsys.readouterr().err
    assert "broken.jpg" in err and "missing.png" in err and "2 of 4" in err
    for name in ("color_colorized", "color_compare", "old_colorized", "old_compare"):
        assert (out / f"{name}.png").is_file(), name
    three, two = Image.open(out / "color_compare.png"), Image.open(out / "old_compare.png")
    assert three.size[1] == two.size[1] == 123 and three.size[0] > two.size[0] > 2 * 77
    assert Image.open(out / "color_colorized.png").size == (77, 123)
    # the same through the command line, as a user types it
    assert main(["colorize", str(tmp_path / "color.png"), "--checkpoint", str(checkpoint),
                 "-o", str(out)]) == 0


def test_colorize_command_bad_checkpoint(photo, tmp_path, capsys):
    Image.fromarray(photo).save(tmp_path / "color.png")
    assert colorize_command([tmp_path / "color.png"], tmp_path / "nope.pt", tmp_path) == 2
    assert "No checkpoint" in capsys.readouterr().err
    regressor = MeanRegressor()
    save_checkpoint(tmp_path / "mean.pt", regressor, config={"model": regressor.config})
    assert colorize_command([tmp_path / "color.png"], tmp_path / "mean.pt", tmp_path) == 2
    assert "not a colorizer" in capsys.readouterr().err


def test_train_command(tmp_path, capsys):
    rng = np.random.default_rng(0)
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(20):
        base = rng.integers(0, 255, 3)
        img = np.clip(base + rng.normal(0, 30, (40, 50, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(img).save(folder / f"{i:02d}.png")
    out = tmp_path / "run"
    assert main(["train", "--data", str(folder), "--size", "16", "--epochs", "1", "--out",
                 str(out), "--batch-size", "8", "--base", "4", "--depth", "2"]) == 0
    assert "PSNR" in capsys.readouterr().out
    assert load_colorizer(out / "best.pt").work_size == 16
    assert train_command(folder, size=20, epochs=1, out=out, depth=3) == 1
    assert "multiple of" in capsys.readouterr().err
    assert train_command(tmp_path / "nothing", size=16, epochs=1, out=out, depth=2) == 1
    assert "nothing" in capsys.readouterr().err
