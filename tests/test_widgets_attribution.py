"""The attribution explorer, built and driven headless."""

from __future__ import annotations

import pandas as pd
import pytest

from marketing_kit import attribution as at
from marketing_kit import channels as ch
from marketing_kit import datasets
from marketing_kit.widgets.attribution import STAGE_COLOURS, explorer

GREY = "#bdbdbd"  # a dropped channel's bar


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame]:
    return datasets.load("attribution_journeys"), datasets.load("attribution_channels")


@pytest.fixture
def app(data):
    return explorer(*data)


def kept_share(cut: pd.DataFrame) -> list[float]:
    """What the right chart should show: percent of today's level the cut keeps."""
    columns = ["conversions", "monthly_cost", "qualified_leads"]
    return (cut.loc["kept", columns] / cut.loc["all channels", columns] * 100).tolist()


def test_initial_state_is_markov_with_every_channel_kept(app, data):
    journeys, channels = data
    pd.testing.assert_frame_equal(app.attribution, at.markov_attribution(journeys))
    order = list(ch.rank_by_stage(channels).index)
    assert app.kept() == order
    assert app.cut.loc["kept", "conversions"] == pytest.approx(journeys["conversions"].sum())
    assert app.controls["half_life"].disabled
    assert "all channels" in app.table_html.value and app.message.value == ""

    bars = app.credit_figure.data[0]
    assert list(bars.y) == order
    markov = at.markov_attribution(journeys)["conversions"].reindex(order)
    assert list(bars.x) == pytest.approx(markov.tolist())
    assert bars.text[order.index("Retargeting")] == f"{markov['Retargeting']:,.0f}"
    stage = ch.channel_metrics(channels)["stage"]
    assert list(bars.marker.color) == [STAGE_COLOURS[stage[n]] for n in order]
    assert app.credit_figure.layout.title.text == "Attribution: Markov"
    assert app.credit_figure.layout.xaxis.title.text == "attributed conversions"
    assert app.credit_figure.layout.yaxis.autorange == "reversed"  # first stage on top
    assert [d.name for d in app.credit_figure.data[1:]] == [
        "awareness", "consideration", "conversion", "dropped"]

    right = app.cut_figure.data[0]
    assert list(right.y) == pytest.approx([100.0, 100.0, 100.0])
    assert right.x[0] == "conversions<br>(Markov)"  # the chart says which model removes
    line = app.cut_figure.layout.shapes[0]
    assert (line.y0, line.y1, line.line.dash) == (100, 100, "dash")  # today's level
    assert app.cut_figure.layout.title.text == "Keeping 9 of 9 channels"


def test_model_and_half_life_drive_the_bars(app, data):
    journeys, _ = data
    traces = app.credit_figure.data
    cut_before = app.cut_figure.figure
    app.controls["model"].value = "time_decay"
    assert not app.controls["half_life"].disabled
    app.controls["half_life"].value = 3.0
    expected = at.heuristic_attribution(journeys, "time_decay", half_life=3.0)
    pd.testing.assert_frame_equal(app.attribution, expected)
    bars = app.credit_figure.data[0]
    assert list(bars.x) == pytest.approx(expected["conversions"].reindex(app.order).tolist())
    assert bars.x != pytest.approx(at.markov_attribution(journeys)["conversions"]
                                   .reindex(app.order).tolist())
    title = app.credit_figure.layout.title.text
    assert title == "Attribution: Time decay (half-life 3 touches)"
    assert app.credit_figure.layout.xaxis.range[1] == pytest.approx(
        expected["conversions"].max() * 1.18)
    assert all(a is b for a, b in zip(app.credit_figure.data, traces, strict=True))  # updated
    assert app.cut_figure.figure == cut_before  # the cut did not change: its chart is left alone

    app.controls["model"].value = "first_touch"
    assert app.attribution.loc["Retargeting", "conversions"] == 0
    bars = app.credit_figure.data[0]
    assert bars.x[app.order.index("Retargeting")] == 0
    first = at.heuristic_attribution(journeys, "first_touch")["conversions"]
    assert bars.x[app.order.index("Social")] == pytest.approx(first["Social"])
    assert app.credit_figure.layout.title.text == "Attribution: First touch"


def test_half_life_is_ignored_by_other_models(app):
    sent = []
    app.credit_figure.observe(lambda change: sent.append(change), names="figure")
    app.controls["half_life"].value = 5.0  # markov: nothing to redraw
    assert sent == [] and app.attribution is app._tables[("markov",)]


