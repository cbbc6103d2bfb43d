"""Grader's rubric pages: every hand-graded answer with its prompt, points, rubric and model.

The rubric of a reflection lives in the source notebook, after ``### END SOLUTION``, between
``### BEGIN MARK SCHEME`` and ``### END MARK SCHEME``. nbgrader's ``ClearMarkScheme`` strips it
from the release, and the formgrader shows the grader the student's *autograded* notebook
(``SubmissionHandler`` in ``nbgrader/server_extensions/formgrader/handlers.py`` opens
``autograded/<student>/<assignment>/<notebook>.ipynb``), which came from the release: so the
grader never sees the rubric there. ``marketing-kit rubric ASSIGNMENT`` writes it to one HTML
page per assignment to keep open beside the formgrader.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import mistune
import nbformat

_SOLUTION = re.compile(r"### BEGIN SOLUTION\n?(.*?)### END SOLUTION", re.S)
_SCHEME = re.compile(r"### BEGIN MARK SCHEME\n?(.*?)### END MARK SCHEME", re.S)


@dataclass(frozen=True)
class Reflection:
    """One hand-graded answer cell of a source notebook."""

    notebook: str
    grade_id: str
    points: float
    prompt: str
    rubric: str  # '' when the cell has no MARK SCHEME block yet
    model_answer: str



def _is_answer(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("solution") or meta.get("grade"))

def reflections(root: str | Path, assignment: str) -> list[Reflection]:
    """The hand-graded answer cells of ``solutions/<assignment>/*.ipynb``, in order."""
    folder = Path(root) / "solutions" / assignment
    paths = sorted(folder.glob("*.ipynb"))
    if not paths:
        raise ValueError(f"assignment {assignment!r} has no notebook in {folder}")
    found = []
    for path in paths:
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not (meta.get("solution") and meta.get("grade")):
                continue
            # The prompt is the nearest markdown cell above (often a locked prompt cell),
            # passing over collapsible hints and other answer cells.
            prompt = next((c.source for c in reversed(cells[:i]) if c.cell_type == "markdown"
                           and not _is_answer(c) and not c.source.lstrip().startswith("<details")),
                          "")
            scheme = _SCHEME.search(cell.source)
            model = _SOLUTION.search(cell.source)
            found.append(Reflection(path.name, meta["grade_id"], float(meta.get("points", 0)),
                                    prompt.strip(), scheme.group(1).strip() if scheme else "",
                                    model.group(1).strip() if model else cell.source.strip()))
    return found


def render(assignment: str, items: list[Reflection]) -> str:
    """One self-contained HTML page (markdown rendered with mistune, as nbconvert does)."""
    md = mistune.create_markdown(escape=False, plugins=["table"])
    parts = [f"<h1>{html.escape(assignment)}: grader's rubric</h1>",
             "<p>Hand-graded answers, in notebook order. Keep this page open beside "
             "Formgrader &rarr; Manual Grading. Do not share it with students.</p>"]
    if not items:
        parts.append("<p>This assignment has no hand-graded answers.</p>")
    for item in items:
        parts.append(f'<section><h2 id="{html.escape(item.grade_id)}">'
                     f"{html.escape(item.grade_id)} ({item.points:g} points)</h2>"
                     f"<p><small>{html.escape(item.notebook)}</small></p>"
                     f"<h3>Prompt</h3>{md(item.prompt)}<h3>Rubric</h3>"
                     + (md(item.rubric) if item.rubric else
                        "<p><em>No MARK SCHEME block in the source notebook yet.</em></p>")
                     + f"<h3>Model answer</h3>{md(item.model_answer)}</section>")
    style = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.45}"
             "section{border-top:1px solid #ccc;margin-top:1.5em}h3{margin-bottom:.2em}")
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>'
            f"{html.escape(assignment)} rubric</title><style>{style}</style></head><body>"
            + "\n".join(parts) + "</body></html>")


def write_rubric(root: str | Path, assignment: str, out: str | Path) -> tuple[Path, int]:
    """Write the rubric page of ``assignment`` to ``out``; returns it and the item count."""
    items = reflections(root, assignment)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(assignment, items), encoding="utf-8")
    return out, len(items)
