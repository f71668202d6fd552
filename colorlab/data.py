"""Where the images come from. Every loader returns one type, :class:`ImageSet`
(uint8 images N x 3 x H x W, labels, class names, and a line saying what the data is).

- :func:`sample`: the built-in default, offline: patches cut from photos scikit-image ships.
- :func:`cifar10`: the official CIFAR-10 python release, downloaded once and checked by md5.
- :func:`image_folder`: any folder of images (optionally ``train/``/``test/`` and class folders).
- :func:`load_dataset`: all of the above by name; ``"auto"`` picks CIFAR-10 if it can.
- :class:`Batches`: shuffled mini-batches of tensors already on the device, flipped there.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
import os
import pickle
import shutil
import tarfile
import tempfile
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageCms, ImageOps

from .progress import tqdm

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
CIFAR10_FILE, CIFAR10_DIR = "cifar-10-python.tar.gz", "cifar-10-batches-py"
CIFAR10_FILES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]
# The md5 of every file of the official python release, once extracted (the same values as
# torchvision's CIFAR10 train_list / test_list / meta). A file is unpickled only if it matches:
# unpickling a file from an unknown source can run any code.
CIFAR10_FILE_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
    "batches.meta": "5ff9c542aee3614f3951f8cda6e48888",
}
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm",
                    ".pgm", ".pbm", ".pnm", ".tga")
# The photographs (not drawings) that scikit-image ships in its wheel, so no download is needed.
# "motorcycle" is the left view of stereo_motorcycle(); "cat" is chelsea again, so it is left out.
SAMPLE_PHOTOS = ("astronaut", "rocket", "motorcycle", "hubble_deep_field",
                 "immunohistochemistry", "retina", "chelsea", "coffee")
SAMPLE_TEST_PHOTOS = ("chelsea", "coffee")  # never seen in training
SAMPLE_SCALES = (8, 5, 3)  # each photo is resized to a shorter side of 8, 5, 3 x size ...
SAMPLE_MIN_STD = 4.0       # ... cut into patches (stride size/2); near-flat ones are dropped
RESAMPLE = Image.Resampling.BICUBIC  # antialiased when shrinking


def source_checkout() -> Path | None:
    """The repository root when colorlab runs from a source checkout (``pip install -e .`` or
    plain imports from the repo), else None (an installed package, in site-packages). A checkout
    is recognized by the package's parent folder holding ``pyproject.toml`` and a ``data/``
    folder."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "data").is_dir() else None


def cache_dir() -> Path:
    """The per-user cache folder: ``$XDG_CACHE_HOME/colorlab`` (when set to an absolute path),
    else ``~/.cache/colorlab``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "colorlab"


def data_dir() -> Path:
    """Where downloads go: ``$COLORLAB_DATA`` if set; else the repository's ``data/`` in a source
    checkout (:func:`source_checkout`); else the per-user :func:`cache_dir`. Never inside an
    installed package (site-packages). The rule is in data/README.md."""
    env = os.environ.get("COLORLAB_DATA")
    if env:
        return Path(env).expanduser()
    root = source_checkout()
    return root / "data" if root is not None else cache_dir()


class DownloadError(RuntimeError):
    """A dataset could not be downloaded, or its file failed the checksum."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message


