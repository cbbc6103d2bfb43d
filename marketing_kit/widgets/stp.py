"""STP explorer and the plots the STP notebook shares with it.

k and the chosen bases drive the segment-profile heatmap and the silhouette; targeting-weight
sliders re-rank the segments; a brand picker highlights a brand (and its nearest competitor)
on the perceptual map. Every number comes from :mod:`marketing_kit.stp`.

The notebook's static figures (:func:`diagnostics_chart`, :func:`profile_heatmap`,
:func:`scorecard_chart`, :func:`biplot`) stay matplotlib, in :mod:`.stp_figures` (imported
here). The explorer's three charts are client-side plotly charts
(:class:`~marketing_kit.widgets._plotly.Chart`, issue 23) built by :func:`profile_widget`,
:func:`scorecard_widget` and :func:`map_widget`, whose traces are updated in place.
"""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd

from marketing_kit import stp
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer
from marketing_kit.widgets.stp_figures import (
    ARROW,
    BRAND,
    HIGHLIGHT,
    IDEAL,
    _arrows,
    _colour_limit,
    _map_extent,
    _row_labels,
    _segment_labels,
    biplot,
    diagnostics_chart,
    profile_heatmap,
    scorecard_chart,
)

# The notebook imports the static figures from here, beside the explorer.
__all__ = ["MAP_TRACES", "StpExplorer", "biplot", "diagnostics_chart", "draw_map",
           "draw_profile", "draw_scorecard", "explorer", "map_widget", "profile_widget",
           "profile_heatmap", "scorecard_chart", "scorecard_widget"]

STYLE = {"description_width": "150px"}
NONE = "(none)"
WEIGHT_LABELS = {**{c: f"weight: {c}" for c in stp.CRITERIA},  # catalogue keys that fit STYLE
                 "competitive_intensity": "weight: competition"}
TITLE = {"font": {"size": 13}, "x": 0.5}
# Trace uids of the explorer's perceptual map (map_widget), in trace order.
MAP_TRACES = ("attributes", "brands", "nearest competitor", "highlight", "ideal")


def _filled(traces: list[dict], layout: dict, values: tuple[dict, dict] | None) -> None:
    """Put a chart's first picture (``(trace index -> properties, layout)``) into its dicts,
    so the chart opens with it: no update right after construction (an update sent while the
    browser still loads the chart's module can be lost)."""
    if values is not None:
        for index, properties in values[0].items():
            traces[index].update(properties)
        layout.update(values[1])


def _profile_values(relative: pd.DataFrame, sizes: pd.Series | None,
                    names: dict | None) -> tuple[dict, dict]:
    values = relative.to_numpy(dtype=float)
    limit = _colour_limit(values)
    return ({0: {"z": values.tolist(), "x": [str(c) for c in relative.columns],
                 "y": _row_labels(relative, sizes, names),
                 "text": [[f"{v:+.1f}" for v in row] for row in values],
                 "zmin": -limit, "zmax": limit}},
            {"height": 170 + 34 * len(relative)})


def profile_widget(relative: pd.DataFrame | None = None, sizes: pd.Series | None = None,
                   names: dict | None = None) -> _plotly.Chart:
    """Client-side profile heatmap (segments x bases, market SDs, values written in) showing
    ``relative`` (a :func:`~marketing_kit.stp.relative_profile`), or empty without it."""
    heat = {"type": "heatmap", "z": [], "x": [], "y": [], "text": [], "texttemplate": "%{text}",
            "textfont": {"size": 11}, "colorscale": "RdBu_r", "zmid": 0, "zmin": -1.5,
            "zmax": 1.5, "xgap": 1, "ygap": 1,
            # Above the bar: along it ("side": "right") the title ran into the tick labels.
            "colorbar": {"title": {"text": t("sd from<br>market mean"), "side": "top",
                                   "font": {"size": 11}},
                         "thickness": 14},
            "hovertemplate": "%{y}<br>%{x}: %{z:+.2f} (" + t("sd from market mean")
                             + ")<extra></extra>"}
    layout = {"title": {"text": t("Segment profiles: mean vs market (in market SDs)"), **TITLE},
              "xaxis": {"type": "category", "tickangle": -35, "automargin": True},
              "yaxis": {"type": "category", "autorange": "reversed", "automargin": True},
              "margin": {"l": 20, "r": 20, "t": 45, "b": 20}}
    _filled([heat], layout, None if relative is None else _profile_values(relative, sizes,
                                                                          names))
    return _plotly.new_figure([heat], layout, width=820, height=320)


