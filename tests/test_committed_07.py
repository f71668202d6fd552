"""What notebook 07's markdown says about the run committed with it, checked against that run's
printed outputs and its table (the committed file is read, nothing is re-run)."""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "07_going_further.ipynb"


@pytest.fixture(scope="module")
def committed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    markdown = " ".join(" ".join(c.source for c in nb.cells if c.cell_type == "markdown").split())
    printed = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                        for o in c.get("outputs", []) if o.get("output_type") == "stream")
    tables = "\n".join(o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                       for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
    return nb, markdown, printed, tables


def found(pattern, text):
    match = re.search(pattern, text)
    assert match, f"the committed outputs no longer show {pattern!r}: re-run 07, or update this"
    return match.groups()


def row(tables, name):
    """The cells of the table row ``name``: [value, effect, clear?] per yardstick, in order."""
    line = next((x for x in tables.splitlines() if x.startswith(f"| {name} |")), None)
    assert line, f"no row {name!r} in 07's committed table"
    cells = [c.strip() for c in line.strip("|").split("|")][1:]
    return [re.match(r"([+-]?[\d.]+%?)(?: \(([+-][\d.]+%?)\))?( \*\*clear\*\*)?", c).groups()
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
    assert seconds < 300, "quick mode's budget is 5 minutes"
    assert "WARNING" not in printed and "Warning" not in printed


def test_the_adversarial_statements(committed):
    _, markdown, printed, tables = committed
    plain, adversarial = row(tables, "L1 UNet"), row(tables, "adversarial")
    truth = found(r"colorfulness \(truth (\d+\.\d)\)", tables)[0]
    psnr, auc, rebalanced, accuracy, colorful, delta_e = adversarial[:6]
    steps = found(r"seed 0, (\d+) steps", printed)[0]
    assert (f"after one epoch of {steps} steps: colorfulness {colorful[0]} against the plain "
            f"UNet's {plain[4][0]} (the truth's {truth}), rebalanced AuC {rebalanced[1]}, "
            f"classifier {accuracy[1].rstrip('%')} points, PSNR gain {psnr[1]} dB, each more than "
            "twice the noise; AuC and Delta E moved less than that.") in markdown
    assert all(x[2] for x in (psnr, rebalanced, accuracy, colorful))
    assert not auc[2] and not delta_e[2]
    clear = found(r"adversarial: clear differences from the plain UNet: (.*)", printed)[0]
    assert "rebalanced AuC" in clear and "colorfulness" in clear and "Delta E" not in clear


def test_clear_is_not_large_and_the_critic_was_winning(committed):
    _, markdown, printed, tables = committed
    accuracy = row(tables, "adversarial")[3][1]
    scored = found(r"scored on ([\d,]+) test images", printed)[0]
    share = float(accuracy.rstrip("%")) / 100 * int(scored.replace(",", ""))
    assert f"+0.3 points are about {round(share)} of the {scored} images scored" in markdown
    assert accuracy == "+0.3%"
    c0, c1, g0, g1 = found(r"critic (\d\.\d\d) -> (\d\.\d\d) \(ln 2 = 0\.69\), generator's term "
                           r"(\d\.\d\d) -> (\d\.\d\d)", printed)
    assert (f"the critic's loss fell from {c0} to {c1} over the epoch, away from ln 2, and the "
            f"generator's term rose from {g0} to {g1}") in markdown
    assert float(c1) < float(c0) < 0.70 and float(g1) > float(g0)


def test_the_figure_and_the_null_results(committed):
    _, markdown, printed, _ = committed
    low, high, cf_low, cf_high = found(r"adversarial minus the plain UNet on these 8 images: PSNR "
                                       r"(-\d+\.\d) to (-\d+\.\d) dB, colorfulness \+(\d+\.\d) to "
                                       r"\+(\d+\.\d)", printed)
    assert (f"all images where the adversarial model loses {high.lstrip('-')} to {low.lstrip('-')} "
            f"dB to the plain UNet while being {cf_low} to {cf_high} more colorful") in markdown
    for name in ("perceptual", "class hint", "self-attention"):
        assert f"{name}: clear differences from the plain UNet: none" in printed
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
