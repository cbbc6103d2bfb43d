"""The repair of damaged nbgrader metadata, one damage kind at a time (issue 25; no kernel).

Each test damages the solution submission (or the blank release) of the reference assignment
``08-social-roi``, runs :class:`RepairSubmission` against a real course gradebook, then runs
the stock sanitize preprocessors after it (which must find nothing to fix and not crash).
"""

from __future__ import annotations

import copy
import json

import nbformat
import pytest
import repair_damage as rd
from nbgrader.preprocessors import (
    DeduplicateIds,
    OverwriteCells,
    OverwriteKernelspec,
)

from marketing_kit.course.nbgrader_api import copy_course, db_url, load_api
from marketing_kit.course.repair import (
    LenientNotebookExporter,
    read_lenient,
)
from marketing_kit.course.submissions import fill_answers, grade_id, is_answer

ASSIGNMENT = "08-social-roi"
NAME = f"{ASSIGNMENT}.ipynb"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("repair"))
    result = load_api(root, **{"CourseDirectory.db_url": db_url(root)}).generate_assignment(
        ASSIGNMENT, force=True)
    assert result["success"], result.get("log")
    release = nbformat.read(root / "notebooks" / ASSIGNMENT / NAME, as_version=4)
    source = nbformat.read(root / "solutions" / ASSIGNMENT / NAME, as_version=4)
    return {"root": root, "release": release, "solution": fill_answers(release, source)}


def sanitize(course, data) -> nbformat.NotebookNode:
    """:func:`repair_damage.sanitize` on the reference assignment."""
    return rd.sanitize(course["root"], ASSIGNMENT, data)


def graded(nb, answers: bool = True) -> list[tuple]:
    """(grade_id, type, nbgrader metadata, source) of each nbgrader cell; answers' source opt."""
    return [
        (grade_id(c), c.cell_type, dict(c.metadata.nbgrader),
         c.source if answers or not is_answer(c) else None)
        for c in nb.cells if "nbgrader" in c.metadata
    ]


def as_json(nb) -> dict:
    return json.loads(json.dumps(nb))


def first(data, predicate) -> int:
    return next(i for i, c in enumerate(data["cells"]) if predicate(c))


def answer_ix(data) -> int:
    return first(data, lambda c: c["metadata"].get("nbgrader", {}).get("solution")
                 and c["cell_type"] == "code")


def locate_test(data) -> int:
    return first(data, lambda c: c["metadata"].get("nbgrader", {}).get("points")
                 and c["cell_type"] == "code")


@pytest.fixture(scope="module")
def reference(course):
    return sanitize(course, as_json(course["solution"]))


def stock(course, nb) -> nbformat.NotebookNode:
    """What stock nbgrader's sanitize preprocessors make of an undamaged notebook."""
    nb = copy.deepcopy(nb)
    resources = {"nbgrader": {"notebook": ASSIGNMENT, "assignment": ASSIGNMENT,
                              "student": "s", "db_url": db_url(course["root"])}}
    for pp in (DeduplicateIds(), OverwriteKernelspec(), OverwriteCells(add_missing_cells=True)):
        nb, resources = pp.preprocess(nb, resources)
    return nb


def test_undamaged_notebooks_come_out_as_stock_nbgrader_makes_them(course, reference):
    """Tests get their hidden part back from the gradebook; nothing else changes."""
    for nb in (course["release"], course["solution"]):
        assert graded(sanitize(course, as_json(nb))) == graded(stock(course, nb))
        assert [c.source for c in sanitize(course, as_json(nb)).cells] == \
            [c.source for c in stock(course, nb).cells]
    assert any("HIDDEN TESTS" in c.source for c in reference.cells)


@pytest.mark.parametrize("key", ["schema_version", "locked", "grade_id", "solution", "grade",
                                 "checksum", "cell_type", "task"])
@pytest.mark.parametrize("target", ["answer", "test"])
def test_a_dropped_key_is_restored(course, reference, key, target):
    """The reported case (issue 25): one key of the first answer's metadata missing."""
    data = as_json(course["solution"])
    i = answer_ix(data) if target == "answer" else locate_test(data)
    del data["cells"][i]["metadata"]["nbgrader"][key]
    assert graded(sanitize(course, data)) == graded(reference)


@pytest.mark.parametrize("key, value", rd.BAD_VALUES + (("foo", 1), ("tags", ["x"])))
def test_wrong_or_extra_values_are_restored(course, reference, key, value):
    data = as_json(course["solution"])
    for i in (answer_ix(data), locate_test(data)):
        data["cells"][i]["metadata"]["nbgrader"][key] = value
    assert graded(sanitize(course, data)) == graded(reference)


@pytest.mark.parametrize("how", ["strip", "rename", "strip+rename-test"])
def test_stripped_or_renamed_cells_are_found_by_position_and_checksum(course, reference, how):
    data = as_json(course["solution"])
    a, t = answer_ix(data), locate_test(data)
    if how == "strip":
        for i in (a, t):
            del data["cells"][i]["metadata"]["nbgrader"]
    elif how == "rename":
        for i in (a, t):
            data["cells"][i]["metadata"]["nbgrader"]["grade_id"] += "_v2"
    else:
        del data["cells"][a]["metadata"]["nbgrader"]
        data["cells"][t]["metadata"]["nbgrader"]["grade_id"] = "mine"
        data["cells"][t]["source"] = "pass"
    repaired = sanitize(course, data)
    assert graded(repaired) == graded(reference)
    assert len(repaired.cells) == len(reference.cells)  # matched, not added back


