"""A small GA4-style dashboard: date range, channel group and device drive key metrics and charts.

Every number comes from :mod:`marketing_kit.ga4`: a move reads a ``DailyCube`` window, which gives
what ``filter_export``, ``report`` and ``weekly_totals`` give from sums made once at build. The
explorer's chart is a client-side plotly chart (:class:`~marketing_kit.widgets._plotly.Chart`)
updated in place (issue 23); :func:`dashboard_chart`, :func:`trend_chart` and :func:`rate_chart`
stay matplotlib figures for static use.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import ga4
from marketing_kit.ga4 import weekly_totals
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

KPI_LABELS = {"sessions": "Sessions", "engaged_sessions": "Engaged sessions",
              "engagement_rate": "Engagement rate", "key_events": "Key events",
              "key_event_rate": "Session key event rate",
              "avg_engagement_time": "Avg engagement time / session"}  # shown through t()
BLUE, AMBER, AMBER_TEXT, GREEN = "#1a73e8", "#f9ab00", "#b06000", "#34a853"


def _kpi_label(name: str) -> str:
    labels = {"sessions": t("Sessions"), "engaged_sessions": t("Engaged sessions"),
              "engagement_rate": t("Engagement rate"), "key_events": t("Key events"),
              "key_event_rate": t("Session key event rate"),
              "avg_engagement_time": t("Avg engagement time / session")}
    return labels.get(name, KPI_LABELS.get(name, name))


def _dimension_label(by: str) -> str:
    """A GA4 dimension as a chart label (other columns: underscores become spaces)."""
    labels = {"channel": t("channel"), "landing_page": t("landing page"),
              "device": t("device"), "date": t("date")}
    return labels.get(by, by.replace("_", " "))


def _rate_label(rate: str) -> str:
    labels = {"key_event_rate": t("key event rate"), "engagement_rate": t("engagement rate"),
              "bounce_rate": t("bounce rate")}
    return labels.get(rate, rate.replace("_", " "))


def _format(name: str, value: float) -> str:
    if name.endswith("rate"):
        return f"{value:.1%}" if name == "engagement_rate" else f"{value:.2%}"
    if name == "avg_engagement_time":
        return f"{value:.0f} s"
    return f"{value:,.0f}"


class Ga4DashboardExplorer(Explorer):
    """Date-range slider, channel-group and device drop-downs over a GA4 export.

    ``selection`` holds the filtered rows, ``kpis`` the totals (a Series with sessions, engaged
    sessions, engagement rate, key events, key-event rate, engagement seconds per session),
    ``table`` the landing-page report and ``weekly`` sessions and key events per week; ``chart``
    (see :func:`dashboard_widget`) shows the weekly trend and the key-event rate by landing page,
    built with its first picture and updated in place, only the traces whose values changed.
    """

    def __init__(self, export: pd.DataFrame) -> None:
        self.cube = ga4.DailyCube(export)  # validates; sums once what every move re-reads
        self.export = export
        dates = sorted(pd.to_datetime(export["date"]).dt.strftime("%Y-%m-%d").unique())
        channels = sorted(export[ga4.DIMENSIONS["channel"]].unique())
        devices = sorted(export[ga4.DIMENSIONS["device"]].unique())
        controls: dict[str, widgets.Widget] = {
            "dates": widgets.SelectionRangeSlider(options=dates, index=(0, len(dates) - 1),
                                                  description=t("Date range"),
                                                  continuous_update=False, readout=False,
                                                  layout=widgets.Layout(width="520px")),
            # GA4's channel-group and device names stay as GA4 shows them; only "All" is
            # translated (a (label, value) pair: the value the code filters on stays "All")
            "channel": widgets.Dropdown(options=[(t("All"), "All"), *((c, c) for c in channels)],
                                        value="All", description=t("Channel group")),
            "device": widgets.Dropdown(options=[(t("All"), "All"), *((d, d) for d in devices)],
                                       value="All", description=t("Device")),
        }
        for control in controls.values():
            control.style = {"description_width": "100px"}
        self.period = widgets.HTML()  # the slider's own readout is too narrow for two dates
        self.cards = widgets.HTML()
        self.table_html = widgets.HTML()
        self.controls = controls  # read by _compute before Explorer.__init__ sets them again
        self._drawn: dict[int, dict] = {}  # trace index -> the values it was last drawn with
        try:
            first = self._compute()
        except (TypeError, ValueError):  # refresh() below shows the message
            first = {}
        self.chart = dashboard_widget(first)  # born drawn: the comm_open carries the picture
        super().__init__(controls, [widgets.HBox([controls["dates"], self.period]),
                                    widgets.HBox([controls["channel"], controls["device"]]),
                                    self.cards, self.chart, self.table_html])
        self.refresh()

    @property
    def selection(self) -> pd.DataFrame:
        """The selected rows of the export (what :func:`~marketing_kit.ga4.filter_export` gives),
        made when first asked for: a move does not need them."""
        return self._window.rows

    def update(self) -> None:
        changed = self._compute()
        if changed:
            _plotly.update(self.chart, changed)

    def _compute(self) -> dict[int, dict]:
        """Recompute the numbers, cards and table; return the chart's changed traces."""
        start, end = self.controls["dates"].value
        self.period.value = t("<b>{start}</b> to <b>{end}</b>").format(start=start, end=end)
        self._window = self.cube.window(start, end, self.controls["channel"].value,
                                        self.controls["device"].value)
        self.table, self.weekly = self._window.pages, self._window.weekly
        self.kpis = self._window.totals[list(KPI_LABELS)]
        self.cards.value = "".join(
            "<div style='display:inline-block;margin:4px 14px 4px 0'><div style='font-size:11px;"
            f"color:#555'>{label}</div><div style='font-size:20px;font-weight:600'>"
            f"{_format(name, self.kpis[name])}</div></div>"
            for name, label in ((name, _kpi_label(name)) for name in KPI_LABELS))
        headers = {"sessions": t("sessions"), "engagement_rate": t("engagement rate"),
                   "key_events": t("key events"), "key_event_rate": t("key event rate")}
        shown = self.table[list(headers)].rename(columns=headers)
        self.table_html.value = shown.to_html(
            formatters={headers["engagement_rate"]: "{:.1%}".format,
                        headers["key_event_rate"]: "{:.2%}".format,
                        headers["sessions"]: "{:,}".format}, index_names=False)
        wanted = dashboard_values(self.weekly, self.table)
        return _plotly.changed(self._drawn, wanted)



