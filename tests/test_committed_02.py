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
from PIL import Image

from colorlab import models
from colorlab.color import RGB_TO_XYZ, grayscale, lab_to_rgb, linear_to_srgb, xyz_to_lab
from colorlab.metrics import GRAY_CHROMA, mean_chroma
from colorlab.models import RGBAutoencoder, UNet, count_parameters
from colorlab.train import fit

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02_rgb_autoencoder.ipynb"
NB = nbformat.read(NOTEBOOK, as_version=4)
# the markdown with every run of white space made one space: statements span line breaks
MARKDOWN = " ".join("\n".join(c.source for c in NB.cells if c.cell_type == "markdown").split())
MAIN = MARKDOWN.split("## Going deeper", 1)[0] + MARKDOWN.split("## Summary", 1)[1]
DEEPER = MARKDOWN.split("## Going deeper", 1)[1].split("## Summary", 1)[0]
CODE = "".join(c.source for c in NB.cells if c.cell_type == "code")
PRINTED = "".join(o.get("text", "") for c in NB.cells if c.cell_type == "code"
                  for o in c.outputs if o.output_type == "stream")
WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven",
         12: "twelve", 14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen",
         18: "eighteen"}


def ids_of(cell_id: str) -> int:
    """The position of the cell with this id."""
    return [c.get("id") for c in NB.cells].index(cell_id)


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
    """[(from code, to code, dB in all, dB per doubling)], computed from the sweep's printed
    scores (s33: the per-doubling printout of Going deeper A was cut)."""
    points = sorted(sweep().values())
    return [(a, b, round(pb - pa, 2), round((pb - pa) / math.log2(b / a), 2))
            for (a, pa), (b, pb) in zip(points, points[1:])]


