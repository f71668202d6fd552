"""CIFAR-10's official python release: downloaded once, every file md5-checked before unpickling.

:func:`cifar10` reads it as an :class:`~colorlab.images.ImageSet`; :func:`download_file` and
:func:`extract_archive` (which :mod:`colorlab.imagenette` uses too) fetch an archive, check its
md5 and unpack it safely.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tarfile
import tempfile
import urllib.request
from pathlib import Path, PurePosixPath

import numpy as np
import torch

from .files import atomic_write
from .images import ImageSet, data_dir
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

class DownloadError(RuntimeError):
    """A dataset could not be downloaded, or its file failed the checksum."""

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason or message


class UnsafeArchiveError(ValueError):
    """An archive has a member that would be written outside the folder it is extracted to."""


def _by_hand(dest: Path) -> str:
    return (f"To use CIFAR-10 anyway, get {CIFAR10_FILE} (163 MB, md5 {CIFAR10_MD5}) from "
            f"{CIFAR10_URL} on another machine and copy it to {dest} (or set COLORLAB_DATA to "
            "a folder that has it). Without it, the built-in offline data works: "
            "load_dataset(\"sample\", split).")


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def download_file(url: str, dest: Path, md5: str, what: str = "CIFAR-10", by_hand=_by_hand) -> None:
    """Download ``url`` to ``dest``; it appears under that name only once its md5 matches.
    ``what`` names the data set in errors; ``by_hand(dest)`` says how to get it without this."""
    def write(tmp: Path) -> None:
        try:
            with open(tmp, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
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
        if (got := md5_of(tmp)) != md5:
            reason = f"md5 checksum mismatch: expected {md5}, got {got}"
            raise DownloadError(f"The {what} file downloaded from {url} is damaged ({reason}); "
                                f"it was deleted. Try again later. {by_hand(dest)}", reason)

    atomic_write(dest, write)


def extract_archive(archive: Path, dest: Path, top: str = CIFAR10_DIR, what: str = "the CIFAR-10 "
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


def verify_cifar_files(folder: Path, names, archive: Path) -> None:
    """Refuse (DownloadError) to go on unless every file in ``names`` has its official md5."""
    for name in names:
        path = folder / name
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        want = CIFAR10_FILE_MD5.get(name)
        got = _VERIFIED.get(key) or md5_of(path)
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
            download_file(CIFAR10_URL, archive, CIFAR10_MD5)
        elif (got := md5_of(archive)) != CIFAR10_MD5:
            reason = f"{archive} is damaged (md5 {got}, expected {CIFAR10_MD5})"
            raise DownloadError(f"{reason}: delete it so it is downloaded again. "
                                f"{_by_hand(archive)}", reason)
        extract_archive(archive, root)
    names = CIFAR10_FILES[:5] if split == "train" else ["test_batch"]
    verify_cifar_files(folder, [*names, "batches.meta"], archive)
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
