"""The capstone explorer, built and driven headless: levers in, plan numbers out."""

from __future__ import annotations

import pytest

from marketing_kit import capstone, datasets, ltv, social_roi
from marketing_kit.widgets.capstone import explorer


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
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert "LTV:CAC" in app.summary.value and app.message.value == ""


def test_levers_recompute_revenue_cac_ltv_and_roi(app, channels):
    before = app.image.value
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
    assert app.image.value != before


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


def test_korean_labels_keep_the_numbers_and_draw_hangul(channels):
    """In Korean the labels change; the numbers and the control keys do not."""
    import warnings

    from marketing_kit import i18n

    english = explorer(channels)
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            app = explorer(channels)
            app.controls["price"].value = 30_000  # redraw once more in Korean
        assert app.controls["price"].description == "가격 ($/년)"
        assert app.controls["Email:share"].description == "Email 비중 (%)"
        assert "고객 수" in app.summary.value
        english.controls["price"].value = 30_000
        assert app.result["roi_pct"] == pytest.approx(english.result["roi_pct"])
    finally:
        i18n.set_language("en")
