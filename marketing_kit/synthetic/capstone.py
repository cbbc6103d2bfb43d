"""Seeded data pack of the capstone case (datasets ``capstone_*``), notebook 11.

*Datalane* is a fictional mid-sized B2B software vendor: the vendor of the ``crm_*`` files of
notebook 06. In January 2024 it launched **Datalane Pulse**, a yearly-subscription forecasting
module for marketing teams. The capstone plans Pulse's marketing for 2026 from:

* ``capstone_survey``: 360 buyers at prospect and customer firms (segmentation bases; NPS and
  CES for the customers among them);
* ``capstone_swot``: the hand-written SWOT factors of Pulse with IFE/EFE weights and ratings;
* ``capstone_adoption``: new Pulse customers per month, January 2024 - December 2025 (a Bass
  curve with Poisson noise);
* ``capstone_customers``: the customers whose contract came up for renewal in 2025 (contract
  value, gross margin, renewed or not, days from opportunity to signature);
* ``capstone_campaigns``: 2025 by month and channel: spend and the funnel (leads, MQLs, SQLs,
  opportunities, won). The won column adds up to the 2025 months of ``capstone_adoption``.

The true parameters below are the ground truth the notebook sets beside its estimates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20220609  # the seed course's week-15 lecture on B2B marketing (9 June 2022)
LAUNCH = pd.Timestamp("2024-01-01")
MONTHS = 24

#: True Bass parameters of Pulse adoption per month (p, q, m).
BASS = (0.005, 0.22, 1000.0)

#: Segments: (respondents, employees median, data maturity 1-7, budget $k/month,
#: urgency 1-7, price sensitivity 1-7, share that are customers)
SEGMENTS = {
    "Scale-ups": (150, 400, 5.4, 3.2, 5.8, 3.4, 0.45),
    "Enterprise data teams": (90, 6000, 5.8, 9.5, 3.0, 2.2, 0.30),
    "Small agencies": (120, 40, 2.6, 0.8, 4.2, 6.0, 0.20),
}
#: Latent experience by segment (drives likelihood to recommend and CES).
EXPERIENCE = {"Scale-ups": 0.35, "Enterprise data teams": 0.0, "Small agencies": -0.45}

#: Renewals: mean contract value $ per year, gross margin, true renewal probability.
ACV_MEAN, GROSS_MARGIN, RENEWAL = 24_000, 0.80, 0.85
RENEWING_CUSTOMERS = 320
CYCLE_DAYS_MEAN = 48

#: Channel: (monthly spend $, share of won, lead->MQL, MQL->SQL, SQL->opp, opp->won)
CHANNELS = {
    "Paid search": (100_000, 0.22, 0.38, 0.34, 0.60, 0.30),
    "LinkedIn Ads": (84_000, 0.14, 0.33, 0.36, 0.62, 0.33),
    "Webinar": (44_000, 0.17, 0.52, 0.30, 0.55, 0.31),
    "Content syndication": (68_000, 0.08, 0.42, 0.20, 0.50, 0.26),
    "Email": (22_000, 0.23, 0.45, 0.34, 0.58, 0.32),
    "Trade show": (60_000, 0.05, 0.60, 0.40, 0.60, 0.30),
    "Referral": (6_000, 0.11, 0.62, 0.45, 0.64, 0.40),
}

SWOT = [
    ("S1", "Forecasts built on the customer's own CRM and GA4 data, set up in a day", "S", 0.16, 4),
    ("S2", "Existing Datalane platform base to cross-sell to", "S", 0.12, 4),
    ("S3", "Renewal rate of 85 % on yearly contracts", "S", 0.10, 3),
    ("S4", "Webinar and email programmes that convert well", "S", 0.08, 3),
    ("W1", "Small field-sales team: long enterprise cycles stall", "W", 0.14, 1),
    ("W2", "Weak brand awareness outside the platform base", "W", 0.12, 2),
    ("W3", "Poor effort scores from small customers at onboarding", "W", 0.10, 2),
    ("W4", "Paid channels near the cost a customer can carry", "W", 0.18, 2),
    ("O1", "Marketing teams asked to prove ROI and plan budgets", "O", 0.18, 3),
    ("O2", "GA4 migration leaves firms looking for forecasting help", "O", 0.12, 3),
    ("O3", "LinkedIn lets us reach buying committees by role", "O", 0.10, 2),
    ("O4", "Partners (agencies) resell analytics tools", "O", 0.08, 2),
    ("T1", "Large suites bundle a free forecasting feature", "T", 0.20, 2),
    ("T2", "Budget cuts lengthen B2B buying cycles", "T", 0.14, 2),
    ("T3", "New entrants copy the feature at a low price", "T", 0.10, 3),
    ("T4", "Privacy rules limit tracking data", "T", 0.08, 2),
]


def bass_monthly(months: int = MONTHS) -> np.ndarray:
    """Expected new customers per month under :data:`BASS` (continuous Bass increments)."""
    p, q, m = BASS
    t = np.arange(months + 1)
    cdf = (1 - np.exp(-(p + q) * t)) / (1 + (q / p) * np.exp(-(p + q) * t))
    return m * np.diff(cdf)


def true_step_rates() -> pd.DataFrame:
    """The generator's step conversion rates per channel (ground truth of the funnel)."""
    rows = {name: values[2:] for name, values in CHANNELS.items()}
    return pd.DataFrame.from_dict(rows, orient="index",
                                  columns=["mql", "sql", "opportunity", "won"])


