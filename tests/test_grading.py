"""What proves an assignment right, checked for every assignment in ``solutions/``.

For each assignment (a fresh copy of the course in a temp dir, nbgrader in-process):
1. the solution notebook executes without an error output;
2. autograding the solution as a student gives full autograded points;
3. autograding the untouched release gives 0 autograded points;
4. the "typical mistakes" submission in ``tests/mistakes/<assignment>.yml`` fails exactly the
   test cells it lists, so it gets the partial score intended;
5. ``notebooks/`` equals a fresh ``generate_assignment`` of ``solutions/`` (volatile fields
   ignored);
6. no line from a solution or hidden-test region appears anywhere in ``notebooks/``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from marketing_kit.course.nbgrader_api import (
    REPO_ROOT,
    assignments,
    autograded_score,
    cell_scores,
    copy_course,
    load_api,
)
from marketing_kit.course.submissions import fill_answers, regions, write_submission
from marketing_kit.i18n.edition import english_name

ASSIGNMENTS = assignments()
MISTAKES_DIR = Path(__file__).parent / "mistakes"
pytestmark = pytest.mark.grading


def notebook_names(assignment: str) -> list[str]:
    return sorted(p.name for p in (REPO_ROOT / "solutions" / assignment).glob("*.ipynb"))


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def mistakes_spec(assignment: str) -> dict:
    """The assignment's typical-mistakes fixture; a Korean twin shares its English one."""
    english = english_name(assignment)
    path = MISTAKES_DIR / f"{english or assignment}.yml"
    assert path.is_file(), f"every assignment needs a typical-mistakes fixture at {path}"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if english and spec.get("notebook"):
        spec["notebook"] = spec["notebook"].replace(english, assignment, 1)
    return spec


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def graded(request, tmp_path_factory):
    """Generate, submit (solution, blank release, typical mistakes) and autograde one assignment."""
    assignment = request.param
    course = copy_course(tmp_path_factory.mktemp(f"course-{assignment}"))
    api = load_api(course)
    generated = api.generate_assignment(assignment, force=True)
    assert generated["success"], generated.get("log") or generated.get("error")

    spec = mistakes_spec(assignment)
    submissions = {"solution": {}, "blank": {}, "mistakes": {}}
    for name in notebook_names(assignment):
        release = read(course / "notebooks" / assignment / name)
        source = read(course / "solutions" / assignment / name)
        submissions["solution"][name] = fill_answers(release, source)
        submissions["blank"][name] = release
        overrides = spec.get("answers", {}) if spec.get("notebook", name) == name else {}
        submissions["mistakes"][name] = fill_answers(release, source, overrides)

    results = {}
    for student, notebooks in submissions.items():
        write_submission(course, assignment, student, notebooks)
        outcome = api.autograde(assignment, student, force=True, create=True)
        assert outcome["success"], outcome.get("log") or outcome.get("error")
        results[student] = cell_scores(course, assignment, student)
    return {"assignment": assignment, "course": course, "scores": results, "spec": spec}


def test_solution_executes_without_errors(graded):
    folder = graded["course"] / "autograded" / "solution" / graded["assignment"]
    for name in notebook_names(graded["assignment"]):
        for index, cell in enumerate(read(folder / name).cells):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            assert not errors, (
                f"{name} cell {index} raised {errors[0]['ename']}: {errors[0]['evalue']}"
            )
        # Explorers built while grading leave no widget state (Execute.store_widget_state):
        # a client-side chart's state would carry plotly.js, 5 MB per chart, into the notebook.
        assert "widgets" not in read(folder / name).metadata, f"{name} stored widget state"


def test_solution_earns_full_autograded_points(graded):
    score, maximum = autograded_score(graded["scores"]["solution"])
    lost = [
        s.grade_id
        for s in graded["scores"]["solution"]
        if s.cell_type == "code" and s.score < s.max_score
    ]
    assert maximum > 0
    assert score == maximum, f"solution lost points in {lost}"


def test_blank_release_earns_zero(graded):
    score, maximum = autograded_score(graded["scores"]["blank"])
    earned = [
        s.grade_id for s in graded["scores"]["blank"] if s.cell_type == "code" and s.score > 0
    ]
    assert maximum > 0
    assert score == 0, f"a blank release earned points in {earned}"


def test_typical_mistakes_get_the_intended_partial_score(graded):
    spec = graded["spec"]
    scores = {s.grade_id: s for s in graded["scores"]["mistakes"] if s.cell_type == "code"}
    failing = set(spec["failing_tests"])
    assert failing <= set(scores), f"unknown test ids in failing_tests: {failing - set(scores)}"
    for grade_id, cell in scores.items():
        expected = 0 if grade_id in failing else cell.max_score
        assert cell.score == expected, f"{grade_id}: expected {expected}, got {cell.score}"
    score, maximum = autograded_score(graded["scores"]["mistakes"])
    assert score == spec["expected_score"], f"mistakes scored {score}/{maximum}"
    assert 0 < score < maximum


def _normalise(notebook: nbformat.NotebookNode) -> list[dict]:
    return [
        {
            "type": c.cell_type,
            "source": c.source,
            "nbgrader": c.metadata.get("nbgrader", {}),
            "tags": c.metadata.get("tags", []),
        }
        for c in notebook.cells
    ]


def test_release_matches_fresh_generation(graded):
    fresh = graded["course"] / "notebooks" / graded["assignment"]
    committed = REPO_ROOT / "notebooks" / graded["assignment"]
    assert committed.is_dir(), "run `make release` and commit notebooks/"
    fresh_files = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(
        p.relative_to(committed).as_posix()
        for p in committed.rglob("*")
        if p.is_file() and ".ipynb_checkpoints" not in p.parts
        and p.name != "capstone_plan.html"  # written by a run of the notebook; never released
    )
    assert committed_files == fresh_files, "notebooks/ is stale: run `make release`"
    for name in fresh_files:
        if name.endswith(".ipynb"):
            assert _normalise(read(committed / name)) == _normalise(read(fresh / name)), (
                f"notebooks/{graded['assignment']}/{name} differs from generate_assignment: "
                "run `make release` (never hand-edit notebooks/)"
            )
        else:
            assert (committed / name).read_bytes() == (fresh / name).read_bytes()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_solution_or_hidden_test_text_in_release(assignment):
    release_text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (REPO_ROOT / "notebooks" / assignment).rglob("*.ipynb")
    )
    for marker in (
        "BEGIN SOLUTION",
        "END SOLUTION",
        "BEGIN HIDDEN TESTS",
        "END HIDDEN TESTS",
        "BEGIN MARK SCHEME",
    ):
        assert marker not in release_text
    release_strings = "\n".join(
        cell.source
        for p in (REPO_ROOT / "notebooks" / assignment).rglob("*.ipynb")
        for cell in read(p).cells
    )
    for name in notebook_names(assignment):
        source = read(REPO_ROOT / "solutions" / assignment / name)
        secret = [
            line.strip() for c in source.cells for r in regions(c.source) for line in r.splitlines()
        ]
        outside = "\n".join(_strip_regions(c.source) for c in source.cells)
        for line in secret:
            # A line the source also shows outside any region (an import, say) is not secret.
            if len(line) < 8 or line.startswith("#") or line in outside:
                continue
            assert line not in release_strings, f"leaked into notebooks/{assignment}: {line!r}"


def _strip_regions(source: str) -> str:
    for text in regions(source):
        source = source.replace(text, "")
    return source
