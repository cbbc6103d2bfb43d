"""environment.yml (conda) and pyproject.toml (pip) name the same packages with the same specs."""

from __future__ import annotations

import re
import tomllib

import yaml

from marketing_kit.course.nbgrader_api import REPO_ROOT

SPEC = re.compile(r"^([A-Za-z0-9_.\-]+)\s*(.*)$")


def parse(requirement: str) -> tuple[str, str]:
    name, spec = SPEC.match(requirement.strip()).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    pip_side = dict(
        parse(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]
    )
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    conda_side = dict(parse(d) for d in env["dependencies"] if isinstance(d, str))
    python_spec = conda_side.pop("python")
    conda_side.pop("pip")
    assert python_spec == project["requires-python"]
    assert conda_side == pip_side
    assert "conda-forge" in env["channels"]


def test_parse_detects_a_version_difference():
    assert parse("pandas>=3.0,<4") != parse("pandas>=2.0,<4")
    assert parse("scikit_learn >=1.5") == ("scikit-learn", ">=1.5")
