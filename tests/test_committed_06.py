"""What notebook 06's markdown says about the run committed with it, checked against that run's
printed outputs (the committed file is read, nothing is re-run)."""

from pathlib import Path

import pytest
from committed import finder, read

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06_deploy.ipynb"


@pytest.fixture(scope="module")
def committed():
    nb, markdown, printed, _ = read(NOTEBOOK)
    return nb, markdown, printed


found = finder("06")


def test_the_committed_run_deploys_the_pretrained_colorizer_in_quick_mode(committed):
    _, _, printed = committed
    assert "mode: quick" in printed and "data: CIFAR-10 image-folder copy" in printed
    assert "the pretrained colorizer cifar10-l1-unet" in printed
    assert "WARNING" not in printed and "Warning" not in printed


def test_int8_statements(committed):
    _, markdown, printed = committed
    share, static = found(r"int8 static: (\d+)% of the fp32 file, .*?; PSNR ([+-]\d\.\d{3}) dB",
                          printed)
    speed, dynamic, minmax = found(r"int8 dynamic: (\d\.\d\d)x the speed of ONNX fp32, PSNR "
                                   r"([+-]\d\.\d{3}) dB; static with min/max ranges: PSNR "
                                   r"([+-]\d\.\d{3}) dB", printed)
    assert (f"the static int8 file is {share}% of the fp32 ONNX file and its PSNR moved {static} "
            f"dB; with min/max ranges it moved {minmax} dB") in markdown
    assert f"moved about as much ({dynamic} dB) while running at {speed}x the speed" in markdown
    assert abs(float(dynamic) - float(minmax)) < 0.1 and float(speed) < 1
    median, over5, over20, worst = found(r"median (\d\.\d\d) ab units, (\d+\.\d\d)% off by more "
                                         r"than 5, (\d\.\d{4})% by more than 20, the worst (\d+)",
                                         printed)
    assert (f"the median predicted value moved {median} ab units, {over5}% moved more than 5, "
            f"{over20}% more than 20, and the worst {worst}.") in markdown


def test_pruning_statements(committed):
    _, markdown, printed = committed
    before, after = found(r"channels pruned: ([\d,]+) -> ([\d,]+) parameters", printed)
    size, speed, tuned, raw = found(r"pruned \+ fine-tuned: (\d+)% of the size, (\d\.\d\d)x the "
                                    r"speed of fp32 on a photo, PSNR ([+-]\d\.\d\d) dB \(before "
                                    r"fine-tuning ([+-]\d\.\d\d) dB\)", printed)
    images = found(r"fine-tuned 1 epoch\(s\) on ([\d,]+) of the", printed)[0]
    assert (f"left {after} of the {before} parameters and {size}% of the file; pruning moved the "
            f"PSNR {raw} dB from fp32 and one epoch of fine-tuning on {images} images brought it "
            f"back to {tuned} dB; in this run's timings the pruned model ran {speed}x as fast")\
        in markdown


def test_the_readme_quotes_this_run(committed):
    nb, _, printed = committed
    seconds = round(nb.metadata["papermill"]["duration"])
    (summary,) = found(r"Summary: (.*)", printed)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [06 "))
    assert row.rstrip().endswith(f"| {seconds} s |"), row
    result = next(line for line in readme.splitlines() if line.startswith("| 06 |"))
    assert summary.strip() in result and result.rstrip().endswith(f"| {seconds} s |")
