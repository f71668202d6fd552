"""What notebook 05's markdown says about the run committed with it, checked against that run's
printed outputs and tables (the committed file is read, nothing is re-run)."""

from pathlib import Path

import pytest
from committed import finder, read

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "05_vivid_colors.ipynb"
TEMPS = ("1", "0.7", "0.5", "0.38", "0.25", "0.15", "0.08", "0")


@pytest.fixture(scope="module")
def committed():
    nb, markdown, printed, tables = read(NOTEBOOK)
    return nb, " ".join(markdown.split()), printed, tables   # markdown: line breaks as spaces


found = finder("05")


def cells(tables, name):
    line = next((x for x in tables.splitlines() if x.startswith(f"| {name}")), None)
    assert line, f"no row {name!r} in 05's committed tables"
    return [c.strip() for c in line.strip("|").split("|")]


def curve(tables, column):
    """Section 7's table, one column (1: lambda 0.5, 2: lambda 1, 3: the pretrained vivid UNet):
    {T: (PSNR, colorfulness, rebalanced AuC)} as printed strings."""
    return {t: tuple(cells(tables, f"{t} |")[column].split(" / ")) for t in TEMPS}


def test_the_committed_run(committed):
    nb, markdown, printed, _ = committed
    assert "mode: quick" in printed and "data: CIFAR-10 image-folder copy" in printed
    images = found(r"cifar10-jpg/\): ([\d,]+) train", printed)[0]
    seconds = round(nb.metadata["papermill"]["duration"])
    assert (f"quick mode on a 2-core Intel Xeon CPU ({images} CIFAR-10 training images, three "
            f"small UNets of 2 epochs each) and took {seconds} s") in markdown
    assert "2 epochs, batch 64" in printed and "precision: bf16" in printed   # the Xeon: AMX, bf16
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
    plain, weighted = found(r"scores ln Q = (\d\.\d\d) in plain cross-entropy, and (\d\.\d\d) with "
                            r"the lambda 0\.5 weights", printed)
    assert (f"costs ln Q = {plain} in plain cross-entropy, and {weighted} with the "
            "$\\lambda = 0.5$ weights") in markdown and float(weighted) < float(plain)


