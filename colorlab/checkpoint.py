"""Checkpoints: a plain dict written atomically, read back safely, with the RNG states to resume.

    save_checkpoint(path, model, **state)   {"model": state_dict, **state}, written atomically
    load_checkpoint(path, model=None)       torch.load(weights_only=True), weights into ``model``
    strip_prefixes(state_dict)              drop the ``_orig_mod.``/``module.`` that wrappers add
    rng_state(batches), set_rng_state(...)  every random generator a resumed run must continue
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .files import atomic_write

PREFIXES = ("_orig_mod.", "module.")  # what torch.compile and DataParallel/DDP add to keys


def unwrap(model: nn.Module) -> nn.Module:
    """The model inside torch.compile's and DataParallel/DDP's wrappers."""
    model = getattr(model, "_orig_mod", model)
    if isinstance(model, (nn.DataParallel, nn.parallel.DistributedDataParallel)):
        model = model.module
    return getattr(model, "_orig_mod", model)


def save_checkpoint(path, model: nn.Module, **state) -> Path:
    """Write ``{"model": state_dict, **state}`` to ``path`` atomically and flushed to the disk
    (:func:`colorlab.files.atomic_write`): a crash never leaves a broken checkpoint."""
    weights = unwrap(model).state_dict()

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            torch.save({"model": weights, **state}, f)

    return atomic_write(path, write, fsync=True)


def strip_prefixes(state_dict: dict, own_keys=None) -> dict:
    """Remove the prefixes wrappers add (:data:`PREFIXES`) from the keys. A key in ``own_keys``
    (the model's own keys) is kept as it is: a submodule called ``module`` still loads."""
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
        model = unwrap(model)
        load_weights(model, strip_prefixes(ckpt["model"], model.state_dict()), path)
    return ckpt


def load_weights(model: nn.Module, weights: dict, path) -> None:
    """``model.load_state_dict(weights)``, or a ValueError naming the keys that do not fit."""
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


def rng_state(batches) -> dict:
    """Python's, NumPy's, torch's (CPU and CUDA) and ``batches.generator``'s states."""
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


def set_rng_state(state: dict, batches) -> None:
    """Restore what :func:`rng_state` saved (through the CPU: generators take CPU tensors only)."""
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
