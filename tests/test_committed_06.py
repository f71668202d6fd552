"""What notebook 06's markdown says about the run committed with it, checked against that run's
printed outputs (the committed file is read, nothing is re-run)."""

import re
from pathlib import Path

import nbformat
import pytest
from committed import finder, read

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "06_deploy.ipynb"


@pytest.fixture(scope="module")
def committed():
    nb, markdown, printed, _ = read(NOTEBOOK)
    return nb, markdown, printed


found = finder("06")


def ops(listing):
    """{'Conv': 15, ...} from a printed 'Conv 15, Relu 14, ...' (or shares: 'QLinearConv 51.5%')."""
    return {op: float(n) for op, n in re.findall(r"(\w+) (\d+(?:\.\d+)?)%?(?:,|$)", listing)}


def number(value):
    """A printed number as the markdown quotes it: '15', not '15.0'."""
    return f"{value:g}"


def quick_runs(nb, printed):
    """RUNS in quick mode: the value the code picks, confirmed by section 6's printed calls
    (max(3, RUNS // 2) per round)."""
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    runs = int(re.search(r"RUNS = RUNS or run\.pick\(smoke=\d+, quick=(\d+)", source).group(1))
    (calls,) = found(r"rounds in shuffled order, medians of (\d+) calls each", printed)
    assert int(calls) == max(3, runs // 2)
    return runs


def test_latency_is_timed_on_a_random_input(committed):
    """Section 2 says what latency is timed on (random values, not a photo) and how often."""
    nb, markdown, printed = committed
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "photo = torch.rand(1, 1, PHOTO_SIZE, PHOTO_SIZE)" in source
    runs = quick_runs(nb, printed)
    assert (f"the median of `RUNS` calls ({runs} in quick mode) after 3 untimed warm-up calls. "
            "The input is random values (`torch.rand`), not a photo") in markdown
    assert f"Each timing in sections 2 to 5 is one median of {runs} calls" in markdown


def test_the_committed_run_deploys_the_pretrained_colorizer_in_quick_mode(committed):
    _, markdown, printed = committed
    assert "mode: quick" in printed and "data: CIFAR-10 image-folder copy" in printed
    assert "the pretrained colorizer cifar10-l1-unet" in printed
    assert "CIFAR-10's train/ folder; CIFAR-10's test images (test/) it never saw" in printed
    assert "WARNING" not in printed and "Warning" not in printed


def test_the_time_line_gives_the_committed_run(committed):
    nb, markdown, _ = committed
    seconds = round(nb.metadata["papermill"]["duration"])
    assert f"The run committed here took {seconds} s in quick mode on a 2-core CPU" in markdown


def test_in_the_run_committed_here_at_most_once_per_section():
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
             if c.cell_type == "markdown"]
    sections = re.split(r"(?m)^## ", "\n".join(cells))
    for section in sections:
        words = " ".join(section.split())
        assert words.count("in the run committed here") + words.count("In the run committed "
                                                                      "here") <= 1, section[:80]


def test_the_quoted_library_calls_are_the_library_s(committed):
    """The fenced code the markdown quotes is what colorlab.deploy runs, word for word."""
    _, markdown, _ = committed
    source = " ".join((ROOT / "colorlab" / "deploy.py").read_text(encoding="utf-8").split())
    blocks = re.findall(r"```python (.*?) ```", markdown)
    assert len(blocks) == 2
    assert "torch.onnx.export(" in blocks[0] and "quantize_static(" in blocks[1]
    for block in blocks:
        assert block in source, f"colorlab.deploy no longer runs: {block}"
    assert "`oq.quantize_dynamic(str(pre), str(tmp), weight_type=oq.QuantType.QInt8)`" in markdown
    assert "oq.quantize_dynamic(str(pre), str(tmp), weight_type=oq.QuantType.QInt8)" in source


def test_export_statements(committed):
    _, markdown, printed = committed
    initializers, nodes = found(r"model\.onnx: opset \d+, (\d+) initializers; nodes: ([^;]+);",
                                printed)
    fp32 = ops(nodes)
    assert "BatchNormalization" not in fp32
    conv, transposed = number(fp32["Conv"]), number(fp32["ConvTranspose"])
    assert int(initializers) == 2 * (fp32["Conv"] + fp32["ConvTranspose"])
    assert (f"one weight and one bias for each of the {conv} `Conv` and {transposed} "
            f"`ConvTranspose` nodes: the {initializers} initializers") in markdown


