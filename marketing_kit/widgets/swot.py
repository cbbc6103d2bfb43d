"""SWOT explorer: importance and rating sliders per factor drive the IFE/EFE totals, the dot on
the 3 x 3 IE grid, the 2 x 2 SWOT board and the top TOWS pair of each cell.

Every number comes from :mod:`marketing_kit.swot`; this module only draws. The notebook's
static figures are matplotlib (:func:`swot_board_figure`, :func:`ie_grid_figure`); the explorer
draws the board as HTML and the IE grid as a client-side plotly chart whose dot moves in place
(issue 23: a PNG redraw of both cost 465 ms at p95).
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from marketing_kit import swot
from marketing_kit.i18n import t
from marketing_kit.widgets import _plotly
from marketing_kit.widgets._base import Explorer

POSTURE_COLOURS = {"grow and build": "#a5d6a7", "hold and maintain": "#ffe082",
                   "harvest or divest": "#ef9a9a"}
QUADRANTS = {  # kind -> (title, colour, row, column) on the 2 x 2 board
    "S": ("Strengths (internal)", "#1b5e20", 0, 0),
    "W": ("Weaknesses (internal)", "#b71c1c", 0, 1),
    "O": ("Opportunities (external)", "#0d47a1", 1, 0),
    "T": ("Threats (external)", "#e65100", 1, 1),
}
RATING_LIMITS = {"S": (3, 4), "W": (1, 2), "O": (1, 4), "T": (1, 4)}
BAND_LABELS = {  # IE bands with their score ranges (David): specific keys for the catalogue
    "strong": "strong (3.0-4.0)", "average": "average (2.0-2.99)", "weak": "weak (1.0-1.99)",
    "high": "high (3.0-4.0)", "medium": "medium (2.0-2.99)", "low": "low (1.0-1.99)",
}
TOWS_COLUMNS = {"strategy": "TOWS strategy", "internal_code": "internal factor",
                "external_code": "external factor", "priority": "priority score"}


def swot_board_figure(items: pd.DataFrame, title: str = "SWOT board") -> Figure:
    """The 2 x 2 SWOT board: each quadrant lists code, factor, weight and rating, heaviest first."""
    board = swot.swot_lists(items)
    frame = items.assign(code=swot.codes(items).to_numpy())
    figure = Figure(figsize=(10, 6.2))
    axes = figure.subplots(2, 2)
    for kind, (heading, colour, row, column) in QUADRANTS.items():
        ax = axes[row][column]
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color(colour)
            spine.set_linewidth(2)
        ax.set_title(heading, color=colour, fontsize=11, fontweight="bold", loc="left")
        lines = []
        for factor in board[kind]:
            item = frame[(frame["factor"] == factor) & (frame["kind"] == kind)].iloc[0]
            indent = " " * 6
            wrapped = textwrap.fill(f"{item['code']}  {factor}", width=60, subsequent_indent=indent,
                                    break_on_hyphens=False)
            lines.append(f"{wrapped}\n{indent}weight {item['weight']:.2f} · "
                         f"rating {item['rating']:g}")
        ax.text(0.02, 0.97, "\n".join(lines) or "(none)", va="top", ha="left", fontsize=7.6,
                transform=ax.transAxes, linespacing=1.25)
    figure.suptitle(title, fontsize=12)
    figure.subplots_adjust(wspace=0.04, hspace=0.16, left=0.02, right=0.98, top=0.9, bottom=0.02)
    return figure


def ie_grid_figure(positions: Mapping[str, tuple[float, float]],
                   title: str = "IE matrix") -> Figure:
    """David's 3 x 3 IE grid (IFE 4 -> 1 left to right, EFE 1 -> 4 bottom to top) with one dot
    per entry of ``positions`` (label -> (IFE total, EFE total)), coloured cells by posture."""
    cells = {label: swot.ie_cell(ife, efe) for label, (ife, efe) in positions.items()}
    figure = Figure(figsize=(6.4, 5.4))
    ax = figure.subplots()
    for (internal, external), numeral in swot.IE_CELLS.items():
        x0 = 4 - swot.IE_BANDS[0].index(internal)  # strong starts at 4 (left), weak ends at 1
        y0 = 3 - swot.IE_BANDS[1].index(external)  # high spans 3-4, low spans 1-2
        posture = swot.ie_posture(numeral)
        ax.add_patch(Rectangle((x0 - 1, y0), 1, 1, facecolor=POSTURE_COLOURS[posture],
                               edgecolor="white", linewidth=2))
        # the x-axis runs 4 -> 1, so x0 - 0.06 is the cell's left edge on screen
        ax.text(x0 - 0.06, y0 + 0.94, numeral, ha="left", va="top", fontsize=13,
                fontweight="bold", color="#37474f")
        ax.text(x0 - 0.06, y0 + 0.74, posture, ha="left", va="top", fontsize=7.5,
                color="#37474f")
    for position, band in zip((3.5, 2.5, 1.5), swot.IE_BANDS[0], strict=True):
        ax.text(position, 4.06, band, ha="center", va="bottom", fontsize=8.5, style="italic")
    for position, band in zip((3.5, 2.5, 1.5), swot.IE_BANDS[1], strict=True):
        ax.text(0.94, position, band, ha="left", va="center", fontsize=8.5, style="italic",
                rotation=270)
    markers = ["o", "s", "D", "^", "v"]
    for index, (label, (ife, efe)) in enumerate(positions.items()):
        ax.plot(ife, efe, marker=markers[index % len(markers)], markersize=11, color="#1a237e",
                markeredgecolor="white", linestyle="none", zorder=5,
                label=f"{label}: IFE {ife:.2f}, EFE {efe:.2f} → cell {cells[label]}")
    ax.set_xlim(4, 1)
    ax.set_ylim(1, 4)
    ax.set_xticks([4, 3, 2, 1])
    ax.set_yticks([1, 2, 3, 4])
    ax.set_xlabel("IFE total weighted score  (strong 3.0-4.0 | average 2.0-2.99 | weak 1.0-1.99)",
                  fontsize=8.5)
    ax.set_ylabel("EFE total weighted score  (low | medium | high)", fontsize=8.5)
    ax.set_title(title, pad=18)
    ax.set_aspect("equal")
    if positions:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8, frameon=False)
    figure.subplots_adjust(bottom=0.17)  # labels inside: figure_png just crops
    return figure


def swot_board_html(items: pd.DataFrame, title: str = "SWOT board",
                    lists: Mapping[str, list[str]] | None = None) -> str:
    """The 2 x 2 SWOT board as HTML: each quadrant lists code, factor, weight and rating,
    heaviest first (the order of :func:`marketing_kit.swot.swot_lists`, or ``lists`` if given:
    its result for ``items``, already computed)."""
    board = swot.swot_lists(items) if lists is None else lists
    # (factor, kind) is unique (swot.check_items): one plain lookup table, no frame filtering
    rows = {(str(f), k): (c, w, r) for f, k, c, w, r in zip(
        items["factor"], items["kind"], swot.codes(items), items["weight"], items["rating"],
        strict=True)}
    cells = []
    for kind, (heading, colour, _, _) in QUADRANTS.items():
        entries = []
        for factor in board[kind]:
            code, weight, rating = rows[(factor, kind)]
            detail = t("weight {w:.2f} · rating {r:g}").format(w=weight, r=rating)
            entries.append(f"<li><b>{html.escape(str(code))}</b> "
                           f"{html.escape(factor)}<br><small>{detail}</small></li>")
        listing = "".join(entries) or f"<li>{t('(none)')}</li>"
        cells.append(
            f"<div style='border:2px solid {colour};padding:4px 8px;min-width:0'>"
            f"<div style='color:{colour};font-weight:bold'>{t(heading)}</div>"
            f"<ul style='margin:2px 0;padding-left:4px;list-style:none;font-size:12px;"
            f"line-height:1.3'>{listing}</ul></div>")
    return (f"<div class='mk-swot-board' style='max-width:980px'>"
            f"<div style='text-align:center;font-size:15px;margin:4px'>{html.escape(title)}</div>"
            "<div style='display:grid;grid-template-columns:1fr 1fr;gap:6px'>"
            + "".join(cells) + "</div></div>")


def ie_grid_widget(title: str = "IE matrix"):
    """David's 3 x 3 IE grid as a client-side plotly chart (same layout as
    :func:`ie_grid_figure`); trace 0 is the company's dot, moved by :func:`move_ie_dot`."""
    shapes, notes = [], []
    for (internal, external), numeral in swot.IE_CELLS.items():
        x0 = 4 - swot.IE_BANDS[0].index(internal)
        y0 = 3 - swot.IE_BANDS[1].index(external)
        posture = swot.ie_posture(numeral)
        shapes.append({"type": "rect", "x0": x0 - 1, "x1": x0, "y0": y0, "y1": y0 + 1,
                       "fillcolor": POSTURE_COLOURS[posture], "line": {"color": "white",
                                                                       "width": 2},
                       "layer": "below", "opacity": 1})
        notes.append({"x": x0 - 0.06, "y": y0 + 0.94, "text": f"<b>{numeral}</b>",
                      "xanchor": "left", "yanchor": "top", "font": {"size": 15,
                                                                   "color": "#37474f"}})
        notes.append({"x": x0 - 0.06, "y": y0 + 0.70, "text": t(posture), "xanchor": "left",
                      "yanchor": "top", "font": {"size": 10, "color": "#37474f"}})
    for position, band in zip((3.5, 2.5, 1.5), swot.IE_BANDS[0], strict=True):
        notes.append({"x": position, "y": 4.0, "text": f"<i>{t(BAND_LABELS[band])}</i>",
                      "yanchor": "bottom", "font": {"size": 11}})
    for position, band in zip((3.5, 2.5, 1.5), swot.IE_BANDS[1], strict=True):
        notes.append({"x": 1.0, "y": position, "text": f"<i>{t(BAND_LABELS[band])}</i>",
                      "xanchor": "left", "textangle": 90, "font": {"size": 11}})
    for note in notes:
        note.setdefault("showarrow", False)
    dot = {"type": "scatter", "x": [], "y": [], "mode": "markers", "uid": "dot",
           "marker": {"size": 15, "color": "#1a237e", "line": {"color": "white", "width": 1.5}}}
    layout = {
        "title": {"text": t(title), "x": 0.5},
        "xaxis": {"range": [4, 1], "tickvals": [4, 3, 2, 1], "showgrid": False,
                  "title": {"text": t("IFE total weighted score"), "font": {"size": 11}}},
        "yaxis": {"range": [1, 4], "tickvals": [1, 2, 3, 4], "showgrid": False,
                  "scaleanchor": "x", "scaleratio": 1,
                  "title": {"text": t("EFE total weighted score"), "font": {"size": 11}}},
        "shapes": shapes, "annotations": notes, "showlegend": True,
        "legend": {"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.22},
        "margin": {"l": 60, "r": 30, "t": 70, "b": 110},
    }
    return _plotly.new_figure([dot], layout, width=520, height=540)


def move_ie_dot(figure, label: str, ife: float, efe: float) -> None:
    """Put the dot of ``figure`` (from :func:`ie_grid_widget`) at (IFE, EFE), legend updated."""
    cell = swot.ie_cell(ife, efe)
    name = t("{label}: IFE {ife:.2f}, EFE {efe:.2f} → cell {cell}").format(
        label=label, ife=ife, efe=efe, cell=cell)
    _plotly.update(figure, {0: {"x": [ife], "y": [efe], "name": name, "showlegend": True}})


class SwotExplorer(Explorer):
    """Per factor an importance slider (points, normalised to weights within each side) and a
    rating slider (strengths 3-4, weaknesses 1-2, opportunities and threats 1-4, as David rates).

    After every change: ``items`` (current table), ``ife_total``, ``efe_total``, ``cell``,
    ``posture``, ``tows`` (best pair per TOWS cell), ``ie_figure`` (a plotly ``Chart``,
    trace 0 the dot) and ``board_html`` (the SWOT board, an ``ipywidgets.HTML``).
    """

    def __init__(self, items: pd.DataFrame, name: str = "Case company") -> None:
        frame = swot.check_items(items).reset_index(drop=True)
        self.base = frame.assign(code=swot.codes(frame).to_numpy())
        self.name = name
        controls: dict[str, widgets.Widget] = {}
        quadrants = []
        for kind, (heading, colour, _, _) in QUADRANTS.items():
            rows = [widgets.HTML(f"<b style='color:{colour}'>{t(heading)}</b>")]
            for _, row in self.base[self.base["kind"] == kind].iterrows():
                low, high = RATING_LIMITS[kind]
                points = widgets.FloatSlider(value=round(float(row["weight"]) * 100, 6), min=0,
                                             max=50, step=1,
                                             description=t("{code} pts").format(code=row["code"]),
                                             readout_format=".0f")
                rating = widgets.IntSlider(value=int(round(row["rating"])), min=low, max=high,
                                           description=t("rating"))
                for control, width in ((points, "210px"), (rating, "170px")):
                    control.layout = widgets.Layout(width=width)
                    control.style = {"description_width": "52px"}
                    control.continuous_update = False
                points.tooltip = rating.tooltip = str(row["factor"])
                controls[f"{row['code']}:points"] = points
                controls[f"{row['code']}:rating"] = rating
                rows.append(widgets.HBox([points, rating]))
            quadrants.append(widgets.VBox(rows, layout=widgets.Layout(margin="0 12px 6px 0")))
        self.summary = widgets.HTML()
        self.tows_html = widgets.HTML()
        self.ie_figure = ie_grid_widget()
        self.board_html = widgets.HTML()
        grid = widgets.VBox([widgets.HBox(quadrants[:2]), widgets.HBox(quadrants[2:])])
        body = [grid, self.summary, widgets.HBox([self.ie_figure, self.tows_html]),
                self.board_html]
        super().__init__(controls, body)
        self.refresh()

    def refresh(self, change: object = None) -> None:
        """Recompute and redraw, unless inside :meth:`hold`."""
        if not getattr(self, "_held", False):
            super().refresh(change)

    @contextmanager
    def hold(self) -> Iterator[SwotExplorer]:
        """Change several sliders and redraw once at the end: ``with app.hold(): ...``."""
        self._held = True
        try:
            yield self
        finally:
            self._held = False
            self.refresh()

    def inputs(self) -> pd.DataFrame:
        """The item table as set by the sliders (importance points, not yet weights)."""
        frame = self.base.drop(columns="weight")
        frame["importance"] = [self.controls[f"{c}:points"].value for c in frame["code"]]
        frame["rating"] = [self.controls[f"{c}:rating"].value for c in frame["code"]]
        return frame

    def update(self) -> None:
        self.items = swot.normalise_weights(self.inputs(), "importance")
        position = swot.analysis(self.items, top=1)  # validates once: IE, TOWS and lists
        self.ife_total, self.efe_total = position["ife_total"], position["efe_total"]
        self.cell, self.posture = position["cell"], position["posture"]
        self.tows = position["tows"]
        self.summary.value = (
            f"<b>IFE</b> {self.ife_total:.2f}, {t(BAND_LABELS[position['internal']])} "
            f"&nbsp;|&nbsp; <b>EFE</b> {self.efe_total:.2f}, "
            f"{t(BAND_LABELS[position['external']])} &nbsp;|&nbsp; "
            + t("<b>IE cell {cell}</b>: {posture}").format(cell=self.cell,
                                                           posture=t(self.posture))
        )
        shown = self.tows[list(TOWS_COLUMNS)].rename(
            columns={c: t(label) for c, label in TOWS_COLUMNS.items()})
        self.tows_html.value = (f"<b>{t('Top pair per TOWS cell')}</b>"
                                + shown.to_html(index=False, float_format=lambda x: f"{x:.3f}"))
        move_ie_dot(self.ie_figure, self.name, self.ife_total, self.efe_total)
        self.board_html.value = swot_board_html(self.items, t("SWOT: {name}").format(
            name=self.name), lists=position["lists"])


def explorer(items: pd.DataFrame, name: str = "Case company") -> SwotExplorer:
    """Build the SWOT/IE explorer for a SWOT item table (see :class:`SwotExplorer`)."""
    return SwotExplorer(items, name)
