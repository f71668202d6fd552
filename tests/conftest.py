"""Fixtures shared by several test files."""

import os

import pytest

# Quick mode sizes itself to the machine with a speed probe; tests (and the notebook kernels
# they start, which inherit the environment) pin the preset so they do not depend on the load.
os.environ.setdefault("COLORLAB_QUICK_PRESET", "standard")

# `make test` runs two pytest workers (pytest-xdist, `-n 2`) on a 2-core machine: each worker,
# and every kernel or process it starts, computes on one thread, so that the two never fight
# over the cores (torch's default, a thread per core, is many times slower on tiny tensors
# when another process holds the other core). Set before torch is imported.
if os.environ.get("PYTEST_XDIST_WORKER"):
    from colorlab.grading.gradebook import THREAD_VARIABLES  # imports no torch

    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")

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


@pytest.fixture(scope="session")
def grade_in_pool():
    """The function :func:`_grade_in_pool`, for tests that grade many notebooks."""
    return _grade_in_pool


def _grade_in_pool(paths, solutions, folder) -> list[dict]:
    """Grade ``paths`` as a class would be graded: copied into ``folder`` (one student folder
    per file) and graded by ``colorlab.grading.gradebook.grade_class`` with two
    worker processes, one thread each. Returns the results in the order of ``paths``. The
    kernels' start-up dominates a smoke-mode grading, so two at a time nearly halve the wait
    on a 2-core machine; what is graded is the same as ``grade.grade`` grades."""
    import shutil
    from pathlib import Path

    from colorlab.grading.gradebook import grade_class

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for i, path in enumerate(paths):  # a student's folder keeps the file's name
        names.append(f"s{i:03d}")
        (folder / names[-1]).mkdir()
        shutil.copyfile(path, folder / names[-1] / Path(path).name)
    results = {r["student"]: r for r in grade_class(folder, solutions, jobs=2, progress=False)}
    return [results[n] for n in names]
