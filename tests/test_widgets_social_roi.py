"""The social-media ROI explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets
from marketing_kit import social_roi as sr
from marketing_kit.widgets import _plotly
from marketing_kit.widgets.social_roi import GAIN, LOSS, explorer

CHANNELS = ["Facebook", "LinkedIn", "Twitter", "YouTube"]


@pytest.fixture
def app():
    return explorer(datasets.load("social_roi_channels"))


def _expected(app) -> object:
    """What the topic module says for the sliders as they are now."""
    value = sr.conversion_value(app.controls["ltv"].value, app.controls["conversion_rate"].value)
    return sr.roi_table(app.inputs(), value, app.controls["hourly_rate"].value, "downloads")


def test_initial_state_reproduces_the_seed_table(app):
    assert app.value_per_conversion == pytest.approx(17.5)
    assert round(app.table.loc["Facebook", "roi_pct"]) == 171
    assert round(app.table.loc["Total", "roi_pct"]) == 7
    assert "Facebook" in app.table_html.value
    assert "<th>ROI (%)</th>" in app.table_html.value and "roi_pct" not in app.table_html.value
    bars = app.roi_figure.data[0]
    assert isinstance(app.roi_figure, _plotly.Chart) and len(app.roi_figure.data) == 1
    assert list(bars.x) == CHANNELS
    assert list(bars.y) == pytest.approx(app.table.drop(index="Total")["roi_pct"].tolist())
    assert list(bars.text) == ["+171%", "-60%", "-53%", "-77%"]
    assert list(bars.marker.color) == [GAIN, LOSS, LOSS, LOSS]  # only Facebook beats break-even
    # the synced figure (what the browser draws) carries the same bars
    assert app.roi_figure.figure["data"][0]["y"] == pytest.approx(list(bars.y))


def test_break_even_and_all_channels_lines(app):
    break_even, total = app.roi_figure.layout.shapes
    assert (break_even.y0, break_even.y1, break_even.line.dash) == (0, 0, "dash")
    assert break_even.name == "break-even (ROI = 0%)" and break_even.showlegend
    assert total.y0 == total.y1 == pytest.approx(app.table.loc["Total", "roi_pct"])
    assert total.name == "all channels (+7%)" and total.showlegend
    assert (break_even.xref, total.xref) == ("paper", "paper")  # both span every bar
    assert app.roi_figure.layout.yaxis.title.text == "ROI (%)"
    assert app.roi_figure.layout.title.text == "Return on investment by channel"


def test_moving_sliders_recomputes_roi_and_redraws_in_place(app):
    bars = app.roi_figure.data[0]
    sent = []
    app.roi_figure.observe(lambda change: sent.append(change["new"]), names="figure")
    app.controls["YouTube:hours"].value = 50
    expected = sr.roi_percent(198 * 17.5, sr.channel_cost(0, 50, 50))
    assert app.table.loc["YouTube", "roi_pct"] == pytest.approx(expected)
    assert app.roi_figure.data[0] is bars  # the same trace, updated
    assert bars.y[3] == pytest.approx(expected) and bars.text[3] == f"{expected:+.0f}%"
    assert len(sent) == 1  # one message to the browser per move
    app.controls["conversion_rate"].value = 0.05
    assert app.value_per_conversion == pytest.approx(175 * 0.05)
    assert app.table.loc["Facebook", "revenue"] == pytest.approx(3174 * 175 * 0.05)
    app.controls["hourly_rate"].value = 5
    assert app.table.loc["Facebook", "cost"] == pytest.approx(500 + 400 * 5)
    table = _expected(app)
    assert list(bars.y) == pytest.approx(table.drop(index="Total")["roi_pct"].tolist())
    assert list(bars.marker.color) == [GAIN if v > 0 else LOSS
                                       for v in table.drop(index="Total")["roi_pct"]]
    total = app.roi_figure.layout.shapes[1]
    assert total.y0 == pytest.approx(table.loc["Total", "roi_pct"])
    assert total.name == f"all channels ({table.loc['Total', 'roi_pct']:+.0f}%)"
    assert len(app.roi_figure.data) == 1 and len(app.roi_figure.layout.shapes) == 2
    assert sent[-1]["layout"]["shapes"][1]["y0"] == pytest.approx(total.y0)


def test_hourly_rate_of_5_turns_every_channel_profitable(app):
    """The notebook's 'Try this': at $5 an hour every bar rises above the break-even line."""
    app.controls["hourly_rate"].value = 5
    assert min(app.roi_figure.data[0].y) > 0
    assert set(app.roi_figure.data[0].marker.color) == {GAIN}


