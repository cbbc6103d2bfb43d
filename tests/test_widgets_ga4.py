"""The GA4 dashboard explorer, built and driven headless."""

from __future__ import annotations

import re

import pytest

from marketing_kit import datasets, ga4
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import figure_png
from marketing_kit.widgets.ga4 import (
    dashboard_chart,
    explorer,
    rate_chart,
    trend_chart,
    weekly_totals,
)


def _check_chart(app):
    """The chart holds what the ga4 functions give for the explorer's current selection."""
    chart = app.chart
    weekly = weekly_totals(app.selection)
    weeks = [w.strftime("%Y-%m-%d") for w in weekly.index]
    assert list(chart.data[0].x) == weeks == list(chart.data[1].x)
    assert list(chart.data[0].y) == list(weekly["key_events"])
    assert list(chart.data[1].y) == list(weekly["sessions"])
    ranked = ga4.with_intervals(ga4.report(app.selection, "landing_page")).sort_values(
        "key_event_rate")
    assert list(chart.data[2].y) == list(ranked.index)
    assert list(chart.data[2].x) == pytest.approx(list(100 * ranked["key_event_rate"]))
    assert list(chart.data[2].error_x.array) == pytest.approx(
        list(100 * (ranked["ci_high"] - ranked["key_event_rate"])))
    assert list(chart.data[2].error_x.arrayminus) == pytest.approx(
        list(100 * (ranked["key_event_rate"] - ranked["ci_low"])))
    assert chart.figure["data"][1]["y"] == list(weekly["sessions"])  # what the browser gets


@pytest.fixture(scope="module")
def export():
    return datasets.load("ga4_content_daily")


@pytest.fixture
def app(export):
    return explorer(export)


def test_initial_state_is_the_whole_year(app, export):
    assert app.kpis["sessions"] == export["sessions"].sum()
    assert app.kpis["key_events"] == export["key_events"].sum()
    assert app.kpis["engagement_rate"] == pytest.approx(
        export["engaged_sessions"].sum() / export["sessions"].sum()
    )
    assert isinstance(app.chart, _plotly.Chart) and len(app.chart.data) == 3
    _check_chart(app)
    assert app.chart.data[1].yaxis == "y2" and app.chart.layout.yaxis2.overlaying == "y"
    assert app.chart.data[2].orientation == "h" and app.chart.data[2].xaxis == "x3"
    assert [a.text for a in app.chart.layout.annotations] == [
        "Sessions (line) and key events (bars) per week", "Session key event rate by landing page"]
    assert app.chart.layout.xaxis3.title.text == "key events per 100 sessions (95 % CI)"
    assert "/pricing" in app.table_html.value and "Engagement rate" in app.cards.value
    headers = re.findall(r"<th>([^<]*)</th>", app.table_html.value)
    assert {"sessions", "engagement rate", "key events", "key event rate"} <= set(headers)
    assert not [h for h in headers if "_" in h]  # words, not the raw column names
    assert len(app.weekly) == 51  # complete weeks only


def test_construction_sends_no_update(export, monkeypatch):
    """The comm_open carries the first picture: nothing is sent right after construction."""
    sent = []
    monkeypatch.setattr(_plotly, "update", lambda *args, **kwargs: sent.append(args))
    explorer(export)
    assert sent == []


def test_controls_recompute(app, export):
    chart, traces = app.chart, app.chart.data
    sessions_before = list(chart.data[1].y)
    app.controls["device"].value = "mobile"
    app.controls["channel"].value = "Paid Social"
    rows = export[
        (export["device_category"] == "mobile")
        & (export["session_default_channel_group"] == "Paid Social")
    ]
    assert app.kpis["sessions"] == rows["sessions"].sum()
    assert app.kpis["key_event_rate"] == pytest.approx(
        rows["key_events"].sum() / rows["sessions"].sum()
    )
    _check_chart(app)
    assert list(chart.data[1].y) != sessions_before
    app.controls["dates"].value = ("2025-07-01", "2025-08-31")
    summer = rows[(rows["date"] >= "2025-07-01") & (rows["date"] <= "2025-08-31")]
    assert app.kpis["sessions"] == summer["sessions"].sum()
    assert app.table.equals(ga4.report(summer, "landing_page"))
    assert app.message.value == ""
    _check_chart(app)
    assert chart.data[0].x[0] >= "2025-07-01" and chart.data[0].x[-1] <= "2025-08-31"
    assert app.chart is chart and all(a is b for a, b in zip(chart.data, traces, strict=True))


