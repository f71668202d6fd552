"""Lecture 02's text quotes its committed run. These tests read the committed notebook (they
re-run nothing) and check each quoted number and ranking against the lines that run printed, so
the text cannot drift from the outputs when the lecture is re-run.

A statement that was reworded fails here with the pattern it looked for: update the pattern.
"""

import inspect
import math
import re
from pathlib import Path

import nbformat
import pytest
import torch

from colorlab.color import lab_to_rgb
from colorlab.course.notebook import QUICK_PRESETS, start
from colorlab.metrics import GRAY_CHROMA
from colorlab.models import RGBAutoencoder, UNet, count_parameters
from colorlab.train import fit

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02_rgb_autoencoder.ipynb"
NB = nbformat.read(NOTEBOOK, as_version=4)
# the markdown with every run of white space made one space: statements span line breaks
MARKDOWN = " ".join("\n".join(c.source for c in NB.cells if c.cell_type == "markdown").split())
CODE = "".join(c.source for c in NB.cells if c.cell_type == "code")
PRINTED = "".join(o.get("text", "") for c in NB.cells if c.cell_type == "code"
                  for o in c.outputs if o.output_type == "stream")
NUMBER = r"([\d,]+(?:\.\d+)?)"
SIGNED = r"([-+]?\d+(?:\.\d+)?)"


def printed(pattern: str) -> tuple:
    """The groups of the one printed line that matches ``pattern``."""
    found = [m.groups() for m in re.finditer(pattern, PRINTED, flags=re.M)]
    assert len(found) == 1, (f"{NOTEBOOK.name}: expected one printed line matching {pattern!r}, "
                             f"found {len(found)}. Was a print changed without re-running?")
    return found[0]


def said(pattern: str) -> list[tuple]:
    """The groups of every place where the markdown makes the statement ``pattern``."""
    found = [m.groups() for m in re.finditer(pattern, MARKDOWN)]
    assert found, (f"{NOTEBOOK.name}: the text no longer says {pattern!r}; if it was reworded, "
                   "update this test with it")
    return found


def num(text: str) -> float:
    return float(text.replace(",", ""))


def sweep() -> dict[int, tuple[int, float]]:
    """{bottleneck channels: (code numbers, test PSNR)} from the sweep's printed lines."""
    lines = re.findall(r"^code of +(\d+) numbers = +(\d+) x 4 x 4: test PSNR ([\d.]+) dB$",
                       PRINTED, flags=re.M)
    assert len(lines) >= 2, f"{NOTEBOOK.name}: the sweep's lines are missing"
    return {int(b): (int(code), float(p)) for code, b, p in lines}


def steps() -> list[tuple[int, int, float, float]]:
    """[(from code, to code, dB in all, dB per doubling)], printed."""
    lines = re.findall(r"^ +(\d+) -> +(\d+): ([-+][\d.]+) dB in all, ([-+][\d.]+) dB per "
                       r"doubling$", PRINTED, flags=re.M)
    assert lines, f"{NOTEBOOK.name}: the sweep's gains are not printed"
    return [(int(a), int(b), float(g), float(d)) for a, b, g, d in lines]


def reseeded() -> dict[int, tuple[float, float]]:
    """{code numbers: (test PSNR with seed 1, change against seed 0)}, printed."""
    lines = re.findall(r"^code of +(\d+) numbers, seed 1: test PSNR ([\d.]+) dB \(([-+][\d.]+) dB "
                       r"against seed 0\)$", PRINTED, flags=re.M)
    assert len(lines) == 2, f"{NOTEBOOK.name}: the two reseeded codes' lines are missing"
    return {int(code): (float(p), float(d)) for code, p, d in lines}


def reseeded_colorizer() -> list[tuple[str, str]]:
    """[(PSNR with the brightness put back, PSNR as colorized)] of the gray -> RGB autoencoder
    trained with seed 1, printed."""
    return re.findall(r"^the same with seed 1: brightness put back ([\d.]+) dB \(as colorized "
                      r"([\d.]+) dB\)$", PRINTED, flags=re.M)


def reseeded_unet() -> dict[int, tuple[str, ...]]:
    """{seed: (mean PSNR, against gray, median PSNR, gray's median, % above gray, pooled MSE,
    gray's)} of the UNet trained with seeds 0 and 1, printed (Going deeper)."""
    lines = re.findall(r"^the UNet \(skips\), seed (\d): mean PSNR ([\d.]+) dB \(([-+][\d.]+) "
                       r"against gray\), median ([\d.]+) dB \(gray ([\d.]+)\), beats gray on "
                       r"(\d+)% of the images, pooled MSE ([\d.]+) \(gray ([\d.]+)\)$",
                       PRINTED, flags=re.M)
    assert len(lines) == 2, f"{NOTEBOOK.name}: the UNet's two seeds are not printed"
    return {int(seed): tuple(rest) for seed, *rest in lines}


def curves() -> dict[str, tuple[float, float]]:
    """{training: (first, last validation MSE)} from the curves figure's printed lines."""
    lines = re.findall(r"^  (.+?) +([\d.]+) -> ([\d.]+)$", PRINTED, flags=re.M)
    return {name: (float(a), float(b)) for name, a, b in lines}


def test_the_time_line_is_the_committed_run():
    mode, device, precision, train = printed(r"^mode: (\w+) \| device: (CPU \([^)]*\)) \| "
                                             r"precision: (\w+) \(bf16 without AMX[^\n]*\| data: "
                                             r"CIFAR-10[^:]*: ([\d,]+) train / 500 validation")
    assert device == "CPU (AMD EPYC, 2 cores)", f"the text names a 2-core AMD EPYC: {device}"
    assert precision == "float32", "the text says fit trained in float32, on a CPU without AMX"
    assert (mode, train) == ("quick", "1,500"), "the text describes a quick run on 1,500 images"
    epochs, images, _, n_steps = printed(r"^each training: (\d+) epochs of ([\d,]+) images in "
                                         r"batches of (\d+), (\d+) optimizer steps")
    (seconds,) = printed(r"^Run time: (\d+) s from start\(\) to this line\.$")
    seconds = int(seconds)
    trainings = (len(curves()) + len(reseeded()) + len(reseeded_colorizer())
                 + (1 if small_unet() else 0)  # the UNet with base=9, not in the curves
                 + (1 if zeroed() else 0)      # the UNet with its skips zeroed, not in the curves
                 + len(reseeded_unet()) - 1    # the UNet's seed 1 (seed 0 is in the curves)
                 + 1                           # the skips-zeroed UNet's seed 1
                 + len(one_skip_zeroed()) - 2)  # one skip zeroed at a time (three new trainings)
    assert set(zeroed_seeds()) == {0, 1}
    # the CPU as the run's headline prints it
    quoted = said(r"one quick-mode run on a 2-core AMD EPYC CPU without AMX \(the headline prints "
                  r"\"device: (CPU \([^)]*\))\"\), so `fit` trained in float32, with ([\d,]+) "
                  r"CIFAR-10 training images \((\w+) trainings of (\d+) epochs\); it took "
                  r"([\d,]+) s, printed just above the Summary heading\.")
    assert len(quoted) == 1
    assert "printed under the Summary" not in MARKDOWN, "the Run time line sits above the heading"
    summary = [i for i, c in enumerate(NB.cells)
               if c.cell_type == "markdown" and c.source.startswith("## Summary")]
    assert len(summary) == 1 and "Run time:" in "".join(
        o.get("text", "") for o in NB.cells[summary[0] - 1].get("outputs", [])), \
        "'printed just above the Summary heading': the cell above it prints the Run time"
    q_device, q_images, words, q_epochs, q_seconds = quoted[0]
    assert q_device == device, f"the text quotes {q_device}; the headline printed {device}"
    assert "README's results section records" not in MARKDOWN, "the run prints the CPU itself"
    assert (q_images, q_epochs) == (images, epochs)
    assert num(q_seconds) == seconds, (
        f"the Time line says {q_seconds} s; the run printed a run time of {seconds} s")
    assert words == {6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven",
                     12: "twelve", 13: "thirteen", 14: "fourteen", 15: "fifteen",
                     16: "sixteen", 17: "seventeen"}.get(trainings), \
        f"the Time line says {words} trainings; the run trained {trainings}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines()
               if line.startswith("| [02 ") and "02_rgb_autoencoder.ipynb" in line)
    assert re.search(rf"\| {seconds:,} s[^|]*\|$", row.rstrip()), \
        f"README's course map gives 02 another time than this run's printed {seconds} s: {row}"


def test_each_doubling_bought_less():
    results, gains = sweep(), steps()
    codes = [results[b][0] for b in sorted(results)]
    assert [(a, b) for a, b, *_ in gains] == list(zip(codes, codes[1:]))
    per_doubling = [d for *_, d in gains]
    assert said(r"Each doubling buys less, down to ([-+][\d.]+) dB for the last one") \
        == [(f"{per_doubling[-1]:+.2f}",)]
    assert said(r"each doubling bought less, and this run cannot tell the two widest codes apart")
    # 'the curve climbs steeply, then flattens': the gains per doubling shrink (checked below)
    assert said(r"The curve climbs steeply, then flattens\.")
    assert per_doubling[0] > 5 * per_doubling[-1]
    assert said(r"\*\*Key idea:\*\* A wider code rebuilds better, but each doubling buys less\.")
    assert all(b < a for a, b in zip(per_doubling, per_doubling[1:])), \
        f"the text says each doubling bought less; the run printed {per_doubling}"


def test_the_two_widest_codes_cannot_be_told_apart():
    results, gains = sweep(), steps()
    a, b, last, _ = gains[-1]
    assert (a, b) == (256, 512), "the text names the 256- and 512-number codes"
    assert max(results) == 32 and results[32][0] == 512
    assert said(r"Each doubling buys less, down to \+([\d.]+) dB for the last one") \
        == [(f"{last:.2f}",)]
    assert "The 512-number code scored" not in MARKDOWN, "the question answered just above it"
    assert 0 <= last < 0.3, f"'cannot tell apart' is claimed; the last step bought {last:+.2f} dB"
    # the measured seed noise: another seed moved each of the two codes, and flipped their order
    again = reseeded()
    for code in (256, 512):
        assert f"{again[code][0] - results[code // 16][1]:+.2f}" == f"{again[code][1]:+.2f}"
    lead0, lead1 = printed(r"^the wider code's lead: ([-+][\d.]+) dB with seed 0, ([-+][\d.]+) dB "
                           r"with seed 1$")
    assert lead0 == f"{last:+.2f}"
    noise = max(abs(again[code][1]) for code in (256, 512))
    # two seeds cannot establish a tie: the text says only that this run cannot tell them apart
    assert said(r"\*\* Another seed moved the 256-number code by more than the two widest codes' "
                r"gap \(the inset\), so this run cannot tell them apart\.")
    assert abs(again[256][1]) > abs(float(lead0)) and abs(again[256][1]) > abs(float(lead1)), \
        f"'more than their gap': {again[256][1]} against {lead0} and {lead1}"
    assert noise > last, f"'more than their gap': {noise} against {last}"
    assert sorted(again) == [256, 512], "the text says only the two widest codes were reseeded"
    assert said(r"The two widest codes also get a second seed\.")
    code = CODE
    assert "inset := ax.inset_axes(" in code and "list(reseeded.values())" in code
    assert abs(float(lead1)) < noise and abs(float(lead0)) < noise, \
        "both leads within the seed noise"
    assert abs(again[256][1]) > abs(float(lead0))
    assert said(r"this run cannot tell the two widest codes apart: another seed moved the "
                r"256-number code by more than their gap") and abs(again[256][1]) > last
    # the removed wording: two seeds cannot establish a tie
    assert "tie" not in re.findall(r"\w+", MARKDOWN.lower()), "the text claims a tie again"
    # 'a wider code rebuilds better': the earlier gains are far larger than the seed noise
    earlier = min(g for _, _, g, _ in gains[:-1])
    assert said(r"A wider code rebuilds better") and earlier > 5 * noise
    lines = curves()
    (_, end_a), (_, end_b) = (lines["rebuild, 256 numbers (16 ch)"],
                              lines["rebuild, 512 numbers (32 ch)"])
    assert said(r"so this run cannot tell them apart\. Their validation curves end together too\.")
    assert said(r"by more than their gap, and their curves end together\.")
    assert abs(end_a - end_b) / end_b < 0.05, "the two curves' last points are not close"


