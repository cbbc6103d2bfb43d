"""First explorer: pick a channel, a week range and a metric; see the totals and two charts.

Every number comes from :mod:`marketing_kit.getting_started`; the widget only draws. The
explorer's chart is a client-side plotly chart (:class:`~marketing_kit.widgets._plotly.Chart`)
updated in place (issue 23); :func:`explorer_chart` stays a matplotlib figure for static use.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import getting_started as gs
from marketing_kit._validate import check_number
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

HIGHLIGHT, MUTED = "#1565c0", "#b0bec5"
TABLE_COLUMNS = ["reach", "clicks", "leads", "customers", "cost", "cost_per_lead"]


def axis_labels() -> dict[str, str]:
    """The y-axis label of each metric, in the current language."""
    return {"reach": t("people reached"), "clicks": t("clicks (traffic)"), "leads": t("leads"),
            "customers": t("new customers"), "spend": t("promotion spend ($)"),
            "hours": t("hours worked"), "cost": t("cost ($): spend + hours x rate")}


def column_names() -> dict[str, str]:
    """Metric and table column names as shown, in the current language (values stay English)."""
    return {"reach": t("reach"), "clicks": t("clicks"), "leads": t("leads"),
            "customers": t("customers"), "spend": t("spend"), "hours": t("hours"),
            "cost": t("cost"), "cost_per_lead": t("cost per lead")}


def _channel_label(channel: str) -> str:
    return t("All channels") if channel == gs.ALL_CHANNELS else channel


class GettingStartedExplorer(Explorer):
    """A channel dropdown, a week-range slider and a metric dropdown over ``social_weekly``.

    After each change: ``totals`` holds :func:`~marketing_kit.getting_started.channel_totals`
    for the week range (every channel plus ``Total``), ``selected`` the row of the chosen
    channel (``Total`` for all channels), ``series`` the chosen metric per week of the whole
    year for that channel, and ``chart`` (a plotly ``Chart`` from :func:`explorer_widget`) the
    metric per week (trace 0 the whole year, trace 1 the chosen weeks, layout shape 0 their band)
    beside its total per channel in those weeks (trace 2).
    """

    def __init__(
        self,
        weekly: pd.DataFrame,
        channel: str = gs.ALL_CHANNELS,
        weeks: tuple[int, int] | None = None,
        metric: str = "leads",
        hourly_rate: float = 50.0,
    ) -> None:
        self.weekly = gs.select(weekly)  # validates the frame; keeps every row
        self.hourly_rate = check_number("hourly_rate", hourly_rate, low=0)
        first, last = gs.week_range(self.weekly, weeks)
        full = gs.week_range(self.weekly)
        # Options are (label, value) pairs: the label is translated, the value stays English.
        channels = [gs.ALL_CHANNELS, *sorted(self.weekly["channel"].unique())]
        names = column_names()
        controls: dict[str, widgets.Widget] = {
            "channel": widgets.Dropdown(options=[(_channel_label(c), c) for c in channels],
                                        value=channel, description=t("Channel")),
            "weeks": widgets.IntRangeSlider(value=(first, last), min=full[0], max=full[1],
                                            step=1, description=t("Weeks"),
                                            continuous_update=False),
            "metric": widgets.Dropdown(options=[(names[m], m) for m in gs.METRICS],
                                       value=metric, description=t("Metric")),
        }
        for control in controls.values():
            control.layout = widgets.Layout(width="300px")
        self.summary = widgets.HTML()
        self._results: dict[str, tuple[object, object]] = {}  # name -> (inputs, result)
        # The chart is built with its first picture (the widget's opening message carries it):
        # a browser that drops messages sent while the chart loads still shows the right data.
        self.controls = controls  # _recompute reads them before Explorer.__init__ keeps them
        try:
            key = self._recompute()
        except (TypeError, ValueError):  # refresh() below shows the message
            key, first = None, None
        else:
            first = (self.series, self.totals, key[2], key[0], key[1])
        self.chart = explorer_widget(sorted(self.weekly["channel"].unique()), first)
        self._drawn: object = key  # the (channel, weeks, metric) the chart was last drawn for
        self.table_html = widgets.HTML()
        super().__init__(controls, [widgets.HBox(list(controls.values())), self.summary,
                                    self.chart, self.table_html])
        self.refresh()

    def _result(self, name: str, key: object, compute: Callable[[], object]):
        """``compute()``, or its value from the last call with the same ``key``."""
        if self._results.get(name, (None,))[0] != key:
            self._results[name] = (key, compute())
        return self._results[name][1]

    def _recompute(self) -> tuple[str, tuple[int, int], str]:
        """Set ``totals``, ``selected`` and ``series``; return (channel, weeks, metric)."""
        channel = self.controls["channel"].value
        weeks = tuple(self.controls["weeks"].value)
        metric = self.controls["metric"].value
        # Each result is recomputed only when its own inputs change: the week range moves the
        # totals, the channel and the metric the weekly series (its whole year, weeks=None).
        self.totals = self._result("totals", weeks, lambda: gs.channel_totals(
            self.weekly, weeks, self.hourly_rate))
        self.selected = self.totals.loc["Total" if channel == gs.ALL_CHANNELS else channel]
        self.series = self._result("series", (metric, channel), lambda: gs.weekly_metric(
            self.weekly, metric, channel, None, self.hourly_rate))
        return channel, weeks, metric

    def update(self) -> None:
        channel, weeks, metric = key = self._recompute()
        row = self.selected
        values = {"channel": _channel_label(channel), "first": weeks[0], "last": weeks[1],
                  "leads": f"{row['leads']:,.0f}", "customers": f"{row['customers']:,.0f}",
                  "cost": f"{row['cost']:,.0f}", "cost_per_lead": f"{row['cost_per_lead']:,.2f}",
                  "rate": f"{self.hourly_rate:,.0f}"}
        self.summary.value = " ".join([
            t("<b>{channel}, weeks {first}–{last}:</b>"),
            t("{leads} leads, {customers} new customers,"),
            t("cost ${cost} (${cost_per_lead} per lead at ${rate}/hour)"),
        ]).format(**values)
        shown = self.totals[TABLE_COLUMNS].astype(object)
        for column in TABLE_COLUMNS:
            money = column in ("cost", "cost_per_lead")
            shown[column] = [f"${v:,.2f}" if money else f"{v:,.0f}" for v in self.totals[column]]
        shown = shown.rename(columns=column_names(), index={"Total": t("Total")})
        self.table_html.value = shown.to_html(index_names=False)
        if self._drawn != key:
            draw_explorer(self.chart, self.series, self.totals, metric, channel, weeks)
            self._drawn = key


def _explorer_values(series: pd.Series, totals: pd.DataFrame, metric: str, channel: str,
                     weeks: tuple[int, int]) -> tuple[dict[int, dict], dict[str, object]]:
    """The traces' values (trace index -> properties) and the layout's (band edges, y-axis title,
    panel titles) showing ``metric`` per week with ``weeks`` highlighted and its per-channel
    totals in ``weeks`` on an :func:`explorer_widget` chart."""
    inside = series.loc[weeks[0]:weeks[1]]
    span = t("weeks {first}–{last}").format(first=weeks[0], last=weeks[1])
    name = column_names()[metric]
    per_channel = totals.drop(index="Total")[metric]
    colours = [HIGHLIGHT if channel in (gs.ALL_CHANNELS, c) else MUTED for c in per_channel.index]
    traces = {
        0: {"x": series.index.tolist(), "y": series.tolist()},
        1: {"x": inside.index.tolist(), "y": inside.tolist(), "name": span},
        2: {"x": per_channel.index.tolist(), "y": per_channel.tolist(),
            "marker": {"color": colours}, "text": [f"{v:,.0f}" for v in per_channel]},
    }
    layout = {"band": (weeks[0] - 0.5, weeks[1] + 0.5), "ylabel": axis_labels()[metric],
              "titles": (t("{metric} per week: {channel}").format(
                  metric=name, channel=_channel_label(channel)),
                  t("total {metric}, {weeks}").format(metric=name, weeks=span))}
    return traces, layout


def explorer_widget(channels: list[str], first: tuple | None = None):
    """Client-side chart of :func:`explorer_chart`'s two panels: left the metric per week (trace
    0 the whole year, trace 1 the chosen weeks over a shaded band, layout shape 0), right its
    total per channel (trace 2). Built empty, or with the picture of ``first`` (the arguments of
    :func:`draw_explorer` after the chart: no update message needed to show it);
    :func:`draw_explorer` shows later ones."""
    year = {"type": "scatter", "x": [], "y": [], "mode": "lines", "name": t("whole year"),
            "uid": "year", "line": {"color": MUTED, "width": 1.5},
            "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>"}
    span = {"type": "scatter", "x": [], "y": [], "mode": "lines", "name": "", "uid": "weeks",
            "line": {"color": HIGHLIGHT, "width": 2.5},
            "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>"}
    bars = {"type": "bar", "x": list(channels), "y": [None] * len(channels), "uid": "channels",
            "xaxis": "x2", "yaxis": "y2", "showlegend": False, "text": [""] * len(channels),
            "textposition": "outside", "textfont": {"size": 10}, "cliponaxis": False,
            "marker": {"color": [HIGHLIGHT] * len(channels)},
            "hovertemplate": "%{x}: %{y:,.0f}<extra></extra>"}
    values: dict[str, object] = {"band": (0.5, 0.5), "ylabel": "", "titles": ("", "")}
    if first is not None:
        changes, values = _explorer_values(*first)
        for trace, change in zip((year, span, bars), changes.values(), strict=True):
            trace.update(change)  # marker holds only the colours: a shallow update is enough
    band = {"type": "rect", "xref": "x", "yref": "paper", "x0": values["band"][0],
            "x1": values["band"][1], "y0": 0, "y1": 1, "fillcolor": HIGHLIGHT, "opacity": 0.08,
            "line": {"width": 0}, "layer": "below"}
    titles = [{"xref": "paper", "yref": "paper", "x": x, "y": 1.02, "xanchor": "center",
               "yanchor": "bottom", "text": text, "showarrow": False, "font": {"size": 13}}
              for x, text in zip((0.29, 0.84), values["titles"], strict=True)]
    layout = {
        "xaxis": {"domain": [0, 0.58], "title": {"text": t("week")}, "zeroline": False},
        "yaxis": {"rangemode": "tozero", "title": {"text": values["ylabel"]}, "zeroline": False},
        "xaxis2": {"domain": [0.68, 1], "anchor": "y2", "type": "category",
                   "tickfont": {"size": 10}},
        "yaxis2": {"anchor": "x2", "rangemode": "tozero", "zeroline": False},
        "shapes": [band], "annotations": titles,
        "legend": {"x": 0.01, "y": 0.02, "xanchor": "left", "yanchor": "bottom",
                   "bgcolor": "rgba(255,255,255,0.7)", "font": {"size": 11}},
        "margin": {"l": 70, "r": 20, "t": 50, "b": 50},
    }
    return _plotly.new_figure([year, span, bars], layout, width=940, height=340)


def draw_explorer(figure, series: pd.Series, totals: pd.DataFrame, metric: str, channel: str,
                  weeks: tuple[int, int]) -> None:
    """Show ``metric`` per week (``weeks`` highlighted) and its per-channel totals in ``weeks``
    on an :func:`explorer_widget` chart, in one message to the browser."""
    traces, values = _explorer_values(series, totals, metric, channel, weeks)
    _plotly.update(figure, traces, layout={
        "shapes[0].x0": values["band"][0], "shapes[0].x1": values["band"][1],
        "yaxis.title.text": values["ylabel"],
        "annotations[0].text": values["titles"][0], "annotations[1].text": values["titles"][1],
    })


def explorer_chart(
    series: pd.Series, totals: pd.DataFrame, metric: str, channel: str, weeks: tuple[int, int]
) -> Figure:
    """Left: ``metric`` per week, ``weeks`` shaded; right: its total per channel in ``weeks``."""
    # Fixed margins: a constrained layout would cost a second layout pass on every redraw.
    figure = Figure(figsize=(10, 3.3))
    line, bars = figure.subplots(1, 2, width_ratios=[1.6, 1])
    figure.subplots_adjust(left=0.08, right=0.99, bottom=0.15, top=0.9, wspace=0.18)
    inside = series.loc[weeks[0]:weeks[1]]
    span = t("weeks {first}–{last}").format(first=weeks[0], last=weeks[1])
    name = column_names()[metric]
    line.plot(series.index, series.to_numpy(), color=MUTED, linewidth=1.2,
              label=t("whole year"))
    line.plot(inside.index, inside.to_numpy(), color=HIGHLIGHT, linewidth=2, label=span)
    line.axvspan(weeks[0] - 0.5, weeks[1] + 0.5, color=HIGHLIGHT, alpha=0.08)
    line.set_xlabel(t("week"))
    line.set_ylabel(axis_labels()[metric])
    line.set_title(t("{metric} per week: {channel}").format(
        metric=name, channel=_channel_label(channel)), fontsize=10)
    line.set_ylim(bottom=0)
    line.legend(fontsize=8, loc="lower left")
    per_channel = totals.drop(index="Total")[metric]
    colours = [HIGHLIGHT if channel in (gs.ALL_CHANNELS, name) else MUTED
               for name in per_channel.index]
    drawn = bars.bar(per_channel.index, per_channel.to_numpy(), color=colours)
    bars.bar_label(drawn, labels=[f"{v:,.0f}" for v in per_channel], fontsize=8, padding=2)
    bars.set_title(t("total {metric}, {weeks}").format(metric=name, weeks=span), fontsize=10)
    bars.tick_params(axis="x", labelsize=8)
    bars.margins(y=0.15)
    return figure


def explorer(weekly: pd.DataFrame, **settings: object) -> GettingStartedExplorer:
    """Build the getting-started explorer (see :class:`GettingStartedExplorer`)."""
    return GettingStartedExplorer(weekly, **settings)
