"""A seeded synthetic class: N student submissions built from an assignment's notebooks.

Every student starts from the *release* notebook and gets answers from the *source* notebook
(through :func:`marketing_kit.course.submissions.fill_answers`), so the class follows the
assignment as it is now. The mix of kinds is controlled:

- ``correct``: every answer from the solution;
- ``partial``: a random, non-empty, proper subset of the answers left as the stub or replaced by
  a typical mistake (when ``mistakes`` are given);
- ``blank``: the untouched release;
- ``broken``: cycles through ``invalid_json`` (an upload cut off half-way), ``kernel_death``
  (an answer calls ``os._exit``) and ``timeout`` (an answer sleeps past ``Execute.timeout``).

The same ``seed`` gives byte-identical files.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from marketing_kit._validate import check_number
from marketing_kit.course.submissions import fill_answers, grade_id, is_answer

KINDS = ("correct", "partial", "blank", "broken")
BROKEN = ("invalid_json", "kernel_death", "timeout")
DEFAULT_MIX = {"correct": 0.35, "partial": 0.4, "blank": 0.1, "broken": 0.15}
KERNEL_DEATH = "import os\nos._exit(1)  # the kernel dies here\n"
TIMEOUT = "import time\ntime.sleep(3600)  # runs past Execute.timeout\n"


@dataclass
class SyntheticStudent:
    """One synthetic submission: file name -> notebook (or raw text for a broken upload)."""

    student: str
    kind: str
    detail: str
    files: dict[str, nbformat.NotebookNode | str] = field(repr=False)


def kind_counts(n: int, mix: Mapping[str, float]) -> dict[str, int]:
    """Split ``n`` students over the kinds in ``mix`` (weights) by largest remainder."""
    n = int(check_number("n", n, low=1, integer=True))
    unknown = set(mix) - set(KINDS)
    if unknown:
        raise ValueError(f"mix has unknown kind(s) {sorted(unknown)}; allowed: {list(KINDS)}")
    weights = {k: check_number(f"mix[{k!r}]", w, low=0) for k, w in mix.items()}
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("mix must give at least one kind a positive weight")
    exact = {k: n * w / total for k, w in weights.items()}
    counts = {k: int(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: (counts[k] - exact[k], KINDS.index(k)))
    for k in by_remainder[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def build_class(
    release: Mapping[str, nbformat.NotebookNode],
    source: Mapping[str, nbformat.NotebookNode],
    n: int,
    seed: int = 0,
    mix: Mapping[str, float] | None = None,
    mistakes: Mapping[str, str] | None = None,
) -> list[SyntheticStudent]:
    """``n`` synthetic students for one assignment (notebook file name -> release/source).

    ``mistakes`` maps an answer grade_id to a typical wrong answer (for example from
    ``tests/mistakes/<assignment>.yml``); partial students use them besides blank stubs.
    """
    if set(release) != set(source) or not release:
        raise ValueError("release and source must name the same, non-empty set of notebooks")
    rng = random.Random(seed)
    counts = kind_counts(n, mix or DEFAULT_MIX)
    kinds = [k for k in KINDS for _ in range(counts.get(k, 0))]
    rng.shuffle(kinds)
    names = sorted(release)
    first = names[0]
    answers = {name: [grade_id(c) for c in source[name].cells if is_answer(c)] for name in names}
    if not any(answers.values()):
        raise ValueError("the source notebooks hold no answer cells")
    mistakes = dict(mistakes or {})
    students, broken_seen = [], 0
    for index, kind in enumerate(kinds, start=1):
        student = f"student{index:03d}"
        files: dict[str, nbformat.NotebookNode | str] = {}
        detail = ""
        if kind == "correct":
            files = {nb: fill_answers(release[nb], source[nb]) for nb in names}
        elif kind == "blank":
            files = {nb: nbformat.from_dict(release[nb]) for nb in names}
        elif kind == "partial":
            every = [(nb, g) for nb in names for g in answers[nb]]
            if len(every) == 1:
                chosen = every
            else:
                chosen = rng.sample(every, rng.randint(1, len(every) - 1))
            chosen_set = set(chosen)
            wrong = {key for key in chosen if key[1] in mistakes and rng.random() < 0.5}
            for nb in names:
                overrides = {g: mistakes[g] for (b, g) in wrong if b == nb}
                blank = {g for (b, g) in chosen_set - wrong if b == nb}
                files[nb] = fill_answers(release[nb], source[nb], overrides, blank)
            detail = ",".join(sorted(f"{g}:{'mistake' if (b, g) in wrong else 'blank'}"
                                     for b, g in chosen))
        else:
            detail = BROKEN[broken_seen % len(BROKEN)]
            broken_seen += 1
            files = {nb: fill_answers(release[nb], source[nb]) for nb in names}
            if detail == "invalid_json":
                text = nbformat.writes(files[first])
                files[first] = text[: len(text) // 2]
            else:
                target = next(g for nb in names for g in answers[nb])
                owner = next(nb for nb in names if target in answers[nb])
                stub = KERNEL_DEATH if detail == "kernel_death" else TIMEOUT
                files[owner] = fill_answers(release[owner], source[owner], {target: stub})
        students.append(SyntheticStudent(student, kind, detail, files))
    return students


def read_assignment(course_root: str | Path, assignment: str) -> tuple[dict, dict]:
    """(release, source) notebooks of ``assignment`` in the course at ``course_root``."""
    root = Path(course_root)
    release_dir = root / "notebooks" / assignment
    source_dir = root / "solutions" / assignment
    names = sorted(p.name for p in source_dir.glob("*.ipynb"))
    if not names:
        raise ValueError(f"assignment {assignment!r} has no notebook in {source_dir}")
    missing = [n for n in names if not (release_dir / n).is_file()]
    if missing:
        raise ValueError(f"release notebooks missing in {release_dir}: {missing}; "
                         "run `marketing-kit release` first")
    return ({n: nbformat.read(release_dir / n, as_version=4) for n in names},
            {n: nbformat.read(source_dir / n, as_version=4) for n in names})


def write_class(course_root: str | Path, assignment: str,
                students: list[SyntheticStudent]) -> list[Path]:
    """Write each student's files to ``submitted/<student>/<assignment>/``."""
    folders = []
    for student in students:
        folder = Path(course_root) / "submitted" / student.student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in student.files.items():
            text = content if isinstance(content, str) else nbformat.writes(content)
            (folder / name).write_text(text, encoding="utf-8")
        folders.append(folder)
    return folders
