"""Checks of lecture 03 (Lab color math): sRGB <-> linear, RGB -> XYZ, XYZ -> Lab, Lab -> RGB.
The references are colorlab.color's; the color cases and Lab helpers here serve nb04 too.
"""

from __future__ import annotations

import functools

import numpy as np

from .alone import on_its_own
from .harness import _name, _short, _torch_rand, check_function, near

BATCH_ONLY = ("works on batches only: index the channels as dim -3, not 1 (unbind(-3), "
              "stack(..., dim=-3), view(3, 1, 1)), so (3, H, W) and (..., 3, H, W) work too")


DIM_0 = ("the channels are dim -3 of (N, 3, H, W); dim 0 is the batch: unbind(-3) and "
         "stack(..., dim=-3)")


def _any_shape(args) -> list:
    """(pattern, hint) pairs for a channel dimension taken as dim 0 or 1 instead of -3."""
    # unbatched case: the batched ones (first) passed, so dim 1 was taken; a batch: unbind(0)
    # fails to unpack 3 channels, and stack(dim=0) swaps the batch and the channels
    if args[0].ndim != 4:
        return [(lambda *_: True, BATCH_ONLY)]
    return [("values to unpack", DIM_0),
            (lambda got, want: got.shape == (want.shape[1], want.shape[0], *want.shape[2:])
             and want.shape[0] != want.shape[1], DIM_0)]


def _color():
    try:
        from colorlab import color
    except ImportError as err:
        raise ImportError("this check compares with colorlab.color, which this colorlab lacks: "
                          "update the course kit and reinstall it (make)") from err
    return color


COLOR_CASES = ("random", "thresholds", "pure", "dark", "unbatched", "extra dims")
SMOOTH = tuple(c for c in COLOR_CASES if c != "thresholds")  # for functions of XYZ or Lab


def _color_cases(kind: str = "rgb", only=COLOR_CASES) -> dict:
    """Inputs over (..., 3, H, W), as ``{label: (tensor,)}``: sRGB (``kind="rgb"``), or the
    reference's XYZ or Lab of those colors. ``only``: which of :data:`COLOR_CASES`."""
    import torch

    edge = torch.tensor([0, 0.001, 0.003, 0.005, 0.01, 0.02, 0.03, 0.04045, 0.05, 0.3, 0.7, 1.0])
    pure = torch.tensor([[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5]])
    cases = {
        "random": ("a batch of random images (2, 3, 4, 4)", _torch_rand((2, 3, 4, 4))),
        "thresholds": ("values around the thresholds 0.0031308 and 0.04045", edge.view(1, 3, 2, 2)),
        "pure": ("black, white, red, green, blue and gray", pure.T.reshape(1, 3, 2, 3)),
        "dark": ("dark colors", 0.06 * _torch_rand((1, 3, 3, 3), 1)),
        "unbatched": ("an image without batch dimension (3, 5, 6)", _torch_rand((3, 5, 6), 2)),
        "extra dims": ("extra leading dimensions (2, 2, 3, 1, 3)", _torch_rand((2, 2, 3, 1, 3), 3)),
    }
    rgb = {label: x for key, (label, x) in cases.items() if key in only}
    if kind == "xyz":
        return {label: (_color().rgb_to_xyz(x),) for label, x in rgb.items()}
    if kind == "lab":  # away from the gamut's edge, where lab_to_rgb may clip
        return {label: (_lab(_color().rgb_to_lab(x.clamp(0.02, 0.98))),)
                for label, x in rgb.items()}
    return {label: (x,) for label, x in rgb.items()}


def _lab(out):
    """rgb_to_lab may return one (..., 3, H, W) tensor or (L, ab): make it one tensor."""
    import torch

    return torch.cat(list(out), dim=-3) if isinstance(out, (tuple, list)) else out