def test_int8_statements(committed):
    nb, markdown, printed = committed
    static, minmax, dynamic, single = found(
        r"PSNR against fp32 \(\d+\.\d\d dB\): int8 static ([+-]\d\.\d{3}) dB, with min/max ranges "
        r"([+-]\d\.\d{3}) dB; int8 dynamic ([+-]\d\.\d{3}) dB with the test images in batches of "
        r"up to 500 .*?, ([+-]\d\.\d{3}) dB one image per call", printed)
    (share,) = found(r"int8 static: (\d+)% of the fp32 ONNX file", printed)
    assert (f"keeps fp32's quality in {share}% of the fp32 ONNX file (a quarter, plus scales, zero "
            f"points and the graph): the PSNR moved {static} dB; with min/max ranges (the "
            "calibration histogram's 100% point: about the plain min and max) it moved "
            f"{minmax} dB") in markdown

    (static_nodes,) = found(r"static int8, the file's nodes: (.*)", printed)
    static_nodes = ops(static_nodes)
    assert "QLinearConv" not in static_nodes and "Relu" not in static_nodes
    (static_time,) = found(r"static int8, the time on one 256 x 256 photo, largest shares: (.*)",
                           printed)
    static_time = ops(static_time)
    assert max(static_time, key=static_time.get) == "QLinearConv"
    assert (f"Each of its {number(static_nodes['Conv'])} `Conv` nodes sits in a `DequantizeLinear "
            "-> Conv -> QuantizeLinear` group that onnxruntime runs as one `QLinearConv`; the "
            f"{number(static_nodes['ConvTranspose'])} transposed convolutions store int8 weights "
            "but compute in float (a `DequantizeLinear` in front) and took "
            f"{static_time['ConvTranspose']}% of the time.") in markdown
    assert (f"`Transpose` ({static_time['Transpose']}%) is onnxruntime switching the layout "
            "between channels first and channels last around its int8 operators") in markdown
    (static_scales,) = found(r"static int8, scales per weight tensor: (\d+ to \d+)", printed)
    (dynamic_scales,) = found(r"dynamic int8, scales per weight tensor: (\d+ to \d+)", printed)
    assert dynamic_scales == "1 to 1" and static_scales != dynamic_scales
    assert "whose default `per_channel=False` gives each weight tensor a single scale" in markdown

    (dynamic_nodes,) = found(r"dynamic int8, the file's nodes: (.*)", printed)
    dynamic_nodes = ops(dynamic_nodes)
    assert dynamic_nodes["ConvInteger"] == dynamic_nodes["DynamicQuantizeLinear"] == \
        static_nodes["Conv"]
    (dynamic_time,) = found(r"dynamic int8, the time on one 256 x 256 photo, largest shares: (.*)",
                            printed)
    dynamic_time = ops(dynamic_time)
    (finding,) = found(r"dynamic int8's range finding \(DynamicQuantizeLinear\): (\d+\.\d)% of its "
                       r"time", printed)
    top = dynamic_time["ConvInteger"]
    assert max(dynamic_time, key=dynamic_time.get) == "ConvInteger"
    rows = {name.strip(): float(ms) for name, ms in re.findall(
        r"^(ONNX [^\n]+?) +[\d.]+ MB +([\d.]+) ms", printed, flags=re.M)}
    dyn_ms, onnx_ms = rows["ONNX int8 dynamic"], rows["ONNX fp32 (onnxruntime)"]
    assert (f"`DynamicQuantizeLinear` took {finding}% of the time, `ConvInteger` about "
            f"{round(top * dyn_ms / 100)} ms of the {dyn_ms} ms the model took on a photo, against "
            f"{onnx_ms} ms for the whole fp32 ONNX model") in markdown
    assert top * dyn_ms / 100 > 2 * onnx_ms

    assert (f"the PSNR moved {dynamic} dB, more than with static min/max ranges; one image per "
            f"call, as a deployed model sees a photo, it moved {single} dB") in markdown
    assert float(dynamic) < float(minmax) and float(dynamic) < float(single)
    assert (f"Dynamic int8 moved the PSNR {dynamic} dB scored in batches of up to 500 images, and "
            f"{single} dB scored one image per call") in markdown

    (colorful,) = found(r"colorfulness: (.*)", printed)
    colorful = dict(re.findall(r"(fp32 PyTorch|ONNX int8 static, min/max|ONNX int8 static|ONNX "
                               r"int8 dynamic) (\d+\.\d)", colorful))
    c_fp32, c_static = colorful["fp32 PyTorch"], colorful["ONNX int8 static"]
    c_minmax, c_dynamic = colorful["ONNX int8 static, min/max"], colorful["ONNX int8 dynamic"]
    assert (f"min/max and dynamic int8 also score a higher colorfulness than fp32 ({c_minmax} and "
            f"{c_dynamic} against {c_fp32}; static int8 with 99.9% ranges {c_static}): their "
            "colors moved, and their PSNR shows it was not toward the truth's") in markdown
    assert min(float(c_minmax), float(c_dynamic)) > float(c_fp32) + 1 >= float(c_static) + 1
    assert float(minmax) < float(static) and float(dynamic) < float(static)

    # the static-vs-dynamic table
    sizes = {name.strip(): mb for name, mb in re.findall(r"^(ONNX int8 [^\n]+?) +([\d.]+) MB",
                                                          printed, flags=re.M)}
    maxima = {name.strip(): d for name, d in re.findall(r"^(ONNX int8 [^\n]+?) +[\d.]+ MB .*max "
                                                        r"\|d ab\| ([\d.]+)$", printed, flags=re.M)}
    calibration = re.search(r"^CALIBRATION_IMAGES = (\d+)", nb.cells[3].source, flags=re.M).group(1)
    table = " ".join(markdown.split("### Static and dynamic int8, measured", 1)[1]
                     .split("**Static int8**", 1)[0].split())
    conv, up = number(static_nodes["Conv"]), number(static_nodes["ConvTranspose"])
    integer, dyn_up = number(dynamic_nodes["ConvInteger"]), number(dynamic_nodes["ConvTranspose"])
    for row in (f"| activation ranges | set once, from {calibration} training images | each call's "
                "min and max |",
                f"| file | {sizes['ONNX int8 static']} MB: {conv} `Conv` in Q/DQ groups, {up} "
                f"`ConvTranspose` | {sizes['ONNX int8 dynamic']} MB: {integer} `ConvInteger`, "
                f"{dyn_up} `ConvTranspose` with fp32 weights |",
                f"| what onnxruntime ran most | `QLinearConv`, {static_time['QLinearConv']}% of "
                f"the time | `ConvInteger`, {top}% of the time |",
                f"| scales per weight tensor | one per output channel ({static_scales}) | 1 |",
                f"| one photo (first look: one median of {quick_runs(nb, printed)} calls) | "
                f"{rows['ONNX int8 static']} ms | {dyn_ms} ms |",
                f"| PSNR against fp32 | {static} dB | {dynamic} dB in batches of up to 500, "
                f"{single} dB one image per call |"):
        assert row in table, row
    assert float(sizes["ONNX int8 dynamic"]) > float(sizes["ONNX int8 static"])
    assert (f"The int8 rows' max |d ab| ({maxima['ONNX int8 static']}, "
            f"{maxima['ONNX int8 static, min/max']} and {maxima['ONNX int8 dynamic']} ab units)") \
        in markdown

    (tests,) = found(r"/ ([\d,]+) test images", printed)
    assert round(2 * 32 * 32 * int(tests.replace(",", "")) / 1e6) == 4
    assert ("a maximum is one value out of about 4 million (2 values a pixel, 32 x 32 pixels, "
            f"{tests} images)") in markdown

    median, over5, over20, worst = found(r"median (\d\.\d\d) ab units, (\d+\.\d\d)% off by more "
                                         r"than 5, (\d\.\d{4})% by more than 20, the worst (\d+)",
                                         printed)
    assert (f"the median predicted value moved {median} ab units, {over5}% moved more than 5, "
            f"{over20}% more than 20, and the worst {worst}.") in markdown


