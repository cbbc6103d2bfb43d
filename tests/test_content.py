"""marketing_kit.content: KPI growth, content scores and the story test."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import content, datasets, web_analytics
from marketing_kit.synthetic import ga4 as generator


@pytest.fixture(scope="module")
def export():
    return datasets.load("ga4_content_daily")


@pytest.fixture(scope="module")
def story():
    return datasets.load("ga4_story_test")


def test_kpi_growth_is_per_day(export):
    kpi = content.kpi_growth(
        export,
        list(generator.BLOG_PAGES),
        ("2025-01-01", "2025-03-31"),
        ("2025-10-01", "2025-12-31"),
    )
    blog = export[export["landing_page"].isin(generator.BLOG_PAGES)]
    quarter = pd.to_datetime(blog["date"]).dt.quarter
    assert kpi.baseline_per_day == pytest.approx(blog.loc[quarter == 1, "sessions"].sum() / 90)
    assert kpi.current_per_day == pytest.approx(blog.loc[quarter == 4, "sessions"].sum() / 92)
    assert kpi.met == (kpi.growth >= 0.05)
    assert not content.kpi_growth(
        export, ["/pricing"], ("2025-01-01", "2025-03-31"), ("2025-10-01", "2025-12-31"), target=0.5
    ).met
    with pytest.raises(ValueError, match="pages must be"):
        content.kpi_growth(
            export, ["/nope"], ("2025-01-01", "2025-01-31"), ("2025-02-01", "2025-02-28")
        )
    with pytest.raises(ValueError, match="baseline must run"):
        content.kpi_growth(
            export, ["/"], ("2025-02-01", "2025-01-01"), ("2025-02-01", "2025-02-28")
        )
    with pytest.raises(ValueError, match="target"):
        content.kpi_growth(
            export, ["/"], ("2025-01-01", "2025-01-31"), ("2025-02-01", "2025-02-28"), target=-2
        )


def test_content_scores(export):
    scores = content.content_scores(export)
    for metric in content.SCORE_METRICS:
        assert scores[f"z_{metric}"].mean() == pytest.approx(0, abs=1e-12)
        assert scores[f"z_{metric}"].std(ddof=0) == pytest.approx(1)
    assert scores["score"].is_monotonic_decreasing
    assert scores.index[-1] == "/pricing"
    only_leads = content.content_scores(
        export, {"engagement_rate": 0, "avg_engagement_time": 0, "key_event_rate": 1}
    )
    assert only_leads.index[0] == "/case-studies"
    with pytest.raises(ValueError, match="exactly the keys"):
        content.content_scores(export, {"engagement_rate": 1})
    with pytest.raises(ValueError, match="must not all be 0"):
        content.content_scores(export, dict.fromkeys(content.SCORE_METRICS, 0))
    with pytest.raises(ValueError, match="weights"):
        content.content_scores(export, dict.fromkeys(content.SCORE_METRICS, -1))


def test_story_test_uses_planned_lift(story):
    result = content.story_test(story, "problem_solution", "customer_story")
    totals = story.groupby("story_variant")[["sessions", "key_events"]].sum()
    direct = web_analytics.ab_test(
        int(totals.loc["problem_solution", "key_events"]),
        int(totals.loc["problem_solution", "sessions"]),
        int(totals.loc["customer_story", "key_events"]),
        int(totals.loc["customer_story", "sessions"]),
    )
    assert result.test == direct
    assert result.power == pytest.approx(
        web_analytics.power_two_proportions(
            direct.rate_a,
            0.25,
            int(totals.loc["problem_solution", "sessions"]),
            int(totals.loc["customer_story", "sessions"]),
        )
    )
    assert result.power < 0.5 < result.mde_lift  # underpowered for the planned lift
    engaged = content.story_test(
        story, "problem_solution", "customer_story", "engaged_sessions", 0.1
    )
    assert engaged.power > 0.9 and engaged.test.p_value < 0.001
    with pytest.raises(ValueError, match="variant_b must be one of"):
        content.story_test(story, "problem_solution", "hero")
    with pytest.raises(ValueError, match="metric must be"):
        content.story_test(story, "problem_solution", "customer_story", "sessions")


def test_plan_and_structures_follow_the_seed():
    assert list(content.LIFE_CYCLE) == ["Plan", "Distribute", "Optimize", "Repeat"]
    assert content.STORY_STRUCTURES["seed 003 story arc"] == (
        "customer scenario",
        "personal incident",
        "the bigger picture",
        "call to action",
    )
    plan = content.content_plan()
    assert list(plan["stage"])[:3] == ["Awareness", "Consideration", "Decision"]
    assert plan.notna().all().all()


@settings(max_examples=30, deadline=None)
@given(st.floats(0.0, 0.5), st.floats(0.05, 3.0))
def test_property_scores_rank_is_invariant_to_weight_scale(w, scale):
    export = datasets.load("ga4_content_daily").iloc[:4000]
    weights = {"engagement_rate": 1.0, "avg_engagement_time": w, "key_event_rate": 1.0}
    scaled = {k: v * scale for k, v in weights.items()}
    first = content.content_scores(export, weights)
    second = content.content_scores(export, scaled)
    pd.testing.assert_series_equal(first["score"], second["score"])
