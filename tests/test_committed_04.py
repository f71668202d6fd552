"""What notebook 04's markdown says about the run committed with it, checked against that run's
printed outputs and tables (the committed file is read, nothing is re-run)."""

import re
from pathlib import Path

import nbformat
import pytest
from committed import finder, read

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
    (preset,) = found(r"quick-mode preset: (\w+)", printed)
    epochs, images = found(r"(\d+) epochs on ([\d,]+) images in \d+ s", printed)
    assert preset == "quarter" and images == "5,000" and epochs == "6"
    assert f"{epochs} epochs on {images} CIFAR-10 images, the {preset} preset" in markdown


def test_training_curve_answers(committed):
    markdown, printed, _ = committed
    val, gray = found(r"validation loss by epoch: ([\d., ]+); predicting ab = 0 scores (0\.\d+)",
                      printed)
    val = val.split(", ")
    assert f"fell from {val[0]} after epoch 1 to {val[-1]} after epoch {len(val)}" in markdown
    assert min(val) == val[-1] and "`best.pt` is epoch 6, the same weights as `last.pt`" in markdown
    assert "validation loss never rose while training loss fell\n" in printed
    assert "never rose while the training loss fell" in markdown
    assert f"({gray} here, printed under the plot)" in markdown
    assert f"(validation {val[0]} here)" in markdown
    assert f"({val[-1]} against {gray} here)" in markdown
    assert f"still falling at the end, but barely ({val[-2]} to {val[-1]})" in markdown
    assert float(val[0]) > float(gray) > float(val[1]), "first epoch above the line, then below"


def test_results_paragraph_and_summary(committed):
    markdown, printed, tables = committed
    mean, median, share, n = found(r"PSNR gain over gray: ([+-]\d\.\d\d) dB on average, "
                                   r"([+-]\d\.\d\d) dB for the median image; the model beats "
                                   r"gray on (\d+)% of the ([\d,]+) test images scored", printed)
    (apart,) = found(r"evaluate: (\d+) of 2,000 images are already gray", printed)
    de, gde = found(r"mean Delta E \(CIE76\), lower is better \| (\d+\.\d\d) \| (\d+\.\d\d)",
                    tables)
    auc, gauc = found(r"AuC of the ab error, 0-150 .*? \| (0\.\d{4}) \| (0\.\d{4})", tables)
    rauc, grauc = found(r"class-rebalanced AuC, higher is better \| (0\.\d{4}) \| (0\.\d{4})",
                        tables)
    acc, gacc, tacc = found(r"object classifier: (\d+\.\d)% on the colorized images, (\d+\.\d)% on "
                            r"gray, (\d+\.\d)% on the true colors", printed)
    assert (f"the model beats gray by {mean} dB on average and {median} dB on the median of the "
            f"{n} test images scored ({apart} already gray set apart), on {share}% of them, with "
            f"a mean $\\Delta E$ of {de} against gray's {gde}") in markdown
    assert f"rose from {gauc} to {auc} and the rebalanced AuC from {grauc} to {rauc}" in markdown
    assert f"about as many of its colorized images ({acc}%) as of the gray ones ({gacc}%; {tacc}%" \
        in markdown
    p, count = float(gacc) / 100, int(n.replace(",", ""))
    error = 100 * (p * (1 - p) / count) ** 0.5
    assert f"on {n} images is about {error:.1f} points" in markdown
    assert abs(float(acc) - float(gacc)) < 2 * error, "'about as many' needs a gap within the noise"
    assert (f"beats gray by {mean} dB on average and {median} dB for the median image, on "
            f"{share}% of the {n} images scored, with a mean $\\Delta E$ of {de} against {gde}") \
        in markdown
    assert f"on {share}% of the scored test images here" in markdown
    assert "6 epochs, batch 64" in printed and "5,000 train /" in printed
    assert "six epochs on 5,000 images add color where it is safe" in markdown


