"""Property tests for ``marketing_kit.attribution`` and ``channels`` (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import attribution as at
from marketing_kit import channels as ch

CHANNELS = ["Email", "Search", "Social", "Display"]
paths = st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=5).map(" > ".join)
journey_rows = st.lists(st.tuples(paths, st.integers(0, 50), st.integers(0, 200),
                                  st.floats(0, 1e4)), min_size=1, max_size=12)


def journeys_frame(rows, with_value=False) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["path", "conversions", "nulls", "value"])
    return frame if with_value else frame.drop(columns="value")


@settings(max_examples=60, deadline=None)
@given(journey_rows, st.sampled_from(at.HEURISTIC_MODELS), st.floats(0.1, 30))
def test_heuristic_credits_sum_to_total_conversions_and_value(rows, model, half_life):
    journeys = journeys_frame(rows, with_value=True)
    table = at.heuristic_attribution(journeys, model, half_life=half_life)
    assert table["conversions"].sum() == pytest.approx(journeys["conversions"].sum())
    assert table["value"].sum() == pytest.approx(journeys["value"].sum(), rel=1e-9, abs=1e-6)
    assert (table["conversions"] >= -1e-12).all()
    if journeys["conversions"].sum() > 0:
        assert table["share"].sum() == pytest.approx(1)


@settings(max_examples=60, deadline=None)
@given(journey_rows)
def test_markov_and_shapley_credits_sum_to_total_conversions(rows):
    journeys = journeys_frame(rows)
    total = journeys["conversions"].sum()
    shapley = at.shapley_attribution(journeys)
    assert shapley["conversions"].sum() == pytest.approx(total)
    if total == 0:
        with pytest.raises(ValueError, match="journeys must hold at least one"):
            at.markov_attribution(journeys)
        return
    markov = at.markov_attribution(journeys)
    assert markov["conversions"].sum() == pytest.approx(total)
    assert markov["removal_effect"].between(-1e-9, 1 + 1e-9).all()


@given(st.integers(1, 30), st.sampled_from(at.HEURISTIC_MODELS), st.floats(0.01, 100),
       st.tuples(st.integers(0, 10), st.integers(0, 10), st.integers(1, 10)))
def test_touch_weights_are_a_distribution(n, model, half_life, points):
    weights = np.array(points) / sum(points)
    shares = at.touch_weights(n, model, half_life=half_life, position_weights=tuple(weights))
    assert shares.shape == (n,)
    assert (shares >= 0).all() and shares.sum() == pytest.approx(1)


@given(st.one_of(st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)).filter(
    lambda w: not math.isclose(sum(w), 1, abs_tol=1e-6)),
    st.tuples(st.floats(-1, -0.01), st.floats(0, 1), st.floats(1, 2)),
    st.tuples(st.just(math.nan), st.just(0.5), st.just(0.5))))
def test_position_weights_that_are_not_a_distribution_raise_value_error(weights):
    with pytest.raises(ValueError, match="position_weights"):
        at.touch_weights(4, "position_based", position_weights=weights)


@given(st.one_of(st.text(min_size=1, max_size=3), st.none(), st.integers()))
def test_position_weights_of_the_wrong_type_raise_type_error(bad):
    with pytest.raises(TypeError, match="position_weights"):
        at.check_position_weights(bad)


@given(st.sampled_from(["A, B", "A -> B", "A >> B", "", "A | B", " > A"]))
def test_malformed_paths_raise_value_error(path):
    with pytest.raises(ValueError, match="path"):
        at.parse_journeys(pd.DataFrame({"path": [path], "conversions": [1], "nulls": [0]}))


@given(st.sampled_from(["conversions", "nulls"]),
       st.sampled_from([-1, math.nan, math.inf, "x", None]))
def test_bad_counts_raise_value_or_type_error(column, bad):
    frame = pd.DataFrame({"path": ["A > B", "B"], "conversions": [1, 2], "nulls": [3, 4]})
    frame[column] = frame[column].astype(object)
    frame.loc[0, column] = bad
    expected = TypeError if bad == "x" else ValueError
    with pytest.raises(expected, match="journeys"):
        at.heuristic_attribution(frame, "linear")


@given(st.sampled_from(["drop", "empty", "list"]))
def test_missing_columns_or_non_frames_raise_clear_errors(kind):
    frame = pd.DataFrame({"path": ["A"], "conversions": [1], "nulls": [0]})
    if kind == "drop":
        bad, expected = frame.drop(columns="nulls"), ValueError
    elif kind == "empty":
        bad, expected = frame.iloc[:0], ValueError
    else:
        bad, expected = frame.to_dict("records"), TypeError
    with pytest.raises(expected, match="journeys"):
        at.shapley_attribution(bad)


channel_rows = st.lists(
    st.tuples(st.sampled_from(ch.STAGES), st.integers(1, 1000), st.floats(0.01, 1),
              st.floats(0, 1e5), st.floats(1, 5)),
    min_size=1, max_size=8,
)


def channel_frame(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "channel": [f"c{i}" for i in range(len(rows))],
        "stage": [r[0] for r in rows], "leads": [r[1] for r in rows],
        "qualified_leads": [max(1, math.floor(r[1] * r[2])) for r in rows],
        "monthly_cost": [r[3] for r in rows], "csat": [r[4] for r in rows],
    })


@settings(max_examples=60, deadline=None)
@given(channel_rows, st.sampled_from(list(ch.GOALS)), st.integers(1, 3))
def test_channel_ranks_and_recommendations_are_consistent(rows, goal, keep):
    frame = channel_frame(rows)
    metrics = ch.channel_metrics(frame)
    assert metrics["lead_quality"].between(0, 1).all()
    ranked = ch.rank_by_stage(frame, goal)
    for _, part in ranked.groupby("stage"):
        assert list(part["rank"]) == list(range(1, len(part) + 1))
    kept = ch.recommend_channels(frame, goal, keep)
    per_stage = frame.set_index("channel").loc[kept, "stage"].value_counts()
    assert (per_stage <= keep).all() and set(per_stage.index) == set(frame["stage"])
    effect = ch.cut_effect(frame, kept)
    assert effect.loc["kept", "monthly_cost"] <= effect.loc["all channels", "monthly_cost"] + 1e-6


@given(st.sampled_from(["csat", "qualified", "negative", "nan", "drop"]))
def test_broken_channel_tables_raise_value_error(kind):
    frame = channel_frame([(ch.STAGES[0], 100, 0.5, 1000.0, 4.0)])
    if kind == "csat":
        frame["csat"] = 6
    elif kind == "qualified":
        frame["qualified_leads"] = 500
    elif kind == "negative":
        frame["monthly_cost"] = -1.0
    elif kind == "nan":
        frame["leads"] = np.nan
    else:
        frame = frame.drop(columns="stage")
    with pytest.raises(ValueError, match="channels"):
        ch.channel_metrics(frame)
