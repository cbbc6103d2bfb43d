"""The getting-started explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets
from marketing_kit import getting_started as gs
from marketing_kit.widgets.getting_started import explorer


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
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert "LinkedIn" in app.table_html.value
    assert f"{weekly['leads'].sum():,}" in app.summary.value


def test_controls_recompute_totals_series_and_picture(app, weekly):
    before = app.image.value
    app.controls["channel"].value = "LinkedIn"
    app.controls["weeks"].value = (20, 40)
    linkedin = weekly[(weekly["channel"] == "LinkedIn") & weekly["week"].between(20, 40)]
    assert app.selected["leads"] == linkedin["leads"].sum()
    cost = linkedin["spend"].sum() + 50 * linkedin["hours"].sum()
    assert app.selected["cost"] == pytest.approx(cost)
    assert app.image.value != before
    assert "LinkedIn, weeks 20–40" in app.summary.value
    app.controls["metric"].value = "customers"
    year = weekly[weekly["channel"] == "LinkedIn"].set_index("week")["customers"]
    assert app.series.name == "customers"
    assert (app.series == year).all()
    # the table always lists every channel for the range, whatever channel is picked
    assert list(app.totals.index) == list(gs.channel_totals(weekly, (20, 40)).index)


def test_a_range_without_leads_shows_a_message_not_a_traceback(weekly):
    quiet = weekly.copy()
    quiet.loc[(quiet["channel"] == "YouTube") & (quiet["week"] <= 2), "leads"] = 0
    app = explorer(quiet)
    app.controls["weeks"].value = (1, 2)
    assert "no leads for ['YouTube']" in app.message.value
    app.controls["weeks"].value = (1, 3)
    assert app.message.value == ""


def test_bad_settings_are_refused(weekly):
    with pytest.raises(ValueError, match="hourly_rate"):
        explorer(weekly, hourly_rate=-1)
    with pytest.raises(ValueError, match="weeks"):
        explorer(weekly, weeks=(10, 5))


def test_korean_labels_keep_english_values_and_draw_hangul(weekly):
    """Issue 18: in Korean the labels change, the option values and numbers do not."""
    import warnings

    from marketing_kit import i18n

    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            app = explorer(weekly, channel="LinkedIn", weeks=(30, 34), metric="cost")
        assert app.controls["channel"].description == "채널"
        assert "전체 채널" in app.controls["channel"]._options_labels
        assert "리드당 비용" in app.table_html.value and "합계" in app.table_html.value
        assert "LinkedIn, 30–34주" in app.summary.value
        app.controls["channel"].value = gs.ALL_CHANNELS  # values stay English
        in_weeks = weekly[weekly["week"].between(30, 34)]
        assert app.selected["leads"] == in_weeks["leads"].sum()
    finally:
        i18n.set_language("en")
    english = explorer(weekly, channel="LinkedIn", weeks=(30, 34))
    assert "LinkedIn, weeks 30–34" in english.summary.value
