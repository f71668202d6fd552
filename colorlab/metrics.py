"""How good is a colorization? PSNR, SSIM, colorfulness, Delta E, and ``evaluate``, which puts a
colorizer's figures next to those of the grayscale baseline (the true L with ab = 0).

Every metric is computed per image (a tensor of shape (N,)) so that averages, per-class figures
and "on how many images does the model win" all come from the same numbers. All are plain torch,
differentiable (``ssim`` can serve in a loss), and run on any device.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .color import AB_SCALE, images_to_lab, lab_to_rgb, normalize_lab, rgb_to_lab
from .device import autocast, autocast_dtype, float32_region

METRICS = ("psnr", "ssim", "delta_e", "colorfulness")  # what evaluate reports, in this order


# ---------------------------------------------------------------------------------------------
# PSNR and SSIM
# ---------------------------------------------------------------------------------------------
def psnr(pred: torch.Tensor, target: torch.Tensor, data_range: float = 1.0) -> torch.Tensor:
    """Peak signal-to-noise ratio per image, in dB: ``10 log10(data_range**2 / MSE)``.

    pred, target: (..., C, H, W) float, e.g. RGB in [0, 1] (``data_range=1``). Returns (...,),
    one value per image: the MSE is taken over C, H and W. Identical images give about 100 dB
    (the MSE is clamped at 1e-10). Same as ``skimage.metrics.peak_signal_noise_ratio``.
    """
    mse = (pred.float() - target.float()).pow(2).flatten(-3).mean(dim=-1)
    return 10 * torch.log10(data_range**2 / mse.clamp_min(1e-10))


def gaussian_window(size: int = 11, sigma: float = 1.5, dtype=torch.float32, device=None):
    """The normalized 1-D Gaussian window ``exp(-x**2 / (2 sigma**2))``, x = -size//2..size//2."""
    x = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    w = torch.exp(-(x**2) / (2 * sigma**2))
    return (w / w.sum()).to(dtype=dtype, device=device)


def ssim(pred: torch.Tensor, target: torch.Tensor, data_range: float = 1.0,
         win_size: int = 11, sigma: float = 1.5, K1: float = 0.01, K2: float = 0.03):
    """Structural similarity (Wang et al. 2004) per image, averaged over channels and pixels.

    pred, target: (..., C, H, W) float, e.g. RGB in [0, 1]; H and W at least ``win_size``.
    Returns (...,), one value per image, in [-1, 1] (1: identical).

    Local means, variances and the covariance come from a Gaussian window (11 x 11, sigma 1.5),
    and only pixels whose window fits inside the image count (a "valid" convolution): exactly
    ``skimage.metrics.structural_similarity(a, b, channel_axis=-1, gaussian_weights=True,
    sigma=1.5, use_sample_covariance=False, data_range=1.0)``, which filters with reflected
    borders and then crops them off. Computed in float32 (float64 inputs stay float64) with
    autocast off, so it is accurate under bf16 training too; differentiable.
    """
    if pred.shape != target.shape:
        raise ValueError(f"ssim needs two images of the same shape, got {tuple(pred.shape)} and "
                         f"{tuple(target.shape)}.")
    if pred.dim() < 3 or min(pred.shape[-2:]) < win_size:
        raise ValueError(f"ssim needs images (..., C, H, W) with H and W at least {win_size} "
                         f"(the window), got {tuple(pred.shape)}.")
    dtype = torch.float64 if torch.float64 in (pred.dtype, target.dtype) else torch.float32
    with float32_region(pred.device):
        batch_shape, (C, H, W) = pred.shape[:-3], pred.shape[-3:]
        x = pred.to(dtype).reshape(-1, 1, H, W)
        y = target.to(dtype).reshape(-1, 1, H, W)
        w = gaussian_window(win_size, sigma, dtype, pred.device)

        def blur(t):  # separable Gaussian filter, valid part only: (M, 1, H-10, W-10)
            t = F.conv2d(t, w.view(1, 1, 1, -1))
            return F.conv2d(t, w.view(1, 1, -1, 1))

        mx, my = blur(x), blur(y)
        vx = blur(x * x) - mx * mx
        vy = blur(y * y) - my * my
        cxy = blur(x * y) - mx * my
        c1, c2 = (K1 * data_range) ** 2, (K2 * data_range) ** 2
        s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
        return s.flatten(1).mean(dim=1).view(*batch_shape, C).mean(dim=-1)


