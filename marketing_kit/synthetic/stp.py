"""Seeded café-market survey and brand ratings for the STP notebook (datasets ``stp_*``).

``stp_survey``: 1,000 respondents drawn from five latent segments (shares 26/24/20/16/14 %)
with overlapping distributions and a quarter of hybrids, so k-means finds structure but no
clean blobs. Columns cover
the seed's segmentation bases (seed ``003_acc37c7ae0022513.txt``): demographic (age, income),
geographic (region), psychographic/lifestyle 1-7 Likert items, benefits sought, usage, plus
three targeting inputs (expected spend growth, number of café brands used, consideration of
the focal brand *Mokka House*). Eleven respondents skipped one Likert item (NaN) so the
notebook has something to clean.

``stp_brand_ratings``: mean 1-7 ratings of 9 fictional café brands on 8 attributes.
``stp_ideal_points``: each latent segment's mean rating of its *ideal* café on the same
attributes (the "ideal brand" question of a perceptual-mapping survey).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20220602  # the seed post's week-14 date

N_RESPONDENTS = 1000
#: Scales every within-segment SD of the clustering bases: the overlap knob. With the hybrids
#: below, the silhouette of k = 5 beats k = 3 by about 0.02 and k-means recovers the latent
#: segments with an adjusted Rand index of about 0.87: real structure, visible overlap.
SPREAD = 0.7
#: Share of respondents whose means blend 20-50 % towards a second, random segment.
HYBRID_SHARE = 0.25

#: Latent segments: share, then (mean, sd) per survey variable.
SEGMENTS: dict[str, dict[str, tuple[float, float] | float]] = {
    "budget students": {
        "share": 0.26, "age": (23, 3), "income": (2.2, 0.8), "visits_per_week": (3.0, 1.2),
        "spend_per_visit": (3.6, 0.8), "price_sensitivity": (5.9, 0.9), "health_focus": (3.2, 1.1),
        "convenience_need": (4.2, 1.1), "social_space": (5.0, 1.1), "taste_exploration": (3.6, 1.1),
        "spend_growth_pct": (6, 8), "brands_used": (4.2, 1.3), "considers_mokka": 0.22,
    },
    "busy commuters": {
        "share": 0.24, "age": (36, 6), "income": (4.6, 1.2), "visits_per_week": (6.5, 1.6),
        "spend_per_visit": (4.3, 0.9), "price_sensitivity": (4.2, 1.0), "health_focus": (3.3, 1.1),
        "convenience_need": (6.2, 0.8), "social_space": (2.4, 1.0), "taste_exploration": (3.0, 1.0),
        "spend_growth_pct": (2, 6), "brands_used": (2.2, 0.9), "considers_mokka": 0.30,
    },
    "café socialisers": {
        "share": 0.20, "age": (29, 5), "income": (3.8, 1.1), "visits_per_week": (3.4, 1.2),
        "spend_per_visit": (6.4, 1.1), "price_sensitivity": (3.6, 1.1), "health_focus": (3.6, 1.1),
        "convenience_need": (3.2, 1.1), "social_space": (6.2, 0.8), "taste_exploration": (5.4, 1.0),
        "spend_growth_pct": (11, 8), "brands_used": (5.0, 1.4), "considers_mokka": 0.55,
    },
    "health seekers": {
        "share": 0.16, "age": (42, 8), "income": (5.0, 1.4), "visits_per_week": (2.6, 1.0),
        "spend_per_visit": (5.8, 1.1), "price_sensitivity": (3.3, 1.1), "health_focus": (6.3, 0.7),
        "convenience_need": (4.0, 1.1), "social_space": (3.5, 1.1), "taste_exploration": (4.0, 1.1),
        "spend_growth_pct": (13, 7), "brands_used": (3.0, 1.0), "considers_mokka": 0.28,
    },
    "premium connoisseurs": {
        "share": 0.14, "age": (47, 8), "income": (7.6, 1.8), "visits_per_week": (2.2, 0.9),
        "spend_per_visit": (8.4, 1.4), "price_sensitivity": (2.1, 0.9), "health_focus": (4.2, 1.1),
        "convenience_need": (3.0, 1.1), "social_space": (3.8, 1.1), "taste_exploration": (6.3, 0.7),
        "spend_growth_pct": (4, 6), "brands_used": (2.6, 1.0), "considers_mokka": 0.45,
    },
}

LIKERT = ("price_sensitivity", "health_focus", "convenience_need", "social_space",
          "taste_exploration")
REGIONS = ("Seoul", "Gyeonggi", "Busan", "Other")
REGION_SHARES = (0.40, 0.28, 0.12, 0.20)

ATTRIBUTES = ("value_for_money", "taste", "speed", "atmosphere", "healthy_options",
              "premium_feel", "trendiness", "location_convenience")

#: Brand positions on three latent dimensions: (premium vs value, experience vs speed, health).
BRAND_POSITIONS = {
    "Mokka House": (0.4, 0.9, 0.0),
    "Bean Brothers": (-1.0, 0.8, -0.3),
    "Daily Grind": (-0.6, -0.8, -0.2),
    "QuickCup": (-1.2, -1.3, -0.5),
    "Urban Roast": (0.7, 1.1, 0.3),
    "Green Leaf": (0.1, 0.0, 1.6),
    "Maison Café": (1.4, -0.1, 0.1),
    "Hanok Brew": (0.4, 1.6, -0.2),
    "Espresso Lab": (1.1, -1.2, 0.0),
}
#: How each attribute loads on the three latent dimensions.
ATTRIBUTE_LOADINGS = {
    "value_for_money": (-1.2, 0.0, 0.0),
    "taste": (0.9, 0.2, 0.1),
    "speed": (0.0, -1.2, 0.0),
    "atmosphere": (0.1, 1.2, 0.0),
    "healthy_options": (0.1, 0.0, 1.3),
    "premium_feel": (1.2, 0.2, 0.1),
    "trendiness": (0.4, 0.8, 0.4),
    "location_convenience": (-0.2, -1.0, 0.0),
}
#: Each latent segment's ideal café on the three latent dimensions.
IDEAL_POSITIONS = {
    "budget students": (-1.2, 0.2, -0.2),
    "busy commuters": (-0.5, -1.5, -0.1),
    "café socialisers": (0.4, 1.4, 0.2),
    "health seekers": (0.4, 0.2, 1.8),
    "premium connoisseurs": (1.6, 0.7, 0.3),
}


def _likert(values: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(values), 1, 7).astype(int)


def survey(rng: np.random.Generator) -> pd.DataFrame:
    """The respondent-level survey (see the module docstring)."""
    return _survey_with_truth(rng)[0]


def _survey_with_truth(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The survey and, per respondent, its latent segment, hybrid flag and second segment."""
    names = list(SEGMENTS)
    shares = np.array([SEGMENTS[n]["share"] for n in names])
    membership = rng.choice(len(names), size=N_RESPONDENTS, p=shares / shares.sum())
    # hybrids: some respondents lean partly towards a second segment (a student who commutes)
    second = rng.choice(len(names), size=N_RESPONDENTS, p=shares / shares.sum())
    hybrid = rng.random(N_RESPONDENTS) < HYBRID_SHARE
    blend = np.where(hybrid, rng.uniform(0.2, 0.5, N_RESPONDENTS), 0.0)
    columns: dict[str, np.ndarray] = {}
    for variable in ("age", "income", "visits_per_week", "spend_per_visit", *LIKERT,
                     "spend_growth_pct", "brands_used"):
        means = np.array([SEGMENTS[n][variable][0] for n in names])
        mean = (1 - blend) * means[membership] + blend * means[second]
        sd = np.array([SEGMENTS[n][variable][1] for n in names])[membership]
        if variable not in ("spend_growth_pct", "brands_used"):
            sd = sd * SPREAD
        columns[variable] = mean + sd * rng.standard_normal(N_RESPONDENTS)
    consider = np.array([SEGMENTS[n]["considers_mokka"] for n in names])[membership]
    frame = pd.DataFrame({
        "respondent_id": np.arange(1, N_RESPONDENTS + 1),
        "age": np.clip(np.rint(columns["age"]), 18, 75).astype(int),
        "income": np.round(np.clip(columns["income"], 0.8, 15), 1),
        "region": rng.choice(REGIONS, size=N_RESPONDENTS, p=REGION_SHARES),
        "visits_per_week": np.clip(np.rint(columns["visits_per_week"]), 0, 14).astype(int),
        "spend_per_visit": np.round(np.clip(columns["spend_per_visit"], 2.0, 15), 1),
    })
    for item in LIKERT:
        frame[item] = _likert(columns[item]).astype(float)
    frame["spend_growth_pct"] = np.clip(np.rint(columns["spend_growth_pct"]), -50, 60).astype(int)
    frame["brands_used"] = np.clip(np.rint(columns["brands_used"]), 1, 10).astype(int)
    frame["considers_mokka"] = rng.binomial(1, consider)
    skipped = rng.choice(N_RESPONDENTS, size=11, replace=False)
    items = rng.choice(LIKERT, size=11)
    for row, item in zip(skipped, items, strict=True):
        frame.loc[row, item] = np.nan
    truth = pd.DataFrame({
        "respondent_id": frame["respondent_id"],
        "true_segment": np.array(names)[membership],
        "hybrid": hybrid,
        "leans_towards": np.where(hybrid, np.array(names)[second], ""),
    })
    return frame, truth


