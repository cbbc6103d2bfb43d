"""Journeys for :mod:`marketing_kit.attribution`: validation, touch codes and the parse cache.

A journeys frame has ``path`` (channels joined by ``>``, e.g. ``"Social > Email"``),
``conversions``, ``nulls`` (journeys on that path that did not convert) and optionally ``value``
(conversion value of the row). :func:`parse_journeys` validates it; the models of
:mod:`marketing_kit.attribution` and :mod:`marketing_kit.attribution_data_driven` share the
internal :func:`_parse`, which keeps every touch as an integer code and remembers the last
frame it parsed (one slot), so an explorer that passes the same frame on every move parses it
once. The public names (and ``_parse``) are re-exported by :mod:`marketing_kit.attribution`;
the cache lives here only, so every caller shares it.

Source: the journey format (one row per distinct path, channels joined by ``>``, with its
conversion, null and value totals) follows the input of the R package ChannelAttribution
(Altomare & Loris).
"""

from __future__ import annotations

import itertools
import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from marketing_kit import _validate as val

SEPARATOR = ">"
# Characters that look like somebody else's separator: "A, B", "A | B", "A -> B", "A / B", "A → B".
_FOREIGN_SEPARATOR = re.compile(r"->|=>|→|[,;|/\\\t]")
_FOREIGN_MARKS = ("->", "=>", "→", ",", ";", "|", "/", "\\", "\t")  # what the pattern matches


class _Journeys(NamedTuple):
    """A validated journeys frame plus its touches as integer codes (internal; no re-checks)."""

    frame: pd.DataFrame  # as returned by parse_journeys
    channels: list[str]  # sorted distinct channel names
    codes: np.ndarray  # one entry per touch, rows in order: index into ``channels``
    lengths: np.ndarray  # touches per row
    derived: dict  # results computed from these journeys once (the transition matrix)

    @property
    def starts(self) -> np.ndarray:
        return np.cumsum(self.lengths) - self.lengths


def parse_journeys(journeys: pd.DataFrame) -> pd.DataFrame:
    """Validate a journeys frame; return a copy with ``channels`` (a list per row) added.

    Raises ``ValueError`` for an empty path or channel name (``"A >> B"``), a path joined with
    an unknown separator (anything but ``>``, e.g. ``","`` or ``"->"``), negative or non-finite
    ``conversions``/``nulls``/``value``, and ``TypeError`` for a non-DataFrame or non-text path.
    """
    return _parse(journeys, remember=False).frame  # a fresh copy the caller may change


# The last journeys the internal functions parsed: (a deep copy of the input, the result). An
# explorer passes the same frame on every control change; DataFrame.equals (well under a
# millisecond) tells an unchanged frame from an edited one, so a hit gives the same result.
_last_parsed: tuple[pd.DataFrame, _Journeys] | None = None


def _parse(journeys: pd.DataFrame, remember: bool = True) -> _Journeys:
    """:func:`parse_journeys`, keeping the touch codes; the internal functions use this result
    read-only, so an input equal to the previous one (same values, dtypes, columns and index)
    gets the remembered result back instead of a second validation."""
    global _last_parsed
    if remember and _last_parsed is not None and isinstance(journeys, pd.DataFrame):
        previous, parsed = _last_parsed
        if journeys.equals(previous) and list(journeys.columns) == list(previous.columns):
            return parsed
    parsed = _parse_now(journeys)
    if remember:
        _last_parsed = (journeys.copy(deep=True), parsed)
    return parsed


def _parse_now(journeys: pd.DataFrame) -> _Journeys:
    """Validate and split all paths in one ``str.split``; codes come from ``pd.factorize``."""
    val.check_dataframe("journeys", journeys, ("path", "conversions", "nulls"))
    frame = journeys.reset_index(drop=True).copy()
    frame["conversions"] = val.check_numeric_column("journeys", frame, "conversions", low=0)
    frame["nulls"] = val.check_numeric_column("journeys", frame, "nulls", low=0)
    if "value" in frame.columns:
        frame["value"] = val.check_numeric_column("journeys", frame, "value", low=0)
    paths = frame["path"].tolist()
    for row, path in enumerate(paths):
        if not isinstance(path, str):
            raise TypeError(f"journeys['path'] must hold text like 'A > B'; row {row} is {path!r}")
    joined = "\n".join(paths)  # "\n" is no separator, so no match spans two paths
    if any(mark in joined for mark in _FOREIGN_MARKS):  # substring tests: faster than the regex
        row = next(i for i, path in enumerate(paths) if _FOREIGN_SEPARATOR.search(path))
        found = _FOREIGN_SEPARATOR.search(paths[row]).group()
        raise ValueError(
            f"journeys['path'] row {row} ({paths[row]!r}) uses the unknown separator "
            f"{found!r}; join channels with {SEPARATOR!r}"
        )
    lengths = np.array([path.count(SEPARATOR) + 1 for path in paths], dtype=np.intp)
    tokens = SEPARATOR.join(paths).split(SEPARATOR) if paths else []
    raw_codes, raw_names = pd.factorize(np.array(tokens, dtype=object))
    stripped = np.array([name.strip() for name in raw_names], dtype=object)
    if (stripped == "").any():
        touch = int(np.flatnonzero(stripped[raw_codes] == "")[0])
        row = int(np.searchsorted(np.cumsum(lengths), touch, side="right"))
        raise ValueError(
            f"journeys['path'] row {row} ({paths[row]!r}) has an empty path or channel name; "
            f"every path needs at least one channel and no empty step between {SEPARATOR!r}"
        )
    channels = sorted(set(stripped))
    index = {name: i for i, name in enumerate(channels)}
    codes = np.array([index[name] for name in stripped], dtype=np.intp)[raw_codes]
    names = stripped[raw_codes].tolist()
    bounds = [0, *np.cumsum(lengths).tolist()]
    frame["channels"] = [names[a:b] for a, b in itertools.pairwise(bounds)]
    return _Journeys(frame, channels, codes, lengths, {})


def channel_list(journeys: pd.DataFrame) -> list[str]:
    """Sorted distinct channels appearing in the journeys' paths."""
    return _parse(journeys).channels
