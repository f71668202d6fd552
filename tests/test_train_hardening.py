"""colorlab.train hardened (resume, prefixes, empty data, NaN, accumulation, ...) and fast on the
CPU: each test fails without its fix."""

import math
import os
import re
from pathlib import Path

import pytest
import torch
from torch import nn

from colorlab import checkpoint, train
from colorlab import device as cdevice
from colorlab.checkpoint import load_checkpoint, save_checkpoint
from colorlab.data import Batches
from colorlab.device import seed_everything
from colorlab.metrics import evaluate
from colorlab.models import MeanRegressor, UNet
from colorlab.train import fit, one_cycle

ROOT = Path(__file__).resolve().parents[1]


def toy(n=48, size=16):
    g = torch.Generator().manual_seed(1)
    x = torch.rand(n, 3, size, size, generator=g) * torch.rand(n, 1, 1, 1, generator=g)
    return x, x.mean(dim=(1, 2, 3))


def params(model):
    return torch.cat([p.detach().flatten().float() for p in model.parameters()])


# ---------------------------------------------------------------------------------------------
# resume on any device, with bf16 autocast and channels_last
# ---------------------------------------------------------------------------------------------
def unet_run(folder, epochs, resume=False, stop_after=None):
    seed_everything(0)
    g = torch.Generator().manual_seed(2)
    L, ab = torch.rand(24, 1, 8, 8, generator=g), torch.rand(24, 2, 8, 8, generator=g) * 2 - 1
    model = UNet(1, 2, base=4, depth=2)
    batches = Batches(L, ab, batch_size=8, seed=3)
    hist = fit(model, batches, loss_fn=nn.functional.l1_loss, epochs=epochs, lr=1e-2,
               val=(L[:8], ab[:8]), amp=True, channels_last=True, checkpoint_dir=folder,
               resume=resume, stop_after=stop_after, progress=False)
    return model, hist


def test_resume_with_bf16_and_channels_last_is_exact(tmp_path):
    straight, h1 = unet_run(tmp_path / "a", epochs=2)
    unet_run(tmp_path / "b", epochs=2, stop_after=1)
    resumed, h2 = unet_run(tmp_path / "b", epochs=2, resume=True)
    assert load_checkpoint(tmp_path / "b" / "last.pt")["config"]["amp"] == "torch.bfloat16"
    assert h1["train_loss"] == h2["train_loss"] and h1["lr"] == h2["lr"]
    for (k, a), b in zip(straight.state_dict().items(), resumed.state_dict().values()):
        assert torch.equal(a, b), k


def test_resume_restores_rng_from_the_cpu(tmp_path, monkeypatch):
    """A checkpoint loaded for another device: the RNG states come back as something that is not
    a CPU ByteTensor (on a GPU: CUDA tensors; here, CPU-only, a stand-in of another dtype, which
    torch.set_rng_state rejects the same way). fit must load the checkpoint on the CPU and hand
    the generators CPU ByteTensors."""
    unet_run(tmp_path / "a", epochs=2)
    unet_run(tmp_path / "b", epochs=2, stop_after=1)
    real_load, seen, given = torch.load, [], []

    def load_elsewhere(f, map_location=None, **kw):
        seen.append(map_location)
        ckpt = real_load(f, map_location=map_location, **kw)
        if isinstance(ckpt, dict) and "rng" in ckpt:
            rng = ckpt["rng"]
            rng["torch"] = rng["torch"].long()
            rng["batches"] = rng["batches"].long()
            rng["numpy"] = (rng["numpy"][0], rng["numpy"][1].long(), *rng["numpy"][2:])
        return ckpt

    real_set = torch.set_rng_state

    def spy_set(state):
        given.append((state.device.type, state.dtype))
        real_set(state)

    monkeypatch.setattr(torch, "load", load_elsewhere)
    monkeypatch.setattr(torch, "set_rng_state", spy_set)
    resumed, _ = unet_run(tmp_path / "b", epochs=2, resume=True)
    straight = real_load(tmp_path / "a" / "last.pt", weights_only=True)["model"]
    assert all(torch.device(m) == torch.device("cpu") for m in seen)
    assert given == [("cpu", torch.uint8)]
    for k, v in resumed.state_dict().items():
        assert torch.equal(v, straight[k]), k


