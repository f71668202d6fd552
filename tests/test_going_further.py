"""Notebook 07's library parts: the perceptual loss and its feature networks (VGG16 loaded from
files these tests build, random weights), the class-conditioned and the attention UNet, and the
exercise checks (the adversarial loss's two terms among them) on right and wrong answers."""

import pytest
import torch
import torch.nn.functional as F

from colorlab.adversarial import discriminator_loss, generator_loss
from colorlab.color import denormalize_lab, lab_to_rgb
from colorlab.data import Batches
from colorlab.grading.checks import (
    CheckFailed,
    check_conditioned_bottleneck,
    check_discriminator_loss,
    check_feature_distance,
    check_generator_loss,
)
from colorlab.losses import feature_distance, l1, l1_ssim_perceptual
from colorlab.metrics import ssim
from colorlab.models import (
    AttentionUNet,
    ClassUNet,
    SelfAttention,
    UNet,
    count_parameters,
    from_config,
    with_labels,
)
from colorlab.perceptual import SmallClassifier, VGG16Features, frozen, load_vgg16
from colorlab.train import fit

VGG_CONVS = (0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28)  # torchvision's vgg16.features


def batch(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    L = torch.rand(n, 1, 32, 32, generator=g)
    ab = 0.3 * torch.rand(n, 2, 32, 32, generator=g) - 0.15
    return L, ab


# ---------------------------------------------------------------------------------------------
# the perceptual loss
# ---------------------------------------------------------------------------------------------
def test_perceptual_loss_is_its_three_terms_with_the_default_weights():
    torch.manual_seed(0)
    net = frozen(SmallClassifier(width=8))
    L, ab = batch()
    pred = torch.zeros_like(ab)
    p_rgb, t_rgb = (lab_to_rgb(denormalize_lab(L, a)) for a in (pred, ab))
    want = (l1(pred, ab) + 0.1 * (1 - ssim(p_rgb, t_rgb).mean())
            + 0.05 * feature_distance(net, p_rgb, t_rgb))
    got = l1_ssim_perceptual(net)(pred, ab, L)
    assert torch.allclose(got, want, rtol=1e-5) and got > 0
    assert l1_ssim_perceptual(net)(ab, ab, L).abs() < 1e-6  # the truth costs nothing


def test_perceptual_loss_trains_the_prediction_not_the_network():
    torch.manual_seed(0)
    net = frozen(SmallClassifier(width=8))
    L, ab = batch()
    pred = torch.zeros_like(ab, requires_grad=True)
    l1_ssim_perceptual(net, weight=1.0, ssim_weight=0.0, l1_weight=0.0)(pred, ab, L).backward()
    assert pred.grad is not None and pred.grad.abs().sum() > 0
    assert all(p.grad is None for p in net.parameters())
    with pytest.raises(TypeError, match="needs the true L"):
        l1_ssim_perceptual(net)(pred, ab)


def test_feature_distance_is_the_mean_over_layers_of_the_mse():
    torch.manual_seed(1)
    net = frozen(SmallClassifier(width=8))
    a, b = torch.rand(2, 3, 16, 16), torch.rand(2, 3, 16, 16)
    fa, fb = net.features_of(a), net.features_of(b)
    assert [f.shape[1:] for f in fa] == [(8, 16, 16), (16, 8, 8)]
    want = (F.mse_loss(fa[0], fb[0]) + F.mse_loss(fa[1], fb[1])) / 2
    assert torch.allclose(feature_distance(net, a, b), want)


def test_small_classifier_shapes():
    assert SmallClassifier(width=8, num_classes=7)(torch.rand(3, 3, 32, 32)).shape == (3, 7)


# ---------------------------------------------------------------------------------------------
# VGG16, from files the tests build (torchvision's parameter names, random weights)
# ---------------------------------------------------------------------------------------------
def vgg_state_dict(seed=0):
    torch.manual_seed(seed)
    state = {k: torch.randn_like(v) for k, v in VGG16Features().state_dict().items()
             if k.startswith("features.")}
    state["classifier.0.weight"] = torch.randn(4, 3)  # torchvision's file holds the head too
    return state


def test_vgg16_has_torchvisions_names_and_taps():
    keys = {k for k in VGG16Features().state_dict() if k.startswith("features.")}
    assert keys == {f"features.{i}.{p}" for i in VGG_CONVS for p in ("weight", "bias")}
    feats = VGG16Features().features_of(torch.rand(1, 3, 32, 32))
    assert [tuple(f.shape[1:]) for f in feats] == [(64, 32, 32), (128, 16, 16), (256, 8, 8)]


def test_load_vgg16_from_a_file(tmp_path, monkeypatch):
    state = vgg_state_dict()
    path = tmp_path / "vgg16-397923af.pth"
    torch.save(state, path)
    net = load_vgg16(path)
    assert torch.equal(net.features[28].weight, state["features.28.weight"])
    assert not net.training and not any(p.requires_grad for p in net.parameters())
    monkeypatch.setenv("COLORLAB_VGG16", str(path))
    assert torch.equal(load_vgg16().features[0].bias, state["features.0.bias"])


def test_load_vgg16_without_weights_is_none_and_bad_files_say_why(tmp_path):
    assert load_vgg16(tmp_path / "absent.pth") is None
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="not a readable PyTorch file"):
        load_vgg16(tmp_path / "junk.pth")
    state = vgg_state_dict()
    del state["features.28.weight"]
    torch.save(state, tmp_path / "part.pth")
    with pytest.raises(ValueError, match="features.28.weight"):
        load_vgg16(tmp_path / "part.pth")
    state = vgg_state_dict()
    state["features.0.weight"] = torch.zeros(64, 1, 3, 3)
    torch.save(state, tmp_path / "other.pth")
    with pytest.raises(ValueError, match="does not fit VGG16"):
        load_vgg16(tmp_path / "other.pth")


