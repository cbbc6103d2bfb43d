"""SWOT made quantitative: IFE/EFE weighted scores, the TOWS cross matrix and the IE matrix.

Sources
-------
* Seed ``003_acc37c7ae0022513.txt`` lists "SWOT Matrix cross (TOWS) 전략" for the exam: SWOT reads
  the external environment (opportunities, threats) and the internal capabilities (strengths,
  weaknesses), and the cross matrix turns the four lists into strategies.
* F. R. David, *Strategic Management: Concepts and Cases* (Prentice Hall, e.g. 13th ed. 2011,
  ch. 3 "EFE Matrix", ch. 4 "IFE Matrix", ch. 6 "The Internal-External (IE) Matrix"):
  weights run from 0.0 (not important) to 1.0 and sum to 1.0 within each matrix; every factor gets
  a 1-4 rating; the total weighted score sum(weight x rating) runs from 1.0 to 4.0 with 2.5 as
  the average. The two rating scales differ (:data:`RATING_SCALES`):
  IFE 1 = major weakness, 2 = minor weakness, 3 = minor strength, 4 = major strength (so a
  strength is rated 3 or 4 and a weakness 1 or 2); EFE 1 = the firm's response is poor,
  2 = average, 3 = above average, 4 = superior (any external factor may get any rating).
* H. Weihrich (1982), "The TOWS Matrix - A Tool for Situational Analysis", *Long Range Planning*
  15(2), 54-66: cross the internal lists with the external ones into SO (maxi-maxi), WO
  (mini-maxi), ST (maxi-mini) and WT (mini-mini) strategies.

Items are a tidy table with one row per factor and the columns :data:`ITEM_COLUMNS`
(``factor``, ``kind`` in S/W/O/T, ``weight``, ``rating``) plus an optional ``code`` (S1, O2 ...).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from marketing_kit._validate import (
    check_choice,
    check_dataframe,
    check_number,
    check_numeric_column,
)

ITEM_COLUMNS = ("factor", "kind", "weight", "rating")
KINDS = ("S", "W", "O", "T")
SIDES = {"internal": ("S", "W"), "external": ("O", "T")}
KIND_NAMES = {"S": "strength", "W": "weakness", "O": "opportunity", "T": "threat"}

#: What each rating means (David, ch. 3-4). The IFE scale rates the factor itself; the EFE scale
#: rates how well the firm's current strategies respond to it.
RATING_SCALES = {
    "internal": {1: "major weakness", 2: "minor weakness", 3: "minor strength",
                 4: "major strength"},
    "external": {1: "poor response", 2: "average response", 3: "above-average response",
                 4: "superior response"},
}
#: Allowed IFE ratings per kind: strengths 3-4, weaknesses 1-2 (David, ch. 4).
IFE_RATING_RANGE = {"S": (3.0, 4.0), "W": (1.0, 2.0)}
#: How far the weights of one matrix may miss 1.0 (absorbs float round-off, not sloppy weights).
WEIGHT_TOLERANCE = 1e-3

#: TOWS cells in Weihrich's layout (columns S, W; rows O, T), with his nicknames.
TOWS_STRATEGIES = {
    "SO": "maxi-maxi: use strengths to exploit opportunities",
    "WO": "mini-maxi: overcome weaknesses by exploiting opportunities",
    "ST": "maxi-mini: use strengths to counter threats",
    "WT": "mini-mini: minimise weaknesses and avoid threats",
}

#: IE cells by (internal band, external band); IFE on the x-axis, EFE on the y-axis (David, ch. 6).
IE_BANDS = ("strong", "average", "weak"), ("high", "medium", "low")
IE_CELLS = {
    ("strong", "high"): "I", ("average", "high"): "II", ("weak", "high"): "III",
    ("strong", "medium"): "IV", ("average", "medium"): "V", ("weak", "medium"): "VI",
    ("strong", "low"): "VII", ("average", "low"): "VIII", ("weak", "low"): "IX",
}
IE_POSTURES = {
    "grow and build": ("I", "II", "IV"),
    "hold and maintain": ("III", "V", "VII"),
    "harvest or divest": ("VI", "VIII", "IX"),
}
#: Totals are rounded to this many decimals before banding, so a float sum such as
#: 2.9999999999999996 (ten factors of weight 0.1 rated 3) counts as the 3.0 it means.
IE_ROUNDING = 6


def check_items(items: object, kinds: tuple[str, ...] = KINDS) -> pd.DataFrame:
    """Validate a SWOT item table and return its rows of the given ``kinds`` (index kept).

    ``kind`` must be one of S, W, O, T; ``weight`` in [0, 1]; ``rating`` in [1, 4]; strengths
    must be rated 3-4 and weaknesses 1-2 (David's IFE convention). A factor that is both a
    strength and a weakness is listed twice, once per kind, so (factor, kind) must be unique.
    """
    frame = check_dataframe("items", items, ITEM_COLUMNS)
    _check_kinds(frame)
    if frame["factor"].isna().any() or (frame["factor"].astype(str).str.strip() == "").any():
        raise ValueError("items['factor'] must name every factor (no blank or missing names)")
    check_numeric_column("items", frame, "weight", low=0.0, high=1.0)
    rating = check_numeric_column("items", frame, "rating", low=1.0, high=4.0).to_numpy()
    kind_of = frame["kind"].to_numpy()
    for kind, (low, high) in IFE_RATING_RANGE.items():
        outside = (kind_of == kind) & ~((rating >= low) & (rating <= high))
        if outside.any():
            wrong = frame.loc[outside, "factor"]
            raise ValueError(
                f"items['rating'] of a {KIND_NAMES[kind]} must be in [{low:g}, {high:g}] on the "
                f"IFE scale (1 = major weakness ... 4 = major strength); check {list(wrong)[:3]}"
            )
    if frame.duplicated(["factor", "kind"]).any():
        repeated = list(frame.loc[frame.duplicated(["factor", "kind"]), "factor"])
        raise ValueError(f"items has the same factor twice under one kind: {repeated[:3]}")
    if "code" in frame.columns and frame["code"].duplicated().any():
        repeated = list(frame.loc[frame["code"].duplicated(), "code"])
        raise ValueError(f"items['code'] must be unique; repeated: {repeated}")
    return frame[frame["kind"].isin(kinds)]


def _check_kinds(frame: pd.DataFrame) -> None:
    unknown = sorted({str(k) for k in frame["kind"] if k not in KINDS})
    if unknown:
        raise ValueError(f"items['kind'] must be one of {list(KINDS)}; got unknown {unknown}")


def _side(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The rows of one side of a table already passed through :func:`check_items`."""
    return frame[_side_mask(frame, kind)]


def _side_mask(frame: pd.DataFrame, kind: str) -> np.ndarray:
    """Which rows of a checked table are on one side; that side's weights must sum to 1."""
    check_choice("kind", kind, tuple(SIDES))
    mask = np.isin(frame["kind"].to_numpy(), SIDES[kind])
    if not mask.any():
        raise ValueError(f"items has no {kind} factors (kind {' or '.join(SIDES[kind])})")
    total = float(frame["weight"].to_numpy(dtype=float)[mask].sum())
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise ValueError(
            f"items['weight'] of the {kind} factors ({'+'.join(SIDES[kind])}) must sum to 1 "
            f"(within {WEIGHT_TOLERANCE:g}); they sum to {total:.4f}"
        )
    return mask


def codes(items: pd.DataFrame) -> pd.Series:
    """Short labels S1, S2, W1 ...: the ``code`` column if given, else numbered in row order."""
    frame = check_dataframe("items", items, ("kind",))
    if "code" in frame.columns:
        return frame["code"].astype(str)
    number = frame.groupby("kind", sort=False).cumcount() + 1
    return frame["kind"].astype(str) + number.astype(str)


def evaluation_matrix(items: pd.DataFrame, kind: str = "internal") -> pd.DataFrame:
    """The IFE (``kind="internal"``) or EFE (``"external"``) matrix of David, ch. 3-4.

    One row per factor (strengths before weaknesses, opportunities before threats, as David lists
    them) with ``code``, ``factor``, ``kind``, ``weight``, ``rating``, ``meaning`` (the rating's
    words on that matrix's scale) and ``weighted_score`` = weight x rating.
    """
    return _evaluation_matrix(check_items(items).reset_index(drop=True), kind)


def _evaluation_matrix(items: pd.DataFrame, kind: str) -> pd.DataFrame:
    rows = _side(items, kind)
    order = {k: i for i, k in enumerate(KINDS)}
    table = pd.DataFrame({
        "code": codes(items).loc[rows.index],
        "factor": rows["factor"].astype(str),
        "kind": rows["kind"],
        "weight": rows["weight"].astype(float),
        "rating": rows["rating"].astype(float),
    })
    table = table.iloc[table["kind"].map(order).argsort(kind="stable")].reset_index(drop=True)
    table["meaning"] = [_meaning(r, RATING_SCALES[kind]) for r in table["rating"]]
    table["weighted_score"] = table["weight"] * table["rating"]
    return table


def _meaning(rating: float, scale: dict[int, str]) -> str:
    low, high = math.floor(rating), math.ceil(rating)
    return scale[low] if low == high else f"between {scale[low]} and {scale[high]}"


def weighted_score(items: pd.DataFrame, kind: str = "internal") -> float:
    """Total weighted score sum(weight x rating) of the IFE or EFE matrix (David, ch. 3-4).

    Runs from 1.0 to 4.0; 2.5 is the average. ``kind`` is ``"internal"`` (S and W rows, IFE) or
    ``"external"`` (O and T rows, EFE); the weights of that side must sum to 1 (within the
    tolerance, the total is divided by their sum, so it is exactly a weighted mean).

    >>> items = pd.DataFrame({"factor": ["brand", "cash"], "kind": ["S", "W"],
    ...                       "weight": [0.6, 0.4], "rating": [4, 1]})
    >>> round(weighted_score(items, "internal"), 2)
    2.8
    """
    return _weighted_score(check_items(items).reset_index(drop=True), kind)


def _weighted_score(items: pd.DataFrame, kind: str) -> float:
    # The sum of _evaluation_matrix's weighted_score column, in its row order (strengths before
    # weaknesses, opportunities before threats), without building the table.
    mask = _side_mask(items, kind)
    order = np.argsort([KINDS.index(k) for k in items["kind"].to_numpy()[mask]], kind="stable")
    weight = items["weight"].to_numpy(dtype=float)[mask][order]
    rating = items["rating"].to_numpy(dtype=float)[mask][order]
    # Weights may miss 1 by the allowed tolerance; dividing by their sum keeps the total a
    # weighted mean of 1-4 ratings, so it never leaves [1, 4] (0.999... would fail ie_cell).
    return float((weight * rating).sum() / weight.sum())


def normalise_weights(items: pd.DataFrame, column: str = "importance") -> pd.DataFrame:
    """Turn raw importance points into weights that sum to 1 within each side.

    ``weight`` = points / (sum of points of the same side), internal (S+W) and external (O+T)
    separately, because an IFE and an EFE matrix each need weights summing to 1 (David).
    Returns a copy with the ``weight`` column set.
    """
    frame = check_dataframe("items", items, ("kind", column))
    _check_kinds(frame)
    points = check_numeric_column("items", frame, column, low=0.0)
    side = frame["kind"].map({k: s for s, ks in SIDES.items() for k in ks})
    totals = points.groupby(side).transform("sum")
    empty = sorted(set(side[totals <= 0]))
    if empty:
        raise ValueError(f"items[{column!r}] must sum to more than 0 on each side; 0 on {empty}")
    return frame.assign(weight=points / totals)


def intensity(items: pd.DataFrame) -> pd.Series:
    """How hard each factor pulls, on a 1-4 scale, for ranking TOWS pairs.

    The raw ratings point in different directions: a strength rated 4 is a major strength,
    but a weakness rated 1 is a *major* weakness (IFE scale), and an opportunity or threat rated 1
    is one the firm answers *poorly* (EFE scale), which is where a new strategy has most to add.
    So intensity = rating for S, and 5 - rating for W, O and T. This ranking rule is the kit's
    own (Weihrich 1982 does not quantify the cells).
    """
    return _intensity(check_items(items))


def _intensity(rows: pd.DataFrame) -> pd.Series:
    rating = rows["rating"].astype(float)
    return rating.where(rows["kind"] == "S", 5.0 - rating)


def tows_matrix(items: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Every internal x external pair in Weihrich's (1982) four cells SO, WO, ST, WT, ranked.

    Each factor's salience is weight x :func:`intensity`; a pair's ``priority`` is the product
    of its two saliences, so a pair ranks high only when both factors matter. Rows come cell by
    cell (SO, WO, ST, WT) and by falling priority, with ``rank`` 1 = first within the cell; an
    empty ``idea`` column is left for the strategy the student writes. ``top`` keeps the first
    ``top`` pairs of each cell. Both sides' weights must sum to 1.
    """
    return _tows_matrix(check_items(items).reset_index(drop=True), top)


def _tows_matrix(items: pd.DataFrame, top: int | None) -> pd.DataFrame:
    internal, external = _side_mask(items, "internal"), _side_mask(items, "external")
    if top is not None:
        top = check_number("top", top, low=1, integer=True)
    kind = items["kind"].to_numpy()
    rating = items["rating"].to_numpy(dtype=float)
    salience = items["weight"].to_numpy(dtype=float) * np.where(kind == "S", rating, 5.0 - rating)
    inner, outer, cell = [], [], []  # every pair, cell by cell, internal factor by factor
    for number, strategy in enumerate(TOWS_STRATEGIES):
        rows = np.flatnonzero(internal & (kind == strategy[0]))
        columns = np.flatnonzero(external & (kind == strategy[1]))
        inner.append(np.repeat(rows, len(columns)))
        outer.append(np.tile(columns, len(rows)))
        cell.append(np.full(len(rows) * len(columns), number))
    i, o, cell = np.concatenate(inner), np.concatenate(outer), np.concatenate(cell)
    priority = salience[i] * salience[o]
    order = np.lexsort((-priority, cell))  # stable: equal priorities keep the pair order
    i, o, cell, priority = i[order], o[order], cell[order], priority[order]
    rank = np.arange(len(cell)) - np.searchsorted(cell, cell) + 1
    keep = slice(None) if top is None else rank <= top
    label = codes(items).to_numpy()
    factor = items["factor"].astype(str).to_numpy()
    return pd.DataFrame({
        "strategy": np.array(list(TOWS_STRATEGIES), dtype=object)[cell[keep]],
        "internal_code": label[i[keep]], "internal": factor[i[keep]],
        "external_code": label[o[keep]], "external": factor[o[keep]],
        "internal_salience": salience[i[keep]], "external_salience": salience[o[keep]],
        "priority": priority[keep], "rank": rank[keep], "idea": "",
    })


def swot_lists(items: pd.DataFrame) -> dict[str, list[str]]:
    """The four SWOT lists for a 2 x 2 board: kind -> factors, heaviest weight first."""
    return _swot_lists(check_items(items))


def _swot_lists(rows: pd.DataFrame) -> dict[str, list[str]]:
    kind = rows["kind"].to_numpy()
    weight = rows["weight"].to_numpy(dtype=float)
    factor = rows["factor"].astype(str).to_numpy()
    board = {}
    for name in KINDS:
        part = np.flatnonzero(kind == name)
        # stable on -weight: heaviest first, equal weights in row order
        board[name] = factor[part[np.argsort(-weight[part], kind="stable")]].tolist()
    return board


def analysis(items: pd.DataFrame, top: int | None = None) -> dict[str, object]:
    """Validate ``items`` once and return :func:`ie_position`'s keys plus ``tows``
    (:func:`tows_matrix` with ``top``) and ``lists`` (:func:`swot_lists`): what one change of a
    SWOT explorer needs."""
    frame = check_items(items).reset_index(drop=True)
    return {**_ie_position(frame), "tows": _tows_matrix(frame, top), "lists": _swot_lists(frame)}


def ie_band(total: float, kind: str = "internal") -> str:
    """Band of an IFE total (weak/average/strong) or EFE total (low/medium/high), David ch. 6.

    David's bands are 1.0-1.99, 2.0-2.99 and 3.0-4.0. Read as half-open intervals
    [1, 2), [2, 3), [3, 4] they cover every total exactly once: a total of exactly 2.0 is
    average/medium and exactly 3.0 is strong/high. Totals are first rounded to
    :data:`IE_ROUNDING` decimals so float round-off cannot move a 3.0 down a band.
    """
    check_choice("kind", kind, tuple(SIDES))
    name = "ife_total" if kind == "internal" else "efe_total"
    # Round first, so float round-off (0.9999999999999999) neither fails the range check
    # nor moves a total across a band boundary.
    value = round(check_number(name, total), IE_ROUNDING)
    check_number(name, value, low=1.0, high=4.0)
    bands = IE_BANDS[0] if kind == "internal" else IE_BANDS[1]
    if value >= 3.0:
        return bands[0]
    if value >= 2.0:
        return bands[1]
    return bands[2]


def ie_cell(ife_total: float, efe_total: float) -> str:
    """IE-matrix cell (Roman numeral I-IX) for an IFE total (x-axis) and an EFE total (y-axis).

    Cells are numbered row by row from the top left: high EFE gives I (strong IFE), II
    (average), III (weak); medium EFE gives IV, V, VI; low EFE gives VII, VIII, IX
    (David, ch. 6). Boundary values follow :func:`ie_band`.

    >>> ie_cell(3.0, 2.0), ie_cell(2.99, 2.99), ie_cell(1.0, 4.0)
    ('IV', 'V', 'III')
    """
    internal = ie_band(ife_total, "internal")
    external = ie_band(efe_total, "external")
    return IE_CELLS[(internal, external)]


def ie_posture(cell: str) -> str:
    """Strategy posture of an IE cell: I, II, IV grow and build; III, V, VII hold and maintain;
    VI, VIII, IX harvest or divest (David, ch. 6)."""
    check_choice("cell", cell, tuple(IE_CELLS.values()))
    return next(posture for posture, cells in IE_POSTURES.items() if cell in cells)


def ie_position(items: pd.DataFrame) -> dict[str, object]:
    """IFE and EFE totals of ``items`` with their bands, IE cell and posture, in one dict."""
    return _ie_position(check_items(items).reset_index(drop=True))


def _ie_position(items: pd.DataFrame) -> dict[str, object]:
    ife, efe = _weighted_score(items, "internal"), _weighted_score(items, "external")
    cell = ie_cell(ife, efe)
    return {"ife_total": ife, "efe_total": efe, "internal": ie_band(ife, "internal"),
            "external": ie_band(efe, "external"), "cell": cell, "posture": ie_posture(cell)}


def rating_sensitivity(items: pd.DataFrame) -> pd.DataFrame:
    """The IE cell after moving one factor's rating one step down or up, for every factor.

    Weights and ratings are judgements, not measurements: if a single one-step change of one
    rating (within the allowed range: strengths 3-4, weaknesses 1-2, O/T 1-4) moves the firm to
    another IE cell, the posture is fragile and should be argued, not read off. Returns one row
    per factor (``code`` if present) with ``rating``, ``cell_down`` and ``cell_up`` (empty when
    the step leaves the allowed range) and ``moves``: whether either step changes the cell.
    """
    frame = check_items(items).reset_index(drop=True)
    labels = codes(frame)
    base = _ie_position(frame)["cell"]
    rows = []
    for pos in range(len(frame)):
        kind, rating = frame["kind"].iloc[pos], float(frame["rating"].iloc[pos])
        low, high = IFE_RATING_RANGE.get(kind, (1.0, 4.0))
        cells = {}
        for name, step in (("cell_down", -1.0), ("cell_up", 1.0)):
            new = rating + step
            if low <= new <= high:
                changed = frame.copy()
                changed.iloc[pos, changed.columns.get_loc("rating")] = new
                cells[name] = _ie_position(changed)["cell"]
            else:
                cells[name] = ""
        moves = any(c not in ("", base) for c in cells.values())
        rows.append({"code": labels.iloc[pos], "kind": kind, "rating": rating, **cells,
                     "moves": moves})
    return pd.DataFrame(rows).set_index("code")
