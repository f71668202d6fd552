"""The adversarial loss: the critic's shape, its two terms, and training with fit unchanged."""

import pytest
import torch

from colorlab.adversarial import (
    AdversarialL1,
    PatchDiscriminator,
    discriminator_loss,
    generator_loss,
)
from colorlab.colorizer import lab_tensors
from colorlab.data import Batches, load_dataset
from colorlab.models import UNet
from colorlab.train import fit


def test_the_critic_gives_one_logit_per_patch():
    critic = PatchDiscriminator(base=8, layers=3)
    assert critic(torch.zeros(2, 3, 32, 32)).shape == (2, 1, 4, 4)
    assert PatchDiscriminator(base=8, layers=2)(torch.zeros(1, 3, 64, 64)).shape == (1, 1, 16, 16)


def test_the_critic_learns_to_tell_real_from_colorized_and_the_generator_term_says_so():
    torch.manual_seed(0)
    L = torch.rand(16, 1, 16, 16)
    real, fake = torch.full((16, 2, 16, 16), 0.4), torch.zeros(16, 2, 16, 16)  # fake: gray
    critic = PatchDiscriminator(base=8, layers=2)
    start = discriminator_loss(critic, L, real, fake).item()
    opt = torch.optim.Adam(critic.parameters(), lr=1e-2)
    for _ in range(60):
        opt.zero_grad()
        discriminator_loss(critic, L, real, fake).backward()
        opt.step()
    critic.eval()
    assert discriminator_loss(critic, L, real, fake).item() < 0.1 < start
    # the colorizer is told "gray looks fake" and "the true colors look real"
    assert generator_loss(critic, L, fake).item() > 2.0 > generator_loss(critic, L, real).item()


def test_the_generator_term_trains_the_colorizer_not_the_critic():
    critic = PatchDiscriminator(base=8, layers=2)
    pred = torch.zeros(4, 2, 16, 16, requires_grad=True)
    loss = AdversarialL1(critic)(pred, torch.rand(4, 2, 16, 16), torch.rand(4, 1, 16, 16))
    loss.backward()
    assert pred.grad.abs().sum() > 0


def test_fit_trains_with_it_unchanged_and_validation_leaves_the_critic_alone():
    torch.manual_seed(0)
    L, ab = lab_tensors(load_dataset("sample", "train", size=16).take(96))
    critic = PatchDiscriminator(base=8, layers=2)
    loss = AdversarialL1(critic, weight=0.05)
    before = [p.detach().clone() for p in critic.parameters()]
    history = fit(UNet(1, 2, base=4, depth=2), Batches(L, ab, L, batch_size=32), loss_fn=loss,
                  epochs=2, val=(L[:32], ab[:32], L[:32]), amp=False, progress=False)
    steps = 2 * 3
    assert all(len(v) == steps for v in loss.history.values())  # validation recorded nothing
    assert any(not torch.equal(a, b) for a, b in zip(before, critic.parameters()))
    assert all(torch.isfinite(torch.tensor(history["val_loss"])))
    with torch.no_grad():  # a validation call: no critic step
        kept = [p.detach().clone() for p in critic.parameters()]
        loss(ab[:8], ab[:8], L[:8])
    assert all(torch.equal(a, b) for a, b in zip(kept, critic.parameters()))


def test_without_L_it_says_what_it_needs():
    with pytest.raises(TypeError, match="needs the true L"):
        AdversarialL1(PatchDiscriminator(base=4, layers=1))(torch.zeros(1, 2, 4, 4),
                                                             torch.zeros(1, 2, 4, 4))
