"""How fast does the streaming loader decode photos? Images per second at 256 px, per worker count.

    python benchmarks/stream_decode.py [--size 256] [--images 64] [--workers 0 1 2] [--record]

What is timed is what ``python -m colorlab train --stream`` runs: one epoch of
``colorlab.stream.StreamBatches(...).uint8_batches()`` (augment on: each JPEG read with
colorlab.images.read_image, its draft mode shrinking by 2/4/8 in the decoder when the photo is at
least twice the size, converted to sRGB, shorter side resized to --size, a random square crop,
a random flip; batches of 32 collated into uint8 tensors). Two figures: the whole epoch, worker
start-up included (it happens at the start of every epoch), and the steady rate after the first
batch (what an epoch of 10^5 photos sees). The Lab conversion is not timed: it runs on the
training device.

The photos: the scikit-image sample photos (colorlab.data.SAMPLE_PHOTOS), each resized to a
photo size below, with Gaussian noise (sigma 3) so that they compress about as real photos do,
saved as JPEG quality 90 into a temporary folder; the same --images files for every worker
count. Three rounds each; the median. ``--record`` writes benchmarks/results/stream_decode-cpu.md.
Run it under ``flock /tmp/colorlab-cpu.lock`` on a shared machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from colorlab.data import sample_photos
from colorlab.stream import StreamBatches

PHOTO_SIZES = {"640x480 (web)": (640, 480), "1600x1200 (2 MP)": (1600, 1200),
               "4032x3024 (12 MP phone)": (4032, 3024)}
DISTINCT = 8  # distinct files per photo size; the list repeats them up to --images
GPU_RATE = 900  # img/s at 256 px on one H100 for the UNet (the course's figure; not measured here)
RESULTS = Path(__file__).resolve().parent / "results" / "stream_decode-cpu.md"


def make_photos(folder: Path, size: tuple[int, int], seed: int = 0) -> list[Path]:
    rng = np.random.default_rng(seed)
    photos = list(sample_photos().values())
    paths = []
    for i in range(DISTINCT):
        img = Image.fromarray(photos[i % len(photos)]).resize(size, Image.Resampling.BICUBIC)
        noisy = np.asarray(img, np.float32) + rng.normal(0, 3, (size[1], size[0], 3))
        path = folder / f"{size[0]}x{size[1]}_{i}.jpg"
        Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(path, quality=90)
        paths.append(path)
    return paths


def epoch_rate(files, size: int, workers: int, rounds: int = 3) -> tuple[float, float]:
    """Median images/s over ``rounds`` epochs (seeded differently: other crops each time): the
    whole epoch, and after its first batch (worker start-up and the first batch left out)."""
    whole, steady = [], []
    for r in range(rounds):
        batches = StreamBatches(files, size, 32, augment=True, workers=workers, seed=r)
        t0 = time.perf_counter()
        sizes, times = [], []
        for b in batches.uint8_batches():
            sizes.append(len(b))
            times.append(time.perf_counter())
        whole.append(sum(sizes) / (times[-1] - t0))
        steady.append(sum(sizes[1:]) / (times[-1] - times[0]))
    return statistics.median(whole), statistics.median(steady)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--images", type=int, default=192, help="images per epoch (192)")
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--record", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args()
    torch.set_num_threads(1)  # decoding is PIL's, one core per process; keep torch out of it
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, wh in PHOTO_SIZES.items():
            paths = make_photos(Path(tmp), wh)
            mb = sum(p.stat().st_size for p in paths) / len(paths) / 1e6
            files = (paths * (args.images // len(paths) + 1))[: args.images]
            for w in args.workers:
                whole, steady = epoch_rate(files, args.size, w)
                rows.append((label, mb, w, whole, steady))
                print(f"{label:>24}  {mb:4.1f} MB/file  workers {w}: {whole:7.1f} img/s "
                      f"(epoch), {steady:7.1f} img/s (steady)", flush=True)
    cpu = platform.processor() or platform.machine()
    by_size = {label: {w: r for lab, _, w, _, r in rows if lab == label} for label in PHOTO_SIZES}
    lines = [
        f"# Streaming decode speed at {args.size} px on the CPU",
        "",
        f"Machine: {cpu}, a shared VM with {os.cpu_count()} cores, torch {torch.__version__}, "
        f"Pillow {Image.__version__}, Python {sys.version.split()[0]}. Written by "
        f"`flock /tmp/colorlab-cpu.lock python benchmarks/stream_decode.py --record` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Method: the script's docstring "
        f"(one epoch of {args.images} JPEGs through `StreamBatches(...).uint8_batches()`, "
        "augmentation on; median of 3 epochs). Workers 0 decodes in the main process; each "
        "worker is one process. *epoch*: worker start-up included; *steady*: after the first "
        "batch.",
        "",
        "| photo size | MB per file | workers | images/s, epoch | images/s, steady |",
        "|---|---|---|---|---|",
        *(f"| {label} | {mb:.1f} | {w} | {whole:.0f} | {steady:.0f} |"
          for label, mb, w, whole, steady in rows),
        "",
        "## How many cores feed a GPU",
        "",
        f"The UNet trains at about {GPU_RATE} images/s at 256 px on one H100 (the course's "
        "figure: **not measured here**, no GPU on this machine). One decoding core here, "
        "measured in the main process (workers 0, steady rate), gives:",
        "",
    ]
    for label, rates in by_size.items():
        if 0 in rates:
            cores = int(np.ceil(GPU_RATE / rates[0]))
            lines.append(f"- {label}: {rates[0]:.0f} img/s a core, so {cores} cores "
                         f"(`--workers {cores}`) per H100.")
    gains = ", ".join(f"{rates[max(rates)] / rates[0]:.2f}x ({label.split(' ')[0]})"
                      for label, rates in by_size.items() if 0 in rates and max(rates) > 0)
    lines += ["", "Under torchrun `--workers` is per process, so a node with N GPUs needs N "
              "times as many cores. The estimate assumes that decoding scales with free cores, "
              "which this 2-core VM can show only up to 2: the most workers gave, steady, "
              f"{gains} the rate of one core, while sharing the 2 cores with the main process "
              "(which collates, and in training runs the training step) and with other jobs. "
              "Figures from other machines will differ."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.record:
        RESULTS.write_text(text)
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
