"""How fast does the UNet colorizer train? Images per second and achieved TFLOP/s.

    python benchmarks/train_speed.py [--size 32|256|both] [--compile] [--fused] [--batch B]
                                     [--steps S] [--record]
    python benchmarks/train_speed.py --sweep --record      # every variant below, one table
    python benchmarks/train_speed.py --cpu-sweep --record  # the CPU: base 16/32, fp32 vs bf16,
                                                           # channels_last, compile, threads
    python benchmarks/train_speed.py --quality data/cifar10-jpg --record  # fp32 vs bf16 val loss

Two GPU settings, both UNet(1 -> 2, base 64), L1 loss, AdamW, with fit's defaults for the device
(bf16 autocast and channels_last on a GPU and on CPUs with bf16 in hardware), the data resident
on the device and batches cut and flipped there by colorlab.data.Batches (no DataLoader):

    32 x 32,   depth 3, batch 1024  (CIFAR-10, notebook 04)
    256 x 256, depth 4, batch 64    (photos, `python -m colorlab train --size 256`)

Reference (one H100): our reference loop reaches about 57,000 images/s at 32 x 32 and
870 images/s at 256 x 256; the target is to match it at least, and to aim for 70,000 and 1,000.

Method. The timed step IS fit's: colorlab.train.train_step (autocast forward, L1 loss, backward,
the learning rate of one_cycle written into AdamW's two param groups, AdamW step, through a
GradScaler for fp16), with the optimizer of colorlab.train.make_optimizer; after ``--warmup``
untimed steps (torch.compile compiles there), with the device synchronized before and after
``--steps`` timed steps. FLOPs: one whole training step (forward AND backward) is counted once
with torch.utils.flop_counter.FlopCounterMode, which counts convolutions and matrix products at
2 FLOPs per multiply-add (BatchNorm, ReLU, the loss and the optimizer are not counted; nothing
is multiplied by 3); TFLOP/s = FLOPs per step x steps per second. The images are random (speed
does not depend on pixel values). ``--record`` merges the results into
benchmarks/results/train_speed-<device>.json and rewrites the .md table next to it, one row per
variant, so runs with different options end up side by side; on the CPU, ``--cpu-sweep`` and
``--quality`` each rewrite their own section of benchmarks/results/train_speed-cpu.md.

The CPU sweep times the quick-mode models (UNet base 16 and 32, depth 3, 32x32, batch 64) with
every variant built first and then timed in interleaved rounds, so a busy machine slows them all
alike (run it under `flock /tmp/colorlab-cpu.lock`). The targets above are for an H100.
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from colorlab import train
from colorlab.course.reports import device_slug
from colorlab.data import Batches
from colorlab.device import cpu_has_bf16, cpu_name, device_name
from colorlab.losses import l1
from colorlab.models import UNet

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


def make_runner(size: int, batch: int, device: torch.device, *, base: int = 64,
                depth: int | None = None, amp: bool | None = None,
                channels_last: bool | None = None, compile_mode: str | None = None,
                fused: bool = False, total_steps: int = 1000):
    """Build UNet(1 -> 2, base, depth), its data and optimizer as ``colorlab.train.fit`` does, and
    return ``(run, info)``: ``run(count)`` takes ``count`` training steps with
    ``colorlab.train.train_step`` (the function fit calls), the learning rate written into the
    param groups each step from ``one_cycle``. ``amp``/``channels_last``: None = fit's defaults."""
    depth = depth or SETTINGS[size]["depth"]
    amp_dtype = train.autocast_dtype(device, amp)
    channels_last = train.default_channels_last(device, channels_last)
    scaler = torch.amp.GradScaler(device.type) if amp_dtype == torch.float16 else None
    torch.manual_seed(0)
    n = batch * 16  # resident data: 16 distinct batches, reshuffled
    L = torch.rand(n, 1, size, size, device=device)
    ab = torch.rand(n, 2, size, size, device=device) * 2 - 1
    batches = Batches(L, ab, batch_size=batch, drop_last=True, seed=0)
    model = UNet(1, 2, base=base, depth=depth).to(
        device, memory_format=torch.channels_last if channels_last else torch.preserve_format)
    optimizer = train.make_optimizer(model, 2e-3, 0.05, **({"fused": True} if fused else {}))
    shape = train.one_cycle(total_steps)
    step_model = torch.compile(model, mode=compile_mode) if compile_mode else model
    def forever():
        while True:
            yield from batches

    stream, counter = forever(), itertools.count()

    def run(count: int) -> None:
        for _ in range(count):
            k = min(next(counter), total_steps - 1)
            train.train_step(step_model, next(stream), l1, optimizer, amp_dtype=amp_dtype,
                             channels_last=channels_last, scaler=scaler, lr=2e-3 * shape(k))

    info = {"size": size, "depth": depth, "base": base, "batch": batch,
            "compile": compile_mode or "no", "fused_adamw": fused, "channels_last": channels_last,
            "dtype": {None: "float32", torch.bfloat16: "bf16 autocast",
                      torch.float16: "fp16 autocast"}[amp_dtype],
            "threads": torch.get_num_threads(),
            "flops": step_flops(model, batch, size)}
    return run, info


