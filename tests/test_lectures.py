"""Every lecture reads like a chapter: objectives and time at the top, questions with answers
after its sections, a summary, things to try and references at the end, and links that resolve.
A lecture that loses one of these, or links to an exercise or glossary entry that does not
exist, fails here.
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def markdown(path):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_lecture_has_its_parts(path):
    cells = markdown(path)
    opening = "\n".join(cells[:3])
    for part in ("What you will build", "What you will learn", "Assumes", "Time", "Exercise"):
        assert f"**{part}" in opening, f"{path.name}: the opening lacks '{part}'"
    learn = opening.split("What you will learn", 1)[1].split("**", 1)[-1]
    bullets = re.findall(r"^\s*- ", learn.split("\n\n**")[0], flags=re.M)
    assert 3 <= len(bullets) <= 6, f"{path.name}: 'What you will learn' needs 3-5 bullets"

    questions = [c for c in cells if c.lstrip().startswith("### Check your understanding")]
    assert len(questions) >= 2, f"{path.name}: at least two 'Check your understanding' blocks"
    for block in questions:
        n_questions = len(re.findall(r"^\d+\. ", block, flags=re.M))
        n_answers = block.count("<details>")
        assert 2 <= n_questions <= 4 and n_answers == n_questions == block.count("</details>"), \
            f"{path.name}: each question needs one collapsed answer:\n{block[:300]}"

    text = "\n".join(cells)
    for heading in ("## Summary", "## What to try next", "## References"):
        assert heading in text, f"{path.name}: no '{heading}' section"
    summary = text.split("## Summary", 1)[1].split("\n## ", 1)[0]
    n_bullets = len(re.findall(r"^- ", summary, flags=re.M))
    assert 4 <= n_bullets <= 6, f"{path.name}: 4-6 summary bullets, got {n_bullets}"
    references = text.split("## References", 1)[1].split("\n## ", 1)[0]
    assert len(re.findall(r"^- ", references, flags=re.M)) >= 2, f"{path.name}: cite the sources"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_lecture_links_resolve(path):
    text = "\n".join(markdown(path))
    links = [(m.group(1), m.group(2)) for m in LINK.finditer(text)
             if not m.group(1).startswith(("http://", "https://", "mailto:"))]
    assert any(target.startswith("../exercises/") for target, _ in links), \
        f"{path.name}: no link to its exercise notebook"
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    anchors = {re.sub(r"[^a-z0-9 -]", "", h.lower()).strip().replace(" ", "-")
               for h in re.findall(r"^#+ (.+)$", glossary, flags=re.M)}
    for target, anchor in links:
        assert (path.parent / target).exists(), f"{path.name}: broken link {target}"
        if target.endswith("glossary.md") and anchor:
            assert anchor[1:] in anchors, f"{path.name}: no glossary entry {anchor}"


CODE_LINE = re.compile(r"^(def \w+\(|class \w+(\(.*\))?:$|import \w|from \S+ import |"
                       r"for .+ in .+:$|[A-Za-z_][\w.]*\(.*\)$|"
                       r"[A-Za-z_]\w*(\[[^\]]*\])? = [^$\\]*[(\[][^$\\]*$)")


@pytest.mark.parametrize("path", LECTURES + sorted((ROOT / "solutions").glob("*.ipynb")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_code_in_markdown_cells(path):
    """A markdown cell holds prose: a line of Python outside a fenced block is a cell that a
    notebook-building script put in the wrong place (it rendered as garbled text)."""
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        prose = re.sub(r"```.*?```", "", cell.source, flags=re.S)
        code = [line for line in prose.splitlines() if CODE_LINE.match(line.strip())]
        assert not code, f"{path.name}: markdown cell {i} holds code: {code[:2]}"
