"""The vectorised attribution (issue 23) against the row-by-row algorithms it replaced.

The reference functions below are the loop-based versions of ``parse_journeys``,
``heuristic_attribution``, ``transition_matrix``, ``coalition_values`` and ``cut_effect`` as they
were before the speed-up; the fast code must give the same numbers (to 1e-12) on the course
dataset and on random journeys. Also checks that remembering the last parsed journeys never
returns a stale result.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import attribution as at
from marketing_kit import channels as ch
from marketing_kit import datasets

NAMES = ["Email", "Search", "Social", "Display", "Video"]
paths = st.lists(st.sampled_from(NAMES), min_size=1, max_size=7).map(" > ".join)
rows = st.lists(st.tuples(paths, st.integers(0, 40), st.integers(0, 90), st.floats(0, 1e4)),
                min_size=1, max_size=15)


def reference_channels(journeys: pd.DataFrame) -> list[list[str]]:
    return [[name.strip() for name in path.split(">")] for path in journeys["path"]]


def reference_heuristic(journeys: pd.DataFrame, model: str, half_life: float = 1.0) -> pd.Series:
    credit: dict[str, float] = {}
    for names, conv in zip(reference_channels(journeys), journeys["conversions"], strict=True):
        weights = at.touch_weights(len(names), model, half_life=half_life)
        for name, weight in zip(names, weights, strict=True):
            credit[name] = credit.get(name, 0.0) + weight * conv
    return pd.Series(credit).sort_index()


def reference_transitions(journeys: pd.DataFrame) -> np.ndarray:
    paths_ = reference_channels(journeys)
    states = ["start", *sorted({n for names in paths_ for n in names})]
    index = {state: i for i, state in enumerate(states)}
    counts = np.zeros((len(states), len(states) + 2))
    for names, conv, nulls in zip(paths_, journeys["conversions"], journeys["nulls"], strict=True):
        steps = [0, *(index[n] for n in names)]
        for source, target in itertools.pairwise(steps):
            counts[source, target] += conv + nulls
        counts[steps[-1], len(states)] += conv
        counts[steps[-1], len(states) + 1] += nulls
    totals = counts.sum(axis=1, keepdims=True)
    probabilities = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    return np.delete(probabilities, 0, axis=1)


def reference_coalitions(journeys: pd.DataFrame) -> np.ndarray:
    paths_ = reference_channels(journeys)
    channels = sorted({n for names in paths_ for n in names})
    values = np.zeros(1 << len(channels))
    for mask in range(len(values)):
        inside = {c for i, c in enumerate(channels) if mask >> i & 1}
        values[mask] = sum(conv for names, conv in zip(paths_, journeys["conversions"], strict=True)
                           if set(names) <= inside)
    return values


def check_same(journeys: pd.DataFrame) -> None:
    assert at.parse_journeys(journeys)["channels"].tolist() == reference_channels(journeys)
    for model in at.HEURISTIC_MODELS:
        for half_life in (0.5, 1.0, 3.0):
            fast = at.attribute(journeys, model, half_life=half_life)["conversions"]
            slow = reference_heuristic(journeys, model, half_life)
            pd.testing.assert_series_equal(fast, slow, check_names=False, check_index_type=False,
                                           rtol=1e-12, atol=1e-9)
    if (journeys["conversions"] + journeys["nulls"]).sum() > 0:
        np.testing.assert_allclose(at.transition_matrix(journeys).to_numpy(),
                                   reference_transitions(journeys), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(at.coalition_values(journeys)[1], reference_coalitions(journeys),
                               rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(rows)
def test_vectorised_models_match_the_row_by_row_ones(data):
    check_same(pd.DataFrame(data, columns=["path", "conversions", "nulls", "value"]))


def test_vectorised_models_match_on_the_course_journeys():
    journeys = datasets.load("attribution_journeys").head(600)  # the loops are slow
    check_same(journeys)


def reference_cut(channels: pd.DataFrame, keep: list[str], journeys: pd.DataFrame) -> pd.DataFrame:
    frame = ch.channel_metrics(channels)

    def summary(part: pd.DataFrame) -> dict[str, float]:
        return {"channels": len(part), "monthly_cost": part["monthly_cost"].sum(),
                "leads": part["leads"].sum(), "qualified_leads": part["qualified_leads"].sum(),
                "lead_quality": part["qualified_leads"].sum() / part["leads"].sum(),
                "cost_per_qualified_lead":
                    part["monthly_cost"].sum() / part["qualified_leads"].sum()}

    table = pd.DataFrame([summary(frame), summary(frame.loc[keep])], index=["all channels", "kept"])
    dropped = [c for c in at.channel_list(journeys) if c not in keep]
    table["conversions"] = [journeys["conversions"].sum(),
                            at.removal_impact(journeys, dropped)["conversions"]]
    table.loc["change"] = table.loc["kept"] - table.loc["all channels"]
    return table


def test_cut_effect_matches_the_pandas_summary_for_several_kept_sets():
    journeys = datasets.load("attribution_journeys")
    channels = datasets.load("attribution_channels")
    names = list(channels["channel"])
    for keep in ([names[0]], names[:3], names[2::2], names[:-1], names, [names[1], names[1]]):
        pd.testing.assert_frame_equal(ch.cut_effect(channels, keep, journeys),
                                      reference_cut(channels, keep, journeys), rtol=1e-12)


def test_remembered_journeys_are_never_stale():
    journeys = pd.DataFrame({"path": ["A > B", "B"], "conversions": [2, 1], "nulls": [1, 3]})
    before = at.attribute(journeys, "linear")["conversions"]
    journeys.loc[1, "path"] = "A"  # edited in place: the same object, other journeys
    after = at.attribute(journeys, "linear")["conversions"]
    assert before.to_dict() == {"A": 1.0, "B": 2.0}
    assert after.to_dict() == {"A": 2.0, "B": 1.0}
    journeys.loc[1, "conversions"] = -1
    with pytest.raises(ValueError, match="conversions"):
        at.attribute(journeys, "markov")


def test_returned_frames_are_copies_the_caller_may_change():
    journeys = pd.DataFrame({"path": ["A > B", "B"], "conversions": [2, 1], "nulls": [1, 3]})
    first = at.transition_matrix(journeys)
    first.loc[:, :] = 0.0
    parsed = at.parse_journeys(journeys)
    parsed.loc[0, "channels"].append("Z")
    pd.testing.assert_frame_equal(at.transition_matrix(journeys),
                                  at.transition_matrix(journeys.copy()))
    assert at.transition_matrix(journeys).loc["start", "A"] == pytest.approx(3 / 7)
    assert at.parse_journeys(journeys)["channels"].tolist() == [["A", "B"], ["B"]]
