"""What a committed lecture shows, for the tests that check its text against it: the notebook is
read as committed, nothing is re-run. Used by tests/test_committed_0N.py."""

import re

import nbformat


def read(notebook):
    """(nb, markdown, printed, tables) of a committed notebook: its markdown cells as one line of
    text, its printed lines, and the markdown tables its code cells displayed."""
    nb = nbformat.read(notebook, as_version=4)
    markdown = " ".join(" ".join(c.source for c in nb.cells if c.cell_type == "markdown").split())
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    # a cell's printed text is one stream, however the kernel split it into outputs (it flushes
    # when it likes, even mid-print); cells are joined by a line break
    printed = "\n".join("".join(o.get("text", "") for o in c.get("outputs", [])
                                 if o.get("output_type") == "stream")
                         for c in nb.cells if c.cell_type == "code")
    tables = "\n".join(o["data"]["text/markdown"] for o in outputs
                       if "text/markdown" in o.get("data", {}))
    return nb, markdown, printed, tables


def finder(lecture: str):
    """``found(pattern, text)``: the groups of ``pattern``'s first match in ``text``; a failure
    says that lecture ``lecture`` no longer shows it."""
    def found(pattern, text):
        match = re.search(pattern, text)
        assert match, (f"the committed outputs no longer show {pattern!r}: re-run {lecture}, or "
                       "update this")
        return match.groups()
    return found


def code_with(nb, text: str) -> str:
    """The source of ``nb``'s first code cell that contains ``text``; a failure says the lecture no
    longer has it."""
    cells = [c.source for c in nb.cells if c.cell_type == "code" and text in c.source]
    assert cells, f"no code cell contains {text!r}: the lecture changed, update this test"
    return cells[0]