def test_class_and_already_gray_answers(committed):
    markdown, printed, _ = committed
    most, most_gain, least, least_gain = found(r"most gain: (\w+) \(([+-]\d\.\d\d) dB\), least: "
                                               r"(\w+) \(([+-]\d\.\d\d) dB\)", printed)
    animals, vehicles = found(r"mean gain: animals ([+-]\d\.\d\d) dB, vehicles ([+-]\d\.\d\d) dB",
                              printed)
    (losing,) = found(r"classes that lose to gray in this run: (.*)", printed)
    assert set(losing.split(", ")) == {"ship", "airplane", "automobile", "truck"}
    assert f"{most} gained the most ({most_gain} dB) and {least} the least ({least_gain} dB)" \
        in markdown
    assert f"(animals {animals} dB on average, vehicles {vehicles} dB)" in markdown
    assert f"animal classes gain ({animals} dB on average) and the vehicle classes lose " \
           f"({vehicles} dB)" in markdown
    apart, with_gray, mean, with_median, median = found(
        r"(\d+) of 2,000 test images are black and white already .*? the mean PSNR gain would be "
        r"([+-]\d\.\d\d) dB instead of ([+-]\d\.\d\d); the median ([+-]\d\.\d\d) instead of "
        r"([+-]\d\.\d\d)", printed)
    assert (f"Counting the {apart} already-gray test images, the mean gain would be {with_gray} dB "
            f"instead of {mean} dB, while the median barely moves ({with_median} instead of "
            f"{median})") in markdown
    assert f"would have turned the mean gain to {with_gray} dB" in markdown
    n_all = 2_000
    scored = n_all - int(apart)
    total = n_all * float(with_gray) - scored * float(mean)   # what the set-apart images lose
    assert (f"Together the {apart} lose about {round(-total, -1):,.0f} dB ({n_all:,} x {with_gray} "
            f"dB minus {scored:,} x {mean} dB)") in markdown
    assert f"about {round(-total / int(apart))} dB each on average" in markdown
    gray, model = found(r"on them, the gray baseline scores ([\d, ]+) dB; the model ([\d, ]+) dB",
                        printed)
    gray, model = [int(v) for v in gray.split(", ")], [int(v) for v in model.split(", ")]
    assert sum(g >= 98 for g in gray) >= 2 and "several score 98 dB or more" in markdown
    losses = [g - m for g, m in zip(gray, model) if g >= 98]
    assert f"({min(losses)} to {max(losses)} dB on the {len(losses)} such images printed)".replace(
        "4 such", "four such") in markdown


def test_washed_out_answers(committed):
    markdown, printed, _ = committed
    cf, truth, ratio, less = found(r"colorfulness: model (\d+\.\d), ground truth (\d+\.\d) "
                                   r"\((\d+)% of it\); the model is less colorful than the truth "
                                   r"on (\d+)% of images", printed)
    true_chroma, pred_chroma = found(r"true (\d+\.\d), predicted (\d+\.\d)", printed)
    ta, tb = found(r"true ab: spread \(standard deviation\) of a (\d+\.\d), of b (\d+\.\d)",
                   printed)
    pa, pb = found(r"predicted ab: spread \(standard deviation\) of a (\d+\.\d), of b (\d+\.\d)",
                   printed)
    assert f"colorfulness is {ratio}% of the ground truth's, and its mean chroma less than half " \
           f"({pred_chroma} against {true_chroma})" in markdown
    assert 2 * float(pred_chroma) < float(true_chroma)
    assert f"a colorfulness of {cf} against the truth's {truth}, and less colorful than the " \
           f"truth on {less}% of test images" in markdown
    assert f"the predicted a is {pa} against {pb} for b, where the true ab spread {ta} in a and " \
           f"{tb} in b" in markdown
    assert f"spread in b (standard deviation {pb}) is more than five times its spread in a ({pa})" \
        in markdown and 5 < float(pb) / float(pa) < 6
    assert f"colorfulness {ratio}% of the truth's, the predicted ab" in markdown
    blue_true, blue_pred = found(r"visibly blue pixels \(b below -5\): true (\d+\.\d%), predicted "
                                 r"(\d+\.\d%)", printed)
    assert (f"({blue_pred} of the predicted pixels are visibly blue, b below -5, against "
            f"{blue_true} of the true ones)") in markdown
    assert f"(on the test set, {blue_pred} of its pixels are visibly blue" in markdown
    assert float(blue_pred[:-1]) < 0.1 * float(blue_true[:-1]), "'hardly any blue' needs the share"


def test_photo_answers(committed):
    markdown, printed, _ = committed
    kept = found(r"per photo: (\d\.\d{3}), (\d\.\d{3})", printed)
    assert f"({kept[0]} and {kept[1]} L units on average here)" in markdown
    cat = found(r"chelsea: mean a \(green - / red \+\) colorized ([+-]\d+\.\d), original "
                r"([+-]\d+\.\d)", printed)
    cup = found(r"coffee: mean a \(green - / red \+\) colorized ([+-]\d+\.\d), original "
                r"([+-]\d+\.\d)", printed)
    assert f"mean a of {cat[0]} and {cup[0]} against {cat[1]} and {cup[1]}" in markdown
    assert f"{cat[0]} for the colorized cat (original {cat[1]}) and {cup[0]} for the coffee " \
           f"(original {cup[1]})" in markdown
    (pa,) = found(r"predicted ab: spread \(standard deviation\) of a (\d+\.\d)", printed)
    (ta,) = found(r"true ab: spread \(standard deviation\) of a (\d+\.\d)", printed)
    assert f"spread in a (green - / red +) is {pa}, against {ta} for the truth" in markdown


