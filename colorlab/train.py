"""The one training loop every notebook uses, and checkpoints.

``fit`` is plain PyTorch: AdamW, a learning rate that is a pure function of the step (one-cycle
by default), optional gradient accumulation, mixed precision and channels_last where the
hardware runs them fast (CUDA; CPUs with AMX), a progress bar, checkpoints you can resume
from. ``train_step`` is one step of it, shared with benchmarks/train_speed.py. No callbacks, no
framework: read it top to bottom.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from . import distributed
from .device import autocast, autocast_dtype, default_channels_last  # noqa: F401  (this API)
from .progress import tqdm

PREFIXES = ("_orig_mod.", "module.")  # what torch.compile and DataParallel/DDP add to keys


class History:
    """Per-epoch records: ``epoch``, ``train_loss``, ``seconds``, ``images_per_s`` and whatever
    validation figures were computed (``val_loss`` ...). ``history["train_loss"]`` is a list."""

    def __init__(self, records: list[dict] | None = None):
        self.records = list(records or [])

    def append(self, record: dict) -> None:
        self.records.append(dict(record))

    def __getitem__(self, key: str) -> list:
        return [r.get(key) for r in self.records]

    def __len__(self) -> int:
        return len(self.records)

    @property
    def last(self) -> dict:
        return self.records[-1] if self.records else {}

    def to_list(self) -> list[dict]:
        return [dict(r) for r in self.records]

    def plot(self, keys=("train_loss", "val_loss"), ax=None, title=None):
        """Training curves: one line per key that was recorded, against the epoch."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.2))
        for key in keys:
            values = self[key]
            if any(v is not None for v in values):
                ax.plot(self["epoch"], values, marker="o", ms=3, label=key)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.set_title(title or "training curves")
        ax.legend()
        ax.grid(alpha=0.3)
        return ax


# ---------------------------------------------------------------------------------------------
# checkpoints
# ---------------------------------------------------------------------------------------------
def _rng_state(batches) -> dict:
    np_state = np.random.get_state()
    state = {
        "python": random.getstate(),
        "numpy": (np_state[0], torch.from_numpy(np_state[1].copy()), *np_state[2:]),
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }
    gen = getattr(batches, "generator", None)
    if isinstance(gen, torch.Generator):
        state["batches"] = gen.get_state()
    return state


def _set_rng_state(state: dict, batches) -> None:
    """Restore what :func:`_rng_state` saved. Generators take CPU ByteTensors only, wherever
    the checkpoint was loaded to, so every state goes through the CPU first."""
    def cpu(t):
        return t.to("cpu", torch.uint8)

    random.setstate(state["python"])
    kind, keys, *rest = state["numpy"]
    np.random.set_state((kind, keys.cpu().numpy(), *rest))
    torch.set_rng_state(cpu(state["torch"]))
    if state["cuda"] and torch.cuda.is_available():  # saved with more GPUs? those that are here
        for i, t in enumerate(state["cuda"][: torch.cuda.device_count()]):
            torch.cuda.set_rng_state(cpu(t), i)
    gen = getattr(batches, "generator", None)
    if "batches" in state and isinstance(gen, torch.Generator):
        gen.set_state(cpu(state["batches"]))