def _lab_args(fn):
    """Call ``fn`` with one Lab tensor, or with (L, ab) if it takes two arguments."""
    import inspect

    try:
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.default is p.empty and p.kind in positional]
    except (TypeError, ValueError):
        params = []
    if len(params) >= 2:
        return functools.wraps(fn)(lambda lab: fn(lab[..., :1, :, :], lab[..., 1:, :, :]))
    return fn


def _try(fn, *args):
    """fn(*args), or None if it fails (a hint that cannot be computed does not apply)."""
    try:
        return fn(*args)
    except Exception:
        return None


def _matrix(m, x):
    import torch

    return torch.einsum("ij,...jhw->...ihw", torch.tensor(m, dtype=torch.float64), x.double())


def _srgb_to_linear(x, threshold=0.04045, toe=True):
    import torch

    x = x.double()
    curve = ((x + 0.055) / 1.055) ** 2.4
    return torch.where(x <= threshold, x / 12.92, curve) if toe else curve


def _linear_to_srgb(x, threshold=0.0031308, toe=True, exponent=1 / 2.4):
    import torch

    x = x.double()
    curve = 1.055 * x.clamp_min(0) ** exponent - 0.055
    return torch.where(x <= threshold, 12.92 * x, curve) if toe else curve


@_short
def check_srgb_to_linear(fn) -> None:
    """``fn(srgb: (..., 3, H, W) in [0, 1]) -> linear RGB``, same shape."""
    def hints(args, want):
        x = args[0]
        return [
            (near(_srgb_to_linear(x, threshold=0.0031308)), "wrong threshold: in this direction "
             "the switch is at 0.04045 (0.0031308 is linear_to_srgb's, on the linear side)"),
            (near(_srgb_to_linear(x, toe=False)), "small values are off: below 0.04045 the curve "
             "is the linear toe x / 12.92"),
            (near(_srgb_to_linear(x.clamp_min(0.04045), toe=False)), "small values are off: "
             "below 0.04045 the curve is the linear toe x / 12.92"),
            (near(x.double() ** 2.2), "x ** 2.2 only approximates sRGB: x / 12.92 below 0.04045, "
             "((x + 0.055) / 1.055) ** 2.4 above"),
            (near(_linear_to_srgb(x)), "that is the other direction, linear -> sRGB"),
            (near(x.double() / 12.92), "only the toe x / 12.92: above 0.04045 the curve is "
             "((x + 0.055) / 1.055) ** 2.4 (torch.where picks the branch)"),
        ] + _any_shape(args)

    check_function(fn, _color().srgb_to_linear, _color_cases(), atol=1e-5, rtol=1e-4, hints=hints,
                   errors=_any_shape)


@_short
def check_linear_to_srgb(fn) -> None:
    """``fn(linear: (..., 3, H, W) in [0, 1]) -> sRGB``, same shape."""
    def hints(args, want):
        x = args[0]
        return [
            (near(_linear_to_srgb(x, threshold=0.04045)), "wrong threshold: in this direction "
             "the switch is at 0.0031308 (0.04045 is srgb_to_linear's, on the sRGB side)"),
            (near(_linear_to_srgb(x, toe=False)), "small values are off: below 0.0031308 the curve "
             "is the linear toe 12.92 * x"),
            (near(_linear_to_srgb(x.clamp_min(0.0031308), toe=False)), "small values are off: "
             "below 0.0031308 the curve is the linear toe 12.92 * x"),
            (near(_linear_to_srgb(x, exponent=2.4)), "the exponent is 1 / 2.4 in this direction"),
            (near(x.double() ** (1 / 2.2)), "x ** (1 / 2.2) only approximates sRGB: 12.92 x below "
             "0.0031308, 1.055 x ** (1 / 2.4) - 0.055 above"),
            (near(_srgb_to_linear(x)), "that is the other direction, sRGB -> linear"),
        ] + _any_shape(args)

    check_function(fn, _color().linear_to_srgb, _color_cases(), atol=1e-5, rtol=1e-4, hints=hints,
                   errors=_any_shape)


