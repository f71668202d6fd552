"""The contract every colorizer keeps, in one object: L / 100 in, ab / 110 out, back to sRGB.

    lab_tensors(images, device)  uint8 sRGB images -> (L/100, ab/110): the net's input and target
    Colorizer(net)               forward(L) -> ab; .rgb(L, ab) -> sRGB; .photo(image) -> a photo
    Decoded(net, bins, T)        a bin classifier (notebook 05) and its annealed mean: L -> ab
    is_colorizer(config)         whether a model configuration is one (a UNet, 1 -> 2 channels)

The photo recipe (as in richzhang/colorization): take the photo's lightness L at FULL resolution,
predict ab at the model's working resolution, upsample ab bilinearly, put it back on the full L
and convert to RGB. Color is smooth at a coarse scale while detail lives in L, so the result is
sharp and keeps the photo's luminance (up to 8-bit rounding).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .color import AB_SCALE, denormalize_lab, images_to_lab, lab_to_rgb, normalize_lab, rgb_to_lab
from .images import to_rgb_tensor

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


def lab_tensors(images, device=None, batch_size: int = 4096):
    """uint8 sRGB images -> the network's input and target, computed on ``device`` in chunks.

    images: an ImageSet or a uint8 tensor (N, 3, H, W); it moves to the device once (a quarter
    of the float size). Returns ``(L, ab)``: L/100 (N, 1, H, W) in [0, 1] and ab/AB_SCALE
    (N, 2, H, W) in about [-1, 1], float32 on ``device``.
    """
    images = getattr(images, "images", images).to(device)
    parts = [normalize_lab(images_to_lab(chunk)) for chunk in images.split(batch_size)]
    return torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])


def is_colorizer(config) -> bool:
    """Whether a model configuration (``model.config``, ``ckpt["config"]["model"]``) describes
    a colorizer: a UNet from 1 channel (L) to 2 (ab)."""
    if not isinstance(config, dict):
        return False
    kwargs = config.get("kwargs", {})
    return config.get("class") == "UNet" and (kwargs.get("in_ch", 1),
                                              kwargs.get("out_ch", 2)) == (1, 2)


class Colorizer(nn.Module):
    """A net from L / 100 (N, 1, H, W) in [0, 1] to ab / AB_SCALE (N, 2, H, W), with the rest of
    the contract: :meth:`rgb` puts L and ab back together as sRGB, :meth:`photo` colorizes a
    photo of any size.

    net: a module (a UNet(1, 2)) or any function L -> ab (an ONNX session). ``train_size``: the
    image size it was trained at; ``work_size``: the shorter side :meth:`photo` predicts at
    (default :func:`default_work_size` of ``train_size``). Its state dict is the net's, so a
    checkpoint of a Colorizer and of its net are the same file.
    """

    def __init__(self, net, train_size: int | None = None, work_size: int | None = None):
        super().__init__()
        self.net = net
        self.train_size = train_size or getattr(net, "train_size", None)
        self.work_size = (work_size or getattr(net, "work_size", None)
                          or default_work_size(self.train_size))
        self.training = getattr(net, "training", False)

    def forward(self, L: torch.Tensor) -> torch.Tensor:
        return self.net(L)

    def __getattr__(self, name: str):
        """What the Colorizer lacks, the net has (``colorizer.encoders`` of a UNet)."""
        try:
            return super().__getattr__(name)
        except AttributeError:
            net = self.__dict__.get("_modules", {}).get("net") or self.__dict__.get("net")
            if net is None:
                raise
            return getattr(net, name)

    @property
    def config(self):
        return getattr(self.net, "config", None)

    @property
    def multiple(self) -> int:
        return getattr(self.net, "multiple", 8)

    def state_dict(self, *args, **kwargs):
        return self.net.state_dict(*args, **kwargs)

    def load_state_dict(self, state_dict, strict: bool = True, **kwargs):
        return self.net.load_state_dict(state_dict, strict, **kwargs)

    @staticmethod
    def rgb(L: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
        """L/100 (..., 1, H, W) and ab/AB_SCALE (..., 2, H, W) -> sRGB (..., 3, H, W) in [0, 1],
        float32: the one place where the network's scales go back to Lab and to color."""
        return lab_to_rgb(denormalize_lab(L.float(), ab.float()))

    @torch.no_grad()
    def photo(self, image, work_size: int | None = None) -> np.ndarray:
        """Colorize one photo of any size; returns (H, W, 3) uint8 sRGB, the input's H and W.

        image: a path, PIL image, numpy array or tensor in any mode
            (:func:`colorlab.images.to_rgb_tensor`); only its lightness is used.
        work_size: the shorter side at which ab is predicted (default ``self.work_size``),
            never more than the photo's own shorter side rounded up to ``self.multiple``
            (:func:`work_shape`): a 300-px photo asked for 512 is predicted at 304.
        The net runs in eval mode on its own device and is put back in its mode. ab is
        predicted on L resized (antialiased) to the working size, upsampled bilinearly and put
        back on the full L; colors the screen cannot show are pulled toward gray at constant L
        (:func:`fit_to_gamut`), so the output keeps the input's L up to rounding.
        """
        rgb = to_rgb_tensor(image)
        H, W = rgb.shape[-2:]
        params = next(self.parameters(), None)
        device = params.device if params is not None else torch.device("cpu")
        L = rgb_to_lab(rgb.to(device))[:1] / 100  # (1, H, W) in [0, 1]
        h, w = work_shape(H, W, work_size or self.work_size, self.multiple)
        small = F.interpolate(L[None], size=(h, w), mode="bilinear", antialias=True,
                              align_corners=False)
        was_training = self.training
        self.eval()
        try:
            ab = self(small.clamp(0, 1)).float()
        finally:
            self.train(was_training)
        ab = F.interpolate(ab, size=(H, W), mode="bilinear", align_corners=False)[0]
        lab = fit_to_gamut(denormalize_lab(L, ab))
        out = (lab_to_rgb(lab) * 255).round().clamp(0, 255).byte()
        return out.permute(1, 2, 0).cpu().numpy()


class Decoded(nn.Module):
    """A bin classifier (notebook 05) and its decoder as one colorizer: L / 100 (N, 1, H, W) in
    [0, 1] -> ab / AB_SCALE (N, 2, H, W), the contract of :class:`Colorizer` and ``evaluate``.

    net: L / 100 -> logits (N, Q, H, W), one per bin of ``bins`` (a :class:`colorlab.bins.AbBins`).
    T: the temperature of the annealed mean (:meth:`~colorlab.bins.AbBins.decode`): 1 the mean
    of the predicted distribution, 0 its most likely bin. The bins follow the net's device.
    """

    def __init__(self, net: nn.Module, bins, T: float):
        super().__init__()
        self.net, self.bins, self.T = net, bins, float(T)
        self.multiple = getattr(net, "multiple", 8)  # H and W must be multiples of it

    def forward(self, L: torch.Tensor) -> torch.Tensor:
        return self.bins.decode(self.net(L), self.T) / AB_SCALE

    def _apply(self, fn, *args, **kwargs):  # .to(device) moves the bins' tensors too
        super()._apply(fn, *args, **kwargs)
        params = next(self.net.parameters(), None)
        if params is not None:
            self.bins.to(params.device)
        return self

    @property
    def config(self):
        return getattr(self.net, "config", None)


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
