"""Streaming a folder from its files, DDP with torchrun (gloo on the CPU), bad input.

Every folder here is built by the test; the torchrun runs are two processes of tiny models.
"""

import importlib.util
import io
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from colorlab import distributed, stream
from colorlab.checkpoint import load_checkpoint
from colorlab.course.cli import main
from colorlab.data import Batches
from colorlab.images import image_folder
from colorlab.stream import ImageFiles, StreamBatches, choose_stream, read_files, stream_folder

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def photos(folder: Path, n: int = 20, seed: int = 0) -> list[Path]:
    """``n`` small photos of different sizes and PIL modes (RGB, RGBA, L, P, 16-bit, JPEG)."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        h, w = 18 + i % 5, 24 + (i * 7) % 11
        rgb = np.clip(rng.integers(0, 255, 3) + rng.normal(0, 40, (h, w, 3)), 0, 255)
        img = Image.fromarray(rgb.astype(np.uint8))
        kind = i % 6
        if kind == 1:
            img = img.convert("RGBA")
            img.putalpha(Image.fromarray(rng.integers(0, 256, (h, w), np.uint8)))
        elif kind == 2:
            img = img.convert("L")
        elif kind == 3:
            img = img.convert("P")
        elif kind == 4:
            img = Image.fromarray((rgb[..., 0] * 257).astype(np.uint16))
        path = folder / f"{i:02d}.{'jpg' if kind == 5 else 'png'}"
        img.save(path)
        paths.append(path)
    return paths


def damage(folder: Path) -> list[str]:
    (folder / "bad.png").write_bytes(b"this is not a png")
    buf = io.BytesIO()
    Image.fromarray(np.zeros((40, 40, 3), np.uint8)).save(buf, "JPEG")
    (folder / "cut.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
    return ["bad.png", "cut.jpg"]


# ---------------------------------------------------------------------------------------------
# the streaming loader
# ---------------------------------------------------------------------------------------------
def test_stream_gives_the_pixels_image_folder_gives(tmp_path):
    paths = photos(tmp_path / "p")
    want = image_folder(tmp_path / "p", size=16).images
    got = read_files(paths, 16)
    assert got.dtype == torch.uint8 and got.shape == want.shape == (20, 3, 16, 16)
    assert torch.equal(got, want)
    # and the batches fit trains on: L/100 and ab/110 of those pixels, computed from uint8
    L, ab, L2 = next(iter(StreamBatches(paths, 16, 20, augment=False, shuffle=False)))
    assert L is L2 and L.shape == (20, 1, 16, 16) and ab.shape == (20, 2, 16, 16)
    assert 0 <= L.min() and L.max() <= 1 and ab.abs().max() <= 1.2
    # a split, as load_dataset(folder, "test", 16) reads it (every 10th file held out)
    held = stream_folder(tmp_path / "p", "test", 16, 4, augment=False, shuffle=False)
    assert torch.equal(torch.cat(list(held.uint8_batches())),
                       image_folder(tmp_path / "p", "test", size=16).images)


def test_augmentation_depends_on_seed_epoch_and_index_only(tmp_path):
    paths = photos(tmp_path / "p", n=12)
    ds = ImageFiles(paths, 16, augment=True, seed=3)
    first = torch.stack([ds[i][0] for i in range(12)])
    again = torch.stack([ImageFiles(paths, 16, augment=True, seed=3)[i][0] for i in range(12)])
    assert torch.equal(first, again)
    ds.epoch = 1
    assert not torch.equal(first, torch.stack([ds[i][0] for i in range(12)]))
    assert not torch.equal(first, read_files(paths, 16))  # not the centre crops
    # a square photo has one crop: each epoch gives it as it is or mirrored, and both happen
    Image.fromarray(np.arange(16 * 16 * 3, dtype=np.uint8).reshape(16, 16, 3)).save(
        square := tmp_path / "square.png")
    centre, ds = read_files([square], 16)[0], ImageFiles([square], 16, augment=True)
    seen = []
    for epoch in range(8):
        ds.epoch = epoch
        image = ds[0][0]
        seen.append("flipped" if torch.equal(image, centre.flip(-1)) else
                    "as is" if torch.equal(image, centre) else "other")
    assert set(seen) == {"flipped", "as is"}, seen
    # the same batches with worker processes as in this process
    a = list(StreamBatches(paths, 16, 4, seed=5, workers=0).uint8_batches())
    b = list(StreamBatches(paths, 16, 4, seed=5, workers=2).uint8_batches())
    assert all(torch.equal(x, y) for x, y in zip(a, b)) and len(a) == len(b) == 3


def test_corrupt_files_are_replaced_and_named_once(tmp_path):
    folder = tmp_path / "p"
    photos(folder, n=10)
    bad = damage(folder)
    good = read_files(sorted(p for p in folder.iterdir() if p.name not in bad), 16)
    files = sorted(folder.iterdir())
    batches = StreamBatches(files, 16, 4, augment=False, seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for epoch in (1, 2):
            batches.set_epoch(epoch)
            out = list(batches.uint8_batches())
            assert [len(b) for b in out] == [4, 4, 4]  # every batch keeps its size
            for image in torch.cat(out):
                assert any(torch.equal(image, g) for g in good)
    messages = [str(w.message) for w in caught]
    for name in bad:
        assert sum(name in m for m in messages) == 1, messages  # one warning, both epochs
    assert all("Skipped" in m and "next readable file" in m for m in messages)


def test_choose_stream_by_the_memory_budget(tmp_path):
    photos(tmp_path / "p", n=20)  # 18 train images (every 10th held out) at 16 px: 69,120 B
    assert not choose_stream(tmp_path / "p", 16, False, budget_gb=70e-6)
    assert choose_stream(tmp_path / "p", 16, False, budget_gb=69e-6)
    assert choose_stream(tmp_path / "p", 16, True, budget_gb=1e3)
    assert choose_stream(tmp_path / "p", 16, False, budget_gb=1e3, world=2)
    with pytest.raises(ValueError, match="need a folder"):
        choose_stream("sample", 16, True, 4.0)


# ---------------------------------------------------------------------------------------------
# bad input, each a clear error
# ---------------------------------------------------------------------------------------------
def train(folder, out, *extra):
    return main(["train", "--data", str(folder), "--size", "16", "--depth", "2", "--base", "4",
                 "--epochs", "1", "--batch-size", "4", "--out", str(out), *extra])


def test_bad_folders_say_what_and_what_to_do(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert train(tmp_path / "empty", tmp_path / "r", "--stream") == 1
    assert "No readable image" in capsys.readouterr().err
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "notes.txt").write_text("no images")
    assert train(tmp_path / "text", tmp_path / "r", "--stream") == 1
    assert "no image files" in capsys.readouterr().err
    (tmp_path / "fake").mkdir()
    for i in range(3):
        (tmp_path / "fake" / f"{i}.jpg").write_bytes(b"not a jpeg at all")
    assert train(tmp_path / "fake", tmp_path / "r", "--stream") == 1
    err = capsys.readouterr().err
    assert "None of the first 3" in err and "folder of images" in err
    photos(tmp_path / "p")
    assert main(["train", "--data", str(tmp_path / "p"), "--size", "18", "--depth", "2",
                 "--stream", "--out", str(tmp_path / "r")]) == 1
    assert "multiple of 2**depth = 4" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()  # nothing was written


def test_more_processes_than_devices(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORLD_SIZE", "3")
    monkeypatch.setenv("LOCAL_WORLD_SIZE", "3")
    monkeypatch.setenv("RANK", "0")
    monkeypatch.setenv("LOCAL_RANK", "0")
    monkeypatch.setattr(stream.os, "cpu_count", lambda: 2)
    with pytest.raises(ValueError, match=r"3 processes .* 2 CPU cores.*--nproc_per_node=2"):
        distributed.start_distributed("cpu")
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(ValueError, match=r"1 CUDA devices.*--nproc_per_node=1"):
        distributed.start_distributed("cuda")
    photos(tmp_path / "p")
    assert train(tmp_path / "p", tmp_path / "r", "--device", "cpu") == 1
    assert "one process per device" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# stop, kill, resume; DDP with torchrun
# ---------------------------------------------------------------------------------------------
def ddp_fit():
    spec = importlib.util.spec_from_file_location("ddp_fit", ROOT / "tests" / "ddp_fit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def weights(path):
    return load_checkpoint(path)["model"]


class Killed(Exception):
    pass


def test_a_run_killed_mid_epoch_resumes_from_last_pt(tmp_path, monkeypatch):
    helper = ddp_fit()
    photos(tmp_path / "p", n=24)
    straight, _ = helper.run(tmp_path / "p", tmp_path / "a")
    real_iter, calls = StreamBatches.__iter__, []

    def dies_in_epoch_2(self):
        for i, batch in enumerate(real_iter(self)):
            calls.append(self.dataset.epoch)
            if self.dataset.epoch == 2 and i == 1:
                raise Killed  # as a kill -9 would, in the middle of the epoch
            yield batch

    monkeypatch.setattr(StreamBatches, "__iter__", dies_in_epoch_2)
    with pytest.raises(Killed):
        helper.run(tmp_path / "p", tmp_path / "b")
    monkeypatch.setattr(StreamBatches, "__iter__", real_iter)
    assert load_checkpoint(tmp_path / "b" / "last.pt")["epoch"] == 1 and calls.count(2) == 2
    resumed, history = helper.run(tmp_path / "p", tmp_path / "b", resume=True)
    assert [r["epoch"] for r in history.records] == [1, 2]
    for key, value in straight.state_dict().items():
        assert torch.equal(value, resumed.state_dict()[key]), key


def torchrun(*args, timeout=240):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "COLORLAB_AMP": "0", "COLORLAB_PROGRESS": "text"}
    cmd = [PY, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_two_processes_give_the_weights_of_one_with_the_same_global_batch(tmp_path):
    """gloo DDP, 2 processes x 4 images against 1 process x 8, stopped after epoch 1 and resumed:
    the same weights within float tolerance (the gradients are averaged in another order)."""
    photos(tmp_path / "p", n=36)
    one, history = ddp_fit().run(tmp_path / "p", tmp_path / "one")
    out = torchrun("tests/ddp_fit.py", str(tmp_path / "p"), str(tmp_path / "two"))
    assert out.count("epoch 1/2:") == 1 and out.count("epoch 2/2:") == 1  # rank 0 alone reports
    two = load_checkpoint(tmp_path / "two" / "last.pt")
    assert two["epoch"] == 2 and two["config"]["world_size"] == 2
    assert not any(k.startswith("module.") for k in two["model"])
    moved = 0.0
    for key, value in one.state_dict().items():
        torch.testing.assert_close(two["model"][key], value, rtol=1e-4, atol=1e-5)
        moved = max(moved, (value - ddp_fit().tiny().state_dict()[key]).abs().max().item())
    assert moved > 1e-3  # the weights trained: equal is not equal-because-unchanged
    np.testing.assert_allclose([r["train_loss"] for r in two["history"]], history["train_loss"],
                               rtol=1e-5)


def test_ddp_shards_in_memory_batches_or_refuses_them_and_a_nan_stops_every_process():
    out = torchrun("tests/ddp_fit.py", "--in-memory", timeout=180)  # a hang would time out
    for rank in (0, 1):
        for what in ("refused", "disjoint shards", "stopped on NaN"):
            assert f"rank {rank}: {what}" in out, out[-2000:]


def test_batches_give_each_process_its_own_share():
    x = torch.arange(10)
    one = Batches(x, batch_size=3, seed=5, flip=False)
    shares = [Batches(x, batch_size=3, seed=5, flip=False, rank=r, world=2) for r in (0, 1)]
    order = torch.cat(list(one))
    got = [torch.cat(list(b)) for b in shares]
    assert torch.equal(got[0], order[0::2]) and torch.equal(got[1], order[1::2])
    assert len(shares[0]) == len(shares[1]) == 2  # 5 samples each: the same number of steps
    with pytest.raises(ValueError, match="needs a seed"):
        Batches(x, batch_size=3, rank=0, world=2)


def test_resume_with_fewer_gpus_than_at_save_time(monkeypatch):
    """A checkpoint from 2 GPUs resumed on 1: set_rng_state_all raised for the missing one."""
    from colorlab import checkpoint

    state = checkpoint.rng_state(None)  # saved on 2 GPUs:
    state["cuda"] = [torch.zeros(8, dtype=torch.uint8), torch.ones(8, dtype=torch.uint8)]
    restored = {}
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "set_rng_state", lambda t, i: restored.__setitem__(i, t))

    def two_gpus(states):
        raise IndexError("list index out of range")

    monkeypatch.setattr(torch.cuda, "set_rng_state_all", two_gpus)
    checkpoint.set_rng_state(state, None)
    assert list(restored) == [0] and torch.equal(restored[0], state["cuda"][0])


def test_torchrun_colorlab_train_resumes_a_one_process_run(tmp_path, capsys):
    """The command itself under torchrun: a UNet run stopped after epoch 1 on one process is
    finished by two (the checkpoint has no ``module.`` prefix, so either can load it)."""
    photos(tmp_path / "p", n=24)
    args = ["--size", "16", "--depth", "2", "--base", "4", "--epochs", "2", "--batch-size", "4",
            "--out", str(tmp_path / "r"), "--device", "cpu"]
    assert main(["train", "--data", str(tmp_path / "p"), "--stream", "--stop-after", "1",
                 *args]) == 0
    first = load_checkpoint(tmp_path / "r" / "last.pt")
    out = torchrun("-m", "colorlab", "train", "--data", str(tmp_path / "p"), "--resume", *args)
    assert "streaming" in out and out.count("PSNR (dB)") == 1
    done = load_checkpoint(tmp_path / "r" / "last.pt")
    assert done["epoch"] == 2 and done["config"]["world_size"] == 2
    assert done["history"][0] == first["history"][0] and len(done["history"]) == 2
    assert list(done["model"]) == list(first["model"])
    assert any(not torch.equal(done["model"][k], v) for k, v in first["model"].items())
