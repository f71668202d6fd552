"""How good is a colorization? PSNR, SSIM, colorfulness, Delta E, the AuC of the per-pixel ab
error (raw and class-rebalanced, Zhang et al. 2016), an object classifier's accuracy, and
``evaluate``, which puts a colorizer's figures next to those of the grayscale baseline (the true L
with ab = 0), with the images that are already gray (``is_gray``) set apart.

Every metric is computed per image (a tensor of shape (N,)) so that averages, per-class figures
and "on how many images does the model win" all come from the same numbers. All are plain torch,
differentiable (``ssim`` can serve in a loss), and run on any device.

Long because it is the one room of the course's yardsticks: each is short, and ``evaluate``
computes them all in one pass over the images.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .color import AB_SCALE, images_to_lab, normalize_lab, rgb_to_lab
from .colorizer import Colorizer
from .device import autocast, autocast_dtype, float32_region

METRICS = ("psnr", "ssim", "delta_e", "colorfulness", "ab_auc")  # what evaluate reports, in order


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
    45 averagely, 59 quite, 82 highly, 109 extremely colorful.
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
    """PSNR (and the MSE it comes from), SSIM, mean Delta E (between the Lab of the two images)
    and the colorfulness of ``pred_rgb``, each (N,). pred_rgb, true_rgb: (N, 3, H, W) float sRGB
    in [0, 1]."""
    mse = (pred_rgb.float() - true_rgb.float()).pow(2).flatten(-3).mean(dim=-1)
    return {"psnr": psnr(pred_rgb, true_rgb), "mse": mse, "ssim": ssim(pred_rgb, true_rgb),
            "delta_e": mean_delta_e(rgb_to_lab(pred_rgb), rgb_to_lab(true_rgb)),
            "colorfulness": colorfulness(pred_rgb)}


# ---------------------------------------------------------------------------------------------
# images that are already gray, and the AuC of the ab error (Zhang, Isola & Efros 2016)
# ---------------------------------------------------------------------------------------------
GRAY_CHROMA = 2.0  # ab units: an image whose mean chroma is below this is "already gray"
AUC_MAX_DIST = 150.0  # the AuC's thresholds run 0, 1, ..., 150 ab units


def mean_chroma(lab: torch.Tensor) -> torch.Tensor:
    """The chroma ``sqrt(a**2 + b**2)`` averaged over the pixels of each image.

    lab: (..., 3, H, W) Lab (ab in Lab units, about [-110, 110]). Returns (...,), >= 0: 0 for a
    neutral gray image, about 15-25 for a typical CIFAR-10 photo."""
    return torch.linalg.vector_norm(lab[..., 1:, :, :].float(), dim=-3).flatten(-2).mean(dim=-1)


def hue_turn(ab: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
    """Per pixel, the angle between the hues of two colorings, in degrees from 0 (same hue) to 180
    (opposite hues, e.g. blue against yellow).

    ab, other: (N, 2, H, W) ab channels in Lab units. Returns (N, H, W) in [0, 180]. The hue of a
    gray pixel (ab near 0) is meaningless, so callers keep only pixels whose chroma is above a few
    units in both."""
    turn = torch.atan2(ab[:, 1], ab[:, 0]) - torch.atan2(other[:, 1], other[:, 0])
    return torch.atan2(turn.sin(), turn.cos()).abs().rad2deg()       # wrapped into [-180, 180]


def is_gray(lab: torch.Tensor) -> torch.Tensor:
    """Whether each image is already gray: its :func:`mean_chroma` is below ``GRAY_CHROMA`` (2).

    lab: (..., 3, H, W) Lab. Returns (...,) bool. Such images (black-and-white photos, about 2%
    of CIFAR-10's test set) give the grayscale baseline a perfect score, so :func:`evaluate` sets
    them apart. This is the one definition the course uses."""
    return mean_chroma(lab) < GRAY_CHROMA


def _auc_parts(pred_ab: torch.Tensor, true_ab: torch.Tensor, max_dist: float, keep=None):
    """(N,) share of (pixel, threshold) pairs met per image; per cell of the true ab's grid, the
    sum of those shares and the pixel count, (C,) each, over the images ``keep`` selects."""
    # a pixel at distance d meets K + 1 - ceil(d) of the thresholds 0..K: no (K, pixels) tensor
    from .bins import GRID_LIMIT, GRID_STEP, grid_cell

    n_cells = (round(2 * GRID_LIMIT / GRID_STEP) + 1) ** 2
    k = int(max_dist)
    per_image, hits, pixels = [], torch.zeros(n_cells, dtype=torch.float64), torch.zeros(
        n_cells, dtype=torch.float64)
    keep = torch.ones(len(true_ab), dtype=torch.bool) if keep is None else keep.cpu()
    chunk = max(1, (1 << 20) // max(1, true_ab[0, 0].numel()))  # about a million pixels a step
    for p, t, kept in zip(pred_ab.split(chunk), true_ab.split(chunk), keep.split(chunk)):
        t = t.detach().to("cpu", torch.float64)
        d = torch.linalg.vector_norm(p.detach().to("cpu", torch.float64) - t, dim=1)  # (B, H, W)
        share = (k + 1 - d.ceil()).clamp(0, k + 1) / (k + 1)
        per_image.append(share.flatten(1).mean(dim=1))
        cells = grid_cell(t.movedim(1, -1))[kept].flatten()
        hits += torch.bincount(cells, weights=share[kept].flatten(), minlength=n_cells)
        pixels += torch.bincount(cells, minlength=n_cells).double()
    return torch.cat(per_image), hits, pixels


def _auc_of(hits: torch.Tensor, pixels: torch.Tensor, rebalanced: bool) -> float:
    if rebalanced:
        used = pixels > 0
        return (hits[used] / pixels[used]).mean().item()
    return (hits.sum() / pixels.sum()).item()


def ab_auc(pred_ab: torch.Tensor, true_ab: torch.Tensor, *, max_dist: float = AUC_MAX_DIST,
           rebalanced: bool = False) -> float:
    """The area under the cumulative curve of the per-pixel ab error (Zhang et al. 2016).

    pred_ab, true_ab: (N, 2, H, W) ab in Lab units (multiply a network's ab / AB_SCALE by
    AB_SCALE first). For each threshold t = 0, 1, ..., max_dist (151 of them by default), the
    share of pixels whose predicted ab is within L2 distance t of the true ab (distance <= t);
    the AuC is the average of those shares, in [0, 1]: 1 is perfect, gray (ab = 0) scores high
    on dull pixels and low on saturated ones.

    rebalanced: the same computed separately for the pixels of each cell of the 10-unit grid of
    :mod:`colorlab.bins` (centers at multiples of 10) that the TRUE ab falls in, then averaged
    over the non-empty cells with equal weight, so rare saturated colors count as much as
    common dull ones (the paper's class-rebalanced AuC). Runs in chunks: 10,000 images of
    32 x 32 need a few tens of MB.
    """
    if not (isinstance(pred_ab, torch.Tensor) and isinstance(true_ab, torch.Tensor)) or \
            pred_ab.shape != true_ab.shape or true_ab.dim() != 4 or true_ab.shape[1] != 2:
        raise ValueError("ab_auc needs two tensors of ab in Lab units, both (N, 2, H, W), got "
                         f"{tuple(getattr(pred_ab, 'shape', ()))} and "
                         f"{tuple(getattr(true_ab, 'shape', ()))}. From Lab (N, 3, H, W), pass "
                         "lab[:, 1:].")
    if true_ab.numel() == 0 or not max_dist >= 0:
        raise ValueError(f"ab_auc needs at least one pixel and max_dist >= 0, got "
                         f"{tuple(true_ab.shape)} and max_dist={max_dist}.")
    _, hits, pixels = _auc_parts(pred_ab, true_ab, max_dist)
    return _auc_of(hits, pixels, rebalanced)


# ---------------------------------------------------------------------------------------------
# semantic interpretability: does an object classifier recognize the colorized image?
# ---------------------------------------------------------------------------------------------
def classifier_correct(classifier: nn.Module, rgb: torch.Tensor, labels: torch.Tensor,
                       batch_size: int = 500) -> torch.Tensor:
    """Whether ``classifier`` names each image's class: (N,) bool, on the CPU.

    classifier: rgb (B, 3, H, W) float in [0, 1] -> logits (B, classes), on the device of
    ``rgb`` (e.g. ``colorlab.pretrained.load("cifar10-classifier")``), run in eval mode.
    rgb: (N, 3, H, W) float in [0, 1], or uint8 in [0, 255]. labels: (N,) class indices."""
    labels = torch.as_tensor(labels).cpu()
    if len(labels) != len(rgb):
        raise ValueError(f"classifier_correct got {len(rgb)} images and {len(labels)} labels: "
                         "pass one label per image.")
    was_training = classifier.training
    classifier.eval()
    try:
        with torch.no_grad():
            guesses = [classifier(x.float() / 255 if x.dtype == torch.uint8 else x.float())
                       .argmax(dim=1).cpu() for x in rgb.split(batch_size)]
    finally:
        classifier.train(was_training)
    return torch.cat(guesses) == labels


def classifier_accuracy(classifier: nn.Module, rgb: torch.Tensor, labels) -> float:
    """The share (0 to 1) of images that ``classifier`` names right: see
    :func:`classifier_correct`. Run on true, gray and colorized images, it measures how much
    of what makes an object recognizable a colorization brings back (Zhang et al. 2016)."""
    return classifier_correct(classifier, rgb, labels).float().mean().item()


# ---------------------------------------------------------------------------------------------
# a colorizer against the grayscale baseline
# ---------------------------------------------------------------------------------------------
@dataclass
class Evaluation:
    """What :func:`evaluate` returns. Per-image figures cover all N images evaluated, in their
    order (so indices match ``images`` and the input); averages, per-class figures and rankings
    use the ``counted`` ones.

    model, gray: ``{"psnr", "mse", "ssim", "delta_e", "colorfulness", "ab_auc"}`` (and
        ``"accuracy"``, 1.0 or 0.0, when a classifier was given) -> (N,) float tensors (CPU), the
        colorizer's figures and the grayscale baseline's on the same images.
    truth_colorfulness: (N,), the colorfulness of the true images.
    images: (N, 3, H, W) uint8, the colorized images (None with ``keep_images=False``).
    already_gray: (N,) bool, :func:`is_gray` of the true images.
    counted: (N,) bool, the images the averages use: all with ``include_gray=True``, else those
        not already gray.
    rebalanced_auc: ``{"model": float, "gray": float}``, the class-rebalanced :func:`ab_auc` over
        the pixels of the counted images.
    truth_accuracy: (N,) float, the classifier on the true images (None without a classifier).
    """

    model: dict[str, torch.Tensor]
    gray: dict[str, torch.Tensor]
    truth_colorfulness: torch.Tensor
    images: torch.Tensor | None = field(default=None, repr=False)
    already_gray: torch.Tensor | None = field(default=None, repr=False)
    counted: torch.Tensor | None = field(default=None, repr=False)
    rebalanced_auc: dict[str, float] = field(default_factory=dict)
    truth_accuracy: torch.Tensor | None = field(default=None, repr=False)

    def __post_init__(self):
        n = len(self.truth_colorfulness)
        if self.already_gray is None:
            self.already_gray = torch.zeros(n, dtype=torch.bool)
        if self.counted is None:
            self.counted = torch.ones(n, dtype=torch.bool)

    def __len__(self) -> int:
        return len(self.truth_colorfulness)

    @property
    def psnr_gain(self) -> torch.Tensor:
        """(N,): the model's PSNR minus the gray baseline's, in dB, per image (all N images)."""
        return self.model["psnr"] - self.gray["psnr"]

    @property
    def beats_gray(self) -> float:
        """The share of counted images (0 to 1) where the model's PSNR is above gray's."""
        return (self.psnr_gain[self.counted] > 0).float().mean().item()

    def ranked(self, key: str = "psnr_gain") -> torch.Tensor:
        """(M,) long: the indices (into the N images and ``images``) of the counted images,
        sorted by ``key`` ("psnr_gain" or a key of ``model``), lowest first: for the PSNR gain,
        the worst images first (``.flip(0)``: the best first). The best/worst figures."""
        values = self.psnr_gain if key == "psnr_gain" else self.model[key]
        index = self.counted.nonzero().squeeze(1)
        return index[values[index].argsort()]

    def means(self) -> dict[str, float]:
        """Averages over the counted images, flat: ``psnr``, ``gray_psnr``, ... for each metric
        (also ``accuracy``, ``gray_accuracy``, ``truth_accuracy`` with a classifier),
        ``truth_colorfulness``, ``psnr_gain`` (mean), ``psnr_gain_median``, ``beats_gray``,
        ``psnr_of_mean_mse`` and ``gray_psnr_of_mean_mse`` (10 log10(1 / the mean MSE): no
        image's 100 dB cap weighs in), ``ab_auc_rebalanced`` and its ``gray_`` twin; and the
        counts ``images`` (counted), ``already_gray`` and ``set_apart``."""
        c = self.counted
        if not c.any():
            raise ValueError(f"No image is counted: all {len(self)} are already gray (mean chroma"
                             f" below {GRAY_CHROMA:g}). Evaluate with include_gray=True.")
        out = {}
        names = METRICS + (("accuracy",) if "accuracy" in self.model else ())
        for name in names:
            out[name] = self.model[name][c].mean().item()
            out[f"gray_{name}"] = self.gray[name][c].mean().item()
        out["truth_colorfulness"] = self.truth_colorfulness[c].mean().item()
        if self.truth_accuracy is not None:
            out["truth_accuracy"] = self.truth_accuracy[c].mean().item()
        out["psnr_gain"] = out["psnr"] - out["gray_psnr"]
        out["psnr_gain_median"] = self.psnr_gain[c].median().item()
        out["beats_gray"] = self.beats_gray
        for prefix, scores in (("", self.model), ("gray_", self.gray)):
            out[f"{prefix}psnr_of_mean_mse"] = 10 * math.log10(1 / max(
                scores["mse"][c].double().mean().item(), 1e-10))
        for prefix, who in (("", "model"), ("gray_", "gray")):
            out[f"{prefix}ab_auc_rebalanced"] = self.rebalanced_auc.get(who, float("nan"))
        out["images"], out["already_gray"] = int(c.sum()), int(self.already_gray.sum())
        out["set_apart"] = len(self) - out["images"]
        return out

    def table(self, name: str = "model") -> str:
        """The averages as a markdown table: one row per metric, model | gray | truth."""
        m = self.means()
        rows = [f"| metric | {name} | grayscale baseline | ground truth |", "|---|---|---|---|",
                f"| PSNR (dB), mean per image, higher is better | {m['psnr']:.2f} | "
                f"{m['gray_psnr']:.2f} | |",
                f"| PSNR of the mean MSE (dB) | {m['psnr_of_mean_mse']:.2f} | "
                f"{m['gray_psnr_of_mean_mse']:.2f} | |",
                f"| PSNR gain over gray (dB): mean / median | {m['psnr_gain']:+.2f} / "
                f"{m['psnr_gain_median']:+.2f} | | |",
                f"| SSIM, higher is better | {m['ssim']:.4f} | {m['gray_ssim']:.4f} | 1 |",
                f"| mean Delta E (CIE76), lower is better | {m['delta_e']:.2f} | "
                f"{m['gray_delta_e']:.2f} | 0 |",
                f"| colorfulness (Hasler-Suesstrunk) | {m['colorfulness']:.1f} | "
                f"{m['gray_colorfulness']:.1f} | {m['truth_colorfulness']:.1f} |",
                f"| AuC of the ab error, 0-150 (Zhang et al.), higher is better | "
                f"{m['ab_auc']:.4f} | {m['gray_ab_auc']:.4f} | 1 |",
                f"| class-rebalanced AuC, higher is better | {m['ab_auc_rebalanced']:.4f} | "
                f"{m['gray_ab_auc_rebalanced']:.4f} | 1 |"]
        if "accuracy" in m:
            rows.append(f"| object classifier accuracy, higher is better | {m['accuracy']:.1%} | "
                        f"{m['gray_accuracy']:.1%} | {m['truth_accuracy']:.1%} |")
        gray = (f"{m['set_apart']} already gray set apart" if m["set_apart"] else
                f"{m['already_gray']} already gray counted")
        rows += [f"| images where PSNR beats gray | {m['beats_gray']:.0%} | | |",
                 f"| images scored (mean chroma < {GRAY_CHROMA:g}: {gray}) | {m['images']:,} | "
                 f"{m['images']:,} | {m['images']:,} |"]
        return "\n".join(rows)

    def by_class(self, labels: torch.Tensor, classes: list[str]) -> list[dict]:
        """Per class present in ``labels`` (N,), means over its counted images: ``{"class",
        "n", "set_apart", "psnr", "gray_psnr", "psnr_gain", "colorfulness",
        "truth_colorfulness", "ab_auc", "gray_ab_auc"}`` (and ``"accuracy"``, ``"gray_accuracy"``,
        ``"truth_accuracy"`` with a classifier), in class order; ``n`` counts the counted images,
        ``set_apart`` the already-gray ones left out."""
        out = []
        labels = torch.as_tensor(labels).cpu()
        extra = ("accuracy",) if "accuracy" in self.model else ()
        for k in labels.unique().tolist():
            idx = (labels == k) & self.counted
            row = {"class": classes[k] if k < len(classes) else str(k), "n": int(idx.sum()),
                   "set_apart": int(((labels == k) & ~self.counted).sum()),
                   "psnr": self.model["psnr"][idx].mean().item(),
                   "gray_psnr": self.gray["psnr"][idx].mean().item(),
                   "psnr_gain": self.psnr_gain[idx].mean().item(),
                   "colorfulness": self.model["colorfulness"][idx].mean().item(),
                   "truth_colorfulness": self.truth_colorfulness[idx].mean().item()}
            for name in ("ab_auc", *extra):
                row[name] = self.model[name][idx].mean().item()
                row[f"gray_{name}"] = self.gray[name][idx].mean().item()
            if extra:
                row["truth_accuracy"] = self.truth_accuracy[idx].mean().item()
            out.append(row)
        return out


def evaluate(model: nn.Module | Callable[[torch.Tensor], torch.Tensor], images, *,
             device=None, batch_size: int = 500, amp: bool | None = None,
             keep_images: bool = True, include_gray: bool = False,
             classifier: nn.Module | None = None, labels=None,
             verbose: bool = True) -> Evaluation:
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
    include_gray: count the images that are already gray (:func:`is_gray`: mean true chroma
        below ``GRAY_CHROMA``, 2 ab units) in the averages; by default they are set apart (on
        them gray scores a perfect 100 dB) and one line says how many (``verbose``).
    classifier: an object classifier, rgb (B, 3, H, W) in [0, 1] -> logits (moved to
        ``device``), run on the colorized, gray and true images: its accuracy on each, as in
        Zhang et al.'s semantic interpretability test. labels: (N,) class indices; default the
        ImageSet's.

    The colorized image is ``lab_to_rgb(true L, predicted ab)`` (float, clipped to the sRGB
    gamut); PSNR and SSIM compare it with the true RGB image in [0, 1], Delta E compares the Lab
    of the two images, colorfulness is measured on it; :func:`ab_auc` compares the predicted ab
    (before the clip) with the true ab. Returns an :class:`Evaluation`.
    """
    if classifier is not None and labels is None:
        labels = getattr(images, "labels", None)
        if labels is None:
            raise ValueError("evaluate was given a classifier but no labels: pass labels=(N,) "
                             "class indices, or an ImageSet that has them.")
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
    if classifier is not None:
        labels = torch.as_tensor(labels).cpu()
        if len(labels) != len(images):
            raise ValueError(f"evaluate got {len(images)} images and {len(labels)} labels: pass "
                             "one label per image.")
        classifier = classifier.to(device)
    label_chunks = labels.split(batch_size) if classifier is not None else [None] * len(images)
    scores = {"model": [], "gray": [], "truth": [], "images": [], "already_gray": [],
              "truth_accuracy": []}
    cells = {"model": 0, "gray": 0}
    try:
        with torch.no_grad():
            for chunk, y in zip(images.split(batch_size), label_chunks):
                chunk = chunk.to(device)
                true_rgb = chunk.float() / 255
                true_lab = images_to_lab(chunk)
                L, _ = normalize_lab(true_lab)
                with autocast(device, amp_dtype):
                    ab = model(L)
                if tuple(ab.shape) != (len(L), 2, *L.shape[-2:]):
                    raise ValueError(f"The colorizer returned shape {tuple(ab.shape)} for L of "
                                     f"shape {tuple(L.shape)}; it must return normalized ab "
                                     f"{(len(L), 2, *L.shape[-2:])}.")
                pred_rgb = Colorizer.rgb(L, ab)
                gray_rgb = Colorizer.rgb(L, torch.zeros_like(ab, dtype=torch.float32))
                pred_ab = ab.float() * AB_SCALE  # Lab units, as the truth's
                gray_flags = is_gray(true_lab).cpu()
                keep = torch.ones_like(gray_flags) if include_gray else ~gray_flags
                scores["already_gray"].append(gray_flags)
                for who, rgb, ab_of in (("model", pred_rgb, pred_ab),
                                        ("gray", gray_rgb, torch.zeros_like(pred_ab))):
                    found = image_metrics(rgb, true_rgb)
                    found["ab_auc"], hits, pixels = _auc_parts(ab_of, true_lab[:, 1:],
                                                               AUC_MAX_DIST, keep)
                    cells[who] = cells[who] + torch.stack([hits, pixels])
                    if classifier is not None:
                        found["accuracy"] = classifier_correct(classifier, rgb, y).float()
                    scores[who].append(found)
                scores["truth"].append(colorfulness(chunk))
                if classifier is not None:
                    scores["truth_accuracy"].append(
                        classifier_correct(classifier, true_rgb, y).float())
                if keep_images:
                    scores["images"].append((pred_rgb * 255).round().byte().cpu())
    finally:
        if was_training:
            model.train()

    def gather(parts):
        return {k: torch.cat([p[k] for p in parts]).float().cpu() for k in parts[0]}

    already_gray = torch.cat(scores["already_gray"])
    if verbose:
        print(f"evaluate: {int(already_gray.sum())} of {len(images):,} images are already gray "
              f"(mean chroma < {GRAY_CHROMA:g}): "
              + ("counted (include_gray=True)" if include_gray else
                 "set apart (include_gray=True counts them)"))
    return Evaluation(gather(scores["model"]), gather(scores["gray"]),
                      torch.cat(scores["truth"]).cpu(),
                      torch.cat(scores["images"]) if keep_images else None,
                      already_gray=already_gray,
                      counted=torch.ones_like(already_gray) if include_gray else ~already_gray,
                      rebalanced_auc={k: _auc_of(*v, rebalanced=True) for k, v in cells.items()},
                      truth_accuracy=torch.cat(scores["truth_accuracy"])
                      if classifier is not None else None)
