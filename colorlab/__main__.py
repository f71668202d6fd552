"""``python -m colorlab COMMAND`` (or ``colorlab COMMAND``): the course kit's commands.

    course           run every notebook (quick on a CPU, full on a GPU) into build/course/
    colorize         colorize photos with a trained checkpoint
    train            train the UNet colorizer on a folder of images
    make-exercises   write exercises/ from solutions/ (``--check``: only report drift)
    grade            run student notebooks and report points per task

Each command is a small handler that imports its module only when it runs, so ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import json
import sys

# colorlab.infer.WORK_SIZE_RULE, copied so that --help does not import torch (tests/test_infer.py
# checks that the two agree)
WORK_SIZE_RULE = ("default: 4x the checkpoint's training size (128 for a 32-px model such as "
                  "notebook 04's), at most 512; 128 if the checkpoint does not record its size")


# ---------------------------------------------------------------------------------------------
# course (colorlab.course), colorize and train (colorlab.infer)
# ---------------------------------------------------------------------------------------------
def _course(args) -> int:
    from .course import run_course

    try:
        run_course(mode=args.mode, out_dir=args.out, only=args.only, html=not args.no_html)
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _colorize(args) -> int:
    from .infer import colorize_command

    return colorize_command(args.photos, args.checkpoint, args.out, compare=args.compare,
                            work_size=args.work_size)


def _train(args) -> int:
    from .infer import train_command

    return train_command(args.data, size=args.size, epochs=args.epochs, out=args.out,
                         batch_size=args.batch_size, lr=args.lr, base=args.base,
                         depth=args.depth, device=args.device, loss=args.loss)


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

    p = commands.add_parser("course", help="run every notebook into build/course/",
                            description="Execute ./notebooks/*.ipynb with papermill (MODE auto: "
                            "quick on a CPU, full on a GPU), export HTML, and write each "
                            "notebook's headline figure to build/course/summary.md.")
    p.add_argument("--mode", default="auto", choices=["auto", "smoke", "quick", "full"])
    p.add_argument("--only", help="run only notebooks whose file name contains this")
    p.add_argument("--out", help="output folder (default build/course/ in the current folder)")
    p.add_argument("--no-html", action="store_true", help="skip the HTML export")
    p.set_defaults(handler=_course)

    p = commands.add_parser("colorize", help="colorize photos with a trained checkpoint",
                            description="Colorize each PHOTO (any size; gray, RGB or RGBA) and "
                            "write OUTDIR/<name>_colorized.png. A photo that cannot be read is "
                            "reported and skipped; the others are still processed.")
    p.add_argument("photos", nargs="+", metavar="PHOTO")
    p.add_argument("--checkpoint", required=True, help="a UNet checkpoint (best.pt or last.pt)")
    p.add_argument("-o", "--out", default="colorized", help="output folder (colorized/)")
    p.add_argument("--compare", action="store_true",
                   help="also write gray | colorized | original side by side")
    p.add_argument("--work-size", type=int, default=None,
                   help="shorter side (px) at which ab is predicted; " + WORK_SIZE_RULE)
    p.set_defaults(handler=_colorize)

    p = commands.add_parser("train", help="train the UNet colorizer on a folder of images",
                            description="Train UNet(1, 2, base, depth) with colorlab.train.fit "
                            "on every image of --data, resized and center-cropped to --size; "
                            "a test/ subfolder (or every 10th file) is held out.")
    p.add_argument("--data", required=True, help="a folder of images, 'sample' or 'cifar10'")
    p.add_argument("--size", type=int, default=256, help="training size in pixels (256)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--out", default="runs/colorizer", help="checkpoint folder")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3, help="peak learning rate")
    p.add_argument("--base", type=int, default=64, help="UNet width (64)")
    p.add_argument("--depth", type=int, default=4, help="UNet levels (4)")
    p.add_argument("--loss", default="l1", choices=["l1", "mse", "l1_ssim"])
    p.add_argument("--device", default=None, help="cuda or cpu (default: cuda if available)")
    p.set_defaults(handler=_train)

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
