"""Grade a whole class: parallel in-process nbgrader autograde, feedback and CSV export.

``nbgrader autograde`` grades one submission after another and pays ~2.5 s of start-up per
CLI call. :func:`grade_class` instead keeps one :class:`nbgrader.apps.NbGraderAPI` per worker
process and spreads the submissions over the CPU cores. Each submission is graded by nbgrader
itself (same preprocessors, same config), so the scores are nbgrader's. A submission that
breaks (invalid JSON, a kernel that dies, an error inside nbgrader) is recorded as a failure
and the batch goes on; a cell that runs past ``Execute.timeout`` is interrupted by nbgrader and
scores 0, like any failing cell.

The gradebook is one sqlite file shared by the workers. Writes are short transactions; the
workers open it with a generous sqlite busy timeout (``?timeout=``) so that a writer waits for
the lock instead of failing, and the students are created up front by the parent process so no
two processes ever create the same row.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import statistics
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from marketing_kit._validate import check_number
from marketing_kit.course.nbgrader_api import autograded_score, cell_scores, db_url, load_api
from marketing_kit.course.sandbox import require as require_sandbox


@dataclass(frozen=True)
class Outcome:
    """The result of autograding one submission."""

    student: str
    ok: bool
    score: float | None  # autograded points, None when grading failed
    max_score: float | None
    seconds: float
    error: str = ""  # last line of nbgrader's error for a failed submission


def submitted_students(root: str | Path, assignment: str) -> list[str]:
    """Students with a folder ``submitted/<student>/<assignment>/``, sorted."""
    folder = Path(root) / "submitted"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir())


def ensure_in_gradebook(root: str | Path, assignment: str, students: Iterable[str] = ()) -> None:
    """Register ``assignment`` (by generating it, as nbgrader requires) and ``students``.

    Creating the students here, in one process, keeps parallel graders from racing to insert
    the same row.
    """
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(root).resolve()
    with Gradebook(db_url(root)) as gradebook:
        try:
            known = bool(gradebook.find_assignment(assignment).notebooks)
        except MissingEntry:
            known = False
    if not known:
        result = load_api(root, **{"CourseDirectory.db_url": db_url(root)}).generate_assignment(
            assignment, force=True
        )
        if not result["success"]:
            raise RuntimeError(f"nbgrader could not generate {assignment!r}:\n{_tail(result)}")
    with Gradebook(db_url(root)) as gradebook:
        for student in students:
            gradebook.update_or_create_student(student)


_EXCEPTION = re.compile(r"^\s*(?:[\w.]+\.)?(\w+(?:Error|Exception|Exit))\b:?\s*(.*)$")


def _tail(result: dict, width: int = 120) -> str:
    """The root cause in nbgrader's captured log: the last exception that is not nbgrader's own."""
    text = "\n".join(filter(None, (result.get("log"), result.get("error"))))
    causes = [m.groups() for m in map(_EXCEPTION.match, text.splitlines())
              if m and m.group(1) != "NbGraderException"]
    if not causes:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1][:width] if lines else "unknown error"
    name, message = causes[-1]
    return f"{name}: {message}"[:width].rstrip(": ")


# --- worker side -------------------------------------------------------------------------------
_API = None


def _init_worker(root: str, overrides: dict, quiet: bool = False) -> None:
    global _API
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    if quiet:  # a pool worker: its kernels' start-up chatter would garble the progress bar
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    _API = load_api(root, **overrides)


def _grade_one(assignment: str, student: str) -> tuple[str, bool, float, str]:
    start = time.perf_counter()
    try:
        result = _API.autograde(assignment, student, force=True, create=True)
        ok, error = bool(result["success"]), "" if result["success"] else _tail(result)
    except Exception as exc:  # nbgrader raised instead of reporting: still one broken submission
        ok, error = False, f"{type(exc).__name__}: {exc}"
    return student, ok, time.perf_counter() - start, error


def grade_class(
    root: str | Path,
    assignment: str,
    students: Sequence[str] | None = None,
    workers: int | None = None,
    overrides: dict | None = None,
    progress: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Autograde every submission of ``assignment`` (or ``students``); never stops on a failure.

    ``workers`` processes grade in parallel (default: the number of CPU cores; 1 grades in this
    process). ``overrides`` are nbgrader settings such as ``{"Execute.timeout": 5}``.
    ``progress`` is called with each :class:`Outcome` as it finishes. Returns the outcomes in
    student order.

    The workers start through multiprocessing's forkserver, which re-imports a calling
    *script*: call this under ``if __name__ == "__main__":`` (notebooks and the CLI need nothing).
    """
    root = Path(root).resolve()
    students = list(students) if students is not None else submitted_students(root, assignment)
    workers = (os.cpu_count() or 1) if workers is None else workers
    workers = int(check_number("workers", workers, low=1, integer=True))
    overrides = {**(overrides or {}), "CourseDirectory.db_url": db_url(root)}
    if not students:
        return []
    require_sandbox(load_api(root, **overrides).config)  # one clear stop if bwrap is missing
    ensure_in_gradebook(root, assignment, students)

    raw: list[tuple[str, bool, float, str]] = []
    report = _reporter(root, assignment, progress, raw)
    if workers == 1 or len(students) == 1:
        _init_worker(str(root), overrides)
        for student in students:
            report(_grade_one(assignment, student))
    else:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(
            max_workers=min(workers, len(students)), mp_context=context,
            initializer=_init_worker, initargs=(str(root), overrides, True),
        ) as pool:
            futures = [pool.submit(_grade_one, assignment, s) for s in students]
            for future in as_completed(futures):
                report(future.result())
    order = {s: i for i, s in enumerate(students)}
    outcomes = [_outcome(root, assignment, *r) for r in raw]
    return sorted(outcomes, key=lambda o: order[o.student])


