"""Client-side charts for explorers: a plotly figure drawn in the browser by ``Plotly.react``.

A PNG redraw renders the whole figure on the server and ships the bytes on every change (about
40 ms of matplotlib text drawing and encoding on the course machine, ``docs/benchmarks.md``).
A :class:`Chart` is drawn by plotly.js in the browser: a change sends the figure's JSON (data and
layout, a few kB) and ``Plotly.react`` redraws only what differs.

Why not plotly's own ``FigureWidget``: its browser model applies each change in place to its copy
of the figure only after its 5 MB module has loaded, and its view reads that copy once, when it is
first drawn. Under load (the CI machine, a busy JupyterHub) changes sent while the module loaded
were lost and charts stayed empty (issue 23: two of four NPS notebooks in one CI run). A
:class:`Chart` has no such order: its one synced value is the whole figure, and the view draws
whatever value is current, at first draw and at every change.

The figure is kept as a ``plotly.graph_objects.Figure`` on the Python side (``chart.data[i].x``,
``chart.layout``), so a headless test reads what the browser will draw. plotly validates every
property when the chart is built; :func:`update` goes through plotly's ``plotly_restyle`` and
``plotly_relayout``, which reject a property path that does not exist but, like plotly.js, do
not coerce values. That is 2-4 ms a move cheaper than ``trace.update`` (``docs/benchmarks.md``),
and the tests validate every chart's whole figure after moving every control
(:meth:`Chart.validated`).

Plotly draws text with the browser's fonts, so :data:`FONT` lists Hangul-capable families for
the Korean edition (NanumGothic ships with Debian's fonts-nanum). plotly.js comes
from the plotly wheel (``plotly.offline.get_plotlyjs``), so charts render offline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache

import anywidget
import ipywidgets as widgets
import plotly.graph_objects as go
import plotly.io as pio
import traitlets
from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

from marketing_kit.i18n import language

FONT = ("Inter, 'Helvetica Neue', Arial, 'NanumGothic', 'Noto Sans CJK KR', 'Malgun Gothic', "
        "'Apple SD Gothic Neo', sans-serif")
TEMPLATE = "simple_white"
BASE_LAYOUT = {
    "font": {"family": FONT, "size": 12, "color": "#212121"},
    "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
    "hovermode": "closest",
}

# anywidget (0.11) gives a widget's module 2 s to load and initialise; after that it fails the
# model and drops every later message. A module carrying plotly.js (5 MB) went dead on a busy
# machine, and so did small modules while the browser parsed one 5 MB state per chart (issue 23).
# So plotly.js travels once per kernel, in a model of its own (:class:`PlotlySource`) that needs
# no message after it opens, and each Chart's module is a few lines. plotly.js is run (as a
# script: no time limit) by the first view drawn, by which time the charts of that output have
# opened; every view awaits that one load, then draws the current figure with
# ``Plotly.react`` at first draw and at every change, the template sent once beside it.
_SHARED_JS = """
function plotlyState() {
  if (!window.__marketingKitPlotly) {
    const state = { plotly: null };
    state.source = new Promise(resolve => { state.setSource = resolve; });
    window.__marketingKitPlotly = state;
  }
  return window.__marketingKitPlotly;
}
"""
SOURCE_JS = _SHARED_JS + """
export default {
  initialize({ model }) { plotlyState().setSource(model.get("plotly_js")); },
};
"""
RENDER_JS = _SHARED_JS + """
function loadPlotly() {
  const state = plotlyState();
  if (!state.plotly) {
    state.plotly = window.Plotly ? Promise.resolve(window.Plotly)
      : state.source.then(source => new Promise((resolve, reject) => {
          const script = document.createElement("script");
          script.src = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
          script.onload = () => resolve(window.Plotly);
          script.onerror = () => reject(new Error("marketing-kit: plotly.js did not load"));
          document.head.appendChild(script);
        }));
  }
  return state.plotly;
}

export default {
  async render({ model, el }) {
    const Plotly = await loadPlotly();
    let live = true;
    const draw = () => {
      if (!live) return;
      const figure = model.get("figure");
      const layout = { ...figure.layout, template: model.get("template") };
      Plotly.react(el, figure.data, layout, { displaylogo: false, responsive: false });
    };
    draw();
    model.on("change:figure", draw);
    return () => { live = false; model.off("change:figure", draw); Plotly.purge(el); };
  },
};
"""


class PlotlySource(anywidget.AnyWidget):
    """plotly.js (from the plotly wheel, so charts work offline), sent to the browser once per
    kernel; never displayed. Every :class:`Chart` refers to it, so it opens first."""

    _esm = SOURCE_JS
    plotly_js = traitlets.Unicode().tag(sync=True)


@cache
def plotly_source() -> PlotlySource:
    """The kernel's one :class:`PlotlySource`."""
    return PlotlySource(plotly_js=get_plotlyjs())


