"""Noise and model checks for customer-value analyses: cohort intervals, holdout errors.

Sources:

* Wilson, E. B. (1927), "Probable inference, the law of succession, and statistical inference",
  *J. American Statistical Association* 22(158), 209-212 (the score interval of a proportion,
  here via :func:`scipy.stats.binomtest`).
* Spiegelhalter, D. J. (2005), "Funnel plots for comparing institutional performance",
  *Statistics in Medicine* 24(8), 1185-1202: plot each unit's rate against its size with the
  binomial limits of the pooled rate; with many units, about 5 % fall outside 95 % limits by
  chance alone.
* Fader, Hardie & Lee (2005), "'Counting your customers' the easy way", *Marketing Science*
  24(2), 275-284: the holdout tracking comparison and the conditional-expectation check
  (mean holdout purchases by calibration frequency, their Fig. 4).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from marketing_kit._validate import check_dataframe, check_number, check_numeric_column
from marketing_kit.ltv_models import BGNBDFit, check_summary, expected_purchases


class HoldoutGap(NamedTuple):
    """Actual and expected repeat purchases, cumulative from the start and over the holdout only."""

    actual_cumulative: float
    expected_cumulative: float
    cumulative_gap: float  # (expected - actual) / actual, at the last period
    actual_holdout: float
    expected_holdout: float
    holdout_gap: float  # the same, counting only the periods after calibration


def funnel_limits(rate: float, sizes: object, confidence: float = 0.95) -> pd.DataFrame:
    """Range of observed rates a unit of each size shows ``confidence`` of the time at ``rate``.

    Binomial quantiles divided by the size (Spiegelhalter 2005): ``lower`` = the alpha/2
    quantile of Binomial(n, rate) / n, ``upper`` = the 1 - alpha/2 quantile / n, index = size.
    """
    rate = check_number("rate", rate, low=0, high=1)
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True,
                              high_open=True)
    n = np.atleast_1d(np.asarray(sizes))
    if n.ndim != 1 or n.size == 0 or not np.issubdtype(n.dtype, np.number) \
            or (n < 1).any() or (n != np.round(n)).any():
        raise ValueError("sizes must be whole numbers >= 1")
    n = n.astype(int)
    tail = (1 - confidence) / 2
    return pd.DataFrame({"lower": stats.binom.ppf(tail, n, rate) / n,
                         "upper": stats.binom.isf(tail, n, rate) / n},
                        index=pd.Index(n, name="size"))


def cohort_noise(counts: pd.DataFrame, period: int, confidence: float = 0.95) -> pd.DataFrame:
    """Retention of each cohort at ``period`` with its binomial noise (Wilson 1927).

    ``counts`` is a :func:`~marketing_kit.ltv.cohort_counts` table; cohorts that have not reached
    ``period`` are left out. Columns: ``size`` (cohort size), ``retained``, ``retention``,
    ``lower``/``upper`` (Wilson interval), ``pooled`` (all cohorts' retained / size),
    ``funnel_lower``/``funnel_upper`` (the range of retention a cohort of this size shows
    ``confidence`` of the time if every cohort had the pooled rate: binomial quantiles,
    Spiegelhalter 2005), ``p_value`` (two-sided exact binomial test against the pooled rate)
    and ``outside`` (retention outside the funnel limits).
    """
    check_dataframe("counts", counts, [0])
    period = check_number("period", period, low=1, integer=True)
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True,
                              high_open=True)
    if period not in counts.columns:
        raise ValueError(f"period must be a column of counts (1..{max(counts.columns)}), "
                         f"got {period}")
    reached = counts[[0, period]].dropna()
    if reached.empty:
        raise ValueError(f"no cohort has reached period {period} yet")
    size = reached[0].astype(int)
    retained = reached[period].astype(int)
    if (size <= 0).any() or (retained > size).any() or (retained < 0).any():
        raise ValueError("counts must hold cohort sizes > 0 in column 0 and 0 <= active <= size")
    pooled = retained.sum() / size.sum()
    limits = funnel_limits(pooled, size.to_numpy(), confidence)
    rows = []
    for n, k, low, high in zip(size, retained, limits["lower"], limits["upper"], strict=True):
        test = stats.binomtest(int(k), int(n), pooled)
        wilson = test.proportion_ci(confidence_level=confidence, method="wilson")
        rows.append((wilson.low, wilson.high, low, high, test.pvalue))
    table = pd.DataFrame(rows, index=reached.index,
                         columns=["lower", "upper", "funnel_lower", "funnel_upper", "p_value"])
    table.insert(0, "size", size)
    table.insert(1, "retained", retained)
    table.insert(2, "retention", retained / size)
    table.insert(5, "pooled", pooled)
    table["outside"] = ((table["retention"] < table["funnel_lower"])
                        | (table["retention"] > table["funnel_upper"]))
    return table


def holdout_gap(tracking: pd.DataFrame, calibration_periods: int) -> HoldoutGap:
    """Forecast error of a tracking table, cumulative and over the holdout alone.

    ``tracking`` is :func:`~marketing_kit.ltv.repeat_purchase_tracking` output (columns
    ``actual`` and ``expected``, cumulative, index 1..N). The cumulative gap at period N mixes
    the fitted calibration periods with the forecast; the holdout gap counts only purchases after
    period ``calibration_periods`` (Fader, Hardie & Lee 2005), the honest forecast error.
    """
    check_dataframe("tracking", tracking, ("actual", "expected"))
    actual = check_numeric_column("tracking", tracking, "actual", low=0)
    expected = check_numeric_column("tracking", tracking, "expected", low=0)
    last = len(tracking)
    cut = check_number("calibration_periods", calibration_periods, low=1, high=last - 1,
                       integer=True)
    a_end, e_end = float(actual.iloc[-1]), float(expected.iloc[-1])
    a_hold = a_end - float(actual.iloc[cut - 1])
    e_hold = e_end - float(expected.iloc[cut - 1])
    if a_end <= 0 or a_hold <= 0:
        raise ValueError("tracking must show some actual repeat purchases in the holdout")
    return HoldoutGap(a_end, e_end, (e_end - a_end) / a_end, a_hold, e_hold,
                      (e_hold - a_hold) / a_hold)


def conditional_expectations(fit: BGNBDFit, summary: pd.DataFrame, holdout: pd.Series,
                             t: float, max_frequency: int = 7) -> pd.DataFrame:
    """Mean holdout purchases, actual vs BG/NBD-predicted, by calibration frequency.

    The check of Fader, Hardie & Lee (2005, Fig. 4). ``summary`` is the calibration
    :func:`~marketing_kit.ltv.rfm_summary`; ``holdout`` the purchases per customer in the ``t``
    periods after calibration (:func:`~marketing_kit.ltv.purchases_between`), indexed like
    ``summary``. Frequencies above ``max_frequency`` are pooled into the last row. Columns:
    ``customers``, ``actual``, ``predicted`` (means of E[Y(t) | x, t_x, T]).
    """
    check_summary(summary)
    t = check_number("t", t, low=0, low_open=True)
    max_frequency = check_number("max_frequency", max_frequency, low=1, integer=True)
    if not isinstance(holdout, pd.Series):
        raise TypeError(f"holdout must be a pandas Series, got {type(holdout).__name__}")
    missing = summary.index.difference(holdout.index)
    if len(missing):
        raise ValueError(f"holdout has no value for {len(missing)} customers of summary, "
                         f"e.g. {missing[0]!r}")
    actual = check_numeric_column("holdout", holdout.to_frame("h"), "h", low=0).reindex(
        summary.index)
    predicted = expected_purchases(fit, t, summary["frequency"], summary["recency"],
                                   summary["T"])
    group = summary["frequency"].clip(upper=max_frequency).rename("frequency")
    frame = pd.DataFrame({"actual": actual.to_numpy(dtype=float),
                          "predicted": np.asarray(predicted, dtype=float)}, index=summary.index)
    table = frame.groupby(group).agg(customers=("actual", "size"), actual=("actual", "mean"),
                                     predicted=("predicted", "mean"))
    return table


def group_rates(flags: pd.Series, groups: pd.Series, confidence: float = 0.95) -> pd.DataFrame:
    """Share of True ``flags`` per group with a Wilson interval (Wilson 1927).

    ``flags`` (booleans, e.g. "bought again in the holdout") and ``groups`` (labels, e.g. RFM
    segments) are Series on the same index. Columns: ``n``, ``count``, ``share``, ``lower``,
    ``upper``; sorted by share, highest first.
    """
    for name, value in (("flags", flags), ("groups", groups)):
        if not isinstance(value, pd.Series):
            raise TypeError(f"{name} must be a pandas Series, got {type(value).__name__}")
    if not flags.index.equals(groups.index):
        raise ValueError("flags and groups must share the same index")
    if flags.isna().any() or groups.isna().any():
        raise ValueError("flags and groups must not contain missing values")
    if not pd.api.types.is_bool_dtype(flags):
        raise TypeError(f"flags must hold booleans (True/False), got dtype {flags.dtype}")
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True,
                              high_open=True)
    rows = {}
    for label, members in flags.groupby(groups, sort=False):
        n, k = len(members), int(members.sum())
        wilson = stats.binomtest(k, n).proportion_ci(confidence_level=confidence,
                                                     method="wilson")
        rows[label] = (n, k, k / n, wilson.low, wilson.high)
    table = pd.DataFrame.from_dict(rows, orient="index",
                                   columns=["n", "count", "share", "lower", "upper"])
    table.index.name = groups.name
    return table.sort_values("share", ascending=False)
