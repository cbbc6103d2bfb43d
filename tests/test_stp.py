"""Unit tests for marketing_kit.stp: segmentation, targeting scorecard, perceptual map."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.metrics import adjusted_rand_score

from marketing_kit import datasets, stp
from marketing_kit.synthetic import stp as synthetic_stp

BASES = ["age", "income", "visits_per_week", "spend_per_visit", "price_sensitivity",
         "health_focus", "convenience_need", "social_space", "taste_exploration"]
TARGETING = {"growth": "spend_growth_pct", "margin": "spend_per_visit",
             "competition": "brands_used", "fit": "considers_mokka"}


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return datasets.load("stp_survey").dropna(subset=BASES)


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    return datasets.load("stp_brand_ratings")


def hand_silhouette(x: np.ndarray, labels: np.ndarray) -> float:
    """Rousseeuw (1987): s(i) = (b - a) / max(a, b), written out to cross-check sklearn."""
    distances = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
    scores = []
    for i, own in enumerate(labels):
        same = (labels == own) & (np.arange(len(x)) != i)
        a = distances[i, same].mean()
        b = min(distances[i, labels == other].mean() for other in set(labels) - {own})
        scores.append((b - a) / max(a, b))
    return float(np.mean(scores))


# ------------------------------------------------------------------------- segmentation
def test_standardise_matches_the_z_score_formula(survey):
    z = stp.standardise(survey, BASES)
    raw = survey[BASES].astype(float)
    expected = (raw - raw.mean()) / raw.std(ddof=0)
    np.testing.assert_allclose(z.to_numpy(), expected.to_numpy(), atol=1e-12)
    assert list(z.columns) == BASES and z.index.equals(survey.index)
    np.testing.assert_allclose(z.std(ddof=0), 1, atol=1e-12)


def test_segment_reproduces_published_iris_kmeans_result():
    """Standardised iris, k-means k = 3: silhouette 0.46 and ARI 0.62 against the species.

    Published by F. Arzat, "Clustering Iris species with K-Means and hierarchical methods"
    (https://farzat.xyz/blog/csca5632-final): K-Means accuracy 83.3 %, silhouette 0.46, ARI 0.62.
    """
    iris = load_iris(as_frame=True)
    frame = iris.data
    result = stp.segment(frame, list(frame.columns), 3)
    assert result.silhouette == pytest.approx(0.46, abs=0.005)
    assert adjusted_rand_score(iris.target, result.labels) == pytest.approx(0.62, abs=0.005)
    # accuracy: each segment mapped to its majority species
    crosstab = pd.crosstab(result.labels, iris.target)
    assert crosstab.max(axis=1).sum() / len(frame) == pytest.approx(0.833, abs=0.001)


def test_silhouette_agrees_with_a_hand_written_rousseeuw_formula(survey):
    sample = survey.iloc[:120]
    result = stp.segment(sample, BASES, 3)
    z = stp.standardise(sample, BASES).to_numpy()
    assert result.silhouette == pytest.approx(hand_silhouette(z, result.labels.to_numpy()),
                                              abs=1e-10)


def test_segment_labels_are_numbered_by_size_and_profile_adds_up(survey):
    result = stp.segment(survey, BASES, 5)
    sizes = result.profile["size"].drop(index="Market")
    assert list(sizes.index) == [1, 2, 3, 4, 5]
    assert list(sizes) == sorted(sizes, reverse=True)
    assert sizes.sum() == len(survey) == result.profile.loc["Market", "size"]
    assert result.profile["share"].drop(index="Market").sum() == pytest.approx(1.0)
    assert result.labels.index.equals(survey.index)
    assert (result.labels.value_counts().sort_index() == sizes).all()
    for basis in BASES:
        assert result.profile.loc["Market", basis] == pytest.approx(survey[basis].mean())
        assert result.profile.loc[2, basis] == pytest.approx(
            survey.loc[result.labels == 2, basis].mean())
    # relative profile = (segment mean - market mean) / market sd (ddof = 0)
    sd = survey["income"].std(ddof=0)
    expected = (result.profile.loc[4, "income"] - survey["income"].mean()) / sd
    assert result.relative.loc[4, "income"] == pytest.approx(expected)
    # the profile means weighted by share give back the market mean
    weighted = (result.profile.drop(index="Market")[BASES].mul(
        result.profile["share"].drop(index="Market"), axis=0)).sum()
    np.testing.assert_allclose(weighted, survey[BASES].mean())


def test_segment_is_reproducible(survey):
    first, second = stp.segment(survey, BASES, 4), stp.segment(survey, BASES, 4)
    assert first.labels.equals(second.labels) and first.silhouette == second.silhouette


def test_kmeans_recovers_the_latent_segments_of_the_synthetic_survey(survey):
    """The generator's five latent segments overlap, but k = 5 wins the silhouette and
    k-means finds them well (not perfectly): the structure is real."""
    diagnostics = stp.k_diagnostics(survey, BASES, range(2, 9))
    assert stp.best_k(diagnostics) == 5
    assert diagnostics["inertia"].is_monotonic_decreasing
    assert 0.2 < diagnostics.loc[5, "silhouette"] < 0.5  # overlap: no perfect blobs
    assert diagnostics.loc[5, "silhouette"] - diagnostics.loc[3, "silhouette"] > 0.01
    names = list(synthetic_stp.SEGMENTS)
    shares = np.array([synthetic_stp.SEGMENTS[n]["share"] for n in names])
    # survey() draws segment membership first, so the same seed replays it
    latent = np.random.default_rng(synthetic_stp.SEED).choice(
        len(names), size=synthetic_stp.N_RESPONDENTS, p=shares / shares.sum())
    result = stp.segment(survey, BASES, 5)
    ari = adjusted_rand_score(latent[survey.index], result.labels)
    assert 0.6 < ari < 0.99


def test_suggest_names_reads_the_strongest_bases():
    relative = pd.DataFrame({"age": [-1.2, 0.1, 0.2], "income": [0.3, 1.5, 0.1],
                             "social": [0.9, -0.8, 0.4]}, index=[1, 2, 3])
    names = stp.suggest_names(relative)
    assert names == {1: "low age, high social", 2: "high income, low social", 3: "average"}
    assert stp.suggest_names(relative, top=1)[2] == "high income"


def test_suggest_names_on_the_survey_finds_the_students(survey):
    result = stp.segment(survey, BASES, 5)
    names = stp.suggest_names(result.relative)
    assert "high price_sensitivity" in names[1] and "low age" in names[1]


# ---------------------------------------------------------------------------- targeting
def test_attractiveness_hand_computed_example():
    segments = pd.DataFrame(
        {"size": [100, 300, 200], "growth": [0.10, 0.02, 0.06], "margin": [30, 10, 20],
         "competitive_intensity": [5, 1, 3], "fit": [0.5, 0.5, 0.5]},
        index=["A", "B", "C"],
    )
    table = stp.attractiveness(segments, [2, 1, 1, 0, 0])  # normalised to 0.5/0.25/0.25
    # scaled: size A 0, B 1, C 0.5; growth A 1, B 0, C 0.5; margin A 1, B 0, C 0.5
    assert table.loc["A", "score"] == pytest.approx(100 * (0.5 * 0 + 0.25 * 1 + 0.25 * 1))
    assert table.loc["B", "score"] == pytest.approx(50.0)
    assert table.loc["C", "score"] == pytest.approx(50.0)
    assert table.loc["A", "competitive_intensity"] == 0  # most rivals -> least attractive
    assert table.loc["B", "competitive_intensity"] == 1
    assert (table["fit"] == 0.5).all()  # a criterion that cannot tell segments apart
    assert list(table["rank"]) == [1, 2, 3] and table.index[0] in {"A", "B", "C"}
    only_competition = stp.attractiveness(segments, {"size": 0, "growth": 0, "margin": 0,
                                                     "competitive_intensity": 1, "fit": 0})
    assert list(only_competition.index) == ["B", "C", "A"]
    assert list(only_competition["score"]) == [100, 50, 0]


def test_weights_are_normalised_and_scale_free():
    segments = pd.DataFrame({c: [1.0, 2.0, 3.5] for c in stp.CRITERIA}, index=list("xyz"))
    a = stp.attractiveness(segments, [1, 2, 3, 4, 5])
    b = stp.attractiveness(segments, [10, 20, 30, 40, 50])
    pd.testing.assert_frame_equal(a, b)
    w = stp.check_weights({"size": 1, "growth": 1, "margin": 1, "competitive_intensity": 1,
                           "fit": 0})
    assert w.sum() == pytest.approx(1) and w["size"] == pytest.approx(0.25)


def test_targeting_inputs_are_segment_means(survey):
    result = stp.segment(survey, BASES, 5)
    inputs = stp.targeting_inputs(survey, result.labels, **TARGETING)
    assert list(inputs.columns) == list(stp.CRITERIA)
    assert inputs["size"].sum() == pytest.approx(1)
    assert inputs.loc[3, "fit"] == pytest.approx(
        survey.loc[result.labels == 3, "considers_mokka"].mean())
    ranked = stp.attractiveness(inputs, dict.fromkeys(stp.CRITERIA, 1))
    assert ranked["score"].between(0, 100).all() and sorted(ranked["rank"]) == [1, 2, 3, 4, 5]


# -------------------------------------------------------------------------- positioning
def test_perceptual_map_matches_an_eigen_decomposition(ratings):
    pmap = stp.perceptual_map(ratings)
    data = ratings.set_index("brand")
    z = ((data - data.mean()) / data.std(ddof=0)).to_numpy()
    eigenvalues, vectors = np.linalg.eigh(np.corrcoef(z, rowvar=False))
    order = np.argsort(eigenvalues)[::-1][:2]
    expected = z @ vectors[:, order]
    for j in range(2):  # signs of principal components are arbitrary
        got = pmap.coordinates.iloc[:, j].to_numpy()
        sign = np.sign(got @ expected[:, j])
        np.testing.assert_allclose(got, sign * expected[:, j], atol=1e-9)
    ratio = eigenvalues[order] / eigenvalues.sum()
    np.testing.assert_allclose(pmap.explained.to_numpy(), ratio, atol=1e-12)
    assert 0.8 < pmap.explained.sum() <= 1


def test_loadings_are_correlations_of_attributes_with_the_axes(ratings):
    pmap = stp.perceptual_map(ratings)
    data = ratings.set_index("brand")
    for attribute in data.columns:
        for axis in ("PC1", "PC2"):
            r = np.corrcoef(data[attribute], pmap.coordinates[axis])[0, 1]
            assert pmap.loadings.loc[attribute, axis] == pytest.approx(r, abs=1e-9)
    assert (pmap.loadings.abs() <= 1 + 1e-12).all().all()


def test_map_accepts_brand_index_or_column(ratings):
    a = stp.perceptual_map(ratings)
    b = stp.perceptual_map(ratings.set_index("brand"))
    pd.testing.assert_frame_equal(a.coordinates, b.coordinates)


def test_projecting_a_brand_puts_it_on_its_own_point(ratings):
    pmap = stp.perceptual_map(ratings)
    again = stp.project(pmap, ratings.iloc[[2, 5]])
    np.testing.assert_allclose(again.to_numpy(), pmap.coordinates.iloc[[2, 5]].to_numpy(),
                               atol=1e-12)
    row = ratings.set_index("brand").loc["Green Leaf"]
    gaps = stp.ideal_distances(pmap, row)
    assert gaps.index[0] == "Green Leaf" and gaps.iloc[0] == pytest.approx(0, abs=1e-12)
    assert gaps.is_monotonic_increasing


def test_ideal_distance_and_nearest_competitor(ratings):
    pmap = stp.perceptual_map(ratings)
    ideal = datasets.load("stp_ideal_points").set_index("segment").loc["café socialisers"]
    gaps = stp.ideal_distances(pmap, ideal)
    point = stp.project(pmap, ideal).iloc[0]
    mokka = pmap.coordinates.loc["Mokka House"]
    assert gaps["Mokka House"] == pytest.approx(math.dist(point, mokka))
    rival, gap = stp.nearest_competitor(pmap, "Mokka House")
    others = pmap.coordinates.drop(index="Mokka House")
    by_hand = {b: math.dist(mokka, row) for b, row in others.iterrows()}
    assert rival == min(by_hand, key=by_hand.get) and gap == pytest.approx(min(by_hand.values()))
    assert rival == "Urban Roast"  # the generator puts them close together on purpose


def test_positioning_statement_and_laws():
    text = stp.positioning_statement("Mokka House", "young professionals who meet friends",
                                     "neighbourhood café", "feels like a living room",
                                     "every shop has a hand-roasting bar")
    assert text.startswith("For young professionals who meet friends, Mokka House is the ")
    assert len(stp.IMMUTABLE_LAWS) == 22 and stp.IMMUTABLE_LAWS[3] == ("Perception", "인식의 법칙")
    assert stp.SEGMENTATION_BASES["product"] == ("attribute", "benefit", "situation")


# ---------------------------------------------------------------------------- bad input
def _segments() -> pd.DataFrame:
    return pd.DataFrame({c: [1.0, 2.0, 3.0] for c in stp.CRITERIA}, index=list("abc"))


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda s: stp.segment(s, ["age", "shoe_size"], 3), ValueError,
         r"features \['shoe_size'\] are not columns"),
        (lambda s: stp.segment(s, "age", 3), TypeError, "features must be a list"),
        (lambda s: stp.segment(s, [], 3), ValueError, "at least one column"),
        (lambda s: stp.segment(s, ["age", "age"], 3), ValueError, "repeat"),
        (lambda s: stp.segment(s, ["age", "region"], 3), TypeError, "must be numeric"),
        (lambda s: stp.segment(s, ["age"], 1), ValueError, r"k must be in \[2, "),
        (lambda s: stp.segment(s.iloc[:10], ["age"], 11), ValueError, r"k must be in \[2, 9\]"),
        (lambda s: stp.segment(s, ["age"], 2.5), ValueError, "whole number"),
        (lambda s: stp.segment(s, ["age"], "3"), TypeError, "k must be a whole number"),
        (lambda s: stp.segment([[1, 2]], ["age"], 2), TypeError, "DataFrame"),
        (lambda s: stp.segment(datasets.load("stp_survey"), BASES, 3), ValueError,
         "must be finite"),
        (lambda s: stp.k_diagnostics(s, ["age"], []), ValueError, "at least one k"),
        (lambda s: stp.attractiveness(_segments(), [1, 1, 1]), ValueError, "5 entries"),
        (lambda s: stp.attractiveness(_segments(), [1, 1, -1, 1, 1]), ValueError,
         r"weights\['margin'\] must be in \[0, inf\)"),
        (lambda s: stp.attractiveness(_segments(), [0, 0, 0, 0, 0]), ValueError, "all be zero"),
        (lambda s: stp.attractiveness(_segments(), [1, 1, float("nan"), 1, 1]), ValueError,
         "finite"),
        (lambda s: stp.attractiveness(_segments(), {"size": 1}), ValueError, "missing"),
        (lambda s: stp.attractiveness(_segments(), "equal"), TypeError, "weights must be"),
        (lambda s: stp.attractiveness(_segments().drop(columns="fit"), [1] * 5), ValueError,
         "missing column"),
        (lambda s: stp.attractiveness(_segments().assign(fit=[1, None, 2]), [1] * 5),
         ValueError, "finite"),
        (lambda s: stp.perceptual_map(datasets.load("stp_brand_ratings").iloc[:2]), ValueError,
         "at least 3 brands"),
        (lambda s: stp.nearest_competitor(stp.perceptual_map(datasets.load("stp_brand_ratings")),
                                          "Starbucks"), ValueError, "brand must be one of"),
        (lambda s: stp.project("map", pd.Series(dtype=float)), TypeError, "PerceptualMap"),
        (lambda s: stp.positioning_statement("Mokka", "", "café", "x", "y"), ValueError,
         "target"),
        (lambda s: stp.suggest_names(pd.DataFrame({"a": [1.0]}), top=0), ValueError, "top"),
    ],
)
def test_bad_input_raises_a_clear_error(survey, call, error, words):
    with pytest.raises(error, match=words):
        call(survey)


def test_profile_rejects_misaligned_labels(survey):
    with pytest.raises(ValueError, match="one entry per row"):
        stp.profile(survey, BASES, pd.Series([1, 2, 3]))


def test_duplicate_brands_are_rejected(ratings):
    doubled = pd.concat([ratings, ratings.iloc[[0]]])
    with pytest.raises(ValueError, match="each brand once"):
        stp.perceptual_map(doubled)


def test_ideal_missing_an_attribute_is_rejected(ratings):
    pmap = stp.perceptual_map(ratings)
    ideal = ratings.set_index("brand").iloc[0].drop("taste")
    with pytest.raises(ValueError, match=r"features \['taste'\] are not columns of ratings"):
        stp.ideal_distances(pmap, ideal)
