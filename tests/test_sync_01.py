"""Notebook 01 writes the training loop itself (`train_one_epoch`) and then says "this is
`colorlab.train.fit`". This test keeps that sentence true: it runs the notebook's own function and
`fit` from the same weights on the same batches and compares the weights they end with."""

import ast
from pathlib import Path

import nbformat
import torch
from torch import nn

from colorlab.data import Batches
from colorlab.device import autocast
from colorlab.models import MeanRegressor
from colorlab.train import fit, make_optimizer, one_cycle

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_regression_toy.ipynb"


def notebook_function(name):
    """The notebook's function ``name``, defined alone in a namespace with what it uses."""
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                namespace = {"nn": nn, "torch": torch, "autocast": autocast}
                exec(compile(ast.Module([node], type_ignores=[]), NOTEBOOK.name, "exec"),
                     namespace)
                return namespace[name]
    raise AssertionError(f"{NOTEBOOK.name} no longer defines {name}(): update this test")


def test_the_loop_the_notebook_writes_is_fit():
    train_one_epoch = notebook_function("train_one_epoch")
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(96, 3, 16, 16, generator=gen)
    y = x.mean(dim=(1, 2, 3))
    lr = 3e-3
    torch.manual_seed(0)
    ours, theirs = MeanRegressor(width=8), MeanRegressor(width=8)
    theirs.load_state_dict(ours.state_dict())

    batches = Batches(x, y, batch_size=32, shuffle=False, flip=False)
    shape = one_cycle(len(batches))
    step, loss = train_one_epoch(ours, batches, make_optimizer(ours, lr, weight_decay=0.05),
                                 lambda s: lr * shape(s), 0, None)
    fit(theirs, batches, loss_fn=nn.functional.mse_loss, epochs=1, lr=lr, weight_decay=0.05,
        amp=False, channels_last=False, progress=False)

    assert step == len(batches) and loss > 0
    for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert torch.allclose(a, b, rtol=1e-5, atol=1e-7), (
            f"{name}: the notebook's loop and fit end with different weights")