def save_checkpoint(path, model: nn.Module, **state) -> Path:
    """Write ``{"model": state_dict, **state}`` to ``path`` atomically: into a temporary file,
    flushed to the disk (fsync), then renamed, so a crash never leaves a broken checkpoint and
    an error leaves no temporary file behind. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as f:
            torch.save({"model": _unwrap(model).state_dict(), **state}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _unwrap(model: nn.Module) -> nn.Module:
    """The model inside torch.compile's and DataParallel/DDP's wrappers."""
    model = getattr(model, "_orig_mod", model)
    if isinstance(model, (nn.DataParallel, nn.parallel.DistributedDataParallel)):
        model = model.module
    return getattr(model, "_orig_mod", model)


def strip_prefixes(state_dict: dict, own_keys=None) -> dict:
    """Remove the prefixes wrappers add (:data:`PREFIXES`: ``_orig_mod.``, ``module.``) from the
    keys. With ``own_keys`` (the model's own state-dict keys), a key the model has is kept as it
    is: a model whose own submodule is called ``module`` still loads its checkpoint."""
    own = set(own_keys or ())
    out = {}
    for key, value in state_dict.items():
        changed = key not in own
        while changed:
            changed = False
            for prefix in PREFIXES:
                if key.startswith(prefix) and key not in own:
                    key, changed = key[len(prefix) :], True
        out[key] = value
    return out


def load_checkpoint(path, model: nn.Module | None = None, map_location="cpu") -> dict:
    """Load a checkpoint safely (``torch.load(weights_only=True)``) and, if ``model`` is given,
    its weights into it. Accepts a full checkpoint or a bare state dict, saved with or without
    a torch.compile or DataParallel wrapper. A checkpoint of another architecture raises a
    ``ValueError`` that names the first mismatching keys and shapes. Returns the checkpoint."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"No checkpoint at {path}. Train one first (colorlab.train.fit with checkpoint_dir=...,"
            " or `python -m colorlab train`), or check the path."
        )
    try:
        ckpt = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as err:
        raise ValueError(
            f"{path} is not a readable PyTorch checkpoint ({type(err).__name__}: "
            f"{str(err).splitlines()[0][:200]}). It may be truncated or not a checkpoint at all; "
            "re-download or re-train it."
        ) from None
    if not isinstance(ckpt, dict):
        raise ValueError(f"{path} holds a {type(ckpt).__name__}, not a checkpoint dictionary.")
    if "model" not in ckpt:  # a bare state dict
        ckpt = {"model": ckpt}
    if model is not None:
        model = _unwrap(model)
        _load_weights(model, strip_prefixes(ckpt["model"], model.state_dict()), path)
    return ckpt


def _load_weights(model: nn.Module, weights: dict, path: Path) -> None:
    own = model.state_dict()
    wrong = [
        f"{k}: checkpoint {tuple(weights[k].shape)} vs model {tuple(v.shape)}"
        for k, v in own.items()
        if k in weights and tuple(weights[k].shape) != tuple(v.shape)
    ]
    missing = [k for k in own if k not in weights]
    extra = [k for k in weights if k not in own]
    if wrong or missing or extra:
        lines = [f"{path} does not fit this {type(model).__name__}: it was saved from another "
                 "architecture or size."]
        for label, items in (("shape mismatch", wrong), ("missing in checkpoint", missing),
                             ("not in model", extra)):
            if items:
                more = f" (and {len(items) - 3} more)" if len(items) > 3 else ""
                lines.append(f"  {label}: {'; '.join(items[:3])}{more}")
        lines.append("Build the model with the arguments it was trained with "
                     "(checkpoint['config']['model']) or pick the matching checkpoint.")
        raise ValueError("\n".join(lines))
    model.load_state_dict(weights)


# ---------------------------------------------------------------------------------------------
# the learning rate: a pure function of the step (nothing to save, nothing to resume)
# ---------------------------------------------------------------------------------------------
def one_cycle(total_steps: int, warmup: float = 0.25, start: float = 1 / 25, end: float = 1e-4):
    """The one-cycle learning-rate shape, as a factor of ``lr`` for step 0 .. total_steps - 1.

    Linear warm-up from ``start * lr`` to ``lr`` over the first ``warmup`` share of the steps, then
    a cosine down to ``end * lr``. Written out (instead of torch's OneCycleLR) so that it also works
    for runs of a handful of steps, as in smoke mode.
    """
    warm = max(1, round(warmup * total_steps))

    def factor(step: int) -> float:
        if step < warm:
            return start + (1 - start) * step / warm
        t = min(1.0, (step - warm) / max(1, total_steps - warm))
        return end + (1 - end) * 0.5 * (1 + math.cos(math.pi * t))

    return factor


def cosine(total_steps: int):
    """Cosine from ``lr`` at step 0 to 0 at ``total_steps`` (torch's CosineAnnealingLR)."""
    return lambda step: 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / max(1, total_steps)))


def constant(total_steps: int):
    """The same ``lr`` at every step."""
    return lambda step: 1.0


SCHEDULES = {"onecycle": one_cycle, "cosine": cosine, "constant": constant}


