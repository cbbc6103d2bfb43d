"""The instructor CLI on a synthetic class: grade (parallel, past broken submissions), feedback,
export and report, run through ``marketing_kit.__main__.main`` on a temporary copy of the course.

One module-scoped class of 8 submissions of one real assignment (08-social-roi while it exists,
else the first assignment): 2 correct, 2 partial, 1 blank and 3 broken (an upload cut off
half-way, a kernel that dies, an answer that sleeps past the cell timeout).
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest
import yaml

from marketing_kit.__main__ import main
from marketing_kit.course.nbgrader_api import (
    REPO_ROOT,
    assignments,
    autograded_score,
    cell_scores,
    copy_course,
)
from marketing_kit.course.synthetic_class import build_class, read_assignment, write_class

ASSIGNMENT = "08-social-roi" if "08-social-roi" in assignments() else assignments()[0]
MIX = {"correct": 2, "partial": 2, "blank": 1, "broken": 3}
pytestmark = pytest.mark.grading


def mistakes(assignment: str) -> dict[str, str]:
    path = REPO_ROOT / "tests" / "mistakes" / f"{assignment}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("answers", {}) if path.is_file() \
        else {}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("cli-course"))
    assert main(["--root", str(course), "release", ASSIGNMENT]) == 0
    release, source = read_assignment(course, ASSIGNMENT)
    students = build_class(release, source, n=8, seed=7, mix=MIX, mistakes=mistakes(ASSIGNMENT))
    write_class(course, ASSIGNMENT, students)
    return {"course": course, "students": {s.student: s for s in students}}


@pytest.fixture(scope="module")
def grade_run(graded, tmp_path_factory):
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--root", str(graded["course"]), "grade", ASSIGNMENT, "--workers", "2",
                     "--timeout", "10"])
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


def by_kind(graded, kind: str, detail: str | None = None) -> list[str]:
    return sorted(s for s, info in graded["students"].items()
                  if info.kind == kind and (detail is None or info.detail == detail))


def test_grade_finishes_the_batch_and_prints_a_summary(graded, grade_run):
    assert grade_run["code"] == 0
    table = dict(line.split(None, 1) for line in grade_run["stdout"].splitlines()
                 if line and not line.startswith(" ") and ":" not in line)
    assert table["submissions"] == "8"
    assert table["failed"] == "2", grade_run["stdout"]  # invalid JSON and the dead kernel
    assert table["graded"] == "6"
    assert "mean" in table and "median" in table
    for student in by_kind(graded, "broken", "invalid_json"):
        # the lenient reader (marketing_kit.course.repair) names the reason
        assert any(line.strip().startswith(f"{student}: ") and "not JSON" in line
                   for line in grade_run["stdout"].splitlines()), grade_run["stdout"]
    for student in by_kind(graded, "broken", "kernel_death"):
        assert f"{student}: " in grade_run["stdout"].split("failed submissions:")[1]


def test_grade_shows_progress_for_every_submission(graded, grade_run):
    lines = [line for line in grade_run["stderr"].splitlines() if line.startswith("grading ")]
    assert len(lines) == 8
    assert lines[-1].split("]")[1].strip().startswith("8/8")
    assert sum("FAILED" in line for line in lines) == 2


def test_grades_match_the_kinds_of_submission(graded, grade_run):
    course = graded["course"]
    full = None
    for student in by_kind(graded, "correct"):
        score, maximum = autograded_score(cell_scores(course, ASSIGNMENT, student))
        assert score == maximum > 0
        full = maximum
    for student in by_kind(graded, "blank"):
        assert autograded_score(cell_scores(course, ASSIGNMENT, student))[0] == 0
    for student in by_kind(graded, "partial") + by_kind(graded, "broken", "timeout"):
        score, _ = autograded_score(cell_scores(course, ASSIGNMENT, student))
        assert 0 <= score < full, f"{student} ({graded['students'][student].detail}) got {score}"
    for student in by_kind(graded, "broken", "timeout"):
        notebook = nbformat.read(course / "autograded" / student / ASSIGNMENT /
                                 f"{ASSIGNMENT}.ipynb", as_version=4)
        errors = [o for c in notebook.cells for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert errors, "the sleeping answer cell should have been interrupted"


def test_feedback_writes_html_per_graded_student(graded, grade_run, capsys):
    course = graded["course"]
    with pytest.raises(SystemExit, match="still need hand-grading"):
        main(["--root", str(course), "feedback", ASSIGNMENT])  # the reflections are unmarked
    assert main(["--root", str(course), "feedback", ASSIGNMENT, "--allow-pending"]) == 0
    assert "feedback for 6/6 student(s)" in capsys.readouterr().out
    for student in by_kind(graded, "correct"):
        html = (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(
            encoding="utf-8")
        assert student in html or ASSIGNMENT in html
        assert "Score:" in html or "score" in html.lower()
        assert "Your written answers are not marked yet" in html


def test_export_writes_the_gradebook_as_csv(graded, grade_run, tmp_path, capsys):
    out = tmp_path / "grades.csv"
    assert main(["--root", str(graded["course"]), "export", ASSIGNMENT, "--out", str(out),
                 "--allow-pending"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {r["student_id"] for r in rows} == set(graded["students"])
    assert {r["assignment"] for r in rows} == {ASSIGNMENT}
    for row in rows:
        if row["student_id"] in by_kind(graded, "broken", "invalid_json"):
            continue
        cells = cell_scores(graded["course"], ASSIGNMENT, row["student_id"])
        assert float(row["raw_score"]) == pytest.approx(sum(c.score for c in cells))
    assert "wrote 8 grade row(s)" in capsys.readouterr().out


def test_report_writes_item_analysis_csv_and_plots(graded, grade_run, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["--root", str(graded["course"]), "report", ASSIGNMENT, "--out", str(out)]) == 0
    rows = list(csv.DictReader((out / "items.csv").open(encoding="utf-8")))
    notebook = nbformat.read(REPO_ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    tests = {c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    assert tests <= {r["grade_id"] for r in rows}
    for row in rows:
        assert 0 <= float(row["difficulty"]) <= 1
        assert -1 <= float(row["discrimination"]) <= 1
        assert int(row["n"]) == 6  # the two failed submissions are left out
    for name in ("items.png", "scores.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    captured = capsys.readouterr()
    assert "grade_id" in captured.out
    assert "only 6 graded submissions (fewer than 30)" in captured.err  # small-class warning


def test_report_can_leave_out_blank_submissions(graded, grade_run, tmp_path, capsys):
    course = graded["course"]
    failed_part = grade_run["stdout"].split("failed submissions:")[-1].split("points")[0]
    ok = {s for s in graded["students"] if f"  {s}: " not in failed_part}
    blanks = set(by_kind(graded, "blank")) & ok
    if not blanks or len(ok - blanks) < 2:
        pytest.skip("the blank submission was not graded in this run")
    out = tmp_path / "report-no-blank"
    assert main(["--root", str(course), "report", ASSIGNMENT, "--out", str(out),
                 "--exclude-blank"]) == 0
    rows = list(csv.DictReader((out / "items.csv").open(encoding="utf-8")))
    assert {int(r["n"]) for r in rows} == {len(ok) - len(blanks)}
    err = capsys.readouterr().err
    for student in blanks:
        assert student in err.split("left out:")[1]


def test_grade_unknown_assignment_is_a_clear_error(graded):
    with pytest.raises(SystemExit, match="unknown assignment 'nope'"):
        main(["--root", str(graded["course"]), "grade", "nope"])


def test_cli_refuses_a_folder_that_is_not_a_course(tmp_path):
    with pytest.raises(SystemExit, match="not a course folder"):
        main(["--root", str(tmp_path), "grade", ASSIGNMENT])


def test_console_script_is_declared():
    import tomllib

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["marketing-kit"] == "marketing_kit.__main__:main"
    assert Path(REPO_ROOT / "marketing_kit" / "__main__.py").is_file()