def reseeded() -> dict[int, tuple[float, float]]:
    """{code numbers: (test PSNR with seed 1, change against seed 0)}: the table of the two
    widest codes with both seeds, printed (s28 round 5: in section 3; s28 round 6, cold read
    r120: the table back in Going deeper A, fig 17 still draws the seed-1 scores)."""
    lines = re.findall(r"^code of (\d+) numbers +([\d.]+) +([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 2, f"{NOTEBOOK.name}: the two reseeded codes' rows are missing: {lines}"
    results = {code: p for code, p in sweep().values()}
    for code, p0, _ in lines:
        assert f"{results[int(code)]:.2f}" == p0, "the seed-0 column is the sweep's"
    return {int(code): (float(p1), round(float(p1) - float(p0), 2)) for code, p0, p1 in lines}


def lead() -> tuple[str, str]:
    """(seed 0, seed 1): what the wider of the two widest codes gains, A's seed table."""
    return printed(r"^the wider code gains +([-+][\d.]+) +([-+][\d.]+)$")


def unet_against_gray() -> tuple[str, str, str, str]:
    """(UNet minus gray in mean PSNR, % of test images where the UNet beats gray, its pooled MSE,
    gray's): Going deeper D's first printed line (s28 round 5: in section 6; s28 round 6, cold
    read r120: back in D, section 6 keeps one pointer)."""
    return printed(r"^the UNet \(skips\) against the gray image: mean PSNR ([-+][\d.]+) dB, better "
                   r"on (\d+)% of the test images, pooled MSE ([\d.]+) \(gray ([\d.]+)\)$")


def below_gray() -> tuple[str, ...]:
    """(% of test images where the UNet beats gray, its pooled MSE, gray's, UNet minus gray on
    gray's best quarter, the truth's chroma there, on the rest, the chroma there): section 6's
    line and Going deeper D's, printed."""
    _, share, mse_unet, mse_gray = unet_against_gray()
    rest = printed(r"^UNet minus gray: ([-+][\d.]+) dB on the quarter where gray scores best \(the "
                   r"truth's mean chroma ([\d.]+)\), ([-+][\d.]+) dB on the rest \(chroma "
                   r"([\d.]+)\)$")
    return (share, mse_unet, mse_gray, *rest)



YARDSTICKS = ("mean |drift| (gray levels)", "mean PSNR (dB)", "mean PSNR, luma put back (dB)")


def main_table() -> dict[str, tuple[str, str, str, str]]:
    """{yardstick: (gray image, autoencoder, UNet, skips zeroed)}: section 6's printed table.
    Cold read r110 drew its PSNRs only as bars (differences from gray); cold read r124 asked the
    absolute scores back, printed beside the bars; cold read r128 cut the bars, which repeated
    it. Its seed-0 rows are A's table's."""
    assert printed(r"^(test images) +mean \|drift\| +mean PSNR +PSNR, luma put back$")
    lines = re.findall(r"^(gray image|autoencoder|UNet \(skips\)|skips zeroed) +([\d.]+) +"
                       r"([\d.]+) +([\d.]+|—)$", PRINTED, flags=re.M)
    names = ["gray image", "autoencoder", "UNet (skips)", "skips zeroed"]
    assert [name for name, *_ in lines] == names, f"section 6's table: {lines}"
    return {row: tuple(values[k] for _, *values in lines) for k, row in enumerate(YARDSTICKS)}


def table() -> dict[str, tuple[str, str, str]]:
    """{yardstick: (gray image, autoencoder, UNet)} from section 6's table."""
    return {row: values[:3] for row, values in main_table().items()}


def zeroed() -> dict[str, str]:
    """{yardstick: the UNet with its skips zeroed}, the table's fourth column."""
    return {row: values[3] for row, values in main_table().items()}


def chroma_line() -> dict[str, float]:
    """{the truth, UNet (skips): mean chroma}, section 7's line (the UNet with the input's L
    kept), printed. Cold read r99: only what the text uses."""
    (line,) = printed(r"^mean chroma: (.+)$")
    found = {name: float(v) for name, v in re.findall(r"(the truth|UNet \(skips\)) ([\d.]+)", line)}
    assert set(found) == {"the truth", "UNet (skips)"}, line
    assert "autoencoder" not in line and "the gray image" not in line, line
    return found


def chroma_scale() -> tuple[float, float]:
    """(pure red, mid gray): section 3's chroma line, printed (cold read r105: a scale)."""
    red, gray = printed(r"^chroma: pure red ([\d.]+), mid gray ([\d.]+)$")
    return float(red), float(gray)


def rebuild_chroma() -> tuple[int, float, int, float, float]:
    """(narrow code's numbers, its rebuilds' mean chroma, wide code's numbers, its chroma, the
    originals' chroma) over the test images, section 3's line, printed (cold read r105)."""
    truth, narrow, c_narrow, wide, c_wide = printed(
        r"^mean chroma over the test images: the originals ([\d.]+), rebuilt through (\d+) "
        r"numbers ([\d.]+), through (\d+) numbers ([\d.]+)$")
    return int(narrow), float(c_narrow), int(wide), float(c_wide), float(truth)


def kept_psnr() -> tuple[str, str]:
    """(the UNet with the input's L kept, the gray image's), section 7's line, printed (cold read
    r132, item 4: section 5's luma put back no longer repeated beside it)."""
    return printed(r"^the UNet \(skips\) with the input's L kept: mean PSNR ([\d.]+) dB \(the gray "
                   r"image ([\d.]+) dB\)$")


def sizes() -> dict[str, tuple[int, int, int]]:
    """{model: (parameters, channels of the narrowest layer, its numbers)}, printed."""
    lines = re.findall(r"^(autoencoder|UNet|skips zeroed) +([\d,]+) +(\d+) x 4 x 4 = "
                       r"+([\d,]+) numbers$", PRINTED, flags=re.M)
    assert len(lines) == 3, f"{NOTEBOOK.name}: the three models' sizes are not printed"
    return {name: (int(num(p)), int(c), int(num(n))) for name, p, c, n in lines}



def validation_curves() -> tuple[dict[str, list[float]], float]:
    """({colorizer: its validation MSE after each epoch}, the gray image's validation MSE):
    the printed curves (cold read r124, item 4; r128: moved from section 6 to Going deeper A)."""
    (gray,) = printed(r"^validation MSE after each epoch \(the gray image: ([\d.]+)\)$")
    lines = re.findall(r"^  (autoencoder|UNet \(skips\)|skips zeroed) +([\d., ]+?)"
                       r"(?: \(last epoch: [-+][\d.]+%\))?$", PRINTED, flags=re.M)
    assert [name for name, _ in lines] == ["autoencoder", "UNet (skips)", "skips zeroed"], lines
    return {name: [float(v) for v in values.split(", ")] for name, values in lines}, float(gray)



def one_skip_zeroed() -> dict[str, tuple[float, float]]:
    """{row: (mean |drift|, mean PSNR)} of Going deeper B, one skip zeroed at a time, printed."""
    lines = re.findall(r"^(no skip zeroed \(the UNet\)|only skip 1 zeroed \(32 x 32\)|only skip 2 "
                       r"zeroed \(16 x 16\)|only skip 3 zeroed \(8 x 8\)|all three zeroed) +"
                       r"([\d.]+) +([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 5, f"{NOTEBOOK.name}: the split's five rows are not printed: {lines}"
    return {name: (float(d), float(p)) for name, d, p in lines}


def levels_pure_luma_below_l() -> bool:
    """Each pure color's printed luma gray level lies below its L-based one."""
    pattern = r"^pure \w+ *: luma gray level +([\d.]+), L-based gray level +([\d.]+)$"
    levels = [m.groups() for m in re.finditer(pattern, PRINTED, flags=re.M)]
    assert len(levels) == 4, f"four pure colors printed: {levels}"
    return all(float(luma) < float(lab) for luma, lab in levels)


# --- the opening ---------------------------------------------------------------------------

def test_the_time_line_is_the_committed_run():
    mode, device, precision, train = printed(r"^mode: (\w+) \| device: (CPU \([^)]*\)) \| "
                                             r"precision: (\w+) \((?:bf16 without AMX|this CPU "
                                             r"has no bf16)[^\n]*\| data: "
                                             r"CIFAR-10[^:]*: ([\d,]+) train / 500 validation")
    assert (mode, device) == ("quick", "CPU (AMD EPYC, 2 cores)"), "a quick run, 2-core AMD EPYC"
    epochs, images, _, _ = printed(r"^each training: (\d+) epochs of ([\d,]+) images in "
                                   r"batches of (\d+), (\d+) optimizer steps")
    (seconds,) = printed(r"^Run time: (\d+) s from start\(\) to this line\.$")
    trainings = (len(sweep())                     # the sweep
                 + 1                              # section 4's colorizer
                 + (2 if zeroed() else 0)         # the UNet and its skips zeroed, seed 0
                 + len(reseeded())                # the two widest codes with seed 1 (section 3)
                 + len(one_skip_zeroed()) - 2)    # one skip zeroed at a time (B): three
    quoted = said(r"The outputs come from one quick-mode run on a 2-core AMD EPYC CPU \((\w+) "
                  r"trainings of (\d+) epochs on ([\d,]+) CIFAR-10 images, ([\d,]+) s in all\); "
                  r"yours will differ a little\.")
    assert quoted == [(WORDS[trainings], epochs, images, seconds)], (quoted, trainings)
    # cold read r131 (item 6): the run time in minutes too
    assert said(r"\*\*Time\*\*: the reading, plus one run of the notebook \(about (\d+) minutes "
                r"here\)\.") == [(str(round(int(seconds) / 60)),)]
    assert images == train and precision == "float32"
    summary = [i for i, c in enumerate(NB.cells)
               if c.cell_type == "markdown" and c.source.startswith("## Summary")]
    assert len(summary) == 1 and "Run time:" in "".join(
        o.get("text", "") for o in NB.cells[summary[0] - 1].get("outputs", []))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines()
               if line.startswith("| [02 ") and "02_rgb_autoencoder.ipynb" in line)
    assert re.search(rf"\| {int(seconds):,} s[^|]*\|$", row.rstrip()), \
        f"README's course map gives 02 another time than this run's printed {seconds} s: {row}"


def test_going_deeper_holds_the_side_measurements_in_order():
    headings = re.findall(r"### ([A-F])\. ", DEEPER)
    # r107: E holds section 4's black-and-white photos; r114: F holds section 5's signed drift
    # s28 round 5 (cold read r119): F folded into section 5, E a one-line note at D's end
    assert headings == list("ABCD"), headings
    # few forward pointers on the main path (cold read r89: they break the flow); r107 asked for
    # the ones that back a claim (the second seed, the pooled MSE, the black-and-white photos);
    # r108: and the kept L's gap to the true L, moved to C
    sections = MARKDOWN.split("## Going deeper", 1)[0]
    assert len(re.findall(r"Going deeper,? [A-F]\b", sections)) <= 5, \
        re.findall(r"Going deeper.{,20}", sections)
    # cold read r98: no bare letter pointers like "(B)" inside the main sections
    assert not re.findall(r"\(([A-F])\)", MAIN), re.findall(r".{30}\([A-F]\)", MAIN)
    # every pointer on the main path names a part that exists
    for part in re.findall(r"Going deeper,? ([A-F])\b", MAIN):
        assert f"### {part}. " in DEEPER, part
    # the main path never uses a variable that Going deeper makes
    cells, deep, main_code = NB.cells, False, []
    for c in cells:
        if c.cell_type == "markdown" and c.source.startswith("## Going deeper"):
            deep = True
        if c.cell_type == "markdown" and c.source.startswith("## Summary"):
            deep = False
        if c.cell_type == "code" and not deep:
            main_code.append(c.source)
    main_code = "\n".join(main_code)
    for name in ("colorized_again", "colorized_skip_again", "both_seeds", "one_zeroed", "spread[",
                 "demo_unet", "gray_bw", "with_bw",
                 "L_true", "L_gap", "chroma_i"):
        assert name not in main_code, f"the main path uses {name}, made in Going deeper"
    # cold read r98: side measurements are deleted, not moved (the edges, the plain blur's
    # score, the validation curves, the base=9 UNet, the table of L and luma drifts)
    # (r113 asked back the sweep's validation MSE: its last two epochs, one printed line a code)
    for gone in ("torch.gradient(", "blur_rgb", "skip_unet(9)", "mean |L drift|",
                 "MIN_IMAGES", "rebuild = sweep["):
        assert gone not in CODE, gone
    # the late-binding comment says why b=b is there (r88): train() calls the lambda at once
    assert "train() calls the lambda at once; `b=b` only guards a later call" in CODE
    assert "a plain lambda would see the last b" not in CODE


# --- sections 1-3 --------------------------------------------------------------------------

def test_psnr_and_the_worked_answer():
    assert said(r"Halving an image's squared error adds 3 dB, however large it was\.")
    assert "counts each image by its *relative* error" not in MARKDOWN, "r115: cut, D says it"
    assert "10 * torch.log10(1.0 / mse" in CODE
    (value,) = printed(r"^PSNR of an image vs itself \+ 0\.1 everywhere: ([\d.]+) dB$")
    assert float(value) == pytest.approx(20.0)
    assert said(r"What does one off by 0\.05 everywhere score\?")
    assert said(r"A quarter of the MSE adds \$10 \\log_\{10\} 4 \\approx (6\.02)\$ dB: about "
                r"(26\.02) dB\.") == [(f"{10 * math.log10(4):.2f}",
                                       f"{20 + 10 * math.log10(4):.2f}")]


def test_each_doubling_bought_less():
    results, gains = sweep(), steps()
    per_doubling = [d for *_, d in gains]
    # s33 (structural round): section 3 prints both seeds' table itself; Going deeper A's
    # per-doubling printout and the sweep's validation MSE were cut (lab notes)
    # s34 (cold read r134, plain sentences): the colon split, the table named by its place
    [(gap,)] = said(r"The curve climbs steeply, then flattens\. \*\*The last doubling, from 256 to "
                    r"512 numbers, gains only ([\d.]+) dB\.\*\* A second seed alone moved the "
                    r"256-number score by more than that\.")
    moved = reseeded()[256][1]
    assert abs(moved) > float(gap) > 0, "the seed moved the score by more than the gain"
    ids = [c.get("id") for c in NB.cells]
    assert ids.index("c09") + 1 == ids.index("c11"), "the curve's reading right under fig 17"
    assert "Going deeper A" not in MARKDOWN.split("## 4. ", 1)[0], "section 3 reads its own table"
    lead0, lead1 = lead()
    assert f"+{gap}" == lead0 == f"{per_doubling[-1]:+.2f}"
    assert "Per doubling, each step gains less" not in MARKDOWN
    assert "_, pred, _ = train(lambda b=b: RGBAutoencoder(bottleneck=b)," in CODE
    assert '"val": history["val_loss"]' not in CODE
    (n_steps,) = printed(r"^each training: \d+ epochs of [\d,]+ images in batches of \d+, (\d+) "
                         r"optimizer steps")
    assert int(n_steps) == 235
    assert "each doubling gains less" not in MARKDOWN.lower()
    upto = said(r"A wider code rebuilds better, with diminishing returns\. At this short budget, "
                r"going from (\d+) to (\d+) numbers gains little\.")
    assert "seed noise" not in MARKDOWN and "gains less than a second seed moves" not in MARKDOWN
    # s33 (cold read r133): the key idea's repeat of section 3's bold line cut; the Summary keeps it
    assert upto == [("256", "512")] and "the gain per doubling shrinks" not in MARKDOWN
    assert steps()[-1][3] < 0.1 * steps()[0][3], "little: under a tenth of the first doubling's"
    noise = abs(reseeded()[256][1])
    assert all(g > noise for *_, g, _ in steps()[:-1]) and steps()[-1][2] < noise
    assert steps()[-1][0] == 256, "beyond 256 numbers: the last step"
    assert "full=(1, 2, 4, 8, 16, 32)))" in CODE
    assert "Are the wide codes limited by their size" not in MARKDOWN
    assert said(r"\*\*Train longer\.\*\* Set `EPOCHS = \d+`: do the two widest codes separate")
    assert said(r"A wide code brings back blurred shapes and more color\*\* \(mean chroma beside "
                r"each row\)\.")
    narrow, c_narrow, wide, c_wide, truth = rebuild_chroma()
    codes = sorted(code for code, _ in results.values())
    assert (narrow, wide) == (codes[0], codes[-1])
    assert c_narrow < c_wide < truth, "the wide code brings back some color, not all of it"
    # cold read r133 (section 3): the 16-number row looks gray: "almost no color", as the
    # four-car average's chroma (section 7) is called
    # cold read r134 (section 3): 6.4 against 14.7 is 44% of the color: "faint", the word that
    # section 4 and section 7 use for about the same chroma (the UNet with L kept: 7.1)
    assert said(r"\*\*a narrow code keeps only coarse blocks in faint colors\. A wide code brings "
                r"back blurred shapes and more color\*\*")
    assert "almost no color" not in MARKDOWN
    assert c_narrow < 0.5 * truth, "faint: under half the originals' chroma"
    assert c_narrow <= chroma_line()["UNet (skips)"] + 0.5, "as faint as section 7's faint colors"
    # cold read r133 (section 2): the figure's ratios count numbers (3,072 = 32 x 32 x 3), not bits
    assert said(r"The figure's ratios divide the image's 3,072 numbers by the code's, so they "
                r"count numbers, not bits\.")
    assert 'ax.annotate(f"{3072 / c:.0f}x", (c, p)' in CODE
    c, h, w = printed(r"^input +(\d+) x (\d+) x (\d+)$")
    (image_numbers,) = said(r"ratios divide the image's ([\d,]+) numbers")[0]
    assert int(c) * int(h) * int(w) == num(image_numbers)
    assert 'f"original\\ntest mean\\nchroma {chroma(x_test):.1f}"' in CODE
    assert "f\"chroma {chroma(sweep[b]['pred']):.1f}\")" in CODE
    assert "for b in (narrow, wide):" in CODE
    assert "f\"{sweep[b]['code']} numbers\\ntest mean\\n{sweep[b]['psnr']:.2f} dB\\n\"" in CODE
    assert 'f"{len(x_test):,} color test images; under each image: its PSNR")' in CODE
    assert printed(r"^test images scored: ([\d,]+), after setting apart")[0] == "1,955"
    assert per_doubling[0] > 5 * per_doubling[-1]
    assert said(r"\*\*Key idea:\*\* A wider code rebuilds better, with diminishing returns\.")
    assert all(b < a for a, b in zip(per_doubling, per_doubling[1:])), per_doubling
    # the teaching check on the sweep sits right after it (s33: moved from Going deeper A)
    sweep_cell = NB.cells[ids.index("c08")].source
    assert 'assert sweep[hi]["psnr"] - sweep[lo]["psnr"] > 0.5, (' in sweep_cell


def test_chroma_has_a_scale():
    # cold read r105: chroma defined where it first appears, with pure red for scale
    red, gray = chroma_scale()
    assert gray == 0.0 and red > 5 * rebuild_chroma()[4], "a saturated color, far above a photo's"
    assert said(r"Beside each row, the grid below gives the images' \*\*\[chroma\]\([^)]*#chroma\)"
                r"\*\*, how colorful they are\.")
    # cold read r126: +a is red-magenta, not pure red; s33: one sentence shorter
    # s34: one idea a sentence
    assert said(r"which describes each pixel by three numbers\. Its lightness \*\*L\*\* runs from "
                r"0 \(black\) to 100 \(white\)\. Its color numbers are \*\*a\*\*, from green "
                r"\(negative\) to red-magenta \(positive\), and \*\*b\*\*, from blue \(negative\) "
                r"to yellow \(positive\)\.")
    assert "torch.linalg.vector_norm(lab[..., 1:, :, :]" in inspect.getsource(mean_chroma)
    assert "Here you need only two words" not in MARKDOWN
    assert said(r"The chroma \$\\sqrt\{a\^2 \+ b\^2\}\$ is a pixel's distance from gray, (\d+) for "
                r"gray and about (\d+) for pure red\.") == [(f"{gray:.0f}", f"{red:.0f}")]
    ids = [c.get("id") for c in NB.cells]
    assert ids.index("c09") < ids.index("chroma-md") < ids.index("chroma-def") < ids.index("c10")
    assert "return mean_chroma(rgb_to_lab(images)).mean().item()" in CODE
    assert "pure_red, mid_gray = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.5, 0.5, 0.5])" \
        in CODE


def test_the_two_widest_codes_cannot_be_told_apart():
    results, gains = sweep(), steps()
    a, b, last, _ = gains[-1]
    assert (a, b) == (256, 512) and max(results) == 32 and results[32][0] == 512
    again = reseeded()
    for code in (256, 512):
        assert f"{again[code][0] - results[code // 16][1]:+.2f}" == f"{again[code][1]:+.2f}"
    lead0, lead1 = lead()
    assert lead0 == f"{last:+.2f}"
    assert f"{again[512][0] - again[256][0]:+.2f}" == lead1
    # s33 (structural round): the seed table printed in section 3 itself, right after the
    # reseeding, so fig 17 and its reading need no pointer to Going deeper A
    assert said(r"The two widest codes then train again with a second seed\.")
    assert float(lead1) < float(lead0)
    assert "Here we train section 6's three colorizers again with seed 1." not in MARKDOWN
    assert abs(again[256][1]) > abs(float(lead0)) and abs(again[256][1]) > abs(float(lead1))
    assert "get a second seed here" not in MARKDOWN
    ids = [c.get("id") for c in NB.cells]
    (reseeding,) = [i for i, c in enumerate(NB.cells) if "reseeded = {}" in c.source]
    assert ids.index("c08") + 1 == reseeding and reseeding + 1 == ids.index("c09")
    assert ids[reseeding] == "1f6033a0"
    assert "the wider code gains" in NB.cells[reseeding].source, "section 3 prints the table"
    assert "hide-input" not in NB.cells[reseeding].metadata.get("tags", []), "training is shown"
    for cell in NB.cells[:reseeding]:
        assert not re.search(r"\b(reseeded|narrow2|wide2)\b", cell.source), cell.get("id")
    fig17 = NB.cells[ids.index("c09")].source
    assert 'ax.plot(codes, psnrs, "o-", label=f"seed {SEED}")' in fig17
    # cold read r132 (item 6): seed 1 drawn as black ticks, so the seed-0 dot stays visible
    assert ('ax.plot([sweep[b]["code"] for b in reseeded], list(reseeded.values()), "_", ms=18, '
            'mew=2,') in fig17 and 'ax.legend(fontsize=9, loc="lower right")' in fig17
    assert 'label=f"seed {SEED + 1} (the two widest codes)")' in fig17 and 'mfc="none"' not in fig17
    assert sorted(again) == [256, 512]
    assert "inset_axes(" not in CODE
    assert "tie" not in re.findall(r"\w+", MARKDOWN.lower()), "two seeds cannot establish a tie"
    noise = max(abs(again[code][1]) for code in (256, 512))
    earlier = min(g for _, _, g, _ in gains[:-1])
    assert said(r"A wider code rebuilds better") and earlier > 5 * noise


def test_the_layer_by_layer_shapes():
    before_unet = PRINTED.split("the code: ", 1)[0]
    rows = re.findall(r"^(input|encoder: .+?|decoder: .+?) +(\d+) x +(\d+) x +(\d+)", before_unet,
                      flags=re.M)
    shapes = [tuple(map(int, r[1:])) for r in rows]
    assert shapes[0] == (3, 32, 32) and shapes[-1] == (3, 32, 32)
    assert min(shapes, key=lambda t: t[0] * t[1] * t[2]) == (16, 4, 4)
    n, params = printed(r"^the code: (\d+) numbers per image \(input: 3,072\); parameters: "
                        r"([\d,]+)$")
    assert int(n) == 256 and num(params) == count_parameters(RGBAutoencoder(bottleneck=16))
    assert "for part in (models.down, models.up, models.RGBAutoencoder):" in CODE
    assert inspect.getsource(RGBAutoencoder) in PRINTED
    assert said(r"Ours squeezes a (\d+) x \1 image into a code of (\d+) x \2 positions: room for "
                r"coarse content, not fine detail\.") == [("32", "4")]
    # cold read r124: "one position per 8 x 8 block" holds for the decoder only; the encoder's
    # strided convolutions overlap. Both patches measured, and the text quotes them
    seen, drawn = printed(r"^one code position depends on a (\d+ x \d+) patch of the input and "
                          r"changes a (\d+ x \d+) patch of the output$")
    # s34: the text's reading of the line cut for words (an aside); the line speaks for itself
    assert "The last printed line follows one code position" not in MARKDOWN
    assert drawn == "10 x 10" and int(seen.split(" x ")[0]) > 8 + 2, "wider than its block"
    assert said(r"Its encoder shrinks the image into the code, the \*\*bottleneck\*\*, and its "
                r"decoder grows it back\.")
    assert sweep()[1][0] == 16 and said(r"One number per 8 x 8 block position, grown into its "
                                        r"own block by the transposed convolutions")


def test_the_narrow_codes_blocks():
    assert said(r"Why do the 16-number rebuilds \(middle row of the grid above\) look like a 4 x 4 "
                r"grid of 8 x 8 blocks\?")
    asked = MARKDOWN.index("Why do the 16-number rebuilds")
    assert MARKDOWN.index("## 3. ") < asked < MARKDOWN.index("## 4. ")
    # cold read r128: BatchNorm works per pixel only in eval mode, which train() predicts in
    assert said(r"grown into its own block by the transposed convolutions \(section 2's demo\); "
                r"only the last 3 x 3 convolution blends across a block's border\.")
    assert "# fit() hands the model back in eval mode: BatchNorm normalizes the test images" \
        in CODE and "model.eval()\n    return history" in inspect.getsource(fit)
    layers = [m for m in RGBAutoencoder(bottleneck=1).decoder.modules()
              if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    assert all(m.kernel_size == m.stride for m in layers[:-1]), "kernel as wide as the stride"
    assert layers[-1].kernel_size == (3, 3) and isinstance(layers[-1], torch.nn.Conv2d)


def test_the_wordings_match_the_code():
    assert said(r"The decoder grows the code back with \*transposed\* convolutions\. In the demo "
                r"below, each input pixel scales the 2 x 2 kernel into its own block of the "
                r"output\.")
    assert "ConvTranspose2d(1, 1, kernel_size=2, stride=2" in CODE
    # fit keeps the last epoch's weights: no checkpoint_dir is passed
    assert said(r"each with `fit` \(notebook 01\) on the MSE\.")
    assert "loss_fn=nn.functional.mse_loss" in CODE
    assert "val=(x_in_val, x_val)" in CODE and "checkpoint_dir" not in CODE
    assert "checkpoint_dir" in inspect.signature(fit).parameters


# --- section 4 -----------------------------------------------------------------------------

def test_black_and_white_test_images_set_apart():
    scored, apart, below = printed(r"^test images scored: ([\d,]+), after setting apart (\d+) that "
                                   r"are black and white already \(mean chroma below (\d+)\)$")
    assert below == f"{GRAY_CHROMA:g}"
    gray, alone, n, everyone, with_them, lift = printed(
        r"^the gray image: ([\d.]+) dB on the test images scored, ([\d.]+) dB on the (\d+) "
        r"black-and-white ones set apart; on all ([\d,]+): ([\d.]+) dB \(([-+][\d.]+) dB\)$")
    assert n == apart and num(scored) + num(apart) == num(everyone) == 2000
    assert f"{float(with_them) - float(gray):+.2f}" == lift
    # the arithmetic: 45 of 2,000 images at ~73 dB lift a mean of ~24.7 dB by about 1 dB
    share = int(apart) / num(everyone)
    assert abs(share * (float(alone) - float(gray)) - float(lift)) < 0.02
    assert float(alone) > 60 and float(alone) > float(gray) + 20 and 0.5 < float(lift) < 2
    # cold read r113: section 4's repeat of the setup cell's line cut, for words on the main path
    # cold read r126 (item 4): the floor is on the MSE (so the PSNR is capped), in this
    # notebook's psnr, not a library's
    # cold read r128: how many photos sit at the top, printed (it backs "depend on that floor")
    floor, top, capped, of = said(r"\(`psnr` floors the MSE at (1e-10), so it tops out at (\d+) "
                                  r"dB, where (\d+) of the (\d+) photos sit: both numbers depend "
                                  r"on that floor\.\)")[0]
    assert (capped, of) == printed(r"^black-and-white photos that gray scores at psnr's (\d+) dB "
                                   r"top: (\d+) of (\d+)$")[1:] and of == apart
    assert printed(r"^black-and-white photos that gray scores at psnr's (\d+) dB top")[0] == top
    assert 0 < int(capped) < int(of), "some at the top, not all: the mean of 45 depends on it"
    assert "(gray_bw >= 99.99).sum()" in CODE
    assert f"mse.clamp_min({floor})" in CODE and "def psnr(pred: torch.Tensor" in CODE
    assert int(top) == round(10 * math.log10(1 / float(floor)))
    assert "`colorlab`'s `psnr`" not in MARKDOWN and "caps the error" not in MARKDOWN
    assert "<summary>The luma (not Lab's L)</summary>" in MARKDOWN \
        and "are set apart (Going deeper E)" not in MARKDOWN
    # cold read r107: the set-aside numbers left section 4's cell for Going deeper E
    # s28 round 5 (cold read r119): E a one-line note at the end of D (mean PSNR's weighting)
    assert "mse.clamp_min(1e-10)" in CODE
    assert said(r"\*\*Mean PSNR's log scale is also why the setup cell set the black-and-white "
                r"test photos apart:\*\* gray scores ([\d.]+) dB on them, and counted in they "
                r"would lift its "
                r"mean PSNR by ([\d.]+) dB\.") == [(alone, lift[1:])] and lift.startswith("+")
    ids = [c.get("id") for c in NB.cells]
    assert "# test photos that are black and white already, set apart (Going deeper D says why)" \
        in NB.cells[ids.index("c02")].source and "section 4 says why" not in CODE
    assert "deep-e" not in ids and "### E." not in MARKDOWN
    # cold read r133 (item 4): the reason said at once, in section 1 (D prints the numbers)
    assert said(r"The setup cell set black-and-white test photos apart, because section 4's gray "
                r"input would score them near-perfectly\.")
    assert MARKDOWN.index("The setup cell set black-and-white") < MARKDOWN.index("## 2. ")
    # s33: D explains mean PSNR against pooled MSE, and ends with the black-and-white photos
    assert ids.index("335da81d") + 1 == ids.index("deep-e-code") and "208c4e93" not in ids
    assert ids.index("deep-d") < ids.index("deep-e-code") < ids.index("deep-e-read") \
        < ids.index("c17") and "sec7-02" not in ids
    assert "gray_bw" not in NB.cells[ids.index("c12")].source
    assert "already_gray = is_gray(rgb_to_lab(x_test))" in CODE


def test_the_colorization_against_gray():
    gray, color, below = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder colorization "
                                 r"([\d.]+) dB, ([\d.]+) dB below the gray image it was given$")
    assert f"{float(gray) - float(color):.2f}" == below
    assert said(r"The colorization scores below its gray input\.")
    # cold read r133: the opening promises a suspect, as section 7 and the Summary say
    assert said(r"Expect faint colors: the lecture names a suspect, the MSE loss\.")
    assert said(r"One suspect, tested in notebook 05, is the MSE loss\.")
    assert "finds out why" not in MARKDOWN
    # cold read r133 (item 5): "gray" named once, as this luma image
    # cold read r135 (section 5): the luma meaning said to hold until section 7 lists the three
    assert said(r"and must output R, G and B\. Until section 7, \"gray\" means this luma image\.")
    assert MARKDOWN.index("Until section 7, \"gray\"") < MARKDOWN.index("The word \"gray\" now")
    assert "gray_rgb = g_test.expand(-1, 3, -1, -1)" in CODE
    # cold read r114: the bar made concrete: gray beats even section 3's widest full-color rebuild
    (best,) = printed(r"^code of 512 numbers = 32 x 4 x 4: test PSNR ([\d.]+) dB$")
    assert said(r"Gray is a high bar\. At ([\d.]+) dB, it beats even section 3's full-color "
                r"rebuild from 512 numbers \(([\d.]+) dB\)\. Gray's luma is exactly right, while a "
                r"network must redraw the luma through a bottleneck\.") == [(gray, best)]
    assert float(gray) > float(best)
    assert said(r"on the \[gamma-encoded\]\([^)]*\) R, G and B, as Pillow's `convert\(\"L\"\)` "
                r"computes it\.")
    # Pillow's convert("L") gives pure red the luma level that D prints (76.2), not the L-based one
    (red_luma, red_l) = printed(r"^pure red +: luma gray level +([\d.]+), L-based gray level "
                                r"+([\d.]+)$")
    pillow_red = Image.new("RGB", (1, 1), (255, 0, 0)).convert("L").getpixel((0, 0))
    assert pillow_red == round(float(red_luma)) and abs(pillow_red - float(red_l)) > 20
    assert levels_pure_luma_below_l(), "the two grays differ on saturated colors"
    (lecture03,) = (ROOT / "notebooks").glob("03_*.ipynb")
    assert "grayscale-baseline" in "".join(c.source for c in nbformat.read(lecture03, as_version=4)
                                           .cells if c.cell_type == "markdown")
    # the story ahead, said once at the start of section 4 (r88)
    section4 = MARKDOWN.split("## 4. ", 1)[1].split("## 5. ", 1)[0]
    # cold read r100: the prose names the colorizer, as the code's max(BOTTLENECKS) picks it
    # cold read r101: a new network (one input channel), trained anew, not the sweep's model
    # s27 round 4 (cold read r118: bold on every paragraph): plain text
    assert said(r"We train a new autoencoder, like the sweep's widest but with one input channel\. "
                r"It takes a gray image, the \[luma\]\([^)]*\) Y′, and must output R, G and B\.")
    widest = max(code for code, _ in sweep().values())
    assert widest == sweep()[max(sweep())][0] == sizes()["autoencoder"][2]
    assert "RGBAutoencoder(bottleneck=max(BOTTLENECKS), in_ch=1), g_train, g_val, g_test)" in CODE
    assert "for b in BOTTLENECKS:" in CODE
    # cold read r102: section 4 opens with what to watch for (sections 5-7 open with theirs)
    # s27 round 3: the question as a plain question
    assert section4.startswith("Gray in, color out: a first colorization Can a network fed a "
                               "gray image beat that gray image?")
    assert "Watch whether" not in MARKDOWN
    assert float(color) < float(gray), "it does not: the next paragraph says so"
    # cold read r116: the gray here is luma; section 7 (and notebook 03) switch to Lab's L
    # s27 round 4 (cold read r118): the remark left section 4; section 7 says which L it keeps
    assert "Section 7 switches" not in MARKDOWN
    # cold read r128 (item 4): a one-line warning in the luma box, pointing to C
    # cold read r134 (item 6): the three grays listed where section 7 switches to L, which points
    # to C; the luma box keeps its title's warning
    assert said(r"<details><summary>The luma \(not Lab's L\)</summary>")
    assert "Going deeper C" not in section4
    section7 = MARKDOWN.split("## 7. ", 1)[1].split("## Going deeper", 1)[0]
    assert said(r"The word \"gray\" now has three meanings: - the \*\*luma\*\* Y′, our networks' "
                r"gray input; - the \*\*L of the luma image\*\*, which this section keeps, and "
                r"which is not the photo's own L; - the \*\*grayscale baseline\*\*, the photo's "
                r"own L with no color, used from notebook 03 on \(Going deeper C\)\.")
    (oracle,) = printed(r"^the true a and b with the input's L kept: mean PSNR ([\d.]+) dB")
    assert section7.count("Going deeper C") == 1
    assert MARKDOWN.index("The word \"gray\" now") < MARKDOWN.index(f"scores {oracle} dB"), \
        "cold read r134 (item 6): which L is kept, said before the true a and b's score"
    assert said(r"each pixel's \[lightness L\]\([^)]*\), computed from \[linear light\]"
                r"\([^)]*\), with a = b = 0 \(`colorlab\.color\.grayscale`\)"), "C: own L, no color"
    assert "L_input = rgb_to_lab(gray_rgb)[:, 0]" in CODE, "section 7 keeps the luma image's L"
    assert "def luma(" in CODE and "(luma(pred) - g_test)" in CODE and "keep_input_L(" in CODE
    assert said(r"\*\*The autoencoder's colorizations are blurred, with faint colors\*\* \(bottom "
                r"row\)\.")


# --- section 5 -----------------------------------------------------------------------------

def signed_drift() -> tuple[str, str, str]:
    """(mean |drift|, signed mean drift, whether they cancel): section 5's printed line."""
    return printed(r"^mean \|drift\| per pixel: ([\d.]+) gray levels; its signed mean "
                   r"([-+][\d.]+) \(too light and too dark (nearly cancel|do not cancel)\)$")


def test_the_drift_is_lost_contrast():
    size, _, _ = signed_drift()
    assert "## 5. What goes wrong: the output loses local contrast" in MARKDOWN
    # cold read r98: the drift defined once, plainly, as a brightness error
    # cold read r102: the section opens with its question and what to watch
    section5 = MARKDOWN.split("## 5. ", 1)[1].split("## 6. ", 1)[0]
    # s27 round 3 (cold read r117): the finding first, in plain words; then the drift, signed
    # s28 round 6 (cold read r120): a plain opening, the drift, then the payoff (the luma put
    # back); the blur as the explanation after it
    # s28 round 7 (cold read r121): "The colors are not the problem" clashed with section 7's
    # true a and b (44.73 dB): what is meant, the colors are not what puts it below gray
    # cold read r133 (item 1): the conclusion first: on average a 3 x 3 blur, single pixels
    # straying both ways (the slope near -1 and the wide band, checked below)
    # cold read r134 (section 3, item 2): the conclusion points to panel 6, which backs it; the
    # straying pixels left to the band's sentence; one idea a sentence
    # cold read r135 (section 2, item 1): panel 6 shows lost local contrast (slope -1), not that
    # the output is a 3 x 3 blur (its mean |drift| is above the blur's); local contrast defined
    # first, then the drift
    assert section5.startswith("What goes wrong: the output loses local contrast The "
                               "autoencoder's faint colors are not what puts it below gray. Its "
                               "luma is. A pixel's **local contrast** is the input's luma there "
                               "minus the mean of its 3 x 3 neighborhood. The **drift** is the "
                               "output's luma Y′ minus the input's luma, pixel by pixel. Both are "
                               "in gray levels (0-255). The drift is positive where the output is "
                               "too light. We average its size, the |drift|. **On average, the "
                               "output keeps none of the local contrast**, as panel 6 below will "
                               "show.")
    assert "is a 3 x 3 blur of the input's luma" not in MARKDOWN
    assert "local = (g_test - blurred)[:, 0] * 255" in CODE, "local contrast: input minus mean"
    assert said(r"\*\*Why does the luma drift\?\*\* The small 4 x 4 code holds coarse content, not "
                r"each pixel's detail\.")
    assert section5.index("**Putting only the luma back") < section5.index("Why does the luma") \
        < section5.index("In test image") < section5.index("Panel 6, the next figure, plots")
    assert ids_of("c14") + 1 == ids_of("35aa07e2") and ids_of("35aa07e2") + 1 \
        == ids_of("6560d865") and ids_of("6560d865") + 1 == ids_of("c15")
    assert "return (luma(pred) - g_test)[:, 0] * 255" in CODE, "drift: output minus input"
    # cold read r114: one vocabulary: luma in sections 5-6, Lab's L in section 7, said once
    # cold read r115: section 5's opening cut to what fig 33 needs; section 7 points to C
    assert "Luma is the number that made the gray input" not in MARKDOWN
    # cold read r126 (item 4): the pointer to C sits where it explains row 4's shortfall
    # cold read r127: "visibly darker" was not visible at the grid's size: C's printed gap
    # instead; and clipping named, as what cannot add error (the truth lies inside 0-1)
    # cold read r128 (item 4): the digression left section 7 for C's end, after the measured gap
    # cold read r131 (item 2): the caveat on the main path, the measurement in C
    # cold read r132 (section 3): the round trip through Lab measured, so row 4's shortfall is
    # the kept L's (C's L-gap forensics cut in s33)
    (round_trip,) = printed(r"^the true L, a and b, to Lab and back to RGB: mean PSNR ([\d.]+) dB$")
    # s34: the caveat in plain sentences; "almost nothing" is psnr's top (checked below)
    # cold read r135 (section 3): 100.00 dB named as psnr's top, the MSE floor's
    assert said(r"so better colors have room to gain\. Row 4 is still not perfect, because its L "
                r"is the luma image's L, not the true L\. By itself, the trip to Lab and back "
                r"loses next to nothing\. It scores ([\d.]+) dB, the top of `psnr`, which floors "
                r"the MSE at 1e-10\. Notebook 04's input is the true L itself\.") == [(round_trip,)]
    # cold read r133: 100.00 dB is psnr's top, the MSE floor's (10 log10 of 1 / 1e-10)
    assert "mse.clamp_min(1e-10)" in CODE and f"{10 * math.log10(1 / 1e-10):.2f}" == round_trip
    (kept_oracle,) = printed(r"^the true a and b with the input's L kept: mean PSNR ([\d.]+) dB")
    assert float(round_trip) > float(kept_oracle) + 10, "almost nothing, next to the kept L's cost"
    assert "round_trip = lab_to_rgb(rgb_to_lab(x_test))" in CODE
    assert "l-gap" not in [c.get("id") for c in NB.cells]
    outside = torch.tensor([[[[60.0]], [[90.0]], [[70.0]]]])  # Lab far outside sRGB's gamut
    clipped, raw = lab_to_rgb(outside), lab_to_rgb(outside, clip=False)
    assert raw.min() < 0 and raw.max() > 1, "the test color lies outside RGB"
    assert clipped.min() >= 0 and clipped.max() <= 1, "lab_to_rgb clips to [0, 1]"
    truth = torch.rand(1000)                                # any truth inside [0, 1]: clipping
    values = torch.randn(1000) * 2                          # moves no value further from it
    assert ((values.clamp(0, 1) - truth).abs() <= (values - truth).abs()).all()
    assert "return lab_to_rgb(lab)                                # back to RGB, clipped" in CODE
    (oracle_psnr,) = printed(r"^the true a and b with the input's L kept: mean PSNR ([\d.]+) dB")
    assert float(oracle_psnr) < 60, "not perfect: far from the 100 dB of psnr's floor"
    assert "test image 6: automobile" in PRINTED and "i = 5 " in CODE, "the red car is image 6"
    assert levels_pure_luma_below_l(), "luma and the L-based gray differ on saturated colors"
    sections5to7 = MARKDOWN.split("## 5. ", 1)[1].split("## Going deeper", 1)[0]
    assert "brightness" not in sections5to7, "sections 5-6 say luma, section 7 says L"
    # cold read r107: brightness and drift are measured on luma, said once
    # cold read r113: the luma named inside the definition, a sentence fewer
    assert "(luma(pred) - g_test)" in CODE
    assert said(r"The drift is positive where the output is too light\. We average its size, "
                r"the \|drift\|\.")
    # cold read r110: the guess without its unmeasured cause (the code's 4 x 4 positions)
    assert "Our guess" not in MARKDOWN
    assert "since the code has only 4 x 4 positions" not in MARKDOWN
    # cold read r126 (item 5): why the 3 x 3 blur is the yardstick, and what slope -1 and 0
    # mean, said before panel 1
    # cold read r130 (item 2): the blur named first (one sentence), local contrast and the
    # slope -1 after the single image, one sentence each
    # cold read r134 (item 2): compared by its mean |drift| (not by PSNR), said so
    assert said(r"So we compare the output's mean \|drift\| with that of a 3 x 3 box blur of the "
                r"input, which replaces each pixel by the mean of its 3 x 3 neighborhood\.")
    assert "scored like a network's output" not in MARKDOWN
    # cold read r131 (items 3 and 2): two paragraphs, the slopes' meaning "on average"; the
    # blur's drift said to be measured like an output's
    # cold read r134 (fig 5): panel 6 is the next figure, said so
    assert said(r"Panel 6, the next figure, plots the network's drift against the local "
                r"contrast\. "
                r"The blur's drift is exactly minus the local contrast, so the blur gives the "
                r"dashed line of slope −1\. On that line, the output keeps none of a pixel's "
                r"difference from its neighbors\. A flat line, of slope 0, would keep all of it\.")
    assert printed(r"^a 3 x 3 blur of the input, for comparison: mean \|drift\| ([\d.]+) gray "
                   r"levels$")
    assert "blurred = nn.functional.avg_pool2d(g_test, 3, stride=1, padding=1, " in CODE, \
        "the yardstick is a 3 x 3 box blur: each pixel's neighborhood mean"
    assert "Panel 1 sorts" not in MARKDOWN
    assert "exactly that and nothing else" not in MARKDOWN, "cold read r127: a definition"
    assert "local = (g_test - blurred)" in CODE
    # cold read r107: the selection audit (the grid's eight drifts) left the main path
    assert "the grid's 8 test images, mean |drift|" not in PRINTED
    assert "one of the two middle ones" not in PRINTED
    image, colorization, blur = printed(r"^test image (\d), mean \|drift\|: its colorization "
                                        r"([\d.]+), its 3 x 3 blur ([\d.]+) gray levels$")
    (blur_all,) = printed(r"^a 3 x 3 blur of the input, for comparison: mean \|drift\| ([\d.]+) "
                          r"gray levels$")
    # cold read r107: the network errs beyond a 3 x 3 blur, said with the two means
    # cold read r114: "beyond a blur" said plainly: the spread around the mean (the band)
    # cold read r115: "follows" read as exact; the band described, not named as the cause
    # cold read r116: what the dashed line means said first; the band is the middle half
    # s27 round 3: the conclusion after its evidence; the band is named in the figure's legend
    # cold read r118: the dashed line is a 3 x 3 box blur's drift (another blur, another slope)
    # s28 round 5 (cold read r119): a reading guide right under panel 1 (slope -1, the band)
    # s28 round 6 (cold read r120): the band is the middle half of the pixels at each contrast;
    # the mean line sits below the dashed line, printed bin by bin, by the signed mean
    signed = signed_drift()[1]
    # s28 round 7 (cold read r121): the printed numbers (the signed mean, the two mean |drift|,
    # the 16 of 16 bins) said once, in the printouts; the prose reads them
    # cold read r124 (item 1): what the line means said plainly: on it, the output keeps the
    # neighborhood's mean and none of the pixel's own detail; the autoencoder's slope printed
    # cold read r126: "none of a pixel's own difference" holds for the binned mean, so on
    # average at each contrast, not pixel by pixel (the band says that)
    # cold read r133 (section 3): not "on" the line: parallel, below it in every bin (printed)
    said_bins, slope = said(
        r"\*\*The autoencoder's mean drift runs parallel to the blur's dashed line, just below "
        r"it in all (\d+) bins\.\*\* Its slope is (−[\d.]+)\. So, on average, the output keeps "
        r"none of the local contrast, just like a 3 x 3 blur\.")[0]
    said_under = said_bins  # "all": checked against the printed count below
    assert "lies on the blur's dashed line" not in MARKDOWN
    printed_slope, printed_under, printed_bins = printed(
        r"^panel 6: the slope of the mean drift against the local contrast is ([-+][\d.]+) \(a 3 "
        r"x 3 blur: -1\); the mean drift lies below the blur's line in (\d+) of the (\d+) "
        r"contrast bins$")
    assert slope.replace("−", "-") == printed_slope and abs(float(printed_slope) + 1) < 0.1
    assert (said_under, said_bins) == (printed_under, printed_bins)
    assert "a little too dark" not in MARKDOWN, "s33: the signed mean left to its printed line"
    # cold read r133: the conclusion now opens section 5; the band's sentence keeps the evidence
    assert said(r"The wide band holds the middle half of the pixels at each contrast\. It shows "
                r"that single pixels stray from the blur both ways\. That is why the autoencoder's "
                r"mean \|drift\| is above the blur's\.")
    assert float(size) > float(blur_all)
    assert "at every contrast: on average" not in MARKDOWN and "by 1.2 gray levels" not in MARKDOWN
    assert signed.startswith("-") and abs(float(signed)) < 0.2 * float(size), "slightly, too dark"
    _, under, bins = printed(r"^panel 6: the slope of the mean drift against the local contrast "
                             r"is ([-+][\d.]+) \(a 3 x 3 blur: -1\); the mean drift lies below the "
                             r"blur's line in (\d+) of the (\d+) contrast bins$")
    assert under == bins and int(bins) >= 5, "at every contrast"
    assert "The band's width shows how far" not in MARKDOWN
    # cold read r127: panels 4 and 5 look alike; the text reads their titles' printed numbers
    # cold read r130: the numbers left to the panels' titles; the printed order checked below
    assert said(r"In test image (\d), the colorization drifts more than the blur does \(panels 4 "
                r"and 3\)\.") == [(image,)]
    assert float(colorization) > float(blur)
    ids = [c.get("id") for c in NB.cells]
    assert ids.index("c15") + 1 == ids.index("c15g") and ids.index("c15g") + 1 \
        == ids.index("c16") and ids.index("c16") + 1 == ids.index("c15f") \
        and ids.index("c15f") + 1 == ids.index("c15-read")
    assert "plt.show()" not in NB.cells[ids.index("c15f")].source
    assert 'label="its middle half of the pixels")' in CODE
    assert 'ax.plot(centers, [d[which == k].mean() for k in kept], "o-", color="C1",' in CODE
    assert float(colorization) > 1.3 * float(blur) and float(size) > 1.2 * float(blur_all)
    assert "about as soft" not in MARKDOWN and "The guess holds" not in MARKDOWN
    assert 'f"3. its 3 x 3 blur\\n(mean |drift| {blur_drift:.1f})"' in CODE
    assert 'f"4. its colorization\\n(mean |drift| {per_image[typical]:.1f})"' in CODE
    assert "blur_drift = local[typical].abs().mean().item()" in CODE
    assert "even softer" not in MARKDOWN and "like its blur" not in MARKDOWN
    # the printed line rules out a uniform shift only (r107); panel 1 shows the lost contrast
    assert "not a shift" not in PRINTED
    assert "not a uniform shift" not in MARKDOWN
    # cold read r99: panel 1 is its own figure, legible at notebook width
    assert "fig, ax = plt.subplots(figsize=(7.5, 4.6))" in CODE
    assert 'ax.legend(fontsize=10, loc="lower left", frameon=False)' in CODE
    assert 'ax.plot(edges_of, -edges_of, "k--"' in CODE and "d[which == k].mean()" in CODE
    assert "np.percentile(d[which == k], 25)" in CODE and "np.percentile(d[which == k], 75)" in CODE
    # panels 1-4: one image of the grid: truth, gray input, its 3 x 3 blur, colorization
    assert "typical = int((per_image[:8]" in CODE
    assert 'f"1. test image {typical + 1},\\ntruth"' in CODE and '"2. its gray input\\n"' in CODE
    assert "(axes[2], blurred[typical].expand(3, -1, -1)," in CODE
    assert "(axes[3], colorized[typical]," in CODE and "6. the colorization" not in CODE
    assert 'cmap="RdBu_r", vmin=-top, vmax=top' in CODE
    assert "red: too light, blue: too dark" in CODE
    assert "a typical test image" not in MARKDOWN, "cold read r98: typical only among the 8"
    # cold read r107: section 5's questions cut for a lighter main path
    assert "Two outputs have a mean |drift| of 12" not in MARKDOWN
    # cold read r110: the Summary as two plain cause -> effect sentences
    assert said(r"Fed gray, the autoencoder gets the luma wrong: that error, not the "
                r"colors, puts it below gray\.")
    assert "a blur and more" not in MARKDOWN
    assert "loses local contrast, which costs" not in MARKDOWN


def test_what_the_drift_costs():
    steadied, color, gray = printed(r"^test PSNR with the input's luma put back under the "
                                    r"autoencoder's colors: ([\d.]+) dB \(as colorized "
                                    r"([\d.]+) dB, the gray image ([\d.]+) dB\)$")
    cost = f"{float(steadied) - float(color):.2f}"
    (below,) = printed(r"^test PSNR: gray image [\d.]+ dB, autoencoder colorization [\d.]+ dB, "
                       r"([\d.]+) dB below the gray image it was given$")
    # cold read r110: the cost (all of the brightness error) set against the gap, both quoted,
    # in plain cause -> effect sentences
    # s28 round 7 (cold read r121): what "not the colors" means, and section 7's true a and b
    # cold read r130 (density): one number; the gap is section 4's printed line
    # s34: "even these faint colors beat gray" cut (more than the whole gap says it)
    assert said(r"\*\*Putting only the luma back lifts the PSNR by ([\d.]+) dB, more than the "
                r"whole gap to gray\.\*\* Section 7 builds this into the fix\.") == [(cost,)]
    assert float(steadied) > float(gray), "under the input's luma, the colors beat gray"
    oracle, _ = printed(r"^the true a and b with the input's L kept: mean PSNR ([\d.]+) dB, mean "
                        r"chroma ([\d.]+)$")
    assert float(oracle) > float(steadied) + 5, "better colors would still gain much"
    assert "The colors are not the problem" not in MARKDOWN
    # cold read r115: "the colors then beat gray" left to section 6, which says it of all three
    assert "The colors then beat gray" not in MARKDOWN
    assert said(r"\*\*What does the drift cost\?\*\* We put the input's luma back\. Each "
                r"pixel's R, G and B shift by the same amount until the pixel's luma matches the "
                r"input's\.")
    assert "return (pred - (luma(pred) - g_test)).clamp(0, 1)" in CODE
    assert "the pixel at 200" not in MARKDOWN, "cold read r107: the question was cut"
    weights = re.search(r"LUMA = torch\.tensor\(\[([\d.]+), ([\d.]+), ([\d.]+)\]\)", CODE)
    assert sum(map(float, weights.groups())) == pytest.approx(1)
    assert said(r"\*\*Key idea:\*\* The autoencoder gets the luma wrong\. That error, not "
                r"the colors, puts it below its gray input\.")
    assert "blurs the brightness it was given, and that costs" not in MARKDOWN
    assert float(cost) > float(below)


# --- section 6 -----------------------------------------------------------------------------

def test_the_table_matches_the_earlier_lines():
    rows = table()
    gray, color, _ = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder colorization "
                             r"([\d.]+) dB, ([\d.]+) dB below the gray image it was given$")
    steadied, *_ = printed(r"^test PSNR with the input's luma put back under the "
                           r"autoencoder's colors: ([\d.]+) dB")
    size, *_ = printed(r"^mean \|drift\| per pixel: ([\d.]+) gray levels")
    assert rows["mean PSNR (dB)"][:2] == (gray, color)
    assert rows["mean PSNR, luma put back (dB)"][:2] == ("—", steadied)
    assert rows["mean |drift| (gray levels)"][1] == size
    assert rows["mean |drift| (gray levels)"][0] == "0.0"


