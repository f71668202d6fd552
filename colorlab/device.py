"""Where the work runs (CUDA, Apple MPS or the CPU) and the one seed behind every random number."""

from __future__ import annotations

import os
import random

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
        device, name = torch.device("cpu"), f"CPU ({os.cpu_count()} cores)"
    if verbose:
        print(f"device: {device} = {name}")
    return device


def device_name(device: torch.device | str) -> str:
    """A human-readable name, e.g. 'NVIDIA H100 80GB HBM3' or 'CPU (2 cores)'."""
    device = torch.device(device)
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return f"CPU ({os.cpu_count()} cores)"


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
    (they exist from torch 2.3): then the CPU trains in float32, which is always correct."""
    if not torch.backends.mkldnn.is_available():
        return False
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def autocast_dtype(device, amp: bool | None = None) -> torch.dtype | None:
    """The dtype ``colorlab.train.fit`` autocasts to on ``device``; ``None`` means float32.

    ``amp=None`` (auto): the environment variable ``COLORLAB_AMP`` when set (``0``/``off``/
    ``fp32``, ``1``/``bf16``, ``fp16``), else bf16 on CUDA (fp16 on GPUs without bf16, e.g. a T4),
    bf16 on a CPU with bf16 in hardware (:func:`cpu_has_bf16`: about 1.7x faster for the course's
    UNet, see benchmarks/results/train_speed-cpu.md), float32 elsewhere (MPS, older CPUs).
    ``amp=True`` forces mixed precision (bf16 on any CPU), ``amp=False`` float32.
    """
    device = torch.device(device)
    env = os.environ.get("COLORLAB_AMP", "").strip().lower()
    if amp is None and env:
        if env == "fp16":
            return torch.float16
        amp = env not in _OFF
    if amp is None:
        amp = device.type == "cuda" or (device.type == "cpu" and cpu_has_bf16())
    if not amp:
        return None
    if device.type == "cuda" and not torch.cuda.is_bf16_supported():
        return torch.float16  # needs a GradScaler: fit makes one
    return torch.bfloat16


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
