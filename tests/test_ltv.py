"""Unit tests for marketing_kit.ltv: simple CLV, cohorts, RFM, and the BG/NBD and Gamma-Gamma
fits reproduced against the published CDNOW estimates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.integrate import quad

from marketing_kit import datasets, ltv

CALIBRATION_END = "1997-09-30"  # week 39 of the CDNOW papers
HOLDOUT_END = "1998-06-30"  # week 78


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return datasets.load("cdnow_transactions")


@pytest.fixture(scope="module")
def summary(cdnow) -> pd.DataFrame:
    return ltv.rfm_summary(cdnow, "customer_id", "date", "sales", CALIBRATION_END)


@pytest.fixture(scope="module")
def bgnbd(summary) -> ltv.BGNBDFit:
    return ltv.fit_bgnbd(summary)


@pytest.fixture(scope="module")
def gamma_gamma(summary) -> ltv.GammaGammaFit:
    return ltv.fit_gamma_gamma(summary)


@pytest.fixture(scope="module")
def invoices() -> pd.DataFrame:
    return datasets.load("ltv_subscriptions")


# --- simple CLV ---------------------------------------------------------------------------------


def test_customer_value_is_benefits_minus_costs():
    assert ltv.customer_value(120, 80) == 40
    assert ltv.customer_value(50, 80) == -30


def test_gupta_lehmann_margin_multiple():
    # Gupta & Lehmann (2005), table of margin multiples: r = 80 %, i = 12 % gives 2.5.
    assert ltv.margin_multiple(0.8, 0.12) == pytest.approx(2.5)
    assert ltv.margin_multiple(0.9, 0.10) == pytest.approx(4.5)
    assert ltv.simple_clv(100, 0.8, 0.12) == pytest.approx(250)
    assert ltv.simple_clv(100, 0.8, 0.12, acquisition_cost=60) == pytest.approx(190)
    assert ltv.simple_clv(100, 0, 0.1) == 0


def test_first_margin_now_adds_one_undiscounted_margin():
    later = ltv.simple_clv(100, 0.8, 0.12)
    now = ltv.simple_clv(100, 0.8, 0.12, first_margin_now=True)
    # m (1+i)/(1+i-r) = m + m r/(1+i-r): the same stream plus the margin paid today.
    assert now == pytest.approx(later + 100)
    assert now == pytest.approx(100 * 1.12 / 0.32)


@pytest.mark.parametrize("first_now", [False, True])
def test_finite_horizon_tends_to_the_closed_form(first_now):
    closed = ltv.simple_clv(70, 0.75, 0.1, 30, first_margin_now=first_now)
    assert ltv.finite_horizon_clv(70, 0.75, 0.1, 400, 30, first_margin_now=first_now) == (
        pytest.approx(closed, rel=1e-12))
    # A hand-written sum over 3 periods (end-of-period margins).
    three = sum(70 * 0.75**t / 1.1**t for t in (1, 2, 3)) - 30
    assert ltv.finite_horizon_clv(70, 0.75, 0.1, 3, 30) == pytest.approx(three)
    assert ltv.finite_horizon_clv(70, 0.75, 0.1, 0) == 0


def test_clv_sensitivity_is_increasing_in_retention():
    curve = ltv.clv_sensitivity(100, np.linspace(0, 0.95, 20), 0.1)
    assert curve.is_monotonic_increasing
    assert curve.iloc[-1] == pytest.approx(ltv.simple_clv(100, 0.95, 0.1))


def test_cac_ratios_and_the_seed_conversion_value():
    assert ltv.ltv_to_cac(900, 300) == 3
    assert ltv.cac_payback_periods(600, 50) == 12


# --- transactions, cohorts, RFM -------------------------------------------------------------------


def test_rfm_summary_rebuilds_the_published_cdnow_summary(summary):
    published = datasets.load("cdnow_summary").set_index("customer_id")
    assert len(summary) == 2357 and (summary["frequency"] > 0).sum() == 946
    assert (summary["frequency"] == published["frequency"]).all()
    for column in ("recency", "T", "monetary_value"):
        assert np.abs(summary[column] - published[column]).max() <= 0.005 + 1e-9, column
    # Customer 1: purchases 1997-01-01, 01-18 and 08-02 in calibration.
    first = summary.loc[1]
    assert first["frequency"] == 2
    assert first["recency"] == pytest.approx(213 / 7)
    assert first["T"] == pytest.approx(272 / 7)
    assert first["monetary_value"] == pytest.approx((29.73 + 14.96) / 2)
    assert first["total_spend"] == pytest.approx(29.33 + 29.73 + 14.96)
    assert summary.loc[published["monetary_value"] > 0, "monetary_value"].mean() == (
        pytest.approx(35.08, abs=0.005))


def test_rfm_summary_merges_same_day_purchases_and_cuts_at_observation_end():
    tx = pd.DataFrame({"c": ["a", "a", "a", "b", "a"],
                       "d": ["2024-01-01", "2024-01-01", "2024-01-08", "2024-01-03", "2024-03-01"],
                       "v": [10, 5, 20, 7, 99]})
    out = ltv.rfm_summary(tx, "c", "d", "v", "2024-01-15", time_unit="D")
    assert out.loc["a"].to_dict() == {"frequency": 1, "recency": 7.0, "T": 14.0,
                                      "monetary_value": 20.0, "total_spend": 35.0}
    assert out.loc["b"].to_dict() == {"frequency": 0, "recency": 0.0, "T": 12.0,
                                      "monetary_value": 0.0, "total_spend": 7.0}


def test_cohort_retention_on_a_hand_made_example():
    tx = pd.DataFrame({
        "c": ["a", "a", "a", "b", "b", "c", "d"],
        "d": ["2024-01-05", "2024-02-05", "2024-04-01", "2024-01-20", "2024-03-02", "2024-02-10",
              "2024-04-30"],
    })
    counts = ltv.cohort_counts(tx, "c", "d")
    assert list(counts.index.astype(str)) == ["2024-01", "2024-02", "2024-04"]
    assert counts.loc[pd.Period("2024-01", "M")].tolist() == [2, 1, 1, 1]
    retention = ltv.cohort_retention(tx, "c", "d")
    assert retention.loc[pd.Period("2024-01", "M"), 1] == 0.5
    # February's cohort has reached period 2 (April) but not 3; April's only period 0.
    assert retention.loc[pd.Period("2024-02", "M")].tolist()[:3] == [1, 0, 0]
    assert math.isnan(retention.loc[pd.Period("2024-02", "M"), 3])
    assert retention.loc[pd.Period("2024-04", "M")].isna().sum() == 3
    curve = ltv.retention_curve(counts)
    assert curve[0] == 1
    assert curve[1] == pytest.approx(1 / 3)  # 1 active of 2 (Jan) + 0 of 1 (Feb)
    assert curve[3] == pytest.approx(1 / 2)  # only January reached period 3


def test_synthetic_cohorts_decline_like_a_shifted_beta_geometric(invoices):
    counts = ltv.cohort_counts(invoices, "account_id", "invoice_date")
    assert counts.shape == (24, 24)
    curve = ltv.retention_curve(counts)
    assert curve[:13].is_monotonic_decreasing  # later periods pool only the oldest cohorts
    # Within a cohort nobody comes back: monthly billing stops at cancellation.
    assert (counts.diff(axis=1).fillna(0) <= 0).all().all()
    # Heterogeneous churn: month-on-month retention rises with tenure (sBG, Fader & Hardie 2007).
    ratios = curve / curve.shift(1)
    assert ratios[1] < ratios[2:7].mean() < ratios[7:13].mean()


def test_rfm_scores_are_quintiles_with_ties_sharing_a_score(invoices):
    summary = ltv.rfm_summary(invoices, "account_id", "invoice_date", "amount", "2024-12-31",
                              time_unit="D")
    scores = ltv.rfm_scores(summary)
    for column in "RFM":
        assert set(scores[column]) <= {1, 2, 3, 4, 5}
        # Customers with equal inputs get equal scores.
    assert scores.groupby("frequency")["F"].nunique().max() == 1
    # The most recent buyer gets R = 5, the longest silent one R = 1.
    silence = summary["T"] - summary["recency"]
    assert scores.loc[silence.idxmin(), "R"] == 5 and scores.loc[silence.idxmax(), "R"] == 1
    counts = ltv.segment_counts(scores)
    assert list(counts.index) == list(ltv.SEGMENTS) and counts.sum() == len(summary)
    assert (scores["RFM"].str.len() == 3).all()


def test_rfm_segment_rules_cover_the_grid():
    grid = {ltv.rfm_segment(r, f) for r in range(1, 6) for f in range(1, 6)}
    assert grid == set(ltv.SEGMENTS)
    assert ltv.rfm_segment(5, 5) == "Champions"
    assert ltv.rfm_segment(1, 5) == "At risk"
    assert ltv.rfm_segment(5, 1) == "Promising"


def test_purchases_between_counts_holdout_days(cdnow):
    holdout = ltv.purchases_between(cdnow, "customer_id", "date", CALIBRATION_END, HOLDOUT_END)
    assert len(holdout) == 2357
    assert holdout.loc[1] == 1  # customer 1 bought again on 1997-12-12
    assert holdout.sum() == 1882  # purchase days of the 2,357 customers in weeks 40-78
    assert holdout.sum() == len(cdnow[cdnow["date"] > CALIBRATION_END]
                                .drop_duplicates(["customer_id", "date"]))


# --- BG/NBD and Gamma-Gamma on CDNOW ------------------------------------------------------------


def test_bgnbd_reproduces_fader_hardie_lee_2005(bgnbd):
    # Fader, Hardie & Lee (2005), Marketing Science 24(2): CDNOW, 39-week calibration.
    assert round(bgnbd.r, 3) == 0.243
    assert round(bgnbd.alpha, 3) == 4.414
    assert round(bgnbd.a, 3) == 0.793
    assert round(bgnbd.b, 3) == 2.426
    assert round(bgnbd.log_likelihood, 1) == -9582.4
    assert bgnbd.n_customers == 2357
    assert set(bgnbd.params()) == {"r", "alpha", "a", "b"}


def test_bgnbd_log_likelihood_matches_a_numerical_integral():
    # Integrate Poisson-with-geometric-dropout over Gamma(lambda) x Beta(p) for one customer.
    r, alpha, a, b, x, t_x, big_t = 0.5, 4.0, 0.8, 2.5, 2, 20.0, 30.0

    def given_lambda_p(lam, p):
        # FHL 2005: individual likelihood L(lambda, p | x, t_x, T).
        return (1 - p) ** x * lam**x * math.exp(-lam * big_t) + (
            p * (1 - p) ** (x - 1) * lam**x * math.exp(-lam * t_x))

    def over_p(lam):
        inner, _ = quad(lambda p: given_lambda_p(lam, p) * stats.beta.pdf(p, a, b), 0, 1)
        return inner * stats.gamma.pdf(lam, r, scale=1 / alpha)

    integral, _ = quad(over_p, 0, 5, limit=200)
    ours = ltv.bgnbd_log_likelihood(r, alpha, a, b, np.array([x]), np.array([t_x]),
                                    np.array([big_t]))[0]
    assert ours == pytest.approx(math.log(integral), abs=1e-5)


def test_conditional_expectation_and_p_alive(bgnbd, summary):
    # FHL 2005 worked example, customer 1 (x=2, t_x=30.43, T=38.86): 1.226 purchases in weeks 40-78.
    assert ltv.expected_purchases(bgnbd, 39, 2, 30.43, 38.86) == pytest.approx(1.226, abs=5e-4)
    assert ltv.p_alive(bgnbd, 0, 0, 38.86) == 1
    # Silence after many purchases makes a customer look dead.
    assert ltv.p_alive(bgnbd, 10, 5, 38.86) < 0.01 < ltv.p_alive(bgnbd, 10, 38, 38.86)
    vector = ltv.expected_purchases(bgnbd, 39, summary["frequency"], summary["recency"],
                                    summary["T"])
    assert isinstance(vector, np.ndarray) and vector.shape == (2357,)
    assert ltv.expected_purchases(bgnbd, 0, 3, 10, 20) == 0


def test_bgnbd_tracks_the_holdout_in_aggregate(bgnbd, summary, cdnow):
    holdout = ltv.purchases_between(cdnow, "customer_id", "date", CALIBRATION_END, HOLDOUT_END)
    actual = summary["frequency"].sum() + holdout.sum()  # cumulative repeat purchases, week 78
    assert actual == 2457 + 1882
    # FHL 2005 (tracking plot): BG/NBD under-forecasts cumulative week-78 repeat sales by ~4 %.
    predicted = ltv.expected_repeat_purchases(bgnbd, summary["T"].to_numpy() + 39).sum()
    assert 0.95 < predicted / actual < 0.97
    conditional = ltv.expected_purchases(bgnbd, 39, summary["frequency"], summary["recency"],
                                         summary["T"]).sum()
    assert 0.8 * holdout.sum() < conditional < holdout.sum()
    # The unconditional curve at t = 0 is 0 and rises.
    curve = ltv.expected_repeat_purchases(bgnbd, np.array([0.0, 10, 40, 80]))
    assert curve[0] == 0 and np.all(np.diff(curve) > 0)


def test_gamma_gamma_reproduces_the_published_cdnow_estimates(gamma_gamma):
    # Fader, Hardie & Lee (2005, JMR); Fader & Hardie (2013) note 025: p 6.25, q 3.74, gamma 15.44.
    assert round(gamma_gamma.p, 2) == 6.25
    assert round(gamma_gamma.q, 2) == 3.74
    assert round(gamma_gamma.gamma, 2) == 15.44
    assert gamma_gamma.n_customers == 946
    assert gamma_gamma.mean_spend == pytest.approx(6.25 * 15.44 / 2.74, rel=2e-3)


def test_gamma_gamma_likelihood_is_a_density_in_zbar():
    p, q, gamma, x = 6.0, 3.5, 15.0, 3
    density = lambda z: math.exp(  # noqa: E731
        ltv.gamma_gamma_log_likelihood(p, q, gamma, np.array([x]), np.array([z]))[0])
    total, _ = quad(density, 0, np.inf)
    assert total == pytest.approx(1, abs=1e-6)


def test_expected_spend_shrinks_towards_the_population_mean(gamma_gamma):
    mean = gamma_gamma.mean_spend
    assert ltv.expected_spend(gamma_gamma, 0, 0) == pytest.approx(mean)
    one, many = ltv.expected_spend(gamma_gamma, [1, 50], [100, 100])
    assert mean < one < many < 100


def test_predicted_clv_discounts_and_ranks(bgnbd, gamma_gamma, summary):
    clv = ltv.predicted_clv(bgnbd, gamma_gamma, summary, horizon=52, steps=12,
                            discount_rate=0.01, margin=1.0)
    assert clv.index.equals(summary.index) and (clv >= 0).all()
    undiscounted = ltv.predicted_clv(bgnbd, gamma_gamma, summary, discount_rate=0)
    purchases = ltv.expected_purchases(bgnbd, 52, summary["frequency"], summary["recency"],
                                       summary["T"])
    spend = ltv.expected_spend(gamma_gamma, summary["frequency"].to_numpy(),
                               summary["monetary_value"].to_numpy())
    assert np.allclose(undiscounted, purchases * spend)
    assert (clv <= undiscounted + 1e-12).all()
    half = ltv.predicted_clv(bgnbd, gamma_gamma, summary, margin=0.5)
    assert np.allclose(half, clv / 2)


# --- bad input -----------------------------------------------------------------------------------


def _tx(**changes) -> pd.DataFrame:
    frame = pd.DataFrame({"c": [1, 1, 2], "d": ["2024-01-01", "2024-02-01", "2024-01-15"],
                          "v": [10.0, 12.0, 8.0]})
    return frame.assign(**changes)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: ltv.simple_clv(100, 1.0, 0.1), ValueError, r"retention must be in \[0, 1\)"),
        (lambda: ltv.simple_clv(100, -0.1, 0.1), ValueError, "retention"),
        (lambda: ltv.simple_clv(100, 0.8, -1), ValueError, r"discount_rate must be in \(-1"),
        (lambda: ltv.simple_clv(100, 0.8, -0.5), ValueError, "converge"),
        (lambda: ltv.simple_clv(-5, 0.8, 0.1), ValueError, "margin"),
        (lambda: ltv.simple_clv(100, 0.8, 0.1, -1), ValueError, "acquisition_cost"),
        (lambda: ltv.simple_clv("100", 0.8, 0.1), TypeError, "margin must be a real number"),
        (lambda: ltv.simple_clv(100, float("nan"), 0.1), ValueError, "finite"),
        (lambda: ltv.finite_horizon_clv(100, 0.8, 0.1, 2.5), ValueError, "periods"),
        (lambda: ltv.ltv_to_cac(100, 0), ValueError, "acquisition_cost"),
        (lambda: ltv.cac_payback_periods(100, 0), ValueError, "margin_per_period"),
        (lambda: ltv.rfm_summary(_tx(), "c", "date", "v", "2024-03-01"), ValueError,
         "missing column"),
        (lambda: ltv.rfm_summary(_tx(d=["2024-01-01", "not a date", "2024-01-15"]), "c", "d", "v",
                                 "2024-03-01"), ValueError, r"transactions\['d'\] must hold dates"),
        (lambda: ltv.rfm_summary(_tx(v=[10.0, -2.0, 8.0]), "c", "d", "v", "2024-03-01"),
         ValueError, r"transactions\['v'\] must be >= 0"),
        (lambda: ltv.rfm_summary(_tx(), "c", "d", "v", "someday"), ValueError, "observation_end"),
        (lambda: ltv.rfm_summary(_tx(), "c", "d", "v", "2020-01-01"), ValueError, "before every"),
        (lambda: ltv.rfm_summary(_tx(), "c", "d", "v", "2024-03-01", "Y"), ValueError,
         "time_unit"),
        (lambda: ltv.rfm_summary("tx", "c", "d", "v", "2024-03-01"), TypeError, "DataFrame"),
        (lambda: ltv.cohort_counts(_tx(), "c", "d", freq="Y"), ValueError, "freq"),
        (lambda: ltv.rfm_segment(6, 1), ValueError, r"r must be in \[1, 5\]"),
        (lambda: ltv.fit_bgnbd(pd.DataFrame({"frequency": [1], "recency": [5.0], "T": [3.0]})),
         ValueError, "recency.*<= .*T"),
        (lambda: ltv.fit_bgnbd(pd.DataFrame({"frequency": [0], "recency": [2.0], "T": [3.0]})),
         ValueError, "recency.*must be 0"),
        (lambda: ltv.fit_bgnbd(pd.DataFrame({"frequency": [-1], "recency": [0.0], "T": [3.0]})),
         ValueError, "frequency.*>= 0"),
        (lambda: ltv.fit_gamma_gamma(pd.DataFrame({"frequency": [1, 2], "monetary_value": [0, 5]})),
         ValueError, "monetary_value.*> 0"),
        (lambda: ltv.p_alive("fit", 1, 1, 2), TypeError, "BGNBDFit"),
    ],
)
def test_bad_input_raises_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_a_fit_that_does_not_converge_raises(summary):
    with pytest.raises(ltv.ConvergenceError, match="did not converge"):
        ltv.fit_bgnbd(summary, maxiter=5)
    with pytest.raises(ltv.ConvergenceError, match="Gamma-Gamma fit did not converge"):
        ltv.fit_gamma_gamma(summary, maxiter=3)


def test_expected_purchases_rejects_impossible_histories(bgnbd):
    with pytest.raises(ValueError, match="recency"):
        ltv.expected_purchases(bgnbd, 10, 2, 40, 30)
    with pytest.raises(ValueError, match="t must be in"):
        ltv.expected_purchases(bgnbd, -1, 2, 10, 30)


def test_repeat_purchase_tracking_matches_the_summary_and_holdout(bgnbd, summary, cdnow):
    tracking = ltv.repeat_purchase_tracking(cdnow, "customer_id", "date", bgnbd, "1997-01-01", 78)
    assert tracking.loc[39, "actual"] == summary["frequency"].sum() == 2457
    assert tracking.loc[78, "actual"] == 2457 + 1882
    assert tracking["actual"].is_monotonic_increasing
    assert tracking["expected"].is_monotonic_increasing
    expected_78 = ltv.expected_repeat_purchases(bgnbd, summary["T"].to_numpy() + 39).sum()
    assert tracking.loc[78, "expected"] == pytest.approx(expected_78)
    with pytest.raises(ValueError, match="start must be on or before"):
        ltv.repeat_purchase_tracking(cdnow, "customer_id", "date", bgnbd, "1997-02-01", 10)


def test_customer_arrays_must_line_up(bgnbd):
    with pytest.raises(ValueError, match="equal length"):
        ltv.p_alive(bgnbd, [1, 2], [3.0], [10.0, 10.0])
    with pytest.raises(TypeError, match="numeric"):
        ltv.p_alive(bgnbd, "two", 3.0, 10.0)


def test_p_alive_is_bayes_rule_on_the_likelihood_terms():
    # FHL (2008, note 021): P(alive) = first likelihood term / whole likelihood.
    from scipy.special import betaln, gammaln

    r, alpha, a, b, x, t_x, big_t = 0.243, 4.414, 0.793, 2.426, 3, 12.0, 38.0
    fit = ltv.BGNBDFit(r, alpha, a, b, 0.0, 1)
    alive = (betaln(a, b + x) - betaln(a, b) + gammaln(r + x) - gammaln(r) + r * math.log(alpha)
             - (r + x) * math.log(alpha + big_t))
    total = ltv.bgnbd_log_likelihood(r, alpha, a, b, np.array([x]), np.array([t_x]),
                                     np.array([big_t]))[0]
    assert ltv.p_alive(fit, x, t_x, big_t) == pytest.approx(math.exp(alive - total), rel=1e-10)
