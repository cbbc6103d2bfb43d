"""``marketing-kit collect --zip``: realistic Canvas and Moodle downloads, nobody lost.

The downloads are built in ``tests/lms_downloads.py`` with every case of the instructor trial
(same names, renamed file, ``(1)`` copy, ``-1`` resubmission, broken JSON, late, a PDF, a CP949
zip name without the UTF-8 flag, a roster student with no submission).
"""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest
from lms_downloads import (
    CANVAS_CLASS,
    canvas_download,
    canvas_roster,
    moodle_download,
    moodle_worksheet,
    notebooks,
)

from marketing_kit.__main__ import main
from marketing_kit.course.lms import collect_download, read_download
from marketing_kit.course.nbgrader_api import assignments, copy_course, db_url
from marketing_kit.course.synthetic_class import read_assignment

ASSIGNMENT = "08-social-roi" if "08-social-roi" in assignments() else assignments()[0]
NOTEBOOK = f"{ASSIGNMENT}.ipynb"


@pytest.fixture(scope="module")
def texts():
    from marketing_kit.course.nbgrader_api import REPO_ROOT

    release, source = read_assignment(REPO_ROOT, ASSIGNMENT)
    if len(release) != 1:
        pytest.skip("the download builders assume a one-notebook assignment")
    return notebooks(release, source)


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory):
    """An empty gradebook made once (nbgrader runs alembic for each new one: seconds)."""
    from nbgrader.api import Gradebook

    folder = tmp_path_factory.mktemp("gradebook")
    with Gradebook(db_url(folder)):
        pass
    return folder / "gradebook.db"


@pytest.fixture
def course(tmp_path, empty_gradebook):
    root = copy_course(tmp_path / "course")
    shutil.copy2(empty_gradebook, root / "gradebook.db")
    return root


def rows_by_file(report) -> dict[str, object]:
    return {r.file: r for r in report.rows}


