"""Channel management: rank channels per funnel stage by the metric that matches the goal, keep
the best ones, and show what dropping the rest does to cost, lead quality and conversions.

Source: seed ``../shared/seeds/004_fe5119e2f40d9011.txt`` (on marketing channel management,
citing Gartner's 2018-19 multichannel marketing survey): (1) measure what matches the goal - the
top goal of multichannel marketers is lead quality, yet the most-used KPI is customer
satisfaction; (2) focus on the customer and their data; (3) cut channels - the average company
uses seven, which is too many; keep the best performer at each funnel stage.

The channel table has ``channel``, ``stage`` (one of :data:`STAGES`), ``monthly_cost`` ($),
``leads``, ``qualified_leads`` and ``csat`` (customer satisfaction, 1-5).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from marketing_kit import attribution, funnel
from marketing_kit._validate import check_choice, check_count, check_dataframe, check_numeric_column

STAGES = ("awareness", "consideration", "conversion")
CHANNEL_COLUMNS = ("channel", "stage", "monthly_cost", "leads", "qualified_leads", "csat")
#: goal -> (metric column, True if larger is better)
GOALS = {
    "lead_quality": ("lead_quality", True),
    "cost_per_qualified_lead": ("cost_per_qualified_lead", False),
    "qualified_leads": ("qualified_leads", True),
    "customer_satisfaction": ("csat", True),
}


def channel_metrics(channels: pd.DataFrame) -> pd.DataFrame:
    """Validate the channel table and add ``lead_quality`` = qualified leads / leads,
    ``cost_per_lead`` and ``cost_per_qualified_lead`` ($). Indexed by channel."""
    check_dataframe("channels", channels, CHANNEL_COLUMNS)
    frame = channels.copy()
    for column in ("leads", "qualified_leads"):
        frame[column] = check_numeric_column("channels", frame, column, low=0, integer=True)
    frame["monthly_cost"] = check_numeric_column("channels", frame, "monthly_cost", low=0)
    frame["csat"] = check_numeric_column("channels", frame, "csat", low=1, high=5)
    bad_stage = sorted(set(frame["stage"]) - set(STAGES))
    if bad_stage:
        raise ValueError(f"channels['stage'] must be one of {list(STAGES)}; got {bad_stage}")
    if frame["channel"].duplicated().any():
        raise ValueError("channels['channel'] must hold unique names")
    if (frame["qualified_leads"] > frame["leads"]).any():
        raise ValueError("channels['qualified_leads'] cannot exceed channels['leads']")
    if (frame["qualified_leads"] == 0).any():
        raise ValueError("every channel needs qualified_leads > 0 for cost per qualified lead")
    frame = frame.set_index("channel")
    frame["lead_quality"] = frame["qualified_leads"] / frame["leads"]
    frame["cost_per_lead"] = frame["monthly_cost"] / frame["leads"]
    frame["cost_per_qualified_lead"] = frame["monthly_cost"] / frame["qualified_leads"]
    return frame


def rank_by_stage(channels: pd.DataFrame, goal: str = "lead_quality") -> pd.DataFrame:
    """Channels ordered by funnel stage, then best first on the goal's metric (:data:`GOALS`).

    Adds ``rank`` (1 = best within its stage). Ties keep the channel table's order.
    """
    check_choice("goal", goal, tuple(GOALS))
    metric, larger = GOALS[goal]
    frame = channel_metrics(channels)
    frame["stage"] = pd.Categorical(frame["stage"], categories=STAGES, ordered=True)
    ranked = frame.sort_values(["stage", metric], ascending=[True, not larger], kind="stable")
    ranked["rank"] = ranked.groupby("stage", observed=True).cumcount() + 1
    ranked["stage"] = ranked["stage"].astype(str)
    return ranked


def recommend_channels(
    channels: pd.DataFrame, goal: str = "lead_quality", keep_per_stage: int = 1
) -> list[str]:
    """The channels to keep: the ``keep_per_stage`` best per stage on the goal (seed 004)."""
    keep = check_count("keep_per_stage", keep_per_stage)
    if keep < 1:
        raise ValueError(f"keep_per_stage must be at least 1, got {keep_per_stage!r}")
    ranked = rank_by_stage(channels, goal)
    return list(ranked.index[ranked["rank"] <= keep])


def cut_effect(
    channels: pd.DataFrame, keep: Iterable[str], journeys: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Before/after table of dropping every channel not in ``keep``.

    Rows ``all channels``, ``kept`` and ``change``; columns ``channels``, ``monthly_cost``,
    ``leads``, ``qualified_leads``, ``lead_quality`` and ``cost_per_qualified_lead``. With
    ``journeys``, adds ``conversions``: observed for all channels, and for the kept set the
    Markov chain's estimate with the dropped channels removed
    (:func:`marketing_kit.attribution.removal_impact`).
    """
    frame = channel_metrics(channels)
    keep = [keep] if isinstance(keep, str) else list(keep)
    unknown = sorted(set(keep) - set(frame.index))
    if unknown:
        raise ValueError(f"keep holds unknown channel(s) {unknown}; known: {list(frame.index)}")
    if not keep:
        raise ValueError("keep must name at least one channel")

    rows = {"all channels": np.arange(len(frame)), "kept": frame.index.get_indexer(keep)}
    sums = {column: [frame[column].to_numpy()[at].sum() for at in rows.values()]
            for column in ("monthly_cost", "leads", "qualified_leads")}
    columns = {
        "channels": [len(at) for at in rows.values()],
        **sums,
        "lead_quality": np.divide(sums["qualified_leads"], sums["leads"]),
        "cost_per_qualified_lead": np.divide(sums["monthly_cost"], sums["qualified_leads"]),
    }
    if journeys is not None:  # parsed once; the attribution internals skip re-validation
        parsed = attribution._parse(journeys)
        dropped = [c for c in parsed.channels if c not in keep]
        total = float(parsed.frame["conversions"].sum())
        impact = attribution._removal_impact(attribution._transitions(parsed), total, dropped)
        columns["conversions"] = [total, impact["conversions"]]
    table = {}
    for column, (before, after) in columns.items():  # rows: all, kept, change = kept - all
        table[column] = np.array([before, after, after - before])
    return pd.DataFrame(table, index=[*rows, "change"])


