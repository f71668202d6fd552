import pytest
import torch

from colorlab.models import MeanRegressor, RGBAutoencoder, UNet, count_parameters, from_config


def test_mean_regressor_shape():
    assert MeanRegressor()(torch.rand(4, 3, 32, 32)).shape == (4,)


@pytest.mark.parametrize("bottleneck", [2, 16])
def test_autoencoder_shapes_and_range(bottleneck):
    model = RGBAutoencoder(bottleneck=bottleneck)
    y = model(torch.rand(3, 3, 32, 32))
    assert y.shape == (3, 3, 32, 32)
    assert 0 <= y.min() and y.max() <= 1
    assert RGBAutoencoder(in_ch=1)(torch.rand(2, 1, 32, 32)).shape == (2, 3, 32, 32)
    code = model.encoder(torch.rand(1, 3, 32, 32))
    assert code.shape == (1, bottleneck, 4, 4)


def test_unet_size_and_heads():
    model = UNet(in_ch=1, out_ch=2, base=64, depth=3)
    assert 7.5e6 < count_parameters(model) < 7.9e6  # "about 7.7 M"
    y = model.eval()(torch.rand(2, 1, 32, 32))
    assert y.shape == (2, 2, 32, 32) and y.abs().max() <= 1  # Tanh head
    logits = UNet(out_ch=313, base=8, depth=2).eval()(torch.rand(1, 1, 16, 16))
    assert logits.shape == (1, 313, 16, 16)
    assert isinstance(UNet(out_ch=313).activation, torch.nn.Identity)  # raw logits for bins


def test_unet_skip_connections_carry_fine_detail():
    """Changing one input pixel changes the output at that pixel: full-resolution skips."""
    torch.manual_seed(0)
    model = UNet(base=8, depth=3).eval()
    x = torch.rand(1, 1, 32, 32)
    x2 = x.clone()
    x2[0, 0, 5, 5] += 0.5
    diff = (model(x2) - model(x)).abs()[0].sum(0)
    assert diff[5, 5] > 0 and diff[5, 5] >= diff.max() * 0.1


def test_unet_rejects_bad_size_clearly():
    with pytest.raises(ValueError, match="divisible by 8"):
        UNet(base=8, depth=3)(torch.rand(1, 1, 30, 30))


def test_from_config_rebuilds_same_architecture():
    model = UNet(base=16, depth=2)
    clone = from_config(model.config)
    assert clone.config == model.config
    clone.load_state_dict(model.state_dict())
    with pytest.raises(ValueError, match="knows"):
        from_config({"class": "ResNet"})


def test_the_unet_diagram_is_drawn_from_the_model():
    import matplotlib

    matplotlib.use("Agg")
    from colorlab.viz import unet_diagram

    for depth in (2, 3):
        ax = unet_diagram(UNet(1, 2, base=8, depth=depth))
        texts = " ".join(t.get_text() for t in ax.texts)
        assert texts.count("skip: copied and concatenated") == 1  # the others just "skip"
        assert [t.get_text() for t in ax.texts].count("skip") == depth - 1
        assert "(1x1 conv + tanh)" in texts  # out_ch = 2 ends in Tanh
        assert (f"bottleneck\n{4 * 2**depth} -> {8 * 2**depth} ch\n{32 // 2**depth} x "
                f"{32 // 2**depth}") in texts
        assert "encoder 1\n1 -> 8 ch\n32 x 32" in texts
        top = 8 * 2 ** (depth - 1)  # the deepest decoder: upsampled + skip, concatenated
        assert f"decoder 1\n{top} up + {top} skip\n-> {top} ch" in texts


