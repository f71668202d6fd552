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
    flat = " ".join(markdown.split())                          # line breaks as spaces
    assert (f"from {cf1} at $T = 1$ to {cf0} at the mode ($T = 0$), most of the way to the truth's "
            f"{truth} and three times the L1 regressor's {l1_cf}") in flat
    assert 0.6 < float(cf0) / float(truth) < 0.95 and round(float(cf0) / float(l1_cf)) == 3
    assert (f"it rises from {p1} dB at $T = 1$ to {p_top} dB at $T = {t_top}$, then the mode pays "
            f"({p0} dB)") in flat
    dull1, dull0 = found(r"lambda 1: colorfulness (\d+\.\d) at T = 1 -> (\d+\.\d) at T = 0",
                         printed)
    temps = ("1", "0.7", "0.5", "0.38", "0.25", "0.15", "0.08", "0")

    def colorfulness(t, column):                               # column 1: lambda 0.5, 2: lambda 1
        return float(cells(tables, f"{t} |")[column].split(" / ")[1])

    dip_t = min(temps, key=lambda t: colorfulness(t, 1))
    dip = colorfulness(dip_t, 1)
    assert f"from $T = 1$ to $T = {dip_t}$ it first dips (to {dip:.1f})" in flat
    assert dip < float(cf1)
    low_t = min(temps, key=lambda t: colorfulness(t, 2))
    share = round(100 * float(dull0) / float(truth))
    assert (f"from {dull1} at $T = 1$ down to {colorfulness(low_t, 2):.1f} at $T = {low_t}$ "
            "(duller "
            f"than L1) and ends at {dull0} at the mode, {share}% of the truth's, against "
            f"rebalancing's {cf0}") in flat
    assert colorfulness(low_t, 2) < float(l1_cf) < float(dull0) < float(cf0)
    rebal = [float(cells(tables, f"{t} |")[1].split(" / ")[2])
             for t in ("1", "0.7", "0.5", "0.38", "0.25", "0.15", "0.08", "0")]
    assert all(b < a for a, b in zip(rebal, rebal[1:])), "the rebalanced AuC falls at every step"
    l1_rebal = cells(tables, "L1 regressor")[1].split(" / ")[2]
    assert (f"from {rebal[0]:.4f} at $T = 1$ to {rebal[-1]:.4f} at the mode, below the L1 "
            f"regressor's {l1_rebal}") in flat and rebal[-1] < float(l1_rebal)


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
            f"it pays {best[2].split(' / ')[0].lstrip('-')} dB") in " ".join(markdown.split())
    share = found(r"the mode (\d+)%, L1", printed)[0]
    assert (f"colorfulness {mode[6]} ({share}% of the truth's), rebalanced AuC {mode[8]}, below "
            f"gray's {gray[8]}") in " ".join(markdown.split()) and float(mode[8]) < float(gray[8])
    assert (f"(rebalanced AuC {shipped[8]}, PSNR gain {shipped[2].split(' / ')[0]} dB)"
            in markdown)
    assert all(float(shipped[k]) > max(float(r[k]) for r in (best, mode, l1)) for k in (8,))
    dull = cells(tables, "classifier, best PSNR")
    assert f"the dull one (colorfulness {dull[6]})" in markdown
    assert (f"(gain {dull[2].split(' / ')[0]} dB against L1's {l1[2].split(' / ')[0]})"
            in " ".join(markdown.split()))
    # "about where L1 regression does"
    assert abs(float(dull[2].split(" / ")[0]) - float(l1[2].split(" / ")[0])) < 0.2
    vivid = cells(tables, "pretrained vivid UNet")
    plain_aucs = [float(cells(tables, n)[7]) for n in ("grayscale baseline |", "L1 regression",
                  "pretrained L1 UNet", "pretrained vivid UNet", "classifier, best PSNR",
                  "classifier, the mode")]
    below = [a for a in plain_aucs if a < float(best[7])]
    assert below == [float(mode[7])], "the hedge's plain AuC is second worst, above only the mode's"
    assert (f"while its plain AuC ({best[7]}) is the second worst of the table, below gray's and "
            "above only the mode's") in " ".join(markdown.split())
    rows = [cells(tables, n) for n in ("grayscale baseline |", "L1 regression", "pretrained L1",
                                       "classifier, best")]
    assert float(vivid[8]) > max(float(r[8]) for r in (*rows, mode)), "the best rebalanced AuC"
    truth_cf = float(truth)
    flat = " ".join(markdown.split())                          # line breaks as spaces
    assert (f"has the best rebalanced AuC of the table ({vivid[8]}, against {shipped[8]} for the "
            f"pretrained L1 UNet) and {round(100 * float(vivid[6]) / truth_cf)}% of the truth's "
            f"colorfulness ({vivid[6]}), while it stays {vivid[2].split(' / ')[0].lstrip('-')} dB "
            "below gray") in flat and vivid[2].startswith("-")
    assert (f"no better than gray on plain AuC ({vivid[7]} against {gray[7]}) or Delta E "
            f"({vivid[5]} against {gray[5]}), and level with it on the object classifier "
            f"({vivid[9]} against {gray[9]})") in flat and float(vivid[7]) < float(gray[7])
    level = abs(float(vivid[9].rstrip("%")) - float(gray[9].rstrip("%")))
    assert level < 1, "'level': within a point"
    card = (ROOT / "colorlab" / "weights" / "cifar10-vivid-unet.md").read_text(encoding="utf-8")
    card_rauc, card_gray = found(r"class-rebalanced AuC, higher is better \| (0\.\d+) \| "
                                 r"(0\.\d+) \|", card)
    (scored,) = found(r"test \(([\d,]+) images, \d+ already gray set apart\)", printed)
    assert (f"Its model card gives lower AuCs, {card_rauc} rebalanced against gray's {card_gray}, "
            f"because it scores all 9,777 test images that are not already gray, not these "
            f"{scored}") in flat
    assert float(card_rauc) < float(vivid[8]) and float(card_gray) < float(gray[8])
    acc = {n: cells(tables, n)[9] for n in ("grayscale baseline |", "L1 regression",
                                            "classifier, best rebalanced", "classifier, the mode",
                                            "ground truth", "pretrained L1", "pretrained vivid")}
    assert (f"{acc['grayscale baseline |']} on gray, {acc['L1 regression']} with L1's colors, "
            f"{acc['classifier, best rebalanced']} with the hue-aware choice and "
            f"{acc['classifier, the mode']} with the mode ({acc['ground truth']} on the true "
            "colors)") in flat
    gray_acc = float(acc["grayscale baseline |"].rstrip("%"))
    assert all(float(acc[k].rstrip("%")) < gray_acc for k in ("L1 regression",
               "classifier, best rebalanced", "classifier, the mode"))
    assert f"the pretrained L1 UNet's ({acc['pretrained L1']})" in flat
    assert f"about break even with gray ({acc['pretrained vivid']})" in flat
    assert abs(float(acc["pretrained vivid"].rstrip("%")) - gray_acc) < 1


