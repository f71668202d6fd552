"""What notebook 04's markdown says about the run committed with it, checked against that run's
printed outputs and tables (the committed file is read, nothing is re-run)."""

import re
from pathlib import Path

import nbformat
import pytest
import torch
from committed import code_with, finder, read

from colorlab.models import UNet

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_unet_colorizer.ipynb"


@pytest.fixture(scope="module")
def committed():
    _, markdown, printed, tables = read(NOTEBOOK)
    return markdown, printed, tables


found = finder("04")


def test_the_run_is_the_quick_cifar10_run_the_text_describes(committed):
    markdown, printed, _ = committed
    assert "mode: quick" in printed and "data: CIFAR-10 image-folder copy" in printed
    (headline,) = found(r"([\d,]+) train / ", printed)
    epochs, images = found(r"(\d+) epochs on ([\d,]+) images in \d+ s", printed)
    assert headline == images == "5,000" and epochs == "6"
    (precision,) = found(r"\| precision: (\w+) \(", printed)
    assert precision == "float32" and f"in quick mode ({precision}; {epochs} epochs on {images} " \
        "CIFAR-10 images)" in markdown, "the Time line names the number format the run printed"
    assert "bf16 (this CPU has AMX)" not in printed
    (why,) = found(r"training on ([\d,]+) images, not quick mode's 20,000: on a slow CPU .*"
                   r"\(set TRAIN_IMAGES to train on all 20,000\)", printed)
    assert why == images, "the cell under the headline says why quick mode trains on fewer images"


def test_training_curve_answers(committed):
    markdown, printed, _ = committed
    assert "unlikely to matter" not in " ".join(markdown.split())
    val, gray = found(r"validation loss by epoch: ([\d., ]+); predicting ab = 0 scores (0\.\d+)",
                      printed)
    val = val.split(", ")
    assert all(float(b) < float(a) for a, b in zip(val, val[1:]))
    assert "it fell at every epoch. So `best.pt` is epoch 6" in " ".join(markdown.split())
    assert len(val) == 6 and "`best.pt` is epoch 6, the same weights as `last.pt`" in markdown
    assert "fit`'s docstring" not in markdown, "the aside is cut: the sentence stands without it"
    assert "validation loss never rose while training loss fell\n" in printed
    assert float(val[0]) > float(gray) > float(val[1]), "first epoch above the line, then below"
    assert all(float(v) < float(gray) for v in val[1:])
    assert ("After epoch 1 the model is still worse than gray; from epoch 2 on it is better"
            in markdown)
    lab, lab_gray = found(r"in Lab units: (\d+\.\d) against (\d+\.\d) \(mean absolute error of a "
                          r"and b\)", printed)
    assert abs(float(lab) - 110 * float(val[-1])) < 0.06
    assert abs(float(lab_gray) - 110 * float(gray)) < 0.06
    assert (f"The final gap, {lab} against {lab_gray} Lab units, is small next to the loss "
            "itself") in " ".join(markdown.split())
    # the question says 'at most epochs', from the two printed lines (4 decimals, as the
    # learner reads them)
    (train,) = found(r"training loss by epoch: +([\d., ]+)\n", printed)
    train = [float(t) for t in train.split(", ")]
    above = [e + 1 for e, (v, t) in enumerate(zip(map(float, val), train)) if v > t]
    equal = [e + 1 for e, (v, t) in enumerate(zip(map(float, val), train)) if v == t]
    assert len(train) == len(val)
    below = len(val) - len(above) - len(equal)
    words = dict(enumerate(("no", "one", "two", "three", "four", "five", "six")))
    assert below > len(val) / 2, "the question's 'Why?' asks about a majority of the epochs"
    ties = "".join(f" (epoch {e} is a tie)" for e in equal)   # equal at the printed precision
    assert len(equal) <= 1, "the question names one tie"
    assert (f"In section 3, the validation loss lies below the training loss at {words[below]} of "
            f"the {words[len(val)]} epochs{ties}.") in markdown, "Going deeper, C"
    assert "until the last epoch" not in markdown


def test_results_paragraph(committed):
    markdown, printed, tables = committed
    mean, median = found(r"PSNR gain over gray \(dB\): mean / median \| ([+-]\d\.\d\d) / "
                         r"([+-]\d\.\d\d) \|", tables)
    (share,) = found(r"images where PSNR beats gray \| (\d+)% \|", tables)
    de, gde = found(r"mean Delta E \(CIE76\), lower is better \| (\d+\.\d\d) \| (\d+\.\d\d)",
                    tables)
    acc, gacc, tacc = found(r"object classifier accuracy, higher is better \| (\d+\.\d)% \| "
                            r"(\d+\.\d)% \| (\d+\.\d)% \|", tables)
    assert float(gacc) < float(tacc), "the truth's colors help the classifier"
    assert float(median) > 0 and float(de) < float(gde), "what every run should show"
    assert 0 < float(mean) < 1.5, "'only by a little'"
    printed_mean, se_gain, n_scored = found(
        r"mean PSNR gain over gray ([+-]\d\.\d\d) ± (\d\.\d\d) dB \(± one standard error over the "
        r"([\d,]+) scored test images\)", printed)
    assert printed_mean == mean, "the printed mean is the table's"
    assert float(mean) > 4 * float(se_gain), "the gain is small, but not noise"
    less = round(100 * (1 - 10 ** (-float(mean) / 10)))   # a gain of g dB: error x 10^(-g/10)
    # a mean of per-image dB gains is a geometric mean of per-image error ratios, said as such
    assert (f"**Your model beats gray, but only by a little:** {mean} ± {se_gain} dB on average, a "
            f"squared error about {less}% below gray's (geometric mean over images). Its "
            "colorfulness stays far below the truth's.") in " ".join(markdown.split())
    assert "on a typical image" not in markdown, "the median would give another share"
    cf, gray_cf, truth_cf = found(r"\| colorfulness \(Hasler-Suesstrunk\) \| (\d+\.\d) \| "
                                  r"(\d+\.\d) \| (\d+\.\d) \|", tables)
    assert float(gray_cf) == 0 and float(cf) < 0.5 * float(truth_cf), "'far below the truth's'"
    assert ("**Mean [$\\Delta E$](../docs/glossary.md#delta-e)** (CIE76): the model's and gray's "
            "are both about six times a just noticeable difference.") in markdown   # checked below
    assert "**Mean $\\Delta E$** is the average distance to the true color in Lab units; 2.3 is " \
        "just noticeable (Mahy et al. 1994)." in markdown
    assert "- Mahy, M., Van Eycken, L., & Oosterlinck, A. (1994). Evaluation of uniform color " \
        "spaces" in markdown
    assert "The UNet beats gray by a modest margin." not in markdown, "the bold takeaway says it"
    assert "The UNet beats gray on the median test image by" not in markdown, \
        "the box no longer repeats the table's lines"
    assert "the class-rebalanced AuC weighs" not in markdown, "section 4's box keeps two bullets"
    gap = float(gacc) - float(acc)
    assert 0 < gap < 3, "'slightly fewer'"
    only_model, only_gray, paired, se = found(
        r"\nyour model: classifier right on the colorized image only: (\d+), on the gray one only: "
        r"(\d+); accuracy gap ([+-]\d+\.\d) ± (\d+\.\d) points \(paired standard error\)", printed)
    assert abs(float(paired) + gap) < 0.051, "the paired gap is the table's gap"
    scored = int(found(r"images scored .*? \| ([\d,]+) \|", tables)[0].replace(",", ""))
    assert abs(100 * (int(only_model) - int(only_gray)) / scored - float(paired)) < 0.051
    assert gap < 2 * float(se), "'possibly chance': within two standard errors of no gap"
    assert (f"Your model's paired gap is {gap:.1f} ± {se} points the other way: within two "
            "standard errors, possibly chance.") in markdown
    s, gs = found(r"SSIM, higher is better \| (0\.\d{4}) \| (0\.\d{4})", tables)
    assert 0 < float(s) - float(gs) < 0.01
    assert "It barely separates model and gray, which share the true L" in " ".join(
        markdown.split())
    assert f"The model beats gray on {share}% of the scored test images" in markdown
    for row in ("**AuC of the ab error** (Zhang et al. 2016): the share of pixels",
                "**Class-rebalanced AuC**: the same,", "**Object classifier accuracy**: how often"):
        assert row in " ".join(markdown.split()), "section 4's box defines every row it shows"
    # reading the magnitudes: Delta E against the just noticeable 2.3 (the gain: checked above)
    assert round(float(de) / 2.3) == round(float(gde) / 2.3) == 6
    assert "<details><summary>All the metrics, defined and read</summary>" not in markdown
    assert "### D. The metrics in detail" in markdown, "the definitions wait in Going deeper"
    assert "Going deeper, D, defines every metric and shows the other rows." in markdown
    assert "It is a small network, and it names only" not in markdown, "the bullet is gone"
    assert "32 x 32 thumbnails, so it names" not in markdown, "the image size is not the cause"
    assert "94,762" not in markdown, "the parameter count the run does not print is gone"
    main, other = tables.split("\n| metric |")[:2]   # section 4's main rows; Going deeper D's
    main, other = main.split("\n| loss, seed")[0], other.split("\n| loss, seed")[0]
    # the box: the collapsed metrics agree with the verdict, except the classifier
    for row in (r"PSNR of the mean MSE \(dB\)",
                r"AuC of the ab error, 0-150 \(Zhang et al\.\), higher is better",
                r"class-rebalanced AuC, higher is better"):
        model, gray = found(rf"\| {row} \| ([\d.]+) \| ([\d.]+) \|", tables)
        assert float(model) > float(gray), f"'the collapsed metrics agree': {row}"
    assert float(paired) < 2 * float(se), "'no better than the gray ones'"
    assert ("The rows below agree with section 4's table, except the classifier's: it recognizes "
            "your colorized images no better than the gray ones.") in markdown
    assert "mean Delta E" in main and "colorfulness" in main and "SSIM" not in main
    assert "SSIM" in other and "AuC" in other and "classifier" in other
    assert ("Watch two rows, here and later: the **PSNR gain over gray** (dB; 3 dB halves the "
            "squared error) and the **colorfulness** (0 for gray).") in markdown
    assert "mean chroma < 2" in printed, "chroma sets the already-gray images apart"
    assert "6 epochs, batch 64" in printed and "5,000 train /" in printed


