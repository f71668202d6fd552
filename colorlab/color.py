"""Color spaces from scratch in torch: sRGB <-> linear RGB <-> CIE XYZ (D65) <-> CIE Lab.

Notebook 03 teaches every step here one at a time. The forward path, and its inverse::

    sRGB in [0, 1] --srgb_to_linear--> linear RGB --(3x3 matrix)--> XYZ --xyz_to_lab--> Lab
    sRGB in [0, 1] <--linear_to_srgb-- linear RGB <--(inverse)----- XYZ <--lab_to_xyz-- Lab
                   '------------- rgb_to_xyz / xyz_to_rgb ----------'

Conventions shared by every function:

- Channels first, and the channel dim is always -3: ``(3, H, W)``, ``(N, 3, H, W)`` and
  ``(..., 3, H, W)`` all work; leading dims are batch dims.
- Any float dtype (float32, float64, half on a GPU) and any device; constants follow the input.
- Differentiable, with finite gradients everywhere, pure black and the thresholds included:
  every power is taken of a value clamped to its own branch, so the branch that
  ``torch.where`` throws away never produces ``inf`` or ``NaN`` (which would poison the gradient,
  because ``0 * inf`` is ``NaN``).
- Lab: L in [0, 100]; a and b in about [-110, 110] for colors a screen can show.

The constants are scikit-image's (``skimage.color.rgb2lab``), so the two agree to about 1e-4.
"""

from __future__ import annotations

import torch

# ----------------------------------------------------------------------------------------------
# Constants
# ----------------------------------------------------------------------------------------------
# sRGB transfer curve (IEC 61966-2-1): a straight "toe" near black, a 2.4 power above it.
SRGB_THRESHOLD = 0.04045        # on the sRGB side: below it, linear = srgb / 12.92
LINEAR_THRESHOLD = 0.0031308    # the same point on the linear side (0.04045 / 12.92)
SRGB_TOE_SLOPE = 12.92

# Linear sRGB -> XYZ. Column j is the XYZ of primary j (R, G, B) at full power, so
# RGB_TO_XYZ @ (1, 1, 1) is the white point. The values are the ones scikit-image uses (its source
# says "from sRGB specification"); they are not the matrix notebook 03 derives from the sRGB
# chromaticities, and their white (the row sums) lands within 8e-5 of D65_WHITE (X -1.4e-5,
# Z -7.6e-5; Lab about (100, -0.002, 0.005)), so the gray of L = 100 decodes a hair above 1.
RGB_TO_XYZ = torch.tensor([[0.412453, 0.357580, 0.180423],
                           [0.212671, 0.715160, 0.072169],
                           [0.019334, 0.119193, 0.950227]], dtype=torch.float64)
XYZ_TO_RGB = torch.linalg.inv(RGB_TO_XYZ)

# Reference white: CIE standard illuminant D65, 2-degree observer, scaled to Y = 1.
D65_WHITE = torch.tensor([0.95047, 1.0, 1.08883], dtype=torch.float64)

# CIE Lab's companding function f, in the delta = 6/29 form:
#   f(t) = t ** (1/3)                    if t > delta**3   (= EPSILON, about 0.008856)
#   f(t) = t / (3 delta**2) + 4/29       otherwise         (a straight line)
# The line meets the cube root at t = delta**3 with the same value AND the same slope, and it has
# a finite slope at t = 0, where the cube root's slope is infinite: that is what keeps gradients
# finite for black. In L = 116 f(Y) - 16 the line reads L = KAPPA * Y, with
# KAPPA = (29/3)**3 = 903.3; the switch is at L = 116 * delta - 16 = 8.
DELTA = 6 / 29
EPSILON = DELTA**3
KAPPA = (29 / 3) ** 3

# normalize_lab divides ab by this, so network targets lie in [-1, 1]: a and b of sRGB colors
# stay within about [-86, 98] and [-108, 94].
AB_SCALE = 110.0

# rgb_to_lab and lab_to_rgb work on big CPU images in slices of this many pixels (_in_slices).
SLICE_PIXELS = 2**16


