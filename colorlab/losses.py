"""The colorization losses, all called the same way: ``loss(pred, ab, L)``.

    pred   what the network returned: normalized ab (N, 2, H, W) for a regressor, or
           (N, Q, H, W) logits for the classifier of notebook 05 (:meth:`colorlab.bins.AbBins.loss`)
    ab     the true ab / AB_SCALE, (N, 2, H, W) in about [-1, 1]
    L      the true L / 100, (N, 1, H, W) in [0, 1]: the network's own input

One convention, so nothing has to be stuck on a function to say what it needs: the recipe
(:func:`colorlab.recipes.train_colorizer`) always trains on batches ``(L, ab, L)``, and
:func:`colorlab.train.fit` calls ``loss_fn(model(L), ab, L)``. A loss that does not look at L
(``l1``, ``mse``, the classification loss) takes it and ignores it, so such a loss also works on
plain ``(L, ab)`` batches (notebooks 04 and 05 train that way); ``l1_ssim`` needs it and says so.

    l1, mse                 regression losses in normalized ab
    l1_ssim(weight)         l1 + weight * (1 - SSIM of the RGB images rebuilt from the true L)
    make_loss(name)         "l1" | "mse" | "l1_ssim" -> the loss
    l1_ssim_perceptual(net) l1 + 0.1 (1 - SSIM) + 0.05 feature_distance in a frozen network's
                            features (notebook 07; the networks: :mod:`colorlab.perceptual`)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .colorizer import Colorizer
from .device import float32_region
from .metrics import ssim

LOSSES = ("l1", "mse", "l1_ssim")


def l1(pred_ab: torch.Tensor, ab: torch.Tensor, L: torch.Tensor | None = None) -> torch.Tensor:
    """Mean absolute error in normalized ab: robust, keeps some color where several are likely.
    ``L`` is not used."""
    return F.l1_loss(pred_ab.float(), ab)


def mse(pred_ab: torch.Tensor, ab: torch.Tensor, L: torch.Tensor | None = None) -> torch.Tensor:
    """Mean squared error in normalized ab. Its optimum is the mean of the plausible colors, a
    dull compromise, as L1's median is; which of the two is duller depends on how the colors are
    spread (notebook 04 measures both on CIFAR-10). ``L`` is not used."""
    return F.mse_loss(pred_ab.float(), ab)


def l1_ssim(weight: float = 0.5):
    """``l1 + weight * (1 - SSIM)``; SSIM on the RGB images rebuilt from the TRUE L with the
    predicted and the true ab, so this loss needs L: ``loss(pred_ab, ab, L)``."""
    def loss(pred_ab: torch.Tensor, ab: torch.Tensor, L: torch.Tensor | None = None
             ) -> torch.Tensor:
        if L is None:
            raise TypeError(
                f"{loss.__name__} needs the true L to rebuild RGB for SSIM, and got only "
                "(pred_ab, ab): train on batches that yield (L, ab, L), as "
                "colorlab.recipes.train_colorizer does (Batches(L, ab, L, ...), val=(L, ab, L)), "
                "or call it as loss(pred_ab, ab, L).")
        with float32_region(pred_ab.device):  # color math in float32
            pred, true = Colorizer.rgb(L, pred_ab), Colorizer.rgb(L, ab)
            return l1(pred_ab, ab) + weight * (1 - ssim(pred, true).mean())

    loss.__name__ = f"l1_ssim({weight:g})"
    return loss


def make_loss(name: str, ssim_weight: float = 0.5):
    """``"l1"``, ``"mse"`` or ``"l1_ssim"`` (with ``ssim_weight``) -> the loss function."""
    if name not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}: use one of {', '.join(LOSSES)}.")
    if name == "l1_ssim":
        return l1_ssim(ssim_weight)
    return {"l1": l1, "mse": mse}[name]


def feature_distance(net, pred_rgb: torch.Tensor, true_rgb: torch.Tensor) -> torch.Tensor:
    """The perceptual distance of Johnson et al. (2016): the mean squared difference of the two
    images' feature maps, averaged over the layers of ``net.features_of`` (a list, shallow to
    deep). pred_rgb, true_rgb: (N, 3, H, W) float in [0, 1]. Returns a 0-dim tensor, 0 for equal
    images; gradients flow to ``pred_rgb`` (the truth's features are computed without any)."""
    with torch.no_grad():
        targets = net.features_of(true_rgb)
    preds = net.features_of(pred_rgb)
    return sum(F.mse_loss(p.float(), t.float()) for p, t in zip(preds, targets)) / len(preds)


def l1_ssim_perceptual(net, weight: float = 0.05, ssim_weight: float = 0.1, l1_weight: float = 1.0):
    """``l1_weight * l1 + ssim_weight * (1 - SSIM) + weight * feature_distance`` (defaults 1.0,
    0.1, 0.05, the weights of the Needle design this course grew from), on the RGB images rebuilt
    from the TRUE L with the predicted and the true ab: ``loss(pred_ab, ab, L)``, L needed.
    ``net``: a frozen feature network on the loss's device (:mod:`colorlab.perceptual`)."""
    def loss(pred_ab: torch.Tensor, ab: torch.Tensor, L: torch.Tensor | None = None
             ) -> torch.Tensor:
        if L is None:
            raise TypeError(
                f"{loss.__name__} needs the true L to rebuild RGB for its features, and got only "
                "(pred_ab, ab): train on batches (L, ab, L), or call it as loss(pred_ab, ab, L).")
        with float32_region(pred_ab.device):  # color math in float32
            pred, true = Colorizer.rgb(L, pred_ab), Colorizer.rgb(L, ab)
            pixel = l1_weight * l1(pred_ab, ab) + ssim_weight * (1 - ssim(pred, true).mean())
        return pixel + weight * feature_distance(net, pred, true)

    loss.__name__ = f"l1_ssim_perceptual({type(net).__name__}, {weight:g})"
    return loss
