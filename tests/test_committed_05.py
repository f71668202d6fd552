"""What notebook 05's markdown says about the run committed with it, checked against that run's
printed outputs and tables (the committed file is read, nothing is re-run)."""

import re
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
    {T: (PSNR, colorfulness)} as printed strings."""
    return {t: tuple(cells(tables, f"{t} |")[column].split(" / ")) for t in TEMPS}


def auc_table(tables):
    """Section 9's table of rebalanced AuCs on the validation images (from its title on)."""
    return tables[tables.index("rebalanced AuC on the"):]


def aucs(tables, column):
    """Section 9's validation table, one column (as in curve): {T: rebalanced AuC} as printed."""
    return {t: cells(auc_table(tables), f"{t} |")[column] for t in TEMPS}


def test_the_committed_run(committed):
    nb, markdown, printed, _ = committed
    assert "mode: quick" in printed and "data: CIFAR-10 image-folder copy" in printed
    images = found(r"cifar10-jpg/\): ([\d,]+) train", printed)[0]
    epochs = found(r"UNet\(base=16, depth=3\); (\d+) epochs, batch 64", printed)[0]
    seconds = round(nb.metadata["papermill"]["duration"])
    assert (f"quick mode on a 2-core Intel Xeon CPU ({images} CIFAR-10 training images, three "
            f"small UNets of {epochs} epochs each) and took {seconds} s") in markdown
    assert "precision: bf16" in printed   # the Xeon: AMX, bf16
    assert seconds < 300, "quick mode's budget is 5 minutes"
    q = found(r"AbBins\(Q=(\d+),", printed)[0]
    near, far = found(r"(\d+)% of the training pixels fall in the bins within 20 of gray, "
                      r"(\d+\.\d)%", printed)
    assert f"kept Q = {q}" in markdown and f"{near}% of the pixels lie" in markdown
    assert f"only {far}% in the bins with chroma 40" in markdown
    assert f"{near}% of the training pixels lie within 20 of gray" in markdown
    assert "weight share, chroma >= 40" in printed and "- (no cap)" in printed   # lambda 1: no cap
    weight, loss_share, pixels, raw = found(
        r"0\.5 +[\d.]+ \.\. [\d.]+ +(\d\.\d{3}) +(\d+\.\d)%.*?hold (\d+\.\d)% of the smoothed "
        r"prior, (\d+\.\d)% of the raw pixels", printed.replace("\n", " "))
    assert raw == far, "the raw share is section 2's"
    assert (f"{weight}: a pixel of the commonest bin" in markdown
            and f"hold {pixels}% of the smoothed prior but get {loss_share}% of the weight"
            in markdown)
    assert 3.5 < float(loss_share) / float(pixels) < 4.5, "about four times their share"
    at_cap = found(r"0\.5 +[\d.]+ \.\. [\d.]+ +\d\.\d{3} +\d+\.\d% +(\d+)%", printed)[0]
    assert int(at_cap) > 50 and "With $\\lambda = 0.5$ most bins sit at the cap" in markdown


def test_the_image_blind_answer(committed):
    _, markdown, printed, _ = committed
    gaps = {}
    for lam in ("0.5", "1"):
        blind, best, gap, side = found(
            rf"lambda {re.escape(lam)}, validation: the image-blind answer scores (\d\.\d+), the "
            rf"classifier's best epoch (\d\.\d+) \((\d\.\d+) (below|above) it\)", printed)
        assert side == "below" and float(best) < float(blind)
        gaps[lam] = gap
    assert (f"by {gaps['0.5']} with $\\lambda = 0.5$ and {gaps['1']} with $\\lambda = 1$ (the "
            "printed lines)") in markdown
    assert "checked: every classifier beats the image-blind answer" in printed
    ln_q = found(r"would score ln Q = (\d\.\d\d) in plain", printed)[0]
    assert f"would score ln Q = {ln_q}" in markdown
    above = {name: found(rf"{name}, last epoch: training [\d.]+, validation [\d.]+ \(training "
                         r"(above|below) validation\)", printed)[0]
             for name in ("L1", "lambda 0.5", "lambda 1")}
    assert above == {"L1": "above", "lambda 0.5": "below", "lambda 1": "above"}
    assert "(the printed lines: L1's and $\\lambda = 1$'s)" in markdown