def test_the_unet_and_the_clean_ablation():
    models = sizes()
    assert models["skips zeroed"] == models["UNet"], "same parameters and narrowest layer"
    # cold read r107: the wider narrowest layer named among the differences
    # cold read r113: the two sizes left to the printed table, for words on the main path
    # cold read r131 (item 5): the largest difference, the parameter count, named too
    # cold read r132 (section 3): "3.3 times" was not printed; "over three times" reads off the
    # two printed counts
    assert said(r"The UNet differs from the autoencoder in more than its skips\. Its narrowest "
                r"layer is twice as large, and it has over three times the parameters \(the table "
                r"below\)\.")
    assert 3 * models["autoencoder"][0] < models["UNet"][0] < 4 * models["autoencoder"][0]
    assert models["UNet"][2] == 2 * models["autoencoder"][2]
    assert said(r"So we run an \*\*ablation\*\*, which removes one part of a model and measures "
                r"what is lost\. Ours trains the same UNet with the same seed, but with zeros in "
                r"its skips \(`ZeroSkipUNet`, right\)\.")
    ae = RGBAutoencoder(bottleneck=32, in_ch=1)
    for level in ae.encoder[:3]:  # the autoencoder: one (strided) convolution per level
        assert sum(isinstance(m, torch.nn.Conv2d) for m in level) == 1
        assert level[0].stride == (2, 2)
    assert "skips.append(torch.zeros_like(x) if level in self.zeroed else x)" in CODE
    assert ("train(\n    lambda: skip_unet(16, ZeroSkipUNet), g_train, g_val, g_test)" in CODE
            and "train(lambda: skip_unet(16), g_train, g_val, g_test)" in CODE), "the same seed"
    assert "seed_everything(seed)\n    model = make_model()" in CODE
    # the UNet's differences, as colorlab.models.UNet defines them
    unet = UNet(in_ch=1, out_ch=3, base=16, depth=3, activation=None)
    assert isinstance(unet.pool, torch.nn.MaxPool2d)
    for block in (*unet.encoders, unet.bottleneck, *unet.decoders):
        convs = [m for m in block if isinstance(m, torch.nn.Conv2d)]
        assert [m.kernel_size for m in convs] == [(3, 3), (3, 3)]
    assert models["UNet"][0] > 1.5 * models["autoencoder"][0]
    assert said(r"\*\*skip connections\*\* copy each encoder level's output to the decoder level "
                r"of the same size, so fine detail bypasses the bottleneck\.")
    # cold read r102: section 6 opens with what to watch for
    section6 = MARKDOWN.split("## 6. ", 1)[1].split("## 7. ", 1)[0]
    # s28 round 6 (cold read r120): one plain sentence of motivation first
    # s28 round 7 (cold read r121): the architecture stated, not a cause before its ablation
    # s33 (cold read r133): the autoencoder's sentence cut for words; the UNet's skips first
    assert section6.startswith("Skip connections, and a clean ablation A [UNet](")
    assert said(r"so fine detail bypasses the bottleneck\. Do they keep the luma\?")
    assert "luma blurs because" not in MARKDOWN
    # cold read r103: the size table sits in section 6 (C folded in), after the UNets' training
    ids = [c.get("id") for c in NB.cells]
    assert ids.index("491aa8c9") < ids.index("unet-sizes") < ids.index("7702a5f8")
    assert "# parameters and narrowest tensor: section 4's autoencoder, and this section's two" \
        in CODE
    assert models["UNet"][1:] == (64, 1024) and models["autoencoder"][1:] == (32, 512)
    assert "unet-layers" not in ids and "the narrowest tensor:\\n64 x 4 x 4, max-pooled" in CODE
    # cold read r132 (fig 7): the note sits under the "max-pool" label, with no leader line
    schematic = NB.cells[ids.index("unet-schematic")].source
    assert "ax.annotate(" not in schematic and "ax.text(2.35, -2.9, " in schematic
    (demo,) = printed(r"^the code: \d+ numbers per image \(input: 3,072\); parameters: ([\d,]+)$")
    assert models["autoencoder"][0] == count_parameters(RGBAutoencoder(bottleneck=32, in_ch=1)) \
        != num(demo)
    assert "draw_unet(axes[0], zeroed=False)" in CODE and "draw_unet(axes[1], zeroed=True)" in CODE


