"""A dependency-free progress bar for the instructor CLI (one line per step when not a TTY)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``[#####-----]  12/60  3.1 s  student012 ok``; redrawn in place on a terminal."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None, width: int = 30):
        self.total, self.label, self.width = max(total, 0), label, width
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.start = time.perf_counter()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, note: str = "") -> None:
        """Count one finished item and redraw with ``note`` (e.g. the student and the score)."""
        self.done += 1
        filled = self.width * self.done // self.total if self.total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.perf_counter() - self.start
        line = (f"{self.label} [{bar}] {self.done:>{len(str(self.total))}}/{self.total} "
                f"{elapsed:6.1f} s  {note}")
        if self.tty:
            self.stream.write("\r\033[K" + line)
            if self.done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
