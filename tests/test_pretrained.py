"""colorlab.pretrained: the shipped classifier loads, its card tells how it was made, and a wrong
or damaged file says so; the wheel's package data holds the weights."""

import re
from pathlib import Path

import pytest
import torch

from colorlab import pretrained
from colorlab.checkpoint import save_checkpoint
from colorlab.colorizer import Colorizer
from colorlab.models import UNet
from colorlab.perceptual import SmallClassifier

ROOT = Path(__file__).resolve().parents[1]
CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
           "truck"]


def test_the_shipped_classifier_loads_frozen_on_the_cpu():
    assert "cifar10-classifier" in pretrained.names()
    net = pretrained.load("cifar10-classifier")
    assert isinstance(net, SmallClassifier) and not net.training
    assert not any(p.requires_grad for p in net.parameters())
    assert net.classes == CLASSES
    logits = net(torch.rand(4, 3, 32, 32))
    assert logits.shape == (4, 10) and torch.isfinite(logits).all()
    path = pretrained.weights_path("cifar10-classifier")
    assert path.parent == pretrained.WEIGHTS and path.stat().st_size < 2 * 2**20


def test_the_card_names_the_command_data_device_and_accuracies():
    card = pretrained.card("cifar10-classifier")
    ckpt = torch.load(pretrained.weights_path("cifar10-classifier"), weights_only=True)
    assert ckpt["config"]["command"] in card and "benchmarks/train_classifier.py" in card
    assert "cifar10-jpg" in card and ckpt["device"] in card
    for name, value in ckpt["metrics"].items():  # the card's figures are the run's
        assert re.search(rf"\| {re.escape(name)} \| {100 * value:.1f}% \|", card), name
    assert ckpt["metrics"]["test, color"] > ckpt["metrics"]["test, gray (true L, a = b = 0)"]


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="'cifar10-classifier'"):
        pretrained.load("imagenet-resnet")


def test_a_damaged_file_says_so(tmp_path):
    path = tmp_path / "cut.pt"
    path.write_bytes(pretrained.weights_path("cifar10-classifier").read_bytes()[:5000])
    with pytest.raises(ValueError, match=r"load\('cifar10-classifier'\) cannot use .*truncated"):
        pretrained.load("cifar10-classifier", path)
    with pytest.raises(FileNotFoundError, match="reinstall it"):
        pretrained.load("cifar10-classifier", tmp_path / "nowhere.pt")


def test_another_models_file_says_so(tmp_path):
    unet = UNet(1, 2, base=4, depth=2)
    save_checkpoint(tmp_path / "unet.pt", unet, config={"model": unet.config})
    with pytest.raises(ValueError, match="holds a UNet, not a SmallClassifier"):
        pretrained.load("cifar10-classifier", tmp_path / "unet.pt")
    wide = SmallClassifier(width=8)  # the right class with other sizes: the weights do not fit
    save_checkpoint(tmp_path / "wide.pt", wide, config={"model": {
        "class": "SmallClassifier", "kwargs": {"width": 32, "num_classes": 10}}})
    with pytest.raises(ValueError, match="does not fit this SmallClassifier"):
        pretrained.load("cifar10-classifier", tmp_path / "wide.pt")


def test_pyproject_installs_the_weights_and_cards():
    """A non-editable `pip install .` copies package data only when pyproject.toml lists it."""
    text = (ROOT / "pyproject.toml").read_text()
    table = text.split("[tool.setuptools.package-data]", 1)[1].split("\n[", 1)[0]
    data = re.findall(r'"([^"]+)"', re.search(r"^colorlab = \[(.*?)\]", table, re.M | re.S)[1])
    for entry in pretrained.REGISTRY.values():
        for name in (entry.file, Path(entry.file).with_suffix(".md").name):
            assert (pretrained.WEIGHTS / name).is_file(), name
            assert any(Path("weights", name).match(pattern) for pattern in data), (name, data)


