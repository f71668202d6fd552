"""Feature networks for a perceptual loss (notebook 07): compare two images by what a trained
network sees in them, not pixel by pixel (Johnson et al. 2016).

    SmallClassifier   a CIFAR-10 classifier small enough to train on a CPU in about a minute;
                      its first blocks are the features of the offline perceptual loss
    VGG16Features     VGG16's convolution stack (Simonyan & Zisserman 2015) in plain torch, with
                      torchvision's parameter names, so its pretrained state dict loads as it is
    load_vgg16(path)  VGG16Features with torchvision's ImageNet weights when the file is there
                      (the torch hub cache, or ``path``), else ``None``: nothing is downloaded

Every feature network is called ``net.features_of(rgb)`` with rgb: (N, 3, H, W) float in [0, 1]
and returns a list of feature maps (N, C_i, H_i, W_i), shallow to deep. The loss that uses them
is :func:`colorlab.losses.l1_ssim_perceptual`.
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

VGG16_FILE = "vgg16-397923af.pth"  # torchvision's ImageNet weights for vgg16
# VGG16's configuration "D": channels of each 3x3 conv + ReLU, "M" a 2x2 max-pooling
VGG16_LAYERS = [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
                512, 512, 512, "M"]
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def frozen(net: nn.Module) -> nn.Module:
    """``net`` in eval mode with every parameter's ``requires_grad`` off: a fixed measuring
    instrument for a loss (gradients still flow through it to its input). Returns ``net``."""
    for p in net.parameters():
        p.requires_grad_(False)
    return net.eval()


class SmallClassifier(nn.Module):
    """A small CIFAR-10 classifier: rgb (N, 3, 32, 32) in [0, 1] -> logits (N, num_classes).

    Three blocks (3x3 conv, BatchNorm, ReLU, 2x2 max-pooling) at ``width``, 2 ``width`` and
    4 ``width`` channels, global average pooling, a linear layer. ``features_of`` returns the
    outputs of the first two blocks (before pooling): edges and textures, then parts.
    """

    def __init__(self, width: int = 32, num_classes: int = 10):
        super().__init__()
        self.config = {"class": "SmallClassifier",
                       "kwargs": {"width": width, "num_classes": num_classes}}

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                                 nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

        self.blocks = nn.ModuleList([block(3, width), block(width, 2 * width),
                                     block(2 * width, 4 * width)])
        self.pool = nn.MaxPool2d(2)
        self.head = nn.Linear(4 * width, num_classes)

    def features_of(self, rgb: torch.Tensor, n: int = 2) -> list[torch.Tensor]:
        """The first ``n`` blocks' outputs: [(N, width, H, W), (N, 2 width, H/2, W/2)]."""
        x, out = rgb - 0.5, []
        for block in self.blocks[:n]:
            x = block(x)
            out.append(x)
            x = self.pool(x)
        return out

    def forward(self, rgb: torch.Tensor) -> torch.Tensor:
        x = rgb - 0.5
        for block in self.blocks:
            x = self.pool(block(x))
        return self.head(x.mean(dim=(2, 3)))


class VGG16Features(nn.Module):
    """VGG16's 13 convolutions (``self.features``, numbered as in torchvision, so
    ``features.0.weight`` ... ``features.28.bias`` load from its state dict).

    ``features_of(rgb)``: rgb (N, 3, H, W) in [0, 1], normalized with ImageNet's mean and std,
    -> the activations after relu1_2, relu2_2 and relu3_3 (Johnson et al. use relu2_2 for
    content): (N, 64, H, W), (N, 128, H/2, W/2), (N, 256, H/4, W/4). The deeper layers exist only
    so that the state dict fits; they are never run.
    """

    TAPS = (3, 8, 15)  # indices in self.features of relu1_2, relu2_2, relu3_3

    def __init__(self):
        super().__init__()
        layers, cin = [], 3
        for v in VGG16_LAYERS:
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU(inplace=True)]
                cin = v
        self.features = nn.Sequential(*layers)
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1))

    def features_of(self, rgb: torch.Tensor) -> list[torch.Tensor]:
        x, out = (rgb - self.mean) / self.std, []
        for i, layer in enumerate(self.features[: self.TAPS[-1] + 1]):
            x = layer(x)
            if i in self.TAPS:
                out.append(x)
        return out


def vgg16_path(path=None) -> Path:
    """Where the VGG16 weights are looked for: ``path``, else ``$COLORLAB_VGG16``, else the
    torch hub cache (``torch.hub.get_dir()/checkpoints/vgg16-397923af.pth``), where
    torchvision's ``vgg16(weights="IMAGENET1K_V1")`` puts them."""
    if path is None:
        hub = Path(torch.hub.get_dir()) / "checkpoints" / VGG16_FILE
        path = os.environ.get("COLORLAB_VGG16") or hub
    return Path(path)


def load_vgg16(path=None) -> VGG16Features | None:
    """VGG16Features with torchvision's ImageNet weights, frozen, or ``None`` if the file
    (:func:`vgg16_path`) is not there: nothing is downloaded. A file that is there but is not
    VGG16's state dict raises a ValueError naming what is wrong."""
    path = vgg16_path(path)
    if not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as err:
        raise ValueError(f"{path} is not a readable PyTorch file ({type(err).__name__}); it may be "
                         "truncated: delete it and fetch vgg16-397923af.pth again.") from None
    net = VGG16Features()
    wanted = {k for k in net.state_dict() if k.startswith("features.")}
    missing = sorted(wanted - set(state))
    if missing:
        raise ValueError(f"{path} lacks VGG16's convolution weights ({', '.join(missing[:3])}"
                         f"{' ...' if len(missing) > 3 else ''}): is it torchvision's "
                         f"{VGG16_FILE}?")
    try:
        net.load_state_dict({k: state[k] for k in wanted}, strict=False)
    except RuntimeError as err:
        raise ValueError(f"{path} does not fit VGG16's layers: {str(err).splitlines()[-1].strip()}"
                         f" Is it torchvision's {VGG16_FILE}?") from None
    return frozen(net)
