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
    """The fenced code the markdown quotes is what colorlab.deploy runs, word for word, and the
    quantizer calls it names are the ones deploy.py makes."""
    _, markdown, _ = committed
    source = " ".join((ROOT / "colorlab" / "deploy.py").read_text(encoding="utf-8").split())
    blocks = re.findall(r"```python (.*?) ```", markdown)
    assert len(blocks) == 1 and "torch.onnx.export(" in blocks[0]
    assert blocks[0] in source, f"colorlab.deploy no longer runs: {blocks[0]}"
    assert "calls onnxruntime's `quantize_static` in the **QDQ** format" in markdown
    assert re.search(r"oq\.quantize_static\(.*?quant_format=oq\.QuantFormat\.QDQ, per_channel=True",
                     source)
    assert ("calls onnxruntime's `quantize_dynamic`, whose default `per_channel=False` gives each "
            "weight tensor a single scale") in markdown
    dynamic = re.search(r"oq\.quantize_dynamic\((.*?)\)", source).group(1)
    assert "per_channel" not in dynamic


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
        r"([+-]\d\.\d{3}) dB; int8 dynamic ([+-]\d\.\d{3}) dB in batches of up to 500, "
        r"([+-]\d\.\d{3}) dB one image per call", printed)
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
            f"{round(top * dyn_ms / 100)} ms of the {dyn_ms} ms, against {onnx_ms} ms for the "
            "whole fp32 ONNX model") in markdown
    assert top * dyn_ms / 100 > 2 * onnx_ms
    assert float(dynamic) < float(minmax) and float(dynamic) < float(single)
    assert abs(float(single)) < 0.05   # one image per call: next to nothing lost

    (colorful,) = found(r"colorfulness: (.*)", printed)
    colorful = dict(re.findall(r"(fp32 PyTorch|ONNX int8 static, min/max|ONNX int8 static|ONNX "
                               r"int8 dynamic) (\d+\.\d)", colorful))
    c_fp32, c_static = colorful["fp32 PyTorch"], colorful["ONNX int8 static"]
    c_minmax, c_dynamic = colorful["ONNX int8 static, min/max"], colorful["ONNX int8 dynamic"]
    assert (f"Min/max and dynamic int8 also score a higher colorfulness than fp32 ({c_minmax} and "
            f"{c_dynamic} against {c_fp32}): their colors moved, and their PSNR shows it was not "
            "toward the truth's") in markdown
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
    assert ("is one value out of about 4 million (2 values a pixel, 32 x 32 pixels, "
            f"{tests} images)") in markdown

    median, over5, over20, worst = found(r"median (\d\.\d\d) ab units, (\d+\.\d\d)% off by more "
                                         r"than 5, (\d\.\d{4})% by more than 20, the worst (\d+)",
                                         printed)
    assert (f"For static int8 the median value moved {median} ab units, {over5}% moved more than "
            f"5, {over20}% more than 20; section 7 shows where the worst, {worst}, lies.") \
        in markdown


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


def rounds_of(printed):
    """Section 6's rounds: {variant: (fastest, slowest, ratio low, ratio high)}."""
    lines = re.findall(r"^(.+?) +(\d+\.\d) - +(\d+\.\d) ms   ratio (\d\.\d\d) - (\d\.\d\d)$",
                       printed, flags=re.M)
    return {name.strip(): (float(lo), float(hi), r_lo, r_hi) for name, lo, hi, r_lo, r_hi in lines}


