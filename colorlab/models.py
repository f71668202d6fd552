"""The course's three models, small enough to read in one sitting.

- :class:`MeanRegressor` (notebook 01): image -> its mean intensity, a plumbing test.
- :class:`RGBAutoencoder` (notebook 02): image -> bottleneck -> image.
- :class:`UNet` (notebooks 04, 05): L -> ab (regression) or L -> ab-bin logits (classification).
- :class:`ClassUNet`, :class:`AttentionUNet` (notebook 07): the UNet told the image's class at
  its bottleneck, or given one :class:`SelfAttention` block there.

Every model remembers the arguments it was built with (``model.config``), so a checkpoint
can rebuild it: ``from_config(ckpt["config"]["model"])``.
"""

from __future__ import annotations

import torch
from torch import nn


class _Configured(nn.Module):
    """Stores constructor arguments in ``self.config`` = {"class": name, "kwargs": {...}}."""

    def _remember(self, **kwargs):
        self.config = {"class": type(self).__name__, "kwargs": kwargs}


def from_config(config: dict) -> nn.Module:
    """Rebuild a model from ``model.config``, e.g. ``{"class": "UNet", "kwargs": {"base": 64}}``."""
    classes = {c.__name__: c for c in (MeanRegressor, RGBAutoencoder, UNet, ClassUNet,
                                       AttentionUNet)}
    name = config.get("class")
    if name not in classes:
        raise ValueError(
            f"Cannot rebuild a model of class {name!r}: colorlab.models knows "
            f"{', '.join(classes)}. Was this checkpoint written by colorlab?"
        )
    model = classes[name](**config.get("kwargs", {}))
    if config.get("middle_widths"):  # a UNet pruned by colorlab.deploy.prune_channels
        narrow_blocks(model, config["middle_widths"])
    return model


