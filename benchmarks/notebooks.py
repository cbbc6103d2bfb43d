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
CPU_PROBE = ("import resource as _r\n_u = _r.getrusage(_r.RUSAGE_SELF)\n"
             "print(_u.ru_utime + _u.ru_stime)")


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


def execute(notebook: nbformat.NotebookNode,
            folder: Path) -> tuple[float, float, tuple[int, float]]:
    """Wall seconds to start a kernel, run every cell and shut down; the kernel's own CPU
    seconds (start-up included, read by one extra cell at the end); the slowest cell."""
    notebook.cells.append(nbformat.v4.new_code_cell(CPU_PROBE))
    client = NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(folder)}})
    started = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - started
    probe = notebook.cells.pop()
    cpu = float("".join(o.get("text", "") for o in probe.outputs if o.output_type == "stream"))
    return seconds, cpu, slowest_cell(notebook)


def measure(repeats: int = REPEATS) -> tuple[list[dict], list[tuple[float, float]]]:
    """Rows for the baseline and every notebook; (wall, CPU) course totals of each pass."""
    env_flag = os.environ.pop("NBGRADER_EXECUTION", None)  # run as a student would
    try:
        paths = solution_notebooks()
        times: dict[str, list[tuple[float, float]]] = {"baseline": []}
        slow: dict[str, tuple[int, float]] = {}
        course = []
        for _ in range(repeats):
            seconds, cpu, _ = execute(baseline_notebook(), ROOT)
            times["baseline"].append((seconds, cpu))
            total = [0.0, 0.0]
            for path in paths:
                seconds, cpu, cell = execute(nbformat.read(path, as_version=4), path.parent)
                times.setdefault(path.stem, []).append((seconds, cpu))
                slow[path.stem] = max(slow.get(path.stem, (-1, 0.0)), cell, key=lambda c: c[1])
                total[0] += seconds
                total[1] += cpu
                print(f"  {path.stem}: {seconds:.1f} s wall, {cpu:.1f} s kernel CPU", flush=True)
            course.append((total[0], total[1]))
    finally:
        if env_flag is not None:
            os.environ["NBGRADER_EXECUTION"] = env_flag
    base = statistics.median(w for w, _ in times["baseline"])
    rows = []
    for name, samples in times.items():
        walls = [w for w, _ in samples]
        median = statistics.median(walls)
        rows.append({"notebook": name, "n": len(samples), "median": median,
                     "spread": max(walls) - min(walls), "ratio": median / base,
                     "cpu": statistics.median(c for _, c in samples),
                     "slowest": slow.get(name), "ok": median < GOAL_NOTEBOOK_S})
    return rows, course


def render(rows: list[dict], course: list[tuple[float, float]]) -> str:
    lines = ["| notebook | runs | median s | spread s (max-min) | ratio to baseline | "
             "kernel CPU s | slowest cell (code cell #, s) | < 10 s |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        slow = "" if r["slowest"] is None else f"#{r['slowest'][0]}, {r['slowest'][1]:.1f}"
        label = ("baseline: kernel start + `import pandas`" if r["notebook"] == "baseline"
                 else r["notebook"])
        lines.append(f"| {label} | {r['n']} | {r['median']:.1f} | {r['spread']:.1f} | "
                     f"{r['ratio']:.1f} | {r['cpu']:.1f} | {slow} | "
                     f"{'yes' if r['ok'] else '**no**'} |")
    walls = [w for w, _ in course]
    median = statistics.median(walls)
    base = next(r["median"] for r in rows if r["notebook"] == "baseline")
    lines.append(f"| **whole course** (all {len(rows) - 1} in a row) | {len(course)} | "
                 f"{median:.1f} | {max(walls) - min(walls):.1f} | {median / base:.1f} | "
                 f"{statistics.median(c for _, c in course):.1f} | | "
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
