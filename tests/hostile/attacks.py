"""Hostile answer cells for the sandbox battery (``tests/test_sandbox_battery.py``, issue 16).

Each attack is written the way a student who wants a better grade would, *around* the static
guard (``GuardAgainstPatching``): paths built from pieces, pandas/numpy/sqlalchemy readers and
writers, no ``open``, no ``socket``/``subprocess`` imports. The battery checks the guard passes
every one of them, so the tests prove the sandbox, not the tripwire. Each cell prints one line
``ATTACK <name>: <result>``; the result starts with an upper-case word when the attack worked
and with ``blocked`` when it did not.
"""

from __future__ import annotations

#: The working folder of a graded kernel is ``<course>/autograded/<student>/<assignment>``.
_ROOT = """import os
up = os.path.dirname
course = up(up(up(os.getcwd())))
"""

ATTACKS = {
    "read_hidden": _ROOT + """import numpy as np
target = os.path.join(course, "sol" + "utions", "{assignment}", "{notebook}.ip" + "ynb")
try:
    print("ATTACK read_hidden: LEAKED", np.fromfile(target, dtype=np.uint8).tobytes().decode())
except OSError as exc:
    print("ATTACK read_hidden: blocked", type(exc).__name__)
""",
    "extra_credit": _ROOT + """import sqlalchemy
url = "sqlite:///" + os.path.join(course, "grade" + "book.db")
try:
    with sqlalchemy.create_engine(url).begin() as db:
        rows = db.execute(sqlalchemy.text("UPDATE grade SET extra_credit = 50")).rowcount
    print("ATTACK extra_credit: WROTE", rows)
except Exception as exc:
    print("ATTACK extra_credit: blocked", type(exc).__name__)
""",
    "overwrite_peer": _ROOT + """import pandas as pd
peer = os.path.join(course, "submitted", "peer", "{assignment}", "{notebook}.ip" + "ynb")
try:
    pd.DataFrame({{"x": ["{{}}"]}}).to_csv(peer, index=False, header=False)
    print("ATTACK overwrite_peer: OVERWROTE")
except OSError as exc:
    print("ATTACK overwrite_peer: blocked", type(exc).__name__)
""",
    "write_config": _ROOT + """import pandas as pd
config = os.path.join(course, "nbgrader_config.py")
try:
    pd.DataFrame({{"x": ["c.Execute.timeout = 1"]}}).to_csv(config, mode="a", index=False,
                                                          header=False)
    print("ATTACK write_config: APPENDED")
except OSError as exc:
    print("ATTACK write_config: blocked", type(exc).__name__)
""",
    "loopback": """import pandas as pd
try:
    print("ATTACK loopback: CONNECTED", pd.read_csv("http://127.0.0.1:{port}/grades.csv").shape)
except Exception as exc:
    print("ATTACK loopback: blocked", type(exc).__name__)
""",
    "memory": """import numpy as np
try:
    blob = np.zeros(3 * 1024**3, dtype=np.uint8)
    print("ATTACK memory: ALLOCATED", blob.nbytes)
    del blob
except MemoryError:
    print("ATTACK memory: blocked MemoryError")
""",
    # Last: the sleeping children hold the process budget until the kernel ends.
    "fork": """import os
def detach():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execlp("sleep", "sleep", "{marker}")
        os._exit(0)
forked = 0
try:
    detach()
    for _ in range({forks}):
        if os.fork() == 0:
            os.execlp("sleep", "sleep", "{marker}")
        forked += 1
    print("ATTACK fork: FORKED", forked)
except OSError as exc:
    print("ATTACK fork: blocked after", forked, type(exc).__name__)
""",
}
#: Children the fork attack tries to start (the sandbox's process cap is lower).
FORKS = 100


def cells(assignment: str, notebook: str, port: int, marker: str) -> dict[str, str]:
    """The attack cells, filled in for one course (``notebook`` without ``.ipynb``)."""
    return {name: text.format(assignment=assignment, notebook=notebook, port=port, marker=marker,
                              forks=FORKS)
            for name, text in ATTACKS.items()}


def results(outputs: str) -> dict[str, str]:
    """{attack: result text} from the ``ATTACK <name>: <result>`` lines of ``outputs``."""
    found = {}
    for line in outputs.splitlines():
        if line.startswith("ATTACK ") and ":" in line:
            name, _, result = line[len("ATTACK "):].partition(":")
            found[name.strip()] = result.strip()
    return found