def figures(info: dict, steps: int, seconds: float) -> dict:
    r = {k: v for k, v in info.items() if k != "flops"}
    r.update(steps=steps, seconds=round(seconds, 4), ms_per_step=round(1000 * seconds / steps, 3),
             images_per_s=round(steps * info["batch"] / seconds, 1),
             gflop_per_image=round(info["flops"] / info["batch"] / 1e9, 3),
             tflops=round(info["flops"] * steps / seconds / 1e12, 3))
    return r


def bench(size: int, batch: int, steps: int, warmup: int, device: torch.device,
          compile_mode: str | None = None, fused: bool = False, channels_last=None,
          base: int = 64, amp=None) -> dict:
    """Time ``steps`` training steps of fit's step (after ``warmup`` untimed ones, where
    torch.compile compiles); return the figures."""
    run, info = make_runner(size, batch, device, base=base, amp=amp, channels_last=channels_last,
                            compile_mode=compile_mode, fused=fused, total_steps=warmup + steps)
    t0 = time.perf_counter()
    run(warmup)
    sync(device)
    warmup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run(steps)
    sync(device)
    return {**figures(info, steps, time.perf_counter() - t0), "warmup_steps": warmup,
            "warmup_s": round(warmup_s, 2)}


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


# ---------------------------------------------------------------------------------------------
# the CPU: quick-mode model, fp32 vs bf16, channels_last, compile, threads
# ---------------------------------------------------------------------------------------------
CPU_SWEEP = [  # (name, options); "fp32" was fit's CPU default before bf16 on AMX
    ("fp32", {"amp": False, "channels_last": False}),
    ("fp32 + channels_last", {"amp": False, "channels_last": True}),
    ("bf16", {"amp": True, "channels_last": False}),
    ("bf16 + channels_last", {"amp": True, "channels_last": True}),
    ("bf16 + channels_last, 1 thread", {"amp": True, "channels_last": True, "threads": 1}),
    ("bf16 + channels_last + compile", {"amp": True, "channels_last": True,
                                        "compile": "default"}),
]
CPU_MD = RESULTS / "train_speed-cpu.md"