def test_pruning_statements(committed):
    _, markdown, printed = committed
    zeros, gray = found(r"(?m)^unstructured 90% zeros +[\d.]+ MB .*?PSNR (\d+\.\d\d) dB \(gray "
                        r"(\d+\.\d\d)\)", printed)
    assert f"at 90% zeros the model scores what gray scores ({zeros} against {gray} dB)" in markdown
    assert abs(float(zeros) - float(gray)) < 0.1
    before, after = found(r"channels pruned: ([\d,]+) -> ([\d,]+) parameters", printed)
    size, tuned, raw = found(r"pruned \+ fine-tuned: (\d+)% of the size, PSNR ([+-]\d\.\d\d) dB "
                             r"\(before fine-tuning ([+-]\d\.\d\d) dB\)", printed)
    images, before_l1, after_l1, fp32_l1 = found(
        r"fine-tuned 1 epoch\(s\) on ([\d,]+) training images in \d+ s; validation L1 \(mean \|ab "
        r"error\|\): (\d+\.\d\d) ab units before, (\d+\.\d\d) after \(the unpruned model: "
        r"(\d+\.\d\d)\)", printed)
    assert float(fp32_l1) < float(after_l1) < float(before_l1)   # fine-tuning won back a part
    assert (f"left {after} of the {before} parameters and {size}% of the file; pruning moved the "
            f"PSNR {raw} dB from fp32, and one epoch of fine-tuning on {images} images brought it "
            f"back to {tuned} dB") in markdown


