"""Instructors: the formgrader and `marketing-kit` work on the instructor's clone of the kit."""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - injected by traitlets

root = Path(os.path.expanduser(os.environ.get("MARKETING_KIT_COURSE_ROOT", "~/marketing-kit")))
c.CourseDirectory.root = str(root)
if (root / "nbgrader_config.py").is_file():  # solutions/ as source, notebooks/ as release, ...
    load_subconfig(str(root / "nbgrader_config.py"))  # noqa: F821 - injected by traitlets
c.Exchange.root = os.environ.get("MARKETING_KIT_EXCHANGE", "/srv/nbgrader/exchange")
