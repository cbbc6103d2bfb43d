"""The Bass / PLC explorer, built and driven headless; its chart is a client-side plotly Chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from marketing_kit import datasets, i18n, plc
from marketing_kit.widgets import _plotly
from marketing_kit.widgets.plc import (
    BANDS,
    CUM_DATA,
    CUM_FIT,
    CUM_MODEL,
    DATA,
    FIT,
    MARKET,
    MODEL,
    NO_SERIES,
    PEAK,
    explorer,
)


@pytest.fixture(scope="module")
def series():
    return datasets.load("bass_classic_series")


@pytest.fixture
def app(series):
    return explorer(series)


def messages(chart: _plotly.Chart) -> list[dict]:
    """Every figure the chart sends to the browser from now on."""
    sent: list[dict] = []
    chart.observe(lambda change: sent.append(change["new"]), names="figure")
    return sent


def bands(app) -> dict[str, tuple[float, float]]:
    """The shaded stage bands on the chart: stage -> (left edge, right edge) in periods."""
    shown = {}
    for index, stage in zip(BANDS, plc.STAGES, strict=True):
        bar = app.chart.data[index]
        if bar.visible:
            shown[stage] = (bar.x[0] - bar.width[0] / 2, bar.x[0] + bar.width[0] / 2)
    return shown


def expected_bands(stages: plc.StageResult) -> dict[str, tuple[float, float]]:
    return {stage: (start + 0.5, end + 1.5) for stage, (start, end) in stages.boundaries.items()}


def test_initial_state_follows_the_model(app):
    assert app.fit is None and app.controls["product"].value == NO_SERIES
    expected = plc.bass_adoptions(0.02, 0.4, 20_000, 20)
    assert np.allclose(app.adoptions, expected)
    assert np.allclose(app.cumulative, np.cumsum(expected))
    assert app.peak_time == pytest.approx(np.log(0.4 / 0.02) / 0.42)
    assert app.peak_level == pytest.approx(20_000 * 0.42 ** 2 / 1.6)
    assert "t* = ln(q/p)/(p+q) = 7.1" in app.summary.value
    chart = app.chart
    assert isinstance(chart, _plotly.Chart) and len(chart.data) == 12
    assert list(chart.data[MODEL].x) == list(range(1, 21))
    assert np.allclose(chart.data[MODEL].y, expected)
    assert np.allclose(chart.data[CUM_MODEL].y, np.cumsum(expected))
    assert chart.data[CUM_MODEL].xaxis == "x2" and chart.data[MODEL].xaxis in (None, "x")
    # The peak line spans the left panel at t* and says so in the legend and beside the line.
    peak = chart.data[PEAK]
    assert list(peak.x) == pytest.approx([app.peak_time] * 2) and list(peak.y) == [0, 1]
    assert peak.name == "t* = 7.1" and peak.text[-1] == "t* = 7.1"
    # The stage bands are the stages of this curve (no introduction with p = 0.02, q = 0.4).
    assert bands(app) == expected_bands(app.stages)
    assert set(bands(app)) == {"growth", "maturity", "decline"}
    assert list(chart.data[MARKET].y) == [20_000, 20_000]
    assert tuple(chart.data[MARKET].x) == (0.5, 20.5) == tuple(chart.layout.xaxis.range)
    assert chart.layout.xaxis2.matches == "x"
    for index in (DATA, CUM_DATA, FIT, CUM_FIT):
        assert chart.data[index].visible is False and len(chart.data[index].x) == 0
    titles = [a.text for a in chart.layout.annotations]
    assert titles == ["<b>New adopters per year</b>", "<b>Cumulative adopters</b>"]
    assert chart.layout.xaxis.title.text == "years since launch (t)"
    assert chart.figure["data"][MODEL]["y"] == pytest.approx(list(expected))  # what is synced


def test_the_chart_is_born_with_its_data(series, monkeypatch):
    # The first drawing travels with the widget itself (its comm-open state), not in an update
    # the browser might apply before plotly.js has loaded (issue 23).
    updates = []
    monkeypatch.setattr(_plotly, "update", lambda *a, **k: updates.append(a))
    app = explorer(series, product="color_tv")
    assert updates == []
    synced = app.chart.figure["data"]
    assert synced[MODEL]["y"] == pytest.approx(list(plc.bass_adoptions(0.02, 0.4, 20_000, 20)))
    assert synced[DATA]["visible"] is True and len(synced[FIT]["y"]) == 20
    assert app.chart.figure["layout"]["xaxis"]["range"] == [0.5, 20.5]


def test_sliders_recompute_curves_peak_and_stages(app):
    traces = app.chart.data
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
    chart = app.chart
    assert chart.data == traces and all(a is b for a, b in zip(chart.data, traces, strict=True))
    assert np.allclose(chart.data[MODEL].y, plc.bass_adoptions(0.005, 0.9, 20_000, 25))
    assert list(chart.data[MODEL].x) == list(range(1, 26))
    assert list(chart.data[PEAK].x) == pytest.approx([app.peak_time] * 2)
    assert chart.data[PEAK].name == f"t* = {app.peak_time:.1f}" != "t* = 7.1"
    assert bands(app) == expected_bands(expected) and "introduction" in bands(app)
    assert tuple(chart.layout.xaxis.range) == (0.5, 25.5)
    app.controls["m"].value = 40_000
    assert app.cumulative[-1] == pytest.approx(40_000, rel=0.01)
    assert np.allclose(chart.data[CUM_MODEL].y, np.cumsum(plc.bass_adoptions(0.005, 0.9,
                                                                              40_000, 25)))
    assert list(chart.data[MARKET].y) == [40_000, 40_000]


def test_one_message_per_move_with_only_the_traces_that_changed(app, monkeypatch):
    sent = messages(app.chart)
    updated: list[set[int]] = []
    update = _plotly.update
    monkeypatch.setattr(_plotly, "update", lambda chart, traces=None, layout=None: (
        updated.append(set(traces or {})), update(chart, traces, layout)))
    app.controls["q"].value = 0.5
    assert len(sent) == 1 and sent[-1]["data"][MODEL]["y"] == pytest.approx(
        list(plc.bass_adoptions(0.02, 0.5, 20_000, 20)))
    assert {MODEL, CUM_MODEL, PEAK} <= updated[-1]  # the hidden series traces are left alone
    assert not updated[-1] & {DATA, CUM_DATA, FIT, CUM_FIT, MARKET}
    app.controls["m"].value = 30_000  # m scales the curves; t* and the stages stay
    assert updated[-1] == {MODEL, CUM_MODEL, MARKET}
    app.refresh()  # same inputs: nothing to redraw, no message
    assert len(sent) == 2 and len(updated) == 2
    app.controls["product"].value = "color_tv"
    assert updated[-1] == {DATA, CUM_DATA, FIT, CUM_FIT}
    assert len(sent) == 3 and sent[-1]["data"][DATA]["visible"] is True


def test_series_picker_overlays_the_data_and_its_nls_fit(app, series):
    app.controls["product"].value = "color_tv"
    tv = series.query("product == 'color_tv'").sort_values("t")
    expected = plc.fit_bass(tv["sales_thousands"], "nls")
    assert app.fit is not None
    assert (app.fit.p, app.fit.q, app.fit.m) == pytest.approx((expected.p, expected.q, expected.m))
    assert "NLS fit to color_tv" in app.summary.value
    chart = app.chart
    assert list(chart.data[DATA].x) == tv["t"].tolist()
    assert list(chart.data[DATA].y) == pytest.approx(tv["sales_thousands"].tolist())
    assert list(chart.data[CUM_DATA].y) == pytest.approx(tv["sales_thousands"].cumsum().tolist())
    path = plc.bass_forecast(expected, 20)  # the fit is drawn over the horizon shown
    assert np.allclose(chart.data[FIT].y, path["adoptions"], rtol=1e-6)
    assert np.allclose(chart.data[CUM_FIT].y, path["cumulative"], rtol=1e-6)
    assert all(chart.data[i].visible for i in (DATA, CUM_DATA, FIT, CUM_FIT))
    assert chart.data[DATA].name == "data" and chart.data[FIT].name == "NLS fit"
    app.controls["periods"].value = 5  # the data run to t = 8: the axes and the fit follow them
    assert tuple(chart.layout.xaxis.range) == (0.5, 8.5)
    assert len(chart.data[FIT].y) == 8 and tuple(chart.data[MARKET].x) == (0.5, 8.5)
    app.controls["product"].value = NO_SERIES
    assert app.fit is None and "NLS fit" not in app.summary.value
    assert not any(chart.data[i].visible for i in (DATA, CUM_DATA, FIT, CUM_FIT))
    assert tuple(chart.layout.xaxis.range) == (0.5, 5.5)


def test_each_series_is_fitted_once_when_the_explorer_is_built(series, monkeypatch):
    calls = []
    fit_bass = plc.fit_bass
    monkeypatch.setattr(plc, "fit_bass", lambda *a, **k: calls.append(a) or fit_bass(*a, **k))
    app = explorer(series)
    products = sorted(series["product"].unique())
    assert len(calls) == len(products)  # every series the picker offers, once
    app.controls["product"].value = "color_tv"
    fitted = app.fit
    rows = series[series["product"] == "color_tv"].sort_values("t")
    expected = fit_bass(rows["sales_thousands"], "nls")
    assert (fitted.p, fitted.q, fitted.m, fitted.sse) == (expected.p, expected.q, expected.m,
                                                          expected.sse)
    assert app.data().equals(rows)
    app.controls["q"].value = 0.5  # moving a slider keeps the same fit (no refit)
    app.controls["p"].value = 0.03
    assert app.fit is fitted
    app.controls["product"].value = "clothes_dryers"
    assert app.fit is not fitted and app.fit.m > 10_000
    app.controls["product"].value = "color_tv"  # back to a series seen before
    assert app.fit is fitted and len(calls) == len(products)  # picking refits nothing
    assert np.allclose(app.chart.data[FIT].y, plc.bass_forecast(fitted, 20)["adoptions"])


def test_a_series_that_cannot_be_fitted_says_so_when_picked(series):
    flat = series[series["product"] == "color_tv"].assign(product="flat", sales_thousands=5.0)
    app = explorer(pd.concat([series, flat]))  # building does not fail
    assert app.message.value == ""
    app.controls["product"].value = "flat"
    assert "constant" in app.message.value
    app.controls["product"].value = "color_tv"
    assert app.message.value == "" and app.fit.m > 10_000


def test_clamped_slider_values_stay_valid(app):
    app.controls["p"].value = 0  # the slider clamps to its minimum, 0.001
    assert app.controls["p"].value == pytest.approx(0.001)
    assert app.message.value == ""
    assert app.peak_time == pytest.approx(plc.bass_peak_time(0.001, app.controls["q"].value))
    assert np.allclose(app.chart.data[MODEL].y, plc.bass_adoptions(0.001, 0.4, 20_000, 20))


def test_korean_edition_labels_the_chart(series):
    i18n.set_language("ko")
    try:
        app = explorer(series, product="color_tv")
    finally:
        i18n.set_language("en")
    chart = app.chart
    assert chart.data[MODEL].name == "모형" and chart.data[FIT].name == "NLS 적합"
    assert chart.data[DATA].name == "실제 자료" and chart.data[MARKET].name == "m (잠재시장 규모)"
    assert [chart.data[i].name for i in BANDS] == ["도입기", "성장기", "성숙기", "쇠퇴기"]
    assert chart.layout.xaxis.title.text == "출시 후 경과 연수 (t)"
    assert chart.layout.annotations[0].text == "<b>연도별 신규 수용자 수</b>"
    assert "컬러 TV" in app.summary.value


def test_bass_chart_stays_a_two_panel_figure(series):
    from marketing_kit.widgets.plc import bass_chart

    tv = series.query("product == 'color_tv'").sort_values("t")
    fit = plc.fit_bass(tv["sales_thousands"], "nls")
    adoptions = plc.bass_forecast(fit, 20)["adoptions"].to_numpy()
    figure = bass_chart(adoptions, fit.peak_time, plc.classify_stages(adoptions, window=1),
                        fit.m, tv, fit)
    left, right = figure.axes
    assert left.get_title() == "New adopters per year"
    assert "NLS fit" in [text.get_text() for text in left.get_legend().get_texts()]
    assert right.get_lines()[0].get_ydata()[-1] == pytest.approx(np.cumsum(adoptions)[-1])


def test_stage_chart_shades_every_stage():
    from marketing_kit.widgets.plc import stage_chart

    frame = datasets.load("plc_monthly_sales")
    result = plc.classify_stages(frame["units_sold"], window=12)
    axes = stage_chart(result, frame["month"]).axes[0]
    assert len(axes.patches) == len(result.boundaries) == 4
    assert [t.get_text() for t in axes.texts] == list(plc.STAGES)
    assert axes.get_xticklabels()[0].get_text() == "2015-01"
