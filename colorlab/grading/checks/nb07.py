"""Checks of lecture 07 (going further): the perceptual feature distance, the class-conditioned
bottleneck, and the adversarial loss's two terms (references: colorlab.losses.feature_distance,
colorlab.models.ClassUNet's sum, colorlab.adversarial.discriminator_loss and generator_loss).
Each task is graded on its own: the checks build their inputs with colorlab, never with the
learner's other functions.

Long because the adversarial loss's two terms (tasks 7.3 and 7.4) each have many distinct,
common mistakes (labels swapped, no detach, the critic fed ab alone, the saturating form, a
sigmoid applied twice, ...), and each gets its own probe and its own message naming the fix.
"""

from __future__ import annotations

from .harness import (
    CheckFailed,
    _call,
    _cases_pass,
    _compare,
    _name,
    _short,
    _torch_rand,
    check_function,
    near,
)


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


# ---------------------------------------------------------------------------------------------
# The adversarial loss's two terms (references: colorlab.adversarial)
# ---------------------------------------------------------------------------------------------
class _NotAPair(Exception):
    """Raised inside the check's critic when it is fed something else than an (L, a, b) pair."""


def _critic(shift: float = 0.0):
    """A small seeded critic, ``PatchDiscriminator(base=4, layers=2)`` in eval mode (so one call
    on real and colorized pairs together gives the same verdicts as two calls), its last layer
    scaled up so that its logits spread over about [-2, 1.5] (plus ``shift``) and every wrong
    formula gives another number: (N, 3, 16, 16) -> (N, 1, 4, 4) logits."""
    import torch

    adversarial = _colorlab("adversarial")
    with torch.random.fork_rng(devices=[]):  # seeded here; the learner's random stream is kept
        torch.manual_seed(11)
        critic = adversarial.PatchDiscriminator(base=4, layers=2)
    with torch.no_grad():
        critic.body[-1].weight.mul_(50)
        critic.body[-1].bias.add_(shift)
    return critic.eval()


def _pairs():
    """L (2, 1, 16, 16) in [0, 1]; real ab and duller colorized ab (2, 2, 16, 16) in [-0.5, 0.5]."""
    L = _torch_rand((2, 1, 16, 16), 21)
    return L, _torch_rand((2, 2, 16, 16), 22) - 0.5, 0.3 * (_torch_rand((2, 2, 16, 16), 23) - 0.5)


_ERRORS = [  # (text in the error, what to do)
    ("between 0 and 1", "F.binary_cross_entropy takes probabilities, the critic gives logits: "
     "use F.binary_cross_entropy_with_logits on the critic's output"),
    ("must match except in dimension 0", "concatenate L and ab along the channels: "
     "torch.cat([L, ab], dim=1)"),
]


def _first_call(call, name: str, critic, L, *abs_):
    """``call(L, *abs_)`` once (the learner's function with the check's critic; its arguments
    named like the learner's, for the messages), the last ab requiring gradients as a
    colorizer's output does, with the critic's inputs watched: returns ``(out, that ab)``. Fails
    with a named message when the critic is fed ab alone, or L in another place than first."""
    fake = abs_[-1].clone().requires_grad_(True)
    seen = []  # per call of the critic: (channels, whether its first channel is L, its last)

    def where_L(x):
        n = L.shape[0]
        if x.shape[1] != 3 or x.shape[0] % n or x.shape[2:] != L.shape[2:]:
            return False, False
        first, last = (x[:, i:i + 1].detach().reshape(-1, *L.shape) for i in (0, 2))
        return bool((first == L).all()), bool((last == L).all())

    def watch(module, inputs):
        x = inputs[0]
        seen.append((x.shape[1], *where_L(x)))
        if x.shape[1] != 3:
            raise _NotAPair(f"the critic takes 3 channels (L, a, b), it got {x.shape[1]}")

    handle = critic.register_forward_pre_hook(watch)
    try:
        out = _call(call, name, (L, *abs_[:-1], fake),
                    "2 pairs of 16 x 16 (fake_ab requiring gradients, as a colorizer's output)",
                    errors=_ERRORS)
    except CheckFailed as err:
        if seen and seen[-1][0] == 2:
            raise CheckFailed(f"{name}: the critic got ab alone (2 channels): it judges (L, ab) "
                              "pairs, whether these colors fit this picture, so feed it "
                              f"torch.cat([L, ab], dim=1)\n  {err}") from None
        if seen and seen[-1][0] != 3:
            raise CheckFailed(f"{name}: the critic got {seen[-1][0]} channels: feed it the pair "
                              f"torch.cat([L, ab], dim=1), 3 channels\n  {err}") from None
        raise
    finally:
        handle.remove()
    if not seen:
        raise CheckFailed(f"{name}: the critic was never called: the loss is the binary "
                          "cross-entropy of critic(torch.cat([L, ab], dim=1))'s logits")
    if not all(first for _, first, _ in seen):
        fix = ("L goes first: torch.cat([L, ab], dim=1), the channel order the critic takes; "
               "it got L as its last channel" if any(last for _, _, last in seen) else
               "the critic's first channel is not L: feed it torch.cat([L, ab], dim=1), with L "
               "as it came in")
        raise CheckFailed(f"{name}: {fix}")
    if getattr(out, "dim", lambda: 0)() != 0:
        raise CheckFailed(f"{name}: returned shape {tuple(out.shape)}, not one number: average "
                          "over the patches and the images (binary_cross_entropy_with_logits's "
                          "default reduction='mean' does)")
    return out, fake