def test_the_curves(committed):
    _, markdown, printed, tables = committed
    rebal, plain, vivid = curve(tables, 1), curve(tables, 2), curve(tables, 3)
    l1 = cells(tables, "L1 regressor")[1].split(" / ")                  # PSNR, colorfulness
    gray = cells(tables, "grayscale baseline")[1].split(" / ")
    truth = found(r"colorfulness (\d+\.\d)", cells(tables, "ground truth")[1])[0]
    cf = {k: {t: float(v[1]) for t, v in c.items()} for k, c in
          (("rebal", rebal), ("plain", plain), ("vivid", vivid))}
    ps = {k: {t: float(v[0]) for t, v in c.items()} for k, c in
          (("rebal", rebal), ("plain", plain), ("vivid", vivid))}
    # the pretrained classifier: more colorful at every step, PSNR falling from its peak on
    v = [cf["vivid"][t] for t in TEMPS]
    assert all(b > a for a, b in zip(v, v[1:])), "more colorful at every step"
    past = [t for t in TEMPS if cf["vivid"][t] > float(truth)]
    assert past == list(TEMPS[TEMPS.index(past[0]):]), "from that T on, at every step"
    vt = max(TEMPS, key=ps["vivid"].get)
    assert (f"more colorful at every step, past the truth's colorfulness from $T = {past[0]}$ on, "
            f"and its PSNR falls from $T = {vt}$ on") in markdown
    the_card = (ROOT / "colorlab" / "weights" / "cifar10-vivid-unet.md").read_text(encoding="utf-8")
    (q_vivid,) = found(r"the pretrained vivid UNet: Q = (\d+) bins \(this run: \d+\)", printed)
    assert f"out_ch={q_vivid}," in the_card and "batch 128" in the_card
    assert "from a random head" in the_card
    assert (f"its own Q = {q_vivid} bins, batch 128, and a head that started random"
            in markdown)
    assert v[-1] > float(truth) and vt == "0.7" and "past $T = 0.7$, lower in PSNR" in markdown
    after = [ps["vivid"][t] for t in TEMPS[TEMPS.index(vt):]]
    assert all(b < a for a, b in zip(after, after[1:])), "step by step after the peak"
    # beside it, the pretrained L1 UNet (its validation point is only drawn: on test, the same)
    assert ("pretrained L1 UNet (the hollow diamond), trained on the same images, is far higher in "
            "PSNR and far less colorful") in markdown
    test = tables[tables.index("| on the test set"):]
    shipped, vivid_t = cells(test, "pretrained L1 UNet"), cells(test, "pretrained vivid UNet")
    assert float(shipped[1]) > float(vivid_t[1]) + 1 and float(shipped[4]) < float(vivid_t[4]) / 1.5
    # this run's rebalanced classifier: from T = 0.38 on, more colorful and lower in PSNR at every
    # step; above it, PSNR rising at a colorfulness near 14
    rt = max(TEMPS, key=ps["rebal"].get)
    assert rt == "0.38" and "does the same from $T = 0.38$ on" in markdown
    tail, head = TEMPS[TEMPS.index(rt):], TEMPS[:TEMPS.index(rt) + 1]
    assert all(cf["rebal"][b] > cf["rebal"][a] and ps["rebal"][b] < ps["rebal"][a]
               for a, b in zip(tail, tail[1:]))
    assert all(ps["rebal"][b] > ps["rebal"][a] for a, b in zip(head, head[1:]))
    assert all(abs(cf["rebal"][t] - 14) < 1 for t in head)
    assert "at a colorfulness near 14" in markdown
    assert ps["rebal"][rt] < float(l1[0]) and "its best PSNR stays below L1's" in markdown
    # without rebalancing: dull at every T, duller at low T, the mode nearly gray
    p1, p0, r1, r0 = plain["1"][1], plain["0"][1], rebal["1"][1], rebal["0"][1]
    low = [cf["plain"][t] for t in TEMPS[TEMPS.index("0.25"):]]
    assert all(c < cf["plain"]["1"] for c in low) and max(cf["plain"].values()) < 10
    assert (f"dull at every $T$ and duller at low $T$ ({p1} at $T = 1$, {p0} at the mode)"
            in markdown) and float(p0) < float(p1) / 2
    gray_top = {lam: found(rf"lambda {lam}: the likeliest bin lies within 20 of gray for (\d+)% of "
                           "the validation pixels", printed)[0] for lam in ("0.5", "1")}
    assert (f"within 20 of gray for {gray_top['1']}% of the validation pixels (rounded), against "
            f"{gray_top['0.5']}% with rebalancing") in markdown
    assert gray_top["1"] == "100" and int(gray_top["0.5"]) < 90
    assert "near-gray one for nearly every validation pixel (printed above)" in markdown
    assert all(cf["rebal"][t] > cf["plain"][t] for t in TEMPS), "rebalancing: more colorful"
    assert all(ps["plain"][t] > ps["rebal"][t] for t in TEMPS), "plain: higher PSNR"
    above_l1 = [t for t in TEMPS if ps["plain"][t] > float(l1[0])]
    assert above_l1 == ["1", "0.7", "0.5", "0.38", "0.25"]
    assert "from $T = 1$ to $0.25$ it beats L1" in markdown
    # the L1 regressor: less colorful than the truth (the lecture asserts it too)
    assert float(l1[1]) < float(truth)
    # the questions
    assert (f"duller at its mode than at $T = 1$ ({p0} against {p1}); with rebalancing its mode "
            f"reaches {r0}") in markdown
    assert (p1, p0) == ("8.0", "3.7")
    assert (f"colorfulness {r1} against L1's {l1[1]} (and {p1} without rebalancing). The tilt "
            f"costs PSNR: {rebal['1'][0]} dB, against L1's {l1[0]}") in markdown
    assert float(rebal["1"][0]) < float(l1[0]) and float(r1) > float(l1[1]) > float(p1)
    psnrs = [ps[k][t] for k in ps for t in TEMPS] + [float(l1[0])]
    assert ps["plain"]["0.7"] == max(psnrs), "the best validation PSNR"
    assert (f"The classifier without rebalancing at $T = 0.7$: {plain['0.7'][0]} dB, above L1 "
            f"({l1[0]}) and gray ({gray[0]}), at a colorfulness of {plain['0.7'][1]}") in markdown
    best_vivid = max(ps["vivid"].values())
    assert best_vivid < float(gray[0]) and f"(at best {best_vivid:.2f} dB)" in markdown
    # the summary
    assert (f"nearly every validation pixel (the mode's colorfulness: {p0}); rebalancing gave the "
            f"mode its colors ({r0})") in markdown


