"""What notebook 04's markdown says about the run committed with it, checked against that run's
printed outputs and tables (the committed file is read, nothing is re-run)."""

import re
from pathlib import Path

import nbformat
import pytest
from committed import finder, read

from colorlab.models import UNet

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
    (headline,) = found(r"([\d,]+) train / ", printed)
    epochs, images = found(r"(\d+) epochs on ([\d,]+) images in \d+ s", printed)
    assert headline == images == "5,000" and epochs == "6"
    assert f"{epochs} epochs on {images} CIFAR-10 images." in markdown


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
    assert f"(validation {val[0]} after epoch 1)" in markdown
    assert f"({val[-1]} against {gray}, clearest in the zoomed panel)" in markdown
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
    assert f"Both rose a little over gray: from {gauc} to {auc}, and from {grauc} to {rauc}" \
        in markdown and float(gauc) < float(auc) and float(grauc) < float(rauc)
    assert (f"It recognizes fewer of the colorized images ({acc}%) than of the gray ones ({gacc}%; "
            f"{tacc}% with the true colors)") in markdown
    gap = abs(float(gacc) - float(acc))
    assert f"No error bar is printed for that gap of {gap:.1f} points" in " ".join(markdown.split())
    assert "trained on color images for only 2 epochs" in markdown
    assert (f"beats gray by {mean} dB on average and {median} dB on the median image, on {share}% "
            f"of the {n} images scored") in markdown
    assert f"on {share}% of the scored test images here" in markdown
    assert "6 epochs, batch 64" in printed and "5,000 train /" in printed


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
    assert f"Animals gain ({animals} dB on average), vehicles lose ({vehicles} dB)" in markdown
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
    (chroma,) = found(r"the first eight: mean chroma ([\d., ]+)\n", printed)
    (gray,) = found(r"PSNR of the gray baseline ([\d, ]+) dB", printed)
    (gain,) = found(r"gain of the model +([\d, +-]+) dB", printed)
    chroma = [float(v) for v in chroma.split(", ")]
    gray, gain = [int(v) for v in gray.split(", ")], [int(v) for v in gain.split(", ")]
    assert max(chroma) < 2, "the images shown are the ones set apart (mean chroma below 2)"
    assert sum(g >= 98 for g in gray) >= 2 and "several score 98 dB or more" in markdown
    capped = [-d for g, d in zip(gray, gain) if g >= 98]
    assert min(capped) >= 60 and "Any visible tint costs 60 dB or more there" in markdown
    assert f"({min(capped)} to {max(capped)} dB on the {len(capped)} such images printed)".replace(
        "4 such", "four such") in markdown
    others = [(g, -d) for g, d in zip(gray, gain) if g < 98]
    low = [g for g, _ in others]
    lost = [d for _, d in others]
    assert (f"({min(low)} to {max(low)} dB on the others printed) and the model loses less "
            f"({min(lost)} to {max(lost)} dB)") in markdown


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
    assert f"colorfulness is {ratio}% of the truth's, its mean chroma less than half " \
           f"({pred_chroma} against {true_chroma})" in markdown
    assert 2 * float(pred_chroma) < float(true_chroma) and float(cf) < float(truth)
    assert f"The spread of the predicted a is {pa} against {pb} for b, where the true ab spread " \
           f"{ta} in a and {tb} in b" in markdown
    assert float(pb) > 3 * float(pa), "'a thin strip along the b axis'"
    assert f"{ratio}% of the truth's colorfulness, the predicted ab a thin strip along b" \
        in markdown
    (blue_true,) = found(r"true ab: spread .*; visibly blue pixels \(b below -5\): (\d+\.\d%)",
                         printed)
    (blue_pred,) = found(r"predicted ab: spread .*; visibly blue pixels \(b below -5\): (\d+\.\d%)",
                         printed)
    assert (f"({blue_pred} of the predicted pixels are visibly blue, b below -5, against "
            f"{blue_true} of the true ones)") in markdown
    assert float(blue_pred[:-1]) < 0.5 and "with almost no blue" in markdown, "'almost no blue'"
    (below_true,) = found(r"true ab: spread .*; b below 0: (\d+\.\d%)", printed)
    (below_pred,) = found(r"predicted ab: spread .*; b below 0: (\d+\.\d%)", printed)
    assert float(below_pred[:-1]) < 20 < float(below_true[:-1]), \
        "'mostly above zero', unlike the truth"
    assert (f"mostly above zero ({below_pred} of the predicted pixels have b below 0, against "
            f"{below_true} of the true ones)") in " ".join(markdown.split())


