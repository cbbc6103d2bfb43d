"""Reading a Google-Analytics-style report and testing a landing-page change (LPO).

Seed ``000_d34f38106fbbc562.txt`` sets conversion goals and uses Google Analytics to find
where prospects drop out; seed ``003_acc37c7ae0022513.txt`` lists "read the GA dashboard and
say which strategy to take" and LPO (landing-page optimisation) among its exam keywords.

GA4 definitions (Google Analytics Help, "[GA4] Session", answer 12798876, and
"[GA4] Engagement rate and bounce rate", answer 12195621): an *engaged session* lasts longer
than 10 seconds, has a key event, or has at least 2 page views; engagement rate = engaged
sessions / sessions; bounce rate = 1 - engagement rate. Here session conversion rate =
key events (conversions) / sessions.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import pandas as pd
from scipy.stats import norm

from marketing_kit._validate import (
    check_choice,
    check_count,
    check_dataframe,
    check_number,
    check_numeric_column,
)

SESSION_COLUMNS = ("sessions", "engaged_sessions", "conversions")


def traffic_report(sessions: pd.DataFrame, by: str = "channel") -> pd.DataFrame:
    """GA-style report: sessions, engagement and conversion per value of ``by``.

    ``sessions`` needs ``by`` plus ``sessions``, ``engaged_sessions`` and ``conversions``
    (counts, e.g. weekly rows). Returns one row per group, most sessions first, with the sums and
    ``engagement_rate``, ``bounce_rate`` (1 - engagement rate, GA4), ``conversion_rate``
    (conversions / sessions), ``share_of_sessions`` and ``share_of_conversions``.
    """
    check_dataframe("sessions", sessions, (by, *SESSION_COLUMNS))
    values = {c: check_numeric_column("sessions", sessions, c, low=0, integer=True)
              for c in SESSION_COLUMNS}
    if (values["engaged_sessions"] > values["sessions"]).any():
        raise ValueError("sessions['engaged_sessions'] must not exceed sessions['sessions']")
    if (values["conversions"] > values["sessions"]).any():
        raise ValueError("sessions['conversions'] must not exceed sessions['sessions'] "
                         "(count at most one key event per session)")
    report = pd.DataFrame(values).groupby(sessions[by]).sum().astype(int)
    empty = list(report.index[report["sessions"] == 0])
    if empty:
        raise ValueError(f"{by} group(s) {empty} have no sessions: rates undefined")
    report["engagement_rate"] = report["engaged_sessions"] / report["sessions"]
    report["bounce_rate"] = 1 - report["engagement_rate"]
    report["conversion_rate"] = report["conversions"] / report["sessions"]
    report["share_of_sessions"] = report["sessions"] / report["sessions"].sum()
    report["share_of_conversions"] = report["conversions"] / max(report["conversions"].sum(), 1)
    return report.sort_values("sessions", ascending=False)


class ABTest(NamedTuple):
    """Result of :func:`ab_test`: ``difference`` is rate B - rate A, ``relative_lift`` is
    difference / rate A (``inf`` when A converted nobody), the CI is for the difference."""

    rate_a: float
    rate_b: float
    difference: float
    relative_lift: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    confidence: float


def ab_test(conversions_a: int, visitors_a: int, conversions_b: int, visitors_b: int,
            confidence: float = 0.95, alternative: str = "two-sided") -> ABTest:
    """Two-proportion z-test of B against A, with a Wald confidence interval for the difference.

    With :math:`\\hat p = (x_A + x_B)/(n_A + n_B)` the pooled rate under H0 (no difference),

    .. math:: z = \\frac{\\hat p_B - \\hat p_A}{\\sqrt{\\hat p (1-\\hat p)(1/n_A + 1/n_B)}},

    and the CI uses the unpooled standard error
    :math:`\\sqrt{\\hat p_A(1-\\hat p_A)/n_A + \\hat p_B(1-\\hat p_B)/n_B}` (e.g. Agresti,
    *An Introduction to Categorical Data Analysis*, 3rd ed., sec. 2.2). ``alternative`` is
    ``"two-sided"`` or ``"greater"`` (B converts better). Without continuity correction,
    :math:`z^2` equals the Pearson chi-square of the 2x2 table
    (``scipy.stats.chi2_contingency(..., correction=False)``).
    """
    n_a = check_count("visitors_a", visitors_a)
    n_b = check_count("visitors_b", visitors_b)
    if n_a == 0 or n_b == 0:
        raise ValueError("visitors_a and visitors_b must be positive (no rate without visitors)")
    x_a = check_number("conversions_a", conversions_a, low=0, high=n_a, integer=True)
    x_b = check_number("conversions_b", conversions_b, low=0, high=n_b, integer=True)
    level = check_number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    alternative = check_choice("alternative", alternative, ("two-sided", "greater"))
    pooled = (x_a + x_b) / (n_a + n_b)
    if pooled in (0.0, 1.0):
        raise ValueError("the test is undefined when both variants convert 0 % or 100 % "
                         f"(pooled rate {pooled:g})")
    rate_a, rate_b = x_a / n_a, x_b / n_b
    difference = rate_b - rate_a
    z = difference / math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    p_value = 2 * norm.sf(abs(z)) if alternative == "two-sided" else norm.sf(z)
    half = norm.ppf(0.5 + level / 2) * math.sqrt(rate_a * (1 - rate_a) / n_a
                                                 + rate_b * (1 - rate_b) / n_b)
    lift = difference / rate_a if rate_a > 0 else math.inf
    return ABTest(rate_a, rate_b, difference, lift, float(z), float(p_value),
                  float(difference - half), float(difference + half), level)
