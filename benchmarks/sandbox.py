"""Cost of the grading sandbox per kernel: start a kernel, import what a notebook imports, stop.

The same one-cell notebook runs through :class:`~marketing_kit.course.sandbox.SandboxKernelManager`
with the sandbox on and with the loudly named opt-out, interleaved (on, off, off, on, ...) so a
shared machine's load falls on both alike; the ratio of the medians is the sandbox's cost.
``benchmarks/grading.py`` measures the same on a whole class, in sequential phases.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

import nbformat
from nbclient import NotebookClient

from marketing_kit.course.sandbox import OPT_OUT, SandboxKernelManager

CELL = ("import pandas, matplotlib.pyplot as plt\n"
        "from marketing_kit import datasets\n"
        "table = datasets.load('social_roi_channels')")


def run_once(sandbox: bool) -> float:
    """Seconds to start a kernel, run :data:`CELL` and shut the kernel down."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    previous = os.environ.pop(OPT_OUT, None)
    if not sandbox:
        os.environ[OPT_OUT] = "1"
    try:
        with tempfile.TemporaryDirectory() as work:
            client = NotebookClient(notebook, kernel_manager_class=SandboxKernelManager,
                                    timeout=120, startup_timeout=120,
                                    resources={"metadata": {"path": work}})
            start = time.perf_counter()
            client.execute()
            return time.perf_counter() - start
    finally:
        os.environ.pop(OPT_OUT, None)
        if previous is not None:
            os.environ[OPT_OUT] = previous


def main(rounds: int = 6) -> dict[str, float]:
    times: dict[bool, list[float]] = {True: [], False: []}
    for i in range(rounds):
        for sandbox in (True, False) if i % 2 == 0 else (False, True):
            times[sandbox].append(run_once(sandbox))
    on, off = statistics.median(times[True]), statistics.median(times[False])
    print(f"kernel start + imports, median of {rounds}: sandbox {on:.2f} s, "
          f"no sandbox {off:.2f} s, ratio {on / off:.3f}; load {os.getloadavg()}")
    return {"sandbox": on, "no_sandbox": off, "ratio": on / off}


if __name__ == "__main__":
    main()
