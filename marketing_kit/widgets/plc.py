"""Bass-model explorer: p, q and m sliders drive the adoption curves; a picker overlays real data.

Every number comes from :mod:`marketing_kit.plc` (``bass_adoptions``, ``bass_peak_time``,
``bass_peak_adoptions``, ``classify_stages``, ``fit_bass``, ``bass_forecast``). The explorer's
two-panel chart is a client-side plotly chart (:class:`~marketing_kit.widgets._plotly.Chart`)
updated in place (issue 23); :func:`bass_chart` and :func:`stage_chart` stay matplotlib figures
for static use in the notebook.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from marketing_kit import plc
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

NO_SERIES = "(none)"
STAGE_COLOURS = {"introduction": "#bdbdbd", "growth": "#66bb6a", "maturity": "#42a5f5",
                 "decline": "#ef5350"}
STYLE = {"description_width": "120px"}
LAYOUT = widgets.Layout(width="360px")
DATA_COLOUR = "#e65100"
PEAK_COLOUR = "#6a1b9a"
# The explorer chart's traces (indices into chart.data), all created by bass_widget() and
# afterwards only updated: left panel per period, right panel cumulative.
BANDS = range(len(plc.STAGES))  # one shaded band per stage, in plc.STAGES order
PEAK, MODEL, DATA, FIT = range(len(BANDS), len(BANDS) + 4)
CUM_MODEL, MARKET, CUM_DATA, CUM_FIT = range(len(BANDS) + 4, len(BANDS) + 8)
LEFT, RIGHT = (0.0, 0.45), (0.55, 1.0)  # the panels' shares of the chart's width


def stage_label(stage: str) -> str:
    """A PLC stage name in the current language (the stage values themselves stay English)."""
    return {"introduction": t("introduction"), "growth": t("growth"), "maturity": t("maturity"),
            "decline": t("decline")}.get(stage, stage)


def _series_label(product: str) -> str:
    return {NO_SERIES: t("(none)"), "color_tv": t("color_tv"),
            "clothes_dryers": t("clothes_dryers"),
            "room_air_conditioners": t("room_air_conditioners")}.get(product, product)


class BassExplorer(Explorer):
    """Sliders for p, q, m and the horizon, and a picker of the classic adoption series.

    After every change: ``adoptions`` and ``cumulative`` hold the slider model's curves,
    ``peak_time``/``peak_level`` its peak, ``stages`` its :class:`~marketing_kit.plc.StageResult`,
    ``fit`` the NLS :class:`~marketing_kit.plc.BassFit` of the picked series (``None`` without one;
    every series the picker offers is fitted once, when the explorer is built, so neither a
    slider nor the picker refits) and ``chart`` the two-panel client-side
    chart (its traces are indexed by ``BANDS``, ``PEAK``, ``MODEL`` ... ``CUM_FIT``; see
    :func:`bass_widget` and :func:`draw_bass`).
    """

    def __init__(self, series: pd.DataFrame, p: float = 0.02, q: float = 0.4,
                 m: float = 20_000.0, periods: int = 20, product: str = NO_SERIES) -> None:
        check_dataframe("series", series, ("product", "t", "sales_thousands"))
        self.series = series
        products = [(_series_label(name), name)
                    for name in [NO_SERIES, *sorted(series["product"].unique())]]
        controls: dict[str, widgets.Widget] = {
            "p": widgets.FloatSlider(value=p, min=0.001, max=0.1, step=0.001, readout_format=".3f",
                                     description=t("p (innovation)")),
            "q": widgets.FloatSlider(value=q, min=0.01, max=1.5, step=0.01,
                                     description=t("q (imitation)")),
            "m": widgets.FloatSlider(value=m, min=1_000, max=60_000, step=500,
                                     readout_format=",.0f", description=t("m (thousands)")),
            "periods": widgets.IntSlider(value=periods, min=5, max=40,
                                         description=t("years shown")),
            "product": widgets.Dropdown(options=products, value=product,
                                        description=t("overlay series")),
        }
        for control in controls.values():
            control.style, control.layout = STYLE, LAYOUT
            if hasattr(control, "continuous_update"):
                control.continuous_update = False
        self.controls = controls
        self.summary = widgets.HTML()
        left = widgets.VBox([controls["p"], controls["q"], controls["m"]])
        right = widgets.VBox([controls["periods"], controls["product"]])
        self.fit: plc.BassFit | None = None
        # product -> its rows by t and its NLS fit, or the error the fit raised (shown when the
        # product is picked): the data never change, so each is computed once, here.
        self._series: dict[str, pd.DataFrame] = {
            name: rows.sort_values("t") for name, rows in series.groupby("product", sort=False)}
        self._fits: dict[str, plc.BassFit | ValueError | TypeError] = {}
        for name, rows in self._series.items():
            try:
                self._fits[name] = plc.fit_bass(rows["sales_thousands"], "nls")
            except (TypeError, ValueError) as error:
                self._fits[name] = error
        # The chart is born with the first drawing in it: the browser gets the data with the
        # widget itself, not in a later update (nothing to lose while plotly.js loads).
        try:
            first, xrange = bass_traces(*self._compute())
        except (TypeError, ValueError):  # refresh() below shows the message
            first, xrange = {}, None
        self.chart = bass_widget(first, xrange)
        self._sent: dict[int, dict] = dict(first)  # trace -> what it was last given (draw_bass)
        super().__init__(controls, [widgets.HBox([left, right]), self.summary, self.chart])
        self.refresh()

    def data(self) -> pd.DataFrame | None:
        """The picked series (``None`` if none is picked)."""
        product = self.controls["product"].value
        return None if product == NO_SERIES else self._series[product]

    def _compute(self) -> tuple:
        """Recompute every number and the summary from the controls; return what the chart
        shows (the arguments of :func:`bass_traces`)."""
        p, q, m = (self.controls[name].value for name in ("p", "q", "m"))
        periods = self.controls["periods"].value
        self.adoptions = plc.bass_adoptions(p, q, m, periods)
        self.cumulative = np.cumsum(self.adoptions)
        self.peak_time = plc.bass_peak_time(p, q)
        self.peak_level = plc.bass_peak_adoptions(p, q, m)
        self.stages = plc.classify_stages(self.adoptions, window=1)
        data = self.data()
        product = self.controls["product"].value
        fit = None if data is None else self._fits[product]
        if isinstance(fit, Exception):
            raise fit
        self.fit = fit
        text = t("<b>Peak</b> t* = ln(q/p)/(p+q) = {t:.1f} years at {level:,.0f} thousand a year"
                 ).format(t=self.peak_time, level=self.peak_level)
        text += f" &nbsp;|&nbsp; <b>q/p</b> = {q / p:.1f}"
        if self.fit is not None:
            text += "<br>" + t("<b>NLS fit to {product}</b>: p = {p:.4f}, q = {q:.3f}, "
                               "m = {m:,.0f} thousand, R² = {r2:.3f}, peak t* = {peak:.1f}").format(
                product=_series_label(product), p=self.fit.p, q=self.fit.q, m=self.fit.m,
                r2=self.fit.r2, peak=self.fit.peak_time)
        self.summary.value = text
        return self.adoptions, self.peak_time, self.stages, m, data, self.fit

    def update(self) -> None:
        draw_bass(self.chart, *self._compute(), sent=self._sent)


def bass_widget(first: Mapping[int, Mapping] | None = None,
                xrange: list[float] | None = None) -> _plotly.Chart:
    """Client-side two-panel Bass chart for the explorer, empty or with ``first`` (trace index
    -> values, from :func:`bass_traces`) and the x range ``xrange`` in it; :func:`draw_bass`
    changes it.

    Left, new adopters per year: one shaded band per PLC stage (``BANDS``, bars on a hidden
    0-1 axis ``y`` under the curves) and the peak line labelled t* (``PEAK``) behind the model
    (``MODEL``), the real series (``DATA``) and its fit (``FIT``) on the visible axis ``y3``.
    Right, cumulative adopters (axes ``x2``/``y2``): ``CUM_MODEL``, the market size m
    (``MARKET``), ``CUM_DATA`` and ``CUM_FIT``. Everything that moves is a trace (an update of
    a trace is a fraction of a millisecond; replacing layout shapes or annotations takes
    plotly tens of milliseconds to validate).
    """
    bands = [{"type": "bar", "x": [], "y": [], "base": 0, "width": [], "name": stage_label(stage),
              "marker": {"color": STAGE_COLOURS[stage], "line": {"width": 0}}, "opacity": 0.18,
              "hoverinfo": "name", "visible": False, "legendrank": 10 + rank}
             for rank, stage in enumerate(plc.STAGES)]
    peak = {"type": "scatter", "x": [], "y": [], "mode": "lines+text", "name": "t*",
            "line": {"color": PEAK_COLOUR, "dash": "dot", "width": 2}, "text": [],
            "textposition": "bottom right", "textfont": {"color": PEAK_COLOUR, "size": 11},
            "hoverinfo": "name", "legendrank": 4}
    model = {"type": "scatter", "x": [], "y": [], "mode": "lines+markers", "name": t("model"),
             "legendgroup": "model", "line": {"color": "black", "width": 2},
             "marker": {"size": 5, "color": "black"}, "yaxis": "y3", "legendrank": 1}
    data = {"type": "scatter", "x": [], "y": [], "mode": "markers", "name": t("data"),
            "legendgroup": "data", "visible": False, "yaxis": "y3", "legendrank": 2,
            "marker": {"symbol": "square", "size": 7, "color": DATA_COLOUR}}
    fit = {"type": "scatter", "x": [], "y": [], "mode": "lines", "name": t("NLS fit"),
           "legendgroup": "fit", "visible": False, "yaxis": "y3", "legendrank": 3,
           "line": {"color": DATA_COLOUR, "dash": "dash", "width": 2}}
    right = {"xaxis": "x2", "yaxis": "y2", "showlegend": False}
    market = {"type": "scatter", "x": [], "y": [], "mode": "lines", "name": t("m (market size)"),
              "xaxis": "x2", "yaxis": "y2", "line": {"color": "grey", "dash": "dash", "width": 1},
              "legendrank": 5}
    traces = [*bands, peak, model, data, fit,
              {**model, **right, "mode": "lines"}, market, {**data, **right}, {**fit, **right}]
    traces = [{**trace, **(first or {}).get(index, {})} for index, trace in enumerate(traces)]
    axis = {"tickformat": "d", "title": {"text": t("years since launch (t)")}, "zeroline": False}
    values = {"rangemode": "tozero", "title": {"text": t("thousands")}, "tickformat": ",d"}
    titles = [{"text": f"<b>{text}</b>", "xref": f"{ref} domain", "yref": "paper", "x": 0.5,
               "y": 1.0, "yanchor": "bottom", "yshift": 6, "showarrow": False,
               "font": {"size": 13}}
              for text, ref in ((t("New adopters per year"), "x"),
                                (t("Cumulative adopters"), "x2"))]
    layout = {
        "xaxis": {**axis, "domain": list(LEFT), "anchor": "y",
                  **({"range": list(xrange)} if xrange else {})},
        "yaxis": {"visible": False, "range": [0, 1], "fixedrange": True},
        "yaxis3": {**values, "anchor": "x", "overlaying": "y", "side": "left",
                   "tickmode": "auto"},  # plotly.js would sync its ticks to the 0-1 axis
        "xaxis2": {**axis, "domain": list(RIGHT), "anchor": "y2", "matches": "x"},
        "yaxis2": {**values, "anchor": "x2"},
        "barmode": "overlay",
        "legend": {"orientation": "h", "x": 0, "y": -0.2, "yanchor": "top", "font": {"size": 11}},
        "annotations": titles,
        "margin": {"l": 65, "r": 20, "t": 40, "b": 40},
    }
    return _plotly.new_figure(traces, layout, width=980, height=430)


def draw_bass(chart: _plotly.Chart, adoptions: np.ndarray, peak_time: float,
              stages: plc.StageResult, m: float, data: pd.DataFrame | None = None,
              fit: plc.BassFit | None = None, *, sent: dict[int, dict] | None = None) -> None:
    """Put a model (and optionally a real series with its ``fit``) on a :func:`bass_widget`
    chart in one message: what :func:`bass_chart` draws.

    ``sent`` (the caller's dict) remembers what each trace was last given: a trace whose values
    did not change is left out of the message (a p or q move leaves the series, its fit and
    often the stage bands as they are), and nothing is sent if nothing changed.
    """
    traces, xrange = bass_traces(adoptions, peak_time, stages, m, data, fit)
    if sent is not None:
        traces = {i: values for i, values in traces.items() if not _same(sent.get(i), values)}
    layout = None if tuple(chart.layout.xaxis.range or ()) == tuple(xrange) else {
        "xaxis.range": xrange}  # the right panel's x axis matches this one
    if traces or layout:
        _plotly.update(chart, traces, layout=layout)
        if sent is not None:
            sent.update(traces)


def bass_traces(adoptions: np.ndarray, peak_time: float, stages: plc.StageResult, m: float,
                data: pd.DataFrame | None = None, fit: plc.BassFit | None = None
                ) -> tuple[dict[int, dict], list[float]]:
    """The values of every trace of a :func:`bass_widget` chart (trace index -> properties)
    and the x range of both panels, for a model and optionally a series with its ``fit``."""
    periods = np.arange(1, len(adoptions) + 1)
    right = max(len(adoptions), 0 if data is None else int(data["t"].max()))
    hidden = {"x": [], "y": [], "visible": False}
    traces: dict[int, dict] = {}
    for index, stage in zip(BANDS, plc.STAGES, strict=True):
        if stage in stages.boundaries:
            start, end = stages.boundaries[stage]
            traces[index] = {"x": [(start + end) / 2 + 1], "y": [1], "width": [end - start + 1],
                             "visible": True}
        else:
            traces[index] = {**hidden, "width": []}
    label = f"t* = {peak_time:.1f}"
    traces[PEAK] = {"x": [peak_time, peak_time], "y": [0, 1], "text": ["", label], "name": label}
    traces[MODEL] = {"x": periods, "y": adoptions}
    traces[CUM_MODEL] = {"x": periods, "y": np.cumsum(adoptions)}
    if data is None:
        traces.update({index: hidden for index in (DATA, CUM_DATA, FIT, CUM_FIT)})
    else:
        years = data["t"].to_numpy()
        sales = data["sales_thousands"].to_numpy(dtype=float)
        traces[DATA] = {"x": years, "y": sales, "visible": True}
        traces[CUM_DATA] = {"x": years, "y": np.cumsum(sales), "visible": True}
        if fit is None:
            traces.update({FIT: hidden, CUM_FIT: hidden})
        else:
            path = plc.bass_forecast(fit, max(len(adoptions), len(years)))
            span = path["period"].to_numpy()
            traces[FIT] = {"x": span, "y": path["adoptions"].to_numpy(), "visible": True}
            traces[CUM_FIT] = {"x": span, "y": path["cumulative"].to_numpy(), "visible": True}
    xrange = [0.5, right + 0.5]
    traces[MARKET] = {"x": xrange, "y": [m, m]}
    return traces, xrange


def _same(old: dict | None, new: dict) -> bool:
    """Whether two trace updates set the same properties to the same values."""
    return old is not None and old.keys() == new.keys() and all(
        np.array_equal(old[key], new[key]) for key in new)


def bass_chart(adoptions: np.ndarray, peak_time: float, stages: plc.StageResult, m: float,
               data: pd.DataFrame | None = None, fit: plc.BassFit | None = None) -> Figure:
    """Per-period (left) and cumulative (right) adoption, PLC stages shaded, peak marked.

    With ``data`` (columns ``t``, ``sales_thousands``) and its ``fit`` the real series is drawn
    as dots and the fitted model as a dashed line.
    """
    periods = np.arange(1, len(adoptions) + 1)
    figure = Figure(figsize=(10, 3.6))
    per_period, cumulative = figure.subplots(1, 2)
    for stage, (start, end) in stages.boundaries.items():
        per_period.axvspan(start + 0.5, end + 1.5, color=STAGE_COLOURS[stage], alpha=0.18,
                           label=stage_label(stage), linewidth=0)
    per_period.plot(periods, adoptions, color="black", marker="o", markersize=3,
                    label=t("model"))
    per_period.axvline(peak_time, color="#6a1b9a", linestyle=":", label=f"t* = {peak_time:.1f}")
    cumulative.plot(periods, np.cumsum(adoptions), color="black", label=t("model"))
    cumulative.axhline(m, color="grey", linestyle="--", linewidth=1, label=t("m (market size)"))
    if data is not None:
        years = data["t"].to_numpy()
        sales = data["sales_thousands"].to_numpy(dtype=float)
        per_period.plot(years, sales, "s", color="#e65100", markersize=5, label=t("data"))
        cumulative.plot(years, np.cumsum(sales), "s", color="#e65100", markersize=5,
                        label=t("data"))
        if fit is not None:
            horizon = max(len(adoptions), len(years))
            fitted = plc.bass_adoptions(fit.p, fit.q, fit.m, horizon)
            span = np.arange(1, horizon + 1)
            per_period.plot(span, fitted, "--", color="#e65100", label=t("NLS fit"))
            cumulative.plot(span, np.cumsum(fitted), "--", color="#e65100",
                            label=t("NLS fit"))
    per_period.set_title(t("New adopters per year"))
    per_period.set_xlabel(t("years since launch (t)"))
    per_period.set_ylabel(t("thousands"))
    per_period.legend(fontsize=7, loc="upper right", ncol=2)
    cumulative.set_title(t("Cumulative adopters"))
    cumulative.set_xlabel(t("years since launch (t)"))
    cumulative.legend(fontsize=7, loc="lower right")
    right = max(len(adoptions), 0 if data is None else int(data["t"].max()))
    for axes in (per_period, cumulative):
        axes.set_xlim(0.5, right + 0.5)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0)
    figure.subplots_adjust(left=0.09, right=0.98, bottom=0.17, top=0.89, wspace=0.2)
    return figure


def explorer(series: pd.DataFrame | None = None, **settings: object) -> BassExplorer:
    """Build the Bass explorer; ``series`` defaults to the ``bass_classic_series`` dataset."""
    if series is None:
        from marketing_kit import datasets

        series = datasets.load("bass_classic_series")
    return BassExplorer(series, **settings)


def stage_chart(result: plc.StageResult, labels: pd.Series | None = None,
                title: str | None = None) -> Figure:
    """Sales (thin line), smoothed sales (thick line) and the shaded stages of ``result``.

    ``labels`` (for example the ``month`` column) replaces the position numbers on the x axis;
    ``title`` defaults to "Sales through the product life cycle" (in the current language).
    """
    if title is None:
        title = t("Sales through the product life cycle")
    table = result.table
    x = np.arange(len(table))
    figure = Figure(figsize=(10, 3.6))
    axes = figure.subplots()
    for stage, (start, end) in result.boundaries.items():
        axes.axvspan(start - 0.5, end + 0.5, color=STAGE_COLOURS[stage], alpha=0.18, linewidth=0)
        axes.text((start + end) / 2, 1.01, stage_label(stage), ha="center", va="bottom", fontsize=9,
                  transform=axes.get_xaxis_transform())
    axes.plot(x, table["sales"], color="#90a4ae", linewidth=1, label=t("sales"))
    axes.plot(x, table["smoothed"], color="black", linewidth=2, label=t("smoothed"))
    if labels is not None:
        ticks = x[:: max(1, len(x) // 10)]
        axes.set_xticks(ticks, [str(labels.iloc[i]) for i in ticks], rotation=45, fontsize=8)
    axes.set_xlim(-0.5, len(x) - 0.5)
    axes.set_ylim(bottom=0)
    axes.set_ylabel(t("units"))
    axes.set_title(title, pad=18)
    axes.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    return figure
