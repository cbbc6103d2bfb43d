"""Argument checks shared by every topic module.

Each check raises ``TypeError`` for a wrong type and ``ValueError`` for a wrong value, with a
message that names the argument and states what is allowed. Nothing here returns NaN.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd


def check_number(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is a finite real number in range.

    ``low``/``high`` are inclusive bounds unless ``low_open``/``high_open`` is set.
    ``integer=True`` also requires a whole number and returns an ``int``.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        kind = "a whole number" if integer else "a real number"
        raise TypeError(f"{name} must be {kind}, got {type(value).__name__} {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if integer and not (isinstance(value, Integral) or number.is_integer()):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        raise ValueError(
            f"{name} must be in {_interval(low, high, low_open, high_open)}, got {value!r}"
        )
    return int(number) if integer else number


def check_rate(name: str, value: object) -> float:
    """A proportion in [0, 1] (for example a conversion rate of 0.1 for 10 %)."""
    return check_number(name, value, low=0.0, high=1.0)


def check_count(name: str, value: object) -> int:
    """A non-negative whole number (a count of downloads, visitors, customers ...)."""
    return check_number(name, value, low=0, integer=True)


def check_dataframe(name: str, frame: object, required: Iterable[str] = ()) -> pd.DataFrame:
    """Check ``frame`` is a non-empty DataFrame holding every column in ``required``."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} is missing column(s) {missing}; required columns are {list(required)}, "
            f"found {list(frame.columns)}"
        )
    if frame.empty:
        raise ValueError(f"{name} must have at least one row")
    return frame


def check_numeric_column(
    name: str,
    frame: pd.DataFrame,
    column: str,
    *,
    low: float | None = None,
    high: float | None = None,
    integer: bool = False,
) -> pd.Series:
    """Return ``frame[column]`` as floats after checking it is finite and within range."""
    label = f"{name}[{column!r}]"
    try:
        values = pd.to_numeric(frame[column], errors="raise").astype(float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{label} must be numeric") from exc
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        rows = list(frame.index[bad][:5])
        raise ValueError(f"{label} must be finite (no NaN or inf); bad rows: {rows}")
    if low is not None and (values < low).any():
        raise ValueError(f"{label} must be >= {low}; got minimum {values.min()}")
    if high is not None and (values > high).any():
        raise ValueError(f"{label} must be <= {high}; got maximum {values.max()}")
    if integer and not np.all(np.mod(values.to_numpy(), 1) == 0):
        raise ValueError(f"{label} must hold whole numbers")
    return values


def check_choice(name: str, value: object, allowed: Sequence[str]) -> str:
    """Check ``value`` is one of the strings in ``allowed``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {list(allowed)}; got {value!r}")
    if value not in allowed:
        raise ValueError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def check_date(name: str, value: object, example: str = "2024-06-30") -> pd.Timestamp:
    """A date (string, datetime or Timestamp) as a ``pandas.Timestamp``; never NaT."""
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a date such as '{example}', got {value!r}") from exc
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date such as '{example}', got {value!r}")
    return stamp


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    left = "(" if low_open or low is None else "["
    right = ")" if high_open or high is None else "]"
    low_text = "-inf" if low is None else f"{low:g}"
    high_text = "inf" if high is None else f"{high:g}"
    return f"{left}{low_text}, {high_text}{right}"
