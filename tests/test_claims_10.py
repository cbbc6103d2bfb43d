"""Claims of 10-content-marketing-ga4: every number or ordering its prose states about the data."""

from __future__ import annotations

import pandas as pd
import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import content, datasets, ga4
from marketing_kit.synthetic import ga4 as generator

TEXT = markdown("10-content-marketing-ga4")
BLOG = ["/blog/content-guide", "/blog/ga4-basics"]


def pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f} %"


@pytest.fixture(scope="module")
def export():
    return datasets.load("ga4_content_daily")


@pytest.fixture(scope="module")
def channels(export):
    return ga4.with_intervals(ga4.report(export, "channel"))


@pytest.fixture(scope="module")
def pages(export):
    return ga4.report(export, "landing_page")


@pytest.fixture(scope="module")
def story():
    return datasets.load("ga4_story_test")


def test_claim_site_totals(export):
    assert_states(TEXT, f"{export['sessions'].sum():,} sessions", "sessions in 2025")
    assert_states(TEXT, f"{export['key_events'].sum():,} key events", "key events in 2025")


def test_claim_shape_of_the_export(export):
    assert export["landing_page"].nunique() == 5 and export["device_category"].nunique() == 3
    assert export["session_default_channel_group"].nunique() == 6
    assert_states(TEXT, "5 landing pages", "pages")
    assert_states(TEXT, "6 channel groups and 3 devices", "channels and devices")
    assert_states(TEXT, f"the {len(export):,} row-level bounce rates", "row count in hint")


def test_claim_organic_search_leads_acquisition(channels):
    assert channels.index[0] == "Organic Search"
    assert_states(
        TEXT,
        f"Organic Search brings the most sessions ({pct(channels.iloc[0]['share_of_sessions'])})",
        "Organic Search share",
    )


def test_claim_paid_social_traffic_without_key_events(channels):
    paid = channels.loc["Paid Social"]
    assert channels.index[1] == "Paid Social"
    assert_states(
        TEXT,
        f"Paid Social** is second with {pct(paid['share_of_sessions'])} of all sessions",
        "Paid Social share",
    )
    assert_states(
        TEXT,
        f"it brought {int(paid['key_events'])} key events in the year, "
        f"{pct(paid['share_of_key_events'])} of the total",
        "Paid Social key events",
    )
    assert channels["engagement_rate"].idxmin() == "Paid Social"
    assert_states(
        TEXT,
        f"at an engagement rate of {pct(paid['engagement_rate'])} (the lowest)",
        "Paid Social engagement",
    )
    assert_states(TEXT, f"key event rate of {pct(paid['key_event_rate'], 2)}", "Paid Social rate")
    others = channels.drop(index="Paid Social")
    assert paid["ci_high"] < others["ci_low"].min(), "Paid Social's interval overlaps another's"


def test_claim_email_converts_best(channels):
    assert channels["key_event_rate"].idxmax() == "Email"
    assert channels.loc["Email", "share_of_sessions"] < 0.1


def test_claim_paid_vs_organic_test(export):
    test = ga4.compare(export, "channel", "Organic Search", "Paid Social")
    assert test.p_value < 0.001 and test.ci_high < 0
    assert_states(TEXT, "The p-value is below 0.001 and the interval excludes 0", "z-test")
    assert_states(
        TEXT,
        f"({pct(test.rate_b, 2)} per session against {pct(test.rate_a, 2)} for Organic Search",
        "model answer rates",
    )


def test_claim_paid_social_tags(export):
    sources = datasets.load("ga4_traffic_sources")
    paid = sources[sources["session_default_channel_group"] == "Paid Social"]
    mediums = {sm.split(" / ")[1] for sm in paid["session_source_medium"]}
    assert mediums == {"paid_social", "cpc"}
    for source_medium, group in zip(
        sources["session_source_medium"], sources["session_default_channel_group"], strict=True
    ):
        assert ga4.channel_group(*source_medium.split(" / ")) == group
    assert_states(TEXT, "The paid social links were tagged `paid_social` and `cpc`", "tags")


