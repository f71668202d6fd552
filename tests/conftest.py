"""Fixtures shared by several test files."""

import os

import pytest

# Quick mode sizes itself to the machine with a speed probe; tests (and the notebook kernels
# they start, which inherit the environment) pin the preset so they do not depend on the load.
os.environ.setdefault("COLORLAB_QUICK_PRESET", "standard")

from colorlab.data import sample
from colorlab.recipes import train_colorizer


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory):
    """A tiny colorizer (base 4, depth 2) trained for one epoch on 16 x 16 sample patches:
    the best.pt that test_infer and test_deploy load, trained once per test session."""
    folder = tmp_path_factory.mktemp("ckpt")
    train_colorizer(sample("train", 16).take(96), epochs=1, base=4, depth=2, batch_size=32,
                    device="cpu", checkpoint_dir=folder, progress=False)
    return folder / "best.pt"
