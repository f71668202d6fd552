"""The feedback checks that exercise notebooks call.

Each check runs the learner's function on a few cases (edge cases included), compares it with a
reference, and either prints a pass mark (``✔ srgb_to_linear: 4 cases pass``) or raises
:class:`CheckFailed` whose first line says what is off and what to try, for example
``xyz_to_lab: L is 16 too high everywhere: did you forget the -16? ...``. In a notebook the
failure shows as that message alone, not a traceback; the grader sees a failed cell.

Generic pieces, to build new checks: :func:`rel_error`, :func:`check_shape`, :func:`check_close`
(with ``hints``: a list of ``(predicate(got, want), message)`` pairs; :func:`near` makes a
predicate that recognizes a known wrong answer) and :func:`check_function`; :func:`build` makes a
learner's model inside a check cell (``check_forward_shape(build(down, 3, 8), ...)``), so code not
written yet reads "not implemented yet". References come from ``colorlab`` itself, imported only
when a check needs them.
"""

from __future__ import annotations

import copy
import functools
import math
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
    predicate ``(got, want) -> bool`` holds (both as float64 numpy arrays), else the worst value."""
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
    here = str(Path(__file__).parent)
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if "site-packages" not in f.filename and not f.filename.startswith(here)]
    return f" (line {frames[-1].lineno}: `{frames[-1].line}`)" if frames and frames[-1].line else ""


def _call(fn, name: str, args: tuple, case: str):
    """fn(*copies of args) with learner-friendly failures; also catches in-place changes."""
    inputs = [a.clone() if hasattr(a, "clone") else copy.deepcopy(a) for a in args]
    try:
        out = fn(*inputs)
    except NotImplementedError:
        raise CheckFailed(f"not implemented yet: write {name} above, then re-run this cell"
                          ) from None
    except Exception as err:
        raise CheckFailed(f"{name} raised {type(err).__name__} for {case}: {err}"
                          f"{_where_in_student_code(err)}") from None
    if out is None:
        raise CheckFailed(f"{name} returned None for {case}: did you forget `return`?")
    for before, after in zip(args, inputs):
        if hasattr(before, "shape") and hasattr(after, "shape") and not (
                before.shape == after.shape and np.array_equal(_np(before), _np(after))):
            raise CheckFailed(f"{name} changed its input in place for {case}: work on a copy "
                              "(x = x / 255 makes a new tensor; x /= 255 changes the caller's)")
    return out


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


def _compare(fn, reference, cases: dict, name: str, atol, rtol, hints) -> int:
    for label, args in cases.items():
        want = reference(*args)
        got = _call(fn, name, args, label)
        _check_type(name, got, want, label)
        case_hints = hints(args, want) if callable(hints) else (hints or ())
        check_close(name, got, want, atol, rtol, case_hints, case=label)
    return len(cases)


def _cases_pass(name: str, n: int) -> None:
    _passed(name, "1 case passes" if n == 1 else f"{n} cases pass")


@_short
def check_function(fn, reference, cases: dict, *, name: str | None = None, atol: float = 1e-6,
                   rtol: float = 1e-5, hints=None) -> None:
    """Compare ``fn(*args)`` with ``reference(*args)`` for each ``{label: args}`` in ``cases``.

    ``hints``: a list of ``(predicate, message)`` pairs, or ``hints(args, want)`` returning one
    (for hints that depend on the case's input, e.g. ``near(known_wrong_formula(x))``).
    """
    name = name or _name(fn)
    _cases_pass(name, _compare(fn, reference, cases, name, atol, rtol, hints))


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


# ---------------------------------------------------------------------------------------------
# 01: the mean-intensity target; a model's forward pass
# ---------------------------------------------------------------------------------------------
@_short
def check_mean_intensity(fn) -> None:
    """``fn(images: (N, 3, H, W) uint8) -> (N,) float in [0, 1]``: mean over channels, pixels."""
    import torch

    def reference(images):
        return images.double().div(255).mean(dim=(1, 2, 3))

    red = torch.zeros(1, 3, 5, 7, dtype=torch.uint8)
    red[:, 0] = 255
    cases = {
        "a batch of 4 random images": ((_torch_rand((4, 3, 8, 8)) * 256).to(torch.uint8),),
        "a black and a white image": (torch.stack([torch.zeros(3, 4, 4), torch.ones(3, 4, 4)])
                                      .mul(255).to(torch.uint8),),
        "a pure red image (5x7)": (red,),
        "a batch of one image": ((_torch_rand((1, 3, 6, 6), 1) * 256).to(torch.uint8),),
    }

    def hints(args, want):
        x = args[0].double() / 255
        return [(near(want * 255), "values are 255x too large: divide the uint8 pixels by 255")]\
            + [(near(x[:, c].mean(dim=(1, 2))), "that is the mean of one channel only: average "
                "over the channels too, i.e. over dims (1, 2, 3)") for c in range(3)]

    check_function(fn, reference, cases, name=_name(fn), atol=1e-5, rtol=1e-4, hints=hints)


@_short
def check_constant_baseline(fn) -> None:
    """``fn(y_train: (N,), y_test: (M,)) -> number``: the test MSE of always predicting the mean
    of the training targets."""
    import torch

    def reference(y_train, y_test):
        return float(((y_test.double() - y_train.double().mean()) ** 2).mean())

    cases = {
        "100 training, 40 test targets": (_torch_rand((100,)), 0.2 + 0.8 * _torch_rand((40,), 1)),
        "test targets all 0.5": (_torch_rand((50,), 2), torch.full((10,), 0.5)),
        "3 training and 2 test targets": (torch.tensor([0.1, 0.2, 0.6]), torch.tensor([0.0, 1.0])),
    }

    def hints(args, want):
        y_train, y_test = (a.double() for a in args)
        diff = y_test - y_train.mean()
        return [
            (near(((y_test - y_test.mean()) ** 2).mean()), "that predicts the mean of the test "
             "targets: predict y_train.mean() (test targets are unknown when predicting)"),
            (near(((y_train - y_train.mean()) ** 2).mean()), "that is the error on the training "
             "targets: measure it on y_test"),
            (near(diff.abs().mean()), "that is the mean absolute error: square the differences"),
            (near(diff.pow(2).mean().sqrt()), "that is the root of the MSE: drop the square root"),
            (near(diff.pow(2).sum()), "that is the sum of squared errors: take the mean"),
        ]

    check_function(fn, reference, cases, name=_name(fn), atol=1e-6, rtol=1e-4, hints=hints)


@_short
def check_forward_shape(model, input_shape=(4, 3, 32, 32), output_shape=(4,),
                        name: str | None = None) -> None:
    """``model(torch.rand(input_shape))`` has shape ``output_shape``; again with a batch of 1.

    ``model``: a module, a function, or a class built without arguments.
    """
    model = build(model) if isinstance(model, type) else model
    name = name or _name(model)
    shapes = [(tuple(input_shape), tuple(output_shape))]
    if input_shape[0] > 1 and output_shape and output_shape[0] == input_shape[0]:
        shapes.append(((1, *input_shape[1:]), (1, *output_shape[1:])))
    for shape, want in shapes:
        case = f"an input of shape {shape}"
        with _eval_mode(model):
            out = _call(model, name, (_torch_rand(shape),), case)
        check_shape(name, out, want, case)
        if not np.isfinite(_np(out)).all():
            raise CheckFailed(f"{name}: the output holds NaN or inf for {case}")
    _passed(name, f"output shape {tuple(output_shape)} for input {tuple(input_shape)}"
            + (", and a batch of 1 works" if len(shapes) > 1 else ""))


# ---------------------------------------------------------------------------------------------
# 02: PSNR; the autoencoder's encoder and decoder
# ---------------------------------------------------------------------------------------------
@_short
def check_psnr(fn) -> None:
    """``fn(pred, target) -> (N,)``: per-image PSNR in dB of images (N, C, H, W) in [0, 1]."""
    import torch

    def reference(pred, target):
        return 10 * torch.log10(1 / (pred.double() - target.double()).pow(2).mean(dim=(1, 2, 3)))

    target = _torch_rand((4, 3, 8, 8))
    scales = torch.tensor([0.01, 0.1, 0.3]).view(3, 1, 1, 1)
    cases = {
        "4 random images with noise": ((target + 0.05 * _torch_rand((4, 3, 8, 8), 1)), target),
        "one image off by 0.1 everywhere (20 dB)": (torch.full((1, 3, 4, 4), 0.6),
                                                    torch.full((1, 3, 4, 4), 0.5)),
        "3 images with different errors": (target[:3] + scales * _torch_rand((3, 3, 8, 8), 2),
                                           target[:3]),
    }

    def hints(args, want):
        n = args[0][0].numel()
        return [
            (near(want * math.log(10)), "natural log used: PSNR uses log10 (torch.log10)"),
            (near(want / 10), "forgot the factor 10: PSNR = 10 log10(MAX^2 / MSE)"),
            (near(want * 2), "20 log10 goes with the RMSE; with the MSE it is 10 log10"),
            (near(want / 2), "10 log10 of the RMSE: use the MSE (mean of squared errors)"),
            (near(want + 20 * math.log10(255)), "computed as for 0-255 pixels (MAX = 255), but "
             "these images are in [0, 1]: MAX = 1"),
            (near(-want), "upside down: PSNR = 10 log10(MAX^2 / MSE), not MSE / MAX^2"),
            (near(want - 10 * math.log10(n)), "used the sum of squared errors: PSNR needs the "
             "mean (MSE)"),
        ]

    n = _compare(fn, reference, cases, _name(fn), atol=1e-3, rtol=1e-4, hints=hints)
    values = _np(_call(fn, _name(fn), (target, target), "two identical images"))
    if np.isnan(values).any() or (values < 60).any():
        raise CheckFailed(f"{_name(fn)}: identical images should give a huge PSNR (inf, or about "
                          f"100 dB if you clamp the MSE), got {values.ravel()[:4]}: "
                          "clamp the MSE, e.g. mse.clamp_min(1e-10)")
    _cases_pass(_name(fn), n + 1)


@_short
def check_encoder_decoder(encoder, decoder, x_shape=(2, 3, 32, 32), code_shape=None,
                          out_range=(0.0, 1.0), name: str | None = None) -> None:
    """``encoder(x)`` is a smaller code (of ``code_shape`` if given), ``decoder(code)`` has
    ``x``'s shape and values in ``out_range`` (``None``: any). ``name``: the model they belong
    to, for the messages (``"Autoencoder"`` gives ``Autoencoder.encoder``)."""
    x_shape = tuple(x_shape)
    enc, dec = (f"{name}.encoder", f"{name}.decoder") if name else (_name(encoder), _name(decoder))
    for batch in (x_shape[0], 1):
        shape = (batch, *x_shape[1:])
        case = f"an input of shape {shape}"
        with _eval_mode(encoder):
            code = _call(encoder, enc, (_torch_rand(shape),), case)
        if code_shape is not None:
            check_shape(f"encoder ({enc})", code, (batch, *tuple(code_shape)[1:]), case)
        elif code.ndim != 4 or code[0].numel() >= _torch_rand(shape)[0].numel():
            raise CheckFailed(f"encoder ({enc}): the code {tuple(code.shape)} is not smaller than "
                              f"the input {shape}: the encoder should shrink H and W")
        with _eval_mode(decoder):
            out = _call(decoder, dec, (code,), f"the code of {case}")
            # a large code too: an output range that holds only by luck shows up here
            loud = _call(decoder, dec, (code * 50,), f"50 x the code of {case}")
        check_shape(f"decoder ({dec})", out, shape, f"the code {tuple(code.shape)}")
        lo, hi = out_range or (-np.inf, np.inf)
        out_min, out_max = min(out.min(), loud.min()), max(out.max(), loud.max())
        if out_min < lo - 1e-6 or out_max > hi + 1e-6:
            raise CheckFailed(f"decoder ({dec}): outputs in [{out_min:.3g}, {out_max:.3g}], "
                              f"expected within [{lo}, {hi}]: end the decoder with nn.Sigmoid()")
    _passed(name or f"{enc} + {dec}", f"{x_shape} -> code {tuple(code.shape[1:])} -> {x_shape}")


# ---------------------------------------------------------------------------------------------
# 03: color spaces (references: colorlab.color)
# ---------------------------------------------------------------------------------------------
def _color():
    try:
        from colorlab import color
    except ImportError as err:
        raise ImportError("this check compares with colorlab.color, which this colorlab lacks: "
                          "update the course kit and reinstall it (make)") from err
    return color


COLOR_CASES = ("random", "thresholds", "pure", "dark", "unbatched", "extra dims")
SMOOTH = tuple(c for c in COLOR_CASES if c != "thresholds")  # for functions of XYZ or Lab


def _color_cases(kind: str = "rgb", only=COLOR_CASES) -> dict:
    """Inputs over (..., 3, H, W), as ``{label: (tensor,)}``: sRGB (``kind="rgb"``), or the
    reference's XYZ or Lab of those colors. ``only``: which of :data:`COLOR_CASES`."""
    import torch

    edge = torch.tensor([0, 0.001, 0.003, 0.005, 0.01, 0.02, 0.03, 0.04045, 0.05, 0.3, 0.7, 1.0])
    pure = torch.tensor([[0, 0, 0], [1, 1, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5]])
    cases = {
        "random": ("a batch of random images (2, 3, 4, 4)", _torch_rand((2, 3, 4, 4))),
        "thresholds": ("values around the thresholds 0.0031308 and 0.04045", edge.view(1, 3, 2, 2)),
        "pure": ("black, white, red, green, blue and gray", pure.T.reshape(1, 3, 2, 3)),
        "dark": ("dark colors", 0.06 * _torch_rand((1, 3, 3, 3), 1)),
        "unbatched": ("an image without batch dimension (3, 5, 6)", _torch_rand((3, 5, 6), 2)),
        "extra dims": ("extra leading dimensions (2, 2, 3, 1, 3)", _torch_rand((2, 2, 3, 1, 3), 3)),
    }
    rgb = {label: x for key, (label, x) in cases.items() if key in only}
    if kind == "xyz":
        return {label: (_color().rgb_to_xyz(x),) for label, x in rgb.items()}
    if kind == "lab":  # away from the gamut's edge, where lab_to_rgb may clip
        return {label: (_lab(_color().rgb_to_lab(x.clamp(0.02, 0.98))),)
                for label, x in rgb.items()}
    return {label: (x,) for label, x in rgb.items()}


def _lab(out):
    """rgb_to_lab may return one (..., 3, H, W) tensor or (L, ab): make it one tensor."""
    import torch

    return torch.cat(list(out), dim=-3) if isinstance(out, (tuple, list)) else out


def _lab_args(fn):
    """Call ``fn`` with one Lab tensor, or with (L, ab) if it takes two arguments."""
    import inspect

    try:
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.default is p.empty and p.kind in positional]
    except (TypeError, ValueError):
        params = []
    if len(params) >= 2:
        return functools.wraps(fn)(lambda lab: fn(lab[..., :1, :, :], lab[..., 1:, :, :]))
    return fn


