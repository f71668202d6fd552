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
    assert images == "20,000", f"01 is committed with the standard preset (20,000), not {images}"


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
    float32_val = number(r"MSE in float32: validation (\d\.\d\de-\d\d)", printed)
    assert (f"takes the validation MSE from {start} (random weights) to {own}, far below the "
            f"constant's ({baseline}), yet its mean training loss ({loss}) is above the constant's"
            in markdown)
    assert float(start) > float(loss) > float(baseline) > float(own), (
        "the paragraph's premise: the training mean between the random start and the baseline")
    assert f"a mean over all {steps} steps" in markdown
    assert f"its validation MSE after that one epoch ({own}) was far above `fit`'s" in markdown
    assert f"after 12 epochs, both in float32 ({float32_val})" in markdown
    assert float(own) > 10 * float(float32_val), "EPOCHS = 1's premise: one epoch is far worse"


def test_the_curves_paragraph(committed):
    markdown, printed = committed
    train0 = number(r"epoch 1: training (\d\.\d\de-\d\d)", printed)
    val0 = number(r"epoch 1: training [\d.e-]+, validation (\d\.\d\de-\d\d)", printed)
    baseline = number(r"constant baseline (\d\.\d\de-\d\d) \(", printed)
    assert float(train0) > float(baseline) > float(val0), (
        "the paragraph's premise: the first epoch's training loss above the baseline, its "
        "validation loss below")
    assert (f"its training mean ({train0}) is even above the constant baseline ({baseline})"
            in markdown and f"the validation loss at the end of that epoch ({val0})" in markdown)
    below = number(r"validation below training in (\d+ of \d+) epochs", printed)
    assert f"below the training loss in {below} epochs" in markdown
    rises = number(r"higher than the epoch before at epochs ([\d, ]+)\n", printed).split(", ")
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
    assert ratio >= 1000 and "the tiny CNN's is thousands of times lower in this run" in markdown
    assert "by a factor of 10 or more" in markdown  # the evaluation's bar
    assert "18,000" not in markdown, "one seed's ratio is not the course's"
    benchmark = (NOTEBOOK.parents[1] / "benchmarks" / "results" / "lecture_variations-cpu.md")
    assert re.search(r"\| offline \| 01_regression_toy \|[^|]*\| finished: [^|]*\(386\.1x lower\)",
                     benchmark.read_text()), "the offline sample set's recorded ratio"
    assert ("offline sample set, where a recorded run beat the constant 386 times "
            "(`benchmarks/results/lecture_variations-cpu.md`)") in markdown
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
    f32 = number(r"mean error: ([+-]\d\.\d\d) steps in float32", printed)
    amp = number(r"steps in float32, ([+-]\d\.\d\d) under fit's autocast \(bf16\)", printed)
    se = number(r"; standard error (\d\.\d\d\d)", printed)
    assert (f"The mean error is {f32} steps in float32 but only {amp} under bf16 autocast (a "
            f"standard error of {se} steps)") in markdown
    assert float(f32) < float(amp) <= 0 and float(amp) - float(f32) > 4 * float(se), (
        "'in float32 that fit is slightly off': the float32 bias clearly larger than bf16's")
    assert abs(float(f32)) < 0.25, "'small beside the half-step band'"
    found = re.search(r"MSE in float32: validation (\S+), test (\S+); under fit's autocast: "
                      r"validation (\S+) \(fit's\), test (\S+)\n", printed)
    assert found, "the evaluation no longer prints both measurements"
    v32, t32, vamp, tamp = found.groups()
    assert number(r"test MSE: model (\d\.\d\de-\d\d)", printed) == t32
    assert float(t32) < float(vamp), "the paragraph explains a test MSE below validation"
    assert f"The test MSE ({t32}) is below `best.pt`'s validation loss ({vamp})" in markdown
    assert (f"(float32: validation {v32}, test {t32}; bf16 autocast: validation {vamp}, test "
            f"{tamp})") in markdown
    for a, b in ((v32, t32), (vamp, tamp)):
        assert abs(float(a) - float(b)) < 0.1 * float(b), (
            f"'measured the same way, the two sets agree': {a} vs {b} should be within 10%")


def test_the_reload_answer(committed):
    markdown, printed = committed
    gap = number(r"largest difference from the predictions above: (\d\.\de-\d\d)", printed)
    assert f"the gap printed ({gap}) is a few steps of float32" in markdown
    assert 2**-25 <= float(gap) <= 8 * 2**-24, f"{gap} is not a few float32 steps near 0.5"
    assert "the same, with the fresh model in fit's memory layout: 0.0e+00" in printed
    assert "difference is 0 (the cell's last line)" in markdown
