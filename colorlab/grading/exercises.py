"""Exercise notebooks from solution notebooks, and an nbgrader course folder from them.

A solution notebook (``solutions/NN_*.ipynb``) is the single source of an assignment:

- In code cells, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are what a
  student writes; the exercise gets ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` there,
  indented like the BEGIN marker. In markdown cells, ``<!-- BEGIN SOLUTION -->`` ...
  ``<!-- END SOLUTION -->`` becomes ``_Your answer here._``.
- A graded task is a code cell whose first line is ``# TASK <id> (<n> points)``, for example
  ``# TASK 3.2 (2 points)``. It holds the visible checks (calls into
  :mod:`colorlab.grading.checks`) and may hold ``### BEGIN HIDDEN TESTS`` ...
  ``### END HIDDEN TESTS``, which the exercise leaves out.

:func:`make_exercises` writes ``exercises/`` from ``solutions/``, byte for byte the same every
time; :func:`write_nbgrader_course` writes an nbgrader course folder (``source/`` and an
``nbgrader_config.py``) from them instead.
Grading is :mod:`colorlab.grading.grade`.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from ..course import launch

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
TASK = re.compile(r"#\s*TASK\s+(?P<id>[\w.-]+)\s+\((?P<points>\d+)\s+points?\)\s*$")
MD_SOLUTION = re.compile(r"<!--\s*BEGIN SOLUTION\s*-->.*?<!--\s*END SOLUTION\s*-->", re.DOTALL)
MD_ANSWER = "_Your answer here._"
# What JupyterLab writes when it starts an ipykernel kernel (the lectures carry the same): a file
# with other values (a "Python 3" display name, a bare language_info) opens with unsaved changes.
# language_info's "version" is the kernel's Python; an exercise takes its solution's.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3"}
CELL_METADATA = ("tags", "nbgrader")  # all other cell metadata (papermill, execution) is dropped


class AssignmentError(ValueError):
    """A solution notebook breaks the marker conventions, or a notebook cannot be graded."""


def task_of(cell) -> tuple[str, int] | None:
    """``(id, points)`` if ``cell`` is a TASK cell (first line ``# TASK <id> (<n> points)``)."""
    if cell.get("cell_type") != "code" or not cell.source.strip():
        return None
    match = TASK.match(cell.source.strip().splitlines()[0].strip())
    return (match["id"], int(match["points"])) if match else None


def _lines_with(source: str, marker: str) -> bool:
    return any(line.strip() == marker for line in source.splitlines())


def strip_code(source: str, where: str = "") -> str:
    """Replace solution blocks by a stub and drop hidden-test blocks (markers included)."""
    out, open_block = [], None
    for n, line in enumerate(source.split("\n"), 1):
        marker = line.strip()
        if marker in (BEGIN_SOLUTION, BEGIN_HIDDEN):
            if open_block:
                raise AssignmentError(f"{where}, line {n}: {marker} inside an open {open_block}")
            open_block = marker
            if marker == BEGIN_SOLUTION:
                indent = line[: len(line) - len(line.lstrip())]
                out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]
        elif marker in (END_SOLUTION, END_HIDDEN):
            if open_block != marker.replace("END", "BEGIN"):
                raise AssignmentError(f"{where}, line {n}: {marker} without its BEGIN line")
            open_block = None
        elif open_block is None:
            out.append(line)
    if open_block:
        raise AssignmentError(f"{where}: {open_block} is never closed")
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out)