def _try(fn, *args):
    """fn(*args), or None if it fails (a hint that cannot be computed does not apply)."""
    try:
        return fn(*args)
    except Exception:
        return None


def _matrix(m, x):
    import torch

    return torch.einsum("ij,...jhw->...ihw", torch.tensor(m, dtype=torch.float64), x.double())


def _srgb_to_linear(x, threshold=0.04045, toe=True):
    import torch

    x = x.double()
    curve = ((x + 0.055) / 1.055) ** 2.4
    return torch.where(x <= threshold, x / 12.92, curve) if toe else curve


def _linear_to_srgb(x, threshold=0.0031308, toe=True, exponent=1 / 2.4):
    import torch

    x = x.double()
    curve = 1.055 * x.clamp_min(0) ** exponent - 0.055
    return torch.where(x <= threshold, 12.92 * x, curve) if toe else curve


@_short
def check_srgb_to_linear(fn) -> None:
    """``fn(srgb: (..., 3, H, W) in [0, 1]) -> linear RGB``, same shape."""
    def hints(args, want):
        x = args[0]
        return [
            (near(_srgb_to_linear(x, threshold=0.0031308)), "wrong threshold: in this direction "
             "the switch is at 0.04045 (0.0031308 is linear_to_srgb's, on the linear side)"),
            (near(_srgb_to_linear(x, toe=False)), "small values are off: below 0.04045 the curve "
             "is the linear toe x / 12.92"),
            (near(x.double() ** 2.2), "x ** 2.2 only approximates sRGB: x / 12.92 below 0.04045, "
             "((x + 0.055) / 1.055) ** 2.4 above"),
            (near(_linear_to_srgb(x)), "that is the other direction, linear -> sRGB"),
        ]

    check_function(fn, _color().srgb_to_linear, _color_cases(), atol=1e-5, rtol=1e-4, hints=hints)


