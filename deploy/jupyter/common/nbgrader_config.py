"""nbgrader settings every course user gets on the hub: the course id and the shared exchange."""

import os

c = get_config()  # noqa: F821 - injected by traitlets

c.CourseDirectory.course_id = os.environ.get("MARKETING_KIT_COURSE_ID", "marketing-kit")
c.Exchange.root = os.environ.get("MARKETING_KIT_EXCHANGE", "/srv/nbgrader/exchange")