def test_a_stripped_test_that_was_also_edited_is_added_back_and_the_edit_runs_plainly(course,
                                                                                     reference):
    data = as_json(course["solution"])
    t = locate_test(data)
    del data["cells"][t]["metadata"]["nbgrader"]
    data["cells"][t]["source"] = "pass"
    repaired = sanitize(course, data)
    assert graded(repaired) == graded(reference)
    assert [c.source for c in repaired.cells].count("pass") == 1


def test_duplicated_ids_and_copied_cells_leave_one_graded_cell(course, reference):
    data = as_json(course["solution"])
    a, t = answer_ix(data), locate_test(data)
    data["cells"][0]["metadata"]["nbgrader"] = copy.deepcopy(data["cells"][t]["metadata"]
                                                             ["nbgrader"])
    data["cells"].insert(t + 1, copy.deepcopy(data["cells"][t]))  # pasted below itself
    data["cells"].insert(a + 1, copy.deepcopy(data["cells"][a]))
    data["cells"][a + 1]["id"] = data["cells"][a]["id"]  # duplicated nbformat id too
    repaired = sanitize(course, data)
    assert graded(repaired) == graded(reference)
    assert len(repaired.cells) == len(reference.cells) + 2
    assert len({c.id for c in repaired.cells}) == len(repaired.cells)


