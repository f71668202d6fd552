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
    training = number(r"Summary: .*, (\d+) s training", printed)
    retrain = round(float(number(r"trained in float32: test MSE [\d.e-]+ in (\d+\.\d) s", printed)))
    time_line = (f"the whole notebook took {seconds} s, the main training run {training} s of it, "
                 f"the optional float32 retrain {retrain} s.")
    assert time_line in markdown, f"the Time line should say: {time_line}"
    images = number(r"data: [^|]*: ([\d,]+) train /", printed)
    assert f"quick-mode run ({images} CIFAR-10 training images, 12 epochs)" in markdown
    assert "mode: quick" in printed and "device: CPU (2 cores)" in printed
    assert "on a 2-core CPU that trains in bf16" in markdown and "precision: bf16" in printed
    assert images == "20,000", f"01 is committed with the standard preset (20,000), not {images}"
    assert "data: CIFAR-10 image-folder copy (folder cifar10-jpg/)" in printed
    assert "(here decoded from a JPEG copy of CIFAR-10)" in markdown


def test_the_baseline_answer_quotes_the_run(committed):
    markdown, printed = committed
    share = number(r"the squared gap is (\d+\.\d)% of the variance", printed)
    assert f"the squared gap is tiny: the cell prints it as {share}% of the variance" in markdown
    assert float(share) < 1, "'tiny'"


def test_the_own_loop_and_broken_plumbing(committed):
    markdown, printed = committed
    steps = number(r"our loop, one epoch of (\d+) steps:", printed)
    start = number(r"validation MSE (\d\.\d\de-\d\d) with the random weights", printed)
    own = number(r"with the random weights, (\d\.\d\de-\d\d) after", printed)
    loss = number(r"after;\s+mean training loss (\d\.\d\de-\d\d)", printed)
    baseline = number(r"the constant's validation MSE: (\d\.\d\de-\d\d)", printed)
    assert ("After one epoch the validation MSE is far below the constant's, yet the mean training "
            "loss is above it.") in markdown
    assert float(start) > float(loss) > float(baseline) > 10 * float(own), (
        "the paragraph's premise: the training mean between the random start and the baseline, "
        "the validation MSE far below the baseline")
    assert f"a mean over all {steps} steps" in markdown

    times = number(r"after one epoch, (\d+\.\d\d) times the constant's", printed)
    about = number(r"times the constant's \((\d\.\d\de-\d\d)\)", printed)
    assert about == baseline, "both lines quote the constant's validation MSE"
    assert f"no better than the constant ({times} times its MSE)" in markdown
    assert float(times) > 0.95, "'no better than the constant'"
    assert (f"Our loop with shuffled targets ended at {times} times the constant's validation "
            "MSE. Why near 1, and not far below it?") in markdown
    assert 0.9 < float(times) < 1.1, "'near 1'"


def test_where_the_right_targets_loss_jumps(committed):
    markdown, printed = committed
    jumps = number(r"the loss more than doubled from one step to the next at steps ([\d, ]+);",
                   printed).split(", ")
    peak = int(number(r"; the learning rate peaks at step (\d+)\n", printed))
    before = sum(int(s) < peak for s in jumps)
    assert ("With the right targets, the loss jumps while the rate climbs (shaded), and recovers "
            f"each time: {before} of the {len(jumps)} doublings come before the rate's peak at "
            f"step {peak}. After step {jumps[-1]}, as the rate falls, none. Warm-up keeps those "
            "early steps smaller than the peak would.") in markdown
    assert before > len(jumps) / 2, "'the loss jumps while the rate climbs': most jumps come then"
    assert int(jumps[-1]) > peak, "'after step 53, as the rate falls': the last jump, past the peak"


def test_the_curves_paragraph(committed):
    markdown, printed = committed
    below = int(number(r"validation below training in (\d+) of \d+ epochs", printed))
    assert below >= 2, "'in the early epochs the validation loss lies well below the training loss'"
    epoch1 = re.search(r"epoch 1: training ([\d.e-]+), validation ([\d.e-]+);", printed)
    assert float(epoch1.group(2)) < 0.1 * float(epoch1.group(1)), "'well below', early on"
    assert ("Once the curves meet, which one is lower is noise.") in markdown
    rises = number(r"higher than the epoch before at epochs ([\d, ]+)\n", printed).split(", ")
    assert 1 <= len(rises) <= 4, f"'its few rises': {rises}"
    peak_epoch = number(r"after (\d+)\.00 epochs\)", printed)
    assert f"around the peak (the end of epoch {peak_epoch})" in markdown