def test_only_changed_traces_are_sent(app, monkeypatch):
    sent = []
    monkeypatch.setattr(_plotly, "update", lambda chart, traces, layout=None: sent.append(
        set(traces)))
    app.controls["device"].value = "mobile"
    assert sent == [{0, 1, 2}]
    app.refresh()  # same inputs: nothing sent
    assert sent == [{0, 1, 2}]


def test_error_bars_keep_their_style_when_their_lengths_move(app):
    """A move sends only the bars' lengths; their style stays on the trace the browser gets."""
    style = {"type": "data", "symmetric": False, "color": "#333", "width": 3}
    for name, value in (("device", "mobile"), ("dates", ("2025-03-03", "2025-03-30")),
                        ("channel", "Email")):
        app.controls[name].value = value
        error_x = app.chart.figure["data"][2]["error_x"]
        assert {key: error_x[key] for key in style} == style
        assert len(error_x["array"]) == len(error_x["arrayminus"]) == len(app.table)
    _check_chart(app)


def test_empty_selection_shows_a_message(export):
    rows = export[
        ~(
            (export["session_default_channel_group"] == "Referral")
            & (export["device_category"] == "tablet")
            & (export["date"] == "2025-12-25")
        )
    ]
    app = explorer(rows)
    app.controls["dates"].value = ("2025-12-25", "2025-12-25")
    app.controls["channel"].value = "Referral"
    app.controls["device"].value = "tablet"
    assert "no sessions" in app.message.value
    assert len(app.chart.data[0].x) > 0  # the chart keeps the last picture beside the message
    app.controls["device"].value = "All"
    assert app.message.value == ""


def test_charts_render(export):
    assert figure_png(trend_chart(export, "device")).startswith(b"\x89PNG")
    pages = ga4.report(export, "landing_page")
    assert figure_png(dashboard_chart(weekly_totals(export), pages)).startswith(b"\x89PNG")
    assert figure_png(rate_chart(ga4.report(export, "device"))).startswith(b"\x89PNG")
    by_page = weekly_totals(export, "landing_page")
    assert set(by_page.columns) == set(export["landing_page"])
    with pytest.raises(ValueError, match="by must be one of"):
        trend_chart(export, "country")


def test_korean_labels_keep_the_numbers_and_draw_hangul(export):
    """Issue 18: in Korean the labels change; numbers, option values and GA4's names do not."""
    import warnings

    from marketing_kit import i18n

    english = explorer(export)
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            app = explorer(export)
            app.controls["device"].value = "mobile"  # the value stays English
            app.controls["device"].value = "All"
            trend = figure_png(trend_chart(export, "channel"))
            rates = figure_png(rate_chart(ga4.report(export, "device")))
        assert app.controls["channel"].description == "채널 그룹"
        assert app.controls["channel"].label == "전체"
        assert ("Paid Social", "Paid Social") in app.controls["channel"].options
        assert "참여율" in app.cards.value and "Engagement rate" not in app.cards.value
        assert [a.text for a in app.chart.layout.annotations] == [
            "주별 세션(선)과 주요 이벤트(막대)", "방문 페이지별 세션 주요 이벤트 비율"]
        assert app.chart.layout.yaxis.title.text == "주별 주요 이벤트 (막대)"
        assert app.chart.data[1].name == "세션"
        assert list(app.chart.data[2].x) == list(english.chart.data[2].x)
        assert "<th>세션</th>" in app.table_html.value and "/pricing" in app.table_html.value
        assert app.kpis.equals(english.kpis) and app.table.equals(english.table)
        stops = [s.value for s in app.chart.layout.xaxis.tickformatstops]
        assert stops == ["%-m월 %-d일", "%Y년 %-m월", "%Y년"]  # not plotly.js's "Jan 2025"
        assert not english.chart.layout.xaxis.tickformatstops  # English keeps plotly's labels
        assert trend.startswith(b"\x89PNG") and rates.startswith(b"\x89PNG")
    finally:
        i18n.set_language("en")
    assert "Engagement rate" in explorer(export).cards.value
