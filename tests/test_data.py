"""colorlab.data: loaders, ImageSet, Batches. No network: every file here is built by the tests."""

import hashlib
import io
import pickle
import struct
import tarfile
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from colorlab import cifar, data
from colorlab import images as image_files
from colorlab.cifar import DownloadError, UnsafeArchiveError
from colorlab.data import Batches
from colorlab.images import ImageSet

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


# ---------------------------------------------------------------------------------------------
# CIFAR-10: a tiny archive in the official layout
# ---------------------------------------------------------------------------------------------
def make_cifar_tarball(folder, per_batch=2, n_test=3, extra_member=None):
    """Write folder/cifar-10-python.tar.gz like the official one (2 images a batch); return
    (path, md5, {split: (images uint8 N x 3 x 32 x 32, labels)})."""
    rng = np.random.default_rng(0)
    batches_dir = folder / "src" / cifar.CIFAR10_DIR
    batches_dir.mkdir(parents=True)
    expected = {"train": ([], []), "test": ([], [])}
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name in names:
        n = n_test if name == "test_batch" else per_batch
        flat = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, n).tolist()
        with open(batches_dir / name, "wb") as f:
            pickle.dump({b"batch_label": name.encode(), b"labels": labels, b"data": flat,
                         b"filenames": [b"x.png"] * n}, f)
        images, all_labels = expected["test" if name == "test_batch" else "train"]
        images.append(flat.reshape(n, 3, 32, 32))
        all_labels += labels
    with open(batches_dir / "batches.meta", "wb") as f:
        pickle.dump({b"label_names": [c.encode() for c in CLASSES], b"num_vis": 3072}, f)
    path = folder / cifar.CIFAR10_FILE
    with tarfile.open(path, "w:gz") as tar:
        tar.add(batches_dir, arcname=cifar.CIFAR10_DIR)
        if extra_member is not None:
            extra_member(tar)
    md5 = hashlib.md5(path.read_bytes()).hexdigest()
    return path, md5, {k: (np.concatenate(v[0]), v[1]) for k, v in expected.items()}


@pytest.fixture
def fixture_tar(tmp_path):
    return make_cifar_tarball(tmp_path / "fixture")


def check_cifar(ds, expected, split):
    images, labels = expected[split]
    assert isinstance(ds, ImageSet) and ds.images.dtype == torch.uint8
    assert torch.equal(ds.images, torch.from_numpy(images))
    assert ds.labels.tolist() == labels and ds.classes == CLASSES
    assert "CIFAR-10" in ds.source and f"{len(labels):,} images" in ds.source


def trust(monkeypatch, root):
    """Put the md5s of the fake extracted files under ``root`` in the table of known files, as
    if they were the official ones (all fixture archives hold the same, seeded, files)."""
    folder = next(Path(root).rglob(cifar.CIFAR10_DIR))
    monkeypatch.setattr(cifar, "CIFAR10_FILE_MD5", {
        name: hashlib.md5((folder / name).read_bytes()).hexdigest()
        for name in cifar.CIFAR10_FILES})


def no_leftovers(root):
    return not [p for p in root.rglob("*") if p.name.endswith(".part") or ".extract-" in p.name]


def test_cifar10_from_tarball(tmp_path, fixture_tar, monkeypatch):
    path, md5, expected = fixture_tar
    monkeypatch.setattr(cifar, "CIFAR10_MD5", md5)
    trust(monkeypatch, tmp_path / "fixture")
    root = tmp_path / "root"
    root.mkdir()
    (root / cifar.CIFAR10_FILE).write_bytes(path.read_bytes())
    check_cifar(cifar.cifar10(root, "train", download=False), expected, "train")
    check_cifar(cifar.cifar10(root, "test", download=False), expected, "test")
    assert (root / cifar.CIFAR10_DIR / "batches.meta").is_file() and no_leftovers(root)


