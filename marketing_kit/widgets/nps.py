"""NPS explorer: a promoter/passive/detractor mix and a sample size drive the NPS and its
confidence interval; a segment or touchpoint picker drives the 0-10 score distribution.

Every number comes from :mod:`marketing_kit.nps`. The explorer's two charts are client-side
plotly charts (:class:`~marketing_kit.widgets._plotly.Chart`) updated in place (issue 23);
:func:`interval_chart`, :func:`distribution_chart` and :func:`group_interval_chart` stay
matplotlib figures for static use.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import nps
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

COLOURS = {"detractor": "#c62828", "passive": "#9e9e9e", "promoter": "#2e7d32"}
LAYOUT = widgets.Layout(width="340px")
STYLE = {"description_width": "120px"}
ALL = "all respondents"  # the group picker's value for everyone (its label is translated)


def _options(values: list[str]) -> list[str] | list[tuple[str, str]]:
    """Dropdown options: the values themselves, or (translated label, value) pairs."""
    labels = [t(v) for v in values]
    return list(values) if labels == list(values) else list(zip(labels, values, strict=True))


def _category_label(category: str) -> str:
    return {"promoter": t("promoter"), "passive": t("passive"),
            "detractor": t("detractor")}[category]


class NpsExplorer(Explorer):
    """Mix sliders (relative weights, normalised to 100 %), sample size and confidence drive
    ``interval`` (an :class:`~marketing_kit.nps.NpsInterval`) and ``ci_figure`` (trace 0: the
    NPS point with its interval as ``error_x``); the group pickers drive ``distribution``
    (answers per score 0-10) and ``dist_figure`` (trace 0: the bars, in percent)."""

    def __init__(self, survey: pd.DataFrame, score_col: str = "likelihood",
                 group_cols: tuple[str, ...] = ("segment", "touchpoint"),
                 promoters: float = 45, passives: float = 30, detractors: float = 25,
                 n: int = 400) -> None:
        check_dataframe("survey", survey, [score_col, *group_cols])
        self.survey = survey.dropna(subset=[score_col])
        nps.check_scores(f"survey[{score_col!r}]", self.survey[score_col], 0, 10)
        self.score_col, self.group_cols = score_col, group_cols
        controls: dict[str, widgets.Widget] = {
            "promoters": widgets.FloatSlider(value=promoters, min=0, max=100, step=1,
                                             description=t("Promoters (9-10)")),
            "passives": widgets.FloatSlider(value=passives, min=0, max=100, step=1,
                                            description=t("Passives (7-8)")),
            "detractors": widgets.FloatSlider(value=detractors, min=0, max=100, step=1,
                                              description=t("Detractors (0-6)")),
            "n": widgets.IntSlider(value=n, min=10, max=5000, step=10,
                                   description=t("Sample size n")),
            "confidence": widgets.FloatSlider(value=0.95, min=0.80, max=0.99, step=0.01,
                                              description=t("Confidence")),
            "group_by": widgets.Dropdown(options=_options(list(group_cols)),
                                         value=group_cols[0], description=t("Group by")),
            "group": widgets.Dropdown(description=t("Show")),
        }
        for control in controls.values():
            control.layout, control.style = LAYOUT, STYLE
            if hasattr(control, "continuous_update"):
                control.continuous_update = False
        self._set_groups(group_cols[0])
        controls["group"].options = _options(self._groups)
        controls["group"].value = ALL
        self.summary = widgets.HTML()
        self._drawn: dict[str, object] = {}  # chart -> the inputs it was last drawn for
        self.ci_figure = interval_widget()
        self.dist_figure = distribution_widget()
        self.dist_summary = widgets.HTML()
        mix = widgets.VBox([controls[k] for k in ("promoters", "passives", "detractors", "n",
                                                  "confidence")])
        picker = widgets.VBox([controls["group_by"], controls["group"]])
        super().__init__(controls, [widgets.HBox([mix, widgets.VBox([self.summary,
                                                                     self.ci_figure])]),
                                    widgets.HBox([picker, widgets.VBox([self.dist_summary,
                                                                        self.dist_figure])])])
        controls["group_by"].observe(self._on_group_by, names="value")
        self.refresh()

    def _set_groups(self, column: str) -> None:
        values = sorted(self.survey[column].astype(str).unique())
        self._groups = [ALL, *values]

    def _on_group_by(self, change: dict) -> None:
        self._set_groups(change["new"])
        self.controls["group"].options = _options(self._groups)
        self.controls["group"].value = ALL
        self.refresh()

    def shares(self) -> pd.Series:
        """The slider mix normalised to shares summing to 1."""
        raw = pd.Series({k: float(self.controls[k + "s"].value) for k in nps.CATEGORIES})
        if raw.sum() <= 0:
            raise ValueError(t("set at least one of promoters, passives, detractors above 0"))
        return raw / raw.sum()

    def selected_scores(self) -> pd.Series:
        """Likelihood scores of the picked group (or everyone)."""
        group = self.controls["group"].value
        if group in (None, ALL):
            return self.survey[self.score_col]
        column = self.survey[self.controls["group_by"].value].astype(str)
        return self.survey.loc[column == group, self.score_col]

    def update(self) -> None:
        shares = self.shares()
        self.mix = shares
        self.interval = nps.interval_from_shares(shares["promoter"], shares["detractor"],
                                                 self.controls["n"].value,
                                                 self.controls["confidence"].value)
        r = self.interval
        self.summary.value = (
            t("Mix {p:.0%} / {q:.0%} / {d:.0%}").format(
                p=shares["promoter"], q=shares["passive"], d=shares["detractor"])
            + f" &rarr; <b>NPS {r.nps:+.1f}</b>, SE {r.se:.2f}, "
            + t("{c:.0%} CI [{lo:+.1f}, {hi:+.1f}]").format(c=r.confidence, lo=r.lower,
                                                             hi=r.upper)
            + " " + t("(width {w:.1f} points)").format(w=r.upper - r.lower))
        if self._drawn.get("ci") != r:  # the group pickers leave this chart as it is
            _plotly.update(self.ci_figure, {0: {
                "x": [r.nps], "y": [0],
                "error_x": {"type": "data", "symmetric": False, "array": [r.upper - r.nps],
                            "arrayminus": [r.nps - r.lower]}}},
                layout={"title.text": t("NPS {nps:+.1f}, {c:.0%} CI [{lo:+.1f}, {hi:+.1f}], "
                                        "n = {n}").format(nps=r.nps, c=r.confidence,
                                                           lo=r.lower, hi=r.upper, n=r.n)})
            self._drawn["ci"] = r

        scores = self.selected_scores()
        counts = scores.astype(int).value_counts().reindex(range(11), fill_value=0)
        self.distribution = counts
        self.group_interval = nps.nps_interval(scores)
        g = self.group_interval
        label = t(self.controls["group"].value or ALL)
        self.dist_summary.value = (
            f"<b>{label}</b>: n = {g.n}, NPS {g.nps:+.1f} "
            + t("(95% CI {lo:+.1f} to {hi:+.1f})").format(lo=g.lower, hi=g.upper))
        key = (self.controls["group_by"].value, self.controls["group"].value)
        if self._drawn.get("dist") != key:  # the mix sliders leave this chart as it is
            shares = counts / max(counts.sum(), 1)
            _plotly.update(self.dist_figure, {0: {
                "x": list(counts.index), "y": (shares * 100).tolist(),
                "text": [f"{v:.0%}" for v in shares]}},
                layout={"title.text": f"{label} (n = {g.n})"})
            self._drawn["dist"] = key


def interval_widget():
    """Empty client-side interval chart (-100..100, a dashed line at 0) for the explorer."""
    point = {"type": "scatter", "x": [], "y": [], "mode": "markers", "showlegend": False,
             "marker": {"size": 11, "color": "#1565c0"},
             "error_x": {"type": "data", "color": "#1565c0", "thickness": 2, "width": 8}}
    layout = {"title": {"text": "", "font": {"size": 12}, "x": 0.5},
              "xaxis": {"range": [-100, 100], "title": {"text": t("NPS (points)")},
                        "zeroline": False},
              "yaxis": {"visible": False, "range": [-1, 1]},
              "shapes": [{"type": "line", "x0": 0, "x1": 0, "y0": 0, "y1": 1, "yref": "paper",
                          "line": {"color": "black", "width": 1, "dash": "dash"}}],
              "margin": {"l": 20, "r": 20, "t": 40, "b": 45}}
    return _plotly.new_figure([point], layout, width=470, height=170)


def distribution_widget():
    """Empty client-side 0-10 distribution chart: bars coloured by Reichheld category."""
    categories = nps.classify(list(range(11)))
    bars = {"type": "bar", "x": list(range(11)), "y": [0] * 11, "showlegend": False,
            "marker": {"color": [COLOURS[c] for c in categories]}, "textposition": "outside",
            "textfont": {"size": 10}, "cliponaxis": False}
    keys = [{"type": "bar", "x": [None], "y": [None], "name": _category_label(c),
             "marker": {"color": COLOURS[c]}} for c in nps.CATEGORIES]
    layout = {"title": {"text": "", "font": {"size": 12}, "x": 0.5},
              "xaxis": {"tickvals": list(range(11)),
                        "title": {"text": t("Likelihood to recommend (0-10)")}},
              "yaxis": {"title": {"text": t("Share of answers (%)")}, "rangemode": "tozero"},
              "legend": {"x": 0.01, "y": 0.99, "font": {"size": 10}}, "barmode": "overlay",
              "margin": {"l": 60, "r": 20, "t": 40, "b": 50}}
    return _plotly.new_figure([bars, *keys], layout, width=470, height=290)


def interval_chart(interval: nps.NpsInterval) -> Figure:
    """The NPS as a point with its confidence interval on the -100..100 scale."""
    figure = Figure(figsize=(5.2, 1.7))
    axes = figure.subplots()
    axes.errorbar([interval.nps], [0], xerr=[[interval.nps - interval.lower],
                                              [interval.upper - interval.nps]],
                  fmt="o", color="#1565c0", capsize=6, markersize=8)
    axes.axvline(0, color="black", linewidth=0.8, linestyle="--")
    axes.set_xlim(-100, 100)
    axes.set_yticks([])
    axes.set_xlabel(t("NPS (points)"))
    axes.set_title(t("NPS {nps:+.1f}, {c:.0%} CI [{lo:+.1f}, {hi:+.1f}], n = {n}").format(
        nps=interval.nps, c=interval.confidence, lo=interval.lower, hi=interval.upper,
        n=interval.n), fontsize=9)
    figure.subplots_adjust(left=0.07, right=0.94, bottom=0.34, top=0.80)  # = tight_layout's, fixed
    return figure


def distribution_chart(counts: pd.Series, title: str) -> Figure:
    """Bars of answers per 0-10 score, coloured by Reichheld category, labelled in percent."""
    figure = Figure(figsize=(5.2, 2.8))
    axes = figure.subplots()
    categories = nps.classify(list(counts.index))
    colours = [COLOURS[c] for c in categories]
    shares = counts / max(counts.sum(), 1)
    bars = axes.bar(counts.index, shares * 100, color=colours)
    axes.bar_label(bars, labels=[f"{v:.0%}" for v in shares], fontsize=7)
    for category in nps.CATEGORIES:
        axes.bar([np.nan], [np.nan], color=COLOURS[category], label=_category_label(category))
    axes.set_xticks(range(11))
    axes.set_xlabel(t("Likelihood to recommend (0-10)"))
    axes.set_ylabel(t("Share of answers (%)"))
    axes.set_title(title, fontsize=9)
    axes.legend(fontsize=7, loc="upper left")
    axes.margins(y=0.15)
    figure.subplots_adjust(left=0.12, right=0.97, bottom=0.21, top=0.87)  # = tight_layout's, fixed
    return figure


def explorer(survey: pd.DataFrame, **settings: object) -> NpsExplorer:
    """Build the NPS explorer for a survey frame (see :class:`NpsExplorer`)."""
    return NpsExplorer(survey, **settings)


def group_interval_chart(table: pd.DataFrame, title: str = "NPS by group",
                         confidence: float = 0.95) -> Figure:
    """Horizontal NPS points with confidence-interval bars, one row per group of a
    :func:`~marketing_kit.nps.nps_by_group` table, best group on top."""
    check_dataframe("table", table, ("nps", "lower", "upper", "n"))
    rows = table.sort_values("nps")
    labels = [" / ".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in rows.index]
    figure = Figure(figsize=(6.2, 0.45 * len(rows) + 1.3))
    axes = figure.subplots()
    position = np.arange(len(rows))
    axes.errorbar(rows["nps"], position, xerr=[rows["nps"] - rows["lower"],
                                               rows["upper"] - rows["nps"]],
                  fmt="o", color="#1565c0", capsize=4)
    for y, (value, n) in enumerate(zip(rows["nps"], rows["n"], strict=True)):
        axes.annotate(f"{value:+.0f} (n={n})", (value, y), xytext=(0, 7),
                      textcoords="offset points", ha="center", fontsize=7)
    axes.axvline(0, color="black", linewidth=0.8, linestyle="--")
    axes.set_yticks(position, labels)
    axes.set_ylim(-0.6, len(rows) - 0.3)
    axes.set_xlabel(t("NPS (points) with {c:.0%} confidence interval").format(c=confidence))
    axes.set_title(t(title), fontsize=10)
    figure.tight_layout()
    return figure
