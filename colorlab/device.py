"""Where the work runs (CUDA, Apple MPS or the CPU) and the one seed behind every random number."""

from __future__ import annotations

import contextlib
import functools
import os
import platform
import random
import re
from pathlib import Path

import numpy as np
import torch


def pick_device(verbose: bool = True) -> torch.device:
    """The best device here: CUDA, then Apple MPS, then the CPU; says which when ``verbose``."""
    if torch.cuda.is_available():
        device = torch.device("cuda")
        name = torch.cuda.get_device_name(0)
    elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        device, name = torch.device("mps"), "Apple GPU (MPS)"
    else:
        device, name = torch.device("cpu"), device_name("cpu")
    if verbose:
        print(f"device: {device} = {name}")
    return device


def device_name(device: torch.device | str) -> str:
    """A human-readable name, e.g. 'NVIDIA H100 80GB HBM3' or 'CPU (AMD EPYC, 2 cores)': a
    CPU is named by its model (:func:`cpu_name`), as CPUs with as many cores differ severalfold."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return f"CPU ({cpu_name()}, {os.cpu_count()} cores)"


def cpu_name() -> str:
    """The CPU's model name, e.g. 'AMD EPYC' or 'Intel(R) Xeon(R) Platinum 8480+': from
    /proc/cpuinfo on Linux, else platform.processor(), else 'unknown CPU'. Benchmarks record it
    beside their figures: CPUs of the same core count can differ severalfold (bf16 units or not)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch (CPU and CUDA) with one number.

    Returns a CPU ``torch.Generator`` seeded the same way, for code that wants its own stream.
    The same seed gives the same numbers on the CPU; GPU kernels may still differ in the last bits.
    """
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(seed)
    return torch.Generator().manual_seed(seed)


# ---------------------------------------------------------------------------------------------
# fast defaults: mixed precision and memory format, decided by what the hardware reports
# ---------------------------------------------------------------------------------------------
_OFF, _ON = ("0", "off", "false", "no", "fp32", "float32"), ("1", "on", "true", "yes")


def cpu_has_bf16() -> bool:
    """True when this CPU computes bfloat16 in hardware (AVX512-BF16 or AMX tiles) and torch's
    oneDNN kernels can use it, as torch itself reports. False where torch lacks the probes
    (they exist from torch 2.3): then the CPU trains in float32, which is always correct.
    Having bf16 is not the same as gaining from it: see :func:`cpu_precision`."""
    if not torch.backends.mkldnn.is_available():
        return False
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def cpu_has_amx() -> bool:
    """True when this CPU has AMX tiles (Intel Xeon since Sapphire Rapids), as torch reports it
    or, for an older torch, as /proc/cpuinfo lists it (``amx_tile``)."""
    probe = getattr(torch.cpu, "_is_amx_tile_supported", None)
    if probe is not None:
        return bool(probe())
    try:
        with open("/proc/cpuinfo") as f:
            return "amx_tile" in f.read().split()
    except OSError:  # macOS, Windows: no such file
        return False


@functools.lru_cache(maxsize=1)
def cpu_precision() -> tuple[torch.dtype | None, str]:
    """``(dtype, why)`` for training on this CPU: bf16 only where it pays off, else float32.

    Measured with the course's default training: bf16 with channels_last ran 2.13x float32 on an
    Intel Xeon with AMX (benchmarks/results/train_speed-cpu.md), but only 1.11x on an AMD EPYC
    with AVX512-BF16 and no AMX (344 vs 310 images/s), too little for its coarser numbers. So:
    AMX -> bf16, anything else -> float32.
    """
    if not torch.backends.mkldnn.is_available():
        return None, "float32 (this torch has no oneDNN CPU kernels)"
    if cpu_has_amx():
        return torch.bfloat16, "bf16 (this CPU has AMX)"
    if cpu_has_bf16():
        return None, "float32 (bf16 without AMX gains too little on this CPU)"
    return None, "float32 (this CPU has no bf16 in hardware)"


def cuda_precision(device) -> torch.dtype:
    """bf16 on GPUs of compute capability 8.0 or more (A100, RTX 30xx, H100, ...), else fp16
    (T4, V100: ``torch.cuda.is_bf16_supported()`` says True there, but bf16 is emulated and
    cuDNN has no bf16 convolutions below 8.0). fp16 needs a GradScaler: ``fit`` makes one."""
    return torch.bfloat16 if torch.cuda.get_device_capability(device) >= (8, 0) else torch.float16


_SAID: set[str] = set()  # the lines _say has printed (or been told are said elsewhere)


def _say(line: str, quiet: bool = False) -> None:
    """Print ``line`` once per process; ``quiet``: only remember it (a headline said it)."""
    if line not in _SAID and not quiet:
        print(line)
    _SAID.add(line)


def autocast_dtype(device, amp: bool | None = None, quiet: bool = False) -> torch.dtype | None:
    """The one precision policy: the dtype every autocast in colorlab uses on ``device``
    (``fit``, ``evaluate``, benchmarks, notebook timing cells); ``None`` means float32.

    ``amp=None`` (auto): the environment variable ``COLORLAB_AMP`` when set (``0``/``off``/
    ``fp32``; ``1``/``on``: mixed precision in the device's dtype; ``bf16``; ``fp16``), else
    CUDA: :func:`cuda_precision` (bf16 from compute capability 8.0, fp16 below); CPU:
    :func:`cpu_precision` (bf16 with AMX only; the choice and its reason are printed once);
    Apple MPS and anything else: float32. ``amp=True`` forces mixed precision (the GPU's dtype;
    bf16 on any CPU), ``amp=False`` float32. ``quiet``: print nothing (:func:`precision_note`).
    """
    device = torch.device(device)
    env = os.environ.get("COLORLAB_AMP", "").strip().lower()
    if amp is None and env:
        if env in ("fp16", "bf16"):
            return torch.float16 if env == "fp16" else torch.bfloat16
        amp = env not in _OFF
    if amp is None and device.type == "cpu":
        dtype, why = cpu_precision()
        _say(f"CPU precision: {why}", quiet)
        return dtype
    if amp is None:
        amp = device.type == "cuda"
    if not amp or device.type not in ("cuda", "cpu"):
        return None
    return cuda_precision(device) if device.type == "cuda" else torch.bfloat16


def precision_note(device) -> str:
    """The number format :func:`autocast_dtype` picks on ``device`` and why, in a few words, e.g.
    ``"float32 (this CPU has no bf16 in hardware)"``. A lecture's headline shows it, so training
    does not print the CPU's reason again."""
    device = torch.device(device)
    dtype = autocast_dtype(device, quiet=True)
    name = {None: "float32", torch.bfloat16: "bf16", torch.float16: "fp16"}[dtype]
    env = os.environ.get("COLORLAB_AMP", "").strip()
    if env:
        return f"{name} (set by $COLORLAB_AMP={env})"
    if device.type == "cpu":
        return cpu_precision()[1]
    if device.type == "cuda":
        major, minor = torch.cuda.get_device_capability(device)
        return f"{name} (mixed precision on a GPU of compute capability {major}.{minor})"
    return name


def _torch_before(major: int, minor: int) -> bool:
    return tuple(int(n) for n in re.findall(r"\d+", torch.__version__)[:2]) < (major, minor)


def autocast(device, dtype: torch.dtype | None):
    """The region in which to run a forward pass in ``dtype`` (from :func:`autocast_dtype`) on
    ``device``: ``torch.autocast``, or for ``None`` (float32) a null context, which works on
    every device and every torch."""
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(torch.device(device).type, dtype=dtype)


def float32_region(device):
    """A region with autocast switched off (color math and metrics in float32, even inside a
    bf16 forward pass). A null context on Apple GPUs with torch < 2.5, where autocast does not
    exist (``torch.autocast("mps", enabled=False)`` raises there) and so is off anyway."""
    device_type = torch.device(device).type
    if device_type == "mps" and _torch_before(2, 5):
        return contextlib.nullcontext()
    return torch.autocast(device_type, enabled=False)


def default_channels_last(device, channels_last: bool | None = None) -> bool:
    """Whether ``fit`` uses the channels_last (NHWC) memory format on ``device``.

    ``None`` (auto): ``COLORLAB_CHANNELS_LAST`` (``0``/``1``) when set, else on for CUDA and for
    CPUs with oneDNN (its convolutions prefer NHWC: faster in float32 and bf16 on the CPUs we
    measured), off elsewhere. ``True``/``False`` decide.
    """
    if channels_last is not None:
        return channels_last
    env = os.environ.get("COLORLAB_CHANNELS_LAST", "").strip().lower()
    if env:
        return env in _ON
    device = torch.device(device)
    return device.type == "cuda" or (device.type == "cpu" and torch.backends.mkldnn.is_available())
