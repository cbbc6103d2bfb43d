"""Unit tests for marketing_kit.stp_checks and the STP generator's ground truth."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from marketing_kit import datasets, stp, stp_checks
from marketing_kit.synthetic import stp as synthetic_stp

BASES = ["age", "income", "visits_per_week", "spend_per_visit", "price_sensitivity",
         "health_focus", "convenience_need", "social_space", "taste_exploration"]


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    return datasets.load("stp_brand_ratings")


@pytest.fixture(scope="module")
def ideals() -> pd.DataFrame:
    return datasets.load("stp_ideal_points").set_index("segment")


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return datasets.load("stp_survey").dropna(subset=BASES)


def test_component_variance_matches_sklearn_and_the_map(ratings):
    shares = stp_checks.component_variance(ratings)
    z = StandardScaler().fit_transform(ratings.set_index("brand"))
    np.testing.assert_allclose(shares.to_numpy(), PCA().fit(z).explained_variance_ratio_,
                               atol=1e-12)
    np.testing.assert_allclose(shares.iloc[:2].to_numpy(),
                               stp.perceptual_map(ratings).explained.to_numpy(), atol=1e-12)
    assert math.isclose(shares.sum(), 1.0)


def test_distance_table_map_column_is_the_map_and_full_is_plain_euclid(ratings, ideals):
    ideal = ideals.loc["café socialisers"]
    table = stp_checks.distance_table(ratings, ideal)
    on_map = stp.ideal_distances(stp.perceptual_map(ratings), ideal)
    np.testing.assert_allclose(table["map"].reindex(on_map.index), on_map, atol=1e-9)
    data = ratings.set_index("brand")
    scaler = StandardScaler().fit(data)
    full = np.sqrt(((scaler.transform(data) - scaler.transform(ideal.to_frame().T)) ** 2).sum(1))
    np.testing.assert_allclose(table["full"].reindex(data.index), full, atol=1e-9)
    assert (table["map"] <= table["3-D"] + 1e-12).all()
    assert (table["3-D"] <= table["full"] + 1e-12).all()
    # the review's finding C1: the map and the full space disagree on who is nearest
    assert table["map"].idxmin() == "Urban Roast" and table["full"].idxmin() == "Mokka House"


def test_distance_table_to_a_brand_matches_brand_distances(ratings):
    table = stp_checks.distance_table(ratings, brand="Mokka House")
    on_map = stp.brand_distances(stp.perceptual_map(ratings), "Mokka House")
    assert "Mokka House" not in table.index
    np.testing.assert_allclose(table["map"].reindex(on_map.index), on_map, atol=1e-9)
    assert table.index[0] == "Urban Roast" and table["map rank"].iloc[0] == 1


def test_nearest_share_is_seeded_sums_to_one_and_without_noise_picks_the_nearest(ratings, ideals):
    ideal = ideals.loc["health seekers"]
    first = stp_checks.nearest_share(ratings, ideal, rating_sd=0.3, ideal_sd=0.15, n_sim=50)
    again = stp_checks.nearest_share(ratings, ideal, rating_sd=0.3, ideal_sd=0.15, n_sim=50)
    pd.testing.assert_frame_equal(first, again)
    np.testing.assert_allclose(first.sum(), [1.0, 1.0])
    exact = stp_checks.nearest_share(ratings, ideals.loc["café socialisers"], rating_sd=0,
                                     n_sim=3)
    assert exact.loc["Urban Roast", "map"] == 1.0 and exact.loc["Mokka House", "full"] == 1.0


def test_silhouette_stability_and_ks_within(clean):
    table = stp_checks.silhouette_stability(clean, BASES, [3, 5], n_samples=4)
    assert list(table.index) == [3, 5] and math.isclose(table["share_best"].sum(), 1.0)
    assert (table["sd"] > 0).all() and (table["sd"] < 0.02).all()
    assert table.loc[5, "mean"] > table.loc[3, "mean"]
    diag = pd.DataFrame({"silhouette": [0.30, 0.3241, 0.3210, 0.25]},
                        index=pd.Index([3, 4, 5, 6], name="k"))
    assert stp_checks.ks_within(diag, 0.01) == [4, 5]
    assert stp_checks.ks_within(diag, 0.0) == [4]


def test_segment_recovery_against_the_generator_truth(clean):
    truth = synthetic_stp.true_segments()
    assert len(truth) == synthetic_stp.N_RESPONDENTS
    # the same replay as tests/test_stp.py: membership is the first draw of the seeded stream
    names = list(synthetic_stp.SEGMENTS)
    shares = np.array([synthetic_stp.SEGMENTS[n]["share"] for n in names])
    latent = np.random.default_rng(synthetic_stp.SEED).choice(
        len(names), size=synthetic_stp.N_RESPONDENTS, p=shares / shares.sum())
    assert (truth["true_segment"].to_numpy() == np.array(names)[latent]).all()
    labels = stp.segment(clean, BASES, 5).labels
    ari, table = stp_checks.segment_recovery(labels, truth.loc[clean.index, "true_segment"])
    assert ari == pytest.approx(adjusted_rand_score(latent[clean.index], labels))
    assert 0.8 < ari < 0.95 and table.to_numpy().sum() == len(clean)
    relabelled = labels.map(lambda s: f"x{s}")
    assert stp_checks.segment_recovery(relabelled, labels)[0] == pytest.approx(1.0)


def test_true_ratings_are_the_noise_free_ratings(ratings):
    truth = synthetic_stp.true_ratings()
    residual = ratings.set_index("brand") - truth["stp_brand_ratings"]
    assert residual.abs().to_numpy().max() < 1.5 and 0.15 < residual.to_numpy().std() < 0.45


def test_rate_intervals_are_wilson():
    df = pd.DataFrame({"y": [1] * 65 + [0] * 210 + [1] * 3 + [0] * 1})
    labels = pd.Series(["a"] * 275 + ["b"] * 4)
    table = stp_checks.rate_intervals(df, labels, "y")
    # Wilson (1927) by hand for 65 / 275
    n, p, z = 275, 65 / 275, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert table.loc["a", "low"] == pytest.approx(centre - half, abs=1e-9)
    assert table.loc["a", "high"] == pytest.approx(centre + half, abs=1e-9)
    assert table.loc["b", "n"] == 4 and table.loc["b", "rate"] == 0.75


def test_laws_have_meanings_and_the_korean_law_9(ratings):
    assert [name for name, _ in stp.IMMUTABLE_LAWS] == list(stp.LAW_MEANINGS)
    assert stp.IMMUTABLE_LAWS[8] == ("Opposite", "정반대의 법칙")
    text = stp.positioning_statement("Mokka House", "café socialisers", "café",
                                     "is worth staying in", "roomy seats", unlike="Urban Roast",
                                     difference="changes its menu every season")
    assert text.endswith("Unlike Urban Roast, Mokka House changes its menu every season.")


@pytest.mark.parametrize("call, error, words", [
    (lambda r, i: stp_checks.distance_table(r), ValueError, "exactly one"),
    (lambda r, i: stp_checks.distance_table(r, i, brand="Mokka House"), ValueError, "exactly one"),
    (lambda r, i: stp_checks.distance_table(r, brand="Nope"), ValueError, "brand must be one of"),
    (lambda r, i: stp_checks.distance_table(r, i.to_dict()), TypeError, "ideal must be"),
    (lambda r, i: stp_checks.distance_table(r, i.drop("taste")), ValueError, "missing"),
    (lambda r, i: stp_checks.nearest_share(r, i, rating_sd=-1), ValueError, "rating_sd"),
    (lambda r, i: stp_checks.nearest_share(r, i, rating_sd=0.3, n_sim=0), ValueError, "n_sim"),
    (lambda r, i: stp_checks.ks_within(pd.DataFrame({"x": [1]})), ValueError, "silhouette"),
    (lambda r, i: stp_checks.ks_within(pd.DataFrame({"silhouette": [0.3]}), -1), ValueError,
     "tolerance"),
    (lambda r, i: stp_checks.segment_recovery([1, 2], pd.Series([1, 2])), TypeError, "found"),
    (lambda r, i: stp_checks.segment_recovery(pd.Series([1, 2]), pd.Series([1, 2], index=[5, 6])),
     ValueError, "same index"),
    (lambda r, i: stp_checks.rate_intervals(pd.DataFrame({"y": [0, 2]}), pd.Series([1, 1]), "y"),
     ValueError, "only 0 and 1"),
])
def test_bad_input_gives_a_clear_error(ratings, ideals, call, error, words):
    with pytest.raises(error, match=words):
        call(ratings, ideals.loc["café socialisers"])


def test_silhouette_stability_validates(clean):
    with pytest.raises(ValueError, match="distinct"):
        stp_checks.silhouette_stability(clean, BASES, [3, 3])
    with pytest.raises(ValueError, match="fraction"):
        stp_checks.silhouette_stability(clean, BASES, [3], fraction=1.5)
    with pytest.raises(ValueError, match="too few"):
        stp_checks.silhouette_stability(clean.head(10), BASES, [3], fraction=0.3)
