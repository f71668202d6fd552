"""What notebook 03's markdown says about the run committed with it, checked against that run's
printed outputs (the committed file is read, nothing is re-run)."""

import math
import re
from pathlib import Path

import pytest
import torch
from committed import code_with, finder, read
from skimage.color import xyz_tristimulus_values
from skimage.color.colorconv import xyz_from_rgb

from colorlab import bins as ab_bins
from colorlab import color, metrics, models

RGB_TO_YCBCR_0 = torch.tensor([0.299, 0.587, 0.114], dtype=torch.float64)  # BT.601 luma

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "03_lab_color_math.ipynb"


@pytest.fixture(scope="module")
def committed():
    nb, markdown, printed, _ = read(NOTEBOOK)
    return nb, markdown, printed


found = finder("03")


def a_table(printed):
    """Going deeper A's one table (s29, cold read r124 item 6): check -> (largest, tolerance), as
    printed."""
    block = printed.split("check (all passed)", 1)[1].split("\n\n", 1)[0].strip("\n")
    rows = [re.fullmatch(r"(\S.*?\S) {2,}(< 1e-9|\S+) +(\S+)", line) for line in
            block.split("\n")[1:]]
    assert all(rows), "Going deeper A's table changed: update a_table"
    return {r[1]: (r[2], r[3]) for r in rows}


def value(x):
    return 0.0 if x == "< 1e-9" else float(x)


def test_the_time_line_is_the_committed_run(committed):
    _, markdown, printed = committed
    # the run time summary() prints under the Summary line, which a reader can see
    (seconds,) = found(r"(?m)^Summary: .*\nRun time: (\d+) s from start\(\) to this line\.$",
                       printed)
    assert "mode: quick" in printed and "data: CIFAR-10" in printed
    tests = found(r"/ ([\d,]+) test images \| seed", printed)[0]
    assert "precision:" not in printed.split("\n", 1)[0], "start(..., trains=False): no precision"
    (device,) = found(r"^mode: quick \| device: (CPU \([^|]+\)) \| ", printed.strip())
    assert (f"the committed run (quick mode, {tests} CIFAR-10 test images) took {seconds} s on "
            f"{device}, printed under the `Summary:` line.") in " ".join(markdown.split()), \
        f"the Time line should say {seconds} s on {device}"
    assert int(seconds) < 300, "quick mode's budget is 5 minutes"


def test_the_data_facts_quoted_are_the_committed_run(committed):
    _, markdown, printed = committed
    assert "data: CIFAR-10" in printed  # the text says the committed run is CIFAR-10
    # s26 round 3 (cold read r114, i_03 item 1): gray and the training mean ab, one table
    (kept,) = found(r"L kept, on the other ([\d,]+) test images \(quick mode\):\n", printed)
    psnr, median, ssim = found(r"\ngray, ab = 0: the course's baseline +(\d+\.\d\d) +(\d+\.\d\d) "
                               r"+(0\.\d{4})\n", printed)
    # r103 code ask: the long line split into three
    already, total, on_median, _, _, mean_all = found(
        r"(\d+) of ([\d,]+) test images are already gray \(mean chroma < 2\)\n"
        r"gray's PSNR on them: median (\d+\.\d) dB, from (\d+\.\d) to (\d+\.\d) dB\n"
        r"counting them too, gray's mean PSNR would be (\d+\.\d\d) dB\n", printed)
    assert float(on_median) > 60 and float(mean_all) > float(psnr), \
        "the text says: gray is nearly exact on most of them (so the bar leaves them out)"
    # s34 round 11 (cold read r135, unbacked "nearly exact"): the median and the lowest, printed
    low = found(r"gray's PSNR on them: median [\d.]+ dB, from (\d+\.\d) to", printed)[0]
    assert float(low) < 60 < float(on_median), "the text: nearly exact on most, not on all"
    assert (f"Gray is nearly exact on most of them (median {on_median} dB), so the bar leaves them "
            f"out. It is not exact on all of them, though, and the lowest scores {low} dB."
            ) in " ".join(markdown.split())
    # ed24b (cold read r105): the pointer to colorlab.metrics.evaluate was cut (not shown here)
    assert "colorlab.metrics.evaluate" not in markdown
    # the top of the printed range is psnr's cap: the squared error is clamped at 1e-10
    top = found(r"gray's PSNR on them: median [\d.]+ dB, from [\d.]+ to (\d+\.\d) dB", printed)[0]
    code = code_with(committed[0], "def psnr")
    assert top == "100.0" and "mse.clamp_min(1e-10)" in code and 10 * math.log10(1e10) == 100
    assert (f"The printed {top} dB is `psnr`'s cap, for an error of about zero."
            in " ".join(markdown.split()))
    # s23: the coarse-ab side measurement (and its JPEG 4:2:0 sentence) was cut
    assert "Color can be stored coarsely" not in markdown and "def coarse(" not in " ".join(
        c.source for c in committed[0].cells if c.cell_type == "code")
    # s29 (cold read r124, item 5): one block of four of the first eight test images, evenly
    # spaced in chroma rank, grayest first; the printout lists them as the figure shows them
    row = printed.split("shown, grayest first (class, mean chroma, gray's PSNR): ",
                        1)[1].split("\n")[0]
    labelled = re.findall(r"(\w+): chroma (\d+), (\d+\.\d) dB", row)
    four = [(n, int(c), float(p)) for n, c, p in labelled]
    assert len(four) == 4 and "; ".join(f"{n}: chroma {c}, {p} dB" for n, c, p in four) == row
    assert [c for _, c, _ in four] == sorted(c for _, c, _ in four), "grayest first"
    figure = code_with(committed[0], "names4 = ")
    assert "chroma8 = metrics.mean_chroma(lab[:first])" in figure
    assert "first = min(8, len(lab))" in figure
    assert ("four = chroma8.argsort()[torch.linspace(0, first - 1, 4).round().long()].tolist()"
            in figure)
    assert "for row, images in enumerate((truth, gray)):" in figure, "truth and gray only"
    assert 'axes[0, col].set_title(f"{name}\\nmean chroma {chroma8[i]:.0f}", fontsize=10)' in figure
    assert 'axes[1, col].set_xlabel(f"PSNR {gray_psnrs[i]:.1f} dB", fontsize=10)' in figure
    assert "four of the first eight test images, from the grayest to the most colorful" in figure
    assert "const" not in figure, "s29: the training mean ab is the table's only"
    text = " ".join(markdown.split())
    # the bar's paragraph reads the figure: gray costs least on the grayest of the four and most
    # on the most colorful (printed PSNRs and chromas)
    best = max(four, key=lambda e: e[2])
    worst = min(four, key=lambda e: e[2])
    assert best == four[0] and worst == four[-1], "the grayest scores best, the most colorful worst"
    # s32 (cold read r131, density): the figure shows it; the sentence names no image now
    # s32 (cold read r132, figure 9 unmentioned): the sentence says what the figure shows: from
    # left to right (the printout's order, grayest first), gray's PSNR falls at every step
    # s34 (cold read r134, telegraphic): the figure's reading and the correlation, one sentence each
    assert ("Gray costs more on more colorful photos. In the figure, PSNR falls from left to "
            "right. Over all scored test images, the rank correlation of mean chroma and gray's "
            "PSNR is") in text
    assert all(a[2] > b[2] for a, b in zip(four, four[1:])), "PSNR falls left to right"
    assert f"({best[2]} dB)" not in text and f"({worst[2]} dB)" not in text
    # ed24b: the figure's title says it; the sentence was cut (word budget)
    assert "The figure's eight images are the test set's first eight." not in text
    # r103: "the more colorful, the lower gray's PSNR" rests on all kept test images: the rank
    # (Spearman) correlation of mean chroma and gray's PSNR, computed and printed
    rho_kept, rho = found(r"rank \(Spearman\) correlation of mean chroma and gray's PSNR, over "
                          r"the ([\d,]+) test images not already gray: ([+-]\d\.\d\d)\n", printed)
    assert rho_kept == kept and float(rho) < -0.3, "the text says: the more colorful, the lower"
    rank_code = code_with(committed[0], "def ranks(x)")
    assert "chromas = metrics.mean_chroma(lab)" in rank_code
    assert ("torch.corrcoef(torch.stack([ranks(chromas[kept]), ranks(gray_psnrs[kept])]))[0, 1]"
            in rank_code)
    said = rho.replace("-", "−")
    # s25 (cold read r107): a side measurement, moved to Going deeper G with its cell
    # s27 (k_03 item 6): G's lead answers its question; the printout carries the number
    assert "Over all test images not already gray, the more colorful the photo" not in text
    # s28 round 6 (cold read r120, p_03 item 5): old E is one sentence of section 8, after the
    # eight images' figure, with its printed rho; the cell prints it right below that sentence
    assert float(rho) < -0.8
    assert "### E. A side question on section 8" not in text
    section_8 = text[text.index("## 8. How colorful"):text.index("## Going deeper")]
    assert ("Gray costs more on more colorful photos. In the figure, PSNR falls from left to "
            "right. Over all scored test images, the rank correlation of mean chroma and gray's "
            f"PSNR is {said} (printed below).") in section_8
    # s34 (cold read r134, item 5): the RMS line is read in one sentence: gray's error on the
    # median image, in levels of 255, as printed (and PSNR = -20 log10(RMS) recomputes it)
    rms, median_psnr, levels = found(r"\ngray's RMS error on \[0, 1\] RGB: (\d\.\d{3}) on the "
                                     r"median image \(PSNR (\d+\.\d\d) dB\), about (\d+) of 255 "
                                     r"levels;", printed)
    assert median_psnr == median and abs(10 ** (-float(median) / 20) - float(rms)) < 5e-4
    assert round(float(rms) * 255) == int(levels)
    # s34 round 11 (cold read r135: section 8 piles up metrics; word budget): the RMS line
    # stays printed, its reading was cut
    assert "of 255 levels (root mean square)" not in section_8
    cells = committed[0].cells
    said_at = next(i for i, c in enumerate(cells) if c.cell_type == "markdown"
                   and "the rank correlation of mean chroma" in " ".join(c.source.split()))
    assert "def ranks(x)" in cells[said_at + 1].source, "the rho cell right below the sentence"
    assert "names4 = " in cells[said_at - 1].source, "the sentence right under the figure"
    assert printed.index("shown, grayest first") < printed.index(
        "rank (Spearman) correlation") < printed.index("guess green ab")
    assert "Among these eight, the more colorful the photo" not in text
    assert "It is lowest on a deer" not in text, "the collapsed retelling of the printout is gone"
    # s29 (cold read r124, item 6): rows of Going deeper A's table
    table = a_table(printed)
    differences = [table[f"section 8's {m} vs colorlab.metrics.{m}{unit}"][0]
                   for m, unit in (("psnr", " (dB)"), ("ssim", ""))]
    assert all(value(d) < 1e-6 for d in differences), \
        "the text says: averaged as colorlab.metrics does"
    shares = [found(rf"chroma sqrt\(a² \+ b²\) < {r}: (\d+\.\d)%", printed)[0]
              for r in (10, 20, 40)]
    # s23: the b > 0 share and the mean-ab line were cut from the printout (the figure keeps
    # the mean marker, its value in the legend); r101: one sentence reads the marker
    assert "pixels with b > 0" not in printed and "mean ab over all pixels" not in printed
    assert "b < -20" not in printed
    flat8 = " ".join(markdown.split())
    section_8 = flat8[flat8.index("## 8. How colorful"):flat8.index("## Going deeper")]
    assert "leans toward yellow" not in section_8
    # s34 (cold read r134, item 5): the table's second row is introduced with the histogram's
    # marker, a little toward yellow: the printed mean b is positive and small
    mean_b = float(found(r"\ntraining mean ab \((-?\d+\.\d), (-?\d+\.\d)\) ", printed)[1])
    assert 0 < mean_b < 10, "slightly toward yellow (+b)"
    # s34 round 11 (word budget): the lean is the table's printed mean ab, not said again
    assert ("For comparison, the table's second row uses the training pixels' mean `ab` "
            "everywhere, the cyan X in the histogram.") in section_8
    assert "slightly toward yellow" not in section_8
    # s25: the sentence reading the mean marker was cut (word budget); the legend prints it
    assert "The cyan X marks the mean" not in " ".join(markdown.split())
    assert ('ax.plot(a.mean(), b.mean(), marker="X", ms=8, mfc="cyan"'
            in code_with(committed[0], "ax.hist2d("))   # r103: smaller, the core shows
    assert 'on_circle, ha="center", va="center", fontsize=9,' in code_with(committed[0],
                                                                              "ax.hist2d(")
    assert float(shares[0]) > 40, "the text says: the cloud is densest near gray"
    text = " ".join(markdown.split())
    assert ("Below, every [training](../docs/glossary.md#training-set) pixel in the ab plane. The "
            "cloud is densest near gray: three in four pixels have low chroma (below 20).") in text
    # the figure shows the lean (cold read r89): the line b = 0 and the mean ab, as printed
    hist_code = code_with(committed[0], "ax.hist2d(")
    assert 'ax.axhline(0, color="white", lw=0.8, ls=":")' in hist_code
    assert 'ax.plot(a.mean(), b.mean(), marker="X"' in hist_code
    # the squared error's pull is said beside its two-color example, not under the histogram,
    # which does not show it (s27, k_03 item 1: section 8's "why gray is hard to beat")
    assert "a squared error pulls it toward the mean of its plausible colors, which can lie" \
        not in " ".join(markdown.split())
    # s33b (cold read r133): the lead says what the demo shows, not that gray is "hard to beat"
    assert "**Why a squared error favors the mean.** Below, a pixel at" in " ".join(
        markdown.split())
    assert "hard to beat" not in " ".join(markdown.split())
    # the pull is toward each pixel's plausible colors (section 11's worked example), not
    # toward the dataset's mean ab
    assert "toward such means" not in " ".join(markdown.split())
    # the histogram's circles are the printed chroma radii, each labelled on the circle itself
    hist = code_with(committed[0], "ax.hist2d(")
    assert "shares = {r: (chroma < r)" in " ".join(
        c.source for c in committed[0].cells if c.cell_type == "code")
    assert "plt.Circle((0, 0), r," in hist and 'annotate(f"{r}", on_circle' in hist
    assert ("on_circle = (r * math.cos(math.radians(angle)), r * math.sin(math.radians(angle)))"
            in hist)
    # the title names the circles and the shares inside them, as printed (code ask of r88)
    assert 'dashed circles: chroma "' in hist
    assert "{', '.join(map(str, shares))}, holding {held}" in hist
    assert 'held = ", ".join(f"{s:.1%}" for s in shares.values())' in hist
    # empty bins show a light gray background, so the pale dense core cannot read as "none"
    assert 'ax.set_facecolor("0.85")' in hist and "(light gray: none)" in hist
    assert "white: none" not in hist
    text = " ".join(markdown.split())
    assert "Dashed circles mark chroma" not in text, "the figure's title says it"
    assert "labelled on their edges" not in text, "the labels now sit outside the circles"
    # "three in four pixels have low chroma": the printed share below chroma 20
    assert 70 < float(shares[1]) < 80
    assert "three in four pixels have low chroma (below 20)" in text
    # "nearly gray" only for the printed share below chroma 10; chroma below 20 is still a
    # color, as the frog of the four images' figure (mean chroma below 20) shows
    assert any(n == "frog" and 10 <= c < 20 for n, c, _ in four), "a frog, chroma < 20"
    assert "are nearly gray, with chroma below 10" not in text, "the printout carries it now"
    # s25: the frog sentence was cut (word budget)
    assert "Yet low chroma is still visible color" not in text
    assert "is still a visible color" not in text, "18 is the frog's mean chroma, not a pixel's"
    assert "close to gray, with chroma below 20" not in text, "chroma 20 is a visible color"
    assert "most pixels are nearly gray" not in text, "nearly gray is chroma < 10, about half"
    # the opening says the reason specific to Lab itself, without section 7's numbers (no
    # forward reference to a later result); section 7's printed red row (L, luma gray) backs it
    ((red_L, red_luma),) = re.findall(r"^red +(\d+\.\d) +(\d+\.\d) +\d+\.\d$", printed, re.M)
    assert float(red_luma) < float(red_L) - 10, "the opening says: a much darker gray"
    # s27 (cold read r115, k_03 item 1): section 7 opens on one "why Lab" argument that points
    # back to the first figure; the squared-error demo moved to section 8; YCbCr after it
    # s28 (cold read r119, o_03 item 1): section 7 shows it: a figure of blurred ab on the true
    # L against blurred RGB, then F's result with its caveat (test_section_7_shows_why_lab)
    # s29 (cold read r124, item 1): section 7 states its case first, in three claims, then the
    # evidence claim by claim (test_section_7_shows_why_lab)
    # s33 (structural round): one claim per paragraph, said plainly first; no list ahead of them
    assert ("## 7. Why colorization lives in Lab **Claim 1: Lab splits brightness from color.** A "
            "colorizer is handed `L`, with the edges and detail, and predicts only `ab`, which can "
            "be smooth.") in text
    assert "Lab's case, in three claims:" not in text
    assert "`L` alone can leave a pixel's color open" not in text
    assert "Lab has two strong reasons." not in text
    assert "Why Lab rather than JPEG's YCbCr" not in text
    assert "pure red drops from" not in text, "the numbers are section 7's to print"
    assert "splitting off color pays at all because color can be stored" not in text, \
        "said once, in the Summary"
    assert "why splitting off color pays at all" not in text, "said once, in the Summary"
    assert "Section 8 shows the reason specific to Lab." not in text, "the opening says it"
    assert "Sections 8 and 9 show two reasons" not in text, "coarse color is not Lab's own reason"
    assert "Going deeper 4 show it" not in text, "reason 3 is optional, at the end"
    assert "Sections 8 and 9 show it" not in text, "reason 3 is shown only in Going deeper 4"
    # the histogram (section 10) comes before the gray baseline (section 11), whose question
    # cites it
    histogram_at = text.index("## 8. How colorful photos are, and the bar to beat")
    assert histogram_at < text.index("**The gray baseline.**")
    # s23: section 8's second question retold the key idea: cut
    assert "Why so high?" not in text
    assert "the histogram above found" not in text, "the figure does not show the shares' text"
    assert f"gray scores PSNR {psnr} dB and SSIM {ssim}" in text
    # r101: section 8 says what the bar means for notebook 04, with the printed scores, after
    # they are printed
    # ed24b (cold read r105): the bar is this quick run's
    # s26 round 3 (cold read r114, i_03 item 1): gray is the baseline; the training mean ab beats
    # it slightly (printed side by side); notebook 04 must beat both
    (c_psnr,) = found(r"\ntraining mean ab \(-?\d+\.\d, -?\d+\.\d\) +(\d+\.\d\d) +\d+\.\d\d "
                      r"+0\.\d{4}\n", printed)
    assert 0 < float(c_psnr) - float(psnr) < 1, "the text: beats it slightly"
    # s27 (k_03 item 5): the two PSNRs are the table's; the sentence keeps the comparison
    # s31 (cold read r128, item 4): the mean ab's lean, and why SSIM barely separates the two
    bar = "The training mean `ab` beats gray only slightly."
    (c_ssim,) = found(r"\ntraining mean ab \(-?\d+\.\d, -?\d+\.\d\) +\d+\.\d\d +\d+\.\d\d "
                      r"+(0\.\d{4})\n", printed)
    # s32 (density): the mean ab and the two SSIMs are the table's, not repeated in prose
    # s32 (cold read r131, density): the lean is the table's printed mean ab, not said again
    # s33 (structural round): the SSIM aside was cut; the Summary says notebook 04 must beat both
    assert bar in text and "SSIM hardly tells the two apart" not in text
    assert f"({ssim} against {c_ssim})" not in text
    assert f"PSNR {c_psnr} against {psnr} dB" not in text
    assert text.index("**The gray baseline.**") < text.index(bar) < text.index("## Going deeper")
    assert "Gray's scores in this quick run are the bar" not in text
    assert (f"- The baseline: gray scores PSNR {psnr} dB and SSIM {ssim} on the {kept} test images "
            "not already gray. Notebook 04 must beat it and the training mean `ab`.") in text
    assert "The bar: in this quick run" not in text
    # s25 (cold read r107): the bar's PSNR as an RMS error, computed in the cell that prints it
    # s27 round 2 (cold read r116, l_03 item 4): the mean of per-image PSNRs gives a typical
    # image's RMS error, not the pooled one
    # s28 round 6 (cold read r120, p_03 item 4): the median image's RMS error (from the median
    # PSNR), and beside it the one at the mean PSNR, each named
    rms_med, said_med, levels, rms_mean, said_psnr = found(
        r"\ngray's RMS error on \[0, 1\] RGB: (0\.\d{3}) on the median image \(PSNR (\d+\.\d\d) "
        r"dB\), about (\d+) of 255 levels; (0\.\d{3}) at the mean PSNR \((\d+\.\d\d) dB\)\n",
        printed)
    assert said_psnr == psnr and said_med == median
    assert f"{10 ** (-float(psnr) / 20):.3f}" == rms_mean
    assert abs(10 ** (-float(median) / 20) - float(rms_med)) < 0.0006
    assert abs(10 ** (-float(median) / 20) * 255 - int(levels)) <= 0.5 + 0.01
    assert "rms_median, rms_mean = (10 ** (-p / 20) for p in (gray_median, gray_psnr))" in \
        code_with(committed[0], "def psnr")
    assert "a typical image is off" not in printed
    # s27 (k_03 item 5): one number, the levels; the RMS error itself is printed
    # s28 (word budget; cold read r119 called the line a side number): the sentence was cut, the
    # printed line stays
    assert f"Under gray, a typical image is off by about {levels} of 255 levels." not in text
    assert "(its printed RMS error)" not in text
    assert ("gray_psnr, gray_ssim = gray_psnrs[kept].mean().item(), gray_ssims[kept].mean().item()"
            in code_with(committed[0], "def psnr")), "the bar is a mean of per-image PSNRs"
    assert "An image at gray's PSNR has an RMS error" not in text
    # section 8 ends on the bar, the squared-error question and its key idea
    section_8 = text[text.index("## 8. How colorful"):text.index("## Going deeper")]
    assert section_8.index(bar) < section_8.index("**Key idea:** Most pixels carry little color")
    # s27 (k_03 item 1): the squared-error demo is section 8's, after the bar, before its key idea
    assert (section_8.index(bar) < section_8.index("**Why a squared error favors the mean.**")
            < section_8.index("**Key idea:** Most pixels carry little color"))
    assert "**Question.** Why can a squared error" not in text
    # s26 round 2 (cold read r113, h_03 item 4): "scores well" has a reference point now: one
    # constant color, the training pixels' mean ab, scored on the same images, printed next to gray
    mean_a, mean_b, const_psnr, const_ssim = found(
        r"\ntraining mean ab \((-?\d+\.\d), (-?\d+\.\d)\) +(\d+\.\d\d) +\d+\.\d\d +(0\.\d{4})\n",
        printed)
    assert printed.index("gray, ab = 0: the course's baseline") < printed.index(
        "training mean ab (") < printed.index("gray's RMS error on [0, 1] RGB")
    assert 0 < float(const_psnr) - float(psnr) < 1, "the text: beats it only slightly"
    assert float(const_ssim) > float(ssim), "the text: the bar is both (the mean ab is higher)"
    # s33b (cold read r133): "hard" was a forecast the run does not show; the bar is what it is
    # s34 round 11 (cold read r135, inexact): a squared error favors the mean of the plausible
    # colors (gray only when they balance around it)
    assert ("**Key idea:** Most pixels carry little color, and when unsure a squared error favors "
            "the mean of the plausible colors. So gray with the true `L` is the bar to beat."
            ) in text
    assert "a squared error favors gray" not in text
    assert "hard baseline" not in text
    assert "already scores well" not in text
    base = code_with(committed[0], "def psnr")
    assert "ab_train_mean = torch.stack([a.mean(), b.mean()]).view(1, 2, 1, 1)" in base
    assert "const_psnrs = psnr(const, truth)[kept]" in base
    assert "const_psnrs.mean().item(), ssim(const, truth)[kept].mean().item()" in base
    # the same mean ab as the histogram's X marker (its legend prints it with one decimal)
    assert 'label=f"mean ab ({a.mean().item():.1f}, {b.mean().item():.1f})")' in code_with(
        committed[0], "ax.hist2d(")
    section_7 = text[text.index("## 7. Why colorization"):text.index("## 8. How colorful")]
    # s34 (cold read r134): claim 2 points to section 8's demo once; the demo stays there
    assert section_7.count("squared error") == 1 and "(section 8 shows why)" in section_7
    assert "8,200" not in section_7, "s27: the demo is section 8's"
    assert text.count("**Why a squared error favors the mean.**") == 1
    assert "colorfulness loss" not in section_8
    assert section_8.count("rank correlation") == 1, "s28 round 6: old E's one sentence"
    assert int(kept.replace(",", "")) + int(already) == int(total.replace(",", ""))
    assert (f"scores PSNR {psnr} dB and SSIM {ssim} on the {kept} test images not already gray."
            in " ".join(markdown.split()))   # the Summary
    assert "SSIM's brightness, contrast and structure terms" not in text, \
        "the run prints only the mean SSIM, not its terms"
    text = " ".join(markdown.split())
    assert "% of training pixels have chroma below 20." not in text, "said once, in section 8"
    # the Summary says what the demo shows: unsure between colors, gray can win (s27: shorter)
    assert ("- When a colorizer is unsure, a squared error favors the mean of the plausible "
            "colors, which is gray when they balance around it.") in text
    assert "averages uncertain colors toward gray" not in text
    # cold read r114: "on opposite sides" is not enough (unequal chromas or weights: a dull color)
    assert "opposite sides of gray, as below" not in text
    assert "notebook 05 tests" not in text, "a forward reference, not shown here: cut"


