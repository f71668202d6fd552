"""Training on folders larger than memory, and on several GPUs with torchrun (DDP).

The in-memory path (:func:`colorlab.images.image_folder`, :class:`colorlab.data.Batches`) decodes
every image once and keeps them all; it is the fast one for CIFAR-sized data. Here the images
stay in their files and are decoded as they are needed:

- :class:`ImageFiles`: a ``torch.utils.data.Dataset`` over image files. Each item is read with
  :func:`colorlab.images.read_image` (every PIL mode it handles), shorter side resized to ``size``,
  then a random square crop along the longer side and a random left-right flip (``augment``), or
  the centre crop (the same pixels as ``image_folder``). This runs in DataLoader workers.
- :class:`StreamBatches`: a DataLoader over it (worker processes, pinned memory, a
  DistributedSampler) that yields ``(L, ab, L)`` on the device, the Lab conversion done there.
- :func:`stream_folder`: the streaming counterpart of ``load_dataset(folder, split, size)``.
- :func:`choose_stream`: stream or not, by the memory the decoded set would take.
- :func:`colorlab.distributed.start_distributed`: the process group torchrun set up.
- :func:`train_streaming`: the UNet recipe of ``colorlab train`` on a streamed folder.
"""

from __future__ import annotations

import os
import random
import warnings

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from .colorizer import lab_tensors
from .images import READ_ERRORS, ImageSet, folder_files, no_images_error, read_image
from .recipes import fit_unet

VAL_IMAGES = 500  # training images held out, decoded into memory, to validate when streaming
TEST_IMAGES = 2_000  # at most this many test images (a seeded choice) are scored at the end
BYTES_PER_PIXEL = 3 + 12  # in memory: the uint8 set (host) + L and ab as float32 (device)


class ImageFiles(Dataset):
    """Image files read one at a time: ``ds[i]`` is ``(image, skipped)``.

    image: (3, size, size) uint8 tensor, sRGB in [0, 255]. With ``augment``, the square is cut at
    a random place along the longer side and mirrored with probability 1/2; both are drawn from
    ``(seed, epoch, i)`` alone, so a run is the same with any number of workers or processes,
    and after a resume. Without it, the centre crop: the pixels ``image_folder`` gives.
    skipped: ``[(path, error), ...]``, the files that could not be read on the way: a damaged
    file is replaced by the next readable one in the list, so every batch keeps its size
    (DDP needs the same number of steps on every process). :class:`StreamBatches` warns once
    per file.
    """

    def __init__(self, files, size: int, augment: bool = False, seed: int = 0):
        self.files, self.size, self.augment, self.seed = list(files), size, augment, seed
        self.epoch = 0

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int):
        rng = np.random.default_rng([self.seed, self.epoch, i])
        crop, flip = (rng.random(), rng.random() < 0.5) if self.augment else (0.5, False)
        skipped = []
        for k in range(len(self.files)):
            path = self.files[(i + k) % len(self.files)]
            try:
                image = read_image(path, self.size, crop)
                break
            except READ_ERRORS as e:
                skipped.append((str(path), f"{type(e).__name__}: {e}"))
        else:
            raise no_images_error(os.path.dirname(self.files[0]), self.files, None)
        if flip:
            image = image[:, ::-1]
        return torch.from_numpy(image.transpose(2, 0, 1).copy()), skipped


def _collate(items):
    return torch.stack([image for image, _ in items]), [s for _, skipped in items for s in skipped]


class StreamBatches:
    """Mini-batches ``(L, ab, L)`` on ``device`` from image files, for :func:`colorlab.train.fit`.

    L: (B, 1, size, size) L/100 in [0, 1]; ab: (B, 2, size, size) ab/AB_SCALE in about [-1, 1],
    float32, converted on the device from the uint8 batch (a quarter of the bytes to move).
    ``batch_size`` is per process. A ``DistributedSampler`` (``rank`` of ``world``; one process:
    0 of 1) shuffles with ``seed + epoch`` and gives each process its share; ``fit`` calls
    :meth:`set_epoch` before each epoch. ``workers`` DataLoader processes decode (0: in this
    process); memory is pinned when the device is CUDA.
    """

    def __init__(self, files, size: int, batch_size: int, *, augment: bool = True,
                 shuffle: bool = True, workers: int = 0, device="cpu", seed: int = 0,
                 rank: int = 0, world: int = 1):
        self.device = torch.device(device)
        self.dataset = ImageFiles(files, size, augment, seed)
        self.sampler = DistributedSampler(self.dataset, num_replicas=world, rank=rank,
                                          shuffle=shuffle, seed=seed)
        self.loader = DataLoader(self.dataset, batch_size=batch_size, sampler=self.sampler,
                                 num_workers=workers, collate_fn=_collate,
                                 pin_memory=self.device.type == "cuda")
        self.warned: set[str] = set()

    def set_epoch(self, epoch: int) -> None:
        self.sampler.set_epoch(epoch)
        self.dataset.epoch = epoch  # workers start anew each epoch and copy it

    def __len__(self) -> int:
        return len(self.loader)

    def uint8_batches(self):
        """The batches as they come from the workers: (B, 3, size, size) uint8, on the CPU."""
        for images, skipped in self.loader:
            for path, error in skipped:
                if path not in self.warned:
                    self.warned.add(path)
                    warnings.warn(f"Skipped {path}: it cannot be read as an image ({error}); the "
                                  "next readable file is used in its place. Check that it opens in "
                                  "an image viewer, or delete it.", stacklevel=2)
            yield images

    def __iter__(self):
        for images in self.uint8_batches():
            L, ab = lab_tensors(images.to(self.device, non_blocking=True), self.device)
            yield L, ab, L


