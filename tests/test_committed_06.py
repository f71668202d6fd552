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
    nb, markdown, printed, folded = read(NOTEBOOK)
    # lines the run printed folded under a title (a <details> markdown output) count as printed
    return nb, markdown, printed + "\n" + folded


found = finder("06")


def ops(listing):
    """{'Conv': 15, ...} from a printed 'Conv 15, Relu 14, ...' (or shares: 'QLinearConv 51.5%')."""
    return {op: float(n) for op, n in re.findall(r"(\w+) (\d+(?:\.\d+)?)%?(?:,|$)", listing)}


def code_of():
    """The notebook's code cells, joined."""
    return "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
                     if c.cell_type == "code")


def number(value):
    """A printed number as the markdown quotes it: '15', not '15.0'."""
    return f"{value:g}"


def quick_runs(nb, printed):
    """RUNS in quick mode: the value the code picks, confirmed by section 5's printed calls
    (max(3, RUNS // 2) per round)."""
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    runs = int(re.search(r"RUNS = RUNS or run\.pick\(smoke=\d+, quick=(\d+)", source).group(1))
    (calls,) = found(r"rounds in shuffled order, medians of (\d+) calls each", printed)
    assert int(calls) == max(3, runs // 2)
    return runs, int(calls)


def markdown_index(cells, text):
    """The index of the first markdown cell that contains ``text``."""
    return next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and text in c.source)


def run_time(printed):
    """The seconds that summary() prints under the Summary line: start() to that line."""
    (seconds,) = found(r"(?m)^Run time: (\d+) s from start\(\) to this line\.$", printed)
    return int(seconds)


def worst_image_panels():
    """Section 6's figure as committed, its bottom row (the worst test image): the fp32 and the
    int8 panels, each an (H, W, 3) int array of RGB 0-255, frames trimmed."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    cell = next(c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"
                and "def ab_gap(" in c.source)
    (png,) = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get(
        "data", {})]
    image = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")).astype(int)
    low = image[image.shape[0] // 2:]
    dark = low.sum(axis=2) < 150
    edges = np.flatnonzero(dark.sum(axis=0) > 150)          # the axes' dark vertical frame lines
    panels = []
    for left, right in zip(edges[:6:2], edges[1:6:2]):
        rows = np.flatnonzero(dark[:, left:right + 1].sum(axis=1) > 0.9 * (right - left))
        panels.append(low[rows[0] + 3:rows[-1] - 2, left + 3:right - 2])
    return panels                                            # truth, fp32, int8


def photo_figure():
    """Section 6's figure as committed, its top row cut into panels: (color original, fp32, int8,
    the int8-against-fp32 map), each an (H, W, 3) int array of RGB 0-255, frames trimmed."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    cell = next(c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"
                and "def ab_gap(" in c.source)
    (png,) = [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get(
        "data", {})]
    image = np.asarray(Image.open(io.BytesIO(base64.b64decode(png))).convert("RGB")).astype(int)
    top = image[:image.shape[0] // 2]                       # the photo's row
    dark = top.sum(axis=2) < 150
    edges = np.flatnonzero(dark.sum(axis=0) > 150)          # the axes' dark vertical frame lines
    panels = []
    for left, right in zip(edges[:6:2], edges[1:6:2]):       # the three pictures: two frame lines
        rows = np.flatnonzero(dark[:, left:right + 1].sum(axis=1) > 0.9 * (right - left))
        panels.append(top[rows[0] + 2:rows[-1] - 1, left + 2:right - 1])
    left = edges[6]                                          # the map: up to the white gap
    rows = np.flatnonzero(dark[:, left])
    white = (top[rows[0]:rows[-1] + 1].min(axis=2) > 240).mean(axis=0)
    right = left + np.flatnonzero(white[left:] > 0.9)[0] - 1
    panels.append(top[rows[0] + 2:rows[-1] - 1, left + 2:right - 1])
    assert all(p.shape[0] > 150 and p.shape[1] > 250 for p in panels), [p.shape for p in panels]
    return panels


def test_the_committed_run_deploys_the_pretrained_colorizer_in_quick_mode(committed):
    _, markdown, printed = committed
    assert "mode: quick" in printed and "data: CIFAR-10 image-folder copy" in printed
    assert "the pretrained colorizer cifar10-l1-unet" in printed
    assert "CIFAR-10's train/ folder; CIFAR-10's test images (test/) it never saw" in printed
    assert "WARNING" not in printed and "Warning" not in printed


def test_the_time_line_gives_the_committed_run(committed):
    _, markdown, printed = committed
    seconds = run_time(printed)
    (device,) = found(r"\| device: (CPU \([^)]*\)) \|", printed)    # the run's first line
    assert device == "CPU (AMD EPYC, 2 cores)"
    assert ("**Time.** An hour or more to read. The committed run that the text quotes took "
            f"{seconds} s in quick mode on {device}; a run elsewhere prints other numbers.") \
        in markdown
    assert "as the README's results section records" not in markdown
    assert "the `Run time` line just above the Summary" not in markdown   # pointers cut
    assert "About 50 minutes to read" not in markdown    # a careful first read takes longer
    assert "About an hour to read" not in markdown       # nothing measures it: said modestly
    assert "2 CPU threads for every timing, on this CPU: AMD EPYC" in printed
    # the precision line is the library's own (r124: this session's CPU has no bf16 at all)
    (precision,) = found(r"\| precision: (float32 \([^)]*\)) \|", printed)
    device_src = (ROOT / "colorlab" / "device.py").read_text(encoding="utf-8")
    assert f'"{precision}"' in device_src
    # that line sits at the end of the last code cell before the Summary heading
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    heading = next(i for i, c in enumerate(cells) if c.cell_type == "markdown"
                   and c.source.startswith("## Summary"))
    above = cells[heading - 1]
    assert above.cell_type == "code" and "Run time: " in "".join(
        o.get("text", "") for o in above.get("outputs", []))


def test_in_the_run_committed_here_at_most_once_per_section():
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
             if c.cell_type == "markdown"]
    sections = re.split(r"(?m)^## ", "\n".join(cells))
    for section in sections:
        words = " ".join(section.split())
        assert words.count("in the run committed here") + words.count("In the run committed "
                                                                      "here") <= 1, section[:80]


def test_the_middle_channels_answer():
    """Section 4's question 2: an encoder block's outputs go to the skip list and the pooling; a
    decoder block's to the next upsampling conv (or the head), as UNet.forward runs them."""
    markdown = " ".join(" ".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
                                 if c.cell_type == "markdown").split())
    forward = (ROOT / "colorlab" / "models.py").read_text(encoding="utf-8")
    assert "skips.append(x)" in forward and "x = self.pool(x)" in forward
    assert "x = up_conv(x)" in forward and "decode(torch.cat([x, skip], dim=1))" in forward
    assert ("A block's outputs feed the next layer, and an encoder block's feed a skip "
            "connection too.") in markdown


