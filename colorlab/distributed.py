"""Several processes, one model (DDP): what ``fit`` and ``colorlab train`` need under torchrun.

    start_distributed(device)   join the process group torchrun set up: (rank, world, device)
    wrap(model, device, data)   DistributedDataParallel around the model when a group is up;
                                refuses data that does not give each process its own share
    all_finite(value)           one answer for every process: is ``value`` finite everywhere?
    all_sum(values, device)     figures summed over every process (an epoch's loss and count)

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
    processes is up) and ``plain``, the model without the wrapper. On CUDA, BatchNorm becomes
    SyncBatchNorm.

    ``train_batches`` must give each process its own share: data with ``set_epoch`` (a sampler,
    as :class:`colorlab.stream.StreamBatches`) or a :class:`colorlab.data.Batches` made with
    ``rank`` and ``world``. Anything else would train every process on the same batches: refused.
    """
    rank, size = world()
    if size == 1:
        return model, model
    if not hasattr(train_batches, "set_epoch") and getattr(train_batches, "world", 1) != size:
        raise ValueError(
            f"train_batches gives all {size} processes the same batches, so DDP would train on "
            f"each batch {size} times. Use Batches(..., seed=SEED, rank={rank}, world={size}) or "
            "data with set_epoch (colorlab.stream.StreamBatches).")
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


def all_sum(values, device) -> list[float]:
    """``values`` (numbers or 0-dim tensors) each summed over every process, as floats."""
    totals = torch.stack([torch.as_tensor(v, dtype=torch.float32, device=device) for v in values])
    if world()[1] > 1:
        dist.all_reduce(totals)
    return totals.tolist()
