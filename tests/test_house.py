"""The house rules of DESIGN.md that a test can hold: every module is on its package's map, no
file grows past ~350 lines without saying why, each file says its job in its first line, the
learner core never imports the course tooling, and pyproject.toml installs every package.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "colorlab"
LIMIT = 350
TOOLING = ("colorlab.course", "colorlab.grading")  # subpackages: the course tooling
PACKAGES = sorted(p.parent for p in PACKAGE.rglob("__init__.py"))


def modules(folder: Path) -> set[str]:
    files = {p.stem for p in folder.glob("*.py")} - {"__init__", "__main__"}
    packages = {p.parent.name for p in folder.glob("*/__init__.py")}
    return files | packages


def dotted(folder: Path) -> str:
    return ".".join(folder.relative_to(ROOT).parts)


@pytest.mark.parametrize("folder", PACKAGES, ids=dotted)
def test_each_package_docstring_lists_every_module_once(folder):
    if folder.name == "checks":  # the check catalogs: one per lecture, listed in PARTS
        return
    doc = importlib.import_module(dotted(folder)).__doc__
    listed = re.findall(r"^- ``(\w+)``", doc, flags=re.M)
    assert sorted(listed) == sorted(modules(folder)), (
        f"{dotted(folder)}/__init__.py's docstring must list every module once, one line each")


def test_no_file_is_long_without_a_reason():
    long = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = len(path.read_text().splitlines())
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        if lines > LIMIT and "Long because" not in doc:
            long[str(path.relative_to(PACKAGE))] = lines
    assert not long, f"over {LIMIT} lines with no reason in the docstring: {long}"


def test_every_file_states_its_job_in_its_first_docstring_line():
    missing = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
               if not (ast.get_docstring(ast.parse(p.read_text())) or "").strip()]
    assert not missing, f"no module docstring: {missing}"


def imported(path: Path) -> set[str]:
    """Every colorlab module ``path`` imports, at the top or inside a function, made absolute."""
    package = dotted(path.parent)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(filter(None, [base, node.module or ""]))
            found |= {module} | {f"{module}.{a.name}" for a in node.names}
    return {m for m in found if m == "colorlab" or m.startswith("colorlab.")}


def test_the_learner_core_never_imports_the_course_tooling():
    """Tooling (colorlab.course, colorlab.grading) imports the core, never the reverse; only
    ``python -m colorlab`` (colorlab/__main__.py) hands over to the CLI."""
    upward = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name == "__main__.py":
            continue
        wrong = sorted(m for m in imported(path) if m.startswith(TOOLING))
        if wrong:
            upward[path.name] = wrong
    assert not upward, f"core modules that import the course tooling: {upward}"


def test_no_compatibility_shims_at_old_paths():
    """The moved modules live only at their new paths."""
    for old in ("notebook", "cli", "reports", "launch", "assign", "gradebook", "checks"):
        assert not (PACKAGE / f"{old}.py").exists() and not (PACKAGE / old).is_dir(), old


def test_every_package_folder_is_installed():
    """A non-editable `pip install .` installs only the packages pyproject.toml lists."""
    text = (ROOT / "pyproject.toml").read_text()
    listed = re.search(r"^packages = \[(.*?)\]", text, flags=re.M | re.S)
    assert listed is not None, "pyproject.toml should list its packages"
    packages = set(re.findall(r'"([^"]+)"', listed.group(1)))
    assert packages == {dotted(p) for p in PACKAGES}