def test_which_network_drifts_least():
    rows = main_table()
    _, ae, unet, zero = map(float, rows["mean |drift| (gray levels)"])
    # cold read r100: cell 40 in two paragraphs; first the ablation, in plain sentences
    # cold read r113: the second seed's two numbers left to A's table (fewer numbers here)
    # s28 round 6 (cold read r120): said under the three networks' drift curves (section 5's
    # panel 1), whose legend carries the two numbers; the second seed after the conclusion
    # s28 round 7 (cold read r121): the two numbers named as the legend's (no table is printed)
    # cold read r124: section 6's table printed above the curves, so both carry the numbers
    # cold read r126 (item 6): fewer pointers in parentheses; the numbers are the table's and
    # the printed slopes, checked below
    # cold read r132 (item 2): what a slope below -1 means, said in one sentence; s33: the
    # second seed of the colorizers cut (a repeated check)
    # cold read r134 (item 1): a slope below -1 read as a wider blur, matching row 5's blobs
    assert said(r"\*\*Zeroing the UNet's skips raises its mean \|drift\| from ([\d.]+) to "
                r"([\d.]+) gray levels\.\*\* The UNet's mean-drift line is nearly flat, so its "
                r"output keeps the local contrast\. The skips-zeroed UNet's line is steeper than "
                r"the blur's, with a slope of −([\d.]+)\. The two UNets differ "
                r"only in what their skips carry, so the skips keep the luma\.")
    # cold read r135 (section 3): the wider blur's slope was not printed; the sentence cut
    assert "A blur wider than 3 x 3" not in MARKDOWN
    assert "reverses it" not in MARKDOWN, "r134: a wider blur also gives a slope below -1"
    assert "A second seed agrees" not in MARKDOWN and "Every finding here is after" not in MARKDOWN
    assert "at least after" not in MARKDOWN and "measured after" not in MARKDOWN
    falls = dict(re.findall(r"^  (autoencoder|UNet \(skips\)|skips zeroed) +[\d., ]+ \(last "
                            r"epoch: -([\d.]+)%\)$", PRINTED, flags=re.M))
    assert max(falls, key=lambda name: float(falls[name])) == "skips zeroed", "fastest"
    slopes = dict(re.findall(r"(autoencoder|UNet \(skips\)|skips zeroed) ([-+][\d.]+)", printed(
        r"^slope of the mean drift against the local contrast \(a 3 x 3 blur: -1\): (.+)$")[0]))
    assert said(r"\*\*Zeroing the UNet's skips raises its mean \|drift\| from ([\d.]+) to ([\d.]+) "
                r"gray levels\.\*\* .{0,300}?steeper than the blur's, with a slope of "
                r"−([\d.]+)\.") \
        == [(f"{unet:.1f}", f"{zero:.1f}", slopes["skips zeroed"].lstrip("-"))]
    assert set(slopes) == {"autoencoder", "UNet (skips)", "skips zeroed"}, slopes
    assert abs(float(slopes["UNet (skips)"])) < 0.2, "nearly flat"
    assert float(slopes["skips zeroed"]) < -1.1, "steeper than the blur's slope of -1"
    curves = NB.cells[ids_of("drift-curves")]
    assert "hide-input" in curves.metadata["tags"] and curves.metadata["jupyter"]["source_hidden"]
    # s33: the cell makes its own bins (panel 6's), no names from section 5's figure cell
    assert "[drifts[which == k].mean() for k in kept])" in curves.source
    assert "which = np.digitize(local.flatten().numpy(), edges)" in curves.source
    assert 'ax.plot([-40, 40], [40, -40], "k--", lw=1, label="a 3 x 3 blur (drift = −contrast)",' \
        in curves.source and "edges_of" not in curves.source
    assert ids_of("7702a5f8") + 1 == ids_of("drift-curves") and ids_of("drift-curves") + 1 \
        == ids_of("drift-curves-md") and ids_of("drift-curves-md") + 1 == ids_of("psnr-bars-md")
    # cold read r115: the per-skip results left section 6 for Going deeper B
    section6 = MARKDOWN.split("## 6. ", 1)[1].split("## 7. ", 1)[0]
    assert "Going deeper B" not in section6 and "full-resolution skip" not in section6
    assert "almost all" not in MARKDOWN.lower()
    assert zero > 4 * unet
    assert sizes()["skips zeroed"] == sizes()["UNet"], "nothing else changed: the same layers"
    assert NB.cells[ids_of("psnr-bars-md")].source.startswith(
        "**As output, every network scores below gray by mean PSNR."), \
        "s28 round 6: the drift said above; cold read r128: the bars cut, the table read"
    assert "The UNet drifts least" not in MARKDOWN and "more than four times" not in MARKDOWN
    # cold read r114: the additive-effects question (arithmetic more than insight) gave way to
    # why the ablation, not the comparison with the autoencoder, names the cause
    assert "Do the skips alone explain" not in MARKDOWN
    assert said(r"1\. Why train ZeroSkipUNet, rather than compare the UNet with the autoencoder\? "
                r"<details><summary>Answer</summary> The UNet and the autoencoder differ in many "
                r"ways, so their gap names no cause\. ZeroSkipUNet differs from the UNet "
                r"only in its skips\.")
    assert min(ae, unet, zero) == unet and zero > ae
    assert "No. The ablation shows" not in MARKDOWN
    assert said(r"2\. The skips hand the UNet the gray input's features\. Why does it still "
                r"drift\? <details><summary>Answer</summary> Nothing ties its "
                r"output's luma to the input\. Its last layer computes R, G and B anew, so it must "
                r"learn to reproduce the luma\. It learns it only approximately: the table shows "
                r"([\d.]+) gray levels of drift\.") \
        == [(f"{unet:.1f}",)]
    assert unet > 1, "the UNet still drifts"
    # then the PSNR (the bars' test); E says why the UNet stays below gray by mean PSNR
    gray, _, mean_unet, _ = rows["mean PSNR (dB)"]
    assert float(mean_unet) < float(gray)
    assert "Did the narrow code" not in MARKDOWN, "the UNet's narrowest layer is the wider one"
    assert sizes()["UNet"][2] > sizes()["autoencoder"][2]
    # cold read r109: the Summary states the ablation's result, with the table's numbers
    assert said(r"- Zeroing the UNet's skips raised its drift from "
                r"([\d.]+) to ([\d.]+) gray levels: the skips keep the luma\.") \
        == [(f"{unet:.1f}", f"{zero:.1f}")]
    assert said(r"\*\*Key idea:\*\* Paths around the downsampling keep the luma sharp\.")


