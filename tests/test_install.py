"""colorlab installed (``pip install .``, not ``-e``): nothing is written beside the package.

Downloads go to $COLORLAB_DATA, else the repository's data/ in a source checkout, else the
per-user cache ($XDG_CACHE_HOME/colorlab or ~/.cache/colorlab); reports to the repository's
reports/ in a checkout, else ./reports; `course` reads ./notebooks and writes ./build/course.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from colorlab import images as image_files
from colorlab.course import reports

ROOT = Path(__file__).resolve().parents[1]


def test_source_checkout_keeps_the_repository_folders(monkeypatch):
    monkeypatch.delenv("COLORLAB_DATA", raising=False)
    assert image_files.source_checkout() == ROOT  # these tests run from the checkout
    assert image_files.data_dir() == ROOT / "data"
    assert reports.reports_dir() == ROOT / "reports"  # also when the cwd is notebooks/
    monkeypatch.setenv("COLORLAB_DATA", "~/elsewhere")
    assert image_files.data_dir() == Path("~/elsewhere").expanduser()


def test_installed_package_uses_the_cache_and_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(image_files, "source_checkout", lambda: None)
    monkeypatch.delenv("COLORLAB_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert image_files.data_dir() == tmp_path / "xdg" / "colorlab"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")  # as the XDG spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert image_files.data_dir() == tmp_path / "home" / ".cache" / "colorlab"
    monkeypatch.chdir(tmp_path)
    json_path, _ = reports.write_report("04_unet_colorizer", {"psnr": 1.0}, device="cpu")
    assert json_path == tmp_path / "reports" / "04_unet_colorizer-cpu.json"


SCRIPT = r"""
import json, os, sys
from pathlib import Path
import colorlab
from colorlab import cifar, data, images
from colorlab.course import reports
from colorlab.course.runner import run_course

site = Path(sys.argv[1])
assert Path(colorlab.__file__).resolve().is_relative_to(site), colorlab.__file__
cifar.CIFAR10_URL = "file:///nonexistent/cifar-10-python.tar.gz"  # offline: no network in tests
ds = data.load_dataset("auto", "test", size=16)  # tries CIFAR-10 in data_dir(), falls back
paths = reports.write_report("05_vivid_colors", {"psnr": 1.0}, device="cpu")
rows = run_course("smoke", html=False)  # ./notebooks, empty: runs nothing
print(json.dumps({"checkout": str(images.source_checkout()), "data": str(images.data_dir()),
                  "report": str(paths[0]), "sample": ds.source.startswith("sample"),
                  "rows": rows}))
"""


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_installed_copy_writes_nothing_beside_the_package(tmp_path):
    """The package copied into a fresh site-packages (what `pip install .` does) and used from
    another folder, in a subprocess: data goes to the user cache, reports and course output to
    the current folder, and the site-packages folder is exactly as it was."""
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "colorlab", site / "colorlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "work" / "notebooks").mkdir(parents=True)
    before = files_under(site)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLORLAB")}
    env.update(PYTHONPATH=str(site), XDG_CACHE_HOME=str(tmp_path / "cache"),
               PYTHONDONTWRITEBYTECODE="1", COLORLAB_MODE="smoke", MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(site)], cwd=tmp_path / "work",
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["checkout"] == "None" and out["sample"] and out["rows"] == []
    assert out["data"] == str(tmp_path / "cache" / "colorlab")
    assert out["report"] == str(tmp_path / "work" / "reports" / "05_vivid_colors-cpu.json")
    assert (tmp_path / "work" / "build" / "course" / "summary.md").is_file()
    assert files_under(site) == before  # nothing written beside the package


def test_course_without_a_notebooks_folder_says_where_to_run(tmp_path, monkeypatch, capsys):
    from colorlab.__main__ import main

    monkeypatch.chdir(tmp_path)
    assert main(["course", "--mode", "smoke", "--no-html"]) == 1
    err = capsys.readouterr().err
    assert f"There is no folder {tmp_path / 'notebooks'}" in err and "root folder" in err
    with pytest.raises(FileNotFoundError):
        from colorlab.course.runner import run_course

        run_course("smoke", notebooks=tmp_path / "nowhere", out_dir=tmp_path / "out")


def test_pip_install_installs_every_subpackage_and_the_weights(tmp_path):
    """A real non-editable `pip install .` (as on Colab), from a copy of the checkout, offline:
    the course and grading subpackages, the checks and the weights are all installed, and the
    commands import from there."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "colorlab", src / "colorlab",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    target = tmp_path / "installed"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                           "--no-build-isolation", "--no-index", "--target", str(target),
                           str(src)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    package = target / "colorlab"
    wanted = {str(p.relative_to(ROOT / "colorlab")) for p in (ROOT / "colorlab").rglob("*")
              if p.suffix in (".py", ".pt", ".md") and "__pycache__" not in p.parts}
    assert wanted <= files_under(package), wanted - files_under(package)
    env = {**os.environ, "PYTHONPATH": str(target), "PYTHONDONTWRITEBYTECODE": "1"}
    check = ("import colorlab, colorlab.course.cli, colorlab.grading.grade, "
             "colorlab.grading.checks; print(colorlab.__file__)")
    done = subprocess.run([sys.executable, "-c", check], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(package / "__init__.py")
