"""The nbgrader exchange round trip, end to end with a temporary exchange folder:

instructor ``marketing-kit release --exchange-root`` -> two students fetch (nbgrader's
fetch_assignment) -> they answer (one from the solution, one leaves the release untouched) and
submit -> instructor ``marketing-kit collect --exchange`` -> ``marketing-kit grade``.
"""

from __future__ import annotations

import nbformat
import pytest

from marketing_kit.__main__ import main
from marketing_kit.course.nbgrader_api import (
    assignments,
    autograded_score,
    cell_scores,
    copy_course,
)
from marketing_kit.course.submissions import fill_answers

ASSIGNMENT = "08-social-roi" if "08-social-roi" in assignments() else assignments()[0]
COURSE_ID = "marketing-kit"
pytestmark = pytest.mark.grading


def student_app(kind, home, exchange, student: str | None = None):
    """An nbgrader exchange app as a student would run it from ``home``."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.course_id = COURSE_ID
    config.CourseDirectory.root = str(home)
    config.Exchange.root = str(exchange)
    config.Exchange.assignment_dir = str(home)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = ASSIGNMENT
    if student:
        coursedir.student_id = student
    cls = {"fetch": ExchangeFetchAssignment, "submit": ExchangeSubmit}[kind]
    return cls(coursedir=coursedir, authenticator=Authenticator(config=config), config=config)


def test_release_fetch_submit_collect_autograde(tmp_path, capsys):
    course = copy_course(tmp_path / "course")
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    root = ["--root", str(course)]

    assert main(root + ["release", ASSIGNMENT, "--exchange-root", str(exchange)]) == 0
    released = exchange / COURSE_ID / "outbound" / ASSIGNMENT
    assert sorted(p.name for p in released.glob("*.ipynb")) == sorted(
        p.name for p in (course / "notebooks" / ASSIGNMENT).glob("*.ipynb"))

    for student in ("alice", "bob"):
        home = tmp_path / "home" / student
        home.mkdir(parents=True)
        student_app("fetch", home, exchange).start()
        fetched = sorted((home / ASSIGNMENT).glob("*.ipynb"))
        assert fetched, f"{student} fetched nothing"
        if student == "alice":
            for path in fetched:
                source = nbformat.read(course / "solutions" / ASSIGNMENT / path.name, 4)
                nbformat.write(fill_answers(nbformat.read(path, 4), source), path)
        student_app("submit", home, exchange, student=student).start()

    inbound = sorted(p.name.split("+")[0] for p in (exchange / COURSE_ID / "inbound").iterdir())
    assert inbound == ["alice", "bob"]

    capsys.readouterr()
    assert main(root + ["collect", ASSIGNMENT, "--exchange", "--exchange-root",
                        str(exchange)]) == 0
    assert "collected 2 submission(s)" in capsys.readouterr().out
    for student in ("alice", "bob"):
        assert (course / "submitted" / student / ASSIGNMENT / "timestamp.txt").is_file()

    assert main(root + ["grade", ASSIGNMENT, "--workers", "2"]) == 0
    assert "failed       0" in capsys.readouterr().out
    alice, maximum = autograded_score(cell_scores(course, ASSIGNMENT, "alice"))
    bob, _ = autograded_score(cell_scores(course, ASSIGNMENT, "bob"))
    assert alice == maximum > 0
    assert bob == 0
