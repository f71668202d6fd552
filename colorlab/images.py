"""Image files and folders: ImageSet, reading any image file, the folder rules, the data folder.

- :class:`ImageSet`: uint8 images N x 3 x H x W, labels, class names, a line saying what it is.
- :func:`read_image`, :func:`to_rgb`, :func:`to_rgb_tensor`: any image file, PIL image or array
  as 8-bit sRGB.
- :func:`image_folder`, :func:`folder_files`: any folder of images (optionally ``train/``/
  ``test/`` and class folders), by the rules of data/README.md.
- :func:`data_dir`: where downloads go.
"""

from __future__ import annotations

import functools
import io
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageCms, ImageOps

from .progress import tqdm

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm",
                    ".pgm", ".pbm", ".pnm", ".tga")
RESAMPLE = Image.Resampling.BICUBIC  # antialiased when shrinking


def source_checkout() -> Path | None:
    """The repository root when colorlab runs from a source checkout (its parent folder holds
    ``pyproject.toml`` and ``data/``), else None (an installed package)."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "data").is_dir() else None


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/colorlab`` (an absolute path), else ``~/.cache/colorlab``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "colorlab"


def data_dir() -> Path:
    """Where downloads go: ``$COLORLAB_DATA``, else the checkout's ``data/``, else
    :func:`cache_dir`; never inside an installed package (data/README.md)."""
    env = os.environ.get("COLORLAB_DATA")
    if env:
        return Path(env).expanduser()
    root = source_checkout()
    return root / "data" if root is not None else cache_dir()


@dataclass(repr=False)
class ImageSet:
    """Images with their labels and where they came from.

    images: (N, 3, H, W) uint8 tensor, sRGB in [0, 255].
    labels: (N,) int64 tensor of indices into ``classes``, or None (unlabelled).
    classes: class names (``[]`` when unlabelled).
    source: what the data is, where from, how many (notebooks print it).
    groups: (N,) int64 tensor or None: images cut from the same photo share a number, so a
        validation split keeps each photo on one side (the sample set's patches overlap).
    """

    images: torch.Tensor
    labels: torch.Tensor | None = None
    classes: list[str] = field(default_factory=list)
    source: str = ""
    groups: torch.Tensor | None = None

    def __post_init__(self):
        x = self.images
        if not (isinstance(x, torch.Tensor) and x.dtype == torch.uint8 and x.dim() == 4
                and x.shape[1] == 3):
            got = f"{x.dtype} {tuple(x.shape)}" if isinstance(x, torch.Tensor) else type(x)
            raise ValueError(f"ImageSet.images must be a uint8 tensor of shape (N, 3, H, W), got "
                             f"{got}. Convert floats in [0, 1] with (x * 255).round().byte().")
        if self.labels is not None:
            y = self.labels
            if not (isinstance(y, torch.Tensor) and y.shape == (len(x),)
                    and not y.is_floating_point()):
                raise ValueError(f"ImageSet.labels must be None or an integer tensor of shape "
                                 f"({len(x)},), one per image; got {getattr(y, 'shape', y)}.")
            self.labels = y.long()
        self.classes = list(self.classes)

    def __len__(self) -> int:
        return len(self.images)

    def __repr__(self) -> str:
        return f"ImageSet({len(self):,} x {tuple(self.images.shape[1:])} uint8: {self.source})"

    def take(self, n: int, seed: int = 0) -> ImageSet:
        """A fixed random subset of ``n`` images (the same for the same seed), or all of them."""
        if n >= len(self):
            return self
        idx = torch.randperm(len(self), generator=torch.Generator().manual_seed(seed))[:n]
        return self.subset(idx, f"{self.source} (subset: {n:,} of {len(self):,})")

    def subset(self, idx: torch.Tensor, source: str) -> ImageSet:
        """The images at the indices ``idx``, with their labels and groups, named ``source``."""
        labels = None if self.labels is None else self.labels[idx]
        groups = None if self.groups is None else self.groups[idx]
        return ImageSet(self.images[idx], labels, self.classes, source, groups)

    def float(self) -> torch.Tensor:
        """The images as (N, 3, H, W) float32 in [0, 1]."""
        return self.images.float().div_(255)


# ---------------------------------------------------------------------------------------------
# reading one image file
# ---------------------------------------------------------------------------------------------
def read_image(path, size: int | None = None, crop: float = 0.5) -> np.ndarray:
    """Read any image file as (H, W, 3) uint8 sRGB, turned upright by its EXIF orientation.

    Any PIL mode works (:func:`to_rgb`: alpha on white, 16-bit scaled by 1/257, float ``F`` as
    [0, 1] or [0, 255], CMYK and ICC profiles to sRGB). With ``size``, the shorter side is resized
    to ``size`` (antialiased) and a size x size square cropped; ``crop`` in [0, 1] moves it along
    the longer side (0: left/top, 0.5: centre, 1: right/bottom).
    """
    with Image.open(path) as img:
        if size and img.format == "JPEG" and min(img.size) >= 2 * size:
            img.draft(None, (size, size))  # let the JPEG decoder shrink by 2, 4 or 8 for free
        ImageOps.exif_transpose(img, in_place=True)
        img = to_rgb(img)
        if size and img.size != (size, size):
            w, h = img.size
            side = min(w, h)
            left, top = (w - side) * crop, (h - side) * crop
            img = img.resize((size, size), RESAMPLE, box=(left, top, left + side, top + side))
        return np.asarray(img)


@functools.lru_cache(maxsize=1)
def _srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_rgb(img: Image.Image) -> Image.Image:
    """A PIL image in any mode -> 8-bit sRGB (the rules are in :func:`read_image`; alpha is
    composited on white). :func:`colorlab.infer.colorize` reads photos with it too."""
    mode = img.mode
    if mode.startswith("I") or mode == "F":  # 16-bit and 32-bit integers, floats
        a = np.asarray(img, dtype=np.float64)
        if mode == "F":
            a = a * 255 if a.max(initial=0) <= 1 else a
        elif mode.startswith("I;16") or a.max(initial=0) > 255:
            a = a / 257  # 65535 -> 255
        return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8)).convert("RGB")
    if mode in ("RGBA", "RGBa", "LA", "La", "PA") or "transparency" in img.info:
        white = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, img.convert("RGBA")).convert("RGB")
    icc = img.info.get("icc_profile")
    if icc and mode in ("RGB", "CMYK"):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(img, src, _srgb_profile(), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to PIL's plain conversion
    return img if mode == "RGB" else img.convert("RGB")


def to_rgb_tensor(image) -> torch.Tensor:
    """A photo in any form -> float32 sRGB (3, H, W) in [0, 1] (gray: R = G = B).

    image: a path or a PIL image (any mode, as :func:`read_image`); a numpy array (H, W) or
    (H, W, C): uint8, uint16 or float in [0, 1]; or a tensor (H, W) or (C, H, W), uint8 or float
    in [0, 1]; C = 1, 2 (gray + alpha), 3 or 4 (RGBA). Alpha is composited on white, as for a
    PIL image. Other integer dtypes and NaN raise.
    """
    if isinstance(image, (str, Path)):
        with Image.open(image) as img:
            img.load()
            return to_rgb_tensor(img)
    if isinstance(image, Image.Image):
        image = np.asarray(to_rgb(ImageOps.exif_transpose(image)))
    if isinstance(image, np.ndarray):
        if image.ndim == 3 and image.shape[-1] in (2, 3, 4):
            image = image.transpose(2, 0, 1)  # (C, H, W); alpha is composited below
        scale = {"uint8": 255, "uint16": 65535}.get(image.dtype.name)
        if scale is None and image.dtype.kind != "f":
            raise TypeError(f"Cannot colorize a numpy array of dtype {image.dtype}: use uint8, "
                            "uint16 or float in [0, 1].")
        scale = scale or 1
        image = torch.from_numpy(np.ascontiguousarray(image).astype(np.float32) / scale)
    if not isinstance(image, torch.Tensor):
        raise TypeError(f"Cannot colorize a {type(image).__name__}: pass a path, a PIL image, a "
                        "numpy array or a tensor.")
    if image.dtype == torch.uint8:
        x = image.float() / 255
    elif image.is_floating_point():
        x = image.float()
    else:
        raise TypeError(f"Cannot colorize a tensor of dtype {image.dtype}: only uint8 (0 to 255) "
                        "and float (0 to 1) have a known scale. If it holds 0..255 values, pass "
                        "image.to(torch.uint8); else divide it by its maximum value.")
    if torch.isnan(x).any():
        raise ValueError(f"Cannot colorize an image with NaN values ({int(torch.isnan(x).sum())} "
                         f"of {x.numel()}): a pixel must have a value. Look for a 0/0 where the "
                         "image was made, or replace them, e.g. torch.nan_to_num(image).")
    if x.dim() == 2:
        x = x[None]
    if x.dim() != 3 or x.shape[0] not in (1, 2, 3, 4):
        raise ValueError(f"Cannot colorize an image of shape {tuple(image.shape)}: tensors are "
                         "(H, W) or (C, H, W), numpy arrays (H, W) or (H, W, C), with C = 1 "
                         "(gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). Pass one image at a "
                         "time.")
    x = x.clamp(0, 1)
    if x.shape[0] in (2, 4):  # composite on white, like PIL images (read_image)
        x = x[:-1] * x[-1:] + (1 - x[-1:])
    return x.expand(3, -1, -1)


# ---------------------------------------------------------------------------------------------
# a folder of images
# ---------------------------------------------------------------------------------------------
def _image_files(folder: Path) -> list[Path]:
    """Image files under ``folder`` (recursively, hidden ones skipped), in sorted order."""
    found = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [os.path.join(parent, f) for f in files
                  if f.lower().endswith(IMAGE_EXTENSIONS) and not f.startswith(".")]
    return [Path(f) for f in sorted(found)]


SPLITS = ("train", "test")  # folder names that are splits, never classes
TEST_FOLDERS = ("test", "val")  # the test split's folder: test/, else val/ (Imagenette, ImageNet)


def _split_folders(root: Path) -> dict[str, str]:
    """``{split: folder name}`` for the split folders ``root`` has: ``train/``, and ``test/`` or,
    without it, ``val/``. A ``val/`` beside ``test/`` is not a split."""
    test = next((t for t in TEST_FOLDERS if (root / t).is_dir()), None)
    return {s: d for s, d in (("train", "train"), ("test", test)) if d and (root / d).is_dir()}


def _subfolders(folder: Path) -> list[str]:
    return sorted(d.name for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))


def _loose_images(folder: Path) -> list[Path]:
    """Image files directly in ``folder`` (not in a subfolder), hidden ones skipped."""
    return sorted(f for f in folder.iterdir() if f.is_file() and not f.name.startswith(".")
                  and f.name.lower().endswith(IMAGE_EXTENSIONS))


def _named(paths, n: int = 3) -> str:
    shown = ", ".join(p.name for p in paths[:n])
    return f"{len(paths)} image(s) ({shown}{', ...' if len(paths) > n else ''})"


def image_folder(path, split: str | None = None, size: int = 32) -> ImageSet:
    """Every image in a folder, as size x size (shorter side resized, centre cropped).

    Which files, labels and classes: :func:`folder_files`, by the layout rules of data/README.md,
    which leave nothing out silently: ``train/`` and ``test/`` (else ``val/``) are splits, never
    classes; without them every 10th file (sorted, per class) is the test split; subfolders are
    classes, and an image beside them is a ValueError; files are read sorted, recursively,
    hidden ones skipped; one that cannot be read is skipped with a warning naming it.
    """
    folder, files, labels, classes, holdout = folder_files(path, split)
    out, ok = np.zeros((len(files), size, size, 3), np.uint8), np.zeros(len(files), bool)
    for i, f in enumerate(tqdm(files, desc=f"reading {folder.name}", leave=False,
                               disable=len(files) < 5000)):
        try:
            out[i], ok[i] = read_image(f, size), True
        except READ_ERRORS as e:
            warn_skipped(f, e)
    if not ok.any():
        raise no_images_error(folder, files, holdout)
    images = torch.from_numpy(out if ok.all() else out[ok]).permute(0, 3, 1, 2).contiguous()
    held = f", every 10th file held out as test ({split})" if holdout else ""
    return ImageSet(images, torch.tensor(labels)[torch.from_numpy(ok)] if classes else None,
                    classes, f"folder {folder}: {len(images):,} images {size}x{size}"
                    f"{f', {len(classes)} classes' if classes else ''}{held}")


# what reading a damaged or non-image file raises: such a file is skipped, with a warning
READ_ERRORS = (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError)


def warn_skipped(path, error: Exception) -> None:
    """The one warning, naming the file, for an image that cannot be read and is skipped."""
    warnings.warn(f"Skipped {path}: it cannot be read as an image ({error}); the other images "
                  "are used. Check that it opens in an image viewer, or delete it.", stacklevel=3)


def no_images_error(folder: Path, files: list, holdout: str | None) -> FileNotFoundError:
    held = " (test: every 10th file, so it needs 10 or more)" if holdout else ""
    found = f"{len(files)} image file(s), none readable" if files else "no image files"
    return FileNotFoundError(f"No readable image in {folder}{held}: {found} (looked for "
                             f"{', '.join(IMAGE_EXTENSIONS)}, in class subfolders if any). "
                             "Put images there, or pass the folder that has them.")


def folder_files(path, split: str | None = None):
    """The files :func:`image_folder` reads, by its layout rules, without reading them.

    Returns ``(folder, files, labels, classes, holdout)``: the folder read, its image files
    (sorted Paths), one label per file (all 0 when unlabelled), the class names (``[]`` when
    unlabelled), and ``"train"``/``"test"`` when every 10th file is held out, else None.
    """
    root = Path(path).expanduser()
    if split not in (None, *SPLITS):
        raise ValueError(f"split must be None, 'train' or 'test', got {split!r}")
    if not root.is_dir():
        raise FileNotFoundError(f"There is no folder {root}; pass the folder of your images.")
    dirs = _split_folders(root)
    present = list(dirs)
    if present:  # split folders: nothing may hide beside them
        stray = _loose_images(root) + [f for d in _subfolders(root) if d not in dirs.values()
                                       for f in _image_files(root / d)]
        if stray:
            raise ValueError(
                f"{root} has {'/ and '.join(dirs.values())}/ split folder(s) and also "
                f"{_named(stray)} outside them, which would be ignored. Move every image into "
                f"{root / dirs[present[0]]}/ (or into test/), or point at a folder without "
                "train/ and test/.")
    folder, holdout = root, None
    if split and split in present:
        folder = root / dirs[split]
    elif split and present:
        raise FileNotFoundError(f"{root} has no {split}/ subfolder (it has {dirs[present[0]]}/): "
                                f"add {root / split}/, or pass split={present[0]!r}.")
    elif split:
        holdout = split
    elif len(present) == 2:
        raise ValueError(f"{root} has train/ and {dirs['test']}/ subfolders: pass split='train' "
                         "or 'test'.")
    elif present:
        folder = root / dirs[present[0]]  # its only split: all the images there are
    classes = _subfolders(folder)
    if classes and (loose := _loose_images(folder)):
        raise ValueError(
            f"{folder} has class subfolders ({', '.join(classes[:5])}"
            f"{', ...' if len(classes) > 5 else ''}) and also {_named(loose)} beside them, which "
            "belong to no class and would be ignored. Move them into a class subfolder (or into "
            "a folder of their own), or remove the subfolders to read the images unlabelled.")
    files, labels = [], []
    for label, sub in enumerate(classes or ["."]):
        found = _image_files(folder / sub)
        if holdout:
            found = [f for i, f in enumerate(found) if (i % 10 == 9) == (holdout == "test")]
        files += found
        labels += [label] * len(found)
    return folder, files, labels, classes, holdout