def shares(printed, name):
    """The hue table's row ``name``: (colored %, {sector: %})."""
    header = next(x for x in printed.splitlines() if "of the colored:" in x).split(":")[-1].split()
    line = next(x for x in printed.splitlines() if x.startswith(name) and " | " in x)
    colored, rest = line[len(name):].split(" | ")
    return int(colored.strip().rstrip("%")), dict(zip(header, (int(v.rstrip("%"))
                                                               for v in rest.split())))


def test_the_hue_measurements_and_the_photo(committed):
    _, markdown, printed, _ = committed
    text = " ".join(markdown.split())                          # line breaks as spaces
    _, mode = shares(printed, "the mode (lambda 0.5, T 0)")
    _, truth = shares(printed, "truth (test)")
    assert (f"{mode['yellow-green']}% are yellow-green (olive, grass), {mode['cyan-blue']}% "
            f"cyan-blue (light blues) and {mode['red-yellow']}% red-yellow; the truth's are "
            f"{truth['yellow-green']}%, {truth['cyan-blue']}% and {truth['red-yellow']}%") in text
    assert abs(mode["yellow-green"] - mode["cyan-blue"]) <= 5 and mode["red-yellow"] <= 5
    by_sign, by_angle = found(r"of the mode's colored values: (\d+)% have a < 0 .*?, (\d+)% are "
                              r"green by hue angle", printed)
    assert by_sign == by_angle == str(mode["yellow-green"] + mode["green-cyan"])
    assert (f"counts {by_sign}% of the mode's colored values here, the line under the table, as "
            "does the hue angle") in text
    g_ok, g_gray = found(r"truly green pixels: the mode paints (\d+)% of them green, leaves "
                         r"(\d+)%", printed)
    w_ok, w_gray = found(r"truly red-yellow or magenta-red pixels: the mode paints (\d+)% of them "
                         r"red-yellow or magenta-red, leaves (\d+)%", printed)
    assert (f"it paints {g_ok}% of the pixels green and leaves {g_gray}% near gray; where it is "
            f"red-yellow or magenta-red, it paints {w_ok}% of them so and leaves {w_gray}% near "
            "gray") in text
    assert f"The other {100 - int(g_ok) - int(g_gray)}% of the true greens get another hue" in text
    assert ("which colored bins win" in text and "trained on eighteen times the images" in text
            and 45_000 / int(found(r"([\d,]+) training images \(", printed)[0].replace(",", ""))
            == 18)
    g_bins, g_share, g_half = found(r"prior's green bins: (\d+) bins holding (\d+)% of the pixels; "
                                    r"the largest holds \d+% of theirs, (\d+) bins? holds? half",
                                    printed)
    w_bins, w_share, w_half = found(r"prior's red-yellow or magenta-red bins: (\d+) bins holding "
                                    r"(\d+)% of the pixels; the largest holds \d+% of theirs, "
                                    r"(\d+) bins? holds? half", printed)
    assert (f"The greens hold {g_share}% of the training pixels and the warm colors {w_share}%"
            in text and g_half == w_half and f"({g_half} bins hold half of each)" in text)
    _, prior = shares(printed, "training pixels (the prior)")
    _, loss = shares(printed, "rebalanced loss, lambda 0.5")
    greens = prior["yellow-green"] + prior["green-cyan"]
    assert greens == loss["yellow-green"] + loss["green-cyan"]
    assert f"as it is in the prior ({greens}% of the colored part in both)" in text
    colored, shipped = shares(printed, "pretrained vivid UNet (T 1)")
    assert (f"colors {colored}% of the values and paints a quarter of them yellow-green" in text
            and 22 <= shipped["yellow-green"] <= 28)
    photo = {}
    for block in printed.split("ab predicted at a shorter side")[1:]:
        for k in ("L1 regression", "best rebalanced AuC: lambda 0.5, T 1", "the mode: lambda 0.5, "
                  "T 0", "pretrained L1 UNet", "pretrained vivid UNet, T 1", "original"):
            photo.setdefault(k, []).append(found(rf"{re.escape(k)} +(\d+\.\d) +\d\.\d\d +"
                                                 r"(\d+\.\d)% +(\d+\.\d)%", block))
    astro = {k: v[0] for k, v in photo.items()}   # k -> (colorfulness, green %, green on gray %)
    cat = {k: v[1] for k, v in photo.items()}
    l1, best, mode_k, pre, viv, orig = photo                    # the six names, in order
    assert (f"L1 regression gives a faint beige wash (colorfulness {astro[l1][0]}), the pretrained "
            f"L1 UNet a warmer one ({astro[pre][0]}), the hue-aware setting a sepia tint "
            f"({astro[best][0]}), and the mode ({astro[mode_k][0]}) and the pretrained vivid UNet "
            f"({astro[viv][0]})") in text
    assert f"The original's colorfulness is {astro[orig][0]}" in text
    assert (f"The mode paints {astro[mode_k][1]}% of the astronaut's clearly colored pixels that "
            "are "
            f"not green in the original green (the orange suit), the pretrained vivid UNet "
            f"{astro[viv][1]}%, the others none") in text
    assert all(float(astro[k][1]) == 0 for k in (l1, best, pre))
    on_gray = max(float(g) for *_, g in astro.values())
    worst = [k for k, v in astro.items() if float(v[2]) == on_gray]
    assert f"at most {on_gray:.1f}% (the pretrained vivid UNet's)" in text and worst == [viv]
    assert (f"(colorfulness {cat[pre][0]}, the blue included, against the original's "
            f"{cat[orig][0]}; {cat[pre][1]}% of the pixels green)") in text
    assert f"(the orange-brown fur) and {cat[viv][2]}% of its near-gray ones" in text
    assert (f"paints the cat green: {cat[viv][1]}% of the original's" in text
            and float(cat[viv][1]) > 50 and f"at a colorfulness of {cat[viv][0]}, above the "
            "original's" in text and float(cat[viv][0]) > float(cat[orig][0]))
    assert (f"This run's mode paints the cat light blue with olive stripes ({cat[mode_k][1]}% of "
            f"the fur's pixels green, {cat[mode_k][2]}% of the near-gray ones); this run's other "
            "settings paint none green") in text
    assert all(float(cat[k][1]) == float(cat[k][2]) == 0 for k in (l1, best))


def test_the_readme_quotes_this_run(committed):
    nb, _, printed, _ = committed
    seconds = round(nb.metadata["papermill"]["duration"])
    (summary,) = found(r"Summary: (.*)", printed)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [05 "))
    assert row.rstrip().endswith(f"| {seconds} s |"), row
    result = next(line for line in readme.splitlines() if line.startswith("| 05 |"))
    assert summary.strip() in result and result.rstrip().endswith(f"| {seconds} s |")
