"""Claims of notebook 05-nps-csat-ces: every number or ordering its prose states about the data,
recomputed with marketing_kit and checked against the markdown (issue 17)."""

from __future__ import annotations

import math

import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import datasets, nps
from marketing_kit.synthetic import nps as generator

TEXT = markdown("05-nps-csat-ces")
ATTRIBUTES = ["reliability", "support_quality", "value_for_money", "ease_of_use", "design"]


@pytest.fixture(scope="module")
def survey():
    return datasets.load("nps_survey")


@pytest.fixture(scope="module")
def answered(survey):
    return survey.dropna(subset=["likelihood"])


def scores(frame, column, value):
    return frame.loc[frame[column] == value, "likelihood"]


@pytest.fixture(scope="module")
def touchpoints(answered):
    return nps.nps_by_group(answered, "touchpoint")


@pytest.fixture(scope="module")
def segments(answered):
    return nps.nps_by_group(answered, "segment")


@pytest.fixture(scope="module")
def drivers(answered):
    table = nps.driver_analysis(answered, ATTRIBUTES)
    table["relative_weight"] = nps.relative_weights(answered, ATTRIBUTES)
    return table


def test_claim_survey_size_and_skips(survey):
    assert len(survey) == 2000 and survey["date"].dt.year.eq(2025).all()
    assert_states(TEXT, "survey of 2,000 customers in 2025", "survey size")
    assert round(100 * survey["likelihood"].isna().mean()) == 1
    assert_states(TEXT, "About 1 % of respondents skipped", "skip rate")


def test_claim_overall_mix_nps_and_margin(answered):
    shares = nps.category_shares(answered["likelihood"])
    overall = nps.nps_interval(answered["likelihood"])
    margin = overall.upper - overall.nps
    assert_states(
        TEXT,
        f"About {100 * shares['promoter']:.0f} % promoters and "
        f"{100 * shares['detractor']:.0f} % detractors give an NPS of about "
        f"+{overall.nps:.0f}, known to within roughly ±{margin:.1f} points with "
        f"~{round(overall.n, -3):,} answers",
        "overall NPS sentence",
    )
    assert_states(
        TEXT,
        f"~{round(overall.n, -3):,} answers still leave ±{margin:.1f} points",
        "summary margin",
    )


def test_claim_worst_case_sample_size():
    assert_states(TEXT, f"never needs more than {nps.sample_size(5):,} answers", "worst case n")
    assert_states(TEXT, f"**{nps.sample_size(5):,}** answers", "summary worst case n")


def test_claim_billing_only_negative_touchpoint(touchpoints):
    negative = touchpoints.index[touchpoints["nps"] < 0]
    assert list(negative) == ["billing"] and touchpoints.loc["billing", "upper"] < 0
    assert_states(
        TEXT,
        "Billing is the only touchpoint with a negative NPS "
        f"(−{-touchpoints.loc['billing', 'nps']:.1f}), and its whole "
        "interval lies below 0",
        "billing interval below 0",
    )


def test_claim_onboarding_leads_product(answered, touchpoints):
    ranked = touchpoints["nps"].sort_values(ascending=False)
    assert list(ranked.index[:2]) == ["onboarding", "product"]
    assert touchpoints.loc["onboarding", "lower"] < touchpoints.loc["product", "upper"]  # overlap
    gap = nps.compare_nps(
        scores(answered, "touchpoint", "onboarding"), scores(answered, "touchpoint", "product")
    )
    assert_states(
        TEXT,
        f"onboarding\nleads product by {gap.difference:.1f} points (p = {gap.p_value:.3f})",
        "onboarding vs product",
    )


def test_claim_small_business_lowest(answered, segments):
    assert segments["nps"].idxmin() == "Small business"
    gap = nps.compare_nps(
        scores(answered, "segment", "Consumer"), scores(answered, "segment", "Small business")
    )
    assert gap.p_value < 0.001
    assert_states(
        TEXT,
        f"small businesses are lowest, {gap.difference:.1f} points below consumers\n(p < 0.001)",
        "small business gap",
    )


def test_claim_enterprise_looks_highest(segments):
    assert segments["nps"].idxmax() == "Enterprise"
    assert_states(
        TEXT,
        f"(+{segments.loc['Enterprise', 'nps']:.1f} against "
        f"+{segments.loc['Consumer', 'nps']:.1f} for consumers)",
        "segment NPS",
    )


def test_claim_enterprise_gap_about_9_points_not_significant(answered):
    gap = nps.compare_nps(
        scores(answered, "segment", "Enterprise"), scores(answered, "segment", "Consumer")
    )
    assert round(gap.difference) == 9 and gap.p_value > 0.05
    assert_states(TEXT, "about 9 points above consumers'", "exercise 5 prompt")
    assert_states(TEXT, f"The gap of {gap.difference:.1f} points", "gap after exercise 5")
    mde = nps.minimum_detectable_difference(gap.se)
    assert mde > gap.difference
    assert_states(TEXT, f"gaps of about {mde:.1f} points or more", "MDE")


