"""Customer-value explorers: a simple-CLV explorer and a BG/NBD customer explorer.

Every number comes from :mod:`marketing_kit.ltv` (:func:`~marketing_kit.ltv.simple_clv`,
:func:`~marketing_kit.ltv.p_alive`, :func:`~marketing_kit.ltv.expected_purchases`). The
explorers' charts are client-side plotly charts (:class:`~marketing_kit.widgets._plotly.Chart`)
updated in place (issue 23); :func:`sensitivity_chart`, :func:`p_alive_chart` and the report
charts below stay matplotlib figures for static use.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import ltv
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

BLUE, RED = "#1565c0", "#c62828"
# An explorer's chart is created with its first data in it (the comm_open carries it): an update
# sent right after the chart's comm opened was sometimes lost while the browser loaded the
# anywidget module, and the chart stayed empty (issue 23, seen in the browser test).
RETENTION_GRID = np.round(np.linspace(0, 0.98, 99), 4)  # the sensitivity curve's retentions

SLIDER_LAYOUT = widgets.Layout(width="360px")
STYLE = {"description_width": "150px"}


def _unit(unit: str) -> str:
    """A time unit in the current language (the unit passed in stays English)."""
    return {"weeks": t("weeks"), "days": t("days"), "months": t("months")}.get(unit, unit)


def _style(controls: dict[str, widgets.Widget]) -> None:
    for control in controls.values():
        control.layout, control.style, control.continuous_update = SLIDER_LAYOUT, STYLE, False


class ClvExplorer(Explorer):
    """Margin, retention, discount-rate and acquisition-cost sliders drive the simple CLV.

    ``clv`` and ``multiple`` hold the current :func:`~marketing_kit.ltv.simple_clv` and
    :func:`~marketing_kit.ltv.margin_multiple`; ``curve`` the CLV for retention 0-0.98, drawn in
    ``clv_figure`` (trace 0: the curve, x in percent; 1: the dashed break-even line at 0;
    2: the current setting, named with its CLV).
    """

    def __init__(self, margin: float = 100.0, retention: float = 0.8, discount_rate: float = 0.1,
                 acquisition_cost: float = 150.0) -> None:
        controls: dict[str, widgets.Widget] = {
            "margin": widgets.FloatSlider(value=margin, min=0, max=500, step=5,
                                          description=t("Margin / period ($)")),
            "retention": widgets.FloatSlider(value=retention, min=0, max=0.98, step=0.01,
                                             readout_format=".0%", description=t("Retention")),
            "discount_rate": widgets.FloatSlider(value=discount_rate, min=0, max=0.3, step=0.01,
                                                 readout_format=".0%",
                                                 description=t("Discount rate")),
            "acquisition_cost": widgets.FloatSlider(value=acquisition_cost, min=0, max=1000,
                                                    step=10,
                                                    description=t("Acquisition cost ($)")),
        }
        _style(controls)
        self.summary = widgets.HTML()
        self._drawn: dict[str, object] = {}  # trace -> the inputs it was last drawn for
        self.controls = controls  # read by _compute before Explorer.__init__ sets them again
        self.clv_figure = sensitivity_widget(self._compute())  # born drawn, see above
        super().__init__(controls, [widgets.HBox([widgets.VBox(list(controls.values())),
                                                  self.summary]), self.clv_figure])
        self.refresh()

    def update(self) -> None:
        changed = self._compute()
        if changed:
            _plotly.update(self.clv_figure, changed)

    def _compute(self) -> dict[int, dict]:
        """Recompute the numbers and the summary; return the chart's traces whose inputs changed."""
        c = {name: control.value for name, control in self.controls.items()}
        self.clv = ltv.simple_clv(c["margin"], c["retention"], c["discount_rate"],
                                  c["acquisition_cost"])
        self.multiple = ltv.margin_multiple(c["retention"], c["discount_rate"])
        self.ratio = (ltv.ltv_to_cac(self.clv + c["acquisition_cost"], c["acquisition_cost"])
                      if c["acquisition_cost"] > 0 else float("inf"))
        self.curve = ltv.clv_sensitivity(c["margin"], RETENTION_GRID, c["discount_rate"],
                                         c["acquisition_cost"])
        self.summary.value = (
            f"<b>{t('CLV after acquisition cost')}</b>: ${self.clv:,.0f}<br>"
            f"<b>{t('Margin multiple')}</b> r/(1+i-r): {self.multiple:.2f}<br>"
            f"<b>LTV:CAC</b>: {self.ratio:.1f} : 1"
        )
        changed: dict[int, dict] = {}
        curve_key = (c["margin"], c["discount_rate"], c["acquisition_cost"])
        if self._drawn.get("curve") != curve_key:  # retention only moves the point along it
            changed[0] = {"x": (self.curve.index * 100).tolist(), "y": self.curve.tolist()}
            self._drawn["curve"] = curve_key
        if self._drawn.get("point") != (c["retention"], self.clv):
            changed[2] = {"x": [c["retention"] * 100], "y": [self.clv],
                          "name": t("now: {r:.0%} -> ${clv:,.0f}").format(r=c["retention"],
                                                                           clv=self.clv)}
            self._drawn["point"] = (c["retention"], self.clv)
        return changed


