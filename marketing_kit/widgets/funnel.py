"""Funnel and ABM explorers: conversion sliders, a pipeline-velocity calculator, account timelines.

Every number comes from :mod:`marketing_kit.funnel` and :mod:`marketing_kit.abm`; the widgets only
read controls and draw. The explorers' charts are client-side plotly charts
(:class:`~marketing_kit.widgets._plotly.Chart`) updated in place (issue 23):
:func:`funnel_widget` and :func:`timeline_widget`. :func:`funnel_chart` and :func:`timeline_chart`
stay matplotlib figures for static use in the notebooks.
"""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import abm
from marketing_kit import funnel as fn
from marketing_kit._validate import check_dataframe, check_number
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

STYLE = {"description_width": "150px"}
LAYOUT = widgets.Layout(width="380px")
STAGE_COLOURS = {"Identify": "#9e9e9e", "Expand": "#42a5f5", "Engage": "#1565c0",
                 "Advocate": "#2e7d32"}


def _merged(base: dict, changes: dict) -> dict:
    """``base`` with ``changes`` laid over it, nested dicts merged (as plotly's update does)."""
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = (_merged(merged[key], value)
                       if isinstance(value, dict) and isinstance(merged.get(key), dict) else value)
    return merged


def funnel_chart(table: pd.DataFrame, baseline: pd.DataFrame | None = None,
                 title: str | None = None) -> Figure:
    """Centred horizontal bars, top stage first, labelled with count and step conversion.

    ``table`` is a :func:`~marketing_kit.funnel.funnel_table`; an optional ``baseline`` table is
    drawn as grey outlines behind it, so a scenario can be compared with the actual funnel.
    Stage names and labels are shown in the current language (:func:`marketing_kit.i18n.t`).
    """
    figure = Figure(figsize=(6.4, 0.55 * len(table) + 1.1))
    axes = figure.subplots()
    positions = list(range(len(table)))[::-1]
    widest = table["count"].max() if baseline is None else max(table["count"].max(),
                                                                baseline["count"].max())
    handles = []
    if baseline is not None:
        handles.append(axes.barh(positions, baseline["count"], left=-baseline["count"] / 2,
                                 height=0.78, color="none", edgecolor="#616161", linestyle="--",
                                 label=t("actual")))
    bars = axes.barh(positions, table["count"], left=-table["count"] / 2, height=0.7,
                     color="#1976d2", label=t("scenario") if baseline is not None else None)
    for position, (_, row) in zip(positions, table.iterrows(), strict=True):
        rate = ("" if position == positions[0] else
                t("  ({rate:.0%} of previous)").format(rate=row["step_conversion"]))
        axes.text(widest * 0.52, position, f"{row['count']:,.0f}{rate}", va="center", fontsize=8)
    axes.set_yticks(positions, [t(str(s)) for s in table.index])
    axes.set_xlim(-widest * 0.55, widest * 1.15)
    axes.set_xticks([])
    for side in ("top", "right", "bottom"):
        axes.spines[side].set_visible(False)
    axes.set_title(t("Funnel") if title is None else title)
    if baseline is not None:
        axes.legend(handles=[*handles, bars], fontsize=8, loc="lower left")
    figure.subplots_adjust(left=0.17)  # labels inside: figure_png just crops
    return figure


