"""Seeded customer journeys over nine channels and a channel cost / lead-quality table.

Datasets ``attribution_journeys`` (one row per distinct path: ``path``, ``conversions``,
``nulls``, ``value``) and ``attribution_channels`` (``channel``, ``stage``, ``monthly_cost``,
``leads``, ``qualified_leads``, ``csat``).

Journeys are simulated user by user: the first touch is drawn from :data:`OPENERS` (awareness
channels open most journeys; Retargeting never does), each next touch from the row of
:data:`NEXT_STAGE` for the current channel's funnel stage, then a channel within that stage;
after each touch the journey stops with probability :data:`STOP` (at most :data:`MAX_TOUCHES`).
A journey converts with probability sigmoid(:data:`BASE_LOGIT` + the lifts of its distinct
channels + a closing bonus when the last touch is a conversion-stage channel). Order values are
log-normal (median about $95), 40 % higher when a Webinar is on the path (B2B demo requests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20160815  # publication date of seed 001
USERS = 30_000
MAX_TOUCHES = 12
STOP = 0.38
BASE_LOGIT = -3.1
CLOSING_BONUS = 0.9

# channel: (stage, share of first touches, conversion lift of being on the path)
CHANNELS = {
    "Display": ("awareness", 0.20, 0.05),
    "Social": ("awareness", 0.26, 0.15),
    "Video": ("awareness", 0.10, 0.35),
    "Organic Search": ("consideration", 0.16, 0.45),
    "Webinar": ("consideration", 0.03, 1.10),
    "Email": ("consideration", 0.07, 0.55),
    "Paid Search": ("conversion", 0.12, 0.40),
    "Direct": ("conversion", 0.06, 0.60),
    "Retargeting": ("conversion", 0.00, 0.25),
}
STAGES = ("awareness", "consideration", "conversion")
OPENERS = np.array([spec[1] for spec in CHANNELS.values()])
# P(next touch's stage | current stage): journeys drift down the funnel.
NEXT_STAGE = np.array(
    [
        [0.35, 0.45, 0.20],
        [0.10, 0.45, 0.45],
        [0.05, 0.25, 0.70],
    ]
)
# P(channel | stage) for touches after the first.
WITHIN_STAGE = {
    "awareness": {"Display": 0.45, "Social": 0.35, "Video": 0.20},
    "consideration": {"Organic Search": 0.35, "Webinar": 0.20, "Email": 0.45},
    "conversion": {"Paid Search": 0.35, "Direct": 0.25, "Retargeting": 0.40},
}

# channel: (monthly cost $, leads a month, share of leads sales accepts as qualified, CSAT 1-5)
CHANNEL_ECONOMICS = {
    "Display": (9_000, 410, 0.12, 3.4),
    "Social": (7_500, 520, 0.10, 4.3),
    "Video": (11_000, 260, 0.21, 3.9),
    "Organic Search": (4_500, 380, 0.24, 4.0),
    "Webinar": (8_000, 150, 0.46, 4.1),
    "Email": (3_000, 340, 0.20, 4.4),
    "Paid Search": (14_000, 450, 0.31, 3.8),
    "Direct": (2_000, 210, 0.38, 4.2),
    "Retargeting": (6_500, 300, 0.17, 3.1),
}


def simulate_journeys(users: int = USERS, seed: int = SEED) -> pd.DataFrame:
    """Simulate ``users`` journeys and aggregate them by path (see the module docstring)."""
    rng = np.random.default_rng(seed)
    names = list(CHANNELS)
    stage_of = np.array([STAGES.index(CHANNELS[n][0]) for n in names])
    lift = np.array([CHANNELS[n][2] for n in names])
    within = {
        s: (
            np.array([names.index(c) for c in WITHIN_STAGE[s]]),
            np.array(list(WITHIN_STAGE[s].values())),
        )
        for s in STAGES
    }
    webinar = names.index("Webinar")
    rows = []
    for _ in range(users):
        path = [rng.choice(len(names), p=OPENERS / OPENERS.sum())]
        while len(path) < MAX_TOUCHES and rng.random() > STOP:
            stage = rng.choice(3, p=NEXT_STAGE[stage_of[path[-1]]])
            members, weights = within[STAGES[stage]]
            path.append(rng.choice(members, p=weights))
        distinct = set(path)
        logit = BASE_LOGIT + lift[list(distinct)].sum() + CLOSING_BONUS * (stage_of[path[-1]] == 2)
        converted = rng.random() < 1 / (1 + np.exp(-logit))
        value = (
            rng.lognormal(np.log(95), 0.55) * (1.4 if webinar in distinct else 1.0)
            if converted
            else 0.0
        )
        rows.append((" > ".join(names[i] for i in path), int(converted), int(not converted), value))
    users_frame = pd.DataFrame(rows, columns=["path", "conversions", "nulls", "value"])
    journeys = users_frame.groupby("path", sort=True).sum().reset_index()
    journeys["value"] = journeys["value"].round(2)
    return journeys


def channel_table(seed: int = SEED) -> pd.DataFrame:
    """The monthly channel cost and lead-quality table, with binomial noise on qualified leads."""
    rng = np.random.default_rng(seed + 1)
    rows = []
    for name, (cost, leads, quality, csat) in CHANNEL_ECONOMICS.items():
        rows.append(
            {
                "channel": name,
                "stage": CHANNELS[name][0],
                "monthly_cost": cost,
                "leads": leads,
                "qualified_leads": int(rng.binomial(leads, quality)),
                "csat": csat,
            }
        )
    return pd.DataFrame(rows)


def build() -> dict[str, pd.DataFrame]:
    """Return both frames (journeys and channels); identical on every call."""
    return {"attribution_journeys": simulate_journeys(), "attribution_channels": channel_table()}


def _true_probability(channels: list[str]) -> float:
    """P(conversion) of a journey under this generator's model; 0 for an empty journey."""
    if not channels:
        return 0.0
    logit = BASE_LOGIT + sum(CHANNELS[name][2] for name in set(channels))
    logit += CLOSING_BONUS * (CHANNELS[channels[-1]][0] == "conversion")
    return float(1 / (1 + np.exp(-logit)))


def true_incremental_credit(journeys: pd.DataFrame) -> pd.Series:
    """The generator's ground truth: conversions each channel causes on the observed paths.

    For every path and every channel on it, the expected conversions lost when that channel's
    touches are deleted and the rest of the path is kept (a path left empty converts nobody),
    computed from the true model P(conv) = sigmoid(:data:`BASE_LOGIT` + distinct-channel lifts
    + :data:`CLOSING_BONUS` if the last touch is a conversion-stage channel) and the number of
    people on the path. The losses are then scaled to the observed conversions, so the Series
    sits on the same scale as an attribution model's credit. Only a simulation knows this; in
    real data the counterfactual needs an experiment (a hold-out or geo test).
    """
    lost = dict.fromkeys(CHANNELS, 0.0)
    for path, people in zip(journeys["path"], journeys["conversions"] + journeys["nulls"],
                            strict=True):
        names = [name.strip() for name in str(path).split(">")]
        full = _true_probability(names)
        for name in set(names):
            lost[name] += people * (full - _true_probability([n for n in names if n != name]))
    credit = pd.Series(lost, name="true_credit").rename_axis("channel")
    return credit * journeys["conversions"].sum() / credit.sum()
