"""marketing_kit.stp_segments: the shortcuts of a k sweep give the numbers of one fit per k.

:func:`~marketing_kit.stp.segmentations` and :func:`~marketing_kit.stp.k_diagnostics` scale the
bases once and score every k's silhouette from one distance matrix; :func:`segment` checks and
scales the bases once for both profiles. Each must give exactly (not approximately) what the
plain sklearn calls give, so the notebook and the explorer teach the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

from marketing_kit import datasets, stp, stp_segments

BASES = ["age", "income", "visits_per_week", "spend_per_visit", "price_sensitivity",
         "health_focus", "convenience_need", "social_space", "taste_exploration"]


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return datasets.load("stp_survey").dropna(subset=BASES)


def test_stp_re_exports_the_segmentation_names():
    for name in ("segment", "segmentations", "k_diagnostics", "best_k", "profile",
                 "relative_profile", "suggest_names", "standardise", "check_features",
                 "Segmentation", "N_INIT", "SEGMENTATION_BASES"):
        assert getattr(stp, name) is getattr(stp_segments, name)


@pytest.mark.parametrize("features", [BASES, BASES[:-1], ["age", "income", "health_focus"]])
def test_segment_equals_plain_sklearn_and_the_public_profiles(survey, features):
    seg = stp.segment(survey, features, 4)
    z = stp.standardise(survey, features).to_numpy()
    with threadpool_limits(limits=1):  # as segment() fits (threads change the last bits)
        model = KMeans(n_clusters=4, n_init=stp.N_INIT, random_state=0).fit(z)
        silhouette = float(silhouette_score(z, model.labels_))
    assert seg.silhouette == silhouette
    assert seg.inertia == float(model.inertia_)
    # same partition as sklearn's, renumbered by size
    pairs = pd.crosstab(seg.labels.to_numpy(), model.labels_)
    assert ((pairs > 0).sum(axis=1) == 1).all()
    assert seg.labels.dtype == np.int64 and seg.labels.name == "segment"
    assert seg.profile.equals(stp.profile(survey, features, seg.labels))
    assert seg.relative.equals(stp.relative_profile(survey, features, seg.labels))


@pytest.mark.parametrize("features", [BASES, ["age", "income", "health_focus"]])
def test_segmentations_equal_one_segment_per_k(survey, features):
    many = stp.segmentations(survey, features, range(2, 9))
    assert list(many) == list(range(2, 9))
    diagnostics = stp.k_diagnostics(survey, features, range(2, 9))
    for k, seg in many.items():
        one = stp.segment(survey, features, k)
        assert seg.labels.equals(one.labels)
        assert seg.profile.equals(one.profile) and seg.relative.equals(one.relative)
        assert seg.silhouette == one.silhouette and seg.inertia == one.inertia  # exactly
        assert diagnostics.loc[k, "silhouette"] == one.silhouette
        assert diagnostics.loc[k, "inertia"] == one.inertia


def test_shared_distances_and_per_k_silhouettes_agree(survey, monkeypatch):
    """Below MAX_SHARED_DISTANCES rows the silhouettes come from one distance matrix; above it
    each k computes its own. Both give the same numbers."""
    shared = stp.k_diagnostics(survey, BASES, [3, 5, 7])
    many = stp.segmentations(survey, BASES, [3, 5])
    monkeypatch.setattr(stp_segments, "MAX_SHARED_DISTANCES", 10)
    assert stp_segments._distances(np.zeros((11, 2))) is None
    assert stp.k_diagnostics(survey, BASES, [3, 5, 7]).equals(shared)
    for k, seg in stp.segmentations(survey, BASES, [3, 5]).items():
        assert seg.silhouette == many[k].silhouette and seg.labels.equals(many[k].labels)


@pytest.mark.parametrize(
    ("k_values", "error", "words"),
    [([], ValueError, "at least one k"), ([1, 3], ValueError, r"k_values must be in \[2, "),
     (3, TypeError, "k_values must be a list"), ("23", TypeError, "k_values must be a list"),
     ([2.5], ValueError, "whole number")],
)
def test_segmentations_reject_bad_k_values(survey, k_values, error, words):
    with pytest.raises(error, match=words):
        stp.segmentations(survey, BASES, k_values)


def _reference_attractiveness(segments: pd.DataFrame, weights: list[float]) -> pd.DataFrame:
    """The scorecard as first written, in pandas: what the numpy version must reproduce."""
    data = segments[list(stp.CRITERIA)].astype(float)
    spread = data.max() - data.min()
    scaled = (data - data.min()) / spread.where(spread > 0, 1.0)
    scaled.loc[:, spread[spread == 0].index] = 0.5
    for criterion in stp.REVERSED:
        scaled[criterion] = 1 - scaled[criterion]
    w = pd.Series(weights, index=list(stp.CRITERIA)) / sum(weights)
    table = scaled.copy()
    table["score"] = 100 * (scaled[list(stp.CRITERIA)] * w).sum(axis=1)
    table = table.sort_values("score", ascending=False, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table


def test_attractiveness_equals_the_pandas_formula_bit_for_bit():
    rng = np.random.default_rng(7)
    for trial in range(300):
        k = int(rng.integers(2, 9))
        segments = pd.DataFrame(rng.normal(size=(k, 5)) * rng.choice([1e-3, 1.0, 1e3], 5),
                                columns=list(stp.CRITERIA), index=range(1, k + 1))
        if trial % 4 == 0:
            segments.iloc[:, int(rng.integers(5))] = 2.0  # a criterion that ties every segment
        if trial % 5 == 0:
            segments.iloc[1] = segments.iloc[0]  # two segments tie: the first stays first
        weights = [float(w) for w in rng.choice([0.0, 0.05, 0.35, 1.0], 5)]
        weights[int(rng.integers(5))] = 0.5
        expected = _reference_attractiveness(segments, weights)
        assert stp.attractiveness(segments, weights).equals(expected)
        assert list(stp.attractiveness(segments, weights).index) == list(expected.index)
        assert stp.scale_criteria(segments).equals(expected[list(stp.CRITERIA)].sort_index())
