"""Exercises from solutions and grading (colorlab.grading), and the feedback checks
(colorlab.grading.checks).

The generation and grading tests use a tiny solution notebook built here (three pure-python
tasks), so they run in seconds; the last tests run over the course's own solutions/.
"""

import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from ipykernel.kernelspec import get_kernel_dict
from skimage import color as skcolor

from colorlab.course import launch
from colorlab.course.cli import main
from colorlab.grading import checks, exercises, grade
from colorlab.grading.checks import CheckFailed

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))

DOUBLE = '''import os

def double(x):
    """2 x."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION'''
TASK_1 = '''# TASK 1 (2 points)
from colorlab.grading.checks import check_function
check_function(double, lambda x: 2 * x, {"a positive number": (3,), "zero": (0,)})'''
MEAN = '''def mean(xs):
    ### BEGIN SOLUTION
    return sum(xs) / len(xs)
    ### END SOLUTION'''
TASK_2 = '''# TASK 2 (1 point)
check_function(mean, lambda xs: sum(xs) / len(xs), {"three numbers": ([1, 2, 6],)})'''
CLIP = '''def clip01(x):
    if x < 0:
        ### BEGIN SOLUTION
        return 0.0
        ### END SOLUTION
    return min(x, 1.0)'''
TASK_3 = '''# TASK 3 (3 points)
assert clip01(0.5) == 0.5
print("visible test passes")

### BEGIN HIDDEN TESTS
assert clip01(-1) == 0, "clip01 fails below 0"
### END HIDDEN TESTS'''


def code(source, **metadata):
    cell = nbformat.v4.new_code_cell(source, metadata=metadata)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="old output\n")]
    cell.execution_count = 7
    return cell


def tiny_solution():
    nb = nbformat.v4.new_notebook(metadata={"papermill": {"duration": 1.5}, "kernelspec": {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny\nWhy? <!-- BEGIN SOLUTION -->Because.\n"
                                      "Really.<!-- END SOLUTION --> Done."),
        code('MODE = "auto"', tags=["parameters"], papermill={"duration": 0.1}),
        code(DOUBLE), code(TASK_1), code(MEAN), code(TASK_2), code(CLIP), code(TASK_3),
        code("### BEGIN SOLUTION\nANSWER = 42\n### END SOLUTION"),
    ]
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """tmp/solutions/01_tiny.ipynb and its generated tmp/exercises/01_tiny.ipynb."""
    root = tmp_path_factory.mktemp("course")
    (root / "solutions").mkdir()
    nbformat.write(tiny_solution(), root / "solutions" / "01_tiny.ipynb")
    assert main(["make-exercises", "--solutions", str(root / "solutions"),
                 "--out", str(root / "exercises")]) == 0
    return root


def student(course, name, answers=None, insert=None, tamper=None):
    """A filled-in copy of the exercise: answers {cell index: code replacing the stub},
    insert (index, source) adds a cell, tamper {cell index: new source}."""
    nb = nbformat.read(course / "exercises" / "01_tiny.ipynb", as_version=4)
    for i, answer in (answers or {}).items():
        nb.cells[i].source = nb.cells[i].source.replace("raise NotImplementedError()", answer)
    for i, source in (tamper or {}).items():
        nb.cells[i].source = source
    if insert:
        nb.cells.insert(insert[0], nbformat.v4.new_code_cell(insert[1]))
    path = course / "students" / name
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


RIGHT = {3: "return 2 * x", 5: "return sum(xs) / len(xs)", 7: "return 0.0"}  # cell 1: Colab


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------
def test_strip_code_keeps_indentation_and_drops_hidden_tests():
    assert exercises.strip_code(CLIP).split("\n") == [
        "def clip01(x):", "    if x < 0:", "        # YOUR CODE HERE",
        "        raise NotImplementedError()", "    return min(x, 1.0)"]
    assert exercises.strip_code(TASK_3) == ('# TASK 3 (3 points)\nassert clip01(0.5) == 0.5\n'
                                         'print("visible test passes")')


def test_exercise_content(course):
    nb = nbformat.read(course / "exercises" / "01_tiny.ipynb", as_version=4)
    sources = [c.source for c in nb.cells]
    launch_line = launch.launch_line("exercises/01_tiny.ipynb")
    assert sources[0] == f"# Tiny\n\n{launch_line}\n\nWhy? _Your answer here._ Done."
    assert sources[1] == launch.colab_setup_source() and nb.cells[1].id == "colab-setup"
    assert "    # YOUR CODE HERE\n    raise NotImplementedError()" in sources[3]
    assert "return 2 * x" not in sources[3] and "BEGIN" not in "".join(sources)
    assert "clip01(-1)" not in sources[8] and "visible test passes" in sources[8]
    assert sources[9] == "# YOUR CODE HERE\nraise NotImplementedError()"
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code_cells)
    assert nb.cells[2].metadata == {"tags": ["parameters"]}
    assert nb.cells[4].metadata == {"deletable": False, "editable": False}
    assert nb.metadata == {"colorlab": {"assignment": "01_tiny"},
                           "kernelspec": exercises.KERNELSPEC,
                           "language_info": exercises.LANGUAGE_INFO}  # the solution has no version
    assert [exercises.task_of(c) for c in nb.cells if exercises.task_of(c)] == [
        ("1", 2), ("2", 1), ("3", 3)]


