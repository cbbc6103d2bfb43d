"""Social-media ROI explorer: per-channel sliders drive an ROI bar chart and a table.

Every number comes from :func:`marketing_kit.social_roi.roi_table`. The explorer's chart is a
client-side plotly chart (:class:`~marketing_kit.widgets._plotly.Chart`) updated in place
(issue 23); :func:`roi_bar_chart` stays a matplotlib figure for the worked example.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import social_roi
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

GAIN, LOSS, TOTAL = "#2e7d32", "#c62828", "#1565c0"
SLIDER_LAYOUT = widgets.Layout(width="330px")
STYLE = {"description_width": "110px"}


class SocialRoiExplorer(Explorer):
    """Sliders for LTV, conversion rate, hourly rate and each channel's spend and hours.

    ``table`` holds the current :func:`~marketing_kit.social_roi.roi_table`; ``roi_figure`` (a
    plotly ``Chart`` from :func:`roi_widget`) its ROI per channel: trace 0 the bars, layout shape 0
    the dashed 0 % break-even line, shape 1 the blue line of all channels together.
    """

    def __init__(
        self,
        channels: pd.DataFrame,
        ltv: float = 175.0,
        conversion_rate: float = 0.10,
        hourly_rate: float = 50.0,
        conversions_col: str = "downloads",
    ) -> None:
        check_dataframe(
            "channels", channels, ("channel", conversions_col, "promotion_spend", "hours")
        )
        self.channels = channels.reset_index(drop=True).copy()
        self.conversions_col = conversions_col
        controls: dict[str, widgets.Widget] = {
            "ltv": widgets.FloatSlider(
                value=ltv, min=0, max=1000, step=5, description=t("LTV ($)")
            ),
            "conversion_rate": widgets.FloatSlider(
                value=conversion_rate,
                min=0,
                max=0.5,
                step=0.005,
                readout_format=".1%",
                description=t("Conversion rate"),
            ),
            "hourly_rate": widgets.FloatSlider(
                value=hourly_rate, min=0, max=150, step=1, description=t("Hourly rate ($)")
            ),
        }
        rows = []
        for _, row in self.channels.iterrows():
            name = row["channel"]
            spend = widgets.FloatSlider(
                value=float(row["promotion_spend"]),
                min=0,
                max=5000,
                step=25,
                description=t("{channel} spend").format(channel=name),
            )
            hours = widgets.FloatSlider(
                value=float(row["hours"]),
                min=0,
                max=1000,
                step=10,
                description=t("{channel} hours").format(channel=name),
            )
            controls[f"{name}:spend"] = spend
            controls[f"{name}:hours"] = hours
            rows.append(widgets.HBox([spend, hours]))
        for control in controls.values():
            control.layout, control.style, control.continuous_update = SLIDER_LAYOUT, STYLE, False
        # The chart is built with its first picture (the widget's opening message carries it):
        # a browser that drops messages sent while the chart loads still shows the right bars.
        self.controls = controls  # _recompute reads them before Explorer.__init__ keeps them
        try:
            self._recompute()
        except (TypeError, ValueError):  # refresh() below shows the message
            self.table = None
        self.roi_figure = roi_widget(list(self.channels["channel"]), self.table)
        # the ROI values the chart was last drawn for
        self._drawn: object = None if self.table is None else self.table["roi_pct"].copy()
        self.table_html = widgets.HTML()
        self.summary = widgets.HTML()
        shared = widgets.HBox(
            [controls["ltv"], controls["conversion_rate"], controls["hourly_rate"]]
        )
        board = widgets.HBox([self.roi_figure, self.table_html])
        super().__init__(controls, [shared, *rows, self.summary, board])
        self.refresh()

    def inputs(self) -> pd.DataFrame:
        """The channel table as currently set by the sliders."""
        frame = self.channels.copy()
        frame["promotion_spend"] = [self.controls[f"{c}:spend"].value for c in frame["channel"]]
        frame["hours"] = [self.controls[f"{c}:hours"].value for c in frame["channel"]]
        return frame

    def _recompute(self) -> None:
        value = social_roi.conversion_value(
            self.controls["ltv"].value, self.controls["conversion_rate"].value
        )
        self.value_per_conversion = value
        self.table = social_roi.roi_table(
            self.inputs(), value, self.controls["hourly_rate"].value, self.conversions_col
        )

    def update(self) -> None:
        self._recompute()
        value = self.value_per_conversion
        total = self.table.loc["Total"]
        self.summary.value = (
            f"<b>{t('Value per conversion')}</b> ${value:,.2f} &nbsp; | &nbsp; "
            f"<b>{t('Total ROI')}</b> "
            + t("{roi:+.1f}% on ${cost:,.0f} cost").format(roi=total["roi_pct"], cost=total["cost"])
        )
        shown = self.table[["conversions", "revenue", "cost", "roi_pct"]].round(1)
        shown = shown.rename(
            index={"Total": t("Total")},
            columns={
                "conversions": t("conversions"),
                "revenue": t("revenue"),
                "cost": t("cost"),
                "roi_pct": t("ROI (%)"),
            },
        )
        self.table_html.value = shown.to_html(float_format=lambda x: f"{x:,.1f}", index_names=False)
        roi = self.table["roi_pct"]
        if self._drawn is None or not roi.equals(self._drawn):  # e.g. LTV and rate both at 0
            draw_roi(self.roi_figure, self.table)
            self._drawn = roi.copy()


def _roi_values(table: pd.DataFrame) -> tuple[dict, dict]:
    """The bar trace's values and the all-channels line's for a
    :func:`~marketing_kit.social_roi.roi_table`: bars green above break-even and red below,
    labelled in percent; the blue line at the Total row's ROI (hidden without a Total row)."""
    channels = table.drop(index="Total", errors="ignore")
    roi = channels["roi_pct"]
    bars = {"x": list(channels.index), "y": roi.tolist(),
            "marker": {"color": [GAIN if v > 0 else LOSS for v in roi]},
            "text": [f"{v:+.0f}%" for v in roi]}
    if "Total" not in table.index:
        return bars, {"visible": False}
    total = float(table.loc["Total", "roi_pct"])
    return bars, {"y0": total, "y1": total, "visible": True,
                  "name": t("all channels ({roi:+.0f}%)").format(roi=total)}


