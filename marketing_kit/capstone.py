"""Capstone (notebook 11): assemble a B2B marketing plan from the course's tools and check that
its numbers hold together.

The plan follows the steps of a B2B marketing strategy in seed ``003_acc37c7ae0022513.txt``
(clear goals, KPIs, audience analysis, channels fitted to the customer, an integrated campaign,
measuring and adjusting through a CRM) and the features of seed ``000_d34f38106fbbc562.txt``
(target audience, clear conversion goals, analysis). The money side follows the course:
LTV (Gupta & Lehmann 2003, :func:`marketing_kit.ltv.simple_clv`), the 3:1 LTV:CAC rule of thumb
(:func:`marketing_kit.ltv.ltv_to_cac`), ROI = (revenue - cost) / cost (seed 000,
:func:`marketing_kit.social_roi.roi_percent`) and pipeline velocity (seed 003,
:func:`marketing_kit.abm.pipeline_velocity`).
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from marketing_kit import abm, social_roi
from marketing_kit._validate import check_dataframe, check_number, check_numeric_column
from marketing_kit.i18n import t

#: Funnel stages of ``capstone_campaigns``, top first.
STAGES = ("leads", "mqls", "sqls", "opportunities", "won")
CAMPAIGN_COLUMNS = ("month", "channel", "spend", *STAGES)
#: LTV:CAC a plan must reach: the usual SaaS rule of thumb (3:1).
TARGET_RATIO = 3.0
#: Relative tolerance of the consistency checks (rounding in a student's arithmetic).
TOLERANCE = 0.01


def affordable_cac(ltv: float, target_ratio: float = TARGET_RATIO) -> float:
    """The highest acquisition cost that keeps LTV:CAC at ``target_ratio``: LTV / ratio.

    >>> affordable_cac(90_000)
    30000.0
    """
    ltv = check_number("ltv", ltv, low=0, low_open=True)
    ratio = check_number("target_ratio", target_ratio, low=0, low_open=True)
    return ltv / ratio


def _campaigns(campaigns: pd.DataFrame) -> pd.DataFrame:
    check_dataframe("campaigns", campaigns, CAMPAIGN_COLUMNS)
    frame = campaigns.copy()
    frame["spend"] = check_numeric_column("campaigns", frame, "spend", low=0)
    for stage in STAGES:
        frame[stage] = check_numeric_column("campaigns", frame, stage, low=0, integer=True)
    for upper, lower in zip(STAGES, STAGES[1:], strict=False):
        if (frame[lower] > frame[upper]).any():
            raise ValueError(f"campaigns['{lower}'] cannot exceed campaigns['{upper}'] "
                             "(each stage is a subset of the one before)")
    return frame


def funnel_totals(campaigns: pd.DataFrame) -> pd.Series:
    """Stage counts of all channels and months together, top first (leads ... won)."""
    frame = _campaigns(campaigns)
    return frame[list(STAGES)].sum().astype(int).rename("count")


def funnel_targets(new_customers: float,
                   stage_counts: pd.Series | Mapping[str, float]) -> pd.Series:
    """Counts each stage must reach for ``new_customers`` wins at the observed step rates.

    Works back up the funnel of seed 003 (Lewis's AIDA funnel): target(stage) =
    new customers x count(stage) / count(won). Expected values, not whole people.
    """
    goal = check_number("new_customers", new_customers, low=0, low_open=True)
    if not isinstance(stage_counts, pd.Series | Mapping):
        raise TypeError("stage_counts must be a Series or dict of stage -> count, "
                        f"got {type(stage_counts).__name__}")
    try:
        counts = pd.Series(stage_counts, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError("stage_counts must hold numbers only") from error
    if not np.isfinite(counts.to_numpy()).all():
        raise ValueError("stage_counts must be finite numbers (no NaN or inf)")
    if counts.empty or (counts < 0).any() or counts.iloc[-1] <= 0:
        raise ValueError("stage_counts must be non-negative counts, top first, with a positive "
                         "last (won) stage")
    if (counts.diff().dropna() > 0).any():
        raise ValueError("stage_counts must not increase down the funnel")
    return (goal * counts / counts.iloc[-1]).rename("target")


def opportunities_needed(revenue_goal: float, win_rate: float, deal_size: float,
                         cycle_days: float, days: float = 365.0) -> float:
    """Open opportunities the pipeline must hold for a revenue goal over ``days``.

    Inverts pipeline velocity (seed 003; :func:`marketing_kit.abm.pipeline_velocity`):
    velocity = opportunities x win rate x deal size / cycle days must equal goal / days, so
    opportunities = goal / days x cycle days / (win rate x deal size).
    """
    goal = check_number("revenue_goal", revenue_goal, low=0)
    rate = check_number("win_rate", win_rate, low=0, low_open=True, high=1)
    size = check_number("deal_size", deal_size, low=0, low_open=True)
    cycle = check_number("cycle_days", cycle_days, low=0, low_open=True)
    period = check_number("days", days, low=0, low_open=True)
    return goal / period * cycle / (rate * size)


def account_journeys(touches: pd.DataFrame, opportunities: pd.DataFrame) -> pd.DataFrame:
    """Touch-level journeys of the ABM accounts for :mod:`marketing_kit.attribution`.

    One journey per account (``journey_id`` = ``account_id``): an account with a Closed Won deal
    converts, and only its touches up to the first win's ``closed_date`` count (later touches
    cannot have caused it); other accounts keep all their touches and do not convert.
    """
    check_dataframe("touches", touches, ("account_id", "channel", "timestamp"))
    check_dataframe("opportunities", opportunities, ("account_id", "stage", "closed_date"))
    won = opportunities[opportunities["stage"] == abm.WON]
    first_win = pd.to_datetime(won["closed_date"]).groupby(won["account_id"]).min()
    when = pd.to_datetime(touches["timestamp"])
    cutoff = touches["account_id"].map(first_win)
    keep = cutoff.isna() | (when <= cutoff + pd.Timedelta(days=1))
    frame = pd.DataFrame({"journey_id": touches["account_id"], "channel": touches["channel"],
                          "touch_time": when, "converted": cutoff.notna().astype(int)})[keep]
    return frame.reset_index(drop=True)


def channel_table(campaigns: pd.DataFrame) -> pd.DataFrame:
    """Per channel: yearly ``spend``, stage counts, ``cac`` = spend / won and ``won_share``.

    The campaign file credits each won customer to one channel (its lead source): a single-touch
    rule, so ``cac`` inherits the attribution caveats of notebook 07.
    """
    frame = _campaigns(campaigns)
    table = frame.groupby("channel", sort=True)[["spend", *STAGES]].sum()
    if (table["won"] <= 0).any():
        raise ValueError(f"every channel needs a won customer for its CAC; none for "
                         f"{list(table.index[table['won'] <= 0])}")
    table["cac"] = table["spend"] / table["won"]
    table["won_share"] = table["won"] / table["won"].sum()
    return table


def channel_mix(channels: pd.DataFrame, new_customers: float, max_cac: float) -> pd.DataFrame:
    """Plan customers and budget per channel: drop channels whose CAC exceeds ``max_cac``, split
    ``new_customers`` over the rest in proportion to their won share, budget = customers x CAC.

    Assumes each kept channel can deliver its share at last year's CAC (no saturation).
    """
    check_dataframe("channels", channels, ("cac", "won_share"))
    goal = check_number("new_customers", new_customers, low=0, low_open=True)
    cap = check_number("max_cac", max_cac, low=0, low_open=True)
    kept = channels[channels["cac"] <= cap]
    if kept.empty:
        raise ValueError(f"no channel has a CAC at or below max_cac = {cap:,.0f}")
    share = kept["won_share"] / kept["won_share"].sum()
    mix = pd.DataFrame({"cac": kept["cac"], "customers": goal * share})
    mix["budget"] = mix["customers"] * mix["cac"]
    return mix


def channel_roi(mix: pd.DataFrame, ltv: float) -> pd.DataFrame:
    """Add ``revenue`` = customers x LTV and ``roi_pct`` (seed 000's ROI) to a channel mix."""
    check_dataframe("mix", mix, ("customers", "budget"))
    value = check_number("ltv", ltv, low=0, low_open=True)
    frame = mix.copy()
    frame["revenue"] = frame["customers"] * value
    frame["roi_pct"] = [social_roi.roi_percent(r, c)
                        for r, c in zip(frame["revenue"], frame["budget"], strict=True)]
    return frame


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-9)


