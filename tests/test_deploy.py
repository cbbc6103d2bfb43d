"""Deploy without leaks: the student image's build context (``.dockerignore``), the TLJH
permission script, and the student wheel (package + datasets, no solutions)."""

from __future__ import annotations

import fnmatch
import grp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from marketing_kit.course.nbgrader_api import REPO_ROOT, assignments

INSTRUCTOR_ONLY = ("solutions/", "tests/", "gradebook.db", "submitted/", "autograded/",
                   "feedback/", "downloaded/", "artifacts/", "backups/", ".git/", ".venv/")


def _regex(pattern: str) -> re.Pattern:
    """Docker's pattern syntax (moby/patternmatcher): ``**`` any folders, ``*`` and ``?`` within
    one path element, anchored at the context root."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            if pattern.startswith("/", i):
                out, i = out + "(?:/|)", i + 1
            continue
        ch = pattern[i]
        out += "[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch)
        i += 1
    return re.compile(out + "$")


def dockerignore_rules(path: Path) -> list[tuple[bool, re.Pattern, str]]:
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = os.path.normpath(line.lstrip("!").strip("/"))
        rules.append((keep, _regex(pattern), pattern))
    return rules


def excluded(rel: str, rules) -> bool:
    """Last matching rule wins; a rule matching a parent folder matches the path too."""
    parts = rel.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    state = False
    for keep, regex, _ in rules:
        if any(regex.match(c) for c in candidates):
            state = not keep
    return state


def build_context(root: Path) -> list[str]:
    """The files ``docker build`` would send from ``root`` under its ``.dockerignore``."""
    rules = dockerignore_rules(root / ".dockerignore")
    keeps = [p for keep, _, p in rules if keep]
    files = []
    for folder, dirs, names in os.walk(root):
        rel_dir = Path(folder).relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        for d in list(dirs):  # prune excluded folders no exception reaches into
            rel = rel_dir + d
            if excluded(rel, rules) and not any(k.startswith(rel + "/") or
                                                fnmatch.fnmatch(rel, k) for k in keeps):
                dirs.remove(d)
        files += [rel_dir + n for n in names if not excluded(rel_dir + n, rules)]
    return sorted(files)


def summary(files: list[str]) -> str:
    counts: dict[str, int] = {}
    for f in files:
        parts = f.split("/")
        top = "/".join(parts[:2]) if parts[0] in ("notebooks", "deploy") else parts[0]
        top += "/" if top != f else ""
        counts[top] = counts.get(top, 0) + 1
    return "\n".join(f"{n:5d}  {top}" for top, n in sorted(counts.items()))


def test_student_image_context_holds_the_release_only():
    files = build_context(REPO_ROOT)
    print(f"build context: {len(files)} files\n{summary(files)}")
    assert "pyproject.toml" in files and "README.md" in files
    assert "marketing_kit/__init__.py" in files and "marketing_kit/datasets.py" in files
    assert "deploy/jupyter/common/nbgrader_config.py" in files
    assert any(f.startswith("datasets/") and f.endswith(".csv") for f in files)
    for assignment in assignments():
        assert any(f.startswith(f"notebooks/{assignment}/") for f in files), assignment
    leaks = [f for f in files if f.startswith(INSTRUCTOR_ONLY) or "grades" in f.split("/")[-1]
             or f.endswith((".db", ".pyc")) or "/.ipynb_checkpoints/" in f]
    assert leaks == []
    for f in files:
        if f.startswith("notebooks/") and f.endswith(".ipynb"):
            text = (REPO_ROOT / f).read_text(encoding="utf-8")
            assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, f


def test_a_working_clone_with_class_data_still_sends_none_of_it(tmp_path):
    clone = tmp_path / "clone"
    clone.mkdir()
    shutil.copy2(REPO_ROOT / ".dockerignore", clone)
    planted = {
        "pyproject.toml": "x", "README.md": "x", "marketing_kit/__init__.py": "",
        "marketing_kit/__pycache__/x.cpython-311.pyc": "", "datasets/a.csv": "a",
        "notebooks/08-social-roi/08-social-roi.ipynb": "{}",
        "notebooks/08-social-roi/.ipynb_checkpoints/08-social-roi-checkpoint.ipynb": "{}",
        "deploy/jupyter/common/nbgrader_config.py": "", "deploy/Dockerfile": "",
        "solutions/08-social-roi/08-social-roi.ipynb": "{}", "gradebook.db": "",
        "submitted/10001/08-social-roi/08-social-roi.ipynb": "{}", "grades.csv": "",
        "feedback/10001/08-social-roi/08-social-roi.html": "", "backups/1/gradebook.db": "",
        "artifacts/exports/grades-canvas.csv": "", "downloaded/roster.json": "{}",
        "tests/mistakes/08-social-roi.yml": "", ".git/config": "", "nbgrader_config.py": "",
    }
    for rel, text in planted.items():
        (clone / rel).parent.mkdir(parents=True, exist_ok=True)
        (clone / rel).write_text(text, encoding="utf-8")
    assert build_context(clone) == sorted([
        "README.md", "datasets/a.csv",
        "deploy/jupyter/common/nbgrader_config.py", "marketing_kit/__init__.py",
        "notebooks/08-social-roi/08-social-roi.ipynb", "pyproject.toml"])


def test_dockerfile_copies_from_the_filtered_context_and_guards_it():
    text = (REPO_ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY . /tmp/marketing-kit" in text
    assert "test ! -e /tmp/marketing-kit/solutions" in text
    assert "rm -rf /tmp/marketing-kit" in text
    assert "COPY solutions" not in text


@pytest.fixture
def world_traversable(tmp_path):
    """A folder under /tmp that other users can reach (pytest's own tmp is root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="mk-tljh-", dir="/tmp"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def as_nobody_can_read(path: Path) -> bool:
    run = subprocess.run(["runuser", "-u", "nobody", "--", "cat", str(path)],
                         capture_output=True, text=True)
    return run.returncode == 0


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("runuser") is None,
                    reason="needs root and runuser to try reading as another user")
