"""What every notebook does first: settle the mode, seed, pick the device, load the data, split
off a validation set, and print one line naming all of it.

Modes (the ``MODE`` knob in each notebook's ``parameters`` cell):

- ``smoke``: for tests; seconds; a few hundred images of the built-in ``sample`` set; CPU.
- ``quick``: a CPU laptop; minutes; a subset of CIFAR-10 (downloaded once, md5-checked), or the
  folder in ``DATASET`` / ``$COLORLAB_DATASET``. Offline, the built-in ``sample`` set, with a
  loud warning that its results are not representative.
- ``full``:  a GPU; all of CIFAR-10 (or the dataset named); real training.
- ``auto``:  ``$COLORLAB_MODE`` if set, else ``full`` on CUDA and ``quick`` otherwise.

Every run has three parts: ``train``, ``val`` (a seeded split carved out of the training data:
``best.pt``, epochs and every tuning knob are chosen on it) and ``test`` (scored once, at the end).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from ..cifar import DownloadError, UnsafeArchiveError
from ..data import load_dataset
from ..device import device_name, pick_device, precision_note, seed_everything
from ..images import ImageSet
from ..progress import bars_enabled
from ..viz import colorblind_safe

MODES = ("smoke", "quick", "full")

# Images per mode: (train, validation, test); None means all there are. Quick mode is sized for
# 5 minutes a notebook on a 2-core CPU (06, which times a dozen variants of one model, and 07, which
# trains five models twice, take longer on a slow one); a notebook may ask for other sizes.
SIZES = {"smoke": (512, 128, 128), "quick": (20_000, 2_000, 2_000), "full": (None, 5_000, None)}
SAMPLE_SIZES = (None, 256, None)  # quick or full mode on the small built-in sample set
_STARTED: float | None = None  # when start() last ran (time.perf_counter()), for summary()

# Quick mode's budget is 5 minutes a notebook on the learner's CPU, and CPUs differ by 3x or more
# (bf16 matrix units or not). A 1-second probe trains the course's UNet-16 for a few steps and
# picks one of these fixed presets: the share of quick mode's default training images to use.
# Fixed presets, not a continuous scale, so the same seed on the same machine gives the same
# numbers; $COLORLAB_QUICK_PRESET pins one, and an explicit TRAIN_IMAGES always wins.
QUICK_PRESETS = {"standard": 1.0, "half": 0.5, "quarter": 0.25}
# probe images/s -> preset: 20,000 images x 6 epochs of UNet-16 fit in 5 minutes from ~900 img/s
PRESET_RATES = ((900, "standard"), (450, "half"), (0, "quarter"))

CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                   "truck"]

NOT_REPRESENTATIVE = (
    "WARNING: CIFAR-10 could not be had ({reason}), so this run uses the built-in `sample` set: "
    "patches of 6 training photos, tested on patches of 2 others. Its results are NOT "
    "representative of colorization on real photos. To get CIFAR-10, run once with a network "
    "connection (it is downloaded and md5-checked into data/), copy cifar-10-python.tar.gz into "
    "data/ by hand, or point DATASET (or $COLORLAB_DATASET) at a folder of photos."
)


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
    """The dataset a mode uses when ``DATASET = "auto"``: ``$COLORLAB_DATASET`` (a name or a
    folder) if set, else ``"sample"`` in smoke mode and ``"cifar10"`` in quick and full mode."""
    return os.environ.get("COLORLAB_DATASET") or ("sample" if mode == "smoke" else "cifar10")


def load_splits(name: str, size: int = 32) -> tuple[ImageSet, ImageSet, str | None]:
    """``(train, test, warning)`` of dataset ``name``. If CIFAR-10 was asked for and cannot be had
    (offline, damaged download), falls back to ``sample`` and returns the warning to show."""
    try:
        return load_dataset(name, "train", size), load_dataset(name, "test", size), None
    except (DownloadError, FileNotFoundError, UnsafeArchiveError) as err:
        if name != "cifar10":
            raise
        reason = getattr(err, "reason", "") or str(err).split(". ")[0]
        warning = NOT_REPRESENTATIVE.format(reason=reason[:200])
        return load_dataset("sample", "train", size), load_dataset("sample", "test", size), warning


def split_validation(train: ImageSet, n_train: int | None, n_val: int, seed: int,
                     what: str = "the training data") -> tuple[ImageSet, ImageSet]:
    """Carve ``n_val`` validation images out of ``train`` (a seeded random choice), and keep
    ``n_train`` of the rest (``None``: all of the rest). Images that share a group (patches of
    one photo, ``train.groups``) all go to one side: whole photos, chosen by ``seed``, are held
    out. Raises a ValueError that names the numbers when ``train`` is too small: it must hold at
    least ``2 * n_val`` images (and, by photo, leave one photo for training)."""
    if len(train) < 2 * n_val:
        raise ValueError(
            f"{what} has {len(train):,} training images, too few to hold out {n_val:,} for "
            f"validation: this split needs at least {2 * n_val:,}. Add images, or ask for a "
            "smaller validation set (the VAL_IMAGES knob)."
        )
    generator = torch.Generator().manual_seed(seed)
    if train.groups is None:
        order = torch.randperm(len(train), generator=generator)
        val_idx, rest = order[:n_val], order[n_val:]
    else:  # patches of one photo overlap: a photo is either all validation or all training
        photos = train.groups.unique()
        photos = photos[torch.randperm(len(photos), generator=generator)]
        held = torch.zeros(len(train), dtype=torch.bool)
        for photo in photos[:-1]:  # the last photo always stays for training
            if held.sum() >= n_val:
                break
            held |= train.groups == photo
        if held.sum() < n_val:
            raise ValueError(
                f"{what}: {n_val:,} validation images held out by whole photos would leave no "
                f"photo for training ({len(photos)} photos, {len(train):,} images). Ask for a "
                "smaller validation set (the VAL_IMAGES knob), or use more photos.")

        def shuffled(mask):
            idx = mask.nonzero().flatten()
            return idx[torch.randperm(len(idx), generator=generator)]

        val_idx, rest = shuffled(held)[:n_val], shuffled(~held)
    rest = rest if n_train is None else rest[:n_train]
    return (train.subset(rest, f"train: {len(rest):,} of {train.source}"),
            train.subset(val_idx, f"validation: {len(val_idx):,} of {train.source}"))


@dataclass
class Run:
    """The settings a notebook runs under, and its data: train, validation and test."""

    mode: str
    device: torch.device
    seed: int
    train: ImageSet
    val: ImageSet
    test: ImageSet
    data: str                   # what the data is, e.g. "CIFAR-10" or "folder photos/"
    warning: str | None = None  # set when quick mode had to fall back to the sample set
    preset: str = "standard"    # quick mode's size preset (QUICK_PRESETS), from the speed probe
    trains: bool = True         # False: nothing is trained, the headline leaves out precision

    @property
    def live(self) -> bool:
        """Whether to build live widgets (sliders): not in smoke mode, and not in a headless run
        whose outputs are committed (``$COLORLAB_PROGRESS=text``), where they would be dead."""
        return self.mode != "smoke" and bars_enabled()

    def pick(self, smoke, quick, full):
        """The value for this run's mode: ``run.pick(smoke=1, quick=5, full=30)``."""
        return {"smoke": smoke, "quick": quick, "full": full}[self.mode]

    @property
    def headline(self) -> str:
        precision = f" | precision: {precision_note(self.device)}" if self.trains else ""
        return (
            f"mode: {self.mode} | device: {device_name(self.device)}{precision} | "
            f"data: {self.data}: "
            f"{len(self.train):,} train / {len(self.val):,} validation (seeded split of the "
            f"training set) / {len(self.test):,} test images | seed: {self.seed}"
        )


