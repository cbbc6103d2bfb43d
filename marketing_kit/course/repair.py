"""Bring a damaged submission's nbgrader metadata back to what the gradebook says (issue 25).

Front ends damage notebooks: JupyterLab copies metadata when a cell is split, VS Code and
Colab rewrite the notebook metadata, hand edits drop keys. Stock nbgrader 0.9.6 then crashes
before any kit code runs (``KeyError`` in ``DeduplicateIds``, ``RuntimeError: Inconsistent
checksums`` in ``OverwriteCells``, ``ValidationError`` or ``SchemaTooNewError`` in
``CheckCellMetadata``, which aborts a whole batch), and a right answer scores 0.

* :class:`LenientNotebookExporter` (``c.Autograde.exporter_class``) reads any JSON notebook,
  repairing the structure ``nbformat.read`` rejects (a cell without ``metadata``, no
  ``nbformat`` key); a file that is not JSON fails with its reason.
* :class:`RepairSubmission` (``c.Autograde.sanitize_preprocessors[0]``) rebuilds every cell's
  nbgrader metadata from the gradebook, so the stock preprocessors after it have nothing left
  to fix. The matching rule is :func:`repair`'s; ``docs/grading-robustness.md`` lists every
  damage kind and what happens to it.
"""

from __future__ import annotations

import difflib
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

#: nbgrader's cell-metadata schema version (``nbgrader/nbgraderformat/v3.json``).
SCHEMA_VERSION = 3
#: A plain cell is taken for a locked cell that lost its metadata only this similar to it.
LOCKED_SIMILARITY = 0.9
_CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_REGIONS = ("HIDDEN TESTS", "MARK SCHEME")


@dataclass(frozen=True)
class KnownCell:
    """A cell the gradebook knows (nbgrader ``SourceCell`` plus its grade/solution/task row)."""

    name: str
    cell_type: str
    source: str
    checksum: str | None
    locked: bool
    grade: bool = False
    solution: bool = False
    task: bool = False
    points: float | None = None

    @property
    def restored(self) -> bool:
        """True when grading uses the instructor's source (tests, prompts), not the student's."""
        return self.locked and not self.solution

    @property
    def visible(self) -> str:
        """The source as the release shows it: hidden tests and mark schemes removed."""
        lines, inside = [], None  # line by line, as nbgrader's ClearHiddenTests does
        for line in self.source.split("\n"):
            begins = [r for r in _REGIONS if f"BEGIN {r}" in line]
            if inside is None and begins:
                inside = begins[0]
            elif inside is not None and f"END {inside}" in line:
                inside = None
            elif inside is None:
                lines.append(line)
        return "\n".join(lines)

    def metadata(self) -> dict:
        """The nbgrader metadata ``generate_assignment`` gave this cell in the release."""
        meta = {
            "cell_type": self.cell_type, "grade": self.grade, "grade_id": self.name,
            "locked": self.locked, "schema_version": SCHEMA_VERSION,
            "solution": self.solution, "task": self.task,
        }
        if self.checksum:
            meta["checksum"] = self.checksum
        if self.grade or self.task:
            meta["points"] = self.points or 0.0
        return meta


def known_cells(gradebook: Gradebook, notebook: str, assignment: str,
                order: Iterable[str] = ()) -> list[KnownCell]:
    """The gradebook's cells of ``notebook``, sorted by ``order`` (grade_ids), then as stored."""
    nb = gradebook.find_notebook(notebook, assignment)
    grades = {c.name: c.max_score for c in nb.grade_cells}
    tasks = {c.name: c.max_score for c in nb.task_cells}
    solutions = {c.name for c in nb.solution_cells}
    cells = [
        KnownCell(
            name=c.name, cell_type=c.cell_type, source=c.source or "", checksum=c.checksum,
            locked=bool(c.locked), grade=c.name in grades, solution=c.name in solutions,
            task=c.name in tasks, points=grades.get(c.name, tasks.get(c.name)),
        )
        for c in nb.source_cells
    ]
    rank = {name: i for i, name in enumerate(order)}
    return sorted(cells, key=lambda c: rank.get(c.name, len(rank)))


def _meta(cell: NotebookNode) -> dict | None:
    meta = cell.metadata.get("nbgrader")
    return meta if isinstance(meta, dict) else None


