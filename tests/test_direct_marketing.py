"""marketing_kit.direct_marketing: mailing economics, gains and lift, uplift tests, sample size."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm
from sklearn.metrics import roc_auc_score

from marketing_kit import datasets, ltv
from marketing_kit import direct_marketing as dm
from marketing_kit.synthetic import mailing_test as mt


@pytest.fixture(scope="module")
def cdnow():
    tx = datasets.load("cdnow_transactions")
    summary = ltv.rfm_summary(tx, "customer_id", "date", "sales", "1997-09-30")
    scores = ltv.rfm_scores(summary)
    holdout = ltv.purchases_between(tx, "customer_id", "date", "1997-09-30", "1998-06-30")
    bought = (holdout.reindex(scores.index) > 0).astype(int)
    return summary, scores, bought


def test_mailing_economics_by_hand():
    assert dm.response_rate(300, 10_000) == 0.03
    assert dm.cost_per_response(2.0, 0.03) == pytest.approx(66.6667, rel=1e-5)
    assert dm.break_even_response_rate(2.0, 50) == 0.04
    assert dm.mailing_profit(10_000, 0.03, 50, 2.0) == pytest.approx(-5_000)
    assert dm.mailing_profit(10_000, 0.04, 50, 2.0) == pytest.approx(0, abs=1e-9)
    assert dm.mailing_profit(100, 0.5, 10, 1, fixed_cost=50) == pytest.approx(350)


@given(st.floats(0.01, 100), st.floats(0.01, 1000), st.integers(1, 10**6))
def test_profit_is_zero_exactly_at_the_break_even_rate(cost, margin, contacts):
    rate = dm.break_even_response_rate(cost, margin)
    assert rate > 0
    if rate <= 1:
        profit = dm.mailing_profit(contacts, rate, margin, cost)
        assert profit == pytest.approx(0, abs=1e-6 * contacts)
        assert dm.cost_per_response(cost, rate) == pytest.approx(margin)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: dm.response_rate(5, 0), ValueError, "contacts must be positive"),
        (lambda: dm.response_rate(11, 10), ValueError, "responses"),
        (lambda: dm.response_rate(1.5, 10), ValueError, "whole number"),
        (lambda: dm.cost_per_response(1, 0), ValueError, "rate"),
        (lambda: dm.break_even_response_rate(1, 0), ValueError, "margin_per_response"),
        (lambda: dm.break_even_response_rate("1", 5), TypeError, "cost_per_contact"),
        (lambda: dm.mailing_profit(10, 1.5, 5, 1), ValueError, "rate"),
        (lambda: dm.sample_size_per_group(0.1, 0), ValueError, "uplift must not be 0"),
        (lambda: dm.sample_size_per_group(0, 0.1), ValueError, "control_rate"),
        (lambda: dm.sample_size_per_group(0.95, 0.1), ValueError, "uplift"),
        (lambda: dm.deciles([1, 2, 3]), TypeError, "pandas Series"),
        (lambda: dm.deciles(pd.Series([1.0, np.nan])), ValueError, "finite"),
        (lambda: dm.deciles(pd.Series([1.0, 2.0]), groups=3), ValueError, "groups"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_sample_size_matches_the_textbook_value_and_the_power_formula():
    # Fleiss, Levin & Paik (2003), eq. 4.14: 10 % vs 15 % needs 686 a group without correction.
    assert dm.sample_size_per_group(0.10, 0.05) == 686
    for p1, delta in [(0.10, 0.02), (0.03, 0.01), (0.30, -0.05)]:
        n = dm.sample_size_per_group(p1, delta)
        p2 = p1 + delta

        def power(size: int, p1: float = p1, p2: float = p2, delta: float = delta) -> float:
            pooled_se = math.sqrt(2 * (p1 + p2) / 2 * (1 - (p1 + p2) / 2) / size)
            se = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / size)
            return norm.sf((norm.ppf(0.975) * pooled_se - abs(delta)) / se)

        assert power(n) >= 0.8 > power(n - 1)


def test_deciles_are_equal_sized_and_ordered_with_stable_ties():
    score = pd.Series([5, 5, 5, 1, 2, 3, 4, 9, 0, 5], index=list("abcdefghij"))
    decile = dm.deciles(score, groups=5)
    assert decile.value_counts().tolist() == [2] * 5
    assert decile["h"] == 1 and decile["i"] == 5
    assert list(decile[["a", "b", "c", "j"]]) == [1, 2, 2, 3]  # ties keep the index order


def test_gains_table_by_hand():
    score = pd.Series(np.arange(10, 0, -1.0))
    responded = pd.Series([1, 1, 0, 1, 0, 0, 1, 0, 0, 0])
    table = dm.gains_table(score, responded, groups=5)
    assert table["responders"].tolist() == [2, 1, 0, 1, 0]
    assert table["cum_responders_pct"].tolist() == [50, 75, 75, 100, 100]
    assert table["lift"].iloc[0] == pytest.approx(1.0 / 0.4)
    assert table["cum_lift"].iloc[-1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same index"):
        dm.gains_table(score, responded.set_axis(range(1, 11)))
    with pytest.raises(ValueError, match="no responders"):
        dm.gains_table(score, responded * 0)
    with pytest.raises(ValueError, match="only 0 and 1"):
        dm.gains_table(score, responded * 2)


def test_cdnow_gains_rfm_ranking_beats_random(cdnow):
    _, scores, bought = cdnow
    gains = dm.gains_table(dm.rfm_cell_score(scores), bought)
    assert gains["customers"].sum() == len(bought) == 2357
    assert gains["responders"].sum() == bought.sum()
    assert gains["response_rate"].iloc[0] > 2.5 * bought.mean()
    assert (gains["cum_responders_pct"] >= gains["cum_customers_pct"] - 1e-9).all()
    assert gains["cum_responders_pct"].iloc[-1] == pytest.approx(100)
    # cumulative gains are a cross-check of the AUC's direction: a good ranking has AUC > 0.7
    assert roc_auc_score(bought, dm.rfm_cell_score(scores)) > 0.7


def test_mailing_plan_and_best_depth(cdnow):
    _, scores, bought = cdnow
    gains = dm.gains_table(dm.rfm_cell_score(scores), bought)
    plan = dm.mailing_plan(gains, 2.0, 12.0)
    assert plan["profit"].iloc[0] == 181 * 12 - 236 * 2
    depth = dm.best_depth(plan)
    assert plan["cumulative_profit"].iloc[depth - 1] == plan["cumulative_profit"].max()
    assert dm.best_depth(dm.mailing_plan(gains, 100.0, 1.0)) == 0  # too dear: mail nobody
    assert dm.best_depth(dm.mailing_plan(gains, 0.0, 1.0)) == 10


def test_response_model_ranks_holdout_customers(cdnow):
    summary, _, bought = cdnow
    features = dm.rfm_features(summary)
    assert (features["purchases"] == summary["frequency"] + 1).all()
    model = dm.fit_response_model(features, bought)
    p = model.predict_proba(features)[:, 1]
    assert roc_auc_score(bought, p) > 0.75
    coefficients = model.named_steps["logisticregression"].coef_[0]
    assert coefficients[0] < 0 < coefficients[1]  # longer since the last purchase: less likely
    with pytest.raises(ValueError, match="both responders"):
        dm.fit_response_model(features, bought * 0)


def test_uplift_test_recovers_the_generator_truth():
    test = datasets.load("mailing_test")
    counts = test.groupby("group")["responded"].agg(["sum", "size"])
    result = dm.uplift_test(int(counts.loc["mail", "sum"]), int(counts.loc["mail", "size"]),
                            int(counts.loc["control", "sum"]), int(counts.loc["control", "size"]))
    assert result.ci_low < mt.true_uplift() < result.ci_high
    assert result.mail_rate > 5 * result.uplift  # raw response overstates the effect
    table = dm.uplift_by_segment(test)
    for segment, (_, base, uplift) in mt.SEGMENTS.items():
        row = table.loc[segment]
        assert row["ci_low"] - 0.01 < uplift < row["ci_high"] + 0.01
        assert abs(row["control_rate"] - base) < 0.02
    assert table["mailed"].sum() + table["control"].sum() == len(test)
    with pytest.raises(ValueError, match="'mail' and 'control'"):
        dm.uplift_by_segment(test.assign(group="mail"))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 500), st.integers(1, 500), st.data())
def test_uplift_is_the_difference_of_the_two_rates(mailed, control, data):
    x_mail = data.draw(st.integers(0, mailed))
    x_control = data.draw(st.integers(0, control))
    if x_mail + x_control in (0, mailed + control):
        with pytest.raises(ValueError):
            dm.uplift_test(x_mail, mailed, x_control, control)
        return
    result = dm.uplift_test(x_mail, mailed, x_control, control)
    assert result.uplift == pytest.approx(x_mail / mailed - x_control / control)
    assert result.ci_low <= result.uplift <= result.ci_high
    assert result.incremental_responses == pytest.approx(result.uplift * mailed)


def test_pasona_versions_follow_kanda():
    assert [name for _, name, _ in dm.PASONA_1999] == [
        "Problem", "Agitation", "Solution", "Narrowing down", "Action"]
    assert dm.PASONA_STEPS == (
        "Problem", "Affinity", "Solution", "Offer", "Narrowing down", "Action")
    assert "".join(letter for letter, _, _ in dm.PASONA) == "PASONA"
    # the seed's Korean glosses: 문제, 친근감, 해결책, 제안, 제한, 행동
    korean = ["문제", "친근감", "해결책", "제안", "제한", "행동"]
    assert [gloss for _, _, gloss in dm.PASONA] == korean
    assert [code for code, *_ in dm.MEDIA] == ["DM", "EM", "TM"]
