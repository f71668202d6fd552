"""The ready-made colorization recipe: notebook 04, notebook 05 and ``python -m colorlab train``
all call these, so they cannot drift apart.

    lab_tensors(images, device)          uint8 RGB -> (L/100, ab/110), on the device, once
    train_colorizer(images, epochs=...)  a UNet(1 -> 2) trained with colorlab.train.fit on
                                         batches (L, ab, L): every loss is loss(pred, ab, L)

The losses live in :mod:`colorlab.losses`, the reports in :mod:`colorlab.reports`.
"""

from __future__ import annotations

import torch

from .color import images_to_lab, normalize_lab
from .data import Batches
from .device import seed_everything
from .losses import make_loss
from .models import UNet
from .train import fit


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
    channels_last where the device runs them fast: CUDA, and CPUs with AMX) and
    writes ``last.pt``/``best.pt`` into ``checkpoint_dir``.
    ``loss``: ``"l1"`` (default), ``"mse"`` or ``"l1_ssim"`` (with ``ssim_weight``), see
    :mod:`colorlab.losses`; batches always yield ``(L, ab, L)`` and ``val`` is ``(L, ab, L)``, so
    every loss is called ``loss(pred_ab, ab, L)`` (the extra L costs one index per batch). ``seed``
    fixes the initial weights and the batch order. Extra keyword arguments go to ``fit``
    (``resume``, ``stop_after``, ``amp``, ...). Returns ``(model, history)``, model in eval mode.
    """
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    loss_fn = make_loss(loss, ssim_weight)
    L, ab = lab_tensors(train_images, device)
    seed_everything(seed)
    model = UNet(in_ch=1, out_ch=2, base=base, depth=depth)
    batches = Batches(L, ab, L, batch_size=batch_size, seed=seed)  # fit: loss(model(L), ab, L)
    val = None
    if val_images is not None:
        vL, vab = lab_tensors(val_images, device)
        val = (vL, vab, vL)
    config = {"recipe": "train_colorizer", "loss": loss, "ssim_weight": ssim_weight,
              "batch_size": batch_size, "size": int(L.shape[-1]), "seed": seed, **(config or {})}
    history = fit(model, batches, loss_fn=loss_fn, epochs=epochs, lr=lr, val=val, device=device,
                  checkpoint_dir=checkpoint_dir, config=config, progress=progress, **fit_kwargs)
    return model, history
