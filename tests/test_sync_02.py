"""Lecture 02 writes its own `psnr`; it must stay equal to `colorlab.metrics.psnr`, which the later
notebooks use. This reads the lecture's code cell, runs its definition and compares the two.
"""

import ast
from pathlib import Path

import nbformat
import torch

from colorlab import metrics

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "02_rgb_autoencoder.ipynb"


def lecture_function(name):
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    sources = [c.source for c in cells if c.cell_type == "code" and f"def {name}(" in c.source]
    assert len(sources) == 1, f"{NOTEBOOK.name}: expected one code cell defining {name}"
    tree = ast.parse(sources[0])  # the definition, not the demo that follows it in the cell
    tree.body = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    namespace = {"torch": torch}
    exec(compile(tree, f"{NOTEBOOK.name}:{name}", "exec"), namespace)
    return namespace[name]


def test_lecture_psnr_is_colorlab_psnr():
    psnr = lecture_function("psnr")
    gen = torch.Generator().manual_seed(0)
    target = torch.rand(5, 3, 8, 8, generator=gen)
    pred = (target + 0.1 * torch.randn(5, 3, 8, 8, generator=gen)).clamp(0, 1)
    pred[0] = target[0]  # identical images: both clamp the MSE
    ours, theirs = psnr(pred, target), metrics.psnr(pred, target)
    assert ours.shape == theirs.shape == (5,)
    torch.testing.assert_close(ours, theirs)