def test_the_curves(committed):
    _, markdown, printed, tables = committed
    rebal, plain, vivid = curve(tables, 1), curve(tables, 2), curve(tables, 3)
    l1 = cells(tables, "L1 regressor")[1].split(" / ")
    gray = cells(tables, "grayscale baseline")[1].split(" / ")
    truth = found(r"L1 regressor: colorfulness \d+\.\d, \d+% of the truth's (\d+\.\d)", printed)[0]
    named = (("rebal", rebal), ("plain", plain), ("vivid", vivid))
    cf = {k: {t: float(v[1]) for t, v in c.items()} for k, c in named}
    # folding back: lambda 1 at T = 0.5 beats 0.38 and 0.25 on both counts
    assert all(float(plain["0.5"][i]) > float(plain[t][i])
               for t in ("0.38", "0.25") for i in (0, 1))
    assert "for $\\lambda = 1$, $T = 0.5$ beats $T = 0.38$ and $0.25$ on PSNR and on colorfulness" \
        in markdown
    # the pretrained classifier: more colorful at every step, PSNR falling from its peak on
    v1, v0, _, vp0, vt, vtop = found(
        r"pretrained vivid UNet: colorfulness (\d+\.\d) at T = 1 -> (\d+\.\d) at T = 0 \(rising at "
        r"every step\); PSNR (\d+\.\d\d) -> (\d+\.\d\d) dB, highest at T = ([\d.]+) "
        r"\((\d+\.\d\d) dB\)", printed)
    assert (f"from {v1} at $T = 1$ to {v0} at the mode, past the truth's {truth}, while its PSNR "
            f"falls from {vtop} dB (at $T = {vt}$) to {vp0} dB") in markdown
    assert float(v0) > float(truth)
    after = [float(vivid[t][0]) for t in TEMPS[TEMPS.index(vt):]]
    assert all(b < a for a, b in zip(after, after[1:])), "step by step after the peak"
    # this run's classifiers dip
    r1, r0, low_t, low = found(r"lambda 0\.5: colorfulness (\d+\.\d) at T = 1 -> (\d+\.\d) at "
                               r"T = 0 \(lowest at T = ([\d.]+), (\d+\.\d)\)", printed)
    assert (f"goes from {r1} at $T = 1$ down to {low} at $T = {low_t}$, then up to {r0} at the mode"
            in markdown) and float(low) < float(r1) < float(r0)
    p1, p0, plow_t, plow = found(r"lambda 1: colorfulness (\d+\.\d) at T = 1 -> (\d+\.\d) at "
                                 r"T = 0 \(lowest at T = ([\d.]+), (\d+\.\d)\)", printed)
    assert all(cf["rebal"][t] > cf["plain"][t] for t in TEMPS), "more colorful at every T"
    share = round(100 * float(p0) / float(truth))
    assert (f"whose dip goes lower ({plow} at $T = {plow_t}$, duller than L1's {l1[1]}) and whose "
            f"mode ends at {p0}, {share}% of the truth's, against rebalancing's {r0}") in markdown
    assert float(plow) < float(l1[1]) and float(plow) < float(low)
    assert (f"costs PSNR: {rebal['1'][0]} dB with rebalancing, {plain['1'][0]} dB without"
            in markdown) and float(rebal["1"][0]) < float(plain["1"][0])
    # the rebalanced AuC: highest at T = 1 and 0.7 (a tie), then falling at every step
    aucs = [rebal[t][2] for t in TEMPS]
    assert aucs[0] == aucs[1] == max(aucs)
    assert all(float(b) < float(a) for a, b in zip(aucs[1:], aucs[2:]))
    assert (f"highest at $T = 1$ and $0.7$ ({aucs[0]}) and falls at every step from there to the "
            f"mode ({aucs[-1]}), below the L1 regressor's {l1[2]}") in markdown
    assert float(aucs[-1]) < float(l1[2])
    # the questions
    assert (f"($\\lambda = 1$: {p1} at $T = 1$, {plow} at $T = {plow_t}$; $\\lambda = 0.5$: {r1}, "
            f"then {low})") in markdown
    assert f"(the pretrained one: {v1} at $T = 1$, {v0} at the mode)" in markdown
    assert f"{r0} at the mode against {p0}" in markdown
    assert (f"already at {p1} at $T = 1$, against L1's {l1[1]}" in markdown
            and f"which adds a little ({r1})" in markdown)
    assert (f"(22.61 dB with rebalancing, 23.25 dB without, against L1's {l1[0]})" in markdown
            and (rebal["1"][0], plain["1"][0]) == ("22.61", "23.25"))
    psnrs = [float(c[t][0]) for c in (rebal, plain, vivid) for t in TEMPS]
    assert l1[0] == plain["0.5"][0] and float(l1[0]) >= max(psnrs), "a tie for the best PSNR"
    assert (f"Two tie at {l1[0]} dB: the L1 regressor and the classifier without rebalancing at "
            f"$T = 0.5$, both above gray ({gray[0]}) and among the dullest settings (colorfulness "
            f"{l1[1]} and {plain['0.5'][1]})") in markdown
    best_vivid = max(float(vivid[t][0]) for t in TEMPS)
    assert best_vivid < float(gray[0]) and f"(at best {best_vivid:.2f} dB)" in markdown