# ---------------------------------------------------------------------------------------------
# only wrapper prefixes, only when the model lacks them
# ---------------------------------------------------------------------------------------------
class Learner(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
        self.module = nn.Linear(2, 2)  # a submodule that happens to be called "module"

    def forward(self, x):
        return self.net(x)


def test_learner_model_with_net_and_module_loads_its_own_checkpoint(tmp_path):
    torch.manual_seed(0)
    model = Learner()
    save_checkpoint(tmp_path / "own.pt", model)
    other = Learner()
    load_checkpoint(tmp_path / "own.pt", other)
    for (k, a), b in zip(model.state_dict().items(), other.state_dict().values()):
        assert torch.equal(a, b), k
    # the same weights saved through torch.compile + DataParallel wrappers still load
    wrapped = {f"module._orig_mod.{k}": v for k, v in model.state_dict().items()}
    torch.save(wrapped, tmp_path / "wrapped.pt")
    third = Learner()
    load_checkpoint(tmp_path / "wrapped.pt", third)
    assert torch.equal(params(third), params(model))
    assert checkpoint.strip_prefixes({"net.0.weight": 1, "_orig_mod.x": 2}) == {"net.0.weight": 1,
                                                                          "x": 2}


# ---------------------------------------------------------------------------------------------
# the torch lower bound is one the code runs on
# ---------------------------------------------------------------------------------------------
# what the package calls, and the first torch release that has it (pyproject.toml says where
# each was looked up); a new use of a newer API belongs in this table
NEEDS = {"external_data=": (2, 5), "dynamo=True": (2, 5), "torch.amp.GradScaler(": (2, 3),
         "torch.from_numpy(np_state[1]": (2, 3)}


def test_torch_lower_bound_covers_the_apis_used():
    spec = re.search(r'"torch\s*>=\s*(\d+)\.(\d+)[^"]*"', (ROOT / "pyproject.toml").read_text())
    low = tuple(int(v) for v in spec.groups())
    code = "".join(p.read_text() for p in (ROOT / "colorlab").rglob("*.py"))
    used = {api: version for api, version in NEEDS.items() if api in code}
    assert "external_data=" in used  # the table is read against the real code
    too_new = {api: version for api, version in used.items() if version > low}
    assert not too_new, f"torch>={low[0]}.{low[1]} lacks {too_new}: raise the bound"
    conda = re.search(r"pytorch\s*>=\s*(\d+)\.(\d+)", (ROOT / "environment.yml").read_text())
    assert tuple(int(v) for v in conda.groups()) == low


# ---------------------------------------------------------------------------------------------
# empty data
# ---------------------------------------------------------------------------------------------
def test_empty_train_or_val_is_a_clear_error():
    x, y = toy(8)
    model = MeanRegressor(width=2)

    class Empty:
        tensors, batch_size = (x[:0], y[:0]), 16

        def __len__(self):
            return 0

        def __iter__(self):
            return iter(())

    with pytest.raises(ValueError, match=r"no batches \(len 0.*\(0, 3, 16, 16\).*batch size 16"):
        fit(model, Empty(), loss_fn=nn.functional.mse_loss, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"val holds no samples.*\(0, 3, 16, 16\)"):
        fit(model, Batches(x, y, batch_size=4), loss_fn=nn.functional.mse_loss, epochs=1,
            val=(x[:0], y[:0]), progress=False)


# ---------------------------------------------------------------------------------------------
# NaN or inf never reaches a checkpoint
# ---------------------------------------------------------------------------------------------
def nan_run(tmp_path, bad):
    """6 batches an epoch; ``bad(epoch_call)`` says which loss call turns the loss non-finite."""
    seed_everything(0)
    x, y = toy(48)
    calls = []

    def loss_fn(pred, target):
        calls.append(1)
        loss = nn.functional.mse_loss(pred, target)
        return bad(len(calls), loss, pred)

    model = MeanRegressor(width=2)
    return model, lambda **kw: fit(model, Batches(x, y, batch_size=8, seed=0), loss_fn=loss_fn,
                                   epochs=3, lr=1e-2, amp=False, checkpoint_dir=tmp_path,
                                   progress=False, **kw)


def test_nan_loss_stops_with_epoch_and_step_and_keeps_last_good(tmp_path):
    model, run = nan_run(tmp_path, lambda n, loss, pred: loss * math.nan if n == 10 else loss)
    with pytest.raises(FloatingPointError, match=r"loss became NaN.*epoch 2, step 6 of 6"):
        run()
    ckpt = load_checkpoint(tmp_path / "last.pt")
    assert ckpt["epoch"] == 1
    assert all(torch.isfinite(v).all() for v in ckpt["model"].values())


def test_nonfinite_weights_with_a_finite_loss_are_never_saved(tmp_path):
    """The last step of epoch 2 has a finite loss and a NaN gradient (sqrt at 0)."""
    def bad(n, loss, pred):
        return loss + (pred.sum() * 0).abs().sqrt() if n == 12 else loss

    model, run = nan_run(tmp_path, bad)
    with pytest.raises(FloatingPointError, match=r"weights became NaN.*epoch 2, step 6"):
        run()
    assert load_checkpoint(tmp_path / "last.pt")["epoch"] == 1


# ---------------------------------------------------------------------------------------------
# a partial last accumulation group is a mean over the batches it has
# ---------------------------------------------------------------------------------------------
def test_partial_accumulation_group_matches_hand_computed_steps():
    x, y = toy(24)  # 3 batches of 8, accum_steps=2: groups {0, 1} and {2}
    seed_everything(0)
    model = MeanRegressor(width=2)
    ref = MeanRegressor(width=2)
    ref.load_state_dict(model.state_dict())
    fit(model, Batches(x, y, batch_size=8, shuffle=False, flip=False), epochs=1, lr=1e-2,
        loss_fn=nn.functional.mse_loss, accum_steps=2, schedule="constant", weight_decay=0.0,
        amp=False, channels_last=False, progress=False)
    opt = torch.optim.AdamW(ref.parameters(), lr=1e-2, weight_decay=0.0)
    for group in ([0, 1], [2]):
        opt.zero_grad()
        losses = [nn.functional.mse_loss(ref(x[8 * b : 8 * b + 8]), y[8 * b : 8 * b + 8])
                  for b in group]
        (sum(losses) / len(group)).backward()
        opt.step()
    torch.testing.assert_close(params(model), params(ref), rtol=1e-5, atol=1e-7)


# ---------------------------------------------------------------------------------------------
# best= must name a recorded figure
# ---------------------------------------------------------------------------------------------
def test_misspelled_best_key_names_the_available_ones(tmp_path):
    x, y = toy(16)
    kw = dict(loss_fn=nn.functional.mse_loss, epochs=1, progress=False, checkpoint_dir=tmp_path)
    model = MeanRegressor(width=2)
    with pytest.raises(ValueError, match=r"best='val_los'.*train_loss.*val_loss"):
        fit(model, Batches(x, y, batch_size=8), val=(x, y), best="val_los", **kw)
    with pytest.raises(ValueError, match=r"best='val_loss'.*epoch, train_loss"):
        fit(model, Batches(x, y, batch_size=8), best="val_loss", **kw)  # no validation
    with pytest.raises(ValueError, match=r"best='psnr'.*they have: .*val_l1"):
        fit(model, Batches(x, y, batch_size=8), val=lambda m: {"val_l1": 1.0}, best="psnr", **kw)
    hist = fit(model, Batches(x, y, batch_size=8), best="train_loss", **kw)
    assert load_checkpoint(tmp_path / "best.pt")["best_value"] == hist.last["train_loss"]
    fit(model, Batches(x, y, batch_size=8), **kw)  # the default without val: train_loss


# ---------------------------------------------------------------------------------------------
# save_checkpoint syncs before the rename, and cleans up after an error
# ---------------------------------------------------------------------------------------------
def test_save_checkpoint_fsyncs_and_leaves_no_tmp_on_error(tmp_path, monkeypatch):
    model = MeanRegressor(width=2)
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append("replace"), real_replace(a, b)))
    save_checkpoint(tmp_path / "last.pt", model, epoch=1)
    assert events[:2] == ["fsync", "replace"]

    def broken_save(obj, f, *a, **k):
        f.write(b"half a checkpoint")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_checkpoint(tmp_path / "last.pt", model, epoch=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["last.pt"]
    assert load_checkpoint(tmp_path / "last.pt")["epoch"] == 1  # the good one is untouched


# ---------------------------------------------------------------------------------------------
# no weight decay on biases and norm weights
# ---------------------------------------------------------------------------------------------
def test_adamw_has_no_weight_decay_for_biases_and_norms(tmp_path):
    model = UNet(1, 2, base=4, depth=2)  # convs, biases and BatchNorm
    L, ab = torch.rand(8, 1, 8, 8), torch.rand(8, 2, 8, 8)
    fit(model, Batches(L, ab, batch_size=8), loss_fn=nn.functional.l1_loss, epochs=1,
        weight_decay=0.1, checkpoint_dir=tmp_path, progress=False)
    groups = load_checkpoint(tmp_path / "last.pt")["optimizer"]["param_groups"]
    dims = [p.dim() for p in model.parameters()]
    assert [g["weight_decay"] for g in groups] == [0.1, 0.0]
    assert len(groups[0]["params"]) == sum(d >= 2 for d in dims)  # conv kernels
    assert len(groups[1]["params"]) == sum(d < 2 for d in dims) > 0  # biases, BatchNorm


# ---------------------------------------------------------------------------------------------
# fit runs train_step, the function the benchmark times
# ---------------------------------------------------------------------------------------------
def test_fit_and_benchmark_share_train_step(monkeypatch):
    import importlib.util

    calls = []
    real = train.train_step
    monkeypatch.setattr(train, "train_step", lambda *a, **k: (calls.append(k), real(*a, **k))[1])
    x, y = toy(24)
    fit(MeanRegressor(width=2), Batches(x, y, batch_size=8), loss_fn=nn.functional.mse_loss,
        epochs=2, progress=False)
    assert len(calls) == 6 and all(k["update"] for k in calls)
    spec = importlib.util.spec_from_file_location("train_speed",
                                                  ROOT / "benchmarks" / "train_speed.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    calls.clear()
    r = bench.bench(32, batch=4, steps=2, warmup=1, device=torch.device("cpu"), base=4)
    assert len(calls) == 3 and r["images_per_s"] > 0


# ---------------------------------------------------------------------------------------------
# the learning rate is a pure function of the step
# ---------------------------------------------------------------------------------------------
def test_lr_is_written_each_step_and_resumes_as_a_function_of_the_step(tmp_path, monkeypatch):
    lrs = []
    real = train.train_step
    monkeypatch.setattr(train, "train_step",
                        lambda *a, **k: (lrs.append(k["lr"]), real(*a, **k))[1])
    x, y = toy(24)

    def run(**kw):
        seed_everything(0)
        model = MeanRegressor(width=2)
        return model, fit(model, Batches(x, y, batch_size=8, seed=0), epochs=3, lr=1e-2,
                          loss_fn=nn.functional.mse_loss, checkpoint_dir=tmp_path,
                          progress=False, **kw)

    _, hist = run()
    shape = one_cycle(9)
    assert lrs == pytest.approx([1e-2 * shape(s) for s in range(9)])
    assert hist["lr"] == pytest.approx([lrs[2], lrs[5], lrs[8]])
    # a run stopped and resumed ends with the same weights: nothing of the schedule is saved
    straight = params(run()[0])
    run(stop_after=1)
    assert "scheduler" not in torch.load(tmp_path / "last.pt", weights_only=True)
    assert torch.equal(params(run(resume=True)[0]), straight)


def test_cosine_shape_matches_torch():
    p = nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10)
    expected = []
    for _ in range(10):
        expected.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert [train.cosine(10)(s) for s in range(10)] == pytest.approx(expected)


# ---------------------------------------------------------------------------------------------
# bf16 and channels_last on the CPU where the hardware has them
# ---------------------------------------------------------------------------------------------
def fake_cpu(monkeypatch, avx512_bf16=False, amx=False):
    monkeypatch.setattr(torch.cpu, "_is_avx512_bf16_supported", lambda: avx512_bf16 or amx,
                        raising=False)
    monkeypatch.setattr(torch.cpu, "_is_amx_tile_supported", lambda: amx, raising=False)
    cdevice.cpu_precision.cache_clear()
    cdevice._SAID.clear()


def test_cpu_defaults_follow_the_hardware_and_env(monkeypatch):
    monkeypatch.delenv("COLORLAB_AMP", raising=False)
    monkeypatch.delenv("COLORLAB_CHANNELS_LAST", raising=False)
    fake_cpu(monkeypatch)
    assert train.autocast_dtype("cpu") is None  # no bf16 in hardware: float32
    assert train.autocast_dtype("cpu", amp=True) == torch.bfloat16
    fake_cpu(monkeypatch, amx=True)
    assert train.autocast_dtype("cpu") == torch.bfloat16
    assert train.autocast_dtype("cpu", amp=False) is None
    monkeypatch.setenv("COLORLAB_AMP", "0")
    assert train.autocast_dtype("cpu") is None
    monkeypatch.setenv("COLORLAB_CHANNELS_LAST", "0")
    assert train.default_channels_last("cpu") is False
    assert train.default_channels_last("cpu", True) is True
    monkeypatch.delenv("COLORLAB_CHANNELS_LAST")
    assert train.default_channels_last("cpu") == torch.backends.mkldnn.is_available()
    cdevice.cpu_precision.cache_clear()


def test_cpu_bf16_only_with_amx_and_the_choice_is_said_once(monkeypatch, capsys):
    """AVX512-BF16 without AMX trained only 1.11x float32 (an AMD EPYC): float32 there."""
    monkeypatch.delenv("COLORLAB_AMP", raising=False)
    fake_cpu(monkeypatch, avx512_bf16=True)
    assert cdevice.autocast_dtype("cpu") is None
    assert cdevice.autocast_dtype("cpu") is None
    said = capsys.readouterr().out.splitlines()
    assert said == ["CPU precision: float32 (bf16 without AMX gains too little on this CPU)"]
    fake_cpu(monkeypatch, amx=True)
    assert cdevice.autocast_dtype("cpu") == torch.bfloat16
    assert "CPU precision: bf16 (this CPU has AMX)" in capsys.readouterr().out
    cdevice.cpu_precision.cache_clear()


@pytest.mark.parametrize("capability, dtype", [((7, 5), torch.float16), ((7, 0), torch.float16),
                                               ((8, 0), torch.bfloat16), ((9, 0), torch.bfloat16)])
def test_cuda_precision_follows_the_compute_capability(monkeypatch, capability, dtype):
    """A T4 (7.5) or V100 (7.0) says is_bf16_supported() (emulated), yet has no bf16 cuDNN
    convolutions: fp16 with a GradScaler there, bf16 from 8.0 (A100) on."""
    monkeypatch.delenv("COLORLAB_AMP", raising=False)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda device=None: capability)
    assert cdevice.autocast_dtype("cuda") == dtype
    assert cdevice.autocast_dtype(torch.device("cuda", 0), amp=True) == dtype
    assert cdevice.autocast_dtype("cuda", amp=False) is None
    monkeypatch.setenv("COLORLAB_AMP", "1")
    assert cdevice.autocast_dtype("cuda") == dtype


