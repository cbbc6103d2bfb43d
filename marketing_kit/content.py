"""Content marketing: the life cycle (plan, distribute, optimize, repeat), content scoring,
storytelling structures and the A/B test of two story versions.

Seed ``003_acc37c7ae0022513.txt`` gives the life cycle (1. Plan: goals, objectives and metrics;
2. Distribute: audience personas, the customer journey, employees as distributors;
3. Optimize; then repeat) and storytelling as "customer scenario -> personal incident -> the
bigger picture -> a call or an action". It also gives the KPI example "grow traffic to the
blog pages by 5 % by year end". SMART goals: Doran (1981), *Management Review* 70(11).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import pandas as pd

from marketing_kit import ga4
from marketing_kit._validate import check_dataframe, check_number

if TYPE_CHECKING:  # web_analytics imports scipy: loaded lazily in story_test
    from marketing_kit.web_analytics import ABTest

LIFE_CYCLE = {
    "Plan": "set goals, objectives and metrics (SMART goals, KPIs)",
    "Distribute": "know the audience personas, map content to the customer journey, "
                  "use employees as distributors",
    "Optimize": "read the metrics, score the content, fix or drop what does not work",
    "Repeat": "start the next cycle from what the last one taught",
}

STORY_STRUCTURES = {
    "seed 003 story arc": ("customer scenario", "personal incident", "the bigger picture",
                           "call to action"),
    "problem-solution": ("problem", "why it hurts", "solution", "proof", "call to action"),
    "hero's journey": ("ordinary world", "call to adventure", "meeting the mentor (the brand)",
                       "trials", "transformation", "return with the reward"),
}
"""Story structures: seed 003; problem-solution copy (as in PASONA, Kanda 1999); the hero's
journey (Campbell 1949, *The Hero with a Thousand Faces*; Vogler 2007, *The Writer's Journey*),
in which the customer is the hero and the brand the mentor."""


def content_plan() -> pd.DataFrame:
    """A B2B content plan: one row per funnel stage with persona, content, distribution and KPI."""
    rows = [
        ("Awareness", "operations manager searching a problem", "blog guide, short LinkedIn post",
         "Organic Search, Organic Social, employee shares", "sessions, engagement rate"),
        ("Consideration", "engineer comparing options", "case study, webinar",
         "Email newsletter, Referral", "engaged time per session, returning users"),
        ("Decision", "buyer with budget", "pricing page, demo request",
         "Email to known leads, Direct", "key events (generate_lead), key-event rate"),
        ("Retention / advocacy", "existing customer", "how-to articles, customer story",
         "Email, customer community", "returning users, referrals"),
    ]
    return pd.DataFrame(rows, columns=["stage", "persona", "content", "distribution", "kpi"])


class KpiCheck(NamedTuple):
    """:func:`kpi_growth` result: sessions per day in the two periods and the relative growth."""

    baseline_per_day: float
    current_per_day: float
    growth: float
    target: float
    met: bool


def kpi_growth(export: pd.DataFrame, pages: list[str] | tuple[str, ...],
               baseline: tuple[str, str], current: tuple[str, str],
               target: float = 0.05) -> KpiCheck:
    """Growth of sessions per day landing on ``pages`` from the ``baseline`` to the ``current``
    period (each an inclusive ``(start, end)`` ISO date pair) against a SMART ``target``
    (seed 003: "+5 % blog traffic by year end"). Per day, so periods of unequal length compare."""
    checked = ga4.check_export(export)
    goal = check_number("target", target, low=-1, low_open=True)
    if not pages or not set(pages) <= set(checked["landing_page"]):
        raise ValueError(f"pages must be landing pages of the export, got {pages!r}")
    on_pages = export[export["landing_page"].isin(pages)]
    rates = []
    for name, (start, end) in (("baseline", baseline), ("current", current)):
        days = pd.date_range(start, end, freq="D")
        if len(days) == 0:
            raise ValueError(f"{name} must run from an earlier to a later date, got {(start, end)}")
        rows = ga4.filter_export(on_pages, start, end)
        rates.append(rows["sessions"].sum() / len(days))
    growth = rates[1] / rates[0] - 1
    return KpiCheck(float(rates[0]), float(rates[1]), float(growth), goal, bool(growth >= goal))


SCORE_METRICS = ("engagement_rate", "avg_engagement_time", "key_event_rate")


def content_scores(export: pd.DataFrame, weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Score each landing page on engagement rate, engagement seconds per session and key-event
    rate: each metric as a z-score across pages, then the weighted mean (equal weights by
    default). Highest score first. A relative score: it ranks this site's pages, nothing more."""
    table = ga4.report(export, "landing_page")
    if len(table) < 2:
        raise ValueError("content_scores needs at least two landing pages to compare")
    weights = dict.fromkeys(SCORE_METRICS, 1.0) if weights is None else dict(weights)
    if set(weights) != set(SCORE_METRICS):
        raise ValueError(f"weights must have exactly the keys {list(SCORE_METRICS)}")
    for name, value in weights.items():
        check_number(f"weights[{name!r}]", value, low=0)
    total = sum(weights.values())
    if total == 0:
        raise ValueError("weights must not all be 0")
    out = table[["sessions", *SCORE_METRICS]].copy()
    score = 0.0
    for metric in SCORE_METRICS:
        spread = out[metric].std(ddof=0)
        z = (out[metric] - out[metric].mean()) / spread if spread > 0 else 0.0 * out[metric]
        out[f"z_{metric}"] = z
        score = score + weights[metric] * z
    out["score"] = score / total
    return out.sort_values("score", ascending=False)


class StoryTest(NamedTuple):
    """:func:`story_test` result: the z-test, its power for ``planned_lift`` and the MDE."""

    test: ABTest
    planned_lift: float
    power: float
    mde_lift: float


def story_test(story: pd.DataFrame, variant_a: str, variant_b: str, metric: str = "key_events",
               planned_lift: float = 0.25, alpha: float = 0.05) -> StoryTest:
    """A/B test of story version ``variant_b`` against ``variant_a`` on ``metric``
    (``"key_events"`` or ``"engaged_sessions"``) per session, with the power the test had to find
    a true relative lift of ``planned_lift`` and its minimum detectable lift at 80 % power
    (:mod:`marketing_kit.web_analytics`; Kohavi, Tang & Xu 2020, ch. 17). Power is stated for
    the lift planned before the test, not the one observed (post-hoc power is circular)."""
    from marketing_kit import web_analytics

    check_dataframe("story", story, ("story_variant", "sessions", "engaged_sessions", "key_events"))
    if metric not in ("key_events", "engaged_sessions"):
        raise ValueError(f"metric must be 'key_events' or 'engaged_sessions', got {metric!r}")
    totals = story.groupby("story_variant")[["sessions", metric]].sum()
    for name, value in (("variant_a", variant_a), ("variant_b", variant_b)):
        if value not in totals.index:
            raise ValueError(f"{name} must be one of {sorted(totals.index)}, got {value!r}")
    a, b = totals.loc[variant_a], totals.loc[variant_b]
    n_a, n_b = int(a["sessions"]), int(b["sessions"])
    test = web_analytics.ab_test(int(a[metric]), n_a, int(b[metric]), n_b, 1 - alpha)
    power = web_analytics.power_two_proportions(test.rate_a, planned_lift, n_a, n_b, alpha)
    mde = web_analytics.minimum_detectable_lift(test.rate_a, n_a, n_b, alpha, 0.8)
    return StoryTest(test, float(planned_lift), power, mde)
