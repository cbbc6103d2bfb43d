"""Item analysis of an autograded assignment: which exercises did the class get wrong?

Classical test theory, per graded cell (``grade_id``), on the share of the cell's points each
student earned:

- **difficulty** ``p``: the mean share earned (the classical "item difficulty index", higher is
  easier), and the share of students with full marks;
- **discrimination** ``D = p_upper - p_lower``: the mean share earned by the top 27 % of the
  class by total score minus that of the bottom 27 % (Kelley, T. L. 1939, "The selection of
  upper and lower groups for the validation of test items", *J. Educ. Psychol.* 30(1), 17-24);
  Ebel & Frisbie (1991, *Essentials of Educational Measurement*, 5th ed.) read D >= 0.40 as very
  good, 0.30-0.39 reasonably good, 0.20-0.29 marginal and below 0.20 as poor;
- **point-biserial** ``r_pb``: the correlation of the item with the *rest* of the test (total
  minus the item), the corrected item-total correlation (Crocker & Algina 1986, *Introduction to
  Classical and Modern Test Theory*, ch. 14); for a 0/1 item it equals
  :func:`scipy.stats.pointbiserialr`.

Flags: ``nobody`` (no student got full marks), ``everybody`` (every student did),
``negative discrimination`` (D < 0: weaker students did better) and ``weak discrimination``
(0 <= D < 0.20). A statistic that is undefined (an item everybody or nobody gets has no variance,
so no correlation) is left empty and the flag says why.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from marketing_kit._validate import check_number

UPPER_LOWER_SHARE = 0.27
WEAK_DISCRIMINATION = 0.20
COLUMNS = ["grade_id", "cell_type", "points", "n", "mean_score", "difficulty",
           "full_marks_share", "zero_share", "discrimination", "point_biserial", "flags"]


def score_matrix(root: str | Path, assignment: str, exclude_blank: bool = False
                 ) -> tuple[pd.DataFrame, pd.Series, list[str]]:
    """Points per student (rows) and graded cell (columns) of ``assignment`` from the gradebook.

    Returns ``(points, max_points, excluded)``. Autograded cells are always included; manually
    graded cells only once every submission has been graded by hand. Submissions whose
    autograding failed (no autograded score at all) are left out and listed in ``excluded``;
    so are blank submissions (every answer cell still the release stub) when
    ``exclude_blank`` is set.
    """
    from nbgrader.api import Gradebook

    from marketing_kit.course.nbgrader_api import db_url

    rows, maxima, excluded, pending = {}, {}, [], set()
    with Gradebook(db_url(root)) as gradebook:
        assignment_row = gradebook.find_assignment(assignment)
        for submission in assignment_row.submissions:
            grades = [g for nb in submission.notebooks for g in nb.grades]
            code = [g for g in grades if g.cell.cell_type == "code"]
            if not code or all(g.auto_score is None for g in code):
                excluded.append(submission.student.id)
                continue
            if exclude_blank and _is_blank(Path(root), assignment, submission.student.id):
                excluded.append(submission.student.id)
                continue
            row = {}
            for grade in grades:
                maxima[grade.name] = (float(grade.max_score), grade.cell.cell_type)
                if grade.cell.cell_type == "code":
                    row[grade.name] = float(grade.auto_score or 0.0)
                elif grade.manual_score is None and grade.auto_score is None:
                    pending.add(grade.name)
                else:
                    row[grade.name] = float(grade.score)
            rows[submission.student.id] = row
    keep = [name for name in maxima if name not in pending]
    points = pd.DataFrame.from_dict(rows, orient="index", columns=keep).sort_index()
    points.index.name = "student"
    max_points = pd.Series({k: maxima[k][0] for k in keep}, name="points")
    kinds = pd.Series({k: maxima[k][1] for k in keep}, name="cell_type")
    points.attrs["cell_type"] = kinds.to_dict()
    return points, max_points, sorted(excluded)


def _answers(folder: Path) -> dict[str, str]:
    import nbformat

    out = {}
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution"):
                out[meta["grade_id"]] = cell.source.strip()
    return out


def _is_blank(root: Path, assignment: str, student: str) -> bool:
    """True when every answer cell of the graded submission is still the release stub."""
    try:
        graded = _answers(root / "autograded" / student / assignment)
    except Exception:  # an unreadable copy is not a blank one
        return False
    stubs = _answers(root / "notebooks" / assignment)
    return bool(graded) and all(graded.get(k) == v for k, v in stubs.items())


def item_analysis(points: pd.DataFrame, max_points: pd.Series,
                  group_share: float = UPPER_LOWER_SHARE) -> pd.DataFrame:
    """Difficulty, discrimination (upper-lower and point-biserial) and flags per item.

    ``points``: one row per student, one column per item (points earned); ``max_points``: the
    points each item is worth. ``group_share`` is the size of the upper and lower groups
    (Kelley's 27 % by default).
    """
    if not isinstance(points, pd.DataFrame):
        raise TypeError(f"points must be a pandas DataFrame, got {type(points).__name__}")
    if not isinstance(max_points, pd.Series):
        raise TypeError(f"max_points must be a pandas Series, got {type(max_points).__name__}")
    group_share = check_number("group_share", group_share, low=0, high=0.5, low_open=True)
    if len(points) < 2:
        raise ValueError(f"points must hold at least 2 students, got {len(points)}")
    if points.shape[1] == 0:
        raise ValueError("points must hold at least one item column")
    missing = [c for c in points.columns if c not in max_points.index]
    if missing:
        raise ValueError(f"max_points lacks the item(s) {missing}")
    if points.isna().any().any():
        raise ValueError("points must not contain missing values (NaN)")
    worth = max_points[points.columns].astype(float)
    if (worth <= 0).any():
        raise ValueError(f"max_points must be > 0, got {worth[worth <= 0].to_dict()}")
    if ((points < 0) | (points > worth)).any().any():
        raise ValueError("points must lie in [0, max_points] for every item")

    share = points / worth
    total = points.sum(axis=1)
    order = total.sort_values(ascending=False, kind="mergesort").index
    size = max(1, int(round(group_share * len(points))))
    upper, lower = share.loc[order[:size]], share.loc[order[-size:]]
    kinds = points.attrs.get("cell_type", {})
    records = []
    for item in points.columns:
        column, full = share[item], np.isclose(points[item], worth[item])
        rest = total - points[item]
        defined = column.std() > 0 and rest.std() > 0
        r_pb = float(stats.pearsonr(column, rest).statistic) if defined else None
        d = float(upper[item].mean() - lower[item].mean())
        records.append({
            "grade_id": item,
            "cell_type": kinds.get(item, "code"),
            "points": float(worth[item]),
            "n": int(len(column)),
            "mean_score": float(points[item].mean()),
            "difficulty": float(column.mean()),
            "full_marks_share": float(full.mean()),
            "zero_share": float((points[item] == 0).mean()),
            "discrimination": d,
            "point_biserial": r_pb,
            "flags": "; ".join(_flags(float(full.mean()), d, r_pb)),
        })
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def _flags(full_share: float, d: float, r_pb: float | None) -> list[str]:
    if full_share == 0:
        return ["nobody"] + ([] if r_pb is not None else ["no variance"])
    if full_share == 1:
        return ["everybody"]
    if d < 0:
        return ["negative discrimination"]
    if d < WEAK_DISCRIMINATION:
        return ["weak discrimination"]
    return []


def plot_items(table: pd.DataFrame, title: str = "") -> Figure:
    """Difficulty (x) against upper-lower discrimination (y); points are numbered, with a key.

    Points closer than a few hundredths share one label ("1,3,5"); the key beside the plot maps
    each number to its grade_id, so long names never overlap.
    """
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(9.5, 5.5), layout="constrained")
    ax, key = fig.subplots(1, 2, width_ratios=[3, 1])
    ax.axhspan(-1.1, 0, color="#f4cccc", zorder=0)
    ax.axhspan(0, WEAK_DISCRIMINATION, color="#fff2cc", zorder=0)
    ax.axhline(0, color="0.4", lw=0.8)
    colours = {"": "#1f77b4", "nobody": "#d62728", "everybody": "#2ca02c"}
    groups: list[tuple[float, float, list[int]]] = []  # nearby points share one label
    lines = []
    for number, (_, row) in enumerate(table.iterrows(), start=1):
        first = row["flags"].split(";")[0]
        colour = colours[first if first in ("nobody", "everybody") else ""]
        x, y = float(row["difficulty"]), float(row["discrimination"])
        ax.scatter(x, y, s=40 + 30 * row["points"], color=colour, edgecolor="black", zorder=3,
                   alpha=0.85)
        near = next((g for g in groups if abs(g[0] - x) < 0.06 and abs(g[1] - y) < 0.08), None)
        if near is None:
            groups.append((x, y, [number]))
        else:
            near[2].append(number)
        lines.append(f"{number:>2}  {row['grade_id'].removesuffix('_tests')}")
    for x, y, numbers in groups:
        right = x < 0.75
        ax.annotate(",".join(map(str, numbers)), (x, y), xytext=(9 if right else -9, 7),
                    textcoords="offset points", fontsize=8, ha="left" if right else "right",
                    zorder=4, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "0.6",
                                    "alpha": 0.9})
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-1.1, 1.15)
    ax.set_xlabel("difficulty p (mean share of the points earned; higher = easier)")
    ax.set_ylabel("discrimination D (upper 27% - lower 27%)")
    ax.set_title(title or "Item analysis", loc="left")
    ax.text(0.01, 0.1, "weak (D < 0.2)", transform=ax.get_yaxis_transform(), fontsize=8,
            color="0.35", va="center")
    ax.text(0.01, -0.55, "negative: weaker students did better",
            transform=ax.get_yaxis_transform(), fontsize=8, color="0.35")
    handles = [Line2D([], [], marker="o", ls="", color=c, markeredgecolor="black", label=lab)
               for lab, c in (("nobody gets full marks", colours["nobody"]),
                              ("everybody gets full marks", colours["everybody"]),
                              ("others", colours[""]))]
    ax.legend(handles=handles, loc="lower right", fontsize=8,
              title="marker size = points", title_fontsize=8)
    key.axis("off")
    key.set_title("items", loc="left", fontsize=10)
    key.text(0, 1, "\n".join(lines), va="top", ha="left", family="monospace",
             fontsize=8 if len(lines) <= 30 else 6, transform=key.transAxes)
    return fig


def plot_scores(totals: pd.Series, maximum: float, title: str = "",
                what: str = "autograded") -> Figure:
    """Histogram of the students' total scores over the analysed cells (``what`` says which)."""
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.add_subplot()
    bins = np.linspace(0, maximum, min(int(maximum), 20) + 1) if maximum >= 1 else 10
    ax.hist(totals, bins=bins, color="#1f77b4", edgecolor="white")
    ax.axvline(totals.mean(), color="#d62728", ls="--", label=f"mean {totals.mean():.1f}")
    ax.axvline(totals.median(), color="black", ls=":", label=f"median {totals.median():.1f}")
    ax.set_xlim(0, maximum)
    ax.set_xlabel(f"total score, {what} (out of {maximum:g})")
    ax.set_ylabel("students")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(title or "Score distribution")
    ax.legend()
    return fig


#: Below this many students the indices say little. Kelley's upper and lower groups hold
#: round(0.27 n) students each: at n = 5 that is one student per group, so D is the difference
#: between two students' shares (0, 1 or -1 for a one-point item). 30 is a rule of thumb (the
#: instructor trial's suggestion), not a published cut-off.
MIN_STUDENTS = 30


def write_report(root: str | Path, assignment: str, out_dir: str | Path,
                 exclude_blank: bool = False, warnings: list[str] | None = None
                 ) -> dict[str, Path]:
    """Item analysis of ``assignment`` as ``items.csv``, ``items.png`` and ``scores.png``.

    Both plots and the CSV cover the same cells (hand-graded ones once all are marked).
    Notes for the reader (a small class, submissions left out) are appended to ``warnings``.
    """
    points, max_points, excluded = score_matrix(root, assignment, exclude_blank)
    if len(points) < 2:
        raise ValueError(f"{assignment}: item analysis needs at least 2 graded submissions, "
                         f"found {len(points)} (excluded: {excluded})")
    table = item_analysis(points, max_points)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"items": out / "items.csv", "items_png": out / "items.png",
             "scores_png": out / "scores.png"}
    table.to_csv(paths["items"], index=False, float_format="%.4g")
    kinds = points.attrs["cell_type"]
    manual = [c for c in points.columns if kinds.get(c) != "code"]
    what = "autograded + hand-graded" if manual else "autograded only"
    small = len(points) < MIN_STUDENTS
    title = f"{assignment}: {len(points)} graded submissions" + (
        f" (under {MIN_STUDENTS}: read the indices with care)" if small else "")
    plot_items(table, title).savefig(paths["items_png"], dpi=110)
    plot_scores(points.sum(axis=1), float(max_points[points.columns].sum()), title,
                what).savefig(paths["scores_png"], dpi=110)
    notes = []
    if small:
        notes.append(f"only {len(points)} graded submissions (fewer than {MIN_STUDENTS}): "
                     "difficulty and discrimination move in big steps at this size and say "
                     "little about the exercises")
    if excluded:
        notes.append(f"left out: {', '.join(excluded)} (failed" +
                     (" or blank)" if exclude_blank else ")"))
    if warnings is not None:
        warnings.extend(notes)
    return paths
