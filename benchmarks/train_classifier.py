"""Train the object classifier that ships with the kit and write its weights and model card into
colorlab/weights/ (``colorlab.pretrained.load("cifar10-classifier")`` loads them).

    python benchmarks/train_classifier.py --data data/cifar10-jpg [--epochs 1] [--width 32]

The classifier is :class:`colorlab.perceptual.SmallClassifier`, trained on COLOR images of
CIFAR-10's training split (an image folder with train/<class>/ and test/<class>/, or
``--data cifar10``), with a seeded validation split of ``--val`` images held out; it is scored on
the validation images and on the test split, in color and in gray (the true L, a = b = 0). Zhang,
Isola & Efros (2016) run such a classifier on colorized images: the closer its accuracy comes to
its accuracy on the true images, the more of what makes an object recognizable the colorization
brings back ("semantic interpretability"). The recipe is colorlab.train.fit with its defaults
(AdamW, one-cycle schedule, flips), cross-entropy, on the CPU by default.

Everything the card says comes from this run: the command, the data, the device, the time and
the accuracies. Run it under ``flock /tmp/colorlab-cpu.lock`` on a shared machine.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from colorlab.checkpoint import save_checkpoint
from colorlab.color import grayscale
from colorlab.course.notebook import split_validation
from colorlab.data import Batches, load_dataset
from colorlab.device import cpu_name, device_name, seed_everything
from colorlab.metrics import classifier_accuracy
from colorlab.perceptual import SmallClassifier
from colorlab.pretrained import WEIGHTS
from colorlab.train import fit

NAME = "cifar10-classifier"


def gray(rgb: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 3, H, W) -> the grayscale baseline (true L, a = b = 0), float in [0, 1]."""
    return torch.cat([grayscale(x.float() / 255) for x in rgb.split(1000)])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data/cifar10-jpg", help="an image folder, or cifar10")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--val", type=int, default=5000, help="validation images held out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--out", default=str(WEIGHTS), help="where the .pt and the .md go")
    ap.add_argument("--data-note", default="", help="what the data is, for the card")
    args = ap.parse_args(argv)
    command = "python benchmarks/train_classifier.py " + shlex.join(argv or sys.argv[1:])
    device = torch.device(args.device)

    t_data = time.perf_counter()
    train, val = split_validation(load_dataset(args.data, "train"), None, args.val, args.seed)
    test = load_dataset(args.data, "test")
    print(f"data: {train.source}; {val.source}; test: {test.source} "
          f"({time.perf_counter() - t_data:.0f} s to read)", flush=True)

    seed_everything(args.seed)
    model = SmallClassifier(width=args.width, num_classes=len(train.classes))
    t0 = time.perf_counter()
    fit(model, Batches(train.float(), train.labels, batch_size=args.batch, seed=args.seed,
                       device=device),
        loss_fn=lambda logits, y: F.cross_entropy(logits, y), epochs=args.epochs, lr=args.lr,
        device=device, progress=False)
    seconds = time.perf_counter() - t0
    model = model.cpu().eval()
    accuracy = {
        "validation, color": classifier_accuracy(model, val.images, val.labels),
        "test, color": classifier_accuracy(model, test.images, test.labels),
        "test, gray (true L, a = b = 0)": classifier_accuracy(model, gray(test.images),
                                                              test.labels),
    }
    params = sum(p.numel() for p in model.parameters())
    where = f"{device_name(device)}: {cpu_name()}" if device.type == "cpu" else \
        device_name(device)
    print(f"{NAME}: SmallClassifier(width={args.width}), {params:,} parameters, "
          f"{args.epochs} epoch(s) on {len(train):,} images in {seconds:.0f} s on {where}")
    for k, v in accuracy.items():
        print(f"  accuracy, {k}: {v:.1%}")

    out = Path(args.out)
    recipe = {k: v for k, v in vars(args).items() if k != "out"}
    save_checkpoint(out / f"{NAME}.pt", model, config={
        "model": model.config, "classes": train.classes, "data": train.source,
        "recipe": recipe, "command": command},
        metrics={k: round(v, 4) for k, v in accuracy.items()},
        train_seconds=round(seconds, 1), device=where, torch=str(torch.__version__))
    rows = "\n".join(f"| {k} | {v:.1%} |" for k, v in accuracy.items())
    (out / f"{NAME}.md").write_text(f"""# {NAME}

An object classifier for CIFAR-10's ten classes, for the semantic interpretability test of
Zhang, Isola & Efros (2016): trained on color images, it is run on gray, colorized and true
images (`colorlab.metrics.evaluate(..., classifier=...)`). Not the ab-bin colorizer of notebook
05. Load it with `colorlab.pretrained.load("{NAME}")`.

- **Model**: `colorlab.perceptual.SmallClassifier(width={args.width})`, {params:,} parameters;
  input RGB (N, 3, 32, 32) float in [0, 1], output logits (N, 10) in the order
  {", ".join(train.classes)}.
- **Data**: {train.source} (color).
  Held out: {val.source} (seed {args.seed}).
  Scored on: {test.source}.{" " + args.data_note if args.data_note else ""}
- **Recipe**: `colorlab.train.fit` (AdamW, one-cycle schedule, peak lr {args.lr:g}, random
  horizontal flips), cross-entropy, batch {args.batch}, {args.epochs} epoch(s), seed {args.seed}.
- **Command**: `{command}`
- **Device**: {where}; torch {torch.__version__}; training took {seconds:.0f} s (a machine
  shared with other jobs).

| accuracy | |
|---|---|
{rows}

Chance is 10%. The gap between color and gray is how much this classifier relies on color: it
is the room a colorization has to win back. It is a small network trained for {args.epochs}
epoch(s) on a CPU: it measures colorizations against each other, not the state of the art in
recognizing objects.
""")
    print(f"wrote {out / f'{NAME}.pt'} and {out / f'{NAME}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
