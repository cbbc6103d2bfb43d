"""Realistic Canvas and Moodle downloads of a small class, built from the release (for tests).

Canvas: ``<name>_[late_]<user id>_<attachment id>_<file>`` in one flat zip; Moodle: one folder
``<Full name>_<participant id>_assignsubmission_file_`` per student. The cases are the ones of
the instructor trial: two students with the same name, a renamed file, a browser's ``(1)``
copy, a ``-1`` resubmission, an upload cut off half-way (broken JSON), a late submission, a
PDF beside a notebook, a Korean name stored without the zip's UTF-8 flag (CP949, as old
Windows zip tools write it) and a roster student who submitted nothing.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import nbformat

from marketing_kit.course.submissions import fill_answers


def notebooks(release: dict, source: dict) -> dict[str, str]:
    """``correct``, ``blank`` and ``broken`` texts of the (single-notebook) assignment."""
    name = sorted(release)[0]
    correct = nbformat.writes(fill_answers(release[name], source[name]))
    return {"correct": correct, "blank": nbformat.writes(release[name]),
            "broken": correct[: len(correct) // 2]}


class _LegacyName(zipfile.ZipInfo):
    """A zip entry whose name is stored as raw bytes without the UTF-8 flag."""

    __slots__ = ()

    def _encodeFilenameFlags(self):  # noqa: N802 - overrides zipfile's private hook
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def _legacy_entry(z: zipfile.ZipFile, name: str, data: str) -> None:
    """An entry whose name is CP949 bytes without the UTF-8 flag (old Windows zip tools)."""
    info = _LegacyName(name.encode("cp949").decode("cp437"), date_time=(2026, 11, 30, 9, 0, 0))
    z.writestr(info, data)


# user id, Canvas name part, sortable name, kind, file name pattern, late
CANVAS_CLASS = [
    ("10001", "kimminji", "Kim, Minji", "correct", "{a}.ipynb", False),
    ("10002", "leejihoon", "Lee, Jihoon", "blank", "{a}.ipynb", False),
    ("10004", "choidaniel", "Choi, Daniel", "broken", "{a}.ipynb", False),
    ("10005", "jungsuji", "Jung, Suji", "correct", "HW8_Jung_Suji.ipynb", True),
    ("10006", "kimminji", "Kim, Minji", "correct", "{a}-1.ipynb", False),
    ("10007", "hanyuna", "Han, Yuna", "correct", "{a} (1).ipynb", False),
]


def canvas_download(path: Path, assignment: str, texts: dict[str, str],
                    only: set[str] | None = None) -> Path:
    """A Canvas "Download Submissions" zip with every case of the trial (or ``only`` these)."""
    with zipfile.ZipFile(path, "w") as z:
        for i, (uid, name, _, kind, pattern, late) in enumerate(CANVAS_CLASS):
            if only is not None and uid not in only:
                continue
            file = pattern.format(a=assignment)
            info = zipfile.ZipInfo(f"{name}_{'late_' if late else ''}{uid}_{50001 + i}_{file}",
                                   date_time=(2026, 11, 30, 10 + i, 0, 0))
            z.writestr(info, texts[kind])
        if only is None:
            z.writestr("leejihoon_10002_50099_notes.pdf", b"%PDF-1.4 not a notebook")
            _legacy_entry(z, f"박서연_10008_50008_{assignment}.ipynb", texts["correct"])
    return path


def canvas_roster(path: Path, assignment: str) -> Path:
    """A Canvas gradebook export: the class above, one student who submitted nothing."""
    people = [(uid, sortable) for uid, _, sortable, *_ in CANVAS_CLASS]
    people += [("10008", "Park, Seoyeon"), ("10003", "Park, Jiwoo")]
    column = f"{assignment} (777001)"
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
        w.writerow(["    Points Possible", "", "", "", "", "14"])
        for uid, sortable in people:
            w.writerow([sortable, uid, f"2026{uid}", f"s{uid}", "Marketing 101", ""])
    return path


# participant id, full name, e-mail, kind, file name
MOODLE_CLASS = [
    ("201001", "Kim Minji", "minji.kim@uni.example", "correct", "{a}.ipynb"),
    ("201002", "이지훈", "jihoon.lee@uni.example", "broken", "{a}.ipynb"),
    ("201005", "Park Seoyeon", "seoyeon.park@uni.example", "correct", "{a} (1).ipynb"),
]


def moodle_download(path: Path, assignment: str, texts: dict[str, str],
                    only: set[str] | None = None) -> Path:
    """A Moodle "Download all submissions" zip (one folder per student, or ``only`` these)."""
    with zipfile.ZipFile(path, "w") as z:
        for pid, name, _, kind, pattern in MOODLE_CLASS:
            if only is not None and pid not in only:
                continue
            folder = f"{name}_{pid}_assignsubmission_file_"
            z.writestr(f"{folder}/{pattern.format(a=assignment)}", texts[kind])
        z.writestr("Kim Minji_201001_assignsubmission_file_/report.pdf", b"%PDF-1.4")
    return path


def moodle_worksheet(path: Path) -> Path:
    """The assignment's Moodle grading worksheet (one student without a submission)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Identifier", "Full name", "Email address", "Status", "Grade",
                    "Maximum Grade", "Last modified (submission)", "Feedback comments"])
        for pid, name, email, *_ in MOODLE_CLASS + [("201009", "Choi Yujin",
                                                      "yujin.choi@uni.example", "", "")]:
            w.writerow([f"Participant {pid}", name, email, "Submitted for grading", "", "14.00",
                        "Monday, 30 November 2026, 10:00 AM", ""])
    return path
