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


def test_the_baseline_answer_quotes_the_run(committed):
    markdown, printed = committed
    constant = number(r"constant prediction (\d\.\d{4})", printed)
    mse = number(r"test MSE (\d\.\d{5})", printed)
    share = number(r"the squared gap is (\d+\.\d)% of the variance", printed)
    assert (f"the constant is {constant}, the MSE {mse}, and the squared gap {share}% of the "
            "variance") in markdown


def test_the_epochs_where_validation_rose(committed):
    markdown, printed = committed
    rises = number(r"validation loss rose after epoch\(s\) ([\d, ]+);", printed).split(", ")
    quoted = f"they were epochs {' and '.join(rises)}" if len(rises) == 2 else None
    assert quoted and quoted in markdown, f"the markdown should quote the rises {rises}"
    peak_epoch = number(r"after (\d+)\.00 epochs\)", printed)
    assert f"from the peak at the end of epoch {peak_epoch}" in markdown


def test_the_learning_rate_answer(committed):
    markdown, printed = committed
    step = number(r"peak 3\.0e-03 at step (\d+)", printed)
    steps = number(r"([\d,]+) steps \(", printed)
    top = number(r"highest recorded: epoch (\d+), [\d.e+-]+ \((0\.\d+) of the peak\)", printed)
    assert f"at step {step} of {steps}" in markdown
    assert f"the highest dot is epoch {top}'s" in markdown
    fraction = re.search(r"highest recorded: epoch \d+, [\d.e+-]+ \((0\.\d+) of the peak\)",
                         printed).group(1)
    assert f"{fraction} of the peak" in markdown


def test_the_number_format_answer(committed):
    markdown, printed = committed
    assert "autocast: off, float32" in printed and "channels_last: True" in printed
    quoted = "In the run committed here: float32 (`off, float32`), with `channels_last` on"
    assert quoted in markdown


def test_the_evaluation_answers(committed):
    markdown, printed = committed
    best = number(r"best\.pt: epoch (\d+) of", printed)
    epochs = number(r"epoch \d+ of (\d+)", printed)
    assert best == epochs and f"epoch {best} of {epochs}, the last one" in markdown
    ratio = float(number(r"\((\d+\.\d)x lower\)", printed))
    assert ratio > 20_000 and "over 20,000 times lower in the run committed here" in markdown
    rmse, levels = number(r"root mean squared error: model (\d\.\de-\d\d)", printed), \
        number(r"(\d\.\d\d) of 255 gray levels", printed)
    mantissa, exponent = rmse.split("e-")
    assert f"${mantissa} \\times 10^{{-{int(exponent)}}}$ of the [0, 1] range, {levels} of a gray" \
        in markdown
    train0 = float(number(r"first epoch: training loss (\d\.\d\de-\d\d)", printed))
    val0 = float(number(r"validation loss (\d\.\d\de-\d\d) \(at its end\)", printed))
    baseline = float(number(r"constant baseline (\d\.\d\de-\d\d)\n", printed + "\n"))
    assert train0 > baseline > val0, ("question 4's premise: the first epoch's training loss "
                                      "above the baseline, its validation loss below")
