"""Metadata damage a notebook suffers in JupyterLab, VS Code, Colab or a text editor (issue 25).

Used by ``tests/test_repair.py`` (one damage at a time, no kernel) and
``tests/test_repair_properties.py`` (random sequences, autograded). Every damage touches
metadata, cell boundaries, cell types or notebook-level fields, never the code of an answer:
a right answer must still earn its points after :func:`damage`.
"""

from __future__ import annotations

import ast
import copy
import json
import random
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (
    CheckCellMetadata,
    DeduplicateIds,
    OverwriteCells,
    OverwriteKernelspec,
)

from marketing_kit.course.nbgrader_api import db_url
from marketing_kit.course.repair import RepairSubmission, read_lenient

#: Every kind of damage :func:`damage` applies.
KINDS = (
    "drop_key",  # one key of a cell's nbgrader metadata removed (the reported case)
    "extra_key",  # an unknown key added to a cell's nbgrader metadata
    "bad_value",  # a key given a wrong value (older/newer schema, points as text, ...)
    "strip",  # a cell's nbgrader metadata removed
    "rename",  # a cell's grade_id renamed
    "duplicate_id",  # a graded cell's nbgrader metadata copied onto another cell
    "copy_cell",  # a graded cell copied and pasted below itself
    "cell_id",  # a cell's nbformat id removed, duplicated or made invalid
    "retype",  # a graded cell's type changed (code <-> markdown <-> raw)
    "split",  # an answer cell split in two at a statement boundary
    "merge",  # an answer merged with the test cell below it
    "delete",  # a locked cell (prompt or test) deleted
    "kernelspec",  # kernelspec removed or replaced by another front end's
    "notebook_metadata",  # notebook-level metadata replaced
    "nbformat_minor",  # an older (ids dropped) or newer nbformat minor version
    "cell_keys",  # a cell's outputs / execution_count / metadata keys removed (raw JSON)
)
EXTRA_KEYS = ("foo", "nbgrader_version", "editable", "grade_id_old", "tags")
BAD_VALUES = (
    ("schema_version", 1), ("schema_version", 4), ("schema_version", "3"), ("points", "2"),
    ("points", -1), ("grade_id", ""), ("locked", "yes"), ("grade", None), ("checksum", "0"),
    ("cell_type", "python"), ("solution", 1),
)
KERNELSPECS = (
    None,
    {"name": ".venv", "display_name": "Python (.venv)", "language": "python"},  # VS Code
    {"name": "python3", "display_name": "Python 3"},  # Colab
    {"name": "ir", "display_name": "R", "language": "R"},
)
NOTEBOOK_METADATA = (
    {},
    {"colab": {"provenance": []}, "kernelspec": {"name": "python3", "display_name": "Python 3"}},
    {"vscode": {"interpreter": {"hash": "0" * 64}}, "language_info": {"name": "python"}},
    {"nbgrader": {"schema_version": 99}},
)


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader")


def _graded(nb):
    return [i for i, c in enumerate(nb["cells"]) if isinstance(_meta(c), dict)]


def _is_answer(cell) -> bool:
    meta = _meta(cell)
    return isinstance(meta, dict) and meta.get("solution") is True


def _is_locked(cell) -> bool:
    meta = _meta(cell)
    return isinstance(meta, dict) and meta.get("locked") is True and not _is_answer(cell)


def _retype(cell, cell_type: str) -> None:
    cell["cell_type"] = cell_type
    if cell_type == "code":
        cell["outputs"], cell["execution_count"] = [], None
        cell.pop("attachments", None)
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)