def test_the_shipped_colorizer_keeps_the_contract():
    """L / 100 (N, 1, H, W) in, ab / 110 (N, 2, H, W) out, at any multiple of 8, on the CPU."""
    assert "cifar10-l1-unet" in pretrained.names()
    net = pretrained.load("cifar10-l1-unet")
    assert isinstance(net, Colorizer) and isinstance(net.net, UNet)
    assert not net.training and net.train_size == 32
    with torch.no_grad():
        for size in (32, 64):
            ab = net(torch.rand(2, 1, size, size))
            assert ab.shape == (2, 2, size, size) and ab.abs().max() <= 1
    assert pretrained.weights_path("cifar10-l1-unet").stat().st_size < 4 * 2**20


def test_the_colorizers_card_is_its_run():
    card = pretrained.card("cifar10-l1-unet")
    ckpt = torch.load(pretrained.weights_path("cifar10-l1-unet"), weights_only=True)
    assert ckpt["config"]["command"] in card and "benchmarks/train_colorizer.py" in card
    assert ckpt["device"] in card and "cifar10-jpg" in card
    metrics = ckpt["metrics"]
    assert f"| PSNR gain over gray (dB): mean / median | {metrics['psnr_gain']:+.2f} / " in card
    assert f"| {metrics['images']:,} |" in card and f"{metrics['set_apart']} already gray" in card
    assert metrics["psnr_gain_median"] > 0 and metrics["ab_auc"] > metrics["gray_ab_auc"]


def test_committed_weights_stay_small():
    files = [p for p in pretrained.WEIGHTS.iterdir() if p.suffix == ".pt"]
    assert {p.name for p in files} == {pretrained.REGISTRY[n].file for n in pretrained.names()}
    assert sum(p.stat().st_size for p in files) <= 20 * 2**20


def _tiny_vivid(tmp_path, T=0.38, out_ch=None):
    """A bin classifier file as benchmarks/train_vivid.py writes it, with random weights."""
    from colorlab.bins import AbBins

    ab = torch.randn(8, 2, 8, 8) * 30            # Lab units: a spread of colors
    bins = AbBins.fit(ab, lam=0.5)
    net = UNet(1, out_ch or len(bins), base=4, depth=2, activation=None)
    path = tmp_path / "vivid.pt"
    save_checkpoint(path, net, config={"model": net.config, "size": 32,
                                       "bins": bins.state_dict(), "T": T})
    return path, net, bins


def test_a_vivid_file_loads_as_a_colorizer_with_its_decoder(tmp_path):
    from colorlab.colorizer import Decoded

    path, net, bins = _tiny_vivid(tmp_path, T=0.38)
    model = pretrained.load("cifar10-vivid-unet", path)
    assert isinstance(model, Colorizer) and isinstance(model.net, Decoded)
    assert model.train_size == 32 and model.net.T == 0.38 and not model.training
    L = torch.rand(2, 1, 16, 16)
    with torch.no_grad():
        ab = model(L)
        expected = bins.decode(net.eval()(L), 0.38) / 110     # what Decoded is: decode(net(L), T)
    assert ab.shape == (2, 2, 16, 16) and torch.allclose(ab, expected, atol=1e-6)
    rgb = model.photo(torch.randint(0, 256, (3, 20, 28), dtype=torch.uint8), work_size=16)
    assert rgb.shape == (20, 28, 3)


def test_a_vivid_file_with_the_wrong_bins_says_so(tmp_path):
    path, _, bins = _tiny_vivid(tmp_path, out_ch=3)
    with pytest.raises(ValueError, match=f"predicts 3 classes but its bins are {len(bins)}"):
        pretrained.load("cifar10-vivid-unet", path)
    unet = UNet(1, 2, base=4, depth=2)                        # the L1 colorizer's kind of file
    save_checkpoint(tmp_path / "l1.pt", unet, config={"model": unet.config})
    with pytest.raises(ValueError, match="not the file of a bin classifier"):
        pretrained.load("cifar10-vivid-unet", tmp_path / "l1.pt")