def test_tljh_permission_script_locks_other_users_out(world_traversable):
    course = world_traversable / "marketing-kit"
    (course / "solutions" / "08-social-roi").mkdir(parents=True)
    answer = course / "solutions" / "08-social-roi" / "08-social-roi.ipynb"
    answer.write_text("{}", encoding="utf-8")
    os.chmod(course, 0o755)
    for p in (course / "solutions", answer.parent):
        os.chmod(p, 0o755)
    os.chmod(answer, 0o644)  # what `sudo git clone` leaves with the default umask
    control = world_traversable / "public.txt"
    control.write_text("anyone", encoding="utf-8")
    os.chmod(control, 0o644)
    assert as_nobody_can_read(answer) and as_nobody_can_read(control)  # the leak, and a control
    group = grp.getgrgid(os.getgid()).gr_name
    run = subprocess.run(["sh", str(REPO_ROOT / "deploy" / "tljh-permissions.sh"), str(course),
                          group], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert not as_nobody_can_read(answer)
    later = course / "gradebook.db"  # written later by nbgrader with mode 644
    later.write_text("marks", encoding="utf-8")
    os.chmod(later, 0o644)
    assert not as_nobody_can_read(later)
    assert as_nobody_can_read(control)
    for p in [course, *course.rglob("*")]:
        assert p.stat().st_mode & 0o007 == 0 or p == later, p
        if p.is_dir():
            assert p.stat().st_mode & 0o2000, f"{p} lacks setgid"


def test_tljh_permission_script_rejects_a_missing_group(world_traversable):
    run = subprocess.run(["sh", str(REPO_ROOT / "deploy" / "tljh-permissions.sh"),
                          str(world_traversable), "no-such-group-xyz"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "no group no-such-group-xyz" in run.stderr


def test_student_wheel_has_package_and_datasets_but_no_solutions(tmp_path):
    run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                          "--no-build-isolation", "--wheel-dir", str(tmp_path), str(REPO_ROOT)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    (wheel,) = tmp_path.glob("marketing_kit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "marketing_kit/__init__.py" in names
    assert any(n.startswith("marketing_kit/_datasets/") and n.endswith(".csv") for n in names)
    assert not [n for n in names if "solutions" in n or n.startswith(("tests/", "notebooks/"))]
    with zipfile.ZipFile(wheel) as z:
        for name in names:
            if name.endswith((".ipynb", ".csv", ".json")):
                text = z.read(name).decode("utf-8", "replace")
                assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, name


def test_make_wheel_target_builds_the_student_wheel():
    text = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^wheel:", text, re.M) and "pip wheel --no-deps" in text


def test_setup_cell_is_first_once_and_carries_no_nbgrader_metadata(tmp_path):
    from tools import add_setup_cell

    root = tmp_path / "kit"
    (root / "tools").mkdir(parents=True)
    shutil.copy2(REPO_ROOT / "tools" / "setup_cell.md", root / "tools" / "setup_cell.md")
    shutil.copy2(REPO_ROOT / "pyproject.toml", root / "pyproject.toml")
    import nbformat

    from tools.nb_author import code, md, write

    path = write([md("# 99 Demo"), code("from marketing_kit import datasets")],
                 root / "solutions" / "99-demo" / "99-demo.ipynb")
    assert add_setup_cell.main(["--root", str(root), "--check"]) == 1
    assert add_setup_cell.main(["--root", str(root)]) == 0
    first = nbformat.read(path, as_version=4)
    assert add_setup_cell.main(["--root", str(root)]) == 0  # idempotent
    again = nbformat.read(path, as_version=4)
    assert again == first and len(again.cells) == 3
    cell = again.cells[0]
    assert cell.cell_type == "markdown" and "nbgrader" not in cell.metadata
    assert "%pip install marketing_kit-0.1.0-py3-none-any.whl" in cell.source
    assert "{version}" not in cell.source and again.cells[1].source == "# 99 Demo"
    assert add_setup_cell.main(["--root", str(root), "--check"]) == 0