def _statement_starts(source: str) -> list[int]:
    """0-based line numbers where a top-level statement starts (after the first)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node.lineno - 1 for node in tree.body[1:]]


def _split(nb, rng):
    candidates = []
    for i, cell in enumerate(nb["cells"]):
        if not _is_answer(cell):
            continue
        lines = cell["source"].splitlines(keepends=True)
        cuts = _statement_starts(cell["source"]) if cell["cell_type"] == "code" else \
            list(range(1, len(lines)))
        if cuts:
            candidates.append((i, lines, cuts))
    if not candidates:
        return False
    i, lines, cuts = rng.choice(candidates)
    cut = rng.choice(cuts)
    first, second = copy.deepcopy(nb["cells"][i]), copy.deepcopy(nb["cells"][i])
    first["source"], second["source"] = "".join(lines[:cut]), "".join(lines[cut:])
    second["id"] = f"{first.get('id', 'cell')}-2"[:64]
    if rng.random() < 0.5:  # JupyterLab copies the metadata to both halves; others do not
        second["metadata"].pop("nbgrader", None)
    nb["cells"][i:i + 1] = [first, second]
    return True


def _merge(nb, rng):
    cells = nb["cells"]
    pairs = [
        i for i in range(len(cells) - 1)
        if _is_answer(cells[i]) and cells[i]["cell_type"] == "code"
        and _is_locked(cells[i + 1]) and cells[i + 1]["cell_type"] == "code"
    ]
    if not pairs:
        return False
    i = rng.choice(pairs)
    cells[i]["source"] = cells[i]["source"].rstrip("\n") + "\n" + cells[i + 1]["source"]
    del cells[i + 1]
    return True


def damage(nb: dict, kind: str, rng: random.Random) -> bool:
    """Apply one damage of ``kind`` to ``nb`` (a notebook as a JSON dict) in place.

    Returns False when the notebook offers no target for ``kind`` (nothing changed).
    """
    cells = nb["cells"]
    graded = _graded(nb)
    if kind == "split":
        return _split(nb, rng)
    if kind == "merge":
        return _merge(nb, rng)
    if kind == "kernelspec":
        spec = rng.choice(KERNELSPECS)
        nb.setdefault("metadata", {}).pop("kernelspec", None)
        if spec is not None:
            nb["metadata"]["kernelspec"] = copy.deepcopy(spec)
        return True
    if kind == "notebook_metadata":
        nb["metadata"] = copy.deepcopy(rng.choice(NOTEBOOK_METADATA))
        return True
    if kind == "nbformat_minor":
        nb["nbformat_minor"] = rng.choice((0, 1, 2, 3, 4, 6, 99))
        if nb["nbformat_minor"] < 5:
            for cell in cells:
                cell.pop("id", None)
        return True
    if kind == "cell_id":
        i = rng.randrange(len(cells))
        how = rng.choice(("drop", "duplicate", "invalid", "long"))
        if how == "drop":
            cells[i].pop("id", None)
        elif how == "duplicate":
            cells[i]["id"] = cells[rng.randrange(len(cells))].get("id", "x")
        else:
            cells[i]["id"] = "not a valid id!" if how == "invalid" else "x" * 80
        return True
    if kind == "cell_keys":
        i = rng.randrange(len(cells))
        key = rng.choice(("metadata", "outputs", "execution_count"))
        if key != "metadata" and cells[i]["cell_type"] != "code":
            key = "metadata"
        cells[i].pop(key, None)
        return True
    if not graded:
        return False
    i = rng.choice(graded)
    cell, meta = cells[i], cells[i]["metadata"]["nbgrader"]
    if kind == "drop_key":
        if meta:
            del meta[rng.choice(sorted(meta))]
    elif kind == "extra_key":
        meta[rng.choice(EXTRA_KEYS)] = rng.choice(("x", 1, True, None, {"a": 1}))
    elif kind == "bad_value":
        key, value = rng.choice(BAD_VALUES)
        meta[key] = value
    elif kind == "strip":
        del cell["metadata"]["nbgrader"]
    elif kind == "rename":
        meta["grade_id"] = f"{meta.get('grade_id', 'cell')}{rng.choice(('_v2', '-copy', '1'))}"
    elif kind == "duplicate_id":
        j = rng.randrange(len(cells))
        cells[j].setdefault("metadata", {})["nbgrader"] = copy.deepcopy(meta)
    elif kind == "copy_cell":
        twin = copy.deepcopy(cell)
        twin["id"] = f"{cell.get('id', 'cell')}-copy"[:64]
        cells.insert(i + 1, twin)
    elif kind == "retype":
        others = [t for t in ("code", "markdown", "raw") if t != cell["cell_type"]]
        _retype(cell, rng.choice(others))
    elif kind == "delete":
        locked = [j for j in graded if _is_locked(cells[j])]
        if not locked:
            return False
        del cells[rng.choice(locked)]
    else:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return True


def damaged(nb: nbformat.NotebookNode, plan: list[tuple[str, int]]) -> dict:
    """A JSON copy of ``nb`` with each (kind, seed) of ``plan`` applied in turn."""
    data = json.loads(json.dumps(nb))
    for kind, seed in plan:
        damage(data, kind, random.Random(seed))
    return data


def write_raw(folder: Path, name: str, data: dict) -> Path:
    """Write ``data`` as JSON without nbformat's validation (the damage stays as it is)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def sanitize(root: Path, assignment: str, data: dict) -> nbformat.NotebookNode:
    """Read ``data`` (JSON dict) leniently, repair it against the course gradebook at ``root``,
    and run the stock sanitize preprocessors after it: they must find nothing left to change."""
    nb = read_lenient(json.dumps(data))
    resources = {"nbgrader": {"notebook": assignment, "assignment": assignment,
                              "student": "s", "db_url": db_url(root)}}
    nb, resources = RepairSubmission(course_root=str(root)).preprocess(nb, resources)
    nbformat.validate(nb)
    repaired = copy.deepcopy(nb)
    for stock in (DeduplicateIds(), OverwriteKernelspec(), OverwriteCells(add_missing_cells=True),
                  CheckCellMetadata()):
        nb, resources = stock.preprocess(nb, resources)
    assert nb == repaired, "a stock preprocessor still changed the repaired notebook"
    return nb
