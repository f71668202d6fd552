"""Imagenette (fast.ai): photos of ten easy ImageNet classes, downloaded once and md5-checked.

The 160-pixel version (shorter side 160 px; 9,469 train / 3,925 val photos, 94 MB) is the
course's photo-scale data set: big enough to colorize real photos, small enough for a laptop.
Its ``val/`` folder is the test split (Imagenette has no ``test/``); the course carves its own
validation set out of ``train/``, as for CIFAR-10.
"""

from __future__ import annotations

from pathlib import Path

from .cifar import DownloadError, download_file, extract_archive, md5_of
from .images import ImageSet, data_dir, image_folder

IMAGENETTE_URL = "https://s3.amazonaws.com/fast-ai-imageclas/imagenette2-160.tgz"
IMAGENETTE_MD5 = "e793b78cc4c9e9a4ccc0c1155377a412"  # as torchvision's datasets/imagenette.py
IMAGENETTE_FILE, IMAGENETTE_DIR = "imagenette2-160.tgz", "imagenette2-160"
# WordNet ids (the class folders' names) -> readable names
IMAGENETTE_CLASSES = {
    "n01440764": "tench", "n02102040": "English springer", "n02979186": "cassette player",
    "n03000684": "chain saw", "n03028079": "church", "n03394916": "French horn",
    "n03417042": "garbage truck", "n03425413": "gas pump", "n03445777": "golf ball",
    "n03888257": "parachute",
}


def _by_hand(dest: Path) -> str:
    return (f"To use Imagenette anyway, get {IMAGENETTE_FILE} (94 MB, md5 {IMAGENETTE_MD5}) from "
            f"{IMAGENETTE_URL} on another machine and copy it to {dest} (or set COLORLAB_DATA to "
            "a folder that has it).")


def imagenette(root=None, split: str = "train", size: int = 64, download: bool = True) -> ImageSet:
    """Imagenette-160 as an ImageSet of ``size`` x ``size`` uint8 images (shorter side resized,
    centre cropped), labelled with the ten class names.

    Reads ``root/imagenette2-160/`` (root: :func:`colorlab.images.data_dir` by default); if it is
    missing, extracts ``root/imagenette2-160.tgz`` after checking its md5 (downloading it first
    when ``download``), refusing members that would land outside ``root``. ``split``:
    ``"train"`` or ``"test"`` (the ``val/`` folder). Raises :class:`DownloadError` with what to do.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test' (Imagenette's val/), got {split!r}")
    root = Path(root).expanduser() if root is not None else data_dir()
    folder, archive = root / IMAGENETTE_DIR, root / IMAGENETTE_FILE
    if not ((folder / "train").is_dir() and (folder / "val").is_dir()):
        if not archive.is_file():
            if not download:
                raise FileNotFoundError(f"Imagenette is not in {root} and download=False. "
                                        f"{_by_hand(archive)}")
            download_file(IMAGENETTE_URL, archive, IMAGENETTE_MD5, "Imagenette", _by_hand)
        elif (got := md5_of(archive)) != IMAGENETTE_MD5:
            reason = f"{archive} is damaged (md5 {got}, expected {IMAGENETTE_MD5})"
            raise DownloadError(f"{reason}: delete it so it is downloaded again. "
                                f"{_by_hand(archive)}", reason)
        extract_archive(archive, root, IMAGENETTE_DIR, "Imagenette-160")
    data = image_folder(folder, split, size)
    classes = [IMAGENETTE_CLASSES.get(c, c) for c in data.classes]
    return ImageSet(data.images, data.labels, classes,
                    f"Imagenette-160 {split}: {len(data):,} photos at {size}x{size}, "
                    f"{len(classes)} classes")