def test_class_and_already_gray_answers(committed):
    markdown, printed, _ = committed
    most, least = found(r"most gain: (\w+) \([+-]\d\.\d\d dB\), least: (\w+) \(", printed)
    animals, vehicles = found(r"mean gain: animals ([+-]\d\.\d\d) dB, vehicles ([+-]\d\.\d\d) dB",
                              printed)
    (losing,) = found(r"classes that lose to gray: (.*)", printed)
    assert set(losing.split(", ")) == {"ship", "airplane", "automobile", "truck"}
    assert "all four vehicle classes lose to gray" in markdown
    assert f"{most.capitalize()} gained the most and {least} the least" in markdown
    blue_v, blue_a = found(r"visibly blue pixels \(b below -5\) in the true test images: vehicles "
                           r"(\d+)%, animals (\d+)%", printed)
    assert int(blue_v) > 2 * int(blue_a), "'their photos hold more blue'"
    assert (f"On average {blue_v}% of a vehicle image's pixels are visibly blue (b below -5), "
            f"against {blue_a}% of an animal image's.") in markdown
    assert "this run does not measure it class by class" not in markdown
    assert ("the model paints nearly every image with the same warm tint, and vehicle photos hold "
            "more blue, the opposite of that tint along b.") in markdown
    assert "which the model does not paint" not in markdown, "unbacked in section 5: reworded"
    (below_pred,) = found(r"predicted ab: .*spread .*; b below 0: (\d+\.\d)%", printed)
    assert float(below_pred) < 20, "'the model's warm tint along b': its b mostly above 0"
    assert float(animals) > 0 > float(vehicles) and "animals gain, vehicles lose" in markdown
    assert ("Does every kind of image gain? The bars below answer it class by class. **Animals "
            "gain, vehicles lose.**") in markdown
    assert "A difference smaller than the noise printed beside it (a standard error" in markdown
    assert ("Every number comes from one quick-mode CPU run, seed 0 (section 8 adds seed 1; the "
            "pretrained model was trained separately).") in markdown
    assert "| seed: 0" in printed and "l1, seed 1" in read(NOTEBOOK)[3]
    assert "14 epochs, seed 0." in printed, "the pretrained model's own run, printed from its card"
    # the question on the classes sits in section 5, beside its printout
    section_5 = markdown.split("## 5. PSNR gain per class")[1].split("## 6.")[0]
    assert "1. Which class gained the most, and which the least? Why?" in section_5
    apart, with_gray, mean, with_median, median = found(
        r"(\d+) of 2,000 test images are black and white already\. Counting them, the mean PSNR "
        r"gain would be "
        r"([+-]\d\.\d\d) dB instead of ([+-]\d\.\d\d); the median ([+-]\d\.\d\d) instead of "
        r"([+-]\d\.\d\d)", printed)
    assert (f"Counting the {apart} already-gray test images, the mean gain would be {with_gray} dB "
            f"instead of {mean} dB, while the median barely moves") in markdown
    assert abs(float(with_median) - float(median)) < 0.1, "'the median barely moves'"
    shift = float(mean) - float(with_gray)
    assert f"Why do {apart} images out of 2,000 move the mean by about {shift:.1f} dB" in markdown
    n_all = 2_000
    scored = n_all - int(apart)
    total = n_all * float(with_gray) - scored * float(mean)   # what the set-apart images lose
    assert (f"Together the {apart} lose about {round(-total, -1):,.0f} dB, about "
            f"{round(-total / int(apart))} dB each: {-total / n_all:.1f} dB off the mean") \
        in " ".join(markdown.split())
    (gray,) = found(r"PSNR of gray \(dB\): +([\d., ]+)\n", printed)
    (gain,) = found(r"gain of the model \(dB\): +([\d., +-]+)\n", printed)
    fourth_gray, fourth_gain = float(gray.split(", ")[3]), float(gain.split(", ")[3])
    assert fourth_gray == 100.0 and fourth_gain < -24, "'costs dozens of dB'"
    assert -total / int(apart) > 24, "'dozens of dB' per already-gray image, not only the fourth"
    assert (f"gray is exact or nearly so, so its PSNR is high (the 100 dB cap where exact), and "
            f"any visible tint costs dozens of dB (the fourth image of section 4 loses "
            f"{-fourth_gain:.0f} dB)") in " ".join(markdown.split())


def test_the_already_gray_image_of_the_psnr_cell(committed):
    markdown, printed, _ = committed
    (gray,) = found(r"PSNR of gray \(dB\): +([\d., ]+)\n", printed)
    (gain,) = found(r"gain of the model \(dB\): +([\d., +-]+)\n", printed)
    gray, gain = [float(v) for v in gray.split(", ")], [float(v) for v in gain.split(", ")]
    assert gray[3] == 100.0 and gain[3] < -24, "'the fourth ... loses dozens of dB'"
    assert ("Next we compute the PSNR gain by hand on the first figure's eight images. The fourth "
            "is black and white already, so gray is exact there (the 100 dB cap) and any tint "
            "loses dozens of dB, which is why `evaluate` sets such images apart."
            ) in " ".join(markdown.split())
    assert "already gray\\n(set apart)" in code_with(
        nbformat.read(NOTEBOOK, as_version=4), "# Your model's colors on the eight images"), \
        "section 4's figure marks the set-apart image"


def test_washed_out_answers(committed):
    markdown, printed, tables = committed
    cf, truth, ratio = found(r"colorfulness: model (\d+\.\d), ground truth (\d+\.\d) "
                             r"\((\d+)% of it\)", printed)
    (true_chroma,) = found(r" true ab: mean chroma (\d+\.\d); spread", printed)
    (pred_chroma,) = found(r"predicted ab: mean chroma (\d+\.\d); spread", printed)
    pa, pb = found(r"predicted ab: mean chroma \d+\.\d; spread \(standard deviation\) of a "
                   r"(\d+\.\d), of b (\d+\.\d)", printed)
    assert 2 * float(pred_chroma) < float(true_chroma) and float(cf) < float(truth)
    assert 28 <= int(ratio) <= 40 and "with about a third of the truth's colorfulness" in markdown
    assert ("The predicted pixels sit less than half as far from gray as the true ones (mean "
            "chroma). The predicted a spreads less than a fifth as far as the predicted b: "
            "section 7's thin strip along b.") in " ".join(markdown.split())
    assert 0.12 < float(pa) / float(pb) < 0.2, "'less than a fifth'"
    deeper = markdown.split("## Going deeper (optional)")[1]
    assert ("### E. The already-gray and nearly gray images, and section 7's colors in numbers"
            in deeper)
    assert ("The predicted b is rarely below 0 and almost never visibly blue: the warm tint of "
            "section 5.") in deeper   # checked below: under 20% and 0.5%
    cell = code_with(nbformat.read(NOTEBOOK, as_version=4), "chroma_true, chroma_pred = ")
    assert "spread (standard deviation)" not in cell and cell.count("print(") == 1, \
        "section 7 prints one line (colorfulness); the rest: E"
    assert "in a thin strip along b: a hardly moves, b moves a little" in " ".join(markdown.split())
    assert float(pb) > 3 * float(pa), "'a thin strip along the b axis'"
    (blue_pred,) = found(r"predicted ab: .*spread .*; visibly blue pixels \(b below -5\): "
                         r"(\d+\.\d)%", printed)
    (below_true,) = found(r"true ab: .*spread .*; b below 0: (\d+\.\d)%", printed)
    (below_pred,) = found(r"predicted ab: .*spread .*; b below 0: (\d+\.\d)%", printed)
    assert float(below_pred) < 20 < float(below_true), "'mostly above zero', unlike the truth"
    assert float(blue_pred) < 0.5, "'almost no blue'"
    assert ("a hardly moves, b moves a little, and almost no pixel is painted blue (the lower "
            "right panel zooms in)." in markdown)
    assert ("The figure plots where every pixel's a and b land, true (upper left) and predicted "
            "(upper right).") in markdown
    assert "true_ax, pred_ax, hist_ax, zoom_ax = axes.flat" in code_with(
        nbformat.read(NOTEBOOK, as_version=4), "from matplotlib.colors import LogNorm"), \
        "the figure's panels: the two ab maps on top, as the text says"
    assert "log scale: a dark purple cell holds a few pixels" in code_with(
        nbformat.read(NOTEBOOK, as_version=4), "from matplotlib.colors import LogNorm"), \
        "the zoom's title: its log scale makes a few pixels look like a region"
    (blue_true,) = found(r"true ab: .*spread .*; visibly blue pixels \(b below -5\): (\d+\.\d)%",
                         printed)
    assert float(blue_true) > 5, "the truth has visibly blue pixels"
    assert "The share of visibly blue pixels (b below -5) is" not in markdown
    pa, ta = found(r"the deer, mean over the image, a / 110: predicted ([+-]\d\.\d{3}), true "
                   r"([+-]\d\.\d{3})", printed)
    assert float(ta) < 0 and abs(float(pa)) < 0.2 * abs(float(ta)), "the deer: a green, a cancelled"
    assert "grass against earth" not in markdown, \
        "dropped: between two colors of opposite a the median takes the more common one's a"
    assert "so the median keeps b and cancels a" not in " ".join(markdown.split())
    assert "Section 1's deer fits it" not in markdown, "the deer shows grass only, no earth"
    assert "Section 1's deer shows it" not in markdown, "the deer fits the case, not a test"
    assert "a likely case (untested here)" not in markdown, "one caveat for the slice, not two"
    # the slice backs the strip: a's median at gray, b's a little yellow (the strip's own check
    # is above: the predicted b spreads more than three times the predicted a)
    amed, bmed = found(r"pixels with L from 70 to 71: a mean [+-]\d+\.\d, median ([+-]\d+\.\d); "
                       r"b mean [+-]\d+\.\d, median ([+-]\d+\.\d)\n", printed)
    (amean,) = found(r"pixels with L from 70 to 71: a mean ([+-]\d+\.\d),", printed)
    assert abs(float(amed)) < 2.3 < float(bmed) < 10, "'a cancels while b keeps a little yellow'"
    assert abs(float(amean)) < 2.3, "'each channel gets its own optimum': the mean cancels a too"
    assert ("**This fits section 7's thin strip along b.** Each channel gets its own optimum, so a "
            "cancels while b keeps a little yellow.") in markdown
    assert "Either loss would give this strip" not in markdown, "only the L1 model's ab are shown"
    assert "Under L1 each channel gets its own median" not in markdown, "the strip fits both"
    assert "so its mean lies further from gray than its median:" in markdown   # printed above it
    assert f"median, {bmed}" not in markdown, "the printout carries the slice's numbers"
    # the top of section 8: one claim, a central value (L1 the median, MSE the mean). In the toy
    # (checked in test_the_mean_and_median_of_one_gray_value) L1's median is the bolder color
    toy = torch.tensor([-40.0] * 60 + [40.0] * 40)
    assert abs(toy.median()) > abs(toy.mean()), "in the toy, L1 paints the fuller color"
    assert ("In toy two, L1 picks the full green, MSE a nearly gray, faintly green."
            in markdown)
    assert "a pale green" not in markdown, "a = -8 at L = 70 looks nearly gray"
    assert "**Key idea:** a regression loss paints one central value" in markdown, \
        "said once, at 8a's end"
    assert "The loss alone does not make L1 duller" not in markdown, "the muddled top is gone"
    # the saturated tail: the slice's b (its mean further out than its median) and the trained
    # models (MSE the more colorful, mean over two seeds)
    bmean, = found(r"pixels with L from 70 to 71: a mean [+-]\d+\.\d, median [+-]\d+\.\d; "
                   r"b mean ([+-]\d+\.\d), median", printed)
    cf = {k: float(c[5]) for k, c in comparison_rows(tables, printed).items()}
    assert float(bmean) > float(bmed) > 0
    assert min(cf[("mse", s)] for s in "01") > max(cf[("l1", s)] for s in "01"), "MSE is bolder"
    mse2, l12 = found(r"toy two, green 60%: MSE predicts a = ([+-]\d+) \(the mean\), L1 a = "
                      r"([+-]\d+) \(the median\)", printed)
    assert abs(int(l12)) > abs(int(mse2)), "'with a clear majority, L1' is bolder (toy two)"
    assert ("Which is bolder depends on the shape of those colors: with a clear majority, L1; with "
            "a long tail away from gray, MSE.") in " ".join(markdown.split())
    assert ("so its mean lies further from gray than its median: the long-tail case, where MSE is "
            "bolder.") in markdown
    assert "Why is MSE the bolder one here" not in markdown, "said up front now"
    assert "which this run does not measure" not in markdown, "measured now (the slice's b)"
    assert "likely leaves MSE short of its optimum" not in markdown
    assert "Where the colors have a saturated tail on one side" not in markdown, "moved below"
    assert ("Real pixels are messier. The next cell takes every training pixel with L from 70 to "
            "71.") in " ".join(markdown.split())
    # section 7 shows the symptom; section 8 gives the cause (its a slice and toy are checked in
    # test_the_mean_and_median_of_one_gray_value)
    assert "**The predictions hug gray.**" in markdown and "Section 8 shows why." not in markdown
    assert ("L1, $|\\hat{ab} - ab|$, learns, per channel, the *median* of the plausible colors; "
            "MSE, "
            "$(\\hat{ab} - ab)^2$, their *mean*.") in markdown
    # MSE answers gray; L1 need not (toy one: any a from -40 to +40), near gray when peaked
    assert "In toy one, MSE picks gray and L1 anything in between." in markdown
    assert "a regression loss answers gray" not in markdown, "L1 need not answer gray (toy one)"
    assert ("A regression loss paints one central value of the plausible colors, the mean (MSE) or "
            "the median (L1), and real colors at one lightness peak near gray.") in markdown, \
        "the Summary says what section 8a shows (the slice's peak: test_section_8s_key_idea)"
    assert "L1 may answer anything between two equally likely colors" not in markdown
    assert "L1's median lands near gray" not in markdown
    assert "<summary>Why does L1 give section 7's thin strip along b?</summary>" not in markdown, \
        "the strip's explanation is in the visible text now"
    assert "that color is near gray, so the result is washed out" not in " ".join(markdown.split())
    assert "the *safe* color" not in markdown and "paints the safe color" not in markdown
    assert "The model hugs gray, with about a third of the truth's colorfulness." in markdown
    (less,) = found(r"the model is less colorful than the truth on (\d+)% of the scored images",
                    printed)
    assert int(less) >= 90
    assert (f"The model is **less colorful** than the truth on {less}% of the scored images. In "
            "the lower left panel, its colorfulness piles up where the truth's only begins. Its "
            "predicted ab lie in a thin strip along b") in " ".join(markdown.split()), \
        "the printout gives the share; the histograms show the piles"
    assert "as the lower left panel shows" not in markdown, "unpaired histograms show no pairs"
    assert 'hist_ax.set_title("colorfulness of the scored test images"' in code_with(
        nbformat.read(NOTEBOOK, as_version=4), "from matplotlib.colors import LogNorm"), \
        "the lower left panel: the images' colorfulness, the model's against the truth's"


