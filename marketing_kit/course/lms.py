"""Collect an LMS bulk download (Canvas, Moodle) into ``submitted/`` without losing anyone.

File names, as the LMSs write them:

- **Canvas** "Download Submissions": ``<name>_<user id>_<attachment id>_<file>``, with
  ``late_`` before the user id for a late submission (``kimminji_late_10005_50005_...``) and
  ``-1``, ``-2`` appended to a resubmitted file's name. ``<name>`` is the sortable name squeezed
  to lower case, so two students called Kim Minji share it; the numeric **user id** does not
  change, so it is the student id here (the ``ID`` column of the gradebook export). Canvas
  itself reads the two numbers back from such names when feedback is re-uploaded
  (``infer_comment_context_from_filename`` in canvas-lms ``app/models/assignment.rb``).
- **Moodle** "Download all submissions": a folder ``<Full name>_<participant id>_assignsubmission
  _file_`` per student (older versions: that prefix on each file). The participant id is Moodle's
  per-assignment ``assign_user_mapping`` number, so it is mapped to a stable id (the e-mail)
  through the assignment's grading worksheet (:mod:`marketing_kit.course.roster`); without one
  the participant number is kept and a warning says so.

Every collect prints a reconciliation table: each file of the download, the student it went
to, and ``new`` / ``changed`` / ``unchanged`` / ``skipped`` with the reason, plus the roster's
students who submitted nothing. A notebook whose name is not the release's is still taken
when it is the student's only notebook (a renamed file, a browser's ``(1)`` copy), and the
table says so. Zip entries without the UTF-8 flag (old Windows zip tools) are decoded as UTF-8,
else CP949 (Korean Windows), else CP437.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from marketing_kit._validate import check_choice
from marketing_kit.course import roster as rosters

LMS = ("canvas", "moodle")
MANIFEST = "lms.json"
_CANVAS = re.compile(r"^(?P<name>[^_/]+?)_(?:(?P<late>late)_)?(?P<uid>\d+)_(?P<aid>\d+)_"
                     r"(?P<file>.+)$", re.I)
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<pid>\d+)_assign(?:submission|feedback)_[a-z]+_"
                     r"(?P<file>.*)$")
_COPY = re.compile(r"^(?P<stem>.*?)(?P<copy>-\d+| ?\(\d+\))?$")


@dataclass
class Row:
    """One line of the reconciliation table."""

    file: str
    student: str
    name: str
    status: str  # new, changed, unchanged, skipped, missing
    note: str = ""


@dataclass
class Reconciliation:
    """What a collect did, file by file."""

    assignment: str
    lms: str
    rows: list[Row] = field(default_factory=list)

    @property
    def collected(self) -> list[str]:
        return sorted({r.student for r in self.rows if r.status in ("new", "changed")})

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.rows)

    def table(self) -> str:
        """The plain-text table printed by ``marketing-kit collect``."""
        head = ("file in download", "student", "status", "note")
        body = [(r.file, f"{r.student} {r.name}".strip(), r.status, r.note) for r in self.rows]
        widths = [min(48, max(len(x[i]) for x in [head, *body])) for i in range(3)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(head[:3], widths, strict=True)) + "  note"]
        for row in body:
            cells = [c if len(c) <= w else c[: w - 1] + "~" for c, w in
                     zip(row[:3], widths, strict=True)]
            lines.append(("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
                          + "  " + row[3]).rstrip())
        counts = ", ".join(f"{s} {self.count(s)}" for s in
                           ("new", "changed", "unchanged", "skipped", "missing") if self.count(s))
        lines.append(f"{self.assignment} ({self.lms}): {counts or 'nothing in the download'}")
        return "\n".join(lines)


def _decode(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:  # the entry says it is UTF-8
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def read_download(archive: str | Path) -> list[tuple[str, bytes, datetime | None]]:
    """(path, bytes, time stamp) of every file in a zip (or a folder), names decoded readably."""
    archive = Path(archive)
    if not archive.exists():
        raise ValueError(f"archive {archive} does not exist")
    files = []
    if archive.is_dir():
        for path in sorted(p for p in archive.rglob("*") if p.is_file()):
            stamp = datetime.fromtimestamp(path.stat().st_mtime)
            files.append((path.relative_to(archive).as_posix(), path.read_bytes(), stamp))
        return files
    try:
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                files.append((_decode(info), z.read(info), datetime(*info.date_time)))
    except zipfile.BadZipFile as exc:
        raise ValueError(f"archive {archive} is not a zip file ({exc})") from exc
    return files


@dataclass
class _File:
    path: str
    data: bytes
    stamp: datetime | None
    key: str  # the LMS's id in the name (Canvas user id, Moodle participant number)
    name: str  # the LMS's name part
    file: str  # the student's file name
    late: bool
    prefix: str  # everything before the file name, as the LMS wrote it (for feedback upload)


def _parse(lms: str, path: str, data: bytes, stamp) -> _File | None:
    base = path.rsplit("/", 1)[-1]
    if lms == "canvas":
        m = _CANVAS.match(base)
        if not m:
            return None
        prefix = base[: m.start("file")]
        return _File(path, data, stamp, m["uid"], m["name"], m["file"], bool(m["late"]), prefix)
    parts = path.split("/")
    for i, part in enumerate(parts):
        m = _MOODLE.match(part)
        if m:
            rest = "/".join([m["file"], *parts[i + 1:]]).strip("/")
            prefix = part[: m.start("file")]
            return _File(path, data, stamp, m["pid"], m["name"], rest.rsplit("/", 1)[-1],
                         False, prefix)
    return None


def _valid_json(data: bytes) -> bool:
    try:
        json.loads(data.decode("utf-8"))
        return True
    except (UnicodeDecodeError, ValueError):
        return False


def _target(file: str, release: list[str], only: bool,
            others: dict[str, str] | None = None) -> tuple[str | None, str]:
    """The release notebook ``file`` stands for, and a note on how it was matched.

    ``others`` maps the notebook names of the *other* assignments to their assignment: such a
    file is never taken as a renamed copy (the zip of another assignment).
    """
    stem = file.removesuffix(".ipynb")
    m = _COPY.match(stem)
    if file in release:
        return file, ""
    if m and f"{m['stem']}.ipynb" in release:
        kind = "resubmission" if m["copy"].startswith("-") else "browser copy"
        return f"{m['stem']}.ipynb", f"{kind} {file!r} taken as {m['stem']}.ipynb"
    other = (others or {}).get(f"{m['stem']}.ipynb" if m else file)
    if other:
        return None, f"a notebook of {other}, not of this assignment (wrong download?)"
    if only and len(release) == 1:
        return release[0], f"renamed file {file!r} taken as {release[0]} (the only notebook)"
    return None, f"not a notebook of the release (expected {', '.join(release)})"


def collect_download(root: str | Path, assignment: str, archive: str | Path,
                     lms: str = "canvas", roster: str | Path | None = None) -> Reconciliation:
    """Collect ``archive`` (zip or folder) of ``assignment`` into ``submitted/<student id>/``.

    ``roster``: a Canvas gradebook export or the Moodle grading worksheet of this assignment.
    Writes ``timestamp.txt`` (nbgrader's submission time) and keeps the LMS's file prefix, late
    flag and time in ``downloaded/<assignment>/lms.json`` for the export and feedback upload.
    """
    lms = check_choice("lms", lms, LMS)
    root = Path(root).resolve()
    release_dir = root / "notebooks" / assignment
    release = sorted(p.name for p in release_dir.glob("*.ipynb"))
    others = {p.name: p.parent.name for p in (root / "notebooks").glob("*/*.ipynb")
              if p.parent.name != assignment and p.name not in release}
    if not release:
        raise ValueError(f"no release of {assignment!r} in {root / 'notebooks'}: run release first")
    members: list[rosters.Member] = []
    if roster is not None and lms == "canvas":
        members, columns = rosters.read_canvas_roster(roster)
        (root / "downloaded").mkdir(parents=True, exist_ok=True)
        (root / "downloaded" / "canvas-columns.txt").write_text("\n".join(columns),
                                                               encoding="utf-8")
    elif roster is not None:
        members = rosters.read_moodle_worksheet(roster, assignment)
    stored = rosters.merge(root, members) if members else rosters.load(root)
    by_participant = {m.participants[assignment]: m.student_id for m in stored.values()
                      if assignment in m.participants}
    report = Reconciliation(assignment, lms)
    parsed: dict[str, list[_File]] = {}
    for path, data, stamp in read_download(archive):
        entry = _parse(lms, path, data, stamp)
        if entry is None:
            report.rows.append(Row(path, "-", "", "skipped",
                                   f"name does not look like a {lms} download"))
            continue
        student = entry.key if lms == "canvas" else by_participant.get(entry.key, entry.key)
        parsed.setdefault(student, []).append(entry)
    if lms == "moodle" and parsed and not by_participant:
        report.rows.append(Row("(warning)", "-", "", "note",
                               "no grading worksheet given: students keyed on Moodle's "
                               "participant number, which differs in every assignment"))
    manifest_path = root / "downloaded" / assignment / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) \
        if manifest_path.is_file() else {}
    for student, entries in sorted(parsed.items()):
        known = stored.get(student)
        name = known.name if known else entries[0].name
        notebooks = [e for e in entries if e.file.endswith(".ipynb")]
        chosen: dict[str, tuple[_File, str]] = {}
        for entry in entries:
            if not entry.file.endswith(".ipynb"):
                report.rows.append(Row(entry.path, student, name, "skipped", "not a notebook"))
                continue
            target, note = _target(entry.file, release, len(notebooks) == 1, others)
            if target is None:
                report.rows.append(Row(entry.path, student, name, "skipped", note))
                continue
            if target in chosen:  # two copies: keep the newer one
                other, _ = chosen[target]
                newer = (entry.stamp or datetime.min) >= (other.stamp or datetime.min)
                old = other if newer else entry
                report.rows.append(Row(old.path, student, name, "skipped",
                                       f"older copy of {target}"))
                if not newer:
                    continue
            chosen[target] = (entry, note)
        folder = root / "submitted" / student / assignment
        for target, (entry, note) in sorted(chosen.items()):
            dest = folder / target
            status = ("new" if not dest.is_file() else
                      "unchanged" if dest.read_bytes() == entry.data else "changed")
            notes = [n for n in (note, "late" if entry.late else "") if n]
            if not _valid_json(entry.data):
                notes.append("not valid JSON: grading will fail it, ask for a re-upload")
            if status != "unchanged":
                folder.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(entry.data)
            report.rows.append(Row(entry.path, student, name, status, "; ".join(notes)))
        if chosen:
            first = next(iter(chosen.values()))[0]
            if first.stamp is not None:
                (folder / "timestamp.txt").write_text(
                    first.stamp.strftime("%Y-%m-%d %H:%M:%S"), encoding="utf-8")
            manifest[student] = {
                "lms": lms, "name": name, "key": first.key, "prefix": first.prefix,
                "late": any(e.late for e, _ in chosen.values()),
                "time": first.stamp.isoformat(sep=" ") if first.stamp else "",
                "files": {t: e.path for t, (e, _) in chosen.items()},
            }
    for member in sorted(stored.values(), key=lambda m: m.student_id):
        if member.lms == lms and member.student_id not in parsed and (
                lms == "canvas" or assignment in member.participants):
            report.rows.append(Row("(nothing submitted)", member.student_id, member.name,
                                   "missing"))
    manifest_path.parent.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False),
                             encoding="utf-8")
    _register(root, assignment, parsed, stored, manifest)
    return report


def _register(root: Path, assignment: str, parsed: dict, stored: dict, manifest: dict) -> None:
    """Put the students (with names from the roster or the download) into the gradebook."""
    members = []
    for student in parsed:
        member = stored.get(student)
        if member is None:
            info = manifest.get(student, {})
            member = rosters.Member(student_id=student, name=info.get("name", ""),
                                    lms=info.get("lms", ""),
                                    lms_user_id=student if info.get("lms") == "canvas" else "")
        members.append(member)
    members += [m for m in stored.values() if m.student_id not in parsed]
    if members:
        rosters.to_gradebook(root, members)


def manifest(root: str | Path, assignment: str) -> dict[str, dict]:
    """The LMS details kept by the last collect of ``assignment`` (student id -> details)."""
    path = Path(root) / "downloaded" / assignment / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