# ----------------------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------------------
def _check(x: torch.Tensor, name: str, what: str = "image") -> None:
    """Raise a clear error unless ``x`` is a float tensor with 3 channels in dim -3."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} expects a torch.Tensor of shape (..., 3, H, W), got "
                        f"{type(x).__name__}. Convert with torch.as_tensor(x) first.")
    if not x.is_floating_point():
        raise TypeError(f"{name} expects a float {what} in [0, 1] (or Lab floats), got dtype "
                        f"{x.dtype}. For uint8 images in [0, 255] use images_to_lab(images), or "
                        "convert with images.float() / 255.")
    if x.dim() < 3 or x.shape[-3] != 3:
        hint = (" It looks channels-last (H, W, 3): move the channels with "
                "x.movedim(-1, -3).") if x.dim() >= 3 and x.shape[-1] == 3 else ""
        raise ValueError(f"{name} expects shape (..., 3, H, W) with the 3 channels in dim -3, "
                         f"got {tuple(x.shape)}.{hint}")


def _apply_matrix(matrix: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """``matrix @ x`` over the channel dim: (3, 3) and (..., 3, H, W) -> (..., 3, H, W), as one
    matrix multiply (einsum ``"ij,...jhw->...ihw"`` without copies of x)."""
    m = matrix.to(dtype=x.dtype, device=x.device)
    return (m @ x.flatten(-2)).unflatten(-1, x.shape[-2:])


def _in_slices(fn, x: torch.Tensor, pixels: int = SLICE_PIXELS) -> torch.Tensor:
    """``fn(x)`` for a per-pixel ``fn``, in slices of ``pixels`` pixels on the CPU without
    autograd: the intermediates stay in the cache (2-3x faster on a 12-megapixel photo)."""
    if (x.device.type != "cpu" or x[..., 0, :, :].numel() <= pixels
            or (x.requires_grad and torch.is_grad_enabled())):
        return fn(x)
    flat = x.reshape(-1, 3, x.shape[-2] * x.shape[-1])  # (B, 3, P): a view if x is contiguous
    out = torch.empty_like(flat)
    n_items = max(1, pixels // flat.shape[-1])  # small images: several per slice
    for i in range(0, flat.shape[0], n_items):
        for j in range(0, flat.shape[-1], pixels):
            part = flat[i:i + n_items, :, j:j + pixels]  # (b, 3, p)
            out[i:i + n_items, :, j:j + pixels] = fn(part.unsqueeze(-1)).squeeze(-1)
    return out.view(x.shape)


def _pow(x: torch.Tensor, exponent: float) -> torch.Tensor:
    """``x ** exponent`` for x > 0, computed as ``2 ** (exponent * log2(x))``: the same numbers,
    about twice as fast as ``torch.pow`` on CPUs (where pow is the slowest step here)."""
    return torch.exp2(exponent * torch.log2(x))


def _per_channel(values: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Three per-channel constants shaped (3, 1, 1) to broadcast against (..., 3, H, W)."""
    return values.to(dtype=x.dtype, device=x.device).view(3, 1, 1)


# ----------------------------------------------------------------------------------------------
# sRGB <-> linear RGB
# ----------------------------------------------------------------------------------------------
def srgb_to_linear(srgb: torch.Tensor) -> torch.Tensor:
    """Undo the sRGB transfer curve ("decode gamma").

    srgb: (..., 3, H, W) float in [0, 1]. Returns linear RGB, same shape, in [0, 1].
    Below 0.04045 the curve is the straight toe ``srgb / 12.92``; above it
    ``((srgb + 0.055) / 1.055) ** 2.4``. (Works on any shape, in fact: it is per value.)
    """
    toe = srgb / SRGB_TOE_SLOPE
    curve = _pow((srgb.clamp_min(SRGB_THRESHOLD) + 0.055) / 1.055, 2.4)
    return torch.where(srgb > SRGB_THRESHOLD, curve, toe)


def linear_to_srgb(linear: torch.Tensor) -> torch.Tensor:
    """Apply the sRGB transfer curve ("encode gamma"), the inverse of :func:`srgb_to_linear`.

    linear: (..., 3, H, W) float in [0, 1]. Returns sRGB, same shape, in [0, 1].
    Below 0.0031308 the curve is ``12.92 * linear``; above it ``1.055 * linear ** (1/2.4) - 0.055``
    (whose slope at 0 would be infinite: the toe is what keeps gradients finite for black).
    """
    toe = SRGB_TOE_SLOPE * linear
    curve = 1.055 * _pow(linear.clamp_min(LINEAR_THRESHOLD), 1 / 2.4) - 0.055
    return torch.where(linear > LINEAR_THRESHOLD, curve, toe)


