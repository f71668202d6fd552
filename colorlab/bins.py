"""Colorization as classification (notebook 05; Zhang, Isola & Efros, ECCV 2016).

Instead of regressing ab, a network predicts a distribution over Q quantized ab bins:

- :meth:`AbBins.fit`: a grid of step 10 over [-110, 110]^2 (23 x 23 = 529 cells, centers at
  multiples of 10); only the cells that occur in the training data are kept (Q of them).
- :meth:`AbBins.encode` / :meth:`AbBins.encode_soft`: ab -> nearest bin, or the 5 nearest bins
  with Gaussian weights (sigma 5).
- rebalancing weights from the smoothed empirical prior p:
  ``w ~ 1 / ((1 - lam) p + lam / Q)``, scaled so that ``E_p[w] = sum_q p_q w_q = 1``.
- :meth:`AbBins.decode`: the annealed mean, ``softmax(logits / T)`` then the expectation over the
  bin centers; ``T = 1`` is the mean of the predicted distribution, ``T -> 0`` its mode.
- :func:`weighted_ce`: (rebalanced) cross-entropy with hard or soft targets; :meth:`AbBins.loss`
  wraps it as ``loss(logits, ab, L)``, the calling convention of :mod:`colorlab.losses`.

All ab values here are in Lab units (about [-110, 110]), not normalized: multiply a network's
normalized ab (ab / AB_SCALE) by ``AB_SCALE`` first. Nothing here knows about models or training.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .color import AB_SCALE
from .device import float32_region

GRID_STEP = 10.0   # bin size in ab units
GRID_LIMIT = 110.0  # centers run from -110 to 110


class AbBins:
    """Q ab bins with their prior and rebalancing weights; all state is tensors (on any device).

    centers: (Q, 2) float, ab of each bin center.      counts: (Q,) training pixels per bin.
    prior: (Q,) the empirical distribution smoothed by a Gaussian (``sigma`` ab units), sums to 1.
    weights: (Q,) rebalancing weights for ``lam``; ``(prior * weights).sum() == 1``.
    """

    def __init__(self, centers, counts, lam: float = 0.5, sigma: float = 5.0, k: int = 5,
                 step: float = GRID_STEP, limit: float = GRID_LIMIT):
        self.centers = torch.as_tensor(centers, dtype=torch.float32)
        self.counts = torch.as_tensor(counts, dtype=torch.float32).to(self.centers.device)
        if self.centers.ndim != 2 or self.centers.shape[1] != 2 or len(self.counts) != len(
                self.centers):
            raise ValueError(f"AbBins needs centers (Q, 2) and counts (Q,), got "
                             f"{tuple(self.centers.shape)} and {tuple(self.counts.shape)}.")
        if not 0.0 <= lam <= 1.0:
            raise ValueError(f"lam mixes the prior with the uniform distribution: it must be in "
                             f"[0, 1], got {lam}.")
        self.lam, self.sigma, self.k, self.step, self.limit = float(lam), float(sigma), int(k), \
            float(step), float(limit)
        self.prior = self._smoothed_prior()
        self.weights = rebalancing_weights(self.prior, self.lam)
        self._n = round(2 * self.limit / self.step) + 1
        self._cands: dict[int, torch.Tensor] = {}  # k -> candidate table, built when first used

    # ------------------------------------------------------------------ building
    @classmethod
    def fit(cls, ab: torch.Tensor, lam: float = 0.5, sigma: float = 5.0, k: int = 5,
            min_count: int = 1, step: float = GRID_STEP, limit: float = GRID_LIMIT) -> AbBins:
        """Bins from training data. ab: (N, 2, H, W) (or (..., 2, H, W)) in Lab units.

        Every pixel goes to its nearest grid cell; cells with at least ``min_count`` pixels are
        kept, in grid order (a-major). Works in chunks, so all of CIFAR-10 fits on a GPU.
        """
        n = round(2 * limit / step) + 1
        hist = torch.zeros(n * n, dtype=torch.float64, device=ab.device)
        flat = ab.movedim(-3, -1).reshape(-1, 2)
        for part in flat.split(1 << 22):
            hist += torch.bincount(_cell(part.float(), step, limit, n), minlength=n * n).double()
        keep = (hist >= min_count).nonzero().squeeze(1)
        if len(keep) == 0:
            raise ValueError("AbBins.fit found no ab values: pass (N, 2, H, W) ab in Lab units.")
        axis = torch.linspace(-limit, limit, n, device=ab.device)
        centers = torch.stack([axis[keep // n], axis[keep % n]], dim=1)
        return cls(centers, hist[keep].float(), lam=lam, sigma=sigma, k=k, step=step, limit=limit)

    def with_lambda(self, lam: float) -> AbBins:
        """The same bins and prior with the weights recomputed for another ``lam``."""
        return AbBins(self.centers, self.counts, lam, self.sigma, self.k, self.step, self.limit)

    def state_dict(self) -> dict:
        """Tensors and numbers only, so ``torch.load(weights_only=True)`` reads it back."""
        return {"centers": self.centers.cpu(), "counts": self.counts.cpu(),
                "prior": self.prior.cpu(), "weights": self.weights.cpu(), "lam": self.lam,
                "sigma": self.sigma, "k": self.k, "step": self.step, "limit": self.limit}

    @classmethod
    def from_state(cls, state: dict) -> AbBins:
        """Rebuild from :meth:`state_dict` (prior and weights are recomputed, identically)."""
        return cls(state["centers"], state["counts"], state["lam"], state["sigma"], state["k"],
                   state["step"], state["limit"])

    def to(self, device) -> AbBins:
        """Move every tensor to ``device`` (in place); returns self."""
        for name in ("centers", "counts", "prior", "weights"):
            setattr(self, name, getattr(self, name).to(device))
        self._cands = {k: table.to(device) for k, table in self._cands.items()}
        return self

    def __len__(self) -> int:
        return len(self.centers)

    def __repr__(self) -> str:
        return (f"AbBins(Q={len(self)}, step={self.step:g}, lam={self.lam:g}, "
                f"sigma={self.sigma:g}, k={self.k})")

    def _smoothed_prior(self) -> torch.Tensor:
        p = self.counts / self.counts.sum()
        if self.sigma <= 0:
            return p
        d2 = torch.cdist(self.centers, self.centers) ** 2
        p = torch.exp(-d2 / (2 * self.sigma**2)) @ p   # Gaussian blur over the kept bins
        return p / p.sum()

    def _candidates(self, k: int) -> torch.Tensor:
        """(n*n, M) indices: per grid cell, the bins that can be among the k nearest of a point
        in it (a bin farther than d_k(center) + step * sqrt(2) never is); cached per k."""
        if k not in self._cands:
            axis = torch.linspace(-self.limit, self.limit, self._n, device=self.centers.device)
            cells = torch.cartesian_prod(axis, axis)                       # (n*n, 2)
            d, order = torch.cdist(cells, self.centers).sort(dim=1)       # (n*n, Q)
            reach = d[:, k - 1 : k] + self.step * math.sqrt(2) + 1e-4
            m = int((d <= reach).sum(dim=1).max())
            self._cands[k] = order[:, :m].contiguous()
        return self._cands[k]

    # ------------------------------------------------------------------ encoding
    def _nearest(self, ab: torch.Tensor, k: int):
        """ab (N, 2, H, W) -> (idx (N, k, H, W) long, d2 (N, k, H, W)), nearest first."""
        pts = ab.float().movedim(-3, -1)                                # (N, H, W, 2)
        table = self._candidates(k).to(ab.device)
        cand = table[_cell(pts, self.step, self.limit, self._n)]        # (N, H, W, M)
        diff = pts.unsqueeze(-2) - self.centers.to(ab.device)[cand]    # (N, H, W, M, 2)
        d2, j = diff.pow(2).sum(-1).topk(k, dim=-1, largest=False)     # sorted ascending
        return cand.gather(-1, j).movedim(-1, -3), d2.movedim(-1, -3)

    def encode(self, ab: torch.Tensor) -> torch.Tensor:
        """ab (N, 2, H, W) in Lab units -> (N, H, W) long: the index of the nearest bin."""
        return self._nearest(ab, 1)[0].squeeze(-3)

    def encode_soft(self, ab: torch.Tensor, k: int | None = None, sigma: float | None = None):
        """The k nearest bins, weighted by a Gaussian of the distance (default ``self.sigma``, 5).

        ab (N, 2, H, W) -> (idx (N, k, H, W) long, w (N, k, H, W) float summing to 1 over k),
        nearest first. ``k``: default ``self.k`` (5), or Q if there are fewer bins; exact for any
        k from 1 to Q; a k above Q (there are only Q bins) or below 1 raises ValueError. Use
        :meth:`dense` to expand it to a full (N, Q, H, W) distribution.
        """
        k = min(self.k, len(self)) if k is None else int(k)
        sigma = sigma or self.sigma
        if not 1 <= k <= len(self):
            raise ValueError(f"encode_soft(k={k}): k must be between 1 and the number of bins, "
                             f"Q = {len(self)}, because a pixel cannot have more than Q nearest "
                             f"bins. Pass a smaller k (the default is {self.k}), or fit the bins "
                             "on more varied data to get more of them.")
        idx, d2 = self._nearest(ab, k)
        return idx, torch.softmax(-d2 / (2 * sigma**2), dim=-3)

    def dense(self, soft) -> torch.Tensor:
        """(idx, w) from :meth:`encode_soft` -> (N, Q, H, W) distribution."""
        idx, w = soft
        out = w.new_zeros(idx.shape[0], len(self), *idx.shape[2:])
        return out.scatter_add_(1, idx, w)

    # ------------------------------------------------------------------ decoding
    def probs(self, logits: torch.Tensor, T: float = 1.0) -> torch.Tensor:
        """(N, Q, H, W) logits -> (N, Q, H, W) softmax(logits / T); T <= 1e-6 gives a one-hot
        at the argmax (the limit T -> 0), so a tiny T never divides into inf or NaN."""
        logits = logits.float()
        if T <= 1e-6:
            return F.one_hot(logits.argmax(1), len(self)).movedim(-1, 1).float()
        return torch.softmax(logits / T, dim=1)

    def decode(self, logits: torch.Tensor, T: float = 0.38) -> torch.Tensor:
        """The annealed mean: (N, Q, H, W) logits -> (N, 2, H, W) ab in Lab units.

        ``T = 1``: the mean of the predicted distribution (safe but desaturated, like L1);
        ``T -> 0``: the center of the most likely bin (vivid but patchy); Zhang et al. use 0.38.
        Computed in float32 with autocast off, so a bf16 forward pass (``evaluate`` on a GPU)
        gives the same ab as decoding its logits outside autocast.
        """
        if logits.shape[1] != len(self):
            raise ValueError(f"decode expects (N, {len(self)}, H, W) logits, one per bin, got "
                             f"{tuple(logits.shape)}: was the model built with out_ch=len(bins)?")
        if T <= 1e-6:
            return self.centers.to(logits.device)[logits.argmax(1)].movedim(-1, 1)
        with float32_region(logits.device):  # the product would run in bf16
            p = self.probs(logits, T)                                      # (N, Q, H, W)
            n, q, h, w = p.shape
            # sum over q of p[n, q] * centers[q]: one (2, Q) x (Q, H*W) product per image
            return (self.centers.to(logits.device).T @ p.reshape(n, q, h * w)).view(n, 2, h, w)

    def grid(self, values: torch.Tensor) -> torch.Tensor:
        """(Q,) per-bin values -> (n, n) on the ab grid (rows: a, columns: b), NaN where no bin;
        for plotting with ``imshow(grid.T, origin="lower", extent=...)``."""
        out = torch.full((self._n * self._n,), float("nan"))
        cells = _cell(self.centers.cpu(), self.step, self.limit, self._n)
        out[cells] = values.detach().float().cpu()
        return out.view(self._n, self._n)

    # ------------------------------------------------------------------ training
    def loss(self, soft: bool = True, rebalance: bool = True, scale: float = AB_SCALE):
        """A ``loss_fn(logits, ab_norm, L=None)`` for ``colorlab.train.fit``, called like every
        colorization loss (:mod:`colorlab.losses`): logits (N, Q, H, W), ab_norm (N, 2, H, W) =
        ab / ``scale``, L (N, 1, H, W) not used, so batches may yield ``(L, ab)`` or
        ``(L, ab, L)``. The target is encoded on the fly (soft or hard), weighted or not."""
        def loss_fn(logits: torch.Tensor, ab_norm: torch.Tensor,
                    L: torch.Tensor | None = None) -> torch.Tensor:
            ab = ab_norm.float() * scale
            target = self.encode_soft(ab) if soft else self.encode(ab)
            return weighted_ce(logits, target, self.weights if rebalance else None)
        return loss_fn


def rebalancing_weights(prior: torch.Tensor, lam: float) -> torch.Tensor:
    """(Q,) prior summing to 1 -> (Q,) weights ``w ~ 1 / ((1 - lam) p + lam / Q)``, scaled so
    that ``sum(p * w) == 1``. ``lam = 1``: all ones; ``lam -> 0``: rare colors weigh ~1/p."""
    w = 1.0 / ((1 - lam) * prior + lam / len(prior))
    return w / (prior * w).sum()


def weighted_ce(logits: torch.Tensor, target, weights: torch.Tensor | None = None):
    """Mean over pixels of ``w[q*] * CE``, q* the pixel's target (or nearest) bin.

    logits: (N, Q, H, W). target: (N, H, W) long bin indices; or ``(idx, w)`` from
    :meth:`AbBins.encode_soft` (each (N, k, H, W), nearest first); or a (N, Q, H, W) float
    distribution. weights: (Q,) per-bin weights or None (plain cross-entropy). Returns a scalar.
    """
    logp = F.log_softmax(logits.float(), dim=1)
    if isinstance(target, (tuple, list)):
        idx, w = target
        ce = -(logp.gather(1, idx) * w).sum(1)
        nearest = idx[:, 0]
    elif target.dtype == torch.long:
        ce = -logp.gather(1, target.unsqueeze(1)).squeeze(1)
        nearest = target
    else:
        ce = -(logp * target).sum(1)
        nearest = target.argmax(1)
    if weights is not None:
        ce = ce * weights.to(ce.device)[nearest]
    return ce.mean()


def grid_cell(ab: torch.Tensor, step: float = GRID_STEP, limit: float = GRID_LIMIT) -> torch.Tensor:
    """(..., 2) ab in Lab units -> (...) long, the index of the nearest cell of the full grid
    (centers at multiples of ``step`` in [-limit, limit], a-major; values beyond are clamped to
    the edge cells): 23 x 23 = 529 cells by default. :func:`colorlab.metrics.ab_auc` bins by it."""
    return _cell(ab, step, limit, round(2 * limit / step) + 1)


def _cell(ab: torch.Tensor, step: float, limit: float, n: int) -> torch.Tensor:
    """(..., 2) ab -> (...) long index of the nearest grid cell (a-major), clamped to the grid."""
    ij = ((ab + limit) / step).round().clamp(0, n - 1).long()
    return ij[..., 0] * n + ij[..., 1]
