"""Claims test for 02-swot-tows: every number or ordering the notebook's prose states.

Each ``test_claim_*`` recomputes one claim with ``marketing_kit`` and checks that the markdown of
``solutions/02-swot-tows`` states it (helpers in ``tests/notebook_claims.py``).
"""

from __future__ import annotations

import pandas as pd
import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import datasets, swot

TEXT = markdown("02-swot-tows")


@pytest.fixture(scope="module")
def startup() -> pd.DataFrame:
    return datasets.load("swot_analytics_startup")


@pytest.fixture(scope="module")
def fastener() -> pd.DataFrame:
    return datasets.load("swot_fastener_maker")


def factor(items: pd.DataFrame, code: str) -> pd.Series:
    return items.set_index("code").loc[code]


def pair(items: pd.DataFrame, strategy: str, rank: int) -> tuple[str, str, float]:
    table = swot.tows_matrix(items)
    row = table[(table["strategy"] == strategy) & (table["rank"] == rank)].iloc[0]
    return row["internal_code"], row["external_code"], float(row["priority"])


def test_claim_startup_size_and_leads(startup):
    assert "Lean team of 8" in factor(startup, "S5")["factor"]
    assert "about 30 a month" in factor(startup, "W3")["factor"]
    assert_states(TEXT, "an eight-person venture", "team size")
    assert_states(TEXT, "gets about 30 qualified leads a month", "leads per month")


def test_claim_startup_totals_and_cell(startup):
    pos = swot.ie_position(startup)
    assert pos["ife_total"] < 2.5
    assert_states(TEXT, f"IFE = {pos['ife_total']:.2f} is below the 2.5 average", "IFE total")
    assert_states(TEXT, f"EFE = {pos['efe_total']:.2f} says", "EFE total")
    assert (pos["cell"], pos["posture"]) == ("V", "hold and maintain")
    assert_states(TEXT, "sits in **cell V: hold and\nmaintain**", "IE cell")


def test_claim_startup_strength_and_heaviest_weaknesses(startup):
    items = startup.set_index("code")
    assert items.loc["S1", "rating"] == 4
    weak = items[items["kind"] == "W"]
    assert (weak.loc[["W1", "W2", "W4"], "rating"] == 1).all()
    assert set(weak.index[weak["weight"] == weak["weight"].max()]) <= {"W1", "W2", "W4"}
    assert_states(TEXT, "the dashboard itself, S1, is a major strength", "S1")
    assert_states(TEXT, "no marketing staff (W1), no brand (W2), a short cash runway (W4)",
                  "major weaknesses")


def test_claim_startup_weak_responses(startup):
    items = startup.set_index("code")
    assert items.loc["O3", "rating"] <= 2 and items.loc["O5", "rating"] == 1
    assert items.loc["T2", "rating"] == 1
    assert_states(TEXT, "it hardly uses LinkedIn (O3) or account-based marketing (O5) and\nhas no "
                        "answer to the big global suites (T2)", "weak responses")


def test_claim_best_so_pair(startup):
    assert pair(startup, "SO", 1)[:2] == ("S1", "O1")
    assert_states(TEXT, "the best **SO** pair is the dashboard (S1) with firms moving budget into "
                        "digital marketing (O1)", "best SO")


def test_claim_wo_tie(startup):
    first, second = pair(startup, "WO", 1), pair(startup, "WO", 2)
    assert {first[:2], second[:2]} == {("W1", "O1"), ("W2", "O1")} and first[2] == second[2]
    assert_states(TEXT, f"(W1 × O1 and W2 × O1 tie\nat {first[2]:.2f})", "WO tie")


def test_claim_wt_tie(startup):
    first, second = pair(startup, "WT", 1), pair(startup, "WT", 2)
    assert first[:2] == ("W1", "T1") and second[:2] == ("W2", "T1") and first[2] == second[2]
    assert "Free native insights" in factor(startup, "T1")["factor"]
    assert_states(TEXT, "led by W1 × T1 (free native insights; tied with W2 × T1)", "WT tie")


