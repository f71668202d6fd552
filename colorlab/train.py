"""The one training loop every notebook uses, and checkpoints.

``fit`` is plain PyTorch: AdamW, a one-cycle learning-rate schedule, optional gradient
accumulation, bf16 autocast and channels_last on CUDA, a progress bar, checkpoints you can
resume from. No callbacks, no framework: read it top to bottom.
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
from torch import nn
from tqdm.auto import tqdm

PREFIXES = ("module.", "_orig_mod.", "net.")  # DataParallel, torch.compile, wrapper modules


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
    random.setstate(state["python"])
    kind, keys, *rest = state["numpy"]
    np.random.set_state((kind, keys.numpy(), *rest))
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    gen = getattr(batches, "generator", None)
    if "batches" in state and isinstance(gen, torch.Generator):
        gen.set_state(state["batches"])


def save_checkpoint(path, model: nn.Module, **state) -> Path:
    """Write ``{"model": state_dict, **state}`` to ``path`` atomically (temporary file, rename),
    so a crash mid-write never leaves a broken checkpoint behind. Returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save({"model": _unwrap(model).state_dict(), **state}, tmp)
    os.replace(tmp, path)
    return path


def _unwrap(model: nn.Module) -> nn.Module:
    return getattr(model, "_orig_mod", model)  # torch.compile wraps the model


def strip_prefixes(state_dict: dict) -> dict:
    """Remove wrapper prefixes (``module.``, ``_orig_mod.``, ``net.``) from every key."""
    out = {}
    for key, value in state_dict.items():
        changed = True
        while changed:
            changed = False
            for prefix in PREFIXES:
                if key.startswith(prefix):
                    key, changed = key[len(prefix) :], True
        out[key] = value
    return out