def sensitivity_widget(data: dict[int, dict] | None = None) -> _plotly.Chart:
    """Client-side CLV-against-retention chart: the curve, a dashed break-even line at 0 and the
    current setting's point (traces 0, 1, 2); ``data`` fills traces (index -> properties)."""
    traces = [
        {"type": "scatter", "x": [], "y": [], "mode": "lines", "name": t("CLV - acquisition cost"),
         "line": {"color": BLUE, "width": 2},
         "hovertemplate": "%{x:.0f} % → $%{y:,.0f}<extra></extra>"},
        {"type": "scatter", "x": [0, 98], "y": [0, 0], "mode": "lines", "name": t("break-even"),
         "line": {"color": "black", "width": 1, "dash": "dash"}, "hoverinfo": "skip"},
        {"type": "scatter", "x": [], "y": [], "mode": "markers", "name": "",
         "marker": {"color": RED, "size": 10},
         "hovertemplate": "%{x:.0f} % → $%{y:,.0f}<extra></extra>"},
    ]
    for index, properties in (data or {}).items():
        traces[index].update(properties)
    layout = {"title": {"text": t("CLV grows steeply as retention approaches 100 %"),
                        "font": {"size": 13}, "x": 0.5},
              "xaxis": {"title": {"text": t("Retention rate per period (%)")}, "range": [-1, 100]},
              "yaxis": {"title": {"text": t("CLV ($)")}, "zeroline": False},
              "legend": {"x": 0.03, "y": 0.99, "font": {"size": 11},
                         "bgcolor": "rgba(255,255,255,0.8)"},
              "margin": {"l": 70, "r": 20, "t": 45, "b": 50}}
    return _plotly.new_figure(traces, layout, width=600, height=340)


def sensitivity_chart(curve, retention: float, clv: float) -> Figure:
    """CLV against retention with the current setting marked and the break-even line."""
    figure = Figure(figsize=(6, 3.2))
    axes = figure.subplots()
    axes.plot(curve.index * 100, curve.to_numpy(), color="#1565c0",
              label=t("CLV - acquisition cost"))
    axes.axhline(0, color="black", linewidth=1, linestyle="--",
                 label=t("break-even"))
    axes.scatter([retention * 100], [clv], color="#c62828", zorder=3,
                 label=t("now: {r:.0%} -> ${clv:,.0f}").format(r=retention, clv=clv))
    axes.set_xlabel(t("Retention rate per period (%)"))
    axes.set_ylabel(t("CLV ($)"))
    axes.set_title(t("CLV grows steeply as retention approaches 100 %"))
    axes.legend(fontsize=8, loc="upper left")
    figure.subplots_adjust(bottom=0.17)  # labels inside: figure_png just crops
    return figure


