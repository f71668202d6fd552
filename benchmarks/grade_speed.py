"""How fast does a class get graded? Submissions per minute with -j 1 and -j 2, in one run.

    python benchmarks/grade_speed.py [--exercise 04] [--n 8] [--record]

Builds a class folder of ``--n`` submissions of one exercise, a realistic mix: every other one
the complete solution, the others the solution with one of the mistakes that
tests/fixtures/make_mistakes.py holds for that exercise (so every notebook runs to its end, as a
finished submission does; blank exercises stop at the first task and would flatter the rate).
Then grades the folder with :func:`colorlab.grading.gradebook.grade_class`, exactly what
``python -m colorlab grade DIR -j N --exercise E`` runs (worker start-up included), once with
1 worker and once with 2, and prints submissions per minute, the speed-up and the time a class
of 100 would take at the faster rate. Thread settings: the grader's default, each kernel gets
``OMP_NUM_THREADS = cores // jobs`` unless the variable is set (then it is used as it is).

Targets: -j 2 at least 1.5x -j 1 on 2 cores; a class of 100 on exercise 04 in under 15 minutes.
Exits with status 1 when either is missed (the second only for exercise 04). ``--record``
writes benchmarks/results/grade_speed-cpu.md. Other work on the machine slows both runs: the
record says the load average before and after.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from colorlab.device import cpu_name  # noqa: E402
from colorlab.grading.gradebook import THREAD_VARIABLES, exercise_solution, grade_class  # noqa: E402

_spec = importlib.util.spec_from_file_location("make_mistakes",
                                               ROOT / "tests" / "fixtures" / "make_mistakes.py")
make_mistakes = sys.modules["make_mistakes"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_mistakes)

RESULT = ROOT / "benchmarks" / "results" / "grade_speed-cpu.md"
CLASS_OF, TARGET_MINUTES, TARGET_SPEEDUP = 100, 15, 1.5


def build_class(folder: Path, exercise: str, n: int) -> list[str]:
    """``folder/student_NN.ipynb``: the solution and mistaken ones, alternating. Returns what
    each student handed in ("solution" or a mistake's name)."""
    solution = exercise_solution(ROOT / "solutions", exercise)
    mistakes = [m for m in make_mistakes.FIXTURES if solution.stem.startswith(m.notebook)]
    if not mistakes:
        raise SystemExit(f"no mistakes for {solution.stem} in tests/fixtures/make_mistakes.py: "
                         "pick another --exercise")
    folder.mkdir(parents=True)
    kinds = []
    for i in range(n):
        if i % 2 == 0:
            shutil.copyfile(solution, folder / f"student_{i:02d}.ipynb")
            kinds.append("solution")
        else:
            mistake = mistakes[(i // 2) % len(mistakes)]
            nbformat.write(make_mistakes.submission(mistake)[0], folder / f"student_{i:02d}.ipynb")
            kinds.append(mistake.name)
    return kinds


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--exercise", default="04", help="the exercise to grade (04)")
    parser.add_argument("--n", type=int, default=8, help="submissions in the class (8)")
    parser.add_argument("--record", action="store_true", help=f"write {RESULT.relative_to(ROOT)}")
    parser.add_argument("--note", default="", help="a sentence for the record, e.g. what else "
                        "ran on the machine")
    args = parser.parse_args()

    import torch

    cores = os.cpu_count() or 1
    preset = {v: os.environ[v] for v in THREAD_VARIABLES if v in os.environ}
    threads = (f"set before the run: {preset}" if preset else
               f"the grader's default: OMP_NUM_THREADS = cores // jobs = {cores} at -j 1, "
               f"{max(1, cores // 2)} at -j 2")
    lines = [f"CPU: {cpu_name()}, {cores} cores; torch {torch.__version__}; "
             f"CPython {platform.python_version()}",
             f"threads per kernel: {threads}", f"load average before: {load()}"]
    print("\n".join(lines), flush=True)
    rates, scores = {}, {}
    with tempfile.TemporaryDirectory(prefix="grade-speed-") as tmp:
        kinds = build_class(Path(tmp) / "class", args.exercise, args.n)
        print(f"class: {args.n} submissions of exercise {args.exercise}: "
              f"{kinds.count('solution')} complete, the others one mistake each "
              f"({', '.join(sorted(set(kinds) - {'solution'}))})", flush=True)
        complete = kinds.count("solution")
        lines.append(f"class: {args.n} submissions of exercise {args.exercise} ({complete} "
                     f"complete solutions, {args.n - complete} with one mistake each)")
        for jobs in (1, 2):
            t0 = time.perf_counter()
            results = grade_class(Path(tmp) / "class", ROOT / "solutions", jobs=jobs,
                                  exercise=args.exercise, progress=False)
            seconds = time.perf_counter() - t0
            failed = [r["student"] for r in results if r.get("error") or r["status"] != "ok"]
            if failed:
                raise SystemExit(f"-j {jobs}: {failed} were not graded to the end; fix that first")
            rates[jobs] = args.n / seconds * 60
            scores[jobs] = [r["score"] for r in results]
            line = (f"-j {jobs}: {args.n} submissions in {seconds:.1f} s = {rates[jobs]:.2f} "
                    f"submissions/min (notebooks took {min(r['seconds'] for r in results):.1f}"
                    f"-{max(r['seconds'] for r in results):.1f} s each)")
            print(line, flush=True)
            lines.append(line)
    speedup = rates[2] / rates[1]
    minutes = CLASS_OF / max(rates.values())
    same = scores[1] == scores[2]
    ok_speed = speedup >= TARGET_SPEEDUP
    ok_class = minutes < TARGET_MINUTES or args.exercise not in ("04", "04_unet_colorizer")
    lines += [f"speed-up -j 2 / -j 1: {speedup:.2f}x (target {TARGET_SPEEDUP}x: "
              f"{'met' if ok_speed else 'MISSED'})",
              f"a class of {CLASS_OF} at {max(rates.values()):.2f}/min: {minutes:.1f} min "
              f"(target for exercise 04: under {TARGET_MINUTES} min: "
              f"{'met' if minutes < TARGET_MINUTES else 'MISSED'})",
              f"same scores with -j 1 and -j 2: {same}", f"load average after: {load()}"]
    print("\n".join(lines[-4:]))
    if args.record:
        RESULT.write_text(
            "# Grading a class: submissions per minute, -j 1 and -j 2\n\n"
            f"Measured {time.strftime('%Y-%m-%d')} on {cpu_name()} ({os.cpu_count()} cores, no "
            f"GPU). {args.note}\n\n"
            f"Command: `python benchmarks/grade_speed.py --exercise {args.exercise} --n {args.n} "
            f"--record{' --note ...' if args.note else ''}`\n\n```text\n" + "\n".join(lines)
            + "\n```\n",
            encoding="utf-8")
        print(f"wrote {RESULT.relative_to(ROOT)}")
    return 0 if ok_speed and ok_class and same else 1


if __name__ == "__main__":
    raise SystemExit(main())