def test_invalid_setting_shows_a_message_instead_of_raising(app):
    drawn = list(app.roi_figure.data[0].y)
    app.controls["hourly_rate"].value = 0  # YouTube (no spend) now costs nothing
    app.controls["Twitter:spend"].value = 0
    assert "positive cost" in app.message.value
    assert list(app.roi_figure.data[0].y) == drawn  # the last valid chart stays
    app.controls["hourly_rate"].value = 50
    assert app.message.value == ""
    assert list(app.roi_figure.data[0].y) == pytest.approx(
        _expected(app).drop(index="Total")["roi_pct"].tolist())


def test_korean_labels_keep_the_numbers():
    """Issue 18: in Korean the labels change, the numbers and the control keys do not."""
    from marketing_kit import i18n

    channels = datasets.load("social_roi_channels")
    english = explorer(channels)
    i18n.set_language("ko")
    try:
        app = explorer(channels)
        app.controls["hourly_rate"].value = 5  # redraw once more in Korean
        assert app.controls["conversion_rate"].description == "전환율"
        assert app.controls["YouTube:hours"].description == "YouTube 근무시간"
        assert "전환당 가치" in app.summary.value and "합계" in app.table_html.value
        assert "Total" in app.table.index  # only the display is translated
        layout = app.roi_figure.layout
        assert layout.title.text == "채널별 투자수익률(ROI)"
        assert layout.yaxis.title.text == "투자수익률 ROI (%)"
        assert layout.shapes[0].name == "손익분기점 (ROI = 0%)"
        assert layout.shapes[1].name.startswith("전체 채널 (")
        assert "NanumGothic" in layout.font.family  # plotly draws Hangul with the page's fonts
        app.controls["hourly_rate"].value = 50
        assert app.table.equals(english.table)
        assert list(app.roi_figure.data[0].y) == list(english.roi_figure.data[0].y)
    finally:
        i18n.set_language("en")
    assert "Value per conversion" in explorer(channels).summary.value


def test_roi_bar_chart_stays_a_static_figure():
    """The worked example (section 2) still draws the matplotlib chart with both lines."""
    from marketing_kit.widgets.social_roi import roi_bar_chart

    value = sr.conversion_value(175, 0.10)
    table = sr.roi_table(datasets.load("social_roi_channels"), value, 50, "downloads")
    axes = roi_bar_chart(table).axes[0]
    assert [text.get_text() for text in axes.get_legend().get_texts()] == [
        "break-even (ROI = 0%)", "all channels (+7%)"]


def test_the_chart_is_built_with_its_first_picture(opened_charts):
    """The bars are in the chart's first state: no update message is needed to show them.

    A browser that drops the messages sent while a chart's module loads still draws them.
    """
    opened = opened_charts  # the state each chart opens with (conftest)
    app = explorer(datasets.load("social_roi_channels"), hourly_rate=5)
    assert len(opened) == 1 and opened[0] == app.roi_figure.figure
    bars = opened[0]["data"][0]
    assert bars["y"] == pytest.approx(app.table.drop(index="Total")["roi_pct"].tolist())
    assert min(bars["y"]) > 0 and bars["text"][0] == "+2122%"
    total = opened[0]["layout"]["shapes"][1]
    assert total["visible"] and total["y0"] == pytest.approx(app.table.loc["Total", "roi_pct"])
    sent = []
    app.roi_figure.observe(lambda change: sent.append(change["new"]), names="figure")
    app.refresh()
    assert sent == [] and app.message.value == ""


def test_invalid_first_settings_build_an_empty_chart_and_a_message():
    app = explorer(datasets.load("social_roi_channels"), hourly_rate=0)  # YouTube costs nothing
    assert "positive cost" in app.message.value
    assert list(app.roi_figure.data[0].y) == [None] * 4
    assert app.roi_figure.layout.shapes[1].visible is False
    app.controls["hourly_rate"].value = 50
    assert app.message.value == "" and app.roi_figure.layout.shapes[1].visible
    assert round(app.roi_figure.data[0].y[0]) == 171
