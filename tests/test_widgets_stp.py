"""The STP explorer, built and driven headless."""

from __future__ import annotations

import pytest

from marketing_kit import datasets, stp
from marketing_kit.widgets.stp import biplot, diagnostics_chart, explorer

BASES = ["age", "income", "visits_per_week", "spend_per_visit", "price_sensitivity",
         "health_focus", "convenience_need", "social_space", "taste_exploration"]


@pytest.fixture(scope="module")
def survey():
    return datasets.load("stp_survey")


@pytest.fixture
def app(survey):
    return explorer(survey, BASES, datasets.load("stp_brand_ratings"),
                    datasets.load("stp_ideal_points"), brand="Mokka House")


def test_initial_state_matches_the_package(app, survey):
    clean = survey.dropna(subset=BASES)
    expected = stp.segment(clean, BASES, 5)
    assert app.segmentation.labels.equals(expected.labels)
    assert app.segmentation.silhouette == pytest.approx(expected.silhouette)
    assert f"{expected.silhouette:.3f}" in app.summary.value
    assert app.nearest == stp.nearest_competitor(stp.perceptual_map(
        datasets.load("stp_brand_ratings")), "Mokka House")
    for image in (app.profile_image, app.score_image, app.map_image):
        assert bytes(image.value).startswith(b"\x89PNG")
    assert app.message.value == ""


def test_k_and_bases_drive_the_profiles_and_silhouette(app, survey):
    before = app.profile_image.value
    app.controls["k"].value = 3
    assert app.message.value == ""
    assert len(app.segmentation.relative) == 3
    assert app.profile_image.value != before
    chosen = ("age", "income", "price_sensitivity")
    app.controls["features"].value = chosen
    clean = survey.dropna(subset=list(chosen))
    expected = stp.segment(clean, list(chosen), 3)
    assert list(app.segmentation.relative.columns) == list(chosen)
    assert app.segmentation.silhouette == pytest.approx(expected.silhouette)
    assert len(app.segmentation.labels) == len(clean)  # fewer bases, fewer dropped rows


def test_weight_sliders_re_rank_the_segments(app, survey):
    for criterion in stp.CRITERIA:
        app.controls[f"w:{criterion}"].value = 1.0 if criterion == "size" else 0.0
    assert app.ranking.index[0] == 1  # segments are numbered by size
    for criterion in stp.CRITERIA:
        app.controls[f"w:{criterion}"].value = 1.0 if criterion == "margin" else 0.0
    clean = survey.dropna(subset=BASES)
    profile = app.segmentation.profile.drop(index="Market")
    inputs = stp.targeting_inputs(clean, app.segmentation.labels, growth="spend_growth_pct",
                                  margin="spend_per_visit", competition="brands_used",
                                  fit="considers_mokka")
    assert app.ranking.index[0] == inputs["margin"].idxmax()
    assert app.ranking.index[0] == profile["spend_per_visit"].idxmax()


def test_brand_picker_and_ideal_point_update_the_map(app):
    before = app.map_image.value
    app.controls["brand"].value = "QuickCup"
    assert app.nearest[0] != "QuickCup"
    assert app.map_image.value != before
    assert app.ideal_gaps is None
    app.controls["ideal"].value = "busy commuters"
    ideal = datasets.load("stp_ideal_points").set_index("segment").loc["busy commuters"]
    expected = stp.ideal_distances(app.pmap, ideal)
    assert app.ideal_gaps.equals(expected)
    assert expected.index[0] in {"QuickCup", "Daily Grind"}  # the grab-and-go brands


def test_invalid_setting_shows_a_message_instead_of_raising(app):
    app.controls["features"].value = ()
    assert "at least one column" in app.message.value
    app.controls["features"].value = ("age", "income")
    assert app.message.value == ""


def test_shared_plots_render(survey):
    clean = survey.dropna(subset=BASES)
    figure = diagnostics_chart(stp.k_diagnostics(clean, BASES, range(2, 5)))
    assert len(figure.axes) == 2
    pmap = stp.perceptual_map(datasets.load("stp_brand_ratings"))
    assert len(biplot(pmap).axes) == 1


def test_korean_labels_keep_values_and_numbers(survey):
    from marketing_kit import i18n

    i18n.set_language("ko")
    try:
        app = explorer(survey, BASES, datasets.load("stp_brand_ratings"),
                       datasets.load("stp_ideal_points"), brand="Mokka House")
        figure = biplot(app.pmap, "Mokka House")
        axes = figure.axes[0]
        assert axes.get_title() == "지각도 (브랜드 평가의 PCA 바이플롯)"
        assert "분산의" in axes.get_xlabel()
    finally:
        i18n.set_language("en")
    assert app.controls["w:size"].description == "가중치: 시장 규모"
    assert app.controls["ideal"].value == "(none)"  # the value stays English, the label not
    assert app.controls["ideal"].options[0] == ("(없음)", "(none)")
    assert app.children[0].titles == ("세분화 (S)", "표적화 (T)", "포지셔닝 (P)")
    assert "평균 실루엣" in app.summary.value and f"{app.segmentation.silhouette:.3f}" in (
        app.summary.value)
    assert "매력도 점수" in app.ranking_html.value
    app.controls["ideal"].value = app.controls["ideal"].options[1][1]
    assert app.ideal_gaps is not None and app.message.value == ""
