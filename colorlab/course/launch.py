"""Run a notebook in the browser: Colab and Binder links, made from one setting.

The setting is the ``Repository`` URL under ``[project.urls]`` in pyproject.toml. The site's
repository link and launch buttons (site/conf.py), the launch line at the top of each exercise
(``make exercises``) and the Colab set-up cell all come from it, so they work as soon as it names
the public repository on GitHub.

- Colab opens a notebook straight from GitHub; it has no course kit, so the notebook's first code
  cell (:func:`colab_setup_source`) installs it there with pip from the repository, and does
  nothing anywhere else.
- Binder (mybinder.org, built by repo2docker) reads ``environment.yml`` at the top of the
  repository (a ``binder/`` folder would take precedence; there is none) and installs the kit
  from its last line, ``pip: -e .``.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: read the installed package's metadata instead
    tomllib = None

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
BRANCH = "main"  # the branch the links open
COLAB = "https://colab.research.google.com"
BINDER = "https://mybinder.org"
PLACEHOLDER_OWNER = "OWNER"  # pyproject.toml's value until the course is published


def repository_url(pyproject: Path | str = PYPROJECT) -> str:
    """The ``Repository`` URL of ``[project.urls]``: from ``pyproject`` when it exists (a
    checkout), else from the installed package's metadata."""
    path = Path(pyproject)
    if path.is_file() and tomllib is not None:
        urls = tomllib.loads(path.read_text(encoding="utf-8"))["project"].get("urls", {})
        if "Repository" in urls:
            return urls["Repository"]
    else:
        for entry in metadata.metadata("colorlab").get_all("Project-URL") or []:
            label, _, url = entry.partition(",")
            if label.strip() == "Repository":
                return url.strip()
    raise LookupError(f"no Repository URL under [project.urls] in {path}: add one, e.g. "
                      'Repository = "https://github.com/<owner>/colorlab"')


def github_parts(repository: str) -> tuple[str, str]:
    """``(owner, name)`` of a GitHub repository URL (``https://github.com/owner/name[.git]``)."""
    prefix = "https://github.com/"
    parts = repository.removeprefix(prefix).removesuffix("/").removesuffix(".git").split("/")
    if not repository.startswith(prefix) or len(parts) != 2 or not all(parts):
        raise ValueError(f"{repository!r} is not a GitHub repository URL "
                         "(https://github.com/<owner>/<name>): Colab and Binder links need one")
    return parts[0], parts[1]


def colab_url(path: str, repository: str | None = None, branch: str = BRANCH) -> str:
    """Colab's link for the notebook at ``path`` (relative to the repository root)."""
    owner, name = github_parts(repository or repository_url())
    return f"{COLAB}/github/{owner}/{name}/blob/{branch}/{path}"


def binder_url(path: str, repository: str | None = None, branch: str = BRANCH) -> str:
    """mybinder.org's link: JupyterLab with the notebook at ``path`` open (the link the site's
    launch button makes)."""
    owner, name = github_parts(repository or repository_url())
    return f"{BINDER}/v2/gh/{owner}/{name}/{branch}?urlpath=lab/tree/{path}"


def is_placeholder(repository: str) -> bool:
    """Whether ``repository`` is pyproject.toml's placeholder (``OWNER``): the course is not
    published yet, so no Colab or Binder link can work."""
    try:
        return github_parts(repository)[0] == PLACEHOLDER_OWNER
    except ValueError:  # not a GitHub URL (a local clone, say): not the placeholder either
        return False


UNPUBLISHED_LINE = ("**Run it in your browser:** Colab and Binder links appear here once the "
                    "course is published; until then, run it on your machine: clone the course, "
                    "then `make lab`.")


def launch_line(path: str, repository: str | None = None) -> str:
    """The markdown line at the top of a notebook: its Colab and Binder links (text links: the
    notebook and the site fetch no badge images). While ``repository`` is the placeholder, a line
    that says the links come with publication: a link to ``github.com/OWNER`` would only fail."""
    repository = repository or repository_url()
    if is_placeholder(repository):
        return UNPUBLISHED_LINE
    return (f"**Run it in your browser:** [Open in Colab]({colab_url(path, repository)}) · "
            f"[Launch on Binder]({binder_url(path, repository)}) "
            "(on Colab, run the first code cell first: it installs the course kit)")


COLAB_SETUP = '''\
# On Google Colab: install the course kit and look for a GPU. Anywhere else this cell does nothing.
import importlib
import os
import subprocess
import sys

try:
    import google.colab  # noqa: F401
except ImportError:
    pass
else:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "colorlab[deploy] @ git+{repository}"], check=True)
    importlib.invalidate_caches()
    import torch

    if torch.cuda.is_available():
        os.environ["COLORLAB_MODE"] = "full"  # what MODE = "auto" means
        print(f"Colab with a GPU ({{torch.cuda.get_device_name(0)}}): full mode")
    else:
        print("Colab without a GPU: quick mode (minutes on a subset of CIFAR-10). For full "
              "mode, choose Runtime > Change runtime type > a GPU (e.g. T4), then run all cells "
              "again.")'''


# While the repository is the placeholder, there is nothing Colab could install from: say so.
COLAB_UNPUBLISHED = '''\
# On Google Colab: stop with a message (the course is not published yet, so there is nothing to
# install from). Anywhere else this cell does nothing.
try:
    import google.colab  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("This copy of the course is not published yet, so Colab has nothing "
                     "to install it from. Run it on your machine: clone the course, then "
                     "`make lab`.")'''


def colab_setup_source(repository: str | None = None) -> str:
    """The source of a notebook's first code cell: on Colab it pip-installs the kit from the
    repository, says whether a GPU runtime is on (and how to switch one on), and sets full mode
    when it is; elsewhere it does nothing and prints nothing. While ``repository`` is the
    placeholder, on Colab it stops with a message saying how to run the course instead."""
    repository = repository or repository_url()
    if is_placeholder(repository):
        return COLAB_UNPUBLISHED
    return COLAB_SETUP.format(repository=repository)
