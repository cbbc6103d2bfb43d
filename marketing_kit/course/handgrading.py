"""Hand-grading status: what is still to be marked, and hand marks that survive a regrade.

nbgrader's autograder flags every grade that has a hand mark as "needs manual grade" again on
each regrade (``SaveAutoGrades._add_score``), so a full regrade re-queues every reflection, and
a rewritten reflection keeps its old mark. :func:`snapshot` (before grading) and
:func:`reconcile` (after) fix both: a reflection whose text is unchanged keeps its mark and
leaves the queue; a changed one loses its mark and goes back to the queue.

:func:`class_status` gives each submission's status (``graded``, ``failed`` or
``needs hand-grading``), its autograded points and its total, for ``grade``, ``feedback`` and
``export``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from marketing_kit.course.nbgrader_api import db_url

GRADED, FAILED, PENDING, MISSING = "graded", "failed", "needs hand-grading", "missing"


def manual_cells(root: str | Path, assignment: str) -> dict[str, float]:
    """grade_id -> points of the hand-graded answer cells (nbgrader solution + grade cells)."""
    cells = {}
    for path in sorted((Path(root) / "solutions" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution") and meta.get("grade"):
                cells[meta["grade_id"]] = float(meta.get("points", 0))
    return cells


def _answers(root: Path, assignment: str, student: str, wanted: set[str]) -> dict[str, str]:
    """grade_id -> sha256 of the answer text in the student's autograded notebooks."""
    out = {}
    for path in sorted((root / "autograded" / student / assignment).glob("*.ipynb")):
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception:  # an unreadable old copy: treat every answer as changed
            continue
        for cell in notebook.cells:
            key = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if key in wanted:
                out[key] = hashlib.sha256(cell.source.strip().encode("utf-8")).hexdigest()
    return out


def snapshot(root: str | Path, assignment: str, students: list[str]) -> dict:
    """Before a regrade: each hand mark with a fingerprint of the answer it was given for."""
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root).resolve()
    wanted = set(manual_cells(root, assignment))
    marks: dict[tuple[str, str], tuple[float, str | None]] = {}
    if not wanted or not (root / "gradebook.db").is_file():
        return marks
    with Gradebook(db_url(root)) as gradebook:
        for student in students:
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                continue
            answers = _answers(root, assignment, student, wanted)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.name in wanted and grade.manual_score is not None:
                        marks[(student, grade.name)] = (grade.manual_score,
                                                        answers.get(grade.name))
    return marks


def reconcile(root: str | Path, assignment: str, marks: dict) -> dict[str, list[str]]:
    """After a regrade: keep marks of unchanged answers, drop marks of changed ones.

    Returns ``{"kept": [...], "invalidated": [...]}`` as ``student/grade_id`` strings.
    """
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root).resolve()
    done: dict[str, list[str]] = {"kept": [], "invalidated": []}
    if not marks:
        return done
    wanted = set(manual_cells(root, assignment))
    with Gradebook(db_url(root)) as gradebook:
        for (student, grade_id), (score, before) in sorted(marks.items()):
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                continue
            now = _answers(root, assignment, student, wanted).get(grade_id)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if grade.name != grade_id:
                        continue
                    if before is not None and now == before:
                        grade.manual_score, grade.needs_manual_grade = score, False
                        done["kept"].append(f"{student}/{grade_id}")
                    else:
                        grade.manual_score, grade.needs_manual_grade = None, True
                        done["invalidated"].append(f"{student}/{grade_id}")
        gradebook.db.commit()
    return done


def zero_blank_answers(root: str | Path, assignment: str, students: list[str]) -> list[str]:
    """Score 0, without a hand mark, every written answer left exactly as the release stub.

    nbgrader does this itself through the cell checksum, but with a ``MARK SCHEME`` block the
    checksum it saves in the gradebook is taken before the block is cleared
    (``GenerateAssignment.preprocessors`` runs ``SaveCells`` before ``ClearMarkScheme``), so an
    untouched stub never matches and waits for a hand mark. Returns ``student/grade_id``s.
    """
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root).resolve()
    wanted = set(manual_cells(root, assignment))
    stubs: dict[str, str] = {}
    for path in (root / "notebooks" / assignment).glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            key = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if key in wanted:
                stubs[key] = hashlib.sha256(cell.source.strip().encode("utf-8")).hexdigest()
    done = []
    if not stubs:
        return done
    with Gradebook(db_url(root)) as gradebook:
        for student in students:
            answers = _answers(root, assignment, student, wanted)
            try:
                submission = gradebook.find_submission(assignment, student)
            except MissingEntry:
                continue
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    if (grade.name in stubs and grade.manual_score is None
                            and answers.get(grade.name) == stubs[grade.name]):
                        grade.auto_score, grade.needs_manual_grade = 0.0, False
                        done.append(f"{student}/{grade.name}")
        gradebook.db.commit()
    return done