# ---------------------------------------------------------------------------------------------
# colorfulness and Delta E
# ---------------------------------------------------------------------------------------------
def colorfulness(images: torch.Tensor) -> torch.Tensor:
    """Hasler & Suesstrunk (2003) colorfulness per image: 0 for gray, about 30-60 for photos.

    images: (..., 3, H, W) sRGB, uint8 in [0, 255] or float in [0, 1] (multiplied by 255: the
    metric is defined on the 0-255 scale). Returns (...,). With rg = R - G and
    yb = (R + G) / 2 - B over the pixels of one image::

        M = sqrt(std(rg)**2 + std(yb)**2) + 0.3 sqrt(mean(rg)**2 + mean(yb)**2)

    (population standard deviations). The paper's scale: 15 slightly colorful, 33 moderately,
    45 quite, 59 highly, 82 extremely colorful.
    """
    x = images.float() if images.dtype == torch.uint8 else images.float() * 255
    r, g, b = x.flatten(-2).unbind(-2)  # each (..., H*W)
    rg, yb = r - g, 0.5 * (r + g) - b
    spread = (rg.var(dim=-1, correction=0) + yb.var(dim=-1, correction=0)).sqrt()
    offset = (rg.mean(dim=-1) ** 2 + yb.mean(dim=-1) ** 2).sqrt()
    return spread + 0.3 * offset


def delta_e(lab1: torch.Tensor, lab2: torch.Tensor) -> torch.Tensor:
    """CIE76 color difference per pixel: the Euclidean distance in Lab.

    lab1, lab2: (..., 3, H, W) Lab (L in [0, 100]). Returns (..., H, W). About 2.3 is a "just
    noticeable difference"; gray (a = b = 0) against a saturated red is about 80.
    """
    return torch.linalg.vector_norm(lab1.float() - lab2.float(), dim=-3)


def mean_delta_e(lab1: torch.Tensor, lab2: torch.Tensor) -> torch.Tensor:
    """:func:`delta_e` averaged over the pixels of each image: (..., 3, H, W) x 2 -> (...,)."""
    return delta_e(lab1, lab2).flatten(-2).mean(dim=-1)


def image_metrics(pred_rgb: torch.Tensor, true_rgb: torch.Tensor) -> dict[str, torch.Tensor]:
    """PSNR, SSIM, mean Delta E (between the Lab of the two images) and the colorfulness of
    ``pred_rgb``, each (N,). pred_rgb, true_rgb: (N, 3, H, W) float sRGB in [0, 1]."""
    return {"psnr": psnr(pred_rgb, true_rgb), "ssim": ssim(pred_rgb, true_rgb),
            "delta_e": mean_delta_e(rgb_to_lab(pred_rgb), rgb_to_lab(true_rgb)),
            "colorfulness": colorfulness(pred_rgb)}


# ---------------------------------------------------------------------------------------------
# a colorizer against the grayscale baseline
# ---------------------------------------------------------------------------------------------
@dataclass
class Evaluation:
    """What :func:`evaluate` returns.

    model, gray: ``{"psnr", "ssim", "delta_e", "colorfulness"}`` -> (N,) float tensors (CPU), the
        colorizer's figures and the grayscale baseline's on the same images.
    truth_colorfulness: (N,), the colorfulness of the true images.
    images: (N, 3, H, W) uint8, the colorized images (None with ``keep_images=False``).
    """

    model: dict[str, torch.Tensor]
    gray: dict[str, torch.Tensor]
    truth_colorfulness: torch.Tensor
    images: torch.Tensor | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.truth_colorfulness)

    @property
    def psnr_gain(self) -> torch.Tensor:
        """(N,): the model's PSNR minus the gray baseline's, in dB, per image."""
        return self.model["psnr"] - self.gray["psnr"]

    @property
    def beats_gray(self) -> float:
        """The share of images (0 to 1) where the model's PSNR is above the gray baseline's."""
        return (self.psnr_gain > 0).float().mean().item()

    def means(self) -> dict[str, float]:
        """Averages, flat: ``psnr``, ``gray_psnr``, ..., ``truth_colorfulness``, ``psnr_gain``
        (mean), ``psnr_gain_median``, ``beats_gray``."""
        out = {}
        for name in METRICS:
            out[name] = self.model[name].mean().item()
            out[f"gray_{name}"] = self.gray[name].mean().item()
        out["truth_colorfulness"] = self.truth_colorfulness.mean().item()
        out["psnr_gain"] = out["psnr"] - out["gray_psnr"]
        out["psnr_gain_median"] = self.psnr_gain.median().item()
        out["beats_gray"] = self.beats_gray
        return out

    def table(self, name: str = "model") -> str:
        """The averages as a markdown table: one row per metric, model | gray | truth."""
        m = self.means()
        rows = [f"| metric | {name} | grayscale baseline | ground truth |", "|---|---|---|---|",
                f"| PSNR (dB), higher is better | {m['psnr']:.2f} | {m['gray_psnr']:.2f} | |",
                f"| PSNR gain over gray (dB): mean / median | {m['psnr_gain']:+.2f} / "
                f"{m['psnr_gain_median']:+.2f} | | |",
                f"| SSIM, higher is better | {m['ssim']:.4f} | {m['gray_ssim']:.4f} | 1 |",
                f"| mean Delta E (CIE76), lower is better | {m['delta_e']:.2f} | "
                f"{m['gray_delta_e']:.2f} | 0 |",
                f"| colorfulness (Hasler-Suesstrunk) | {m['colorfulness']:.1f} | "
                f"{m['gray_colorfulness']:.1f} | {m['truth_colorfulness']:.1f} |",
                f"| images where PSNR beats gray | {m['beats_gray']:.0%} | | |"]
        return "\n".join(rows)

    def by_class(self, labels: torch.Tensor, classes: list[str]) -> list[dict]:
        """Per class present in ``labels`` (N,): ``{"class", "n", "psnr", "gray_psnr",
        "psnr_gain", "colorfulness", "truth_colorfulness"}`` (class means), in class order."""
        out = []
        labels = torch.as_tensor(labels).cpu()
        for k in labels.unique().tolist():
            idx = labels == k
            out.append({"class": classes[k] if k < len(classes) else str(k),
                        "n": int(idx.sum()), "psnr": self.model["psnr"][idx].mean().item(),
                        "gray_psnr": self.gray["psnr"][idx].mean().item(),
                        "psnr_gain": self.psnr_gain[idx].mean().item(),
                        "colorfulness": self.model["colorfulness"][idx].mean().item(),
                        "truth_colorfulness": self.truth_colorfulness[idx].mean().item()})
        return out