def _data_name(name: str, train: ImageSet) -> str:
    if train.source.startswith("CIFAR-10"):
        return "CIFAR-10"
    if train.source.startswith("sample"):
        fallback = name == "cifar10"  # CIFAR-10 was asked for and could not be had
        return "built-in sample set" + (" (NOT representative)" if fallback else "")
    path = train.source.split(":")[0].removeprefix("folder ").removesuffix("/train")
    folder = f"folder {Path(path).name}/"  # the folder's name alone: outputs show no machine paths
    if train.classes == CIFAR10_CLASSES:  # an image-folder copy of CIFAR-10, e.g. as JPEG files
        return f"CIFAR-10 image-folder copy ({folder})"
    return folder


def speed_probe(device, steps: int = 2, repeats: int = 3, batch_size: int = 64) -> float:
    """Images per second at which this machine trains UNet(1, 2, base 16, depth 3) on 32 x 32
    images (forward, L1 loss, backward, AdamW step, under the course's precision policy): two
    warm-up steps, then the fastest of ``repeats`` timings of ``steps`` steps, so that a moment
    of other work on the machine does not decide the preset. About two seconds. Draws nothing
    from the global random generator, so a run's weights do not depend on whether it probed."""
    import time

    from ..device import autocast, autocast_dtype
    from ..models import UNet

    generator = torch.Generator().manual_seed(0)
    with torch.random.fork_rng(devices=[]):  # leave the global generator as start() seeded it
        model = UNet(1, 2, base=16, depth=3).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    L = torch.rand(batch_size, 1, 32, 32, generator=generator).to(device)
    ab = torch.rand(batch_size, 2, 32, 32, generator=generator).to(device) - 0.5
    dtype = autocast_dtype(device)

    def train(n):
        for _ in range(n):
            with autocast(device, dtype):
                loss = (model(L).float() - ab).abs().mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()

    train(2)  # memory allocation, kernel choice, thread start-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        train(steps)
        best = min(best, time.perf_counter() - t0)
    return steps * batch_size / best


