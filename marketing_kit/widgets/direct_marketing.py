"""Direct-mail explorer: cost per contact, margin and mailed deciles -> gains chart and profit.

Every number comes from :mod:`marketing_kit.direct_marketing` (``mailing_plan``,
``break_even_response_rate``, ``best_depth``); the widget only draws. The explorer's chart is a
client-side plotly chart (:class:`~marketing_kit.widgets._plotly.Chart`) updated in place
(issue 23); :func:`mailing_chart` stays a matplotlib figure for the worked example.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import direct_marketing as dm
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

# "Margin per response ($)" needs about 160 px. Three 400 px sliders are wider than a notebook's
# output (about 970 px beside the file browser), so the row wraps instead of squeezing them (a
# squeezed row kept their width but shrank the tracks to 17 px).
STYLE = {"description_width": "170px"}
SLIDER_WIDTH = "400px"
ROW = {"flex_flow": "row wrap"}
BLUE, GREEN, GREY, RED = "#1565c0", "#2e7d32", "#b0bec5", "#c62828"


class MailingExplorer(Explorer):
    """Sliders for the cost per contact, the margin per response and how many deciles to mail.

    ``plan`` holds the current :func:`~marketing_kit.direct_marketing.mailing_plan`,
    ``break_even`` the break-even response rate, ``profit`` the profit of mailing the chosen
    top deciles, ``best`` the most profitable depth. ``chart`` is a client-side plotly chart
    (issue 23) of :func:`mailing_chart`'s two panels: cumulative gains (trace 0: the ranked list,
    1: random mailing, 2: the mailed depth's vertical line) and response by decile (trace 3: the
    bars, green = mailed; 4: the dashed break-even line); annotation 1 is the right panel's title
    with the profit. It is built with its first picture and updated in place, only the traces
    whose values changed.
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
            control.style, control.continuous_update = STYLE, False
            control.layout = widgets.Layout(width=SLIDER_WIDTH, flex="0 0 auto")
        self.summary = widgets.HTML()
        self.controls = controls  # read by _compute before Explorer.__init__ sets them again
        self._drawn: dict[object, object] = {}  # trace index / "title" -> values last drawn
        try:
            first = self._compute()
        except (TypeError, ValueError):  # refresh() below shows the message
            first = {}
        self.chart = mailing_widget(first)  # born drawn: the comm_open carries the picture
        super().__init__(controls, [widgets.HBox(list(controls.values()),
                                                 layout=widgets.Layout(**ROW)),
                                    self.summary, self.chart])
        self.refresh()

    def update(self) -> None:
        changed = self._compute()
        layout = changed.pop("layout", None)
        if changed or layout is not None:
            _plotly.update(self.chart, changed, layout=layout)

    def _compute(self) -> dict:
        """Recompute the numbers and the summary; return the chart's changed traces (index ->
        properties) and, under ``"layout"``, its annotations if they changed."""
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
        wanted = mailing_values(self.plan, self.break_even, depth, self.profit)
        return _plotly.changed(self._drawn, wanted)



def mailing_values(plan: pd.DataFrame, break_even: float, mailed_deciles: int,
                   profit: float) -> dict:
    """The chart's values for a plan: trace index -> properties, ``"layout"`` -> the right
    panel's title (with the profit) and the break-even line's label, as layout property paths
    (what :func:`mailing_chart` draws, as plotly values)."""
    x = [0.0, *plan["cum_customers_pct"].astype(float)]
    y = [0.0, *plan["cum_responders_pct"].astype(float)]
    deciles = [int(k) for k in plan.index]
    depth_line = ({"x": [x[mailed_deciles]] * 2, "y": [0, 102], "visible": True,
                   "name": t("mail top {deciles}: {reached:.0f}% reached").format(
                       deciles=mailed_deciles, reached=y[mailed_deciles])}
                  if mailed_deciles else {"x": [], "y": [], "visible": False, "name": ""})
    label = t("break-even {rate:.1%}").format(rate=break_even)
    return {
        0: {"x": x, "y": y},
        2: depth_line,
        3: {"x": deciles, "y": (100 * plan["response_rate"]).astype(float).tolist(),
            "marker": {"color": [GREEN if k <= mailed_deciles else GREY for k in deciles]}},
        4: {"x": [deciles[0] - 0.5, deciles[-1] + 0.5], "y": [100 * break_even] * 2,
            "name": label},
        # property paths: replacing the annotation list would re-validate all of it (15 ms)
        "layout": {"annotations[1].text": t(
            "Response by decile (green = mailed): profit ${profit:,.0f}").format(profit=profit),
            "annotations[2].x": deciles[-1] + 0.5, "annotations[2].y": 100 * break_even,
            "annotations[2].text": label},
    }


