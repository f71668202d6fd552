"""Lecture 02's text quotes its committed run ("in the run committed here, ..."). These tests read
the committed notebook (they re-run nothing) and check each quoted number and ranking against the
lines that run printed, so the text cannot drift from the outputs when the lecture is re-run.

A statement that was reworded fails here with the pattern it looked for: update the pattern.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "02_rgb_autoencoder.ipynb"
NB = nbformat.read(NOTEBOOK, as_version=4)
# the markdown with every run of white space made one space: statements span line breaks
MARKDOWN = " ".join("\n".join(c.source for c in NB.cells if c.cell_type == "markdown").split())
PRINTED = "".join(o.get("text", "") for c in NB.cells if c.cell_type == "code"
                  for o in c.outputs if o.output_type == "stream")
NUMBER = r"([\d,]+(?:\.\d+)?)"


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
    lines = re.findall(r"^bottleneck +(\d+) channels = +(\d+) numbers: test PSNR ([\d.]+) dB "
                       r"\(trained in \d+ s\)$",
                       PRINTED, flags=re.M)
    assert len(lines) >= 2, f"{NOTEBOOK.name}: the sweep's lines are missing"
    return {int(b): (int(code), float(p)) for b, code, p in lines}


def curves() -> dict[str, tuple[float, float, float]]:
    """{training: (first, last validation MSE, % change in the last epoch)} from its lines."""
    lines = re.findall(r"^  (.+?) +([\d.]+) -> ([\d.]+) \(([-+][\d.]+)% in the last epoch\)$",
                       PRINTED, flags=re.M)
    return {name: (float(a), float(b), float(c)) for name, a, b, c in lines}


def test_the_committed_run_is_the_one_the_text_describes():
    mode, train = printed(r"^mode: (\w+) \| device: CPU \(2 cores\) \| data: CIFAR-10[^:]*: "
                          r"([\d,]+) train / 500 validation")
    assert (mode, train) == ("quick", "1,500"), "the text describes a quick run on 1,500 images"
    epochs, images, batch, steps = printed(r"^each training: (\d+) epochs of ([\d,]+) images in "
                                           r"batches of (\d+), (\d+) optimizer steps")
    (preset,) = printed(r"^quick-mode preset: (\w+) ")
    assert said(rf"\(the {preset} preset of a slower CPU: {images} training images in batches of "
                rf"{batch}, so each training still takes {steps} optimizer steps")
    for quoted_epochs, quoted_images in said(r"With (\d+) epochs on ([\d,]+) images"):
        assert (quoted_epochs, quoted_images) == (epochs, images)
    for (quoted,) in said(r"was still falling at epoch (\d+)"):
        assert quoted == epochs, "the last epoch the text names is not the run's last"


def test_the_time_line_is_the_committed_run():
    seconds = NB.metadata["papermill"]["duration"]
    trainings = len(curves())
    for words, quoted in said(r"quick mode \((\w+) trainings\) took ([\d,]+) s in the run "
                              r"committed here"):
        assert num(quoted) == round(seconds), (
            f"the Time line says {quoted} s; papermill measured {seconds:.0f} s for this run")
        assert words == {4: "four", 5: "five", 6: "six", 7: "seven"}.get(trainings), \
            f"the Time line says {words} trainings; the run's curves show {trainings}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines()
               if line.startswith("| [02 ") and "02_rgb_autoencoder.ipynb" in line)
    assert re.search(rf"\| {round(seconds):,} s[^|]*\|$", row.rstrip()), \
        f"README's course map gives 02 another time than this run's {seconds:.0f} s: {row}"


def test_the_best_rebuild():
    results = sweep()
    best = max(results, key=lambda b: results[b][1])
    for b, code, ratio, quoted in said(rf"the widest one, bottleneck (\d+): a code of {NUMBER} "
                                       rf"numbers, (\d+) times smaller than the 3,072 numbers of "
                                       rf"the image \(the `\d+x` on the plot\), at {NUMBER} dB"):
        assert int(b) == best == max(results), f"the best rebuild was bottleneck {best}"
        assert num(code) == results[best][0] and int(ratio) == round(3072 / results[best][0])
        assert num(quoted) == results[best][1], f"the best rebuild scored {results[best][1]} dB"


def test_each_doubling_bought_less():
    (gains,) = printed(r"^PSNR gained per doubling of the code: (.+)$")
    gains = [float(g.removesuffix(" dB")) for g in gains.split(", ")]
    for (quoted,) in said(r"the cell above printed ([-+\d., and]+?) dB per doubling"):
        assert [float(g) for g in re.split(r", | and ", quoted)] == gains
    assert all(b < a for a, b in zip(gains, gains[1:])), f"the gains {gains} do not shrink"
    printed(r"^each step bought less than the one before: diminishing returns$")


def test_the_wide_codes_were_still_learning():
    said(r"their validation loss was still falling in the last epoch")
    results, lines = sweep(), curves()
    for b in sorted(results)[-2:]:
        first, last, change = lines[f"rebuild, code {results[b][0]}"]
        assert change < 0, f"code {results[b][0]}: its validation loss rose in the last epoch"


def test_the_colorization_against_gray():
    gray, color, below = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder colorization "
                                 r"([\d.]+) dB, ([\d.]+) dB below the gray image it was given$")
    quoted = said(r"In the run committed here it scored \*\*below\*\* it, by ([\d.]+) dB")
    assert quoted == [(below,)]
    for quoted in said(r"the gray image: ([\d.]+) dB against ([\d.]+) dB for the colorization, "
                       r"which is ([\d.]+) dB lower"):
        assert quoted == (gray, color, below)
    assert said(r"it scored ([\d.]+) dB below the gray image it was given") == [(below,)]
    best = max(p for _, p in sweep().values())
    for quoted_gray, quoted_best in said(r"in the run committed here ([\d.]+) dB, more than even "
                                         r"the best rebuild of the sweep \(([\d.]+) dB\)"):
        assert (float(quoted_gray), float(quoted_best)) == (float(gray), best)
        assert best < float(gray)


def test_the_worst_image():
    share, pixel = printed(r"^the worst image: (\d+)% of its pixels off by more than 10 levels, "
                           r"its worst pixel by (\d+)$")
    assert said(r"on the worst image (\d+)% of the pixels are off by more than 10 levels, and its "
                r"worst pixel by (\d+)") == [(share, pixel)]


def test_the_unet_drifts_less_and_stays_below_gray():
    ae, unet = printed(r"^mean brightness drift: autoencoder \(bottleneck \d+\) ([\d.]+), UNet "
                       r"with skip connections ([\d.]+) gray levels$")
    gray, _, psnr_unet = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder ([\d.]+) dB, "
                                 r"UNet ([\d.]+) dB: the UNet [\d.]+ dB below the gray image$")
    assert said(r"the UNet still drifted ([\d.]+) gray levels on average \(the autoencoder "
                r"([\d.]+)\) and scored below the plain gray image, ([\d.]+) dB against ([\d.]+) "
                r"dB") == [(unet, ae, psnr_unet, gray)]
    for quoted_ae, quoted_unet, cut in said(r"the mean drift fell from ([\d.]+) to ([\d.]+) gray "
                                            r"levels: (\d+)% of it"):
        assert (quoted_ae, quoted_unet) == (ae, unet)
        assert int(cut) == pytest.approx(100 * (1 - float(unet) / float(ae)), abs=1), \
            f"the text says the skips cut {cut}% of the drift; the printed drifts say otherwise"
    said(r"the UNet still drifted and still scored below gray")
    assert 0 < float(unet) < float(ae) and float(psnr_unet) < float(gray)


def test_under_the_gray_line_yet_below_gray_on_mean_psnr():
    unet_val = curves()["gray -> RGB UNet (skips)"][1]
    (gray_val,) = printed(r"^  the gray image itself \(no training\) +([\d.]+)$")
    beats, unet_mse, gray_mse = printed(r"^the UNet beats the gray image on (\d+)% of test images; "
                                        r"pooled over every test pixel, its MSE is ([\d.]+) "
                                        r"against gray's ([\d.]+)$")
    gray, _, psnr_unet = printed(r"^test PSNR: gray image ([\d.]+) dB, autoencoder ([\d.]+) dB, "
                                 r"UNet ([\d.]+) dB: the UNet [\d.]+ dB below the gray image$")
    quoted = said(r"the UNet's validation MSE ended at ([\d.]+) against the gray image's ([\d.]+), "
                  r"and on the test images its pooled MSE, ([\d.]+) against ([\d.]+), was lower "
                  r"too, and it beat gray on (\d+)% of the test images, yet its mean PSNR was "
                  r"lower")
    assert quoted == [(f"{unet_val:.5f}", gray_val, unet_mse, gray_mse, beats)]
    assert unet_val < float(gray_val) and float(unet_mse) < float(gray_mse)
    assert float(psnr_unet) < float(gray)


def test_what_the_drift_costs():
    steadied, color, gray = printed(r"^test PSNR with the input's brightness put back under the "
                                    r"autoencoder's colors: ([\d.]+) dB \(as colorized "
                                    r"([\d.]+) dB, the gray image ([\d.]+) dB\)$")
    cost = f"{float(steadied) - float(color):.2f}"
    assert said(rf"lifts the test PSNR from {color} to {steadied} dB: the drift costs {cost} dB") \
        == [()]
    assert said(rf"its colors stay below the plain gray image \({gray} dB\)") == [()]
    assert float(color) < float(steadied) < float(gray), "the drift costs, and the colors lose"
