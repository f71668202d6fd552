"""The bad-input table, docs/bad-input.md: every bad input gets a clear message and loses nothing.

Each case here builds its bad input in tmp_path, checks what happens to the data (nothing lost,
nothing run, nothing left behind) and returns the exact message; the last test checks that
docs/bad-input.md quotes each message word for word (with <dir> for the temporary folder), so
the table cannot drift from the code. Cases already tested elsewhere are cited in the table.
"""

import io
import re
import tarfile
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from colorlab import cifar, infer, train
from colorlab import images as image_files
from colorlab.bins import AbBins
from colorlab.cifar import DownloadError, UnsafeArchiveError
from colorlab.course import cli
from colorlab.data import Batches
from colorlab.models import MeanRegressor, UNet

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "bad-input.md"


def _write_image(path, size=(8, 8)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (10, 200, 30)).save(path)


def _truncated_jpeg(path):
    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)).save(
        buf, "JPEG")
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])


def _skipped(tmp_path, name, make):
    """A folder with one good image and one bad file: the good one is read, the bad one is
    skipped with a warning (returned)."""
    _write_image(tmp_path / "good.png")
    make(tmp_path / name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ds = image_files.image_folder(tmp_path, size=8)
    assert len(ds) == 1  # the good image is kept
    (warning,) = [str(w.message) for w in caught if name in str(w.message)]
    return warning


def corrupt_image(tmp_path):
    return _skipped(tmp_path, "bad.png", lambda p: p.write_bytes(b"this is not a png"))


def truncated_image(tmp_path):
    return _skipped(tmp_path, "cut.jpg", _truncated_jpeg)


def zero_byte_image(tmp_path):
    return _skipped(tmp_path, "empty.png", lambda p: p.write_bytes(b""))


def corrupt_photo_to_colorize(tmp_path, capsys):
    unet = UNet(1, 2, base=4, depth=2)
    train.save_checkpoint(tmp_path / "c.pt", unet, config={"model": unet.config, "size": 16})
    _write_image(tmp_path / "ok.png", (20, 20))
    (tmp_path / "bad.jpg").write_bytes(b"")
    code = cli.colorize_command([tmp_path / "bad.jpg", tmp_path / "ok.png"], tmp_path / "c.pt",
                                  tmp_path / "out")
    assert code == 1 and (tmp_path / "out" / "ok_colorized.png").is_file()  # the others done
    return capsys.readouterr().err.splitlines()[0]


def folder_without_images(tmp_path):
    (tmp_path / "notes.txt").write_text("no images here")
    with pytest.raises(FileNotFoundError) as err:
        image_files.image_folder(tmp_path)
    return str(err.value)


def images_beside_class_folders(tmp_path):
    _write_image(tmp_path / "cat" / "1.png")
    _write_image(tmp_path / "loose.png")
    with pytest.raises(ValueError) as err:
        image_files.image_folder(tmp_path)
    return str(err.value)


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def checkpoint_with_pickle_payload(tmp_path):
    torch.save({"model": Payload(tmp_path / "pwned")}, tmp_path / "evil.pt")
    with pytest.raises(ValueError) as err:
        infer.load_colorizer(tmp_path / "evil.pt")
    assert not (tmp_path / "pwned").exists()  # refused unread: the payload never ran
    return str(err.value)


def checkpoint_of_another_size(tmp_path):
    unet = UNet(1, 2, base=4, depth=2)
    train.save_checkpoint(tmp_path / "wrong.pt", unet, config={"model": UNet(1, 2, 8, 2).config})
    with pytest.raises(ValueError) as err:
        infer.load_colorizer(tmp_path / "wrong.pt")
    return str(err.value).splitlines()[0]


def checkpoint_of_another_model(tmp_path):
    model = MeanRegressor()
    train.save_checkpoint(tmp_path / "mean.pt", model, config={"model": model.config})
    with pytest.raises(ValueError) as err:
        infer.load_colorizer(tmp_path / "mean.pt")
    return str(err.value)


def _cifar(tmp_path, monkeypatch, url="file:///nonexistent/cifar-10-python.tar.gz"):
    monkeypatch.setattr(cifar, "CIFAR10_URL", url)
    monkeypatch.setenv("no_proxy", "*")
    root = tmp_path / "data"
    with pytest.raises((DownloadError, UnsafeArchiveError)) as err:
        cifar.cifar10(root, "train")
    assert not root.exists() or not [p for p in root.rglob("*") if p.suffix == ".part"]
    return str(err.value)


def offline_download(tmp_path, monkeypatch):
    return _cifar(tmp_path, monkeypatch)


def wrong_md5_download(tmp_path, monkeypatch):
    (tmp_path / "served.tar.gz").write_bytes(b"not the archive")
    message = _cifar(tmp_path, monkeypatch, (tmp_path / "served.tar.gz").as_uri())
    assert not (tmp_path / "data" / cifar.CIFAR10_FILE).exists()  # deleted, never extracted
    return message


def damaged_local_archive(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / cifar.CIFAR10_FILE).write_bytes(b"half an archive")
    message = _cifar(tmp_path, monkeypatch)
    assert (tmp_path / "data" / cifar.CIFAR10_FILE).read_bytes() == b"half an archive"  # kept
    return message


def extracted_files_of_unknown_origin(tmp_path, monkeypatch):
    folder = tmp_path / "data" / cifar.CIFAR10_DIR
    folder.mkdir(parents=True)
    for name in cifar.CIFAR10_FILES:
        (folder / name).write_bytes(b"\x80\x04N.")  # pickle of None: never unpickled
    message = _cifar(tmp_path, monkeypatch)
    assert len(list(folder.iterdir())) == 7  # nothing deleted
    return message


class Interrupted:
    """A response that delivers one chunk and then loses the connection."""

    headers = {"Content-Length": str(3 << 20)}

    def __init__(self):
        self.calls = 0

    def read(self, n):
        self.calls += 1
        if self.calls > 1:
            raise ConnectionResetError(104, "Connection reset by peer")
        return b"x" * n

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def interrupted_download(tmp_path, monkeypatch):
    monkeypatch.setattr(cifar.urllib.request, "urlopen", lambda url, timeout: Interrupted())
    message = _cifar(tmp_path, monkeypatch, "https://example.invalid/cifar-10-python.tar.gz")
    assert list((tmp_path / "data").iterdir()) == []  # no partial file, no archive
    return message


def _tar_with(tmp_path, monkeypatch, info):
    import hashlib

    root = tmp_path / "data"
    root.mkdir()
    with tarfile.open(root / cifar.CIFAR10_FILE, "w:gz") as tar:
        tar.addfile(info, io.BytesIO(b"evil" if info.isreg() else b""))
    md5 = hashlib.md5((root / cifar.CIFAR10_FILE).read_bytes()).hexdigest()
    monkeypatch.setattr(cifar, "CIFAR10_MD5", md5)
    message = _cifar(tmp_path, monkeypatch)
    assert not (tmp_path / "evil.txt").exists() and not (root / cifar.CIFAR10_DIR).exists()
    return message


def tar_with_dotdot(tmp_path, monkeypatch):
    info = tarfile.TarInfo("../evil.txt")
    info.size = 4
    return _tar_with(tmp_path, monkeypatch, info)


def tar_with_link(tmp_path, monkeypatch):
    info = tarfile.TarInfo("cifar-10-batches-py/link")
    info.type, info.linkname = tarfile.SYMTYPE, "../../evil.txt"
    return _tar_with(tmp_path, monkeypatch, info)


def empty_batches(tmp_path):
    with pytest.raises(ValueError) as err:
        Batches(torch.zeros(5, 3, 4, 4), batch_size=8, drop_last=True)
    return str(err.value)


def too_many_soft_bins(tmp_path):
    bins = AbBins(torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]), torch.ones(3))
    with pytest.raises(ValueError) as err:
        bins.encode_soft(torch.zeros(1, 2, 2, 2), k=8)
    return str(err.value)