def test_compare_rows_writes_each_rows_captions_under_its_images():
    import matplotlib

    matplotlib.use("Agg")
    from colorlab.viz import compare_rows

    images = torch.zeros(3, 3, 8, 8, dtype=torch.uint8)
    fig = compare_rows({"gray": images, "model": images}, n=3,
                       captions={"model": ["20.1 dB", "21.5 dB", "19.0 dB"]})
    axes = fig.axes
    assert [ax.get_xlabel() for ax in axes[:3]] == ["", "", ""]
    assert [ax.get_xlabel() for ax in axes[3:]] == ["20.1 dB", "21.5 dB", "19.0 dB"]


def test_label_points_keeps_labels_apart_even_on_a_cluster():
    """Six points on top of each other and two apart: every label gets its own place, at least
    `gap` points from the others (as the 06 scatter plot needs: variants with the same size and
    speed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from colorlab.viz import label_points

    fig, ax = plt.subplots(figsize=(4, 3))
    xs, ys = [1.0] * 6 + [0.2, 1.8], [1.0] * 6 + [0.2, 1.8]
    ax.scatter(xs, ys)
    offsets = label_points(ax, xs, ys, range(1, 9), gap=12)
    import numpy as np

    centers = offsets[:6]   # the same point: the offsets alone must keep them apart
    for i, a in enumerate(centers):
        for b in centers[i + 1:]:
            assert np.hypot(a[0] - b[0], a[1] - b[1]) >= 12, f"labels at {a} and {b} overlap"
    assert len(ax.texts) == 8 and [t.get_text() for t in ax.texts] == [str(k) for k in range(1, 9)]
    plt.close(fig)


def test_label_points_keeps_clear_of_points_it_is_told_to_avoid():
    """A label's first choice is up and to the right of its point; with another series' marker
    there (``avoid``), it goes elsewhere."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from colorlab.viz import label_points

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set(xlim=(0, 10), ylim=(0, 10))
    (first,) = label_points(ax, [5.0], [5.0], ["a"])
    fig2, ax2 = plt.subplots(figsize=(4, 3))
    ax2.set(xlim=(0, 10), ylim=(0, 10))
    to_points = 72 / fig2.dpi
    center = np.array(ax2.transData.transform((5.0, 5.0))) * to_points + first + (3, 4)
    marker = ax2.transData.inverted().transform(center / to_points)   # where "a" went first
    (moved,) = label_points(ax2, [5.0], [5.0], ["a"], avoid=[tuple(marker)])
    assert tuple(moved) != tuple(first)
    place = np.array(ax2.transData.transform((5.0, 5.0))) * to_points + moved + (3, 4)
    assert np.hypot(*(place - center)) >= 12
    plt.close(fig)
    plt.close(fig2)


