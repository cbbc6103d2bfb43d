"""Marketing and B2B sales funnels: conversion, drop-off, bottleneck, time in stage, uplift.

The funnel idea goes back to Elias St. Elmo Lewis (1898), whose AIDA sequence (attention,
interest, desire, action) still frames the top-of-funnel view: pour as many prospects in as you
can, and the pool narrows at every stage (seed ``../shared/seeds/003_acc37c7ae0022513.txt``).
The B2B lead funnel (lead -> MQL -> SQL -> opportunity -> won) is the same shape measured in a
CRM. For a funnel with stage counts :math:`n_1 \\ge n_2 \\ge \\dots \\ge n_k`:

* step conversion of stage :math:`i` = :math:`n_i / n_{i-1}` (1 for the first stage);
* overall conversion = :math:`n_i / n_1`;
* drop-off = :math:`n_{i-1} - n_i`, drop-off rate = 1 - step conversion;
* bottleneck = the stage with the lowest step conversion (the weakest hand-over, which need
  not be the stage that loses the most people);
* final count = :math:`n_1 \\prod_i r_i`, so raising one step rate :math:`r_j` to :math:`r_j'`
  multiplies every later count by :math:`r_j'/r_j` (:func:`improve_stage`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from statistics import NormalDist

import numpy as np
import pandas as pd

from marketing_kit._validate import (
    check_choice,
    check_count,
    check_dataframe,
    check_number,
    check_rate,
)

#: Lewis's AIDA stages (1898), the classic marketing funnel.
AIDA_STAGES: tuple[str, ...] = ("Attention", "Interest", "Desire", "Action")
#: The B2B lead funnel: marketing- and sales-qualified leads, opportunity, closed-won deal.
B2B_STAGES: tuple[str, ...] = ("lead", "MQL", "SQL", "opportunity", "won")


def _counts(stage_counts: object) -> pd.Series:
    """Validate stage counts (a mapping or Series, top of the funnel first) as a float Series."""
    if isinstance(stage_counts, Mapping):
        stage_counts = pd.Series(dict(stage_counts), dtype=object)
    if not isinstance(stage_counts, pd.Series):
        raise TypeError("stage_counts must be a pandas Series or a dict of stage -> count, "
                        f"got {type(stage_counts).__name__}")
    if len(stage_counts) < 2:
        raise ValueError(f"stage_counts needs at least 2 stages, got {len(stage_counts)}")
    if stage_counts.index.duplicated().any():
        raise ValueError(f"stage_counts has repeated stage names: {list(stage_counts.index)}")
    values = [check_number(f"stage_counts[{stage!r}]", value, low=0)
              for stage, value in stage_counts.items()]
    counts = pd.Series(values, index=pd.Index([str(s) for s in stage_counts.index], name="stage"),
                       dtype=float)
    if counts.iloc[0] <= 0:
        raise ValueError("stage_counts must start with a positive count at the top of the funnel")
    rising = [stage for previous, (stage, value) in zip(counts.iloc[:-1], counts.iloc[1:].items(),
                                                        strict=True) if value > previous]
    if rising:
        raise ValueError("stage_counts must not increase down the funnel (each stage is a subset "
                         f"of the one before); it rises at {rising}")
    return counts


def funnel_table(stage_counts: Mapping[str, float] | pd.Series) -> pd.DataFrame:
    """Step and overall conversion and drop-off of a funnel, one row per stage.

    ``stage_counts`` lists the stages top first, e.g. ``{"lead": 1000, "MQL": 380, ...}``.
    Columns: ``count``, ``step_conversion`` (:math:`n_i/n_{i-1}`, 1 for the top stage; 0 after
    an empty stage), ``overall_conversion`` (:math:`n_i/n_1`), ``drop_off``
    (:math:`n_{i-1}-n_i`) and ``drop_off_rate`` (1 - step conversion). Counts that rise down the
    funnel raise ``ValueError``. Source: the funnel of seed 003 (Lewis 1898, AIDA).

    >>> funnel_table({"visit": 1000, "sign-up": 200, "buy": 50})["step_conversion"].tolist()
    [1.0, 0.2, 0.25]
    """
    counts = _counts(stage_counts)
    previous = counts.shift(1).fillna(counts.iloc[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(previous > 0, counts / previous.where(previous > 0, 1), 0.0)
    table = pd.DataFrame({"count": counts, "step_conversion": step})
    table["overall_conversion"] = counts / counts.iloc[0]
    table["drop_off"] = previous - counts
    table["drop_off_rate"] = 1 - table["step_conversion"]
    return table


def bottleneck(stage_counts: Mapping[str, float] | pd.Series) -> str:
    """The stage entered with the lowest step conversion (``"SQL"`` = the MQL -> SQL hand-over).

    Ties go to the stage higher up the funnel. This is a rate, not a head count: the largest
    absolute drop-off is usually at the top, where most people are.
    """
    table = funnel_table(stage_counts)
    return str(table["step_conversion"].iloc[1:].idxmin())


def apply_rates(stage_counts: Mapping[str, float] | pd.Series,
                new_rates: Mapping[str, float]) -> pd.Series:
    """Expected counts when the step conversions into some stages change.

    ``new_rates`` maps a stage (not the top one) to its new step conversion; every other stage
    keeps its own rate, so a later count scales by ``new_rate / old_rate``. The results are
    expected values (floats), not whole people.
    """
    table = funnel_table(stage_counts)
    if not isinstance(new_rates, Mapping):
        raise TypeError("new_rates must be a dict of stage -> rate, "
                        f"got {type(new_rates).__name__}")
    rates = table["step_conversion"].copy()
    for stage, rate in new_rates.items():
        rates[check_choice("stage", stage, list(table.index[1:]))] = check_rate("new_rate", rate)
    # A stage entered from an empty stage has no observed step rate (0 by convention): if the
    # projection now sends people into it, scaling would silently report no gain, so its rate
    # must be given explicitly.
    projected = table["count"].iloc[0] * rates.cumprod()
    unknown = [
        stage for position, stage in enumerate(table.index)
        if position > 0 and stage not in new_rates
        and table["count"].iloc[position - 1] == 0 and projected.iloc[position - 1] > 0
    ]
    if unknown:
        raise ValueError(
            f"the step conversion into {unknown} is unknown (nobody reached the stage before); "
            "include it in new_rates to project past it"
        )
    return (table["count"].iloc[0] * rates.cumprod()).rename("count")


def improve_stage(stage_counts: Mapping[str, float] | pd.Series, stage: str,
                  new_rate: float) -> pd.Series:
    """Expected counts when the step conversion into ``stage`` becomes ``new_rate``."""
    return apply_rates(stage_counts, {stage: new_rate})


def revenue_change(stage_counts: Mapping[str, float] | pd.Series,
                   new_rates: Mapping[str, float], value_per_win: float) -> float:
    """Extra revenue when some step rates change: extra final-stage count x value per win."""
    value = check_number("value_per_win", value_per_win, low=0)
    before = funnel_table(stage_counts)["count"].iloc[-1]
    after = apply_rates(stage_counts, new_rates).iloc[-1]
    return float((after - before) * value)


def revenue_impact(stage_counts: Mapping[str, float] | pd.Series, stage: str, new_rate: float,
                   value_per_win: float) -> float:
    """Extra revenue from raising one stage's conversion: extra final-stage count x value per win.

    A negative result means the new rate is below the current one.

    >>> revenue_impact({"lead": 1000, "SQL": 100, "won": 25}, "SQL", 0.12, 10_000)
    50000.0
    """
    return revenue_change(stage_counts, {stage: new_rate}, value_per_win)


def stage_counts_from_dates(records: pd.DataFrame,
                            date_columns: Mapping[str, str]) -> pd.Series:
    """How many records reached each stage: the non-empty dates in each stage's column.

    ``date_columns`` maps stage name -> column, top of the funnel first, e.g.
    ``{"lead": "lead_date", "MQL": "mql_date", ...}``. A record with a later stage's date but no
    earlier one raises ``ValueError`` (it skipped a stage, so the data are inconsistent).
    """
    dates = _stage_dates(records, date_columns)
    reached = dates.notna()
    skipped = reached.iloc[:, 1:].to_numpy() & ~reached.iloc[:, :-1].to_numpy()
    if skipped.any():
        rows = list(records.index[skipped.any(axis=1)][:5])
        raise ValueError(f"records skip a stage (a later date without the earlier one) "
                         f"in rows {rows}")
    return reached.sum().astype(int).rename("count")


def time_in_stage(records: pd.DataFrame, date_columns: Mapping[str, str]) -> pd.DataFrame:
    """Days spent before moving from each stage to the next, over the records that moved.

    Returns one row per transition (``from_stage``, ``to_stage``) with ``moved`` (records that
    made it), ``median_days`` and ``mean_days``. A transition nobody made has ``moved = 0`` and
    no days (NaN marks "no data", never a computed value). Negative durations raise ``ValueError``.
    """
    dates = _stage_dates(records, date_columns)
    stages = list(date_columns)
    rows = []
    for earlier, later in zip(stages[:-1], stages[1:], strict=True):
        days = (dates[later] - dates[earlier]).dt.days.dropna()
        if (days < 0).any():
            rows_bad = list(days.index[days < 0][:5])
            raise ValueError(f"{later} comes before {earlier} in rows {rows_bad}")
        rows.append({"from_stage": earlier, "to_stage": later, "moved": int(days.size),
                     "median_days": float(days.median()) if days.size else np.nan,
                     "mean_days": float(days.mean()) if days.size else np.nan})
    return pd.DataFrame(rows)


def _stage_dates(records: pd.DataFrame, date_columns: Mapping[str, str]) -> pd.DataFrame:
    if not isinstance(date_columns, Mapping) or len(date_columns) < 2:
        raise TypeError("date_columns must be a dict of at least 2 stage -> date column")
    check_dataframe("records", records, list(date_columns.values()))
    dates = {}
    for stage, column in date_columns.items():
        try:
            dates[stage] = pd.to_datetime(records[column].replace("", None), errors="raise")
        except (TypeError, ValueError) as exc:
            raise ValueError(f"records[{column!r}] must hold dates (or be empty)") from exc
    return pd.DataFrame(dates, index=records.index)


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion ``successes / trials``.

    Wilson (1927), *JASA* 22(158); recommended over the Wald interval for small counts by
    Agresti & Coull (1998), *The American Statistician* 52(2). The closed form (with the normal
    quantile from :class:`statistics.NormalDist`, so importing this module stays light) equals
    ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")`` (checked in the tests).

    >>> [round(v, 3) for v in wilson_interval(12, 65)]
    [0.109, 0.296]
    """
    n = check_count("trials", trials)
    if n == 0:
        raise ValueError("trials must be positive (no proportion without trials)")
    k = int(check_number("successes", successes, low=0, high=n, integer=True))
    level = check_number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if k == 0 else max(0.0, centre - half)  # exactly 0 and 1 at the edges
    high = 1.0 if k == n else min(1.0, centre + half)
    return low, high


