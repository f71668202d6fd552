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


def test_the_own_loop_broken_plumbing_and_epochs_1_pointer(committed):
    markdown, printed = committed
    steps = number(r"our loop, one epoch of (\d+) steps:", printed)
    start = number(r"validation MSE (\d\.\d\de-\d\d) with the random weights", printed)
    own = number(r"with the random weights, (\d\.\d\de-\d\d) after", printed)
    loss = number(r"after; mean training loss (\d\.\d\de-\d\d)", printed)
    baseline = number(r"the constant's validation MSE: (\d\.\d\de-\d\d)", printed)
    assert (f"takes the validation MSE from {start} (random weights) to {own}, far below the "
            f"constant's ({baseline}), yet its mean training loss ({loss}) is above the constant's"
            in markdown)
    assert float(start) > float(loss) > float(baseline) > float(own), (
        "the paragraph's premise: the training mean between the random start and the baseline")
    assert f"a mean over all {steps} steps" in markdown

    broken = number(r"targets shuffled: validation MSE (\d\.\d\de-\d\d) after one epoch", printed)
    times = number(r"after one epoch, (\d+\.\d\d) times the constant's", printed)
    about = number(r"times the constant's \((\d\.\d\de-\d\d)\)", printed)
    assert about == baseline, "both lines quote the constant's validation MSE"
    assert (f"no better than the constant ({broken} against {about}, {times} times it), where the "
            f"working loop reached {own} in the same one epoch") in markdown
    assert float(times) > 0.95, "'no better than the constant'"

    epoch1 = number(r"epoch 1: training [\d.e-]+, validation (\d\.\d\de-\d\d)", printed)
    assert f"(validation MSE {own} after it)" in markdown
    assert f"`fit`'s first epoch of 12, still in its warm-up, already reached {epoch1}" in markdown
    assert float(epoch1) < float(own), "'why could a whole cycle in one epoch do worse?'"


def test_the_curves_paragraph(committed):
    markdown, printed = committed
    train0 = number(r"epoch 1: training (\d\.\d\de-\d\d)", printed)
    val0 = number(r"epoch 1: training [\d.e-]+, validation (\d\.\d\de-\d\d)", printed)
    baseline = number(r"the constant's validation MSE: (\d\.\d\de-\d\d)", printed)
    assert float(train0) > float(baseline) > float(val0), (
        "the paragraph's premise: the first epoch's training loss above the baseline, its "
        "validation loss below")
    assert (f"its training mean ({train0}) is even above the constant's validation MSE "
            f"({baseline}, the dashed line)"
            in markdown and f"the validation loss at the end of that epoch ({val0})" in markdown)
    below = number(r"validation below training in (\d+ of \d+) epochs", printed)
    assert f"below the training loss in {below} epochs" in markdown
    rises = number(r"higher than the epoch before at epochs ([\d, ]+)\n", printed).split(", ")
    quoted = ", ".join(rises[:-1]) + f" and {rises[-1]}"
    assert f"it rose at epochs {quoted} (at {rises[-1]} by too little to see)" in markdown, (
        f"the markdown should quote the rises {rises}")
    assert "Both curves are measured under the bf16 autocast" in markdown
    last = number(r"; epoch \d+: training [\d.e-]+, validation (\d\.\d\de-\d\d)", printed)
    rounding = number(r"nearest bf16 number alone adds about (\d\.\de-\d\d) to the spread", printed)
    assert (f"The last epochs end near {last}, within about 3x of what rounding each output to "
            f"bf16 alone adds ({rounding}, the dotted line;") in markdown
    assert "the loss has settled at a little over twice that floor" in markdown
    assert 2 < float(last) / float(rounding) < 2.6
    assert float(last) < 3 * float(rounding), "'within about 3x'"
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
    best_val = number(r"best\.pt: epoch \d+ of \d+, validation MSE (\d\.\d\de-\d\d)", printed)
    last_val = number(r"; epoch \d+: training [\d.e-]+, validation (\d\.\d\de-\d\d)", printed)
    assert int(best) < int(epochs), "the answer explains a best epoch before the last"
    assert (f"epoch {best} of {epochs}, not the last one: the validation loss rose a little at "
            f"epoch {int(best) + 1}, and epoch {epochs}'s ({last_val}) stayed just above epoch "
            f"{best}'s ({best_val})") in markdown
    assert float(last_val) >= float(best_val)
    ratio = int(number(r"\(([\d,]+)x lower\)", printed).replace(",", ""))
    assert 9000 <= ratio < 10000 and "is nearly ten thousand times lower in this run" in markdown
    assert "by a factor of 10 or more" in markdown  # the evaluation's bar
    benchmark = (NOTEBOOK.parents[1] / "benchmarks" / "results" / "lecture_variations-cpu.md")
    recorded = re.findall(r"\| offline \| 01_regression_toy \|[^|]*\| finished: [^|]*\(([\d,.]+)x "
                          r"lower\)", benchmark.read_text())
    newest = round(float(recorded[-1].replace(",", "")))  # the last section is the newest run
    assert ("sample set the course ships for use without internet "
            f"({newest} times lower in the newest recorded run of this lecture, "
            "`benchmarks/results/lecture_variations-cpu.md`)") in markdown and newest > 10
    assert "Smoke mode trains for seconds only and skips the check" in markdown
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
    mean = number(r"steps off; mean error ([+-]\d\.\d\d) steps", printed)
    test = number(r"test MSE: model (\d\.\d\de-\d\d)", printed)
    val = number(r"best\.pt: epoch \d+ of \d+, validation MSE (\d\.\d\de-\d\d)", printed)
    assert (f"{share}% of the test predictions are within half a step of 1/255, and the worst is "
            f"{worst} steps off; on average they are off by {mean} steps (the dashed line): no "
            "bias to speak of") in markdown
    assert abs(float(mean)) < 0.1, "'no bias to speak of'"
    assert f"The test MSE ({test}) is close to `best.pt`'s validation loss ({val})" in markdown
    assert abs(float(test) - float(val)) < 0.1 * float(val), f"'close': {test} vs {val}"