def test_exercise_takes_its_solutions_python_version_and_the_repository_given():
    solution = tiny_solution()
    solution.metadata["language_info"] = {"name": "python", "version": "3.12.1"}
    nb = exercises.make_exercise(solution, "01_tiny", repository="https://github.com/example/course")
    assert nb.metadata.language_info == {**exercises.LANGUAGE_INFO, "version": "3.12.1"}
    assert "github/example/course/blob/main/exercises/01_tiny.ipynb" in nb.cells[0].source
    assert "git+https://github.com/example/course" in nb.cells[1].source


@pytest.mark.parametrize("path", sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb")),
                         ids=lambda p: p.stem)
def test_exercise_metadata_is_what_jupyterlab_writes(path):
    """kernelspec and language_info as JupyterLab writes them when the kernel starts, the same
    as the lecture's, so that a fresh clone opens without unsaved changes. Only the Python
    version may differ (the kernel's own)."""
    meta = nbformat.read(path, as_version=4).metadata
    kernel = get_kernel_dict()
    assert meta.kernelspec == {"display_name": kernel["display_name"],
                               "language": kernel["language"], "name": "python3"}
    lecture = nbformat.read(ROOT / "notebooks" / path.name, as_version=4).metadata
    assert meta.kernelspec == lecture.kernelspec
    assert meta.language_info.keys() == lecture.language_info.keys()
    assert {**meta.language_info, "version": None} == {**lecture.language_info, "version": None}


def test_generation_is_deterministic_and_check_detects_drift(course, tmp_path, capsys):
    out = tmp_path / "exercises"
    args = ["make-exercises", "--solutions", str(course / "solutions"), "--out", str(out)]
    assert main(args) == 0
    first = (out / "01_tiny.ipynb").read_bytes()
    assert first == (course / "exercises" / "01_tiny.ipynb").read_bytes() and first.endswith(b"\n")
    assert exercises.make_exercises(course / "solutions", out) == []  # a second run changes nothing
    assert (out / "01_tiny.ipynb").read_bytes() == first
    assert main(args + ["--check"]) == 0

    (out / "01_tiny.ipynb").write_bytes(first.replace(b"YOUR CODE HERE", b"my code"))
    (out / "99_old.ipynb").write_text("{}")
    capsys.readouterr()
    assert main(args + ["--check"]) == 1
    err = capsys.readouterr().err
    assert "01_tiny.ipynb: differs" in err and "99_old.ipynb: stale" in err
    assert main(args) == 0
    assert (out / "01_tiny.ipynb").read_bytes() == first and not (out / "99_old.ipynb").exists()


def test_nbgrader_source_marks_tasks_and_answers(course, tmp_path):
    written = exercises.write_nbgrader_source(course / "solutions", tmp_path / "source")
    assert written == [tmp_path / "source" / "01_tiny" / "01_tiny.ipynb"]
    nb = nbformat.read(written[0], as_version=4)
    meta = [c.metadata.get("nbgrader") for c in nb.cells]
    assert meta[3] == {"grade": True, "solution": False, "locked": True, "points": 2,
                       "grade_id": "task_1", "schema_version": 3, "task": False}
    assert meta[7]["points"] == 3 and "### BEGIN HIDDEN TESTS" in nb.cells[7].source
    assert all(meta[i]["solution"] and not meta[i]["grade"] for i in (2, 4, 6, 8))
    assert meta[0] is None and meta[1] is None
    assert len({m["grade_id"] for m in meta if m}) == 7  # nbgrader needs them unique


