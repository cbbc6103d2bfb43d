"""Contractual retention: the shifted-beta-geometric (sBG) model of Fader & Hardie (2007).

Sources:

* Fader, P. S. & Hardie, B. G. S. (2007), "How to project customer retention", *J. Interactive
  Marketing* 21(1), 76-90. Each customer has a constant churn probability theta per period;
  theta ~ Beta(alpha, beta) across customers. Then
  P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta) and
  S(t) = B(alpha, beta + t) / B(alpha, beta) for t = 1, 2, ...; the retention rate
  r_t = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1) *rises* with t although no
  customer's own churn changes: the heterogeneous base sorts itself.
  Their example data ("regular" and "high end" customers, 1,000 each, 7 years of calibration) give
  alpha = 0.704, beta = 1.182 (LL -1,680.3) and alpha = 0.668, beta = 3.806 (LL -1,611.2).
* Fader, P. S. & Hardie, B. G. S. (2010), "Customer-base valuation in a contractual setting: the
  perils of ignoring heterogeneity", *Marketing Science* 29(1), 85-93: the discounted expected
  residual lifetime (DERL) of a customer who is still active.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln

from marketing_kit._validate import check_dataframe, check_number


@dataclass(frozen=True)
class SBGFit:
    """Fitted sBG parameters: churn probability theta ~ Beta(alpha, beta)."""

    alpha: float
    beta: float
    log_likelihood: float
    n_customers: int

    @property
    def mean_churn(self) -> float:
        """Mean churn probability per period across customers, alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)


def _survivor_rows(counts: pd.DataFrame) -> list[np.ndarray]:
    """Validated survivor curves (cohort size first, observed periods only) from a counts table."""
    check_dataframe("counts", counts, [0])
    rows = []
    for cohort, row in counts.iterrows():
        values = row.to_numpy(dtype=float)
        seen = values[~np.isnan(values)]
        if np.isnan(values[: len(seen)]).any():
            raise ValueError(f"counts row {cohort!r} has a gap: unobserved cells must come last")
        if len(seen) == 0 or seen[0] <= 0:
            raise ValueError(f"counts row {cohort!r} needs a cohort size > 0 in column 0")
        if (seen < 0).any() or (seen != np.round(seen)).any():
            raise ValueError(f"counts row {cohort!r} must hold whole numbers >= 0")
        if (np.diff(seen) > 0).any():
            raise ValueError(f"counts row {cohort!r} increases: in a contractual setting the "
                             "number of active customers can only fall")
        rows.append(seen)
    return rows


def _sbg_ll(alpha: float, beta: float, rows: list[np.ndarray]) -> float:
    total = 0.0
    base = betaln(alpha, beta)
    for seen in rows:
        if len(seen) < 2:
            continue
        t = np.arange(1, len(seen))
        lost = -np.diff(seen)
        log_p = betaln(alpha + 1, beta + t - 1) - base
        log_s = betaln(alpha, beta + t[-1]) - base
        total += float(lost @ log_p + seen[-1] * log_s)
    return total


def fit_sbg(counts: pd.DataFrame | list[float], maxiter: int = 2000) -> SBGFit:
    """Maximum-likelihood sBG fit (Fader & Hardie 2007) to one or many cohorts' survivor counts.

    ``counts`` is a :func:`~marketing_kit.ltv.cohort_counts` table (rows = cohorts, column k =
    customers still active k periods after acquisition, NaN where not yet observed) or one
    survivor curve as a list, cohort size first, e.g. ``[1000, 631, 468, 382, 326, 289, 262,
    241]`` (the paper's "regular" customers: alpha 0.704, beta 1.182). Customers lost in period
    t contribute P(T = t), those still active at the last observed period S(t) (right-censored).
    """
    if isinstance(counts, (list, tuple, np.ndarray, pd.Series)):
        counts = pd.DataFrame([list(counts)], columns=range(len(counts)))
    rows = _survivor_rows(counts)
    maxiter = check_number("maxiter", maxiter, low=1, integer=True)
    if sum(len(seen) - 1 for seen in rows) == 0:
        raise ValueError("counts must observe at least one period after acquisition")

    def neg_ll(log_params: np.ndarray) -> float:
        return -_sbg_ll(*np.exp(log_params), rows)

    result = minimize(neg_ll, np.zeros(2), method="Nelder-Mead",
                      options={"maxiter": maxiter, "xatol": 1e-8, "fatol": 1e-8})
    if not result.success or not np.isfinite(result.fun):
        raise RuntimeError(f"sBG fit did not converge: {result.message}")
    alpha, beta = np.exp(result.x)
    return SBGFit(float(alpha), float(beta), float(-result.fun),
                  int(sum(seen[0] for seen in rows)))


def _check_fit(fit: object) -> SBGFit:
    if not isinstance(fit, SBGFit):
        raise TypeError(f"fit must be an SBGFit from fit_sbg, got {type(fit).__name__}")
    return fit


def sbg_survival(fit: SBGFit, periods: int) -> pd.Series:
    """Expected share of a new cohort still active after t = 0..``periods`` periods.

    S(t) = B(alpha, beta + t) / B(alpha, beta) (Fader & Hardie 2007, eq. 5).
    """
    fit = _check_fit(fit)
    periods = check_number("periods", periods, low=0, integer=True)
    t = np.arange(periods + 1)
    values = np.exp(betaln(fit.alpha, fit.beta + t) - betaln(fit.alpha, fit.beta))
    return pd.Series(values, index=pd.Index(t, name="period"), name="survival")


def sbg_retention_rates(fit: SBGFit, periods: int) -> pd.Series:
    """Period-by-period retention r_t = (beta + t - 1) / (alpha + beta + t - 1), t = 1..periods."""
    fit = _check_fit(fit)
    periods = check_number("periods", periods, low=1, integer=True)
    t = np.arange(1, periods + 1)
    values = (fit.beta + t - 1) / (fit.alpha + fit.beta + t - 1)
    return pd.Series(values, index=pd.Index(t, name="period"), name="retention")


def sbg_residual_value(fit: SBGFit, margin: float, discount_rate: float, renewals: int,
                       tolerance: float = 1e-10) -> float:
    """Expected discounted future margins of a customer active after ``renewals`` renewals.

    The customer has paid periods 0..``renewals``; each further period t they are still active
    pays ``margin`` one period later, discounted at ``discount_rate``:
    m x sum_{k>=1} S(n + k) / S(n) / (1 + d)^k with n = ``renewals``, the DERL of Fader &
    Hardie (2010) times the margin. The series is summed until terms fall below ``tolerance``.
    """
    fit = _check_fit(fit)
    margin = check_number("margin", margin, low=0)
    d = check_number("discount_rate", discount_rate, low=0, low_open=True)
    n = check_number("renewals", renewals, low=0, integer=True)
    total, ratio, k = 0.0, 1.0, 0
    while True:
        k += 1
        ratio *= (fit.beta + n + k - 1) / (fit.alpha + fit.beta + n + k - 1)  # S(n+k)/S(n)
        term = ratio / (1 + d) ** k
        total += term
        if term < tolerance or k > 100_000:
            break
    return float(margin * total)
