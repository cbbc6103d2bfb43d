"""Attribution explorer: a model picker and half-life slider drive the attribution bars; a channel
checklist shows what dropping channels does to conversions (Markov removal) and cost.

Every number comes from :mod:`marketing_kit.attribution` and :mod:`marketing_kit.channels`. The
explorer's two charts are client-side plotly charts (:class:`~marketing_kit.widgets._plotly.Chart`)
updated in place (issue 23); :func:`model_comparison_chart` and :func:`goal_chart` stay
matplotlib figures for the notebook.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import attribution, channels
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

STAGE_COLOURS = {"awareness": "#1e88e5", "consideration": "#fb8c00", "conversion": "#43a047"}
DROPPED_COLOUR = "#bdbdbd"
CUT_COLUMNS = ("conversions", "monthly_cost", "qualified_leads")  # the right chart's bars
CUT_COLOURS = ("#43a047", "#e53935", "#1e88e5")
TABLE_COLUMNS = ["channels", "monthly_cost", "qualified_leads", "lead_quality",
                 "cost_per_qualified_lead", "conversions"]


def _model_label(model: str) -> str:
    """A model's readable name, as the notebook calls it ("Position-based (40/20/40)"), for the
    dropdown, the chart title and the comparison chart's legend."""
    labels = {"first_touch": t("First touch"), "last_touch": t("Last touch"),
              "linear": t("Linear"), "time_decay": t("Time decay"),
              "position_based": t("Position-based (40/20/40)"), "markov": t("Markov"),
              "shapley": t("Shapley")}
    return labels.get(model, model)


def _table_headers() -> dict[str, str]:
    """The before/after table's headers (:data:`TABLE_COLUMNS`) in words, not column names."""
    return {"channels": t("channels"), "monthly_cost": t("monthly cost ($)"),
            "qualified_leads": t("qualified leads"), "lead_quality": t("lead quality"),
            "cost_per_qualified_lead": t("cost per qualified lead ($)"),
            "conversions": t("conversions")}


def model_options() -> list[tuple[str, str]]:
    """The model dropdown's ``(label, value)`` options; the values are
    :data:`marketing_kit.attribution.MODELS` (what ``.value`` takes)."""
    return [(_model_label(name), name) for name in attribution.MODELS]