# ---------------------------------------------------------------------------------------------
# the class-conditioned UNet
# ---------------------------------------------------------------------------------------------
def test_class_unet_uses_the_label_packed_or_not():
    torch.manual_seed(0)
    model = ClassUNet(num_classes=10, base=4).eval()
    torch.nn.init.normal_(model.embed.weight, std=3.0)
    L, _ = batch(3)
    y = torch.tensor([0, 5, 9])
    with torch.no_grad():
        out = model(L, y)
        assert out.shape == (3, 2, 32, 32)
        assert torch.allclose(model(with_labels(L, y)), out, atol=1e-5)
        assert (model(L, torch.tensor([1, 5, 9])) - out)[0].abs().max() > 1e-4  # label matters
        assert torch.allclose(model(L, torch.tensor([1, 5, 9]))[1:], out[1:], atol=1e-5)
    assert count_parameters(model) - count_parameters(UNet(base=4)) == 10 * 4 * 8
    assert isinstance(from_config(model.config), ClassUNet)


def test_class_unet_says_what_it_needs():
    model = ClassUNet(num_classes=10, base=4).eval()
    with pytest.raises(ValueError, match="needs the class labels"):
        model(torch.rand(1, 1, 32, 32))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 10\)"):
        model(torch.rand(1, 1, 32, 32), torch.tensor([10]))


def test_with_labels_travels_through_batches_and_fit():
    L, ab = batch(16)
    y = torch.arange(16) % 10
    x = with_labels(L, y)
    for xb, _, Lb in Batches(x, ab, L, batch_size=8, seed=0):  # flipped and shuffled together
        assert torch.equal(xb[:, :1], Lb)
        assert (xb[:, 1] == xb[:, 1, :1, :1]).all()  # the label plane stays constant
    history = fit(ClassUNet(num_classes=10, base=4), Batches(x, ab, L, batch_size=8, seed=0),
                  loss_fn=l1, epochs=1, progress=False)
    assert len(history) == 1 and history.last["train_loss"] > 0