def test_photo_answers(committed):
    markdown, printed, _ = committed
    kept = found(r"in Lab L units \(0 to 100\), per photo: (\d\.\d{3}), (\d\.\d{3})", printed)
    assert max(map(float, kept)) < 0.1 and "L moves by under 0.1 units on average." in markdown
    assert "trained at 32 px: ab predicted at 128 px" in printed
    assert "predicts ab at a small working size (here 128 px)" in markdown
    sizes = found(r"mean chroma of the colorized cat \(Lab units\) at working size "
                  r"32 px: (\d+\.\d), 128 px: (\d+\.\d), 512 px: (\d+\.\d)", printed)
    c32, c128, c512 = map(float, sizes)
    assert c32 > c128 > c512, "'the smaller the working size, the more color'"
    assert "this run does not show what the default buys" not in markdown, "the section ends on why"
    assert "The default stays 128 px" not in markdown, "the unbacked reason for the default is gone"
    assert "this run does not test that" not in markdown.split("### H. The working size")[1].split(
        "###")[0], "one caveat on the working size"
    assert c32 - c512 < 0.2 * c32, "'the mean chroma barely moves': a small change"
    assert "The mean chroma in the map titles barely moves." in markdown
    assert "The working size changes where the color goes." in markdown
    assert "The mean hides most of the change" not in markdown
    assert ("The working size changes where the color goes. At 32 px the tint is most even, apart "
            "from the eyes, nose and a faint frame along the border.") in markdown
    assert ("At 128 and 512 px the eyes, the stripes and parts of the background stay nearly gray, "
            "so the color follows the photo.") in markdown
    assert "the tint is nearly even" not in markdown, "the 32 px map is not even (its eyes, nose)"
    assert "(its chroma: dark = gray)" in markdown
    working = markdown.split("### H. The working size")[1].split("##")[0]
    code = code_with(nbformat.read(NOTEBOOK, as_version=4), "# The cat colorized by your model")
    assert "plt.subplots(2, 3" in code and "top.imshow(sizes[s])" in code, \
        "the figure: the colorized cat (upper row) above its chroma map, per working size"
    assert "The upper row shows the colors; the lower row maps how much color" in working
    # 128 against 512 px, and the default
    near, far = found(r"mean Delta E per pixel between two of the colorized cats: 32 and 128 px "
                      r"(\d+\.\d); 128 and 512 px (\d+\.\d)\n", printed)
    assert float(far) < 2.3 and float(far) < float(near), "'their chroma maps share one layout'"
    assert float(near) < 2.3, "'the three cats look almost alike' in the upper row"
    assert ("In the upper row the three cats look almost alike, because the tint is faint; the "
            "lower row shows the difference.") in working
    assert "The upper row shows what that means" not in markdown, "the lower row carries it"
    (p95,) = found(r"95% of the pixels differ by less than: 32 and 128 px \d+\.\d; 128 and 512 px "
                   r"(\d+\.\d)\n", printed)
    assert float(p95) > 2.3 > float(far), "an average below a JND, with a tail above it"
    assert (f"Their colors differ by {far} Lab units per pixel on average, below a just "
            f"noticeable difference (2.3); only one pixel in twenty differs by more than {p95}. "
            "Yet the network does sixteen times the work at 512 px.") in " ".join(markdown.split())
    assert (512 // 128) ** 2 == 16, "a convolutional network's work grows with the pixel count"
    w, h, short = found(r"the cat photo: (\d+) x (\d+) px, shorter side (\d+) px\n", printed)
    assert int(short) == min(int(w), int(h)) < 512, "512 px upsamples the photo's L"
    assert (f"with finer detail at 512 px, although 512 px upsamples the photo's {short} px "
            "shorter side.") in " ".join(markdown.split())
    from colorlab.colorizer import WORK_SIZE_FACTOR, default_work_size
    assert default_work_size(32) == 128 == WORK_SIZE_FACTOR * 32
    assert ("That is why the default is 128 px, four times the training size: large enough for the "
            "color to follow the photo, small enough to stay cheap.") in " ".join(markdown.split())
    assert "### The slice, on section 8's models" not in markdown, "the slice proved little: cut"
    assert "pale bluish-white patches" not in markdown


def test_pretrained_comparison(committed):
    markdown, printed, tables = committed
    table = tables[tables.index("| your model (quick mode) | pretrained |"):]
    rows = {k: (a, b) for k, a, b in re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", table,
                                                 flags=re.M)}
    mean = [float(v) for v in rows["PSNR gain over gray (dB), mean"]]
    beats = [int(v[:-1]) for v in rows["images where PSNR beats gray"]]
    assert not any("AuC" in k or "classifier" in k for k in rows), \
        "section 9's table keeps section 4's main rows; AuC and the classifier: Going deeper D"
    cf = next(v for k, v in rows.items() if k.startswith("colorfulness (truth"))
    (truth,) = found(r"colorfulness \(truth (\d+\.\d)\)", table)   # the test set's, not section 8's
    assert mean[1] > mean[0] and beats[1] > beats[0], "'buy PSNR ... beats gray more often'"
    # the pretrained recipe differs in data (45,000 images) and batch too: 'training and data'
    assert (f"More training and data bring PSNR and some color: the pretrained model beats gray on "
            f"{beats[1]}% of the images.") in markdown
    assert "**Key idea:** more training and data add a little color, but the colors stay pale." \
        in markdown
    # the paired gap and its standard error, as section 4 gives them for your model; the same
    # rule: a gap within two standard errors is "possibly chance", beyond them "unlikely"
    only_model, only_gray, paired, se = found(
        r"the pretrained model: classifier right on the colorized image only: (\d+), on the gray "
        r"one only: (\d+); accuracy gap ([+-]\d+\.\d) ± (\d+\.\d) points \(paired standard "
        r"error\)", printed)
    (acc, gacc) = found(r"object classifier accuracy, higher is better \| (\d+\.\d)% \| "
                        r"(\d+\.\d)% \|", tables)   # section 4's: your model against gray
    (ours,) = found(r"\nyour model: classifier right .*; accuracy gap ([+-]\d+\.\d) ±", printed)
    assert abs(float(ours) - (float(acc) - float(gacc))) < 0.051, "the paired gap is the table's"
    scored = int(found(r"\| on ([\d,]+) test images \| your model", tables)[0].replace(",", ""))
    assert abs(100 * (int(only_model) - int(only_gray)) / scored - float(paired)) < 0.051
    assert 4 < float(paired) / float(se) < 5, "'over four times its standard error'"
    assert (f"The pretrained model's (section 9) is {paired.lstrip('+')} ± {se} points in its "
            "favor, over four times its standard error, so unlikely to be chance.") in markdown
    assert "unlike your model's (the classifier row)" not in markdown
    assert float(cf[0]) < float(cf[1]) < 0.5 * float(truth)
    assert ("Yet it is less than half as colorful as the truth, and it paints the blue car red."
            in markdown)
    assert float(cf[1]) - float(cf[0]) < 0.25 * float(truth), \
        "the Summary: far more training 'adds only a little color'"
    assert ("More training and data add a little color; on section 10's two photos, much of it is "
            "wrong.") in " ".join(markdown.split()), "the Summary keeps 'wrong' to the two photos"
    assert "much of it wrong." not in markdown
    # the pretrained model's chroma on the photos: test_the_cup_stays_pale; the figure shows the
    # green patch on the cat's forehead, not around the cat
    assert "patches around the cat" not in markdown
    dE = rows["mean Delta E"]
    assert float(dE[1]) < float(dE[0]), "'it lowered Delta E on section 9's test set'"
    assert "Its colorfulness is " not in markdown, "the box no longer repeats the table"
    psnr_mean = rows["PSNR gain over gray (dB), mean"]
    assert float(psnr_mean[1]) > float(psnr_mean[0])
    assert "Its mean gain over gray is " not in markdown, "the box no longer repeats the table"
    assert "the pretrained model's card says:\nModel: UNet(" in printed, "lines name their source"
    (their_train,) = found(r"\nData: train: ([\d,]+) of folder", printed)   # printed from the card
    batch, their_epochs = found(r"\nRecipe: `colorlab\.recipes\.train_colorizer` .*, batch (\d+), "
                                r"(\d+) epochs, seed 0\.\n", printed)
    card = (ROOT / "colorlab" / "weights" / "cifar10-l1-unet.md").read_text(encoding="utf-8")
    assert their_train == "45,000" and "base=16" in card and "UNet(base=16, depth=3)" in printed
    assert "loss `l1`" in card, "the card's loss, as the text says"
    base, depth, card_params = found(r"\nModel: UNet\(in_ch=1, out_ch=2, base=(\d+), "
                                     r"depth=(\d+)\), ([\d,]+) parameters, loss l1 on ab\n",
                                     printed)
    counted, ours_params = found(r"\ncounted on the loaded model: ([\d,]+) parameters \(the model "
                                 r"this run trains: ([\d,]+)\)\n", printed)
    (trained,) = found(r"trains UNet\(base=16, depth=3\): ([\d,]+) parameters", printed)
    assert (base, depth) == ("16", "3") and card_params == counted == ours_params == trained, \
        "'quick mode's model and loss': the same size (UNet base 16), counted"
    assert "the course's pretrained colorizer, quick mode's UNet (base 16) trained" \
        in " ".join(markdown.split())
    ours_epochs, ours = found(r"(\d+) epochs, batch (\d+), peak lr", printed)
    (our_train,) = found(r"([\d,]+) train / ", printed)
    assert int(their_train.replace(",", "")) > int(our_train.replace(",", "")) and \
        int(their_epochs) > int(ours_epochs) and int(batch) > int(ours), \
        "'far more training': more images, more epochs and larger batches (the card's recipe)"
    assert ("The pretrained colorizer is quick mode's model and loss given far more training."
            ) in markdown
    assert 45_000 * int(their_epochs) > 2 * 20_000 * int(ours_epochs), "more than any quick preset"
    assert "Would more training fix the pale colors?" in markdown   # cf[1] < 0.5 * truth, above
    assert "Section 9's pretrained model, the same size" not in markdown, "no forward reference"
    assert "A better model is surer" not in markdown, "nothing in the run measures it"