def test_cifar10_from_extracted_folder(tmp_path, fixture_tar, monkeypatch):
    _, _, expected = fixture_tar
    trust(monkeypatch, tmp_path / "fixture")
    monkeypatch.setattr(cifar, "CIFAR10_URL", "file:///nonexistent/never-used.tar.gz")
    monkeypatch.setenv("COLORLAB_DATA", str(tmp_path / "fixture" / "src"))
    assert image_files.data_dir() == tmp_path / "fixture" / "src"
    check_cifar(cifar.cifar10(split="test"), expected, "test")  # root defaults to data_dir()
    check_cifar(data.load_dataset("cifar10", "train"), expected, "train")
    small = data.load_dataset("cifar10", "test", size=16)
    assert small.images.shape == (3, 3, 16, 16) and "resized to 16x16" in small.source


def test_cifar10_downloads_via_url_and_checks_md5(tmp_path, fixture_tar, monkeypatch):
    path, md5, expected = fixture_tar
    monkeypatch.setattr(cifar, "CIFAR10_URL", path.as_uri())
    monkeypatch.setattr(cifar, "CIFAR10_MD5", md5)
    trust(monkeypatch, tmp_path / "fixture")
    root = tmp_path / "downloads"
    check_cifar(cifar.cifar10(root, "train"), expected, "train")
    assert (root / cifar.CIFAR10_FILE).read_bytes() == path.read_bytes() and no_leftovers(root)


def test_cifar10_wrong_checksum_leaves_nothing(tmp_path, fixture_tar, monkeypatch):
    path, md5, _ = fixture_tar
    monkeypatch.setattr(cifar, "CIFAR10_URL", path.as_uri())
    monkeypatch.setattr(cifar, "CIFAR10_MD5", "0" * 32)
    root = tmp_path / "downloads"
    with pytest.raises(DownloadError, match="checksum") as err:
        cifar.cifar10(root, "train")
    assert "0" * 32 in str(err.value) and md5 in str(err.value)
    assert list(root.iterdir()) == []  # neither the final file nor the temporary one


def test_cifar10_refuses_damaged_local_archive(tmp_path, fixture_tar):
    path, md5, _ = fixture_tar  # CIFAR10_MD5 is the real one: the fixture does not match it
    with pytest.raises(DownloadError, match="damaged") as err:
        cifar.cifar10(path.parent, "train")
    assert md5 in str(err.value) and cifar.CIFAR10_MD5 in str(err.value)


class Payload:
    """A pickle that runs code when unpickled: it would create the file ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_cifar10_extracted_files_of_unknown_origin_are_never_unpickled(tmp_path, fixture_tar,
                                                                      monkeypatch):
    """An already-extracted cifar-10-batches-py/ used to be unpickled unchecked. Now each file's
    md5 must match the official release's, or nothing is read, and the error says what to do."""
    root = tmp_path / "fixture" / "src"  # the fake files, extracted; the real md5 table
    unpickled = []
    monkeypatch.setattr(cifar.pickle, "load", lambda *a, **k: unpickled.append(a) or {})
    with pytest.raises(DownloadError, match="not the official CIFAR-10 file") as err:
        cifar.cifar10(root, "train", download=False)
    message = str(err.value)
    assert "data_batch_1" in message and cifar.CIFAR10_FILE_MD5["data_batch_1"] in message
    assert f"delete the folder {root / cifar.CIFAR10_DIR} and run again" in message
    assert cifar.CIFAR10_URL in message and unpickled == []  # the how-to, and nothing read
    monkeypatch.undo()

    trust(monkeypatch, tmp_path / "fixture")  # the same files, once their md5s are "known"
    assert len(cifar.cifar10(root, "test", download=False)) == 3
    marker = tmp_path / "pwned"  # a file replaced by one that runs code: refused, not run
    (root / cifar.CIFAR10_DIR / "test_batch").write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(DownloadError, match="test_batch is not the official"):
        cifar.cifar10(root, "test", download=False)
    assert not marker.exists()
    (root / cifar.CIFAR10_DIR / "test_batch").write_bytes(pickle.dumps({}))
    monkeypatch.setitem(cifar.CIFAR10_FILE_MD5, "test_batch", None)  # unknown md5: refused too
    with pytest.raises(DownloadError, match="a file the official release does not have"):
        cifar.cifar10(root, "test", download=False)


