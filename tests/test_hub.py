"""Smoke test of ``deploy/jupyterhub_config.py``: a real JupyterHub on localhost.

The hub loads the deploy config unchanged, plus what a laptop needs instead of a server
(DummyAuthenticator, processes spawned as this user with a home folder in a temp dir,
configurable-http-proxy from npm, free loopback ports). The instructor releases the
assignment into a temporary exchange with ``marketing-kit release --exchange-root``; the test
spawns a student's server and finds the assignment in nbgrader's assignment list there, and
checks that the student has no formgrader while an instructor does.

Skips (with the reason) only when JupyterHub or configurable-http-proxy cannot be installed:
``pip install -e ".[dev]"`` brings jupyterhub, ``make test`` installs the proxy with npm into
``.venv/node``. Only the processes this test starts are stopped, by PID.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from marketing_kit.__main__ import main
from marketing_kit.course.nbgrader_api import REPO_ROOT, assignments, copy_course

ASSIGNMENT = "08-social-roi" if "08-social-roi" in assignments() else assignments()[0]
COURSE_ID = "marketing-kit"
BIN = Path(sys.executable).parent
LOCAL_PROXY = REPO_ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"


def find_proxy() -> str:
    """configurable-http-proxy: on PATH, in .venv/node, or installed there with npm now."""
    found = shutil.which("configurable-http-proxy") or (
        str(LOCAL_PROXY) if LOCAL_PROXY.is_file() else None)
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("configurable-http-proxy is not installed and npm is missing to install it")
    run = subprocess.run([npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                          str(LOCAL_PROXY.parents[2]), "configurable-http-proxy"],
                         capture_output=True, text=True, timeout=300)
    if run.returncode != 0 or not LOCAL_PROXY.is_file():
        pytest.skip(f"npm could not install configurable-http-proxy: {run.stderr[-500:]}")
    return str(LOCAL_PROXY)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, token: str, method: str = "GET", body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            text = response.read().decode()
            return response.status, (json.loads(text) if text.strip().startswith(("{", "["))
                                     else text)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError) as error:  # not listening (yet)
        return 0, str(error)


def wait_for(check, seconds: float, what: str, log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log.is_file() else ""
    raise AssertionError(f"timed out waiting for {what}; hub log tail:\n{tail}")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    pytest.importorskip("jupyterhub", reason="jupyterhub is not installed (pip install -e .[dev])")
    proxy = find_proxy()
    base = tmp_path_factory.mktemp("hub")
    # the instructor's clone of the kit, where the deploy config expects it: ~/marketing-kit
    course = copy_course(base / "home" / "ivy" / "marketing-kit")
    exchange = base / "exchange"
    assert main(["--root", str(course), "release", ASSIGNMENT, "--exchange-root",
                 str(exchange)]) == 0

    port, hub_port, api_port = free_port(), free_port(), free_port()
    token = secrets.token_hex(16)
    runtime = base / "runtime"
    runtime.mkdir()
    config = base / "smoke_config.py"
    root_flag = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    config.write_text(f"""
c = get_config()
load_subconfig({str(REPO_ROOT / "deploy" / "jupyterhub_config.py")!r})
# what a laptop needs instead of a real server
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(base / "home" / "{username}")!r}
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = {root_flag!r}
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.env_keep = ["PATH", "LANG", "LC_ALL", "JUPYTER_DATA_DIR", "IPYTHONDIR",
                      "MPLCONFIGDIR", "JUPYTER_RUNTIME_DIR"]
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {str(base / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{base / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(base / "cookie_secret")!r}
c.JupyterHub.services = [{{"name": "smoke", "api_token": {token!r}}}]
c.JupyterHub.load_roles.append({{
    "name": "smoke", "services": ["smoke"],
    "scopes": ["admin:users", "admin:servers", "access:servers", "read:groups"],
}})
""", encoding="utf-8")
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(BIN), str(Path(proxy).parent), os.environ["PATH"]]),
        "MARKETING_KIT_EXCHANGE": str(exchange),
        "MARKETING_KIT_INSTRUCTORS": "ivy",
        "JUPYTER_RUNTIME_DIR": str(runtime),
    }
    log = base / "hub.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=base,
                                   env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: process.poll() is not None or request(f"{url}/hub/api/", token)[0] == 200,
                 90, "the hub to answer", log)
        assert process.poll() is None, log.read_text(errors="replace")[-3000:]
        yield {"url": url, "token": token, "log": log, "exchange": exchange}
    finally:
        for user in ("alice", "ivy"):
            request(f"{url}/hub/api/users/{user}/server", token, "DELETE")
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        pid_file = base / "proxy.pid"
        if pid_file.is_file():  # the hub normally stops its proxy; make sure
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass


def spawn(hub, user: str) -> str:
    url, token = hub["url"], hub["token"]
    status, _ = request(f"{url}/hub/api/users/{user}", token, "POST")
    assert status in (201, 409), f"creating {user}: {status}"
    status, body = request(f"{url}/hub/api/users/{user}/server", token, "POST", {})
    running = status == 400 and "already running" in str(body)
    assert status in (201, 202) or running, f"spawning {user}: {status} {body}"

    def ready():
        code, info = request(f"{url}/hub/api/users/{user}", token)
        return code == 200 and info.get("servers", {}).get("", {}).get("ready")

    wait_for(ready, 120, f"{user}'s server", hub["log"])
    return f"{url}/user/{user}"


def test_student_server_lists_the_released_assignment(hub):
    server = spawn(hub, "alice")
    status, listing = request(f"{server}/assignments?course_id={COURSE_ID}", hub["token"])
    assert status == 200, listing
    assert listing["success"], listing
    released = {(a["course_id"], a["assignment_id"], a["status"]) for a in listing["value"]}
    assert (COURSE_ID, ASSIGNMENT, "released") in released
    status, _ = request(f"{server}/api/contents", hub["token"])
    assert status == 200


def test_student_has_no_formgrader_but_the_instructor_has(hub):
    student = spawn(hub, "alice")
    status, _ = request(f"{student}/formgrader/api/assignments", hub["token"])
    assert status == 404, "students must not get the formgrader"
    instructor = spawn(hub, "ivy")
    status, body = request(f"{instructor}/formgrader/api/assignments", hub["token"])
    assert status == 200, body
    assert isinstance(body, list), str(body)[:800]
    assert ASSIGNMENT in {a["name"] for a in body}


def test_hub_knows_the_instructors_group(hub):
    status, group = request(f"{hub['url']}/hub/api/groups/instructors", hub["token"])
    assert status == 200, group
    assert group["users"] == ["ivy"]
