"""Checks of lecture 07 (going further): the perceptual feature distance and the class-conditioned
bottleneck (references: colorlab.losses.feature_distance and colorlab.models.ClassUNet's sum).
Each task is graded on its own: the checks build their inputs with colorlab, never with the
learner's other functions.
"""

from __future__ import annotations

from .harness import CheckFailed, _call, _name, _short, _torch_rand, check_function, near


def _colorlab(module: str):
    import importlib

    try:
        return importlib.import_module(f"colorlab.{module}")
    except ImportError as err:
        raise ImportError(f"this check compares with colorlab.{module}, which this colorlab lacks: "
                          "update the course kit and reinstall it (make)") from err


def _feature_net():
    """A small frozen feature network with two layers, seeded: ``features_of(rgb)`` gives
    (N, 4, H, W) and (N, 8, H/2, W/2)."""
    import torch

    perceptual = _colorlab("perceptual")
    with torch.random.fork_rng(devices=[]):  # seeded here; the learner's random stream is kept
        torch.manual_seed(7)
        net = perceptual.SmallClassifier(width=4)
        with torch.no_grad():  # BatchNorm statistics that are not the identity
            for p in net.parameters():
                p.add_(0.1 * torch.randn_like(p))
    return perceptual.frozen(net)


@_short
def check_feature_distance(fn) -> None:
    """``fn(net, pred_rgb, true_rgb) -> 0-dim tensor``: the mean over ``net.features_of``'s layers
    of the mean squared difference of the two images' feature maps; gradients reach pred_rgb."""
    import torch

    reference = _colorlab("losses").feature_distance
    net = _feature_net()
    truth = _torch_rand((2, 3, 8, 8), 1)
    cases = {
        "two random images (2, 3, 8, 8)": (net, _torch_rand((2, 3, 8, 8), 2), truth),
        "an image and itself": (net, truth, truth),
        "a gray image and a colored one (1, 3, 16, 16)": (
            net, _torch_rand((1, 1, 16, 16), 3).expand(1, 3, 16, 16).clone(),
            _torch_rand((1, 3, 16, 16), 4)),
    }

    name = _name(fn)
    pred = _torch_rand((2, 3, 8, 8), 5).requires_grad_(True)
    out = _call(lambda p, t: fn(net, p, t), name, (pred, truth),
                "a prediction that needs gradients")
    if getattr(out, "dim", lambda: 0)() != 0:
        raise CheckFailed(f"{name}: returned shape {tuple(out.shape)}, not one number: average "
                          "over the batch too (F.mse_loss's default reduction='mean' does)")
    if not getattr(out, "requires_grad", False):
        raise CheckFailed(f"{name}: no gradient reaches pred_rgb, so the loss cannot train the "
                          "colorizer: compute only the truth's features under torch.no_grad() "
                          "(and do not .detach() the prediction's)")
    out.backward()
    if pred.grad is None or not torch.isfinite(pred.grad).all() or pred.grad.abs().sum() == 0:
        raise CheckFailed(f"{name}: the gradient on pred_rgb is zero or missing: compute the "
                          "prediction's features with gradients on")

    def hints(args, want):
        net, pred, true = args
        fp, ft = net.features_of(pred), net.features_of(true)
        sq = [(p - t).double().pow(2) for p, t in zip(fp, ft)]
        return [
            (near(sum(s.mean() for s in sq)), "you summed the layers: average them (divide by the "
             "number of layers), so the weight of the loss does not depend on how many there are"),
            (near(sum((p - t).double().abs().mean() for p, t in zip(fp, ft)) / len(fp)),
             "that is the mean absolute difference: square the differences (F.mse_loss)"),
            (near(sum(s.mean().sqrt() for s in sq) / len(sq)), "no square root: the distance is "
             "the mean of the squared differences (F.mse_loss), as in Johnson et al."),
            (near(sum(s.sum() for s in sq) / len(sq)), "a sum over all elements: take the mean "
             "over N, C, H and W of each layer (F.mse_loss does), so big layers do not dominate"),
            (near(sum(s.sum() for s in sq) / sum(s.numel() for s in sq)), "one mean over the "
             "values of all layers pooled: take the mean of each layer, then average the layers"),
            (near(sq[-1].mean()), "only the last layer: average the distance over every layer "
             "that features_of returns"),
            (near(sq[0].mean()), "only the first layer: average the distance over every layer "
             "that features_of returns"),
            (near((pred - true).double().pow(2).mean()), "that compares the pixels: compare the "
             "feature maps net.features_of(pred_rgb) and net.features_of(true_rgb)"),
        ]

    check_function(fn, reference, cases, name=name, atol=1e-6, rtol=1e-4, hints=hints)


@_short
def check_conditioned_bottleneck(fn) -> None:
    """``fn(features: (N, C, h, w), labels: (N,) int, embed: nn.Embedding(K, C)) -> (N, C, h, w)``:
    each image's features plus its label's embedding vector at every position."""
    import torch
    from torch import nn

    with torch.random.fork_rng(devices=[]):  # seeded here; the learner's random stream is kept
        torch.manual_seed(3)
        embed = nn.Embedding(10, 6)

    def reference(features, labels, embed):
        return features + embed(labels)[:, :, None, None]

    features = _torch_rand((3, 6, 4, 4), 6) - 0.5
    cases = {
        "3 images of classes 0, 4, 9 (3, 6, 4, 4)": (features, torch.tensor([0, 4, 9]), embed),
        "two images of the same class": (features[:2], torch.tensor([2, 2]), embed),
        "one image on a 2 x 3 grid": (features[:1, :, :2, :3], torch.tensor([7]), embed),
    }

    def hints(args, want):
        f, y, e = args
        with torch.no_grad():
            vec = e(y)[:, :, None, None].double()
            first = e.weight[:1, :, None, None].double()
        f = f.double()
        return [
            (near(f * vec), "you multiplied: add the embedding to the features"),
            (near(vec.expand_as(f)), "the features are gone: add the embedding to them, "
             "features + embedding"),
            (near(None if y.unique().numel() == 1 and y[0] == 0 else f + first),
             "every image got the same vector: look up each image's own label, embed(labels)"),
        ]

    name = _name(fn)
    first, args = next(iter(cases.items()))
    with torch.no_grad():
        try:
            got = _call(fn, name, args, first)
        except CheckFailed as err:
            if "must match the size" not in str(err):
                raise
            raise CheckFailed(f"{name}: the embedding does not broadcast over the grid: reshape "
                              "embed(labels), (N, C), to (N, C, 1, 1), e.g. [:, :, None, None]\n"
                              f"  {err}") from None
        if getattr(got, "dim", lambda: 0)() == 4 and got.shape[1] == 2 * args[0].shape[1]:
            raise CheckFailed(f"{name}: you concatenated the embedding as extra channels, shape "
                              f"{tuple(got.shape)}: this model adds it, so the channels stay C")
        check_function(fn, reference, cases, name=_name(fn), atol=1e-6, rtol=1e-5, hints=hints)
