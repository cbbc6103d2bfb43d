"""Author an nbgrader *source* notebook from Python, with consistent nbgrader metadata.

Usage (in a throwaway build script; commit only the resulting ``.ipynb``)::

    from tools.nb_author import md, code, answer, tests, manual, write
    cells = [
        md("# Title ..."),
        code("import pandas as pd"),                        # plain, unlocked, no nbgrader metadata
        md("**Q1 (2 pts).** ...", grade_id="q1_prompt"),    # locked instruction cell
        answer("### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION", grade_id="q1_value"),
        tests("assert isinstance(x, int), '...'", grade_id="q1_value_tests", points=2),
        manual("### BEGIN SOLUTION\\nModel answer\\n### END SOLUTION", grade_id="r1", points=3),
        code(explorer_source, widget=True),  # widget/demo cell: never nbgrader metadata
    ]
    write(cells, "solutions/08-social-roi/08-social-roi.ipynb")

Conventions (see CONTRIBUTING.md): test cells end on an assert or a statement, never on a bare
expression; hidden checks sit between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float = 0) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str, grade_id: str | None = None) -> nbformat.NotebookNode:
    """Markdown; with ``grade_id`` it becomes a locked (read-only) instruction cell."""
    cell = new_markdown_cell(text.strip("\n"))
    if grade_id:
        cell.metadata.update(_meta(grade_id, grade=False, solution=False, locked=True))
    return cell


def code(source: str, widget: bool = False) -> nbformat.NotebookNode:
    """Ordinary code (setup, worked example, explorer). Never carries nbgrader metadata."""
    cell = new_code_cell(source.strip("\n"))
    if widget:
        cell.metadata["tags"] = ["explorer"]
    return cell


def answer(source: str, grade_id: str) -> nbformat.NotebookNode:
    """Autograded answer cell; ``source`` holds a ``### BEGIN/END SOLUTION`` region."""
    _require_solution_markers(source, grade_id)
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=False, solution=True, locked=False))
    return cell


def tests(source: str, grade_id: str, points: float) -> nbformat.NotebookNode:
    """Locked, graded test cell: assertions only (visible, plus an optional hidden region)."""
    cell = new_code_cell(source.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=True, solution=False, locked=True, points=points))
    return cell


def manual(text: str, grade_id: str, points: float) -> nbformat.NotebookNode:
    """Manually graded markdown answer (a reflection), optionally with a model answer."""
    cell = new_markdown_cell(text.strip("\n"))
    cell.metadata.update(_meta(grade_id, grade=True, solution=True, locked=False, points=points))
    return cell


def write(cells: list[nbformat.NotebookNode], path: str | Path) -> Path:
    """Write a Python 3 notebook with ``cells`` to ``path`` (folders are created)."""
    notebook = new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    ids = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in cells]
    ids = [grade_id for grade_id in ids if grade_id]
    duplicates = {grade_id for grade_id in ids if ids.count(grade_id) > 1}
    if duplicates:
        raise ValueError(f"grade_id values must be unique; repeated: {sorted(duplicates)}")
    nbformat.validate(notebook)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


def _require_solution_markers(source: str, grade_id: str) -> None:
    if "### BEGIN SOLUTION" not in source or "### END SOLUTION" not in source:
        raise ValueError(f"answer cell {grade_id!r} needs ### BEGIN SOLUTION / ### END SOLUTION")
