"""Account-based marketing (ABM): account stages, engagement, penetration, win rate, velocity.

Framing from seed ``../shared/seeds/003_acc37c7ae0022513.txt`` (B2B marketing and ABM): ABM is
"fishing with a spear, not a net" (Matt Heinz), quality over quantity. Its funnel is
Identify -> Expand -> Engage -> Advocate, and its own KPIs are the win/loss rate, pipeline
velocity, customer experience (CSAT/CES/NPS), account penetration and deal size.

The seed describes the stages in words; the mapping from CRM touches to stages
(:data:`KIND_STAGE`) and the engagement weights (:data:`KIND_WEIGHTS`) are this course's
conventions, in the spirit of the usual lead- and account-scoring practice: a one-way signal
(an opened email) counts for less than a two-way one (a meeting).

Pipeline (sales) velocity, as Salesforce and HubSpot define it, is revenue per day:

.. math::
    v = \\frac{\\text{opportunities} \\times \\text{win rate} \\times \\text{avg deal size}}
              {\\text{sales-cycle length (days)}}
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from marketing_kit._validate import (
    check_choice,
    check_count,
    check_dataframe,
    check_number,
    check_numeric_column,
    check_rate,
)

#: The ABM funnel of seed 003, top first.
ABM_STAGES: tuple[str, ...] = ("Identify", "Expand", "Engage", "Advocate")
#: The furthest ABM stage each kind of touch is evidence for (course convention).
#: Identify = on the target list, no response yet; Expand = someone at the account responded to
#: tailored outreach; Engage = a two-way interaction; Advocate = the account recommends us.
KIND_STAGE: dict[str, str] = {
    "email_open": "Expand", "ad_click": "Expand", "email_click": "Expand", "web_visit": "Expand",
    "content_download": "Engage", "event_attendance": "Engage", "meeting": "Engage",
    "referral": "Advocate",
}
#: Points per touch before recency decay (course convention: two-way beats one-way).
KIND_WEIGHTS: dict[str, float] = {
    "email_open": 1, "ad_click": 2, "email_click": 3, "web_visit": 3, "content_download": 5,
    "event_attendance": 8, "meeting": 10, "referral": 12,
}
OPEN_STAGES: tuple[str, ...] = ("Discovery", "Proposal", "Negotiation")
WON, LOST = "Closed Won", "Closed Lost"
OPPORTUNITY_STAGES: tuple[str, ...] = (*OPEN_STAGES, WON, LOST)
TOUCH_COLUMNS = ("account_id", "kind", "timestamp")


def _touches(touches: pd.DataFrame, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    check_dataframe("touches", touches, (*TOUCH_COLUMNS, *extra))
    unknown = sorted(set(touches["kind"]) - set(KIND_STAGE))
    if unknown:
        raise ValueError(f"touches['kind'] has unknown kind(s) {unknown}; "
                         f"allowed: {list(KIND_STAGE)}")
    return touches


def account_stages(accounts: pd.DataFrame, touches: pd.DataFrame) -> pd.Series:
    """ABM stage of every target account: the furthest stage any of its touches reached.

    Accounts without touches are at ``"Identify"``. Touches of accounts not in ``accounts``
    raise ``ValueError``. Returns an ordered categorical Series indexed by ``account_id``.
    """
    check_dataframe("accounts", accounts, ("account_id",))
    _touches(touches)
    strangers = sorted(set(touches["account_id"]) - set(accounts["account_id"]))
    if strangers:
        raise ValueError(f"touches mention account(s) not in accounts: {strangers[:5]}")
    level = touches["kind"].map(KIND_STAGE).map(ABM_STAGES.index)
    furthest = level.groupby(touches["account_id"]).max()
    codes = furthest.reindex(accounts["account_id"]).fillna(0).astype(int)
    return pd.Series(pd.Categorical.from_codes(codes.to_numpy(), ABM_STAGES, ordered=True),
                     index=pd.Index(accounts["account_id"], name="account_id"), name="stage")


def engagement_scores(accounts: pd.DataFrame, touches: pd.DataFrame, as_of: str | pd.Timestamp,
                      half_life_days: float = 30.0,
                      weights: Mapping[str, float] | None = None) -> pd.Series:
    """Account engagement score: sum over touches of weight(kind) x 0.5 ** (age / half-life).

    A touch ``half_life_days`` old counts half, one twice as old a quarter (exponential decay).
    Touches after ``as_of`` have not happened yet and are left out. ``weights`` defaults to
    :data:`KIND_WEIGHTS`. Accounts without touches score 0.
    """
    check_dataframe("accounts", accounts, ("account_id",))
    _touches(touches)
    half_life = check_number("half_life_days", half_life_days, low=0, low_open=True)
    weights = dict(KIND_WEIGHTS if weights is None else weights)
    missing = sorted(set(KIND_STAGE) - set(weights))
    if missing:
        raise ValueError(f"weights needs a weight for every kind; missing {missing}")
    for kind, weight in weights.items():
        check_number(f"weights[{kind!r}]", weight, low=0)
    as_of = pd.Timestamp(as_of)
    when = pd.to_datetime(touches["timestamp"])
    age = (as_of - when).dt.total_seconds() / 86_400
    past = age >= 0
    points = touches["kind"].map(weights).astype(float) * 0.5 ** (age / half_life)
    score = points[past].groupby(touches.loc[past, "account_id"]).sum()
    return score.reindex(accounts["account_id"], fill_value=0.0).rename("engagement_score")


def target_account_penetration(stages: pd.Series, engaged_from: str = "Engage") -> float:
    """Penetration, definition 1: share of target accounts at ``engaged_from`` or beyond.

    "How much of our target list is engaged?" (a programme-level KPI). ``stages`` is the
    output of :func:`account_stages`. Compare :func:`committee_penetration`.
    """
    if not isinstance(stages, pd.Series) or stages.empty:
        raise TypeError("stages must be a non-empty pandas Series of ABM stages")
    engaged_from = check_choice("engaged_from", engaged_from, ABM_STAGES)
    unknown = sorted(set(stages.astype(str)) - set(ABM_STAGES))
    if unknown:
        raise ValueError(f"stages holds unknown stage(s) {unknown}; allowed: {list(ABM_STAGES)}")
    level = stages.astype(str).map(ABM_STAGES.index)
    return float((level >= ABM_STAGES.index(engaged_from)).mean())


def committee_penetration(contacts: pd.DataFrame, touches: pd.DataFrame) -> pd.Series:
    """Penetration, definition 2: share of each account's buying committee we have reached.

    "How deep are we inside this account?" Reached = the contact has at least one touch.
    Seed 003 names ignorance of the buying committee as a reason ABM fails: one enthusiastic
    user is not a deal. Returns a Series in [0, 1] indexed by ``account_id``.
    """
    check_dataframe("contacts", contacts, ("contact_id", "account_id"))
    _touches(touches, ("contact_id",))
    reached = contacts["contact_id"].isin(set(touches["contact_id"]))
    share = reached.groupby(contacts["account_id"]).mean()
    return share.rename("committee_penetration")


def win_rate(won: int, lost: int) -> float:
    """Win rate = won / (won + lost): closed deals only, open deals are not in the denominator.

    >>> win_rate(30, 70)
    0.3
    """
    won = check_count("won", won)
    lost = check_count("lost", lost)
    if won + lost == 0:
        raise ValueError("won + lost must be positive: no closed deals, no win rate")
    return won / (won + lost)


def pipeline_velocity(opportunities: float, win_rate: float, avg_deal_size: float,
                      cycle_days: float) -> float:
    """Pipeline velocity in revenue per day: opportunities x win rate x deal size / cycle days.

    >>> round(pipeline_velocity(18, 0.24, 42_000, 78), 2)
    2326.15
    """
    opportunities = check_number("opportunities", opportunities, low=0)
    rate = check_rate("win_rate", win_rate)
    size = check_number("avg_deal_size", avg_deal_size, low=0)
    days = check_number("cycle_days", cycle_days, low=0, low_open=True)
    return opportunities * rate * size / days


def _opportunities(opportunities: pd.DataFrame) -> pd.DataFrame:
    required = ("stage", "amount", "created_date", "closed_date")
    check_dataframe("opportunities", opportunities, required)
    unknown = sorted(set(opportunities["stage"]) - set(OPPORTUNITY_STAGES))
    if unknown:
        raise ValueError(f"opportunities['stage'] has unknown stage(s) {unknown}; "
                         f"allowed: {list(OPPORTUNITY_STAGES)}")
    check_numeric_column("opportunities", opportunities, "amount", low=0)
    return opportunities


def average_deal_size(opportunities: pd.DataFrame) -> float:
    """Mean ``amount`` of the won deals (lost and open deals are not revenue)."""
    won = _opportunities(opportunities).query("stage == @WON")
    if won.empty:
        raise ValueError("opportunities has no 'Closed Won' deal: average deal size undefined")
    return float(won["amount"].mean())


def sales_cycle_days(opportunities: pd.DataFrame) -> float:
    """Mean days from ``created_date`` to ``closed_date`` over the won deals."""
    won = _opportunities(opportunities).query("stage == @WON")
    if won.empty:
        raise ValueError("opportunities has no 'Closed Won' deal: sales cycle undefined")
    days = (pd.to_datetime(won["closed_date"]) - pd.to_datetime(won["created_date"])).dt.days
    if days.isna().any() or (days <= 0).any():
        raise ValueError("every won deal needs a closed_date after its created_date")
    return float(days.mean())


def pipeline_metrics(opportunities: pd.DataFrame, as_of: str | pd.Timestamp,
                     by: str | None = None) -> pd.DataFrame:
    """Pipeline velocity as of a date, overall or per value of column ``by``.

    As in the usual practice, the pipeline looks forward and the rates look back:
    ``open`` counts the deals created by ``as_of`` and not closed by then (the opportunities of
    the formula); ``won``, ``lost``, ``win_rate`` (closed only), ``avg_deal_size`` and
    ``cycle_days`` (won deals) come from the deals closed by ``as_of``. ``velocity`` =
    :func:`pipeline_velocity` (open, win rate, deal size, cycle), the revenue per day the open
    pipeline is expected to bring in. Deals created after ``as_of`` are ignored.
    """
    frame = _opportunities(opportunities)
    if by is not None:
        check_dataframe("opportunities", frame, (by,))
    as_of = pd.Timestamp(as_of)
    created = pd.to_datetime(frame["created_date"])
    closed = pd.to_datetime(frame["closed_date"])
    is_closed = frame["stage"].isin((WON, LOST))
    if (is_closed & closed.isna()).any() or (~is_closed & closed.notna()).any():
        raise ValueError("opportunities need a closed_date exactly when the stage is closed")
    frame = frame[created <= as_of]
    if frame.empty:
        raise ValueError(f"as_of {as_of.date()} is before the first opportunity was created")
    closed_by = pd.to_datetime(frame["closed_date"]) <= as_of
    groups = frame.groupby(by, sort=True) if by else [("all", frame)]
    rows = {}
    for key, group in groups:
        history = group[closed_by[group.index]]
        won, lost = int((history["stage"] == WON).sum()), int((history["stage"] == LOST).sum())
        try:
            rate = win_rate(won, lost)
            size, days = average_deal_size(history), sales_cycle_days(history)
        except ValueError as error:
            raise ValueError(f"{by or 'all'} = {key!r} as of {as_of.date()}: {error}") from error
        still_open = len(group) - len(history)
        rows[key] = {"open": still_open, "won": won, "lost": lost, "win_rate": rate,
                     "avg_deal_size": size, "cycle_days": days,
                     "velocity": pipeline_velocity(still_open, rate, size, days)}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = by
    return table


def touch_timeline(touches: pd.DataFrame, account_id: str) -> pd.DataFrame:
    """The touches of one account in time order, with each touch's ABM stage and weight."""
    _touches(touches)
    if account_id not in set(touches["account_id"]):
        raise ValueError(f"account_id {account_id!r} has no touches")
    rows = touches[touches["account_id"] == account_id].copy()
    rows["timestamp"] = pd.to_datetime(rows["timestamp"])
    rows["stage"] = rows["kind"].map(KIND_STAGE)
    rows["weight"] = rows["kind"].map(KIND_WEIGHTS).astype(float)
    return rows.sort_values("timestamp", kind="stable").reset_index(drop=True)


def stage_counts(stages: pd.Series) -> pd.Series:
    """Accounts that reached each ABM stage or beyond (a funnel: non-increasing counts)."""
    if not isinstance(stages, pd.Series):
        raise TypeError(f"stages must be a pandas Series of ABM stages, got {type(stages)}")
    level = stages.astype(str).map({s: i for i, s in enumerate(ABM_STAGES)})
    if level.isna().any():
        raise ValueError(f"stages must only hold {list(ABM_STAGES)}")
    return pd.Series([int((level >= i).sum()) for i in range(len(ABM_STAGES))],
                     index=pd.Index(ABM_STAGES, name="stage"), name="count", dtype=np.int64)
