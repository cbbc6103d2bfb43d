"""nbgrader preprocessors that keep autograding honest with hostile or broken submissions.

Installed by the course's ``nbgrader_config.py`` in ``Autograde.sanitize_preprocessors``, so the
CLI, the formgrader, ``marketing-kit grade`` and the tests all use them (issue 12; the fixture
table and the limits are in ``docs/grading-robustness.md``):

- :class:`ClearStaleAutoGrades`: a failed regrade never keeps an earlier submission's scores;
- tampered or damaged nbgrader metadata is restored from the gradebook by
  :class:`marketing_kit.course.repair.RepairSubmission` (it runs first; issue 25);
- :class:`GuardAgainstPatching`: a static tripwire (not a sandbox) for cells that rebind library,
  builtin or test code, or read the instructor's files while being graded.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode


class ClearStaleAutoGrades(NbGraderPreprocessor):
    """Clear the submission's autograded scores before its code runs.

    When a regrade fails (the kernel dies, ``exit()``), nbgrader 0.9.6 leaves the gradebook as
    it was: the scores of an earlier, working submission would stand for the new one. Cleared
    first, a failed regrade looks like any failed submission (no autograded score, which counts
    as 0); a successful one writes its scores. Manual scores stay.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gradebook:
            try:
                submitted = gradebook.find_submission_notebook(
                    info["notebook"], info["assignment"], info["student"]
                )
            except MissingEntry:
                return nb, resources
            for grade in submitted.grades:
                if grade.cell.cell_type == "code":
                    grade.auto_score = None
            gradebook.db.commit()
        return nb, resources


#: Builtins a test uses to check an answer: rebinding them at top level is always flagged.
CHECKING_BUILTINS = frozenset(
    {
        "isinstance",
        "issubclass",
        "callable",
        "hasattr",
        "getattr",
        "type",
        "all",
        "any",
        "bool",
        "float",
        "int",
        "str",
        "list",
        "set",
        "dict",
        "tuple",
        "sorted",
        "len",
        "abs",
        "round",
    }
    | {name for name in dir(builtins) if name.endswith(("Error", "Exception"))}
)
#: Calls and imports that reach around the static scan (code from strings, frames, memory).
ESCAPE_CALLS = frozenset(
    {
        "setattr",
        "delattr",
        "exec",
        "eval",
        "compile",
        "__import__",
        "vars",
        "globals",
        "locals",
        "get_ipython",
        "breakpoint",
    }
)
ESCAPE_MODULES = frozenset({"builtins", "ctypes", "gc", "importlib", "inspect", "mock", "unittest"})
#: Reading the instructor's files while being graded (the kernel runs in the course folder).
FILE_MODULES = frozenset(
    {
        "subprocess",
        "socket",
        "shutil",
        "glob",
        "pathlib",
        "sqlite3",
        "pickle",
        "shelve",
        "urllib",
        "http",
        "requests",
        "nbformat",
    }
)
FILE_CALLS = frozenset({"open"})
FILE_ATTRS = frozenset(
    {
        "listdir",
        "scandir",
        "walk",
        "system",
        "popen",
        "chdir",
        "remove",
        "unlink",
        "rmtree",
        "read_text",
        "read_bytes",
        "iterdir",
        "rglob",
        "spawnl",
        "execv",
        "startfile",
    }
)
FILE_WORDS = ("solutions", "gradebook", ".ipynb", "autograded")
#: Attributes of ``sys`` that reach other modules or the running frames.
ESCAPE_SYS = frozenset(
    {"modules", "settrace", "setprofile", "_getframe", "meta_path", "path_hooks"}
)
SAFE_DUNDERS = frozenset({"__name__", "__doc__", "__version__", "__init__", "__file__"})
COMPARISON_DUNDERS = frozenset(
    {
        "__eq__",
        "__ne__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
        "__bool__",
        "__instancecheck__",
        "__subclasscheck__",
        "__float__",
        "__index__",
        "__int__",
        "__hash__",
        "__contains__",
    }
)


def _root(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _imports(tree):
    """(statement, bound name, 'module' or 'module.attr') for each import in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")[0]
                yield node, a.asname or top, a.name if a.asname else top
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                yield node, a.asname or a.name, f"{node.module}.{a.name}"


def _import_bindings(tree):
    """{name: 'module' or 'module.attr'} bound by the import statements in ``tree``."""
    return {name: target for _, name, target in _imports(tree)}


def _python(source):
    """``source`` as a Python AST, IPython magics turned into ``get_ipython()`` calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    return ast.parse(TransformerManager().transform_cell(source))


def _bound_names(target):
    """Names a target binds: ``a`` and ``a, (b, *c)`` do; ``a.b`` and ``a[0]`` do not."""
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Starred):
        return _bound_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _bound_names(element)]
    return []


