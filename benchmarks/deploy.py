"""How big and how fast are the deployable versions of a colorizer on a CPU? File size, latency on
one 256 x 256 photo and throughput on batches of 64 images of 32 x 32, for fp32 PyTorch, ONNX
fp32 and static int8 (onnxruntime), and the UNet with half of each block's middle channels
pruned (PyTorch and ONNX). Medians of --runs timed calls after 3 warm-up calls.

    python benchmarks/deploy.py [--checkpoint notebooks/runs/04_unet_colorizer/best.pt]
                                [--threads 2] [--runs 20] [--calibration sample]

Prints one line per variant and the targets (parity <= 1e-4, int8 <= 30% of the fp32
size, int8 or pruned latency below fp32); exits 1 if a target is missed. Quality (PSNR, Delta E)
is not measured here: notebook 06 scores every variant on the test images.
Needs the deploy extra (onnx, onnxscript, onnxruntime).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import torch

from colorlab import deploy
from colorlab.colorizer import lab_tensors
from colorlab.data import load_dataset
from colorlab.device import cpu_name
from colorlab.infer import load_colorizer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", default="notebooks/runs/04_unet_colorizer/best.pt")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--calibration", default="sample",
                        help="int8 calibration images (training split): sample, cifar10, a folder")
    args = parser.parse_args(argv)
    if not deploy.onnx_available():
        print(deploy.ONNX_MISSING, file=sys.stderr)
        return 1
    torch.set_num_threads(args.threads)
    model = load_colorizer(args.checkpoint).to(memory_format=torch.channels_last)
    calibration = load_dataset(args.calibration, "train", model.train_size or 32).take(256)
    L_calib, _ = lab_tensors(calibration)
    print(f"checkpoint: {args.checkpoint} ({model.config['kwargs']}); torch {torch.__version__}, "
          f"{args.threads} threads (torch and onnxruntime); CPU: {cpu_name()}; "
          f"medians of {args.runs} runs after 3 warm-up runs; int8 calibrated on "
          f"{len(calibration)} training images of {calibration.source}")
    rows = {}
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        torch.save(model.state_dict(), work / "fp32.pt")
        # by="l1": the rule results/deploy-cpu.md was recorded with (the default is now "gamma")
        slim = deploy.prune_channels(model, 0.5, by="l1")
        slim = slim.to(memory_format=torch.channels_last).eval()
        torch.save(slim.state_dict(), work / "slim.pt")
        fp32_onnx = deploy.export_onnx(model, work / "fp32.onnx")
        int8_onnx = deploy.quantize_int8(fp32_onnx, work / "int8.onnx", L_calib)
        slim_onnx = deploy.export_onnx(slim, work / "slim.onnx")
        variants = {
            "fp32 PyTorch": (model, work / "fp32.pt"),
            "ONNX fp32": (deploy.OnnxColorizer(fp32_onnx, args.threads), fp32_onnx),
            "ONNX int8 static": (deploy.OnnxColorizer(int8_onnx, args.threads), int8_onnx),
            "50% channels PyTorch": (slim, work / "slim.pt"),
            "50% channels ONNX fp32": (deploy.OnnxColorizer(slim_onnx, args.threads), slim_onnx),
        }
        L = torch.rand(8, 1, 64, 64, generator=torch.Generator().manual_seed(0))
        with torch.no_grad():
            want = model(L)
        for name, (net, path) in variants.items():
            with torch.no_grad():
                diff = (net(L) - want).abs().max().item()
            rows[name] = {"mb": deploy.file_mb(path), **deploy.speed(net, args.runs), "diff": diff}
            r = rows[name]
            print(f"{name:<24} {r['mb']:6.2f} MB  {r['photo_ms']:7.1f} ms/photo  "
                  f"{r['images_per_s']:7,.0f} img/s  max |d ab| vs fp32 {diff:.2g}")
    fp32, onnx32, int8 = rows["fp32 PyTorch"], rows["ONNX fp32"], rows["ONNX int8 static"]
    fastest = min(("ONNX int8 static", "50% channels PyTorch"), key=lambda k: rows[k]["photo_ms"])
    targets = {
        f"ONNX parity {onnx32['diff']:.1e} <= 1e-4": onnx32["diff"] <= 1e-4,
        f"int8 size {int8['mb'] / onnx32['mb']:.0%} of the fp32 ONNX file <= 30%":
            int8["mb"] <= 0.30 * onnx32["mb"],
        f"{fastest} latency {fp32['photo_ms'] / rows[fastest]['photo_ms']:.2f}x faster than "
        "fp32 PyTorch (> 1)": rows[fastest]["photo_ms"] < fp32["photo_ms"],
    }
    for text, ok in targets.items():
        print(f"{'ok  ' if ok else 'MISS'} {text}")
    return 0 if all(targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
