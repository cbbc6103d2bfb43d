"""Property tests for ``marketing_kit.social_roi``: invariants on random valid input, the
documented error type on random invalid input (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import social_roi as sr

money = st.floats(0, 1e7, allow_nan=False)
positive = st.floats(0.01, 1e7, allow_nan=False)
rate = st.floats(0, 1)
not_a_number = st.one_of(st.text(max_size=3), st.none(), st.booleans(), st.lists(st.integers()))
non_finite = st.sampled_from([math.nan, math.inf, -math.inf])
negative = st.floats(-1e9, -1e-6)


@given(money, rate)
def test_conversion_value_is_between_zero_and_the_ltv(ltv, conversion_rate):
    value = sr.conversion_value(ltv, conversion_rate)
    assert 0 <= value <= ltv * (1 + 1e-12)


@given(money, positive)
def test_roi_is_at_least_minus_100_and_zero_at_break_even(revenue, cost):
    assert sr.roi_percent(revenue, cost) >= -100
    even = sr.break_even_conversions(cost, 17.5) * 17.5
    assert sr.roi_percent(even, cost) == pytest.approx(0, abs=1e-7)


@given(money, money, money)
def test_implied_hourly_rate_inverts_channel_cost(spend, hours, hourly_rate):
    if hours < 1e-3:
        return
    cost = sr.channel_cost(spend, hours, hourly_rate)
    assert cost >= spend
    assert sr.implied_hourly_rate(cost, spend, hours) == pytest.approx(hourly_rate, rel=1e-6,
                                                                       abs=1e-6)


channel_rows = st.lists(
    st.tuples(st.integers(0, 10_000), st.floats(1, 1e5), st.floats(0, 500)),
    min_size=1, max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(channel_rows, st.floats(0, 500), st.floats(0, 200))
def test_roi_table_totals_add_up_and_ranks_are_ordered(rows, value, hourly_rate):
    channels = pd.DataFrame(
        {"channel": [f"c{i}" for i in range(len(rows))],
         "conversions": [r[0] for r in rows], "promotion_spend": [r[1] for r in rows],
         "hours": [r[2] for r in rows]}
    )
    table = sr.roi_table(channels, value, hourly_rate)
    body = table.drop(index="Total")
    assert table.loc["Total", "revenue"] == pytest.approx(body["revenue"].sum())
    assert table.loc["Total", "cost"] == pytest.approx(body["cost"].sum())
    assert (table["roi_pct"] >= -100 - 1e-9).all()
    total_roi = sr.roi_percent(body["revenue"].sum(), body["cost"].sum())
    assert table.loc["Total", "roi_pct"] == pytest.approx(total_roi)
    ranked = sr.rank_channels(table)
    assert list(ranked["rank"]) == list(range(1, len(rows) + 1))
    assert ranked["roi_pct"].is_monotonic_decreasing
    assert (ranked["profitable"] == (ranked["roi_pct"] > 0)).all()


weekly_rows = st.lists(
    st.tuples(st.sampled_from(["A", "B", "C"]), st.integers(1, 5000), st.floats(0, 1),
              st.floats(0, 1), st.floats(0, 1), st.floats(1, 1e4), st.floats(0, 40)),
    min_size=1, max_size=20,
)


@settings(max_examples=60, deadline=None)
@given(weekly_rows, st.floats(0, 1000))
def test_funnel_rates_are_in_0_1_and_weekly_revenue_is_customers_times_ltv(rows, ltv):
    reach = np.array([r[1] for r in rows])
    clicks = np.maximum(1, np.floor(reach * [r[2] for r in rows]))
    leads = np.maximum(1, np.floor(clicks * [r[3] for r in rows]))
    customers = np.floor(leads * [r[4] for r in rows])
    weekly = pd.DataFrame({
        "week": range(len(rows)), "channel": [r[0] for r in rows], "reach": reach,
        "clicks": clicks.astype(int), "leads": leads.astype(int),
        "customers": customers.astype(int), "spend": [r[5] for r in rows],
        "hours": [r[6] for r in rows],
    })
    funnel = sr.channel_funnel(weekly)
    for column in ("click_through", "lead_rate", "close_rate", "conversion_rate"):
        assert funnel[column].between(0, 1).all()
    table = sr.weekly_roi(weekly, ltv, 50)
    assert np.allclose(table["revenue"].drop("Total"), funnel["customers"] * ltv)
    assert (table["roi_pct"] >= -100 - 1e-9).all()


@given(not_a_number)
def test_non_numbers_raise_type_error(bad):
    for call in (lambda: sr.conversion_value(bad, 0.1), lambda: sr.conversion_value(100, bad),
                 lambda: sr.roi_percent(bad, 10), lambda: sr.channel_cost(1, bad, 1)):
        with pytest.raises(TypeError):
            call()


@given(st.one_of(non_finite, st.floats(1.0001, 1e9), st.floats(-1e9, -1e-9)))
def test_rates_outside_0_1_or_not_finite_raise_value_error(bad):
    with pytest.raises(ValueError, match="conversion_rate"):
        sr.conversion_value(100, bad)


@given(st.one_of(non_finite, negative), st.sampled_from(["ltv", "spend", "hours", "rate"]))
def test_negative_or_non_finite_money_raises_value_error(bad, which):
    calls = {
        "ltv": lambda: sr.conversion_value(bad, 0.1),
        "spend": lambda: sr.channel_cost(bad, 1, 1),
        "hours": lambda: sr.channel_cost(1, bad, 1),
        "rate": lambda: sr.channel_cost(1, 1, bad),
    }
    with pytest.raises(ValueError):
        calls[which]()


@given(money)
def test_zero_cost_never_gives_an_roi(revenue):
    with pytest.raises(ValueError, match="cost"):
        sr.roi_percent(revenue, 0)


frames = st.sampled_from(["drop", "nan", "negative", "empty", "not_frame", "text"])


@settings(max_examples=30, deadline=None)
@given(frames, st.sampled_from(["conversions", "promotion_spend", "hours"]))
def test_broken_channel_tables_raise_value_or_type_error_not_key_error(kind, column):
    good = pd.DataFrame({"channel": ["a", "b"], "conversions": [3, 4],
                         "promotion_spend": [10.0, 20.0], "hours": [1.0, 2.0]})
    expected = ValueError
    if kind == "drop":
        bad = good.drop(columns=column)
    elif kind == "nan":
        bad = good.assign(**{column: [np.nan, 1]})
    elif kind == "negative":
        bad = good.assign(**{column: [-1, 1]})
    elif kind == "empty":
        bad = good.iloc[:0]
    elif kind == "text":
        bad, expected = good.assign(**{column: ["x", "y"]}), TypeError
    else:
        bad, expected = good.to_dict(), TypeError
    with pytest.raises(expected, match="channels"):
        sr.roi_table(bad, 17.5, 50)
