"""The getting-started explorer, built and driven headless."""

from __future__ import annotations

import re

import pytest

from marketing_kit import datasets
from marketing_kit import getting_started as gs
from marketing_kit.widgets import _plotly
from marketing_kit.widgets.getting_started import HIGHLIGHT, MUTED, explorer

CHANNELS = ["Facebook", "Instagram", "LinkedIn", "Twitter", "YouTube"]


@pytest.fixture(scope="module")
def weekly():
    return datasets.load("social_weekly")


@pytest.fixture
def app(weekly):
    return explorer(weekly)


def test_initial_state_is_the_whole_year_of_all_channels(app, weekly):
    assert app.controls["weeks"].value == (1, 52)
    assert app.selected["leads"] == weekly["leads"].sum()
    assert len(app.series) == 52
    assert "LinkedIn" in app.table_html.value
    assert "<th>cost per lead</th>" in app.table_html.value  # headers in words, not column names
    assert "_" not in "".join(re.findall(r"<th>([^<]*)</th>", app.table_html.value))
    assert f"{weekly['leads'].sum():,}" in app.summary.value
    chart = app.chart
    assert isinstance(chart, _plotly.Chart) and len(chart.data) == 3
    year, span, bars = chart.data
    per_week = weekly.groupby("week")["leads"].sum()
    assert list(year.x) == list(range(1, 53)) and list(year.y) == per_week.tolist()
    assert list(span.x) == list(range(1, 53)) and span.name == "weeks 1–52"
    assert list(bars.x) == sorted(weekly["channel"].unique())
    assert list(bars.y) == weekly.groupby("channel")["leads"].sum().tolist()
    assert list(bars.marker.color) == [HIGHLIGHT] * len(bars.x)  # all channels are picked
    assert (bars.xaxis, bars.yaxis) == ("x2", "y2")  # the right-hand panel
    assert chart.figure["data"][2]["y"] == list(bars.y)  # what the browser draws


def test_chart_labels_band_and_panels(app):
    layout = app.chart.layout
    assert (layout.shapes[0].x0, layout.shapes[0].x1) == (0.5, 52.5)  # the weeks' band
    assert layout.xaxis.title.text == "week" and layout.yaxis.title.text == "leads"
    assert [a.text for a in layout.annotations] == ["leads per week: All channels",
                                                    "total leads, weeks 1–52"]
    assert layout.xaxis.domain[1] < layout.xaxis2.domain[0]  # two panels side by side
    assert app.chart.data[0].name == "whole year"


def test_controls_recompute_totals_series_and_chart(app, weekly):
    year, span, bars = app.chart.data
    sent = []
    app.chart.observe(lambda change: sent.append(change["new"]), names="figure")
    app.controls["channel"].value = "LinkedIn"
    app.controls["weeks"].value = (20, 40)
    linkedin = weekly[(weekly["channel"] == "LinkedIn") & weekly["week"].between(20, 40)]
    assert app.selected["leads"] == linkedin["leads"].sum()
    cost = linkedin["spend"].sum() + 50 * linkedin["hours"].sum()
    assert app.selected["cost"] == pytest.approx(cost)
    assert "LinkedIn, weeks 20–40" in app.summary.value
    assert len(sent) == 2  # one message per move
    assert app.chart.data == (year, span, bars)  # the same traces, updated in place
    leads = gs.weekly_metric(weekly, "leads", "LinkedIn")
    assert list(year.y) == leads.tolist()
    assert list(span.x) == list(range(20, 41)) and list(span.y) == leads.loc[20:40].tolist()
    assert span.name == "weeks 20–40"
    assert (app.chart.layout.shapes[0].x0, app.chart.layout.shapes[0].x1) == (19.5, 40.5)
    totals = gs.channel_totals(weekly, (20, 40))
    assert list(bars.y) == totals.drop(index="Total")["leads"].tolist()
    assert list(bars.marker.color) == [HIGHLIGHT if c == "LinkedIn" else MUTED for c in bars.x]
    assert list(bars.text) == [f"{v:,.0f}" for v in bars.y]

    app.controls["metric"].value = "customers"
    year_customers = weekly[weekly["channel"] == "LinkedIn"].set_index("week")["customers"]
    assert app.series.name == "customers"
    assert (app.series == year_customers).all()
    assert list(year.y) == year_customers.tolist()
    assert list(bars.y) == totals.drop(index="Total")["customers"].tolist()
    assert app.chart.layout.yaxis.title.text == "new customers"
    assert [a.text for a in app.chart.layout.annotations] == [
        "customers per week: LinkedIn", "total customers, weeks 20–40"]
    app.controls["metric"].value = "cost"  # spend + hours x the hourly rate
    assert list(year.y) == pytest.approx(gs.weekly_metric(weekly, "cost", "LinkedIn").tolist())
    # the table always lists every channel for the range, whatever channel is picked
    assert list(app.totals.index) == list(gs.channel_totals(weekly, (20, 40)).index)
    assert len(app.chart.data) == 3 and len(app.chart.layout.shapes) == 1