@_short
def check_rgb_to_xyz(fn) -> None:
    """``fn(rgb: (..., 3, H, W)) -> XYZ``, same shape and convention as colorlab.color. Graded
    on its own: where ``fn`` calls ``srgb_to_linear``, colorlab.color's is used (task 3.1)."""
    color = _color()

    def hints(args, want):
        import torch

        m = color.RGB_TO_XYZ.numpy()
        linear = _matrix(np.linalg.inv(m), torch.as_tensor(want))  # what the reference used
        return [
            (near(_matrix(m.T, linear)),
             "the matrix is transposed: XYZ = M @ rgb, with rows of M giving X, Y and Z"),
            (near(_matrix(m, args[0])), "did you forget to linearize "
             "first? the matrix applies to linear RGB (srgb_to_linear)"),
            (near(_matrix(np.linalg.inv(m), linear)), "that is M_INV, the way back: "
             "XYZ = M @ linear rgb"),
            (near(_matrix(m, args[0].double() ** 2.2)), "linearize with srgb_to_linear (the "
             "piecewise sRGB curve), not x ** 2.2"),
            (near(100 * want), "XYZ is on the 0-1 scale here (white has Y = 1): drop the * 100"),
        ] + _any_shape(args)

    with on_its_own(fn, "3.1", "srgb_to_linear", color.srgb_to_linear, check_srgb_to_linear) as f:
        check_function(f, color.rgb_to_xyz, _color_cases(), name=_name(fn), atol=1e-5, rtol=1e-4,
                       hints=hints, errors=_any_shape)


def _xyz_to_lab(xyz, white, toe=True):
    import torch

    t = xyz.double() / torch.as_tensor(white, dtype=torch.float64).view(3, 1, 1)
    d = 6 / 29
    cube = t.clamp_min(0) ** (1 / 3)
    f = torch.where(t > d**3, cube, t / (3 * d * d) + 4 / 29) if toe else cube
    fx, fy, fz = f.unbind(-3)
    return torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], dim=-3)


@_short
def check_xyz_to_lab(fn) -> None:
    """``fn(xyz: (..., 3, H, W)) -> Lab`` with L in [0, 100], same shape."""
    import torch

    color = _color()
    white = color.rgb_to_xyz(torch.ones(3, 1, 1)).double().view(3)

    def hints(args, want):
        xyz = args[0]
        return [
            (lambda g, w: np.allclose(g[..., 0, :, :] - w[..., 0, :, :], 16),
             "L is 16 too high everywhere: did you forget the -16? (L = 116 f(Y/Yn) - 16)"),
            (lambda g, w: np.allclose(g[..., 0, :, :], w[..., 0, :, :], atol=0.05)
             and np.allclose(g[..., 1:, :, :], -w[..., 1:, :, :]),
             "a and b have the wrong sign: a = 500 (f(X/Xn) - f(Y/Yn)), "
             "b = 200 (f(Y/Yn) - f(Z/Zn))"),
            (near(want[..., [0, 2, 1], :, :]),
             "a and b are swapped: channel 1 is a (green-red), channel 2 is b (blue-yellow)"),
            (near(_xyz_to_lab(xyz, torch.ones(3))),
             "did you forget to divide by the white point? f takes X/Xn, Y/Yn, Z/Zn with D65 "
             f"(Xn, Yn, Zn) = ({white[0]:.4f}, {white[1]:.4f}, {white[2]:.4f})"),
            (near(_xyz_to_lab(xyz, white, toe=False)),
             "dark colors are off: below t = (6/29)^3 = 0.008856, f(t) = t / (3 (6/29)^2) + 4/29, "
             "not the cube root"),
            (near(_xyz_to_lab(xyz, 100 * white)), "the white point is on the 0-1 scale here "
             "(WHITE, Yn = 1), not 0-100: divide by WHITE"),
            (near(_xyz_to_lab(xyz, white.flip(0))), "the white point is reversed: divide X by Xn, "
             "Y by Yn and Z by Zn (WHITE.view(3, 1, 1))"),
        ] + _any_shape(args)

    check_function(fn, color.xyz_to_lab, _color_cases("xyz", SMOOTH), atol=1e-2, rtol=1e-4,
                   hints=hints, errors=_any_shape)