def test_the_readme_quotes_this_run():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    summary = next(o["text"] for c in nb.cells for o in c.get("outputs", [])
                   if o.get("output_type") == "stream" and o["text"].startswith("Summary: "))
    # the README quotes the run time the notebook prints under its Summary line
    seconds = int(re.search(r"\nRun time: (\d+) s from start\(\)", summary).group(1))
    summary = summary.splitlines()[0]   # the Summary line alone, not the Run time line under it
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [04 "))
    assert re.search(rf"\| {round(seconds):,} s[^|]*\|$", row.rstrip()), \
        f"README's course map gives 04 another time than this run's {seconds:.0f} s: {row}"
    result = next(line for line in readme.splitlines() if line.startswith("| 04 |"))
    assert summary.removeprefix("Summary: ").strip() in result
    assert f"| {round(seconds)} s |" in result


def comparison_rows(tables, printed):
    """Section 8's table, {(loss, seed): cells}: loss, seed | gain | nearly gray | others |
    mean Delta E | colorfulness, then the two numbers printed under it per row: gain in PSNR of
    the mean MSE | ab RMSE. The main table has gain | mean Delta E | colorfulness; the collapsed
    one under it the gain on the nearly gray images | on the others."""
    main, split = {}, {}
    for line in tables.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        key = re.fullmatch(r"(l1|mse|l1_ssim), seed (\d)", cells[0])
        if key and len(cells) == 4:
            main[key.groups()] = cells
        elif key and len(cells) == 3:
            split[key.groups()] = cells
    assert main.keys() == split.keys(), "a row of the main table without its nearly gray split"
    rows = {k: [c[0], c[1], *split[k][1:], c[2], c[3]] for k, c in main.items()}
    (under,) = finder("04")(r"gain in PSNR of the mean MSE \(dB\) / ab RMSE \(Lab units\): (.*)\n",
                            printed)
    for loss, seed, pooled, rmse in re.findall(
            r"(l1|mse|l1_ssim), seed (\d) ([+-]\d\.\d\d) / (\d+\.\d\d)", under):
        rows[(loss, seed)] += [pooled, rmse]
    assert all(len(cells) == 8 for cells in rows.values()), "a row without its printed numbers"
    return rows


def test_section_8_chooses_on_the_validation_set(committed):
    """The lecture's rule: the validation set makes the choices, the test set scores the model
    once. Section 8's comparisons are scored on the validation set, and the text says so."""
    markdown, _, tables = committed
    nb = nbformat.read(NOTEBOOK, as_version=4)
    heads = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
             and c.source.startswith(("## 8.", "## 9."))]
    section_8 = "\n".join(c.source for c in nb.cells[heads[0]:heads[1]] if c.cell_type == "code")
    assert "run.test" not in section_8 and "evaluate(net, run.val" in section_8
    (val_images,) = found(r"\| loss, seed \(([\d,]+) validation images\) \| gain over gray "
                          r"\(dB\) \| mean Delta E \| colorfulness \(truth", tables)
    n_low, n_rest = found(r"\| loss, seed \| gain on the (\d+) nearly gray \(dB\) \| on the "
                          r"other ([\d,]+) \|", tables)
    assert int(n_low) + int(n_rest.replace(",", "")) == int(val_images.replace(",", ""))
    assert "Only the loss changes; the validation set scores every model." in markdown
    assert ("the [test set](../docs/glossary.md#test-set) scores your model once" in markdown
            and "Only now is your model scored on the test set" in markdown)
    assert "on eight test images; your own model meets the test set in section 4." in markdown


def test_the_loss_comparison_paragraph(committed):
    """Section 8's paragraphs describe the small comparison's table (two seeds of L1 and MSE)."""
    markdown, printed, tables = committed
    images, epochs = found(r"a small comparison: ([\d,]+) training images, (\d+) epoch", printed)
    rows = comparison_rows(tables, printed)
    l1, mse, ssim = ([rows[(name, s)] for s in ("0", "1") if (name, s) in rows]
                     for name in ("l1", "mse", "l1_ssim"))
    assert len(l1) == len(mse) == 2 and len(ssim) == 1
    # every row shares gray's PSNR (the same validation images): gains order as PSNR does
    gain = lambda r: float(r[1])   # noqa: E731
    psnr = gain
    colorful = lambda r: float(r[5])   # noqa: E731
    seed_gap = max(abs(colorful(a) - colorful(b)) for a, b in (l1, mse))
    assert min(map(colorful, mse)) - max(map(colorful, l1)) > seed_gap
    assert ("**MSE paints more color than L1, yet at this small budget L1 wins on PSNR gain and "
            "$\\Delta E$.**") in markdown
    assert "colorfulness, mean over seeds" not in printed, "the table's rows carry it"
    # one row per loss in section 8a's table; both seeds of L1 and MSE in Going deeper F's
    main_8a = tables.split("| loss, seed (both seeds) |")[0].split("| loss, seed (")[1]
    assert re.findall(r"\| (l1|mse|l1_ssim), seed (\d) \|", main_8a) == [
        ("l1", "0"), ("mse", "0"), ("l1_ssim", "0")]
    both = tables.split("| loss, seed (both seeds) |")[1].split("| loss, seed |")[0]
    assert re.findall(r"\| (l1|mse), seed (\d) \|", both) == [
        ("l1", "0"), ("l1", "1"), ("mse", "0"), ("mse", "1")]
    assert "L1 + SSIM scores like L1, with the least color." in markdown   # checked below
    # the figure: three rows alike, far paler than the truth (colorfulness, seed 0)
    (truth_8a,) = found(r"colorfulness \(truth (\d+\.\d)\) \|", tables)
    seed0 = [colorful(rows[(name, "0")]) for name in ("l1", "mse", "l1_ssim")]
    assert max(seed0) - min(seed0) < 0.25 * (float(truth_8a) - max(seed0)), "'almost alike'"
    assert max(seed0) < 0.5 * float(truth_8a), "'far paler than the truth'"
    assert ("First, the same eight validation images, colorized by the UNet of each loss. The "
            "three rows look almost alike, far paler than the truth.") in " ".join(markdown.split())
    deeper = markdown.split("## Going deeper (optional)")[1]
    assert "L1 + SSIM scores like L1" in deeper and "three rows look almost alike" in deeper, \
        "the loss grid and the L1 + SSIM discussion wait in Going deeper F"
    assert "wins on every error measure" not in markdown, "ab RMSE's edge is within a seed's gap"
    rmse = lambda r: float(r[7])   # noqa: E731   (the ab RMSE printed under the table)
    assert all(rmse(m) >= rmse(l) for l, m in zip(l1, mse)), \
        "'MSE does no better than L1' on ab RMSE, seed by seed"
    assert ("MSE does no better than L1 even on the ab RMSE, the very error it minimizes: a longer "
            "run (What to try next) would tell whether MSE catches up.") in markdown
    assert "Mean colorfulness over the two seeds: MSE" not in markdown, "no repeat of the printout"
    assert max(map(psnr, mse)) < min(map(psnr, l1 + ssim))
    seed_psnr = abs(psnr(l1[0]) - psnr(l1[1]))
    assert max(map(gain, mse)) <= 0 and min(map(gain, mse)) > -2 * seed_psnr
    main_images, main_epochs = found(r"(\d+) epochs on ([\d,]+) images in \d+ s", printed)[::-1]
    assert int(main_images.replace(",", "")) * int(main_epochs) >= 10_000, \
        "section 7's checks ran: the main model's budget is above the 10,000 they need"
    assert "as expected: median gain above 0 dB, Delta E below gray's, less colorful than the " \
        "truth\n" in printed
    assert "comparison: 1,500 training images, 2 epoch(s) per loss, UNet base 16" in printed
    assert "UNet(base=16, depth=3)" in printed
    assert min(map(psnr, l1)) > max(map(psnr, mse)), "'L1 beats MSE with both seeds'"
    delta_e = lambda r: float(r[4])   # noqa: E731
    assert abs(psnr(ssim[0]) - psnr(l1[0])) <= seed_psnr, "'within what a seed moves L1' (PSNR)"
    assert abs(delta_e(ssim[0]) - delta_e(l1[0])) <= abs(delta_e(l1[0]) - delta_e(l1[1])), \
        "'within what a seed moves L1' (Delta E)"
    assert colorful(ssim[0]) < min(map(colorful, l1 + mse))
    assert "L1 + SSIM (one seed) scored like L1" not in markdown, "the table shows it; cut"
    # the budget, printed under the cell: a tenth of section 3's model's (images x epochs)
    main_epochs, main_images = found(r"(\d+) epochs on ([\d,]+) images in \d+ s", printed)
    assert int(main_images.replace(",", "")) * int(main_epochs) == \
        10 * int(images.replace(",", "")) * int(epochs), "'a tenth of section 3's training'"
    assert "each on a tenth of section 3's training." in " ".join(markdown.split())
    assert "1,500 training images for 2 epochs" not in markdown, "the printout gives the budget"

    assert max(map(delta_e, l1)) < min(map(delta_e, mse)), "'L1 ... the lower mean Delta E'"
    same_seed = [gain(a) - gain(b) for a, b in zip(l1, mse)]   # L1 minus MSE, seed 0 and 1
    assert all(0.1 <= g < 1 for g in same_seed), "'the gaps are a few tenths of a dB'"
    assert "so the gaps are only a few tenths of a dB" not in markdown, "the causal 'so' is cut"
    assert 5_000 * 6 == 10 * int(images.replace(",", "")) * int(epochs), "'ten times'"
    assert ("- `COMPARE_IMAGES = 5_000` and `COMPARE_EPOCHS = 6` (ten times section 8's training "
            "per model): does L1 still beat MSE on PSNR, and does MSE still paint more color?"
            ) in markdown
    (train_size,) = found(r"([\d,]+) train / ", printed)
    assert int(train_size.replace(",", "")) >= 5_000, "COMPARE_IMAGES = 5_000 fits the training set"
    # the seed means printed under the table agree with the table
    ch_l1, ch_mse = map(float, found(r"mean chroma of the predicted ab, mean over seeds: L1 "
                                     r"(\d+\.\d), MSE (\d+\.\d) Lab units", printed))
    assert ch_mse > ch_l1, "'MSE paints more color' (mean chroma too)"
    # the headline's measures: L1 wins by more than a seed moves either loss
    for f in (gain, lambda r: -delta_e(r)):   # higher is better
        spread = max(abs(f(a) - f(b)) for a, b in (l1, mse))
        assert min(map(f, l1)) - max(map(f, mse)) > spread, "'L1 wins on PSNR gain and Delta E'"
    assert "Two more error measures" not in markdown, "the hair-splitting paragraph is cut"
    # the box's sentences on the per-image losses to gray and the slice's reason are gone: the
    # printout and section 8's top carry them
    assert "MSE's models even lose to gray" not in markdown
    assert "The likely reason is the slice's b above" not in markdown
    assert "At a small budget MSE paints more color than L1 but scores a lower PSNR." in markdown
    assert "(by mean chroma, a sixth more)" not in markdown, "one measure in the headline"
    assert "Both seeds give the same order (Going deeper, F)." in markdown   # checked above
    assert "**MSE paints more color but is less accurate.**" not in markdown
    # its parts: checked above and in the skip test

    # the split table under the main one stays collapsed; the text no longer quotes it
    assert "L1's lead is largest on the nearly gray validation images" not in markdown


def test_the_time_line_and_the_pipeline_figure(committed):
    markdown, printed, _ = committed
    (seconds,) = found(r"\nRun time: (\d+) s from start\(\) to this line\.", printed)
    cpu, cores = found(r"\| device: CPU \((.+), (\d+) cores\) \|", printed)   # the headline
    assert (f"The committed run took {seconds} s on a {cores}-core {cpu} CPU, in quick mode "
            "(float32; 6 epochs on 5,000 CIFAR-10 images), not counting Going deeper."
            ) in " ".join(markdown.split()), \
        f"the Time line should give the printed run time, {seconds} s, on the printed CPU"
    assert "printed under the Summary" not in markdown, "the Run time line sits above the heading"
    # 'just above the Summary heading': the cell right before '## Summary' prints the Run time
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    (heading,) = [i for i, c in enumerate(cells)
                  if c.cell_type == "markdown" and c.source.startswith("## Summary")]
    above = cells[heading - 1]
    assert above.cell_type == "code" and any(
        o.get("output_type") == "stream" and "\nRun time: " in "\n" + o["text"]
        for o in above.outputs), "the cell just above '## Summary' should print the Run time"
    assert any(c.cell_type == "code" for c in cells[heading:]), "'Going deeper cells after it'"
    assert "The last code cell prints that time" not in markdown
    # the headline names the CPU now: the text says it as the run prints it, not from the README
    assert "| device: CPU (AMD EPYC, 2 cores) |" in printed
    assert "README" not in markdown.split("## The idea")[0] and "without AMX" not in markdown
    assert int(seconds) < 300, "quick mode's budget is 5 minutes"
    (kind,) = found(r"the (\w+), mean over the image, a / 110", printed)
    assert kind == "deer" and "on a deer on grass" in markdown
    pa, ta, pb, tb = found(r"mean over the image, a / 110: predicted ([+-]\d\.\d{3}), true "
                           r"([+-]\d\.\d{3}); b / 110: predicted ([+-]\d\.\d{3}), true "
                           r"([+-]\d\.\d{3})", printed)
    assert float(ta) < 0 and abs(float(pa)) < 0.2 * abs(float(ta)), "true a green, predicted ~0"
    assert 0.35 < float(pb) / float(tb) < 0.65, "'about half' of the true b"
    assert ("The true a is green over the grass; the predicted a is only a faint pink blob. With "
            "about half the true yellow in b, the grass turns a grayish olive-brown.") in markdown
    assert "a little pink on the deer" not in markdown, "the pink is not on the deer alone"
    assert "nearly blank panel" not in markdown, "the panel is faint, not blank"
    assert abs(float(pa)) < 0.1 * 0.15, "a mean near 0 on the figure's a scale, ±0.15"