def test_black_and_white_test_images_set_apart():
    scored, apart, below = printed(r"^test images scored: ([\d,]+), after setting apart (\d+) that "
                                   r"are black and white already \(mean chroma below (\d+)\)$")
    assert below == f"{GRAY_CHROMA:g}", "the printed threshold is colorlab's"
    gray, counted, n, alone = printed(r"^the gray image: ([\d.]+) dB on the test images scored, "
                                      r"([\d.]+) dB with the (\d+) black-and-white ones counted, "
                                      r"([\d.]+) dB on those alone$")
    assert n == apart and num(scored) + num(apart) == 2000
    assert said(r"the (\d+) test images that are black and white already") == [(apart,)]
    assert said(r"On a photo that is black and white already the gray image scores far higher "
                r"\(printed below\), and a few such scores lift a mean PSNR a lot")
    assert float(alone) > float(gray) + 20, "'far higher' on the black-and-white photos"
    assert float(counted) > float(gray) + 0.5, "the black-and-white images barely moved the mean"


def test_the_colorization_against_gray():
    gray, color, below = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder colorization "
                                 r"([\d.]+) dB, ([\d.]+) dB below the gray image it was given$")
    assert f"{float(gray) - float(color):.2f}" == below
    assert said(r"The colorization scores \*\*below\*\* the gray image it was given\.")
    assert said(r"scores below the gray image it was given") and float(color) < float(gray)
    # gray is a high bar: the rebuild through the same code (the color image in) stays below it
    rebuild, through_gray = printed(r"^through a code of 512 numbers: color image in ([\d.]+) dB, "
                                    r"gray image in ([\d.]+) dB$")
    assert through_gray == color and rebuild == f"{sweep()[32][1]:.2f}"
    assert said(r"Gray is a high bar, because its brightness is exactly right while the network "
                r"must redraw it\. Even a rebuild from the \*color\* image scores under it\.")
    assert "<summary>Even a rebuild from the color image" not in MARKDOWN, "folded into the text"
    assert float(rebuild) < float(gray), f"'scores under it': {rebuild} against gray's {gray}"


def test_the_drift_is_largest_on_edges_but_everywhere():
    size, signed = printed(r"^mean \|drift\| per pixel: ([\d.]+) gray levels; signed mean drift "
                           r"([-+][\d.]+) \(lighter and darker pixels cancel\)$")
    assert abs(float(signed)) < 0.2 * float(size), f"'cancel': signed {signed} against |{size}|"
    edges, other = printed(r"^mean \|drift\| on the 10% strongest edges: ([\d.]+) gray levels, "
                           r"elsewhere ([\d.]+)$")
    assert said(r"\*\*The prediction holds on average: the network redraws the brightness it was "
                r"given, blurred\.\*\*")
    assert said(r"The drift is largest on strong edges, but mostly lies elsewhere\.")
    assert float(edges) > float(other) > 0.5 * float(size), "largest on edges, yet everywhere"
    # 'mostly elsewhere': off the strong edges (90% of the pixels) lies most of the mean |drift|
    assert 0.9 * float(other) > 0.5 * float(size), f"mostly off the edges: {other} of {size}"
    # computed over every test image, not the horse alone
    assert "drift.abs()[strong].mean()" in "".join(c.source for c in NB.cells
                                                    if c.cell_type == "code")
    assert said(r"The edges hold 0\.1 x ([\d.]+) = ([\d.]+) gray levels of the mean \|drift\|'s "
                r"([\d.]+), about (\d+)%\.") \
        == [(edges, f"{0.1 * float(edges):.1f}", size,
             f"{100 * 0.1 * float(edges) / float(size):.0f}")]
    assert 0.1 * float(edges) < 0.5 * float(size), "'mostly lies elsewhere': the edges' share"
    # the strong edges as the code defines them: the steepest 10% of the input's luma gradient
    code = CODE
    assert "torch.gradient(g_test[:, 0] * 255" in code and "(dx ** 2 + dy ** 2).sqrt()" in code
    assert "strong = edges > edges.flatten().quantile(0.9)" in code
    assert said(r"The \*\*strong edges\*\* \(panel 4\) are the 10% of pixels where brightness "
                r"changes most steeply between neighbours\.")
    assert "axes[3].contour(strong[typical]" in code, "panel 4 draws the strong edges"
    assert 1.7 < float(edges) / float(other) < 2.3, f"'about twice': {edges} against {other}"
    # panel 1 draws the mean drift against the local contrast beside the line drift = -contrast;
    # in the committed figure the means lie close to that line, a little flatter at the far left
    # (r84), so the text says 'closely', not 'on'
    assert said(r"In panel 1, the mean drift follows the 3 x 3 blur's line closely\.")
    assert "mean drift falls on the 3 x 3 blur's line" not in MARKDOWN
    # section 5's roadmap: measure the brightness error, show it acts like a blur, remove it.
    # The prediction is 'on average': the pixels scatter around the blur's line (cell 31)
    assert said(r"## 5\. What goes wrong: lost local contrast \(measured as brightness drift\) "
                r"Why does the colorization score so low\? We start with its brightness\. "
                r"\*\*The drift is the output's brightness error per pixel: its luma minus the "
                r"input's, in gray levels \(0-255\)\.\*\* For example, an "
                r"input pixel at 200 whose output luma is 180 drifts by −20: too dark\. The drift "
                r"is not a shift of the whole image\. Pixels come out too light here and too dark "
                r"there, so we measure the mean \|drift\|\. \*\*We "
                r"predict that the output loses local contrast, as a blur does\.\*\* The code has "
                r"\d+ numbers for 1,024 gray pixels, but only 4 x 4 positions\. So, on average, a "
                r"pixel lighter than its neighbours should come back closer to their mean\.")
    # lecture 03 points to this heading by the word 'drift'
    assert "## 5. What goes wrong: lost local contrast (measured as brightness drift)" in MARKDOWN
    # the drift goes both ways: its signed mean, printed, is near 0 (the 'cancel' check above)
    assert said(r"Pixels come out too light here and too dark there, so we measure the mean "
                r"\|drift\|\.")
    example = re.search(r"an input pixel at (\d+) whose output luma is (\d+) drifts by −(\d+)",
                        " ".join(MARKDOWN.split()))
    given, output, drop = map(int, example.groups())
    assert output - given == -drop and "(luma(pred) - g_test)" in CODE, "output minus input"
    assert "(signed mean" not in MARKDOWN, "the signed mean is quoted after its printout"
    # 'near zero': the printed signed mean is under a fifth of the mean |drift| (the 'cancel'
    # check above); the question that asked it is gone, the definition says it
    assert said(r"The drift is not a shift of the whole image\.")
    assert said(r"What signed mean drift would an output 12 gray levels too dark everywhere have\?")
    assert said(r"This run's mean \|drift\| is ([\d.]+), but its signed mean is only ([−-][\d.]+): "
                r"pixels lighter than their neighbourhood come out darker, darker ones "
                r"lighter\.") == [(size, signed.replace("-", "−"))]
    cells = [" ".join(c.source.split()) if c.cell_type == "markdown" else "".join(
        o.get("text", "") for o in c.outputs if o.output_type == "stream") for c in NB.cells]
    asked = next(i for i, c in enumerate(cells) if "but its signed mean is only" in c)
    shown = [i for i, c in enumerate(cells) if "signed mean drift" in c and "mean |drift| per" in c]
    assert shown and shown[0] < asked, "'printed above': the answer follows the printout"
    assert 11 < float(size) < 13, f"'like 12 gray levels too dark everywhere': {size}"
    # the 3 x 3 blur is the smallest one, a yardstick (the code has one position per 8 x 8 block)
    assert said(r"a 3 x 3 blur's drift is exactly its negative, our yardstick\.")
    assert "every pixel should come out as if blurred" not in MARKDOWN, "only on average"
    assert "def without_drift(pred" in CODE, "section 5 removes the drift"
    blur, blur_psnr, ae, ae_psnr = printed(
        r"^a 3 x 3 blur of the gray input: mean \|drift\| ([\d.]+) gray levels, test PSNR ([\d.]+) "
        r"dB \(the autoencoder: ([\d.]+) and ([\d.]+) dB\)$")
    (color,) = printed(r"^test PSNR: gray image [\d.]+ dB, autoencoder colorization ([\d.]+) dB")
    assert (ae, ae_psnr) == (size, color)
    # the autoencoder drifts more than a real blur and scores lower: its pixels scatter around the
    # blur's line (panel 1's band). The lower score is stated, not attributed to the scatter.
    assert said(r"A plain 3 x 3 blur .{0,120} The autoencoder's pixels also scatter around that "
                r"line \(panel 1's band\)\. So it drifts more than the blur, and it scores lower "
                r"still\.")
    assert "That scatter adds error" not in MARKDOWN, "the causal claim was dropped: not isolated"
    assert float(blur) < float(size) and float(ae_psnr) < float(blur_psnr)
    # the band: each contrast bin's middle half of the pixels' drifts, drawn around the means
    assert said(r"Panel 1's band shows the middle half of the pixels in each contrast bin\.")
    assert "is wide." not in MARKDOWN, "the band looks modest next to the axis: not called wide"
    assert "np.percentile(d[which == k], 25)" in CODE and "np.percentile(d[which == k], 75)" in CODE
    assert float(blur) < float(size) and float(blur_psnr) > float(ae_psnr)
    # 'most of the gap': the blur alone costs over half of the autoencoder's gap to gray
    (gray_psnr,) = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder colorization")
    assert said(r"A plain 3 x 3 blur of the gray input already costs most of the gap to gray: it "
                r"scores ([\d.]+) dB\.") == [(blur_psnr,)]
    assert float(gray_psnr) - float(blur_psnr) > 0.5 * (float(gray_psnr) - float(ae_psnr)), \
        f"'most of the gap': blur {blur_psnr}, autoencoder {ae_psnr}, gray {gray_psnr}"
    assert "So a blur is what hurts" not in MARKDOWN, "a blur is most of the gap, not all of it"
    # the removed claim: the blur's line holds on average only; single pixels scatter around it
    assert "the cost is lost contrast, not missing color" not in MARKDOWN
    code = CODE
    assert "blurred = nn.functional.avg_pool2d(g_test, 3, stride=1, padding=1" in code
    assert "local = (g_test - blurred)" in code  # the blur's drift is exactly -contrast
    code = CODE
    assert 'axes[0].plot(edges_of, -edges_of, "k--"' in code and "d[which == k].mean()" in code
    # the map of the typical image (the horse, test image 8 of the grid), described as drawn:
    # red too light, blue too dark
    (image,) = printed(r"^panels 2-4: test image (\d) of the grid, one of the two middle ones of "
                       r"its 8 by mean \|drift\|$")
    assert said(r"The horse \(test image (\d)\) is one of the two middle images of the grid's 8 by "
                r"mean \|drift\| \(printed\)\.") == [(image,)]
    assert "B: " not in PRINTED and "px from the map's border" not in PRINTED
    assert "lower of the two middle images" not in MARKDOWN, "the 8 drifts are not printed"
    assert "per_image[:8].median()" in CODE, "torch's median of 8 values: the lower middle one"
    # A marks the strong-edge pixel with the largest |drift| (seen in the committed figure: too
    # dark, with too-light pixels just above it); B and the background sentence are gone
    # the red and blue pairs are seen at a few spots only (r84): near the square and at the jaw
    assert said(r"\(printed\)\. In its drift map, the green square marks the edge pixel that "
                r"drifts most: it comes out too dark, with too-light pixels just above it\. Such "
                r"pairs of red and blue sit at a few other spots along the strongest edges, such "
                r"as the jaw\.")
    assert "red and blue lie side by side along the strongest edges" not in MARKDOWN
    assert 'annotate("A"' not in code and "A: the edge" not in code, "no letter: the green square"
    assert "B's square" not in MARKDOWN and "white background mixes" not in MARKDOWN
    assert 'colors="k", linewidths=0.8' in code
    assert '"green square: the edge pixel that drifts most"' in code
    assert "(drift[typical].abs() * strong[typical]).argmax()" in code
    assert '"width_ratios": [1.0, 0.95, 0.95, 1.6]' in code, "panel 4 drawn larger, 2 and 3 wider"
    # A and B are open squares around their pixel, so the pixel itself stays visible
    assert 'plt.Rectangle((x - 1.5, y - 1.5), 3, 3, fill=False, ec="limegreen"' in code
    # lost contrast over every test pixel: lighter than the neighbourhood -> too dark, and back
    lighter, darker = printed(r"^mean drift on the quarter of pixels lightest relative to their "
                              r"3 x 3 neighbourhood: ([-+][\d.]+) gray levels; on the quarter "
                              r"darkest relative to it: ([-+][\d.]+)$")
    assert float(lighter) < 0 < float(darker), f"lost contrast: {lighter} and {darker}"
    assert said(r"The quarter of pixels lightest relative to their neighbourhood comes out "
                r"darker, the darkest quarter lighter: contrast lost, not a "
                r"brightness shift\.")
    # 'opposite ways, as lost contrast does': a shift would move both quarters the same way;
    # here they move by about as much in opposite directions
    assert abs(float(lighter) + float(darker)) < 0.3 * min(abs(float(lighter)), float(darker)), \
        f"opposite and about equal: {lighter} and {darker}"
    # the drift's sign, as the text defines it: the output's luma minus the input's
    assert said(r"\*\*The drift is the output's brightness error per pixel: its luma minus the "
                r"input's, in gray levels \(0-255\)\.\*\* For example, an input pixel at 200 whose "
                r"output luma is 180 drifts by −20: too dark\.")
    # local contrast, as the text defines it: the input minus its 3 x 3 mean; a blur's drift is
    # its negative
    assert said(r"The \*\*local contrast\*\* \(panel 1\) is each input pixel minus its 3 x 3 "
                r"mean; a 3 x 3 blur's drift is exactly its negative,")
    # the Summary: lost contrast, a drift both ways (the two quarters move in opposite directions)
    assert said(r"Fed gray, the autoencoder loses local contrast, so its brightness drifts both "
                r"ways, and it scores below the gray image it was given;")
    assert abs(0.1 * float(edges) + 0.9 * float(other) - float(size)) < 0.1, \
        "the strong edges should be 10% of the pixels: the two printed means should average " \
        f"to the printed {size}"
    # the map's colors: drift = the output's luma minus the input's, drawn with red for the top
    assert 'cmap="RdBu_r", vmin=-top, vmax=top' in code and "(luma(pred) - g_test)" in code
    assert 'f"2. test image {typical + 1}, gray input"' in code  # the horse is image 8 of the grid
    assert "typical = int((per_image[:8]" in code, "the drift figure's image is one of the grid's"


