"""The client-side chart (issue 23): its one synced value is always the whole current figure."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest

from benchmarks.widgets import RECIPES, explorers_in, other_value
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
    with pytest.raises(ValueError, match="Invalid property path 'marker.sise'"):
        _plotly.update(chart, {0: {"marker": {"sise": 3}}})  # a typo in a path is named
    with pytest.raises(ValueError, match="Invalid property path 'titel.text'"):
        _plotly.update(chart, layout={"titel.text": "x"})
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


def test_nested_updates_keep_the_keys_they_do_not_name(chart):
    _plotly.update(chart, {0: {"marker": {"size": 9, "color": "red"}}})
    _plotly.update(chart, {0: {"marker": {"color": "blue"}}})
    assert chart.figure["data"][0]["marker"] == {"size": 9, "color": "blue"}


def test_validated_names_a_value_plotly_does_not_accept(chart):
    # update() checks paths, not values (plotly_restyle does not coerce): validated() does
    _plotly.update(chart, {0: {"marker": {"size": "big"}}})
    with pytest.raises(ValueError, match="size"):
        chart.validated()


@pytest.mark.parametrize("name", [n for n in RECIPES if n != "VelocityCalculator"])
def test_every_explorer_chart_stays_valid_while_every_control_moves(name):
    """Each explorer as its notebook builds it; after each move of each control, each of its
    charts is still a figure plotly accepts, property by property."""
    app = next(a for a in explorers_in(RECIPES[name]()) if type(a).__name__ == name)
    if hasattr(app, "show_chart"):  # the account timeline builds its chart when its tab opens
        app.show_chart()
    charts = [v for v in vars(app).values() if isinstance(v, _plotly.Chart)]
    assert charts, f"{name} has no client-side chart"
    originals = {key: control.value for key, control in app.controls.items()}
    moved_a_chart = False
    for step in range(2 * len(originals)):  # away from the original value, then back
        drawn = [chart.figure for chart in charts]
        key = list(originals)[step % len(originals)]
        app.controls[key].value = other_value(app.controls[key], originals[key],
                                              step // len(originals))
        moved_a_chart |= any(c.figure != d for c, d in zip(charts, drawn, strict=True))
        for chart in charts:
            chart.validated()
    assert moved_a_chart, "no control changed a chart"
