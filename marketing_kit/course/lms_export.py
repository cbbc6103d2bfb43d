"""Grades and feedback back into the LMS, in the files the LMS imports as they are.

- **Canvas** gradebook import (*Grades -> Import*): one row per student with the columns
  ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section`` and one column per
  assignment. A column named like an exported one (``08-social-roi (777001)``, taken from the
  roster) updates that assignment; any other name makes Canvas create a new assignment, so the
  status goes to a separate ``*-status.csv``. An empty cell leaves the Canvas grade as it is
  (failed and missing submissions). The "Points Possible" row follows the header, as in
  Canvas's own export. (Canvas guides "How do I import grades in the Gradebook?"; Ohio State's
  CarmenCanvas guide "Import a CSV file to Carmen Grades".)
- **Moodle** gradebook import (*Grades -> Import -> CSV file*): ``Email address`` maps to the
  user ("Map from: Email address, Map to: useremail"); one grade column per assignment, and a
  ``<assignment> status`` column that you map to "ignore" (or to feedback).
- **Feedback zips.** Canvas *Submissions -> Re-upload* reads the user id and attachment id from
  each file name (``<name>_<user id>_<attachment id>_<file>``, canvas-lms
  ``Assignment#infer_comment_context_from_filename``), so the feedback files keep the download's
  prefix. Moodle *Upload multiple feedback files in a zip* reads the participant id from the
  ``<Full name>_<participant id>_assignsubmission_file_`` prefix (``assignfeedback_file``
  ``importziplib.php``), so each feedback file goes into that folder.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from pathlib import Path

from marketing_kit._validate import check_choice, check_number
from marketing_kit.course import handgrading, lms, roster
from marketing_kit.course.handgrading import FAILED, GRADED, MISSING, PENDING


class PendingHandGrading(RuntimeError):
    """Raised while hand marks are missing and the caller did not allow going on."""


def _column(assignment: str, headers: list[str]) -> str:
    """The Canvas column of ``assignment``: the roster's ``<title> (<id>)`` when it has one."""
    return next((h for h in headers if h.rsplit(" (", 1)[0] == assignment), assignment)


def gather(root: Path, assignments: Sequence[str], allow_pending: bool) -> dict:
    """Per assignment, per student: (status, score, max) with the roster's missing students."""
    members = roster.load(root)
    table: dict[str, dict[str, tuple[str, float | None, float]]] = {}
    refusals = []
    for assignment in assignments:
        statuses = handgrading.class_status(root, assignment)
        message = handgrading.pending_message(assignment, statuses)
        if message and not allow_pending:
            refusals.append(message)
        worth = max((s.max_score for s in statuses.values()), default=0.0)
        rows = {}
        for student, st in statuses.items():
            score = None if st.status == FAILED else st.score
            rows[student] = (st.status, score, st.max_score or worth)
        seen = set(lms.manifest(root, assignment)) | set(rows)
        for student in set(members) - seen:
            rows[student] = (MISSING, None, worth)
        table[assignment] = rows
    if refusals:
        raise PendingHandGrading("\n".join(refusals))
    return table


