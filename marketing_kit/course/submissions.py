"""Build student submissions from an assignment's release and source notebooks.

Used by the grading tests (the "typical mistakes" fixture) and by synthetic classes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import nbformat

SOLUTION_REGION = re.compile(r"[ \t]*### BEGIN SOLUTION\n(.*?)[ \t]*### END SOLUTION\n?", re.S)
HIDDEN_REGION = re.compile(
    r"[ \t]*### BEGIN HIDDEN TESTS\n(.*?)[ \t]*### END HIDDEN TESTS\n?", re.S
)


def grade_id(cell: nbformat.NotebookNode) -> str | None:
    """The nbgrader ``grade_id`` of ``cell``, or ``None`` for an ordinary cell."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_answer(cell: nbformat.NotebookNode) -> bool:
    """True for a cell the student writes in (nbgrader ``solution`` cell)."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def solution_text(source: str) -> str:
    """``source`` without the solution markers, the solution kept, as a student would type it."""
    return SOLUTION_REGION.sub(lambda m: m.group(1), source)


def regions(source: str) -> list[str]:
    """The texts inside solution and hidden-test regions of ``source``."""
    return [
        m.group(1) for pattern in (SOLUTION_REGION, HIDDEN_REGION) for m in pattern.finditer(source)
    ]


def fill_answers(
    release: nbformat.NotebookNode,
    source: nbformat.NotebookNode,
    overrides: Mapping[str, str] | None = None,
    blank: frozenset[str] | set[str] = frozenset(),
) -> nbformat.NotebookNode:
    """A submission: the release with every answer cell filled from ``source``.

    ``overrides`` maps a grade_id to the text the student typed instead (a mistake);
    grade_ids in ``blank`` keep the release stub. Unknown grade_ids raise ``ValueError``.
    """
    overrides = dict(overrides or {})
    answers = {grade_id(c): solution_text(c.source) for c in source.cells if is_answer(c)}
    unknown = (set(overrides) | set(blank)) - set(answers)
    if unknown:
        raise ValueError(f"unknown answer grade_id(s) {sorted(unknown)}; known: {sorted(answers)}")
    submission = nbformat.from_dict(release)
    for cell in submission.cells:
        key = grade_id(cell)
        if not is_answer(cell) or key in blank:
            continue
        cell.source = overrides.get(key, answers[key])
    return submission


def write_submission(
    course_root: str | Path,
    assignment: str,
    student: str,
    notebooks: Mapping[str, nbformat.NotebookNode],
) -> Path:
    """Place ``notebooks`` (file name -> notebook) in ``submitted/<student>/<assignment>/``."""
    folder = Path(course_root) / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    for name, notebook in notebooks.items():
        nbformat.write(notebook, folder / name)
    return folder