def mailing_widget(values: dict | None = None) -> _plotly.Chart:
    """The explorer's client-side chart (see :class:`MailingExplorer`), filled with ``values``
    from :func:`mailing_values` (empty traces without)."""
    values = dict(values or {})
    layout_values = values.pop("layout", {})
    traces = [
        {"type": "scatter", "x": [], "y": [], "mode": "lines+markers", "name": t("ranked list"),
         "line": {"color": BLUE, "width": 2}, "legendgroup": "gains",
         "hovertemplate": "%{x:.0f} % → %{y:.0f} %<extra></extra>"},
        {"type": "scatter", "x": [0, 100], "y": [0, 100], "mode": "lines",
         "name": t("random mailing"), "line": {"color": "grey", "dash": "dash"},
         "legendgroup": "gains", "hoverinfo": "skip"},
        {"type": "scatter", "x": [], "y": [], "mode": "lines", "name": "", "visible": False,
         "line": {"color": GREEN, "width": 1.5}, "legendgroup": "gains", "hoverinfo": "skip"},
        {"type": "bar", "x": [], "y": [], "xaxis": "x2", "yaxis": "y2", "showlegend": False,
         "name": t("response rate (%)"), "marker": {"color": []},
         "hovertemplate": "%{x}: %{y:.1f} %<extra></extra>"},
        {"type": "scatter", "x": [], "y": [], "xaxis": "x2", "yaxis": "y2", "mode": "lines",
         "name": "", "line": {"color": RED, "dash": "dash"}, "showlegend": False,
         "hoverinfo": "skip"},
    ]
    for index, properties in values.items():
        traces[index].update(properties)
    panel_title = {"xref": "paper", "yref": "paper", "y": 1.02, "yanchor": "bottom",
                   "xanchor": "center", "showarrow": False, "font": {"size": 13}}
    layout = {
        "xaxis": {"domain": [0, 0.44], "range": [0, 100],
                  "title": {"text": t("customers mailed (%)")}},
        "yaxis": {"range": [0, 102], "title": {"text": t("responders reached (%)")}},
        "xaxis2": {"domain": [0.54, 1], "anchor": "y2", "dtick": 1,
                   "title": {"text": t("decile (1 = best score)")}},
        "yaxis2": {"anchor": "x2", "rangemode": "tozero",
                   "title": {"text": t("response rate (%)")}},
        "legend": {"x": 0.43, "xanchor": "right", "y": 0.03, "yanchor": "bottom",
                   "font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.8)"},
        "bargap": 0.2,
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "annotations": [
            {**panel_title, "x": 0.22, "text": t("Cumulative gains")},
            {**panel_title, "x": 0.77, "text": layout_values.get("annotations[1].text", "")},
            {"xref": "x2", "yref": "y2", "x": layout_values.get("annotations[2].x", 0),
             "y": layout_values.get("annotations[2].y", 0), "xanchor": "right",
             "yanchor": "bottom", "showarrow": False,
             "text": layout_values.get("annotations[2].text", ""),
             "font": {"color": RED, "size": 11}}],
    }
    return _plotly.new_figure(traces, layout, width=900, height=360)


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