class AttributionExplorer(Explorer):
    """Model dropdown, time-decay half-life slider and one "keep" checkbox per channel.

    ``attribution`` holds the current model's table (:func:`marketing_kit.attribution.attribute`),
    ``cut`` the :func:`marketing_kit.channels.cut_effect` table for the ticked channels,
    ``credit_figure`` the attributed conversions per channel (trace 0: the bars, in
    :attr:`order`, grey if dropped; traces 1-4: legend keys) and ``cut_figure`` what the cut keeps
    (trace 0: percent of today's conversions, monthly cost and qualified leads; a dashed line at
    100 %).
    """

    def __init__(
        self,
        journeys: pd.DataFrame,
        channel_table: pd.DataFrame,
        model: str = "markov",
        half_life: float = 1.0,
    ) -> None:
        self.journeys = attribution.parse_journeys(journeys)
        self.metrics = channels.channel_metrics(channel_table)
        missing = sorted(set(attribution.channel_list(self.journeys)) - set(self.metrics.index))
        if missing:
            raise ValueError(f"channel_table lacks the journey channel(s) {missing}")
        self.order = list(channels.rank_by_stage(channel_table).index)
        self._tables: dict[tuple, pd.DataFrame] = {}
        self._cuts: dict[tuple, pd.DataFrame] = {}  # kept channels -> channels.cut_effect
        self._drawn: dict[str, object] = {}  # output -> the inputs it was last drawn for
        controls: dict[str, widgets.Widget] = {
            "model": widgets.Dropdown(
                options=model_options(),
                value=model,
                description=t("Model"),
            ),
            "half_life": widgets.FloatSlider(
                value=half_life,
                min=0.25,
                max=8,
                step=0.25,
                description=t("Half-life (touches)"),
                continuous_update=False,
                style={"description_width": "130px"},
                layout=widgets.Layout(width="360px"),
            ),
        }
        boxes = []
        for name in self.order:
            box = widgets.Checkbox(
                value=True, description=name, indent=False, layout=widgets.Layout(width="165px")
            )
            controls[f"keep:{name}"] = box
            boxes.append(box)
        self.credit_figure = credit_widget(self.order)
        self.cut_figure = cut_widget()
        self.summary = widgets.HTML()
        self.table_html = widgets.HTML()
        checklist = widgets.VBox([widgets.HTML(f"<b>{t('Keep channel')}</b>"), *boxes],
                                 layout=widgets.Layout(min_width="170px"))  # never squeezed
        super().__init__(
            controls,
            [
                widgets.HBox([controls["model"], controls["half_life"]]),
                widgets.HBox([checklist, self.credit_figure, self.cut_figure]),
                self.summary,
                self.table_html,
            ],
        )
        self.refresh()

    def kept(self) -> list[str]:
        """Channels whose box is ticked, in funnel-stage order."""
        return [name for name in self.order if self.controls[f"keep:{name}"].value]

    def update(self) -> None:
        model = self.controls["model"].value
        self.controls["half_life"].disabled = model != "time_decay"
        settings = {"half_life": self.controls["half_life"].value} if model == "time_decay" else {}
        key = (model, *settings.values())
        if key not in self._tables:  # ticking a channel box needs no new attribution
            self._tables[key] = attribution.attribute(self.journeys, model, **settings)
        self.attribution = self._tables[key]
        kept = self.kept()
        if not kept:
            raise ValueError("tick at least one channel to keep")
        if tuple(kept) not in self._cuts:  # a new model or half-life keeps the same cut
            self._cuts[tuple(kept)] = channels.cut_effect(self.metrics.reset_index(), kept,
                                                          self.journeys)
        self.cut = self._cuts[tuple(kept)]
        if self._drawn.get("cut") != tuple(kept):  # the model and half-life leave these alone
            self._show_cut(kept)
            self._drawn["cut"] = tuple(kept)
        if self._drawn.get("credit") != (key, tuple(kept)):
            self._show_credit(model, settings, kept)
            self._drawn["credit"] = (key, tuple(kept))

    def _show_cut(self, kept: list[str]) -> None:
        """The summary line, the before/after table and the right chart for the ticked set."""
        before, after = self.cut.loc["all channels"], self.cut.loc["kept"]
        dropped = [name for name in self.order if name not in kept]
        change = after["conversions"] / before["conversions"] - 1
        self.summary.value = (
            f"<b>{t('Dropping')}</b> {', '.join(dropped) or t('nothing')}: {t('conversions')} "
            f"{before['conversions']:,.0f} &rarr; {after['conversions']:,.0f} "
            f"({change:+.0%}, "
            + t("Markov removal: journeys through a dropped channel are lost, not rerouted")
            + f"); {t('monthly cost')} "
            f"${before['monthly_cost']:,.0f} &rarr; ${after['monthly_cost']:,.0f}; "
            f"{t('lead quality')} "
            f"{before['lead_quality']:.0%} &rarr; {after['lead_quality']:.0%}"
        )
        shown = self.cut[TABLE_COLUMNS]
        shown = shown.rename(index=lambda row: t(str(row)), columns=_table_headers())
        self.table_html.value = shown.to_html(float_format=lambda x: f"{x:,.2f}")
        shares = [after[c] / before[c] * 100 for c in CUT_COLUMNS]
        money = {"monthly_cost": "$"}
        hover = [f"{money.get(c, '')}{before[c]:,.0f} → {money.get(c, '')}{after[c]:,.0f}"
                 for c in CUT_COLUMNS]
        _plotly.update(self.cut_figure, {0: {
            "x": _cut_labels(), "y": shares, "text": [f"{v:.0f}%" for v in shares],
            "hovertext": hover}},
            layout={"title.text": t("Keeping {kept} of {total} channels").format(
                kept=len(kept), total=len(self.order))})

    def _show_credit(self, model: str, settings: dict, kept: list[str]) -> None:
        """The left chart: the current model's credit per channel, grey if dropped."""
        values = self.attribution["conversions"].reindex(self.order).fillna(0.0)
        colours = [STAGE_COLOURS[self.metrics.loc[n, "stage"]] if n in kept else DROPPED_COLOUR
                   for n in self.order]
        title = t("Attribution: {model}").format(model=_model_label(model))
        if "half_life" in settings:
            title += " " + t("(half-life {h:g} touches)").format(h=settings["half_life"])
        _plotly.update(self.credit_figure, {0: {
            "x": values.tolist(), "y": self.order, "marker": {"color": colours},
            "text": [f"{v:,.0f}" for v in values]}},
            layout={"title.text": title, "xaxis.range": [0, max(values.max(), 1.0) * 1.18]})


