"""Shared fixtures: every test runs with throw-away Jupyter, IPython and matplotlib dirs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# CI explores the same examples on every run (no flaky reds); locally hypothesis keeps
# searching new random examples, which is how it finds bugs.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def isolated_jupyter_dirs(tmp_path_factory: pytest.TempPathFactory):
    """Point JUPYTER_*, IPYTHONDIR and MPLCONFIGDIR at temporary folders for the whole run."""
    base = tmp_path_factory.mktemp("jupyter-env")
    names = (
        "JUPYTER_CONFIG_DIR",
        "JUPYTER_DATA_DIR",
        "JUPYTER_RUNTIME_DIR",
        "IPYTHONDIR",
        "MPLCONFIGDIR",
    )
    with pytest.MonkeyPatch.context() as patch:
        for name in names:
            folder = base / name.lower()
            folder.mkdir()
            patch.setenv(name, str(folder))
        patch.setenv("MPLBACKEND", "Agg")
        patch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        patch.delenv("JUPYTER_PATH", raising=False)
        # nbgrader runs the `alembic` executable by name: put this venv's bin first on PATH.
        patch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        yield base
    os.environ.pop("NBGRADER_EXECUTION", None)


@pytest.fixture
def opened_charts(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The figure each plotly Chart is created (and its comm opened) with, in order.

    A browser that drops the messages sent while a chart's module loads still draws this state,
    so explorer tests check that it already holds the first picture.
    """
    from marketing_kit.widgets import _plotly

    opened: list[dict] = []
    build = _plotly.new_figure

    def recording(*args, **kwargs):
        chart = build(*args, **kwargs)
        opened.append(chart.figure)
        return chart

    monkeypatch.setattr(_plotly, "new_figure", recording)
    return opened
