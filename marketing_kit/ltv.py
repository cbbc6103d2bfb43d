"""Customer value and lifetime value: simple CLV formulas, CAC, cohorts and RFM.

Framing (seed ``003_acc37c7ae0022513.txt``): *customer value* comes from what a customer gets
(benefits) against what they give up (costs); *LTV/CLV* is how much profit a customer brings over
their lifetime, and keeping customers is cheaper than winning new ones. Seed ``000`` values a
conversion from LTV (LTV $200, 1 in 20 converting: $10 a conversion).

The probabilistic models (BG/NBD, Gamma-Gamma) live in :mod:`marketing_kit.ltv_models`, the
noise and holdout checks in :mod:`marketing_kit.ltv_diagnostics`, the contractual sBG model in
:mod:`marketing_kit.ltv_contractual`; all are re-exported here,
so ``from marketing_kit import ltv`` gives the whole topic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from marketing_kit._validate import (
    check_choice,
    check_count,
    check_dataframe,
    check_date,
    check_number,
    check_numeric_column,
)
from marketing_kit.ltv_contractual import (  # noqa: F401  (re-exported public API)
    SBGFit,
    fit_sbg,
    sbg_residual_value,
    sbg_retention_rates,
    sbg_survival,
)
from marketing_kit.ltv_diagnostics import (  # noqa: F401  (re-exported public API)
    HoldoutGap,
    cohort_noise,
    conditional_expectations,
    funnel_limits,
    group_rates,
    holdout_gap,
)
from marketing_kit.ltv_models import (  # noqa: F401  (re-exported public API)
    BGNBDFit,
    ConvergenceError,
    GammaGammaFit,
    bgnbd_log_likelihood,
    check_summary,
    expected_purchases,
    expected_repeat_purchases,
    expected_spend,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    p_alive,
    predicted_clv,
)

#: Days in one unit of time for :func:`rfm_summary`.
TIME_UNITS = {"D": 1, "W": 7}

#: Named RFM segments, in the order the rules in :func:`rfm_segment` test them.
SEGMENTS = ("Champions", "Loyal", "Promising", "Need attention", "At risk", "Hibernating")


# --- customer value and simple CLV --------------------------------------------------------------


def customer_value(benefits: float, costs: float) -> float:
    """Perceived customer value = total benefits - total costs (seed 003).

    Benefits (product, service, image) and costs (price, time, effort) are in the same currency
    units. A negative value means the customer gives up more than they get.
    """
    benefits = check_number("benefits", benefits, low=0)
    costs = check_number("costs", costs, low=0)
    return benefits - costs


def _retention_and_rate(retention: object, discount_rate: object) -> tuple[float, float]:
    r = check_number("retention", retention, low=0, high=1, high_open=True)
    i = check_number("discount_rate", discount_rate, low=-1, low_open=True)
    if 1 + i - r <= 0:
        raise ValueError(
            f"discount_rate must exceed retention - 1 = {r - 1:g} for the CLV series to converge, "
            f"got {i!r}"
        )
    return r, i


def margin_multiple(retention: float, discount_rate: float) -> float:
    """The margin multiple r / (1 + i - r) of Gupta & Lehmann (2003, 2005).

    CLV = margin x this multiple. With r = 0.8 and i = 0.12 it is 2.5: a customer is worth
    two and a half years of margin. ``retention`` is in [0, 1), ``discount_rate`` > -1.
    """
    r, i = _retention_and_rate(retention, discount_rate)
    return r / (1 + i - r)


def simple_clv(
    margin: float,
    retention: float,
    discount_rate: float,
    acquisition_cost: float = 0,
    *,
    first_margin_now: bool = False,
) -> float:
    """Infinite-horizon CLV with constant margin and retention, less acquisition cost.

    Gupta & Lehmann (2003, *J. Interactive Marketing* 17(1); 2005, *Managing Customers as
    Investments*): a customer retained with probability r each period earns margin m at the end
    of each period, discounted at rate i::

        CLV = sum_{t>=1} m r^t / (1+i)^t - AC = m r / (1 + i - r) - AC.

    With ``first_margin_now=True`` the first margin arrives at t = 0 (a paying new customer)::

        CLV = sum_{t>=0} m r^t / (1+i)^t - AC = m (1 + i) / (1 + i - r) - AC.

    ``margin`` >= 0 per period, ``retention`` in [0, 1), ``discount_rate`` > -1 per period,
    ``acquisition_cost`` >= 0.

    >>> round(simple_clv(100, 0.8, 0.12), 2)
    250.0
    """
    m = check_number("margin", margin, low=0)
    r, i = _retention_and_rate(retention, discount_rate)
    cost = check_number("acquisition_cost", acquisition_cost, low=0)
    factor = (1 + i) if first_margin_now else r
    return m * factor / (1 + i - r) - cost


def finite_horizon_clv(
    margin: float,
    retention: float,
    discount_rate: float,
    periods: int,
    acquisition_cost: float = 0,
    *,
    first_margin_now: bool = False,
) -> float:
    """CLV summed over ``periods`` periods: sum_{t=1}^{N} m r^t / (1+i)^t - AC.

    With ``first_margin_now=True`` the sum runs over t = 0 .. N-1. As N grows it tends to
    :func:`simple_clv` (Gupta & Lehmann 2005). ``periods`` is a whole number >= 0.
    """
    m = check_number("margin", margin, low=0)
    r, i = _retention_and_rate(retention, discount_rate)
    n = check_count("periods", periods)
    cost = check_number("acquisition_cost", acquisition_cost, low=0)
    t = np.arange(n) if first_margin_now else np.arange(1, n + 1)
    return float(np.sum(m * (r / (1 + i)) ** t)) - cost


def clv_sensitivity(
    margin: float,
    retentions: np.ndarray | list[float],
    discount_rate: float,
    acquisition_cost: float = 0,
) -> pd.Series:
    """:func:`simple_clv` for each retention rate in ``retentions`` (index = retention)."""
    values = [simple_clv(margin, r, discount_rate, acquisition_cost) for r in retentions]
    return pd.Series(values, index=pd.Index(list(retentions), name="retention"), name="clv")


def ltv_to_cac(ltv: float, acquisition_cost: float) -> float:
    """LTV:CAC ratio = lifetime value / customer acquisition cost (3:1 is a common target)."""
    ltv = check_number("ltv", ltv)
    cac = check_number("acquisition_cost", acquisition_cost, low=0, low_open=True)
    return ltv / cac


def cac_payback_periods(acquisition_cost: float, margin_per_period: float) -> float:
    """Periods of margin needed to earn back the acquisition cost: CAC / margin per period.

    Ignores churn and discounting (the usual SaaS "months to recover CAC").
    """
    cac = check_number("acquisition_cost", acquisition_cost, low=0)
    margin = check_number("margin_per_period", margin_per_period, low=0, low_open=True)
    return cac / margin


# --- transactions: validation, cohorts ----------------------------------------------------------


def _transactions(
    transactions: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None = None
) -> pd.DataFrame:
    """Validated copy with columns ``customer``, ``date`` (datetime64) and ``amount``."""
    required = [customer_col, date_col] + ([amount_col] if amount_col else [])
    check_dataframe("transactions", transactions, required)
    if transactions[customer_col].isna().any():
        raise ValueError(f"transactions[{customer_col!r}] must not contain missing customer ids")
    try:
        dates = pd.to_datetime(transactions[date_col], errors="raise")
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"transactions[{date_col!r}] must hold dates (e.g. '1997-01-31'); {exc}"
        ) from exc
    if dates.isna().any():
        raise ValueError(f"transactions[{date_col!r}] has missing dates")
    frame = pd.DataFrame({"customer": transactions[customer_col].to_numpy(),
                          "date": dates.dt.normalize().to_numpy()})
    if amount_col:
        frame["amount"] = check_numeric_column("transactions", transactions, amount_col,
                                               low=0).to_numpy()
    return frame


def _timestamp(name: str, value: object) -> pd.Timestamp:
    return check_date(name, value, example="1997-09-30").normalize()


def cohort_counts(
    transactions: pd.DataFrame, customer_col: str, date_col: str, freq: str = "M"
) -> pd.DataFrame:
    """Active customers by acquisition cohort (rows) and period since acquisition (columns).

    A customer's cohort is the calendar period (``freq`` "M" month, "Q" quarter, "W" week) of
    their first transaction; they are *active* in period k if they transact k periods later.
    Cells a cohort has not yet reached by the last transaction date are NaN (not observed), not 0.
    """
    freq = check_choice("freq", freq, ("M", "Q", "W"))
    frame = _transactions(transactions, customer_col, date_col)
    period = frame["date"].dt.to_period(freq)
    first = period.groupby(frame["customer"]).transform("min")
    age = (period - first).map(lambda offset: offset.n).astype(int)
    active = (pd.DataFrame({"cohort": first, "age": age, "customer": frame["customer"]})
              .drop_duplicates()
              .pivot_table(index="cohort", columns="age", values="customer", aggfunc="count",
                           fill_value=0))
    last = period.max()
    ages = np.arange(active.columns.max() + 1)
    active = active.reindex(columns=ages, fill_value=0).astype(float)
    horizon = np.array([(last - cohort).n for cohort in active.index])
    active = active.where(ages[None, :] <= horizon[:, None])
    active.columns.name = "period"
    return active


def cohort_retention(
    transactions: pd.DataFrame, customer_col: str, date_col: str, freq: str = "M"
) -> pd.DataFrame:
    """Share of each acquisition cohort active in each period since acquisition (period 0 = 1).

    Built from :func:`cohort_counts`; unobserved cells stay NaN. Standard cohort analysis, e.g.
    Fader & Hardie (2007), "How to project customer retention", *J. Interactive Marketing* 21(1).
    """
    counts = cohort_counts(transactions, customer_col, date_col, freq)
    return counts.div(counts[0], axis=0)


def retention_curve(counts: pd.DataFrame) -> pd.Series:
    """Average retention by period since acquisition, weighting cohorts by size.

    ``counts`` is a :func:`cohort_counts` table. For each period, it pools the cohorts that have
    reached it: sum(active) / sum(cohort size), so small late cohorts don't dominate.
    """
    check_dataframe("counts", counts, [0])
    sizes = counts[0]
    if (sizes <= 0).any():
        raise ValueError("counts[0] (cohort sizes) must be positive for every cohort")
    reached = counts.notna().mul(sizes, axis=0).sum()
    curve = counts.sum() / reached
    curve.name = "retention"
    return curve


def purchases_between(
    transactions: pd.DataFrame, customer_col: str, date_col: str, start: object, end: object
) -> pd.Series:
    """Purchase days per customer with start < date <= end (e.g. a holdout period).

    Several transactions on one day count once, as in :func:`rfm_summary`. Customers with no
    purchase in the window get 0 (index = every customer in ``transactions``).
    """
    frame = _transactions(transactions, customer_col, date_col)
    start, end = _timestamp("start", start), _timestamp("end", end)
    if end <= start:
        raise ValueError(f"end must be after start ({start.date()}), got {end.date()}")
    window = frame[(frame["date"] > start) & (frame["date"] <= end)].drop_duplicates()
    counts = window.groupby("customer").size()
    customers = pd.Index(sorted(frame["customer"].unique()), name=customer_col)
    return counts.reindex(customers, fill_value=0).rename("purchases").astype(int)


def repeat_purchase_tracking(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    fit: BGNBDFit,
    start: object,
    periods: int,
    time_unit: str = "W",
) -> pd.DataFrame:
    """Cumulative repeat purchases, actual and BG/NBD-expected, period by period from ``start``.

    Period k ends on the day before ``start`` + k units. Actual: purchase days after each
    customer's first (same-day transactions count once). Expected: sum over customers of
    E[X(t)] (:func:`expected_repeat_purchases`) at their age t at the end of period k, the
    tracking plot of Fader, Hardie & Lee (2005).
    """
    unit = TIME_UNITS[check_choice("time_unit", time_unit, tuple(TIME_UNITS))]
    periods = check_number("periods", periods, low=1, integer=True)
    start = _timestamp("start", start)
    frame = _transactions(transactions, customer_col, date_col).drop_duplicates()
    first = frame.groupby("customer")["date"].transform("min")
    if (first < start).any():
        raise ValueError(f"start must be on or before the first transaction ({first.min().date()})")
    ends = np.arange(1, periods + 1) * unit - 1  # last day of each period, days after start
    repeat_days = (frame.loc[frame["date"] > first, "date"] - start).dt.days.to_numpy()
    actual = np.searchsorted(np.sort(repeat_days), ends, side="right")
    births = (frame.groupby("customer")["date"].min() - start).dt.days.to_numpy()
    ages = np.clip(ends[None, :] - births[:, None], 0, None) / unit
    expected = np.asarray(expected_repeat_purchases(fit, ages.ravel())).reshape(ages.shape)
    return pd.DataFrame({"actual": actual, "expected": expected.sum(axis=0)},
                        index=pd.RangeIndex(1, periods + 1, name="period"))


# --- RFM ------------------------------------------------------------------------------------------


def rfm_summary(
    transactions: pd.DataFrame,
    customer_col: str,
    date_col: str,
    amount_col: str,
    observation_end: object,
    time_unit: str = "W",
) -> pd.DataFrame:
    """Per-customer frequency / recency / T table (Fader, Hardie & Lee 2005 notation x, t_x, T).

    Transactions after ``observation_end`` are ignored (that is how a calibration period is cut)
    and several transactions on one day count as one purchase of their summed amount.

    * ``frequency`` x: repeat purchases (purchase days after the first);
    * ``recency`` t_x: time from the first to the last purchase (0 if no repeat);
    * ``T``: time from the first purchase to ``observation_end``;
    * ``monetary_value``: mean amount of the *repeat* purchases (0 if none), the Gamma-Gamma
      input z-bar (Fader, Hardie & Lee 2005, JMR);
    * ``total_spend``: all purchases, first included.

    Times are in ``time_unit`` ("W" weeks, "D" days). Amounts must be >= 0 and dates parse.
    """
    unit = TIME_UNITS[check_choice("time_unit", time_unit, tuple(TIME_UNITS))]
    frame = _transactions(transactions, customer_col, date_col, amount_col)
    end = _timestamp("observation_end", observation_end)
    frame = frame[frame["date"] <= end]
    if frame.empty:
        raise ValueError(f"observation_end {end.date()} is before every transaction date")
    daily = frame.groupby(["customer", "date"], sort=True)["amount"].sum().reset_index()
    grouped = daily.groupby("customer", sort=True)
    first, last = grouped["date"].min(), grouped["date"].max()
    days = pd.Timedelta(days=unit)
    frequency = grouped.size() - 1
    total = grouped["amount"].sum()
    first_amount = grouped["amount"].first()
    repeat_mean = ((total - first_amount) / frequency.where(frequency > 0)).fillna(0.0)
    summary = pd.DataFrame({
        "frequency": frequency.astype(int),
        "recency": (last - first) / days,
        "T": (end - first) / days,
        "monetary_value": repeat_mean,
        "total_spend": total,
    })
    summary.index.name = customer_col
    return summary


def _score(goodness: pd.Series) -> pd.Series:
    """Quintile score 1-5: 1 + floor(5 x share of customers strictly worse); ties share a score."""
    below = (goodness.rank(method="min").to_numpy() - 1) / len(goodness)
    return pd.Series(1 + np.floor(5 * below).astype(int), index=goodness.index)


def rfm_scores(summary: pd.DataFrame) -> pd.DataFrame:
    """Recency, frequency and monetary quintile scores (1 worst .. 5 best) with named segments.

    Classic RFM scoring (Hughes 1994, *Strategic Database Marketing*; Kumar & Reinartz 2018,
    *Customer Relationship Management*, ch. 6): R ranks time since the last purchase
    (T - recency, shorter is better), F ranks purchases (frequency + 1), M ranks the average
    order value (total_spend / purchases). A score is 1 + floor(5 x the share of customers who do
    strictly worse), so tied customers share a score. Adds ``R``, ``F``, ``M``, ``RFM`` (e.g.
    "545") and ``segment`` (:func:`rfm_segment`).
    """
    check_dataframe("summary", summary, ("frequency", "recency", "T", "total_spend"))
    check_summary(summary)
    spend = check_numeric_column("summary", summary, "total_spend", low=0)
    purchases = summary["frequency"] + 1
    scores = summary.copy()
    scores["R"] = _score(-(summary["T"] - summary["recency"]))
    scores["F"] = _score(purchases)
    scores["M"] = _score(spend / purchases)
    scores["RFM"] = (scores["R"].astype(str) + scores["F"].astype(str) + scores["M"].astype(str))
    scores["segment"] = [rfm_segment(r, f) for r, f in zip(scores["R"], scores["F"], strict=True)]
    return scores


def rfm_segment(r: int, f: int) -> str:
    """Name the segment of recency score ``r`` and frequency score ``f`` (each 1-5).

    Rules, tested in order: R>=4 & F>=4 Champions; R>=3 & F>=3 Loyal; R>=4 Promising
    (recent, few purchases); R=3 Need attention; F>=3 At risk (bought often, not lately);
    otherwise Hibernating. A simplified version of the common R x F segment grid.
    """
    r = check_number("r", r, low=1, high=5, integer=True)
    f = check_number("f", f, low=1, high=5, integer=True)
    if r >= 4 and f >= 4:
        return "Champions"
    if r >= 3 and f >= 3:
        return "Loyal"
    if r >= 4:
        return "Promising"
    if r == 3:
        return "Need attention"
    if f >= 3:
        return "At risk"
    return "Hibernating"


def segment_counts(scores: pd.DataFrame) -> pd.Series:
    """Customers per named segment, in :data:`SEGMENTS` order (zeros kept)."""
    check_dataframe("scores", scores, ("segment",))
    counts = scores["segment"].value_counts().reindex(list(SEGMENTS), fill_value=0)
    return counts.rename("customers")
