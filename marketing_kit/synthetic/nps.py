"""Seeded customer-experience survey: 2,000 answers over 2025 (dataset ``nps_survey``).

Each respondent has an overall experience level made of a segment effect (enterprise customers
happiest, small businesses least), a touchpoint effect (onboarding best, billing worst), a
steady improvement over the year and personal noise. Five attribute ratings (1-5) share that
level plus their own component; likelihood to recommend (0-10) leans most on reliability, then
support quality and value for money, a little on ease of use and not at all on design, so a
driver analysis has a clear answer. CSAT (1-5) and CES 2.0 (1-7, higher = easier) follow the same
level, with billing and support answers costing more effort. About 1 % of respondents (22) skipped
the recommend question (empty ``likelihood``), and most left no comment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 2003_12  # Reichheld's HBR article, December 2003
N = 2000
ATTRIBUTES = ("reliability", "support_quality", "value_for_money", "ease_of_use", "design")

SEGMENTS = {"Consumer": (0.45, 0.0), "Small business": (0.35, -0.30), "Enterprise": (0.20, 0.35)}
# touchpoint: (share of answers, experience effect, extra effort on the CES scale)
TOUCHPOINTS = {
    "onboarding": (0.20, 0.30, 0.3),
    "product": (0.25, 0.10, 0.0),
    "support": (0.25, -0.10, -0.5),
    "billing": (0.15, -0.45, -0.9),
    "renewal": (0.15, 0.00, -0.2),
}
# weight of each attribute's own component in likelihood to recommend
WEIGHTS = {"reliability": 0.95, "support_quality": 0.6, "value_for_money": 0.4,
           "ease_of_use": 0.15, "design": 0.0}

COMMENTS = {
    "promoter": ["Works every single day, no complaints.", "Support solved my problem in minutes.",
                 "Great value for what we pay.", "Already told two colleagues about it.",
                 "Setup was painless and the team was friendly."],
    "passive": ["Does the job, nothing special.", "Fine, but the price keeps creeping up.",
                "Mostly reliable; the odd outage is annoying.", "OK overall.",
                "Would like more reporting options."],
    "detractor": ["Too many outages this month.", "Waited three days for a support reply.",
                  "The invoice was wrong again.",
                  "Hard to figure out, gave up on half the features.",
                  "Not worth the money.", "Thinking about switching."],
}


def _rating(latent: np.ndarray, centre: float, spread: float, low: int, high: int) -> np.ndarray:
    return np.clip(np.round(centre + spread * latent), low, high).astype(int)


def build() -> dict[str, pd.DataFrame]:
    """Return ``{"nps_survey": frame}``; identical on every call."""
    rng = np.random.default_rng(SEED)
    day = np.sort(rng.integers(0, 365, N))
    date = pd.Timestamp("2025-01-01") + pd.to_timedelta(day, unit="D")
    segment = rng.choice(list(SEGMENTS), N, p=[v[0] for v in SEGMENTS.values()])
    touchpoint = rng.choice(list(TOUCHPOINTS), N, p=[v[0] for v in TOUCHPOINTS.values()])
    seg_effect = np.array([SEGMENTS[s][1] for s in segment])
    tp_effect = np.array([TOUCHPOINTS[t][1] for t in touchpoint])
    effort = np.array([TOUCHPOINTS[t][2] for t in touchpoint])
    trend = 0.8 * day / 364 - 0.4  # the year's improvement programme
    level = seg_effect + tp_effect + trend + rng.normal(0, 0.75, N)

    own = {name: rng.normal(0, 1, N) for name in ATTRIBUTES}
    ratings = {name: _rating(0.6 * level + 0.75 * own[name] + rng.normal(0, 0.3, N), 3.4, 1.0, 1, 5)
               for name in ATTRIBUTES}
    drive = level + sum(w * own[name] for name, w in WEIGHTS.items()) + rng.normal(0, 0.6, N)
    angry = rng.random(N) < 0.04  # a few furious answers make the long left tail
    drive = np.where(angry, drive - rng.uniform(2, 5, N), drive)
    likelihood = _rating(drive, 8.1, 1.45, 0, 10).astype(float)
    csat = _rating(level + 0.35 * own["support_quality"] + rng.normal(0, 0.6, N), 3.9, 0.85, 1, 5)
    ces = _rating(level + effort + rng.normal(0, 0.8, N), 5.2, 1.0, 1, 7)

    category = np.where(likelihood >= 9, "promoter", np.where(likelihood >= 7, "passive",
                                                              "detractor"))
    comment = np.array([rng.choice(COMMENTS[c]) for c in category], dtype=object)
    comment[rng.random(N) < 0.6] = ""
    likelihood[rng.random(N) < 0.015] = np.nan  # skipped the question

    frame = pd.DataFrame({
        "respondent_id": [f"R{i:05d}" for i in range(1, N + 1)],
        "date": date.strftime("%Y-%m-%d"),
        "segment": segment,
        "touchpoint": touchpoint,
        "likelihood": pd.array(likelihood, dtype="Int64"),
        "csat": csat,
        "ces": ces,
        **ratings,
        "comment": comment,
    })
    return {"nps_survey": frame}


def true_driver_weights() -> pd.Series:
    """The generator's truth: weight of each attribute's own component in likelihood to recommend.

    Every rating also carries the shared experience level (the halo), so a driver analysis
    should rank the attributes in this order and give ``design`` no weight of its own.
    """
    return pd.Series(WEIGHTS, name="true_weight").rename_axis("driver")


def true_segment_effects() -> pd.Series:
    """The generator's truth: each segment's shift of the latent experience level (Consumer 0)."""
    return pd.Series({name: effect for name, (_, effect) in SEGMENTS.items()},
                     name="true_effect").rename_axis("segment")
