"""The harness every check is built from: :class:`CheckFailed` and its short message, and the
generic pieces (:func:`rel_error`, :func:`check_shape`, :func:`check_close` with ``hints``,
:func:`near`, :func:`check_function`, :func:`build`), plus the small helpers the catalogs
(``nb01`` ... ``nb05``) share. Nothing here knows a lecture.

How to write a catalog for a new lecture (``nbXX.py``; ``nb03`` and ``nb05`` are good models):

1. One public ``check_<thing>(learner_fn)`` per task, decorated with ``@_short``; it compares
   with a reference from ``colorlab`` (imported inside the check) through
   :func:`check_function`, on cases built to tell the common mistakes apart (a pixel that
   isolates the white point, logits whose argmax differs along the wrong dim, a size where a
   forgotten stride shows).
2. The catalog is the ``hints``: ``(predicate, message)`` pairs, most specific first, each
   recognising one mistake students make (``near(the_wrong_formula(x))``, or a predicate on a
   wrong shape) and naming its fix in one sentence: "natural log used: PSNR uses log10".
   ``errors``: ``(text in the exception, message)`` pairs for mistakes that raise. Aim for four
   or more per task. The grader shows the first line only: put the fix there.
3. Architectures: check the structure too (:func:`.alone.stage_shapes` for the size after each
   stage, the layer types the task names, the library model's weights copied in), not only the
   final shape.
4. Each task on its own: where a learner's function calls another task's answer, wrap the check
   in :func:`colorlab.grading.checks.alone.on_its_own` with the library's reference for it (and that
   task's check, for the "fix task X.Y first" message where it cannot be swapped). Hidden tests
   in the solution call only the task's own function.
5. Register it: the module in ``PARTS`` (after what it imports) and its checks in
   ``__init__.py``; mistakes in tests/fixtures/make_mistakes.py (three per exercise or more);
   the catalog in docs/teaching.md.
"""

from __future__ import annotations

import copy
import functools
import traceback
from contextlib import contextmanager
from pathlib import Path

import numpy as np

PASS, FAIL = "✔", "✘"


class CheckFailed(AssertionError):
    """A check found a mistake; the message says what is off and what to try next."""

    def _render_traceback_(self):  # IPython shows this instead of the traceback
        first, *rest = str(self).splitlines() or [""]
        return [f"\x1b[1;31m{FAIL} {first}\x1b[0m", *rest]


def _short(check):
    """Re-raise CheckFailed from the public check itself: no internal frames, no chained error."""

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except CheckFailed as err:
            raise CheckFailed(str(err)) from None

    return wrapper


# ---------------------------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------------------------
def _np(x) -> np.ndarray:
    """A float64 numpy copy of a tensor, array or number."""
    if hasattr(x, "detach"):
        import torch

        x = x.detach().to("cpu", torch.float64).numpy()
    return np.asarray(x, dtype=np.float64)


def rel_error(a, b) -> float:
    """The largest relative error ``|a - b| / max(1e-8, |a| + |b|)`` (CS231n style)."""
    a, b = _np(a), _np(b)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def near(variant, share: float = 0.1):
    """A hint predicate: true when ``variant``, a known wrong answer, explains the error: ``got``
    is within ``share`` of its distance from ``want`` to ``variant``. ``None`` never matches."""
    if variant is None:
        return lambda got, want: False
    v = _np(variant)

    def explains(got, want):
        if got.shape != v.shape:
            return False
        return bool(np.nanmax(np.abs(got - v)) <= share * np.nanmax(np.abs(got - want)))

    return explains


def _shape_hint(got: tuple, want: tuple) -> str:
    if want[:1] == (1,) and got == want[1:]:
        return ("the batch dimension of size 1 is gone: .squeeze() drops every size-1 dimension; "
                "name the one to drop, e.g. .squeeze(1)")
    if got == () and want:
        return "got a single number: compute one value per item, not one for the whole batch"
    if [d for d in got if d != 1] == [d for d in want if d != 1]:
        if len(got) > len(want):
            return "an extra dimension of size 1: squeeze it (e.g. .squeeze(1)), or drop keepdim"
        return "a dimension of size 1 is missing: keepdim=True, or .unsqueeze(...)"
    if len(got) == len(want) == 4 and got == (want[0], want[2], want[3], want[1]):
        return "channels-first? colorlab keeps tensors as (N, C, H, W)"
    if sorted(got) == sorted(want):
        return "the right sizes in the wrong order: check the order of the dimensions"
    if len(got) == len(want):
        i = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
        fix = ": repeat it, e.g. with .expand(...)" if got[i] == 1 else ""
        return f"dimension {i} has size {got[i]}, expected {want[i]}{fix}"
    return f"{len(got)} dimensions instead of {len(want)}"