@_short
def check_linear_to_srgb(fn) -> None:
    """``fn(linear: (..., 3, H, W) in [0, 1]) -> sRGB``, same shape."""
    def hints(args, want):
        x = args[0]
        return [
            (near(_linear_to_srgb(x, threshold=0.04045)), "wrong threshold: in this direction "
             "the switch is at 0.0031308 (0.04045 is srgb_to_linear's, on the sRGB side)"),
            (near(_linear_to_srgb(x, toe=False)), "small values are off: below 0.0031308 the curve "
             "is the linear toe 12.92 * x"),
            (near(_linear_to_srgb(x, exponent=2.4)), "the exponent is 1 / 2.4 in this direction"),
            (near(x.double() ** (1 / 2.2)), "x ** (1 / 2.2) only approximates sRGB: 12.92 x below "
             "0.0031308, 1.055 x ** (1 / 2.4) - 0.055 above"),
            (near(_srgb_to_linear(x)), "that is the other direction, sRGB -> linear"),
        ]

    check_function(fn, _color().linear_to_srgb, _color_cases(), atol=1e-5, rtol=1e-4, hints=hints)


@_short
def check_rgb_to_xyz(fn) -> None:
    """``fn(rgb: (..., 3, H, W)) -> XYZ``, same shape and convention as colorlab.color."""
    def hints(args, want):
        import torch

        m = _color().RGB_TO_XYZ.numpy()
        linear = _matrix(np.linalg.inv(m), torch.as_tensor(want))  # what the reference used
        return [
            (near(_matrix(m.T, linear)),
             "the matrix is transposed: XYZ = M @ rgb, with rows of M giving X, Y and Z"),
            (near(_matrix(m, args[0])), "did you forget to linearize "
             "first? the matrix applies to linear RGB (srgb_to_linear)"),
        ]

    check_function(fn, _color().rgb_to_xyz, _color_cases(), atol=1e-5, rtol=1e-4, hints=hints)


