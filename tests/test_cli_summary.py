"""Fast unit tests of the grade command's pieces: summary table, progress bar, error reasons."""

from __future__ import annotations

import io

import pytest

from marketing_kit.course.grading import Outcome, _tail, grade_class, summarise, summary_table
from marketing_kit.course.progress import ProgressBar

OUTCOMES = [
    Outcome("a", True, 11.0, 11.0, 2.0),
    Outcome("b", True, 4.0, 11.0, 2.5),
    Outcome("c", True, 7.0, 11.0, 2.1),
    Outcome("d", False, None, None, 0.1, "NotJSONError: Notebook does not appear to be JSON"),
]


def test_summary_counts_mean_median_and_failures():
    summary = summarise(OUTCOMES, seconds=12.5)
    assert (summary.count, summary.graded, summary.failed) == (4, 3, 1)
    assert summary.mean == pytest.approx(22 / 3)
    assert summary.median == 7.0
    assert summary.max_score == 11.0
    table = summary_table(summary, OUTCOMES)
    assert "submissions  4" in table and "failed       1" in table
    assert "mean         7.33 / 11" in table and "median       7 / 11" in table
    assert "  d: NotJSONError" in table


def test_summary_of_nothing_graded_has_no_mean():
    summary = summarise(OUTCOMES[3:])
    assert summary.mean is None and summary.median is None
    assert "mean         - / -" in summary_table(summary, OUTCOMES[3:])


def test_error_reason_is_the_root_cause_not_nbgraders_wrapper():
    log = ("[ERROR] Traceback (most recent call last):\n"
           "    nbclient.exceptions.DeadKernelError: Kernel died\n"
           "nbgrader.converters.base.NbGraderException: Please see the above traceback\n")
    assert _tail({"log": log}) == "DeadKernelError: Kernel died"
    assert _tail({"log": "something odd happened\n"}) == "something odd happened"
    assert _tail({}) == "unknown error"


def test_progress_bar_writes_one_line_per_step_off_a_terminal():
    stream = io.StringIO()
    bar = ProgressBar(3, "grading x", stream=stream, width=6)
    for note in ("a 1/1", "b 0/1", "c FAILED"):
        bar.step(note)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("grading x [##----] 1/3")
    assert lines[-1].startswith("grading x [######] 3/3") and lines[-1].endswith("c FAILED")


@pytest.mark.parametrize(("workers", "error"), [(0, ValueError), (1.5, ValueError),
                                                ("2", TypeError)])
def test_workers_must_be_a_positive_whole_number(tmp_path, workers, error):
    with pytest.raises(error, match="workers"):
        grade_class(tmp_path, "any", students=["s"], workers=workers)
