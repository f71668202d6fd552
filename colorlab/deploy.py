"""Ship a colorizer: export to ONNX, run it with onnxruntime, quantize it to int8, prune it
(notebook 06, ``python -m colorlab export``).

    export_onnx(model, "model.onnx")                    # fp32 ONNX, any N, H, W multiple of 8
    quantize_int8("model.onnx", "int8.onnx", L_calib)   # static int8, calibrated on L images
    quantize_dynamic_int8("model.onnx", "dyn.onnx")     # dynamic int8 (notebook 06 compares)
    model = OnnxColorizer("int8.onnx")                  # model(L) -> ab, like the UNet
    slim = prune_channels(unet, 0.5)                    # a smaller UNet, same interface

Which tools work on torch 2.13 (checked when this was written):

- ONNX export: ``torch.onnx.export(..., dynamo=True)`` (the torch.export-based exporter, the
  default since torch 2.9; it needs the ``onnxscript`` package). The TorchScript-based one
  (``dynamo=False``) still runs but warns that it is deprecated and will be removed.
- int8: onnxruntime's *static* quantization (QDQ format, per-channel int8 weights, uint8
  activations whose ranges are calibrated on training images). PyTorch's PT2E quantization
  moved out of torch (``torch.ao.quantization.quantize_pt2e`` is gone in 2.13; it lives in
  torchao), so the course does not use it.
- Dynamic quantization stores int8 weights but quantizes activations on the fly each call; for a
  conv net that adds work (onnxruntime runs ConvInteger, slower than its fp32 conv on x86).

Long because it is one deployment story in one room: export, two quantizations, the onnxruntime
session and two prunings, each short.

onnx, onnxscript and onnxruntime are the ``[deploy]`` extra (also in ``[dev]``); they are
imported only inside the functions that need them, so this module imports without them.
"""

from __future__ import annotations

import collections
import copy
import io
import logging
import statistics
import tempfile
import time
import warnings
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils import prune

from .colorizer import Colorizer, lab_tensors
from .data import load_dataset
from .files import atomic_write
from .infer import load_colorizer
from .models import UNet, conv_block

ONNX_MISSING = ("onnxruntime/onnx is not installed, so ONNX export and the onnxruntime rows "
                "are skipped. Install them with `pip install -e .[deploy]` (or `make test`, "
                "which installs the dev extra).")


def onnx_available() -> bool:
    """Whether onnx, onnxscript and onnxruntime import (the ``[deploy]`` extra)."""
    try:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        return False
    return True


def file_mb(path) -> float:
    """File size in MB (10**6 bytes)."""
    return Path(path).stat().st_size / 1e6


# ---------------------------------------------------------------------------------------------
# ONNX: export, quantize, run
# ---------------------------------------------------------------------------------------------
def export_onnx(model: nn.Module, path, train_size: int | None = None) -> Path:
    """Write ``model`` (a colorizer: L/100 (N, 1, H, W) -> ab/AB_SCALE (N, 2, H, W)) as an
    fp32 ONNX file with a dynamic batch size and H, W any multiple of ``model.multiple`` (8 for
    depth 3). ``train_size`` (or ``model.train_size``) goes into the file's metadata, so that
    :class:`OnnxColorizer` picks the same working size as :func:`colorlab.infer.load_colorizer`.
    Written atomically: if export fails, no file is left at ``path``.
    """
    import onnx

    model = copy.deepcopy(model).float().cpu().eval()
    multiple = getattr(model, "multiple", 8)
    dim = torch.export.Dim
    shapes = ({0: dim("n", min=1, max=4096), 2: multiple * dim("h", min=1, max=1024),
               3: multiple * dim("w", min=1, max=1024)},)
    size = train_size or getattr(model, "train_size", None)

    def write(tmp):
        example = torch.zeros(2, 1, 2 * multiple, 2 * multiple)
        quiet = logging.getLogger("torch.onnx")  # "torchvision is not installed" notes
        level, quiet.level = quiet.level, logging.ERROR
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # deprecation notes from inside the exporter
                torch.onnx.export(model, (example,), tmp, dynamo=True, external_data=False,
                                  input_names=["L"], output_names=["ab"],
                                  dynamic_shapes=shapes, verbose=False)
        finally:
            quiet.setLevel(level)
        proto = onnx.load(tmp)
        meta = {"colorlab": "colorizer", "multiple": str(multiple),
                "train_size": str(size or "")}
        for key, value in meta.items():
            proto.metadata_props.add(key=key, value=value)
        onnx.checker.check_model(proto)
        onnx.save(proto, tmp)

    return atomic_write(path, write)


