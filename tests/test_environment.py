"""environment.yml (conda) and pyproject.toml (pip) must list the same dependencies."""

import ast
import re
import sys
from pathlib import Path

import yaml  # comes with papermill

ROOT = Path(__file__).resolve().parents[1]


def _code(line: str) -> str:
    """``line`` without its comment (a # outside a string)."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            quote = None if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _value(text: str):
    text = text.strip()
    if text in ("true", "false"):
        return text == "true"
    if text.startswith("{"):  # an inline table of simple values: { text = "MIT" }
        pairs = re.findall(r'([\w.-]+)\s*=\s*("[^"]*"|[^,}]+)', text)
        return {k: _value(v) for k, v in pairs}
    return ast.literal_eval(text)  # strings, numbers, arrays of strings


def parse_simple_toml(text: str) -> dict:
    """The part of TOML that pyproject.toml uses: [tables] (dotted names too), and keys set to
    strings, numbers, booleans, inline tables or (multi-line) arrays. For Python 3.10, which has
    no tomllib (and tomli is not a dependency); checked against tomllib below."""
    out, pending = {}, ""
    table = out
    for raw in text.splitlines():
        line = (pending + " " + _code(raw).strip()).strip()
        if line.count("[") > line.count("]"):  # an array that goes on
            pending = line
            continue
        pending = ""
        if not line:
            continue
        if re.fullmatch(r"\[[^\[\]=]+\]", line):
            table = out
            for part in line[1:-1].split("."):
                table = table.setdefault(part.strip().strip('"'), {})
            continue
        key, _, value = line.partition("=")
        table[key.strip().strip('"')] = _value(value)
    return out


def load_toml(path: Path) -> dict:
    try:
        import tomllib  # Python 3.11+
    except ModuleNotFoundError:
        try:
            import tomli as tomllib  # the backport, if installed
        except ModuleNotFoundError:
            return parse_simple_toml(path.read_text())
    return tomllib.loads(path.read_text())
CONDA_NAMES = {"pytorch": "torch"}  # conda package name -> PyPI name


def parse(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
    name = name.lower().replace("_", "-")
    return CONDA_NAMES.get(name, name), spec.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = load_toml(ROOT / "pyproject.toml")["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    pip_deps = dict(parse(r) for r in requirements)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str) and parse(d)[0] not in
             ("python", "pip")]
    conda_deps = dict(parse(d) for d in conda)
    assert conda_deps == pip_deps, (
        f"only in environment.yml: {sorted(set(conda_deps.items()) - set(pip_deps.items()))}; "
        f"only in pyproject.toml: {sorted(set(pip_deps.items()) - set(conda_deps.items()))}"
    )


def test_python_version_agrees():
    project = load_toml(ROOT / "pyproject.toml")["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]


def test_the_fallback_parser_reads_pyproject_like_tomllib(monkeypatch):
    """On Python 3.11+ the fallback is compared with tomllib, so it is right on 3.10 too, where
    load_toml uses it (simulated here by hiding tomllib and tomli)."""
    text = (ROOT / "pyproject.toml").read_text()
    mine = parse_simple_toml(text)
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: at least the parts the tests above use
        assert mine["project"]["dependencies"] and mine["project"]["optional-dependencies"]["dev"]
        return
    assert mine == tomllib.loads(text)
    monkeypatch.setitem(sys.modules, "tomllib", None)
    monkeypatch.setitem(sys.modules, "tomli", None)
    assert load_toml(ROOT / "pyproject.toml") == mine
