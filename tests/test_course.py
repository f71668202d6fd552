"""`make course` (colorlab.course.runner.run_course) on two tiny notebooks the test writes."""

import nbformat
import pytest

from colorlab.course.runner import run_course


def notebook(path, body):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    params = nbformat.v4.new_code_cell('MODE = "auto"', metadata={"tags": ["parameters"]})
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nbformat.write(nb, path)


def test_course_runs_notebooks_and_collects_summaries(tmp_path):
    src = tmp_path / "notebooks"
    src.mkdir()
    notebook(src / "01_ok.ipynb",
             'from colorlab.course.notebook import summary\nsummary(f"mode {MODE}")')
    notebook(src / "02_broken.ipynb", 'raise ValueError("deliberately broken")')
    out = tmp_path / "out"
    with pytest.raises(SystemExit):  # one notebook failed: the run as a whole fails ...
        run_course("smoke", out_dir=out, notebooks=src)
    # ... but every notebook ran, and the summary says which one failed and why
    summary = (out / "summary.md").read_text()
    assert "| 01_ok |" in summary and "mode smoke" in summary
    assert "02_broken" in summary and "FAILED" in summary and "deliberately broken" in summary
    assert (out / "01_ok.html").is_file() and (out / "02_broken.ipynb").is_file()
    rows = run_course("smoke", out_dir=out, notebooks=src, only="01", html=False)
    assert [r["notebook"] for r in rows] == ["01_ok"] and rows[0]["summary"] == "mode smoke"


def test_course_stuck_cell_times_out_and_the_run_goes_on(tmp_path):
    src = tmp_path / "notebooks"
    src.mkdir()
    notebook(src / "01_stuck.ipynb", "import time\ntime.sleep(60)")
    # the line summary() prints, without importing torch: that alone can take 3 s on a busy CPU
    notebook(src / "02_ok.ipynb", 'print("Summary: fine")')
    out = tmp_path / "out"
    with pytest.raises(SystemExit):
        run_course("smoke", out_dir=out, notebooks=src, html=False, cell_timeout=3)
    summary = (out / "summary.md").read_text()
    assert "01_stuck" in summary and "FAILED" in summary
    assert "| 02_ok |" in summary and "fine" in summary
