"""Hand assignments out and take submissions in: release, LMS zip collect, nbgrader exchange.

Three routes (see ``docs/instructor.md``):

- **release** regenerates ``notebooks/`` from ``solutions/`` (``nbgrader generate_assignment``),
  and optionally copies the release into an nbgrader exchange (``release_assignment``);
- **LMS download**: a zip of files named per student (Canvas, Moodle) is collected by
  :func:`marketing_kit.course.lms.collect_download` (stable ids, roster, reconciliation table);
  your own naming scheme goes through nbgrader's ``zip_collect`` with a regular expression with
  ``(?P<student_id>...)`` and ``(?P<file_id>...)`` groups (:func:`collect_zip`);
- **exchange**: on a shared server or JupyterHub, students fetch and submit through the
  exchange and ``collect`` copies the submissions into ``submitted/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from marketing_kit.course.nbgrader_api import assignments, db_url, load_api

#: File-name patterns of LMS bulk downloads. nbgrader matches them against the *full path* of
#: each extracted file, hence the leading ``.*/``.
LMS_PATTERNS = {
    # Canvas "Download Submissions": doejane_12345_67890_08-social-roi.ipynb, late ones carry
    # "late_" (doejane_late_12345_67890_...), and a resubmitted file gets "-1", "-2" appended.
    # The student id is the Canvas user id (12345): names collide, the id does not.
    "canvas": (r".*/[^/_]+_(?:late_|LATE_)?(?P<student_id>\d+)_\d+_"
               r"(?P<file_id>[^/]+?)(?:-\d+)?\.ipynb$"),
    # Moodle "Download all submissions": one folder per student, named
    # "Jane Doe_123456_assignsubmission_file_", holding the original file (older Moodle versions
    # put "Jane Doe_123456_assignsubmission_file_08-social-roi.ipynb" in one flat folder).
    # The student id is Moodle's participant number (names hold spaces).
    "moodle": (r".*/[^/]*?_(?P<student_id>\d+)_assignsubmission_file_/?"
               r"(?P<file_id>[^/]+)\.ipynb$"),
}


def _api(root: Path, exchange_root: str | Path | None = None):
    overrides: dict = {"CourseDirectory.db_url": db_url(root)}
    if exchange_root is not None:
        overrides["Exchange.root"] = str(Path(exchange_root).resolve())
    return load_api(root, **overrides)


def _check(result: dict, what: str) -> None:
    if not result["success"]:
        text = (result.get("error") or result.get("log") or "").strip()
        raise RuntimeError(f"{what} failed:\n{text[-2000:]}")


def release(root: str | Path, assignment: str | None = None,
            exchange_root: str | Path | None = None, to_exchange: bool = False) -> list[str]:
    """Regenerate ``notebooks/<assignment>`` (all assignments when ``None``).

    With ``to_exchange`` (or an ``exchange_root``) the release is also copied into the nbgrader
    exchange, where students fetch it. Returns the assignments released.
    """
    root = Path(root).resolve()
    known = assignments(root)
    if assignment is not None and assignment not in known:
        raise ValueError(f"assignment must be one of {known}, got {assignment!r}")
    chosen = [assignment] if assignment else known
    api = _api(root, exchange_root)
    for name in chosen:
        _check(api.generate_assignment(name, force=True), f"generate_assignment {name}")
        if to_exchange or exchange_root is not None:
            _check(api.release_assignment(name), f"release_assignment {name}")
    return chosen


def _snapshot(root: Path, assignment: str) -> dict[str, dict[str, int]]:
    folder = root / "submitted"
    if not folder.is_dir():
        return {}
    return {
        student.name: {f.name: f.stat().st_mtime_ns for f in (student / assignment).rglob("*")
                       if f.is_file()}
        for student in folder.iterdir() if (student / assignment).is_dir()
    }


def collect_zip(root: str | Path, assignment: str, archive: str | Path,
                lms: str = "canvas", pattern: str | None = None) -> list[str]:
    """Collect an LMS download (a zip, or a folder of files) into ``submitted/`` via zip_collect.

    ``pattern`` (a regular expression with ``student_id`` and ``file_id`` groups, matched against
    each file's full path) overrides the ``lms`` preset. Files whose name does not match, or
    whose notebook name is not in the release, are skipped. Returns the students collected.
    """
    root = Path(root).resolve()
    archive = Path(archive)
    if lms not in LMS_PATTERNS and pattern is None:
        raise ValueError(f"lms must be one of {sorted(LMS_PATTERNS)}, got {lms!r}")
    if not archive.exists():
        raise ValueError(f"archive {archive} does not exist")
    if not (root / "notebooks" / assignment).is_dir():
        raise ValueError(f"no release of {assignment!r} in {root / 'notebooks'}: run release first")
    regexp = pattern or LMS_PATTERNS[lms]
    if "(?P<student_id>" not in regexp or "(?P<file_id>" not in regexp:
        raise ValueError("pattern must define the groups (?P<student_id>...) and (?P<file_id>...)")
    inbox = root / "downloaded" / assignment / "archive"
    if inbox.exists():
        shutil.rmtree(inbox)
    inbox.mkdir(parents=True)
    if archive.is_dir():
        shutil.copytree(archive, inbox, dirs_exist_ok=True)
    else:
        shutil.copy2(archive, inbox / archive.name)
    before = _snapshot(root, assignment)
    command = [sys.executable, "-m", "nbgrader", "zip_collect", assignment, "--force",
               "--strict", f"--FileNameCollectorPlugin.named_regexp={regexp}",
               "--log-level=WARN"]
    run = subprocess.run(command, cwd=root, capture_output=True, text=True,
                         env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if run.returncode != 0:
        raise RuntimeError(f"nbgrader zip_collect failed:\n{(run.stderr or run.stdout)[-2000:]}")
    after = _snapshot(root, assignment)
    return sorted(s for s, files in after.items() if files != before.get(s))


def collect_exchange(root: str | Path, assignment: str,
                     exchange_root: str | Path | None = None) -> list[str]:
    """Copy the students' latest exchange submissions into ``submitted/`` (nbgrader collect)."""
    root = Path(root).resolve()
    before = _snapshot(root, assignment)
    _check(_api(root, exchange_root).collect(assignment, update=True), f"collect {assignment}")
    after = _snapshot(root, assignment)
    return sorted(s for s, files in after.items() if files != before.get(s))