def test_the_table_and_figure_statements(committed):
    _, markdown, printed = committed
    rows = table(printed)
    assert len(rows) == 12
    names = list(rows)                                  # the figure numbers the table's rows
    numbered = ("ONNX int8 static", "ONNX int8 static, min/max", "ONNX int8 dynamic",
                "unstructured 90% zeros", "50% channels, no fine-tune", "50% channels + fine-tune")
    assert [names.index(n) + 1 for n in numbered] == [4, 5, 6, 9, 10, 11]
    gray = float(found(r"(?m)^gray baseline +([\d.]+)", printed)[0])
    raw, tuned = rows["50% channels, no fine-tune"], rows["50% channels + fine-tune"]
    assert raw[2] - gray < 0 < tuned[2] - gray
    assert f"it scores below gray ({raw[2] - gray:+.2f} dB)" in markdown
    assert abs(rows["unstructured 90% zeros"][2] - gray) < 0.05
    assert "90% zeros (9) sits on the line" in markdown
    dynamic = rows["ONNX int8 dynamic"][1]        # off the figure's scale, as its legend says
    assert all(dynamic > 3 * r[1] for name, r in rows.items() if name != "ONNX int8 dynamic")
    fp32, static = rows["fp32 PyTorch"], rows["ONNX int8 static"]
    minmax = rows["ONNX int8 static, min/max"]
    onnx = rows["ONNX fp32 (onnxruntime)"]
    assert (f"static int8 (4), with fp32's PSNR to within 0.02 dB ({static[2]:.2f} against "
            f"{fp32[2]:.2f}) in {static[1]} ms, against {onnx[1]} ms for fp32 in onnxruntime (3)") \
        in markdown
    assert abs(static[2] - fp32[2]) < 0.02 and static[1] < 0.75 * onnx[1]
    assert ("Min/max ranges (5) were as fast (their rounds overlap) and "
            f"{static[2] - minmax[2]:.2f} dB worse") in markdown
    r = rounds_of(printed)
    assert r["ONNX int8 static, min/max"][0] <= r["ONNX int8 static"][1] and \
        r["ONNX int8 static"][0] <= r["ONNX int8 static, min/max"][1]


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
    rounds = rounds_of(printed)
    assert len(rounds) == 12, "the rounds' lines are missing"
    lo, hi = rounds["fp32 PyTorch"][:2]
    spread = round(100 * (hi / lo - 1))
    assert f"fp32 PyTorch's own spread: {lo} - {hi} ms ({spread}% range)" in printed
    assert (f"fp32 PyTorch, the same model every round, took {lo} to {hi} ms, a {spread}% range: "
            "that is the machine's noise") in markdown
    verdicts = {kind: found(rf"(?m)^{kind} \(.*?\): (.*)$", printed)[0] for kind in
                ("faster", "slower", "within fp32's spread")}   # names joined by ", "
    for name, (lo_ms, hi_ms, *_) in rounds.items():   # the rule the text states, on the ranges
        if name != "fp32 PyTorch":
            kind = "faster" if hi_ms < lo else "slower" if lo_ms > hi else "within fp32's spread"
            if hi_ms == lo:                            # a tie as printed: the code saw more digits
                kind = "faster" if name in verdicts["faster"] else "within fp32's spread"
            assert name in verdicts[kind], f"{name}: printed outside '{kind}'"
    # the teaching verdicts, which any run should give
    big = ["ONNX fp32 (onnxruntime)", "ONNX int8 static", "ONNX int8 static, min/max",
           "50% channels, no fine-tune", "50% channels + fine-tune", "50% channels, ONNX fp32"]
    assert all(name in verdicts["faster"] for name in big)
    assert verdicts["slower"] == "ONNX int8 dynamic"
    assert ("Static int8 and the channel-pruned models were faster in every round and dynamic int8 "
            "slower") in markdown
    ratio_pattern = r"\s+[\d.]+ -\s+[\d.]+ ms\s+ratio ([\d.]+) - ([\d.]+)"
    ratio = {n: re.search(re.escape(n) + ratio_pattern, printed).groups()
             for n in ("torch.export (.pt2)", "ONNX fp32 (onnxruntime)")}
    spread = {n: float(hi) - float(lo) for n, (lo, hi) in ratio.items()}
    assert spread["ONNX fp32 (onnxruntime)"] < spread["torch.export (.pt2)"] / 2, \
        "the text says onnxruntime's ratio is steady where torch.export's swings"
    # this run's noise: two variants with fp32's arithmetic came out "faster", two stayed within
    same = ["torch.export (.pt2)", "unstructured 90% zeros"]
    assert verdicts["faster"] == ", ".join([same[0], *big[:3], same[1], *big[3:]])
    assert verdicts["within fp32's spread"] == "unstructured 30% zeros, unstructured 60% zeros"
    z90 = rounds["unstructured 90% zeros"][1]
    assert z90 == lo
    assert ("torch.export and 90% zeros came out \"faster\" too, 90% zeros by a hair (its slowest "
            f"round and fp32's fastest both print {lo} ms)") in markdown
    (first,) = found(r"first looks \(sections 2-5\) more than 10% outside their own rounds: (.*)",
                     printed)
    (fp32_first,) = found(r"(?m)^fp32 PyTorch +[\d.]+ MB +([\d.]+) ms", printed)
    assert f"fp32 PyTorch {fp32_first} ms (rounds {lo} - {hi})" in first and float(fp32_first) < lo
    assert f"fp32's first look in section 2, {fp32_first} ms, was below all three of its rounds" \
        in markdown


