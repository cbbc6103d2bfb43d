"""Property tests for ``marketing_kit.stp`` (issue 12)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketing_kit import stp

weight_lists = st.lists(st.floats(0, 10), min_size=5, max_size=5).filter(lambda w: sum(w) > 0)
segment_rows = st.lists(st.lists(st.floats(0, 100), min_size=5, max_size=5), min_size=2,
                        max_size=8)


def segments_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(stp.CRITERIA),
                        index=pd.Index(range(1, len(rows) + 1), name="segment"))


@given(segment_rows, weight_lists)
def test_attractiveness_scores_are_0_to_100_and_ranked(rows, weights):
    table = stp.attractiveness(segments_frame(rows), weights)
    assert table["score"].between(-1e-9, 100 + 1e-9).all()
    assert list(table["rank"]) == list(range(1, len(rows) + 1))
    assert table["score"].is_monotonic_decreasing
    assert table[list(stp.CRITERIA)].stack().between(0, 1).all()
    assert stp.check_weights(weights).sum() == pytest.approx(1)


@given(segment_rows, weight_lists, st.floats(1.1, 10))
def test_scaling_all_weights_changes_nothing(rows, weights, factor):
    frame = segments_frame(rows)
    base = stp.attractiveness(frame, weights)["score"]
    scaled = stp.attractiveness(frame, [w * factor for w in weights])["score"]
    assert np.allclose(base.sort_index(), scaled.sort_index())


@given(st.one_of(
    st.lists(st.floats(-10, -0.01), min_size=5, max_size=5),
    st.just([0, 0, 0, 0, 0]),
    st.just([1, 1, math.nan, 1, 1]),
    st.just([1, 1, math.inf, 1, 1]),
    st.lists(st.floats(0, 1), min_size=1, max_size=4),
    st.just({"size": 1, "growth": 1}),
))
def test_bad_weights_raise_value_error(weights):
    if isinstance(weights, list) and len(weights) == 5 and min(weights) < 0:
        weights = [abs(weights[0]), *weights[1:]]  # keep a positive total: the sign must fail
    with pytest.raises(ValueError, match="weights"):
        stp.check_weights(weights)


@given(st.one_of(st.text(max_size=5), st.none(), st.integers(), st.floats()))
def test_weights_of_the_wrong_type_raise_type_error(weights):
    with pytest.raises(TypeError, match="weights"):
        stp.check_weights(weights)


survey_rows = st.lists(st.tuples(st.floats(0, 100), st.floats(1, 7), st.floats(18, 80)),
                       min_size=6, max_size=30)


@settings(max_examples=25, deadline=None)
@given(survey_rows, st.integers(2, 4))
def test_segments_are_numbered_by_size_and_profiles_add_up(rows, k):
    frame = pd.DataFrame(rows, columns=["spend", "liking", "age"])
    distinct = len(frame.drop_duplicates())
    if distinct <= k:
        return  # k-means needs more distinct points than segments
    result = stp.segment(frame, ["spend", "liking", "age"], k)
    sizes = result.labels.value_counts().sort_index()
    assert list(sizes.index) == list(range(1, len(sizes) + 1))
    assert sizes.is_monotonic_decreasing
    assert -1 <= result.silhouette <= 1 and result.inertia >= 0
    shares = result.profile.drop(index="Market")["share"]
    assert shares.sum() == pytest.approx(1)


@given(survey_rows)
def test_standardised_bases_have_mean_0_and_sd_0_or_1(rows):
    z = stp.standardise(pd.DataFrame(rows, columns=["a", "b", "c"]), ["a", "b", "c"])
    assert np.allclose(z.mean(), 0, atol=1e-7)
    sd = z.std(ddof=0)
    assert all(math.isclose(s, 1, abs_tol=1e-6) or math.isclose(s, 0, abs_tol=1e-6) for s in sd)


@given(st.sampled_from(["missing", "string", "empty", "nan", "text"]))
def test_bad_features_raise_clear_errors(kind):
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]})
    features, expected = ["a", "b"], ValueError
    if kind == "missing":
        features = ["a", "z"]
    elif kind == "string":
        features, expected = "a", TypeError
    elif kind == "empty":
        features = []
    elif kind == "nan":
        frame.loc[0, "a"] = np.nan
    else:
        frame["b"], expected = ["x", "y", "z"], TypeError
    with pytest.raises(expected, match="features|df"):
        stp.standardise(frame, features)


@given(st.one_of(st.integers(-5, 1), st.integers(6, 50), st.sampled_from([2.5, math.nan])))
def test_k_out_of_range_raises_value_error(k):
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 9.0, 7.0], "b": [3.0, 1.0, 2.0, 8, 5, 6]})
    with pytest.raises(ValueError, match="k"):
        stp.segment(frame, ["a", "b"], k)


brand_rows = st.lists(st.lists(st.floats(1, 7), min_size=3, max_size=3), min_size=3,
                      max_size=8)


@settings(max_examples=50, deadline=None)
@given(brand_rows)
def test_perceptual_map_explains_at_most_everything_and_distances_are_non_negative(rows):
    ratings = pd.DataFrame(rows, columns=["price", "quality", "style"],
                           index=[f"b{i}" for i in range(len(rows))])
    if (ratings.std(ddof=0) < 1e-6).any():
        return  # a constant attribute has no variance to map
    pmap = stp.perceptual_map(ratings)
    assert pmap.explained.between(0, 1 + 1e-9).all() and pmap.explained.sum() <= 1 + 1e-9
    distances = stp.brand_distances(pmap, "b0")
    assert (distances >= 0).all() and distances.is_monotonic_increasing
    ideal = stp.ideal_distances(pmap, ratings.iloc[0])
    assert ideal.loc["b0"] == pytest.approx(0, abs=1e-6)


@given(st.one_of(st.none(), st.text(max_size=3), st.integers(), st.just(pd.DataFrame())))
def test_distances_on_something_that_is_not_a_map_raise_type_error(bad):
    with pytest.raises(TypeError, match="pmap"):
        stp.brand_distances(bad, "b0")
    with pytest.raises(TypeError, match="pmap"):
        stp.nearest_competitor(bad, "b0")
