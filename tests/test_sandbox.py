"""Unit tests of the grading sandbox and the feedback redaction (issue 16).

The hostile-submission battery is ``tests/test_sandbox_battery.py``.
"""

from __future__ import annotations

import os
import sys

import nbformat
import pytest
from nbgrader.preprocessors import Execute, GetGrades

from marketing_kit.course import sandbox
from marketing_kit.course.feedback import RedactHiddenTests, redact_source
from marketing_kit.course.grading import grade_class
from marketing_kit.course.nbgrader_api import REPO_ROOT, copy_course, load_api
from marketing_kit.course.sandbox_execute import SandboxedExecute
from marketing_kit.course.submissions import write_submission

needs_bwrap = pytest.mark.skipif(sandbox.bwrap_path() is None, reason="make sandbox-deps")


def test_nbgrader_config_sandboxes_autograde_and_redacts_feedback():
    config = load_api(REPO_ROOT).config
    stages = config.Autograde.autograde_preprocessors
    assert SandboxedExecute in stages and Execute not in stages
    feedback = config.GenerateFeedback.preprocessors
    assert feedback.index(GetGrades) < feedback.index(RedactHiddenTests)


def test_missing_bwrap_stops_grading_with_one_install_hint(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    monkeypatch.delenv(sandbox.OPT_OUT, raising=False)
    course = copy_course(tmp_path / "course")
    write_submission(course, "08-social-roi", "s1", {})
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap"):
        grade_class(course, "08-social-roi", workers=1)
    assert not (course / "gradebook.db").exists(), "grading started before the check"
    # The executor itself refuses too (plain `nbgrader autograde`, formgrader).
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    with pytest.raises(sandbox.SandboxUnavailable, match=sandbox.OPT_OUT):
        SandboxedExecute().preprocess(notebook, {"metadata": {"path": str(tmp_path)}})
    # The loudly named opt-out lets grading go on.
    monkeypatch.setenv(sandbox.OPT_OUT, "1")
    sandbox.require(load_api(course).config)


def test_bwrap_command_shows_nothing_of_the_course():
    argv = sandbox.bwrap_command(
        ["python", "-m", "ipykernel_launcher"], cwd="/srv/course/autograded/s/a",
        scratch="/tmp/scratch", channel_dir="/tmp/channel", env={"PATH": "/usr/bin"},
        limits=sandbox.rlimits(2**31, 60, 64, 2**20), uid=123456,
        read_only=["/opt/env", "/opt/env/lib", "/srv/course/marketing_kit"], tmp_bytes=2**20)
    joined = " ".join(argv)
    for flag in ("--die-with-parent", "--unshare-pid", "--unshare-net", "--clearenv"):
        assert flag in argv
    assert "--bind /tmp/scratch /srv/course/autograded/s/a" in joined
    assert "--ro-bind /srv/course/marketing_kit /srv/course/marketing_kit" in joined
    assert "/opt/env/lib /opt/env/lib" not in joined, "nested read-only paths are bound once"
    binds = [argv[i + 1] for i, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
    assert "/srv/course" not in binds and "/" not in binds
    assert '"RLIMIT_DATA": 2147483648' in joined and '"RLIMIT_NPROC": 64' in joined
    if os.geteuid() == 0:
        assert "--cap-drop ALL" in joined and '"uid": 123456' in joined


def test_kernel_env_drops_secrets_and_pins_one_thread():
    env = sandbox.kernel_env({"PATH": "/usr/bin", "AWS_SECRET_ACCESS_KEY": "x", "HOME": "/root"})
    assert "AWS_SECRET_ACCESS_KEY" not in env and env["HOME"] == "/tmp"
    assert env["OMP_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == "1"


def test_redact_source_keeps_visible_checks_and_hides_the_region():
    source = ("assert isinstance(x, float), 'x must be a float'\n### BEGIN HIDDEN TESTS\n"
              "assert abs(x - 17.5) < 1e-9, 'recompute the value'\n### END HIDDEN TESTS")
    text, removed = redact_source(source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "# hidden")
    assert removed and "17.5" not in text and "HIDDEN" not in text
    assert text.splitlines() == ["assert isinstance(x, float), 'x must be a float'", "# hidden"]
    unterminated, _ = redact_source("a = 1\n# BEGIN HIDDEN TESTS\nb = 2", "BEGIN HIDDEN TESTS",
                                    "END HIDDEN TESTS", "# hidden")
    assert unterminated == "a = 1\n# hidden", "an unclosed region must not leak"
    assert redact_source("a = 1", "B", "E", "#") == ("a = 1", False)


def test_redaction_keeps_the_message_and_drops_the_traceback():
    cell = nbformat.v4.new_code_cell(
        "### BEGIN HIDDEN TESTS\nassert x == 17.5, 'recompute it'\n### END HIDDEN TESTS")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "points": 2,
                                 "grade_id": "q1_tests", "locked": True, "schema_version": 3}
    cell.outputs = [nbformat.v4.new_output(
        "error", ename="AssertionError", evalue="recompute it",
        traceback=["----> 2 assert x == 17.5, 'recompute it'", "AssertionError: recompute it"])]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    RedactHiddenTests().preprocess(notebook, {})
    assert "17.5" not in cell.source and "2 points" in cell.source
    assert cell.outputs[0]["traceback"] == ["AssertionError: recompute it"]


class FlakyStart(sandbox.SandboxKernelManager):
    """A kernel manager whose first kernel dies before it answers (a failed start-up)."""

    launches = 0

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        FlakyStart.launches += 1
        if FlakyStart.launches == 1:
            kernel_cmd = [sys.executable, "-c", "raise SystemExit(3)"]
        await super()._async_launch_kernel(kernel_cmd, **kw)


@needs_bwrap
def test_failed_start_is_retried_and_a_timeout_interrupts_inside_the_sandbox(tmp_path):
    cells = ["x = 41", "while True:\n    pass", "print(x + 1)"]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    FlakyStart.launches = 0
    executor = SandboxedExecute(kernel_manager_class=FlakyStart, retry_pause=0.1, timeout=15,
                                allow_errors=True)
    executor.preprocess(notebook, {"metadata": {"path": str(tmp_path)}})
    assert FlakyStart.launches == 2, "the failed start-up was not retried exactly once"
    assert notebook.cells[1].outputs[-1]["ename"] in {"KeyboardInterrupt", "CellTimeoutError"}
    assert notebook.cells[2].outputs[0]["text"] == "42\n", "the kernel did not survive"


@needs_bwrap
def test_a_kernel_killed_by_student_code_is_not_retried(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nos._exit(1)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    FlakyStart.launches = 1  # no failure at start-up this time
    executor = SandboxedExecute(kernel_manager_class=FlakyStart, retry_pause=0.1, timeout=15)
    with pytest.raises(Exception, match="(?i)dead|died"):
        executor.preprocess(notebook, {"metadata": {"path": str(tmp_path)}})
    assert FlakyStart.launches == 2, "a kernel death during student code was retried"
