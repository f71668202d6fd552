"""Checks of lecture 05 (vivid colors): rebalancing weights and the annealed mean (references:
colorlab.bins).
"""

from __future__ import annotations

from .harness import _name, _short, _torch_rand, check_function, near


def _bins():
    try:
        from colorlab import bins
    except ImportError as err:
        raise ImportError("this check compares with colorlab.bins, which this colorlab lacks: "
                          "update the course kit and reinstall it (make)") from err
    return bins


@_short
def check_rebalancing_weights(fn) -> None:
    """``fn(prior: (Q,) summing to 1, lam: float) -> (Q,)``: ``w ~ 1 / ((1 - lam) p + lam / Q)``
    scaled so that ``sum(p * w) == 1``."""
    import torch

    reference = _bins().rebalancing_weights
    spread = _torch_rand((12,)) + 0.05
    spread = spread / spread.sum()
    peaked = torch.tensor([0.7, 0.1, 0.1, 0.05, 0.04, 0.01])
    cases = {
        "12 bins, lam = 0.5": (spread, 0.5),
        "a peaked prior (one common bin), lam = 0.5": (peaked, 0.5),
        "a peaked prior, lam = 0.2": (peaked, 0.2),
        "lam = 0 (pure inverse frequency)": (spread, 0.0),
        "lam = 1 (no rebalancing: all ones)": (peaked, 1.0),
    }

    def hints(args, want):
        p, lam = args[0].double(), args[1]
        mix = (1 - lam) * p + lam / len(p)
        return [
            (near(1 / mix), "the weights are not scaled: divide them by sum(prior * w), so that "
             "the average weight of a pixel is 1"),
            (near(1 / mix / (1 / mix).sum()), "scaled so that sum(w) = 1: scale so that "
             "sum(prior * w) = 1 instead (the average weight of a pixel)"),
            (near(1 / mix / (1 / mix).mean()), "scaled so that mean(w) = 1: scale so that "
             "sum(prior * w) = 1 instead (the average weight of a pixel)"),
            (near(None if lam == 0.5 else reference(args[0], 1 - lam)), "lam weighs the uniform "
             "part: mix (1 - lam) * prior + lam / Q"),
            (near(mix / (p * mix).sum()), "the weight is the inverse of the mix: "
             "w ~ 1 / ((1 - lam) * prior + lam / Q)"),
            (near(1 / p / len(p)), "lam is ignored: mix (1 - lam) * prior + lam / Q "
             "before inverting"),
        ]

    check_function(fn, reference, cases, name=_name(fn), atol=1e-5, rtol=1e-4, hints=hints)


@_short
def check_annealed_mean(fn) -> None:
    """``fn(logits: (N, Q, H, W), centers: (Q, 2), T: float) -> (N, 2, H, W)``: the expectation
    of the bin centers under ``softmax(logits / T)`` over the Q bins."""
    import torch

    bins = _bins()
    grid = (-30.0, 0.0, 20.0)
    centers = torch.tensor([[a, b] for a in grid for b in (-40.0, 0.0, 30.0)])  # (9, 2)
    decoder = bins.AbBins(centers, torch.ones(len(centers)))

    def reference(logits, centers, T):
        return decoder.decode(logits, T)

    logits = 4 * _torch_rand((2, 9, 3, 4)) - 2
    cases = {
        "random logits, T = 1": (logits, centers, 1.0),
        "random logits, T = 0.38": (logits, centers, 0.38),
        "confident logits, T = 0.1": (5 * logits, centers, 0.1),
        "one pixel, T = 2": (logits[:1, :, :1, :1], centers, 2.0),
    }

    def hints(args, want):
        z, c, T = args

        def expect(p):
            return torch.einsum("nqhw,qc->nchw", p.double(), c.double())

        return [
            (near(None if T == 1 else expect(z.softmax(1))), "the temperature is missing: "
             "softmax(logits / T)"),
            (near(expect((z * T).softmax(1))), "divide the logits by T, don't multiply: "
             "softmax(logits / T)"),
            (near(c[z.argmax(1)].movedim(-1, 1)), "that is the center of the most likely bin (the "
             "limit T -> 0): average all centers, weighted by the probabilities"),
            (near(expect((z / T).softmax(0))), "softmax over the wrong dimension: the Q bins are "
             "dim 1 of (N, Q, H, W)"),
            (near(expect((z / T).softmax(-1))), "softmax over the last dimension (W): the Q bins "
             "are dim 1 of (N, Q, H, W), so softmax(..., dim=1)"),
            (near(expect((z / T).log_softmax(1))), "log_softmax gives log-probabilities: use "
             "softmax(logits / T, dim=1)"),
            (near(expect(z / T)), "the logits are not probabilities: apply softmax over the bins"),
            (near(None if T == 1 else expect(z.softmax(1) ** (1 / T))), "sharpened but not "
             "renormalized: p ** (1 / T) no longer sums to 1 over the bins; divide it by its sum "
             "over dim 1, or use softmax(logits / T, dim=1), which is the same"),
            (near(want.flip(1)), "a and b are swapped: centers[:, 0] is a, centers[:, 1] is b"),
        ]

    check_function(fn, reference, cases, name=_name(fn), atol=1e-3, rtol=1e-4, hints=hints)