def channel_scorecard(
    channels: pd.DataFrame, journeys: pd.DataFrame, confidence: float = 0.95
) -> pd.DataFrame:
    """Ratio and volume side by side: the metrics a channel cut should weigh together.

    :func:`channel_metrics` plus ``lead_quality_low``/``lead_quality_high`` (Wilson interval of
    qualified leads / leads, :func:`marketing_kit.funnel.wilson_interval`), ``conversions_lost``
    (conversions the Markov chain loses when this channel alone is removed, from its removal
    effect) and ``markov_credit`` (the normalised Markov attribution). A high ratio on a small
    volume can still be the channel that matters least (Farris, Bendle, Pfeifer & Reibstein,
    *Marketing Metrics*, 2nd ed., 2010, ch. 11: judge cost per lead together with volume).
    """
    frame = channel_metrics(channels)
    bounds = [funnel.wilson_interval(int(q), int(n), confidence)
              for q, n in zip(frame["qualified_leads"], frame["leads"], strict=True)]
    frame["lead_quality_low"] = [low for low, _ in bounds]
    frame["lead_quality_high"] = [high for _, high in bounds]
    parsed = attribution._parse(journeys)
    markov = attribution._markov(parsed)
    total = float(parsed.frame["conversions"].sum())
    frame["conversions_lost"] = (markov["removal_effect"] * total).reindex(frame.index)
    frame["markov_credit"] = markov["conversions"].reindex(frame.index)
    missing = list(frame.index[frame["markov_credit"].isna()])
    if missing:
        raise ValueError(f"journeys never use the channel(s) {missing}; no removal effect")
    return frame