def _xyz_to_lab(xyz, white, toe=True):
    import torch

    t = xyz.double() / torch.as_tensor(white, dtype=torch.float64).view(3, 1, 1)
    d = 6 / 29
    cube = t.clamp_min(0) ** (1 / 3)
    f = torch.where(t > d**3, cube, t / (3 * d * d) + 4 / 29) if toe else cube
    fx, fy, fz = f.unbind(-3)
    return torch.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], dim=-3)


@_short
def check_xyz_to_lab(fn) -> None:
    """``fn(xyz: (..., 3, H, W)) -> Lab`` with L in [0, 100], same shape."""
    import torch

    color = _color()
    white = color.rgb_to_xyz(torch.ones(3, 1, 1)).double().view(3)

    def hints(args, want):
        xyz = args[0]
        return [
            (lambda g, w: np.allclose(g[..., 0, :, :] - w[..., 0, :, :], 16),
             "L is 16 too high everywhere: did you forget the -16? (L = 116 f(Y/Yn) - 16)"),
            (lambda g, w: np.allclose(g[..., 0, :, :], w[..., 0, :, :], atol=0.05)
             and np.allclose(g[..., 1:, :, :], -w[..., 1:, :, :]),
             "a and b have the wrong sign: a = 500 (f(X/Xn) - f(Y/Yn)), "
             "b = 200 (f(Y/Yn) - f(Z/Zn))"),
            (near(want[..., [0, 2, 1], :, :]),
             "a and b are swapped: channel 1 is a (green-red), channel 2 is b (blue-yellow)"),
            (near(_xyz_to_lab(xyz, torch.ones(3))),
             "did you forget to divide by the white point? f takes X/Xn, Y/Yn, Z/Zn with D65 "
             f"(Xn, Yn, Zn) = ({white[0]:.4f}, {white[1]:.4f}, {white[2]:.4f})"),
            (near(_xyz_to_lab(xyz, white, toe=False)),
             "dark colors are off: below t = (6/29)^3 = 0.008856, f(t) = t / (3 (6/29)^2) + 4/29, "
             "not the cube root"),
        ]

    check_function(fn, color.xyz_to_lab, _color_cases("xyz", SMOOTH), atol=1e-2, rtol=1e-4,
                   hints=hints)


