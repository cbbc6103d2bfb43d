"""Feedback without the hidden tests (issue 16; nbgrader issue #917).

``nbgrader generate_feedback`` renders the *autograded* notebook, in which every test cell was
restored from the gradebook with its hidden tests. Stock nbgrader 0.9.6 therefore hands every
student the hidden tests and their expected values. :class:`RedactHiddenTests`, installed in
``GenerateFeedback.preprocessors`` by ``nbgrader_config.py`` (so ``marketing-kit feedback``,
``nbgrader generate_feedback`` and the formgrader all use it), rewrites each test cell before
the HTML is made:

- the ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` region becomes one comment line,
  ``# hidden tests: not shown (this cell is worth 2 points; its score is above)``;
- an error output keeps its name and message (the failed check's assertion message, written
  for the student) but loses the traceback, whose context lines quote the failing source line;
- the visible checks and the score stay.
"""

from __future__ import annotations

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

#: What replaces a hidden-test region; ``{points}`` is the cell's points ("1 point", "2 points").
PLACEHOLDER = "# hidden tests: not shown (this cell is worth {points}; its score is above)"


def redact_source(source: str, begin: str, end: str, placeholder: str) -> tuple[str, bool]:
    """``source`` with every ``begin`` ... ``end`` line region replaced by ``placeholder``.

    Returns the new source and whether anything was removed. An unterminated region is
    removed to the end of the cell (fail closed: never show a half-hidden test).
    """
    kept: list[str] = []
    hidden = removed = False
    for line in source.split("\n"):
        if begin in line and not hidden:
            hidden = removed = True
            indent = line[: len(line) - len(line.lstrip())]
            kept.append(indent + placeholder)
        elif end in line and hidden:
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept), removed


class RedactHiddenTests(NbGraderPreprocessor):
    """Remove hidden-test regions and tracebacks from test cells of a feedback notebook."""

    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS", config=True,
                                   help="Marks the start of a hidden-test region.")
    end_test_delimeter = Unicode("END HIDDEN TESTS", config=True,
                                 help="Marks the end of a hidden-test region.")
    placeholder = Unicode(PLACEHOLDER, config=True,
                          help="Replaces each hidden region; may use {points}.")

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        points = float(cell.metadata.get("nbgrader", {}).get("points", 0) or 0)
        cell.source, removed = redact_source(
            cell.source, self.begin_test_delimeter, self.end_test_delimeter,
            self.placeholder.format(points=f"{points:g} point" + ("" if points == 1 else "s")))
        if removed:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: "
                                           f"{output.get('evalue', '')}"]
        return cell, resources
