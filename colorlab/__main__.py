"""``python -m colorlab COMMAND`` (or ``colorlab COMMAND``): the course kit's commands.

    make-exercises   write exercises/ from solutions/ (``--check``: only report drift)
    grade            run student notebooks and report points per task

Each command is a small handler that imports its module only when it runs, so ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import json
import sys

# ---------------------------------------------------------------------------------------------
# course: (lead) handler `_course(args)` -> colorlab.course.main_course(args)
# colorize: (lead) handler `_colorize(args)` -> colorlab.infer
# train: (lead) handler `_train(args)` -> colorlab.train
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# make-exercises, grade (colorlab.assign)
# ---------------------------------------------------------------------------------------------
def _make_exercises(args) -> int:
    from pathlib import Path

    from .assign import make_exercises

    if not Path(args.solutions).is_dir():
        print(f"no folder {args.solutions}/: no exercises to make")
        return 0
    changes = make_exercises(args.solutions, args.out, check=args.check)
    if args.check:
        for path, what in changes:
            print(f"{path}: {what} (run `python -m colorlab make-exercises`)", file=sys.stderr)
        if not changes:
            print(f"{args.out}/ is in sync with {args.solutions}/")
        return 1 if changes else 0
    for path, what in changes:
        print(f"removed {path} (no solution)" if what == "stale" else f"wrote {path}")
    if not changes:
        print(f"{args.out}/ already in sync with {args.solutions}/")
    return 0


def _grade(args) -> int:
    from .assign import format_report, grade

    def progress(line):
        print(line, file=sys.stderr, flush=True)

    results = grade(args.notebooks, args.solutions, timeout=args.timeout,
                    cell_timeout=args.cell_timeout, save=args.save,
                    progress=None if args.json else progress)
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json
          else format_report(results))
    return 1 if any(r.get("error") for r in results) else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m colorlab",
                                     description="colorlab: the colorization course kit.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # (lead) course, colorize, train: their subparsers go here.

    p = commands.add_parser("make-exercises", help="write exercises/ from solutions/",
                            description="Turn every solutions/*.ipynb into exercises/*.ipynb: "
                            "solution blocks become stubs, hidden tests go, outputs are cleared.")
    p.add_argument("--solutions", default="solutions", help="folder of solution notebooks")
    p.add_argument("--out", default="exercises", help="folder to write the exercises to")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 listing files that differ from the generator's")
    p.set_defaults(handler=_make_exercises)

    p = commands.add_parser("grade", help="grade student notebooks",
                            description="Run each notebook in a fresh kernel (COLORLAB_MODE=smoke) "
                            "with the solution's TASK cells (hidden tests included); report "
                            "points per task. Exit 1 only if a notebook could not be graded.")
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK")
    p.add_argument("--solutions", default="solutions",
                   help="folder of solution notebooks (matched by file name)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--timeout", type=float, default=600, help="seconds per notebook (600)")
    p.add_argument("--cell-timeout", type=float, default=120, help="seconds per cell (120)")
    p.add_argument("--save", metavar="DIR", help="also save the executed notebooks in DIR")
    p.set_defaults(handler=_grade)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