# ---------------------------------------------------------------------------------------------
# one step, and the loop
# ---------------------------------------------------------------------------------------------
def make_optimizer(model: nn.Module, lr: float, weight_decay: float, **kwargs):
    """AdamW with two parameter groups, as nanoGPT: weight decay for weight matrices and conv
    kernels (``dim() >= 2``), none for biases and norm scales (``dim() < 2``)."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, **kwargs)


def _regroup(saved: dict, optimizer, model: nn.Module) -> dict:
    """An optimizer state saved before the two param groups (one group: every parameter, in
    model order) rearranged into :func:`make_optimizer`'s groups, so that old runs resume."""
    if len(saved["param_groups"]) == len(optimizer.param_groups):
        return saved
    old_index = {id(p): i for i, p in enumerate(model.parameters())}
    new = [old_index[id(p)] for g in optimizer.param_groups for p in g["params"]]
    groups, start = [], 0
    for g in optimizer.param_groups:
        groups.append({**saved["param_groups"][0], "weight_decay": g["weight_decay"],
                       "params": list(range(start, start + len(g["params"])))})
        start += len(g["params"])
    state = {k: saved["state"][i] for k, i in enumerate(new) if i in saved["state"]}
    return {"state": state, "param_groups": groups}


def train_step(model, batch, loss_fn, optimizer, *, amp_dtype=None, channels_last=False,
               scaler=None, weight: float = 1.0, lr: float | None = None, update: bool = True):
    """One training step on ``batch = (x, *targets)``: the loss ``loss_fn(model(x), *targets)``
    under autocast (``amp_dtype``: torch.bfloat16, torch.float16 or None for float32), backward
    of ``weight * loss`` (gradients add up over accumulated micro-batches), then, if ``update``,
    the learning rate ``lr`` written into every param group, the optimizer step (through the
    GradScaler ``scaler`` for fp16) and the gradients cleared. Returns the loss, detached (a 0-dim
    tensor on the device: reading it with ``.item()`` waits for the device)."""
    x, *targets = batch
    if channels_last and x.dim() == 4:
        x = x.contiguous(memory_format=torch.channels_last)
    with autocast(x.device, amp_dtype):
        loss = loss_fn(model(x), *targets)
    (scaler.scale(loss * weight) if scaler else loss * weight).backward()
    if update:
        if lr is not None:
            for group in optimizer.param_groups:
                group["lr"] = lr
        if scaler:
            scaler.step(optimizer)  # skips the step if fp16 gradients overflowed
            scaler.update()
        else:
            optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    return loss.detach()