def credit_widget(order: list[str]):
    """Empty client-side chart of attributed conversions per channel (``order`` top to bottom),
    with a legend of the funnel-stage colours and of grey for dropped channels."""
    bars = {"type": "bar", "orientation": "h", "x": [], "y": [], "showlegend": False,
            "textposition": "outside", "textfont": {"size": 10}, "cliponaxis": False,
            "hovertemplate": "%{y}: %{x:,.0f}<extra></extra>"}
    keys = [{"type": "bar", "orientation": "h", "x": [None], "y": [None], "name": t(stage),
             "marker": {"color": colour}, "hoverinfo": "skip"}
            for stage, colour in [*STAGE_COLOURS.items(), ("dropped", DROPPED_COLOUR)]]
    layout = {"title": {"text": "", "font": {"size": 13}, "x": 0.5},
              "xaxis": {"title": {"text": t("attributed conversions")}, "range": [0, 1]},
              "yaxis": {"categoryorder": "array", "categoryarray": list(order),
                        "autorange": "reversed"},
              "barmode": "overlay",
              "legend": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.2,
                         "font": {"size": 10}},
              "margin": {"l": 95, "r": 30, "t": 45, "b": 90}}
    return _plotly.new_figure([bars, *keys], layout, width=500, height=380)


def _cut_labels() -> list[str]:
    """The right chart's bars, in :data:`CUT_COLUMNS` order (two lines each)."""
    return [t(label).replace(" ", "<br>", 1) for label in
            ("conversions (Markov)", "monthly cost", "qualified leads")]


def cut_widget():
    """Empty client-side chart of the share of today's conversions (Markov removal), monthly cost
    and qualified leads a cut keeps, with a dashed line at today's level (100 %)."""
    bars = {"type": "bar", "x": [], "y": [], "showlegend": False,
            "marker": {"color": list(CUT_COLOURS)}, "textposition": "outside",
            "textfont": {"size": 10}, "cliponaxis": False,
            "hovertemplate": "%{x}: %{y:.0f}%<br>%{hovertext}<extra></extra>"}
    layout = {"title": {"text": "", "font": {"size": 13}, "x": 0.5},
              "yaxis": {"title": {"text": t("% of today's level kept")}, "range": [0, 115]},
              "xaxis": {"tickfont": {"size": 11}},
              "shapes": [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": 100,
                          "y1": 100, "line": {"color": "black", "width": 1, "dash": "dash"}}],
              "margin": {"l": 60, "r": 15, "t": 45, "b": 90}}
    return _plotly.new_figure([bars], layout, width=310, height=380)


def explorer(
    journeys: pd.DataFrame, channel_table: pd.DataFrame, **settings: object
) -> AttributionExplorer:
    """Build the attribution explorer (see :class:`AttributionExplorer`)."""
    return AttributionExplorer(journeys, channel_table, **settings)


MODEL_COLOURS = {
    "first_touch": "#90caf9",
    "last_touch": "#1565c0",
    "linear": "#b0bec5",
    "time_decay": "#78909c",
    "position_based": "#455a64",
    "markov": "#e53935",
    "shapley": "#fdd835",
}


def model_comparison_chart(table: pd.DataFrame, order: list[str] | None = None) -> Figure:
    """Grouped horizontal bars: attributed conversions per channel (rows) under each model
    (columns of :func:`marketing_kit.attribution.compare_models`)."""
    order = list(table.index) if order is None else order
    figure = Figure(figsize=(8.5, 6.2))
    axes = figure.subplots()
    models = list(table.columns)
    height = 0.8 / len(models)
    for k, model in enumerate(models):
        positions = [i - 0.4 + height * (k + 0.5) for i in range(len(order))]
        axes.barh(
            positions,
            table.loc[order, model],
            height=height,
            color=MODEL_COLOURS.get(model, "#9e9e9e"),
            label=_model_label(model),
        )
    axes.set_yticks(range(len(order)), order)
    axes.invert_yaxis()
    axes.set_xlabel(t("attributed conversions"))
    axes.set_title(t("The same journeys under seven attribution models"))
    axes.grid(axis="x", alpha=0.3)
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=4)
    return figure


def goal_chart(metrics: pd.DataFrame) -> Figure:
    """Lead quality against customer satisfaction per channel, coloured by funnel stage: the
    channel a stage keeps depends on which axis you rank by (seed 004)."""
    figure = Figure(figsize=(7, 4.2))
    axes = figure.subplots()
    for stage, colour in STAGE_COLOURS.items():
        part = metrics[metrics["stage"] == stage]
        axes.scatter(
            part["csat"],
            part["lead_quality"] * 100,
            s=part["monthly_cost"] / 40,
            color=colour,
            alpha=0.8,
            label=t(stage),
            edgecolor="black",
            linewidth=0.5,
        )
        for name, row in part.iterrows():
            axes.annotate(
                name,
                (row["csat"], row["lead_quality"] * 100),
                fontsize=8,
                xytext=(7, -3),
                textcoords="offset points",
            )
    axes.set_xlabel(t("customer satisfaction (CSAT, 1-5)"))
    axes.set_ylabel(t("lead quality (% of leads qualified)"))
    axes.set_title(t("Rank by the goal, not by the habit (bubble size = monthly cost)"))
    axes.margins(x=0.15, y=0.12)
    axes.legend(fontsize=8, loc="upper left", markerscale=0.5)
    return figure