@_short
def check_lab_to_rgb(fn) -> None:
    """``fn(lab)`` (or ``fn(L, ab)``, following your signature) inverts rgb_to_lab."""
    color = _color()
    reference = _lab_args(color.lab_to_rgb)

    def hints(args, want):
        shift, flip = args[0].clone(), args[0].clone()
        shift[..., 0, :, :] -= 16
        flip[..., 1:, :, :] *= -1
        return [
            (near(_srgb_to_linear(want)), "the result looks like linear RGB: finish with "
             "linear_to_srgb"),
            (near(_try(reference, shift)), "did you forget the +16? f(Y/Yn) = (L + 16) / 116"),
            (near(_try(reference, flip)), "a and b have the wrong sign: f(X/Xn) = (L + 16) / 116 "
             "+ a / 500, f(Z/Zn) = (L + 16) / 116 - b / 200"),
            (near(want.flip(-3)), "red and blue are swapped: channel 0 is R, channel 2 is B"),
        ]

    check_function(_lab_args(fn), reference, _color_cases("lab", SMOOTH), name=_name(fn), atol=2e-3,
                   rtol=1e-3, hints=hints)


# ---------------------------------------------------------------------------------------------
# 04: the UNet; the grayscale baseline
# ---------------------------------------------------------------------------------------------
def _locality(model, in_ch: int) -> float:
    """How much of the output change after nudging one input pixel lands within 2 pixels of it:
    about 0.5 for a UNet with skip connections, about 0.03 without (measured on colorlab's)."""
    x = _torch_rand((1, in_ch, 32, 32), 5)
    fractions = []
    with _eval_mode(model):
        base = model(x)
        for i, j in ((13, 18), (20, 9)):
            nudged = x.clone()
            nudged[0, :, i, j] += 0.5
            change = (model(nudged) - base).abs().sum(dim=1)[0]
            fractions.append(float(change[i - 2:i + 3, j - 2:j + 3].sum() / change.sum()
                                   .clamp_min(1e-12)))
    return sum(fractions) / len(fractions)


