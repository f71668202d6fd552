"""Imagenette: the real download, md5 check, safe extraction and reading, on a small archive of
the same layout that the tests build (this machine cannot download the real one)."""

import hashlib
import io
import tarfile

import numpy as np
import pytest
from PIL import Image

from colorlab import data
from colorlab import imagenette as inet
from colorlab import images as image_files
from colorlab.cifar import DownloadError, UnsafeArchiveError


def _jpeg(value: int) -> bytes:
    out = io.BytesIO()
    rgb = np.zeros((40, 60, 3), np.uint8)
    rgb[..., 0], rgb[..., 2] = value, 255 - value
    Image.fromarray(rgb).save(out, "JPEG")
    return out.getvalue()


def _archive(path, extra=None):
    """An imagenette2-160.tgz with 3 train and 2 val photos of two classes; its md5."""
    with tarfile.open(path, "w:gz") as tar:
        for split, n in (("train", 3), ("val", 2)):
            for wnid in ("n01440764", "n03888257"):
                for i in range(n):
                    blob = _jpeg(40 * i + 10)
                    info = tarfile.TarInfo(f"imagenette2-160/{split}/{wnid}/{wnid}_{i}.JPEG")
                    info.size = len(blob)
                    tar.addfile(info, io.BytesIO(blob))
        if extra is not None:
            tar.addfile(extra, io.BytesIO(b"evil" if extra.isreg() else b""))
    return hashlib.md5(path.read_bytes()).hexdigest()


@pytest.fixture
def served(tmp_path, monkeypatch):
    """The archive 'served' at a file:// URL, with its md5 as the published one."""
    source = tmp_path / "served.tgz"
    monkeypatch.setattr(inet, "IMAGENETTE_MD5", _archive(source))
    monkeypatch.setattr(inet, "IMAGENETTE_URL", source.as_uri())
    return tmp_path / "data"


def test_downloads_checks_extracts_and_reads_val_as_test(served):
    train = inet.imagenette(served, "train", size=16)
    test = inet.imagenette(served, "test", size=16)
    assert train.images.shape == (6, 3, 16, 16) and len(test) == 4
    assert train.classes == ["tench", "parachute"] and test.labels.tolist() == [0, 0, 1, 1]
    assert (served / inet.IMAGENETTE_FILE).is_file()  # kept: the next run needs no download
    assert "Imagenette-160 test" in test.source


def test_load_dataset_knows_imagenette(served, monkeypatch):
    monkeypatch.setenv("COLORLAB_DATA", str(served))
    assert len(data.load_dataset("imagenette", "test", size=8)) == 4


def test_a_damaged_download_is_deleted_and_says_what_to_do(served, monkeypatch):
    monkeypatch.setattr(inet, "IMAGENETTE_MD5", "0" * 32)
    with pytest.raises(DownloadError, match="Imagenette.*damaged.*md5"):
        inet.imagenette(served, "train")
    assert not (served / inet.IMAGENETTE_FILE).exists()


def test_offline_without_the_archive_says_how_to_get_it_by_hand(tmp_path):
    with pytest.raises(FileNotFoundError, match="imagenette2-160.tgz.*e793b78c"):
        inet.imagenette(tmp_path, "train", download=False)


def test_an_archive_with_a_member_outside_the_folder_is_refused(tmp_path, monkeypatch):
    root = tmp_path / "data"
    root.mkdir()
    evil = tarfile.TarInfo("../outside.txt")
    evil.size = 4
    monkeypatch.setattr(inet, "IMAGENETTE_MD5", _archive(root / inet.IMAGENETTE_FILE, evil))
    with pytest.raises(UnsafeArchiveError, match="outside"):
        inet.imagenette(root, "train")
    assert not (tmp_path / "outside.txt").exists() and not (root / inet.IMAGENETTE_DIR).exists()


def _folder(root, splits):
    for split in splits:
        (root / split / "cat").mkdir(parents=True)
        Image.fromarray(np.full((8, 8, 3), 99, np.uint8)).save(root / split / "cat" / "a.png")


def test_folder_rules_read_val_as_the_test_split_when_there_is_no_test(tmp_path):
    _folder(tmp_path, ("train", "val"))
    assert len(image_files.image_folder(tmp_path, "test", size=8)) == 1
    with pytest.raises(ValueError, match="pass split"):
        image_files.image_folder(tmp_path, None, size=8)


def test_folder_rules_refuse_val_beside_test(tmp_path):
    _folder(tmp_path, ("train", "test", "val"))
    with pytest.raises(ValueError, match="outside them"):
        image_files.image_folder(tmp_path, "train", size=8)