def roi_widget(channels: list[str], table: pd.DataFrame | None = None):
    """Client-side ROI chart: one bar per channel (trace 0), the dashed break-even line at 0 %
    (layout shape 0) and the all-channels line (shape 1), both lines in the legend. Built empty
    or with the first :func:`~marketing_kit.social_roi.roi_table`'s picture (no update message
    needed to show it); :func:`draw_roi` shows later tables."""
    bars = {"type": "bar", "x": list(channels), "y": [None] * len(channels),
            "showlegend": False, "uid": "roi", "marker": {"color": [GAIN] * len(channels)},
            "text": [""] * len(channels), "textposition": "outside", "textfont": {"size": 11},
            "cliponaxis": False, "hovertemplate": "%{x}: %{y:+.1f}%<extra></extra>"}
    total = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0,
             "layer": "above", "line": {"color": TOTAL, "width": 1.5}, "showlegend": True,
             "name": "", "visible": False}
    if table is not None:
        first_bars, first_total = _roi_values(table)
        bars.update(first_bars)
        total.update(first_total)
    break_even = {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 0, "y1": 0,
                  "layer": "above", "line": {"color": "black", "width": 1.5, "dash": "dash"},
                  "showlegend": True, "name": t("break-even (ROI = 0%)")}
    layout = {"title": {"text": t("Return on investment by channel"), "x": 0.5,
                        "font": {"size": 14}},
              "yaxis": {"title": {"text": t("ROI (%)")}, "ticksuffix": "%", "zeroline": False},
              "xaxis": {"type": "category"}, "shapes": [break_even, total],
              "legend": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.12,
                         "font": {"size": 11}},
              "margin": {"l": 70, "r": 20, "t": 60, "b": 80}}
    return _plotly.new_figure([bars], layout, width=540, height=380)


def draw_roi(figure, table: pd.DataFrame) -> None:
    """Show a :func:`~marketing_kit.social_roi.roi_table` on a :func:`roi_widget` chart, in one
    message to the browser."""
    bars, total = _roi_values(table)
    _plotly.update(figure, {0: bars}, layout={f"shapes[1].{k}": v for k, v in total.items()})


def roi_bar_chart(table: pd.DataFrame) -> Figure:
    """Bars of ROI % per channel (green above break-even, red below) with the 0 % line."""
    channels = table.drop(index="Total", errors="ignore")
    figure = Figure(figsize=(5.5, 3.2))
    axes = figure.subplots()
    colours = ["#2e7d32" if v > 0 else "#c62828" for v in channels["roi_pct"]]
    bars = axes.bar(channels.index, channels["roi_pct"], color=colours)
    axes.bar_label(bars, labels=[f"{v:+.0f}%" for v in channels["roi_pct"]], fontsize=8, padding=2)
    axes.axhline(0, color="black", linewidth=1, linestyle="--", label=t("break-even (ROI = 0%)"))
    if "Total" in table.index:
        axes.axhline(
            table.loc["Total", "roi_pct"],
            color="#1565c0",
            linewidth=1,
            label=t("all channels ({roi:+.0f}%)").format(roi=table.loc["Total", "roi_pct"]),
        )
    axes.set_ylabel(t("ROI (%)"))
    axes.set_title(t("Return on investment by channel"))
    axes.legend(fontsize=8, loc="best")
    axes.margins(y=0.15)
    return figure


def explorer(channels: pd.DataFrame, **settings: float) -> SocialRoiExplorer:
    """Build the social-media ROI explorer for a channel table (see :class:`SocialRoiExplorer`)."""
    return SocialRoiExplorer(channels, **settings)
