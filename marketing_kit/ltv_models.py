"""Buy-till-you-die models: BG/NBD for purchase counts and Gamma-Gamma for spend.

Sources:

* Fader, Hardie & Lee (2005), "'Counting your customers' the easy way: an alternative to the
  Pareto/NBD model", *Marketing Science* 24(2), 275-284 (BG/NBD likelihood, E[X(t)] and the
  conditional expectation E[Y(t) | x, t_x, T]); Fader, Hardie & Lee (2008), "Computing
  P(alive) using the BG/NBD model", brucehardie.com/notes/021; Fader & Hardie (2013),
  "Overcoming the BG/NBD model's #NUM! error problem", brucehardie.com/notes/027 (log-space
  form). CDNOW estimates: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
* Fader, Hardie & Lee (2005), "RFM and CLV: using iso-value curves for customer base analysis",
  *J. Marketing Research* 42(4), 415-430; Fader & Hardie (2013), "The Gamma-Gamma model of
  monetary value", brucehardie.com/notes/025. CDNOW estimates: p = 6.25, q = 3.74, gamma = 15.44.

The fits maximise the log-likelihood with :func:`scipy.optimize.minimize` over the *logs* of the
parameters, so every parameter stays positive without bounds.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1

from marketing_kit._validate import check_dataframe, check_number, check_numeric_column


class ConvergenceError(RuntimeError):
    """The maximum-likelihood optimiser stopped without converging."""


@dataclass(frozen=True)
class BGNBDFit:
    """Fitted BG/NBD parameters: transaction rate ~ Gamma(r, alpha), dropout p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n_customers: int

    def params(self) -> dict[str, float]:
        """The four model parameters by name."""
        return {k: v for k, v in asdict(self).items() if k in ("r", "alpha", "a", "b")}


@dataclass(frozen=True)
class GammaGammaFit:
    """Fitted Gamma-Gamma spend parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, gamma)."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n_customers: int

    @property
    def mean_spend(self) -> float:
        """Population mean spend per transaction, p gamma / (q - 1)."""
        return self.p * self.gamma / (self.q - 1)


def check_summary(summary: pd.DataFrame, name: str = "summary") -> pd.DataFrame:
    """Check a frequency/recency/T table (see :func:`marketing_kit.ltv.rfm_summary`).

    frequency: whole numbers >= 0; T > 0; 0 <= recency <= T; recency 0 where frequency is 0.
    """
    check_dataframe(name, summary, ("frequency", "recency", "T"))
    x = check_numeric_column(name, summary, "frequency", low=0, integer=True)
    t_x = check_numeric_column(name, summary, "recency", low=0)
    big_t = check_numeric_column(name, summary, "T", low=0)
    if (big_t <= 0).any():
        raise ValueError(f"{name}['T'] must be > 0 (time observed since the first purchase)")
    if (t_x > big_t + 1e-9).any():
        raise ValueError(f"{name}['recency'] must be <= {name}['T'] for every customer")
    if ((x == 0) & (t_x > 0)).any():
        raise ValueError(f"{name}['recency'] must be 0 where {name}['frequency'] is 0")
    return summary


def _customers(frequency: object, recency: object, T: object) -> tuple[np.ndarray, ...]:
    """Validated float arrays x, t_x, T from scalars or sequences of equal length."""
    columns = {"frequency": frequency, "recency": recency, "T": T}
    arrays = {name: np.atleast_1d(np.asarray(value)) for name, value in columns.items()}
    if len({array.shape for array in arrays.values()}) > 1:
        raise ValueError("frequency, recency and T must be scalars or sequences of equal length")
    frame = pd.DataFrame(arrays)
    check_summary(frame, "customer")
    return tuple(frame[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))


def _positive(**params: object) -> None:
    """Model parameters must be finite numbers > 0."""
    for name, value in params.items():
        check_number(name, value, low=0, low_open=True)


def _out(values: np.ndarray, like: object) -> float | np.ndarray:
    return float(values[0]) if np.ndim(like) == 0 else values


# --- BG/NBD -------------------------------------------------------------------------------------


def bgnbd_log_likelihood(r: float, alpha: float, a: float, b: float, frequency: np.ndarray,
                         recency: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005).

    L = B(a, b+x)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) * G(r+x) alpha^r / (G(r) (alpha+t_x)^(r+x))
    """
    _positive(r=r, alpha=alpha, a=a, b=b)
    return _bgnbd_ll(r, alpha, a, b, *_customers(frequency, recency, T))


