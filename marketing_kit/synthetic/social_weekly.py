"""Seeded weekly social-media tracking data: 52 weeks x 5 channels (dataset ``social_weekly``).

Each channel has its own reach level, click-through, lead and close rates, weekly spend and
hours. Reach follows a B2B year: a dip over the summer holidays (weeks 30-34) and at year end
(weeks 51-52), a lift in spring and autumn conference seasons, plus log-normal noise. Clicks,
leads and customers are binomial draws down the funnel, so small channels are noisy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20140630  # the seed post's publication date
WEEKS = 52

# channel: (mean weekly reach, click-through, lead rate, close rate, weekly spend $, weekly hours)
CHANNELS = {
    "Facebook": (42_000, 0.018, 0.090, 0.095, 260.0, 9.0),
    "Instagram": (30_000, 0.012, 0.060, 0.070, 180.0, 7.0),
    "LinkedIn": (9_000, 0.030, 0.140, 0.135, 380.0, 8.5),
    "Twitter": (26_000, 0.010, 0.050, 0.060, 60.0, 5.0),
    "YouTube": (15_000, 0.015, 0.050, 0.080, 150.0, 8.0),
}


def season(week: np.ndarray) -> np.ndarray:
    """Multiplicative seasonality of reach for ISO-like week numbers 1..52."""
    yearly = 1 + 0.15 * np.sin(2 * np.pi * (week - 10) / 26)  # spring and autumn peaks
    holidays = np.where((week >= 30) & (week <= 34), 0.75, 1.0)
    year_end = np.where(week >= 51, 0.6, 1.0)
    return yearly * holidays * year_end


def build() -> dict[str, pd.DataFrame]:
    """Return ``{"social_weekly": frame}``; identical on every call."""
    rng = np.random.default_rng(SEED)
    week = np.arange(1, WEEKS + 1)
    frames = []
    for channel, (reach0, ctr, lead_rate, close_rate, spend0, hours0) in CHANNELS.items():
        reach = np.round(reach0 * season(week) * rng.lognormal(0, 0.12, WEEKS)).astype(int)
        clicks = rng.binomial(reach, ctr)
        leads = rng.binomial(clicks, lead_rate)
        customers = rng.binomial(leads, close_rate)
        spend = np.round(spend0 * rng.gamma(20, 1 / 20, WEEKS), 2)
        hours = np.round(hours0 * rng.gamma(16, 1 / 16, WEEKS) * 2) / 2  # half-hour steps
        frames.append(
            pd.DataFrame(
                {
                    "week": week,
                    "channel": channel,
                    "reach": reach,
                    "clicks": clicks,
                    "leads": leads,
                    "customers": customers,
                    "spend": spend,
                    "hours": hours,
                }
            )
        )
    return {"social_weekly": pd.concat(frames, ignore_index=True)}


def expected_customers(weekly: pd.DataFrame) -> pd.Series:
    """The generator's truth: expected customers per channel given the realised weekly reach.

    E[customers] = sum over weeks of reach x click-through x lead rate x close rate (the
    :data:`CHANNELS` parameters); the observed counts scatter around it by binomial noise.
    """
    rates = {name: spec[1] * spec[2] * spec[3] for name, spec in CHANNELS.items()}
    expected = weekly["reach"] * weekly["channel"].map(rates)
    return expected.groupby(weekly["channel"]).sum().rename("expected_customers")


def true_roi(weekly: pd.DataFrame, ltv: float, hourly_rate: float) -> pd.Series:
    """ROI % per channel if every channel earned its :func:`expected_customers` (the truth).

    Cost is the observed spend + hours x ``hourly_rate``; only the customer count is replaced
    by its expectation, so the gap to the observed ROI is the binomial noise of the funnel.
    """
    cost = (weekly["spend"] + weekly["hours"] * hourly_rate).groupby(weekly["channel"]).sum()
    return ((expected_customers(weekly) * ltv - cost) / cost * 100).rename("true_roi_pct")