def table(printed):
    """The section-6 table: {variant: (MB, ms/photo, PSNR, dE, colorful, mean |d ab|)}."""
    block = printed.split("mean|d ab|\n", 1)[1].split("gray baseline", 1)[0]
    return {m[0].strip(): tuple(float(v) for v in m[1:]) for m in re.findall(
        r"^(.+?) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)$", block,
        flags=re.M)}


def test_the_table_and_figure_statements(committed):
    _, markdown, printed = committed
    rows = table(printed)
    assert len(rows) == 12
    raw = rows["50% channels, no fine-tune"]
    gray = float(found(r"(?m)^gray baseline +([\d.]+)", printed)[0])
    gain = raw[2] - gray
    assert gain < 0 < rows["50% channels + fine-tune"][2] - gray
    assert f"it scores below gray ({gain:+.2f} dB)" in markdown
    (front,) = found(r"no other variant is at least as fast and as good in PSNR, and better in "
                     r"one, than: (.*)", printed)
    assert f"the variants that no other beats on both speed and PSNR at once: {front}." in markdown

    names = list(rows)                                  # the figure numbers the table's rows
    fp32, zeros = rows["fp32 PyTorch"], [rows[f"unstructured {s}% zeros"] for s in (30, 60, 90)]
    assert [names.index(f"unstructured {s}% zeros") + 1 for s in (30, 60, 90)] == [7, 8, 9]
    assert names.index("ONNX int8 dynamic") + 1 == 6
    assert all(abs(z[0] - fp32[0]) < 0.02 and abs(z[1] / fp32[1] - 1) < 0.08 for z in zeros)
    assert "in the size panel the zeros sit on fp32 (1, 7, 8, 9; the markers are hollow" in markdown
    assert abs(zeros[2][2] - gray) < 0.05
    assert "90% zeros (9) sits on the line" in markdown
    dynamic = rows["ONNX int8 dynamic"][1]
    assert all(dynamic > 3 * r[1] for name, r in rows.items() if name != "ONNX int8 dynamic")
    assert ("Dynamic int8 is far slower than every other variant: 6 (faded) is its score in "
            "batches of up to 500, 6' one image per call, as deployed.") in markdown
    static, minmax, onnx = rows["ONNX int8 static"], rows[names[4]], rows[names[2]]
    assert (f"Static int8 (4) is the pick here: about fp32's PSNR ({static[2]:.2f} against "
            f"{fp32[2]:.2f} dB) in {static[1]} ms, against {onnx[1]} ms for fp32 in onnxruntime "
            "(3)") in markdown
    assert abs(static[2] - fp32[2]) < 0.05 and static[1] < 0.75 * onnx[1]
    assert "4. ONNX int8 static" in front and "3. ONNX fp32 (onnxruntime)" in front
    if "5. ONNX int8 static, min/max" in front:   # on the line only by a gap inside the noise
        assert minmax[1] < static[1]
        assert (f"Min/max ranges (5) are on the line only because their median round was "
                f"{static[1] - minmax[1]:.1f} ms faster, a gap inside both variants' ranges of "
                f"rounds, and they cost {static[2] - minmax[2]:.2f} dB more.") in markdown
        lo_static, hi_static = (float(v) for v in found(r"(?m)^ONNX int8 static +(\d+\.\d) - "
                                                        r"+(\d+\.\d) ms", printed))
        lo_minmax, hi_minmax = (float(v) for v in found(r"(?m)^ONNX int8 static, min/max +"
                                                        r"(\d+\.\d) - +(\d+\.\d) ms", printed))
        assert lo_minmax <= hi_static and lo_static <= hi_minmax   # the ranges overlap
    else:
        assert "Min/max ranges (5) are not on the line" in markdown


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
    """Section 6's reading of the shuffled rounds quotes fp32's printed range, and sorts the
    variants as the printed verdicts (the rule applied in code) do."""
    _, markdown, printed = committed
    lines = re.findall(r"^(.+?) +(\d+\.\d) - +(\d+\.\d) ms   ratio (\d\.\d\d) - (\d\.\d\d)"
                       r"(?:   beat fp32 in (\d) of \d)?$", printed, flags=re.M)
    rounds = {name.strip(): (float(lo), float(hi), r_lo, r_hi, wins)
              for name, lo, hi, r_lo, r_hi, wins in lines}
    assert len(rounds) == 12, "the rounds' lines are missing"
    lo, hi = rounds["fp32 PyTorch"][:2]
    spread = round(100 * (hi / lo - 1))
    assert f"fp32 PyTorch's own spread: {lo} - {hi} ms ({spread}% range)" in printed
    assert (f"fp32 PyTorch, the same model every round, took {lo} to {hi} ms, a {spread}% range: "
            "that is the machine's noise.") in markdown
    verdicts = {kind: found(rf"(?m)^{kind} \(.*?\): (.*)$", printed)[0] for kind in
                ("faster", "slower", "within fp32's spread")}   # names joined by ", "
    for name, (lo_ms, hi_ms, *_) in rounds.items():   # the rule the text states, on the ranges
        if name != "fp32 PyTorch":
            kind = "faster" if hi_ms < lo else "slower" if lo_ms > hi else "within fp32's spread"
            assert name in verdicts[kind], f"{name}: printed outside '{kind}'"
    # the teaching verdicts, which any run should give
    assert {"ONNX int8 static", "50% channels + fine-tune"} <= set(verdicts["faster"].split(", "))
    assert "ONNX int8 dynamic" in verdicts["slower"].split(", ")
    # this run's verdicts, as the text reads them
    pytorch_channels = ["50% channels, no fine-tune", "50% channels + fine-tune"]
    faster = ["ONNX fp32 (onnxruntime)", "ONNX int8 static", "ONNX int8 static, min/max",
              *pytorch_channels]
    assert verdicts["faster"] == ", ".join(faster)
    assert all(rounds[k][4] == "3" for k in faster)
    zeros = [f"unstructured {s}% zeros" for s in (30, 60, 90)]
    assert verdicts["slower"] == ", ".join(["ONNX int8 dynamic", zeros[2]])
    assert verdicts["within fp32's spread"] == ", ".join(["torch.export (.pt2)", *zeros[:2],
                                                           "50% channels, ONNX fp32"])
    assert ("Beyond it, onnxruntime, static int8 and the channel-pruned PyTorch models were faster "
            "in every round and dynamic int8 slower; torch.export and 30% and 60% zeros stayed "
            "within it.") in markdown
    # 90% zeros failed the rule by a hair: a gap far smaller than fp32's own spread
    z90 = rounds[zeros[2]][0]
    assert 0 < z90 - hi <= 0.2 < hi - lo
    assert (f"90% zeros came out slower by a hair (its fastest round {z90} ms against fp32's "
            f"slowest {hi} ms), where 30% and 60% zeros, the same dense arithmetic, did not") \
        in markdown
    # one slow round each for dynamic int8 and the pruned ONNX model; the median ignores it
    dyn, slim = rounds["ONNX int8 dynamic"], rounds["50% channels, ONNX fp32"]
    assert dyn[1] > 1.5 * dyn[0] and slim[1] > 1.5 * slim[0]
    slim_median = table(printed)["50% channels, ONNX fp32"][1]
    assert slim_median < 1.1 * slim[0]
    assert (f"dynamic int8 took {dyn[0]} to {dyn[1]} ms, the channel-pruned ONNX model {slim[0]} "
            f"to {slim[1]} ms") in markdown
    assert f"while its median round ({slim_median} ms) ignores the one slow round" in markdown
    (first,) = found(r"first looks \(sections 2-5\) more than 10% outside their own rounds: (.*)",
                     printed)
    assert first == "none"
    assert "No first look of sections 2 to 5 fell more than 10% outside its own rounds" \
        in markdown
    (n_rounds,) = found(r"(\d+) rounds in shuffled order", printed)
    assert n_rounds == "3" and 0.5 ** int(n_rounds) == 1 / 8
    assert (f"a variant would win all three one time in eight, $(1/2)^3$, and among "
            f"{len(rounds) - 1} variants such a sweep is no surprise") in markdown


