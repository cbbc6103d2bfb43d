"""The direct-mail explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets, ltv
from marketing_kit import direct_marketing as dm
from marketing_kit.widgets import _plotly
from marketing_kit.widgets.direct_marketing import GREEN, GREY, explorer


@pytest.fixture(scope="module")
def gains():
    tx = datasets.load("cdnow_transactions")
    scores = ltv.rfm_scores(ltv.rfm_summary(tx, "customer_id", "date", "sales", "1997-09-30"))
    holdout = ltv.purchases_between(tx, "customer_id", "date", "1997-09-30", "1998-06-30")
    bought = (holdout.reindex(scores.index) > 0).astype(int)
    return dm.gains_table(dm.rfm_cell_score(scores), bought)


def test_initial_state(gains):
    app = explorer(gains)
    assert app.break_even == pytest.approx(2 / 12)
    plan = dm.mailing_plan(gains, 2.0, 12.0)
    assert app.profit == pytest.approx(plan["profit"].iloc[:5].sum())
    assert app.best == dm.best_depth(plan)
    assert "Break-even" in app.summary.value
    # the chart opens with its first picture: the gains curve, the bars, the break-even line
    chart = app.chart
    assert isinstance(chart, _plotly.Chart) and len(chart.data) == 5
    assert list(chart.data[0].x) == [0.0, *plan["cum_customers_pct"]]
    assert list(chart.data[0].y) == [0.0, *plan["cum_responders_pct"]]
    assert list(chart.data[3].y) == pytest.approx(list(100 * plan["response_rate"]))
    assert list(chart.data[3].marker.color) == [GREEN] * 5 + [GREY] * 5
    assert list(chart.data[4].y) == pytest.approx([100 * 2 / 12] * 2)
    assert chart.data[2].visible
    assert list(chart.data[2].x) == [plan["cum_customers_pct"].iloc[4]] * 2
    assert chart.figure["data"][3]["y"] == pytest.approx(list(100 * plan["response_rate"]))
    notes = [a.text for a in chart.layout.annotations]
    assert notes[0] == "Cumulative gains" and f"profit ${app.profit:,.0f}" in notes[1]
    assert notes[2] == "break-even 16.7%" and chart.layout.annotations[2].y == pytest.approx(
        100 * 2 / 12)
    assert chart.layout.xaxis.title.text == "customers mailed (%)"
    assert chart.layout.yaxis2.title.text == "response rate (%)"


def test_construction_sends_no_update(gains, monkeypatch):
    """The comm_open carries the first picture: nothing is sent right after construction."""
    sent = []
    monkeypatch.setattr(_plotly, "update", lambda *args, **kwargs: sent.append(args))
    explorer(gains)
    assert sent == []


def test_moving_sliders_recomputes_and_redraws(gains):
    app = explorer(gains)
    chart, traces = app.chart, app.chart.data
    bars_y = list(chart.data[3].y)
    app.controls["cost_per_contact"].value = 0.25
    assert app.break_even == pytest.approx(0.25 / 12)
    assert app.best == 10  # an e-mail this cheap pays all the way down
    assert list(chart.data[4].y) == pytest.approx([100 * 0.25 / 12] * 2)
    assert chart.data[4].name == "break-even 2.1%" == chart.layout.annotations[2].text
    assert chart.layout.annotations[2].y == pytest.approx(100 * 0.25 / 12)
    assert f"profit ${app.profit:,.0f}" in chart.layout.annotations[1].text
    assert list(chart.data[3].y) == bars_y  # the response rates do not depend on the cost
    app.controls["mailed_deciles"].value = 2
    expected = (gains["responders"].iloc[:2] * 12 - gains["customers"].iloc[:2] * 0.25).sum()
    assert app.profit == pytest.approx(expected) and app.mailed == gains["customers"].iloc[:2].sum()
    assert list(chart.data[3].marker.color) == [GREEN] * 2 + [GREY] * 8
    cum = app.plan["cum_customers_pct"].iloc[1]
    assert list(chart.data[2].x) == [cum] * 2
    assert chart.data[2].name == "mail top 2: {:.0f}% reached".format(
        app.plan["cum_responders_pct"].iloc[1])
    assert f"profit ${expected:,.0f}" in chart.layout.annotations[1].text
    assert chart.figure["layout"]["annotations"][1]["text"] == chart.layout.annotations[1].text
    app.controls["mailed_deciles"].value = 0
    assert app.profit == 0 and app.mailed == 0
    assert chart.data[2].visible is False and list(chart.data[3].marker.color) == [GREY] * 10
    assert app.chart is chart and all(a is b for a, b in zip(chart.data, traces, strict=True))
    app.controls["margin_per_response"].value = 30
    assert app.plan["profit"].iloc[0] == pytest.approx(gains["responders"].iloc[0] * 30 - gains[
        "customers"].iloc[0] * 0.25)


def test_only_changed_traces_are_sent(gains, monkeypatch):
    app = explorer(gains)
    sent = []
    monkeypatch.setattr(_plotly, "update",
                        lambda chart, traces, layout=None: sent.append((set(traces), layout)))
    app.controls["mailed_deciles"].value = 3  # depth: the line, the bar colours, the profit
    assert sent[-1][0] == {2, 3} and sent[-1][1] is not None
    app.controls["margin_per_response"].value = 20  # break-even line and profit; bars stay
    assert sent[-1][0] == {4}
    app.refresh()  # same inputs: nothing sent
    assert len(sent) == 2


def test_bad_table_is_refused():
    import pandas as pd

    with pytest.raises(ValueError, match="missing column"):
        explorer(pd.DataFrame({"customers": [1]}))


def test_korean_labels_keep_the_numbers_and_draw_hangul(gains):
    """Issue 18: in Korean the labels change; the numbers and control keys do not."""
    import warnings

    from marketing_kit import i18n
    from marketing_kit.widgets._base import figure_png
    from marketing_kit.widgets.direct_marketing import mailing_chart

    english = explorer(gains, cost_per_contact=0.5)
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            app = explorer(gains, cost_per_contact=0.5)
            app.controls["mailed_deciles"].value = 3  # redraw once more in Korean
            static = mailing_chart(app.plan, app.break_even, 3)  # the worked example's figure
            figure_png(static)
        assert app.controls["cost_per_contact"].description == "접촉당 비용 ($)"
        assert "손익분기 반응률" in app.summary.value and "Break-even" not in app.summary.value
        chart = app.chart
        assert chart.layout.annotations[0].text == "누적 이득 도표"
        assert chart.layout.annotations[1].text.startswith("십분위별 반응률 (초록 = 발송)")
        assert chart.data[0].name == "순위 명단" and chart.data[1].name == "무작위 발송"
        assert chart.data[2].name.startswith("상위 3개 발송")
        assert chart.layout.xaxis2.title.text == "십분위 (1 = 최고 점수)"
        app.controls["mailed_deciles"].value = 5
        assert app.profit == english.profit and app.best == english.best
        assert f"${english.profit:,.0f}" in app.summary.value
        assert list(chart.data[3].y) == list(english.chart.data[3].y)
        assert list(chart.data[4].y) == list(english.chart.data[4].y)
    finally:
        i18n.set_language("en")
    assert "Break-even response rate" in explorer(gains).summary.value


def _label_px(text: str) -> int:
    """A generous estimate of a control label's width in JupyterLab's 13 px UI font (measured
    in Chromium: "Margin per response ($)" 156 px, "반응당 공헌이익 ($)" under 130 px)."""
    return sum(14 if "\uac00" <= ch <= "\ud7a3" else 7 for ch in text)


@pytest.mark.parametrize("code", ["en", "ko"])
def test_slider_labels_fit_and_the_row_wraps_instead_of_squeezing(gains, code):
    """"Margin per response ($)" was cut off at 130 px. Three sliders wide enough for it do not
    fit beside each other in a notebook's output (about 970 px beside the file browser): the
    row wraps, and the sliders keep their width (squeezed, their tracks shrank to 17 px)."""
    from marketing_kit import i18n

    i18n.set_language(code)
    try:
        app = explorer(gains)
    finally:
        i18n.set_language("en")
    row = app.children[0]
    assert set(row.children) == set(app.controls.values())
    assert "wrap" in row.layout.flex_flow
    for control in app.controls.values():
        width = int(control.style.description_width.removesuffix("px"))
        assert _label_px(control.description) <= width, control.description
        assert control.layout.flex == "0 0 auto"
        assert int(control.layout.width.removesuffix("px")) >= width + 200  # track + readout
