"""The ready-made colorization recipe: notebook 04, notebook 05 and ``python -m colorlab train``
all call these, so they cannot drift apart.

    lab_tensors(images, device)          uint8 RGB -> (L/100, ab/110), on the device, once
    l1, mse, l1_ssim(weight)             losses: loss(pred_ab, ab[, L])
    train_colorizer(images, epochs=...)  a UNet(1 -> 2) trained with colorlab.train.fit
    write_report(name, record)           reports/<name>-<device>.json and .md
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch
import torch.nn.functional as F

from .color import denormalize_lab, images_to_lab, lab_to_rgb, normalize_lab
from .data import Batches, source_checkout
from .device import device_name, seed_everything
from .metrics import ssim
from .models import UNet
from .train import fit


def reports_dir() -> Path:
    """Where :func:`write_report` writes by default: the repository's ``reports/`` in a source
    checkout (the notebooks run with cwd ``notebooks/``), else ``./reports`` in the current
    folder (an installed package never writes into site-packages)."""
    root = source_checkout()
    return root / "reports" if root is not None else Path.cwd() / "reports"


def lab_tensors(images, device=None, batch_size: int = 4096):
    """uint8 sRGB images -> the network's input and target, computed on ``device`` in chunks.

    images: an ImageSet or a uint8 tensor (N, 3, H, W). The uint8 images move to the device once
    (a quarter of the float size), then each chunk is converted there. Returns
    ``(L, ab)``: L/100 (N, 1, H, W) in [0, 1] and ab/AB_SCALE (N, 2, H, W) in about [-1, 1],
    float32 on ``device``.
    """
    images = getattr(images, "images", images).to(device)
    parts = [normalize_lab(images_to_lab(chunk)) for chunk in images.split(batch_size)]
    return torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])


# ---------------------------------------------------------------------------------------------
# losses: loss(pred_ab, ab[, L]); pred_ab and ab are normalized ab (N, 2, H, W)
# ---------------------------------------------------------------------------------------------
def l1(pred_ab: torch.Tensor, ab: torch.Tensor, L=None) -> torch.Tensor:
    """Mean absolute error in normalized ab: robust, keeps some color where several are likely."""
    return F.l1_loss(pred_ab.float(), ab)


def mse(pred_ab: torch.Tensor, ab: torch.Tensor, L=None) -> torch.Tensor:
    """Mean squared error in normalized ab: it averages the plausible colors, so it desaturates
    the most."""
    return F.mse_loss(pred_ab.float(), ab)


def l1_ssim(weight: float = 0.5):
    """``l1 + weight * (1 - SSIM)``; SSIM on the RGB images rebuilt from the TRUE L with the
    predicted and the true ab. The loss needs L: batches yield ``(L, ab, L)``, and it is called
    as ``loss(pred_ab, ab, L)``."""
    def loss(pred_ab: torch.Tensor, ab: torch.Tensor, L: torch.Tensor) -> torch.Tensor:
        with torch.autocast(pred_ab.device.type, enabled=False):  # color math in float32
            pred = lab_to_rgb(denormalize_lab(L.float(), pred_ab.float()))
            true = lab_to_rgb(denormalize_lab(L.float(), ab.float()))
            return l1(pred_ab, ab) + weight * (1 - ssim(pred, true).mean())

    loss.needs_L = True
    loss.__name__ = f"l1_ssim({weight:g})"
    return loss


def make_loss(name: str, ssim_weight: float = 0.5):
    """``"l1"``, ``"mse"`` or ``"l1_ssim"`` -> the loss function."""
    losses = {"l1": l1, "mse": mse, "l1_ssim": l1_ssim(ssim_weight)}
    if name not in losses:
        raise ValueError(f"Unknown loss {name!r}: use one of {', '.join(losses)}.")
    return losses[name]


# ---------------------------------------------------------------------------------------------
# training
# ---------------------------------------------------------------------------------------------
def train_colorizer(train_images, *, epochs: int, base: int = 64, depth: int = 3,
                    batch_size: int = 128, lr: float = 2e-3, loss: str = "l1",
                    ssim_weight: float = 0.5, val_images=None, device=None, checkpoint_dir=None,
                    seed: int = 0, progress: bool = True, config: dict | None = None, **fit_kwargs):
    """Train ``UNet(in_ch=1, out_ch=2, base, depth)``: L/100 in, ab/AB_SCALE out.

    train_images, val_images: ImageSets or uint8 (N, 3, H, W), H and W multiples of 2**depth.
    The whole set moves to ``device`` once as Lab; :class:`colorlab.data.Batches` shuffles and
    flips there; :func:`colorlab.train.fit` trains (AdamW, one-cycle, bf16 autocast and
    channels_last on CUDA) and writes ``last.pt``/``best.pt`` into ``checkpoint_dir``.
    ``loss``: ``"l1"`` (default), ``"mse"`` or ``"l1_ssim"`` (with ``ssim_weight``). ``seed``
    fixes the initial weights and the batch order. Extra keyword arguments go to ``fit``
    (``resume``, ``stop_after``, ``amp``, ...). Returns ``(model, history)``, model in eval mode.
    """
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    loss_fn = make_loss(loss, ssim_weight)
    needs_L = getattr(loss_fn, "needs_L", False)
    L, ab = lab_tensors(train_images, device)
    seed_everything(seed)
    model = UNet(in_ch=1, out_ch=2, base=base, depth=depth)
    batches = Batches(L, ab, *([L] if needs_L else []), batch_size=batch_size, seed=seed)
    val = None
    if val_images is not None:
        vL, vab = lab_tensors(val_images, device)
        val = (vL, vab, vL) if needs_L else (vL, vab)
    config = {"recipe": "train_colorizer", "loss": loss, "ssim_weight": ssim_weight,
              "batch_size": batch_size, "size": int(L.shape[-1]), "seed": seed, **(config or {})}
    history = fit(model, batches, loss_fn=loss_fn, epochs=epochs, lr=lr, val=val, device=device,
                  checkpoint_dir=checkpoint_dir, config=config, progress=progress, **fit_kwargs)
    return model, history


# ---------------------------------------------------------------------------------------------
# reports
# ---------------------------------------------------------------------------------------------
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
