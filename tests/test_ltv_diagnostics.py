"""Unit tests for marketing_kit.ltv_diagnostics (cohort noise, funnel limits, holdout checks)
and for the ground truth the SaaS generator exposes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from marketing_kit import datasets, ltv
from marketing_kit.synthetic import ltv as saas
from marketing_kit.widgets.ltv import cohort_funnel_chart


@pytest.fixture(scope="module")
def invoices() -> pd.DataFrame:
    return datasets.load("ltv_subscriptions")


@pytest.fixture(scope="module")
def counts(invoices) -> pd.DataFrame:
    return ltv.cohort_counts(invoices, "account_id", "invoice_date")


@pytest.fixture(scope="module")
def cdnow_parts():
    cdnow = datasets.load("cdnow_transactions")
    summary = ltv.rfm_summary(cdnow, "customer_id", "date", "sales", "1997-09-30")
    fit = ltv.fit_bgnbd(summary)
    holdout = ltv.purchases_between(cdnow, "customer_id", "date", "1997-09-30", "1998-06-30")
    tracking = ltv.repeat_purchase_tracking(cdnow, "customer_id", "date", fit, "1997-01-01", 78)
    return summary, fit, holdout, tracking


def toy_counts() -> pd.DataFrame:
    return pd.DataFrame({0: [20.0, 40.0, 10.0], 1: [15.0, 30.0, np.nan]},
                        index=pd.period_range("2024-01", periods=3, freq="M"))


def test_cohort_noise_matches_hand_computed_binomial_quantities():
    table = ltv.cohort_noise(toy_counts(), 1)
    assert list(table.index) == list(pd.period_range("2024-01", periods=2, freq="M"))
    pooled = 45 / 60
    assert table["pooled"].eq(pooled).all()
    first = table.iloc[0]
    assert first["retention"] == 0.75 and first["size"] == 20 and first["retained"] == 15
    # Wilson score interval by its closed form (Wilson 1927), z = 1.96
    z, n, p = stats.norm.ppf(0.975), 20, 0.75
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert math.isclose(first["lower"], centre - half, rel_tol=1e-9)
    assert math.isclose(first["upper"], centre + half, rel_tol=1e-9)
    assert math.isclose(first["funnel_lower"], stats.binom.ppf(0.025, 20, pooled) / 20)
    assert math.isclose(first["p_value"], stats.binomtest(15, 20, pooled).pvalue)
    assert not table["outside"].any()


def test_cohort_noise_flags_the_december_2023_cohort(counts):
    table = ltv.cohort_noise(counts, 3)
    assert len(table) == 21  # the three youngest cohorts have not reached month 3
    assert list(table.index[table["outside"]]) == [pd.Period("2023-12", "M")]
    row = table.loc[pd.Period("2023-12", "M")]
    assert (row["size"], row["retained"]) == (19, 7)
    assert math.isclose(row["p_value"], 2 * stats.binom.cdf(7, 19, row["pooled"]), rel_tol=0.5)
    assert row["p_value"] < 0.01


@pytest.mark.parametrize("bad, error", [
    ({"period": 0}, ValueError), ({"period": 99}, ValueError), ({"period": 1.5}, ValueError),
    ({"period": 1, "confidence": 1.0}, ValueError), ({"period": "1"}, TypeError),
])
def test_cohort_noise_rejects_bad_arguments(bad, error):
    with pytest.raises(error):
        ltv.cohort_noise(toy_counts(), **bad)


def test_funnel_limits_bracket_the_rate_and_narrow_with_size():
    limits = ltv.funnel_limits(0.7, [10, 100, 1000])
    assert (limits["lower"] <= 0.7).all() and (limits["upper"] >= 0.7).all()
    widths = (limits["upper"] - limits["lower"]).to_numpy()
    assert widths[0] > widths[1] > widths[2]
    for bad in ([0, 10], [2.5], []):
        with pytest.raises(ValueError, match="sizes"):
            ltv.funnel_limits(0.7, bad)
    with pytest.raises(ValueError, match="rate"):
        ltv.funnel_limits(1.2, [10])


def test_holdout_gap_separates_cumulative_and_holdout_error(cdnow_parts):
    *_, tracking = cdnow_parts
    gap = ltv.holdout_gap(tracking, 39)
    assert gap.actual_cumulative == 4339 and gap.actual_holdout == 1882
    assert round(gap.cumulative_gap, 3) == -0.041
    assert round(gap.holdout_gap, 3) == -0.114
    toy = pd.DataFrame({"actual": [10, 20, 40], "expected": [10, 20, 30]}, index=[1, 2, 3])
    assert ltv.holdout_gap(toy, 2) == ltv.HoldoutGap(40, 30, -0.25, 20, 10, -0.5)
    for bad in (0, 3, 2.5):
        with pytest.raises(ValueError, match="calibration_periods"):
            ltv.holdout_gap(toy, bad)


def test_conditional_expectations_reproduce_the_holdout_by_frequency(cdnow_parts):
    summary, fit, holdout, _ = cdnow_parts
    table = ltv.conditional_expectations(fit, summary, holdout, 39)
    assert list(table.index) == list(range(8)) and table["customers"].sum() == 2357
    assert table.loc[0, "customers"] == 1411
    assert round(table.loc[1, "actual"], 2) == 0.70 and round(table.loc[1, "predicted"], 2) == 0.52
    total = (table["customers"] * table["actual"]).sum()
    assert total == holdout.sum() == 1882
    with pytest.raises(ValueError, match="holdout has no value"):
        ltv.conditional_expectations(fit, summary, holdout.iloc[:10], 39)
    with pytest.raises(TypeError, match="holdout"):
        ltv.conditional_expectations(fit, summary, holdout.to_numpy(), 39)


def test_group_rates_give_wilson_intervals_per_group():
    flags = pd.Series([True, False, True, True, False, False])
    groups = pd.Series(["a", "a", "a", "b", "b", "b"], name="g")
    table = ltv.group_rates(flags, groups)
    assert list(table.index) == ["a", "b"] and table.index.name == "g"
    assert table.loc["a", "count"] == 2 and math.isclose(table.loc["a", "share"], 2 / 3)
    ci = stats.binomtest(1, 3).proportion_ci(method="wilson")
    assert math.isclose(table.loc["b", "lower"], ci.low)
    with pytest.raises(TypeError, match="booleans"):
        ltv.group_rates(flags.astype(int), groups)
    with pytest.raises(ValueError, match="same index"):
        ltv.group_rates(flags, groups.iloc[::-1].reset_index(drop=True).iloc[:5])


def test_generator_truth_has_no_cohort_effect(invoices):
    truth = saas.true_cohort_retention(3, invoices)
    assert len(truth) == 24
    assert truth.between(0.65, 0.75).all()  # only the channel mix moves it
    assert math.isclose(truth.loc[pd.Period("2023-12", "M")], 0.698, abs_tol=0.001)
    # month 0: everyone pays; the replayed simulation gives the same truth as the CSV
    assert saas.true_cohort_retention(0, invoices).eq(1).all()
    churn = saas.true_churn()
    assert len(churn) == invoices["account_id"].nunique()
    means = churn.groupby(invoices.groupby("account_id")["channel"].first()).mean()
    assert means.idxmin() == "partner" and means.idxmax() == "paid_search"
    with pytest.raises(TypeError):
        saas.true_cohort_retention(1.5, invoices)
    with pytest.raises(ValueError):
        saas.true_cohort_retention(-1, invoices)


def test_funnel_chart_draws_points_band_and_truth(counts, invoices):
    noise = ltv.cohort_noise(counts, 3)
    figure = cohort_funnel_chart(noise, saas.true_cohort_retention(3, invoices), period=3)
    axes = figure.axes[0]
    assert len(axes.collections) >= 3  # band, observed points, truth circles
    labels = [text.get_text() for text in axes.texts]
    assert labels == ["2023-12"]
