"""Grading: run a student notebook in a fresh kernel with the solution's TASK cells, score each.

:func:`grade` runs student notebooks with each TASK cell replaced by the solution's (so the checks
cannot be edited away and the hidden tests run), behind the :mod:`~colorlab.grading.guard`: a task
scores its points when its cell runs without error. :mod:`colorlab.grading.gradebook` grades a
whole class in parallel.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import time
from pathlib import Path

import nbformat

from .exercises import AssignmentError, strip_code, task_of
from .guard import checks_aliases, guard

ASSIGNMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # a bare name: no folder, no ".."


def find_solution(student, path: Path, solutions) -> Path:
    """The solution a student notebook belongs to: by the exercise's recorded name, else by
    file name, else by its two-digit prefix (``01_...``) when that is unambiguous. Always a
    file inside ``solutions``: the recorded name (the notebook's metadata, which the student
    can edit) must be a bare name such as ``03_lab_color_math``, never a path."""
    solutions = Path(solutions)
    name = student.metadata.get("colorlab", {}).get("assignment")
    if name is not None and not (isinstance(name, str) and ASSIGNMENT_NAME.fullmatch(name)
                                 and ".." not in name):
        raise AssignmentError(
            f"{path}: its metadata names the assignment {name!r}, which is not a bare exercise "
            f"name (such as 03_lab_color_math): the grader only uses solutions inside "
            f"{solutions}/, so this notebook scores 0. Hand in the exercise notebook as it was "
            "given out (its metadata unchanged).")
    candidates = [solutions / f"{name}.ipynb"] if name else []
    candidates.append(solutions / path.name)
    prefix = re.match(r"\d\d_", path.name)
    same_prefix = sorted(solutions.glob(f"{prefix[0]}*.ipynb")) if prefix else []
    candidates += same_prefix if len(same_prefix) == 1 else []
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise AssignmentError(f"{path}: no matching solution in {solutions}/ (looked for "
                          f"{', '.join(c.name for c in candidates)}); pass --solutions DIR")


def _merge(student, solution):
    """(notebook, {cell index: task id}, tasks): the student's notebook with each TASK cell
    replaced by the solution's (by header, else cell id), behind the :func:`guard`."""
    tasks, sources = {}, {}
    for cell in solution.cells:
        if task_of(cell):
            task_id, points = task_of(cell)
            tasks[task_id] = {"id": task_id, "points": 0, "max": points, "status": "missing",
                              "message": "check cell not found in the notebook"}
            sources[task_id] = cell
    nb, placed = copy.deepcopy(student), {}
    for i, cell in enumerate(nb.cells):
        if task_of(cell) and task_of(cell)[0] in tasks:
            placed[i] = task_of(cell)[0]
    by_id = {c.get("id"): i for i, c in enumerate(nb.cells) if c.cell_type == "code"}
    for task_id, cell in sources.items():  # a header the student edited: the same cell id
        if task_id not in placed.values() and by_id.get(cell.get("id")) not in (None, *placed):
            placed[by_id[cell.get("id")]] = task_id
    aliases = checks_aliases(solution)
    for i, task_id in placed.items():
        nb.cells[i] = copy.deepcopy(sources[task_id])
        nb.cells[i].update(outputs=[], execution_count=None)
        nb.cells[i].source = guard(nb.cells[i].source, aliases)
        tasks[task_id].update(status="not run", message="")
    return nb, placed, tasks


def _error_of(cell) -> str | None:
    """The cell's error, if any: a check's whole message, else the first line of the error as
    'Type: message'."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            message = (out.get("evalue") or "").strip()
            first = message.split("\n")[0]
            if out.get("ename") == "CheckFailed" and first:
                return message
            if out.get("ename") == "NotImplementedError" and not first:
                return "NotImplementedError: not implemented yet"
            return f"{out.get('ename')}: {first}" if first else out.get("ename", "error")
    return None


def _execute(nb, cwd, timeout: float, cell_timeout: float, on_cell) -> str:
    """Run the code cells one by one in a fresh python3 kernel, going on after errors; call
    ``on_cell(index, error or None)``. Returns "ok" or why the run stopped early."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    env = {**os.environ, "COLORLAB_MODE": "smoke", "MPLBACKEND": "Agg"}
    client = NotebookClient(nb, kernel_name="python3", timeout=cell_timeout, allow_errors=True,
                            shutdown_kernel="immediate", resources={"metadata": {"path": cwd}})
    deadline, started = time.monotonic() + timeout, False
    try:
        with client.setup_kernel(env=env, stderr=subprocess.DEVNULL):  # no kernel log noise
            started = True
            for i, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                left = deadline - time.monotonic()
                if left < 1:
                    return f"stopped before cell {i + 1}: the notebook's {timeout:g} s ran out"
                client.timeout = max(1, int(min(cell_timeout, left)))
                try:
                    client.execute_cell(cell, i)
                except CellTimeoutError:
                    on_cell(i, f"timed out after {client.timeout} s")
                    return f"stopped: cell {i + 1} ran past {client.timeout} s"
                except DeadKernelError:
                    on_cell(i, "the kernel died")
                    return f"stopped: the kernel died in cell {i + 1}"
                on_cell(i, _error_of(cell))
    except Exception as err:
        if started:
            raise
        return f"error: the kernel did not start ({type(err).__name__}: {err})"
    return "ok"