def quantize_int8(onnx_path, path, calibration: torch.Tensor, percentile: float = 99.9,
                  reduce_range: bool = True) -> Path:
    """Static int8 quantization of an fp32 ONNX colorizer with onnxruntime: weights int8 per
    output channel, activations uint8 with ranges measured on ``calibration``, L/100 images
    (N, 1, H, W) float in [0, 1] from the TRAINING set (never the test set). Each range is
    onnxruntime's percentile calibration: symmetric around 0 at the ``percentile`` % point of the
    values' magnitudes |x| (the largest 0.1 % of |x| are clipped at 99.9), then trimmed to the
    min and max seen (so a ReLU output keeps 0 as its floor). Plain min/max ranges
    (``percentile=100``) are stretched by rare outliers and cost more PSNR (notebook 06). QDQ
    format: int8 weights and Quantize/Dequantize pairs that onnxruntime fuses into int8
    kernels. Written atomically.

    ``reduce_range=True`` (the default) keeps the weights in -64..64, a 7-bit range, as
    onnxruntime advises for x86 CPUs without VNNI: there its int8 convolution adds each pair of
    uint8 x int8 products in a 16-bit integer, which full-range weights (up to 127) can overflow
    (notebook 06 measured 0.32 dB of PSNR lost on such a CPU, 0.03 dB with 7-bit weights). A
    file is made once and run on many CPUs, so the safe range is the default; pass False for
    full 8-bit weights where every CPU that runs the file has VNNI (or is not x86).
    """
    from onnxruntime import quantization as oq
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(oq.CalibrationDataReader):  # one image per call: the collector needs equal shapes
        def __init__(self):
            self.items = iter(calibration.float().contiguous().split(1))

        def get_next(self):
            item = next(self.items, None)
            return None if item is None else {"L": item.numpy()}

    def write(tmp):
        with tempfile.TemporaryDirectory() as work, redirect_stdout(io.StringIO()):  # its chatter
            pre = Path(work) / "pre.onnx"
            quant_pre_process(str(onnx_path), str(pre), skip_symbolic_shape=True)
            oq.quantize_static(str(pre), str(tmp), Reader(), quant_format=oq.QuantFormat.QDQ,
                               per_channel=True, reduce_range=reduce_range,
                               activation_type=oq.QuantType.QUInt8,
                               weight_type=oq.QuantType.QInt8,
                               calibrate_method=oq.CalibrationMethod.Percentile,
                               extra_options={"CalibPercentile": percentile})

    return atomic_write(path, write)


def quantize_dynamic_int8(onnx_path, path) -> Path:
    """Dynamic int8 with onnxruntime: int8 weights, activations quantized at each call from
    their own min and max (no calibration); the graph is pre-processed first, as it asks."""
    from onnxruntime import quantization as oq
    from onnxruntime.quantization.shape_inference import quant_pre_process

    def write(tmp):
        with tempfile.TemporaryDirectory() as work, redirect_stdout(io.StringIO()):
            pre = Path(work) / "pre.onnx"
            quant_pre_process(str(onnx_path), str(pre), skip_symbolic_shape=True)
            oq.quantize_dynamic(str(pre), str(tmp), weight_type=oq.QuantType.QInt8)

    return atomic_write(path, write)


def op_counts(path) -> dict[str, int]:
    """How many nodes of each operator type the ONNX file at ``path`` holds, most frequent first:
    which layers a quantizer turned into int8 operators (``ConvInteger``, ``QLinearConv``, the
    ``QuantizeLinear``/``DequantizeLinear`` pairs of QDQ) and which it left in float (``Conv``,
    ``ConvTranspose``)."""
    import onnx

    counts = collections.Counter(node.op_type for node in onnx.load(str(path)).graph.node)
    return dict(counts.most_common())


