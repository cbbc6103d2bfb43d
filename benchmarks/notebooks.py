"""Notebook execution: every solution notebook run headless, and the whole course in a row.

Each notebook is executed with nbclient in a fresh ``python3`` kernel from its own folder (as a
student's "Restart kernel and run all cells" would, widgets included: ``NBGRADER_EXECUTION`` is
not set). The time counts kernel start, every cell and shutdown. The baseline, run in the same
invocation, is an empty notebook whose one cell is ``import pandas``: the floor that every
notebook pays before it does any work.

Goals: every notebook under 10 s, the whole course (all notebooks one after the other) under
60 s on a 2-core machine. The slowest cell of each notebook is reported from nbclient's timing
metadata, so a slow notebook points at its slow spot.

``python -m benchmarks.notebooks [repeats]`` (default 2 passes over the course).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results")
GOAL_NOTEBOOK_S = 10.0
GOAL_COURSE_S = 60.0
REPEATS = 2


def baseline_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("import pandas")]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    return notebook


def solution_notebooks() -> list[Path]:
    return sorted((ROOT / "solutions").glob("*/*.ipynb"))


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def slowest_cell(notebook: nbformat.NotebookNode) -> tuple[int, float]:
    """(index among code cells, seconds) of the cell that took longest to execute."""
    best = (-1, 0.0)
    code_cells = [c for c in notebook.cells if c.cell_type == "code"]
    for index, cell in enumerate(code_cells):
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            took = (_stamp(timing["shell.execute_reply"])
                    - _stamp(timing["iopub.execute_input"])).total_seconds()
            best = max(best, (index, took), key=lambda item: item[1])
    return best


def execute(notebook: nbformat.NotebookNode, folder: Path) -> tuple[float, tuple[int, float]]:
    """Wall seconds to start a kernel, run every cell and shut down; plus the slowest cell."""
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    started = time.perf_counter()
    client.execute()
    return time.perf_counter() - started, slowest_cell(notebook)


def measure(repeats: int = REPEATS) -> tuple[list[dict], list[float]]:
    """Rows for the baseline and every notebook, and the course total of each pass."""
    env_flag = os.environ.pop("NBGRADER_EXECUTION", None)  # run as a student would
    try:
        paths = solution_notebooks()
        times: dict[str, list[float]] = {"baseline": []}
        slow: dict[str, tuple[int, float]] = {}
        course = []
        for _ in range(repeats):
            seconds, _ = execute(baseline_notebook(), ROOT)
            times["baseline"].append(seconds)
            total = 0.0
            for path in paths:
                seconds, cell = execute(nbformat.read(path, as_version=4), path.parent)
                times.setdefault(path.stem, []).append(seconds)
                slow[path.stem] = max(slow.get(path.stem, (-1, 0.0)), cell, key=lambda c: c[1])
                total += seconds
                print(f"  {path.stem}: {seconds:.1f} s", flush=True)
            course.append(total)
    finally:
        if env_flag is not None:
            os.environ["NBGRADER_EXECUTION"] = env_flag
    base = statistics.median(times["baseline"])
    rows = []
    for name, samples in times.items():
        median = statistics.median(samples)
        rows.append({"notebook": name, "n": len(samples), "median": median,
                     "spread": max(samples) - min(samples), "ratio": median / base,
                     "slowest": slow.get(name), "ok": median < GOAL_NOTEBOOK_S})
    return rows, course


def render(rows: list[dict], course: list[float]) -> str:
    lines = ["| notebook | runs | median s | spread s (max-min) | ratio to baseline | "
             "slowest cell (code cell #, s) | < 10 s |",
             "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        slow = "" if r["slowest"] is None else f"#{r['slowest'][0]}, {r['slowest'][1]:.1f}"
        label = ("baseline: kernel start + `import pandas`" if r["notebook"] == "baseline"
                 else r["notebook"])
        lines.append(f"| {label} | {r['n']} | {r['median']:.1f} | {r['spread']:.1f} | "
                     f"{r['ratio']:.1f} | {slow} | {'yes' if r['ok'] else '**no**'} |")
    median = statistics.median(course)
    base = next(r["median"] for r in rows if r["notebook"] == "baseline")
    lines.append(f"| **whole course** (all {len(rows) - 1} in a row) | {len(course)} | "
                 f"{median:.1f} | {max(course) - min(course):.1f} | {median / base:.1f} | | "
                 f"{'yes' if median < GOAL_COURSE_S else '**no**'} (goal 60 s) |")
    return "\n".join(lines)


def main(argv: list[str] | tuple[str, ...] = ()) -> None:
    repeats = int(argv[0]) if argv else REPEATS
    print(f"notebooks: {repeats} pass(es) over {len(solution_notebooks())} solution notebooks",
          flush=True)
    rows, course = measure(repeats)
    table = render(rows, course)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "notebooks.md").write_text(table + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
