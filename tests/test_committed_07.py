"""What notebook 07's markdown says about the run committed with it, checked against that run's
printed outputs and its table (the committed file is read, nothing is re-run)."""

import re
from pathlib import Path

import pytest
from committed import finder, read

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "07_going_further.ipynb"


@pytest.fixture(scope="module")
def committed():
    return read(NOTEBOOK)


found = finder("07")


def row(tables, name):
    """The cells of the table row that starts with ``name``: (value, mark) per column, in order;
    mark is "better", "worse" or None."""
    line = next((x for x in tables.splitlines() if x.startswith(f"| {name}")), None)
    assert line, f"no row {name!r} in 07's committed table"
    cells = [c.strip() for c in line.strip().strip("|").split("|")][1:]
    return [re.fullmatch(r"(.*?)(?: \*\*(better|worse)\*\*)?", c).groups() for c in cells]


def columns(tables):
    """The table's column headers (the first, empty one left out)."""
    header = next(x for x in tables.splitlines() if x.startswith("| | "))
    return [c.strip() for c in header.strip().strip("|").split("|")][1:]


def test_the_committed_run_is_quick_mode_fine_tuning_on_cifar10_with_two_seeds(committed):
    nb, markdown, printed, _ = committed
    assert "mode: quick | device: CPU (2 cores) | precision: bf16" in printed
    images = found(r"data: CIFAR-10 image-folder copy \(folder cifar10-jpg/\): ([\d,]+) train",
                   printed)[0]
    assert ("fine-tuned from the pretrained cifar10-l1-unet, 1 epoch(s), batch 64, lr 0.0001 "
            "(constant), the layers a variant adds at 0.001, weight decay 0, seeds (0, 1)"
            in printed)
    assert ("before training, the class-conditioned and the attention UNet colorize exactly"
            in printed)
    seconds = round(nb.metadata["papermill"]["duration"])
    assert (f"The run committed here is quick mode on a 2-core CPU, in bf16, with {images} "
            f"CIFAR-10 training images: {seconds} s by papermill's clock.") in markdown
    assert seconds < 300, "quick mode's budget is 5 minutes"
    assert "WARNING" not in printed and "Warning" not in printed
    assert "CPU precision" not in printed


def test_the_new_layers_learning_rate(committed):
    nb, markdown, printed, _ = committed
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "NEW_LAYERS_LR_SCALE = 10 " in code and 'new_layers=("embed.",)' in code
    assert 'new_layers=("attention.",)' in code
    assert "train at `NEW_LAYERS_LR_SCALE` = 10 times the rate, 1e-3" in markdown
    steps = int(found(r"seed 0, (\d+) steps, mean of the first quarter", printed)[0])
    assert (f"in one epoch of {steps} steps at 1e-4 a weight that starts at 0 can travel only "
            f"about {steps * 1e-4:.3f}") in markdown
    # gamma: far from where steps of about 1e-3 in one direction would take it
    gammas = found(r"gamma after training ([+-]\d\.\d{4}) and ([+-]\d\.\d{4}) \(seeds \(0, 1\)",
                   printed)
    assert f"The attention block's gamma ended at {gammas[0]} and {gammas[1]}" in markdown
    assert (f"where {steps} steps of about 1e-3 in one direction would have taken it near 0.05"
            in markdown)
    assert 0.04 < steps * 1e-3 < 0.06 and max(abs(float(g)) for g in gammas) < 0.1 * steps * 1e-3
    lengths = found(r"the class vectors: [\d,]+ parameters; mean length after training "
                    r"(\d\.\d{3}) and (\d\.\d{3}) \(seeds \(0, 1\); they started at 0\); "
                    r"seed 0's add (\d+\.\d\d)%", printed)
    assert (f"the class vectors grew from 0 to a mean length of {lengths[0]} and {lengths[1]} "
            f"(the two seeds) and add {lengths[2]}% to the size of the bottleneck's features"
            in markdown)
    hint = found(r"class hint: per-image AuC within (\d\.\d{4})", printed)[0]
    assert f"They change some test images' AuC by up to {hint}, but no mean moves by more than " \
           "twice the noise" in markdown
    assert "class hint: no clear difference from the plain UNet" in printed
    assert "self-attention: no clear difference from the plain UNet" in printed