def test_section_5_motivation_is_the_course_s_own():
    """Section 5 does not say the colorizers train through the conversions: the end of section 4
    says they get `L / 100` and `ab / AB_SCALE`; only a loss after lab_to_rgb would need these
    gradients, and no later notebook computes one, so the text says "would"."""
    _, markdown, _, _ = read(NOTEBOOK)
    text = " ".join(markdown.split())
    assert ("Notebooks 04 and 05 train on `ab` directly, but a loss after `lab_to_rgb` "
            "would send gradients through the whole chain.") in text
    assert "a loss after `lab_to_rgb` sends gradients" not in text
    # s30 (cold read r126, item 4): 04 regresses ab / 110 through a Tanh, 05 classifies over bins
    # s33 (structural round): notebook 04 builds L / 100 and ab / 110 itself; cut here
    assert "`normalize_lab` gives" not in text
    assert "A colorizer trains through these conversions" not in text


def test_the_printed_errors_quoted(committed):
    _, markdown, printed = committed
    text = " ".join(markdown.split())
    # s23: the sRGB -> linear -> sRGB round-trip side measurement (the threshold color) was cut
    assert "round trip sRGB -> linear -> sRGB" not in printed
    (lab64,) = found(r"my_rgb_to_lab \(float64\): max \|error\| vs scikit-image "
                     r"(\d\.\de-\d\d)", printed)
    table = a_table(printed)
    lab32 = table["my_rgb_to_lab in float32 vs scikit-image"]
    assert value(lab32[0]) < float(lab32[1]) == 1e-2, "the float32 check's tolerance"
    assert all(value(v) <= float(t) for v, t in table.values()), "every check passed"
    # Going deeper B: both gaps (sections 3 and 4, printed) come from scikit-image's 7.787
    # r103: section 3 points to that proof
    # s26 (cold read r110, g_03 item 4): one pointer to Going deeper B, in section 2
    # s26 round 2 (cold read r113, h_03 item 5): section 3's claim points to its proof, as printed
    # s30 (cold read r126, item 6): the cause is said where each gap is printed, with the row of
    # A's table that proves it; A's own note on it was cut
    # s31 (cold read r128, item 1): each 7.787 check prints right under the check it explains,
    # as its second line; Going deeper A no longer holds them
    # s33 (structural round): the 7.787 check is a row of Going deeper A; one sentence says it
    # s34 (word budget): the slope's value only, 1 / (3 delta^2) = 7.7870...
    assert ("This gap comes from scikit-image rounding the toe's slope, 7.7870..., to 7.787 "
            "(Going deeper A).") in text
    assert f"{1 / (3 * (6 / 29) ** 2):.4f}" == "7.7870"
    # s32 (cold read r131, item 2): the 7.787 check runs once (rgb -> Lab); the way back's gap
    # is said in one sentence, and the claim is checked here: with 1 / 7.787 on the inverse toe,
    # our way back matches scikit-image's lab2rgb to 1e-9
    # s32 (cold read r132, unbacked): no printed output shows the way back's cause, so the
    # sentence was cut (the check below still holds, but the notebook does not print it)
    assert "The same rounded slope explains this smaller gap." not in text
    assert "**One pixel, step by step.** Pure red, through the chain and back:" in text
    assert "def f_inverse_7787" not in " ".join(
        c.source for c in committed[0].cells if c.cell_type == "code")
    from skimage import color as skcolor
    lab = color.rgb_to_lab(torch.rand(3, 2000, 1, generator=torch.Generator().manual_seed(0),
                                      dtype=torch.float64))
    delta = 6 / 29
    fy = (lab[0] + 16) / 116
    f = torch.stack([fy + lab[1] / 500, fy, fy - lab[2] / 200])
    for slope, tol in ((7.787, 1e-9), (1 / (3 * delta**2), 1e-3)):
        xyz = torch.where(f > delta, f**3, (f - 4 / 29) / slope) * color.D65_WHITE.view(3, 1, 1)
        lin = torch.einsum("ij,jhw->ihw", torch.linalg.inv(color.RGB_TO_XYZ), xyz).clamp(0, 1)
        back = color.linear_to_srgb(lin)
        ref = torch.from_numpy(skcolor.lab2rgb(lab.movedim(0, -1).numpy())).movedim(-1, 0)
        err = (back - ref).abs().max().item()
        assert err < tol and (slope == 7.787 or err > 1e-8), (slope, err)
    assert "Sections 3 and 4 found small gaps to scikit-image." not in text
    assert "my_rgb_to_lab with toe slope 7.787 vs scikit-image" in table, (
        "the text sends the reader to Going deeper A for the 7.787 check")
    assert "7.787 * t + 4 / 29" in code_with(committed[0], "def f_7787")
    main_path = text[:text.index("## Going deeper")]
    # s34 (word budget): cell 3's pointer to A was cut; section 3's gap keeps its own
    # s34 round 11: section 2's note on scikit-image's tables points to A, which says more
    assert main_path.count("Going deeper A") == 2, "section 2's tables and section 3's gap"
    assert "the fourth decimal (printed below, Going deeper A)." in main_path
    assert "Going deeper A's table" not in text and "Going deeper A prints" not in text
    # the slope the text quotes is the course's own f's slope on its straight toe (by gradient)
    (said,) = re.findall(r"rounding the toe's slope, (\d\.\d{4})\.\.\., to 7\.787", text)
    toe = torch.full((1,), 1e-4, dtype=torch.float64, requires_grad=True)
    color._lab_f(toe).sum().backward()
    assert f"{toe.grad.item():.4f}" == said, (toe.grad, said)
    # section 2: with scikit-image's matrix, my_rgb_to_xyz agrees exactly (the text says so)
    assert "my_rgb_to_xyz: max |error| vs scikit-image < 1e-9" in printed
    assert "agrees with scikit-image exactly" not in text, "s23 round 2: one sentence says it"
    assert float(lab64) > 1e4 * 1e-9, "Lab's gap is larger than XYZ's"
    # s23 (cold read r100): section 3 names the gap's cause after its check (ed23p: section 2
    # says only why the code switches to scikit-image's matrix)
    assert "The small gap comes from" not in text
    assert "our checks see only one difference" not in text
    assert (text.index("## 3. XYZ → CIE Lab")
            < text.index("This gap comes from scikit-image rounding the toe's slope")
            < text.index("## 4. The way back") < text.index("**One pixel, step by step.**")
            < text.index("## 5. Gradients"))
    # section 4's check: a small gap to scikit-image that the same rounded slope explains
    (back,) = found(r"my_lab_to_rgb \(float64\): max \|error\| vs scikit-image (\d\.\de-\d\d)",
                    printed)
    assert 1e-9 < float(back) and 1e-9 < float(lab64), "the text says: small gaps, both ways"
    assert f"Lab matches scikit-image to {lab64}" in printed   # the Summary: line, computed
    assert f"match scikit-image to {lab64} in Lab" in markdown
    # Going deeper A: our functions compute what colorlab.color computes (printed)
    kit = [table[f"my_{w} vs colorlab.color.{w}"][0] for w in ("rgb_to_lab", "lab_to_rgb")]
    assert all(value(d) < 1e-6 for d in kit), "the text says: the same"
    # cell 3: every helper the visible code uses is named (cold read r98)
    # s33 (structural round): the two helpers the main path leans on; the rest are in the cell
    assert ("The collapsed setup cell loads the data into `run` and defines, among others: - "
            "`check(what, mine, reference, tol)`: prints the largest difference from scikit-image "
            "(`skcolor`) and stops above `tol`;") in text
    setup = code_with(committed[0], "run = start(MODE")
    assert ("from skimage import color as skcolor" in setup and "import structural_similarity"
            in setup and "from colorlab import color, metrics" in setup)
    # the main path checks the combined functions against scikit-image (my_rgb_to_xyz,
    # my_rgb_to_lab, my_lab_to_rgb), not the single steps (cold read r101); the float32 row, the
    # round trip, the kit checks and the psnr/ssim comparison print in Going deeper A
    main_checks = re.findall(r"(?m)^(my_\w+(?: with toe slope 7\.787)?)(?: \(float64\))?: max "
                             r"\|error\| vs scikit-image",
                             printed[:printed.index("L kept, on the other")])
    assert main_checks == ["my_rgb_to_xyz", "my_rgb_to_lab", "my_lab_to_rgb"], main_checks
    for step in ("my_srgb_to_linear", "my_xyz_to_lab", "my_lab_to_xyz", "my_xyz_to_rgb"):
        assert f"{step}: max |error|" not in printed, f"{step} is not checked on its own"
    after = printed.index("L kept, on the other")
    assert printed.index("check (all passed)") > after, "Going deeper A's table"
    # s29 (cold read r124, item 6): A is one table with a one-line lead; the 7.787 explanation is
    # its one piece of prose (after the table)
    assert ("### A. Verification details (sections 2–6 and 8) Every check passed. The table lists "
            "each one with its largest difference and the tolerance it had to meet (the code is "
            "collapsed).") in text
    assert "The code here is collapsed: read the printouts." not in text
    cells = committed[0].cells
    lead = next(i for i, c in enumerate(cells) if c.source.startswith("## Going deeper"))
    assert cells[lead + 1].source.startswith("# Every check of the lecture's code in one table")
    # s34 round 11: A's note on scikit-image's tables comes first, after the table
    assert cells[lead + 2].source.startswith("**scikit-image's tables (sections 2 and 3).**")
    assert "**The test images set apart (section 8).**" in cells[lead + 2].source
    assert "assert value <= tol, (" in cells[lead + 1].source, "each row is a check"
    # s28 round 6 (cold read r120, p_03 item 6): my_lab_to_rgb against scikit-image where it
    # clips: section 6's whole ab plane at pure red's L, the share out of gamut as section 6's
    plane_row = "my_lab_to_rgb vs scikit-image on section 6's ab plane"
    ((out, (err, tol)),) = [(re.fullmatch(r".*\((\d+)% clipped\)", k)[1], v)
                            for k, v in table.items() if k.startswith(plane_row)]
    (shown,) = found(r"at pure red's L = 53\.2, (\d+)% of the network's ab square", printed)
    assert int(out) + int(shown) == 100 and int(out) > 50, "mostly out of gamut"
    assert value(err) < float(tol) == 1e-3
    assert "plane = torch.stack([torch.full_like(plane_a, L_red), plane_a, plane_b])" in \
        code_with(committed[0], "# Every check of the lecture's code")
    # the float64 round trip, within 1e-4 (s29: the pieces' 3e-8 explanation cut, one table)
    trip, tol = table["round trip sRGB -> Lab -> sRGB in float64"]
    assert value(trip) < 1e-6 and float(tol) == 1e-4
    assert "where sRGB's two pieces miss each other" not in text
    assert "The main path checked the combined functions" not in text, "ed24b: cut (word budget)"
    assert "printed one check per function" not in text
    # and no stray value under a check cell (r89: a raw float under section 3's checks)
    for cell in committed[0].cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            shown = out.get("output_type") != "execute_result" or "image/png" in out.get("data", {})
            assert shown, f"a stray displayed value: {out}"


def test_the_clamps(committed):
    """Section 5: without the clamp, the gradient at black and below 0 is nan; with it, the toe's
    12.92. s33 (structural round, cold read r132 item 1): one printout and two sentences;
    clamped_at_0, its question and the decode side's lines were cut."""
    nb, markdown, printed = committed
    row = (r" +at black: value +(-?\d\.\d{3}), gradient +(\S+); at -0\.01: value +(-?\d\.\d{3}), "
           r"gradient +(\S+)\n")
    naive, mine = (found(name + row, printed) for name in ("naive_linear_to_srgb",
                                                            "my_linear_to_srgb"))
    assert (naive[1], naive[3]) == ("nan", "nan") and float(mine[1]) == float(mine[3]) == 12.92
    assert naive[0] == mine[0] and naive[2] == mine[2], "the same values: the toe's branch"
    assert "clamped_at_0" not in printed and "clamped_at_0" not in markdown
    assert "unused power branch at -0.01" not in printed
    assert "power branch, unclamped" not in printed
    # the clamp moves the unused branch to LINEAR_T, where its slope is finite: the notebook's
    # LINEAR_T, not 0 (where the power's slope is infinite)
    encode = code_with(nb, "def my_linear_to_srgb")
    assert "lin.clamp_min(LINEAR_T) ** (1 / 2.4)" in encode
    decode = code_with(nb, "def my_srgb_to_linear")
    assert "((v.clamp_min(SRGB_T) + 0.055) / 1.055) ** 2.4" in decode
    (linear_t,) = re.findall(r"^SRGB_T, LINEAR_T = [\d.]+, ([\d.e-]+)$", encode, re.M)
    t = torch.tensor(float(linear_t), dtype=torch.float64, requires_grad=True)
    (t ** (1 / 2.4)).backward()
    assert math.isfinite(t.grad.item()), f"the power's slope at LINEAR_T = {linear_t}"
    flat = " ".join(markdown.split())
    # s34 (cold read r134, item 3): both branches are computed; the unpicked one gets a zero
    # gradient, times its slope (infinite at 0, nan below), and 0 * inf and 0 * nan are nan; the
    # rule: clamp the unused branch's input into its safe range
    assert ("**Why the clamps?** Below is the encode function with and without its clamp, at black "
            "and just below.") in flat
    assert ("Both branches are computed for every input. In the backward pass, `torch.where` gives "
            "the branch it did not pick a gradient of 0. The chain rule multiplies that 0 by the "
            "branch's slope. At black the unused branch is the power, whose slope is infinite at 0 "
            "and `nan` below 0. In floating point, 0 × ∞ and 0 × `nan` are both `nan` (first "
            "line). So clamp the unused branch's input into its safe range, as "
            "`my_linear_to_srgb` does with `LINEAR_T` (second line).") in flat
    assert "toe = 12.92 * lin" in encode and "return torch.where(lin > LINEAR_T, power, toe)" in \
        encode, "both branches computed, then picked"
    zero = torch.zeros(1, dtype=torch.float64)
    assert math.isnan((zero * math.inf).item()) and math.isnan((zero * math.nan).item())
    lin = torch.tensor([0.0, -0.01], dtype=torch.float64, requires_grad=True)
    (lin ** (1 / 2.4)).sum().backward()
    assert math.isinf(lin.grad[0].item()) and math.isnan(lin.grad[1].item()), "inf at 0, nan below"
    assert printed.index("naive_linear_to_srgb ") < printed.index("my_linear_to_srgb "), \
        "the first line is the naive one (nan), the second the clamped one (12.92)"
    # s33b (cold read r133, item 3): the printout's False row is said right above it
    said = next(i for i, c in enumerate(nb.cells) if c.source.startswith("Both branches are"))
    assert nb.cells[said].source.endswith(
        "Below, only the clipped `my_lab_to_rgb` at black fails (question 1).")
    assert "def passes(fn, x)" in nb.cells[said + 1].source
    verdicts = re.findall(r"^(my_\S.*\S) +(True|False)$", "".join(
        o.get("text", "") for o in nb.cells[said + 1].outputs), re.M)
    assert [n for n, ok in verdicts if ok == "False"] == ["my_lab_to_rgb with the clip, black"]
    cells = nb.cells
    at = {key: next(i for i, c in enumerate(cells) if c.source.startswith(key)) for key in (
        "## 5. Gradients", "**Why the clamps?**", "def naive_linear_to_srgb", "def passes(fn, x)",
        "## 6. Familiar")}
    assert (at["## 5. Gradients"] < at["**Why the clamps?**"] == at["def naive_linear_to_srgb"] - 1
            == at["def passes(fn, x)"] - 3 < at["## 6. Familiar"]), "section 5, before gradcheck"
    assert cells[at["def naive_linear_to_srgb"] + 1].source.startswith(
        "Both branches are computed"), "the explanation follows the printed lines"
    section_1 = flat[flat.index("## 1. sRGB"):flat.index("## 2. Linear RGB")]
    assert "nan" not in section_1 and "section 5 shows why" not in section_1
    assert "The rule: `clamp` passes" not in flat, "s33: cut with clamped_at_0"


