"""`make course`: run every notebook, export HTML, and print each notebook's headline figure.

Each notebook ends by calling :func:`colorlab.course.notebook.summary`, which prints one line
starting with ``Summary:``; this runner collects those lines into ``build/course/summary.md``.

Paths are relative to the current folder (``make course`` runs from the repository root), never
to the package's own location, so an installed colorlab works from any course folder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PREFIX = "Summary: "


def find_summary(nb) -> str:
    """The text after ``Summary: `` in an executed notebook's outputs, or a note if absent."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            for line in text.splitlines():
                if line.startswith(PREFIX):
                    return line[len(PREFIX) :].strip()
    return "(no summary line)"


def run_course(mode: str = "auto", out_dir=None, only=None, html: bool = True,
               notebooks=None, cell_timeout: float = 1800) -> list[dict]:
    """Execute ``notebooks/*.ipynb`` (those whose name contains ``only``, if given) into
    ``out_dir`` (default ``build/course/``), export HTML, write and print the summary table.
    ``notebooks`` and ``out_dir`` default to ``notebooks/`` and ``build/course/`` in the current
    folder.

    Returns one dict per notebook: ``{"notebook", "seconds", "summary"}``. Raises SystemExit(1)
    after running them all if any notebook failed."""
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    out_dir = Path(out_dir or Path.cwd() / "build" / "course")
    out_dir.mkdir(parents=True, exist_ok=True)
    params = {} if mode == "auto" else {"MODE": mode}
    rows = []
    folder = Path(notebooks or Path.cwd() / "notebooks")
    if not folder.is_dir():
        raise FileNotFoundError(f"There is no folder {folder}, so there are no notebooks to run. "
                                "Run this from the course's root folder (the one holding "
                                "notebooks/), or pass the notebooks folder.")
    for path in sorted(folder.glob("*.ipynb")):
        if only and only not in path.name:
            continue
        target = out_dir / path.name
        print(f"running {path.name} ...", flush=True)
        t0 = time.perf_counter()
        status = "ok"
        try:
            # the timeout turns a stuck cell (a kernel reply that never comes) into a failure
            pm.execute_notebook(path, target, parameters=params, kernel_name="python3",
                                cwd=str(path.parent), progress_bar=False,
                                execution_timeout=cell_timeout)
        except pm.PapermillExecutionError as err:
            status = f"FAILED in cell {err.exec_count}: {err.ename}: {err.evalue}"[:200]
        except Exception as err:  # a timeout or a dead kernel: report it, go on with the next
            status = f"FAILED: {type(err).__name__}: {err}"[:200]
        seconds = time.perf_counter() - t0
        nb = nbformat.read(target if target.exists() else path, as_version=4)
        if html:
            body, _ = HTMLExporter().from_notebook_node(nb)
            target.with_suffix(".html").write_text(body, encoding="utf-8")
        headline = find_summary(nb) if status == "ok" else status
        rows.append({"notebook": path.stem, "seconds": seconds, "summary": headline})
        print(f"  {seconds:6.1f} s  {headline}", flush=True)

    lines = ["| notebook | time | headline figure |", "|---|---:|---|"]
    lines += [f"| {r['notebook']} | {r['seconds']:.0f} s | {r['summary']} |" for r in rows]
    env_mode = os.environ.get("COLORLAB_MODE", "")
    table = "\n".join(lines)
    (out_dir / "summary.md").write_text(
        f"# Course run (MODE={mode}{', COLORLAB_MODE=' + env_mode if env_mode else ''})\n\n"
        f"{table}\n", encoding="utf-8")
    print(f"\n{table}\n\nExecuted notebooks and HTML: {out_dir}")
    if not rows:
        print("no notebooks matched: nothing ran")
    if any(not r["summary"] or r["summary"].startswith("FAILED") for r in rows):
        raise SystemExit(1)
    return rows
