"""Seeded randomised mailing test with a holdout control group (dataset ``mailing_test``).

A catalogue retailer picks 24,000 customers of its file, split into three recency segments,
and assigns each at random to the mailing (75 %) or to a holdout control that gets nothing
(25 %). A customer responds (buys in the four weeks after the drop) with the segment's base
probability, plus the segment's true uplift if mailed. The true numbers, in :data:`SEGMENTS`,
are stated in the data card so the notebook can set the truth beside the estimate: recent
customers respond most but would mostly have bought anyway, lapsing ones gain most.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20220617  # the day of the seed course's final exam (17 June 2022)
CUSTOMERS = 24_000
MAIL_SHARE = 0.75

# segment: (share of customers, base response rate without mail, true uplift from the mailing)
SEGMENTS = {
    "recent": (0.30, 0.30, 0.02),
    "lapsing": (0.40, 0.10, 0.05),
    "lapsed": (0.30, 0.03, 0.01),
}


def true_uplift() -> float:
    """The file-wide true incremental response rate: segment uplifts weighted by share."""
    return sum(share * uplift for share, _, uplift in SEGMENTS.values())


def build() -> dict[str, pd.DataFrame]:
    """Return ``{"mailing_test": frame}``; identical on every call."""
    rng = np.random.default_rng(SEED)
    names = list(SEGMENTS)
    shares = [share for share, _, _ in SEGMENTS.values()]
    segment = rng.choice(len(names), size=CUSTOMERS, p=shares)
    mailed = rng.random(CUSTOMERS) < MAIL_SHARE
    base = np.array([b for _, b, _ in SEGMENTS.values()])[segment]
    uplift = np.array([u for _, _, u in SEGMENTS.values()])[segment]
    responded = rng.random(CUSTOMERS) < base + uplift * mailed
    frame = pd.DataFrame({
        "customer_id": np.arange(1, CUSTOMERS + 1),
        "segment": np.array(names)[segment],
        "group": np.where(mailed, "mail", "control"),
        "responded": responded.astype(int),
    })
    return {"mailing_test": frame}
