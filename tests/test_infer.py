"""colorlab.infer: any size, any mode, luminance kept; checkpoints; the colorize command's bad
inputs (the command is colorlab.course.cli's; its tests stay here, where docs/bad-input.md cites
them)."""

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from colorlab import colorizer
from colorlab.checkpoint import save_checkpoint
from colorlab.color import rgb_to_lab
from colorlab.colorizer import default_work_size, fit_to_gamut, work_shape
from colorlab.course.cli import colorize_command, main
from colorlab.data import sample_photos
from colorlab.images import to_rgb_tensor
from colorlab.infer import colorize, load_colorizer
from colorlab.models import MeanRegressor, UNet


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
    assert (model.train_size, model.work_size) == (16, 64)  # from the checkpoint: 4 x 16
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


def test_colorize_without_a_checkpoint_uses_the_pretrained_model_and_says_so(photo, tmp_path,
                                                                            capsys):
    Image.fromarray(photo).save(tmp_path / "color.png")
    assert main(["colorize", str(tmp_path / "color.png"), "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "No --checkpoint given: using the pretrained colorizer 'cifar10-l1-unet'" in out
    assert "shrunk to 128 px on its shorter side (it was trained on 32 x 32 images)" in out
    assert Image.open(tmp_path / "out" / "color_colorized.png").size == (77, 123)
    # --pretrained picks the other shipped colorizer, notebook 05's vivid classifier
    assert main(["colorize", str(tmp_path / "color.png"), "--pretrained", "cifar10-vivid-unet",
                 "-o", str(tmp_path / "vivid")]) == 0
    assert "using the pretrained colorizer 'cifar10-vivid-unet'" in capsys.readouterr().out
    assert Image.open(tmp_path / "vivid" / "color_colorized.png").size == (77, 123)


def test_colorize_command_bad_checkpoint(photo, tmp_path, capsys):
    Image.fromarray(photo).save(tmp_path / "color.png")
    assert colorize_command([tmp_path / "color.png"], tmp_path / "nope.pt", tmp_path) == 2
    assert "No checkpoint" in capsys.readouterr().err
    regressor = MeanRegressor()
    save_checkpoint(tmp_path / "mean.pt", regressor, config={"model": regressor.config})
    assert colorize_command([tmp_path / "color.png"], tmp_path / "mean.pt", tmp_path) == 2
    assert "not a colorizer" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# the default working size, RGBA, the model's mode, reading the checkpoint once
# ---------------------------------------------------------------------------------------------
def test_default_work_size_is_4x_the_training_size():
    """The rule --help states (test_cli.py checks the help text against WORK_SIZE_RULE)."""
    assert (default_work_size(32), default_work_size(16), default_work_size(256)) == (128, 64, 512)
    assert default_work_size(None) == colorizer.DEFAULT_WORK_SIZE == 128


def test_notebook_04_checkpoint_on_a_megapixel_photo(tmp_path):
    """A model trained at 32 px (notebook 04) predicts a 1000 x 1000 photo at 128 px by default
    (whole objects at about 4x the scale it learnt), not at 32 (a thumbnail) nor at 256 or the
    full size (texture it never saw whole); L stays the photo's own."""
    unet = UNet(1, 2, base=4, depth=3)
    save_checkpoint(tmp_path / "nb04.pt", unet, config={"model": unet.config, "size": 32})
    model = load_colorizer(tmp_path / "nb04.pt")
    assert (model.train_size, model.work_size) == (32, 128)
    seen = []
    model.register_forward_pre_hook(lambda module, args: seen.append(tuple(args[0].shape)))
    big = np.asarray(Image.fromarray(sample_photos()["astronaut"]).resize((1000, 1000)))
    out = colorize(model, Image.fromarray(big).convert("L"))
    assert seen == [(1, 1, 128, 128)] and out.shape == (1000, 1000, 3)
    assert (lightness(out) - lightness(np.asarray(Image.fromarray(big).convert("L")))
            ).abs().mean() <= 1
    save_checkpoint(tmp_path / "nosize.pt", unet, config={"model": unet.config})
    assert load_colorizer(tmp_path / "nosize.pt").work_size == colorizer.DEFAULT_WORK_SIZE


def test_rgba_array_and_rgba_image_give_the_same_lightness(photo):
    """An RGBA numpy array had its alpha dropped while the same PIL image was composited on
    white: two different L for one photo. Both composite on white now (tensors too)."""
    alpha = np.linspace(0, 255, photo.shape[1], dtype=np.uint8)[None, :].repeat(len(photo), 0)
    rgba = np.dstack([photo, alpha])
    from_image = lightness(Image.fromarray(rgba, "RGBA"))
    for name, image in {"uint8 array": rgba, "float array": rgba / 255.0,
                        "uint16 array": rgba.astype(np.uint16) * 257,
                        "uint8 tensor (4, H, W)": torch.from_numpy(rgba).permute(2, 0, 1)}.items():
        assert (lightness(image) - from_image).abs().max() < 0.5, name
    assert (lightness(rgba) - lightness(photo)).abs().max() > 10  # alpha really mattered
    gray_alpha = np.dstack([np.asarray(Image.fromarray(photo).convert("L")), alpha])
    la = lightness(Image.fromarray(gray_alpha, "LA"))
    assert (lightness(gray_alpha) - la).abs().max() < 0.5


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(1))

    def forward(self, L):
        raise RuntimeError("deliberately broken")


def test_colorize_leaves_the_model_in_the_mode_it_found(model, photo):
    broken = Broken().train()
    with pytest.raises(RuntimeError, match="deliberately broken"):
        colorize(broken, photo, work_size=16)
    assert broken.training  # restored even though forward failed
    for mode in (True, False):
        model.train(mode)
        colorize(model, photo, work_size=16)
        assert model.training is mode
    model.eval()


def test_load_colorizer_reads_the_file_once(checkpoint, monkeypatch):
    calls = []
    real = torch.load

    def counting(*args, **kwargs):
        calls.append(args[0] if args else kwargs.get("f"))
        return real(*args, **kwargs)

    monkeypatch.setattr(torch, "load", counting)
    loaded = load_colorizer(checkpoint)
    assert len(calls) == 1 and not loaded.training


def test_integer_tensors_other_than_uint8_are_refused_not_read_as_white():
    """An int64 image of 200s used to come back as 1.0 (white): only uint8 has a known scale."""
    assert torch.allclose(to_rgb_tensor(torch.full((3, 4, 4), 200, dtype=torch.uint8)),
                          torch.full((3, 4, 4), 200 / 255))
    for dtype in (torch.int64, torch.int32, torch.int16, torch.bool):
        with pytest.raises(TypeError, match="image.to\\(torch.uint8\\)"):
            to_rgb_tensor(torch.full((3, 4, 4), 200).to(dtype))


def test_nan_pixels_are_refused():
    image = torch.rand(3, 4, 4)
    image[0, 1, 2] = float("nan")
    with pytest.raises(ValueError, match="NaN values \\(1 of 48\\)"):
        to_rgb_tensor(image)
    with pytest.raises(ValueError, match="NaN values"):
        to_rgb_tensor(image.permute(1, 2, 0).numpy())