def test_cifar10_md5_table_is_the_official_release():
    """The values torchvision's CIFAR10 uses (train_list, test_list, meta)."""
    assert cifar.CIFAR10_FILE_MD5 == {
        "data_batch_1": "c99cafc152244af753f735de768cd75f",
        "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
        "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
        "data_batch_4": "634d18415352ddfa80567beed471001a",
        "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
        "test_batch": "40351d587109b95175f43aff81a1287e",
        "batches.meta": "5ff9c542aee3614f3951f8cda6e48888"}
    assert set(cifar.CIFAR10_FILE_MD5) == set(cifar.CIFAR10_FILES)


def _member(name, kind=tarfile.REGTYPE, linkname=""):
    def add(tar):
        info = tarfile.TarInfo(name)
        info.type, info.linkname = kind, linkname
        payload = b"" if kind != tarfile.REGTYPE else b"evil"
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
    return add


@pytest.mark.parametrize("member", [
    _member("../evil.txt"),
    _member("cifar-10-batches-py/../../evil.txt"),
    _member("/tmp/colorlab-evil.txt"),
    _member("cifar-10-batches-py/link", tarfile.SYMTYPE, "../../evil.txt"),
    _member("cifar-10-batches-py/abs", tarfile.SYMTYPE, "/etc/passwd"),
    _member("cifar-10-batches-py/hard", tarfile.LNKTYPE, "../evil.txt"),
])
def test_cifar10_refuses_path_traversal(tmp_path, monkeypatch, member):
    root = tmp_path / "root"
    root.mkdir()
    path, md5, _ = make_cifar_tarball(root, extra_member=member)
    monkeypatch.setattr(cifar, "CIFAR10_MD5", md5)
    with pytest.raises(UnsafeArchiveError, match="Refusing to extract"):
        cifar.cifar10(root, "train")
    assert not (root / cifar.CIFAR10_DIR).exists() and not (tmp_path / "evil.txt").exists()
    assert no_leftovers(root)


@pytest.mark.parametrize("url", ["file:///nonexistent/cifar-10-python.tar.gz",
                                 "http://127.0.0.1:9/cifar-10-python.tar.gz"])
def test_cifar10_offline_says_what_to_do(tmp_path, monkeypatch, url):
    monkeypatch.setenv("no_proxy", "*")  # a proxy in the environment must not answer for us
    monkeypatch.setattr(cifar, "CIFAR10_URL", url)
    root = tmp_path / "offline"
    with pytest.raises(DownloadError) as err:
        cifar.cifar10(root, "train")
    message = str(err.value)
    assert isinstance(err.value, RuntimeError) and "\n" not in message
    assert url in message and str(root / cifar.CIFAR10_FILE) in message and "sample" in message
    assert list(root.iterdir()) == []
    with pytest.raises(FileNotFoundError, match="sample"):
        cifar.cifar10(root, "test", download=False)


def test_load_dataset_auto(tmp_path, fixture_tar, monkeypatch, capsys):
    monkeypatch.setattr(data, "_CIFAR_UNAVAILABLE", {})
    monkeypatch.setattr(cifar, "CIFAR10_URL", "file:///nonexistent/cifar-10-python.tar.gz")
    monkeypatch.setenv("COLORLAB_DATA", str(tmp_path / "empty"))
    ds = data.load_dataset("auto", "test")
    assert ds.source.startswith("sample test")
    notice = capsys.readouterr().out.strip()
    assert len(notice.splitlines()) == 1 and "CIFAR-10" in notice and "sample" in notice
    monkeypatch.setenv("COLORLAB_DATA", str(tmp_path / "fixture" / "src"))  # extracted there
    trust(monkeypatch, tmp_path / "fixture")
    assert data.load_dataset("auto", "train").source.startswith("CIFAR-10 train")


