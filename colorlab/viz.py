"""Figures the notebooks share: image grids, gray / predicted / truth comparisons, scatter plots,
schematics (boxes and arrows), and the interactive explorers (a widget in a live notebook, one
line of text everywhere else).

Images are tensors ``(N, 3, H, W)``: uint8 in [0, 255] or float in [0, 1]; single images
``(3, H, W)`` work too.

Long because it is the one room of the figure helpers every lecture shares (grids, schematics,
label placement, rings on images): each is short, and keeping them here keeps the lectures' folded
plotting cells short.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from cycler import cycler

# Okabe & Ito (2008): colors that stay distinct under the common color-vision deficiencies
# (red-green above all). Blue, orange, bluish green, reddish purple, sky blue, vermillion, black,
# yellow (last: pale on white).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000",
             "#F0E442")


def colorblind_safe() -> None:
    """Make matplotlib's defaults safe for every eye: lines and bars take :data:`OKABE_ITO` in
    turn, images without a colormap of their own take viridis (ordered in lightness, readable
    in gray too). :func:`colorlab.course.notebook.start` calls it, so every lecture's figures
    use it; a figure that still needs two hues apart should add markers or labels beside them."""
    plt.rcParams["axes.prop_cycle"] = cycler(color=OKABE_ITO)
    plt.rcParams["image.cmap"] = "viridis"


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


def compare_rows(rows: dict, n: int = 8, size: float = 1.3, suptitle=None, notes=None,
                 captions=None):
    """One row per entry of ``rows`` (e.g. {"gray": g, "predicted": p, "truth": t}), ``n`` columns.

    ``notes``: optional per-column strings written above the first row (e.g. PSNR per image).
    ``captions``: optional ``{row label: per-column strings}`` written under that row's images
    (e.g. each colorized image's own PSNR).
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
            if captions and label in captions and c < len(captions[label]):
                ax.set_xlabel(str(captions[label][c]), fontsize=7, labelpad=1)
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


HOW_TO_EXPLORE = ("Interactive version: run this notebook yourself with a live kernel (e.g. "
                  "JupyterLab via `make lab`) in quick or full mode; "
                  "this copy shows the static figure.")


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


def box(ax, xy, text, color="white", fontsize: float = 9, dashed: bool = False):
    """Draw ``text`` in a rounded box centred on ``xy`` (data coordinates of ``ax``), sized to
    the text: one part of a schematic. ``color``: the box's fill. Returns the text artist, which
    :func:`arrow` takes as an end, so an arrow stops at the box's edge whatever its size."""
    return ax.text(*xy, text, ha="center", va="center", fontsize=fontsize,
                   bbox={"fc": color, "ec": "0.2", "boxstyle": "round,pad=0.4",
                         "ls": "--" if dashed else "-"})


def arrow(ax, start, end, label=None, dashed: bool = False, color="0.15", fontsize: float = 8,
          label_above: bool = False):
    """Draw an arrow from ``start`` to ``end`` on ``ax``: each is a box that :func:`box`
    returned (the arrow then stops at its edge) or an ``(x, y)`` point in data coordinates.
    ``label``: text beside the arrow's middle, under a level arrow (over it with
    ``label_above``), on the lower side of a slanted one. Returns the arrow's annotation."""
    props = {"arrowstyle": "-|>", "color": color, "lw": 1.2, "ls": "--" if dashed else "-",
             "shrinkA": 3, "shrinkB": 3}
    ends = []
    for key, part in (("patchA", start), ("patchB", end)):
        if hasattr(part, "get_bbox_patch"):                      # a box: clip the arrow at it
            props[key] = part.get_bbox_patch()
            ends.append(part.get_position())
        else:
            ends.append(part)
    (x0, y0), (x1, y1) = ends
    drawn = ax.annotate("", (x1, y1), (x0, y0), arrowprops=props)
    if label:
        middle = ((x0 + x1) / 2, (y0 + y1) / 2)
        if y0 == y1 and label_above:                             # level: over it
            offset, ha, va = (0, 5), "center", "bottom"
        elif y0 == y1:                                           # level: under it
            offset, ha, va = (0, -5), "center", "top"
        elif (y1 > y0) == (x1 > x0):                             # rising to the right ("/"):
            offset, ha, va = (6, -4), "left", "top"              # its lower side is right
        else:                                                    # falling to the right ("\\"):
            offset, ha, va = (-6, -4), "right", "top"            # its lower side is left
        ax.annotate(label, middle, xytext=offset, textcoords="offset points", ha=ha, va=va,
                    fontsize=fontsize, color=color)
    return drawn


def unet_diagram(unet, size: int = 32, ax=None, title=None):
    """Draw a UNet (``colorlab.models.UNet`` or a subclass) as its U: encoder blocks going down on
    the left, the bottleneck at the bottom, decoder blocks going up on the right, skip connections
    across. Channels and grid sizes are read from the model itself (one forward pass of a zero
    image, (1, in_ch, size, size), with hooks), so the figure cannot drift from the code.
    Box width grows with the channels; each box names its channels in -> out (a decoder's input
    as "64 up + 64 skip": the upsampled features concatenated with the skip) and its grid size."""
    blocks = [*(("encoder", i, m) for i, m in enumerate(unet.encoders)),
              ("bottleneck", 0, unet.bottleneck),
              *(("decoder", i, m) for i, m in enumerate(unet.decoders))]
    shapes = {}  # (kind, k) -> (channels in, channels out, H, W); a decoder's input is 2C: concat
    hooks = [m.register_forward_hook(lambda m, i, o, key=(kind, k): shapes.__setitem__(
        key, (i[0].shape[1], *o.shape[1:]))) for kind, k, m in blocks]
    try:
        with torch.no_grad():
            out = unet.eval()(torch.zeros(1, unet.encoders[0][0].in_channels, size, size))
    finally:
        for h in hooks:
            h.remove()
    depth = len(unet.encoders)
    if ax is None:
        _, ax = plt.subplots(figsize=(max(10, 3.4 * depth), max(4.6, 1.5 * depth)))

    def box(x, level, shape, name, color):
        c_in, c, h, w = shape
        width = 0.8 + 0.1 * np.log2(c)  # 0.8 leaves room for "encoder 1"
        height = 0.8
        if name.startswith("decoder"):  # room for "64 up + 64 skip" on a line of its own
            width, height = width + 0.45, 1.0
        y = -1.4 * level
        ax.add_patch(plt.Rectangle((x - width / 2, y - height / 2), width, height, fc=color,
                                   ec="black", lw=0.8))
        if name.startswith("decoder"):  # its input: the upsampled features and the skip
            channels = f"{c_in // 2} up + {c_in // 2} skip\n-> {c} ch"
        else:
            channels = f"{c_in} -> {c} ch"
        ax.text(x, y, f"{name}\n{channels}\n{h} x {w}", ha="center", va="center",
                fontsize=7.5)
        return x, y, width

    arrow = dict(arrowstyle="-|>", color="black", lw=1)
    step = 1.4
    enc = [box(step * i, i, shapes[("encoder", i)], f"encoder {i + 1}", "#cfe3f7")
           for i in range(depth)]
    mid = box(step * depth + 0.6, depth, shapes[("bottleneck", 0)], "bottleneck", "#f7d9a8")
    dec = [box(2 * (step * depth + 0.6) - step * i, i, shapes[("decoder", depth - 1 - i)],
               f"decoder {depth - i}", "#d7ecd0") for i in range(depth)]
    ins = (enc[0][0] - enc[0][2] / 2 - 1.1, 0)
    ax.text(*ins, f"input\n{unet.encoders[0][0].in_channels} x {size} x {size}\n(L / 100)",
            ha="center", va="center", fontsize=8)
    ax.annotate("", (enc[0][0] - enc[0][2] / 2, 0), (ins[0] + 0.65, 0), arrowprops=arrow)
    outs = (dec[0][0] + dec[0][2] / 2 + 1.35, 0)
    tanh = isinstance(getattr(unet, "activation", None), torch.nn.Tanh)  # out_ch = 2 ends in Tanh
    head = "1x1 conv + tanh" if tanh else "1x1 conv head"
    ax.text(*outs, f"output\n{out.shape[1]} x {size} x {size}\n({head})", ha="center",
            va="center", fontsize=8)
    ax.annotate("", (outs[0] - 0.8, 0), (dec[0][0] + dec[0][2] / 2, 0), arrowprops=arrow)
    chain = enc + [mid]
    for (x0, y0, _), (x1, y1, _) in zip(chain, chain[1:]):
        ax.annotate("", (x1, y1 + 0.4), (x0, y0 - 0.4), arrowprops=arrow)
        ax.text((x0 + x1) / 2 - 0.15, (y0 + y1) / 2 - 0.1, "max-pool\n2x2", fontsize=7,
                ha="right", va="center", color="dimgray")
    chain = [mid] + dec[::-1]
    for i, ((x0, y0, _), (x1, y1, _)) in enumerate(zip(chain, chain[1:])):
        start = y0 + (0.4 if i == 0 else 0.5)  # the bottleneck's top, or a decoder's (taller)
        ax.annotate("", (x1, y1 - 0.5), (x0, start), arrowprops=arrow)
        ax.text((x0 + x1) / 2 + 0.2, (y0 + y1) / 2 - 0.15, "transposed\nconv 2x2", fontsize=7,
                ha="left", va="center", color="dimgray")
    for level, ((x0, y0, w0), (x1, y1, w1)) in enumerate(zip(enc, dec)):
        ax.annotate("", (x1 - w1 / 2, y1), (x0 + w0 / 2, y0),
                    arrowprops=dict(arrowstyle="-|>", color="#1f5fa8", lw=1.2, ls="--"))
        ax.text((x0 + x1) / 2, y0 + 0.05, "skip" if level else "skip: copied and concatenated",
                fontsize=7, ha="center", va="bottom", color="#1f5fa8")
    ax.set_xlim(ins[0] - 0.6, outs[0] + 0.8)
    ax.set_ylim(-1.4 * depth - 0.6, 0.7)
    ax.axis("off")
    ax.set_title(title or f"{type(unet).__name__}: {sum(p.numel() for p in unet.parameters()):,}"
                 " parameters (drawn from the model)", fontsize=10)
    return ax


def label_points(ax, xs, ys, labels, fontsize: float = 10, gap: float = 12, colors=None,
                 avoid=(), merge: float = 0):
    """Write ``labels[i]`` beside the point ``(xs[i], ys[i])`` of ``ax`` so that labels do not
    collide: each takes the first of 16 places around its point (8 close, 8 farther out) whose
    center is at least ``gap`` points from every label placed before and from every point.
    ``colors``: one text color per label (default: black). ``avoid``: more (x, y) points, drawn
    but not labelled (a marker of another series, samples along a line or an error bar), that
    labels keep clear of too. A label placed farther out gets a thin line to its point.
    ``merge``: points less than ``merge`` points apart (and chains of them: markers that touch)
    share one label, theirs joined by ", " ("1, 7, 8"), beside the group's middle; every label
    then counts its width (0.64 ``fontsize`` a character, half that for a space or a comma): it
    ends left of its point, or starts right of it, where a one-character label would, and keeps
    ``gap`` from the points and the other labels along its whole width. Call it after the axes'
    limits and scales are set.
    Returns the offsets used, in points (one per label written)."""
    ax.autoscale_view()
    to_points = 72 / ax.figure.dpi                              # display pixels -> points
    points = [ax.transData.transform((x, y)) * to_points for x, y in zip(xs, ys)]
    others = [(*(ax.transData.transform(xy) * to_points), 0.0) for xy in avoid]
    colors = colors or ["black"] * len(points)
    groups = [[i] for i in range(len(points))]
    if merge:                                                    # chains of touching points
        groups = []
        for i, p in enumerate(points):
            touching = [g for g in groups if min(np.hypot(*(points[j] - p)) for j in g) < merge]
            groups = [g for g in groups if g not in touching] + [sorted(sum(touching, []) + [i])]
        groups.sort(key=min)
    ring = [(8, 5), (-14, 5), (8, -14), (-14, -14), (-3, 10), (-3, -20), (12, -4), (-20, -4)]
    places = ring + [(2 * dx, 2 * dy) for dx, dy in ring]
    taken, offsets = [], []                                      # labels: (x, y, half-length)
    fixed = [(*p, 0.0) for p in points] + others

    def apart(a, b):                                             # two short horizontal lines
        return np.hypot(max(0.0, abs(a[0] - b[0]) - a[2] - b[2]), a[1] - b[1])

    for g in groups:
        text = ", ".join(str(labels[i]) for i in g)
        width = fontsize * sum(0.32 if ch in " ,.:;" else 0.64 for ch in text)  # about, in points
        extra = max(0.0, width - 6) if merge else 0.0                 # beyond one character
        point = np.mean([points[i] for i in g], axis=0)
        shifts = [(dx - (extra if dx < -8 else extra / 2 if dx < 0 else 0), dy)  # left: end there
                  for dx, dy in places]
        boxes = [(point[0] + dx + 3 + extra / 2, point[1] + dy + 4, extra / 2) for dx, dy in shifts]
        free = [k for k, b in enumerate(boxes) if all(apart(b, q) >= gap for q in taken + fixed)]
        k = free[0] if free else len(offsets) % len(places)
        taken.append(boxes[k])
        offsets.append(shifts[k])
        line = None if k < len(ring) else dict(arrowstyle="-", lw=0.6, color=colors[g[0]])  # far
        anchor = ((xs[g[0]], ys[g[0]]) if len(g) == 1 else
                  tuple(ax.transData.inverted().transform(point / to_points)))
        ax.annotate(text, anchor, xytext=shifts[k], textcoords="offset points",
                    fontsize=fontsize, color=colors[g[0]], arrowprops=line)
    return offsets


def label_with_line(ax, x, y, text, avoid=(), taken=None, fontsize: float = 9):
    """Write ``text`` about 25 points from the point ``(x, y)`` of ``ax``, joined to it by a thin
    line, for a point among close neighbours, where a label right beside it could be read as a
    neighbour's. Of eight directions it takes the one whose text lies farthest from the points in
    ``avoid`` (data coordinates, the other markers; the labelled point itself is skipped), among
    those where the text stays inside the axes, clear of the labels in ``taken``, and its line
    passes no point of ``avoid``. ``taken``: a list that each call appends its label to (in points
    on the page: center x, center y, half width); pass the same list to label several points of
    one axes. Call it once the layout is final (after ``fig.canvas.draw()``).
    Returns the offset used, in points."""
    taken = [] if taken is None else taken
    to_points = 72 / ax.figure.dpi                               # display pixels -> points
    px, py = ax.transData.transform((x, y)) * to_points
    (left, bottom), (right, top) = ax.get_window_extent().get_points() * to_points   # the panel
    half = 0.3 * fontsize * len(text)                            # about half the text's width
    others = [ax.transData.transform(xy) * to_points for xy in avoid]
    others = [(qx, qy) for qx, qy in others if np.hypot(qx - px, qy - py) > 1]   # not the point
    best, room = (0, -24), -1.0
    directions = ((0, -24), (0, 24), (36, 0), (-36, 0), (30, -22), (-30, -22), (30, 22), (-30, 22))
    for dx, dy in directions:                   # below, above, right, left, then the diagonals
        cx, cy = px + dx, py + dy                                # the text's center
        inside = left + half + 2 < cx < right - half - 2 and bottom + 8 < cy < top - 8
        on_label = any(abs(cx - lx) < half + lh + 4 and abs(cy - ly) < 13 for lx, ly, lh in taken)
        on_line = any(np.hypot(px + f * dx - qx, py + f * dy - qy) < 7
                      for f in (0.4, 0.6, 0.8) for qx, qy in others)
        # room: how far the text is from the nearest other marker, in text widths and heights
        gap = min([np.hypot((cx - qx) / (half + 6), (cy - qy) / 11) for qx, qy in others] + [9.0])
        if inside and not on_label and not on_line and gap > room:
            best, room = (dx, dy), gap
    ax.annotate(text, (x, y), xytext=best, textcoords="offset points", ha="center", va="center",
                fontsize=fontsize,
                arrowprops=dict(arrowstyle="-", lw=0.8, color="0.2", shrinkA=0, shrinkB=4))
    taken.append((px + best[0], py + best[1], half))
    return best


def label_path(ax, xs, ys, labels, avoid=(), near: float = 16, fontsize: float = 9):
    """Label the points of one series that may lie close together (e.g. one point per
    temperature, joined by a line): each label about 25 points off its point and joined to it by
    a thin line (:func:`label_with_line`). A label's line keeps out of a narrow fan (about 17
    degrees either side) toward each point of the series closer than ``near`` points on the page,
    where it could be read as that neighbour's, unless every direction is blocked. The points
    with the most close neighbours choose first.

    ``xs``, ``ys``: data coordinates, one per label. ``labels``: one text per point; None leaves
    that point unlabelled (the others' labels still keep clear of it). ``avoid``: other markers
    of ``ax`` (data coordinates) that the labels keep clear of too. Call it once the layout is
    final (after ``fig.canvas.draw()``). Returns the offsets used, in points (None where no
    label), in the order of ``labels``."""
    to_points = 72 / ax.figure.dpi                               # display pixels -> points
    page = [np.asarray(ax.transData.transform((x, y))) * to_points for x, y in zip(xs, ys)]
    fans = []                       # per point: spots in a narrow fan toward each close neighbour
    for i, here in enumerate(page):
        spots = []
        for j, there in enumerate(page):
            d = there - here
            if j != i and np.hypot(*d) < near:
                angle = np.arctan2(d[1], d[0])
                spots += [here + s * np.array([np.cos(angle + turn), np.sin(angle + turn)])
                          for s in (10, 16, 22, 28) for turn in (-0.3, 0, 0.3)]   # about 17 deg
        fans.append([tuple(ax.transData.inverted().transform(xy / to_points)) for xy in spots])
    points = list(zip(xs, ys))
    taken, offsets = [], [None] * len(points)
    for i in sorted(range(len(points)), key=lambda i: -len(fans[i])):   # most crowded first
        if labels[i] is not None:
            offsets[i] = label_with_line(ax, *points[i], str(labels[i]), fontsize=fontsize,
                                         avoid=[*points, *avoid, *fans[i]], taken=taken)
    return offsets


def ring(ax, x, y, width: float, height: float, dashed: bool = False):
    """Circle a patch of an image drawn on ``ax`` with ``imshow``: an ellipse centered on
    ``(x, y)``, ``width`` by ``height``, all in the image's pixel coordinates (x to the right, y
    down, pixel centers at whole numbers). A white line, solid or dashed, over a black halo, so
    it shows on light and dark pixels alike. :func:`ring_mask` gives the pixels inside it and
    :func:`ring_handle` a legend entry. Returns the two patches (halo, line)."""
    from matplotlib.patches import Ellipse

    return [ax.add_patch(Ellipse((x, y), width, height, fill=False, edgecolor=color, lw=lw, ls=ls))
            for color, lw, ls in (("black", 3.2, "-"), ("white", 1.6, "--" if dashed else "-"))]


def ring_handle(label: str, dashed: bool = False):
    """A legend entry for :func:`ring`'s rings: a short white line (solid or dashed) on a
    black halo. Pass a list of them as ``handles`` to ``legend``; a gray legend background
    (``facecolor="0.85"``) shows the white line best."""
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=4, foreground="black")]
    return plt.Line2D([], [], color="white", lw=1.6, ls="--" if dashed else "-",
                      path_effects=halo, label=label)


def ring_mask(shape, x, y, width: float, height: float) -> torch.Tensor:
    """The pixels inside :func:`ring` with the same ``x, y, width, height``: a bool tensor of
    ``shape`` (H, W), True where a pixel's center lies in the ellipse (on its edge included)."""
    ys, xs = torch.meshgrid(torch.arange(shape[0]), torch.arange(shape[1]), indexing="ij")
    return ((xs - x) / (width / 2)) ** 2 + ((ys - y) / (height / 2)) ** 2 <= 1
