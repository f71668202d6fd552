"""What notebook 05's markdown says about the run committed with it, checked against that run's
printed outputs and tables (the committed file is read, nothing is re-run)."""

import re
from pathlib import Path

import pytest
from committed import finder, read

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_vivid_colors.ipynb"


@pytest.fixture(scope="module")
def committed():
    return read(NOTEBOOK)


found = finder("05")


def cells(tables, name):
    line = next((x for x in tables.splitlines() if x.startswith(f"| {name}")), None)
    assert line, f"no row {name!r} in 05's committed tables"
    return [c.strip() for c in line.strip("|").split("|")]


def test_the_committed_run(committed):
    nb, markdown, printed, _ = committed
    assert "mode: quick" in printed and "data: CIFAR-10 image-folder copy" in printed
    images = found(r"cifar10-jpg/\): ([\d,]+) train", printed)[0]
    seconds = round(nb.metadata["papermill"]["duration"])
    assert f"quick mode {seconds} s for the run committed here ({images} CIFAR-10" in markdown
    assert seconds < 300, "quick mode's budget is 5 minutes"
    q = found(r"AbBins\(Q=(\d+),", printed)[0]
    near, far = found(r"(\d+)% of the training pixels fall in the bins within 20 of gray, "
                      r"(\d+\.\d)%", printed)
    assert f"kept Q = {q}" in markdown and f"{near}% of the pixels lie" in markdown
    assert f"only {far}% in the bins with chroma 40" in markdown
    weight, loss_share, pixels = found(r"0\.5 +[\d.]+ \.\. [\d.]+ +(\d\.\d{3}) +(\d+\.\d)%.*?"
                                       r"by pixel count: (\d+\.\d)%", printed.replace("\n", " "))
    assert (f"{weight}: a pixel of the commonest bin" in markdown
            and f"hold {pixels}% of the (smoothed) pixels but get {loss_share}% of the loss"
            in markdown)


def test_the_frontier_statements(committed):
    _, markdown, printed, tables = committed
    cf1, cf0, p1, p0, t_top, p_top = found(
        r"lambda 0\.5: colorfulness (\d+\.\d) at T = 1 -> (\d+\.\d) at T = 0 .*?PSNR (\d+\.\d\d) "
        r"-> (\d+\.\d\d) dB, highest at T = ([\d.]+) \((\d+\.\d\d) dB\)", printed)
    l1_cf, truth = found(r"L1 regressor: colorfulness (\d+\.\d), \d+% of the truth's (\d+\.\d)",
                         printed)
    assert (f"from {cf1} at $T = 1$ to {cf0} at the mode ($T = 0$), close to the truth's {truth} "
            f"and three times the L1 regressor's {l1_cf}") in markdown
    assert (f"it rises from {p1} dB at $T = 1$ to {p_top} dB at $T = {t_top}$, then the mode pays "
            f"({p0} dB)") in markdown
    dull1, dull0 = found(r"lambda 1: colorfulness (\d+\.\d) at T = 1 -> (\d+\.\d) at T = 0",
                         printed)
    row = cells(tables, "0.5 |")
    assert (f"from {dull1} at $T = 1$ down to {row[2].split(' / ')[1]} at $T = 0.5$ and ends at "
            f"{dull0} at the mode") in markdown
    dip = min(float(cells(tables, f"{t} |")[1].split(" / ")[1])
              for t in ("1", "0.7", "0.5", "0.38"))
    assert f"$T = 0.38$ it first dips (to {dip:.1f})" in markdown and dip < float(cf1)
    share = round(100 * float(dull1) / float(truth))
    assert f"at most {share}% of the truth's (at $T = 1$)" in markdown
    rebal = [float(cells(tables, f"{t} |")[1].split(" / ")[2])
             for t in ("1", "0.7", "0.5", "0.38", "0.25", "0.15", "0.08", "0")]
    assert all(b < a for a, b in zip(rebal, rebal[1:])), "the rebalanced AuC falls at every step"
    l1_rebal = cells(tables, "L1 regressor")[1].split(" / ")[2]
    assert (f"from {rebal[0]:.4f} at $T = 1$ to {rebal[-1]:.4f} at the mode, below the L1 "
            f"regressor's {l1_rebal}") in markdown and rebal[-1] < float(l1_rebal)


