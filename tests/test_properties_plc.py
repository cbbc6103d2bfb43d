"""Property tests for ``marketing_kit.plc`` (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import plc

p_values = st.floats(0.001, 1)
q_values = st.floats(0.001, 5)
market = st.floats(1, 1e8)
non_finite = st.sampled_from([math.nan, math.inf, -math.inf])


@given(p_values, q_values, st.lists(st.floats(0, 200), min_size=2, max_size=20))
def test_bass_cdf_is_a_non_decreasing_share(p, q, times):
    shares = plc.bass_cdf(sorted(times), p, q)
    assert np.all((shares >= 0) & (shares <= 1 + 1e-12))
    assert np.all(np.diff(shares) >= -1e-12)


@given(p_values, q_values, market, st.integers(1, 60))
def test_continuous_adoptions_are_non_negative_and_never_exceed_the_market(p, q, m, periods):
    adoptions = plc.bass_adoptions(p, q, m, periods)
    assert np.all(adoptions >= -1e-9 * m)
    assert plc.bass_cumulative(p, q, m, periods)[-1] <= m * (1 + 1e-9)


@given(st.floats(0.001, 0.5), st.floats(0.001, 0.5), market, st.integers(1, 60))
def test_discrete_adoptions_stay_within_the_market_when_p_plus_q_is_below_one(p, q, m, periods):
    cumulative = plc.bass_cumulative(p, q, m, periods, form="discrete")
    assert np.all(np.diff(cumulative) >= -1e-9 * m) and cumulative[-1] <= m * (1 + 1e-9)


@given(p_values, q_values, market)
def test_peak_time_and_peak_rate_are_consistent(p, q, m):
    t_star = plc.bass_peak_time(p, q)
    assert t_star >= 0
    peak = plc.bass_peak_adoptions(p, q, m)
    assert 0 < peak <= m * max(p, (p + q) ** 2 / (4 * q)) * (1 + 1e-12)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(0, 1e4), min_size=4, max_size=60), st.integers(1, 5),
       st.floats(0.05, 3), st.floats(0, 0.9))
def test_stages_come_in_plc_order_each_at_most_once(sales, window, band, intro_share):
    if sum(sales) <= 0:
        with pytest.raises(ValueError, match="sales"):
            plc.classify_stages(sales)
        return
    result = plc.classify_stages(sales, min(window, len(sales)), band, intro_share)
    codes = [plc.STAGES.index(s) for s in result.stages]
    assert codes == sorted(codes)
    assert len(result.stages) == len(sales)
    assert np.isfinite(result.table[["smoothed", "change"]].to_numpy()).all()
    for first, last in result.boundaries.values():
        assert 0 <= first <= last < len(sales)


@given(st.one_of(st.floats(1.0001, 10), st.floats(-10, 0), non_finite))
def test_p_outside_0_1_raises_value_error(bad):
    with pytest.raises(ValueError, match="p must"):
        plc.bass_adoptions(bad, 0.3, 1000, 10)


@given(st.one_of(st.floats(5.0001, 100), st.floats(-10, 0), non_finite))
def test_q_outside_0_5_raises_value_error(bad):
    with pytest.raises(ValueError, match="q must"):
        plc.bass_peak_time(0.03, bad)


@given(st.one_of(st.floats(-1e6, 0), non_finite))
def test_a_market_that_is_not_positive_raises_value_error(bad):
    with pytest.raises(ValueError, match="m must"):
        plc.bass_peak_adoptions(0.03, 0.4, bad)


@given(st.one_of(st.floats(-1e3, -1e-9), non_finite))
def test_negative_or_non_finite_time_raises_value_error(bad):
    with pytest.raises(ValueError, match="t must"):
        plc.bass_cdf([0, 1, bad], 0.03, 0.38)


@given(st.one_of(st.text(max_size=3), st.none(), st.booleans()))
def test_non_numeric_inputs_raise_type_error(bad):
    with pytest.raises(TypeError):
        plc.bass_cdf(bad, 0.03, 0.38)
    with pytest.raises(TypeError, match="p must"):
        plc.bass_adoptions(bad, 0.3, 1000, 10)


@given(st.lists(st.floats(0, 100), min_size=4, max_size=20), st.integers(0, 3),
       st.sampled_from([-1.0, math.nan, math.inf]))
def test_bad_sales_raise_value_error(sales, position, bad):
    sales = [*sales]
    sales[position] = bad
    with pytest.raises(ValueError, match="sales"):
        plc.classify_stages(sales)
    with pytest.raises(ValueError, match="sales"):
        plc.fit_bass(sales)


def test_sales_of_the_wrong_shape_or_type_raise():
    with pytest.raises(TypeError, match="sales"):
        plc.fit_bass("1,2,3,4")
    with pytest.raises(TypeError, match="sales"):
        plc.fit_bass(pd.DataFrame({"a": [1, 2, 3, 4]}))
    with pytest.raises(ValueError, match="at least"):
        plc.fit_bass([1, 2])
    with pytest.raises(ValueError, match="one-dimensional"):
        plc.classify_stages(np.ones((4, 2)))