def test_train_unet_sentence_names_its_check(committed):
    markdown = committed[0]
    assert (ROOT / "tests" / "test_sync_04.py").is_file()
    assert "`train_unet` below is `colorlab.recipes.train_colorizer` written out;" in markdown
    # the card's "random horizontal flips" happen inside Batches (flip=True by default), in the
    # recipe and in train_unet alike
    import inspect

    from colorlab.data import Batches
    assert inspect.signature(Batches).parameters["flip"].default is True
    code = code_with(nbformat.read(NOTEBOOK, as_version=4), "def train_unet(")
    assert "Batches(L, ab, L, batch_size=batch_size, seed=seed)" in code and "flip" not in code
    assert "its `Batches` flips each image horizontally half the time." in " ".join(
        markdown.split())
    assert "random horizontal flips" in committed[1], "the card's recipe names the flips"


def test_the_unet_table_and_its_answers(committed):
    """Section 2's table of quick mode's UNet (base 16, the model the run trains and the diagram
    draws): the identities the text explains (a decoder block costs two or three times its encoder
    block, the compute is flat along each chain below the top level) and the shares its answers
    and the summary quote; the line under it gives full mode's base 64."""
    markdown, printed, _ = committed
    rows = {name.strip(): (int(p.replace(",", "")), float(ps), int(mac.replace(",", "")), float(ms))
            for name, p, ps, mac, ms in re.findall(
                r"^(\w[\w ()0-9x]*?) +\d+ x \d+ x \d+ +([\d,]+) +([\d.]+)% +([\d,]+) +([\d.]+)%$",
                printed, flags=re.M)}
    assert len(rows) == 11, sorted(rows)
    assert "quick mode's UNet, UNet(base=16, depth=3), on one 32 x 32 image\n" in printed, \
        "the table says which model it counts"
    assert "UNet(base=16, depth=3), loss l1" in printed, "'the model this run trains'"
    for k in (1, 2, 3):
        ratio = rows[f"decoder {k}"][2] / rows[f"encoder {4 - k}"][2]   # decoder k pairs with 4 - k
        assert 2 <= ratio <= 3, f"'two or three times the multiply-adds': level {4 - k}"
    assert rows["encoder 2"][2] == rows["encoder 3"][2] == rows["bottleneck"][2]
    bottleneck_share, bottleneck_macs = rows["bottleneck"][1], rows["bottleneck"][3]
    assert bottleneck_share == max(r[1] for r in rows.values()) and 40 < bottleneck_share < 50, \
        "'almost half of the weights', the most of any block"
    assert f"it does only {bottleneck_macs}% of the multiply-adds" in markdown
    decoders = [rows[f"decoder {k}"] for k in (1, 2, 3)]
    decoders_share = round(sum(d[3] for d in decoders))
    assert max(r[3] for r in rows.values()) == decoders[0][3], "the decoders do the most work"
    assert f"The three decoder blocks do the most work, {decoders_share}% together" in markdown
    assert f"The bottleneck holds the most weights, {bottleneck_share}% of them" in markdown
    assert ("So a UNet keeps its weights deep, on the small grids, and computes most in the "
            "decoder.") in " ".join(markdown.split()), "Going deeper B's last line (shares above)"
    main = markdown.split("## Going deeper (optional)")[0]
    assert "multiply-adds" not in main.split("## Summary")[0], "the table waits in Going deeper B"
    assert "### B. Where the parameters and the work sit" in markdown
    assert "Going deeper B counts each block's parameters and arithmetic." in main
    assert "its compute is spread over the levels" not in markdown
    assert "113 M against 57 M" not in markdown, "the base-64 numbers are gone"
    (total,) = found(r"\ntotal +([\d,]+) +[\d,]+\n", printed)
    (trained,) = found(r"trains UNet\(base=16, depth=3\): ([\d,]+) parameters", printed)
    assert total == trained, "the table counts the model this run trains"
    assert "full mode's UNet, base 64" not in printed and "Full mode's UNet" not in markdown, \
        "the side line on full mode's model is cut"
    assert ("The table counts each block's parameters and multiply-adds (one forward pass's "
            "arithmetic) for quick mode's UNet, base 16, the model this run trains.") in markdown
    # the table against this test's own count of the same model
    trained = UNet(1, 2, base=16, depth=3)
    blocks = [*trained.encoders, trained.bottleneck,
              *(b for pair in zip(trained.ups, trained.decoders) for b in pair), trained.head]
    names = ["encoder 1", "encoder 2", "encoder 3", "bottleneck", "up 1 (transposed conv)",
             "decoder 1", "up 2 (transposed conv)", "decoder 2", "up 3 (transposed conv)",
             "decoder 3", "head (1x1 conv)"]
    own_macs = dict.fromkeys(names, 0)
    for name, block in zip(names, blocks):
        for conv in block.modules():
            if isinstance(conv, (torch.nn.Conv2d, torch.nn.ConvTranspose2d)):
                def count(module, inputs, output, name=name):
                    grid = inputs[0] if isinstance(module, torch.nn.ConvTranspose2d) else output
                    own_macs[name] += module.weight.numel() * grid.shape[-2] * grid.shape[-1]
                conv.register_forward_hook(count)
    with torch.no_grad():
        trained(torch.zeros(1, 1, 32, 32))
    n_params = sum(p.numel() for p in trained.parameters())
    assert n_params == int(total.replace(",", ""))
    for name, block in zip(names, blocks):
        assert rows[name][0] == sum(p.numel() for p in block.parameters()), name
        assert rows[name][2] == own_macs[name], name
    assert "<summary>The blocks, one by one</summary>" not in markdown, "the blocks are visible"
    # the compute: flat below the top level along each chain, and the decoders do the most
    chains = (("encoder 2", "encoder 3", "bottleneck"), ("decoder 1", "decoder 2", "decoder 3"))
    for chain in chains:
        assert len({rows[name][2] for name in chain}) == 1, f"'the same compute': {chain}"
    assert ("**From the second level down, each level doubles the channels: four times the "
            "weights on a quarter of the positions, so the same compute.** Encoder 1 reads one "
            "channel, L, so it does less.") in " ".join(markdown.split())
    assert rows["encoder 1"][2] < rows["encoder 2"][2], "'encoder 1 ... does less'"
    assert trained.encoders[0][0].in_channels == 1, "'Encoder 1 reads one channel, L'"
    assert "Decoders do more (Q2)." not in markdown, "a full sentence now"
    assert "the compute is spread evenly" not in markdown, "the table shows it is not"
    up = trained.ups[0]
    assert up.kernel_size == up.stride == (2, 2)
    assert ("a 2x2 transposed convolution with stride 2 doubles the resolution; each input "
            "position writes its own 2 x 2 patch, and the patches do not overlap."
            ) in " ".join(markdown.split())


def test_the_mean_and_median_of_one_gray_value(committed):
    """Section 3's figure: b of the training pixels of one L, its mean further from gray."""
    markdown, printed, _ = committed
    amean, amed, bmean, bmed = found(
        r"[\d,]+ pixels with L from 70 to 71: a mean ([+-]\d+\.\d), median ([+-]\d+\.\d); "
        r"b mean ([+-]\d+\.\d), median ([+-]\d+\.\d)\n", printed)
    green, _, red = found(r"a below -5 \(green\): (\d+)%; within ±5: (\d+)%; above \+5 \(red\): "
                          r"(\d+)%", printed)
    assert min(int(green), int(red)) >= 10, "'a spreads to both sides'"
    assert abs(int(green) - int(red)) < 10, "'green about as often as red'"
    assert max(abs(float(amean)), abs(float(amed))) < 2.3, "'both optima sit at gray' (below 2.3)"
    assert ("Their a spreads to both sides about equally, so both optima sit at gray."
            ) in " ".join(markdown.split())
    assert "see the insets" not in markdown and "inset_axes" not in code_with(
        nbformat.read(NOTEBOOK, as_version=4), "one_L = "), "the noisy insets are gone"
    assert "Of these pixels, " not in markdown, "the box that repeated the printed lines is gone"
    assert float(bmean) > float(bmed) > 0, "the mean of b lies further from gray than the median"
    gap = float(bmean) - float(bmed)
    assert gap < 2.3, "'below the 2.3 that is just noticeable'"
    assert "Their b has a longer yellow tail, so its mean lies further from gray than its median:" \
        in markdown
    assert "This slice cannot tell which loss the model follows" not in markdown, \
        "the trained models' mean predicted b on the slice tells it (test_which_optimum)"
    assert "section 7's strip is the stronger evidence" not in markdown
    assert "The gap between the mean and the median of b" not in markdown, "said once, visibly"
    near, yellow, blue = found(r"b within ±10: (\d+)%; above \+10: (\d+)%; below -10: (\d+)%",
                               printed)
    assert int(near) > int(yellow) > 1.5 * int(blue), "'a peak near b = 0 ... longer yellow tail'"
    assert "Their b has a longer yellow tail" in " ".join(markdown.split())
    assert "It peaks near 0" not in markdown
    assert "It also ignores context, which the UNet sees." not in markdown
    # section 3's toy: green (a = -40) or magenta (a = +40). Equally often, the mean is gray and
    # every a from -40 to +40 has the same expected L1 error (and any a outside, a larger one);
    # at 60% green / 40% magenta the median is the full green, the mean a pale green
    even = torch.tensor([-40.0, 40.0])
    l1_error = [(even - a).abs().mean().item() for a in (-40, -20, 0, 20, 40)]
    assert even.mean() == 0 and max(l1_error) == min(l1_error) < (even - 45).abs().mean()
    split = torch.tensor([-40.0] * 60 + [40.0] * 40)
    assert split.median() == -40 and abs(split.mean() + 8) < 1e-4
    assert "long tail away from gray, MSE. The two toys below show both cases." in " ".join(
        markdown.split()), "toy two: a clear majority; toy one: no majority (both central)"
    assert "# Toy one: each half the time. Toy two: green 60% of the time." in code_with(
        nbformat.read(NOTEBOOK, as_version=4), "# Two toys"), "the toys, named in visible code"
    assert "In toy two, L1 picks the full green, MSE a nearly gray, faintly green." in markdown
    assert "In toy one, MSE picks gray and L1 anything in between." in markdown
    toy_code = code_with(nbformat.read(NOTEBOOK, as_version=4), "# Two toys")
    assert 'f"{name} paints\\na = "' in toy_code and "ms=30" in toy_code, \
        "the squares each loss paints are large and labelled with their a"
    mse_a, l1_a = found(r"toy two, green 60%: MSE predicts a = ([+-]\d+) \(the mean\), L1 a = "
                        r"([+-]\d+) \(the median\)", printed)   # the plotted toy, on a grid
    assert (int(mse_a), int(l1_a)) == (round(split.mean().item()), round(split.median().item()))
    assert int(l1_a) == -40 and abs(int(mse_a)) <= 10, "'the full green', 'nearly gray'"
    mse_a, l1_lo, l1_hi = found(r"toy one, green 50%: MSE predicts a = ([+-]\d+) \(the mean\), L1 "
                                r"any a from ([+-]\d+) to ([+-]\d+) \(the median\)", printed)
    assert (int(mse_a), int(l1_lo), int(l1_hi)) == (0, -40, 40), "'gray (a = 0); L1 ... -40 to +40'"


