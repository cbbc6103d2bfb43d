"""Unit tests for marketing_kit.nps: hand-computed examples, simulation and bootstrap checks of
the trinomial standard error (Rocks 2016), the survey data's structure, and bad input."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from sklearn.linear_model import LinearRegression

from marketing_kit import datasets
from marketing_kit import nps as m
from marketing_kit.synthetic.nps import ATTRIBUTES

# 50 promoters, 30 passives, 20 detractors (hand-computed below)
MIX = [10] * 25 + [9] * 25 + [8] * 20 + [7] * 10 + [6] * 10 + [3] * 5 + [0] * 5


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return datasets.load("nps_survey")


def test_classification_follows_reichheld():
    assert m.classify(range(11)) == ["detractor"] * 7 + ["passive"] * 2 + ["promoter"] * 2
    assert m.classify(np.array([9, 7, 6])) == ["promoter", "passive", "detractor"]


def test_nps_hand_computed():
    assert m.nps([10, 10, 9, 9, 8, 7, 6, 5, 3, 0]) == pytest.approx(0.0)
    assert m.nps([10, 9, 8, 7, 3]) == pytest.approx(20.0)
    assert m.nps(MIX) == pytest.approx(30.0) and type(m.nps(MIX)) is float
    assert m.nps([10]) == 100 and m.nps([0, 6]) == -100 and m.nps([7, 8]) == 0
    shares = m.category_shares(MIX)
    assert list(shares.index) == ["detractor", "passive", "promoter"]
    assert shares.tolist() == pytest.approx([0.2, 0.3, 0.5])


def test_se_and_interval_hand_computed():
    # var = p_P + p_D - (p_P - p_D)^2 = 0.5 + 0.2 - 0.3^2 = 0.61; SE = 100 sqrt(0.61 / 100)
    result = m.nps_interval(MIX)
    assert result.nps == pytest.approx(30.0)
    assert result.se == pytest.approx(100 * math.sqrt(0.0061))
    assert result.se == pytest.approx(7.8102, abs=1e-4)
    assert result.lower == pytest.approx(30 - 1.959964 * 7.810250, abs=1e-4)  # 14.6922
    assert result.upper == pytest.approx(45.3078, abs=1e-4)
    assert result.n == 100 and result.confidence == 0.95
    wider = m.nps_interval(MIX, confidence=0.99)
    assert wider.upper - wider.lower == pytest.approx(2 * 2.575829 * result.se, abs=1e-4)


def test_trinomial_variance_equals_variance_of_plus_minus_one_coding():
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 11, 357)
    coded = np.select([scores >= 9, scores >= 7], [1, 0], -1)
    result = m.nps_interval(scores)
    assert result.nps == pytest.approx(100 * coded.mean())
    assert result.se == pytest.approx(100 * coded.std(ddof=0) / math.sqrt(len(coded)))


@given(st.lists(st.integers(0, 10), min_size=1, max_size=300),
       st.floats(0.5, 0.999))
def test_interval_properties_hold_for_any_answers(scores, confidence):
    result = m.nps_interval(scores, confidence)
    assert -100 <= result.lower <= result.nps <= result.upper <= 100
    assert 0 <= result.se <= 100 / math.sqrt(len(scores)) + 1e-9  # variance is at most 1
    assert result.nps == pytest.approx(m.nps(scores)) and result.n == len(scores)
    adjusted = m.nps_interval(scores, confidence, method="adjusted-wald")
    assert -100 <= adjusted.lower < adjusted.upper <= 100


def test_bootstrap_agrees_with_the_analytic_se():
    rng = np.random.default_rng(2016)
    probabilities = [.02, .01, .02, .03, .04, .08, .10, .15, .20, .15, .20]
    scores = rng.choice(np.arange(11), 800, p=probabilities)
    analytic = m.nps_interval(scores)
    boot = stats.bootstrap((scores,), _nps_vectorised, n_resamples=4000, vectorized=True,
                           method="percentile", random_state=rng)
    assert boot.standard_error == pytest.approx(analytic.se, rel=0.05)
    assert boot.confidence_interval.low == pytest.approx(analytic.lower, abs=1.0)
    assert boot.confidence_interval.high == pytest.approx(analytic.upper, abs=1.0)


def _nps_vectorised(sample: np.ndarray, axis: int) -> np.ndarray:
    return 100 * ((sample >= 9).mean(axis=axis) - (sample <= 6).mean(axis=axis))


def test_simulated_sampling_distribution_matches_se_and_coverage():
    rng = np.random.default_rng(7)
    p_d, p_pa, p_p, n = 0.25, 0.30, 0.45, 400
    truth = 100 * (p_p - p_d)
    counts = rng.multinomial(n, [p_d, p_pa, p_p], size=4000)
    estimates = 100 * (counts[:, 2] - counts[:, 0]) / n
    assert estimates.std() == pytest.approx(m.nps_se(p_p, p_d, n), rel=0.04)
    covered = [m.interval_from_shares(c[2] / n, c[0] / n, n) for c in counts[:1000]]
    coverage = np.mean([r.lower <= truth <= r.upper for r in covered])
    assert 0.93 <= coverage <= 0.97


def test_adjusted_wald_follows_rocks_and_never_collapses():
    # 3/4 promoter, 3/2 passive, 3/4 detractor added: (50.75 - 20.75) / 103
    adjusted = m.interval_from_shares(0.5, 0.2, 100, method="adjusted-wald")
    a_p, a_d = 50.75 / 103, 20.75 / 103
    se = 100 * math.sqrt((a_p + a_d - (a_p - a_d) ** 2) / 103)
    z = stats.norm.ppf(0.975)
    assert adjusted.lower == pytest.approx(100 * (a_p - a_d) - z * se)
    assert adjusted.nps == pytest.approx(30.0) and adjusted.se == pytest.approx(7.8102, abs=1e-4)
    everyone = m.nps_interval([10] * 20)
    assert everyone.se == 0 and everyone.lower == everyone.upper == 100
    assert m.nps_interval([10] * 20, method="adjusted-wald").lower < 90


def test_compare_nps_two_sample_wald():
    a, b = MIX, [10] * 30 + [8] * 40 + [4] * 30  # NPS 30 vs 0
    result = m.compare_nps(a, b)
    se_b = 100 * math.sqrt((0.3 + 0.3 - 0) / 100)
    se = math.hypot(100 * math.sqrt(0.0061), se_b)
    assert result.difference == pytest.approx(30.0)
    assert result.se == pytest.approx(se)
    assert result.z == pytest.approx(30 / se)
    assert result.p_value == pytest.approx(2 * (1 - stats.norm.cdf(30 / se)))
    assert result.lower == pytest.approx(30 - stats.norm.ppf(0.975) * se)
    reverse = m.compare_nps(b, a)
    assert reverse.difference == -30 and reverse.p_value == pytest.approx(result.p_value)
    assert m.compare_nps(MIX, MIX).p_value == pytest.approx(1.0)


def test_sample_size_round_trips_to_the_margin():
    assert m.sample_size(5) == 1537  # worst case: var = 1, (1.96 / 0.05)^2 = 1536.6
    assert m.sample_size(10) == 385
    n = m.sample_size(4, promoter_share=0.45, detractor_share=0.25)
    half = lambda k: stats.norm.ppf(0.975) * m.nps_se(0.45, 0.25, k)  # noqa: E731
    assert half(n) <= 4 < half(n - 1)
    assert m.sample_size(5, confidence=0.9) < m.sample_size(5)


def test_csat_top_two_box_and_ces():
    assert m.csat([5, 4, 3, 2, 1]) == pytest.approx(40.0)
    assert m.csat([7, 6, 5], scale=7) == pytest.approx(200 / 3)
    result = m.ces([7, 1])
    assert result.mean == 4 and result.index == pytest.approx(50.0) and result.n == 2
    assert m.ces([7, 7, 7]).index == 100 and m.ces([1]).index == 0
    assert m.ces([5, 5], scale=5).index == 100


def test_nps_by_group_matches_per_group_calls(survey):
    answered = survey.dropna(subset=["likelihood"])
    table = m.nps_by_group(answered, "segment")
    assert table["n"].sum() == len(answered)
    for segment, row in table.iterrows():
        scores = answered.loc[answered["segment"] == segment, "likelihood"]
        expected = m.nps_interval(scores)
        assert (row["nps"], row["se"], row["lower"], row["upper"]) == pytest.approx(expected[:4])
        assert row[["detractor", "passive", "promoter"]].sum() == pytest.approx(1.0)
    two = m.nps_by_group(answered, ["segment", "touchpoint"])
    assert two.index.nlevels == 2 and two["n"].sum() == len(answered)


def test_driver_analysis_finds_the_planted_driver():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    frame["y"] = 2 * frame["a"] + 0.5 * frame["b"] + rng.normal(size=300)
    table = m.driver_analysis(frame, ["c", "b", "a"], target="y")
    assert list(table.index) == ["a", "b", "c"] and list(table["rank"]) == [1, 2, 3]
    assert table.loc["a", "r"] == pytest.approx(np.corrcoef(frame["a"], frame["y"])[0, 1])
    z = (frame - frame.mean()) / frame.std(ddof=0)
    beta = np.linalg.lstsq(z[["c", "b", "a"]].to_numpy(), z["y"].to_numpy(), rcond=None)[0]
    assert table.loc[["c", "b", "a"], "beta"].to_numpy() == pytest.approx(beta, abs=1e-9)


def test_survey_has_the_promised_structure(survey):
    assert len(survey) == 2000 and survey["respondent_id"].is_unique
    assert 0 < survey["likelihood"].isna().sum() < 60
    answered = survey.dropna(subset=["likelihood"])
    assert answered["likelihood"].between(0, 10).all() and survey["ces"].between(1, 7).all()
    by_segment = m.nps_by_group(answered, "segment")
    assert by_segment["nps"].idxmax() == "Enterprise"
    assert by_segment["nps"].idxmin() == "Small business"
    gap = m.compare_nps(answered.loc[answered.segment == "Enterprise", "likelihood"],
                        answered.loc[answered.segment == "Small business", "likelihood"])
    assert gap.p_value < 0.001
    quarter = answered.assign(q=answered["date"].dt.quarter)
    trend = m.nps_by_group(quarter, "q")["nps"]
    assert trend.is_monotonic_increasing and trend[4] - trend[1] > 10
    assert m.nps_by_group(answered, "touchpoint")["nps"].idxmin() == "billing"
    drivers = m.driver_analysis(answered, ATTRIBUTES)
    assert drivers.index[0] == "reliability" and drivers.index[-1] == "design"
    assert survey.groupby("touchpoint")["ces"].mean().idxmin() == "billing"


def test_missing_answers_are_rejected_not_dropped(survey):
    with pytest.raises(ValueError, match="missing value.*dropna"):
        m.nps(survey["likelihood"])
    with pytest.raises(ValueError, match="missing"):
        m.nps_by_group(survey, "segment")
    assert m.nps(survey["likelihood"].dropna()) == pytest.approx(
        m.nps_interval(survey["likelihood"].dropna()).nps)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: m.nps([]), ValueError, "at least one rating"),
        (lambda: m.nps([9, 11]), ValueError, r"must be in \[0, 10\]; got 11"),
        (lambda: m.nps([-1, 5]), ValueError, r"\[0, 10\]"),
        (lambda: m.nps([8.5]), ValueError, "whole numbers"),
        (lambda: m.nps([9, float("nan")]), ValueError, "missing"),
        (lambda: m.nps([9, None]), ValueError, "missing"),
        (lambda: m.nps([9, float("inf")]), ValueError, r"\[0, 10\]"),
        (lambda: m.nps(9), TypeError, "list, array or Series"),
        (lambda: m.nps("9 10"), TypeError, "list, array or Series"),
        (lambda: m.nps(["9", "10"]), TypeError, "not text"),
        (lambda: m.nps([True, False]), TypeError, "True/False"),
        (lambda: m.nps([[9, 10], [1, 2]]), ValueError, "one-dimensional"),
        (lambda: m.classify([12]), ValueError, "scores must be in"),
        (lambda: m.nps_interval([9, 10], confidence=1.0), ValueError, "confidence must be in"),
        (lambda: m.nps_interval([9, 10], confidence=95), ValueError, "confidence"),
        (lambda: m.nps_interval([9, 10], method="exact"), ValueError, "method must be one of"),
        (lambda: m.nps_se(0.7, 0.4, 10), ValueError, "at most 1"),
        (lambda: m.nps_se(1.2, 0, 10), ValueError, r"promoter_share must be in \[0, 1\]"),
        (lambda: m.nps_se(0.5, 0.2, 0), ValueError, "n must be in"),
        (lambda: m.nps_se(0.5, 0.2, 10.5), ValueError, "whole number"),
        (lambda: m.compare_nps([10, 10], [9, 9]), ValueError, "zero variance"),
        (lambda: m.sample_size(0), ValueError, "margin must be in"),
        (lambda: m.sample_size("5"), TypeError, "margin"),
        (lambda: m.csat([0, 5]), ValueError, r"\[1, 5\]"),
        (lambda: m.csat([6]), ValueError, r"\[1, 5\]"),
        (lambda: m.csat([4], scale=2), ValueError, "scale must be in"),
        (lambda: m.ces([8]), ValueError, r"\[1, 7\]"),
        (lambda: m.ces([4.5]), ValueError, "whole numbers"),
        (lambda: m.ces([]), ValueError, "at least one"),
        (lambda: m.nps_by_group([1], "segment"), TypeError, "DataFrame"),
        (lambda: m.nps_by_group(pd.DataFrame({"x": [1]}), "segment"), ValueError, "missing column"),
        (lambda: m.driver_analysis(pd.DataFrame({"a": [1, 2, 3], "likelihood": [1, 2, 3]}), []),
         ValueError, "at least one"),
        (lambda: m.driver_analysis(pd.DataFrame({"a": [1, 1, 1], "likelihood": [1, 2, 3]}), ["a"]),
         ValueError, "constant"),
        (lambda: m.driver_analysis(pd.DataFrame({"a": [1, 2], "likelihood": [1, 2]}), ["a"]),
         ValueError, "at least 3 rows"),
        (lambda: m.driver_analysis(pd.DataFrame({"a": [1, 2, None], "likelihood": [1, 2, 3]}),
                                   ["a"]), ValueError, "finite"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- minimum detectable difference and relative weights (issue 17) ------------------------------


def test_minimum_detectable_difference_is_about_2_8_standard_errors():
    assert math.isclose(m.minimum_detectable_difference(1.0), 1.959964 + 0.841621, rel_tol=1e-6)
    assert math.isclose(m.minimum_detectable_difference(4.84), 13.56, abs_tol=0.01)
    # at the MDE the two-sided test rejects with probability = power (normal approximation)
    se = 3.0
    mde = m.minimum_detectable_difference(se, power=0.9)
    z = stats.norm.ppf(0.975)
    assert math.isclose(stats.norm.sf(z - mde / se) + stats.norm.cdf(-z - mde / se), 0.9,
                        abs_tol=1e-4)
    for bad in ({"se": 0}, {"se": 1, "power": 1.0}, {"se": 1, "confidence": 0}):
        with pytest.raises(ValueError):
            m.minimum_detectable_difference(**bad)
    with pytest.raises(TypeError):
        m.minimum_detectable_difference("4.8")


def test_relative_weights_add_up_to_r_squared_and_match_r2_when_orthogonal():
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500)})
    frame["c"] = 0.7 * frame["a"] + 0.7 * rng.normal(size=500)  # correlated with a
    frame["y"] = 1.0 * frame["a"] + 0.5 * frame["b"] + rng.normal(size=500)
    weights = m.relative_weights(frame, ["a", "b", "c"], target="y")
    fit = LinearRegression().fit(frame[["a", "b", "c"]], frame["y"])
    assert math.isclose(weights.sum(), fit.score(frame[["a", "b", "c"]], frame["y"]), rel_tol=1e-9)
    assert (weights >= 0).all() and weights.idxmax() == "a"
    # with uncorrelated drivers each relative weight is the squared correlation (Johnson 2000)
    raw = rng.normal(size=(200, 2))
    orthogonal = pd.DataFrame(np.linalg.qr(raw - raw.mean(axis=0))[0], columns=["u", "v"])
    orthogonal["y"] = 2 * orthogonal["u"] + orthogonal["v"] + 0.01 * rng.normal(size=200)
    w = m.relative_weights(orthogonal, ["u", "v"], target="y")
    r = orthogonal[["u", "v"]].corrwith(orthogonal["y"])
    assert np.allclose(w.to_numpy(), (r**2).to_numpy(), atol=1e-3)
    frame["a2"] = 2 * frame["a"]
    with pytest.raises(ValueError, match="collinear"):
        m.relative_weights(frame, ["a", "a2"], target="y")


def test_driver_methods_recover_the_generators_order():
    from marketing_kit.synthetic.nps import true_driver_weights

    survey = datasets.load("nps_survey").dropna(subset=["likelihood"])
    truth = true_driver_weights().sort_values(ascending=False)
    attributes = list(truth.index)
    weights = m.relative_weights(survey, attributes)
    assert list(weights.sort_values(ascending=False).index) == list(truth.index)
    assert list(m.driver_analysis(survey, attributes).index) == list(truth.index)
