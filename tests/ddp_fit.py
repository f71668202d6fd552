"""A small training run that tests/test_stream.py starts in one process (imported) and in two
(``torchrun --nproc_per_node=2 tests/ddp_fit.py FOLDER OUT``, gloo on the CPU); and, with
``--in-memory``, the checks of in-memory Batches and of a NaN under DDP (:func:`in_memory`).

A tiny colorizer without BatchNorm (on the CPU each DDP process keeps its own batch statistics,
so a BatchNorm model would not match one process), streamed from FOLDER with a global batch of
8, two epochs: the first, a stop, then a fresh model resumed from OUT/last.pt for the second.
"""

import sys

import torch
import torch.distributed as dist
from torch import nn

from colorlab.data import Batches
from colorlab.device import seed_everything
from colorlab.distributed import start_distributed
from colorlab.images import folder_files
from colorlab.stream import StreamBatches
from colorlab.train import fit

GLOBAL_BATCH, SIZE = 8, 16


def tiny() -> nn.Module:
    seed_everything(0)
    return nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.Conv2d(6, 2, 3, padding=1))


def run(folder, out, rank=0, world=1, stop_after=None, resume=False):
    files = folder_files(folder)[1]
    batches = StreamBatches(files, SIZE, GLOBAL_BATCH // world, seed=1, rank=rank, world=world)
    model = tiny()
    history = fit(model, batches, loss_fn=lambda pred, ab, L: (pred - ab).abs().mean(), epochs=2,
                  lr=1e-2, device="cpu", amp=False, channels_last=False, checkpoint_dir=out,
                  stop_after=stop_after, resume=resume, progress=True)
    return model, history


def in_memory(rank, world):
    """Under torchrun: a Batches without rank/world is refused (every process would train on the
    same batches); with them each process gets its own share; a NaN loss in one process stops
    every process (the others used to wait for it in the next all-reduce, forever)."""
    x = torch.arange(16.0).view(16, 1, 1, 1).expand(16, 1, 2, 2).contiguous()
    kw = dict(epochs=1, device="cpu", amp=False, channels_last=False, progress=False)

    def l1(pred, y):
        return (pred - y).abs().mean()

    try:
        fit(nn.Conv2d(1, 1, 1), Batches(x, x, batch_size=4, seed=0), loss_fn=l1, **kw)
    except ValueError as err:
        assert "the same batches" in str(err), err
        print(f"rank {rank}: refused", flush=True)
    shard = Batches(x, x, batch_size=4, seed=0, flip=False, rank=rank, world=world)
    mine = torch.cat([batch[0][:, 0, 0, 0] for batch in shard])
    everyone = [torch.zeros_like(mine) for _ in range(world)]
    dist.all_gather(everyone, mine)
    if sorted(torch.cat(everyone).tolist()) == list(range(16)):
        print(f"rank {rank}: disjoint shards", flush=True)

    def nan_in_rank_1(pred, y):
        return l1(pred, y) * (float("nan") if rank == 1 else 1.0)

    try:
        fit(nn.Conv2d(1, 1, 1), shard, loss_fn=nan_in_rank_1, **kw)
    except FloatingPointError:
        print(f"rank {rank}: stopped on NaN", flush=True)


if __name__ == "__main__":
    torch.set_num_threads(1)
    rank, world, _ = start_distributed("cpu")
    if sys.argv[1] == "--in-memory":
        in_memory(rank, world)
    else:
        run(sys.argv[1], sys.argv[2], rank, world, stop_after=1)
        run(sys.argv[1], sys.argv[2], rank, world, resume=True)
    dist.destroy_process_group()
