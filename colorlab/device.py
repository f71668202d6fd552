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