def funnel_widget(actual: pd.DataFrame, title: str,
                  scenario: pd.DataFrame | None = None) -> _plotly.Chart:
    """Client-side funnel for the explorer: trace 0 the ``actual``
    :func:`~marketing_kit.funnel.funnel_table` as dashed outlines (fixed), trace 1 the
    ``scenario`` table (default: the actual one) as centred bars, trace 2 their labels (count and
    step conversion); top stage first. :func:`_funnel_traces` gives later scenarios' values.

    The chart is built with its first picture (no update message needed to show it): a browser
    that drops messages sent while a chart loads still shows the right first picture.
    """
    check_dataframe("actual", actual, ("count", "step_conversion"))
    scenario = actual if scenario is None else scenario
    positions = list(range(len(actual)))[::-1]
    xs: list[float | None] = []
    ys: list[float | None] = []
    for position, count in zip(positions, actual["count"], strict=True):  # one box per stage
        xs += [-count / 2, count / 2, count / 2, -count / 2, -count / 2, None]
        ys += [position - 0.39, position - 0.39, position + 0.39, position + 0.39,
               position - 0.39, None]
    outline = {"type": "scatter", "x": xs, "y": ys, "mode": "lines", "name": t("actual"),
               "line": {"color": "#616161", "width": 1.2, "dash": "dash"}, "hoverinfo": "skip"}
    bars = {"type": "bar", "orientation": "h", "y": positions, "x": [], "base": [],
            "width": 0.7, "marker": {"color": "#1976d2"}, "name": t("scenario"),
            "hoverinfo": "text"}
    labels = {"type": "scatter", "mode": "text", "y": positions, "x": [], "text": [],
              "textposition": "middle right", "textfont": {"size": 11}, "showlegend": False,
              "hoverinfo": "skip", "cliponaxis": False}
    widest = float(actual["count"].max())
    layout = {"title": {"text": title, "font": {"size": 13}, "x": 0.5},
              "xaxis": {"range": [-widest * 0.55, widest * 1.15], "visible": False},
              "yaxis": {"tickvals": positions, "ticktext": [t(str(s)) for s in actual.index],
                        "range": [-0.6, len(actual) - 0.4], "showline": False, "ticks": "",
                        "zeroline": False},
              "legend": {"x": 1.0, "y": 1.0, "xanchor": "right", "yanchor": "top",
                         "font": {"size": 11}},
              "bargap": 0, "margin": {"l": 100, "r": 20, "t": 45, "b": 10}}
    first = _funnel_traces(scenario, widest)
    return _plotly.new_figure([outline, _merged(bars, first[1]), _merged(labels, first[2])],
                              layout, width=620, height=int(55 * len(actual) + 70))


def _funnel_traces(table: pd.DataFrame, widest: float) -> dict[int, dict]:
    """Bars (trace 1) and labels (trace 2) of a :func:`~marketing_kit.funnel.funnel_table`, as
    :func:`funnel_chart` labels them; ``widest`` places the labels right of the widest bar."""
    texts = []
    for index, (_, row) in enumerate(table.iterrows()):
        rate = ("" if index == 0 else
                t("  ({rate:.0%} of previous)").format(rate=row["step_conversion"]))
        texts.append(f"{row['count']:,.0f}{rate}")
    names = [t(str(stage)) for stage in table.index]
    counts = table["count"].astype(float)
    return {1: {"x": counts.tolist(), "base": (-counts / 2).tolist(),
                "hovertext": [f"{n}: {x}" for n, x in zip(names, texts, strict=True)]},
            2: {"x": [widest * 0.52] * len(table), "text": texts}}


class FunnelExplorer(Explorer):
    """One slider per stage-to-stage conversion; the funnel and the revenue impact follow.

    ``scenario`` holds the :func:`~marketing_kit.funnel.funnel_table` of the slider rates,
    ``impact`` the extra revenue (:func:`~marketing_kit.funnel.revenue_change`) against the
    actual funnel.
    """

    def __init__(self, stage_counts: Mapping[str, float] | pd.Series,
                 value_per_win: float = 40_000.0) -> None:
        self.actual = fn.funnel_table(stage_counts)
        controls: dict[str, widgets.Widget] = {
            "value_per_win": widgets.FloatSlider(value=check_number("value_per_win", value_per_win,
                                                                    low=0),
                                                 min=0, max=200_000, step=1_000,
                                                 description=t("Value per win ($)")),
        }
        previous = self.actual.index[:-1]
        for before, (stage, row) in zip(previous, self.actual.iloc[1:].iterrows(), strict=True):
            controls[stage] = widgets.FloatSlider(value=round(row["step_conversion"], 3), min=0,
                                                  max=1, step=0.005, readout_format=".1%",
                                                  description=f"{t(before)} → {t(stage)}")
        for control in controls.values():
            control.layout, control.style, control.continuous_update = LAYOUT, STYLE, False
        self.summary = widgets.HTML()
        self.controls = controls  # rates() reads them before Explorer.__init__ keeps them
        first = fn.funnel_table(fn.apply_rates(self.actual["count"], self.rates()))
        self.figure = funnel_widget(self.actual, t("Scenario against the actual funnel"), first)
        # chart -> the inputs it was last drawn for (the chart is built with the first ones)
        self._drawn: dict[str, object] = {"funnel": tuple(self.rates().values())}
        super().__init__(controls, [widgets.VBox(list(controls.values())), self.summary,
                                    self.figure])
        self.refresh()

    def rates(self) -> dict[str, float]:
        """The step conversions as currently set by the sliders."""
        return {stage: self.controls[stage].value for stage in self.actual.index[1:]}

    def update(self) -> None:
        counts = fn.apply_rates(self.actual["count"], self.rates())
        self.scenario = fn.funnel_table(counts)
        self.impact = fn.revenue_change(self.actual["count"], self.rates(),
                                        self.controls["value_per_win"].value)
        self.bottleneck = fn.bottleneck(counts)
        last = self.actual.index[-1]
        counts_text = t("{scenario:,.1f} (actual {actual:,.0f})").format(
            scenario=self.scenario["count"].iloc[-1], actual=self.actual["count"].iloc[-1])
        self.summary.value = (
            f"<b>{t(str(last))}</b>: {counts_text} &nbsp;|&nbsp; <b>{t('revenue impact')}</b> "
            f"${self.impact:+,.0f} &nbsp;|&nbsp; <b>{t('bottleneck')}</b> → "
            f"{t(str(self.bottleneck))}")
        rates = tuple(self.rates().values())
        if self._drawn.get("funnel") != rates:  # the value-per-win slider leaves the chart be
            _plotly.update(self.figure, _funnel_traces(self.scenario,
                                                       self.actual["count"].max()))
            self._drawn["funnel"] = rates


