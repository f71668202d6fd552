"""How long notebook 04 takes in quick mode on Imagenette-sized photos, on this CPU.

Usage (from the repository root):

    .venv/bin/python benchmarks/imagenette_standin.py --source data/cifar10-jpg --record

Imagenette itself cannot be downloaded on a machine without internet. Its cost on a CPU depends
on how many photos there are and how large they are, not on what they show, so this script
builds a **stand-in**: a folder with Imagenette-160's layout (``imagenette2-160/train/<wnid>/``
and ``val/<wnid>/``), its counts (9,469 training and 3,925 val photos over its ten class
folders) and its photo size (shorter side 160 px; 213 x 160 here), made by upscaling the images
of ``--source`` (any image folder, e.g. the CIFAR-10 JPEG copy) and saving them as JPEG. It then
runs ``notebooks/04_unet_colorizer.ipynb`` with papermill in quick mode and
``DATASET = "imagenette"`` pointed at the stand-in (``COLORLAB_DATA``), so the notebook takes
its real Imagenette path: 64-px training, the quick preset, its own folder rules.

It prints the notebook's wall time and its training time. **Only the times mean something**:
the stand-in's photos are upscaled thumbnails, so its PSNR and colors say nothing about
Imagenette. ``--record`` appends the figures to ``benchmarks/results/imagenette-standin-cpu.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from colorlab.device import cpu_name  # noqa: E402
from colorlab.imagenette import IMAGENETTE_CLASSES, IMAGENETTE_DIR  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "imagenette-standin-cpu.md"
COUNTS = {"train": 9_469, "val": 3_925}  # Imagenette-160 (imagenette2-160.tgz)
SIZE = (213, 160)                         # width x height: shorter side 160 px, as Imagenette-160


def build(source: Path, dest: Path) -> Path:
    """Write the stand-in under ``dest/imagenette2-160/`` (kept if complete); returns its path."""
    folder = dest / IMAGENETTE_DIR
    suffixes = (".jpg", ".jpeg", ".png")
    files = sorted(p for p in source.rglob("*") if p.suffix.lower() in suffixes)
    if len(files) < sum(COUNTS.values()):
        raise SystemExit(f"{source} has {len(files):,} images; the stand-in needs "
                         f"{sum(COUNTS.values()):,}. Pass a larger --source folder.")
    wnids = list(IMAGENETTE_CLASSES)
    k = 0
    for split, count in COUNTS.items():
        done = len(list((folder / split).rglob("*.JPEG"))) if (folder / split).is_dir() else 0
        if done == count:
            k += count
            continue
        for i in range(count):
            out = folder / split / wnids[i % len(wnids)] / f"standin_{i:05d}.JPEG"
            out.parent.mkdir(parents=True, exist_ok=True)
            with Image.open(files[k]) as im:
                im.convert("RGB").resize(SIZE, Image.BICUBIC).save(out, quality=90)
            k += 1
    return folder


def run_notebook(data_root: Path, out: Path) -> dict:
    """04 in quick mode on the stand-in; returns the wall time and the printed training line."""
    env = dict(os.environ, COLORLAB_MODE="quick", COLORLAB_DATA=str(data_root),
               COLORLAB_PROGRESS="text", MPLBACKEND="Agg")
    out.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    command = [sys.executable, "-m", "papermill", "notebooks/04_unet_colorizer.ipynb", str(out),
               "-p", "DATASET", "imagenette", "--cwd", "notebooks", "-k", "python3"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"papermill failed ({done.returncode}):\n{done.stderr[-3000:]}")
    nb = json.loads(out.read_text(encoding="utf-8"))
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"]
                      for o in c.get("outputs", []))
    found = {name: (m.group(0) if (m := re.search(pattern, printed)) else "not printed")
             for name, pattern in (("data", r"data: [^\n|]*"),
                                   ("preset", r"quick-mode preset: \w+"),
                                   ("recipe", r"UNet\(base=[^\n]*"),
                                   ("training", r"trained in [^\n]*"),
                                   ("summary", r"Summary: [^\n]*"))}
    return {"wall_s": wall, "papermill_s": nb["metadata"]["papermill"]["duration"], **found}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", default="data/cifar10-jpg",
                        help="an image folder with at least 13,394 images (default: %(default)s)")
    parser.add_argument("--dest", default="build/imagenette-standin",
                        help="where the stand-in is written (default: %(default)s)")
    parser.add_argument("--record", action="store_true",
                        help=f"append to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    dest = (ROOT / args.dest).resolve()
    t0 = time.perf_counter()
    folder = build((ROOT / args.source).resolve(), dest)
    print(f"stand-in: {folder} ({COUNTS['train']:,} train / {COUNTS['val']:,} val photos, "
          f"{SIZE[0]} x {SIZE[1]} px JPEG), built in {time.perf_counter() - t0:.0f} s")
    found = run_notebook(dest, dest / "04_unet_colorizer-standin.ipynb")
    lines = [f"notebook 04, quick mode, DATASET = \"imagenette\" on the stand-in: "
             f"{found['papermill_s']:.0f} s (papermill), {found['wall_s']:.0f} s wall with "
             "start-up",
             f"{found['data']}", f"{found['preset']}", f"{found['recipe']}", f"{found['training']}",
             "(quality figures of a stand-in mean nothing; not recorded)"]
    print("\n".join(lines))
    if args.record:
        cpu = cpu_name()
        section = (f"\n## {datetime.datetime.now():%Y-%m-%d %H:%M}\n\nCPU: {cpu}, {os.cpu_count()} "
                   f"cores; command: `benchmarks/imagenette_standin.py --source {args.source}`\n\n"
                   + "\n".join(f"- {x}" for x in lines) + "\n")
        if not RESULTS.exists():
            RESULTS.write_text(
                "# Notebook 04 on Imagenette-sized photos (a stand-in), CPU\n\n"
                "Written by `benchmarks/imagenette_standin.py --record`: the time of quick mode on "
                "a folder with Imagenette-160's layout, counts and photo size (upscaled CIFAR-10 "
                "JPEGs), because this machine cannot download Imagenette. Only the times mean "
                "something.\n", encoding="utf-8")
        with RESULTS.open("a", encoding="utf-8") as f:
            f.write(section)
        print(f"recorded in {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
