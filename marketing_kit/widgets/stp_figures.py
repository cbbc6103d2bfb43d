"""The STP notebook's static figures (matplotlib) and the helpers its explorer's charts share.

:func:`diagnostics_chart`, :func:`profile_heatmap`, :func:`scorecard_chart` and :func:`biplot`
draw the worked example; the row labels, colour range, map extent and loading arrows are
computed once here for both them and the explorer's plotly charts (:mod:`.stp`). Every number
comes from :mod:`marketing_kit.stp`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import stp
from marketing_kit.i18n import t

LABEL_BOX = {"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.7}
BRAND, HIGHLIGHT, IDEAL, ARROW = "#1565c0", "#c62828", "#f9a825", "#9e9e9e"


def _row_labels(relative: pd.DataFrame, sizes: pd.Series | None = None,
                names: dict | None = None) -> list[str]:
    """Heatmap row labels: segment number, suggested name and size, "2 high income (n=180)"."""
    rows = []
    for seg in relative.index:
        label = f"{seg}"
        if names and seg in names:
            label += f" {names[seg]}"
        if sizes is not None and seg in sizes.index:
            label += f" (n={int(sizes[seg])})"
        rows.append(label)
    return rows


def _colour_limit(values: np.ndarray) -> float:
    """Symmetric colour range of a profile heatmap: at least +-1.5 sd."""
    return max(1.5, float(np.abs(values).max()))


def _segment_labels(index: pd.Index, names: dict | None = None) -> list[str]:
    return [f"{seg} {names[seg]}" if names and seg in names else str(seg) for seg in index]


def _map_extent(pmap: stp.PerceptualMap, ideals: pd.DataFrame | None = None) -> float:
    """Half-width of what a perceptual map must show: brands and ideal points."""
    extent = float(np.abs(pmap.coordinates.to_numpy()).max())
    if ideals is not None and len(ideals):
        extent = max(extent, float(np.abs(ideals.to_numpy()).max()))
    return extent


def _arrows(loadings: pd.DataFrame, extent: float) -> list[tuple[str, float, float, float, float]]:
    """Loading arrows scaled to the map: (attribute, tip x, tip y, label x, label y).

    Labels sit just beyond the tips, nudged apart where arrows are near-parallel.
    """
    arrow_scale = 0.85 * extent / float(np.abs(loadings.to_numpy()).max())
    placed: list[tuple[float, float]] = []
    arrows = []
    for attribute, (x, y) in loadings.iterrows():
        tx, ty = x * arrow_scale * 1.1, y * arrow_scale * 1.1
        step = 0.07 * extent * (1 if ty >= 0 else -1)
        while any(abs(tx - px) < 0.35 * extent and abs(ty - py) < 0.06 * extent
                  for px, py in placed):
            ty += step  # nudge labels of near-parallel arrows apart
        placed.append((tx, ty))
        arrows.append((attribute, x * arrow_scale, y * arrow_scale, tx, ty))
    return arrows


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
    limit = _colour_limit(values)
    image = axes.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    for (i, j), value in np.ndenumerate(values):
        axes.text(j, i, f"{value:+.1f}", ha="center", va="center", fontsize=8,
                  color="white" if abs(value) > 0.6 * limit else "black")
    axes.set_yticks(range(len(relative)), _row_labels(relative, sizes, names), fontsize=8)
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
    labels = _segment_labels(table.index, names)
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
    extent = _map_extent(pmap, ideals)
    for attribute, x, y, tx, ty in _arrows(loadings, extent):
        axes.annotate("", xy=(x, y), xytext=(0, 0),
                      arrowprops={"arrowstyle": "->", "color": ARROW, "lw": 1})
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
