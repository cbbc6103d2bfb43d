"""Capstone explorer: the plan's levers (budget and its split, conversion, price) and their effect
on customers, revenue, CAC, LTV:CAC and ROI.

Every number comes from :func:`marketing_kit.capstone.scenario`. The explorer's chart is a
client-side plotly chart (:class:`~marketing_kit.widgets._plotly.Chart`) updated in place
(issue 23); :func:`scenario_chart` stays a matplotlib figure for static use.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import capstone
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

SLIDER_LAYOUT = widgets.Layout(width="360px")
STYLE = {"description_width": "160px"}  # "Conversion × last year" in full
SHARE_LAYOUT = widgets.Layout(width="400px")
SHARE_STYLE = {"description_width": "200px"}  # "Content syndication share (%)" in full
BLUE, GREEN, RED = "#1565c0", "#2e7d32", "#c62828"  # capstone.draw_cac_bars's green and red


class CapstoneExplorer(Explorer):
    """Sliders for the total budget, each channel's share of it, a conversion factor and price.

    ``result`` holds the current :func:`~marketing_kit.capstone.scenario` dict (``customers``,
    ``revenue``, ``cac``, ``ltv``, ``ltv_to_cac``, ``roi_pct`` and the per-channel ``table``);
    ``chart`` the client-side chart of customers and CAC by channel against LTV / 3 (see
    :func:`scenario_widget`), built with its first picture and updated in place, only the
    traces whose values changed.
    """

    def __init__(self, channels: pd.DataFrame, budget: float | None = None,
                 price: float = 24_000.0, retention: float = 0.85) -> None:
        check_dataframe("channels", channels, ("spend", "leads", "won"))
        self.channels = channels.copy()
        self.retention = retention
        total = float(channels["spend"].sum()) if budget is None else float(budget)
        controls: dict[str, widgets.Widget] = {
            "budget": widgets.FloatSlider(value=round(total, -4), min=50_000, max=10_000_000,
                                          step=10_000, readout_format=",.0f",
                                          description=t("Budget ($)")),
            "conversion_factor": widgets.FloatSlider(value=1.0, min=0.5, max=2.0, step=0.05,
                                                     description=t("Conversion × last year")),
            "price": widgets.FloatSlider(value=price, min=5_000, max=60_000, step=500,
                                         readout_format=",.0f",
                                         description=t("Price ($ per year)")),
        }
        shares = channels["spend"] / channels["spend"].sum()
        for name, share in shares.items():
            controls[f"{name}:share"] = widgets.FloatSlider(
                value=round(100 * float(share), 1), min=0, max=100, step=0.5,
                description=t("{channel} share (%)").format(channel=name))
        for control in controls.values():
            control.layout, control.style, control.continuous_update = SLIDER_LAYOUT, STYLE, False
        for name, control in controls.items():
            if name.endswith(":share"):
                control.layout, control.style = SHARE_LAYOUT, SHARE_STYLE
        self.summary = widgets.HTML()
        levers = widgets.VBox([controls["budget"], controls["conversion_factor"],
                               controls["price"]])
        split = widgets.VBox([c for k, c in controls.items() if k.endswith(":share")])
        self.controls = controls  # read by _compute before Explorer.__init__ sets them again
        self._drawn: dict[object, object] = {}  # trace index / "layout" -> values last drawn
        try:
            first = self._compute()
        except (TypeError, ValueError):  # refresh() below shows the message
            first = {}
        self.chart = scenario_widget(list(self.channels.index), first)  # born drawn
        super().__init__(controls, [widgets.HBox([levers, split]), self.summary, self.chart])
        self.refresh()

    def split(self) -> dict[str, float]:
        """The budget split as currently set (channel -> share slider value)."""
        return {k.split(":")[0]: c.value for k, c in self.controls.items()
                if k.endswith(":share")}

    def update(self) -> None:
        changed = self._compute()
        layout = changed.pop("layout", None)
        if changed or layout is not None:
            _plotly.update(self.chart, changed, layout=layout)

    def _compute(self) -> dict:
        """Recompute the scenario and the summary; return the chart's changed traces (index ->
        properties) and, under ``"layout"``, the ceiling's label if it moved."""
        self.result = capstone.scenario(
            self.channels, self.controls["budget"].value, self.split(),
            conversion_factor=self.controls["conversion_factor"].value,
            price=self.controls["price"].value, retention=self.retention)
        r = self.result
        self.summary.value = (
            f"<b>{t('Customers')}</b> {r['customers']:,.0f} &nbsp;|&nbsp; "
            f"<b>{t('Revenue (first year)')}</b> ${r['revenue']:,.0f} &nbsp;|&nbsp; "
            f"<b>CAC</b> ${r['cac']:,.0f} &nbsp;|&nbsp; <b>LTV</b> ${r['ltv']:,.0f} &nbsp;|&nbsp; "
            f"<b>LTV:CAC</b> {r['ltv_to_cac']:.1f} &nbsp;|&nbsp; "
            f"<b>ROI</b> {r['roi_pct']:+,.0f}%"
        )
        wanted = scenario_values(r["table"], r["max_cac"])
        return _plotly.changed(self._drawn, wanted)