def test_moving_only_the_weeks_keeps_the_weekly_series(app, weekly):
    app.controls["channel"].value = "YouTube"
    series = app.series
    app.controls["weeks"].value = (30, 34)
    assert app.series is series  # weekly_metric's inputs did not change: not recomputed
    assert app.selected["leads"] == weekly[(weekly["channel"] == "YouTube")
                                           & weekly["week"].between(30, 34)]["leads"].sum()
    totals = app.totals
    app.controls["metric"].value = "clicks"
    assert app.totals is totals and app.series.name == "clicks"
    assert list(app.chart.data[2].y) == totals.drop(index="Total")["clicks"].tolist()


def test_a_range_without_leads_shows_a_message_not_a_traceback(weekly):
    quiet = weekly.copy()
    quiet.loc[(quiet["channel"] == "YouTube") & (quiet["week"] <= 2), "leads"] = 0
    app = explorer(quiet)
    app.controls["weeks"].value = (1, 2)
    assert "no leads for ['YouTube']" in app.message.value
    assert app.chart.layout.shapes[0].x1 == 52.5  # the last valid chart stays
    app.controls["weeks"].value = (1, 3)
    assert app.message.value == ""
    assert (app.chart.layout.shapes[0].x0, app.chart.layout.shapes[0].x1) == (0.5, 3.5)


def test_bad_settings_are_refused(weekly):
    with pytest.raises(ValueError, match="hourly_rate"):
        explorer(weekly, hourly_rate=-1)
    with pytest.raises(ValueError, match="weeks"):
        explorer(weekly, weeks=(10, 5))


def test_korean_labels_keep_english_values(weekly):
    """Issue 18: in Korean the labels change, the option values and numbers do not."""
    from marketing_kit import i18n

    i18n.set_language("ko")
    try:
        app = explorer(weekly, channel="LinkedIn", weeks=(30, 34), metric="cost")
        assert app.controls["channel"].description == "채널"
        assert "전체 채널" in app.controls["channel"]._options_labels
        assert "리드당 비용" in app.table_html.value and "합계" in app.table_html.value
        assert "LinkedIn, 30–34주" in app.summary.value
        layout = app.chart.layout
        assert [a.text for a in layout.annotations] == ["주별 비용: LinkedIn",
                                                        "비용 합계, 30–34주"]
        assert layout.xaxis.title.text == "주"
        assert layout.yaxis.title.text == "비용($): 프로모션 비용 + 시간 x 시급"
        assert [d.name for d in app.chart.data[:2]] == ["1년 전체", "30–34주"]
        assert "NanumGothic" in layout.font.family  # plotly draws Hangul with the page's fonts
        app.controls["channel"].value = gs.ALL_CHANNELS  # values stay English
        in_weeks = weekly[weekly["week"].between(30, 34)]
        assert app.selected["leads"] == in_weeks["leads"].sum()
        assert app.chart.layout.annotations[0].text == "주별 비용: 전체 채널"
    finally:
        i18n.set_language("en")
    english = explorer(weekly, channel="LinkedIn", weeks=(30, 34))
    assert "LinkedIn, weeks 30–34" in english.summary.value


def test_explorer_chart_stays_a_static_figure(weekly):
    from marketing_kit.widgets.getting_started import explorer_chart

    series = gs.weekly_metric(weekly, "leads")
    figure = explorer_chart(series, gs.channel_totals(weekly, (30, 34)), "leads",
                            gs.ALL_CHANNELS, (30, 34))
    line, bars = figure.axes
    assert line.get_title() == "leads per week: All channels"
    assert [tick.get_text() for tick in bars.get_xticklabels()] == CHANNELS


def test_the_chart_is_built_with_its_first_picture(weekly, opened_charts):
    """The first picture is in the chart's first state: no update message is needed to show it.

    A browser that drops the messages sent while a chart's module loads still draws it.
    """
    opened = opened_charts  # the state each chart opens with (conftest)
    app = explorer(weekly, channel="LinkedIn", weeks=(30, 34), metric="cost")
    assert len(opened) == 1 and opened[0] == app.chart.figure
    year, span, bars = opened[0]["data"]
    assert year["y"] == pytest.approx(gs.weekly_metric(weekly, "cost", "LinkedIn").tolist())
    assert span["x"] == [30, 31, 32, 33, 34] and span["name"] == "weeks 30–34"
    totals = gs.channel_totals(weekly, (30, 34))
    assert bars["y"] == pytest.approx(totals.drop(index="Total")["cost"].tolist())
    layout = opened[0]["layout"]
    assert (layout["shapes"][0]["x0"], layout["shapes"][0]["x1"]) == (29.5, 34.5)
    assert layout["annotations"][0]["text"] == "cost per week: LinkedIn"
    assert layout["yaxis"]["title"]["text"] == "cost ($): spend + hours x rate"
    sent = []
    app.chart.observe(lambda change: sent.append(change["new"]), names="figure")
    app.refresh()
    assert sent == [] and app.message.value == ""


def test_invalid_first_settings_build_an_empty_chart_and_a_message(weekly):
    quiet = weekly.copy()
    quiet.loc[(quiet["channel"] == "YouTube") & (quiet["week"] <= 2), "leads"] = 0
    app = explorer(quiet, weeks=(1, 2))
    assert "no leads for ['YouTube']" in app.message.value
    assert list(app.chart.data[0].y) == [] and app.chart.layout.annotations[0].text == ""
    app.controls["weeks"].value = (1, 3)
    assert app.message.value == "" and list(app.chart.data[1].x) == [1, 2, 3]
