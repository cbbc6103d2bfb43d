"""Reading a Google Analytics 4 export: acquisition, engagement and key-event views with intervals.

Seed ``003_acc37c7ae0022513.txt`` asks students to read the GA dashboard and say which
strategy to follow; seed ``000_d34f38106fbbc562.txt`` tells how a B2B firm (엔픽) lifted its
conversion rate after reading its web analytics. Definitions follow Google Analytics Help:
"[GA4] Session" (answer 12798876: a session is *engaged* when it lasts longer than 10 seconds,
has a key event, or has at least 2 page or screen views), "[GA4] Engagement rate and bounce
rate" (answer 12195621: engagement rate = engaged sessions / sessions, bounce rate = 1 -
engagement rate) and "[GA4] Default channel group" (answer 9756891). GA4 renamed
"conversions" to *key events* in March 2024; here key events are counted once per session, so
``key_event_rate`` = key events / sessions is GA4's *session key event rate*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from marketing_kit._validate import (
    check_choice,
    check_dataframe,
    check_number,
    check_numeric_column,
)

DIMENSIONS = {"channel": "session_default_channel_group", "landing_page": "landing_page",
              "device": "device_category", "date": "date"}
METRICS = ("total_users", "new_users", "sessions", "engaged_sessions",
           "user_engagement_duration", "key_events")
if TYPE_CHECKING:  # web_analytics (scipy) is imported lazily: a light first notebook cell
    from marketing_kit.web_analytics import ABTest

RATES = {"engagement_rate": "engaged_sessions", "key_event_rate": "key_events"}


def check_export(export: pd.DataFrame) -> pd.DataFrame:
    """Validate a GA4 export (one row per date x dimensions, the :data:`METRICS` as counts)."""
    check_dataframe("export", export, ("date", *METRICS))
    values = {c: check_numeric_column("export", export, c, low=0, integer=True) for c in METRICS}
    if (values["engaged_sessions"] > values["sessions"]).any():
        raise ValueError("export['engaged_sessions'] must not exceed export['sessions']")
    if (values["key_events"] > values["engaged_sessions"]).any():
        raise ValueError("export['key_events'] must not exceed export['engaged_sessions'] "
                         "(a session with a key event is engaged; count once per session)")
    if (values["new_users"] > values["total_users"]).any():
        raise ValueError("export['new_users'] must not exceed export['total_users']")
    return export


def _dimension(export: pd.DataFrame, by: str) -> str:
    if not isinstance(by, str):
        raise TypeError(f"by must be a dimension name such as 'channel', got {by!r}")
    column = DIMENSIONS.get(by, by)
    if column != "month" and column not in export.columns:
        raise ValueError(f"by must be one of {[*DIMENSIONS, 'month']} or a column of the export, "
                         f"got {by!r}")
    return column


def filter_export(export: pd.DataFrame, start: str | None = None, end: str | None = None,
                  channel: str | None = None, device: str | None = None) -> pd.DataFrame:
    """Rows from ``start`` to ``end`` (inclusive ISO dates, e.g. ``"2025-03-31"``), of one session
    default channel group and one device category (``None`` or ``"All"`` keeps every value)."""
    check_export(export)
    dates = pd.to_datetime(export["date"])
    keep = pd.Series(True, index=export.index)
    for name, when in _bounds(start, end).items():
        keep &= (dates >= when) if name == "start" else (dates <= when)
    for name, value, column in (("channel", channel, DIMENSIONS["channel"]),
                                ("device", device, DIMENSIONS["device"])):
        if value not in (None, "All"):
            check_choice(name, value, sorted(export[column].unique()))
            keep &= export[column] == value
    subset = export[keep]
    if subset.empty or subset["sessions"].sum() == 0:
        raise _no_sessions(start, end, channel, device)
    return subset


def _bounds(start: str | None, end: str | None) -> dict[str, pd.Timestamp]:
    """``start`` and ``end`` as timestamps (only those given)."""
    bounds = {}
    for name, bound in (("start", start), ("end", end)):
        if bound is not None:
            try:
                bounds[name] = pd.Timestamp(bound)
            except (TypeError, ValueError) as error:
                raise ValueError(f"{name} must be an ISO date such as '2025-01-31'") from error
    return bounds


def _no_sessions(start: object, end: object, channel: object, device: object) -> ValueError:
    return ValueError(f"no sessions between start={start!r} and end={end!r} for "
                      f"channel={channel!r}, device={device!r}: widen the selection")


def report(export: pd.DataFrame, by: str = "channel") -> pd.DataFrame:
    """GA4-style report per value of ``by`` (``"channel"``, ``"landing_page"``, ``"device"``,
    ``"date"``, ``"month"`` or a column name), most sessions first.

    Sums the :data:`METRICS` and adds ``engagement_rate``, ``bounce_rate`` (1 - engagement rate),
    ``key_event_rate`` (key events / sessions), ``avg_engagement_time`` (engagement seconds per
    session), ``new_user_share`` (new / total users), ``share_of_sessions`` and
    ``share_of_key_events``. Users summed over daily rows count a person once per row, so they
    overstate GA4's de-duplicated user count: compare rates, not summed users.
    """
    check_export(export)
    column = _dimension(export, by)
    keys = export["date"].astype(str).str[:7] if column == "month" else export[column]
    return _rates(export[list(METRICS)].groupby(keys.rename(column)).sum(), column)


def _rates(sums: pd.DataFrame, column: str) -> pd.DataFrame:
    """:func:`report` from the summed :data:`METRICS` per value of ``column`` (its index)."""
    table = sums[sums["sessions"] > 0]
    if all(isinstance(dtype, np.dtype) for dtype in table.dtypes):
        table = _numpy_rates(table)
    else:  # extension dtypes (nullable integers ...): pandas arithmetic keeps them
        table = _pandas_rates(table)
    if len(table) < 2:  # nothing to sort (the totals row)
        return table
    if column in ("date", "month"):
        return table.sort_index()
    return table.sort_values("sessions", ascending=False)


def _numpy_rates(table: pd.DataFrame) -> pd.DataFrame:
    # the same elementwise operations as _pandas_rates, on arrays, in one constructor
    v = {name: table[name].to_numpy() for name in METRICS}
    sessions, users = v["sessions"], v["total_users"]
    engagement = v["engaged_sessions"] / sessions
    new_user_share = np.zeros(len(users))
    np.divide(v["new_users"], users, out=new_user_share, where=users > 0)
    return pd.DataFrame({
        **{name: table[name] for name in table.columns},
        "engagement_rate": engagement, "bounce_rate": 1 - engagement,
        "key_event_rate": v["key_events"] / sessions,
        "avg_engagement_time": v["user_engagement_duration"] / sessions,
        "new_user_share": new_user_share, "share_of_sessions": sessions / sessions.sum(),
        "share_of_key_events": v["key_events"] / max(v["key_events"].sum(), 1),
    }, index=table.index)


def _pandas_rates(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["engagement_rate"] = table["engaged_sessions"] / table["sessions"]
    table["bounce_rate"] = 1 - table["engagement_rate"]
    table["key_event_rate"] = table["key_events"] / table["sessions"]
    table["avg_engagement_time"] = table["user_engagement_duration"] / table["sessions"]
    table["new_user_share"] = table["new_users"] / table["total_users"].where(
        table["total_users"] > 0)
    table["new_user_share"] = table["new_user_share"].fillna(0.0)
    table["share_of_sessions"] = table["sessions"] / table["sessions"].sum()
    table["share_of_key_events"] = table["key_events"] / max(table["key_events"].sum(), 1)
    return table


def rate_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``successes / trials`` (Wilson 1927, *JASA* 22; computed with
    ``scipy.stats.binomtest(...).proportion_ci(method="wilson")``)."""
    n = int(check_number("trials", trials, low=1, integer=True))
    k = int(check_number("successes", successes, low=0, high=n, integer=True))
    level = check_number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    return _wilson(k, n, float(level))


