"""Unit tests for marketing_kit.funnel and marketing_kit.web_analytics (funnel, GA report, A/B)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chi2_contingency, norm
from scipy.stats import t as t_dist

from marketing_kit import datasets
from marketing_kit import funnel as fn
from marketing_kit import web_analytics as wa

LEAD_DATES = {"lead": "lead_date", "MQL": "mql_date", "SQL": "sql_date",
              "opportunity": "opportunity_date", "won": "won_date"}


def test_funnel_table_hand_computed():
    table = fn.funnel_table({"lead": 1000, "MQL": 400, "SQL": 100, "won": 25})
    assert table["step_conversion"].tolist() == [1.0, 0.4, 0.25, 0.25]
    assert table["overall_conversion"].tolist() == [1.0, 0.4, 0.1, 0.025]
    assert table["drop_off"].tolist() == [0, 600, 300, 75]
    assert table["drop_off_rate"].tolist() == pytest.approx([0, 0.6, 0.75, 0.75])
    assert list(table.index) == ["lead", "MQL", "SQL", "won"]


def test_bottleneck_is_the_lowest_rate_not_the_largest_drop():
    counts = pd.Series([1000, 500, 100, 60], index=["Attention", "Interest", "Desire", "Action"])
    table = fn.funnel_table(counts)
    assert table["drop_off"].idxmax() == "Interest"  # 500 people lost at the top
    assert fn.bottleneck(counts) == "Desire"  # but the weakest hand-over is 20 %
    assert fn.bottleneck({"a": 100, "b": 50, "c": 25}) == "b"  # a tie goes to the higher stage


def test_empty_stage_gives_zero_not_nan():
    table = fn.funnel_table({"a": 10, "b": 0, "c": 0})
    assert table["step_conversion"].tolist() == [1.0, 0.0, 0.0]
    assert not table.isna().any().any()


def test_improve_stage_and_revenue_impact_hand_computed():
    counts = {"lead": 1000, "MQL": 400, "SQL": 100, "won": 25}
    improved = fn.improve_stage(counts, "SQL", 0.30)
    assert improved.tolist() == pytest.approx([1000, 400, 120, 30])
    assert fn.revenue_impact(counts, "SQL", 0.30, 10_000) == pytest.approx(50_000)
    assert fn.revenue_impact(counts, "won", 0.20, 10_000) == pytest.approx(-50_000)
    assert fn.revenue_impact(counts, "MQL", 0.40, 10_000) == 0


def test_lead_funnel_from_dates_matches_direct_counts():
    leads = datasets.load("crm_leads")
    counts = fn.stage_counts_from_dates(leads, LEAD_DATES)
    assert counts["lead"] == len(leads)
    assert counts["won"] == leads["won_date"].notna().sum()
    table = fn.funnel_table(counts)
    assert fn.bottleneck(counts) == "SQL"
    assert table["drop_off"].idxmax() == "MQL"  # the data teach: biggest loss != weakest rate


def test_time_in_stage_hand_computed():
    records = pd.DataFrame({
        "a": ["2025-01-01", "2025-01-01", "2025-01-05"],
        "b": ["2025-01-11", "2025-01-05", ""],
        "c": ["2025-01-12", "", ""],
    })
    table = fn.time_in_stage(records, {"A": "a", "B": "b", "C": "c"})
    assert table["moved"].tolist() == [2, 1]
    assert table["median_days"].tolist() == [7.0, 1.0]
    assert table["mean_days"].tolist() == [7.0, 1.0]
    nobody = fn.time_in_stage(records.assign(c=""), {"A": "a", "B": "b", "C": "c"})
    assert nobody.loc[1, "moved"] == 0


def test_time_in_stage_on_crm_leads_is_positive():
    table = fn.time_in_stage(datasets.load("crm_leads"), LEAD_DATES)
    assert (table["median_days"] > 0).all()
    assert table.set_index("to_stage")["median_days"].idxmax() == "won"  # closing takes longest


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: fn.funnel_table({"a": 10, "b": 20}), ValueError, "must not increase"),
        (lambda: fn.funnel_table({"a": 10}), ValueError, "at least 2 stages"),
        (lambda: fn.funnel_table({"a": 0, "b": 0}), ValueError, "positive count"),
        (lambda: fn.funnel_table({"a": 10, "b": -1}), ValueError, r"stage_counts\['b'\]"),
        (lambda: fn.funnel_table({"a": 10, "b": float("nan")}), ValueError, "finite"),
        (lambda: fn.funnel_table({"a": 10, "b": "5"}), TypeError, "real number"),
        (lambda: fn.funnel_table([10, 5]), TypeError, "stage_counts must be"),
        (lambda: fn.improve_stage({"a": 10, "b": 5}, "z", 0.5), ValueError, "stage must be one of"),
        (lambda: fn.improve_stage({"a": 10, "b": 5}, "a", 0.5), ValueError, "stage must be one of"),
        (lambda: fn.improve_stage({"a": 10, "b": 5}, "b", 1.5), ValueError,
         r"new_rate must be in \[0, 1\]"),
        (lambda: fn.revenue_impact({"a": 10, "b": 5}, "b", 0.6, -1), ValueError, "value_per_win"),
        (lambda: fn.stage_counts_from_dates(pd.DataFrame({"x": [1]}), {"A": "x", "B": "y"}),
         ValueError, "missing column"),
        (lambda: fn.stage_counts_from_dates(pd.DataFrame({"x": [""], "y": ["2025-01-01"]}),
                                            {"A": "x", "B": "y"}), ValueError, "skip a stage"),
        (lambda: fn.time_in_stage(pd.DataFrame({"x": ["2025-01-09"], "y": ["2025-01-01"]}),
                                  {"A": "x", "B": "y"}), ValueError, "B comes before A"),
        (lambda: fn.time_in_stage(pd.DataFrame({"x": ["soon"], "y": [""]}), {"A": "x", "B": "y"}),
         ValueError, "must hold dates"),
    ],
)
def test_funnel_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- web analytics -----------------------------------------------------------------------------

def test_ab_test_reproduces_a_published_example():
    # homeworksource.com/p/1008622: 140/200 vs 255/340, pooled p = 0.7314815, SE = 0.03949401,
    # z = -1.266015 for p1 - p2. Here the difference is B - A, so the sign flips.
    result = wa.ab_test(140, 200, 255, 340, alternative="greater")
    assert result.z == pytest.approx(1.266015, abs=1e-6)
    assert result.difference / result.z == pytest.approx(0.03949401, abs=1e-8)
    # The source's one-sided p = 0.1030278 comes from a t distribution with 538 df; the
    # z-test's normal tail is slightly smaller.
    assert t_dist.sf(result.z, 538) == pytest.approx(0.1030278, abs=1e-6)
    assert result.p_value == pytest.approx(norm.sf(1.266015), abs=1e-6)
    assert result.p_value == pytest.approx(0.10275, abs=1e-5)
    assert wa.ab_test(140, 200, 255, 340).p_value == pytest.approx(2 * result.p_value)


def test_ab_test_hand_computed_with_ci():
    result = wa.ab_test(100, 1000, 130, 1000)
    pooled = 230 / 2000
    z = 0.03 / math.sqrt(pooled * (1 - pooled) * 2 / 1000)
    half = 1.959964 * math.sqrt(0.1 * 0.9 / 1000 + 0.13 * 0.87 / 1000)
    assert (result.rate_a, result.rate_b) == (0.1, 0.13)
    assert result.difference == pytest.approx(0.03)
    assert result.relative_lift == pytest.approx(0.3)
    assert result.z == pytest.approx(z) == pytest.approx(2.1027, abs=1e-4)
    assert result.p_value == pytest.approx(2 * norm.sf(z))
    assert (result.ci_low, result.ci_high) == pytest.approx((0.03 - half, 0.03 + half), abs=1e-6)
    narrow = wa.ab_test(100, 1000, 130, 1000, confidence=0.90)
    assert narrow.ci_low > result.ci_low and narrow.ci_high < result.ci_high


@given(st.integers(1, 400), st.integers(1, 400), st.integers(0, 400), st.integers(0, 400))
def test_z_squared_equals_uncorrected_chi_square(n_a, n_b, x_a, x_b):
    x_a, x_b = min(x_a, n_a), min(x_b, n_b)
    if x_a + x_b in (0, n_a + n_b):
        return
    result = wa.ab_test(x_a, n_a, x_b, n_b)
    chi2, p_value, _, _ = chi2_contingency([[x_a, n_a - x_a], [x_b, n_b - x_b]], correction=False)
    assert result.z ** 2 == pytest.approx(chi2, rel=1e-9, abs=1e-12)
    assert result.p_value == pytest.approx(p_value, rel=1e-9, abs=1e-12)
    assert result.ci_low <= result.difference <= result.ci_high


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        ((120, 100, 10, 100), ValueError, r"conversions_a must be in \[0, 100\]"),
        ((10, 100, -1, 100), ValueError, "conversions_b"),
        ((0, 0, 1, 10), ValueError, "visitors_a and visitors_b must be positive"),
        ((0, 100, 0, 100), ValueError, "undefined"),
        ((100, 100, 50, 50), ValueError, "undefined"),
        ((1.5, 100, 1, 100), ValueError, "whole number"),
        (("1", 100, 1, 100), TypeError, "conversions_a"),
    ],
)
def test_ab_test_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        wa.ab_test(*args)
    with pytest.raises(ValueError, match="confidence"):
        wa.ab_test(10, 100, 12, 100, confidence=1.0)
    with pytest.raises(ValueError, match="alternative"):
        wa.ab_test(10, 100, 12, 100, alternative="less-ish")


def test_traffic_report_sums_and_rates():
    web = datasets.load("crm_web_sessions")
    report = wa.traffic_report(web, "channel")
    assert report["sessions"].sum() == web["sessions"].sum()
    email = web.loc[web.channel == "Email", "conversions"].sum()
    assert report.loc["Email", "conversions"] == email
    assert np.allclose(report["bounce_rate"], 1 - report["engagement_rate"])
    assert np.allclose(report["conversion_rate"], report["conversions"] / report["sessions"])
    assert report["share_of_conversions"].sum() == pytest.approx(1)
    assert report["sessions"].is_monotonic_decreasing
    # Not obvious at a glance: the biggest channel converts worst.
    assert report.index[0] == report["conversion_rate"].idxmin() == "Paid search"
    pages = wa.traffic_report(web, "landing_page")
    assert pages["bounce_rate"].idxmax() == "/pricing"


def test_traffic_report_bad_input():
    web = datasets.load("crm_web_sessions")
    with pytest.raises(ValueError, match="missing column"):
        wa.traffic_report(web, "source")
    with pytest.raises(ValueError, match="must not exceed"):
        wa.traffic_report(web.assign(engaged_sessions=web["sessions"] + 1))
    with pytest.raises(ValueError, match=">= 0"):
        wa.traffic_report(web.assign(conversions=-1))
    with pytest.raises(ValueError, match="no sessions"):
        wa.traffic_report(web.assign(sessions=0, engaged_sessions=0, conversions=0))


@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=7))
def test_funnel_rates_are_consistent_for_any_valid_funnel(values):
    counts = sorted(values, reverse=True)
    if counts[0] == 0:
        return
    table = fn.funnel_table(dict(zip("abcdefg", counts, strict=False)))
    assert table["step_conversion"].between(0, 1).all()
    assert table["drop_off"].sum() == counts[0] - counts[-1]
    steps = table["step_conversion"].cumprod()
    assert np.allclose(steps, table["overall_conversion"])
    for stage in table.index[1:]:  # leaving a rate unchanged changes nothing
        if table.loc[stage, "count"] > 0:
            unchanged = fn.improve_stage(table["count"], stage, table.loc[stage, "step_conversion"])
            assert np.allclose(unchanged, table["count"])


def test_projection_past_an_empty_stage_needs_its_rate():
    counts = {"lead": 10, "MQL": 0, "won": 0}
    with pytest.raises(ValueError, match=r"step conversion into \['won'\] is unknown"):
        fn.revenue_impact(counts, "MQL", 0.5, 100)
    assert fn.revenue_change(counts, {"MQL": 0.5, "won": 0.5}, 100) == pytest.approx(250.0)


# --- uncertainty (issue 17): Wilson intervals, cohorts, power and MDE ---------------------------

def test_wilson_interval_matches_the_closed_form():
    k, n, z = 12, 65, norm.ppf(0.975)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    low, high = fn.wilson_interval(k, n)
    assert math.isclose(low, centre - half, rel_tol=1e-9)
    assert math.isclose(high, centre + half, rel_tol=1e-9)
    assert fn.wilson_interval(0, 10)[0] == 0.0 and fn.wilson_interval(10, 10)[1] == 1.0
    from scipy.stats import binomtest

    for k, n, level in [(0, 10, 0.95), (7, 30, 0.9), (40, 117, 0.99), (10, 10, 0.95)]:
        ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
        assert np.allclose(fn.wilson_interval(k, n, level), (ci.low, ci.high), atol=1e-12)


def test_step_intervals_cover_the_step_rates():
    table = fn.step_intervals({"lead": 1000, "MQL": 300, "SQL": 60})
    assert list(table.index) == ["MQL", "SQL"]
    assert table.loc["SQL", "entered"] == 300
    assert math.isclose(table.loc["SQL", "step_conversion"], 0.2)
    assert (table["ci_low"] < table["step_conversion"]).all()
    assert (table["step_conversion"] < table["ci_high"]).all()


def test_cohorts_show_the_censoring_of_late_leads():
    """The generator follows leads to 2026-03-31; Q4 leads had no time to close (review C6)."""
    leads = datasets.load("crm_leads")
    stages = {"lead": "lead_date", "MQL": "mql_date", "SQL": "sql_date",
              "opportunity": "opportunity_date", "won": "won_date"}
    won = fn.step_rates_by_cohort(leads, stages).xs("won", level="stage")
    assert len(won) == 4 and won["entered"].sum() == 225
    assert won["step_conversion"].iloc[-1] < won["step_conversion"].iloc[:-1].min()


def test_power_matches_the_normal_formula_and_mde_inverts_it():
    p_a, n = 0.05, 2_000
    p_b = p_a * 1.3
    se = math.sqrt(p_a * (1 - p_a) / n + p_b * (1 - p_b) / n)
    crit = norm.ppf(0.975)
    expected = norm.cdf((p_b - p_a) / se - crit) + norm.cdf(-(p_b - p_a) / se - crit)
    assert math.isclose(wa.power_two_proportions(p_a, 0.3, n, n), expected, rel_tol=1e-12)
    mde = wa.minimum_detectable_lift(p_a, n, n)
    assert math.isclose(wa.power_two_proportions(p_a, mde, n, n), 0.8, rel_tol=1e-6)
    assert wa.minimum_detectable_lift(p_a, 4 * n, 4 * n) < mde  # more traffic, smaller MDE


def test_paid_search_subgroup_is_underpowered_for_the_true_lift():
    """Review C5: the true lift is 15 % in every channel; paid search has ~25 % power for it."""
    from marketing_kit.synthetic import crm

    web = datasets.load("crm_web_sessions")
    tests = wa.segment_tests(web[web["week_start"] >= "2025-06-30"], "channel", "/demo", "/demo-b")
    paid = tests.loc["Paid search"]
    power = wa.power_two_proportions(paid["rate_a"], crm.DEMO_B_LIFT - 1, paid["sessions_a"],
                                     paid["sessions_b"])
    assert 0.2 < power < 0.3 and paid["mde_lift"] > 0.3 and paid["p_value"] > 0.05
    assert (tests["lift_ci_low"] < tests["relative_lift"]).all()


@pytest.mark.parametrize("call, error", [
    (lambda: fn.wilson_interval(3, 0), ValueError),
    (lambda: fn.wilson_interval(5, 4), ValueError),
    (lambda: fn.wilson_interval(1, 4, confidence=1.5), ValueError),
    (lambda: wa.power_two_proportions(0.5, 1.5, 100, 100), ValueError),
    (lambda: wa.power_two_proportions(0.05, 0.1, 0, 100), ValueError),
    (lambda: wa.minimum_detectable_lift(0.05, 100, 100, power=0.01), ValueError),
    (lambda: wa.segment_tests(pd.DataFrame({"x": [1]}), "channel", "/a", "/b"), ValueError),
])
def test_uncertainty_bad_input(call, error):
    with pytest.raises(error):
        call()
