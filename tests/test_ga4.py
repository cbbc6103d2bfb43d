"""marketing_kit.ga4: GA4 report metrics, intervals, tests, seasonality and channel grouping."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency

from marketing_kit import datasets, ga4
from marketing_kit.synthetic import ga4 as generator


@pytest.fixture(scope="module")
def export():
    return datasets.load("ga4_content_daily")


def tiny() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": ["2025-01-01", "2025-01-01", "2025-01-02", "2025-02-01"],
            "session_default_channel_group": ["Email", "Direct", "Email", "Direct"],
            "landing_page": ["/", "/", "/pricing", "/"],
            "device_category": ["desktop", "mobile", "desktop", "desktop"],
            "total_users": [8, 4, 9, 1],
            "new_users": [2, 4, 1, 0],
            "sessions": [10, 5, 10, 1],
            "engaged_sessions": [6, 1, 5, 0],
            "user_engagement_duration": [300, 20, 200, 4],
            "key_events": [2, 0, 1, 0],
        }
    )


def test_report_by_hand():
    table = ga4.report(tiny(), "channel")
    email = table.loc["Email"]
    assert email["sessions"] == 20 and email["engaged_sessions"] == 11
    assert email["engagement_rate"] == pytest.approx(11 / 20)
    assert email["bounce_rate"] == pytest.approx(9 / 20)
    assert email["key_event_rate"] == pytest.approx(3 / 20)
    assert email["avg_engagement_time"] == pytest.approx(25)
    assert email["new_user_share"] == pytest.approx(3 / 17)
    assert table["share_of_sessions"].sum() == pytest.approx(1)
    assert list(table.index) == ["Email", "Direct"]  # most sessions first
    months = ga4.report(tiny(), "month")
    assert list(months.index) == ["2025-01", "2025-02"] and months.loc["2025-01", "sessions"] == 25


def test_report_matches_generator_truth_in_direction(export):
    truth = generator.true_key_event_rates(export, "session_default_channel_group")
    observed = ga4.report(export, "channel")["key_event_rate"]
    assert observed.idxmin() == truth.idxmin() == "Paid Social"
    pages = ga4.report(export, "landing_page")
    assert pages["engagement_rate"].idxmin() == "/pricing"


def test_invalid_exports_are_rejected():
    bad = tiny()
    bad.loc[0, "engaged_sessions"] = 11
    with pytest.raises(ValueError, match="engaged_sessions"):
        ga4.report(bad)
    bad = tiny()
    bad.loc[1, "key_events"] = 2
    with pytest.raises(ValueError, match="key_events"):
        ga4.report(bad)
    with pytest.raises(ValueError, match="missing column"):
        ga4.report(tiny().drop(columns="sessions"))
    with pytest.raises(ValueError, match="by must be one of"):
        ga4.report(tiny(), "country")
    with pytest.raises(TypeError, match="by must be"):
        ga4.report(tiny(), 3)


def test_filter_export():
    rows = ga4.filter_export(tiny(), "2025-01-02", "2025-12-31")
    assert rows["sessions"].sum() == 11
    assert ga4.filter_export(tiny(), channel="Email", device="All")["sessions"].sum() == 20
    with pytest.raises(ValueError, match="channel must be one of"):
        ga4.filter_export(tiny(), channel="Paid Search")
    with pytest.raises(ValueError, match="no sessions"):
        ga4.filter_export(tiny(), "2025-03-01", "2025-03-31")
    with pytest.raises(ValueError, match="ISO date"):
        ga4.filter_export(tiny(), start="yesterday")


def test_wilson_interval_matches_the_closed_form():
    low, high = ga4.rate_interval(13, 28295)
    z, n, p = 1.959963984540054, 28295, 13 / 28295
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert low == pytest.approx(centre - half) and high == pytest.approx(centre + half)
    assert ga4.rate_interval(0, 10)[0] == 0.0
    with pytest.raises(ValueError, match="successes"):
        ga4.rate_interval(11, 10)
    with pytest.raises(ValueError, match="trials"):
        ga4.rate_interval(0, 0)


def test_compare_equals_chi_square(export):
    test = ga4.compare(export, "device", "desktop", "mobile")
    table = ga4.report(export, "device")
    counts = [
        [table.loc[d, "key_events"], table.loc[d, "sessions"] - table.loc[d, "key_events"]]
        for d in ("desktop", "mobile")
    ]
    chi2 = chi2_contingency(counts, correction=False)[0]
    assert test.z**2 == pytest.approx(chi2)
    assert test.ci_low < test.difference < test.ci_high < 0
    with pytest.raises(ValueError, match="group_b must be one of"):
        ga4.compare(export, "device", "desktop", "phone")
    with pytest.raises(ValueError, match="rate must be one of"):
        ga4.compare(export, "device", "desktop", "mobile", rate="bounce_rate")


def test_seasonality(export):
    season = ga4.seasonality(export)
    assert season["days"].sum() == 365
    assert (season["sessions"] * 1).sum() == export["sessions"].sum()
    assert season["sessions_per_day"].idxmin() == 12
    weighted = (season["index"] * season["days"]).sum() / season["days"].sum()
    assert weighted == pytest.approx(1)


@pytest.mark.parametrize(
    ("source", "medium", "group"),
    [
        ("google", "organic", "Organic Search"),
        ("naver", "cpc", "Paid Search"),
        ("(direct)", "(none)", "Direct"),
        ("linkedin", "paid_social", "Paid Social"),
        ("linkedin.com", "referral", "Organic Social"),
        ("newsletter", "email", "Email"),
        ("partner.example", "referral", "Referral"),
        ("gdn", "display", "Display"),
        ("Google", "CPC", "Paid Search"),
        ("someone", "offline", "Unassigned"),
    ],
)
def test_channel_group(source, medium, group):
    assert ga4.channel_group(source, medium) == group


def test_channel_group_rejects_blank():
    with pytest.raises(TypeError, match="medium"):
        ga4.channel_group("google", "")


counts = st.integers(min_value=1, max_value=500)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(counts, st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=8))
def test_property_rates_stay_in_range_and_add_up(rows):
    frame = pd.DataFrame(
        {
            "date": ["2025-01-01"] * len(rows),
            "session_default_channel_group": [f"c{i % 3}" for i in range(len(rows))],
            "sessions": [n for n, _, _ in rows],
            "engaged_sessions": [int(n * e) for n, e, _ in rows],
            "key_events": [int(int(n * e) * k) for n, e, k in rows],
        }
    )
    frame["total_users"] = frame["sessions"]
    frame["new_users"] = frame["engaged_sessions"]
    frame["user_engagement_duration"] = frame["sessions"] * 3
    table = ga4.report(frame, "channel")
    assert ((table["engagement_rate"] >= 0) & (table["engagement_rate"] <= 1)).all()
    assert (table["key_event_rate"] <= table["engagement_rate"] + 1e-12).all()
    assert table["sessions"].sum() == frame["sessions"].sum()
    assert table["bounce_rate"].add(table["engagement_rate"]).eq(1).all()