def test_why_the_unet_stays_below_gray():
    share, mse_unet, mse_gray, least, pale, rest, colorful = below_gray()
    gray, _, mean_unet = table()["mean PSNR (dB)"]
    assert float(mean_unet) < float(gray)
    # cold read r113: section 6 only points to D, in one sentence without numbers
    # s28 round 5 (cold read r119): D's result said in section 6, from section 6's printed line
    # s28 round 6 (cold read r120): the line and its paragraph back in D; section 6 points to it
    below = f"{float(gray) - float(mean_unet):.2f}"
    against, _, _, _ = unet_against_gray()
    assert against == f"-{below}"
    # cold read r124 (item 5): section 6 says D's result in one paragraph; its pooled MSE is
    # read off section 6's own validation curves, D's share and chroma split are pointed to
    # cold read r125: the figure cannot separate the two, so the text quotes the printed values
    # cold read r126 (item 1): the headline resolved right under the bars, with D's printed
    # share and pooled MSE; the validation MSE stays under the curves that print it, and says
    # why it is pooled (fit weighs every validation image alike)
    # cold read r128 (item 1): section 6 says the gap in one sentence and points to D; the
    # validation curves (and the pooled validation MSE) moved to Going deeper A
    # cold read r130 (item 1): D's answer brought into section 6, right after the table
    # cold read r132 (item 1): the metric detour moved to Going deeper D; section 6 keeps one
    # sentence with the table's two scores and one pointer
    # cold read r133 (section 2): "most" oversold a coin flip; D's printed share instead
    # cold read r134 (item 4): D's core said in section 6 (the share and the pooled error, both
    # printed in D, pointed to), and why the mean PSNR falls short, as D shows
    # cold read r135 (item 2): the metric detour is a side question; section 6 keeps one pointer
    # sentence, and D says the share and the pooled error where they are printed
    assert said(r"Going deeper D asks why the UNet stays just below gray by mean PSNR\.")
    assert said(r"The UNet beats gray on (\d+)% of the test images and on the pooled MSE") \
        == [(share,)]
    assert "53%" not in MARKDOWN.split("## Going deeper", 1)[0]
    _, _, _, gray_best, gray_best_chroma, rest_gain, rest_chroma = below_gray()
    assert float(mse_unet) < float(mse_gray) and float(gray_best) < 0 < float(rest_gain)
    assert float(gray_best_chroma) < 0.5 * float(rest_chroma), "gray's best: little color"
    assert "beats gray on most test images" not in MARKDOWN
    assert said(r"### D\. Why does the UNet stay below gray by mean PSNR\? \(section 6\) Counted "
                r"image by image, or pooled over all pixels, the UNet does better than gray:")
    section6 = MARKDOWN.split("## 6. ", 1)[1].split("## 7. ", 1)[0]
    for gone in ("validation MSE", "_evaluate_loss", "pooled MSE", "Weighted 1/4"):
        assert gone not in section6, gone
    # cold read r134 (items 3 and 4): section 6 points to D (the UNet below gray) and A (the
    # skips-zeroed UNet below the autoencoder)
    assert section6.count("Going deeper") == 2 and "(Going deeper A)" in section6
    # cold read r130 (item 6): the UNet against the gray line, zoomed in a panel of its own
    # cold read r133 (section 3): under the gray line from epoch 3 on, not only at the end
    (first,) = said(r"The right panel zooms in: the UNet is under the gray line from epoch (\d) "
                    r"on\.")[0]
    assert 'zoom.axhline(gray_val, color="k", ls="--", lw=1, label="the gray image")' in CODE
    curves, gray_val = validation_curves()
    assert "_evaluate_loss" not in MARKDOWN, "cold read r128: no pointer into the library's source"
    assert "loss_fn=nn.functional.mse_loss" in CODE
    unet_curve = curves["UNet (skips)"]
    assert unet_curve[int(first) - 2] > gray_val and all(v < gray_val
                                                         for v in unet_curve[int(first) - 1:])
    assert curves["UNet (skips)"][-1] < gray_val < min(curves["autoencoder"][-1],
                                                        curves["skips zeroed"][-1])
    assert "Going deeper D finds the same on the test images" not in MARKDOWN, "said once, above"
    # cold read r126 (item 1): the opening promises what the skips fix (the drift) and that the
    # mean PSNR still stays below gray; the Summary closes it with D's share
    # cold read r127: the skips cut the drift (4.1 gray levels remain), they do not fix it
    # cold read r128 (item 5): the drift is measured on luma, so "luma drift"
    assert said(r"- how far skip connections cut the luma drift;")
    assert "drift of the lightness" not in MARKDOWN
    assert "skips fix" not in MARKDOWN and "skip connections fix" not in MARKDOWN
    drift = table()["mean |drift| (gray levels)"]
    assert float(drift[2]) < 0.5 * float(drift[1]), "the skips cut the drift"
    assert float(zeroed()["mean |drift| (gray levels)"]) > 2 * float(drift[2]) > 0, \
        "cut, not removed: zeroing them raises it, and some remains"
    assert "just below gray by mean PSNR" not in MARKDOWN.split("## Summary", 1)[1], \
        "s33: the Summary keeps the main path's lessons"
    assert float(mse_unet) < float(mse_gray) and float(least) < 0 and float(pale) < float(colorful)
    assert float(mse_unet) < float(mse_gray), "pooled, the UNet is ahead on the test images too"
    assert "Going deeper D explains how both can hold" not in MARKDOWN
    assert "By mean PSNR the UNet stays" not in MARKDOWN
    assert "Mean PSNR punishes" not in MARKDOWN
    assert 0 < float(below) < 0.5, "just below"
    assert said(r"The UNet beats gray on (\d+)% of the test images and on the pooled MSE, the "
                r"squared error over all test pixels\. Where does it lose\?") == [(share,)]
    assert ids_of("deep-d") + 1 == ids_of("unet-vs-gray") and ids_of("unet-vs-gray") + 1 \
        == ids_of("unet-vs-gray-md") and ids_of("unet-vs-gray-md") + 1 == ids_of("why-below-gray")
    assert 50 < int(share) <= 60 and float(mse_unet) < float(mse_gray)
    assert "beats gray on most images" not in MARKDOWN  # "most test images", as measured
    # cold read r113: "pale" read as light; said as little color (chroma), as measured
    assert "pale" not in MARKDOWN.lower()
    # cold read r126: the printout splits by gray's best quarter, not by chroma; said so, and
    # the chroma as what that quarter holds
    # cold read r130 (density): the two chromas left to the printed line
    assert said(r"The UNet loses on the quarter of test photos where gray scores best, and "
                r"gains on the rest\. That quarter holds photos with little color, which gray "
                r"nearly gets right\. \*\*The mean of "
                r"per-image PSNRs weighs those losses heavily\*\*: where gray's error is small, a "
                r"few gray levels of error cost many decibels\. Two made-up images show it:")
    assert "The UNet loses most on photos with little color" not in MARKDOWN
    assert least.startswith("-") and rest.startswith("+") and -float(least) > 2 * float(rest)
    assert float(pale) < 0.5 * float(colorful), "pale: the truth's chroma, under half the rest's"
    ids = [c.get("id") for c in NB.cells]
    assert ids.index("psnr-bars-md") < ids.index("grid-unet-md") < ids.index("deep-a") \
        < ids.index("deep-d") < ids.index("why-below-gray") < ids.index("why-below-gray-md") \
        < ids.index("bccae724") < ids.index("deep-e-code")
    assert ids.index("7702a5f8") < ids.index("psnr-bars-md") and "psnr-bars" not in ids
    assert "better = (unet_each > gray_each).float().mean() * 100" in CODE
    assert "gray_best = gray_each >= gray_each.quantile(0.75)" in CODE
    assert "return ((pred - x_test) ** 2).mean().item()" in CODE