def _verdicts(critic, L, *abs_):
    """The critic's logits on each (L, ab) pair, float64, without gradients."""
    import torch

    with torch.no_grad():
        return [critic(torch.cat([L, ab], dim=1)).double() for ab in abs_]


_TWICE = ("sigmoid applied twice: F.binary_cross_entropy_with_logits takes the critic's raw "
          "logits and applies the sigmoid itself: drop torch.sigmoid")


@_short
def check_discriminator_loss(fn) -> None:
    """``fn(critic, L, real_ab, fake_ab) -> 0-dim tensor``: the critic's term, binary
    cross-entropy on its logits with real pairs labelled 1 and colorized ones 0, each averaged
    over the patches, the two averaged; ``fake_ab`` detached (no gradient reaches it), while
    the critic learns from both terms."""
    import torch
    import torch.nn.functional as F

    reference = _colorlab("adversarial").discriminator_loss
    critic, (L, real, fake) = _critic(), _pairs()
    name = _name(fn)
    out, fake_g = _first_call(lambda L, real_ab, fake_ab: fn(critic, L, real_ab, fake_ab), name,
                              critic, L, real, fake)

    cases = {
        "2 pairs of 16 x 16, real and colorized (duller)": (critic, L, real, fake),
        "1 pair, colorized gray (ab = 0)": (critic, L[:1], real[:1], torch.zeros_like(real[:1])),
        "3 pairs of 32 x 16": (critic, _torch_rand((3, 1, 32, 16), 24),
                               _torch_rand((3, 2, 32, 16), 25) - 0.5,
                               _torch_rand((3, 2, 32, 16), 26) - 0.5),
    }

    def hints(args, want):
        critic, L, real_ab, fake_ab = args
        r, f = _verdicts(critic, L, real_ab, fake_ab)
        bce, s = F.binary_cross_entropy_with_logits, torch.sigmoid
        one, zero = torch.ones_like(r), torch.zeros_like(r)
        return [
            (near((bce(r, zero) + bce(f, one)) / 2), "real and fake labels are swapped: label "
             "the real pairs 1 (torch.ones_like) and the colorized pairs 0 (torch.zeros_like)"),
            (near(bce(r, one) + bce(f, zero)), "you summed the two terms: average them, "
             "(real term + fake term) / 2; pix2pix halves the critic's loss so that it learns "
             "more slowly than the colorizer"),
            (near((bce(s(r), one) + bce(s(f), zero)) / 2), _TWICE),
            (near(bce(r, one)), "only the real pairs' term: add the colorized pairs' term "
             "(labelled 0) and average the two"),
            (near(bce(f, zero)), "only the colorized pairs' term: add the real pairs' term "
             "(labelled 1) and average the two"),
            (near((bce(r, one, reduction="sum") + bce(f, zero, reduction="sum")) / 2),
             "a sum over the patches: average them (the default reduction='mean'), so the loss "
             "does not grow with the image size"),
            (near((r.sub(1).pow(2).mean() + f.pow(2).mean()) / 2), "that is the least-squares "
             "(LSGAN) loss: this task uses binary cross-entropy on the logits "
             "(F.binary_cross_entropy_with_logits)"),
            (near(-want), "the sign is flipped: binary cross-entropy is already the loss to "
             "minimize, no minus in front"),
        ]

    n = _compare(fn, reference, cases, name, atol=1e-6, rtol=1e-4, hints=hints,
                 errors=_ERRORS)

    if not out.requires_grad:
        raise CheckFailed(f"{name}: no gradient reaches the critic's weights, so it cannot learn: "
                          "compute its verdicts with gradients on (no torch.no_grad(), no "
                          ".detach() of the critic's output); detach only fake_ab")
    critic.zero_grad(set_to_none=True)
    out.backward()
    if fake_g.grad is not None and fake_g.grad.abs().sum() > 0:
        raise CheckFailed(f"{name}: gradients reach fake_ab, so this term would train the "
                          "colorizer too (towards looking fake): detach it, critic(torch.cat([L, "
                          "fake_ab.detach()], dim=1)); the critic's term trains the critic only")
    got = [p.grad for p in critic.parameters()]
    critic.zero_grad(set_to_none=True)
    reference(critic, L, real, fake_g).backward()
    if not all(g is not None and torch.allclose(g, p.grad, rtol=1e-4, atol=1e-7)
               for g, p in zip(got, critic.parameters())):
        raise CheckFailed(f"{name}: the value is right, but the critic does not learn from both "
                          "terms: detach fake_ab itself (fake_ab.detach()), not the critic's "
                          "verdict on it, and compute neither verdict under torch.no_grad()")
    critic.zero_grad(set_to_none=True)
    _cases_pass(name, n)


