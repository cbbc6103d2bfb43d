"""Drive nbgrader in-process through :class:`nbgrader.apps.NbGraderAPI`.

The course lives at a root holding ``nbgrader_config.py``, ``solutions/`` (source) and
``notebooks/`` (release). In-process calls skip the ~2.5 s start-up of each CLI call.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

#: Seconds a process waits for the gradebook's write lock before sqlite gives up (parallel grading).
SQLITE_BUSY_TIMEOUT = 120


def db_url(root: str | Path) -> str:
    """The course's sqlite gradebook URL, with a busy timeout so parallel writers queue."""
    return f"sqlite:///{Path(root).resolve() / 'gradebook.db'}?timeout={SQLITE_BUSY_TIMEOUT}"


def assignments(root: str | Path = REPO_ROOT) -> list[str]:
    """Assignment ids: the folders of ``solutions/`` that hold a notebook, sorted."""
    source = Path(root) / "solutions"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def english_assignments(root: str | Path = REPO_ROOT) -> list[str]:
    """The assignments that are not a generated Korean twin (``NN-topic-ko``)."""
    from marketing_kit.i18n.edition import english_name

    return [a for a in assignments(root) if english_name(a) is None]


def ensure_tools_on_path() -> None:
    """Put this interpreter's ``bin/`` on ``PATH``.

    nbgrader runs the ``alembic`` executable when it creates a new gradebook; when the kit is
    used as ``.venv/bin/python`` without activating the venv, ``alembic`` is not on ``PATH`` and
    the first ``generate_assignment`` of a fresh course fails.
    """
    folder = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if shutil.which("alembic") is None and folder not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, [folder, path]))


def load_api(root: str | Path, **overrides: object):
    """An ``NbGraderAPI`` for the course at ``root``, configured from its ``nbgrader_config.py``.

    ``overrides`` are dotted traitlets settings, for example ``{"Execute.timeout": 5}``.
    """
    ensure_tools_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    root = Path(root).resolve()
    config = Config()
    config_file = root / "nbgrader_config.py"
    if config_file.is_file():
        config.merge(PyFileConfigLoader(config_file.name, path=str(root)).load_config())
    config.CourseDirectory.root = str(root)
    for dotted, value in overrides.items():
        section, _, key = dotted.rpartition(".")
        if not section:
            raise ValueError(f"override {dotted!r} must look like 'Section.setting'")
        config[section][key] = value
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def copy_course(destination: str | Path, root: str | Path = REPO_ROOT) -> Path:
    """Copy the course (config, solutions, release) to ``destination`` for isolated grading."""
    root, destination = Path(root), Path(destination)
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "nbgrader_config.py", destination / "nbgrader_config.py")
    for folder in ("solutions", "notebooks"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, destination / folder, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return destination


@dataclass(frozen=True)
class CellScore:
    """One graded cell of one submission."""

    grade_id: str
    cell_type: str  # "code" (autograded tests) or "markdown" (manually graded)
    score: float
    max_score: float


def cell_scores(root: str | Path, assignment: str, student: str) -> list[CellScore]:
    """Per-cell scores of a graded submission, read from the course's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url(root)) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return [
            CellScore(grade.name, grade.cell.cell_type, float(grade.score), float(grade.max_score))
            for notebook in submission.notebooks
            for grade in notebook.grades
        ]


def autograded_score(scores: list[CellScore]) -> tuple[float, float]:
    """(score, maximum) over the autograded (code) cells of :func:`cell_scores`."""
    code = [s for s in scores if s.cell_type == "code"]
    return sum(s.score for s in code), sum(s.max_score for s in code)