def test_label_with_line_moves_away_from_a_neighbour_and_from_a_label_already_placed():
    """A point with a neighbour just below it gets its label above, joined by a line; a second
    label for a point beside it does not land on the first; labels stay inside the axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from colorlab.viz import label_with_line

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set(xlim=(0, 10), ylim=(0, 10))
    points = [(5.0, 5.0), (5.0, 4.5), (5.6, 5.0)]
    fig.canvas.draw()
    taken = []
    first = label_with_line(ax, *points[0], "T = 1", avoid=points, taken=taken)
    assert first[1] > 0, "the neighbour is below, so the label goes up"
    second = label_with_line(ax, *points[2], "T = 0", avoid=points, taken=taken)
    to_points = 72 / fig.dpi
    a = ax.transData.transform(points[0]) * to_points + first
    b = ax.transData.transform(points[2]) * to_points + second
    assert abs(a[0] - b[0]) >= taken[0][2] + taken[1][2] or abs(a[1] - b[1]) >= 13, "labels overlap"
    assert all(t.arrow_patch is not None for t in ax.texts), "each label is joined to its point"
    (left, bottom), (right, top) = ax.get_window_extent().get_points() * to_points
    for cx, cy, half in taken:
        assert left < cx - half and cx + half < right and bottom < cy < top
    # at the top edge, the label cannot go up: it goes elsewhere, still inside
    fig2, ax2 = plt.subplots(figsize=(4, 3))
    ax2.set(xlim=(0, 10), ylim=(0, 10))
    fig2.canvas.draw()
    edge = label_with_line(ax2, 5.0, 9.9, "T = 0.38", avoid=[(5.0, 9.5)])
    assert edge[1] <= 0 or edge[0] != 0
    plt.close(fig)
    plt.close(fig2)


def test_label_points_merges_touching_points_and_keeps_a_long_label_off_its_neighbours():
    """With ``merge``, points whose markers touch share one label ("1, 2, 3"), and that long
    label, measured as drawn, covers neither its own points nor a point 25 points to the right
    (where a one-character label would have gone)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from colorlab.viz import label_points

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set(xlim=(0, 10), ylim=(0, 10))
    to_points = 72 / fig.dpi
    right = ax.transData.inverted().transform(
        (np.array(ax.transData.transform((5.0, 5.0))) * to_points + (25, 2)) / to_points)
    xs, ys = [5.0, 5.02, 5.04, right[0]], [5.0, 5.0, 5.03, right[1]]
    offsets = label_points(ax, xs, ys, [1, 2, 3, 4], fontsize=10, merge=8)
    assert len(offsets) == 2 and [t.get_text() for t in ax.texts] == ["1, 2, 3", "4"]
    renderer = fig.canvas.get_renderer()
    box = ax.texts[0].get_window_extent(renderer)
    for x, y in zip(xs, ys):   # every marker (4.5 points across) clear of the merged label
        px, py = ax.transData.transform((x, y))
        assert not box.expanded(1, 1).overlaps(
            type(box).from_bounds(px - 3, py - 3, 6, 6)), f"'1, 2, 3' covers the point at {x}, {y}"
    plt.close(fig)


def test_a_schematic_arrow_stops_at_the_edges_of_its_boxes_and_labels_its_lower_side():
    """``viz.arrow`` between two ``viz.box`` es ends a few points outside each box whatever
    its text's size; a level arrow's label sits under its middle, a slanted one's beside it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from colorlab.viz import arrow, box

    fig, ax = plt.subplots(figsize=(6, 3))
    ax.set(xlim=(0, 10), ylim=(0, 5))
    a = box(ax, (1, 4), "input\n3 x 32 x 32")
    b = box(ax, (7, 4), "a much longer box of text", color="#fdd9a0")
    c = box(ax, (4, 1), "c")
    level, slanted = arrow(ax, a, b, label="level"), arrow(ax, a, c, label="down")
    to_c = arrow(ax, (9, 1), c)   # from a point: it starts there
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    import numpy as np
    from matplotlib.path import Path

    for drawn, boxes in ((level, (a, b)), (slanted, (a, c)), (to_c, (None, c))):
        path = drawn.arrow_patch.get_path()             # display coordinates, the head included
        drawn_points = path.vertices[np.isin(path.codes, (Path.MOVETO, Path.LINETO))] \
            if path.codes is not None else path.vertices
        for part in boxes:
            if part is None:                            # from the point (9, 1)
                start = ax.transData.transform((9, 1))
                assert np.hypot(*(drawn_points - start).T).min() < 5, "not from its point"
                continue
            edge = part.get_bbox_patch().get_window_extent(renderer)
            centre = np.array([(edge.x0 + edge.x1) / 2, (edge.y0 + edge.y1) / 2])
            end = drawn_points[np.hypot(*(drawn_points - centre).T).argmin()]
            assert not edge.contains(*end), f"the arrow reaches into the box {part.get_text()!r}"
            assert edge.padded(12).contains(*end), (
                f"the arrow stops short of the box {part.get_text()!r}")
    labels = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts if t.get_text() in
              ("level", "down")}
    level_y = ax.transData.transform((0, 4))[1]
    assert labels["level"].y1 < level_y, "a level arrow's label goes under it"
    middle = ax.transData.transform((2.5, 2.5))
    assert labels["down"].x1 < middle[0], "a falling arrow's label goes on its lower (left) side"
    plt.close(fig)