class VelocityCalculator(Explorer):
    """Four sliders (opportunities, win rate, deal size, cycle days) -> pipeline velocity."""

    def __init__(self, opportunities: int = 34, win_rate: float = 0.42,
                 avg_deal_size: float = 52_700.0, cycle_days: float = 72.0) -> None:
        controls = {
            "opportunities": widgets.IntSlider(value=opportunities, min=0, max=200,
                                               description=t("Open opportunities")),
            "win_rate": widgets.FloatSlider(value=win_rate, min=0, max=1, step=0.01,
                                            readout_format=".0%", description=t("Win rate")),
            "avg_deal_size": widgets.FloatSlider(value=avg_deal_size, min=0, max=250_000,
                                                 step=500, description=t("Avg deal size ($)")),
            "cycle_days": widgets.FloatSlider(value=cycle_days, min=1, max=365, step=1,
                                              description=t("Sales cycle (days)")),
        }
        for control in controls.values():
            control.layout, control.style, control.continuous_update = LAYOUT, STYLE, False
        self.result = widgets.HTML()
        super().__init__(controls, [widgets.VBox(list(controls.values())), self.result])
        self.refresh()

    def update(self) -> None:
        values = {name: control.value for name, control in self.controls.items()}
        self.velocity = abm.pipeline_velocity(**values)
        per_day = t("${day:,.0f} per day").format(day=self.velocity)
        per_quarter = t("${quarter:,.0f} per quarter (91 days)").format(
            quarter=self.velocity * 91)
        self.result.value = f"<b>{t('Pipeline velocity')}</b> {per_day} ≈ {per_quarter}"


def timeline_chart(timeline: pd.DataFrame, contacts: pd.DataFrame, title: str) -> Figure:
    """One row per buying-committee member, one dot per touch, coloured by ABM stage."""
    roles = contacts["role"].map(lambda role: t(str(role)))
    members = contacts.assign(label=roles + " (" + contacts["contact_id"] + ")")
    rows = {c: i for i, c in enumerate(members["contact_id"])}
    figure = Figure(figsize=(7.5, 0.35 * len(members) + 1.4))
    axes = figure.subplots()
    for stage, colour in STAGE_COLOURS.items():
        part = timeline[timeline["stage"] == stage]
        if not part.empty:
            axes.scatter(part["timestamp"], part["contact_id"].map(rows), s=part["weight"] * 12,
                         color=colour, label=t(stage), alpha=0.85, edgecolor="white")
    axes.set_yticks(range(len(members)), members["label"], fontsize=8)
    axes.set_ylim(len(members) - 0.3, -0.7)  # first committee member on top
    axes.set_xlim(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))
    axes.grid(axis="x", alpha=0.3)
    axes.set_title(title, fontsize=10)
    legend = axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                         title=t("ABM stage"), title_fontsize=7)
    for handle in legend.legend_handles:
        handle.set_sizes([40])  # one marker size in the key; dot size in the plot = weight
    figure.autofmt_xdate()
    figure.subplots_adjust(left=0.25, right=0.86)  # labels inside: figure_png just crops
    return figure