def dashboard_values(weekly: pd.DataFrame, pages: pd.DataFrame) -> dict[int, dict]:
    """The explorer chart's trace values (index -> properties) for :func:`weekly_totals` and a
    landing-page :func:`~marketing_kit.ga4.report`: what :func:`dashboard_chart` draws."""
    weeks = [week.strftime("%Y-%m-%d") for week in weekly.index]
    ranked = ga4.with_intervals(pages).sort_values("key_event_rate")
    return {
        0: {"x": weeks, "y": weekly["key_events"].astype(float).tolist()},
        1: {"x": weeks, "y": weekly["sessions"].astype(float).tolist()},
        # only the error bars' lengths: their style sits on the trace (dashboard_widget), so a
        # move does not make plotly validate it again (issue 23)
        2: {"x": (100 * ranked["key_event_rate"]).tolist(), "y": [str(i) for i in ranked.index],
            "error_x": {"array": (100 * (ranked["ci_high"] - ranked["key_event_rate"])).tolist(),
                        "arrayminus": (100 * (ranked["key_event_rate"]
                                              - ranked["ci_low"])).tolist()}},
    }


def dashboard_widget(values: dict[int, dict] | None = None) -> _plotly.Chart:
    """The dashboard explorer's client-side chart, filled with ``values`` from
    :func:`dashboard_values`. Left: key events per week (trace 0, bars, left axis) and sessions
    per week (trace 1, line, right axis). Right: key-event rate by landing page with 95 % Wilson
    intervals (trace 2)."""
    traces = [
        {"type": "bar", "x": [], "y": [], "name": t("Key events"),
         "marker": {"color": AMBER, "opacity": 0.6},
         "hovertemplate": "%{x|%Y-%m-%d}: %{y:,.0f}<extra></extra>"},
        {"type": "scatter", "x": [], "y": [], "yaxis": "y2", "mode": "lines",
         "name": t("Sessions"), "line": {"color": BLUE, "width": 2},
         "hovertemplate": "%{x|%Y-%m-%d}: %{y:,.0f}<extra></extra>"},
        {"type": "bar", "x": [], "y": [], "orientation": "h", "xaxis": "x3", "yaxis": "y3",
         "name": t("key events per 100 sessions (95 % CI)"), "marker": {"color": GREEN},
         "error_x": {"type": "data", "symmetric": False, "color": "#333", "width": 3},
         "hovertemplate": "%{y}: %{x:.2f}<extra></extra>"},
    ]
    for index, properties in (values or {}).items():
        for name, value in properties.items():  # a dict value adds to the trace's (error_x)
            old = traces[index].get(name)
            traces[index][name] = {**old, **value} if isinstance(old, dict) else value
    panel_title = {"xref": "paper", "yref": "paper", "y": 1.02, "yanchor": "bottom",
                   "xanchor": "center", "showarrow": False, "font": {"size": 13}}
    layout = {
        "showlegend": False,  # the titles say which is the line and which the bars
        "xaxis": {**_plotly.date_ticks(), "domain": [0, 0.47], "tickangle": -30,
                  "tickfont": {"size": 10}},
        "yaxis": {"title": {"text": t("key events per week (bars)"), "font": {"color": AMBER_TEXT}},
                  "rangemode": "tozero"},
        # tickmode auto: plotly.js would sync an overlaying axis's ticks to its base (2602, ...)
        "yaxis2": {"overlaying": "y", "side": "right", "rangemode": "tozero", "showgrid": False,
                   "tickmode": "auto", "tickformat": ",",
                   "title": {"text": t("sessions per week (line)"), "font": {"color": BLUE}}},
        "xaxis3": {"domain": [0.74, 1], "anchor": "y3", "rangemode": "tozero",
                   "title": {"text": t("key events per 100 sessions (95 % CI)")}},
        "yaxis3": {"anchor": "x3", "tickfont": {"size": 10}},
        "annotations": [
            {**panel_title, "x": 0.235,
             "text": t("Sessions (line) and key events (bars) per week")},
            {**panel_title, "x": 0.87, "text": t("Session key event rate by landing page")}],
        "margin": {"l": 70, "r": 20, "t": 40, "b": 60},
    }
    return _plotly.new_figure(traces, layout, width=960, height=360)


