"""The SWOT/IE explorer, built and driven headless."""

from __future__ import annotations

import pandas as pd
import pytest

from marketing_kit import datasets, i18n, swot
from marketing_kit.widgets.swot import (
    explorer,
    ie_grid_figure,
    swot_board_figure,
    swot_board_html,
)


@pytest.fixture
def case():
    return datasets.load("swot_analytics_startup")


@pytest.fixture
def app(case):
    return explorer(case, "Analytics start-up")


def test_initial_state_reproduces_the_case(app, case):
    expected = swot.weighted_score(case, "internal")
    assert app.ife_total == pytest.approx(expected) == pytest.approx(2.2)
    assert app.efe_total == pytest.approx(2.15)
    assert (app.cell, app.posture) == ("V", "hold and maintain")
    assert app.items["weight"].tolist() == pytest.approx(case["weight"].tolist())
    assert list(app.tows["strategy"]) == ["SO", "WO", "ST", "WT"]
    dot = app.ie_figure.data[0]
    assert (dot.x[0], dot.y[0]) == pytest.approx((2.2, 2.15))
    assert dot.name == "Analytics start-up: IFE 2.20, EFE 2.15 → cell V"
    layout = app.ie_figure.layout
    assert tuple(layout.xaxis.range) == (4, 1) and tuple(layout.yaxis.range) == (1, 4)
    assert len(layout.shapes) == 9 and "IFE total" in layout.xaxis.title.text
    notes = [a.text for a in layout.annotations]
    assert "<b>V</b>" in notes and "hold and maintain" in notes
    board = app.board_html.value
    assert "Strengths (internal)" in board and "Threats (external)" in board
    assert "<b>S1</b> One dashboard" in board and "weight 0.15 · rating 4" in board
    assert "IE cell V" in app.summary.value and "SO" in app.tows_html.value
    assert app.message.value == ""


def test_rating_sliders_follow_davids_scales(app):
    assert (app.controls["S1:rating"].min, app.controls["S1:rating"].max) == (3, 4)
    assert (app.controls["W1:rating"].min, app.controls["W1:rating"].max) == (1, 2)
    assert (app.controls["T1:rating"].min, app.controls["T1:rating"].max) == (1, 4)
    app.controls["W1:rating"].value = 4  # clamped: a weakness cannot be rated as a strength
    assert app.controls["W1:rating"].value == 2


def test_moving_sliders_moves_the_dot_across_the_ie_grid(app, case):
    before_board = app.board_html.value
    # Every strength a major strength, every weakness a minor one: IFE .45 x 4 + .55 x 2 = 2.9.
    with app.hold():
        for code in case.loc[case["kind"] == "S", "code"]:
            app.controls[f"{code}:rating"].value = 4
        for code in case.loc[case["kind"] == "W", "code"]:
            app.controls[f"{code}:rating"].value = 2
        assert app.ife_total == pytest.approx(2.2)  # held: nothing recomputed yet
    assert app.ife_total == pytest.approx(0.45 * 4 + 0.55 * 2)
    assert app.cell == "V"
    # Superior responses to every opportunity: EFE .60 x 4 + .65 (threats) = 3.05, high.
    with app.hold():
        for code in case.loc[case["kind"] == "O", "code"]:
            app.controls[f"{code}:rating"].value = 4
    expected = swot.weighted_score(app.items, "external")
    assert app.efe_total == pytest.approx(expected) == pytest.approx(0.60 * 4 + 0.65)
    assert (app.cell, app.posture) == ("II", "grow and build")
    dot = app.ie_figure.data[0]  # the chart's trace moved in place, no new trace
    assert len(app.ie_figure.data) == 1
    assert (dot.x[0], dot.y[0]) == pytest.approx((app.ife_total, app.efe_total))
    assert dot.name.endswith("cell II")
    assert app.board_html.value != before_board and "rating 4" in app.board_html.value


def test_importance_points_are_normalised_within_each_side(app):
    app.controls["S1:points"].value = 35  # was 15 of 100 internal points, now 35 of 120
    weights = app.items.set_index("code")["weight"]
    assert weights["S1"] == pytest.approx(35 / 120)
    assert weights[["S1", "S2", "S3", "S4", "S5", "W1", "W2", "W3", "W4", "W5"]].sum() == (
        pytest.approx(1.0))
    assert weights["O1"] == pytest.approx(0.20)  # the external side is untouched
    assert f"weight {35 / 120:.2f}" in app.board_html.value
    # the board lists each quadrant heaviest first: S1 now leads the strengths
    strengths = app.board_html.value.split("Weaknesses")[0]
    assert strengths.index("<b>S1</b>") < strengths.index("<b>S2</b>")
    assert app.ife_total == pytest.approx(swot.weighted_score(app.items, "internal"))


def test_zeroing_a_side_shows_a_message_instead_of_raising(app, case):
    with app.hold():
        for code in case.loc[case["kind"].isin(["O", "T"]), "code"]:
            app.controls[f"{code}:points"].value = 0
    assert "sum to more than 0" in app.message.value
    app.controls["O1:points"].value = 10
    assert app.message.value == ""
    assert app.efe_total == pytest.approx(3.0)  # O1 alone, rated 3


def test_figures_draw_both_cases():
    fastener = datasets.load("swot_fastener_maker")
    board = swot_board_figure(fastener, "Fastener maker")
    texts = " ".join(t.get_text() for ax in board.axes for t in ax.texts)
    assert len(board.axes) == 4 and "W1  Three buyers" in texts
    grid = ie_grid_figure({"start-up": (2.2, 2.15), "fastener": (3.0, 2.45)})
    labels = [t.get_text() for t in grid.axes[0].get_legend().get_texts()]
    assert labels[1].endswith("cell IV")
    with pytest.raises(ValueError, match="ife_total"):
        ie_grid_figure({"bad": (0.5, 2.0)})


def test_korean_labels(case):
    i18n.set_language("ko")
    try:
        app = explorer(case, "Analytics start-up")
    finally:
        i18n.set_language("en")
    assert "강점 (내부)" in app.board_html.value and "평점" in app.board_html.value
    assert app.ie_figure.layout.title.text == "IE 매트릭스"
    assert "셀" in app.ie_figure.data[0].name and "유지·관리" in app.summary.value
    assert "TOWS 전략" in app.tows_html.value
    assert app.controls["S1:points"].description == "S1 점수"
    assert app.ife_total == pytest.approx(2.2)  # numbers unchanged


def test_every_move_shows_what_the_single_topic_functions_give(app):
    """The explorer validates once (swot.analysis); its outputs equal the one-by-one calls."""
    for name, value in (("S1:points", 30.0), ("O3:rating", 4), ("T2:points", 0.0),
                        ("W2:rating", 2), ("O1:points", 5.0)):
        app.controls[name].value = value
        position = swot.ie_position(app.items)
        assert (app.ife_total, app.efe_total, app.cell) == (
            position["ife_total"], position["efe_total"], position["cell"])
        pd.testing.assert_frame_equal(app.tows, swot.tows_matrix(app.items, top=1))
        assert app.board_html.value == swot_board_html(app.items, "SWOT: Analytics start-up")
