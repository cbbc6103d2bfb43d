"""The STP explorer, built and driven headless."""

from __future__ import annotations

import numpy as np
import pytest

from marketing_kit import datasets, stp
from marketing_kit.widgets import _plotly
from marketing_kit.widgets.stp import (
    MAP_TRACES,
    STYLE,
    WEIGHT_LABELS,
    biplot,
    diagnostics_chart,
    explorer,
)

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
    for chart in (app.profile_chart, app.score_chart, app.map_chart):
        assert isinstance(chart, _plotly.Chart)
    assert app.message.value == ""


def test_charts_open_with_their_first_picture(survey, monkeypatch):
    # An update sent while the browser still loads a new chart's module can be lost: each chart
    # is built with its data (the comm_open carries it), and nothing is sent right after.
    sent = []
    monkeypatch.setattr(_plotly, "update", lambda *args, **kwargs: sent.append(args))
    app = explorer(survey, BASES, datasets.load("stp_brand_ratings"),
                   datasets.load("stp_ideal_points"), brand="Mokka House")
    assert sent == []
    heat = app.profile_chart.figure["data"][0]  # the synced state, as the browser gets it
    assert np.allclose(np.array(heat["z"], dtype=float), app.segmentation.relative.to_numpy())
    bars = app.score_chart.figure["data"][0]
    assert bars["x"] == pytest.approx(app.ranking["score"].tolist())
    line = app.map_chart.figure["data"][2]
    assert line["name"] == "nearest competitor: {} ({:.2f})".format(*app.nearest)


def test_invalid_first_settings_show_a_message_beside_empty_charts(survey):
    targeting = {"growth": "no_such_column", "margin": "spend_per_visit",
                 "competition": "brands_used", "fit": "considers_mokka"}
    app = explorer(survey, BASES, datasets.load("stp_brand_ratings"),
                   datasets.load("stp_ideal_points"), targeting=targeting)
    assert "no_such_column" in app.message.value
    assert len(app.profile_chart.data[0].z or ()) == 0 and len(app.score_chart.data[0].x) == 0
    assert len(app.map_chart.data) == len(MAP_TRACES) and len(app.map_chart.data[1].x) == 0
    assert app.tabs.children[0].children[2].children == (app.profile_chart,)


def test_profile_chart_shows_the_relative_profile(app):
    seg = app.segmentation
    heat = app.profile_chart.data[0]
    assert heat.type == "heatmap" and len(app.profile_chart.data) == 1
    assert np.allclose(np.array(heat.z, dtype=float), seg.relative.to_numpy())
    assert list(heat.x) == BASES
    sizes = seg.profile["size"].drop(index="Market")
    assert list(heat.y) == [f"{s} {app.names[s]} (n={int(sizes[s])})" for s in seg.relative.index]
    assert heat.text[0][0] == f"{seg.relative.iloc[0, 0]:+.1f}"
    limit = max(1.5, float(np.abs(seg.relative.to_numpy()).max()))
    assert (heat.zmin, heat.zmax) == pytest.approx((-limit, limit))
    layout = app.profile_chart.layout
    assert layout.title.text == "Segment profiles: mean vs market (in market SDs)"
    assert heat.colorbar.title.text == "sd from<br>market mean"
    assert layout.yaxis.autorange == "reversed"  # segment 1 (the largest) on top, as imshow


@pytest.mark.parametrize("code", ["en", "ko"])
def test_colour_bar_title_sits_above_the_bar_in_short_lines(survey, code):
    """Along the bar ("side": "right") the Korean title ran into the tick labels and, with few
    segments (a short bar), past the bar's ends: above it, it stays clear at every k."""
    from marketing_kit import i18n

    i18n.set_language(code)
    try:
        app = explorer(survey, BASES, datasets.load("stp_brand_ratings"),
                       datasets.load("stp_ideal_points"), k=2)
    finally:
        i18n.set_language("en")
    title = app.profile_chart.data[0].colorbar.title
    assert title.side == "top"
    assert max(len(line) for line in title.text.split("<br>")) <= 12


def test_ranking_table_headers_are_translated(survey):
    """Every header of the ranking table is translated, the segment number's too (a named
    index used to add a second header row reading "segment" in the Korean edition)."""
    import re

    from marketing_kit import i18n

    tables = {}
    for code in ("en", "ko"):
        i18n.set_language(code)
        try:
            tables[code] = explorer(survey, BASES, datasets.load("stp_brand_ratings"),
                                    datasets.load("stp_ideal_points")).ranking_html.value
        finally:
            i18n.set_language("en")
    headers = {code: re.findall(r"<th>(.*?)</th>", html) for code, html in tables.items()}
    assert headers["en"] == ["segment no.", "segment name", "attractiveness score", "rank"]
    assert headers["ko"] == ["세분시장 번호", "세분시장 이름", "매력도 점수", "순위"]
    assert tables["ko"].count("<tr") == 1 + 5  # one header row, one row per segment


