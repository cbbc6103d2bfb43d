"""Direct-mail explorer: cost per contact, margin and mailed deciles -> gains chart and profit.

Every number comes from :mod:`marketing_kit.direct_marketing` (``mailing_plan``,
``break_even_response_rate``, ``best_depth``); the widget only draws.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import direct_marketing as dm
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets._base import Explorer, figure_png

STYLE = {"description_width": "130px"}
LAYOUT = widgets.Layout(width="360px")


class MailingExplorer(Explorer):
    """Sliders for the cost per contact, the margin per response and how many deciles to mail.

    ``plan`` holds the current :func:`~marketing_kit.direct_marketing.mailing_plan`,
    ``break_even`` the break-even response rate, ``profit`` the profit of mailing the chosen
    top deciles, ``best`` the most profitable depth and ``image`` the two-panel chart.
    """

    def __init__(self, gains: pd.DataFrame, cost_per_contact: float = 2.0,
                 margin_per_response: float = 12.0, mailed_deciles: int = 5) -> None:
        check_dataframe("gains", gains, ("customers", "responders", "response_rate",
                                         "cum_customers_pct", "cum_responders_pct"))
        self.gains = gains.copy()
        controls = {
            "cost_per_contact": widgets.FloatSlider(
                value=cost_per_contact, min=0, max=10, step=0.25,
                description=t("Cost per contact ($)")),
            "margin_per_response": widgets.FloatSlider(
                value=margin_per_response, min=1, max=60, step=1,
                description=t("Margin per response ($)")),
            "mailed_deciles": widgets.IntSlider(
                value=mailed_deciles, min=0, max=len(gains), step=1,
                description=t("Deciles mailed")),
        }
        for control in controls.values():
            control.style, control.layout, control.continuous_update = STYLE, LAYOUT, False
        self.image = widgets.Image(format="png")
        self.summary = widgets.HTML()
        super().__init__(controls, [widgets.HBox(list(controls.values())), self.summary,
                                    self.image])
        self.refresh()

    def update(self) -> None:
        cost = self.controls["cost_per_contact"].value
        margin = self.controls["margin_per_response"].value
        depth = self.controls["mailed_deciles"].value
        self.break_even = dm.break_even_response_rate(cost, margin)
        self.plan = dm.mailing_plan(self.gains, cost, margin)
        self.best = dm.best_depth(self.plan)
        self.profit = float(self.plan["profit"].iloc[:depth].sum())
        self.mailed = int(self.plan["customers"].iloc[:depth].sum())
        self.summary.value = (
            f"<b>{t('Break-even response rate')}</b> {self.break_even:.1%} &nbsp;|&nbsp; "
            + t("<b>Mail top {depth}</b> ({mailed:,} customers): profit <b>${profit:,.0f}</b>")
            .format(depth=depth, mailed=self.mailed, profit=self.profit)
            + " &nbsp;|&nbsp; " + t("most profitable: top {best}").format(best=self.best)
        )
        self.image.value = figure_png(mailing_chart(self.plan, self.break_even, depth))


def mailing_chart(plan: pd.DataFrame, break_even: float, mailed_deciles: int) -> Figure:
    """Cumulative gains (left); response by decile with break-even line and profit (right)."""
    figure = Figure(figsize=(9, 3.4))
    gains_axes, rate_axes = figure.subplots(1, 2)
    x = [0.0, *plan["cum_customers_pct"]]
    y = [0.0, *plan["cum_responders_pct"]]
    gains_axes.plot(x, y, marker="o", color="#1565c0", label=t("ranked list"))
    gains_axes.plot([0, 100], [0, 100], color="grey", linestyle="--", label=t("random mailing"))
    if mailed_deciles:
        gains_axes.axvline(x[mailed_deciles], color="#2e7d32", linewidth=1,
                           label=t("mail top {deciles}: {reached:.0f}% reached").format(
                               deciles=mailed_deciles, reached=y[mailed_deciles]))
    gains_axes.set(xlabel=t("customers mailed (%)"), ylabel=t("responders reached (%)"),
                   title=t("Cumulative gains"), xlim=(0, 100), ylim=(0, 102))
    gains_axes.legend(fontsize=8, loc="lower right")
    deciles = plan.index.to_numpy()
    colours = ["#2e7d32" if k <= mailed_deciles else "#b0bec5" for k in deciles]
    rate_axes.bar(deciles, 100 * plan["response_rate"], color=colours)
    rate_axes.axhline(100 * break_even, color="#c62828", linestyle="--",
                      label=t("break-even {rate:.1%}").format(rate=break_even))
    profit = plan["cumulative_profit"].iloc[mailed_deciles - 1] if mailed_deciles else 0.0
    rate_axes.set(xlabel=t("decile (1 = best score)"), ylabel=t("response rate (%)"),
                  title=t("Response by decile (green = mailed): profit ${profit:,.0f}")
                  .format(profit=profit),
                  xticks=deciles)
    rate_axes.legend(fontsize=8, loc="upper right")
    figure.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.9, wspace=0.25)
    return figure


def explorer(gains: pd.DataFrame, **settings: float) -> MailingExplorer:
    """Build the mailing explorer on a :func:`~marketing_kit.direct_marketing.gains_table`."""
    return MailingExplorer(gains, **settings)
