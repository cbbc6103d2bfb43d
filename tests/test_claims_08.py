"""Claims of 08-social-roi: every number or ordering its prose states about the data."""

from __future__ import annotations

import math

import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import datasets, social_roi
from marketing_kit.synthetic import social_weekly

TEXT = markdown("08-social-roi")


def signed(x: float) -> str:
    return f"+{x:.0f} %" if x >= 0 else f"−{abs(x):.0f} %"


@pytest.fixture(scope="module")
def seed_table():
    seed = datasets.load("social_roi_channels")
    value = social_roi.conversion_value(ltv=175, conversion_rate=0.10)
    return social_roi.roi_table(seed, value, hourly_rate=50, conversions_col="downloads")


@pytest.fixture(scope="module")
def weekly():
    return datasets.load("social_weekly")


@pytest.fixture(scope="module")
def noise(weekly):
    table = social_roi.weekly_roi(weekly, ltv=175, hourly_rate=50)
    return social_roi.roi_intervals(table, 175)


def test_claim_seed_value_examples():
    assert social_roi.conversion_value(175, 0.10) == 17.5
    assert social_roi.conversion_value(200, 1 / 20) == 10
    assert_states(
        TEXT, "gives $v = \\$17.50$; LTV \\$200 with 1 in 20 gives \\$10.", "seed examples"
    )


def test_claim_facebook_row(seed_table):
    fb = seed_table.loc["Facebook"]
    assert_states(
        TEXT,
        f"Facebook earns \\${fb['revenue']:,.0f} on \\${fb['cost']:,.0f} (ROI "
        f"**{signed(fb['roi_pct'])}**)",
        "Facebook seed row",
    )


def test_claim_other_seed_rows(seed_table):
    r = seed_table["roi_pct"]
    assert_states(
        TEXT,
        f"LinkedIn {signed(r['LinkedIn'])}, Twitter {signed(r['Twitter'])},\nYouTube "
        f"{signed(r['YouTube'])}, and the campaign as a whole {signed(r['Total'])}",
        "seed rows",
    )


def test_claim_download_total(seed_table):
    seed = datasets.load("social_roi_channels")
    total = int(seed["downloads"].sum())
    assert total == 4154
    parts = " + ".join(f"{n:,}" for n in seed["downloads"])
    assert_states(TEXT, f"{parts} = **{total:,}**", "downloads add up")
    assert_states(
        TEXT,
        f"\\${seed_table.loc['Total', 'revenue']:,.0f}, is {total:,} × \\$17.50",
        "revenue total",
    )


def test_claim_labour_rates():
    seed = datasets.load("social_roi_channels")
    rates = (seed["printed_channel_cost"] - seed["promotion_spend"]) / seed["hours"]
    assert (rates == 50).all()
    assert_states(TEXT, "is hours × **\\$5**, yet", "printed labour column rate")
    assert_states(TEXT, "only work with hours × **\\$50**", "implied rate")


def test_claim_weekly_shape(weekly):
    assert_states(
        TEXT,
        f"({weekly['week'].nunique()} weeks × {weekly['channel'].nunique()} channels)",
        "weekly shape",
    )


def test_claim_small_customer_counts(noise):
    c = noise["conversions"]
    assert list(c.drop("Total").sort_values().index[:3]) == ["Twitter", "YouTube", "Instagram"]
    assert_states(
        TEXT,
        f"Twitter's ROI rests on {int(c['Twitter'])} customers, YouTube's on {int(c['YouTube'])} "
        f"and Instagram's on {c['Instagram']}",
        "small counts",
    )
    assert_states(TEXT, f"on {c['Instagram']} and {c['Twitter']} customers", "model answer counts")


def test_claim_facebook_interval(noise):
    fb = noise.loc["Facebook"]
    assert fb["roi_low"] > 0
    assert_states(
        TEXT,
        f"Facebook is clearly profitable ({signed(fb['roi_pct'])}, interval "
        f"{signed(fb['roi_low'])} to {signed(fb['roi_high'])})",
        "Facebook interval",
    )


def test_claim_youtube_interval(noise):
    yt = noise.loc["YouTube"]
    assert noise.drop("Total")["roi_pct"].idxmin() == "YouTube"
    assert_states(
        TEXT,
        f"YouTube is the weakest ({signed(yt['roi_pct'])}, interval {signed(yt['roi_low'])} "
        f"to\n{signed(yt['roi_high'])}), though its interval just touches "
        "Instagram's and Twitter's",
        "YouTube interval",
    )
    for other in ("Instagram", "Twitter"):
        assert noise.loc[other, "roi_low"] < yt["roi_high"]
        assert yt["roi_high"] - noise.loc[other, "roi_low"] < 5


def test_claim_linkedin_may_break_even(noise):
    li = noise.loc["LinkedIn"]
    assert li["roi_low"] < 0 < li["roi_high"]
    assert_states(
        TEXT,
        f"LinkedIn's {signed(li['roi_pct'])} has an interval from {signed(li['roi_low'])} to "
        f"{signed(li['roi_high'])}",
        "LinkedIn interval",
    )


def test_claim_instagram_twitter_tie(noise):
    ig, tw = noise.loc["Instagram"], noise.loc["Twitter"]
    assert ig["roi_low"] < tw["roi_high"] and tw["roi_low"] < ig["roi_high"]
    assert_states(
        TEXT,
        f"Instagram ({'−' if ig['roi_pct'] < 0 else '+'}{abs(ig['roi_pct']):.1f} %) and Twitter\n"
        f"({'−' if tw['roi_pct'] < 0 else '+'}{abs(tw['roi_pct']):.1f} %) cannot be ranked",
        "Instagram vs Twitter",
    )


def test_claim_truth_inside_intervals(weekly, noise):
    truth = social_weekly.true_roi(weekly, ltv=175, hourly_rate=50)
    table = noise.drop("Total")
    assert ((table["roi_low"] < truth) & (truth < table["roi_high"])).all()
    assert (
        truth.idxmax() == table["roi_pct"].idxmax() and truth.idxmin() == table["roi_pct"].idxmin()
    )
    assert_states(
        TEXT, "The true ROIs (from the expected customers) fall inside every\ninterval", "truth"
    )


def test_claim_youtube_cost_for_customers(noise):
    yt = noise.loc["YouTube"]
    assert_states(
        TEXT,
        f"cost ≈ \\${yt['cost'] / 1000:.0f}k for {int(yt['conversions'])} customers",
        "rubric YouTube cost",
    )


def test_claim_break_even_hint(seed_table):
    needed = social_roi.break_even_conversions(seed_table.loc["LinkedIn", "cost"], 17.5)
    assert math.ceil(needed) == 1437
    assert_states(
        TEXT,
        f"Round **up**: {math.ceil(needed) - 1:,} downloads still lose a little money",
        "break-even hint",
    )


def test_claim_five_dollar_rate_makes_all_profitable():
    seed = datasets.load("social_roi_channels")
    table = social_roi.roi_table(seed, 17.5, hourly_rate=5, conversions_col="downloads")
    assert (table["roi_pct"] > 0).all()
    assert_states(
        TEXT,
        "set the hourly rate to \\$5 (the rate the post's labour column implies) and watch\n"
        "every channel turn profitable",
        "explorer prompt",
    )


def test_claims_count():
    claims = [name for name in globals() if name.startswith("test_claim_")]
    assert len(claims) >= 15, claims
