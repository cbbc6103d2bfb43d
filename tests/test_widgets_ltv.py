"""The customer-value explorers, built and driven headless."""

from __future__ import annotations

import numpy as np
import pytest

from marketing_kit import i18n, ltv
from marketing_kit.widgets import _plotly
from marketing_kit.widgets.ltv import RETENTION_GRID, clv_explorer, customer_explorer

# Fader, Hardie & Lee (2005) CDNOW estimates: the explorer needs a fit, not the data.
CDNOW = ltv.BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4,
                     n_customers=2357)


@pytest.fixture
def clv_app():
    return clv_explorer()


@pytest.fixture
def customer_app():
    return customer_explorer(CDNOW)


@pytest.fixture
def drawn(monkeypatch):
    """The trace indices of every ``_plotly.update`` call (one message to the browser each)."""
    calls: list[list[int]] = []
    real = _plotly.update

    def spy(chart, traces=None, layout=None):
        calls.append(sorted(traces or {}))
        real(chart, traces, layout)

    monkeypatch.setattr(_plotly, "update", spy)
    return calls


def p_alive_curve(x, T):
    """P(alive) over t_x as the explorer should draw it: 80 points from 1 % of T (0 if x = 0)."""
    grid = np.linspace(0.01 * T if x else 0, T, 80)
    return grid, ltv.p_alive(CDNOW, np.full(80, x), grid if x else np.zeros(80), np.full(80, T))


def test_clv_explorer_initial_state(clv_app):
    assert clv_app.clv == pytest.approx(ltv.simple_clv(100, 0.8, 0.1, 150))
    assert clv_app.multiple == pytest.approx(0.8 / 0.3)
    assert clv_app.ratio == pytest.approx((clv_app.clv + 150) / 150)
    assert "Margin multiple" in clv_app.summary.value
    curve, breakeven, now = clv_app.clv_figure.data
    expected = ltv.clv_sensitivity(100, RETENTION_GRID, 0.1, 150)
    assert list(curve.x) == pytest.approx(list(expected.index * 100))
    assert list(curve.y) == pytest.approx(list(expected)) and curve.y[0] == pytest.approx(-150)
    assert (now.x[0], now.y[0]) == pytest.approx((80, 100 * 0.8 / 0.3 - 150))
    assert now.name == "now: 80% -> $117"
    assert list(breakeven.y) == [0, 0] and breakeven.line.dash == "dash"
    assert breakeven.name == "break-even" and curve.name == "CLV - acquisition cost"
    layout = clv_app.clv_figure.layout
    assert layout.xaxis.title.text == "Retention rate per period (%)"
    assert layout.yaxis.title.text == "CLV ($)"
    assert layout.title.text.startswith("CLV grows steeply")


def test_clv_sliders_recompute_and_redraw(clv_app, drawn):
    traces = clv_app.clv_figure.data
    curve_before = list(traces[0].y)
    drawn.clear()
    clv_app.controls["retention"].value = 0.9
    assert clv_app.clv == pytest.approx(100 * 0.9 / 0.2 - 150)
    assert (traces[2].x[0], traces[2].y[0]) == pytest.approx((90, clv_app.clv))
    assert traces[2].name == "now: 90% -> $300"
    assert list(traces[0].y) == curve_before and drawn == [[2]]  # the point, not the curve
    clv_app.controls["margin"].value = 40
    expected = ltv.clv_sensitivity(40, RETENTION_GRID, 0.1, 150)
    assert list(traces[0].y) == pytest.approx(list(expected)) and drawn[-1] == [0, 2]
    clv_app.controls["discount_rate"].value = 0.2
    clv_app.controls["acquisition_cost"].value = 0
    assert drawn == [[2], [0, 2], [0, 2], [0, 2]]
    assert clv_app.clv == pytest.approx(40 * 0.9 / 0.3)
    assert clv_app.ratio == float("inf")
    assert clv_app.curve.index[-1] == pytest.approx(0.98)
    assert clv_app.curve.is_monotonic_increasing
    assert clv_app.clv_figure.data == traces  # the same traces, updated in place
    expected = ltv.clv_sensitivity(40, RETENTION_GRID, 0.2, 0)
    assert list(traces[0].y) == pytest.approx(list(expected)) and traces[0].y[0] == 0
    assert traces[2].y[0] == pytest.approx(120) and traces[2].name == "now: 90% -> $120"
    assert clv_app.clv_figure.figure["data"][2]["y"] == pytest.approx([120])  # synced JSON


def test_customer_explorer_reproduces_the_cdnow_example(customer_app):
    assert customer_app.expected == pytest.approx(1.226, abs=2e-3)
    assert customer_app.alive == pytest.approx(ltv.p_alive(CDNOW, 2, 30.43, 38.86))
    curve, point = customer_app.alive_figure.data
    grid, values = p_alive_curve(2, 38.86)
    assert list(curve.x) == pytest.approx(list(grid))
    assert list(curve.y) == pytest.approx(list(values))
    assert curve.name == "x = 2, T = 38.86" and point.name == "this customer"
    assert (point.x[0], point.y[0]) == pytest.approx((30.43, customer_app.alive))
    layout = customer_app.alive_figure.layout
    assert tuple(layout.yaxis.range) == (-0.03, 1.03)
    assert layout.xaxis.title.text == "Time of last purchase t_x (weeks after the first)"
    assert layout.title.text.startswith("A long silence")


