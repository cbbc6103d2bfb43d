"""Insert (or update) the student set-up cell as the first cell of every source notebook.

    .venv/bin/python tools/add_setup_cell.py            # then: make release
    .venv/bin/python tools/add_setup_cell.py --check    # exit 1 if a notebook lacks the cell

The text is ``tools/setup_cell.md`` with ``{version}`` replaced by the version in
``pyproject.toml`` (the wheel ``make wheel`` builds). The cell is a plain markdown cell with no
nbgrader metadata, marked by ``metadata.marketing_kit.setup_cell``, so running the script
again replaces it instead of adding a second one. Only ``solutions/*/*.ipynb`` are edited;
``make release`` carries the cell into ``notebooks/``.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import nbformat

from marketing_kit.i18n.edition import english_name

ROOT = Path(__file__).resolve().parents[1]
MARK = "setup_cell"


def setup_text(root: Path = ROOT) -> str:
    """The cell's markdown with the package version filled in."""
    version = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"]["version"]
    return (root / "tools" / "setup_cell.md").read_text(encoding="utf-8").strip().replace(
        "{version}", version)


def is_setup(cell: nbformat.NotebookNode) -> bool:
    return bool(cell.get("metadata", {}).get("marketing_kit", {}).get(MARK))


def apply(path: Path, text: str) -> bool:
    """Make the set-up cell the first cell of ``path``; True when the file changed."""
    notebook = nbformat.read(path, as_version=4)
    cells = [c for c in notebook.cells if not is_setup(c)]
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["marketing_kit"] = {MARK: True}
    old = [c for c in notebook.cells if is_setup(c)]
    if len(old) == 1 and notebook.cells[0] is old[0] and old[0].source == text:
        return False
    if old:
        cell["id"] = old[0].get("id", cell["id"])
    notebook.cells = [cell, *cells]
    nbformat.write(notebook, path)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    args = parser.parse_args(argv)
    text = setup_text(args.root)
    # Korean twins are generated from their English source (marketing_kit.i18n.edition), which
    # carries the cell into them: only English sources are edited here.
    paths = [p for p in sorted((args.root / "solutions").glob("*/*.ipynb"))
             if english_name(p.parent.name) is None]
    missing = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        ok = bool(notebook.cells) and is_setup(notebook.cells[0]) and \
            notebook.cells[0].source == text
        if args.check:
            missing += [] if ok else [path]
        elif apply(path, text):
            print(f"updated {path.relative_to(args.root)}")
    if args.check and missing:
        print("no up-to-date set-up cell in: " + ", ".join(str(p) for p in missing))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