@_short
def check_unet_forward(model, in_ch: int = 1, out_ch: int = 2) -> None:
    """Shapes for (2, in_ch, 32, 32) and (1, in_ch, 64, 32); the output reacts to fine detail
    near where the input changes, which only the skip connections can carry."""
    name = _name(model)
    for shape in ((2, in_ch, 32, 32), (1, in_ch, 64, 32)):
        case = f"an input of shape {shape}"
        with _eval_mode(model):
            out = _call(model, name, (_torch_rand(shape),), case)
        check_shape(name, out, (shape[0], out_ch, *shape[2:]), case)
    local = _locality(model, in_ch)
    if local < 0.15:
        raise CheckFailed(
            f"{name}: are the skip connections missing? the output hardly reacts to fine input "
            f"detail\n  nudging one input pixel moved {local:.0%} of the output change to its 5x5 "
            "neighborhood (about 50% with skips): each decoder level should torch.cat its "
            "upsampled features with the encoder features of the same size")
    _passed(name, f"output shapes right; {local:.0%} of a one-pixel change stays local "
            "(skip connections carry fine detail)")


@_short
def check_gray_baseline(fn) -> None:
    """``fn(rgb: (N, 3, H, W) in [0, 1]) -> (N, 3, H, W)``: keep Lab's L, set a = b = 0."""
    import torch

    color = _color()
    to_rgb = _lab_args(color.lab_to_rgb)

    def reference(rgb):
        lab = _lab(color.rgb_to_lab(rgb)).clone()
        lab[..., 1:, :, :] = 0
        return to_rgb(lab)

    cases = _color_cases("rgb", ("random", "pure", "dark"))

    def hints(args, want):
        rgb = args[0]
        luma = (rgb * torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)).sum(-3, keepdim=True)
        L = _lab(color.rgb_to_lab(rgb))[..., :1, :, :] / 100
        return [
            (near(rgb.mean(-3, keepdim=True).expand_as(rgb)), "that is the mean of R, G and B: "
             "keep Lab's L instead (rgb_to_lab, set a = b = 0, then lab_to_rgb)"),
            (near(luma.expand_as(rgb)), "that is the luma 0.299 R + 0.587 G + 0.114 B: keep Lab's "
             "L instead (rgb_to_lab, set a = b = 0, then lab_to_rgb)"),
            (near(L.expand_as(rgb)), "L / 100 is not the gray level: convert (L, 0, 0) back with "
             "lab_to_rgb (L is perceptual, sRGB gamma-encoded)"),
            (lambda g, w: np.ptp(g, axis=-3).max() > 1e-3, "the three channels differ: with "
             "a = b = 0 every pixel is a neutral gray, R = G = B"),
        ]

    check_function(fn, reference, cases, name=_name(fn), atol=2e-3, rtol=1e-3, hints=hints)