def _bgnbd_ll(r: float, alpha: float, a: float, b: float, x: np.ndarray, t_x: np.ndarray,
              big_t: np.ndarray) -> np.ndarray:
    """:func:`bgnbd_log_likelihood` without the checks (the optimiser's inner loop)."""
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    alive = betaln(a, b + x) - (r + x) * np.log(alpha + big_t)
    dropped = np.full_like(x, -np.inf)
    repeat = x > 0
    dropped[repeat] = (betaln(a + 1, b + x[repeat] - 1)
                       - (r + x[repeat]) * np.log(alpha + t_x[repeat]))
    return common + np.logaddexp(alive, dropped)


def _fit(neg_ll, start: list[float], maxiter: int, what: str) -> np.ndarray:
    result = minimize(neg_ll, np.log(start), method="Nelder-Mead",
                      options={"maxiter": maxiter, "xatol": 1e-7, "fatol": 1e-7})
    if not result.success or not np.isfinite(result.fun):
        raise ConvergenceError(f"{what} fit did not converge after {result.nit} iterations: "
                               f"{result.message} (try a larger maxiter or check the summary)")
    return np.exp(result.x)


def fit_bgnbd(summary: pd.DataFrame, maxiter: int = 4000) -> BGNBDFit:
    """Maximum-likelihood BG/NBD fit to a frequency/recency/T table.

    Returns r, alpha, a, b and the total log-likelihood. On CDNOW (weeks, calibration to
    1997-09-30) it reproduces Fader, Hardie & Lee (2005): r 0.243, alpha 4.414, a 0.793,
    b 2.426, LL -9582.4. Raises :class:`ConvergenceError` if the optimiser does not converge.
    """
    check_summary(summary)
    maxiter = check_number("maxiter", maxiter, low=1, integer=True)
    x, t_x, big_t = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))

    def neg_ll(log_params: np.ndarray) -> float:
        return -_bgnbd_ll(*np.exp(log_params), x, t_x, big_t).sum()

    r, alpha, a, b = _fit(neg_ll, [1.0, float(big_t.mean()) / 10, 1.0, 3.0], maxiter, "BG/NBD")
    ll = float(_bgnbd_ll(r, alpha, a, b, x, t_x, big_t).sum())
    return BGNBDFit(float(r), float(alpha), float(a), float(b), ll, len(x))


def _check_bgnbd(fit: object) -> BGNBDFit:
    if not isinstance(fit, BGNBDFit):
        raise TypeError(f"fit must be a BGNBDFit from fit_bgnbd, got {type(fit).__name__}")
    if fit.a == 1:
        raise ValueError("the BG/NBD expectation is undefined at a = 1 exactly")
    return fit


def expected_repeat_purchases(fit: BGNBDFit, t: float | np.ndarray) -> float | np.ndarray:
    """Expected repeat purchases of a new customer in (0, t] (Fader, Hardie & Lee 2005).

    E[X(t)] = (a+b-1)/(a-1) [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))].
    """
    fit = _check_bgnbd(fit)
    times = np.atleast_1d(np.asarray(t, dtype=float))
    if not np.all(np.isfinite(times)) or (times < 0).any():
        raise ValueError("t must be finite and >= 0 (time since the first purchase)")
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    z = times / (alpha + times)
    survive = (alpha / (alpha + times)) ** r * hyp2f1(r, b, a + b - 1, z)
    values = (a + b - 1) / (a - 1) * (1 - survive)
    return _out(values, t)