def make_exercise(solution, name: str, repository: str | None = None):
    """The exercise version of a solution notebook (a new NotebookNode); ``name`` (the file's
    stem) is recorded in the metadata so that the grader finds the solution after a rename. The
    exercise opens with its Colab and Binder links and the Colab set-up cell (:mod:`.launch`),
    made from ``repository`` (default: pyproject.toml's Repository URL)."""
    version = solution.metadata.get("language_info", {}).get("version")
    exercise = nbformat.v4.new_notebook(metadata={
        "colorlab": {"assignment": name}, "kernelspec": KERNELSPEC,
        "language_info": {**LANGUAGE_INFO, **({"version": version} if version else {})}})
    seen = set()
    for i, cell in enumerate(solution.cells):
        where, src, task = f"{name}, cell {i + 1}", cell.source, task_of(cell)
        if cell.cell_type == "code":
            first = src.strip().splitlines()[0] if src.strip() else ""
            if not task and re.match(r"#\s*TASK\b", first):
                raise AssignmentError(f"{where}: {first!r} should read '# TASK <id> (<n> points)'")
            if task and _lines_with(src, BEGIN_SOLUTION):
                raise AssignmentError(f"{where}: a TASK cell must not hold a solution block (the "
                                      "grader swaps TASK cells for the solution's)")
            if not task and _lines_with(src, BEGIN_HIDDEN):
                raise AssignmentError(f"{where}: hidden tests outside a TASK cell never run when "
                                      "grading: move them into a TASK cell")
            if task and task[0] in seen:
                raise AssignmentError(f"{where}: TASK {task[0]} appears twice")
            seen.add(task[0] if task else None)
            new = nbformat.v4.new_code_cell(strip_code(src, where))
        elif cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(MD_SOLUTION.sub(MD_ANSWER, src))
            if cell.get("attachments"):
                new.attachments = copy.deepcopy(cell.attachments)
        else:
            new = nbformat.v4.new_raw_cell(src)
        new.id = cell.get("id") or f"cell-{i}"
        new.metadata = {k: copy.deepcopy(cell.metadata[k]) for k in CELL_METADATA
                        if k in cell.metadata}
        if task:  # students run check cells but need not edit them
            new.metadata.update(deletable=False, editable=False)
        exercise.cells.append(new)
    _add_launch(exercise, f"exercises/{name}.ipynb", repository or launch.repository_url())
    return exercise


def _add_launch(exercise, path: str, repository: str):
    """The launch line under the title of the first (markdown) cell, and the Colab set-up cell
    before the first code cell."""
    first = exercise.cells[0] if exercise.cells else None
    if first is not None and first.cell_type == "markdown":
        title, _, rest = first.source.partition("\n")
        first.source = f"{title}\n\n{launch.launch_line(path, repository)}\n\n{rest.lstrip()}"
        first.source = first.source.rstrip()
    setup = nbformat.v4.new_code_cell(launch.colab_setup_source(repository))
    setup.id = "colab-setup"
    at = next((i for i, c in enumerate(exercise.cells) if c.cell_type == "code"),
              len(exercise.cells))
    exercise.cells.insert(at, setup)


def render(nb) -> str:
    """The notebook as JSON text, the same bytes every time, ending in a newline."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def exercise_text(solution_path) -> str:
    """What ``make-exercises`` writes for one solution notebook."""
    path = Path(solution_path)
    return render(make_exercise(nbformat.read(path, as_version=4), path.stem))


def make_exercises(solutions="solutions", out="exercises", check: bool = False):
    """Write ``out/NAME.ipynb`` for every ``solutions/NAME.ipynb``; remove exercises without a
    solution. Returns ``[(path, "missing" | "differs" | "stale")]``: what was (with
    ``check=True``: what would be) written or removed; empty when ``out`` is in sync."""
    out, changes = Path(out), []
    sources = sorted(Path(solutions).glob("*.ipynb"))
    for source in sources:
        target, text = out / source.name, exercise_text(source).encode("utf-8")
        if target.exists() and target.read_bytes() == text:
            continue
        changes.append((target, "differs" if target.exists() else "missing"))
        if not check:
            out.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text)
    names = {s.name for s in sources}
    for stale in sorted(out.glob("*.ipynb")):
        if stale.name not in names:
            changes.append((stale, "stale"))
            if not check:
                stale.unlink()
    return changes


# ---------------------------------------------------------------------------------------------
# nbgrader
# ---------------------------------------------------------------------------------------------
def nbgrader_source(solution):
    """A copy of a solution notebook with nbgrader's cell metadata, for instructors who grade
    with nbgrader. nbgrader reads the same markers but finds its cells by metadata, not by a
    first line: each TASK cell becomes an "Autograder tests" cell worth its points (locked),
    each code cell with a solution block an "Autograded answer" cell."""
    nb = copy.deepcopy(solution)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("nbgrader", None)
        task, meta = task_of(cell), None
        if task:
            meta = {"grade": True, "solution": False, "locked": True, "points": task[1],
                    "grade_id": "task_" + re.sub(r"[^\w-]", "_", task[0])}
        elif cell.cell_type == "code" and _lines_with(cell.source, BEGIN_SOLUTION):
            meta = {"grade": False, "solution": True, "locked": False,
                    "grade_id": "answer_" + re.sub(r"[^\w-]", "_", cell.get("id") or str(i))}
        if meta:
            cell.metadata["nbgrader"] = {**meta, "schema_version": 3, "task": False}
    return nb


def write_nbgrader_source(solutions="solutions", out="nbgrader/source") -> list[Path]:
    """Write ``out/NAME/NAME.ipynb`` for every ``solutions/NAME.ipynb`` (see
    :func:`nbgrader_source`): nbgrader's course layout, one assignment per notebook."""
    written = []
    for source in sorted(Path(solutions).glob("*.ipynb")):
        target = Path(out) / source.stem / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(nbgrader_source(nbformat.read(source, as_version=4))),
                          encoding="utf-8")
        written.append(target)
    return written


