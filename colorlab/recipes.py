"""The one colorization recipe: a UNet(1 -> 2) trained by ``fit`` on batches (L, ab, L).

    train_colorizer(images, epochs=...)   from images in memory (notebooks 05, 06, ``colorlab
                                          train``); notebook 04 writes the same steps out as
                                          its lesson, and tests/test_sync_04.py holds them equal
    fit_unet(batches, val, ...)           the recipe's core, for batches from memory or streamed
                                          from files (:func:`colorlab.stream.train_streaming`)
"""

from __future__ import annotations

import torch

from .colorizer import lab_tensors
from .data import Batches
from .device import seed_everything
from .losses import make_loss
from .models import UNet
from .train import fit


def fit_unet(batches, val, *, epochs: int, base: int, depth: int, lr: float, loss: str = "l1",
             ssim_weight: float = 0.5, device=None, seed: int = 0, config: dict | None = None,
             **fit_kwargs):
    """Seed, build ``UNet(1, 2, base, depth)`` and :func:`colorlab.train.fit` it on ``batches``
    of ``(L, ab, L)``, validating on ``val = (L, ab)`` (or None), with the loss ``loss``
    (:func:`colorlab.losses.make_loss`). Returns ``(model, history)``, model in eval mode."""
    seed_everything(seed)
    model = UNet(in_ch=1, out_ch=2, base=base, depth=depth)
    history = fit(model, batches, loss_fn=make_loss(loss, ssim_weight), epochs=epochs, lr=lr,
                  val=None if val is None else (val[0], val[1], val[0]), device=device,
                  config=config, **fit_kwargs)
    return model, history


def train_colorizer(train_images, *, epochs: int, base: int = 64, depth: int = 3,
                    batch_size: int = 128, lr: float = 2e-3, loss: str = "l1",
                    ssim_weight: float = 0.5, val_images=None, device=None, checkpoint_dir=None,
                    seed: int = 0, progress: bool = True, config: dict | None = None, **fit_kwargs):
    """Train ``UNet(in_ch=1, out_ch=2, base, depth)``: L/100 in, ab/AB_SCALE out.

    train_images, val_images: ImageSets or uint8 (N, 3, H, W), H and W multiples of 2**depth.
    The whole set moves to ``device`` once as (L, ab) (:func:`colorlab.colorizer.lab_tensors`);
    :class:`colorlab.data.Batches` shuffles and flips there; :func:`colorlab.train.fit` trains
    and writes ``last.pt``/``best.pt`` into ``checkpoint_dir``. ``loss``: ``"l1"``, ``"mse"`` or
    ``"l1_ssim"`` (with ``ssim_weight``); every loss is called ``loss(pred_ab, ab, L)``.
    ``seed`` fixes the initial weights and the batch order. Extra keyword arguments go to
    ``fit`` (``resume``, ``stop_after``, ``amp``, ...). Returns ``(model, history)``.
    """
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    L, ab = lab_tensors(train_images, device)
    batches = Batches(L, ab, L, batch_size=batch_size, seed=seed)  # fit: loss(model(L), ab, L)
    val = None if val_images is None else lab_tensors(val_images, device)
    config = {"recipe": "train_colorizer", "loss": loss, "ssim_weight": ssim_weight,
              "batch_size": batch_size, "size": int(L.shape[-1]), "seed": seed, **(config or {})}
    return fit_unet(batches, val, epochs=epochs, base=base, depth=depth, lr=lr, loss=loss,
                    ssim_weight=ssim_weight, device=device, seed=seed, config=config,
                    checkpoint_dir=checkpoint_dir, progress=progress, **fit_kwargs)
