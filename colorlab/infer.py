"""Use a trained colorizer: load it from a checkpoint, colorize real photos of any size.

    model = load_colorizer("runs/04/best.pt")       # a colorlab.colorizer.Colorizer
    rgb = colorize(model, "grandma_1952.jpg")       # (H, W, 3) uint8

The photo recipe is :meth:`colorlab.colorizer.Colorizer.photo`; the ``colorize`` command is
:mod:`colorlab.course.cli`.
"""

from __future__ import annotations

import numpy as np

from .checkpoint import load_checkpoint, load_weights, strip_prefixes
from .colorizer import Colorizer, is_colorizer
from .models import from_config


def colorize(model, image, work_size: int | None = None) -> np.ndarray:
    """Colorize one photo of any size with ``model`` (a :class:`~colorlab.colorizer.Colorizer`,
    a UNet(1, 2) or any function L/100 -> ab/AB_SCALE); returns (H, W, 3) uint8 sRGB.
    See :meth:`Colorizer.photo <colorlab.colorizer.Colorizer.photo>`."""
    colorizer = model if isinstance(model, Colorizer) else Colorizer(model)
    return colorizer.photo(image, work_size)


def load_colorizer(checkpoint, device="cpu") -> Colorizer:
    """The :class:`~colorlab.colorizer.Colorizer` saved in ``checkpoint`` (by
    ``colorlab.train.fit``), rebuilt from ``ckpt["config"]["model"]``, in eval mode on
    ``device``. ``.train_size`` is the size it was trained at (``ckpt["config"]["size"]``, or
    None); ``.work_size`` what :meth:`~colorlab.colorizer.Colorizer.photo` predicts at (4x it).
    Raises FileNotFoundError or ValueError (not a checkpoint, no model configuration, not a
    colorizer, weights that do not fit), each saying what to do (docs/bad-input.md).
    """
    try:
        ckpt = load_checkpoint(checkpoint)
    except ValueError as err:
        if "Weights only load failed" not in str(err):
            raise
        raise ValueError(
            f"{checkpoint} holds Python objects, not only tensors and numbers, so it was refused "
            "unread: loading such a file (a pickle) can run any code in it. A checkpoint written "
            "by colorlab.train.fit never holds any; use one from a source you trust, or re-train "
            "it (notebook 04, or `python -m colorlab train`).") from None
    config = (ckpt.get("config") or {}).get("model")
    if not isinstance(config, dict):
        raise ValueError(f"{checkpoint} has no model configuration (ckpt['config']['model']), so "
                         "the model cannot be rebuilt. Use a checkpoint written by "
                         "colorlab.train.fit, e.g. best.pt from `python -m colorlab train`.")
    if not is_colorizer(config):
        kwargs = config.get("kwargs", {})
        what = f"{config.get('class')}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
        raise ValueError(f"{checkpoint} holds a {what}, not a colorizer: colorize needs a "
                         "UNet(in_ch=1, out_ch=2) that maps L to ab (notebook 04, or `python -m "
                         "colorlab train`). Pass that checkpoint instead.")
    net = from_config(config)
    load_weights(net, strip_prefixes(ckpt["model"]), checkpoint)
    size = (ckpt.get("config") or {}).get("size")
    size = int(size) if isinstance(size, (int, float)) and size > 0 else None
    return Colorizer(net, train_size=size).to(device).eval()
