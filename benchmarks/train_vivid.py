"""Train the vivid colorizer that ships with the kit, notebook 05's bin classifier, and write its
weights and model card into colorlab/weights/ (``colorlab.pretrained.load("cifar10-vivid-unet")``
loads it, its decoder inside).

    python benchmarks/train_vivid.py --data data/cifar10-jpg [--epochs 8] [--base 16]

The recipe is notebook 05's: ``AbBins.fit`` on the training pixels (a 10-unit ab grid, the Q
cells that occur), a ``UNet(1, Q)`` that predicts one logit per bin, trained by
:func:`colorlab.train.fit` (AdamW, one-cycle) with the soft-encoded, class-rebalanced
cross-entropy (``bins.loss(soft=True, rebalance=True)``, lambda 0.5 as in Zhang et al.), random
flips, on all of CIFAR-10's training images less a seeded validation split. ``best.pt`` is kept
on the validation loss. The temperature T of the annealed mean is then chosen on the validation
images by notebook 05's rule, the best class-rebalanced AuC of the ab error, and the model,
decoded at that T, is scored ONCE on the test split with :func:`colorlab.metrics.evaluate`.
``--train-images`` / ``--test-images`` make a short probe (nothing is written into
colorlab/weights/ unless ``--out`` says so).

Everything the card says comes from this run: the command, the data, the device, the time and
the metrics.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
import time
from pathlib import Path

import torch

from colorlab import pretrained
from colorlab.bins import AbBins
from colorlab.checkpoint import load_checkpoint, save_checkpoint
from colorlab.color import AB_SCALE
from colorlab.colorizer import Colorizer, Decoded, lab_tensors
from colorlab.course.notebook import split_validation
from colorlab.data import Batches, load_dataset
from colorlab.device import device_name, seed_everything
from colorlab.metrics import evaluate
from colorlab.models import UNet
from colorlab.train import fit

sys.path.insert(0, str(Path(__file__).parent))
from train_classifier import cpu_model  # noqa: E402

NAME = "cifar10-vivid-unet"
TEMPERATURES = (1.0, 0.7, 0.5, 0.38, 0.25, 0.15, 0.08, 0.0)  # notebook 05's


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data/cifar10-jpg", help="an image folder, or cifar10")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--base", type=int, default=16, help="UNet width")
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--lam", type=float, default=0.5, help="rebalancing: 0 none, 1 full")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--val", type=int, default=5000, help="validation images held out")
    ap.add_argument("--train-images", type=int, default=None, help="default: all the rest")
    ap.add_argument("--test-images", type=int, default=None, help="default: the whole test split")
    ap.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--name", default=NAME)
    ap.add_argument("--out", default=None, help="where the .pt and .md go (default: "
                    "colorlab/weights/ for a full run, nowhere for a probe)")
    ap.add_argument("--data-note", default="", help="what the data is, for the card")
    ap.add_argument("--device-note", default="", help="what else ran on the machine, for the card")
    args = ap.parse_args(argv)
    command = "python benchmarks/train_vivid.py " + shlex.join(argv or sys.argv[1:])
    probe = args.train_images is not None or args.test_images is not None
    out = Path(args.out) if args.out else (None if probe else pretrained.WEIGHTS)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    train, val = split_validation(load_dataset(args.data, "train"), args.train_images,
                                  args.val, args.seed)
    test = load_dataset(args.data, "test")
    if args.test_images:
        pick = torch.randperm(len(test), generator=torch.Generator().manual_seed(1))
        test = test.subset(pick[:args.test_images].sort().values,
                           f"{test.source} (subset: {args.test_images:,}, seed 1)")
    print(f"data: {train.source}; {val.source}; test: {test.source}", flush=True)

    L, ab = lab_tensors(train, device)                      # L/100, ab/AB_SCALE
    bins = AbBins.fit(ab * AB_SCALE, lam=args.lam)            # Lab units
    print(f"{bins}: {len(bins)} bins occur in {len(train):,} training images", flush=True)
    where = (f"{device_name(device)}: {cpu_model()}, {torch.get_num_threads()} threads"
             if device.type == "cpu" else device_name(device))
    seed_everything(args.seed)
    net = UNet(in_ch=1, out_ch=len(bins), base=args.base, depth=args.depth, activation=None)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        history = fit(net, Batches(L, ab, batch_size=args.batch, seed=args.seed),
                      loss_fn=bins.loss(soft=True, rebalance=True), epochs=args.epochs,
                      lr=args.lr, val=lab_tensors(val, device), device=device,
                      checkpoint_dir=tmp, progress=False,
                      config={"recipe": "benchmarks/train_vivid.py", "command": command})
        seconds = time.perf_counter() - t0
        best = load_checkpoint(Path(tmp) / "best.pt", net)
    net = net.cpu().eval()
    del L, ab
    epoch = best.get("epoch")
    print(f"trained {args.epochs} epochs on {len(train):,} images in {seconds:.0f} s on {where};"
          f" best validation loss at epoch {epoch}", flush=True)
    for row in history.to_list():
        print("  ", {k: (round(v, 5) if isinstance(v, float) else v) for k, v in row.items()})

    # The temperature, chosen on validation (never on test): the best class-rebalanced AuC.
    on_val = {T: evaluate(Colorizer(Decoded(net, bins, T)), val, device="cpu", keep_images=False,
                          verbose=False).means() for T in TEMPERATURES}
    T = max(TEMPERATURES, key=lambda t: on_val[t]["ab_auc_rebalanced"])
    rows = ["| T | PSNR gain (dB) | colorfulness | AuC | rebalanced AuC | mean Delta E |",
            "|---|---|---|---|---|---|"]
    for t, m in on_val.items():
        rows.append(f"| {t:g}{' (chosen)' if t == T else ''} | {m['psnr_gain']:+.2f} | "
                    f"{m['colorfulness']:.1f} | {m['ab_auc']:.4f} | {m['ab_auc_rebalanced']:.4f} | "
                    f"{m['delta_e']:.2f} |")
    val_table = "\n".join(rows)
    print(f"validation, per temperature (truth's colorfulness "
          f"{on_val[T]['truth_colorfulness']:.1f}):\n{val_table}\nchosen: T = {T:g}", flush=True)

    model = Colorizer(Decoded(net, bins, T), train_size=int(train.images.shape[-1])).eval()
    classifier = pretrained.load("cifar10-classifier")
    result = evaluate(model, test, classifier=classifier, device="cpu")
    m = result.means()
    l1 = evaluate(pretrained.load("cifar10-l1-unet"), test, classifier=classifier, device="cpu",
                  verbose=False).means()
    print(result.table(args.name))
    print(f"beside cifar10-l1-unet on the same images: PSNR gain {l1['psnr_gain']:+.2f} dB, "
          f"colorfulness {l1['colorfulness']:.1f}, rebalanced AuC {l1['ab_auc_rebalanced']:.4f}")
    if out is None:
        return 0

    params = sum(p.numel() for p in net.parameters())
    metrics = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()}
    save_checkpoint(out / f"{args.name}.pt", net, config={
        **best["config"], "size": int(train.images.shape[-1]), "bins": bins.state_dict(),
        "T": T, "lambda": args.lam, "data": train.source, "command": command,
        "recipe_args": {k: v for k, v in vars(args).items() if k != "out"}},
        epoch=epoch, metrics=metrics, train_seconds=round(seconds, 1), device=where,
        torch=str(torch.__version__))
    (out / f"{args.name}.md").write_text(f"""# {args.name}