def test_evaluate_follows_the_precision_policy_and_colorlab_amp(monkeypatch):
    seen = []

    def colorizer(L):
        seen.append(torch.is_autocast_enabled("cpu") and torch.get_autocast_dtype("cpu"))
        return torch.zeros(len(L), 2, *L.shape[-2:])

    images = torch.randint(0, 256, (2, 3, 16, 16), dtype=torch.uint8)
    for env, want in (("bf16", torch.bfloat16), ("0", False)):
        monkeypatch.setenv("COLORLAB_AMP", env)
        evaluate(colorizer, images)
        assert seen.pop() == want
    evaluate(colorizer, images, amp=False)
    assert seen.pop() is False


def test_apple_gpus_with_torch_before_2_5_get_null_contexts(monkeypatch):
    """torch.autocast("mps", enabled=False) raises "unsupported autocast device_type" there."""
    def no_mps_autocast(device_type, *args, **kwargs):
        raise RuntimeError(f"unsupported autocast device_type '{device_type}'")

    monkeypatch.setattr(torch, "autocast", no_mps_autocast)
    monkeypatch.setattr(torch, "__version__", "2.4.1")
    with cdevice.float32_region("mps"), cdevice.autocast("mps", None):
        pass
    assert cdevice.autocast_dtype("mps") is None
    monkeypatch.setattr(torch, "__version__", "2.5.0")
    with pytest.raises(RuntimeError, match="unsupported"):
        cdevice.float32_region("mps")


def test_every_autocast_goes_through_the_precision_policy():
    """One precision policy: torch.autocast appears in colorlab/device.py and nowhere else."""
    package = Path(cdevice.__file__).parent
    users = [str(p.relative_to(package)) for p in package.rglob("*.py")
             if "torch.autocast(" in p.read_text() and p.name != "device.py"]
    assert users == []


def test_fit_records_the_cpu_defaults(tmp_path, monkeypatch):
    monkeypatch.delenv("COLORLAB_AMP", raising=False)
    monkeypatch.delenv("COLORLAB_CHANNELS_LAST", raising=False)
    x, y = toy(8)
    fit(MeanRegressor(width=2), Batches(x, y, batch_size=8), loss_fn=nn.functional.mse_loss,
        epochs=1, checkpoint_dir=tmp_path, progress=False)
    config = load_checkpoint(tmp_path / "last.pt")["config"]
    assert config["amp"] == str(cdevice.autocast_dtype("cpu"))
    assert config["channels_last"] == cdevice.default_channels_last("cpu")