def test_gradcheck_black_included(committed):
    _, markdown, printed = committed
    # the cases (the code names them; s23 cut Going deeper A's case-by-case printout): black is
    # among them for each direction
    cases = code_with(committed[0], "def passes(fn, x)")
    for name in ("my_srgb_to_linear, black", "my_linear_to_srgb, black", "my_rgb_to_lab, black",
                 "my_lab_to_rgb without the clip, black", "my_lab_to_rgb, random colors",
                 "my_lab_to_rgb, dark colors"):
        assert f'"{name}": (' in cases, name
    assert "assert not failed" in cases
    assert ("as small torch functions, checked against scikit-image and with `gradcheck`."
            ) in " ".join(markdown.split())
    # section 5, question 1: with its clip, lab_to_rgb fails gradcheck at black (printed)
    # s26 round 3 (cold read r114, i_03 item 4): one row per case, the clipped one last
    table = printed.split("gradcheck case", 1)[1].split("\n")[1:9]
    table = [re.fullmatch(r"(\S.*\S) +(True|False)", r).groups() for r in table]
    assert [n for n, _ in table[:7]] == re.findall(r'^    "(my_.+)": \(', cases, re.M)
    assert table[-1] == ("my_lab_to_rgb with the clip, black", "False"), \
        "question 1 says the clipped version fails gradcheck at black"
    # s27 round 2 (cold read r116, l_03 item 3): torch.clamp passes the gradient at its boundary,
    # so autograd takes the inside slope; the central difference gets half (one entry printed)
    # s34 (cold read r134, telegraphic): the reason after "because", no semicolon
    assert ("Autograd takes the inside slope, because `torch.clamp` passes the gradient at its "
            "bound. `gradcheck`'s central difference averages it with the outside slope, 0, and "
            "gets half (last line above).") in " ".join(markdown.split())
    # s33 (structural round): the nudge prints as the last line of the gradcheck cell (one stop
    # fewer), right above the questions
    assert "# question 1, one entry" in cases and "lab_black" in cases
    cells = committed[0].cells
    nudged = next(i for i, c in enumerate(cells) if c.cell_type == "code"
                  and c.source.startswith("def passes(fn, x)"))
    assert "1. Why does `gradcheck` of `my_lab_to_rgb`, clip included, fail at black?" in \
        cells[nudged + 1].source
    assert cells[nudged + 2].source.startswith("**Key idea:** Toes and clamps")
    out = "".join(o.get("text", "") for o in cells[nudged].outputs)
    assert out.rstrip("\n").split("\n")[-1].startswith("d(red)/dL at black:"), "the last line"
    assert "autograd takes one." not in markdown
    edge = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    edge.clamp(0, 1).sum().backward()
    assert (edge.grad == 1).all(), "torch.clamp passes the gradient at its boundary"
    auto, central = (float(x) for x in found(
        r"\nd\(red\)/dL at black: autograd (\d\.\d{4}), central difference (\d\.\d{4})\n", printed))
    assert auto > 0 and abs(central - auto / 2) <= 0.0001 + 1e-9, "the answer: half"
    # the main path prints one summary line; the case-by-case list is Going deeper A's
    assert [ok for _, ok in table[:7]] == ["True"] * 7
    # s27 round 4 (cold read r117, TOP FIX 5): the lone False announced before the table
    # s28 (cold read r119, DENSITY: it gave question 1's answer away): cut
    assert "All cases pass but the last" not in markdown
    assert "`gradcheck` compares them with finite differences." in " ".join(markdown.split())
    assert "gradcheck my_srgb_to_linear" not in printed
    assert "cases passed, black included" not in printed
    assert len(re.findall(r'^    "my_.+": \(', cases, re.M)) == 7, "7 cases in the code"
    assert ("**Key idea:** Toes and clamps keep gradients finite at black; only the clip's corner "
            "there trips `gradcheck`.") in " ".join(markdown.split())
    assert "give every conversion correct gradients" not in markdown, "the clip at black fails"
    # the opening: the build is sections 1-4 (the conversions), and section 5 checks them
    assert "**What you will build.**" in markdown
    headings = re.findall(r"(?m)^## (\d+)\. ", "\n".join(c.source for c in committed[0].cells
                                                        if c.cell_type == "markdown"))
    assert headings == [str(i) for i in range(1, 9)], "sections 1 to 8, then Going deeper"
    # s27 round 2 (cold read r116, l_03 item 5): the appendix says it can be skipped
    # s28 round 6 (cold read r120, p_03 item 5): a one-line roadmap of which part backs what
    # s33 (structural round): old D and F (repeats of claims 3 and 2) were cut; E is D now
    assert ("## Going deeper (optional) On a first pass, skip to the Summary. A checks the code of "
            "sections 2–6 and 8, B and C back section 6, and D extends section 5. ### A."
            ) in " ".join(markdown.split())
    assert markdown.index("## Going deeper (optional)") < markdown.index("## Summary")
    assert "## 4. The way back" in markdown and "## 5. Gradients: `gradcheck`" in markdown
    assert markdown.index("## 4. The way back") < markdown.index("## 5. Gradients")
    # the part the opening calls optional is marked so where it starts; the explorer is the
    # end of section 6 (no section of its own); normalize_lab closes section 4, where the
    # conversions are complete, so the lecture ends on why Lab (7) and the bar to beat (8)
    flat = " ".join(markdown.split())
    # the explorer is Going deeper D now; section 6 points to it in one line
    assert "## 6. Familiar colors, and colors a screen cannot show" in markdown
    assert "## 7. Explorer" not in markdown
    assert flat.index("## Going deeper") < flat.index("### C. The ab plane at five lightnesses")
    assert "(Going deeper D: five lightnesses)." not in flat, "ed23p: the pointer was cut"
    assert "show_explorer(ab_explorer, live=run.live)" in code_with(committed[0], "def ab_explorer")
    # what the networks get follows why colorization lives in Lab (r93); s25 round 3 (cold read
    # r109): section 7 ends on its key idea, after what the networks get (the code cell stays)
    # s31 (cold read r128, item 5): it closes section 6, after the network's ab square, so
    # section 7 runs from claim 3 to its key idea
    assert (flat.index("## 6. Familiar colors") < flat.index("**The network's ab square.**")
        < flat.index("**Key idea:** At each `L` a screen shows")
        < flat.index("## 7. Why colorization lives in Lab")
        < flat.index("**Key idea:** Lab hands a colorizer") < flat.index("## 8. How colorful"))
    assert flat.index("the **luma gray** (`Cb` = `Cr` = 0), is too dark") < flat.index(
        "**Key idea:** Lab hands a")
    assert "**What the networks get.**" not in flat, "its own heading now (r99)"
    assert "## 9." not in flat, "What the networks get is the end of section 7 now"
    assert "**5. What the networks get.**" not in flat, "no longer optional"
    # every numbered section ends with its one-line key idea, before the next section starts
    sections = re.split(r"(?m)^## ", "\n\n".join(c.source for c in committed[0].cells
                                                 if c.cell_type == "markdown"))
    numbered = [s for s in sections if re.match(r"\d+\. ", s)]
    assert len(numbered) == 8 and all(s.count("**Key idea:**") == 1 for s in numbered), \
        "one **Key idea:** line per numbered section"
    # (section 6 too: its key idea comes after "### What the networks get", s31)
    ends = [s.rstrip() for s in numbered]
    assert all(s.split("\n")[-1].startswith("**Key idea:**") or
               s.rsplit("\n\n", 1)[-1].startswith("**Key idea:**") for s in ends), \
        "the key idea closes its section"
    assert sum("\n### What the networks get" in s for s in numbered) == 0, "s33: merged"
    # section 4's end: AB_SCALE = 110 is above the largest |a| or |b| over the sRGB cube (printed)
    (cube_line,) = found(r"over the sRGB cube: ([^\n]+)\n", printed)
    ranges = {name: (float(lo), float(hi)) for name, lo, hi in re.findall(
        r"([Lab]) in \[(-?\d+\.\d\d), (-?\d+\.\d\d)\]", cube_line)}
    assert set(ranges) == {"L", "a", "b"}, "section 4's ranges are gone: re-run 03"
    largest = max(abs(v) for name in "ab" for v in ranges[name])
    assert largest < color.AB_SCALE == 110
    # s30 (cold read r126, item 4): the Tanh is notebook 04's; s31: notebook 05's bins are said
    # once, with the network's ab square just above
    # s32 (cold read r129, item 4): notebook 05's bins are a forward note here, at the end
    # s32 (cold read r131, item 6 and unbacked): the part's point said first, in bold; the Tanh
    # is a forward note, said once ("will"), and 05's bins were cut (density)
    # s33 (structural round): the square and the gamut in one paragraph; normalize_lab and the
    # Tanh are notebook 04's to say
    assert ("**The network's ab square.** Notebooks 04 and 05 predict `ab` inside a fixed square, "
            "with `a` and `b` each from −110 to 110 (`AB_SCALE`).") in flat
    assert printed.index("over the sRGB cube:") < printed.index("of the network's ab square")
    assert flat.count("Tanh") == 0 and "normalize_lab:" not in printed
    assert ab_bins.GRID_LIMIT == color.AB_SCALE, "05's bin centers run from -110 to 110"
    assert "Notebook 05 multiplies `ab` back" not in flat
    assert "so the target fits a Tanh's range" not in flat
    assert ("**Key idea:** The way back inverts each step in reverse and clips what a screen "
            "cannot show.") in flat
    # the chroma's gradient at gray, nan, and with the fix, finite: section 8's question, next to
    # the squared error's pull to gray (moved out of Going deeper A, cold read r99)
    assert "gradient of sqrt(a² + b²) at gray: [nan, nan]" in printed
    assert "gradient of sqrt(a² + b² + 1e-06) at gray: [0.0, 0.0]" in printed
    # s25 (cold read r107): the colorfulness-loss question moved to Going deeper G
    # s28 (cold read r119, o_03 item 3): it is section 5's question 3 now, printed there
    # s28 round 6 (cold read r120, p_03 item 1): the colorfulness-loss question and its cell
    # moved from section 5 to Going deeper E
    going_e = flat[flat.index("### D. A colorfulness loss at gray (section 5)"):
                   flat.index("## Summary")]
    assert printed.index("check (all passed)") < printed.index(
        "gradient of sqrt(a² + b²) at gray") < printed.index("Summary: gray baseline"), \
        "the chroma's gradient is printed in Going deeper E"
    chroma_question = ("**Question.** A colorfulness loss falls as "
                       "the chroma `torch.sqrt(a**2 + b**2)` grows. What gradient does it send "
                       "at a gray pixel, and what does an epsilon change (printed below)?")
    # s27 (k_03 item 6): G keeps what its question needs; the colored pixel's case was cut
    assert "at ab = (1, 0)" not in printed
    assert "(1e-6, (1.0, 0.0))" not in code_with(committed[0], "# a colorfulness loss's gradient")
    assert (flat.index("**Claim 2: Lab's gray keeps the lightness.**")
            < flat.index("**Why a squared error favors the mean.**")
            < flat.index("**Key idea:** Most pixels carry little color")
            < flat.index("## Going deeper"))
    # section 5's second question: the clip's zero slope; the third left
    section_5 = flat[flat.index("## 5. Gradients"):flat.index("## 6. Familiar")]
    assert chroma_question in going_e and "colorfulness" not in section_5
    assert "3. A colorfulness loss" not in flat
    assert ("2. What does a loss after `lab_to_rgb` teach the network about a clipped channel?"
            in section_5)
    # s34 (cold read r134, telegraphic): the reason after "because"
    assert ("Nothing, because the clamp's slope is 0 outside [0, 1]. This is one reason to put the "
            "loss on `ab` itself.") in section_5
    # s23 (cold read r101): the question comes before the code cell that prints its answer
    asked = next(i for i, c in enumerate(cells)
                 if c.cell_type == "markdown" and chroma_question in " ".join(c.source.split()))
    answered = next(i for i, c in enumerate(cells) if c.cell_type == "code" and any(
        "gradient of sqrt(a² + b²) at gray" in o.get("text", "") for o in c.get("outputs", [])))
    assert answered == asked + 1 and "printed above" not in " ".join(cells[asked].source.split())
    # r103: the answer says the epsilon's gradient at gray is 0, as that cell prints
    assert any("gradient of sqrt(a² + b² + 1e-06) at gray: [0.0, 0.0]" in o.get("text", "")
               for o in cells[answered].get("outputs", []))
    # "it falls as the chroma grows": the loss is lowest for vivid colors; the printed gradient
    # at gray is nan without the epsilon and 0 with it (the answer's fix removes only the nan)
    assert "torch.sqrt(ab[0] ** 2 + ab[1] ** 2 + eps).backward()" not in code_with(
        committed[0], "# Every check of the lecture's code"), "Going deeper A keeps only the checks"
    assert flat.count("A colorfulness loss falls as") == 1
    assert ("`nan`: the square root's infinite slope at 0 times a zero slope. The epsilon in "
            "`torch.sqrt(a**2 + b**2 + 1e-6)` removes the `nan`. But at an exactly gray pixel the "
            "gradient is then 0, so the loss cannot push that pixel toward a color. </details>"
            ) in going_e
    assert "Fix the `nan`" not in flat and "what fixes it?" not in flat
    # the Summary says where black is checked without the clip (section 5, question 1): with
    # its clip, my_lab_to_rgb fails at black (printed False), without it, it passes (7 of 7)
    assert ("pass `gradcheck`, except the clipped `my_lab_to_rgb` at black.") in flat
    assert "pass `gradcheck`, black included." not in flat, "s23 (cold read r100): overstated"
    rows = printed.split("gradcheck case", 1)[1].split("\n")[1:9]
    assert rows[-1].split() == ["my_lab_to_rgb", "with", "the", "clip,", "black", "False"]
    assert all(r.endswith(" True") for r in rows[:7]), "7 of 7 without the clip"
    assert '"my_lab_to_rgb without the clip, black": (my_lab_to_rgb_unclipped, black)' in \
        code_with(committed[0], "def passes(fn, x)")


def test_the_derived_matrix_and_white_point(committed):
    _, markdown, printed = committed
    block = printed.split("derived from the primaries and D65:", 1)[1].split("derived,", 1)[0]
    derived = [float(x) for x in re.findall(r"-?\d\.\d{4}", block)]
    iec = [0.4124, 0.3576, 0.1805, 0.2126, 0.7152, 0.0722, 0.0193, 0.1192, 0.9505]
    nb = committed[0]
    table = code_with(nb, "IEC = torch")
    code_iec = [float(x) for x in re.findall(r"\d\.\d{4}", table.split("IEC = torch", 1)[1])[:9]]
    assert code_iec == iec, "the IEC 61966-2-1 table in the code"
    assert derived == iec, "the text says the derived matrix is the IEC table to 4 digits"
    assert "derived, rounded to 4 digits, equals the IEC table: True" in printed
    flat = " ".join(markdown.split())
    # s29 (cold read r124, item 2 and UNBACKED): section 2 keeps one sentence on the switch to
    # scikit-image's matrix and white; Going deeper A's table measures the matrix, the white and
    # what the switch of both does to Lab, as a ΔE76 (no unstated sqrt(3) bound)
    # s31 (cold read r128, item 1): section 2's cell prints them, right below the claim
    # s33 (structural round, cold read r132 item 2): section 2 prints the two differences;
    # what they do to Lab is a row of Going deeper A's table
    matrix, white = found(r"\nours vs scikit-image's, largest difference: matrix "
                          r"(\d\.\de-\d\d), white (\d\.\de-\d\d)\n", printed)
    row = "section 2's own matrix and white: how far Lab moves (ΔE76)"
    shift, _ = a_table(printed)[row]
    # "they differ in the fourth decimal": both printed differences are between 1e-4 and 1e-3
    assert all(1e-4 <= float(x) < 1e-3 for x in (matrix, white))
    def xyz_of(x, y):
        return torch.tensor([x / y, 1.0, (1 - x - y) / y], dtype=torch.float64)

    primaries = torch.stack([xyz_of(0.64, 0.33), xyz_of(0.30, 0.60), xyz_of(0.15, 0.06)], dim=1)
    d65 = xyz_of(0.3127, 0.3290)
    # s32 (cold read r132, item 2): chromaticity defined where xyz_of appears; xyz_of's XYZ has
    # that chromaticity, (X, Y) / (X + Y + Z) = (x, y)
    # s34 (cold read r134, item 2): the derivation as math: P's columns are the primaries' XYZ
    # with Y = 1, M = P diag(s), and r = g = b = 1 gives the white: M 1 = P s = w
    assert ("The standard gives each primary as a "
            "**[chromaticity](../docs/glossary.md#chromaticity)** $(x, y) = (X, Y)/(X+Y+Z)$, its "
            "color without brightness. `xyz_of` turns each into an XYZ with $Y = 1$, a column of "
            "$P$. The white then sets each column's scale $s_j$, because sRGB defines r = g = b = "
            "1 as its white, **D65** (standard daylight), with XYZ $w$: "
            "$$M = P\\,\\mathrm{diag}(s), \\qquad M\\,\\mathbf{1} = P\\,s = w.$$") in \
        " ".join(markdown.split())
    assert torch.allclose(primaries[1], torch.ones(3, dtype=torch.float64)), "Y = 1"
    scales = torch.linalg.solve(primaries, d65)
    assert torch.allclose(primaries * scales, primaries @ torch.diag(scales)), "M = P diag(s)"
    assert torch.allclose((primaries * scales) @ torch.ones(3, dtype=torch.float64), d65)
    assert "M = P * s                           # scale column j by s[j]" in code_with(
        committed[0], "def xyz_of")
    assert "x = X / (X + Y + Z), so X = x / y; Z likewise" in code_with(committed[0], "def xyz_of")
    assert "return torch.tensor([x / y, 1.0, (1 - x - y) / y], dtype=torch.float64)" in code_with(
        committed[0], "def xyz_of"), "the test's xyz_of is the notebook's"
    assert torch.allclose(d65[:2] / d65.sum(), d65.new_tensor([0.3127, 0.3290]))
    assert torch.allclose(primaries[:2, 0] / primaries[:, 0].sum(), d65.new_tensor([0.64, 0.33]))
    ours = primaries * torch.linalg.solve(primaries, d65)   # section 2's M
    assert f"{(ours - torch.from_numpy(xyz_from_rgb)).abs().max().item():.1e}" == matrix
    assert f"{(d65 - color.D65_WHITE).abs().max().item():.1e}" == white, "section 2's white"
    # the switch's ΔE76, recomputed: Lab with section 2's matrix and white against the kit's
    rgb = torch.rand(3, 20000, 1, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    t = torch.einsum("ij,jhw->ihw", ours, color.srgb_to_linear(rgb)) / d65.view(3, 1, 1)
    fx, fy, fz = color._lab_f(t)
    lab_ours = torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)])
    moved = (lab_ours - color.rgb_to_lab(rgb)).norm(dim=0).max().item()
    assert 0.5 * float(shift) < moved <= float(shift) + 5e-4, (moved, shift)
    # s30 (cold read r126, item 6): the pointer names A's rows; ΔE76 is defined where first used
    # s32 (cold read r129, unbacked): the just-noticeable 2.3 cites its source where first used
    # s32 (cold read r131, item 4 and 5): said plainly; the 2.3 hedged ("commonly put at")
    # s32 (cold read r132, section 5 riddle): the switch said plainly, one word shorter
    # s33b (cold read r133, item 2): why scikit-image's white differs (see
    # test_where_the_whites_come_from)
    # s34 (cold read r134, error of fact): scikit-image computes nothing here; it stores its
    # matrix and its D65 white as tables (test_where_the_whites_come_from)
    # s34 round 11 (word budget): where the white comes from moved to Going deeper A, beside
    # what the two tables do to a gray (cold read r135, inexact "gets 0 in both")
    assert ("From here on the code uses scikit-image's matrix and white, stored as tables. Ours "
            "differ in the fourth decimal (printed below, Going deeper A).") in flat
    assert ("**scikit-image's tables (sections 2 and 3).** scikit-image's white is D65's "
            "tabulated XYZ, computed from the illuminant's spectrum, not from the rounded "
            "$(x, y)$. Its matrix is a separate table, whose rows do not sum exactly to that "
            "white. So a gray, the white dimmed, gets `a` and `b` slightly off 0 (section 3), too "
            "little for section 6's table, which prints 0.00.") in flat
    assert flat.index("### A. Verification details") < flat.index(
        "**scikit-image's tables (sections 2 and 3).**") < flat.index("### B. How far the clip")
    assert "scikit-image computes D65" not in flat
    # not "rounded": scikit-image's matrix differs from ours by more than a rounding (3.1e-4)
    assert "rounded matrix" not in flat
    assert flat.index("### B. How far the clip") < flat.index("(Mahy et al. 1994)")
    said = next(k for k, c in enumerate(nb.cells) if c.source.startswith("From here on the code"))
    assert any("ours vs scikit-image's, largest difference" in o.get("text", "")
               for o in nb.cells[said + 1].outputs)
    # s29 round 7 (cold read r125): the largest over the tested colors, not a bound for any
    # color; compared with the just-noticeable ΔE76 of 2.3 (Mahy), as A's lead does
    assert "any color by at most" not in flat and "far too little to see" not in flat
    switch = code_with(nb, "# Every check of the lecture's code in one table")
    assert 'xyz_ours = torch.einsum("ij,jhw->ihw", M, my_srgb_to_linear(rgb_test))' in switch
    assert "fx, fy, fz = my_f(xyz_ours / white.view(3, 1, 1)).unbind(-3)" in switch
    assert "(lab_ours - my_rgb_to_lab(rgb_test)).norm(dim=0).max().item(), 0.23)" in switch
    assert "xyz_ours" not in code_with(nb, "def my_rgb_to_xyz"), "s33: off the main path"
    going_a = flat[flat.index("### A. Verification details"):flat.index("### B. How far the clip")]
    assert "The switch to scikit-image's matrix and white" not in going_a
    assert "the just-noticeable 2.3 (Mahy et al. 1994)." in flat, "B cites it"
    checks = code_with(nb, "# Every check of the lecture's code in one table")
    assert "lab_from_f" not in checks and "error(white, D65)" not in checks, "s31: in section 2"
    for gone in ("so ΔE76 by under 0.04", "The switch moves each Lab channel",
                 "**Which matrix and white the code uses", "The three whites below",
                 "Swapping in our own matrix would move Lab", "can be exact",
                 "Our own matrix would move Lab", "which moves Lab by at most"):
        assert gone not in flat, gone
    for gone in ("white (r = g = b = 1) of the derived matrix", "largest difference between the "
                 "three whites", "against the derived M: max |diff|"):
        assert gone not in printed, gone
    assert "my_rgb_to_xyz: max |error| vs scikit-image < 1e-9" in printed, "exact"
    (lab64,) = found(r"my_rgb_to_lab \(float64\): max \|error\| vs scikit-image "
                     r"(\d\.\de-\d\d)", printed)
    assert float(lab64) > 1e-9, "section 3's check is not exact"
    assert "The code uses scikit-image's copy of $M$" not in flat
    assert "Using our derived matrix instead would move Lab" not in flat
    assert "the amount printed next" not in markdown
    assert "The derived matrix is the sRGB standard's to 4 digits." not in markdown
    assert "lin = my_srgb_to_linear(rgb)" in code_with(nb, "def my_rgb_to_xyz")
    # s27: the plan's second sentence was cut (word budget); section 2's code shows it
    assert "so it covers the first two arrows" not in flat
    # s25 round 3 (cold read r109): the plan walks the diagram: an arrow per section, the way
    # back (section 4) drawn in orange (matplotlib's C1)
    # s32 (cold read r129, item 6): the plan names what sections 5-8 do after the chain
    # s32 (cold read r131, density): the plan walks the diagram only; sections 5-8 are named by
    # their headings (checked below)
    # s34: sections 1-3 draw the arrows, section 4 the way back
    assert ("**The plan.** Sections 1–3 build the chain below, one arrow each, and section 4 the "
            "way back (orange).") in flat
    assert "Sections 5–8 then check" not in flat
    for heading in ("## 5. Gradients", "## 6. Familiar colors, and colors a screen cannot show",
                    "## 7. Why colorization lives in Lab", "## 8. How colorful photos are, and "
                    "the bar to beat"):
        assert heading in markdown, "the plan's sections 5-8"
    diagram = code_with(nb, "section 4, the way back")
    assert 'color="C1"' in diagram and '"section 1: decode' in diagram
    assert '"section 2: a 3 × 3 matrix' in diagram and '"section 3: f(t)' in diagram
    # the white sets the column lengths: r = g = b = 1 (the row sums) gives the white asked for
    # s29 round 7 (cold read r125): D65 is a standard for average daylight, not midday's
    # s33b (cold read r133): "average daylight" was loose; D65 is the CIE's standard daylight
    # s34 (cold read r134, item 2): said with the derivation (checked above)
    assert "because sRGB defines r = g = b = 1 as its white, **D65** (standard daylight)" in flat
    assert "midday" not in flat and "average daylight" not in flat
    # s31 (cold read r128, imprecise): Y is relative luminance, white at Y = 1 (the printed
    # matrix's middle row sums to 1, and xyz_of gives the white Y = 1)
    assert ("Its `Y`, the relative luminance, weights light by the eye's sensitivity, with 1 for "
            "white.") in flat
    assert abs(sum(derived[3:6]) - 1) < 1e-3 and "Its `Y` is the luminance," not in flat
    # why a column is a primary's XYZ: M times full red alone is M's first column
    # s29 (cold read r124, item 3): one sentence of intuition: a pixel mixes the columns
    # s32 (cold read r131, density): the two sentences joined
    assert "Column $j$ of $M$ is primary $j$'s XYZ." in flat
    rgb = torch.tensor([0.2, 0.5, 0.7], dtype=torch.float64)
    assert torch.allclose(color.RGB_TO_XYZ @ rgb, sum(rgb[j] * color.RGB_TO_XYZ[:, j]
                                                      for j in range(3)))
    # section 3's question: P3 widens only red and green; its blue is sRGB's (section 7's code)
    assert "has wider red and green primaries than sRGB." in flat
    assert "xyz_of(0.680, 0.320), xyz_of(0.265, 0.690), xyz_of(0.150, 0.060)]" in code_with(
        nb, "P3 = torch.stack")
    code = code_with(nb, "def xyz_of")
    assert "white = xyz_of(0.3127, 0.3290)" in code and "s = torch.linalg.solve(P, white)" in code
    assert text_index_order(flat, "## 2. Linear RGB", "From here on the code uses", "## 3. XYZ")
    assert ("RGB_TO_XYZ = color.RGB_TO_XYZ   # scikit-image's matrix, used from here on"
            in code_with(nb, "def my_rgb_to_xyz"))
    assert "white is D65_WHITE" not in code_with(nb, "def my_rgb_to_xyz")
    assert "For the same reason the white" not in flat
    assert "D65 = color.D65_WHITE   # scikit-image's white (section 2)" in code_with(
        nb, "def my_xyz_to_lab")
    assert "xyz / D65.to(xyz.dtype)" in code_with(nb, "def my_xyz_to_lab")
    assert "Lab white (100, 0, 0) in linear RGB" not in printed, "the side print was cut (s23)"


