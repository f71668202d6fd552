"""What notebook 01's markdown says about the run committed with it, checked against that run's
printed outputs (the committed file is read, nothing is re-run): the text cannot drift from the
numbers when the notebook is run again and committed."""

import ast
import math
import re
from pathlib import Path

import nbformat
import pytest
import torch
from torch import nn

from colorlab.models import MeanRegressor
from colorlab.train import make_optimizer, one_cycle

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_regression_toy.ipynb"
DEEPER = "## Going deeper (optional)"


@pytest.fixture(scope="module")
def committed():
    """(all markdown, all printed text) of the committed notebook; the printed text ends with the
    markdown tables the code displayed."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    printed = "\n".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    tables = "\n".join(o["data"]["text/markdown"] for o in outputs
                       if "text/markdown" in o.get("data", {}))
    return " ".join(markdown.split()), printed + "\n" + tables


def number(pattern, text):
    found = re.search(pattern, text)
    assert found, f"the committed outputs no longer print {pattern!r}: re-run 01, or update this"
    return found.group(1)


def best_validation(printed):
    """best.pt's validation MSE: the last epoch's, printed by section 5, where best.pt is the last
    epoch (checked in test_check_4_and_best_pt)."""
    epochs = number(r"best\.pt \(epoch \d+ of (\d+)\)", printed)
    assert number(r"best\.pt \(epoch (\d+) of", printed) == epochs
    return number(rf"epoch +{epochs}: training [\d.e-]+, validation (\d\.\d\de-\d\d)\n", printed)



def hand_set_averager():
    """Section 3's construction on MeanRegressor's three convs: center tap 1/3 over R, G, B, then
    stride-2 2x2 corners of 1/4 that tile; channel 0 of the output, averaged, is the image mean."""
    net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(),
                        nn.Conv2d(4, 4, 3, stride=2, padding=1), nn.ReLU(),
                        nn.Conv2d(4, 4, 3, stride=2, padding=1), nn.ReLU())
    with torch.no_grad():
        for p in net.parameters():
            p.zero_()
        net[0].weight[0, :, 1, 1] = 1 / 3
        net[2].weight[0, 0, 1:, 1:] = 1 / 4
        net[4].weight[0, 0, 1:, 1:] = 1 / 4
    return net

def cell_with(text):
    """The source of the committed notebook's first cell that contains ``text``."""
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if text in c.source]
    assert cells, f"no cell of 01 contains {text!r}: update this test"
    return cells[0]


def flat(text):
    return " ".join(text.split())


def main_path(markdown):
    return markdown.split(DEEPER, 1)[0]


def cell(cell_id):
    """The committed notebook's cell with this id."""
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.get("id") == cell_id]
    assert cells, f"01 has no cell {cell_id!r}: update this test"
    return cells[0]


def one_epoch_peak(printed):
    """The step at which section 4's one-epoch schedule peaks: the end of fig 24's gray band."""
    steps = int(number(r"\nvalidation MSE of our loop \((\d+) steps\)\n", printed))
    return max(range(steps), key=one_cycle(steps))


def test_the_time_line_quotes_the_run(committed):
    markdown, printed = committed
    seconds = number(r"\nRun time: (\d+) s from start\(\) to this line\.", printed)
    images = number(r"data: [^|]*: ([\d,]+) train /", printed)
    # s32b (r131 UNBACKED, cell 1): no estimate for the optional sections
    assert "or an hour with the optional sections" not in markdown
    assert (f"**Time.** About 40 minutes without the optional sections. The outputs come "
            f"from a quick-mode run that took {seconds} s to reach the Summary on a 2-core CPU."
            ) in markdown
    assert number(r"(\d+) epochs of \d+ batches in", printed) == "12"
    opening = markdown[:markdown.index("## 1. The data and the target")]
    for detail in ("AMX", "bf16", "float32", "EPYC"):  # r93 TOP FIX 5: the hardware detail is B's
        assert detail not in opening, f"s22: {detail!r} belongs in Going deeper, B"
    assert "your run prints other digits" not in markdown, "r99 UNBACKED: cut"
    assert images == "20,000", f"01 is committed with the standard preset (20,000), not {images}"
    assert "mode: quick" in printed and "device: CPU (AMD EPYC, 2 cores)" in printed
    device = (NOTEBOOK.parents[1] / "colorlab" / "device.py").read_text()
    # s21b: committed without COLORLAB_AMP, so the headline shows fit's own choice
    # s29: the reason is the running CPU's (cpu_precision's float32 answers); B quotes it
    reason = number(r"\| precision: (float32 \([^)]*\)) \|", printed)
    assert reason in ("float32 (bf16 without AMX gains too little on this CPU)",
                      "float32 (this CPU has no bf16 in hardware)"), reason
    assert f'return None, "{reason}"' in device, "cpu_precision's own words"
    assert "COLORLAB_AMP" not in printed, "the committed run forces no number format"
    assert "fit chose: number format float32 |" in printed, "'fit trained in float32'"
    assert 'return torch.bfloat16, "bf16 (this CPU has AMX)"' in device, "'a CPU with AMX'"
    assert "torch.bfloat16 if torch.cuda.get_device_capability(device) >= (8, 0) else" in device
    assert "data: CIFAR-10 image-folder copy (folder cifar10-jpg/)" in printed
    # s26 (r112 DENSITY): the one-seed note repeated the asserts' comments, cut; check 2's prose
    # says its assert allows for rounding (test_check_2_fit_is_our_loop)
    assert "**One run, one seed.**" not in markdown
    assert "exact equality" not in markdown, "r109 ERROR OF FACT 1: the asserts allow drift"
    assert "weight_gap < 1e-3" in cell_with("fit_one_epoch_model.load_state_dict(init)"), "check 2"
    assert "assert own == 0 < other," in cell_with("reload_gaps = []"), "check 4"
    assert "both gaps were exactly 0" not in markdown, "s25d: the checks table gives the gaps"
    assert "rests on a gap" not in markdown, "r108 item 4: not true of checks 2 and 4"
    # s34 (r134 section 6 item 2): the end-of-training gap leads, the rises follow in plain words
    assert "Validation rose only twice, and never two epochs in a row." in markdown, "the reading"
    assert ("- **Baseline first:** an error is meaningful only next to the simplest answer's "
            "error.") in markdown, "r107 item 4: in plain English"
    assert "the lessons rest on gaps" not in markdown, "r107 item 4: telegraphic, rewritten"


def test_the_opening_says_why_the_toy_matters(committed):
    """s27 round 2 (r116 TOP FIX 5): the colorizers of 04-07 train with this fit, against
    baselines."""
    markdown, _ = committed
    # s30 (r126 IMPRECISE, title): the checks test the plumbing; section 7 shows bugs they miss
    assert markdown.startswith("# 01 · A regression toy: testing the plumbing ")
    assert "proving the plumbing" not in markdown
    assert ("Notebooks 04 to 07 train colorizers with this same `fit` and judge them against "
            "baselines, where a plumbing bug would look like a bad colorizer. Here a tiny network "
            "learns to **predict an image's mean intensity**, an answer we can compute exactly."
            ) in markdown
    assert markdown.index("Notebooks 04 to 07") < markdown.index("## 1. The data and the target")
    for n in ("04", "05", "06", "07"):
        later, = NOTEBOOK.parent.glob(f"{n}_*.ipynb")
        code = "".join(c.source for c in nbformat.read(later, as_version=4).cells
                       if c.cell_type == "code")
        assert "fit(" in code and "from colorlab.train import" in code, f"{n}: 'this same fit'"
        assert "baseline" in code.lower(), f"{n}: 'judge them against baselines'"


