"""The one training loop every notebook uses: ``fit``, one ``train_step``, the lr schedules.

``fit`` is plain PyTorch: AdamW, a learning rate that is a pure function of the step (one-cycle
by default), optional gradient accumulation, mixed precision and channels_last where the
hardware runs them fast (CUDA; CPUs with AMX), a progress bar, checkpoints you can resume
from. ``train_step`` is one step of it, shared with benchmarks/train_speed.py. No callbacks, no
framework: read it top to bottom. Checkpoints are :mod:`colorlab.checkpoint`, several processes
:mod:`colorlab.distributed`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from . import distributed
from .checkpoint import load_checkpoint, rng_state, save_checkpoint, set_rng_state, unwrap
from .device import autocast, autocast_dtype, default_channels_last
from .progress import tqdm


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
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))  # whole epochs, not 1.5
        ax.set_ylabel("loss")
        ax.set_title(title or "training curves")
        ax.legend()
        ax.grid(alpha=0.3)
        return ax


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
def make_optimizer(model: nn.Module, lr: float, weight_decay: float,
                   lr_scale: dict[str, float] | None = None, **kwargs):
    """AdamW with two parameter groups, as nanoGPT: weight decay for weight matrices and conv
    kernels (``dim() >= 2``), none for biases and norm scales (``dim() < 2``).

    ``lr_scale``: ``{name prefix: factor}``; the parameters whose name (``model.named_parameters``)
    starts with a prefix go to groups of their own that train at ``factor * lr``, e.g.
    ``{"attention.": 10}`` for a block added to a trained model. A scaled group keeps its factor
    as ``group["lr_scale"]``; :func:`train_step` multiplies the schedule's learning rate by it."""
    lr_scale = lr_scale or {}
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    unknown = [k for k in lr_scale if not any(n.startswith(k) for n, _ in named)]
    if unknown:
        raise ValueError(f"lr_scale names {unknown}, but no parameter of the model starts with "
                         f"{'it' if len(unknown) == 1 else 'them'}; its parameters start with: "
                         f"{sorted({n.split('.')[0] + '.' for n, _ in named})}.")

    def factor(name):
        return next((f for k, f in lr_scale.items() if name.startswith(k)), 1.0)

    groups = []
    for scale in [1.0] + sorted({float(f) for f in lr_scale.values()} - {1.0}):
        mine = [p for n, p in named if factor(n) == scale]
        own = {} if scale == 1.0 else {"lr_scale": scale, "lr": lr * scale}  # a scaled group
        decayed = [p for p in mine if p.dim() >= 2]
        groups += [{"params": decayed, "weight_decay": weight_decay, **own},
                   {"params": [p for p in mine if p.dim() < 2], "weight_decay": 0.0, **own}]
    return torch.optim.AdamW(groups, lr=lr, **kwargs)  # groups[0]: the plain learning rate


def train_step(model, batch, loss_fn, optimizer, *, amp_dtype=None, channels_last=False,
               scaler=None, weight: float = 1.0, lr: float | None = None, update: bool = True):
    """One training step on ``batch = (x, *targets)``: the loss ``loss_fn(model(x), *targets)``
    under autocast (``amp_dtype``: torch.bfloat16, torch.float16 or None for float32), backward
    of ``weight * loss`` (gradients add up over accumulated micro-batches), then, if ``update``,
    the learning rate ``lr`` written into every param group (times the group's ``lr_scale``, if
    any), the optimizer step (through the GradScaler ``scaler`` for fp16) and the gradients
    cleared. Returns the loss, detached (a 0-dim tensor on the device: reading it with ``.item()``
    waits for the device)."""
    x, *targets = batch
    if channels_last and x.dim() == 4:
        x = x.contiguous(memory_format=torch.channels_last)
    with autocast(x.device, amp_dtype):
        loss = loss_fn(model(x), *targets)
    (scaler.scale(loss * weight) if scaler else loss * weight).backward()
    if update:
        if lr is not None:
            for group in optimizer.param_groups:
                group["lr"] = lr * group.get("lr_scale", 1.0)
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
    """A figure as a plain Python number, so that ``torch.load(weights_only=True)`` reads it."""
    if isinstance(value, (torch.Tensor, np.ndarray, np.generic)):
        return value.item()  # a tensor of one number: 0-dim or (1,)
    return value