NBGRADER_CONFIG = '''"""nbgrader's settings for this course folder; run nbgrader from here.
Written by `python -m colorlab make-exercises --nbgrader`
(colorlab.grading.exercises.write_nbgrader_course), which rewrites source/ from solutions/
but keeps files edited since (docs/teaching.md)."""
import os

c = get_config()  # noqa: F821 (nbgrader defines it)

# Notebooks run in smoke mode when nbgrader executes them (autograde, validate): seconds each, on
# a CPU, on the built-in sample images, offline. Without this they would run in quick mode on a
# CPU (minutes, CIFAR-10 downloaded) and in full mode on a machine with a GPU.
os.environ["COLORLAB_MODE"] = "smoke"
os.environ["COLORLAB_PROGRESS"] = "text"   # no progress widgets in graded notebooks
os.environ.setdefault("MPLBACKEND", "Agg")

c.Execute.timeout = 120          # seconds one cell may run (a smoke-mode cell takes a few)
c.Execute.startup_timeout = 120  # seconds for the kernel to start (importing torch is slow)

# Feedback shows the student the graded checks, but not the hidden tests (the scores stay).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]
'''


def write_nbgrader_course(course_dir, solutions="solutions", force: bool = False) -> list[Path]:
    """An nbgrader course folder: ``source/NAME/NAME.ipynb`` for every solution (see
    :func:`nbgrader_source`) and ``nbgrader_config.py`` (smoke mode for grading, timeouts, hidden
    tests cleared from feedback). Returns the files written. A file that exists with other
    contents (edited by hand, or an instructor's own config) is kept, and the call fails listing
    them, unless ``force``."""
    course = Path(course_dir)
    plan = {course / "source" / p.stem / p.name: render(nbgrader_source(nbformat.read(p, 4)))
            for p in sorted(Path(solutions).glob("[0-9][0-9]_*.ipynb"))}
    if not plan:
        raise AssignmentError(f"no solution notebooks (NN_name.ipynb) in {solutions}/: nothing "
                              "to write. Pass --solutions with the folder that holds them.")
    plan[course / "nbgrader_config.py"] = NBGRADER_CONFIG
    edited = [str(p) for p, text in plan.items()
              if p.exists() and p.read_text(encoding="utf-8") != text]
    if edited and not force:
        raise AssignmentError(
            f"{len(edited)} file(s) in {course}/ differ from what colorlab would write: "
            f"{', '.join(edited)}. They were edited, or written by an older colorlab; nothing "
            "was changed. Move them away, or pass --force to overwrite them.")
    for path, text in plan.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(plan)
