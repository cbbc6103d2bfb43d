"""Run every autograded student kernel inside a bubblewrap sandbox (issue 16).

nbgrader runs a submission's code with the grader's own rights in the course folder, where
``solutions/``, the gradebook and the other students' submissions are one ``..`` away.
:class:`SandboxKernelManager` starts the kernel under `bubblewrap <https://github.com/containers/
bubblewrap>`_ (``bwrap``, Debian package ``bubblewrap``) instead; ``nbgrader_config.py`` installs
it through :class:`marketing_kit.course.sandbox_execute.SandboxedExecute`, so the CLI, the
formgrader, the exchange and ``marketing-kit grade`` all use it. Inside the sandbox:

- the file system is empty but for read-only system libraries (``/usr``, a few ``/etc`` files),
  the Python environment, the kit's package and ``datasets/``; the kernel's working folder is a
  writable *scratch copy* of its ``autograded/<student>/<assignment>/`` folder without the
  notebooks (the graded notebook holds the restored hidden tests); ``/tmp`` is a small tmpfs;
- there is no network (own network namespace); the kernel talks to the grader over ZMQ ``ipc``
  Unix sockets in a private folder bound into the sandbox;
- rlimits cap memory (``RLIMIT_DATA``), CPU seconds, processes and file size; BLAS/OpenMP
  pools get one thread; when the grader is root the kernel drops to an unprivileged uid of
  its own (root ignores ``RLIMIT_NPROC``);
- its own pid namespace with ``--die-with-parent``: when the kernel ends, so does every
  process it started.

When ``bwrap`` is missing grading stops with :data:`INSTALL_HINT`, unless the loudly named
opt-out ``MARKETING_KIT_UNSAFE_NO_SANDBOX=1`` (or ``SandboxKernelManager.unsafe_no_sandbox``)
is set. Threat model and limits: ``docs/grading-robustness.md``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets import Bool, Integer, List, Unicode

#: Environment variable that lets grading run without the sandbox (never for real classes).
OPT_OUT = "MARKETING_KIT_UNSAFE_NO_SANDBOX"
INSTALL_HINT = (
    "marketing-kit grading sandbox: bubblewrap (bwrap) is not installed, so student code cannot "
    "be isolated and grading stops. Install it with `sudo apt-get install bubblewrap` (or `make "
    f"sandbox-deps`). To grade WITHOUT isolation anyway, set {OPT_OUT}=1 (unsafe: student code "
    "can then read solutions/ and write the gradebook)."
)
#: Variables passed from the grader's environment to the kernel (everything else is dropped).
PASS_ENV = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "PYTHONHASHSEED",
            "PYDEVD_DISABLE_FILE_VALIDATION", "MPLBACKEND", "NBGRADER_EXECUTION",
            "JPY_SESSION_NAME")
#: One thread per BLAS/OpenMP pool: a loaded 2-core grader otherwise oversubscribes.
THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
              "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "BLIS_NUM_THREADS")
#: /etc files the Python stack reads (dynamic linker, fonts, time zone, users, MIME types).
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "fonts", "localtime", "timezone",
             "passwd", "group", "nsswitch.conf", "mime.types", "os-release")
#: Runs inside the sandbox: set the rlimits, drop root, enter the scratch folder, exec the kernel.
LAUNCHER = """import json, os, resource, sys
spec = json.loads(sys.argv[1])
for name, value in spec["rlimits"].items():
    resource.setrlimit(getattr(resource, name), (value, value))
