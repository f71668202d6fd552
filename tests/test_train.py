import numpy as np
import pytest
import torch
from torch import nn

from colorlab.checkpoint import load_checkpoint, save_checkpoint
from colorlab.data import Batches
from colorlab.device import cpu_name, device_name, seed_everything
from colorlab.models import MeanRegressor, UNet
from colorlab.train import History, fit


def toy_data(n=96):
    """Noise images whose brightness varies from image to image, so the mean is worth learning."""
    g = torch.Generator().manual_seed(1)
    brightness = torch.rand(n, 1, 1, 1, generator=g)
    x = brightness * torch.rand(n, 3, 16, 16, generator=g)
    return x, x.mean(dim=(1, 2, 3))


def train_run(tmp_path, epochs, resume=False, stop_after=None):
    """MeanRegressor on toy data; seeds reset so two calls see the same randomness."""
    seed_everything(0)
    x, y = toy_data()
    model = MeanRegressor(width=4)
    batches = Batches(x, y, batch_size=16, shuffle=True, flip=True)
    return model, fit(model, batches, loss_fn=nn.functional.mse_loss, epochs=epochs, lr=1e-2,
                      val=(x[:32], y[:32]), checkpoint_dir=tmp_path, resume=resume,
                      progress=False, stop_after=stop_after)


def test_fit_learns_and_records_history(tmp_path):
    seed_everything(0)
    x, y = toy_data(256)
    model = MeanRegressor(width=8)
    hist = fit(model, Batches(x, y, batch_size=32), loss_fn=nn.functional.mse_loss, epochs=6,
               lr=1e-2, val=(x, y), progress=False)
    assert isinstance(hist, History) and len(hist) == 6
    assert hist["train_loss"][-1] < hist["train_loss"][0] / 2
    baseline = ((y - y.mean()) ** 2).mean().item()
    assert hist.last["val_loss"] < baseline / 5  # the notebook 01 bar: 5x better than the mean
    for key in ("seconds", "images_per_s", "lr"):
        assert all(v > 0 for v in hist[key])


def test_resume_gives_identical_weights(tmp_path):
    straight, _ = train_run(tmp_path / "a", epochs=2)
    train_run(tmp_path / "b", epochs=2, stop_after=1)  # "interrupted" after epoch 1
    resumed, hist = train_run(tmp_path / "b", epochs=2, resume=True)
    assert len(hist) == 2
    for (k, a), b in zip(straight.state_dict().items(), resumed.state_dict().values()):
        assert torch.equal(a, b), k


def test_checkpoint_contents_and_best(tmp_path):
    model, hist = train_run(tmp_path, epochs=2)
    ckpt = load_checkpoint(tmp_path / "last.pt")
    for key in ("model", "optimizer", "scaler", "epoch", "step", "history", "config", "rng"):
        assert key in ckpt
    assert "scheduler" not in ckpt  # the learning rate is a function of the step
    assert ckpt["epoch"] == 2 and ckpt["config"]["model"]["class"] == "MeanRegressor"
    best = load_checkpoint(tmp_path / "best.pt")
    assert best["history"][-1]["val_loss"] == min(hist["val_loss"])
    assert not list(tmp_path.glob("*.tmp"))  # atomic writes leave no temporary file


def test_accumulation_matches_big_batch():
    """2 accumulated batches of 8 == 1 batch of 16 (no BatchNorm, mean loss)."""
    x, y = toy_data(16)
    results = []
    for bs, acc in ((16, 1), (8, 2)):
        seed_everything(0)
        model = MeanRegressor(width=4)
        fit(model, Batches(x, y, batch_size=bs, shuffle=False, flip=False),
            loss_fn=nn.functional.mse_loss, epochs=1, lr=1e-2, accum_steps=acc,
            schedule="constant", progress=False)
        results.append(torch.cat([p.flatten() for p in model.parameters()]))
    torch.testing.assert_close(results[0], results[1], rtol=1e-4, atol=1e-6)


def test_load_checkpoint_strips_wrapper_prefixes(tmp_path):
    model = MeanRegressor(width=4)
    wrapped = {f"module._orig_mod.{k}": v for k, v in model.state_dict().items()}
    torch.save(wrapped, tmp_path / "wrapped.pt")
    other = MeanRegressor(width=4)
    load_checkpoint(tmp_path / "wrapped.pt", other)
    for a, b in zip(model.state_dict().values(), other.state_dict().values()):
        assert torch.equal(a, b)