def test_what_the_drift_costs():
    steadied, color, gray = printed(r"^test PSNR with the input's brightness put back under the "
                                    r"autoencoder's colors: ([\d.]+) dB \(as colorized "
                                    r"([\d.]+) dB, the gray image ([\d.]+) dB\)$")
    cost = f"{float(steadied) - float(color):.2f}"
    assert said(r"Putting the brightness back lifts the PSNR by ([\d.]+) dB") == [(cost,)]
    # the put-back in words, before its cell, and the question on the example pixel
    # an equal shift keeps the differences between R, G and B, which is only roughly the color:
    # Lab's chroma and hue also depend on the lightness, and clipping changes them (r84)
    assert said(r"\*\*What does the drift cost\?\*\* We put the input's brightness back: each "
                r"pixel's R, G and B shift alike until its luma matches the input's, which keeps "
                r"the differences between R, G and B, roughly its color\.")
    assert said(r"The differences between R, G and B stay the same, so the color roughly stays\. "
                r"Not exactly: the same differences give another Lab chroma at another "
                r"lightness, and clipping changes them too\.")
    assert "so its color stays" not in MARKDOWN and "the pixel's color, stay" not in MARKDOWN
    assert "return (pred - (luma(pred) - g_test)).clamp(0, 1)" in CODE
    assert said(r"What does putting the brightness back do to the R, G and B of this section's "
                r"example pixel \(input 200, output luma 180\)\?")
    assert said(r"It adds 20 gray levels to each of R, G and B \(then clips to \[0, 1\]\)\. The "
                r"luma weights sum to 1, so the luma rises by exactly 20, to the input's 200, "
                r"unless a channel clips\.")
    assert "LUMA = torch.tensor([0.299, 0.587, 0.114])" in CODE
    weights = re.search(r"LUMA = torch\.tensor\(\[([\d.]+), ([\d.]+), ([\d.]+)\]\)", CODE)
    assert sum(map(float, weights.groups())) == pytest.approx(1), "the luma weights sum to 1"
    # the colors beat gray, narrowly, with both seeds of the colorizer
    (again,) = reseeded_colorizer()
    assert said(r"lifts the PSNR by [\d.]+ dB\. The colors then beat gray, but narrowly: by "
                r"about ([\d.]+) dB with either seed\.") == [("0.3",)]
    for put_back in (steadied, again[0]):
        assert float(put_back) - float(gray) == pytest.approx(0.3, abs=0.05), \
            f"'about 0.3 dB above gray': {put_back} against {gray}"
    assert float(again[1]) < float(gray), "the reseeded colorizer also scores below gray as it is"
    code = CODE
    assert code.count("in_ch=1)") == 2, "the gray -> RGB autoencoder is trained with two seeds"
    assert float(color) < float(gray) < float(steadied) < float(gray) + 1, \
        "the drift costs, and the colors win a little"
    (below,) = printed(r"^test PSNR: gray image [\d.]+ dB, autoencoder colorization [\d.]+ dB, "
                       r"([\d.]+) dB below the gray image it was given$")
    assert said(r"its brightness drift alone costs more than that gap")
    assert said(r"\*\*The drift alone costs more than the gap to gray\.\*\*")
    # section 5's key idea: the blurred brightness costs more than the colors gain
    assert said(r"\*\*Key idea:\*\* Fed gray, the autoencoder blurs the brightness it was given, "
                r"and that costs more than its colors gain\.")
    assert float(cost) > float(steadied) - float(gray) > 0
    assert float(cost) > float(below)


def table() -> dict[str, tuple[str, str, str]]:
    """{yardstick: (gray image, autoencoder, UNet)} from the printed table of the control."""
    return {row: values[:3] for row, values in table4().items()}


def zeroed() -> dict[str, str]:
    """{yardstick: the UNet with its skips zeroed}, the table's fourth column."""
    return {row: values[3] for row, values in table4().items()}


def small_unet() -> dict[str, str]:
    """{yardstick: the UNet with base=9}, the table's fifth column."""
    return {row: values[4] for row, values in table4().items()}


def table4() -> dict[str, tuple[str, str, str, str, str]]:
    """{yardstick: (gray image, autoencoder, UNet, skips zeroed, UNet with base=9)}, printed: the
    four rows section 6 reads (Going deeper prints the UNet's median and pooled MSE)."""
    header = re.findall(r"^test images +gray image +autoencoder +UNet \(skips\) +skips zeroed +"
                        r"UNet, base=9$", PRINTED, flags=re.M)
    assert len(header) == 1, f"{NOTEBOOK.name}: the control's table is missing"
    body = "\n".join(PRINTED.split(header[0], 1)[1].strip("\n").split("\n")[:4])  # four rows
    rows = {m[0].strip(): m[1:] for m in re.findall(
        r"^(.+?) {2,}(\S+) +(\S+) +(\S+) +(\S+) +(\S+)$", body, flags=re.M)}
    chroma = [row for row in rows if re.fullmatch(r"mean chroma \(Lab; truth [\d.]+\)", row)]
    assert len(chroma) == 1, rows
    assert set(rows) - set(chroma) == {
        "mean |drift| (gray levels)", "mean PSNR (dB)", "mean PSNR, brightness put back (dB)"}, \
        rows
    return rows


def chroma_row() -> tuple[float, tuple[float, ...]]:
    """(the truth's mean chroma, (gray image, autoencoder, UNet, skips zeroed, UNet with base=9)),
    printed."""
    rows = table4()
    (row,) = [row for row in rows if row.startswith("mean chroma")]
    truth = re.fullmatch(r"mean chroma \(Lab; truth ([\d.]+)\)", row)[1]
    return float(truth), tuple(map(float, rows[row]))


def test_the_table_matches_the_earlier_lines():
    rows = table()
    gray, color, _ = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder colorization "
                             r"([\d.]+) dB, ([\d.]+) dB below the gray image it was given$")
    steadied, *_ = printed(r"^test PSNR with the input's brightness put back under the "
                           r"autoencoder's colors: ([\d.]+) dB")
    size, *_ = printed(r"^mean \|drift\| per pixel: ([\d.]+) gray levels")
    assert rows["mean PSNR (dB)"][:2] == (gray, color)
    assert rows["mean PSNR, brightness put back (dB)"][:2] == ("—", steadied)
    assert rows["mean |drift| (gray levels)"][:2] == ("0.0", size)


def test_the_unet_drifts_less_and_its_split_verdict():
    rows = table()
    _, ae, unet = rows["mean |drift| (gray levels)"]
    assert said(r"### Which network drifts least\? The UNet with skips drifts least, about a third "
                r"as much as the autoencoder\. The chroma row measures how colorful each output "
                r"is\.")
    assert "mean chroma (Lab; truth" in PRINTED, "the table has the chroma row"
    drifts = [float(v) for v in table4()["mean |drift| (gray levels)"][1:]]
    assert min(drifts) == float(unet) and 0.28 < float(unet) / float(ae) < 0.38, \
        f"'least, about a third as much': {drifts}"
    quoted = said(r"cut the mean drift from ([\d.]+) to ([\d.]+) gray levels")
    assert quoted == [(ae, unet)]
    (cut,) = said(r"gray levels, (\d+)% of it")[0]
    assert int(cut) == pytest.approx(100 * (1 - float(unet) / float(ae)), abs=1), \
        f"the text says the skips cut {cut}% of the drift; the printed drifts say otherwise"
    assert said(r"caused (\d+)% of the drift") == said(r"the (\d+)% is what all the UNet's "
                                                      r"changes bought together") == [(cut,)]
    assert 0 < float(unet) < float(ae)
    gray, _, mean_unet = rows["mean PSNR (dB)"]
    below = f"{float(gray) - float(mean_unet):.2f}"
    assert said(r"\*\*The UNet \(skips\) beats gray on just over half the images, yet its mean "
                r"PSNR is lower: its losses outweigh its wins\.\*\*")
    # the UNet trained with a second seed: the same split verdict
    seeds = reseeded_unet()
    _, _, _, median_gray, beats, mse_unet, mse_gray = seeds[0]
    assert seeds[0][:2] == (mean_unet, f"-{below}"), seeds[0]
    mean1, against1, _, median_gray1, beats1, mse1, mse_gray1 = seeds[1]
    assert (median_gray1, mse_gray1) == (median_gray, mse_gray)
    assert float(mse1) < float(mse_gray), \
        f"seed 1 should also have a pooled MSE below gray's: {mse1} against {mse_gray}"
    # the three pooled MSEs are printed just below; the sentence quotes none of them
    assert said(r"Its pooled MSE \(the squared error averaged over every pixel of every image\), "
                r"though, is lower than gray's with both seeds\.")
    assert float(mse_unet) < float(mse_gray) and float(mse1) < float(mse_gray)
    assert float(against1) < 0 and int(beats1) > 50, \
        f"seed 1 should repeat the split verdict: {seeds[1]}"
    assert f"{float(mean1) - float(gray):+.2f}" == against1
    assert said(r"## Going deeper \(optional\) ### Luma and the L-based gray \(section 7\)")
    assert MARKDOWN.index("## Going deeper") < MARKDOWN.index("### Why mean PSNR and pooled MSE")
    assert said(r"Halving an image's squared error adds 3 dB, however large it was\. We average "
                r"PSNR over the images, so each image counts by its \*relative\* error, and "
                r"halving a small error gains as much as halving a large one\.")
    assert "10 * torch.log10(1.0 / mse" in CODE, "PSNR is a log of each image's own MSE"
    # the puzzle opens with why the metric matters: section 7's table scores the fix by mean PSNR
    assert said(r"### Why mean PSNR and pooled MSE disagree In section 6 the UNet \(skips\) "
                r"scored below gray by mean PSNR, yet its validation MSE ended below gray's \(the "
                r"curves\)\. Here is why the two measures disagree\.")
    (gray_val,) = printed(r"^  the gray image itself \(no training\) +([\d.]+)$")
    assert curves()["gray -> RGB UNet (skips)"][1] < float(gray_val), \
        "'its validation MSE ended below gray's'"
    assert "Yet the UNet (skips) beats gray on" not in MARKDOWN, "section 6 no longer prints it"
    assert float(mse_unet) < float(mse_gray)
    assert float(mean_unet) < float(gray) and int(beats) > 50
    assert said(r"The UNet beats gray on just over half the images and has the lower pooled MSE, "
                r"yet its mean PSNR stays below gray's with both seeds\. That is a matter of "
                r"averaging PSNR per image \(Going deeper\)\.")
    for b in (beats, beats1):
        assert 50 < int(b) <= 60, f"'just over half'; the UNet beat gray on {b}% of the images"
    least, rest = printed(r"^the test images, UNet minus gray, mean over images: ([-+][\d.]+) dB "
                          r"on the quarter where gray scores best, ([-+][\d.]+) dB on the rest$")
    # gray's best quarter is the least colorful one: the truth's chroma, printed
    quarter_chroma, rest_chroma = printed(r"^the truth's mean chroma: ([\d.]+) on that quarter, "
                                          r"([\d.]+) on the rest$")
    assert float(quarter_chroma) < float(rest_chroma)
    # a mean below gray's although the UNet wins on most images: its losses outweigh its wins
    assert said(r"yet its mean PSNR is lower: its losses outweigh its wins")
    assert said(r"On the quarter of the test images where gray scores best, the UNet loses "
                r"([\d.]+) dB on average; on the rest it gains ([\d.]+) dB\.") \
        == [(least[1:], rest[1:])]
    assert said(r"The truth's mean chroma is ([\d.]+) on that quarter \(paler photos, such as "
                r"images 3 and 4\), ([\d.]+) on the rest: on such pale photos "
                r"the gray image is already close to the truth\.") \
        == [(quarter_chroma, rest_chroma)]
    assert float(quarter_chroma) < 0.5 * float(rest_chroma), "'paler photos'"
    assert least.startswith("-") and rest.startswith("+")
    # the weighting, computed from the two printed means: it gives the gap in mean PSNR
    assert said(r"Weighted 1/4 and 3/4, the two averages give the gap\.")
    assert abs(0.25 * float(least) + 0.75 * float(rest) + float(below)) < 0.02, \
        f"a quarter of {least} dB and three of {rest} dB should average to -{below} dB"
    # pooled over every pixel, the UNet's MSE is below gray's, though its mean PSNR is lower
    assert "Its pooled MSE is lower too" not in MARKDOWN, "'too' read as 'also worse'"
    assert float(mse_unet) < float(mse_gray), f"pooled MSE: UNet {mse_unet}, gray {mse_gray}"
    assert said(r"Where gray is nearly right, the UNet loses many decibels, and that pulls its "
                r"mean below gray's")
    assert float(least) < -1 and float(rest) > 0
    assert said(r"Per-image PSNR weighs each image's relative error, pooled MSE only the total: "
                r"neither is wrong\.")