def _lab_to_rgb(lab, white=None, m_inv=None, clip="linear", encode=True):
    """Lab -> sRGB written out, with knobs for known mistakes (``clip``: "linear", "srgb" or
    None; ``encode=False`` stops at linear RGB)."""
    import torch

    color = _color()
    lab = lab.double()
    white = color.D65_WHITE.double() if white is None else torch.as_tensor(white).double()
    m_inv = torch.linalg.inv(color.RGB_TO_XYZ.double()) if m_inv is None else m_inv
    L, a, b = lab.unbind(-3)
    fy = (L + 16) / 116
    f = torch.stack([fy + a / 500, fy, fy - b / 200], dim=-3)
    d = 6 / 29
    xyz = torch.where(f > d, f**3, 3 * d * d * (f - 4 / 29)) * white.view(3, 1, 1)
    linear = _matrix(m_inv.numpy(), xyz)
    if clip == "linear":
        linear = linear.clamp(0, 1)
    if not encode:
        return linear
    out = _linear_to_srgb(linear)
    return out.clamp(0, 1) if clip == "srgb" else out


def _lab_cases() -> dict:
    import torch

    cases = _color_cases("lab", SMOOTH)
    far = torch.tensor([[50.0, 100, 100], [0.0, 100, -100], [100.0, -80, 90], [60, 90, -90]])
    cases["colors outside the sRGB gamut"] = (far.T.reshape(1, 3, 2, 2),)
    return cases


@_short
def check_lab_to_rgb(fn) -> None:
    """``fn(lab)`` (or ``fn(L, ab)``, following your signature) inverts rgb_to_lab, and clips
    out-of-gamut colors in linear RGB. Graded on its own: where ``fn`` calls ``linear_to_srgb``,
    colorlab.color's is used (task 3.1)."""
    import torch

    color = _color()
    reference = _lab_args(color.lab_to_rgb)

    def hints(args, want):
        lab = args[0]
        shift, flip = lab.clone(), lab.clone()
        shift[..., 0, :, :] -= 16
        flip[..., 1:, :, :] *= -1
        return [
            (near(_lab_to_rgb(lab, encode=False)), "the result looks like linear RGB: finish "
             "with linear_to_srgb"),
            (near(_try(reference, shift)), "did you forget the +16? f(Y/Yn) = (L + 16) / 116"),
            (near(_try(reference, flip)), "a and b have the wrong sign: f(X/Xn) = (L + 16) / 116 "
             "+ a / 500, f(Z/Zn) = (L + 16) / 116 - b / 200"),
            (near(want.flip(-3)), "red and blue are swapped: channel 0 is R, channel 2 is B"),
            (near(_lab_to_rgb(lab, white=torch.ones(3))), "forgot the white point on the way "
             "out: multiply f's inverse by WHITE.view(3, 1, 1) to get XYZ"),
            (near(_lab_to_rgb(lab, white=100 * color.D65_WHITE)), "the white point is on the "
             "0-1 scale here (WHITE, Yn = 1), not 0-100"),
            (near(_lab_to_rgb(lab, m_inv=color.RGB_TO_XYZ.double())), "that uses M, the way in: "
             "XYZ -> linear RGB is M_INV"),
            (near(_lab_to_rgb(lab, clip=None)), "out-of-gamut colors are not clipped: clamp linear "
             "RGB to [0, 1] before linear_to_srgb"),
            (near(_lab_to_rgb(lab, clip="srgb")), "clip in linear RGB, before linear_to_srgb, not "
             "after it"),
        ] + _any_shape(args)

    with on_its_own(fn, "3.1", "linear_to_srgb", color.linear_to_srgb, check_linear_to_srgb) as f:
        check_function(_lab_args(f), reference, _lab_cases(), name=_name(fn), atol=2e-3,
                       rtol=1e-3, hints=hints, errors=_any_shape)
