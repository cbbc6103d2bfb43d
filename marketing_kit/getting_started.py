"""Getting started: slice a year of weekly channel data by channel and week range.

The computations behind the first notebook's explorer (``00-getting-started``), on the
``social_weekly`` tracking data of notebook 08. Cost follows seed 000 (step 5: promotion spend
plus hours x hourly labour rate, ``marketing_kit.social_roi.channel_cost``); cost per lead is
cost / leads, the same ratio of cost to results as the cost per click and cost per order of
Farris, Bendle, Pfeifer & Reibstein, *Marketing Metrics* (2nd ed., 2010), ch. 9.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from marketing_kit._validate import (
    check_choice,
    check_dataframe,
    check_number,
    check_numeric_column,
)

ALL_CHANNELS = "All channels"
#: Counts and money summed per channel; ``cost`` is derived (spend + hours x hourly rate).
SUMMED = ("reach", "clicks", "leads", "customers", "spend", "hours")
#: What the explorer can chart per week.
METRICS = (*SUMMED, "cost")
REQUIRED = ("week", "channel", *SUMMED)


def _checked(weekly: object) -> pd.DataFrame:
    frame = check_dataframe("weekly", weekly, REQUIRED)
    check_numeric_column("weekly", frame, "week", low=1, integer=True)
    for column in SUMMED:
        check_numeric_column("weekly", frame, column, low=0)
    return frame


def week_range(weekly: pd.DataFrame, weeks: Sequence[int] | None = None) -> tuple[int, int]:
    """Check ``weeks`` is ``(first, last)`` with ``1 <= first <= last <= the data's last week``.

    ``None`` means every week in the data.
    """
    weekly = _checked(weekly)
    if weeks is None:
        return int(weekly["week"].min()), int(weekly["week"].max())
    if isinstance(weeks, str) or not isinstance(weeks, Sequence) or len(weeks) != 2:
        raise TypeError(f"weeks must be a pair (first, last) of week numbers, got {weeks!r}")
    last_week = int(weekly["week"].max())
    first = check_number("weeks[0]", weeks[0], low=1, high=last_week, integer=True)
    last = check_number("weeks[1]", weeks[1], low=1, high=last_week, integer=True)
    if first > last:
        raise ValueError(f"weeks must run forwards (first <= last), got {weeks!r}")
    return first, last


def select(
    weekly: pd.DataFrame, channel: str = ALL_CHANNELS, weeks: Sequence[int] | None = None
) -> pd.DataFrame:
    """Rows of ``weekly`` for one channel (or ``"All channels"``) within ``weeks``, inclusive.

    ``weeks`` is ``(first, last)``; ``None`` keeps every week.
    """
    frame = _checked(weekly)
    first, last = week_range(frame, weeks)
    check_choice("channel", channel, [ALL_CHANNELS, *sorted(frame["channel"].unique())])
    keep = frame["week"].between(first, last)
    if channel != ALL_CHANNELS:
        keep &= frame["channel"] == channel
    return frame[keep].copy()


def channel_totals(
    weekly: pd.DataFrame, weeks: Sequence[int] | None = None, hourly_rate: float = 50.0
) -> pd.DataFrame:
    """Per-channel sums over ``weeks`` with cost and cost per lead, plus a ``Total`` row.

    ``cost`` = spend + hours x ``hourly_rate`` (seed 000, step 5); ``cost_per_lead`` =
    cost / leads, computed from the summed cost and leads (also in the ``Total`` row). A
    channel without leads in the range has no cost per lead, so it raises ``ValueError``.
    """
    rate = check_number("hourly_rate", hourly_rate, low=0)
    rows = select(weekly, ALL_CHANNELS, weeks)
    totals = rows.groupby("channel")[list(SUMMED)].sum()
    totals.loc["Total"] = totals.sum()
    totals["cost"] = totals["spend"] + totals["hours"] * rate
    if (totals["leads"] <= 0).any():
        empty = list(totals.index[totals["leads"] <= 0])
        raise ValueError(f"weeks {weeks!r}: no leads for {empty}, so no cost per lead")
    totals["cost_per_lead"] = totals["cost"] / totals["leads"]
    totals.index.name = "channel"
    return totals


def weekly_metric(
    weekly: pd.DataFrame,
    metric: str = "leads",
    channel: str = ALL_CHANNELS,
    weeks: Sequence[int] | None = None,
    hourly_rate: float = 50.0,
) -> pd.Series:
    """One value of ``metric`` per week: summed over channels for ``"All channels"``.

    ``metric`` is one of :data:`METRICS`; ``"cost"`` is spend + hours x ``hourly_rate``.
    """
    check_choice("metric", metric, METRICS)
    rate = check_number("hourly_rate", hourly_rate, low=0)
    rows = select(weekly, channel, weeks)
    values = rows["spend"] + rows["hours"] * rate if metric == "cost" else rows[metric]
    series = values.groupby(rows["week"]).sum()
    series.name = metric
    return series
