"""Social-media campaign ROI: conversion goals, per-channel funnels, value, cost and ROI.

Source: the blog post "소셜미디어 캠페인 ROI 측정 및 극대화 방법" (How to calculate the ROI of your
social media campaign, 2014), seed ``000_d34f38106fbbc562.txt``, itself based on a TweakQuick
infographic. Its six steps are:

1. set conversion goals (:data:`CONVERSION_GOALS`);
2. track the top-5 metrics per channel (:data:`TOP_METRICS`, :func:`channel_funnel`);
3. value each conversion from LTV: :func:`conversion_value` (LTV $175 x 10 % = $17.50);
4. channel revenue = conversions x value: :func:`channel_revenue`;
5. channel cost = promotion spend + hours x hourly labour rate: :func:`channel_cost`;
6. ROI % = (revenue - cost) x 100 / cost: :func:`roi_percent`, :func:`roi_table`.
"""

from __future__ import annotations

import pandas as pd

from marketing_kit._validate import (
    check_count,
    check_dataframe,
    check_number,
    check_numeric_column,
    check_rate,
)

#: The nine example conversion goals of step 1, in the seed's order (English, Korean).
CONVERSION_GOALS: tuple[tuple[str, str], ...] = (
    ("online purchase", "온라인 구매"),
    ("customer enquiry with contact details", "고객 문의"),
    ("quote request", "견적 요청"),
    ("website visit", "웹사이트 방문"),
    ("newsletter sign-up", "뉴스레터 신청"),
    ("brochure or product-sheet download", "회사소개서 또는 제품 소개서 다운로드"),
    ("time spent on a key web page", "특정 웹페이지 체류 시간"),
    ("social interaction: share, like, comment, retweet", "소셜미디어 인터액션"),
    ("product-video click", "제품 소개 비디오 클릭"),
)

#: The top-5 tracking metrics of step 2.
TOP_METRICS: tuple[str, ...] = ("reach", "traffic", "leads", "customers", "conversion_rate")

WEEKLY_COLUMNS = ("week", "channel", "reach", "clicks", "leads", "customers", "spend", "hours")


def conversion_value(ltv: float, conversion_rate: float) -> float:
    """Value of one conversion = customer lifetime value x share of conversions that buy.

    Seed 000, step 3: LTV $175 with 1 brochure download in 10 becoming a customer gives
    $17.50 a download; LTV $200 with 1 in 20 gives $10.

    >>> conversion_value(175, 0.10)
    17.5
    """
    ltv = check_number("ltv", ltv, low=0)
    conversion_rate = check_rate("conversion_rate", conversion_rate)
    return ltv * conversion_rate


def channel_revenue(conversions: int, value_per_conversion: float) -> float:
    """Revenue credited to a channel = conversions x value per conversion (seed 000, step 4)."""
    conversions = check_count("conversions", conversions)
    value = check_number("value_per_conversion", value_per_conversion, low=0)
    return conversions * value


def channel_cost(promotion_spend: float, hours: float, hourly_rate: float) -> float:
    """Cost of running a channel = promotion spend + hours x hourly labour rate (step 5)."""
    spend = check_number("promotion_spend", promotion_spend, low=0)
    hours = check_number("hours", hours, low=0)
    rate = check_number("hourly_rate", hourly_rate, low=0)
    return spend + hours * rate


def roi_percent(revenue: float, cost: float) -> float:
    """Return on investment in percent: (revenue - cost) x 100 / cost (seed 000, step 6).

    ``cost`` must be positive: a channel that cost nothing has no defined ROI.

    >>> round(roi_percent(55_545, 20_500), 1)
    171.0
    """
    revenue = check_number("revenue", revenue, low=0)
    cost = check_number("cost", cost, low=0, low_open=True)
    return revenue * 100 / cost - 100  # = (revenue - cost) x 100 / cost, exactly -100 at 0


def break_even_conversions(cost: float, value_per_conversion: float) -> float:
    """Conversions needed for revenue to equal cost (ROI = 0 %): cost / value per conversion."""
    cost = check_number("cost", cost, low=0)
    value = check_number("value_per_conversion", value_per_conversion, low=0, low_open=True)
    return cost / value


