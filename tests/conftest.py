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


#: Test modules whose heavy module-scoped fixture is parametrised over the assignments.
SPLIT_BY_ASSIGNMENT = {
    "tests/test_grading.py", "tests/test_grading_battery.py", "tests/test_repair_properties.py"}


def _assignment_param(item: pytest.Item, names: set[str]) -> str | None:
    """The assignment a parametrised test runs on (e.g. ``graded[01-stp]``), if any."""
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    for value in callspec.params.values():
        if isinstance(value, str) and value in names:
            return value
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Group tests for ``pytest -n 2 --dist loadgroup`` (``make test``).

    Tests of one module share its module-scoped fixtures (a JupyterLab server, a graded class),
    so they stay on one worker. The modules in ``SPLIT_BY_ASSIGNMENT`` grade each assignment in a
    module-scoped fixture parametrised over assignments: they are split per assignment, so two
    assignments are graded on two cores at once and none is graded twice.
    """
    from marketing_kit.course.nbgrader_api import assignments

    names = set(assignments())
    for item in items:
        module = item.nodeid.split("::", 1)[0]
        assignment = _assignment_param(item, names) if module in SPLIT_BY_ASSIGNMENT else None
        group = f"{module}@{assignment}" if assignment else module
        item.add_marker(pytest.mark.xdist_group(group))
