"""Unit tests for marketing_kit.ltv_contractual: the sBG model reproduces Fader & Hardie (2007)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import hyp2f1

from marketing_kit import datasets, ltv
from marketing_kit.synthetic import ltv as saas

# Fader & Hardie (2007), "How to project customer retention": customers still active at the
# start of years 0..12 out of 1,000; the model is calibrated on years 0..7.
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]


@pytest.mark.parametrize("data, alpha, beta, ll", [
    (REGULAR, 0.704, 1.182, -1680.3),
    (HIGH_END, 0.668, 3.806, -1611.2),
])
def test_sbg_reproduces_the_published_estimates(data, alpha, beta, ll):
    fit = ltv.fit_sbg(data[:8])
    assert (round(fit.alpha, 3), round(fit.beta, 3), round(fit.log_likelihood, 1)) == (alpha,
                                                                                      beta, ll)
    assert fit.n_customers == 1000


def test_sbg_projects_the_holdout_years_of_the_paper():
    fit = ltv.fit_sbg(REGULAR[:8])
    projected = 1000 * ltv.sbg_survival(fit, 12)
    actual = np.array(REGULAR, dtype=float)
    # the paper's point: the sBG tracks years 8-12 within a few percent, unlike a constant rate
    assert np.all(np.abs(projected.to_numpy()[8:] / actual[8:] - 1) < 0.05)
    rates = ltv.sbg_retention_rates(fit, 12)
    assert rates.is_monotonic_increasing and math.isclose(
        rates.loc[1], projected.loc[1] / 1000, rel_tol=1e-12)


def test_residual_value_matches_the_closed_form_derl():
    fit = ltv.fit_sbg(REGULAR[:8])
    a, b, d = fit.alpha, fit.beta, 0.1
    for renewals in (0, 1, 4):
        n = renewals + 1  # Fader & Hardie (2010): n - 1 renewals made, first payment undiscounted
        derl = (b + n - 1) / (a + b + n - 1) * hyp2f1(1, b + n, a + b + n, 1 / (1 + d))
        assert math.isclose(ltv.sbg_residual_value(fit, 100, d, renewals), 100 * derl / (1 + d),
                            rel_tol=1e-7)
    # survivors are worth more: the base sorts itself (heterogeneity)
    assert ltv.sbg_residual_value(fit, 1, d, 5) > ltv.sbg_residual_value(fit, 1, d, 0)


def test_sbg_on_the_saas_cohorts_is_close_to_the_generators_truth():
    invoices = datasets.load("ltv_subscriptions")
    counts = ltv.cohort_counts(invoices, "account_id", "invoice_date")
    fit = ltv.fit_sbg(counts)
    assert fit.n_customers == invoices["account_id"].nunique()
    fitted = ltv.sbg_survival(fit, 12)
    truth = saas.true_survival(12, invoices)
    assert np.all(np.abs(fitted - truth) < 0.03)


@pytest.mark.parametrize("bad, match", [
    ([1000, 1100, 900], "increases"), ([0, 0], "size"), ([10.5, 5], "whole"), ([10], "at least"),
])
def test_fit_sbg_rejects_bad_counts(bad, match):
    with pytest.raises(ValueError, match=match):
        ltv.fit_sbg(bad)


def test_fit_sbg_rejects_gaps_and_wrong_fits():
    gap = pd.DataFrame({0: [10.0], 1: [np.nan], 2: [5.0]})
    with pytest.raises(ValueError, match="gap"):
        ltv.fit_sbg(gap)
    with pytest.raises(TypeError, match="SBGFit"):
        ltv.sbg_survival("fit", 3)
    fit = ltv.fit_sbg(REGULAR[:8])
    with pytest.raises(ValueError, match="discount_rate"):
        ltv.sbg_residual_value(fit, 1, 0, 0)
