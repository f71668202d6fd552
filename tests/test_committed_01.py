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


def test_the_baseline_answer_quotes_the_run(committed):
    markdown, printed = committed
    constant = number(r"constant prediction (\d\.\d{4})", printed)
    mse = number(r"test MSE (\d\.\d{5})", printed)
    share = number(r"the squared gap is (\d+\.\d)% of the variance", printed)
    assert (f"the constant is {constant}, the MSE {mse}, and the squared gap {share}% of the "
            "variance") in markdown


def test_the_own_loop_and_epochs_1_pointer(committed):
    markdown, printed = committed
    own = number(r"our loop, one epoch of \d+ steps: .*validation MSE (\d\.\d\de-\d\d)", printed)
    baseline = number(r"the constant baseline: about (\d\.\d\de-\d\d)", printed)
    last_val = number(r"last epoch: training \d\.\d\de-\d\d, validation (\d\.\d\de-\d\d)", printed)
    assert f"validation MSE ({own}) far below the constant's ({baseline})" in markdown
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
    assert "precision: bf16: this CPU has AMX tiles" in printed
    assert "autocast: bf16 | channels_last: True" in printed
    assert "(`precision: bf16: this CPU has AMX tiles`)" in markdown
    assert "bf16 (`autocast: bf16`), with `channels_last` on" in markdown


def test_the_evaluation_answers(committed):
    markdown, printed = committed
    best = number(r"best\.pt: epoch (\d+) of", printed)
    epochs = number(r"best\.pt: epoch \d+ of (\d+)", printed)
    assert best == epochs and f"epoch {best} of {epochs}, the last one" in markdown
    ratio = float(number(r"\((\d+\.\d)x lower\)", printed))
    assert ratio > 18_000 and "the tiny CNN's is over 18,000 times lower" in markdown
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
    assert f"{share}% of the test predictions are within half a step of 1/255" in markdown
    assert f"the worst is {worst} steps off" in markdown
    test_mse = number(r"test MSE: model (\d\.\d\de-\d\d)", printed)
    best_val = number(r"lowest validation loss, (\d\.\d\de-\d\d)\)", printed)
    assert float(test_mse) < float(best_val), "the paragraph explains a test MSE below validation"
    assert f"The test MSE ({test_mse}) is even below `best.pt`'s validation loss ({best_val})" \
        in markdown
    gap = float(best_val) - float(test_mse)
    assert 3e-7 < gap < 1.3e-6, (f"the gap {gap:.1e} should lie between the two rounding terms "
                                 "d^2/12 the paragraph names")


def test_the_reload_answer(committed):
    markdown, printed = committed
    gap = number(r"largest difference from the predictions above: (\d\.\de-\d\d)", printed)
    assert f"The gap printed ({gap}) is two steps of float32" in markdown
    assert 1.5 * 2**-24 < float(gap) < 2.5 * 2**-24, f"{gap} is not two float32 steps near 0.5"