def expected_purchases(fit: BGNBDFit, t: float, frequency: object, recency: object,
                       T: object) -> float | np.ndarray:
    """Expected purchases in the next ``t`` periods of a customer with history (x, t_x, T).

    Fader, Hardie & Lee (2005):
    E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1)
        x [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
        / [1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)].
    Scalars give a float, sequences an array.
    """
    fit = _check_bgnbd(fit)
    t = check_number("t", t, low=0)
    x, t_x, big_t = _customers(frequency, recency, T)
    r, alpha, a, b = fit.r, fit.alpha, fit.a, fit.b
    z = t / (alpha + big_t + t)
    head = (a + b + x - 1) / (a - 1)
    bracket = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(r + x, b + x,
                                                                             a + b + x - 1, z)
    return _out(head * bracket * p_alive(fit, x, t_x, big_t), frequency)


def p_alive(fit: BGNBDFit, frequency: object, recency: object, T: object) -> float | np.ndarray:
    """Probability a customer with history (x, t_x, T) is still active (FHL 2008, note 021).

    P(alive) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)); customers with no
    repeat purchase have P(alive) = 1 in the BG/NBD (they can only drop out after a purchase).
    It is Bayes' rule on the two terms of the likelihood (:func:`bgnbd_log_likelihood`).
    """
    fit = _check_bgnbd(fit)
    x, t_x, big_t = _customers(frequency, recency, T)
    odds = np.zeros_like(x)
    repeat = x > 0
    xr, ratio = x[repeat], (fit.alpha + big_t[repeat]) / (fit.alpha + t_x[repeat])
    odds[repeat] = fit.a / (fit.b + xr - 1) * ratio ** (fit.r + xr)
    return _out(1 / (1 + odds), frequency)


# --- Gamma-Gamma --------------------------------------------------------------------------------


def gamma_gamma_log_likelihood(p: float, q: float, gamma: float, frequency: np.ndarray,
                               monetary_value: np.ndarray) -> np.ndarray:
    """Per-customer Gamma-Gamma log-likelihood of mean spend z-bar over x transactions.

    Fader & Hardie (2013, note 025): f(zbar | p, q, gamma, x) =
    G(px+q) / (G(px) G(q)) gamma^q zbar^(px-1) x^(px) / (gamma + x zbar)^(px+q).
    """
    _positive(p=p, q=q, gamma=gamma)
    frame = pd.DataFrame({"frequency": np.atleast_1d(frequency),
                          "monetary_value": np.atleast_1d(monetary_value)})
    x = check_numeric_column("customer", frame, "frequency", low=1, integer=True).to_numpy()
    z = check_numeric_column("customer", frame, "monetary_value", low=0).to_numpy()
    if (z <= 0).any():
        raise ValueError("customer['monetary_value'] must be > 0 (mean spend of repeat purchases)")
    return _gamma_gamma_ll(p, q, gamma, x, z)


def _gamma_gamma_ll(p: float, q: float, gamma: float, x: np.ndarray,
                    z: np.ndarray) -> np.ndarray:
    """:func:`gamma_gamma_log_likelihood` without the checks (the optimiser's inner loop)."""
    return (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(gamma)
            + (p * x - 1) * np.log(z) + p * x * np.log(x) - (p * x + q) * np.log(gamma + x * z))