@lru_cache(maxsize=4096)  # an explorer asks again for the same counts as its filters move
def _wilson(successes: int, trials: int, level: float) -> tuple[float, float]:
    # binomtest(k, n).proportion_ci(...) without binomtest's two-sided p-value search, which the
    # interval does not use: the result object binomtest returns, built directly (scipy's own
    # interval code, so the same numbers); binomtest itself if that class ever moves.
    try:
        from scipy.stats._result_classes import BinomTestResult

        result = BinomTestResult(k=successes, n=trials, alternative="two-sided",
                                 statistic=successes / trials, pvalue=float("nan"))
    except (ImportError, TypeError):
        from scipy.stats import binomtest

        result = binomtest(successes, trials)
    ci = result.proportion_ci(confidence_level=level, method="wilson")
    return float(ci.low), float(ci.high)


def with_intervals(table: pd.DataFrame, rate: str = "key_event_rate",
                   confidence: float = 0.95) -> pd.DataFrame:
    """``table`` (from :func:`report`) with Wilson ``ci_low``/``ci_high`` columns for ``rate``."""
    check_choice("rate", rate, tuple(RATES))
    check_dataframe("table", table, ("sessions", RATES[rate]))
    bounds = [rate_interval(int(k), int(n), confidence)
              for k, n in zip(table[RATES[rate]], table["sessions"], strict=True)]
    out = table.copy()
    out["ci_low"], out["ci_high"] = [b[0] for b in bounds], [b[1] for b in bounds]
    return out