def test_load_dataset_names(tmp_path):
    with pytest.raises(ValueError, match="'auto', 'cifar10', 'imagenette', 'sample'"):
        data.load_dataset("imagenet")
    Image.new("RGB", (8, 8), (1, 2, 3)).save(tmp_path / "a.png")
    for name in (tmp_path, str(tmp_path)):
        assert len(data.load_dataset(name, size=8)) == 1  # no train/: the 1 file is "train"
    assert data.load_dataset("SAMPLE", "test").source.startswith("sample test")


# ---------------------------------------------------------------------------------------------
# image files and folders
# ---------------------------------------------------------------------------------------------
def _palette(transparent):
    img = Image.new("P", (4, 4), 1)
    img.putpalette([0, 0, 0, 12, 34, 56] + [0] * 762)
    if transparent:
        img.info["transparency"] = 1
    return img


def _array(values, dtype, mode=None):
    return Image.fromarray(np.full((4, 4), values, dtype=dtype), mode) if mode else \
        Image.fromarray(np.full((4, 4), values, dtype=dtype))


MODES = {  # name: (image, file suffix, expected RGB)
    "RGB": (lambda: Image.new("RGB", (4, 4), (10, 200, 30)), ".png", (10, 200, 30)),
    "RGBA red": (lambda: Image.new("RGBA", (4, 4), (255, 0, 0, 255)), ".png", (255, 0, 0)),
    "RGBA clear": (lambda: Image.new("RGBA", (4, 4), (0, 0, 0, 0)), ".png", (255, 255, 255)),
    "RGBA half": (lambda: Image.new("RGBA", (4, 4), (255, 0, 0, 128)), ".png", (255, 127, 127)),
    "L": (lambda: Image.new("L", (4, 4), 128), ".png", (128, 128, 128)),
    "LA": (lambda: Image.new("LA", (4, 4), (100, 255)), ".png", (100, 100, 100)),
    "LA clear": (lambda: Image.new("LA", (4, 4), (100, 0)), ".png", (255, 255, 255)),
    "1": (lambda: Image.new("1", (4, 4), 1), ".png", (255, 255, 255)),
    "P": (lambda: _palette(False), ".png", (12, 34, 56)),
    "P clear": (lambda: _palette(True), ".png", (255, 255, 255)),
    "CMYK": (lambda: Image.new("CMYK", (4, 4), (0, 255, 255, 0)), ".tif", (255, 0, 0)),
    "CMYK K": (lambda: Image.new("CMYK", (4, 4), (0, 0, 0, 255)), ".tif", (0, 0, 0)),
    "I;16 max": (lambda: _array(65535, np.uint16), ".png", (255, 255, 255)),
    "I;16 mid": (lambda: _array(257 * 100, np.uint16), ".png", (100, 100, 100)),
    "I;16 tif": (lambda: _array(257 * 7, np.uint16), ".tif", (7, 7, 7)),
    "I 16-bit": (lambda: _array(65535, np.int32), ".tif", (255, 255, 255)),
    "I 8-bit": (lambda: _array(200, np.int32), ".tif", (200, 200, 200)),
    "F unit": (lambda: _array(0.25, np.float32), ".tif", (64, 64, 64)),
    "F 255": (lambda: _array(200.0, np.float32), ".tif", (200, 200, 200)),
}


@pytest.mark.parametrize("name", MODES)
def test_read_image_converts_every_mode(tmp_path, name):
    make, suffix, rgb = MODES[name]
    img = make()
    path = tmp_path / f"img{suffix}"
    img.save(path)
    with Image.open(path) as reopened:
        assert reopened.mode == img.mode  # the file really is in that mode
    out = image_files.read_image(path)
    assert out.dtype == np.uint8 and out.shape == (4, 4, 3)
    assert np.abs(out.astype(int) - rgb).max() <= 1, (name, out[0, 0])


