"""Results of full runs, written where a reader finds them: ``reports/<name>-<device>.json``
and a markdown table next to it (notebooks 04 and 05 in full mode, the benchmarks); and a
report on one checkpoint: its weights, history and sample colorizations, as a folder.

    write_report(name, record, device)   reports/<name>-<device slug>.json and .md
    device_slug(device)                  'NVIDIA H100 80GB HBM3' -> 'nvidia-h100-80gb-hbm3'
    reports_dir()                        the repository's reports/ in a checkout, else ./reports
    checkpoint_report(checkpoint)        reports/<stem>-report/: index.md, layers.csv, weights.png,
                                         samples.png
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from pathlib import Path

import torch

from .. import images as image_files
from ..data import load_dataset
from ..device import device_name


def reports_dir() -> Path:
    """Where :func:`write_report` writes by default: ``$COLORLAB_REPORTS`` when set (the dress
    rehearsal of benchmarks/lecture_variations.py sends its tiny full-mode runs there, not among
    the real reports); else the repository's ``reports/`` in a source checkout (the notebooks run
    with cwd ``notebooks/``), else ``./reports`` in the current folder (an installed package
    never writes into site-packages)."""
    if os.environ.get("COLORLAB_REPORTS"):
        return Path(os.environ["COLORLAB_REPORTS"])
    root = image_files.source_checkout()
    return root / "reports" if root is not None else Path.cwd() / "reports"


def device_slug(device=None) -> str:
    """A file-name-safe device name: 'NVIDIA H100 80GB HBM3' -> 'nvidia-h100-80gb-hbm3',
    the CPU -> 'cpu'."""
    device = torch.device(device or "cpu")
    if device.type == "cpu":
        return "cpu"
    return re.sub(r"[^a-z0-9]+", "-", device_name(device).lower()).strip("-")


def write_report(name: str, record: dict, device=None, folder=None) -> tuple[Path, Path]:
    """Write ``record`` to ``<folder>/<name>-<device slug>.json`` and a markdown table next to
    it (``.md``: one row per entry, nested dicts flattened as ``outer.inner``).

    record: JSON-serializable figures (device, data, epochs, seconds, images/s, metrics, ...).
    folder: default :func:`reports_dir` (the repository's ``reports/`` in a source checkout,
    else ``./reports``). Returns the two paths.
    """
    folder = Path(folder) if folder is not None else reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{device_slug(device)}"
    json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(json.dumps(record, indent=2, default=str) + "\n")

    def rows(d, prefix=""):
        for key, value in d.items():
            if isinstance(value, dict):
                yield from rows(value, f"{prefix}{key}.")
            else:
                shown = f"{value:.4g}" if isinstance(value, float) else str(value)
                yield f"| {prefix}{key} | {shown.replace('|', '/')} |"

    md_path.write_text(f"# {name} on {record.get('device', device_slug(device))}\n\n"
                       "| figure | value |\n|---|---|\n" + "\n".join(rows(record)) + "\n")
    return json_path, md_path



# ---------------------------------------------------------------------------------------------
# checkpoint_report: a checkpoint's weights, history and sample colorizations, as a folder
# ---------------------------------------------------------------------------------------------
LARGE_FACTOR = 10  # a tensor is flagged "large" when its abs-max is over 10x the median abs-max
SMALL = 1e-3  # the share of weights with |w| below this is reported ("near zero")
BUFFERS = ("running_mean", "running_var", "num_batches_tracked")  # not parameters


def layer_stats(weights: dict) -> list[dict]:
    """One row per parameter tensor of a state dict (BatchNorm's running statistics left out).

    Each row: ``name``, ``shape`` (e.g. '8x1x3x3'), ``parameters``, ``mean``, ``std``,
    ``abs_max`` (over the finite values; NaN when there are none), ``near_zero`` (the share of
    weights with |w| < 1e-3, in [0, 1]) and ``flags``, a list of: ``all-zero`` (conv/linear
    weights only, tensors of 2+ dimensions: biases and BatchNorm shifts start at zero); ``NaN/inf``
    (some value is not finite); ``large`` (abs-max over LARGE_FACTOR = 10 x the median abs-max
    of all tensors that have finite values).
    """
    rows, nan = [], float("nan")
    for name, tensor in weights.items():
        if not torch.is_tensor(tensor) or not tensor.is_floating_point() or name.endswith(BUFFERS):
            continue
        w = tensor.detach().float().flatten()
        finite = w[torch.isfinite(w)]
        some = finite.numel() > 0
        rows.append({
            "name": name, "shape": "x".join(map(str, tensor.shape)) or "1",
            "parameters": w.numel(),
            "mean": finite.mean().item() if some else nan,
            "std": finite.std(correction=0).item() if some else nan,
            "abs_max": finite.abs().max().item() if some else nan,
            "near_zero": (w.abs() < SMALL).float().mean().item() if w.numel() else nan,
            # all-zero only for conv/linear weights (2+ dims): a fresh BatchNorm bias, or any
            # bias, starts at zero by design, and flagging it would be noise
            "flags": (["all-zero"] if tensor.dim() >= 2 and w.numel() and not w.any() else [])
                     + (["NaN/inf"] if finite.numel() < w.numel() else []),
        })
    maxima = torch.tensor([r["abs_max"] for r in rows if math.isfinite(r["abs_max"])])
    if maxima.numel():
        limit = LARGE_FACTOR * maxima.median().item()
        for r in rows:
            if r["abs_max"] > limit > 0:
                r["flags"].append("large")
    return rows


def _weights_figure(weights: dict, rows: list[dict], path: Path) -> None:
    """A grid of histograms, one per conv/linear weight (the tensors of 2 or more dimensions)."""
    from matplotlib.figure import Figure  # no pyplot: works headless and leaves the backend be

    names = [r["name"] for r in rows if weights[r["name"]].dim() >= 2] or [r["name"] for r in rows]
    cols = min(4, max(1, len(names)))
    lines = max(1, math.ceil(len(names) / cols))
    fig = Figure(figsize=(3 * cols, 2.2 * lines))
    axes = fig.subplots(lines, cols, squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.axis("off")
    for ax, name in zip(axes.flat, names):
        w = weights[name].detach().float().flatten()
        w = w[torch.isfinite(w)]
        if w.numel():
            ax.hist(w.numpy(), bins=50, color="tab:blue")
        else:
            ax.text(0.5, 0.5, "no finite values", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(f"{name}\n{tuple(weights[name].shape)}", fontsize=7)
        ax.tick_params(labelsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


@torch.no_grad()
def _samples_figure(checkpoint, images, size: int, n: int, path: Path) -> str:
    """gray | prediction | truth for ``n`` test images, each titled with PSNR and colorfulness.
    Returns a line naming the data and the mean figures."""
    from matplotlib.figure import Figure  # no pyplot: works headless and leaves the backend be

    from ..color import grayscale
    from ..colorizer import Colorizer, lab_tensors
    from ..infer import load_colorizer
    from ..metrics import colorfulness, psnr

    model = load_colorizer(checkpoint)
    test = load_dataset(images, "test", size=size).take(n)
    truth = test.float()  # (N, 3, H, W) in [0, 1]
    L = lab_tensors(test)[0]
    ab = model(L).float()
    broken = not torch.isfinite(ab).all()
    pred = Colorizer.rgb(L, torch.nan_to_num(ab, 0.0, 0.0, 0.0).clamp(-1, 1))
    gray, scores, vivid = grayscale(truth), psnr(pred, truth), colorfulness(pred)
    fig = Figure(figsize=(6, 2.1 * len(test)))
    axes = fig.subplots(len(test), 3, squeeze=False)
    for i, row in enumerate(axes):
        titles = ("gray", f"{scores[i]:.1f} dB, colorful {vivid[i]:.0f}", "truth")
        for ax, img, title in zip(row, (gray[i], pred[i], truth[i]), titles):
            ax.imshow(img.permute(1, 2, 0).clamp(0, 1).numpy())
            ax.set_title(title, fontsize=8)
            ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    note = " The model predicted NaN/inf: those pixels are shown gray." if broken else ""
    return (f"{len(test)} test images of {test.source}, {size} px: mean PSNR "
            f"{scores.mean():.2f} dB, mean colorfulness {vivid.mean():.1f} (truth "
            f"{colorfulness(truth).mean():.1f}).{note}")


def _md_table(rows: list[dict]) -> str:
    head = "| tensor | shape | parameters | mean | std | abs-max | share |w|<1e-3 | flags |"
    lines = [head.replace("|w|", "\\|w\\|"), "|---|---|--:|--:|--:|--:|--:|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['shape']} | {r['parameters']:,} | {r['mean']:.3g} | "
                     f"{r['std']:.3g} | {r['abs_max']:.3g} | {r['near_zero']:.1%} | "
                     f"{', '.join(r['flags'])} |")
    total = sum(r["parameters"] for r in rows)
    lines.append(f"| **total** | | {total:,} | | | | | |")
    return "\n".join(lines)


def checkpoint_report(checkpoint, images="sample", out=None, n_samples: int = 8) -> Path:
    """Write a report on ``checkpoint`` (a file from colorlab.checkpoint.save_checkpoint) into a
    folder and return the folder: ``out``, default ``reports/<checkpoint stem>-report/`` (under
    :func:`reports_dir`).

    - ``index.md``: the model and training configuration, the history (epochs run, best
      validation loss and its epoch), the data it names, the per-tensor table, links;
    - ``layers.csv``: the same table (:func:`layer_stats`: name, shape, parameters, mean, std,
      abs-max, share of |w| < 1e-3, flags all-zero (conv/linear weights) / NaN/inf / large,
      where large means an abs-max over 10x the median abs-max of all tensors);
    - ``weights.png``: one histogram per conv/linear weight;
    - ``samples.png``: gray | prediction | truth for ``n_samples`` test images of ``images``
      ('sample', 'cifar10' or a folder; :func:`colorlab.data.load_dataset` split 'test' at the
      checkpoint's training size ``config['size']``, default 32), titled with PSNR (dB) and
      colorfulness. Only for a colorizer (UNet, in_ch=1, out_ch=2); for another model it is
      skipped and index.md says why.

    A missing or unreadable file raises what colorlab.checkpoint.load_checkpoint raises
    (FileNotFoundError, ValueError). NaN or infinite weights are flagged, not fatal.
    """
    from ..checkpoint import load_checkpoint, strip_prefixes
    from ..colorizer import is_colorizer

    checkpoint = Path(checkpoint)
    ckpt = load_checkpoint(checkpoint)
    folder = Path(out) if out is not None else reports_dir() / f"{checkpoint.stem}-report"
    folder.mkdir(parents=True, exist_ok=True)
    config = ckpt.get("config") if isinstance(ckpt.get("config"), dict) else {}
    model_config = config.get("model") if isinstance(config.get("model"), dict) else {}
    weights = strip_prefixes(ckpt["model"])
    rows = layer_stats(weights)

    with open(folder / "layers.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "shape", "parameters", "mean", "std", "abs_max",
                         "near_zero_share", "flags"])
        for r in rows:
            writer.writerow([r["name"], r["shape"], r["parameters"], f"{r['mean']:.6g}",
                             f"{r['std']:.6g}", f"{r['abs_max']:.6g}", f"{r['near_zero']:.6g}",
                             ";".join(r["flags"])])
    _weights_figure(weights, rows, folder / "weights.png")

    kwargs = model_config.get("kwargs", {})
    colorizer = is_colorizer(model_config)
    size = config.get("size", 32)
    if colorizer:
        samples = _samples_figure(checkpoint, images, int(size), n_samples, folder / "samples.png")
        samples = f"![samples](samples.png)\n\n[samples.png](samples.png): {samples}"
    else:
        (folder / "samples.png").unlink(missing_ok=True)
        what = model_config.get("class", "model of unknown configuration")
        samples = (f"No samples.png: this checkpoint holds a {what}, not a colorizer (a UNet "
                   "with in_ch=1 and out_ch=2 that maps L to ab), so it cannot colorize images.")
        print(f"Note: {checkpoint}: {samples}")

    history = ckpt.get("history") if isinstance(ckpt.get("history"), list) else []
    epochs = [h for h in history if isinstance(h, dict)]
    val = [h for h in epochs if isinstance(h.get("val_loss"), (int, float))]
    best = min(val, key=lambda h: h["val_loss"]) if val else None
    flagged = ", ".join(f"{r['name']} ({', '.join(r['flags'])})" for r in rows if r["flags"])
    training = [f"- {k}: {v}" for k, v in config.items() if k != "model"]
    if "data" not in config:
        training.append("- data: (not recorded in the checkpoint)")
    text = [
        f"# Checkpoint report: {checkpoint.name}", "",
        f"File: `{checkpoint}`", "",
        "## Model", "",
        f"{model_config.get('class', '(no model configuration in the checkpoint)')}"
        f"({', '.join(f'{k}={v}' for k, v in kwargs.items())}): "
        f"{sum(r['parameters'] for r in rows):,} parameters in {len(rows)} tensors.", "",
        "## Training", "",
        *training,
        f"- epochs run: {len(epochs) or ckpt.get('epoch', '(not recorded)')}",
        (f"- best validation loss: {best['val_loss']:.4g} at epoch {best.get('epoch', '?')}"
         if best else "- best validation loss: (no val_loss in the history)"), "",
        "## Weights", "",
        f"[layers.csv](layers.csv), histograms: [weights.png](weights.png). "
        f"Flagged: {flagged or 'none'}. Large means abs-max over {LARGE_FACTOR}x the "
        "median abs-max of all tensors.", "",
        _md_table(rows), "",
        "![weights](weights.png)", "",
        "## Samples", "", samples, "",
    ]
    (folder / "index.md").write_text("\n".join(text))
    return folder