def op_time_shares(path, L: torch.Tensor, threads: int | None = None, runs: int = 5) -> dict:
    """Where onnxruntime spends its time running the ONNX colorizer at ``path`` on ``L`` (L/100,
    (N, 1, H, W) float32): its profiler's per-node times over ``runs`` calls, summed by operator
    type, as shares of the total (floats summing to 1, largest first)."""
    import json

    import onnxruntime as ort

    with tempfile.TemporaryDirectory() as work:
        options = ort.SessionOptions()
        options.enable_profiling = True
        options.profile_file_prefix = str(Path(work) / "profile")
        if threads:
            options.intra_op_num_threads = threads
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        feed = {session.get_inputs()[0].name: L.detach().cpu().float().contiguous().numpy()}
        for _ in range(runs):
            session.run(None, feed)
        events = json.loads(Path(session.end_profiling()).read_text())
    totals = collections.Counter()  # operator type -> microseconds
    for event in events:  # one "Node" event per operator run: {"dur": microseconds, "args": ...}
        op = event.get("args", {}).get("op_name")
        if event.get("cat") == "Node" and op and event["name"].endswith("_kernel_time"):
            totals[op] += event["dur"]
    whole = sum(totals.values()) or 1.0
    return {op: t / whole for op, t in totals.most_common()}


