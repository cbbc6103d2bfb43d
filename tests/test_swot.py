"""Unit tests for marketing_kit.swot: IFE/EFE (David), TOWS pairs (Weihrich 1982), IE cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import datasets, swot

CASES = ("swot_analytics_startup", "swot_fastener_maker")


def items(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["factor", "kind", "weight", "rating"])


@pytest.fixture
def small() -> pd.DataFrame:
    return items([
        ("brand", "S", 0.5, 4), ("patents", "S", 0.2, 3), ("cash", "W", 0.3, 1),
        ("digital shift", "O", 0.6, 2), ("imports", "T", 0.4, 3),
    ])


@pytest.mark.parametrize("name", CASES)
def test_case_data_is_valid_and_both_matrices_sum_to_one(name):
    case = datasets.load(name)
    assert list(case.columns) == ["code", "factor", "kind", "weight", "rating"]
    assert len(swot.check_items(case)) == len(case) >= 12
    for side, kinds in swot.SIDES.items():
        assert case.loc[case["kind"].isin(kinds), "weight"].sum() == pytest.approx(1.0)
        assert set(case.loc[case["kind"].isin(kinds), "kind"]) == set(kinds), side
    numbered = case["kind"] + case.groupby("kind").cumcount().add(1).astype(str)
    assert (swot.codes(case) == numbered).all()
    assert (swot.codes(case.drop(columns="code")) == numbered).all()


def test_weighted_scores_of_the_two_cases_match_hand_sums():
    startup = datasets.load("swot_analytics_startup")
    # S: .15*4 + .10*3 + .10*3 + .05*3 + .05*3 = 1.50
    # W: .15*1 + .15*1 + .10*2 + .10*1 + .05*2 = .70
    assert swot.weighted_score(startup, "internal") == pytest.approx(2.20)
    # O: .20*3 + .15*3 + .10*2 + .10*2 + .05*1 = 1.50; T: .15*2 + .10*1 + .10*2 + .05*1 = .65
    assert swot.weighted_score(startup, "external") == pytest.approx(2.15)
    fastener = datasets.load("swot_fastener_maker")
    assert swot.weighted_score(fastener, "internal") == pytest.approx(3.00)
    assert swot.weighted_score(fastener, "external") == pytest.approx(2.45)
    assert swot.ie_position(startup)["cell"] == "V"
    assert swot.ie_position(fastener) == pytest.approx({
        "ife_total": 3.0, "efe_total": 2.45, "internal": "strong", "external": "medium",
        "cell": "IV", "posture": "grow and build"})


def test_weighted_score_is_numpys_weighted_average(small):
    internal = small[small["kind"].isin(["S", "W"])]
    expected = np.average(internal["rating"], weights=internal["weight"])
    assert swot.weighted_score(small, "internal") == pytest.approx(expected) == pytest.approx(2.9)
    assert swot.weighted_score(small) == swot.weighted_score(small, "internal")
    assert swot.weighted_score(small, "external") == pytest.approx(0.6 * 2 + 0.4 * 3)


def test_scale_ends_and_midpoint_follow_david():
    # All factors at the bottom, top and middle of the 1-4 scale give 1.0, 4.0 and 2.5 (David).
    low = items([("a", "O", 0.7, 1), ("b", "T", 0.3, 1)])
    high = items([("a", "O", 0.7, 4), ("b", "T", 0.3, 4)])
    middle = items([("a", "S", 0.5, 3), ("b", "W", 0.5, 2)])
    assert swot.weighted_score(low, "external") == pytest.approx(1.0)
    assert swot.weighted_score(high, "external") == pytest.approx(4.0)
    assert swot.weighted_score(middle, "internal") == pytest.approx(2.5)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 100), st.integers(1, 4)), min_size=1, max_size=12))
def test_external_total_stays_in_one_to_four(rows):
    points = np.array([p for p, _ in rows], dtype=float)
    frame = items([(f"f{i}", "O" if i % 2 else "T", p / points.sum(), r)
                   for i, (p, r) in enumerate(rows)])
    total = swot.weighted_score(frame, "external")
    assert 1.0 - 1e-12 <= total <= 4.0 + 1e-12
    assert total == pytest.approx(np.average([r for _, r in rows], weights=points))


def test_evaluation_matrix_lists_strengths_first_and_names_the_ratings(small):
    shuffled = small.iloc[[2, 4, 0, 3, 1]]
    ife = swot.evaluation_matrix(shuffled, "internal")
    assert list(ife["kind"]) == ["S", "S", "W"]
    assert list(ife["code"]) == ["S1", "S2", "W1"]
    assert list(ife["meaning"]) == ["major strength", "minor strength", "major weakness"]
    assert ife["weighted_score"].tolist() == pytest.approx([2.0, 0.6, 0.3])
    efe = swot.evaluation_matrix(shuffled, "external")
    assert list(efe["meaning"]) == ["average response", "above-average response"]
    halves = items([("a", "O", 1.0, 2.5)])
    assert swot.evaluation_matrix(halves, "external")["meaning"][0] == (
        "between average response and above-average response")


def test_rating_conventions_differ_between_ife_and_efe():
    # IFE: a strength is rated 3 or 4, a weakness 1 or 2. EFE: any factor may get 1-4.
    with pytest.raises(ValueError, match=r"strength must be in \[3, 4\].*IFE"):
        swot.weighted_score(items([("brand", "S", 1.0, 2)]), "internal")
    with pytest.raises(ValueError, match=r"weakness must be in \[1, 2\]"):
        swot.weighted_score(items([("brand", "S", 0.5, 4), ("debt", "W", 0.5, 4)]), "internal")
    threat_met_superbly = items([("imports", "T", 1.0, 4)])
    assert swot.weighted_score(threat_met_superbly, "external") == 4.0


def test_weights_must_sum_to_one_within_the_tolerance(small):
    nearly = small.assign(weight=[0.5, 0.2, 0.3004, 0.6, 0.4])
    # Within the tolerance the total is the weighted mean: 2.9004 / 1.0004.
    assert swot.weighted_score(nearly, "internal") == pytest.approx(2.9004 / 1.0004)
    loose = small.assign(weight=[0.5, 0.2, 0.2, 0.6, 0.4])
    with pytest.raises(ValueError, match=r"internal factors \(S\+W\) must sum to 1.*0\.9000"):
        swot.weighted_score(loose, "internal")
    # The external side is still fine, and is checked on its own.
    assert swot.weighted_score(loose, "external") == pytest.approx(2.4)
    with pytest.raises(ValueError, match="sum to 1"):
        swot.tows_matrix(loose)


@pytest.mark.parametrize(
    ("change", "error", "words"),
    [
        ({"kind": ["S", "S", "W", "O", "X"]}, ValueError, r"kind'\] must be one of .*'X'"),
        ({"kind": ["s", "S", "W", "O", "T"]}, ValueError, "unknown"),
        ({"rating": [5, 3, 1, 2, 3]}, ValueError, r"rating'\] must be <= 4"),
        ({"rating": [4, 3, 1, 0, 3]}, ValueError, r"rating'\] must be >= 1"),
        ({"rating": [4, 3, 1, np.nan, 3]}, ValueError, "finite"),
        ({"rating": ["high", 3, 1, 2, 3]}, TypeError, "numeric"),
        ({"weight": [0.5, 0.2, 0.3, 1.2, -0.2]}, ValueError, r"weight'\] must be"),
        ({"factor": ["brand", None, "cash", "x", "y"]}, ValueError, "name every factor"),
        ({"factor": ["brand", "brand", "cash", "x", "y"]}, ValueError, "same factor twice"),
    ],
)
def test_bad_items_raise_a_clear_error(small, change, error, words):
    with pytest.raises(error, match=words):
        swot.weighted_score(small.assign(**change), "internal")


def test_bad_arguments_raise_a_clear_error(small):
    with pytest.raises(ValueError, match=r"kind must be one of \['internal', 'external'\]"):
        swot.weighted_score(small, "inside")
    with pytest.raises(TypeError, match="DataFrame"):
        swot.weighted_score([("brand", "S", 1.0, 4)], "internal")
    with pytest.raises(ValueError, match="missing column"):
        swot.weighted_score(small.drop(columns="rating"), "internal")
    with pytest.raises(ValueError, match="no external factors"):
        swot.weighted_score(small[small["kind"].isin(["S", "W"])], "external")
    with pytest.raises(ValueError, match="at least one row"):
        swot.weighted_score(small.iloc[:0], "internal")
    with pytest.raises(ValueError, match="code'\\] must be unique"):
        swot.check_items(small.assign(code=["S1", "S1", "W1", "O1", "T1"]))
    with pytest.raises(ValueError, match="top must be in"):
        swot.tows_matrix(small, top=0)


# IFE and EFE totals and the cell David's IE matrix puts them in (IFE on x, EFE on y).
IE_GRID = [
    (3.5, 3.5, "I"), (2.5, 3.5, "II"), (1.5, 3.5, "III"),
    (3.5, 2.5, "IV"), (2.5, 2.5, "V"), (1.5, 2.5, "VI"),
    (3.5, 1.5, "VII"), (2.5, 1.5, "VIII"), (1.5, 1.5, "IX"),
    # boundaries: 3.0 is strong/high, 2.0 is average/medium, the scale ends are included
    (3.0, 3.0, "I"), (2.0, 2.0, "V"), (2.99, 2.99, "V"), (1.99, 1.99, "IX"), (1.0, 1.0, "IX"),
    (4.0, 4.0, "I"), (2.0, 3.0, "II"), (3.0, 1.0, "VII"),
]


@pytest.mark.parametrize(("ife", "efe", "cell"), IE_GRID)
def test_ie_cell_places_totals_on_the_nine_cells(ife, efe, cell):
    assert swot.ie_cell(ife, efe) == cell


def test_ie_cell_reproduces_a_published_ie_exercise():
    # "IE Matrix" exercise (J. Gelera, Scribd doc 482647549): seven divisions with IFE/EFE
    # totals and the region each belongs to (1 grow and build, 2 hold and maintain, 3 harvest
    # or divest). Division 4 sits on the IFE boundary 2.0, which the answer key calls average.
    published = [
        (2.8, 1.3, "harvest or divest"), (3.5, 1.5, "hold and maintain"),
        (1.2, 2.4, "harvest or divest"), (2.0, 1.2, "harvest or divest"),
        (1.8, 1.7, "harvest or divest"), (3.8, 3.5, "grow and build"),
        (3.1, 1.6, "hold and maintain"),
    ]
    for ife, efe, posture in published:
        assert swot.ie_posture(swot.ie_cell(ife, efe)) == posture, (ife, efe)
    assert swot.ie_cell(2.0, 1.2) == "VIII"


def test_float_round_off_does_not_move_a_total_down_a_band():
    # three threats weighted .30/.35/.35, all rated 2, total 2.0 but sum to 1.9999999999999998
    frame = items([("a", "T", 0.3, 2), ("b", "T", 0.35, 2), ("c", "T", 0.35, 2)])
    total = swot.weighted_score(frame, "external")
    assert total == pytest.approx(2.0)
    assert swot.ie_band(1.9999999999999998, "external") == "medium"
    assert swot.ie_band(total, "external") == "medium"
    assert swot.ie_cell(total, total) == "V"
    assert swot.ie_band(1.9999, "external") == "low"


def test_ie_postures_cover_every_cell_once():
    cells = [c for group in swot.IE_POSTURES.values() for c in group]
    assert sorted(cells) == sorted(swot.IE_CELLS.values())
    assert [swot.ie_posture(c) for c in ("I", "II", "IV")] == ["grow and build"] * 3
    assert [swot.ie_posture(c) for c in ("III", "V", "VII")] == ["hold and maintain"] * 3
    assert [swot.ie_posture(c) for c in ("VI", "VIII", "IX")] == ["harvest or divest"] * 3


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: swot.ie_cell(0.9, 2.0), ValueError, r"ife_total must be in \[1, 4\]"),
        (lambda: swot.ie_cell(2.0, 4.5), ValueError, r"efe_total must be in \[1, 4\]"),
        (lambda: swot.ie_cell("3", 2.0), TypeError, "ife_total must be a real number"),
        (lambda: swot.ie_cell(float("nan"), 2.0), ValueError, "finite"),
        (lambda: swot.ie_band(2.0, "outside"), ValueError, "kind must be one of"),
        (lambda: swot.ie_posture("X"), ValueError, "cell must be one of"),
        (lambda: swot.ie_posture(5), TypeError, "cell must be a string"),
    ],
)
def test_bad_ie_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_intensity_turns_every_rating_into_how_hard_the_factor_pulls(small):
    # S: rating; W: 5 - rating (1 = major weakness -> 4); O, T: 5 - rating (poor response -> 4)
    assert swot.intensity(small).tolist() == [4, 3, 4, 3, 2]


def test_tows_matrix_crosses_every_pair_in_weihrichs_four_cells(small):
    table = swot.tows_matrix(small)
    assert list(table["strategy"]) == ["SO", "SO", "WO", "ST", "ST", "WT"]
    assert len(table) == 2 * 1 + 1 * 1 + 2 * 1 + 1 * 1
    so = table[table["strategy"] == "SO"]
    assert list(so["internal"]) == ["brand", "patents"] and list(so["rank"]) == [1, 2]
    # salience = weight x intensity; priority = product of the pair's saliences
    assert so["internal_salience"].tolist() == pytest.approx([0.5 * 4, 0.2 * 3])
    assert so["priority"].tolist() == pytest.approx([2.0 * 0.6 * 3, 0.6 * 0.6 * 3])
    wt = table[table["strategy"] == "WT"].iloc[0]
    assert (wt["internal_code"], wt["external_code"]) == ("W1", "T1")
    assert wt["priority"] == pytest.approx((0.3 * 4) * (0.4 * 2))
    assert (table["idea"] == "").all()
    assert set(swot.TOWS_STRATEGIES) == {"SO", "WO", "ST", "WT"}


def test_tows_matrix_ranks_the_case_pairs_and_keeps_the_top(small):
    fastener = datasets.load("swot_fastener_maker")
    full = swot.tows_matrix(fastener)
    counts = fastener["kind"].value_counts()
    assert len(full) == (counts["S"] + counts["W"]) * (counts["O"] + counts["T"])
    for _, cell in full.groupby("strategy"):
        assert cell["priority"].is_monotonic_decreasing
        assert list(cell["rank"]) == list(range(1, len(cell) + 1))
    best = swot.tows_matrix(fastener, top=1).set_index("strategy")
    assert list(best.index) == ["SO", "WO", "ST", "WT"]
    # Buyers searching online (O2, poorly answered) is the most pressing opportunity, and the
    # 60 % revenue concentration (W1, a major weakness) the heaviest weakness.
    assert tuple(best.loc["SO", ["internal_code", "external_code"]]) == ("S1", "O2")
    assert tuple(best.loc["WO", ["internal_code", "external_code"]]) == ("W1", "O2")
    assert best.loc["SO", "priority"] == pytest.approx((0.20 * 4) * (0.15 * 4))


def test_normalise_weights_within_each_side():
    draft = pd.DataFrame({"factor": list("abcdef"), "kind": list("SWWOTT"),
                          "importance": [6, 3, 1, 5, 3, 2]})
    weighted = swot.normalise_weights(draft)
    assert weighted["weight"].tolist() == pytest.approx([0.6, 0.3, 0.1, 0.5, 0.3, 0.2])
    assert "weight" not in draft.columns
    with pytest.raises(ValueError, match="more than 0 on each side.*external"):
        swot.normalise_weights(draft.assign(importance=[6, 3, 1, 0, 0, 0]))
    with pytest.raises(ValueError, match=">= 0"):
        swot.normalise_weights(draft.assign(importance=[6, 3, 1, 5, 3, -2]))
    with pytest.raises(ValueError, match="unknown"):
        swot.normalise_weights(draft.assign(kind=list("SWWOTX")))


def test_swot_lists_sort_each_quadrant_by_weight(small):
    board = swot.swot_lists(small)
    assert board == {"S": ["brand", "patents"], "W": ["cash"], "O": ["digital shift"],
                     "T": ["imports"]}


def test_totals_at_the_scale_ends_survive_float_round_off():
    # Found by hypothesis: these EFE weights sum to 1, yet the all-1 total was 0.9999999999999999.
    items = pd.DataFrame({
        "factor": ["S0", "W1", "O0", "T1", "T2"], "kind": ["S", "W", "O", "T", "T"],
        "weight": [0.5, 0.5, 0.044693, 0.519553, 0.435754], "rating": [3, 1, 1, 1, 1],
    })
    assert swot.weighted_score(items, "external") == pytest.approx(1.0)
    assert swot.ie_cell(swot.weighted_score(items, "internal"),
                        swot.weighted_score(items, "external")) == "VIII"
    assert swot.ie_band(0.9999999999999999, "external") == "low"
    with pytest.raises(ValueError, match=r"efe_total must be in \[1, 4\]"):
        swot.ie_cell(2.0, 0.99)


def test_rating_sensitivity_finds_the_fragile_boundary():
    """The fastener maker's IFE is exactly 3.00: any downgraded strength drops it into cell V."""
    fastener = datasets.load("swot_fastener_maker")
    table = swot.rating_sensitivity(fastener)
    assert len(table) == len(fastener) and list(table.columns) == [
        "kind", "rating", "cell_down", "cell_up", "moves"]
    assert table.loc["S1", "cell_down"] == "V" and table.loc["S1", "cell_up"] == ""  # 4 is the top
    assert table.loc["W1", "cell_down"] == "" and table.loc["W1", "cell_up"] == "IV"  # 1 -> 2 only
    # by hand: S4 (weight 0.10) rated 3 instead of 4 lowers the IFE by 0.10 to 2.90: average
    changed = fastener.copy()
    changed.loc[changed["code"] == "S4", "rating"] = 3
    assert swot.ie_position(changed)["cell"] == table.loc["S4", "cell_down"] == "V"
    assert table["moves"].sum() == 6


def test_rating_sensitivity_validates_items():
    with pytest.raises(ValueError, match="rating"):
        swot.rating_sensitivity(pd.DataFrame({"factor": ["a"], "kind": ["S"], "weight": [1.0],
                                              "rating": [1.0]}))
