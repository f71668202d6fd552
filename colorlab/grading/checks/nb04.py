"""Checks of lecture 04 (the UNet colorizer): the UNet's forward pass (shapes, pooling, the order
of the skips, skip connections, and with colorlab.models.UNet's weights the same outputs), the
gray baseline, colorizing with a model, one training step (against a reference step on a tiny
model). Color references come through nb03's helpers.

Long because the training step (task 4.4) has many distinct, common mistakes (no zero_grad, step
before backward, a detached loss, a tensor returned, no model.train(), swapped loss arguments,
...), each with its own probe and its own message naming the fix, beside the UNet's three tasks.
"""

from __future__ import annotations

import numpy as np

from .harness import (
    CheckFailed,
    _call,
    _eval_mode,
    _name,
    _passed,
    _short,
    _torch_rand,
    check_close,
    check_function,
    check_shape,
    near,
)
from .nb03 import _color, _color_cases, _lab, _lab_args, _try


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


def _unet_variants(lib, x) -> list:
    """Known wrong forward passes of colorlab.models.UNet ``lib``: ``(output, hint)`` pairs."""
    import torch

    def forward(skip_first=False, activation=True):
        h, skips = x, []
        for encode in lib.encoders:
            h = encode(h)
            skips.append(h)
            h = lib.pool(h)
        h = lib.bottleneck(h)
        for up, decode, skip in zip(lib.ups, lib.decoders, reversed(skips)):
            h = up(h)
            h = decode(torch.cat([skip, h] if skip_first else [h, skip], dim=1))
        return lib.activation(lib.head(h)) if activation else lib.head(h)

    with torch.no_grad():
        return [
            (forward(activation=False), "the output has no activation: end with "
             "self.activation(self.head(x)) (Tanh: ab / AB_SCALE in [-1, 1])"),
            (torch.sigmoid(forward(activation=False)), "sigmoid gives [0, 1], but ab / AB_SCALE "
             "is in [-1, 1]: end with self.activation(self.head(x)) (Tanh)"),
            (forward(skip_first=True), "concatenate [upsampled, skip] in this order: "
             "torch.cat([x, skip], dim=1)"),
        ]


def _unet_errors(pools: int, depth: int) -> list:
    return [
        ("Sizes of tensors must match", "pool after each encoder level: x = self.pool(x) halves H "
         "and W before the next level" if pools < depth else "the skips meet the decoder in the "
         "wrong order: the decoder goes back up, so zip the decoders with reversed(skips)"),
        ("channels", "each decoder takes 2w channels: concatenate the upsampled features with the "
         "skip of the same size, torch.cat([x, skip], dim=1)"),
    ]


@_short
def check_unet_forward(model, in_ch: int = 1, out_ch: int = 2) -> None:
    """Shapes for (2, in_ch, 32, 32) and (1, in_ch, 64, 32); with colorlab.models.UNet's weights
    loaded, the same outputs; the output reacts to fine detail near where the input changes,
    which only the skip connections can carry."""
    import copy

    import torch

    from colorlab.models import UNet

    name = _name(model)
    depth = len(getattr(model, "encoders", ())) or 3
    pools = []
    hook = model.pool.register_forward_hook(lambda *_: pools.append(1)) \
        if hasattr(model, "pool") else None
    try:
        for shape in ((2, in_ch, 32, 32), (1, in_ch, 64, 32)):
            case = f"an input of shape {shape}"
            pools.clear()
            try:
                with _eval_mode(model):
                    out = _call(model, name, (_torch_rand(shape),), case)
            except CheckFailed as err:  # which hint applies depends on the pools that ran
                raw = str(err)
                hint = next((h for p, h in _unet_errors(len(pools), depth) if p in raw), None)
                raise CheckFailed(f"{name}: {hint}\n  {raw}" if hint else raw) from None
            check_shape(name, out, (shape[0], out_ch, *shape[2:]), case)
    finally:
        if hook:
            hook.remove()
    local = _locality(model, in_ch)
    if local < 0.15:
        raise CheckFailed(
            f"{name}: are the skip connections missing? the output hardly reacts to fine input "
            f"detail\n  nudging one input pixel moved {local:.0%} of the output change to its 5x5 "
            "neighborhood (about 50% with skips): each decoder level should torch.cat its "
            "upsampled features with the encoder features of the same size")
    try:
        lib = UNet(in_ch=in_ch, out_ch=out_ch, base=model.head.in_channels, depth=depth).eval()
        mine = copy.deepcopy(model).eval()
        mine.load_state_dict(lib.state_dict())
    except Exception:  # layers of its own: only the shapes and the locality above apply
        mine = None
    if mine is not None:
        x = _torch_rand((2, in_ch, 32, 32), 3)
        with torch.no_grad():
            got, want = mine(x), lib(x)
        hints = [(near(v), h) for v, h in _unet_variants(lib, x)]
        check_close(name, got, want, atol=1e-5, rtol=1e-4, hints=hints,
                    case="colorlab.models.UNet's weights")
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
            (near(torch.cat([100 * L, 0 * L, 0 * L], dim=-3)), "that is Lab (L, 0, 0): convert "
             "it back to sRGB with lab_to_rgb"),
            (lambda g, w: g.shape[-3:-2] == (1,), "one channel: return 3, lab_to_rgb of (L, 0, 0) "
             "gives R = G = B"),
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
            (near(_try(to_rgb, torch.cat([L / 100, ab * color.AB_SCALE], dim=1))), "L / 100 is "
             "the model's input only: put the true L (0-100) back with the predicted ab"),
            (near(_try(to_rgb, torch.cat([L, ab / color.AB_SCALE], dim=1))), "divided by AB_SCALE: "
             "the model returns ab / AB_SCALE, so multiply by AB_SCALE (110)"),
        ]

    check_function(fn, reference, cases, name=_name(fn), atol=2e-3, rtol=1e-3, hints=hints)


