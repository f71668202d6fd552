"""Files that appear whole or not at all: the one atomic write of the package.

    atomic_write(path, write)   write(tmp) fills a temporary file beside path; then it is renamed

Checkpoints, downloads, ONNX exports and the gradebook's files all go through it, so a crash or
an error never leaves half a file under the real name, nor a temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path, write: Callable[[Path], object], fsync: bool = False) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``.

    ``fsync`` flushes it to the disk first (a checkpoint survives a power cut). If ``write``
    raises, ``path`` keeps its old content and the temporary file is removed. Returns ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if fsync:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # already gone once renamed
    return path
