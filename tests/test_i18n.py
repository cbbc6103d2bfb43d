"""The Korean edition: language switch, Hangul charts, and twins that cannot drift from English."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import nbformat
import pytest
from matplotlib.figure import Figure

from marketing_kit import i18n
from marketing_kit.course.nbgrader_api import REPO_ROOT, assignments
from marketing_kit.i18n import edition
from marketing_kit.widgets._base import figure_png

TRANSLATED = edition.translated_assignments()
TWINS = [a for a in assignments() if edition.english_name(a)]


@pytest.fixture
def korean():
    i18n.set_language("ko")
    yield
    i18n.set_language("en")


def test_set_language_rejects_unknown_codes():
    with pytest.raises(ValueError, match="one of"):
        i18n.set_language("kr")
    with pytest.raises(TypeError, match="string"):
        i18n.set_language(None)


def test_t_translates_only_in_korean(korean):
    label = next(iter(i18n.catalogue("ko")), None)
    if label is None:
        pytest.skip("ko/*.json has no labels yet")
    assert i18n.t(label) == i18n.catalogue("ko")[label]
    i18n.set_language("en")
    assert i18n.t(label) == label


def test_korean_chart_has_no_missing_glyphs(korean):
    figure = Figure(figsize=(4, 2))
    axes = figure.subplots()
    axes.plot([1, 2], [-1, 2])
    axes.set(title="순추천지수(NPS)와 고객 이탈률", xlabel="주차", ylabel="투자수익률(ROI) %")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        png = figure_png(figure)
    assert png.startswith(b"\x89PNG")


def test_without_the_korean_font_a_chart_warns_of_missing_glyphs():
    """The check above can fail: DejaVu Sans alone has no Hangul."""
    import matplotlib as mpl

    figure = Figure(figsize=(2, 1))
    figure.text(0.1, 0.5, "주차", family="DejaVu Sans")
    with mpl.rc_context(), pytest.warns(UserWarning, match="missing from font"):
        figure_png(figure)


WIDGETS = sorted((REPO_ROOT / "marketing_kit" / "widgets").glob("*.py"))
LABEL = re.compile(r"""\bt\(\s*(["'])(.+?)\1\s*\)""")


def test_every_widget_label_has_a_korean_translation():
    missing = {
        f"{path.name}: {m.group(2)}"
        for path in WIDGETS
        for m in LABEL.finditer(path.read_text(encoding="utf-8"))
        if m.group(2) not in i18n.catalogue("ko")
    }
    assert not missing, "labels passed through t() without a ko/*.json entry:\n" + "\n".join(
        sorted(missing))


def test_masking_keeps_code_and_hides_literals():
    source = 'x = "hello"  # note\nassert x == 1, f"x is {x}"\n'
    assert edition.masked_code(source) == 'x = "…"  #\nassert x == 1, "…"\n'
    assert edition.masked_code(source) != edition.masked_code(source.replace("== 1", "== 2"))


def _nbgrader(cell) -> dict:
    meta = dict(cell.metadata.get("nbgrader", {}))
    meta.pop("checksum", None)
    return meta


def drift(english: nbformat.NotebookNode, twin: nbformat.NotebookNode) -> list[str]:
    """What differs between two editions beyond prose, string literals and comments."""
    problems = []
    if len(english.cells) != len(twin.cells):
        return [f"{len(english.cells)} English cells vs {len(twin.cells)} translated"]
    for index, (en, ko) in enumerate(zip(english.cells, twin.cells, strict=True)):
        where = f"cell {index} ({en.get('id')})"
        if en.cell_type != ko.cell_type:
            problems.append(f"{where}: {en.cell_type} vs {ko.cell_type}")
        if _nbgrader(en) != _nbgrader(ko):
            problems.append(f"{where}: nbgrader metadata {_nbgrader(en)} vs {_nbgrader(ko)}")
        masked = edition.masked_code
        if en.cell_type == "code" and masked(en.source) != masked(ko.source):
            problems.append(f"{where}: code differs beyond string literals")
    return problems


def _twin_path(assignment: str, step: str = "solutions") -> Path:
    name = edition.twin_name(assignment)
    return REPO_ROOT / step / name / f"{name}.ipynb"


@pytest.mark.parametrize("assignment", TRANSLATED)
def test_korean_twin_is_generated_and_fresh(assignment):
    committed = nbformat.read(_twin_path(assignment), as_version=4)
    built = edition.build(assignment)
    assert [c.source for c in committed.cells] == [c.source for c in built.cells], (
        f"{edition.twin_name(assignment)} is stale or hand-edited: run `make korean`")
    assert [c.metadata for c in committed.cells] == [c.metadata for c in built.cells]


@pytest.mark.parametrize("assignment", TRANSLATED)
def test_korean_twin_does_not_drift_from_english(assignment):
    english = edition.english_notebook(assignment)
    twin = nbformat.read(_twin_path(assignment), as_version=4)
    assert drift(english, twin) == []
    assert any("set_language(\"ko\")" in c.source for c in twin.cells if c.cell_type == "code")


@pytest.mark.parametrize("assignment", TRANSLATED)
def test_drift_check_catches_a_one_line_code_change(assignment):
    english = edition.english_notebook(assignment)
    twin = nbformat.read(_twin_path(assignment), as_version=4)
    code = next(c for c in twin.cells if c.cell_type == "code" and "nbgrader" in c.metadata)
    code.source += "\nanswer_override = 1"
    assert any("differs beyond string literals" in p for p in drift(english, twin))


def test_every_twin_has_a_catalogue():
    assert sorted(edition.english_name(t) for t in TWINS) == TRANSLATED


def test_stale_catalogue_stops_the_build(tmp_path):
    assignment = "08-social-roi"
    for folder in ("solutions", "i18n"):
        (tmp_path / folder).mkdir()
    source = REPO_ROOT / "solutions" / assignment
    (tmp_path / "solutions" / assignment).mkdir()
    nb = nbformat.read(source / f"{assignment}.ipynb", as_version=4)
    nbformat.write(nb, tmp_path / "solutions" / assignment / f"{assignment}.ipynb")
    edition.skeleton(assignment, root=tmp_path)
    with pytest.raises(edition.StaleTranslation, match="not translated"):
        edition.build(assignment, root=tmp_path)


def test_an_fstring_is_one_literal_token():
    """Python 3.12+ tokenizes f-strings in pieces; the edition joins them as 3.11 does."""
    source = 'x = f"a {b!r} {c:>{w}}"  # c\n'
    assert edition.literal_tokens(source) == ['f"a {b!r} {c:>{w}}"', "# c"]
    assert edition.translate_code(source, {'f"a {b!r} {c:>{w}}"': 'f"가 {b!r}"'}) == (
        'x = f"가 {b!r}"  # c\n')


NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER.findall(text)}


@pytest.mark.parametrize("assignment", TRANSLATED)
def test_korean_prose_states_every_number_of_the_english(assignment):
    """The claims tests check the English prose against the data; a translated cell must
    state the same numbers, so the Korean prose is checked through its English twin."""
    english = edition.english_notebook(assignment)
    twin = nbformat.read(_twin_path(assignment), as_version=4)
    missing = {
        en.get("id"): sorted(_numbers(en.source) - _numbers(ko.source))
        for en, ko in zip(english.cells, twin.cells, strict=True)
        if en.cell_type == "markdown" and _numbers(en.source) - _numbers(ko.source)
    }
    assert not missing, f"numbers of the English prose missing in the Korean cells: {missing}"


def test_the_number_check_sees_a_changed_number():
    english, korean = "Q4 leads win 21 %, 1,882 actual", "Q4 리드는 25 %, 1,882건"
    assert _numbers(english) - _numbers(korean) == {"21"}
