"""The check of exercise 05's soft-encoded, rebalanced cross-entropy
(colorlab.grading.checks.nb05.check_rebalanced_soft_ce): independent versions pass, and each
common mistake gets the hint that names its fix. A passing check trains a tiny classifier for 40
steps (about half a second); a mistake in the values fails before it."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from colorlab.bins import weighted_ce
from colorlab.grading.checks import CheckFailed, check_rebalanced_soft_ce
from colorlab.grading.checks.nb05 import _train_with


def written_out(logits, idx, w, weights):
    logp = torch.log_softmax(logits, dim=1)
    return (weights[idx[:, 0]] * -(logp.gather(1, idx) * w).sum(dim=1)).mean()


def dense_target(logits, idx, w, weights):  # the soft target spread over all Q bins first
    target = torch.zeros_like(logits).scatter_add_(1, idx, w.to(logits))
    return (-(target * logits.log_softmax(1)).sum(1) * weights[idx[:, 0]]).mean()


def log_of_softmax(logits, idx, w, weights):  # log(softmax) equals log_softmax here
    logp = torch.softmax(logits, dim=1).log()
    return (weights[idx[:, 0]] * -(logp.gather(1, idx) * w).sum(dim=1)).mean()


def test_independent_versions_pass(capsys):
    for fn in (written_out, dense_target, log_of_softmax):
        check_rebalanced_soft_ce(fn)
    out = capsys.readouterr().out
    assert out.count("5 cases pass, and the gradient; a tiny classifier trained with it") == 3


def loss(*, log=torch.log_softmax, dim=1, pixel="nearest", per_bin=False, k_terms="all",
         mean_over_k=False, reduce="mean", sign=1.0):
    """The loss with one mistake, named by the keyword that differs from the default."""
    def rebalanced_soft_ce(logits, idx, w, weights):
        logp = logits if log is None else log(logits, dim=dim)
        if k_terms == "nearest":
            idx, w = idx[:, :1], torch.ones_like(w[:, :1])
        terms = logp.gather(1, idx) * w * (weights[idx] if per_bin else 1)
        ce = -(terms.mean(1) if mean_over_k else terms.sum(1))
        pw = {"nearest": weights[idx[:, 0]], "farthest": weights[idx[:, -1]],
              "sum": weights[idx].sum(1), "mean": weights[idx].mean(1),
              "w-mean": (weights[idx] * w).sum(1), "none": torch.ones_like(ce)}[pixel]
        x = ce * (1 if per_bin else pw)
        out = {"mean": x.mean(), "sum": x.sum(), "by weights": x.sum() / pw.sum(),
               "per pixel": x, "per image": x.mean((1, 2))}[reduce]
        return sign * out
    return rebalanced_soft_ce


@pytest.mark.parametrize("kwargs, hint", [
    ({"log": torch.softmax}, "softmax gives probabilities"),
    ({"log": None}, "the logits are not log-probabilities"),
    ({"dim": 0}, "log_softmax over the wrong dimension"),
    ({"dim": -1}, "log_softmax over the last dimension (W)"),
    ({"pixel": "sum"}, "each pixel weighs weights[idx[:, 0]], the weight of its NEAREST bin, "
     "not the sum of its k bins' weights"),
    ({"pixel": "mean"}, "each pixel weighs weights[idx[:, 0]], the weight of its NEAREST bin, "
     "not the mean of its k bins' weights"),
    ({"pixel": "w-mean"}, "each pixel weighs weights[idx[:, 0]], the weight of its NEAREST bin, "
     "not the w-weighted mean of its k bins' weights"),
    ({"per_bin": True}, "each bin's term is weighted by its own bin's weight"),
    ({"pixel": "farthest"}, "the nearest bin is idx[:, 0]"),
    ({"pixel": "none"}, "the rebalancing weights are missing"),
    ({"k_terms": "nearest"}, "hard targets: only the nearest bin counts"),
    ({"mean_over_k": True}, "averaged over the k bins"),
    ({"reduce": "by weights"}, "divided by the sum of the pixel weights"),
    ({"reduce": "sum"}, "a sum over the pixels: take the mean"),
    ({"reduce": "per pixel"}, "one loss per pixel: return their mean"),
    ({"reduce": "per image"}, "one number for the whole batch"),
    ({"sign": -1.0}, "the sign is flipped"),
])
def test_each_mistake_gets_its_hint(kwargs, hint):
    with pytest.raises(CheckFailed, match="^rebalanced_soft_ce: " + re.escape(hint)):
        check_rebalanced_soft_ce(loss(**kwargs))


def torch_cross_entropy(logits, idx, w, weights):
    return F.cross_entropy(logits, idx[:, 0], weight=weights)


def no_gradient(logits, idx, w, weights):
    return written_out(logits.detach(), idx, w, weights)


def normalizer_detached(logits, idx, w, weights):  # right value, wrong gradient
    logp = logits - logits.logsumexp(1, keepdim=True).detach()
    return (weights[idx[:, 0]] * -(logp.gather(1, idx) * w).sum(1)).mean()


def in_numpy(logits, idx, w, weights):
    z = logits.detach().double().numpy()
    logp = z - np.log(np.exp(z).sum(1, keepdims=True))
    ce = -(np.take_along_axis(logp, idx.numpy(), 1) * w.numpy()).sum(1)
    return torch.tensor((weights.numpy()[idx[:, 0].numpy()] * ce).mean())


def gather_nearest_only(logits, idx, w, weights):
    logp = logits.log_softmax(1)
    return (weights[idx[:, 0]] * -(logp.gather(1, idx[:, 0]) * w).sum(1)).mean()


@pytest.mark.parametrize("fn, hint", [
    (torch_cross_entropy, "that is F.cross_entropy(logits, idx[:, 0], weight=weights)"),
    (no_gradient, "no gradient reaches the logits"),
    (in_numpy, "no gradient reaches the logits"),
    (normalizer_detached, "the value is right, but its gradient with respect to the logits is "
                          "not"),
    (gather_nearest_only, "gather the log-probabilities of the k bins with logp.gather(1, idx)"),
])
def test_gradient_and_library_shortcuts_get_their_hint(fn, hint):
    with pytest.raises(CheckFailed, match="^" + fn.__name__ + ": " + re.escape(hint)):
        check_rebalanced_soft_ce(fn)


def test_the_training_part_names_a_loss_that_does_not_train(monkeypatch):
    """A loss right on every case but useless for training (here: no learning signal at all)
    fails the training part, with the numbers."""
    from colorlab.grading.checks import nb05

    real = nb05._train_with
    monkeypatch.setattr(nb05, "_train_with", lambda fn: real(fn, steps=0))
    with pytest.raises(CheckFailed, match="the loss did not fall while a classifier trained "
                                          "with it"):
        check_rebalanced_soft_ce(written_out)


def test_the_tiny_classifier_learns_on_every_seed_tried():
    """The thresholds (the loss falls by 5% or more, colorfulness 20 or more after 40 steps) hold
    with margin on the check's seed and on others: measured on seeds 0-9, the loss fell to
    0.83-0.88 of its start and the colorfulness rose from 2 to 28-106. Three seeds here."""
    for seed in (0, 1, 8):
        run = _train_with(lambda z, i, w, W: weighted_ce(z, (i, w), W), seed=seed)
        (l0, l1), (c0, c1) = run["loss"], run["colorfulness"]
        assert l1 <= 0.9 * l0 and c0 < 5 and c1 >= 25, run