def _tint_model():
    """A stand-in colorizer for :func:`check_colorize`: L/100 (N, 1, H, W) in [0, 1] -> ab/110
    (N, 2, H, W), a fixed smooth function of L (no weights, no randomness)."""
    import torch
    from torch import nn

    class Tint(nn.Module):
        def forward(self, L):
            if L.ndim != 4 or L.shape[1] != 1:
                raise ValueError(f"the model takes L / 100 of shape (N, 1, H, W), got "
                                 f"{tuple(L.shape)}")
            if L.min() < -0.01 or L.max() > 1.01:
                raise ValueError(f"the model takes L / 100, in [0, 1], got values in "
                                 f"[{L.min():.3g}, {L.max():.3g}]: divide L by 100")
            return torch.cat([0.4 * torch.sin(7 * L + 1), 0.3 * torch.cos(5 * L) - 0.1], dim=1)

    return Tint()


@_short
def check_colorize(fn) -> None:
    """``fn(model, rgb: (N, 3, H, W) in [0, 1]) -> (N, 3, H, W)``: the true L with the ab that
    ``model(L / 100) * AB_SCALE`` predicts, back to sRGB."""
    import torch

    color = _color()
    to_rgb = _lab_args(color.lab_to_rgb)
    model = _tint_model()

    def parts(rgb):
        L = _lab(color.rgb_to_lab(rgb))[:, :1]
        return L, model(L / 100)  # L in [0, 100], normalized ab

    def reference(model, rgb):
        L, ab = parts(rgb)
        return to_rgb(torch.cat([L, ab * color.AB_SCALE], dim=1))

    smooth = torch.linspace(0, 1, 16)
    cases = {
        "a batch of random images (2, 3, 8, 8)": (model, _torch_rand((2, 3, 8, 8))),
        "a smooth gradient (1, 3, 16, 16)": (model, torch.stack(torch.broadcast_tensors(
            smooth.view(16, 1), smooth.view(1, 16), 0.5 * smooth.view(16, 1)))[None]),
        "black, white and gray": (model, torch.tensor([0.0, 1.0, 0.5]).view(1, 1, 1, 3)
                                  .expand(1, 3, 1, 3).clone()),
    }

    def hints(args, want):
        L, ab = parts(args[1])
        return [
            (near(_try(to_rgb, torch.cat([L, ab], dim=1))), "the colors are far too weak: the "
             "model returns ab / AB_SCALE; multiply by AB_SCALE (110) before lab_to_rgb"),
            (near(torch.cat([L, ab * color.AB_SCALE], dim=1)), "that is Lab: convert it to sRGB "
             "with lab_to_rgb"),
            (near(_try(to_rgb, torch.cat([L, ab.flip(1) * color.AB_SCALE], dim=1))),
             "a and b are swapped: the model's channel 0 is a, channel 1 is b"),
        ]

    check_function(fn, reference, cases, name=_name(fn), atol=2e-3, rtol=1e-3, hints=hints)


# ---------------------------------------------------------------------------------------------
# 05: rebalancing weights; annealed-mean decoding (references: colorlab.bins)
# ---------------------------------------------------------------------------------------------
def _bins():
    try:
        from colorlab import bins
    except ImportError as err:
        raise ImportError("this check compares with colorlab.bins, which this colorlab lacks: "
                          "update the course kit and reinstall it (make)") from err
    return bins