def test_wrong_architecture_names_the_mismatch(tmp_path):
    save_checkpoint(tmp_path / "unet.pt", UNet(base=8, depth=2))
    with pytest.raises(ValueError) as err:
        load_checkpoint(tmp_path / "unet.pt", UNet(base=16, depth=2))
    msg = str(err.value)
    assert "shape mismatch" in msg and "(8, 1, 3, 3)" in msg and "(16, 1, 3, 3)" in msg
    assert len(msg.splitlines()) < 8  # a short message, not a wall of keys
    with pytest.raises(ValueError, match="missing in checkpoint"):
        load_checkpoint(tmp_path / "unet.pt", UNet(base=8, depth=3))


def test_bad_checkpoint_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="No checkpoint"):
        load_checkpoint(tmp_path / "nope.pt", MeanRegressor())
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable PyTorch checkpoint"):
        load_checkpoint(tmp_path / "junk.pt", MeanRegressor())


def test_resume_without_checkpoint_is_clear(tmp_path):
    with pytest.raises(FileNotFoundError, match="no last.pt"):
        train_run(tmp_path, epochs=1, resume=True)


def test_figures_of_numpy_or_torch_are_stored_as_plain_numbers_and_load_back(tmp_path):
    """A val function may return numpy or torch scalars; the checkpoint must still load with
    torch.load(weights_only=True), which refuses numpy objects."""
    x, y = toy_data(32)
    figures = iter([np.float64(0.5), torch.tensor(0.25), np.float32(0.75)])
    history = fit(MeanRegressor(width=4), Batches(x, y, batch_size=16, seed=0),
                  loss_fn=nn.functional.mse_loss,
                  epochs=3, val=lambda m: {"val_loss": next(figures)}, checkpoint_dir=tmp_path,
                  progress=False)
    assert history["val_loss"] == [0.5, 0.25, 0.75]
    assert all(type(v) is float for v in history["val_loss"])
    for name in ("last.pt", "best.pt"):
        ckpt = load_checkpoint(tmp_path / name, MeanRegressor(width=4))
        assert type(ckpt["best_value"]) is float and ckpt["best_value"] == 0.25


def test_cpu_name_reads_the_model_name_and_falls_back(monkeypatch, tmp_path):
    import os
    import pathlib
    import platform

    real = pathlib.Path.read_text

    def fake(self, *args, **kwargs):  # a cpuinfo of two processors
        if str(self) == "/proc/cpuinfo":
            return "processor\t: 0\nmodel name\t: Test CPU 9000\nprocessor\t: 1\n"
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "read_text", fake)
    assert cpu_name() == "Test CPU 9000"
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert device_name("cpu") == "CPU (Test CPU 9000, 2 cores)"  # what start() prints

    def missing(self, *args, **kwargs):  # not Linux: no /proc
        raise OSError("no such file")

    monkeypatch.setattr(pathlib.Path, "read_text", missing)
    monkeypatch.setattr(platform, "processor", lambda: "")
    assert cpu_name() == "unknown CPU"


def test_lr_scale_trains_the_named_layers_at_their_own_rate():
    """lr_scale={"head.": 10}: the head's groups train at 10x the schedule's rate, the rest at 1x,
    weight decay still by dim(); a prefix that names no parameter is refused."""
    seed_everything(0)
    x, y = toy_data(64)
    model = MeanRegressor(width=4)
    prefix = next(n for n, _ in model.named_parameters()).split(".")[0] + "."
    hist = fit(model, Batches(x, y, batch_size=16), loss_fn=nn.functional.mse_loss, epochs=1,
               lr=1e-3, schedule="constant", progress=False, lr_scale={prefix: 10})
    assert hist["lr"] == [1e-3]  # the record keeps the plain rate
    from colorlab.train import make_optimizer, train_step
    optimizer = make_optimizer(model, 1e-3, 0.05, {prefix: 10})
    train_step(model, (x[:8], y[:8]), nn.functional.mse_loss, optimizer, lr=2e-3)
    groups = optimizer.param_groups
    scaled = {id(p) for n, p in model.named_parameters() if n.startswith(prefix)}
    for group in groups:
        inside = {id(p) in scaled for p in group["params"]}
        assert inside <= {group.get("lr_scale", 1) == 10}, "a parameter sits in the wrong group"
        # what train_step wrote
        assert group["lr"] == pytest.approx(2e-3 * group.get("lr_scale", 1))
        assert all((p.dim() >= 2) == (group["weight_decay"] > 0) for p in group["params"])
    assert sum(len(g["params"]) for g in groups) == len(list(model.parameters()))
    with pytest.raises(ValueError, match="no parameter of the model starts with"):
        make_optimizer(model, 1e-3, 0.05, {"attention.": 10})