def test_the_choice_and_the_test_table(committed):
    _, markdown, printed, tables = committed
    assert "best rebalanced AuC: lambda 0.5, T 0.7 (validation" in printed
    assert "the colorfulness nearest the truth's would pick lambda 0.5, T 0" in printed
    rebal = curve(tables, 1)
    assert rebal["1"][2] == rebal["0.7"][2]
    assert f"ties with $T = 1$ to four decimals ({rebal['0.7'][2]})" in markdown
    l1_val = cells(tables, "L1 regressor")[1].split(" / ")[2]
    assert (f"(0.6932, tied with $T = 1$ to four decimals, against L1's {l1_val})" in markdown
            and f"its rebalanced AuC ({rebal['0'][2]} on validation)" in markdown)
    tables = tables[tables.index("| on the test set"):]           # the test table only
    gray, l1 = cells(tables, "grayscale baseline |"), cells(tables, "L1 regression")
    best = cells(tables, "classifier, best rebalanced AuC (lambda 0.5, T 0.7)")
    mode = cells(tables, "classifier, the mode (lambda 0.5, T 0)")
    shipped = cells(tables, "pretrained L1 UNet")
    vivid = cells(tables, "pretrained vivid UNet")
    dull = cells(tables, "classifier, best PSNR (lambda 1, T 0.5)")
    truth = cells(tables, "ground truth")[6]
    gain = best[2].split(" / ")[0]
    assert (f"On test its rebalanced AuC ({best[8]}) beats L1 ({l1[8]}) and gray ({gray[8]}), at "
            f"half the truth's colorfulness ({best[6]} against {truth}) and {gain.lstrip('-')} dB "
            "below gray in PSNR") in markdown
    assert float(best[8]) > float(l1[8]) > float(gray[8]) and gain.startswith("-")
    assert 0.4 < float(best[6]) / float(truth) < 0.6
    plain_aucs = [float(cells(tables, n)[7]) for n in ("grayscale baseline |", "L1 regression",
                  "pretrained L1 UNet", "pretrained vivid UNet", "classifier, best PSNR",
                  "classifier, the mode")]
    assert [a for a in plain_aucs if a < float(best[7])] == [float(mode[7])]
    assert (f"while its plain AuC ({best[7]}) is the second worst of the table, above only the "
            "mode's") in markdown
    share = found(r"the mode (\d+)%, L1", printed)[0]
    assert (f"colorfulness {mode[6]} ({share}% of the truth's), rebalanced AuC {mode[8]} against "
            f"gray's {gray[8]}") in markdown and float(mode[8]) < float(gray[8])
    others = [cells(tables, n) for n in ("grayscale baseline |", "L1 regression", "pretrained L1",
                                         "classifier, best", "classifier, the mode")]
    assert float(vivid[8]) > max(float(r[8]) for r in others), "the best rebalanced AuC"
    assert (f"has the best rebalanced AuC of the table ({vivid[8]}, against {shipped[8]} for the "
            f"pretrained L1 UNet) and {round(100 * float(vivid[6]) / float(truth))}% of the "
            "truth's "
            f"colorfulness ({vivid[6]}), but stays {vivid[2].split(' / ')[0].lstrip('-')} dB below "
            f"gray in PSNR and is no better than gray on plain AuC ({vivid[7]} against {gray[7]}) "
            f"or Delta E ({vivid[5]} against {gray[5]})") in markdown
    assert vivid[2].startswith("-") and float(vivid[7]) < float(gray[7])
    assert float(vivid[5]) > float(gray[5])
    card = (ROOT / "colorlab" / "weights" / "cifar10-vivid-unet.md").read_text(encoding="utf-8")
    card_rauc, card_gray = found(r"class-rebalanced AuC, higher is better \| (0\.\d+) \| "
                                 r"(0\.\d+) \|", card)
    (scored,) = found(r"test \(([\d,]+) images, \d+ already gray set apart\)", printed)
    assert (f"Its model card gives lower AuCs, {card_rauc} rebalanced against gray's {card_gray}, "
            f"because it scores all 9,777 test images that are not already gray, not these "
            f"{scored}") in markdown
    assert float(card_rauc) < float(vivid[8]) and float(card_gray) < float(gray[8])
    assert (f"(rebalanced AuC {shipped[8]}, PSNR gain {shipped[2].split(' / ')[0]} dB)"
            in markdown)
    mine = [l1, best, dull, mode]
    for k in (1, 4, 7, 8, 9):                       # PSNR, SSIM, AuC, rebalanced AuC, accuracy
        assert all(float(shipped[k].rstrip("%")) > float(r[k].rstrip("%")) for r in mine), k
    assert all(float(shipped[5]) < float(r[5]) for r in mine)     # Delta E: lower is better
    acc = {n: float(cells(tables, n)[9].rstrip("%")) for n in (
        "grayscale baseline |", "L1 regression", "classifier, best rebalanced",
        "classifier, the mode", "ground truth", "pretrained L1", "pretrained vivid")}
    text = {n: f"{v:.1f}%" for n, v in acc.items()}
    assert (f"It names {text['grayscale baseline |']} of the gray images right, "
            f"{text['L1 regression']} with L1's colors, {text['classifier, best rebalanced']} with "
            f"the hue-aware choice and {text['classifier, the mode']} with the mode "
            f"({text['ground truth']} with the true colors)") in markdown
    gray_acc = acc["grayscale baseline |"]
    assert all(acc[k] < gray_acc for k in ("L1 regression", "classifier, best rebalanced",
                                           "classifier, the mode"))
    assert round(gray_acc - acc["classifier, the mode"]) == 10
    assert "the mode's ten points" in markdown
    assert f"the pretrained L1 UNet's ({text['pretrained L1']})" in markdown
    assert acc["pretrained L1"] > gray_acc
    assert (f"break even with gray ({text['pretrained vivid']})" in markdown
            and abs(acc["pretrained vivid"] - gray_acc) < 1)
    assert (f"$\\lambda = 1$ at $T = 0.5$ (colorfulness {dull[6]}) lands where L1 regression does "
            f"(PSNR gain {dull[2].split(' / ')[0]} dB against L1's {l1[2].split(' / ')[0]})"
            in markdown)
    assert abs(float(dull[2].split(" / ")[0]) - float(l1[2].split(" / ")[0])) < 0.2
    assert (f"on the test images ranked below gray ({mode[8]} against {gray[8]})" in markdown
            and "a warm hedge ($\\lambda = 0.5$, $T = 0.7$)" in markdown)