def test_the_perceptual_statements(committed):
    nb, markdown, printed, _ = committed
    assert 'perceptual_loss = l1_perceptual(classifier, PERCEPTUAL_WEIGHT)' in "\n".join(
        c.source for c in nb.cells if c.cell_type == "code")
    accuracy = found(r"SmallClassifier: [\d,]+ parameters, trained in \d+ s; "
                     r"test accuracy (\d+\.\d)%", printed)[0]
    gray = found(r"grayscale \(ab = 0\)\s+L1 \d\.\d{4}, feature distance (\d\.\d{4}); "
                 r"feature gradient (\d+\.\d)% of L1's", printed)
    start = found(r"pretrained UNet\s+L1 \d\.\d{4}, feature distance (\d\.\d{4}); feature gradient "
                  r"(\d+\.\d)% of L1's", printed)
    assert (f"The classifier recognizes only {accuracy}% of the test images, but its features do "
            f"tell colors apart: gray lies further from the truth (feature distance {gray[0]}) "
            f"than the pretrained UNet's colors ({start[0]}). Its gradient is {start[1]}% of L1's "
            "at the starting point") in markdown
    assert float(gray[0]) > float(start[0])
    assert f"(20 times section 4's {start[1]}%)" in markdown
    assert 0.8 < 20 * float(start[1]) / 100 < 1.5
    assert f"Its gradient is {start[1]}% of L1's at the start" in markdown
    assert "perceptual: no clear difference from the plain UNet" in printed
    within = found(r"perceptual: per-image AuC within (\d\.\d{4})", printed)[0]
    assert f"its per-image AuC stays within {within} of the plain UNet's" in markdown


def test_the_table_and_the_adversarial_statements(committed):
    _, markdown, printed, tables = committed
    heads = columns(tables)
    assert heads == ["PSNR gain (dB) ↑", "AuC ↑", "rebalanced AuC ↑", "classifier ↑ (truth 63.9%)",
                     "colorfulness (truth 30.8)", "Delta E ↓", "ms / step"]
    assert "It recognizes only 63.9% of the true test images" in markdown
    plain, start = row(tables, "**L1 UNet**"), row(tables, "pretrained L1 UNet, before fine-tuning")
    adversarial = row(tables, "adversarial: difference")
    truth = found(r"colorfulness \(truth (\d+\.\d)\)", tables)[0]
    colorful = found(r"colorfulness L1 UNet (\d+\.\d), adversarial (\d+\.\d)", printed)
    assert colorful[0] == plain[4][0]
    psnr, auc, rebalanced, accuracy, colorfulness, delta_e = adversarial[:6]
    assert (f"Against the plain L1 fine-tune: colorfulness {colorful[1]} against {plain[4][0]} "
            f"(the truth's {truth}), rebalanced AuC {rebalanced[0]}, PSNR gain {psnr[0]} dB, each "
            "more than twice the noise.") in markdown
    assert (psnr[1], rebalanced[1], colorfulness[1]) == ("worse", "better", "better")
    assert auc[1] is delta_e[1] is accuracy[1] is None
    assert f"The plain AuC ({auc[0]}) and Delta E ({delta_e[0]}) are slightly worse, but not " \
           "clearly." in markdown
    assert auc[0].startswith("-") and delta_e[0].startswith("+")
    clear = found(r"adversarial: (clearly better on .*)", printed)[0]
    assert "rebalanced AuC" in clear and "colorfulness" in clear
    assert "clearly worse on PSNR" in clear
    # the baseline drifts; the adversarial variant gains more than the baseline lost
    lost = float(start[2][0]) - float(plain[2][0])
    assert (f"less colorful than the pretrained model it started from ({plain[4][0]} against "
            f"{start[4][0]}) and lower on the rebalanced AuC ({plain[2][0]} against "
            f"{start[2][0]})") in markdown
    assert (f"The adversarial variant gains more on the rebalanced AuC ({rebalanced[0]}) than the "
            f"plain fine-tune lost ({lost:.4f})") in markdown
    assert float(plain[4][0]) < float(start[4][0]) < float(colorful[1])
    assert 0 < lost < float(rebalanced[0])
    # what a step costs
    names = ("**L1 UNet**", "adversarial: difference", "perceptual: difference",
             "class hint: difference", "self-attention: difference")
    plain_ms, adv_ms, perc_ms, hint_ms, att_ms = (round(float(row(tables, n)[6][0])) for n in names)
    assert (f"each add two thirds to three quarters to a step ({adv_ms} and {perc_ms} ms against "
            f"the plain UNet's {plain_ms}); the class vectors and attention on the 4 x 4 "
            f"bottleneck add almost nothing ({hint_ms} and {att_ms} ms)") in markdown
    assert all(1.6 < v / plain_ms < 1.9 for v in (adv_ms, perc_ms))
    assert all(v / plain_ms < 1.15 for v in (hint_ms, att_ms))