def test_control_labels_fit_their_width(app):
    """English labels in JupyterLab's 13 px UI font take about 7 px a character (measured in
    Chromium: "weight: competition" 130 px); "weight: competitive_intensity" (192 px) was cut."""
    from marketing_kit import i18n

    width = int(STYLE["description_width"].removesuffix("px"))
    for control in app.controls.values():
        assert len(control.description) * 7 <= width, control.description
    assert all(label in i18n.catalogue("ko") for label in WEIGHT_LABELS.values())


def test_scorecard_chart_shows_the_ranking_best_on_top(app):
    bars = app.score_chart.data[0]
    assert bars.orientation == "h" and len(app.score_chart.data) == 1
    assert list(bars.x) == pytest.approx(app.ranking["score"].tolist())
    assert list(bars.y) == [f"{s} {app.names[s]}" for s in app.ranking.index]
    assert bars.marker.color[0] == "#2e7d32"  # rank 1, the target
    assert set(bars.marker.color[1:]) == {"#90a4ae"}
    assert list(bars.text) == [f"{v:.1f}" for v in app.ranking["score"]]
    assert app.score_chart.layout.title.text == "Targeting scorecard"
    assert tuple(app.score_chart.layout.xaxis.range) == (0, 105)


def test_map_chart_highlights_the_brand_and_its_nearest_competitor(app):
    chart, coords = app.map_chart, app.pmap.coordinates
    assert [trace.uid for trace in chart.data] == list(MAP_TRACES)
    brands = _plotly.trace(chart, "brands")
    assert list(brands.text) == [b for b in coords.index if b != "Mokka House"]
    assert list(brands.x) == pytest.approx(coords.drop(index="Mokka House")["PC1"].tolist())
    rival, gap = app.nearest
    line = chart.data[2]
    assert list(line.x) == pytest.approx([coords.loc["Mokka House", "PC1"],
                                          coords.loc[rival, "PC1"]])
    assert list(line.y) == pytest.approx([coords.loc["Mokka House", "PC2"],
                                          coords.loc[rival, "PC2"]])
    assert line.name == f"nearest competitor: {rival} ({gap:.2f})"
    highlight = _plotly.trace(chart, "highlight")
    assert (highlight.x[0], highlight.y[0]) == pytest.approx(tuple(coords.loc["Mokka House"]))
    assert highlight.text == ("<b>Mokka House</b>",)
    ideal = chart.data[4]
    assert len(ideal.x) == 0 and ideal.showlegend is False  # no ideal picked yet
    layout = chart.layout
    arrows = [a for a in layout.annotations if a.showarrow]
    assert len(arrows) == len(app.pmap.loadings)  # one loading arrow per attribute
    assert list(chart.data[0].text) == list(app.pmap.loadings.index)
    assert {(s.y0, s.y1) for s in layout.shapes if s.x0 == 0 == s.x1}  # vertical zero line
    assert any(s.y0 == 0 == s.y1 for s in layout.shapes)  # horizontal zero line
    share = app.pmap.explained
    assert layout.xaxis.title.text == f"PC1 ({share['PC1']:.0%} of variance)"
    assert layout.yaxis.title.text == f"PC2 ({share['PC2']:.0%} of variance)"
    # Sized for the brands and every ideal point, so picking one never rescales the map.
    ideals = stp.project(app.pmap, datasets.load("stp_ideal_points"))
    extent = max(float(np.abs(coords.to_numpy()).max()), float(np.abs(ideals.to_numpy()).max()))
    assert tuple(layout.xaxis.range) == pytest.approx((-1.25 * extent, 1.25 * extent))