def test_the_learning_rate_answer(committed):
    markdown, printed = committed
    step = number(r"peak 3\.0e-03 at step (\d+)", printed)
    steps = number(r"([\d,]+) steps \(", printed)
    top = number(r"highest recorded: epoch (\d+), 0\.\d+ of the peak", printed)
    fraction = number(r"highest recorded: epoch \d+, (0\.\d+) of the peak", printed)
    after = number(r"after (\d+)\.00 epochs\)", printed)
    assert f"at step {step} of {steps}, the first step of epoch {int(after) + 1}" in markdown
    assert f"the highest dot is epoch {top}'s (step {int(step) - 1}, {fraction} of the peak)" \
        in markdown


def test_the_weight_decay_answer(committed):
    markdown, printed = committed
    biases = number(r"weight_decay 0\.0: 4 tensors, ([\d,]+) numbers", printed)
    total = number(r"parameters: ([\d,]+)", printed)
    assert f"(and biases are only {biases} of the {total} numbers)" in markdown
    assert "A CNN of 23,649 parameters" in markdown and total == "23,649"


def test_the_number_format_answer(committed):
    markdown, printed = committed
    assert "precision: bf16 (this CPU has AMX)" in printed
    assert "autocast: bf16 | channels_last: True" in printed
    assert ("Step 3, the forward pass, runs in `autocast` (a wrapper of `torch.autocast`): here "
            "in [bf16](../docs/glossary.md#bf16-mixed-precision), a 16-bit float, which `fit` "
            "picks as this CPU has AMX (Advanced Matrix Extensions):") in markdown
    nb = nbformat.read(NOTEBOOK, as_version=4)
    loop = next(c.source for c in nb.cells if "def train_one_epoch" in c.source)
    assert all(f"# {k}. " in loop for k in range(1, 6)) and "# 6. " not in loop, "'five steps'"
    assert "five lines" not in markdown and "five steps per batch" in markdown
    device = (NOTEBOOK.parents[1] / "colorlab" / "device.py").read_text()
    assert 'return torch.bfloat16, "bf16 (this CPU has AMX)"' in device
    assert "return torch.autocast(" in device, "'autocast (a wrapper of `torch.autocast`)'"
    assert ("channels-last](../docs/glossary.md#channels-last) on CUDA GPUs and on CPUs with oneDNN"
            in markdown)
    assert ('device.type == "cuda" or (device.type == "cpu" and '
            "torch.backends.mkldnn.is_available())") in device