def test_claim_enterprise_gap_is_real_in_the_generator():
    effects = generator.true_segment_effects()
    assert effects["Enterprise"] > effects["Consumer"] > effects["Small business"]
    assert_states(TEXT, "The gap of 9.2 points is real in the generator", "truth of the gap")


def test_claim_quarterly_rise(answered):
    quarterly = nps.nps_by_group(answered.assign(quarter=answered["date"].dt.quarter), "quarter")
    assert quarterly.loc[1, "upper"] < quarterly.loc[4, "lower"]
    assert_states(
        TEXT,
        f"climbs from +{quarterly.loc[1, 'nps']:.1f} in Q1 to "
        f"+{quarterly.loc[4, 'nps']:.1f} in Q4, and the Q1 and Q4 intervals do not "
        "overlap",
        "quarterly trend",
    )


def test_claim_generator_builds_in_improvement():
    import inspect

    assert "trend = 0.8 * day / 364" in inspect.getsource(generator.build)
    assert_states(TEXT, "the generator builds in a steady improvement programme", "trend truth")


def test_claim_monthly_se_about_6_to_7(answered):
    monthly = nps.nps_by_group(answered.assign(month=answered["date"].dt.month), "month")
    assert monthly["se"].between(5.5, 7.5).all() and round(monthly["n"].mean(), -1) == 160
    change = math.hypot(monthly["se"].mean(), monthly["se"].mean())
    assert round(change) == 9
    assert_states(
        TEXT,
        "With about 160 answers a month the SE is about 6–7\npoints, so the SE of "
        "a month-to-month change is about 9 points",
        "monthly SE hint",
    )


def test_claim_design_halo(drivers):
    truth = generator.true_driver_weights()
    assert truth["design"] == 0
    assert_states(TEXT, f"even design has $r$ = {drivers.loc['design', 'r']:.2f}", "design r")


def test_claim_methods_rank_in_generator_order(drivers):
    order = list(generator.true_driver_weights().sort_values(ascending=False).index)
    for column in ("r", "beta", "relative_weight"):
        assert list(drivers[column].sort_values(ascending=False).index) == order, column
    assert_states(
        TEXT,
        "in the generator's order (reliability, support quality, value for money, "
        "ease of use, design)",
        "driver order",
    )


def test_claim_design_beta_and_relative_weight(answered, drivers):
    from sklearn.linear_model import LinearRegression

    x, y = answered[ATTRIBUTES], answered["likelihood"].astype(float)
    r2 = LinearRegression().fit(x, y).score(x, y)
    assert drivers.loc["design", "beta"] < 0 < drivers.loc["design", "relative_weight"]
    assert_states(TEXT, f"slightly negative (−{-drivers.loc['design', 'beta']:.2f})", "design beta")
    assert_states(
        TEXT,
        f"({drivers.loc['design', 'relative_weight']:.3f} of an $R^2$ of {r2:.2f})",
        "design relative weight",
    )


def test_claim_top_drivers_recommend_and_csat(survey, drivers):
    assert drivers.index[0] == "reliability"
    assert nps.driver_analysis(survey, ATTRIBUTES, target="csat").index[0] == "support_quality"
    assert_states(
        TEXT,
        "Recommending here goes most with\n reliability, satisfaction with the "
        "interaction with support quality",
        "summary drivers",
    )


def test_claim_billing_in_model_answer(survey, touchpoints):
    csat = survey.groupby("touchpoint")["csat"].agg(nps.csat)
    ces = survey.groupby("touchpoint")["ces"].mean()
    assert csat.idxmin() == "billing" and ces.idxmin() == "billing"
    assert touchpoints["nps"].idxmin() == "billing"
    assert_states(
        TEXT,
        f"lowest NPS (about −{-touchpoints.loc['billing', 'nps']:.0f}, interval "
        f"entirely below 0), lowest CSAT (~{csat['billing']:.0f} %)",
        "r2 model answer",
    )
    assert_states(
        TEXT, f"the lowest\n CSAT, about {csat['billing']:.0f} %, and the lowest CES", "r2 rubric"
    )


def test_claim_enps_standard_error():
    assert round(100 * math.sqrt(1 / 40)) == 16
    assert_states(TEXT, "100·√(1/40) ≈ 16 points", "eNPS SE in rubric")


def test_claims_count():
    claims = [name for name in globals() if name.startswith("test_claim_")]
    assert len(claims) >= 18, claims
