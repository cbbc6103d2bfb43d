"""Hostile and broken submissions for the grading battery (``tests/test_grading_battery.py``).

Every fixture is derived from an assignment's release and solution notebooks, so a new
assignment is covered without writing anything by hand. The builders reuse
:mod:`marketing_kit.course.submissions`; what is new lives here:

* :func:`exercises` groups each answer cell with the test cells that follow it;
* :func:`bad_value_override` writes a NaN / inf / wrong-type answer for a plain answer cell;
* :func:`tamper` edits test cells and nbgrader metadata the ways a student could;
* :func:`runaway`, :func:`bad_values` and :func:`kernel_death` build whole submissions.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

import nbformat

from marketing_kit.course.submissions import fill_answers, grade_id, is_answer, solution_text

#: Lines the runaway submission prints in its first answer cell.
HUGE_LINES = 2_000_000
#: Replaces the last answer: an infinite loop (interrupted by ``Execute.timeout``).
INFINITE_LOOP = "while True:\n    pass\n"
#: Replaces an answer: the kernel process dies on the spot (nbgrader issue #427).
KERNEL_DEATH = "import os\nos._exit(1)\n"
#: Replaces the last answer of the bad-values submission (``sys.exit()`` raises the same).
QUIT = "raise SystemExit(0)\n"
#: IPython's ``exit()``: ipykernel stops its event loop 0.1 s later, so the kernel dies.
EXIT = "exit()\n"
#: A cell a student adds after the first answer: patches the checks the tests rely on.
PATCH = """import builtins, math
import numpy as np
real = isinstance
builtins.isinstance = lambda obj, cls: type(obj).__name__ == "Anything" or real(obj, cls)
math.isclose = lambda *args, **kwargs: True
np.isclose = np.allclose = lambda *args, **kwargs: True
"""
#: Defines ``Anything``, a float that compares equal to (and within range of) everything.
ANYTHING = """class Anything(float):
    def __eq__(self, other):
        return True
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    __hash__ = float.__hash__
"""
#: Wrong-type, NaN and inf values, cycled over the plain answers.
BAD_VALUES = ("float('nan')", "float('inf')", "None")


def is_test(cell: nbformat.NotebookNode) -> bool:
    """True for an autograded test cell (graded, not written by the student)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


@dataclass
class Exercise:
    """An answer cell, the test cells after it (up to the next answer) and its solution text."""

    answer: str
    solution: str
    tests: list[str] = field(default_factory=list)


def exercises(source: nbformat.NotebookNode) -> list[Exercise]:
    """Autograded exercises of a source notebook, in order (answers without tests are left out)."""
    found: list[Exercise] = []
    for cell in source.cells:
        if cell.cell_type == "code" and is_answer(cell):
            found.append(Exercise(grade_id(cell), solution_text(cell.source)))
        elif is_test(cell) and found:
            found[-1].tests.append(grade_id(cell))
    return [e for e in found if e.tests]


