"""The direct-mail explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets, ltv
from marketing_kit import direct_marketing as dm
from marketing_kit.widgets.direct_marketing import explorer


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
    assert bytes(app.image.value).startswith(b"\x89PNG")
    assert "Break-even" in app.summary.value


def test_moving_sliders_recomputes_and_redraws(gains):
    app = explorer(gains)
    before = app.image.value
    app.controls["cost_per_contact"].value = 0.25
    assert app.break_even == pytest.approx(0.25 / 12)
    assert app.best == 10  # an e-mail this cheap pays all the way down
    assert app.image.value != before
    app.controls["mailed_deciles"].value = 2
    expected = (gains["responders"].iloc[:2] * 12 - gains["customers"].iloc[:2] * 0.25).sum()
    assert app.profit == pytest.approx(expected) and app.mailed == gains["customers"].iloc[:2].sum()
    app.controls["mailed_deciles"].value = 0
    assert app.profit == 0 and app.mailed == 0
    app.controls["margin_per_response"].value = 30
    assert app.plan["profit"].iloc[0] == pytest.approx(gains["responders"].iloc[0] * 30 - gains[
        "customers"].iloc[0] * 0.25)


def test_bad_table_is_refused():
    import pandas as pd

    with pytest.raises(ValueError, match="missing column"):
        explorer(pd.DataFrame({"customers": [1]}))


def test_korean_labels_keep_the_numbers_and_draw_hangul(gains):
    """Issue 18: in Korean the labels change; the numbers and control keys do not."""
    import warnings

    from marketing_kit import i18n

    english = explorer(gains, cost_per_contact=0.5)
    i18n.set_language("ko")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
            app = explorer(gains, cost_per_contact=0.5)
            app.controls["mailed_deciles"].value = 3  # redraw once more in Korean
        assert app.controls["cost_per_contact"].description == "접촉당 비용 ($)"
        assert "손익분기 반응률" in app.summary.value and "Break-even" not in app.summary.value
        assert bytes(app.image.value).startswith(b"\x89PNG")
        app.controls["mailed_deciles"].value = 5
        assert app.profit == english.profit and app.best == english.best
        assert f"${english.profit:,.0f}" in app.summary.value
        assert app.image.value != english.image.value  # the chart's text is Korean
    finally:
        i18n.set_language("en")
    assert "Break-even response rate" in explorer(gains).summary.value
