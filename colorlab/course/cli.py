"""``python -m colorlab COMMAND`` (or ``colorlab COMMAND``): every command of the course kit.

    course           run every notebook (quick on a CPU, full on a GPU) into build/course/
    colorize         colorize photos (the pretrained model, or --checkpoint) (colorlab.infer)
    train            train the UNet colorizer on a folder of images     (colorlab.recipes)
    make-exercises   write exercises/ from solutions/ (``--check``: only report drift;
                     ``--nbgrader COURSE_DIR``: an nbgrader course folder instead)
    grade            run student notebooks and report points per task   (colorlab.grading)
    report           a checkpoint's weights, history and samples as a folder   (.reports)
    export           a checkpoint as an ONNX file, fp32 or int8             (colorlab.deploy)

argparse and the command bodies live here; the work is done by the module named beside each.
Long because every command's options and help live here, one short section per command.
Nothing heavy is imported at module level (no torch, numpy or PIL): each command imports what it
needs when it runs, so ``--help`` is fast. ``colorlab/__main__.py`` only calls :func:`main`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from PIL import Image

# colorlab.colorizer.WORK_SIZE_RULE, copied so that --help does not import torch
# (tests/test_cli.py checks that the two agree)
WORK_SIZE_RULE = ("default: 4x the checkpoint's training size (128 for a 32-px model such as "
                  "notebook 04's), at most 512; 128 if the checkpoint does not record its size")


def _error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# course (colorlab.course.runner)
# ---------------------------------------------------------------------------------------------
def _course(args) -> int:
    from .runner import run_course

    try:
        run_course(mode=args.mode, out_dir=args.out, only=args.only, html=not args.no_html)
    except FileNotFoundError as err:
        _error(str(err))
        return 1
    return 0


# ---------------------------------------------------------------------------------------------
# colorize (colorlab.infer)
# ---------------------------------------------------------------------------------------------
def _label(image: Image.Image, text: str) -> Image.Image:
    from PIL import ImageDraw, ImageFont

    size = max(12, image.height // 25)
    try:
        font = ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        font = ImageFont.load_default()
    draw = ImageDraw.Draw(image)
    box = draw.textbbox((size // 2, size // 2), text, font=font)
    draw.rectangle((box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4), fill=(0, 0, 0))
    draw.text((size // 2, size // 2), text, fill=(255, 255, 255), font=font)
    return image


def side_by_side(panels: dict[str, np.ndarray], gap: int = 8) -> Image.Image:
    """Labelled (H, W, 3) uint8 images of the same size next to each other, white gaps."""
    from PIL import Image

    arrays = list(panels.values())
    h, w = arrays[0].shape[:2]
    out = Image.new("RGB", (len(arrays) * w + (len(arrays) - 1) * gap, h), (255, 255, 255))
    for i, (label, a) in enumerate(panels.items()):
        out.paste(_label(Image.fromarray(a), label), (i * (w + gap), 0))
    return out


PRETRAINED = "cifar10-l1-unet"  # what colorize uses without --checkpoint or --model
COLORIZERS = ("cifar10-l1-unet", "cifar10-vivid-unet")  # the pretrained colorizers (--pretrained)


def _load_model(checkpoint, onnx_model, name: str = PRETRAINED):
    """The colorizer of ``--checkpoint`` (a UNet, in torch) or of ``--model`` (an ONNX file, run
    by onnxruntime: colorlab.deploy.OnnxColorizer); neither: the pretrained model ``name``
    (default :data:`PRETRAINED`). Raises FileNotFoundError or ValueError."""
    if checkpoint is not None and onnx_model is not None:
        raise ValueError("give either --checkpoint (a .pt file) or --model (an .onnx file), "
                         "not both.")
    if checkpoint is None and onnx_model is None:
        import torch

        from .. import pretrained

        print(f"No --checkpoint given: using the pretrained colorizer {name!r} that ships "
              "with colorlab (a UNet trained on 32 x 32 CIFAR-10 images; its model card: "
              f"python -c \"import colorlab.pretrained as p; print(p.card('{name}'))\").")
        return pretrained.load(name).to("cuda" if torch.cuda.is_available() else "cpu")
    if onnx_model is not None:
        from ..deploy import OnnxColorizer, onnx_available

        if not onnx_available():
            raise ValueError("--model needs onnxruntime: pip install -e .[deploy]")
        # spinning=False: onnxruntime's busy-waiting idle threads would take the cores from the
        # color conversions around each call (2.1-2.4x slower per photo on 2 cores:
        # benchmarks/results/onnx_spinning-cpu.md)
        return OnnxColorizer(onnx_model, spinning=False)
    import torch

    from ..infer import load_colorizer

    return load_colorizer(checkpoint, "cuda" if torch.cuda.is_available() else "cpu")


def colorize_command(photos, checkpoint, out_dir, compare: bool = False,
                     work_size: int | None = None, onnx_model=None,
                     pretrained_name: str = PRETRAINED) -> int:
    """``python -m colorlab colorize PHOTO... [--checkpoint CKPT | --model M.onnx] -o OUTDIR``.

    With ``onnx_model`` the network runs in onnxruntime; torch is still imported, for the Lab
    conversions of :mod:`colorlab.infer` (colorlab.color is written in torch).

    Writes ``OUTDIR/<stem>_colorized.png`` per photo and, with ``compare``,
    ``<stem>_compare.png``: input as gray | colorized | original (when the input had color).
    A photo that cannot be read is reported on stderr and skipped; the others are still done.
    Returns 0 if every photo was colorized, 1 if some failed, 2 if the checkpoint is unusable.
    """
    import numpy as np
    from PIL import Image

    from ..color import grayscale
    from ..images import to_rgb_tensor
    from ..infer import colorize

    try:
        model = _load_model(checkpoint, onnx_model, pretrained_name)
    except (FileNotFoundError, ValueError) as err:
        _error(f"cannot use the {'model' if onnx_model else 'checkpoint'}. {err}")
        return 2
    from ..colorizer import default_work_size

    trained = getattr(model, "train_size", None)
    size = work_size or getattr(model, "work_size", None) or default_work_size(trained)
    print(f"The model predicts colors on the photo shrunk to {size} px on its shorter side"
          + (f" (it was trained on {trained} x {trained} images)" if trained else "") + "; "
          "the colors are then enlarged onto the photo's own lightness. A model trained on "
          "32 x 32 CIFAR-10 thumbnails gives muted colors: expect a plausible tint, not a "
          "restored photograph.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    failed, used = 0, set()
    for photo in photos:
        try:
            rgb = to_rgb_tensor(photo)
            result = colorize(model, rgb, work_size)
        except (OSError, ValueError, TypeError, SyntaxError, Image.DecompressionBombError) as err:
            _error(f"could not colorize {photo}: {type(err).__name__}: {err}. It is not a "
                   "readable image (or the file is damaged); it was skipped, the other photos "
                   "were still processed. Check the file opens in an image viewer.")
            failed += 1
            continue
        stem = Path(photo).stem if isinstance(photo, (str, Path)) else "photo"
        base, k = stem, 2
        while stem in used:
            stem, k = f"{base}_{k}", k + 1
        used.add(stem)
        path = out_dir / f"{stem}_colorized.png"
        Image.fromarray(result).save(path)
        print(f"wrote {path}")
        if compare:
            original = (rgb * 255).round().byte().permute(1, 2, 0).numpy()
            gray = (grayscale(rgb) * 255).round().byte().permute(1, 2, 0).numpy()
            panels = {"input (gray)": gray, "colorized": result}
            if np.abs(original.astype(int) - gray.astype(int)).mean() > 1:  # it had color
                panels["original"] = original
            side_by_side(panels).save(cmp := out_dir / f"{stem}_compare.png")
            print(f"wrote {cmp}")
    if failed:
        _error(f"{failed} of {len(photos)} photo(s) failed; see above.")
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------
# train (colorlab.recipes)
# ---------------------------------------------------------------------------------------------
def train_command(data, size: int = 256, epochs: int = 10, out="runs/colorizer",
                  batch_size: int = 64, lr: float = 2e-3, base: int = 64, depth: int = 4,
                  device=None, loss: str = "l1", stream: bool = False, memory_gb: float = 4.0,
                  workers: int = 0, resume: bool = False, stop_after: int | None = None) -> int:
    """``python -m colorlab train --data FOLDER --size 256 --epochs N --out DIR``.

    Trains ``UNet(1, 2, base, depth)`` on every image of ``data`` (a folder, or "sample" /
    "cifar10"), resized to ``size`` x ``size`` (shorter side, centre crop), with
    :func:`colorlab.recipes.train_colorizer`: the same loop and checkpoints as notebook 04.
    Honest evaluation: a seeded tenth of the training images (at most 5,000) is the validation
    split that picks ``best.pt``; the test split (a ``test/`` subfolder, or every 10th file) is
    scored once, with ``best.pt``, against the gray baseline. Checkpoints go to ``out``
    (``best.pt``, ``last.pt``).
    Returns 0, or 1 with a message on stderr if the data cannot be used.
    Streamed from the files (``stream``, torchrun, or over ``memory_gb``): colorlab.stream.
    """
    from ..checkpoint import load_checkpoint
    from ..data import load_dataset
    from ..distributed import start_distributed
    from ..metrics import evaluate
    from ..recipes import train_colorizer
    from ..stream import choose_stream, train_streaming
    from .notebook import split_validation

    if size % 2**depth:
        _error(f"--size {size} must be a multiple of 2**depth = {2**depth} (the UNet halves it "
               f"{depth} times). Try --size {max(2**depth, round(size / 2**depth) * 2**depth)}.")
        return 1
    kw = dict(epochs=epochs, base=base, depth=depth, batch_size=batch_size, lr=lr, loss=loss,
              checkpoint_dir=out, config={"data": str(data)}, resume=resume, stop_after=stop_after)
    try:
        rank, world, device = start_distributed(device)
        if choose_stream(data, size, stream, memory_gb, world):
            if rank == 0:
                print(f"streaming {data}: {world} process(es), {workers} worker(s) each")
            model, history, test = train_streaming(data, size=size, device=device, rank=rank,
                                                   world=world, workers=workers, **kw)
            if rank:
                return 0  # rank 0 reports
        else:
            full = load_dataset(data, "train", size)
            n_val = max(1, min(5_000, len(full) // 10))
            train, val = split_validation(full, None, n_val, seed=0, what=str(data))
            test = load_dataset(data, "test", size)
            print(f"{train.source}\n{val.source} (chooses best.pt)\ntest: {test.source} (scored "
                  f"once, at the end)\ndevice: {device}")
            model, history = train_colorizer(train, val_images=val, device=device, **kw)
    except (FileNotFoundError, ValueError, OSError) as err:
        _error(f"cannot train on {data}: {err}")
        return 1
    best = load_checkpoint(Path(out) / "best.pt", model)
    result = evaluate(model, test, device=device, batch_size=max(1, 2**22 // size**2))
    print(result.table(f"UNet base {base}, depth {depth}: best.pt (epoch {best['epoch']}, "
                       "chosen on validation) on the test images"))
    print(f"{sum(history['seconds']):.0f} s of training; checkpoints in {out}/ (best.pt, "
          f"last.pt). Colorize: python -m colorlab colorize PHOTO --checkpoint {out}/best.pt "
          "-o colorized/")
    return 0


# ---------------------------------------------------------------------------------------------
# make-exercises, grade (colorlab.grading)
# ---------------------------------------------------------------------------------------------
def _make_exercises(args) -> int:
    from ..grading.exercises import AssignmentError, make_exercises, write_nbgrader_course

    if not Path(args.solutions).is_dir():
        print(f"no folder {args.solutions}/: no exercises to make")
        return 0
    if args.nbgrader:
        try:
            written = write_nbgrader_course(args.nbgrader, args.solutions, force=args.force)
        except AssignmentError as err:
            _error(str(err))
            return 1
        print("\n".join(f"wrote {path}" for path in written))
        print(f"next: cd {args.nbgrader} && nbgrader generate_assignment NAME "
              "(docs/teaching.md, 'With nbgrader')")
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
    from ..grading.grade import format_report, grade

    folders = [p for p in args.notebooks if Path(p).is_dir()]
    if folders:
        return _grade_class(args, folders)
    if args.jobs or args.exercise:
        _error("-j and --exercise grade a folder of submissions: pass one folder (DIR), not "
               "notebook files")
        return 2

    def progress(line):
        print(line, file=sys.stderr, flush=True)

    results = grade(args.notebooks, args.solutions, timeout=args.timeout,
                    cell_timeout=args.cell_timeout, save=args.save,
                    progress=None if args.json else progress)
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json
          else format_report(results))
    return 1 if any(r.get("error") for r in results) else 0


def _grade_class(args, folders) -> int:
    from ..grading.exercises import AssignmentError
    from ..grading.gradebook import format_summary, grade_class

    if len(args.notebooks) > 1 or args.save:
        _error(f"{folders[0]} is a folder: grade one class folder at a time, without notebook "
               "files beside it and without --save (its feedback goes to DIR/feedback/)")
        return 2
    try:
        results = grade_class(folders[0], args.solutions, jobs=args.jobs or 1,
                              exercise=args.exercise, timeout=args.timeout,
                              cell_timeout=args.cell_timeout, progress=not args.json)
    except AssignmentError as err:
        _error(str(err))
        return 2
    print(json.dumps(results, indent=2, ensure_ascii=False) if args.json
          else format_summary(results, folders[0]))
    return 1 if any(r.get("error") for r in results) else 0


# ---------------------------------------------------------------------------------------------
# export (colorlab.deploy)
# ---------------------------------------------------------------------------------------------
def export_command(checkpoint, out, quantize: str | None = None, calibration: str = "sample",
                   calibration_images: int = 256) -> int:
    """``python -m colorlab export --checkpoint best.pt --format onnx [--quantize int8] -o M``.

    Writes the colorizer of ``checkpoint`` as an fp32 ONNX file, or with ``quantize="int8"`` a
    static int8 one calibrated on ``calibration_images`` TRAINING images of ``calibration``
    ('sample', 'cifar10' or a folder) at the checkpoint's training size. The file is written
    atomically: on any error there is no file at ``out``. Returns 0, 1 (bad data) or 2 (bad
    checkpoint, or onnx/onnxruntime missing).
    """
    from ..deploy import ONNX_MISSING, export_checkpoint, onnx_available

    if not onnx_available():
        _error(ONNX_MISSING)
        return 2
    try:
        print(export_checkpoint(checkpoint, out, quantize, calibration, calibration_images))
    except FileNotFoundError as err:
        _error(f"cannot export the checkpoint. {err}")
        return 2
    except ValueError as err:
        _error(f"cannot export. {err}")
        return 2 if "calibration" not in str(err) else 1
    return 0


# ---------------------------------------------------------------------------------------------
# the parser
# ---------------------------------------------------------------------------------------------
def _colorize(args) -> int:
    return colorize_command(args.photos, args.checkpoint, args.out, compare=args.compare,
                            work_size=args.work_size, onnx_model=args.model,
                            pretrained_name=args.pretrained)


def _export(args) -> int:
    return export_command(args.checkpoint, args.out, quantize=args.quantize,
                          calibration=args.calibration, calibration_images=args.calibration_images)


def _train(args) -> int:
    return train_command(args.data, size=args.size, epochs=args.epochs, out=args.out,
                         batch_size=args.batch_size, lr=args.lr, base=args.base,
                         depth=args.depth, device=args.device, loss=args.loss,
                         stream=args.stream, memory_gb=args.memory_gb, workers=args.workers,
                         resume=args.resume, stop_after=args.stop_after)


def _report(args) -> int:
    from .reports import checkpoint_report

    try:
        folder = checkpoint_report(args.checkpoint, images=args.images, out=args.out,
                                   n_samples=args.samples)
    except (FileNotFoundError, ValueError) as err:
        _error(str(err))
        return 1
    print(f"Wrote {folder}/index.md (layers.csv, weights.png, samples.png beside it)")
    return 0


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

    p = commands.add_parser("colorize", help="colorize photos (the pretrained model, or yours)",
                            description="Colorize each PHOTO (any size; gray, RGB or RGBA) and "
                            "write OUTDIR/<name>_colorized.png. A photo that cannot be read is "
                            "reported and skipped; the others are still processed.")
    p.add_argument("photos", nargs="+", metavar="PHOTO")
    p.add_argument("--checkpoint", help="a UNet checkpoint (best.pt or last.pt); default: the "
                   f"pretrained {PRETRAINED!r} that ships with colorlab")
    p.add_argument("--model", help="instead of --checkpoint: an ONNX file from `colorlab export`, "
                   "run by onnxruntime (torch is still imported, for the Lab conversions)")
    p.add_argument("--pretrained", default=PRETRAINED, choices=COLORIZERS,
                   help="which pretrained colorizer, when neither --checkpoint nor --model is "
                   "given: the L1 UNet (muted, safe colors) or notebook 05's vivid classifier")
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
    p.add_argument("--stream", action="store_true", help="decode the images from their files "
                   "during training (automatic over --memory-gb, and under torchrun)")
    p.add_argument("--memory-gb", type=float, default=4.0, help="stream when the decoded set "
                   "would take more (15 bytes a pixel: 0.98 MB an image at 256 px); default 4")
    p.add_argument("--workers", type=int, default=0, help="decoding processes when streaming, "
                   "per GPU (0: in the training process)")
    p.add_argument("--resume", action="store_true", help="continue from --out/last.pt")
    p.add_argument("--stop-after", type=int, default=None, help="stop after this many epochs")
    p.set_defaults(handler=_train)

    p = commands.add_parser("make-exercises", help="write exercises/ from solutions/",
                            description="Turn every solutions/*.ipynb into exercises/*.ipynb: "
                            "solution blocks become stubs, hidden tests go, outputs are cleared.")
    p.add_argument("--solutions", default="solutions", help="folder of solution notebooks")
    p.add_argument("--out", default="exercises", help="folder to write the exercises to")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 listing files that differ from the generator's")
    p.add_argument("--nbgrader", metavar="COURSE_DIR",
                   help="write an nbgrader course folder instead: source/NAME/ per solution and "
                   "nbgrader_config.py (smoke mode for grading, hidden tests kept from feedback)")
    p.add_argument("--force", action="store_true",
                   help="with --nbgrader: overwrite files in COURSE_DIR that were edited")
    p.set_defaults(handler=_make_exercises)

    p = commands.add_parser("grade", help="grade student notebooks, or a class folder",
                            description="Run each notebook in a fresh kernel (COLORLAB_MODE=smoke) "
                            "with the solution's TASK cells (hidden tests included); report "
                            "points per task. Exit 1 only if a notebook could not be graded. "
                            "Given a folder DIR: every notebook under it (DIR/STUDENT.ipynb, or "
                            "DIR/STUDENT/**.ipynb), each on a temporary copy, in -j parallel "
                            "workers; writes DIR/gradebook.csv and DIR/feedback/STUDENT.md.")
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK_OR_DIR")
    p.add_argument("-j", "--jobs", type=int, default=None,
                   help="with a folder: notebooks graded at once (1); try the number of cores")
    p.add_argument("--exercise", help="with a folder: the exercise every notebook should be "
                   "(04 or 04_unet_colorizer); others get a 'not graded' line")
    p.add_argument("--solutions", default="solutions",
                   help="folder of solution notebooks (matched by file name)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--timeout", type=float, default=600, help="seconds per notebook (600)")
    p.add_argument("--cell-timeout", type=float, default=120, help="seconds per cell (120)")
    p.add_argument("--save", metavar="DIR", help="also save the executed notebooks in DIR")
    p.set_defaults(handler=_grade)

    p = commands.add_parser("report", help="report on a checkpoint: weights, history, samples",
                            description="Write a folder (default reports/<stem>-report/) on "
                            "CHECKPOINT: index.md (configuration, history, a per-tensor table), "
                            "layers.csv, weights.png (histograms) and, for a colorizer, "
                            "samples.png (gray | prediction | truth on test images, with PSNR "
                            "and colorfulness). NaN/inf, all-zero and unusually large tensors "
                            "are flagged.")
    p.add_argument("checkpoint", metavar="CHECKPOINT", help="a .pt file written by colorlab")
    p.add_argument("--images", default="sample",
                   help="test images: 'sample' (default), 'cifar10' or a folder")
    p.add_argument("-o", "--out", default=None,
                   help="output folder (default reports/<checkpoint stem>-report/)")
    p.add_argument("--samples", type=int, default=8, help="number of sample images (8)")
    p.set_defaults(handler=_report)

    p = commands.add_parser("export", help="export a checkpoint to ONNX (fp32 or int8)",
                            description="Write the colorizer of --checkpoint as an ONNX file "
                            "that onnxruntime runs without PyTorch; --quantize int8 makes a "
                            "static int8 model calibrated on training images. Needs the deploy "
                            "extra (pip install -e .[deploy]).")
    p.add_argument("--checkpoint", required=True, help="a UNet checkpoint (best.pt)")
    p.add_argument("--format", default="onnx", choices=["onnx"], help="onnx (the only one)")
    p.add_argument("--quantize", default=None, choices=["int8"], help="int8: static quantization")
    p.add_argument("--calibration", default="sample",
                   help="int8 calibration images: 'sample' (default), 'cifar10' or a folder")
    p.add_argument("--calibration-images", type=int, default=256,
                   help="how many training images calibrate int8 (256)")
    p.add_argument("-o", "--out", default="model.onnx", help="the ONNX file (model.onnx)")
    p.set_defaults(handler=_export)

    args = parser.parse_args(argv)
    return args.handler(args)