# ---------------------------------------------------------------------------------------------
# self-attention
# ---------------------------------------------------------------------------------------------
def test_self_attention_starts_as_identity_and_then_mixes_everything():
    torch.manual_seed(0)
    block = SelfAttention(16)
    x = torch.randn(2, 16, 4, 4)
    assert torch.equal(block(x), x)
    with torch.no_grad():
        block.gamma.fill_(1.0)
        nudged = x.clone()
        nudged[0, :, 0, 0] += 1.0
        change = (block(nudged) - block(x))[0].abs().sum(0)  # (4, 4)
    assert (change > 0).all()  # a change in one corner reaches every position
    assert torch.equal(block(nudged)[1], block(x)[1])  # and no other image


def test_self_attention_weights_are_the_mix_that_forward_applies():
    torch.manual_seed(0)
    block = SelfAttention(16)
    x = torch.randn(2, 16, 4, 3)
    with torch.no_grad():
        block.gamma.fill_(1.0)
        weights = block.weights(x)                       # (2, 12, 12)
        assert weights.shape == (2, 12, 12) and (weights >= 0).all()
        assert torch.allclose(weights.sum(-1), torch.ones(2, 12))
        # forward mixes the values with exactly these weights: position i = sum_j w_ij v_j
        values = block.value(x).flatten(2)               # (2, 16, 12)
        mixed = torch.einsum("nij,ncj->nci", weights, values).view(2, 16, 4, 3)
        assert torch.allclose(block(x), x + mixed, atol=1e-6)
        # row-major positions: moving one key position's features moves that column of every row
        nudged = x.clone()
        nudged[:, :, 1, 2] += 3.0
        changed = (block.weights(nudged) - weights).abs().sum(1)   # (2, 12): per column j
        assert changed.argmax(-1).tolist() == [1 * 3 + 2, 1 * 3 + 2]


def test_attention_unet_is_the_unet_at_initialization():
    torch.manual_seed(0)
    plain = UNet(base=4).eval()
    torch.manual_seed(0)
    attended = AttentionUNet(base=4).eval()
    L, _ = batch(2)
    with torch.no_grad():
        assert torch.allclose(attended(L), plain(L))
    extra = count_parameters(attended) - count_parameters(plain)
    assert extra == count_parameters(attended.attention) == 2 * (32 * 4 + 4) + 32 * 32 + 32 + 1
    assert isinstance(from_config(attended.config), AttentionUNet)


# ---------------------------------------------------------------------------------------------
# the exercise checks: the reference passes, each common mistake gets its hint
# ---------------------------------------------------------------------------------------------
def fails_with(check, fn, start):
    with pytest.raises(CheckFailed) as err:
        check(fn)
    assert str(err.value).splitlines()[0].split(": ", 1)[1].startswith(start), str(err.value)


def pairs(net, p, t):
    return list(zip(net.features_of(p), net.features_of(t)))


def test_check_feature_distance(capsys):
    check_feature_distance(feature_distance)
    assert "3 cases pass" in capsys.readouterr().out

    def summed(net, p, t):
        return sum(F.mse_loss(a, b) for a, b in pairs(net, p, t))

    def absolute(net, p, t):
        return sum(F.l1_loss(a, b) for a, b in pairs(net, p, t)) / 2

    def pixels(net, p, t):
        return F.mse_loss(p, t)

    def last(net, p, t):
        return F.mse_loss(*pairs(net, p, t)[-1])

    def frozen_pred(net, p, t):
        with torch.no_grad():
            return feature_distance(net, p, t)

    fails_with(check_feature_distance, summed, "you summed the layers")
    fails_with(check_feature_distance, absolute, "that is the mean absolute difference")
    fails_with(check_feature_distance, pixels, "that compares the pixels")
    fails_with(check_feature_distance, last, "only the last layer")
    fails_with(check_feature_distance, frozen_pred, "no gradient reaches pred_rgb")


