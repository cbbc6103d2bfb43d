"""Item analysis (``marketing-kit report``): hand-computed difficulty and Kelley's upper-lower
discrimination, the corrected point-biserial against scipy, flags, validation and the plots."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from marketing_kit.course.item_analysis import item_analysis, plot_items, plot_scores

# 10 students, items A (1 pt), B (2 pts), C (1 pt). Totals: 4 4 3 2 2 2 2 1 1 0, so the upper
# 27 % (round(2.7) = 3 students) is s0 s1 s2 and the lower is s7 s8 s9, with no tie at a border.
POINTS = pd.DataFrame(
    {"A": [1, 1, 1, 1, 0, 1, 0, 1, 0, 0],
     "B": [2, 2, 2, 1, 2, 0, 1, 0, 0, 0],
     "C": [1, 1, 0, 0, 0, 1, 1, 0, 1, 0]},
    index=[f"s{i}" for i in range(10)], dtype=float,
)
WORTH = pd.Series({"A": 1.0, "B": 2.0, "C": 1.0})


@pytest.fixture
def table():
    return item_analysis(POINTS, WORTH).set_index("grade_id")


def test_difficulty_and_full_marks_by_hand(table):
    assert table.loc["A", "difficulty"] == pytest.approx(0.6)
    assert table.loc["B", "difficulty"] == pytest.approx(10 / 20)
    assert table.loc["C", "difficulty"] == pytest.approx(0.5)
    assert table.loc["B", "full_marks_share"] == pytest.approx(0.4)
    assert table.loc["B", "mean_score"] == pytest.approx(1.0)
    assert table.loc["A", "zero_share"] == pytest.approx(0.4)


def test_upper_lower_discrimination_by_hand(table):
    # upper s0 s1 s2, lower s7 s8 s9 (Kelley 1939, 27 % groups)
    assert table.loc["A", "discrimination"] == pytest.approx(1 - 1 / 3)
    assert table.loc["B", "discrimination"] == pytest.approx(1.0)
    assert table.loc["C", "discrimination"] == pytest.approx(2 / 3 - 1 / 3)


def test_point_biserial_is_the_corrected_item_total_correlation(table):
    total = POINTS.sum(axis=1)
    for item in ("A", "C"):  # 0/1 items: scipy's point-biserial on the rest score
        expected = stats.pointbiserialr(POINTS[item], total - POINTS[item]).statistic
        assert table.loc[item, "point_biserial"] == pytest.approx(expected)
        uncorrected = np.corrcoef(POINTS[item], total)[0, 1]
        assert table.loc[item, "point_biserial"] < uncorrected  # the item no longer counts itself
    share_b = POINTS["B"] / 2
    assert table.loc["B", "point_biserial"] == pytest.approx(
        np.corrcoef(share_b, total - POINTS["B"])[0, 1])


def test_flags_for_items_nobody_or_everybody_gets():
    points = POINTS.assign(easy=1.0, hard=0.0, odd=[0, 0, 0, 0, 0, 0, 0, 1, 1, 1.0])
    worth = pd.concat([WORTH, pd.Series({"easy": 1.0, "hard": 3.0, "odd": 1.0})])
    table = item_analysis(points, worth).set_index("grade_id")
    assert table.loc["easy", "flags"] == "everybody"
    assert table.loc["hard", "flags"] == "nobody; no variance"
    assert table.loc["odd", "flags"] == "negative discrimination"
    assert table.loc["odd", "discrimination"] < 0
    assert table.loc["easy", "point_biserial"] is None or math.isnan(
        table.loc["easy", "point_biserial"])
    assert table.loc["A", "flags"] == ""


def test_weak_discrimination_flag():
    points = pd.DataFrame({"x": [1, 0, 1, 0, 1, 0.0], "y": [10, 8, 6, 4, 2, 0.0]})
    table = item_analysis(points, pd.Series({"x": 1.0, "y": 10.0})).set_index("grade_id")
    # totals 11 8 7 4 3 0: upper = rows 0,1 (x mean 0.5), lower = rows 4,5 (x mean 0.5): D = 0
    assert table.loc["x", "discrimination"] == pytest.approx(0.0)
    assert table.loc["x", "flags"] == "weak discrimination"


@pytest.mark.parametrize(
    ("points", "worth", "kwargs", "error", "match"),
    [
        (POINTS.iloc[:1], WORTH, {}, ValueError, "at least 2 students"),
        (POINTS, WORTH.drop("C"), {}, ValueError, r"lacks the item\(s\) \['C'\]"),
        (POINTS.assign(A=2.0), WORTH, {}, ValueError, r"\[0, max_points\]"),
        (POINTS.assign(A=np.nan), WORTH, {}, ValueError, "NaN"),
        (POINTS, WORTH.replace(2.0, 0.0), {}, ValueError, "max_points must be > 0"),
        (POINTS, WORTH, {"group_share": 0.6}, ValueError, r"group_share must be in \(0, 0.5\]"),
        (POINTS.to_numpy(), WORTH, {}, TypeError, "points must be a pandas DataFrame"),
        (POINTS, [1, 2, 1], {}, TypeError, "max_points must be a pandas Series"),
    ],
)
def test_bad_input_is_rejected(points, worth, kwargs, error, match):
    with pytest.raises(error, match=match):
        item_analysis(points, worth, **kwargs)


def test_plots_have_one_marker_per_item_and_a_key(table, tmp_path):
    full = item_analysis(POINTS, WORTH)
    fig = plot_items(full, "demo")
    ax, key = fig.axes
    assert len(ax.collections) == len(full)
    assert all(f"{i}  {name}" in key.texts[0].get_text()
               for i, name in enumerate(full["grade_id"], start=1))
    fig.savefig(tmp_path / "items.png")
    hist = plot_scores(POINTS.sum(axis=1), float(WORTH.sum()))
    assert sum(p.get_height() for p in hist.axes[0].patches) == len(POINTS)
    assert (tmp_path / "items.png").stat().st_size > 10_000


def test_score_histogram_says_which_cells_it_counts():
    hist = plot_scores(POINTS.sum(axis=1), float(WORTH.sum()), what="autograded + hand-graded")
    assert hist.axes[0].get_xlabel() == "total score, autograded + hand-graded (out of 4)"


def test_blank_means_every_answer_is_still_the_release_stub(tmp_path):
    import shutil

    import nbformat

    from marketing_kit.course.item_analysis import _is_blank
    from marketing_kit.course.nbgrader_api import REPO_ROOT, assignments
    from marketing_kit.course.submissions import fill_answers
    from marketing_kit.course.synthetic_class import read_assignment

    assignment = "08-social-roi" if "08-social-roi" in assignments() else assignments()[0]
    release, source = read_assignment(REPO_ROOT, assignment)
    shutil.copytree(REPO_ROOT / "notebooks" / assignment, tmp_path / "notebooks" / assignment)
    for student, filled in (("blank", False), ("worked", True)):
        folder = tmp_path / "autograded" / student / assignment
        folder.mkdir(parents=True)
        for name in release:
            nb = fill_answers(release[name], source[name]) if filled else release[name]
            nbformat.write(nb, folder / name)
    assert _is_blank(tmp_path, assignment, "blank")
    assert not _is_blank(tmp_path, assignment, "worked")
    assert not _is_blank(tmp_path, assignment, "nobody")  # no graded copy: not blank
