"""Seeded GA4-shaped exports of a B2B content site for 2025 (notebook 10).

Three datasets, shaped like the tables a GA4 report or the Data API returns:

* ``ga4_content_daily``: one row per date x session default channel group x landing page x
  device category (rows with no sessions are absent, as in GA4), with total users, new users,
  sessions, engaged sessions, user engagement duration (seconds) and key events
  (``generate_lead``, counted once per session).
* ``ga4_traffic_sources``: the year's sessions per session source / medium and campaign
  (UTM tags) with the channel group GA4 files them under.
* ``ga4_story_test``: a 4-week A/B test of two story versions of one blog post.

The true effects put in (the data card in ``datasets/README.md`` lists them): Paid Social brings
traffic but almost no key events; ``/pricing`` leaks (low engagement); mobile sessions reach a key
event at 45 % of the desktop rate; B2B seasonality (weekend, summer and year-end dips); blog
traffic grows 18 % over the year; the customer story lifts engagement and key events.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 20251231
YEAR = 2025

# channel: (weekday sessions per day, engagement rate, key events per session, new-user share)
CHANNELS = {
    "Organic Search": (150.0, 0.62, 0.018, 0.75),
    "Direct": (60.0, 0.66, 0.022, 0.35),
    "Email": (35.0, 0.72, 0.035, 0.15),
    "Organic Social": (30.0, 0.50, 0.010, 0.70),
    "Paid Social": (90.0, 0.28, 0.0008, 0.92),
    "Referral": (20.0, 0.60, 0.020, 0.60),
}
# landing page: (share of sessions, engagement multiplier, key-event multiplier, engaged seconds)
PAGES = {
    "/": (0.20, 1.00, 1.0, 60.0),
    "/blog/content-guide": (0.30, 1.05, 0.6, 140.0),
    "/blog/ga4-basics": (0.20, 1.10, 0.5, 150.0),
    "/case-studies": (0.12, 1.15, 1.6, 120.0),
    "/pricing": (0.18, 0.55, 0.9, 45.0),
}
BLOG_PAGES = ("/blog/content-guide", "/blog/ga4-basics")
BLOG_TREND = 0.18  # blog landing-page traffic grows linearly by 18 % from 1 January to 31 December
# device: (share of sessions, engagement multiplier, key-event multiplier)
DEVICES = {"desktop": (0.62, 1.00, 1.00), "mobile": (0.34, 0.88, 0.45),
           "tablet": (0.04, 0.95, 0.80)}
MONTH_FACTOR = (0.95, 1.00, 1.08, 1.08, 1.05, 1.00, 0.85, 0.78, 1.05, 1.12, 1.10, 0.72)
WEEKEND_FACTOR = 0.45
YEAR_END_DIP = 0.5  # 24-31 December, on top of December's factor
UNENGAGED_SECONDS = 4.0
RETURN_VISITS = 0.12  # share of a row's sessions that are a user's second visit that day

# channel: [(source / medium, campaign, share of the channel's sessions)]
SOURCES = {
    "Organic Search": [("google / organic", "(organic)", 0.86),
                       ("naver / organic", "(organic)", 0.11),
                       ("bing / organic", "(organic)", 0.03)],
    "Direct": [("(direct) / (none)", "(direct)", 1.0)],
    "Email": [("newsletter / email", "monthly_digest", 0.7),
              ("hubspot / email", "webinar_invite", 0.3)],
    "Organic Social": [("linkedin.com / referral", "(referral)", 0.65),
                       ("facebook.com / referral", "(referral)", 0.35)],
    "Paid Social": [("linkedin / paid_social", "ebook_launch", 0.55),
                    ("facebook / cpc", "ebook_launch", 0.45)],
    "Referral": [("partner-blog.example / referral", "(referral)", 1.0)],
}

STORY_START, STORY_DAYS = "2025-10-06", 28
STORY_PAGE = "/blog/content-guide"
# variant: (sessions per day, engagement rate, key events per session)
STORY_VARIANTS = {"problem_solution": (150.0, 0.52, 0.020), "customer_story": (150.0, 0.58, 0.025)}
STORY_TRUE_KEY_EVENT_LIFT = 0.25


def season(dates: pd.DatetimeIndex) -> np.ndarray:
    """Multiplicative traffic factor per date: month, weekend and the year-end dip."""
    factor = np.array(MONTH_FACTOR)[dates.month - 1]
    factor = factor * np.where(dates.day_of_week >= 5, WEEKEND_FACTOR, 1.0)
    return factor * np.where((dates.month == 12) & (dates.day >= 24), YEAR_END_DIP, 1.0)


def _daily(rng: np.random.Generator) -> pd.DataFrame:
    dates = pd.date_range(f"{YEAR}-01-01", f"{YEAR}-12-31", freq="D")
    factor = season(dates)
    progress = np.arange(len(dates)) / (len(dates) - 1)
    frames = []
    for channel, (base, engagement, key_rate, new_share) in CHANNELS.items():
        for page, (page_share, page_eng, page_key, seconds) in PAGES.items():
            trend = 1 + BLOG_TREND * progress if page in BLOG_PAGES else 1.0
            for device, (device_share, device_eng, device_key) in DEVICES.items():
                mean = base * page_share * device_share * factor * trend
                sessions = rng.poisson(mean)
                rate_engaged = min(engagement * page_eng * device_eng, 0.95)
                rate_key = key_rate * page_key * device_key
                engaged = rng.binomial(sessions, rate_engaged)
                key_events = rng.binomial(engaged, rate_key / rate_engaged)
                duration = (rng.gamma(2.0, seconds / 2.0, len(dates)) * engaged
                            + UNENGAGED_SECONDS * (sessions - engaged))
                users = sessions - rng.binomial(sessions, RETURN_VISITS)
                frames.append(pd.DataFrame({
                    "date": dates.strftime("%Y-%m-%d"),
                    "session_default_channel_group": channel,
                    "landing_page": page,
                    "device_category": device,
                    "total_users": users,
                    "new_users": rng.binomial(users, new_share),
                    "sessions": sessions,
                    "engaged_sessions": engaged,
                    "user_engagement_duration": np.round(duration).astype(int),
                    "key_events": key_events,
                }))
    daily = pd.concat(frames, ignore_index=True)
    daily = daily[daily["sessions"] > 0]
    return daily.sort_values(["date", "session_default_channel_group", "landing_page",
                              "device_category"]).reset_index(drop=True)


def _sources(rng: np.random.Generator, daily: pd.DataFrame) -> pd.DataFrame:
    totals = daily.groupby("session_default_channel_group")["sessions"].sum()
    rows = []
    for channel, splits in SOURCES.items():
        counts = rng.multinomial(int(totals[channel]), [share for *_, share in splits])
        for (source_medium, campaign, _), count in zip(splits, counts, strict=True):
            rows.append({"session_source_medium": source_medium, "session_campaign": campaign,
                         "session_default_channel_group": channel, "sessions": int(count)})
    return pd.DataFrame(rows).sort_values("sessions", ascending=False).reset_index(drop=True)


def _story(rng: np.random.Generator) -> pd.DataFrame:
    dates = pd.date_range(STORY_START, periods=STORY_DAYS, freq="D")
    weekday = np.where(dates.day_of_week >= 5, WEEKEND_FACTOR, 1.0)
    frames = []
    for variant, (per_day, engagement, key_rate) in STORY_VARIANTS.items():
        for device, (device_share, device_eng, device_key) in DEVICES.items():
            sessions = rng.poisson(per_day * device_share * weekday)
            rate_engaged = engagement * device_eng
            engaged = rng.binomial(sessions, rate_engaged)
            frames.append(pd.DataFrame({
                "date": dates.strftime("%Y-%m-%d"), "story_variant": variant,
                "device_category": device, "sessions": sessions, "engaged_sessions": engaged,
                "key_events": rng.binomial(engaged, key_rate * device_key / rate_engaged)}))
    story = pd.concat(frames, ignore_index=True)
    return story[story["sessions"] > 0].sort_values(
        ["date", "story_variant", "device_category"]).reset_index(drop=True)


def true_key_event_rates(daily: pd.DataFrame, by: str) -> pd.Series:
    """Ground truth: the generator's expected key events per session for each value of ``by``,
    weighted by the realised sessions (``by`` is a channel, landing-page or device column)."""
    channel = daily["session_default_channel_group"].map({k: v[2] for k, v in CHANNELS.items()})
    page = daily["landing_page"].map({k: v[2] for k, v in PAGES.items()})
    device = daily["device_category"].map({k: v[2] for k, v in DEVICES.items()})
    expected = daily["sessions"] * channel * page * device
    return expected.groupby(daily[by]).sum() / daily.groupby(by)["sessions"].sum()


def build() -> dict[str, pd.DataFrame]:
    """Return the three GA4-shaped datasets; identical on every call."""
    rng = np.random.default_rng(SEED)
    daily = _daily(rng)
    return {"ga4_content_daily": daily, "ga4_traffic_sources": _sources(rng, daily),
            "ga4_story_test": _story(rng)}
