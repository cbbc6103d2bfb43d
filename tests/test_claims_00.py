"""Claims of 00-getting-started: every number or ordering its prose states about the data."""

from __future__ import annotations

import re

import pytest
from notebook_claims import REPO_ROOT, assert_states, markdown
from scipy import stats

from marketing_kit import datasets, social_roi
from marketing_kit import getting_started as gs

TEXT = markdown("00-getting-started")


@pytest.fixture(scope="module")
def weekly():
    return datasets.load("social_weekly")


def test_claim_weekly_shape(weekly):
    weeks, channels = weekly["week"].nunique(), weekly["channel"].nunique()
    assert len(weekly) == weeks * channels
    assert_states(TEXT, f"{weeks} weeks × {channels} channels = **{len(weekly)} rows**",
                  "social_weekly's size (section 3)")


def test_claim_seed_table_channels():
    seed = datasets.load("social_roi_channels")
    names = ", ".join(seed["channel"])
    assert_states(TEXT, f"one row for each of its {len(seed)} channels ({names})",
                  "the seed table's channels (section 3)")


def test_claim_facebook_cost_is_the_printed_one():
    row = datasets.load("social_roi_channels").set_index("channel").loc["Facebook"]
    cost = social_roi.channel_cost(row["promotion_spend"], row["hours"], 50)
    assert cost == row["printed_channel_cost"]
    assert_states(TEXT, f"\\${row['promotion_spend']:,.0f} + {row['hours']:,.0f} × \\$50 = "
                        f"**\\${cost:,.0f}**", "Facebook's channel cost (section 2)")


def test_claim_linkedin_last_by_reach_first_by_click_through(weekly):
    totals = gs.channel_totals(weekly).drop(index="Total")
    click_through = totals["clicks"] / totals["reach"]
    assert totals["reach"].idxmin() == "LinkedIn"
    assert click_through.idxmax() == "LinkedIn"
    assert_states(TEXT, "LinkedIn comes last by reach, yet the table above gives it the highest "
                        "click-through rate", "section 3.5")


def test_claim_crm_sizes_and_every_account_found():
    accounts, opportunities = datasets.load("crm_accounts"), datasets.load("crm_opportunities")
    assert opportunities["account_id"].isin(accounts["account_id"]).all()
    assert accounts["account_id"].is_unique
    assert_states(TEXT, f"{len(accounts)} accounts and {len(opportunities)} opportunities",
                  "the CRM's size (section 3.6)")
    assert_states(TEXT, "every opportunity's account is in the accounts table", "section 3.6")


def test_claim_reach_dips_in_summer_and_at_year_end(weekly):
    reach = weekly.pivot(index="week", columns="channel", values="reach")
    summer, year_end = reach.loc[30:34], reach.loc[51:52]
    rest = reach.drop(index=[*summer.index, *year_end.index])
    assert (summer.mean() < rest.mean()).all(), "every channel reaches fewer people in weeks 30-34"
    assert (year_end.mean() < rest.mean()).all(), "and in the last two weeks"
    assert_states(TEXT, "it dips in the summer holidays (weeks 30–34) and in the last two weeks "
                        "of the year", "section 3.7")


def test_claim_cost_per_lead_rises_in_summer_for_every_channel(weekly):
    year = gs.channel_totals(weekly)["cost_per_lead"]
    summer = gs.channel_totals(weekly, (30, 34))["cost_per_lead"]
    assert (summer > year).all()
    assert_states(TEXT, "Cost per lead rises in those weeks for every channel", "explorer")


def test_claim_small_counts_make_the_bottom_of_the_ranking_fragile(weekly):
    totals = weekly.groupby("channel")[["customers", "leads"]].sum()
    assert list(totals["customers"].nsmallest(2).index) == ["Twitter", "YouTube"]
    assert_states(TEXT, f"Twitter won {totals.loc['Twitter', 'customers']} customers all year "
                        f"and YouTube {totals.loc['YouTube', 'customers']}", "after exercise 5")
    rates = totals["customers"] / totals["leads"]
    intervals = {
        name: stats.binomtest(int(totals.loc[name, "customers"]), int(totals.loc[name, "leads"]))
        .proportion_ci(0.95)
        for name in rates.nsmallest(3).index
    }
    for a in intervals:
        for b in intervals:
            assert intervals[a].low < intervals[b].high, f"{a} and {b}: 95 % intervals overlap"
    assert_states(TEXT, "the 95 % confidence intervals of the three lowest close rates overlap",
                  "after exercise 5")


def test_claim_error_messages_are_the_kits(weekly):
    with pytest.raises(ValueError) as raised:
        social_roi.conversion_value(ltv=175, conversion_rate=10)
    assert_states(TEXT, f"ValueError: {raised.value}", "section 3.8's quoted error")
    with pytest.raises(ValueError) as raised:
        gs.channel_totals(weekly, weeks=(40, 30))
    assert_states(TEXT, f"ValueError: {raised.value}", "exercise 9's quoted error")


def test_claim_the_course_map_lists_every_notebook_in_order():
    rows = re.findall(r"^\| (\d\d) \| `([^`]+)` \|", TEXT, flags=re.MULTILINE)
    numbers = [number for number, _ in rows]
    assert numbers == [f"{n:02d}" for n in range(12)], "one row per notebook 00-11, in order"
    assert all(folder.startswith(number) for number, folder in rows)
    built = sorted(p.name for p in (REPO_ROOT / "solutions").iterdir()
                   if p.is_dir() and any(p.glob("*.ipynb")) and not p.name.endswith("-ko"))
    mapped = {folder for _, folder in rows}
    assert set(built) <= mapped, f"notebooks missing from the map: {set(built) - mapped}"


def test_claims_count():
    claims = [name for name in globals() if name.startswith("test_claim_")]
    assert len(claims) == 10
