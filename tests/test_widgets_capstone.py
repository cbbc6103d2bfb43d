"""The capstone explorer, built and driven headless: levers in, plan numbers out."""

from __future__ import annotations

import pytest

from marketing_kit import capstone, datasets, ltv, social_roi
from marketing_kit.widgets import _plotly
from marketing_kit.widgets.capstone import GREEN, RED, explorer, scenario_chart


def _check_chart(app):
    """The chart holds the scenario's per-channel numbers and the LTV / 3 ceiling."""
    chart, r = app.chart, app.result
    table, cap = r["table"], r["ltv"] / capstone.TARGET_RATIO
    assert list(chart.data[0].y) == list(table.index) == list(chart.data[1].y)
    assert list(chart.data[0].x) == pytest.approx(list(table["customers"]))
    assert list(chart.data[1].x) == pytest.approx(list(table["cac"] / 1000))
    assert list(chart.data[1].marker.color) == [GREEN if c <= cap else RED
                                                for c in table["cac"]]
    assert list(chart.data[2].x) == pytest.approx([cap / 1000] * 2)
    label = chart.layout.annotations[2]
    assert label.x == pytest.approx(cap / 1000) and label.text == f"LTV / 3 = ${cap:,.0f}"
    assert chart.figure["data"][1]["x"] == pytest.approx(list(table["cac"] / 1000))


@pytest.fixture(scope="module")
def channels():
    return capstone.channel_table(datasets.load("capstone_campaigns"))


@pytest.fixture
def app(channels):
    return explorer(channels)


def test_initial_state_is_2025(app, channels):
    # the budget slider rounds 2025's spend to $10,000; last year's split at last year's rates
    spend = float(channels["spend"].sum())
    assert app.controls["budget"].value == pytest.approx(round(spend, -4))
    shares = {name: app.controls[f"{name}:share"].value for name in channels.index}
    total = sum(shares.values())
    expected = sum(app.controls["budget"].value * share / total / channels.loc[name, "cac"]
                   for name, share in shares.items())
    assert app.result["customers"] == pytest.approx(expected)
    assert app.result["customers"] == pytest.approx(channels["won"].sum(), rel=0.01)
    assert app.result["ltv"] == pytest.approx(ltv.simple_clv(24_000 * 0.8, 0.85, 0.10,
                                                             first_margin_now=True))
    assert "LTV:CAC" in app.summary.value and app.message.value == ""
    assert isinstance(app.chart, _plotly.Chart) and len(app.chart.data) == 3
    _check_chart(app)
    assert list(app.chart.data[1].marker.color).count(RED) == 1  # 2025: trade shows over LTV / 3
    assert [a.text for a in app.chart.layout.annotations][:2] == [
        "Customers by channel", "CAC by channel (dashed: LTV / 3)"]
    assert app.chart.layout.xaxis2.title.text == "CAC ($ thousand)"
    assert app.chart.data[2].line.dash == "dash"


def test_construction_sends_no_update(channels, monkeypatch):
    """The comm_open carries the first picture: nothing is sent right after construction."""
    sent = []
    monkeypatch.setattr(_plotly, "update", lambda *args, **kwargs: sent.append(args))
    explorer(channels)
    assert sent == []


def test_only_changed_traces_are_sent(app, monkeypatch):
    sent = []
    monkeypatch.setattr(_plotly, "update", lambda chart, traces, layout=None: sent.append(
        (set(traces), layout)))
    app.controls["budget"].value = 2 * app.controls["budget"].value  # customers; CAC stays
    assert sent[-1] == ({0}, None)
    app.controls["price"].value = 40_000  # the ceiling moves, and so do the bar colours
    assert sent[-1][0] == {1, 2} and sent[-1][1] is not None
    app.refresh()  # same inputs: nothing sent
    assert len(sent) == 2


def test_levers_recompute_revenue_cac_ltv_and_roi(app, channels):
    chart, traces = app.chart, app.chart.data
    app.controls["price"].value = 40_000
    clv = ltv.simple_clv(40_000 * 0.8, 0.85, 0.10, first_margin_now=True)
    assert app.result["ltv"] == pytest.approx(clv)
    assert app.result["revenue"] == pytest.approx(app.result["customers"] * 40_000)
    customers = app.result["customers"]
    app.controls["conversion_factor"].value = 0.7
    assert app.result["customers"] == pytest.approx(0.7 * customers)
    budget = app.controls["budget"].value
    assert app.result["cac"] == pytest.approx(budget / app.result["customers"])
    assert app.result["ltv_to_cac"] == pytest.approx(clv / app.result["cac"])
    assert app.result["roi_pct"] == pytest.approx(
        social_roi.roi_percent(app.result["customers"] * clv, budget))
    _check_chart(app)
    assert RED not in app.chart.data[1].marker.color  # at $40,000 every channel pays back
    assert app.chart is chart and all(a is b for a, b in zip(chart.data, traces, strict=True))


def test_budget_split_moves_customers_between_channels(app, channels):
    for name in channels.index:
        app.controls[f"{name}:share"].value = 0.0
    assert "positive share" in app.message.value
    app.controls["Trade show:share"].value = 50.0
    app.controls["Referral:share"].value = 50.0
    assert app.message.value == ""
    table = app.result["table"]
    half = app.controls["budget"].value / 2
    for name in ("Trade show", "Referral"):
        expected = half / channels.loc[name, "cac"]  # at 2025's cost per lead and lead-to-won rate
        assert table.loc[name, "customers"] == pytest.approx(expected)
    assert set(table.index) == set(channels.index)
    assert table.drop(index=["Trade show", "Referral"])["customers"].sum() == 0
    _check_chart(app)
    assert list(app.chart.data[0].x).count(0) == len(channels) - 2


def test_korean_labels_keep_the_numbers_and_draw_hangul(channels):
    """In Korean the labels change; the numbers and the control keys do not."""
    import warnings

    from marketing_kit import i18n
    from marketing_kit.widgets._base import figure_png

    english = explorer(channels)
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            app = explorer(channels)
            app.controls["price"].value = 30_000  # redraw once more in Korean
            figure_png(scenario_chart(app.result["table"], app.result["max_cac"]))
        assert app.controls["price"].description == "가격 ($/년)"
        assert app.controls["Email:share"].description == "Email 비중 (%)"
        assert "고객 수" in app.summary.value
        assert [a.text for a in app.chart.layout.annotations][:2] == [
            "채널별 고객 수", "채널별 CAC (점선: LTV / 3)"]
        assert app.chart.layout.xaxis.title.text == "신규 고객"
        english.controls["price"].value = 30_000
        assert app.result["roi_pct"] == pytest.approx(english.result["roi_pct"])
        assert list(app.chart.data[1].x) == list(english.chart.data[1].x)
    finally:
        i18n.set_language("en")