def _evaluate_loss(model, val, loss_fn, device, amp_dtype, batch_size=1024) -> float:
    """Mean of ``loss_fn`` over validation tensors ``(x, *targets)``, in batches, no gradients."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(val[0]), batch_size):
            x, *targets = (t[i : i + batch_size].to(device) for t in val)
            with autocast(device, amp_dtype):
                loss = loss_fn(model(x), *targets)
            total += loss.float().item() * len(x)
            count += len(x)
    return total / count


def _check_data(train_batches, val, best, schedule) -> None:
    """Clear errors before any work for empty data, an unknown schedule or ``best`` key."""
    if len(train_batches) == 0:
        sizes = [tuple(t.shape) for t in getattr(train_batches, "tensors", ())]
        raise ValueError(f"train_batches yields no batches (len 0; tensors {sizes}, batch size "
                         f"{getattr(train_batches, 'batch_size', '?')}): there is nothing to train "
                         "on. Check the dataset, the split, and drop_last with a small set.")
    if val is not None and not callable(val) and len(val[0]) == 0:
        raise ValueError(f"val holds no samples (shapes {[tuple(t.shape) for t in val]}): pass "
                         "a validation set with images in it, or val=None.")
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(map(repr, SCHEDULES))}, "
                         f"got {schedule!r}")
    keys = ["epoch", "train_loss", "seconds", "images_per_s", "lr"] + ["val_loss"] * bool(val)
    if best is not None and not callable(val) and best not in keys:
        raise ValueError(f"best={best!r} is not a figure this run records ({', '.join(keys)}).")


def _number(value):
    """A figure as a plain Python number: a 0-dim tensor or a numpy scalar in the history would
    make the checkpoint unreadable with ``torch.load(weights_only=True)``. Other values pass."""
    if isinstance(value, (torch.Tensor, np.ndarray, np.generic)):
        return value.item()  # a tensor of one number: 0-dim or (1,)
    return value


def _nonfinite(what: str, epoch: int, step: int, steps: int) -> FloatingPointError:
    return FloatingPointError(
        f"The training {what} became NaN or infinite at epoch {epoch}, step {step} of {steps} "
        "(checked every 20 steps: it may have begun up to 19 steps earlier). Training stopped and "
        "nothing non-finite was saved: last.pt, if there is one, holds the last good epoch. "
        "Lower lr, look for NaN/inf in the data, or try amp=False.")


def fit(
    model: nn.Module,
    train_batches: Iterable,
    *,
    loss_fn: Callable,
    epochs: int,
    lr: float = 2e-3,
    val=None,
    device=None,
    amp: bool | None = None,
    channels_last: bool | None = None,
    checkpoint_dir=None,
    resume: bool = False,
    weight_decay: float = 0.05,
    schedule: str = "onecycle",
    accum_steps: int = 1,
    best: str | None = None,
    config: dict | None = None,
    progress: bool = True,
    stop_after: int | None = None,
) -> History:
    """Train ``model`` and return its :class:`History`.

    train_batches: re-iterable with a ``len``, yields tuples ``(x, *targets)`` already on the
        device (e.g. :class:`colorlab.data.Batches`); the loss is ``loss_fn(model(x), *targets)``.
    val: ``None``, tensors ``(x, *targets)`` (gives ``val_loss``) or a function
        ``model -> dict`` of figures (e.g. ``{"val_loss": ..., "psnr": ...}``).
    amp: mixed precision; default (``None``) where the hardware runs it fast: on CUDA bf16 from
        compute capability 8.0, fp16 with a GradScaler below (T4, V100); bf16 on CPUs with AMX;
        float32 elsewhere: the one policy, :func:`colorlab.device.autocast_dtype`
        (``COLORLAB_AMP`` overrides).
    channels_last: memory format; default on for CUDA and for CPUs with oneDNN
        (:func:`colorlab.device.default_channels_last`; ``COLORLAB_CHANNELS_LAST`` overrides).
    schedule: ``"onecycle"`` (warm up then anneal, peak ``lr``), ``"cosine"`` or ``"constant"``:
        the learning rate of each step is ``lr * shape(step)``, written into the param groups.
    weight_decay: AdamW's, for weights with ``dim() >= 2`` only (:func:`make_optimizer`).
    accum_steps: gradients of this many batches are averaged per optimizer step (an effective
        batch ``accum_steps`` times larger than fits in memory); a shorter last group of an epoch
        is averaged over the batches it has.
    checkpoint_dir: writes ``last.pt`` every epoch and ``best.pt`` when the ``best`` figure
        (lower is better) improves. ``resume=True`` continues from ``last.pt`` where it stopped.
        Non-finite losses or weights stop the run with an error; they are never saved.
    best: the record key that picks ``best.pt``; default ``"val_loss"`` when there is
        validation, else ``"train_loss"``. A key the records lack raises a ``ValueError``.
    stop_after: train at most this many epochs in this call (a time-limited session), then
        return; the schedule still spans ``epochs``, so ``resume=True`` later finishes the run.

    Several processes (torchrun, see :mod:`colorlab.distributed`): when a process group is up,
    the model is wrapped in PyTorch's DistributedDataParallel, which averages the gradients;
    ``train_batches`` gives each process its share (a :class:`colorlab.data.Batches` made with
    ``rank`` and ``world``, or with ``set_epoch(epoch)``, called before each epoch, as
    :class:`colorlab.stream.StreamBatches`); a NaN loss in any process stops them all. On CUDA,
    BatchNorm becomes SyncBatchNorm (statistics over the global batch, as on one device); on
    the CPU (gloo) each process keeps its own batch statistics. ``train_loss`` is averaged over
    all processes; rank 0 alone shows progress and writes checkpoints (without ``module.``).
    """
    _check_data(train_batches, val, best, schedule)
    device = torch.device(device or next(model.parameters()).device)
    amp_dtype = autocast_dtype(device, amp)
    scaler = torch.amp.GradScaler(device.type) if amp_dtype == torch.float16 else None
    channels_last = default_channels_last(device, channels_last)
    model.to(device, memory_format=torch.channels_last if channels_last else torch.preserve_format)

    rank, world = distributed.world()
    model, plain = distributed.wrap(model, device, train_batches)  # plain: without DDP's wrapper
    progress = progress and rank == 0

    n_batches = len(train_batches)
    steps_per_epoch = math.ceil(n_batches / accum_steps)
    optimizer = make_optimizer(model, lr, weight_decay)
    shape = SCHEDULES[schedule](epochs * steps_per_epoch)

    config = dict(config or {})
    config.setdefault("model", getattr(_unwrap(model), "config", None))
    config.update(epochs=epochs, lr=lr, weight_decay=weight_decay, schedule=schedule,
                  accum_steps=accum_steps, amp=str(amp_dtype), channels_last=channels_last,
                  device=str(device), world_size=world)
    history, start_epoch, best_value = History(), 0, math.inf
    ckpt_dir = Path(checkpoint_dir) if checkpoint_dir else None
    if resume:
        if ckpt_dir is None or not (ckpt_dir / "last.pt").is_file():
            raise FileNotFoundError(f"resume=True but there is no last.pt in {ckpt_dir}: "
                                    "train without resume first.")
        # on the CPU: the RNG states must stay there; load_state_dict moves the rest to the device
        ckpt = load_checkpoint(ckpt_dir / "last.pt", model, map_location="cpu")
        optimizer.load_state_dict(_regroup(ckpt["optimizer"], optimizer, model))
        # an old checkpoint's "scheduler" entry is not needed: the lr is a function of the step
        if scaler is not None and ckpt.get("scaler"):
            scaler.load_state_dict(ckpt["scaler"])
        history = History(ckpt["history"])
        start_epoch, best_value = ckpt["epoch"], ckpt["best_value"]
        _set_rng_state(ckpt["rng"], train_batches)

    step = start_epoch * steps_per_epoch  # optimizer steps taken so far: the schedule's clock
    last_epoch = epochs if stop_after is None else min(epochs, start_epoch + stop_after)
    for epoch in range(start_epoch + 1, last_epoch + 1):
        if hasattr(train_batches, "set_epoch"):  # a DistributedSampler's shuffle of this epoch
            train_batches.set_epoch(epoch)
        model.train()
        t0, seen, loss_sum = time.perf_counter(), 0, torch.zeros((), device=device)
        bar = tqdm(train_batches, total=n_batches, desc=f"epoch {epoch}/{epochs}",
                   disable=not progress, leave=False)
        optimizer.zero_grad(set_to_none=True)
        for i, batch in enumerate(bar):
            group_start = i - i % accum_steps  # micro-batches of this optimizer step: a mean
            group = min(accum_steps, n_batches - group_start)
            update = i + 1 == group_start + group
            loss = train_step(model, batch, loss_fn, optimizer, amp_dtype=amp_dtype,
                              channels_last=channels_last, scaler=scaler, weight=1 / group,
                              lr=lr * shape(step), update=update)
            step += update
            loss_sum += loss.float() * len(batch[0])  # stays on the device: no sync per step
            seen += len(batch[0])
            if i % 20 == 0 or i + 1 == n_batches:  # one sync every 20 steps
                if not distributed.all_finite(loss_sum):  # every process stops, or none
                    raise _nonfinite("loss", epoch, i + 1, n_batches)
                if progress:
                    rate = seen / (time.perf_counter() - t0)
                    bar.set_postfix(loss=f"{loss.item():.4f}", img_s=f"{rate:,.0f}")
        if not all(torch.isfinite(p).all() for p in model.parameters()):
            raise _nonfinite("weights", epoch, n_batches, n_batches)
        totals = torch.stack([loss_sum.float(), torch.tensor(float(seen), device=device)])
        if world > 1:
            dist.all_reduce(totals)  # the loss over every process's images
        loss_total, seen = totals.tolist()
        seconds = time.perf_counter() - t0
        record = {"epoch": epoch, "train_loss": loss_total / seen, "seconds": seconds,
                  "images_per_s": seen / seconds, "lr": optimizer.param_groups[0]["lr"]}
        if callable(val):
            record.update({k: _number(v) for k, v in val(plain).items()})
            model.train()
        elif val is not None:
            record["val_loss"] = _evaluate_loss(plain, val, loss_fn, device, amp_dtype)
        history.append(record)
        if progress:
            shown = ", ".join(f"{k} {v:.4g}" for k, v in record.items() if k not in ("epoch", "lr"))
            print(f"epoch {epoch}/{epochs}: {shown}")
        key = best or ("val_loss" if "val_loss" in record else "train_loss")
        if key not in record:
            raise ValueError(f"best={key!r} is not in the records; they have: {', '.join(record)}.")
        improved = record[key] < best_value
        best_value = float(min(best_value, record[key]))
        if ckpt_dir is not None and rank == 0:
            state = dict(optimizer=optimizer.state_dict(), scaler=scaler.state_dict()
                         if scaler else {}, epoch=epoch, step=step, history=history.to_list(),
                         config=config, best_value=best_value, rng=_rng_state(train_batches))
            save_checkpoint(ckpt_dir / "last.pt", model, **state)
            if improved:
                save_checkpoint(ckpt_dir / "best.pt", model, **state)
    model.eval()
    return history