def test_canvas_download_every_case(course, tmp_path, texts, capsys):
    archive = canvas_download(tmp_path / "canvas.zip", ASSIGNMENT, texts)
    roster = canvas_roster(tmp_path / "gradebook-export.csv", ASSIGNMENT)
    code = main(["--root", str(course), "collect", ASSIGNMENT, "--zip", str(archive),
                 "--roster", str(roster)])
    out = capsys.readouterr().out
    assert code == 0, out
    print(out)
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    # the two students called Kim Minji are two students, keyed on the Canvas user id
    assert "10001 Minji Kim" in lines["kimminji_10001_50001_08-social-roi.ipynb"]
    resub = next(line for line in out.splitlines() if "10006" in line)
    assert "new" in resub and "resubmission '08-social-roi-1.ipynb'" in resub
    renamed = next(line for line in out.splitlines() if "HW8_Jung_Suji" in line)
    assert "10005 Suji Jung" in renamed and "renamed file" in renamed and "late" in renamed
    copy = next(line for line in out.splitlines() if "(1).ipynb" in line)
    assert "browser copy" in copy and "10007" in copy
    broken = next(line for line in out.splitlines() if "choidaniel" in line)
    assert "not valid JSON" in broken
    assert any(line.startswith("박서연_10008_50008_") for line in out.splitlines()), out
    pdf = next(line for line in out.splitlines() if "notes.pdf" in line)
    assert "skipped" in pdf and "not a notebook" in pdf
    missing = next(line for line in out.splitlines() if line.startswith("(nothing submitted)"))
    assert "10003 Jiwoo Park" in missing and "missing" in missing
    assert f"{ASSIGNMENT} (canvas): new 7, skipped 1, missing 1" in out
    submitted = sorted(p.name for p in (course / "submitted").iterdir())
    assert submitted == sorted({uid for uid, *_ in CANVAS_CLASS} | {"10008"})
    for uid in submitted:
        assert (course / "submitted" / uid / ASSIGNMENT / NOTEBOOK).is_file()
    assert (course / "submitted" / "10005" / ASSIGNMENT / NOTEBOOK).read_text(
        encoding="utf-8") == texts["correct"]
    assert (course / "submitted" / "10005" / ASSIGNMENT / "timestamp.txt").read_text(
        encoding="utf-8") == "2026-11-30 13:00:00"
    details = json.loads((course / "downloaded" / ASSIGNMENT / "lms.json").read_text("utf-8"))
    assert details["10005"]["late"] is True and details["10001"]["late"] is False
    assert details["10006"]["prefix"] == "kimminji_10006_50005_"

    from nbgrader.api import Gradebook

    with Gradebook(db_url(course)) as gradebook:
        student = gradebook.find_student("10006")
        assert (student.first_name, student.last_name, student.lms_user_id) == (
            "Minji", "Kim", "10006")
        assert gradebook.find_student("10003").last_name == "Park"  # on the roster only

    # a second download: 10002 resubmits, the rest is the same
    second = tmp_path / "canvas-2.zip"
    with zipfile.ZipFile(archive) as old, zipfile.ZipFile(second, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.startswith("leejihoon_10002_50002_"):
                info.filename = info.filename.replace("50002", "50102").replace(
                    ".ipynb", "-1.ipynb")
                data = texts["correct"].encode("utf-8")
            new.writestr(info, data)
    assert main(["--root", str(course), "collect", ASSIGNMENT, "--zip", str(second)]) == 0
    out = capsys.readouterr().out
    assert "collected 1 new or changed submission(s) of 08-social-roi into submitted/: 10002" \
        in out.replace(ASSIGNMENT, "08-social-roi")
    assert "changed 1, unchanged 6" in out


def test_canvas_download_twice_says_nothing_new(course, tmp_path, texts, capsys):
    archive = canvas_download(tmp_path / "canvas.zip", ASSIGNMENT, texts)
    first = collect_download(course, ASSIGNMENT, archive)
    again = collect_download(course, ASSIGNMENT, archive)
    assert len(first.collected) == 7 and again.collected == []
    assert again.count("unchanged") == 7


def test_moodle_download_keyed_on_email_through_the_worksheet(course, tmp_path, texts):
    archive = moodle_download(tmp_path / "moodle.zip", ASSIGNMENT, texts)
    sheet = moodle_worksheet(tmp_path / "worksheet.csv")
    report = collect_download(course, ASSIGNMENT, archive, lms="moodle", roster=sheet)
    table = report.table()
    print(table)
    assert sorted(report.collected) == ["jihoon.lee@uni.example", "minji.kim@uni.example",
                                        "seoyeon.park@uni.example"]
    rows = rows_by_file(report)
    copy = rows[f"Park Seoyeon_201005_assignsubmission_file_/{ASSIGNMENT} (1).ipynb"]
    assert copy.status == "new" and "browser copy" in copy.note
    assert rows["Kim Minji_201001_assignsubmission_file_/report.pdf"].status == "skipped"
    korean = rows[f"이지훈_201002_assignsubmission_file_/{NOTEBOOK}"]
    assert korean.name == "이지훈" and "not valid JSON" in korean.note
    missing = [r for r in report.rows if r.status == "missing"]
    assert [(r.student, r.name) for r in missing] == [("yujin.choi@uni.example", "Choi Yujin")]
    details = json.loads((course / "downloaded" / ASSIGNMENT / "lms.json").read_text("utf-8"))
    assert details["minji.kim@uni.example"]["prefix"] == \
        "Kim Minji_201001_assignsubmission_file_"


def test_moodle_without_worksheet_warns_about_participant_numbers(course, tmp_path, texts):
    archive = moodle_download(tmp_path / "moodle.zip", ASSIGNMENT, texts)
    report = collect_download(course, ASSIGNMENT, archive, lms="moodle")
    assert sorted(report.collected) == ["201001", "201002", "201005"]
    assert any("participant number" in r.note for r in report.rows)


def test_non_utf8_zip_names_decode_readably(tmp_path, texts):
    archive = canvas_download(tmp_path / "canvas.zip", ASSIGNMENT, texts)
    raw = [i for i in zipfile.ZipFile(archive).infolist() if "10008" in i.filename][0]
    assert not raw.flag_bits & 0x800 and "박" not in raw.filename  # zipfile alone mangles it
    names = [path for path, _, _ in read_download(archive)]
    assert f"박서연_10008_50008_{NOTEBOOK}" in names


def test_a_folder_download_works_like_a_zip(course, tmp_path, texts):
    archive = canvas_download(tmp_path / "canvas.zip", ASSIGNMENT, texts)
    folder = tmp_path / "unzipped"
    shutil.unpack_archive(archive, folder)
    report = collect_download(course, ASSIGNMENT, folder)
    assert "10005" in report.collected and "10006" in report.collected


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"lms": "blackboard"}, ValueError, r"lms must be one of \['canvas', 'moodle'\]"),
    ({"archive": "nope.zip"}, ValueError, "does not exist"),
    ({"roster": "nope.csv"}, ValueError, "roster nope.csv does not exist"),
])
def test_bad_arguments_are_clear_errors(course, tmp_path, texts, kwargs, error, match):
    archive = canvas_download(tmp_path / "canvas.zip", ASSIGNMENT, texts)
    args = {"archive": archive, **kwargs}
    with pytest.raises(error, match=match):
        collect_download(course, ASSIGNMENT, **args)


def test_a_roster_of_the_wrong_lms_is_refused(course, tmp_path, texts):
    archive = canvas_download(tmp_path / "canvas.zip", ASSIGNMENT, texts)
    sheet = moodle_worksheet(tmp_path / "worksheet.csv")
    with pytest.raises(ValueError, match="not a Canvas gradebook export"):
        collect_download(course, ASSIGNMENT, archive, roster=sheet)


def test_the_zip_of_another_assignment_is_not_taken_as_renamed_files(course, tmp_path, texts):
    other = next(a for a in assignments() if a != ASSIGNMENT)
    archive = tmp_path / "wrong.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"kimminji_10001_50001_{other}.ipynb", texts["correct"])
    report = collect_download(course, ASSIGNMENT, archive)
    (row,) = report.rows
    assert row.status == "skipped" and f"a notebook of {other}" in row.note
    assert report.collected == []