def check_shape(name: str, got, shape, case: str | None = None) -> None:
    """Fail with a specific message unless ``got`` has shape ``shape``."""
    if not hasattr(got, "shape"):
        got = np.asarray(got)
    g, w = tuple(got.shape), tuple(shape)
    if g != w:
        where = f" for {case}" if case else ""
        raise CheckFailed(f"{name}: expected shape {w}, got {g}{where}: {_shape_hint(g, w)}")


def check_close(name: str, got, want, atol: float = 1e-6, rtol: float = 1e-5, hints=(),
                case: str | None = None) -> None:
    """Fail unless ``got`` is close to ``want``; the message names the first hint whose
    predicate ``(got, want) -> bool`` holds (both as float64 numpy arrays), else the worst value.
    A hint whose predicate holds for a ``got`` of the wrong shape names that mistake instead."""
    if hasattr(got, "shape") and tuple(got.shape) != _np(want).shape:
        hint = next((msg for pred, msg in hints if _holds(pred, _np(got), _np(want))), None)
        if hint:
            raise CheckFailed(f"{name}: {hint}\n  expected shape {_np(want).shape}, got "
                              f"{tuple(got.shape)}" + (f" for {case}" if case else ""))
    check_shape(name, got, _np(want).shape, case)
    try:
        g, w = _np(got), _np(want)
    except (TypeError, ValueError):
        raise CheckFailed(f"{name}: expected numbers, got a {type(got).__name__}") from None
    ok = np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
    if ok.all():
        return
    hint = next((msg for pred, msg in hints if _holds(pred, g, w)), None)
    if hint is None and (np.isnan(g) & ~np.isnan(w)).any():
        hint = "NaN in the output: a 0/0, or a fractional power or log of a negative number?"
    err = np.where(ok, -1.0, np.nan_to_num(np.abs(g - w), nan=np.inf, posinf=np.inf))
    i = np.unravel_index(int(np.argmax(err)), g.shape)
    where = f" for {case}" if case else ""
    first = f"{name}: {hint}" if hint else f"{name}: wrong values{where}"
    at = f"; worst at index {tuple(int(k) for k in i)}" if g.ndim else ""
    detail = (f"  {int((~ok).sum())} of {ok.size} values off{where}{at}: "
              f"got {g[i]:.6g}, expected {w[i]:.6g}")
    raise CheckFailed(f"{first}\n{detail}")


def _matches(pattern, err: Exception) -> bool:
    """Whether ``pattern`` (text the error's message contains, or a predicate of the error)
    matches ``err``; a predicate that fails does not."""
    if isinstance(pattern, str):
        return pattern in str(err)
    try:
        return bool(pattern(err))
    except Exception:
        return False


def _holds(pred, got, want) -> bool:
    try:
        return bool(pred(got, want))
    except Exception:  # a hint that cannot be evaluated does not apply
        return False


def _name(obj) -> str:
    if isinstance(obj, type) or callable(obj) and hasattr(obj, "__name__"):
        return obj.__name__
    return type(obj).__name__


def _where_in_student_code(err: BaseException) -> str:
    """' (line 3: `return x ** 2.4`)' for the innermost frame outside libraries and colorlab."""
    here = str(Path(__file__).parents[2])  # colorlab/: its frames are not the learner's
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if "site-packages" not in f.filename and not f.filename.startswith(here)]
    return f" (line {frames[-1].lineno}: `{frames[-1].line}`)" if frames and frames[-1].line else ""


