"""``marketing-kit``: the instructor's command line (also ``python -m marketing_kit``).

Run it in the course folder (the one holding ``nbgrader_config.py``) or pass ``--root``::

    marketing-kit release                         # regenerate notebooks/ for every assignment
    marketing-kit collect 08-social-roi --zip submissions.zip --lms canvas --roster grades.csv
    marketing-kit grade 08-social-roi             # parallel autograde + summary table
    marketing-kit feedback 08-social-roi --lms-zip canvas   # HTML feedback + LMS upload zip
    marketing-kit export 08-social-roi --lms canvas         # gradebook import file
    marketing-kit report 08-social-roi            # item analysis: CSV + PNG plots
    marketing-kit rubric 08-social-roi            # graders' rubric page
    marketing-kit simulate 08-social-roi -n 20    # synthetic class in artifacts/demo/
    marketing-kit reset                           # back up, then delete the course data

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
EXPORTS = "artifacts/exports"  # git-ignored: grades and feedback zips never land in the repo


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
    from marketing_kit.course.lms import collect_download

    root = _root(args)
    assignment = _assignment(root, args.assignment)
    if args.zip and not args.pattern:
        report = collect_download(root, assignment, args.zip, lms=args.lms, roster=args.roster)
        print(report.table())
        collected = report.collected
        print(f"collected {len(collected)} new or changed submission(s) of {assignment} into "
              f"submitted/: {', '.join(collected) if collected else '(none)'}")
        return 0 if collected or report.count("unchanged") else 1
    if args.zip:
        students = collect_zip(root, assignment, args.zip, lms=args.lms, pattern=args.pattern)
    else:
        students = collect_exchange(root, assignment, args.exchange_root)
    print(f"collected {len(students)} submission(s) of {assignment} into submitted/: "
          f"{', '.join(students) if students else '(none)'}")
    return 0 if students else 1


def cmd_grade(args: argparse.Namespace) -> int:
    from marketing_kit.course import handgrading
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
        print(f"no submissions of {assignment} in {root / 'submitted'}: run "
              "`marketing-kit collect` first", file=sys.stderr)
        return 1
    bar = ProgressBar(len(students), f"grading {assignment}")

    def note(outcome) -> None:
        text = f"{outcome.score:g}/{outcome.max_score:g}" if outcome.ok else "FAILED"
        bar.step(f"{outcome.student} {text}")

    overrides = {"Execute.timeout": args.timeout} if args.timeout else {}
    marks = handgrading.snapshot(root, assignment, students)
    start = time.perf_counter()
    outcomes = grade_class(root, assignment, students, workers=args.workers,
                           overrides=overrides, progress=note)
    summary = summarise(outcomes, time.perf_counter() - start)
    changes = handgrading.reconcile(root, assignment, marks)
    changes["blank"] = handgrading.zero_blank_answers(root, assignment, students)
    print(summary_table(summary, outcomes))
    print(handgrading.report(root, assignment, changes))
    return 0


def _pending_gate(root: Path, assignments: list[str], allow: bool) -> str:
    """Refuse (SystemExit) while hand marks are pending, unless ``allow``; returns the notice."""
    from marketing_kit.course import handgrading

    messages = [handgrading.pending_message(a, handgrading.class_status(root, a))
                for a in assignments]
    text = "\n".join(m for m in messages if m)
    if text and not allow:
        raise SystemExit(f"error: {text}")
    return text


def cmd_feedback(args: argparse.Namespace) -> int:
    from marketing_kit.course.grading import generate_feedback, submitted_students
    from marketing_kit.course.handgrading import mark_pending_feedback
    from marketing_kit.course.lms_export import feedback_zip
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
    notice = _pending_gate(root, [assignment], args.allow_pending)
    if notice:
        print(f"warning: going on although {notice}", file=sys.stderr)
    bar = ProgressBar(len(students), f"feedback {assignment}")
    done = generate_feedback(root, assignment, students,
                             progress=lambda s, ok, err: bar.step(f"{s} {'ok' if ok else err}"))
    made = sum(done.values())
    if notice:
        mark_pending_feedback(root, assignment, [s for s, ok in done.items() if ok])
    print(f"feedback for {made}/{len(done)} student(s) in {root / 'feedback'}")
    asked = set(students) if args.students else set(students) | set(
        submitted_students(root, assignment))
    failed = sorted(asked - {s for s, ok in done.items() if ok})
    if failed:
        print(f"no feedback (grading failed or not graded): {', '.join(failed)}")
    if args.lms_zip:
        out = Path(args.out) if args.out else \
            root / EXPORTS / f"{assignment}-feedback-{args.lms_zip}.zip"
        path, left = feedback_zip(root, assignment, args.lms_zip, out)
        print(f"wrote {path} for the {args.lms_zip} bulk feedback upload"
              + (f"; left out (not collected from {args.lms_zip}, or no feedback): "
                 f"{', '.join(left)}" if left else ""))
    return 0 if made else 1


def cmd_export(args: argparse.Namespace) -> int:
    from marketing_kit.course.grading import export_csv
    from marketing_kit.course.lms_export import export_lms
    from marketing_kit.course.nbgrader_api import assignments as known

    root = _root(args)
    for name in args.assignments:
        _assignment(root, name)
    if args.lms:
        chosen = args.assignments or [a for a in known(root)
                                      if any((root / "submitted").glob(f"*/{a}"))]
        if not chosen:
            raise SystemExit("error: nothing collected yet; name the assignment(s) to export")
        notice = _pending_gate(root, chosen, args.allow_pending)
        out = Path(args.out) if args.out else root / EXPORTS / f"grades-{args.lms}.csv"
        paths = export_lms(root, out, chosen, args.lms, allow_pending=True, points=args.points)
        rows = max(0, len(paths[0].read_text(encoding="utf-8").splitlines()) - 1
                   - (args.lms == "canvas"))
        print(f"wrote {rows} student row(s) of {', '.join(chosen)} to {paths[0]}")
        if len(paths) > 1:
            print(f"status (graded / failed / missing / needs hand-grading) in {paths[1]}")
        if notice:
            print(f"warning: exported although {notice}", file=sys.stderr)
        return 0
    notice = _pending_gate(root, args.assignments or known(root), args.allow_pending)
    if notice:
        print(f"warning: exported although {notice}", file=sys.stderr)
    out = Path(args.out) if args.out else root / EXPORTS / "grades.csv"
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
    notes: list[str] = []
    paths = write_report(root, assignment, out, exclude_blank=args.exclude_blank, warnings=notes)
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    table = pd.read_csv(paths["items"], keep_default_na=False)
    shown = table[["grade_id", "points", "difficulty", "full_marks_share", "discrimination",
                   "point_biserial", "flags"]]
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(shown.to_string(index=False))
    print("\n".join(f"wrote {p}" for p in paths.values()))
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from marketing_kit.course.safety import demo_course
    from marketing_kit.course.synthetic_class import build_class, read_assignment, write_class

    root = _root(args)
    assignment = _assignment(root, args.assignment)
    mix = None
    if args.mix:
        mix = {k.strip(): float(v) for k, v in (p.split("=") for p in args.mix.split(","))}
    demo = demo_course(root, args.demo_dir)
    release, source = read_assignment(demo, assignment)
    students = build_class(release, source, args.n, seed=args.seed, mix=mix)
    write_class(demo, assignment, students)
    kinds: dict[str, int] = {}
    for s in students:
        kinds[s.kind] = kinds.get(s.kind, 0) + 1
    print(f"wrote {len(students)} synthetic submission(s) of {assignment} to the demo course "
          f"{demo} (not your class): " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if demo != root:
        print(f"next: marketing-kit --root {demo} grade {assignment}")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from marketing_kit.course.safety import present, reset

    root = _root(args)
    items = present(root)
    if not items:
        print(f"nothing to reset in {root}")
        return 0
    print(f"this deletes {', '.join(items)} in {root}, hand marks included;\n"
          f"a backup goes to {root / 'backups'} first")
    if not args.yes:
        try:
            answer = input("type 'reset' to go on: ")
        except EOFError:
            answer = ""
        if answer.strip() != "reset":
            print("nothing deleted")
            return 1
    saved = reset(root)
    print(f"deleted {', '.join(items)}; backup in {saved}")
    return 0


def cmd_rubric(args: argparse.Namespace) -> int:
    from marketing_kit.course.rubric import write_rubric

    root = _root(args)
    assignment = _assignment(root, args.assignment)
    out = Path(args.out) if args.out else root / EXPORTS / f"{assignment}-rubric.html"
    path, count = write_rubric(root, assignment, out)
    print(f"wrote the rubric of {count} hand-graded answer(s) to {path}")
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
                   help="which LMS made the download (default: canvas)")
    p.add_argument("--roster", help="Canvas gradebook export, or the Moodle grading worksheet "
                                    "of this assignment (names, e-mails, stable ids)")
    p.add_argument("--pattern", help="own regular expression with (?P<student_id>...) and "
                                     "(?P<file_id>...) groups, matched against each file's path "
                                     "(nbgrader zip_collect; no reconciliation table)")
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

    p = sub.add_parser("feedback", help="HTML feedback per student in feedback/ (+ LMS zip)")
    p.add_argument("assignment")
    p.add_argument("--students", help="comma-separated student ids (default: all autograded)")
    p.add_argument("--lms-zip", choices=["canvas", "moodle"],
                   help="also zip the feedback for Canvas re-upload / Moodle feedback files")
    p.add_argument("--out", help=f"zip path (default: {EXPORTS}/<assignment>-feedback-<lms>.zip)")
    p.add_argument("--allow-pending", action="store_true",
                   help="go on although written answers are not hand-graded yet")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="grades as CSV: an LMS import file, or nbgrader's CSV")
    p.add_argument("assignments", nargs="*",
                   help="these assignments (default: with --lms, the ones collected; else all)")
    p.add_argument("--lms", choices=["canvas", "moodle"],
                   help="write the LMS's gradebook import file (one row per student)")
    p.add_argument("--points", type=float, help="rescale scores to this many points")
    p.add_argument("--allow-pending", action="store_true",
                   help="export although written answers are not hand-graded yet")
    p.add_argument("--out", help=f"CSV path (default: {EXPORTS}/grades[-<lms>].csv)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", help="item analysis per grade_id: CSV + PNG plots")
    p.add_argument("assignment")
    p.add_argument("--out", help=f"folder (default: {DEFAULT_OUT}/report/<assignment>)")
    p.add_argument("--exclude-blank", action="store_true",
                   help="leave out blank submissions (no answer cell changed)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("simulate", help="a seeded synthetic class in a separate demo course")
    p.add_argument("assignment")
    p.add_argument("--demo-dir", help="demo course folder (default: artifacts/demo)")
    p.add_argument("-n", type=int, default=30, help="number of students (default: 30)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--mix", help="weights, e.g. correct=0.4,partial=0.4,blank=0.1,broken=0.1")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("reset", help="back up, then delete submissions, grades and feedback")
    p.add_argument("--yes", action="store_true", help="do not ask (the backup is still made)")
    p.set_defaults(func=cmd_reset)

    p = sub.add_parser("rubric", help="HTML page of the hand-graded answers' rubrics")
    p.add_argument("assignment")
    p.add_argument("--out", help=f"HTML path (default: {EXPORTS}/<assignment>-rubric.html)")
    p.set_defaults(func=cmd_rubric)
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