def _spend_rows(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    check_dataframe("summary", summary, ("frequency", "monetary_value"))
    x = check_numeric_column("summary", summary, "frequency", low=0, integer=True)
    z = check_numeric_column("summary", summary, "monetary_value", low=0)
    repeat = x > 0
    if repeat.sum() < 2:
        raise ValueError("summary needs at least 2 customers with frequency > 0 to fit spend")
    if (z[repeat] <= 0).any():
        raise ValueError("summary['monetary_value'] must be > 0 where frequency > 0")
    return x[repeat].to_numpy(), z[repeat].to_numpy()


def fit_gamma_gamma(summary: pd.DataFrame, maxiter: int = 4000) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma fit on the customers with repeat purchases.

    ``summary`` needs ``frequency`` and ``monetary_value`` (mean repeat spend). On CDNOW's 946
    repeat buyers it reproduces p 6.25, q 3.74, gamma 15.44 (Fader, Hardie & Lee 2005, JMR).
    The model assumes spend is independent of frequency: check their correlation first.
    """
    maxiter = check_number("maxiter", maxiter, low=1, integer=True)
    x, z = _spend_rows(summary)

    def neg_ll(log_params: np.ndarray) -> float:
        return -_gamma_gamma_ll(*np.exp(log_params), x, z).sum()

    p, q, gamma = _fit(neg_ll, [1.0, 1.0, float(np.mean(z))], maxiter, "Gamma-Gamma")
    ll = float(_gamma_gamma_ll(p, q, gamma, x, z).sum())
    if q <= 1:
        raise ValueError(f"fitted q = {q:.3f} <= 1: mean spend is undefined for these data")
    return GammaGammaFit(float(p), float(q), float(gamma), ll, len(x))


def expected_spend(fit: GammaGammaFit, frequency: object, monetary_value: object
                   ) -> float | np.ndarray:
    """Expected spend per transaction given x repeat purchases with mean z-bar (note 025).

    E[Z | x, zbar] = (q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * zbar: a weighted average of
    the population mean and the customer's own mean, trusting the latter more as x grows.
    """
    if not isinstance(fit, GammaGammaFit):
        raise TypeError("fit must be a GammaGammaFit from fit_gamma_gamma, "
                        f"got {type(fit).__name__}")
    frame = pd.DataFrame({"frequency": np.atleast_1d(frequency),
                          "monetary_value": np.atleast_1d(monetary_value)})
    x = check_numeric_column("customer", frame, "frequency", low=0, integer=True).to_numpy()
    z = check_numeric_column("customer", frame, "monetary_value", low=0).to_numpy()
    p, q = fit.p, fit.q
    weight = p * x / (p * x + q - 1)
    return _out((1 - weight) * fit.mean_spend + weight * z, frequency)


# --- CLV ----------------------------------------------------------------------------------------


def predicted_clv(bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit, summary: pd.DataFrame,
                  horizon: float = 52.0, steps: int = 12, discount_rate: float = 0.01,
                  margin: float = 1.0) -> pd.Series:
    """Discounted CLV of each customer over ``horizon`` time units (BG/NBD x Gamma-Gamma).

    The horizon is cut into ``steps`` equal periods; period k's expected purchases,
    E[Y(t_k)] - E[Y(t_{k-1})] (:func:`expected_purchases`), times expected spend (Gamma-Gamma)
    times ``margin``
    (profit share of revenue, 0-1), is discounted by (1 + ``discount_rate``)^k
    (Fader, Hardie & Lee 2005, JMR, who discount continuously; this is the discrete form).
    """
    check_summary(summary)
    horizon = check_number("horizon", horizon, low=0, low_open=True)
    steps = check_number("steps", steps, low=1, integer=True)
    rate = check_number("discount_rate", discount_rate, low=-1, low_open=True)
    margin = check_number("margin", margin, low=0, high=1)
    x, t_x, big_t = (summary[c] for c in ("frequency", "recency", "T"))
    spend = expected_spend(gamma_gamma, x.to_numpy(), check_numeric_column(
        "summary", summary, "monetary_value", low=0).to_numpy())
    ends = horizon * np.arange(steps + 1) / steps
    cumulative = np.column_stack([expected_purchases(bgnbd, t, x, t_x, big_t) for t in ends])
    per_period = np.diff(cumulative, axis=1)
    discount = (1 + rate) ** -np.arange(1, steps + 1)
    clv = margin * spend * (per_period @ discount)
    return pd.Series(clv, index=summary.index, name="clv")