def quick_preset() -> tuple[str, str]:
    """The quick-mode preset for this machine and why: ``$COLORLAB_QUICK_PRESET`` if set (then the
    reason is empty: a pinned size needs no explaining, and the headline gives the counts), else
    from :func:`speed_probe` and :data:`PRESET_RATES`."""
    pinned = os.environ.get("COLORLAB_QUICK_PRESET")
    if pinned:
        one_of("$COLORLAB_QUICK_PRESET", pinned, tuple(QUICK_PRESETS))
        return pinned, ""
    rate = speed_probe(pick_device(verbose=False))
    preset = next(name for floor, name in PRESET_RATES if rate >= floor)
    return preset, (f"this machine trains the course's UNet-16 at {rate:,.0f} images/s, and "
                    f"{PRESET_RATES[0][0]} or more gets them all")


def start(mode: str = "auto", dataset: str = "auto", seed: int = 0, size: int = 32,
          train_images: int | dict | None = None, val_images: int | dict | None = None,
          test_images: int | dict | None = None, trains: bool = True) -> Run:
    """Resolve the mode, seed everything, pick the device, load the data, split off validation;
    print the headline (and a warning when the data is not what was asked for).

    ``dataset``: ``"auto"`` (see :func:`default_dataset`), ``"sample"``, ``"cifar10"`` or a folder.
    ``train_images``, ``val_images``, ``test_images``: how many of each (``None``: the mode's
    default in :data:`SIZES`), or a dict by mode such as ``{"quick": 8_000}`` (the default in
    the other modes). A number larger than the data is refused; a dict, a notebook's own
    default, takes what there is (the offline sample set is smaller). The validation images come
    out of the training split, chosen by ``seed``; the test subset is a seeded random choice of
    the test split. ``trains=False`` for a notebook that trains nothing (03's color math):
    its headline leaves out the training precision, which would mean nothing there.
    """
    global _STARTED
    _STARTED = time.perf_counter()
    mode = resolve_mode(mode)
    seed_everything(seed)
    colorblind_safe()  # every lecture's figures: colors that stay apart for every eye
    device = pick_device(verbose=False)
    name = default_dataset(mode) if dataset == "auto" else dataset
    full_train, full_test, warning = load_splits(name, size)
    preset, why = "standard", ""
    if mode != "smoke" and full_train.source.startswith("sample"):
        defaults = SAMPLE_SIZES  # the sample set is small: all of it, 256 held out
    else:
        defaults = SIZES[mode]
        if mode == "quick" and (train_images is None or isinstance(train_images, dict)):
            preset, why = quick_preset()

    def size_of(asked, default):  # a number, None (the default), or {mode: number}
        asked = asked.get(mode) if isinstance(asked, dict) else asked
        return default if asked is None else asked

    default_train = positive("TRAIN_IMAGES", size_of(train_images, defaults[0]), integer=True)
    n_train = default_train
    if n_train is not None and not isinstance(train_images, int):  # a default: the preset's share
        n_train = max(1, round(n_train * QUICK_PRESETS[preset]))
    n_val = positive("VAL_IMAGES", size_of(val_images, defaults[1]), integer=True)
    n_test = positive("TEST_IMAGES", size_of(test_images, defaults[2]), integer=True)
    for knob, asked, n, available in (
            ("TRAIN_IMAGES", train_images, n_train, len(full_train) - n_val),
            ("TEST_IMAGES", test_images, n_test, len(full_test))):
        # the defaults, and a notebook's own default by mode ({"quick": 6_000}), take what there is
        if asked is not None and not isinstance(asked, dict) and n is not None and n > available:
            raise ValueError(f"{knob} = {n:,}, but {full_train.source.split(':')[0]} has only "
                             f"{available:,} {knob.split('_')[0].lower()} images (after "
                             f"{n_val:,} held out for validation). Ask for at most {available:,}, "
                             "or None for the mode's default.")
    train, val = split_validation(full_train, n_train, n_val, seed, what=full_train.source)
    test = full_test if n_test is None else full_test.take(n_test, seed=seed)
    run = Run(mode=mode, device=device, seed=seed, train=train, val=val, test=test,
              data=_data_name(name, full_train), warning=warning, preset=preset, trains=trains)
    print(run.headline)
    if why:  # only when the speed probe chose: say why this run trains on fewer images
        print(f"quick-mode preset: {preset} ({n_train:,} of the default {default_train:,} training "
              f"images), because {why}.")
    if warning:
        print(warning)
    return run


