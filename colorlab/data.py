"""Where the images come from: the built-in sample set, one ``load_dataset`` for all, Batches.

Every loader returns one type, :class:`~colorlab.images.ImageSet` (uint8 images N x 3 x H x W,
labels, class names, and a line saying what the data is).

- :func:`sample`: the built-in default, offline: patches cut from photos scikit-image ships.
- :func:`load_dataset`: ``"sample"``, CIFAR-10 (:mod:`colorlab.cifar`), Imagenette, or a folder
  (:func:`colorlab.images.image_folder`) by name; ``"auto"`` picks CIFAR-10 if it can.
- :class:`Batches`: shuffled mini-batches of tensors already on the device, flipped there.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .cifar import (
    CIFAR10_DIR,
    CIFAR10_FILE,
    CIFAR10_FILES,
    DownloadError,
    UnsafeArchiveError,
    cifar10,
    verify_cifar_files,
)
from .images import RESAMPLE, ImageSet, data_dir, image_folder

# The photographs (not drawings) that scikit-image ships in its wheel, so no download is needed.
# "motorcycle" is the left view of stereo_motorcycle(); "cat" is chelsea again, so it is left out.
SAMPLE_PHOTOS = ("astronaut", "rocket", "motorcycle", "hubble_deep_field",
                 "immunohistochemistry", "retina", "chelsea", "coffee")
SAMPLE_TEST_PHOTOS = ("chelsea", "coffee")  # never seen in training
SAMPLE_SCALES = (8, 5, 3)  # each photo is resized to a shorter side of 8, 5, 3 x size ...
SAMPLE_MIN_STD = 4.0       # ... cut into patches (stride size/2); near-flat ones are dropped


def _resized(data: ImageSet, size: int) -> ImageSet:
    """``data`` with its square images resized to size x size (bicubic, antialiased)."""
    if data.images.shape[-1] == size:
        return data
    out = torch.cat([F.interpolate(x.float(), size=(size, size), mode="bicubic", antialias=True)
                     .round_().clamp_(0, 255).byte() for x in data.images.split(2048)])
    return ImageSet(out, data.labels, data.classes, f"{data.source}, resized to {size}x{size}")


# ---------------------------------------------------------------------------------------------
# the built-in sample set
# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _photos() -> dict[str, np.ndarray]:
    import skimage.data as sk

    def load(name):  # motorcycle: the left view of the stereo pair
        return sk.stereo_motorcycle()[0] if name == "motorcycle" else getattr(sk, name)()

    photos = {name: np.ascontiguousarray(load(name)) for name in SAMPLE_PHOTOS}
    for photo in photos.values():
        photo.setflags(write=False)
    return photos


def sample_photos(split: str | None = None) -> dict[str, np.ndarray]:
    """The full-resolution sample photos, ``{name: (H, W, 3) uint8}`` (``split``: only those)."""
    names = SAMPLE_PHOTOS if split is None else _sample_names(split)
    return {name: _photos()[name].copy() for name in names}


def _sample_names(split: str) -> tuple[str, ...]:
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    return tuple(n for n in SAMPLE_PHOTOS if (n in SAMPLE_TEST_PHOTOS) == (split == "test"))


@functools.lru_cache(maxsize=8)
def _sample_patches(split: str, size: int) -> tuple[np.ndarray, np.ndarray]:
    patches, labels, stride = [], [], max(1, size // 2)
    for name in _sample_names(split):
        photo = Image.fromarray(_photos()[name])
        for k in SAMPLE_SCALES:
            scale = k * size / min(photo.size)
            w, h = round(photo.width * scale), round(photo.height * scale)
            small = np.asarray(photo.resize((w, h), RESAMPLE))
            cut = np.lib.stride_tricks.sliding_window_view(small, (size, size, 3))
            cut = cut[::stride, ::stride, 0].reshape(-1, size, size, 3)
            cut = cut[cut.mean(axis=-1).std(axis=(1, 2)) >= SAMPLE_MIN_STD]
            patches.append(cut)
            labels += [SAMPLE_PHOTOS.index(name)] * len(cut)
    order = np.random.default_rng(0).permutation(len(labels))  # mixed photos and scales
    return np.concatenate(patches)[order].transpose(0, 3, 1, 2), np.array(labels)[order]


def sample(split: str = "train", size: int = 32) -> ImageSet:
    """The built-in dataset: offline, deterministic, a few seconds to build (then cached).

    Patches of size x size cut from the photographs scikit-image ships (:data:`SAMPLE_PHOTOS`)
    at three scales, in a fixed shuffled order. Split by photo: the test photos
    (:data:`SAMPLE_TEST_PHOTOS`) are never seen in training. Labels index the photo names;
    so do the ``groups``, which keep a validation split of the patches by photo.
    """
    images, labels = _sample_patches(split, size)
    names = _sample_names(split)
    labels = torch.from_numpy(labels.copy())
    return ImageSet(torch.from_numpy(images.copy()), labels, list(SAMPLE_PHOTOS),
                    f"sample {split}: {len(images):,} patches {size}x{size} from {len(names)} "
                    f"scikit-image photos ({', '.join(names)})", groups=labels)


# ---------------------------------------------------------------------------------------------
# one entry point
# ---------------------------------------------------------------------------------------------
DATASETS = ("auto", "cifar10", "imagenette", "sample")
_CIFAR_UNAVAILABLE: dict[Path, str] = {}  # auto mode asks the network once per data folder


def load_dataset(name="auto", split: str = "train", size: int = 32) -> ImageSet:
    """``"sample"``, ``"cifar10"``, ``"imagenette"`` (photos, :mod:`colorlab.imagenette`), a
    folder of images (str or Path), or ``"auto"``: CIFAR-10 if it is in :func:`data_dir` or can
    be downloaded, with every file of both splits intact, else ``sample`` (saying so), for both
    splits: the two never mix."""
    key = name.lower() if isinstance(name, str) else None
    if key not in DATASETS:
        if Path(name).expanduser().is_dir():
            return image_folder(name, split, size)
        raise ValueError(f"Unknown dataset {name!r}: use one of {', '.join(map(repr, DATASETS))} "
                         f"or the path of a folder of images (there is no folder {name}).")
    if key == "sample":
        return sample(split, size)
    if key == "cifar10":
        return _resized(cifar10(split=split), size)
    if key == "imagenette":
        from .imagenette import imagenette
        return imagenette(split=split, size=size)
    root = data_dir()
    if root not in _CIFAR_UNAVAILABLE:
        try:
            images = _resized(cifar10(split=split), size)
            # both splits or neither: never CIFAR-10 train beside sample test
            verify_cifar_files(root / CIFAR10_DIR, CIFAR10_FILES, root / CIFAR10_FILE)
            return images
        except (DownloadError, FileNotFoundError, UnsafeArchiveError) as e:
            _CIFAR_UNAVAILABLE[root] = getattr(e, "reason", str(e))
    print(f"Note: CIFAR-10 is not available ({_CIFAR_UNAVAILABLE[root]}); "
          "using the built-in offline sample set instead.")
    return sample(split, size)


# ---------------------------------------------------------------------------------------------
# mini-batches
# ---------------------------------------------------------------------------------------------
class Batches:
    """Shuffled mini-batches of tensors that live on the device, with random horizontal flips.

    ``Batches(x, y, batch_size=128, device="cuda")`` moves ``x`` and ``y`` (same length N) to
    the device once; each pass yields tuples ``(x_batch, y_batch)`` (a single tensor if given
    one). ``flip``: each sample is mirrored left-right with probability 1/2, the same way in every
    tensor; only tensors with 3 or more dims (N, ..., W) are flipped, labels are left alone. The
    randomness comes from ``seed`` (its own ``generator``) or else torch's global CPU generator.
    Batches that would yield nothing (zero samples, or ``drop_last`` with fewer samples than
    ``batch_size``) raise ValueError naming the sizes, rather than loop over nothing.
    Several processes (DDP): ``rank`` and ``world`` give process ``rank`` its share, every
    ``world``-th sample of the same shuffled order (the same ``seed`` in every process), N //
    world samples each, so that every process takes the same number of steps.
    """

    def __init__(self, *tensors: torch.Tensor, batch_size: int, shuffle: bool = True,
                 flip: bool = True, device=None, drop_last: bool = False,
                 seed: int | None = None, rank: int = 0, world: int = 1):
        if not tensors or any(len(t) != len(tensors[0]) for t in tensors):
            raise ValueError("Batches needs one or more tensors, all of the same length, got "
                             f"lengths {[len(t) for t in tensors]}.")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        n = len(tensors[0])
        if n == 0:
            raise ValueError("Batches got 0 samples (tensors of shape "
                             f"{tuple(tensors[0].shape)}), so every pass would be an empty loop "
                             "that trains nothing. Check the data loaded (its size, the split, a "
                             "take(n) with n = 0) before making batches.")
        if drop_last and n < batch_size:
            raise ValueError(f"Batches has {n} samples, fewer than batch_size={batch_size}, and "
                             "drop_last=True drops that one incomplete batch, so every pass "
                             f"would yield nothing. Use batch_size <= {n}, drop_last=False, or "
                             "more data.")
        self.tensors = tuple(t.to(device) if device is not None else t for t in tensors)
        self.batch_size, self.shuffle, self.flip = batch_size, shuffle, flip
        self.drop_last = drop_last
        self.generator = None if seed is None else torch.Generator().manual_seed(seed)
        if world > 1 and seed is None:
            raise ValueError(f"Batches with world={world} needs a seed, the same in every process, "
                             "so that they all shuffle alike and each takes a different share.")
        self.rank, self.world = rank, world

    def __len__(self) -> int:
        n = len(self.tensors[0]) // self.world
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        n, bs, device = len(self.tensors[0]), self.batch_size, self.tensors[0].device
        order = torch.randperm(n, generator=self.generator) if self.shuffle else torch.arange(n)
        flips = torch.rand(n, generator=self.generator) < 0.5 if self.flip else None
        mine = torch.arange(self.rank, n // self.world * self.world, self.world)  # this share
        order = order[mine].to(device)
        flips = flips[mine].to(device) if flips is not None else None
        for i in range(len(self)):
            part = slice(i * bs, (i + 1) * bs)
            idx = order[part]
            batch = [t[idx] for t in self.tensors]
            if flips is not None:
                mask = flips[part]
                batch = [torch.where(mask.view(-1, *[1] * (t.dim() - 1)), t.flip(-1), t)
                         if t.dim() >= 3 else t for t in batch]
            yield batch[0] if len(batch) == 1 else tuple(batch)