def true_segments() -> pd.DataFrame:
    """Ground truth of ``stp_survey``: each respondent's latent segment (same rows, same order).

    Replays the seeded generator, so it matches the CSV row for row; ``hybrid`` marks the
    respondents whose means lean towards ``leans_towards``. Not part of the CSV: a real survey
    never knows it; the notebook uses it once to show what k-means recovers.
    """
    return _survey_with_truth(np.random.default_rng(SEED))[1]


def true_ratings() -> dict[str, pd.DataFrame]:
    """Noise-free brand and ideal ratings (4 + loadings . position, clipped to 1-7).

    What ``stp_brand_ratings`` / ``stp_ideal_points`` would hold without the survey noise
    (SD 0.3 for brands, 0.15 for ideals): the truth a perceptual map estimates.
    """
    loadings = np.array([ATTRIBUTE_LOADINGS[a] for a in ATTRIBUTES])
    out = {}
    for name, positions, key in (("stp_brand_ratings", BRAND_POSITIONS, "brand"),
                                 ("stp_ideal_points", IDEAL_POSITIONS, "segment")):
        rows = {n: np.clip(4 + loadings @ np.array(pos), 1, 7) for n, pos in positions.items()}
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(ATTRIBUTES))
        out[name] = frame.rename_axis(key)
    return out


def _ratings(rng: np.random.Generator, positions: dict, noise: float) -> pd.DataFrame:
    loadings = np.array([ATTRIBUTE_LOADINGS[a] for a in ATTRIBUTES])
    rows = {}
    for name, position in positions.items():
        score = 4 + loadings @ np.array(position) + noise * rng.standard_normal(len(ATTRIBUTES))
        rows[name] = np.round(np.clip(score, 1, 7), 2)
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(ATTRIBUTES))


def build() -> dict[str, pd.DataFrame]:
    """Return the three STP datasets; identical on every call."""
    # one random stream per file, so tuning the survey never moves the brand map
    frame = survey(np.random.default_rng(SEED))
    # stream 10 of the first 30 tried keeps Mokka House and Urban Roast close (the lesson)
    brands = _ratings(np.random.default_rng([SEED, 10]), BRAND_POSITIONS, 0.3)
    ideals = _ratings(np.random.default_rng([SEED, 2]), IDEAL_POSITIONS, 0.15)
    brands = brands.rename_axis("brand").reset_index()
    ideals = ideals.rename_axis("segment").reset_index()
    return {"stp_survey": frame, "stp_brand_ratings": brands, "stp_ideal_points": ideals}