def _nonfinite(what: str, epoch: int, step: int, steps: int) -> FloatingPointError:
    return FloatingPointError(
        f"The training {what} became NaN or infinite at epoch {epoch}, step {step} of {steps} "
        "(checked every 20 steps). Nothing non-finite was saved. Lower lr, look for NaN/inf in "
        "the data, or try amp=False (docs/bad-input.md).")


def _resume(ckpt_dir, model, optimizer, scaler, train_batches) -> tuple[History, int, float]:
    """Load ``last.pt`` into the model, optimizer, scaler and RNGs: (history, epoch, best)."""
    if ckpt_dir is None or not (ckpt_dir / "last.pt").is_file():
        raise FileNotFoundError(f"resume=True but there is no last.pt in {ckpt_dir}: "
                                "train without resume first.")
    # on the CPU: the RNG states must stay there; load_state_dict moves the rest to the device
    ckpt = load_checkpoint(ckpt_dir / "last.pt", model, map_location="cpu")
    optimizer.load_state_dict(ckpt["optimizer"])
    if scaler is not None and ckpt.get("scaler"):
        scaler.load_state_dict(ckpt["scaler"])
    set_rng_state(ckpt["rng"], train_batches)
    return History(ckpt["history"]), ckpt["epoch"], ckpt["best_value"]


def _train_epoch(model, train_batches, loss_fn, optimizer, lr_at, step: int, epoch: int,
                 epochs: int, progress: bool, accum_steps: int, **step_kw) -> tuple:
    """One pass over ``train_batches``: (mean loss over every process, images seen, step)."""
    model.train()
    n_batches, t0, seen = len(train_batches), time.perf_counter(), 0
    loss_sum = torch.zeros((), device=step_kw["device"])
    bar = tqdm(train_batches, total=n_batches, desc=f"epoch {epoch}/{epochs}",
               disable=not progress, leave=False)
    optimizer.zero_grad(set_to_none=True)
    for i, batch in enumerate(bar):
        group_start = i - i % accum_steps  # micro-batches of this optimizer step: a mean
        group = min(accum_steps, n_batches - group_start)
        update = i + 1 == group_start + group
        loss = train_step(model, batch, loss_fn, optimizer, amp_dtype=step_kw["amp_dtype"],
                          channels_last=step_kw["channels_last"], scaler=step_kw["scaler"],
                          weight=1 / group, lr=lr_at(step), update=update)
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
    loss_total, seen = distributed.all_sum([loss_sum.float(), float(seen)], loss_sum.device)
    return loss_total / seen, int(seen), step


