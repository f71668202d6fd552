"""Figures the notebooks share: image grids, gray / predicted / truth comparisons, scatter plots,
and the interactive explorers (a widget in a live notebook, one line of text everywhere else).

Images are tensors ``(N, 3, H, W)``: uint8 in [0, 255] or float in [0, 1]; single images
``(3, H, W)`` work too.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch


def to_numpy_image(image: torch.Tensor) -> np.ndarray:
    """(3, H, W) or (1, H, W), uint8 or float in [0, 1]  ->  (H, W, 3) float array in [0, 1]."""
    image = image.detach().cpu()
    image = image.float() / 255 if image.dtype == torch.uint8 else image.float()
    if image.shape[0] == 1:
        image = image.expand(3, -1, -1)
    return image.clamp(0, 1).permute(1, 2, 0).numpy()


def show_grid(images, titles=None, ncols: int = 8, size: float = 1.3, suptitle=None):
    """A grid of images, with optional per-image titles. Returns the figure."""
    n = len(images)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size, nrows * size * 1.1),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(to_numpy_image(images[i]), interpolation="nearest")
            if titles is not None:
                ax.set_title(str(titles[i]), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def compare_rows(rows: dict, n: int = 8, size: float = 1.3, suptitle=None, notes=None):
    """One row per entry of ``rows`` (e.g. {"gray": g, "predicted": p, "truth": t}), ``n`` columns.

    ``notes``: optional per-column strings written above the first row (e.g. PSNR per image).
    """
    fig, axes = plt.subplots(len(rows), n, figsize=(n * size, len(rows) * size * 1.08),
                             squeeze=False)
    for r, (label, images) in enumerate(rows.items()):
        for c in range(n):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if c < len(images):
                ax.imshow(to_numpy_image(images[c]), interpolation="nearest")
            if c == 0:
                ax.set_ylabel(label, fontsize=9)
            if r == 0 and notes is not None and c < len(notes):
                ax.set_title(str(notes[c]), fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def scatter_true_pred(true, pred, ax=None, label="value", title=None):
    """Predicted against true values with the y = x line: points on the line are perfect."""
    true = np.asarray(torch.as_tensor(true).detach().cpu())
    pred = np.asarray(torch.as_tensor(pred).detach().cpu())
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3.6))
    ax.scatter(true, pred, s=6, alpha=0.5)
    lo, hi = float(min(true.min(), pred.min())), float(max(true.max(), pred.max()))
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="y = x")
    ax.set_xlabel(f"true {label}")
    ax.set_ylabel(f"predicted {label}")
    ax.set_title(title or "predicted vs true")
    ax.legend(loc="upper left")
    ax.set_aspect("equal")
    return ax


HOW_TO_EXPLORE = ("Interactive version: run this notebook in Jupyter (`make lab`) in quick or full "
                  "mode; this copy shows the static figure.")


class _Explorer:
    """A widget whose text fallback, which GitHub, nbviewer and HTML exports show where there is
    no live kernel, is :data:`HOW_TO_EXPLORE` instead of the widget's repr."""

    def __init__(self, widget):
        self.widget = widget

    def __repr__(self):
        return HOW_TO_EXPLORE

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        return {**bundle, "text/plain": HOW_TO_EXPLORE}


def show_explorer(make_widget, live: bool) -> None:
    """Display the ipywidgets widget that ``make_widget()`` returns when ``live`` (a notebook
    someone runs in Jupyter: ``run.live``); otherwise print :data:`HOW_TO_EXPLORE`, so a
    committed or headless run keeps its static figure and one readable line, not dead widgets."""
    if not live:
        print(HOW_TO_EXPLORE)
        return
    from IPython.display import display

    display(_Explorer(make_widget()))