def test_the_table_is_read_without_bars():
    rows = main_table()
    gray = float(rows["mean PSNR (dB)"][0])
    as_output = [float(v) for v in rows["mean PSNR (dB)"][1:]]
    put_back = [float(v) for v in rows["mean PSNR, luma put back (dB)"][1:]]
    # cold read r124: "below gray" holds by mean PSNR only (by pooled MSE the UNet beats it)
    # cold read r128 (item 2): the bar chart repeated the table; the bars cut, the table read
    assert said(r"\*\*As output, every network scores below gray by mean PSNR\. With the luma put "
                r"back, all three beat it\*\* \(the table\)\.")
    assert all(v < gray for v in as_output) and len(put_back) == 3
    assert all(gray < v < gray + 1 for v in put_back), put_back
    assert "ax.bar(" not in CODE and "as_output" not in CODE and "The bars" not in MARKDOWN
    # s28 round 7 (cold read r121): the skips-zeroed UNet below the autoencoder, despite its
    # wider narrowest layer: its loss is in the luma
    # cold read r128: the 0.1 dB is seed 0's, the table's (seed 1 is printed only in A)
    # cold read r130 (density): the 0.1 dB left to the table
    # cold read r131 (section 6's length): the skips-zeroed UNet against the autoencoder left to
    # the printed table
    assert "it edges past the autoencoder" not in MARKDOWN
    assert "with either seed" not in MARKDOWN and "Why does it drift more?" not in MARKDOWN
    assert sizes()["skips zeroed"][2] == 2 * sizes()["autoencoder"][2]
    assert "One guess, not tested here" not in MARKDOWN and "deeper stack" not in MARKDOWN
    # cold read r134 (item 3): the skips-zeroed UNet below the smaller autoencoder said, with what
    # A's curves show (still falling fastest), and why the ablation does not rest on it
    # cold read r135 (section 2, item 2): the skips-zeroed UNet still learning fastest does
    # bear on the ablation's size (not its direction); the comparison with the autoencoder
    # moved to A
    assert said(r"The skips-zeroed UNet's validation error was still falling fastest when "
                r"training stopped \(Going deeper A\)\. So the ablation shows which way the skips "
                r"act, but the size of its gap is not final\.")
    assert "This does not affect the ablation" not in MARKDOWN
    assert said(r"In section 6's table, it also scores below the smaller autoencoder by mean "
                r"PSNR\.")
    assert MARKDOWN.index("it also scores below the smaller") > MARKDOWN.index("### A. ")
    assert sizes()["autoencoder"][0] < sizes()["skips zeroed"][0], "the smaller autoencoder"
    falls = dict(re.findall(r"^  (autoencoder|UNet \(skips\)|skips zeroed) +[\d., ]+ \(last "
                            r"epoch: -([\d.]+)%\)$", PRINTED, flags=re.M))
    assert max(falls, key=lambda name: float(falls[name])) == "skips zeroed", "fastest"
    ae, zero = as_output[0], as_output[2]
    assert zero < ae and sizes()["skips zeroed"][2] > sizes()["autoencoder"][2]
    assert 0 < put_back[2] - put_back[0] < 0.5, "edges past: ahead, narrowly"
    drift = rows["mean |drift| (gray levels)"]
    assert float(drift[3]) > float(drift[1]), "it drifts more than the autoencoder"


def test_the_skips_zeroed_unet_learns_more_slowly():
    # cold read r124 (item 4): the guess backed or cut; fit()'s validation curves back its first
    # half (behind at every epoch, still falling fastest), and the text says what they leave open
    curves, _ = validation_curves()
    ae, unet, zero = (curves[name] for name in ("autoencoder", "UNet (skips)", "skips zeroed"))
    falls = dict(re.findall(r"^  (autoencoder|UNet \(skips\)|skips zeroed) +[\d., ]+ \(last "
                            r"epoch: -([\d.]+)%\)$", PRINTED, flags=re.M))
    # cold read r128 (items 1 and 5): the curves moved to Going deeper A; the gap narrows
    # cold read r130 (density): A's lab notes cut to one reading
    assert said(r"\*\*All three were still improving when they stopped\.\*\* The skips-zeroed UNet "
                r"is behind the autoencoder at every epoch, but falling fastest at the end, by "
                r"([\d.]+)% in its last epoch; whether it would catch up needs a longer "
                r"training\.") == [(falls["skips zeroed"],)]
    # s33 (cold read r133): A's pointer to What to try next cut for words; that item points here
    assert said(r"does the skips-zeroed UNet catch up with the autoencoder \(Going deeper A\)\?")
    assert len(falls) == 3, "all three still improving: each fell in its last epoch"
    assert all(c[-1] < c[-2] for c in (ae, unet, zero))
    assert "closes the gap" not in MARKDOWN
    assert said(r"### A\. Were the colorizers still improving\? \(section 6\) Below is the "
                r"validation MSE that `fit` recorded after each epoch of section 6's three "
                r"trainings\.")
    assert "(skip_history, " in CODE and "zeroed_model, colorized_zeroed, zeroed_history" in CODE
    # cold read r126 (item 3): the question closed in one line, what the curves show (a lag that
    # shrinks) and what they do not (the end point, the cause of the drift)
    assert "This run does not show\nit" not in MARKDOWN and "does it settle worse" not in MARKDOWN
    try_next = MARKDOWN.split("## What to try next", 1)[1]
    assert try_next.lstrip().startswith("- **Train longer.**"), "the first item trains longer"
    assert len(zero) == len(ae) == len(unet) >= 2 and all(z > a for z, a in zip(zero, ae))
    assert float(falls["skips zeroed"]) > max(float(falls["autoencoder"]),
                                              float(falls["UNet (skips)"]))
    assert zero[0] - ae[0] > zero[-1] - ae[-1] > 0, "behind, but closing in"
    assert said(r"does the skips-zeroed UNet catch up with the autoencoder \(Going deeper A\)\?")
    for made in ("gray_model, colorized, ae_history = train(",
                 "skip_model, colorized_skip, skip_history = train(",
                 "zeroed_model, colorized_zeroed, zeroed_history = train("):
        assert made in CODE, made
    curves_cell = NB.cells[ids_of("val-curves")]
    assert "hide-input" in curves_cell.metadata["tags"] and 'val = history["val_loss"]' \
        in curves_cell.source
    assert ids_of("psnr-bars-md") + 1 == ids_of("grid-unet-md")
    assert ids_of("deep-b") + 1 == ids_of("val-curves") and ids_of("val-curves") + 1 \
        == ids_of("val-curves-md") and ids_of("val-curves-md") + 1 == ids_of("skip-split-md")


def test_the_colors_are_faint():
    chroma = chroma_line()
    truth, unet = chroma["the truth"], chroma["UNet (skips)"]
    # cold read r102: the chroma is measured with the input's L kept (unet_kept), said so
    # s28 round 5 (cold read r119): the fix shown as a grid (the UNet with the input's L kept)
    assert said(r"\*\*In the grid above, the UNet with the input's L kept \(row 3\) is as sharp as "
                r"the gray input, but its colors are faint\.\*\* Its output's mean chroma is about "
                r"half the original photos', ([\d.]+) against ([\d.]+)\.") \
        == [(f"{unet:.1f}", f"{truth:.1f}")]
    assert "even the UNet" not in MARKDOWN, "the autoencoder's chroma is no longer printed"
    assert 0.45 <= unet / truth <= 0.55
    assert "chroma(unet_kept)" in CODE and "ae_kept" not in CODE
    ids = [c.get("id") for c in NB.cells]
    assert ids.index("chroma-def") < ids.index("c10") < ids.index("98e4e35d")
    # cold read r124: the suspect's mechanism (the MSE favors the average) shown on four colors
    assert said(r"\*\*Why are the colors faint\?\*\* One suspect, tested in notebook 05, is the "
                r"MSE loss\.")
    # cold read r132 (section 2): the average is the least-squares guess for equally likely colors
    assert said(r"If they are equally likely, the guess with the least squared error is their "
                r"average\.")
    guesses = dict((name, (float(mse), float(c))) for name, mse, c in re.findall(
        r"^guess (red|green|blue|olive|the average) *: MSE ([\d.]+), chroma +([\d.]+)$",
        PRINTED, flags=re.M))
    # cold read r132 (item 5): (0.5, 0.42, 0.1) at gray level 104 is a dark yellow: "olive"
    assert list(guesses) == ["red", "green", "blue", "olive", "the average"], guesses
    cars = [guesses[name] for name in ("red", "green", "blue", "olive")]
    average_mse, average_chroma = guesses["the average"]
    assert average_mse < min(m for m, _ in cars), "the average: the least squared error"
    assert average_chroma < 0.25 * min(c for _, c in cars), "and almost no color"
    levels = [int(v) for v in re.findall(r"(?:red|green|blue|olive) (\d+)", printed(
        r"^gray levels of the four colors: (.+)$")[0])]
    assert len(levels) == 4 and max(levels) - min(levels) <= 5, "about the same gray input"
    # cold read r134: "the least color" (of the five guesses) rather than "almost no color"
    assert said(r"\*\*The average has the least squared error, and the least color\.\*\* Its "
                r"chroma is ([\d.]+), far below the four cars'\.") == [(f"{average_chroma:.1f}",)]
    assert average_chroma < min(c for _, c in cars), "the least color"
    assert "cars.mean(dim=0)" not in CODE and '"the average": colors.mean(dim=0)' in CODE
    assert ids_of("keep-input-l-read") + 1 == ids_of("mse-average") \
        and ids_of("mse-average") + 1 == ids_of("mse-average-read")
    ids = [c.get("id") for c in NB.cells]
    assert ids.index("keep-input-l") + 1 == ids.index("keep-L-grid") \
        and ids.index("keep-L-grid") + 1 == ids.index("keep-input-l-read")
    assert "for a car that could be " not in MARKDOWN, "cold read r110: not shown by this run"
    assert said(r"The colors stay faint\. One suspect is the MSE loss \(notebook 05\)\.")
    # the grids: section 4 (truth, gray, autoencoder), section 6 (five rows); cold read r115:
    # section 7's grid (fig 50) repeated rows 3-4 of section 6's, and was cut
    grids = re.findall(r"^show_grid\(\{(.*?)\},\n", CODE, flags=re.S | re.M)
    assert [re.findall(r'^\s*f?"([^"\\]+)', g, flags=re.M) for g in grids] == [
        ["truth", "gray input", "autoencoder"],
        ["truth", "gray input", "autoencoder,", "UNet (skips),", "skips zeroed,"],
        ["truth", "gray input", "UNet (skips),", "true a, b,"]], "the grids"
    assert '"UNet (skips),\\ninput\'s L kept": (unet_kept, psnr(unet_kept, x_test))' in grids[2]
    # s28 round 6 (cold read r120): an oracle row, the true a and b under the input's L
    assert '"true a, b,\\ninput\'s L kept": (true_kept, psnr(true_kept, x_test))' in grids[2]
    assert "true_kept = keep_input_L(x_test)" in CODE
    oracle, oracle_chroma = printed(r"^the true a and b with the input's L kept: mean PSNR "
                                    r"([\d.]+) dB, mean chroma ([\d.]+)$")
    unet_kept_psnr = kept_psnr()[0]
    assert said(r"Row 4 puts the true a and b under the same L and scores ([\d.]+) dB, so better "
                r"colors have room to gain\.") == [(oracle,)]
    assert float(oracle) > float(unet_kept_psnr) + 5, "room to gain"
    assert abs(float(oracle_chroma) - truth) < 1, "the true colors keep the truth's chroma"
    # the UNet's colors with the input's L: as sharp as gray's by construction (L is the input's)
    assert "lab[:, 0] = L_input" in CODE
    assert "unet_kept = keep_input_L(colorized_skip)" in CODE
    assert "(colorized, ae_each)" in grids[0] and "(colorized_skip, unet_each)" in grids[1]
    assert "(colorized_zeroed, psnr(colorized_zeroed, x_test))" in grids[1]
    assert "hide-input" in NB.cells[ids.index("keep-L-grid")].metadata["tags"]
    # cold read r99: row 3 is sharp by construction; the comparison is row 4 against row 5
    assert said(r"\*\*In the grid below, the UNet \(row 4\) is sharp, but its colors stay faint\. "
                r"With its skips zeroed \(row 5\), only blobs remain\.\*\*")
    # cold read r107: row 3 said, since it is not a raw output
    # cold read r134 (fig 9): row 3 is not a raw output, said plainly
    assert said(r"only blobs remain\.\*\* Row 3 is sharp only because it has the input's luma put "
                r"back\.")
    assert '"autoencoder,\\nluma\\nput back": (without_drift(colorized), put_back_each)' in CODE
    # cold read r103: show_grid writes each row's mean chroma (all test images) by its label;
    # r105: and its mean PSNR, both under "test mean", and the title says over all test images
    assert 'labels = {name: f"{name}\\ntest mean\\n"' in CODE
    assert '+ (f"{each.mean().item():.2f} dB\\n" if each is not None else "")' in CODE
    assert '+ f"chroma {chroma(images):.1f}" for name, (images, each) in rows.items()}' in CODE
    assert 'suptitle=f"{title}\\nbeside each row: the mean over all "' in CODE
    assert "(without_drift(colorized), put_back_each)" in grids[1]
    assert ('"autoencoder with luma put back (row 3), UNet (row 4), its skips zeroed '
            '(row 5)")') in CODE