def test_customer_sliders_keep_the_history_possible(customer_app, drawn):
    traces = customer_app.alive_figure.data
    curve_before = list(traces[0].y)
    drawn.clear()
    customer_app.controls["recency"].value = 5
    assert customer_app.alive < ltv.p_alive(CDNOW, 2, 30.43, 38.86)
    assert (traces[1].x[0], traces[1].y[0]) == pytest.approx((5, customer_app.alive))
    assert list(traces[0].y) == curve_before and drawn == [[1]]  # t_x moves only the point
    customer_app.controls["horizon"].value = 52  # the forecast changes no chart input
    assert drawn == [[1]]
    assert customer_app.expected == pytest.approx(ltv.expected_purchases(CDNOW, 52, 2, 5, 38.86))
    customer_app.controls["T"].value = 3  # recency is capped at T
    assert customer_app.controls["recency"].value <= 3
    assert customer_app.message.value == ""
    grid, values = p_alive_curve(2, 3)
    assert list(traces[0].x) == pytest.approx(list(grid)) and traces[0].name == "x = 2, T = 3"
    assert list(traces[0].y) == pytest.approx(list(values))
    customer_app.controls["frequency"].value = 0
    assert customer_app.controls["recency"].value == 0 and customer_app.alive == 1
    assert traces[0].x[0] == 0 and list(traces[0].y) == pytest.approx([1.0] * 80)
    assert (traces[1].x[0], traces[1].y[0]) == (0, 1)
    assert customer_app.alive_figure.data == traces  # the same traces, updated in place
    assert customer_app.alive_figure.figure["data"][1]["x"] == [0]  # the synced JSON
    customer_app.controls["horizon"].value = 26
    assert customer_app.expected == pytest.approx(ltv.expected_purchases(CDNOW, 26, 0, 0, 3))


def test_korean_edition_labels_the_charts():
    i18n.set_language("ko")
    try:
        clv, customer = clv_explorer(), customer_explorer(CDNOW)
    finally:
        i18n.set_language("en")
    ko = i18n.catalogue("ko")
    names = [d.name for d in clv.clv_figure.data]
    assert names == [ko["CLV - acquisition cost"], ko["break-even"], "현재: 80% -> $117"]
    assert clv.clv_figure.layout.yaxis.title.text == ko["CLV ($)"]
    assert clv.clv_figure.layout.xaxis.title.text == ko["Retention rate per period (%)"]
    assert customer.alive_figure.data[1].name == "이 고객"
    assert customer.alive_figure.layout.xaxis.title.text == "마지막 구매 시점 t_x (첫 구매 후 주)"


def test_charts_are_created_with_their_data(drawn):
    # The first figure rides on the chart's comm_open: no update message is needed to show data
    # (one sent right after the comm opened could be lost while the browser loaded anywidget).
    clv, customer = clv_explorer(), customer_explorer(CDNOW)
    assert drawn == []
    assert len(clv.clv_figure.figure["data"][0]["y"]) == len(RETENTION_GRID)
    assert clv.clv_figure.figure["data"][2]["y"] == pytest.approx([clv.clv])
    assert len(customer.alive_figure.figure["data"][0]["y"]) == 80
    assert customer.alive_figure.figure["data"][1]["y"] == pytest.approx([customer.alive])


def test_customer_explorer_needs_a_fit():
    with pytest.raises(TypeError, match="BGNBDFit"):
        customer_explorer({"r": 0.2})


def test_report_charts_draw_the_data():
    from marketing_kit import datasets
    from marketing_kit.widgets.ltv import retention_heatmap, tracking_chart

    invoices = datasets.load("ltv_subscriptions")
    heatmap = retention_heatmap(ltv.cohort_retention(invoices, "account_id", "invoice_date"))
    axes = heatmap.axes[0]
    assert len(axes.get_yticklabels()) == 24 and len(axes.get_xticklabels()) == 13
    tracking = ltv.repeat_purchase_tracking(
        datasets.load("cdnow_transactions"), "customer_id", "date", CDNOW, "1997-01-01", 78)
    lines = tracking_chart(tracking, 39).axes[0].get_lines()
    assert list(lines[0].get_ydata()) == list(tracking["actual"])


def test_customer_selector_loads_a_real_history():
    from marketing_kit import datasets

    summary = ltv.rfm_summary(datasets.load("cdnow_transactions"), "customer_id", "date", "sales",
                              "1997-09-30")
    app = customer_explorer(CDNOW, customers=summary)
    app.selector.value = 1
    assert app.controls["frequency"].value == 2
    assert app.controls["recency"].value == pytest.approx(213 / 7)
    assert app.expected == pytest.approx(ltv.expected_purchases(CDNOW, 39, 2, 213 / 7, 272 / 7))
    app.selector.value = 3  # a one-time buyer: recency pinned to 0, P(alive) = 1
    assert app.controls["recency"].disabled and app.alive == 1
    assert app.message.value == ""