def check_plan(plan: Mapping[str, float], mix: pd.DataFrame | None = None) -> list[str]:
    """Internal-consistency problems of a plan's numbers (an empty list = consistent).

    ``plan`` needs ``new_customers``, ``acv``, ``ltv``, ``max_cac``, ``budget``,
    ``revenue_goal``, ``leads_needed``, ``lead_to_won``; optional ``velocity_needed``,
    ``open_opportunities``, ``win_rate``, ``cycle_days``. ``mix`` is the
    :func:`channel_roi` table. Checks: budget / customers <= affordable CAC = LTV / 3,
    revenue goal = customers x ACV, leads x lead-to-won = customers, velocity x days = goal,
    and per channel the ROI implied by LTV:CAC.
    """
    if not isinstance(plan, Mapping):
        raise TypeError(f"plan must be a dict of name -> number, got {type(plan).__name__}")
    required = ("new_customers", "acv", "ltv", "max_cac", "budget", "revenue_goal",
                "leads_needed", "lead_to_won")
    missing = [key for key in required if key not in plan]
    if missing:
        raise ValueError(f"plan is missing {missing}; required keys are {list(required)}")
    p = {key: check_number(f"plan[{key!r}]", value) for key, value in plan.items()}
    problems = []
    if not _close(p["max_cac"], p["ltv"] / TARGET_RATIO):
        problems.append(f"max_cac {p['max_cac']:,.0f} is not LTV / 3 = {p['ltv'] / 3:,.0f}")
    cac = p["budget"] / p["new_customers"]
    if cac > p["max_cac"] * (1 + TOLERANCE):
        problems.append(f"budget per customer {cac:,.0f} exceeds the affordable CAC "
                        f"{p['max_cac']:,.0f}")
    if not _close(p["revenue_goal"], p["new_customers"] * p["acv"]):
        problems.append("revenue_goal is not new_customers x acv")
    if not _close(p["leads_needed"] * p["lead_to_won"], p["new_customers"]):
        problems.append("leads_needed x lead_to_won is not new_customers")
    if {"velocity_needed", "open_opportunities", "win_rate", "cycle_days"} <= set(p):
        velocity = abm.pipeline_velocity(p["open_opportunities"], p["win_rate"], p["acv"],
                                         p["cycle_days"])
        if not (_close(velocity, p["velocity_needed"])
                and _close(p["velocity_needed"] * 365, p["revenue_goal"])):
            problems.append("the open pipeline's velocity does not deliver revenue_goal / 365")
    if mix is not None:
        check_dataframe("mix", mix, ("customers", "budget", "roi_pct"))
        if not _close(float(mix["budget"].sum()), p["budget"]):
            problems.append("the channel budgets do not add up to the budget")
        if not _close(float(mix["customers"].sum()), p["new_customers"]):
            problems.append("the channel customers do not add up to new_customers")
        implied = 100 * p["ltv"] * mix["customers"] / mix["budget"] - 100
        wrong = list(mix.index[(implied - mix["roi_pct"]).abs() > 1.0])
        if wrong:
            problems.append(f"roi_pct disagrees with LTV x customers / budget for {wrong}")
    return problems


