"""Does onnxruntime's thread spinning slow down colorizing a photo? ``colorize`` runs the network
between two color conversions done in PyTorch; onnxruntime's default keeps its idle intra-op
threads busy-waiting after each call, on the same cores those conversions need.

For the pretrained colorizer (exported to fp32 and static int8 ONNX here), this times
``colorlab.infer.colorize`` on each test photo of the built-in sample set, the whole photo as
``python -m colorlab colorize --model`` does it, with ``OnnxColorizer(..., spinning=True)``
(onnxruntime's default) and ``spinning=False`` (session config entry
``"session.intra_op.allow_spinning"`` set to ``"0"``), in shuffled rounds. Also times the
network alone (``model(L)``, a batch of 64 images of 32 x 32),
where spinning is meant to help.

    python benchmarks/onnx_spinning.py [--threads 2] [--rounds 7] [--runs 10]

Prints the median ms per call of each variant, and the ratio spinning / sleeping of each round
(a ratio per round is robust to a machine whose speed drifts between rounds).
"""

from __future__ import annotations

import argparse
import functools
import random
import statistics
import sys
import tempfile
from pathlib import Path

import torch

from colorlab import deploy, pretrained
from colorlab.colorizer import lab_tensors
from colorlab.data import load_dataset, sample_photos
from colorlab.device import cpu_name
from colorlab.infer import colorize


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--runs", type=int, default=10, help="timed calls per round (median)")
    parser.add_argument("--model", default="cifar10-l1-unet", help="a pretrained colorizer")
    args = parser.parse_args(argv)
    if not deploy.onnx_available():
        print(deploy.ONNX_MISSING, file=sys.stderr)
        return 1
    torch.set_num_threads(args.threads)
    model = pretrained.load(args.model)
    photos = sample_photos("test")  # {name: (H, W, 3) uint8}
    calibration = load_dataset("sample", "train", model.train_size or 32).take(256)
    L_calib, _ = lab_tensors(calibration)
    batch = torch.rand(64, 1, 32, 32, generator=torch.Generator().manual_seed(0))
    sizes = ", ".join(f"{p.shape[1]}x{p.shape[0]}" for p in photos.values())
    print(f"model: pretrained {args.model!r}; torch {torch.__version__}, {args.threads} threads "
          f"(torch and onnxruntime); CPU: {cpu_name()}; {len(photos)} sample test photos "
          f"({sizes}), each colorized whole; medians of {args.runs} calls after 3 warm-up "
          f"calls, {args.rounds} rounds in shuffled order")
    with tempfile.TemporaryDirectory() as work:
        fp32 = deploy.export_onnx(model, Path(work) / "fp32.onnx")
        int8 = deploy.quantize_int8(fp32, Path(work) / "int8.onnx", L_calib)
        for label, path in (("fp32 ONNX", fp32), ("int8 ONNX", int8)):
            apps = {spin: deploy.OnnxColorizer(path, args.threads, spinning=spin)
                    for spin in (True, False)}
            tasks = {
                "colorize(photo), all photos": lambda app: [colorize(app, p)
                                                            for p in photos.values()],
                "network alone, 64 x 32 x 32": lambda app: app(batch),
            }
            for task, call in tasks.items():
                ms = {True: [], False: []}
                for r in range(args.rounds):
                    for spin in random.Random(r).sample([True, False], 2):
                        timed = functools.partial(call, apps[spin])
                        seconds = deploy.median_seconds(timed, args.runs)
                        ms[spin].append(1000 * seconds)
                ratios = [a / b for a, b in zip(ms[True], ms[False])]
                print(f"{label}, {task}: spinning {statistics.median(ms[True]):7.1f} ms, "
                      f"sleeping {statistics.median(ms[False]):7.1f} ms; spinning / sleeping per "
                      f"round: median {statistics.median(ratios):.2f} "
                      f"(range {min(ratios):.2f}-{max(ratios):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