def test_the_worst_images_are_nearly_gray(committed):
    markdown, printed, _ = committed
    line = (r" eight: ([\w, ]+); mean chroma (\d+\.\d) to (\d+\.\d); PSNR of gray (\d+) to "
            r"(\d+) dB, of the model (\d+) to (\d+) dB\n")
    best, b_lo, b_hi, *_ = found("best" + line, printed)
    worst, w_lo, w_hi, g_lo, g_hi, m_lo, m_hi = found("worst" + line, printed)
    assert 2 <= float(w_lo) and float(w_hi) < 5 and float(b_lo) > float(w_hi)
    assert int(g_lo) >= 30, "'gray already scores high' on the worst eight"
    assert ("On the worst, nearly gray images, gray already scores high, so a faint tint costs "
            "many dB.") in " ".join(markdown.split())
    assert "the worst eight include both animals and vehicles" not in markdown, "cut: a side note"
    assert "just above the already-gray cut-off" not in " ".join(markdown.split())
    animals = {"bird", "cat", "deer", "dog", "frog", "horse"}
    assert set(best.split(", ")) <= animals
    assert "The best eight are animals, mostly brown or olive" in " ".join(markdown.split())
    assert "**Nearly gray images lose.**" in markdown
    assert "the class matters little" not in " ".join(markdown.split()), \
        "eight images cannot show that; no output splits the nearly gray gain by class"
    n_near, near, near_beats, n_rest, rest = found(
        r"mean PSNR gain over gray: on the (\d+) nearly gray test images \(mean chroma 2 to 5\) "
        r"([+-]\d+\.\d\d) dB, beating gray on (\d+)%; on the other ([\d,]+) ([+-]\d+\.\d\d) dB",
        printed)
    assert float(near) < 0 < float(rest), "'**Nearly gray images lose.**'"
    assert int(near_beats) < 50, "'nearly gray images lose': most of them"
    assert ("The nearly gray ones lose to gray on average, and most of them one by one; the others "
            "gain.") in markdown.split("### E. ")[1], "the split, interpreted in Going deeper E"
    nb = nbformat.read(NOTEBOOK, as_version=4)
    main_code = "\n".join(c.source for c in nb.cells[:[i for i, c in enumerate(nb.cells) if
                         "## Going deeper (optional)" in c.source][0]])
    assert "near = result.counted & (test_chroma < 5)" not in main_code, "the split: Going deeper"
    assert "The model beats gray on only" not in markdown, "the printout gives the share"
    assert "There are 134 nearly gray test images" not in markdown, "no repeat of the printout"
    (scored,) = found(r"images scored .*? \| ([\d,]+) \|", read(NOTEBOOK)[3])
    assert int(n_near) + int(n_rest.replace(",", "")) == int(scored.replace(",", ""))
    assert "Many animal photos are brown or olive" not in markdown, \
        "answer 1 keeps to what is measured (the blue share); the best eight's figure shows brown"
    (below_pred,) = found(r"predicted ab: .*spread .*; b below 0: (\d+\.\d)%", printed)
    assert float(below_pred) < 20, "'the same warm tint': the predicted b mostly above 0"
    assert "the model paints nearly every image with the same warm tint" in markdown
    assert ("**Key idea:** one warm tint cannot suit every class; it helps the animals and hurts "
            "the bluer vehicles.") in markdown   # animals gain, vehicles lose: checked above
    assert "as section 6's best eight are" not in markdown, "no forward reference from section 5"
    assert int(m_hi) < int(g_lo), "every one of the worst eight scores below gray"
    assert "(both printed above)" not in markdown, "they print below the best and worst figures"


def test_the_clipped_ab_maps(committed):
    markdown, printed, _ = committed
    lo, hi, within = found(r"ab in \[(-\d\.\d\d), (\d\.\d\d)\]; (\d+)% of the ab values "
                           r"within ±0.3", printed)
    assert int(within) > 80 and min(-float(lo), float(hi)) > 0.3
    ta, tb = found(r"(?m)^spread \(standard deviation\) in Lab units: a (\d+\.\d), b "
                   r"(\d+\.\d)$", printed)
    assert float(ta) < 0.8 * float(tb) and "in CIFAR-10, a varies less than b" in markdown
    assert ("The a row uses a finer color scale than the b row, because in CIFAR-10, a varies "
            "less than b.") in " ".join(markdown.split())
    assert "half the scale" not in markdown, "a's spread is about two thirds of b's, not half"
    assert "0.15 if r == 2 else 0.3" in code_with(nbformat.read(NOTEBOOK, as_version=4),
                                                  'cmaps = {"a": LinearSegmentedColormap'), \
        "the a row's scale is the finer one"


def test_the_jpeg_sentence():
    """Section 1 explains the blocky ab maps: the data is a JPEG copy (quality 75, 4:2:0)."""
    markdown = read(NOTEBOOK)[1]
    assert ("They may be JPEG's color blocks: this CIFAR-10 copy stores color at half "
            "resolution ([README](../README.md#results)) and compresses it in 8 x 8 blocks, each "
            "covering 16 x 16 pixels. Nothing in this run tests that.") in markdown
    assert "Some maps have straight-edged patches (Going deeper, A)." in markdown
    assert "### A. Straight-edged patches in the ab maps" in markdown
    # 8 x 8 blocks of color stored at half resolution cover 16 x 16 pixels (arithmetic, not checked)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    results = readme.split("\n## Results\n", 1)[1].split("\n## ", 1)[0]
    assert "JPEG, quality 75, color subsampled 4:2:0" in " ".join(results.split()), \
        "the link points to the README section that says it"
    card = (ROOT / "colorlab" / "weights" / "cifar10-l1-unet.md").read_text(encoding="utf-8")
    assert "quality 75, 4:2:0" in card
    assert ("Some of section 1's maps have straight-edged patches, like the bands in the first a "
            "map.") in markdown
    assert "most likely JPEG's color blocks" not in markdown, "nothing in the run shows the cause"
    assert "for c in range(6):" in code_with(nbformat.read(NOTEBOOK, as_version=4),
                                             'cmaps = {"a": LinearSegmentedColormap'), \
        "the figure draws the a maps, the first among them"
    assert "According to the README" not in markdown
    files = sorted((ROOT / "data" / "cifar10-jpg" / "train").glob("*/*.jpg"))[:20]
    if not files:
        pytest.skip("the CIFAR-10 JPEG copy is not in data/ on this machine")
    from PIL import Image, JpegImagePlugin
    luma_q75 = [8, 6, 5, 8, 12, 20, 26, 31]   # libjpeg's luma table at quality 75, first row
    for path in files:
        with Image.open(path) as image:
            assert JpegImagePlugin.get_sampling(image) == 2, f"{path.name}: not 4:2:0"
            assert list(image.quantization[0])[:8] == luma_q75, f"{path.name}: not quality 75"


def test_the_skip_ablation(committed):
    """Section 8's UNet without skips, two seeds each: about half the color at the small budget."""
    markdown, printed, tables = committed
    number = r"([+-]?\d+\.\d+)"
    line = (rf"gain over gray {number}, {number} dB; mean Delta E {number}, {number}; "
            rf"colorfulness {number}, {number}\n")
    g0, g1, d0, d1, c0, c1 = map(float, found(r"L1 with skips, seed\(s\) 0, 1: " + line, printed))
    n_g0, n_g1, n_d0, n_d1, n0, n1 = found(r"L1 without skips, seed\(s\) 0, 1: " + line, printed)
    n_g0, n_g1, n_d0, n_d1 = map(float, (n_g0, n_g1, n_d0, n_d1))
    table = tuple(float(v) for seed in (0, 1) for v in found(
        rf"\| l1, seed {seed} \| ([+-]\d\.\d\d) \| [\d.]+ \| (\d+\.\d) \|", tables))
    assert table == (g0, c0, g1, c1), "the ablation compares with the table's two L1 rows"
    images, epochs = found(r"a small comparison: ([\d,]+) training images, (\d+) epoch", printed)
    assert max(float(n0), float(n1)) < min(c0, c1), "'with both seeds'"
    assert 0.4 < (float(n0) + float(n1)) / (c0 + c1) < 0.6, "'about half as much color'"
    assert "Colorfulness without skips:" not in markdown, "the box no longer repeats the line"
    assert (images, epochs) == ("1,500", "2") and "a tenth of section 3's training" in markdown
    assert ("Without its skips, the UNet paints about **half as much color**, yet its gain over "
            "gray moves less than two seeds of one model differ (each seed's numbers: Going deeper "
            "G).") in " ".join(markdown.split())
    cf_cut, cf_whole, gn_cut, gn_whole, spread = map(float, found(
        r"without skips, mean of seeds 0, 1: colorfulness (\d+\.\d) against (\d+\.\d) with "
        r"skips; gain over gray ([+-]\d\.\d\d) against ([+-]\d\.\d\d) dB, while two seeds of "
        r"one model differ by up to (\d\.\d\d) dB\n", printed))
    assert abs(cf_cut - (float(n0) + float(n1)) / 2) < 0.06 and abs(cf_whole - (c0 + c1) / 2) < 0.06
    assert abs(gn_cut - (n_g0 + n_g1) / 2) < 0.006 and abs(gn_whole - (g0 + g1) / 2) < 0.006
    assert abs(spread - max(abs(g0 - g1), abs(n_g0 - n_g1))) < 0.011, "the printed seed gap"
    assert 0.4 < cf_cut / cf_whole < 0.6, "'about half as much color' (the main-path line)"
    assert abs(gn_cut - gn_whole) < spread, "'its gain moves less than two seeds differ'"
    main = markdown.split("## Going deeper (optional)")[0]
    assert "L1 with skips, seed(s)" not in main and "seed by seed" not in main
    deeper_g = markdown.split("### G. ")[1]
    assert ("First, each seed's numbers with and without skips, and the eight validation images of "
            "F, colorized by the two L1 UNets of seed 0. The row without skips is visibly grayer, "
            "as its colorfulness says, and one cat (seventh column) gets a magenta checkerboard."
            ) in " ".join(deeper_g.split())
    assert float(n0) < 0.6 * c0, "'visibly grayer, as its colorfulness says' (seed 0, the figure's)"
    assert "only a little paler" not in markdown
    assert "### G. The b channel with and without skips, and the checkerboard" in markdown
    assert "untested here" not in markdown.split("### 8b. The skips")[1].split(
        "## 9.")[0], "one caveat for the paler color"
    # 'The idea' promises what section 8 shows, and section 8's top says why the skips are there
    assert ("section 8 asks what they add when the true L already supplies the detail."
            ) in " ".join(markdown.split()), "a question, not a result"
    assert "so it gets the fine detail back" not in markdown
    assert "(Going deeper explains it)" not in markdown, "Going deeper shows a frog, not the cat"
    for with_, without in ((d0, n_d0), (d1, n_d1)):
        assert abs(without - with_) < 0.1 * 2.3, \
            "'$\\Delta E$ barely moves' (both seeds): under a tenth of a just noticeable 2.3"
    assert "gets a little worse" not in markdown, "seed 1's change is below the seed gap"
    assert "so both central values are dull. At this budget the skips buy color, not score." in \
        " ".join(markdown.split()), "section 8's one key idea"
    assert "full-resolution features" not in markdown, "only the top skip is at full resolution"
    assert "Without its skips, a UNet paints about half the color at about the same score." in \
        markdown, "the Summary"
    kind, b_with, b_without, b_true = found(
        r"the most colorful of eight validation images, a (\w+): mean predicted b / 110 with "
        r"skips ([+-]\d\.\d{3}), without ([+-]\d\.\d{3}), true ([+-]\d\.\d{3})", printed)
    assert 0 < float(b_without) < float(b_with) < float(b_true)
    assert ("In the upper row, both predicted b maps are pale, paler still without skips."
            in markdown)
    s_with, s_without, s_true = found(r"its spread over the image \(standard deviation of b / 110 "
                                      r"across pixels\): with skips (\d\.\d{3}), without "
                                      r"(\d\.\d{3}), true (\d\.\d{3})", printed)
    assert float(s_with) < 0.2 * float(s_true), "'both predicted b maps are nearly flat'"
    assert float(s_without) < float(s_with), "'flatter still'"
    assert "upper row, without skips: nearly flat, see the lower row" in code_with(
        nbformat.read(NOTEBOOK, as_version=4), "def checkerboard_share"), "the figure's caption"
    assert f"The image is a {kind}, hard to make out at 32 px; L shows its light and dark parts." \
        in markdown
    assert ("Both predicted b maps are nearly flat next to the truth. The standard deviation of "
            f"b / 110 over the image is {s_with} with skips, {s_true} in the truth."
            ) in " ".join(markdown.split())
    c_with, c_without = found(r"share of its variance \(spread squared\) in a pattern repeating "
                              r"every 2 x 2 pixels: with skips (\d+)%, without (\d+)%", printed)
    assert int(c_without) >= 25 and int(c_without) > 5 * max(int(c_with), 1), \
        "the checkerboard is the no-skip map's, not the one with skips"
    assert ("The checkerboard likely comes from the 2x2 transposed convolution, whose patches do "
            "not overlap (section 2). Both models have the same transposed convolutions, but with "
            "skips each decoder block also reads the encoder's features at its own resolution, "
            "which pass through no transposed convolution and carry no 2 x 2 pattern.") in markdown
    assert "class NoSkipUNet(SketchUNet):" in code_with(nbformat.read(NOTEBOOK, as_version=4),
                                                        "class NoSkipUNet"), "the same layers"
    assert (f"Without skips, {c_without}% of the map's variance is a pattern that repeats every "
            "2 x 2 pixels, inside a frame along the border") in " ".join(markdown.split())
    up = UNet(1, 2, base=16, depth=3).ups[0]   # the run's model
    assert up.kernel_size == up.stride == (2, 2), \
        "'the 2 x 2 transposed convolution ... Its taps do not overlap'"
    assert ("probably the marks of the 2 x 2 transposed convolution and of zero padding at the "
            "edge.") in " ".join(markdown.split())
    assert ("The transposed convolution's taps do not overlap, so each of the four pixels in a "
            "2 x 2 output block has its own tap, and any difference between the taps repeats "
            "every 2 pixels. Odena et al. (2016) mention this no-overlap case beside their main "
            "one, uneven overlap."
            ) in " ".join(markdown.split())
    assert "whose taps do not overlap (Odena et al. 2016)" not in " ".join(markdown.split())
    assert "That pattern sits on a nearly constant pale tint" not in markdown
    assert "all the decoder knows passes through the 4 x 4 bottleneck" in markdown
    assert "The black line marks where the true b crosses its mean." in markdown
    assert "`NoSkipUNet` is `SketchUNet` with zeros in place of each skip." in markdown
    assert "### 8a. The loss" in markdown and "### 8b. The skips" in markdown, \
        "section 8's two questions, each under its own heading"
    assert "The output keeps L and its detail." not in markdown
    assert "UNet(base=16, depth=3)" in printed