def test_the_evaluation_answers(committed):
    markdown, printed = committed
    best = number(r"best\.pt: epoch (\d+) of", printed)
    epochs = number(r"best\.pt: epoch \d+ of (\d+)", printed)
    best_val = number(r"best\.pt: epoch \d+ of \d+, validation MSE (\d\.\d\de-\d\d)", printed)
    last_val = number(r"; epoch \d+: training [\d.e-]+, validation (\d\.\d\de-\d\d)", printed)
    rises = number(r"higher than the epoch before at epochs ([\d, ]+)\n", printed).split(", ")
    assert int(best) < int(epochs), "the answer explains a best epoch before the last"
    assert (f"Epoch {best} of {epochs}: the validation loss rose a little at epoch "
            f"{int(best) + 1}, and epoch {epochs}'s stayed just above epoch {best}'s") in markdown
    assert str(int(best) + 1) in rises and float(last_val) >= float(best_val)
    ratio = int(number(r"\(([\d,]+)x lower\)", printed).replace(",", ""))
    assert 1000 <= ratio < 10000 and "the tiny CNN's is thousands of times lower" in markdown
    assert "by a factor of 10 or more" in markdown  # the evaluation's bar
    benchmark = (NOTEBOOK.parents[1] / "benchmarks" / "results" / "lecture_variations-cpu.md")
    recorded = re.findall(r"\| offline \| 01_regression_toy \|[^|]*\| finished: [^|]*\(([\d,.]+)x "
                          r"lower\)", benchmark.read_text())
    ratios = [float(r.replace(",", "")) for r in recorded]
    assert recorded, "no offline run of 01 recorded in lecture_variations-cpu.md"
    assert ("even on the small sample set the course ships for offline use "
            f"({min(ratios):.0f} to {max(ratios):.0f} times lower in every run recorded in "
            "`benchmarks/results/lecture_variations-cpu.md`)"
            ) in markdown
    assert "Smoke mode trains too briefly to be held to it." in markdown
    steps = number(r"= (\d\.\d\d) steps of 1/255", printed)
    baseline_steps = number(r"baseline 0\.\d{3} = (\d+) steps", printed)
    assert f"The root of the MSE times 255: {steps} of a step" in markdown
    assert f"The constant baseline is off by {baseline_steps} steps." in markdown
    assert float(steps) < 1, "'0.32 of a step': under one pixel step"
    shape = number(r"test \(\d+, (\d+, \d+, \d+)\)", printed).split(", ")
    assert int(shape[0]) * int(shape[1]) * int(shape[2]) == 3072, "'a mean of 3,072 pixel values'"
    assert "a mean of 3,072 pixel values, moves in steps of 1/(255 · 3,072)" in markdown


def test_the_residual_paragraph(committed):
    markdown, printed = committed
    share = number(r"(\d+\.\d)% of the test predictions within half a step", printed)
    mean = number(r"steps off; mean error ([+-]\d\.\d\d) steps", printed)
    test = number(r"test MSE: model (\d\.\d\de-\d\d)", printed)
    val = number(r"best\.pt: epoch \d+ of \d+, validation MSE (\d\.\d\de-\d\d)", printed)
    mean32 = number(r"float32: test MSE [\d.e-]+ = [^\n]*\n +mean error ([+-]\d\.\d{3}) steps",
                    printed)  # the same weights scored in float32 (the optional section)
    minus = "\u2212"  # the markdown writes a minus sign, not a hyphen
    assert ("Most test predictions are within half a step of 1/255. Under bf16 autocast the mean "
            f"error is near zero; scored in float32, it is {mean32.replace('-', minus)} steps."
            ) in markdown
    assert float(share) > 50, "'most'"
    assert abs(float(mean)) < 0.1, "'near zero' under bf16 autocast"
    assert float(mean32) < -10 * abs(float(mean)), "'the bias': float32 shows one bf16 hides"
    assert ("This test MSE is close to `best.pt`'s validation loss (both under bf16 autocast)"
            ) in markdown
    assert "autocast: bf16 |" in printed, "'measured under bf16 autocast'"
    assert abs(float(test) - float(val)) < 0.1 * float(val), f"'close': {test} vs {val}"