@pytest.mark.parametrize("source, problem", [
    ("x = 1\n### BEGIN SOLUTION\ny = 2", "never closed"),
    ("### END SOLUTION", "without its BEGIN"),
    ("# TASK 1 (1 point)\n### BEGIN HIDDEN TESTS\n### BEGIN HIDDEN TESTS", "inside an open"),
    ("x = 1\n### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS", "outside a TASK cell"),
    ("# TASK 1 (2 points)\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "must not hold"),
    ("# TASK 1 (2 pts)\nassert True", "should read"),
])
def test_marker_mistakes_are_reported(source, problem):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    with pytest.raises(exercises.AssignmentError, match=problem):
        exercises.make_exercise(nb, "01_bad")


# ---------------------------------------------------------------------------------------------
# Grading
# ---------------------------------------------------------------------------------------------
def scores(result):
    return {t["id"]: t["points"] for t in result["tasks"]}


def test_grading_exercise_scores_zero_and_mistakes_get_partial_marks(course, capsys):
    mistakes = student(course, "mistakes.ipynb",
                       answers={**RIGHT, 5: "return sum(xs) / (len(xs) - 1)", 7: "return x"},
                       tamper={6: "# TASK 2 (1 point)\nprint('all good!')",  # checks edited
                               8: "print('no more TASK header')"})  # found by its cell id
    exercise = course / "exercises" / "01_tiny.ipynb"
    assert main(["grade", str(exercise), str(mistakes), "--json", "--solutions",
                 str(course / "solutions"), "--cell-timeout", "30"]) == 0
    empty, wrong = json.loads(capsys.readouterr().out)
    assert (empty["score"], empty["max"], empty["status"]) == (0, 6, "ok")
    assert empty["tasks"][0]["message"].startswith("not implemented yet: write double above")
    assert (wrong["score"], scores(wrong)) == (2, {"1": 2, "2": 0, "3": 0})
    messages = {t["id"]: t["message"] for t in wrong["tasks"]}
    assert messages["2"].splitlines()[0] == "mean: wrong values for three numbers"  # still ran
    assert "values off for three numbers" in messages["2"]  # the whole message: its detail too
    assert messages["3"] == "AssertionError: clip01 fails below 0"  # the hidden test ran


def test_grading_survives_loops_and_crashes(course, tmp_path):
    loop = student(course, "loop.ipynb", RIGHT, insert=(5, "while True:\n    pass"))
    crash = student(course, "crash.ipynb", RIGHT, insert=(5, "os._exit(1)"))
    good = student(course, "01_tiny.ipynb", RIGHT)  # matched by file name, not metadata
    results = grade.grade([loop, crash, good], course / "solutions", cell_timeout=2,
                           save=tmp_path)
    looped, crashed, full = results
    assert scores(looped) == scores(crashed) == {"1": 2, "2": 0, "3": 0}
    assert "ran past 2 s" in looped["status"] and "kernel died" in crashed["status"]
    assert looped["tasks"][1]["status"] == "not run"
    assert (full["score"], full["max"], full["status"]) == (6, 6, "ok")
    saved = (tmp_path / "01_tiny.ipynb").read_text()  # feedback copy, without hidden tests
    assert "visible test passes" in saved and "clip01(-1)" not in saved
    report = grade.format_report(results)
    assert "loop.ipynb: 2/6 points" in report and f"{good} 6/6" in report


TAMPERING = {  # a cell a student might add, and where, to pass the checks without the work
    "replace the check": (1, "import colorlab.grading.checks\n"
                             "colorlab.grading.checks.check_function = lambda *a, **k: None"),
    "replace it via an alias": (1, "from colorlab.grading import checks as c\n"
                                   "c.check_function = lambda *a, **k: print('pass')"),
    "a fake module": (1, "import sys, types\nfake = types.ModuleType('colorlab.grading.checks')\n"
                         "fake.check_function = lambda *a, **k: None\n"
                         "sys.modules['colorlab.grading.checks'] = fake"),
    "rebind the name": (5, "check_function = lambda *a, **k: None"),  # after TASK 1 imported it
    "replace it in its part": (1, "import colorlab.grading.checks.harness\n"
                                  "colorlab.grading.checks.harness.check_function = "
                                  "lambda *a, **k: None"),
    "a fake part": (1, "import sys, types\nimport colorlab.grading.checks\n"
                       "fake = types.ModuleType('colorlab.grading.checks.harness')\n"
                       "fake.__dict__.update(vars(sys.modules['colorlab.grading.checks.harness']))\n"
                       "fake.check_function = lambda *a, **k: None\n"
                       "sys.modules['colorlab.grading.checks.harness'] = fake"),
}


@pytest.mark.parametrize("how", TAMPERING)
def test_grading_ignores_a_monkeypatched_checks_module(course, tmp_path, how):
    """Student code runs in the grader's kernel before the check cells: replacing
    colorlab.grading.checks.check_function earned the points of a blank exercise (3 of 6 here). The
    guard loads a fresh colorlab.grading.checks, and each of its parts, from their files before each
    check cell."""
    blank = student(course, f"tamper-{how.replace(' ', '_')}.ipynb", insert=TAMPERING[how])
    (result,) = grade.grade([blank], course / "solutions", save=tmp_path)
    assert result["score"] == 0 and result["status"] == "ok", grade.format_report([result])
    assert result["tasks"][0]["message"] == ("not implemented yet: write double above, then "
                                             "re-run this cell")
    saved = (tmp_path / blank.name).read_text()  # the guard is hidden from the feedback copy
    assert "__colorlab_guard" not in saved and "check_function(double" in saved


def test_grading_fails_tasks_after_a_reference_is_replaced(course):
    """Replacing a function of another colorlab module (the references the checks compare
    with) by notebook code fails every task after it, naming what was replaced."""
    cheat = student(course, "cheat-reference.ipynb", RIGHT, insert=(
        5, "import colorlab.color\ncolorlab.color.srgb_to_linear = lambda x: x"))
    (result,) = grade.grade([cheat], course / "solutions")
    assert scores(result) == {"1": 2, "2": 0, "3": 0}  # task 1 ran before the cell
    assert result["tasks"][1]["message"].startswith(
        "colorlab.color.srgb_to_linear was replaced by code in this notebook")


def test_blank_exercise_03_with_a_patched_check_scores_zero(tmp_path):
    """The case a reviewer tried: a blank exercise 03 plus one cell that replaces a check scored
    1 of 9 before the guard."""
    nb = nbformat.read(ROOT / "exercises" / "03_lab_color_math.ipynb", as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell(
        "import colorlab.grading.checks\n"
        "for name in dir(colorlab.grading.checks):\n"
        "    if name.startswith('check_'):\n"
        "        setattr(colorlab.grading.checks, name, lambda *a, **k: None)"))
    path = tmp_path / "03_lab_color_math.ipynb"
    nbformat.write(nb, path)
    (result,) = grade.grade([path], ROOT / "solutions")
    assert (result["score"], result["max"]) == (0, 9), grade.format_report([result])


def test_grading_reports_notebooks_it_cannot_grade(course, tmp_path, capsys):
    stray = tmp_path / "77_unknown.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), stray)
    assert main(["grade", str(stray), "--solutions", str(course / "solutions")]) == 1
    assert "no matching solution" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------
# Checks: generic helpers
# ---------------------------------------------------------------------------------------------
def failure(check, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as err:
        check(*args, **kwargs)
    return str(err.value)


def test_generic_helpers():
    assert checks.rel_error([1.0, 2.0], [1.0, 2.0]) == 0
    assert abs(checks.rel_error(1.0, 1.1) - 0.1 / 2.1) < 1e-12
    assert issubclass(CheckFailed, AssertionError)
    msg = failure(checks.check_shape, "f", torch.zeros(4, 8, 8, 3), (4, 3, 8, 8))
    assert msg == "f: expected shape (4, 3, 8, 8), got (4, 8, 8, 3): channels-first? " \
                  "colorlab keeps tensors as (N, C, H, W)"
    assert "squeeze" in failure(checks.check_shape, "f", torch.zeros(4, 1), (4,))
    hint = (checks.near(torch.tensor([20.0])), "doubled?")
    assert failure(checks.check_close, "f", [20.0], [10.0], hints=[hint]).startswith("f: doubled?")
    rendered = CheckFailed("f: wrong\n  detail")._render_traceback_()
    assert len(rendered) == 2 and "✘ f: wrong" in rendered[0]


def test_check_function_messages(capsys):
    def twice(x):
        raise NotImplementedError()

    cases = {"three": (3,)}
    assert failure(checks.check_function, twice, lambda x: 2 * x, cases) == \
        "not implemented yet: write twice above, then re-run this cell"
    assert "returned None" in failure(checks.check_function, lambda x: None, abs, cases)
    assert "raised ZeroDivisionError for three" in failure(checks.check_function,
                                                           lambda x: x / 0, abs, cases)
    checks.check_function(lambda x: 2 * x, lambda x: 2 * x, cases, name="twice")
    assert capsys.readouterr().out == "✔ twice: 1 case passes\n"


def test_failures_point_at_the_learners_line_not_at_colorlab():
    """The "(line N: `code`)" of a failure is the learner's innermost line: frames in any
    colorlab module (here colorlab.color's input check) are skipped, not only those of checks."""
    from colorlab import color

    def to_lab(x):
        return color.rgb_to_lab(x[:2])  # two channels: colorlab.color raises

    cases = {"an image": (torch.rand(3, 2, 2),)}
    msg = failure(checks.check_function, to_lab, color.rgb_to_lab, cases)
    assert "raised ValueError for an image" in msg and "(line" in msg
    assert "`return color.rgb_to_lab(x[:2])" in msg


def test_checks_parts_are_every_module_in_import_order():
    """The grader's guard loads checks.PARTS one by one from their files, then __init__.py: a
    module missing from PARTS, or listed before a part it imports, would be loaded from
    sys.modules (open to tampering) or fail."""
    import ast

    folder = Path(checks.__file__).parent
    assert set(checks.PARTS) == {p.stem for p in folder.glob("*.py")} - {"__init__"}
    for i, part in enumerate(checks.PARTS):
        tree = ast.parse((folder / f"{part}.py").read_text())
        used = {node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.level == 1}
        assert used <= set(checks.PARTS[:i]), f"{part} imports {used - set(checks.PARTS[:i])}"
        assert not any(isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "colorlab.grading.checks") for node in ast.walk(tree)), f"{part}: import relatively"
    public = [name for part in checks.PARTS for name in vars(getattr(checks, part))
              if name.startswith("check_")]
    assert sorted(set(public)) == sorted(n for n in checks.__all__ if n.startswith("check_"))
    assert all(hasattr(checks, name) for name in checks.__all__)


# ---------------------------------------------------------------------------------------------
# Checks: the specific ones, on the reference and on deliberately wrong versions
# ---------------------------------------------------------------------------------------------
def test_check_mean_intensity():
    checks.check_mean_intensity(lambda im: im.float().div(255).mean(dim=(1, 2, 3)))
    assert "255x" in failure(checks.check_mean_intensity, lambda im: im.float().mean(dim=(1, 2, 3)))
    assert "one channel" in failure(checks.check_mean_intensity,
                                    lambda im: im[:, 0].float().div(255).mean(dim=(1, 2)))
    assert "got (4, 1)" in failure(checks.check_mean_intensity,
                                   lambda im: im.float().div(255).mean(dim=(1, 2, 3))[:, None])


def test_check_forward_shape():
    from colorlab.models import MeanRegressor

    checks.check_forward_shape(MeanRegressor, (4, 3, 32, 32), (4,))
    model = MeanRegressor()
    assert "batch dimension" in failure(checks.check_forward_shape, lambda x: model(x).squeeze())


def test_build_says_not_implemented_instead_of_a_traceback():
    class TinyCNN(torch.nn.Module):
        def __init__(self, width=16):
            super().__init__()
            raise NotImplementedError()

    def blocks(cin, cout=4):
        raise TypeError("no such layer")

    not_yet = "not implemented yet: write TinyCNN above, then re-run this cell"
    assert failure(checks.check_forward_shape, TinyCNN) == not_yet
    assert failure(checks.build, TinyCNN, width=8) == not_yet
    assert failure(checks.build, blocks, 3, cout=8).startswith(
        "blocks raised TypeError for blocks(3, cout=8): no such layer")
    assert isinstance(checks.build(torch.nn.Conv2d, 3, 8, kernel_size=3), torch.nn.Conv2d)


def test_check_constant_baseline():
    checks.check_constant_baseline(lambda y_train, y_test: ((y_test - y_train.mean()) ** 2).mean())
    checks.check_constant_baseline(lambda y_train, y_test: float(((y_test - y_train.mean()) ** 2)
                                                                 .mean()))
    assert "predict y_train.mean()" in failure(checks.check_constant_baseline,
                                               lambda a, b: ((b - b.mean()) ** 2).mean())
    assert "mean absolute error" in failure(checks.check_constant_baseline,
                                            lambda a, b: (b - a.mean()).abs().mean())
    assert "square root" in failure(checks.check_constant_baseline,
                                    lambda a, b: ((b - a.mean()) ** 2).mean().sqrt())
    assert "measure it on y_test" in failure(checks.check_constant_baseline,
                                             lambda a, b: ((a - a.mean()) ** 2).mean())


def psnr(pred, target):  # notebook 02's
    mse = ((pred - target) ** 2).flatten(1).mean(dim=1)
    return 10 * torch.log10(1.0 / mse.clamp_min(1e-10))


def test_check_psnr():
    checks.check_psnr(psnr)
    assert "log10" in failure(checks.check_psnr, lambda p, t: psnr(p, t) * 2.302585093)
    assert "factor 10" in failure(checks.check_psnr, lambda p, t: psnr(p, t) / 10)
    assert "0-255" in failure(checks.check_psnr, lambda p, t: psnr(p, t) + 48.1308036)


def test_check_encoder_decoder():
    from colorlab.models import RGBAutoencoder

    torch.manual_seed(0)   # the Sigmoid hint needs outputs outside [0, 1]: an unlucky init had none
    ae = RGBAutoencoder(bottleneck=4, width=8)
    checks.check_encoder_decoder(ae.encoder, ae.decoder, code_shape=(2, 4, 4, 4))
    assert "Sigmoid" in failure(checks.check_encoder_decoder, ae.encoder, ae.decoder[:-1])
    assert "expected shape (2, 4, 4, 4), got (2, 32, 4, 4)" in failure(
        checks.check_encoder_decoder, ae.encoder[:-1], ae.decoder, code_shape=(2, 4, 4, 4))
    assert failure(checks.check_encoder_decoder, ae.encoder, ae.decoder[:-1],
                   name="Autoencoder").startswith("decoder (Autoencoder.decoder): outputs in")


def test_check_unet_forward():
    from colorlab.models import UNet

    class NoSkips(UNet):
        def forward(self, x):
            sizes = []
            for encode in self.encoders:
                x = encode(x)
                sizes.append(x)
                x = self.pool(x)
            x = self.bottleneck(x)
            for up, decode, skip in zip(self.ups, self.decoders, reversed(sizes)):
                x = decode(torch.cat([up(x), torch.zeros_like(skip)], dim=1))
            return self.activation(self.head(x))

    torch.manual_seed(0)
    checks.check_unet_forward(UNet(base=8))
    assert "skip connections" in failure(checks.check_unet_forward, NoSkips(base=8))
    assert "got (2, 3, 32, 32)" in failure(checks.check_unet_forward, UNet(base=8, out_ch=3))


# Independent implementations: the sRGB curves written out here from the standard
# (IEC 61966-2-1), the rest from scikit-image (channels-last numpy), none of it from colorlab.
# A check that passes them agrees with an outside source, not only with colorlab's own
# reference (passing colorlab.color.srgb_to_linear to a check that compares with
# colorlab.color.srgb_to_linear could never fail).
def _numpy(fn):
    """A torch (..., 3, H, W) function from a numpy (..., 3) channels-last one."""
    def run(x):
        a = np.moveaxis(x.detach().double().numpy(), -3, -1)
        return torch.from_numpy(np.ascontiguousarray(np.moveaxis(fn(a), -1, -3)))
    run.__name__ = fn.__name__
    return run


def srgb_to_linear_iec(x):
    a = x.double().numpy()
    return torch.from_numpy(np.where(a <= 0.04045, a / 12.92,
                                     ((np.clip(a, 0, None) + 0.055) / 1.055) ** 2.4))


def linear_to_srgb_iec(x):
    a = x.double().numpy()
    return torch.from_numpy(np.where(a <= 0.0031308, 12.92 * a,
                                     1.055 * np.clip(a, 0, None) ** (1 / 2.4) - 0.055))


def rgb2xyz(a):
    return skcolor.rgb2xyz(a, channel_axis=-1)


def xyz2lab(a):
    return skcolor.xyz2lab(a, channel_axis=-1)


def lab2rgb(a):
    return skcolor.lab2rgb(a, channel_axis=-1)


def test_color_checks_pass_on_independent_implementations():
    checks.check_srgb_to_linear(srgb_to_linear_iec)
    checks.check_linear_to_srgb(linear_to_srgb_iec)
    checks.check_rgb_to_xyz(_numpy(rgb2xyz))
    checks.check_xyz_to_lab(_numpy(xyz2lab))
    checks.check_lab_to_rgb(_numpy(lab2rgb))


def test_color_checks_name_the_mistake():
    from colorlab import color

    def swapped(x):
        return torch.where(x <= 0.0031308, x / 12.92, ((x + 0.055) / 1.055) ** 2.4)

    def offset(lab_fn, delta):
        return lambda x: lab_fn(x) + torch.tensor(delta).view(3, 1, 1)

    assert "0.04045" in failure(checks.check_srgb_to_linear, swapped)
    assert "linear toe" in failure(checks.check_srgb_to_linear,
                                   lambda x: ((x + 0.055) / 1.055) ** 2.4)
    assert "0.0031308" in failure(checks.check_linear_to_srgb, lambda x: torch.where(
        x <= 0.04045, 12.92 * x, 1.055 * x.clamp_min(0) ** (1 / 2.4) - 0.055))
    m = color.RGB_TO_XYZ
    assert "transposed" in failure(checks.check_rgb_to_xyz, lambda x: torch.einsum(
        "ij,...jhw->...ihw", m.T, color.srgb_to_linear(x)))
    assert "-16" in failure(checks.check_xyz_to_lab, offset(color.xyz_to_lab, [16.0, 0, 0]))
    assert "wrong sign" in failure(checks.check_xyz_to_lab,
                                   lambda x: color.xyz_to_lab(x) * torch.tensor([1.0, -1, -1])
                                   .view(3, 1, 1))
    white = color.rgb_to_xyz(torch.ones(3, 1, 1))
    assert "white point" in failure(checks.check_xyz_to_lab,
                                    lambda x: color.xyz_to_lab(x * white))
    to_rgb = checks.nb03._lab_args(color.lab_to_rgb)
    assert "+16" in failure(checks.check_lab_to_rgb, lambda lab: to_rgb(
        lab - torch.tensor([16.0, 0, 0]).view(3, 1, 1)))


def test_check_gray_baseline():
    def gray(rgb):  # scikit-image's Lab, not colorlab's
        lab = skcolor.rgb2lab(np.moveaxis(rgb.double().numpy(), 1, -1))
        lab[..., 1:] = 0
        return torch.from_numpy(np.moveaxis(skcolor.lab2rgb(lab), -1, 1).copy())

    checks.check_gray_baseline(gray)
    assert "mean of R, G and B" in failure(checks.check_gray_baseline,
                                           lambda rgb: rgb.mean(1, keepdim=True).expand_as(rgb))


def test_check_colorize():
    from colorlab import color

    def colorize_skimage(model, rgb):  # scikit-image's Lab, not colorlab's
        L = skcolor.rgb2lab(np.moveaxis(rgb.double().numpy(), 1, -1))[..., :1]
        ab = model(torch.from_numpy(np.moveaxis(L, -1, 1)).float() / 100).double().numpy() * 110
        lab = np.concatenate([L, np.moveaxis(ab, 1, -1)], axis=-1)
        return torch.from_numpy(np.moveaxis(skcolor.lab2rgb(lab), -1, 1).copy())

    checks.check_colorize(colorize_skimage)

    def colorize(model, rgb, scale=color.AB_SCALE, to_rgb=True):
        L = color.rgb_to_lab(rgb)[:, :1]
        lab = torch.cat([L, model(L / 100) * scale], dim=1)
        return color.lab_to_rgb(lab) if to_rgb else lab

    checks.check_colorize(colorize)
    assert "multiply by AB_SCALE" in failure(checks.check_colorize,
                                             lambda m, rgb: colorize(m, rgb, scale=1))
    assert "that is Lab" in failure(checks.check_colorize,
                                    lambda m, rgb: colorize(m, rgb, to_rgb=False))
    assert "divide L by 100" in failure(checks.check_colorize, lambda m, rgb: colorize(
        lambda L: m(L * 100), rgb))
    assert "(N, 1, H, W), got (2, 3, 8, 8)" in failure(checks.check_colorize,
                                                       lambda m, rgb: m(rgb))


def test_check_rebalancing_weights():
    from colorlab.bins import rebalancing_weights

    def raw(prior, lam):
        return 1 / ((1 - lam) * prior + lam / len(prior))

    def written_out(prior, lam):  # numpy, from the formula: not colorlab.bins
        p = prior.double().numpy()
        w = 1 / ((1 - lam) * p + lam / len(p))
        return torch.from_numpy(w / (p * w).sum())

    checks.check_rebalancing_weights(written_out)
    assert "not scaled" in failure(checks.check_rebalancing_weights, raw)
    assert "so that sum(w) = 1" in failure(checks.check_rebalancing_weights,
                                           lambda p, lam: raw(p, lam) / raw(p, lam).sum())
    assert "lam weighs the uniform part" in failure(
        checks.check_rebalancing_weights, lambda p, lam: rebalancing_weights(p, 1 - lam))
    assert "the inverse of the mix" in failure(
        checks.check_rebalancing_weights, lambda p, lam: 1 / raw(p, lam) / (p / raw(p, lam)).sum())


def test_check_annealed_mean():
    from colorlab.bins import AbBins

    def annealed_mean(logits, centers, T, dim=1):
        return torch.einsum("nqhw,qc->nchw", (logits / T).softmax(dim), centers)

    def in_numpy(logits, centers, T):  # softmax and expectation in numpy: not colorlab.bins
        z = logits.double().numpy() / T
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        return torch.from_numpy(np.einsum("nqhw,qc->nchw", p, centers.double().numpy()))

    checks.check_annealed_mean(annealed_mean)
    checks.check_annealed_mean(in_numpy)
    # and colorlab's own decoder agrees with the numpy version
    logits, centers = torch.randn(2, 9, 3, 4), torch.randn(9, 2) * 30
    assert torch.allclose(AbBins(centers, torch.ones(9)).decode(logits, 0.38).double(),
                          in_numpy(logits, centers, 0.38), atol=1e-4)
    assert "temperature is missing" in failure(checks.check_annealed_mean,
                                               lambda z, c, T: annealed_mean(z, c, 1.0))
    assert "don't multiply" in failure(checks.check_annealed_mean,
                                       lambda z, c, T: annealed_mean(z * T * T, c, T))
    assert "most likely bin" in failure(checks.check_annealed_mean,
                                        lambda z, c, T: c[z.argmax(1)].movedim(-1, 1))
    assert "wrong dimension" in failure(checks.check_annealed_mean,
                                        lambda z, c, T: annealed_mean(z, c, T, dim=0))
    assert "channels-first?" in failure(checks.check_annealed_mean,
                                        lambda z, c, T: annealed_mean(z, c, T).movedim(1, -1))


def test_check_ab_auc():
    def in_numpy(pred, true, rebalanced=False):  # a loop over thresholds: not colorlab.metrics
        d = np.sqrt(((pred.double().numpy() - true.double().numpy()) ** 2).sum(1)).ravel()
        ij = np.clip(np.round((true.double().numpy() + 110) / 10), 0, 22)
        cell = (ij[:, 0] * 23 + ij[:, 1]).ravel()
        groups = [d[cell == c] for c in np.unique(cell)] if rebalanced else [d]
        return float(np.mean([np.mean([np.mean(g <= t) for t in range(151)]) for g in groups]))

    def variant(pred, true, rebalanced=False, op=np.less_equal, ts=range(151), by_true=True,
                per_pixel=False, sqrt=True):
        d = ((pred.double().numpy() - true.double().numpy()) ** 2).sum(1).ravel()
        d = np.sqrt(d) if sqrt else d
        ab = (true if by_true else pred).double().numpy()
        ij = np.clip(np.round((ab + 110) / 10), 0, 22)
        cell = (ij[:, 0] * 23 + ij[:, 1]).ravel()
        groups = [d[cell == c] for c in np.unique(cell)] if rebalanced and not per_pixel else [d]
        return float(np.mean([np.mean([np.mean(op(g, t)) for t in ts]) for g in groups]))

    checks.check_ab_auc(in_numpy)
    checks.check_ab_auc(variant)
    for kw, phrase in (({"op": np.less}, "<= t, not < t"), ({"ts": range(150)}, "151 of them"),
                       ({"ts": range(1, 151)}, "the thresholds start at 0"),
                       ({"by_true": False}, "bin the pixels by true_ab"),
                       ({"per_pixel": True}, "each cell counting once"),
                       ({"sqrt": False}, "take the square root")):
        assert phrase in failure(checks.check_ab_auc, lambda p, t, r, kw=kw: variant(p, t, r, **kw))
    assert "a percentage" in failure(checks.check_ab_auc, lambda p, t, r: 100 * in_numpy(p, t, r))
    assert "rebalance only when asked" in failure(checks.check_ab_auc,
                                                  lambda p, t, r: in_numpy(p, t, True))


# ---------------------------------------------------------------------------------------------
# The course's own solutions/: each in sync with its exercise, full marks for the solution, zero
# for the exercise; a submission with deliberate mistakes gets partial marks
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_exercise_in_sync(solution):
    exercise = ROOT / "exercises" / solution.name
    text = exercises.exercise_text(solution).encode()
    assert exercise.exists() and exercise.read_bytes() == text, \
        f"{exercise} is out of date: run `make exercises`"


MISTAKES = "## Common mistakes and why"


def check_messages(number: str) -> str:
    """The code of colorlab/grading/checks/nbNN.py, its strings split over lines joined, so that
    a message reads as one line."""
    path = ROOT / "colorlab" / "grading" / "checks" / f"nb{number}.py"
    return re.sub(r'"\s*\\?\s*\n\s*f?"', "", path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SOLUTIONS + [ROOT / "exercises" / s.name for s in SOLUTIONS],
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_common_mistakes_come_after_the_tasks_and_the_checks_catch_them(path):
    """One "Common mistakes and why" cell after the last TASK cell: for each task, in order, a
    line **<id> ...** and 2-4 bullets; each bullet quotes in «» at least one phrase (3 words or
    more) of a message in the exercise's checks module, so each mistake it explains is one the
    checks recognize."""
    cells = nbformat.read(path, as_version=4).cells
    tasks = [(i, exercises.task_of(c)[0]) for i, c in enumerate(cells) if exercises.task_of(c)]
    found = [i for i, c in enumerate(cells)
             if c.cell_type == "markdown" and c.source.startswith(MISTAKES)]
    assert tasks and len(found) == 1 and found[0] > tasks[-1][0], \
        f"{path.name}: one '{MISTAKES}' cell, after the last TASK cell"
    parts = re.split(r"^\*\*(\d+\.\d+)\b.*$", cells[found[0]].source, flags=re.M)
    per_task = dict(zip(parts[1::2], parts[2::2]))
    assert list(per_task) == [task for _, task in tasks], f"{path.name}: one part per task"
    messages = check_messages(path.name[:2])
    for task, text in per_task.items():
        bullets = re.split(r"^- ", text, flags=re.M)[1:]
        assert 2 <= len(bullets) <= 4, f"{path.name}, task {task}: {len(bullets)} mistakes"
        for bullet in bullets:
            quotes = [" ".join(q.split()) for q in re.findall(r"«([^»]+)»", bullet)]
            assert quotes and all(len(q.split()) >= 3 for q in quotes), \
                f"{path.name}, task {task}: quote a check's message in «»: {bullet[:80]}"
            missing = [q for q in quotes if q not in messages]
            assert not missing, f"{path.name}, task {task}: no check says {missing}"


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_every_task_says_what_to_expect(solution):
    """The markdown just above each TASK cell says what a correct answer prints: its check's ✔
    line, and what later cells show where they print something."""
    cells = nbformat.read(solution, as_version=4).cells
    for i, cell in enumerate(cells):
        if exercises.task_of(cell):
            above = next(c.source for c in reversed(cells[:i]) if c.cell_type == "markdown")
            assert "**When it works**" in above and "`✔ " in above, \
                f"{solution.name}: say what task {exercises.task_of(cell)[0]} prints when it works"


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory, grade_in_pool):
    """Every solution and every exercise, graded once (two at a time)."""
    paths = SOLUTIONS + [ROOT / "exercises" / s.name for s in SOLUTIONS]
    results = grade_in_pool(paths, ROOT / "solutions", tmp_path_factory.mktemp("course"))
    return dict(zip(paths, results))


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_full_marks_exercise_zero(graded_course, solution):
    full, empty = graded_course[solution], graded_course[ROOT / "exercises" / solution.name]
    failed = [f"{t['id']}: {t['message']}" for t in full["tasks"] if t["status"] != "pass"]
    assert full["score"] == full["max"] > 0, f"{solution.name} lost points: {failed}"
    assert empty["score"] == 0 and not empty.get("error"), grade.format_report([empty])


def test_mistakes_get_partial_marks_with_specific_messages():
    """Exercise 03 as a student might hand it in: the transfer curves right, XYZ channels-last,
    L off by 16 (no -16), and a and b with flipped signs on the way back."""
    path = ROOT / "tests" / "fixtures" / "03_lab_color_math_mistakes.ipynb"
    (result,) = grade.grade([path], ROOT / "solutions")
    assert (result["score"], result["max"], result["status"]) == (2, 9, "ok")
    assert scores(result) == {"3.1": 2, "3.2": 0, "3.3": 0, "3.4": 0}
    messages = {t["id"]: t["message"] for t in result["tasks"]}
    assert messages["3.2"].startswith("rgb_to_xyz: expected shape (2, 3, 4, 4), got (2, 4, 4, 3)")
    assert "channels-first?" in messages["3.2"]
    assert messages["3.3"].startswith("xyz_to_lab: L is 16 too high everywhere: did you forget "
                                      "the -16?")
    assert messages["3.4"].startswith("lab_to_rgb: a and b have the wrong sign")


@pytest.mark.parametrize("forged", ["ABSOLUTE", "../forged/03_lab_color_math", "sub/03_x", ""])
def test_grading_refuses_an_assignment_name_that_is_a_path(tmp_path, forged):
    """The assignment name comes from the notebook's metadata, which the student controls: a
    path there could point the grader at a solution the student wrote (all TASK cells `pass`)."""
    fake = tmp_path / "forged" / "03_lab_color_math.ipynb"
    fake.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), fake)
    forged = str(fake.with_suffix("")) if forged == "ABSOLUTE" else forged
    student = nbformat.v4.new_notebook(metadata={"colorlab": {"assignment": forged}})
    path = tmp_path / "hand_in" / "03_lab_color_math.ipynb"
    path.parent.mkdir()
    nbformat.write(student, path)
    with pytest.raises(exercises.AssignmentError, match="not a bare exercise name"):
        grade.find_solution(student, path, ROOT / "solutions")
    (result,) = grade.grade([path], ROOT / "solutions")
    assert result["error"] and result["score"] == 0 and result["solution"] is None
    assert "scores 0" in result["status"]


def test_a_bare_assignment_name_is_found_inside_solutions(tmp_path):
    student = nbformat.v4.new_notebook(metadata={"colorlab": {"assignment": "03_lab_color_math"}})
    found = grade.find_solution(student, tmp_path / "whatever.ipynb", ROOT / "solutions")
    assert found == ROOT / "solutions" / "03_lab_color_math.ipynb"
