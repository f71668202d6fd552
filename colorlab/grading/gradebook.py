"""Grading a class: every notebook under a folder, graded in parallel worker processes, into
``gradebook.csv`` and one feedback file per student.

``python -m colorlab grade DIR -j N`` calls :func:`grade_class`. Who handed in what
(:func:`find_submissions`):

- ``DIR/alice.ipynb``: one notebook of student ``alice`` (the file's name without ``.ipynb``);
- ``DIR/alice/...``: a folder per student: every ``.ipynb`` in it, at any depth, is ``alice``'s;
- any other file in ``DIR`` (``bob.pdf``), a notebook that does not read as one, a folder
  without a notebook, a notebook of another exercise than ``--exercise``: a line in the gradebook
  that says why nothing was graded. Names starting with ``.`` (``.ipynb_checkpoints``) and the
  grader's own output (``gradebook.csv``, ``feedback/``) are skipped.

Each notebook is graded by :func:`colorlab.grading.grade.grade_notebook` (a fresh kernel, a timeout
per cell and per notebook), on a copy in an empty temporary folder: the kernel's working folder
is that folder, so a cell that deletes or reads files by relative paths (``../*``,
``../solutions``) reaches neither the class folder nor the solutions. It is not a sandbox: the
code runs as your user (docs/teaching.md). One notebook that fails, loops or crashes costs its
own line only. Each worker's kernel gets ``cores // jobs`` threads (``OMP_NUM_THREADS``), unless
that variable is already set, so N kernels do not fight over the same cores.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..files import atomic_write
from .exercises import AssignmentError, task_of
from .grade import find_solution, grade_notebook

GRADEBOOK, FEEDBACK = "gradebook.csv", "feedback"
COLUMNS = ("student", "exercise", "task", "points", "max", "message")
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


@dataclass
class Submission:
    """One notebook to grade (``path``), or one thing that cannot be (``problem`` says why)."""
    student: str
    path: Path
    problem: str = ""


def find_submissions(folder) -> list[Submission]:
    """Every submission under ``folder``, sorted by student (see the module's docstring)."""
    folder, found = Path(folder), []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.name in (GRADEBOOK, FEEDBACK):
            continue
        if entry.is_dir():
            notebooks = sorted(p for p in entry.rglob("*.ipynb") if not any(
                part.startswith(".") for part in p.relative_to(entry).parts))
            found += [Submission(entry.name, p) for p in notebooks]
            if not notebooks:
                files = ", ".join(sorted(p.name for p in entry.rglob("*") if p.is_file())[:3])
                found.append(Submission(entry.name, entry, f"no notebook in {entry.name}/ ("
                                        f"{'found ' + files if files else 'empty'}): nothing "
                                        "graded. Ask for the .ipynb file saved by Jupyter."))
        elif entry.suffix == ".ipynb":
            found.append(Submission(entry.stem, entry))
        else:
            found.append(Submission(entry.stem, entry, f"{entry.name} is not a notebook (.ipynb): "
                                    "nothing graded. Ask for the .ipynb file saved by Jupyter."))
    return found


def exercise_solution(solutions, exercise: str) -> Path:
    """The solution notebook that ``--exercise`` names: ``04`` or ``04_unet_colorizer``."""
    solutions = Path(solutions)
    exact = solutions / f"{exercise}.ipynb"
    matches = [exact] if exact.is_file() else sorted(solutions.glob(f"{exercise}*.ipynb"))
    if len(matches) != 1:
        names = ", ".join(p.stem for p in sorted(solutions.glob("*.ipynb"))) or "none"
        raise AssignmentError(f"--exercise {exercise} names {len(matches)} of the solution "
                              f"notebooks in {solutions}/ (there: {names}); give one of them, "
                              "e.g. --exercise 04.")
    return matches[0]


def solution_for(sub: Submission, solutions, expected: Path | None = None) -> Path:
    """The solution ``sub`` is graded against; AssignmentError (with the reason, said for the
    gradebook) if it is not a notebook, or belongs to no exercise, or to another than
    ``expected``."""
    try:
        nb = nbformat.read(sub.path, as_version=4)
    except Exception as err:  # not JSON, not a notebook, unreadable: nbformat raises many kinds
        why = (str(err).strip().splitlines() or [""])[0][:120]
        raise AssignmentError(f"{sub.path.name} is not a notebook Jupyter can open "
                              f"({type(err).__name__}: {why}): nothing graded. Ask for the "
                              ".ipynb file saved by Jupyter.") from None
    name = nb.metadata.get("colorlab", {}).get("assignment")
    if expected is None:
        try:
            return find_solution(nb, sub.path, solutions)
        except AssignmentError as err:  # in a class folder, the file name is the student's
            raise AssignmentError(f"{err}, or --exercise NN when the class hands in NN") from None
    if name and name != expected.stem:
        raise AssignmentError(f"{sub.path.name} is exercise {name}, not {expected.stem}: nothing "
                              f"graded. Ask {sub.student} to hand in {expected.stem}.")
    return expected


def _worker_setup(threads: int):
    """In each worker process: the thread count its kernels inherit, unless already set."""
    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, str(threads))