def text_index_order(text, *keys):
    """True if each key occurs in text, in this order."""
    at = [text.index(k) for k in keys]
    return at == sorted(at)


def test_where_the_whites_come_from():
    """The code uses scikit-image's matrix and Lab white (colorlab.color); section 2's own white
    differs from that white only past the fourth digit."""
    assert torch.equal(color.RGB_TO_XYZ, torch.from_numpy(xyz_from_rgb)), \
        "the text says: colorlab.color uses scikit-image's matrix"
    assert torch.equal(color.D65_WHITE,
                       torch.from_numpy(xyz_tristimulus_values(illuminant="D65", observer="2"))), \
        "the text says: scikit-image's Lab divides by D65_WHITE"
    _, markdown, _, _ = read(NOTEBOOK)
    text = " ".join(markdown.split())
    assert "From sRGB specification" not in text, "the source archaeology was cut"
    ours = torch.tensor([0.3127 / 0.3290, 1.0, (1 - 0.3127 - 0.3290) / 0.3290], dtype=torch.float64)
    assert 1e-4 < (ours - color.D65_WHITE).abs().max() < 1e-3, "the fourth decimal"
    # s33b (cold read r133, item 2): "scikit-image computes D65 from the illuminant's spectrum,
    # not the rounded (x, y)": its D65 depends on the observer (the color-matching functions a
    # spectrum is weighed with), and its chromaticity is sRGB's (0.3127, 0.3290) only when rounded
    ten = torch.from_numpy(xyz_tristimulus_values(illuminant="D65", observer="10"))
    assert (ten - color.D65_WHITE).abs().max() > 1e-3, "another observer, another white"
    xy = color.D65_WHITE[:2] / color.D65_WHITE.sum()
    assert torch.equal(xy.round(decimals=4), xy.new_tensor([0.3127, 0.3290]))
    assert (xy - xy.new_tensor([0.3127, 0.3290])).abs().max() > 1e-6, "not the rounded (x, y)"
    matrix_white = color.RGB_TO_XYZ.sum(dim=1)
    assert torch.equal(matrix_white.round(decimals=4), color.D65_WHITE.round(decimals=4))


def test_the_known_colors_quoted(committed):
    _, markdown, printed = committed
    lightness = {name: float(L) for name, L in
                 re.findall(r"^(\w+(?: 50%)?) +\([\d., ]+\) +(-?\d+\.\d\d)", printed, re.M)}
    blue, gray, yellow = lightness["blue"], lightness["gray 50%"], lightness["yellow"]
    # s23 (cold read r100): section 3's intuition before its formulas: L reads Y alone, a and b
    # are differences, so white and a gray (the white dimmed) print a = b = 0
    ab = {name: (a, b) for name, a, b in
          re.findall(r"^(white|gray 50%) +\([\d., ]+\) +\d+\.\d\d +(-?\d+\.\d\d) +(-?\d+\.\d\d)$",
                     printed, re.M)}
    assert ab == {"white": ("0.00", "0.00"), "gray 50%": ("0.00", "0.00")}
    assert ("torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], dim=-3)"
            in code_with(committed[0], "def my_xyz_to_lab"))
    assert ("`L` depends on $Y$ alone. `a` and `b` are differences between the channels, so a "
            "gray, which is the white dimmed, gets 0 in both:") in " ".join(markdown.split())
    assert "yellow (+), with gray at 0." not in " ".join(markdown.split())
    assert blue < gray and yellow > 95, (
        "section 5 says: pure blue darker than mid gray, yellow almost as light as white")
    rgb = dict(re.findall(r"^(\w+(?: 50%)?) +(\([\d., ]+\))", printed, re.M))
    assert rgb["blue"] == "(0, 0, 1)" and rgb["green"] == "(0, 1, 0)", "mean of R, G, B: 1/3 each"
    assert lightness["green"] > blue + 30, "the question says: very different L"
    # s23: the blue-and-green question became a clause of section 6's opening
    # s34 round 11 (cold read r135, item 6): why blue is darker is section 6's question now
    assert ("In the `L` column below, pure blue is darker than mid gray, and yellow is almost as "
            "light as white.") in " ".join(markdown.split())
    assert "Blue and green have the same RGB mean" not in markdown
    # r103: Going deeper D points to this table for pure yellow's and blue's L, not repeating it
    # s27 round 2 (cold read r116, l_03 item 1): section 6's key idea quotes the table's L
    # s27 r3 (cold read r117: a riddle sentence): what a darker yellow loses, said plainly
    # s27 round 4 (cold read r117, UNBACKED: the table has one point per color): the sentence cut,
    # the key idea points to Going deeper D's b ranges (checked there)
    # s32 (cold read r129, item 3): the key idea is the section's own (the gamut, the clip of the
    # printed P3 red); the yellow/blue lean is Going deeper C's, read there
    # s32 (cold read r131, item 6): the pointer to B and C ends the P3 paragraph; "What the
    # networks get" closes the section, before its key idea
    flat6 = " ".join(markdown.split())
    # s33 (structural round): the P3 red left the main path for Going deeper B, which already
    # showed it; section 6 points to B and C once
    assert ("The figure hatches that part, and `lab_to_rgb` clips it.") in flat6
    assert "B and C back section 6" in flat6, "s33b: Going deeper's lead points to them"
    assert ("**Key idea:** At each `L` a screen shows only part of the ab plane; `lab_to_rgb` "
            "clips the rest.") in flat6
    section_6 = flat6[flat6.index("## 6. Familiar"):flat6.index("## 7. Why")]
    # s33b (word budget): the pointer left section 6; Going deeper's lead names B and C for it
    assert section_6.count("Going deeper") <= 1, "at most one pointer per section"
    assert yellow > 90 and blue < 40
    assert "must lose chroma to stay on the screen" not in markdown
    # s34 (cold read r134, unbacked): C says how the table predicts the lean (checked in
    # test_the_lean_is_read_off_section_6_s_table)
    assert "Section 6's table predicts the lean." in " ".join(markdown.split())
    assert f"`L` = {yellow:.2f} for pure yellow" not in markdown
    red = lightness["red"]
    # s33 (structural round): C's second question (yellow's L) was cut
    assert "Why is its `L` not the sum of theirs?" not in markdown and red > 0
    row = r"^(\w+) +\([\d., ]+\) +-?\d+\.\d\d +(-?\d+\.\d\d) +(-?\d+\.\d\d)"
    ab = {name: (float(a), float(b)) for name, a, b in re.findall(row, printed, re.M)}
    ra, rb = ab["red"]
    # section 3: pure red needs +b too; the ab-plane figure rings it, from the same conversion
    assert ra > 0 and rb > 0.5 * ra, "pure red: +a and clearly +b"
    plane = code_with(committed[0], '"pure red: +a and +b"')
    # the figure draws the plane at pure red's own L (the table's red row), so its ring is
    # displayable; the visible cell computes the plane and prints its shares
    planes = code_with(committed[0], "def ab_plane")
    assert 'L_red, a_red, b_red = lab_known[list(known).index("red")].tolist()' in planes
    assert "shown, inside = ab_plane(L_red)" in planes
    assert "return color.lab_to_rgb(lab), inside" in planes, "the figure uses the kit's lab_to_rgb"
    # s27 (k_03 item 2): the figure is drawn on the network's square; its share is not printed
    assert "% of the ab square" not in printed
    assert 'ax.set_title(f"the ab plane at L = {L_red:.1f}, pure red\'s lightness' in plane
    assert '"+a:\\nred/\\nmagenta"' in plane   # s29: beside its tip, in the right margin
    # at L = 53.2 +b looks olive (the label says so) and -b is a plain mid blue
    assert '"+b: toward yellow\\n(olive here)"' in plane
    assert '"−b: blue"' in plane and "teal here" not in plane   # (0, -38) is a mid blue
    text = " ".join(markdown.split())
    assert "**The network's ab square.** Notebooks 04 and 05 predict `ab`" in text
    # s34 (cold read r134, telegraphic): the share said, the hatching in its own sentence
    assert ("At pure red's lightness, most of the square lies outside an sRGB screen's "
            "**gamut**, the colors it can show (printed below). The figure hatches that part, and "
            "`lab_to_rgb` clips it.") in text
    assert "at pure red's L = 53.2, 31% of the network's ab square [-110, 110]² is displayable" \
        in printed
    # s25: the ring is the figure's (now with an arrow); the sentence reads the olive +b only
    # s27: the sentence reading the olive +b was cut (the label and the key idea say it)
    assert "Here +`b` looks olive" not in text
    assert "The picture shows the ab plane" not in text, "one plane now (r93), not two"
    # ... so it comes after section 4 builds the way back (cold read r89): it opens section 6
    sources = [c.source for c in committed[0].cells]
    at = {key: next(i for i, s in enumerate(sources) if key in s)
          for key in ("def my_lab_to_rgb", '"pure red: +a and +b"', "## 6. Familiar colors")}
    assert at["def my_lab_to_rgb"] < at["## 6. Familiar colors"] < at['"pure red: +a and +b"']
    # a Lab unit, before ΔE appears: "about two units" is the just-noticeable 2.3 of section 6
    assert "one unit is a small step" not in text, "vague (r93): cut"
    assert "two units apart" not in text, "unsourced in section 3: cut (2.3 comes with section 6)"
    assert "just-noticeable 2.3 (Mahy et al. 1994)." in text
    # the half-axis labels sit in the light-gray margin (no sRGB color there) with an arrow to
    # a displayable color just inside the end of their half-axis, so no label covers its colors
    labels = re.findall(r'\("([^"]+)", \((-?\d+), (-?\d+)\), \((-?\d+), (-?\d+)\)\)', plane)
    assert len(labels) == 4 and "arrowprops=arrow" in plane
    L_plane = lightness["red"]   # the plane is drawn at pure red's L
    for text_, *xy in labels:
        tip_a, tip_b, at_a, at_b = map(float, xy)
        for (a_, b_), shown in (((tip_a, tip_b), True), ((at_a, at_b), False)):
            lab_ = torch.tensor([L_plane, a_, b_], dtype=torch.float64).view(3, 1, 1)
            rgb_ = color.lab_to_rgb(lab_, clip=False)
            assert bool(((rgb_ >= 0) & (rgb_ <= 1)).all()) == shown, \
                f"{text_!r}: arrow tip on a color, label in the gray margin"
        assert (tip_a == 0) != (tip_b == 0), f"{text_!r}: its tip is on its half-axis"
    assert '"gray: a = b = 0"' not in plane, "gray is a + at the center, named in the title"
    assert "`a` runs from green (−) to red/magenta (+)" in text
    assert "Pure red needs +`b` too (ring)." not in text
    # section 7's first question: reds reach furthest near the lightness of pure red
    chroma = (ra ** 2 + rb ** 2) ** 0.5
    panels = [int(L) for L in re.findall(r"L = (\d+): \d+%", printed)]
    assert panels, "the five panels' shares are printed"
    assert "(the panel `L` = 50 is closest)" not in text
    # s27 round 4 (cold read r117, UNBACKED: nothing prints red chroma against L): the question
    # asks why, from pure red's L (printed), and the answer argues it
    assert (f"**Question.** Pure red sits at `L` = {red:.1f}. Why is a lighter or a darker red "
            "less colorful?") in text
    assert (f"Pure red's chroma is $\\sqrt{{{ra:.2f}^2 + {rb:.2f}^2}} \\approx {chroma:.0f}$."
            ) in text
    assert "the most colorful red an sRGB screen can make" not in text
    # s28 round 6 (cold read r120, p_03 item 6): "its chroma shrinks" backed by a printed line:
    # the largest displayable chroma along pure red's hue at L = 30, pure red's L and 70
    lo, at_red, hi = (int(x) for x in found(
        r"\nlargest displayable chroma along pure red's hue: (\d+) at L = 30, (\d+) at L = "
        rf"{red:.1f}, (\d+) at L = 70\n", printed))
    assert at_red == round(chroma) and lo < at_red - 10 and hi < at_red - 10, "it shrinks"
    assert ("A lighter red needs some green and blue added, which moves it toward white. A darker "
            "red has less light, which moves it toward black. Either way, its chroma shrinks: "
            f"along red's hue, the largest displayable chroma is {lo} at `L` = 30 and {hi} at "
            "`L` = 70 (printed above the figure).") in text
    assert printed.index("largest displayable share over L") < printed.index(
        "largest displayable chroma along pure red's hue")
    # "the most colorful red an sRGB screen can make" and "reds reach furthest around pure red's L":
    # over a grid of the sRGB cube, of the colors within 5 degrees of pure red's hue, pure red
    # has the largest chroma, and chroma falls off on both sides of its L (checked here, a
    # fact of sRGB and Lab, not of the run)
    grid = torch.linspace(0, 1, 65, dtype=torch.float64)
    cube = torch.stack(torch.meshgrid(grid, grid, grid, indexing="ij")).reshape(3, -1, 1)
    L_, a_, b_ = color.rgb_to_lab(cube).reshape(3, -1)
    reds = (torch.atan2(b_, a_) - math.atan2(rb, ra)).abs() < math.radians(5)
    chroma_ = torch.hypot(a_, b_)
    best = chroma_[reds].argmax()
    assert cube.reshape(3, -1)[:, reds][:, best].tolist() == [1.0, 0.0, 0.0]
    assert abs(L_[reds][best].item() - red) < 0.01 and round(chroma_[reds][best].item()) == \
        round(chroma)
    for lo, hi in ((30, 40), (70, 80)):   # darker and lighter reds: clearly less chroma
        band = reds & (L_ >= lo) & (L_ < hi)
        assert chroma_[band].max() < 0.9 * chroma, f"reds at L {lo}-{hi} should be less colorful"


def test_the_worked_example_of_regression_to_gray(committed):
    """Section 8, why gray is hard to beat (s27, k_03 item 1: moved from section 7): a worked
    example (computed here, not a run output) of two colors plausible for one pixel, at the same
    L, whose mean is gray."""
    nb, markdown, printed = committed
    L, green, purple = 50.0, (-50.0, 40.0), (50.0, -40.0)
    text = " ".join(markdown.split())
    # s26 round 2 (cold read r113, h_03 item 1): the answer points to a visible cell that prints
    # each guess's squared error, asserts both colors are in gamut, and draws them with their mean
    # s32 (cold read r131, density): the two mean squared errors, printed, one per sentence
    # s33b (cold read r133): the squared error is summed over a and b (the code's .sum(dim=1)),
    # then averaged over the two colors; nn.MSELoss would also average over a and b (half)
    # s34 (cold read r134, telegraphic): one guess per sentence
    assert ("**Why a squared error favors the mean.** Below, a pixel at `L` = 50 is green or "
            "purple, equally likely. Guessing either color costs a mean squared `ab` error of "
            "8,200 (a and b summed). Guessing their mean, gray, costs half, 4,100.") in text
    assert "squared = ((pair_ab - guess) ** 2).sum(dim=1)" in code_with(
        nb, "pair_ab = torch.tensor(")
    mse = torch.nn.functional.mse_loss(torch.tensor([green, purple]), torch.zeros(2, 2))
    assert mse.item() != 4100 and 2 * mse.item() == 4100, "summed, not nn.MSELoss's mean"
    # s28 (cold read r119, o_03 item 2): in plain distance the three guesses tie (printed)
    distances = re.findall(r"^guess (?:green|purple|their mean, gray) ab \(-?\d+, -?\d+\): mean "
                           r"squared ab error [\d,]+, mean ab distance (\d+)$", printed, re.M)
    assert len(distances) == 3 and len(set(distances)) == 1, distances
    assert round(math.hypot(100, 80) / 2) == round(math.hypot(50, 40)) == int(distances[0])
    assert ("In plain distance all three guesses tie at "
            f"{distances[0]} (printed below), so the square makes the mean, here gray, win."
            ) in text
    assert "print(f\"guess {name} ab" in code_with(nb, "pair_ab = torch.tensor(")
    assert "mean ab distance {squared.sqrt().mean():.0f}" in code_with(
        nb, "pair_ab = torch.tensor(")
    assert "is off by 4,100" not in text, "cold read r119: squared errors, not distances"
    far = sum((g - q) ** 2 for g, q in zip(green, purple))          # green to purple, squared
    assert (far, far / 2, far / 4) == (16400, 8200, 4100)
    assert all(f"mean squared ab error {n:,}" in printed for n in (8200, 4100))
    cells = nb.cells
    lead = next(i for i, c in enumerate(cells) if c.source.startswith("**Why a squared error"))
    assert cells[lead + 1].cell_type == "code"
    assert "pair_ab = torch.tensor(" in cells[lead + 1].source
    assert "both of chroma 64, average to (0, 0)" not in text
    cell = code_with(nb, "pair_ab = torch.tensor(")
    assert "pair_ab = torch.tensor([[-50.0, 40.0], [50.0, -40.0]], dtype=torch.float64)" in cell
    assert "raw = color.lab_to_rgb(swatches, clip=False)" in cell
    assert "assert ((raw >= 0) & (raw <= 1)).all()" in cell and "ax.imshow(" in cell
    errors = dict(re.findall(r"^guess (green|purple|their mean, gray) ab \(-?\d+, -?\d+\): "
                             r"mean squared ab error ([\d,]+), ", printed, re.M))
    green_e, purple_e, gray_e = (int(errors[k].replace(",", "")) for k in (
        "green", "purple", "their mean, gray"))
    assert green_e == purple_e == 2 * gray_e, "the text: the mean halves either color's error"
    assert gray_e == (50**2 + 40**2), "each color is sqrt(50² + 40²) from the mean"
    assert "guess their mean, gray ab (0, 0)" in printed
    assert text.index("**The gray baseline.**") < text.index(
        "**Why a squared error favors the mean.**")
    for a, b in (green, purple):
        lab = torch.tensor([L, a, b], dtype=torch.float64).view(3, 1, 1)
        rgb = color.lab_to_rgb(lab, clip=False)
        assert ((rgb >= 0) & (rgb <= 1)).all(), f"ab ({a}, {b}) at L = {L} should be displayable"
        assert round(math.hypot(a, b)) == 64
    shown = {name: color.lab_to_rgb(torch.tensor([L, a, b], dtype=torch.float64).view(3, 1, 1))
             .flatten() for name, (a, b) in (("green", green), ("purple", purple))}
    r, g, b = shown["green"]
    assert g > r and g > b, "the first color should look green"
    r, g, b = shown["purple"]
    assert r > g and b > g, "the second color should look purple"
    assert (green[0] + purple[0], green[1] + purple[1]) == (0, 0), "their mean is (0, 0)"


def test_the_slope_of_L_at_black(committed):
    """Section 3: f's straight segment puts black at L = 0; with the pure cube root it would not."""
    _, markdown, _ = committed
    assert "**Question.** Display P3" in markdown
    assert "**Question.** A colorfulness loss falls as the chroma" in markdown
    assert "What would the gradient of `L` be at black" not in markdown, "that question left"
    black = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    f_black = color._lab_f(black)
    assert abs(116 * f_black.item() - 16) < 1e-12, "f(0) = 4/29 puts black at L = 0"
    # s28 (cold read r119, UNBACKED "black at L = 0"): said with f(0) = 4/29 and the figure's
    # left panel, which marks both starts
    assert abs(f_black.item() - 4 / 29) < 1e-12
    assert ("Like sRGB, $f$ has a straight toe near black, which starts at $f(0) = 4/29$. So black "
            "gets `L` = 116 · 4/29 − 16 = 0, where a pure cube root would give −16 (figure, left), "
            "and the slope stays finite (figure, right).") in " ".join(markdown.split())
    figure = code_with(committed[0], '"f(t) near black"')
    assert 'for f0, text, at in ((4 / 29, "f(0) = 4/29: L = 0 at black", (0.012, 0.06)),' in figure
    assert '(0.0, "f(0) = 0: L = −16 at black", (0.012, 0.01))):' in figure
    assert "axes[0].annotate(text, (0, f0), xytext=at" in figure
    f_black.sum().backward()                 # the course's f, differentiated at black
    assert torch.isfinite(black.grad).all() and black.grad.item() < 8, "the toe's slope: finite"
    # What to try next: with the pure cube root, black gets L = -16 (section 3 checks black
    # against scikit-image first); the slope at black is infinite and dark colors no longer come
    # back from the round trip (section 4's assert, 1e-4), so later checks would stop too
    t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    L = 116 * t ** (1 / 3) - 16
    L.backward()
    assert L.item() == -16 and math.isinf(t.grad.item())
    dark = torch.tensor([0.0404, 0.0405, 0.1], dtype=torch.float64).view(3, 1, 1)  # in rgb_test
    fx, fy, fz = (color.rgb_to_xyz(dark) / color.D65_WHITE.view(3, 1, 1)) ** (1 / 3)
    cube_root_lab = torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)])
    assert (color.lab_to_rgb(cube_root_lab) - dark).abs().max() > 1e-4, "section 4's round trip"
    # a prediction, not run: the text says "should"
    assert ("section 3's check should stop first (black would get `L` = −16)."
            in " ".join(markdown.split()))