def test_the_readme_quotes_this_run(committed):
    _, _, printed = committed
    seconds = run_time(printed)
    (summary,) = found(r"Summary: (.*)", printed)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [06 "))
    assert row.rstrip().endswith(f"| {seconds} s |"), row
    result = next(line for line in readme.splitlines() if line.startswith("| 06 |"))
    assert summary.strip() in result and result.rstrip().endswith(f"| {seconds} s |")


def test_the_worst_test_image_as_the_text_describes_it(committed):
    """r124: the 8-bit file turned the worst image's blue sky beige; r127: with the default 7-bit
    weights the worst image differs at a few pixels only, so its int8 panel looks like fp32's, as
    the committed figure shows."""
    _, markdown, _ = committed
    truth, fp32, int8 = worst_image_panels()
    assert fp32.shape == int8.shape
    assert abs(fp32 - int8).mean() < 3                          # 0-255: much alike
    assert "turns its blue sky beige" not in markdown


def test_the_channel_schematic_hatches_the_shortest_bars():
    """Section 4's figure: the hatched channels are the smallest |gamma| (as prune_channels picks
    them), each BatchNorm bar is as long as its |gamma|, and the dashed line stands between the
    largest removed |gamma| and the smallest kept one: hatched bars end left of it, kept ones
    cross it."""
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    drawn = next(c.source for c in cells if c.cell_type == "code" and "def crossed(" in c.source)
    assert "cut = set(gamma.argsort()[:round(CHANNEL_SHARE * middle)].tolist())" in drawn
    assert "width = 14 * gamma[c].item() / gamma.max().item()" in drawn
    assert "kept_low = min(gamma[c].item() for c in range(middle) if c not in cut)" in drawn
    assert "cut_high = max(gamma[c].item() for c in cut)" in drawn
    assert "x_cut = 34 + 14 * (kept_low + cut_high) / 2 / gamma.max().item()" in drawn
    assert 'ax.plot([x_cut, x_cut], [-0.4, middle + 0.2], color="k", lw=1.3, ls="--")' in drawn
    markdown = " ".join(" ".join(c.source for c in cells if c.cell_type == "markdown").split())
    assert ("its slice of every filter in the second conv (hatched in the figure).") in markdown
    # r103: each bar's |gamma| printed beside it, and the cut's value on its label
    assert 'ax.text(48.6, c + 0.4, f"{gamma[c]:.2f}"' in drawn
    assert ('ax.text(x_cut, middle + 0.3, f"the cut, |gamma| = {(kept_low + cut_high) / 2:.2f}: '
            'hatched bars end left of it"') in drawn
    # r94 CODE ASK 4: a key for the blue, orange and hatched cells
    assert all(f'label="{k}' in drawn for k in ("kept: a conv filter", "kept: a BatchNorm entry",
                                                "removed"))
    # the figure's block, from the shipped weights the committed run used (CHECKPOINT = None):
    # the smallest kept |gamma| lies within 10% of the largest bar above the largest removed one
    import torch

    from colorlab import pretrained
    assert re.search(r"(?m)^CHECKPOINT = None ", "\n".join(c.source for c in cells))
    gamma = torch.load(pretrained.weights_path("cifar10-l1-unet"), weights_only=True)[
        "model"]["encoders.0.1.weight"].abs().sort().values
    half = len(gamma) // 2                                          # CHANNEL_SHARE 0.5
    assert 0 < gamma[half] - gamma[half - 1] < 0.1 * gamma[-1]


def test_the_photo_figure_as_the_text_describes_it(committed):
    """r89: fp32's own colors on the cat are dull and partly green (against the color original),
    as the committed figure shows."""
    _, markdown, _ = committed
    original, fp32, int8, gap = photo_figure()

    def chroma(panel):
        return (panel.max(axis=2) - panel.min(axis=2)).mean()   # 0 for gray

    def green(panel):
        return (panel[..., 1] > panel[..., 0]).mean()            # share of pixels greener than red

    assert chroma(fp32) < 0.5 * chroma(original)                 # dull
    assert green(fp32) > 0.05 > 0.01 > green(original)           # partly green; the cat is not
    assert abs(chroma(int8) - chroma(fp32)) < 0.1 * chroma(fp32)   # int8 looks like fp32
    assert gap.shape[0] > 150                                    # the map is cut out too


def test_the_r98_cuts_and_figure_asks(committed):
    """r98: section 6's side paragraph (the photo's smaller network gain with spinning on) is cut;
    fig_14 says it draws the first conv, fig_22's legend names the shaded tail, fig_45 tells the
    variants of one family apart by their fill."""
    _, markdown, printed = committed
    assert "gained less" not in markdown and "does not test whether that is why" not in markdown
    code = code_of()
    assert "the first conv (the network's input), in the file (QDQ format)" in code
    # r107 CODE ASK 1: the clipped bars themselves in orange, hatched (no translucent band);
    # r124 (cold read r124): the legend's swatch shows it, the label no longer says it
    assert 'label="clipped by the 99.9% range")' in code and "(orange, hatched)" not in code
    assert 'title="the bottleneck\'s last ReLU: calibration values and the two int8 ranges"' in code
    assert "ax.hist(acts[acts > clip], bins=bins" in code and "axvspan" not in code
    assert "kin = [m for m in results if family(m) == family(n)].index(n)" in code
    assert 'dict(fillstyle="bottom", mfcalt="white"' in code and 'dict(fillstyle="none"' in code
    # r129 (cold read r128 FIGURES 4): rows 4 and 5 sit on one spot; each has its own shape and
    # color (not a fill style of int8's square), and its own label (no merged "4 ..., 5 ...")
    assert ('own = {"ONNX int8 static, 8-bit weights": ("p", "#d55e00", dict(mec="k", mew=0.8)),'
            in code and '"ONNX int8 static, min/max": ("x", "k", dict(mew=2.5))}' in code)
    assert "marker, color, fill = own[n]" in code
    assert "merge=0.5, avoid=keep_off)" in code and "merge=10" not in code


def test_the_r94_code_asks(committed):
    """r94 CODE ASKS 1 and 3: the ReLU picked by its place in the model, checked; variants 1, 2
    and 3 of the size-speed figure told apart by their markers."""
    code = code_of()
    assert "relu = model.bottleneck[5]" in code and "isinstance(relu, torch.nn.ReLU)" in code
    assert "if isinstance(m, torch.nn.ReLU)][7]" not in code
    assert ('marker = {"torch.export (.pt2)": "v", "ONNX fp32 (onnxruntime)": "P"}.get(n, marker)'
            in code)


def test_what_ships_is_cut_and_its_speed_up_is_a_pair(committed):
    """r121 (cold read r120): the "what ships" table is cut; r124 (cold read r124 ASK 5): the
    spinning-off pair on section 5's input, printed and never read, is cut with its variant;
    section 6 ends with what to ship and its key idea."""
    nb, markdown, printed = committed
    assert "What ships" not in printed and "**What ships**" not in markdown
    assert "def photo_x(" not in code_of()
    assert "int8 static, spinning off, over fp32" not in printed
    assert 'to_time["ONNX int8 static, no spinning"]' not in code_of()
    cells = nb.cells
    ship = markdown_index(cells, "**The maps compare int8 with fp32")
    assert cells[ship + 1].source.startswith("**Key idea:** time the whole call")
    assert "**What to ship on this 2-core CPU:**" in cells[ship].source


def test_the_spinning_test_names_its_folded_helpers(committed):
    """Cold read r119: the visible spinning test uses judged, defined in a collapsed cell; a
    comment says where it comes from (a comment only: the outputs are the run's)."""
    nb, _, _ = committed
    (spin,) = [c for c in nb.cells if c.cell_type == "code"
               and c.source.startswith("# Testing the spinning explanation")]
    assert not spin.metadata.get("jupyter", {}).get("source_hidden"), "teaching code: visible"
    assert "judged (section 5's rule) comes from a folded cell above" in spin.source
    assert "as_image(" not in spin.source
    assert "from colorlab.images import to_rgb_tensor" in spin.source
    for name in ("def judged(",):
        (home,) = [c for c in nb.cells if c.cell_type == "code" and name in c.source]
        assert home.metadata.get("jupyter", {}).get("source_hidden"), name
        assert nb.cells.index(home) < nb.cells.index(spin), name


def the_rule(mid, way, agreed, rounds):
    """The timing rule as section 5 states it, on a printed median ratio and count of rounds."""
    if mid > 1.1 and way == "faster" and agreed >= rounds - 1:
        return "faster"
    if mid < 1 / 1.1 and way == "slower" and agreed >= rounds - 1:
        return "slower"
    if agreed == rounds:                 # r124: every round one way, the median within 10%
        return f"consistently {way}, under 10%"
    return "no clear difference"


def said(word):
    """A verdict word of the rule as the text says it in a sentence."""
    return {"faster": "was faster", "slower": "was slower",
            "no clear difference": "made no clear difference",
            "consistently faster, under 10%": "was consistently faster, but under the 10% margin",
            "consistently slower, under 10%": "was consistently slower, but under the 10% margin"
            }[word]



# ---------------------------------------------------------------------------------------------
# s33 (structural round, cold read r132): the lecture was restructured; the tests below check
# every number and ranking the new markdown states against the printed outputs of the run.
# ---------------------------------------------------------------------------------------------

WORD = r"faster|slower|no clear difference|consistently (?:faster|slower), under 10%"
VERDICT = (r"(\d+\.\d\d)x \((\d+\.\d\d) - (\d+\.\d\d)\)  (faster|slower) in (\d+) of (\d+) "
           r"rounds: (" + WORD + ")")
INT8_ROWS = ("int8 static (int8.onnx, the defaults)", "int8 static, 8-bit weights",
             "int8 static, min/max ranges", "int8 dynamic, one image per call",
             "int8 dynamic, batches of up to 500")
STATIC_FILES = ("int8.onnx", "int8-8bit.onnx", "int8-minmax.onnx")
SHORT = {"ONNX fp32 (onnxruntime)": "the ONNX fp32 file", "ONNX int8 static": "Static int8",
         "ONNX int8 static, 8-bit weights": "the 8-bit file",
         "ONNX int8 static, min/max": "min/max int8", "ONNX int8 dynamic": "Dynamic int8",
         "50% channels + fine-tune": "the channel-pruned model",
         "unstructured 90% zeros": "90% zeros"}


def flat(markdown):
    return " ".join(markdown.split())


def section(markdown, start, end):
    """The markdown between two headings (or texts), on one line."""
    return flat(markdown).split(start, 1)[1].split(end, 1)[0]


def rows_of(printed):
    """measure()'s printed rows: {name: {"mb", "psnr", "gray", "max", "mean"}}."""
    rows = {}
    for name, mb, p, gray, mx, mean in re.findall(
            r"(?m)^(\S.*?) +(\d+\.\d\d|nan) MB +PSNR (\d+\.\d\d) dB \(gray (\d+\.\d\d)\) +"
            r"\|d ab\| max (\S+), mean (\S+)$", printed):
        rows[name] = {"mb": float(mb), "psnr": float(p), "gray": float(gray), "max": float(mx),
                      "mean": float(mean)}
    return rows


def int8_table(printed):
    """Section 3's table: {label: (PSNR change as printed, size in % of the fp32 ONNX file,
    mean |d ab| as printed, "yes" or "no": under section 1's bar)}."""
    block = printed.split("and the fp32 ONNX file (", 1)[1].split("\n\n", 1)[0]
    found_rows = re.findall(r"(?m)^(int8 (?:static|dynamic)[^\n]*?) +([+-]\d\.\d{3}) dB +(\d+)% +"
                            r"(\d+\.\d\d)  (yes|no)$", block)
    rows = {label.strip(): (db, int(size), mean, under)
            for label, db, size, mean, under in found_rows}
    assert tuple(rows) == INT8_ROWS, rows
    return rows


def kernel_table(printed):
    """Going deeper A's table: {file: {"top", "sum", "over", "kernels", "float"}}."""
    rows = {}
    for name, low, top, most, side, kernels, float_db in re.findall(
            r"(?m)^(int8(?:-8bit|-minmax)?\.onnx) +-(\d+) to (\d+) +([\d,]+) \((within|over)\) +"
            r"([+-]\d\.\d{3}) dB +([+-]\d\.\d{3}) dB$", printed):
        assert low == top, name
        rows[name] = {"top": int(top), "sum": int(most.replace(",", "")), "over": side == "over",
                      "kernels": kernels, "float": float_db}
    assert tuple(rows) == STATIC_FILES, rows
    return rows


def relu_table(printed):
    """Going deeper A's two ranges of the bottleneck's last ReLU: {label: (top, step, %
    clipped)}."""
    block = printed.split("the bottleneck's last ReLU on ", 1)[1].split("\n\n", 1)[0]
    ranges = {label: tuple(float(v) for v in rest) for label, *rest in re.findall(
        r"(?m)^(99\.9% range \(int8\.onnx\)|min/max range) +(\d+\.\d\d) +(\d\.\d{4}) +"
        r"(\d+\.\d{3})%$", block)}
    assert len(ranges) == 2, block
    return ranges


ROW = (r"(?m)^ ?(\d+)\. (.+?) +([\d.]+) +(\d+\.\d\d)x +(\d+\.\d\d) - (\d+\.\d\d) +"
       r"(?:(faster|slower) (\d+)/(\d+))?  (the reference|" + WORD + r") +(\d+\.\d\d)$")


def section5(printed):
    """Section 5's table: {variant: {"number", "mb", "speedup", "low", "high", "way", "agreed",
    "n", "verdict", "psnr"}}."""
    header = r"(?m)^variant +MB +speed-up +lowest - highest +rounds +verdict +PSNR\n"
    body = re.split(header, printed)[1].split("gray baseline", 1)[0]
    rows = {}
    for m in re.finditer(ROW, body):
        number_, name, mb, x, low, high, way, agreed, n, verdict, psnr = m.groups()
        rows[name.strip()] = {"number": int(number_), "mb": float(mb), "speedup": float(x),
                              "low": float(low), "high": float(high),
                              "way": way, "agreed": int(agreed or 0),
                              "n": int(n or 0), "verdict": verdict, "psnr": float(psnr)}
    assert len(rows) == 9, rows
    return rows


def the_rule_of(row):
    return the_rule(row["speedup"], row["way"], row["agreed"], row["n"])


STEP_COLUMNS = ("fp32 PyTorch", "on", "off", "on, 1 thread", "off, 1 thread")


def step_table(printed):
    """Going deeper B's step table: {step: {column: ms}}."""
    body = printed.split("the photo's call made step by step: ms per step, medians of", 1)[1]
    steps = {name.strip(): dict(zip(STEP_COLUMNS, map(float, ms))) for name, *ms in re.findall(
        r"(?m)^([A-Za-z_, 0-9]+?) +" + r" +".join([r"(\d+\.\d) ms"] * 5) + "$", body)}
    assert "the network alone (section 6)" not in body        # s33: no ms of another table
    return steps


def photo_calls(printed):
    """Section 6's table: {app: {"net_x", "net_low", "net_high", "net_word", "call_x", "call_low",
    "call_high", "call_word"}}, speed-ups over fp32 PyTorch as printed."""
    x = r"(\d\.\d\d)x \((\d\.\d\d) - (\d\.\d\d)\)"
    apps = {}
    for m in re.finditer(r"(?m)^(int8\.onnx|int8\.onnx, no spinning) +" + x + r" (" + WORD + r") +"
                         + x + r" (" + WORD + r")$", printed):
        name, *values = m.groups()
        apps[name] = dict(zip(("net_x", "net_low", "net_high", "net_word", "call_x", "call_low",
                               "call_high", "call_word"), values))
    assert list(apps) == ["int8.onnx", "int8.onnx, no spinning"], apps
    return apps


def the_bar(markdown):
    """Section 1's bar on the mean |d ab| and what it keeps the mean ΔE under, as said there."""
    text = section(markdown, "## 1. The reference", "## 2.")
    bound, twice, jnd = found(
        r"So a mean under (\d\.\d) keeps the mean ΔE under (\d\.\d), below the just noticeable "
        r"(\d\.\d) \(Mahy et al\., 1994\)\.", text)
    return bound, twice, jnd


def test_section_1_the_ruler_and_the_delta_e_bound(committed):
    _, markdown, printed = committed
    text = section(markdown, "## 1. The reference", "## 2.")
    bound, twice, jnd = the_bar(markdown)
    # ΔE <= |d a| + |d b| = 2 x their mean; Mahy et al. (1994) put the just noticeable ΔE at 2.3
    assert abs(float(twice) - 2 * float(bound)) < 1e-9 and float(twice) < float(jnd)
    assert jnd == "2.3"
    # the bar the code applies (section 3's table prints it and marks each row against it)
    assert f"against section 1's bar of {bound} ab units" in printed
    assert f"{{'yes' if row['mean_diff'] < {bound} else 'no'}}" in code_of()
    assert "a pixel's [ΔE](../docs/glossary.md#delta-e) from fp32 is at most |d a| + |d b|" in text
    # s34 (cold read r134): the factor of 2; the mean |d ab| is over both channels (diff.mean())
    assert "Averaged over the pixels, |d a| + |d b| is twice the mean |d ab|." in text
    source = code_of()
    assert "diff = AB_SCALE * (ab - reference_ab).abs()    # in ab units" in source
    assert '"mean_diff": diff.mean().item()' in source and "diff.amax(dim=1)" in source
    assert "AB_SCALE = 110.0" in (ROOT / "colorlab" / "color.py").read_text(encoding="utf-8")
    assert "`AB_SCALE`, 110" in text
    # the fp32 row's own gap: tiny, not 0; the exported files' of the same order (section 2)
    rows = rows_of(printed)
    assert 0 < rows["fp32 PyTorch"]["max"] < 0.01
    for name in ("torch.export (.pt2)", "ONNX fp32 (onnxruntime)"):
        assert rows[name]["max"] < 10 * rows["fp32 PyTorch"]["max"] and rows[name]["max"] <= 0.01
    assert "net.to(memory_format=torch.channels_last)" in source and "L_test.split(500)" in source
    assert ("Their largest |d ab| is as tiny as the fp32 row's own, which only recomputes fp32 in "
            "batches, in another memory layout.") in flat(markdown)


def test_section_2_export(committed):
    _, markdown, printed = committed
    text = section(markdown, "## 2. torch.export", "## 3.")
    assert "to 0.01 ab units" in text and "onnx_row[\"max_diff\"] <= 0.01" in code_of()
    (nodes,) = found(r"model\.onnx: opset \d+, \d+ initializers; nodes: (.*); input:", printed)
    assert ops(nodes)["MaxPool"] == 3 and "'depth': 3" in printed
    assert "input: [('L', ['n', 1, '8*h', '8*w'])]" in printed
    assert ("height and width must be multiples of 8, since the UNet halves them three times."
            in text)
    # s34 (cold read r134 ASK 6): no BatchNormalization node, though every conv_block has two
    assert "BatchNorm" not in nodes and "nn.BatchNorm2d(mid)" in (
        ROOT / "colorlab" / "models.py").read_text(encoding="utf-8")
    assert ("The node list has no BatchNormalization node. In eval mode a BatchNorm is a fixed "
            "scale and shift per channel, so the export folded each one into the conv before it."
            in flat(markdown))
    rows = rows_of(printed)
    assert rows["ONNX fp32 (onnxruntime)"]["max"] <= 0.01               # the math unchanged
    assert ("So ship the `.pt2` file to a program that runs PyTorch anyway, and the ONNX file "
            "elsewhere.") in text


def test_section_3_int8(committed):
    _, markdown, printed = committed
    text = section(markdown, "## 3. int8", "## 4.")
    rows = int8_table(printed)
    static_db, share = rows["int8 static (int8.onnx, the defaults)"][:2]
    pct, lost = found(r"stores the network in (\d+)% of the fp32 ONNX file, and lost (\d\.\d\d) "
                      r"dB\.", text)
    assert int(pct) == share and f"{-float(static_db):.2f}" == lost
    bar = the_bar(markdown)[0]
    (mean,) = found(r"Its colors moved from fp32's by (\d\.\d\d) ab units on average, under "
                    rf"section 1's bar of {re.escape(bar)}\.", text)
    default = rows["int8 static (int8.onnx, the defaults)"]
    assert mean == default[2] and default[3] == "yes" and float(mean) < float(bar)
    assert abs(float(mean) - rows_of(printed)["ONNX int8 static"]["mean"]) < 0.006
    # s34: the 8-bit and min/max rows' "over the bar" left to the table (its "under 1.1?" column)
    assert "over the bar" not in text
    (eight,) = found(r"\*\*8-bit weights lost more \((\d\.\d\d) dB\), though their steps are "
                     r"finer\.\*\*", text)
    assert f"{-float(rows['int8 static, 8-bit weights'][0]):.2f}" == eight
    assert float(rows["int8 static, 8-bit weights"][0]) < float(static_db)
    (isa,) = found(r"(?m)^this CPU's int8 dot-product instructions \(VNNI or newer\): (.*)$",
                   printed)
    assert isa == "none" and "This CPU lacks VNNI" in text
    # the last line of the cell above the paragraph
    cell = next(c for c in committed[0].cells if c.cell_type == "code"
                and "batches of up to 500" in c.source)
    out = "".join(o.get("text", "") for o in cell.outputs).rstrip()
    assert out.splitlines()[-1].startswith("this CPU's int8 dot-product instructions")
    (mm,) = found(r"\*\*Min/max ranges lost (\d\.\d\d) dB\.\*\*", text)
    assert f"{-float(rows['int8 static, min/max ranges'][0]):.2f}" == mm
    (batch,) = found(r"In batches of up to 500 images it lost (\d\.\d\d) dB, though one image per "
                     r"call lost almost nothing\.", text)
    assert f"{-float(rows['int8 dynamic, batches of up to 500'][0]):.2f}" == batch
    assert abs(float(rows["int8 dynamic, one image per call"][0])) < 0.02
    assert section5(printed)["ONNX int8 dynamic"]["verdict"] == "slower"
    assert section5(printed)["ONNX int8 dynamic"]["speedup"] < 0.5            # "far slower"
    # the 7-bit default: the library's, and the kernel table in Going deeper A backs the cause
    kernels = kernel_table(printed)
    assert kernels["int8.onnx"]["top"] == 64 and kernels["int8-8bit.onnx"]["top"] == 127
    assert kernels["int8-8bit.onnx"]["over"] and not kernels["int8.onnx"]["over"]
    assert "Going deeper A measures the causes for all three files." in text
    assert text.count("Going deeper") == 1                   # one pointer per section
    deploy_src = (ROOT / "colorlab" / "deploy.py").read_text(encoding="utf-8")
    assert "reduce_range: bool = True" in deploy_src
    # s34 (cold read r134): -64 to 64 is 129 levels; onnxruntime's option is reduce_range
    (levels,) = found(r"Its weights stay between -64 and 64, which is (\d+) levels\. The "
                      r"onnxruntime option that does this, `reduce_range`, calls it 7-bit\.", text)
    assert int(levels) == 2 * kernels["int8.onnx"]["top"] + 1
    assert re.search(r"reduce_range=True, +# weights in -64\.\.64 \(7-bit\)", code_of())
    # the figure's int32 sums, and the 16-bit pair sums before them on a CPU without VNNI
    assert "int8 weights, int32 sums, uint8 out" in code_of()
    assert ("Without them, onnxruntime's int8 convolution first adds pairs of uint8 x int8 "
            "products in a 16-bit integer, and only then forms the int32 sums of the "
            "figure.") in text
    assert kernels["int8-8bit.onnx"]["sum"] > 32767 >= kernels["int8.onnx"]["sum"]
    # s34 r11 (cold read r135 ASK 4): Going deeper A's float-math number, quoted where the cause is
    (flt,) = found(r"Computed in float on the same rounded values, the 8-bit file loses only "
                   r"(\d\.\d\d) dB\.", text)
    assert f"{-float(kernels['int8-8bit.onnx']['float']):.2f}" == flt
    assert float(flt) < 0.25 * -float(kernels["int8-8bit.onnx"]["kernels"])
    # question 2's answer: the parts of the file the figure draws besides the int8 weights
    assert ("It also stores the scales, the 32-bit biases and the Q and DQ nodes that the figure "
            "shows.") in text
    figure = code_of()
    assert all(part in figure for part in ('"bias: int32"', '"DequantizeLinear"',
                                           '"weight: int8\\n+ one scale per channel"'))
    assert share > 25
    # the worked number: q = round(w / s) (the nearest step), read back as q x s
    s, w, q, q2, s2, back = found(
        r"with \$s = (0\.\d+)\$ the weight \$w = (0\.\d+)\$ becomes \$q = (\d+)\$, because "
        r"\$(\d+) \\times (0\.\d+) = (0\.\d+)\$ is the nearest step\.", text)
    assert (q2, s2) == (q, s)
    assert int(q) == round(float(w) / float(s)) and abs(int(q) * float(s) - float(back)) < 1e-9


def test_section_4_pruning(committed):
    _, markdown, printed = committed
    text = section(markdown, "## 4. Pruning", "## 5.")
    rows = rows_of(printed)
    fp32 = rows["fp32 PyTorch"]
    zeros = rows["unstructured 90% zeros"]
    assert "At 90% zeros, the model's PSNR ties the grayscale baseline's." in text
    assert abs(zeros["psnr"] - zeros["gray"]) < 0.05
    assert all(abs(rows[f"unstructured {s}% zeros"]["mb"] - fp32["mb"]) < 0.02 * fp32["mb"]
               for s in (30, 60, 90))
    raw = rows["50% channels, no fine-tune"]
    assert "PSNR falls most of the way to gray's" in text
    assert fp32["psnr"] - raw["psnr"] > raw["psnr"] - raw["gray"]
    pct, change = found(r"The file shrank to (\d+)% of fp32's, and one epoch of fine-tuning won "
                        r"most of the lost PSNR back, to (-\d\.\d\d) dB from fp32\.", text)
    printed_pct, printed_change, before = found(
        r"pruned \+ fine-tuned: (\d+)% of the size, PSNR (-\d\.\d\d) dB \(before fine-tuning "
        r"(-\d\.\d\d) dB\)", printed)
    assert (pct, change) == (printed_pct, printed_change)
    assert -float(change) < -0.5 * float(before)              # most of the loss won back
    # the grid: image 6, gray above fp32
    shown, above = found(r"shown: images ([\d, ]+) of the 8 drawn \(the last four whose truth has "
                         r"color; a gray truth would show nothing\); gray scores above fp32 "
                         r"PyTorch "
                         r"on: (.*)", printed)
    assert "6" in above.split(", ") and set(above.split(", ")) <= set(shown.split(", "))
    assert "On image 6, fp32 paints the blue car red and scores below gray" in text


def test_section_5_table_and_its_reading(committed):
    _, markdown, printed = committed
    text = section(markdown, "## 5. Size vs speed", "## 6.")
    rows = section5(printed)
    for name, row in rows.items():
        if name != "fp32 PyTorch":
            assert row["verdict"] == the_rule_of(row), (name, row)
    runs, calls = quick_runs(committed[0], printed)
    assert f"shuffled rounds of {calls} calls each, on one random 256 x 256 input." in text
    assert ("**The timing rule.** A variant is **faster** if its median ratio is above 1.1 and it "
            "was faster in all rounds but at most one. **Slower** is the same rule the other way, "
            "with a median below 1/1.1. A variant that was faster in every round, but by under "
            "10%, is **consistently faster, under 10%**. Anything else is no clear difference.") \
        in text
    # the reading: five rows faster, one slower, two consistently faster under the margin
    numbered = {row["number"]: name for name, row in rows.items()}
    verdicts = [r["verdict"] for n, r in rows.items() if n != "fp32 PyTorch"]
    assert "**Five variants made the network faster than fp32 PyTorch, by the rule.**" in text
    assert verdicts.count("faster") == 5
    (slow,) = found(r"Dynamic int8 \((\d)\) was far slower\.", text)
    assert numbered[int(slow)] == "ONNX int8 dynamic" and rows["ONNX int8 dynamic"]["verdict"] \
        == "slower" and verdicts.count("slower") == 1 and rows["ONNX int8 dynamic"]["speedup"] < 0.5
    two, eight = found(r"The ONNX fp32 file \((\d)\) and 90% zeros \((\d)\) were consistently "
                       r"faster, but under the 10% margin\.", text)
    assert {numbered[int(two)], numbered[int(eight)]} == {
        n for n, r in rows.items() if r["verdict"] == "consistently faster, under 10%"}
    assert (numbered[int(two)], numbered[int(eight)]) == ("ONNX fp32 (onnxruntime)",
                                                          "unstructured 90% zeros")
    # s34 r11 (cold read r135): row 2 runs on another runtime, so it is no control for row 8
    assert "need not explain row 8's gain" not in text and "Both gained" not in text
    assert 'onnx_path = deploy.export_onnx(model, out / "model.onnx")' in code_of()
    # s33 (cold read r133): one unit, the speed-up with its spread; no ms column, no ms ranking
    assert "The table also prints the lowest and highest round's ratio." in text
    assert "So row 4, at" not in text and "Read the speed-up, not the ms" not in text
    assert "return [o / v for o, v in zip(timed[over], timed[name])]" in code_of()
    assert "def round_ms(" not in code_of()
    # the noise: the printed line, recomputed from the table's columns
    median_width, widest, widest_row = found(
        r"the noise: a row's fastest round minus its slowest, over its speed-up: (\d+)% in the "
        r"median row, (\d+)% at most \(row (\d)\)", printed)
    import numpy as np
    widths = {n: (r["high"] - r["low"]) / r["speedup"] for n, r in rows.items()
              if n != "fp32 PyTorch"}
    assert abs(100 * float(np.median(list(widths.values()))) - int(median_width)) <= 2
    assert numbered[int(widest_row)] == max(widths, key=widths.get)
    assert "(the noise line)" not in text                       # s34: the noise paragraph cut
    # the noise yardstick: the same architecture, its two printed speed-ups
    a, b, x_a, x_b = found(
        r"rows (\d) and (\d), one architecture \(the pruned model after and before its "
        r"fine-tune\): (\d\.\d\d)x and (\d\.\d\d)x", printed)
    assert (int(a), int(b)) == (rows["50% channels + fine-tune"]["number"],
                                rows["50% channels, no fine-tune"]["number"])
    assert (float(x_a), float(x_b)) == (rows["50% channels + fine-tune"]["speedup"],
                                        rows["50% channels, no fine-tune"]["speedup"])
    # s34: the three static files tie on speed: each one's speed-up inside the others' spread
    static_rows = [rows[n] for n in ("ONNX int8 static", "ONNX int8 static, 8-bit weights",
                                     "ONNX int8 static, min/max")]
    assert all(o["low"] <= r["speedup"] <= o["high"] for r in static_rows for o in static_rows)
    assert ("It ties the other static int8 files (4 and 5) on size, and on speed too, because each "
            "one's speed-up lies inside the others' spread over the rounds.") in text
    assert rows_of(printed)["50% channels + fine-tune"]["mb"] == \
        rows_of(printed)["50% channels, no fine-tune"]["mb"]
    # the pick: the smallest file, faster, closest PSNR of the static files
    static = ["ONNX int8 static", "ONNX int8 static, 8-bit weights", "ONNX int8 static, min/max"]
    assert all(rows[s]["verdict"] == "faster" for s in static)
    assert rows["ONNX int8 static"]["mb"] == min(r["mb"] for r in rows.values())
    assert max(static, key=lambda s: rows[s]["psnr"]) == "ONNX int8 static"
    assert "The pick is static int8 with the defaults (3, ringed on the right)." in text
    # s34 (cold read r134): closest to fp32's PSNR among the five faster rows (rows 2 and 6 tie
    # fp32's PSNR, but neither is faster by the rule)
    fast = [n for n, r in rows.items() if r["verdict"] == "faster"]
    assert len(fast) == 5 and max(fast, key=lambda n: rows[n]["psnr"]) == "ONNX int8 static"
    assert "Of the five faster variants, it comes closest to fp32's PSNR." in text
    assert rows["ONNX int8 static"]["number"] == 3
    assert "Two ways to divide" not in markdown and "ratio of the medians" not in printed


def test_section_6_the_photo(committed):
    _, markdown, printed = committed
    text = section(markdown, "## 6. Ship it", "## Going deeper")
    apps = photo_calls(printed)
    on, off = apps["int8.onnx"], apps["int8.onnx, no spinning"]
    assert "the network sees 192 x 128" in printed and "lightness shrunk to 192 x 128" in text
    share, printed_bound = found(r"Amdahl: fp32's network took (\d+)% of its call \(median of the "
                                 r"rounds\); with an instant network and the rest unchanged, "
                                 r"fp32's "
                                 r"call would get at most (\d\.\d\d)x as fast", printed)
    said_share, bound, rest = found(
        r"fp32's network took (\d+)% of its call\. A call's rest is the whole call minus the "
        r"network timed alone\. So by Amdahl's law, even an instant network would make the call "
        r"at most (\d\.\d\d)x as fast, down to its rest \(the dashed line at (0\.\d\d)\)\.", text)
    assert (said_share, bound) == (share, printed_bound)
    assert abs(1 / (1 - int(share) / 100) - float(bound)) < 0.03
    # s34 r11 (cold read r135): the dashed line is fp32's rest (1 - its network's share), not 41%
    assert abs(1 - int(share) / 100 - float(rest)) <= 0.006
    assert abs(1 / float(rest) - float(bound)) < 0.02
    figure = code_of()
    assert "bound = ax.axvline(1 - share," in figure
    assert ("net_k = np.median([a / f for a, f in zip(alone[k], fp32_call)])      # the network "
            "alone") in figure and "rest_k = call_k - net_k" in figure
    assert "(the Amdahl line)" not in text
    net, call = found(r"With spinning off, int8's network ran (\d\.\d\d)x as fast as fp32's, and "
                      r"the whole call (\d\.\d\d)x\.", text)
    assert (net, call) == (off["net_x"], off["call_x"])
    assert off["net_word"] == "faster" and off["call_word"] == "faster"
    (slow,) = found(r"the whole call was slower than fp32's \((\d\.\d\d)x\)", text)
    assert slow == on["call_x"] and on["call_word"] == "slower"
    # spinning off against on, round by round: the network alone, then the whole call
    spin = {part: found(r"(?m)^spinning off over on, " + part + r" +" + VERDICT + "$", printed)
            for part in ("the network alone", "the whole call")}
    for t in spin.values():
        assert t[6] == the_rule(float(t[0]), t[3], int(t[4]), int(t[5]))
    net_spin, call_spin = spin["the network alone"], spin["the whole call"]
    assert (f"For the network alone, turning spinning off {said(net_spin[6])} "
            f"({net_spin[0]}x)") in text
    assert call_spin[6] == "faster"
    assert f"the whole call ran {call_spin[0]}x as fast with spinning off as with it on" in text
    assert "gained about as much" not in text and " ms" not in text
    assert text.count("Going deeper") == 1
    # the maps
    most, median = found(r"the photo, int8 against fp32 per pixel: median (\d\.\d) ab units, "
                         r"[\d.]+% of pixels more than 5 apart, the most (\d+)", printed)[::-1]
    assert (most, median) == found(r"On the photo \(top\), int8 moves colors by at most (\d+) ab "
                                   r"units, and its median pixel by (\d\.\d)\.", text)
    # s34 (cold read r134 ASK 5): the figure's bars are medians of per-round shares of fp32's
    # call, the table's speed-ups medians of per-round ratios
    code = code_of()
    assert "net_k = np.median([a / f for a, f in zip(alone[k], fp32_call)])" in code
    assert 'return [f / t for f, t in zip(timed["fp32 PyTorch"], timed[k])]' in code
    # s34 r11 (cold read r135): cut; the whole-call bars do give the table's speed-ups
    assert "dividing two bars" not in text
    # the rest took far longer with spinning on in the bars, and in Going deeper B's steps too,
    # where most of the slowdown lies outside the network
    assert ("With spinning on, the rest took far longer (the bars), and the whole call was slower "
            "than fp32's") in text
    assert ("Going deeper B times each step inside the call, and there too most of the slowdown "
            "lies outside the network.") in text
    steps = step_table(printed)
    net_up = steps["the network"]["on"] - steps["the network"]["off"]
    rest_up = steps["all steps but the network"]["on"] - steps["all steps but the network"]["off"]
    assert rest_up > net_up > 0
    (worst,) = found(r"the test image with the worst value \(number \d+, class horse\): the most "
                     r"(\d+) ab units", printed)
    assert f"differs by up to {worst} ab units" in text
    assert "**What to ship on this 2-core CPU:** `int8.onnx`" in text
    assert "spinning: bool = True" in (ROOT / "colorlab" / "deploy.py").read_text(encoding="utf-8")


def test_going_deeper_a(committed):
    _, markdown, printed = committed
    text = section(markdown, "### A. Inside the int8 files", "### B.")
    kernels = kernel_table(printed)
    eight = kernels["int8-8bit.onnx"]
    flt, krn = found(r"cost the 8-bit file its PSNR:\*\* (\d\.\d\d) dB in float math, "
                     r"(\d\.\d\d) dB in the int8 kernels\.", text)
    assert f"{-float(eight['float']):.2f}" == flt and f"{-float(eight['kernels']):.2f}" == krn
    assert [n for n, r in kernels.items() if r["over"]] == ["int8-8bit.onnx"]
    for name in ("int8.onnx", "int8-minmax.onnx"):          # "lose the same both ways"
        assert abs(float(kernels[name]["kernels"]) - float(kernels[name]["float"])) < 0.01
    (ran,) = found(r"the operators that ran in float math \(all three files\): (.*)", printed)
    assert "Conv" in ran.split(", ") and "QLinearConv" not in ran
    relu = relu_table(printed)
    mm_step, step, clipped = found(r"\*\*Min/max's steps are coarser:\*\* (\d\.\d{4}) against "
                                   r"(\d\.\d{4}) for that ReLU, to keep the (\d\.\d{3})% of values",
                                   text)
    assert float(mm_step) == relu["min/max range"][1] and float(step) == relu[
        "99.9% range (int8.onnx)"][1]
    assert float(clipped) == relu["99.9% range (int8.onnx)"][2]
    median, count = found(r"a median of (\d\.\d) times over all (\d+) activation ranges", text)
    assert found(r"all (\d+) activation ranges of the two files: the min/max step is [\d.]+ to "
                 r"[\d.]+ times the 99\.9% step \(median (\d\.\d)\)", printed) == (count, median)
    assert kernels["int8-minmax.onnx"]["top"] == 64                         # "nothing saturates"
    (share,) = found(r"`ConvInteger`, took (\d+)% of its time", text)
    (printed_share,) = found(r"dynamic int8, the time on the same 256 x 256 input, largest shares: "
                             r"ConvInteger (\d+\.\d)%", printed)
    assert share == f"{float(printed_share):.0f}"
    big, med = found(r"0 to (\d+\.\d\d) for the input of the bottleneck's second conv, against 0 "
                     r"to (\d+\.\d\d) for the median image alone", text)
    assert found(r"0 to (\d+\.\d\d) for a batch of 500, 0 to (\d+\.\d\d) for the median image "
                 r"alone", printed) == (big, med)
    assert "int8-bare.onnx, made with onnxruntime alone: the same bytes as int8.onnx" in printed
    (gap,) = found(r"largest \|d ab\| from OnnxColorizer's (\S+)", printed)
    assert float(gap) == 0


def test_the_quoted_bare_calls_are_the_library_s(committed):
    """Going deeper A makes int8.onnx with onnxruntime alone: deploy.quantize_int8's two calls,
    with the same arguments (its defaults written out)."""
    nb, _, _ = committed
    bare = next(c.source for c in nb.cells if c.cell_type == "code"
                and "oq.quantize_static(" in c.source)

    def call(text, name):
        body = text.split(name + "(", 1)[1]
        body = " ".join(line.split("#", 1)[0].strip() for line in body.splitlines())
        depth, end = 1, 0
        while depth:
            depth += {"(": 1, ")": -1}.get(body[end], 0)
            end += 1
        return sorted(a.strip() for a in re.split(r",(?![^{]*})", body[:end - 1]) if "=" in a)

    library = (ROOT / "colorlab" / "deploy.py").read_text(encoding="utf-8").split(
        "def quantize_int8(", 1)[1].split("\ndef ", 1)[0]
    ours, theirs = call(bare, "oq.quantize_static"), call(library, "oq.quantize_static")
    written = sorted(a.replace("percentile", "99.9").replace("reduce_range=reduce_range",
                                                            "reduce_range=True") for a in theirs)
    assert ours == written, (ours, theirs)


def test_going_deeper_b(committed):
    _, markdown, printed = committed
    text = section(markdown, "### B. Timing", "### C.")
    pair = found(r"static int8 over ONNX fp32, round by round \(section 5's rounds\): " + VERDICT,
                 printed)
    assert pair[6] == the_rule(float(pair[0]), pair[3], int(pair[4]), int(pair[5])) == "faster"
    (about,) = found(r"\*\*Why is static int8 only about (\d\.\d)x as fast as ONNX "
                     r"fp32\?\*\*", text)
    assert f"{float(pair[0]):.1f}" == about
    (s_printed,) = found(r"its speed-up: the fp32 share x (\d\.\d\d) / the int8 share", printed)
    assert s_printed == pair[0]
    f_share, q_share, conv_x = found(r"(?m)^Conv \(int8: QLinearConv\) +(\d+\.\d)% +(\d+\.\d)% +"
                                     r"(\d\.\d\d)x$", printed)
    assert abs(float(f_share) * float(pair[0]) / float(q_share) - float(conv_x)) < 0.02
    p, most = found(r"Conv takes (\d+\.\d)% of its time\. Were int8's Conv 4x as fast and every "
                    r"other operator unchanged, int8 would run at most (\d\.\d\d)x as fast",
                    printed)
    assert (p, most) == found(r"First, `Conv` takes (\d+\.\d)% of fp32's time\. So by Amdahl's "
                              r"law, even a 4x faster `Conv` gives at most (\d\.\d\d)x\.", text)
    # s34 r11 (cold read r135): the VNNI reason is a candidate, untested by this run
    assert (f"int8's `Conv` gained only {conv_x}x. A possible reason, which this run does not "
            "test, is that without VNNI") in text
    assert "The likely reason" not in text
    # the spinning test
    steps = step_table(printed)
    t2 = found(r"(?m)^all steps but the network, spinning on over off, PyTorch on 2 thread\(s\): +"
               + VERDICT + "$", printed)
    t1 = found(r"(?m)^all steps but the network, spinning on over off, PyTorch on 1 thread\(s\): +"
               + VERDICT + "$", printed)
    for t in (t1, t2):
        assert t[6] == the_rule(float(t[0]), t[3], int(t[4]), int(t[5]))
    (x2,) = found(r"spinning slowed the steps other than the network, taken together "
                  r"\((\d\.\d\d)x\)", text)
    assert x2 == t2[0] and t2[6] == "slower"
    assert "With PyTorch on 1 thread, spinning made no clear difference." in text
    # s34 r11 (cold read r135): the network itself also slowed inside the call, far less
    n_off, n_on, r_off, r_on = found(
        r"The network's median also rose with spinning on, from (\d+\.\d) to (\d+\.\d) ms, but "
        r"far less than the other steps' \((\d+\.\d) to (\d+\.\d) ms\)\.", text)
    assert (float(n_off), float(n_on)) == (steps["the network"]["off"], steps["the network"]["on"])
    assert (float(r_off), float(r_on)) == (steps["all steps but the network"]["off"],
                                           steps["all steps but the network"]["on"])
    assert 0 < float(n_on) - float(n_off) < 0.5 * (float(r_on) - float(r_off))
    assert t1[6] == "no clear difference"
    assert "section 6's network alone" not in text                   # s33: cut
    outside = {k: v["fp32 PyTorch"] for k, v in steps.items()
               if k not in ("the network", "all steps but the network", "alone")}
    top3 = sorted(outside, key=outside.get)[-3:]
    assert set(top3) == {"fit_to_gamut", "rgb_to_lab at full size", "lab_to_rgb, round to uint8"}


def test_going_deeper_c_and_d(committed):
    _, markdown, printed = committed
    text = section(markdown, "### C. One global", "## Summary")
    (line,) = found(r"would remove from each block:\n  (.*)", printed)
    shares = {k: int(v) for k, v in re.findall(r"(\w+\.?\d?) (\d+)% \(of \d+\)", line)}
    hi_name, lo_name = max(shares, key=shares.get), min(shares, key=shares.get)
    hi, b1, lo, b2 = found(r"cut the blocks unevenly:\*\* (\d+)% of `(\w+\.\d)`'s middle "
                           r"channels but only (\d+)% of `(\w+\.\d)`'s", text)
    assert (b1, int(hi)) == (hi_name, shares[hi_name])
    assert (b2, int(lo)) == (lo_name, shares[lo_name])
    gamma, l1, worse, draws = found(
        r"largest BatchNorm \|gamma\| +(\d+\.\d\d).*\nlargest filter L1 norm +(\d+\.\d\d) +worse "
        r"than (\d) of the (\d) random draws", printed)
    low, high = found(r"random, \d draws +(\d+\.\d\d) to (\d+\.\d\d)", printed)
    assert worse == draws == "5" and "Filter L1 did worse than all 5 random draws." in text
    (beat,) = found(r"beat the best draw by only (\d\.\d\d) ab units", text)
    assert f"{float(low) - float(gamma):.2f}" == beat and float(gamma) < float(low)


def test_the_budgets_and_the_structure(committed):
    """s33: the main path tells one story; Going deeper keeps side questions, each answered."""
    nb, markdown, _ = committed
    main = deeper = 0
    seen = False
    for c in nb.cells:
        if c.cell_type == "markdown" and re.search(r"^#+ .*Going deeper", c.source, re.M):
            seen = True
        words = len(c.source.split()) if c.cell_type == "markdown" else 0
        main, deeper = (main, deeper + words) if seen else (main + words, deeper)
    assert main <= 2000 and deeper <= 1050, (main, deeper)
    for gone in ("Going deeper B1", "Going deeper C", "### E.", "Two ways to divide",
                 "A speed-up can disagree with the ms column"):
        assert gone not in markdown


def test_summary_quotes_the_run(committed):
    _, markdown, printed = committed
    text = section(markdown, "## Summary", "## What to try next")
    (summary,) = found(r"Summary: (.*)", printed)
    pct, db, eight, x, low, high = found(
        r"static int8 (\d+)% of the fp32 ONNX file, PSNR (-\d\.\d\d) dB \(8-bit weights "
        r"(-\d\.\d\d) dB\), (\d\.\d\d)x \((\d\.\d\d) - (\d\.\d\d)\) over ONNX fp32", summary)
    assert (f"cut the file to {pct}% of the fp32 ONNX file for {db} dB of PSNR, and its network "
            f"ran {x}x as fast as ONNX fp32 ({low} to {high} over the rounds)") in text
    assert " ms" not in summary and " ms" not in text
    assert f"With 8-bit weights it lost {eight[1:]} dB on this CPU" in text
    kernels = kernel_table(printed)
    rounding = -float(kernels["int8-8bit.onnx"]["float"])
    assert f"the rounding cost only {rounding:.2f} dB of it" in text
    ch_x, ch_db = found(r"channels \+ fine-tune (\d\.\d\d)x \([\d.]+ - [\d.]+\) over fp32 "
                        r"PyTorch, PSNR (-\d\.\d\d) dB", summary)
    assert f"a network {ch_x}x as fast as fp32 PyTorch, at {ch_db} dB" in text
    apps = photo_calls(printed)
    on, off = apps["int8.onnx"], apps["int8.onnx, no spinning"]
    assert f"slower than fp32's ({on['call_x']}x)" in text and on["call_word"] == "slower"
    assert f"its network ran {off['net_x']}x as fast, the whole call {off['call_x']}x" in text
