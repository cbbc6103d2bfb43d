"""Import time, cold, each in a fresh interpreter: ``marketing_kit`` and every topic module.

The baseline, timed in the same invocation and interleaved with the others, is ``import pandas``
alone (every topic needs it). The time is measured inside the child process around the import
statement (interpreter start-up is not counted), as wall-clock and CPU time. One extra run
per module with ``python -X importtime`` names its heaviest direct imports, so a slow module
points at what to make lazy.

Goal: ``import marketing_kit`` under 0.3 s. ``python -m benchmarks.imports [repeats]``.
"""

from __future__ import annotations

import pkgutil
import statistics
import subprocess
import sys
from pathlib import Path

import marketing_kit

RESULTS = Path(__file__).with_name("results")
REPEATS = 5
GOAL_PACKAGE_S = 0.3
PROBE = (
    "import time; w, c = time.perf_counter(), time.process_time(); import {module}; "
    "print(time.perf_counter() - w, time.process_time() - c)"
)


def targets() -> list[str]:
    """``marketing_kit`` and its public modules (``__main__`` is the CLI, listed separately)."""
    names = [info.name for info in pkgutil.iter_modules(marketing_kit.__path__)
             if not info.name.startswith("_") and not info.ispkg]
    return ["marketing_kit", *[f"marketing_kit.{n}" for n in sorted(names)],
            "marketing_kit.__main__"]


def time_import(module: str) -> tuple[float, float]:
    """(wall, CPU) seconds of ``import module`` in a fresh interpreter."""
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1])


def heaviest(module: str, top: int = 3) -> list[tuple[str, float]]:
    """The ``top`` slowest third-party packages that ``import module`` pulls in, each counted
    where a ``marketing_kit`` module first imports it (cumulative seconds, by top-level name)."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         check=True, capture_output=True, text=True).stderr
    # -X importtime prints children before their parent, one indentation level deeper.
    pending: dict[int, list[tuple[str, float, list]]] = {}
    roots: list[tuple[str, float, list]] = []
    for line in err.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        depth = (len(parts[2]) - len(parts[2].lstrip()) - 1) // 2
        node = (parts[2].strip(), int(parts[1]) / 1e6, pending.pop(depth + 1, []))
        (roots if depth == 0 else pending.setdefault(depth, [])).append(node)
    totals: dict[str, float] = {}

    def walk(node: tuple[str, float, list]) -> None:
        name, seconds, children = node
        root = name.split(".")[0]
        if root != "marketing_kit":
            if root not in sys.stdlib_module_names:
                totals[root] = totals.get(root, 0.0) + seconds
            return
        for child in children:
            walk(child)

    for node in roots:
        if node[0].split(".")[0] == "marketing_kit":
            walk(node)
    return sorted(totals.items(), key=lambda item: -item[1])[:top]


def measure(repeats: int = REPEATS) -> list[dict]:
    names = ["pandas", *targets()]
    samples: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for _ in range(repeats):  # interleaved, so load changes hit every module alike
        for name in names:
            samples[name].append(time_import(name))
    base_wall = statistics.median(w for w, _ in samples["pandas"])
    base_cpu = statistics.median(c for _, c in samples["pandas"])
    rows = []
    for name in names:
        walls = [w for w, _ in samples[name]]
        cpus = [c for _, c in samples[name]]
        rows.append({"module": name, "n": len(walls), "median": statistics.median(walls),
                     "spread": max(walls) - min(walls), "cpu": statistics.median(cpus),
                     "ratio": statistics.median(walls) / base_wall,
                     "cpu_ratio": statistics.median(cpus) / base_cpu,
                     "heaviest": heaviest(name) if name != "pandas" else []})
    return rows


def render(rows: list[dict]) -> str:
    lines = ["| import | runs | median s | spread s (max-min) | CPU s | ratio to pandas "
             "(wall / CPU) | heaviest imports it pulls in (cumulative s, one -X importtime run) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        label = "baseline: `import pandas`" if r["module"] == "pandas" else f"`{r['module']}`"
        if r["module"] == "marketing_kit":
            ok = "yes" if r["median"] < GOAL_PACKAGE_S else "**no**"
            label += f" (goal < 0.3 s: {ok})"
        heavy = ", ".join(f"{n} {s:.2f}" for n, s in r["heaviest"])
        lines.append(f"| {label} | {r['n']} | {r['median']:.3f} | {r['spread']:.3f} | "
                     f"{r['cpu']:.3f} | {r['ratio']:.2f} / {r['cpu_ratio']:.2f} | {heavy} |")
    return "\n".join(lines)


def main(argv: list[str] | tuple[str, ...] = ()) -> None:
    repeats = int(argv[0]) if argv else REPEATS
    print(f"imports: {repeats} fresh interpreter(s) per module, interleaved", flush=True)
    table = render(measure(repeats))
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "imports.md").write_text(table + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
