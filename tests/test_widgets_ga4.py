"""The GA4 dashboard explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets, ga4
from marketing_kit.widgets._base import figure_png
from marketing_kit.widgets.ga4 import explorer, rate_chart, trend_chart, weekly_totals


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
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert "/pricing" in app.table_html.value and "Engagement rate" in app.cards.value
    assert len(app.weekly) == 51  # complete weeks only


def test_controls_recompute(app, export):
    before = app.image.value
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
    assert app.image.value != before
    app.controls["dates"].value = ("2025-07-01", "2025-08-31")
    summer = rows[(rows["date"] >= "2025-07-01") & (rows["date"] <= "2025-08-31")]
    assert app.kpis["sessions"] == summer["sessions"].sum()
    assert app.table.equals(ga4.report(summer, "landing_page"))
    assert app.message.value == ""


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
    app.controls["device"].value = "All"
    assert app.message.value == ""


def test_charts_render(export):
    assert figure_png(trend_chart(export, "device")).startswith(b"\x89PNG")
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
        assert "<th>세션</th>" in app.table_html.value and "/pricing" in app.table_html.value
        assert app.kpis.equals(english.kpis) and app.table.equals(english.table)
        assert trend.startswith(b"\x89PNG") and rates.startswith(b"\x89PNG")
    finally:
        i18n.set_language("en")
    assert "Engagement rate" in explorer(export).cards.value