# ---------------------------------------------------------------------------------------------
# 4.4 the training step
# ---------------------------------------------------------------------------------------------
def _step_setup():
    """What :func:`check_train_step` trains: a tiny colorizer with BatchNorm (seeded, without
    touching the learner's random state), three batches, and a loss that needs L and tells the
    prediction from the target. Returns ``(model, batches, loss_fn)``."""
    import torch
    from torch import nn

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(4)
        model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4),
                              nn.ReLU(), nn.Conv2d(4, 2, 1), nn.Tanh())
    batches = [(_torch_rand((4, 1, 8, 8), 40 + i), _torch_rand((4, 2, 8, 8), 50 + i) - 0.5)
               for i in range(3)]

    def loss_fn(pred_ab, ab, L):
        """An L1 loss weighted by L, plus a small pull of the prediction toward 0 (so that
        loss_fn(ab, pred_ab, L) differs): called as every loss of colorlab.losses is."""
        return ((pred_ab - ab).abs() * (0.5 + L)).mean() + 0.1 * pred_ab.pow(2).mean()

    return model, batches, loss_fn


def _step_variants():
    """The reference step and known wrong ones: ``{label: step(model, optimizer, L, ab,
    loss_fn)}``, the reference under ``"right"``."""
    def right(model, optimizer, L, ab, loss_fn):
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(L), ab, L)
        loss.backward()
        optimizer.step()
        return loss.item()

    def no_zero_grad(model, optimizer, L, ab, loss_fn):
        model.train()
        loss = loss_fn(model(L), ab, L)
        loss.backward()
        optimizer.step()
        return loss.item()

    def train_late(model, optimizer, L, ab, loss_fn):
        optimizer.zero_grad()
        loss = loss_fn(model(L), ab, L)
        model.train()
        loss.backward()
        optimizer.step()
        return loss.item()

    def swapped(model, optimizer, L, ab, loss_fn):
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(ab, model(L), L)
        loss.backward()
        optimizer.step()
        return loss.item()

    return {"right": right, "no_zero_grad": no_zero_grad, "train_late": train_late,
            "swapped": swapped}


_STEP_HINTS = {  # variant -> what it does, and the fix
    "no_zero_grad": "the gradients add up over the calls: call optimizer.zero_grad() before "
                    "loss.backward(), so each step uses this batch's gradients only",
    "train_late": "the forward pass ran in eval mode: call model.train() before model(L), not "
                  "after it (in eval mode BatchNorm normalizes with its running averages)",
    "swapped": "loss_fn(ab, model(L), L) has its first two arguments swapped: the prediction "
               "goes first, loss_fn(model(L), ab, L)",
}

_STEP_ERRORS = [  # (text in the error, what to do)
    ("does not require grad", "the loss has no gradient to follow back: compute it with "
     "gradients on (no torch.no_grad() around the forward pass, no .detach() of the prediction "
     "or of the loss) before loss.backward()"),
    ("object has no attribute 'backward'", "call backward on the loss tensor, "
     "loss.backward(); .item() turns it into a plain number, for the return value only"),
    ("missing 1 required positional argument: 'L'", "call loss_fn(model(L), ab, L): every "
     "loss of the course takes the true L as its third argument (colorlab.losses)"),
    ("to have 1 channels", "the model takes L (N, 1, H, W): the prediction is model(L)"),
    ("Trying to backward through the graph a second time", "one forward pass, one "
     "loss.backward() per step: compute the loss once and call backward on it once"),
]


