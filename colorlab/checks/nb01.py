"""Checks of lecture 01 (the regression toy): the mean-intensity target, the constant baseline,
a model's forward pass.
"""

from __future__ import annotations

import numpy as np

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
