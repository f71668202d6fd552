"""colorlab.bins: quantization, rebalancing weights, annealed-mean decoding, weighted CE."""

import io

import pytest
import torch
import torch.nn.functional as F

from colorlab.bins import AbBins, rebalancing_weights, weighted_ce


def synthetic_ab(n=4, size=16, seed=0):
    """(n, 2, size, size) ab in Lab units: mostly near gray, a few saturated patches, inside a
    disk of radius 80 so that the corners of the 23 x 23 grid never occur."""
    g = torch.Generator().manual_seed(seed)
    ab = torch.randn(n, 2, size, size, generator=g) * 15
    ab[:, :, :4, :4] = torch.tensor([60.0, -40.0]).view(1, 2, 1, 1) + torch.randn(
        n, 2, 4, 4, generator=g) * 4
    r = ab.norm(dim=1, keepdim=True)
    return ab * (80 / r).clamp(max=1)


@pytest.fixture(scope="module")
def bins():
    return AbBins.fit(synthetic_ab(), lam=0.5)


def test_only_occurring_bins_are_kept():
    ab = torch.tensor([[0.0, 0.0], [3.0, -4.0], [41.0, 19.0], [-100.0, 100.0], [-104.0, 96.0]])
    b = AbBins.fit(ab.T.reshape(1, 2, 5, 1))
    assert b.centers.tolist() == [[-100.0, 100.0], [0.0, 0.0], [40.0, 20.0]]
    assert b.counts.tolist() == [2.0, 2.0, 1.0]
    assert len(AbBins.fit(ab.T.reshape(1, 2, 5, 1), min_count=2)) == 2


def test_fitted_bins_lie_on_the_grid_and_cover_the_data(bins):
    assert 20 < len(bins) < 23 * 23
    assert torch.equal(bins.centers, (bins.centers / 10).round() * 10)
    assert bins.centers.norm(dim=1).max() <= 80 + 10
    assert bins.counts.sum() == synthetic_ab().numel() / 2


def test_encode_decode_round_trip_on_centers(bins):
    q = len(bins)
    ab = bins.centers.T.reshape(1, 2, q, 1)
    assert torch.equal(bins.encode(ab).flatten(), torch.arange(q))
    logits = F.one_hot(torch.arange(q), q).float().T.reshape(1, q, q, 1) * 10
    for T in (0.0, 1e-3, 0.05):
        assert torch.allclose(bins.decode(logits, T)[0, :, :, 0].T, bins.centers, atol=1e-3)


def test_encode_is_the_exact_nearest_bin(bins):
    ab = (torch.rand(2, 2, 20, 20, generator=torch.Generator().manual_seed(1)) - 0.5) * 220
    brute = torch.cdist(ab.movedim(1, -1).reshape(-1, 2), bins.centers).topk(
        5, dim=1, largest=False).indices
    assert torch.equal(bins.encode(ab).flatten(), brute[:, 0])
    idx, _ = bins.encode_soft(ab)
    assert torch.equal(idx.movedim(1, -1).reshape(-1, 5), brute)


def test_encode_is_exact_on_a_full_grid_near_cell_corners():
    full = AbBins.fit((torch.rand(1, 2, 200, 200, generator=torch.Generator().manual_seed(5))
                       - 0.5) * 229)
    assert len(full) == 23 * 23
    ab = torch.tensor([[4.9, 4.8], [-34.9, 15.2], [0.0, 0.0]]).T.reshape(1, 2, 3, 1)
    brute = torch.cdist(ab[0, :, :, 0].T, full.centers).topk(5, dim=1, largest=False).indices
    idx, w = full.encode_soft(ab)
    assert torch.equal(idx[0, :, :, 0].T.sort(1).values, brute.sort(1).values)  # ties: sets
    # on a center with its 4 neighbours at distance 10: weights exp(-d^2 / (2 * 5^2)), normalized
    assert torch.isclose(w[0, 0, 2, 0], 1 / (1 + 4 * torch.exp(torch.tensor(-2.0))))


def test_soft_encoding_sums_to_one_and_favours_the_nearest_bin(bins):
    ab = synthetic_ab(2, 8, seed=3)
    idx, w = bins.encode_soft(ab)
    assert idx.shape == w.shape == (2, 5, 8, 8)
    assert torch.allclose(w.sum(1), torch.ones(2, 8, 8))
    assert torch.equal(idx[:, 0], bins.encode(ab))
    assert (w[:, 0] >= w[:, 1:].max(1).values - 1e-6).all()
    center = bins.centers.T.reshape(1, 2, -1, 1)              # exactly on a center: > half
    assert (bins.encode_soft(center)[1][:, 0] > 0.5).all()
    assert torch.allclose(bins.dense((idx, w)).sum(1), torch.ones(2, 8, 8))


def test_weights_are_normalized_under_the_prior(bins):
    assert torch.isclose(bins.prior.sum(), torch.tensor(1.0))
    for lam in (0.0, 0.2, 0.5, 0.8):
        b = bins.with_lambda(lam)
        assert torch.isclose((b.prior * b.weights).sum(), torch.tensor(1.0), atol=1e-5)
    rare, common = bins.prior.argmin(), bins.prior.argmax()
    assert bins.weights[rare] > 2 * bins.weights[common]


def test_lambda_one_gives_uniform_weights(bins):
    assert torch.allclose(bins.with_lambda(1.0).weights, torch.ones(len(bins)))
    p = torch.tensor([0.7, 0.2, 0.1])
    assert torch.allclose(rebalancing_weights(p, 0.0), 1 / p / 3)  # 1/p, scaled: sum p w = 1