class OnnxSession:
    """An ONNX colorizer file run by onnxruntime on the CPU: ``session(L)``, L/100 (N, 1, H, W)
    float32, H and W multiples of ``self.multiple``; returns ab/AB_SCALE, a torch tensor for a
    torch input, a numpy array for a numpy input. Wrong input raises ValueError/TypeError.
    threads: onnxruntime's intra-op threads (None: all cores). spinning: onnxruntime's default
    (True) keeps idle threads busy-waiting for the next call, which speeds up back-to-back calls
    but takes the cores from any other work in between (decoding, color conversion); False lets
    them sleep (session config entry ``"session.intra_op.allow_spinning"`` set to ``"0"``).
    benchmarks/onnx_spinning.py measures both on whole photos."""

    def __init__(self, path, threads: int | None = None, spinning: bool = True):
        import onnxruntime as ort

        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"No ONNX model at {self.path}. Write one with `python -m "
                                    "colorlab export --checkpoint best.pt -o model.onnx`.")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        if not spinning:
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.spinning = spinning
        try:
            self.session = ort.InferenceSession(str(self.path), options,
                                                providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own classes for every kind of damage
            raise ValueError(f"{self.path} is not a model onnxruntime can load ({err}). The file "
                             "is damaged or not ONNX: export it again with `python -m colorlab "
                             "export`.") from None
        meta = self.session.get_modelmeta().custom_metadata_map
        self.input = self.session.get_inputs()[0].name
        self.multiple = int(meta.get("multiple") or 8)
        size = meta.get("train_size")
        self.train_size = int(size) if size else None

    def __call__(self, L):
        as_torch = torch.is_tensor(L)
        x = L.detach().cpu().numpy() if as_torch else L
        if not isinstance(x, np.ndarray):
            raise TypeError(f"An ONNX colorizer takes L/100 as a float32 tensor or numpy array "
                            f"(N, 1, H, W), got a {type(L).__name__}.")
        if x.dtype != np.float32:
            raise TypeError(f"An ONNX colorizer takes float32 L/100 in [0, 1], got {x.dtype}. "
                            "Convert first: L.float() (torch) or L.astype(np.float32).")
        if x.ndim != 4 or x.shape[1] != 1 or x.shape[2] % self.multiple or \
                x.shape[3] % self.multiple or 0 in x.shape:
            raise ValueError(f"An ONNX colorizer takes L/100 of shape (N, 1, H, W) with H and W "
                             f"multiples of {self.multiple}, got {tuple(x.shape)}. Resize or pad "
                             "(colorlab.infer.colorize does this for a photo).")
        ab = self.session.run(None, {self.input: np.ascontiguousarray(x)})[0]
        return torch.from_numpy(ab).to(L.device) if as_torch else ab


class OnnxColorizer(Colorizer):
    """A :class:`~colorlab.colorizer.Colorizer` whose net is an ONNX file run by onnxruntime on
    the CPU (:class:`OnnxSession`), so ``colorize``, ``evaluate`` and ``.photo`` take it as they
    take a UNet. threads and spinning: as for :class:`OnnxSession` (spinning=False for single
    photos: idle threads then sleep instead of competing with the color conversions). Raises
    FileNotFoundError for a missing file, ValueError for a file onnxruntime cannot load."""

    def __init__(self, path, threads: int | None = None, spinning: bool = True):
        net = OnnxSession(path, threads, spinning)
        super().__init__(net, train_size=net.train_size)
        self.path, self.session, self.input = net.path, net.session, net.input
        self.spinning = spinning


def export_checkpoint(checkpoint, out, quantize: str | None = None, calibration="sample",
                      calibration_images: int = 256) -> str:
    """``python -m colorlab export``: the colorizer of ``checkpoint`` as an fp32 ONNX file at
    ``out``, or with ``quantize="int8"`` a static int8 one calibrated on ``calibration_images``
    TRAINING images of ``calibration`` ('sample', 'cifar10' or a folder) at the checkpoint's
    training size. Atomic: on any error no file is left at ``out``. Returns a line saying what
    was written. Raises FileNotFoundError, or ValueError (not a colorizer checkpoint; for
    calibration data that cannot be read, a message that starts "calibration")."""

    model = load_colorizer(checkpoint)  # says clearly what is wrong with a checkpoint
    if quantize is None:
        export_onnx(model, out)
        return f"wrote {out} (fp32 ONNX, {file_mb(out):.2f} MB)"
    if quantize != "int8":
        raise ValueError(f"quantize={quantize!r}: only 'int8' (or None, fp32) is supported.")
    try:
        images = load_dataset(calibration, "train", model.train_size or 32)
    except (FileNotFoundError, ValueError, OSError) as err:
        raise ValueError(f"calibration images from {calibration} cannot be read: {err}") from None
    images = images.take(min(calibration_images, len(images)), seed=0)
    L, _ = lab_tensors(images)
    with tempfile.TemporaryDirectory() as work:
        fp32 = export_onnx(model, Path(work) / "fp32.onnx")
        quantize_int8(fp32, out, L)
        return (f"wrote {out} (int8 ONNX, {file_mb(out):.2f} MB; fp32 {file_mb(fp32):.2f} MB), "
                f"calibrated on {len(images)} training images of {images.source}")


def fake_quantize_int8(weight: torch.Tensor) -> torch.Tensor:
    """Round a weight (C_out, ...) to int8 and back, as int8 weights per output channel do:
    scale s = max|w| / 127 per channel (1 for an all-zero channel), q = round(w / s) in
    [-127, 127], returns s * q (float, the same shape): the weights an int8 model computes with.
    """
    peak = weight.detach().flatten(1).abs().amax(dim=1)  # (C_out,)
    scale = torch.where(peak > 0, peak / 127, torch.ones_like(peak))
    scale = scale.view(-1, *[1] * (weight.dim() - 1))
    return (weight / scale).round().clamp(-127, 127) * scale


# ---------------------------------------------------------------------------------------------
# pruning
# ---------------------------------------------------------------------------------------------
def conv_weights(model: nn.Module) -> list[tuple[nn.Module, str]]:
    """``(module, "weight")`` for every Conv2d/ConvTranspose2d: what pruning works on."""
    return [(m, "weight") for m in model.modules()
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]


def sparsity(model: nn.Module) -> float:
    """The share of conv weights that are exactly zero, in [0, 1]."""
    weights = [m.weight for m, _ in conv_weights(model)]
    return sum(int((w == 0).sum()) for w in weights) / sum(w.numel() for w in weights)


def prune_unstructured(model: nn.Module, amount: float) -> nn.Module:
    """A copy of ``model`` (of a Colorizer's net) with the ``amount`` share (in [0, 1]) of its
    conv weights of smallest |w| set to zero, over all layers together (L1,
    ``prune.global_unstructured``). The tensors keep their shape: the zeros are stored and
    multiplied like any other number."""
    model = model.net if isinstance(model, Colorizer) else model  # pruning works on the net
    model = copy.deepcopy(model).to(memory_format=torch.contiguous_format)  # prune flattens
    params = conv_weights(model)
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=amount)
    for module, name in params:
        prune.remove(module, name)  # make it permanent: weight = weight_orig * mask
    return model


def channels_to_keep(weight: torch.Tensor, amount: float) -> torch.Tensor:
    """The output channels of a conv weight (C_out, C_in, k, k) to keep when pruning the
    ``amount`` share of them with the smallest L1 norm: sorted indices, (C_out - n_pruned,)
    long, where n_pruned = round(amount * C_out) (as ``prune.ln_structured`` counts), at least
    one channel kept."""
    return _largest(weight.detach().abs().sum(dim=(1, 2, 3)), amount)  # L1 norm of each filter


def _largest(scores: torch.Tensor, amount: float) -> torch.Tensor:
    """Sorted indices of the (C,) ``scores`` left when the ``amount`` share with the smallest
    scores goes: round(amount * C) of them, at least one kept."""
    n_keep = max(1, len(scores) - round(amount * len(scores)))
    return scores.topk(n_keep).indices.sort().values


