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

from colorlab.color import lab_to_rgb
from colorlab.metrics import GRAY_CHROMA
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
         14: "fourteen", 15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen"}


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


def reseeded_unet() -> dict[int, tuple[str, ...]]:
    """{seed: (mean PSNR, against gray, median PSNR, gray's median, % above gray, pooled MSE,
    gray's)} of the UNet trained with seeds 0 and 1, printed (Going deeper, F)."""
    lines = re.findall(r"^the UNet \(skips\), seed (\d): mean PSNR ([\d.]+) dB \(([-+][\d.]+) "
                       r"against gray\), median ([\d.]+) dB \(gray ([\d.]+)\), beats gray on "
                       r"(\d+)% of the images, pooled MSE ([\d.]+) \(gray ([\d.]+)\)$",
                       PRINTED, flags=re.M)
    assert len(lines) == 2, f"{NOTEBOOK.name}: the UNet's two seeds are not printed"
    return {int(seed): tuple(rest) for seed, *rest in lines}


def curves() -> dict[str, tuple[float, float]]:
    """{training: (first, last validation MSE)} from the curves figures' printed lines."""
    lines = re.findall(r"^  (.+?) +([\d.]+) -> ([\d.]+)$", PRINTED, flags=re.M)
    return {name: (float(a), float(b)) for name, a, b in lines}


def main_table() -> dict[str, tuple[str, str, str, str]]:
    """{yardstick: (gray image, autoencoder, UNet, skips zeroed)}: section 6's table, printed."""
    header = re.findall(r"^test images +gray image +autoencoder +UNet \(skips\) +skips zeroed$",
                        PRINTED, flags=re.M)
    assert len(header) == 1, f"{NOTEBOOK.name}: section 6's table is missing"
    body = "\n".join(PRINTED.split(header[0], 1)[1].strip("\n").split("\n")[:3])  # three rows
    rows = {m[0].strip(): m[1:] for m in re.findall(
        r"^(.+?) {2,}(\S+) +(\S+) +(\S+) +(\S+)$", body, flags=re.M)}
    # cold read r94: section 6 keeps only the ablation's rows (pooled MSE went to F, chroma to 7)
    assert set(rows) == {"mean |drift| (gray levels)", "mean PSNR (dB)",
                         "mean PSNR, brightness put back (dB)"}, rows
    return rows


def table() -> dict[str, tuple[str, str, str]]:
    """{yardstick: (gray image, autoencoder, UNet)} from section 6's table."""
    return {row: values[:3] for row, values in main_table().items()}


def zeroed() -> dict[str, str]:
    """{yardstick: the UNet with its skips zeroed}, the table's fourth column."""
    return {row: values[3] for row, values in main_table().items()}


def small_unet() -> dict[str, tuple[str, str, str]]:
    """{yardstick: (gray image, autoencoder, UNet with base=9)}, printed in Going deeper, D."""
    header = re.findall(r"^test images +gray image +autoencoder +UNet, base=9$", PRINTED,
                        flags=re.M)
    assert len(header) == 1, f"{NOTEBOOK.name}: the base=9 UNet's table is missing"
    body = "\n".join(PRINTED.split(header[0], 1)[1].strip("\n").split("\n")[:3])
    rows = {m[0].strip(): m[1:] for m in re.findall(r"^(.+?) {2,}(\S+) +(\S+) +(\S+)$", body,
                                                    flags=re.M)}
    assert len(rows) == 3, rows
    return rows


def chroma_row() -> tuple[float, tuple[float, ...]]:
    """(the truth's mean chroma, (gray image, autoencoder, UNet as output)), from section 7's
    table, printed."""
    rows = kept_chroma()
    return float(rows["the truth"][1]), tuple(float(rows[name][1]) for name in (
        "the gray image", "autoencoder, as output", "UNet (skips), as output"))


def sizes() -> dict[str, tuple[int, int, int]]:
    """{model: (parameters, channels of the narrowest layer, its numbers)}, printed."""
    lines = re.findall(r"^(autoencoder|UNet|skips zeroed|UNet, base=9) +([\d,]+) +(\d+) x 4 x 4 = "
                       r"+([\d,]+) numbers$", PRINTED, flags=re.M)
    assert len(lines) == 4, f"{NOTEBOOK.name}: the four models' sizes are not printed"
    return {name: (int(num(p)), int(c), int(num(n))) for name, p, c, n in lines}


