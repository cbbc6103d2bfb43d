"""Load the course datasets as typed DataFrames.

The CSV files live in the repository's ``datasets/`` folder and are packed into the wheel as
``marketing_kit/_datasets``, so :func:`load` works from a checkout and from an installed wheel.
Column types come from a JSON sidecar ``<name>.schema.json`` when one exists
(``{"dtypes": {...}, "parse_dates": [...]}``); otherwise pandas infers them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def data_dir() -> Path:
    """The folder holding the CSV files: the wheel's copy if installed, else the checkout's."""
    packaged = Path(__file__).with_name("_datasets")
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "datasets"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"no datasets folder found at {packaged} (installed) or {checkout} (checkout)"
    )


def available() -> list[str]:
    """Names accepted by :func:`load`, sorted."""
    return sorted(path.stem for path in data_dir().glob("*.csv"))


def path(name: str) -> Path:
    """Path of the CSV file behind dataset ``name``."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a dataset name string, got {type(name).__name__}")
    csv = data_dir() / f"{name}.csv"
    if not csv.is_file():
        raise ValueError(f"name must be one of {available()}, got {name!r}")
    return csv


def load(name: str) -> pd.DataFrame:
    """Return dataset ``name`` (see :func:`available`) as a DataFrame with its declared types."""
    csv = path(name)
    schema_file = csv.with_suffix(".schema.json")
    schema = json.loads(schema_file.read_text(encoding="utf-8")) if schema_file.is_file() else {}
    return pd.read_csv(
        csv,
        dtype=schema.get("dtypes"),
        parse_dates=schema.get("parse_dates") or False,
    )