def test_check_conditioned_bottleneck(capsys):
    check_conditioned_bottleneck(lambda f, y, e: f + e(y)[:, :, None, None])
    assert "3 cases pass" in capsys.readouterr().out
    fails_with(check_conditioned_bottleneck, lambda f, y, e: f * e(y)[:, :, None, None],
               "you multiplied")
    fails_with(check_conditioned_bottleneck, lambda f, y, e: torch.cat(
        [f, e(y)[:, :, None, None].expand_as(f)], 1), "you concatenated")
    fails_with(check_conditioned_bottleneck, lambda f, y, e: f + e.weight[0][None, :, None, None],
               "every image got the same vector")
    fails_with(check_conditioned_bottleneck, lambda f, y, e: e(y)[:, :, None, None].expand_as(f)
               .clone(), "the features are gone")
    fails_with(check_conditioned_bottleneck, lambda f, y, e: f + e(y), "the embedding does not "
               "broadcast")


def bce(logits, label):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, float(label)))


def verdicts(critic, L, *abs_):
    return [critic(torch.cat([L, ab], dim=1)) for ab in abs_]


def test_check_discriminator_loss(capsys):
    check_discriminator_loss(discriminator_loss)
    assert "3 cases pass" in capsys.readouterr().out

    def batched(critic, L, real_ab, fake_ab):  # one call on both kinds of pairs: right too
        out = critic(torch.cat([torch.cat([L, real_ab], 1), torch.cat([L, fake_ab.detach()], 1)]))
        real, fake = out.chunk(2)
        return (bce(real, 1) + bce(fake, 0)) / 2

    def on_probabilities(critic, L, real_ab, fake_ab):  # right, if less stable
        real, fake = (torch.sigmoid(v) for v in verdicts(critic, L, real_ab, fake_ab.detach()))
        return (F.binary_cross_entropy(real, torch.ones_like(real))
                + F.binary_cross_entropy(fake, torch.zeros_like(fake))) / 2

    check_discriminator_loss(batched)
    check_discriminator_loss(on_probabilities)

    def swapped(critic, L, real_ab, fake_ab):
        real, fake = verdicts(critic, L, real_ab, fake_ab.detach())
        return (bce(real, 0) + bce(fake, 1)) / 2

    def not_detached(critic, L, real_ab, fake_ab):
        real, fake = verdicts(critic, L, real_ab, fake_ab)
        return (bce(real, 1) + bce(fake, 0)) / 2

    def summed(critic, L, real_ab, fake_ab):
        real, fake = verdicts(critic, L, real_ab, fake_ab.detach())
        return bce(real, 1) + bce(fake, 0)

    def sigmoid_twice(critic, L, real_ab, fake_ab):
        real, fake = verdicts(critic, L, real_ab, fake_ab.detach())
        return (bce(torch.sigmoid(real), 1) + bce(torch.sigmoid(fake), 0)) / 2

    def ab_only(critic, L, real_ab, fake_ab):
        return (bce(critic(real_ab), 1) + bce(critic(fake_ab.detach()), 0)) / 2

    def L_last(critic, L, real_ab, fake_ab):
        real, fake = (critic(torch.cat([ab, L], dim=1)) for ab in (real_ab, fake_ab.detach()))
        return (bce(real, 1) + bce(fake, 0)) / 2

    def verdict_without_gradient(critic, L, real_ab, fake_ab):
        real = critic(torch.cat([L, real_ab], dim=1))
        with torch.no_grad():
            fake = critic(torch.cat([L, fake_ab], dim=1))
        return (bce(real, 1) + bce(fake, 0)) / 2

    def logits_as_probabilities(critic, L, real_ab, fake_ab):
        real, fake = verdicts(critic, L, real_ab, fake_ab.detach())
        return (F.binary_cross_entropy(real, torch.ones_like(real))
                + F.binary_cross_entropy(fake, torch.zeros_like(fake))) / 2

    def per_patch(critic, L, real_ab, fake_ab):
        real, fake = verdicts(critic, L, real_ab, fake_ab.detach())
        return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real), reduction="none")
                + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake),
                                                     reduction="none")) / 2

    fails_with(check_discriminator_loss, swapped, "real and fake labels are swapped")
    fails_with(check_discriminator_loss, not_detached, "gradients reach fake_ab")
    fails_with(check_discriminator_loss, summed, "you summed the two terms: average them")
    fails_with(check_discriminator_loss, sigmoid_twice, "sigmoid applied twice")
    fails_with(check_discriminator_loss, ab_only, "the critic got ab alone (2 channels)")
    fails_with(check_discriminator_loss, L_last, "L goes first")
    fails_with(check_discriminator_loss, verdict_without_gradient,
               "the value is right, but the critic does not learn from both terms")
    fails_with(check_discriminator_loss, torch.no_grad()(discriminator_loss),
               "no gradient reaches the critic's weights")
    fails_with(check_discriminator_loss, logits_as_probabilities,
               "F.binary_cross_entropy takes probabilities")
    fails_with(check_discriminator_loss, per_patch, "returned shape (2, 1, 4, 4), not one number")
    fails_with(check_discriminator_loss, lambda critic, L, real_ab, fake_ab: bce(
        critic(torch.cat([L, real_ab], 1)), 1), "only the real pairs' term")


