"""Checks of lecture 05 (vivid colors): rebalancing weights and the annealed mean (references:
colorlab.bins), the AuC of the ab error, raw and class-rebalanced (reference: colorlab.metrics),
the soft-encoded, rebalanced cross-entropy (reference: colorlab.bins.weighted_ce) and a tiny
classifier trained with it.

Long because the soft rebalanced cross-entropy (task 5.4) has about twenty known mistakes (softmax
for log_softmax, the wrong dimension, each way of weighting a pixel wrongly, hard targets, the
wrong normalization, ...), each recognized by its own probe and named in its message, and the
task ends with a short training that must show the loss fall and colors appear.
"""

from __future__ import annotations

import numpy as np

from .harness import (
    CheckFailed,
    _call,
    _check_type,
    _name,
    _passed,
    _short,
    _torch_rand,
    check_close,
    check_function,
    check_shape,
    near,
)


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


# ---------------------------------------------------------------------------------------------
# 5.4 the soft-encoded, rebalanced cross-entropy
# ---------------------------------------------------------------------------------------------
def _ce_cases() -> dict:
    """``{label: (logits, idx, w, weights)}``: soft targets from colorlab.bins' encode_soft on
    9 bins (a 3 x 3 grid of step 10, as colorlab.bins' grid, so that the soft weights spread
    over the k bins) with the rebalancing weights of a peaked prior (the gray bin common, so the
    weights differ from bin to bin), over sizes, k and weights that tell the known mistakes
    apart."""
    import torch

    bins = _bins()
    grid = (-10.0, 0.0, 10.0)
    centers = torch.tensor([[a, b] for a in grid for b in grid])   # (9, 2)
    counts = torch.tensor([1.0, 2.0, 30.0, 3.0, 100.0, 5.0, 1.0, 8.0, 2.0])
    peaked = bins.AbBins(centers, counts, lam=0.5)
    g = torch.Generator().manual_seed(54)

    def case(n, h, w, k=None, scale=2.0, weights=peaked.weights):
        ab = torch.randn(n, 2, h, w, generator=g) * 8
        logits = torch.randn(n, 9, h, w, generator=g) * scale
        if k == 1:
            idx = peaked.encode(ab)[:, None]
            return logits, idx, torch.ones(idx.shape), weights
        return (logits, *peaked.encode_soft(ab, k=k), weights)

    return {
        "2 images of 3 x 4 pixels, soft targets over the k = 5 nearest bins": case(2, 3, 4),
        "3 images of 2 x 2, confident logits": case(3, 2, 2, scale=5.0),
        "1 image of 4 x 2, k = 3": case(1, 4, 2, k=3),
        "k = 1 (a hard target, w = 1)": case(2, 2, 3, k=1),
        "weights all 1 (no rebalancing)": case(2, 2, 2, weights=torch.ones(9)),
    }


