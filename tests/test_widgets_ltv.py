"""The customer-value explorers, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import ltv
from marketing_kit.widgets.ltv import clv_explorer, customer_explorer

# Fader, Hardie & Lee (2005) CDNOW estimates: the explorer needs a fit, not the data.
CDNOW = ltv.BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4,
                     n_customers=2357)


@pytest.fixture
def clv_app():
    return clv_explorer()


@pytest.fixture
def customer_app():
    return customer_explorer(CDNOW)


def test_clv_explorer_initial_state(clv_app):
    assert clv_app.clv == pytest.approx(ltv.simple_clv(100, 0.8, 0.1, 150))
    assert clv_app.multiple == pytest.approx(0.8 / 0.3)
    assert clv_app.ratio == pytest.approx((clv_app.clv + 150) / 150)
    assert bytes(clv_app.image.value).startswith(b"\x89PNG")
    assert "Margin multiple" in clv_app.summary.value


def test_clv_sliders_recompute_and_redraw(clv_app):
    before = clv_app.image.value
    clv_app.controls["retention"].value = 0.9
    assert clv_app.clv == pytest.approx(100 * 0.9 / 0.2 - 150)
    assert clv_app.image.value != before
    clv_app.controls["discount_rate"].value = 0.2
    clv_app.controls["margin"].value = 40
    clv_app.controls["acquisition_cost"].value = 0
    assert clv_app.clv == pytest.approx(40 * 0.9 / 0.3)
    assert clv_app.ratio == float("inf")
    assert clv_app.curve.index[-1] == pytest.approx(0.98)
    assert clv_app.curve.is_monotonic_increasing


def test_customer_explorer_reproduces_the_cdnow_example(customer_app):
    assert customer_app.expected == pytest.approx(1.226, abs=2e-3)
    assert customer_app.alive == pytest.approx(ltv.p_alive(CDNOW, 2, 30.43, 38.86))
    assert bytes(customer_app.image.value).startswith(b"\x89PNG")


def test_customer_sliders_keep_the_history_possible(customer_app):
    before = customer_app.image.value
    customer_app.controls["recency"].value = 5
    assert customer_app.alive < ltv.p_alive(CDNOW, 2, 30.43, 38.86)
    assert customer_app.image.value != before
    customer_app.controls["T"].value = 3  # recency is capped at T
    assert customer_app.controls["recency"].value <= 3
    assert customer_app.message.value == ""
    customer_app.controls["frequency"].value = 0
    assert customer_app.controls["recency"].value == 0 and customer_app.alive == 1
    customer_app.controls["horizon"].value = 52
    assert customer_app.expected == pytest.approx(ltv.expected_purchases(CDNOW, 52, 0, 0, 3))


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
