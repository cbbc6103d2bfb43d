"""The Bass / PLC explorer, built and driven headless."""

from __future__ import annotations

import numpy as np
import pytest

from marketing_kit import datasets, plc
from marketing_kit.widgets.plc import NO_SERIES, explorer


@pytest.fixture
def app():
    return explorer(datasets.load("bass_classic_series"))


def test_initial_state_follows_the_model(app):
    assert app.fit is None and app.controls["product"].value == NO_SERIES
    expected = plc.bass_adoptions(0.02, 0.4, 20_000, 20)
    assert np.allclose(app.adoptions, expected)
    assert np.allclose(app.cumulative, np.cumsum(expected))
    assert app.peak_time == pytest.approx(np.log(0.4 / 0.02) / 0.42)
    assert app.peak_level == pytest.approx(20_000 * 0.42 ** 2 / 1.6)
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert "t* = ln(q/p)/(p+q) = 7.1" in app.summary.value


def test_sliders_recompute_curves_peak_and_stages(app):
    before = app.image.value
    app.controls["q"].value = 0.9
    app.controls["p"].value = 0.005
    app.controls["periods"].value = 25
    assert len(app.adoptions) == 25
    assert app.peak_time == pytest.approx(plc.bass_peak_time(0.005, 0.9))
    expected = plc.classify_stages(app.adoptions, window=1)
    assert app.stages.boundaries == expected.boundaries
    peak = int(np.argmax(app.adoptions))
    assert app.stages.stages.iloc[peak] in ("growth", "maturity")
    assert app.stages.stages.iloc[-1] == "decline"
    assert app.image.value != before
    app.controls["m"].value = 40_000
    assert app.cumulative[-1] == pytest.approx(40_000, rel=0.01)


def test_series_picker_overlays_the_nls_fit(app):
    app.controls["product"].value = "color_tv"
    tv = datasets.load("bass_classic_series").query("product == 'color_tv'")["sales_thousands"]
    expected = plc.fit_bass(tv, "nls")
    assert app.fit is not None
    assert (app.fit.p, app.fit.q, app.fit.m) == pytest.approx((expected.p, expected.q, expected.m))
    assert "NLS fit to color_tv" in app.summary.value
    fitted = app.fit
    app.controls["q"].value = 0.5  # moving a slider keeps the same fit (no refit)
    assert app.fit is fitted
    app.controls["product"].value = "clothes_dryers"
    assert app.fit is not fitted and app.fit.m > 10_000
    app.controls["product"].value = NO_SERIES
    assert app.fit is None and "NLS fit" not in app.summary.value


def test_clamped_slider_values_stay_valid(app):
    app.controls["p"].value = 0  # the slider clamps to its minimum, 0.001
    assert app.controls["p"].value == pytest.approx(0.001)
    assert app.message.value == ""
    assert app.peak_time == pytest.approx(plc.bass_peak_time(0.001, app.controls["q"].value))


def test_stage_chart_shades_every_stage():
    from marketing_kit.widgets.plc import stage_chart

    frame = datasets.load("plc_monthly_sales")
    result = plc.classify_stages(frame["units_sold"], window=12)
    axes = stage_chart(result, frame["month"]).axes[0]
    assert len(axes.patches) == len(result.boundaries) == 4
    assert [t.get_text() for t in axes.texts] == list(plc.STAGES)
    assert axes.get_xticklabels()[0].get_text() == "2015-01"
