"""The instructor's nbgrader route: `python -m colorlab make-exercises --nbgrader COURSE_DIR`.

The folder it writes is checked always; nbgrader's own pipeline (generate_assignment, autograde,
generate_feedback) runs on exercise 03 only where nbgrader is installed (`pip install -e
.[grading]`; it is not a default dependency), and the test says so when it skips.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from colorlab.course.cli import main
from colorlab.grading import exercises, grade

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = ROOT / "solutions"
ASSIGNMENT = "03_lab_color_math"


def test_course_folder_has_sources_and_config(tmp_path, capsys):
    course = tmp_path / "course"
    assert main(["make-exercises", "--solutions", str(SOLUTIONS), "--nbgrader", str(course)]) == 0
    names = sorted(p.stem for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    assert sorted(p.name for p in (course / "source").iterdir()) == names
    for name in names:
        nb = nbformat.read(course / "source" / name / f"{name}.ipynb", as_version=4)
        graded = [c.metadata["nbgrader"]["points"] for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("grade")]
        assert graded and graded == [t[1] for t in map(exercises.task_of, nb.cells) if t], name
    config = (course / "nbgrader_config.py").read_text()
    namespace = {"get_config": lambda: _Config()}
    environ = dict(os.environ)
    try:
        exec(compile(config, "nbgrader_config.py", "exec"), namespace)
        assert os.environ["COLORLAB_MODE"] == "smoke"
    finally:
        os.environ.clear()
        os.environ.update(environ)
    c = namespace["c"]
    assert "nbgrader.preprocessors.ClearHiddenTests" in c.GenerateFeedback.preprocessors
    assert c.Execute.timeout >= 60 and c.Execute.startup_timeout >= 60
    assert "next: cd" in capsys.readouterr().out


def test_edited_files_are_kept_unless_forced(tmp_path, capsys):
    course = tmp_path / "course"
    assert main(["make-exercises", "--nbgrader", str(course), "--solutions", str(SOLUTIONS)]) == 0
    config, mine = course / "nbgrader_config.py", "c = get_config()\nc.Exchange.root = '/srv'\n"
    config.write_text(mine)
    source = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    source.write_text(source.read_text().replace("Exercise 03", "Exercise 3 (edited)"))
    edited = source.read_text()
    assert main(["make-exercises", "--nbgrader", str(course), "--solutions", str(SOLUTIONS)]) == 1
    err = capsys.readouterr().err
    assert "nbgrader_config.py" in err and f"{ASSIGNMENT}.ipynb" in err and "--force" in err
    assert config.read_text() == mine and source.read_text() == edited  # nothing lost
    assert main(["make-exercises", "--nbgrader", str(course), "--solutions", str(SOLUTIONS),
                 "--force"]) == 0
    assert config.read_text() == exercises.NBGRADER_CONFIG and "(edited)" not in source.read_text()


def test_no_solutions_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["make-exercises", "--nbgrader", str(tmp_path / "c"),
                 "--solutions", str(tmp_path / "empty")]) == 1
    assert "no solution notebooks" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


class _Config:
    """Enough of traitlets' Config for the written file: c.Section.option = value."""

    def __getattr__(self, name):
        section = type("Section", (), {})()
        object.__setattr__(self, name, section)
        return section


def filled_in(released, answers):
    """nbgrader's released notebook with each answer cell replaced by the cell of the same id in
    ``answers`` (a colorlab exercise a student filled in): what that student would submit."""
    nb, theirs = (nbformat.read(p, as_version=4) for p in (released, answers))
    by_id = {c.get("id"): c.source for c in theirs.cells}
    answer_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert answer_cells and all(c.get("id") in by_id for c in answer_cells)
    for cell in answer_cells:
        cell.source = by_id[cell.get("id")]
    return nb


def _nbgrader(course, *args):
    env = {k: v for k, v in os.environ.items() if k != "COLORLAB_MODE"}  # the config must set it
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # alembic
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


def test_nbgrader_pipeline_scores_like_colorlab_grade(tmp_path):
    pytest.importorskip("nbgrader", reason="nbgrader is not installed (pip install -e .[grading])")
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    assert main(["make-exercises", "--nbgrader", str(course), "--solutions", str(SOLUTIONS)]) == 0
    _nbgrader(course, "generate_assignment", ASSIGNMENT)
    released = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    mistakes = ROOT / "tests" / "fixtures" / f"{ASSIGNMENT}_mistakes.ipynb"
    students = {"solved": course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                "blank": released, "mistakes": tmp_path / f"{ASSIGNMENT}.ipynb"}
    nbformat.write(filled_in(released, mistakes), students["mistakes"])
    for student, notebook in students.items():
        target = course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copy(notebook, target)
    _nbgrader(course, "autograde", ASSIGNMENT)
    _nbgrader(course, "generate_feedback", ASSIGNMENT)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {s: gradebook.find_submission(ASSIGNMENT, s).score for s in students}
        total = gradebook.find_assignment(ASSIGNMENT).max_score
    ours = grade.grade_notebook(mistakes, solutions=SOLUTIONS)
    assert total == ours["max"] > 0
    assert scores == {"solved": total, "blank": 0, "mistakes": ours["score"]}, (scores, ours)
    assert 0 < ours["score"] < total

    graded = nbformat.read(course / "autograded" / "blank" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                           as_version=4)
    printed = "".join(o.get("text", "") for c in graded.cells for o in c.get("outputs", []))
    assert "mode: smoke" in printed  # set by nbgrader_config.py, not by this test's environment
    feedback = (course / "feedback" / "mistakes" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "BEGIN HIDDEN TESTS" not in feedback and "# TASK" in feedback