class UnsafeArchiveError(ValueError):
    """An archive has a member that would be written outside the folder it is extracted to."""


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

    Any PIL mode works: transparent pixels are composited on white; 16-bit images (``I;16``,
    16-bit PNG; ``I`` with values above 255) are scaled by 1/257; float ``F`` images are taken as
    [0, 1] if their maximum is at most 1, else as [0, 255]; CMYK and images with an embedded ICC
    profile (Adobe RGB, Display P3, ...) are converted to sRGB. With ``size``, the shorter side is
    resized to ``size`` (antialiased) and the centre cropped to size x size; ``crop`` in [0, 1]
    moves that square along the longer side (0: left/top, 0.5: centre, 1: right/bottom).
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
    Which files, labels and classes: :func:`folder_files`, whose rules follow.

    The layout rules (also in data/README.md); nothing is ever left out silently:

    1. Splits. ``train/`` and ``test/`` subfolders are splits, never classes (without ``test/``,
       ``val/`` is the test split, as in Imagenette). ``split="train"``
       (or ``"test"``) reads ``path/train/`` (``path/test/``); if that folder is missing but the
       other one exists, FileNotFoundError. With neither, every 10th file (sorted, per class: the
       10th, 20th, ...) is held out as ``"test"`` and the rest is ``"train"``. ``split=None``
       reads everything: the folder itself, or its only split folder when it has just
       ``train/`` or just ``test/``; with both, ValueError (pass a split). When split folders
       exist, images anywhere else under ``path`` would be ignored, so that is a ValueError too.
    2. Classes. If the folder read has subfolders, each is a class (labels 0, 1, ... in sorted
       name order) and every image must be inside one: an image file directly beside class
       subfolders is a ValueError naming it (move it into a class folder). Without subfolders,
       labels are None.
    3. Files. Read in sorted order, recursively, hidden files and folders skipped; one that
       cannot be read is skipped with a warning naming it; no readable image at all is a
       FileNotFoundError. Pixels are converted as in :func:`read_image`.
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