def compare(export: pd.DataFrame, by: str, group_a: str, group_b: str,
            rate: str = "key_event_rate", confidence: float = 0.95) -> ABTest:
    """Two-proportion z-test of ``group_b`` against ``group_a`` on ``rate`` (per session), with a
    CI for the difference (:func:`marketing_kit.web_analytics.ab_test`). An observational split,
    not an experiment: it says the gap is not noise, not what causes it."""
    from marketing_kit import web_analytics

    check_choice("rate", rate, tuple(RATES))
    table = report(export, by)
    for name, group in (("group_a", group_a), ("group_b", group_b)):
        check_choice(name, group, [str(v) for v in table.index])
    a, b = table.loc[group_a], table.loc[group_b]
    return web_analytics.ab_test(int(a[RATES[rate]]), int(a["sessions"]), int(b[RATES[rate]]),
                                 int(b["sessions"]), confidence)


def weekly_totals(export: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Sessions and key events per week (Monday start); only complete weeks (7 dates in the
    data) are kept when there are any, so a half week at either end does not look like a dip.
    With ``by`` (a dimension), sessions per week in one column per value."""
    check_dataframe("export", export, ("date", "sessions", "key_events"))
    dates = pd.to_datetime(export["date"])
    weeks = _week_starts(dates)
    if by is None:
        table = export[["sessions", "key_events"]].groupby(weeks).sum()
    else:
        column = _dimension(export, by)
        table = export.groupby([weeks, export[column]])["sessions"].sum().unstack(fill_value=0)
    return _complete_weeks(table, dates, weeks)


def _week_starts(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("W").dt.start_time.rename("week")


def _complete_weeks(table: pd.DataFrame, dates: pd.Series, weeks: pd.Series) -> pd.DataFrame:
    complete = dates.groupby(weeks).nunique() == 7
    return table[complete.reindex(table.index)] if complete.any() else table


@dataclass(frozen=True)
class Window:
    """One selection of :meth:`DailyCube.window`, as the row-level functions give it."""

    totals: pd.Series  #: :func:`report` of all the rows as one group (named "All")
    pages: pd.DataFrame  #: :func:`report` by landing page
    weekly: pd.DataFrame  #: :func:`weekly_totals`
    export: pd.DataFrame = field(repr=False)
    mask: np.ndarray = field(repr=False)  #: which rows of ``export`` are selected

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The selected rows (:func:`filter_export`'s), made when first asked for."""
        return self.export[self.mask]


class DailyCube:
    """An export's :data:`METRICS` summed once per date x channel group x device x landing page,
    so a date window and two filters (:meth:`window`) cost array slices, not a re-filter and
    re-grouping of every row: one move of the GA4 explorer (issue 23). Sums of whole numbers
    are exact, so the numbers equal the row-level functions'."""

    def __init__(self, export: pd.DataFrame) -> None:
        self.export = check_export(export)
        dates = pd.to_datetime(export["date"])
        if dates.isna().any() or getattr(dates.dt, "tz", None) is not None:
            raise ValueError("export['date'] must hold a date (no time zone) on every row")
        self.days, day = np.unique(dates.to_numpy(), return_inverse=True)
        self.weeks = _week_starts(pd.Series(self.days)).to_numpy()
        self.channels = sorted(export[DIMENSIONS["channel"]].unique())
        self.devices = sorted(export[DIMENSIONS["device"]].unique())
        page_of = export[DIMENSIONS["landing_page"]]
        self.pages = page_of.groupby(page_of).size().index  # report's rows: order, dtype, name
        page = self.pages.get_indexer(page_of)
        codes = (day, pd.Index(self.channels).get_indexer(export[DIMENSIONS["channel"]]),
                 pd.Index(self.devices).get_indexer(export[DIMENSIONS["device"]]),
                 np.where(page < 0, len(self.pages), page))  # no page: in totals, not in pages
        self._codes = codes[:3]
        shape = (len(self.days), len(self.channels), len(self.devices), len(self.pages) + 1)
        cell = np.ravel_multi_index(codes, shape)
        values = export[list(METRICS)].to_numpy(dtype=float)
        sums = np.stack([np.bincount(cell, values[:, m], int(np.prod(shape)))
                         for m in range(len(METRICS))], axis=-1).reshape(*shape, -1)
        self._rows = np.bincount(cell, minlength=int(np.prod(shape))).reshape(shape)
        # the dtypes report's groupby-sum gives (int64 for int columns, float64 for floats);
        # whole numbers below 2**53 sum exactly in floats, so the cast loses nothing
        self._dtypes = export[list(METRICS)].head(1).groupby(np.zeros(1)).sum().dtypes
        self._one_dtype = (self._dtypes == self._dtypes.iloc[0]).all() and isinstance(
            self._dtypes.iloc[0], np.dtype)
        self._sums = sums.astype(self._dtypes.iloc[0]) if self._one_dtype else sums

    def window(self, start: str | None = None, end: str | None = None,
               channel: str | None = None, device: str | None = None) -> Window:
        """The rows, totals, landing-page report and weekly totals of one selection (the
        arguments of :func:`filter_export`, which raises the same errors)."""
        bounds = _bounds(start, end)
        low = np.searchsorted(self.days, bounds["start"].to_datetime64(), "left") \
            if "start" in bounds else 0
        high = np.searchsorted(self.days, bounds["end"].to_datetime64(), "right") \
            if "end" in bounds else len(self.days)
        keep = [slice(low, high)]
        mask = (self._codes[0] >= low) & (self._codes[0] < high)
        for name, value, options, codes in (("channel", channel, self.channels, self._codes[1]),
                                            ("device", device, self.devices, self._codes[2])):
            if value in (None, "All"):
                keep.append(slice(None))
            else:
                check_choice(name, value, options)
                index = options.index(value)
                keep.append(slice(index, index + 1))
                mask &= codes == index
        sums = self._sums[tuple(keep)].sum(axis=(1, 2))  # date x page x metric
        present = np.flatnonzero(self._rows[tuple(keep)].sum(axis=(1, 2, 3)))  # dates with rows
        sessions = METRICS.index("sessions")
        if not len(present) or sums[..., sessions].sum() == 0:
            raise _no_sessions(start, end, channel, device)
        per_page = sums.sum(axis=0)
        pages = pd.DataFrame(per_page[:-1], index=self.pages, columns=list(METRICS))
        total = pd.DataFrame(per_page.sum(axis=0)[None], index=pd.Index(["All"], name="site"),
                             columns=list(METRICS))
        columns = ["sessions", "key_events"]
        daily = pd.DataFrame(sums.sum(axis=1)[present][:, [sessions, METRICS.index(columns[1])]],
                             columns=columns)
        if not self._one_dtype:
            pages, total = pages.astype(self._dtypes), total.astype(self._dtypes)
            daily = daily.astype(self._dtypes[columns])
        dates = pd.Series(self.days[low:high][present])
        weeks = pd.Series(self.weeks[low:high][present], name="week")
        return Window(totals=_rates(total, "site").iloc[0], pages=_rates(pages, "landing_page"),
                      weekly=_complete_weeks(daily.groupby(weeks).sum(), dates, weeks),
                      export=self.export, mask=mask)


def seasonality(export: pd.DataFrame) -> pd.DataFrame:
    """Sessions per day by calendar month and ``index`` = that over the year's sessions per day
    (1.0 = an average month; weekends and holidays pull a month down)."""
    check_export(export)
    dates = pd.to_datetime(export["date"])
    per_month = export["sessions"].groupby(dates.dt.month.rename("month")).sum()
    days = dates.groupby(dates.dt.month.rename("month")).nunique()
    table = pd.DataFrame({"sessions": per_month, "days": days})
    table["sessions_per_day"] = table["sessions"] / table["days"]
    table["index"] = table["sessions_per_day"] / (table["sessions"].sum() / table["days"].sum())
    return table


_SOCIAL = re.compile(r"^(facebook|fb|instagram|ig|linkedin|lnkd\.in|twitter|t\.co|x\.com|"
                     r"youtube|tiktok|pinterest)(\.com)?$")
_SEARCH = re.compile(r"^(google|naver|bing|daum|yahoo|duckduckgo|baidu)(\.com)?$")
_EMAIL = ("email", "e-mail", "e_mail", "e mail")
_PAID = re.compile(r"^(.*cp.*|ppc|retargeting|paid.*)$")


def channel_group(source: str, medium: str) -> str:
    """GA4's default channel group for a session source and medium (the UTM ``utm_source`` and
    ``utm_medium``), after the rules of Google Analytics Help answer 9756891, simplified: Direct,
    Paid Search, Paid Social, Organic Search, Organic Social, Email, Display, Referral, else
    Unassigned. Matching is case-insensitive. The real rules use Google's lists of search and
    social sites and campaign names; this subset covers the common sources."""
    for name, value in (("source", source), ("medium", medium)):
        if not isinstance(value, str) or not value.strip():
            raise TypeError(f"{name} must be a non-empty string such as 'google', got {value!r}")
    source, medium = source.strip().lower(), medium.strip().lower()
    if source == "(direct)" and medium in ("(none)", "(not set)"):
        return "Direct"
    paid = bool(_PAID.match(medium))
    if _SEARCH.match(source):
        return "Paid Search" if paid else "Organic Search"
    if _SOCIAL.match(source) or medium in ("social", "social-network", "social-media", "sm"):
        return "Paid Social" if paid else "Organic Social"
    if medium in _EMAIL or source in _EMAIL:
        return "Email"
    if medium in ("display", "banner", "expandable", "interstitial", "cpm"):
        return "Display"
    if medium == "referral":
        return "Referral"
    return "Unassigned"
