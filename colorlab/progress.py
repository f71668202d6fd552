"""Progress bars for long work: tqdm's (a widget in Jupyter, text in a terminal), unless
``$COLORLAB_PROGRESS`` is ``text`` (or ``none``): then there is no bar at all, so notebooks whose
outputs are committed read well on GitHub; ``fit`` still prints one line per epoch."""

from __future__ import annotations

import os

from tqdm.auto import tqdm as _tqdm


def bars_enabled() -> bool:
    """False when ``$COLORLAB_PROGRESS`` asks for text only (``text``, ``none`` or ``off``)."""
    return os.environ.get("COLORLAB_PROGRESS", "bar").strip().lower() not in ("text", "none", "off")


def tqdm(iterable=None, *, disable: bool = False, **kwargs):
    """``tqdm.auto.tqdm``, switched off when :func:`bars_enabled` says so."""
    return _tqdm(iterable, disable=disable or not bars_enabled(), **kwargs)