def test_read_image_16_bit_rgb_png(tmp_path):
    """A 16-bit RGB PNG (PIL cannot write one, so the bytes are put together here)."""
    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    rgb16 = np.array([65535, 257 * 128, 0], ">u2")
    rows = b"".join(b"\0" + np.tile(rgb16, 3).tobytes() for _ in range(2))  # 3 x 2 pixels
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 16, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    (tmp_path / "deep.png").write_bytes(png)
    out = image_files.read_image(tmp_path / "deep.png")
    assert out.shape == (2, 3, 3) and np.abs(out.astype(int) - (255, 128, 0)).max() <= 1


def test_read_image_embedded_srgb_profile(tmp_path):
    from PIL import ImageCms
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (4, 4), (10, 200, 30)).save(tmp_path / "icc.png", icc_profile=profile)
    read = image_files.read_image(tmp_path / "icc.png").astype(int)
    assert np.abs(read - (10, 200, 30)).max() <= 2


def test_read_image_exif_orientation(tmp_path):
    img = Image.new("RGB", (4, 2), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 2, 2))  # left half red, right half blue
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to view": the left half ends up on top
    img.save(tmp_path / "turned.png", exif=exif)
    out = image_files.read_image(tmp_path / "turned.png")
    assert out.shape == (4, 2, 3)
    assert (out[:2] == (255, 0, 0)).all() and (out[2:] == (0, 0, 255)).all()


def test_read_image_resize_and_center_crop(tmp_path):
    img = Image.new("RGB", (40, 20), (255, 0, 0))
    img.paste((0, 255, 0), (10, 0, 30, 20))  # the central 20 x 20 square is green
    img.save(tmp_path / "wide.png")
    out = image_files.read_image(tmp_path / "wide.png", size=10)
    assert out.shape == (10, 10, 3) and (out[:, 2:8] == (0, 255, 0)).all()
    tall = np.random.default_rng(0).integers(0, 256, (64, 32, 3), dtype=np.uint8)
    Image.fromarray(tall).save(tmp_path / "tall.png")
    assert image_files.read_image(tmp_path / "tall.png", size=16).shape == (16, 16, 3)
    same = np.random.default_rng(1).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    Image.fromarray(same).save(tmp_path / "same.png")
    assert np.array_equal(image_files.read_image(tmp_path / "same.png", size=8), same)  # untouched
    Image.new("RGB", (320, 256), (200, 40, 40)).save(tmp_path / "big.jpg", quality=95)
    out = image_files.read_image(tmp_path / "big.jpg", size=32)  # JPEG draft mode path
    assert out.shape == (32, 32, 3) and np.abs(out.astype(int) - (200, 40, 40)).max() <= 6


def _write(path, color=(0, 0, 0), size=(6, 6)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)


def test_image_folder_splits_and_classes(tmp_path):
    for split, counts in (("train", {"dog": 3, "cat": 2}), ("test", {"cat": 1, "dog": 1})):
        for cls, n in counts.items():
            for i in range(n):
                _write(tmp_path / split / cls / f"{i}.png", (i, 100 if cls == "cat" else 200, 0))
    _write(tmp_path / "train" / "cat" / ".ipynb_checkpoints" / "x.png")  # hidden: ignored
    (tmp_path / "train" / "notes.txt").write_text("not an image")
    train = image_files.image_folder(tmp_path, "train", size=4)
    assert train.classes == ["cat", "dog"] and train.labels.tolist() == [0, 0, 1, 1, 1]
    assert train.images.shape == (5, 3, 4, 4) and train.labels.dtype == torch.int64
    assert train.images[:, 1, 0, 0].tolist() == [100, 100, 200, 200, 200]  # sorted, aligned
    assert train.images[:, 0, 0, 0].tolist() == [0, 1, 0, 1, 2]
    assert "5 images 4x4, 2 classes" in train.source
    assert len(image_files.image_folder(tmp_path, "test", size=4)) == 2
    with pytest.raises(ValueError, match="split="):
        image_files.image_folder(tmp_path)