# --- section 7 -----------------------------------------------------------------------------

def test_keeping_the_input_L():
    unet_kept, gray_kept = kept_psnr()
    assert "lab[:, 0] = L_input" in CODE and "return lab_to_rgb(lab)" in CODE
    assert "L_input = rgb_to_lab(gray_rgb)[:, 0]" in CODE
    assert inspect.signature(lab_to_rgb).parameters["clip"].default is True
    rows = main_table()
    gray = rows["mean PSNR (dB)"][0]
    # section 5's fix: section 6's table's row, no longer echoed in section 7's line
    ae_luma, unet_luma = rows["mean PSNR, luma put back (dB)"][1:3]
    assert gray_kept == gray
    # cold read r115: the Lab fix is section 5's luma put back, said once with its pair of
    # numbers; fig 50 (a near-repeat of fig 45's rows) cut; why Lab: a and b only, L untouched
    # cold read r119: the same idea, not the same operation (L of a gray is not luma on color)
    # s28 round 7: the pair of side numbers cut (words for cold read r121's items)
    # cold read r130 (item 3): said outright where the two fixes are printed side by side
    # cold read r132 (item 4): one idea, said once where section 7 opens; no repeated numbers
    assert said(r"The idea is section 5's luma put back, done in \[CIE Lab\]\([^)]*\), where `L` "
                r"is the lightness and `a` and `b` are the color\.")
    (put_back5,) = printed(r"^test PSNR with the input's luma put back under the autoencoder's "
                           r"colors: ([\d.]+) dB")
    assert put_back5 == ae_luma, "section 6's table's number"
    assert abs(float(unet_kept) - float(unet_luma)) < 0.2, "the same idea: about the same score"
    # cold read r135 (item 3): the two put-backs tied, with the two printed scores
    assert said(r"Its mean PSNR, ([\d.]+) dB, is close to the ([\d.]+) dB that section 6's table "
                r"gives the UNet with its luma put back in RGB\.") == [(unet_kept, unet_luma)]
    assert "with the input's luma put back (section 5)" not in CODE
    # cold read r134 (item 5): the two threads split; keeping L answers the drift, not the colors
    # (the UNet with the input's L kept stays at about half the truth's chroma)
    assert said(r"The drift and the faint colors are separate problems\. Predicting only a and b "
                r"answers the drift, because such a network never touches L\. It does not fix the "
                r"faint colors\.")
    assert chroma_line()["UNet (skips)"] < 0.6 * chroma_line()["the truth"]
    assert "builds the fix in" not in MARKDOWN
    assert "Section 5 put the luma back only to measure" not in MARKDOWN
    assert "That fix shifted R, G and B" not in MARKDOWN
    # s28 round 5: "In the grid above" now names section 7's own grid, right above it
    assert "(row labels)" not in MARKDOWN
    # cold read r98: section 7 shows the fix once; no second table of the PSNRs
    assert "{'mean chroma':>13}" not in CODE and "(\"UNet (skips), input's L kept\"" not in CODE
    # the L kept is the luma image's L, which C compares with the true color's
    assert "(last panel)" not in MARKDOWN, "cold read r103: the outputs are in fig 48, not 45"
    assert "*Aside:*" not in MARKDOWN, "cold read r115: the aside cut"
    assert "nearly always darker" not in MARKDOWN.split("## Going deeper", 1)[0]
    assert "Notebook 04 keeps the true L" not in MARKDOWN, "cold read r113: read as a contradiction"
    assert "on saturated colors (Going deeper C)" not in MARKDOWN
    assert "That gray is luma, so its L is darker" not in MARKDOWN
    # s33 (structural round): C's L-gap forensics (the map, the share of darker pixels) cut;
    # section 7 measures the round trip instead. Cold read r132 (item 3): no self-check print
    ids = [c.get("id") for c in NB.cells]
    assert not {"kept-l-map", "kept-l-map-md", "l-gap", "l-gap-read"} & set(ids)
    assert "fig.colorbar(im, cax=scale, label=bar_label)" in CODE
    assert 'make_axes_locatable(ax).append_axes("right", size="5%", pad=0.08) for ax in axes]' \
        in CODE
    assert "x_test[5:6]" not in CODE and "test image 6" not in CODE
    (car,) = printed(r"^test image 6: (\w+)$")
    assert car == "automobile"
    assert "red_car" not in CODE and "note: the text describes" not in CODE
    assert '(axes[1], lab[0], "gray", 0, 100, "2. its L (lightness, 0-100)", None)' in CODE
    # s28 round 6 (cold read r120): a's + end reads as red (a bluish green to red map whose ends
    # also differ in lightness), b's as yellow
    assert ('a_map = mcolors.LinearSegmentedColormap.from_list("a", ["#01665e", "white", '
            '"#d7301f"])') in CODE and "#c51b7d" not in CODE
    assert "L_input = rgb_to_lab(gray_rgb)[:, 0]" in CODE and "gray_rgb = g_test.expand(" in CODE
    assert levels_pure_luma_below_l(), "luma's L is darker on the pure colors C prints"
    (lecture04,) = (ROOT / "notebooks").glob("04_*.ipynb")
    assert "keep the true L" in nbformat.read(lecture04, as_version=4).cells[0].source
    # cold read r94: the Lab split as a figure (test image 6: L, a, b, and the gray input's L)
    # cold read r130 (item 5): L shows the car, a its red
    # cold read r132 (item 5): the b panel read (red has a positive b too)
    # s34: the three grays listed between the two sentences; a and b read in one sentence
    assert said(r"`L` is the lightness and `a` and `b` are the color\.")
    assert said(r"Below, test image 6's L alone shows the car\. Its a and b are both positive on "
                r"the red car body, as pure red's are\.")
    red_lab = torch.tensor([[[[1.0]], [[0.0]], [[0.0]]]])
    from colorlab.color import rgb_to_lab
    assert rgb_to_lab(red_lab)[0, 2].item() > 30, "pure red's b is positive"
    assert rgb_to_lab(red_lab)[0, 1].item() > 30, "pure red's a is positive"
    assert "i = 5                                                         # image 6 of the grids" \
        in CODE and 'axes[0].set_title(f"1. test image {i + 1}", fontsize=10)' in CODE
    assert '"2. its L (lightness, 0-100)"' in CODE
    assert '"3. its a: − green, + red"' in CODE and '"4. its b: − blue, + yellow"' in CODE
    section7 = MARKDOWN.split("## 7. ", 1)[1].split("## Going deeper", 1)[0]
    assert "(panel 2)" not in section7, "s28: panel 5 is now the difference, said in words"
    # why keep L (cold read r90): the fix built into the model, not applied afterwards (r103:
    # said after the results, as what the Lab version adds over section 5's fix)
    assert "Lab's gain" not in MARKDOWN, "cold read r105: a full sentence"
    assert "Lab's separate L channel builds the fix in" not in MARKDOWN
    assert "colors are faint, so" not in MARKDOWN, "cold read r90: the cause is not measured"
    # cold read r131 (item 2): the kept L is the luma image's, not the true L: said plainly
    assert said(r"\*\*A colorizer should keep the input's lightness L exactly, and predict only "
                r"color\.\*\*")
    assert "cannot drift" not in MARKDOWN
    assert "We try it on our networks' outputs." not in MARKDOWN, "cold read r110: cut"
    assert said(r"Keep the input's L and predict only a and b \(notebook 04\)\.")
    assert "put-back" not in MARKDOWN and "L-based gray" not in MARKDOWN, "plain words (r90)"
    assert said(r"\*\*Key idea:\*\* Keep the input's lightness and predict only color\.")
    # cold read r115: one name for the correction, "luma put back", in code and text
    assert "brightness put back" not in CODE + MARKDOWN + PRINTED
    assert "mean PSNR, luma put back (dB)" in CODE and "luma put back" in PRINTED
    (lecture04,) = (ROOT / "notebooks").glob("04_*.ipynb")
    assert "L in, ab out" in nbformat.read(lecture04, as_version=4).cells[0].source


def test_each_numbered_section_ends_with_its_key_idea():
    sections = re.split(r"(?=## \d\. )", MARKDOWN.split("## Going deeper", 1)[0])[1:]
    assert len(sections) == 7, f"seven numbered sections: {len(sections)}"
    for section in sections:
        shown = re.sub(r"<details>.*?</details>", " ", section)
        assert shown.count("**Key idea:**") == 1, f"one key idea in {section[:40]!r}"
        if "### Check your understanding" in shown:
            assert shown.index("**Key idea:**") < shown.rindex("### Check your understanding")


# --- Going deeper --------------------------------------------------------------------------

def test_a_the_second_seed_of_the_colorizers_is_cut():
    # s33 (structural round): the colorizers' second seed was a repeated check, cut with its
    # table; the sweep's second seed stays, printed in section 3
    assert "colorized_again" not in CODE and "both_seeds" not in CODE
    assert not re.search(r"^UNet \(skips\), seed 1", PRINTED, flags=re.M)
    assert "With both seeds" not in MARKDOWN and "With seed 1 too" not in MARKDOWN


def test_b_one_skip_zeroed_at_a_time():
    split = one_skip_zeroed()
    unet = split["no skip zeroed (the UNet)"][0]
    first = split["only skip 1 zeroed (32 x 32)"][0]
    second = split["only skip 2 zeroed (16 x 16)"][0]
    deepest = split["only skip 3 zeroed (8 x 8)"][0]
    every = split["all three zeroed"][0]
    assert f"{unet:.1f}" == table()["mean |drift| (gray levels)"][2]
    assert f"{every:.1f}" == zeroed()["mean |drift| (gray levels)"]
    assert "the yardstick" not in PRINTED, "cold read r103: B keeps findings and its table"
    assert said(r"### B\. Which skip keeps the contrast\? \(section 6\) We zero one skip at a time "
                r"\(seed 0 only\)\.")
    assert said(r"\*\*Without the full-resolution skip, the drift nearly doubles, to ([\d.]+) gray "
                r"levels\.\*\*") == [(f"{first:.2f}",)]
    assert 1.7 < first / unet < 2.1
    # cold read r134 (section 3): one seed, no noise scale for 0.09: said so
    (most,) = said(r"Zeroing skip 2 or skip 3 alone moves it by ([\d.]+) or less, and one seed "
                   r"cannot tell such small changes from noise\.")[0]
    assert most == f"{max(abs(second - unet), abs(deepest - unet)):.2f}"
    assert float(most) < 0.1 * (first - unet)
    # cold read r116: "carry the luma" softened to "part of the luma" (7.90 against 17.60)
    # cold read r130 (item 4): one seed, said
    assert said(r"With all three skips zeroed, the drift reaches ([\d.]+), more than twice as "
                r"much\. So without skip 1, the deeper skips still carry part of the luma\.") \
        == [(f"{every:.2f}",)]
    assert every > 2 * first, "more than twice as much"
    assert every - first > 2 * (first - unet), "the deeper skips still hold it down"
    assert "together carry the luma" not in MARKDOWN
    assert first - unet > 10 * max(abs(second - unet), abs(deepest - unet))
    assert "is untested" not in MARKDOWN, "What to try next asks it; B does not repeat it"
    assert "stand in for one another" not in MARKDOWN
    assert every - unet > 2 * ((first - unet) + (second - unet) + abs(deepest - unet))
    assert "skip_unet(16, ZeroSkipUNet, zeroed=(level,))" in CODE
    assert all(f"train(zero_only({k})," in CODE for k in (1, 2, 3))
    assert "Zero two skips at once" not in MARKDOWN, "cold read r107: cut for a lighter path"


