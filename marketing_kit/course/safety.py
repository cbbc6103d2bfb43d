"""Keep demo data and destructive commands away from a real class.

- :func:`demo_course` makes (or reuses) a separate demo course folder, by default
  ``artifacts/demo/`` of the course, marked by a ``.marketing-kit-demo`` file. ``simulate``
  writes its synthetic students only there.
- :func:`backup` copies ``gradebook.db`` (with sqlite's online backup, so a running formgrader
  does not leave a torn copy) and zips ``submitted/``, ``autograded/``, ``feedback/`` and
  ``downloaded/`` into ``backups/<time>/``; :func:`reset` backs up, then deletes them.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from marketing_kit.course.nbgrader_api import copy_course

DEMO_MARKER = ".marketing-kit-demo"
COURSE_DATA = ("submitted", "autograded", "feedback", "downloaded", "gradebook.db")


def is_demo(root: str | Path) -> bool:
    """True for a course folder made by :func:`demo_course`."""
    return (Path(root) / DEMO_MARKER).is_file()


def demo_course(root: str | Path, folder: str | Path | None = None) -> Path:
    """A demo copy of the course at ``root`` (config, solutions, release), made once.

    A ``root`` that is itself a demo course is returned as it is. ``folder`` must not be the
    course itself or hold real course data.
    """
    root = Path(root).resolve()
    if is_demo(root):
        return root
    folder = Path(folder).resolve() if folder else root / "artifacts" / "demo"
    if folder == root:
        raise ValueError("the demo folder must not be the course folder itself")
    if folder.exists() and not is_demo(folder) and any(folder.iterdir()):
        raise ValueError(f"{folder} exists and is not a demo course: choose another --demo-dir")
    copy_course(folder, root)
    (folder / DEMO_MARKER).write_text("made by `marketing-kit simulate`; safe to delete\n",
                                      encoding="utf-8")
    return folder


def present(root: str | Path) -> list[str]:
    """The course-data items that exist at ``root``."""
    return [name for name in COURSE_DATA if (Path(root) / name).exists()]


def backup(root: str | Path) -> Path:
    """Copy the gradebook and zip the course data into ``backups/<YYYYmmdd-HHMMSS>/``."""
    root = Path(root).resolve()
    target = root / "backups" / datetime.now().strftime("%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=True)
    gradebook = root / "gradebook.db"
    if gradebook.is_file():
        source, copy = sqlite3.connect(gradebook), sqlite3.connect(target / "gradebook.db")
        with copy:
            source.backup(copy)
        source.close()
        copy.close()
    folders = [n for n in COURSE_DATA[:-1] if (root / n).is_dir()]
    if folders:
        staging = target / "course-data"
        for name in folders:
            shutil.copytree(root / name, staging / name)
        shutil.make_archive(str(target / "course-data"), "zip", staging)
        shutil.rmtree(staging)
    return target


def reset(root: str | Path) -> Path:
    """Back up (see :func:`backup`), then delete the course data. Returns the backup folder."""
    root = Path(root).resolve()
    saved = backup(root)
    for name in present(root):
        path = root / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    return saved
