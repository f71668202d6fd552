"""Checks of lecture 01 (the regression toy): the mean-intensity target, the constant baseline,
a model's forward pass, the tiny CNN's layers (feature map sizes, parameters, outputs).
"""

from __future__ import annotations

import numpy as np

from .alone import stage_shapes
from .harness import (
    CheckFailed,
    _call,
    _eval_mode,
    _name,
    _np,
    _passed,
    _short,
    _torch_rand,
    build,
    check_close,
    check_function,
    check_shape,
    near,
)


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
                "over the channels too, i.e. over dims (1, 2, 3)") for c in range(3)] + [
            (near(x.sum(dim=(1, 2, 3))), "that is the sum of the pixels: take the mean over dims "
             "(1, 2, 3)"),
            (near((args[0] // 255).double().mean(dim=(1, 2, 3))), "// is integer division (only "
             "white stays 1): convert to float, then divide by 255"),
            (lambda g, w: g.ndim > 1 and g.shape[0] == w.shape[0], "one number per image: "
             "average over all of dims (1, 2, 3) (channels, height, width), not one dimension"),
            (lambda g, w: g.shape[:1] != w.shape[:1], "one number per image: average over dims "
             "(1, 2, 3); dim 0 is the batch, keep it"),
        ]

    errors = [("dtype", "convert the uint8 pixels to float first (images.float() / 255): "
               "torch cannot average integers")]
    check_function(fn, reference, cases, name=_name(fn), atol=1e-5, rtol=1e-4, hints=hints,
                   errors=errors)


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
            (near(diff.mean() ** 2), "that squares the mean difference: square each difference "
             "first, then take the mean"),
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


def _tiny_cnn_variants(ref, x) -> list:
    """Known wrong forward passes of colorlab.models.MeanRegressor ``ref``: ``(output, hint)``."""
    import torch

    f = ref.features(x)
    linear = torch.nn.Sequential(*[m for m in ref.features if not isinstance(m, torch.nn.ReLU)])
    return [
        (ref.head(linear(x).mean(dim=(2, 3))).squeeze(1), "no nonlinearity: put nn.ReLU() after "
         "each convolution"),
        (ref.head(f.amax(dim=(2, 3))).squeeze(1), "that is max pooling: global AVERAGE pooling "
         "is the mean over H and W, .mean(dim=(2, 3))"),
        (torch.sigmoid(ref.head(f.mean(dim=(2, 3))).squeeze(1)), "no activation after the "
         "linear layer: the table ends with nn.Linear(4w, 1)"),
        (ref.head(ref.features[:-1](x).mean(dim=(2, 3))).squeeze(1), "a ReLU is missing after "
         "the last convolution: each nn.Conv2d is followed by nn.ReLU()"),
    ]


@_short
def check_tiny_cnn(model_class, width: int = 8) -> None:
    """``model_class(width)``: the table's TinyCNN, (N, 3, H, W) -> (N,). Checks the feature map
    size after each convolution, the output shape (batch 4, batch 1, other sizes), the parameter
    shapes, and, with colorlab.models.MeanRegressor's weights copied in, the same outputs."""
    import torch
    from torch import nn

    from colorlab.models import MeanRegressor

    name = _name(model_class)
    model = build(model_class, width=width)
    x = _torch_rand((2, 3, 32, 32))
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    shapes, out = stage_shapes(model, {i: m for i, m in enumerate(convs)}, x)
    w = width
    want = [(2, w, 32, 32), (2, 2 * w, 16, 16), (2, 4 * w, 8, 8)]
    if len(convs) != 3:
        raise CheckFailed(f"{name}: found {len(convs)} nn.Conv2d layers, the table has 3 "
                          f"(3 -> w -> 2w -> 4w channels)")
    for i, (conv, got, exp) in enumerate(zip(convs, [shapes.get(i) for i in range(3)], want)):
        if got is None:
            break  # the forward pass failed before: its error is reported below
        if got[2:] != exp[2:]:
            fix = (f"give it stride={2 if i else 1}" if conv.stride != ((2, 2) if i else (1, 1))
                   else "use padding=1 so a 3x3 convolution keeps the size")
            raise CheckFailed(f"{name}: convolution {i + 1} outputs {got[2]}x{got[3]} feature "
                              f"maps for a 32x32 input, the table says {exp[2]}x{exp[3]}: {fix}")
        if got[1] != exp[1]:
            raise CheckFailed(f"{name}: convolution {i + 1} has {got[1]} output channels, the "
                              f"table says {exp[1]} (w = width = {w})")
    errors = [("mat1 and mat2", "the linear layer gets the wrong number of features: average the "
               "last feature maps over H and W (.mean(dim=(2, 3))) to get (N, 4w), then "
               "nn.Linear(4w, 1)")]
    for shape in ((4, 3, 32, 32), (1, 3, 32, 32), (2, 3, 48, 64)):
        case = f"an input of shape {shape}"
        with _eval_mode(model):
            got = _call(model, name, (_torch_rand(shape),), case, errors)
        check_shape(name, got, (shape[0],), case)
    ref = MeanRegressor(width=w).eval()
    mine, theirs = [tuple(p.shape) for p in model.parameters()], \
        [tuple(p.shape) for p in ref.parameters()]
    if mine != theirs:
        raise CheckFailed(f"{name}: its parameters have shapes {mine}, the table's layers "
                          f"{theirs}: compare your layers with the table, in order")
    with torch.no_grad():
        for p, q in zip(model.parameters(), ref.parameters()):
            p.copy_(q)
        got, want = model.eval()(x), ref(x)
        hints = [(near(v), hint) for v, hint in _tiny_cnn_variants(ref, x)]
        check_close(name, got, want, atol=1e-5, rtol=1e-4, hints=hints,
                    case="the table's weights (those of colorlab.models.MeanRegressor)")
    _passed(name, "feature maps 32 -> 32 -> 16 -> 8, output (N,) for any size; the table's "
            "layers")