class CustomerExplorer(Explorer):
    """Sliders for one customer's history (x, t_x, T) under a fitted BG/NBD model.

    ``alive`` holds :func:`~marketing_kit.ltv.p_alive` and ``expected`` the
    :func:`~marketing_kit.ltv.expected_purchases` in the next ``horizon`` periods. The recency
    slider is capped at T and pinned to 0 when there is no repeat purchase. Pass ``customers``
    (a frequency/recency/T table such as :func:`~marketing_kit.ltv.rfm_summary`) to get a
    ``selector`` dropdown that loads a real customer's history into the sliders.
    ``alive_figure`` draws P(alive) against t_x for this x and T (trace 0) and the customer's
    t_x (trace 1); the forecast slider leaves it as it is.
    """

    def __init__(self, fit: ltv.BGNBDFit, frequency: int = 2, recency: float = 30.43,
                 T: float = 38.86, horizon: float = 39.0, unit: str = "weeks",
                 customers: pd.DataFrame | None = None) -> None:
        if not isinstance(fit, ltv.BGNBDFit):
            raise TypeError(f"fit must be a BGNBDFit from ltv.fit_bgnbd, got {type(fit).__name__}")
        self.fit, self.unit, self._loading = fit, unit, False
        self.customers = None if customers is None else ltv.check_summary(customers, "customers")
        controls: dict[str, widgets.Widget] = {
            "frequency": widgets.IntSlider(value=frequency, min=0, max=30,
                                           description=t("Repeat purchases x")),
            "T": widgets.FloatSlider(value=T, min=1, max=80, step=0.5,
                                     description=t("Age T ({unit})").format(unit=_unit(unit))),
            "recency": widgets.FloatSlider(value=recency, min=0, max=T, step=0.5,
                                           description=t("Last purchase t_x ({unit})").format(
                                               unit=_unit(unit))),
            "horizon": widgets.FloatSlider(value=horizon, min=1, max=104, step=1,
                                           description=t("Forecast ({unit})").format(
                                               unit=_unit(unit))),
        }
        _style(controls)
        controls["T"].observe(self._cap_recency, names="value")
        controls["frequency"].observe(self._cap_recency, names="value")
        self.summary = widgets.HTML()
        self._drawn: dict[str, object] = {}  # trace -> the inputs it was last drawn for
        self.controls = controls  # read before Explorer.__init__ sets them again
        self._cap_recency()
        self.alive_figure = p_alive_widget(unit, self._compute())  # born drawn, see the top
        sliders = list(controls.values())
        if self.customers is not None:
            self.selector = widgets.Dropdown(options=[(t("(sliders)"), None)] + [
                (str(c), c) for c in self.customers.index], description=t("Customer"),
                layout=SLIDER_LAYOUT, style=STYLE)
            self.selector.observe(self._load_customer, names="value")
            sliders = [self.selector, *sliders]
        super().__init__(controls, [widgets.HBox([widgets.VBox(sliders), self.summary]),
                                    self.alive_figure])
        self.refresh()

    def refresh(self, change: object = None) -> None:
        if not self._loading:  # one redraw per selected customer, not one per slider
            super().refresh(change)

    def _load_customer(self, change: object = None) -> None:
        if self.selector.value is None:
            return
        row = self.customers.loc[self.selector.value]
        self._loading = True
        try:
            self.controls["T"].value = float(row["T"])
            self.controls["frequency"].value = int(row["frequency"])
            self.controls["recency"].value = float(row["recency"])
        finally:
            self._loading = False
        self.refresh()

    def _cap_recency(self, change: object = None) -> None:
        recency = self.controls["recency"]
        recency.max = self.controls["T"].value
        recency.disabled = self.controls["frequency"].value == 0
        if recency.disabled:
            recency.value = 0

    def update(self) -> None:
        changed = self._compute()
        if changed:
            _plotly.update(self.alive_figure, changed)

    def _compute(self) -> dict[int, dict]:
        """Recompute the numbers and the summary; return the chart's traces whose inputs changed."""
        x = self.controls["frequency"].value
        t_x, big_t = self.controls["recency"].value, self.controls["T"].value
        horizon = self.controls["horizon"].value
        self.alive = ltv.p_alive(self.fit, x, t_x, big_t)
        self.expected = ltv.expected_purchases(self.fit, horizon, x, t_x, big_t)
        self.summary.value = (
            f"<b>P(alive)</b>: {self.alive:.1%}<br>"
            + t("<b>Expected purchases</b> in the next {horizon:g} {unit}: {expected:.2f}").format(
                horizon=horizon, unit=_unit(self.unit), expected=self.expected)
        )
        changed: dict[int, dict] = {}
        if self._drawn.get("curve") != (x, big_t):  # t_x only moves the point along it
            grid, values = _p_alive_curve(self.fit, x, big_t)
            changed[0] = {"x": grid.tolist(), "y": values.tolist(),
                          "name": f"x = {x}, T = {big_t:g}"}
            self._drawn["curve"] = (x, big_t)
        if self._drawn.get("point") != (x, t_x, big_t):
            changed[1] = {"x": [t_x], "y": [self.alive]}
            self._drawn["point"] = (x, t_x, big_t)
        return changed