@_short
def check_generator_loss(fn) -> None:
    """``fn(critic, L, fake_ab) -> 0-dim tensor``: the colorizer's term, binary cross-entropy
    of the critic's logits on the colorized pairs against 1 ("real": the non-saturating form),
    averaged over the patches; gradients reach ``fake_ab``."""
    import torch
    import torch.nn.functional as F

    reference = _colorlab("adversarial").generator_loss
    # a critic that tells the colorized pairs apart (logits about -1): where the saturating
    # form's gradient fades, and where its value differs most from the non-saturating one's
    critic, (L, _, fake) = _critic(shift=-1.0), _pairs()
    name = _name(fn)
    out, fake_g = _first_call(lambda L, fake_ab: fn(critic, L, fake_ab), name, critic, L, fake)

    cases = {
        "2 colorized pairs of 16 x 16": (critic, L, fake),
        "1 pair, colorized gray (ab = 0)": (critic, L[:1], torch.zeros_like(fake[:1])),
        "3 pairs of 32 x 16": (critic, _torch_rand((3, 1, 32, 16), 24),
                               _torch_rand((3, 2, 32, 16), 26) - 0.5),
    }

    def hints(args, want):
        critic, L, fake_ab = args
        (f,) = _verdicts(critic, L, fake_ab)
        bce = F.binary_cross_entropy_with_logits
        one, zero = torch.ones_like(f), torch.zeros_like(f)
        return [
            (near(-bce(f, zero)), "that is the saturating form, minimizing log(1 - D): its "
             "gradient vanishes while the critic easily spots the colorized pairs; use the "
             "non-saturating form, the BCE of the critic's logits against ones (label \"real\")"),
            (near(bce(f, zero)), "you labelled the colorized pairs 0 (fake), which rewards the "
             "colorizer for looking fake: its term labels them 1 (torch.ones_like), as if real"),
            (near(-bce(f, one)), "the sign is flipped: minimize the BCE against ones, no minus "
             "in front"),
            (near(bce(torch.sigmoid(f), one)), _TWICE),
            (near(bce(f, one, reduction="sum")), "a sum over the patches: average them (the "
             "default reduction='mean'), so the loss does not grow with the image size"),
            (near(f.sub(1).pow(2).mean()), "that is the least-squares (LSGAN) loss: this task "
             "uses binary cross-entropy on the logits (F.binary_cross_entropy_with_logits)"),
            (near(-f.mean()), "that is WGAN's -mean(D(fake)): this task uses binary "
             "cross-entropy on the logits against ones"),
        ]

    n = _compare(fn, reference, cases, name, atol=1e-6, rtol=1e-4, hints=hints,
                 errors=_ERRORS)

    if out.requires_grad:
        out.backward()
    if fake_g.grad is None or fake_g.grad.abs().sum() == 0:
        raise CheckFailed(f"{name}: no gradient reaches fake_ab, so this term cannot train the "
                          "colorizer: do not detach fake_ab (nor use torch.no_grad()) here; that "
                          "belongs to the critic's term")
    critic.zero_grad(set_to_none=True)
    _cases_pass(name, n)