def grade_copy(path, solution, timeout: float = 600, cell_timeout: float = 120) -> dict:
    """:func:`~colorlab.grading.grade.grade_notebook` on a copy of ``path`` in an empty temporary
    folder (removed afterwards), named after ``solution`` so that the grader finds it."""
    solution = Path(solution)
    with tempfile.TemporaryDirectory(prefix="colorlab-grade-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp) / "work"  # '..' of the kernel's folder is still ours to lose
        work.mkdir()
        shutil.copyfile(path, work / solution.name)
        result = grade_notebook(work / solution.name, solution.parent, timeout, cell_timeout)
    return {**result, "notebook": str(path)}


def _not_graded(sub: Submission, solution: Path | None, why: str) -> dict:
    """The result of a submission that could not be graded: 0 of the exercise's points."""
    cells = nbformat.read(solution, as_version=4).cells if solution else []
    most = sum(task_of(c)[1] for c in cells if task_of(c))
    return {"student": sub.student, "exercise": solution.stem if solution else "",
            "notebook": str(sub.path), "solution": str(solution) if solution else None,
            "score": 0, "max": most, "status": f"error: {why}", "seconds": 0.0, "tasks": [],
            "error": True}


def _grade_submission(sub: Submission, solution: Path | None, timeout, cell_timeout) -> dict:
    """One submission's result (see grade_notebook) with ``student`` and ``exercise`` added;
    whatever goes wrong becomes the result's status, never an exception."""
    if sub.problem:
        return _not_graded(sub, solution, sub.problem)
    try:
        graded = grade_copy(sub.path, solution, timeout, cell_timeout)
    except Exception as err:  # a bug or a broken file system must not cost the other students
        return _not_graded(sub, solution, f"grading failed ({type(err).__name__}: {err}); "
                           "grade this notebook again on its own to see more")
    return {**graded, "student": sub.student, "exercise": solution.stem}


def grade_class(folder, solutions="solutions", jobs: int = 1, exercise: str | None = None,
                timeout: float = 600, cell_timeout: float = 120,
                progress: bool = True) -> list[dict]:
    """Grade every submission under ``folder`` with ``jobs`` worker processes; write
    ``folder/gradebook.csv`` and ``folder/feedback/<student>.md``. Returns the results (see
    :func:`colorlab.grading.grade.grade_notebook`, plus ``student`` and ``exercise``), by student.
    ``progress``: a bar on a terminal, else one line per notebook, on stderr."""
    folder = Path(folder)
    expected = exercise_solution(solutions, exercise) if exercise else None
    todo, results = [], []
    for sub in find_submissions(folder):
        try:
            todo.append((sub, expected if sub.problem else solution_for(sub, solutions, expected)))
        except AssignmentError as err:
            sub.problem = str(err)
            todo.append((sub, expected))
    threads = max(1, (os.cpu_count() or 1) // max(1, jobs))
    bar = _progress_bar(len(todo)) if progress else None

    def done(result):
        results.append(result)
        if progress:
            _report_progress(bar, result, len(results), len(todo))

    lost = _run_pool(todo, max(1, jobs), threads, timeout, cell_timeout, done)
    for job in lost:  # again, each in a worker of its own: one that kills it loses only itself
        if _run_pool([job], 1, threads, timeout, cell_timeout, done):
            done(_not_graded(*job, "its code stopped the grading worker process, twice (does "
                             "it kill its parent process?): grade it on its own to see more"))
    if bar is not None:
        bar.close()
    results.sort(key=lambda r: (r["student"], r["exercise"], r["notebook"]))
    write_gradebook(folder / GRADEBOOK, results)
    write_feedback(folder / FEEDBACK, results)
    return results


def _run_pool(todo, jobs: int, threads: int, timeout, cell_timeout, done) -> list:
    """Grade ``todo`` ([(submission, solution)]) in ``jobs`` processes, ``done(result)`` as each
    finishes; returns the jobs lost to a dead worker (student code can kill it)."""
    lost = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_worker_setup, initargs=(threads,),
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(_grade_submission, *j, timeout, cell_timeout): j for j in todo}
        for future in as_completed(futures):
            try:
                result = future.result()
            except BrokenProcessPool:
                lost.append(futures[future])
                continue
            done(result)
    return lost


def _progress_bar(total: int):
    """A tqdm bar on a terminal (stderr), None otherwise (or with ``COLORLAB_PROGRESS=text``)."""
    from ..progress import bars_enabled, tqdm

    if not (sys.stderr.isatty() and bars_enabled()):
        return None
    return tqdm(total=total, unit="notebook", desc="grading", file=sys.stderr)


def _report_progress(bar, result: dict, done: int, total: int):
    """Advance the bar, or print a line: the student, the file, the points or why none."""
    if bar is not None:
        return bar.update()
    line = f"{result['student']} {Path(result['notebook']).name}: " + (
        "not graded: " + result["status"].removeprefix("error: ") if result.get("error") else
        f"{result['score']}/{result['max']} [{result['status']}, {result['seconds']:.0f} s]")
    print(f"graded {done}/{total}: {line}", file=sys.stderr, flush=True)


def gradebook_rows(results: list[dict]) -> list[dict]:
    """One row per task (``COLUMNS``); a submission that could not be graded: one row, task
    ``-``, 0 points, the reason as its message."""
    rows = []
    for r in results:
        base = {"student": r["student"], "exercise": r["exercise"]}
        if r.get("error") or not r["tasks"]:
            rows.append({**base, "task": "-", "points": 0, "max": r["max"],
                         "message": r["status"].removeprefix("error: ")})
        rows += [{**base, "task": t["id"], "points": t["points"], "max": t["max"],
                  "message": t["message"]} for t in r["tasks"]]
    return rows


def write_gradebook(path, results: list[dict]) -> Path:
    """``gradebook.csv``, written atomically: a crash leaves the old file or the new one."""
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(gradebook_rows(results))
    return _write_atomic(Path(path), text.getvalue())


def feedback_text(student: str, results: list[dict]) -> str:
    """A student's feedback in markdown: per notebook the score, then each task's points and
    message. Only messages: no check code, so no hidden test."""
    lines = [f"# Feedback for {student}", ""]
    for r in results:
        title = r["exercise"] or Path(r["notebook"]).name
        lines += [f"## {title}: {r['score']}/{r['max']} points", "",
                  f"Graded: `{Path(r['notebook']).name}`.", ""]
        if r.get("error") or r["status"] != "ok":
            lines += [f"Note: {r['status'].removeprefix('error: ')}", ""]
        for t in r["tasks"]:
            mark = {"pass": "✔", "fail": "✘"}.get(t["status"], "-")
            message = f": {t['message']}" if t["message"] else ""
            lines.append(f"- {mark} task {t['id']}, {t['points']}/{t['max']}{message}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def write_feedback(folder, results: list[dict]) -> list[Path]:
    """``folder/<student>.md`` for every student in ``results`` (see :func:`feedback_text`)."""
    students = sorted({r["student"] for r in results})
    return [_write_atomic(Path(folder) / f"{name}.md", feedback_text(
        name, [r for r in results if r["student"] == name])) for name in students]


def _write_atomic(path: Path, text: str) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def format_summary(results: list[dict], folder) -> str:
    """One line per submission (student, exercise, points or why not graded) and a total."""
    lines = []
    for r in results:
        what = (r["status"].removeprefix("error: ") if r.get("error") else
                f"{r['score']}/{r['max']} points [{r['status']}, {r['seconds']:.1f} s]")
        lines.append(f"{r['student']:<16} {r['exercise'] or '-':<22} {what}")
    failed = sum(bool(r.get("error")) for r in results)
    lines.append(f"{len(results) - failed} graded, {failed} not graded; wrote "
                 f"{Path(folder) / GRADEBOOK} and {Path(folder) / FEEDBACK}/")
    return "\n".join(lines)

