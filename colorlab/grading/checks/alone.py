"""Grading each task on its own, and seeing a model's structure: the pieces catalogs use when a
task calls another task's answer (:func:`on_its_own`) or asks for an architecture
(:func:`stage_shapes`). Nothing here knows a lecture.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager

from .harness import CheckFailed, _eval_mode


def _functions(obj) -> list:
    """The plain functions of ``obj``: itself, or a class's methods."""
    import types

    if isinstance(obj, type):
        return [f for f in vars(obj).values() if isinstance(f, types.FunctionType)]
    return [obj] if isinstance(obj, types.FunctionType) else []


def _names(code) -> set:
    """The global names ``code`` uses, nested code (comprehensions, inner functions) included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _names(const)
    return names


def _rebound(f, names: dict):
    import types

    g = types.FunctionType(f.__code__, {**f.__globals__, **names}, f.__name__, f.__defaults__,
                           f.__closure__)
    g.__kwdefaults__, g.__qualname__, g.__doc__ = f.__kwdefaults__, f.__qualname__, f.__doc__
    return g


@contextmanager
def on_its_own(obj, task: str, name: str, reference, check=None):
    """Grade ``obj`` (a learner's function or class) without task ``task``'s answer ``name``.

    Yields ``obj`` with the global ``name`` bound to ``reference`` (the library's) wherever ``obj``
    calls it by that name, so a mistake in task ``task`` costs no points here. Where ``obj`` uses
    it only through other code (so it truly depends on that answer), yields ``obj`` as it is; then
    a failure inside, when ``check(learner's name)`` fails too, starts "fix task X.Y first".
    """
    funcs = _functions(obj)
    direct = any(name in _names(f.__code__) for f in funcs)
    earlier = funcs[0].__globals__.get(name) if funcs else None
    if direct and isinstance(obj, type):
        swapped = type(obj.__name__, (obj,), {k: _rebound(v, {name: reference})
                                              for k, v in vars(obj).items() if v in funcs})
        swapped.__qualname__ = obj.__qualname__
    elif direct:
        swapped = functools.wraps(obj)(_rebound(obj, {name: reference}))
    else:
        swapped = obj
    try:
        yield swapped
    except CheckFailed as err:
        why = None if direct or earlier is None or check is None else _fails(check, earlier)
        if why:
            raise CheckFailed(f"fix task {task} first: {why}\n  then re-run this cell; "
                              f"here: {str(err).splitlines()[0]}") from None
        raise


def _fails(check, *args) -> str | None:
    """The first line of ``check(*args)``'s failure, or None if it passes (its output hidden)."""
    import io
    from contextlib import redirect_stdout

    try:
        with redirect_stdout(io.StringIO()):
            check(*args)
    except CheckFailed as err:
        return str(err).splitlines()[0]
    except Exception as err:  # a check that cannot even run on it: that task failed too
        return f"{type(err).__name__}: {err}"
    return None


def stage_shapes(model, modules: dict, x) -> tuple[dict, object]:
    """Run ``model(x)`` in eval mode and record the output shape of each of ``modules``
    (``{label: submodule}``; a module called twice keeps its last). Returns ``(shapes, out)``;
    ``out`` is the exception if the forward pass raised one."""
    shapes, handles = {}, []
    for label, module in modules.items():
        handles.append(module.register_forward_hook(
            lambda m, i, o, label=label: shapes.__setitem__(label, tuple(o.shape))))
    try:
        with _eval_mode(model):
            out = model(x)
    except Exception as err:
        out = err
    finally:
        for h in handles:
            h.remove()
    return shapes, out
