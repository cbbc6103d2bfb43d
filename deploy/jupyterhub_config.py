"""JupyterHub configuration for a marketing-kit course: nbgrader exchange, the kit preinstalled,
student and instructor roles.

It holds only the course's part, so the same file serves every route (see ``deploy/README.md``):

- The Littlest JupyterHub: link it into ``/opt/tljh/config/jupyterhub_config.d/``;
- Zero-to-JupyterHub on Kubernetes: ``hub.extraConfig`` in ``z2jh-values.yaml`` loads it;
- a plain ``jupyterhub -f deploy/jupyterhub_config.py`` (add your authenticator).

Settings (environment variables of the hub process):

``MARKETING_KIT_COURSE_ID``   nbgrader course id (default ``marketing-kit``, as in the kit's
                              ``nbgrader_config.py``)
``MARKETING_KIT_EXCHANGE``    the shared nbgrader exchange folder (default
                              ``/srv/nbgrader/exchange``), writable by every user
``MARKETING_KIT_INSTRUCTORS`` comma-separated instructor user names (default ``instructor``);
                              everybody else is a student
``MARKETING_KIT_COURSE_ROOT`` the instructors' course folder, a clone of the kit (default
                              ``~/marketing-kit``)
``MARKETING_KIT_DEPLOY_DIR``  where the *single-user servers* find this ``deploy/`` folder
                              (default: next to this file; on Kubernetes the path inside the
                              single-user image, see ``Dockerfile``)
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 - injected by traitlets when JupyterHub loads this file

DEPLOY = Path(os.environ.get("MARKETING_KIT_DEPLOY_DIR") or Path(__file__).resolve().parent)
COURSE_ID = os.environ.get("MARKETING_KIT_COURSE_ID", "marketing-kit")
EXCHANGE = Path(os.environ.get("MARKETING_KIT_EXCHANGE", "/srv/nbgrader/exchange"))
INSTRUCTORS = sorted(
    {name.strip() for name in os.environ.get("MARKETING_KIT_INSTRUCTORS", "instructor").split(",")
     if name.strip()}
)
COURSE_ROOT = os.environ.get("MARKETING_KIT_COURSE_ROOT", "~/marketing-kit")

# --- the nbgrader exchange: one folder every user can write to (sticky, like /tmp) -------------
try:
    EXCHANGE.mkdir(parents=True, exist_ok=True)
    os.chmod(EXCHANGE, 0o1777)
except PermissionError:  # the hub does not run as root: the admin creates it (see README)
    pass

# --- roles: the "instructors" group grades; every other user is a student ---------------------
# Appended, not assigned, so a site's own groups and roles (TLJH, Z2JH) are kept.
c.JupyterHub.load_groups.update({"instructors": {"users": INSTRUCTORS}})
c.JupyterHub.load_roles.append(
    {
        "name": "course-instructor",
        "description": "Instructors see the class list and can open a student's server to help.",
        "groups": ["instructors"],
        "scopes": ["self", "list:users", "read:users", "access:servers", "servers"],
    }
)


def is_instructor(user) -> bool:
    """True for a member of the instructors group (or a name in MARKETING_KIT_INSTRUCTORS)."""
    return user.name in INSTRUCTORS or any(g.name == "instructors" for g in user.groups)


_site_hook = c.Spawner.pre_spawn_hook if callable(c.Spawner.pre_spawn_hook) else None


def course_environment(spawner):
    """Point each single-user server at the course's Jupyter config for its role.

    ``jupyter/common`` sets the exchange and course id for nbgrader; ``jupyter/student`` turns
    off the formgrader, create-assignment and course-list extensions; ``jupyter/instructor``
    points the formgrader at the instructor's clone of the kit.
    """
    role = "instructor" if is_instructor(spawner.user) else "student"
    config_path = [DEPLOY / "jupyter" / role, DEPLOY / "jupyter" / "common"]
    spawner.environment = {
        **spawner.environment,
        "JUPYTER_CONFIG_PATH": os.pathsep.join(str(p) for p in config_path),
        "MARKETING_KIT_ROLE": role,
        "MARKETING_KIT_COURSE_ID": COURSE_ID,
        "MARKETING_KIT_EXCHANGE": str(EXCHANGE),
        "MARKETING_KIT_COURSE_ROOT": COURSE_ROOT,
        "NBGRADER_COURSE_ID": COURSE_ID,
    }
    return _site_hook(spawner) if _site_hook else None


c.Spawner.pre_spawn_hook = course_environment
c.Spawner.default_url = "/lab"
