"""Feedback that names the mistake: each task graded on its own, checks that see
structure, and the mistaken submissions of tests/fixtures/make_mistakes.py graded end to end.
"""

import importlib.util
import re
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from colorlab import color, models
from colorlab.grading import checks, grade
from colorlab.grading.checks import CheckFailed
from colorlab.metrics import psnr

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_mistakes",
                                               ROOT / "tests" / "fixtures" / "make_mistakes.py")
make_mistakes = sys.modules["make_mistakes"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_mistakes)


def failure(check, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as err:
        check(*args, **kwargs)
    return str(err.value)


# ---------------------------------------------------------------------------------------------
# on_its_own: another task's answer swapped for the library's, or "fix task X.Y first"
# ---------------------------------------------------------------------------------------------
def wrong_srgb_to_linear(x):  # task 3.1 answered with a 2.2 power
    return x.clamp_min(0) ** 2.2


def test_a_later_task_is_graded_with_the_librarys_earlier_function():
    namespace = {"torch": torch, "M": color.RGB_TO_XYZ, "srgb_to_linear": wrong_srgb_to_linear}
    exec("def rgb_to_xyz(rgb):\n"
         "    return torch.einsum('ij,...jhw->...ihw', M.to(rgb), srgb_to_linear(rgb))", namespace)
    rgb_to_xyz = namespace["rgb_to_xyz"]
    assert "12.92" in failure(checks.check_srgb_to_linear, wrong_srgb_to_linear)
    checks.check_rgb_to_xyz(rgb_to_xyz)  # passes: 3.1's mistake costs 3.2 nothing
    assert namespace["srgb_to_linear"] is wrong_srgb_to_linear  # the notebook is left as it was


def test_a_task_that_truly_depends_on_an_earlier_answer_says_fix_it_first():
    """rgb_to_xyz reaches srgb_to_linear only through another name: it cannot be swapped, so
    its failure, caused by task 3.1, says so first."""
    namespace = {"torch": torch, "M": color.RGB_TO_XYZ, "srgb_to_linear": wrong_srgb_to_linear}
    exec("linearize = srgb_to_linear\n"
         "def rgb_to_xyz(rgb):\n"
         "    return torch.einsum('ij,...jhw->...ihw', M.to(rgb), linearize(rgb))", namespace)
    msg = failure(checks.check_rgb_to_xyz, namespace["rgb_to_xyz"])
    assert msg.startswith("fix task 3.1 first: wrong_srgb_to_linear: x ** 2.2 only approximates")
    # with a correct 3.1, the same code passes
    namespace["srgb_to_linear"] = color.srgb_to_linear
    exec("linearize = srgb_to_linear", namespace)
    checks.check_rgb_to_xyz(namespace["rgb_to_xyz"])


def test_a_class_built_from_an_earlier_tasks_blocks_is_graded_with_the_librarys():
    def down(cin, cout):  # task 2.2 without the stride
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())

    namespace = {"nn": nn, "down": down, "up": models.up}
    exec("class Autoencoder(nn.Module):\n"
         "    def __init__(self, bottleneck=16, width=32):\n"
         "        super().__init__()\n"
         "        w = width\n"
         "        self.encoder = nn.Sequential(down(3, w), down(w, 2 * w), down(2 * w, 4 * w),\n"
         "                                     nn.Conv2d(4 * w, bottleneck, 1))\n"
         "        self.decoder = nn.Sequential(nn.Conv2d(bottleneck, 4 * w, 1), nn.ReLU(),\n"
         "            *[up(a, b) for a, b in ((4 * w, 2 * w), (2 * w, w), (w, w))],\n"
         "            nn.Conv2d(w, 3, 3, padding=1), nn.Sigmoid())\n"
         "    def forward(self, x):\n"
         "        return self.decoder(self.encoder(x))", namespace)
    assert "stride=2" in failure(checks.check_down_up, down, models.up)
    checks.check_autoencoder(namespace["Autoencoder"])
    checks.check_autoencoder(models.RGBAutoencoder)


# ---------------------------------------------------------------------------------------------
# Checks that see structure
# ---------------------------------------------------------------------------------------------
def test_tiny_cnn_check_sees_a_missing_stride_that_keeps_shape_and_parameters():
    class NoStride(models.MeanRegressor):
        def __init__(self, width=16):
            super().__init__(width)
            self.features[2].stride = (1, 1)

    checks.check_tiny_cnn(models.MeanRegressor)
    msg = failure(checks.check_tiny_cnn, NoStride)
    assert msg.startswith("NoStride: convolution 2 outputs 32x32 feature maps for a 32x32 input, "
                          "the table says 16x16: give it stride=2")


def test_down_up_check_names_the_layer():
    def up3(cin, cout):
        return nn.Sequential(nn.ConvTranspose2d(cin, cout, 3, stride=2), nn.BatchNorm2d(cout),
                             nn.ReLU())

    def relu_first(cin, cout):
        return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=2, padding=1), nn.ReLU(),
                             nn.BatchNorm2d(cout))

    checks.check_down_up(models.down, models.up)
    assert "use kernel_size=2" in failure(checks.check_down_up, models.down, up3)
    assert "the order is convolution, then" in failure(checks.check_down_up, relu_first,
                                                       models.up)