def test_the_shipped_vivid_colorizer_keeps_the_contract():
    """The bin classifier with its decoder inside: L / 100 in, ab / 110 out, like the L1 model."""
    from colorlab.colorizer import Decoded

    model = pretrained.load("cifar10-vivid-unet")
    assert isinstance(model, Colorizer) and isinstance(model.net, Decoded)
    assert not model.training and model.train_size == 32
    assert model.net.net.config["kwargs"]["out_ch"] == len(model.net.bins)
    with torch.no_grad():
        for size in (32, 64):
            ab = model(torch.rand(2, 1, size, size))
            assert ab.shape == (2, 2, size, size) and ab.abs().max() <= 1.01
    assert pretrained.weights_path("cifar10-vivid-unet").stat().st_size < 4 * 2**20


def test_the_vivid_card_is_its_run():
    card = pretrained.card("cifar10-vivid-unet")
    ckpt = torch.load(pretrained.weights_path("cifar10-vivid-unet"), weights_only=True)
    config = ckpt["config"]
    assert config["command"] in card and "benchmarks/train_vivid.py" in card
    assert ckpt["device"] in card and "cifar10-jpg" in card
    assert f"| {config['T']:g} (chosen) |" in card          # the temperature chosen on validation
    metrics = ckpt["metrics"]
    assert f"| PSNR gain over gray (dB): mean / median | {metrics['psnr_gain']:+.2f} / " in card
    assert f"| {metrics['images']:,} |" in card and f"{metrics['set_apart']} already gray" in card
    assert metrics["ab_auc_rebalanced"] > metrics["gray_ab_auc_rebalanced"]


def test_training_facts_read_the_recipe(tmp_path):
    """training_facts reads a checkpoint's recipe (no model built, no network): a classifier's
    and a regressor's file, written here."""
    path, net, bins = _tiny_vivid(tmp_path)
    data = "train: 900 of folder data/x/train: 1,000 images 32x32, 10 classes"
    args = {"val": 100, "seed": 3, "batch": 64}
    save_checkpoint(path, net, config={"model": net.config, "bins": bins.state_dict(), "T": 1.0,
                                       "lambda": 0.5, "epochs": 2, "data": data,
                                       "recipe_args": args})
    facts = pretrained.training_facts("cifar10-vivid-unet", path)
    assert facts == {"images": 900, "held_out": 100, "seed": 3, "epochs": 2, "batch": 64,
                     "steps": 2 * 15, "base": 4, "depth": 2,
                     "loss": "soft cross-entropy, lambda 0.5", "Q": len(bins), "data": data}
    unet = UNet(1, 2, base=4, depth=2)
    l1 = tmp_path / "l1.pt"
    save_checkpoint(l1, unet, config={"model": unet.config, "loss": "l1", "batch_size": 128,
                                      "epochs": 3, "data": data,
                                      "recipe_args": {"val": 100, "seed": 0}})
    facts = pretrained.training_facts("cifar10-l1-unet", l1)
    assert (facts["loss"], facts["Q"], facts["batch"], facts["steps"]) == ("L1", None, 128, 3 * 8)
    save_checkpoint(l1, unet, config={"model": unet.config, "loss": "l1", "batch_size": 128,
                                      "epochs": 3, "data": "all of them",
                                      "recipe_args": {"val": 100, "seed": 0}})
    with pytest.raises(ValueError, match="no training image count"):
        pretrained.training_facts("cifar10-l1-unet", l1)
    save_checkpoint(l1, unet, config={"model": unet.config})   # a checkpoint of fit, no recipe
    with pytest.raises(ValueError, match="stores no training recipe"):
        pretrained.training_facts("cifar10-l1-unet", l1)
    with pytest.raises(FileNotFoundError, match="No checkpoint at"):
        pretrained.training_facts("cifar10-l1-unet", tmp_path / "missing.pt")
