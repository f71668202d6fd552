"""Results of full runs, written where a reader finds them: ``reports/<name>-<device>.json``
and a markdown table next to it (notebooks 04 and 05 in full mode, the benchmarks).

    write_report(name, record, device)   reports/<name>-<device slug>.json and .md
    device_slug(device)                  'NVIDIA H100 80GB HBM3' -> 'nvidia-h100-80gb-hbm3'
    reports_dir()                        the repository's reports/ in a checkout, else ./reports
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch

from . import data
from .device import device_name


def reports_dir() -> Path:
    """Where :func:`write_report` writes by default: the repository's ``reports/`` in a source
    checkout (the notebooks run with cwd ``notebooks/``), else ``./reports`` in the current
    folder (an installed package never writes into site-packages)."""
    root = data.source_checkout()
    return root / "reports" if root is not None else Path.cwd() / "reports"


def device_slug(device=None) -> str:
    """A file-name-safe device name: 'NVIDIA H100 80GB HBM3' -> 'nvidia-h100-80gb-hbm3',
    the CPU -> 'cpu'."""
    device = torch.device(device or "cpu")
    if device.type == "cpu":
        return "cpu"
    return re.sub(r"[^a-z0-9]+", "-", device_name(device).lower()).strip("-")


def write_report(name: str, record: dict, device=None, folder=None) -> tuple[Path, Path]:
    """Write ``record`` to ``<folder>/<name>-<device slug>.json`` and a markdown table next to
    it (``.md``: one row per entry, nested dicts flattened as ``outer.inner``).

    record: JSON-serializable figures (device, data, epochs, seconds, images/s, metrics, ...).
    folder: default :func:`reports_dir` (the repository's ``reports/`` in a source checkout,
    else ``./reports``). Returns the two paths.
    """
    folder = Path(folder) if folder is not None else reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{name}-{device_slug(device)}"
    json_path, md_path = folder / f"{stem}.json", folder / f"{stem}.md"
    json_path.write_text(json.dumps(record, indent=2, default=str) + "\n")

    def rows(d, prefix=""):
        for key, value in d.items():
            if isinstance(value, dict):
                yield from rows(value, f"{prefix}{key}.")
            else:
                shown = f"{value:.4g}" if isinstance(value, float) else str(value)
                yield f"| {prefix}{key} | {shown.replace('|', '/')} |"

    md_path.write_text(f"# {name} on {record.get('device', device_slug(device))}\n\n"
                       "| figure | value |\n|---|---|\n" + "\n".join(rows(record)) + "\n")
    return json_path, md_path