def test_image_folder_only_train_is_a_split_not_a_class(tmp_path):
    """split=None with only train/: its images, labelled by ITS class folders ("train" used to
    become the one class, and its class folders were flattened into it)."""
    for cls, n in (("cat", 2), ("dog", 3)):
        for i in range(n):
            _write(tmp_path / "train" / cls / f"{i}.png", (i, 0, 0))
    every = image_files.image_folder(tmp_path, size=4)
    assert every.classes == ["cat", "dog"] and every.labels.tolist() == [0, 0, 1, 1, 1]
    assert str(tmp_path / "train") in every.source
    assert image_files.image_folder(tmp_path, "train", size=4).labels.tolist() == [0, 0, 1, 1, 1]
    with pytest.raises(FileNotFoundError, match="no test/ subfolder .*split='train'"):
        image_files.image_folder(tmp_path, "test", size=4)


def test_image_folder_refuses_images_that_would_vanish(tmp_path):
    """Image files beside class subfolders, or beside train/ and test/, were silently left out;
    now they are a ValueError that names them and says what to do."""
    _write(tmp_path / "cat" / "0.png")
    _write(tmp_path / "dog" / "0.png")
    _write(tmp_path / "loose.png")
    (tmp_path / "notes.txt").write_text("not an image: fine")
    for split in (None, "train", "test"):
        with pytest.raises(ValueError, match=r"class subfolders \(cat, dog\) and also 1 image\(s\) "
                           r"\(loose.png\) beside them.*Move them into a class subfolder"):
            image_files.image_folder(tmp_path, split, size=4)
    (tmp_path / "loose.png").unlink()
    assert image_files.image_folder(tmp_path, size=4).classes == ["cat", "dog"]

    split_root = tmp_path / "splits"
    _write(split_root / "train" / "a.png")
    _write(split_root / "test" / "b.png")
    _write(split_root / "c.png")
    _write(split_root / "extra" / "d.png")
    for split in (None, "train", "test"):
        with pytest.raises(ValueError, match=r"train/ and test/ split folder\(s\) and also 2 "
                           r"image\(s\) \(c.png, d.png\) outside them"):
            image_files.image_folder(split_root, split, size=4)


def test_image_folder_flat_and_holdout(tmp_path):
    for i in range(20):
        _write(tmp_path / f"{i:02d}.png", (i, 0, 0), size=(12, 8))
    every = image_files.image_folder(tmp_path, size=8)
    assert every.labels is None and every.classes == [] and every.images.shape == (20, 3, 8, 8)
    train, test = (image_files.image_folder(tmp_path, s, size=8) for s in ("train", "test"))
    assert (len(train), len(test)) == (18, 2)
    assert test.images[:, 0, 0, 0].tolist() == [9, 19]
    assert not set(train.images[:, 0, 0, 0].tolist()) & {9, 19}


def test_image_folder_skips_corrupt_and_truncated(tmp_path):
    _write(tmp_path / "good.png", (9, 9, 9))
    (tmp_path / "bad.png").write_bytes(b"this is not a png")
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)).save(
        buf, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = image_files.image_folder(tmp_path, size=6)
    assert len(ds) == 1 and ds.images[0, :, 0, 0].tolist() == [9, 9, 9]
    text = " ".join(str(w.message) for w in caught)
    assert "bad.png" in text and "cut.jpg" in text


def test_image_folder_errors_name_the_folder(tmp_path):
    (tmp_path / "README.md").write_text("no images here")
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        image_files.image_folder(tmp_path)
    with pytest.raises(FileNotFoundError, match="nowhere"):
        image_files.image_folder(tmp_path / "nowhere")
    (tmp_path / "broken.png").write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="broken.png"), pytest.raises(FileNotFoundError):
        image_files.image_folder(tmp_path)