def test_the_swatches_and_ciede2000(committed):
    """s33 (structural round; task: Going deeper D and F repeat claims 3 and 2): both parts
    were cut, with their figures; claim 3's pairs stay, their count given by their own code, and
    Going deeper is A to D."""
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    for gone in ("### D. Equal steps in RGB", "### F. Luma's gray", "swatches 1-6",
                 "pairs 0.08-0.10 apart", "the 6 most colorful test images", "Sharma"):
        assert gone not in text and gone not in printed, gone
    code = " ".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "label_points" not in code and "picked = mean_chroma.argsort" not in code
    assert ("[CIEDE2000](../docs/glossary.md#ciede2000), fitted to people's judgments (Luo, Cui "
            "& Rigg 2001), stands in for the eye.") in text
    assert "Luo, M. R., Cui, G. & Rigg, B. (2001)" in text, "cited in the References"
    # the count: 3,000 random pairs, of which those inside the RGB cube are kept; the pairs' own
    # code, run again, gives the printed count
    pairs = code_with(nb, "gen = generator(3)")
    making = pairs.split("d_rgb = ", 1)[0]
    assert "torch.rand(3, 3000, 1" in making and "base[:, keep]" in making
    scope = {"torch": torch, "generator": lambda seed: torch.Generator().manual_seed(seed)}
    exec(making.replace("print(", "str("), scope)
    kept = int(scope["keep"].sum())
    (printed_kept,) = found(r"(?m)^kept ([\d,]+) of 3,000 pairs inside the RGB cube$", printed)
    assert printed_kept == f"{kept:,}" and 2000 < kept < 3000
    assert "For random pairs of colors up to 0.1 apart in RGB" in text
    heads = ["## Going deeper", "### A. Verification details (sections 2–6 and 8)",
             "**The test images set apart (section 8).**",
             "### B. How far the clip moves a color (section 6)",
             "### C. The ab plane at five lightnesses (section 6)",
             "### D. A colorfulness loss at gray (section 5)", "## Summary"]
    at = [text.index(h) for h in heads]
    assert at == sorted(at), "Going deeper's parts A-D, in this order"
    assert len(re.findall(r"(?m)^### [A-Z]\. ", "\n".join(
        c.source for c in nb.cells if c.cell_type == "markdown"))) == 4, "A to D"
    assert "Going deeper F" not in text and "Going deeper E" not in text


def test_lab_against_ycbcr(committed):
    nb, markdown, printed = committed
    rows = {name: float(spread) for name, spread in re.findall(
        r"^(RGB|YCbCr|Lab \(ΔE76\)) +(\d+\.\d)$", printed, re.M)}
    assert len(rows) == 3, "the committed outputs no longer show the three distances: re-run 03"
    lab, rgb, ycc = (rows[k] for k in ("Lab (ΔE76)", "RGB", "YCbCr"))
    assert lab < min(rgb, ycc), "the text says: Lab's spread is the smallest"
    text = " ".join(markdown.split())
    # s32 (density): the spreads are printed and in the figure's titles, not repeated in prose
    # s33 (structural round: one claim, one table): the histograms were cut; the table says it
    assert "Lab's spread is the smallest. CIEDE2000 is itself built on Lab" in text
    assert not any("ax.hist(r" in c.source for c in nb.cells if c.cell_type == "code")
    assert abs(ycc - rgb) < 0.1 * rgb, "YCbCr close to RGB"
    assert "scores close to RGB" not in text, "ed24c: cut (word budget)"
    assert ("For random pairs of colors up to 0.1 apart in RGB, we take $r$ = CIEDE2000 / "
            "distance, with the distance in RGB, YCbCr or Lab "
            "([ΔE76](../docs/glossary.md#delta-e)).") in text
    assert "The spread would be 1" not in text, "cut (s23 round 2, word budget)"
    # a spread compares two percentiles of r, not its extremes
    # s32 (cold read r131, density): the worked reading of a spread of 5 was cut
    assert "A spread of 5 means that" not in text
    assert "rates some pairs 5 times as different as others" not in text
    # s23 (cold read r98): the spreads are quoted only where they are measured, in Going deeper
    # F, with the loss argument (section 7 only points there, below); the Summary claims nothing
    # about ab or Lab distances
    # s30 (cold read r126, item 1): D's "Which distance follows CIEDE2000?" became claim 3's
    # evidence in section 7; claim 3 itself says what a loss gains
    assert "**Which distance follows CIEDE2000?**" not in text
    # s33b (cold read r133): the test measures full-Lab ΔE76 (L included), so the claim says
    # nothing about a loss on ab alone
    assert "d_e = (lab_base - lab_other).norm(dim=0).flatten()" in code_with(
        nb, "kept {keep.sum().item():,} of 3,000 pairs")
    assert "**Claim 3: Lab's distances are closer to perceived ones.** [CIEDE2000]" in text
    assert "so a loss on `ab` charges" not in text
    assert "Its loss should charge most" not in text
    summary = text[text.index("## Summary"):text.index("## What to try next")]
    assert "CIEDE2000" not in summary and "`ab` distances" not in text
    # s25 (cold read r107): section 7 points to the CIEDE2000 comparison in one sentence (checked
    # in test_the_cat_s_two_grays); the comparison and its caveat stay in Going deeper F
    assert "A second reason (Going deeper F)" not in text
    assert lab < ycc
    assert "follow perceived differences" not in text
    assert "[CIEDE2000](../docs/glossary.md#ciede2000), fitted to people's judgments" in text
    section_7 = text[text.index("## 7. Why colorization"):text.index("## 8. How colorful")]
    # s32 (cold read r132, item 5): one line of intuition; a distance proportional to CIEDE2000
    # has a constant r, so P95 / P5 = 1; the notebook computes the spread that way (below)
    assert ("The **spread** of $r$, $P_{95}(r) / P_5(r)$, is 1 for a distance exactly "
            "proportional to CIEDE2000, and smaller is closer.") in section_7
    assert "low, high = torch.quantile(d_e00 / d, torch.tensor([0.05, 0.95]" in code_with(
        nb, "spread = {}")
    assert ("**Key idea:** Lab hands a colorizer the lightness people see, `L`, and leaves it "
            "only `ab` to predict.") in text
    assert "tracks CIEDE2000 is a fixed multiple" not in text and "perfect match" not in text
    # Lab is only roughly uniform
    assert "Lab was designed to be roughly uniform" not in text, "s33: old D was cut"
    assert f"CIEDE2000 / distance {lab} in Lab, {ycc} in YCbCr" in printed   # Summary: line
    # s29 (cold read r124, item 1): the caveat is said once, with section 7's claim 3, not in D
    assert "-fold" not in section_7
    assert section_7.count("CIEDE2000 is itself built on Lab") == 1
    assert text.count("built on Lab") == 1 and "no independent proof" not in text
    assert "**Why Lab, in three pictures.**" not in text, "the recap is the Summary's"
    assert "far too dark" not in text, "yellow's luma gray is only a little too dark"
    # the one source only Going deeper cites sits at its end (s23), the rest in References
    # (s30: Luo et al., cited by section 7's claim 3; s32: Mahy et al., cited by section 2)
    assert "**Source for Going deeper D.**" not in text and "Sharma" not in text, "s33: cut"
    for source in ("Mahy, M., Van Eycken, L. & Oosterlinck, A. (1994).",
                   "Luo, M. R., Cui, G. & Rigg, B. (2001)."):
        assert text.count(source) == 1 and text.index("## References") < text.index(source)
    assert text.index("(Luo, Cui & Rigg 2001)") < text.index("## 8. How colorful")


def test_the_coarse_ab_and_the_gamut(committed):
    _, markdown, printed = committed
    text = " ".join(markdown.split())
    # s23: the coarse-ab subsection (a side point, no reason for Lab over YCbCr) was cut
    assert "over the crop" not in printed and "Zhang" not in text
    # the Summary: the reason is the given L
    assert "Colorization lives in Lab: a colorizer is handed `L` and predicts only `ab`." in text
    assert "As a bonus, `ab` can be stored coarsely." not in text
    # the ab swap was cut (r93: it made the preview's point again); the preview says it
    assert not any("L of coffee, ab of cat" in c.source for c in committed[0].cells)
    assert "the cup's rim" not in text and "bluish" not in text
    # what to look for in the ab panel (cold read r101: the eyes, nose and broad tints remain,
    # faintly; the fine fur and whiskers do not)
    # s25 (cold read r107): a reading of the figure, said so
    # s27 (cold read r115, UNBACKED "almost all"): the figure's reading only; section 7 points
    # back to it
    # s27 round 4 (cold read r117, UNBACKED: faint fur stripes remain on the forehead)
    # s28 (cold read r119, UNBACKED: faint stripes remain): "the whiskers and most fine fur"
    # s31 (cold read r128, UNBACKED "loses the whiskers"): faint traces remain
    # s32 (cold read r129, unbacked): the faint traces are the forehead stripes; the whiskers do
    # not show at all
    # s32 (cold read r131, weakly backed "forehead stripes only faintly"): cut
    # s34 (cold read r134, "on a flat L = 60"): the two panels said plainly
    assert ("**Why bother with Lab?** Below, a photo is split into `L` alone, with `ab` = 0, and "
            "`ab` alone, shown at a constant `L` = 60. The `ab` panel keeps the broad tints, but "
            "not the whiskers.") in text
    preview = code_with(committed[0], "preview = {")
    assert ('"ab only (on a flat L = 60)": torch.cat([torch.full_like(L_cat, 60), ab_cat])'
            in preview)
    assert "forehead" not in text
    assert "loses the fur and whiskers" not in text and "faint traces of the whiskers" not in text
    assert "The `ab` panel loses the whiskers" not in text
    assert "loses the fine fur and whiskers" not in text
    assert "almost all the detail" not in text
    assert "only the eyes and nose stand out" not in text
    # section 6 prints Lab asked, Lab shown and ΔE76; Going deeper C prints linear RGB and sRGB
    row = r" +\(([-\d., ]+)\) +\(([-\d., ]+)\) +(\d+\.\d)\n"
    clip_row = r" +\(([-\d., ]+)\) +\(([-\d., ]+)\) +(-?\d\.\d{3}) +(-?\d\.\d{3})\n"
    asked, impossible_shown, impossible_de = found(r"impossible" + row, printed)
    impossible_L = impossible_shown.split(", ")[0]
    assert float(impossible_L) < 30, "the text says: dark"
    _, rgb, _, _ = found(r"impossible" + clip_row, printed)
    assert asked == "0.0, 100.0, -100.0"
    r, g, b = map(float, rgb.split(", "))
    assert r == g == 0 and 0 < b < 0.7, "the text says: a dark blue"
    # s27 (k_03 item 2): the figure's plane (pure red's L, the network's square), recomputed
    grid = torch.linspace(-color.AB_SCALE, color.AB_SCALE, 221, dtype=torch.float64)
    B_, A_ = torch.meshgrid(grid, grid, indexing="ij")
    red_plane = torch.stack([torch.full_like(A_, 53.2406), A_, B_])
    raw_ = color.lab_to_rgb(red_plane, clip=False)
    share_red = round(((raw_ >= 0) & (raw_ <= 1)).all(0).double().mean().item() * 100)
    asked, lab, de = found(r"P3 red at L = 50" + row, printed)
    lin, shown, y_asked, y_shown = found(r"P3 red at L = 50" + clip_row, printed)
    r, g, b = map(float, lin.split(", "))
    assert 0 < r <= 1 and g < 0 and b < 0, "the text says: outside the sRGB gamut"
    # the clip adds luminance: Y before and after it, printed (r95 code ask)
    assert y_asked == f"{((50 + 16) / 116) ** 3:.3f}" and float(y_shown) > float(y_asked)
    assert ("y_asked, y_shown = (round((RGB_TO_XYZ[1] @ x).item(), 3) + 0.0 for x in (lin, "
            "lin.clamp(0, 1)))") in code_with(committed[0], "Y asked")
    # s28 (cold read r119, o_03 item 4): the causality: the clip leaves red; the negatives it
    # removes were subtracting luminance, so Y rises (printed)
    # s33 (structural round): B's two readings in one paragraph, the cause said once
    assert ("The P3 red asks for a negative green and blue in linear RGB. Those were subtracting "
            f"luminance, so clipping them to 0 raises $Y$ from {y_asked} to {y_shown}: the red "
            "comes back lighter and less saturated.") in text
    assert (color.RGB_TO_XYZ[1, 1:] > 0).all(), "green and blue add to Y: negatives subtract"
    assert "so the P3 red comes back an almost pure sRGB red" not in text
    # both move far: ΔE76 many times the just noticeable 2.3
    assert float(de) > 5 * 2.3 and float(impossible_de) > 5 * 2.3
    assert ("ΔE76, the Lab distance from request to result, measures the move (about 2.3 is "
            "just noticeable; Mahy et al. 1994).") not in text, "2.3 has its own sentence"
    # s32 (cold read r129, item 3): section 6 prints the P3 red's row; B takes it up again
    # s33 (structural round): the P3 red is Going deeper B's only (section 6 showed it twice)
    assert ("Below, P3 red dimmed to `L` = 50, and an impossible color: what each asks for, what "
            "an sRGB screen shows, and [ΔE76](../docs/glossary.md#delta-e), the distance in Lab "
            "between the two.") in text
    assert "P3 red at L = 50: Lab asked" not in printed
    section_6 = text[text.index("## 6. Familiar"):text.index("## 7. Why")]
    assert "P3" not in section_6
    assert ("Mahy, M., Van Eycken, L. & Oosterlinck, A. (1994). Evaluation of uniform color "
            "spaces developed after the adoption of CIELAB and CIELUV.") in text
    assert ("Clipping moves both colors far. Their ΔE76 is many times the just-noticeable "
            "2.3 (Mahy et al. 1994).") in text
    (full,) = found(r"P3 red at full power, in linear sRGB: \(([-\d., ]+)\)", printed)
    # how the request is built: P3's full red, scaled to the luminance Y of L = 50
    request = code_with(committed[0], "dimmed = red_xyz")
    assert "dimmed = red_xyz * ((50 + 16) / 116) ** 3 / red_xyz[1]" in request
    assert "red_xyz = P3[:, 0] * torch.linalg.solve(P3, white)[0]" in request
    y50 = ((50 + 16) / 116) ** 3                 # the request's Y, through the kit's own XYZ -> Lab
    gray50 = color.D65_WHITE.double().reshape(3, 1, 1) * y50
    assert abs(color.xyz_to_lab(gray50)[0].item() - 50) < 1e-6, "Y of L = 50"
    r, g, b = map(float, full.split(", "))
    assert r > 1 and g < 0 and b < 0, "section 3's answer: pure P3 red is outside the sRGB gamut"
    assert (f"No: in linear sRGB it is ({full}) (printed below), so `lab_to_rgb` clips it."
            in markdown)
    assert "## 6. Familiar colors, and colors a screen cannot show" in markdown
    assert markdown.index("**The network's ab square.**") < markdown.index("## 7. ")
    # s23 (cold read r98): the plane's lightness-error panel and its 55% were cut
    plane = code_with(committed[0], "The ab plane at pure red's lightness: the displayable")
    assert "L_error" not in plane and "of the clipped colors" not in printed
    r, g, b = map(float, shown.split(", "))
    assert r > 0.95 and g == b == 0, "the text says: an almost pure sRGB red"
    L_asked, a_asked, b_asked = map(float, asked.split(", "))
    L_shown, a_shown, b_shown = map(float, lab.split(", "))
    assert L_asked == 50.0 and float(de) > 2.3
    assert L_shown > L_asked and a_shown ** 2 + b_shown ** 2 < a_asked ** 2 + b_asked ** 2, \
        "the text says: lighter and less saturated than requested"
    # s25 round 3 (cold read r109): "less saturated" read off the printed a and b
    assert abs(a_shown) < abs(a_asked) and abs(b_shown) < abs(b_asked)
    assert ("The impossible color asks for strong color at zero lightness, where only black is "
            "displayable. It comes back a dark blue.") in text
    assert "**Key idea:** `ab` can be coarse" not in text, "section 7's key idea is why Lab"
    assert "never disturbs the given `L`" not in text, "a clipped color is shown at another L"
    assert f"Only {share_red}% of the ab square" not in text, "ed23p: the printout carries it"
    assert int(share_red) < 50, "the text says: most of the plane lies outside the gamut"
    assert ("most of the square lies outside an sRGB screen's **gamut**, the colors it can show "
            "(printed below). The figure hatches that part, and `lab_to_rgb` clips it." in text)
    assert "The substitutes look more vivid" not in text, "the printout carries the share"
    # at L = 0, Y = 0: with every entry of the matrix's Y row positive, only black has it
    assert (color.RGB_TO_XYZ[1] > 0).all()

    line = printed.split("displayable share", 1)[1].split("\n")[0]
    shares = {int(L): int(s) for L, s in re.findall(r"L = (\d+): (\d+)%", line)}
    reach = {int(L): (int(lo), int(hi)) for lo, hi, L in
             re.findall(r"\[(-?\d+), (-?\d+)\] at L = (\d+)", printed)}
    assert set(shares) == set(reach) == {10, 30, 50, 70, 90}, "the figure and the text use these L"
    assert max(shares, key=shares.get) == 50
    assert shares[10] < shares[50] / 3 and shares[90] < shares[50] / 2, \
        "the text says: small at both ends, widest in the middle"
    assert max(reach, key=lambda L: reach[L][1]) == 90, "yellows reach furthest at high L"
    # section 3 reads its plane (L = 53.2) by eye and points to section 7 for vivid yellow
    assert "−`b` teal" not in text
    assert min(reach, key=lambda L: reach[L][0]) == 30, "blues reach furthest around L = 30"
    # cold read r99: L = 50 is the largest of the five only; the scan over every whole L says
    # where the largest share is (section 6's 53.2 is near it)
    best_share, best_L = found(r"largest displayable share over L = 1, 2, \.\.\., 99: (\d+)%, "
                               r"at L = (\d+)\n", printed)
    assert int(best_share) >= shares[50] and int(best_share) >= int(share_red)
    # s27 round 2 (l_03 item 1): section 6's share is the figure's, at pure red's L
    (share_fig,) = found(r"at pure red's L = 53\.2, (\d+)% of the network's ab square "
                         r"\[-110, 110\]² is displayable\n", printed)
    assert int(share_fig) == share_red and shares[50] <= int(share_fig) <= int(best_share)
    assert "displayable share of the network's ab square [-110, 110]²: L = 10:" in printed
    assert "extent = (-color.AB_SCALE, color.AB_SCALE) * 2" in panels_code(committed[0])
    assert "of the ab square" not in printed
    assert abs(int(best_L) - 53.2) < 10, "near mid lightness"
    assert "range(1, 100)" in panels_code(committed[0])
    assert abs(int(best_L) - 50) <= 10, "the text says: largest at mid L"
    assert ("The room for color is largest at mid `L` and shrinks toward black and white (printed "
            "below).") in text
    assert "Of these five, `L` = 50 has the most room" not in text, "r103: the printout says it"
    assert "The displayable region is largest in the middle" not in text
    # cold read r98: each panel's title carries its share, and the sixth slot holds the legend
    panels = code_with(committed[0], "def draw_ab_plane")
    assert 'ax.set_title(f"L = {L}: {share[L]:.0%} displayable")' in panels
    assert "axes[len(EXPLORER_L)].legend(handles=legend" in panels
    # at L = 0 only black, at L = 100 only white (the cube's ends): little room at either end
    ends = color.lab_to_rgb(torch.tensor([[[[0.0]], [[0.0]], [[0.0]]], [[[100.0]], [[0.0]],
                                                                         [[0.0]]]],
                                         dtype=torch.float64)).flatten(1)
    assert ends[0].abs().max() < 1e-9 and (ends[1] - 1).abs().max() < 1e-3
    assert "Near `L` = 0 every color is nearly black" not in text, "r103: cut"
    assert min(shares) == 10 and shares[10] < 5
    assert "In Lab, lightness and color are tied" not in text, "it contradicts the thesis"
    assert "too dark to tell apart" not in text, \
        "dark green, red and violet can still be told apart"
    assert reach[30][0] < reach[90][0] and reach[30][1] < reach[90][1], "lower at 30 than at 90"
    light = {name: L for name, L in re.findall(r"^(yellow|blue) +\([\d., ]+\) +(\d+\.\d\d)",
                                                printed, re.M)}
    top_b = max(reach.values(), key=lambda r: r[1])[1]
    low_b = min(reach.values(), key=lambda r: r[0])[0]
    assert (top_b, low_b) == (reach[90][1], reach[30][0])
    # r103: one sentence; the b ranges are printed, pure yellow's and blue's L are the table's
    assert float(light["yellow"]) > 90 and float(light["blue"]) < 40
    # s28 (cold read r119, o_03 item 5): each panel draws section 6's edge (L = 53.2) dashed
    # s34 (cold read r134, unbacked "as section 6's table predicts"): the inference said: the
    # cube's largest b is yellow's, at its L, and its most negative b is blue's, at its L
    assert ("It also leans toward yellow up high and toward blue down low. The `b` ranges below "
            "show this, and so does each plane against the dashed edge at `L` = 53.2. Section 6's "
            "table predicts the lean. The sRGB cube reaches its largest `b` at yellow, which has "
            f"`L` {light['yellow']}, and its most negative `b` at blue, which has `L` "
            f"{light['blue']}.") in text
    b_low, b_high = found(r"over the sRGB cube: L in \[[\d.-]+, [\d.-]+\], a in \[[\d.-]+, "
                          r"[\d.-]+\], b in \[(-?[\d.]+), (-?[\d.]+)\]\n", printed)
    b_of = {name: b for name, b in re.findall(
        r"^(yellow|blue) +\([\d., ]+\) +\d+\.\d\d +-?\d+\.\d\d +(-?\d+\.\d\d)$", printed, re.M)}
    assert (b_of["yellow"], b_of["blue"]) == (b_high, b_low), "the cube's b range ends"
    panels = panels_code(committed[0])
    assert "red_edge = ab_plane(L_red)[1]" in panels
    assert ('ax.contour(red_edge.numpy(), levels=[0.5], extent=extent, colors="tab:blue",'
            in panels and 'linestyles="--")' in panels)
    assert 'label=f"the edge at L = {L_red:.1f} (section 6)"' in panels
    # the key idea's "duller": yellow's b reaches furthest at high L, blue's at low L (printed)
    assert reach[90][1] > reach[50][1] and reach[30][0] < reach[50][0] < reach[90][0]
    assert "The region also leans: to yellow up high, where `b` reaches" not in text


def panels_code(nb):
    return code_with(nb, "def draw_ab_plane")