def test_the_choice_and_the_test_table(committed):
    _, markdown, printed, tables = committed
    assert "best rebalanced AuC: lambda 0.5, T 1 (" in printed
    assert "best PSNR: lambda 1, T 0.7 (" in printed
    assert re.search(r"the colorfulness nearest the truth's \(\d+\.\d\) would pick lambda 0\.5, "
                     r"T 0:", printed)
    rebal = aucs(tables, 1)
    l1_val = cells(auc_table(tables), "L1 regressor")[1]
    assert (f"(0.6950, against L1's {l1_val})" in markdown and rebal["1"] == "0.6950"
            and f"its rebalanced AuC ({rebal['0']} on validation)" in markdown)
    assert "at the $T$ its card chose by the rebalanced AuC, $T = 1$" in markdown
    assert float(rebal["0"]) < float(l1_val)
    # the rebalanced AuC of lambda 0.5: highest at T = 1, then falling at every step, below L1 from
    # T = 0.15 on
    values = [float(rebal[t]) for t in TEMPS]
    assert values[0] == max(values) and all(b < a for a, b in zip(values, values[1:]))
    below = [t for t in TEMPS if float(rebal[t]) < float(l1_val)]
    assert below == list(TEMPS[TEMPS.index(below[0]):]) and below[0] == "0.15"
    assert ("highest at $T = 1$, falls at every step, and is below L1's from $T = 0.15$ on"
            in markdown)
    # every model: highest at the high temperatures (the pretrained one ties T = 1 and 0.7)
    for column in (1, 2, 3):
        column_aucs = {t: float(a) for t, a in aucs(tables, column).items()}
        assert max(column_aucs, key=column_aucs.get) in ("1", "0.7")
        assert column_aucs["1"] >= max(column_aucs.values()) - 1e-4
    assert "for every model in the table above it is highest at the high temperatures" in markdown
    # Zhang et al.'s T = 0.38: where the pretrained vivid UNet reaches the truth's colorfulness
    hot, cold, cf_hot, cf_cold = found(
        r"the pretrained vivid UNet reaches the truth's colorfulness between T ([\d.]+) and T "
        r"([\d.]+) \((\d+\.\d) and (\d+\.\d)\)", printed)
    truth_cf = found(r"colorfulness (\d+\.\d)", cells(tables, "ground truth")[1])[0]
    assert float(cf_hot) <= float(truth_cf) < float(cf_cold) and "0.38" in (hot, cold)
    assert (cf_hot, cf_cold) == (curve(tables, 3)[hot][1], curve(tables, 3)[cold][1])
    assert (f"reaches the truth's colorfulness between $T = {hot}$ and $T = {cold}$ (the last "
            "printed line)") in markdown
    (worst,) = found(r"plain AuC against 1 - \(mean Delta E \+ 0\.5\) / 151, over the 7 rows: the "
                     r"largest difference is (\d\.\d{4})", printed)
    assert float(worst) <= 0.001, "the plain AuC ranks like the mean Delta E"
    tables_all, tables = tables, tables[tables.index("| on the test set"):]   # the test table only
    gray, l1 = cells(tables, "grayscale baseline |"), cells(tables, "L1 regression")
    best = cells(tables, "classifier, best rebalanced AuC (lambda 0.5, T 1)")
    mode = cells(tables, "classifier, the mode (lambda 0.5, T 0)")
    shipped = cells(tables, "pretrained L1 UNet")
    vivid = cells(tables, "pretrained vivid UNet")
    dull = cells(tables, "classifier, best PSNR (lambda 1, T 0.7)")
    truth = cells(tables, "ground truth")[4]
    # columns: 0 name, 1 PSNR, 2 gain over gray, 3 Delta E, 4 colorfulness, 5 rebalanced AuC,
    # 6 object classifier
    gain = best[2]
    assert (f"On test its rebalanced AuC ({best[5]}) beats L1 ({l1[5]}) and gray ({gray[5]}), "
            f"at less than half the truth's colorfulness ({best[4]} against {truth}) and "
            f"{gain.lstrip('-')} dB below gray in mean PSNR") in markdown
    assert float(best[5]) > float(l1[5]) > float(gray[5]) and gain.startswith("-")
    assert float(best[4]) / float(truth) < 0.5
    share = found(r"the mode (\d+)%, L1", printed)[0]
    assert (f"colorfulness {mode[4]} ({share}% of the truth's), rebalanced AuC {mode[5]} against "
            f"gray's {gray[5]}") in markdown and float(mode[5]) < float(gray[5])
    assert "no better than gray on the rebalanced AuC" in markdown   # a small gap, no error bar
    others = [gray, l1, shipped, best, dull, mode]
    assert float(vivid[5]) > max(float(r[5]) for r in others), "the best rebalanced AuC"
    assert float(vivid[5]) - max(float(r[5]) for r in others) > 0.03, "by far"
    assert (f"has the best rebalanced AuC of the table, by far, and "
            f"{round(100 * float(vivid[4]) / float(truth))}% of the truth's colorfulness, but is "
            f"{vivid[2].lstrip('-')} dB below gray in PSNR and has a larger mean "
            f"Delta E than gray ({vivid[3]} against {gray[3]}") in markdown
    assert vivid[2].startswith("-") and float(vivid[3]) > float(gray[3])
    card = (ROOT / "colorlab" / "weights" / "cifar10-vivid-unet.md").read_text(encoding="utf-8")
    card_rauc, card_gray = found(r"class-rebalanced AuC, higher is better \| (0\.\d+) \| "
                                 r"(0\.\d+) \|", card)
    (scored,) = found(r"test: ([\d,]+) images, \d+ already gray set apart", printed)
    assert card_rauc != vivid[5] and card_gray != gray[5]
    assert (f"(Its model card's numbers differ: it scores all 9,777 test images that are not "
            f"already gray, not these {scored}.)") in markdown
    assert "| 1 (chosen) |" in card
    mine = [l1, best, dull, mode]
    for k in (1, 5):                                  # PSNR, rebalanced AuC
        assert all(float(shipped[k]) > float(r[k]) for r in mine), k
    assert all(float(shipped[3]) < float(r[3]) for r in mine)     # Delta E: lower is better
    acc = {n: float(cells(tables, n)[6].split("%")[0]) for n in (
        "grayscale baseline |", "L1 regression", "pretrained L1", "pretrained vivid",
        "classifier, best rebalanced", "classifier, best PSNR", "classifier, the mode")}
    assert all(acc["pretrained L1"] > acc[n] for n in ("L1 regression", "classifier, best "
               "rebalanced", "classifier, best PSNR", "classifier, the mode"))

    def gap(name):
        return tuple(float(x) for x in found(r"\(([+-]\d+\.\d) ± (\d+\.\d)\)",
                                             cells(tables, name)[6]))

    mine_gaps = [gap(n) for n in ("L1 regression", "classifier, best rebalanced",
                                  "classifier, best PSNR", "classifier, the mode")]
    assert all(g < 0 and -g > se for g, se in mine_gaps), "each below gray, beyond its ±"
    sizes = sorted(-g for g, _ in mine_gaps)
    assert (f"below gray's {acc['grayscale baseline |']:.1f}%, by {sizes[0]:.1f} to "
            f"{sizes[-1]:.1f} points") in markdown
    dull_gap = gap("classifier, best PSNR")
    assert f"only just: {dull_gap[0]:+.1f} ± {dull_gap[1]:.1f}" in markdown
    assert -dull_gap[0] - dull_gap[1] < 0.5
    helps, even = gap("pretrained L1"), gap("pretrained vivid")
    assert helps[0] > helps[1] and abs(even[0]) < even[1]
    assert (f"help ({helps[0]:+.1f} ± {helps[1]:.1f}); the pretrained vivid UNet's are within "
            f"noise of gray ({even[0]:+.1f} ± {even[1]:.1f})") in markdown
    dull_gain, l1_gain = dull[2], l1[2]
    assert (f"$\\lambda = 1$ at $T = 0.7$ (colorfulness {dull[4]}), {dull_gain} dB over gray "
            f"against L1's {l1_gain}: close, and without an error bar no ranking") in markdown
    assert abs(float(dull_gain) - float(l1_gain)) < 0.3, "close: no error bar here"
    assert "it chose the mean ($\\lambda = 0.5$, $T = 1$)" in markdown
    assert f"twice its colorfulness ({vivid[4]} against {shipped[4]})" in markdown
    l1_card = (ROOT / "colorlab" / "weights" / "cifar10-l1-unet.md").read_text(encoding="utf-8")
    (train_images,) = found(r"([\d,]+) train / \d+ validation", printed)
    assert 45_000 / int(train_images.replace(",", "")) == 18 and "eighteen times" in markdown
    assert "training took 90 min" in card and "(90 minutes on one CPU core" in markdown
    assert ("14 epochs" in l1_card and "7 epochs" in card
            and "more than three times the epochs (14 against 4)" in markdown
            and f"45,000 images and 14 epochs beat {train_images} and 4." in markdown
            and "(for 7 epochs against the L1 UNet's 14)" in markdown)
    assert 1.8 < float(vivid[4]) / float(shipped[4]) < 2.2
    # the rebalanced AuC depends on the image set: every validation-table row drops on test
    g_val, g_test = found(r"gray scores (0\.\d{4}) on the validation images, (0\.\d{4}) on the "
                          r"test images", printed)
    assert g_test == gray[5] and g_val == cells(auc_table(tables_all), "grayscale baseline")[1]
    assert (f"Every rebalanced AuC is lower on test than on validation, gray's too ({g_val} "
            f"against {g_test}, printed)") in markdown
    assert f"drops too, from {g_val} to {g_test}" in markdown
    val_test = [(l1_val, l1[5]), (rebal["1"], best[5]), (rebal["0"], mode[5]),
                (aucs(tables_all, 2)["0.7"], dull[5]), (aucs(tables_all, 3)["1"], vivid[5]),
                (g_val, g_test)]
    assert all(float(v) > float(t) for v, t in val_test), val_test


