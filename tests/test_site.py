"""The course website (`make site`) builds from the committed notebooks without running them,
and reads well offline: one page per lecture that exists (01..05 today, more as they land), math
rendered by the MathJax copy inside the site (no `$...$` left as text, nothing fetched from the
network), no dead widget output, and every exercise notebook downloadable.
"""

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from sphinx.cmd.build import build_main

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning",
                                        "ignore::PendingDeprecationWarning")  # Sphinx's, noise
ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
RAW_MATH = re.compile(r"\$[^$\s][^$\n]*\$|\\\(|\\\[|\\frac|\\lambda")
DEAD_WIDGET = re.compile(r"application/vnd\.jupyter\.widget|interactive\(children|"
                         r"(Int|Float)Slider\(|VBox\(children|\d+%\|")
REMOTE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""")


class _Text(HTMLParser):
    """A page's visible prose: the text outside math, code, scripts and styles."""

    SKIP = {"script", "style", "pre", "code", "kbd", "samp"}

    def __init__(self):
        super().__init__()
        self.stack, self.parts = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr", "wbr", "source"):
            return
        classes = (dict(attrs).get("class") or "").split()
        self.stack.append(tag in self.SKIP or "math" in classes)

    def handle_endtag(self, tag):
        if tag not in ("br", "img", "meta", "link", "input", "hr", "wbr", "source") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.parts.append(data)


def prose(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    status = build_main(["-q", "-c", str(ROOT / "site"), "-d", str(out / ".doctrees"),
                         str(ROOT), str(out)])
    assert status == 0, "sphinx-build failed: run `make site` to see why"
    return out


def test_prose_finds_raw_math_and_skips_rendered_math():
    """The checker itself: a `$...$` left in a paragraph is caught, math MathJax will typeset
    (in a span of class "math") and code are not."""
    assert RAW_MATH.search(prose(r"<p>the mean $\mu$ of x</p>"))
    assert not RAW_MATH.search(prose(r'<p>a <span class="math">\(\mu\)</span> b '
                                     r"<code>$HOME</code></p>"))


def test_every_lecture_has_a_page_in_course_order(site):
    assert len(LECTURES) >= 5
    index = (site / "site" / "index.html").read_text(encoding="utf-8")
    positions = []
    for path in LECTURES:
        assert (site / "notebooks" / f"{path.stem}.html").is_file(), f"no page for {path.name}"
        positions.append(index.find(f"notebooks/{path.stem}.html"))
    assert -1 not in positions and positions == sorted(positions), "lectures missing or unordered"
    assert (site / "index.html").is_file() and (site / "searchindex.js").is_file()


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_pages_show_the_committed_run(site, path):
    """Nothing is executed: the page carries the notebook's own first line (mode, device, data)."""
    cells = nbformat.read(path, as_version=4).cells
    first = next(o.text for c in cells for o in c.get("outputs", []) if o.get("name") == "stdout")
    headline = html.escape(first.splitlines()[0], quote=False)
    assert headline in (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", [f"notebooks/{p.stem}.html" for p in LECTURES] +
                         ["README.html", "docs/glossary.html", "docs/teaching.html"])
def test_page_reads_offline(site, page):
    text = (site / page).read_text(encoding="utf-8")
    raw = RAW_MATH.search(prose(text))
    assert raw is None, f"{page}: math left as text: ...{raw and raw.group(0)}..."
    dead = DEAD_WIDGET.search(text)
    assert dead is None, f"{page}: dead widget output: {dead and dead.group(0)!r}"
    remote = REMOTE.search(text)
    assert remote is None, f"{page}: fetches {remote and remote.group(0)!r} from the network"
    if 'class="math' in text:
        script = re.search(r'<script[^>]*src="([^"]*mathjax/tex-chtml\.js)"', text)
        assert script, f"{page}: has math but no bundled MathJax"
        assert (site / page).parent.joinpath(script.group(1)).resolve().is_file()


def test_exercises_can_be_downloaded(site):
    assert EXERCISES
    page = (site / "site" / "exercises.html").read_text(encoding="utf-8")
    for path in EXERCISES:
        link = re.search(rf'href="([^"]*_downloads/[^"]*/{re.escape(path.name)})"', page)
        assert link, f"exercises page: no download link for {path.name}"
        copy = (site / "site" / link.group(1)).resolve()
        assert copy.read_bytes() == path.read_bytes()