def test_unet_check_names_reversed_skips_and_the_activation():
    class Forward(models.UNet):
        reverse, activate = True, True

        def forward(self, x):
            skips = []
            for encode in self.encoders:
                x = encode(x)
                skips.append(x)
                x = self.pool(x)
            x = self.bottleneck(x)
            for up, decode, skip in zip(self.ups, self.decoders,
                                        reversed(skips) if self.reverse else skips):
                x = decode(torch.cat([up(x), skip], dim=1))
            return self.activation(self.head(x)) if self.activate else self.head(x)

    torch.manual_seed(0)
    checks.check_unet_forward(Forward(base=8))
    Forward.reverse = False
    assert "reversed(skips)" in failure(checks.check_unet_forward, Forward(base=8))
    Forward.reverse, Forward.activate = True, False
    assert "self.activation(self.head(x))" in failure(checks.check_unet_forward, Forward(base=8))


def test_gray_baseline_that_returns_lab_is_told_so():
    def lab_gray(rgb):
        lab = color.rgb_to_lab(rgb)
        return torch.cat([lab[:, :1], torch.zeros_like(lab[:, 1:])], dim=1)

    assert "that is Lab (L, 0, 0): convert it back" in failure(checks.check_gray_baseline,
                                                               lab_gray)


def test_the_teaching_guide_quotes_messages_the_checks_really_give():
    """docs/teaching.md's catalog quotes messages in backticks: each must be in a check's code
    (the source text, lines joined), so the guide cannot drift from what students see."""
    text = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    section = text.split("## What the grader tells students", 1)[1].split("\n## ", 1)[0]
    quoted = re.findall(r"«([^»]+)»", section)
    source = "".join(p.read_text(encoding="utf-8") for p in
                     (ROOT / "colorlab" / "grading" / "checks").glob("*.py"))
    source = re.sub(r'"\s*\\?\s*\n\s*f?"', "", source)  # join implicitly concatenated strings
    assert len(quoted) >= 60
    missing = [q for q in quoted if q not in source]
    assert not missing, f"docs/teaching.md quotes messages no check gives: {missing[:5]}"


# ---------------------------------------------------------------------------------------------
# The mistaken submissions, graded end to end
# ---------------------------------------------------------------------------------------------
def test_at_least_three_mistakes_per_exercise_and_every_edit_still_applies():
    per = {}
    for m in make_mistakes.FIXTURES:
        per.setdefault(m.notebook, set()).add(m.task)
        make_mistakes.submission(m)  # raises if an edit no longer matches the solution
    assert {nb: len([m for m in make_mistakes.FIXTURES if m.notebook == nb]) >= 3
            for nb in per} == {nb: True for nb in ("01", "02", "03", "04", "05", "06", "07")}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, grade_in_pool):
    """{mistake name: (its submission's result, the tasks mistaken in that submission)}. The
    mistakes are graded in rounds (make_mistakes.rounds: one mistake per task in a notebook),
    23 gradings instead of 52: a kernel's start and torch's import are most of each one."""
    groups = make_mistakes.rounds(make_mistakes.FIXTURES)
    names = sorted(m.name for g in groups for m in g)
    assert names == sorted(m.name for m in make_mistakes.FIXTURES)
    paths = make_mistakes.write(groups, tmp_path_factory.mktemp("mistakes"))
    results = grade_in_pool(paths, ROOT / "solutions", tmp_path_factory.mktemp("class"))
    return {m.name: (r, {o.task for o in g}) for g, r in zip(groups, results) for m in g}


@pytest.mark.parametrize("mistake", make_mistakes.FIXTURES, ids=lambda m: f"{m.task}-{m.name}")
def test_a_mistake_costs_its_own_task_only_and_its_message_names_the_fix(graded, mistake):
    result, mistaken = graded[mistake.name]
    tasks = {t["id"]: t for t in result["tasks"]}
    assert result["status"] == "ok", grade.format_report([result])
    assert tasks[mistake.task]["points"] == 0, f"{mistake.name} went through with full marks"
    assert mistake.phrase in tasks[mistake.task]["message"], tasks[mistake.task]["message"]
    knock_on = {i: t["message"] for i, t in tasks.items() if i not in mistaken
                and t["points"] != t["max"]}
    assert not knock_on, f"{mistake.name}'s submission cost correct tasks points: {knock_on}"


def test_a_round_holds_one_notebook_and_one_mistake_per_task():
    groups = make_mistakes.rounds(make_mistakes.FIXTURES)
    for group in groups:
        assert len({m.notebook for m in group}) == 1, [m.name for m in group]
        assert len({m.task for m in group}) == len(group), [m.name for m in group]
    assert len(groups) < len(make_mistakes.FIXTURES) / 2   # the point of the rounds: fewer kernels


