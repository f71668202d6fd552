"""Several processes, one model (DDP): what ``fit`` and ``colorlab train`` need under torchrun.

    start_distributed(device)   join the process group torchrun set up: (rank, world, device)
    wrap(model, device)         DistributedDataParallel around the model when a group is up
    all_finite(value)           one answer for every process: is ``value`` finite everywhere?

With one process each of these does nothing, so ``fit`` reads the same either way.
"""

from __future__ import annotations

import os

import torch
import torch.distributed as dist
from torch import nn


def start_distributed(device=None) -> tuple[int, int, torch.device]:
    """``(rank, world_size, device)`` for this process. Under torchrun (``WORLD_SIZE`` > 1) it
    joins the process group (NCCL on CUDA, gloo on the CPU) and takes GPU ``LOCAL_RANK``; else
    ``(0, 1, device)``. More processes on this machine than GPUs (or CPU cores) is an error."""
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return 0, 1, device
    local, here = int(os.environ["LOCAL_RANK"]), int(os.environ.get("LOCAL_WORLD_SIZE", world))
    have = torch.cuda.device_count() if device.type == "cuda" else os.cpu_count() or 1
    what = "CUDA devices" if device.type == "cuda" else "CPU cores"
    if here > have:
        raise ValueError(f"torchrun started {here} processes on this machine but it has {have} "
                         f"{what}: DDP runs one process per device. Use "
                         f"--nproc_per_node={have} (or fewer).")
    if device.type == "cuda":
        device = torch.device("cuda", local)
        torch.cuda.set_device(device)
    dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return dist.get_rank(), world, device


def world() -> tuple[int, int]:
    """``(rank, world_size)``: ``(0, 1)`` unless a process group of several is up."""
    if dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1:
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def wrap(model: nn.Module, device: torch.device, train_batches) -> tuple[nn.Module, nn.Module]:
    """``(model, plain)``: the model to train (DistributedDataParallel when a group of several
    processes is up, which averages the gradients) and ``plain``, the model without the wrapper.
    On CUDA, BatchNorm becomes SyncBatchNorm (statistics over the global batch).

    ``train_batches`` must give each process its own share: an in-memory
    :class:`colorlab.data.Batches` made without ``rank``/``world`` would give every process the
    same batches, so it is refused."""
    rank, size = world()
    if size == 1:
        return model, model
    if getattr(train_batches, "world", size) != size:
        raise ValueError(
            f"train_batches gives all {size} processes the same batches (a Batches made without "
            "rank and world), so DDP would train on each batch several times. Make it with "
            f"Batches(..., seed=SEED, rank={rank}, world={size}) (each process takes its share; "
            "the seed must be the same everywhere), or stream it (colorlab.stream.StreamBatches).")
    if device.type == "cuda":
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    ddp = nn.parallel.DistributedDataParallel(
        model, device_ids=[device] if device.type == "cuda" else None)
    return ddp, model


def all_finite(value: torch.Tensor) -> bool:
    """Whether ``value`` is finite in every process: a NaN in one stops them all together, instead
    of leaving the others waiting for it in the next collective operation."""
    finite = torch.isfinite(value).all().to(torch.int32).reshape(1)
    if world()[1] > 1:
        dist.all_reduce(finite, op=dist.ReduceOp.MIN)
    return bool(finite.item())
