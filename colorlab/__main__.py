"""``python -m colorlab``: the commands are in :mod:`colorlab.course.cli`. ``main`` stays importable
from here for the ``colorlab`` script of pyproject.toml (``colorlab.__main__:main``)."""
from .course.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