def test_the_summary_and_the_eight_images(committed):
    """The Summary's numbers are the table's (median rounds), each comparison one the rounds back;
    the eight images' text names what the printed lines say."""
    _, markdown, printed = committed
    rows, rounds = table(printed), rounds_of(printed)
    static_db, = found(r"int8 static ([+-]\d\.\d{3}) dB, with min/max", printed)
    (share,) = found(r"int8 static: (\d+)% of the fp32 ONNX file", printed)
    fp32, onnx, static = (rows[n][1] for n in ("fp32 PyTorch", "ONNX fp32 (onnxruntime)",
                                                 "ONNX int8 static"))
    assert (f"cut the file to {share}% of fp32's for a PSNR change of {static_db} dB, and ran the "
            f"network in {static} ms against {onnx} ms for fp32 in onnxruntime ({fp32} ms in "
            "PyTorch)") in markdown
    assert rounds["ONNX int8 static"][1] < rounds["ONNX fp32 (onnxruntime)"][0]   # no overlap
    slim, slim_onnx = rows["50% channels + fine-tune"][1], rows["50% channels, ONNX fp32"][1]
    (size, tuned) = found(r"pruned \+ fine-tuned: (\d+)% of the size, PSNR ([+-]\d\.\d\d) dB",
                          printed)
    assert (f"{size}% of the file, and {slim} and {slim_onnx} ms in PyTorch and onnxruntime "
            f"against fp32's {fp32} and {onnx} ms (no round overlapping), for {tuned} dB after a "
            "one-epoch fine-tune") in markdown
    assert rounds["50% channels + fine-tune"][1] < rounds["fp32 PyTorch"][0]
    assert rounds["50% channels, ONNX fp32"][1] < rounds["ONNX fp32 (onnxruntime)"][0]

    n, which = found(r"gray scores above fp32 PyTorch on (\d) of the 8 images \(counted from the "
                     r"left\): (.*)", printed)
    assert f"Gray scores above fp32 on {n} of the 8 images" in markdown
    assert which == "1, 4, 6" and "the first, a white boat" in markdown \
        and "the fourth, the airplane" in markdown \
        and "and the sixth, where fp32 paints the blue car red" in markdown
    (tests,) = found(r"/ ([\d,]+) test images", printed)
    (ahead,) = found(r"50% channels \+ fine-tune scores above fp32 PyTorch on images: (.*)",
                     printed)
    assert (f"That duller model even scores above fp32 on {len(ahead.split(', '))} of the 8 images "
            f"({ahead}), yet over the {tests} test images it is {-float(tuned):.2f} dB below") \
        in markdown and float(tuned) < 0
    # the printed Summary's speed-ups are the ratios of the ms it shows
    (line,) = found(r"Summary: (.*)", printed)
    (reference,) = found(r"fp32 PyTorch (\d+\.\d) ms", line)
    shown = re.findall(r"(\d+\.\d) ms \((\d+\.\d)x\)", line)
    assert len(shown) == 2 and float(reference) == fp32
    assert all(f"{float(reference) / float(ms):.1f}" == x for ms, x in shown), shown


def test_the_shipped_photo(committed):
    """Section 7: the photo's timings and scores, and the worst test image, as printed."""
    _, markdown, printed = committed
    work, = found(r"photo '\w+', \d+ x \d+, colorized at (\d+) px", printed)
    assert work == "128" and "the working size (128 px on the shorter side" in markdown
    (gray,) = found(r"PSNR against the color original \(gray: (\d+\.\d\d) dB\)", printed)
    lines = re.findall(r"^(fp32 PyTorch|int8\.onnx|int8\.onnx, no spinning) +(\d+\.\d) ms "
                       r"\((\d+\.\d) - (\d+\.\d)\) +PSNR (\d+\.\d\d) dB$", printed, flags=re.M)
    apps = {name: (float(med), float(lo), float(hi), p) for name, med, lo, hi, p in lines}
    assert len(apps) == 3
    fp32, spin, quiet = apps["fp32 PyTorch"], apps["int8.onnx"], apps["int8.onnx, no spinning"]
    assert spin[1] > fp32[2] and quiet[2] < fp32[1]     # every round, both ways
    assert (f"was *slower* than fp32 PyTorch: {spin[0]} against {fp32[0]} ms a photo (median "
            "rounds; every int8 round slower than every fp32 round)") in markdown
    assert f"With spinning off, the same file took {quiet[0]} ms, faster than fp32 in every round" \
        in markdown
    rows = table(printed)
    ratio = rows["ONNX fp32 (onnxruntime)"][1] / rows["ONNX int8 static"][1]
    assert f"its network alone ran about {ratio:.1f}x as fast as fp32's in onnxruntime" in markdown
    assert spin[3] == quiet[3]
    assert (f"On this photo int8 scored {spin[3]} dB against fp32's {fp32[3]} (gray: {gray})") \
        in markdown
    median, most = found(r"the photo, int8 against fp32 per pixel: median (\d+\.\d) ab units, "
                         r"[\d.]+% of pixels more than 5 apart, the most (\d+)", printed)
    assert f"the median pixel moved {median} ab units, the most {most}" in markdown
    worst, share = found(r"the test image with the worst value \(number \d+\): the most (\d+) ab "
                         r"units, (\d+\.\d)% of its pixels more than 5 apart", printed)
    line = printed.split("static int8 against fp32, per predicted", 1)[1].split("\n", 1)[0]
    (overall,) = found(r"the worst (\d+)$", line)
    assert worst == overall
    (tests,) = found(r"/ ([\d,]+) test images", printed)
    assert (f"The test image holding the worst value of all {tests}, {worst} ab units, is a bird") \
        in markdown and f"{share}% of its pixels moved more than 5" in markdown