def step_intervals(stage_counts: Mapping[str, float] | pd.Series,
                   confidence: float = 0.95) -> pd.DataFrame:
    """Step conversion of every stage below the top with its Wilson interval.

    Columns ``entered`` (count of the stage before), ``count``, ``step_conversion``,
    ``ci_low`` and ``ci_high``. Call a stage the bottleneck only when its interval lies below
    the others' (small counts make the lowest point estimate noisy). Counts must be whole.
    """
    table = funnel_table(stage_counts)
    rows = {}
    for previous, (stage, count) in zip(table["count"].iloc[:-1], table["count"].iloc[1:].items(),
                                        strict=True):
        if previous == 0:
            raise ValueError(f"stage {stage!r} is entered from an empty stage: no interval")
        low, high = wilson_interval(int(count), int(previous), confidence)
        rows[stage] = {"entered": int(previous), "count": int(count),
                       "step_conversion": count / previous, "ci_low": low, "ci_high": high}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("stage")


def step_rates_by_cohort(records: pd.DataFrame, date_columns: Mapping[str, str],
                         freq: str = "QS") -> pd.DataFrame:
    """Step conversions per cohort of records, grouped by the date of the first stage.

    A cohort view shows right-censoring: records created late had less time to reach the later
    stages before the data were exported, so their later step rates are biased down (Kleinbaum &
    Klein, *Survival Analysis*, 3rd ed., ch. 1). ``freq`` is a pandas period start alias
    (``"QS"`` quarters, ``"MS"`` months). Returns one row per cohort and stage (below the top)
    with ``entered``, ``count``, ``step_conversion``, ``ci_low`` and ``ci_high``.
    """
    dates = _stage_dates(records, date_columns)
    first = list(date_columns)[0]
    if dates[first].isna().any():
        raise ValueError(f"every record needs a date for the first stage {first!r}")
    if not isinstance(freq, str):
        raise TypeError(f"freq must be a pandas frequency string such as 'QS', got {freq!r}")
    cohorts = dates[first].dt.to_period(freq.removesuffix("S") or freq).dt.start_time
    frames = []
    for cohort, group in dates.groupby(cohorts):
        counts = group.notna().sum().astype(int)
        frames.append(step_intervals(counts).assign(cohort=cohort).reset_index())
    return pd.concat(frames, ignore_index=True).set_index(["cohort", "stage"])