def test_claim_seasonality(export):
    season = ga4.seasonality(export)
    assert season["index"].idxmax() == 10
    assert_states(
        TEXT, f"October is the busiest month (index {season.loc[10, 'index']:.3f})", "October"
    )
    dates = pd.to_datetime(export["date"])
    per_day = export["sessions"].groupby(dates).sum()
    is_weekend = per_day.index.day_of_week >= 5
    weekend = per_day[is_weekend].mean() / per_day[~is_weekend].mean()
    assert weekend < 0.5
    assert_states(TEXT, "weekends carry less than half of a weekday's traffic", "weekends")
    weekly = export["sessions"].groupby(dates.dt.month).sum()
    assert set(weekly.nsmallest(2).index) == {8, 12}, "summer dip and year-end trough"


def test_claim_content_scores(export):
    scores = content.content_scores(export)
    assert scores.index[0] == "/case-studies" and scores.index[-1] == "/pricing"
    assert_states(
        TEXT, "With equal weights `/case-studies` scores highest and `/pricing` lowest", "scores"
    )
    blog = scores.loc[BLOG]
    assert (
        blog["avg_engagement_time"] > scores.drop(index=BLOG)["avg_engagement_time"].max()
    ).all()
    site_rate = export["key_events"].sum() / export["sessions"].sum()
    assert 0.45 < (blog["key_event_rate"] / site_rate).max() < 0.75
    assert_states(
        TEXT,
        "The blog guides hold readers longest but convert at about half the site's rate",
        "blog guides",
    )


def test_claim_story_engagement(story):
    result = content.story_test(
        story, "problem_solution", "customer_story", "engaged_sessions", 0.10
    )
    t = result.test
    assert_states(
        TEXT,
        f"from {pct(t.rate_a)} to {pct(t.rate_b)} (+{pct(t.relative_lift)} relative, p < 0.001)",
        "engagement lift",
    )
    assert t.p_value < 0.001
    assert_states(
        TEXT,
        f"{result.power:.0%} power to find a +10 % lift".replace("%", " %"),
        "engagement power",
    )
    sessions = story.groupby("story_variant")["sessions"].sum()
    assert (abs(sessions / 3500 - 1) < 0.05).all()
    assert_states(TEXT, "about 3,500 sessions per version", "sessions per arm")


def test_claim_model_answer_numbers(export, pages, story):
    pricing = pages.loc["/pricing"]
    others = pages.drop(index="/pricing")["engagement_rate"]
    assert_states(
        TEXT,
        f"{pct(pricing['share_of_sessions'], 0)} of sessions land on it, but only "
        f"{pct(pricing['engagement_rate'], 0)} of them engage, against "
        f"{100 * others.min():.0f}–{100 * others.max():.0f} %",
        "pricing leak",
    )
    gap = ga4.compare(export, "device", "desktop", "mobile")
    assert_states(
        TEXT,
        f"({pct(gap.rate_b, 2)} vs {pct(gap.rate_a, 2)}, the 95 % interval of the gap about "
        f"−{-100 * gap.ci_low:.2f} to −{-100 * gap.ci_high:.2f} points)",
        "device gap",
    )
    kpi = content.kpi_growth(
        export, BLOG, ("2025-01-01", "2025-03-31"), ("2025-10-01", "2025-12-31")
    )
    assert kpi.met and kpi.growth < 0.07
    assert_states(TEXT, f"The blog KPI was met (+{pct(kpi.growth)}), narrowly", "KPI")
    keys = content.story_test(story, "problem_solution", "customer_story", "key_events", 0.25)
    engaged = content.story_test(
        story, "problem_solution", "customer_story", "engaged_sessions", 0.10
    )
    assert_states(
        TEXT,
        f"(+{100 * engaged.test.relative_lift:.0f} %, p < 0.001, "
        f"{100 * engaged.power:.0f} % power)",
        "story engagement in model answer",
    )
    assert_states(
        TEXT,
        f"(+{100 * keys.test.relative_lift:.0f} %, p = {keys.test.p_value:.3f})",
        "story key events",
    )
    assert_states(
        TEXT,
        f"only about {100 * keys.power:.0f} %\npower for the planned +25 %".replace("\n", " "),
        "story power",
    )


def test_claim_true_effects_match_the_card():
    truth = generator.STORY_VARIANTS
    assert truth["customer_story"][2] / truth["problem_solution"][2] - 1 == pytest.approx(
        generator.STORY_TRUE_KEY_EVENT_LIFT
    )
    card = (markdown.__globals__["REPO_ROOT"] / "datasets" / "README.md").read_text(
        encoding="utf-8"
    )
    assert "a true relative lift of **+25 %**" in card


def test_claims_count():
    claims = [name for name in globals() if name.startswith("test_claim_")]
    assert len(claims) >= 12, claims
