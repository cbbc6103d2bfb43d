"""Attribution explorer: a model picker and half-life slider drive the attribution bars; a channel
checklist shows what dropping channels does to conversions (Markov removal) and cost.

Every number comes from :mod:`marketing_kit.attribution` and :mod:`marketing_kit.channels`.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import attribution, channels
from marketing_kit.i18n import t
from marketing_kit.widgets._base import Explorer, figure_png

STAGE_COLOURS = {"awareness": "#1e88e5", "consideration": "#fb8c00", "conversion": "#43a047"}
DROPPED_COLOUR = "#bdbdbd"


class AttributionExplorer(Explorer):
    """Model dropdown, time-decay half-life slider and one "keep" checkbox per channel.

    ``attribution`` holds the current model's table (:func:`marketing_kit.attribution.attribute`),
    ``cut`` the :func:`marketing_kit.channels.cut_effect` table for the ticked channels, and
    ``image`` the two-panel chart.
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
        controls: dict[str, widgets.Widget] = {
            "model": widgets.Dropdown(
                options=[(t(name), name) for name in attribution.MODELS],
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
                value=True, description=name, indent=False, layout=widgets.Layout(width="150px")
            )
            controls[f"keep:{name}"] = box
            boxes.append(box)
        self.image = widgets.Image(format="png")
        self.summary = widgets.HTML()
        self.table_html = widgets.HTML()
        checklist = widgets.VBox([widgets.HTML(f"<b>{t('Keep channel')}</b>"), *boxes])
        super().__init__(
            controls,
            [
                widgets.HBox([controls["model"], controls["half_life"]]),
                widgets.HBox([checklist, self.image]),
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
        shown = self.cut[
            [
                "channels",
                "monthly_cost",
                "qualified_leads",
                "lead_quality",
                "cost_per_qualified_lead",
                "conversions",
            ]
        ]
        shown = shown.rename(index=lambda row: t(str(row)), columns=lambda column: t(column))
        self.table_html.value = shown.to_html(float_format=lambda x: f"{x:,.2f}")
        self.image.value = figure_png(
            explorer_chart(self.attribution, self.metrics, self.cut, self.order, kept, model)
        )


def explorer_chart(
    table: pd.DataFrame,
    metrics: pd.DataFrame,
    cut: pd.DataFrame,
    order: list[str],
    kept: list[str],
    model: str,
) -> Figure:
    """Left: attributed conversions per channel (coloured by stage, grey if dropped).
    Right: share of conversions, cost and qualified leads left after the cut."""
    figure = Figure(figsize=(9.5, 3.8))
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    values = table["conversions"].reindex(order).fillna(0.0)
    colours = [
        STAGE_COLOURS[metrics.loc[n, "stage"]] if n in kept else DROPPED_COLOUR for n in order
    ]
    bars = left.barh(order, values, color=colours)
    left.bar_label(bars, labels=[f"{v:,.0f}" for v in values], fontsize=8, padding=2)
    left.invert_yaxis()
    left.set_xlabel(t("attributed conversions"))
    left.set_title(t("Attribution: {model}").format(model=t(model.replace("_", " "))))
    left.set_xlim(0, max(values.max(), 1.0) * 1.18)
    for stage, colour in STAGE_COLOURS.items():
        left.bar(0, 0, color=colour, label=t(stage))
    left.bar(0, 0, color=DROPPED_COLOUR, label=t("dropped"))
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=4)

    labels = [label.replace(" ", "\n", 1) for label in
              (t("conversions (Markov)"), t("monthly cost"), t("qualified leads"))]
    columns = ["conversions", "monthly_cost", "qualified_leads"]
    kept_share = [cut.loc["kept", c] / cut.loc["all channels", c] * 100 for c in columns]
    bars = right.bar(labels, kept_share, color=["#43a047", "#e53935", "#1e88e5"])
    right.bar_label(bars, labels=[f"{v:.0f}%" for v in kept_share], fontsize=8)
    right.axhline(100, color="black", linewidth=1, linestyle="--")
    right.set_ylim(0, 115)
    right.set_ylabel(t("% of today's level kept"))
    title = t("Keeping {kept} of {total} channels")
    right.set_title(title.format(kept=len(kept), total=len(order)))
    figure.subplots_adjust(wspace=0.3, bottom=0.22)  # labels inside: figure_png just crops
    return figure


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
            label=t(model.replace("_", " ")),
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