def test_claim_startup_sensitivity(startup):
    table = swot.rating_sensitivity(startup)
    assert list(table.index[table["moves"]]) == ["O1"]
    assert table.loc["O1", "cell_down"] == "VIII" and table.loc["O1", "rating"] == 3
    changed = startup.copy()
    changed.loc[changed["code"] == "O1", "rating"] = 2
    before = swot.weighted_score(startup, "external")
    after = swot.weighted_score(changed, "external")
    assert_states(TEXT, f"Only one of the {len(startup)} factors can move the start-up",
                  "one factor")
    assert_states(TEXT, f"drops the EFE total from {before:.2f} to {after:.2f} and the firm "
                        "into cell "
                        "VIII (harvest or divest)", "O1 downgrade")


def test_claim_float_sum_example():
    total = 0.30 * 2 + 0.35 * 2 + 0.35 * 2
    assert total != 2.0 and swot.ie_band(total, "external") == "medium"
    assert_states(TEXT, f"add up to {total!r}, which must still count as 2.0", "float sum")


def test_claim_draft_points_halve_without_sides(fastener):
    points = pd.Series([9, 7, 5, 3, 8, 6, 4, 2, 9, 8, 3, 5, 9, 6, 5, 2])
    internal = fastener["kind"].isin(["S", "W"]).to_numpy()
    share = points[internal].sum() / points.sum()
    assert 0.45 < share < 0.55 and len(points) == len(fastener) == 16
    assert_states(TEXT, "Dividing by the sum of all 16 rows\nwould make each side add up to "
                        "about one "
                        "half", "q1 hint")


def test_claim_fastener_sits_on_a_boundary(fastener):
    ife = swot.weighted_score(fastener, "internal")
    assert round(ife, 6) == 3.0
    assert_states(TEXT, "The fastener maker's own IFE total sits right on a\nboundary", "q3 hint")


def test_claim_largest_weight_times_rating_is_a_minor_weakness(fastener):
    weak = fastener[fastener["kind"] == "W"]
    product = weak["weight"] * weak["rating"]
    assert (weak.loc[product == product.max(), "rating"] == 2).all()
    assert_states(TEXT, "The weakness with the largest weight × rating is the *mildest* heavy "
                        "weakness", "q5 hint")


def test_claim_model_answer_so_pair(fastener):
    assert pair(fastener, "SO", 1) == ("S1", "O2", pytest.approx(0.48))
    s1, o2 = factor(fastener, "S1"), factor(fastener, "O2")
    assert_states(TEXT, "S1 × O2 (the top SO pair, priority 0.48)", "top SO pair")
    assert_states(TEXT, f"(O2, weight {o2['weight']:.2f}, rated {o2['rating']}", "O2")
    assert s1["rating"] == 4
    assert_states(TEXT, f"(S1, weight {s1['weight']:.2f}, a major strength)", "S1")


def test_claim_model_answer_wt_pairs(fastener):
    top2 = {pair(fastener, "WT", 1)[:2], pair(fastener, "WT", 2)[:2]}
    assert top2 == {("W1", "T1"), ("W1", "T3")}
    assert "60%" in factor(fastener, "W1")["factor"]
    assert_states(TEXT, "**WT:** W1 × T1 or W1 × T3: 60 % of revenue", "WT pairs")


def test_claim_model_answer_position(fastener):
    pos = swot.ie_position(fastener)
    assert pos["cell"] == "IV" and pos["posture"] == "grow and build"
    assert_states(TEXT, f"cell IV (IFE {pos['ife_total']:.2f} strong, EFE {pos['efe_total']:.2f} "
                        "medium) calls for grow and build", "fastener position")


def test_claim_model_answer_fragility(fastener):
    table = swot.rating_sensitivity(fastener)
    moving = table[table["moves"]]
    assert set(moving.index) == {"S1", "S2", "S3", "S4", "W2", "W3"}
    assert set(moving["cell_down"]) == {"V"} and set(moving["cell_up"]) == {""}
    assert_states(TEXT, f"a one-step change of {len(moving)} of the {len(table)} ratings "
                        "(downgrading any "
                        "strength, or W2 or W3) would put the firm in cell V", "fragile posture")


CLAIMS = len([name for name in list(globals()) if name.startswith("test_claim_")])


def test_claims_count():
    assert CLAIMS >= 15, f"02-swot-tows has {CLAIMS} claims tests"
