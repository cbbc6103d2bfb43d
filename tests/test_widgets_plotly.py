"""The client-side chart (issue 23): its one synced value is always the whole current figure."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest

from marketing_kit.widgets import _plotly


@pytest.fixture
def chart():
    return _plotly.new_figure([{"type": "scatter", "x": [1, 2], "y": [3, 4], "name": "dot"}],
                              {"title": {"text": "before"}}, width=300, height=200)


def test_the_synced_figure_follows_every_update(chart):
    sent = []
    chart.observe(lambda change: sent.append(change["new"]), names="figure")
    _plotly.update(chart, {0: {"x": np.array([5.0, 6.0]), "y": [7, 8]}}, {"title.text": "after"})
    _plotly.update(chart, {0: {"name": "moved"}})
    assert len(sent) == 2  # one message per update, whatever it changes
    assert chart.figure == sent[-1]
    assert chart.figure["data"] == [{"type": "scatter", "x": [5.0, 6.0], "y": [7, 8],
                                     "name": "moved"}]  # numpy arrays go as plain lists
    layout = chart.figure["layout"]
    assert layout["title"]["text"] == "after" and (layout["width"], layout["height"]) == (300, 200)
    assert chart.data[0].name == "moved" and _plotly.trace(chart, "moved") is chart.data[0]


def test_the_template_is_sent_once_beside_the_figure(chart):
    assert "template" not in chart.figure["layout"]
    assert chart.template == pio.templates[_plotly.TEMPLATE].layout.to_plotly_json()
    assert chart.figure["layout"]["font"]["family"] == _plotly.FONT


def test_the_view_draws_the_current_figure_at_first_draw_and_at_each_change(chart):
    # What makes the chart immune to message order: the browser reads model.get("figure")
    # when it first draws and again on every change (checked end to end in test_browser.py).
    # anywidget fails a model whose module takes over 2 s to load: the module stays a few
    # lines and plotly.js travels as a value (the slow-browser test in test_browser.py).
    assert len(chart._esm) < 5_000 and chart._esm.count("export default") == 1
    assert chart.source is _plotly.plotly_source()  # one copy of plotly.js per kernel
    assert len(chart.source.plotly_js) > 1_000_000 and "window.Plotly" in chart.source.plotly_js
    assert chart.get_state()["source"] == f"IPY_MODEL_{chart.source.model_id}"
    assert 'model.get("figure")' in _plotly.RENDER_JS
    assert 'model.on("change:figure", draw)' in _plotly.RENDER_JS


def test_bad_input_is_named(chart):
    with pytest.raises(ValueError, match="traces must be indexed 0..0"):
        _plotly.update(chart, {1: {"x": [1]}})
    with pytest.raises(TypeError, match="figure must be a Chart"):
        _plotly.update({"data": []}, {0: {"x": [1]}})
    with pytest.raises(ValueError, match="width and height"):
        _plotly.new_figure([], width=0)
    with pytest.raises(ValueError, match="no trace named 'nope'"):
        _plotly.trace(chart, "nope")
    with pytest.raises(ValueError):  # plotly validates every property
        _plotly.update(chart, {0: {"marker": {"size": "big"}}})
    with pytest.raises(TypeError, match="plotly.graph_objects.Figure"):
        _plotly.Chart({"data": []})


def test_changed_sends_only_what_differs_from_the_last_drawing():
    drawn: dict = {}
    first = _plotly.changed(drawn, {0: {"x": [1], "y": [2]}, "layout": {"title.text": "a"}})
    assert first == {0: {"x": [1], "y": [2]}, "layout": {"title.text": "a"}}
    assert _plotly.changed(drawn, {0: {"x": [1], "y": [3]}, "layout": {"title.text": "a"}}) == {
        0: {"y": [3]}}
    assert _plotly.changed(drawn, {0: {"x": [1], "y": [3]}}) == {}
    assert drawn == {0: {"x": [1], "y": [3]}, "layout": {"title.text": "a"}}
    with pytest.raises(TypeError, match="drawn and wanted"):
        _plotly.changed(None, {})
