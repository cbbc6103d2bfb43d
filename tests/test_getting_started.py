"""marketing_kit.getting_started: slices and totals of social_weekly, cross-checked by hand."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pandas as pd
import pytest

from marketing_kit import datasets, social_roi
from marketing_kit import getting_started as gs


@pytest.fixture(scope="module")
def weekly() -> pd.DataFrame:
    return datasets.load("social_weekly")


def test_select_keeps_exactly_the_channel_and_weeks(weekly):
    rows = gs.select(weekly, "LinkedIn", (10, 14))
    assert sorted(rows["week"]) == [10, 11, 12, 13, 14]
    assert set(rows["channel"]) == {"LinkedIn"}
    everything = gs.select(weekly, weeks=(52, 52))
    assert len(everything) == weekly["channel"].nunique()
    assert len(gs.select(weekly)) == len(weekly)
    assert gs.select(weekly) is not weekly  # a copy: the caller's frame is never changed


def test_channel_totals_match_a_loop_over_rows(weekly):
    table = gs.channel_totals(weekly, (30, 34), hourly_rate=40)
    for channel in weekly["channel"].unique():
        leads = spend = hours = 0.0
        for row in weekly.itertuples():
            if row.channel == channel and 30 <= row.week <= 34:
                leads, spend, hours = leads + row.leads, spend + row.spend, hours + row.hours
        assert table.loc[channel, "leads"] == leads
        assert table.loc[channel, "cost"] == pytest.approx(
            social_roi.channel_cost(spend, hours, 40)
        )
        assert table.loc[channel, "cost_per_lead"] == pytest.approx((spend + 40 * hours) / leads)
    channels = table.drop(index="Total")
    for column in ("reach", "clicks", "leads", "customers", "spend", "hours", "cost"):
        assert table.loc["Total", column] == pytest.approx(channels[column].sum())
    # the Total's cost per lead pools cost and leads; it is not the mean of the channels'
    total = table.loc["Total"]
    assert total["cost_per_lead"] == pytest.approx(total["cost"] / total["leads"])
    assert total["cost_per_lead"] != pytest.approx(channels["cost_per_lead"].mean())


def test_channel_totals_default_is_the_whole_year(weekly):
    table = gs.channel_totals(weekly)
    assert table.loc["Total", "leads"] == weekly["leads"].sum()
    assert list(table.index) == [*sorted(weekly["channel"].unique()), "Total"]


def test_weekly_metric_sums_channels_and_prices_hours(weekly):
    leads = gs.weekly_metric(weekly, "leads")
    assert list(leads.index) == list(range(1, 53))
    assert leads.loc[7] == weekly.loc[weekly["week"] == 7, "leads"].sum()
    cost = gs.weekly_metric(weekly, "cost", "YouTube", (5, 6), hourly_rate=10)
    row = weekly[(weekly["channel"] == "YouTube") & (weekly["week"] == 6)].iloc[0]
    assert list(cost.index) == [5, 6]
    assert cost.loc[6] == pytest.approx(row["spend"] + 10 * row["hours"])


@pytest.mark.parametrize(
    ("call", "error", "names"),
    [
        (lambda w: gs.select(w, "TikTok"), ValueError, "channel"),
        (lambda w: gs.select(w, weeks=(0, 3)), ValueError, "weeks[0]"),
        (lambda w: gs.select(w, weeks=(3, 53)), ValueError, "weeks[1]"),
        (lambda w: gs.select(w, weeks=(9, 2)), ValueError, "first <= last"),
        (lambda w: gs.select(w, weeks=5), TypeError, "weeks"),
        (lambda w: gs.select(w, weeks=(1.5, 3)), ValueError, "whole number"),
        (lambda w: gs.select(w.drop(columns="leads")), ValueError, "leads"),
        (lambda w: gs.select(w.to_dict()), TypeError, "weekly"),
        (lambda w: gs.weekly_metric(w, "likes"), ValueError, "metric"),
        (lambda w: gs.channel_totals(w, hourly_rate=-5), ValueError, "hourly_rate"),
    ],
)
def test_bad_input_names_the_argument(weekly, call, error, names):
    with pytest.raises(error) as raised:
        call(weekly)
    assert names in str(raised.value)


def test_negative_counts_and_empty_ranges_are_refused(weekly):
    broken = weekly.copy()
    broken.loc[3, "leads"] = -1
    with pytest.raises(ValueError, match="leads"):
        gs.channel_totals(broken)
    no_leads = weekly.copy()
    no_leads.loc[no_leads["channel"] == "Twitter", "leads"] = 0
    with pytest.raises(ValueError, match="no leads for \\['Twitter'\\]"):
        gs.channel_totals(no_leads, (1, 4))


JUNK = [None, "x", "", math.nan, math.inf, -1, 0, 10**9, True, [], {}, (), [1, "a"], [math.nan],
        np.array([math.nan]), np.ones((2, 2)), pd.DataFrame(), pd.DataFrame({"a": [1]}),
        pd.Series([], dtype=float), (1, math.nan), (2.5, 3), object()]


@pytest.mark.parametrize("function", [gs.select, gs.channel_totals, gs.weekly_metric])
def test_junk_in_any_argument_raises_type_or_value_error(weekly, function):
    """The public-API sweep of tests/test_properties_public_api.py, for this module's functions."""
    names = list(inspect.signature(function).parameters)
    for position, name in enumerate(names):
        for junk in JUNK:
            if name == "weekly" and isinstance(junk, str):
                continue
            arguments = {name: junk} if position else {"weekly": junk}
            if position:
                arguments["weekly"] = weekly
            try:
                function(**arguments)
            except (TypeError, ValueError):
                continue
            # legitimate here: every week (None), a free or a very dear hour of work
            legitimate = (name == "weeks" and junk is None) or (
                name == "hourly_rate" and type(junk) is int and junk in (0, 10**9)
            )
            assert legitimate, f"{function.__name__}({name}={junk!r}) did not raise"
