"""Property tests for ``marketing_kit.nps`` (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import nps as m

scores = st.lists(st.integers(0, 10), min_size=1, max_size=200)


@given(scores)
def test_nps_is_in_minus_100_to_100_and_shares_sum_to_one(values):
    result = m.nps(values)
    assert -100 <= result <= 100
    shares = m.category_shares(values)
    assert shares.between(0, 1).all() and shares.sum() == pytest.approx(1)
    assert result == pytest.approx(100 * (shares["promoter"] - shares["detractor"]))


@given(scores, st.integers(0, 10))
def test_adding_a_promoter_never_lowers_nps(values, extra):
    assert m.nps([*values, 10]) >= m.nps(values) - 1e-9
    assert m.nps([*values, 0]) <= m.nps(values) + 1e-9


@given(st.lists(st.integers(1, 5), min_size=1, max_size=100),
       st.lists(st.integers(1, 7), min_size=1, max_size=100))
def test_csat_and_ces_stay_on_their_scales(five, seven):
    assert 0 <= m.csat(five) <= 100
    effort = m.ces(seven)
    assert 1 <= effort.mean <= 7 and 0 <= effort.index <= 100 and effort.n == len(seven)


@given(st.floats(0.5, 40), st.floats(0.5, 0.999), st.floats(0, 1), st.floats(0, 1))
def test_sample_size_reaches_the_margin(margin, confidence, promoters, detractors):
    detractors = min(detractors, 1 - promoters)
    n = m.sample_size(margin, confidence, promoters, detractors)
    assert n >= 1
    interval = m.interval_from_shares(promoters, detractors, n, confidence)
    z = interval.upper - interval.nps if interval.upper < 100 else None
    if z is not None and interval.lower > -100:
        assert (interval.upper - interval.lower) / 2 <= margin * (1 + 1e-6)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 10)), min_size=1, max_size=80))
def test_nps_by_group_matches_nps_of_each_group(rows):
    frame = pd.DataFrame(rows, columns=["group", "likelihood"])
    table = m.nps_by_group(frame, "group")
    for group, part in frame.groupby("group"):
        assert table.loc[group, "nps"] == pytest.approx(m.nps(part["likelihood"]))
        assert table.loc[group, "lower"] <= table.loc[group, "nps"] <= table.loc[group, "upper"]
    assert table["n"].sum() == len(frame)


bad_score = st.one_of(st.integers(11, 10**6), st.integers(-10**6, -1),
                      st.floats(0.01, 9.99).filter(lambda x: x != int(x)),
                      st.sampled_from([math.nan, math.inf, -math.inf]))


@given(scores, bad_score, st.data())
def test_an_out_of_scale_score_raises_value_error(values, bad, data):
    position = data.draw(st.integers(0, len(values)))
    with pytest.raises(ValueError, match="scores"):
        m.nps([*values[:position], bad, *values[position:]])


@given(st.one_of(st.text(max_size=3), st.none(), st.integers(), st.booleans(),
                 st.lists(st.sampled_from(["7", "x", True, None]), min_size=1, max_size=4)))
def test_non_score_input_raises_type_error(bad):
    with pytest.raises((TypeError, ValueError)) as info:
        m.nps(bad)
    if bad is None or isinstance(bad, (str, int)) or (isinstance(bad, list) and any(
            isinstance(v, (str, bool)) for v in bad)):
        assert info.type is TypeError


def test_empty_scores_raise_value_error():
    for empty in ([], np.array([]), pd.Series([], dtype=float)):
        with pytest.raises(ValueError, match="at least one"):
            m.nps(empty)


@given(st.floats(-1e6, 1e6).filter(lambda x: not 0 <= x <= 1), st.floats(0, 1))
def test_shares_outside_0_1_raise_value_error(bad, other):
    with pytest.raises(ValueError):
        m.nps_se(bad, other * 0, 10)
    with pytest.raises(ValueError):
        m.interval_from_shares(other * 0, bad, 10)


@given(st.floats(0.5, 1), st.floats(0.5, 1))
def test_shares_summing_above_one_raise_value_error(promoters, detractors):
    if promoters + detractors <= 1 + 1e-9:
        return
    with pytest.raises(ValueError, match="at most 1"):
        m.interval_from_shares(promoters, detractors, 10)


@given(st.one_of(st.floats(-5, 0), st.floats(1, 5), st.sampled_from([math.nan, math.inf])))
def test_confidence_outside_0_1_raises_value_error(confidence):
    with pytest.raises(ValueError, match="confidence"):
        m.nps_interval([1, 9, 10], confidence)