uid = spec["uid"]
if uid is not None and os.geteuid() == 0:
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
os.chdir(spec["cwd"])
os.execv(sys.argv[2], sys.argv[2:])
"""


def bwrap_path() -> str | None:
    """The ``bwrap`` executable on ``PATH``, or ``None``."""
    return shutil.which("bwrap")


def opted_out() -> bool:
    """True when the environment disables the sandbox (:data:`OPT_OUT` set to 1/true/yes)."""
    return os.environ.get(OPT_OUT, "").strip().lower() in {"1", "true", "yes"}


def read_only_paths(extra: list[str] = ()) -> list[str]:
    """Folders the kernel may read: the Python environment, the kit package and its datasets."""
    import marketing_kit
    from marketing_kit.datasets import data_dir

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             str(Path(marketing_kit.__file__).resolve().parent), str(data_dir().resolve()),
             *extra}
    real = {os.path.realpath(p) for p in paths} | paths
    return sorted(p for p in real if os.path.exists(p))


def rlimits(memory: int, cpu_seconds: int, processes: int, file_size: int) -> dict[str, int]:
    """The rlimits the launcher sets (``RLIMIT_*`` name -> value, soft = hard)."""
    return {"RLIMIT_DATA": memory, "RLIMIT_CPU": cpu_seconds, "RLIMIT_NPROC": processes,
            "RLIMIT_FSIZE": file_size, "RLIMIT_CORE": 0}


def bwrap_command(kernel_cmd: list[str], *, cwd: str, scratch: str, channel_dir: str,
                  env: dict[str, str], limits: dict[str, int], uid: int | None,
                  read_only: list[str], tmp_bytes: int, bwrap: str = "bwrap") -> list[str]:
    """The ``bwrap`` argv that runs ``kernel_cmd`` sandboxed.

    ``scratch`` is mounted writable at ``cwd`` (the kernel's working folder), ``channel_dir``
    (connection file and ipc sockets) at its own path; ``read_only`` folders are bound
    read-only; nothing else of the host file system is visible but ``/usr`` and
    :data:`ETC_FILES`. Without root, bwrap needs a user namespace and ``uid`` is ignored.
    """
    root = os.geteuid() == 0
    argv = [bwrap, "--die-with-parent", "--unshare-pid", "--unshare-net", "--unshare-ipc",
            "--unshare-uts", "--unshare-cgroup-try", "--hostname", "grader"]
    if root:  # keep only what the launcher needs to drop to ``uid``
        argv += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        argv += ["--unshare-user"]
    argv += ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/tmp",
             "--perms", "1777", "--size", str(tmp_bytes), "--tmpfs", "/dev/shm"]
    for top in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = f"/{top}"
        if os.path.islink(path):
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            argv += ["--ro-bind", path, path]
    argv += ["--perms", "0755", "--dir", "/etc"]
    for name in ETC_FILES:
        argv += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    read_only = [p for p in read_only if not any(_inside(p, q) for q in read_only if q != p)]
    mounts = ["/usr", "/tmp", "/proc", "/dev", "/etc", *read_only, channel_dir, cwd]
    # bwrap creates missing parent folders with mode 0700: an unprivileged kernel could not
    # walk through them, so create them first with 0755 (empty folders, nothing of the host).
    parents = {str(a) for m in mounts[5:] for a in Path(m).parents if str(a) != "/"}
    for folder in sorted(parents, key=lambda p: p.count("/")):
        if folder not in mounts and not any(_inside(folder, m) for m in mounts if m != "/tmp"):
            argv += ["--perms", "0755", "--dir", folder]
    for path in read_only:
        argv += ["--ro-bind", path, path]
    argv += ["--bind", channel_dir, channel_dir, "--bind", scratch, cwd, "--clearenv"]
    for key, value in sorted(env.items()):
        argv += ["--setenv", key, value]
    spec = json.dumps({"rlimits": limits, "uid": uid if root else None, "cwd": cwd})
    return argv + ["--", sys.executable, "-I", "-c", LAUNCHER, spec, *kernel_cmd]


def _inside(path: str, folder: str) -> bool:
    """True when ``path`` is ``folder`` or below it."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def kernel_env(parent: dict[str, str]) -> dict[str, str]:
    """The kernel's environment: :data:`PASS_ENV` from ``parent``, a private home, one thread."""
    env = {k: parent[k] for k in PASS_ENV if k in parent}
    env.update(HOME="/tmp", TMPDIR="/tmp", USER="student", LOGNAME="student",
               MPLCONFIGDIR="/tmp/matplotlib", IPYTHONDIR="/tmp/ipython",
               JUPYTER_CONFIG_DIR="/tmp/jupyter/config", JUPYTER_DATA_DIR="/tmp/jupyter/data",
               JUPYTER_RUNTIME_DIR="/tmp/jupyter/runtime", MALLOC_ARENA_MAX="2",
               PYTHONDONTWRITEBYTECODE="1")
    env.update(dict.fromkeys(THREAD_ENV, "1"))
    return env


def _copy_matplotlib_cache(destination: str) -> None:
    """Give the kernel a copy of the grader's matplotlib font cache.

    Without it every sandboxed kernel (an empty home) rebuilds the font list on its first
    plot, seconds on a loaded machine, which pushes the first cell towards the cell timeout.
    """
    os.makedirs(destination, exist_ok=True)
    try:
        import matplotlib
        from matplotlib import font_manager  # noqa: F401 - builds the cache if missing

        for path in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copy2(path, destination)
    except Exception:  # no matplotlib, or an unwritable cache: the kernel builds its own
        pass


def scratch_copy(cwd: str, destination: str) -> None:
    """Copy the kernel's working folder to ``destination``, without notebooks or checkpoints.

    Symlinks stay links (pointing at paths the sandbox does not show).
    """
    shutil.copytree(cwd, destination, symlinks=True, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))


def require(config) -> None:
    """Raise :class:`SandboxUnavailable` if ``config`` sandboxes kernels and ``bwrap`` is missing.

    ``config`` is a traitlets config (e.g. ``load_api(root).config``); grading calls this once
    before it starts, so a missing tool gives one message instead of one per submission.
    """
    from marketing_kit.course.sandbox_execute import SandboxedExecute

    stages = config.Autograde.get("autograde_preprocessors", [])
    unsafe = config.SandboxKernelManager.get("unsafe_no_sandbox", False) or opted_out()
    if SandboxedExecute in stages and not unsafe and bwrap_path() is None:
        raise SandboxUnavailable(INSTALL_HINT)