def test_the_setup_is_short():
    """s23 fix 8: one line per knob, the knobs checked in one place."""
    knobs = cell("c01")
    assert "parameters" in knobs.metadata.get("tags", [])
    lines = knobs.source.splitlines()
    assert sum(line.lstrip().startswith("#") for line in lines) == 1, "one header comment"
    names = [line.split(" = ")[0] for line in lines if " = " in line]
    assert names == ["MODE", "DATASET", "SEED", "TRAIN_IMAGES", "VAL_IMAGES", "TEST_IMAGES",
                     "EPOCHS", "BATCH_SIZE", "LR", "AMP"], names
    # s27 (item 6): the knob checks folded into one collapsed cell after the imports
    checked = cell("knobs-check")
    for name in ("EPOCHS", "BATCH_SIZE", "LR", "AMP"):
        assert f'("{name}", {name}' in checked.source, f"{name} is checked as the notebook starts"
    assert checked.metadata.get("jupyter", {}).get("source_hidden") and "hide-input" in (
        checked.metadata.get("tags", []))
    assert checked.source.startswith("# the knobs checked: a mistyped one stops here")
    assert "positive(" not in cell("c02").source and "run = start(" in cell("c02").source
    order = [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert order.index("c02") + 1 == order.index("knobs-check") < order.index("c03")


def test_the_main_path_is_short(committed):
    """s23: the main path tells the plumbing story in float32, with its side measurements cut,
    not moved; at most one pointer into Going deeper per section."""
    markdown, _ = committed
    main = main_path(markdown)
    for gone in ("correlation", "8 significant bits", "autocast",
                 "loop_dtype", "OneCycleLR", "dim() >= 2", "under bf16", "Going deeper, D",
                 "triangles", "twenty-four thousand", "fair preview", "nearly unbiased",
                 "more than doubled", "overshoot", "The printed line counts",
                 "Channel 0 sees"):
        assert gone not in main, f"s21/s23: {gone!r} is cut from the main path"
    words = len(main.split())
    # s25: the main path ended 10% below its 1,531 words; s25b added at most 40 words to its 1,372;
    # s26 at most 40 to its 1,409; s26b (round 2) not past its 1,445; s27 (the cut round): 1,330;
    # s27 round 2: four asked sentences, under a ceiling of 1,370; round 4 (r117): the same ceiling;
    # s28 (r119 items 2, 4, 5): the helper, the gray curve and Check 2's GPU case said, 1,401;
    # s28 round 6 (r120 TOP FIX 1): D's core moved onto the main path, paid for by cuts, 1,411;
    # s28 round 7 (r121 items 1-4): AdamW and the schedule said in section 4, 1,457
    # s29 (r124 items 1, 2, 6): the helper's reason, plainer sentences, D's reference and the
    # checks' limit in section 7 and the Summary: 1,585
    # s29 round 2 (r125 items 2, 5, 6 and its section 2-3 mends): Check 1's bug named, the spikes
    # counted, the shading's cover said, the open question in What to try next: 1,670
    # s30 (r126 items 2, 4-6 and its section 2-3 mends): the test set's role, Check 4's blind
    # spot, the rises beside the rate, the worst test error named; the shading's excuse cut: 1,730
    # s31 (r128 items 1, 3 and the section 2-3 mends): the helper moved to B, why the task can
    # barely overfit, the eye's check of the loading bugs; paid for by cuts, 1,725
    # s32 (r129 items 2-6 and the density pass): four pointers into Going deeper become one line,
    # the spikes leave section 4, the memorization sentence mended, Check 2's GPU case said:
    # 1,724 words became 1,672
    # s32b (r131 items 1-6 and its section 2-3 mends, then the density pass): 1,672 -> 1,665
    # s32c (r132 items 2, 3, 5 and its section 2-3 mends, paid for by cuts): 1,665 -> 1,661
    # s33 (structural round, r132 sections 5-6): Check 4 rebuilt, the layout said once in plain
    # words, asides and questions answered by a printout cut: 1,661 -> 1,660
    # s34 (the decompress round, r134: plain full sentences, the asked items; budget 2,000):
    # 1,659 -> 1,955
    # s34 round 11 (r135 item 1): Check 1's memorizing run, paid for by trimming cells 28 and 34:
    # 1,955 -> 1,999
    assert words <= 1999, f"s27: the main path's markdown stays short ({words} words)"
    heads = ["### A. Inside AdamW and the one-cycle schedule", "### B. What bf16 does",
             "### C. The spikes in warm-up", "### D. Did training find an averager?"]
    where = [markdown.index(h) for h in heads]
    assert markdown.index(DEEPER) < where[0] and where == sorted(where)
    assert where[-1] < markdown.index("## References") and "### E." not in markdown
    # s27: side remarks cut from the main path (the pixel-weight probe is Going deeper D's)
    for gone in ("spread by", "repeating grid", "spikes during warm-up", "Epoch 1's training",
                 "(section 4)", "our own choice"):
        assert gone not in main, f"s27: {gone!r} is cut from the main path"
    assert "shuffled network's lean" not in markdown, "s24 (r103 fix 5): section B is cut"
    # s27 round 2: all of 01's markdown at most 1% over its 2,462 words; s28: 2,511 (+2%);
    # s28 round 6: 2,499; s28 round 7 (r121): 2,567; s29 (r124, C's test added, D merged): 2,646;
    # s29 round 2 (r125, the mends above, D's averaging said, A's eps): 2,780; s30 (r126): 2,840;
    # s30 round 4 (r127 sections 2-3: C and D's readings hedged, AdamW's decay named): 2,860
    # s31 (r128): D's reading tested, C and D end on one conclusion each; no net growth: 2,860
    # s32 (r129): fig 7 and its reading cut, C decided in fewer words, D trimmed: 2,858 -> 2,749
    # s32b (r131): 2,749 -> 2,744; s32c (r132): 2,744 -> 2,743
    # s33 (structural): B's second topic (predict_like_fit) and A's repeated question cut: 2,645
    # s34 (decompress; Going deeper at most 1,050): 2,644 -> 2,997
    # s34 round 11 (r135): 2,997 -> 3,049
    assert len(markdown.split()) <= 3049, f"all of 01's markdown ({len(markdown.split())})"
    assert "**Key idea:** AdamW shrinks" not in markdown, "s24b: A's key idea repeated A, cut"
    nb = nbformat.read(NOTEBOOK, as_version=4)
    cells = [c.source for c in nb.cells if c.cell_type == "markdown"]
    sections, heading = {}, "opening"
    for cell_ in cells[:next(i for i, c in enumerate(cells) if DEEPER in c)]:
        heading = next((line for line in cell_.splitlines() if line.startswith("## ")), heading)
        sections[heading] = sections.get(heading, 0) + cell_.count("Going deeper")
    # s32 (r129 item 5): one pointer on the whole main path, a line at the end of section 7
    assert sum(sections.values()) == 1 and sections[
        "## 7. Checkpoints: save, reload, same weights"] == 1, sections
    assert cell("swap-main-read").source.endswith(
        "*Going deeper, after the Summary, opens up AdamW, bf16, the warm-up spikes and what the\n"
        "network learned.*")
    numbers = [h.split(".")[0][3:] for h in sections if h[3:4].isdigit()]
    assert numbers == [str(k) for k in range(1, 8)], f"sections numbered 1-7: {numbers}"


def test_the_main_path_needs_nothing_from_going_deeper():
    """The moved cells run after the main path: the main path never reads a name that only a
    Going-deeper cell makes."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    split = next(i for i, c in enumerate(nb.cells) if DEEPER in c.source)

    def nodes(cells):
        return [n for c in cells if c.cell_type == "code" for n in ast.walk(ast.parse(c.source))]

    def made(cells):  # assigned names, function arguments, functions, imports
        return ({n.id for n in nodes(cells) if isinstance(n, ast.Name)
                 and isinstance(n.ctx, ast.Store)}
                | {n.arg for n in nodes(cells) if isinstance(n, ast.arg)}
                | {n.name for n in nodes(cells) if isinstance(n, ast.FunctionDef)}
                | {(a.asname or a.name).split(".")[0] for n in nodes(cells)
                   if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names})

    main, deeper = nb.cells[:split], nb.cells[split:]
    read = {n.id for n in nodes(main) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    assert not (made(deeper) - made(main)) & read, (made(deeper) - made(main)) & read


def test_the_data_and_the_baseline(committed):
    markdown, printed = committed
    assert ("Each data set has one job: - **Training** fits the weights. - **Validation**, split "
            "off the training images, picks the epoch `fit` keeps (`best.pt`). - **Test** gives "
            "the number we report, so no choice may depend on it.") in markdown
    assert re.search(r"^train \(\d+, 3, 32, 32\), validation \(\d+, 3, 32, 32\), test ", printed,
                     re.M), "'the three data sets', just printed"
    figure = cell_with("the target's distribution")
    assert '(y_val, "validation", ":")' in figure, "r88 CODE ASK 4: fig 7 draws validation too"
    # read off fig 7: the three histograms nearly coincide; s26b (r113 TOP FIX 3): a lead-in, and
    # why it matters, backed by best.pt's validation and test MSEs, which nearly agree
    # s29 (r124 UNBACKED, cell 10): a first sign, not a proof; section 6's reading backs it
    # s30 (r126 UNBACKED, cell 10): one scalar's histograms show only that its distribution
    # matches
    # s32 (density): a first sign, not a proof; s32b (density): the lead-in cut, one sentence
    # s33 (structural): the gamma aside before it cut
    # s34 (decompress): two plain sentences
    assert ("## 1. The data and the target" in markdown and "The three histograms nearly "
            "coincide. This is a first sign that the validation error will predict the test "
            "error. Each data set has one job:") in markdown
    # s32c (r132 UNBACKED, cell 10): the promise cut; section 6 quotes best.pt's validation MSE
    assert "resemble the training images" not in markdown
    order = [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert order.index("c04") + 1 == order.index("c05") == order.index("67c76fd6") - 1
    test_mse = float(number(r"\): test MSE (\d\.\d\de-\d\d); the constant's", printed))
    assert abs(float(best_validation(printed)) / test_mse - 1) < 0.2, "'predict each other'"
    assert "(seeded split of the training set)" in printed
    # s33 (r132 section 5): the question the printed share answered gave way to one on the formula
    assert "Why is the constant's test MSE almost exactly" not in markdown
    assert ("### Check your understanding 1. No constant can score below the test targets' "
            "variance. Why not? <details><summary>Answer</summary> In the formula above, the "
            "squared gap $(\\bar y - c)^2$ is never negative. </details> 2. Why the mean of the "
            "*training* targets, not the test targets? <details><summary>Answer</summary> Built "
            "from the test targets, it would peek at the answers it is scored on.") in markdown
    assert ("$$\\frac{1}{M}\\sum_i (y_i - c)^2 = \\mathrm{Var}(y) + (\\bar y - c)^2.$$"
            ) in markdown, "'the formula above'"
    assert "assert math.isclose(baseline_mse, var + gap**2" in cell("c07").source
    # s27 round 2 (r116 TOP FIX 4): the three constants named once, where the first appears
    # s28 (r119 CODE ASK 5): fig 26 and fig 33 draw the same constant, its validation MSE
    # s29 (r124 item 2): the shuffled-target control is built not to beat it (0.99x)
    # s30 (r126 IMPRECISE, cell 13): the untrained CNN (random weights) is far above it
    # s33 (structural): the figures' legends name the line; the sentence saying so is cut
    # s34 round 11 (r135 section 3, cell 12): two shuffled-target runs now; the figures' constant
    # is the validation one, said
    assert ("Every model trained below, except Check 1's shuffled-target runs, must beat this "
            "MSE. Later figures draw the constant's validation MSE instead. ### Check your "
            "understanding") in markdown
    assert "Check 1's shuffled-target control, must" not in markdown
    random_start = float(number(r"\nrandom weights +(\d\.\d{5})\n", printed))
    assert random_start > float(number(r"\nthe constant +(\d\.\d{5})\n", printed)), (
        "'every trained model': the untrained one does not beat the constant")
    source = cell("b0f2811f").source
    assert "val_baseline = ((y_val - constant) ** 2).mean().item()" in source
    assert not any("train_baseline" in c.source
                   for c in nbformat.read(NOTEBOOK, as_version=4).cells), "one constant drawn"
    for figure in ("c12", "plumbing-figure"):
        assert 'ax.axhline(val_baseline, color="k", ls=":", lw=2,' in cell(figure).source, (
            f"'the figures': {figure}")
    assert "baseline_mse" in cell("c17").source, "'test for the score we report'"
    # s26 (r112 TOP FIX 5): fig 6 read in the text, its pair picked by rule and printed
    dark, dark_y, bright, bright_y = re.search(
        r"\nthe darkest of the 16 shown: (\w+), (\d\.\d\d); the brightest: (\w+), (\d\.\d\d)\n",
        printed).groups()
    # s33 (structural): the gamma aside (not luminance) cut from the main path
    assert "gamma" not in main_path(markdown) and "luminance" not in markdown
    # s28 round 7 (r121 item 4): the darkest and brightest, a repeat of the printed line, cut
    assert f"the darkest, a {dark}, scores {dark_y}" not in markdown and bright and bright_y
    assert "overall brightness" not in markdown
    assert "return images.float().div(255).mean(dim=(1, 2, 3))" in cell("c04").source, "'plain'"
    assert "Notebook 03 measures" not in markdown, "s27 round 4: a forward reference, cut"
    assert float(dark_y) < float(bright_y)
    grid = cell("c04").source
    assert "dark, bright = y_train[:16].argmin().item(), y_train[:16].argmax().item()" in grid
    assert "viz.show_grid(run.train.images[:16]" in grid, "the 16 the figure shows"
    # s24 (r103 fix 4): the key idea sits right under the target it is about
    assert cell("c03").source.endswith(
        "{255}$$\n\n**Key idea:** Start with a task whose exact answer you know."), "under y"
    assert markdown.count("**Key idea:** Start with a task whose exact answer you know.") == 1
    assert "far easier to fix here than inside a UNet" not in markdown, "r103 UNBACKED: cut"


def test_the_cnn(committed):
    markdown, printed = committed
    total = number(r"parameters: ([\d,]+)", printed)
    assert "A CNN of 23,649 parameters" in markdown and total == "23,649"
    # s33 (structural): the printout's missing pooling layer is the sketch's and forward's
    assert "lists no pooling layer" not in markdown and " ─mean→ " in markdown
    # s26 (r112 TOP FIX 1): forward's source, printed below the model
    assert "print(model)\nprint(inspect.getsource(MeanRegressor.forward))\n" in cell("c09").source
    shown = printed[printed.index("MeanRegressor("):printed.index("parameters: ")]
    assert "def forward(self, x" in shown and ".mean(dim=(2, 3))" in shown, "'takes the mean'"
    assert ".squeeze(1)" in shown, "the hand-set head's one number per image"
    assert "Pool" not in printed[:printed.index("parameters: ")], "no pooling layer printed"
    models = (NOTEBOOK.parents[1] / "colorlab" / "models.py").read_text()
    regressor = models[models.index("class MeanRegressor("):models.index("# 02: the autoencoder")]
    assert "h = self.features(x).mean(dim=(2, 3))" in regressor, "'forward() takes the mean'"
    convs = re.findall(r"Conv2d\((\d+), (\d+), kernel_size=\(3, 3\), stride=\((\d), \d\), "
                       r"padding=\(1, 1\)\)", printed)
    assert len(convs) == 3
    size, shapes = 32, [f"{convs[0][0]}x32x32"]
    for _, out, stride in convs:
        size = (size + 2 - 3) // int(stride) + 1
        shapes.append(f"{out}x{size}x{size}")
    head = re.search(r"\(head\): Linear\(in_features=(\d+), out_features=(\d+)", printed).groups()
    sketch = " ─conv→ ".join(shapes) + f" ─mean→ {head[0]} ─linear→ {head[1]}"
    assert f"```\n{sketch}\n```" in cell_with("## 3. A tiny CNN"), f"the sketch: {sketch}"
    # r91 TOP FIX 1: the hand-set weights compute the mean, shown in section 3
    exact = float(number(r"\nvalidation MSE with the hand-set weights: (\d(?:\.\d+)?e-\d\d)\n",
                         printed))
    assert exact < 1e-10, f"'zero up to float32 rounding': {exact}"
    # s29 (r125 IMPRECISE, cell 19): 'must find such weights' read as 'these weights'
    # s34 (decompress): the colon became a sentence; the trained CNN starts from random weights
    assert ("That is zero up to float32 rounding. The network we train starts from random weights "
            "instead, so training has to find weights that do this job by itself.") in markdown
    assert "how close it comes" not in markdown  # r94 UNBACKED
    assert "model = MeanRegressor(width=16)" in cell("c09").source, "'random weights'"
    assert "fit(model, batches" in cell_with("history = fit(model, batches"), (
        "'the network we train'")
    # s32b (r131 item 1): why the lower-right corner reads one 2×2 block
    # s33 (r132 item 4): as a worked example, output 0 then output 1
    # s33b (r133 item 2): the worked example drawn in one direction, then the 2-D corner
    # s34 (r134 section 5, cell 16's kernel sentence): the first conv, then which rows output i
    # sees and which of them the kernel weighs, each said in its own sentence
    assert ("These layers can compute the mean exactly, with the hand-set weights in the cell "
            "below. The first conv averages R, G and B at each pixel. Each stride-2 conv then "
            "averages blocks of 2×2 pixels. In one direction, with padding 1, output $i$ of a "
            "stride-2 conv sees input rows $2i-1$, $2i$ and $2i+1$. The kernel (0, ½, ½) gives the "
            "first of these rows no weight and averages the other two: ``` input row -1 0 1 2 3 "
            "output 0 0 ½ ½ output 1 0 ½ ½ ``` So output 0 averages rows 0 and 1, output 1 "
            "averages rows 2 and 3, and no row is used twice. In 2-D, the kernel's lower-right "
            "2×2 corner, `[1:, 1:]`, holds ½ × ½ = 1/4, and the rest of the kernel holds 0. ReLU "
            "changes nothing here, because the sums are never negative.") in markdown
    # 'sees input rows 2i - 1, 2i and 2i + 1': a 3-tap, stride-2, padding-1 conv's window
    probe = nn.Conv1d(1, 1, 3, stride=2, padding=1, bias=False)
    with torch.no_grad():
        for tap in range(3):
            probe.weight.zero_()
            probe.weight[0, 0, tap] = 1.0
            rows = probe(torch.arange(1.0, 9.0).reshape(1, 1, 8)).flatten().tolist()
            assert rows[1:3] == [2 * i - 1 + tap + 1 for i in (1, 2)], (tap, rows)
    # the sketch's columns: output i's window starts at row 2i - 1 (padding 1, stride 2), and
    # its ½s sit under rows 2i and 2i + 1
    sketch = cell("exact-mean-read").source.split("```\n")[1].splitlines()
    heads = {int(m.group()): m.end() for m in re.finditer(r"-?\d+", sketch[0].split("row")[1])}
    heads = {row: end + sketch[0].index("row") + 3 for row, end in heads.items()}
    for i, line in enumerate(sketch[1:3]):
        taps = {end: m.group() for m in re.finditer(r"[0½]", line[len("output 0"):])
                for end in [m.end() + len("output 0")]}
        assert taps == {heads[2 * i - 1]: "0", heads[2 * i]: "½", heads[2 * i + 1]: "½"}, (
            f"the sketch's output {i}: {line!r}")
    one_d = nn.Conv1d(1, 1, 3, stride=2, padding=1, bias=False)
    with torch.no_grad():
        one_d.weight[:] = torch.tensor([0.0, 0.5, 0.5])
        x = torch.arange(4.0).reshape(1, 1, 4)
        assert one_d(x).flatten().tolist() == [0.5, 2.5], "'output i averages rows 2i, 2i + 1'"
    assert re.findall(r"stride=\(2, 2\), padding=\((\d), \d\)", printed) == ["1", "1"], "padding 1"
    corner = nn.Conv2d(1, 1, 3, stride=2, padding=1, bias=False)
    with torch.no_grad():
        corner.weight.zero_()
        corner.weight[0, 0, 1:, 1:] = 1 / 4
        x = torch.rand(1, 1, 8, 8, generator=torch.Generator().manual_seed(0))
        blocks = x.reshape(1, 1, 4, 2, 4, 2).mean(dim=(3, 5))  # output i: rows 2i, 2i + 1
        assert torch.allclose(corner(x), blocks, atol=1e-6), "'rows and columns 2i and 2i + 1'"
    assert ("**Key idea:** Choose a network whose structure matches the task, here a network that "
            "averages.") in markdown and "Fit the network to the task" not in markdown  # r107 6
    code = cell_with("exact = copy.deepcopy(model)")
    for line in ("exact.features[0].weight[0, :, 1, 1] = 1 / 3", "exact.head.weight[0, 0] = 1.0",
                 "conv.weight[0, 0, 1:, 1:] = 1 / 4", "p.zero_()"):
        assert line in code, line
    assert "MeanRegressor(" not in code, "a copy: no random draw shifts the later cells"
    # the construction works: center tap, then stride-2 2x2 corners that tile, then the mean
    net = hand_set_averager()
    with torch.no_grad():
        x = torch.rand(5, 3, 32, 32, generator=torch.Generator().manual_seed(0))
        assert torch.allclose(net(x)[:, 0].mean(dim=(1, 2)), x.mean(dim=(1, 2, 3)), atol=1e-6)


def test_the_hand_loop(committed):
    markdown, printed = committed
    loop = cell_with("def train_one_epoch")
    assert all(f"# {k}. " in loop for k in range(1, 6)) and "# 6. " not in loop, "'five steps'"
    assert "autocast" not in loop and "in float32" in loop, "s21b: our loop runs in float32"
    assert not any("loop_dtype" in c.source
                   for c in nbformat.read(NOTEBOOK, as_version=4).cells), "s21b: no loop_dtype"
    assert ("We write the training loop ourselves, so that `fit` hides nothing later, and check "
            "that it learns.") in markdown
    # s27 (item 5): what the learner needs before the loop; s28 (r119 TOP FIX 4): the gray curve
    # read under its figure, not pointed at ahead
    # s32 (r129 item 5): the two one-line cells merged into the section's opening
    assert flat(cell("c10").source).endswith(
        "Each batch takes five steps. `make_optimizer` builds AdamW, as `fit` does, and "
        "`one_cycle` sets each step's learning rate.")
    assert "df59f567" not in [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert "figure after Check 1" not in markdown
    # s28 round 7 (r121 TOP FIX 1-2): AdamW and the schedule on the main path, after the code that
    # builds them; the gray curve pointed at; under the figure, the spikes instead
    # s29 (r125 UNBACKED, cells 29 and 69; item 6): the figure shows dips and rebounds; the count
    # is C's printed one
    # s30 (r126 UNBACKED, cell 29): the count is printed only in Going deeper C, so section 4
    # says what the figure shows and points there
    assert ("while the shuffled loss stays near it. **Key idea:** Code "
            "that runs") in markdown and "a hair below 1" not in markdown  # s33: aside cut
    assert "more than doubling in one step" not in main_path(markdown)
    assert "loss spikes early on" not in markdown and "jumps up several times" not in markdown
    assert "The gray curve, the learning rate, climbs" not in markdown
    peak_printed = int(number(r"\none epoch: \d+ steps; the learning rate peaks at step (\d+)\n",
                              printed))
    # s29 (r124 IMPRECISE, cell 24): Adam divides the running mean, not each gradient
    # s29 (r125 item 3): AdamW said in two lines here, in full in Going deeper A only; (r125
    # UNBACKED, cell 24): the warm-up shading, drawn over the rate's axis, hides the climb
    # s30 (r126 IMPRECISE, cell 24; item 4): Adam divides by the root of the running mean of
    # the squared gradients; (item 1) fig 3 shows the whole rate, so its excuse is cut
    # s30 round 4 (r127 ERROR, cell 24): AdamW's decay is decoupled, unlike Adam(weight_decay=)
    # s32 (r129 item 4 and its nitpick on cell 24): what Adam's step is (a running mean of the
    # gradients, over their running RMS), in two sentences; the schedule in two
    # s34 (r134 section 6 item 1, decompress): one idea a sentence; the loop's whole schedule in
    # one epoch said here, fit's 12-epoch stretch in section 5
    steps_printed = number(r"\none epoch: (\d+) steps; the learning rate peaks at step", printed)
    assert ("**AdamW** takes Adam's step and adds weight decay. Adam moves each weight against a "
            "running mean of its gradients. It divides that mean by the running root mean square "
            "(RMS) of the gradients and scales the result by the learning rate. Weight decay "
            "shrinks the weights a little at every step. `make_optimizer` spares the biases from "
            "the decay, although plain `torch.optim.AdamW` would decay them too. **The one-cycle "
            "schedule** sets the learning rate of every step, and our loop fits one whole cycle "
            f"into a single epoch of {steps_printed} steps. The rate climbs linearly until step "
            f"{peak_printed}, then falls along a cosine to almost 0. The gray curve in the figure "
            "below Check 1 draws it.") in markdown
    assert "lr_factor1 = one_cycle(len(one_epoch))" in cell("b0f2811f").source, "'one whole cycle'"
    # s32b (r131 IMPRECISE, cell 23): 'the weights, not the biases', as A's printed groups show
    # s32c (r132 IMPRECISE, cell 23): sparing the biases is make_optimizer's grouping, not AdamW's
    assert "make_optimizer(" in cell_with("def train_one_epoch(") or "make_optimizer(" in (
        cell_with("hand_model")), "'make_optimizer spares the biases' in section 4's loop"
    assert re.search(r"\nweight_decay 0\.0: \d+ tensors, [\d,]+ numbers: features\.0\.bias, "
                     r"features\.2\.bias, features\.4\.bias, head\.bias\n", printed)
    assert re.search(r"\nweight_decay 0\.05: \d+ tensors, [\d,]+ numbers: [^\n]*head\.weight\n",
                     printed)
    assert "scales each weight's step by the size" not in markdown
    assert "AdamW** is Adam plus weight decay" not in markdown, "r127: decoupled"
    assert "shading covers the climb" not in markdown and "from the peak on" not in markdown
    assert markdown.count("take steps of the same size") == 1, "r125 item 3: said once, in A"
    # 'divides by the root of the running mean of its squared gradients': torch's Adam, two steps
    w = torch.zeros(1, requires_grad=True)
    adam = torch.optim.Adam([w], lr=0.1, betas=(0.9, 0.99), eps=0.0)
    m = v = 0.0
    for t, g in enumerate((3.0, -1.0), start=1):
        before = w.item()
        w.grad = torch.tensor([g])
        adam.step()
        m, v = 0.9 * m + 0.1 * g, 0.99 * v + 0.01 * g * g
        step = 0.1 * (m / (1 - 0.9**t)) / math.sqrt(v / (1 - 0.99**t))
        assert math.isclose(before - w.item(), step, rel_tol=1e-5), (t, before - w.item(), step)
    # 'decoupled ... outside that division': AdamW = Adam's steps, each after shrinking the weight
    # by lr * decay; Adam(weight_decay=) adds the decay to the gradient, which Adam then divides
    paths = {}
    for name, make in (("adam", lambda p: torch.optim.Adam(p, lr=0.1)),
                       ("adamw", lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.5)),
                       ("l2", lambda p: torch.optim.Adam(p, lr=0.1, weight_decay=0.5))):
        w = torch.full((1,), 2.0, requires_grad=True)
        opt, paths[name] = make([w]), [2.0]
        for g in (3.0, -1.0, 2.0):
            w.grad = torch.tensor([g])
            opt.step()
            paths[name].append(w.item())
    decoupled = 2.0
    for before, after in zip(paths["adam"], paths["adam"][1:]):
        decoupled = decoupled * (1 - 0.1 * 0.5) + (after - before)  # shrink, then Adam's step
    assert math.isclose(paths["adamw"][-1], decoupled, rel_tol=1e-5), (paths, decoupled)
    assert not math.isclose(paths["l2"][-1], decoupled, rel_tol=1e-2), "L2 goes through Adam"
    fig24 = cell("plumbing-figure").source
    # s30 (r126 item 1): the warm-up shaded on the rate's axis, under the rate's curve, so the
    # climb shows; the losses' axis stays on top
    assert "rate.axvspan(0, peak1, color=" in fig24 and "ax.axvspan" not in fig24
    assert fig24.index("rate.axvspan(") < fig24.index("rate.plot(") < fig24.index(
        "ax.set_zorder(rate.get_zorder() + 1)")
    # s32 (r129 item 4): A's schedule figure repeated fig 3's curve; its one fact is printed
    assert "t07b" not in [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    # 'scaling the gradients leaves the steps unchanged', 'the same small fraction': the AdamW
    # toy's rows (Going deeper A): no decay moves both weights alike; AdamW shrinks both alike
    toy = {name: (float(a), float(b)) for name, a, b in re.findall(
        r"^(Adam, no decay|AdamW, decay 0\.1) +(\d\.\d{3}) +(\d\.\d{3})$", printed, re.M)}
    assert toy["Adam, no decay"][0] == toy["Adam, no decay"][1]
    assert toy["AdamW, decay 0.1"][0] == toy["AdamW, decay 0.1"][1] < toy["Adam, no decay"][0]
    steps_1 = int(number(r"\nvalidation MSE of our loop \((\d+) steps\)\n", printed))
    assert math.isclose(one_cycle(steps_1)(0), 1 / 25), "'from LR/25'"
    assert one_cycle(steps_1)(peak_printed) > 0.999, "'to LR'"
    assert one_cycle(steps_1)(steps_1 - 1) < 1e-3, "'almost 0'"
    assert abs(peak_printed / steps_1 - 0.25) < 0.01, "'a quarter of the epoch'"
    assert "LR * lr_factor1(s)" in cell("plumbing-figure").source, "'the gray curve draws it'"
    # s28 (r119 TOP FIX 1, CODE ASK 4): cell 23 split into the setup and one epoch; the three
    # validation MSEs printed as a table
    order = [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert order.index("b0f2811f") + 2 == order.index("hand-epoch") == order.index("3af6467d") - 1
    assert order.index("b0f2811f") + 1 == order.index("optim-read"), "after the code it explains"
    assert order.index("optim-read") < order.index("b01") < order.index("plumbing-figure"), (
        "'the figure below Check 1'")
    epoch = cell("hand-epoch").source
    assert "train_one_epoch(hand_model, one_epoch, optimizer," in epoch
    assert "start_mse = val_mse(hand_model)" in epoch and "train_one_epoch" not in cell(
        "b0f2811f").source
    assert re.search(r"\nvalidation MSE of our loop \(\d+ steps\)\nrandom weights +\d\.\d{5}\n"
                     r"after one epoch +\d\.\d{5}\nthe constant +\d\.\d{5}\n", printed), "the table"
    train = (NOTEBOOK.parents[1] / "colorlab" / "train.py").read_text()
    assert "optimizer = make_optimizer(" in train[train.index("def fit("):], "'as `fit` does'"
    assert 'color="0.45", lw=1.5' in cell("plumbing-figure").source, "'the gray curve'"
    assert "Our loop fits a whole schedule" not in markdown, "s27: side remark, cut"
    peak_step = int(number(r"\none epoch: \d+ steps; the learning rate peaks at step (\d+)\n",
                           printed))
    fit_peak = number(r"after (\d+)\.00 epochs\)", printed)
    assert peak_step == one_epoch_peak(printed) and fit_peak == "3"
    assert "peak1 = max(range(len(one_epoch)), key=lr_factor1)" in cell("b0f2811f").source
    # s23 r102 TOP FIX 2: what make_optimizer and one_cycle do, said where they first appear
    assert "make_optimizer(hand_model, LR, weight_decay=0.05)" in cell_with("hand_model = ")
    toy = nn.Linear(3, 2)
    groups = make_optimizer(toy, 1e-3, weight_decay=0.05)
    assert isinstance(groups, torch.optim.AdamW), "'builds AdamW'"
    assert [(g["weight_decay"], [tuple(p.shape) for p in g["params"]])
            for g in groups.param_groups] == [(0.05, [(2, 3)]), (0.0, [(2,)])], "'not the biases'"
    decayed, plain = re.findall(r"\nweight_decay ([\d.]+): \d+ tensors, [\d,]+ numbers: ([^\n]+)",
                                printed)
    assert float(decayed[0]) > 0 and all(n.endswith(".weight") for n in decayed[1].split(", "))
    assert float(plain[0]) == 0 and all(n.endswith(".bias") for n in plain[1].split(", "))
    n_steps = int(number(r"\nvalidation MSE of our loop \((\d+) steps\)\n", printed))
    factor1 = one_cycle(n_steps)
    rising = [factor1(s_) for s_ in range(one_epoch_peak(printed) + 1)]
    falling = [factor1(s_) for s_ in range(one_epoch_peak(printed), n_steps)]
    assert rising == sorted(rising) and falling == sorted(falling, reverse=True), "'climb', 'fall'"
    assert factor1(n_steps - 1) < 1e-3, "'to almost zero'"
    top = float(number(r"peak (\d\.\de-\d\d) at step", printed))
    last = float(number(r"(\d\.\de-\d\d) at the last step", printed))
    assert last < top / 1000, "'almost zero', as printed in Going deeper A"
    # s26b (r113 UNBACKED, cell 19): the flips, shown by no output, are cut
    assert ("and check that it learns. `Batches` serves shuffled mini-batches. Each batch"
            ) in markdown and "flips images" not in markdown
    data = (NOTEBOOK.parents[1] / "colorlab" / "data.py").read_text()
    assert "Shuffled mini-batches of tensors that live on the device" in data, "'shuffled'"
    # s27 round 4 (r117 UNBACKED, cell 49): the step's independence of the gradient's size, read
    # off the AdamW toy's no-decay row (checked in test_a_the_adamw_toy)
    # s29 (r125 IMPRECISE, cells 24 and 54): unchanged up to Adam's eps
    # s34 (r134 IMPRECISE, cell 51): per weight, as the table tests (gradients 100x apart), not
    # 'scaling all the gradients'
    assert ("**Adam** divides a running mean of each weight's gradients (momentum) by their "
            "running RMS, following Kingma & Ba (2015). So if all of one weight's gradients are "
            "100 times larger than another's, both weights still take steps of the same size, up "
            "to Adam's ε, a tiny constant added to the RMS. The table's no-decay row below shows "
            "this.") in markdown
    assert "scaling all the gradients" not in markdown
    toy_source = cell_with("toy_optimizer")
    assert ("w.grad = torch.tensor([100.0, 1.0]) * (-1) ** t" in toy_source
            and "w = torch.ones(2, requires_grad=True)" in toy_source), "'100 times', same start"
    eps = make_optimizer(nn.Linear(3, 2), 1e-3, weight_decay=0.05).defaults["eps"]
    assert 0 < eps < 1e-6, f"'a tiny constant': {eps}"
    assert "at most about one learning rate" not in markdown
    assert ("- Kingma, D. P., & Ba, J. (2015). Adam: A Method for Stochastic Optimization. *ICLR.* "
            "arXiv:1412.6980. (Adam.)") in markdown
    assert "bounds the step" not in markdown, "s32b (r131 IMPRECISE): the lecture names no bound"
    steps = int(number(r"\nvalidation MSE of our loop \((\d+) steps\)\n", printed))
    peak1 = one_epoch_peak(printed)
    assert abs(peak1 / steps - 0.25) < 0.01, "'the first quarter of the steps'"
    # s33b (r133 IMPRECISE, cell 53): 'gentle' clashed with C's spikes, all in warm-up: cut
    assert ("**The one-cycle schedule** climbs linearly for the first quarter of the steps "
            "(warm-up), then falls along a cosine") in markdown
    assert "keep the first steps gentle" not in markdown
    assert "running averages come from only a few" not in markdown
    order = [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert order.index("3af6467d") < order.index("plumbing-figure"), "'the figure after Check 1'"
    start = number(r"\nrandom weights +(\d\.\d{5})\n", printed)
    hand = number(r"\nafter one epoch +(\d\.\d{5})\n", printed)
    baseline = number(r"\nthe constant +(\d\.\d{5})\n", printed)
    assert ("**One epoch takes the validation MSE down to about a hundredth of the constant's.**"
            ) in markdown
    assert 70 < float(baseline) / float(hand) < 140, "'about a hundredth'"
    assert float(start) > float(hand), "'down'"
    assert "mean training loss" not in printed, "s23: a side number, cut"


def test_check_1_shuffled_targets(committed):
    markdown, printed = committed
    times = number(r"after one epoch, (\d+\.\d\d) times the constant's", printed)
    assert float(number(r"times the constant's \((\d\.\d{5})\)", printed)) == float(
        number(r"\nthe constant +(\d\.\d{5})\n", printed))
    # s25b (r108 item 1): a negative control: what a pairing bug looks like
    # s27 (item 3): which bugs the control catches, said as it starts; the checks table's row
    # names the same ones
    # s34 (decompress): the control said in full sentences
    assert ("### Check 1 of 4: shuffled targets must not be predictable We plant a bug as a "
            "negative control. This run uses the same loop, starting weights and batches as ours, "
            "but the targets are shuffled, so each image gets another image's target. If this "
            "run still gets far below the constant, the targets were not shuffled, or the loop "
            "trains on targets other than the `y` it is given."
            ) in markdown  # s31: the example cut for words
    # s27 round 4 (r117 TOP FIX 4): plain; the table's row, said once
    # s29 (r125 IMPRECISE, cell 26): a loop that ignores y would learn nothing in either run
    assert "or the loop ignores its `y`" not in markdown
    assert "targets leaking into the inputs" not in markdown
    broken = cell_with("Batches(x_train, shuffled,")
    assert "shuffled_model.load_state_dict(init)" in broken and (
        "Batches(x_train, shuffled, batch_size=BATCH_SIZE, device=run.device, seed=SEED)"
        in broken), "'the same weights and batches'"
    assert ("if len(one_epoch) >= 100:  # a few steps prove nothing\n    assert shuffled_mse > "
            "val_baseline / 2") in broken
    # s25b (r108 item 1): what the assertion guards, said beside it: the shuffle happened and the
    # loop trains on the y it is given (either bug would let it learn, far below 1x)
    # s25d (r110 TOP FIX 4): the guard's comment is a few words; its failure message explains
    assert "# guards the control itself\n" in broken and "~1/100x" not in broken
    assert broken.count("\n#") == 1, "s25d: the guard's comment is one line"
    assert '"Were they really shuffled, and does the loop train on the y it is given?")' in broken
    hand = number(r"\nafter one epoch +(\d\.\d{5})\n", printed)
    baseline_ = number(r"\nthe constant +(\d\.\d{5})\n", printed)
    assert float(baseline_) / float(hand) > 50 and abs(float(times) - 1) < 0.5, "'~1/100x', '~1x'"
    loop = cell_with("def train_one_epoch")
    assert "for x, y in batches:" in loop and "mse_loss(model(x), y)" in loop, "'the y it is given'"
    assert markdown.count('"half"') == 0 and "safety margin" not in markdown, (
        "r93 TOP FIX 4: the half line is explained once, in the code comment")
    assert "follows_brightness" not in broken, "s24: the correlation is cut"
    assert int(number(r"\nvalidation MSE of our loop \((\d+) steps\)\n", printed)) >= 100
    # read off fig 24: the shuffled loss stays mostly just above the constant's line (r114 FIGURES:
    # batch noise; r109, r110 UNBACKED: a run near the constant may hide a pairing bug, no proof)
    # s28 round 6 (r120 TOP FIX 4): which run ends at the constant, named
    assert "yet the network ends close to the constant" not in markdown
    # s32 (r129 item 5): the spikes are Going deeper C's; section 4 no longer points there
    # s34 (r134 UNBACKED, cell 27): the memorization claim was cited, not shown: cut, with its
    # reference
    assert ("**The shuffled run trains without error, yet ends at the constant's MSE.** The "
            "right targets' loss dives far below the black dotted line, while the shuffled loss "
            "stays near it. **Key idea:** Code that runs") in markdown
    assert "shuffled_mse = val_mse(shuffled_model)" in broken, "validation: new images"
    assert "Zhang" not in markdown and "memorize such targets" not in markdown
    assert "shuffled = y_train[torch.randperm(len(y_train))]" in broken, "'another image's target'"
    assert "must not be learned" not in markdown and "best guessed by their mean" not in markdown
    assert "1. Shuffled targets must not be predictable (§4)." in markdown
    assert "dips and rebounds" not in main_path(markdown)
    # s26c (r114 TOP FIX 4, CODE ASKS 2-3): the dotted line's value printed; black, apart from
    # the gray learning rate
    # s28: the dotted line is the constant's validation MSE, the table's last row
    assert "points at the pairing" not in markdown and "wanders along it" not in markdown
    figure = cell_with("ax.plot(shuffled_log,")
    assert 'ax.axhline(val_baseline, color="k", ls=":", lw=2,' in figure
    assert "val_baseline = " not in figure and "peak1 = " not in figure, "made in cell 23"
    assert "rate.axvspan(0, peak1," in figure, "r88 CODE ASK 2: fig 24 shades the warm-up"
    assert '"^"' not in figure, "s23 fix 2: no triangles; one sentence says what the text needs"
    assert 0.9 < float(times) < 1.1, f"'ends at the constant's MSE': {times}"
    # s25 (r107 item 1): the spike count is Going deeper C's, printed by a cell of its own
    spikes_cell = cell("spikes")
    assert not any(o.get("output_type") == "stream" for o in cell("plumbing-figure").outputs)
    assert [o.get("output_type") for o in spikes_cell.outputs] == ["stream"]
    assert not spikes_cell.metadata.get("jupyter", {}).get("source_hidden")
    # s32 (r129 item 1): C decides. Section 4's epoch is replayed (same weights, batches,
    # schedule) and each spike's rise split into the update's factor (the previous batch, after
    # its step over before it) and the new batch's (the same weights, new batch over previous)
    spikes = spikes_cell.source
    assert spikes.startswith("# section 4's epoch again, one batch per call of our loop;")
    for line in ("replay.load_state_dict(init)", "make_optimizer(replay, LR, weight_decay=0.05)",
                 "Batches(x_train, y_train, batch_size=BATCH_SIZE, device=run.device, seed=SEED)",
                 "train_one_epoch(replay, [(x, y)], replay_optimizer, lambda s: LR * lr_factor1(s)",
                 "after.append(nn.functional.mse_loss(replay(x), y).item())",
                 "if before[s] > 2 * before[s - 1]:",
                 "update = after[s - 1] / before[s - 1]", "batch = before[s] / after[s - 1]"):
        assert line in spikes, f"'replays section 4's epoch', 'the two factors': {line}"
    table = re.search(r"\nspike at step +rise += update +x new batch\n"
                      r"((?:\d+ +\d+\.\dx +\d+\.\d\dx +\d+\.\d\dx\n?)+)", printed)
    assert table, "C's table (the else branch prints no spikes)"
    rows = [(int(s_), float(r_), float(u_), float(b_)) for s_, r_, u_, b_ in re.findall(
        r"^(\d+) +(\d+\.\d)x +(\d+\.\d\d)x +(\d+\.\d\d)x$", table.group(1), re.M)]
    assert len(rows) >= 3, f"'several times': {rows}"
    peak = one_epoch_peak(printed)
    for s_, rise, update, batch in rows:
        assert rise > 2, "'more than doubles'"
        assert abs(update * batch / rise - 1) < 0.05, "the rise is the product of the two factors"
        assert update > 1 and update > batch, (
            f"step {s_}: 'made its own batch's loss worse', 'also above the new batch's "
            f"factor': {update}, {batch}")
        assert s_ < peak, "'every spike comes while the rate still climbs'"
    # s34 (r134 section 6 item 6): each factor read in plain words before the table
    assert ("### C. The spikes in warm-up In section 4's figure, the right targets' loss dips and "
            "rebounds several times early on. A spike is a step at which the loss more than "
            "doubles. A spike can have two causes. The step before may have overshot, or the new "
            "batch may simply be harder. The cell below replays section 4's epoch and scores each "
            "batch again, right after its own step. That splits each spike's rise into two "
            "factors: - **update**: the previous batch's loss after its step, over its loss "
            "before. Above 1, that step made its own batch worse. - **new batch**: the new "
            "batch's loss over the previous batch's loss after the step, both with the same "
            "weights. Above 1, the new batch is harder. The rise is their product.") in markdown
    # 'both with the same weights': before[s] and after[s - 1] are scored after step s - 1
    assert spikes.index("before.append(loss)") < spikes.index("after.append(")
    # s32b (r131 IMPRECISE, cell 68): 'mostly'; at step 38 the new batch adds nearly as much
    # s32c (r132 IMPRECISE, cell 68): step 38's two factors quoted as printed, not 'nearly as much'
    update38, batch38 = re.search(r"\n38 +\d\.\dx +(\d\.\d\d)x +(\d\.\d\d)x\n", printed).groups()
    assert float(batch38) > 1 and float(update38) > float(batch38), "'against'"
    # s33b (r133 items 2, 3): two short sentences; the spikes come in warm-up, said plainly
    # s34 (decompress): the colons became sentences
    # s34 round 11 (r135 IMPRECISE, cell 66): with Adam's momentum, 'overshoot' is one reading
    # of the update's factor, not what it proves: the update, not the batch, said; no 'overshoots'
    assert "mostly overshoot" not in markdown and "climbing rate overshoots" not in markdown
    assert ("**The spikes come mostly from the updates, not from harder batches.** At every "
            "spike, the update's "
            "factor is above 1, so the step before made its own batch's loss worse. The update's "
            "factor is also larger than the new batch's at every spike. The two come closest at "
            f"step 38, with {update38} against {batch38}. Every spike comes during warm-up, "
            f"before the rate peaks at step {peak}.") in markdown
    closest = min(rows, key=lambda row: row[2] / row[3])
    assert closest[0] == 38, f"'closest at step 38': {closest}"
    # r129 UNBACKED (cells 29, 71): no causal test promised, no trend drawn from two runs
    assert "tests why" not in markdown and "spikes grow with the learning rate" not in markdown
    assert "Overshoot fits that" not in markdown and "at a third of the rate" not in markdown
    assert ('print("\\n".join(table) if len(table) > 1 else "no step more than doubled the '
            'loss")') in spikes
    assert "no step more than doubled the loss" not in printed, "this run has spikes"
    assert markdown.index(DEEPER) < markdown.index("The spikes come mostly from the updates")
    assert "**`LR = 3e-2`, then `3e-1`.**" in markdown, "What to try next has the LR experiment"
    # the learning rate, faint, on fig 24's second y-axis, from the schedule the loop ran
    assert "rate = ax.twinx()" in figure and "alpha=0.5" in figure
    # s26b (r113 TOP FIX 5): the learning rate in a neutral gray, apart from the green peak mark
    assert ('color="0.45", lw=1.5, alpha=0.5,\n          label="learning rate (right axis)")'
            in figure)
    # s29 (r124 FIGURES, fig 3): the losses drawn over the rate; the constant named a reference
    assert "ax.set_zorder(rate.get_zorder() + 1); ax.patch.set_visible(False)" in figure
    assert 'label="the constant\'s MSE on validation\\n(a reference level)")' in figure
    assert figure.startswith("# the loss per step of section 4's two runs, against the learning "
                             "rate (gray, right axis)")
    assert "rate.plot([LR * lr_factor1(s) * 1e3 for s in range(len(hand_log))]" in figure
    # s25 (r107 item 7): warm-up and peak share one legend entry; the legend sits below the plot
    assert 'loc="outside lower center", ncols=2' in figure, "the legend clears the right axis"
    assert "every one-step doubling" not in markdown and "Then it settles." not in markdown
    assert "because the growing steps overshoot" not in markdown, "r105 UNBACKED: one run's timing"
    assert "all inside the gray warm-up band" not in markdown, "r100 ERROR 1"
    # s32 (r129 FIGURES, fig 3): the peak's dash-dot line has its own legend entry
    assert 'ax.axvline(peak1, color="C2", ls="-.", lw=1.5, label="the rate\'s peak")' in figure
    assert 'label="warm-up (the rate climbs)"' in figure
    assert len(re.findall(r"(?<![xy])label=", figure)) == 6, "six entries"


def test_check_2_fit_is_our_loop(committed):
    markdown, printed = committed
    fit_mse, own_mse, gap = re.search(
        r"fit, one epoch from our loop's start: validation MSE (\d\.\d{5}) \(our loop: "
        r"(\d\.\d{5})\); the weights differ by at most (\d\.\de[+-]\d\d)", printed).groups()
    assert own_mse == number(r"\nafter one epoch +(\d\.\d{5})\n", printed)
    # s25c (r109 ERROR OF FACT 1)
    # s26 (r112 TOP FIX 2): the assert checks the weights, as the prose says
    # s32 (r129 item 6): our loop's *starting* weights
    # s34 (r134 section 6 item 1): fit(epochs=1) builds our loop's schedule, said; the rest in
    # plain sentences
    steps_1 = number(r"\nvalidation MSE of our loop \((\d+) steps\)\n", printed)
    assert ("### Check 2 of 4: `fit` must do what our loop does We run `fit` for one epoch, from "
            "our loop's starting weights and on the same mini-batches. It must end with the "
            "weights our loop ended with, up to rounding. With `epochs=1`, `fit` builds the same "
            f"{steps_1}-step schedule as our loop, so both runs use the same learning rate at "
            "every step. The call also turns off two speed-ups that `fit` may pick, so that it "
            "runs the same float32 arithmetic as our loop. `amp=False` keeps float32, and "
            "`channels_last=False` keeps PyTorch's usual memory layout.") in markdown
    # s34 round 11 (r135 item 5): the layout's detail cut from the main path; B says what fit
    # chose here, beside its printed line
    assert "stores each pixel's channel values side by side" not in markdown

    fit_source = (NOTEBOOK.parents[1] / "colorlab" / "train.py").read_text()
    assert "shape = SCHEDULES[schedule](epochs * steps_per_epoch)" in fit_source, (
        "'with epochs=1, fit builds the same schedule': one_cycle over epochs x batches")
    assert "lr_factor1 = one_cycle(len(one_epoch))" in cell("b0f2811f").source
    device = (NOTEBOOK.parents[1] / "colorlab" / "device.py").read_text()
    rule = device[device.index("def default_channels_last("):
                  device.index("if channels_last is not")]
    assert "faster in float32 and bf16" in rule, "'speed-ups that fit may pick'"
    assert "amp, channels_last: None picks what the device runs fast" in (
        NOTEBOOK.parents[1] / "colorlab" / "train.py").read_text()
    # s34 (r134 section 6 item 1): the real run stretches the same shape, its peak after 3 epochs
    n_epochs = number(r"(\d+) epochs of \d+ batches in", printed)
    peak_epochs = number(r"after (\d+)\.00 epochs\)", printed)
    assert ("The weights agree to the last bit. Now `fit` trains for real and saves two "
            f"checkpoints, `last.pt` and `best.pt`. This run stretches the same one-cycle shape "
            f"over {n_epochs} epochs, so the learning rate now peaks after {peak_epochs} epochs. "
            "After every epoch, `fit` calls our `validate`, which returns the validation MSE and "
            "keeps a copy of the weights for Check 4.") in markdown
    assert fit_mse == own_mse and float(gap) == 0, f"'the last bit': {gap}"
    check = cell_with("fit_one_epoch_model.load_state_dict(init)")
    assert ('if run.device.type == "cpu":\n    assert weight_gap < 1e-3, (\n        f"fit\'s '
            'weights differ from our loop\'s by {weight_gap:.1e}: fit no longer runs our loop")\n'
            'else:\n    assert math.isclose(fit_mse, hand_mse, rel_tol=0.25)') in check
    # s26b (r113 TOP FIX 4): the GPU branch's comment is one short line
    assert ("\n# a GPU may sum in another order: there, the two validation MSEs must agree "
            "within 25%\nif run.device.type") in check
    assert float(gap) < 1e-3, "the committed run (CPU) passed the weights' assert"
    assert "amp=False," in check and "channels_last=False" in check, "our loop's float32, layout"
    same = "Batches(x_train, y_train, batch_size=BATCH_SIZE, device=run.device, seed=SEED)"
    assert f"fit(fit_one_epoch_model, {same}" in check and "epochs=1," in check
    assert same in cell_with("hand_model = copy.deepcopy(model)")
    # s33: one helper measures the gap between two models' weights, for checks 2 and 4
    assert ("weight_gap = largest_gap(hand_model.state_dict(), fit_one_epoch_model.state_dict())"
            in check)
    assert ("    return max((x.cpu() - y.cpu()).abs().max().item() for x, y in zip(a.values(), "
            "b.values()))") in check
    # s23 fix 7: what fit chose is one line, its bookkeeping folded
    assert re.search(r"\nfit chose: number format float32 \| channels_last True \| schedule "
                     r"onecycle\n", printed)
    chose = cell("fit-chose")
    assert chose.metadata.get("jupyter", {}).get("source_hidden") and "hide-input" in (
        chose.metadata.get("tags", []))
    assert chose.source.startswith("# what fit chose, read back from the checkpoint it wrote")
    assert "fit(" not in chose.source and "fmt = " in chose.source
    assert "used[" not in cell_with("history = fit(model, batches"), "s23: the bookkeeping folded"
    run_fit = cell_with("history = fit(model, batches")
    assert run_fit.rstrip().endswith('batches in {sum(history[\'seconds\']):.0f} s")')
    for name in ("used = ", "fit_dtype = ", "last_val_preds = "):
        assert name not in run_fit, name
    # s33 (r132 item 1): fit validates with our function, which keeps each epoch's weights
    assert "val=validate," in run_fit
    for line in ("kept_weights = []  # a copy of the weights after each epoch, for Check 4",
                 "    kept_weights.append(copy.deepcopy(net.state_dict()))",
                 '    return {"val_loss": val_mse(net)}'):
        assert line in run_fit, line
    train = (NOTEBOOK.parents[1] / "colorlab" / "train.py").read_text()
    loop = train[train.index("def fit("):]
    assert "record.update({k: _number(v) for k, v in val(plain).items()})" in loop, (
        "'after every epoch it calls our validate'")
    assert loop.index("val(plain)") < loop.index('for name in ("last.pt", "best.pt")'), (
        "the copy is of the weights the checkpoints then save")
    # s26b (r113 TOP FIX 1): no checkpoint read before section 7: `used` is Going deeper A's,
    # from section 7's reloaded best.pt (s33)
    assert cell("t05").source.startswith(
        'used = ckpt["config"]  # the settings fit saved with best.pt, reloaded in section 7\n')
    score = cell("c14").source
    # s33: predict no longer changes the layout (Check 4 compares weights, not predictions)
    assert "autocast" not in score and "memory_format" not in score
    assert ('    """`model`\'s answers, (N,) on the CPU, for `images` (N, 3, 32, 32), floats in '
            '[0, 1]."""\n    model.eval()\n    with torch.no_grad():\n        return '
            'model(images.to(run.device)).cpu()\n') in score
    assert "Going deeper B" not in score
    # s33 (r132 section 5): B is about bf16 only; predict_like_fit and its layout note cut
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert not any("predict_like_fit" in c.source for c in nb.cells)
    assert "load-like-fit" not in [c.get("id") for c in nb.cells]
    assert "undoes `fit`'s other choice" not in markdown
    where = [c.get("id") for c in nb.cells]
    deeper = next(i for i, c in enumerate(nb.cells) if DEEPER in c.source)
    assert deeper < where.index("a01") < where.index("fit-chose") < where.index("fit-chose-read")
    # the layout is named on the main path in section 5 only, beside the call that sets it
    assert main_path(markdown).count("channels_last") == 1
    assert "channels_last" in cell("69e0aede").source
    assert sum("channels_last" in c.source for c in nb.cells[:deeper]
               if c.cell_type == "markdown") == 1
    # 'the same numbers in another order'
    x = torch.rand(4, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    nhwc = x.contiguous(memory_format=torch.channels_last)
    assert torch.equal(nhwc, x) and nhwc.stride() != x.stride()
    # s33b (r133 IMPRECISE, cell 28): in every layer, not just the input's three: 01's CNN, moved
    # and fed as fit moves and feeds it, keeps each pixel's channels side by side in each conv
    train = (NOTEBOOK.parents[1] / "colorlab" / "train.py").read_text()
    assert ("model.to(device, memory_format=torch.channels_last if channels_last else "
            "torch.preserve_format)") in train, "fit moves the model"
    assert "x = x.contiguous(memory_format=torch.channels_last)" in train, "and feeds each batch"
    cnn = MeanRegressor(width=16).to(memory_format=torch.channels_last)
    layers = [m for m in cnn.features if isinstance(m, nn.Conv2d)]
    outputs = []
    for layer in layers:
        layer.register_forward_hook(lambda _, __, out: outputs.append(out))
    cnn(nhwc)
    assert [out.shape[1] for out in outputs] == [16, 32, 64], "01's three convs"
    assert all(out.stride()[1] == 1 for out in outputs), (
        f"'each pixel's channel values side by side': strides {[o.stride() for o in outputs]}")
    assert "where they help" not in markdown and "three channel values" not in markdown
    conv = nn.Conv2d(3, 8, 3, padding=1)
    plain = conv(x)
    assert torch.allclose(conv.to(memory_format=torch.channels_last)(nhwc), plain, atol=1e-5)
    assert "- `fit` runs our five-step loop, and adds validation and checkpoints.\n" in cell(
        "s01").source
    assert "channels_last True" in printed


def test_visible_code_reads_no_name_only_collapsed_code_makes():
    """r99 TOP FIX 1: a learner reading the unfolded code finds where each name it reads comes
    from (function definitions aside)."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    hidden = [c for c in nb.cells if c.cell_type == "code"
              and c.metadata.get("jupyter", {}).get("source_hidden")]
    shown = [c for c in nb.cells if c.cell_type == "code" and c not in hidden]

    def names(cells, ctx):
        return {n.id for c in cells for n in ast.walk(ast.parse(c.source))
                if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}

    only_hidden = names(hidden, ast.Store) - names(shown, ast.Store)
    assert not only_hidden & names(shown, ast.Load), only_hidden & names(shown, ast.Load)


def test_the_curves(committed):
    markdown, printed = committed
    rises = number(r"validation rose at epochs: +([\d, ]+) \(", printed).split(", ")
    # s29: the re-run (another CPU, other float rounding) rose at two epochs; the reading is
    # 'never two epochs in a row', checked on the printed list
    at = [int(e) for e in rises]
    assert len(at) >= 2 and all(b - a >= 2 for a, b in zip(at, at[1:])), (
        f"'never rose two epochs in a row': {rises}")
    # s34 (r134 section 5 and section 6 item 2): the end-of-training gap is the main evidence
    n_epochs = number(r"(\d+) epochs of \d+ batches in", printed)
    last = re.search(rf"epoch +{n_epochs}: training ([\d.e-]+), validation ([\d.e-]+)\n",
                     printed)
    shares = number(r"validation rose at epochs: [\d, ]+ \(the learning rate at their ends: "
                    r"([\d%, ]+) of its peak\)\n", printed).split(", ")
    # s34 round 11 (r135 item 2, IMPRECISE cell 34): split in two paragraphs; the printed numbers
    # not repeated; no 'does as well on new images' (the training value is an epoch's running
    # mean); the level ending read beside Check 1's memorizing run
    assert ("**Here the two curves end level, with no gap like Check 1's memorizing run.** "
            "Validation rose only twice, and never two epochs in a row. Both rises came while the "
            "learning rate was still above half its peak. After "
            f"epoch {at[-1]}, as the rate fell further, validation only went down.") in markdown
    assert "does as well on new images" not in markdown
    assert float(last.group(2)) <= 1.05 * float(last.group(1)), "'end level'"
    memo = re.search(r"\ntraining MSE +\d\.\d{5}, (\d+\.\d\d) times the constant's on these "
                     r"targets \(\d\.\d{5}\)\nvalidation MSE \d\.\d{5}, (\d+\.\d\d) times", printed)
    assert float(memo.group(2)) / float(memo.group(1)) > 1.5, "'a gap like the memorizing run's'"
    assert len(at) == 2, "'only twice'"
    # s30 (r126 item 6): the rises read beside fig 4's dash-dot line, with the printed rates
    # s31 (r128 item 3): why this task can barely overfit, and the experiment that would show it
    # s32 (r129 IMPRECISE + UNBACKED, cell 36): an exact target does not prevent memorizing
    # s32b (r131 item 6): the hedge becomes a pointer; the rises beside the rate are the printed
    # line's and the figure's (density)
    # s32c (r132 item 3, UNBACKED cell 33): the printed rates read: both above half the peak
    # s33 (r132 item 3): both rises while the rate was over half its peak, none later
    # s33b (r133 section 6, density): the rises' rates cut; the printed line still gives them
    assert ("validation only went down. **Key idea:**") in markdown
    assert "easier to memorize" not in markdown, "s33: the pointer to What to try next cut"
    assert "does not rule it out" not in markdown
    assert "Little here can be memorized" not in markdown
    assert "- **`TRAIN_IMAGES = 2000`.** Do the curves move apart?" in markdown
    assert "return images.float().div(255).mean(dim=(1, 2, 3))" in cell("c04").source, (
        "'a noise-free function of the image'")
    shares = number(r"validation rose at epochs: [\d, ]+ \(the learning rate at their ends: "
                    r"([\d%, ]+) of its peak\)\n", printed).split(", ")
    assert len(shares) == len(at) == 2, "'both rises'"
    assert all(50 < int(s.rstrip("%")) < 100 for s in shares), f"'more than half': {shares}"
    peak_epochs = int(number(r"after (\d+)\.00 epochs\)", printed))
    assert all(e > peak_epochs for e in at), "'after the learning-rate peak'"
    assert max(at) < int(number(r"(\d+) epochs of \d+ batches in", printed)), (
        "'none came as it fell further': epochs follow the last rise")
    assert ("rates = \", \".join(f\"{history['lr'][e - 1] / LR:.0%}\" for e in rises)"
            in cell("c11b").source), "the rate at each rise's epoch end, over the peak rate"
    assert ("A model that memorizes its training images "
            "([overfitting](../docs/glossary.md#overfitting)) shows validation climbing while "
            "training falls.") in markdown
    n_epochs = number(r"(\d+) epochs of \d+ batches in", printed)
    last = re.search(rf"epoch +{n_epochs}: training ([\d.e-]+), validation ([\d.e-]+)\n", printed)
    assert abs(float(last.group(2)) / float(last.group(1)) - 1) < 0.2, "'end level'"
    # s25b (r108 UNBACKED): the 'early on, validation lies below training' reading is cut; the
    # figure's legend says what each dot is
    assert "Early on, validation lies below training" not in markdown
    # s27 round 2 (r116 TOP FIX 2): why epoch 1's dots sit where they do, read off epoch 1's line
    # s27 round 4 (r117 DENSITY, cell 34): the same reason in three plain sentences
    # s29 (r124 item 2): each idea its own sentence, the reason first
    # s32b (density): one sentence; the legend says where each dot is measured
    # s34 (r134 UNBACKED, cell 34): epoch 1's dots read from printed numbers only: the random
    # weights' validation MSE (section 4's table), epoch 1's two values, the constant's line
    first_ = re.search(r"\nepoch +1: training ([\d.e-]+), validation ([\d.e-]+)\n", printed)
    random_ = number(r"\nrandom weights +(\d\.\d{5})\n", printed)
    # s34 round 11 (r135 item 2): epoch 1's two printed values not repeated
    assert ("In epoch 1, validation lies far below training. The training dot is the mean loss "
            "over the whole epoch, which started from random weights with a validation MSE of "
            f"{random_} (section 4's table). The validation square is measured only after the "
            "epoch's last step. A model that memorizes") in markdown
    assert float(first_.group(2)) < float(first_.group(1)) < float(random_), "'in between'"
    assert "Validation starts below training" not in markdown
    first = re.search(r"\nepoch +1: training ([\d.e-]+), validation ([\d.e-]+)\n", printed)
    on_val = float(number(r"\nthe constant +(\d\.\d{5})\n", printed))
    assert float(first.group(2)) < float(first.group(1)), "'validation starts below training'"
    assert float(first.group(1)) > on_val, "fig 4: epoch 1's training dot above the constant"
    assert float(number(r"\nrandom weights +(\d\.\d{5})\n", printed)) > on_val
    curves = cell("c12").source
    assert 'ax.axhline(val_baseline, color="k", ls=":", lw=2, label="constant, on validation")' in (
        curves)
    # s29 (r124 FIGURES, fig 4): the peak line dash-dot, as in fig 3, apart from the dotted constant
    assert 'color="C2", ls="-.", lw=1.5,\n           label="learning-rate peak")' in curves
    assert 'label="training (epoch mean,' in curves and 'label="validation (epoch end)"' in curves
    train = (NOTEBOOK.parents[1] / "colorlab" / "train.py").read_text()
    assert "return loss_total / seen, int(seen), step" in train, "'averages its epoch'"
    assert "Epoch 1's training mean" not in markdown
    # s27: the epoch-1 aside (s25d, r110 TOP FIX 1) cut from the main path
    assert "Epoch 1's training value" not in markdown
    assert "probably" not in main_path(markdown), "r103 UNBACKED: no hedge on the main path"
    model = (NOTEBOOK.parents[1] / "colorlab" / "models.py").read_text()
    regressor = model[model.index("class MeanRegressor("):model.index("# 02: the autoencoder")]
    assert "BatchNorm" not in regressor and "Dropout" not in regressor, "train = eval mode"
    assert "model = MeanRegressor(width=16)" in cell_with("init = copy.deepcopy(model.state_")
    assert "fit(model, batches" in cell_with("history = fit(model, batches"), (
        "fit starts from section 3's random weights, as section 4's loop did")
    assert "soon after the learning rate's peak" not in markdown, "r94 UNBACKED: cut"
    figure = cell_with("training (epoch mean,")
    assert 'label="learning-rate peak"' in figure
    # s28 round 6 (r120 CODE ASK 3): each printed rise marked on the validation curve
    # s29: two rises in the re-run; one label with an arrow to each, so the labels cannot collide
    assert ('if rises:  # the epochs at which validation rose, printed above: one label, an arrow '
            'to each\n') in figure
    assert ('ax.annotate("validation rose" if i == 0 else "", xy=(e, val_loss[e - 1]), '
            'xytext=label_at,') in figure
    assert '[e - 0.5 for e in history["epoch"]], train_loss' in figure
    assert "constant guess" not in figure, "r99 CODE ASK 3: the legend alone labels the line"
    assert 'ax.axhline(val_baseline, color="k", ls=":", lw=2, label="constant, on validation")' in (
        figure)


def test_the_schedule(committed):
    markdown, printed = committed
    step = number(r"peak 3\.0e-03 at step (\d+)", printed)
    steps = number(r"([\d,]+) steps \(", printed)
    after = number(r"after (\d+)\.00 epochs\)", printed)
    n1 = int(number(r"\nvalidation MSE of our loop \((\d+) steps\)\n", printed))
    peak1 = one_epoch_peak(printed)
    # s33 (structural): A's question about the peak step repeated A's printed line: cut
    assert "At which step does `fit`'s rate peak" not in markdown
    assert ("#### Check your understanding Which tensors of `MeanRegressor` get weight decay, and "
            "why not the others?") in markdown
    assert after == "3"
    # s32 (r129 item 4): fig 7 cut; the asserted fact printed
    n_ends = number(r"\nfit's recorded rates at the (\d+) epoch ends: on this schedule "
                    r"\(asserted above\)\n", printed)
    assert n_ends == number(r"(\d+) epochs of \d+ batches in", printed)
    assert "In the figure, the rates `fit` recorded" not in markdown
    assert "rel_tol=1e-9" in cell_with("last_steps = "), "'sit on the curve': asserted"
    assert "jumps of the right targets' loss" not in markdown, "s23 fix 2: said once, in 4"
    assert one_cycle(n1)(peak1) > 0.999, "the peak the figure's gray band ends at"
    assert int(number(r"the learning rate peaks at step (\d+)\n", printed)) == peak1, "printed"
    # s34 (length): the aside on OneCycleLR's defaults cut from the formula box
    assert "OneCycleLR" not in markdown
    assert ("- warm-up, $s < W$: $f = \\frac{1}{25} + \\left(1 - \\frac{1}{25}\\right) "
            "\\frac{s}{W}$ - cosine down, $k = s - W$: $f = 10^{-4} + (1 - 10^{-4}) \\cdot "
            "\\frac{1}{2}\\left(1 + \\cos\\frac{\\pi k}{K}\\right)$") in markdown
    n_all, warm = int(steps.replace(",", "")), int(step)
    factor = one_cycle(n_all)
    for s_ in (0, warm // 2, warm, warm + 100, n_all - 1):
        formula = (1 / 25 + (1 - 1 / 25) * s_ / warm if s_ < warm else
                   1e-4 + (1 - 1e-4) * 0.5 * (1 + math.cos(math.pi * (s_ - warm) / (n_all - warm))))
        assert abs(factor(s_) - formula) < 1e-9, f"the formula vs one_cycle at step {s_}"
    assert warm / n_all == 0.25
    assert "- Smith, L. N. (2018). A disciplined approach" in markdown


def test_the_weight_decay(committed):
    markdown, printed = committed
    first = re.search(r"\nweight_decay ([\d.]+): \d+ tensors, [\d,]+ numbers: ([^\n]+)\n",
                      printed).groups()
    assert first[0] == "0.05" and all(n.endswith(".weight") for n in first[1].split(", "))
    assert "weight_decay 0.0: 4 tensors" in printed, "'the four biases none'"
    # AdamW decays every tensor it is given; leaving out the biases is make_optimizer's choice
    assert ("each step shrinks the decayed weights a little, "
            "$\\theta \\leftarrow \\theta - \\eta\\lambda\\theta$ (learning rate $\\eta$, "
            "$\\lambda = 0.05$). Which tensors get the decay is our choice. "
            "`make_optimizer` decays the conv and linear weights (the tensors with `dim() >= 2`, "
            "the first group below), but not the biases") in markdown
    assert "shrinks the conv and linear weights a little" not in markdown
    assert ("The three conv kernels and the linear weight matrix (`dim() >= 2`) get 0.05, the "
            "four biases none.") in markdown
    # s25 (r107 UNBACKED, answer 2): the smoothness argument is named as general, not this run's
    assert ("The usual argument, not tested here: small weights make the output respond gently to "
            "its input, so decay favors smoother functions. A bias only shifts the output, so "
            "shrinking it smooths nothing.") in markdown


def test_check_3_the_test_score(committed):
    markdown, printed = committed
    model_mse, base_mse, ratio = re.search(
        r"\nbest\.pt \(epoch \d+ of \d+\): test MSE (\d\.\d\de-\d\d); the constant's "
        r"(\d\.\d\de-\d\d), ([\d,]+)x higher\n", printed).groups()
    # s25: the RMS ratio (155) left with the question that read it
    typical, base_steps = re.search(
        r"\ntypical error in pixel steps \(root of the MSE x 255\): (\d\.\d\d); the constant's "
        r"(\d+)\n", printed).groups()
    assert "x larger" not in printed and "ratio ** 0.5" not in cell_with("model_mse = ")
    assert number(r"\(([\d,]+)x lower\)", printed) == ratio, "the Summary line repeats the ratio"
    ratio = int(ratio.replace(",", ""))
    block = cell_with("model_mse = ")
    assert block.count("print(") == 2, "s23 fix 1: section 6 prints two lines"
    assert abs(ratio / (float(base_mse) / float(model_mse)) - 1) < 0.01
    about = f"{round(ratio / 1000):,},000"  # s29: the re-run's ratio, 23,093: 'about 23,000'
    assert abs(ratio / int(about.replace(",", "")) - 1) < 0.03, f"'about {about} times': {ratio}"
    assert abs(float(typical) - float(model_mse) ** 0.5 * 255) <= 0.006
    assert int(base_steps) == round(float(number(r"test MSE (0\.\d+)\n", printed)) ** 0.5 * 255)
    # s23 fix 1: the headline in both units, at most two numbers a paragraph
    # s27 round 2: best.pt's validation MSE beside the test's backs section 1's 'predict each
    # other' (r116 UNBACKED); the triangles named (r116 FIGURES); the pointer to E cut for words
    val = best_validation(printed)
    number(r"\nwithin half a pixel step: (\d+\.\d)% of [\d,]+ test images\n", printed)
    # s28 round 6 (r120 TOP FIX 5): the ratio, the typical error and the share; the bias is the
    # figure's legend's; s30 (r126 item 6): the worst error named in a sentence of its own (below)
    # s32b (density; r131 item 4): the validation MSE and the share are the printouts'; the
    # x-axis read
    assert (f"**The CNN's test MSE is about {about} times lower than the constant's.** Its "
            f"validation MSE, {val} in section 5, was close to this test MSE. In pixel steps, its "
            f"typical error is {typical}, while the constant's is {base_steps}. In the figure, "
            "almost every error lies in the gray band, within half a pixel step. **Key idea:**"
            ) in markdown
    assert "no trend from dark" not in markdown, "r132 UNBACKED, cell 39: no number backs it"
    # s32b (r131 IMPRECISE, cell 36): B looks at the test set again, so no 'once'
    assert ("**Key idea:** Score the chosen model on data no choice depended on, in units "
            "you can picture.") in markdown
    assert "untouched" not in markdown, "r126: the test targets drew fig 2 and the baseline"
    assert "tiny bias" not in markdown and "the worst is" not in markdown
    # s30 (r126 item 6): the one off-scale error named, as printed under fig 5; the figure's
    # off-plot entry names the worst error when it is off the scale on that side
    worst, kind, worst_y = re.search(
        r"\nthe worst error: ([+-]\d\.\d\d) steps, on a test image of class (\w+) and mean "
        r"intensity (\d\.\d\d)\n", printed).groups()
    # s32 (r129 nitpick, cell 40): the triangle sits on the edge, for a point below the range
    # s32b (density): the legend names it ('1 error below the plot (worst ...)')
    assert "the triangle on the bottom edge" not in markdown
    assert "triangle below the plot" not in markdown
    assert float(worst) < -1, "'below the plot': fig 5's scale reaches at least ±1 step"
    assert abs(float(worst)) > 2 * float(typical), "an outlier beside the typical error"
    classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
               "truck"]
    assert kind in classes, f"a CIFAR-10 class: {kind}"
    errors = cell("c14a").source
    assert "worst = steps_off.abs().argmax()" in errors and (
        'note = f"\\n({worst_note})" if sign * steps_off[worst] > lim else ""') in errors
    assert abs(float(val) / float(model_mse) - 1) < 0.2, "'close'"
    assert "Going deeper E maps" not in markdown
    # r100 TOP FIX 4: the figure's numbers, printed by its cell, read in the text
    share, n_test = re.search(
        r"\nwithin half a pixel step: (\d+\.\d)% of ([\d,]+) test images\n", printed).groups()
    # s28 (r119 DENSITY): the off-plot counts and the standard error are no longer printed
    assert "below the plot," not in printed and "standard error" not in printed
    assert "mean error (bias)" not in printed and "; the worst error" not in printed
    # s27 round 2 (r116 DENSITY): the side-numbers box cut; 'each ▽ marks an error below'
    assert "Side numbers" not in markdown and "slightly low" not in markdown
    assert float(share) >= 95, f"'almost every error lies in the gray band': {share}%"
    assert '(("below", -1, "v"), ("above", 1, "^"))' in cell("c14a").source, "'▽': open 'v'"
    assert 'mfc="none"' in cell("c14a").source
    assert "our own choice" not in markdown and "The black line gives" not in markdown
    assert "under a tenth of the typical error" not in markdown
    assert "neither high nor low" not in markdown
    assert "1/(255 × 3,072)" not in markdown
    assert "only two errors" not in markdown, "s24: a side number, left in the printed line"
    assert "beyond one step" not in printed, "r105 DENSITY: the worst error is the legend's"
    assert n_test == number(r"/ ([\d,]+) test images", printed)
    assert "within_half = (steps_off.abs() < 0.5).float().mean().item()" in block
    # Chebyshev: at most (RMS / 0.5)^2 of the errors lie beyond half a step
    assert 1 - float(share) / 100 <= (float(typical) / 0.5) ** 2 and float(share) < 100
    assert (f"- The CNN's test MSE is about {about} times lower than the constant baseline's."
            ) in markdown  # the Summary
    assert "An error means something only beside" not in markdown, "r107 item 6: telegraphic"
    # s26c: the 'why not zero' box (r114 UNBACKED: reasoning by elimination) gave way to the
    # input-gradient maps (test_the_trained_cnn_is_close_to_an_averager)
    exact = number(r"\nvalidation MSE with the hand-set weights: (\d(?:\.\d+)?e-\d\d)\n", printed)
    assert "Why the error is" not in markdown
    assert float(exact) < 1e-6 * float(best_validation(printed)), "on the same (validation) images"
    assert "exact_mse = ((exact(x_val) - y_val) ** 2)" in cell_with("exact = copy.deepcopy")
    assert "assert ratio > 10," in block
    assert "## 6. How good is it? ### Check 3 of 4" in markdown
    # cold read r115, s27 item 2: one visible sentence says why the helper, not model(x_test)
    # s27 round 2 (r116 TOP FIX 1): one short clause; the internals are Going deeper B's
    # s27 round 4: shorter; the helper's printed line names the format and layout
    # s28 (r119 TOP FIX 2): the helper named, and what it does, in one sentence
    # s28 round 6 (r120 TOP FIX 2): one plain sentence; the helper's code is shown below it
    # s28 round 7 (r121 item 3): one line; the format and layout are Going deeper B's
    # s29 (r124 item 1): the reason, where the helper is used; its code folded
    # s30 (r126 item 2): one sentence for the helper; the layout left to its printed line and B
    # s32 (r129 item 2): the number format is B's
    # s32b (r131 IMPRECISE 'scored once'; item 2): no 'once'; predict's layout said in one line
    assert ("We score `best.pt` on the test set and measure its errors in pixel steps of 1/255. "
            "No choice depends on that score, because `fit` picked the epoch on validation. "
            "**The CNN's test MSE") in markdown
    # s32c (r132 item 2): the layout is explained once, in section 5; predict's comment points to B
    assert "scored once" not in markdown and "once on the test set" not in markdown
    assert "float32 too" not in markdown
    assert "| precision: float32 (" in printed, "'fit validated in float32 here'"
    assert main_path(markdown).count("memory layout") == 1, "s32c: section 5 only"
    mse32 = float(number(r"\nbest\.pt's validation MSE, in float32: (\d\.\d\de-\d\d)\n", printed))
    mse16 = float(number(r"\nbest\.pt's validation MSE, under bf16 autocast: (\d\.\d\de-\d\d)\n",
                         printed))
    assert mse16 > 1.2 * mse32, "'what another format changes': bf16's validation MSE"
    assert "another format changes the answers" not in markdown
    assert "the same precision and memory layout" not in markdown
    assert "as the histograms promised" not in markdown, "r121 UNBACKED: cut"
    assert "folded helper" not in markdown
    for gone in ("against its validation MSE", "the black line, the bin means"):  # not read
        assert gone not in printed, gone
    figure = cell_with("# the test errors in pixel steps, by true intensity")
    assert figure.startswith("# the test errors in pixel steps, by true intensity")
    # s27 (item 4): the legend shows the band, the points and the bin means only
    assert 'ax.axhspan(-0.5, 0.5, color="0.88", label="within half a step")' in figure
    # s28 (r119 CODE ASK 1): the off-plot triangles and the worst error's circle in the legend
    # s29 (r124 FIGURES, fig 5): the flat bin-mean line cut; the triangles counted in their entry
    assert len(re.findall(r"(?<![xy])label=", figure)) == 4, "two entries, and the off-plot ones"
    assert """label=f"{count} error{'s' if count > 1 else ''} {side} the plot{note}")""" in figure
    assert "intensity_bins" not in figure and "bin mean" not in figure
    assert 'note = f"\\n({worst_note})" if sign * steps_off[worst] > lim else ""' in figure
    # s28 round 6 (r120 CODE ASK 4): the share and the typical error in the title, the bias in
    # the bin mean's legend entry
    assert ('ax.set_title(f"test set errors: {within_half:.1%} within half a step,\\n"\n'
            '             f"typical error (root of the MSE) {model_mse ** 0.5 * 255:.2f} steps"'
            ) in figure
    assert "standard_error" not in figure
    # s24 (r103 code ask 3): the worst error's note sits in the legend, hiding no point
    assert "annotate(" not in figure and "bbox=" not in figure and "label=f\"worst" not in figure
    assert "quantile(0.99)" in figure, "r94 CODE ASK 1: the y range fits the cloud"
    # s23 fix 6: the annotation says how many points lie off the scale, and on which side
    # s26b (r113 TOP FIX 2): one triangle per off-plot point, at its true intensity
    assert "ax.plot(y_test[off], torch.full((count,), 0.95 * lim * sign), marker" in figure
    assert 'mfc="none", mec="k", ls="none",' in figure
    assert "±1 std" not in markdown, "r103: the std lines are cut"
    assert ('print(f"within half a pixel step: {within_half:.1%} of {len(y_test):,} test '
            'images")') in figure


def test_check_4_and_best_pt(committed):
    markdown, printed = committed
    best = number(r"best\.pt \(epoch (\d+) of", printed)
    epochs = number(r"best\.pt \(epoch \d+ of (\d+)\)", printed)
    assert best == epochs, "best_validation() reads the last epoch's line"
    # s33 (r132 section 5): the question answered by section 6's printed line gave way to one
    # on when the two files differ: fit writes best.pt only when validation improves
    assert "Which epoch is `best.pt`" not in markdown
    assert ("### Check your understanding 1. When would `best.pt` and `last.pt` hold different "
            "epochs? <details><summary>Answer</summary> Whenever the last epoch's validation MSE "
            "is not the lowest of the run. `fit` rewrites `best.pt` only after an epoch that "
            "beats the lowest validation MSE so far. </details>") in markdown
    # s34 (r134 IMPRECISE, cell 46): fit's rule, not a rerun with fewer epochs (which would
    # rebuild the schedule)
    assert "stopped right after a rise" not in markdown
    train = (NOTEBOOK.parents[1] / "colorlab" / "train.py").read_text()
    assert ('for name in ("last.pt", "best.pt") if improved else ("last.pt",):' in train
            and "improved, best_value = record[key] < best_value," in train), "fit's rule"
    assert ("- Validation picked `best.pt`, which here is the last epoch. The test set only "
            "measured it.") in markdown
    assert "## 7. Checkpoints: save, reload, same weights" in markdown
    # s33 (r132 item 1): each file compared with the copy `validate` kept of every epoch's
    # weights, so the check tells the files apart whenever they hold different epochs
    assert ("### Check 4 of 4: each checkpoint must hold the weights of its epoch Later notebooks "
            "reload long trainings. `last.pt` must hold the last epoch's weights, and `best.pt` "
            "those of the epoch with the lowest validation MSE. We reload each file into a fresh "
            "CNN and compare it with every epoch's copy that `validate` kept.") in markdown
    assert ("4. Each saved [checkpoint](../docs/glossary.md#checkpoint) must hold the weights of "
            "its epoch (§7).") in markdown
    found = dict(re.findall(
        r"^(last\.pt|best\.pt): \d\.\de[+-]\d\d from epoch (\d+)'s weights, at least "
        r"(?:\d\.\de[+-]\d\d|inf) from any other epoch's$", printed, re.M))
    assert set(found) == {"last.pt", "best.pt"}, found
    # the history's lowest validation MSE (Check 4's epoch) is the epoch the file says it holds;
    # with best == epochs above: 'the last epoch also had the lowest validation MSE'
    assert found["best.pt"] == best, "'best.pt: the epoch with the lowest validation MSE'"
    # 'equals the copy of its own epoch to the last bit, and no other epoch's copy': the cell's
    # own `assert own == 0 < other` (checked below) stopped the run otherwise
    assert ("Each file equals the copy of its own epoch to the last bit, and it differs from "
            f"every other epoch's copy. Here the last epoch also had the lowest validation MSE, so "
            f"both files hold epoch {epochs}. This run therefore checks the round trip, not "
            "`fit`'s choice of `best.pt`. **Key idea:** Test the "
            "save-and-reload round trip once, before you rely on it. All four checks have passed: "
            "The checks test") in markdown
    assert "cannot tell the two files apart" not in markdown, "r132 item 1: the caveat dropped"
    # s33b (r133 UNBACKED, cell 41): best.pt is the last epoch here, so 'a file saved at the
    # wrong epoch would fail' did not hold for a best.pt saved every epoch: said plainly
    assert "A file saved at the wrong epoch would fail" not in markdown
    assert markdown.count("Test the save-and-reload round trip once") == 1
    assert "- Each reloaded checkpoint held exactly the weights of its epoch." in markdown
    reload = cell("c16").source
    for line in ('for name, epoch in (("last.pt", EPOCHS), ("best.pt", best_epoch)):',
                 "    reloaded = MeanRegressor(width=16)",
                 "    ckpt = load_checkpoint(ckpt_dir / name, reloaded)  # reload into a fresh CNN",
                 "    gaps = [largest_gap(reloaded.state_dict(), kept) for kept in kept_weights]",
                 "    own, other = gaps[epoch - 1], min(gaps[:epoch - 1] + gaps[epoch:], "
                 "default=math.inf)",
                 "    assert own == 0 < other,"):
        assert line in reload, f"'reload each file into a fresh CNN and compare': {line}"
    assert ('best_epoch = min(history["epoch"], key=lambda e: val_loss[e - 1])  # the epoch '
            "best.pt keeps") in cell("c11b").source, "best.pt's epoch from the history's record"
    assert "best_epoch = " not in cell("c12").source, "defined once, in visible code"
    where = [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert where.index("c13") + 1 == where.index("c14")
    assert where.index("c11") < where.index("c16"), "the copies are kept before Check 4 reads them"
    assert "channels_last" not in printed[:printed.index("\nbest.pt (epoch")]
    cell_ = cell_with("## What to try next")
    assert "test MSE" not in cell_ and "compare the final validation MSE" in flat(cell_)
    # s32b (density): the peak's epoch is A's printed line
    assert "rise around the rate's peak, and does the falling rate bring it back?" in flat(cell_)
    # s29 (r125 item 5): why training stops far above the hand-set weights: an open question, with
    # the two validation MSEs as printed
    exact = number(r"\nvalidation MSE with the hand-set weights: (\d(?:\.\d+)?e-\d\d)\n", printed)
    # s32b (density): the two MSEs are printed in sections 3 and 5
    assert ("- **An open question.** The hand-set weights reach a validation MSE far below "
            "`best.pt`'s. What stops training: too few steps, the weight decay, or the rate "
            "falling to almost 0? Try `EPOCHS = 24`.") in flat(cell_)
    assert float(exact) < 1e-3 * float(best_validation(printed)), "'far below'"


def test_the_checks_in_one_table(committed):
    """r100 TOP FIX 1: after Check 4, the four checks in one table, filled in by code from the
    numbers the run printed."""
    markdown, printed = committed
    rows = re.findall(r"^\| (\d)\. ([^|]+) \| ([^|]+) \| ([^|]+) \|$", printed, re.M)
    assert [row[0] for row in rows] == ["1", "2", "3", "4"], rows
    this_run = [row[3] for row in rows]
    times = number(r"after one epoch, (\d+\.\d\d) times the constant's", printed)
    gap = number(r"the weights differ by at most (\d\.\de[+-]\d\d)", printed)
    ratio = number(r"the constant's \d\.\d\de-\d\d, ([\d,]+)x higher\n", printed)
    reload_gaps = re.findall(r"^(?:last|best)\.pt: (\d\.\de[+-]\d\d) from epoch", printed, re.M)
    reload_gap = max(reload_gaps, key=float)
    assert this_run == [f"{times}x the constant's MSE", f"weights differ by at most {gap}",
                        f"test MSE {ratio}x lower", f"weights differ by at most {reload_gap}"
                        ], this_run
    assert rows[3][1:3] == ("each checkpoint holds its epoch's weights",
                            "weights that differ from that epoch's"), rows[3]
    # s25b (r108 item 1): Check 1's row names the bug it would show
    # s30 (coordinator): a loop that ignored its y would learn in neither run (r125)
    assert rows[0][2] == ("an MSE far below the constant's: the targets were not shuffled, or the "
                          "loop trains on other targets than its `y`"), rows[0][2]
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    where = [c.get("id") for c in cells]
    assert where.index("c16") < where.index("reload-read") < where.index("checks-recap") < (
        where.index("q03"))
    recap = cells[where.index("checks-recap")]
    assert recap.source.startswith("# the four checks in one table, filled in from the numbers")
    assert recap.metadata.get("jupyter", {}).get("source_hidden")
    assert [o["data"]["text/markdown"].startswith("| check | a bug would show | this run |")
            for o in recap.outputs] == [True]


def test_what_the_checks_cannot_catch(committed):
    """s22 r95 TOP FIX 3: the mean target is the same under any reordering of an image's values,
    so channel-order, flip and layout bugs pass all four checks; run on the notebook's own
    ``mean_intensity``."""
    markdown, printed = committed
    # s28 round 6 (r120 TOP FIX 1): on the main path, after the checks table and before the
    # question that needs it; s29 (r124 item 6): bridged from the table, and Going deeper D (one
    # channel's print) merged into one sentence naming the outside reference
    # s30 round 4 (r127 ERROR, cell 46): checks 3 and 4 test the model and the checkpoints
    # s34 (decompress): colons became sentences
    assert ("All four checks have passed: The checks test the loop, the model and the "
            "checkpoints, but not the image loading. A mean ignores the order of the channels and "
            "of the pixels. So an RGB/BGR swap, or HWC data reshaped as CHW, leaves the target "
            "unchanged. The cell below applies both bugs to four training images. The three "
            "lines agree, so the target cannot reveal either bug. The images do reveal them. BGR "
            "turns blue skies brown and orange, and HWC as CHW scrambles each picture. So look "
            "at your loaded images before you train.") in markdown
    # s31 (r128 ERROR + UNBACKED, cell 48): not 'only a reference' (the eye sees both bugs, in the
    # figure of the same four images); tests/test_data.py, which the run does not show, not named
    assert "Only a reference made apart" not in markdown and "test_data.py" not in markdown
    assert cell("reload-read").source.endswith("All four checks have passed:")
    assert "What the four checks cannot catch" not in markdown and "mean of channel 0" not in (
        printed), "r124 item 6: D merged into section 7"
    assert ("- The checks cannot see a channel swap or an HWC/CHW mix-up in the image loading."
            ) in cell("s01").source, "r124 FLOW: the Summary says what the checks miss"
    assert ("2. Name a loading bug, besides the two above, that would also pass all four checks. "
            "<details><summary>Answer</summary> Images upside down (rows read in reverse "
            "order), among others, since a mean ignores pixel order too. </details>") in markdown
    # s30 round 4 (r127 ERROR, cell 49): a left-right flip is a harmless augmentation, not a bug
    assert "left-right flip" not in markdown
    order = [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert (order.index("checks-recap") + 1 == order.index("swap-main") == order.index("swap-blind")
            - 1 == order.index("swap-main-read") - 2 == order.index("q03") - 3)
    assert "CHW) would pass all four checks" not in markdown and "plants one" not in markdown
    # s28 (r119 CODE ASK 3): the HWC-as-CHW case run too, on the same four images
    line = re.search(r"\nmean intensity, RGB: +([\d., ]+)\nmean intensity, BGR: +([\d., ]+)\n"
                     r"mean intensity, HWC as CHW: +([\d., ]+)\n", printed)
    assert line, "section 7's three lines"
    mean_rgb, mean_bgr, mean_hwc = (v.split(", ") for v in line.groups())
    assert mean_rgb == mean_bgr == mean_hwc and len(mean_rgb) == 4, (
        "'leaves the target unchanged': both bugs")
    # r106: a one-channel target computed from the loaded images swaps with them: never claimed
    assert "one-channel target catches" not in markdown
    blind = cell("swap-blind")
    assert "bgr = rgb.flip(1)" in blind.source and "rgb = run.train.images[:4]" in blind.source
    assert "hwc = rgb.permute(0, 2, 3, 1).reshape(rgb.shape)" in blind.source
    assert "for wrong in (bgr, hwc):\n    assert torch.allclose(mean_intensity(rgb), " in (
        blind.source)
    assert ('viz.compare_rows({"RGB": rgb, "BGR": bgr, "HWC as CHW": hwc}, n=4,' in blind.source
            ), "'the images do': the same four images, right and with each bug, in one figure"
    assert [o.get("output_type") for o in blind.outputs] == ["stream", "display_data"] and (
        "image/png" in blind.outputs[1]["data"]), "the three lines, then the figure"
    assert "read as CHW" not in markdown
    source = cell_with("def mean_intensity(")
    namespace = {"torch": torch}
    exec(source[:source.index("\nx_train, x_val, x_test")], namespace)
    mean_intensity = namespace["mean_intensity"]
    images = torch.randint(0, 256, (4, 3, 32, 32), dtype=torch.uint8,
                           generator=torch.Generator().manual_seed(0))
    pixels = torch.randperm(32 * 32, generator=torch.Generator().manual_seed(1))
    bugs = {"RGB/BGR swap": images.flip(1), "horizontal flip": images.flip(3),
            "vertical flip": images.flip(2),
            "pixel order": images.flatten(2)[:, :, pixels].reshape(images.shape),
            "HWC reshaped as CHW": images.permute(0, 2, 3, 1).reshape(images.shape)}
    y = mean_intensity(images)
    for bug, wrong in bugs.items():
        assert not torch.equal(wrong, images), bug
        assert torch.allclose(mean_intensity(wrong), y, atol=1e-6), f"'a mean ignores': {bug}"
    question = markdown.index("Name a loading bug, besides the two above,")
    assert markdown.index("### Check 4 of 4") < question < markdown.index("## Summary")
    # review s28: the answer names a bug the loop above shows a mean cannot see
    assert torch.allclose(mean_intensity(bugs["vertical flip"]), y, atol=1e-6)
    assert torch.equal(bugs["vertical flip"][:, :, 0], images[:, :, -1]), "'rows in reverse order'"


def test_a_the_adamw_toy(committed):
    markdown, printed = committed
    # s25 (r107 item 5, code ask 4): the toy's result as a table, the prose says the lesson
    assert ("\nafter 500 steps (both weights start at 1)\noptimizer               large gradients"
            "  small gradients\n") in printed
    found = {name: (float(a), float(b)) for name, a, b in re.findall(
        r"^(Adam, no decay|Adam, L2 penalty 0\.1|AdamW, decay 0\.1) +(\d\.\d{3}) +(\d\.\d{3})$",
        printed, re.M)}
    assert len(found) == 3, found
    free_large, free_small = found["Adam, no decay"]
    adam_large, adam_small = found["Adam, L2 penalty 0.1"]
    adamw_large, adamw_small = found["AdamW, decay 0.1"]
    # s32b (density): the reason is the paragraph's above the table
    assert ("In the table, the L2 penalty barely moves the weight with large gradients. AdamW's "
            "decay shrinks both weights alike.") in markdown
    # s27 round 2 (r116 UNBACKED): the no-decay row's aside, traced by no output, is cut
    assert "Even without decay" not in markdown and "first step is a full" not in markdown
    assert free_large == free_small
    assert adam_small < adam_large - 0.2, "the penalty shrinks the weight with small gradients"
    assert "The rows show" not in markdown and "bias correction" not in markdown
    # s23 fix 4: the why, re-run on the notebook's toy (tolerances far above float noise)
    w = torch.ones(1, requires_grad=True)
    adam = torch.optim.Adam([w], lr=1e-2)
    path = []
    for t in range(500):
        w.grad = torch.tensor([100.0]) * (-1) ** t
        adam.step()
        path.append(w.item())
    assert abs(path[-1] - free_large) < 6e-4, "the toy here is the notebook's"
    # "average zero": the notebook's toy feeds alternating signs over an even number of steps
    toy = "".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
                  if c.cell_type == "code" and "toy_optimizer" in c.source)
    steps, = re.findall(r"for t in range\((\d+)\):", toy)
    assert "w.grad = torch.tensor([100.0, 1.0]) * (-1) ** t" in toy and int(steps) % 2 == 0
    decay_part = free_large - adam_large
    assert 0 < decay_part < 0.01, "'barely further'"
    assert free_large - adamw_large > 30 * decay_part, "'barely', beside AdamW's decay"
    assert f"{adamw_large:.3f}" == f"{adamw_small:.3f}" and abs(adam_small - adamw_small) < 0.01, (
        "'alike', 'as much as'")
    assert "w.grad = torch.tensor([100.0, 1.0]) * (-1) ** t" in cell_with("toy_optimizer")
    toy = cell("90f6d651")  # r100 CODE ASK 1: the table in one output block
    assert [o["text"].count("\n") for o in toy.outputs] == [5]
    assert 'print("\\n".join(table))' in toy.source, "s25d: one print, one block on any machine"


def test_b_what_bf16_does(committed):
    markdown, printed = committed
    mse32, rounded, mse16 = (float(number(rf"\nbest\.pt's validation MSE, {how}: "
                                          r"(\d\.\d\de-\d\d)\n", printed))
                             for how in ("in float32", r"float32, rounded to bf16",
                                                    "under bf16 autocast"))
    # s23 fix 3: B (C before s24) is the grid lesson; no timing, no bf16-trained copy, no
    # figures of other CPUs
    for gone in ("training time", "trained", "as fast as"):
        b_printed = printed[printed.index("best.pt's validation MSE, in float32"):
                            printed.index("\nspike at step ")]  # B's lines, before C's
        assert gone not in b_printed, gone
    # s25: B names the docstrings that hold the timings (r107 UNBACKED, cell 61), quoting none
    for gone in ("1.11x", "2.13x", "**Speed:**", "matched pair", "images/s"):
        assert gone not in markdown, gone
    code = cell_with("out32.to(bf16).float()")
    assert "fit(" not in code and "autocast(run.device, bf16)" in code
    # the output's bf16 grid: spacing 2^-8 between 0.5 and 1, finer below
    assert torch.finfo(torch.bfloat16).eps == 2**-7 and torch.finfo(torch.float32).eps == 2**-23
    values = torch.tensor([0.5, 0.75, 1 - 2**-8, 0.3, 0.1]).to(torch.bfloat16)
    spacing = (torch.nextafter(values, torch.full_like(values, 2.0)) - values).float()
    assert spacing[:3].eq(2**-8).all() and spacing[3:].lt(2**-8).all(), spacing
    added = rounded - mse32
    assert (1 / 512) ** 2 / 12 < added < (1 / 256) ** 2 / 12, (
        "a rounding term between the 1/512 and the 1/256 grid's")
    assert ("**Under bf16, the answer itself lies on a grid.** bf16 numbers between 0.5 and 1 are "
            "1/256 apart, and finer below 0.5. Rounding `best.pt`'s float32 answers to that grid "
            "alone about doubles its validation MSE. Under autocast it does worse still."
            ) in markdown  # s27 round 4 (r117 TOP FIX 5): B trimmed to the grid finding
    assert "the grid costs as much" not in markdown
    assert "Run wholly under bf16" not in markdown, "r108 UNBACKED: autocast is mixed precision"
    assert 0.75 <= added / mse32 <= 1.33, f"'about doubles', 'as much as': {added / mse32:.2f}"
    assert mse16 > rounded, "'does worse still'"
    best_val = best_validation(printed)
    assert f"{mse32:.2e}" == best_val, "best.pt's validation MSE, as fit scored it (float32)"
    # s25: the 'not zero' box moved to section 6 (test_check_3_the_test_score)
    assert "the optimizer's, not the network's" not in markdown
    assert "fit chose: number format float32 |" in printed
    # r95 UNBACKED: the first line is quoted, not read as 'this CPU lacks AMX'
    reason = number(r"\| precision: (float32 \([^)]*\)) \|", printed)
    # s25 (r107 UNBACKED, cell 59): the GPU rule is the library's, named; the run shows the CPU's
    # s27 round 4 (r117 UNBACKED, cell 59): the rules named, not stated, as the run shows one case
    assert ("`fit` picks float32 or [bf16](../docs/glossary.md#bf16-mixed-precision) mixed "
            "precision by itself (fp16 on a GPU without bf16). Here the first output line gives "
            f"the choice and its reason: \"{reason}\". Check 2 turned off the `channels_last` "
            "layout that `fit` chose here. Inside `autocast`,") in markdown
    # s31 (r128 UNBACKED, cell 64): the rules' source, which the run does not show, not named
    assert "cuda_precision" not in markdown and "colorlab/device.py" not in markdown
    device = (NOTEBOOK.parents[1] / "colorlab" / "device.py").read_text()
    assert "def cuda_precision(" in device and "def cpu_precision(" in device
    assert "compute capability 8.0" not in markdown and "AMX matrix units" not in markdown
    policy = device[device.index("def autocast_dtype("):device.index("def precision_note(")]
    assert "cpu_precision()" in policy and "cuda_precision(device)" in policy, "fit's own choice"
    assert 'amp = device.type == "cuda"' in policy, "'by itself': a GPU gets mixed precision"
    # cold read r123: fp16 is the GPU rule's other answer (no bf16 before compute capability 8.0)
    assert ("torch.bfloat16 if torch.cuda.get_device_capability(device) >= (8, 0) "
            "else torch.float16") in device
    train = (NOTEBOOK.parents[1] / "colorlab" / "train.py").read_text()
    assert "amp_dtype = autocast_dtype(device, amp)" in train, "fit asks that policy"
    assert "which this AMD CPU lacks" not in markdown


def test_b_says_what_autocast_casts(committed):
    """B: under CPU autocast the convolutions run in bf16 and mse_loss in float32, as it says."""
    markdown, printed = committed
    # s34 (r134 UNBACKED, cell 61; item 5): how bf16 ran on a CPU without it, said as shown:
    # the printed reason, and the autocast cell's changed answers; no mechanism claimed
    assert ("Inside `autocast`, PyTorch runs the convolutions and linear layers in bf16, which "
            "keeps 8 significant bits where float32 keeps 24. This CPU has no bf16 hardware, but "
            "bf16 still runs on it, as the cell below shows. What does bf16 cost `best.pt` on the "
            "validation images?") in markdown
    assert "| precision: float32 (this CPU has no bf16 in hardware) |" in printed
    under_bf16 = re.search(r"\nbest\.pt's validation MSE, under bf16 autocast: (\S+)\n", printed)
    in_fp32 = re.search(r"\nbest\.pt's validation MSE, in float32: (\S+)\n", printed)
    assert under_bf16 and in_fp32 and under_bf16.group(1) != in_fp32.group(1), "'still runs'"
    assert "in software" not in markdown, "r134 item 5: no mechanism the run cannot show"
    # s27 round 2 (r116 UNBACKED): the loss's float32, shown by no output, is cut
    assert "cast to float32" not in markdown
    assert "sum many values" not in markdown, "r94 TOP FIX 5: not autocast's rule"
    conv = torch.nn.Conv2d(1, 1, 3)
    x = torch.rand(1, 1, 8, 8)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = conv(x)
        loss = torch.nn.functional.mse_loss(out, torch.zeros_like(out))
    assert out.dtype == torch.bfloat16 and loss.dtype == torch.float32


def test_the_trained_cnn_is_close_to_an_averager(committed):
    """s26c (r114 TOP FIX 1, CODE ASK 1): section 3's loop closed: each pixel's weight
    d(output)/d(input), summed over R, G and B, for the hand-set CNN and best.pt, side by side."""
    markdown, printed = committed
    # s29 (r124, coordinator): 'spread' meant std / mean here and variance below; now std, variance
    found = dict((name, (float(total), int(spread))) for name, total, spread in re.findall(
        r"^(hand-set \(section 3\)|trained \(best\.pt\)): the pixel weights add up to "
        r"(\d\.\d\d); their std is (\d+)% of their mean$", printed, re.M))
    assert len(found) == 2, found
    (hand_total, hand_spread), (total, spread) = found["hand-set (section 3)"], found[
        "trained (best.pt)"]
    # s29 (r125 IMPRECISE, cell 72): a weight only for a linear map; averaged over the probe
    n_probe = int(re.search(r"probe = x_test\[no_black\]\[:(\d+)\]", cell("grad-map").source)
                  .group(1))
    # s27 (item 1): the probe is Going deeper D (E until s29); section 3 points here
    assert ("### D. Did training find an averager? Is the trained network an averager, like "
            "section 3's hand-set one? For a linear map, the output's gradient for a pixel, summed "
            "over R, G and B, is that pixel's weight. A mean gives every pixel 1/1024. For the "
            "trained ReLU network the gradient depends on the image, so the cell below averages it "
            f"over {n_probe} test images and calls that the pixel's weight.") in markdown
    tile, tile_mean = re.search(
        r"\ntrained: one 4x4 tile, repeated, explains (\d+)% of their variance away from the "
        r"border; "
        r"the tile's 16 weights average (\d\.\d\d) \(x1/1024\)\n", printed).groups()
    tile = int(tile)
    # s32 (density): D trimmed to its readings; the std is the printed line's
    assert (f"The hand-set map is flat. The trained map also adds up to {total:.2f}, as a mean's "
            "does, but its weights vary in a grid: one 4×4 tile, repeated, explains "
            f"{tile}% of their variance inside the dashed square. The third panel shows that tile. "
            "Why 4×4? The two stride-2 convs put the last conv's outputs 4 input pixels apart, and "
            "all of them share one kernel. So the design allows 4×4 tiles; the hand-set weights "
            "make them flat.") in markdown  # s33b (r133 item 2): in plain words
    # s32b (r131 UNBACKED, cell 72): the structural argument said, not 'untested'
    assert "untested" not in markdown
    # s30 round 4 (r127 UNBACKED, cell 75): the stride as the grid's cause is not tested: said so
    assert "The tile's size matches the two stride-2 convs:" not in markdown
    # s28 (r119 CODE ASK 2): colors centered on a mean's weight, the tile's region outlined
    # (the inner pixels [4:-4, 4:-4]), the tile itself in a third panel, its values written in
    # s30 (r126 item 3): the computation visible (grad-map), the drawing folded below it
    draw = cell("grad-figure").source
    compute = cell("grad-map").source
    assert "plt." not in compute and "axes" not in compute and "matplotlib" not in compute
    assert cell("grad-figure").metadata.get("jupyter", {}).get("source_hidden") and (
        "hide-input" in cell("grad-figure").metadata.get("tags", []))
    assert draw.startswith("# the two maps and the tile, colored linearly around a mean's weight")
    assert "fig, axes = plt.subplots(1, 3, figsize=(9, 3.4)," in draw and "width_ratios" not in (
        draw), "r126 FIGURES, fig 7: three equal panels"
    assert 'panels = {**maps, "the 4×4 tile": tile}' in draw
    assert "Rectangle((3.5, 3.5), inner.shape[1], inner.shape[0]" in draw
    assert "inner = maps[\"trained (best.pt)\"][4:-4, 4:-4]" in compute
    assert 'axes[2].text(col, row, f"{value * 1024:.2f}"' in draw
    # s27 round 4 (r117 TOP FIX 1): E answers its question; s28 round 6 (r120 UNBACKED, cell 73):
    # the tile's average is the reason, the 0.20 link cut
    # s31 (r128 item 2): the linear reading tested on the network's outputs, not disclaimed
    # s32 (r129 item 6, cell 75): the question in plain words
    assert (f"The tile's 16 weights average {tile_mean} × 1/1024, a mean's weight. So does "
            "brightening a whole 4×4 block move the output as much as it moves a mean? The network "
            "answers below.") in markdown
    assert "nothing here checks against the network's outputs" not in markdown
    lo, hi, blocks, n_images, single_lo, single_hi = re.search(
        r"\na brightened inner 4x4 block: the output rises by (\d\.\d\d)x to (\d\.\d\d)x a "
        r"mean's rise \((\d+) blocks, each averaged over (\d+) images\); on single images, "
        r"(\d\.\d\d)x to (\d\.\d\d)x\n", printed).groups()
    lo, hi, single_lo, single_hi = (float(v) for v in (lo, hi, single_lo, single_hi))
    assert int(blocks) == 36 and int(n_images) == n_probe, "the tile's 36 blocks, the probe"
    assert round(max(1 - lo, hi - 1), 2) <= 0.03, (
        f"'every block counts within 3% of a mean': {lo}, {hi}")
    assert single_lo < lo and single_hi > hi, "'single images stray more'"
    assert ("Averaged over the images, every block counts within 3% of a mean; single images "
            "stray more. **So training found an averager: uneven pixel by pixel, near a mean block "
            "by block.**") in markdown
    check = cell("grad-check").source
    for line in ("mean_rise = 0.01 * 16 / 1024", "corners = torch.arange(4, 4 + 4 * k, 4)",
                 "brighter[:, :, row:row + 4, col:col + 4] += 0.01",
                 "(model(brighter.to(run.device)).cpu() - before) / mean_rise",
                 "per_block = block_rises.mean(dim=1)"):
        assert line in check, f"'a 4x4 block of even brightness, over a mean's rise': {line}"
    # s30 round 4 (r127 ERROR + UNBACKED, cell 75): a tile adds its sum / 1024, not its pixels'
    # mean; the linear reading is named as unchecked
    assert "each tile returns about the mean of its pixels" not in markdown
    assert abs(float(tile_mean) - 1) <= 0.02, "'a mean's weight'"
    assert "That fits a typical test error" not in markdown
    assert "print(f\"trained: one 4x4 tile" in compute and "{tile.mean() * 1024:.2f} (x1/1024)" in (
        compute)
    # s28 round 6 (r120 TOP FIX 3): section 3 points here
    # s32 (r129 item 5): the pointer to D is the end of section 7's line
    assert ("training has to find weights that do this job by itself. **Key idea:**") in markdown
    # s28 round 6 (r120 CODE ASK 2): the colors span the inner pixels; the flat panel labelled
    # s29 (r124 FIGURES, fig 7): a linear norm, symmetric around 1 (TwoSlopeNorm stretched one
    # side); ticks every 4 pixels on the trained map; the 16 images named in the title
    assert ("reach = max(inner.max().item() * 1024 - 1, 1 - inner.min().item() * 1024, 0.01)\n"
            "norm = Normalize(vmin=1 - reach, vmax=1 + reach)") in draw
    assert "TwoSlopeNorm" not in draw
    assert "edges = torch.arange(0, 33, 4)" in draw and "axes[1].set_xticks(edges - 0.5," in draw
    assert 'fig.suptitle(f"each pixel\'s weight, averaged over {len(probe)} test images"' in draw
    assert 'fig.colorbar(shown, ax=axes, extend="both",' in draw
    assert 'flat_note = "every pixel" if hand_map.std() < 0.01 else "mean"' in draw
    assert 'axes[0].text(15.5, 15.5, f"{flat_note}\\n{hand_map.mean():.2f}"' in draw
    # s27 round 2 (r116 UNBACKED): a 2-pixel period would pass the tile test too: no period claimed
    assert "repeats every 4 pixels" not in markdown
    assert tile >= 80, f"a 4x4 tile explains {tile}%"
    strides = re.findall(r"Conv2d\(\d+, \d+, kernel_size=\(3, 3\), stride=\((\d), \d\)", printed)
    assert strides == ["1", "2", "2"], f"'the two stride-2 convs': {strides}"
    assert "inner.reshape(k, 4, k, 4).mean(dim=(0, 2))" in cell("grad-map").source
    assert hand_spread == 0 and hand_total == 1.00, "'flat', a mean's 1/1024 everywhere"
    assert abs(total - 1) <= 0.02, "'add up to 1.00, as a mean's do'"
    assert 5 <= spread <= 50, "'spread around 1/1024', yet 'a close averager'"
    code = cell("grad-map")
    assert not code.metadata.get("jupyter", {}).get("source_hidden"), "teaching code: visible"
    for line in ("grad, = torch.autograd.grad(model.eval()(images).sum(), images)",
                 "return grad.sum(dim=1).mean(dim=0).cpu()",
                 "no_black = (x_test.amax(dim=1) > 0).flatten(1).all(dim=1)",
                 "probe = x_test[no_black][:16]",
                 'maps = {"hand-set (section 3)": pixel_weights(exact, probe),'):
        assert line in code.source, line
    # the hand-set CNN's weights are exactly 1/1024 on an image without a black pixel (ReLU's
    # gradient at 0 is 0, hence the probe's rule), and its weights of all pixels add up to 1
    net = hand_set_averager()
    x = (torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(0)) + 0.01).clamp(max=1)
    x.requires_grad_(True)
    grad, = torch.autograd.grad(net(x)[:, 0].mean(dim=(1, 2)).sum(), x)
    assert torch.allclose(grad.sum(dim=1), torch.full((2, 32, 32), 1 / 1024), atol=1e-7)
    cells = [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert cells.index("spikes-read") + 1 == cells.index("grad-head") == (
        cells.index("grad-map") - 1)
    assert cells.index("grad-read") == cells.index("grad-figure") + 1 == (
        cells.index("grad-check") - 1) == cells.index("grad-check-read") - 2 == (
        cells.index("s03") - 3)
    assert cells.index("grad-figure") == cells.index("grad-map") + 1
    assert "training has to find weights that do this job" in markdown, "the loop this closes"
    assert "must find such weights" not in markdown, "r125: 'must' contradicted 'different ones'"


def test_check_1_memorizing_run(committed):
    """s34 round 11 (r135 section 6 item 1): Check 1's bug, trained long on a few images, shows
    what memorizing looks like: training falls below the constant on its own targets while
    validation ends above the constant's validation MSE."""
    markdown, printed = committed
    few, epochs, train, train_x, few_base, val, val_x, val_base = re.search(
        r"\n(\d+) training images with shuffled targets, (\d+) epochs:\n"
        r"training MSE +(\d\.\d{5}), (\d+\.\d\d) times the constant's on these targets "
        r"\((\d\.\d{5})\)\n"
        r"validation MSE (\d\.\d{5}), (\d+\.\d\d) times the constant's \((\d\.\d{5})\)\n",
        printed).groups()
    assert val_base == number(r"\nthe constant +(\d\.\d{5})\n", printed), "the validation constant"
    assert abs(float(train) / float(few_base) - float(train_x)) < 0.01
    assert abs(float(val) / float(val_base) - float(val_x)) < 0.01
    assert ("**Can this network memorize?** Check 1's run saw each image only once. The run "
            f"below trains the same bug on the first {few} training images, with their shuffled "
            f"targets, for {epochs} epochs of one step each. Every 20 epochs, it scores the "
            f"weights on those {few} images and on validation.") in markdown
    code = cell("memo-run").source
    for line in ("x_few, y_few = x_train[:few].to(run.device), shuffled[:few].to(run.device)",
                 "memo_model = copy.deepcopy(model).to(run.device)",
                 "memo_epochs = run.pick(smoke=40, quick=400, full=400)",
                 "train_one_epoch(memo_model, [(x_few, y_few)], memo_optimizer,",
                 "    if epoch % 20 == 0:",
                 "memo_train.append(nn.functional.mse_loss(memo_model.eval()(x_few), y_few)",
                 "memo_val.append(val_mse(memo_model))",
                 "few = min(100, len(x_train))"):
        assert line in code, f"'the first 100 images, one step each, scored every 20': {line}"
    assert "MeanRegressor(" not in code, "a copy: no random draw shifts the later cells"
    assert "Batches(" not in code, "one step on all the images: nothing shuffled"
    figure = cell("memo-figure")
    assert figure.metadata.get("jupyter", {}).get("source_hidden")
    assert "hide-input" in figure.metadata.get("tags", [])
    assert 'ax.axhline(val_baseline, color="k", ls=":", lw=2, label="constant, on validation")' in (
        figure.source)
    assert "ax.axhline(few_baseline," in figure.source
    assert [o.get("output_type") for o in figure.outputs] == ["display_data"]
    order = [c.get("id") for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    assert (order.index("b02") + 1 == order.index("memo-intro") == order.index("memo-run") - 1
            == order.index("memo-figure") - 2 == order.index("memo-read") - 3
            == order.index("69e0aede") - 4)
    # the reading: training below its constant, validation above its constant
    assert float(train_x) < 1 < float(val_x), (train_x, val_x)
    assert float(train_x) < 0.5, f"'well below': {train_x}"
    assert (f"**Training falls well below the constant, while validation stays above it and "
            f"climbs.** Training ends at {train_x} times its constant and validation at {val_x} "
            f"times its own. The network is memorizing its {few} targets, yet does worse than the "
            "constant on new images. That widening gap is what memorizing looks like.") in markdown
    assert "no gap like Check 1's memorizing run" in markdown, "section 5 points back to it"
    assert ("memo_val[-1] > 0.95 * val_baseline" in code
            and "memo_train[-1] < 0.9 * few_baseline" in code), "the lecture's own invariants"