def test_photo_answers(committed):
    markdown, printed, _ = committed
    kept = found(r"per photo: (\d\.\d{3}), (\d\.\d{3})", printed)
    assert f"by {kept[0]} and {kept[1]} L units on average (printed above)" in markdown
    assert "trained at 32 px: ab predicted at 128 px" in printed
    assert "128 px for this model, printed below" in markdown
    cat = found(r"chelsea: mean a \(green - / red \+\) colorized ([+-]\d+\.\d), original "
                r"([+-]\d+\.\d)", printed)
    cup = found(r"coffee: mean a \(green - / red \+\) colorized ([+-]\d+\.\d), original "
                r"([+-]\d+\.\d)", printed)
    assert f"mean a of {cat[0]} and {cup[0]} against {cat[1]} and {cup[1]}" in markdown
    assert all(float(out) < 0.5 * float(true) for out, true in (cat, cup)), "'far less red'"


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
    assert f"Its colorfulness is {cf[1]} against your {cf[0]}" in markdown
    assert f"still less than half as colorful as the truth ({truth})" in markdown
    assert f"gains more ({mean[1]} dB) and is somewhat more colorful ({cf[1]})" in markdown
    card = (ROOT / "colorlab" / "weights" / "cifar10-l1-unet.md").read_text(encoding="utf-8")
    ((batch, their_epochs),) = re.findall(r"batch (\d+), (\d+) epochs", card)   # the pretrained
    ours_epochs, ours = found(r"(\d+) epochs, batch (\d+), peak lr", printed)
    assert f"batches of {batch} instead of your {ours}" in markdown
    assert f"nine times the images for {their_epochs} epochs instead of {ours_epochs}, gains more" \
        in " ".join(markdown.split())
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
    """Section 8's paragraph quotes the small comparison's table (two seeds of L1 and MSE)."""
    markdown, printed, tables = committed
    images, epochs = found(r"a small comparison: ([\d,]+) training images, (\d+) epoch", printed)
    flat = " ".join(markdown.split())
    rows = {}
    for line in tables.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in ("l1", "mse", "l1_ssim (weight 0.5)") and len(cells) == 8:
            rows[(cells[0], cells[1])] = cells
    l1, mse, ssim = ([rows[(name, s)] for s in ("0", "1") if (name, s) in rows]
                     for name in ("l1", "mse", "l1_ssim (weight 0.5)"))
    assert len(l1) == len(mse) == 2 and len(ssim) == 1
    psnr, gain, colorful = (lambda r: float(r[2])), (lambda r: float(r[3])), (lambda r: float(r[5]))
    seed_gap = max(abs(colorful(a) - colorful(b)) for a, b in (l1, mse))
    assert min(map(colorful, mse)) - max(map(colorful, l1)) > seed_gap, "'a gap larger than a seed'"
    assert (f"colorfulness {mse[0][5]} and {mse[1][5]} against L1's {l1[0][5]} and {l1[1][5]}"
            in flat)
    assert max(map(psnr, mse)) < min(map(psnr, l1 + ssim))
    assert (f"MSE has the lowest PSNR with both seeds ({mse[0][2]} and {mse[1][2]} dB "
            f"against L1's {l1[0][2]} and {l1[1][2]})") in flat
    seed_psnr = abs(psnr(l1[0]) - psnr(l1[1]))
    assert max(map(gain, mse)) <= 0 and min(map(gain, mse)) > -2 * seed_psnr, \
        "'ties or slightly trails gray ... about a seed's spread from zero'"
    assert (f"(gains {mse[0][3]} and {mse[1][3]} dB, about a seed's spread from zero), yet it "
            f"beats gray on {mse[0][6]} and {mse[1][6]} of the images, and its mean $\\Delta E$ "
            f"({mse[0][4]} and {mse[1][4]}) is below gray's") in flat
    (gray_de,) = found(r"mean Delta E \(CIE76\), lower is better \| \d+\.\d\d \| (\d+\.\d\d)",
                       tables)
    assert f"is below gray's {gray_de}" in flat
    assert all(float(r[4]) < float(gray_de) and int(r[6][:-1]) > 50 for r in mse)
    budget = int(images.replace(",", "")) * int(epochs)
    assert budget < 10_000, "'below the 10,000 image-epoch bar'"
    assert f"That is {budget:,} image-epochs, below the 10,000" in flat
    secs = {name: float(r[7]) for name, r in (("l1", l1[0]), ("ssim", ssim[0]))}
    assert f"L1 + SSIM took a little longer ({ssim[0][7]} s against L1's {l1[0][7]} s" in flat
    assert secs["ssim"] > secs["l1"], "'L1 + SSIM took a little longer'"
    (main,) = found(r"PSNR gain over gray: ([+-]\d\.\d\d) dB on average", printed)
    assert max(map(gain, l1 + mse + ssim)) < float(main)
    assert f"every one gains less over gray than the main model's {main} dB" in flat
    assert abs(psnr(ssim[0]) - psnr(l1[0])) < abs(psnr(l1[0]) - psnr(l1[1])), \
        "'closer than L1's two seeds'"
    assert (f"L1 and L1 + SSIM are too close to rank ({l1[0][2]} and {ssim[0][2]} dB, closer than "
            "L1's two seeds)") in flat
    assert f"on `COMPARE_IMAGES` training images ({images}) for {epochs} epochs each" in flat
    (truth,) = re.findall(r"colorfulness \(truth (\d+\.\d)\)", tables)[-1:]
    assert max(map(colorful, l1 + mse + ssim)) < 0.5 * float(truth)
    assert f"None of the three comes near the truth's colorfulness ({truth})" in flat