def draw_profile(chart: _plotly.Chart, relative: pd.DataFrame, sizes: pd.Series | None = None,
                 names: dict | None = None) -> None:
    """Show a :func:`~marketing_kit.stp.relative_profile` on a :func:`profile_widget` chart."""
    traces, layout = _profile_values(relative, sizes, names)
    _plotly.update(chart, traces, layout=layout)


def _scorecard_values(table: pd.DataFrame, names: dict | None) -> tuple[dict, dict]:
    scores = table["score"].to_numpy(dtype=float)
    return ({0: {"x": scores.tolist(), "y": _segment_labels(table.index, names),
                 "text": [f"{v:.1f}" for v in scores],
                 "marker": {"color": ["#2e7d32" if r == 1 else "#90a4ae"
                                      for r in table["rank"]]}}},
            {"height": 110 + 38 * len(table)})


def scorecard_widget(table: pd.DataFrame | None = None,
                     names: dict | None = None) -> _plotly.Chart:
    """Client-side targeting scorecard: horizontal score bars, the target in green, showing an
    :func:`~marketing_kit.stp.attractiveness` ``table`` best on top (empty without it)."""
    bars = {"type": "bar", "orientation": "h", "x": [], "y": [], "text": [],
            "textposition": "outside", "cliponaxis": False, "marker": {"color": []},
            "textfont": {"size": 11}, "hovertemplate": "%{y}: %{x:.1f}<extra></extra>"}
    layout = {"title": {"text": t("Targeting scorecard"), **TITLE},
              "xaxis": {"range": [0, 105], "title": {"text": t("attractiveness score (0-100)")}},
              "yaxis": {"type": "category", "autorange": "reversed", "automargin": True},
              "margin": {"l": 20, "r": 30, "t": 45, "b": 50}}
    _filled([bars], layout, None if table is None else _scorecard_values(table, names))
    return _plotly.new_figure([bars], layout, width=560, height=300)


def draw_scorecard(chart: _plotly.Chart, table: pd.DataFrame, names: dict | None = None) -> None:
    """Show an :func:`~marketing_kit.stp.attractiveness` table on a :func:`scorecard_widget`
    chart, best segment on top (rank 1 in green)."""
    traces, layout = _scorecard_values(table, names)
    _plotly.update(chart, traces, layout=layout)


def _map_values(pmap: stp.PerceptualMap, highlight: str,
                ideals: pd.DataFrame | None) -> tuple[dict, dict]:
    coords = pmap.coordinates
    rival, gap = stp.nearest_competitor(pmap, highlight)
    others = coords.drop(index=highlight)
    here, there = coords.loc[highlight], coords.loc[rival]
    stars = ideals if ideals is not None else coords.iloc[:0]
    return ({
        1: {"x": others["PC1"].tolist(), "y": others["PC2"].tolist(),
            "text": [str(b) for b in others.index]},
        2: {"x": [here["PC1"], there["PC1"]], "y": [here["PC2"], there["PC2"]],
            "name": t("nearest competitor: {rival} ({gap:.2f})").format(rival=rival, gap=gap)},
        # Label on the side of the point away from the map's centre, so it never sits on (0, 0).
        3: {"x": [here["PC1"]], "y": [here["PC2"]], "text": [f"<b>{highlight}</b>"],
            "textposition": "bottom right" if here["PC1"] >= 0 else "bottom left"},
        4: {"x": stars["PC1"].tolist(), "y": stars["PC2"].tolist(),
            "text": [t("ideal: {name}").format(name=name) for name in stars.index],
            "showlegend": len(stars) > 0},
    }, {})