def test_the_cumulative_curves(committed):
    _, markdown, printed, _ = committed
    line = found(r"first above gray's curve: (.*)", printed)[0]
    first = dict(re.findall(r"(.+?) (?:at t = (\d+)|not up to t = 60)(?:, |$)", line))
    hedge = first["best rebalanced AuC (lambda 0.5, T 1)"]
    mode, vivid = first["the mode (lambda 0.5, T 0)"], first["pretrained vivid UNet (T 1)"]
    l1, shipped = first["L1 regression"], first["pretrained L1 UNet"]
    assert mode == "" and int(hedge) > 10 and int(vivid) > 10 and int(l1) < 10 and int(shipped) < 10
    assert (f"this run's best-AuC setting rises above gray's curve only at t = {hedge}, the "
            f"pretrained vivid UNet at t = {vivid}, and the mode not up to t = 60 (the printed "
            f"line), while L1 and the pretrained L1 UNet are above it from t = {l1} and "
            f"t = {shipped}") in markdown


def shares(printed, name):
    """The hue table's row ``name``: (colored %, {sector: %}, mean chroma of the colored)."""
    header = next(x for x in printed.splitlines() if "of the colored:" in x).split(":")[-1].split()
    line = next(x for x in printed.splitlines() if x.startswith(name) and " | " in x)
    colored, rest, chroma = line[len(name):].split(" | ")
    return (int(colored.strip().rstrip("%")),
            dict(zip(header[:6], (int(v.rstrip("%")) for v in rest.split()))), float(chroma))