def scenario_values(table: pd.DataFrame, cap: float) -> dict:
    """The explorer chart's values for a :func:`~marketing_kit.capstone.scenario` table and its
    ``max_cac`` ceiling ``cap`` (what :func:`scenario_chart` draws): trace index -> properties,
    ``"layout"`` -> the ceiling's label. CAC is in $ thousand, red above the ceiling (LTV / 3)
    as in :func:`marketing_kit.capstone.draw_cac_bars`."""
    channels = [str(name) for name in table.index]
    return {
        0: {"x": table["customers"].astype(float).tolist(), "y": channels},
        1: {"x": (table["cac"] / 1000).astype(float).tolist(), "y": channels,
            "marker": {"color": [GREEN if c <= cap else RED for c in table["cac"]]}},
        2: {"x": [cap / 1000] * 2, "y": [0, 1], "name": t("LTV / 3 = ${cap:,.0f}").format(
            cap=cap)},
        "layout": {"annotations[2].x": cap / 1000,
                   "annotations[2].text": t("LTV / 3 = ${cap:,.0f}").format(cap=cap)},
    }


def scenario_widget(channels: list[str], values: dict | None = None) -> _plotly.Chart:
    """The capstone explorer's client-side chart for ``channels``, filled with ``values`` from
    :func:`scenario_values`: customers by channel (trace 0) and CAC by channel ($ thousand,
    trace 1: green at or under LTV / 3, red above) with the dashed ceiling (trace 2, labelled
    by annotation 2)."""
    values = dict(values or {})
    layout_values = values.pop("layout", {})
    traces = [
        {"type": "bar", "orientation": "h", "x": [0] * len(channels), "y": channels,
         "name": t("customers"), "marker": {"color": BLUE},
         "hovertemplate": "%{y}: %{x:,.1f}<extra></extra>"},
        {"type": "bar", "orientation": "h", "x": [0] * len(channels), "y": channels,
         "xaxis": "x2", "yaxis": "y2", "name": t("CAC ($ thousand)"),
         "marker": {"color": [GREEN] * len(channels)},
         "hovertemplate": "%{y}: $%{x:,.1f}k<extra></extra>"},
        {"type": "scatter", "mode": "lines", "x": [], "y": [0, 1], "xaxis": "x2", "yaxis": "y4",
         "name": "", "line": {"color": "black", "dash": "dash", "width": 1.5},
         "hoverinfo": "skip"},
    ]
    for index, properties in values.items():
        traces[index].update(properties)
    panel_title = {"xref": "paper", "yref": "paper", "y": 1.02, "yanchor": "bottom",
                   "xanchor": "center", "showarrow": False, "font": {"size": 13}}
    label_x = layout_values.get("annotations[2].x", 0)
    label = layout_values.get("annotations[2].text", "")
    layout = {
        "showlegend": False,
        "bargap": 0.3,
        "xaxis": {"domain": [0, 0.45], "rangemode": "tozero",
                  "title": {"text": t("customers")}},
        "yaxis": {"type": "category", "categoryorder": "array", "categoryarray": channels},
        "xaxis2": {"domain": [0.55, 1], "anchor": "y2", "rangemode": "tozero",
                   "title": {"text": t("CAC ($ thousand)")}},
        "yaxis2": {"anchor": "x2", "matches": "y", "showticklabels": False},
        # the ceiling runs across the whole panel: its own hidden 0-1 axis over the bars
        "yaxis4": {"anchor": "x2", "overlaying": "y2", "range": [0, 1], "visible": False},
        "annotations": [
            {**panel_title, "x": 0.225, "text": t("Customers by channel")},
            {**panel_title, "x": 0.775, "text": t("CAC by channel (dashed: LTV / 3)")},
            {"xref": "x2", "yref": "paper", "x": label_x, "y": 1.0, "xanchor": "right",
             "yanchor": "top", "showarrow": False, "text": label,
             "font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.8)"}],
        "margin": {"l": 135, "r": 20, "t": 40, "b": 50},  # room for "Content syndication"
    }
    return _plotly.new_figure(traces, layout, width=820, height=330)


def scenario_chart(table: pd.DataFrame, cap: float) -> Figure:
    """Customers per channel (bars) and each channel's CAC against the ceiling ``cap``
    (a scenario's ``max_cac``, LTV / 3: the 3:1 line)."""
    figure = Figure(figsize=(8.0, 3.0))
    left, right = figure.subplots(1, 2)
    left.barh(table.index, table["customers"], color="#1565c0")
    left.set_xlabel(t("customers"))
    left.set_title(t("Customers by channel"))
    capstone.draw_cac_bars(right, table["cac"], cap)
    figure.tight_layout()
    return figure


def explorer(channels: pd.DataFrame, **settings: float) -> CapstoneExplorer:
    """Build the capstone explorer on :func:`marketing_kit.capstone.channel_table` output."""
    return CapstoneExplorer(channels, **settings)
