"""Datasets: synthetic files rebuild byte-identically, every CSV has a data card, the loader
works from a checkout and from an installed wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from marketing_kit import datasets, synthetic
from marketing_kit.course.nbgrader_api import REPO_ROOT


def test_synthetic_datasets_rebuild_byte_identically(tmp_path):
    written = synthetic.write_all(tmp_path)
    assert written, "no synthetic generators found"
    for path in written:
        committed = REPO_ROOT / "datasets" / path.name
        assert committed.is_file(), f"{path.name} is generated but not committed: run `make data`"
        assert path.read_bytes() == committed.read_bytes(), f"{path.name} differs: run `make data`"


def test_generators_are_deterministic_in_process():
    first, second = synthetic.build_all(), synthetic.build_all()
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_every_csv_has_a_data_card():
    card = (REPO_ROOT / "datasets" / "README.md").read_text(encoding="utf-8")
    for name in datasets.available():
        assert f"## {name}.csv" in card, f"datasets/README.md needs a '## {name}.csv' section"


@pytest.mark.parametrize("name", datasets.available())
def test_every_dataset_loads_non_empty(name):
    frame = datasets.load(name)
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0


def test_load_rejects_unknown_names():
    with pytest.raises(ValueError, match="must be one of"):
        datasets.load("no_such_dataset")
    with pytest.raises(TypeError):
        datasets.load(3)


def test_loader_works_from_an_installed_wheel(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(REPO_ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "site")
    assert "marketing_kit/_datasets/social_roi_channels.csv" in names
    probe = (
        "import marketing_kit.datasets as d; f = d.load('social_roi_channels'); "
        "assert d.data_dir().name == '_datasets', d.data_dir(); print(len(f))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site")},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "4"