def test_luma_against_lab(committed):
    """Section 8: the gray that keeps only luma is too dark on saturated colors; Lab's keeps L."""
    _, markdown, printed = committed
    rows = {name: tuple(map(float, row)) for name, *row in re.findall(
        r"^(red|green|blue|yellow) +(\d+\.\d) +(\d+\.\d) +(\d+\.\d)$", printed, re.M)}
    assert set(rows) == {"red", "green", "blue", "yellow"}, "the luma table is gone: re-run 03"
    for name, (L, luma_gray, lab_gray) in rows.items():
        assert luma_gray < L, f"{name}: luma's gray is darker"
        assert lab_gray == L, f"{name}: the text says Lab's gray keeps L"
    text = " ".join(markdown.split())
    # s34 (cold read r134): claim 2 first says why gray matters (section 8's worked example)
    # s34 round 11 (cold read r135, inexact): the mean of the plausible colors, not gray itself
    assert ("**Claim 2: Lab's gray keeps the lightness.** When a colorizer is unsure, a squared "
            "error favors the mean of the plausible colors, which drifts toward gray (section 8 "
            "shows why). Lab's gray, `ab` = 0, keeps `L`. YCbCr's gray, the **luma gray**") in text
    red, red_luma, _ = rows["red"]
    gap = {name: L - luma_gray for name, (L, luma_gray, _) in rows.items()}
    primaries = min(gap["red"], gap["green"], gap["blue"])
    assert primaries > 10 and primaries > 2 * gap["yellow"], \
        "the text says: too dark, yellow's least"
    # in YCbCr, L depends on CbCr too: CbCr = 0 takes red from its own L to its luma gray's
    assert red_luma < red, "the opening quotes pure red's drop"
    # s23 (cold read r100): the comparison is measured in L, which says what people see only
    # approximately; the printed columns are L values
    assert "In `L`, luma's grays are too dark, yellow's least" not in text, "s31: F was cut"
    # ed24b (cold read r105): "check it by eye" was cut: L ignores the Helmholtz-Kohlrausch effect
    assert "Check it by eye" not in text
    assert "L of its luma gray" in printed and "L of its Lab gray" in printed
    # r95: section 7 says in plain words why a colorizer wants L (every printed luma gray is
    # darker than its color, at equal luma by construction)
    # ed23p: the sentence argued from L itself (cold read r102); the Key idea says why Lab
    assert ("A colorizer's input should be the lightness people see, which `L` measures "
            "approximately and luma does not.") not in text
    assert "which `L` measures and luma does not" not in text


def test_the_toe_is_labeled(committed):
    """Section 1 points at the toe's slope 12.92 in the figure: the figure code labels it."""
    nb, markdown, printed = committed
    figure = code_with(nb, "zoom on the darkest tones")
    assert re.search(r'"straight toe:\\nslope 12.92", \((0\.\d+), 12\.92 \* \1\)', figure)
    text = " ".join(markdown.split())
    assert "lin.clamp_min(LINEAR_T) ** (1 / 2.4)" in code_with(nb, "def my_linear_to_srgb")
    # the zoom draws the pure gamma (dashed) as the curve vertical at 0, not the sRGB power
    assert 'label=r"pure gamma $\\ell^{1/2.2}$ (vertical at 0)"' in figure
    # s30 (cold read r126, item 5): why a vertical start is bad, in one sentence
    # s30 round 4 (cold read r127, error 2): the toe (1996) is not there for autograd; that it
    # helps our gradients is said apart, after the "So"
    # s32 (cold read r131, imprecise): the clamp keeps the unused branch and ITS SLOPE finite
    # s33 (structural round): the clamps are section 5's; the code's comments point there
    # s34 (cold read r134, telegraphic): the consequence after "so", no colon
    assert ("But a pure power is vertical at black (figure, right, dashed), so it would magnify "
            "the slightest noise there. So near black sRGB uses a straight line of slope 12.92, "
            "the **toe**.") in text
    assert "# clamp: section 5" in code_with(nb, "def my_linear_to_srgb")
    assert "and it would break gradients (below). So" not in text
    # the clamped encode's gradient at black is the toe's slope (printed in section 1)
    assert found(r"my_linear_to_srgb +at black: value +\S+, gradient +(\S+);", printed) == (
        "12.92",)
    assert "At black that power is vertical" not in text, "the figure draws the gamma, not it"
    # the toe alone is not enough: the naive version, toe included, prints nan at black
    assert found(r"naive_linear_to_srgb +at black: value +\S+, gradient +(\S+);", printed) == (
        "nan",)
    assert "so our gradient stays finite" not in text
    # the curve spreads the levels more evenly, not evenly (its history is also the CRT's response)
    # the levels the curve gives the darkest tenth of light, counted over the 256 stored codes
    # s27 (k_03 item 4): the printed line repeated the prose: cut; the counts are a fact of the
    # sRGB curve, recomputed here (as the 0.214 of section 1's question 2)
    srgb_codes, linear_codes = "90", "26"
    assert "8-bit codes below a tenth" not in printed
    codes = torch.arange(256, dtype=torch.float64) / 255
    assert (int(srgb_codes), int(linear_codes)) == (
        int((color.srgb_to_linear(codes) < 0.1).sum()), int((codes < 0.1).sum())) == (90, 26)
    assert "8-bit codes below a tenth of white's light" not in figure
    # the eye responds to relative changes (Weber), so a fixed step of light shows most in the dark
    # r103: why the dark gets more codes, then (its own paragraph) why we decode first
    # s25 (cold read r107): the premise named as the rule of thumb it is
    # s25 round 3 (cold read r109): the premise as a plain sentence, still a rough rule
    # s27 round 4 (cold read r117, UNBACKED: no cell prints 90 and 26): the figure's reading instead
    # (the encode curve climbs steeply near black: its slope there is many times the identity's)
    # s29 round 7 (cold read r125): Weber's law implies a log code, not sRGB's power: not named
    assert "Weber" not in text
    # s31 (cold read r128, imprecise): equal steps of light, not the eye's sensitivity
    assert "The eye is more sensitive to changes" not in text
    # s32 (cold read r132, ambiguous "the curve"): the encode curve, named; the decode curve is
    # the flat one near black
    # s33: the point first (the orange curve climbs steeply), then why
    # s34 (cold read r134, item 6): the left panel's x-axis said in words; the reason follows
    # the point, one sentence each
    # s34 round 11 (cold read r135, item 1 and unbacked reason): the overlay said plainly; the
    # eye's reason rests on printed numbers: a stored 0.5 is 0.214 of the light (printed with
    # the figure) yet has L 53.39 of 100 (section 6's table), about half as light
    (light,) = found(r"decode: a stored 0\.5 is light (\d\.\d{3})\n", printed)
    (gray_L,) = re.findall(r"^gray 50% +\(0\.5, 0\.5, 0\.5\) +(\d+\.\d\d) ", printed, re.M)
    assert float(light) < 0.25 and 45 < float(gray_L) < 55, "a fifth of the light, half as light"
    assert ("The left panel overlays two functions whose shared x-axis is light for encode and a "
            "stored value for decode. The encode curve (orange) climbs steeply near black, so dark "
            "tones get more of a byte's levels. The eye needs them, because a stored 0.5, only "
            f"{light} of white's light (printed below), looks about half as light (`L` {gray_L} of "
            "100, section 6's table). Section 2's matrix adds amounts of light, so we first "
            "**decode** stored values to light:") in text
    assert "The eye tells dark tones apart" not in text
    assert ('xlabel="input: light (encode) or stored value (decode)"' in figure)
    assert 'axes[0].plot(v, my_linear_to_srgb(v), lw=2, color="C1"' in figure, "orange"
    assert f"gets {srgb_codes} of them" not in text
    enc = color.linear_to_srgb(torch.tensor([0.0, 0.1], dtype=torch.float64))
    assert (enc[1] - enc[0]).item() / 0.1 > 3, "steep near black: the first tenth of light"
    dec = color.srgb_to_linear(torch.tensor([0.0, 0.1], dtype=torch.float64))
    assert (dec[1] - dec[0]).item() / 0.1 < 0.2, "the decode curve is flat near black"
    assert 'label="encode: light → stored"' in figure
    # s31 (cold read r128, item 6): the left panel's axes name each direction
    # s32 (cold read r129, fig 3): one meaning per axis; the legend says each direction
    # s32 (cold read r131, item 6): the x label says what the input is for each curve, and the
    # y range leaves room for the legend above the curves (none reaches 1.1)
    # s33 (cold read r132, fig 3: a third of the panel was legend room): short labels, the
    # legend in the empty lower right, the y range the curves'
    assert ('axes[0].set(xlabel="input: light (encode) or stored value (decode)", ylabel="output",'
            in figure and 'ylim=(-0.03, 1.03))' in figure)
    assert 'axes[0].legend(fontsize=8, loc="lower right")' in figure
    # section 1, question 2: a stored 0.5 decodes to 0.214 of full light
    assert f"{color.srgb_to_linear(torch.tensor(0.5, dtype=torch.float64)).item():.3f}" == "0.214"
    # s27 round 4 (cold read r117, UNBACKED: 0.214 is not printed): read off the figure's decode
    # curve, about a fifth
    # s28 round 6 (cold read r120, p_03 item 3): 0.214 printed with the figure, and quoted
    (half,) = found(r"\ndecode: a stored 0\.5 is light (\d\.\d{3})\n", printed)
    assert ("1. Why decode before the matrix? <details><summary>Answer</summary> The matrix "
            "adds light, and a stored 0.5 is only about a fifth of full light "
            f"({half}, printed above).") in text
    assert 0.18 < float(half) < 0.23, "about a fifth"
    assert printed.index("decode: a stored 0.5 is light") < printed.index("naive_linear_to_srgb")
    assert "print(f\"decode: a stored 0.5 is light" in figure
    assert "decode: stored → light" in figure
    assert "levels evenly on" not in text
    assert "sees small changes of light best in the dark" not in text, "acuity is not best there"
    # the zoom's two dots are at the toe's end (LINEAR_T), not at the largest gap
    # the toe's end is the vertical line; the dots sit on it, one on each curve
    # s28 round 6 (cold read r120, p_03 item 6): a black dot where the toe ends, a white square
    # on the gamma above it, each with its own legend entry
    assert ('axes[1].plot([LINEAR_T], [value], marker, mfc=face, mec="k", ms=5, ls="none", '
            'label=label)') in figure
    assert '("gamma", LINEAR_T ** (1 / 2.2), "s", "white", "pure gamma at that light")' in figure
    assert "axes[1].axvline(LINEAR_T" in figure
    # s26 (cold read r110, code ask 5): the dots are labelled in the legend, apart from the
    # largest gap's arrow
    assert ('"o", "k", f"toe ends, at light {LINEAR_T}"),' in figure
            and "SRGB_T, LINEAR_T = 0.04045, 0.0031308" in code_with(nb, "def my_srgb_to_linear"))
    assert '"0.0031308: toe ends"' not in figure
    assert "the dots mark the toe's end" not in text, "only the line marks it"
    # "toe" is said at first use, in the opening
    assert ("the **sRGB transfer curve** (\"[gamma](../docs/glossary.md#gamma)\") and its straight "
            "**toe** near black;") in text
    assert "where the encoding's pure power curve is vertical" not in text, \
        "the visible text now names the encoding's power (the decode on screen is not vertical)"
    # the toe's end, as the zoom annotates it: sRGB 0.04, the pure gamma 0.07; on the left
    # panel the two curves overlap (its legend says so)
    assert 'annotate(f"{name}: {value:.2f}"' in figure and "(on encode)" in figure
    end = torch.tensor(0.0031308, dtype=torch.float64)
    srgb, gamma = f"{color.linear_to_srgb(end).item():.2f}", f"{end.item() ** (1 / 2.2):.2f}"
    assert (srgb, gamma) == ("0.04", "0.07")
    # the largest gap between the two (printed; the left panel's arrow points at it) is in the
    # toe, inside the zoom
    gap, at = found(r"sRGB encoding vs pure gamma: largest gap (\d\.\d{3}) in stored value, at "
                    r"linear light (\d\.\d{4})", printed)
    assert float(at) < 0.0031308 and float(gap) > 0.01
    # r88: the left panel's arrow pointed at a gap too small to see there; the zoom shows it
    assert "largest gap to the gamma" not in figure
    # the zoom draws the gap (a two-headed arrow at light `at`), and the toe's arrow sits elsewhere
    assert 'axes[1].annotate("", (at, low), xytext=(at, high)' in figure
    assert 'arrowstyle="<->"' in figure and 'f"largest gap:\\n{gap.max().item():.3f}, at' in figure
    # cold read r98: the callout's line ends at the arrow's top (at, high), not along the arrow,
    # and the toe's end is a label on its vertical line
    assert "(at, high), xytext=(0.0002, 0.125)" in figure
    assert "axes[1].set_ylim(top=0.2)" in figure, "room for the legend's four rows"
    assert 'axes[1].legend(fontsize=9, loc="upper right")' in figure
    (toe_x,) = re.findall(r'"straight toe:\\nslope 12.92", \((0\.\d+), 12\.92', figure)
    assert abs(float(toe_x) - float(at)) > 0.0005, "the toe's arrow away from the gap's"
    # the visible text reads the left panel as drawn: the encode curve on the gamma's
    # l^(1/2.2), the decode's inverse (the panel draws no v^2.2)
    assert 'label=r"pure gamma $\\ell^{1/2.2}$ (on encode)"' in figure
    # ed24b (cold read r105): the power is the encoding above the toe only
    # s34 (word budget): the formula is the code's; the text keeps the comparison
    assert ("Encoding inverts this. Away from black it is close to a plain 2.2 gamma, "
            "$\\ell^{1/2.2}$.") in text and float(gap) < 0.05
    assert "1.055 * lin.clamp_min(LINEAR_T) ** (1 / 2.4) - 0.055" in code_with(
        nb, "def my_linear_to_srgb")
    assert "is a power 1/2.4 that lies" not in text, "a plain power 1/2.4 is far from 2.2"
    assert "brings this power 2.4 close to a plain 2.2 gamma" not in text, "the panel draws 1/2.2"
    # they part most, not only, near black: the zoom shows a gap of about 0.02 still at its right
    lin = torch.tensor([0.012, 0.05], dtype=torch.float64)
    assert ((lin ** (1 / 2.2) - color.linear_to_srgb(lin)).abs() > 0.005).all()
    assert "part only in the darkest tones" not in text


def test_the_dark_colors_gradcheck_uses(committed):
    """s25 round 2 (cold read r108): lab_dark's L range, recomputed here from the cell's own seeded
    colors (a range with margin, not float digits); s26 (cold read r110, code ask 2): the cell
    prints it now, instead of a comment stating it."""
    cell = code_with(committed[0], "def passes(fn, x)")
    assert "lab_dark = color.rgb_to_lab(0.001 + 0.03 * rgb_random)        # near black" in cell
    assert "L 0.6 to 1.8" not in cell
    # s26 round 3 (cold read r114, i_03 item 4): the L range is printed in Going deeper A; only
    # L (f of Y) is checked, so the line says f's straight segment, singular
    # s29 (cold read r124, item 6): the largest L is a row of Going deeper A's table, with f's
    # switch, 116 delta - 16 = 8, as its bound
    full = code_with(committed[0], "# Every check of the lecture's code in one table")
    assert "L_dark" not in cell
    assert ('add("section 5\'s dark colors: largest L (must sit below 8)", '
            "lab_dark[:, 0].max().item(), 116 * DELTA - 16)") in full
    high, below = a_table(committed[2])["section 5's dark colors: largest L (must sit below 8)"]
    assert "straight segments" not in committed[2]
    assert float(high) < int(below) == 8
    rgb_dark = 0.001 + 0.03 * torch.rand(1, 3, 4, 4, generator=torch.Generator().manual_seed(1),
                                         dtype=torch.float64)
    L_dark = color.rgb_to_lab(rgb_dark)[:, 0]
    assert abs(float(high) - L_dark.max()) < 0.06
    assert ("rgb_random = torch.rand(1, 3, 4, 4, generator=generator(1), dtype=torch.float64)"
            in cell)
    rgb_random = torch.rand(1, 3, 4, 4, generator=torch.Generator().manual_seed(1),
                            dtype=torch.float64)
    L = color.rgb_to_lab(0.001 + 0.03 * rgb_random)[:, 0]
    assert 0.55 < L.min() < 0.65 and 1.75 < L.max() < 1.85
    # L < 8 is where Y / white <= delta^3, f's straight segment: the switch is at 116 delta - 16
    switch = 116 * color.DELTA - 16
    assert abs(switch - 8) < 1e-9 and L.max() < switch, "'on the straight segments (L < 8)'"


def test_the_drift_pointer_to_notebook_02():
    """s25: the opening's pointer to notebook 02's drift was cut (word budget; cold read r107
    listed it as resting on another notebook's output)."""
    _, markdown, _, _ = read(NOTEBOOK)
    assert "In notebook 02 (section 5)" not in markdown
    assert "gray levels per pixel on average" not in markdown, "the number is 02's to print"


def test_what_rgb_test_holds(committed):
    """Cell 3 lists the colors of `rgb_test` (section 1's question 3 needs them): the setup cell's
    `special` rows plus N_COLORS random colors."""
    nb, markdown, _ = committed
    setup = code_with(nb, "special = torch")
    rows = ("[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5]",
            "[0.04045, 0.04045, 0.04045], [0.0404, 0.0405, 0.1]")
    assert all(r in setup for r in rows), "black, white, primaries, gray, two near the threshold"
    assert "torch.rand(N_COLORS, 3" in setup
    text = " ".join(markdown.split())
    # s34 (word budget): the special colors are the setup cell's comment's
    assert "- `rgb_test`: 100,000 random colors and a few special ones." in text
    assert "N_COLORS = 100_000" in code_with(nb, "N_COLORS =")
    # s33 (structural round): the one helper the checks lean on is listed; the others carry
    # their docstrings in the (collapsed) setup cell
    assert "def check(what, mine, reference, tol):" in setup and (
        "- `check(what, mine, reference, tol)`: prints the largest difference from scikit-image "
        "(`skcolor`) and stops above `tol`;") in text
    for helper in ("def sk(fn, x):", "def photo(name, size=256):", "def generator(seed):"):
        assert helper in setup and '"""' in setup.split(helper, 1)[1].split("\n")[1], helper
    assert "assert err <= tol" in setup and "from colorlab import color, metrics" in setup
    assert ("# The colors every check uses: N_COLORS random ones, plus black, white, primaries, "
            "gray and\n# colors at the sRGB threshold 0.04045.") in setup


def test_the_plan_says_where_the_way_back_clips(committed):
    """The plan figure says the way back as the code does it: clip in linear RGB, then encode
    (cold read r89: "runs the steps in reverse, then clips" had the order wrong)."""
    nb = committed[0]
    plan = code_with(nb, "section 4, the way back")
    assert ("inverts each step;\\n\"\n        \"it clips to what the screen can show in "
            "linear RGB, then encodes\"") in plan
    assert "then clips" not in plan
    assert "return my_linear_to_srgb(lin.clamp(0, 1))" in code_with(nb, "def my_xyz_to_rgb")
    text = " ".join(read(NOTEBOOK)[1].split())
    assert "so we **clip each channel to [0, 1] in linear RGB**, then encode." in text


def test_one_pixel_through_the_chain(committed):
    """Section 4's worked pixel (r93): pure red printed at every stage, and its reading."""
    nb, markdown, printed = committed
    stages = dict(re.findall(r"(?m)^(stored sRGB|linear RGB|XYZ|XYZ / white|f\(XYZ / white\)|Lab|"
                             r"back to sRGB) +\(([-\d., ]+)\)$", printed))
    assert list(stages) == ["stored sRGB", "linear RGB", "XYZ", "XYZ / white", "f(XYZ / white)",
                            "Lab", "back to sRGB"], "the seven stages, in order"
    v = {k: [float(x) for x in s.split(", ")] for k, s in stages.items()}
    assert v["stored sRGB"] == v["linear RGB"] == v["back to sRGB"] == [1.0, 0.0, 0.0]
    # "Red's XYZ is the matrix's first column (section 2)": the code's matrix, to 4 digits
    assert v["XYZ"] == [round(x, 4) for x in color.RGB_TO_XYZ[:, 0].tolist()]
    assert 'xyz = torch.einsum("ij,jhw->ihw", RGB_TO_XYZ, linear)' in code_with(nb, "pixel = ")
    fx, fy, fz = v["f(XYZ / white)"]
    assert fx > fy > fz and fy - fz > fx - fy, "the text: f of X above f of Y; f of Z far below"
    # the Lab row is the table's red row
    (red_row,) = re.findall(r"^red +\(1, 0, 0\) +(\d+\.\d\d) +(\d+\.\d\d) +(\d+\.\d\d)$", printed,
                            re.M)
    assert v["Lab"] == [float(x) for x in red_row]
    L, a, b = v["Lab"]
    assert abs(116 * fy - 16 - L) < 0.02 and abs(500 * (fx - fy) - a) < 0.1
    assert abs(200 * (fy - fz) - b) < 0.1
    text = " ".join(markdown.split())
    assert "**One pixel, step by step.** Pure red, through the chain and back:" in text
    # s34 (cold read r134, error of fact): the first column of scikit-image's matrix, which
    # differs from section 2's printed M in the fourth decimal (0.4125 here, 0.4124 there); the
    # reading of f's values was cut (word budget)
    m_block = printed.split("derived from the primaries and D65:", 1)[1].split("derived,", 1)[0]
    m_first = float(re.findall(r"-?\d\.\d{4}", m_block)[0])
    assert v["XYZ"][0] == 0.4125 and m_first == 0.4124
    assert torch.allclose(color.RGB_TO_XYZ, torch.from_numpy(xyz_from_rgb)), "scikit-image's"
    # s34 round 11 (word budget): the two numbers are printed (here and in section 2), and
    # section 2 says that ours and scikit-image's matrix differ in the fourth decimal
    assert ("Decoding leaves 0 and 1 unchanged, so red's XYZ is the first column of "
            "scikit-image's matrix.") in text
    assert "Ours differ in the fourth decimal (printed below" in text
    assert "`f` of Z is far below" not in text
    ends = torch.tensor([0.0, 1.0], dtype=torch.float64)
    assert torch.allclose(color.srgb_to_linear(ends), ends, atol=1e-12), "the fixed points"
    assert text.index("## 4. The way back") < text.index("**One pixel, step by step.**") < \
        text.index("## 5. Gradients")


