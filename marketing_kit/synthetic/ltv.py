"""Seeded B2B SaaS invoices for cohort and RFM work (dataset ``ltv_subscriptions``).

About 650 business accounts sign up between January 2023 and December 2024 (fewer in August and
December) through four channels, on one of three plans. Each account is billed monthly on its
sign-up day until it cancels. Churn follows the shifted-beta-geometric model of Fader & Hardie
(2007, "How to project customer retention"): each account has its own monthly churn probability
drawn from a Beta distribution, so cohort retention falls steeply at first and then flattens as
the loyal accounts remain. Partner-referred accounts churn least, paid-search ones most. An
invoice is the plan price plus usage overage (log-normal) for some months. Observation ends on
2024-12-31.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln

SEED = 20240101
START, END = pd.Timestamp("2023-01-01"), pd.Timestamp("2024-12-31")
MONTHS = 24
BASE_SIGNUPS = 27  # per month, before seasonality

# plan: (monthly price $, share of sign-ups)
PLANS = {"Starter": (49.0, 0.55), "Growth": (199.0, 0.35), "Enterprise": (899.0, 0.10)}
# channel: (share of sign-ups, Beta(a, b) of the monthly churn probability)
CHANNELS = {
    "organic": (0.35, (1.0, 9.0)),
    "paid_search": (0.30, (1.2, 5.0)),
    "partner": (0.15, (1.0, 16.0)),
    "outbound": (0.20, (1.0, 7.0)),
}


def _simulate() -> tuple[pd.DataFrame, pd.Series]:
    """The invoices and each account's true monthly churn probability (one seeded run)."""
    rng = np.random.default_rng(SEED)
    season = np.array([1.0, 1.05, 1.15, 1.1, 1.0, 0.95, 0.9, 0.7, 1.1, 1.15, 1.05, 0.75])
    rows = []
    churns: dict[str, float] = {}
    account = 0
    plan_names, plan_info = list(PLANS), list(PLANS.values())
    channel_names, channel_info = list(CHANNELS), list(CHANNELS.values())
    for month in range(MONTHS):
        signups = rng.poisson(BASE_SIGNUPS * season[month % 12] * (1 + 0.01 * month))
        for _ in range(signups):
            account += 1
            plan = rng.choice(len(plan_names), p=[share for _, share in plan_info])
            channel = rng.choice(len(channel_names), p=[share for share, _ in channel_info])
            a, b = channel_info[channel][1]
            churn = rng.beta(a, b)
            churns[f"A{account:04d}"] = churn
            day = int(rng.integers(1, 29))
            first = START + pd.DateOffset(months=month) + pd.Timedelta(days=day - 1)
            price = plan_info[plan][0]
            overage_share = 0.3 if plan_names[plan] != "Starter" else 0.1
            billed = 0
            while True:
                date = first + pd.DateOffset(months=billed)
                if date > END:
                    break
                extra = rng.random() < overage_share
                overage = rng.lognormal(np.log(0.25 * price), 0.5) if extra else 0
                rows.append((f"A{account:04d}", date.strftime("%Y-%m-%d"), plan_names[plan],
                             channel_names[channel], round(price + overage, 2)))
                billed += 1
                if rng.random() < churn:
                    break
    frame = pd.DataFrame(rows, columns=["account_id", "invoice_date", "plan", "channel", "amount"])
    return frame, pd.Series(churns, name="churn").rename_axis("account_id")


def build() -> dict[str, pd.DataFrame]:
    """Return ``{"ltv_subscriptions": frame}``; identical on every call."""
    return {"ltv_subscriptions": _simulate()[0]}


def true_churn() -> pd.Series:
    """The generator's truth: each account's monthly churn probability (Beta by channel)."""
    return _simulate()[1]


def true_cohort_retention(period: int, invoices: pd.DataFrame | None = None) -> pd.Series:
    """Expected share of each monthly cohort still paying ``period`` months after sign-up.

    The generator's truth before chance: churn depends only on the channel (Beta(a, b) per
    channel); there is no seasonal, December or promotion effect. An account from a channel
    with Beta(a, b) pays month 0 and survives each later month with probability 1 - p, so
    E[(1 - p)^k] = B(a, b + k) / B(a, b) (the shifted-beta-geometric survivor function, Fader &
    Hardie 2007, eq. 5). A cohort's value is the mean over its accounts, i.e. its channel mix.
    ``invoices`` (the ``ltv_subscriptions`` frame, which records each account's channel) saves
    re-running the simulation; by default the generator is run again.
    """
    if isinstance(period, bool) or not isinstance(period, (int, np.integer)):
        raise TypeError(f"period must be a whole number (months), got {type(period).__name__}")
    if period < 0:
        raise ValueError(f"period must be >= 0 months, got {period}")
    frame = _simulate()[0] if invoices is None else invoices
    missing = {"account_id", "invoice_date", "channel"} - set(getattr(frame, "columns", ()))
    if missing:
        raise ValueError(f"invoices must have the columns of ltv_subscriptions; missing {missing}")
    unknown = set(frame["channel"]) - set(CHANNELS)
    if unknown:
        raise ValueError(f"invoices['channel'] has values the generator does not know: {unknown}")
    first = (frame.sort_values("invoice_date")
             .groupby("account_id")[["invoice_date", "channel"]].first())
    cohort = pd.to_datetime(first["invoice_date"]).dt.to_period("M")
    survive = {name: float(np.exp(betaln(a, b + period) - betaln(a, b)))
               for name, (_, (a, b)) in CHANNELS.items()}
    values = first["channel"].map(survive)
    return values.groupby(cohort).mean().rename("true_retention").rename_axis("cohort")


def channel_churn() -> pd.Series:
    """Mean monthly churn probability a / (a + b) of each channel's Beta(a, b)."""
    return pd.Series({name: a / (a + b) for name, (_, (a, b)) in CHANNELS.items()},
                     name="mean_churn")


def true_survival(periods: int, invoices: pd.DataFrame | None = None) -> pd.Series:
    """The generator's expected share of all accounts still paying after 0..``periods`` months.

    The mean over every account of B(a, b + t) / B(a, b) for its channel's Beta(a, b): a mixture
    of four shifted-beta-geometric curves (Fader & Hardie 2007), the truth an sBG fit estimates.
    """
    if isinstance(periods, bool) or not isinstance(periods, (int, np.integer)):
        raise TypeError(f"periods must be a whole number (months), got {type(periods).__name__}")
    if periods < 0:
        raise ValueError(f"periods must be >= 0 months, got {periods}")
    frame = _simulate()[0] if invoices is None else invoices
    if "channel" not in getattr(frame, "columns", ()) or "account_id" not in frame.columns:
        raise ValueError("invoices must have the columns of ltv_subscriptions")
    channels = frame.groupby("account_id")["channel"].first()
    shares = channels.value_counts(normalize=True)
    t = np.arange(periods + 1)
    curve = sum(shares.get(name, 0.0) * np.exp(betaln(a, b + t) - betaln(a, b))
                for name, (_, (a, b)) in CHANNELS.items())
    return pd.Series(curve, index=pd.Index(t, name="period"), name="true_survival")
