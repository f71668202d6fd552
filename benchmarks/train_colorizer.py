"""Train the L1 UNet colorizer that ships with the kit and write its weights and model card into
colorlab/weights/ (``colorlab.pretrained.load("cifar10-l1-unet")`` loads them).

    python benchmarks/train_colorizer.py --data data/cifar10-jpg [--epochs 12] [--base 16]

The recipe is the course's own, :func:`colorlab.recipes.train_colorizer` (notebook 04 and
``python -m colorlab train`` call it): UNet(1 -> 2), L/100 in, ab/110 out, AdamW with a one-cycle
schedule, random flips, on all of CIFAR-10's training images less a seeded validation split.
``best.pt`` is chosen on the validation loss, then scored ONCE on the test split with
:func:`colorlab.metrics.evaluate` (already-gray images set apart, the shipped object classifier
for semantic interpretability). ``--train-images`` / ``--test-images`` make a short probe of the
same recipe (nothing is written into colorlab/weights/ unless ``--out`` says so).

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
from colorlab.checkpoint import load_checkpoint, save_checkpoint
from colorlab.course.notebook import split_validation
from colorlab.data import load_dataset
from colorlab.device import device_name
from colorlab.metrics import evaluate
from colorlab.recipes import train_colorizer

sys.path.insert(0, str(Path(__file__).parent))
from train_classifier import cpu_model  # noqa: E402

NAME = "cifar10-l1-unet"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data/cifar10-jpg", help="an image folder, or cifar10")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--base", type=int, default=16, help="UNet width")
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--loss", default="l1", choices=["l1", "mse", "l1_ssim"])
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
    command = "python benchmarks/train_colorizer.py " + shlex.join(argv or sys.argv[1:])
    probe = args.train_images is not None or args.test_images is not None
    out = Path(args.out) if args.out else (None if probe else pretrained.WEIGHTS)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)

    t_data = time.perf_counter()
    train, val = split_validation(load_dataset(args.data, "train"), args.train_images,
                                  args.val, args.seed)
    test = load_dataset(args.data, "test")
    if args.test_images:
        pick = torch.randperm(len(test), generator=torch.Generator().manual_seed(1))
        test = test.subset(pick[:args.test_images].sort().values,
                           f"{test.source} (subset: {args.test_images:,}, seed 1)")
    print(f"data: {train.source}; {val.source}; test: {test.source} "
          f"({time.perf_counter() - t_data:.0f} s to read)", flush=True)

    where = (f"{device_name(device)}: {cpu_model()}, {torch.get_num_threads()} threads"
             if device.type == "cpu" else device_name(device))
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        model, history = train_colorizer(
            train, epochs=args.epochs, base=args.base, depth=args.depth,
            batch_size=args.batch, lr=args.lr, loss=args.loss, val_images=val, device=device,
            checkpoint_dir=tmp, seed=args.seed, progress=False,
            config={"recipe": "benchmarks/train_colorizer.py", "command": command})
        seconds = time.perf_counter() - t0
        best = load_checkpoint(Path(tmp) / "best.pt", model)
    model = model.cpu().eval()
    epoch = best.get("epoch")
    print(f"trained {args.epochs} epochs on {len(train):,} images in {seconds:.0f} s on {where};"
          f" best validation loss at epoch {epoch}", flush=True)
    for row in history.to_list():
        print("  ", {k: (round(v, 5) if isinstance(v, float) else v) for k, v in row.items()})
    print(flush=True)

    classifier = pretrained.load("cifar10-classifier")
    result = evaluate(model, test, classifier=classifier, device="cpu")
    m = result.means()
    print(result.table(args.name))
    print(f"PSNR gain over gray, counted images: {m['psnr_gain']:+.2f} dB (target +1.2)")
    if out is None:
        return 0

    params = sum(p.numel() for p in model.parameters())
    metrics = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()}
    save_checkpoint(out / f"{args.name}.pt", model, config={
        **best["config"], "data": train.source, "command": command,
        "recipe_args": {k: v for k, v in vars(args).items() if k != "out"}},
        epoch=epoch, metrics=metrics, train_seconds=round(seconds, 1), device=where,
        torch=str(torch.__version__))
    (out / f"{args.name}.md").write_text(f"""# {args.name}

A colorizer for 32 x 32 images, trained on CIFAR-10: `UNet(in_ch=1, out_ch=2, base={args.base},
depth={args.depth})`, {params:,} parameters, loss `{args.loss}` on ab. Input L / 100, shape
(N, 1, H, W) in [0, 1] (H, W multiples of {2 ** args.depth}); output ab / 110, (N, 2, H, W) in
about [-1, 1]. Load it with `colorlab.pretrained.load("{args.name}")`;
`python -m colorlab colorize PHOTO` uses it when no `--checkpoint` is given.

- **Data**: {train.source}. Held out for validation: {val.source} (seed {args.seed}); the weights
  kept are those of the epoch with the lowest validation loss (epoch {epoch} of {args.epochs}).
  Scored once on: {test.source}.{" " + args.data_note if args.data_note else ""}
- **Recipe**: `colorlab.recipes.train_colorizer` (the course's recipe: AdamW, one-cycle schedule,
  peak lr {args.lr:g}, random horizontal flips), batch {args.batch}, {args.epochs} epochs,
  seed {args.seed}.
- **Command**: `{command}`
- **Device**: {where}; torch {torch.__version__}; training took {seconds / 60:.0f} min{
  " (" + args.device_note + ")" if args.device_note else ""}.

## Test metrics

Already-gray test images (mean true chroma below 2 ab units) are set apart: on them the gray
baseline scores a perfect 100 dB. The object classifier is `cifar10-classifier` (its own card).

{result.table(args.name)}

## What it can and cannot do

It learned from 32 x 32 thumbnails of ten classes. Its colors are muted (colorfulness
{m['colorfulness']:.1f} against the truth's {m['truth_colorfulness']:.1f} in the table): an L1 loss
picks the median of the colors it saw, so where an object could be any color it stays near gray
or brown. On a photo, `colorize` runs it at a few times its training size: expect a plausible
tint, not a restored photograph.
""")
    print(f"wrote {out / f'{args.name}.pt'} and {out / f'{args.name}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