def fit(model: nn.Module, train_batches: Iterable, *, loss_fn: Callable, epochs: int,
        lr: float = 2e-3, val=None, device=None, amp: bool | None = None,
        channels_last: bool | None = None, checkpoint_dir=None, resume: bool = False,
        weight_decay: float = 0.05, schedule: str = "onecycle", accum_steps: int = 1,
        best: str | None = None, config: dict | None = None, progress: bool = True,
        stop_after: int | None = None, lr_scale: dict[str, float] | None = None) -> History:
    """Train ``model`` with AdamW on ``loss_fn(model(x), *targets)``; return its :class:`History`.

    train_batches: re-iterable with a ``len``, yields ``(x, *targets)`` on the device
        (:class:`colorlab.data.Batches`). val: None, tensors ``(x, *targets)`` (``val_loss``)
        or a function ``model -> dict`` of figures.
    amp, channels_last: None picks what the device runs fast (:mod:`colorlab.device`).
    schedule: ``"onecycle"``, ``"cosine"`` or ``"constant"``: step ``s`` trains at
        ``lr * shape(s)``. weight_decay: for weights with ``dim() >= 2`` only.
    accum_steps: batches whose gradients are averaged per optimizer step.
    lr_scale: ``{name prefix: factor}``, parameters that train at ``factor * lr`` (e.g. layers
        added to a trained model; :func:`make_optimizer`).
    checkpoint_dir: ``last.pt`` every epoch, ``best.pt`` when ``best`` (a record key, lower is
        better; default ``val_loss`` if there is validation, else ``train_loss``) improves;
        ``resume=True`` continues from ``last.pt``. stop_after: at most this many epochs now.
    A NaN or inf loss or weight stops the run with an error and is never saved. Under torchrun
    the model is wrapped in DDP (:func:`colorlab.distributed.wrap`); rank 0 prints and saves.
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
    steps_per_epoch = math.ceil(len(train_batches) / accum_steps)
    optimizer = make_optimizer(plain, lr, weight_decay, lr_scale)
    shape = SCHEDULES[schedule](epochs * steps_per_epoch)
    config = {"model": getattr(unwrap(model), "config", None), **(config or {}), "epochs": epochs,
              "lr": lr, **({"lr_scale": lr_scale} if lr_scale else {}),
              "weight_decay": weight_decay, "schedule": schedule,
              "accum_steps": accum_steps, "amp": str(amp_dtype), "channels_last": channels_last,
              "device": str(device), "world_size": world}
    ckpt_dir = Path(checkpoint_dir) if checkpoint_dir else None
    history, start_epoch, best_value = History(), 0, math.inf
    if resume:
        history, start_epoch, best_value = _resume(ckpt_dir, model, optimizer, scaler,
                                                   train_batches)
    step = start_epoch * steps_per_epoch  # optimizer steps taken so far: the schedule's clock
    last_epoch = epochs if stop_after is None else min(epochs, start_epoch + stop_after)
    for epoch in range(start_epoch + 1, last_epoch + 1):
        if hasattr(train_batches, "set_epoch"):  # a DistributedSampler's shuffle of this epoch
            train_batches.set_epoch(epoch)
        t0 = time.perf_counter()
        train_loss, seen, step = _train_epoch(
            model, train_batches, loss_fn, optimizer, lambda s: lr * shape(s), step, epoch,
            epochs, progress, accum_steps, device=device, amp_dtype=amp_dtype,
            channels_last=channels_last, scaler=scaler)
        seconds = time.perf_counter() - t0
        record = {"epoch": epoch, "train_loss": train_loss, "seconds": seconds,
                  "images_per_s": seen / seconds, "lr": optimizer.param_groups[0]["lr"]}
        if callable(val):
            record.update({k: _number(v) for k, v in val(plain).items()})
        elif val is not None:
            record["val_loss"] = _evaluate_loss(plain, val, loss_fn, device, amp_dtype)
        history.append(record)
        if progress:
            shown = ", ".join(f"{k} {v:.4g}" for k, v in record.items() if k not in ("epoch", "lr"))
            print(f"epoch {epoch}/{epochs}: {shown}")
        key = best or ("val_loss" if "val_loss" in record else "train_loss")
        if key not in record:
            raise ValueError(f"best={key!r} is not in the records; they have: {', '.join(record)}.")
        improved, best_value = record[key] < best_value, float(min(best_value, record[key]))
        if ckpt_dir is not None and rank == 0:
            state = dict(optimizer=optimizer.state_dict(), scaler=scaler.state_dict()
                         if scaler else {}, epoch=epoch, step=step, history=history.to_list(),
                         config=config, best_value=best_value, rng=rng_state(train_batches))
            for name in ("last.pt", "best.pt") if improved else ("last.pt",):
                save_checkpoint(ckpt_dir / name, model, **state)
    model.eval()
    return history