def timeline_widget(timeline: pd.DataFrame | None = None, contacts: pd.DataFrame | None = None,
                    title: str = "") -> _plotly.Chart:
    """Client-side account timeline: one marker trace per ABM stage (in :data:`STAGE_COLOURS`
    order), one row per committee member (first on top), 2025 on the x axis; dot area = touch
    weight. Built empty, or with one account's first picture (its
    :func:`~marketing_kit.abm.touch_timeline` and committee ``contacts``: no update message
    needed to show it); :func:`_timeline_traces` gives the values for another account."""
    traces = [{"type": "scatter", "mode": "markers", "x": [], "y": [], "name": t(stage),
               "marker": {"color": colour, "size": [], "sizemode": "area", "sizeref": 0.075,
                          "sizemin": 4, "opacity": 0.85, "line": {"color": "white", "width": 1}},
               "hoverinfo": "text", "text": []}
              for stage, colour in STAGE_COLOURS.items()]
    layout = {"title": {"text": "", "font": {"size": 13}, "x": 0.5},
              # a week of margin either side: a touch on 1 Jan or 31 Dec shows its whole dot
              "xaxis": {**_plotly.date_ticks(), "type": "date",
                        "range": ["2024-12-25", "2026-01-07"],
                        "showgrid": True, "gridcolor": "#e0e0e0"},
              "yaxis": {"tickvals": [], "ticktext": [], "tickfont": {"size": 11},
                        "ticklabelstandoff": 8,
                        "zeroline": False, "showgrid": True, "gridcolor": "#f2f2f2"},
              "legend": {"title": {"text": t("ABM stage")}, "itemsizing": "constant",
                         "x": 1.02, "y": 1.0, "yanchor": "top", "font": {"size": 11}},
              "margin": {"l": 190, "r": 20, "t": 45, "b": 40}, "height": 300}
    if timeline is not None:
        first, changes = _timeline_traces(timeline, contacts, title)
        traces = [_merged(trace, first[i]) for i, trace in enumerate(traces)]
        layout = _merged(layout, changes)
    height = layout.pop("height")
    return _plotly.new_figure(traces, layout, width=820, height=height)


def _timeline_traces(timeline: pd.DataFrame, contacts: pd.DataFrame,
                     title: str) -> tuple[dict[int, dict], dict]:
    """New trace values (per ABM stage) and layout (rows, height, title) of
    :func:`timeline_widget` for one account's :func:`~marketing_kit.abm.touch_timeline` and its
    committee ``contacts``; members without a touch keep an empty row. The hover text names
    the member, time, kind ("web visit") and channel of each touch, translated by :func:`t`."""
    roles = [t(str(role)) for role in contacts["role"]]
    labels = {c: f"{role} ({c})" for role, c in zip(roles, contacts["contact_id"], strict=True)}
    rows = {c: float(i) for i, c in enumerate(labels)}
    ids = timeline["contact_id"].tolist()
    kinds = {k: t(str(k).replace("_", " ")) for k in timeline["kind"].unique()}
    channels = {c: t(str(c)) for c in timeline["channel"].unique()}
    hover = [f"{labels.get(c, c)}<br>{when:%Y-%m-%d %H:%M} · {kinds[kind]} · {channels[channel]}"
             for c, when, kind, channel in zip(ids, timeline["timestamp"], timeline["kind"],
                                               timeline["channel"], strict=True)]
    stages = timeline["stage"].to_numpy()
    times = timeline["timestamp"].to_numpy()
    row = np.array([rows.get(c, np.nan) for c in ids], dtype=float)
    weight = timeline["weight"].to_numpy(dtype=float)
    traces = {}
    for index, stage in enumerate(STAGE_COLOURS):
        mine = stages == stage
        traces[index] = {"x": times[mine], "y": row[mine], "marker": {"size": weight[mine]},
                         "text": [h for h, keep in zip(hover, mine, strict=True) if keep],
                         "showlegend": bool(mine.any())}
    count = len(labels)
    layout = {"title": {"text": title},
              "yaxis": {"tickvals": list(range(count)), "ticktext": list(labels.values()),
                        "range": [count - 0.4, -0.6]},
              "height": int(32 * count + 120)}
    return traces, layout