def _p_alive_curve(fit: ltv.BGNBDFit, frequency: int, T: float) -> tuple[np.ndarray, np.ndarray]:
    """t_x from 0 (or 1 % of T) to T and :func:`~marketing_kit.ltv.p_alive` at each."""
    grid = np.linspace(0 if frequency == 0 else 0.01 * T, T, 80)
    values = ltv.p_alive(fit, np.full(grid.size, frequency),
                         grid if frequency else np.zeros(grid.size), np.full(grid.size, T))
    return grid, np.asarray(values, dtype=float)


def p_alive_widget(unit: str = "weeks", data: dict[int, dict] | None = None) -> _plotly.Chart:
    """Client-side P(alive) chart: the curve over t_x (trace 0) and the customer (1); ``data``
    fills traces (index -> properties)."""
    traces = [
        {"type": "scatter", "x": [], "y": [], "mode": "lines", "name": "",
         "line": {"color": BLUE, "width": 2},
         "hovertemplate": "t_x %{x:.1f} → P(alive) %{y:.1%}<extra></extra>"},
        {"type": "scatter", "x": [], "y": [], "mode": "markers", "name": t("this customer"),
         "marker": {"color": RED, "size": 10},
         "hovertemplate": "t_x %{x:.1f} → P(alive) %{y:.1%}<extra></extra>"},
    ]
    for index, properties in (data or {}).items():
        traces[index].update(properties)
    title = t("A long silence after frequent buying means the customer has likely left")
    layout = {"title": {"text": title, "font": {"size": 12}, "x": 0.5},
              "xaxis": {"title": {"text": t("Time of last purchase t_x ({unit} after the first)")
                                  .format(unit=_unit(unit))}},
              "yaxis": {"title": {"text": "P(alive)"}, "range": [-0.03, 1.03]},
              "legend": {"x": 0.99, "xanchor": "right", "y": 0.05, "yanchor": "bottom",
                         "font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.8)"},
              "margin": {"l": 60, "r": 20, "t": 45, "b": 50}}
    return _plotly.new_figure(traces, layout, width=600, height=340)


def p_alive_chart(fit: ltv.BGNBDFit, frequency: int, recency: float, T: float,
                  unit: str = "weeks") -> Figure:
    """P(alive) against the time of the last purchase, for this x and T, current t_x marked."""
    figure = Figure(figsize=(6, 3.2))
    axes = figure.subplots()
    grid, values = _p_alive_curve(fit, frequency, T)
    axes.plot(grid, values, color="#1565c0", label=f"x = {frequency}, T = {T:g}")
    axes.scatter([recency], [ltv.p_alive(fit, frequency, recency, T)], color="#c62828", zorder=3,
                 label=t("this customer"))
    axes.set_ylim(-0.03, 1.03)
    axes.set_xlabel(t("Time of last purchase t_x ({unit} after the first)").format(
        unit=_unit(unit)))
    axes.set_ylabel("P(alive)")
    axes.set_title(t("A long silence after frequent buying means the customer has likely left"))
    axes.title.set_fontsize(10)
    axes.legend(fontsize=8, loc="lower right")
    figure.subplots_adjust(bottom=0.17)  # labels inside: figure_png just crops
    return figure


def clv_explorer(**settings: float) -> ClvExplorer:
    """Build the simple-CLV explorer (see :class:`ClvExplorer`)."""
    return ClvExplorer(**settings)


def customer_explorer(fit: ltv.BGNBDFit, **settings: float) -> CustomerExplorer:
    """Build the BG/NBD customer explorer for a fitted model (see :class:`CustomerExplorer`)."""
    return CustomerExplorer(fit, **settings)