def implied_hourly_rate(channel_cost: float, promotion_spend: float, hours: float) -> float:
    """The hourly labour rate that reconciles a published channel cost with its inputs.

    Solves cost = spend + hours x rate for rate; used to audit the seed's cost table.
    """
    cost = check_number("channel_cost", channel_cost, low=0)
    spend = check_number("promotion_spend", promotion_spend, low=0, high=cost)
    hours = check_number("hours", hours, low=0, low_open=True)
    return (cost - spend) / hours


def roi_table(
    channels: pd.DataFrame,
    value_per_conversion: float,
    hourly_rate: float,
    conversions_col: str = "conversions",
) -> pd.DataFrame:
    """Per-channel revenue, cost and ROI, plus a ``Total`` row (seed 000, steps 4-6).

    ``channels`` needs the columns ``channel``, ``promotion_spend``, ``hours`` and the
    conversion counts in ``conversions_col`` (for the seed's table, ``"downloads"``). Returns a
    frame indexed by channel with ``conversions``, ``revenue``, ``promotion_spend``,
    ``labour_cost``, ``cost`` and ``roi_pct``. The total's ROI is computed
    from summed revenue and cost, never by averaging channel ROIs.
    """
    required = ("channel", conversions_col, "promotion_spend", "hours")
    check_dataframe("channels", channels, required)
    value = check_number("value_per_conversion", value_per_conversion, low=0)
    rate = check_number("hourly_rate", hourly_rate, low=0)
    conversions = check_numeric_column("channels", channels, conversions_col, low=0, integer=True)
    spend = check_numeric_column("channels", channels, "promotion_spend", low=0)
    hours = check_numeric_column("channels", channels, "hours", low=0)
    if channels["channel"].duplicated().any() or (channels["channel"] == "Total").any():
        raise ValueError("channels['channel'] must hold unique names other than 'Total'")

    table = pd.DataFrame(
        {
            "conversions": conversions.astype(int).to_numpy(),
            "revenue": (conversions * value).to_numpy(),
            "promotion_spend": spend.to_numpy(),
            "labour_cost": (hours * rate).to_numpy(),
        },
        index=pd.Index(channels["channel"].astype(str), name="channel"),
    )
    table["cost"] = table["promotion_spend"] + table["labour_cost"]
    table.loc["Total"] = table.sum()
    table["conversions"] = table["conversions"].astype(int)
    if (table["cost"] <= 0).any():
        free = list(table.index[table["cost"] <= 0])
        raise ValueError(
            f"every channel needs a positive cost to have an ROI; zero cost for {free}"
        )
    table["roi_pct"] = table["revenue"] * 100 / table["cost"] - 100  # as in roi_percent
    return table


def rank_channels(table: pd.DataFrame) -> pd.DataFrame:
    """Channels of a :func:`roi_table` (without the total) from best to worst ROI.

    Adds ``rank`` (1 = best) and ``profitable`` (ROI above the 0 % break-even line).
    """
    check_dataframe("table", table, ("revenue", "cost", "roi_pct"))
    ranked = table.drop(index="Total", errors="ignore").sort_values("roi_pct", ascending=False)
    ranked = ranked.assign(rank=range(1, len(ranked) + 1), profitable=ranked["roi_pct"] > 0)
    return ranked


def channel_funnel(weekly: pd.DataFrame) -> pd.DataFrame:
    """Top-5 metrics per channel from weekly tracking data (seed 000, step 2).

    ``weekly`` needs the columns of :data:`WEEKLY_COLUMNS`. Counts are summed per channel;
    ``clicks`` are the traffic the channel sent. The rates are stage to stage:
    ``click_through`` = traffic / reach, ``lead_rate`` = leads / traffic,
    ``close_rate`` = customers / leads, and ``conversion_rate`` = customers / traffic
    (the share of visitors who became customers). A zero denominator raises ``ValueError``.
    """
    check_dataframe("weekly", weekly, WEEKLY_COLUMNS)
    for column in ("reach", "clicks", "leads", "customers"):
        check_numeric_column("weekly", weekly, column, low=0, integer=True)
    for column in ("spend", "hours"):
        check_numeric_column("weekly", weekly, column, low=0)
    totals = weekly.groupby("channel", sort=True)[["reach", "clicks", "leads", "customers"]].sum()
    totals = totals.rename(columns={"clicks": "traffic"})
    for _numerator, denominator in (
        ("traffic", "reach"),
        ("leads", "traffic"),
        ("customers", "leads"),
    ):
        empty = list(totals.index[totals[denominator] == 0])
        if empty:
            raise ValueError(
                f"weekly has zero {denominator} for channel(s) {empty}: rates undefined"
            )
    totals["click_through"] = totals["traffic"] / totals["reach"]
    totals["lead_rate"] = totals["leads"] / totals["traffic"]
    totals["close_rate"] = totals["customers"] / totals["leads"]
    totals["conversion_rate"] = totals["customers"] / totals["traffic"]
    return totals