def cpu_flags() -> str:
    """The bf16-related flags /proc/cpuinfo lists (what the hardware offers)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    flags = set(next((t for t in text.splitlines() if t.startswith("flags")), ":").split(":")[1]
                .split())
    return ", ".join(f for f in ("avx512f", "avx512_bf16", "amx_bf16", "amx_tile") if f in flags)


def cpu_sweep(bases=(16, 32), batch=64, size=32, depth=3, steps=8, rounds=5,
              compile_=True) -> list[dict]:
    """Every CPU_SWEEP variant, each its own model, timed in interleaved rounds (variant A, B,
    ... then again) so that a busy machine slows them all alike; images/s = the median round.
    Compiled variants compile during their warm-up (its seconds are reported)."""
    device, threads = torch.device("cpu"), torch.get_num_threads()
    out = []
    for base in bases:
        runners = []
        for name, opts in CPU_SWEEP:
            if opts.get("compile") and not compile_:
                continue
            torch.set_num_threads(opts.get("threads", threads))
            run, info = make_runner(size, batch, device, base=base, depth=depth,
                                    amp=opts["amp"], channels_last=opts["channels_last"],
                                    compile_mode=opts.get("compile"))
            t0 = time.perf_counter()
            run(3 if opts.get("compile") else 2)  # warm-up (compiles)
            warm = time.perf_counter() - t0
            runners.append((name, opts, run, info, warm, []))
            print(f"  base {base}: {name}: warm-up {warm:.1f} s", flush=True)
        for _ in range(rounds):
            for _name, opts, run, _, _, times in runners:
                torch.set_num_threads(opts.get("threads", threads))
                t0 = time.perf_counter()
                run(steps)
                times.append(time.perf_counter() - t0)
        torch.set_num_threads(threads)
        fp32 = None
        for name, opts, _, info, warm, times in runners:
            r = figures(info, steps, statistics.median(times))
            r.update(name=name, threads=opts.get("threads", threads), warmup_s=round(warm, 1),
                     rounds=rounds)
            fp32 = fp32 or r["images_per_s"]
            r["vs_fp32"] = round(r["images_per_s"] / fp32, 2)
            out.append(r)
            print(f"{name:>34} | base {base}: {r['images_per_s']:7.0f} images/s, "
                  f"{r['ms_per_step']:7.1f} ms/step, {r['vs_fp32']:.2f}x fp32", flush=True)
    return out


def quality(data: str, n_train=5000, n_val=2000, epochs=3, base=32, batch=64, lr=3e-3,
            seeds=(0, 1)):
    """The quick-mode L1 UNet of notebook 04 (base 32, depth 3, batch 64, peak lr 3e-3), trained
    by colorlab.recipes.train_colorizer in float32 and
    in bf16 (+ channels_last, the new CPU default) on the same CIFAR-10 subset; val L1 loss."""
    from colorlab.images import image_folder
    from colorlab.recipes import train_colorizer

    images = image_folder(data, "train", size=32).take(n_train + n_val, seed=0).images
    train_images, val_images = images[:n_train], images[n_train:]
    out = []
    for seed in seeds:
        for name, amp, cl in (("fp32", False, False), ("bf16 + channels_last", True, True)):
            t0 = time.perf_counter()
            _, hist = train_colorizer(train_images, val_images=val_images, epochs=epochs,
                                      base=base, depth=3, batch_size=batch, lr=lr, seed=seed,
                                      progress=False, amp=amp, channels_last=cl)
            r = {"name": name, "seed": seed, "val_loss": round(hist.last["val_loss"], 5),
                 "train_loss": round(hist.last["train_loss"], 5),
                 "seconds": round(time.perf_counter() - t0, 1)}
            out.append(r)
            print(f"quality | seed {seed} | {name:>20}: val L1 {r['val_loss']:.5f}, train L1 "
                  f"{r['train_loss']:.5f}, {r['seconds']:.0f} s", flush=True)
    return out, dict(data=data, n_train=n_train, n_val=n_val, epochs=epochs, base=base,
                     batch=batch, lr=lr)


def write_section(title: str, body: str) -> Path:
    """Replace (or add) the ``## title`` section of train_speed-cpu.md; the header (machine) is
    rewritten, every other section kept as it is."""
    text = CPU_MD.read_text() if CPU_MD.is_file() else ""
    parts = text.split("\n## ")
    sections = {p.split("\n", 1)[0]: p.split("\n", 1)[1] if "\n" in p else "" for p in parts[1:]}
    sections[title] = body
    sections = {k: "\n" + v.strip() + "\n\n" for k, v in sections.items()}
    head = (f"# UNet training speed and quality on the CPU\n\n"
            f"Machine: {cpu_name()}, {os.cpu_count()} cores (flags: {cpu_flags()}), torch "
            f"{torch.__version__} (bf16 in hardware: {'yes' if cpu_has_bf16() else 'no'}; threads "
            f"{torch.get_num_threads()}). Written by `python benchmarks/train_speed.py "
            f"--cpu-sweep --record` and `--quality DATA --record`; each section says when.\n\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    CPU_MD.write_text(head + "".join(f"## {k}\n{v}" for k, v in sections.items()).rstrip() + "\n")
    return CPU_MD


def speed_table(rows: list[dict], command: str) -> str:
    lines = [f"{time.strftime('%Y-%m-%d %H:%M')}, `{command}`. Fit's step "
             "(`colorlab.train.train_step`: autocast forward, L1, backward, AdamW in two groups, "
             "the learning rate written each step) on UNet(1 -> 2, base, depth 3), 32x32, batch "
             f"{rows[0]['batch']}, random data resident in memory. Variants timed side by side "
             f"in {rows[0]['rounds']} interleaved rounds of {rows[0]['steps']} steps; the "
             "median round. `fp32` was fit's CPU default before bf16 on AMX.", "",
             "| base | variant | images/s | ms/step | vs fp32 | warm-up s |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['base']} | {r['name']} | {r['images_per_s']:,.0f} | "
                     f"{r['ms_per_step']:.1f} | {r['vs_fp32']:.2f}x | {r['warmup_s']} |")
    return "\n".join(lines)


def quality_table(rows: list[dict], cfg: dict, command: str) -> str:
    lines = [f"{time.strftime('%Y-%m-%d %H:%M')}, `{command}`. `colorlab.recipes."
             f"train_colorizer` (L1, UNet base {cfg['base']}, depth 3, batch {cfg['batch']}, "
             f"{cfg['epochs']} epochs, one-cycle to peak lr {cfg['lr']:g}), "
             f"{cfg['n_train']:,} training and {cfg['n_val']:,} validation images drawn from the "
             "CIFAR-10 training split "
             f"({cfg['data']}); validation L1 in normalized ab (lower is better).", "",
             "| seed | precision | val L1 | train L1 | seconds |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['seed']} | {r['name']} | {r['val_loss']:.5f} | "
                     f"{r['train_loss']:.5f} | {r['seconds']:.0f} |")
    return "\n".join(lines)


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
    parser.add_argument("--cpu-sweep", action="store_true",
                        help="the CPU table: base 16 and 32, fp32/bf16, channels_last, compile")
    parser.add_argument("--no-compile", action="store_true", help="--cpu-sweep without compile")
    parser.add_argument("--rounds", type=int, default=5, help="--cpu-sweep rounds (5)")
    parser.add_argument("--quality", metavar="DATA",
                        help="fp32 vs bf16 validation loss, training on this image folder")
    parser.add_argument("--epochs", type=int, default=3, help="--quality epochs (3)")
    args = parser.parse_args(argv)
    command = "python benchmarks/train_speed.py " + " ".join(argv if argv is not None
                                                             else sys.argv[1:])
    if args.cpu_sweep or args.quality:
        print(f"CPU: {cpu_name()}, {os.cpu_count()} cores; torch {torch.__version__}, "
              f"{torch.get_num_threads()} threads; bf16 in hardware: {cpu_has_bf16()}")
        if args.cpu_sweep:
            rows = cpu_sweep(steps=args.steps if args.steps != 50 else 8, rounds=args.rounds,
                             compile_=not args.no_compile)
            if args.record:
                print(f"recorded in {write_section('Speed', speed_table(rows, command))}")
        if args.quality:
            rows, cfg = quality(args.quality, epochs=args.epochs)
            if args.record:
                print(f"recorded in {write_section('Quality', quality_table(rows, cfg, command))}")
        return 0

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
                          channels_last=False if args.no_channels_last else None,
                          base=args.base)
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
    if args.record and results and device.type == "cpu":
        print("not recorded: on the CPU, --cpu-sweep --record writes train_speed-cpu.md")
    elif args.record and results:
        js, md = record(device, results)
        print(f"recorded in {js} and {md}")
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