def test_your_model_on_the_eight_images(committed):
    """Section 4's new row of your model's colors: the largest gain of the eight, and its image."""
    markdown, printed, _ = committed
    (kinds,) = found(r"the eight images: +([\w, ]+)\n", printed)
    (gain,) = found(r"gain of the model \(dB\): +([\d., +-]+)\n", printed)
    kinds, gain = kinds.split(", "), gain.split(", ")
    assert len(kinds) == len(gain) == 8
    best = max(range(8), key=lambda i: float(gain[i]))
    assert kinds[best] == "deer" and "dog" in kinds, "'the grass under the dog and the deer'"
    assert f"Still, its largest gain of the eight is on the {kinds[best]}" in markdown
    assert "**Your model paints a faint olive-brown almost everywhere**" in markdown
    # section 4's definition: a gain of 3 dB halves the squared error
    assert abs(10 * torch.log10(torch.tensor(2.0)).item() - 3) < 0.02
    assert "3 dB halves the squared error" in " ".join(markdown.split())


def test_what_section_8_shows(committed):
    """The paragraph closing section 8, under the scatter of every model it trained."""
    markdown, printed, tables = committed
    rows = comparison_rows(tables, printed)
    gains = {k: float(c[1]) for k, c in rows.items()}
    colorful = {k: float(c[5]) for k, c in rows.items()}
    cut = found(r"L1 without skips, seed\(s\) 0, 1: gain over gray ([+-]\d\.\d\d), "
                r"([+-]\d\.\d\d) dB; mean Delta E [\d.]+, [\d.]+; colorfulness (\d+\.\d), "
                r"(\d+\.\d)\n", printed)
    all_gains = list(gains.values()) + [float(g) for g in cut[:2]]
    all_colorful = list(colorful.values()) + [float(c) for c in cut[2:]]
    mse = [k for k in rows if k[0] == "mse"]
    assert min(colorful[k] for k in mse) > max(c for k, c in colorful.items() if k[0] != "mse")
    assert min(colorful[k] for k in mse) > max(float(c) for c in cut[2:]), "'the most color'"
    assert max(gains[k] for k in mse) < min(g for k, g in gains.items() if k[0] != "mse")
    assert max(gains[k] for k in mse) < min(float(g) for g in cut[:2]), "'gains the least'"
    (truth,) = found(r"colorfulness \(truth (\d+\.\d)\) \|", tables)   # the validation set's
    assert max(all_colorful) < 0.5 * float(truth), "'every model stays far below the truth'"
    assert len(all_gains) == 7
    assert ("All of section 8's UNets at a glance: every model stays far left of the truth's "
            "colorfulness (dotted).") in " ".join(markdown.split())
    assert "The fix is not another regression loss" not in markdown, "the Summary points to 05"
    plot = code_with(nbformat.read(NOTEBOOK, as_version=4), "# Section 8 at a glance")
    assert 'ax.axvline(truth_cf, color="black", ls=":"' in plot and \
        'truth_cf = shown_runs[0][1]["truth_colorfulness"]' in plot, "the dotted line: the truth"
    assert "ax.set_xlim(-1, 1.1 * truth_cf)" in plot, "the dotted line lies on the plot"
    assert "the truth's colorfulness: " in plot, "the title gives the truth's value"
    assert "label_points" not in plot and "seed {seed}" not in plot, \
        "no seed label that could sit beside another group's marker: the legend names the groups"
    assert "**What section 8 shows.**" not in markdown


def test_the_figure_pointers_of_session_20(committed):
    """The sentences that point into figures: the first figure's 'already gray' label, the rows of
    the eight-image figures, and the frog's checkerboard against the cat's."""
    markdown, printed, _ = committed
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # the first figure marks an image 'already gray' when its mean chroma is below 2
    first = code_with(nb, 'pretrained.load("cifar10-l1-unet")')
    assert '("\\n(already gray)" if c < 2 else "")' in first
    assert "mean chroma < 2" in printed, "evaluate's cut-off for the already-gray images"
    (kinds,) = found(r"the eight images: +([\w, ]+)\n", printed)
    (gray,) = found(r"PSNR of gray \(dB\): +([\d., ]+)\n", printed)
    exact = [k for k, g in zip(kinds.split(", "), gray.split(", ")) if float(g) == 100.0]
    assert exact == ["airplane"], "the one already-gray image of the first figure is the airplane"
    assert ("The airplane is marked *already gray*: its mean [chroma](../docs/glossary.md#chroma), "
            "the distance from gray, is below 2.") in markdown
    # the middle row of section 4's figure is your model, the truth under it
    assert '{"gray input": gray8, "your model": colored, "truth": truth}' in code_with(
        nb, "# Your model's colors on the eight images")
    assert ("Compare the middle row with the truth under it. **Your model paints a faint "
            "olive-brown almost everywhere**") in markdown
    best = code_with(nb, "ranked = result.ranked()")
    assert best.index('"predicted"') < best.index('"truth"')
    assert "Compare each predicted row with the truth under it." in markdown
    # the frog's checkerboard is in b; the cat's is magenta, which the toys put on +a
    assert "magenta (a = +40), with b = 0" in code_with(nb, "# Two toys")
    assert ("The cat above shows the same kind of pattern in magenta, which lies mostly along "
            "a; this frog shows it in b.") in " ".join(markdown.split())


def test_the_idea_says_what_moves_l(committed):
    """'The idea' and the Summary: the true L comes back, up to rounding (fit_to_gamut keeps L),
    which section 10 measures (a little, not zero)."""
    markdown, printed, _ = committed
    assert "and every lightness edge stays sharp" not in markdown, "not absolute: rounding moves L"
    assert ("and the lightness edges stay sharp. In section 10's `colorize`, only rounding to "
            "8-bit RGB moves L, slightly: colors the screen cannot show turn grayer at the same "
            "L, not clipped.") in " ".join(markdown.split())
    # scoped to colorize: sections 1 to 9 build RGB with lab_to_rgb, which clips by default
    import inspect

    from colorlab.color import lab_to_rgb
    assert inspect.signature(lab_to_rgb).parameters["clip"].default is True
    code = code_with(nbformat.read(NOTEBOOK, as_version=4), "def sketch_colorize")
    assert "fit_to_gamut(" in code and "clamp" not in code, "grayer, not clipped"
    from colorlab.colorizer import fit_to_gamut
    lab = torch.tensor([[50.0, 50.0], [120.0, 0.0], [-90.0, 10.0]]).view(3, 1, 2)   # out of gamut
    assert torch.equal(fit_to_gamut(lab)[0], lab[0]), "'at the same L'"
    kept = found(r"in Lab L units \(0 to 100\), per photo: (\d\.\d{3}), (\d\.\d{3})", printed)
    assert 0 < min(map(float, kept)) and max(map(float, kept)) < 0.1, "'a little', not zero"
    assert ("Predicting only ab and reusing the **true** L keeps the brightness and the lightness "
            "edges, even on a full-resolution photo (L moves by under 0.1 units).") in markdown


def test_section_8s_key_idea_agrees_with_toy_two(committed):
    """The key idea no longer says every regression answer is dull: toy two's L1 paints the full
    green; real colors at one lightness peak near gray, which is why the answer is dull."""
    markdown, printed, _ = committed
    assert ("**Key idea:** a regression loss paints one central value of a pixel's plausible "
            "colors, the median (L1) or the mean (MSE). Real colors at one lightness peak near "
            "gray, so both central values are dull.") in " ".join(markdown.split())
    assert "Only a clear majority color makes that value bold" not in markdown, "MSE's stays pale"
    assert "a compromise is dull" not in markdown, "toy two's L1 paints the full green"
    (l1_a,) = found(r"toy two, green 60%: MSE predicts a = [+-]\d+ \(the mean\), L1 a = ([+-]\d+) "
                    r"\(the median\)", printed)
    assert int(l1_a) == -40, "'A clear majority makes L1's median bold'"
    (mse_a,) = found(r"toy two, green 60%: MSE predicts a = ([+-]\d+) \(the mean\)", printed)
    assert abs(int(mse_a)) < abs(int(l1_a)) / 4, "'not MSE's mean': nearly gray"
    (peak,) = found(r"its tallest bar: b from ([+-]\d+) to", printed)
    assert abs(int(peak)) <= 4, "'peak near gray': b's tallest bar"
    (within_a,) = found(r"a below -5 \(green\): \d+%; within ±5: (\d+)%", printed)
    assert int(within_a) > 50, "'peak near gray': most of a within ±5"


