"""colorlab.reports: the json and markdown files, the device slug, where they go."""

import json

from colorlab import data, reports
from colorlab.reports import device_slug, write_report


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
    assert reports.reports_dir() == data.source_checkout() / "reports"
    monkeypatch.setattr(data, "source_checkout", lambda: None)  # an installed package
    monkeypatch.chdir(tmp_path)
    js, _ = write_report("05_vivid_colors", {"psnr": 1.0}, device="cpu")
    assert js == tmp_path / "reports" / "05_vivid_colors-cpu.json"