def test_small_fixes_of_r93(committed):
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    # CIEDE2000's hue is atan2(b, a') with a' = a (1 + G) (Sharma et al. 2005)
    # s30 (cold read r126, item 4): the hue term vanishes at gray (weighted by sqrt(C1' C2')), so
    # the reason is rough gradients near gray, not a jump of the formula there
    assert "CIEDE2000 costs more" not in text, "s33: cut with old Going deeper D"
    assert "which jumps at gray" not in text
    assert "undefined at gray" not in text   # Sharma et al. set h' = 0 at gray; it is discontinuous
    # the histogram's "10" label sits away from the mean marker (r93): at 300 degrees on its
    # circle, more than 10 units from the mean ab (0.3, 5.8) printed above it
    # s28 round 6 (cold read r120, p_03 item 6): each label on its own circle, at its own angle,
    # the labels of 10 and 20 (boxes about 10 units wide) more than 12 units apart
    hist = code_with(nb, "ax.hist2d(")
    assert "for r, angle in zip(shares, (300, 240, 200)):" in hist
    # review s28: the radii are the cell's own, the mean ab is read from the printout
    assert "for r in (10, 20, 40)}" in code_with(nb, "shares = {r: (chroma < r)")
    mean_a, mean_b = map(float, re.search(r"training mean ab \((-?[\d.]+), (-?[\d.]+)\) ",
                                          printed).groups())
    at = {r: (r * math.cos(math.radians(t)), r * math.sin(math.radians(t)))
          for r, t in ((10, 300), (20, 240), (40, 200))}
    assert math.hypot(at[10][0] - mean_a, at[10][1] - mean_b) > 10
    assert math.dist(at[10], at[20]) > 12 and math.dist(at[20], at[40]) > 12


def test_the_gamut_is_not_the_light_gray_area(committed):
    """The ab-plane figures draw what the screen cannot show hatched gray: the text must not
    call the gray area the gamut (a cold read's finding)."""
    text = " ".join(committed[1].split())
    assert "The figure hatches that part, and `lab_to_rgb` clips it." in text
    assert "most of the square lies outside an sRGB screen's **gamut**" in text
    # both ab-plane figures hatch it alike (cold read r99)
    for cell in (code_with(committed[0], "The ab plane at pure red's lightness: the displayable"),
                 panels_code(committed[0])):
        assert 'colors="none"' in cell and 'hatches=["//"]' in cell
    assert "(hatched: not displayable; line: gamut edge; +: gray)" in code_with(
        committed[0], "The ab plane at pure red's lightness: the displayable")
    assert "its **gamut** (light gray" not in text


def test_the_luma_gray(committed):
    """Section 7 (cold reads r105, r107): why a gray-leaning colorizer wants Lab over YCbCr;
    Going deeper H: the four colors' two grays, the gap over the test images and their six most
    colorful (s27, k_03 item 6: the cat's map was cut, one map kept)."""
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    ((red_L, red_luma),) = re.findall(r"^red +(\d+\.\d) +(\d+\.\d) +\d+\.\d$", printed, re.M)
    lost = round(float(red_L) - float(red_luma))
    assert lost > 10
    # s27 (cold read r115, UNBACKED "So"): both differences named, encoding and weights; the
    # numbers are the printout's (one line under the sentence)
    # s31 (cold read r128, item 2): the four colors' table (old Going deeper F) replaces the
    # red-only line, right under the mechanism's line
    red_L7, red_luma7 = found(r"\ncolor +L +L of its luma gray +L of its Lab gray\nred +"
                              r"(\d+\.\d) +(\d+\.\d) +\d+\.\d\ngreen ", printed)
    assert (red_L7, red_luma7) == (red_L, red_luma)
    assert "its luma gray: L" not in printed
    assert float(red_luma7) < float(red_L7) - 10, "the text: far darker"
    # s27 round 2 (cold read r116, l_03 item 5): one sentence; the stored values are the cause
    # (by its weights alone luma would make red's gray brighter: 0.299 > Y's 0.2126)
    # s28 round 6 (cold read r120, p_03 item 2): self-contained: pure red's gap and the photos'
    # gap said in the same place, both printed right below (the photo-level cell moved up)
    kept = found(r"L kept, on the other ([\d,]+) test images \(quick mode\):", printed)[0]
    # s29 (cold read r124, imprecise "too dark"): the share of those pixels where luma's gray is
    # darker, printed with the mean gap
    scored, share_t, darker_t, mean_t = found(
        r"over the ([\d,]+) test images not already gray, on their pixels with chroma > 40 "
        r"\((\d+)% of pixels\): luma's gray is darker on (\d+)% of them, by (-?\d+\.\d) in L on "
        r"average\n", printed)
    assert scored == kept and int(darker_t) > 90, "the text: too dark on colorful pixels"
    # s28 round 7 (cold read r121, p7_03 item 1): luma is introduced with section 7's figure;
    # s29 (cold read r124, item 1): claim 2 of section 7's case, with its evidence
    # s30 (cold read r126, item 3): the mechanism, the concave encode curve, with pure red's
    # luma as a stored value and as light (printed)
    luma, light, lum = found(r"\npure red: luma Y' (0\.\d{3}) \(a stored value\) is light "
                             r"(0\.\d{3}); red's luminance Y is (0\.\d{3})\n", printed)
    assert float(luma) > float(lum) > float(light), "a larger weight, yet less light"
    assert "RGB_TO_YCBCR = torch.tensor([[0.299, 0.587, 0.114]," in code_with(nb, "RGB_TO_YCBCR =")
    assert luma == "0.299", "pure red's luma is BT.601's red weight"
    stored = torch.tensor(float(luma), dtype=torch.float64)
    assert light == f"{color.srgb_to_linear(stored).item():.3f}", "decoded as section 1 does"
    assert lum == f"{color.RGB_TO_XYZ[1, 0].item():.3f}", "red's Y: the matrix's middle row"
    # s32 (cold read r129, item 2): three short steps; the curve "flattens as light grows" (its
    # concavity, in plain words); the two effects pull in opposite directions for red, and the
    # stored value's darkening wins
    # s33 (structural round): the mechanism in one sentence ("mostly": luma's weights push
    # either way, checked below), pure red's numbers in the next; old F's pointer cut with F
    # s34 (cold read r134, telegraphic): why gray matters first, one idea per sentence; pure
    # red's stored luma and its light are left to the printout (word budget)
    assert ("**Claim 2: Lab's gray keeps the lightness.** When a colorizer is unsure, a squared "
            "error favors the mean of the plausible colors, which drifts toward gray (section 8 "
            "shows why). Lab's gray, `ab` = 0, keeps `L`. YCbCr's "
            "gray, the **luma gray** (`Cb` = `Cr` = 0), is too dark on saturated colors. One cause "
            "is that luma $Y'$ averages stored sRGB values, not light. So pure red's luma gray has "
            f"`L` {red_luma7} instead of {red_L7} (printed below). On the test photos the gap is "
            f"smaller, {mean_t} `L` on average on their most colorful pixels (chroma above 40, "
            "printed below).") in text
    # s33b (cold read r133): "mostly" was not shown (gamma and luma's weights are not separated);
    # pure red shows one cause, the percentage is left to the printout
    assert "mostly because" not in text and f"darker on {darker_t}%" not in text
    assert "bulges above the identity" not in text, "r129: not what concave means"
    # the encode curve flattens: its slope falls as light grows (above the toe)
    light_grid = torch.linspace(0.01, 1, 100, dtype=torch.float64)
    slope = torch.diff(color.linear_to_srgb(light_grid))
    assert (slope[1:] < slope[:-1]).all()
    assert "The two agree only when R = G = B." not in text
    assert int(darker_t) < 100 and float(mean_t) > 0, "not all darker, darker on average"
    # the weights alone can win: sRGB (0.6, 0.5, 0.6) has a luma gray lighter than its Lab gray
    # (the luma gray's light, decoded Y', against the color's luminance Y, which L follows)
    purple = torch.tensor([0.6, 0.5, 0.6], dtype=torch.float64)
    luma_light = color.srgb_to_linear((RGB_TO_YCBCR_0 * purple).sum())
    assert luma_light > color.RGB_TO_XYZ[1] @ color.srgb_to_linear(purple), "luma's gray lighter"
    assert not torch.allclose(RGB_TO_YCBCR_0, color.RGB_TO_XYZ[1].double()), "other weights"
    # the concave curve: a weighted mean of stored values encodes less light than the same mean
    # of light (Jensen), equal on grays
    gen = torch.Generator().manual_seed(0)
    rgb = torch.rand(3, 200, 1, generator=gen, dtype=torch.float64)
    w = torch.tensor([0.299, 0.587, 0.114], dtype=torch.float64).view(3, 1, 1)
    of_stored = (w * rgb).sum(0)
    of_light = color.linear_to_srgb((w * color.srgb_to_linear(rgb)).sum(0))
    assert (of_stored <= of_light + 1e-12).all()
    gray = rgb[:1].expand(3, -1, -1)
    assert torch.allclose((w * gray).sum(0),
                          color.linear_to_srgb((w * color.srgb_to_linear(gray)).sum(0)))
    assert "Luma $Y'$ weighs stored sRGB values rather than light" not in text
    assert "**Why not JPEG's YCbCr?**" not in text
    assert "assert abs(L_lab - L) < 1e-6, \"Lab's gray should keep L\"" in code_with(
        nb, "# four saturated colors: L of the color")
    cells = nb.cells
    said = next(k for k, c in enumerate(cells) if c.source.startswith("**Claim 2: Lab's gray"))
    assert "def luma_gray(rgb)" in cells[said + 1].source
    assert "lab_tests = color.images_to_lab(run.test.images)" in cells[said + 2].source
    assert printed.index("over the sRGB cube") < printed.index("pure red: luma Y'") < printed.index(
        "L of its luma gray") < printed.index(
        "test images not already gray, on their pixels with chroma > 40") < printed.index(
        "kept 2,772 of 3,000 pairs")
    assert "other weights than `L`'s" not in text
    assert 0.299 > color.RGB_TO_XYZ[1, 0].item()
    assert f"{116 * ((0.299 + 0.055) / 1.055) ** (2.4 / 3) - 16:.1f}" == red_luma7
    assert f"has `L` {red_luma} against red's {red_L}" not in text
    luma_w = torch.tensor([0.299, 0.587, 0.114])   # BT.601, the notebook's RGB_TO_YCBCR row 0
    assert "[[0.299, 0.587, 0.114]," in code_with(nb, "RGB_TO_YCBCR = torch.tensor(")
    assert luma_w.sum().item() == pytest.approx(1.0)
    # s28 (cold read r119, o_03 item 3): F kept its table; s29 (cold read r124, item 1): its
    # six photos' figure moved to section 7; s31 (cold read r128, item 2): its table too, and F
    # was cut (the luma gray is argued once, in claim 2)
    assert "### F. Luma gray and Lab gray" not in text
    assert "How dark is the luma gray of a saturated color?" not in text
    assert "# four saturated colors: L of the color" in cells[said + 1].source
    assert not any("a saturated color and its two grays" in c.source for c in nb.cells)
    assert "grays[name] = " not in code_with(nb, "# four saturated colors: L of the color")
    assert "A Lab model's dull prediction keeps the true `L`." not in text
    # s27 (k_03 item 6): the cat's two grays and its map were cut
    assert "the cat's luma gray" not in printed and "The first figure's cat" not in text
    assert not any("cat_luma_gray" in c.source for c in nb.cells)
    assert "This run does not separate the two." not in text
    assert text.index("## Going deeper") < text.index("### D. A colorfulness loss") < text.index(
        "## Summary")
    codes = [c.source for c in nb.cells if c.cell_type == "code"]
    at = {key: next(k for k, c in enumerate(codes) if key in c) for key in (
        "def ranks(x)", "summary(f\"gray baseline", "lab_tests = color.images_to_lab(",
        "def luma_gray(rgb)", "lab_cube = color.rgb_to_lab(cube)")}
    # s33 (structural round; task: old F repeated claim 2): the six photos' figure was cut
    assert (at["lab_cube = color.rgb_to_lab(cube)"] < at["def luma_gray(rgb)"]
            < at["lab_tests = color.images_to_lab("] < at["def ranks(x)"]
            < at["summary(f\"gray baseline"])
    assert not any("# The six most colorful" in c for c in codes)
    section_7 = text[text.index("## 7. Why"):text.index("## 8. How colorful")]
    assert "six most colorful" not in section_7 and section_7.count("Going deeper") == 0
    assert 'y = torch.einsum("j,...jhw->...hw", RGB_TO_YCBCR[0].to(rgb.dtype), rgb)' in code_with(
        nb, "def luma_gray(rgb)"), "one luma gray for the four colors and the test images"
    # over the test images section 8 scores (same is_gray rule): the one-line average
    assert "95th percentile" not in printed, "s27: the side numbers were cut"
    tests = code_with(nb, "lab_tests = color.images_to_lab(run.test.images)")
    assert "scored = ~metrics.is_gray(lab_tests)" in tests and "if colorful.any():" in tests
    assert "(lab_tests[:, 1:].norm(dim=1) > 40) & scored.view(-1, 1, 1)" in tests
    assert "{(dL > 0).double().mean():.0%} of them" in tests
    assert (printed.index("over the sRGB cube")
            < printed.index("test images not already gray, on their pixels with chroma > 40")
            < printed.index("rank (Spearman) correlation"))
    assert "the 6 most colorful test images" not in printed
    # s27 (cold read r115, UNBACKED "small"): "smaller" than pure red's, as printed
    assert 0 < float(mean_t) < lost / 3 and int(share_t) < 20, "smaller, few pixels that colorful"
    assert text.count(f"{mean_t} `L`") == 1, "said once with its unit, in section 7"
    # s25 round 2 (cold read r108, error of fact): the spreads are not "at equal RGB distance";
    # section 7 points to Going deeper D without them (Lab's spread the smallest, printed there)
    rows = {name: spread for name, spread in re.findall(
        r"^(RGB|YCbCr|Lab \(ΔE76\)) +(\d+\.\d)$", printed, re.M)}
    assert float(rows["Lab (ΔE76)"]) < min(float(rows["RGB"]), float(rows["YCbCr"]))
    # s29 (cold read r124, item 1): claim 3 of section 7's case, with the one caveat of the
    # lecture (D no longer repeats it)
    # s29 round 7 (cold read r125, item 1): claim 3's evidence on the main path, D's printed
    # pair count and spreads
    # s30 (cold read r126, item 1): the pairs, the spreads and their histograms moved from Going
    # deeper D into section 7, right after claim 3's lead; the reading quotes the printed spreads
    assert ("**Claim 3: Lab's distances are closer to perceived ones.** "
            "[CIEDE2000](../docs/glossary.md#ciede2000), fitted to people's judgments (Luo, Cui & "
            "Rigg 2001), stands in for the eye. For "
            "random pairs of colors up to 0.1 apart in RGB, we take $r$") in text
    # s34 (cold read r134, item 1 and unbacked pointer): the hedge in one short sentence, then a
    # three-sentence verdict: claim 1 holds for YCbCr too (its printed PSNRs), claim 2 favors Lab
    # (the luma table), claim 3 is what notebook 05 needs for its equal squares (a pointer, said
    # as such; the bins' grid is checked below)
    # s34 round 11 (cold read r135, unbacked forward claim): notebook 05's squares are not
    # shown here, so the pointer was cut
    assert ("Lab's spread is the smallest. CIEDE2000 is itself built on Lab, so this is support, "
            "not proof. **The verdict.** Claim 1 holds for YCbCr too. Claim 2 favors Lab, because "
            "its gray keeps the true lightness and YCbCr's does not. Claim 3 adds that Lab's "
            "distances are closer to perceived ones.") in text
    assert "equal squares" not in text
    blurs = re.findall(r"true L, ab blurred (\d+\.\d) dB, true Y', CbCr blurred (\d+\.\d) dB, "
                       r"RGB blurred (\d+\.\d) dB", printed)
    assert len(blurs) == 2 and all(float(y) >= float(lab) > float(rgb) for lab, y, rgb in blurs), \
        "YCbCr's blur does as well or better; both beat RGB's"
    # s33b (cold read r133, item 1): 05's bins are equal squares of the ab plane
    grid = ab_bins.AbBins.fit(torch.zeros(1, 2, 4, 4)).centers
    steps = torch.diff(torch.unique(grid[:, 0]))
    assert len(steps) == 0 or torch.allclose(steps, torch.full_like(steps, ab_bins.GRID_STEP))
    assert ab_bins.GRID_STEP == 10.0
    assert text.count("CIEDE2000 is itself built on Lab") == 1
    assert "no independent proof" not in text
    assert "step = step / step.norm(dim=0, keepdim=True) * 0.1 * torch.rand(" in code_with(
        nb, "kept {keep.sum().item():,} of 3,000 pairs")
    assert "roughly follow what people see" not in text
    assert "at equal RGB distance, ΔE76 tracks" not in text
    assert text_index_order(text, "**The network's ab square.**", "**Claim 2: Lab's gray",
                            "**Claim 3: Lab's distances", "**Key idea:** Lab hands a colorizer",
                            "## Going deeper", "## Summary")


def test_small_fixes_of_r107(committed):
    """s25: the cold read r107's smaller asks."""
    nb, markdown, _ = committed
    text = " ".join(markdown.split())
    # fig_38: an arrow from the "pure red" label to its ring
    plane = code_with(nb, '"pure red: +a and +b"')
    assert ('ax.annotate("pure red: +a and +b", (a_red, b_red), xytext=(-28, 30), '
            'textcoords="offset points",') in plane
    assert 'arrowprops=dict(arrowstyle="->", color="k", lw=0.9, shrinkB=7)' in plane
    # s25 round 2 (cold read r108, UNBACKED): "as a viewer would" rests on CIEDE2000 only (no
    # human data in the run): the answer says CIEDE2000, whose spread for Lab is the smallest
    rows = dict(re.findall(r"^(RGB|YCbCr|Lab \(ΔE76\)) +(\d+\.\d)$", committed[2], re.M))
    assert float(rows["Lab (ΔE76)"]) < float(rows["RGB"])
    # s33 (structural round): old D (its questions, the histograms' label) and C's second
    # question were cut
    assert "It charges all these pairs about the same" not in text
    assert "as a viewer would" not in text
    assert "Why is its `L` not the sum of theirs?" not in text


def test_why_each_step_matters(committed):
    """s26 (cold read r110, g_03 item 3): one line at the top of sections 1, 2 and 3 says why the
    step matters for a colorizer, each backed by the code it describes (section 5's first line,
    the loss after lab_to_rgb, is test_section_5_motivation_is_the_course_s_own's)."""
    nb, markdown, _ = committed
    text = " ".join(markdown.split())
    # section 1: stored sRGB at both ends: the chain decodes first and encodes last
    # s34 (word budget): section 1's line was cut; the plan's figure shows stored sRGB at both
    # ends of the chain
    assert "A colorizer's photos are stored sRGB" not in text
    assert "lin = my_srgb_to_linear(rgb)" in code_with(nb, "def my_rgb_to_xyz")
    assert "return my_linear_to_srgb(lin.clamp(0, 1))" in code_with(nb, "def my_xyz_to_rgb")
    # section 2: Lab is computed from XYZ, and L from Y, the matrix's middle row
    # s34 (word budget): section 2's line was cut for its derivation (cold read r134, item 2)
    assert ("## 2. Linear RGB → CIE XYZ: a 3 × 3 matrix **CIE XYZ**, color science's reference"
            in text)
    assert "return my_xyz_to_lab(my_rgb_to_xyz(rgb))" in code_with(nb, "def my_rgb_to_lab")
    assert "[116 * fy - 16," in code_with(nb, "def my_xyz_to_lab")
    # section 3: this step gives L and ab, which normalize_lab turns into input and target
    # s34 round 11 (word budget): the opening says it (a colorizer is handed L, predicts ab)
    assert ("## 3. XYZ → CIE Lab: the piecewise $f(t)$ Perceived lightness grows roughly like a "
            "cube root of light.") in text
    assert "a colorizer is handed `L` and only has to predict `ab`." in text
    assert "normalize_lab" not in code_with(nb, "lab_cube = color.rgb_to_lab"), "s33: 04's"
    L, ab = color.normalize_lab(torch.zeros(1, 3, 2, 2))
    assert L.shape[1] == 1 and ab.shape[1] == 2, "input L, target ab"
    # section 5 still opens on its own reason (no later notebook computes such a loss: "would")
    assert ("## 5. Gradients: `gradcheck`, black included Notebooks 04 and 05 train on `ab` "
            "directly, but a loss after `lab_to_rgb` would send gradients") in text