def test_checklist_shows_removal_effect_and_cost(app, data):
    journeys, channels = data
    app.controls["keep:Retargeting"].value = False
    impact = at.removal_impact(journeys, ["Retargeting"])
    assert app.cut.loc["kept", "conversions"] == pytest.approx(impact["conversions"])
    cost = channels.set_index("channel")["monthly_cost"]
    assert app.cut.loc["change", "monthly_cost"] == -cost["Retargeting"]
    assert "Retargeting" in app.summary.value
    assert f"{impact['conversions']:,.0f}" in app.summary.value
    assert "lost, not rerouted" in app.summary.value  # the Markov caveat stays beside the number

    expected = ch.cut_effect(channels, [n for n in app.order if n != "Retargeting"], journeys)
    right = app.cut_figure.data[0]
    assert list(right.y) == pytest.approx(kept_share(expected))
    assert right.y[0] == pytest.approx(100 * impact["conversions"] / journeys["conversions"].sum())
    assert right.text[0] == f"{right.y[0]:.0f}%"
    assert right.hovertext[1] == (f"${cost.sum():,.0f} → ${cost.sum() - cost['Retargeting']:,.0f}")
    assert app.cut_figure.layout.title.text == "Keeping 8 of 9 channels"
    colours = app.credit_figure.data[0].marker.color
    assert colours[app.order.index("Retargeting")] == GREY
    assert GREY not in [c for n, c in zip(app.order, colours, strict=True) if n != "Retargeting"]
    assert len(app.cut_figure.data) == 1 and len(app.credit_figure.data) == 5


def test_unticking_everything_shows_a_message(app):
    for name in app.kept():
        app.controls[f"keep:{name}"].value = False
    assert "at least one channel" in app.message.value
    app.controls["keep:Direct"].value = True
    assert app.message.value == "" and app.kept() == ["Direct"]
    assert app.cut_figure.layout.title.text == "Keeping 1 of 9 channels"
    colours = app.credit_figure.data[0].marker.color
    assert [c == GREY for c in colours] == [n != "Direct" for n in app.order]


def test_channel_table_must_cover_the_journeys(data):
    journeys, channels = data
    with pytest.raises(ValueError, match="lacks the journey channel"):
        explorer(journeys, channels[channels["channel"] != "Video"])


def test_korean_labels_keep_the_numbers(data):
    """Issue 18: in Korean the labels and option labels change; values and numbers do not.
    Plotly draws the charts' text with the browser's fonts (Hangul: NanumGothic, see
    ``_plotly.FONT``); the notebook's static charts are matplotlib and must find Hangul glyphs."""
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
            app.controls["keep:Retargeting"].value = False
            app.controls["model"].value = "time_decay"
            figure_png(model_comparison_chart(at.compare_models(data[0])))
            figure_png(goal_chart(ch.channel_metrics(data[1])))
        assert app.controls["model"].value == "time_decay"
        assert ("마르코프", "markov") in app.controls["model"].options
        assert "제외할 채널" in app.summary.value and "전체 채널" in app.table_html.value
        assert "all channels" in app.cut.index  # only the display is translated
        pd.testing.assert_frame_equal(app.cut, english.cut)
        assert f"{app.cut.loc['kept', 'conversions']:,.0f}" in app.summary.value
        assert app.credit_figure.layout.title.text == "기여도 분석: 시간 감쇠 (반감기 1접점)"
        assert app.credit_figure.layout.xaxis.title.text == "배분된 전환 수"
        assert [d.name for d in app.credit_figure.data[1:]] == ["인지", "고려", "전환", "제외"]
        assert app.cut_figure.data[0].x[0] == "전환<br>(마르코프)"
        assert app.cut_figure.layout.title.text == "채널 9개 중 8개 유지"
        assert app.cut_figure.layout.yaxis.title.text == "현재 수준 대비 유지 비율 (%)"
        assert list(app.cut_figure.data[0].y) == list(english.cut_figure.data[0].y)
    finally:
        i18n.set_language("en")
    assert "Dropping" in explorer(*data).summary.value


@pytest.mark.parametrize("code", ["en", "ko"])
def test_model_dropdown_shows_readable_names_and_keeps_raw_values(data, code):
    """The dropdown showed the raw names (first_touch, position_based); its values stay them."""
    from marketing_kit import i18n

    i18n.set_language(code)
    try:
        app = explorer(*data)
        options = app.controls["model"].options
        app.controls["model"].value = "position_based"
        title = app.credit_figure.layout.title.text
    finally:
        i18n.set_language("en")
    assert [value for _, value in options] == list(at.MODELS)
    labels = [label for label, _ in options]
    assert not any("_" in label for label in labels)
    assert len(set(labels)) == len(labels)
    expected = {"en": ("First touch", "Position-based (40/20/40)"),
                "ko": ("최초 상호작용", "위치 기반 (U자형, 40/20/40)")}[code]
    assert (labels[0], labels[4]) == expected
    assert title.endswith(expected[1])  # the chart title names the model as the dropdown does
    if code == "ko":
        assert all(label in i18n.catalogue("ko").values() for label in labels)


@pytest.mark.parametrize("code", ["en", "ko"])
def test_table_headers_are_words_not_column_names(data, code):
    """The English table's headers were the raw columns (monthly_cost, qualified_leads)."""
    import re

    from marketing_kit import i18n

    i18n.set_language(code)
    try:
        html = explorer(*data).table_html.value
    finally:
        i18n.set_language("en")
    headers = [h for h in re.findall(r"<th>(.*?)</th>", html) if h]
    expected = {"en": ["channels", "monthly cost ($)", "qualified leads", "lead quality",
                       "cost per qualified lead ($)", "conversions"],
                "ko": ["채널 수", "월 비용 ($)", "적격 리드", "리드 품질", "적격 리드당 비용 ($)",
                       "전환 수"]}[code]
    assert headers[:6] == expected
