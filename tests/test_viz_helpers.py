"""colorlab.viz's helpers for notebook 05's figures: rings around image patches (ring,
ring_handle, ring_mask) and the labels of a series of close points (label_path)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from colorlab.viz import label_path, ring, ring_handle, ring_mask  # noqa: E402


def test_ring_mask_takes_x_as_the_column_and_y_as_the_row():
    """A wide, flat ellipse: 4 pixels either side along x (columns), 1 along y (rows)."""
    mask = ring_mask((20, 30), x=10, y=5, width=9, height=3)
    assert mask.shape == (20, 30) and mask.dtype == torch.bool
    assert mask[5, 10] and mask[5, 14] and mask[5, 6], "along the row y = 5"
    assert not mask[5, 15] and not mask[5, 5], "beyond the half width 4.5"
    assert mask[6, 10] and mask[4, 10] and not mask[7, 10], "half height 1.5: one row either side"
    assert not mask[10, 5], "x and y not swapped"
    assert mask.sum() == 9 + 2 * 7, "9 pixels on the middle row, 7 on each row beside it"


def test_ring_draws_a_white_line_on_a_black_halo():
    fig, ax = plt.subplots()
    ax.imshow(np.zeros((32, 32, 3)))
    halo, line = ring(ax, 7, 23, 15, 7, dashed=True)
    assert halo.get_edgecolor()[:3] == (0.0, 0.0, 0.0) and line.get_edgecolor()[:3] == (1, 1, 1)
    assert halo.get_linestyle() == "-" and line.get_linestyle() == "--"
    assert line.get_linewidth() < halo.get_linewidth(), "the halo shows on both sides"
    assert tuple(line.center) == (7, 23) and (line.width, line.height) == (15, 7)
    _, solid = ring(ax, 19, 9, 8, 8)
    assert solid.get_linestyle() == "-" and len(ax.patches) == 4
    handles = [ring_handle("right", dashed=False), ring_handle("wrong", dashed=True)]
    assert [h.get_label() for h in handles] == ["right", "wrong"]
    assert [h.get_linestyle() for h in handles] == ["-", "--"]
    plt.close(fig)


def test_label_path_keeps_lines_out_of_the_fans_toward_close_neighbours():
    """Six points within a few points of each other on the page (placing each label away from
    the other markers alone lets 4 lines start toward a close neighbour here): every label's
    line leaves its point more than about 14 degrees away from each neighbour closer than
    `near`; a None label is skipped."""
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set(xlim=(0, 10), ylim=(0, 10))
    fig.canvas.draw()
    xs = [5.09, 5.33, 5.0, 5.26, 5.35, 5.29]
    ys = [4.41, 5.31, 5.08, 5.11, 5.09, 5.1]
    labels = ["0", "1", "2", "3", None, "5"]
    offsets = label_path(ax, xs, ys, labels, near=16)
    assert offsets[4] is None and all(o is not None for i, o in enumerate(offsets) if i != 4)
    assert [t.get_text() for t in ax.texts] and len(ax.texts) == 5
    to_points = 72 / fig.dpi
    page = [np.asarray(ax.transData.transform(p)) * to_points for p in zip(xs, ys)]
    close_pairs = 0
    for i, offset in enumerate(offsets):
        if offset is None:
            continue
        for j, there in enumerate(page):
            d = there - page[i]
            if j != i and np.hypot(*d) < 16:
                close_pairs += 1
                cos = np.dot(offset, d) / (np.hypot(*offset) * np.hypot(*d))
                assert cos < np.cos(0.25), f"label {labels[i]}'s line starts toward point {j}"
    assert close_pairs >= 10, "the points are close neighbours on the page"
    plt.close(fig)