def map_widget(pmap: stp.PerceptualMap, ideals: pd.DataFrame | None = None,
               highlight: str | None = None,
               shown: pd.DataFrame | None = None) -> _plotly.Chart:
    """Client-side perceptual map of ``pmap``: loading arrows, attribute labels and zero lines
    drawn once; the brand, highlight, nearest-competitor and ideal traces (:data:`MAP_TRACES`)
    show ``highlight`` and the ideal points ``shown`` as :func:`draw_map` does (empty without
    ``highlight``). The axes are sized for the brands and every point of ``ideals`` (map
    coordinates), so picking an ideal point does not rescale the map.
    """
    extent = _map_extent(pmap, ideals)
    arrows = _arrows(pmap.loadings, extent)
    labels = {"type": "scatter", "mode": "text", "x": [a[3] for a in arrows],
              "y": [a[4] for a in arrows], "text": [a[0] for a in arrows], "uid": MAP_TRACES[0],
              "textfont": {"color": "#616161", "size": 11, "style": "italic"},
              "hoverinfo": "skip", "showlegend": False}
    brands = {"type": "scatter", "mode": "markers+text", "x": [], "y": [], "text": [],
              "uid": MAP_TRACES[1], "textposition": "top right", "showlegend": False,
              "marker": {"size": 9, "color": BRAND}, "textfont": {"color": "#0d47a1", "size": 12},
              "hovertemplate": "%{text}: (%{x:.2f}, %{y:.2f})<extra></extra>"}
    rival = {"type": "scatter", "mode": "lines", "x": [], "y": [], "uid": MAP_TRACES[2],
             "line": {"color": HIGHLIGHT, "dash": "dash", "width": 2}, "hoverinfo": "skip"}
    point = {"type": "scatter", "mode": "markers+text", "x": [], "y": [], "text": [],
             "uid": MAP_TRACES[3], "showlegend": False,
             "marker": {"size": 13, "color": HIGHLIGHT, "line": {"color": "black", "width": 1}},
             "textfont": {"color": "#b71c1c", "size": 13},
             "hovertemplate": "%{text}: (%{x:.2f}, %{y:.2f})<extra></extra>"}
    ideal = {"type": "scatter", "mode": "markers+text", "x": [], "y": [], "text": [],
             "uid": MAP_TRACES[4], "name": t("ideal point(s)"), "textposition": "bottom right",
             "showlegend": False,
             "marker": {"symbol": "star", "size": 17, "color": IDEAL,
                        "line": {"color": "black", "width": 1}},
             "textfont": {"color": "#e65100", "size": 11},
             "hovertemplate": "%{text}: (%{x:.2f}, %{y:.2f})<extra></extra>"}
    share = pmap.explained
    limit = extent * 1.25
    zero = {"type": "line", "line": {"color": "#e0e0e0", "width": 1}, "layer": "below"}
    layout = {
        "title": {"text": t("Perceptual map (PCA biplot of brand ratings)"), **TITLE},
        "xaxis": {"range": [-limit, limit], "zeroline": False, "title": {
            "text": t("{pc} ({share:.0%} of variance)").format(pc="PC1", share=share["PC1"])}},
        # 620 x 485 px of plot for 2.5 x 2 extents: about one unit per pixel on both axes.
        "yaxis": {"range": [-limit * 0.8, limit * 0.8], "zeroline": False, "title": {
                      "text": t("{pc} ({share:.0%} of variance)").format(pc="PC2",
                                                                          share=share["PC2"])}},
        "shapes": [{**zero, "x0": -limit, "x1": limit, "y0": 0, "y1": 0},
                   {**zero, "x0": 0, "x1": 0, "y0": -limit, "y1": limit}],
        "annotations": [{"x": x, "y": y, "ax": 0, "ay": 0, "xref": "x", "yref": "y",
                         "axref": "x", "ayref": "y", "text": "", "showarrow": True,
                         "arrowhead": 2, "arrowsize": 1, "arrowwidth": 1, "arrowcolor": ARROW}
                        for _, x, y, _, _ in arrows],
        "legend": {"x": 0.01, "y": 0.01, "xanchor": "left", "yanchor": "bottom",
                   "bgcolor": "rgba(255,255,255,0.8)", "font": {"size": 11}},
        "margin": {"l": 60, "r": 20, "t": 45, "b": 50},
    }
    traces = [labels, brands, rival, point, ideal]
    _filled(traces, layout, None if highlight is None else _map_values(pmap, highlight, shown))
    return _plotly.new_figure(traces, layout, width=700, height=580)


def draw_map(chart: _plotly.Chart, pmap: stp.PerceptualMap, highlight: str,
             ideals: pd.DataFrame | None = None) -> None:
    """Highlight ``highlight`` and link it to its nearest competitor on a :func:`map_widget`
    chart; ``ideals`` (coordinates from :func:`marketing_kit.stp.project`, or None) are the
    stars."""
    traces, layout = _map_values(pmap, highlight, ideals)
    _plotly.update(chart, traces, layout=layout)


