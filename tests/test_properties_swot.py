"""Property tests for ``marketing_kit.swot`` (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import swot

RATING = {"S": st.sampled_from([3, 3.5, 4]), "W": st.sampled_from([1, 1.5, 2]),
          "O": st.integers(1, 4), "T": st.integers(1, 4)}


@st.composite
def item_tables(draw):
    """A valid SWOT table: 1-5 factors per kind, weights summing to 1 on each side."""
    rows = []
    for side in (("S", "W"), ("O", "T")):
        kinds = [k for k in side for _ in range(draw(st.integers(1, 4)))]
        points = np.array(draw(st.lists(st.integers(1, 100), min_size=len(kinds),
                                        max_size=len(kinds))), dtype=float)
        for i, (kind, weight) in enumerate(zip(kinds, points / points.sum(), strict=True)):
            rows.append((f"{kind}{i}", kind, weight, draw(RATING[kind])))
    return pd.DataFrame(rows, columns=["factor", "kind", "weight", "rating"])


@settings(max_examples=80, deadline=None)
@given(item_tables())
def test_ife_and_efe_totals_stay_in_1_to_4_and_map_to_a_cell(items):
    position = swot.ie_position(items)
    for total in ("ife_total", "efe_total"):
        assert 1 - 1e-9 <= position[total] <= 4 + 1e-9
    assert position["cell"] in swot.IE_CELLS.values()
    assert position["cell"] in swot.IE_POSTURES[position["posture"]]


@settings(max_examples=60, deadline=None)
@given(item_tables(), st.integers(1, 5))
def test_tows_pairs_every_internal_with_every_external_factor(items, top):
    table = swot.tows_matrix(items)
    counts = items["kind"].value_counts()
    for cell in swot.TOWS_STRATEGIES:
        part = table[table["strategy"] == cell]
        assert len(part) == counts.get(cell[0], 0) * counts.get(cell[1], 0)
        assert part["priority"].is_monotonic_decreasing
        assert (part["priority"] >= 0).all()
    assert (swot.tows_matrix(items, top)["rank"] <= top).all()


@given(st.lists(st.tuples(st.sampled_from(swot.KINDS), st.floats(0, 100)), min_size=4,
                max_size=12))
def test_normalised_weights_sum_to_one_per_side(rows):
    frame = pd.DataFrame(rows, columns=["kind", "importance"])
    side = frame["kind"].isin(["S", "W"])
    sides = [part for part in (side, ~side) if part.any()]  # a side may have no factors
    if any(frame.loc[part, "importance"].sum() <= 0 for part in sides):
        with pytest.raises(ValueError, match="importance"):
            swot.normalise_weights(frame)
        return
    weights = swot.normalise_weights(frame)["weight"]
    for part in sides:
        assert weights[part].sum() == pytest.approx(1)


@given(st.floats(1, 4), st.floats(1, 4))
def test_ie_cell_is_monotone_in_the_totals(ife, efe):
    order = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]
    cell = order.index(swot.ie_cell(ife, efe))
    stronger = order.index(swot.ie_cell(min(4, ife + 1), efe))
    assert stronger % 3 <= cell % 3  # a stronger IFE moves left (or stays)


@given(st.one_of(st.floats(-1e6, 0.999), st.floats(4.001, 1e6),
                 st.sampled_from([math.nan, math.inf, -math.inf])))
def test_totals_off_the_1_to_4_scale_raise_value_error(bad):
    with pytest.raises(ValueError, match="ife_total"):
        swot.ie_cell(bad, 2.5)
    with pytest.raises(ValueError, match="efe_total"):
        swot.ie_band(bad, "external")


@given(st.one_of(st.text(max_size=3), st.none(), st.booleans()))
def test_non_numeric_totals_raise_type_error(bad):
    with pytest.raises(TypeError, match="ife_total"):
        swot.ie_cell(bad, 2.5)


@settings(max_examples=60, deadline=None)
@given(item_tables(), st.sampled_from(["weight_sum", "rating", "weight", "kind", "nan", "drop",
                                       "empty", "strength_rating"]))
def test_broken_item_tables_raise_value_error(items, kind):
    bad = items.copy()
    if kind == "weight_sum":
        bad["weight"] = bad["weight"] * 0.5
    elif kind == "rating":
        bad.loc[bad.index[-1], "rating"] = 5
    elif kind == "weight":
        bad.loc[bad.index[0], "weight"] = -0.1
    elif kind == "kind":
        bad.loc[bad.index[0], "kind"] = "X"
    elif kind == "nan":
        bad.loc[bad.index[0], "rating"] = np.nan
    elif kind == "drop":
        bad = bad.drop(columns="rating")
    elif kind == "empty":
        bad = bad.iloc[:0]
    else:
        bad.loc[bad["kind"] == "S", "rating"] = 1
    with pytest.raises(ValueError, match="items"):
        swot.ie_position(bad)


def test_a_non_frame_raises_type_error():
    with pytest.raises(TypeError, match="items"):
        swot.weighted_score([("brand", "S", 1.0, 4)])