def dashboard_chart(weekly: pd.DataFrame, pages: pd.DataFrame) -> Figure:
    """Left: sessions per week (bars: key events on a second axis). Right: key-event rate by
    landing page with 95 % Wilson intervals (:func:`marketing_kit.ga4.with_intervals`)."""
    figure = Figure(figsize=(10, 3.3))
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1.4, 1]})
    left.bar(weekly.index, weekly["key_events"], width=5, color="#f9ab00", alpha=0.6)
    left.set_ylabel(t("key events per week (bars)"), color="#b06000")
    left.set_title(t("Sessions (line) and key events (bars) per week"))
    sessions = left.twinx()
    sessions.plot(weekly.index, weekly["sessions"], color="#1a73e8", linewidth=2)
    sessions.set_ylabel(t("sessions per week (line)"), color="#1a73e8")
    sessions.set_ylim(bottom=0)
    left.tick_params(axis="x", labelrotation=30, labelsize=8)
    ranked = ga4.with_intervals(pages).sort_values("key_event_rate")
    errors = [100 * (ranked["key_event_rate"] - ranked["ci_low"]),
              100 * (ranked["ci_high"] - ranked["key_event_rate"])]
    right.barh(ranked.index, 100 * ranked["key_event_rate"], xerr=errors, color="#34a853",
               ecolor="#333", capsize=3)
    right.set_xlabel(t("key events per 100 sessions (95 % CI)"))
    right.set_title(t("Session key event rate by landing page"))
    right.tick_params(axis="y", labelsize=8)
    figure.subplots_adjust(wspace=0.75)  # no tight_layout: a second layout pass costs time
    return figure


def trend_chart(export: pd.DataFrame, by: str = "channel") -> Figure:
    """Weekly sessions per value of ``by`` (a GA4 dimension) as lines: seasonality at a glance."""
    ga4.check_export(export)
    if ga4.DIMENSIONS.get(by, by) not in export.columns:
        raise ValueError(f"by must be one of {list(ga4.DIMENSIONS)}, got {by!r}")
    table = weekly_totals(export, by)
    figure = Figure(figsize=(9, 3.4))
    axes = figure.subplots()
    for name in table.sum().sort_values(ascending=False).index:
        axes.plot(table.index, table[name], label=name, linewidth=1.4)
    axes.set_ylabel(t("sessions per week"))
    axes.set_title(t("Weekly sessions by {dimension}").format(dimension=_dimension_label(by)))
    axes.legend(fontsize=8, ncol=3, loc="upper left")
    axes.set_ylim(0, 1.3 * table.to_numpy().max())
    return figure


def rate_chart(table: pd.DataFrame, rate: str = "key_event_rate", title: str = "") -> Figure:
    """Horizontal bars of ``rate`` per row of a :func:`~marketing_kit.ga4.report` table with
    95 % Wilson intervals: a gap whose intervals overlap heavily may be noise."""
    ranked = ga4.with_intervals(table, rate).sort_values(rate)
    figure = Figure(figsize=(6, 0.45 * len(ranked) + 1.2))
    axes = figure.subplots()
    errors = [100 * (ranked[rate] - ranked["ci_low"]), 100 * (ranked["ci_high"] - ranked[rate])]
    axes.barh([str(i) for i in ranked.index], 100 * ranked[rate], xerr=errors, color="#1a73e8",
              ecolor="#333", capsize=3)
    axes.set_xlabel(t("{rate} (%), 95 % CI").format(rate=_rate_label(rate)))
    axes.set_title(title or t("{rate} by {dimension}").format(
        rate=_rate_label(rate).capitalize(), dimension=ranked.index.name))
    return figure


def explorer(export: pd.DataFrame) -> Ga4DashboardExplorer:
    """Build the GA4 dashboard explorer for an export (see :class:`Ga4DashboardExplorer`)."""
    return Ga4DashboardExplorer(export)
