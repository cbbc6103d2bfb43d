"""Customer-experience scores: NPS with its standard error, CSAT, CES and driver analysis.

Sources
- Net Promoter Score: Reichheld, F. F. (2003), "The One Number You Need to Grow", *Harvard Business
  Review* 81(12): likelihood to recommend on 0-10; promoters 9-10, passives 7-8, detractors 0-6;
  NPS = % promoters - % detractors. Seed ``003_acc37c7ae0022513.txt`` (course summary, week 15)
  frames it the same way and adds that it suits employees too and is best asked along the journey.
- Standard error and intervals: Rocks, B. (2016), "Interval Estimation for the 'Net Promoter
  Score'", *The American Statistician* 70(4), 365-372. Coding promoters +1, passives 0,
  detractors -1, NPS/100 is the mean of a trinomial variable with variance
  ``p_P + p_D - (p_P - p_D)**2``; the Wald interval is ``NPS +- z * 100 * sqrt(var / n)``. The
  adjusted-Wald variant adds 3/4 promoter, 3/2 passive and 3/4 detractor pseudo-observations
  (n + 3), which Rocks found to have the best coverage.
- CSAT: the top-2-box share (4-5 on a 1-5 satisfaction scale).
- CES: effort as a loyalty driver, Dixon, Freeman & Toman (2010), "Stop Trying to Delight Your
  Customers", *Harvard Business Review* 88(7/8); the 1-7 agreement version CES 2.0 ("the company
  made it easy for me to handle my issue", higher = easier), Dixon, Toman & DeLisi (2013),
  *The Effortless Experience*. The 0-100 index rescales the mean as the ACSI does (Fornell et al.
  1996, *Journal of Marketing* 60(4)): ``(mean - 1) / (scale - 1) * 100``.

Missing answers: every function here **rejects** NaN with a ``ValueError``. Drop unanswered
questions yourself first (``scores.dropna()``), so the sample size you report is the one used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from marketing_kit._validate import (
    check_choice,
    check_dataframe,
    check_number,
    check_numeric_column,
    check_rate,
)

CATEGORIES: tuple[str, ...] = ("detractor", "passive", "promoter")
PROMOTER_MIN = 9  #: 9 and 10 are promoters (Reichheld 2003)
PASSIVE_MIN = 7  #: 7 and 8 are passives; 0-6 are detractors
METHODS: tuple[str, ...] = ("wald", "adjusted-wald")


class NpsInterval(NamedTuple):
    """An NPS estimate in points (-100..100) with its standard error and confidence interval."""

    nps: float
    se: float
    lower: float
    upper: float
    n: int
    confidence: float


class NpsComparison(NamedTuple):
    """NPS of group a minus NPS of group b, in points, with a two-sided z-test."""

    difference: float
    se: float
    lower: float
    upper: float
    z: float
    p_value: float
    nps_a: float
    nps_b: float


class CesScore(NamedTuple):
    """Customer Effort Score as a mean on the 1..scale rating and as a 0-100 index."""

    mean: float
    index: float
    n: int


def check_scores(name: str, scores: object, low: int, high: int) -> np.ndarray:
    """Return ``scores`` as an integer array after checking every value is a whole number in
    ``[low, high]``. Empty input, NaN, text and booleans raise (NaN is rejected, not dropped)."""
    if isinstance(scores, (str, bytes, dict)) or np.ndim(scores) == 0:
        raise TypeError(f"{name} must be a list, array or Series of ratings, got "
                        f"{type(scores).__name__} {scores!r}")
    if np.ndim(scores) != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {np.shape(scores)}")
    series = scores if isinstance(scores, pd.Series) else pd.Series(list(scores), dtype=object)
    if any(isinstance(v, (str, bytes)) for v in series):
        raise TypeError(f"{name} must hold numbers {low}..{high}, not text")
    if series.dtype == bool or any(isinstance(v, (bool, np.bool_)) for v in series):
        raise TypeError(f"{name} must hold numbers {low}..{high}, not True/False")
    try:
        values = pd.to_numeric(series, errors="raise")
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must hold numbers {low}..{high}; found a non-number") from error
    array = values.astype(float).to_numpy()
    if array.size == 0:
        raise ValueError(f"{name} must hold at least one rating, got none")
    if np.isnan(array).any():
        missing = int(np.isnan(array).sum())
        raise ValueError(f"{name} has {missing} missing value(s): missing answers are rejected, "
                         f"drop them first (e.g. scores.dropna())")
    if not np.isfinite(array).all() or (array < low).any() or (array > high).any():
        bad = array[~np.isfinite(array) | (array < low) | (array > high)]
        raise ValueError(f"{name} must be in [{low}, {high}]; got {bad[0]:g}")
    if (np.mod(array, 1) != 0).any():
        bad = array[np.mod(array, 1) != 0]
        raise ValueError(f"{name} must hold whole numbers {low}..{high}; got {bad[0]:g}")
    return array.astype(int)


def classify(scores: object) -> list[str]:
    """Reichheld's category of each 0-10 likelihood-to-recommend score, in input order.

    >>> classify([10, 8, 3])
    ['promoter', 'passive', 'detractor']
    """
    values = check_scores("scores", scores, 0, 10)
    index = (values >= PASSIVE_MIN).astype(int) + (values >= PROMOTER_MIN).astype(int)
    return [CATEGORIES[i] for i in index]


def category_shares(scores: object) -> pd.Series:
    """Share of detractors, passives and promoters (each in [0, 1], summing to 1)."""
    counts = pd.Series(classify(scores)).value_counts()
    return (counts.reindex(list(CATEGORIES), fill_value=0) / counts.sum()).rename("share")


def nps(scores: object) -> float:
    """Net Promoter Score in points: 100 x (share of 9-10 - share of 0-6) (Reichheld 2003).

    >>> nps([10, 9, 8, 7, 3])
    20.0
    """
    shares = category_shares(scores)
    return float(100 * (shares["promoter"] - shares["detractor"]))


def nps_se(promoter_share: float, detractor_share: float, n: int) -> float:
    """Standard error of NPS in points from the trinomial variance (Rocks 2016):
    ``100 * sqrt((p_P + p_D - (p_P - p_D)**2) / n)``."""
    p_p, p_d = _shares(promoter_share, detractor_share)
    n = check_number("n", n, low=1, integer=True)
    return 100 * math.sqrt(max(p_p + p_d - (p_p - p_d) ** 2, 0.0) / n)


def interval_from_shares(promoter_share: float, detractor_share: float, n: int,
                         confidence: float = 0.95, method: str = "wald") -> NpsInterval:
    """NPS, SE and confidence interval from category shares and the sample size.

    ``method="wald"``: NPS +- z x SE with z = ``scipy.stats.norm.ppf((1 + confidence) / 2)``.
    ``method="adjusted-wald"``: Rocks' (2016) variant, the same formula after adding 3/4
    promoter, 3/2 passive and 3/4 detractor (n + 3); it does not collapse to zero width when
    every answer is in one category. ``nps`` and ``se`` are always the unadjusted estimates;
    bounds are clipped to [-100, 100].
    """
    p_p, p_d = _shares(promoter_share, detractor_share)
    n = check_number("n", n, low=1, integer=True)
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True,
                              high_open=True)
    check_choice("method", method, METHODS)
    z = stats.norm.ppf((1 + confidence) / 2)
    centre, se = 100 * (p_p - p_d), nps_se(p_p, p_d, n)
    if method == "adjusted-wald":
        a_p, a_d, a_n = (p_p * n + 0.75) / (n + 3), (p_d * n + 0.75) / (n + 3), n + 3
        centre_adj, se_adj = 100 * (a_p - a_d), nps_se(a_p, a_d, a_n)
    else:
        centre_adj, se_adj = centre, se
    lower = max(-100.0, centre_adj - z * se_adj)
    upper = min(100.0, centre_adj + z * se_adj)
    return NpsInterval(float(centre), float(se), float(lower), float(upper), int(n), confidence)


def nps_interval(scores: object, confidence: float = 0.95, method: str = "wald") -> NpsInterval:
    """NPS of 0-10 scores with its standard error and confidence interval (Rocks 2016).

    Returns :class:`NpsInterval` ``(nps, se, lower, upper, n, confidence)``, all in points.
    """
    shares = category_shares(scores)
    n = len(check_scores("scores", scores, 0, 10))
    return interval_from_shares(shares["promoter"], shares["detractor"], n, confidence, method)


def compare_nps(scores_a: object, scores_b: object, confidence: float = 0.95) -> NpsComparison:
    """Difference NPS(a) - NPS(b) of two independent samples, with a Wald interval and z-test.

    SE of the difference = sqrt(SE_a**2 + SE_b**2); z = difference / SE; the two-sided p-value
    is ``2 * scipy.stats.norm.sf(abs(z))`` (Rocks 2016, two-sample Wald test).
    """
    a = nps_interval(scores_a, confidence)
    b = nps_interval(scores_b, confidence)
    difference, se = a.nps - b.nps, math.hypot(a.se, b.se)
    if se == 0:
        raise ValueError("scores_a and scores_b both have zero variance (every answer in one "
                         "category): the z-test is undefined")
    z_crit = stats.norm.ppf((1 + a.confidence) / 2)
    z = difference / se
    return NpsComparison(float(difference), float(se), float(difference - z_crit * se),
                         float(difference + z_crit * se), float(z),
                         float(2 * stats.norm.sf(abs(z))), a.nps, b.nps)


def minimum_detectable_difference(se: float, confidence: float = 0.95,
                                  power: float = 0.8) -> float:
    """Smallest true NPS gap a two-sided z-test detects with probability ``power``.

    MDE = (z_{1-alpha/2} + z_{power}) x SE of the difference (the usual normal-approximation
    power formula, e.g. Cohen 1988, *Statistical Power Analysis*, ch. 1; van Belle 2008,
    *Statistical Rules of Thumb*, 2nd ed., sec. 2.3). At 95 % confidence and 80 % power it is
    about 2.8 SE: a true gap smaller than that is missed more often than one time in five.
    """
    se = check_number("se", se, low=0, low_open=True)
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True,
                              high_open=True)
    power = check_number("power", power, low=0, high=1, low_open=True, high_open=True)
    return float((stats.norm.ppf((1 + confidence) / 2) + stats.norm.ppf(power)) * se)


def sample_size(margin: float, confidence: float = 0.95, promoter_share: float = 0.5,
                detractor_share: float = 0.5) -> int:
    """Respondents needed so the Wald interval's half-width is at most ``margin`` NPS points.

    n = ceil(z**2 x var / (margin / 100)**2) with the trinomial variance of the expected mix.
    The default 50 % promoters / 50 % detractors is the worst case (var = 1): +-5 points at 95 %
    needs 1,537 answers whatever the mix.
    """
    margin = check_number("margin", margin, low=0, high=200, low_open=True)
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True,
                              high_open=True)
    p_p, p_d = _shares(promoter_share, detractor_share)
    variance = p_p + p_d - (p_p - p_d) ** 2
    z = stats.norm.ppf((1 + confidence) / 2)
    return max(1, math.ceil(round(z**2 * variance / (margin / 100) ** 2, 9)))


def csat(scores: object, scale: int = 5) -> float:
    """Customer satisfaction: percent of answers in the top two boxes (4-5 on a 1-5 scale)."""
    scale = check_number("scale", scale, low=3, high=11, integer=True)
    values = check_scores("scores", scores, 1, scale)
    return float(100 * np.mean(values >= scale - 1))


def ces(scores: object, scale: int = 7) -> CesScore:
    """Customer Effort Score (CES 2.0, 1 = strongly disagree it was easy, 7 = strongly agree).

    Returns :class:`CesScore` with the ``mean`` rating and ``index`` = (mean - 1) / (scale - 1)
    x 100, so 0 means everyone found it hard and 100 everyone found it easy.
    """
    scale = check_number("scale", scale, low=3, high=11, integer=True)
    values = check_scores("scores", scores, 1, scale)
    mean = float(values.mean())
    return CesScore(mean, 100 * (mean - 1) / (scale - 1), len(values))


def nps_by_group(frame: pd.DataFrame, by: str | list[str], score_col: str = "likelihood",
                 confidence: float = 0.95) -> pd.DataFrame:
    """NPS with SE and Wald interval for each group of ``frame`` (pandas groupby).

    Columns: ``n``, ``detractor``, ``passive``, ``promoter`` (shares), ``nps``, ``se``,
    ``lower``, ``upper``. Missing scores are rejected: drop them before grouping.
    """
    keys = [by] if isinstance(by, str) else list(by)
    check_dataframe("frame", frame, [*keys, score_col])
    check_scores(f"frame[{score_col!r}]", frame[score_col], 0, 10)
    categories = pd.Series(classify(frame[score_col]), index=frame.index, name="category")
    table = (pd.crosstab([frame[k] for k in keys], categories, normalize="index")
             .reindex(columns=list(CATEGORIES), fill_value=0.0))
    table.columns.name = None
    table.insert(0, "n", frame.groupby(keys).size())
    rows = [interval_from_shares(r.promoter, r.detractor, int(r.n), confidence)
            for r in table.itertuples()]
    for field in ("nps", "se", "lower", "upper"):
        table[field] = [getattr(row, field) for row in rows]
    return table


def driver_analysis(frame: pd.DataFrame, drivers: Sequence[str],
                    target: str = "likelihood") -> pd.DataFrame:
    """Which attribute ratings go with likelihood to recommend, strongest first.

    For each driver: Pearson ``r`` with the target and its p-value (``scipy.stats.pearsonr``),
    and the standardised coefficient ``beta`` of a multiple regression of the target on all
    drivers (``sklearn`` on z-scores), which credits each driver with what the others do not
    already explain. Sorted by ``r``, descending; ``rank`` 1 is the top driver.
    """
    drivers = list(drivers)
    if not drivers:
        raise ValueError("drivers must name at least one column")
    if target in drivers:
        raise ValueError(f"target {target!r} must not also be a driver")
    check_dataframe("frame", frame, [*drivers, target])
    if len(frame) < 3:
        raise ValueError(f"frame needs at least 3 rows for a correlation, got {len(frame)}")
    y = check_numeric_column("frame", frame, target)
    x = pd.DataFrame({d: check_numeric_column("frame", frame, d) for d in drivers})
    constant = [d for d in [*drivers, target] if (frame[d] == frame[d].iloc[0]).all()]
    if constant:
        raise ValueError(f"column(s) {constant} are constant: correlation undefined")
    tests = [stats.pearsonr(x[d], y) for d in drivers]
    # imported here, not at module top: keeps the notebook's first (import) cell fast
    from sklearn.linear_model import LinearRegression
    from sklearn.preprocessing import StandardScaler

    model = LinearRegression().fit(StandardScaler().fit_transform(x),
                                   StandardScaler().fit_transform(y.to_frame()).ravel())
    table = pd.DataFrame({"r": [t.statistic for t in tests], "p_value": [t.pvalue for t in tests],
                          "beta": model.coef_}, index=pd.Index(drivers, name="driver"))
    table = table.sort_values("r", ascending=False)
    table["rank"] = range(1, len(table) + 1)
    return table


def relative_weights(frame: pd.DataFrame, drivers: Sequence[str],
                     target: str = "likelihood") -> pd.Series:
    """Johnson's (2000) relative weights: each driver's share of the regression R-squared.

    Johnson, J. W. (2000), "A heuristic method for estimating the relative weight of predictor
    variables in multiple regression", *Multivariate Behavioral Research* 35(1), 1-19. With the
    drivers' correlation matrix R = Q diag(l) Q', L = Q diag(sqrt(l)) Q' links the drivers to
    their closest orthogonal counterparts; b = L^-1 r_xy regresses the target on those, and
    weight_j = sum_k L_jk^2 b_k^2. The weights are >= 0 and add up to R-squared, so correlated
    ("halo") drivers share credit instead of swinging a beta's sign. They describe association
    in this sample, not cause.
    """
    table = driver_analysis(frame, drivers, target)  # validates; gives r per driver
    names = list(drivers)
    x = frame[names].astype(float)
    corr = x.corr().to_numpy()
    eigenvalues, vectors = np.linalg.eigh(corr)
    if eigenvalues.min() <= 1e-10:
        raise ValueError("drivers are perfectly collinear: relative weights are undefined")
    lam = vectors @ np.diag(np.sqrt(eigenvalues)) @ vectors.T
    r_xy = table.loc[names, "r"].to_numpy()
    beta = np.linalg.solve(lam, r_xy)
    weights = (lam**2) @ (beta**2)
    return pd.Series(weights, index=pd.Index(names, name="driver"), name="relative_weight")


def _shares(promoter_share: float, detractor_share: float) -> tuple[float, float]:
    p_p = check_rate("promoter_share", promoter_share)
    p_d = check_rate("detractor_share", detractor_share)
    if p_p + p_d > 1 + 1e-12:
        raise ValueError(f"promoter_share + detractor_share must be at most 1, got {p_p + p_d:g}")
    return p_p, p_d
