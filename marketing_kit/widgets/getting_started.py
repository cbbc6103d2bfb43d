"""First explorer: pick a channel, a week range and a metric; see the totals and two charts.

Every number comes from :mod:`marketing_kit.getting_started`; the widget only draws.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import getting_started as gs
from marketing_kit._validate import check_number
from marketing_kit.widgets._base import Explorer, figure_png

HIGHLIGHT, MUTED = "#1565c0", "#b0bec5"
LABELS = {"reach": "people reached", "clicks": "clicks (traffic)", "leads": "leads",
          "customers": "new customers", "spend": "promotion spend ($)", "hours": "hours worked",
          "cost": "cost ($): spend + hours x rate"}
TABLE_COLUMNS = ["reach", "clicks", "leads", "customers", "cost", "cost_per_lead"]


class GettingStartedExplorer(Explorer):
    """A channel dropdown, a week-range slider and a metric dropdown over ``social_weekly``.

    After each change: ``totals`` holds :func:`~marketing_kit.getting_started.channel_totals`
    for the week range (every channel plus ``Total``), ``selected`` the row of the chosen
    channel (``Total`` for all channels), ``series`` the chosen metric per week of the whole
    year for that channel, and ``image`` the line and bar charts as PNG.
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
        channels = [gs.ALL_CHANNELS, *sorted(self.weekly["channel"].unique())]
        controls: dict[str, widgets.Widget] = {
            "channel": widgets.Dropdown(options=channels, value=channel, description="Channel"),
            "weeks": widgets.IntRangeSlider(value=(first, last), min=full[0], max=full[1],
                                            step=1, description="Weeks",
                                            continuous_update=False),
            "metric": widgets.Dropdown(options=list(gs.METRICS), value=metric,
                                       description="Metric"),
        }
        for control in controls.values():
            control.layout = widgets.Layout(width="300px")
        self.summary = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.table_html = widgets.HTML()
        super().__init__(controls, [widgets.HBox(list(controls.values())), self.summary,
                                    self.image, self.table_html])
        self.refresh()

    def update(self) -> None:
        channel = self.controls["channel"].value
        weeks = tuple(self.controls["weeks"].value)
        metric = self.controls["metric"].value
        self.totals = gs.channel_totals(self.weekly, weeks, self.hourly_rate)
        self.selected = self.totals.loc["Total" if channel == gs.ALL_CHANNELS else channel]
        self.series = gs.weekly_metric(self.weekly, metric, channel, None, self.hourly_rate)
        row = self.selected
        self.summary.value = (
            f"<b>{channel}, weeks {weeks[0]}–{weeks[1]}:</b> {row['leads']:,.0f} leads, "
            f"{row['customers']:,.0f} new customers, cost ${row['cost']:,.0f} "
            f"(${row['cost_per_lead']:,.2f} per lead at ${self.hourly_rate:,.0f}/hour)"
        )
        shown = self.totals[TABLE_COLUMNS].astype(object)
        for column in TABLE_COLUMNS:
            money = column in ("cost", "cost_per_lead")
            shown[column] = [f"${v:,.2f}" if money else f"{v:,.0f}" for v in self.totals[column]]
        self.table_html.value = shown.to_html(index_names=False)
        self.image.value = figure_png(
            explorer_chart(self.series, self.totals, metric, channel, weeks)
        )


def explorer_chart(
    series: pd.Series, totals: pd.DataFrame, metric: str, channel: str, weeks: tuple[int, int]
) -> Figure:
    """Left: ``metric`` per week, ``weeks`` shaded; right: its total per channel in ``weeks``."""
    # Fixed margins: a constrained layout would cost a second layout pass on every redraw.
    figure = Figure(figsize=(10, 3.3))
    line, bars = figure.subplots(1, 2, width_ratios=[1.6, 1])
    figure.subplots_adjust(left=0.08, right=0.99, bottom=0.15, top=0.9, wspace=0.18)
    inside = series.loc[weeks[0]:weeks[1]]
    line.plot(series.index, series.to_numpy(), color=MUTED, linewidth=1.2, label="whole year")
    line.plot(inside.index, inside.to_numpy(), color=HIGHLIGHT, linewidth=2,
              label=f"weeks {weeks[0]}–{weeks[1]}")
    line.axvspan(weeks[0] - 0.5, weeks[1] + 0.5, color=HIGHLIGHT, alpha=0.08)
    line.set_xlabel("week")
    line.set_ylabel(LABELS[metric])
    line.set_title(f"{metric} per week: {channel}", fontsize=10)
    line.set_ylim(bottom=0)
    line.legend(fontsize=8, loc="lower left")
    per_channel = totals.drop(index="Total")[metric]
    colours = [HIGHLIGHT if channel in (gs.ALL_CHANNELS, name) else MUTED
               for name in per_channel.index]
    drawn = bars.bar(per_channel.index, per_channel.to_numpy(), color=colours)
    bars.bar_label(drawn, labels=[f"{v:,.0f}" for v in per_channel], fontsize=8, padding=2)
    bars.set_title(f"total {metric}, weeks {weeks[0]}–{weeks[1]}", fontsize=10)
    bars.tick_params(axis="x", labelsize=8)
    bars.margins(y=0.15)
    return figure


def explorer(weekly: pd.DataFrame, **settings: object) -> GettingStartedExplorer:
    """Build the getting-started explorer (see :class:`GettingStartedExplorer`)."""
    return GettingStartedExplorer(weekly, **settings)