def test_the_worked_example_of_a_log_scale():
    """Two made-up images: a few gray levels cost many dB where gray's error is small."""
    lines = re.findall(r"^gray off by +(\d+) gray levels, the UNet by +(\d+): UNet minus gray "
                       r"([-+][\d.]+) dB$", PRINTED, flags=re.M)
    assert [(g, u) for g, u, _ in lines] == [("5", "8"), ("20", "17")]
    for g, u, d in lines:
        assert float(d) == pytest.approx(20 * math.log10(int(g) / int(u)), abs=0.051)
    gap, mse_unet, mse_gray = printed(r"^over both: UNet minus gray ([-+][\d.]+) dB in mean PSNR, "
                                      r"though its pooled MSE is lower \(([\d.]+) against "
                                      r"([\d.]+) gray levels squared\)$")
    assert float(gap) < 0 and float(mse_unet) < float(mse_gray)
    assert said(r"A few gray levels of error cost many decibels where gray's error is small\. "
                r"Two made-up images show it first, then the test images\.")
    assert float(lines[0][2]) < -3 < 0 < float(lines[1][2])


def test_what_the_unets_drift_costs():
    rows = table()
    _, steadied_ae, steadied = rows["mean PSNR, brightness put back (dB)"]
    gray, _, unet = rows["mean PSNR (dB)"]
    assert float(unet) < float(gray) < float(steadied)
    # the luma put back (section 6), beside section 8's L kept
    put_back = [float(v) for v in table4()["mean PSNR, brightness put back (dB)"][1:]]
    above = [v - float(gray) for v in put_back if v > float(gray)]
    assert "With the input's luma put back instead" not in MARKDOWN, "section 6 says it already"
    assert len(put_back) == 4 and len(above) == 3, f"three of the four above gray: {put_back}"
    assert max(above) < 1, "'above gray, only narrowly'"
    models = sizes()
    assert models["UNet"][0] > models["UNet, base=9"][0], "'the larger UNet'"
    assert said(r"the network must learn to reproduce it, and here it learned that only in part")
    assert float(rows["mean |drift| (gray levels)"][2]) > 1, "the text says the UNet still drifts"
    put_back_zeroed = zeroed()["mean PSNR, brightness put back (dB)"]
    assert models["skips zeroed"][0] == models["UNet"][0], "the two larger UNets"
    assert float(gray) < float(put_back_zeroed) < float(gray) + 1, "'above gray, only narrowly'"
    # the scatter's dashed line marks the quarter of the test images where gray scores best
    code = CODE
    assert said(r"Right of the dashed line, the UNet's scores rise far more slowly than gray's\.")
    assert "zorder=4,  # over the dots" in code, "the dashed line is drawn above the points"
    assert "ax.axvline(gray_each.quantile(0.75).item()" in code
    # right of the line the UNet falls below gray on average, left of it it gains
    least, rest = printed(r"^the test images, UNet minus gray, mean over images: ([-+][\d.]+) dB "
                          r"on the quarter where gray scores best, ([-+][\d.]+) dB on the rest$")
    assert float(least) < 0 < float(rest), (least, rest)
    assert float(gray) < float(steadied_ae) < float(gray) + 1 \
        and float(gray) < float(steadied) < float(gray) + 1, "'above gray, only narrowly'"


def test_the_colors_are_faint():
    code = CODE
    truth, (gray, *models) = chroma_row()
    assert said(r"One suspect is the MSE loss\. For a gray car that could be red, "
                r"blue or gray, its best guess is their dull average\.")
    assert said(r"\*\*Train longer\.\*\* Set `EPOCHS = \d+`")
    # the chroma row measures the networks' raw outputs (no brightness put back)
    assert said(r"Keeping L changes a and b only by clipping to valid RGB\.")
    assert said(r"\*\*The colors stay faint\.\*\* Their mean chroma, the distance from gray in "
                r"Lab, is at most ([\d.]+) for section 6's four networks, about half the "
                r"truth's\.") == [(f"{max(models):.1f}",)]
    # 'only by clipping': keep_input_L goes back through lab_to_rgb, which clips by default
    assert "return lab_to_rgb(lab)                                # back to RGB, clipped" in code
    assert inspect.signature(lab_to_rgb).parameters["clip"].default is True
    assert "leaves each network's a and b as they were" not in MARKDOWN, "exact only up to clipping"
    assert 0.4 < max(models) / truth < 0.6, f"'about half': {max(models)} of {truth}"
    # section 4 points ahead to the grid: the autoencoder's colorization is faint there too
    assert said(r"\*\*The autoencoder's colorizations are blurred, with faint colors\*\* \(bottom "
                r"row\)\.")
    section8 = MARKDOWN.split("## 7. ", 1)[1].split("## Going deeper", 1)[0]
    assert "faint" in section8 and "MSE loss" in section8, "section 8 discusses the faint colors"
    # ... in the visible text, not in a collapsed block; a and b are kept, L replaced
    shown8 = re.sub(r"<details>.*?</details>", " ", section8)
    assert "The colors stay faint" in shown8 and "MSE loss" in shown8
    assert "lab[:, 0] = L_input" in code and "return lab_to_rgb(lab)" in code
    assert "Section 5 finds one cause: the output's brightness drifts" not in MARKDOWN
    assert models[0] < 0.6 * truth
    assert said(r"All four gray -> RGB networks gave faint colors; MSE, which favors the average "
                r"color, is one suspect \(notebook 05\)\.")
    assert '"mean chroma (Lab; truth {chroma(x_test)})": chroma(pred)}' in code
    assert max(models) < 0.6 * truth, f"'about half the truth's chroma or less': {models}, {truth}"
    assert len(models) == 4, "the autoencoder and the three UNets"
    assert gray < 0.5, f"the gray image should have no chroma: {gray}"
    # the grid's image 6 (test image 6 in every row), described as drawn
    # two networks in three rows: the third row is the autoencoder's output, brightness put back
    assert said(r"### The colorizations, side by side \*\*Rows 3 and 4 are sharper than section "
                r"4's, yet their colors stay faint\.\*\* Row 3's sharpness is the input's "
                r"brightness, put back; the UNet \(row 4\) draws its own through its skips\. "
                r"Without skips \(row 5\), only coarse blobs of brightness are left\. Image 6's "
                r"red car comes out dark, not red\.")
    assert "With the brightness right, both networks" not in MARKDOWN, "row 4 is raw output"
    # the grid's suptitle says that row 3 is the autoencoder's output, not a third network
    assert ('"autoencoder with brightness put back (row 3), UNet (row 4), its skips zeroed '
            '(row 5); "\n          "per-image PSNR below each image")') in code
    assert "put_back_each = psnr(without_drift(colorized), x_test)" in code
    assert 'notes=[f"image {i}" for i in range(1, 9)]' in code
    # section 4's grid: truth, gray, the autoencoder; section 6's: truth, gray, put back, the UNet
    grids = re.findall(r"^show_grid\(\{(.*?)\},\n", code, flags=re.S | re.M)
    assert [re.findall(r'^\s*f?"([^"\\]+)', g, flags=re.M) for g in grids] == [
        ["truth", "gray input", "autoencoder"],
        ["truth", "gray input", "autoencoder,", "UNet (skips)", "skips zeroed"],
        ["truth", "gray input", "autoencoder,", "UNet (skips),"]], "the grids' rows"
    assert "(colorized, ae_each)" in grids[0] and "(colorized_skip, unet_each)" in grids[1]
    # section 6's fifth row is the skips-zeroed UNet section 6 trained; section 7's grid keeps
    # the input's L on the two networks' outputs, each image captioned with its own PSNR
    assert "(colorized_zeroed, psnr(colorized_zeroed, x_test))" in grids[1]
    assert "ae_kept, unet_kept = keep_input_L(colorized), keep_input_L(colorized_skip)" in code
    assert "(ae_kept, psnr(ae_kept, x_test))" in grids[2]
    assert "(unet_kept, psnr(unet_kept, x_test))" in grids[2]