# ----------------------------------------------------------------------------------------------
# sRGB <-> XYZ
# ----------------------------------------------------------------------------------------------
def rgb_to_xyz(rgb: torch.Tensor) -> torch.Tensor:
    """sRGB -> CIE XYZ (D65): linearize, then multiply by :data:`RGB_TO_XYZ`.

    rgb: (..., 3, H, W) float in [0, 1]. Returns XYZ, same shape; white is about
    (0.9505, 1.0, 1.0888) (:data:`D65_WHITE`), Y is the relative luminance.
    """
    _check(rgb, "rgb_to_xyz")
    return _apply_matrix(RGB_TO_XYZ, srgb_to_linear(rgb))


def xyz_to_rgb(xyz: torch.Tensor, clip: bool = True) -> torch.Tensor:
    """CIE XYZ (D65) -> sRGB: multiply by :data:`XYZ_TO_RGB`, then apply the sRGB curve.

    xyz: (..., 3, H, W) float. Returns sRGB, same shape, in [0, 1] when ``clip``.
    ``clip``: colors outside the sRGB gamut give linear RGB outside [0, 1]; they are clamped to
    [0, 1] channel by channel in LINEAR RGB, before the curve (as scikit-image does, which
    clamps after the curve: the same result, because the curve is increasing and maps 0 to 0
    and 1 to 1). ``clip=False`` returns the unclamped values (the curve extends the toe below 0).
    """
    _check(xyz, "xyz_to_rgb", "XYZ image")
    linear = _apply_matrix(XYZ_TO_RGB, xyz)
    if clip:
        linear = linear.clamp(0.0, 1.0)
    return linear_to_srgb(linear)


# ----------------------------------------------------------------------------------------------
# XYZ <-> Lab
# ----------------------------------------------------------------------------------------------
def _lab_f(t: torch.Tensor) -> torch.Tensor:
    """Lab's f: cube root above EPSILON = (6/29)**3, the straight line t / (3 delta**2) + 4/29
    below it. The cube root gets ``t`` clamped to its own branch: no inf slope at 0, no NaN."""
    cube_root = _pow(t.clamp_min(EPSILON), 1 / 3)
    line = t / (3 * DELTA**2) + 4 / 29
    return torch.minimum(cube_root, line)


