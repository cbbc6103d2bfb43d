"""The NPS explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets
from marketing_kit import nps as m
from marketing_kit.widgets.nps import explorer


@pytest.fixture(scope="module")
def survey():
    return datasets.load("nps_survey")


@pytest.fixture
def app(survey):
    return explorer(survey)


def test_initial_state(app, survey):
    assert app.mix.tolist() == pytest.approx([0.25, 0.30, 0.45])
    assert app.interval == m.interval_from_shares(0.45, 0.25, 400)
    assert app.interval.nps == pytest.approx(20.0)
    point = app.ci_figure.data[0]
    assert point.x[0] == pytest.approx(20.0)
    assert point.error_x.arrayminus[0] == pytest.approx(20.0 - app.interval.lower)
    assert point.error_x.array[0] == pytest.approx(app.interval.upper - 20.0)
    assert tuple(app.ci_figure.layout.xaxis.range) == (-100, 100)
    assert app.ci_figure.layout.shapes[0].x0 == 0  # the dashed zero line
    assert app.ci_figure.layout.title.text.startswith("NPS +20.0, 95% CI")
    assert [d.name for d in app.dist_figure.data[1:]] == ["detractor", "passive", "promoter"]
    answered = survey["likelihood"].dropna()
    assert app.distribution.sum() == len(answered)
    assert app.group_interval.nps == pytest.approx(m.nps(answered))
    assert "NPS +20.0" in app.summary.value and app.message.value == ""


def test_mix_and_sample_size_drive_the_interval(app):
    width = app.interval.upper - app.interval.lower
    app.controls["n"].value = 1600  # four times the answers: half the width
    assert app.interval.upper - app.interval.lower == pytest.approx(width / 2)
    bar = app.ci_figure.data[0].error_x  # the chart's interval moved in place
    assert bar.array[0] + bar.arrayminus[0] == pytest.approx(width / 2)
    assert "n = 1600" in app.ci_figure.layout.title.text and len(app.ci_figure.data) == 1
    app.controls["passives"].value = 0  # weights 45 / 0 / 25 are renormalised
    assert app.mix["promoter"] == pytest.approx(45 / 70)
    assert app.interval.nps == pytest.approx(100 * 20 / 70)
    app.controls["confidence"].value = 0.90
    expected = m.interval_from_shares(45 / 70, 25 / 70, 1600, 0.90)
    assert app.interval.lower == pytest.approx(expected.lower)
    assert app.ci_figure.data[0].x[0] == pytest.approx(expected.nps)
    assert app.ci_figure.layout.title.text.startswith(f"NPS {expected.nps:+.1f}, 90% CI")


def test_group_picker_drives_the_distribution(app, survey):
    app.controls["group_by"].value = "touchpoint"
    assert "billing" in app.controls["group"].options
    before = app.dist_figure.data[0].y
    app.controls["group"].value = "billing"
    billing = survey.loc[survey["touchpoint"] == "billing", "likelihood"].dropna()
    assert app.distribution.sum() == len(billing)
    assert app.distribution[10] == (billing == 10).sum()
    assert app.group_interval.nps == pytest.approx(m.nps(billing))
    bars = app.dist_figure.data[0]
    assert bars.y != before and app.message.value == ""
    assert bars.y[10] == pytest.approx(100 * (billing == 10).mean())
    assert bars.text[10] == f"{(billing == 10).mean():.0%}"
    assert app.dist_figure.layout.title.text == f"billing (n = {len(billing)})"


def test_empty_mix_shows_a_message_instead_of_raising(app):
    for key in ("promoters", "passives", "detractors"):
        app.controls[key].value = 0
    assert "above 0" in app.message.value
    app.controls["promoters"].value = 10
    assert app.message.value == "" and app.interval.nps == 100


def test_group_interval_chart_draws_one_row_per_group(survey):
    from marketing_kit.widgets.nps import group_interval_chart

    table = m.nps_by_group(survey.dropna(subset=["likelihood"]), "touchpoint")
    figure = group_interval_chart(table, "NPS by touchpoint")
    axes = figure.axes[0]
    labels = [tick.get_text() for tick in axes.get_yticklabels()]
    assert labels == list(table.sort_values("nps").index)
    assert labels[0] == "billing" and labels[-1] == "onboarding"
    with pytest.raises(ValueError, match="missing column"):
        group_interval_chart(table.drop(columns="lower"))
