"""Seeded generators for the synthetic course datasets.

Each module in this package exposes ``build() -> dict[str, pandas.DataFrame]`` mapping a
dataset name (the CSV's stem in ``datasets/``) to its frame. :func:`write_all` writes every
frame with fixed formatting, so rebuilding is byte-identical; ``tests/test_datasets.py``
proves it. Rebuild from the repository root with ``python -m marketing_kit.synthetic``.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pandas as pd


def generators() -> dict[str, object]:
    """Every generator module in this package, by module name."""
    return {
        info.name: importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    }


def build_all() -> dict[str, pd.DataFrame]:
    """Build every synthetic dataset in memory, by dataset name."""
    frames: dict[str, pd.DataFrame] = {}
    for module_name, module in generators().items():
        for name, frame in module.build().items():
            if name in frames:
                raise ValueError(f"dataset {name!r} is built twice (again by {module_name})")
            frames[name] = frame
    return frames


def to_csv_text(frame: pd.DataFrame) -> str:
    """The exact CSV text written for ``frame`` (no index, ``\\n`` line ends)."""
    return frame.to_csv(index=False, lineterminator="\n")


def write_all(directory: str | Path) -> list[Path]:
    """Write every synthetic dataset as ``<name>.csv`` into ``directory``; return the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in sorted(build_all().items()):
        target = directory / f"{name}.csv"
        target.write_text(to_csv_text(frame), encoding="utf-8")
        written.append(target)
    return written
