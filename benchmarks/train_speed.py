"""How fast does the UNet colorizer train? Images per second and achieved TFLOP/s.

    python benchmarks/train_speed.py [--size 32|256|both] [--compile] [--fused] [--batch B]
                                     [--steps S] [--record]
    python benchmarks/train_speed.py --sweep --record      # every variant below, one table

Two settings, both UNet(1 -> 2, base 64), L1 loss, AdamW, bf16 autocast and channels_last on a
GPU (float32 on the CPU, as colorlab.train.fit does), the data resident on the device and
batches cut and flipped there by colorlab.data.Batches (no DataLoader):

    32 x 32,   depth 3, batch 1024  (CIFAR-10, notebook 04)
    256 x 256, depth 4, batch 64    (photos, `python -m colorlab train --size 256`)

Reference (issue 5, one H100): our reference loop reaches about 57,000 images/s at 32 x 32 and
870 images/s at 256 x 256; the target is to match it at least, and to aim for 70,000 and 1,000.

Method. The timed loop is the step of colorlab.train.fit (autocast forward, L1 loss, backward,
AdamW step, one-cycle scheduler step), after ``--warmup`` untimed steps (torch.compile compiles
there), with the device synchronized before and after ``--steps`` timed steps. FLOPs: one whole
training step (forward AND backward) is counted once with torch.utils.flop_counter.
FlopCounterMode, which counts convolutions and matrix products at 2 FLOPs per multiply-add
(BatchNorm, ReLU, the loss and the optimizer are not counted; nothing is multiplied by 3);
TFLOP/s = FLOPs per step x steps per second. The images are random (speed does not depend on
pixel values). ``--record`` merges the results into
benchmarks/results/train_speed-<device>.json and rewrites the .md table next to it, one row per
variant, so runs with different options end up side by side.

On a CPU it still runs (``--steps 2 --batch 8``; add ``--base 16`` for a run of seconds) and
reports CPU figures; the targets above are for an H100.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from colorlab.data import Batches
from colorlab.device import device_name
from colorlab.models import UNet
from colorlab.recipes import device_slug

SETTINGS = {32: {"depth": 3, "batch": 1024}, 256: {"depth": 4, "batch": 64}}
REFERENCE = {32: 57_000, 256: 870}  # images/s of the reference loop on one H100
TARGET = {32: 70_000, 256: 1_000}
RESULTS = Path(__file__).resolve().parent / "results"
# --sweep: (name, options) tried at both sizes; None batch = the setting's default
SWEEP = [
    ("eager", {}),
    ("eager + fused AdamW", {"fused": True}),
    ("compile", {"compile": "default"}),
    ("compile + fused AdamW", {"compile": "default", "fused": True}),
    ("compile max-autotune (CUDA graphs) + fused", {"compile": "max-autotune", "fused": True}),
    ("compile + fused, batch x2", {"compile": "default", "fused": True, "batch_factor": 2}),
]


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def step_flops(model: torch.nn.Module, batch: int, size: int) -> int:
    """FLOPs of one forward + backward step, counted on a copy on the meta device (no compute,
    no memory: the count depends on the shapes only)."""
    meta = copy.deepcopy(model).to("meta")
    x = torch.empty(batch, 1, size, size, device="meta")
    y = torch.empty(batch, 2, size, size, device="meta")
    with FlopCounterMode(display=False) as counter:
        F.l1_loss(meta(x).float(), y).backward()
    return counter.get_total_flops()


def bench(size: int, batch: int, steps: int, warmup: int, device: torch.device,
          compile_mode: str | None = None, fused: bool = False, channels_last: bool = True,
          base: int = 64) -> dict:
    """Time ``steps`` training steps of UNet(base, depth for ``size``); return the figures."""
    depth = SETTINGS[size]["depth"]
    cuda = device.type == "cuda"
    amp = torch.bfloat16 if cuda else None
    channels_last = channels_last and cuda
    torch.manual_seed(0)
    n = batch * max(1, min(steps, 16))  # resident data: up to 16 distinct batches, reshuffled
    L = torch.rand(n, 1, size, size, device=device)
    ab = torch.rand(n, 2, size, size, device=device) * 2 - 1
    batches = Batches(L, ab, batch_size=batch, drop_last=True, seed=0)
    model = UNet(1, 2, base=base, depth=depth).to(
        device, memory_format=torch.channels_last if channels_last else torch.preserve_format)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.05,
                                  **({"fused": True} if fused else {}))
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-3,
                                                    total_steps=warmup + steps + 1)
    flops = step_flops(model, batch, size)
    step_model = torch.compile(model, mode=compile_mode) if compile_mode else model

    def step(x, y):
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        with torch.autocast(device.type, dtype=amp, enabled=amp is not None):
            loss = F.l1_loss(step_model(x).float(), y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        scheduler.step()
        return loss.detach()

    def run(count):
        done = 0
        while done < count:
            for x, y in batches:
                step(x, y)
                done += 1
                if done == count:
                    break

    t0 = time.perf_counter()
    run(warmup)
    sync(device)
    warmup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run(steps)
    sync(device)
    seconds = time.perf_counter() - t0
    images_per_s = steps * batch / seconds
    return {"size": size, "depth": depth, "base": base, "batch": batch, "steps": steps,
            "warmup_steps": warmup, "warmup_s": round(warmup_s, 2),
            "compile": compile_mode or "no", "fused_adamw": fused,
            "channels_last": channels_last, "dtype": "bf16 autocast" if amp else "float32",
            "seconds": round(seconds, 4), "ms_per_step": round(1000 * seconds / steps, 3),
            "images_per_s": round(images_per_s, 1),
            "gflop_per_image": round(flops / batch / 1e9, 3),
            "tflops": round(flops * steps / seconds / 1e12, 2)}


def line(name: str, r: dict, on_h100_class: bool) -> str:
    ref = REFERENCE[r["size"]]
    versus = (f" | {r['images_per_s'] / ref:.2f}x the reference ({ref:,}/s), target "
              f"{TARGET[r['size']]:,}/s" if on_h100_class else "")
    return (f"{name:>44} | {r['size']:>3}x{r['size']:<3} batch {r['batch']:>4}: "
            f"{r['images_per_s']:>10,.0f} images/s, {r['tflops']:7.2f} TFLOP/s, "
            f"{r['ms_per_step']:8.2f} ms/step{versus}")


def record(device: torch.device, results: list[tuple[str, dict]]) -> tuple[Path, Path]:
    """Merge ``results`` into benchmarks/results/train_speed-<slug>.json; rewrite the .md."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    slug = device_slug(device)
    js, md = RESULTS / f"train_speed-{slug}.json", RESULTS / f"train_speed-{slug}.md"
    data = json.loads(js.read_text()) if js.is_file() else {"runs": {}}
    data.update(device=device_name(device), torch=torch.__version__,
                python=platform.python_version(), reference_images_per_s=REFERENCE,
                target_images_per_s=TARGET,
                method="FlopCounterMode on one forward+backward step (conv/matmul, 2 FLOPs per "
                       "MAC); synchronized wall clock over the timed steps")
    for name, r in results:
        data["runs"][f"{r['size']}px | {name}"] = {**r, "date": time.strftime("%Y-%m-%d %H:%M")}
    js.write_text(json.dumps(data, indent=2) + "\n")
    rows = ["| setting | variant | batch | images/s | TFLOP/s | ms/step | vs reference |",
            "|---|---|---|---|---|---|---|"]
    for key, r in sorted(data["runs"].items(), key=lambda kv: (kv[1]["size"], kv[0])):
        ref = REFERENCE[r["size"]]
        rows.append(f"| {r['size']}x{r['size']}, depth {r['depth']} | {key.split(' | ', 1)[1]} | "
                    f"{r['batch']} | {r['images_per_s']:,.0f} | {r['tflops']:.1f} | "
                    f"{r['ms_per_step']:.2f} | {r['images_per_s'] / ref:.2f}x |")
    md.write_text(
        f"# UNet training speed on {data['device']}\n\n"
        f"torch {data['torch']}, UNet(1 -> 2, base 64), L1 + AdamW, data resident on the device. "
        f"Reference loop on one H100: {REFERENCE[32]:,} images/s at 32x32 (depth 3, batch 1024),"
        f" {REFERENCE[256]:,} at 256x256 (depth 4, batch 64); targets {TARGET[32]:,} and "
        f"{TARGET[256]:,}. Written by `python benchmarks/train_speed.py --record`.\n\n"
        f"Method: {data['method']}.\n\n" + "\n".join(rows) + "\n")
    return js, md


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["32", "256", "both"], default="both")
    parser.add_argument("--batch", type=int, help="batch size (default 1024 at 32, 64 at 256)")
    parser.add_argument("--steps", type=int, default=50, help="timed steps (50)")
    parser.add_argument("--warmup", type=int, default=None,
                        help="untimed steps first (5 on a GPU, 10 with --compile; 1 on a CPU)")
    parser.add_argument("--base", type=int, default=64,
                        help="UNet width (64; smaller only to try the script on a CPU)")
    parser.add_argument("--compile", nargs="?", const="default", default=None,
                        metavar="MODE", help="torch.compile the model (MODE: default, "
                        "reduce-overhead, max-autotune, max-autotune-no-cudagraphs)")
    parser.add_argument("--fused", action="store_true", help="AdamW(fused=True)")
    parser.add_argument("--no-channels-last", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="run every variant of SWEEP")
    parser.add_argument("--record", action="store_true",
                        help="merge the results into benchmarks/results/train_speed-<device>.*")
    parser.add_argument("--device", default=None, help="default: cuda if available, else cpu")
    args = parser.parse_args(argv)

    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    name = device_name(device)
    h100_class = device.type == "cuda" and any(g in name for g in ("H100", "H200", "GH200"))
    print(f"device: {name}; torch {torch.__version__}")
    if not h100_class:
        print("note: the reference figures and targets (57,000 / 870 images/s; aim 70,000 / "
              "1,000) are for one H100; figures here are not comparable with them.")
    sizes = [32, 256] if args.size == "both" else [int(args.size)]
    variants = SWEEP if args.sweep else [(
        " + ".join(filter(None, [f"compile {args.compile}" if args.compile else "eager",
                                 "fused AdamW" if args.fused else "",
                                 "" if not args.no_channels_last else "no channels_last"])),
        {"compile": args.compile, "fused": args.fused})]
    results = []
    for size in sizes:
        for label, opts in variants:
            batch = args.batch or SETTINGS[size]["batch"] * opts.get("batch_factor", 1)
            compile_mode = opts.get("compile")
            if compile_mode and device.type == "cpu" and args.sweep:
                continue  # compiling on a CPU takes minutes and says nothing about the GPU
            warmup = args.warmup if args.warmup is not None else (
                1 if device.type == "cpu" else 10 if compile_mode else 5)
            try:
                r = bench(size, batch, args.steps, warmup, device, compile_mode=compile_mode,
                          fused=opts.get("fused", False),
                          channels_last=not args.no_channels_last, base=args.base)
            except Exception as err:  # one failing variant (e.g. out of memory) must not end it
                print(f"{label:>44} | {size}x{size}: FAILED ({type(err).__name__}: "
                      f"{str(err).splitlines()[0][:160]})")
                if device.type == "cuda":
                    torch.cuda.empty_cache()
                continue
            if args.base != 64:
                label = f"{label} (base {args.base})"
            results.append((label, r))
            print(line(label, r, h100_class), flush=True)
    if args.record and results:
        js, md = record(device, results)
        print(f"recorded in {js} and {md}")
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
