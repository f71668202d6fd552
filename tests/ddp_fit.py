"""A small training run that tests/test_stream.py starts in one process (imported) and in two
(``torchrun --nproc_per_node=2 tests/ddp_fit.py FOLDER OUT``, gloo on the CPU).

A tiny colorizer without BatchNorm (on the CPU each DDP process keeps its own batch statistics,
so a BatchNorm model would not match one process), streamed from FOLDER with a global batch of
8, two epochs: the first, a stop, then a fresh model resumed from OUT/last.pt for the second.
"""

import sys

import torch
import torch.distributed as dist
from torch import nn

from colorlab.data import folder_files
from colorlab.device import seed_everything
from colorlab.stream import StreamBatches, start_distributed
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


if __name__ == "__main__":
    torch.set_num_threads(1)
    rank, world, _ = start_distributed("cpu")
    run(sys.argv[1], sys.argv[2], rank, world, stop_after=1)
    run(sys.argv[1], sys.argv[2], rank, world, resume=True)
    dist.destroy_process_group()
