"""Class rosters from the LMS: who is in the course, under which stable id.

Two exports are read (header names as the LMSs write them):

- **Canvas** gradebook export (*Grades -> Export -> Export entire gradebook*): ``Student``
  ("Kim, Minji"), ``ID`` (the Canvas user id, the same number as in "Download Submissions" file
  names), ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per assignment named
  ``<title> (<assignment id>)``. A second row whose ``Student`` cell reads "Points Possible" is
  skipped.
- **Moodle** assignment grading worksheet (*View all submissions -> Download grading worksheet*):
  ``Identifier`` ("Participant 201001", the per-assignment participant number found in the
  download's folder names), ``Full name``, ``Email address``, ``Status``,
  ``Last modified (submission)``, ... Moodle's participant number changes from one assignment to
  the next, so the kit keys Moodle students on the e-mail address, which Moodle's gradebook CSV
  import can match ("Map from: Email address"). An ``ID number`` column is kept when present.

The merged roster is stored in ``downloaded/roster.json`` of the course and the names and
e-mails are written to nbgrader's gradebook.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROSTER_FILE = ("downloaded", "roster.json")
_PARTICIPANT = re.compile(r"(\d+)\s*$")


@dataclass
class Member:
    """One student of the roster; ``student_id`` is the id used in ``submitted/`` and nbgrader."""

    student_id: str
    name: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    lms: str = ""
    lms_user_id: str = ""
    participants: dict[str, str] = field(default_factory=dict)  # Moodle: assignment -> number


def _read_csv(path: str | Path) -> list[dict[str, str]]:
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"roster {path} does not exist")
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp949", "latin-1"):  # Excel on Korean Windows saves cp949
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.DictReader(io.StringIO(text)))
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in rows]


def _split_sortable(name: str) -> tuple[str, str]:
    """("Minji", "Kim") from Canvas's sortable "Kim, Minji"; a name without comma is the last."""
    last, _, first = name.partition(",")
    return first.strip(), last.strip()


def read_canvas_roster(path: str | Path) -> tuple[list[Member], list[str]]:
    """Members and the assignment column headers of a Canvas gradebook export."""
    rows = _read_csv(path)
    if not rows or "ID" not in rows[0] or "Student" not in rows[0]:
        raise ValueError(f"roster {path} is not a Canvas gradebook export: it needs the columns "
                         "'Student' and 'ID' (Grades -> Export -> Export entire gradebook)")
    known = {"Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Integration ID"}
    columns = [c for c in rows[0] if c not in known and re.search(r"\(\d+\)$", c)]
    members = []
    for row in rows:
        if "points possible" in row["Student"].lower() or not row["ID"].isdigit():
            continue
        first, last = _split_sortable(row["Student"])
        members.append(Member(
            student_id=row["ID"], name=" ".join(filter(None, (first, last))),
            first_name=first, last_name=last, email="",
            sis_user_id=row.get("SIS User ID", ""), sis_login_id=row.get("SIS Login ID", ""),
            section=row.get("Section", ""), lms="canvas", lms_user_id=row["ID"]))
    return members, columns


def read_moodle_worksheet(path: str | Path, assignment: str) -> list[Member]:
    """Members of a Moodle grading worksheet, keyed on the e-mail address."""
    rows = _read_csv(path)
    if not rows or "Identifier" not in rows[0] or "Email address" not in rows[0]:
        raise ValueError(f"roster {path} is not a Moodle grading worksheet: it needs the columns "
                         "'Identifier' and 'Email address' (View all submissions -> "
                         "Download grading worksheet)")
    members = []
    for row in rows:
        match = _PARTICIPANT.search(row["Identifier"])
        email = row["Email address"].lower()
        if not match or not email:
            continue
        name = row.get("Full name", "")
        first, _, last = name.partition(" ")
        members.append(Member(
            student_id=email, name=name, first_name=first, last_name=last, email=email,
            sis_user_id=row.get("ID number", ""), lms="moodle",
            participants={assignment: match.group(1)}))
    return members


def load(root: str | Path) -> dict[str, Member]:
    """The course's stored roster (empty when none was imported yet)."""
    path = Path(root).joinpath(*ROSTER_FILE)
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: Member(**v) for k, v in data.items()}


def merge(root: str | Path, members: list[Member]) -> dict[str, Member]:
    """Add ``members`` to the stored roster (new values win, Moodle numbers accumulate)."""
    stored = load(root)
    for member in members:
        old = stored.get(member.student_id)
        if old is not None:
            member.participants = {**old.participants, **member.participants}
            for key, value in asdict(old).items():
                if not getattr(member, key) and value:
                    setattr(member, key, value)
        stored[member.student_id] = member
    path = Path(root).joinpath(*ROSTER_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: asdict(v) for k, v in sorted(stored.items())}, indent=1,
                               ensure_ascii=False), encoding="utf-8")
    return stored


def to_gradebook(root: str | Path, members: list[Member]) -> None:
    """Write names, e-mails and LMS ids of ``members`` to nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    from marketing_kit.course.nbgrader_api import db_url, ensure_tools_on_path

    ensure_tools_on_path()
    with Gradebook(db_url(root)) as gradebook:
        for m in members:
            gradebook.update_or_create_student(
                m.student_id, first_name=m.first_name or None, last_name=m.last_name or None,
                email=m.email or None, lms_user_id=m.lms_user_id or None)