class Chart(anywidget.AnyWidget):
    """A plotly figure as a widget: ``data`` and ``layout`` are the figure's; change them inside
    :meth:`batch_update` (or with :func:`update`) and the browser redraws once."""

    _esm = RENDER_JS
    figure = traitlets.Dict().tag(sync=True)
    template = traitlets.Dict().tag(sync=True)
    source = traitlets.Instance(PlotlySource).tag(sync=True, **widgets.widget_serialization)

    def __init__(self, figure: go.Figure) -> None:
        if not isinstance(figure, go.Figure):
            raise TypeError(f"figure must be a plotly.graph_objects.Figure; got {type(figure)}")
        self._figure = figure
        super().__init__(source=plotly_source(),
                         template=pio.templates[TEMPLATE].layout.to_plotly_json(),
                         figure=self._json())

    @property
    def data(self) -> tuple[go.BaseTraceType, ...]:
        return self._figure.data

    @property
    def layout(self) -> go.Layout:
        return self._figure.layout

    def _json(self) -> dict:
        # The validated figure (``Figure.to_dict`` would pack numpy arrays as base64): plotly's
        # encoder turns arrays and numpy scalars into plain JSON lists and numbers, which the
        # browser test and a reader of the widget state can check.
        raw = {"data": self._figure._data, "layout": self._figure._layout}
        return json.loads(json.dumps(raw, cls=PlotlyJSONEncoder))

    def validated(self) -> go.Figure:
        """The figure as plotly validates it from scratch: raises ``ValueError`` naming any
        property an :func:`update` set to a value plotly does not accept."""
        return go.Figure(self.figure)

    @contextmanager
    def batch_update(self) -> Iterator[None]:
        """Changes made inside reach the browser as one message, on exit."""
        yield
        self.figure = self._json()


def new_figure(traces: Sequence[Mapping] = (), layout: Mapping | None = None,
               *, width: int = 600, height: int = 420) -> Chart:
    """A :class:`Chart` with the kit's look; ``traces`` are plotly trace dicts
    (``{"type": "scatter", "x": ..., "y": ...}``), ``layout`` plotly layout properties."""
    if width <= 0 or height <= 0:
        raise ValueError(f"width and height must be positive pixels; got {width} x {height}")
    merged = {**BASE_LAYOUT, "width": width, "height": height, **dict(layout or {})}
    figure = go.Figure(data=[dict(trace) for trace in traces], layout=merged)
    figure.layout.template = None  # the browser applies TEMPLATE, sent once per chart
    return Chart(figure)


_DAY_MS = 86_400_000


def date_ticks() -> dict:
    """Date-axis properties for the current language. plotly.js names months in English
    ("Jan 2025", "Mar 3"); the Korean edition numbers them instead ("2025년 1월", "3월 3일"),
    at whatever tick spacing plotly picks (d3-time-format, no plotly.js locale needed)."""
    if language() != "ko":
        return {}
    return {"tickformatstops": [
        {"dtickrange": [None, 28 * _DAY_MS], "value": "%-m월 %-d일"},
        {"dtickrange": [28 * _DAY_MS, 365 * _DAY_MS], "value": "%Y년 %-m월"},
        {"dtickrange": [365 * _DAY_MS, None], "value": "%Y년"},
    ]}


def _paths(properties: Mapping, prefix: str = "") -> dict[str, object]:
    """Nested properties as plotly property paths: ``{"marker": {"color": c}}`` ->
    ``{"marker.color": c}``, so an update sets ``color`` and keeps the marker's other keys."""
    flat: dict[str, object] = {}
    for key, value in properties.items():
        if isinstance(value, Mapping):
            flat.update(_paths(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def update(figure: Chart, traces: Mapping[int, Mapping] | None = None,
           layout: Mapping | None = None) -> None:
    """Set new values on existing traces (trace index -> properties) and on the layout, in one
    message to the browser. Traces are never re-created: the chart keeps its axes and legend.
    Nested dicts update the keys they name; a property path plotly does not know (a typo)
    raises ``ValueError``."""
    if not isinstance(figure, Chart):
        raise TypeError(f"figure must be a Chart from new_figure(); got {type(figure)}")
    traces = dict(traces or {})
    bad = [i for i in traces if not isinstance(i, int) or not 0 <= i < len(figure.data)]
    if bad:
        raise ValueError(f"traces must be indexed 0..{len(figure.data) - 1}; got {bad}")
    with figure.batch_update():
        for index, properties in traces.items():
            # plotly_restyle reads a list as one value per trace: wrap each in a list of one
            figure._figure.plotly_restyle(
                {path: [value] for path, value in _paths(properties).items()},
                trace_indexes=[index])
        if layout:
            figure._figure.plotly_relayout(_paths(layout))


def changed(drawn: dict, wanted: dict) -> dict:
    """The properties of ``wanted`` (trace index or ``"layout"`` -> properties) that differ from
    what ``drawn`` records as last sent, and record them there. Sending only these keeps
    :func:`update` and the browser's redraw cheap."""
    if not isinstance(drawn, dict) or not isinstance(wanted, dict):
        raise TypeError("drawn and wanted must be dicts of trace index or 'layout' -> properties")
    diff_by_key = {}
    for key, properties in wanted.items():
        last = drawn.get(key, {})
        diff = {prop: value for prop, value in properties.items() if last.get(prop) != value}
        if diff:
            diff_by_key[key] = diff
            drawn[key] = {**last, **diff}
    return diff_by_key


def trace(figure: Chart, name: str) -> go.BaseTraceType:
    """The trace called ``name`` (``uid`` or ``name``), for tests and explorers."""
    for candidate in figure.data:
        if name in (candidate.uid, candidate.name):
            return candidate
    raise ValueError(f"no trace named {name!r}; have {[c.name for c in figure.data]}")
