"""Models that ship with the kit, trained once, each with a model card beside its weights.

    names()             the names :func:`load` knows
    load(name)          the model, rebuilt from its file: on the CPU, in eval mode, frozen
    card(name)          its model card (markdown): how it was trained, on what, how well it does
    weights_path(name)  where its file is
    training_facts(name)  how it was trained (images, held out, seed, epochs, steps, ...)

The files live in ``colorlab/weights/`` (package data: ``pip install .`` installs them). Each
model is one entry of :data:`REGISTRY`: its file and the function that rebuilds it from the file.

Shipped today: ``cifar10-l1-unet``, the course's L1 UNet trained on all of CIFAR-10's training
images (``benchmarks/train_colorizer.py``; ``python -m colorlab colorize`` uses it when no
checkpoint is given); ``cifar10-vivid-unet``, notebook 05's bin classifier trained the same way
(``benchmarks/train_vivid.py``), its decoder inside; ``cifar10-classifier``, a
:class:`colorlab.perceptual.SmallClassifier` trained on color CIFAR-10
(``benchmarks/train_classifier.py``), for the semantic interpretability test of
:func:`colorlab.metrics.evaluate`. Each card gives its recipe.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from torch import nn

WEIGHTS = Path(__file__).parent / "weights"


@dataclass(frozen=True)
class Entry:
    file: str  # in WEIGHTS; the model card is the same name with .md
    build: Callable[[Path], nn.Module]  # path -> the model (CPU, eval mode)
    about: str  # one line


def _classifier(path: Path) -> nn.Module:
    """A SmallClassifier from a checkpoint with ``config = {"model": ..., "classes": [...]}``;
    ``net.classes`` holds the class names."""
    from .checkpoint import load_checkpoint
    from .perceptual import SmallClassifier, frozen

    ckpt = load_checkpoint(path)
    config = ckpt.get("config") if isinstance(ckpt.get("config"), dict) else {}
    model = config.get("model") if isinstance(config.get("model"), dict) else {}
    if model.get("class") != "SmallClassifier":
        raise ValueError(f"{path} holds a {model.get('class', 'model with no configuration')}, "
                         "not a SmallClassifier: this is not the classifier's file.")
    net = SmallClassifier(**model.get("kwargs", {}))
    load_checkpoint(path, net)
    net.classes = list(config.get("classes", []))
    return frozen(net)


def _vivid(path: Path) -> nn.Module:
    """A :class:`~colorlab.colorizer.Colorizer` around a bin classifier and its decoder
    (:class:`~colorlab.colorizer.Decoded`), from a checkpoint whose config holds the model
    (``UNet(1, Q)``), the bins (``AbBins.state_dict()``) and the chosen temperature ``T``."""
    from .bins import AbBins
    from .checkpoint import load_checkpoint
    from .colorizer import Colorizer, Decoded
    from .models import from_config

    ckpt = load_checkpoint(path)
    config = ckpt.get("config") if isinstance(ckpt.get("config"), dict) else {}
    model = config.get("model") if isinstance(config.get("model"), dict) else {}
    if not ({"bins", "T"} <= set(config) and model.get("class") == "UNet"):
        raise ValueError(f"{path} has no bins, temperature or UNet configuration: it is not the "
                         "file of a bin classifier written by benchmarks/train_vivid.py.")
    bins = AbBins.from_state(config["bins"])
    if model.get("kwargs", {}).get("out_ch") != len(bins):
        raise ValueError(f"{path}: the model predicts {model.get('kwargs', {}).get('out_ch')} "
                         f"classes but its bins are {len(bins)}.")
    net = from_config(model)
    load_checkpoint(path, net)
    return Colorizer(Decoded(net, bins, config["T"]), train_size=config.get("size")).eval()


def _colorizer(path: Path) -> nn.Module:
    """A :class:`~colorlab.colorizer.Colorizer` from a checkpoint written by colorlab.train.fit."""
    from .infer import load_colorizer

    return load_colorizer(path)


REGISTRY: dict[str, Entry] = {
    "cifar10-l1-unet": Entry("cifar10-l1-unet.pt", _colorizer,
                             "UNet(1, 2, base 16, depth 3) trained with L1 on CIFAR-10 (32 px): "
                             "L / 100 (N, 1, H, W) -> ab / 110 (N, 2, H, W)"),
    "cifar10-vivid-unet": Entry("cifar10-vivid-unet.pt", _vivid,
                                "UNet(1, Q bins, base 16, depth 3) trained with the rebalanced "
                                "soft cross-entropy of notebook 05 on CIFAR-10 (32 px), decoded by "
                                "its annealed mean at the temperature chosen on validation: "
                                "L / 100 (N, 1, H, W) -> ab / 110 (N, 2, H, W)"),
    "cifar10-classifier": Entry("cifar10-classifier.pt", _classifier,
                                "SmallClassifier for CIFAR-10's 10 classes, trained on color "
                                "images: rgb (N, 3, 32, 32) in [0, 1] -> logits (N, 10)"),
}


def names() -> list[str]:
    """The names :func:`load` knows, sorted."""
    return sorted(REGISTRY)


def _entry(name: str) -> Entry:
    if name not in REGISTRY:
        raise ValueError(f"No pretrained model called {name!r}: colorlab.pretrained has "
                         f"{', '.join(map(repr, names()))}.")
    return REGISTRY[name]


def weights_path(name: str) -> Path:
    """The file of ``name`` in ``colorlab/weights/``."""
    return WEIGHTS / _entry(name).file


def card(name: str) -> str:
    """The model card of ``name`` (markdown): recipe, data, device, time, accuracy."""
    return weights_path(name).with_suffix(".md").read_text(encoding="utf-8")


def load(name: str, path=None) -> nn.Module:
    """The model ``name``, rebuilt from its shipped file (or from ``path``, a file of the same
    kind: a copy you trained yourself), on the CPU, in eval mode. Raises ValueError for an
    unknown name or a file that is not this model's (truncated, another architecture), and
    FileNotFoundError for a missing file, each saying what to do."""
    entry = _entry(name)
    path = Path(path) if path is not None else WEIGHTS / entry.file
    if not path.is_file():
        raise FileNotFoundError(f"The weights of {name!r} are missing: there is no {path}. They "
                                "ship with colorlab: reinstall it (pip install .), or re-create "
                                "them with the command in the model card.")
    try:
        return entry.build(path)
    except (ValueError, RuntimeError) as err:
        raise ValueError(f"colorlab.pretrained.load({name!r}) cannot use {path}: "
                         f"{str(err).strip()} Reinstall colorlab for the shipped file, or "
                         "re-create it with the command in the model card.") from None


def training_facts(name: str, path=None) -> dict:
    """How the shipped model ``name`` (or the file ``path`` of the same kind) was trained, read
    from the recipe its checkpoint stores (``config``), without building the model. Returns a dict:

        images    int, the training images (e.g. 45,000)
        held_out  int, the validation images its recipe held out of the training set (e.g. 5,000)
        seed      int, the seed of that split
        epochs, batch, steps  ints; steps = epochs * ceil(images / batch), the optimizer steps
        base, depth           ints, the UNet's width and depth
        loss      str, "L1" or "soft cross-entropy, lambda 0.5"
        Q         int, the bins of a classifier, or None for a regressor
        data      str, the recipe's data line ("train: 45,000 of folder ...: 50,000 images")
    """
    from .checkpoint import load_checkpoint

    path = Path(path) if path is not None else weights_path(name)
    config = load_checkpoint(path).get("config")   # clear errors for a missing or broken file
    if not isinstance(config, dict) or "recipe_args" not in config:
        raise ValueError(f"{path} stores no training recipe (config['recipe_args']): it is not "
                         "one of the shipped models' files.")
    args = config["recipe_args"]
    found = re.search(r"train: ([\d,]+)", config["data"])
    if found is None:
        raise ValueError(f"{path}: its recipe's data line {config['data']!r} gives no training "
                         "image count ('train: N of ...').")
    images = int(found[1].replace(",", ""))
    batch = args.get("batch", config.get("batch_size"))
    kwargs = config["model"]["kwargs"]
    classifier = "bins" in config
    loss = (f"soft cross-entropy, lambda {config['lambda']:g}" if classifier
            else str(config.get("loss", args.get("loss"))).upper())
    return {"images": images, "held_out": args["val"], "seed": args["seed"],
            "epochs": config["epochs"], "batch": batch,
            "steps": config["epochs"] * math.ceil(images / batch),
            "base": kwargs["base"], "depth": kwargs["depth"], "loss": loss,
            "Q": kwargs["out_ch"] if classifier else None, "data": config["data"]}
