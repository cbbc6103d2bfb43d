"""``marketing-kit release`` and ``marketing-kit collect --zip``: LMS downloads (Canvas, Moodle,
an own pattern) through nbgrader's zip_collect into ``submitted/``."""

from __future__ import annotations

import re
import shutil
import zipfile

import nbformat
import pytest

from marketing_kit.__main__ import main
from marketing_kit.course.distribute import LMS_PATTERNS
from marketing_kit.course.nbgrader_api import assignments, copy_course
from marketing_kit.course.synthetic_class import build_class, read_assignment

ASSIGNMENT = "08-social-roi" if "08-social-roi" in assignments() else assignments()[0]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = copy_course(tmp_path_factory.mktemp("collect-course"))
    release, source = read_assignment(course, ASSIGNMENT)
    students = build_class(release, source, 3, seed=4, mix={"correct": 2, "blank": 1})
    texts = {s.student: {n: nbformat.writes(nb) for n, nb in s.files.items()}
             for s in students}
    return {"root": course, "texts": texts, "notebooks": sorted(release)}


def test_release_regenerates_a_missing_release(tmp_path, capsys):
    course = copy_course(tmp_path / "course")
    shutil.rmtree(course / "notebooks" / ASSIGNMENT)
    assert main(["--root", str(course), "release", ASSIGNMENT]) == 0
    assert f"released 1 assignment(s) to notebooks/: {ASSIGNMENT}" in capsys.readouterr().out
    assert any((course / "notebooks" / ASSIGNMENT).glob("*.ipynb"))


def test_release_rejects_an_unknown_assignment(tmp_path):
    course = copy_course(tmp_path / "course")
    with pytest.raises(SystemExit, match="unknown assignment 'nope'"):
        main(["--root", str(course), "release", "nope"])


def test_canvas_zip(course, tmp_path, capsys):
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i, (student, files) in enumerate(sorted(course["texts"].items())):
            for name, text in files.items():
                stem = name.removesuffix(".ipynb")
                late = "late_" if i == 1 else ""
                again = "-1" if i == 2 else ""  # Canvas renames a resubmission
                z.writestr(f"{student}_{late}{1000 + i}_{5000 + i}_{stem}{again}.ipynb", text)
        z.writestr("readme.txt", "not a submission")
        z.writestr("student009_1009_5009_homework.ipynb", "{}")  # the student's only notebook
    assert main(["--root", str(course["root"]), "collect", ASSIGNMENT, "--zip", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "collected 4 new or changed submission(s)" in out
    assert "readme.txt" in out and "does not look like a canvas download" in out
    assert "renamed file 'homework.ipynb'" in out
    for i, (_, files) in enumerate(sorted(course["texts"].items())):
        for name, text in files.items():  # keyed on the Canvas user id, not the name
            assert (course["root"] / "submitted" / str(1000 + i) / ASSIGNMENT / name).read_text(
                encoding="utf-8") == text
    assert not (course["root"] / "submitted" / "student009").exists()


def test_moodle_zip(course, tmp_path, capsys):
    root = copy_course(tmp_path / "moodle-course")
    archive = tmp_path / "moodle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for i, (_, files) in enumerate(sorted(course["texts"].items())):
            for name, text in files.items():
                z.writestr(f"Jane Doe {i}_{70000 + i}_assignsubmission_file_/{name}", text)
    assert main(["--root", str(root), "collect", ASSIGNMENT, "--zip", str(archive),
                 "--lms", "moodle"]) == 0
    out = capsys.readouterr().out
    assert "collected 3 new or changed submission(s) of" in out
    assert "participant number" in out  # no worksheet: the warning says the ids are unstable
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["70000", "70001", "70002"]


def test_own_pattern(course, tmp_path, capsys):
    root = copy_course(tmp_path / "own-course")
    folder = tmp_path / "download"
    folder.mkdir()
    student, files = sorted(course["texts"].items())[0]
    for name, text in files.items():
        (folder / f"{ASSIGNMENT}__{student}__{name}").write_text(text, encoding="utf-8")
    pattern = rf".*/{re.escape(ASSIGNMENT)}__(?P<student_id>\w+)__(?P<file_id>.+)\.ipynb$"
    assert main(["--root", str(root), "collect", ASSIGNMENT, "--zip", str(folder),
                 "--pattern", pattern]) == 0
    assert (root / "submitted" / student / ASSIGNMENT / course["notebooks"][0]).is_file()


def test_presets_match_their_documented_examples():
    canvas = re.match(LMS_PATTERNS["canvas"], "/x/doejane_late_12345_67890_08-social-roi-2.ipynb")
    assert canvas.group("student_id", "file_id") == ("12345", "08-social-roi")
    moodle = re.match(LMS_PATTERNS["moodle"],
                      "/x/Jane Doe_123456_assignsubmission_file_/08-social-roi.ipynb")
    assert moodle.group("student_id", "file_id") == ("123456", "08-social-roi")
    flat = re.match(LMS_PATTERNS["moodle"],
                    "/x/Jane Doe_123456_assignsubmission_file_08-social-roi.ipynb")
    assert flat.group("student_id", "file_id") == ("123456", "08-social-roi")


def test_collect_rejects_a_pattern_without_groups(course, tmp_path, capsys):
    archive = tmp_path / "empty"
    archive.mkdir()
    code = main(["--root", str(course["root"]), "collect", ASSIGNMENT, "--zip", str(archive),
                 "--pattern", r".*\.ipynb"])
    assert code == 2
    assert "(?P<student_id>...)" in capsys.readouterr().err