# ---------------------------------------------------------------------------------------------
# the sample set
# ---------------------------------------------------------------------------------------------
def test_sample_split_by_photo_and_deterministic():
    train, test = data.sample("train"), data.sample("test")
    assert len(train) >= 2000 and len(test) >= 500
    assert train.images.shape[1:] == (3, 32, 32) and train.images.dtype == torch.uint8
    assert train.classes == test.classes == list(data.SAMPLE_PHOTOS)
    seen, unseen = set(train.labels.tolist()), set(test.labels.tolist())
    assert not seen & unseen and seen | unseen == set(range(len(data.SAMPLE_PHOTOS)))
    assert {train.classes[i] for i in unseen} == set(data.SAMPLE_TEST_PHOTOS)
    assert f"{len(train):,} patches 32x32" in train.source
    train.images.zero_()  # callers get copies: the cache is untouched
    again = data.sample("train")
    assert again.images.float().std() > 20 and torch.equal(again.labels, train.labels)
    assert torch.equal(again.images, data.sample("train").images)
    assert len(set(again.labels[:50].tolist())) >= 3  # shuffled: photos are mixed
    assert data.sample("test", size=16).images.shape[1:] == (3, 16, 16)


def test_sample_photos():
    photos = data.sample_photos()
    assert list(photos) == list(data.SAMPLE_PHOTOS)
    for photo in photos.values():
        assert photo.dtype == np.uint8 and photo.ndim == 3 and photo.shape[2] == 3
        assert min(photo.shape[:2]) >= 256
    assert list(data.sample_photos("test")) == list(data.SAMPLE_TEST_PHOTOS)


# ---------------------------------------------------------------------------------------------
# ImageSet and Batches
# ---------------------------------------------------------------------------------------------
def test_imageset_validates_and_takes():
    images = torch.arange(10, dtype=torch.uint8).view(10, 1, 1, 1).expand(10, 3, 2, 2).clone()
    ds = ImageSet(images, torch.arange(10), [str(i) for i in range(10)], "ten")
    sub = ds.take(4, seed=1)
    assert len(sub) == 4 and torch.equal(sub.images[:, 0, 0, 0].long(), sub.labels)
    assert sub.source == "ten (subset: 4 of 10)"
    assert torch.equal(ds.take(4, seed=1).labels, sub.labels)
    assert not torch.equal(ds.take(4, seed=2).labels, sub.labels)
    assert ds.take(10) is ds and ds.take(99) is ds
    x = ds.float()
    assert x.dtype == torch.float32 and x.max() == 9 / 255 and ds.images.max() == 9
    for bad in (images.float(), images[:, :1], images[0]):
        with pytest.raises(ValueError, match="uint8 tensor of shape"):
            ImageSet(bad)
    with pytest.raises(ValueError, match="labels"):
        ImageSet(images, torch.arange(9))


def numbered(n=200, h=3, w=5):
    return torch.arange(n * 3 * h * w, dtype=torch.float32).view(n, 3, h, w)


def test_batches_flip_the_same_way_in_every_tensor():
    x, ids = numbered(), torch.arange(200)
    batches = Batches(x, x.clone(), ids, batch_size=32, seed=0)
    assert len(batches) == 7
    flipped = 0
    for a, b, i in batches:
        assert torch.equal(a, b) and a.shape[1:] == x.shape[1:]
        same = (a == x[i]).flatten(1).all(1)
        mirrored = (a == x[i].flip(-1)).flatten(1).all(1)
        assert (same ^ mirrored).all()  # every sample is the original or its mirror image
        flipped += mirrored.sum().item()
    assert 50 < flipped < 150  # about half


def test_batches_shuffle_cover_everything_once():
    ids = torch.arange(100)
    batches = Batches(ids, batch_size=30, flip=True)
    assert len(batches) == 4 and len(Batches(ids, batch_size=30, drop_last=True)) == 3
    epochs = [torch.cat(list(batches)) for _ in range(2)]
    for order in epochs:
        assert torch.equal(order.sort().values, ids)  # 1-D: never flipped
    assert not torch.equal(epochs[0], ids) and not torch.equal(epochs[0], epochs[1])
    kept = torch.cat(list(Batches(ids, batch_size=30, drop_last=True)))
    assert len(kept) == 90 and len(set(kept.tolist())) == 90
    plain = list(Batches(numbered(10), ids[:10], batch_size=4, shuffle=False, flip=False))
    assert [len(b[0]) for b in plain] == [4, 4, 2]
    assert torch.equal(torch.cat([b[0] for b in plain]), numbered(10))