def test_the_time_line_and_the_pipeline_figure(committed):
    markdown, printed, _ = committed
    seconds = round(nbformat.read(NOTEBOOK, as_version=4).metadata["papermill"]["duration"])
    assert (f"The run committed here took {seconds} s in quick mode on a 2-core CPU: 6 epochs on "
            "5,000 CIFAR-10 images") in markdown, f"the Time line should give {seconds} s"
    assert seconds < 300, "quick mode's budget is 5 minutes"
    pa, ta, pb, tb = found(r"mean over the image, a / 110: predicted ([+-]\d\.\d{3}), true "
                           r"([+-]\d\.\d{3}); b / 110: predicted ([+-]\d\.\d{3}), true "
                           r"([+-]\d\.\d{3})", printed)
    flat = " ".join(markdown.split())
    assert f"(mean a / 110 of {pa} against the truth's {ta}" in flat
    assert f"keeps b's yellow at about half its strength ({pb} against {tb})" in flat
    assert float(ta) < 0 and abs(float(pa)) < 0.2 * abs(float(ta)), "true a green, predicted ~0"
    assert 0.35 < float(pb) / float(tb) < 0.65, "'about half' of the true b"


def test_the_unet_table_and_its_answers(committed):
    """Section 2's table of the base-64 UNet: the identities the text explains (a decoder block
    costs more than its encoder block, the encoder's compute is flat below the top level) and the
    shares and counts its answers and the summary quote."""
    markdown, printed, _ = committed
    rows = {name.strip(): (int(p.replace(",", "")), float(ps), int(mac.replace(",", "")), float(ms))
            for name, p, ps, mac, ms in re.findall(
                r"^(\w[\w ()0-9x]*?) +\d+ x \d+ x \d+ +([\d,]+) +([\d.]+)% +([\d,]+) +([\d.]+)%$",
                printed, flags=re.M)}
    assert len(rows) == 11, sorted(rows)
    for k in (1, 2, 3):
        assert rows[f"decoder {k}"][2] > rows[f"encoder {4 - k}"][2], "decoder k pairs with 4 - k"
    assert rows["encoder 2"][2] == rows["encoder 3"][2] == rows["bottleneck"][2]
    assert rows["bottleneck"][1] == max(r[1] for r in rows.values()) == 46.0
    assert rows["bottleneck"][3] == 9.9 and "it does only 9.9% of the multiply-adds" in markdown
    decoders = [rows[f"decoder {k}"] for k in (1, 2, 3)]
    assert {d[3] for d in decoders} == {19.8} and round(sum(d[3] for d in decoders)) == 59
    assert round(sum(d[1] for d in decoders)) == 30
    assert "19.8% each, about 59% together, while holding 30% of the weights" in markdown
    assert "(46.0% of the 7.7 M parameters of the base-64 model)" in markdown
    assert "the bottleneck holds 46.0% of the weights" in markdown
    assert "the three decoder blocks do 59% of its multiply-adds" in markdown
    mega = {k: round(v[2] / 1e6) for k, v in rows.items()}
    assert (mega["decoder 2"], mega["encoder 2"], mega["encoder 1"]) == (113, 57, 38)
    assert "(113 M against 57 M)" in markdown and "(113 M against 38 M)" in markdown
    (total,) = found(r"\ntotal +([\d,]+) +[\d,]+\n", printed)
    (small,) = found(r"trains UNet\(base=16, depth=3\): ([\d,]+) parameters", printed)
    assert total == "7,699,074" and f"({total} / 16 =" in markdown
    assert f"{int(total.replace(',', '')) // 16:,}" == "481,192" and "481,192)" in markdown
    assert f"`UNet(base=16)`, with {small} parameters" in markdown
    decoder_1 = UNet(1, 2, base=16, depth=3).decoders[0][0]   # what the diagram's box says
    assert (decoder_1.in_channels, decoder_1.out_channels) == (128, 64)
    assert "(decoder 1 of the base-16 model: 128 -> 64 ch)" in " ".join(markdown.split())


