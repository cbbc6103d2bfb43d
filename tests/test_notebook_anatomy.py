"""Static checks that every source notebook follows the course's nbgrader conventions.

These run in milliseconds and catch the quirks that silently break grading: a test cell ending
on an expression (nbgrader then gives credit to a blank answer), nbgrader metadata on a widget
cell, a MARK SCHEME outside a manually graded cell, a missing visible or hidden check.
"""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from marketing_kit.course.nbgrader_api import REPO_ROOT, assignments

HANGUL = re.compile(r"[\uac00-\ud7a3]")
SOURCES = [
    pytest.param(path, id=f"{path.parent.name}/{path.name}")
    for assignment in assignments()
    for path in sorted((REPO_ROOT / "solutions" / assignment).glob("*.ipynb"))
]


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def test_there_are_assignments():
    assert SOURCES, "solutions/ holds no assignment"


@pytest.mark.parametrize("path", SOURCES)
def test_anatomy(path):
    notebook = nbformat.read(path, as_version=4)
    cells = notebook.cells
    test_cells = [c for c in cells if nbgrader(c).get("grade") and c.cell_type == "code"]
    manual_cells = [c for c in cells if nbgrader(c).get("grade") and c.cell_type == "markdown"]
    answer_cells = [c for c in cells if nbgrader(c).get("solution") and c.cell_type == "code"]
    explorers = [c for c in cells if "explorer" in c.metadata.get("tags", [])]

    assert len(test_cells) >= 6, "at least 6 autograded test cells"
    assert 1 <= len(manual_cells) <= 3, "1-2 manually graded reflections"
    assert answer_cells, "answer cells with ### BEGIN SOLUTION"
    assert explorers, "an explorer cell tagged 'explorer'"
    for cell in explorers:
        assert not nbgrader(cell), "widget cells must not carry nbgrader metadata"
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    assert "marketing_kit.widgets" in code, "the explorer comes from marketing_kit.widgets"

    ids = [nbgrader(c)["grade_id"] for c in cells if nbgrader(c)]
    assert len(ids) == len(set(ids)), "grade_id values are unique"

    for cell in answer_cells:
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
    for cell in test_cells:
        name = nbgrader(cell)["grade_id"]
        assert nbgrader(cell).get("points", 0) > 0, f"{name}: test cells carry points"
        assert nbgrader(cell).get("locked"), f"{name}: test cells are locked"
        visible, _, hidden = cell.source.partition("### BEGIN HIDDEN TESTS")
        assert "assert" in visible, f"{name}: a visible sanity check the student can run"
        assert "### END HIDDEN TESTS" in hidden and re.search(r"assert|AssertionError", hidden), (
            f"{name}: hidden tests"
        )
        body = ast.parse(cell.source).body
        assert body and not isinstance(body[-1], ast.Expr), (
            f"{name}: a test cell must not end on an expression (nbgrader would give a blank "
            "answer credit)"
        )
    for cell in cells:
        if "MARK SCHEME" in cell.source:
            assert cell in manual_cells, "a MARK SCHEME block only inside a manually graded cell"

    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert any(HANGUL.search(line) and line.count("|") >= 3 for line in markdown.splitlines()), (
        "a key-terms table in English and Korean"
    )
    assert "<details>" in markdown, "at least one collapsible hint"


RUBRIC_POINT = re.compile(
    r"^\s*[-*]\s*\**\s*(\d+(?:\.\d+)?)\s*(?:points?\b|점)", re.IGNORECASE | re.MULTILINE)


def rubric(source: str) -> str | None:
    """The MARK SCHEME block of a reflection cell, or None."""
    match = re.search(r"### BEGIN MARK SCHEME\n(.*?)### END MARK SCHEME", source, re.DOTALL)
    return match.group(1) if match else None


def rubric_points(block: str) -> float:
    """Points the rubric's '- N point(s): ...' lines hand out."""
    return sum(float(n) for n in RUBRIC_POINT.findall(block))


def test_rubric_points_are_read_from_point_lines():
    block = "**Rubric (3 points)**\n- 1 point: names a channel\n- 2 points: argues with numbers\n"
    assert rubric_points(block) == 3
    assert rubric_points("- one point: vague\n") == 0
    assert rubric_points("**채점 기준표 (3점)**\n- 1점: 결정을 밝힌다\n- 2점: 논증한다\n") == 3


@pytest.mark.parametrize("path", SOURCES)
def test_every_reflection_has_a_rubric_and_accepts_korean(path):
    cells = nbformat.read(path, as_version=4).cells
    for index, cell in enumerate(cells):
        meta = nbgrader(cell)
        if not (meta.get("grade") and cell.cell_type == "markdown"):
            continue
        name = meta["grade_id"]
        block = rubric(cell.source)
        assert block, f"{name}: a ### BEGIN MARK SCHEME rubric after the model answer"
        assert rubric_points(block) == meta["points"], (
            f"{name}: the rubric's point lines add up to {rubric_points(block)}, "
            f"the cell is worth {meta['points']}")
        prompt = cells[index - 1].source if index else ""
        assert re.search(r"Korean|한국어", prompt + cell.source.split("### BEGIN SOLUTION")[0]), (
            f"{name}: the prompt says answers may be written in Korean")