def plan_table(steps: Mapping[str, tuple[str, str]]) -> pd.DataFrame:
    """The one-page plan as a table: one row per step with its notebook and its result.

    ``steps`` maps a step name to ``(notebook, result text)``, in plan order.
    """
    if not isinstance(steps, Mapping) or not steps:
        raise TypeError("steps must be a non-empty dict of step -> (notebook, result)")
    rows = []
    for step, value in steps.items():
        if not (isinstance(value, tuple) and len(value) == 2):
            raise ValueError(f"steps[{step!r}] must be a (notebook, result) pair")
        rows.append({"step": str(step), "notebook": str(value[0]), "result": str(value[1])})
    return pd.DataFrame(rows)


def plan_figure(channels: pd.DataFrame, mix: pd.DataFrame, max_cac: float) -> Figure:
    """Planned budget per kept channel (left) and every channel's CAC against the affordable
    CAC (right; red = above it, so dropped from the mix)."""
    check_dataframe("channels", channels, ("cac",))
    check_dataframe("mix", mix, ("budget",))
    cap = check_number("max_cac", max_cac, low=0, low_open=True)
    figure = Figure(figsize=(8.5, 3.2))
    left, right = figure.subplots(1, 2)
    budget = mix["budget"].reindex(channels.index).fillna(0)
    bars = left.barh(budget.index, budget / 1000, color="#1565c0")
    left.bar_label(bars, labels=[f"${v / 1000:,.0f}k" if v else t("dropped") for v in budget],
                   fontsize=8, padding=2)
    left.set_xlabel(t("budget ($ thousand)"))
    left.set_title(t("Planned budget by channel"))
    left.margins(x=0.25)
    draw_cac_bars(right, channels["cac"], cap)
    figure.tight_layout()
    return figure