A vivid colorizer for 32 x 32 images, trained on CIFAR-10 as notebook 05 trains its bin
classifier: `UNet(in_ch=1, out_ch={len(bins)}, base={args.base}, depth={args.depth},
activation=None)`, {params:,} parameters, one logit per ab bin ({bins}), trained with
the soft-encoded, class-rebalanced cross-entropy (lambda {args.lam:g}) and decoded by the
annealed mean at T = {T:g} (chosen on validation: the best class-rebalanced AuC). Input L / 100,
shape (N, 1, H, W) in [0, 1] (H, W multiples of {2 ** args.depth}); output ab / 110, (N, 2, H, W):
the decoder is inside.
Load it with `colorlab.pretrained.load("{args.name}")`; `.net.net` is the classifier, `.net.bins`
the bins and `.net.T` the temperature (set another to see the trade-off).

- **Data**: {train.source}. Held out for validation: {val.source} (seed {args.seed}); the weights
  kept are those of the epoch with the lowest validation loss (epoch {epoch} of {args.epochs}).
  Scored once on: {test.source}.{" " + args.data_note if args.data_note else ""}
- **Recipe**: bins fit on the training pixels; `colorlab.train.fit` (AdamW, one-cycle schedule,
  peak lr {args.lr:g}, random horizontal flips), batch {args.batch}, {args.epochs} epochs,
  seed {args.seed}.
- **Command**: `{command}`
- **Device**: {where}; torch {torch.__version__}; training took {seconds / 60:.0f} min{
  " (" + args.device_note + ")" if args.device_note else ""}.

## The temperature, on the {len(val):,} validation images

{val_table}

## Test metrics

Already-gray test images (mean true chroma below 2 ab units) are set apart: on them the gray
baseline scores a perfect 100 dB. The object classifier is `cifar10-classifier` (its own card).
For comparison, `cifar10-l1-unet` on the same images: PSNR gain {l1['psnr_gain']:+.2f} dB,
colorfulness {l1['colorfulness']:.1f}, AuC {l1['ab_auc']:.4f}, rebalanced AuC
{l1['ab_auc_rebalanced']:.4f}, classifier accuracy {100 * l1['accuracy']:.1f}%.

{result.table(args.name)}

## What it can and cannot do

It learned from 32 x 32 thumbnails of ten classes. Where an object could be several colors, a
classifier keeps them all in its predicted distribution and the annealed mean picks a colorful
compromise; where L1 would paint it gray-brown it may paint a plausible color, or a wrong one
with confidence. On a photo, `colorize` runs it at a few times its training size: expect a
plausible tint, not a restored photograph.
""")
    print(f"wrote {out / f'{args.name}.pt'} and {out / f'{args.name}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