# ---------------------------------------------------------------------------------------------
# Gaps a held-out set of student mistakes found
# ---------------------------------------------------------------------------------------------
def test_psnr_without_the_clamp_fails_on_identical_images():
    def psnr(pred, target):
        return 10 * torch.log10(1.0 / ((pred - target) ** 2).flatten(1).mean(dim=1))

    assert "clamp the MSE, e.g. mse.clamp_min(1e-10)" in failure(checks.check_psnr, psnr)


def test_in_place_hint_uses_the_functions_own_names():
    def psnr(pred, target):
        pred -= target
        return 10 * torch.log10(1.0 / (pred**2).flatten(1).mean(dim=1).clamp_min(1e-10))

    msg = failure(checks.check_psnr, psnr)
    assert "changed its input pred in place" in msg and "pred -= ..." in msg
    assert "255" not in msg


def test_a_decoder_with_an_upsampling_block_missing_is_told_so():
    encoder = nn.Sequential(*(nn.Conv2d(c, 4, 3, stride=2, padding=1) for c in (3, 4, 4)))
    decoder = nn.Sequential(nn.ConvTranspose2d(4, 4, 2, stride=2),  # two ups for three downs
                            nn.ConvTranspose2d(4, 3, 2, stride=2), nn.Sigmoid())
    msg = failure(checks.check_encoder_decoder, encoder, decoder)
    assert "an upsampling block is missing" in msg, msg


@pytest.mark.parametrize("unbind, stack", [(0, -3), (-3, 0)])
def test_xyz_to_lab_on_dim_0_names_the_channel_dimension(unbind, stack):
    namespace = {"torch": torch, "WHITE": color.D65_WHITE, "lab_f": lambda t: color.xyz_to_lab}
    exec(f"def xyz_to_lab(xyz):\n"
         f"    t = xyz / WHITE.to(xyz).view(3, 1, 1)\n"
         f"    d = 6 / 29\n"
         f"    f = torch.where(t > d**3, t.clamp_min(d**3) ** (1 / 3), t / (3 * d**2) + 4 / 29)\n"
         f"    fx, fy, fz = f.unbind({unbind})\n"
         f"    return torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], "
         f"dim={stack})", namespace)
    assert "dim 0 is the batch: unbind(-3)" in failure(checks.check_xyz_to_lab,
                                                       namespace["xyz_to_lab"])


def test_annealed_mean_without_renormalizing_is_told_so():
    def annealed_mean(logits, centers, T):
        p = torch.softmax(logits, dim=1) ** (1 / T)
        return torch.einsum("nqhw,qc->nchw", p, centers.to(p))

    assert "not renormalized" in failure(checks.check_annealed_mean, annealed_mean)


def test_the_grader_keeps_a_checks_whole_message():
    cell = {"outputs": [{"output_type": "error", "ename": "CheckFailed",
                         "evalue": "psnr: wrong values\n  3 of 4 values off; got 1, expected 2"}]}
    assert grade._error_of(cell) == "psnr: wrong values\n  3 of 4 values off; got 1, expected 2"
    report = grade.format_report([{"notebook": "n.ipynb", "score": 0, "max": 2, "status": "ok",
                                    "seconds": 1.0, "tasks": [{"id": "2.1", "points": 0, "max": 2,
                                    "status": "fail", "message": grade._error_of(cell)}]}])
    assert report.splitlines()[-1].strip() == "3 of 4 values off; got 1, expected 2"


def test_every_check_an_exercise_calls_names_its_task():
    """TASK_OF (which task a later error blames) lists every check an exercise calls, under the
    number of the task cell that calls it: a check missing there is never blamed."""
    import nbformat

    for path in sorted((Path(__file__).parents[1] / "exercises").glob("0*.ipynb")):
        task = None
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            task = (re.findall(r"# TASK (\d+\.\d+)", cell.source) or [task])[-1]
            for name in re.findall(r"\b(check_\w+)\(", cell.source):
                assert checks.TASK_OF.get(name) == task, f"{path.name}: {name} in task {task}"


def test_a_later_cells_error_names_the_task_to_fix_first(monkeypatch, capsys):
    checks.FAILING.clear()
    with pytest.raises(CheckFailed):
        checks.check_psnr(lambda p, t: p.mean(dim=(1, 2, 3)))
    assert checks.fix_first(AssertionError()).startswith("✘ Task 2.1 has not passed its check")
    assert checks.fix_first(CheckFailed("its own message")) is None

    class Shell:  # the IPython kernel, as far as the hook needs it
        def set_custom_exc(self, kinds, handler):
            self.handler = handler

        def showtraceback(self, exc_tuple, tb_offset=None):
            print(f"{exc_tuple[0].__name__}: {exc_tuple[1]}")

    shell = Shell()
    monkeypatch.setitem(sys.modules, "IPython", type(sys)("IPython"))
    sys.modules["IPython"].get_ipython = lambda: shell
    checks._say_which_task_after_errors()
    shell.handler(shell, RuntimeError, RuntimeError("shape mismatch"), None)
    out = capsys.readouterr().out
    assert "RuntimeError: shape mismatch" in out and "Fix task 2.1 first" in out
    checks.check_psnr(psnr)  # colorlab.metrics.psnr
    assert checks.fix_first(AssertionError()) is None  # it passes now: nothing to blame