def test_the_summary_and_the_eight_images(committed):
    """The Summary's speed-ups are the rounds' ratios (each like for like where it says so); the
    eight images' text names the images on which gray scores above fp32, as printed."""
    _, markdown, printed = committed
    ratios = {name.strip(): (lo, hi) for name, lo, hi in re.findall(
        r"^(.+?) +\d+\.\d - +\d+\.\d ms   ratio (\d\.\d\d) - (\d\.\d\d)", printed, flags=re.M)}
    static, runtime = ratios["ONNX int8 static"], ratios["ONNX fp32 (onnxruntime)"]
    assert 1.7 < float(static[0])
    assert (f"Against fp32 PyTorch it ran a photo {static[0]}-{static[1]}x as fast, but part of "
            f"that is the runtime (onnxruntime alone: {runtime[0]}-{runtime[1]}x)") in markdown
    rows = table(printed)
    int8_ms, onnx_ms = rows["ONNX int8 static"][1], rows["ONNX fp32 (onnxruntime)"][1]
    assert (f"int8 itself gained about {onnx_ms / int8_ms:.1f}x ({int8_ms} against {onnx_ms} "
            "ms)") in markdown
    static_db, minmax_db = found(r"int8 static ([+-]\d\.\d{3}) dB, with min/max ranges "
                                 r"([+-]\d\.\d{3}) dB", printed)
    assert (f"for a PSNR change of {static_db} dB with 99.9% ranges ({float(minmax_db):+.2f} dB "
            "with min/max ranges)") in markdown
    channels = [v for k, v in ratios.items() if "channels" in k and "ONNX" not in k]
    low, high = min(float(v[0]) for v in channels), max(float(v[1]) for v in channels)
    slim_ms = rows["50% channels, ONNX fp32"][1]
    (share,) = found(r"pruned \+ fine-tuned: (\d+)% of the size", printed)
    assert (f"really is smaller ({share}% of the file) and faster, like for like: {low:.2f}-"
            f"{high:.2f}x fp32 in PyTorch, about {onnx_ms / slim_ms:.1f}x fp32 in onnxruntime "
            f"({slim_ms} against {onnx_ms} ms, median rounds)") in markdown and low > 1 \
        and slim_ms < onnx_ms

    n, which = found(r"gray scores above fp32 PyTorch on (\d) of the 8 images \(counted from the "
                     r"left\): (.*)", printed)
    assert f"Gray scores above fp32 on {n} of the 8 images" in markdown
    assert which == "1, 4, 6" and "the first; the fourth, the airplane" in markdown \
        and "and the sixth, where fp32 paints the blue car red" in markdown
    (tests,) = found(r"/ ([\d,]+) test images", printed)
    (ahead,) = found(r"50% channels \+ fine-tune scores above fp32 PyTorch on images: (.*)",
                     printed)
    (_, tuned, _) = found(r"pruned \+ fine-tuned: (\d+)% of the size, PSNR ([+-]\d\.\d\d) dB "
                          r"\(before fine-tuning ([+-]\d\.\d\d) dB\)", printed)
    assert (f"That duller model even scores above fp32 on {len(ahead.split(', '))} of the 8 images "
            f"({ahead}; the second line printed above the figure), though over the {tests} test "
            f"images it is {-float(tuned):.2f} dB below") in markdown and float(tuned) < 0
    # the printed Summary's speed-ups are the ratios of the ms it shows
    (line,) = found(r"Summary: (.*)", printed)
    (reference,) = found(r"against fp32 PyTorch's (\d+\.\d) ms", line)
    shown = re.findall(r"(\d+\.\d) ms \((\d+\.\d)x\)", line)
    assert len(shown) >= 2
    assert all(f"{float(reference) / float(ms):.1f}" == x for ms, x in shown), shown
