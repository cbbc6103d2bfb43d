"""Helpers for claims tests: every number or ordering a notebook's prose states about the data.

A claims test (``tests/test_claims_<NN>.py``) recomputes each claim with ``marketing_kit`` and
checks that the markdown says exactly that, so a generator or data change that makes a sentence
false fails a test. Convention::

    from notebook_claims import markdown, assert_states

    TEXT = markdown("01-stp")          # all markdown cells of the solution notebook, joined

    def test_claim_urban_roast_is_closer():
        gap = ...recompute with marketing_kit...
        assert_states(TEXT, f"{gap:.2f}", "the distance gap quoted in section 3")

Each claims file ends with a ``CLAIMS`` count check so the closing note can report how many
claims each notebook has (``len([name for name in globals() if name.startswith('test_claim_')])``).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]


def notebook_path(assignment: str, edition: str = "solutions") -> Path:
    """The single notebook of an assignment in ``solutions/`` (default) or ``notebooks/``."""
    folder = REPO_ROOT / edition / assignment
    found = sorted(folder.glob("*.ipynb"))
    if len(found) != 1:
        raise ValueError(
            f"assignment {assignment!r}: expected one notebook in {folder}, got {found}")
    return found[0]


def markdown(assignment: str, edition: str = "solutions") -> str:
    r"""All markdown cells of an assignment's notebook joined by blank lines, whitespace folded;
    a literal dollar (``\\$`` in the source, see test_i18n_markdown) reads as ``\$``."""
    nb = nbformat.read(notebook_path(assignment, edition), as_version=4)
    text = "\n\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    return re.sub(r"[ \t]+", " ", text).replace("\\\\$", "\\$")


def assert_states(text: str, expected: str, what: str) -> None:
    """Fail, naming the claim, unless ``expected`` (a formatted number or phrase) is in ``text``."""
    folded = re.sub(r"\s+", " ", text)
    needle = re.sub(r"\s+", " ", expected)
    assert needle in folded, f"claim {what!r}: the notebook should state {needle!r}, but does not"
