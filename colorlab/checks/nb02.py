"""Checks of lecture 02 (the RGB autoencoder): PSNR; the encoder and the decoder.
"""

from __future__ import annotations

import math

import numpy as np

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
        ]

    n = _compare(fn, reference, cases, _name(fn), atol=1e-3, rtol=1e-4, hints=hints)
    values = _np(_call(fn, _name(fn), (target, target), "two identical images"))
    if np.isnan(values).any() or (values < 60).any():
        raise CheckFailed(f"{_name(fn)}: identical images should give a huge PSNR (inf, or about "
                          f"100 dB if you clamp the MSE), got {values.ravel()[:4]}: "
                          "clamp the MSE, e.g. mse.clamp_min(1e-10)")
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
        check_shape(f"decoder ({dec})", out, shape, f"the code {tuple(code.shape)}")
        lo, hi = out_range or (-np.inf, np.inf)
        out_min, out_max = min(out.min(), loud.min()), max(out.max(), loud.max())
        if out_min < lo - 1e-6 or out_max > hi + 1e-6:
            raise CheckFailed(f"decoder ({dec}): outputs in [{out_min:.3g}, {out_max:.3g}], "
                              f"expected within [{lo}, {hi}]: end the decoder with nn.Sigmoid()")
    _passed(name or f"{enc} + {dec}", f"{x_shape} -> code {tuple(code.shape[1:])} -> {x_shape}")
