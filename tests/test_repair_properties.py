"""Property tests: damaged metadata never costs a right answer its points (issue 25).

For every assignment, hypothesis draws sequences of the damage kinds of
``tests/repair_damage.py`` (metadata, cell ids and types, splits, merges, deleted prompts and
tests, notebook-level fields, nbformat versions; never an answer's code).

* ``test_repair_leaves_a_consistent_notebook`` (fast, no kernel, many examples): after the
  repair the stock sanitize preprocessors change nothing and do not crash, every gradebook
  cell is there exactly once with the gradebook's type and metadata, and every test holds the
  instructor's source.
* ``test_damaged_submissions_grade_like_the_solution`` (slow): one batch per assignment, graded
  with :func:`marketing_kit.course.grading.grade_class` through the course config: the
  undamaged solution, two damaged solutions and one damaged blank release. Each kind occurs
  at least once per batch (a drawn permutation of all kinds is dealt out, then more random
  damage is added). Every damaged solution must get a grade row with exactly the undamaged
  solution's score, the damaged blank 0. A truncated (not JSON) file in the same batch is
  reported with its reason and the others are still graded.
"""

from __future__ import annotations

import json

import nbformat
import pytest
import repair_damage as rd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from nbgrader.api import Gradebook

from marketing_kit.course.grading import grade_class
from marketing_kit.course.nbgrader_api import (
    copy_course,
    db_url,
    english_assignments,
    load_api,
)
from marketing_kit.course.repair import known_cells
from marketing_kit.course.submissions import fill_answers, grade_id

pytestmark = pytest.mark.grading

# English assignments only: a Korean twin runs the same code (only its strings differ, as
# tests/test_i18n.py proves), so this battery need not grade it a second time.

#: Damaged solutions and blanks per assignment batch; damages per submission.
SOLUTIONS, BLANKS, DAMAGES = 2, 1, 4
#: Generous for a shared, loaded 2-core machine: nbgrader's Execute raises on a 4 s IOPub wait.
OVERRIDES = {"Execute.iopub_timeout": 60}

PLAN = st.lists(st.tuples(st.sampled_from(rd.KINDS), st.integers(0, 2**16)),
                min_size=1, max_size=DAMAGES)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course copy; each assignment is generated the first time a test asks for it."""
    root = copy_course(tmp_path_factory.mktemp("repair-properties"))
    return {"root": root, "books": {}}


def book_of(course, assignment) -> dict:
    books, root = course["books"], course["root"]
    if assignment not in books:
        api = load_api(root, **{"CourseDirectory.db_url": db_url(root)})
        result = api.generate_assignment(assignment, force=True)
        assert result["success"], result.get("log")
        name = f"{assignment}.ipynb"
        release = nbformat.read(root / "notebooks" / assignment / name, as_version=4)
        source = nbformat.read(root / "solutions" / assignment / name, as_version=4)
        with Gradebook(db_url(root)) as gradebook:
            known = known_cells(gradebook, assignment, assignment,
                                order=[grade_id(c) for c in source.cells if grade_id(c)])
        books[assignment] = {"release": release, "solution": fill_answers(release, source),
                             "known": known, "name": name}
    return books[assignment]


@pytest.mark.parametrize("assignment", english_assignments())
@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=PLAN, blank=st.booleans())
def test_repair_leaves_a_consistent_notebook(course, assignment, plan, blank):
    book = book_of(course, assignment)
    data = rd.damaged(book["release"] if blank else book["solution"], plan)
    nb = rd.sanitize(course["root"], assignment, data)
    graded = [c for c in nb.cells if "nbgrader" in c.metadata]
    assert [grade_id(c) for c in graded] == [k.name for k in book["known"]]
    for cell, known in zip(graded, book["known"], strict=True):
        assert cell.cell_type == known.cell_type
        assert dict(cell.metadata.nbgrader) == known.metadata()
        if known.restored:
            assert cell.source == known.source


def _batch(book, kinds, extra):
    """Submissions of one batch: student -> notebook JSON (each kind used at least once)."""
    deal = [(kind, seed) for seed, kind in enumerate(kinds)]
    subs = {"solution": json.loads(json.dumps(book["solution"]))}
    for n in range(SOLUTIONS + BLANKS):
        plan = deal[n::SOLUTIONS + BLANKS] + extra[n]
        base = book["solution"] if n < SOLUTIONS else book["release"]
        subs[f"{'damaged' if n < SOLUTIONS else 'blank'}-{n}"] = rd.damaged(base, plan)
    return subs


@pytest.mark.parametrize("assignment", english_assignments())
@settings(max_examples=1, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kinds=st.permutations(rd.KINDS),
       extra=st.lists(PLAN, min_size=SOLUTIONS + BLANKS, max_size=SOLUTIONS + BLANKS))
def test_damaged_submissions_grade_like_the_solution(course, assignment, kinds, extra):
    book, root = book_of(course, assignment), course["root"]
    subs = _batch(book, kinds, extra)
    for student, data in subs.items():
        rd.write_raw(root / "submitted" / student / assignment, book["name"], data)
    garbage = root / "submitted" / "garbage" / assignment / book["name"]
    garbage.parent.mkdir(parents=True, exist_ok=True)
    garbage.write_text('{"cells": [ truncated by the LMS', encoding="utf-8")
    outcomes = {o.student: o for o in grade_class(root, assignment, [*subs, "garbage"],
                                                   workers=2, overrides=OVERRIDES)}
    unreadable = outcomes.pop("garbage")  # reported with its reason; the batch went on
    assert not unreadable.ok and "not JSON" in unreadable.error, unreadable
    failed = {s: o.error for s, o in outcomes.items() if not o.ok}
    assert not failed, failed
    solution = outcomes["solution"]
    assert solution.score == solution.max_score > 0  # as tests/test_grading.py asserts too
    scores = {s: o.score for s, o in outcomes.items()}
    expected = {s: 0.0 if s.startswith("blank") else solution.score for s in subs}
    assert scores == expected
    assert all(o.max_score == solution.max_score for o in outcomes.values())