class AccountTimeline(Explorer):
    """Pick an account: its touch timeline, ABM stage, engagement score and committee reach.

    ``figure`` is the timeline chart (:func:`timeline_widget`). With ``chart=False`` it is built
    only when :meth:`show_chart` is called (``figure`` is None until then), with the account
    picked at that moment: :func:`explorer` does so when the timeline's tab is first shown.
    """

    def __init__(self, accounts: pd.DataFrame, contacts: pd.DataFrame, touches: pd.DataFrame,
                 as_of: str = "2025-12-31", chart: bool = True) -> None:
        check_dataframe("accounts", accounts, ("account_id", "tier", "industry"))
        self.accounts = accounts.set_index("account_id")
        self.contacts, self.touches = contacts, touches
        self.stages = abm.account_stages(accounts, touches)
        self.scores = abm.engagement_scores(accounts, touches, as_of)
        self.committee = abm.committee_penetration(contacts, touches)
        touched = self.scores[self.scores > 0].sort_values(ascending=False).index
        options = [(f"{a} · " + t("tier {tier}").format(tier=self.accounts.loc[a, "tier"])
                    + f" · {t(str(self.stages[a]))}", a) for a in touched]
        controls = {"account": widgets.Dropdown(options=options, value=options[0][1],
                                                description=t("Account"), style=STYLE,
                                                layout=widgets.Layout(width="420px"))}
        self.summary = widgets.HTML()
        self.figure: _plotly.Chart | None = None
        self.chart_slot = widgets.Box()  # holds the chart once it is built
        super().__init__(controls, [controls["account"], self.summary, self.chart_slot])
        self.refresh()
        if chart:
            self.show_chart()

    def show_chart(self) -> None:
        """Build the chart for the current account (its first picture) and show it; once."""
        if self.figure is None:
            self.figure = timeline_widget(*self._drawn_inputs)
            self.chart_slot.children = (self.figure,)

    def _inputs(self, account: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
        """The account's touch timeline, its committee and the chart title."""
        return (abm.touch_timeline(self.touches, account),
                self.contacts[self.contacts["account_id"] == account],
                t("Touches of account {account}").format(account=account))

    def update(self) -> None:
        account = self.controls["account"].value
        self.timeline, members, title = self._inputs(account)
        info = self.accounts.loc[account]
        parts = [
            f"<b>{account}</b>",
            t("tier {tier}").format(tier=info["tier"]),
            t(str(info["industry"])),
            t("stage <b>{stage}</b>").format(stage=t(str(self.stages[account]))),
            t("engagement score {score:.1f}").format(score=self.scores[account]),
            t("committee reached {reached:.0%} of {members}").format(
                reached=self.committee[account], members=len(members)),
            t("{touches} touches").format(touches=len(self.timeline)),
        ]
        self.summary.value = " · ".join(parts)
        self._drawn_inputs = (self.timeline, members, title)
        if self.figure is not None:
            _plotly.update(self.figure, *_timeline_traces(self.timeline, members, title))


def explorer(stage_counts: Mapping[str, float] | pd.Series, accounts: pd.DataFrame,
             contacts: pd.DataFrame, touches: pd.DataFrame,
             value_per_win: float = 40_000.0) -> widgets.Tab:
    """The three explorers in tabs: funnel scenario, velocity calculator, account timeline.

    The timeline's chart is built the first time its tab is shown (for the account picked then):
    plotly.js would otherwise draw it inside a hidden (``display: none``) panel, and the page
    loads one chart module at a time (the first ones load plotly.js).
    """
    timeline = AccountTimeline(accounts, contacts, touches, chart=False)
    tab = widgets.Tab(children=[FunnelExplorer(stage_counts, value_per_win), VelocityCalculator(),
                                timeline])
    titles = (t("Funnel scenario"), t("Pipeline velocity"), t("Account timeline"))
    for index, title in enumerate(titles):
        tab.set_title(index, title)

    def show_timeline(change: dict) -> None:
        if change["new"] == 2:
            timeline.show_chart()

    tab.observe(show_timeline, names="selected_index")
    return tab
