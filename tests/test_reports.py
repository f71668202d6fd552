"""colorlab.course.reports: the json and markdown files, the device slug, where they go; the
report on one checkpoint (checkpoint_report, `python -m colorlab report`)."""

import json

import pytest
import torch

from colorlab import images as image_files
from colorlab.checkpoint import save_checkpoint
from colorlab.course import reports
from colorlab.course.cli import main
from colorlab.course.reports import checkpoint_report, device_slug, write_report
from colorlab.models import MeanRegressor, UNet, count_parameters


def test_write_report(tmp_path):
    record = {"device": "CPU (2 cores)", "epochs": 3, "seconds": 1.23456,
              "metrics": {"psnr": 25.5, "gray_psnr": 24.0}, "note": "a | b"}
    js, md = write_report("04_unet_colorizer", record, device="cpu", folder=tmp_path)
    assert js.name == "04_unet_colorizer-cpu.json" and md.name == "04_unet_colorizer-cpu.md"
    assert json.loads(js.read_text()) == record
    text = md.read_text()
    assert "| metrics.psnr | 25.5 |" in text and "| seconds | 1.235 |" in text
    assert "a / b" in text
    assert device_slug("cpu") == "cpu"


def test_reports_go_to_the_checkout_else_the_current_folder(tmp_path, monkeypatch):
    assert reports.reports_dir() == image_files.source_checkout() / "reports"
    monkeypatch.setattr(image_files, "source_checkout", lambda: None)  # an installed package
    monkeypatch.chdir(tmp_path)
    js, _ = write_report("05_vivid_colors", {"psnr": 1.0}, device="cpu")
    assert js == tmp_path / "reports" / "05_vivid_colors-cpu.json"


# ---------------------------------------------------------------------------------------------
# checkpoint_report
# ---------------------------------------------------------------------------------------------
HISTORY = [{"epoch": 1, "train_loss": 0.1, "val_loss": 0.09},
           {"epoch": 2, "train_loss": 0.08, "val_loss": 0.095}]


def _save(path, model, **config):
    return save_checkpoint(path, model, config={"model": model.config, "size": 16, **config},
                           history=HISTORY, epoch=2)


def _table_total(index_md: str) -> int:
    line = next(row for row in index_md.splitlines() if row.startswith("| **total** |"))
    return int(line.split("|")[3].strip().replace(",", ""))


def test_checkpoint_report_writes_every_file(tmp_path):
    torch.manual_seed(0)
    model = UNet(1, 2, base=4, depth=2)
    ckpt = _save(tmp_path / "tiny.pt", model, data="sample")
    folder = checkpoint_report(ckpt, images="sample", out=tmp_path / "report", n_samples=3)
    assert folder == tmp_path / "report"
    for name in ("index.md", "layers.csv", "weights.png", "samples.png"):
        assert (folder / name).is_file() and (folder / name).stat().st_size > 0, name
    index = (folder / "index.md").read_text()
    assert _table_total(index) == count_parameters(model)
    assert "epochs run: 2" in index and "0.09 at epoch 1" in index and "data: sample" in index
    assert "mean PSNR" in index and "samples.png" in index
    csv_rows = (folder / "layers.csv").read_text().splitlines()
    assert len(csv_rows) == 1 + len(list(model.parameters()))


def test_checkpoint_report_default_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(reports, "reports_dir", lambda: tmp_path / "reports")
    ckpt = _save(tmp_path / "best.pt", UNet(1, 2, base=4, depth=2))
    assert checkpoint_report(ckpt, n_samples=1) == tmp_path / "reports" / "best-report"


def test_checkpoint_report_flags_nan_and_large_weights(tmp_path):
    model = UNet(1, 2, base=4, depth=2)
    name, weight = next((n, p) for n, p in model.named_parameters() if p.dim() == 4)
    with torch.no_grad():
        weight[0, 0, 0, 0] = float("nan")
        model.head.weight.mul_(1000)
    ckpt = _save(tmp_path / "nan.pt", model)
    folder = checkpoint_report(ckpt, out=tmp_path / "r", n_samples=2)
    index = (folder / "index.md").read_text()
    assert f"{name} (NaN/inf)" in index and "head.weight (large)" in index
    assert (folder / "samples.png").is_file()
    rows = reports.layer_stats({"a": torch.ones(3), "b": torch.ones(3), "c": 100 * torch.ones(3),
                                "z": torch.zeros(2, 2), "zb": torch.zeros(2),
                                "n": torch.full((2,), float("inf"))})
    flags = {r["name"]: r["flags"] for r in rows}
    assert flags == {"a": [], "b": [], "c": ["large"], "z": ["all-zero"], "zb": [],
                     "n": ["NaN/inf"]}


def test_fresh_batchnorm_biases_are_not_flagged():
    """A fresh BatchNorm bias is zero by design: only a conv/linear weight of zeros is a fault."""
    model = UNet(1, 2, base=4, depth=2)
    weights = model.state_dict()
    assert not weights["encoders.0.1.bias"].any()  # the case that used to be flagged
    assert all(r["flags"] == [] for r in reports.layer_stats(weights))
    with torch.no_grad():
        model.encoders[0][0].weight.zero_()
    flags = {r["name"]: r["flags"] for r in reports.layer_stats(model.state_dict())}
    assert flags["encoders.0.0.weight"] == ["all-zero"]


def test_checkpoint_report_of_another_model_skips_samples(tmp_path, capsys):
    model = MeanRegressor(width=4)
    ckpt = _save(tmp_path / "mean.pt", model)
    folder = checkpoint_report(ckpt, out=tmp_path / "r")
    assert (folder / "weights.png").is_file() and (folder / "layers.csv").is_file()
    assert not (folder / "samples.png").exists()
    index = (folder / "index.md").read_text()
    assert "No samples.png: this checkpoint holds a MeanRegressor, not a colorizer" in index
    assert _table_total(index) == count_parameters(model)
    assert "not a colorizer" in capsys.readouterr().out


def test_checkpoint_report_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="No checkpoint at"):
        checkpoint_report(tmp_path / "missing.pt", out=tmp_path / "r")
    junk = tmp_path / "junk.pt"
    junk.write_text("not a checkpoint")
    with pytest.raises(ValueError, match="not a readable PyTorch checkpoint"):
        checkpoint_report(junk, out=tmp_path / "r")


def test_report_command(tmp_path, capsys):
    ckpt = _save(tmp_path / "tiny.pt", UNet(1, 2, base=4, depth=2))
    assert main(["report", str(ckpt), "-o", str(tmp_path / "r"), "--samples", "2"]) == 0
    assert (tmp_path / "r" / "samples.png").is_file()
    assert main(["report", str(tmp_path / "missing.pt")]) == 1
    assert "No checkpoint at" in capsys.readouterr().err


def test_colorlab_reports_sends_reports_elsewhere(tmp_path, monkeypatch):
    """The dress rehearsal's tiny full-mode runs must not land among the real reports."""
    from colorlab.course.reports import reports_dir, write_report

    monkeypatch.setenv("COLORLAB_REPORTS", str(tmp_path / "elsewhere"))
    assert reports_dir() == tmp_path / "elsewhere"
    json_path, md_path = write_report("99_test", {"mode": "full"})
    assert json_path.parent == tmp_path / "elsewhere" and md_path.is_file()