def test_the_appendix_measurements(committed):
    markdown, printed = committed
    line = (r"{}: test MSE (\d\.\d\de-\d\d) = mean error squared (\d\.\de-\d\d) \+ variance "
            r"(\d\.\de-\d\d)\n +mean error ([+-]\d\.\d{{3}}) steps "
            r"\(standard error (\d\.\d{{3}})\)")
    found = re.search(line.format("float32"), printed)
    assert found, "the appendix no longer prints the float32 measurement"
    mse32, bias32, spread32, mean32, se32 = found.groups()
    found = re.search(line.format(r"fit's autocast \(bf16\)"), printed)
    assert found, "the appendix no longer prints the bf16 measurement"
    mse16, _, spread16, mean16, _ = found.groups()
    assert mse16 == number(r"test MSE: model (\d\.\d\de-\d\d)", printed), "section 5's number"
    rounding = number(r"nearest bf16 number alone adds about (\d\.\de-\d\d) to the variance",
                      printed)
    assert (f"Scored in float32, `best.pt`'s bf16-trained weights predict {mean32.lstrip('-')} "
            "steps of 1/255 low on average, more than 50 standard errors from zero: most of their "
            "MSE.") in markdown
    assert float(mse32) > float(mse16) and float(mean32) < 0
    assert -float(mean32) > 50 * float(se32) and float(bias32) > 0.5 * float(mse32)
    assert abs(float(mean16)) < 0.1
    assert (f"rounding to numbers $s$ apart adds $s^2/12$ to the variance, about {rounding} here. "
            "Take it off bf16's variance and what is left matches `best.pt`'s float32 variance "
            f"({spread32}).") in markdown
    assert ("bf16 numbers are 1/512 apart on [0.25, 0.5) and 1/256 on [0.5, 1): half a pixel step "
            "(1/255) and just under one; finer below 0.25.") in markdown
    assert 1 / 256 < 1 / 255 and 1 / 512 == 0.5 / 256, "'half a pixel step and just under one'"
    left = float(spread16) - float(rounding)
    assert abs(left - float(spread32)) < 0.15 * float(spread32), "'matches float32's'"
    zones = re.findall(r"true intensity (?:below 0\.5|0\.5 and above): bf16 errors' sd (\d\.\d\d) "
                       r"steps; float32's sd plus the rounding predicts (\d\.\d\d)", printed)
    assert len(zones) == 2, "the appendix no longer prints the sd below and above 0.5"
    (low, low_guess), (high, high_guess) = [(float(a), float(b)) for a, b in zones]
    assert ("Where $s$ doubles, above intensity 0.5, the spread grows as predicted (the two "
            '"true intensity" lines).') in markdown
    assert high > 1.2 * low, "'the spread grows' where the spacing doubles"
    assert abs(low - low_guess) < 0.1 * low_guess and abs(high - high_guess) < 0.1 * high_guess, (
        "'as predicted'")


def test_the_reload_round_trip(committed):
    markdown, printed = committed
    epoch = number(r"checkpoint from epoch (\d+), keys:", printed)
    epochs = number(r"best\.pt: epoch \d+ of (\d+)", printed)
    assert epoch == epochs, "section 6 reloads last.pt, the weights fit ended with"
    gap = number(r"predictions after fit and after reloading: (\d\.\de[+-]\d\d)", printed)
    assert "`last.pt` must give back exactly the predictions the trained model" in markdown
    assert float(gap) == 0, f"'exactly': the reloaded predictions differ by {gap}"
    assert "gives back the trained model's predictions" in markdown
    assert "(lowest validation loss, kept as `best_value`)" in markdown
    assert "'best_value'" in printed
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert any("assert gap < 1e-5" in c.source for c in nb.cells if c.cell_type == "code")
    assert "The assert allows 1e-5" in markdown


def test_the_bf16_choice_quotes_its_measurements(committed):
    markdown, _ = committed
    root = NOTEBOOK.parents[1]
    speed = (root / "benchmarks" / "results" / "train_speed-cpu.md").read_text()
    assert "| 16 | bf16 + channels_last | 863 | 74.2 | 2.13x |" in speed
    assert "amx_tile" in speed, "the 2.13x was measured on a CPU with AMX"
    device = (root / "colorlab" / "device.py").read_text()
    assert "2.13x float32 on an\n    Intel Xeon with AMX" in device
    assert "only 1.11x on an AMD EPYC\n    with AVX512-BF16 and no AMX" in device
    assert ("ran 2.13 times as fast as in float32 on a 2-core Intel Xeon with AMX "
            "(`benchmarks/results/train_speed-cpu.md`), but only 1.11 times on an AMD EPYC with "
            "bf16 instructions and no AMX (a measurement noted in "
            "`colorlab.device.cpu_precision`)") in markdown


def test_the_rounding_pointer(committed):
    markdown, printed = committed
    assert ("The optional section explains the bias and how much of this MSE is bf16's rounding."
            in markdown and "nearest bf16 number alone adds about" in printed)
    assert ("score it on the test set, under the autocast `fit` validated with: no choice so far "
            "has used these images") in markdown


