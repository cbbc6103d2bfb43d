"""``marketing-kit``: the instructor's command line (also ``python -m marketing_kit``).

Run it in the course folder (the one holding ``nbgrader_config.py``) or pass ``--root``::

    marketing-kit release                         # regenerate notebooks/ for every assignment
    marketing-kit collect 08-social-roi --zip submissions.zip --lms canvas
    marketing-kit grade 08-social-roi             # parallel autograde + summary table
    marketing-kit feedback 08-social-roi          # HTML feedback per student
    marketing-kit export --out grades.csv         # grades as CSV
    marketing-kit report 08-social-roi            # item analysis: CSV + PNG plots

See ``docs/instructor.md``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

DEFAULT_OUT = "artifacts"


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve()
    if not (root / "nbgrader_config.py").is_file():
        raise SystemExit(f"error: {root} is not a course folder (no nbgrader_config.py); "
                         "run inside the kit or pass --root")
    return root


def _students(text: str | None) -> list[str] | None:
    return [s.strip() for s in text.split(",") if s.strip()] if text else None


def _assignment(root: Path, name: str) -> str:
    from marketing_kit.course.nbgrader_api import assignments

    known = assignments(root)
    if name not in known:
        raise SystemExit(f"error: unknown assignment {name!r}; choose one of {known}")
    return name


def cmd_release(args: argparse.Namespace) -> int:
    from marketing_kit.course.distribute import release

    root = _root(args)
    if args.assignment:
        _assignment(root, args.assignment)
    done = release(root, args.assignment, exchange_root=args.exchange_root,
                   to_exchange=args.exchange)
    where = " and to the exchange" if args.exchange or args.exchange_root else ""
    print(f"released {len(done)} assignment(s) to notebooks/{where}: {', '.join(done)}")
    return 0


def cmd_collect(args: argparse.Namespace) -> int:
    from marketing_kit.course.distribute import collect_exchange, collect_zip

    root = _root(args)
    assignment = _assignment(root, args.assignment)
    if args.zip:
        students = collect_zip(root, assignment, args.zip, lms=args.lms, pattern=args.pattern)
    else:
        students = collect_exchange(root, assignment, args.exchange_root)
    print(f"collected {len(students)} submission(s) of {assignment} into submitted/: "
          f"{', '.join(students) if students else '(none)'}")
    return 0 if students else 1


def cmd_grade(args: argparse.Namespace) -> int:
    from marketing_kit.course.grading import (
        grade_class,
        submitted_students,
        summarise,
        summary_table,
    )
    from marketing_kit.course.progress import ProgressBar

    root = _root(args)
    assignment = _assignment(root, args.assignment)
    students = _students(args.students) or submitted_students(root, assignment)
    if not students:
        print(f"no submissions of {assignment} in {root / 'submitted'}", file=sys.stderr)
        return 1
    bar = ProgressBar(len(students), f"grading {assignment}")

    def note(outcome) -> None:
        text = f"{outcome.score:g}/{outcome.max_score:g}" if outcome.ok else "FAILED"
        bar.step(f"{outcome.student} {text}")

    overrides = {"Execute.timeout": args.timeout} if args.timeout else {}
    start = time.perf_counter()
    outcomes = grade_class(root, assignment, students, workers=args.workers,
                           overrides=overrides, progress=note)
    summary = summarise(outcomes, time.perf_counter() - start)
    print(summary_table(summary, outcomes))
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from marketing_kit.course.grading import generate_feedback
    from marketing_kit.course.progress import ProgressBar

    root = _root(args)
    assignment = _assignment(root, args.assignment)
    students = _students(args.students)
    if students is None:
        folder = root / "autograded"
        students = sorted(p.name for p in folder.glob("*") if (p / assignment).is_dir())
    if not students:
        print(f"nothing autograded for {assignment}: run `marketing-kit grade` first",
              file=sys.stderr)
        return 1
    bar = ProgressBar(len(students), f"feedback {assignment}")
    done = generate_feedback(root, assignment, students,
                             progress=lambda s, ok, err: bar.step(f"{s} {'ok' if ok else err}"))
    made = sum(done.values())
    print(f"feedback for {made}/{len(done)} student(s) in {root / 'feedback'}")
    return 0 if made else 1


def cmd_export(args: argparse.Namespace) -> int:
    from marketing_kit.course.grading import export_csv

    root = _root(args)
    for name in args.assignments:
        _assignment(root, name)
    out = Path(args.out) if args.out else root / DEFAULT_OUT / "grades.csv"
    path = export_csv(root, out, args.assignments)
    rows = max(0, len(path.read_text(encoding="utf-8").splitlines()) - 1)
    print(f"wrote {rows} grade row(s) to {path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import pandas as pd

    from marketing_kit.course.item_analysis import write_report

    root = _root(args)
    assignment = _assignment(root, args.assignment)
    out = Path(args.out) if args.out else root / DEFAULT_OUT / "report" / assignment
    paths = write_report(root, assignment, out)
    table = pd.read_csv(paths["items"], keep_default_na=False)
    shown = table[["grade_id", "points", "difficulty", "full_marks_share", "discrimination",
                   "point_biserial", "flags"]]
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(shown.to_string(index=False))
    print("\n".join(f"wrote {p}" for p in paths.values()))
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from marketing_kit.course.synthetic_class import build_class, read_assignment, write_class

    root = _root(args)
    assignment = _assignment(root, args.assignment)
    mix = None
    if args.mix:
        mix = {k.strip(): float(v) for k, v in (p.split("=") for p in args.mix.split(","))}
    release, source = read_assignment(root, assignment)
    students = build_class(release, source, args.n, seed=args.seed, mix=mix)
    write_class(root, assignment, students)
    kinds: dict[str, int] = {}
    for s in students:
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
    print(f"wrote {len(students)} synthetic submission(s) of {assignment} to submitted/: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marketing-kit",
        description="Instructor workflow for the marketing-kit course (nbgrader underneath).")
    parser.add_argument("--root", default=os.getcwd(),
                        help="course folder holding nbgrader_config.py (default: here)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("release", help="regenerate notebooks/ (all assignments or one)")
    p.add_argument("assignment", nargs="?", help="one assignment (default: all)")
    p.add_argument("--exchange", action="store_true",
                   help="also release to the nbgrader exchange configured in nbgrader_config")
    p.add_argument("--exchange-root", help="exchange folder (implies --exchange)")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("collect", help="take submissions into submitted/ (LMS zip or exchange)")
    p.add_argument("assignment")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--zip", help="LMS download: a .zip (or a folder) of per-student files")
    source.add_argument("--exchange", action="store_true", help="collect from the exchange")
    p.add_argument("--lms", default="canvas", choices=["canvas", "moodle"],
                   help="file-name pattern preset for --zip (default: canvas)")
    p.add_argument("--pattern", help="own regular expression with (?P<student_id>...) and "
                                     "(?P<file_id>...) groups, matched against each file's path")
    p.add_argument("--exchange-root", help="exchange folder (default: from nbgrader_config)")
    p.set_defaults(func=cmd_collect)

    p = sub.add_parser("grade", help="autograde every submission with a progress bar")
    p.add_argument("assignment")
    p.add_argument("--students", help="comma-separated student ids (default: all submitted)")
    p.add_argument("--workers", type=int, default=None,
                   help="parallel graders (default: number of CPU cores)")
    p.add_argument("--timeout", type=int, default=None,
                   help="seconds per cell before nbgrader interrupts it (default: config)")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("feedback", help="HTML feedback per student in feedback/")
    p.add_argument("assignment")
    p.add_argument("--students", help="comma-separated student ids (default: all autograded)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="grades as CSV (nbgrader's CSV exporter)")
    p.add_argument("assignments", nargs="*", help="limit to these assignments (default: all)")
    p.add_argument("--out", help=f"CSV path (default: {DEFAULT_OUT}/grades.csv)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", help="item analysis per grade_id: CSV + PNG plots")
    p.add_argument("assignment")
    p.add_argument("--out", help=f"folder (default: {DEFAULT_OUT}/report/<assignment>)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("simulate", help="write a seeded synthetic class into submitted/ (demo)")
    p.add_argument("assignment")
    p.add_argument("-n", type=int, default=30, help="number of students (default: 30)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mix", help="weights, e.g. correct=0.4,partial=0.4,blank=0.1,broken=0.1")
    p.set_defaults(func=cmd_simulate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``marketing-kit`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
