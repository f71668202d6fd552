"""The checks of exercise 06 (colorlab.grading.checks.nb06): the references pass, and each common
mistake gets the hint that names its fix."""

import pytest
import torch

from colorlab import deploy
from colorlab.grading.checks import CheckFailed, check_channels_to_keep, check_fake_quantize


def _scale(w, peak, divisor=127):
    scale = torch.where(peak > 0, peak / divisor, torch.ones_like(peak))
    return scale.view(-1, *[1] * (w.dim() - 1))


def per_tensor(w):
    s = w.abs().max() / 127
    return (w / s).round().clamp(-127, 127) * s


def integers(w):
    return (w / _scale(w, w.flatten(1).abs().amax(1))).round().clamp(-127, 127)


def zero_division(w):
    s = (w.flatten(1).abs().amax(1) / 127).view(-1, *[1] * (w.dim() - 1))
    return (w / s).round().clamp(-127, 127) * s


def truncated(w):
    s = _scale(w, w.flatten(1).abs().amax(1))
    return (w / s).long().clamp(-127, 127) * s


def by_255(w):
    s = _scale(w, w.flatten(1).abs().amax(1), 255)
    return (w / s).round().clamp(-127, 127) * s


def test_fake_quantize_check_passes_the_reference(capsys):
    check_fake_quantize(deploy.fake_quantize_int8)
    assert "4 cases pass" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, hint", [
    (per_tensor, "one scale for the whole tensor"),
    (integers, "you returned the integers q: multiply them back"),
    (zero_division, "a channel of zeros gives scale 0"),
    (truncated, "truncated toward zero"),
    (by_255, "divide max|w| by 127, not 255"),
])
def test_fake_quantize_mistakes_get_their_hint(wrong, hint):
    with pytest.raises(CheckFailed, match="^" + wrong.__name__ + ": " + hint.replace("|", r"\|")):
        check_fake_quantize(wrong)


def _k(w, amount):
    return max(1, len(w) - round(amount * len(w)))


def smallest(w, amount):
    return w.abs().sum((1, 2, 3)).topk(_k(w, amount), largest=False).indices.sort().values


def unsorted(w, amount):
    return w.abs().sum((1, 2, 3)).topk(_k(w, amount)).indices


def by_l2(w, amount):
    return w.pow(2).sum((1, 2, 3)).topk(_k(w, amount)).indices.sort().values


def signed(w, amount):
    return w.sum((1, 2, 3)).topk(_k(w, amount)).indices.sort().values


def count_to_remove(w, amount):
    return w.abs().sum((1, 2, 3)).topk(max(1, round(amount * len(w)))).indices.sort().values


def test_channels_check_passes_the_reference(capsys):
    check_channels_to_keep(deploy.channels_to_keep)
    assert "5 cases pass" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, hint", [
    (smallest, "those are the channels with the SMALLEST norms"),
    (unsorted, "the right channels in the wrong order"),
    (by_l2, "that ranks by the L2 norm"),
    (signed, "that ranks by the sum of w: take .abs"),
    (count_to_remove, "kept 2 channels for 8 channels, amount 0.25: that is the number to REMOVE"),
])
def test_channels_mistakes_get_their_hint(wrong, hint):
    with pytest.raises(CheckFailed, match="^" + wrong.__name__ + ": " + hint.replace(".", r"\.")):
        check_channels_to_keep(wrong)
