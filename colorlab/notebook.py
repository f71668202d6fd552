"""What every notebook does first: settle the mode, seed, pick the device, load the data, and
print one line naming all three.

Modes (the ``MODE`` knob in each notebook's ``parameters`` cell):

- ``smoke``: for tests; seconds; a few hundred images; CPU.
- ``quick``: a CPU laptop; minutes; the built-in ``sample`` data unless told otherwise.
- ``full``:  a GPU; CIFAR-10 (or the dataset named); real training.
- ``auto``:  ``$COLORLAB_MODE`` if set, else ``full`` on CUDA and ``quick`` otherwise.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch

from .data import ImageSet, load_dataset
from .device import device_name, pick_device, seed_everything

MODES = ("smoke", "quick", "full")

# How many images smoke mode keeps (train, test): enough to exercise every code path.
SMOKE_SIZES = (512, 128)


def resolve_mode(mode: str = "auto") -> str:
    """``"auto"`` becomes ``$COLORLAB_MODE`` if set, else ``"full"`` on CUDA, else ``"quick"``."""
    if mode == "auto":
        mode = os.environ.get("COLORLAB_MODE", "").strip().lower() or (
            "full" if torch.cuda.is_available() else "quick"
        )
    if mode not in MODES:
        raise ValueError(
            f"Unknown MODE {mode!r}. MODE must be one of {', '.join(MODES)} or 'auto' "
            "(COLORLAB_MODE, when set, must be one of the first three). Fix the notebook's "
            "parameters cell or the COLORLAB_MODE environment variable."
        )
    return mode


def default_dataset(mode: str) -> str:
    """The dataset a mode uses when ``DATASET = "auto"``: CIFAR-10 for full, sample otherwise.

    ``$COLORLAB_DATASET`` (a name or a folder) overrides it in every mode.
    """
    return os.environ.get("COLORLAB_DATASET") or ("auto" if mode == "full" else "sample")


@dataclass
class Run:
    """The settings a notebook runs under, and its data."""

    mode: str
    device: torch.device
    seed: int
    train: ImageSet
    test: ImageSet

    def pick(self, smoke, quick, full):
        """The value for this run's mode: ``run.pick(smoke=1, quick=5, full=30)``."""
        return {"smoke": smoke, "quick": quick, "full": full}[self.mode]

    @property
    def headline(self) -> str:
        return (
            f"mode: {self.mode} | device: {device_name(self.device)} | "
            f"data: {self.train.source}; test: {len(self.test):,} images | seed: {self.seed}"
        )


def start(mode: str = "auto", dataset: str = "auto", seed: int = 0, size: int = 32) -> Run:
    """Resolve the mode, seed everything, pick the device, load train and test; print the headline.

    ``dataset``: ``"auto"`` (see :func:`default_dataset`), ``"sample"``, ``"cifar10"`` or a folder.
    In smoke mode the splits are cut to :data:`SMOKE_SIZES` images (a fixed random subset).
    """
    mode = resolve_mode(mode)
    seed_everything(seed)
    device = pick_device(verbose=False)
    name = default_dataset(mode) if dataset == "auto" else dataset
    train = load_dataset(name, "train", size=size)
    test = load_dataset(name, "test", size=size)
    if mode == "smoke":
        train, test = train.take(SMOKE_SIZES[0], seed=seed), test.take(SMOKE_SIZES[1], seed=seed)
    run = Run(mode=mode, device=device, seed=seed, train=train, test=test)
    print(run.headline)
    return run


def summary(text: str) -> None:
    """Print the notebook's headline figure as ``Summary: ...``; `make course` collects it."""
    print(f"Summary: {text}")