def narrow_blocks(unet: nn.Module, widths: list[int]) -> None:
    """Rebuild, in place, each conv_block of ``unet`` (encoders, bottleneck, decoders, in that
    order) with the middle width in ``widths``: the shapes a pruned UNet was saved with."""
    blocks = [*unet.encoders, unet.bottleneck, *unet.decoders]
    if len(widths) != len(blocks):
        raise ValueError(f"{len(widths)} middle widths for a UNet with {len(blocks)} conv_blocks: "
                         "this configuration belongs to a UNet of another depth.")
    new = [conv_block(b[0].in_channels, b[3].out_channels, w) for b, w in zip(blocks, widths)]
    depth = len(unet.encoders)
    unet.encoders = nn.ModuleList(new[:depth])
    unet.bottleneck = new[depth]
    unet.decoders = nn.ModuleList(new[depth + 1 :])


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ---------------------------------------------------------------------------------------------
# 01: the regression toy
# ---------------------------------------------------------------------------------------------
class MeanRegressor(_Configured):
    """A tiny CNN that predicts an image's mean intensity.

    x: (N, 3, H, W) float in [0, 1]  ->  (N,) float, the predicted mean over channels and pixels.
    Three conv layers, global average pooling, one linear layer (about 24 k parameters).
    """

    def __init__(self, width: int = 16):
        super().__init__()
        self._remember(width=width)
        w = width
        self.features = nn.Sequential(
            nn.Conv2d(3, w, 3, padding=1), nn.ReLU(),
            nn.Conv2d(w, 2 * w, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(2 * w, 4 * w, 3, stride=2, padding=1), nn.ReLU(),
        )
        self.head = nn.Linear(4 * w, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.features(x).mean(dim=(2, 3))  # (N, 4w): global average pooling
        return self.head(h).squeeze(1)  # (N,)


# ---------------------------------------------------------------------------------------------
# 02: the autoencoder
# ---------------------------------------------------------------------------------------------
def down(cin: int, cout: int) -> nn.Sequential:
    """Halve H and W: 3x3 stride-2 conv, BatchNorm, ReLU. (N, cin, H, W) -> (N, cout, H/2, W/2)."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)
    )


def up(cin: int, cout: int) -> nn.Sequential:
    """Double H and W: 2x2 transposed conv with stride 2, BatchNorm, ReLU."""
    return nn.Sequential(
        nn.ConvTranspose2d(cin, cout, 2, stride=2), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)
    )


class RGBAutoencoder(_Configured):
    """Convolutional autoencoder: (N, in_ch, H, W) in [0, 1] -> (N, out_ch, H, W) in [0, 1].

    The encoder halves the resolution three times (32 -> 4 for CIFAR) and squeezes the features
    to ``bottleneck`` channels, so the code holds ``bottleneck * (H/8) * (W/8)`` numbers; the
    decoder mirrors it. ``in_ch=1, out_ch=3`` makes it a (naive) grayscale -> RGB colorizer.
    H and W must be multiples of 8.
    """

    def __init__(self, bottleneck: int = 16, width: int = 32, in_ch: int = 3, out_ch: int = 3):
        super().__init__()
        self._remember(bottleneck=bottleneck, width=width, in_ch=in_ch, out_ch=out_ch)
        w = width
        self.encoder = nn.Sequential(
            down(in_ch, w), down(w, 2 * w), down(2 * w, 4 * w), nn.Conv2d(4 * w, bottleneck, 1)
        )
        self.decoder = nn.Sequential(
            nn.Conv2d(bottleneck, 4 * w, 1), nn.ReLU(inplace=True),
            up(4 * w, 2 * w), up(2 * w, w), up(w, w),
            nn.Conv2d(w, out_ch, 3, padding=1), nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


# ---------------------------------------------------------------------------------------------
# 04, 05: the UNet
# ---------------------------------------------------------------------------------------------
def conv_block(cin: int, cout: int, mid: int | None = None) -> nn.Sequential:
    """Two 3x3 convolutions, each followed by BatchNorm and ReLU; H and W unchanged.
    (N, cin, H, W) -> (N, mid, H, W) -> (N, cout, H, W); ``mid`` is ``cout`` unless a pruned
    model (:func:`colorlab.deploy.prune_channels`) kept fewer middle channels."""
    mid = mid or cout
    return nn.Sequential(
        nn.Conv2d(cin, mid, 3, padding=1, bias=False), nn.BatchNorm2d(mid), nn.ReLU(True),
        nn.Conv2d(mid, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True),
    )


class UNet(_Configured):
    """The classic UNet (Ronneberger et al. 2015), sized for colorization.

    x: (N, in_ch, H, W), e.g. L/100 in [0, 1]  ->  (N, out_ch, H, W).
    With ``out_ch=2`` the head ends in Tanh: normalized ab in [-1, 1]. With ``out_ch=Q`` bins
    (notebook 05) the head returns raw logits. H and W must be multiples of ``2**depth``.

    Encoder: ``depth`` conv_blocks (base, 2 base, 4 base, ...) each followed by 2x2 max-pooling;
    a bottleneck conv_block at ``base * 2**depth`` channels; decoder: per level a 2x2 transposed
    conv (stride 2) that halves the channels, concatenation with the encoder features of the same
    resolution (the skip connection), and a conv_block. ``UNet(1, 2, base=64, depth=3)`` has
    about 7.7 M parameters, most of them in the bottleneck and the deepest decoder block.
    """

    def __init__(self, in_ch: int = 1, out_ch: int = 2, base: int = 64, depth: int = 3,
                 activation: str | None = "auto"):
        super().__init__()
        self._remember(in_ch=in_ch, out_ch=out_ch, base=base, depth=depth, activation=activation)
        if activation == "auto":
            activation = "tanh" if out_ch == 2 else None
        widths = [base * 2**i for i in range(depth + 1)]  # e.g. 64, 128, 256, 512
        self.encoders = nn.ModuleList()
        cin = in_ch
        for w in widths[:-1]:
            self.encoders.append(conv_block(cin, w))
            cin = w
        self.pool = nn.MaxPool2d(2)
        self.bottleneck = conv_block(widths[-2], widths[-1])
        self.ups = nn.ModuleList()
        self.decoders = nn.ModuleList()
        for w in reversed(widths[:-1]):  # 256, 128, 64
            self.ups.append(nn.ConvTranspose2d(2 * w, w, kernel_size=2, stride=2))
            self.decoders.append(conv_block(2 * w, w))  # 2w: upsampled + skip, concatenated
        self.head = nn.Conv2d(base, out_ch, kernel_size=1)
        self.activation = nn.Tanh() if activation == "tanh" else nn.Identity()
        self.multiple = 2**depth

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with(x, self.bottleneck)

    def forward_with(self, x: torch.Tensor, middle) -> torch.Tensor:
        """The forward pass with ``middle`` in place of the bottleneck: encoder, ``middle`` (a
        function of the bottleneck's input, e.g. ``lambda h: my_block(self.bottleneck(h))``),
        decoder, head. :class:`ClassUNet` and :class:`AttentionUNet` plug theirs in this way,
        and exercise 07 plugs in the learner's."""
        if x.shape[-1] % self.multiple or x.shape[-2] % self.multiple:
            raise ValueError(
                f"UNet(depth={len(self.encoders)}) needs H and W divisible by {self.multiple}, "
                f"got {tuple(x.shape[-2:])}. Pad or resize the input (colorlab.infer does this)."
            )
        skips = []
        for encode in self.encoders:
            x = encode(x)
            skips.append(x)  # kept for the decoder, at full detail
            x = self.pool(x)
        x = middle(x)
        for up_conv, decode, skip in zip(self.ups, self.decoders, reversed(skips)):
            x = up_conv(x)
            x = decode(torch.cat([x, skip], dim=1))
        return self.activation(self.head(x))


# ---------------------------------------------------------------------------------------------
# 07: going further: the class as a hint, and self-attention
# ---------------------------------------------------------------------------------------------
def with_labels(L: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Pack L/100 (N, 1, H, W) and class labels (N,) int into one input (N, 2, H, W): channel 1
    holds the label as a constant plane. :func:`colorlab.train.fit` hands a model one tensor
    ``x``; this way a :class:`ClassUNet` gets its label through ``fit`` and
    :class:`colorlab.data.Batches` (shuffled and flipped together with L) unchanged."""
    plane = labels.to(L.device, L.dtype).view(-1, 1, 1, 1).expand(-1, 1, *L.shape[-2:])
    return torch.cat([L, plane], dim=1)


class ClassUNet(UNet):
    """A :class:`UNet` that is told the image's class (CIFAR-10: 10 classes).

    ``model(L, labels)`` with L: (N, 1, H, W) in [0, 1] and labels: (N,) int in
    [0, num_classes), or ``model(with_labels(L, labels))``  ->  normalized ab (N, 2, H, W).
    A learned embedding of the label, one vector of the bottleneck's width, is added to the
    bottleneck's features at every position (as Iizuka et al. 2016 add global features): the
    decoder then knows "this is a frog" everywhere. Costs ``num_classes * base * 2**depth``
    parameters.
    """

    def __init__(self, num_classes: int = 10, base: int = 64, depth: int = 3):
        super().__init__(in_ch=1, out_ch=2, base=base, depth=depth)
        self._remember(num_classes=num_classes, base=base, depth=depth)
        self.embed = nn.Embedding(num_classes, base * 2**depth)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        if labels is None:  # one packed tensor from with_labels: (N, 2, H, W)
            if x.shape[1] != 2:
                raise ValueError(
                    f"ClassUNet needs the class labels: call model(L, labels), or pass "
                    f"with_labels(L, labels) of shape (N, 2, H, W); got {tuple(x.shape)}.")
            x, labels = x[:, :1], x[:, 1, 0, 0].round().long()
        if labels.min() < 0 or labels.max() >= self.embed.num_embeddings:
            raise ValueError(f"labels must lie in [0, {self.embed.num_embeddings}), got "
                             f"{labels.min().item()} to {labels.max().item()}.")
        hint = self.embed(labels.to(x.device))[:, :, None, None]  # (N, C, 1, 1)
        return self.forward_with(x, lambda h: self.bottleneck(h) + hint)


class SelfAttention(nn.Module):
    """Self-attention over the positions of a feature map (SAGAN, Zhang et al. 2019).

    x: (N, C, H, W) -> (N, C, H, W). Every position asks (query) every other position (keys)
    how relevant it is, softmax over the H*W positions, and takes their weighted values:
    ``x + gamma * attention(x)``. ``gamma`` starts at 0, so the block starts as the identity and
    training decides how much long-range context to mix in. Queries and keys have C/8 channels.
    """

    def __init__(self, channels: int):
        super().__init__()
        self.query = nn.Conv2d(channels, max(1, channels // 8), 1)
        self.key = nn.Conv2d(channels, max(1, channels // 8), 1)
        self.value = nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.zeros(1))

    def weights(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, C, H, W) -> attention weights (N, HW, HW), each in [0, 1]: row i holds how much
        position i takes from each of the H*W positions (row-major), and every row sums to 1."""
        q = self.query(x).flatten(2).transpose(1, 2)          # (N, HW, C/8)
        k = self.key(x).flatten(2)                            # (N, C/8, HW)
        return torch.softmax(q @ k / k.shape[1] ** 0.5, dim=-1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        weights = self.weights(x)                             # (N, HW, HW), rows sum to 1
        v = self.value(x).flatten(2)                          # (N, C, HW)
        out = (v @ weights.transpose(1, 2)).view(n, c, h, w)  # each position: a mix of all
        return x + self.gamma * out


class AttentionUNet(UNet):
    """A :class:`UNet` with one :class:`SelfAttention` block after its bottleneck, where every
    position can look at every other (4 x 4 = 16 positions for CIFAR-10 at depth 3).
    L (N, 1, H, W) in [0, 1] -> normalized ab (N, 2, H, W)."""

    def __init__(self, base: int = 64, depth: int = 3):
        super().__init__(in_ch=1, out_ch=2, base=base, depth=depth)
        self._remember(base=base, depth=depth)
        self.attention = SelfAttention(base * 2**depth)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_with(x, lambda h: self.attention(self.bottleneck(h)))