def _outcome(root: Path, assignment: str, student: str, ok: bool, seconds: float,
             error: str) -> Outcome:
    if not ok:
        return Outcome(student, False, None, None, seconds, error)
    score, maximum = autograded_score(cell_scores(root, assignment, student))
    return Outcome(student, True, score, maximum, seconds)


def _reporter(root: Path, assignment: str, progress, raw: list) -> Callable[[tuple], None]:
    def report(result: tuple) -> None:
        raw.append(result)
        if progress is not None:
            progress(_outcome(root, assignment, *result))

    return report


@dataclass(frozen=True)
class Summary:
    """Class-level numbers printed at the end of ``grade``."""

    count: int
    graded: int
    failed: int
    mean: float | None
    median: float | None
    max_score: float | None
    seconds: float


def summarise(outcomes: Sequence[Outcome], seconds: float = 0.0) -> Summary:
    """Count, mean, median (over graded submissions) and failures of ``outcomes``."""
    scores = [o.score for o in outcomes if o.ok]
    maxima = [o.max_score for o in outcomes if o.ok]
    return Summary(
        count=len(outcomes),
        graded=len(scores),
        failed=len(outcomes) - len(scores),
        mean=statistics.fmean(scores) if scores else None,
        median=statistics.median(scores) if scores else None,
        max_score=max(maxima) if maxima else None,
        seconds=seconds,
    )


def summary_table(summary: Summary, outcomes: Sequence[Outcome]) -> str:
    """A plain-text table of ``summary`` followed by the failed submissions and their reasons."""
    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{value:g}"

    rows = [
        ("submissions", str(summary.count)),
        ("graded", str(summary.graded)),
        ("failed", str(summary.failed)),
        ("mean", f"{fmt(summary.mean and round(summary.mean, 2))} / {fmt(summary.max_score)}"),
        ("median", f"{fmt(summary.median)} / {fmt(summary.max_score)}"),
        ("seconds", f"{summary.seconds:.1f}"),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"{key.ljust(width)}  {value}" for key, value in rows]
    failures = [o for o in outcomes if not o.ok]
    if failures:
        lines.append("failed submissions:")
        lines += [f"  {o.student}: {o.error}" for o in failures]
    return "\n".join(lines)


def generate_feedback(
    root: str | Path,
    assignment: str,
    students: Sequence[str] | None = None,
    progress: Callable[[str, bool, str], None] | None = None,
) -> dict[str, bool]:
    """HTML feedback in ``feedback/<student>/<assignment>/`` for every autograded submission.

    Returns ``{student: success}``; a failure (for example an ungraded submission) is reported
    through ``progress`` and skipped.
    """
    root = Path(root).resolve()
    if students is None:
        folder = root / "autograded"
        students = sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir()) \
            if folder.is_dir() else []
    api = load_api(root, **{"CourseDirectory.db_url": db_url(root)})
    done: dict[str, bool] = {}
    for student in students:
        try:
            result = api.generate_feedback(assignment, student, force=True)
            ok, error = bool(result["success"]), "" if result["success"] else _tail(result)
        except Exception as exc:
            ok, error = False, f"{type(exc).__name__}: {exc}"
        done[student] = ok
        if progress is not None:
            progress(student, ok, error)
    return done


def export_csv(root: str | Path, destination: str | Path,
               assignments: Sequence[str] = ()) -> Path:
    """Write the gradebook's grades as CSV with nbgrader's own CSV exporter.

    One row per student and assignment: ``assignment, duedate, timestamp, student_id,
    last_name, first_name, email, raw_score, late_submission_penalty, score, max_score``.
    ``assignments`` limits the export (default: all).
    """
    from nbgrader.api import Gradebook
    from nbgrader.plugins import CsvExportPlugin

    destination = Path(destination).resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    plugin = CsvExportPlugin(to=str(destination), assignment=list(assignments))
    with Gradebook(db_url(root)) as gradebook:
        plugin.export(gradebook)
    return destination
