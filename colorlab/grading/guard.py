"""The grader's guard: a fresh copy of the checks before each TASK cell, and no faked references.

Student code runs in the same kernel before the checks, so each TASK cell first loads
:mod:`colorlab.grading.checks` afresh from its files and fails if a colorlab function was replaced
by notebook code. That stops the easy ways of faking a pass; it is not a sandbox
(docs/teaching.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

from .exercises import BEGIN_HIDDEN, END_HIDDEN

CHECKS = "colorlab.grading.checks"

GUARD_SOURCE = '''def __colorlab_guard(folder, parts, rebind, user_ns):
    import importlib.util, os, sys, types
    def load(name, file, **package):  # from the file, not from sys.modules
        spec = importlib.util.spec_from_file_location(name, os.path.join(folder, file), **package)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        return spec, module

    checks = "colorlab.grading.checks"
    for name in [n for n in sys.modules if n == checks or n.startswith(checks + ".")]:
        del sys.modules[name]  # the package and every part, tampered with or not
    spec, fresh = load(checks, "__init__.py", submodule_search_locations=[folder])
    for part in parts:  # each part from its file, in import order, before the package uses it
        part_spec, module = load(f"{checks}.{part}", f"{part}.py")
        part_spec.loader.exec_module(module)
        setattr(fresh, part, module)
    spec.loader.exec_module(fresh)
    import colorlab.grading
    colorlab.grading.checks = fresh
    def mine(f):  # a function defined in the notebook
        return isinstance(f, types.FunctionType) and f.__module__ == "__main__"

    replaced = []
    for name, module in list(sys.modules.items()):
        if name.startswith("colorlab.") and not (name == checks or name.startswith(checks + ".")) \\
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


def checks_aliases(solution) -> dict[str, str | None]:
    """Names the solution binds to the checks or their members: ``{alias: attribute, or None
    for the module}`` (``from ... checks import x as y``, ``from ... import checks``)."""
    aliases = {}
    for cell in solution.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: such a cell imports nothing we need to follow
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == CHECKS:
                aliases.update({a.asname or a.name: a.name for a in node.names if a.name != "*"})
            elif isinstance(node, ast.ImportFrom) and node.module == "colorlab.grading":
                aliases.update({a.asname or a.name: None for a in node.names
                                if a.name == "checks"})
            elif isinstance(node, ast.Import):
                aliases.update({a.asname: None for a in node.names
                                if a.name == CHECKS and a.asname})
    return aliases


def guard(source: str, aliases: dict[str, str | None]) -> str:
    """``source`` (a TASK cell) with the guard after its header line, in a hidden block. The
    guard loads :mod:`colorlab.grading.checks` afresh from its files (each part of
    ``checks.PARTS``, then ``__init__.py``), rebinds the ``aliases`` this cell uses, and fails
    the task (CheckFailed) if notebook code replaced a function of a loaded ``colorlab`` module.
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