def test_batches_are_reproducible():
    x = numbered(64)

    def run(**kw):
        return [b.clone() for b in Batches(x, batch_size=16, device="cpu", **kw)]

    assert all(torch.equal(a, b) for a, b in zip(run(seed=5), run(seed=5)))
    assert not all(torch.equal(a, b) for a, b in zip(run(seed=5), run(seed=6)))
    torch.manual_seed(3)
    first = run()
    torch.manual_seed(3)
    assert all(torch.equal(a, b) for a, b in zip(first, run()))
    assert isinstance(Batches(x, batch_size=8, seed=1).generator, torch.Generator)
    with pytest.raises(ValueError, match="same length"):
        Batches(x, torch.arange(3), batch_size=8)


def test_batches_that_would_yield_nothing_say_so():
    """Zero samples, or drop_last with fewer samples than a batch: a ValueError naming the
    sizes, instead of an empty loop (and a ZeroDivisionError later, when averaging a loss)."""
    with pytest.raises(ValueError, match=r"0 samples \(tensors of shape \(0, 3, 2, 2\)\)"):
        Batches(torch.zeros(0, 3, 2, 2), torch.zeros(0), batch_size=8)
    with pytest.raises(ValueError, match="5 samples, fewer than batch_size=8, and drop_last"):
        Batches(torch.zeros(5, 3, 2, 2), batch_size=8, drop_last=True)
    assert len(Batches(torch.zeros(5, 3, 2, 2), batch_size=8)) == 1  # without drop_last: fine
    assert len(Batches(torch.zeros(8, 3, 2, 2), batch_size=8, drop_last=True)) == 1


def test_load_dataset_auto_gives_both_cifar10_splits_or_neither(tmp_path, fixture_tar,
                                                                 monkeypatch, capsys):
    """Only the test batch damaged: train must not come from CIFAR-10 while test comes from the
    sample set."""
    monkeypatch.setattr(data, "_CIFAR_UNAVAILABLE", {})
    monkeypatch.setattr(cifar, "_VERIFIED", {})
    monkeypatch.setattr(cifar, "CIFAR10_URL", "file:///nonexistent/cifar-10-python.tar.gz")
    monkeypatch.setenv("COLORLAB_DATA", str(tmp_path / "fixture" / "src"))
    trust(monkeypatch, tmp_path / "fixture")
    test_batch = tmp_path / "fixture" / "src" / cifar.CIFAR10_DIR / "test_batch"
    test_batch.write_bytes(test_batch.read_bytes()[:-10])  # cut short: its md5 is wrong now
    train, test = data.load_dataset("auto", "train"), data.load_dataset("auto", "test")
    assert train.source.startswith("sample train") and test.source.startswith("sample test")
    assert "test_batch is not the official CIFAR-10 file" in capsys.readouterr().out


def test_sample_validation_split_keeps_each_photo_on_one_side():
    """The sample set's patches overlap (stride size // 2, three scales): a random split put
    pieces of the same photo in training and validation."""
    from colorlab.course.notebook import split_validation

    full = data.sample("train", 32)
    assert torch.equal(full.groups, full.labels)
    for seed in (0, 1):
        train, val = split_validation(full, 512, 128, seed)
        assert (len(train), len(val)) == (512, 128)
        assert not set(train.groups.tolist()) & set(val.groups.tolist())
    one_photo = full.subset(torch.nonzero(full.groups == 0).flatten(), "one photo")
    with pytest.raises(ValueError, match="no photo for training"):
        split_validation(one_photo, None, 10, seed=0)