def test_the_hue_measurements(committed):
    _, text, printed, _ = committed
    t_col, truth, _ = shares(printed, "truth")
    assert (f"The truth colors {t_col}% of the values: red-yellow {truth['red-yellow']}%, "
            f"cyan-blue {truth['cyan-blue']}%, yellow-green {truth['yellow-green']}%") in text
    top3 = sorted(truth, key=truth.get, reverse=True)[:3]
    assert top3 == ["red-yellow", "cyan-blue", "yellow-green"]
    v_col, vivid, _ = shares(printed, "pretrained vivid UNet (T 1)")
    assert (f"pretrained vivid UNet colors more of them ({v_col}%), more red-yellow "
            f"({vivid['red-yellow']}% against {truth['red-yellow']}%) and yellow-green "
            f"({vivid['yellow-green']}% against {truth['yellow-green']}%) than the truth and half "
            f"its cyan-blue ({vivid['cyan-blue']}%)") in text
    assert v_col > t_col
    assert 0 < vivid["red-yellow"] - truth["red-yellow"] <= 10
    assert 0 < vivid["yellow-green"] - truth["yellow-green"] <= 5
    assert 0.35 < vivid["cyan-blue"] / truth["cyan-blue"] < 0.65
    h_col, hedge, h_chroma = shares(printed, "best rebalanced AuC (lambda 0.5, T 1)")
    assert (f"This run's best-AuC setting colors {h_col}%, three quarters red-yellow "
            f"({hedge['red-yellow']}%, against the truth's {truth['red-yellow']}%)") in text
    assert hedge["red-yellow"] == 75
    m_col, mode, m_chroma = shares(printed, "the mode (lambda 0.5, T 0)")
    assert (f"patches (mean chroma {m_chroma:.1f}, the last column) beside gray, while the "
            f"best-AuC setting spreads a faint tint (mean chroma {h_chroma:.1f})") in text
    assert m_chroma > 1.3 * h_chroma and m_col < h_col / 2, "the mode: fewer, stronger colors"
    assert (f"Its mode colors only {m_col}%, nearly all sky and grass colors (cyan-blue or "
            "yellow-green)") in text
    assert mode["cyan-blue"] + mode["yellow-green"] >= 90
    assert f"the truth's largest share, nearly vanish ({mode['red-yellow']}%)" in text
    assert truth["red-yellow"] == max(truth.values()) and mode["red-yellow"] < 10
    angles = dict(re.findall(r"(\w+) (\d+) deg", printed))
    cyan_blue, blue_magenta = (int(angles["blue"]) - int(angles["cyan"]),
                               int(angles["magenta"]) - int(angles["blue"]))
    assert (f"cyan-blue spans {cyan_blue} degrees, blue-magenta {blue_magenta})") in text


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
        return photo[key]                # colorfulness, colored %, main hues

    def hue(photo, prefix, sector):
        return found(rf"{sector} (\d+%)", row(photo, prefix)[2])[0]

    l1, pre, viv = "L1 regression", "pretrained L1 UNet", "pretrained vivid UNet"
    best, mode, orig = "best rebalanced AuC", "the mode", "original"
    assert f"whose colored pixels are {hue(astro, orig, 'red-yellow')} red-yellow" in text
    assert all(row(astro, k)[2] == "red-yellow 100%" for k in (l1, pre))
    assert row(astro, best)[2].startswith("red-yellow") and "yellow-green" in row(astro, best)[2]
    assert ("the two L1 models give a faint red-yellow wash and this run's best-AuC setting a "
            "faint olive-beige tint. The mode and the pretrained vivid UNet give bold "
            "colors") in text
    faint = [float(row(astro, k)[0]) for k in (l1, pre, best)]
    bold = [float(row(astro, k)[0]) for k in (mode, viv)]
    assert max(faint) < 20 < 30 < min(bold)
    assert int(hue(astro, mode, "cyan-blue")[:-1]) >= 75, "most of it light blue"
    assert {s.split()[0] for s in row(astro, viv)[2].split(", ")} == {"cyan-blue", "red-yellow"}
    assert "the mode paints the background and most of the suit light blue" in text
    assert f"Chelsea's colored pixels are {hue(cat, orig, 'red-yellow')} red-yellow" in text
    assert (f"mostly green ({hue(cat, viv, 'yellow-green')} yellow-green), more colorful than the "
            f"original ({row(cat, viv)[0]} against {row(cat, orig)[0]})") in text
    assert row(cat, viv)[2].startswith("yellow-green") and float(row(cat, viv)[0]) > float(
        row(cat, orig)[0])
    assert "this run's mode light blue with olive-green stripes" in text
    assert min(int(hue(cat, mode, s)[:-1]) for s in ("yellow-green", "cyan-blue")) >= 40
    _, _, printed, _ = committed
    lo, hi, g1, g2 = found(r"mean \|L - the original's L\| (\d\.\d\d) to (\d\.\d\d) \(0 to 100 "
                           r"scale\); the gray inputs': (\d\.\d\d) and (\d\.\d\d)", printed)
    assert float(hi) < 1
    assert (f"error is {lo} to {hi} for every result (on a scale of 0 to 100), next to the gray "
            f"inputs' {g1} and {g2}") in text