def test_the_unets_size():
    models = sizes()
    assert set(models) == {"autoencoder", "UNet", "skips zeroed"}
    assert "skip_unet(9)" not in CODE, "cold read r98: the base=9 UNet is deleted"
    assert "# score_table() and table: section 6's table cell" not in CODE
    assert "def score_table(pred" in CODE
    # cold read r110: the size table's code folded (its printed table backs section 6's prose)
    sizes_cell = NB.cells[[c.get("id") for c in NB.cells].index("unet-sizes")]
    assert "hide-input" in sizes_cell.metadata.get("tags", [])
    assert sizes_cell.source.startswith("# parameters and narrowest tensor:")


def test_c_luma_and_l_based_gray():
    levels = {name: (float(y), float(l)) for name, y, l in re.findall(
        r"^pure (\w+) *: luma gray level +([\d.]+), L-based gray level +([\d.]+)$",
        PRINTED, flags=re.M)}
    assert set(levels) == {"red", "green", "blue", "yellow"}
    assert said(r"Pure red is gray level ([\d.]+) as luma but ([\d.]+) as the grayscale baseline "
                r"\(\"L-based\" in the printout\)") \
        == [tuple(f"{v:.1f}" for v in levels["red"])]
    assert said(r"agrees with luma on neutral pixels\. On saturated ones the two differ, by an "
                r"amount that depends on the hue")
    gaps = [l - y for y, l in levels.values()]
    assert max(gaps) > 2 * min(gaps)
    assert printed(r"^neutral grays \(R = G = B\): the two agree to within (0\.5) gray levels$")
    (bt709,) = printed(r"^pure red, BT.709's weights on the gamma-encoded values: ([\d.]+)$")
    # cold read r125: the weights push the other way; the curve is the cause
    luma_red = levels["red"][0]
    assert said(r"Not the weights: the baseline gives red \*less\* weight, 0\.2126 "
                r"\(ITU-R BT\.709, "
                r"sRGB's primaries\), than luma's 0\.299 \(BT\.601\); applied to the encoded "
                r"values, 0\.2126 gives only (\d+) \(printed\), darker than luma's (\d+)\. The "
                r"curve is the cause") == [(f"{float(bt709):.0f}", f"{float(luma_red):.0f}")]
    assert float(bt709) < float(luma_red)
    # cold read r126: the baseline's pipeline with its L step (Y -> L by CIE's curve; a gray
    # pixel's L back to Y, then the sRGB curve): pure red's Y, sRGB-encoded, is the printed level
    assert said(r"The curve is the cause\. The baseline decodes R, G and B to \*linear\* light and "
                r"weighs them there \(pure red: 0\.2126\), then turns that sum into L with CIE's "
                r"cube-root curve\. Shown as a gray pixel, that L becomes 0\.2126 linear again, "
                r"encoded with the sRGB curve \(IEC 61966-2-1\), which lifts it to about (\d+)\.") \
        == [(f"{levels['red'][1]:.0f}",)]
    red_y = RGB_TO_XYZ[1, 0].item()
    assert f"{red_y:.4f}".startswith("0.212"), red_y
    assert abs(linear_to_srgb(torch.tensor(red_y)).item() * 255 - levels["red"][1]) < 0.5
    assert "lab = rgb_to_lab(rgb)" in inspect.getsource(grayscale)
    assert "_lab_f(" in inspect.getsource(xyz_to_lab), "L from Y by CIE's curve"
    assert "weighs *linear* light, then encodes the sum" not in MARKDOWN
    # cold read r98: the three grays as a short note, not a table and a second drift table
    assert said(r"Luma is darker on all four pure colors above\.")
    assert "On section 7's red car" not in MARKDOWN, "s33: C's L-gap forensics cut"
    assert levels_pure_luma_below_l()
    assert "| the gray | what it is | who uses it |" not in MARKDOWN


def test_d_mean_psnr_and_pooled_mse():
    rows = table()
    gray, _, mean_unet = rows["mean PSNR (dB)"]
    below = f"{float(gray) - float(mean_unet):.2f}"
    share, mse_unet, mse_gray, least, _, rest, _ = below_gray()
    # s33 (cold read r132, item 1): D holds the metric detour, then the black-and-white photos
    assert said(r"### D\. Why does the UNet stay below gray by mean PSNR\? \(section 6\) ")
    assert unet_against_gray()[0] == f"-{below}"
    assert 50 < int(share) <= 60
    assert float(mse_unet) < float(mse_gray)
    assert "((pred - x_test) ** 2).mean()" in CODE
    # cold read r99: the weighted sum as computed from the printed numbers, the gap up to rounding
    # s27 round 2: the quarter's two numbers said once, inside the sum
    weighted = 0.25 * float(least) + 0.75 * float(rest)
    # r124 run: the weighted sum rounds to the gap itself, said so (not "up to rounding")
    assert said(r"\*\*Weighted 1/4 and 3/4, the UNet's ([−-][\d.]+) dB on the quarter where gray "
                r"scores best and its ([-+][\d.]+) dB on the rest give ([−-][\d.]+) dB: the whole "
                r"gap to gray\.\*\*") \
        == [(least.replace("-", "−"), rest, f"{weighted:.2f}".replace("-", "−"))]
    assert f"{weighted:.2f}" == f"-{below}", "the whole gap, to the printed 0.01 dB"
    assert float(least) < 0 < float(rest)
    assert abs(weighted + float(below)) < 0.02
    # s28 round 7 (cold read r121): the log scale said plainly (section 1: halving adds 3 dB)
    assert said(r"Mean PSNR counts each image's error on a log scale, so halving a small error "
                r"counts as much as halving a large one\. Pooled MSE counts only the total "
                r"squared error\.")
    assert "Neither is wrong" not in MARKDOWN
    assert "10 * torch.log10(1.0 / mse" in CODE
    assert "pooled MSE" not in MARKDOWN.split("## Summary", 1)[1], "the Summary: main path only"


def test_d_the_worked_example_of_a_log_scale():
    lines = re.findall(r"^gray off by +(\d+) gray levels, the UNet by +(\d+): UNet minus gray "
                       r"([-+][\d.]+) dB$", PRINTED, flags=re.M)
    assert [(g, u) for g, u, _ in lines] == [("5", "8"), ("20", "17")]
    for g, u, d in lines:
        assert float(d) == pytest.approx(20 * math.log10(int(g) / int(u)), abs=0.051)
    gap, mse_unet, mse_gray = printed(r"^over both: UNet minus gray ([-+][\d.]+) dB in mean PSNR, "
                                      r"though its pooled MSE is lower \(([\d.]+) against "
                                      r"([\d.]+) gray levels squared\)$")
    assert float(gap) < 0 and float(mse_unet) < float(mse_gray)
    assert said(r"where gray's error is small, a few gray levels of error cost many decibels\.")


def test_d_the_scatter():
    # cold read r113: the dots colored by the truth's mean chroma, so "little color" is seen
    assert said(r"The scatter above shows it image by image: right of the dashed line, the points "
                r"are dark, the photos with little color\. There gray's PSNR climbs on, while the "
                r"UNet's levels off: the UNet keeps a floor of error\.")
    assert "image_chroma = mean_chroma(rgb_to_lab(x_test))" in CODE
    assert 'c=image_chroma, cmap="viridis", vmin=0,' in CODE
    assert 'label="the truth\'s mean chroma\\n(dark: little color)"' in CODE
    _, _, _, _, little, _, colorful = below_gray()  # the truth's chroma: gray's best quarter, rest
    assert float(little) < 0.5 * float(colorful)
    order = [c.id for c in NB.cells]
    assert order.index("bccae724") < order.index("963c45c5") < order.index("335da81d")
    assert "ax.axvline(gray_each.quantile(0.75).item()" in CODE
    assert 'label="y = x: the UNet ties gray"' in CODE
    # cold read r98: the binned means and the grid's images left the scatter
    assert '"D-"' not in CODE and "in_quarter" not in CODE
    # cold read r94: the legend off the points (r113: below the axes, the colorbar beside them)
    assert ('legend = ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), '
            'ncol=3)') in CODE
    # s28 round 6 (cold read r120): the box carries the two groups' means and the share above
    # y = x, the printed numbers of D (the same expressions)
    scatter = NB.cells[ids_of("963c45c5")].source
    assert 'left of the dashed line {gain[~gray_best].mean():+.2f} dB"' in scatter
    assert '"\\nright of it {gain[gray_best].mean():+.2f} dB\\nabove y = x: {better:.0f}% of the ' \
        'images"' in scatter
    assert "gain = unet_each - gray_each" in CODE


# --- the code asks of cold read r89 ------------------------------------------------------

def test_the_code_says_what_it_does():
    # train() predicts in eval mode, because fit() ends with model.eval(); the comment says so
    assert "model.eval()\n    return history" in inspect.getsource(fit)
    assert "# fit() hands the model back in eval mode: BatchNorm normalizes the test images" in CODE
    # the scatter's legend: only the dot drawn larger (markerscale would do every marker)
    assert "markerscale" not in CODE and "legend.legend_handles[0].set_sizes([20])" in CODE
    # fig 08's last stage as the layer table prints it: 32 x 32 x 32, then conv 3 x 3 + sigmoid
    # s28 round 5 (cold read r119): the 32 x 32 x 32 output drawn as a box, as the table's row
    assert '"d3": (9.6, 0)' in CODE and '"d3": "32 x 32 x 32"' in CODE
    assert 'label = "conv 3 x 3\\n+ sigmoid"' in CODE
    # cold read r124: the activations drawn too, as models.down/up and the decoder have them
    assert 'label = "conv 3 x 3, stride 2\\n+ BatchNorm, ReLU"' in CODE
    assert 'label = "transposed conv 2 x 2\\n+ BatchNorm, ReLU"' in CODE
    assert 'label = "conv 1 x 1\\n+ ReLU"' in CODE
    for block in (models.down(1, 2), models.up(2, 1)):
        assert [type(m) for m in block][1:] == [torch.nn.BatchNorm2d, torch.nn.ReLU]
    decoder = [type(m) for m in RGBAutoencoder(bottleneck=1).decoder]
    assert decoder[:2] == [torch.nn.Conv2d, torch.nn.ReLU] and decoder[-1] == torch.nn.Sigmoid
    assert isinstance(RGBAutoencoder(bottleneck=1).encoder[-1], torch.nn.Conv2d), "no activation"
    assert re.search(r"^decoder: transposed conv 2 x 2, stride 2 +32 x 32 x 32$", PRINTED, re.M)
    assert "nn.Sigmoid()" in inspect.getsource(RGBAutoencoder)
    # names that visible code uses are made in visible code (cold read r93): chroma(), TRAINED
    shown = "\n".join(c.source for c in NB.cells if c.cell_type == "code"
                      and "hide-input" not in c.metadata.get("tags", []))
    assert "def chroma(images: torch.Tensor) -> float:" in shown
    folded = "\n".join(c.source for c in NB.cells if c.cell_type == "code"
                       and "hide-input" in c.metadata.get("tags", []))
    assert "\nTRAINED = STEPS >= 40" in shown and "TRAINED =" not in folded
    assert "def chroma(" not in folded
    # cold read r94: local, blurred, score_table, table and STEPS are made in visible cells
    for made in ("\nblurred = ", "\nlocal = ", "def score_table(", "\ntable = ", "\nSTEPS = "):
        assert made in shown and made not in folded, made


# --- What to try next ----------------------------------------------------------------------

def test_what_to_try_next():
    assert "RGBAutoencoder(bottleneck=max(BOTTLENECKS), in_ch=1)" in CODE
    # cold read r124: more than one item; each names a call the lecture defines
    assert said(r"\*\*A wider UNet\.\*\* `skip_unet\(32\)` doubles the channels at every level\.")
    assert "def skip_unet(base, unet=UNet, **kwargs):" in CODE and "base=base" in CODE
    assert said(r"Train `skip_unet\(16, ZeroSkipUNet, zeroed=\(2, 3\)\)`\.")
    assert said(r"In `train\(\)`, replace `nn\.functional\.mse_loss` with "
                r"`nn\.functional\.l1_loss`")
    assert "loss_fn=nn.functional.mse_loss" in CODE
    assert said(r"\*\*Train longer\.\*\* Set `EPOCHS = \d+`")
    assert "not measured here)" not in MAIN.split("## What to try next", 1)[1], "no estimates"


def test_which_way_the_drift_goes():
    # cold read r114: section 5's signed mean and drift map, moved to Going deeper F
    # s28 round 5 (cold read r119): back in section 5, the map as fig 31's panel 6 beside image 8
    size, signed, verdict = signed_drift()
    assert verdict == "nearly cancel" and abs(float(signed)) < 0.2 * float(size)
    assert "drift.mean().abs() < 0.2 * per_image.mean()" in CODE
    # s28 round 6 (cold read r120): the signed mean said once, under panel 1, as the mean line
    # sitting below the blur's (section 5's test checks it)
    assert "Over all test pixels the two nearly cancel" not in MARKDOWN
    assert signed.startswith("-"), "the mean line sits a little below the blur's (printed)"
    # s28 round 7 (cold read r121): the map shows drift inside the horse too, not only on edges
    # cold read r134 (section 5's density): panel 5's reading cut; its title says what it maps
    [(image,)] = said(r"In test image (\d), the colorization drifts more than the blur does")
    assert "Panel 5 maps" not in MARKDOWN
    assert image == printed(r"^test image (\d), mean \|drift\|: its colorization ")[0]
    assert "im = axes[4].imshow(drift[typical].numpy()" in CODE
    # a blur's drift is minus the local contrast: on an edge, too light beside too dark
    sec5 = printed(r"^test image \d, mean \|drift\|: its colorization ([\d.]+), its 3 x 3 blur "
                   r"([\d.]+) gray levels$")
    assert float(sec5[0]) > float(sec5[1])
    assert "### F." not in MARKDOWN
    assert 'cmap="RdBu_r", vmin=-top, vmax=top' in CODE
    assert '"5. its drift\\n(red: too light, blue: too dark)"' in CODE
    # cold read r130: one row of five panels, the color scale beside the map (no empty slot)
    assert 'fig.colorbar(im, cax=scale, extend="both", label="drift (gray levels)")' in CODE
    ids = [c.get("id") for c in NB.cells]
    assert not {"deep-f", "deep-f-code", "deep-f-read"} & set(ids)
    # fig 31's panel 1: the y-limits from the band (cold read r119: +-60 wasted space)
    assert "ax.set_ylim(-top, top)" in NB.cells[ids.index("c15f")].source
    assert "ax.margins(y=0.25)" not in CODE
