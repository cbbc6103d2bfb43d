"""Unit tests for marketing_kit.social_roi against the worked numbers of seed 000."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from marketing_kit import datasets
from marketing_kit import social_roi as sr


@pytest.fixture
def seed_table() -> pd.DataFrame:
    return datasets.load("social_roi_channels")


def test_conversion_value_matches_both_seed_examples():
    assert sr.conversion_value(175, 0.10) == pytest.approx(17.5)
    assert sr.conversion_value(200, 1 / 20) == pytest.approx(10.0)


def test_roi_percent_matches_seed_rows():
    assert sr.roi_percent(55_545, 20_500) == pytest.approx(170.9512, abs=1e-3)
    assert round(sr.roi_percent(10_150, 25_135)) == -60
    assert round(sr.roi_percent(72_695, 68_135)) == 7
    assert sr.roi_percent(100, 100) == 0


def test_channel_cost_and_revenue():
    assert sr.channel_cost(500, 400, 50) == 20_500
    assert sr.channel_revenue(3174, 17.5) == pytest.approx(55_545)
    assert sr.break_even_conversions(20_500, 17.5) == pytest.approx(1171.43, abs=0.01)


def test_roi_table_reproduces_the_seed_and_exposes_its_inconsistencies(seed_table):
    table = sr.roi_table(seed_table, sr.conversion_value(175, 0.1), 50, "downloads")
    printed = seed_table.set_index("channel")
    assert (table.drop(index="Total")["revenue"] == printed["printed_revenue"]).all()
    assert (table.drop(index="Total")["cost"] == printed["printed_channel_cost"]).all()
    assert (table.drop(index="Total")["roi_pct"].round() == printed["printed_roi_pct"]).all()
    # The printed download total (4,153) is one short of the rows' sum, which fits the revenue.
    assert table.loc["Total", "conversions"] == 4154
    assert table.loc["Total", "revenue"] == 72_695 == 4154 * 17.5
    assert table.loc["Total", "cost"] == 68_135
    assert round(table.loc["Total", "roi_pct"]) == 7
    # The printed labour column equals hours x $5, but the channel cost only fits $50 an hour.
    assert (printed["printed_labour_cost"] == printed["hours"] * 5).all()
    rates = {
        sr.implied_hourly_rate(r.printed_channel_cost, r.promotion_spend, r.hours)
        for r in seed_table.itertuples()
    }
    assert rates == {50.0}


def test_rank_channels_orders_by_roi(seed_table):
    ranked = sr.rank_channels(sr.roi_table(seed_table, 17.5, 50, "downloads"))
    assert list(ranked.index) == ["Facebook", "Twitter", "LinkedIn", "YouTube"]
    assert list(ranked["rank"]) == [1, 2, 3, 4]
    assert list(ranked["profitable"]) == [True, False, False, False]


def test_channel_funnel_rates_are_consistent():
    weekly = datasets.load("social_weekly")
    funnel = sr.channel_funnel(weekly)
    assert set(funnel.index) == set(weekly["channel"])
    assert (
        funnel.loc["Facebook", "reach"] == weekly.loc[weekly.channel == "Facebook", "reach"].sum()
    )
    for column in ("click_through", "lead_rate", "close_rate", "conversion_rate"):
        assert funnel[column].between(0, 1).all()
    expected = funnel["lead_rate"] * funnel["close_rate"]
    assert (funnel["conversion_rate"] - expected).abs().max() < 1e-12


def test_weekly_roi_values_leads_through_close_rate():
    weekly = datasets.load("social_weekly")
    table = sr.weekly_roi(weekly, 175, 50)
    channels = table.drop(index="Total")
    assert (channels["revenue"] == channels["conversions"] * 175).all()
    close = sr.channel_funnel(weekly)["close_rate"]
    for channel, row in channels.iterrows():
        assert row["value_per_lead"] == pytest.approx(sr.conversion_value(175, close[channel]))
    total_cost = weekly["spend"].sum() + weekly["hours"].sum() * 50
    assert table.loc["Total", "cost"] == pytest.approx(total_cost)
    assert table.loc["Total", "roi_pct"] == pytest.approx(
        sr.roi_percent(table.loc["Total", "revenue"], total_cost)
    )
    assert sr.rank_channels(table).index[-1] == "YouTube"


def test_conversion_goals_and_metrics_follow_the_seed():
    assert len(sr.CONVERSION_GOALS) == 9
    assert sr.TOP_METRICS == ("reach", "traffic", "leads", "customers", "conversion_rate")


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: sr.roi_percent(100, 0), ValueError, "cost must be in"),
        (lambda: sr.roi_percent(100, -5), ValueError, "cost"),
        (lambda: sr.roi_percent(-1, 5), ValueError, "revenue"),
        (lambda: sr.roi_percent(float("nan"), 5), ValueError, "finite"),
        (lambda: sr.roi_percent("100", 5), TypeError, "revenue must be a real number"),
        (lambda: sr.conversion_value(175, 1.2), ValueError, "conversion_rate must be in [0, 1]"),
        (lambda: sr.conversion_value(-175, 0.1), ValueError, "ltv"),
        (lambda: sr.conversion_value(True, 0.1), TypeError, "ltv"),
        (lambda: sr.channel_revenue(-3, 17.5), ValueError, "conversions"),
        (lambda: sr.channel_revenue(2.5, 17.5), ValueError, "whole number"),
        (lambda: sr.channel_cost(100, -1, 50), ValueError, "hours"),
        (lambda: sr.break_even_conversions(100, 0), ValueError, "value_per_conversion"),
        (lambda: sr.implied_hourly_rate(100, 200, 5), ValueError, "promotion_spend"),
        (lambda: sr.roi_table([1, 2], 17.5, 50), TypeError, "DataFrame"),
        (lambda: sr.channel_funnel(pd.DataFrame({"week": [1]})), ValueError, "missing column"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]")):
        call()


def test_roi_table_rejects_bad_columns(seed_table):
    with pytest.raises(ValueError, match="missing column"):
        sr.roi_table(seed_table, 17.5, 50)  # the seed's counts are in 'downloads'
    negative = seed_table.assign(downloads=[-1, 2, 3, 4])
    with pytest.raises(ValueError, match=r"downloads.*>= 0"):
        sr.roi_table(negative, 17.5, 50, "downloads")
    free = seed_table.assign(promotion_spend=0, hours=[400, 500, 0, 300])
    with pytest.raises(ValueError, match="positive cost.*Twitter"):
        sr.roi_table(free, 17.5, 50, "downloads")
    missing = seed_table.assign(hours=[400, math.nan, 150, 300])
    with pytest.raises(ValueError, match="finite"):
        sr.roi_table(missing, 17.5, 50, "downloads")


def test_roi_interval_matches_the_exact_poisson_bounds():
    from scipy.stats import chi2

    low, high = sr.roi_interval(45, 175, 15_089.0)
    assert math.isclose(low, (chi2.ppf(0.025, 90) / 2 * 175 - 15_089) / 15_089 * 100)
    assert math.isclose(high, (chi2.ppf(0.975, 92) / 2 * 175 - 15_089) / 15_089 * 100)
    assert sr.roi_interval(0, 10.0, 100.0)[0] == -100.0
    with pytest.raises(ValueError):
        sr.roi_interval(5, 10.0, 0.0)
    with pytest.raises(ValueError):
        sr.roi_interval(5, 10.0, 10.0, confidence=1.0)


def test_weekly_roi_intervals_and_the_generator_truth():
    """Review M35: Instagram and Twitter cannot be ranked; YouTube is worst in truth and data."""
    from marketing_kit.synthetic import social_weekly

    weekly = datasets.load("social_weekly")
    table = sr.roi_intervals(sr.weekly_roi(weekly, ltv=175, hourly_rate=50), 175)
    assert (table["roi_low"] < table["roi_pct"]).all()
    assert (table["roi_pct"] < table["roi_high"]).all()
    insta, twitter = table.loc["Instagram"], table.loc["Twitter"]
    assert insta["roi_low"] < twitter["roi_high"] and twitter["roi_low"] < insta["roi_high"]
    expected = social_weekly.expected_customers(weekly)
    true_roi = (expected * 175 - table["cost"].drop("Total")) / table["cost"].drop("Total") * 100
    assert true_roi.idxmin() == "YouTube" == table["roi_pct"].drop("Total").idxmin()