def both_seeds() -> dict[tuple[str, int], tuple[str, str, str]]:
    """{(network, seed): (mean |drift|, mean PSNR, mean PSNR with the brightness put back)} of
    section 6's table of both seeds, printed."""
    lines = re.findall(r"^(UNet \(skips\)|skips zeroed|autoencoder), seed (\d) +([\d.]+) +"
                       r"([\d.]+) +([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 6, f"{NOTEBOOK.name}: the table of both seeds is not printed: {lines}"
    return {(name, int(seed)): tuple(rest) for name, seed, *rest in lines}


def zeroed_seeds() -> dict[int, tuple[str, str, str]]:
    """{seed: (mean |drift| of the UNet with skips, of the skips-zeroed UNet, of the gray -> RGB
    autoencoder)}, printed."""
    rows = both_seeds()
    return {seed: tuple(rows[name, seed][0] for name in ("UNet (skips)", "skips zeroed",
                                                          "autoencoder")) for seed in (0, 1)}


def zeroed_seeds_psnr() -> dict[int, tuple[str, str, str]]:
    """{seed: (mean PSNR of the UNet with skips, of the skips-zeroed UNet, of the gray -> RGB
    autoencoder)}, printed beside the drifts."""
    rows = both_seeds()
    return {seed: tuple(rows[name, seed][1] for name in ("UNet (skips)", "skips zeroed",
                                                          "autoencoder")) for seed in (0, 1)}


def one_skip_zeroed() -> dict[str, tuple[float, float]]:
    """{row: (mean |drift|, mean PSNR)} of section 6's split, one skip zeroed at a time, printed."""
    lines = re.findall(r"^(no skip zeroed \(the UNet\)|only skip 1 zeroed \(32 x 32\)|only skip 2 "
                       r"zeroed \(16 x 16\)|only skip 3 zeroed \(8 x 8\)|all three zeroed) +"
                       r"([\d.]+) +([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 5, f"{NOTEBOOK.name}: the split's five rows are not printed: {lines}"
    return {name: (float(d), float(p)) for name, d, p in lines}


def test_the_grid_where_gray_wins():
    """Section 7 ties section 6's grid to the scatter: its images right of the dashed line."""
    _, quarter, wins = printed(r"^the grid's images in that quarter \(gray from ([\d.]+) dB up\): "
                               r"\[([\d, ]*)\]; gray beats the UNet on images \[([\d, ]*)\]$")
    quarter = [int(v) for v in quarter.split(",") if v.strip()]
    wins = [int(v) for v in wins.split(",") if v.strip()]
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
    inside = [i for i in wins if i in quarter]
    outside = [i for i in wins if i not in quarter]
    (quoted,) = said(r"In section 6's grid, gray beats the UNet on (\w+) of the (\w+) images there "
                     r"\(([\d, and]+)\) and on (\w+) of the other (\w+) \((\d)\)\.")
    n_in, n_quarter, listed, n_out, n_rest, listed_out = quoted
    assert (n_in, n_quarter) == (words[len(inside)], words[len(quarter)])
    assert [int(v) for v in re.findall(r"\d", listed)] == inside
    assert (n_out, n_rest) == (words[len(outside)], words[8 - len(quarter)])
    assert [int(listed_out)] == outside
    # section 7's 'paler photos, such as images 3 and 4' lie in that quarter
    assert said(r"\(paler photos, such as images 3 and 4\)") and {3, 4} <= set(quarter)
    assert "for i, up in ((2, 1), (3, -1)):" in CODE, "the scatter marks images 3 and 4"


def test_the_bar_chart_under_the_table():
    gray = float(table4()["mean PSNR (dB)"][0])
    as_output = [float(v) for v in table4()["mean PSNR (dB)"][1:]]
    put_back = [float(v) for v in table4()["mean PSNR, brightness put back (dB)"][1:]]
    above = [v - gray for v in put_back if v > gray]
    assert all(v < gray for v in as_output), "'as output, every network scores below gray'"
    assert len(above) == 3, "'three of the four beat it'"
    assert put_back[3] < gray and min(put_back[:3]) > gray, "'the fourth, the base=9 UNet'"
    assert table4()["mean PSNR, brightness put back (dB)"][4] == small_unet()[
        "mean PSNR, brightness put back (dB)"], "the table's fifth column is the base=9 UNet"
    assert said(r"\*\*As output, every network scores below gray; with the input's brightness put "
                r"back, all but the small base=9 UNet beat it, narrowly \(the bars\)\.\*\* "
                r"With this one seed, that UNet's colors cost more than they add\.")
    assert "train(lambda: skip_unet(9), g_train, g_val, g_test, seed=SEED + 1)" not in CODE, \
        "'with this one seed': the base=9 UNet is trained with seed 0 only"
    seeds = both_seeds()
    assert {name for name, _ in seeds} == {"UNet (skips)", "skips zeroed", "autoencoder"}
    for name in ("UNet (skips)", "skips zeroed", "autoencoder"):
        assert seeds[name, 0][2] == table4()["mean PSNR, brightness put back (dB)"][
            {"autoencoder": 1, "UNet (skips)": 2, "skips zeroed": 3}[name]], "seed 0 = the table"
    (ae_again,) = reseeded_colorizer()
    assert seeds["autoencoder", 1][1:] == (ae_again[1], ae_again[0]), "seed 1 = section 5's line"
    assert printed(r"^the gray image +0\.0 +([\d.]+) +—$") == (f"{gray:.2f}",)
    assert max(above) < 1, f"'narrowly': {above}"
    # section 7's why: the drift cost each network (put back minus as output) more than its
    # colors gained (put back minus gray), i.e. each network scored below gray as output
    assert put_back[3] < gray, "the base=9 UNet's colors 'even cost it PSNR' (section 6)"
    assert said(r'In this notebook, "gray" means this luma\.')
    assert "Until section 7" not in MARKDOWN, "section 7's baseline is still the luma gray"
    assert 'ax.axhline(0, color="k", lw=1, label=f"the gray image ({psnr_gray:.2f} dB)")' in CODE


def sizes() -> dict[str, tuple[int, int, int]]:
    """{model: (parameters, channels of the narrowest layer, its numbers)}, printed."""
    lines = re.findall(r"^(autoencoder|UNet|skips zeroed|UNet, base=9) +([\d,]+) +(\d+) x 4 x 4 = "
                       r"+([\d,]+) numbers$", PRINTED, flags=re.M)
    assert len(lines) == 4, f"{NOTEBOOK.name}: the four models' sizes are not printed"
    return {name: (int(num(p)), int(c), int(num(n))) for name, p, c, n in lines}


def test_the_control_is_larger():
    models = sizes()
    ae, unet, small = (models[name][0] for name in ("autoencoder", "UNet", "UNet, base=9"))
    assert said(r"A UNet with skip connections drifts less") and unet > 1.5 * ae
    # visible: what else differs (pooling, depth per level, size, narrowest layer)
    assert said(r"But the UNet also differs in its pooling, its depth per level, its size and its "
                r"narrowest layer\. \*\*An ablation removes one part of a model and measures what "
                r"is lost\.\*\*")
    assert sizes()["UNet"][2] > sizes()["autoencoder"][2], "'its narrowest layer' differs"
    assert said(r"The first level works at the full 32 x 32 \(`colorlab\.models\.UNet` defines "
                r"the layers\)\.")
    # the control for the parameter count: a UNet with base=9 is about the autoencoder's size
    (narrow9, code) = said(r"A second UNet, with `base=9`, has about the autoencoder's parameter "
                           r"count, and its narrowest point, 36 x 4 x 4 = (\d+) numbers, is only a "
                           r"little wider than the autoencoder's (\d+)-number code\.")[0]
    assert (int(narrow9), int(code)) == (models["UNet, base=9"][2], models["autoencoder"][2])
    # the differences the list names, as colorlab.models.UNet defines them
    unet = UNet(in_ch=1, out_ch=3, base=16, depth=3, activation=None)
    assert isinstance(unet.pool, torch.nn.MaxPool2d) and unet.pool.kernel_size == 2
    for block in (*unet.encoders, unet.bottleneck, *unet.decoders):
        convs = [m for m in block if isinstance(m, torch.nn.Conv2d)]
        assert [m.kernel_size for m in convs] == [(3, 3), (3, 3)], "two 3 x 3 convolutions a level"
    assert all(m.stride == (1, 1) for m in unet.modules() if isinstance(m, torch.nn.Conv2d))
    assert ae == count_parameters(RGBAutoencoder(bottleneck=32, in_ch=1))
    # the table's 'autoencoder' row is section 4's colorizer, not section 2's demo
    (demo,) = printed(r"^the code: \d+ numbers per image \(input: 3,072\); parameters: ([\d,]+)$")
    assert said(r"In the printed parameter table, \"autoencoder\" is section 4's colorizer \(gray "
                r"in, a (\d+)-channel code\): ([\d,]+) parameters, not the ([\d,]+) of section 2's "
                r"demo \(color in, a 16-channel code\)\.") \
        == [(str(models["autoencoder"][1]), f"{ae:,}", demo)]
    assert num(demo) == count_parameters(RGBAutoencoder(bottleneck=16)) != ae
    assert small == count_parameters(UNet(in_ch=1, out_ch=3, base=9, depth=3, activation=None))
    assert abs(small / ae - 1) < 0.1, f"UNet(base=9) has {small:,} parameters, not ~{ae:,}"

def test_the_clean_ablation_the_skips_alone():
    """The same UNet, seed and recipe with its skip tensors zeroed: only the skips differ."""
    models = sizes()
    assert models["skips zeroed"] == models["UNet"], "same parameters and narrowest layer"
    code = CODE
    assert "skips.append(torch.zeros_like(x) if level in self.zeroed else x)" in code
    assert "class ZeroSkipUNet(UNet):" in code and "zeroed=(1, 2, 3), **kwargs):" in code
    assert "self.zeroed = tuple(zeroed)" in code, "the zeroed levels: a constructor argument"
    assert ("train(lambda: skip_unet(16, ZeroSkipUNet), g_train, g_val, g_test)" in code
            and "train(lambda: skip_unet(16), g_train, g_val, g_test)" in code), "the same seed"
    assert said(r"A third is the clean ablation: the same UNet and seed, its skip tensors replaced "
                r"by zeros \(`ZeroSkipUNet`\), so that only the skips differ\.")
    _, ae, unet = table()["mean |drift| (gray levels)"]
    zero = zeroed()["mean |drift| (gray levels)"]
    # what the run shows: inside this UNet a wider code without skips drifts more (than the
    # autoencoder); the skips are the one thing toggled. It never varies the code width alone.
    assert said(r"\*\*Without its skips, the same UNet drifts more than the autoencoder with both "
                r"seeds, despite twice as many numbers at its narrowest point\.\*\*")
    assert models["skips zeroed"][2] == 2 * models["autoencoder"][2], "'twice as many numbers'"
    assert said(r"### The ablation: only the skips differ Zeroing the skips, with all else kept, "
                r"more than quadruples the UNet's drift\.")
    for seed, (unet_s, zero_s, _) in zeroed_seeds().items():
        assert float(zero_s) > 4 * float(unet_s), f"seed {seed}: 'more than quadruples'"
    assert float(unet) < 0.5 * float(zero) and float(zero) > float(ae)
    assert sizes()["skips zeroed"][2] > sizes()["autoencoder"][2]
    # the removed claim: zeroing all three skips at once cannot single out the 4 x 4 layer
    assert "the 4 x 4 squeeze is to blame" not in MARKDOWN
    assert "squeeze through the 4 x 4 layer is what loses" not in MARKDOWN
    # the skips' sizes, as the UNet's layer table printed them
    skip_sizes = re.findall(r"^encoder level \d: two conv 3 x 3 +\d+ x +(\d+) x +(\d+)   -> skip",
                            PRINTED, flags=re.M)
    assert skip_sizes == [("32", "32"), ("16", "16"), ("8", "8")], skip_sizes
    assert "full-resolution features" not in MARKDOWN
    assert "A wider code alone does not keep" not in MARKDOWN, "width is never varied alone"
    assert "channels are not the limit" not in MARKDOWN, \
        "the run never varies the positions: it does not show that they are the limit"
    assert all(models[name][1] * 16 == models[name][2] for name in ("UNet", "skips zeroed")), \
        "both base=16 UNets' narrowest layer: 4 x 4 positions"
    assert "the skips, not a wider code, keep the brightness" not in MARKDOWN, \
        "the run never varies the code width on its own"
    seeds = zeroed_seeds()
    assert seeds[0] == (unet, zero, ae), f"the seed-0 line repeats the table: {seeds[0]}"
    for seed, (unet_s, zero_s, ae_s) in seeds.items():
        assert float(unet_s) < float(ae_s) < float(zero_s), \
            f"seed {seed}: 'more than the autoencoder' and the skips' cut: {seeds[seed]}"
    assert "print the same with both seeds" not in MARKDOWN, "trimmed from the collapsed block"
    unet_seeds = reseeded_unet()
    psnrs = zeroed_seeds_psnr()
    # the Going deeper section on it is folded into one printed line under the table of seeds
    assert "### Did seed 1 train other weights" not in MARKDOWN
    # the direct check: the two seeds' weights, compared (the printed line says 'other weights')
    gaps = printed(r"^seed 1 trained other weights: they differ from seed 0's by up to ([\d.]+) "
                   r"\(UNet\) and ([\d.]+) \(skips zeroed\)$")
    assert min(map(float, gaps)) > 0.01, f"'seed 1 trained other weights': {gaps}"
    assert "by chance" not in MARKDOWN, "the drifts' agreement is printed, not explained"
    assert unet_seeds[1][0] != unet_seeds[0][0], "seed 1's UNet scores differently"
    assert psnrs[1][1] != psnrs[0][1], "seed 1's skips-zeroed UNet scores differently"
    # the printed PSNRs repeat the table (seed 0) and the UNet's seed-1 line in Going deeper
    assert psnrs[0] == (table4()["mean PSNR (dB)"][2], zeroed()["mean PSNR (dB)"],
                        table4()["mean PSNR (dB)"][1])
    assert psnrs[1][0] == unet_seeds[1][0]
    assert seeds[0][:2] == seeds[1][:2], f"'the drifts round alike' with both seeds: {seeds}"
    assert float(zero) > float(ae) > float(unet), (zero, ae, unet)
    assert said(r"In the same UNet, the skips alone cut the drift from ([\d.]+) to ([\d.]+) gray "
                r"levels: without them, the UNet's other changes raise it \(with both seeds "
                r"tried\)\.") == [(zero, unet)]
    assert said(r"zeroing its skips, all else kept, makes it drift more than the autoencoder, with "
                r"both seeds tried\.")
    zeroed_code = models["skips zeroed"][2]   # its narrowest layer, printed
    ae_code = models["autoencoder"][2]
    assert zeroed_code > ae_code, "'wider than the autoencoder's code'"
    assert "skip_unet(16)" in code and models["UNet"] == models["skips zeroed"], "base=16, both"
    assert "The UNets' narrowest layer" not in MARKDOWN, "the base=9 UNet's is not 4 times as wide"
    assert said(r"\*\*Why do zeroed skips drift more\?\*\* One suspect: max-pooling keeps only the "
                r"largest of each 2 x 2 block's values\.")
    assert "def skip_unet(base, unet=UNet, **kwargs):" in code and "nn.Sequential(unet(" in code, \
        "What to try next builds m = skip_unet(16, ZeroSkipUNet) and sets m[0].pool"
    # ... inside a factory, which train seeds before calling, as section 6's UNets
    assert said(r"def make\(\): m = skip_unet\(16, ZeroSkipUNet\) m\[0\]\.pool = "
                r"nn\.AvgPool2d\(2\) +# average pooling instead of max return m "
                r"_, pred, _ = train\(make, g_train, g_val, g_test\)")
    assert "seed_everything(seed)\n    model = make_model()" in code
    assert "def drift_of(pred" in code and "def train(make_model, x_in_train, x_in_val, " \
        "x_in_test, seed=SEED):" in code
    assert isinstance(UNet(in_ch=1, out_ch=3, base=16, depth=3, activation=None).pool,
                      torch.nn.MaxPool2d), "m[0].pool is the UNet's pooling"
    # the question's premise names the whole switch, not the skips
    assert said(r"Switching from the autoencoder to the UNet cut the mean drift from")
    # the UNet with base=9, about the autoencoder's size: it stays below gray, even put back
    small, gray = small_unet(), table4()["mean PSNR (dB)"][0]
    assert said(r"with the input's brightness put back, all but the small base=9 UNet beat it, "
                r"narrowly \(the bars\)\.\*\* With this one seed, that UNet's colors cost more "
                r"than they add\.")
    assert models["UNet, base=9"][0] < models["UNet"][0], "'the small base=9 UNet'"
    # 'only its colors differ': the put-back matches the input's luma (up to clipping), as gray does
    assert "return (pred - (luma(pred) - g_test)).clamp(0, 1)" in CODE
    # the size control, read: at about the autoencoder's parameter count, half the drift
    assert said(r"The base=9 UNet is about the autoencoder's size, in parameters and at its "
                r"narrowest point, yet it drifts about half as much\. So the UNet's lower drift "
                r"does not come from its size alone\.")
    small_narrow, ae_narrow = sizes()["UNet, base=9"][2], sizes()["autoencoder"][2]
    assert 1 < small_narrow / ae_narrow < 1.2, f"'only a little wider': {small_narrow}, {ae_narrow}"
    ae_params, small_params = sizes()["autoencoder"][0], sizes()["UNet, base=9"][0]
    assert abs(small_params / ae_params - 1) < 0.1, f"'about the parameter count': {small_params}"
    small_drift = float(small["mean |drift| (gray levels)"])
    ae_drift = float(table()["mean |drift| (gray levels)"][1])
    assert 0.4 < small_drift / ae_drift < 0.6, f"'about half as much': {small_drift}, {ae_drift}"
    assert float(small["mean PSNR (dB)"]) < float(small["mean PSNR, brightness put back (dB)"]) \
        < float(gray), f"below gray, even with its brightness put back: {small}"
    (line,) = [o["text"] for c in NB.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type == "stream" and o["text"].startswith("Summary:")]
    assert f"skips zeroed: {zero}, {zeroed()['mean PSNR (dB)']} dB)" in line.splitlines()[0]


def test_one_skip_zeroed_at_a_time():
    """Section 6's split: the same UNet and seed with only skip 1 (32 x 32), only skip 2
    (16 x 16) or only skip 3 (8 x 8) zeroed. The verdict follows the printed drifts and the
    printed seed noise."""
    split = one_skip_zeroed()
    unet, _ = split["no skip zeroed (the UNet)"]
    first, _ = split["only skip 1 zeroed (32 x 32)"]
    second, _ = split["only skip 2 zeroed (16 x 16)"]
    deepest, _ = split["only skip 3 zeroed (8 x 8)"]
    every, _ = split["all three zeroed"]
    # the first and last rows repeat the table's UNet and skips-zeroed columns
    assert f"{unet:.1f}" == table()["mean |drift| (gray levels)"][2]
    assert f"{every:.1f}" == zeroed()["mean |drift| (gray levels)"]
    assert f"{split['no skip zeroed (the UNet)'][1]:.2f}" == table4()["mean PSNR (dB)"][2]
    (noise,) = printed(r"^a second seed moved a mean \|drift\| above by at most ([\d.]+) gray "
                       r"levels$")
    noise = float(noise)
    # the printed noise is the largest seed-to-seed change of the table of both seeds
    seeds = both_seeds()
    changes = [abs(float(seeds[name, 0][0]) - float(seeds[name, 1][0]))
               for name in ("UNet (skips)", "skips zeroed", "autoencoder")]
    assert abs(max(changes) - noise) < 0.11, (changes, noise)  # both sides rounded to 0.1
    assert said(r"\*\*Which skip keeps the contrast\?\*\* Each skip carries its level's features "
                r"around the halvings below it, from skip 1 at 32 x 32 to skip 3 at 8 x 8\. So we "
                r"zero one at a time\.")
    skip_sizes = re.findall(r"^encoder level (\d): two conv 3 x 3 +\d+ x +(\d+) x +\d+   -> skip",
                            PRINTED, flags=re.M)
    assert dict(skip_sizes)["1"] == "32" and dict(skip_sizes)["3"] == "8"
    assert said(r"\*\*Without the full-resolution skip, the drift nearly doubles, to ([\d.]+) gray "
                r"levels\.\*\*") == [(f"{first:.1f}",)]
    # the noise in words (r84): the printed bound and the table's rounded 12.2 and 12.8 agree
    # only on 'just over half a gray level', the autoencoder's change between its two seeds
    assert said(r"Zeroing skip 2 or skip 3 alone leaves it within the seed noise: a second seed "
                r"moved the autoencoder's mean \|drift\| by just over half a gray level\.")
    assert changes[2] == max(changes), f"the largest seed change is the autoencoder's: {changes}"
    assert noise == 0.5 and changes[2] >= 0.55, \
        f"'just over half': printed {noise} (< 0.55 unrounded), table change {changes[2]} (> 0.5)"
    for alone in (second, deepest):
        assert abs(alone - unet) <= noise, f"'within the seed noise': {alone} against {unet}"
    assert said(r"With all three zeroed, though, it reaches ([\d.]+)\.") == [(f"{every:.1f}",)]
    # the skips partly stand in for one another: zeroing all three costs far more than the three
    # one-skip costs added up; only skip 1's cost, alone, is beyond the seed noise (one seed)
    # only single skips were removed: whether skip 1 alone suffices is untested (r84)
    assert said(r"So losing all three skips costs far more than losing any one, and the skips "
                r"partly stand in for one another\. Whether skip 1 alone keeps the drift low is "
                r"untested\. These one-skip runs used one seed\.")
    assert "no single one carries the contrast" not in MARKDOWN
    assert every - unet > 2 * ((first - unet) + (second - unet) + (deepest - unet)) + 3 * noise, \
        "'stand in for one another': all three zeroed should cost far more than each alone, added"
    assert first < 0.6 * every, "'only part': zeroing all three costs far more than skip 1 alone"
    assert printed(r"^seed (\d) +mean \|drift\| \(gray levels\) +mean PSNR \(dB\)$") == ("0",)
    # the noise: the largest seed-to-seed change, computed from the unrounded means
    assert "abs(drift_of(a).abs().mean() - drift_of(b).abs().mean())" in CODE
    # the scope: this UNet halves by max-pooling, the autoencoder by stride-2 convolutions
    assert isinstance(UNet(in_ch=1, out_ch=3, base=16, depth=3, activation=None).pool,
                      torch.nn.MaxPool2d)
    assert "encoder: conv 3 x 3, stride 2" in PRINTED
    assert "already lost at the first halving" not in MARKDOWN, "scoped to this UNet (r81)"
    # all three skips zeroed one at a time (r83: skip 2 too)
    assert "train(zero_only(2)," in CODE
    assert "probably carries most of the rest" not in MARKDOWN, "skip 2 was tested: 'probably' gone"
    assert 1.7 < first / unet < 2.1, f"'nearly doubles': {first} against {unet}"
    assert first - unet > 3 * noise, f"skip 1's effect should be clear beyond the noise {noise}"
    assert abs(deepest - unet) <= noise, f"'within the seed noise': {deepest} against {unet}"
    assert every > first, "zeroing all three costs more than zeroing skip 1 alone"
    assert said(r"Zeroed one at a time \(one seed\), only the full-resolution skip matters "
                r"measurably; the skips partly stand in for one another\.")
    assert said(r"\*\*Key idea:\*\* Paths around the downsampling keep the brightness sharp")
    code = CODE
    assert "skip_unet(16, ZeroSkipUNet, zeroed=(level,))" in code
    assert "train(zero_only(1)," in code and "train(zero_only(3)," in code
    assert said(r"\*\*Zero two skips at once\.\*\* Section 6 zeroed one skip at a time, and only "
                r"skip 1 mattered alone\. Zero skips 2 and 3 together")
    assert said(r"make = lambda: skip_unet\(16, ZeroSkipUNet, zeroed=\(2, 3\)\)")


def test_the_unets_narrowest_layer_is_wider_than_the_code():
    models = sizes()
    code, unet = models["autoencoder"][2], models["UNet"][2]
    # the gray -> RGB autoencoder's code: printed numbers for a 32 x 32 gray input, on a 4 x 4 grid
    assert said(r"The code has ([\d,]+) numbers for 1,024 gray pixels, but only 4 x 4 "
                r"positions\.") == [(f"{code:,}",)] and code < 32 * 32   # all four print 4 x 4
    assert said(r"\*\*An ablation removes one part of a model and measures what is lost\.\*\*")
    assert said(r"## 6\. Skip connections, and a clean ablation")
    assert unet > code and models["UNet, base=9"][2] > code


def test_under_the_gray_line_yet_below_gray_on_mean_psnr():
    unet_val = curves()["gray -> RGB UNet (skips)"][1]
    (gray_val,) = printed(r"^  the gray image itself \(no training\) +([\d.]+)$")
    gray, _, unet = table()["mean PSNR (dB)"]
    *_, mse_unet, mse_gray = reseeded_unet()[0]
    assert said(r"Epoch by epoch, the UNet's validation MSE ends under the gray image's "
                r"\(dotted\), and the autoencoder's ends above it\.")
    assert curves()["gray -> RGB autoencoder, 512 numbers (32 ch)"][1] > float(gray_val)
    assert said(r"Mean PSNR weighs each image's relative error, and by it the UNet stays below "
                r"gray \(Going deeper says why\)\.")
    assert unet_val < float(gray_val) and float(unet) < float(gray)
    assert float(mse_unet) < float(mse_gray)


def test_luma_and_l_based_gray():
    levels = {name: (float(y), float(l)) for name, y, l in re.findall(
        r"^pure (\w+) *: luma gray level +([\d.]+), L-based gray level +([\d.]+)$",
        PRINTED, flags=re.M)}
    assert set(levels) == {"red", "green", "blue", "yellow"}
    assert said(r"Pure red is gray level ([\d.]+) as luma but ([\d.]+) as L-based gray") \
        == [tuple(f"{v:.1f}" for v in levels["red"])]
    assert all(l != y for y, l in levels.values()), "the two grays differ on colored pixels"
    assert said(r"agrees with luma on neutral pixels. On saturated ones the two differ, by an "
                r"amount that depends on the hue")
    # section 8: keeping the input's L fixes the lightness, not the luma, on colored pixels
    assert said(r"\*\*A colorizer should predict only color and keep the input's lightness L: then "
                r"L cannot drift\.\*\*")
    assert said(r"L is not luma, but a gray rebuilt from L agrees with luma on neutral pixels\.")
    assert "though both agree on grays" not in MARKDOWN, "L itself is on a 0-100 scale (r83)"
    assert said(r"On all four pure colors above, the L-based gray is lighter than luma\.")
    assert MARKDOWN.index("**Three grays meet in section 7.**") > MARKDOWN.index(
        "### Luma and the L-based gray (section 7)"), "the three grays follow the printout"
    assert levels_pure_luma_below_l(), "'lighter on the four pure colors tried': each printed"
    assert "pure red: 76 against" not in MARKDOWN, "name each number: luma 76, L-based 127"
    section7 = MARKDOWN.split("## 7. ", 1)[1].split("## Going deeper", 1)[0]
    assert "L is not luma" in re.sub(r"<details>.*?</details>", " ", section7), "visible"
    gaps = [l - y for y, l in levels.values()]
    assert max(gaps) > 2 * min(gaps), f"'depends on the hue': the gaps are {gaps}"
    assert printed(r"^neutral grays \(R = G = B\): the two agree to within (0\.5) gray levels$")
    # the weights differ by their primaries too: BT.709's red weight on encoded values
    (bt709,) = printed(r"^pure red, BT.709's weights on the gamma-encoded values: ([\d.]+)$")
    assert said(r"luma gives red 0.299 \(BT.601\), the L-based gray 0.2126 \(BT.709, sRGB's "
                r"primaries\), which on the encoded values gives only (\d+) \(printed\)") \
        == [(f"{float(bt709):.0f}",)]
    assert float(bt709) < levels["red"][0] < levels["red"][1]


def test_the_curves_sit_where_their_sections_read_them():
    """The rebuilds' curves in section 3 (the two widest codes end together), the two colorizers'
    in section 6 (the UNet under the gray image's MSE)."""
    assert len(curves()) == 6, "the curves plot the sweep and the two gray -> RGB networks"
    heading = {n: next(i for i, c in enumerate(NB.cells) if c.cell_type == "markdown"
                       and c.source.startswith(f"## {n}. ")) for n in (3, 4, 6, 7)}
    printing = [i for i, c in enumerate(NB.cells) if c.cell_type == "code"
                and "validation MSE after the first and the last epoch:" in "".join(
                    o.get("text", "") for o in c.outputs if o.output_type == "stream")]
    assert len(printing) == 2, printing
    texts = ["".join(o.get("text", "") for o in NB.cells[i].outputs) for i in printing]
    assert heading[3] < printing[0] < heading[4] and texts[0].count("  rebuild, ") == len(sweep())
    assert heading[6] < printing[1] < heading[7] and "gray -> RGB UNet (skips)" in texts[1]
    assert MARKDOWN.index("## 6. ") < MARKDOWN.index("Epoch by epoch, the UNet's validation MSE") \
        < MARKDOWN.index("## 7. ")
    assert said(r"dotted: the gray image's own; unlike the test images, this set keeps its "
                r"black-and-white photos")
    code = CODE
    assert "x_val[" not in code, "the text says the validation set keeps its black-and-white photos"


def test_the_black_and_white_threshold():
    truth, _ = chroma_row()
    assert said(r"`colorlab\.metrics\.is_gray` picks those whose mean \[chroma\]\([^)]*\) "
                r"\(distance from gray in CIE Lab\) is below (\d+), against ([\d.]+) on average "
                r"for the photos scored \(section 6's table, chroma row\)\.") \
        == [(f"{GRAY_CHROMA:g}", f"{truth:.1f}")]
    code = CODE
    assert "already_gray = is_gray(rgb_to_lab(x_test))" in code


def test_more_data_costs_time():
    (train,) = printed(r"^mode: quick \|[^\n]*: ([\d,]+) train / ")
    quoted = said(r"`TRAIN_IMAGES = 20_000`, (\d+) times this run's ([\d,]+) images, so perhaps "
                  r"(\d+) times its run time \(not measured here\)")
    ratio = f"{20_000 / num(train):.0f}"
    assert quoted == [(ratio, train, ratio)]
    # an explicit image count turns off the quick preset's smaller batches: the text keeps this one
    (batch,) = printed(r"^each training: \d+ epochs of [\d,]+ images in batches of (\d+),")
    assert said(r"13 times its run time \(not measured here\) if you also set "
                r"`BATCH_SIZE = (\d+)`, as here\.") == [(batch,)]
    assert "brings back the default" not in MARKDOWN, "no output shows the default batch size"
    # an int TRAIN_IMAGES skips the speed probe (the preset stays standard: 1.0 x 128)
    assert QUICK_PRESETS["standard"] == 1.0 and "or round(128 * (QUICK_PRESETS[run.preset]" in CODE
    assert "train_images is None or isinstance(train_images, dict)" in inspect.getsource(start)


def test_bottlenecks_also_set_the_colorizers_code():
    code = CODE
    assert said(r"It also sets section 4's code, the widest\.")
    assert "RGBAutoencoder(bottleneck=max(BOTTLENECKS), in_ch=1)" in code


def test_the_layer_by_layer_shapes():
    """The architecture is printed layer by layer; the questions quote the code's size."""
    before_unet = PRINTED.split("the code: ", 1)[0]    # the autoencoder's print; the UNet's follows
    rows = re.findall(r"^(input|encoder: .+?|decoder: .+?) +(\d+) x +(\d+) x +(\d+)", before_unet,
                      flags=re.M)
    shapes = [tuple(map(int, r[1:])) for r in rows]
    assert shapes[0] == (3, 32, 32) and shapes[-1] == (3, 32, 32)
    assert (16, 4, 4) in shapes and min(shapes, key=lambda t: t[0] * t[1] * t[2]) == (16, 4, 4)
    assert printed(r"^encoder: conv 1 x 1 +16 x  4 x  4   <- the code$") == ()
    n, params = printed(r"^the code: (\d+) numbers per image \(input: 3,072\); parameters: "
                        r"([\d,]+)$")
    assert int(n) == 16 * 4 * 4 and num(params) == count_parameters(RGBAutoencoder(bottleneck=16))
    assert said(r"The demo model's code is 16 x 4 x 4\. How many times fewer")
    # section 2 shows the autoencoder's own code once, as colorlab.models writes it
    assert "for part in (models.down, models.up, models.RGBAutoencoder):" in CODE
    assert inspect.getsource(RGBAutoencoder) in PRINTED
    assert said(r"16 x 4 x 4 = (\d+) numbers for 3,072: (\d+) times fewer") == [(n, "12")]
    # a 4 x 4 code for a 32 x 32 input: one code position per 8 x 8 block of pixels
    assert said(r"Ours squeezes a (\d+) x \1 image into a (\d+) x \2 code, one position per "
                r"(\d+) x \3 block: room for coarse content, not fine detail\.") \
        == [(str(shapes[0][1]), "4", str(shapes[0][1] // 4))]
    # the 16-number code (one channel): exactly one number per block position, not 'about one'
    (one,) = sweep()[1][:1]
    assert one == 16 and said(r"With 16 numbers \(middle row\), the code holds one number per "
                              r"8 x 8 block position \(their receptive fields overlap\)\.")
    assert "each 8 x 8 block gets about one number" not in MARKDOWN


def test_the_wordings_match_the_code():
    code = CODE
    # the blocks do not overlap because the kernel is as wide as the stride
    assert said(r"The decoder grows the code back with \*transposed\* convolutions\. In the demo "
                r"below, each input pixel scales the 2 x 2 kernel into its own block of the "
                r"output\.")
    assert "ConvTranspose2d(1, 1, kernel_size=2, stride=2" in code
    # fit only logs the validation loss: no checkpoint, so the last epoch's weights are kept
    assert said(r"keeps its last epoch's weights: its loss on the \[validation set\]\([^)]*\) "
                r"is only logged")
    assert said(r"`fit` saves a best epoch only into a `checkpoint_dir`, and `train` below passes "
                r"none, so each model keeps its last epoch's weights")
    assert "val=(x_in_val, x_val)" in code and "checkpoint_dir" not in code
    assert "checkpoint_dir" in inspect.signature(fit).parameters
    assert said(r"Is section 5's contrast lost as the image loses resolution on the way down\? If "
                r"so, paths around the downsampling should help\. A \[UNet\]\([^)]*\) has such "
                r"paths, its \*\*skip connections\*\*\. Each skip copies an encoder level's output "
                r"and concatenates it to the decoder level of the same size, so detail can cross "
                r"at each level's own resolution, up to the full 32 x 32\.")
    assert "need not pass through the 4 x 4 layer" not in MARKDOWN, "skips bypass every halving"
    # the UNet's narrowest point (r83): the max-pooled tensor that enters the middle block,
    # as many numbers as the gray pixels and twice the autoencoder's code
    (channels, numbers) = said(r"The UNet's narrowest point is the max-pooled (\d+) x 4 x 4 tensor "
                               r"that enters its middle block: ([\d,]+) numbers, as many as the "
                               r"gray pixels and twice the autoencoder's code\. The middle block "
                               r"widens it again, to (?:\d+) channels\.")[0]
    assert sizes()["UNet"][1:] == (int(channels), num(numbers)) and num(numbers) == 32 * 32
    assert num(numbers) == 2 * sizes()["autoencoder"][2], "'twice the autoencoder's code'"
    assert said(r"The middle block widens it again, to (\d+) channels\.") \
        == [(str(2 * int(channels)),)], "the middle block's two 3 x 3 convolutions double them"
    assert "2,048 numbers" not in MARKDOWN and "wider bottleneck" not in MARKDOWN
    assert "through the narrow code" not in MARKDOWN


def test_the_unet_level_by_level():
    """Section 6's table of the UNet (base=16), checked against colorlab.models.UNet itself."""
    unet = UNet(in_ch=1, out_ch=3, base=16, depth=3, activation=None)
    shapes = {}
    # the middle block's input: the last encoder level, max-pooled (the narrowest tensor)
    pooled = unet.bottleneck.register_forward_hook(
        lambda mod, i, o: shapes.__setitem__("pooled", i[0].shape[1:]))
    hooks = [pooled] + [
        m.register_forward_hook(lambda mod, i, o, k=k: shapes.__setitem__(k, o.shape[1:]))
             for k, m in [*((f"enc{n}", e) for n, e in enumerate(unet.encoders, 1)),
                          ("bottleneck", unet.bottleneck),
                          *((f"up{n}", u) for n, u in zip((3, 2, 1), unet.ups)),
                          *((f"dec{n}", d) for n, d in zip((3, 2, 1), unet.decoders))]]
    with torch.no_grad():
        unet(torch.rand(1, 1, 32, 32))
    for hook in hooks:
        hook.remove()

    def line(pattern):  # the shape printed on the UNet's line that matches pattern
        (shape,) = printed(pattern + r" +(\d+ x +\d+ x +\d+)")
        return tuple(int(v) for v in shape.split(" x "))

    for level in (1, 2, 3):
        assert line(rf"^encoder level {level}: two conv 3 x 3") == tuple(shapes[f"enc{level}"])
        assert line(rf"^  \+ skip {level}, concatenated") \
            == (shapes[f"up{level}"][0] + shapes[f"enc{level}"][0], *shapes[f"enc{level}"][1:])
        assert line(rf"^decoder level {level}: two conv 3 x 3") == tuple(shapes[f"dec{level}"])
    assert line(r"^middle block \(4 x 4\): two conv 3 x 3") == tuple(shapes["bottleneck"])
    # the layer printout's label sits on the last max-pool line, the narrowest tensor
    (narrow,) = printed(r"^  max-pool 2 x 2 +(\d+ x +\d+ x +\d+)   <- the narrowest layer$")
    assert tuple(int(v) for v in narrow.split(" x ")) == tuple(shapes["pooled"])
    assert shapes["pooled"].numel() == min(
        s.numel() for k, s in shapes.items() if k.startswith(("enc", "bottleneck", "pooled")))
    assert "bottleneck: two conv" not in PRINTED, "'bottleneck' names the autoencoder's code only"
    assert line(r"^conv 1 x 1 \(a sigmoid follows\)") == (3, 32, 32)
    assert "demo_unet = UNet(in_ch=1, out_ch=3, base=16, depth=3, activation=None)" in CODE
    # the schematic draws both: the skips copied, and the skips as zeros
    assert "draw_unet(axes[0], zeroed=False)" in CODE and "draw_unet(axes[1], zeroed=True)" in CODE
    # the same narrowest layer that the run printed for the trained UNet
    assert sizes()["UNet"][1:] == (shapes["pooled"][0], shapes["pooled"].numel())
    small, h = UNet(in_ch=1, out_ch=3, base=9, depth=3, activation=None), torch.rand(1, 1, 32, 32)
    with torch.no_grad():
        for encode in small.encoders:  # the base=9 UNet's narrowest tensor: its pooled 4 x 4
            h = small.pool(encode(h))
    assert sizes()["UNet, base=9"][1:] == (h.shape[1], h[0].numel())
    assert said(r"Each level is two 3 x 3 convolutions\. A 2 x 2 max-pooling halves H and W after "
                r"each encoder level; a 2 x 2 transposed convolution of stride 2 doubles them "
                r"before each decoder level\. A 1 x 1 convolution and a sigmoid turn the last 16 "
                r"channels into RGB\.")
    assert all(u.kernel_size == (2, 2) and u.stride == (2, 2) for u in unet.ups)
    assert unet.head.kernel_size == (1, 1) and unet.head.in_channels == 16
    # the schematic draws that head as its own box, before "RGB out"
    assert '"head: conv 1 x 1\\n+ sigmoid\\n3 x 32 x 32"' in CODE and unet.head.out_channels == 3
    code = CODE
    assert "activation=None, **kwargs),\n                         nn.Sigmoid())" in code \
        and "skip_unet(16)" in code
    assert said(r"Each skip copies an encoder level's output and concatenates it to the decoder "
                r"level of the same size")  # the '+ skip, concatenated' lines above: channels add
    # the schematic's arrows are labelled as the layers are
    assert '"max-pool" if going_down else "transposed conv"' in code
    assert 'f"skip {k} = 0" if zeroed else f"skip {k}"' in code
    # the schematic names the middle block so, and marks the pooled tensor as the narrowest
    assert 'place["middle block (4 x 4)"] = (4, -3)' in code
    assert '"the narrowest tensor:\\n64 x 4 x 4, max-pooled"' in code
    assert tuple(shapes["pooled"]) == (64, 4, 4)


def kept_L() -> dict[str, tuple[str, str, str]]:
    """{row: (mean |L drift|, mean |luma drift|, mean PSNR)} of section 8's table, printed."""
    lines = re.findall(r"^(autoencoder, as output|autoencoder, input's L kept|UNet \(skips\), as "
                       r"output|UNet \(skips\), input's L kept|the gray image) +([\d.]+) +([\d.]+) "
                       r"+([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 5, f"{NOTEBOOK.name}: section 8's table of the L kept is not printed"
    return {name: tuple(rest) for name, *rest in lines}


def test_keeping_the_input_L():
    """Section 8 tries its fix: the output's L replaced by the gray input's, its a and b kept."""
    rows = kept_L()
    code = CODE
    assert "lab[:, 0] = L_input" in code and "return lab_to_rgb(lab)" in code
    assert "L_input = rgb_to_lab(gray_rgb)[:, 0]" in code
    gray, ae, unet = (table4()["mean PSNR (dB)"][k] for k in (0, 1, 2))
    drifts = table4()["mean |drift| (gray levels)"]
    # the raw outputs' lines repeat section 6's table
    assert rows["autoencoder, as output"][1:] == (drifts[1], ae)
    assert rows["UNet (skips), as output"][1:] == (drifts[2], unet)
    assert rows["the gray image"][2] == gray
    kept = {name: rows[f"{name}, input's L kept"] for name in ("autoencoder", "UNet (skips)")}
    assert said(r"\*\*Keeping the input's L stops the lightness drift, and both networks then "
                r"score above gray\.\*\* In the grid, both keep the input's sharp outlines\.")
    assert said(r"Luma still drifts a little, because luma and L weigh colors differently")
    # what is new in the grid (r84): row 4 is the UNet's output with the input's L, where section
    # 6's row 4 was its raw output; in the committed figures its image 7 turns dark, like the input
    assert said(r"In the grid, both keep the input's sharp outlines\. Row 4 shows what is new\. "
                r"Unlike the UNet's row in section 6, its image 7 is dark, like the input\.")
    assert 'f"UNet (skips)\\n{psnr_skip:.2f} dB": (colorized_skip, unet_each)' in code, \
        "section 6's row 4 is the UNet's raw output"
    assert said(r"Our networks' colors are faint, and the drift stays under one gray level\.")
    for name, (l_drift, luma_drift, psnr) in kept.items():
        assert float(l_drift) == 0, f"{name}: 'L cannot drift', printed {l_drift}"
        assert 0 < float(luma_drift) < 1, f"{name}: 'luma still drifts a little': {luma_drift}"
        assert float(gray) < float(psnr), f"{name}: 'above gray': {psnr}"
    (ae_k, unet_k) = kept["autoencoder"], kept["UNet (skips)"]
    assert unet_k[0] == ae_k[0]
    # the Summary: this run only kept L on the existing networks' outputs; no network here is
    # trained to predict ab (that is notebook 04's, "L in, ab out")
    assert said(r"The fix is to keep the input's L and predict only ab\. This run only tried it on "
                r"the existing networks' outputs \(no network here predicts ab\), and there it "
                r"stops the lightness drift, keeping the luma image's L\. Notebook 04 trains a "
                r"network to predict ab from the true L\.")
    assert said(r"No network here predicts color alone, so this section applies the fix after "
                r"the fact, to outputs we already have; notebook 04 trains a network that "
                r"predicts only color\.")
    assert said(r"We take two networks' outputs: each keeps its a and b, and its L becomes the "
                r"gray input's\.")
    section7 = MARKDOWN.split("## 7. ", 1)[1]
    assert section7.index("applies the fix after the fact") < section7.index("L is not luma"), \
        "section 7 says up front that the fix is applied to existing outputs"
    assert said(r"\*\*Three grays meet in section 7\.\*\* Each carries its own lightness: "
                r"\| the gray \| what it is \| who uses it \| \|---\|---\|---\| "
                r"\| the luma image \| a weighted sum of the encoded R, G and B \| this notebook's "
                r"input \| \| the luma image's L \| the lightness of that gray image \| section 7 "
                r"keeps it \| \| the L-based gray \| a gray with the true color's own L \| "
                r"notebook 04 keeps that L \|")
    assert "L_input = rgb_to_lab(gray_rgb)[:, 0]" in CODE, "section 7 keeps the luma image's L"
    # scoped to the four pure colors printed; the test photos are not measured
    assert said(r"So on those colors the L we keep is darker than the true color's L; how often "
                r"that happens on the test photos is not measured here\.")
    assert levels_pure_luma_below_l(), "'too dark on the pure colors tried': each printed"
    # the two put-backs' scores: the luma one is section 6's table row, the L one this table's
    luma_ae, luma_unet = table4()["mean PSNR, brightness put back (dB)"][1:3]
    assert said(r"Section 5's put-back matched the input's luma and section 7 matches its L, yet "
                r"the two fixes score nearly the same\.")
    assert "Section 6's luma put-back scores a little apart" not in MARKDOWN, "said once, visibly"
    assert f"gave {luma_ae} and {luma_unet} dB" not in MARKDOWN, "the bullet quotes no scores"
    for luma_put, l_kept in ((luma_ae, ae_k[2]), (luma_unet, unet_k[2])):
        assert 0 < abs(float(luma_put) - float(l_kept)) < 0.2, \
            f"'differ a little': luma put back {luma_put} dB, L kept {l_kept} dB"
    assert "The fix: take L, predict only ab" not in MARKDOWN, "no ab network is trained here"
    (lecture04,) = (ROOT / "notebooks").glob("04_*.ipynb")
    assert "L in, ab out" in nbformat.read(lecture04, as_version=4).cells[0].source


def test_the_narrow_codes_blocks():
    """The question at the end of section 3, under the rebuilds it asks about: each 8 x 8 block
    of a rebuild comes from one code position, because every decoder layer but the last has a
    kernel as wide as its stride."""
    assert said(r"Why do the 16-number rebuilds \(middle row above\) look like a 4 x 4 grid of "
                r"8 x 8 blocks\?")
    asked = MARKDOWN.index("Why do the 16-number rebuilds")
    assert MARKDOWN.index("## 3. ") < asked < MARKDOWN.index("## 4. "), "section 3's question"
    assert said(r"The encoder looks across block borders, but the decoder does not: its transposed "
                r"convolutions grow each position into its own block, as the 2 x 2 demo in "
                r"section 2 grew each input pixel into its own block\. Only the last 3 x 3 "
                r"convolution blends pixels across a block's border\.")
    encoder = [m for m in RGBAutoencoder(bottleneck=1).encoder.modules()
               if isinstance(m, torch.nn.Conv2d)]
    assert any(m.kernel_size[0] > m.stride[0] for m in encoder), "the encoder's views overlap"
    layers = [m for m in RGBAutoencoder(bottleneck=1).decoder.modules()
              if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    assert all(m.kernel_size == m.stride for m in layers[:-1]), "kernel as wide as the stride"
    assert layers[-1].kernel_size == (3, 3) and isinstance(layers[-1], torch.nn.Conv2d)
    assert sweep()[1][0] == 16, "the narrowest code is 1 x 4 x 4 = 16 numbers"


def levels_pure_luma_below_l() -> bool:
    """Each pure color's printed luma gray level lies below its L-based one."""
    pattern = r"^pure \w+ *: luma gray level +([\d.]+), L-based gray level +([\d.]+)$"
    levels = [m.groups() for m in re.finditer(pattern, PRINTED, flags=re.M)]
    assert len(levels) == 4, f"four pure colors printed: {levels}"
    return all(float(luma) < float(lab) for luma, lab in levels)


def test_each_numbered_section_ends_with_its_key_idea():
    """Each numbered section closes with one visible '**Key idea:**' line, before its questions."""
    sections = re.split(r"(?=## \d\. )", MARKDOWN.split("## Going deeper", 1)[0])[1:]
    assert len(sections) == 7, f"seven numbered sections: {len(sections)}"
    for section in sections:
        shown = re.sub(r"<details>.*?</details>", " ", section)
        assert shown.count("**Key idea:**") == 1, f"one key idea in {section[:40]!r}"
        if "### Check your understanding" in shown:
            assert shown.index("**Key idea:**") < shown.rindex("### Check your understanding")


def test_the_base9_question_in_what_to_try_next():
    """What to try next asks about the base=9 UNet, whose colors cost it PSNR (section 6)."""
    small, gray = small_unet(), table4()["mean PSNR (dB)"][0]
    assert said(r"\*\*Why do the base=9 UNet's colors cost PSNR\?\*\* With its brightness put "
                r"back, it still scores below gray, so its colors hurt it, and section 6 does not "
                r"show why\.")
    assert float(small["mean PSNR, brightness put back (dB)"]) < float(gray)
    assert "def score_table(pred" in CODE and "skip_unet(9)" in CODE
