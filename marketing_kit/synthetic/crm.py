"""Seeded synthetic B2B CRM for the funnel and ABM assignment (datasets ``crm_*``).

One calendar year (2025) of a mid-sized B2B software vendor, joinable by ids:

* ``crm_accounts``: 240 ABM target accounts with tier (1 = strategic one-to-one, 2 = one-to-few,
  3 = one-to-many), industry and head count;
* ``crm_contacts``: the buying committee of each account (2-9 people with a role);
* ``crm_touches``: one row per recorded interaction of a contact (channel, kind, timestamp);
* ``crm_opportunities``: deals at target accounts with created/closed dates, stage and amount;
* ``crm_leads``: the inbound lead funnel (lead -> MQL -> SQL -> opportunity -> won) of the
  leads created in 2025, with the date each lead reached each stage up to the export on
  2026-03-31 (empty = not reached);
* ``crm_web_sessions``: a GA-style weekly export of sessions, engaged sessions and key events
  (demo requests) by channel and landing page, including an LPO test of ``/demo`` against
  ``/demo-b`` from week 27.

Rates are chosen so the answers are not visible at a glance: the largest absolute drop-off of
the lead funnel is not its lowest conversion rate, the channel with most sessions is not the
one that converts best, and engagement differs by tier more than win rate does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20220602  # the seed lecture's week-15 date
YEAR_START = pd.Timestamp("2025-01-01")
YEAR_END = pd.Timestamp("2025-12-31")
LEADS_EXPORTED = pd.Timestamp("2026-03-31")  # the lead funnel is followed up to this date

INDUSTRIES = ("Manufacturing", "Software", "Financial services", "Healthcare", "Retail",
              "Logistics")
ROLES = ("decision maker", "economic buyer", "champion", "influencer", "user", "gatekeeper")
# tier: (accounts, committee size range, touches per contact, opportunity rate,
#        win probability, median amount $, mean cycle days)
TIERS = {
    1: (30, (6, 9), 9.0, 1.6, 0.30, 95_000, 118),
    2: (70, (4, 6), 5.0, 0.85, 0.34, 38_000, 74),
    3: (140, (2, 4), 2.2, 0.40, 0.27, 14_000, 41),
}
# kind: (channel choices, probability of the kind among touches)
KINDS = {
    "email_open": (("Email",), 0.30),
    "ad_click": (("LinkedIn Ads", "Retargeting"), 0.16),
    "email_click": (("Email",), 0.14),
    "web_visit": (("Organic search", "Paid search", "Direct"), 0.20),
    "content_download": (("Content syndication", "Organic search"), 0.08),
    "event_attendance": (("Webinar", "Trade show"), 0.06),
    "meeting": (("Sales",), 0.05),
    "referral": (("Referral",), 0.01),
}
# inbound lead channel: (leads, lead->MQL, MQL->SQL, SQL->opportunity, opportunity->won)
LEAD_CHANNELS = {
    "Paid search": (1500, 0.34, 0.22, 0.55, 0.27),
    "Organic search": (1100, 0.40, 0.28, 0.50, 0.30),
    "LinkedIn Ads": (800, 0.31, 0.30, 0.58, 0.33),
    "Webinar": (500, 0.55, 0.25, 0.45, 0.29),
    "Referral": (200, 0.60, 0.45, 0.62, 0.40),
    "Email": (400, 0.45, 0.26, 0.48, 0.31),
}
# median days spent waiting in each stage before moving on
STAGE_DAYS = {"mql": 6, "sql": 18, "opportunity": 9, "won": 52}
# web channel: (weekly sessions, engagement rate, demo-request rate of engaged sessions)
WEB_CHANNELS = {
    "Paid search": (1400, 0.46, 0.045),
    "Organic search": (1000, 0.62, 0.040),
    "LinkedIn Ads": (550, 0.55, 0.060),
    "Email": (260, 0.71, 0.075),
    "Referral": (90, 0.74, 0.095),
    "Direct": (380, 0.66, 0.050),
}
# landing page: (share of a channel's sessions, engagement multiplier, conversion multiplier)
PAGES = {
    "/": (0.30, 1.00, 0.55),
    "/pricing": (0.22, 0.62, 0.80),
    "/blog": (0.25, 1.05, 0.25),
    "/demo": (0.15, 1.05, 2.60),
    "/case-studies": (0.08, 1.15, 1.40),
}
LPO_WEEK = 27  # from this week half of /demo traffic goes to the redesigned /demo-b
DEMO_B_LIFT = 1.15  # true conversion lift of the redesign


def _accounts(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for tier, (count, *_rest) in TIERS.items():
        employees = np.round(rng.lognormal(np.log({1: 4000, 2: 900, 3: 180}[tier]), 0.5, count))
        for n in range(count):
            rows.append({"tier": tier, "industry": INDUSTRIES[rng.integers(len(INDUSTRIES))],
                         "employees": int(max(employees[n], 20))})
    frame = pd.DataFrame(rows).sample(frac=1, random_state=rng.integers(2**31))
    frame = frame.reset_index(drop=True)
    frame.insert(0, "account_id", [f"A{n:03d}" for n in range(1, len(frame) + 1)])
    return frame


def _contacts(rng: np.random.Generator, accounts: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for account in accounts.itertuples():
        low, high = TIERS[account.tier][1]
        size = int(rng.integers(low, high + 1))
        roles = list(ROLES[:2]) + list(rng.choice(ROLES[2:], size - 2, p=[0.3, 0.3, 0.3, 0.1]))
        rows += [{"account_id": account.account_id, "role": role} for role in roles]
    frame = pd.DataFrame(rows)
    frame.insert(0, "contact_id", [f"C{n:04d}" for n in range(1, len(frame) + 1)])
    return frame


def _touches(rng: np.random.Generator, accounts: pd.DataFrame,
             contacts: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    propensity = pd.Series(rng.gamma(1.3, 1 / 1.3, len(accounts)), index=accounts["account_id"])
    cold = rng.random(len(accounts)) < np.where(accounts["tier"] == 3, 0.35, 0.08)
    propensity[cold] = 0.0
    tier = accounts.set_index("account_id")["tier"]
    kinds = list(KINDS)
    kind_p = np.array([p for _, p in KINDS.values()])
    rows = []
    for contact in contacts.itertuples():
        level = propensity[contact.account_id] * TIERS[tier[contact.account_id]][2]
        reached = rng.random() < (0.85 if contact.role in ROLES[:3] else 0.6)
        count = int(rng.poisson(level)) if reached else 0
        for _ in range(count):
            kind = kinds[rng.choice(len(kinds), p=kind_p)]
            if kind == "referral" and propensity[contact.account_id] < 1.2:
                kind = "email_open"  # only warm accounts refer others
            channels = KINDS[kind][0]
            when = YEAR_START + pd.Timedelta(minutes=int(rng.integers(0, 365 * 24 * 60)))
            when = when.replace(hour=int(rng.integers(8, 19)))
            rows.append({"contact_id": contact.contact_id, "account_id": contact.account_id,
                         "channel": channels[rng.integers(len(channels))], "kind": kind,
                         "timestamp": when})
    frame = pd.DataFrame(rows).sort_values(["timestamp", "contact_id"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame.insert(0, "touch_id", [f"T{n:05d}" for n in range(1, len(frame) + 1)])
    return frame, propensity


def _opportunities(rng: np.random.Generator, accounts: pd.DataFrame,
                   propensity: pd.Series) -> pd.DataFrame:
    rows = []
    for account in accounts.itertuples():
        _, _, _, opp_rate, win_p, amount, cycle = TIERS[account.tier]
        warmth = propensity[account.account_id]
        for _ in range(int(rng.poisson(opp_rate * (0.3 + warmth)))):
            created = YEAR_START + pd.Timedelta(days=int(rng.integers(0, 330)))
            days = max(7, int(round(rng.gamma(4, cycle / 4))))
            closed = created + pd.Timedelta(days=days)
            won = rng.random() < min(0.9, win_p * (0.7 + 0.3 * warmth))
            value = float(np.round(amount * rng.lognormal(0, 0.45), -2))
            if closed > YEAR_END:
                progress = (YEAR_END - created).days / days
                stage = ("Discovery" if progress < 0.35 else
                         "Proposal" if progress < 0.7 else "Negotiation")
                closed_text = ""
            else:
                stage = "Closed Won" if won else "Closed Lost"
                closed_text = closed.strftime("%Y-%m-%d")
            rows.append({"account_id": account.account_id,
                         "created_date": created.strftime("%Y-%m-%d"),
                         "closed_date": closed_text, "stage": stage, "amount": value})
    frame = pd.DataFrame(rows).sort_values(["created_date", "account_id"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.insert(0, "opportunity_id", [f"O{n:04d}" for n in range(1, len(frame) + 1)])
    return frame


def _leads(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for channel, (count, *rates) in LEAD_CHANNELS.items():
        for _ in range(count):
            date = YEAR_START + pd.Timedelta(days=int(rng.integers(0, 365)))
            row = {"channel": channel, "lead_date": date.strftime("%Y-%m-%d")}
            alive = True
            for (stage, days), rate in zip(STAGE_DAYS.items(), rates, strict=True):
                alive = alive and rng.random() < rate
                if alive:
                    date = date + pd.Timedelta(days=max(1, int(round(rng.gamma(2, days / 2)))))
                    alive = date <= LEADS_EXPORTED  # not there yet when the data were exported
                row[f"{stage}_date"] = date.strftime("%Y-%m-%d") if alive else ""
            rows.append(row)
    frame = pd.DataFrame(rows).sort_values(["lead_date", "channel"], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.insert(0, "lead_id", [f"L{n:05d}" for n in range(1, len(frame) + 1)])
    return frame


def _web_sessions(rng: np.random.Generator) -> pd.DataFrame:
    weeks = pd.date_range("2024-12-30", periods=52, freq="7D")  # ISO weeks of 2025, Mondays
    season = 1 + 0.12 * np.sin(2 * np.pi * (np.arange(52) - 8) / 26)
    season[30:35] *= 0.75  # summer holidays
    rows = []
    for channel, (volume, engage, convert) in WEB_CHANNELS.items():
        for page, (share, engage_x, convert_x) in PAGES.items():
            for week_no, (week, lift) in enumerate(zip(weeks, season, strict=True), start=1):
                sessions = int(rng.poisson(volume * share * lift))
                variants = [(page, sessions, 1.0)]
                if page == "/demo" and week_no >= LPO_WEEK:
                    to_b = int(rng.binomial(sessions, 0.5))
                    variants = [(page, sessions - to_b, 1.0), ("/demo-b", to_b, DEMO_B_LIFT)]
                for name, n, lift_b in variants:
                    engaged = int(rng.binomial(n, min(0.95, engage * engage_x)))
                    conversions = int(rng.binomial(engaged, min(0.9, convert * convert_x * lift_b)))
                    rows.append({"week_start": week.strftime("%Y-%m-%d"), "channel": channel,
                                 "landing_page": name, "sessions": n,
                                 "engaged_sessions": engaged, "conversions": conversions})
    return pd.DataFrame(rows).sort_values(["week_start", "channel", "landing_page"],
                                          kind="stable").reset_index(drop=True)


def build() -> dict[str, pd.DataFrame]:
    """Return the six ``crm_*`` frames; identical on every call."""
    rng = np.random.default_rng(SEED)
    accounts = _accounts(rng)
    contacts = _contacts(rng, accounts)
    touches, propensity = _touches(rng, accounts, contacts)
    return {
        "crm_accounts": accounts,
        "crm_contacts": contacts,
        "crm_touches": touches,
        "crm_opportunities": _opportunities(rng, accounts, propensity),
        "crm_leads": _leads(rng),
        "crm_web_sessions": _web_sessions(rng),
    }


def true_lead_rates() -> pd.DataFrame:
    """The generator's true step rates of the lead funnel, per channel and for all leads.

    Rows are the channels of :data:`LEAD_CHANNELS` plus ``"All"`` (expected counts pooled over
    channels: E[n_k] / E[n_(k-1)]); columns the stages ``MQL``, ``SQL``, ``opportunity``,
    ``won`` (the step *into* each). These are uncensored: the export date
    (:data:`LEADS_EXPORTED`) cuts off leads that were still on their way.
    """
    stages = ["MQL", "SQL", "opportunity", "won"]
    rates = pd.DataFrame({name: spec[1:] for name, spec in LEAD_CHANNELS.items()},
                         index=stages).T
    leads = pd.Series({name: spec[0] for name, spec in LEAD_CHANNELS.items()})
    expected = rates.cumprod(axis=1).mul(leads, axis=0).sum()
    previous = pd.concat([pd.Series({"lead": leads.sum()}), expected.iloc[:-1]]).to_numpy()
    rates.loc["All"] = expected.to_numpy() / previous
    return rates
