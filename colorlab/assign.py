"""Exercises from solutions, and grading.

A solution notebook (``solutions/NN_*.ipynb``) is the single source of an assignment:

- In code cells, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` are what a
  student writes; the exercise gets ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` there,
  indented like the BEGIN marker. In markdown cells, ``<!-- BEGIN SOLUTION -->`` ...
  ``<!-- END SOLUTION -->`` becomes ``_Your answer here._``.
- A graded task is a code cell whose first line is ``# TASK <id> (<n> points)``, for example
  ``# TASK 3.2 (2 points)``. It holds the visible checks (calls into :mod:`colorlab.checks`) and
  may hold ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``, which the exercise leaves out.

:func:`make_exercises` writes ``exercises/`` from ``solutions/``, byte for byte the same every
time; :func:`write_nbgrader_course` writes an nbgrader course folder (``source/`` and an
``nbgrader_config.py``) from them instead.
:func:`grade` runs student notebooks in a fresh kernel with each TASK cell replaced by the
solution's (so the checks cannot be edited away and the hidden tests run): a task scores its
points when its cell runs without error. Student code runs in that same kernel before the checks,
so each TASK cell first loads a fresh copy of :mod:`colorlab.checks` from its files and fails if a
colorlab function was replaced by notebook code (:func:`guard`). That stops the easy ways of
faking a pass; it is not a sandbox (see docs/teaching.md).
"""

from __future__ import annotations

import ast
import copy
import os
import re
import subprocess
import time
from pathlib import Path

import nbformat

from . import launch

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


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------
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
Written by `python -m colorlab make-exercises --nbgrader` (colorlab.assign.write_nbgrader_course),
which rewrites source/ from solutions/ but keeps files edited since (docs/teaching.md)."""
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


# ---------------------------------------------------------------------------------------------
# Grading
# ---------------------------------------------------------------------------------------------
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


GUARD_SOURCE = '''def __colorlab_guard(folder, parts, rebind, user_ns):
    import importlib.util, os, sys, types
    def load(name, file, **package):  # from the file, not from sys.modules
        spec = importlib.util.spec_from_file_location(name, os.path.join(folder, file), **package)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        return spec, module

    for name in [n for n in sys.modules if n.split(".")[:2] == ["colorlab", "checks"]]:
        del sys.modules[name]  # the package and every part, tampered with or not
    spec, fresh = load("colorlab.checks", "__init__.py", submodule_search_locations=[folder])
    for part in parts:  # each part from its file, in import order, before the package uses it
        part_spec, module = load(f"colorlab.checks.{part}", f"{part}.py")
        part_spec.loader.exec_module(module)
        setattr(fresh, part, module)
    spec.loader.exec_module(fresh)
    import colorlab
    colorlab.checks = fresh
    def mine(f):  # a function defined in the notebook
        return isinstance(f, types.FunctionType) and f.__module__ == "__main__"

    replaced = []
    for name, module in list(sys.modules.items()):
        if name.startswith("colorlab.") and name.split(".")[:2] != ["colorlab", "checks"] \\
                and module is not None:
            for key, value in list(vars(module).items()):
                if isinstance(value, type) and str(value.__module__).startswith("colorlab"):
                    replaced += [f"{name}.{key}.{k}" for k, v in vars(value).items() if mine(v)]
                elif mine(value):
                    replaced.append(f"{name}.{key}")
    if replaced:
        raise fresh.CheckFailed(
            f"{', '.join(sorted(replaced)[:3])} was replaced by code in this notebook, so no check "
            "can be trusted: this task scores 0. Remove the line that assigns to it, restart the "
            "kernel and run all cells.")
    for alias, attr in rebind:
        user_ns[alias] = getattr(fresh, attr) if attr else fresh
__colorlab_guard(%r, %r, %r, globals())
del __colorlab_guard'''


def _checks_aliases(solution) -> dict[str, str | None]:
    """Names the solution binds to :mod:`colorlab.checks` or its members: ``{alias: attribute
    name, or None for the module itself}`` (from ``from colorlab.checks import x as y``,
    ``from colorlab import checks``, ``import colorlab.checks as c``)."""
    aliases = {}
    for cell in solution.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: such a cell imports nothing we need to follow
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "colorlab.checks":
                aliases.update({a.asname or a.name: a.name for a in node.names if a.name != "*"})
            elif isinstance(node, ast.ImportFrom) and node.module == "colorlab":
                aliases.update({a.asname or a.name: None for a in node.names
                                if a.name == "checks"})
            elif isinstance(node, ast.Import):
                aliases.update({a.asname: None for a in node.names
                                if a.name == "colorlab.checks" and a.asname})
    return aliases


def guard(source: str, aliases: dict[str, str | None]) -> str:
    """``source`` (a TASK cell) with the grader's guard after its header line, inside a hidden
    block (so the feedback copy leaves it out). Before the checks run, the guard

    - loads a fresh :mod:`colorlab.checks` from its files (not from ``sys.modules``): every part
      of ``checks.PARTS`` (the harness and the catalogs ``nb01`` ... ``nb05``) from its own file,
      in import order, then the package's ``__init__.py``, and puts them in ``sys.modules`` and
      ``colorlab.checks``, so ``from colorlab.checks import check_x`` gets the real check even if
      student code replaced ``colorlab.checks.check_x`` or ``colorlab.checks.nb03.check_x``;
    - rebinds the names this cell uses that the solution imported from :mod:`colorlab.checks`
      (``aliases``, from :func:`_checks_aliases`), in case student code reassigned them;
    - fails the task (CheckFailed) if any function or method of a loaded ``colorlab.*`` module
      (the references the checks compare with) was replaced by one defined in the notebook.
    """
    from . import checks

    try:
        used = {n.id for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Name)}
    except SyntaxError:
        used = set(aliases)
    rebind = sorted((alias, attr) for alias, attr in aliases.items() if alias in used)
    header, _, rest = source.partition("\n")
    folder = str(Path(checks.__file__).resolve().parent)
    code = GUARD_SOURCE % (folder, tuple(checks.PARTS), rebind)
    return f"{header}\n{BEGIN_HIDDEN}\n{code}\n{END_HIDDEN}\n{rest}"


def _merge(student, solution):
    """The student's notebook with each TASK cell replaced by the solution's of the same id
    (found by its header, else by cell id), behind the grader's :func:`guard`. Returns
    (notebook, {cell index: task id}, tasks)."""
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
    aliases = _checks_aliases(solution)
    for i, task_id in placed.items():
        nb.cells[i] = copy.deepcopy(sources[task_id])
        nb.cells[i].update(outputs=[], execution_count=None)
        nb.cells[i].source = guard(nb.cells[i].source, aliases)
        tasks[task_id].update(status="not run", message="")
    return nb, placed, tasks


def _error_of(cell) -> str | None:
    """The cell's error, if any: a check's whole message (its first line names the fix, the
    next ones what was off: "N of M values off ...; got ..., expected ..."), or the first line
    of any other error as 'Type: message'."""
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
