"""The synthetic class generator: seeded, reproducible, controlled mix, built from the notebooks."""

from __future__ import annotations

import nbformat
import pytest

from marketing_kit.__main__ import main
from marketing_kit.course.nbgrader_api import REPO_ROOT, assignments, copy_course
from marketing_kit.course.submissions import grade_id, is_answer, solution_text
from marketing_kit.course.synthetic_class import (
    KERNEL_DEATH,
    TIMEOUT,
    build_class,
    kind_counts,
    read_assignment,
    write_class,
)

ASSIGNMENT = "08-social-roi" if "08-social-roi" in assignments() else assignments()[0]


@pytest.fixture(scope="module")
def notebooks():
    return read_assignment(REPO_ROOT, ASSIGNMENT)


def answers(notebook) -> dict[str, str]:
    return {grade_id(c): c.source for c in notebook.cells if is_answer(c)}


def test_kind_counts_follow_the_mix_exactly():
    assert kind_counts(60, {"correct": 0.35, "partial": 0.4, "blank": 0.1, "broken": 0.15}) == {
        "correct": 21, "partial": 24, "blank": 6, "broken": 9}
    counts = kind_counts(7, {"correct": 1, "partial": 1, "blank": 1})
    assert sum(counts.values()) == 7 and max(counts.values()) - min(counts.values()) <= 1


@pytest.mark.parametrize(
    ("n", "mix", "error", "match"),
    [
        (0, {"correct": 1}, ValueError, r"n must be in \[1, inf\)"),
        (5, {"genius": 1}, ValueError, "unknown kind"),
        (5, {"correct": 0}, ValueError, "positive weight"),
        (5, {"correct": -1}, ValueError, r"mix\['correct'\] must be in \[0, inf\)"),
        (2.5, {"correct": 1}, ValueError, "whole number"),
    ],
)
def test_bad_mix_is_rejected(n, mix, error, match):
    with pytest.raises(error, match=match):
        kind_counts(n, mix)


def test_same_seed_same_bytes_and_other_seed_differs(notebooks, tmp_path):
    release, source = notebooks
    first = build_class(release, source, 12, seed=5)
    again = build_class(release, source, 12, seed=5)
    other = build_class(release, source, 12, seed=6)
    a = write_class(tmp_path / "a", ASSIGNMENT, first)
    b = write_class(tmp_path / "b", ASSIGNMENT, again)
    for x, y in zip(a, b, strict=True):
        for f in x.iterdir():
            assert f.read_bytes() == (y / f.name).read_bytes()
    assert [s.kind for s in first] == [s.kind for s in again]
    assert ([s.kind for s in first], [s.detail for s in first]) != (
        [s.kind for s in other], [s.detail for s in other])


def test_each_kind_is_built_from_release_and_solution(notebooks):
    release, source = notebooks
    name = sorted(release)[0]
    solution = {k: solution_text(v) for k, v in answers(source[name]).items()}
    stubs = answers(release[name])
    students = build_class(release, source, 8, seed=1,
                           mix={"correct": 1, "partial": 2, "blank": 1, "broken": 4})
    assert {s.kind for s in students} == {"correct", "partial", "blank", "broken"}
    details = [s.detail for s in students if s.kind == "broken"]
    assert sorted(details) == sorted(["invalid_json", "kernel_death", "timeout", "invalid_json"])
    for student in students:
        files = student.files
        if student.detail == "invalid_json":
            with pytest.raises(Exception):  # noqa: B017 - nbformat raises its own NotJSONError
                nbformat.reads(files[name], as_version=4)
            continue
        got = answers(files[name])
        assert set(got) == set(solution)
        if student.kind == "correct":
            assert got == solution
        elif student.kind == "blank":
            assert got == stubs
        elif student.kind == "partial":
            changed = {k for k in got if got[k] != solution[k]}
            assert 0 < len(changed) < len(got)
            assert len(student.detail.split(",")) == len(changed)
        else:
            stub = KERNEL_DEATH if student.detail == "kernel_death" else TIMEOUT
            assert stub in got.values()


def test_partial_students_use_the_typical_mistakes(notebooks):
    release, source = notebooks
    name = sorted(release)[0]
    target = next(grade_id(c) for c in source[name].cells if is_answer(c))
    mistake = "value = 'a typical mistake'\n"
    students = build_class(release, source, 20, seed=2, mix={"partial": 1},
                           mistakes={target: mistake})
    hit = [s for s in students if f"{target}:mistake" in s.detail]
    assert hit, "with 20 partial students the mistake should be used at least once"
    assert all(answers(s.files[name])[target] == mistake for s in hit)


def test_simulate_writes_only_into_a_demo_course(tmp_path, capsys):
    course = copy_course(tmp_path / "course")
    assert main(["--root", str(course), "simulate", ASSIGNMENT, "-n", "5", "--seed", "3",
                 "--mix", "correct=1,blank=1"]) == 0
    out = capsys.readouterr().out
    demo = course / "artifacts" / "demo"
    assert f"wrote 5 synthetic submission(s) of {ASSIGNMENT} to the demo course {demo}" in out
    assert f"marketing-kit --root {demo} grade {ASSIGNMENT}" in out
    assert not (course / "submitted").exists()  # the real course is untouched
    folders = sorted((demo / "submitted").glob(f"*/{ASSIGNMENT}"))
    assert len(folders) == 5 and all(any(f.glob("*.ipynb")) for f in folders)
    assert (demo / "nbgrader_config.py").is_file() and (demo / ".marketing-kit-demo").is_file()
    # run again inside the demo course: it stays there, no demo inside the demo
    assert main(["--root", str(demo), "simulate", ASSIGNMENT, "-n", "2", "--seed", "4"]) == 0
    assert not (demo / "artifacts").exists()


def test_simulate_refuses_a_demo_folder_that_holds_other_files(tmp_path):
    course = copy_course(tmp_path / "course")
    other = tmp_path / "not-a-demo"
    other.mkdir()
    (other / "thesis.docx").write_text("mine", encoding="utf-8")
    code = main(["--root", str(course), "simulate", ASSIGNMENT, "-n", "2",
                 "--demo-dir", str(other)])
    assert code == 2 and (other / "thesis.docx").read_text(encoding="utf-8") == "mine"
