"""Capstone explorer: the plan's levers (budget and its split, conversion, price) and their effect
on customers, revenue, CAC, LTV:CAC and ROI.

Every number comes from :func:`marketing_kit.capstone.scenario`.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import capstone
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets._base import Explorer, figure_png

SLIDER_LAYOUT = widgets.Layout(width="330px")
STYLE = {"description_width": "130px"}


class CapstoneExplorer(Explorer):
    """Sliders for the total budget, each channel's share of it, a conversion factor and price.

    ``result`` holds the current :func:`~marketing_kit.capstone.scenario` dict (``customers``,
    ``revenue``, ``cac``, ``ltv``, ``ltv_to_cac``, ``roi_pct`` and the per-channel ``table``);
    ``image`` the chart of customers and CAC by channel.
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
        self.image = widgets.Image(format="png")
        self.summary = widgets.HTML()
        levers = widgets.VBox([controls["budget"], controls["conversion_factor"],
                               controls["price"]])
        split = widgets.VBox([c for k, c in controls.items() if k.endswith(":share")])
        super().__init__(controls, [widgets.HBox([levers, split]), self.summary, self.image])
        self.refresh()

    def split(self) -> dict[str, float]:
        """The budget split as currently set (channel -> share slider value)."""
        return {k.split(":")[0]: c.value for k, c in self.controls.items()
                if k.endswith(":share")}

    def update(self) -> None:
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
        self.image.value = figure_png(scenario_chart(r["table"], r["ltv"]))


def scenario_chart(table: pd.DataFrame, ltv: float) -> Figure:
    """Customers per channel (bars) and each channel's CAC against LTV / 3 (the 3:1 line)."""
    figure = Figure(figsize=(8.0, 3.0))
    left, right = figure.subplots(1, 2)
    left.barh(table.index, table["customers"], color="#1565c0")
    left.set_xlabel(t("customers"))
    left.set_title(t("Customers by channel"))
    capstone.draw_cac_bars(right, table["cac"], ltv / capstone.TARGET_RATIO)
    figure.tight_layout()
    return figure


def explorer(channels: pd.DataFrame, **settings: float) -> CapstoneExplorer:
    """Build the capstone explorer on :func:`marketing_kit.capstone.channel_table` output."""
    return CapstoneExplorer(channels, **settings)