def test_check_generator_loss(capsys):
    check_generator_loss(generator_loss)
    assert "3 cases pass" in capsys.readouterr().out

    def on_probabilities(critic, L, fake_ab):  # right, if less stable
        (fake,) = (torch.sigmoid(v) for v in verdicts(critic, L, fake_ab))
        return F.binary_cross_entropy(fake, torch.ones_like(fake))

    check_generator_loss(on_probabilities)

    def saturating(critic, L, fake_ab):  # minimizing log(1 - D)
        return torch.log(1 - torch.sigmoid(critic(torch.cat([L, fake_ab], 1)))).mean()

    def minus_bce_fake(critic, L, fake_ab):  # the same, written as -BCE(fake, 0)
        return -bce(critic(torch.cat([L, fake_ab], 1)), 0)

    def label_fake(critic, L, fake_ab):
        return bce(critic(torch.cat([L, fake_ab], 1)), 0)

    def sigmoid_twice(critic, L, fake_ab):
        return bce(torch.sigmoid(critic(torch.cat([L, fake_ab], 1))), 1)

    def detached(critic, L, fake_ab):
        return bce(critic(torch.cat([L, fake_ab.detach()], 1)), 1)

    def sign_flipped(critic, L, fake_ab):
        return -bce(critic(torch.cat([L, fake_ab], 1)), 1)

    fails_with(check_generator_loss, saturating, "that is the saturating form")
    fails_with(check_generator_loss, minus_bce_fake, "that is the saturating form")
    fails_with(check_generator_loss, label_fake, "you labelled the colorized pairs 0 (fake)")
    fails_with(check_generator_loss, sigmoid_twice, "sigmoid applied twice")
    fails_with(check_generator_loss, detached, "no gradient reaches fake_ab")
    fails_with(check_generator_loss, sign_flipped, "the sign is flipped")
    fails_with(check_generator_loss, lambda critic, L, fake_ab: bce(critic(fake_ab), 1),
               "the critic got ab alone (2 channels)")
    fails_with(check_generator_loss, lambda critic, L, fake_ab: torch.cat([L, fake_ab], 0),
               "concatenate L and ab along the channels")


def test_the_07_checks_leave_the_learners_random_stream_as_it_was(capsys):
    """A check seeds its own networks; the learner's next random numbers must not change."""
    def add(features, labels, embed):
        return features + embed(labels)[:, :, None, None]

    torch.manual_seed(123)
    expected = torch.rand(5)
    torch.manual_seed(123)
    check_feature_distance(feature_distance)
    check_conditioned_bottleneck(add)
    check_discriminator_loss(discriminator_loss)
    check_generator_loss(generator_loss)
    assert torch.equal(torch.rand(5), expected)
