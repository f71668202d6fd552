"""``python -m colorlab``: the commands are in :mod:`colorlab.cli`. ``main`` stays importable
from here for the ``colorlab`` script of pyproject.toml (``colorlab.__main__:main``)."""
from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
