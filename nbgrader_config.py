"""nbgrader configuration for the marketing-kit course (the repository root is the course)."""

c = get_config()  # noqa: F821 - injected by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "marketing-kit"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# The capstone writes its one-page plan next to the notebook: never release or collect it.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            "capstone_plan.html"]

# Every cell gets this long to run; a hanging answer costs at most this much per cell.
c.Execute.timeout = 20
c.Execute.interrupt_on_timeout = True
# After a cell's reply, nbclient waits this long for its last output (default 4 s) and nbgrader
# fails the cell when it does not come. On a loaded machine the output can take longer: that
# is not the student's fault, so wait longer (a dead kernel is detected separately).
c.Execute.iopub_timeout = 30
# Explorers are for people: a graded notebook (and its feedback) keeps no widget state. A
# client-side chart's state carries plotly.js (5 MB per chart, issue 23).
c.Execute.store_widget_state = False

# Deleted or edited test cells are restored from the gradebook at autograde time.
c.OverwriteCells.add_missing_cells = True

# Student stubs raise NotImplementedError.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Reflection rubrics: a `### BEGIN MARK SCHEME` / `### END MARK SCHEME` block after the model answer
# in each manually graded answer cell; the release strips it. nbgrader only expects mark schemes
# in "task" cells, so its check is relaxed; `marketing-kit rubric` turns them into a grader's page.
c.ClearMarkScheme.enforce_metadata = False

# Keep the stored output of a runaway print bounded (characters per output).
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100

# --- Hostile submissions (issue 12; see docs/grading-robustness.md) --------------------------
# Clear stale scores before a regrade, restore tampered metadata from the gradebook, and refuse
# to run cells that patch library/builtin/test code or read instructor files.
from pathlib import Path  # noqa: E402

from nbgrader.preprocessors import (  # noqa: E402
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    OverwriteCells,
    OverwriteKernelspec,
)

from marketing_kit.course.guards import (  # noqa: E402
    ClearStaleAutoGrades,
    GuardAgainstPatching,
)
from marketing_kit.course.repair import (  # noqa: E402
    LenientNotebookExporter,
    RepairSubmission,
)

c.GuardAgainstPatching.course_root = str(Path(__file__).resolve().parent)  # noqa: F821
# Damaged metadata (issue 25): read any JSON notebook, and rebuild every cell's nbgrader
# metadata from the gradebook FIRST, so the stock preprocessors after it have nothing to fix.
c.Autograde.exporter_class = LenientNotebookExporter
c.RepairSubmission.course_root = c.GuardAgainstPatching.course_root  # noqa: F821
c.Autograde.sanitize_preprocessors = [
    RepairSubmission, ClearStaleAutoGrades, ClearOutput, DeduplicateIds, OverwriteKernelspec,
    OverwriteCells, GuardAgainstPatching, CheckCellMetadata,
]

# --- Grading sandbox and feedback without hidden tests (issue 16; docs/grading-robustness.md) --
# Every autograde (CLI, formgrader, exchange, `marketing-kit grade`) runs the student kernel in
# bubblewrap: no view of the course, no network, memory/CPU/process caps, nothing left behind.
# Kernel start-ups that time out are retried. Opt-out (unsafe): MARKETING_KIT_UNSAFE_NO_SANDBOX=1.
from nbconvert.preprocessors import (  # noqa: E402
    ClearMetadataPreprocessor,
    CSSHTMLHeaderPreprocessor,
)
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from marketing_kit.course.feedback import RedactHiddenTests  # noqa: E402
from marketing_kit.course.sandbox_execute import SandboxedExecute  # noqa: E402

c.Autograde.autograde_preprocessors = [  # nbgrader 0.9.6's list, Execute sandboxed
    SandboxedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]
c.SandboxKernelManager.memory_limit = 2 * 1024**3  # bytes per kernel process
# Feedback shows each test cell's score and failure message, never its hidden tests.
c.GenerateFeedback.preprocessors = [GetGrades, RedactHiddenTests, CSSHTMLHeaderPreprocessor]