def test_the_network_square_and_the_gamut(committed):
    """s26 round 3 (cold read r114, i_03 item 3): section 6 ties the gamut to the colorizer: the
    share of the network's ab square (±AB_SCALE) displayable at L = 50, printed by the visible
    cell; what lies outside is clipped (section 4), and the clip's slope there is 0 (section 5)."""
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    (share,) = found(r"at pure red's L = (53\.2), (\d+)% of the network's ab square "
                     r"\[-110, 110\]² is displayable\n", printed)[1:]
    assert 0 < int(share) < 50, "only a fraction of it"
    # s27 (cold read r115, k_03 item 2): one square, the network's, for the figure, this share
    # and Going deeper D's panels
    # s27 round 2 (cold read r116, l_03 item 1): the share at the figure's L, one share
    # s28 round 7: the repeat of section 5's question 2 was cut (word budget)
    # s29 round 7 (cold read r125, item 4): the square is defined before the figure, from
    # normalize_lab's printed ab / 110 (section 7)
    # s30 (cold read r126, item 4 and forward references): 04's Tanh and 05's bins, each said
    # for its own notebook; the square is named before the figure
    # s32 (cold read r129, item 4): the square first, plainly; the Tanh in one sentence; the
    # bins are a forward note at the end of the section
    # s33 (structural round): the square, that every sRGB color fits it, and the gamut, in one
    # paragraph; the printed lines back it (first line: the cube's ranges, second: the share)
    # s34 (cold read r134, telegraphic; word budget): the square, then the printed share; the
    # cube's ranges print on the first line, unread
    assert ("**The network's ab square.** Notebooks 04 and 05 predict `ab` inside a fixed square, "
            f"with `a` and `b` each from −{color.AB_SCALE:g} to {color.AB_SCALE:g} (`AB_SCALE`). "
            "At pure red's lightness, most of the square lies outside an sRGB screen's "
            "**gamut**, the colors it can show (printed below).") in text
    said = next(k for k, c in enumerate(nb.cells) if c.source.startswith("**The network's ab"))
    lines = [ln for o in nb.cells[said + 1].outputs for ln in o.get("text", "").splitlines()]
    assert lines[0].startswith("over the sRGB cube:") and "of the network's ab square" in lines[1]
    assert ab_bins.GRID_LIMIT == color.AB_SCALE, "05's bin centers run from -110 to 110"
    unet = models.UNet(out_ch=2, base=8)
    assert isinstance(unet.activation, torch.nn.Tanh), "04's regression head ends in a Tanh"
    assert (text.index("**The network's ab square.**") < text.index("**Key idea:** At each `L` "
            "a screen") < text.index("## 7. Why colorization"))
    # s32 (cold read r131, density): the share is printed above the figure, not repeated
    assert f"{share}% of the network's ab square" not in text, "printed, not repeated"
    assert "yet only" not in text
    assert "±110 (section 7)" not in text
    assert 'ax.set_title(f"the ab plane at L = {L_red:.1f}' in code_with(
        nb, "The ab plane at pure red's lightness: the displayable")
    assert "at `L` = 50 only" not in text
    # cold read r115: per channel; the channels still in range pass their gradient
    assert "the clip passes no gradient (section 5)" not in text
    cell = code_with(nb, "def ab_plane")
    assert "def ab_plane(L, lim=color.AB_SCALE, n=221):" in cell
    assert "shown, inside = ab_plane(L_red)" in cell and "inside_net" not in cell
    assert "{inside.double().mean().item() * 100:.0f}%" in cell, "the figure's own mask"
    figure = code_with(nb, "The ab plane at pure red's lightness: the displayable")
    assert "extent = (-color.AB_SCALE, color.AB_SCALE) * 2" in figure
    assert "shown, inside = ab_plane(L)" in panels_code(nb), "D uses the same square"
    assert color.AB_SCALE == 110
    assert "return my_linear_to_srgb(lin.clamp(0, 1))" in code_with(nb, "def my_xyz_to_rgb")
    x = torch.tensor([1.5, -0.5], requires_grad=True)
    x.clamp(0, 1).sum().backward()
    assert (x.grad == 0).all(), "the clip passes no gradient outside [0, 1]"
    assert "the clamp's slope is 0 outside [0, 1]" in text
    assert "The clip can move a color far" not in text, "s33: Going deeper B shows it"


def test_section_7_shows_why_lab(committed):
    """s28 (cold read r119, o_03 item 1): section 7 shows its case on the main path. s29 (cold read
    r124, items 1 and 4): it states the case first, three claims, then the evidence claim by
    claim; the blur test (claim 1) runs on the cat and on one 32 x 32 test image, and says plainly
    that YCbCr does as well."""
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    section_7 = text[text.index("## 7. Why colorization"):text.index("## 8. How colorful")]
    # s33 (structural round): one claim per paragraph, each said plainly first
    assert text_index_order(section_7, "**Claim 1: Lab splits brightness from color.**",
                            "**Claim 2: Lab's gray keeps the lightness.**",
                            "**Claim 3: Lab's distances are closer to perceived ones.**")
    # "section 8 shows why": its squared-error demo
    assert "**Why a squared error favors the mean.** Below, a pixel at" in text
    cell = code_with(nb, "def blur(x, sigma=4.0):")
    assert "r = round(3 * sigma)" in cell and 'mode="reflect"' in cell
    assert ('"true L, ab blurred": color.lab_to_rgb(torch.cat([lab[:1], blur(lab[1:], sigma)])),'
            in cell)
    assert '"true Y\', CbCr blurred": blur_cbcr(rgb, sigma),' in cell
    assert '"RGB blurred": blur(rgb, sigma)}' in cell
    assert ('rows = {"cat, 256 px, σ = 4 px": blur_test(color.lab_to_rgb(cat), 4.0),' in cell)
    assert "blur_test(run.test.images[car].double() / 255, 1.0)}" in cell
    assert "ycc = torch.cat([ycc[:1], blur(ycc[1:], sigma)])" in cell
    assert ('return torch.einsum("ij,jhw->ihw", torch.linalg.inv(RGB_TO_YCBCR).to(rgb.dtype), '
            'ycc).clamp(0, 1)') in cell
    assert "fig, axes = plt.subplots(2, 4, figsize=(12, 6.6))" in cell
    blur_rows = re.findall(
        r"(?m)^(\w+), (\d+) px, σ = (\d) px, PSNR against the original: true L, ab blurred "
        r"(\d+\.\d) dB, true Y', CbCr blurred (\d+\.\d) dB, RGB blurred (\d+\.\d) dB$", printed)
    assert [(r[0], r[1], r[2]) for r in blur_rows] == [("cat", "256", "4"),
                                                       ("automobile", "32", "1")]
    (_, _, _, cat_ab, cat_ycc, cat_rgb), (_, _, _, car_ab, car_ycc, car_rgb) = blur_rows
    for ab_db, ycc_db, rgb_db in ((cat_ab, cat_ycc, cat_rgb), (car_ab, car_ycc, car_rgb)):
        assert float(ab_db) > float(rgb_db) + 6, "the blurred ab is far closer to the photo"
        assert float(ycc_db) > float(rgb_db) + 6
        assert 0 <= float(ycc_db) - float(ab_db) < 3, "the text: as well, even slightly better"
    # s32 (cold read r129, item 2 and unbacked): "unblurred", not "true brightness" (luma is not
    # brightness, claim 2 shows); the PSNRs are the titles'; YCbCr as well or better, by up to
    # the printed car's gap
    # s34 (cold read r134, the blur-test sentence): one bullet per blur; the rows' photos and
    # sigmas are the figure's row labels
    assert ("predicts only `ab`, which can be smooth. To test this, we blur two photos in three "
            "ways: - Lab: blur `ab`, keep `L`; - YCbCr, JPEG's color space: blur the color "
            "channels `CbCr`, keep the [luma](../docs/glossary.md#luma) $Y'$; - RGB: blur the "
            "whole image.") in text
    assert 'ax_row[0].set_ylabel(name.replace(", σ", "\\nσ"), fontsize=10)' in cell, \
        "each row's label names its photo, size and sigma"
    gap = max(float(ycc) - float(ab) for ab, ycc in ((cat_ab, cat_ycc), (car_ab, car_ycc)))
    # s32 (cold read r131, density): the gap is the titles' (and printed), not repeated
    assert 0 < gap < 3
    assert ("On the unblurred `L`, the blurred `ab` still looks like the photo. The blurred RGB "
            "image loses the whiskers and the car's sharp edges. So `ab` may be smooth, even at 32 "
            "pixels. YCbCr's blurred `CbCr` looks the same as Lab's and scores higher, so this "
            "test backs splitting off brightness, not Lab over YCbCr.") in text
    # s34 round 11 (cold read r135, unbacked "better"): higher PSNR on both photos, as printed
    assert all(float(ycc) > float(ab) for ab, ycc in ((cat_ab, cat_ycc), (car_ab, car_ycc)))
    assert 'f"PSNR {db[title]:.1f} dB"' in cell, "the titles carry the PSNRs"
    assert "true brightness" not in text
    assert "scores about as well" not in text, "r124: YCbCr is slightly ahead; said plainly"
    assert "Its dull guesses keep the true lightness too." not in text, "r121: UNBACKED"
    # the sigma is the same for both: a 1-D Gaussian applied along rows, then columns
    torch.manual_seed(0)
    x = torch.rand(2, 40, 40, dtype=torch.float64)
    scope = {"torch": torch, "metrics": metrics, "color": color}   # SSIM's Gaussian window
    exec(cell.split("\n\n\ncar = ")[0], scope)
    y = scope["blur"](x)
    assert y.shape == x.shape and abs(y.mean() - x.mean()) < 0.01 and y.std() < x.std() / 3
    # blur_cbcr keeps luma Y' (before the clip) and leaves a gray image gray
    rgb = 0.2 + 0.6 * torch.rand(3, 40, 40, dtype=torch.float64)
    m = scope["RGB_TO_YCBCR"]
    kept_y = torch.einsum("j,jhw->hw", m[0], scope["blur_cbcr"](rgb, 1.0))
    assert (kept_y - torch.einsum("j,jhw->hw", m[0], rgb)).abs().max() < 1e-9
    gray = rgb[:1].expand(3, -1, -1)
    assert (scope["blur_cbcr"](gray) - gray).abs().max() < 1e-9
    # blur_test's Lab copy keeps L exactly where nothing clips
    shown = scope["blur_test"](rgb, 1.0)
    L_back = color.rgb_to_lab(shown["true L, ab blurred"])[0]
    assert (L_back - color.rgb_to_lab(rgb)[0]).abs().median() < 0.05
    # s29 round 7 (cold read r125, item 1): claim 3 quotes the printed spreads; s30 (cold read
    # r126, item 1): they are printed in section 7, by the cell right after claim 3's lead, with
    # the histograms (collapsed) and the reading after them
    rows = {name: float(spread) for name, spread in re.findall(
        r"^(RGB|YCbCr|Lab \(ΔE76\)) +(\d+\.\d)$", printed, re.M)}
    assert rows["Lab (ΔE76)"] < min(rows["YCbCr"], rows["RGB"])
    assert f"{rows['Lab (ΔE76)']:.1f}, against" not in section_7, "s32: the printout says them"
    assert "Going deeper D, with the details" not in text
    assert "low, high = torch.quantile(d_e00 / d, torch.tensor([0.05, 0.95]" in code_with(
        nb, "spread = {}")
    claim_3 = next(k for k, c in enumerate(nb.cells) if c.source.startswith("**Claim 3: Lab's"))
    assert "spread = {}" in nb.cells[claim_3 + 1].source
    assert "hide-input" not in nb.cells[claim_3 + 1].metadata.get("tags", [])
    # s33 (structural round): the table is claim 3's evidence; its histograms were cut
    assert nb.cells[claim_3 + 2].source.startswith("Lab's spread is the smallest")
    assert nb.cells[claim_3 + 3].source.startswith("**Key idea:** Lab hands a colorizer")
    assert printed.index("over the sRGB cube") < printed.index("kept 2,772 of 3,000 pairs")
    at = [k for k, c in enumerate(nb.cells) if c.source.startswith(("## 7. Why", "def blur(",
                                                                   "On the unblurred `L`"))]
    assert len(at) == 3 and at == [at[0], at[0] + 1, at[0] + 2], "lead, figure, reading"
    assert "hide-input" not in nb.cells[at[1]].metadata.get("tags", [])


def test_small_fixes_of_r119(committed):
    """s28 (cold read r119): Going deeper A's collapsed checks, fig_52's third row, the time."""
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    # o_03 item 3: Going deeper A's code collapsed, outputs kept (s29: one table cell, and the
    # test images set apart)
    for key in ("# Every check of the lecture's code in one table",
                "# the test images left out of the bar"):
        c = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(key))
        assert c.metadata["jupyter"]["source_hidden"] and "hide-input" in c.metadata["tags"], key
        assert c.outputs, key
    a = text[text.index("### A. Verification details"):text.index("### B. How far the clip")]
    assert "(the code is collapsed)" in a
    assert "gray's PSNR on them" in printed
    assert "def tup(x, digits):" in code_with(nb, "P3 = torch.stack"), "B's first cell, visible"
    # s29 (cold read r124, item 5): the training mean ab is the table's only; the figure shows
    # truth and gray
    figure = code_with(nb, "names4 = ")
    assert "const" not in figure and "training\\nmean ab" not in figure
    assert "const = color.lab_to_rgb(" in code_with(nb, "def psnr")
    assert "ab_train_mean.expand_as(lab[:, 1:])" in code_with(nb, "def psnr")


def test_small_fixes_of_r124(committed):
    """s29 (cold read r124): the plain-intuition sentences of sections 1-3, the gradcheck answer
    for every Lab entry, and the Summary's Lab-specific reason."""
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    # section 1: decoding gives back light (the kit's decode inverts its encode); s32: the "In
    # words" repeat was cut
    assert "we first **decode** stored values to light" in text
    light = torch.linspace(0, 1, 1001, dtype=torch.float64)
    assert (color.srgb_to_linear(color.linear_to_srgb(light)) - light).abs().max() < 1e-6
    # s32: section 1's second question (its clamp question moved to section 5): the left panel
    # draws both curves and the identity over [0, 1], so the two are mirror images in it
    assert ("2. Why is the decode curve the encode curve mirrored in the identity line (figure, "
            "left)? <details><summary>Answer</summary> Decode swaps encode's input and output, and "
            "swapping mirrors a curve in the identity line. </details>") in text
    figure = code_with(nb, "zoom on the darkest tones")
    assert "axes[0].plot(v, my_srgb_to_linear(v)" in figure and "axes[0].plot(v, v," in figure
    assert "axes[0].plot(v, my_linear_to_srgb(v)" in figure
    # section 3: f is a cube root above the toe, so eight times the light doubles f
    assert ("So Lab divides XYZ by the white and applies $f$, about a cube root. Eight times the "
            "light only doubles $f$.") in text
    t = torch.tensor([0.01, 0.05, 0.1], dtype=torch.float64)
    assert torch.allclose(color._lab_f(8 * t), 2 * color._lab_f(t))
    # section 5, question 1: near black, linear RGB is linear in (L, a, b) (f's toe), and every
    # entry moves every channel, so each nudge clips a channel on one side only
    # s31 (cold read r128, imprecise): for each entry and channel, as the slope is never 0
    # s32 (cold read r131, imprecise and item 3): the setup first (a central difference averages
    # the two sides of a kink), then the reason the slopes are linear: f's inverse is linear
    # below δ (its toe); every f at black, 4/29, is below δ = 6/29
    # s33 (structural round): shorter; the linearity below (f's toe) still backs "one way"
    assert ("The clip puts a kink at black. A nudge one way pushes a linear channel below 0, where "
            "the clip holds it.") in text
    assert "a nudge below 0 is clipped away and one above is not" not in text
    lab = torch.zeros(3, 1, 1, dtype=torch.float64)
    to_linear = lambda x: torch.einsum("ij,jhw->ihw", torch.linalg.inv(color.RGB_TO_XYZ),  # noqa: E731
                                       color.lab_to_xyz(x)).flatten()
    jac = torch.autograd.functional.jacobian(to_linear, lab).reshape(3, 3)
    assert (jac.abs() > 1e-6).all(), "every Lab entry moves every linear channel"
    for entry in range(3):
        step = torch.zeros(3, 1, 1, dtype=torch.float64)
        step[entry] = 1e-3
        up, down = to_linear(step), to_linear(-step)
        assert torch.allclose(up, -down) and torch.allclose(up, jac[:, entry] * 1e-3), "linear"
    # the Summary: Lab's gray keeps L, YCbCr's does not (F's table and section 7's printout)
    rows = re.findall(r"^(red|green|blue|yellow) +(\d+\.\d) +(\d+\.\d) +(\d+\.\d)$", printed, re.M)
    assert rows and all(lab_L == L and float(luma) < float(L) for _, L, luma, lab_L in rows)
    assert ("- Colorization lives in Lab: a colorizer is handed `L` and predicts only `ab`. Unlike "
            "YCbCr's, Lab's gray keeps the photo's lightness.") in text
    # fig_040: the +a label sits in the right margin, beside its tip (not under the magenta);
    # s30 (cold read r126): above the axis, where the edge lies further left (clear of it)
    plane = code_with(nb, '"pure red: +a and +b"')
    assert '("+a:\\nred/\\nmagenta", (80, 0), (100, 27)),' in plane
    assert not any("random pairs" in c.source for c in nb.cells if c.cell_type == "code"), \
        "s33: old D's figure was cut"


def test_small_fixes_of_r125(committed):
    """s29 round 7 (cold read r125): chroma is the distance from gray (not colorfulness), and the
    90 minutes is said to be an estimate."""
    nb, markdown, _ = committed
    text = " ".join(markdown.split())
    assert ("**[Chroma](../docs/glossary.md#chroma)** $C = \\sqrt{a^2 + b^2}$ is the distance from "
            "gray in the ab plane.") in text
    assert "measures colorfulness" not in text
    # the distance in Lab from a color to the gray of its L, (L, 0, 0), is sqrt(a² + b²)
    lab = color.rgb_to_lab(torch.rand(3, 5, 5, generator=torch.Generator().manual_seed(0)))
    gray = torch.cat([lab[:1], torch.zeros_like(lab[1:])])
    distance = (lab - gray).norm(dim=0)                      # (5, 5): Lab distance to its gray
    assert torch.allclose(distance, torch.sqrt(lab[1] ** 2 + lab[2] ** 2))
    assert torch.allclose(metrics.mean_chroma(lab[None]), distance.mean()), "the kit's chroma"
    # the time to work through is an estimate; the run time is measured (the Time line's test)
    assert "**Time:** about 90 minutes to work through (our estimate); the committed run" in text
    assert "**Time:** about 90 minutes;" not in text


def test_small_fixes_of_r126(committed):
    """s30 (cold read r126): the clamp's rule at and below its bound (item 2), the kit's
    conversions named, the plan's way back on two lines."""
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    # item 2: clamp_min's backward passes the gradient at its bound, nan included, and sends 0
    # below it, whatever arrives (the printed 12.92 at -0.01 and nan at black of clamped_at_0)
    # s33 (structural round, cold read r132 item 1): the rule left with clamped_at_0; what is
    # left is section 5's question 1: the clamp passes the gradient at its bound (the printed
    # autograd slope at black is checked in test_gradcheck_black_included)
    assert "`torch.clamp` passes the gradient at its bound" in text
    # the kit's conversions are the notebook's own (Going deeper A's rows, < 1e-9)
    # s34 (word budget): A's rows say it
    assert ("`color.rgb_to_lab` and `color.lab_to_rgb` are the course kit's copy of this chain."
            ) in text
    table = a_table(printed)
    assert value(table["my_rgb_to_lab vs colorlab.color.rgb_to_lab"][0]) < 1e-6
    assert value(table["my_lab_to_rgb vs colorlab.color.lab_to_rgb"][0]) < 1e-6
    # Going deeper A's lead is one line now; the switch is said in section 2 only
    assert text.count("moves the tested colors (`rgb_test`) by at most") == 0, "s33: A's row"
    # the plan: the way back's label on two lines, a little larger
    plan = code_with(nb, "section 4, the way back")
    assert "fontsize=10, color=\"C1\")" in plan and "ylim=(0.2, 2.75)" in plan


def test_small_fixes_of_r135(committed):
    """s34 round 11 (cold read r135): section 6's question on blue's L, scikit-image's two
    tables and the grays they give, and a squared error's pull toward the mean of the plausible
    colors."""
    nb, markdown, printed = committed
    text = " ".join(markdown.split())
    # item 6: section 6's question; blue's Y is the printed M's middle row (the code's matrix,
    # scikit-image's, rounds to the same), and mid gray is the white (Y = 1) dimmed to the
    # light printed in section 1, so its Y is that light
    (light,) = found(r"decode: a stored 0\.5 is light (\d\.\d{3})\n", printed)
    m_block = printed.split("derived from the primaries and D65:", 1)[1].split("derived,", 1)[0]
    m_rows = [re.findall(r"-?\d\.\d{4}", line) for line in m_block.strip().split("\n")]
    blue_y = m_rows[1][2]
    assert f"{color.RGB_TO_XYZ[1, 2].item():.4f}" == blue_y
    assert abs(color.RGB_TO_XYZ[1].sum().item() - 1) < 1e-9 and color.D65_WHITE[1].item() == 1
    gray = torch.full((3, 1, 1), 0.5, dtype=torch.float64)
    assert f"{(color.RGB_TO_XYZ[1] @ color.srgb_to_linear(gray).flatten()).item():.3f}" == light
    assert float(blue_y) < float(light)
    lightness = {name: float(L) for name, L in
                 re.findall(r"^(blue|gray 50%) +\([\d., ]+\) +(\d+\.\d\d) ", printed, re.M)}
    assert lightness["blue"] < lightness["gray 50%"], "the question: blue is darker"
    section_6 = text[text.index("## 6. Familiar"):text.index("## 7. Why")]
    assert ("**Question.** Why is pure blue darker than mid gray? <details><summary>Answer"
            "</summary> `L` depends on $Y$ alone. Blue's $Y$ is 0.0722 ($M$'s middle row), and mid "
            f"gray, the white dimmed to light {light} (section 1), has $Y$ {light}. </details>"
            ) in section_6
    assert blue_y == "0.0722"
    # error of fact (gray's 0): scikit-image's matrix rows do not sum to its white, so a gray's
    # a and b are off 0, by less than the 0.005 that section 6's two-decimal table would show
    assert not torch.allclose(color.RGB_TO_XYZ.sum(dim=1), color.D65_WHITE, rtol=0, atol=1e-6)
    levels = torch.linspace(0, 1, 101, dtype=torch.float64)
    grays = color.rgb_to_lab(levels.view(1, 1, -1).expand(3, 1, -1))[1:]
    assert grays[..., 1:].abs().min() > 0 and grays.abs().max() < 0.005   # black is exact
    ab = dict(re.findall(r"^(white|gray 50%) +\([\d., ]+\) +\d+\.\d\d +(-?\d+\.\d\d +-?\d+\.\d\d)$",
                         printed, re.M))
    assert {k: v.split() for k, v in ab.items()} == {"white": ["0.00", "0.00"],
                                                     "gray 50%": ["0.00", "0.00"]}
    # inexact (cold read r135, item 3): a squared error favors the mean of the plausible
    # colors; the mean is never more colorful than the colors on average (the triangle
    # inequality), so it drifts toward gray, and it is gray when they balance around it (the
    # printed green and purple)
    guesses = {name: (float(a), float(b)) for name, a, b in re.findall(
        r"^guess (green|purple|their mean, gray) ab \((-?\d+), (-?\d+)\)", printed, re.M)}
    pair = torch.tensor([guesses["green"], guesses["purple"]])
    assert torch.equal(pair.mean(dim=0), torch.tensor(guesses["their mean, gray"]))
    colors = torch.randn(1000, 5, 2, generator=torch.Generator().manual_seed(0)) * 40
    assert (colors.mean(dim=1).norm(dim=-1) <= colors.norm(dim=-1).mean(dim=1) + 1e-9).all()
    assert text.count("favors the mean of the plausible colors") == 3   # claim 2, key idea, Summary
    # item 4: the hatched part of the ab square is the part outside the gamut
    assert "The figure hatches that part, and `lab_to_rgb` clips it." in text
    plane = code_with(nb, '"pure red: +a and +b"')
    assert 'ax.contourf((~inside).double().numpy(), levels=[0.5, 1.5]' in plane