def test_the_appendix_measurements(committed):
    markdown, printed = committed
    line = (r"{}: test MSE (\d\.\d\de-\d\d) = mean error squared (\d\.\de-\d\d) \+ spread "
            r"(\d\.\de-\d\d); mean error ([+-]\d\.\d{{3}}) steps \(standard error (\d\.\d{{3}})\)")
    found = re.search(line.format("float32"), printed)
    assert found, "the appendix no longer prints the float32 measurement"
    mse32, bias32, spread32, mean32, se32 = found.groups()
    found = re.search(line.format(r"fit's autocast \(bf16\)"), printed)
    assert found, "the appendix no longer prints the bf16 measurement"
    mse16, _, spread16, mean16, _ = found.groups()
    assert mse16 == number(r"test MSE: model (\d\.\d\de-\d\d)", printed), "section 5's number"
    rounding = number(r"nearest bf16 number alone adds about (\d\.\de-\d\d) to the spread", printed)
    assert (f"In float32 the same weights do worse (test MSE {mse32} against {mse16}): their "
            f"predictions are {mean32.lstrip('-')} steps of 1/255 low on average, more than 50 "
            f"standard errors from zero, and that bias is most of the MSE ({bias32} of it). Under "
            f"bf16 the mean error is only {mean16} steps.") in markdown
    assert float(mse32) > float(mse16) and float(mean32) < 0
    assert -float(mean32) > 50 * float(se32) and float(bias32) > 0.5 * float(mse32)
    assert abs(float(mean16)) < 0.1, "'only'"
    assert (f"that rounding adds about {rounding} to the spread. Take it off bf16's spread "
            f"({spread16}) and about 9e-07 is left, float32's spread ({spread32})") in markdown
    left = float(spread16) - float(rounding)
    assert abs(left - 9e-07) < 1e-07 and abs(left - float(spread32)) < 0.15 * float(spread32), (
        "'the two formats scatter alike'")


def test_the_reload_answer(committed):
    markdown, printed = committed
    gap = number(r"the trained and the reloaded model's predictions: (\d\.\de-\d\d)", printed)
    assert f"differed from the trained one's by {gap}, a few steps of float32" in markdown
    assert 2**-25 <= float(gap) <= 8 * 2**-24, f"{gap} is not a few float32 steps near 0.5"
    assert "reloaded model in fit's memory layout: largest difference 0.0e+00" in printed
    assert "In the same layout the difference is 0." in markdown


def test_the_float32_pointer(committed):
    markdown, printed = committed
    mean32 = number(r"float32: test MSE [^;]*; mean error (-\d\.\d{3}) steps", printed)
    assert (f"the appendix measures a bias of {mean32.lstrip('-')} steps of 1/255 low and names a "
            "likely cause") in markdown
    assert "a choice made before the test set was read (the appendix also measures it in float32)" \
        in markdown