def test_the_float32_copy_tests_the_guess(committed):
    markdown, printed = committed
    found = re.search(r"the float32-trained copy: mean error ([+-]\d\.\d{3}) steps \(standard "
                      r"error (\d\.\d{3})\); under bf16 autocast ([+-]\d\.\d{3}) steps", printed)
    assert found, "the optional section no longer prints the float32 copy's line"
    copy32, _, copy16 = found.groups()
    found = re.search(r"trained in float32: test MSE (\d\.\d\de-\d\d) in (\d+\.\d) s; in bf16: "
                      r"(\d\.\d\de-\d\d) in (\d+\.\d) s\.\s+bf16: (\d+\.\d)x the speed, "
                      r"(\d+\.\d)x the MSE",
                      printed)
    assert found, "the optional section no longer prints the trade-off line"
    mse32, secs32, mse16, secs16, speed, worse = found.groups()
    assert round(float(secs16)) == int(number(r"Summary: .*, (\d+) s training", printed))
    assert mse16 == number(r"test MSE: model (\d\.\d\de-\d\d)", printed), "section 5's number"
    bf16_in_32 = float(number(r"float32: test MSE [\d.e-]+ = [^\n]*\n +mean error ([+-]\d\.\d{3})",
                              printed))
    assert "A bias from bf16 training.** Scored in float32, `best.pt`'s bf16" in markdown
    # 'the bias belongs to the weights bf16 training reached' (Details): the copy has none
    assert abs(float(copy32)) < 0.2 * abs(bf16_in_32), "the copy's bias is small in float32"
    assert abs(float(copy16)) < 0.2 * abs(bf16_in_32), "and stays small under bf16"
    bf16_in_16 = number(r"fit's autocast \(bf16\): test MSE [\d.e-]+ = [^\n]*\n +mean error "
                        r"([+-]\d\.\d{3})", printed)
    a, b, c, d = (n.replace("-", "\u2212") for n in (copy32, copy16, f"{bf16_in_32:+.3f}",
                                                       bf16_in_16))
    assert (f"bf16 moves the float32-trained copy's mean error only from {a} to {b} steps, but "
            f"the bf16-trained weights' from {c} to {d}.") in markdown
    assert abs(float(copy16) - float(copy32)) < 0.3 * abs(float(bf16_in_16) - bf16_in_32), (
        "'the bias belongs to the weights bf16 training reached': bf16 moves the copy far less")
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    effects = next(c.source for c in cells if c.source.startswith("Two effects, and a trade-off:"))
    bullets = re.findall(r"^- \*\*([^*]+)\*\*", effects, flags=re.M)
    assert len(bullets) == 3 and bullets[2] == "The trade-off", f"2 effects, a trade-off: {bullets}"
    found = re.search(r"float32: test MSE (\d\.\d\de-\d\d) = mean error squared (\d\.\de-\d\d)",
                      printed)
    mse_bf16_weights_32, bias_bf16_weights_32 = found.groups()  # best.pt scored in float32
    both32 = float(mse_bf16_weights_32) / float(mse32)
    assert (f"**The trade-off** (one run, one seed): bf16 trained {speed} times as fast as "
            f"float32. Scored under bf16, `best.pt` has {worse} times the copy's test MSE, mostly "
            f"that output rounding; with both scored in float32, {both32:.1f} times, mostly the "
            "bias.") in markdown
    assert float(bias_bf16_weights_32) > 0.5 * (float(mse_bf16_weights_32) - float(mse32)), (
        "'mostly the bias': the squared mean error is most of best.pt's extra float32 MSE")
    assert float(speed) > 1, "'as fast': bf16 must have been the faster one"
    assert ("**In short:** bf16 rounds this model's outputs and biased the weights it trained. "
            "We use the test set here only to diagnose; choosing a precision would compare on "
            "validation.") in markdown
    assert float(mse32) < float(mse16) < float(mse_bf16_weights_32), "'biased the weights'"
    assert "use float32" not in markdown, "the test set chooses nothing"
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert any("copy32.load_state_dict(init)" in c.source for c in nb.cells), (
        "'the same network from the same starting weights': the copy must load section 3's")
    assert abs(float(secs32) / float(secs16) - float(speed)) < 0.051, "the speed ratio"
    assert abs(float(mse16) / float(mse32) - float(worse)) < 0.06, "the MSE ratio"
    rounding = float(number(r"nearest bf16 number alone adds about (\d\.\de-\d\d)", printed))
    assert rounding > 0.5 * (float(mse16) - float(mse32)), "'mostly that output rounding'"
