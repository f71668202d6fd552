"""Notebook 04 writes its training recipe out (`train_unet`) to teach it, and says that it is
`colorlab.recipes.train_colorizer`, the recipe notebook 05 and `python -m colorlab train` use.
This test keeps the two identical: it reads the notebook's own `train_unet` cell, executes only
the function definition, trains both on a tiny set on the CPU and compares the weights. If either
changes (the seed, the model, the batches, the loss, the loop), it fails.
"""

import ast
import types
from pathlib import Path

import nbformat
import pytest
import torch

from colorlab.colorizer import lab_tensors
from colorlab.data import Batches, sample
from colorlab.device import seed_everything
from colorlab.losses import make_loss
from colorlab.models import UNet
from colorlab.recipes import train_colorizer
from colorlab.train import fit

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "04_unet_colorizer.ipynb"


def notebook_code():
    return [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]


def constants(names):
    """The notebook's own top-level `NAME = <literal>` assignments (SEED, SSIM_WEIGHT, DEPTH)."""
    found = {}
    for source in notebook_code():
        for node in ast.parse(source).body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id in names):
                try:
                    found[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    pass  # e.g. EPOCHS = EPOCHS or run.pick(...): not a constant
    missing = set(names) - set(found)
    assert not missing, f"{NOTEBOOK.name}: no constant assignment for {sorted(missing)}"
    return found


def notebook_train_unet(namespace):
    """Execute only the `def train_unet(...)` of the notebook's cell in `namespace`."""
    for source in notebook_code():
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef) and node.name == "train_unet":
                exec(compile(ast.Module(body=[node], type_ignores=[]), str(NOTEBOOK), "exec"),
                     namespace)
                return namespace["train_unet"]
    pytest.fail(f"{NOTEBOOK.name}: no cell defines train_unet")


@pytest.mark.parametrize("loss", ["l1", "mse", "l1_ssim"])
def test_notebook_train_unet_is_train_colorizer(loss):
    const = constants({"SEED", "SSIM_WEIGHT", "DEPTH"})
    run = types.SimpleNamespace(device=torch.device("cpu"), mode="smoke",
                                train=types.SimpleNamespace(source="test_sync_04"))
    namespace = {**const, "run": run, "make_loss": make_loss, "lab_tensors": lab_tensors,
                 "seed_everything": seed_everything, "UNet": UNet, "Batches": Batches, "fit": fit}
    train_unet = notebook_train_unet(namespace)

    train = sample("train").take(64)
    tiny = dict(epochs=1, base=4, batch_size=32, lr=3e-3, loss=loss, device="cpu", progress=False)
    mine, mine_history = train_unet(train, **tiny)
    theirs, their_history = train_colorizer(train, seed=const["SEED"], depth=const["DEPTH"],
                                            ssim_weight=const["SSIM_WEIGHT"], **tiny)

    ours, lib = mine.state_dict(), theirs.state_dict()
    assert list(ours) == list(lib), "the two recipes build different models"
    for name in ours:
        assert torch.equal(ours[name], lib[name]), (
            f"notebook 04's train_unet and colorlab.recipes.train_colorizer ({loss}) trained "
            f"different weights ({name}): bring the notebook's recipe and the library's back "
            "in step")
    assert mine_history["train_loss"] == their_history["train_loss"]
