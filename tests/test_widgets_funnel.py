"""The funnel/ABM explorers, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import abm, datasets
from marketing_kit import funnel as fn
from marketing_kit.widgets.funnel import (
    AccountTimeline,
    FunnelExplorer,
    VelocityCalculator,
    explorer,
)

COUNTS = {"lead": 1000, "MQL": 400, "SQL": 100, "opportunity": 50, "won": 25}


def test_funnel_explorer_starts_at_the_actual_funnel():
    app = FunnelExplorer(COUNTS, value_per_win=10_000)
    assert app.impact == pytest.approx(0)
    assert app.scenario["count"].tolist() == pytest.approx(list(COUNTS.values()))
    assert app.bottleneck == "SQL"
    assert bytes(app.image.value).startswith(b"\x89PNG")


def test_funnel_sliders_recompute_impact_and_redraw():
    app = FunnelExplorer(COUNTS, value_per_win=10_000)
    before = app.image.value
    app.controls["SQL"].value = 0.45
    assert app.impact == pytest.approx(fn.revenue_impact(COUNTS, "SQL", 0.45, 10_000))
    assert app.impact == pytest.approx(20 * 10_000)  # 1000 x .4 x .45 x .5 x .5 = 45 won
    assert app.image.value != before
    assert app.bottleneck == "MQL"
    app.controls["value_per_win"].value = 20_000
    assert app.impact == pytest.approx(20 * 20_000)
    assert "+400,000" in app.summary.value


def test_velocity_calculator_matches_the_formula():
    app = VelocityCalculator(opportunities=18, win_rate=0.24, avg_deal_size=42_000, cycle_days=78)
    assert app.velocity == pytest.approx(2326.15, abs=0.01)
    app.controls["cycle_days"].value = 65
    assert app.velocity == pytest.approx(abm.pipeline_velocity(18, 0.24, 42_000, 65))
    assert "2,791" in app.result.value


def test_account_picker_shows_that_accounts_timeline():
    accounts, contacts = datasets.load("crm_accounts"), datasets.load("crm_contacts")
    touches = datasets.load("crm_touches")
    app = AccountTimeline(accounts, contacts, touches)
    first = app.controls["account"].value
    assert set(app.timeline["account_id"]) == {first}
    before = app.image.value
    other = app.controls["account"].options[-1][1]
    app.controls["account"].value = other
    assert set(app.timeline["account_id"]) == {other}
    assert len(app.timeline) == (touches["account_id"] == other).sum()
    assert str(app.stages[other]) in app.summary.value
    assert app.image.value != before


def test_bad_counts_raise_and_the_tabs_build():
    app = FunnelExplorer(COUNTS)
    with pytest.raises(ValueError, match="must not increase"):
        FunnelExplorer({"a": 1, "b": 2})
    calc = VelocityCalculator()
    calc.controls["win_rate"].value = 0.0
    assert calc.velocity == 0 and calc.message.value == ""
    tab = explorer(COUNTS, datasets.load("crm_accounts"), datasets.load("crm_contacts"),
                   datasets.load("crm_touches"))
    assert len(tab.children) == 3 and tab.get_title(2) == "Account timeline"
    assert app.message.value == ""


def test_korean_labels_keep_the_numbers_and_draw_hangul():
    """Issue 18: in Korean the labels change, the numbers and the control keys do not."""
    import warnings

    from marketing_kit import i18n

    data = [datasets.load(n) for n in ("crm_accounts", "crm_contacts", "crm_touches")]
    english = explorer(COUNTS, *data)
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            tab = explorer(COUNTS, *data)
            funnel_app, calc, timeline = tab.children
            funnel_app.controls["SQL"].value = 0.45  # redraw once more in Korean
        assert tab.get_title(2) == "어카운트 타임라인"
        assert funnel_app.controls["won"].description == "영업기회 → 수주"
        assert "매출 효과" in funnel_app.summary.value and "병목" in funnel_app.summary.value
        assert funnel_app.bottleneck in COUNTS  # only the display is translated
        assert "파이프라인 속도" in calc.result.value
        assert "티어" in timeline.summary.value
        assert timeline.controls["account"].value == english.children[2].controls["account"].value
        assert bytes(timeline.image.value).startswith(b"\x89PNG")
        english.children[0].controls["SQL"].value = 0.45
        assert funnel_app.impact == pytest.approx(english.children[0].impact)
        assert f"{funnel_app.impact:+,.0f}" in funnel_app.summary.value
    finally:
        i18n.set_language("en")
    assert "revenue impact" in explorer(COUNTS, *data).children[0].summary.value