class SandboxUnavailable(SystemExit):
    """``bwrap`` is missing: grading stops (a ``SystemExit``, so nbgrader does not go on)."""


class SandboxKernelManager(AsyncKernelManager):
    """A kernel manager that launches the kernel inside bubblewrap (see the module docstring)."""

    memory_limit = Integer(2 * 1024**3, config=True,
                           help="Bytes of data memory per kernel process (RLIMIT_DATA).")
    cpu_seconds = Integer(600, config=True, help="CPU seconds per kernel process (RLIMIT_CPU).")
    process_limit = Integer(64, config=True,
                            help="Processes and threads of the sandbox uid (RLIMIT_NPROC).")
    file_size_limit = Integer(512 * 1024**2, config=True,
                              help="Largest file the kernel may write, bytes (RLIMIT_FSIZE).")
    tmp_size = Integer(256 * 1024**2, config=True, help="Size of the sandbox's /tmp tmpfs.")
    uid_base = Integer(200_000, config=True,
                       help="As root the kernel runs as uid_base + the grader's pid (unique).")
    extra_read_paths = List(Unicode(), config=True,
                            help="More host folders the kernel may read (read-only).")
    unsafe_no_sandbox = Bool(False, config=True,
                             help=f"Run kernels WITHOUT the sandbox (same as {OPT_OUT}=1).")

    _channel_dir: str | None = None
    _scratch: str | None = None

    @property
    def sandboxed(self) -> bool:
        return not (self.unsafe_no_sandbox or opted_out())

    def _uid(self) -> int:
        return self.uid_base + os.getpid()

    async def _async_pre_start_kernel(self, **kw):
        if self.sandboxed:
            if bwrap_path() is None:
                raise SandboxUnavailable(INSTALL_HINT)
            # A private folder for the connection file and the ipc sockets: bound into the
            # sandbox, so the kernel reaches the grader without a network.
            self._channel_dir = tempfile.mkdtemp(prefix="mk-kernel-")
            self.transport = "ipc"
            self.connection_file = os.path.join(self._channel_dir, "kernel.json")
            self.ip = os.path.join(self._channel_dir, "ipc")
        else:
            self.log.warning("%s: student code runs WITHOUT the grading sandbox", OPT_OUT)
        return await super()._async_pre_start_kernel(**kw)

    def write_connection_file(self, **kwargs) -> None:
        super().write_connection_file(**kwargs)
        if self._channel_dir and os.geteuid() == 0:
            for path in (self._channel_dir, self.connection_file):
                os.chown(path, self._uid(), self._uid())

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if self.sandboxed:
            cwd = os.path.realpath(kw.get("cwd") or os.getcwd())
            self._scratch = tempfile.mkdtemp(prefix="mk-scratch-")
            scratch_copy(cwd, self._scratch)
            mpl = os.path.join(self._channel_dir, "matplotlib")
            _copy_matplotlib_cache(mpl)
            uid = self._uid() if os.geteuid() == 0 else None
            if uid is not None:
                for folder, _, files in [*os.walk(self._scratch), *os.walk(mpl)]:
                    for path in (folder, *(os.path.join(folder, f) for f in files)):
                        os.lchown(path, uid, uid)
            limits = rlimits(self.memory_limit, self.cpu_seconds, self.process_limit,
                             self.file_size_limit)
            env = {**kernel_env(kw.get("env") or dict(os.environ)), "MPLCONFIGDIR": mpl}
            kernel_cmd = bwrap_command(
                kernel_cmd, cwd=cwd, scratch=self._scratch, channel_dir=self._channel_dir,
                env=env, limits=limits, uid=uid,
                read_only=read_only_paths(list(self.extra_read_paths)), tmp_bytes=self.tmp_size,
                bwrap=bwrap_path())
            # The kernel's own stdout (ipykernel's banner, raw writes of student subprocesses)
            # would land in the grader's terminal; its messages travel over ZMQ anyway.
            kw["stdout"] = subprocess.DEVNULL
        else:  # still one thread per pool, so sandbox-on and -off runs compare fairly
            kw["env"] = {**(kw.get("env") or os.environ), **dict.fromkeys(THREAD_ENV, "1")}
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_interrupt_kernel(self) -> None:
        # A SIGINT to the process group would reach bwrap itself, which dies and takes the
        # kernel with it: interrupt through the control channel (the kernel signals itself).
        if self.sandboxed and self.has_kernel:
            self._connect_control_socket()
            self.session.send(self._control_socket, self.session.msg("interrupt_request"))
        else:
            await super()._async_interrupt_kernel()

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            for folder in (self._scratch, self._channel_dir):
                if folder:
                    shutil.rmtree(folder, ignore_errors=True)
            self._scratch = self._channel_dir = None

    # AsyncKernelManager binds these public names to the base class's coroutines.
    interrupt_kernel = _async_interrupt_kernel
    cleanup_resources = _async_cleanup_resources
