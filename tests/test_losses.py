"""colorlab.losses: the values, and the one calling convention loss(pred, ab, L)."""

import pytest
import torch

from colorlab import recipes
from colorlab.data import sample
from colorlab.losses import LOSSES, l1, l1_ssim, make_loss, mse


def tensors(n=2, size=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    ab = torch.rand(n, 2, size, size, generator=g) - 0.5
    return ab, torch.rand(n, 1, size, size, generator=g)


def test_losses():
    ab, L = tensors()
    assert l1(ab, ab) == 0 and mse(ab, ab) == 0
    assert l1(ab + 0.1, ab).item() == pytest.approx(0.1, abs=1e-6)
    loss = l1_ssim(0.7)
    assert abs(loss(ab, ab, L).item()) < 1e-5
    wrong = loss(torch.zeros_like(ab), ab, L)
    assert wrong > l1(torch.zeros_like(ab), ab)  # the SSIM term adds to the L1 term
    pred = torch.zeros_like(ab, requires_grad=True)
    loss(pred, ab, L).backward()
    assert torch.isfinite(pred.grad).all() and pred.grad.abs().sum() > 0
    assert make_loss("mse") is mse and make_loss("l1") is l1
    assert make_loss("l1_ssim", 0.7).__name__ == "l1_ssim(0.7)"
    with pytest.raises(ValueError, match="Unknown loss"):
        make_loss("l2")


@pytest.mark.parametrize("name", LOSSES)
def test_every_loss_is_called_pred_ab_L(name):
    """One convention: every loss takes (pred, ab, L); those that do not need L ignore it."""
    ab, L = tensors()
    pred = ab.flip(0)
    value = make_loss(name)(pred, ab, L)
    assert value.dim() == 0 and value > 0
    if name != "l1_ssim":
        assert torch.equal(value, make_loss(name)(pred, ab))


def test_l1_ssim_without_L_says_what_to_do():
    ab, _ = tensors()
    with pytest.raises(TypeError, match=r"needs the true L.*\(L, ab, L\)"):
        l1_ssim(0.5)(ab, ab)


def test_train_colorizer_calls_every_loss_with_L(monkeypatch):
    """train_colorizer's batches and validation tensors are (L, ab, L): the loss gets the true L
    of the very images it scores (the model's input), in training and in validation."""
    calls = []

    def spy(pred, ab, L):  # L is required: a two-argument call would fail
        calls.append((pred.shape, ab.shape, L.shape, float(L.min()), float(L.max())))
        return l1(pred, ab, L)

    monkeypatch.setattr(recipes, "make_loss", lambda name, weight: spy)
    train, val = sample("train", 16).take(32), sample("test", 16).take(8)
    recipes.train_colorizer(train, epochs=1, base=4, depth=2, batch_size=16, val_images=val,
                            device="cpu", progress=False)
    assert len(calls) == 3  # two training batches, one validation batch
    for pred, ab, L, lo, hi in calls:
        assert pred == ab and L == (ab[0], 1, *ab[2:]) and 0 <= lo <= hi <= 1


def test_train_colorizer_with_l1_ssim_matches_a_hand_written_loop():
    """The L that train_colorizer passes is the L of the same (flipped) images: a loop over
    Batches(L, ab, L) with the loss called by hand trains the same weights."""
    from colorlab.data import Batches
    from colorlab.device import seed_everything
    from colorlab.models import UNet
    from colorlab.train import fit

    images = sample("train", 16).take(32)
    theirs, _ = recipes.train_colorizer(images, epochs=1, base=4, depth=2, batch_size=16,
                                        loss="l1_ssim", device="cpu", progress=False)
    L, ab = recipes.lab_tensors(images, "cpu")
    seed_everything(0)
    mine = UNet(1, 2, base=4, depth=2)
    loss = l1_ssim(0.5)
    fit(mine, Batches(L, ab, L, batch_size=16, seed=0),
        loss_fn=lambda pred, ab, L: loss(pred, ab, L), epochs=1, lr=2e-3, device="cpu",
        progress=False)
    for p, q in zip(mine.state_dict().values(), theirs.state_dict().values()):
        assert torch.equal(p, q)