def draw_cac_bars(axis, cac: pd.Series, cap: float) -> None:
    """CAC per channel on ``axis`` in $ thousand, red above ``cap`` (LTV / 3), the cap dashed."""
    from matplotlib.axes import Axes

    if not isinstance(axis, Axes):
        raise TypeError(f"axis must be a matplotlib Axes, got {type(axis).__name__}")
    if not isinstance(cac, pd.Series) or not pd.api.types.is_numeric_dtype(cac) \
            or pd.api.types.is_bool_dtype(cac):
        raise TypeError("cac must be a numeric pandas Series (channel -> dollars)")
    if not np.isfinite(cac.to_numpy(dtype=float)).all() or (cac < 0).any():
        raise ValueError("cac must hold finite, non-negative dollars")
    cap = check_number("cap", cap, low=0, low_open=True)
    axis.barh(cac.index, cac / 1000, color=["#2e7d32" if c <= cap else "#c62828" for c in cac])
    axis.axvline(cap / 1000, color="black", linestyle="--")
    axis.set_xlabel(t("CAC ($ thousand)"))
    axis.set_title(t("CAC by channel (dashed: LTV / 3)"))
    axis.set_yticklabels([])


def plan_html(table: pd.DataFrame, figure: Figure, path: str | Path,
              title: str = "Marketing plan") -> Path:
    """Write the one-page plan (title, table, chart as an embedded PNG) to an HTML file."""
    check_dataframe("table", table, ("step", "notebook", "result"))
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure, got {type(figure).__name__}")
    target = Path(path)
    if target.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"path must end in .html, got {str(path)!r}")
    from marketing_kit.widgets._base import figure_png  # lazy: pulls in ipywidgets

    picture = base64.b64encode(figure_png(figure, dpi=100)).decode("ascii")
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:sans-serif;max-width:60em;margin:1.5em auto;font-size:13px}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #bbb;padding:4px 6px;"
        "text-align:left;vertical-align:top}th{background:#e8eef7}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        + table.to_html(index=False, escape=True)
        + f"<p><img alt='plan chart' style='max-width:100%' src='data:image/png;base64,{picture}'>"
        "</p></body></html>"
    )
    target.write_text(page, encoding="utf-8")
    return target


def scenario(channels: pd.DataFrame, budget: float, split: Mapping[str, float],
             conversion_factor: float = 1.0, price: float = 24_000.0,
             gross_margin: float = 0.8, retention: float = 0.85,
             discount_rate: float = 0.10) -> dict[str, object]:
    """What a budget split, a conversion target and a price give: the explorer's numbers.

    ``channels`` is :func:`channel_table`. Per channel, leads = budget share / cost per lead,
    customers = leads x lead-to-won rate x ``conversion_factor`` (1 = last year's rates) and
    CAC = budget / customers (0 where a channel wins nobody).
    LTV = :func:`marketing_kit.ltv.simple_clv` (price x margin, first margin at signing);
    revenue = customers x price (first year); ROI on lifetime value (seed 000);
    ``max_cac`` = :func:`affordable_cac` (LTV / 3), the ceiling each channel's CAC is held to.
    """
    from marketing_kit import ltv as ltv_module

    check_dataframe("channels", channels, ("spend", "leads", "won"))
    total = check_number("budget", budget, low=0, low_open=True)
    factor = check_number("conversion_factor", conversion_factor, low=0, low_open=True)
    price = check_number("price", price, low=0, low_open=True)
    margin = check_number("gross_margin", gross_margin, low=0, low_open=True, high=1)
    if not isinstance(split, Mapping):
        raise TypeError(f"split must be a dict of channel -> share, got {type(split).__name__}")
    unknown = sorted(set(split) - set(channels.index))
    if unknown:
        raise ValueError(f"split has unknown channel(s) {unknown}; known: {list(channels.index)}")
    weights = pd.Series({c: check_number(f"split[{c!r}]", v, low=0) for c, v in split.items()},
                        dtype=float)
    if weights.sum() <= 0:
        raise ValueError("split must give some channel a positive share")
    rows = channels.loc[weights.index]
    spend = total * weights / weights.sum()
    leads = spend / (rows["spend"] / rows["leads"])
    rate = (rows["won"] / rows["leads"] * factor).clip(upper=1.0)
    customers = leads * rate
    ltv = ltv_module.simple_clv(price * margin, retention, discount_rate, first_margin_now=True)
    won = float(customers.sum())
    if won <= 0:
        raise ValueError("the split wins no customers: give a channel with wins a share")
    cac = (spend / customers.where(customers > 0)).fillna(0.0)  # 0: a channel with no wins
    table = pd.DataFrame({"budget": spend, "leads": leads, "customers": customers, "cac": cac})
    return {"table": table, "customers": won, "revenue": won * price, "cac": total / won,
            "ltv": ltv, "max_cac": affordable_cac(ltv),
            "ltv_to_cac": ltv_module.ltv_to_cac(ltv, total / won),
            "roi_pct": social_roi.roi_percent(won * ltv, total)}