def test_sources(source: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> full source (hidden tests included) of every test cell of a source notebook."""
    return {grade_id(c): c.source for c in source.cells if is_test(c)}


def bad_value_override(solution: str, bad: str) -> str | None:
    """An answer that binds the solution's names to ``bad`` (an expression), or ``None``.

    Only answers made of top-level imports, plain assignments and ``def`` statements qualify:
    each assigned name becomes ``bad`` and each function returns ``bad``. Anything else (loops,
    tuple unpacking, attribute targets) is not rewritten, so the fixture never guesses.
    """
    try:
        tree = ast.parse(solution)
    except SyntaxError:
        return None
    lines: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                return None
            lines += [f"{t.id} = {bad}" for t in targets]
        elif isinstance(node, ast.FunctionDef):
            lines.append(f"def {node.name}(*args, **kwargs):\n    return {bad}")
        else:
            return None
    return "\n".join(lines) + "\n" if lines else None


def runaway(release, source) -> tuple[nbformat.NotebookNode, list[str]]:
    """Solution answers, a huge print in the first answer and an infinite loop in the last.

    Returns the submission and the test ids that must score 0 (the last exercise's).
    """
    found = exercises(source)
    first, last = found[0], found[-1]
    flood = f"print('x\\n' * {HUGE_LINES})\n"
    overrides = {first.answer: flood + first.solution, last.answer: INFINITE_LOOP}
    return fill_answers(release, source, overrides), list(last.tests)


def bad_values(release, source) -> tuple[nbformat.NotebookNode, dict[str, str], list[str]]:
    """NaN, inf and ``None`` answers, cycled over every rewritable answer but the last.

    The last answer raises ``SystemExit``. Returns the
    submission, {test id: bad value} for the rewritten answers, and the last exercise's test ids.
    """
    found = exercises(source)
    overrides: dict[str, str] = {}
    targets: dict[str, str] = {}
    for exercise in found[:-1]:
        bad = BAD_VALUES[len(overrides) % len(BAD_VALUES)]
        text = bad_value_override(exercise.solution, bad)
        if text is None:
            continue
        overrides[exercise.answer] = text
        targets.update(dict.fromkeys(exercise.tests, bad))
    overrides[found[-1].answer] = QUIT
    return fill_answers(release, source, overrides), targets, list(found[-1].tests)


def add_cell_after(notebook, answer: str, text: str) -> nbformat.NotebookNode:
    """``notebook`` with a new plain code cell holding ``text`` right after answer ``answer``."""
    index = next(i for i, c in enumerate(notebook.cells) if grade_id(c) == answer)
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(text))
    return notebook


def fooling(release, source) -> nbformat.NotebookNode:
    """Every rewritable answer is an ``Anything``; the first answer patches the checks first."""
    found = exercises(source)
    overrides = {}
    for exercise in found:
        text = bad_value_override(exercise.solution, "Anything(1.0)")
        if text is not None:
            overrides[exercise.answer] = text
    first = found[0].answer
    overrides[first] = PATCH + ANYTHING + overrides.get(first, "")
    return fill_answers(release, source, overrides)


def kernel_death(release, source, text: str = KERNEL_DEATH) -> nbformat.NotebookNode:
    """Solution answers, except that the first answer kills the kernel (``text``)."""
    return fill_answers(release, source, {exercises(source)[0].answer: text})


#: How :func:`tamper` edits successive test cells, in turn.
TAMPERS = (
    "pass",  # the test body replaced by `pass`
    "deleted",  # the test cell removed
    "duplicated",  # a `pass` copy with the same grade_id after the real one
    "points",  # `pass` and 100 points in the metadata
    "grade_id",  # `pass` under a new grade_id
    "unlocked",  # `pass`, unlocked and editable
    "plain",  # `pass`, nbgrader metadata removed
    "answer",  # `pass`, marked as a student answer cell
)


def tamper(release: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, dict[str, str]]:
    """The blank release with every test cell tampered (cycling :data:`TAMPERS`).

    Also adds a forged 50-point test cell and deletes the instructor's ordinary code cells
    (imports, worked example: nothing the student must keep, and it makes the run fast).
    Returns the notebook and {test id: tamper kind}.
    """
    notebook = copy.deepcopy(release)
    cells: list[nbformat.NotebookNode] = []
    kinds: dict[str, str] = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and "nbgrader" not in cell.metadata:
            continue
        if not is_test(cell):
            cells.append(cell)
            continue
        key = grade_id(cell)
        kind = TAMPERS[len(kinds) % len(TAMPERS)]
        kinds[key] = kind
        meta = cell.metadata.nbgrader
        if kind == "deleted":
            continue
        if kind == "duplicated":
            cells.append(cell)
            cell = copy.deepcopy(cell)
            cell["id"] = f"{cell.get('id', key)}-copy"[:64]
        cell.source = "pass"
        if kind == "points":
            meta["points"] = 100
        elif kind == "grade_id":
            meta["grade_id"] = f"{key}_mine"
        elif kind == "unlocked":
            meta["locked"] = False
            cell.metadata["editable"] = True
            cell.metadata["deletable"] = True
        elif kind == "plain":
            del cell.metadata["nbgrader"]
        elif kind == "answer":
            meta["solution"] = True
        cells.append(cell)
    forged = nbformat.v4.new_code_cell("pass")
    forged.metadata["nbgrader"] = {
        "grade": True, "solution": False, "locked": True, "points": 50,
        "grade_id": "bonus_tests", "schema_version": 3,
    }
    cells.append(forged)
    notebook.cells = cells
    return notebook, kinds


def stream_lines(cell: nbformat.NotebookNode) -> int:
    """Lines of stream output a code cell kept."""
    return sum(
        o.get("text", "").count("\n") + 1
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream"
    )


def first_error(cell: nbformat.NotebookNode) -> tuple[str, str] | None:
    """(ename, evalue) of a code cell's first error output, or ``None``."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", ""), output.get("evalue", "")
    return None