class StpExplorer(Explorer):
    """Segmentation, targeting and positioning controls with live plots.

    Attributes after each refresh: ``segmentation`` (:class:`marketing_kit.stp.Segmentation`),
    ``names`` (suggested segment names), ``ranking`` (:func:`marketing_kit.stp.attractiveness`
    table), ``pmap`` (:class:`marketing_kit.stp.PerceptualMap`), ``nearest`` (competitor,
    distance) of the picked brand and ``ideal_gaps`` (brand distances to the picked ideal).
    Segmentations are cached by (k, bases), those of the starting bases for every k computed
    when the explorer is built, and each chart is updated only when its inputs change, so
    moving k or a weight slider does not refit k-means or touch the map.

    Charts (client-side, updated in place): ``profile_chart`` (trace 0: the heatmap of
    ``segmentation.relative``), ``score_chart`` (trace 0: the bars of ``ranking["score"]``, best
    on top) and ``map_chart`` (traces :data:`MAP_TRACES`: attribute labels, the other brands,
    the nearest-competitor line, the highlighted brand and the picked ideal point). Only the
    shown tab's chart is in the page (``tabs.selected_index``); all three stay up to date.
    """

    def __init__(self, survey: pd.DataFrame, features: list[str], ratings: pd.DataFrame,
                 ideals: pd.DataFrame | None = None, *, k: int = 5,
                 targeting: dict[str, str] | None = None, brand: str | None = None,
                 weights: dict[str, float] | None = None) -> None:
        check_dataframe("survey", survey)
        stp.check_features(survey.dropna(subset=[f for f in features if f in survey]), features,
                           "survey")
        self.survey = survey
        self.targeting = targeting or {"growth": "spend_growth_pct", "margin": "spend_per_visit",
                                       "competition": "brands_used", "fit": "considers_mokka"}
        self.pmap = stp.perceptual_map(ratings)
        self.ideals = ideals.set_index("segment") if ideals is not None else None
        brands = list(self.pmap.coordinates.index)
        weights = stp.check_weights(weights or dict.fromkeys(stp.CRITERIA, 1.0))
        controls: dict[str, widgets.Widget] = {
            "k": widgets.IntSlider(value=k, min=2, max=8, description=t("k (segments)")),
            "features": widgets.SelectMultiple(options=list(features), value=list(features),
                                               rows=min(len(features), 9),
                                               description=t("bases (ctrl-click)")),
        }
        for criterion in stp.CRITERIA:
            controls[f"w:{criterion}"] = widgets.FloatSlider(
                value=round(float(weights[criterion]), 2), min=0, max=1, step=0.05,
                description=t(WEIGHT_LABELS.get(criterion, f"weight: {criterion}")))
        controls["brand"] = widgets.Dropdown(options=brands, value=brand or brands[0],
                                             description=t("highlight brand"))
        ideal_options = [(t(NONE), NONE), *((str(name), name) for name in
                                            (self.ideals.index if self.ideals is not None
                                             else []))]
        controls["ideal"] = widgets.Dropdown(options=ideal_options, value=NONE,
                                             description=t("ideal point of"))
        for control in controls.values():
            control.style = STYLE
            if hasattr(control, "continuous_update"):
                control.continuous_update = False
        self._cache: dict[tuple, tuple[stp.Segmentation, dict, pd.DataFrame]] = {}
        self._precompute(controls["k"], list(features))
        self._drawn: dict[str, object] = {}  # chart -> the inputs it was last drawn for
        # The charts are built by the first update, with their first picture (see _filled).
        self.profile_chart = self.score_chart = self.map_chart = None
        self._all_ideals = (stp.project(self.pmap, self.ideals) if self.ideals is not None
                            else None)
        self.summary = widgets.HTML()
        self.ranking_html = widgets.HTML()
        weight_box = widgets.VBox([controls[f"w:{c}"] for c in stp.CRITERIA])
        # One slot per tab; only the shown tab's slot holds its chart (see _show_tab_chart).
        self._slots = tuple(widgets.Box() for _ in range(3))
        self.tabs = widgets.Tab(children=[
            widgets.VBox([widgets.HBox([controls["k"], controls["features"]]), self.summary,
                          self._slots[0]]),
            widgets.HBox([weight_box, widgets.VBox([self._slots[1], self.ranking_html])]),
            widgets.VBox([widgets.HBox([controls["brand"], controls["ideal"]]),
                          self._slots[2]]),
        ])
        for index, title in enumerate((t("Segmentation"), t("Targeting"), t("Positioning"))):
            self.tabs.set_title(index, title)
        super().__init__(controls, [self.tabs])
        self.refresh()
        # Invalid first settings (the message says why): empty charts, drawn by the next update.
        if self.profile_chart is None:
            self.profile_chart = profile_widget()
        if self.score_chart is None:
            self.score_chart = scorecard_widget()
        if self.map_chart is None:
            self.map_chart = map_widget(self.pmap, self._all_ideals)
        self.tab_charts = (self.profile_chart, self.score_chart, self.map_chart)
        self.tabs.observe(self._show_tab_chart, names="selected_index")
        self._show_tab_chart()

    def _show_tab_chart(self, change: object = None) -> None:
        """Put the shown tab's chart in its slot and take the others out of the page.

        A tab that is not shown is ``display: none`` in the browser, and plotly.js cannot lay
        out a chart it cannot measure. A chart taken out of the page keeps its figure (every
        chart is kept up to date): put back, its new view draws the current figure at once.
        """
        shown = self.tabs.selected_index
        for index, (slot, chart) in enumerate(zip(self._slots, self.tab_charts, strict=True)):
            slot.children = (chart,) if index == shown else ()

    def _precompute(self, slider: widgets.IntSlider, features: list[str]) -> None:
        """Segment the starting bases for every k the slider offers (one
        :func:`~marketing_kit.stp.segmentations` call: the bases scaled and the silhouette
        distances computed once), so moving k is a cache hit. Bad settings are left to the
        first update, which says what is wrong."""
        try:
            fits = stp.segmentations(self.survey.dropna(subset=features), features,
                                     range(slider.min, slider.max + 1))
            entries = {(k, tuple(features)): self._entry(seg) for k, seg in fits.items()}
        except (TypeError, ValueError):
            return
        self._cache.update(entries)

    def _entry(self, seg: stp.Segmentation) -> tuple[stp.Segmentation, dict, pd.DataFrame]:
        """A segmentation with what depends only on it: its names and scorecard inputs."""
        return (seg, stp.suggest_names(seg.relative),
                stp.targeting_inputs(self.survey.loc[seg.labels.index], seg.labels,
                                     **self.targeting))

    def weights(self) -> dict[str, float]:
        """The targeting weights as set by the sliders (not yet normalised)."""
        return {c: self.controls[f"w:{c}"].value for c in stp.CRITERIA}

    def update(self) -> None:
        features = list(self.controls["features"].value)
        k = self.controls["k"].value
        key = (k, tuple(features))
        if key not in self._cache:
            self._cache[key] = self._entry(stp.segment(self.survey.dropna(subset=features),
                                                       features, k))
        seg, names, inputs = self._cache[key]
        if self._drawn.get("profile") is not seg:  # redraw only what changed
            self.segmentation, self.names, self.inputs = seg, names, inputs
            sizes = seg.profile["size"].drop(index="Market")
            self.summary.value = t(
                "<b>k = {k}</b>, {bases} bases, {n} complete responses &nbsp;|&nbsp; "
                "<b>mean silhouette {silhouette:.3f}</b> (inertia {inertia:,.0f})").format(
                k=k, bases=len(features), n=int(sizes.sum()), silhouette=seg.silhouette,
                inertia=seg.inertia)
            if self.profile_chart is None:
                self.profile_chart = profile_widget(seg.relative, sizes, self.names)
            else:
                draw_profile(self.profile_chart, seg.relative, sizes, self.names)
            self._drawn["profile"] = seg

        ranking = stp.attractiveness(self.inputs, self.weights())
        drawn = self._drawn.get("score")
        if drawn is None or drawn[0] is not seg or not ranking.equals(drawn[1]):
            self.ranking = ranking
            if self.score_chart is None:
                self.score_chart = scorecard_widget(ranking, self.names)
            else:
                draw_scorecard(self.score_chart, ranking, self.names)
            self._drawn["score"] = (seg, ranking)
            shown = ranking.assign(name=[self.names[s] for s in ranking.index])
            # The segment number as a column: one header row (a named index adds a second).
            self.ranking_html.value = shown[["name", "score", "rank"]].rename_axis(
                "segment").reset_index().rename(
                columns={"segment": t("segment no."), "name": t("segment name"),
                         "score": t("attractiveness score"), "rank": t("rank")}).to_html(
                index=False, float_format=lambda x: f"{x:.1f}")

        brand, ideal = self.controls["brand"].value, self.controls["ideal"].value
        if self._drawn.get("map") != (brand, ideal):
            self.nearest = stp.nearest_competitor(self.pmap, brand)
            ideal_coords, self.ideal_gaps = None, None
            if ideal != NONE:
                row = self.ideals.loc[ideal]
                ideal_coords = stp.project(self.pmap, row.to_frame().T)
                self.ideal_gaps = stp.ideal_distances(self.pmap, row)
            if self.map_chart is None:
                self.map_chart = map_widget(self.pmap, self._all_ideals, brand, ideal_coords)
            else:
                draw_map(self.map_chart, self.pmap, brand, ideal_coords)
            self._drawn["map"] = (brand, ideal)


def explorer(survey: pd.DataFrame, features: list[str], ratings: pd.DataFrame,
             ideals: pd.DataFrame | None = None, **settings: object) -> StpExplorer:
    """Build the STP explorer (see :class:`StpExplorer`)."""
    return StpExplorer(survey, features, ratings, ideals, **settings)