def export_lms(root: str | Path, out: str | Path, assignments: Sequence[str], system: str,
               allow_pending: bool = False, points: float | None = None) -> list[Path]:
    """Write the LMS import file (and for Canvas the status file); returns the paths.

    ``points`` rescales every score to that many points (the LMS assignment's worth).
    """
    system = check_choice("lms", system, lms.LMS)
    if points is not None:
        points = check_number("points", points, low=0, low_open=True)
    if not assignments:
        raise ValueError("name the assignment(s) to export")
    root, out = Path(root).resolve(), Path(out)
    table = gather(root, assignments, allow_pending)
    members = roster.load(root)
    headers = []
    if system == "canvas":
        headers = next((h for h in _canvas_headers(root)), [])
    origin = {s: info.get("lms", "") for a in assignments
              for s, info in lms.manifest(root, a).items()}
    origin.update({s: m.lms for s, m in members.items() if m.lms})
    students = sorted({s for rows in table.values() for s in rows
                       if origin.get(s, system) == system},
                      key=lambda s: (members[s].last_name, members[s].first_name, s)
                      if s in members else ("", "", s))

    def value(assignment: str, student: str) -> str:
        status, score, worth = table[assignment].get(student, (MISSING, None, 0.0))
        if score is None:
            return ""
        if points is not None and worth:
            score = score * points / worth
        return f"{score:.2f}".rstrip("0").rstrip(".")

    def note(assignment: str, student: str) -> str:
        status = table[assignment].get(student, (MISSING,))[0]
        return f"{status} (hand-graded points missing)" if status == PENDING else status

    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        if system == "canvas":
            columns = [_column(a, headers) for a in assignments]
            w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *columns])
            worth = [points if points is not None else
                     max((r[2] for r in table[a].values()), default=0) for a in assignments]
            w.writerow(["    Points Possible", "", "", "", "", *(f"{x:g}" for x in worth)])
            for s in students:
                m = members.get(s, roster.Member(s))
                sortable = ", ".join(filter(None, (m.last_name, m.first_name))) or m.name or s
                w.writerow([sortable, m.lms_user_id or s, m.sis_user_id, m.sis_login_id,
                            m.section, *(value(a, s) for a in assignments)])
        else:
            w.writerow(["Email address", "Full name",
                        *[c for a in assignments for c in (a, f"{a} status")]])
            for s in students:
                m = members.get(s, roster.Member(s))
                w.writerow([m.email or (s if "@" in s else ""), m.name or s,
                            *[c for a in assignments for c in (value(a, s), note(a, s))]])
    paths = [out]
    if system == "canvas":
        status_path = out.with_name(out.stem + "-status.csv")
        with status_path.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["ID", "Student", "assignment", "status", "score", "late", "submitted"])
            for a in assignments:
                details = lms.manifest(root, a)
                for s in students:
                    info = details.get(s, {})
                    m = members.get(s, roster.Member(s))
                    w.writerow([m.lms_user_id or s, m.name, a, note(a, s), value(a, s),
                                "late" if info.get("late") else "", info.get("time", "")])
        paths.append(status_path)
    return paths


def _canvas_headers(root: Path):
    """Assignment headers of the last Canvas roster, if the collect kept them."""
    path = root / "downloaded" / "canvas-columns.txt"
    if path.is_file():
        yield path.read_text(encoding="utf-8").splitlines()


def feedback_zip(root: str | Path, assignment: str, system: str, out: str | Path) -> tuple[
        Path, list[str]]:
    """Zip ``feedback/<student>/<assignment>/*.html`` for the LMS's bulk feedback upload.

    Returns the zip and the students left out (no feedback file, or not collected from
    ``system``, so the LMS prefix is unknown).
    """
    system = check_choice("lms", system, lms.LMS)
    root, out = Path(root).resolve(), Path(out)
    details = lms.manifest(root, assignment)
    folder = root / "feedback"
    left_out = []
    out.parent.mkdir(parents=True, exist_ok=True)
    with_feedback = {p.parent.name for p in folder.glob(f"*/{assignment}")} \
        if folder.is_dir() else set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for student in sorted(set(details) | with_feedback):
            info = details.get(student)
            if info is not None and info.get("lms") != system:
                continue  # collected from the other LMS: not this zip's business
            files = sorted((folder / student / assignment).glob("*.html"))
            if info is None or not files:
                left_out.append(student)
                continue
            for path in files:
                name = f"{path.stem}-feedback.html"
                entry = (f"{info['prefix']}{name}" if system == "canvas"
                         else f"{info['prefix']}/{name}")
                z.write(path, entry)
    return out, left_out


__all__ = ["GRADED", "FAILED", "PENDING", "MISSING", "PendingHandGrading", "export_lms",
           "feedback_zip"]