def test_pretrained_comparison(committed):
    markdown, printed, tables = committed
    table = tables[tables.index("| your model (quick mode) | pretrained |"):]
    rows = {k: (a, b) for k, a, b in re.findall(r"^\| ([^|]+?) \| ([^|]+?) \| ([^|]+?) \|$", table,
                                                 flags=re.M)}
    mean = rows["PSNR gain over gray (dB), mean"]
    beats, rauc = rows["images where PSNR beats gray"], rows["class-rebalanced AuC"]
    acc = next(v for k, v in rows.items() if k.startswith("object classifier accuracy (gray"))
    (gacc,) = found(r"object classifier accuracy \(gray (\d+\.\d)%\)", tables)
    cf = next(v for k, v in rows.items() if k.startswith("colorfulness (truth"))
    (truth,) = found(r"colorfulness \(truth (\d+\.\d)\)", tables)
    assert (f"the pretrained model beats gray by {mean[1]} dB on average (yours {mean[0]}) and on "
            f"{beats[1]} of the images (yours {beats[0]}), with a rebalanced AuC of {rauc[1]} "
            f"(yours {rauc[0]})") in markdown
    assert (f"recognizes {acc[1]} of its colorizations, above gray's {gacc}%, where yours stays "
            f"below ({acc[0]})") in markdown
    assert f"Its colorfulness is {cf[1]} against your {cf[0]} and the truth's {truth}" in markdown
    assert f"gains more ({mean[1]} dB) and is somewhat more colorful ({cf[1]})" in markdown
    card = (ROOT / "colorlab" / "weights" / "cifar10-l1-unet.md").read_text(encoding="utf-8")
    (batch,) = re.findall(r"batch (\d+), \d+ epochs", card)   # the pretrained model's batches
    (ours,) = found(r"\d+ epochs, batch (\d+), peak lr", printed)
    assert f"batches of {batch} instead of your {ours}" in markdown
    assert float(cf[0]) < float(cf[1]) < 0.5 * float(truth)


def test_the_readme_quotes_this_run():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    seconds = nb.metadata["papermill"]["duration"]
    summary = next(o["text"] for c in nb.cells for o in c.get("outputs", [])
                   if o.get("output_type") == "stream" and o["text"].startswith("Summary: "))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| [04 "))
    assert re.search(rf"\| {round(seconds):,} s[^|]*\|$", row.rstrip()), \
        f"README's course map gives 04 another time than this run's {seconds:.0f} s: {row}"
    result = next(line for line in readme.splitlines() if line.startswith("| 04 |"))
    assert summary.removeprefix("Summary: ").strip() in result
    assert f"| {round(seconds)} s |" in result


def test_the_loss_comparison_paragraph(committed):
    """Section 8's paragraph quotes the small comparison's table and its printed verdict."""
    markdown, printed, tables = committed
    images, epochs = found(r"a small comparison: ([\d,]+) training images, (\d+) epoch", printed)
    flat = " ".join(markdown.split())
    rows = {}
    for line in tables.splitlines():
        name = line.strip("|").split("|")[0].strip()
        if name in ("l1", "mse", "l1_ssim (weight 0.5)"):
            rows[name] = [c.strip() for c in line.strip("|").split("|")]
    l1, mse, ssim = rows["l1"], rows["mse"], rows["l1_ssim (weight 0.5)"]
    colorful = max(rows, key=lambda k: float(rows[k][5]))
    lowest = min(rows, key=lambda k: float(rows[k][1]))
    assert colorful == lowest == "mse" and float(mse[2]) < 0        # "below gray's"
    assert (f"MSE is the most colorful of the three ({mse[5]} against L1's {l1[5]}) and has the "
            f"lowest PSNR ({mse[1]} dB, below gray's)") in flat
    best = max(rows, key=lambda k: float(rows[k][1]))
    assert best == max(rows, key=lambda k: float(rows[k][3])) == "l1_ssim (weight 0.5)"
    assert best == min(rows, key=lambda k: float(rows[k][4]))
    assert min(rows, key=lambda k: float(rows[k][5])) == best
    assert (f"L1 + SSIM has the best PSNR, SSIM and Delta E of the three ({ssim[1]} dB, {ssim[3]}, "
            f"{ssim[4]}) and is the least colorful ({ssim[5]})") in flat
    assert f"small models ({images} images, {epochs} epochs)" in flat
    assert f"(at most {mse[5]} against the truth's" in flat


def test_the_time_line_and_the_pipeline_figure(committed):
    markdown, printed, _ = committed
    seconds = round(nbformat.read(NOTEBOOK, as_version=4).metadata["papermill"]["duration"])
    (precision,) = found(r"\| precision: (\w+) \(", printed)
    assert (f"so in {precision}: 6 epochs on 5,000 CIFAR-10 images, the quarter preset, "
            f"{seconds} s in all") in markdown, f"the Time line should give papermill's {seconds} s"
    assert seconds < 300, "quick mode's budget is 5 minutes"
    pa, ta, pb, tb = found(r"mean over the image, a / 110: predicted ([+-]\d\.\d{3}), true "
                           r"([+-]\d\.\d{3}); b / 110: predicted ([+-]\d\.\d{3}), true "
                           r"([+-]\d\.\d{3})", printed)
    assert f"(mean a / 110 of {pa} against the truth's {ta}" in markdown
    assert f"keeps b's yellow at about half its strength ({pb} against {tb})" in markdown
    assert float(ta) < 0 and abs(float(pa)) < 0.2 * abs(float(ta)), "true a green, predicted ~0"
    assert 0.35 < float(pb) / float(tb) < 0.65, "'about half' of the true b"
