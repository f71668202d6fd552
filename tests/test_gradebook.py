"""Grading a class folder (colorlab.grading.gradebook, ``python -m colorlab grade DIR -j N``).

The first tests need no kernel. The class tests grade a tiny pure-python exercise (three tasks,
one with a hidden test) so that each notebook takes seconds; the class holds every kind of bad
input an instructor meets: a file that is not a notebook, a broken one, a notebook of another
exercise, a cell that loops forever, a cell that copies the answers from the solutions folder,
a cell that deletes files, a cell that kills the grader's worker process.
"""

import csv
import json
import re
from pathlib import Path

import nbformat
import pytest

from colorlab.course.cli import main
from colorlab.grading import exercises, grade, gradebook

SOLUTION_CELLS = [
    "### BEGIN SOLUTION\ndef double(x):\n    return 2 * x\n### END SOLUTION",
    "# TASK 1 (2 points)\nassert double(3) == 6, 'double(3) should be 6'",
    "### BEGIN SOLUTION\ndef mean(xs):\n    return sum(xs) / len(xs)\n### END SOLUTION",
    "# TASK 2 (1 point)\nassert mean([1, 2, 6]) == 3, 'mean([1, 2, 6]) should be 3'",
    "### BEGIN SOLUTION\ndef clip01(x):\n    return min(max(x, 0.0), 1.0)\n### END SOLUTION",
    "# TASK 3 (3 points)\nassert clip01(0.5) == 0.5\n### BEGIN HIDDEN TESTS\n"
    "assert clip01(-7.25) == 0, 'clip01 fails below 0'\n### END HIDDEN TESTS",
]
RIGHT = {0: "def double(x):\n    return 2 * x", 2: "def mean(xs):\n    return sum(xs) / len(xs)",
         4: "def clip01(x):\n    return min(max(x, 0.0), 1.0)"}
COPY_THE_SOLUTION = """import json  # the answers, from the solutions folder beside the class
for cell in json.load(open('../solutions/01_tiny.ipynb'))['cells']:
    source = ''.join(cell['source'])
    if cell['cell_type'] == 'code' and not source.startswith('# TASK'):
        exec(source)"""
DELETE_EVERYTHING = """import glob, os, shutil
for p in glob.glob('*') + glob.glob('../*'):
    shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """tmp/solutions/01_tiny.ipynb, a 02_tiny beside it, and 01's exercise (tmp/exercise.ipynb)."""
    root = tmp_path_factory.mktemp("course")
    (root / "solutions").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in SOLUTION_CELLS]
    nbformat.write(nb, root / "solutions" / "01_tiny.ipynb")
    nbformat.write(nb, root / "solutions" / "02_tiny.ipynb")
    nbformat.write(exercises.make_exercise(nb, "01_tiny"), root / "exercise.ipynb")
    return root


