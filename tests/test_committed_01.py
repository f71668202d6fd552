"""What notebook 01's markdown says about the run committed with it, checked against that run's
printed outputs (the committed file is read, nothing is re-run): the text cannot drift from the
numbers when the notebook is run again and committed."""

import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_regression_toy.ipynb"


@pytest.fixture(scope="module")
def committed():
    """(all markdown, all printed text) of the committed notebook."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    printed = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                        for o in c.get("outputs", []) if o.get("output_type") == "stream")
    return " ".join(markdown.split()), printed


def number(pattern, text):
    found = re.search(pattern, text)
    assert found, f"the committed outputs no longer print {pattern!r}: re-run 01, or update this"
    return found.group(1)


def test_the_time_line_quotes_the_run(committed):
    markdown, printed = committed
    nb = nbformat.read(NOTEBOOK, as_version=4)
    seconds = round(nb.metadata.papermill.duration)
    assert f"which took {seconds} s" in markdown, f"the Time line should quote {seconds} s"
    images = number(r"data: [^|]*: ([\d,]+) train /", printed)
    assert f"quick-mode run ({images} CIFAR-10 training images, 12 epochs)" in markdown
    assert "mode: quick" in printed and "device: CPU (2 cores)" in printed
    assert "with bf16 hardware" in markdown and "precision: bf16" in printed
    assert "quick-mode preset: standard (100% of the default training images)" in printed
    assert f"pinned to all {images} images here" in markdown


def test_the_baseline_answer_quotes_the_run(committed):
    markdown, printed = committed
    constant = number(r"constant prediction (\d\.\d{4})", printed)
    mse = number(r"test MSE (\d\.\d{5})", printed)
    share = number(r"the squared gap is (\d+\.\d)% of the variance", printed)
    assert (f"the constant is {constant}, the MSE {mse}, and the squared gap {share}% of the "
            "variance") in markdown


def test_the_own_loop_and_epochs_1_pointer(committed):
    markdown, printed = committed
    steps = number(r"our loop, one epoch of (\d+) steps:", printed)
    start = number(r"validation MSE (\d\.\d\de-\d\d) with the random weights", printed)
    own = number(r"with the random weights, (\d\.\d\de-\d\d) after", printed)
    loss = number(r"after; mean training loss (\d\.\d\de-\d\d)", printed)
    baseline = number(r"the constant baseline: about (\d\.\d\de-\d\d)", printed)
    last_val = number(r"last epoch: training \d\.\d\de-\d\d, validation (\d\.\d\de-\d\d)", printed)
    assert (f"takes the validation MSE from {start} (random weights) to {own}, far below the "
            f"constant's ({baseline}), yet its mean training loss ({loss}) is above the constant's"
            in markdown)
    assert float(start) > float(loss) > float(baseline) > float(own), (
        "the paragraph's premise: the training mean between the random start and the baseline")
    assert f"a mean over all {steps} steps" in markdown
    fit_first = number(r"first epoch: training [\d.e-]+, validation (\d\.\d\de-\d\d)", printed)
    assert float(fit_first) < float(own) and f"ends lower, at {fit_first}" in markdown
    assert f"its validation MSE after that one epoch ({own}) was far above `fit`'s" in markdown
    assert f"after 12 epochs ({last_val})" in markdown
    assert float(own) > 10 * float(last_val), "EPOCHS = 1's premise: one epoch is far worse"


def test_the_curves_paragraph(committed):
    markdown, printed = committed
    train0 = number(r"first epoch: training (\d\.\d\de-\d\d)", printed)
    val0 = number(r"first epoch: training [\d.e-]+, validation (\d\.\d\de-\d\d)", printed)
    baseline = number(r"\(constant baseline (\d\.\d\de-\d\d)\)", printed)
    assert float(train0) > float(baseline) > float(val0), (
        "the paragraph's premise: the first epoch's training loss above the baseline, its "
        "validation loss below")
    assert (f"its training mean ({train0}) is even above the constant baseline ({baseline})"
            in markdown and f"the validation loss at the end of that epoch ({val0})" in markdown)
    below = number(r"validation below training at epochs ([\d, ]+);", printed).split(", ")
    assert len(below) >= 10, f"'below the training loss in almost every epoch': only {below}"
    rises = number(r"validation higher than the epoch before at epochs ([\d, ]+)\n",
                   printed).split(", ")
    assert len(rises) == 2 and f"at epochs {rises[0]} and {rises[1]}," in markdown, (
        f"the markdown should quote the rises {rises}")
    peak_epoch = number(r"after (\d+)\.00 epochs\)", printed)
    assert f"around the peak (the end of epoch {peak_epoch})" in markdown


def test_the_learning_rate_answer(committed):
    markdown, printed = committed
    step = number(r"peak 3\.0e-03 at step (\d+)", printed)
    steps = number(r"([\d,]+) steps \(", printed)
    top = number(r"highest recorded: epoch (\d+), 0\.\d+ of the peak", printed)
    fraction = number(r"highest recorded: epoch \d+, (0\.\d+) of the peak", printed)
    assert f"at step {step} of {steps}" in markdown
    assert f"the highest dot is epoch {top}'s (step {int(step) - 1}, {fraction} of the peak)" \
        in markdown


def test_the_number_format_answer(committed):
    markdown, printed = committed
    assert "precision: bf16 (this CPU has AMX)" in printed
    assert "autocast: bf16 | channels_last: True" in printed
    assert "(`precision: bf16 (this CPU has AMX)`)" in markdown
    assert "(`autocast: bf16`, with `channels_last` on)" in markdown


def test_the_evaluation_answers(committed):
    markdown, printed = committed
    best = number(r"best\.pt: epoch (\d+) of", printed)
    epochs = number(r"best\.pt: epoch \d+ of (\d+)", printed)
    assert best == epochs and f"epoch {best} of {epochs}, the last one" in markdown
    ratio = float(number(r"\((\d+\.\d)x lower\)", printed))
    assert round(ratio, -3) == 18_000 and "the tiny CNN's is about 18,000 times lower" in markdown
    assert ratio > 10 and "by a factor of 10 or more" in markdown  # the evaluation's bar
    assert markdown.count("about 18,000 times") >= 3, "the 10x bar's two explanations"
    rmse = number(r"root mean squared error: model (\d\.\de-\d\d)", printed)
    steps = number(r"= (\d\.\d\d) steps of 1/255", printed)
    baseline = number(r"baseline (0\.\d{3}) = \d+ steps", printed)
    baseline_steps = number(r"baseline 0\.\d{3} = (\d+) steps", printed)
    mantissa, exponent = rmse.split("e-")
    assert (f"${mantissa} \\times 10^{{-{int(exponent)}}}$ of the [0, 1] range, {steps} of a step"
            in markdown)
    assert f"off by {baseline}, or {baseline_steps} steps" in markdown
    assert float(steps) < 1, "'well under the smallest change an 8-bit image can store'"


def test_the_residual_paragraph(committed):
    markdown, printed = committed
    share = number(r"(\d+\.\d)% of the test predictions within half a step", printed)
    worst = number(r"the worst (\d+\.\d\d) steps off", printed)
    assert (f"{share}% of the test predictions are within half a step of 1/255, and the worst is "
            f"{worst} steps off") in markdown
    overall = number(r"mean error: ([+-]\d\.\d\d) steps overall", printed)
    assert f"On average the predictions are {overall} steps low" in markdown and float(overall) < 0
    line = number(r"by true mean intensity \(± its standard error\): (.*)", printed)
    bins = [(float(m), se, int(n.replace(",", ""))) for m, se, n in
            re.findall(r"([+-]\d\.\d\d) ± (\d\.\d\d) steps \(([\d,]+) images\)", line)]
    assert len(bins) == 5, f"five fifths of the intensity range: {line}"
    means = [m for m, _, _ in bins]
    assert sum(m < 0 for m in means) == 4 and "four of the five fifths" in markdown
    assert f"lie between {min(means):+.2f} and {max(means):+.2f} steps" in markdown
    assert (f"only {bins[0][2]} and {bins[-1][2]} images (standard errors {bins[0][1]} and "
            f"{bins[-1][1]} steps)") in markdown
    assert max(abs(m) for m in means) < 0.25, "'small beside the half-step band'"
    test_mse = number(r"test MSE: model (\d\.\d\de-\d\d)", printed)
    best_val = number(r"validation MSE (\d\.\d\de-\d\d) as fit measured it \(autocast: bf16\)",
                      printed)
    float32_val = number(r"as fit measured it \(autocast: bf16\), (\d\.\d\de-\d\d) in float32",
                         printed)
    assert float(test_mse) < float(best_val), "the paragraph explains a test MSE below validation"
    assert f"The test MSE ({test_mse}) is even below `best.pt`'s validation loss ({best_val})" \
        in markdown
    assert f"in float32 the validation MSE is {float32_val}, next to the test's" in markdown
    assert abs(float(float32_val) - float(test_mse)) < 0.1 * float(test_mse), (
        "'next to the test's': the float32 validation MSE should be within 10% of the test MSE")


def test_the_reload_answer(committed):
    markdown, printed = committed
    gap = number(r"largest difference from the predictions above: (\d\.\de-\d\d)", printed)
    assert f"the gap printed ({gap}) is a few steps of float32" in markdown
    assert 2**-25 <= float(gap) <= 8 * 2**-24, f"{gap} is not a few float32 steps near 0.5"
    assert "the same, with the fresh model in fit's memory layout: 0.0e+00" in printed
    assert "difference is 0 (the cell's last line)" in markdown