@_short
def check_rebalancing_weights(fn) -> None:
    """``fn(prior: (Q,) summing to 1, lam: float) -> (Q,)``: ``w ~ 1 / ((1 - lam) p + lam / Q)``
    scaled so that ``sum(p * w) == 1``."""
    import torch

    reference = _bins().rebalancing_weights
    spread = _torch_rand((12,)) + 0.05
    spread = spread / spread.sum()
    peaked = torch.tensor([0.7, 0.1, 0.1, 0.05, 0.04, 0.01])
    cases = {
        "12 bins, lam = 0.5": (spread, 0.5),
        "a peaked prior (one common bin), lam = 0.5": (peaked, 0.5),
        "a peaked prior, lam = 0.2": (peaked, 0.2),
        "lam = 0 (pure inverse frequency)": (spread, 0.0),
        "lam = 1 (no rebalancing: all ones)": (peaked, 1.0),
    }

    def hints(args, want):
        p, lam = args[0].double(), args[1]
        mix = (1 - lam) * p + lam / len(p)
        return [
            (near(1 / mix), "the weights are not scaled: divide them by sum(prior * w), so that "
             "the average weight of a pixel is 1"),
            (near(1 / mix / (1 / mix).sum()), "scaled so that sum(w) = 1: scale so that "
             "sum(prior * w) = 1 instead (the average weight of a pixel)"),
            (near(1 / mix / (1 / mix).mean()), "scaled so that mean(w) = 1: scale so that "
             "sum(prior * w) = 1 instead (the average weight of a pixel)"),
            (near(None if lam == 0.5 else reference(args[0], 1 - lam)), "lam weighs the uniform "
             "part: mix (1 - lam) * prior + lam / Q"),
            (near(mix / (p * mix).sum()), "the weight is the inverse of the mix: "
             "w ~ 1 / ((1 - lam) * prior + lam / Q)"),
        ]

    check_function(fn, reference, cases, name=_name(fn), atol=1e-5, rtol=1e-4, hints=hints)


@_short
def check_annealed_mean(fn) -> None:
    """``fn(logits: (N, Q, H, W), centers: (Q, 2), T: float) -> (N, 2, H, W)``: the expectation
    of the bin centers under ``softmax(logits / T)`` over the Q bins."""
    import torch

    bins = _bins()
    grid = (-30.0, 0.0, 20.0)
    centers = torch.tensor([[a, b] for a in grid for b in (-40.0, 0.0, 30.0)])  # (9, 2)
    decoder = bins.AbBins(centers, torch.ones(len(centers)))

    def reference(logits, centers, T):
        return decoder.decode(logits, T)

    logits = 4 * _torch_rand((2, 9, 3, 4)) - 2
    cases = {
        "random logits, T = 1": (logits, centers, 1.0),
        "random logits, T = 0.38": (logits, centers, 0.38),
        "confident logits, T = 0.1": (5 * logits, centers, 0.1),
        "one pixel, T = 2": (logits[:1, :, :1, :1], centers, 2.0),
    }

    def hints(args, want):
        z, c, T = args

        def expect(p):
            return torch.einsum("nqhw,qc->nchw", p.double(), c.double())

        return [
            (near(None if T == 1 else expect(z.softmax(1))), "the temperature is missing: "
             "softmax(logits / T)"),
            (near(expect((z * T).softmax(1))), "divide the logits by T, don't multiply: "
             "softmax(logits / T)"),
            (near(c[z.argmax(1)].movedim(-1, 1)), "that is the center of the most likely bin (the "
             "limit T -> 0): average all centers, weighted by the probabilities"),
            (near(expect((z / T).softmax(0))), "softmax over the wrong dimension: the Q bins are "
             "dim 1 of (N, Q, H, W)"),
            (near(expect(z / T)), "the logits are not probabilities: apply softmax over the bins"),
            (near(want.flip(1)), "a and b are swapped: centers[:, 0] is a, centers[:, 1] is b"),
        ]

    check_function(fn, reference, cases, name=_name(fn), atol=1e-3, rtol=1e-4, hints=hints)