def grade_notebook(path, solutions="solutions", timeout: float = 600, cell_timeout: float = 120,
                   save=None) -> dict:
    """Grade one student notebook; ``save``: a folder for the executed notebook (feedback).

    Returns ``{"notebook", "solution", "score", "max", "status", "seconds", "tasks": [{"id",
    "points", "max", "status": "pass" | "fail" | "not run" | "missing", "message"}]}``; an
    ``"error": True`` entry means the notebook could not be graded at all.
    """
    path, t0 = Path(path), time.perf_counter()
    result = {"notebook": str(path), "solution": None, "score": 0, "max": 0, "status": "ok",
              "seconds": 0.0, "tasks": []}
    try:
        student = nbformat.read(path, as_version=4)
        solution_path = find_solution(student, path, solutions)
        nb, placed, tasks = _merge(student, nbformat.read(solution_path, as_version=4))
    except (OSError, ValueError) as err:  # unreadable, not JSON, no solution
        return {**result, "status": f"error: {err}", "error": True}

    def on_cell(i, error):
        if i in placed:
            task = tasks[placed[i]]
            if task["status"] != "fail":  # a task cell pasted twice passes only if both pass
                task.update(status="fail" if error else "pass", message=error or "",
                            points=0 if error else task["max"])

    status = _execute(nb, str(path.parent.resolve()), timeout, cell_timeout, on_cell)
    for task in tasks.values():
        if task["status"] == "not run":
            task["message"] = f"not reached ({status})"
    if save:  # hidden tests taken out again (code and tracebacks): the copy can go to the student
        for i in placed:
            nb.cells[i].source = strip_code(nb.cells[i].source)
            for out in nb.cells[i].outputs:
                if out.output_type == "error":
                    out.traceback = [f"{out.ename}: {out.evalue}"]
        Path(save).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, Path(save) / path.name)
    return {**result, "solution": str(solution_path), "status": status,
            "score": sum(t["points"] for t in tasks.values()),
            "max": sum(t["max"] for t in tasks.values()), "tasks": list(tasks.values()),
            "seconds": round(time.perf_counter() - t0, 2),
            **({"error": True} if status.startswith("error") else {})}


def grade(paths, solutions="solutions", timeout: float = 600, cell_timeout: float = 120,
          save=None, progress=None) -> list[dict]:
    """Grade notebooks one after another (see :func:`grade_notebook`); ``progress``: a function
    called with a line of text before each notebook (e.g. ``print``)."""
    results = []
    for path in paths:
        if progress:
            progress(f"grading {path} ...")
        results.append(grade_notebook(path, solutions, timeout, cell_timeout, save))
    return results


def format_report(results: list[dict]) -> str:
    """A plain-text table: per notebook its total, then one line per task."""
    lines = []
    for r in results:
        lines.append(f"{r['notebook']}: {r['score']}/{r['max']} points  "
                     f"[{r['status']}, {r['seconds']:.1f} s]")
        for t in r["tasks"]:
            mark = {"pass": "✔", "fail": "✘"}.get(t["status"], "-")
            first, *more = t["message"].split("\n")  # a check's detail lines, indented
            line = f"  {mark} task {t['id']:<8} {t['points']:>3}/{t['max']:<3}  {first}"
            lines += [line.rstrip(), *(f"{' ' * 22}{m.strip()}" for m in more)]
    if len(results) > 1:
        lines.append(f"{len(results)} notebooks graded: "
                     + ", ".join(f"{r['notebook']} {r['score']}/{r['max']}" for r in results))
    return "\n".join(lines)