def _lab_f_inverse(f: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`_lab_f`: ``f ** 3`` above DELTA = 6/29, ``3 delta**2 (f - 4/29)``
    below it."""
    cube = f**3
    line = 3 * DELTA**2 * (f - 4 / 29)
    return torch.where(f > DELTA, cube, line)


def xyz_to_lab(xyz: torch.Tensor) -> torch.Tensor:
    """CIE XYZ -> CIE Lab, relative to the D65 white point.

    xyz: (..., 3, H, W) float. Returns Lab, same shape: L in [0, 100] (lightness), a (green -
    to + red) and b (blue - to + yellow) in about [-110, 110] for sRGB colors::

        L = 116 f(Y/Yn) - 16,   a = 500 (f(X/Xn) - f(Y/Yn)),   b = 200 (f(Y/Yn) - f(Z/Zn))
    """
    _check(xyz, "xyz_to_lab", "XYZ image")
    f = _lab_f(xyz / _per_channel(D65_WHITE, xyz))
    fx, fy, fz = f.unbind(-3)
    L = 116 * fy - 16
    a = 500 * (fx - fy)
    b = 200 * (fy - fz)
    return torch.stack([L, a, b], dim=-3)


def lab_to_xyz(lab: torch.Tensor) -> torch.Tensor:
    """CIE Lab -> CIE XYZ (D65), the inverse of :func:`xyz_to_lab`.

    lab: (..., 3, H, W) float, L in [0, 100]. Returns XYZ, same shape. Any Lab value gives a
    finite XYZ; values outside what light can produce may give negative X, Y or Z.
    """
    _check(lab, "lab_to_xyz", "Lab image")
    L, a, b = lab.unbind(-3)
    fy = (L + 16) / 116
    fx = fy + a / 500
    fz = fy - b / 200
    f = torch.stack([fx, fy, fz], dim=-3)
    return _lab_f_inverse(f) * _per_channel(D65_WHITE, lab)


# ----------------------------------------------------------------------------------------------
# sRGB <-> Lab, the two the rest of the course uses
# ----------------------------------------------------------------------------------------------
def rgb_to_lab(rgb: torch.Tensor) -> torch.Tensor:
    """sRGB -> CIE Lab (D65): ``xyz_to_lab(rgb_to_xyz(rgb))``.

    rgb: (..., 3, H, W) float in [0, 1]. Returns Lab (..., 3, H, W): L in [0, 100], a and b in
    about [-110, 110]. Matches ``skimage.color.rgb2lab`` (channels-last there) to about 1e-4.
    """
    _check(rgb, "rgb_to_lab")
    return _in_slices(lambda x: xyz_to_lab(rgb_to_xyz(x)), rgb)


def lab_to_rgb(lab: torch.Tensor, clip: bool = True) -> torch.Tensor:
    """CIE Lab (D65) -> sRGB: ``xyz_to_rgb(lab_to_xyz(lab))``.

    lab: (..., 3, H, W) float, L in [0, 100]. Returns sRGB (..., 3, H, W) in [0, 1].
    Out of gamut: a Lab value no screen can show (say L=50, a=100, b=100) maps to linear RGB
    outside [0, 1]; with ``clip`` (the default) each channel is clamped to [0, 1] in LINEAR RGB,
    before the sRGB curve (scikit-image clamps after it: same result). The output is always
    finite and in [0, 1]; hue and lightness may shift for such colors. ``clip=False`` skips the
    clamp (useful to see how far out of gamut a color is).
    """
    _check(lab, "lab_to_rgb", "Lab image")
    return _in_slices(lambda x: xyz_to_rgb(lab_to_xyz(x), clip=clip), lab)


def grayscale(rgb: torch.Tensor) -> torch.Tensor:
    """The image in black and white: its own L with a = b = 0, back to sRGB.

    rgb: (..., 3, H, W) float in [0, 1] -> (..., 3, H, W) float in [0, 1] with R = G = B (to
    about 1e-4: the rounded matrix puts white a hair off D65). This is the grayscale baseline of
    notebooks 03-05: exactly the input's lightness, no color.
    """
    lab = rgb_to_lab(rgb)
    return lab_to_rgb(torch.cat([lab[..., :1, :, :], torch.zeros_like(lab[..., 1:, :, :])], dim=-3))


# ----------------------------------------------------------------------------------------------
# Network inputs and targets; uint8 images
# ----------------------------------------------------------------------------------------------
def normalize_lab(lab: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Split Lab into a network's input and target: ``(L / 100, ab / AB_SCALE)``.

    lab: (..., 3, H, W). Returns L (..., 1, H, W) in [0, 1] and ab (..., 2, H, W) in about
    [-1, 1].
    """
    _check(lab, "normalize_lab", "Lab image")
    return lab[..., :1, :, :] / 100, lab[..., 1:, :, :] / AB_SCALE


def denormalize_lab(L: torch.Tensor, ab: torch.Tensor) -> torch.Tensor:
    """The inverse of :func:`normalize_lab`: L (..., 1, H, W) in [0, 1] and ab (..., 2, H, W) in
    [-1, 1] -> Lab (..., 3, H, W) with L in [0, 100]."""
    if L.shape[-3] != 1 or ab.shape[-3] != 2:
        raise ValueError(f"denormalize_lab expects L (..., 1, H, W) and ab (..., 2, H, W), got "
                         f"{tuple(L.shape)} and {tuple(ab.shape)}: pass what normalize_lab "
                         "returns.")
    return torch.cat([L * 100, ab * AB_SCALE], dim=-3)


def images_to_lab(images: torch.Tensor) -> torch.Tensor:
    """uint8 sRGB images (..., 3, H, W) in [0, 255] -> Lab (..., 3, H, W) float32, on the same
    device: ``rgb_to_lab(images.float() / 255)``."""
    if images.dtype != torch.uint8:
        raise TypeError(f"images_to_lab expects uint8 images in [0, 255], got {images.dtype}; "
                        "for float images in [0, 1] call rgb_to_lab(images).")
    return rgb_to_lab(images.float() / 255)


def lab_to_images(lab: torch.Tensor) -> torch.Tensor:
    """Lab (..., 3, H, W) -> uint8 sRGB images (..., 3, H, W) in [0, 255], rounded; out-of-gamut
    colors are clipped as in :func:`lab_to_rgb`."""
    return (lab_to_rgb(lab) * 255).round().to(torch.uint8)
