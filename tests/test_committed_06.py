"""What notebook 06's markdown says about the run committed with it, checked against that run's
printed outputs (the committed file is read, nothing is re-run)."""

import re
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


def test_the_shuffled_rounds_statements(committed):
    """Section 6's reading of the shuffled rounds quotes the printed ranges."""
    _, markdown, printed = committed
    flat = " ".join(markdown.split())
    rounds = {name.strip(): (lo, hi, r_lo, r_hi) for name, lo, hi, r_lo, r_hi in re.findall(
        r"^(.+?) +(\d+\.\d) - +(\d+\.\d) ms   ratio (\d\.\d\d) - (\d\.\d\d)$", printed, flags=re.M)}
    assert len(rounds) >= 12, "the rounds' lines are missing"
    lo, hi, _, _ = rounds["fp32 PyTorch"]
    spread = round(100 * (float(hi) / float(lo) - 1))
    assert f"took {lo} to {hi} ms, a {spread}% range" in flat

    def ratio(name):
        return f"{rounds[name][2]}-{rounds[name][3]}x"

    assert (f"static int8 ({ratio('ONNX int8 static')} with 99.9% ranges, "
            f"{ratio('ONNX int8 static, min/max')[:-1]}x with min/max ranges)") in flat
    assert f"onnxruntime on the same fp32 model ({ratio('ONNX fp32 (onnxruntime)')})" in flat
    assert f"torch.export ({ratio('torch.export (.pt2)')})" in flat
    assert (f"30% and 60% zeros ({ratio('unstructured 30% zeros')}, "
            f"{ratio('unstructured 60% zeros')})") in flat
    assert f"dynamic int8 ({ratio('ONNX int8 dynamic')})" in flat
    channels = [k for k in rounds if "channels" in k]
    low = min(float(rounds[k][2]) for k in channels)
    high = max(float(rounds[k][3]) for k in channels)
    assert f"half their channels removed ({low:.2f}-{high:.2f}x" in flat
    faster = found(r"faster than fp32 PyTorch in every round: (.*)", printed)[0]
    not_faster = found(r"not in every round \(no evidence of a speed-up\): (.*)", printed)[0]
    assert "unstructured 90% zeros" in faster and "torch.export (.pt2)" in not_faster
    z_lo, z_hi = (float(x) for x in rounds["unstructured 90% zeros"][2:])
    assert (f"by {round(100 * (z_lo - 1))}% to {round(100 * (z_hi - 1))}%, inside fp32's own "
            f"{spread}% spread") in flat and z_hi - 1 < spread / 100