def test_an_answer_carrying_another_answers_metadata_gets_its_own_back(course, reference):
    data = as_json(course["solution"])
    answers = [i for i, c in enumerate(data["cells"])
               if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"]
    first_meta = data["cells"][answers[0]]["metadata"]["nbgrader"]
    data["cells"][answers[1]]["metadata"]["nbgrader"] = copy.deepcopy(first_meta)
    repaired = sanitize(course, data)
    assert graded(repaired) == graded(reference)
    assert len(repaired.cells) == len(reference.cells)


def test_a_test_carrying_the_next_answers_metadata_stays_the_test(course, reference):
    """CI found this: a test cell got the following answer's metadata, that answer a later
    prompt's. The test is recognised by its instructor source, so the claim is not trusted."""
    data = as_json(course["solution"])
    t = locate_test(data)
    a = next(i for i in range(t + 1, len(data["cells"]))
             if data["cells"][i]["metadata"].get("nbgrader", {}).get("solution"))
    p = next(i for i in range(a + 1, len(data["cells"]))
             if data["cells"][i]["metadata"].get("nbgrader", {}).get("locked")
             and data["cells"][i]["cell_type"] == "markdown")
    data["cells"][t]["metadata"]["nbgrader"] = copy.deepcopy(
        data["cells"][a]["metadata"]["nbgrader"])
    data["cells"][a]["metadata"]["nbgrader"] = copy.deepcopy(
        data["cells"][p]["metadata"]["nbgrader"])
    repaired = sanitize(course, data)
    assert graded(repaired) == graded(reference)
    assert len(repaired.cells) == len(reference.cells)


@pytest.mark.parametrize("new_type", ["markdown", "raw"])
def test_a_retyped_answer_or_test_gets_its_type_back(course, reference, new_type):
    data = as_json(course["solution"])
    for i in (answer_ix(data), locate_test(data)):
        rd._retype(data["cells"][i], new_type)
    reflection = first(data, lambda c: c["cell_type"] == "markdown"
                       and c["metadata"].get("nbgrader", {}).get("solution"))
    rd._retype(data["cells"][reflection], "code")
    assert graded(sanitize(course, data)) == graded(reference)


def test_a_split_markdown_answer_is_joined_and_a_split_code_answer_runs_as_two_cells(course,
                                                                                    reference):
    data = as_json(course["solution"])
    reflection = first(data, lambda c: c["cell_type"] == "markdown"
                       and c["metadata"].get("nbgrader", {}).get("solution"))
    data["cells"][reflection]["source"] = "First line.\nSecond line.\n"
    part = copy.deepcopy(data["cells"][reflection])
    data["cells"][reflection]["source"], part["source"] = "First line.", "Second line.\n"
    data["cells"].insert(reflection + 1, part)
    code = first(data, lambda c: c["metadata"].get("nbgrader", {}).get("solution")
                 and c["cell_type"] == "code" and len(rd._statement_starts(c["source"])) > 0)
    lines = data["cells"][code]["source"].splitlines(keepends=True)
    cut = rd._statement_starts(data["cells"][code]["source"])[0]
    second = copy.deepcopy(data["cells"][code])
    data["cells"][code]["source"], second["source"] = "".join(lines[:cut]), "".join(lines[cut:])
    data["cells"].insert(code + 1, second)
    repaired = sanitize(course, data)
    assert graded(repaired, answers=False) == graded(reference, answers=False)
    joined = next(c for c in repaired.cells if grade_id(c) == grade_id(part))
    assert joined.source == "First line.\nSecond line.\n"
    i = next(i for i, c in enumerate(repaired.cells) if grade_id(c) == grade_id(second))
    assert repaired.cells[i].source + repaired.cells[i + 1].source == "".join(lines)
    assert "nbgrader" not in repaired.cells[i + 1].metadata


def test_a_merged_or_deleted_cell_is_added_back_after_its_predecessor(course, reference):
    data = as_json(course["solution"])
    a = answer_ix(data)
    answer, test = data["cells"][a], data["cells"][a + 1]
    assert test["metadata"]["nbgrader"]["grade"]  # 08-social-roi: each answer, then its test
    answer["source"] += "\n" + test["source"]  # merged (JupyterLab keeps the first metadata)
    del data["cells"][a + 1]
    prompt = a - 1
    prompt_id = data["cells"][prompt]["metadata"]["nbgrader"]["grade_id"]
    del data["cells"][prompt]
    repaired = sanitize(course, data)
    assert graded(repaired, answers=False) == graded(reference, answers=False)
    ids = [grade_id(c) for c in repaired.cells]
    key, test_id = answer["metadata"]["nbgrader"]["grade_id"], test["metadata"]["nbgrader"][
        "grade_id"]
    assert ids.index(test_id) == ids.index(key) + 1
    assert ids.index(prompt_id) == ids.index(key) - 1
    assert repaired.cells[ids.index(key)].source == answer["source"]


@pytest.mark.parametrize("which", range(len(rd.KERNELSPECS) + len(rd.NOTEBOOK_METADATA)))
def test_notebook_metadata_and_kernelspec_are_restored(course, reference, which):
    data = as_json(course["solution"])
    if which < len(rd.KERNELSPECS):
        data["metadata"].pop("kernelspec")
        if rd.KERNELSPECS[which]:
            data["metadata"]["kernelspec"] = rd.KERNELSPECS[which]
    else:
        data["metadata"] = rd.NOTEBOOK_METADATA[which - len(rd.KERNELSPECS)]
    repaired = sanitize(course, data)
    assert repaired.metadata.kernelspec == course["release"].metadata.kernelspec
    assert graded(repaired) == graded(reference)


@pytest.mark.parametrize("minor", [0, 1, 2, 3, 4, 6, 99])
def test_older_and_newer_nbformat_minor_versions_become_4_5(course, reference, minor):
    data = as_json(course["solution"])
    data["nbformat_minor"] = minor
    if minor < 5:
        for cell in data["cells"]:
            cell.pop("id")
    repaired = sanitize(course, data)
    assert (repaired.nbformat, repaired.nbformat_minor) == (4, 5)
    assert all(c.id for c in repaired.cells)
    assert graded(repaired) == graded(reference)


@pytest.mark.parametrize("key", ["metadata", "outputs", "execution_count", "id"])
def test_cells_missing_required_keys_are_read(course, reference, key):
    data = as_json(course["solution"])
    for cell in data["cells"]:
        cell.pop(key, None) if key != "metadata" or "nbgrader" not in cell["metadata"] else None
    del data["nbformat"]
    assert graded(sanitize(course, data)) == graded(reference)


def test_a_forged_cell_becomes_ordinary(course, reference):
    data = as_json(course["solution"])
    forged = nbformat.v4.new_code_cell("pass")
    forged.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True,
                                   "points": 50, "grade_id": "bonus_tests", "schema_version": 3}
    data["cells"].append(as_json(forged))
    repaired = sanitize(course, data)
    assert graded(repaired) == graded(reference)
    assert repaired.cells[-1].source == "pass" and "nbgrader" not in repaired.cells[-1].metadata


@pytest.mark.parametrize("cell_type", ["code", "markdown"])
def test_a_deleted_answer_comes_back_as_the_stub_without_the_mark_scheme(course, cell_type):
    data = as_json(course["solution"])
    a = first(data, lambda c: c["metadata"].get("nbgrader", {}).get("solution")
              and c["cell_type"] == cell_type)
    key = data["cells"][a]["metadata"]["nbgrader"]["grade_id"]
    del data["cells"][a]
    repaired = sanitize(course, data)
    stub = next(c for c in course["release"].cells if grade_id(c) == key)
    back = next(c for c in repaired.cells if grade_id(c) == key)
    assert back.source == stub.source and "MARK SCHEME" not in back.source


@pytest.mark.parametrize("text, reason", [
    ("{not json", "not JSON"), ("[1, 2]", "not an object"), ('{"nbformat": 4}', "no list"),
])
def test_what_is_not_a_notebook_fails_with_its_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        read_lenient(text)


def test_the_exporter_reads_leniently(course, tmp_path):
    data = as_json(course["solution"])
    del data["cells"][0]["metadata"]
    path = rd.write_raw(tmp_path, NAME, data)
    with pytest.raises(nbformat.ValidationError):
        nbformat.read(path, as_version=4)
    output, _ = LenientNotebookExporter().from_filename(str(path))
    assert json.loads(output)["cells"][0]["metadata"] == {}
