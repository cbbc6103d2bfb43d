"""Client-side charts for explorers: a plotly ``FigureWidget`` whose traces are updated in place.

A PNG redraw renders the whole figure on the server and ships the bytes on every change (about
40 ms of matplotlib text drawing and encoding on the course machine, ``docs/benchmarks.md``).
A ``FigureWidget`` is drawn once by plotly.js in the browser; a change then sends only the new
trace data and layout values (one message per :func:`update`), and plotly.js restyles the SVG.
The figure keeps its data on the Python side (``figure.data[i].x``), so a headless test reads
what the browser will draw. Plotly draws text with the browser's fonts, so :data:`FONT` lists
Hangul-capable families for the Korean edition (NanumGothic ships with Debian's fonts-nanum).

plotly >= 6 builds ``FigureWidget`` on ``anywidget``; both wheels carry their JupyterLab
extension, so the charts render offline. :class:`FigureWidget` re-sends the whole figure after
construction: with plotly's own class the notebook's first figure sometimes showed in headless
Chromium as an empty plot with default axes (its data and layout updates arrived while the
browser was still loading the 5 MB plotly.js module; a later full ``send_state`` fixed it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import deepcopy

import plotly.graph_objects as go

FONT = ("Inter, 'Helvetica Neue', Arial, 'NanumGothic', 'Noto Sans CJK KR', 'Malgun Gothic', "
        "'Apple SD Gothic Neo', sans-serif")
BASE_LAYOUT = {
    "template": "simple_white",
    "font": {"family": FONT, "size": 12, "color": "#212121"},
    "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    "hovermode": "closest",
}


class FigureWidget(go.FigureWidget):
    """``plotly.graph_objects.FigureWidget`` that sends its data and layout once more, whole,
    after construction (see the module docstring)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._widget_data = deepcopy(self._data)
        self._widget_layout = deepcopy(self._layout_obj._props)
        self.send_state(["_widget_data", "_widget_layout"])


def new_figure(traces: Sequence[Mapping] = (), layout: Mapping | None = None,
               *, width: int = 600, height: int = 420) -> FigureWidget:
    """A ``FigureWidget`` with the kit's look; ``traces`` are plotly trace dicts
    (``{"type": "scatter", "x": ..., "y": ...}``), ``layout`` plotly layout properties."""
    if width <= 0 or height <= 0:
        raise ValueError(f"width and height must be positive pixels; got {width} x {height}")
    merged = {**BASE_LAYOUT, "width": width, "height": height, **dict(layout or {})}
    return FigureWidget(data=[dict(trace) for trace in traces], layout=merged)


def update(figure: go.FigureWidget, traces: Mapping[int, Mapping] | None = None,
           layout: Mapping | None = None) -> None:
    """Set new values on existing traces (trace index -> properties) and on the layout, in one
    message to the browser. Traces are never re-created: the chart keeps its axes and legend."""
    traces = dict(traces or {})
    bad = [i for i in traces if not isinstance(i, int) or not 0 <= i < len(figure.data)]
    if bad:
        raise ValueError(f"traces must be indexed 0..{len(figure.data) - 1}; got {bad}")
    with figure.batch_update():
        for index, properties in traces.items():
            figure.data[index].update(dict(properties))
        if layout:
            figure.layout.update(dict(layout))


def trace(figure: go.FigureWidget, name: str) -> go.BaseTraceType:
    """The trace called ``name`` (``uid`` or ``name``), for tests and explorers."""
    for candidate in figure.data:
        if name in (candidate.uid, candidate.name):
            return candidate
    raise ValueError(f"no trace named {name!r}; have {[c.name for c in figure.data]}")