def shares(printed, name):
    """The hue table's row ``name``: (colored %, {sector: %})."""
    header = next(x for x in printed.splitlines() if "of the colored:" in x).split(":")[-1].split()
    line = next(x for x in printed.splitlines() if x.startswith(name) and " | " in x)
    colored, rest = line[len(name):].split(" | ")
    return int(colored.strip().rstrip("%")), dict(zip(header, (int(v.rstrip("%"))
                                                               for v in rest.split())))


def test_the_hue_measurements(committed):
    _, text, printed, _ = committed
    _, mode = shares(printed, "the mode (lambda 0.5, T 0)")
    _, truth = shares(printed, "truth (test)")
    assert (f"{mode['cyan-blue']}% are cyan-blue (light blues), {mode['yellow-green']}% "
            f"yellow-green (olive, grass) and {mode['red-yellow']}% red-yellow; the truth's are "
            f"{truth['cyan-blue']}%, {truth['yellow-green']}% and {truth['red-yellow']}%") in text
    assert abs(mode["yellow-green"] - mode["cyan-blue"]) <= 8 and mode["red-yellow"] <= 5
    assert truth["red-yellow"] == max(truth.values()), "the warm colors: the truth's largest share"
    _, hedge = shares(printed, "best rebalanced AuC (lambda 0.5, T 0.7)")
    assert hedge["red-yellow"] == 100 and "Every value it colors is red-yellow" in text
    g_ok, g_gray = found(r"truly green pixels: the mode paints (\d+)% of them green, leaves "
                         r"(\d+)%", printed)
    w_ok, w_gray = found(r"truly red-yellow or magenta-red pixels: the mode paints (\d+)% of them "
                         r"red-yellow or magenta-red, leaves (\d+)%", printed)
    assert (f"Of the truly green pixels it paints {g_ok}% green and leaves {g_gray}% near gray "
            f"(the other {100 - int(g_ok) - int(g_gray)}% get another hue); of the truly "
            f"red-yellow or magenta-red ones it paints {w_ok}% so and leaves {w_gray}% near "
            "gray") in text
    assert int(g_ok) < 50 and int(w_ok) < 50 and "the mode mostly gets it wrong" in text
    assert ("trained on eighteen times the images" in text
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
    assert (f"colors {colored}% of the values and paints about half of them red-yellow and a "
            "quarter yellow-green" in text and 45 <= shipped["red-yellow"] <= 55
            and 22 <= shipped["yellow-green"] <= 28)


def test_the_photos(committed):
    _, text, _, tables = committed
    photos = {}
    for block in tables.split("ab predicted at a shorter side of")[1:]:
        rows = [x for x in block.splitlines() if x.startswith("| ") and not x.startswith("| panel")]
        photos[len(photos)] = {r.strip("|").split("|")[0].strip(): [c.strip() for c in
                                                                     r.strip("|").split("|")[1:]]
                               for r in rows}
    assert len(photos) == 2, "the astronaut and Chelsea"
    astro, cat = photos[0], photos[1]

    def row(photo, prefix):
        (key,) = [k for k in photo if k.startswith(prefix)]
        return photo[key]                         # colorfulness, |dL|, green %, green on gray %

    l1, pre, viv = "L1 regression", "pretrained L1 UNet", "pretrained vivid UNet"
    best, mode, orig = "best rebalanced AuC", "the mode", "original"
    assert (f"L1 regression gives a faint beige wash (colorfulness {row(astro, l1)[0]}), the "
            f"pretrained L1 UNet a warmer one ({row(astro, pre)[0]}), the hue-aware setting a "
            f"sepia tint ({row(astro, best)[0]}), and the mode ({row(astro, mode)[0]}) and the "
            f"pretrained vivid UNet ({row(astro, viv)[0]})") in text
    assert (f"({row(astro, mode)[2]} of the clearly colored pixels that are not green in the "
            "original, mostly the orange suit)") in text
    assert f"The original's colorfulness is {row(astro, orig)[0]}" in text
    assert (f"green: {row(cat, viv)[2]} of the fur's clearly colored pixels and {row(cat, viv)[3]} "
            f"of the near-gray ones, at a colorfulness of {row(cat, viv)[0]}, above the original's "
            f"{row(cat, orig)[0]}") in text
    assert float(row(cat, viv)[2].rstrip("%")) > 50
    assert float(row(cat, viv)[0]) > float(row(cat, orig)[0])
    assert (f"brownish-gray cat on a wrong blue background ({row(cat, pre)[0]}), this run's mode a "
            f"light blue cat with olive stripes ({row(cat, mode)[2]} of the fur green)") in text
    results = [float(v[1]) for p in (astro, cat) for k, v in p.items()
               if k not in ("gray input", "original")]
    grays = [p["gray input"][1] for p in (astro, cat)]
    assert (f"error is {min(results):.2f} to {max(results):.2f} for every result (on a scale of 0 "
            f"to 100), next to the gray inputs' {grays[0]} and {grays[1]}") in text


def test_the_readme_quotes_this_run(committed):
    nb, _, printed, _ = committed
    seconds = round(nb.metadata["papermill"]["duration"])
    (summary,) = found(r"Summary: (.*)", printed)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [05 "))
    assert row.rstrip().endswith(f"| {seconds} s |"), row
    result = next(line for line in readme.splitlines() if line.startswith("| 05 |"))
    assert summary.strip() in result and result.rstrip().endswith(f"| {seconds} s |")
