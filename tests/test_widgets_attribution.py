"""The attribution explorer, built and driven headless."""

from __future__ import annotations

import pandas as pd
import pytest

from marketing_kit import attribution as at
from marketing_kit import channels as ch
from marketing_kit import datasets
from marketing_kit.widgets.attribution import explorer


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    return datasets.load("attribution_journeys"), datasets.load("attribution_channels")


@pytest.fixture
def app(data):
    return explorer(*data)


def test_initial_state_is_markov_with_every_channel_kept(app, data):
    journeys, channels = data
    pd.testing.assert_frame_equal(app.attribution, at.markov_attribution(journeys))
    assert app.kept() == list(ch.rank_by_stage(channels).index)
    assert app.cut.loc["kept", "conversions"] == pytest.approx(journeys["conversions"].sum())
    assert app.controls["half_life"].disabled
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert "all channels" in app.table_html.value and app.message.value == ""


def test_model_and_half_life_drive_the_bars(app, data):
    journeys, _ = data
    before = app.image.value
    app.controls["model"].value = "time_decay"
    assert not app.controls["half_life"].disabled
    app.controls["half_life"].value = 3.0
    expected = at.heuristic_attribution(journeys, "time_decay", half_life=3.0)
    pd.testing.assert_frame_equal(app.attribution, expected)
    assert app.image.value != before
    app.controls["model"].value = "first_touch"
    assert app.attribution.loc["Retargeting", "conversions"] == 0


def test_checklist_shows_removal_effect_and_cost(app, data):
    journeys, channels = data
    app.controls["keep:Retargeting"].value = False
    impact = at.removal_impact(journeys, ["Retargeting"])
    assert app.cut.loc["kept", "conversions"] == pytest.approx(impact["conversions"])
    cost = channels.set_index("channel")["monthly_cost"]
    assert app.cut.loc["change", "monthly_cost"] == -cost["Retargeting"]
    assert "Retargeting" in app.summary.value
    assert f"{impact['conversions']:,.0f}" in app.summary.value


def test_unticking_everything_shows_a_message(app):
    for name in app.kept():
        app.controls[f"keep:{name}"].value = False
    assert "at least one channel" in app.message.value
    app.controls["keep:Direct"].value = True
    assert app.message.value == "" and app.kept() == ["Direct"]


def test_channel_table_must_cover_the_journeys(data):
    journeys, channels = data
    with pytest.raises(ValueError, match="lacks the journey channel"):
        explorer(journeys, channels[channels["channel"] != "Video"])


def test_korean_labels_keep_the_numbers_and_draw_hangul(data):
    """Issue 18: in Korean the labels and option labels change; values and numbers do not."""
    import warnings

    from marketing_kit import i18n
    from marketing_kit.widgets._base import figure_png
    from marketing_kit.widgets.attribution import goal_chart, model_comparison_chart

    english = explorer(*data)
    english.controls["keep:Retargeting"].value = False
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            app = explorer(*data)
            app.controls["keep:Retargeting"].value = False  # redraw once more in Korean
            figure_png(model_comparison_chart(at.compare_models(data[0])))
            figure_png(goal_chart(ch.channel_metrics(data[1])))
        assert app.controls["model"].value == "markov"
        assert ("마르코프", "markov") in app.controls["model"].options
        assert "제외할 채널" in app.summary.value and "전체 채널" in app.table_html.value
        assert "all channels" in app.cut.index  # only the display is translated
        pd.testing.assert_frame_equal(app.cut, english.cut)
        assert f"{app.cut.loc['kept', 'conversions']:,.0f}" in app.summary.value
    finally:
        i18n.set_language("en")
    assert "Dropping" in explorer(*data).summary.value