def test_k_and_bases_drive_the_profiles_and_silhouette(app, survey):
    heat, bars, untouched = app.profile_chart.data[0], app.score_chart.data[0], app.map_chart.figure
    app.controls["k"].value = 3
    assert app.message.value == ""
    assert len(app.segmentation.relative) == 3
    clean = survey.dropna(subset=BASES)
    expected = stp.segment(clean, BASES, 3)
    assert app.profile_chart.data[0] is heat  # updated in place, not re-created
    assert np.allclose(np.array(heat.z, dtype=float), expected.relative.to_numpy())
    assert len(heat.y) == 3 and app.profile_chart.layout.height == 170 + 34 * 3
    assert app.score_chart.data[0] is bars and len(bars.y) == 3  # new segments, new scorecard
    assert list(bars.x) == pytest.approx(app.ranking["score"].tolist())
    assert app.map_chart.figure is untouched  # k does not move the map: nothing sent
    chosen = ("age", "income", "price_sensitivity")
    app.controls["features"].value = chosen
    clean = survey.dropna(subset=list(chosen))
    expected = stp.segment(clean, list(chosen), 3)
    assert list(app.segmentation.relative.columns) == list(chosen)
    assert app.segmentation.silhouette == pytest.approx(expected.silhouette)
    assert len(app.segmentation.labels) == len(clean)  # fewer bases, fewer dropped rows
    assert list(app.profile_chart.data[0].x) == list(chosen)
    assert np.allclose(np.array(app.profile_chart.data[0].z, dtype=float),
                       expected.relative.to_numpy())
    app.controls["features"].value = tuple(BASES)
    app.controls["k"].value = 5  # back to a cached segmentation: the same one, redrawn
    assert app.segmentation is app._cache[(5, tuple(BASES))][0]
    assert list(app.profile_chart.data[0].x) == BASES and len(app.profile_chart.data[0].y) == 5


def test_weight_sliders_re_rank_the_segments(app, survey):
    profile, mapped = app.profile_chart.figure, app.map_chart.figure
    for criterion in stp.CRITERIA:
        app.controls[f"w:{criterion}"].value = 1.0 if criterion == "size" else 0.0
    assert app.ranking.index[0] == 1  # segments are numbered by size
    bars = app.score_chart.data[0]
    expected = stp.attractiveness(app.inputs, {c: float(c == "size") for c in stp.CRITERIA})
    assert list(bars.x) == pytest.approx(expected["score"].tolist())
    assert bars.y[0] == f"1 {app.names[1]}" and bars.marker.color[0] == "#2e7d32"
    assert app.profile_chart.figure is profile and app.map_chart.figure is mapped  # not resent
    for criterion in stp.CRITERIA:
        app.controls[f"w:{criterion}"].value = 1.0 if criterion == "margin" else 0.0
    clean = survey.dropna(subset=BASES)
    profile = app.segmentation.profile.drop(index="Market")
    inputs = stp.targeting_inputs(clean, app.segmentation.labels, growth="spend_growth_pct",
                                  margin="spend_per_visit", competition="brands_used",
                                  fit="considers_mokka")
    assert app.ranking.index[0] == inputs["margin"].idxmax()
    assert app.ranking.index[0] == profile["spend_per_visit"].idxmax()
    top = app.ranking.index[0]
    assert app.score_chart.data[0].y[0] == f"{top} {app.names[top]}"
    assert app.score_chart.data[0].x[0] == pytest.approx(app.ranking["score"].iloc[0])


def test_brand_picker_and_ideal_point_update_the_map(app):
    chart, coords = app.map_chart, app.pmap.coordinates
    traces, axes = chart.data, (tuple(chart.layout.xaxis.range), tuple(chart.layout.yaxis.range))
    profile, score = app.profile_chart.figure, app.score_chart.figure
    app.controls["brand"].value = "QuickCup"
    assert app.nearest[0] != "QuickCup"
    assert app.nearest == stp.nearest_competitor(app.pmap, "QuickCup")
    highlight = chart.data[3]
    assert (highlight.x[0], highlight.y[0]) == pytest.approx(tuple(coords.loc["QuickCup"]))
    assert "QuickCup" not in chart.data[1].text and "Mokka House" in chart.data[1].text
    rival, gap = app.nearest
    assert chart.data[2].x[1] == pytest.approx(coords.loc[rival, "PC1"])
    assert chart.data[2].name == f"nearest competitor: {rival} ({gap:.2f})"
    assert app.ideal_gaps is None
    app.controls["ideal"].value = "busy commuters"
    ideals = datasets.load("stp_ideal_points").set_index("segment")
    ideal = ideals.loc["busy commuters"]
    expected = stp.ideal_distances(app.pmap, ideal)
    assert app.ideal_gaps.equals(expected)
    assert expected.index[0] in {"QuickCup", "Daily Grind"}  # the grab-and-go brands
    star = chart.data[4]
    where = stp.project(app.pmap, ideal).iloc[0]
    assert (star.x[0], star.y[0]) == pytest.approx((where["PC1"], where["PC2"]))
    assert star.text == ("ideal: busy commuters",) and star.showlegend is True
    assert star.marker.symbol == "star" and star.name == "ideal point(s)"
    assert chart.data == traces  # the same traces, moved; the axes stay put
    assert (tuple(chart.layout.xaxis.range), tuple(chart.layout.yaxis.range)) == axes
    assert app.profile_chart.figure is profile and app.score_chart.figure is score
    app.controls["ideal"].value = "(none)"
    assert len(chart.data[4].x) == 0 and chart.data[4].showlegend is False