CASES = [corrupt_image, truncated_image, zero_byte_image, corrupt_photo_to_colorize,
         folder_without_images, images_beside_class_folders, checkpoint_with_pickle_payload,
         checkpoint_of_another_size, checkpoint_of_another_model, offline_download,
         wrong_md5_download, damaged_local_archive, extracted_files_of_unknown_origin,
         interrupted_download, tar_with_dotdot, tar_with_link, empty_batches, too_many_soft_bins]


def _run(case, tmp_path, monkeypatch, capsys):
    import inspect

    wanted = inspect.signature(case).parameters
    given = {"tmp_path": tmp_path, "monkeypatch": monkeypatch, "capsys": capsys}
    message = case(**{k: v for k, v in given.items() if k in wanted})
    return normalize(message.replace(str(tmp_path), "<dir>"))


def normalize(text: str) -> str:
    """One line; byte counts (they vary with the Pillow version) as N."""
    return re.sub(r"\d+ bytes not processed", "N bytes not processed", " ".join(text.split()))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_bad_input_is_quoted_word_for_word_in_the_table(case, tmp_path, monkeypatch, capsys):
    message = _run(case, tmp_path, monkeypatch, capsys)
    doc = normalize(DOC.read_text())
    assert f"`{case.__name__}`" in doc, f"docs/bad-input.md does not list {case.__name__}"
    assert message in doc, f"docs/bad-input.md should quote, for {case.__name__}:\n{message}"


def test_every_message_says_what_why_and_what_to_do(tmp_path, monkeypatch, capsys):
    """No bare "invalid input": each message is a sentence or more and names the input."""
    for case in CASES:
        folder = tmp_path / case.__name__
        folder.mkdir()
        with monkeypatch.context() as m:
            message = _run(case, folder, m, capsys)
        assert len(message) > 60, (case.__name__, message)


def test_every_test_the_table_cites_exists():
    cited = set(re.findall(r"(tests/test_\w+\.py)::(test_\w+)", DOC.read_text()))
    assert len(cited) > 20
    for path, name in sorted(cited):
        assert re.search(rf"^def {name}\(", (ROOT / path).read_text(), re.M), f"{path}::{name}"
