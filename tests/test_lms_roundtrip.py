"""The instructor's round trip: LMS download -> grade -> hand marks -> LMS import files and
feedback zips, with the refusals while hand marks are pending and marks that survive (or not)
a resubmission. One module-scoped course, graded once (4 notebooks run, 2 broken uploads)."""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile

import nbformat
import pytest
from lms_downloads import (
    canvas_download,
    canvas_roster,
    moodle_download,
    moodle_worksheet,
    notebooks,
)

from marketing_kit.__main__ import main
from marketing_kit.course.handgrading import manual_cells
from marketing_kit.course.nbgrader_api import REPO_ROOT, assignments, copy_course, db_url
from marketing_kit.course.synthetic_class import read_assignment

ASSIGNMENT = "08-social-roi" if "08-social-roi" in assignments() else assignments()[0]
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
CANVAS = {"10001", "10002", "10004", "10005"}  # correct, blank, broken, renamed + late
MOODLE = {"201001", "201002"}  # correct, broken (Korean name)
pytestmark = pytest.mark.grading


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code, err = exc.code, io.StringIO(str(exc))
    return code, out.getvalue(), err.getvalue()


def read_csv(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def set_mark(course, student: str, grade_id: str, score: float) -> None:
    """What Formgrader's "save" does for a hand mark."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url(course)) as gradebook:
        grade = gradebook.find_grade(grade_id, ASSIGNMENT, ASSIGNMENT, student)
        grade.manual_score, grade.needs_manual_grade = score, False
        gradebook.db.commit()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    manual = manual_cells(REPO_ROOT, ASSIGNMENT)
    release, source = read_assignment(REPO_ROOT, ASSIGNMENT)
    if not manual or len(release) != 1:
        pytest.skip("needs a one-notebook assignment with a hand-graded answer")
    tmp = tmp_path_factory.mktemp("roundtrip")
    course = copy_course(tmp / "course")
    texts = notebooks(release, source)
    canvas = canvas_download(tmp / "canvas.zip", ASSIGNMENT, texts, only=CANVAS)
    moodle = moodle_download(tmp / "moodle.zip", ASSIGNMENT, texts, only=MOODLE)
    assert run("--root", str(course), "collect", ASSIGNMENT, "--zip", str(canvas),
               "--roster", str(canvas_roster(tmp / "roster.csv", ASSIGNMENT)))[0] == 0
    assert run("--root", str(course), "collect", ASSIGNMENT, "--zip", str(moodle), "--lms",
               "moodle", "--roster", str(moodle_worksheet(tmp / "worksheet.csv")))[0] == 0
    code, out, err = run("--root", str(course), "grade", ASSIGNMENT, "--workers", "2",
                         "--timeout", "60")
    assert code == 0, out + err
    return {"course": course, "tmp": tmp, "out": out, "manual": manual, "texts": texts,
            "reflection": next(iter(manual))}


def test_grade_splits_the_points_and_lists_the_hand_grading_queue(graded):
    out, manual = graded["out"], graded["manual"]
    print(out)
    hand = sum(manual.values())
    line = next(x for x in out.splitlines() if x.startswith("points"))
    auto, total = (float(x) for x in (line.split()[1], line.split()[-1]))
    assert total == auto + hand and hand > 0
    queue = out.split("needs hand-grading:")[1]
    assert " submission(s), cells " in queue.splitlines()[0], out
    assert f"marketing-kit rubric {ASSIGNMENT}" in queue
    for student in ("10001", "10005", "minji.kim@uni.example"):
        assert f"  {student}: {graded['reflection']}" in queue
    assert "  10004:" not in queue  # failed: nothing to mark
    assert "  10002:" not in queue  # blank: the untouched stub scores 0 without a hand mark
    assert f"written answers left blank, scored 0: 10002/{graded['reflection']}" in out


def test_export_and_feedback_refuse_while_marks_are_pending(graded):
    course = str(graded["course"])
    code, _, err = run("--root", course, "export", ASSIGNMENT, "--lms", "canvas")
    assert code != 0 and "still need hand-grading" in err and "--allow-pending" in err
    code, _, err = run("--root", course, "feedback", ASSIGNMENT)
    assert code != 0 and "still need hand-grading" in err
    out = graded["tmp"] / "pending.csv"
    code, _, err = run("--root", course, "export", ASSIGNMENT, "--lms", "canvas",
                       "--allow-pending", "--out", str(out))
    assert code == 0 and "exported although" in err
    status = {r["ID"]: r["status"] for r in read_csv(graded["tmp"] / "pending-status.csv")}
    assert status["10001"] == "needs hand-grading (hand-graded points missing)"


@pytest.fixture(scope="module")
def marked(graded):
    points = graded["manual"][graded["reflection"]]
    for student, score in (("10001", points), ("10005", points - 1),
                           ("minji.kim@uni.example", 1)):
        set_mark(graded["course"], student, graded["reflection"], score)
    return graded


def test_canvas_export_imports_as_is(marked):
    out = marked["tmp"] / "canvas.csv"
    code, stdout, _ = run("--root", str(marked["course"]), "export", ASSIGNMENT, "--lms",
                          "canvas", "--out", str(out))
    assert code == 0, stdout
    text = out.read_text(encoding="utf-8")
    print(text)
    lines = text.splitlines()
    column = f"{ASSIGNMENT} (777001)"  # the roster's column: Canvas updates that assignment
    assert lines[0] == f"Student,ID,SIS User ID,SIS Login ID,Section,{column}"
    rows = read_csv(out)
    worth = float(rows[0][column])
    assert rows[0]["Student"].strip() == "Points Possible" and worth > 0
    by_id = {r["ID"]: r for r in rows[1:]}
    assert set(by_id) == {"10001", "10002", "10003", "10004", "10005", "10006", "10007",
                          "10008"}  # Canvas students only, the whole roster
    assert float(by_id["10001"][column]) == worth
    assert float(by_id["10005"][column]) == worth - 1
    assert by_id["10002"][column] == "0"
    assert by_id["10004"][column] == ""  # failed: left empty, Canvas keeps its grade
    assert by_id["10003"][column] == ""  # missing
    assert by_id["10001"]["Student"] == "Kim, Minji"
    assert by_id["10001"]["SIS User ID"] == "202610001"
    status = {r["ID"]: r for r in read_csv(marked["tmp"] / "canvas-status.csv")}
    assert {k: status[k]["status"] for k in ("10001", "10002", "10003", "10004")} == {
        "10001": "graded", "10002": "graded", "10003": "missing", "10004": "failed"}
    assert status["10005"]["late"] == "late" and status["10001"]["late"] == ""
    assert status["10005"]["submitted"].startswith("2026-11-30")


def test_canvas_export_rescales_to_the_lms_points(marked):
    out = marked["tmp"] / "canvas-100.csv"
    assert run("--root", str(marked["course"]), "export", ASSIGNMENT, "--lms", "canvas",
               "--points", "100", "--out", str(out))[0] == 0
    rows = read_csv(out)
    column = f"{ASSIGNMENT} (777001)"
    by_id = {r["ID"]: r[column] for r in rows[1:]}
    assert rows[0][column] == "100" and by_id["10001"] == "100" and by_id["10002"] == "0"


def test_moodle_export_keys_on_email(marked):
    out = marked["tmp"] / "moodle.csv"
    assert run("--root", str(marked["course"]), "export", ASSIGNMENT, "--lms", "moodle",
               "--out", str(out))[0] == 0
    text = out.read_text(encoding="utf-8")
    print(text)
    assert text.splitlines()[0] == f"Email address,Full name,{ASSIGNMENT},{ASSIGNMENT} status"
    rows = {r["Email address"]: r for r in read_csv(out)}
    assert set(rows) == {"minji.kim@uni.example", "jihoon.lee@uni.example",
                         "seoyeon.park@uni.example", "yujin.choi@uni.example"}
    assert rows["jihoon.lee@uni.example"][f"{ASSIGNMENT} status"] == "failed"
    assert rows["yujin.choi@uni.example"][f"{ASSIGNMENT} status"] == "missing"
    minji = rows["minji.kim@uni.example"]
    assert minji[f"{ASSIGNMENT} status"] == "graded" and float(minji[ASSIGNMENT]) > 1


def canvas_ids(name: str) -> tuple[str, str]:
    """What Canvas reads back from a re-uploaded file name: the first two all-digit parts
    (canvas-lms ``Assignment#infer_comment_context_from_filename``)."""
    numbers = [part for part in name.split("_") if part.isdigit()]
    return numbers[0], numbers[1]


def test_feedback_zips_for_canvas_and_moodle(marked):
    course = str(marked["course"])
    code, out, _ = run("--root", course, "feedback", ASSIGNMENT, "--lms-zip", "canvas",
                       "--out", str(marked["tmp"] / "canvas-feedback.zip"))
    assert code == 0, out
    assert "no feedback (grading failed or not graded): 10004, jihoon.lee@uni.example" in out
    assert "left out" in out and "10004" in out.split("left out")[1]
    names = zipfile.ZipFile(marked["tmp"] / "canvas-feedback.zip").namelist()
    assert sorted(canvas_ids(n) for n in names) == [("10001", "50001"), ("10002", "50002"),
                                                     ("10005", "50004")]
    assert all(n.endswith(f"_{ASSIGNMENT}-feedback.html") for n in names)
    code, out, _ = run("--root", course, "feedback", ASSIGNMENT, "--lms-zip", "moodle",
                       "--out", str(marked["tmp"] / "moodle-feedback.zip"))
    names = zipfile.ZipFile(marked["tmp"] / "moodle-feedback.zip").namelist()
    assert names == [f"Kim Minji_201001_assignsubmission_file_/{ASSIGNMENT}-feedback.html"]


def test_resubmission_keeps_or_drops_the_hand_mark(marked):
    """10001 rewrites the reflection (mark dropped), 10005 re-uploads the same work (kept)."""
    from nbgrader.api import Gradebook

    course, tmp, reflection = marked["course"], marked["tmp"], marked["reflection"]
    rewritten = nbformat.reads(marked["texts"]["correct"], as_version=4)
    for cell in rewritten.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == reflection:
            cell.source = "A rewritten answer, after the first feedback."
    second = tmp / "canvas-2.zip"
    with zipfile.ZipFile(second, "w") as z:
        z.writestr(f"kimminji_10001_60001_{ASSIGNMENT}-1.ipynb", nbformat.writes(rewritten))
        z.writestr("jungsuji_late_10005_60004_HW8_Jung_Suji-1.ipynb", marked["texts"]["correct"])
    code, out, _ = run("--root", str(course), "collect", ASSIGNMENT, "--zip", str(second))
    assert "changed" in out and code == 0, out
    code, out, err = run("--root", str(course), "grade", ASSIGNMENT, "--students",
                         "10001,10005", "--workers", "2", "--timeout", "60")
    assert code == 0, out + err
    print(out)
    assert f"hand marks kept (answer unchanged): 10005/{reflection}" in out
    assert f"hand marks dropped (answer changed, mark it again): 10001/{reflection}" in out
    with Gradebook(db_url(course)) as gradebook:
        kept = gradebook.find_grade(reflection, ASSIGNMENT, ASSIGNMENT, "10005")
        dropped = gradebook.find_grade(reflection, ASSIGNMENT, ASSIGNMENT, "10001")
        assert (kept.manual_score, kept.needs_manual_grade) == (
            marked["manual"][reflection] - 1, False)
        assert (dropped.manual_score, dropped.needs_manual_grade) == (None, True)
    queue = out.split("needs hand-grading:")[1]
    assert f"  10001: {reflection}" in queue and "  10005:" not in queue