def test_going_deeper_holds_the_side_measurements(committed):
    """The side measurements wait in Going deeper, under headings A to H in the lecture's order;
    the main path points at them where a learner would look."""
    markdown = committed[0]
    main, deeper = markdown.split("## Going deeper (optional)")
    deeper = deeper.split("## References")[0]
    assert re.findall(r"### ([A-Z])\. ", deeper) == list("ABCDEFGH")
    for pointer in ("Some maps have straight-edged patches (Going deeper, A).",
                    "Going deeper B counts each block's parameters and arithmetic.",
                    "Going deeper, D, defines every metric",
                    "Both seeds give the same order (Going deeper, F).",
                    "(each seed's numbers: Going deeper G)",
                    "Going deeper H shows which working size to use."):
        assert pointer in " ".join(main.split()), pointer
    assert "### Check your understanding" not in deeper and "## Summary" in main
    nb = nbformat.read(NOTEBOOK, as_version=4)
    (summary,) = [i for i, c in enumerate(nb.cells) if c.source.startswith("## Summary")]
    (gd,) = [i for i, c in enumerate(nb.cells) if c.source.startswith("## Going deeper")]
    later = "\n".join(c.source for c in nb.cells[gd:] if c.cell_type == "code")
    main_code = "\n".join(c.source for c in nb.cells[:summary] if c.cell_type == "code")
    assert "# Section 8 at a glance" in main_code, "fig_92 is section 8's one summary figure"
    for name in ("# The same eight validation images, colorized by the UNet of each loss",
                 "# F's eight validation images, colorized by the two L1 UNets"):
        assert name in later and name not in main_code, f"{name}: the grids wait in Going deeper"
    for name in ("def paired_gap", "n_low = ", "pooled = ", "apart = result.already_gray",
                 "def block_counts", "slice_b = {}"):
        assert name in later, f"{name}: a side measurement, in Going deeper"
        assert name not in "\n".join(c.source for c in nb.cells[:summary] if c.cell_type == "code")


def test_which_optimum_the_trained_models_follow(committed):
    """Going deeper F measures where each trained model lands on section 8a's L 70-71 slice:
    the L1 models near the slice's mean, not its median; MSE further out. Section 8a answers
    'why is MSE bolder here?' from the slice's own mean and median."""
    markdown, printed, _ = committed
    mean, median = found(r"b on the [\d,]+ training pixels with L from 70 to 71: truth mean "
                         r"([+-]\d+\.\d), median ([+-]\d+\.\d)\n", printed)
    assert (mean, median) == found(r"pixels with L from 70 to 71: a mean [+-]\d+\.\d, median "
                                   r"[+-]\d+\.\d; b mean ([+-]\d+\.\d), median ([+-]\d+\.\d)\n",
                                   printed), "the same slice as section 8a's figure"
    (line,) = found(r"mean predicted b there: (.*)\n", printed)
    b = {(loss, seed): float(v) for loss, seed, v in
         re.findall(r"(l1|mse|l1_ssim), seed (\d) ([+-]\d+\.\d)", line)}
    (away,) = found(r"each model's b minus the truth's mean / median: (.*)\n", printed)
    for loss, seed, to_mean, to_median in re.findall(
            r"(l1|mse|l1_ssim), seed (\d) ([+-]\d+\.\d) / ([+-]\d+\.\d)", away):
        assert abs(b[(loss, seed)] - float(mean) - float(to_mean)) < 0.11
        assert abs(b[(loss, seed)] - float(median) - float(to_median)) < 0.11
    l1, mse = [b[("l1", s)] for s in "01"], [b[("mse", s)] for s in "01"]
    assert min(mse) > max(l1), "'Both MSE models land further out than both L1 models'"
    mse_spread, gap0 = abs(mse[0] - mse[1]), mse[0] - l1[0]
    assert 0.6 * gap0 < mse_spread, "'their own two seeds differ almost as much'"
    assert (f"but their own two seeds differ almost as much ({mse_spread:.1f}, against a gap of "
            f"{gap0:.1f} at seed 0).") in " ".join(markdown.split())
    assert all(abs(v - float(mean)) < abs(v - float(median)) for v in l1), \
        "'The L1 models land near the slice's mean, not its median'"
    assert all(v > float(mean) for v in mse)
    assert ("The L1 models land near the slice's mean, not its median. Both MSE models land "
            "further out than both L1 models,") in " ".join(markdown.split())
    assert "by more than their two seeds differ" not in markdown, "barely true at seed 0 (r95)"
    assert float(mean) > float(median) > 0, "'its mean ... further from gray than its median'"
    assert ("Their b has a longer yellow tail, so its mean lies further from gray than its "
            "median: the long-tail case, where MSE is bolder.") in " ".join(markdown.split())
    main = markdown.split("## Going deeper (optional)")[0]
    assert "mean predicted b" not in main and "Neither lands on" not in markdown
    code = code_with(nbformat.read(NOTEBOOK, as_version=4), "slice_b = {}")
    assert "predict_ab(net, L_train)" in code and "one_L" in code, "the slice's own pixels"


def test_the_best_and_worst_figures_say_where_the_notes_sit(committed):
    """compare_rows draws each note as its column's title, above the images."""
    code = code_with(nbformat.read(NOTEBOOK, as_version=4), "ranked = result.ranked()")
    assert "(above each: PSNR of gray" in code and "under each" not in code


def test_the_cup_stays_pale(committed):
    markdown, printed, _ = committed
    cat, them_cat, cat_true, cup, them_cup, cup_true = found(
        r"mean chroma \(Lab units, 0 = gray\), colorized by your model / by the pretrained one / "
        r"original: chelsea (\d+\.\d) / (\d+\.\d) / (\d+\.\d); coffee (\d+\.\d) / (\d+\.\d) / "
        r"(\d+\.\d)\n", printed)
    assert float(them_cup) > float(cup), "'gives the coffee more color'"
    assert float(them_cat) < float(cat), "'On the cat it paints less color'"
    assert (f"The pretrained model gives the coffee more color (mean chroma {them_cup}), much of "
            f"it wrong: a green blotch on the table and a bluish saucer. On the cat it paints less "
            f"color ({them_cat}), yet a green patch on the forehead and blue beside it."
            ) in " ".join(markdown.split())
    assert "dares more color" not in markdown, "not on the cat: its mean chroma is lower"
    assert "photo_chroma(theirs_colorized)" in code_with(
        nbformat.read(NOTEBOOK, as_version=4), "chroma_of[name] = ("), "the pretrained's chroma"
    assert float(cup) < 0.25 * float(cup_true), "'the whole coffee photo pale'"
    code = code_with(nbformat.read(NOTEBOOK, as_version=4), "chroma_of[name] = (")
    assert "[1:].norm(dim=0).mean()" in code and "photo_chroma(colorized)" in code, \
        "the mean over every pixel: the whole photo"
    assert float(cat) < float(cat_true)
    assert (f"and the whole coffee photo pale: mean chroma {cup}, against {cup_true} in the "
            "original.") in " ".join(markdown.split())
    assert "leaves the cup pale" not in markdown, "the chroma is the whole photo's, not the cup's"
    assert "mean a (green - / red +)" not in printed, "the unused mean-a line is gone"


def test_the_idea_says_what_the_bottleneck_sees(committed):
    """'its encoder shrinks the image until each bottleneck feature sees all of it': the receptive
    field of every bottleneck position, counted from quick mode's UNet, covers the 32 x 32 input."""
    markdown = committed[0]
    assert ("its encoder shrinks the image until each bottleneck feature sees all of it, to guess "
            "grass or sky,") in " ".join(markdown.split())
    unet = UNet(1, 2, base=16, depth=3)
    assert isinstance(unet.pool, torch.nn.MaxPool2d) and unet.pool.kernel_size == 2
    field, step = 1, 1                       # receptive field and stride, in input pixels
    for block in unet.encoders:
        for conv in block.modules():
            if isinstance(conv, torch.nn.Conv2d):
                field += (conv.kernel_size[0] - 1) * step
        field, step = field + step, 2 * step  # 2 x 2 max-pooling
    for conv in unet.bottleneck.modules():
        if isinstance(conv, torch.nn.Conv2d):
            field += (conv.kernel_size[0] - 1) * step
    for p in range(32 // step):              # every bottleneck position, one axis
        centre = p * step + (step - 1) / 2
        assert centre - (field - 1) / 2 <= 0 and centre + (field - 1) / 2 >= 31, (p, field)


def test_section_8_opens_with_its_roadmap_and_c_hedges_batchnorm(committed):
    markdown = committed[0]
    # cell 52 trains L1 and MSE at two seeds and L1 + SSIM at one; cell 56 two no-skip UNets
    assert ("Two toys and real pixels show what a loss makes a network paint. Then we train small "
            "UNets per loss, and without skips, each at two seeds (L1 + SSIM at one).") in \
        " ".join(markdown.split())
    code = "\n".join(c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
                     if c.cell_type == "code")
    assert '("l1_ssim", SEED)]' in code and "mean of seeds 0, 1" in committed[1]
    assert ("We train a UNet per loss: L1 and MSE at seeds 0 and 1, and L1 + SSIM (L1 plus a "
            "structure term) at seed 0") in " ".join(markdown.split())
    assert "8a: toys" not in markdown, "a sentence, not a roadmap in shorthand"
    order = ["Two toys and real pixels", "### 8a. The loss", "The two toys below",
             "every training pixel with L from 70 to 71", "### L1 against MSE, trained",
             "### 8b. The skips"]
    where = [" ".join(markdown.split()).index(part) for part in order]
    assert where == sorted(where), "the roadmap's order is the section's"
    assert ("BatchNorm may add to it (in training it normalizes with each batch's own statistics); "
            "nothing in this run measures how much.") in " ".join(markdown.split())
    assert "noisier statistics" not in markdown, "a mechanism, not a measurement"


def test_the_colorbars_and_the_loss_figure():
    """fig_09's a and b colorbars carry arrows (values reach beyond their scales); section 8a draws
    the same eight validation images colorized by each loss, and 8b reuses them."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = code_with(nb, 'cmaps = {"a": LinearSegmentedColormap')
    assert 'ticks=[-lim, 0, lim], extend="both")' in code
    lo, hi, _ = finder("04")(r"ab in \[(-\d\.\d\d), (\d\.\d\d)\]; (\d+)% of the ab values",
                             read(NOTEBOOK)[2])
    assert min(-float(lo), float(hi)) > 0.3, "values beyond both ends of the b scale"
    figure = code_with(nb, "# The same eight validation images, colorized by the UNet of each loss")
    for row in ('"L1": colorized_by(nets[f"l1, seed {SEED}"])',
                '"MSE": colorized_by(nets[f"mse, seed {SEED}"])',
                '"L1 + SSIM": colorized_by(nets[f"l1_ssim, seed {SEED}"])'):
        assert row in figure
    skips = code_with(nb, "# F's eight validation images, colorized by the two L1 UNets")
    assert "eight = " not in skips and "colorized_by(with_skips)" in skips


def test_visible_code_names_what_it_uses():
    """Every name visible code uses is defined in visible code or named where it comes from."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    header = code_with(nb, "run = start(MODE, DATASET")
    assert header.startswith("# Imports (colorlab: lab_tensors, evaluate, viz, mean_chroma, "
                             "grayscale, ...); the data, loaded as run\n"), "its one visible line"
    assert ("The collapsed cell under the knobs imports the course library (`lab_tensors`, "
            "`evaluate`, `viz`, `mean_chroma`, `grayscale`, ...) and loads the data as `run`."
            ) in " ".join(read(NOTEBOOK)[1].split())
    hidden = lambda c: c.metadata.get("jupyter", {}).get("source_hidden", False)   # noqa: E731
    (built,) = [c for c in nb.cells if "class_rows = sorted(" in c.source]
    assert not hidden(built), "the per-class rows are built in visible code"
    assert not any(re.search(r"^\s*rows = ", c.source, re.M) for c in nb.cells
                   if c.cell_type == "code" and "class_rows" in c.source), "no rebinding of rows"
    side = code_with(nb, "n_low = ")
    assert "first = next(iter(comparison.values()))" in side and "v[" not in side
    assert "score_row(key, res): one row of section 8a's table, defined in its collapsed" in side
    sketch = code_with(nb, "class SketchUNet(nn.Module)")
    assert "UNet(1, 2, base=BASE, depth=DEPTH).eval(), SketchUNet(1, 2, base=BASE, depth=DEPTH)" \
        in sketch, "the equivalence check runs at the size this run trains"