def _ce_variants() -> list:
    """Known wrong losses, most specific first: ``(loss(logits, idx, w, weights) -> 0-dim
    tensor, what it does and the fix)``, each computed in float64."""
    import torch.nn.functional as F

    def ce(logp, idx, w):  # (N, H, W): the soft cross-entropy of each pixel
        return -(logp.gather(1, idx) * w).sum(1)

    def right(z, idx, w, weights):
        return ce(z.log_softmax(1), idx, w) * weights[idx[:, 0]]

    return [
        (lambda z, idx, w, W: -right(z, idx, w, W).mean(), "the sign is flipped: the "
         "cross-entropy is -sum_k w_k log p(idx_k), a positive number to minimize"),
        (lambda z, idx, w, W: F.cross_entropy(z, idx[:, 0], weight=W), "that is "
         "F.cross_entropy(logits, idx[:, 0], weight=weights): hard targets, divided by the sum of "
         "the pixel weights; write the soft one out: the mean over the pixels of "
         "weights[idx[:, 0]] * -sum_k w_k * log_softmax(logits, dim=1) gathered at idx"),
        (lambda z, idx, w, W: ce(z.log_softmax(1), idx, w).mean(), "the rebalancing weights are "
         "missing: multiply each pixel's cross-entropy by weights[idx[:, 0]], the weight of its "
         "nearest bin"),
        (lambda z, idx, w, W: right(z, idx, w, W).sum() / W[idx[:, 0]].sum(), "divided by the "
         "sum of the pixel weights (what F.cross_entropy(weight=...) does): take the plain mean "
         "over the pixels; the weights were scaled so that the average pixel weighs 1"),
        (lambda z, idx, w, W: (ce(z.log_softmax(1), idx, w) * W[idx].sum(1)).mean(), "each pixel "
         "weighs weights[idx[:, 0]], the weight of its NEAREST bin, not the sum of its k bins' "
         "weights"),
        (lambda z, idx, w, W: (ce(z.log_softmax(1), idx, w) * W[idx].mean(1)).mean(), "each "
         "pixel weighs weights[idx[:, 0]], the weight of its NEAREST bin, not the mean of its k "
         "bins' weights"),
        (lambda z, idx, w, W: (ce(z.log_softmax(1), idx, w) * (W[idx] * w).sum(1)).mean(),
         "each pixel weighs weights[idx[:, 0]], the weight of its NEAREST bin, not the "
         "w-weighted mean of its k bins' weights"),
        (lambda z, idx, w, W: ce(z.log_softmax(1), idx, w * W[idx]).mean(), "each bin's term is "
         "weighted by its own bin's weight: weigh the whole pixel by its nearest bin's weight, "
         "weights[idx[:, 0]]"),
        (lambda z, idx, w, W: (ce(z.log_softmax(1), idx, w) * W[idx[:, -1]]).mean(), "the "
         "nearest bin is idx[:, 0] (encode_soft sorts them nearest first), not idx[:, -1]"),
        (lambda z, idx, w, W: right(z, idx[:, :1], w[:, :1] * 0 + 1, W).mean(), "hard targets: "
         "only the nearest bin counts; the soft target spreads over all k bins, sum over k of "
         "w_k * log p(idx_k)"),
        (lambda z, idx, w, W: right(z, idx, w, W).mean() / idx.shape[1], "averaged over the k "
         "bins: sum w_k * log p(idx_k) over them (w already sums to 1 over k)"),
        (lambda z, idx, w, W: (ce(z.softmax(1), idx, w) * W[idx[:, 0]]).mean(), "softmax gives "
         "probabilities: the cross-entropy takes their log, log_softmax(logits, dim=1)"),
        (lambda z, idx, w, W: (ce(z, idx, w) * W[idx[:, 0]]).mean(), "the logits are not "
         "log-probabilities: apply log_softmax(logits, dim=1) first"),
        (lambda z, idx, w, W: (ce(z.log_softmax(0), idx, w) * W[idx[:, 0]]).mean(),
         "log_softmax over the wrong dimension: the Q bins are dim 1 of (N, Q, H, W)"),
        (lambda z, idx, w, W: (ce(z.log_softmax(-1), idx, w) * W[idx[:, 0]]).mean(),
         "log_softmax over the last dimension (W): the Q bins are dim 1 of (N, Q, H, W), so "
         "log_softmax(logits, dim=1)"),
        (lambda z, idx, w, W: right(z, idx, w, W).sum(), "a sum over the pixels: take the mean, "
         "so that the loss does not grow with the batch and the image size"),
    ]


_CE_ERRORS = [
    ("Index tensor must have the same number of dimensions", "gather the log-probabilities of "
     "the k bins with logp.gather(1, idx): idx is (N, k, H, W), as logp is (N, Q, H, W)"),
    ("expected scalar type Long", "idx holds bin indices (torch.long): index with it as it "
     "comes, don't convert it to float"),
]


def _toy_colors(n: int, seed: int):
    """``(L, ab)`` of ``n`` 16 x 16 images whose color follows their lightness (a hue that turns
    with L; the brightest parts gray): a problem a tiny classifier learns in a few dozen steps.
    L in [0, 100], ab in Lab units."""
    import math

    import torch
    import torch.nn.functional as F

    low = _torch_rand((n, 1, 4, 4), seed)
    L = F.interpolate(low, size=(16, 16), mode="bicubic", align_corners=False).clamp(0, 1)
    L = 5 + 90 * L
    angle = L / 100 * 3 * math.pi
    ab = torch.cat([55 * torch.cos(angle), 55 * torch.sin(angle)], dim=1)
    return L, torch.where(L > 70, torch.zeros_like(ab), ab)


def _train_with(fn, steps: int = 40, seed: int = 0) -> dict:
    """Train a tiny classifier, colorlab.models.UNet(1, Q, base=4, depth=2), on
    :func:`_toy_colors` with ``fn`` as its loss (seeded; the learner's random state untouched),
    by SGD with momentum 0.9, lr 0.1, written out: a torch.optim optimizer would import
    torch._dynamo on its first use, 2 s of this check's time. The head starts at the prior (zero
    weights, bias log p): before training it predicts the prior everywhere, nearly gray. Returns
    the loss on the training images and the colorfulness of held-out images decoded at
    T = 0.38, before and after."""
    import torch

    from colorlab.color import lab_to_rgb
    from colorlab.metrics import colorfulness
    from colorlab.models import UNet

    L, ab = _toy_colors(16, 60)
    L_new, _ = _toy_colors(8, 61)
    bins = _bins().AbBins.fit(ab, lam=0.5)
    idx, w = bins.encode_soft(ab)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = UNet(1, len(bins), base=4, depth=2, activation=None)
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.copy_(bins.prior.log())
    velocity = [torch.zeros_like(p) for p in model.parameters()]

    def measure():
        model.eval()
        with torch.no_grad():
            loss = float(fn(model(L / 100), idx, w, bins.weights))
            rgb = lab_to_rgb(torch.cat([L_new, bins.decode(model(L_new / 100), 0.38)], dim=1))
        model.train()
        return loss, float(colorfulness(rgb).mean())

    (loss0, color0) = measure()
    for _ in range(steps):
        loss = fn(model(L / 100), idx, w, bins.weights)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p, v in zip(model.parameters(), velocity):
                v.mul_(0.9).add_(p.grad)
                p.sub_(0.1 * v)
    (loss1, color1) = measure()
    return {"steps": steps, "loss": (loss0, loss1), "colorfulness": (color0, color1)}