def _survey(rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for name, (n, employees, maturity, budget, urgency, price, customers) in SEGMENTS.items():
        is_customer = rng.random(n) < customers
        level = EXPERIENCE[name] + rng.normal(0, 1, n)
        likelihood = np.clip(np.round(7.4 + 1.6 * level + rng.normal(0, 1.0, n)), 0, 10)
        ces = np.clip(np.round(5.0 + 0.9 * level + rng.normal(0, 0.8, n)), 1, 7)
        frames.append(pd.DataFrame({
            "employees": np.round(employees * rng.lognormal(0, 0.45, n)).astype(int),
            "data_maturity": np.clip(np.round(rng.normal(maturity, 0.8, n)), 1, 7),
            "budget_k": np.round(budget * rng.lognormal(0, 0.3, n), 1),
            "urgency": np.clip(np.round(rng.normal(urgency, 0.9, n)), 1, 7),
            "price_sensitivity": np.clip(np.round(rng.normal(price, 0.9, n)), 1, 7),
            "customer": is_customer.astype(int),
            "likelihood": pd.array(np.where(is_customer, likelihood, np.nan), dtype="Int64"),
            "ces": pd.array(np.where(is_customer, ces, np.nan), dtype="Int64"),
        }))
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sample(frac=1, random_state=int(rng.integers(1_000_000))).reset_index(drop=True)
    for column in ("data_maturity", "urgency", "price_sensitivity"):
        frame[column] = frame[column].astype(int)
    frame.insert(0, "respondent_id", [f"B{i:03d}" for i in range(1, len(frame) + 1)])
    return frame


def _adoption(rng: np.random.Generator) -> pd.DataFrame:
    months = pd.date_range(LAUNCH, periods=MONTHS, freq="MS")
    return pd.DataFrame({"month": months.strftime("%Y-%m"), "t": np.arange(1, MONTHS + 1),
                         "new_customers": rng.poisson(bass_monthly())})


def _customers(rng: np.random.Generator) -> pd.DataFrame:
    n = RENEWING_CUSTOMERS
    acv = np.round(ACV_MEAN * rng.lognormal(-0.045, 0.3, n), -2)
    return pd.DataFrame({
        "customer_id": [f"P{i:03d}" for i in range(1, n + 1)],
        "acv": acv,
        "gross_margin": GROSS_MARGIN,
        "renewed": (rng.random(n) < RENEWAL).astype(int),
        "days_to_close": np.maximum(7, np.round(rng.gamma(4.0, CYCLE_DAYS_MEAN / 4, n)))
        .astype(int),
    })


def _campaigns(rng: np.random.Generator, won_per_month: np.ndarray) -> pd.DataFrame:
    names = list(CHANNELS)
    shares = np.array([CHANNELS[c][1] for c in names])
    rows = []
    for month, total in enumerate(won_per_month, start=1):
        won = rng.multinomial(int(total), shares / shares.sum())
        for channel, channel_won in zip(names, won, strict=True):
            spend, _, mql, sql, opp, win = CHANNELS[channel]
            overall = mql * sql * opp * win
            leads = rng.poisson(max(channel_won, 0.5) / overall)
            mqls = rng.binomial(leads, mql)
            sqls = rng.binomial(mqls, sql)
            opps = max(rng.binomial(sqls, opp), channel_won)
            rows.append({"month": f"2025-{month:02d}", "channel": channel,
                         "spend": float(round(spend * rng.lognormal(0, 0.08), -2)),
                         "leads": max(leads, mqls), "mqls": max(mqls, sqls),
                         "sqls": max(sqls, opps), "opportunities": opps, "won": int(channel_won)})
    return pd.DataFrame(rows)


def build() -> dict[str, pd.DataFrame]:
    """Return the five ``capstone_*`` frames; identical on every call."""
    rng = np.random.default_rng(SEED)
    survey = _survey(rng)
    adoption = _adoption(rng)
    customers = _customers(rng)
    campaigns = _campaigns(rng, adoption["new_customers"].to_numpy()[12:])
    swot = pd.DataFrame(SWOT, columns=["code", "factor", "kind", "weight", "rating"])
    return {"capstone_survey": survey, "capstone_swot": swot, "capstone_adoption": adoption,
            "capstone_customers": customers, "capstone_campaigns": campaigns}