@dataclass
class Status:
    """One submission's state in the gradebook."""

    student: str
    status: str
    score: float  # every point earned so far (autograded + hand marks)
    max_score: float
    auto_score: float
    auto_max: float
    pending: list[str] = field(default_factory=list)  # grade_ids still to mark by hand


def class_status(root: str | Path, assignment: str) -> dict[str, Status]:
    """Status of every submission of ``assignment`` in the gradebook (student -> Status)."""
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root).resolve()
    out: dict[str, Status] = {}
    if not (root / "gradebook.db").is_file():
        return out
    with Gradebook(db_url(root)) as gradebook:
        try:
            row = gradebook.find_assignment(assignment)
        except MissingEntry:
            return out
        for submission in row.submissions:
            grades = [g for nb in submission.notebooks for g in nb.grades]
            code = [g for g in grades if g.cell.cell_type == "code"]
            pending = sorted(g.name for g in grades if g.needs_manual_grade)
            failed = not grades or (bool(code) and all(g.auto_score is None for g in code))
            status = FAILED if failed else PENDING if pending else GRADED
            out[submission.student.id] = Status(
                student=submission.student.id, status=status,
                score=float(sum(g.score for g in grades)),
                max_score=float(sum(g.max_score for g in grades)),
                auto_score=float(sum(g.auto_score or 0 for g in code)),
                auto_max=float(sum(g.max_score for g in code)),
                pending=pending if not failed else [])
    return out


def pending_message(assignment: str, statuses: dict[str, Status]) -> str:
    """The refusal shown by ``feedback`` and ``export`` while marks are pending ('' if none)."""
    waiting = {s: st.pending for s, st in sorted(statuses.items()) if st.status == PENDING}
    if not waiting:
        return ""
    cells = sorted({c for v in waiting.values() for c in v})
    return (f"{assignment}: {len(waiting)} submission(s) still need hand-grading "
            f"({', '.join(cells)}): {', '.join(waiting)}. Mark them in Formgrader -> Manual "
            f"Grading (rubrics: marketing-kit rubric {assignment}), or pass --allow-pending "
            "to go on with the hand-graded points missing")


def report(root: str | Path, assignment: str, changes: dict[str, list[str]]) -> str:
    """The lines after ``grade``'s table: points split, hand-grading queue, kept/dropped marks."""
    manual = manual_cells(root, assignment)
    statuses = class_status(root, assignment)
    graded = [s for s in statuses.values() if s.status != FAILED]
    auto_max = max((s.auto_max for s in graded), default=0.0)
    total = max((s.max_score for s in graded), default=auto_max + sum(manual.values()))
    lines = [f"points       {auto_max:g} autograded + {total - auto_max:g} hand-graded "
             f"= {total:g}"]
    waiting = {s.student: s.pending for s in graded if s.status == PENDING}
    if waiting:
        cells = sorted({c for v in waiting.values() for c in v})
        lines.append(f"needs hand-grading: {len(waiting)} submission(s), cells "
                     f"{', '.join(cells)}: open Formgrader -> Manual Grading; rubrics: "
                     f"marketing-kit rubric {assignment}")
        lines += [f"  {student}: {', '.join(v)}" for student, v in sorted(waiting.items())]
    elif manual:
        lines.append("hand-grading: every written answer is marked")
    if changes.get("blank"):
        lines.append(f"written answers left blank, scored 0: {', '.join(changes['blank'])}")
    if changes.get("kept"):
        lines.append(f"hand marks kept (answer unchanged): {', '.join(changes['kept'])}")
    if changes.get("invalidated"):
        lines.append("hand marks dropped (answer changed, mark it again): "
                     + ", ".join(changes["invalidated"]))
    return "\n".join(lines)


PENDING_BANNER = ('<div style="border:2px solid #b45309;padding:8px;margin:8px 0">'
                  "Your written answers are not marked yet: their score below reads 0 for now "
                  "and will be updated.</div>")


def mark_pending_feedback(root: str | Path, assignment: str, students: list[str]) -> None:
    """Put a notice at the top of feedback made before the hand marks were in."""
    for student in students:
        for page in (Path(root) / "feedback" / student / assignment).glob("*.html"):
            text = page.read_text(encoding="utf-8")
            if PENDING_BANNER not in text:
                page.write_text(text.replace("<body>", "<body>" + PENDING_BANNER, 1),
                                encoding="utf-8")
