"""Product life cycle (PLC) stages and the Bass (1969) diffusion model.

Sources:

* Seed ``003_acc37c7ae0022513.txt``: the PLC is the cycle from a product's birth to its decline
  in the market, in four stages: introduction, growth, maturity, decline
  (도입기, 성장기, 성숙기, 쇠퇴기).
* Bass, F. M. (1969). A new product growth for model consumer durables. *Management Science*
  15(5), 215-227: hazard p + q F(t); the discrete-time regression
  S(t) = a + b Y(t-1) + c Y(t-1)^2 with a = p m, b = q - p, c = -q / m; peak time
  t* = ln(q/p) / (p + q).
* Srinivasan, V. & Mason, C. H. (1986). Nonlinear least squares estimation of new product
  diffusion models. *Marketing Science* 5(2), 169-178: fit per-period sales with
  m [F(t) - F(t-1)] by non-linear least squares.
* Polli, R. & Cook, V. (1969). Validity of the product life cycle. *Journal of Business* 42(4),
  385-400: a stage from the period-to-period change in sales against a band of +/- 0.5 standard
  deviations (growth above, decline below, maturity inside). :func:`classify_stages` adapts it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from marketing_kit._validate import check_choice, check_count, check_number

STAGES: tuple[str, ...] = ("introduction", "growth", "maturity", "decline")
STAGES_KO: dict[str, str] = {
    "introduction": "도입기", "growth": "성장기", "maturity": "성숙기", "decline": "쇠퇴기",
}
FORMS = ("discrete", "continuous")
METHODS = ("nls", "ols")
MIN_POINTS = 4  # three parameters need at least one residual degree of freedom


def _check_pq(p: object, q: object) -> tuple[float, float]:
    p = check_number("p", p, low=0, low_open=True, high=1)
    q = check_number("q", q, low=0, low_open=True, high=5)
    return p, q


def _check_pqm(p: object, q: object, m: object) -> tuple[float, float, float]:
    p, q = _check_pq(p, q)
    return p, q, check_number("m", m, low=0, low_open=True)


def check_sales(sales: object, name: str = "sales", min_points: int = MIN_POINTS) -> np.ndarray:
    """Return a sales series as a float array after checking it is 1-D, finite and non-negative."""
    if isinstance(sales, pd.DataFrame):
        raise TypeError(f"{name} must be one series of numbers, not a DataFrame; pick a column")
    if isinstance(sales, (str, bytes)) or not hasattr(sales, "__len__"):
        raise TypeError(f"{name} must be a list, array or Series of numbers, "
                        f"got {type(sales).__name__}")
    try:
        values = np.asarray(sales, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must hold numbers only") from exc
    if values.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {values.shape}")
    if len(values) < min_points:
        raise ValueError(f"{name} needs at least {min_points} periods, got {len(values)}")
    if not np.isfinite(values).all():
        raise ValueError(f"{name} must be finite (no NaN or inf); bad positions: "
                         f"{list(np.flatnonzero(~np.isfinite(values))[:5])}")
    if (values < 0).any():
        raise ValueError(f"{name} must be non-negative; got minimum {values.min()}")
    if values.sum() <= 0:
        raise ValueError(f"{name} must have some positive sales")
    return values


# --------------------------------------------------------------------------------------------
# The Bass model
# --------------------------------------------------------------------------------------------

def bass_cdf(t: object, p: float, q: float) -> np.ndarray:
    """Share of the market that has adopted by time t (Bass 1969, closed form).

    F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}),  F(0) = 0.
    ``t`` (a number or an array) must be finite and >= 0.
    """
    p, q = _check_pq(p, q)
    if isinstance(t, (str, bytes, bool)) or np.asarray(t).dtype.kind not in "iuf":
        raise TypeError(f"t must be a number or an array of numbers, got {t!r}")
    times = np.asarray(t, dtype=float)
    if not np.isfinite(times).all() or (times < 0).any():
        raise ValueError(f"t must be finite and >= 0 (time since launch), got {t!r}")
    t = times
    decay = np.exp(-(p + q) * t)
    return (1 - decay) / (1 + (q / p) * decay)


def bass_adoptions(p: float, q: float, m: float, periods: int,
                   form: str = "continuous") -> np.ndarray:
    """New adopters in periods 1..``periods``.

    ``form="continuous"``: n(t) = m [F(t) - F(t-1)] with the closed-form F
    (Srinivasan & Mason 1986).
    ``form="discrete"``: Bass's difference equation n(t) = (p + q N(t-1)/m)(m - N(t-1)), N(0) = 0
    (Bass 1969). The two agree closely when p + q is small and drift apart when it is large.
    """
    p, q, m = _check_pqm(p, q, m)
    periods = check_number("periods", periods, low=1, integer=True)
    form = check_choice("form", form, FORMS)
    if form == "continuous":
        return m * np.diff(bass_cdf(np.arange(periods + 1), p, q))
    adopters = np.empty(periods)
    cumulative = 0.0
    for index in range(periods):
        adopters[index] = (p + q * cumulative / m) * (m - cumulative)
        cumulative += adopters[index]
    return adopters


def bass_cumulative(p: float, q: float, m: float, periods: int,
                    form: str = "continuous") -> np.ndarray:
    """Cumulative adopters N(t) = n(1) + ... + n(t) for t = 1..``periods``."""
    return np.cumsum(bass_adoptions(p, q, m, periods, form))


def bass_peak_time(p: float, q: float) -> float:
    """Time of peak adoption t* = ln(q/p) / (p + q) (Bass 1969).

    With q <= p (innovators dominate) adoption is highest at launch, so t* = 0.
    """
    p, q = _check_pq(p, q)
    return math.log(q / p) / (p + q) if q > p else 0.0


def bass_peak_adoptions(p: float, q: float, m: float) -> float:
    """Adoption rate at the peak, n(t*) = m (p + q)^2 / (4q) (Bass 1969); m p if q <= p.

    This is the instantaneous rate per period at t*; a period's count straddling t* is close to it.
    """
    p, q, m = _check_pqm(p, q, m)
    return m * (p + q) ** 2 / (4 * q) if q > p else m * p


def bass_ols_to_pqm(a: float, b: float, c: float) -> tuple[float, float, float]:
    """Turn Bass's regression coefficients into (p, q, m).

    S(t) = a + b Y(t-1) + c Y(t-1)^2 with a = p m, b = q - p, c = -q/m, so m is the positive root
    of c m^2 + b m + a = 0, p = a / m and q = -c m (Bass 1969).
    """
    a, b, c = (check_number(name, value) for name, value in (("a", a), ("b", b), ("c", c)))
    if c >= 0:
        raise ValueError(f"c must be negative for a Bass curve (c = -q/m), got {c:.4g}")
    discriminant = b * b - 4 * a * c
    if discriminant < 0:
        raise ValueError("the regression has no real market size m (b^2 - 4ac < 0)")
    m = (-b - math.sqrt(discriminant)) / (2 * c)
    if m <= 0:
        raise ValueError(f"the regression implies a non-positive market size m = {m:.4g}")
    return a / m, -c * m, m


@dataclass(frozen=True)
class BassFit:
    """A fitted Bass model: parameters, method, fit statistics and the fitted per-period sales."""

    p: float
    q: float
    m: float
    method: str
    sse: float
    rmse: float
    r2: float
    n: int
    fitted: np.ndarray = field(repr=False)
    coefficients: tuple[float, float, float] | None = field(default=None, repr=False)

    @property
    def form(self) -> str:
        """The adoption formula the fit used: continuous for NLS, discrete for OLS."""
        return "continuous" if self.method == "nls" else "discrete"

    @property
    def q_over_p(self) -> float:
        """Imitation relative to innovation: large values mean word of mouth drives adoption."""
        return self.q / self.p

    @property
    def peak_time(self) -> float:
        """t* in periods after launch (period t covers (t-1, t])."""
        return bass_peak_time(self.p, self.q)

    def as_dict(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "m": self.m, "sse": self.sse, "rmse": self.rmse,
                "r2": self.r2, "n": self.n}


def _statistics(sales: np.ndarray, fitted: np.ndarray) -> tuple[float, float, float]:
    residuals = sales - fitted
    sse = float(residuals @ residuals)
    total = float(((sales - sales.mean()) ** 2).sum())
    r2 = 1 - sse / total if total > 0 else float("nan")
    if not math.isfinite(r2):
        raise ValueError("sales are constant: R^2 and the Bass fit are undefined")
    return sse, math.sqrt(sse / len(sales)), r2


def fit_bass(sales: object, method: str = "nls") -> BassFit:
    """Fit p, q and m to per-period adoptions ``sales`` (period 1 = first period on sale).

    ``method="nls"``: non-linear least squares of sales(t) on m [F(t) - F(t-1)] (Srinivasan &
    Mason 1986) with :func:`scipy.optimize.least_squares`, p in (0, 1], q in (0, 5],
    m >= total sales so far, started from several (p, q) guesses; the best converged fit wins.
    ``method="ols"``: Bass's (1969) regression S(t) = a + b Y(t-1) + c Y(t-1)^2 by
    :func:`numpy.linalg.lstsq`, turned into p, q, m by :func:`bass_ols_to_pqm`.
    A fit that fails or gives an implausible curve raises ``ValueError``.
    """
    values = check_sales(sales)
    method = check_choice("method", method, METHODS)
    if np.ptp(values) == 0:
        raise ValueError("sales are constant: a Bass curve (rise, peak, fall) cannot be fitted")
    if method == "ols":
        return _fit_ols(values)
    return _fit_nls(values)


def _fit_ols(sales: np.ndarray) -> BassFit:
    previous = np.concatenate([[0.0], np.cumsum(sales)[:-1]])
    design = np.column_stack([np.ones_like(previous), previous, previous ** 2])
    (a, b, c), *_ = np.linalg.lstsq(design, sales, rcond=None)
    try:
        p, q, m = bass_ols_to_pqm(a, b, c)
    except ValueError as error:
        raise ValueError(f"the OLS fit failed ({error}); the series may not have turned yet - "
                         "try method='nls' or wait for more periods") from error
    total = float(sales.sum())
    if not (1e-6 <= p <= 1 and 0 < q <= 5 and 0.999 * total <= m <= 1e3 * total):
        raise ValueError(f"the OLS fit gives an implausible curve (p = {p:.3g}, q = {q:.3g}, "
                         f"m = {m:.4g} against {total:.4g} sold so far): the series does not pin "
                         "down a Bass curve yet (no turning point?)")
    fitted = design @ np.array([a, b, c])
    sse, rmse, r2 = _statistics(sales, fitted)
    coefficients = (float(a), float(b), float(c))
    return BassFit(p, q, m, "ols", sse, rmse, r2, len(sales), fitted, coefficients)


def _fit_nls(sales: np.ndarray) -> BassFit:
    total = float(sales.sum())
    scale = max(float(sales.max()), 1e-12)
    periods = len(sales)

    def residuals(theta: np.ndarray) -> np.ndarray:
        p, q, m = theta
        decay = np.exp(-(p + q) * np.arange(periods + 1))
        curve = m * np.diff((1 - decay) / (1 + (q / p) * decay))
        return (curve - sales) / scale

    lower, upper = [1e-6, 1e-6, total], [1.0, 5.0, 1e3 * total]
    best = None
    for p0 in (0.003, 0.01, 0.03):
        for q0 in (0.1, 0.4, 0.8):
            for m_factor in (1.5, 3.0):
                start = [p0, q0, min(max(m_factor * total, lower[2] * 1.0001), upper[2])]
                result = least_squares(residuals, start, bounds=(lower, upper), method="trf",
                                       x_scale=[0.01, 0.1, total], max_nfev=200)
                if result.success and (best is None or result.cost < best.cost):
                    best = result
    if best is None:
        raise ValueError("the NLS Bass fit did not converge for these sales")
    p, q, m = (float(v) for v in best.x)
    if m >= 0.999 * upper[2] or p >= 0.999 * upper[0] or q >= 0.999 * upper[1]:
        raise ValueError(f"the NLS fit ran into a bound (p = {p:.3g}, q = {q:.3g}, m = {m:.4g}): "
                         "the series does not pin down a Bass curve yet (no turning point?)")
    fitted = bass_adoptions(p, q, m, periods, "continuous")
    sse, rmse, r2 = _statistics(sales, fitted)
    return BassFit(p, q, m, "nls", sse, rmse, r2, periods, fitted)


def bass_forecast(fit: BassFit, periods: int) -> pd.DataFrame:
    """Per-period and cumulative adoptions of a fitted model for periods 1..``periods``.

    Uses the same formula as the fit (continuous for NLS, discrete for OLS); ``periods`` may run
    past the data, which is the forecast.
    """
    if not isinstance(fit, BassFit):
        raise TypeError(f"fit must be a BassFit from fit_bass, got {type(fit).__name__}")
    periods = check_count("periods", periods)
    if periods < 1:
        raise ValueError("periods must be at least 1")
    adoptions = bass_adoptions(fit.p, fit.q, fit.m, periods, fit.form)
    return pd.DataFrame({"period": np.arange(1, periods + 1), "adoptions": adoptions,
                         "cumulative": np.cumsum(adoptions)})


# --------------------------------------------------------------------------------------------
# PLC stages
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StageResult:
    """A stage per period (``stages``), where each stage starts and ends (``boundaries``),
    and the working columns (``table``: sales, smoothed, change (a fraction), stage)."""

    stages: pd.Series
    boundaries: dict[str, tuple[int, int]]
    table: pd.DataFrame


def classify_stages(sales: object, window: int = 3, band: float = 0.5,
                    intro_share: float = 0.1) -> StageResult:
    """Label every period introduction, growth, maturity or decline.

    The rule, in four steps:

    1. Smooth sales with a centred moving average of ``window`` periods (use 12 for monthly data
       with seasonality) so noise and seasons do not flip the stage.
    2. Take the period-to-period percentage change of the smoothed series.
    3. Polli & Cook (1969): a change above +``band`` standard deviations of the changes (after
       introduction) is growth, below -``band`` is decline, inside the band is maturity.
    4. Periods before the smoothed series first reaches ``intro_share`` of its peak are
       introduction (sales are still tiny: the Polli-Cook band cannot tell a slow start from
       maturity). Growth then runs to the last growth-labelled period before the smoothed peak (a
       dip that recovers is not maturity); decline starts at the first decline-labelled period
       after the peak and lasts (sales levelling off low is still decline); maturity is between.
       So the stages always come in PLC order, each at most once.

    The band is relative to the series' own changes: explosive early growth widens it, so a
    short, steep series may need a smaller ``band`` to show a decline.
    ``boundaries`` maps each stage that occurs to its first and last position (0-based).
    """
    values = check_sales(sales)
    window = check_number("window", window, low=1, high=len(values), integer=True)
    band = check_number("band", band, low=0, low_open=True, high=3)
    intro_share = check_number("intro_share", intro_share, low=0, high=1, high_open=True)
    index = sales.index if isinstance(sales, pd.Series) else pd.RangeIndex(len(values))

    smoothed = pd.Series(values).rolling(window, center=True, min_periods=1).mean().to_numpy()
    peak = smoothed.max()
    reached = int(np.flatnonzero(smoothed >= intro_share * peak)[0])
    before = np.concatenate([[smoothed[0]], smoothed[:-1]])
    # A change from (next to) nothing is undefined: 0, not inf (1e-9 of the peak counts as nothing).
    change = np.divide(smoothed - before, before, out=np.zeros_like(smoothed),
                       where=before > 1e-9 * peak)
    change[0] = change[1]
    spread = change[reached:].std()
    threshold = band * spread
    raw = np.where(change > threshold, 1, np.where(change < -threshold, 3, 2))
    top = int(np.argmax(smoothed))
    code = np.full(len(values), 2)
    code[:reached] = 0
    rising = reached + np.flatnonzero(raw[reached:top + 1] == 1)
    if rising.size:
        code[reached:rising[-1] + 1] = 1
    falling = top + np.flatnonzero(raw[top:] == 3)
    if falling.size:
        code[falling[0]:] = 3
    labels = np.array(STAGES, dtype=object)[code]
    stages = pd.Series(labels, index=index, name="stage")
    boundaries = {
        stage: (int(np.flatnonzero(code == k)[0]), int(np.flatnonzero(code == k)[-1]))
        for k, stage in enumerate(STAGES) if (code == k).any()
    }
    table = pd.DataFrame({"sales": values, "smoothed": smoothed, "change": change,
                          "stage": labels}, index=index)
    return StageResult(stages, boundaries, table)