def both_seeds() -> dict[tuple[str, int], tuple[float, str, str]]:
    """{(network, seed): (mean |drift|, mean PSNR, mean PSNR with the brightness put back)}
    of Going deeper B's table of both seeds, printed."""
    lines = re.findall(r"^(UNet \(skips\)|skips zeroed|autoencoder), seed (\d) +([\d.]+) +"
                       r"([\d.]+) +([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 6, f"{NOTEBOOK.name}: the table of both seeds is not printed: {lines}"
    return {(name, int(seed)): (float(d), p, b) for name, seed, d, p, b in lines}


def spread() -> dict[str, float]:
    """{network: how far the second seed moved its mean |drift|}, printed under B's table."""
    (line,) = printed(r"^the second seed moved the mean \|drift\| by (.+) gray levels$")
    found = dict((name, float(v)) for v, name in re.findall(
        r"([\d.]+) \((UNet \(skips\)|skips zeroed|autoencoder)\)", line))
    assert set(found) == {"UNet (skips)", "skips zeroed", "autoencoder"}, line
    return found


def one_skip_zeroed() -> dict[str, tuple[float, float]]:
    """{row: (mean |drift|, mean PSNR)} of Going deeper C, one skip zeroed at a time, printed."""
    lines = re.findall(r"^(no skip zeroed \(the UNet\)|only skip 1 zeroed \(32 x 32\)|only skip 2 "
                       r"zeroed \(16 x 16\)|only skip 3 zeroed \(8 x 8\)|all three zeroed) +"
                       r"([\d.]+) +([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 5, f"{NOTEBOOK.name}: the split's five rows are not printed: {lines}"
    return {name: (float(d), float(p)) for name, d, p in lines}


def kept_L() -> dict[str, tuple[str, str, str]]:
    """{row: (mean |L drift|, mean |luma drift|, mean PSNR)} of section 7's table, printed."""
    lines = re.findall(r"^(autoencoder, as output|autoencoder, input's L kept|UNet \(skips\), as "
                       r"output|UNet \(skips\), input's L kept|the gray image) +([\d.]+) +([\d.]+) "
                       r"+([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 5, f"{NOTEBOOK.name}: section 7's table of the L kept is not printed"
    return {name: tuple(rest) for name, *rest in lines}


def kept_chroma() -> dict[str, tuple[str, str]]:
    """{row: (mean PSNR, mean chroma)} of section 7's table, printed."""
    lines = re.findall(r"^(autoencoder, as output|autoencoder, input's L kept|UNet \(skips\), as "
                       r"output|UNet \(skips\), input's L kept|the gray image|the truth) +"
                       r"([\d.]+|—) +([\d.]+)$", PRINTED, flags=re.M)
    assert len(lines) == 6, f"{NOTEBOOK.name}: section 7's table of PSNR and chroma: {lines}"
    return {name: tuple(rest) for name, *rest in lines}


def levels_pure_luma_below_l() -> bool:
    """Each pure color's printed luma gray level lies below its L-based one."""
    pattern = r"^pure \w+ *: luma gray level +([\d.]+), L-based gray level +([\d.]+)$"
    levels = [m.groups() for m in re.finditer(pattern, PRINTED, flags=re.M)]
    assert len(levels) == 4, f"four pure colors printed: {levels}"
    return all(float(luma) < float(lab) for luma, lab in levels)


# --- the opening ---------------------------------------------------------------------------

def test_the_time_line_is_the_committed_run():
    mode, device, precision, train = printed(r"^mode: (\w+) \| device: (CPU \([^)]*\)) \| "
                                             r"precision: (\w+) \(bf16 without AMX[^\n]*\| data: "
                                             r"CIFAR-10[^:]*: ([\d,]+) train / 500 validation")
    assert (mode, device) == ("quick", "CPU (AMD EPYC, 2 cores)"), "a quick run, 2-core AMD EPYC"
    epochs, images, _, _ = printed(r"^each training: (\d+) epochs of ([\d,]+) images in "
                                   r"batches of (\d+), (\d+) optimizer steps")
    (seconds,) = printed(r"^Run time: (\d+) s from start\(\) to this line\.$")
    trainings = (len(curves())                    # the sweep and the two colorizers (seed 0)
                 + len(reseeded())                # the two widest codes with seed 1
                 + (1 if zeroed() else 0)         # the skips-zeroed UNet, seed 0
                 + len(both_seeds()) // 2         # the three colorizers with seed 1 (B)
                 + len(one_skip_zeroed()) - 2     # one skip zeroed at a time (C): three
                 + (1 if small_unet() else 0))    # the base=9 UNet (D)
    quoted = said(r"The outputs come from one quick-mode run on a 2-core AMD EPYC CPU \((\w+) "
                  r"trainings of (\d+) epochs on ([\d,]+) CIFAR-10 images, ([\d,]+) s in all\); "
                  r"yours will differ a little\.")
    assert quoted == [(WORDS[trainings], epochs, images, seconds)], (quoted, trainings)
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
    assert headings == list("ABCDEF"), headings
    # few forward pointers on the main path (cold read r89: they break the flow)
    sections = MARKDOWN.split("## Going deeper", 1)[0]
    assert len(re.findall(r"Going deeper,? [A-F]\b", sections)) <= 2, \
        re.findall(r"Going deeper.{,20}", sections)
    # every pointer on the main path names a part that exists
    for part in re.findall(r"Going deeper,? ([A-F])\b", MAIN) + re.findall(r"\(([A-F])\)", MAIN):
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
    for name in ("colorized_again", "colorized_skip_again", "both_seeds", "small_model",
                 "colorized_small", "strong", "one_zeroed", "spread[", "narrowest(", "demo_unet",
                 "blur_rgb", "colorizers", "reseeded"):
        assert name not in main_code, f"the main path uses {name}, made in Going deeper"
    # the late-binding comment says why b=b is there (r88): train() calls the lambda at once
    assert "train() calls the lambda at once; `b=b` only guards a later call" in CODE
    assert "a plain lambda would see the last b" not in CODE


# --- sections 1-3 --------------------------------------------------------------------------

def test_psnr_and_the_worked_answer():
    assert said(r"Halving an image's squared error adds 3 dB, however large it was\. We average "
                r"PSNR over the images, so each image counts by its \*relative\* error\.")
    assert "10 * torch.log10(1.0 / mse" in CODE
    (value,) = printed(r"^PSNR of an image vs itself \+ 0\.1 everywhere: ([\d.]+) dB$")
    assert float(value) == pytest.approx(20.0)
    assert said(r"it scores about (26\.02) dB") == [(f"{20 + 10 * math.log10(4):.2f}",)]


def test_each_doubling_bought_less():
    results, gains = sweep(), steps()
    codes = [results[b][0] for b in sorted(results)]
    assert [(a, b) for a, b, *_ in gains] == list(zip(codes, codes[1:]))
    per_doubling = [d for *_, d in gains]
    (last, moved) = said(r"\*\*The gain per doubling shrank from step to step\.\*\* The last "
                         r"step, from 256 to 512 numbers, gains only "
                         r"([-+][\d.]+) dB, within seed noise: a second seed moved the 256-number "
                         r"code by ([\d.]+) dB \(B\)\.")[0]
    assert (last, moved) == (f"{per_doubling[-1]:+.2f}", f"{abs(reseeded()[256][1]):.2f}")
    assert abs(per_doubling[-1]) < float(moved), "within seed noise"
    assert said(r"A wider code rebuilds better, though the gain per doubling shrank, the last one "
                r"within seed noise\.")
    # cold read r94: the quick sweep skips 2 and 8 channels; full mode has one doubling a step
    assert said(r"Full mode adds codes of 2 and 8 channels: one doubling per step\.")
    assert "full=(1, 2, 4, 8, 16, 32)))" in CODE
    assert said(r"The curve climbs steeply, then flattens\.")
    assert per_doubling[0] > 5 * per_doubling[-1]
    assert said(r"\*\*Key idea:\*\* A wider code rebuilds better, but the gain per doubling "
                r"shrinks\.")
    assert all(b < a for a, b in zip(per_doubling, per_doubling[1:])), per_doubling


def test_the_two_widest_codes_cannot_be_told_apart():
    results, gains = sweep(), steps()
    a, b, last, _ = gains[-1]
    assert (a, b) == (256, 512) and max(results) == 32 and results[32][0] == 512
    again = reseeded()
    for code in (256, 512):
        assert f"{again[code][0] - results[code // 16][1]:+.2f}" == f"{again[code][1]:+.2f}"
    lead0, lead1 = printed(r"^the wider code's lead: ([-+][\d.]+) dB with seed 0, ([-+][\d.]+) dB "
                           r"with seed 1$")
    assert lead0 == f"{last:+.2f}"
    # the seed hedge sits in Going deeper B, not on section 3's main path (cold read r90)
    moved, gap = said(r"### B\. Is it noise\? A second seed \(sections 3, 5 and 6\) .*?Below, "
                      r"another seed moves section 3's 256-number code by ([\d.]+) dB, more than "
                      r"the two widest codes' gap of ([\d.]+) dB, so this run cannot tell them "
                      r"apart\. Then section 6's three colorizers are trained again\.")[0]
    assert (moved, gap) == (f"{abs(again[256][1]):.2f}", f"{last:.2f}")
    assert "cannot tell them apart" not in MARKDOWN.split("## Going deeper", 1)[0]
    assert abs(again[256][1]) > abs(float(lead0)) and abs(again[256][1]) > abs(float(lead1))
    # the reseeding runs in B, not in section 3's sweep (cold read r93)
    assert "get a second seed here" not in MARKDOWN
    heads = {h: next(i for i, c in enumerate(NB.cells) if c.cell_type == "markdown"
                     and c.source.startswith(h)) for h in ("### B. ", "### C. ")}
    (reseeding,) = [i for i, c in enumerate(NB.cells) if "reseeded = {}" in c.source]
    assert heads["### B. "] < reseeding < heads["### C. "]
    # the validation curves of section 3: the two widest codes end nearly together
    assert said(r"The validation curves agree: the two widest end nearly together\.")
    ends = [v[1] for k, v in curves().items() if k.startswith("rebuild, ")]
    assert len(ends) == 4 and all(b < a for a, b in zip(ends, ends[1:])), ends
    assert ends[2] - ends[3] < 0.1 * (ends[1] - ends[2]), "the two widest end nearly together"
    assert sorted(again) == [256, 512]
    assert "inset_axes(" not in CODE, "fig 18 shows seed 0 only; B prints seed 1"
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
    assert said(r"Ours squeezes a (\d+) x \1 image into a (\d+) x \2 code, one position per "
                r"(\d+) x \3 block: room for coarse content, not fine detail\.") \
        == [("32", "4", "8")]
    assert sweep()[1][0] == 16 and said(r"With 16 numbers, the code holds one number per 8 x 8 "
                                        r"block position\.")


def test_the_narrow_codes_blocks():
    assert said(r"Why do the 16-number rebuilds \(middle row of the rebuild grid above\) look "
                r"like a 4 x 4 grid of "
                r"8 x 8 blocks\?")
    asked = MARKDOWN.index("Why do the 16-number rebuilds")
    assert MARKDOWN.index("## 3. ") < asked < MARKDOWN.index("## 4. ")
    assert said(r"The transposed convolutions grow each position into its own block \(section 2's "
                r"demo\); only the last 3 x 3 convolution blends pixels across a block's border\.")
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
    assert said(r"keeps its last epoch's weights: its loss on the \[validation set\]\([^)]*\) "
                r"is only logged")
    assert "val=(x_in_val, x_val)" in CODE and "checkpoint_dir" not in CODE
    assert "checkpoint_dir" in inspect.signature(fit).parameters


# --- section 4 -----------------------------------------------------------------------------

def test_black_and_white_test_images_set_apart():
    scored, apart, below = printed(r"^test images scored: ([\d,]+), after setting apart (\d+) that "
                                   r"are black and white already \(mean chroma below (\d+)\)$")
    assert below == f"{GRAY_CHROMA:g}"
    gray, alone, n = printed(r"^the gray image: ([\d.]+) dB on the test images scored, ([\d.]+) "
                             r"dB on the (\d+) black-and-white ones set apart$")
    assert n == apart and num(scored) + num(apart) == 2000
    assert said(r"On a photo that is black and white already, the gray image is nearly exact "
                r"\(printed below\)")
    assert float(alone) > 60 and float(alone) > float(gray) + 20
    truth, _ = chroma_row()
    assert said(r"so the (\d+) test images whose mean \[chroma\]\([^)]*\) \(distance from gray "
                r"in \[CIE Lab\]\([^)]*\)\) is below (\d+) were set apart\.") \
        == [(apart, f"{GRAY_CHROMA:g}")]
    assert kept_chroma()["the truth"] == ("—", f"{truth:.1f}")
    assert "already_gray = is_gray(rgb_to_lab(x_test))" in CODE


def test_the_colorization_against_gray():
    gray, color, below = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder colorization "
                                 r"([\d.]+) dB, ([\d.]+) dB below the gray image it was given$")
    assert f"{float(gray) - float(color):.2f}" == below
    assert said(r"The colorization scores \*\*below\*\* the gray image it was given\.")
    rebuild, through_gray = printed(r"^through a code of 512 numbers: color image in ([\d.]+) dB, "
                                    r"gray image in ([\d.]+) dB$")
    assert through_gray == color and rebuild == f"{sweep()[32][1]:.2f}"
    assert said(r"Gray is a high bar, because its brightness is exactly right while the network "
                r"must redraw it\. Even a rebuild from the \*color\* image scores under it\.")
    assert float(rebuild) < float(gray)
    assert said(r'In this notebook, "gray" means this luma, the usual grayscale conversion '
                r'\(Pillow\'s `convert\("L"\)`\); notebook 03 switches to the true color\'s '
                r'lightness L, which differs on saturated colors \(E\)\.')
    # Pillow's convert("L") gives pure red the luma level that E prints (76.2), not the L-based one
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
    assert "Ahead: the network spoils the brightness it was given (section 5), skip connections " \
           "spoil less of it (section 6), and keeping the input's lightness removes the problem " \
           "(section 7)." in section4
    assert said(r"\*\*The autoencoder's colorizations are blurred, with faint colors\*\* \(bottom "
                r"row\)\.")


# --- section 5 -----------------------------------------------------------------------------

def test_the_drift_is_lost_contrast():
    size, signed = printed(r"^mean \|drift\| per pixel: ([\d.]+) gray levels; signed mean drift "
                           r"([-+][\d.]+) \(lighter and darker pixels cancel\)$")
    assert abs(float(signed)) < 0.2 * float(size)
    assert "## 5. What goes wrong: lost local contrast (measured as brightness drift)" in MARKDOWN
    assert said(r"\*\*The drift is the output's brightness error per pixel: its luma minus the "
                r"input's, in gray levels \(0-255\)\.\*\*")
    given, output, drop = map(int, said(r"An input pixel at (\d+) whose output luma is (\d+) "
                                        r"drifts by −(\d+): too dark\.")[0])
    assert output - given == -drop and "(luma(pred) - g_test)" in CODE
    assert said(r"Pixels drift both ways, so we average the \|drift\|\.")
    assert said(r"\*\*Our guess: the output loses local contrast, as a blur does\*\*, since the "
                r"code has only 4 x 4 positions\.")
    assert sizes()["autoencoder"][1:] == (32, 512), "the code: 32 x 4 x 4"
    assert said(r"Panel 1 sorts the pixels by their \*\*local contrast\*\*, each input pixel minus "
                r"its 3 x 3 mean; a 3 x 3 blur drifts by exactly minus that \(the dashed line\)\.")
    assert "local = (g_test - blurred)" in CODE
    assert said(r"\*\*The guess holds on average: the network redraws the brightness it was "
                r"given, blurred\.\*\* In panel 1, the mean drift follows the blur's dashed line "
                r"closely\.")
    assert 'axes[0].plot(edges_of, -edges_of, "k--"' in CODE and "d[which == k].mean()" in CODE
    blur, blur_psnr, ae, ae_psnr = printed(
        r"^a 3 x 3 blur of the gray input: mean \|drift\| ([\d.]+) gray levels, test PSNR ([\d.]+) "
        r"dB \(the autoencoder: ([\d.]+) and ([\d.]+) dB\)$")
    (gray_psnr, color) = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder colorization "
                                 r"([\d.]+) dB")
    assert (ae, ae_psnr) == (size, color)
    assert said(r"A plain 3 x 3 blur already costs most of the gap to gray: it scores ([\d.]+) "
                r"dB\.") == [(blur_psnr,)]
    assert "A plain 3 x 3 blur" in DEEPER and "blur_rgb" not in MAIN
    assert float(gray_psnr) - float(blur_psnr) > 0.5 * (float(gray_psnr) - float(ae_psnr))
    (gain,) = said(r"The autoencoder scores lower still, and not because of its colors: with the "
                   r"input's brightness put back, they beat gray by ([\d.]+) dB \(section 5\)\. "
                   r"Its brightness also scatters around the blur's line \(panel 1's band\)\.")[0]
    assert float(ae_psnr) < float(blur_psnr)
    steadied, _, gray_again = printed(r"^test PSNR with the input's brightness put back under the "
                                      r"autoencoder's colors: ([\d.]+) dB \(as colorized "
                                      r"([\d.]+) dB, the gray image ([\d.]+) dB\)$")
    assert gain == f"{float(steadied) - float(gray_again):.2f}" and float(gain) > 0
    assert "this run does not measure which costs more" not in MARKDOWN
    assert "so it scores lower still" not in MARKDOWN, "cold read r89: the causal so is unmeasured"
    assert "np.percentile(d[which == k], 25)" in CODE and "np.percentile(d[which == k], 75)" in CODE
    # panels 2-5: one typical image of the grid, its truth, gray input, colorization, drift map
    (image,) = printed(r"^panels 2-5: test image (\d) of the grid, one of the two middle ones of "
                       r"its 8 by mean \|drift\|$")
    assert "typical = int((per_image[:8]" in CODE
    assert 'f"2. test image {typical + 1}, truth"' in CODE and '"3. its gray input"' in CODE
    assert '"4. its colorization"' in CODE
    assert said(r"Panels 2-5: a typical test image comes out softer, its drift map mixing red "
                r"\(too light\) and blue \(too dark\)\.")
    assert 'cmap="RdBu_r", vmin=-top, vmax=top' in CODE
    assert "red: too light, blue: too dark" in CODE
    assert "jaw" not in MARKDOWN and "green square" not in MARKDOWN, "the horse narrative is cut"
    # the question on the signed mean quotes the printed numbers
    assert said(r"What signed mean drift would an output 12 gray levels too dark everywhere have\?")
    assert said(r"This run's mean \|drift\| is ([\d.]+), but its signed mean is only ([−-][\d.]+): "
                r"lost contrast, not a shift\.") == [(size, signed.replace("-", "−"))]
    assert said(r"Fed gray, the autoencoder loses local contrast; that brightness drift alone "
                r"costs more than its gap to the gray input\.")


def test_what_the_drift_costs():
    steadied, color, gray = printed(r"^test PSNR with the input's brightness put back under the "
                                    r"autoencoder's colors: ([\d.]+) dB \(as colorized "
                                    r"([\d.]+) dB, the gray image ([\d.]+) dB\)$")
    cost = f"{float(steadied) - float(color):.2f}"
    assert said(r"Putting the brightness back lifts the PSNR by ([\d.]+) dB, and the colors then "
                r"beat gray, narrowly\.") == [(cost,)]
    assert float(gray) < float(steadied) < float(gray) + 1
    _, _, again = both_seeds()["autoencoder", 1]
    assert float(gray) < float(again) < float(gray) + 1, "the second seed agrees"
    assert said(r"\*\*What does the drift cost\?\*\* We put the input's brightness back: each "
                r"pixel's R, G and B shift alike until its luma matches the input's\.")
    assert "roughly keeps its color" not in MARKDOWN, "cold read r90: no chroma printed for it"
    assert "return (pred - (luma(pred) - g_test)).clamp(0, 1)" in CODE
    assert said(r"It adds 20 gray levels to each of R, G and B, keeping their differences\. The "
                r"luma weights sum to 1, so the luma rises by exactly 20, unless a channel "
                r"clips at 1\.")
    weights = re.search(r"LUMA = torch\.tensor\(\[([\d.]+), ([\d.]+), ([\d.]+)\]\)", CODE)
    assert sum(map(float, weights.groups())) == pytest.approx(1)
    (below,) = printed(r"^test PSNR: gray image [\d.]+ dB, autoencoder colorization [\d.]+ dB, "
                       r"([\d.]+) dB below the gray image it was given$")
    assert said(r"\*\*The drift alone costs more than the gap to gray\.\*\*")
    assert said(r"\*\*Key idea:\*\* Fed gray, the autoencoder blurs the brightness it was given, "
                r"and that costs more than its colors gain\.")
    assert float(cost) > float(below)


# --- section 6 -----------------------------------------------------------------------------

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


def test_the_unet_and_the_clean_ablation():
    models = sizes()
    assert models["skips zeroed"] == models["UNet"], "same parameters and narrowest layer"
    assert said(r"But the UNet also differs in its pooling \(max\), convolutions per level \(two, "
                r"not one\), size and narrowest layer\. \*\*An ablation removes one part of a "
                r"model and measures what is lost\.\*\*")
    ae = RGBAutoencoder(bottleneck=32, in_ch=1)
    for level in ae.encoder[:3]:  # the autoencoder: one (strided) convolution per level
        assert sum(isinstance(m, torch.nn.Conv2d) for m in level) == 1
        assert level[0].stride == (2, 2)
    assert said(r"So we also train the same UNet with the same seed, its skip tensors replaced by "
                r"zeros \(`ZeroSkipUNet`, right\): only the skips differ\.")
    assert "skips.append(torch.zeros_like(x) if level in self.zeroed else x)" in CODE
    assert ("train(lambda: skip_unet(16, ZeroSkipUNet), g_train, g_val, g_test)" in CODE
            and "train(lambda: skip_unet(16), g_train, g_val, g_test)" in CODE), "the same seed"
    assert "seed_everything(seed)\n    model = make_model()" in CODE
    # the UNet's differences, as colorlab.models.UNet defines them
    unet = UNet(in_ch=1, out_ch=3, base=16, depth=3, activation=None)
    assert isinstance(unet.pool, torch.nn.MaxPool2d)
    for block in (*unet.encoders, unet.bottleneck, *unet.decoders):
        convs = [m for m in block if isinstance(m, torch.nn.Conv2d)]
        assert [m.kernel_size for m in convs] == [(3, 3), (3, 3)]
    assert models["UNet"][0] > 1.5 * models["autoencoder"][0]
    skip_sizes = re.findall(r"^encoder level \d: two conv 3 x 3 +\d+ x +(\d+) x +(\d+)   -> skip",
                            PRINTED, flags=re.M)
    assert skip_sizes == [("32", "32"), ("16", "16"), ("8", "8")]
    assert said(r"its \*\*skip connections\*\*: each copies an encoder level's output to the "
                r"decoder level of the same size, up to the full 32 x 32\.")
    # the narrowest point and the parameter table's 'autoencoder' (section 4's colorizer)
    (channels, numbers) = said(r"Its narrowest point is the max-pooled (\d+) x 4 x 4 tensor that "
                               r"enters the middle block: ([\d,]+) numbers, as many as the gray "
                               r"pixels and twice the autoencoder's code\.")[0]
    assert models["UNet"][1:] == (int(channels), num(numbers)) and num(numbers) == 32 * 32
    assert num(numbers) == 2 * models["autoencoder"][2]
    assert said(r"In the size table, \"autoencoder\" is section 4's colorizer \(gray in, a "
                r"(\d+)-channel code\), not section 2's demo\.") \
        == [(str(models["autoencoder"][1]),)]
    (demo,) = printed(r"^the code: \d+ numbers per image \(input: 3,072\); parameters: ([\d,]+)$")
    assert models["autoencoder"][0] == count_parameters(RGBAutoencoder(bottleneck=32, in_ch=1)) \
        != num(demo)
    (narrow,) = printed(r"^  max-pool 2 x 2 +(\d+ x +\d+ x +\d+)   <- the narrowest layer$")
    assert tuple(int(v) for v in narrow.split(" x ")) == (64, 4, 4)
    assert "draw_unet(axes[0], zeroed=False)" in CODE and "draw_unet(axes[1], zeroed=True)" in CODE


def test_which_network_drifts_least():
    rows = main_table()
    _, ae, unet, zero = map(float, rows["mean |drift| (gray levels)"])
    assert said(r"\*\*The UNet with skips drifts least, a third as much as the autoencoder\.")
    assert min(ae, unet, zero) == unet and 0.28 < unet / ae < 0.38
    assert said(r"With its skips zeroed, the same UNet drifts more than four times as much, more "
                r"than the autoencoder\.\*\*")
    assert zero > 4 * unet and zero > ae
    assert said(r"Only the skips differ between those two, so in this UNet the skips keep the "
                r"brightness\.")
    assert said(r"the skips keep the brightness\. A second seed gives the same ranking \(B\)\.")
    seeds = both_seeds()
    for seed in (0, 1):
        assert seeds["UNet (skips)", seed][0] < seeds["autoencoder", seed][0] \
            < seeds["skips zeroed", seed][0], f"seed {seed}: the same ranking"
    # the question: the 66% is what all the UNet's changes bought together
    assert said(r"cut the mean drift from ([\d.]+) to ([\d.]+) gray levels") \
        == [(f"{ae:.1f}", f"{unet:.1f}")]
    (cut,) = said(r"gray levels, (\d+)% of it")[0]
    assert int(cut) == pytest.approx(100 * (1 - unet / ae), abs=1)
    assert said(r"the (\d+)% is what all the UNet's changes bought together") == [(cut,)]
    assert said(r"gray levels, \d+% of it\. Do the skips alone explain that (\d+)%\?") == [(cut,)]
    assert "Did the narrow code" not in MARKDOWN, "the UNet's narrowest layer is the wider one"
    assert sizes()["UNet"][2] > sizes()["autoencoder"][2]
    assert said(r"In the same UNet, the skips alone cut the drift from ([\d.]+) to ([\d.]+) gray "
                r"levels: without them, the UNet's other changes raise it\.") \
        == [(f"{zero:.1f}", f"{unet:.1f}")]
    assert said(r"Zeroing the UNet's skips, all else kept, makes it drift more than the "
                r"autoencoder: an ablation names a cause, where comparing two models cannot\.")
    assert said(r"it must learn to reproduce it, and learned that only in part")
    assert said(r"\*\*Key idea:\*\* Paths around the downsampling keep the brightness sharp")


def test_the_bar_chart_under_the_table():
    rows = main_table()
    gray = float(rows["mean PSNR (dB)"][0])
    as_output = [float(v) for v in rows["mean PSNR (dB)"][1:]]
    put_back = [float(v) for v in rows["mean PSNR, brightness put back (dB)"][1:]]
    assert said(r"\*\*As output, every network scores below gray; with the input's brightness put "
                r"back, all three beat it, narrowly \(the bars\)\.\*\*")
    assert all(v < gray for v in as_output) and len(put_back) == 3
    assert all(gray < v < gray + 1 for v in put_back), put_back
    assert 'names = ["autoencoder", "UNet (skips)", "skips zeroed"]' in CODE
    assert 'ax.axhline(0, color="k", lw=1, label=f"the gray image ({psnr_gray:.2f} dB)")' in CODE


def test_why_the_unet_stays_below_gray_said_in_f():
    # cold read r94: the pooled MSE left section 6 and the Summary; F's opening states it
    gray, _, unet = table()["mean PSNR (dB)"]
    assert float(unet) < float(gray)
    _, _, _, _, _, mse_unet, mse_gray = reseeded_unet()[0]
    assert float(mse_unet) < float(mse_gray)
    assert said(r"By pooled MSE \(the squared error averaged over every pixel of every image\), "
                r"though, it beats gray: ([\d.]+) against ([\d.]+) \(printed below\)\.") \
        == [(mse_unet, mse_gray)]
    assert "pooled MSE" not in MAIN and "pooled MSE" in DEEPER
    assert "((pred - x_test) ** 2).mean()" in CODE
    (least,) = printed(r"^the test images, UNet minus gray, mean over images: ([-+][\d.]+) dB "
                       r"on the quarter where gray scores best")
    pale, rest = printed(r"^the truth's mean chroma: ([\d.]+) on that quarter, ([\d.]+) on the "
                         r"rest$")
    assert said(r"### F\. Why mean PSNR and pooled MSE disagree \(section 6\) In section 6 the "
                r"UNet \(skips\) scored below gray by mean PSNR\. By pooled MSE .*? \(printed "
                r"below\)\. The UNet's validation MSE ends below")
    assert "We look at this in three steps" not in MARKDOWN and "First the curves" not in MARKDOWN
    assert float(least) < -2 and float(pale) < 0.5 * float(rest)


def test_the_curves_sit_where_their_sections_read_them():
    assert len(curves()) == 6, "the curves plot the sweep and the two gray -> RGB networks"
    heading = {n: next(i for i, c in enumerate(NB.cells) if c.cell_type == "markdown"
                       and c.source.startswith(f"## {n}. ")) for n in (3, 4)}
    heading["F"] = next(i for i, c in enumerate(NB.cells) if c.cell_type == "markdown"
                        and c.source.startswith("### F. "))
    heading["end"] = next(i for i, c in enumerate(NB.cells) if c.cell_type == "markdown"
                          and c.source.startswith("## Summary"))
    printing = [i for i, c in enumerate(NB.cells) if c.cell_type == "code"
                and "validation MSE after the first and the last epoch:" in "".join(
                    o.get("text", "") for o in c.outputs if o.output_type == "stream")]
    assert len(printing) == 2, printing
    assert heading[3] < printing[0] < heading[4] and heading["F"] < printing[1] < heading["end"]
    (gray_val,) = printed(r"^  the gray image itself \(no training\) +([\d.]+)$")
    assert said(r"The UNet's validation MSE ends below the gray image's own "
                r"\(dotted\), the autoencoder's above it\. Unlike the test images, the validation "
                r"set keeps its black-and-white photos\.")
    assert curves()["gray -> RGB UNet (skips)"][1] < float(gray_val) \
        < curves()["gray -> RGB autoencoder, 512 numbers (32 ch)"][1]
    gray, _, unet = table()["mean PSNR (dB)"]
    assert float(unet) < float(gray)
    assert said(r"Unlike the test images, the validation set keeps its black-and-white photos")
    assert "x_val[" not in CODE


def test_the_colors_are_faint():
    truth, (gray, *models) = chroma_row()
    assert len(models) == 2 and gray < 0.5
    rows = kept_chroma()
    kept = [rows[f"{name}, input's L kept"][1] for name in ("autoencoder", "UNet (skips)")]
    assert rows["the gray image"][1] == "0.0" and rows["the truth"][1] == f"{truth:.1f}"
    assert said(r"\*\*The colors stay faint\.\*\* Even the UNet's mean chroma is only half the "
                r"truth's, ([\d.]+) against ([\d.]+)\.") == [(kept[1], f"{truth:.1f}")]
    assert float(kept[0]) <= float(kept[1]), "even the UNet: the more colorful of the two"
    assert 0.45 <= float(kept[1]) / truth <= 0.55 and max(models) < 0.6 * truth
    assert said(r"One suspect is the MSE loss: for a gray car that could be red, blue or gray, its "
                r"best guess is their dull average\.")
    assert said(r"The colors stay faint; MSE, which favors the average color, is one suspect "
                r"\(notebook 05\)\.")
    # the grids: section 4 (truth, gray, autoencoder), section 6 (five rows), section 7 (truth,
    # gray and the two networks with the input's L kept: one screen, cold read r89)
    grids = re.findall(r"^show_grid\(\{(.*?)\},\n", CODE, flags=re.S | re.M)
    assert [re.findall(r'^\s*f?"([^"\\]+)', g, flags=re.M) for g in grids] == [
        ["truth", "gray input", "autoencoder"],
        ["truth", "gray input", "autoencoder,", "UNet (skips)", "skips zeroed"],
        ["truth", "gray input", "autoencoder,", "UNet (skips),"]], "the grids' rows"
    assert "(colorized, ae_each)" in grids[0] and "(colorized_skip, unet_each)" in grids[1]
    assert "(colorized_zeroed, psnr(colorized_zeroed, x_test))" in grids[1]
    assert "(ae_kept, psnr(ae_kept, x_test))" in grids[2]
    assert "(unet_kept, psnr(unet_kept, x_test))" in grids[2]
    assert said(r"### The colorizations, side by side \*\*Rows 3 and 4 are sharper than section "
                r"4's, yet their colors stay faint\.\*\* Row 3's sharpness comes from the "
                r"input's brightness; the UNet \(row 4\) draws its own\. Without skips "
                r"\(row 5\), only coarse blobs are left\. Image 6's red car comes out dark, not "
                r"red\.")
    assert ('"autoencoder with brightness put back (row 3), UNet (row 4), its skips zeroed '
            '(row 5); "') in CODE


# --- section 7 -----------------------------------------------------------------------------

def test_keeping_the_input_L():
    rows = kept_L()
    assert "lab[:, 0] = L_input" in CODE and "return lab_to_rgb(lab)" in CODE
    assert "L_input = rgb_to_lab(gray_rgb)[:, 0]" in CODE
    assert inspect.signature(lab_to_rgb).parameters["clip"].default is True
    gray, ae, unet, _ = main_table()["mean PSNR (dB)"]
    drifts = main_table()["mean |drift| (gray levels)"]
    assert rows["autoencoder, as output"][1:] == (drifts[1], ae)
    assert rows["UNet (skips), as output"][1:] == (drifts[2], unet)
    assert rows["the gray image"][2] == gray
    kept = {name: rows[f"{name}, input's L kept"] for name in ("autoencoder", "UNet (skips)")}
    (quoted,) = said(r"\*\*Keeping the input's L stops the lightness drift, and both networks "
                     r"then score above gray\*\*, nearly as with section 5's luma fix; the UNet "
                     r"reaches ([\d.]+) dB\. Both keep the input's sharp outlines\.")
    assert quoted == (kept_chroma()["UNet (skips), input's L kept"][0],)
    luma_fix = main_table()["mean PSNR, brightness put back (dB)"]
    pairs7 = ((kept_chroma()["autoencoder, input's L kept"][0], luma_fix[1]),
              (kept_chroma()["UNet (skips), input's L kept"][0], luma_fix[2]))
    assert all(abs(float(a) - float(b)) < 0.2 for a, b in pairs7), "nearly as with the luma fix"
    assert all(float(a) > float(gray) for a, _ in pairs7), "both score above gray"
    # the L kept is the luma image's L (cold read r93), which E compares with the true color's
    assert said(r"Each output keeps its a and b; its L becomes the gray input's \(last panel\)\.")
    # cold read r94: the Lab split as a figure (test image 6: L, a, b, and the gray input's L)
    assert said(r"The figure splits test image 6, the red car, into L, a and b: L alone already "
                r"shows the car, and a and b add only its color\.")
    assert "i = 5                                                         # image 6 of the grids" \
        in CODE
    assert '"2. its L (lightness, 0-100)"' in CODE and '"5. the gray input\'s L\\n(kept by' in CODE
    assert '"3. its a: − green, + red"' in CODE and '"4. its b: − blue, + yellow"' in CODE
    assert "L_gray = rgb_to_lab(gray_rgb[i:i + 1])[0, 0]" in CODE
    section7 = MARKDOWN.split("## 7. ", 1)[1].split("## Going deeper", 1)[0]
    assert "(panel 2)" not in section7 and "(panel 5)" not in section7, \
        "fig 48's panels 2 and 5 look alike for the red car: no text points at their difference"
    # why keep L (cold read r90): the fix built into the model, not applied afterwards
    assert said(r"Section 5 corrected the luma afterwards\. With L and color in separate "
                r"channels, the fix is built in\.")
    table7 = kept_chroma()
    for name in ("autoencoder", "UNet (skips)"):
        assert table7[f"{name}, input's L kept"][0] == kept[name][2]
        assert table7[f"{name}, as output"][0] == rows[f"{name}, as output"][2]
    assert table7["the gray image"][0] == gray
    assert said(r"Keeping L stops the L drift, yet luma still drifts a little: a colored pixel and "
                r"a gray one with the same L need not have the same luma\.")
    for l_drift, luma_drift, psnr in kept.values():
        assert float(l_drift) == 0 and 0 < float(luma_drift) < 1 and float(gray) < float(psnr)
    assert said(r"Here that luma drift stays under one gray level \(([\d.]+) and ([\d.]+)\)\.") \
        == [(kept["autoencoder"][1], kept["UNet (skips)"][1])]
    assert "colors are faint, so" not in MARKDOWN, "cold read r90: the cause is not measured"
    assert said(r"\*\*A colorizer should predict only color and keep the input's lightness L: then "
                r"L cannot drift\.\*\*")
    assert said(r"Here we try it on our outputs; notebook 04 trains one\.")
    assert said(r"It agrees with luma on neutral pixels\.")
    assert said(r"Keep the input's L and predict only ab: then the lightness cannot drift "
                r"\(notebook 04\)\.")
    luma_ae, luma_unet = main_table()["mean PSNR, brightness put back (dB)"][1:3]
    assert said(r"Section 5's correction matched the input's luma and section 7 matches its L, "
                r"yet the two fixes score nearly the same\.")
    assert "put-back" not in MARKDOWN and "L-based gray" not in MARKDOWN, "plain words (r90)"
    pairs = ((luma_ae, kept["autoencoder"][2]), (luma_unet, kept["UNet (skips)"][2]))
    for luma_put, l_kept in pairs:
        assert 0 < abs(float(luma_put) - float(l_kept)) < 0.2
    assert said(r"\*\*Key idea:\*\* Keep the input's lightness and predict only color")
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

def test_a_where_the_drift_sits():
    size, _ = printed(r"^mean \|drift\| per pixel: ([\d.]+) gray levels; signed mean drift "
                      r"([-+][\d.]+)")
    edges, other = printed(r"^mean \|drift\| on the 10% strongest edges: ([\d.]+) gray levels, "
                           r"elsewhere ([\d.]+)$")
    assert "strong = edges > edges.flatten().quantile(0.9)" in CODE
    assert "torch.gradient(g_test[:, 0] * 255" in CODE and "drift.abs()[strong].mean()" in CODE
    assert said(r"The drift is largest on strong edges, about twice as large as elsewhere, but "
                r"mostly lies elsewhere: the edges hold 0\.1 x ([\d.]+) = ([\d.]+) gray levels of "
                r"the mean \|drift\|'s ([\d.]+), about (\d+)%\.") \
        == [(edges, f"{0.1 * float(edges):.1f}", size,
             f"{100 * 0.1 * float(edges) / float(size):.0f}")]
    assert 1.7 < float(edges) / float(other) < 2.3 and 0.1 * float(edges) < 0.5 * float(size)
    assert abs(0.1 * float(edges) + 0.9 * float(other) - float(size)) < 0.1
    lighter, darker = printed(r"^mean drift on the quarter of pixels lightest relative to their "
                              r"3 x 3 neighbourhood: ([-+][\d.]+) gray levels; on the quarter "
                              r"darkest relative to it: ([-+][\d.]+)$")
    assert float(lighter) < 0 < float(darker)
    assert abs(float(lighter) + float(darker)) < 0.3 * min(abs(float(lighter)), float(darker))
    assert said(r"The quarter of pixels lightest relative to their neighbourhood comes out "
                r"darker, the darkest quarter lighter: contrast lost, not a brightness shift\.")


def test_b_a_second_seed():
    seeds, moved = both_seeds(), spread()
    rows = main_table()
    columns = {"autoencoder": 1, "UNet (skips)": 2, "skips zeroed": 3}
    for name, k in columns.items():
        drift0, psnr0, put0 = seeds[name, 0]
        assert f"{drift0:.1f}" == rows["mean |drift| (gray levels)"][k], "seed 0 = the table"
        assert (psnr0, put0) == (rows["mean PSNR (dB)"][k],
                                 rows["mean PSNR, brightness put back (dB)"][k])
        assert abs(abs(seeds[name, 0][0] - seeds[name, 1][0]) - moved[name]) < 0.011
    gray = printed(r"^the gray image +0\.00 +([\d.]+) +—$")[0]
    assert gray == rows["mean PSNR (dB)"][0]
    assert said(r"The ranking holds with both seeds: the UNet drifts least, the skips-zeroed UNet "
                r"most, the autoencoder between\.")
    for seed in (0, 1):
        assert seeds["UNet (skips)", seed][0] < seeds["autoencoder", seed][0] \
            < seeds["skips zeroed", seed][0]
    assert said(r"With the brightness put back, every network beats gray with both seeds\.")
    assert all(float(gray) < float(put) < float(gray) + 1 for _, _, put in seeds.values())
    assert said(r"The seed moved the UNet's mean \|drift\| by only ([\d.]+) gray levels, the "
                r"autoencoder's by ([\d.]+)\.") \
        == [(f"{moved['UNet (skips)']:.2f}", f"{moved['autoencoder']:.2f}")]
    assert "abs(drift_of(a).abs().mean() - drift_of(b).abs().mean())" in CODE


def test_c_one_skip_zeroed_at_a_time():
    split, noise = one_skip_zeroed(), spread()["UNet (skips)"]
    unet = split["no skip zeroed (the UNet)"][0]
    first = split["only skip 1 zeroed (32 x 32)"][0]
    second = split["only skip 2 zeroed (16 x 16)"][0]
    deepest = split["only skip 3 zeroed (8 x 8)"][0]
    every = split["all three zeroed"][0]
    assert f"{unet:.1f}" == table()["mean |drift| (gray levels)"][2]
    assert f"{every:.1f}" == zeroed()["mean |drift| (gray levels)"]
    assert printed(r"^the yardstick, the UNet's own seed noise \(B\): ([\d.]+) gray levels$") \
        == (f"{noise:.2f}",)
    assert said(r"Each skip carries its level's features around the halvings below it, from skip "
                r"1 at 32 x 32 to skip 3 at 8 x 8\. So we zero one at a time \(seed 0 only\)\. The "
                r"yardstick is how far B's second seed moved the UNet: one pair of seeds, so a "
                r"rough one\.")
    assert said(r"\*\*Without the full-resolution skip, the drift nearly doubles, to ([\d.]+) gray "
                r"levels\.\*\*") == [(f"{first:.2f}",)]
    assert 1.7 < first / unet < 2.1 and first - unet > 10 * noise
    (up2, moved3) = said(r"Zeroing skip 2 raises it by ([\d.]+) and zeroing skip 3 moves it by "
                         r"([\d.]+): both small, and one pair of seeds cannot say whether they are "
                         r"more than noise\.")[0]
    assert up2 == f"{second - unet:.2f}" and moved3 == f"{abs(deepest - unet):.2f}"
    assert 2 < (second - unet) / noise < 6 and second - unet < 0.1 * (first - unet) + 0.05
    assert abs(deepest - unet) <= 2 * noise
    assert said(r"With all three zeroed, it reaches ([\d.]+), far more than losing any one\.") \
        == [(f"{every:.2f}",)]
    assert said(r"So while the other two skips remain, skip 2 or skip 3 adds little\. Whether skip "
                r"1 alone keeps the drift low is untested")
    assert "stand in for one another" not in MARKDOWN
    assert every - unet > 2 * ((first - unet) + (second - unet) + abs(deepest - unet))
    assert "skip_unet(16, ZeroSkipUNet, zeroed=(level,))" in CODE
    assert all(f"train(zero_only({k})," in CODE for k in (1, 2, 3))
    assert said(r"\*\*Zero two skips at once\.\*\* Zeroed one at a time \(Going deeper C\), only "
                r"skip 1 mattered clearly\. Does the full-resolution skip alone keep the drift "
                r"low\?")
    assert said(r"make = lambda: skip_unet\(16, ZeroSkipUNet, zeroed=\(2, 3\)\)")
    assert said(r"\*\*Why do zeroed skips drift more\?\*\* One suspect: max-pooling keeps only the "
                r"largest of each 2 x 2 block's values\.")
    assert said(r"def make\(\): m = skip_unet\(16, ZeroSkipUNet\) m\[0\]\.pool = "
                r"nn\.AvgPool2d\(2\) +# average pooling instead of max return m "
                r"_, pred, _ = train\(make, g_train, g_val, g_test\)")


def test_d_a_unet_of_the_autoencoders_size():
    models, small = sizes(), small_unet()
    (narrow9, code) = said(r"This UNet has `base=9`: about the autoencoder's parameter count, "
                           r"and a narrowest point of 36 x 4 x 4 = (\d+) numbers, a little "
                           r"wider than the autoencoder's (\d+)-number code\.")[0]
    assert (int(narrow9), int(code)) == (models["UNet, base=9"][2], models["autoencoder"][2])
    assert 1 < int(narrow9) / int(code) < 1.2
    assert abs(models["UNet, base=9"][0] / models["autoencoder"][0] - 1) < 0.1
    assert models["UNet, base=9"][0] == count_parameters(
        UNet(in_ch=1, out_ch=3, base=9, depth=3, activation=None))
    rows = main_table()
    for row, (gray, ae, _) in small.items():
        assert (gray, ae) == rows[row][:2], "D's table repeats section 6's gray and autoencoder"
    small_drift = float(small["mean |drift| (gray levels)"][2])
    ae_drift = float(rows["mean |drift| (gray levels)"][1])
    (d9, dae) = said(r"With one seed, it drifts about half as much as the autoencoder, ([\d.]+) "
                     r"against ([\d.]+) gray levels\. That gap is far wider than B's seed spreads, "
                     r"so the UNet's lower drift does not come from its size alone\.")[0]
    assert (d9, dae) == (small["mean |drift| (gray levels)"][2],
                         rows["mean |drift| (gray levels)"][1])
    assert 0.4 < small_drift / ae_drift < 0.6
    assert ae_drift - small_drift > 5 * max(spread().values()), "far wider than B's seed spreads"
    gray = float(rows["mean PSNR (dB)"][0])
    put_back = float(small["mean PSNR, brightness put back (dB)"][2])
    assert said(r"Unlike the larger UNets, it stays below gray even with its brightness put back: "
                r"with this one seed, its colors cost more than they add\.")
    assert put_back < gray < min(float(v) for v in rows["mean PSNR, brightness put back (dB)"][2:])
    assert "train(lambda: skip_unet(9), g_train, g_val, g_test, seed=SEED + 1)" not in CODE
    assert said(r"Train it with `seed=SEED \+ 1` and print `score_table\(pred\)` to see\.")
    assert "def score_table(pred" in CODE


def test_e_luma_and_l_based_gray():
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
    assert said(r"On all four pure colors above, the baseline is lighter than luma\.")
    assert levels_pure_luma_below_l()
    assert printed(r"^neutral grays \(R = G = B\): the two agree to within (0\.5) gray levels$")
    (bt709,) = printed(r"^pure red, BT.709's weights on the gamma-encoded values: ([\d.]+)$")
    assert said(r"luma gives red 0.299 \(BT.601\), the baseline 0.2126 \(BT.709, sRGB's "
                r"primaries\), which on the encoded values gives only (\d+) \(printed\)") \
        == [(f"{float(bt709):.0f}",)]
    assert said(r"\*\*Section 7 uses three grays, and each has its own lightness:\*\* \| the gray "
                r"\| what it is \| who uses it \|")
    assert said(r"\*\*The table below measures both drifts under section 7's fix\.\*\* Keeping L "
                r"stops the L drift")
    assert "mean |L drift|" in PRINTED and "mean |luma drift|" in PRINTED
    assert "Three grays meet" not in MARKDOWN and "drift by drift" not in MARKDOWN
    assert said(r"So on those colors the L we keep is darker than the true color's L; how often "
                r"that happens on the test photos is not measured here\.")


def test_f_mean_psnr_and_pooled_mse():
    rows = table()
    gray, _, mean_unet = rows["mean PSNR (dB)"]
    below = f"{float(gray) - float(mean_unet):.2f}"
    seeds = reseeded_unet()
    _, _, _, median_gray, beats, mse_unet, mse_gray = seeds[0]
    assert seeds[0][:2] == (mean_unet, f"-{below}")
    mean1, against1, _, median_gray1, beats1, mse1, mse_gray1 = seeds[1]
    assert (median_gray1, mse_gray1) == (median_gray, mse_gray)
    assert f"{float(mean1) - float(gray):+.2f}" == against1 and float(against1) < 0
    assert said(r"### F\. Why mean PSNR and pooled MSE disagree \(section 6\) In section 6 the "
                r"UNet \(skips\) scored below gray by mean PSNR\. By pooled MSE")
    assert said(r"\*\*The UNet \(skips\) beats gray on just over half the images, yet its mean "
                r"PSNR is lower: its losses outweigh its wins\.\*\*")
    for b in (beats, beats1):
        assert 50 < int(b) <= 60
    assert said(r"Its pooled MSE is lower than gray's with both seeds\.")
    assert float(mse_unet) < float(mse_gray) and float(mse1) < float(mse_gray)
    assert "pooled MSE" not in MARKDOWN.split("## Summary", 1)[1], "the Summary: main path only"
    least, rest = printed(r"^the test images, UNet minus gray, mean over images: ([-+][\d.]+) dB "
                          r"on the quarter where gray scores best, ([-+][\d.]+) dB on the rest$")
    assert said(r"On the quarter of the test images where gray scores best, the UNet loses "
                r"([\d.]+) dB on average; on the rest it gains ([\d.]+) dB\.") \
        == [(least[1:], rest[1:])]
    assert least.startswith("-") and rest.startswith("+")
    assert said(r"Weighted 1/4 and 3/4, the two averages give the gap\.")
    assert abs(0.25 * float(least) + 0.75 * float(rest) + float(below)) < 0.02
    quarter_chroma, rest_chroma = printed(r"^the truth's mean chroma: ([\d.]+) on that quarter, "
                                          r"([\d.]+) on the rest$")
    assert said(r"The truth's mean chroma is ([\d.]+) on that quarter \(paler photos\), ([\d.]+) "
                r"on the rest: on such pale photos the gray image is already close to the "
                r"truth\.") == [(quarter_chroma, rest_chroma)]
    assert float(quarter_chroma) < 0.5 * float(rest_chroma)
    assert said(r"Per-image PSNR weighs each image's relative error, pooled MSE only the total: "
                r"neither is wrong\.")


def test_f_the_worked_example_of_a_log_scale():
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


def test_f_the_grid_and_the_scatter():
    gray_from, quarter, wins = printed(r"^the grid's images in that quarter \(gray from ([\d.]+) "
                                       r"dB up\): \[([\d, ]*)\]; gray beats the UNet on images "
                                       r"\[([\d, ]*)\]$")
    quarter = [int(v) for v in quarter.split(",") if v.strip()]
    wins = [int(v) for v in wins.split(",") if v.strip()]
    inside = [i for i in wins if i in quarter]
    outside = [i for i in wins if i not in quarter]
    (quoted,) = said(r"In section 6's grid, gray beats the UNet on (\w+) of the (\w+) images there "
                     r"\(([\d, and]+)\) and on (\w+) of the other (\w+) \((\d)\)\.")
    n_in, n_quarter, listed, n_out, n_rest, listed_out = quoted
    assert (n_in, n_quarter) == (WORDS[len(inside)], WORDS[len(quarter)])
    assert [int(v) for v in re.findall(r"\d", listed)] == inside
    assert (n_out, n_rest) == (WORDS[len(outside)], WORDS[8 - len(quarter)])
    assert [int(listed_out)] == outside
    # the scatter: the binned means of the UNet right of the dashed line (gray's best quarter)
    least_images, sparse_bins, sparse_images, line = printed(
        r"^the UNet's mean PSNR in 2 dB bins of gray's \(bins of at least (\d+) images; (\d+) "
        r"sparser bins, (\d+) images, left out\): (.+)$")
    assert least_images == "20" and "MIN_IMAGES = 20" in CODE
    assert int(sparse_images) >= int(sparse_bins) and int(sparse_images) < 0.1 * 2000
    # offline `sample` data may fill no bin: the figure then skips the line and says why
    assert "if bin_means:" in CODE and "no 2 dB bin of gray's PSNR holds" in CODE
    bins = [(int(a), int(b), float(m)) for a, b, m in
            re.findall(r"(\d+)-(\d+) dB: ([\d.]+)", line)]
    right = [(a, b, m) for a, b, m in bins if a >= float(gray_from)]
    first_mean, last_mean, low, high = said(
        r"Right of the dashed line, the UNet's mean \(the diamonds\) climbs far more slowly than "
        r"gray's PSNR: from ([\d.]+) dB in the first of these bins to ([\d.]+) in the last, while "
        r"gray's goes from (\d+) to (\d+) dB\.")[0]
    assert (float(first_mean), float(last_mean)) == (right[0][2], right[-1][2])
    assert (int(low), int(high)) == (right[0][0], right[-1][1])
    assert right[-1][2] - right[0][2] < 0.3 * (right[-1][1] - right[0][0]), "far more slowly"
    assert '"D-"' in CODE and "ax.axvline(gray_each.quantile(0.75).item()" in CODE
    assert said(r"The scatter marks images 3 and 4, two of the grid's images in that quarter\.")
    assert {3, 4} <= set(quarter)
    assert 'for i, offset, side in ((2, (-14, 8), "right"), (3, (14, -8), "left")):' in CODE
    # cold read r94: the legend beside the axes, not over the points
    assert 'legend = ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))' in CODE


# --- the code asks of cold read r89 ------------------------------------------------------

def test_the_code_says_what_it_does():
    # train() predicts in eval mode, because fit() ends with model.eval(); the comment says so
    assert "model.eval()\n    return history" in inspect.getsource(fit)
    assert "# fit() hands the model back in eval mode: BatchNorm normalizes the test images" in CODE
    # fig 76's legend: only the gray dot drawn larger, not the diamond (markerscale did both)
    assert "markerscale" not in CODE and "legend.legend_handles[0].set_sizes([20])" in CODE
    # fig 08's last stage as the layer table prints it: 32 x 32 x 32, then conv 3 x 3 + sigmoid
    assert '"transposed conv\\n(32 x 32 x 32),\\nconv 3 x 3\\n+ sigmoid"' in CODE
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
    assert "# score_table() and table: section 6's table cell" in CODE
    assert "comes from section 5's drift cell" in CODE
    # cold read r94: local, blurred, score_table, table and STEPS are made in visible cells
    for made in ("\nblurred = ", "\nlocal = ", "def score_table(", "\ntable = ", "\nSTEPS = "):
        assert made in shown and made not in folded, made


# --- What to try next ----------------------------------------------------------------------

def test_what_to_try_next():
    assert "RGBAutoencoder(bottleneck=max(BOTTLENECKS), in_ch=1)" in CODE
    assert said(r"\*\*Train longer\.\*\* Set `EPOCHS = \d+`")
    assert "not measured here)" not in MAIN.split("## What to try next", 1)[1], "no estimates"