def test_prior_is_smoothed(bins):
    raw = bins.counts / bins.counts.sum()
    assert not torch.allclose(bins.prior, raw)
    assert torch.allclose(AbBins(bins.centers, bins.counts, sigma=0).prior, raw)


def test_low_temperature_gives_the_mode_and_t1_the_mean(bins):
    logits = torch.randn(2, len(bins), 4, 4, generator=torch.Generator().manual_seed(2)) * 3
    mode = bins.centers[logits.argmax(1)].movedim(-1, 1)
    assert torch.equal(bins.decode(logits, 0), mode)
    assert torch.allclose(bins.decode(logits, 1e-4), mode, atol=1e-2)
    for T in (1e-7, 1e-12, 1e-40):
        assert torch.isfinite(bins.decode(logits, T)).all()
    mean = torch.einsum("nqhw,qc->nchw", logits.softmax(1), bins.centers)
    assert torch.allclose(bins.decode(logits, 1.0), mean, atol=1e-4)
    # colors get more saturated as T falls
    chroma = [bins.decode(logits, T).norm(dim=1).mean() for T in (1.0, 0.38, 0.1)]
    assert chroma[0] < chroma[1] < chroma[2]


def test_decode_is_float32_under_autocast(bins):
    logits = torch.randn(2, len(bins), 4, 4, generator=torch.Generator().manual_seed(6)) * 3
    with torch.autocast("cpu", dtype=torch.bfloat16):
        inside = bins.decode(logits.bfloat16(), 0.38)
    assert inside.dtype == torch.float32
    assert torch.allclose(inside, bins.decode(logits.bfloat16(), 0.38), atol=1e-4)


def test_decode_shapes(bins):
    out = bins.decode(torch.randn(3, len(bins), 8, 12), 0.38)
    assert out.shape == (3, 2, 8, 12)
    with pytest.raises(ValueError, match="out_ch"):
        bins.decode(torch.randn(1, len(bins) + 1, 4, 4))


def test_weighted_ce_is_plain_ce_with_unit_weights(bins):
    g = torch.Generator().manual_seed(4)
    q = len(bins)
    logits = torch.randn(2, q, 6, 6, generator=g)
    target = torch.randint(0, q, (2, 6, 6), generator=g)
    plain = F.cross_entropy(logits, target)
    assert torch.allclose(weighted_ce(logits, target), plain)
    assert torch.allclose(weighted_ce(logits, target, torch.ones(q)), plain)
    w = torch.rand(q, generator=g)
    manual = (F.cross_entropy(logits, target, reduction="none") * w[target]).mean()
    assert torch.allclose(weighted_ce(logits, target, w), manual)
    soft = bins.encode_soft(synthetic_ab(2, 6))
    assert torch.allclose(weighted_ce(logits, soft, w), weighted_ce(logits, bins.dense(soft), w),
                          atol=1e-5)


def test_loss_closure_trains_and_state_round_trips(bins):
    logits = torch.zeros(2, len(bins), 8, 8, requires_grad=True)
    loss = bins.loss()(logits, synthetic_ab(2, 8) / 110)
    loss.backward()
    assert torch.isfinite(loss) and logits.grad.abs().sum() > 0
    buf = io.BytesIO()
    torch.save(bins.state_dict(), buf)
    buf.seek(0)
    back = AbBins.from_state(torch.load(buf, weights_only=True))
    assert torch.equal(back.centers, bins.centers) and torch.allclose(back.weights, bins.weights)
    assert back.lam == bins.lam


def test_encode_soft_is_exact_for_any_k_and_refuses_more_than_q(bins):
    """k above the default 5 used a candidate table built for k = 5: k = 20 returned wrong bins
    and k = 50 crashed inside topk. Now each k gets its own table; k > Q is a clear error."""
    ab = (torch.rand(2, 2, 12, 12, generator=torch.Generator().manual_seed(7)) - 0.5) * 220
    dist = torch.cdist(ab.movedim(1, -1).reshape(-1, 2), bins.centers)
    for k in (1, 5, 8, 20, len(bins)):
        idx, w = bins.encode_soft(ab, k=k)
        assert idx.shape == w.shape == (2, k, 12, 12)
        got = dist.gather(1, idx.movedim(1, -1).reshape(-1, k))  # distances of the chosen bins
        want = dist.topk(k, dim=1, largest=False).values
        assert torch.allclose(got, want, atol=1e-4), k  # the k nearest (ties: any of them)
        assert torch.allclose(w.sum(1), torch.ones(2, 12, 12))
    assert bins.encode_soft(ab, k=5)[0].shape[1] == 5  # the default table still works after
    for k in (len(bins) + 1, 0):
        with pytest.raises(ValueError, match=f"between 1 and the number of bins, Q = {len(bins)}"):
            bins.encode_soft(ab, k=k)
    few = AbBins(torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]]), torch.ones(3))
    assert few.encode_soft(ab)[0].shape[1] == 3  # the default k = 5 is capped at Q = 3


def test_loss_follows_the_colorization_loss_convention(bins):
    """AbBins.loss is called like every loss of colorlab.losses, loss(pred, ab, L): L is ignored,
    so (L, ab) batches (notebook 05) and (L, ab, L) batches (train_colorizer) give one value."""
    logits = torch.randn(2, len(bins), 8, 8, generator=torch.Generator().manual_seed(0))
    ab, L = synthetic_ab(2, 8) / 110, torch.rand(2, 1, 8, 8)
    for soft in (True, False):
        loss = bins.loss(soft=soft)
        assert torch.equal(loss(logits, ab, L), loss(logits, ab))
    assert not hasattr(bins.loss(), "needs_L")