def retention_heatmap(retention, max_periods: int = 13) -> Figure:
    """Heatmap of a cohort x period matrix from :func:`~marketing_kit.ltv.cohort_retention`."""
    shown = retention.iloc[:, :max_periods]
    figure = Figure(figsize=(9, 6))
    axes = figure.subplots()
    image = axes.imshow(shown.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    axes.set_xticks(range(shown.shape[1]), [str(c) for c in shown.columns])
    axes.set_yticks(range(shown.shape[0]), [str(c) for c in shown.index], fontsize=7)
    for (row, col), value in np.ndenumerate(shown.to_numpy(dtype=float)):
        if np.isfinite(value) and col > 0:
            axes.text(col, row, f"{value:.0%}", ha="center", va="center", fontsize=6.5,
                      color="white" if value > 0.6 else "black")
    axes.set_xlabel(t("Months since acquisition"))
    axes.set_ylabel(t("Acquisition cohort"))
    axes.set_title(t("Share of each cohort still paying (blank: not yet observed)"))
    figure.colorbar(image, ax=axes, label=t("retention"), fraction=0.04)
    return figure


def tracking_chart(tracking, calibration_periods: int, unit: str = "weeks") -> Figure:
    """Cumulative repeat purchases, actual vs BG/NBD.

    ``tracking`` comes from :func:`~marketing_kit.ltv.repeat_purchase_tracking`.
    """
    figure = Figure(figsize=(6.5, 3.4))
    axes = figure.subplots()
    axes.plot(tracking.index, tracking["actual"], color="black", label=t("actual"))
    axes.plot(tracking.index, tracking["expected"], color="#c62828", linestyle="--",
              label=t("BG/NBD expected"))
    axes.axvline(calibration_periods, color="grey", linewidth=1)
    axes.text(calibration_periods + 1, tracking["actual"].max() * 0.05, t("holdout ->"), fontsize=8,
              color="grey")
    axes.set_xlabel(t("{Unit} since the start").format(Unit=_unit(unit).capitalize()))
    axes.set_ylabel(t("Cumulative repeat purchases"))
    axes.set_title(t("Calibration fit and holdout forecast"))
    axes.legend(fontsize=8, loc="upper left")
    return figure


def cohort_funnel_chart(noise, truth=None, period: int | None = None) -> Figure:
    """Funnel plot: each cohort's retention against its size, with the pooled rate's limits.

    ``noise`` is :func:`~marketing_kit.ltv.cohort_noise` output (Spiegelhalter 2005). Points
    outside the funnel are labelled. ``truth`` (optional, by cohort) adds the generator's
    expected retention of each cohort as open circles.
    """
    figure = Figure(figsize=(6.5, 3.6))
    axes = figure.subplots()
    pooled = float(noise["pooled"].iloc[0])
    sizes = np.arange(max(5, int(noise["size"].min()) - 3), int(noise["size"].max()) + 6)
    limits = ltv.funnel_limits(pooled, sizes)
    axes.fill_between(sizes, limits["lower"], limits["upper"], step="mid", color="#90caf9",
                      alpha=0.35,
                      label=t("95 % range if every cohort had the pooled rate"))
    axes.axhline(pooled, color="#1565c0", linewidth=1,
                 label=t("pooled {pooled:.2f}").format(pooled=pooled))
    axes.scatter(noise["size"], noise["retention"], color="black", s=18, zorder=3,
                 label=t("observed cohort"))
    if truth is not None:
        true = truth.reindex(noise.index)
        axes.scatter(noise["size"], true, facecolors="none", edgecolors="#c62828", s=30,
                     zorder=3, label=t("generator's expected retention"))
    for cohort, row in noise[noise["outside"]].iterrows():
        axes.annotate(str(cohort), (row["size"], row["retention"]), xytext=(5, -3),
                      textcoords="offset points", fontsize=8)
    month = t(" in month {period}").format(period=period) if period is not None else ""
    axes.set_xlabel(t("Cohort size (accounts)"))
    axes.set_ylabel(t("Share still paying{month}").format(month=month))
    axes.set_title(t("Small cohorts scatter widely by chance alone"))
    axes.legend(fontsize=7, loc="lower right")
    return figure