@_short
def check_rebalanced_soft_ce(fn) -> None:
    """``fn(logits: (N, Q, H, W), idx: (N, k, H, W) long, w: (N, k, H, W), weights: (Q,)) ->
    0-dim tensor``: the mean over the pixels of ``weights[idx[:, 0]] * -sum_k w_k
    log_softmax(logits, dim=1)[idx_k]`` (reference: colorlab.bins.weighted_ce). Then its gradient
    with respect to the logits, and a tiny classifier trained with it for 40 steps: its loss must
    fall and its decoded colors must appear."""

    bins = _bins()
    name = _name(fn)

    def reference(logits, idx, w, weights):
        return bins.weighted_ce(logits, (idx, w), weights)

    cases = _ce_cases()
    got, want = [], []
    for label, args in cases.items():  # one number per case; compared together below
        out = _call(fn, name, args, label, errors=_CE_ERRORS)
        ref = reference(*args)
        _check_type(name, out, ref, label)
        n, _, h, w_ = args[0].shape
        if tuple(out.shape) == (n, h, w_):
            raise CheckFailed(f"{name}: one loss per pixel: return their mean, a single number\n"
                              f"  got shape {tuple(out.shape)} for {label}")
        if tuple(out.shape) == (n,):
            raise CheckFailed(f"{name}: one number for the whole batch: the mean over every "
                              f"pixel of every image\n  got shape {tuple(out.shape)} for {label}")
        check_shape(name, out, (), label)
        got.append(float(out))
        want.append(float(ref))
    doubled = [tuple(a.double() if a.is_floating_point() else a for a in args)
               for args in cases.values()]
    variants = [(np.array([float(v(*args)) for args in doubled]), message)
                for v, message in _ce_variants()]
    variants.sort(key=lambda vm: float(np.max(np.abs(vm[0] - got))))  # the closest one first
    hints = [(near(v), message) for v, message in variants]
    check_close(name, np.array(got), np.array(want), atol=1e-5, rtol=1e-4, hints=hints,
                case=f"{len(cases)} cases ({'; '.join(cases)})")

    logits, idx, w, weights = next(iter(cases.values()))
    mine, theirs = logits.clone().requires_grad_(True), logits.clone().requires_grad_(True)
    out = _call(lambda z: fn(z, idx, w, weights), name, (mine,), "the gradient case",
                errors=_CE_ERRORS)
    if not getattr(out, "requires_grad", False):
        raise CheckFailed(f"{name}: no gradient reaches the logits, so this loss cannot train "
                          "a classifier: compute it with torch operations on logits, without "
                          ".detach(), torch.no_grad(), .item() or numpy")
    out.backward()
    reference(theirs, idx, w, weights).backward()
    check_close(name, mine.grad, theirs.grad, atol=1e-6, rtol=1e-4, hints=[
        (lambda g, w: True, "the value is right, but its gradient with respect to the logits is "
         "not: is part of the computation detached (.detach(), .data, numpy)?")],
        case="the gradient with respect to the logits")

    run = _train_with(fn)
    (loss0, loss1), (color0, color1) = run["loss"], run["colorfulness"]
    trained = (f"a tiny classifier trained with it for {run['steps']} steps: loss {loss0:.2f} "
               f"-> {loss1:.2f}, colorfulness of its decoded images {color0:.0f} -> {color1:.0f}")
    if not loss1 <= 0.95 * loss0:
        raise CheckFailed(f"{name}: the loss did not fall while a classifier trained with it "
                          f"(it must lose 5% or more in {run['steps']} steps)\n  {trained}")
    if not color1 >= 20:
        raise CheckFailed(f"{name}: no colors appeared while a classifier trained with it: its "
                          f"decoded images stayed nearly gray (colorfulness 20 or more "
                          f"expected)\n  {trained}")
    _passed(name, f"{len(cases)} cases pass, and the gradient; {trained}")
