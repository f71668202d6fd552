"""Sphinx configuration for the course website (`make site`): the stack Jupyter Book 1.x runs
(Sphinx + MyST-NB + the sphinx-book-theme), configured here directly.

Built from the repository root with ``sphinx-build -c site . build/site``: the lectures are
``notebooks/*.ipynb`` *with their committed outputs* (never executed here), plus the README's
course map, the teaching guide and the glossary. Math is rendered by a MathJax copy bundled
into the site (sphinx-mathjax-offline), so the pages need no network to view.
"""

import posixpath
import re
import sys
from pathlib import Path

from docutils import nodes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from colorlab.course import launch  # noqa: E402 (the checkout's colorlab, not an installed one)

# The repository link and the Colab / Binder launch buttons: pyproject.toml's Repository URL
REPOSITORY = launch.repository_url(ROOT / "pyproject.toml")

project = "colorlab"
author = "the colorlab authors"
copyright = "colorlab authors, MIT license"  # noqa: A001 (Sphinx's name)
root_doc = "site/index"

extensions = ["myst_nb", "sphinx-mathjax-offline"]

# Only these files are pages; everything else in the repository (the venv, tests, data) is not.
include_patterns = ["site/*.md", "notebooks/[0-9][0-9]_*.ipynb", "exercises/[0-9][0-9]_*.ipynb",
                    "README.md", "docs/*.md", "reports/*.md", "benchmarks/results/*.md",
                    "data/README.md"]
exclude_patterns = [".venv", "build", ".git", "**/.ipynb_checkpoints"] + [
    str(p.relative_to(ROOT)) for p in (ROOT / "data").glob("*") if p.is_dir()]  # downloads

nb_execution_mode = "off"          # the committed outputs are the page; nothing runs
nb_output_stderr = "show"
nb_merge_streams = True            # a training log is one box, not a box per printed line
nb_render_markdown_format = "myst"  # tables that notebooks display as markdown render as tables
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3           # `glossary.md#checkpoint` links resolve as on GitHub
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

html_theme = "sphinx_book_theme"
html_title = "colorlab"
html_extra_path = ["redirect/index.html"]   # build/site/index.html opens the course


def theme_options(repository: str) -> dict:
    """The theme's options. Once ``repository`` names the published course, every page links it
    and the lecture and exercise pages get Colab and Binder buttons; while it is pyproject's
    placeholder (``github.com/OWNER``) there are none: such a link could only fail."""
    options = {
        "home_page_in_toc": True,
        "show_navbar_depth": 1,
        "use_download_button": True,    # each lecture page offers its .ipynb
        "use_fullscreen_button": False,
    }
    if not launch.is_placeholder(repository):
        options.update({
            "repository_url": repository,
            "repository_branch": launch.BRANCH,
            "path_to_docs": "",              # the site is built from the repository root
            "use_repository_button": True,
            # on pages made from notebooks only: the lectures and exercises (solutions are no page)
            "launch_buttons": {"colab_url": launch.COLAB, "binderhub_url": launch.BINDER,
                               "notebook_interface": "jupyterlab"},
        })
    return options


html_theme_options = theme_options(REPOSITORY)
html_last_updated_fmt = None


def list_exercises(app, docname, source):
    """Append a download link for every exercise notebook that exists to site/exercises.md."""
    if docname != "site/exercises":
        return
    lines = [f"- {{download}}`{p.name} <../exercises/{p.name}>`"
             for p in sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))]
    source[0] += "\n" + "\n".join(lines) + "\n"


FOLDER_LINK = re.compile(r"\[([^\]]*)\]\((?!https?:)([^)\s#]+)/\)")


def folder_link(text: str, folder: str, repository: str) -> str:
    """A markdown link ``[text](folder/)`` as the site shows it: to the folder on GitHub once the
    course is published; before that, the text alone (no link rather than a dead one)."""
    if launch.is_placeholder(repository):
        return text
    return f"[{text}]({repository}/tree/{launch.BRANCH}/{folder}/)"


def link_folders(app, docname, source):
    """A link to a folder (``[exercises/](exercises/)``) works on GitHub but is no page of the
    site: point it at the folder in the repository (see ``folder_link``)."""
    def in_repository(match):
        folder = posixpath.normpath(posixpath.join(posixpath.dirname(docname), match[2]))
        return folder_link(match[1], folder, REPOSITORY)

    source[0] = FOLDER_LINK.sub(in_repository, source[0])


def alt_text(app, doctree):
    """A figure a notebook drew gets alt text: its cell's own when the cell has one (cell
    metadata ``mystnb: {image: {alt: ...}}``, which MyST-NB reads), else the section it is in,
    instead of the image's file name, which a screen reader would read out."""
    if not app.env.docname.startswith(("notebooks/", "exercises/")):
        return
    for image in doctree.findall(nodes.image):
        section = image.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        if not image.get("alt") and section is not None:
            image["alt"] = f"Figure in the section: {section[0].astext()}"


def setup(app):
    app.connect("source-read", list_exercises)
    app.connect("source-read", link_folders)
    app.connect("doctree-read", alt_text)
