"""The committed lectures read well wherever they are opened (GitHub, nbviewer, JupyterLab trusted
or not, an HTML export): outputs hold text and pictures, not widget state or dead progress bars;
the explorers print one line saying how to make them interactive; nbval's markers are cell tags,
not comments a learner reads; and the notebook metadata is what JupyterLab writes itself, so a
fresh clone opens without an unsaved-changes dot.
"""

import re
from pathlib import Path

import nbformat
import pytest
from ipykernel.kernelspec import get_kernel_dict

from colorlab import viz

ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
WIDGET = "application/vnd.jupyter.widget-view+json"
WIDGET_REPR = re.compile(r"^\w*(interactive|Box|Slider|Dropdown|Image)\(children=|Slider\(value=")
BAR = re.compile(r"\d+%\|")  # a tqdm bar left as text
NBVAL_COMMENT = re.compile(r"^\s*#\s*NBVAL_", flags=re.M)
NBVAL_TAGS = {"nbval-check-output", "nbval-ignore-output", "nbval-skip", "nbval-raises-exception"}
# what a kernel reports in language_info (JupyterLab writes it when the kernel starts); papermill
# and nbclient store the same. Only "version" differs between machines.
LANGUAGE_INFO = {"codemirror_mode", "file_extension", "mimetype", "name", "nbconvert_exporter",
                 "pygments_lexer", "version"}


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_outputs_are_text_and_pictures(path):
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata, f"{path.name}: widget state in metadata.widgets"
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            assert WIDGET not in data, f"{path.name} cell {i}: a widget output (dead when saved)"
            text = out.get("text", "") + str(data.get("text/plain", ""))
            assert not WIDGET_REPR.search(text), f"{path.name} cell {i}: a widget repr: {text[:80]}"
            assert not BAR.search(text), f"{path.name} cell {i}: a progress bar as text"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_nbval_markers_are_tags(path):
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        assert not NBVAL_COMMENT.search(cell.source), f"{path.name} cell {i}: make it a cell tag"
        tags = {t for t in cell.metadata.get("tags", []) if t.startswith("nbval")}
        assert tags <= NBVAL_TAGS, f"{path.name} cell {i}: unknown nbval tag {tags - NBVAL_TAGS}"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_metadata_is_what_jupyterlab_writes(path):
    """JupyterLab rewrites kernelspec and language_info from the kernel it starts: when the file
    holds other values (papermill's "Python 3" display name), the tab shows unsaved changes."""
    nb = nbformat.read(path, as_version=4)
    kernel = get_kernel_dict()
    assert nb.metadata.kernelspec == {"display_name": kernel["display_name"],
                                      "language": kernel["language"], "name": "python3"}
    assert set(nb.metadata.language_info) == LANGUAGE_INFO
    assert (nb.nbformat, nb.nbformat_minor) == (4, 5) and all(c.get("id") for c in nb.cells)


@pytest.mark.parametrize("path", [p for p in LECTURES if "show_explorer(" in p.read_text()],
                         ids=lambda p: p.stem)
def test_explorers_say_how_to_go_live(path):
    cells = [c for c in nbformat.read(path, as_version=4).cells
             if c.cell_type == "code" and "show_explorer(" in c.source]
    for cell in cells:
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert viz.HOW_TO_EXPLORE in printed, f"{path.name}: the explorer's line is missing"


def test_show_explorer(capsys):
    from ipywidgets import IntSlider

    viz.show_explorer(lambda: pytest.fail("no widget is built when not live"), live=False)
    assert capsys.readouterr().out == viz.HOW_TO_EXPLORE + "\n"
    bundle = viz._Explorer(IntSlider(value=3))._repr_mimebundle_()
    assert WIDGET in bundle and bundle["text/plain"] == viz.HOW_TO_EXPLORE
    viz.show_explorer(lambda: IntSlider(value=3), live=True)  # outside Jupyter: the text form
    assert capsys.readouterr().out == viz.HOW_TO_EXPLORE + "\n"
