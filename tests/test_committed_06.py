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
            f"dB; with min/max ranges (the calibration histogram's 100% point: about the plain min "
            f"and max) it moved {minmax} dB") in markdown
    assert float(speed) < 1
    flat = " ".join(markdown.split())
    convs, quant, transposed = found(r"the dynamic int8 graph: (\d+) ConvInteger \(int8 "
                                     r"convolutions\), each fed by a DynamicQuantizeLinear "
                                     r"\((\d+)\); (\d+) ConvTranspose left in float", printed)
    assert convs == quant
    assert f"turns each of the {convs} convolutions into a `ConvInteger`" in flat
    assert f"leaves the {transposed} transposed convolutions in float" in flat
    (shares,) = found(r"where dynamic int8 spends its time on one 256 x 256 photo \(onnxruntime's "
                      r"profiler\): (.*)", printed)
    shares = dict((op, float(v)) for op, v in re.findall(r"(\w+) (\d+\.\d)%", shares))
    top, rest = shares["ConvInteger"], max(v for op, v in shares.items() if op != "ConvInteger")
    assert max(shares, key=shares.get) == "ConvInteger" and "DynamicQuantizeLinear" not in shares
    assert (f"puts {top}% of a photo's time into `ConvInteger` itself, and every other operator, "
            f"the range finding included, takes {rest}% or less") in flat
    rows = {name.strip(): float(ms) for name, ms in re.findall(
        r"^(ONNX [^\n]+?) +[\d.]+ MB +([\d.]+) ms", printed, flags=re.M)}
    dyn_ms, onnx_ms = rows["ONNX int8 dynamic"], rows["ONNX fp32 (onnxruntime)"]
    assert (f"{top}% of {dyn_ms} ms is about {round(top * dyn_ms / 100)} ms, against {onnx_ms} ms "
            "for the whole fp32 ONNX model") in flat and top * dyn_ms / 100 > onnx_ms
    batched, single, fp32 = found(r"dynamic int8 PSNR: (\d+\.\d\d) dB with the test images run "
                                  r"in batches of up to 500 .*?, (\d+\.\d\d) dB one image per "
                                  r"call .*?; fp32 (\d+\.\d\d) dB", printed)
    assert f"the PSNR moved {dynamic} dB, about as much as with static min/max ranges" in flat
    assert abs(float(dynamic) - float(minmax)) < 0.1
    assert f"the PSNR is fp32's ({single} against {fp32} dB)" in flat and single == fp32
    assert (f"dynamic int8 lost {abs(float(dynamic)):.2f} dB scored in batches of up to 500 "
            f"images, and lost {float(fp32) - float(single):.2f} dB scored one image per "
            "call") in flat
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
    assert f"took {lo} to {hi} ms, an {spread}% range" in flat or \
        f"took {lo} to {hi} ms, a {spread}% range" in flat
    assert f"fp32 PyTorch's own spread: {lo} - {hi} ms ({spread}% range)" in printed
    (single_fp32,) = found(r"(?m)^fp32 PyTorch +[\d.]+ MB +([\d.]+) ms", printed)
    assert float(single_fp32) > float(hi) and (
        f"fp32's single timing here ({single_fp32} ms) was slower than every one of its rounds "
        f"({lo} to {hi} ms)") in flat
    s_lo, s_hi = rounds["ONNX int8 static"][:2]
    assert f"static int8's from {s_lo} to {s_hi} ms, only just below fp32's fastest" in flat
    assert float(s_hi) < float(lo) < 1.05 * float(s_hi)

    def ratio(name):
        return f"{rounds[name][2]}-{rounds[name][3]}x"

    assert (f"static int8 ({ratio('ONNX int8 static')} with 99.9% ranges, "
            f"{ratio('ONNX int8 static, min/max')[:-1]}x with min/max ranges)") in flat
    assert f"same fp32 model ({ratio('ONNX fp32 (onnxruntime)')})" in flat
    assert f"torch.export ({ratio('torch.export (.pt2)')})" in flat
    assert (f"zeros ({ratio('unstructured 30% zeros')}, {ratio('unstructured 60% zeros')}, "
            f"{ratio('unstructured 90% zeros')})") in flat
    assert f"dynamic int8 ({ratio('ONNX int8 dynamic')})" in flat
    channels = [k for k in rounds if "channels" in k]
    low = min(float(rounds[k][2]) for k in channels)
    high = max(float(rounds[k][3]) for k in channels)
    assert f"half their channels removed ({low:.2f}-{high:.2f}x" in flat
    verdicts = {kind: found(rf"(?m)^{kind} \(.*?\): (.*)$", printed)[0] for kind in
                ("faster", "slower", "within fp32's spread")}   # names joined by ", "
    for name, (lo_ms, hi_ms, _, _) in rounds.items():   # the rule the text states, on the ranges
        if name != "fp32 PyTorch":
            kind = ("faster" if float(hi_ms) < float(lo) else "slower" if float(lo_ms) > float(hi)
                    else "within fp32's spread")
            assert name in verdicts[kind], f"{name}: printed outside '{kind}'"
    assert verdicts["slower"] == "ONNX int8 dynamic"
    for name in ("torch.export (.pt2)", "ONNX fp32 (onnxruntime)", "unstructured 30% zeros",
                 "unstructured 60% zeros", "unstructured 90% zeros"):   # "no evidence either way"
        assert name in verdicts["within fp32's spread"]
    assert f"and 30%, 60% and 90% zeros ({ratio('unstructured 30% zeros')}, " in flat
    single = found(r"speed relative to fp32: ([\d.]+x), ([\d.]+x), ([\d.]+x);", printed)
    assert f"had 60% and 90% zeros at {single[1]} and {single[2]} fp32's speed" in flat
    assert f"run committed here {single[0]}, {single[1]} and {single[2]} fp32's speed" in flat

