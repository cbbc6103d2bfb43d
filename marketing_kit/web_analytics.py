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
from scipy.optimize import brentq
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
    (``scipy.stats.chi2_contingency(..., correction=False)``). Because the test uses the pooled
    and the interval the unpooled SE, near the 5 % boundary the two can disagree (Newcombe 1998,
    *Statistics in Medicine* 17, gives a score interval that avoids it). Sessions are treated as
    independent; real LPO tools randomise by user.
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


def power_two_proportions(rate_a: float, relative_lift: float, visitors_a: int, visitors_b: int,
                          alpha: float = 0.05) -> float:
    """Power of the two-sided two-proportion z-test to detect B = A x (1 + ``relative_lift``).

    Normal approximation with the unpooled standard error under the alternative,
    :math:`\\text{power} = \\Phi(|\\delta|/\\text{SE} - z_{1-\\alpha/2}) +
    \\Phi(-|\\delta|/\\text{SE} - z_{1-\\alpha/2})` with :math:`\\delta = p_B - p_A`
    (Chow, Shao & Wang, *Sample Size Calculations in Clinical Research*, 2nd ed., sec. 4.2;
    Kohavi, Tang & Xu, *Trustworthy Online Controlled Experiments*, 2020, ch. 17).
    A subgroup test with low power says little either way: absence of evidence is not
    evidence of absence (Altman & Bland 1995, *BMJ* 311:485).
    """
    p_a = check_number("rate_a", rate_a, low=0, high=1, low_open=True, high_open=True)
    lift = check_number("relative_lift", relative_lift, low=-1, low_open=True)
    p_b = p_a * (1 + lift)
    if p_b >= 1:
        raise ValueError(f"rate_a x (1 + relative_lift) must stay below 1, got {p_b:g}")
    n_a, n_b = check_count("visitors_a", visitors_a), check_count("visitors_b", visitors_b)
    if n_a == 0 or n_b == 0:
        raise ValueError("visitors_a and visitors_b must be positive")
    level = check_number("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    crit = norm.ppf(1 - level / 2)
    effect = abs(p_b - p_a) / se
    return float(norm.cdf(effect - crit) + norm.cdf(-effect - crit))


def minimum_detectable_lift(rate_a: float, visitors_a: int, visitors_b: int, alpha: float = 0.05,
                            power: float = 0.8) -> float:
    """Smallest relative lift of B over A that the test detects with the given ``power``.

    Solves :func:`power_two_proportions` = ``power`` for a positive lift
    (``scipy.optimize.brentq``).
    Before trusting a null result in a segment, compare the lift you care about with this
    minimum detectable effect (Kohavi, Tang & Xu 2020, ch. 17).
    """
    p_a = check_number("rate_a", rate_a, low=0, high=1, low_open=True, high_open=True)
    target = check_number("power", power, low=0, high=1, low_open=True, high_open=True)
    level = check_number("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    if target <= level:
        raise ValueError(f"power must exceed alpha ({level:g}), got {target:g}")
    ceiling = (1 - 1e-9) / p_a - 1
    gap = power_two_proportions(p_a, ceiling, visitors_a, visitors_b, level) - target
    if gap < 0:
        raise ValueError("even B converting 100 % would not reach that power with these visitors")
    return float(brentq(lambda lift: power_two_proportions(p_a, lift, visitors_a, visitors_b,
                                                           level) - target, 1e-9, ceiling))


def segment_tests(sessions: pd.DataFrame, segment: str, page_a: str, page_b: str,
                  confidence: float = 0.95, power: float = 0.8) -> pd.DataFrame:
    """The A/B test of ``page_b`` against ``page_a`` within every value of ``segment``.

    ``sessions`` needs ``landing_page``, ``sessions``, ``conversions`` and the ``segment``
    column. One row per segment: ``sessions_a``, ``sessions_b``, ``rate_a``, ``rate_b``,
    ``relative_lift``, its CI (``lift_ci_low``/``lift_ci_high`` = difference CI / rate A),
    ``z``, ``p_value`` and ``mde_lift`` (:func:`minimum_detectable_lift`). Segment results are
    exploratory: with k segments about k x 5 % come out "significant" by chance alone
    (Kohavi, Tang & Xu 2020, chs. 3 and 17).
    """
    check_dataframe("sessions", sessions, ("landing_page", "sessions", "conversions", segment))
    rows = {}
    for name, group in sessions[sessions["landing_page"].isin([page_a, page_b])].groupby(segment):
        totals = group.groupby("landing_page")[["sessions", "conversions"]].sum()
        if not {page_a, page_b} <= set(totals.index):
            raise ValueError(f"segment {name!r} lacks sessions on {page_a!r} or {page_b!r}")
        a, b = totals.loc[page_a], totals.loc[page_b]
        test = ab_test(int(a["conversions"]), int(a["sessions"]), int(b["conversions"]),
                       int(b["sessions"]), confidence)
        rows[name] = {"sessions_a": int(a["sessions"]), "sessions_b": int(b["sessions"]),
                      "rate_a": test.rate_a, "rate_b": test.rate_b,
                      "relative_lift": test.relative_lift,
                      "lift_ci_low": test.ci_low / test.rate_a,
                      "lift_ci_high": test.ci_high / test.rate_a, "z": test.z,
                      "p_value": test.p_value,
                      "mde_lift": minimum_detectable_lift(test.rate_a, int(a["sessions"]),
                                                          int(b["sessions"]), 1 - confidence,
                                                          power)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(segment)