def _call(fn, name: str, args: tuple, case: str, errors=()):
    """fn(*copies of args) with learner-friendly failures, in-place changes caught; ``errors``:
    ``(pattern or predicate, hint)`` pairs, a matching error fails with ``name: hint`` first."""
    inputs = [a.clone() if hasattr(a, "clone") else copy.deepcopy(a) for a in args]
    try:
        out = fn(*inputs)
    except NotImplementedError:
        raise CheckFailed(f"not implemented yet: write {name} above, then re-run this cell"
                          ) from None
    except Exception as err:
        raised = (f"{name} raised {type(err).__name__} for {case}: {str(err).splitlines()[0]}"
                  f"{_where_in_student_code(err)}" if str(err) else
                  f"{name} raised {type(err).__name__} for {case}{_where_in_student_code(err)}")
        hint = next((h for pat, h in errors if _matches(pat, err)), None)
        raise CheckFailed(f"{name}: {hint}\n  {raised}" if hint else raised) from None
    if out is None:
        raise CheckFailed(f"{name} returned None for {case}: did you forget `return`?")
    for i, (before, after) in enumerate(zip(args, inputs)):
        if hasattr(before, "shape") and hasattr(after, "shape") and not (
                before.shape == after.shape and np.array_equal(_np(before), _np(after))):
            arg = _parameter_name(fn, i)
            raise CheckFailed(f"{name} changed its input {arg} in place for {case}: work on a new "
                              f"tensor ({arg} = {arg} - ... makes one; {arg} -= ... or "
                              f"{arg}.sub_(...) changes the caller's {arg})")
    return out


def _parameter_name(fn, i: int) -> str:
    """The name of ``fn``'s ``i``-th parameter (e.g. ``pred``), or ``argument i + 1``."""
    import inspect

    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        names = []
    return names[i] if i < len(names) else f"argument {i + 1}"


@_short
def build(factory, *args, **kwargs):
    """``factory(*args, **kwargs)``: build a model (a class, or a function returning a module)
    in a check cell, so that code not written yet says "not implemented yet", not a traceback."""
    name = _name(factory)
    shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
    return _call(functools.partial(factory, **kwargs), name, args, f"{name}({shown})")


def _check_type(name: str, got, want, case: str) -> None:
    if hasattr(want, "detach") and not hasattr(got, "detach"):
        raise CheckFailed(f"{name} returned a {type(got).__name__} for {case}, "
                          "expected a torch.Tensor: keep the computation in torch")
    dtype = getattr(got, "dtype", None)
    if dtype is not None and getattr(want, "dtype", None) is not None and \
            _np_kind(want) == "f" and _np_kind(got) in "biu":
        raise CheckFailed(f"{name} returned integers ({dtype}) for {case}: convert to float "
                          "(e.g. .float()) before dividing or averaging")


def _np_kind(x) -> str:
    if hasattr(x, "is_floating_point"):
        return "f" if x.is_floating_point() else "i"
    return np.asarray(x).dtype.kind


def _passed(name: str, detail: str) -> None:
    print(f"{PASS} {name}: {detail}")


def _compare(fn, reference, cases: dict, name: str, atol, rtol, hints, errors=()) -> int:
    for label, args in cases.items():
        want = reference(*args)
        got = _call(fn, name, args, label, errors(args) if callable(errors) else errors)
        _check_type(name, got, want, label)
        case_hints = hints(args, want) if callable(hints) else (hints or ())
        check_close(name, got, want, atol, rtol, case_hints, case=label)
    return len(cases)


def _cases_pass(name: str, n: int) -> None:
    _passed(name, "1 case passes" if n == 1 else f"{n} cases pass")


@_short
def check_function(fn, reference, cases: dict, *, name: str | None = None, atol: float = 1e-6,
                   rtol: float = 1e-5, hints=None, errors=()) -> None:
    """Compare ``fn(*args)`` with ``reference(*args)`` for each ``{label: args}`` in ``cases``.

    ``hints``: a list of ``(predicate, message)`` pairs, or ``hints(args, want)`` returning one
    (for hints that depend on the case's input, e.g. ``near(known_wrong_formula(x))``).
    ``errors``: ``(pattern, message)`` pairs for errors ``fn`` raises (see :func:`_call`), or
    ``errors(args)`` returning them.
    """
    name = name or _name(fn)
    _cases_pass(name, _compare(fn, reference, cases, name, atol, rtol, hints, errors))


@contextmanager
def _eval_mode(model):
    """Run a model in eval mode (BatchNorm with one image works), then restore its mode."""
    import torch

    training = getattr(model, "training", None)
    if training is not None:
        model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        if training is not None:
            model.train(training)


def _torch_rand(shape, seed=0):
    import torch

    return torch.rand(shape, generator=torch.Generator().manual_seed(seed))