def evaluate(model: nn.Module | Callable[[torch.Tensor], torch.Tensor], images, *,
             device=None, batch_size: int = 500, amp: bool | None = None,
             keep_images: bool = True) -> Evaluation:
    """Colorize ``images`` from their L channel and score them against the truth, next to the
    grayscale baseline (the true L with a = b = 0) on the same images.

    model: the colorizer, called as ``model(L)`` with L = L/100, (B, 1, H, W) in [0, 1], on
        ``device``; it returns normalized ab = ab / AB_SCALE, (B, 2, H, W) in about [-1, 1].
        Either an ``nn.Module`` (e.g. ``UNet(1, 2)``; put in eval mode for the call, its mode
        restored after) or ANY function with that contract: notebook 05 passes its classifier
        and decoder as one, ``evaluate(lambda L: decode(classifier(L)), images)``.
    images: an ImageSet or uint8 images (N, 3, H, W) in [0, 255], with H and W what the model
        accepts (multiples of 2**depth for a UNet).
    device: where to compute; default the model's device (the CPU for a plain function).
    amp: mixed precision for the model's forward pass, as :func:`colorlab.device.autocast_dtype`
        decides (the one policy: ``None`` auto, ``COLORLAB_AMP`` overrides; True; False).

    The colorized image is ``lab_to_rgb(true L, predicted ab)`` (float, clipped to the sRGB
    gamut); PSNR and SSIM compare it with the true RGB image in [0, 1], Delta E compares the Lab
    of the two images, colorfulness is measured on it. Returns an :class:`Evaluation`.
    """
    images = getattr(images, "images", images)
    if not (isinstance(images, torch.Tensor) and images.dtype == torch.uint8
            and images.dim() == 4 and images.shape[1] == 3):
        raise TypeError("evaluate expects an ImageSet or uint8 images (N, 3, H, W), got "
                        f"{getattr(images, 'dtype', type(images))} "
                        f"{tuple(getattr(images, 'shape', ()))}.")
    params = next(model.parameters(), None) if isinstance(model, nn.Module) else None
    device = torch.device(device or (params.device if params is not None else "cpu"))
    amp_dtype = autocast_dtype(device, amp)
    was_training = model.training if isinstance(model, nn.Module) else None
    if was_training is not None:
        model.eval()
    scores = {"model": [], "gray": [], "truth": [], "images": []}
    try:
        with torch.no_grad():
            for chunk in images.split(batch_size):
                chunk = chunk.to(device)
                true_rgb = chunk.float() / 255
                L, _ = normalize_lab(images_to_lab(chunk))
                with autocast(device, amp_dtype):
                    ab = model(L)
                if tuple(ab.shape) != (len(L), 2, *L.shape[-2:]):
                    raise ValueError(f"The colorizer returned shape {tuple(ab.shape)} for L of "
                                     f"shape {tuple(L.shape)}; it must return normalized ab "
                                     f"{(len(L), 2, *L.shape[-2:])}.")
                lab = torch.cat([L * 100, ab.float() * AB_SCALE], dim=1)
                pred_rgb = lab_to_rgb(lab)
                gray_rgb = lab_to_rgb(torch.cat([L * 100, torch.zeros_like(lab[:, 1:])], dim=1))
                scores["model"].append(image_metrics(pred_rgb, true_rgb))
                scores["gray"].append(image_metrics(gray_rgb, true_rgb))
                scores["truth"].append(colorfulness(chunk))
                if keep_images:
                    scores["images"].append((pred_rgb * 255).round().byte().cpu())
    finally:
        if was_training:
            model.train()

    def gather(parts):
        return {k: torch.cat([p[k] for p in parts]).cpu() for k in METRICS}

    return Evaluation(gather(scores["model"]), gather(scores["gray"]),
                      torch.cat(scores["truth"]).cpu(),
                      torch.cat(scores["images"]) if keep_images else None)
