"""Hostile submissions against the grading sandbox, on 08-social-roi (issue 16).

One attacker submission carries every attack of ``tests/hostile/attacks.py`` (read the hidden
tests in ``solutions/``, write the gradebook, overwrite a peer's submission, append to
``nbgrader_config.py``, reach a loopback HTTP listener the test runs, allocate 3 GiB, fork 100
processes and leave a detached one), each written so the static guard does not flag it. It is
graded with an honest student, a blank one, the victim peer and a typical-mistakes student,
once through ``grade_class`` (``marketing-kit grade``) and once through one ``nbgrader
autograde`` CLI batch, and feedback is generated for everyone. Expected: the honest scores are
unchanged, the attacker has a grade row with full marks (the attacks are ungraded cells) and
nothing more, course files are byte-identical, no connection reached the listener, no process
survives, and no hidden test appears in any output or feedback.

``test_each_attack_works_without_the_sandbox`` runs the same cells in a bare kernel with the
sandbox switched off and shows that each attack then succeeds (cheap: one small notebook).
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import battery
import nbformat
import pytest
import yaml
from hostile import attacks
from traitlets.config import Config

from marketing_kit.course.grading import generate_feedback, grade_class
from marketing_kit.course.guards import patch_findings
from marketing_kit.course.nbgrader_api import (
    REPO_ROOT,
    assignments,
    autograded_score,
    cell_scores,
    copy_course,
    load_api,
)
from marketing_kit.course.sandbox import bwrap_path
from marketing_kit.course.sandbox_execute import SandboxedExecute
from marketing_kit.course.submissions import fill_answers, grade_id, write_submission

A = "08-social-roi"
NAME = f"{A}.ipynb"
#: Generous: the machine is shared; the slowest solution cell needs a few seconds when idle.
TIMEOUT = 60
PROCESS_CAP = 64  # SandboxKernelManager.process_limit default

pytestmark = [
    pytest.mark.grading,
    pytest.mark.skipif(A not in assignments(), reason=f"{A} is the reference assignment"),
    pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap missing: run make sandbox-deps"),
]


class Listener:
    """A loopback HTTP server that counts requests (the network attack's target)."""

    def __init__(self):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                hits.append(self.path)
                body = b"a,b\n1,2\n"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def marked_processes(marker: str) -> list[int]:
    """Pids of the host's processes whose command line holds ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def snapshot(course: Path) -> dict[str, str]:
    """sha256 of every course file a student must not change (gradebook aside)."""
    files = [course / "nbgrader_config.py"]
    for folder in ("solutions", "notebooks", "submitted"):
        files += sorted(p for p in (course / folder).rglob("*") if p.is_file())
    return {str(p.relative_to(course)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def hidden_lines(source: nbformat.NotebookNode) -> list[str]:
    """The code lines of every hidden-test region of the source notebook.

    Lines that are only a string (an assertion message, meant for the student) and short
    lines are left out.
    """
    lines = []
    for cell in source.cells:
        if battery.is_test(cell):
            inside = False
            for line in cell.source.splitlines():
                if "BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif "END HIDDEN TESTS" in line:
                    inside = False
                elif inside and len(line.strip()) > 12 and line.strip()[0] not in "'\"f":
                    lines.append(line.strip())
    return lines


def attacker_notebook(release, source, cells: dict[str, str]) -> nbformat.NotebookNode:
    """Solution answers; every attack but the fork after the first answer, the fork last."""
    notebook = fill_answers(release, source)
    first = battery.exercises(source)[0].answer
    for name in reversed([n for n in cells if n != "fork"]):
        battery.add_cell_after(notebook, first, cells[name])
    notebook.cells.append(nbformat.v4.new_code_cell(cells["fork"]))
    return notebook


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts += [str(v) for v in output.get("data", {}).values()]
            parts += [output.get("evalue", ""), *output.get("traceback", [])]
    return "\n".join(parts)


def build_course(base: Path, listener: Listener, marker: str) -> dict:
    course = copy_course(base / "course")
    api = load_api(course)
    assert api.generate_assignment(A, force=True)["success"]
    release = nbformat.read(course / "notebooks" / A / NAME, as_version=4)
    source = nbformat.read(course / "solutions" / A / NAME, as_version=4)
    mistakes = yaml.safe_load((REPO_ROOT / "tests" / "mistakes" / f"{A}.yml").read_text())
    cells = attacks.cells(A, NAME[: -len(".ipynb")], listener.port, marker)
    for cell in cells.values():
        assert patch_findings(cell, {}) == [], "the guard flags an attack: it tests nothing"
    subs = {
        "honest": fill_answers(release, source),
        "peer": fill_answers(release, source),
        "blank": release,
        "mistake": fill_answers(release, source, mistakes["answers"]),
        "attacker": attacker_notebook(release, source, cells),
    }
    for student, notebook in subs.items():
        write_submission(course, A, student, {NAME: notebook})
    return {"course": course, "source": source, "mistakes": mistakes, "listener": listener,
            "marker": marker, "before": snapshot(course)}


@pytest.fixture(scope="module", params=["grade_class", "nbgrader_cli"])
def graded(request, tmp_path_factory):
    """One autograde batch of the five submissions through one grading path, plus feedback."""
    listener = Listener()
    marker = f"4242.{secrets.randbelow(10**6):06d}"
    run = build_course(tmp_path_factory.mktemp(f"sandbox-{request.param}"), listener, marker)
    course = run["course"]
    if request.param == "grade_class":
        outcomes = grade_class(course, A, workers=2, overrides={"Execute.timeout": TIMEOUT})
        run["ok"] = {o.student: o.ok for o in outcomes}
        feedback = generate_feedback(course, A)
    else:
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                     f"{os.environ['PATH']}"}
        cli = [sys.executable, "-m", "nbgrader"]
        done = subprocess.run([*cli, "autograde", A, "--force", f"--Execute.timeout={TIMEOUT}"],
                              cwd=course, env=env, capture_output=True, text=True)
        run["log"] = done.stderr
        run["ok"] = {s: (course / "autograded" / s / A / NAME).is_file()
                     for s in ("honest", "peer", "blank", "mistake", "attacker")}
        subprocess.run([*cli, "generate_feedback", A, "--force"], cwd=course, env=env,
                       capture_output=True, text=True)
        feedback = {s: (course / "feedback" / s / A).is_dir() for s in run["ok"]}
    time.sleep(1)  # let the kernel's pid namespace finish tearing down
    run["survivors"] = marked_processes(marker)
    kill_all(run["survivors"])
    listener.close()
    run["feedback"] = feedback
    run["path"] = request.param
    return run


def scores(run, student) -> tuple[float, float]:
    return autograded_score(cell_scores(run["course"], A, student))


def autograded_nb(run, student) -> nbformat.NotebookNode:
    return nbformat.read(run["course"] / "autograded" / student / A / NAME, as_version=4)


def test_honest_students_score_as_without_attacker(graded):
    assert all(graded["ok"].values()), (graded["ok"], graded.get("log", "")[-3000:])
    full = scores(graded, "honest")
    assert full[0] == full[1] > 0
    assert scores(graded, "peer") == full, "the victim's submission was changed"
    assert scores(graded, "blank") == (0, full[1])
    assert scores(graded, "mistake")[0] == graded["mistakes"]["expected_score"]


def test_attacker_is_graded_and_earns_nothing_extra(graded):
    assert scores(graded, "attacker") == scores(graded, "honest")
    with sqlite3.connect(graded["course"] / "gradebook.db") as db:
        extra = db.execute("SELECT count(*) FROM grade WHERE extra_credit > 0").fetchone()[0]
    assert extra == 0, "extra credit appeared in the gradebook"


def test_every_attack_ran_and_was_blocked(graded):
    found = attacks.results(outputs_text(autograded_nb(graded, "attacker")))
    assert set(found) == set(attacks.ATTACKS), f"attacks that did not run: {found}"
    for name, result in found.items():
        assert result.startswith("blocked"), f"{name} got through the sandbox: {result[:200]}"
    forked = int(found["fork"].split()[2])
    assert forked < PROCESS_CAP, f"{forked} processes: the cap ({PROCESS_CAP}) did not hold"


def test_course_files_are_byte_identical(graded):
    assert snapshot(graded["course"]) == graded["before"]


def test_no_connection_and_no_surviving_process(graded):
    assert graded["listener"].hits == [], "a sandboxed kernel reached the host's loopback"
    assert graded["survivors"] == [], "processes started by a student outlived grading"


def test_no_hidden_test_in_outputs_or_feedback(graded):
    assert all(graded["feedback"].values()), graded["feedback"]
    secret = hidden_lines(graded["source"])
    assert secret, "the source notebook has no hidden tests: the check tests nothing"
    # The attacker's own outputs (its read attack printed there when it worked).
    shown = outputs_text(autograded_nb(graded, "attacker"))
    assert "HIDDEN TESTS" not in shown
    assert not [line for line in secret if line in shown]
    for student in graded["ok"]:
        submitted = graded["course"] / "submitted" / student / A / NAME
        own = {line.strip() for cell in nbformat.read(submitted, as_version=4).cells
               for line in cell.source.splitlines()}
        pages = list((graded["course"] / "feedback" / student / A).glob("*.html"))
        assert pages, f"no feedback for {student}"
        for page in pages:
            text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
            assert "HIDDEN TESTS" not in text, f"{student}: hidden tests in feedback"
            leaked = [line for line in secret if line in text and line not in own]
            assert not leaked, f"{student}'s feedback shows hidden tests: {leaked[:3]}"
            assert "hidden tests: not shown" in text
    # A failed hidden check still tells the student why (its assertion message).
    failed = graded["mistakes"]["failing_tests"]
    messages = [battery.first_error(c)[1] for c in autograded_nb(graded, "mistake").cells
                if grade_id(c) in failed and battery.first_error(c)]
    page = next((graded["course"] / "feedback" / "mistake" / A).glob("*.html")).read_text()
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert [m for m in messages if m and m in shown], "failure messages missing from feedback"


# --- the same attacks in a bare kernel, with and without the sandbox --------------------------
def run_attacks(base: Path, sandbox: bool) -> dict:
    """Run the attack cells in ``<course>/autograded/attacker/<A>`` and observe the damage."""
    listener = Listener()
    marker = f"4242.{secrets.randbelow(10**6):06d}"
    course = copy_course(base / "course")
    with sqlite3.connect(course / "gradebook.db") as db:
        db.execute("CREATE TABLE grade (id TEXT, extra_credit FLOAT)")
        db.execute("INSERT INTO grade VALUES ('q1', NULL)")
    source = course / "solutions" / A / NAME
    peer = course / "submitted" / "peer" / A / NAME
    peer.parent.mkdir(parents=True)
    peer.write_bytes(source.read_bytes())
    work = course / "autograded" / "attacker" / A
    work.mkdir(parents=True)
    before = snapshot(course)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    cells = attacks.cells(A, NAME[: -len(".ipynb")], listener.port, marker)
    notebook.cells = [nbformat.v4.new_code_cell(text) for text in cells.values()]
    config = Config({"SandboxKernelManager": {"unsafe_no_sandbox": not sandbox}})
    executor = SandboxedExecute(config=config, timeout=TIMEOUT, allow_errors=True)
    try:
        executor.preprocess(notebook, {"metadata": {"path": str(work)}})
        time.sleep(1)
        survivors = marked_processes(marker)
    finally:
        kill_all(marked_processes(marker))
        listener.close()
    with sqlite3.connect(course / "gradebook.db") as db:
        extra = db.execute("SELECT count(*) FROM grade WHERE extra_credit > 0").fetchone()[0]
    after = snapshot(course)
    text = outputs_text(notebook)
    return {"results": attacks.results(text), "text": text, "hits": listener.hits,
            "survivors": survivors, "extra": extra,
            "changed": {k for k in before if before[k] != after.get(k)}}


@pytest.fixture(scope="module")
def bare_kernels(tmp_path_factory):
    return {mode: run_attacks(tmp_path_factory.mktemp(f"bare-{mode}"), mode == "on")
            for mode in ("off", "on")}


#: What each attack does to the course when nothing stops it.
DAMAGE = {
    "read_hidden": lambda r: "BEGIN HIDDEN TESTS" in r["text"],
    "extra_credit": lambda r: r["extra"] > 0,
    "overwrite_peer": lambda r: f"submitted/peer/{A}/{NAME}" in r["changed"],
    "write_config": lambda r: "nbgrader_config.py" in r["changed"],
    "loopback": lambda r: len(r["hits"]) > 0,
    "memory": lambda r: r["results"]["memory"].startswith("ALLOCATED"),
    # jupyter_client kills the kernel's process group at shutdown; the setsid one lives on.
    "fork": lambda r: (len(r["survivors"]) >= 1
                       and r["results"]["fork"] == f"FORKED {attacks.FORKS}"),
}


@pytest.mark.parametrize("attack", sorted(attacks.ATTACKS))
def test_each_attack_works_without_the_sandbox(bare_kernels, attack):
    off, on = bare_kernels["off"], bare_kernels["on"]
    assert DAMAGE[attack](off), f"{attack} did not work with the sandbox off: {off['results']}"
    assert not DAMAGE[attack](on), f"{attack} worked inside the sandbox: {on['results']}"
    assert on["results"][attack].startswith("blocked")