def _params(model, buffers: bool = False):
    """The parameters of ``model`` (or, with ``buffers``, its BatchNorm statistics) as one float64
    numpy vector."""
    import torch

    tensors = [b for b in model.buffers() if b.is_floating_point()] if buffers else \
        list(model.parameters())
    return torch.cat([t.detach().double().flatten() for t in tensors]).numpy()


@_short
def check_train_step(fn) -> None:
    """``fn(model, optimizer, L, ab, loss_fn) -> float``: one training step, as
    ``colorlab.train.fit`` takes one per batch: ``model.train()``, ``optimizer.zero_grad()``,
    the loss ``loss_fn(model(L), ab, L)``, ``loss.backward()``, ``optimizer.step()``, and the
    loss as a plain number (``loss.item()``). Three calls on a tiny colorizer with BatchNorm,
    handed over in eval mode (as after an evaluation), with plain SGD: after each call the
    parameters and BatchNorm statistics must equal the reference's."""
    import copy

    import torch

    name = _name(fn)
    model, batches, loss_fn = _step_setup()
    initial, initial_stats = _params(model), _params(model, buffers=True)
    runs = {}  # label -> (model, optimizer), the same start for each
    for label in _step_variants():
        m = copy.deepcopy(model)
        runs[label] = (m, torch.optim.SGD(m.parameters(), lr=0.5))
    mine = copy.deepcopy(model)
    optimizer = torch.optim.SGD(mine.parameters(), lr=0.5)
    for m, _ in (*runs.values(), (mine, None)):
        m.eval()  # handed over after an evaluation
    for call, (L, ab) in enumerate(batches, 1):
        case = f"call {call} of 3 (a batch of 4 images of 8 x 8)"
        want = {label: step(*runs[label], L.clone(), ab.clone(), loss_fn)
                for label, step in _step_variants().items()}
        got = _call(lambda L, ab: fn(mine, optimizer, L, ab, loss_fn), name, (L, ab), case,
                    errors=_STEP_ERRORS)
        if hasattr(got, "detach"):
            why = ("a loss tensor keeps the whole graph of its step in memory, and a list of "
                   "them (a loss curve) fills it" if got.requires_grad else "a tensor, even "
                   "detached, is not the number the caller records (and on a GPU, reading it "
                   "later waits for the device)")
            raise CheckFailed(f"{name} returned a tensor for {case}: return loss.item(), a "
                              f"plain float; {why}")
        if not isinstance(got, (float, int)):
            raise CheckFailed(f"{name} returned a {type(got).__name__} for {case}: return the "
                              "loss as a float, loss.item()")
        params, ref = _params(mine), _params(runs["right"][0])
        stats, ref_stats = _params(mine, buffers=True), _params(runs["right"][0], buffers=True)
        same = np.allclose(params, ref, atol=1e-6, rtol=1e-5) and \
            np.allclose(stats, ref_stats, atol=1e-6, rtol=1e-5)
        if not mine.training and not same:
            raise CheckFailed(f"{name}: the model is still in eval mode: call model.train() "
                              "first, so that BatchNorm normalizes with the batch's statistics "
                              "and updates its running averages\n  the model was handed over "
                              f"in eval mode, as after an evaluation ({case})")
        hints = [(near(initial), "the parameters did not change: call loss.backward() before "
                  "optimizer.step() (the step uses the gradients backward computes), and "
                  "optimizer.zero_grad() before backward, not between backward and step")]
        hints += [(near(_params(runs[label][0])), hint) for label, hint in _STEP_HINTS.items()]
        check_close(name, params, ref, atol=1e-6, rtol=1e-5, hints=hints,
                    case=f"the parameters after {case}")
        check_close(name, stats, ref_stats, atol=1e-6, rtol=1e-5, hints=[
            (near(initial_stats), "BatchNorm's running statistics did not change: run the "
             "forward pass in train mode, model.train()"),
            (lambda g, w: True, "BatchNorm's running statistics differ from the reference's: "
             "one forward pass per step, model(L), in train mode")],
            case=f"the BatchNorm statistics after {case}")
        if abs(got - want["right"]) > 1e-5 * max(1.0, abs(want["right"])):
            raise CheckFailed(f"{name}: returned {got:.6g} for {case}, but the loss of that batch "
                              f"(before the step) is {want['right']:.6g}: return loss.item()")
    _passed(name, "3 steps match the reference (parameters, BatchNorm statistics, the returned "
            "losses), starting from eval mode")
