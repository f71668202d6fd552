"""Every notebook (notebooks/ and solutions/) runs top to bottom in smoke mode under papermill.

Executed copies land in build/smoke/ for inspection. A failure shows the failing cell's
error and traceback, not papermill's wrapper. (nbval runs over notebooks/ too: see Makefile.)
"""

import re
from pathlib import Path

import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(ROOT.glob("notebooks/*.ipynb")) + sorted(ROOT.glob("solutions/*.ipynb"))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_notebook_runs_in_smoke_mode(path, monkeypatch):
    monkeypatch.setenv("COLORLAB_MODE", "smoke")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = ROOT / "build" / "smoke" / path.parent.name / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        pm.execute_notebook(path, out, parameters={"MODE": "smoke"}, kernel_name="python3",
                            cwd=str(path.parent), progress_bar=False, execution_timeout=300)
    except pm.PapermillExecutionError as err:
        trace = ANSI.sub("", "\n".join(err.traceback[-12:]))
        pytest.fail(f"{path.name}: cell {err.exec_count} raised {err.ename}: {err.evalue}\n{trace}"
                    f"\nExecuted copy: {out}", pytrace=False)
