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


def build() -> dict[str, pd.DataFrame]:
    """Return ``{"ltv_subscriptions": frame}``; identical on every call."""
    rng = np.random.default_rng(SEED)
    season = np.array([1.0, 1.05, 1.15, 1.1, 1.0, 0.95, 0.9, 0.7, 1.1, 1.15, 1.05, 0.75])
    rows = []
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
    return {"ltv_subscriptions": frame}
