"""Sphinx configuration for the course website (`make site`): the stack Jupyter Book 1.x runs
(Sphinx + MyST-NB + the sphinx-book-theme), configured here directly.

Built from the repository root with ``sphinx-build -c site . build/site``: the lectures are
``notebooks/*.ipynb`` *with their committed outputs* (never executed here), plus the README's
course map, the teaching guide and the glossary. Math is rendered by a MathJax copy bundled
into the site (sphinx-mathjax-offline), so the pages need no network to view.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3           # `glossary.md#checkpoint` links resolve as on GitHub
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

html_theme = "sphinx_book_theme"
html_title = "colorlab"
html_extra_path = ["redirect/index.html"]   # build/site/index.html opens the course
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,    # each lecture page offers its .ipynb
    "use_fullscreen_button": False,
}
html_last_updated_fmt = None


def list_exercises(app, docname, source):
    """Append a download link for every exercise notebook that exists to site/exercises.md."""
    if docname != "site/exercises":
        return
    lines = [f"- {{download}}`{p.name} <../exercises/{p.name}>`"
             for p in sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))]
    source[0] += "\n" + "\n".join(lines) + "\n"


def setup(app):
    app.connect("source-read", list_exercises)