def _top_level_bindings(node):
    """(name, binds a callable) for each name a top-level statement binds."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [(node.name, True)]
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.For)):
        targets, value = [node.target], None
    elif isinstance(node, ast.With):
        targets, value = [i.optional_vars for i in node.items if i.optional_vars], None
    else:
        return []
    names = [name for t in targets for name in _bound_names(t)]
    return [(name, isinstance(value, (ast.Lambda, ast.Name, ast.Attribute))) for name in names]


def patch_findings(source, trusted_imports):
    """Reasons to distrust a student cell: it rebinds library, builtin or test code, or reads files.

    ``trusted_imports`` maps the names the instructor's cells import to what they import. A
    static scan, so a tripwire rather than a sandbox (limits: docs/grading-robustness.md).
    """
    try:
        tree = _python(source)
    except SyntaxError:
        return []  # it cannot run either
    modules = dict(trusted_imports)
    found = []

    def flag(node, why):
        found.append(f"line {node.lineno}: {why}")

    for node, name, target in _imports(tree):
        if name in modules and modules[name] != target:
            flag(node, f"import rebinds {name!r}")
        if target.split(".")[0] in ESCAPE_MODULES | FILE_MODULES:
            flag(node, f"imports {target}")
    modules.update(_import_bindings(tree))
    # `%matplotlib ...` becomes get_ipython().run_line_magic('matplotlib', ...): allowed.
    allowed = {
        id(node.func.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "run_line_magic"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value == "matplotlib"
    }
    for node in ast.walk(tree):  # aliases such as `m = math`
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
        ):
            modules.update(
                {t.id: modules[node.value.id] for t in node.targets if isinstance(t, ast.Name)}
            )

    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for t in targets:
                for sub in ast.walk(t):
                    if isinstance(sub, ast.Attribute) and _root(sub) in {*modules, "builtins"}:
                        if not (
                            _root(sub) in modules
                            and modules[_root(sub)] == "pandas"
                            and ".options." in f".{ast.unparse(sub)}."
                        ):
                            flag(node, f"assigns to {ast.unparse(sub)}")
                            break
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ESCAPE_CALLS | FILE_CALLS
            and id(node) not in allowed
        ):
            flag(node, f"calls {node.func.id}()")
        elif isinstance(node, ast.Attribute) and node.attr in FILE_ATTRS:
            flag(node, f"uses .{node.attr}")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(word in node.value.lower() for word in FILE_WORDS)
        ):
            flag(node, f"names instructor files ({node.value[:40]!r})")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("__")
            and node.attr.endswith("__")
            and node.attr not in SAFE_DUNDERS
        ):
            flag(node, f"uses {node.attr}")
        elif isinstance(node, ast.Name) and node.id in {"__builtins__", "__import__", "__loader__"}:
            flag(node, f"uses {node.id}")
        elif isinstance(node, ast.ClassDef):
            defined = {f.name for f in node.body if isinstance(f, ast.FunctionDef)}
            dunders = defined & COMPARISON_DUNDERS
            if dunders:
                flag(node, f"class {node.name} overrides {', '.join(sorted(dunders))}")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ESCAPE_SYS
            and modules.get(_root(node) or "") == "sys"
        ):
            flag(node, f"uses sys.{node.attr}")
        elif isinstance(node, ast.Global):
            # `global` alone is a novice habit, not an attack; rebinding a checker through it is.
            risky = [
                n
                for n in node.names
                if n in CHECKING_BUILTINS or n in trusted_imports or hasattr(builtins, n)
            ]
            if risky:
                flag(node, "declares global " + ", ".join(risky))
    for node in tree.body:  # top-level rebinding of checking builtins and instructor imports
        for name, is_callable in _top_level_bindings(node):
            other_builtin = hasattr(builtins, name) and is_callable
            if name in CHECKING_BUILTINS or name in trusted_imports or other_builtin:
                flag(node, f"rebinds {name!r}")
    return found


class GuardAgainstPatching(NbGraderPreprocessor):
    """Do not run a student cell that rebinds library, builtin or test code, or reads files.

    Scans every code cell the student could have written or edited (all but the test and locked
    cells, which ``OverwriteCells`` restores, and cells identical to the instructor's). A flagged
    cell is replaced by a ``raise`` naming the reason, so the exercises that depend on it score 0
    and the feedback says why; the instructor reviews it (see docs/grading-robustness.md).
    """

    course_root = Unicode(
        "", help="Course folder holding solutions/ (default: the current directory)."
    ).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        root = Path(self.course_root or ".").resolve()
        path = root / "solutions" / info["assignment"] / f"{info['notebook']}.ipynb"
        self.trusted, self.imports = set(), {}
        if path.is_file():
            for cell in nbformat.read(path, as_version=4).cells:
                answer = cell.metadata.get("nbgrader", {}).get("solution")
                if cell.cell_type == "code" and not answer:
                    self.trusted.add(cell.source)
                    try:
                        self.imports.update(_import_bindings(_python(cell.source)))
                    except SyntaxError:
                        pass
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        meta = cell.metadata.get("nbgrader", {})
        restored = meta.get("locked") or (meta.get("grade") and not meta.get("solution"))
        if cell.cell_type != "code" or restored or cell.source in self.trusted:
            return cell, resources
        findings = patch_findings(cell.source, self.imports)
        if findings:
            self.log.warning("Cell %s not run: %s", meta.get("grade_id", cell_index), findings)
            reason = "; ".join(findings)
            cell.source = (
                "raise RuntimeError("
                + repr(
                    "marketing-kit grading guard: this cell was not run because it changes "
                    "library, builtin or test code or reads files while being graded "
                    f"({reason}). Ask your instructor to review it."
                )
                + ")"
            )
        return cell, resources