def _slim_block(block: nn.Sequential, keep: torch.Tensor) -> nn.Sequential:
    """A conv_block whose middle width (conv1's outputs = BN1 = conv2's inputs) keeps only the
    channels ``keep``; its input and output channels are unchanged."""
    conv1, bn1, relu1, conv2, bn2, relu2 = block
    new = conv_block(conv1.in_channels, conv2.out_channels, len(keep))
    with torch.no_grad():
        new[0].weight.copy_(conv1.weight[keep])
        for name in ("weight", "bias", "running_mean", "running_var"):
            getattr(new[1], name).copy_(getattr(bn1, name)[keep])
        new[3].weight.copy_(conv2.weight[:, keep])
        new[4].load_state_dict(bn2.state_dict())
    return new.train(block.training)  # new modules start in train mode (BatchNorm on batch stats)


def prune_channels(model: UNet | Colorizer, amount: float, by: str = "gamma") -> UNet:
    """A copy of a UNet in which every conv_block (encoders, bottleneck, decoders) loses the
    ``amount`` share of its middle channels. The tensors really shrink, so the model is smaller
    and does fewer multiply-adds; its inputs, outputs and skip connections are unchanged, so is
    its train/eval mode. Its outputs change: fine-tune it (``train.fit``).

    ``by`` is the rule that ranks a block's middle channels (the smallest go):

    - ``"gamma"`` (the default): the |gamma| of the BatchNorm after the block's first conv.
      BatchNorm divides each channel by its own spread, so the filter's scale cancels and
      gamma alone sets how loud the channel is. Liu et al. (2017, "network slimming") rank by
      |gamma| too, but after training with an L1 penalty on gamma and with one threshold for
      the whole net; without that training (as here) |gamma| is a weaker signal, so fine-tune.
    - ``"l1"``: the L1 norm of the channel's filter in the first conv (Li et al., 2017;
      :func:`channels_to_keep`), the classic rule for nets without BatchNorm; under BatchNorm
      it says little (notebook 06 measures both).

    A :class:`~colorlab.colorizer.Colorizer`'s net is pruned (and returned, a UNet)."""
    if by not in ("gamma", "l1"):
        raise ValueError(f"prune_channels: by must be 'gamma' or 'l1', got {by!r}.")
    model = model.net if isinstance(model, Colorizer) else model
    if not isinstance(model, UNet):
        raise TypeError(f"prune_channels works on a colorlab UNet, got {type(model).__name__}.")

    def keep(block):  # block: conv, BatchNorm, ReLU, conv, BatchNorm, ReLU
        if by == "l1":
            return channels_to_keep(block[0].weight, amount)
        return _largest(block[1].weight.detach().abs(), amount)   # (C_mid,): one |gamma| each

    slim = copy.deepcopy(model)
    for blocks in (slim.encoders, slim.decoders):
        for i, block in enumerate(blocks):
            blocks[i] = _slim_block(block, keep(block))
    slim.bottleneck = _slim_block(slim.bottleneck, keep(slim.bottleneck))
    blocks = [*slim.encoders, slim.bottleneck, *slim.decoders]  # from_config rebuilds these widths
    slim.config = {**model.config, "pruned_channels": amount,
                   "middle_widths": [block[0].out_channels for block in blocks]}
    return slim


# ---------------------------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------------------------
def median_seconds(fn, runs: int = 20, warmup: int = 3) -> float:
    """The median wall time of ``fn()`` over ``runs`` calls, after ``warmup`` calls not timed."""
    for _ in range(warmup):
        fn()
    return statistics.median(_timed(fn) for _ in range(runs))


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


@torch.no_grad()
def speed(model, runs: int = 20, photo: int = 256, batch: int = 64, size: int = 32) -> dict:
    """CPU speed of a colorizer (a UNet or an :class:`OnnxColorizer`), medians of ``runs``
    timed calls after 3 untimed ones: ``photo_ms``, one (1, 1, photo, photo) L in
    milliseconds, and ``images_per_s``, a batch (batch, 1, size, size) per call. The thread
    count is whatever torch / onnxruntime were set to (say it beside the figures)."""
    one, many = torch.rand(1, 1, photo, photo), torch.rand(batch, 1, size, size)
    return {"photo_ms": 1000 * median_seconds(lambda: model(one), runs),
            "images_per_s": batch / median_seconds(lambda: model(many), runs)}