def weekly_roi(weekly: pd.DataFrame, ltv: float, hourly_rate: float) -> pd.DataFrame:
    """Channel ROI over the weekly tracking data, with each new customer worth ``ltv``.

    This is step 3 seen from the customer end: valuing each lead at LTV x the channel's
    close rate (:func:`conversion_value`) and multiplying by leads gives the same revenue as
    customers x LTV. Returns the :func:`roi_table` of the channels (``conversions`` are
    customers) with ``leads`` and ``value_per_lead`` added.
    """
    ltv = check_number("ltv", ltv, low=0)
    funnel = channel_funnel(weekly)
    inputs = weekly.groupby("channel", sort=True)[["spend", "hours"]].sum()
    channels = pd.DataFrame(
        {
            "channel": funnel.index,
            "conversions": funnel["customers"].to_numpy(),
            "promotion_spend": inputs["spend"].to_numpy(),
            "hours": inputs["hours"].to_numpy(),
        }
    )
    table = roi_table(channels, ltv, hourly_rate)
    leads = funnel["leads"]
    table["leads"] = pd.concat([leads, pd.Series({"Total": leads.sum()})]).astype(int)
    table["value_per_lead"] = table["revenue"] / table["leads"]
    return table


def roi_interval(conversions: int, value_per_conversion: float, cost: float,
                 confidence: float = 0.95) -> tuple[float, float]:
    """Interval for a channel's ROI % when its conversion count is Poisson noise.

    Uses the exact (Garwood 1936, *Biometrika* 28) Poisson interval for the count,
    :math:`[\\chi^2_{\\alpha/2}(2x)/2,\\ \\chi^2_{1-\\alpha/2}(2x+2)/2]`, and maps both ends
    through ROI = (count x value - cost) / cost x 100. Cost is treated as known. With 45
    customers the count alone is uncertain by about +/-30 %, so two channels whose intervals
    overlap cannot be ranked on this evidence.
    """
    from scipy.stats import chi2  # imported here: scipy.stats is slow to import, ROI is not

    x = int(check_number("conversions", conversions, low=0, integer=True))
    value = check_number("value_per_conversion", value_per_conversion, low=0)
    cost = check_number("cost", cost, low=0, low_open=True)
    level = check_number("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    alpha = 1 - level
    low = chi2.ppf(alpha / 2, 2 * x) / 2 if x > 0 else 0.0
    high = chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return roi_percent(low * value, cost), roi_percent(high * value, cost)


def roi_intervals(table: pd.DataFrame, value_per_conversion: float | pd.Series,
                  confidence: float = 0.95) -> pd.DataFrame:
    """``roi_pct`` of a :func:`roi_table` / :func:`weekly_roi` with ``roi_low`` and ``roi_high``.

    ``value_per_conversion`` is one number (e.g. the LTV per customer) or a Series by channel.
    """
    check_dataframe("table", table, ("conversions", "cost", "roi_pct"))
    values = (value_per_conversion if isinstance(value_per_conversion, pd.Series)
              else pd.Series(check_number("value_per_conversion", value_per_conversion, low=0),
                             index=table.index))
    bounds = {name: roi_interval(int(row["conversions"]), float(values[name]), float(row["cost"]),
                                 confidence) for name, row in table.iterrows()}
    frame = table[["conversions", "cost", "roi_pct"]].copy()
    frame["roi_low"] = [bounds[name][0] for name in frame.index]
    frame["roi_high"] = [bounds[name][1] for name in frame.index]
    return frame
