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
    """The cells of the table row ``name``: [value, effect, clear?] per yardstick, in order."""
    line = next((x for x in tables.splitlines() if x.startswith(f"| {name} |")), None)
    assert line, f"no row {name!r} in 07's committed table"
    cells = [c.strip() for c in line.strip("|").split("|")][1:]
    return [re.match(r"([+-]?[\d.]+%?)(?: \(([+-][\d.]+%?)?[^)]*\))?( \*\*clear\*\*)?", c).groups()
            if re.match(r"[+-]?[\d.]", c) else (c, None, None) for c in cells]


def test_the_committed_run_is_quick_mode_fine_tuning_on_cifar10_with_two_seeds(committed):
    nb, markdown, printed, _ = committed
    assert "mode: quick" in printed and "data: CIFAR-10 image-folder copy" in printed
    images = found(r"data: CIFAR-10 image-folder copy \(folder cifar10-jpg/\): ([\d,]+) train",
                   printed)[0]
    assert "fine-tuned from the pretrained cifar10-l1-unet, 1 epoch(s)" in printed
    assert "seeds (0, 1)" in printed
    assert ("before training, the class-conditioned and the attention UNet colorize exactly"
            in printed)
    seconds = round(nb.metadata["papermill"]["duration"])
    assert f"quick {seconds} s for the run committed here ({images} CIFAR-10 images" in markdown
    assert ("fine-tuned from the pretrained cifar10-l1-unet, 1 epoch(s), batch 64, lr 0.0001"
            in printed)
    assert seconds < 300, "quick mode's budget is 5 minutes"
    assert "WARNING" not in printed and "Warning" not in printed


def test_the_adversarial_statements(committed):
    _, markdown, printed, tables = committed
    plain, adversarial = row(tables, "L1 UNet"), row(tables, "adversarial")
    start = row(tables, "pretrained L1 UNet, before fine-tuning")
    truth = found(r"colorfulness \(truth (\d+\.\d)\)", tables)[0]
    psnr, auc, rebalanced, accuracy, colorful, delta_e = adversarial[:6]
    assert (f"against the plain L1 fine-tune: colorfulness {colorful[0]} against {plain[4][0]} "
            f"(the truth's {truth}), rebalanced AuC {rebalanced[1]}, PSNR gain {psnr[1]} dB, each "
            "more than twice the noise; the plain AuC, the classifier and Delta E moved less than "
            "that (the plain AuC and Delta E just under it, both worse, at about twice their noise "
            "as the table rounds them).") in markdown
    raw = next(x for x in tables.splitlines() if x.startswith("| adversarial |")).split("|")[2:]
    for k, worse in ((1, "-"), (5, "+")):   # AuC and Delta E: "just under it, both worse"
        change, gap = re.search(r"\(([+-][\d.]+); seeds ([\d.]+) apart\)", raw[k]).groups()
        assert change.startswith(worse) and 1.5 < abs(float(change)) / float(gap) <= 2.05
    assert all(x[2] for x in (psnr, rebalanced, colorful))
    assert not (auc[2] or accuracy[2] or delta_e[2])
    clear = found(r"adversarial: clear differences from the plain UNet: (.*)", printed)[0]
    assert "rebalanced AuC" in clear and "colorfulness" in clear and "Delta E" not in clear
    # the baseline drifts; the adversarial variant ends above the starting point too
    assert (f"less colorful than the pretrained model it started from ({plain[4][0]} against "
            f"{start[4][0]}) and lower on the rebalanced AuC ({plain[2][0]} against "
            f"{start[2][0]}). The adversarial variant ends above that starting point too "
            f"({colorful[0]} and {rebalanced[0]})") in markdown
    assert float(plain[4][0]) < float(start[4][0]) < float(colorful[0])
    assert float(plain[2][0]) < float(start[2][0]) < float(rebalanced[0])


def test_the_figure_the_critic_and_the_null_results(committed):
    _, markdown, printed, _ = committed
    h_low, h_high = found(r"where it helps most: AuC \+(\d\.\d{3}) to \+(\d\.\d{3})", printed)
    u_low, u_high, p_low, p_high = found(r"where it hurts most: AuC (-\d\.\d{3}) to (-\d\.\d{3}), "
                                         r"PSNR (-\d+\.\d) to (-\d+\.\d) dB", printed)
    assert f"where it helps most (AuC +{h_low} to +{h_high})" in markdown
    assert (f"where it hurts most (AuC {u_low} to {u_high}, PSNR {p_low} to {p_high} dB)"
            in markdown)
    ratios = (abs(float(u_high)) / float(h_high), abs(float(u_low)) / float(h_low))
    assert 1.8 < min(ratios) and max(ratios) < 3.2, "the losses are two to three times the gains"
    assert "The losses are about twice to three times the size of the gains" in markdown
    share = found(r"the adversarial model's AuC is higher on (\d+)% of them", printed)[0]
    assert f"its AuC is higher on {share}% of them" in markdown and 35 <= int(share) <= 65
    c0, c1, g0, g1 = found(r"critic (\d\.\d\d) -> (\d\.\d\d) \(ln 2 = 0\.69\), generator's term "
                           r"(\d\.\d\d) -> (\d\.\d\d)", printed)
    assert (f"the critic's loss fell from {c0} to {c1} over the epoch, away from ln 2, and the "
            f"generator's term rose from {g0} to {g1}") in markdown
    assert float(c1) < float(c0) < 0.70 and float(g1) > float(g0)
    assert "lr 0.0001 (constant)" in printed and "twice the colorizer's 1e-4" in markdown
    for name in ("perceptual", "class hint", "self-attention"):
        assert f"{name}: clear differences from the plain UNet: none" in printed
    hint = float(found(r"class hint: per-image AuC within (\d\.\d{4})", printed)[0])
    attention = float(found(r"self-attention: per-image AuC within (\d\.\d{4})", printed)[0])
    assert max(hint, attention) <= 0.0010 and "by more than 0.0010" in markdown
    gamma = found(r"gamma after training ([+-]\d\.\d{4})", printed)[0]
    assert f"the attention block's gamma ended at {gamma}" in markdown
    terms = {k: float(v) for k, v in re.findall(r"(1 - SSIM|feature distance)\s+[\d.]+ x [\d.]+ = "
                                                r"(\d\.\d{4})", printed)}
    l1 = float(found(r"L1\s+[\d.]+ x 1 = (\d\.\d{4})", printed)[0])
    assert 0.07 < (terms["1 - SSIM"] + terms["feature distance"]) / l1 < 0.13  # "about a tenth"


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
