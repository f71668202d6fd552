"""Checks of lecture 02 (the RGB autoencoder): PSNR; the down and up blocks (layers, sizes); the
encoder and the decoder, and the Autoencoder built from the blocks (graded without task 2.2).
"""

from __future__ import annotations

import io
import math
from contextlib import redirect_stdout

import numpy as np

from .alone import on_its_own, stage_shapes
from .harness import (
    CheckFailed,
    _call,
    _cases_pass,
    _compare,
    _eval_mode,
    _name,
    _np,
    _passed,
    _short,
    _torch_rand,
    build,
    check_shape,
    near,
)


def check_psnr(fn) -> None:
    """``fn(pred, target) -> (N,)``: per-image PSNR in dB of images (N, C, H, W) in [0, 1]."""
    import torch

    def reference(pred, target):
        return 10 * torch.log10(1 / (pred.double() - target.double()).pow(2).mean(dim=(1, 2, 3)))

    target = _torch_rand((4, 3, 8, 8))
    scales = torch.tensor([0.01, 0.1, 0.3]).view(3, 1, 1, 1)
    cases = {
        "4 random images with noise": ((target + 0.05 * _torch_rand((4, 3, 8, 8), 1)), target),
        "one image off by 0.1 everywhere (20 dB)": (torch.full((1, 3, 4, 4), 0.6),
                                                    torch.full((1, 3, 4, 4), 0.5)),
        "3 images with different errors": (target[:3] + scales * _torch_rand((3, 3, 8, 8), 2),
                                           target[:3]),
    }

    def hints(args, want):
        n = args[0][0].numel()
        return [
            (near(want * math.log(10)), "natural log used: PSNR uses log10 (torch.log10)"),
            (near(want / 10), "forgot the factor 10: PSNR = 10 log10(MAX^2 / MSE)"),
            (near(want * 2), "20 log10 goes with the RMSE; with the MSE it is 10 log10"),
            (near(want / 2), "10 log10 of the RMSE: use the MSE (mean of squared errors)"),
            (near(want + 20 * math.log10(255)), "computed as for 0-255 pixels (MAX = 255), but "
             "these images are in [0, 1]: MAX = 1"),
            (near(-want), "upside down: PSNR = 10 log10(MAX^2 / MSE), not MSE / MAX^2"),
            (near(want - 10 * math.log10(n)), "used the sum of squared errors: PSNR needs the "
             "mean (MSE)"),
            (lambda g, w: g.ndim == 0 or g.shape == (1,), "one value per image: average the "
             "squared errors over dims (1, 2, 3) only (e.g. .flatten(1).mean(dim=1)), not over "
             "the batch"),
            (lambda g, w: g.ndim > 1 and g.shape[0] == w.shape[0], "one value per image: average "
             "the squared errors over all of dims (1, 2, 3) (e.g. .flatten(1).mean(dim=1))"),
        ]

    n = _compare(fn, reference, cases, _name(fn), atol=1e-3, rtol=1e-4, hints=hints)
    values = _np(_call(fn, _name(fn), (target, target), "two identical images"))
    if not np.isfinite(values).all() or (values < 60).any():
        raise CheckFailed(f"{_name(fn)}: identical images should give a large but finite PSNR "
                          f"(about 100 dB), got {values.ravel()[:4]}: clamp the MSE, e.g. "
                          "mse.clamp_min(1e-10), so that one perfect image does not make every "
                          "average inf")
    _cases_pass(_name(fn), n + 1)