# ---------------------------------------------------------------------------------------------
# CIFAR-10 (the official python release)
# ---------------------------------------------------------------------------------------------
def _by_hand(dest: Path) -> str:
    return (f"To use CIFAR-10 anyway, get {CIFAR10_FILE} (163 MB, md5 {CIFAR10_MD5}) from "
            f"{CIFAR10_URL} on another machine and copy it to {dest} (or set COLORLAB_DATA to "
            "a folder that has it). Without it, the built-in offline data works: "
            "load_dataset(\"sample\", split).")


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _download(url: str, dest: Path, md5: str, what: str = "CIFAR-10", by_hand=_by_hand) -> None:
    """Download ``url`` to ``dest`` via a temporary file, renamed only once its md5 matches.
    ``what`` names the data set in errors; ``by_hand(dest)`` says how to get it without this."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    try:
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024,
                          desc=f"downloading {dest.name}") as bar:
                    while chunk := response.read(1 << 20):
                        bar.update(out.write(chunk))
        except (OSError, ValueError) as e:  # URLError, HTTPError, timeouts, a malformed URL
            reason = f"the download from {url} failed ({e})"
            raise DownloadError(f"Could not download {what}: {reason}. This machine may be "
                                "offline or the server unreachable; nothing was kept, so run "
                                f"again to retry. {by_hand(dest)}", reason) from e
        if (got := _md5(Path(tmp))) != md5:
            reason = f"md5 checksum mismatch: expected {md5}, got {got}"
            raise DownloadError(f"The {what} file downloaded from {url} is damaged ({reason}); "
                                f"it was deleted. Try again later. {by_hand(dest)}", reason)
        os.replace(tmp, dest)  # only now does the archive appear under its real name
    finally:
        Path(tmp).unlink(missing_ok=True)  # already gone if it was renamed


def _extract(archive: Path, dest: Path, top: str = CIFAR10_DIR, what: str = "the CIFAR-10 "
             "python release") -> None:
    """Extract ``archive``'s folder ``top`` into ``dest``, refusing any member that would land
    outside it; ``dest/top`` appears only once complete."""
    with tarfile.open(archive) as tar:
        members = tar.getmembers()
        for m in members:
            name = PurePosixPath(m.name)
            link = PurePosixPath(os.path.normpath(name.parent / m.linkname)) if m.issym() else (
                PurePosixPath(m.linkname) if m.islnk() else None)
            for p in (name, link):
                if p is not None and (p.is_absolute() or ".." in p.parts):
                    raise UnsafeArchiveError(
                        f"Refusing to extract {archive}: its member {m.name!r} would be written "
                        f"outside {dest} (absolute path, '..' or a link leading out). The official "
                        "archive has no such member: delete the file and download it again.")
        with tempfile.TemporaryDirectory(prefix=".extract-", dir=dest) as tmp:
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(tmp, members=members, **safe)
            if not (Path(tmp) / top).is_dir():
                raise ValueError(f"{archive} has no {top}/ folder: it is not {what}. Delete it "
                                 "and download again.")
            shutil.rmtree(dest / top, ignore_errors=True)  # an incomplete earlier copy
            os.replace(Path(tmp) / top, dest / top)


_VERIFIED: dict[tuple, str] = {}  # (path, size, mtime) -> md5 already checked: hash once a run


def _verify_cifar_files(folder: Path, names, archive: Path) -> None:
    """Refuse (DownloadError) to go on unless every file in ``names`` has its official md5."""
    for name in names:
        path = folder / name
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        want = CIFAR10_FILE_MD5.get(name)
        got = _VERIFIED.get(key) or _md5(path)
        if want is not None and got == want:
            _VERIFIED[key] = got
            continue
        expected = f"expected {want}" if want else "a file the official release does not have"
        reason = f"{path} is not the official CIFAR-10 file (md5 {got}, {expected})"
        raise DownloadError(
            f"{reason}: it was not read, because unpickling a file from an unknown source can run "
            f"any code. To get the real data, delete the folder {folder} and run again: "
            f"{archive.name} is then extracted again if it is in {archive.parent} (md5-checked), "
            f"or downloaded. {_by_hand(archive)}", reason)


def cifar10(root=None, split: str = "train", download: bool = True) -> ImageSet:
    """CIFAR-10 (50,000 train / 10,000 test images, 32 x 32, 10 classes) as an ImageSet.

    Reads ``root/cifar-10-batches-py/`` (root: :func:`data_dir` by default); if missing,
    extracts ``root/cifar-10-python.tar.gz`` after checking its md5; if that is missing too,
    downloads it from :data:`CIFAR10_URL` (``download=True``). Every extracted file is checked
    against :data:`CIFAR10_FILE_MD5` before it is unpickled: a folder from an unknown source is
    refused, not read. Raises :class:`DownloadError` with what to do when it cannot.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    root = Path(root).expanduser() if root is not None else data_dir()
    folder, archive = root / CIFAR10_DIR, root / CIFAR10_FILE
    if not all((folder / f).is_file() for f in CIFAR10_FILES):
        if not archive.is_file():
            if not download:
                raise FileNotFoundError(f"CIFAR-10 is not in {root} and download=False. "
                                        f"{_by_hand(archive)}")
            _download(CIFAR10_URL, archive, CIFAR10_MD5)
        elif (got := _md5(archive)) != CIFAR10_MD5:
            reason = f"{archive} is damaged (md5 {got}, expected {CIFAR10_MD5})"
            raise DownloadError(f"{reason}: delete it so it is downloaded again. "
                                f"{_by_hand(archive)}", reason)
        _extract(archive, root)
    names = CIFAR10_FILES[:5] if split == "train" else ["test_batch"]
    _verify_cifar_files(folder, [*names, "batches.meta"], archive)
    data, labels = [], []
    for name in names:
        with open(folder / name, "rb") as f:
            batch = pickle.load(f, encoding="bytes")  # trusted: md5-checked just above
        data.append(np.asarray(batch[b"data"], np.uint8).reshape(-1, 3, 32, 32))
        labels += batch[b"labels"]
    with open(folder / "batches.meta", "rb") as f:
        classes = [c.decode() for c in pickle.load(f, encoding="bytes")[b"label_names"]]
    images = torch.from_numpy(np.concatenate(data))
    return ImageSet(images, torch.tensor(labels), classes,
                    f"CIFAR-10 {split}: {len(images):,} images 32x32, {len(classes)} classes "
                    f"({folder})")


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
        from .imagenette import imagenette  # imagenette builds on this module's helpers
        return imagenette(split=split, size=size)
    root = data_dir()
    if root not in _CIFAR_UNAVAILABLE:
        try:
            images = _resized(cifar10(split=split), size)
            # both splits or neither: never CIFAR-10 train beside sample test
            _verify_cifar_files(root / CIFAR10_DIR, CIFAR10_FILES, root / CIFAR10_FILE)
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
