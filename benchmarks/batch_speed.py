"""Training speed of the course's UNet-16 by image size and batch size, on this CPU.

Usage (from the repository root):

    .venv/bin/python benchmarks/batch_speed.py --record

Why it exists: notebook 04 trains Imagenette's photos at 64 px in quick mode, and which batch
size to use there is a question of speed, not of taste: on a 2-core CPU a larger batch of larger
images can train fewer images per second (its activations no longer fit the caches). This
script times optimizer steps of ``UNet(1, 2, base=16, depth=3)`` with an L1 loss on random data
(speed does not depend on what the pixels show) for every size and batch size asked, in
``--rounds`` rounds in a shuffled order, and prints images per second: the median and the range
of the rounds. ``--record`` appends the table to ``benchmarks/results/batch_speed-cpu.md``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import time
from pathlib import Path

import torch

from colorlab.device import cpu_name
from colorlab.models import UNet

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "batch_speed-cpu.md"


def images_per_second(size: int, batch: int, steps: int) -> float:
    """Images per second over ``steps`` optimizer steps (after 2 untimed ones) of a fresh UNet-16
    on a random (batch, 1, size, size) L and (batch, 2, size, size) ab."""
    torch.manual_seed(0)
    model = UNet(1, 2, base=16, depth=3).to(memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    L = torch.rand(batch, 1, size, size).contiguous(memory_format=torch.channels_last)
    ab = torch.rand(batch, 2, size, size) * 2 - 1
    for step in range(steps + 2):
        if step == 2:
            start = time.perf_counter()
        optimizer.zero_grad()
        torch.nn.functional.l1_loss(model(L), ab).backward()
        optimizer.step()
    return steps * batch / (time.perf_counter() - start)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="32,64", help="image sizes in px (default: %(default)s)")
    parser.add_argument("--batches", default="16,32,64", help="batch sizes (default: %(default)s)")
    parser.add_argument("--images", type=int, default=768,
                        help="images timed per measurement (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="shuffled rounds (default: %(default)s)")
    parser.add_argument("--record", action="store_true",
                        help=f"append to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    cases = [(int(s), int(b)) for s in args.sizes.split(",") for b in args.batches.split(",")]
    rates: dict[tuple[int, int], list[float]] = {case: [] for case in cases}
    for round_ in range(args.rounds):
        order = cases[:]
        random.Random(round_).shuffle(order)              # a slow moment hits a different case
        for size, batch in order:
            steps = max(2, args.images // batch)
            rates[(size, batch)].append(images_per_second(size, batch, steps))
    lines = ["| image size | batch | images/s, median | range of the rounds |",
             "|---:|---:|---:|---|"]
    for (size, batch), r in rates.items():
        lines.append(f"| {size} px | {batch} | {statistics.median(r):,.0f} | "
                     f"{min(r):,.0f} - {max(r):,.0f} |")
    table = "\n".join(lines)
    print(table)
    if args.record:
        header = ("# Training speed by image size and batch size, CPU\n\nWritten by "
                  "`benchmarks/batch_speed.py --record`: UNet(1, 2, base=16, depth=3), L1 loss, "
                  "AdamW, channels_last, random data, float32; images per second over optimizer "
                  "steps, in shuffled rounds.\n")
        section = (f"\n## {datetime.datetime.now():%Y-%m-%d %H:%M}\n\nCPU: {cpu_name()}, "
                   f"{os.cpu_count()} cores, {torch.get_num_threads()} torch threads; torch "
                   f"{torch.__version__}; {args.rounds} rounds of {args.images} images per case; "
                   f"command: `benchmarks/batch_speed.py`\n\n{table}\n")
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(("" if RESULTS.exists() and RESULTS.stat().st_size else header) + section)
        print(f"recorded in {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