def test_the_readme_quotes_this_run(committed):
    nb, _, printed, _ = committed
    seconds = round(nb.metadata["papermill"]["duration"])
    (summary,) = found(r"Summary: (.*)", printed)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [05 "))
    assert row.rstrip().endswith(f"| {seconds} s |"), row
    result = next(line for line in readme.splitlines() if line.startswith("| 05 |"))
    assert summary.strip() in result and result.rstrip().endswith(f"| {seconds} s |")


def test_one_pixel(committed):
    """Section 8's two pixels of the pretrained vivid UNet: a compact sky, a spread-out car."""
    _, text, printed, _ = committed
    pattern = (r"{}, pixel \(y \d+, x \d+\): likeliest bin p = (\d+)%, (\d+)% of p "
               r"within 20 of the true ab; ab \(chroma\): truth \((-?\d+), (-?\d+)\) \((\d+)\), "
               r"T = 1 \((-?\d+), (-?\d+)\) \((\d+)\), T = 0.38 \((-?\d+), (-?\d+)\) \((\d+)\), "
               r"T = 0 \((-?\d+), (-?\d+)\) \((\d+)\)")
    sky = [int(v) for v in found(pattern.format("airplane"), printed)]
    car = [int(v) for v in found(pattern.format("automobile"), printed)]
    sky_chroma, car_chroma = sky[4::3], car[4::3]           # truth, T = 1, T = 0.38, T = 0

    def without_chroma(v):                                  # p, p near, then the four ab pairs
        return v[:2] + [x for k, x in enumerate(v[2:]) if k % 3 != 2]

    sky, car = without_chroma(sky), without_chroma(car)
    assert ("sky pixel of the airplane (the 4th image of the strips)" in text
            and "cyan in truth (the 7th image)" in text)
    assert (f"its likeliest bin holds {sky[0]}%, and {sky[1]}% of the probability lies within 20 "
            "of the true ab") in text
    assert sky[0] > 3 * car[0] and sky[1] > 50, "compact"
    assert all(b < sky[3] for b in (sky[5], sky[7], sky[9])), "bluer than the truth"
    decoded = sky_chroma[1:]
    assert min(decoded) >= 2 * sky_chroma[0], "much more saturated than the truth: twice or more"
    assert (f"much bluer than the truth's grayish blue: chroma {min(decoded)} to {max(decoded)} "
            f"against {sky_chroma[0]}") in text
    assert car_chroma[0] > 0
    assert max(abs(a - b) for a, b in zip(sky[4:8], sky[6:10])) <= 5, "close together"
    assert car[2] < 0 and car[3] < 0, "cyan-blue in truth"
    assert (f"(the likeliest bin holds {car[0]}%;" in text
            and f"toward the true cyan-blue ({car[1]}% of the probability within 20 of it)" in text)
    assert (f"The mean, ({car[4]}, {car[5]}), averages the arms into a dull warm color; the mode "
            f"takes a bin of the red arm, ({car[8]}, {car[9]})") in text
    assert car[4] > 0 and car[5] > 0 and car[8] > 2 * abs(car[9]) > 0, "warm; red"
    top3 = found(r"automobile, pixel .*the 3 likeliest bins: \(-?\d+, -?\d+\) (\d\.\d)%, "
                 r"\(-?\d+, -?\d+\) (\d\.\d)%, \(-?\d+, -?\d+\) (\d\.\d)%", printed)
    assert float(top3[0]) - float(top3[2]) <= 0.5, "a near tie"
    assert f"Its three likeliest bins are a near tie: {top3[0]}%, {top3[1]}% and {top3[2]}%" in text


def test_the_validation_count(committed):
    """Section 7's and 9's tables name the validation images counted: all but the already gray."""
    _, _, printed, tables = committed
    apart, total = found(r"evaluate: (\d+) of (\d+) images are already gray", printed)
    counted = int(total) - int(apart)
    assert f"mean over the {counted} validation images counted" in tables
    assert f"rebalanced AuC on the {counted} validation images counted" in tables