@_short
def check_encoder_decoder(encoder, decoder, x_shape=(2, 3, 32, 32), code_shape=None,
                          out_range=(0.0, 1.0), name: str | None = None) -> None:
    """``encoder(x)`` is a smaller code (of ``code_shape`` if given), ``decoder(code)`` has
    ``x``'s shape and values in ``out_range`` (``None``: any). ``name``: the model they belong
    to, for the messages (``"Autoencoder"`` gives ``Autoencoder.encoder``)."""
    x_shape = tuple(x_shape)
    enc, dec = (f"{name}.encoder", f"{name}.decoder") if name else (_name(encoder), _name(decoder))
    for batch in (x_shape[0], 1):
        shape = (batch, *x_shape[1:])
        case = f"an input of shape {shape}"
        with _eval_mode(encoder):
            code = _call(encoder, enc, (_torch_rand(shape),), case)
        if code_shape is not None:
            check_shape(f"encoder ({enc})", code, (batch, *tuple(code_shape)[1:]), case)
        elif code.ndim != 4 or code[0].numel() >= _torch_rand(shape)[0].numel():
            raise CheckFailed(f"encoder ({enc}): the code {tuple(code.shape)} is not smaller than "
                              f"the input {shape}: the encoder should shrink H and W")
        with _eval_mode(decoder):
            out = _call(decoder, dec, (code,), f"the code of {case}")
            # a large code too: an output range that holds only by luck shows up here
            loud = _call(decoder, dec, (code * 50,), f"50 x the code of {case}")
        got = tuple(getattr(out, "shape", ()))
        if len(got) == 4 and got[:2] == shape[:2] and got[2] < shape[2] and got != shape:
            raise CheckFailed(f"decoder ({dec}): the output is {got[2]}x{got[3]} for an input of "
                              f"{shape[2]}x{shape[3]}: an upsampling block is missing; the decoder "
                              "needs one up block for each down block of the encoder (each undoes "
                              "one halving)")
        check_shape(f"decoder ({dec})", out, shape, f"the code {tuple(code.shape)}")
        lo, hi = out_range or (-np.inf, np.inf)
        out_min, out_max = min(out.min(), loud.min()), max(out.max(), loud.max())
        if out_min < lo - 1e-6 or out_max > hi + 1e-6:
            raise CheckFailed(f"decoder ({dec}): outputs in [{out_min:.3g}, {out_max:.3g}], "
                              f"expected within [{lo}, {hi}]: end the decoder with nn.Sigmoid()")
    _passed(name or f"{enc} + {dec}", f"{x_shape} -> code {tuple(code.shape[1:])} -> {x_shape}")


