"""The SWOT/IE explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets, swot
from marketing_kit.widgets.swot import explorer, ie_grid_figure, swot_board_figure


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
    assert bytes(app.ie_image.value).startswith(b"\x89PNG")
    assert bytes(app.board_image.value).startswith(b"\x89PNG")
    assert "IE cell V" in app.summary.value and "SO" in app.tows_html.value
    assert app.message.value == ""


def test_rating_sliders_follow_davids_scales(app):
    assert (app.controls["S1:rating"].min, app.controls["S1:rating"].max) == (3, 4)
    assert (app.controls["W1:rating"].min, app.controls["W1:rating"].max) == (1, 2)
    assert (app.controls["T1:rating"].min, app.controls["T1:rating"].max) == (1, 4)
    app.controls["W1:rating"].value = 4  # clamped: a weakness cannot be rated as a strength
    assert app.controls["W1:rating"].value == 2


def test_moving_sliders_moves_the_dot_across_the_ie_grid(app, case):
    before_ie, before_board = app.ie_image.value, app.board_image.value
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
    assert app.ie_image.value != before_ie and app.board_image.value != before_board


def test_importance_points_are_normalised_within_each_side(app):
    app.controls["S1:points"].value = 35  # was 15 of 100 internal points, now 35 of 120
    weights = app.items.set_index("code")["weight"]
    assert weights["S1"] == pytest.approx(35 / 120)
    assert weights[["S1", "S2", "S3", "S4", "S5", "W1", "W2", "W3", "W4", "W5"]].sum() == (
        pytest.approx(1.0))
    assert weights["O1"] == pytest.approx(0.20)  # the external side is untouched
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