def load_checkpoint(path, model: nn.Module | None = None, map_location="cpu") -> dict:
    """Load a checkpoint safely (``torch.load(weights_only=True)``) and, if ``model`` is given,
    its weights into it. Accepts a full checkpoint or a bare state dict, with or without wrapper
    prefixes. A checkpoint of another architecture raises a ``ValueError`` that names the first
    mismatching keys and shapes. Returns the checkpoint dict."""
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
        _load_weights(_unwrap(model), strip_prefixes(ckpt["model"]), path)
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
# the loop
# ---------------------------------------------------------------------------------------------
def _evaluate_loss(model, val, loss_fn, device, amp_dtype, batch_size=1024) -> float:
    """Mean of ``loss_fn`` over validation tensors ``(x, *targets)``, in batches, no gradients."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(val[0]), batch_size):
            x, *targets = (t[i : i + batch_size].to(device) for t in val)
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                loss = loss_fn(model(x), *targets)
            total += loss.float().item() * len(x)
            count += len(x)
    return total / count


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
    best: str = "val_loss",
    config: dict | None = None,
    progress: bool = True,
    stop_after: int | None = None,
) -> History:
    """Train ``model`` and return its :class:`History`.

    train_batches: re-iterable, yields tuples ``(x, *targets)`` already on the device (e.g.
        :class:`colorlab.data.Batches`); the loss is ``loss_fn(model(x), *targets)``.
    val: ``None``, tensors ``(x, *targets)`` (gives ``val_loss``) or a function
        ``model -> dict`` of figures (e.g. ``{"val_loss": ..., "psnr": ...}``).
    amp: mixed precision; default on for CUDA (bf16, or fp16 with a GradScaler on GPUs without
        bf16 such as a T4), off (float32) on the CPU.
    channels_last: memory format; default on for CUDA.
    schedule: ``"onecycle"`` (warm up then anneal, peak ``lr``), ``"cosine"`` or ``"constant"``.
    accum_steps: gradients of this many batches are summed per optimizer step (an effective batch
        ``accum_steps`` times larger than fits in memory).
    checkpoint_dir: writes ``last.pt`` every epoch and ``best.pt`` when the ``best`` figure
        (lower is better) improves. ``resume=True`` continues from ``last.pt`` where it stopped.
    stop_after: train at most this many epochs in this call (a time-limited session), then
        return; the schedule still spans ``epochs``, so ``resume=True`` later finishes the run.
    """
    device = torch.device(device or next(model.parameters()).device)
    amp = device.type == "cuda" if amp is None else amp
    amp_dtype = None
    if amp:
        bf16_ok = device.type != "cuda" or torch.cuda.is_bf16_supported()
        amp_dtype = torch.bfloat16 if bf16_ok else torch.float16
    scaler = torch.amp.GradScaler(device.type, enabled=amp_dtype == torch.float16)
    channels_last = device.type == "cuda" if channels_last is None else channels_last
    model.to(device, memory_format=torch.channels_last if channels_last else torch.preserve_format)

    steps_per_epoch = math.ceil(len(train_batches) / accum_steps)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    total = epochs * steps_per_epoch
    if schedule == "onecycle":
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, one_cycle(total))
    elif schedule == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    elif schedule == "constant":
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    else:
        raise ValueError(f"schedule must be 'onecycle', 'cosine' or 'constant', got {schedule!r}")

    config = dict(config or {})
    config.setdefault("model", getattr(_unwrap(model), "config", None))
    config.update(epochs=epochs, lr=lr, weight_decay=weight_decay, schedule=schedule,
                  accum_steps=accum_steps, amp=str(amp_dtype), device=str(device))
    history, start_epoch, best_value = History(), 0, math.inf
    ckpt_dir = Path(checkpoint_dir) if checkpoint_dir else None
    if resume:
        if ckpt_dir is None or not (ckpt_dir / "last.pt").is_file():
            raise FileNotFoundError(f"resume=True but there is no last.pt in {ckpt_dir}: "
                                    "train without resume first.")
        ckpt = load_checkpoint(ckpt_dir / "last.pt", model, map_location=device)
        optimizer.load_state_dict(ckpt["optimizer"])
        scheduler.load_state_dict(ckpt["scheduler"])
        scaler.load_state_dict(ckpt["scaler"])
        history = History(ckpt["history"])
        start_epoch, best_value = ckpt["epoch"], ckpt["best_value"]
        _set_rng_state(ckpt["rng"], train_batches)

    last_epoch = epochs if stop_after is None else min(epochs, start_epoch + stop_after)
    for epoch in range(start_epoch + 1, last_epoch + 1):
        model.train()
        t0, seen, loss_sum, n_batches = time.perf_counter(), 0, 0.0, len(train_batches)
        bar = tqdm(train_batches, total=n_batches, desc=f"epoch {epoch}/{epochs}",
                   disable=not progress, leave=False)
        optimizer.zero_grad(set_to_none=True)
        for i, (x, *targets) in enumerate(bar):
            if channels_last and x.dim() == 4:
                x = x.contiguous(memory_format=torch.channels_last)
            with torch.autocast(device.type, dtype=amp_dtype, enabled=amp_dtype is not None):
                loss = loss_fn(model(x), *targets)
            scaler.scale(loss / accum_steps).backward()
            if (i + 1) % accum_steps == 0 or i + 1 == n_batches:
                scaler.step(optimizer)  # a plain optimizer.step() unless fp16
                scaler.update()
                optimizer.zero_grad(set_to_none=True)
                scheduler.step()
            loss_sum += loss.detach().float() * len(x)  # stays on the device: no sync per step
            seen += len(x)
            if progress and (i % 20 == 0 or i + 1 == n_batches):
                rate = seen / (time.perf_counter() - t0)
                bar.set_postfix(loss=f"{loss.item():.4f}", img_s=f"{rate:,.0f}")
        seconds = time.perf_counter() - t0
        record = {"epoch": epoch, "train_loss": (loss_sum / seen).item(), "seconds": seconds,
                  "images_per_s": seen / seconds, "lr": scheduler.get_last_lr()[0]}
        if callable(val):
            record.update(val(model))
            model.train()
        elif val is not None:
            record["val_loss"] = _evaluate_loss(model, val, loss_fn, device, amp_dtype)
        history.append(record)
        if progress:
            shown = ", ".join(f"{k} {v:.4g}" for k, v in record.items() if k not in ("epoch", "lr"))
            print(f"epoch {epoch}/{epochs}: {shown}")
        current = record.get(best, record["train_loss"])
        improved = current < best_value
        best_value = min(best_value, current)
        if ckpt_dir is not None:
            state = dict(optimizer=optimizer.state_dict(), scheduler=scheduler.state_dict(),
                         scaler=scaler.state_dict(), epoch=epoch, history=history.to_list(),
                         config=config, best_value=best_value, rng=_rng_state(train_batches))
            save_checkpoint(ckpt_dir / "last.pt", model, **state)
            if improved:
                save_checkpoint(ckpt_dir / "best.pt", model, **state)
    model.eval()
    return history