def student(course, path, answers=None, extra=None, assignment=None):
    """Write the exercise to ``path`` with ``answers`` ({cell index: code}, indices of
    SOLUTION_CELLS) in place of the stubs, an ``extra`` cell (index, code) put in, and
    ``assignment`` as the exercise's name."""
    nb = nbformat.read(course / "exercise.ipynb", as_version=4)
    offset = len(nb.cells) - len(SOLUTION_CELLS)  # cells make_exercise puts first (launch, Colab)
    for i, code in (answers or {}).items():
        nb.cells[i + offset].source = code
    if extra:
        nb.cells.insert(extra[0] + offset, nbformat.v4.new_code_cell(extra[1]))
    if assignment:
        nb.metadata["colorlab"]["assignment"] = assignment
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def read_gradebook(folder) -> dict:
    """{student: [row, ...]} from folder/gradebook.csv, checking its columns."""
    with open(folder / "gradebook.csv", newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == gradebook.COLUMNS
        rows = list(reader)
    by_student = {}
    for row in rows:
        by_student.setdefault(row["student"], []).append(row)
    return by_student


def points(rows) -> dict:
    return {row["task"]: int(row["points"]) for row in rows}


# ---------------------------------------------------------------------------------------------
# Without a kernel
# ---------------------------------------------------------------------------------------------
def test_students_are_named_after_their_file_or_their_folder(tmp_path):
    (tmp_path / "bob" / "week3").mkdir(parents=True)
    for name in ["alice.ipynb", "bob/week3/03_lab.ipynb", "bob/04_unet.ipynb", "carol.pdf",
                 "gradebook.csv", "feedback/alice.md", ".ipynb_checkpoints/alice.ipynb",
                 "bob/.ipynb_checkpoints/04_unet-checkpoint.ipynb", "dave/notes.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    (tmp_path / "erin").mkdir()
    found = [(s.student, s.path.relative_to(tmp_path).as_posix(), s.problem)
             for s in gradebook.find_submissions(tmp_path)]
    assert [f[:2] for f in found] == [
        ("alice", "alice.ipynb"), ("bob", "bob/04_unet.ipynb"), ("bob", "bob/week3/03_lab.ipynb"),
        ("carol", "carol.pdf"), ("dave", "dave"), ("erin", "erin")]
    problems = {student: problem for student, _, problem in found if problem}
    assert problems["carol"].startswith("carol.pdf is not a notebook (.ipynb): nothing graded")
    assert problems["dave"].startswith("no notebook in dave/ (found notes.txt)")
    assert problems["erin"].startswith("no notebook in erin/ (empty)")


def test_each_notebook_is_matched_to_its_exercise_or_told_why_not(course, tmp_path):
    solutions = course / "solutions"
    ours = gradebook.Submission("alice", student(course, tmp_path / "alice.ipynb"))
    other = gradebook.Submission("erin", student(course, tmp_path / "erin.ipynb",
                                                 assignment="02_tiny"))
    expected = gradebook.exercise_solution(solutions, "01")
    assert expected == solutions / "01_tiny.ipynb"
    assert gradebook.solution_for(ours, solutions, expected) == expected
    assert gradebook.solution_for(other, solutions) == solutions / "02_tiny.ipynb"
    with pytest.raises(exercises.AssignmentError, match="erin.ipynb is exercise 02_tiny, not "
                       "01_tiny: nothing graded. Ask erin to hand in 01_tiny"):
        gradebook.solution_for(other, solutions, expected)
    (tmp_path / "dave.ipynb").write_text("%PDF-1.4 not json")
    with pytest.raises(exercises.AssignmentError, match="dave.ipynb is not a notebook Jupyter can "
                       "open .NotJSONError"):
        gradebook.solution_for(gradebook.Submission("dave", tmp_path / "dave.ipynb"), solutions)
    with pytest.raises(exercises.AssignmentError, match=r"--exercise 0 names 2 of the solution "
                       r"notebooks in .* \(there: 01_tiny, 02_tiny\)"):
        gradebook.exercise_solution(solutions, "0")


def test_gradebook_and_feedback_files(tmp_path):
    results = [
        {"student": "bob", "exercise": "01_tiny", "notebook": "class/bob.ipynb", "score": 2,
         "max": 6, "status": "ok", "seconds": 1.0, "tasks": [
             {"id": "1", "points": 2, "max": 2, "status": "pass", "message": ""},
             {"id": "2", "points": 0, "max": 4, "status": "fail", "message": 'a "quoted", msg'}]},
        {"student": "carol", "exercise": "01_tiny", "notebook": "class/carol.pdf", "score": 0,
         "max": 6, "status": "error: carol.pdf is not a notebook", "seconds": 0.0, "tasks": [],
         "error": True}]
    gradebook.write_gradebook(tmp_path / "gradebook.csv", results)
    book = read_gradebook(tmp_path)
    assert [(r["task"], r["points"], r["max"], r["message"]) for r in book["bob"]] == [
        ("1", "2", "2", ""), ("2", "0", "4", 'a "quoted", msg')]
    assert [(r["task"], r["points"], r["max"], r["message"]) for r in book["carol"]] == [
        ("-", "0", "6", "carol.pdf is not a notebook")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gradebook.csv"]  # no temporary left
    gradebook.write_feedback(tmp_path / "feedback", results)
    bob = (tmp_path / "feedback" / "bob.md").read_text(encoding="utf-8")
    assert "## 01_tiny: 2/6 points" in bob and '- ✘ task 2, 0/4: a "quoted", msg' in bob
    assert "Note: carol.pdf is not a notebook" in (tmp_path / "feedback" / "carol.md").read_text()


def test_grade_says_what_to_pass_when_options_do_not_fit(course, tmp_path, capsys):
    notebook = student(course, tmp_path / "class" / "alice.ipynb")
    assert main(["grade", str(notebook), "-j", "2"]) == 2
    assert "-j and --exercise grade a folder of submissions" in capsys.readouterr().err
    assert main(["grade", str(tmp_path / "class"), str(notebook)]) == 2
    assert "grade one class folder at a time" in capsys.readouterr().err
    assert main(["grade", str(tmp_path / "class"), "--exercise", "9",
                 "--solutions", str(course / "solutions")]) == 2
    assert "--exercise 9 names 0 of the solution notebooks" in capsys.readouterr().err
    assert not (tmp_path / "class" / "gradebook.csv").exists()


# ---------------------------------------------------------------------------------------------
# A class, graded by kernels
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def graded(course, tmp_path_factory):
    """A class of nine, every bad input among them, graded by the CLI with 2 workers."""
    folder = course / "class"
    student(course, folder / "alice.ipynb", RIGHT)
    student(course, folder / "bob" / "tiny" / "my_work.ipynb",  # a folder per student
            {**RIGHT, 2: "def mean(xs):\n    return sum(xs) / (len(xs) - 1)",
             4: "def clip01(x):\n    return min(x, 1.0)"})
    (folder / "carol.docx").write_bytes(b"PK\x03\x04 a word document")
    (folder / "dave.ipynb").write_text("%PDF-1.4 a notebook printed to PDF, renamed")
    student(course, folder / "erin.ipynb", RIGHT, assignment="02_tiny")
    student(course, folder / "frank.ipynb", RIGHT, extra=(2, "while True:\n    pass"))
    student(course, folder / "gina.ipynb", extra=(0, COPY_THE_SOLUTION))  # else blank
    student(course, folder / "henry.ipynb", RIGHT, extra=(0, DELETE_EVERYTHING))
    before = {p: p.read_bytes() for p in course.rglob("*") if p.is_file()}
    code = main(["grade", str(folder), "-j", "2", "--exercise", "01", "--solutions",
                 str(course / "solutions"), "--cell-timeout", "10", "--timeout", "60"])
    return {"code": code, "before": before, "book": read_gradebook(folder), "folder": folder}


def test_a_class_is_graded_into_a_gradebook(graded, capsys):
    book = graded["book"]
    assert sorted(book) == ["alice", "bob", "carol", "dave", "erin", "frank", "gina", "henry"]
    assert points(book["alice"]) == {"1": 2, "2": 1, "3": 3}
    assert points(book["bob"]) == {"1": 2, "2": 0, "3": 0}
    assert book["bob"][2]["message"] == "AssertionError: clip01 fails below 0"  # hidden test ran
    assert {row["exercise"] for rows in book.values() for row in rows} == {"01_tiny"}
    assert graded["code"] == 1  # some notebooks could not be graded


@pytest.mark.parametrize("who, says", [
    ("carol", "carol.docx is not a notebook (.ipynb): nothing graded"),
    ("dave", "dave.ipynb is not a notebook Jupyter can open (NotJSONError"),
    ("erin", "erin.ipynb is exercise 02_tiny, not 01_tiny: nothing graded"),
])
def test_what_cannot_be_graded_gets_one_line_saying_why(graded, who, says):
    (row,) = graded["book"][who]
    assert (row["task"], row["points"], row["max"]) == ("-", "0", "6")
    assert row["message"].startswith(says)


def test_a_cell_that_loops_forever_costs_only_the_tasks_after_it(graded):
    rows = graded["book"]["frank"]
    assert points(rows) == {"1": 2, "2": 0, "3": 0}
    assert re.fullmatch(r"not reached \(stopped: cell \d+ ran past 10 s\)", rows[1]["message"]), \
        rows[1]["message"]


def test_grading_runs_on_a_copy_so_relative_paths_reach_neither_class_nor_solutions(graded):
    """gina's first cell copies the answers from ../solutions/ (where they are, seen from the
    class folder) and henry's deletes everything in . and .. (the class folder and the
    solutions, seen from the class folder): on the temporary copy, gina's cell finds no
    solutions and henry's deletes only that copy."""
    assert points(graded["book"]["gina"]) == {"1": 0, "2": 0, "3": 0}
    assert points(graded["book"]["henry"]) == {"1": 2, "2": 1, "3": 3}
    for path, content in graded["before"].items():
        assert path.is_file() and path.read_bytes() == content, f"{path} was changed"


def test_copying_the_solution_would_score_without_the_copy(course, tmp_path):
    """The control for the test above: graded where it was handed in, gina's notebook does
    read the solutions folder next to it, and scores full marks."""
    gina = student(course, course / "control" / "gina.ipynb", extra=(0, COPY_THE_SOLUTION))
    (result,) = grade.grade([gina], course / "solutions", cell_timeout=30)
    assert result["score"] == 6, grade.format_report([result])


def test_feedback_per_student_leaves_the_hidden_tests_out(graded):
    feedback = graded["folder"] / "feedback"
    assert sorted(p.stem for p in feedback.glob("*.md")) == sorted(graded["book"])
    bob = (feedback / "bob.md").read_text(encoding="utf-8")
    assert "## 01_tiny: 2/6 points" in bob and "Graded: `my_work.ipynb`" in bob
    assert "- ✘ task 3, 0/3: AssertionError: clip01 fails below 0" in bob
    for text in map(Path.read_text, feedback.glob("*.md")):
        assert "-7.25" not in text and "HIDDEN" not in text and "__colorlab_guard" not in text


def test_progress_is_plain_text_lines_when_not_on_a_terminal(tmp_path, capsys):
    (tmp_path / "bob.txt").write_text("my answers: 42")
    (tmp_path / "carol.ipynb").write_text("")
    assert main(["grade", str(tmp_path), "--json"]) == 1
    out, err = capsys.readouterr()
    assert [r["student"] for r in json.loads(out)] == ["bob", "carol"]
    assert main(["grade", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert "graded 2/2: " in err and "\r" not in err  # lines, not a bar
    assert re.search(r"^carol +- +carol.ipynb is not a notebook Jupyter can open", out, re.M)
    assert "0 graded, 2 not graded; wrote" in out


def test_a_notebook_that_kills_its_worker_loses_only_its_own_line(course, tmp_path):
    folder = tmp_path / "class"
    student(course, folder / "alice.ipynb", RIGHT)
    student(course, folder / "ivan.ipynb", RIGHT, extra=(0, "import os, signal\n"
                                                          "os.kill(os.getppid(), signal.SIGKILL)"))
    student(course, folder / "judy.ipynb", RIGHT)
    results = gradebook.grade_class(folder, course / "solutions", jobs=2, cell_timeout=30,
                                    progress=False)
    assert [(r["student"], r["score"]) for r in results] == [("alice", 6), ("ivan", 0),
                                                             ("judy", 6)]
    assert "its code stopped the grading worker process" in results[1]["status"]