def stream_folder(path, split: str | None = "train", size: int = 256, batch_size: int = 64,
                  **kwargs) -> StreamBatches:
    """The images of ``split`` in the folder ``path``, as ``load_dataset(path, split, size)``
    would read them (:func:`colorlab.images.folder_files`), streamed: a :class:`StreamBatches`.
    Keyword arguments go to it (``augment``, ``workers``, ``device``, ``seed``, ``rank``, ...).
    No image file at all, or only unreadable ones among the first 32, is a FileNotFoundError."""
    folder, files, _, _, holdout = folder_files(path, split)
    if not files:
        raise no_images_error(folder, files, holdout)
    _probe(files)
    return StreamBatches(files, size, batch_size, **kwargs)


# ---------------------------------------------------------------------------------------------
# stream or not, and the processes torchrun started
# ---------------------------------------------------------------------------------------------
def choose_stream(data, size: int, stream: bool, budget_gb: float, world: int = 1) -> bool:
    """Whether ``colorlab train`` streams ``data``: when asked (``stream``), under torchrun
    (``world > 1``), or when the in-memory path would need more than ``budget_gb`` GB:
    :data:`BYTES_PER_PIXEL` bytes a pixel (the uint8 images, and L and ab in float32 on the
    device), e.g. 0.98 MB an image at 256 px. Only a folder can stream."""
    is_folder = not (isinstance(data, str) and data.lower() in ("auto", "cifar10", "sample"))
    if not is_folder:
        if stream or world > 1:
            raise ValueError(f"--stream and torchrun need a folder of images, not {data!r}: "
                             "CIFAR-10 and the sample set are small, train on them without.")
        return False
    if stream or world > 1:
        return True
    n = len(folder_files(data, "train")[1])
    return n * size * size * BYTES_PER_PIXEL > budget_gb * 1e9


# ---------------------------------------------------------------------------------------------
# the recipe
# ---------------------------------------------------------------------------------------------
def _probe(files, n: int = 32) -> None:
    """A clear error now, not in a worker later, when the first ``n`` files are all unreadable."""
    for path in files[:n]:
        try:
            read_image(path, 8)
            return
        except READ_ERRORS:
            continue
    raise FileNotFoundError(f"None of the first {min(n, len(files))} image files in "
                            f"{os.path.dirname(files[0])} can be read (e.g. {files[0]}): is it a "
                            "folder of images? Check that they open in an image viewer.")


def read_files(files, size: int, workers: int = 0) -> torch.Tensor:
    """Decode ``files`` (centre crop) into one (N, 3, size, size) uint8 tensor, with workers."""
    batches = StreamBatches(files, size, 64, augment=False, shuffle=False, workers=workers)
    return torch.cat(list(batches.uint8_batches()))


def train_streaming(data, *, size: int, epochs: int, batch_size: int, device, rank: int = 0,
                    world: int = 1, workers: int = 0, base: int = 64, depth: int = 4,
                    lr: float = 2e-3, loss: str = "l1", seed: int = 0, config=None, **fit_kwargs):
    """Train ``UNet(1, 2, base, depth)`` on the folder ``data`` streamed from its files.

    The splits are read as :func:`colorlab.images.folder_files` lays them out. Validation (what
    ``best.pt`` is chosen on) is a seeded tenth of the TRAINING files, at most
    :data:`VAL_IMAGES`, taken out of training and decoded once into memory; the test split is
    not looked at during training. ``batch_size`` is the global batch: each of the ``world``
    processes takes ``batch_size // world``. Extra keyword arguments go to
    :func:`colorlab.train.fit` (``checkpoint_dir``, ``resume``, ``stop_after``, ``progress`` ...).
    Returns ``(model, history, test)``: test an ImageSet of at most :data:`TEST_IMAGES` test
    images (a seeded choice) for the caller to score once; None on ranks other than 0.
    """
    if batch_size % world:
        raise ValueError(f"--batch-size {batch_size} is the global batch and must split evenly "
                         f"over the {world} processes; use a multiple of {world}.")
    folder, files, _, _, holdout = folder_files(data, "train")
    if not files:
        raise no_images_error(folder, files, holdout)
    if len(files) < 2:
        raise ValueError(f"{folder} has 1 training image: too few to hold one out for validation "
                         "and train on the rest. Add images.")
    _probe(files)
    held = set(random.Random(seed).sample(files, max(1, min(VAL_IMAGES, len(files) // 10))))
    train_files = [f for f in files if f not in held]
    batches = StreamBatches(train_files, size, batch_size // world, workers=workers,
                            device=device, seed=seed, rank=rank, world=world)
    val = ImageSet(read_files(sorted(held), size, workers), source=f"validation: {len(held)} "
                   f"of the training images of folder {folder}, {size}x{size}")
    _, test_files = folder_files(data, "test")[:2]
    test_files = random.Random(seed).sample(test_files, min(TEST_IMAGES, len(test_files)))
    if not test_files:
        raise no_images_error(folder, test_files, "test")
    if rank == 0:
        print(f"train: {len(train_files)} files of folder {folder}, streamed\n{val.source} "
              f"(chooses best.pt)\ntest: {len(test_files)} test images (scored once, at the end)")
    config = {"recipe": "train_streaming", "loss": loss, "batch_size": batch_size, "size": size,
              "seed": seed, "world_size": world, **(config or {})}
    model, history = fit_unet(batches, lab_tensors(val, device), epochs=epochs, base=base,
                              depth=depth, lr=lr, loss=loss, device=device, seed=seed,
                              config=config, **fit_kwargs)
    if world > 1:
        dist.destroy_process_group()
    if rank:
        return model, history, None  # rank 0 scores the test images
    test = ImageSet(read_files(sorted(test_files), size, workers),
                    source=f"folder {folder}: {len(test_files)} test images {size}x{size}")
    return model, history, test
