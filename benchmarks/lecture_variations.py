"""Run every lecture as a learner might: another seed, float32 instead of bf16, offline, and
full mode made small (the dress rehearsal); record which finish, in what time, and how the
others stop.

    .venv/bin/python benchmarks/lecture_variations.py --dataset data/cifar10-jpg --record
    .venv/bin/python benchmarks/lecture_variations.py --variants offline --only 01

Variants (each a papermill run of every notebook in notebooks/, into build/variations/):

- ``seed1``, ``seed2``: quick mode on DATASET with SEED = 1 and 2.
- ``fp32``: quick mode with COLORLAB_AMP=0 (float32, as on a CPU without AMX or an old GPU).
- ``bf16``: quick mode with COLORLAB_AMP=bf16 (bf16, as ``fit`` picks on a CPU with AMX or a
  recent GPU): the swap to run where the committed run was float32.
- ``offline``: quick mode with no data set reachable (an empty COLORLAB_DATA, no network
  needed): the built-in sample fallback, whose headline says it is not representative.
- ``rehearsal``: MODE = "full" on the sample set, made small through each notebook's knobs.

``--record`` adds the run's table, as a section naming the CPU, the date and the command, to
benchmarks/results/lecture_variations-cpu.md (earlier sections are kept).
Each run is a fresh kernel; a failure or a timeout never stops the others. Heavy (quick mode is
up to 5 minutes a lecture): it is not part of ``make test``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import nbformat
import papermill as pm

from colorlab.course.runner import find_summary
from colorlab.device import cpu_name

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "lecture_variations-cpu.md"
SMALL = {"TRAIN_IMAGES": 512, "VAL_IMAGES": 128, "TEST_IMAGES": 128, "EPOCHS": 1}
# the dress rehearsal: full mode's code paths at smoke mode's size, knob by knob
REHEARSAL = {
    "01": SMALL,
    "02": {**SMALL, "BOTTLENECKS": [2, 16]},
    "03": {"N_COLORS": 10_000},
    "04": {**SMALL, "BASE": 8, "BATCH_SIZE": 64},
    "05": {**SMALL, "BASE": 8, "BATCH_SIZE": 64, "LAMBDAS": [0.5, 1.0],
           "TEMPERATURES": [1.0, 0.38, 0.0]},
    "06": {"TEST_IMAGES": 128, "FINETUNE_IMAGES": 256, "FINETUNE_EPOCHS": 1, "RUNS": 3,
           "PHOTO_SIZE": 64, "BATCH": 16},
    "07": {**SMALL, "BASE": 8, "BATCH_SIZE": 64, "CLASSIFIER_EPOCHS": 1},
}
VARIANTS = ("seed1", "seed2", "fp32", "bf16", "offline", "rehearsal")


def setting(variant: str, number: str, dataset: str | None, empty: str):
    """(papermill parameters, environment changes) of one variant for lecture ``number``."""
    quick = {"MODE": "quick"}
    data_env = {"COLORLAB_DATASET": dataset} if dataset else {}
    if variant in ("seed1", "seed2"):
        return {**quick, "SEED": int(variant[-1])}, data_env
    if variant == "fp32":
        return quick, {**data_env, "COLORLAB_AMP": "0"}
    if variant == "bf16":
        return quick, {**data_env, "COLORLAB_AMP": "bf16"}
    if variant == "offline":
        return quick, {"COLORLAB_DATASET": None, "COLORLAB_DATA": empty}
    if variant == "rehearsal":
        return ({"MODE": "full", "DATASET": "sample", **REHEARSAL.get(number, {})},
                {"COLORLAB_REPORTS": str(Path(empty) / "reports")})   # not among the real reports
    raise ValueError(f"unknown variant {variant!r}: use {', '.join(VARIANTS)}")


def run_one(path: Path, out: Path, params: dict, env: dict, timeout: float) -> tuple[str, float]:
    saved = {k: os.environ.get(k) for k in env}
    for k, v in env.items():
        os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    os.environ["COLORLAB_PROGRESS"] = "text"
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(path, out, parameters=params, kernel_name="python3",
                            cwd=str(path.parent), progress_bar=False, execution_timeout=timeout)
        status = "finished: " + find_summary(nbformat.read(out, as_version=4))
    except pm.PapermillExecutionError as err:
        status = f"STOPPED in cell {err.exec_count}: {err.ename}: {err.evalue}"
    except Exception as err:  # a timeout or a dead kernel
        status = f"STOPPED: {type(err).__name__}: {err}"
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    return status.replace("\n", " ").replace("|", "/")[:220], time.perf_counter() - t0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", help="the DATASET of the quick runs (a folder or name); "
                        "default: $COLORLAB_DATASET, else CIFAR-10")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--only", help="run the lectures whose file name contains this")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds a cell may take")
    parser.add_argument("--record", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    dataset = str(Path(args.dataset).resolve()) if args.dataset and Path(args.dataset).is_dir() \
        else args.dataset or os.environ.get("COLORLAB_DATASET")
    out_dir = ROOT / "build" / "variations"
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="colorlab-offline-") as empty:
        for variant in args.variants.split(","):
            for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
                if args.only and args.only not in path.name:
                    continue
                params, env = setting(variant, path.name[:2], dataset, empty)
                status, seconds = run_one(path, out_dir / f"{path.stem}-{variant}.ipynb", params,
                                          env, args.timeout)
                rows.append((variant, path.stem, seconds, status))
                print(f"{variant:9s} {path.stem:24s} {seconds:6.0f} s  {status}", flush=True)
    done = sum(r[3].startswith("finished") for r in rows)
    table = ["| variant | lecture | time | result |", "|---|---|---:|---|"]
    table += [f"| {v} | {n} | {s:.0f} s | {r} |" for v, n, s, r in rows]
    text = (f"## {time.strftime('%Y-%m-%d %H:%M')}\n\nCPU: {cpu_name()}, {os.cpu_count()} cores; "
            f"quick-mode data: {Path(dataset).name if dataset else 'CIFAR-10 (default)'}; "
            f"quick-mode size: {os.environ.get('COLORLAB_QUICK_PRESET') or 'the speed probe'}; "
            f"command: `benchmarks/lecture_variations.py "
            f"--variants {args.variants}{' --only ' + args.only if args.only else ''}`\n\n"
            f"{done} of {len(rows)} runs finished.\n\n" + "\n".join(table) + "\n")
    print(f"\n{done} of {len(rows)} runs finished.")
    if args.record:
        old = RESULTS.read_text(encoding="utf-8") if RESULTS.is_file() else (
            "# Lectures under learner variations\n\nWritten by `benchmarks/lecture_variations.py "
            "--record`, newest section last. A time is wall time on the CPU named, which other "
            "work may have shared.\n")
        RESULTS.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        print(f"recorded in {RESULTS.relative_to(ROOT)}")
    return 0 if done == len(rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
