"""An adversarial loss for colorization (pix2pix: Isola et al., 2017): a PatchGAN critic that
judges (L, ab) pairs, real or colorized, and learns while it judges.

Why: L1 is smallest for the median of the plausible colors, so where a car could be red or blue
it paints it a dull in-between. A critic that has learned what real (L, ab) pairs look like
penalizes that dullness; the cost is a training that can oscillate, and colors the critic
accepts that the photo never had.

``AdversarialL1(critic)`` is a loss like the others, ``loss(pred_ab, ab, L)``, so the one loop
:func:`colorlab.train.fit` trains with it unchanged: in each training step (gradients on) the
loss first takes one optimizer step of the critic on the batch, then returns
``l1 + weight * generator term`` for fit to minimize. Shapes: L (N, 1, H, W) = L / 100 in [0, 1];
ab (N, 2, H, W) = ab / 110 in about [-1, 1]; H and W multiples of ``2 ** layers``.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .device import float32_region
from .losses import l1


class PatchDiscriminator(nn.Module):
    """pix2pix's critic at a chosen width: ``layers`` 4x4 convolutions of stride 2 (channels
    base, 2 base, 4 base, ...; BatchNorm after the first; LeakyReLU 0.2), then a 3x3 convolution
    to one logit per patch. x: (N, 3, H, W) = cat(L, ab) -> (N, 1, H / 2**layers, W / 2**layers)
    logits: above 0 means "a real pair"."""

    def __init__(self, base: int = 32, layers: int = 3):
        super().__init__()
        blocks, cin = [], 3
        for i in range(layers):
            cout = base * 2**i
            blocks += [nn.Conv2d(cin, cout, 4, stride=2, padding=1, bias=i == 0),
                       *([nn.BatchNorm2d(cout)] if i else []), nn.LeakyReLU(0.2)]
            cin = cout
        self.body = nn.Sequential(*blocks, nn.Conv2d(cin, 1, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)


def discriminator_loss(critic: nn.Module, L, real_ab, fake_ab) -> torch.Tensor:
    """The critic's term: binary cross-entropy with real pairs labelled 1 and colorized ones 0,
    averaged over the patches. ``fake_ab`` is detached: this term trains the critic only."""
    real = critic(torch.cat([L, real_ab], dim=1))
    fake = critic(torch.cat([L, fake_ab.detach()], dim=1))
    return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
            + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake))) / 2


def generator_loss(critic: nn.Module, L, fake_ab) -> torch.Tensor:
    """The colorizer's term: binary cross-entropy of the critic's verdict on colorized pairs
    against "real" (the non-saturating form: strong gradients while the critic wins)."""
    fake = critic(torch.cat([L, fake_ab], dim=1))
    return F.binary_cross_entropy_with_logits(fake, torch.ones_like(fake))


class AdversarialL1:
    """``loss(pred_ab, ab, L) = l1 + weight * generator_loss``, the critic trained on the way.

    weight: 0.01 is pix2pix's balance (its L1 weighs 100 against 1). lr and betas: the critic's
    Adam (pix2pix's 2e-4 and (0.5, 0.999)). ``history`` holds, per training step, the critic's
    loss (``"critic"``), the generator term (``"adversarial"``) and the L1 term (``"l1"``) as
    floats. The critic runs in float32, outside any autocast. Validation calls (no gradients)
    neither train the critic nor record anything.
    """

    def __init__(self, critic: nn.Module, weight: float = 0.01, lr: float = 2e-4,
                 betas: tuple[float, float] = (0.5, 0.999)):
        self.critic, self.weight = critic, weight
        self.optimizer = torch.optim.Adam(critic.parameters(), lr=lr, betas=betas)
        self.history: dict[str, list[float]] = {"critic": [], "adversarial": [], "l1": []}
        self.__name__ = f"l1 + {weight:g} adversarial"

    def __call__(self, pred_ab: torch.Tensor, ab: torch.Tensor, L: torch.Tensor | None = None
                 ) -> torch.Tensor:
        if L is None:
            raise TypeError("the adversarial loss judges (L, ab) pairs, so it needs the true L: "
                            "train on batches (L, ab, L), or call it as loss(pred_ab, ab, L).")
        training = torch.is_grad_enabled()
        with float32_region(pred_ab.device):
            pred_ab, ab, L = pred_ab.float(), ab.float(), L.float()
            self.critic.train(training)
            if training:  # the critic learns first, on this batch
                critic_loss = discriminator_loss(self.critic, L, ab, pred_ab)
                self.optimizer.zero_grad(set_to_none=True)
                critic_loss.backward()
                self.optimizer.step()
            adversarial = generator_loss(self.critic, L, pred_ab)
            pixel = l1(pred_ab, ab)
        if training:
            for key, value in (("critic", critic_loss), ("adversarial", adversarial),
                               ("l1", pixel)):
                self.history[key].append(value.item())
        return pixel + self.weight * adversarial