def positive(name: str, value, integer: bool = False):
    """``value`` when it is None (the mode's default) or a positive number (an int when
    ``integer``); else a ValueError naming the knob, so a typo fails at the parameters' first use
    and not deep in a later cell. ``EPOCHS = positive("EPOCHS", EPOCHS) or run.pick(...)``."""
    kinds = (int,) if integer else (int, float)
    if value is None or (isinstance(value, kinds) and not isinstance(value, bool) and value > 0):
        return value
    wanted = "a whole number" if integer else "a number"
    raise ValueError(f"{name} = {value!r}: it must be {wanted} above 0, or None for the mode's "
                     "default. Fix it in the parameters cell (or the -p value given to papermill).")


def one_of(name: str, value, allowed):
    """``value`` when it is one of ``allowed``; else a ValueError naming the knob and the values
    it takes. ``LOSS = one_of("LOSS", LOSS, ("l1", "mse", "l1_ssim"))``."""
    if value in allowed:
        return value
    raise ValueError(f"{name} = {value!r} is not one of {', '.join(map(repr, allowed))}. Fix it "
                     "in the parameters cell (or the -p value given to papermill).")


def summary(text: str) -> None:
    """Print the notebook's headline figure as ``Summary: ...`` (`make course` collects it), and
    on the next line how long the notebook has run since :func:`start`: the time its first cell
    quotes for the committed run."""
    print(f"Summary: {text}")
    if _STARTED is not None:
        print(f"Run time: {time.perf_counter() - _STARTED:.0f} s from start() to this line.")
