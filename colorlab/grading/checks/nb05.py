"""Checks of lecture 05 (vivid colors): rebalancing weights and the annealed mean (references:
colorlab.bins), the AuC of the ab error, raw and class-rebalanced (reference: colorlab.metrics).
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


def _auc_variant(pred, true, rebalanced, *, le=True, thresholds=range(151), sqrt=True, l1=False,
                 bin_by="true", rounding="round", cells="used"):
    """The AuC of the ab error computed right (the defaults) or with one known mistake (each
    keyword one mistake); float64 torch, small inputs only."""
    import torch

    diff = (pred.double() - true.double())
    dist = diff.abs().sum(1) if l1 else diff.pow(2).sum(1)
    dist = (dist.sqrt() if sqrt and not l1 else dist).flatten()                   # (P,)
    t = torch.tensor(list(thresholds), dtype=torch.float64)
    within = (dist[None] <= t[:, None]) if le else (dist[None] < t[:, None])    # (T, P)
    within = within.double().mean(0)                                            # (P,) share
    if not rebalanced:
        return within.mean()
    ab = (true if bin_by == "true" else pred).double()
    idx = (ab + 110) / 10
    idx = (idx.round() if rounding == "round" else idx.floor()).clamp(0, 22).long()
    cell = (idx[:, 0] * 23 + idx[:, 1]).flatten()
    per_cell = torch.stack([within[cell == c].mean() for c in cell.unique()])
    return per_cell.mean() if cells == "used" else per_cell.sum() / 529


@_short
def check_ab_auc(fn) -> None:
    """``fn(pred_ab: (N, 2, H, W), true_ab: (N, 2, H, W), rebalanced: bool) -> float``: the share
    of pixels within ab distance t of the truth (distance <= t), averaged over t = 0, 1, ...,
    150; rebalanced: per cell of the TRUE ab's 10-unit grid, then the mean over the cells."""
    import torch

    from colorlab.metrics import ab_auc

    def reference(pred, true, rebalanced):
        return ab_auc(pred, true, rebalanced=rebalanced)

    # integer distances (0, 5, 10, 13, 25): "<" and "<=" differ; no ab on a cell's border
    true = torch.tensor([[12.0, -33.0, 47.0, 2.0, -61.0, 88.0],
                         [-7.0, 21.0, 3.0, 36.0, -18.0, -44.0]]).view(1, 2, 2, 3)
    step = torch.tensor([[0.0, 3.0, 6.0, 0.0, 5.0, -24.0], [0.0, 4.0, 8.0, 0.0, 12.0, 7.0]])
    g = torch.Generator().manual_seed(5)
    wide = (torch.randn(2, 2, 6, 6, generator=g) * 35).clamp(-105, 105)
    skew = torch.zeros(1, 2, 8, 8)  # mostly gray pixels predicted right, a few red ones missed
    skew[0, 0, :2, :3] = torch.tensor([[38.0, 52.0, 71.0], [64.0, 43.0, 57.0]])
    pairs = {  # (pred_ab, true_ab)
        "integer distances": (true + step.view(1, 2, 2, 3), true),
        "random ab (2, 2, 6, 6)": (wide + torch.randn(2, 2, 6, 6, generator=g) * 25, wide),
        "mostly gray, a few red pixels predicted gray": (torch.zeros_like(skew), skew),
    }
    cases = {f"{label}, rebalanced={r}": (pred, true_ab, r)
             for label, (pred, true_ab) in pairs.items() for r in (False, True)}

    def hints(args, want):
        pred, true_ab, rebalanced = args

        def v(**kw):
            return _auc_variant(pred, true_ab, rebalanced, **kw)

        if rebalanced:  # the mistakes of this mode first: each is an exact variant
            found = [
                (near(v(bin_by="pred")), "the cells are those of the TRUE ab: bin the pixels by "
                 "true_ab, not by the prediction"),
                (near(_auc_variant(pred, true_ab, False)), "rebalanced=True weighs the pixels, "
                 "not the cells: average the AuC of each cell of the true ab, each cell counting "
                 "once however many pixels it holds"),
                (near(v(rounding="floor")), "the cells are centered on multiples of 10: cell = "
                 "round((ab + 110) / 10), not floor (that puts the edges on multiples of 10)"),
                (near(v(cells="all")), "average over the cells that hold pixels only, not over "
                 "all 23 x 23 = 529 of the grid"),
            ]
        else:
            found = [(near(_auc_variant(pred, true_ab, True)), "rebalanced=False is the plain "
                      "AuC over all pixels: rebalance only when asked")]
        found += [
            (near(v(le=False)), "count a pixel as within t when its distance is <= t, not < t "
             "(a perfect pixel already counts at t = 0)"),
            (near(v(thresholds=range(150))), "the thresholds run t = 0, 1, ..., 150: 151 of them "
             "(torch.arange(151)), not 150"),
            (near(v(thresholds=range(1, 151))), "the thresholds start at 0: t = 0, 1, ..., 150 "
             "(torch.arange(151))"),
            (near(v(sqrt=False)), "the squared distance: take the square root, "
             "sqrt(da**2 + db**2)"),
            (near(v(l1=True)), "that is |da| + |db|: the distance is Euclidean, "
             "sqrt(da**2 + db**2)"),
            (near(100 * want), "a percentage: return a share in [0, 1]"),
        ]
        return found

    check_function(fn, reference, cases, name=_name(fn), atol=1e-4, rtol=1e-4, hints=hints,
                   errors=[("must match the size", "pred_ab and true_ab are (N, 2, H, W): the "
                            "distance is over a and b, dim 1")])