def test_the_figure_and_the_critic(committed):
    nb, markdown, printed, _ = committed
    h_low, h_high = found(r"where it helps most: AuC \+(\d\.\d{3}) to \+(\d\.\d{3})", printed)
    u_low, u_high, p_low, p_high, c_low, c_high = found(
        r"where it hurts most: AuC (-\d\.\d{3}) to (-\d\.\d{3}), PSNR (-\d+\.\d) to (-\d+\.\d) dB, "
        r"colorfulness (\+\d+\.\d) to (\+\d+\.\d)", printed)
    assert f"Where the adversarial loss helps most (AuC +{h_low} to +{h_high})" in markdown
    assert (f"Where it hurts most (AuC {u_low} to {u_high}, PSNR {p_low} to {p_high} dB)"
            in markdown)
    assert f"(colorfulness {c_low} to {c_high} over the plain UNet's)" in markdown
    # rank for rank: the largest loss against the largest gain, the smallest against the smallest
    ratios = (abs(float(u_low)) / float(h_high), abs(float(u_high)) / float(h_low))
    assert 1.8 < min(ratios) and max(ratios) < 3.2, "the losses are two to three times the gains"
    assert "The losses are about twice to three times the size of the gains" in markdown
    share = found(r"the adversarial model's AuC is higher on (\d+)% of them", printed)[0]
    assert f"its AuC is higher on {share}% of them" in markdown and 35 <= int(share) <= 65
    c0, c1, g0, g1 = found(r"critic (\d\.\d\d) -> (\d\.\d\d) \(ln 2 = 0\.69\), generator's term "
                           r"(\d\.\d\d) -> (\d\.\d\d)", printed)
    assert (f"Its loss fell from {c0} to {c1} over the epoch, away from ln 2, and the generator's "
            f"term rose from {g0} to {g1}") in markdown
    assert float(c1) < float(c0) < 0.70 and float(g1) > float(g0)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "lr 0.0001 (constant)" in printed and "ADVERSARIAL_WEIGHT = 0.01 " in code
    assert ("twice the colorizer's 1e-4, and the colorizer feels its verdict only at weight 0.01"
            in markdown)


def test_the_readme_quotes_this_run(committed):
    nb, _, printed, _ = committed
    seconds = round(nb.metadata["papermill"]["duration"])
    (summary,) = found(r"Summary: (.*)", printed)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [07 "))
    assert row.rstrip().endswith(f"| {seconds} s |"), row
    result = next(line for line in readme.splitlines() if line.startswith("| 07 |"))
    assert summary.strip() in result and result.rstrip().endswith(f"| {seconds} s |")
    assert "adversarial loss is the one idea that changes the colors: more colorful (" in readme
    colorful = found(r"colorfulness L1 UNet (\d+\.\d), adversarial (\d+\.\d)", printed)
    assert f"more colorful ({colorful[1]} against {colorful[0]}; the" in " ".join(readme.split())
