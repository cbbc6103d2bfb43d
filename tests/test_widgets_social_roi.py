"""The social-media ROI explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets
from marketing_kit import social_roi as sr
from marketing_kit.widgets.social_roi import explorer


@pytest.fixture
def app():
    return explorer(datasets.load("social_roi_channels"))


def test_initial_state_reproduces_the_seed_table(app):
    assert app.value_per_conversion == pytest.approx(17.5)
    assert round(app.table.loc["Facebook", "roi_pct"]) == 171
    assert round(app.table.loc["Total", "roi_pct"]) == 7
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert "Facebook" in app.table_html.value


def test_moving_sliders_recomputes_roi_and_redraws(app):
    before = app.image.value
    app.controls["YouTube:hours"].value = 50
    expected = sr.roi_percent(198 * 17.5, sr.channel_cost(0, 50, 50))
    assert app.table.loc["YouTube", "roi_pct"] == pytest.approx(expected)
    assert app.image.value != before
    app.controls["conversion_rate"].value = 0.05
    assert app.value_per_conversion == pytest.approx(175 * 0.05)
    assert app.table.loc["Facebook", "revenue"] == pytest.approx(3174 * 175 * 0.05)
    app.controls["hourly_rate"].value = 5
    assert app.table.loc["Facebook", "cost"] == pytest.approx(500 + 400 * 5)


def test_invalid_setting_shows_a_message_instead_of_raising(app):
    app.controls["hourly_rate"].value = 0
    app.controls["Twitter:spend"].value = 0
    assert "positive cost" in app.message.value
    app.controls["hourly_rate"].value = 50
    assert app.message.value == ""


def test_korean_labels_keep_the_numbers_and_draw_hangul():
    """Issue 18: in Korean the labels change, the numbers and the control keys do not."""
    import warnings

    from marketing_kit import i18n

    channels = datasets.load("social_roi_channels")
    english = explorer(channels)
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            app = explorer(channels)
            app.controls["hourly_rate"].value = 5  # redraw once more in Korean
        assert app.controls["conversion_rate"].description == "전환율"
        assert app.controls["YouTube:hours"].description == "YouTube 근무시간"
        assert "전환당 가치" in app.summary.value and "합계" in app.table_html.value
        assert "Total" in app.table.index  # only the display is translated
        assert bytes(app.image.value).startswith(b"\x89PNG")
        app.controls["hourly_rate"].value = 50
        assert app.table.equals(english.table)
    finally:
        i18n.set_language("en")
    assert "Value per conversion" in explorer(channels).summary.value