def test_only_the_shown_tab_holds_its_chart_and_every_chart_stays_current(app):
    def shown():
        return [chart for chart in app.tab_charts if any(chart in slot.children
                                                         for slot in app._slots)]

    assert app.tabs.selected_index == 0 and shown() == [app.profile_chart]
    assert app.profile_chart in app.tabs.children[0].children[2].children
    app.controls["brand"].value = "QuickCup"  # the map is off the page, yet updated
    assert app.map_chart.data[3].x[0] == pytest.approx(app.pmap.coordinates.loc["QuickCup",
                                                                                "PC1"])
    app.tabs.selected_index = 2
    assert shown() == [app.map_chart]
    assert app.map_chart in app.tabs.children[2].children[1].children
    app.tabs.selected_index = 1
    assert shown() == [app.score_chart]
    assert app.score_chart in app.tabs.children[1].children[1].children[0].children


def test_invalid_setting_shows_a_message_instead_of_raising(app):
    z = app.profile_chart.data[0].z
    app.controls["features"].value = ()
    assert "at least one column" in app.message.value
    assert app.profile_chart.data[0].z == z  # the last good picture stays
    app.controls["features"].value = ("age", "income")
    assert app.message.value == ""
    assert list(app.profile_chart.data[0].x) == ["age", "income"]


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
        app.controls["ideal"].value = app.controls["ideal"].options[1][1]
        star = app.map_chart.data[4].text[0]  # labels are translated when drawn
        app.controls["ideal"].value = "(none)"
    finally:
        i18n.set_language("en")
    assert app.controls["w:size"].description == "가중치: 시장 규모"
    assert app.controls["ideal"].value == "(none)"  # the value stays English, the label not
    assert app.controls["ideal"].options[0] == ("(없음)", "(none)")
    assert app.children[0].titles == ("세분화 (S)", "표적화 (T)", "포지셔닝 (P)")
    assert "평균 실루엣" in app.summary.value and f"{app.segmentation.silhouette:.3f}" in (
        app.summary.value)
    assert "매력도 점수" in app.ranking_html.value
    assert app.profile_chart.layout.title.text == (
        "세분시장 프로필: 시장 평균 대비 (시장 표준편차 단위)")
    assert app.profile_chart.data[0].colorbar.title.text == "시장 평균과의<br>차이 (표준편차)"
    assert app.score_chart.layout.title.text == "표적시장 선정 점수표"
    assert app.score_chart.layout.xaxis.title.text == "매력도 점수 (0-100)"
    assert app.map_chart.layout.title.text == "지각도 (브랜드 평가의 PCA 바이플롯)"
    assert "분산의" in app.map_chart.layout.xaxis.title.text
    assert app.map_chart.data[2].name.startswith("가장 가까운 경쟁자: ")
    assert app.map_chart.data[4].name == "이상점"
    assert star == "이상점: " + app.controls["ideal"].options[1][1]
    app.controls["ideal"].value = app.controls["ideal"].options[1][1]
    assert app.ideal_gaps is not None and app.message.value == ""


def test_every_k_of_the_starting_bases_is_fitted_at_build(survey, monkeypatch):
    """Moving k on the starting bases refits nothing, and shows what a fresh fit shows."""
    ratings, ideals = datasets.load("stp_brand_ratings"), datasets.load("stp_ideal_points")
    app = explorer(survey, BASES, ratings, ideals, brand="Mokka House")
    slider = app.controls["k"]
    assert set(app._cache) == {(k, tuple(BASES)) for k in range(slider.min, slider.max + 1)}
    fresh = {k: explorer(survey, BASES, ratings, ideals, brand="Mokka House", k=k)
             for k in (2, 8)}
    fits = {k: stp.segment(survey.dropna(subset=BASES), BASES, k) for k in (2, 8)}
    monkeypatch.setattr(stp, "segment", lambda *args, **kwargs: pytest.fail("refitted"))
    for k in (2, 8):
        slider.value = k
        seg, other = app.segmentation, fits[k]
        assert seg.labels.equals(other.labels) and seg.relative.equals(other.relative)
        assert seg.profile.equals(other.profile)
        assert seg.silhouette == other.silhouette and seg.inertia == other.inertia
        assert app.summary.value == fresh[k].summary.value
        assert app.ranking_html.value == fresh[k].ranking_html.value
        for mine, theirs in ((app.profile_chart, fresh[k].profile_chart),
                             (app.score_chart, fresh[k].score_chart)):
            assert mine.figure["data"] == theirs.figure["data"]
