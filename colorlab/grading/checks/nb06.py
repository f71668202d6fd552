"""Checks of lecture 06 (ship the colorizer): int8 fake-quantization of a weight and the channels
to keep when pruning (references: colorlab.deploy).
"""

from __future__ import annotations

import numpy as np

from .harness import CheckFailed, _call, _name, _short, _torch_rand, check_function, near


def _deploy():
    try:
        from colorlab import deploy
    except ImportError as err:
        raise ImportError("this check compares with colorlab.deploy, which this colorlab lacks: "
                          "update the course kit and reinstall it (make)") from err
    return deploy


def _per_channel(w, divisor=127, rounding=None, dequantize=True, per_tensor=False,
                 absolute=True):
    """int8 fake-quantization with a known mistake switched on (the hints' wrong answers)."""
    import torch

    w = w.float()  # the dtype learners compute in: float32 rounding of w / scale matters
    size = w.abs() if absolute else w
    peak = size.max().expand(len(w)) if per_tensor else size.flatten(1).amax(1)
    scale = torch.where(peak > 0, peak / divisor, torch.ones_like(peak))
    scale = scale.view(-1, *[1] * (w.dim() - 1))
    q = (rounding or torch.round)(w / scale).clamp(-127, 127)
    return q * scale if dequantize else q


@_short
def check_fake_quantize(fn) -> None:
    """``fn(weight: (C_out, ...) float) -> same shape``: per output channel, scale = max|w| / 127
    (1 for an all-zero channel), q = round(w / scale) clamped to [-127, 127], returns q * scale."""
    import torch

    reference = _deploy().fake_quantize_int8
    conv = _torch_rand((8, 4, 3, 3), seed=1) - 0.5
    scales = conv * torch.tensor([1.0, 10.0, 0.01, 3.0, 1.0, 0.1, 5.0, 2.0]).view(-1, 1, 1, 1)
    dead = conv.clone()
    dead[2] = 0
    cases = {
        "a conv weight (8, 4, 3, 3)": (conv,),
        "channels of very different sizes": (scales,),
        "a linear weight (6, 5)": (_torch_rand((6, 5), seed=2) - 0.5,),
        "a conv weight with one channel of zeros": (dead,),
    }
    hints = [
        (lambda got, want: np.isnan(got).any(), "a channel of zeros gives scale 0 and 0 / 0 = "
         "NaN: use a scale of 1 where max|w| is 0 (torch.where(peak > 0, peak / 127, 1))"),
        (lambda got, want: np.abs(got).max() > 2 and np.abs(want).max() < 2, "you returned the "
         "integers q: multiply them back by the scale (q * scale), so the weights keep their size"),
    ]

    def case_hints(args, want):
        w = args[0]
        return hints + [
            (near(_per_channel(w, per_tensor=True)), "one scale for the whole tensor: compute "
             "max|w| per output channel (dim 0), e.g. w.flatten(1).abs().amax(dim=1)"),
            (near(_per_channel(w, absolute=False)), "that scales by max(w), so large negative "
             "weights are clipped: scale by the largest magnitude, w.flatten(1).abs().amax(dim=1)"),
            (near(_per_channel(w, rounding=torch.trunc)), "truncated toward zero (.int(), "
             ".long() or trunc): round to the nearest integer with torch.round"),
            (near(_per_channel(w, rounding=torch.floor)), "floor rounds down: round to the "
             "nearest integer with torch.round"),
            (near(_per_channel(w, divisor=255)), "divide max|w| by 127, not 255: int8 here is "
             "symmetric, [-127, 127], so max|w| must land on 127"),
            (near(_per_channel(w, divisor=128)), "divide max|w| by 127, not 128: the codes are "
             "[-127, 127], so max|w| must land on 127"),
        ]

    errors = [
        ("Dimension out of range", "reduce over every dimension but the first, whatever the "
         "weight's rank: w.flatten(1).abs().amax(dim=1) works for conv and linear weights"),
        ("at non-singleton dimension 0", "one scale per output channel: reduce over every "
         "dimension but dim 0, e.g. w.flatten(1).abs().amax(dim=1), which has C_out values"),
        ("must match the size", "the scales do not broadcast: reshape them, (C_out,), to "
         "(C_out, 1, 1, 1) for a conv weight, e.g. scale.view(-1, *[1] * (w.dim() - 1))"),
    ]
    check_function(fn, reference, cases, name=_name(fn), atol=1e-6, rtol=1e-5, hints=case_hints,
                   errors=errors)


@_short
def check_channels_to_keep(fn) -> None:
    """``fn(weight: (C_out, C_in, k, k), amount: float) -> (C_out - round(amount * C_out),)``
    long: the indices of the channels with the largest L1 norms, sorted, at least one."""
    import torch

    reference = _deploy().channels_to_keep
    name = _name(fn)
    base = _torch_rand((8, 3, 3, 3), seed=3) - 0.5
    sizes = torch.tensor([0.2, 3.0, 1.0, 0.05, 2.0, 0.5, 4.0, 0.1]).view(-1, 1, 1, 1)
    spread = base * sizes
    # L1 norms 3.6, 2.5, 2.8, 1.0; L2 ranks channel 1 first (one peaked weight); the signed
    # sum ranks channel 0 (all negative) last
    signed = torch.tensor([[-0.9] * 4, [2.5, 0, 0, 0], [0.7] * 4, [0.25] * 4]).view(4, 4, 1, 1)
    cases = {
        "8 channels, amount 0.5": (spread, 0.5),
        "8 channels, amount 0.25": (spread, 0.25),
        "amount 0: keep all": (spread, 0.0),
        "negative weights, one peaked channel, amount 0.5": (signed, 0.5),
        "amount 0.9 of 4 channels: keep at least one": (signed, 0.9),
    }
    errors = [("selected index k out of range", "one norm per output channel: sum |w| over dims "
               "(1, 2, 3), so that norms has C_out values to rank")]
    for label, (w, amount) in cases.items():
        got = _call(fn, name, (w, amount), label, errors)
        n, want = len(w), reference(w, amount)
        size = len(got) if hasattr(got, "__len__") else -1
        if size == round(amount * n) != len(want):
            raise CheckFailed(f"{name}: kept {size} channels for {label}: that is the number to "
                              f"REMOVE, round(amount * C_out); keep C_out - round(amount * C_out)")
        if size == 0:
            raise CheckFailed(f"{name}: kept no channel for {label}: keep at least one "
                              "(max(1, ...)), or the layer outputs nothing")

    def hints(args, want):
        w, amount = args
        k = len(want)
        l1, l2 = w.abs().sum(dim=(1, 2, 3)), w.pow(2).sum(dim=(1, 2, 3))
        return [
            (near(l1.topk(k, largest=False).indices.sort().values), "those are the channels with "
             "the SMALLEST norms: keep the largest (topk(k) picks the largest)"),
            (near(l1.topk(k).indices), "the right channels in the wrong order: sort the indices "
             "(.sort().values) so the kept channels stay in their order"),
            (near(l2.topk(k).indices.sort().values), "that ranks by the L2 norm: use the L1 norm, "
             "w.abs().sum(dim=(1, 2, 3))"),
            (near(w.sum(dim=(1, 2, 3)).topk(k).indices.sort().values), "that ranks by the sum of "
             "w: take .abs() first; a filter of large negative weights matters as much"),
        ]

    check_function(fn, reference, cases, name=name, atol=0, rtol=0, hints=hints, errors=errors)
