"""The vectorised SWOT functions (issue 23) give exactly what the row-by-row versions gave.

The reference functions below are the pre-issue-23 code of ``marketing_kit.swot``, kept here so
a faster rewrite that changes a number, a row order or a dtype fails.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import datasets, swot

RATING = {"S": st.sampled_from([3, 3.5, 4]), "W": st.sampled_from([1, 1.5, 2]),
          "O": st.integers(1, 4), "T": st.integers(1, 4)}


def reference_weighted_score(items: pd.DataFrame, kind: str) -> float:
    matrix = swot.evaluation_matrix(items, kind)
    return float(matrix["weighted_score"].sum() / matrix["weight"].sum())


def reference_tows(items: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    items = swot.check_items(items).reset_index(drop=True)
    internal = items[items["kind"].isin(["S", "W"])]
    external = items[items["kind"].isin(["O", "T"])]
    label = swot.codes(items)
    salience = items["weight"].astype(float) * swot.intensity(items)
    rows = []
    for strategy in swot.TOWS_STRATEGIES:
        inner = internal[internal["kind"] == strategy[0]]
        outer = external[external["kind"] == strategy[1]]
        for i in inner.index:
            for o in outer.index:
                rows.append({
                    "strategy": strategy,
                    "internal_code": label[i], "internal": str(items.at[i, "factor"]),
                    "external_code": label[o], "external": str(items.at[o, "factor"]),
                    "internal_salience": salience[i], "external_salience": salience[o],
                    "priority": salience[i] * salience[o],
                })
    table = pd.DataFrame(rows, columns=["strategy", "internal_code", "internal", "external_code",
                                        "external", "internal_salience", "external_salience",
                                        "priority"])
    cell_order = table["strategy"].map({s: i for i, s in enumerate(swot.TOWS_STRATEGIES)})
    table = table.assign(_cell=cell_order).sort_values(
        ["_cell", "priority"], ascending=[True, False], kind="stable")
    table["rank"] = table.groupby("strategy").cumcount() + 1
    if top is not None:
        table = table[table["rank"] <= top]
    return table.drop(columns="_cell").reset_index(drop=True).assign(idea="")


def reference_lists(items: pd.DataFrame) -> dict[str, list[str]]:
    rows = swot.check_items(items)
    board = {}
    for kind in swot.KINDS:
        part = rows[rows["kind"] == kind].sort_values("weight", ascending=False, kind="stable")
        board[kind] = list(part["factor"].astype(str))
    return board


@st.composite
def shuffled_tables(draw):
    """A valid SWOT table in any row order, with few distinct points so weights tie often."""
    rows = []
    for side in (("S", "W"), ("O", "T")):
        kinds = [k for k in side for _ in range(draw(st.integers(0, 5)))] or [side[0]]
        points = np.array(draw(st.lists(st.sampled_from([0, 1, 2, 3, 5]), min_size=len(kinds),
                                        max_size=len(kinds))), dtype=float)
        if points.sum() == 0:
            points[0] = 1.0
        for i, (kind, weight) in enumerate(zip(kinds, points / points.sum(), strict=True)):
            rows.append((f"{kind}{i}", kind, weight, draw(RATING[kind])))
    order = draw(st.permutations(range(len(rows))))
    return pd.DataFrame([rows[i] for i in order], columns=["factor", "kind", "weight", "rating"])


def assert_same(items: pd.DataFrame, top: int | None) -> None:
    for kind in swot.SIDES:
        assert swot.weighted_score(items, kind) == reference_weighted_score(items, kind)
    pd.testing.assert_frame_equal(swot.tows_matrix(items, top), reference_tows(items, top),
                                  check_exact=True)
    assert swot.swot_lists(items) == reference_lists(items)
    both = swot.analysis(items, top)
    pd.testing.assert_frame_equal(both.pop("tows"), reference_tows(items, top), check_exact=True)
    assert both.pop("lists") == reference_lists(items)
    assert both == swot.ie_position(items)
    assert both["ife_total"] == reference_weighted_score(items, "internal")


@settings(max_examples=120, deadline=None)
@given(shuffled_tables(), st.one_of(st.none(), st.integers(1, 3)))
def test_fast_functions_equal_the_row_by_row_reference(items, top):
    assert_same(items, top)


@pytest.mark.parametrize("name", ["swot_analytics_startup", "swot_fastener_maker",
                                  "capstone_swot"])
def test_fast_functions_equal_the_reference_on_the_course_cases(name):
    items = datasets.load(name)
    for top in (None, 1, 2):
        assert_same(items, top)


def test_analysis_validates_like_the_single_functions():
    items = datasets.load("swot_analytics_startup")
    with pytest.raises(ValueError, match="top"):
        swot.analysis(items, top=0)
    loose = items.assign(weight=items["weight"] * 1.5)
    with pytest.raises(ValueError, match="must sum to 1"):
        swot.analysis(loose)
    with pytest.raises(TypeError, match="items must be a pandas DataFrame"):
        swot.analysis([1, 2])
