"""STP explorer and the plots the STP notebook shares with it.

k and the chosen bases drive the segment-profile heatmap and the silhouette; targeting-weight
sliders re-rank the segments; a brand picker highlights a brand (and its nearest competitor)
on the perceptual map. Every number comes from :mod:`marketing_kit.stp`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import stp
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets._base import Explorer, figure_png

STYLE = {"description_width": "150px"}
NONE = "(none)"
WEIGHT_LABELS = {c: f"weight: {c}" for c in stp.CRITERIA}  # catalogue keys, one per criterion
LABEL_BOX = {"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}


def diagnostics_chart(diagnostics: pd.DataFrame) -> Figure:
    """Elbow (inertia) and silhouette against k, side by side, best-silhouette k marked."""
    figure = Figure(figsize=(8.5, 3.0))
    left, right = figure.subplots(1, 2)
    ks = diagnostics.index.to_numpy()
    best = stp.best_k(diagnostics)
    left.plot(ks, diagnostics["inertia"], marker="o", color="#455a64")
    left.set(xlabel=t("k (number of segments)"), ylabel=t("within-segment sum of squares"),
             title=t("Elbow: inertia falls as k grows"))
    right.plot(ks, diagnostics["silhouette"], marker="o", color="#1565c0")
    right.plot([best], [diagnostics.loc[best, "silhouette"]], marker="*", markersize=16,
               color="#c62828", linestyle="none", label=t("best k = {k}").format(k=best))
    right.set(xlabel=t("k (number of segments)"), ylabel=t("mean silhouette"),
              title=t("Silhouette: higher is better"))
    right.legend(loc="lower left", fontsize=8)
    right.margins(y=0.15)
    for axes in (left, right):
        axes.set_xticks(ks)
        axes.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def profile_heatmap(relative: pd.DataFrame, sizes: pd.Series | None = None,
                    names: dict | None = None) -> Figure:
    """Heatmap of segment means relative to the market (sd units), values annotated.

    ``sizes`` (respondents per segment) and ``names`` (segment -> label) decorate the rows.
    """
    values = relative.to_numpy(dtype=float)
    width = max(6.5, 3.5 + 0.7 * relative.shape[1])
    figure = Figure(figsize=(width, 1.2 + 0.5 * len(relative)))
    axes = figure.subplots()
    limit = max(1.5, float(np.abs(values).max()))
    image = axes.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        axes.text(j, i, f"{value:+.1f}", ha="center", va="center", fontsize=8,
                  color="white" if abs(value) > 0.6 * limit else "black")
    rows = []
    for seg in relative.index:
        label = f"{seg}"
        if names and seg in names:
            label += f" {names[seg]}"
        if sizes is not None and seg in sizes.index:
            label += f" (n={int(sizes[seg])})"
        rows.append(label)
    axes.set_yticks(range(len(relative)), rows, fontsize=8)
    axes.set_xticks(range(relative.shape[1]), relative.columns, rotation=35, ha="right",
                    fontsize=8)
    axes.set_title(t("Segment profiles: mean vs market (in market SDs)"), fontsize=10)
    figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02, label=t("sd from market mean"))
    figure.tight_layout()
    return figure


def scorecard_chart(table: pd.DataFrame, names: dict | None = None) -> Figure:
    """Horizontal bars of attractiveness score, best segment on top."""
    figure = Figure(figsize=(6.5, 0.8 + 0.45 * len(table)))
    axes = figure.subplots()
    labels = [f"{seg} {names[seg]}" if names and seg in names else str(seg)
              for seg in table.index]
    colours = ["#2e7d32" if r == 1 else "#90a4ae" for r in table["rank"]]
    bars = axes.barh(labels[::-1], table["score"].to_numpy()[::-1], color=colours[::-1])
    axes.bar_label(bars, fmt="%.1f", fontsize=8, padding=2)
    axes.set_xlim(0, 105)
    axes.set_xlabel(t("attractiveness score (0-100)"))
    axes.set_title(t("Targeting scorecard"), fontsize=10)
    axes.tick_params(axis="y", labelsize=8)
    figure.tight_layout()
    return figure


def biplot(pmap: stp.PerceptualMap, highlight: str | None = None,
           ideals: pd.DataFrame | None = None) -> Figure:
    """Perceptual map: brands as points, attributes as loading arrows, optional ideal points.

    ``highlight`` draws that brand in red and links it to its nearest competitor.
    ``ideals`` are coordinates from :func:`marketing_kit.stp.project` (drawn as stars).
    """
    coords, loadings = pmap.coordinates, pmap.loadings
    figure = Figure(figsize=(7.0, 5.6))
    axes = figure.subplots()
    extent = float(np.abs(coords.to_numpy()).max())
    if ideals is not None:
        extent = max(extent, float(np.abs(ideals.to_numpy()).max()))
    arrow_scale = 0.85 * extent / float(np.abs(loadings.to_numpy()).max())
    placed: list[tuple[float, float]] = []
    for attribute, (x, y) in loadings.iterrows():
        axes.annotate("", xy=(x * arrow_scale, y * arrow_scale), xytext=(0, 0),
                      arrowprops={"arrowstyle": "->", "color": "#9e9e9e", "lw": 1})
        tx, ty = x * arrow_scale * 1.1, y * arrow_scale * 1.1
        step = 0.07 * extent * (1 if ty >= 0 else -1)
        while any(abs(tx - px) < 0.35 * extent and abs(ty - py) < 0.06 * extent
                  for px, py in placed):
            ty += step  # nudge labels of near-parallel arrows apart
        placed.append((tx, ty))
        axes.text(tx, ty, attribute, color="#616161", fontsize=7.5, ha="center", va="center",
                  style="italic")
    others = [b for b in coords.index if b != highlight]
    axes.scatter(coords.loc[others, "PC1"], coords.loc[others, "PC2"], s=45, color="#1565c0",
                 zorder=3)
    for brand in others:
        axes.annotate(brand, coords.loc[brand], xytext=(5, 4), textcoords="offset points",
                      fontsize=8.5, color="#0d47a1", bbox=LABEL_BOX)
    if highlight is not None:
        rival, gap = stp.nearest_competitor(pmap, highlight)
        here, there = coords.loc[highlight], coords.loc[rival]
        axes.plot([here["PC1"], there["PC1"]], [here["PC2"], there["PC2"]], color="#c62828",
                  linestyle="--", linewidth=2,
                  label=t("nearest competitor: {rival} ({gap:.2f})").format(rival=rival, gap=gap))
        axes.scatter([here["PC1"]], [here["PC2"]], s=110, color="#c62828", zorder=4,
                     edgecolor="black")
        # Label on the side of the point away from the map's centre, so it never sits on (0, 0).
        right = here["PC1"] >= 0
        axes.annotate(highlight, here, xytext=(8 if right else -8, -6),
                      textcoords="offset points", fontsize=9.5, color="#b71c1c", weight="bold",
                      ha="left" if right else "right", va="top", bbox=LABEL_BOX)
    if ideals is not None:
        axes.scatter(ideals["PC1"], ideals["PC2"], marker="*", s=180, color="#f9a825",
                     edgecolor="black", zorder=5, label=t("ideal point(s)"))
        for name, row in ideals.iterrows():
            axes.annotate(t("ideal: {name}").format(name=name), (row["PC1"], row["PC2"]),
                          xytext=(9, -3),
                          textcoords="offset points", fontsize=8, color="#e65100",
                          va="top", bbox=LABEL_BOX)
    axes.axhline(0, color="#e0e0e0", linewidth=0.8, zorder=0)
    axes.axvline(0, color="#e0e0e0", linewidth=0.8, zorder=0)
    share = pmap.explained
    axes.set_xlabel(t("{pc} ({share:.0%} of variance)").format(pc="PC1", share=share["PC1"]))
    axes.set_ylabel(t("{pc} ({share:.0%} of variance)").format(pc="PC2", share=share["PC2"]))
    axes.set_title(t("Perceptual map (PCA biplot of brand ratings)"), fontsize=10)
    limit = extent * 1.25
    axes.set_xlim(-limit, limit)
    axes.set_ylim(-limit * 0.8, limit * 0.8)
    if highlight is not None or ideals is not None:
        axes.legend(loc="lower left", fontsize=8)
    figure.tight_layout()
    return figure


class StpExplorer(Explorer):
    """Segmentation, targeting and positioning controls with live plots.

    Attributes after each refresh: ``segmentation`` (:class:`marketing_kit.stp.Segmentation`),
    ``names`` (suggested segment names), ``ranking`` (:func:`marketing_kit.stp.attractiveness`
    table), ``pmap`` (:class:`marketing_kit.stp.PerceptualMap`), ``nearest`` (competitor,
    distance) of the picked brand and ``ideal_gaps`` (brand distances to the picked ideal).
    Segmentations are cached by (k, bases) and each picture is redrawn only when its inputs
    change, so dragging a weight slider does not refit k-means or redraw the map.
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
        self._cache: dict[tuple, stp.Segmentation] = {}
        self.profile_image = widgets.Image(format="png")
        self.score_image = widgets.Image(format="png")
        self.map_image = widgets.Image(format="png")
        self.summary = widgets.HTML()
        self.ranking_html = widgets.HTML()
        weight_box = widgets.VBox([controls[f"w:{c}"] for c in stp.CRITERIA])
        tabs = widgets.Tab(children=[
            widgets.VBox([widgets.HBox([controls["k"], controls["features"]]), self.summary,
                          self.profile_image]),
            widgets.HBox([weight_box, widgets.VBox([self.score_image, self.ranking_html])]),
            widgets.VBox([widgets.HBox([controls["brand"], controls["ideal"]]),
                          self.map_image]),
        ])
        for index, title in enumerate((t("Segmentation"), t("Targeting"), t("Positioning"))):
            tabs.set_title(index, title)
        super().__init__(controls, [tabs])
        self.refresh()

    def weights(self) -> dict[str, float]:
        """The targeting weights as set by the sliders (not yet normalised)."""
        return {c: self.controls[f"w:{c}"].value for c in stp.CRITERIA}

    def update(self) -> None:
        features = list(self.controls["features"].value)
        k = self.controls["k"].value
        key = (k, tuple(features))
        if key not in self._cache:
            data = self.survey.dropna(subset=features)
            self._cache[key] = stp.segment(data, features, k)
        seg = self._cache[key]
        if seg is not getattr(self, "segmentation", None):  # redraw only what changed
            self.segmentation = seg
            self.names = stp.suggest_names(seg.relative)
            sizes = seg.profile["size"].drop(index="Market")
            self.summary.value = t(
                "<b>k = {k}</b>, {bases} bases, {n} complete responses &nbsp;|&nbsp; "
                "<b>mean silhouette {silhouette:.3f}</b> (inertia {inertia:,.0f})").format(
                k=k, bases=len(features), n=int(sizes.sum()), silhouette=seg.silhouette,
                inertia=seg.inertia)
            self.profile_image.value = figure_png(profile_heatmap(seg.relative, sizes,
                                                                  self.names))
            data = self.survey.loc[seg.labels.index]
            self.inputs = stp.targeting_inputs(data, seg.labels, **self.targeting)

        ranking = stp.attractiveness(self.inputs, self.weights())
        if not ranking.equals(getattr(self, "ranking", None)):
            self.ranking = ranking
            self.score_image.value = figure_png(scorecard_chart(ranking, self.names))
            shown = ranking.assign(name=[self.names[s] for s in ranking.index])
            self.ranking_html.value = shown[["name", "score", "rank"]].rename(
                columns={"name": t("segment name"), "score": t("attractiveness score"),
                         "rank": t("rank")}).to_html(float_format=lambda x: f"{x:.1f}")

        brand, ideal = self.controls["brand"].value, self.controls["ideal"].value
        if (brand, ideal) != getattr(self, "_map_key", None):
            self._map_key = (brand, ideal)
            self.nearest = stp.nearest_competitor(self.pmap, brand)
            ideal_coords, self.ideal_gaps = None, None
            if ideal != NONE:
                row = self.ideals.loc[ideal]
                ideal_coords = stp.project(self.pmap, row.to_frame().T)
                self.ideal_gaps = stp.ideal_distances(self.pmap, row)
            self.map_image.value = figure_png(biplot(self.pmap, brand, ideal_coords))


def explorer(survey: pd.DataFrame, features: list[str], ratings: pd.DataFrame,
             ideals: pd.DataFrame | None = None, **settings: object) -> StpExplorer:
    """Build the STP explorer (see :class:`StpExplorer`)."""
    return StpExplorer(survey, features, ratings, ideals, **settings)
