"""The lectures run as tests: nbval executes every notebook in notebooks/ in smoke mode (see the
Makefile), and the grader runs every solution in solutions/ (tests/test_assign.py, full marks).
Running them a second time under papermill would only double the time `make test` takes, so
papermill is tested here once, on the smallest lecture: its `parameters` cell must take the
values papermill injects, as `make course` and the README's commands rely on.
"""

import re
from pathlib import Path

import nbformat
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_papermill_injects_parameters(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("COLORLAB_MODE", raising=False)
    path = ROOT / "notebooks" / "01_regression_toy.ipynb"
    out = tmp_path / path.name
    try:
        pm.execute_notebook(path, out, parameters={"MODE": "smoke", "EPOCHS": 1},
                            kernel_name="python3", cwd=str(path.parent), progress_bar=False,
                            execution_timeout=300)
    except pm.PapermillExecutionError as err:
        trace = ANSI.sub("", "\n".join(err.traceback[-12:]))
        pytest.fail(f"{path.name}: cell {err.exec_count} raised {err.ename}: {err.evalue}\n{trace}",
                    pytrace=False)
    text = "\n".join(o.get("text", "") for c in nbformat.read(out, as_version=4).cells
                     for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert "mode: smoke" in text               # MODE came from papermill, not the environment
    assert re.search(r"^1 epochs of \d+ batches", text, flags=re.M)  # and so did EPOCHS
