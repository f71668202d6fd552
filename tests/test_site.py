"""The course website (`make site`) builds from the committed notebooks without running them,
and reads well offline: one page per lecture that exists (01..05 today, more as they land), math
rendered by the MathJax copy inside the site (no `$...$` left as text, nothing fetched from the
network), no dead widget output, markdown tables as tables, a training log as one box, alt text
on figures, no dead links, every exercise notebook downloadable, and the repository link and the
Colab / Binder buttons made from pyproject's Repository URL (colorlab.course.launch).
"""

import html
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from sphinx.cmd.build import build_main

from colorlab.course import launch

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning",
                                        "ignore::PendingDeprecationWarning")  # Sphinx's, noise
ROOT = Path(__file__).resolve().parents[1]
LECTURES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
RAW_MATH = re.compile(r"\$[^$\s][^$\n]*\$|\\\(|\\\[|\\frac|\\lambda")
DEAD_WIDGET = re.compile(r"application/vnd\.jupyter\.widget|interactive\(children|"
                         r"(Int|Float)Slider\(|VBox\(children|\d+%\|")
SAMPLE = "https://github.com/example-org/colorlab"
PLACEHOLDER = "https://github.com/OWNER/colorlab"
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
                         "-w", str(out / ".warnings.txt"), str(ROOT), str(out)])
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


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_markdown_outputs_render_as_myst(site, path):
    """Results tables that a notebook displays as markdown (text/markdown) are tables, not
    paragraphs of `|` text (MyST-NB's default renders them as CommonMark, without tables)."""
    text = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
    assert "<p>| " not in text, f"{path.name}: a markdown table shown as text"


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_printed_lines_of_a_cell_are_one_box(site, path):
    """Every line a cell prints on stdout lands in one output box (nb_merge_streams)."""
    cells = nbformat.read(path, as_version=4).cells
    boxes = sum(any(o.get("name") == "stdout" for o in c.get("outputs", [])) for c in cells)
    text = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
    assert text.count('class="output stream') == boxes


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_figures_have_alt_text(site, path):
    text = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img alt="([^"]*)"', text)
    assert len(alts) == text.count("<img"), f"{path.name}: an image without alt text"
    named_by_file = [a for a in alts if not a.strip() or a.endswith((".png", ".svg", ".jpg"))]
    assert not named_by_file, f"{path.name}: alt text that is a file name: {named_by_file[:2]}"


def load_conf():
    spec = importlib.util.spec_from_file_location("site_conf", ROOT / "site" / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    return conf


def test_links_and_buttons_for_a_sample_repository():
    """Once Repository names the published course, every page links it, notebook pages get Colab
    and Binder buttons, and folder links go to the folder on GitHub; while it is the placeholder,
    none of them (a link to github.com/OWNER could only fail)."""
    conf = load_conf()
    options = conf.theme_options(SAMPLE)
    assert options["repository_url"] == SAMPLE and options["use_repository_button"]
    assert options["launch_buttons"]["colab_url"] == launch.COLAB
    assert conf.folder_link("`exercises/`", "exercises", SAMPLE) == (
        f"[`exercises/`]({SAMPLE}/tree/{launch.BRANCH}/exercises/)")
    options = conf.theme_options(PLACEHOLDER)
    assert "repository_url" not in options and "launch_buttons" not in options
    assert conf.folder_link("`exercises/`", "exercises", PLACEHOLDER) == "`exercises/`"


def test_no_dead_cross_references(site):
    """Links to folders (README's `exercises/`, `colorlab/`, ...) are no dead page links."""
    warnings = (site / ".warnings.txt").read_text(encoding="utf-8")
    assert "xref_missing" not in warnings, warnings
    readme = (site / "README.html").read_text(encoding="utf-8")
    repository = launch.repository_url()
    if launch.is_placeholder(repository):
        assert "exercises/" in readme and 'href="exercises/"' not in readme
    else:
        assert f'href="{repository}/tree/{launch.BRANCH}/exercises/"' in readme


def test_repository_link_and_launch_buttons(site):
    """Once published, every page links the repository and lecture and exercise pages (the only
    pages made from notebooks: solutions are no page) launch themselves on Colab and Binder;
    while the repository is the placeholder, no page links it or launches anything."""
    repository = launch.repository_url()
    notebooks = [f"notebooks/{p.name}" for p in LECTURES] + [f"exercises/{p.name}"
                                                             for p in EXERCISES]
    readme = (site / "README.html").read_text(encoding="utf-8")
    if launch.is_placeholder(repository):
        pages = [(site / path).with_suffix(".html") for path in notebooks]
        for page in pages + [site / "README.html"]:
            text = page.read_text(encoding="utf-8")
            assert 'href="https://github.com/OWNER' not in text, f"{page.name}: a dead link"
            assert launch.COLAB not in text and launch.BINDER not in text, page.name
        return
    for path in notebooks:
        text = (site / path).with_suffix(".html").read_text(encoding="utf-8")
        assert f'href="{repository}"' in text, f"{path}: no repository link"
        for url in (launch.colab_url(path), launch.binder_url(path)):
            assert f'href="{html.escape(url)}"' in text, f"{path}: no launch link {url}"
    assert f'href="{repository}"' in readme and launch.COLAB not in readme
