"""Seeded monthly sales of one product through its whole life cycle (dataset ``plc_monthly_sales``).

A fictional smart water bottle, launched January 2015 and followed for ten years (120 months).
The underlying level rises along a logistic curve (slow introduction, fast growth), levels off
(maturity) and falls along a second logistic curve once a successor appears (decline). On top sit
a yearly season (summer and December gift peaks) and log-normal noise, so the stages have to be
read through the seasons, as in the seed's PLC picture (seed ``003``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20220617  # the seed lecture's exam date
MONTHS = 120
PEAK_LEVEL = 5200.0  # units a month at maturity, before seasonality
RISE_MIDPOINT, RISE_WIDTH = 30.0, 5.0  # months: growth is fastest around month 30
FALL_MIDPOINT, FALL_WIDTH, FALL_DEPTH = 92.0, 7.0, 0.8  # decline towards 20 % of the peak


def level(month: np.ndarray) -> np.ndarray:
    """Deseasonalised expected unit sales in months 1..120."""
    rise = 1 / (1 + np.exp(-(month - RISE_MIDPOINT) / RISE_WIDTH))
    fall = 1 - FALL_DEPTH / (1 + np.exp(-(month - FALL_MIDPOINT) / FALL_WIDTH))
    return PEAK_LEVEL * rise * fall


def season(calendar_month: np.ndarray) -> np.ndarray:
    """Multiplicative seasonality: a summer bump (July) and a December gift peak."""
    summer = 0.15 * np.cos(2 * np.pi * (calendar_month - 7) / 12)
    december = np.where(calendar_month == 12, 0.25, 0.0)
    return 1 + summer + december


def build() -> dict[str, pd.DataFrame]:
    """Return ``{"plc_monthly_sales": frame}``; identical on every call."""
    rng = np.random.default_rng(SEED)
    month = np.arange(1, MONTHS + 1)
    dates = pd.date_range("2015-01-01", periods=MONTHS, freq="MS")
    expected = level(month) * season(dates.month.to_numpy())
    units = np.round(expected * rng.lognormal(0, 0.08, MONTHS)).astype(int)
    frame = pd.DataFrame({
        "month": dates.strftime("%Y-%m"),
        "period": month,
        "units_sold": units,
    })
    return {"plc_monthly_sales": frame}
