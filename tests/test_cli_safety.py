"""``marketing-kit reset`` (asks, backs the gradebook up with the hand marks, then deletes) and
``marketing-kit rubric`` (the graders' page, built from a notebook made in the test)."""

from __future__ import annotations

import sqlite3
import zipfile

import nbformat
import pytest

from marketing_kit.__main__ import main
from marketing_kit.course.rubric import reflections
from marketing_kit.course.safety import COURSE_DATA
from tools.nb_author import code, manual, md, write


def fake_course(root):
    (root / "solutions" / "99-demo").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa\n", encoding="utf-8")
    db = sqlite3.connect(root / "gradebook.db")
    db.execute("create table grade (id text, manual_score real)")
    db.execute("insert into grade values ('r1', 2.5)")
    db.commit()
    db.close()
    for folder in COURSE_DATA[:-1]:
        (root / folder / "10001").mkdir(parents=True)
        (root / folder / "10001" / "x.txt").write_text(folder, encoding="utf-8")
    return root


def test_reset_asks_and_keeps_everything_without_a_yes(tmp_path, monkeypatch, capsys):
    root = fake_course(tmp_path)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    assert main(["--root", str(root), "reset"]) == 1
    assert "nothing deleted" in capsys.readouterr().out
    assert all((root / name).exists() for name in COURSE_DATA)


def test_reset_backs_up_the_gradebook_then_deletes(tmp_path, monkeypatch, capsys):
    root = fake_course(tmp_path)
    monkeypatch.setattr("builtins.input", lambda prompt: "reset")
    assert main(["--root", str(root), "reset"]) == 0
    assert "backup in" in capsys.readouterr().out
    assert not any((root / name).exists() for name in COURSE_DATA)
    (backup,) = (root / "backups").iterdir()
    rows = sqlite3.connect(backup / "gradebook.db").execute("select * from grade").fetchall()
    assert rows == [("r1", 2.5)]  # the hand mark survives
    names = zipfile.ZipFile(backup / "course-data.zip").namelist()
    assert "submitted/10001/x.txt" in names and "feedback/10001/x.txt" in names


def test_reset_with_yes_does_not_ask(tmp_path, monkeypatch):
    root = fake_course(tmp_path)
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    assert main(["--root", str(root), "reset", "--yes"]) == 0
    assert (root / "backups").is_dir() and not (root / "gradebook.db").exists()


RUBRIC = """### BEGIN MARK SCHEME
**Rubric (3 points)**
- 1 point: names the cheaper project with the numbers
- 2 points: one thing the formula leaves out
Usual partial answers: a decision without numbers.
### END MARK SCHEME"""


def test_rubric_page_has_prompt_points_rubric_and_model_answer(tmp_path, capsys):
    root = tmp_path / "course"
    (root / "solutions" / "99-demo").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa\n", encoding="utf-8")
    answer = manual("### BEGIN SOLUTION\nRetention wins: $536 against $240.\n"
                    "### END SOLUTION\n" + RUBRIC, "r1_memo", 3)
    write([md("# Demo"), code("x = 1"),
           md("**Reflection 1 (3 points)**: retention or acquisition?"), answer],
          root / "solutions" / "99-demo" / "99-demo.ipynb")
    (item,) = reflections(root, "99-demo")
    assert (item.grade_id, item.points) == ("r1_memo", 3.0)
    assert item.prompt.startswith("**Reflection 1")
    assert item.model_answer == "Retention wins: $536 against $240."
    assert item.rubric.startswith("**Rubric (3 points)**") and "MARK SCHEME" not in item.rubric
    out = tmp_path / "rubric.html"
    assert main(["--root", str(root), "rubric", "99-demo", "--out", str(out)]) == 0
    assert "1 hand-graded answer(s)" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    assert "<strong>Rubric (3 points)</strong>" in page and "<li>1 point: names" in page
    assert "r1_memo (3 points)" in page and "retention or acquisition?" in page
    assert "Retention wins" in page


def test_rubric_default_goes_to_the_ignored_exports_folder(tmp_path):
    root = tmp_path / "course"
    (root / "solutions" / "99-demo").mkdir(parents=True)
    (root / "nbgrader_config.py").write_text("c = get_config()  # noqa\n", encoding="utf-8")
    nbformat.write(nbformat.v4.new_notebook(), root / "solutions" / "99-demo" / "99-demo.ipynb")
    assert main(["--root", str(root), "rubric", "99-demo"]) == 0
    page = root / "artifacts" / "exports" / "99-demo-rubric.html"
    assert "no hand-graded answers" in page.read_text(encoding="utf-8")


def test_rubric_prompt_is_the_locked_prompt_cell_not_a_hint(tmp_path):
    """As in the course notebooks: a locked prompt cell (nbgrader metadata), then a hint."""
    root = tmp_path / "course"
    (root / "solutions" / "99-demo").mkdir(parents=True)
    prompt = md("**Reflection 1 (3 points)**: which channel would you cut?")
    prompt.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                   "grade_id": "r1_prompt", "schema_version": 3}
    hint = md("<details><summary>Hint</summary>look at the removal effects</details>")
    answer = manual("### BEGIN SOLUTION\nCut Display.\n### END SOLUTION\n" + RUBRIC, "r1", 3)
    write([md("# Demo"), prompt, hint, answer], root / "solutions" / "99-demo" / "99-demo.ipynb")
    (item,) = reflections(root, "99-demo")
    assert item.prompt.startswith("**Reflection 1"), item.prompt
