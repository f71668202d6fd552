"""Colorize real photos of any size. (The ``colorize`` command is :mod:`colorlab.cli`.)

The recipe (as in richzhang/colorization): take the photo's lightness L at FULL resolution,
predict ab at the model's working resolution, upsample ab bilinearly, put it back on the full
L and convert to RGB. Color is smooth at a coarse scale while detail lives in L, so the result
is sharp, and it keeps the photo's luminance exactly (up to 8-bit rounding).

    model = load_colorizer("runs/04/best.pt")
    rgb = colorize(model, "grandma_1952.jpg")       # (H, W, 3) uint8
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageOps

from .color import AB_SCALE, lab_to_rgb, rgb_to_lab
from .data import to_rgb
from .models import UNet, from_config
from .train import _load_weights, load_checkpoint, strip_prefixes

# The default working size. A model trained on whole images (CIFAR-10's objects, or whole photos
# cut to the training size) has learnt what objects look like at about its training size: shown a
# photo at a much larger size it sees texture, not objects. So the photo's shorter side goes to
# WORK_SIZE_FACTOR x the training size stored in the checkpoint (ckpt["config"]["size"]): 128 for
# notebook 04's 32-px CIFAR-10 model. At most MAX_WORK_SIZE (memory, and a model trained on 256-px
# photos needs no more); DEFAULT_WORK_SIZE when the model does not say its training size.
WORK_SIZE_FACTOR = 4
MAX_WORK_SIZE = 512
DEFAULT_WORK_SIZE = 128
WORK_SIZE_RULE = (f"default: {WORK_SIZE_FACTOR}x the checkpoint's training size (128 for a "
                  f"32-px model such as notebook 04's), at most {MAX_WORK_SIZE}; "
                  f"{DEFAULT_WORK_SIZE} if the checkpoint does not record its size")


def default_work_size(train_size: int | None) -> int:
    """The working size for a model trained at ``train_size`` px (see :data:`WORK_SIZE_RULE`)."""
    if not train_size:
        return DEFAULT_WORK_SIZE
    return min(MAX_WORK_SIZE, WORK_SIZE_FACTOR * int(train_size))


# ---------------------------------------------------------------------------------------------
# any input -> float RGB (3, H, W) in [0, 1]
# ---------------------------------------------------------------------------------------------
def to_rgb_tensor(image) -> torch.Tensor:
    """A photo in any form -> float32 sRGB (3, H, W) in [0, 1] (gray: R = G = B).

    image: a path or a PIL image (any mode: gray, 16-bit, RGBA composited on white, palette,
    CMYK, with its EXIF orientation applied, as :func:`colorlab.data.read_image`); a numpy
    array (H, W), (H, W, 2) (gray + alpha), (H, W, 3) or (H, W, 4) (RGBA): uint8 in [0, 255],
    uint16 in [0, 65535] or float in [0, 1]; or a tensor (H, W), (C, H, W) with C = 1, 2, 3 or
    4, uint8 or float in [0, 1] (other integer dtypes and NaN raise). Alpha is always
    composited on white, as for a PIL image, so an RGBA array and the same RGBA image give the
    same L.
    """
    if isinstance(image, (str, Path)):
        with Image.open(image) as img:
            img.load()
            return to_rgb_tensor(img)
    if isinstance(image, Image.Image):
        image = np.asarray(to_rgb(ImageOps.exif_transpose(image)))
    if isinstance(image, np.ndarray):
        if image.ndim == 3 and image.shape[-1] in (2, 3, 4):
            image = image.transpose(2, 0, 1)  # (C, H, W); alpha is composited below
        scale = {"uint8": 255, "uint16": 65535}.get(image.dtype.name)
        if scale is None and image.dtype.kind != "f":
            raise TypeError(f"Cannot colorize a numpy array of dtype {image.dtype}: use uint8, "
                            "uint16 or float in [0, 1].")
        scale = scale or 1
        image = torch.from_numpy(np.ascontiguousarray(image).astype(np.float32) / scale)
    if not isinstance(image, torch.Tensor):
        raise TypeError(f"Cannot colorize a {type(image).__name__}: pass a path, a PIL image, a "
                        "numpy array or a tensor.")
    if image.dtype == torch.uint8:
        x = image.float() / 255
    elif image.is_floating_point():
        x = image.float()
    else:
        raise TypeError(f"Cannot colorize a tensor of dtype {image.dtype}: only uint8 (0 to 255) "
                        "and float (0 to 1) have a known scale. If it holds 0..255 values, pass "
                        "image.to(torch.uint8); else divide it by its maximum value.")
    if torch.isnan(x).any():
        raise ValueError(f"Cannot colorize an image with NaN values ({int(torch.isnan(x).sum())} "
                         f"of {x.numel()}): a pixel must have a value. Look for a 0/0 where the "
                         "image was made, or replace them, e.g. torch.nan_to_num(image).")
    if x.dim() == 2:
        x = x[None]
    if x.dim() != 3 or x.shape[0] not in (1, 2, 3, 4):
        raise ValueError(f"Cannot colorize an image of shape {tuple(image.shape)}: tensors are "
                         "(H, W) or (C, H, W), numpy arrays (H, W) or (H, W, C), with C = 1 "
                         "(gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA). Pass one image at a "
                         "time.")
    x = x.clamp(0, 1)
    if x.shape[0] in (2, 4):  # composite on white, like PIL images (colorlab.data.read_image)
        x = x[:-1] * x[-1:] + (1 - x[-1:])
    return x.expand(3, -1, -1)


# ---------------------------------------------------------------------------------------------
# colorize
# ---------------------------------------------------------------------------------------------
def fit_to_gamut(lab: torch.Tensor, steps: int = 10) -> torch.Tensor:
    """Pull out-of-gamut colors toward gray at CONSTANT L and hue, so that converting to sRGB
    does not have to clip (clipping would change the lightness).

    lab: (3, H, W). Each pixel's ab is scaled by the largest factor in [0, 1] (bisection,
    ``steps`` halvings) whose color lies inside the sRGB cube; gray (ab = 0) always does for L
    in [0, 100]. Pixels already inside are untouched. Returns a new (3, H, W) tensor.
    """
    def inside(x):  # Lab (3, P) -> (P,) bool
        rgb = lab_to_rgb(x[:, :, None], clip=False)[:, :, 0]
        return ((rgb > -1e-4) & (rgb < 1 + 1e-4)).all(dim=0)

    flat = lab.reshape(3, -1)
    bad = ~inside(flat)
    if not bad.any():
        return lab.clone()
    pix = flat[:, bad]  # (3, B): the out-of-gamut pixels

    def scaled(s):
        return torch.cat([pix[:1], pix[1:] * s])

    lo = torch.zeros(pix.shape[1], device=lab.device)  # in gamut
    hi = torch.ones_like(lo)  # maybe not
    for _ in range(steps):
        mid = (lo + hi) / 2
        ok = inside(scaled(mid))
        lo, hi = torch.where(ok, mid, lo), torch.where(ok, hi, mid)
    flat = flat.clone()
    flat[:, bad] = scaled(lo)
    return flat.view_as(lab)


def work_shape(height: int, width: int, work_size: int, multiple: int) -> tuple[int, int]:
    """(h, w) to predict at: the shorter side becomes ``work_size`` (never more than the photo's
    own, rounded up to ``multiple``), the longer side keeps the aspect ratio; both multiples of
    ``multiple``."""
    short = min(height, width)
    target = max(multiple, min(work_size, -(-short // multiple) * multiple))
    scale = target / short

    def fit(side):
        return max(multiple, round(side * scale / multiple) * multiple)

    return fit(height), fit(width)


@torch.no_grad()
def colorize(model, image, work_size: int | None = None) -> np.ndarray:
    """Colorize one photo of any size; returns (H, W, 3) uint8 sRGB, the input's H and W.

    model: a colorizer, L/100 (1, 1, h, w) -> ab/AB_SCALE (1, 2, h, w) (a UNet(1, 2), e.g. from
        :func:`load_colorizer`); it runs on its own device.
    image: a path, PIL image, numpy array or tensor, in any mode (see :func:`to_rgb_tensor`);
        color inputs are reduced to their L first, so only the lightness is used.
    work_size: the shorter side at which ab is predicted; default the model's ``work_size``
        attribute (set by :func:`load_colorizer` to :func:`default_work_size` of the training
        size: 4x, so 128 for notebook 04's 32-px model), else :data:`DEFAULT_WORK_SIZE` (128).
        Pick it so objects appear at about the scale the model was trained on.

    The model is run in eval mode and put back in the mode it was in, even if it fails.

    L comes from the full-resolution photo; ab is predicted on L resized (antialiased) to the
    working size, upsampled bilinearly, and put back on the full L; colors the screen cannot
    show are pulled toward gray at constant L (:func:`fit_to_gamut`), so the output's L equals
    the input's up to rounding (well under 1 on average).
    """
    rgb = to_rgb_tensor(image)
    H, W = rgb.shape[-2:]
    params = next(model.parameters(), None) if isinstance(model, torch.nn.Module) else None
    device = params.device if params is not None else torch.device("cpu")
    L = rgb_to_lab(rgb.to(device))[:1]  # (1, H, W) in [0, 100]
    multiple = getattr(model, "multiple", 8)
    work_size = work_size or getattr(model, "work_size", None) or DEFAULT_WORK_SIZE
    h, w = work_shape(H, W, work_size, multiple)
    small = F.interpolate(L[None] / 100, size=(h, w), mode="bilinear", antialias=True,
                          align_corners=False)
    was_training = getattr(model, "training", False)
    if isinstance(model, torch.nn.Module):
        model.eval()
    try:
        ab = model(small.clamp(0, 1)).float()
    finally:
        if isinstance(model, torch.nn.Module):
            model.train(was_training)
    ab = F.interpolate(ab, size=(H, W), mode="bilinear", align_corners=False)[0]
    lab = fit_to_gamut(torch.cat([L, ab * AB_SCALE]))
    out = (lab_to_rgb(lab) * 255).round().clamp(0, 255).byte()
    return out.permute(1, 2, 0).cpu().numpy()


# ---------------------------------------------------------------------------------------------
# checkpoints
# ---------------------------------------------------------------------------------------------
def load_colorizer(checkpoint, device="cpu") -> UNet:
    """Rebuild the colorizer saved in ``checkpoint`` (written by ``colorlab.train.fit``) from
    ``ckpt["config"]["model"]``, load its weights, and return it in eval mode on ``device``.

    ``model.train_size`` is the image size it was trained at (``ckpt["config"]["size"]``, or
    None), and ``model.work_size`` the size :func:`colorize` predicts at by default
    (:func:`default_work_size`: 4x the training size). The file is read once, with
    ``torch.load(weights_only=True)``. Raises FileNotFoundError (no file) or ValueError (not a
    checkpoint, no model configuration, not a UNet(in_ch=1, out_ch=2) colorizer, weights that do
    not fit), each saying what to do.
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
    kwargs = config.get("kwargs", {})
    if config.get("class") != "UNet" or (kwargs.get("in_ch", 1), kwargs.get("out_ch", 2)) != (1, 2):
        what = f"{config.get('class')}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
        raise ValueError(f"{checkpoint} holds a {what}, not a colorizer: colorize needs a "
                         "UNet(in_ch=1, out_ch=2) that maps L to ab (notebook 04, or `python -m "
                         "colorlab train`). Pass that checkpoint instead.")
    model = from_config(config)
    _load_weights(model, strip_prefixes(ckpt["model"]), Path(checkpoint))
    size = (ckpt.get("config") or {}).get("size")
    model.train_size = int(size) if isinstance(size, (int, float)) and size > 0 else None
    model.work_size = default_work_size(model.train_size)
    return model.to(device).eval()