def test_the_choice_and_the_test_table(committed):
    _, markdown, printed, tables = committed
    assert "best rebalanced AuC: lambda 0.5, T 1 (validation" in printed
    assert "the colorfulness nearest the truth's would pick lambda 0.5, T 0" in printed
    tables = tables[tables.index("| on the test set"):]           # the test table only
    gray, l1 = cells(tables, "grayscale baseline |"), cells(tables, "L1 regression")
    best = cells(tables, "classifier, best rebalanced AuC (lambda 0.5, T 1)")
    mode = cells(tables, "classifier, the mode (lambda 0.5, T 0)")
    shipped = cells(tables, "pretrained L1 UNet")
    truth = cells(tables, "ground truth")[6]
    assert (f"on test ({best[8]}) it beats L1 ({l1[8]}) and gray ({gray[8]}). It is more colorful "
            f"than L1 ({best[6]} against {l1[6]}) but half as colorful as the truth ({truth}), and "
            f"it pays {best[2].split(' / ')[0].lstrip('-')} dB") in markdown
    share = found(r"the mode (\d+)%, L1", printed)[0]
    assert (f"colorfulness {mode[6]} ({share}% of the truth's), rebalanced AuC {mode[8]}, below "
            f"gray's {gray[8]}") in markdown and float(mode[8]) < float(gray[8])
    assert (f"(rebalanced AuC {shipped[8]}, PSNR gain {shipped[2].split(' / ')[0]} dB)"
            in markdown)
    assert all(float(shipped[k]) > max(float(r[k]) for r in (best, mode, l1)) for k in (8,))
    assert f"the dull one (colorfulness {cells(tables, 'classifier, best PSNR')[6]})" in markdown
    plain_aucs = [float(cells(tables, n)[7]) for n in ("grayscale baseline |", "L1 regression",
                  "pretrained L1 UNet", "classifier, best PSNR", "classifier, the mode")]
    assert float(best[7]) < min(plain_aucs), "the hedge's plain AuC is the worst of the table"
    assert f"while its plain AuC ({best[7]}) is the worst of the table, below gray's" in markdown


def test_the_hue_measurements_and_the_photo(committed):
    _, markdown, printed, _ = committed
    pg, pr = found(r"training pixels \(the prior\) +\d+% +(\d+)% +(\d+)%", printed)
    lg, lr = found(r"rebalanced loss, lambda 0\.5 +\d+% +(\d+)% +(\d+)%", printed)
    assert (f"{pg}% are greenish and {pr}% reddish, and rebalancing keeps them even ({lg}% and "
            f"{lr}% of the loss)") in markdown
    red_half = found(r"reddish colored bins: \d+ bins; the largest holds \d+% of their pixels, "
                     r"(\d+) bins hold half", printed)[0]
    green_half = found(r"greenish colored bins: \d+ bins; the largest holds \d+% of their "
                       r"pixels, (\d+) bins hold half", printed)[0]
    assert (f"half of the reddish pixels sit in {red_half} bins, half of the greenish ones in "
            f"{green_half}") in markdown
    g_ok, g_gray = found(r"truly greenish pixels: the mode paints (\d+)% of them greenish, leaves "
                         r"(\d+)%", printed)
    r_ok, r_gray = found(r"truly reddish pixels: the mode paints (\d+)% of them reddish, leaves "
                         r"(\d+)%", printed)
    assert (f"the mode paints {g_ok}% of the pixels greenish and leaves {g_gray}% near gray; where "
            f"it is reddish, it paints {r_ok}% reddish and leaves {r_gray}% near gray") in markdown
    mg, mr = found(r"the mode \(lambda 0\.5, T 0\) +\d+% +(\d+)% +(\d+)%", printed)
    tg, tr = found(r"truth \(test\) +\d+% +(\d+)% +(\d+)%", printed)
    assert (f"{mg}% are greenish and {mr}% reddish, against {tg}% and {tr}% in the truth"
            in markdown)
    photo = {k: found(rf"{re.escape(k)} +(\d+\.\d) +\d\.\d\d +(\d+)% +(\d+)%", printed)
             for k in ("L1 regression", "pretrained L1 UNet", "the mode: lambda 0.5, T 0",
                       "best rebalanced AuC: lambda 0.5, T 1", "original")}
    assert f"faint beige wash (colorfulness {photo['L1 regression'][0]})" in markdown
    assert (f"a warmer one ({photo['pretrained L1 UNet'][0]}, with "
            f"{photo['pretrained L1 UNet'][2]}% of the pixels") in markdown
    assert f"a sepia tint ({photo['best rebalanced AuC: lambda 0.5, T 1'][0]})" in markdown
    mode = photo["the mode: lambda 0.5, T 0"]
    assert (f"the boldest colors ({mode[0]})" in markdown and f"(the {mode[1]}% of the pixels that "
            "the table counts" in markdown and mode[2] == "0")
    assert (f"where {photo['original'][2]}% of the original's pixels are red or orange. The "
            f"original's colorfulness is {photo['original'][0]}") in markdown


def test_the_readme_quotes_this_run(committed):
    nb, _, printed, _ = committed
    seconds = round(nb.metadata["papermill"]["duration"])
    (summary,) = found(r"Summary: (.*)", printed)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [05 "))
    assert row.rstrip().endswith(f"| {seconds} s |"), row
    result = next(line for line in readme.splitlines() if line.startswith("| 05 |"))
    assert summary.strip() in result and result.rstrip().endswith(f"| {seconds} s |")
