"""colorlab.course.cli: every command's --help works and stays fast (no torch), the help states the
real defaults, `python -m colorlab` is only an entry point, and the train command.

(The colorize command's tests are in test_infer.py, where docs/bad-input.md cites them.)
"""

import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from colorlab import colorizer
from colorlab.course.cli import main, train_command
from colorlab.infer import load_colorizer

COMMANDS = ("course", "colorize", "train", "make-exercises", "grade", "report", "export")


def test_every_help_works_without_importing_torch():
    """--help of the tool and of every command exits 0 and imports no torch, numpy or PIL
    (torch alone takes seconds to import)."""
    script = (
        "import sys\nfrom colorlab.course.cli import main\n"
        f"for argv in [['--help']] + [[c, '--help'] for c in {COMMANDS!r}]:\n"
        "    try:\n        main(argv)\n    except SystemExit as done:\n"
        "        assert done.code == 0, argv\n"
        "heavy = sorted({'torch', 'numpy', 'PIL'} & set(sys.modules))\n"
        "assert not heavy, heavy\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    for command in COMMANDS:
        assert command in done.stdout


def test_python_dash_m_colorlab_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "colorlab", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "make-exercises" in done.stdout
    import colorlab.__main__ as entry  # importing it runs nothing: main is only re-bound there
    import colorlab.course.cli

    assert entry.main is colorlab.course.cli.main


def test_help_states_the_real_work_size_default(capsys):
    """--help said "default 256" while colorize used the training size (32 for notebook 04)."""
    with pytest.raises(SystemExit) as done:
        main(["colorize", "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert colorizer.WORK_SIZE_RULE in text
    assert "4x the checkpoint's training size (128 for a 32-px model" in text


def test_train_command(tmp_path, capsys):
    rng = np.random.default_rng(0)
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(20):
        base = rng.integers(0, 255, 3)
        img = np.clip(base + rng.normal(0, 30, (40, 50, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(img).save(folder / f"{i:02d}.png")
    out = tmp_path / "run"
    assert main(["train", "--data", str(folder), "--size", "16", "--epochs", "1", "--out",
                 str(out), "--batch-size", "8", "--base", "4", "--depth", "2"]) == 0
    assert "PSNR" in capsys.readouterr().out
    assert load_colorizer(out / "best.pt").train_size == 16
    assert train_command(folder, size=20, epochs=1, out=out, depth=3) == 1
    assert "multiple of" in capsys.readouterr().err
    assert train_command(tmp_path / "nothing", size=16, epochs=1, out=out, depth=2) == 1
    assert "nothing" in capsys.readouterr().err


def test_train_chooses_best_pt_on_validation_carved_from_train_and_scores_it_on_test(
        tmp_path, capsys, monkeypatch):
    """best.pt used to be chosen on the test split, and the table scored the last epoch's
    weights on those same images."""
    from colorlab import metrics, recipes
    from colorlab.checkpoint import load_checkpoint

    rng = np.random.default_rng(0)
    for split, n in (("train", 20), ("test", 4)):
        (tmp_path / "photos" / split).mkdir(parents=True)
        for i in range(n):
            img = rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)
            Image.fromarray(img).save(tmp_path / "photos" / split / f"{i:02d}.png")
    seen = {}
    real_train, real_evaluate = recipes.train_colorizer, metrics.evaluate

    def train_colorizer(train, val_images=None, **kw):
        seen["train"], seen["val"] = train.images, val_images.images
        return real_train(train, val_images=val_images, **kw)

    def evaluate(model, images, **kw):
        seen["scored"] = {k: v.clone() for k, v in model.state_dict().items()}
        seen["test"] = images.images
        return real_evaluate(model, images, **kw)

    monkeypatch.setattr(recipes, "train_colorizer", train_colorizer)
    monkeypatch.setattr(metrics, "evaluate", evaluate)
    out = tmp_path / "run"
    assert main(["train", "--data", str(tmp_path / "photos"), "--size", "16", "--epochs", "3",
                 "--out", str(out), "--batch-size", "8", "--base", "4", "--depth", "2",
                 "--lr", "0.05"]) == 0
    text = capsys.readouterr().out
    assert "validation: 2 of" in text and "best.pt (epoch" in text
    assert len(seen["train"]) == 18 and len(seen["val"]) == 2 and len(seen["test"]) == 4
    flat = {bytes(x.numpy()) for x in seen["test"]}
    assert not flat & {bytes(x.numpy()) for x in seen["val"]}  # validation is not test
    assert not {bytes(x.numpy()) for x in seen["val"]} & {bytes(x.numpy()) for x in seen["train"]}
    best = load_checkpoint(out / "best.pt")["model"]
    assert all(torch.equal(best[k], v.cpu()) for k, v in seen["scored"].items())