def _claimed(cell: NotebookNode) -> str | None:
    grade_id = (_meta(cell) or {}).get("grade_id")
    return grade_id if isinstance(grade_id, str) else None


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _set_type(cell: NotebookNode, cell_type: str) -> None:
    """Make ``cell`` a valid nbformat cell of ``cell_type``, keeping its source."""
    cell.cell_type = cell_type
    if cell_type == "code":
        cell.outputs, cell.execution_count = [], None
        cell.pop("attachments", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _conflicts(meta: dict, known: KnownCell) -> bool:
    """True when ``meta`` plainly claims the other role (a locked test for an answer, or back)."""
    answer, locked = meta.get("solution") is True, meta.get("locked") is True
    return (locked and not answer) if known.solution else (answer and not locked)


def _choose(known: KnownCell, slot: list[int], cells: list, names: set[str],
            matched: set[str], ordinary: frozenset[str], loose: bool,
            doubted: frozenset[int] = frozenset()) -> int | None:
    """The submitted cell that is ``known``, among the unclaimed cells of its slot, or None.

    Sure matches (``loose`` False): a cell carrying ``known``'s grade_id (for a test or
    prompt, the copy with the instructor's source first); then one with ``known``'s checksum
    or exact source. Loose matches: a cell with nbgrader metadata under an unknown or missing
    grade_id, or a copy of a grade_id another cell has won, with no conflicting role (same
    role first, then the most similar source); then a cell without nbgrader metadata: for an
    answer, the only such cell in the slot that is not one of the instructor's ordinary cells
    (``ordinary``: sources no answer has; a cell whose grade_id was won by another cell or
    is ``doubted``, and that claims the other role, counts as one without metadata);
    for a test or prompt, the most similar one if at least :data:`LOCKED_SIMILARITY` alike.
    """
    def false_claim(i: int) -> bool:
        return i in doubted or _claimed(cells[i]) in matched

    same = [i for i in slot if _claimed(cells[i]) == known.name and i not in doubted]
    if same:
        exact = [i for i in same if known.restored and cells[i].source == known.source]
        return (exact or same)[0]
    for i in slot:
        meta = _meta(cells[i]) or {}
        if known.checksum and meta.get("checksum") == known.checksum:
            return i
        if (meta or known.restored) and cells[i].source in (known.source, known.visible):
            return i
    if not loose:
        return None
    stray = [i for i in slot if _meta(cells[i]) is not None
             and (_claimed(cells[i]) not in names or false_claim(i))
             and not _conflicts(_meta(cells[i]), known)]
    if stray:
        def fit(i: int) -> tuple[bool, float]:
            meta = _meta(cells[i])
            role = bool(meta.get("solution")) == known.solution
            return role, _similarity(cells[i].source, known.source)
        return max(stray, key=fit)  # max keeps the first of equals: the earliest cell
    # A cell whose metadata falsely claims a cell of the other role is taken as plain: the
    # copied metadata is what was damaged, not the cell.
    plain = [i for i in slot if cells[i].source not in ordinary and (
        _meta(cells[i]) is None or (false_claim(i) and _conflicts(_meta(cells[i]), known)))]
    if known.solution:
        return plain[0] if len(plain) == 1 else None
    scored = [(_similarity(cells[i].source, known.visible), i) for i in plain]
    best = max(scored, default=(0.0, None), key=lambda s: s[0])
    return best[1] if best[0] >= LOCKED_SIMILARITY else None


def _window(known: list[KnownCell], pos: int, match: dict[str, int], n: int) -> tuple[int, int]:
    """Submitted positions of ``known[pos]``'s nearest matched neighbours (exclusive bounds)."""
    before = [match[p.name] for p in known[:pos] if p.name in match]
    after = [match[p.name] for p in known[pos + 1:] if p.name in match]
    lo, hi = (before[-1] if before else -1), (after[0] if after else n)
    return (-1, n) if lo >= hi else (lo, hi)  # cells were reordered: look everywhere


def _match(cells: list, known: list[KnownCell], ordinary: frozenset[str]) -> dict[str, int]:
    """grade_id -> index of the submitted cell that is that gradebook cell."""
    names = {k.name for k in known}
    claims: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        if _claimed(cell) in names:
            claims.setdefault(_claimed(cell), []).append(i)
    # A cell holding exactly the instructor's source of a test or prompt is that cell, whatever
    # nbgrader metadata was copied onto it; the other claims are trusted only after that.
    match: dict[str, int] = {}
    for k in known:
        if k.restored:
            same = [i for i, cell in enumerate(cells)
                    if cell.cell_type == k.cell_type and cell.source in (k.source, k.visible)]
            if len(same) == 1 and same[0] not in match.values():
                match[k.name] = same[0]
    anchors = dict(match)
    not_answers = ordinary | {s for k in known if k.restored for s in (k.source, k.visible)}
    doubted: set[int] = set()
    for pos, k in enumerate(known):
        found = claims.get(k.name, [])
        if k.name in match or len(found) != 1 or found[0] in anchors.values():
            continue
        lo, hi = _window(known, pos, anchors, len(cells))
        if k.restored and not lo < found[0] < hi and \
                _similarity(cells[found[0]].source, k.visible) < LOCKED_SIMILARITY:
            doubted.add(found[0])  # a test's id on a foreign cell, out of place
            continue
        match[k.name] = found[0]
    # Sure matches (id, checksum, source) first; then loose ones, tests and prompts before
    # answers (a test is recognised by its source, an answer only by its place).
    for loose, answers in ((False, None), (True, False), (True, True)):
        for pos, k in enumerate(known):
            if k.name in match or (answers is not None and k.solution != answers):
                continue
            lo, hi = _window(known, pos, match, len(cells))
            taken = set(match.values())
            slot = [i for i in range(lo + 1, hi) if i not in taken]
            found = _choose(k, slot, cells, names, set(match), not_answers, loose,
                            frozenset(doubted))
            if found is not None:
                match[k.name] = found
    return match


def _new_cell(known: KnownCell) -> NotebookNode:
    make = nbformat.v4.new_code_cell if known.cell_type == "code" else \
        nbformat.v4.new_markdown_cell
    cell = make(source=known.visible if known.solution else known.source)  # no rubric
    cell.metadata = NotebookNode({"deletable": False, "nbgrader": known.metadata()})
    if known.locked:
        cell.metadata["editable"] = False
    return cell


def repair(nb: NotebookNode, known: list[KnownCell], kernelspec: dict | None = None,
           ordinary: Iterable[str] = (), log: Callable[[str], None] | None = None
           ) -> NotebookNode:
    """``nb`` (changed in place) with every cell's nbgrader metadata as ``known`` says.

    ``known`` lists the gradebook's cells in notebook order; ``ordinary`` holds the sources of
    the instructor's cells without nbgrader metadata. Each gradebook cell is matched to at
    most one submitted cell (:func:`_choose`, searched between the submitted positions of
    its nearest matched neighbours). A matched cell gets the gradebook's type and metadata,
    and a test or prompt also its source; an answer keeps the student's source, and the
    following parts of a split markdown answer are joined to it. A gradebook cell with no
    match is added back after its predecessor, with the gradebook's source (a stub for an
    answer, so it scores 0). Every other cell loses its nbgrader metadata. Cell ids are made
    unique, outputs cleared and the notebook set to nbformat 4.5 with ``kernelspec``.
    """
    note = log or (lambda message: None)
    cells = list(nb.cells)
    match = _match(cells, known, frozenset(ordinary))
    by_index = {match[k.name]: k for k in known if k.name in match}
    split_answers = {k.name for k in known if k.solution and k.cell_type != "code"}
    kept: list[NotebookNode] = []
    where: dict[str, NotebookNode] = {}
    for i, cell in enumerate(cells):
        k = by_index.get(i)
        if k is None:
            claimed = _claimed(cell)
            if claimed in split_answers and kept and kept[-1] is where.get(claimed):
                kept[-1].source = kept[-1].source.rstrip("\n") + "\n" + cell.source
                note(f"joined a split part of answer '{claimed}'")
                continue
            if "nbgrader" in cell.metadata:
                note(f"cell {i} ({claimed!r}) is not in the gradebook: nbgrader metadata removed")
                del cell.metadata["nbgrader"]
            kept.append(cell)
            continue
        if cell.cell_type != k.cell_type:
            note(f"cell '{k.name}' was {cell.cell_type}: made {k.cell_type} again")
            _set_type(cell, k.cell_type)
        if k.restored and cell.source != k.source:
            cell.source = k.source
        if {**(_meta(cell) or {}), "checksum": None} != {**k.metadata(), "checksum": None}:
            note(f"cell '{k.name}': nbgrader metadata restored from the gradebook")
        cell.metadata["nbgrader"] = k.metadata()
        where[k.name] = cell
        kept.append(cell)
    for pos, k in enumerate(known):
        if k.name in where:
            continue
        note(f"cell '{k.name}' was missing: added back from the gradebook")
        new = _new_cell(k)
        before = [where[p.name] for p in reversed(known[:pos]) if p.name in where]
        after = [where[p.name] for p in known[pos + 1:] if p.name in where]
        at = _index(kept, before[0]) + 1 if before else (_index(kept, after[0]) if after else 0)
        kept.insert(at, new)
        where[k.name] = new
    nb.cells = kept
    _normalise(nb, kernelspec)
    return nb


def _index(cells: list, cell: NotebookNode) -> int:
    return next(i for i, c in enumerate(cells) if c is cell)


def _normalise(nb: NotebookNode, kernelspec: dict | None) -> None:
    """nbformat 4.5, unique valid cell ids, no outputs, a valid kernelspec and language_info."""
    nb.nbformat, nb.nbformat_minor = 4, nbformat.v4.nbformat_minor
    seen: set[str] = set()
    for cell in nb.cells:
        _set_type(cell, cell.cell_type)
        cell_id = cell.get("id")
        if not (isinstance(cell_id, str) and _CELL_ID.match(cell_id)) or cell_id in seen:
            cell_id = uuid.uuid4().hex[:8]
            while cell_id in seen:
                cell_id = uuid.uuid4().hex[:8]
            cell["id"] = cell_id
        seen.add(cell_id)
    meta = nb.metadata
    if kernelspec:
        meta["kernelspec"] = NotebookNode(kernelspec)
    for key, required in (("kernelspec", ("name", "display_name")), ("language_info", ("name",))):
        value = meta.get(key)
        if key in meta and not (isinstance(value, dict) and all(
                isinstance(value.get(r), str) for r in required)):
            del meta[key]
    try:
        nbformat.validate(nb, relax_add_props=True)
    except nbformat.ValidationError:  # e.g. a front end's invalid notebook-level field
        nb.metadata = NotebookNode({k: meta[k] for k in ("kernelspec", "language_info")
                                    if k in meta})


class RepairSubmission(NbGraderPreprocessor):
    """Restore every cell's nbgrader metadata from the gradebook before anything else runs.

    First in ``c.Autograde.sanitize_preprocessors``: the stock ``DeduplicateIds``,
    ``OverwriteCells`` and ``CheckCellMetadata`` then find a consistent notebook. Cell order
    and the instructor's ordinary cells come from ``solutions/`` under ``course_root`` when it
    is there (the gradebook's own order otherwise).
    """

    course_root = Unicode(
        "", help="Course folder holding solutions/ (default: the current directory)."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        path = Path(self.course_root or ".").resolve() / "solutions" / info["assignment"] / \
            f"{info['notebook']}.ipynb"
        order: list[str] = []
        ordinary: set[str] = set()
        if path.is_file():
            for cell in nbformat.read(path, as_version=4).cells:
                if _claimed(cell):
                    order.append(_claimed(cell))
                else:
                    ordinary.add(cell.source)
        with Gradebook(info["db_url"]) as gradebook:
            known = known_cells(gradebook, info["notebook"], info["assignment"], order)
            spec = gradebook.find_notebook(info["notebook"], info["assignment"]).kernelspec
        kernelspec = json.loads(spec) if spec else None
        repair(nb, known, kernelspec, ordinary, log=self.log.warning)
        return nb, resources


def read_lenient(text: str) -> NotebookNode:
    """A notebook from ``text``: any JSON notebook, its cell structure repaired.

    Raises ``ValueError`` naming the reason when ``text`` is not JSON or holds no cells.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"the submission is not a notebook: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError("the submission is not a notebook: JSON, but not an object")
    if data.get("nbformat", 4) != 4 or "worksheets" in data:  # nbformat 3 and older
        return nbformat.reads(text, as_version=4)
    cells = data.get("cells")
    if not isinstance(cells, list):
        raise ValueError("the submission is not a notebook: it has no list of cells")
    data["nbformat"] = 4
    if not isinstance(data.get("nbformat_minor"), int):
        data["nbformat_minor"] = nbformat.v4.nbformat_minor
    if not isinstance(data.get("metadata"), dict):
        data["metadata"] = {}
    fixed = []
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        cell["source"] = "".join(map(str, source)) if isinstance(source, list) else str(source)
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            cell["cell_type"] = "raw"
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = {}
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        fixed.append(cell)
    data["cells"] = fixed
    return nbformat.from_dict(data)


class LenientNotebookExporter(NotebookExporter):
    """nbconvert's notebook exporter, reading with :func:`read_lenient` (for ``Autograde``)."""

    def from_file(self, file_stream, resources=None, **kw):
        return self.from_notebook_node(read_lenient(file_stream.read()), resources=resources,
                                       **kw)