def _block_problem(block, kind: str) -> str | None:
    """What is wrong with the layers of a down or up block, or None: (conv, BatchNorm2d, ReLU)."""
    from torch import nn

    layers = [m for m in block.modules() if not list(m.children())]
    conv_type = nn.Conv2d if kind == "down" else nn.ConvTranspose2d
    convs = [m for m in layers if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    want = ("nn.Conv2d(cin, cout, 3, stride=2, padding=1)" if kind == "down"
            else "nn.ConvTranspose2d(cin, cout, 2, stride=2)")
    if any(isinstance(m, (nn.MaxPool2d, nn.AvgPool2d, nn.Upsample)) for m in layers):
        return f"change the resolution with the convolution's stride, not a pooling or " \
               f"upsampling layer: {want}"
    if len(convs) != 1 or type(convs[0]) is not conv_type:
        return f"the block needs exactly one {conv_type.__name__}: {want}"
    conv = convs[0]
    if kind == "down" and conv.stride != (2, 2):
        return "the convolution must halve H and W: give it stride=2 (with padding=1)"
    if kind == "down" and (conv.kernel_size != (3, 3) or conv.padding != (1, 1)):
        return f"a 3x3 convolution with padding=1: {want}"
    if kind == "up" and conv.stride != (2, 2):
        return "the transposed convolution must double H and W: give it stride=2"
    if kind == "up" and conv.kernel_size != (2, 2):
        return (f"kernel_size {conv.kernel_size[0]} with stride 2 does not double H and W "
                f"exactly: use kernel_size=2, {want}")
    names = [type(m).__name__ for m in layers]
    if "BatchNorm2d" not in names:
        return "add nn.BatchNorm2d(cout) between the convolution and the ReLU"
    if "ReLU" not in names:
        return "end the block with nn.ReLU()"
    if names.index("ReLU") < names.index("BatchNorm2d") or names.index(conv_type.__name__) > \
            names.index("BatchNorm2d"):
        return "the order is convolution, then nn.BatchNorm2d(cout), then nn.ReLU()"
    return None


@_short
def check_down_up(down, up) -> None:
    """``down(cin, cout)``: (N, cin, H, W) -> (N, cout, H/2, W/2); ``up(cin, cout)``: (N, cin, H,
    W) -> (N, cout, 2H, 2W); each an nn.Sequential of the convolution, BatchNorm2d and ReLU."""
    for factory, kind, (cin, cout), (shape, want) in (
            (down, "down", (3, 8), ((2, 3, 32, 32), (2, 8, 16, 16))),
            (up, "up", (8, 4), ((2, 8, 4, 4), (2, 4, 8, 8)))):
        name = f"{kind}({cin}, {cout})"
        block = build(factory, cin, cout)
        problem = _block_problem(block, kind)
        if problem:
            raise CheckFailed(f"{name}: {problem}")
        for batch in (shape[0], 1):
            case = f"an input of shape {(batch, *shape[1:])}"
            with _eval_mode(block):
                out = _call(block, name, (_torch_rand((batch, *shape[1:])),), case)
            check_shape(name, out, (batch, *want[1:]), case)
        if (_np(out) < 0).any():
            raise CheckFailed(f"{name}: negative outputs: end the block with nn.ReLU()")
    _passed("down and up", "conv, BatchNorm2d, ReLU; (3, 32, 32) -> (8, 16, 16) and (8, 4, 4) -> "
            "(4, 8, 8)")


@_short
def check_autoencoder(model_class, bottleneck: int = 4, width: int = 8) -> None:
    """``model_class(bottleneck, width)``: the table's Autoencoder (``encoder``, ``decoder``),
    checked with colorlab.models' ``down`` and ``up`` wherever it calls them (so a mistake in
    task 2.2 costs no points here): the size after each encoder stage, the code, the decoder's
    output and range, and the parameters of colorlab.models.RGBAutoencoder."""
    from colorlab import models

    name = _name(model_class)
    with on_its_own(model_class, "2.2", "down", models.down, lambda d: check_down_up(d, models.up)
                    ) as cls, on_its_own(cls, "2.2", "up", models.up,
                                         lambda u: check_down_up(models.down, u)) as cls:
        ae = build(cls, bottleneck=bottleneck, width=width)
        x = _torch_rand((2, 3, 32, 32))
        stages = dict(enumerate(ae.encoder.children())) if hasattr(ae, "encoder") else {}
        shapes, _ = stage_shapes(ae.encoder, stages, x) if stages else ({}, None)
        sizes = [shapes[i][-1] for i in sorted(shapes) if len(shapes[i]) == 4]
        if sizes and sizes[-1] != 4:
            raise CheckFailed(f"{name}.encoder: the code is {sizes[-1]}x{sizes[-1]} for a 32x32 "
                              f"image, expected 4x4 (H/8): three down blocks, each halving H and W"
                              f" (sizes after each layer: {sizes})")
        if shapes and shapes[max(shapes)][1:2] not in ((bottleneck,), ()):
            raise CheckFailed(f"{name}.encoder: the code has {shapes[max(shapes)][1]} channels, "
                              f"expected bottleneck = {bottleneck}: end the encoder with "
                              f"nn.Conv2d(4 * width, bottleneck, 1)")
        with redirect_stdout(io.StringIO()):  # one pass mark, at the end
            check_encoder_decoder(ae.encoder, ae.decoder, x_shape=(2, 3, 32, 32),
                                  code_shape=(2, bottleneck, 4, 4), name=name)
        mine = sum(p.numel() for p in ae.parameters())
        ref = sum(p.numel() for p in models.RGBAutoencoder(bottleneck, width).parameters())
        if mine != ref:
            raise CheckFailed(f"{name}: {mine:,} parameters, the table's layers have {ref:,}: "
                              "compare your encoder and decoder with the table, layer by layer "
                              "(1x1 convolutions into and out of the code)")
    _passed(name, f"(3, 32, 32) -> code ({bottleneck}, 4, 4) -> (3, 32, 32) in [0, 1]; the "
            "table's layers")
