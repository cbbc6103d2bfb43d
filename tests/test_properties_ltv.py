"""Property tests for ``marketing_kit.ltv`` and ``ltv_models`` (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import ltv
from marketing_kit import ltv_models as lm

margin = st.floats(0.01, 1e5)
retention = st.floats(0, 0.99)
discount = st.floats(0, 1)
not_a_number = st.one_of(st.text(max_size=3), st.none(), st.booleans(), st.lists(st.integers()))
non_finite = st.sampled_from([math.nan, math.inf, -math.inf])


@given(margin, retention, retention, discount)
def test_clv_grows_with_retention(m, r1, r2, i):
    low, high = sorted((r1, r2))
    assert ltv.simple_clv(m, low, i) <= ltv.simple_clv(m, high, i) * (1 + 1e-12)
    assert ltv.simple_clv(m, low, i, first_margin_now=True) <= ltv.simple_clv(
        m, high, i, first_margin_now=True) * (1 + 1e-12)


@given(margin, retention, discount, discount)
def test_clv_falls_with_the_discount_rate(m, r, i1, i2):
    low, high = sorted((i1, i2))
    assert ltv.simple_clv(m, r, high) <= ltv.simple_clv(m, r, low) * (1 + 1e-12)


@given(margin, retention, discount, st.integers(0, 200), st.floats(0, 1e4))
def test_finite_horizon_clv_approaches_the_infinite_one_from_below(m, r, i, n, cost):
    finite = ltv.finite_horizon_clv(m, r, i, n, cost)
    infinite = ltv.simple_clv(m, r, i, cost)
    assert -cost - 1e-9 <= finite <= infinite + 1e-9 * max(1, abs(infinite))
    assert ltv.simple_clv(m, r, i) == pytest.approx(m * ltv.margin_multiple(r, i))


@given(st.one_of(st.floats(1, 10), st.floats(-10, -1e-9), non_finite))
def test_retention_outside_0_1_raises_value_error(bad):
    with pytest.raises(ValueError, match="retention"):
        ltv.simple_clv(100, bad, 0.1)


@given(st.one_of(st.floats(-10, -1), non_finite))
def test_discount_rate_at_or_below_minus_one_raises_value_error(bad):
    with pytest.raises(ValueError, match="discount_rate"):
        ltv.simple_clv(100, 0.5, bad)


@given(not_a_number, st.sampled_from(["margin", "retention", "discount_rate",
                                      "acquisition_cost"]))
def test_non_numbers_raise_type_error(bad, name):
    args = {"margin": 100, "retention": 0.8, "discount_rate": 0.1, "acquisition_cost": 10}
    with pytest.raises(TypeError, match=name):
        ltv.simple_clv(**{**args, name: bad})


@given(st.floats(-1e6, 1e6), st.one_of(st.floats(-1e6, 0), non_finite))
def test_ltv_to_cac_needs_a_positive_cost(value, cost):
    with pytest.raises(ValueError, match="acquisition_cost"):
        ltv.ltv_to_cac(value, cost)


summaries = st.lists(st.tuples(st.integers(0, 30), st.floats(0, 1), st.floats(0.5, 80),
                               st.floats(0, 500)), min_size=1, max_size=40)


def summary_frame(rows) -> pd.DataFrame:
    x = np.array([r[0] for r in rows])
    big_t = np.array([r[2] for r in rows])
    recency = np.where(x > 0, big_t * [r[1] for r in rows], 0.0)
    return pd.DataFrame({"frequency": x, "recency": recency, "T": big_t,
                         "total_spend": [r[3] for r in rows]})


@settings(max_examples=60, deadline=None)
@given(summaries)
def test_rfm_scores_are_1_to_5_and_every_customer_gets_a_segment(rows):
    scores = ltv.rfm_scores(summary_frame(rows))
    for column in ("R", "F", "M"):
        assert scores[column].between(1, 5).all()
    assert set(scores["segment"]) <= set(ltv.SEGMENTS)
    assert ltv.segment_counts(scores).sum() == len(rows)


@given(st.sampled_from(["recency_above_T", "T_zero", "negative", "nan", "drop", "fraction"]))
def test_broken_summaries_raise_value_error(kind):
    frame = summary_frame([(3, 0.5, 10.0, 20.0), (0, 0.0, 5.0, 10.0)])
    if kind == "recency_above_T":
        frame.loc[0, "recency"] = 11.0
    elif kind == "T_zero":
        frame.loc[1, "T"] = 0.0
    elif kind == "negative":
        frame.loc[0, "frequency"] = -1
    elif kind == "nan":
        frame.loc[0, "recency"] = np.nan
    elif kind == "fraction":
        frame["frequency"] = frame["frequency"].astype(float)
        frame.loc[0, "frequency"] = 1.5
    else:
        frame = frame.drop(columns="T")
    with pytest.raises(ValueError, match="summary"):
        ltv.rfm_scores(frame)


fits = st.builds(lm.BGNBDFit, r=st.floats(0.05, 5), alpha=st.floats(0.5, 50),
                 a=st.floats(0.05, 5).filter(lambda a: abs(a - 1) > 1e-3), b=st.floats(0.05, 5),
                 log_likelihood=st.just(0.0), n_customers=st.just(1))


@settings(max_examples=80, deadline=None)
@given(fits, summaries)
def test_p_alive_is_a_probability_and_expected_purchases_are_non_negative(fit, rows):
    frame = summary_frame(rows)
    alive = lm.p_alive(fit, frame["frequency"], frame["recency"], frame["T"])
    assert np.all((alive >= 0) & (alive <= 1))
    assert np.all(alive[frame["frequency"].to_numpy() == 0] == 1)
    future = lm.expected_purchases(fit, 10, frame["frequency"], frame["recency"], frame["T"])
    assert np.all(np.asarray(future) >= -1e-9)


@settings(max_examples=80, deadline=None)
@given(fits, st.lists(st.floats(0, 500), min_size=2, max_size=10))
def test_expected_repeat_purchases_never_fall_with_time(fit, times):
    times = sorted(times)
    values = np.asarray(lm.expected_repeat_purchases(fit, times))
    assert values[0] >= -1e-9
    assert np.all(np.diff(values) >= -1e-9 * np.maximum(1, values[1:]))


@given(fits, st.one_of(st.floats(-100, -1e-9), non_finite))
def test_negative_or_non_finite_time_raises_value_error(fit, bad):
    with pytest.raises(ValueError, match="t must"):
        lm.expected_repeat_purchases(fit, bad)


@given(st.one_of(st.none(), st.text(max_size=3), st.integers()))
def test_a_non_fit_raises_type_error(bad):
    with pytest.raises(TypeError, match="fit"):
        lm.p_alive(bad, 1, 1, 2)


@given(st.sampled_from(["r", "alpha", "a", "b"]),
       st.one_of(st.floats(-10, 0), st.sampled_from([math.nan, math.inf])))
def test_log_likelihood_with_invalid_parameters_raises_instead_of_nan(name, bad):
    params = {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}
    with pytest.raises(ValueError, match=name):
        lm.bgnbd_log_likelihood(**{**params, name: bad}, frequency=[2], recency=[30.4], T=[38.9])
    with pytest.raises(ValueError, match="monetary_value"):
        lm.gamma_gamma_log_likelihood(6.25, 3.74, 15.44, [2], [0.0])


@settings(max_examples=60, deadline=None)
@given(fits, summaries)
def test_log_likelihood_is_finite_for_valid_customers(fit, rows):
    frame = summary_frame(rows)
    ll = lm.bgnbd_log_likelihood(fit.r, fit.alpha, fit.a, fit.b, frame["frequency"],
                                 frame["recency"], frame["T"])
    assert np.all(np.isfinite(ll))  # a density in recency, so it may be above 0