def test_the_mean_and_median_of_one_gray_value(committed):
    """Section 3's figure: b of the training pixels of one L, its mean further from gray."""
    markdown, printed, _ = committed
    flat = " ".join(markdown.split())
    n, bmean, bmed, amean, amed = found(
        r"([\d,]+) pixels with L from 70 to 71: b mean ([+-]\d+\.\d), median ([+-]\d+\.\d); "
        r"a mean ([+-]\d+\.\d), median ([+-]\d+\.\d)", printed)
    assert float(bmean) > float(bmed) > 0, "the mean of b lies further from gray than the median"
    assert abs(float(amean)) < 2 and abs(float(amed)) < 2, "a: mean and median both near 0"
    assert f"The {n} training pixels with L from 70 to 71" in flat
    assert f"the mean of b, {bmean}, lies further from gray than " \
        f"the median, {bmed}" in flat
    assert f"Channel a's mean and median ({amean} and {amed}) both sit near 0" in flat
    near, yellow, blue = found(r"b within ±10: (\d+)%; above \+10: (\d+)%; below -10: (\d+)%",
                               printed)
    assert int(yellow) > 1.5 * int(blue), "'more on the yellow side than on the blue'"
    assert int(near) < 60, "a peak near 0, not a large majority"
    assert (f"They peak just above b = 0 ({near}% of them within ±10), with more on the yellow "
            f"side than on the blue ({yellow}% above +10, {blue}% below -10)") in flat


def test_the_worst_images_are_nearly_gray(committed):
    markdown, printed, _ = committed
    (worst,) = found(r"worst: mean chroma of the eight ([\d., ]+)\n", printed)
    (best,) = found(r"best: mean chroma of the eight ([\d., ]+)\n", printed)
    worst, best = [float(v) for v in worst.split(", ")], [float(v) for v in best.split(", ")]
    assert all(2 <= c < 5 for c in worst) and min(best) > max(worst)
    assert (f"nearly gray images (mean chroma printed below, {min(worst) / 2:.1f} to "
            f"{max(worst) / 2:.0f} times the cut-off of 2)") in markdown
    (classes,) = found(r"best: classes ([\w, ]+)\n", printed)
    animals = {"bird", "cat", "deer", "dog", "frog", "horse"}
    assert set(classes.split(", ")) <= animals, "'the best are animals'"
    assert "The best are animals whose colors follow from their content: a frog, birds, a dog, " \
        "deer and cats on grass or earth" in " ".join(markdown.split())
    assert sorted(classes.split(", ")) == ["bird", "bird", "cat", "cat", "deer", "deer", "dog",
                                           "frog"]


def test_the_clipped_ab_maps(committed):
    markdown, printed, _ = committed
    lo, hi, within = found(r"ab in \[(-\d\.\d\d), (\d\.\d\d)\]; (\d+)% of the ab values "
                           r"within ±0.3", printed)
    flat = " ".join(markdown.split())
    assert int(within) > 80 and min(-float(lo), float(hi)) > 0.3
    assert (f"Their color scale stops at ±0.3, which holds most ab/110 values (the share is "
            f"printed); the extremes reach [{lo}, {hi}]") in flat
