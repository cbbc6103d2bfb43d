"""Claims of 06-funnel-abm: every number or ordering its prose states about the data."""

from __future__ import annotations

import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import abm, datasets, funnel, web_analytics
from marketing_kit.synthetic import crm

TEXT = markdown("06-funnel-abm")
STAGES = {
    "lead": "lead_date",
    "MQL": "mql_date",
    "SQL": "sql_date",
    "opportunity": "opportunity_date",
    "won": "won_date",
}


def pct(x: float) -> str:
    return f"{round(100 * x):.0f} %"


@pytest.fixture(scope="module")
def leads():
    return datasets.load("crm_leads")


@pytest.fixture(scope="module")
def mature(leads):
    counts = funnel.stage_counts_from_dates(leads[leads["lead_date"] <= "2025-06-30"], STAGES)
    return funnel.step_intervals(counts)


@pytest.fixture(scope="module")
def web():
    return datasets.load("crm_web_sessions")


@pytest.fixture(scope="module")
def segments(web):
    test_weeks = web[web["week_start"] >= "2025-06-30"]
    return web_analytics.segment_tests(test_weeks, "channel", "/demo", "/demo-b")


@pytest.fixture(scope="module")
def tiers():
    deals = datasets.load("crm_opportunities").merge(datasets.load("crm_accounts"), on="account_id")
    return abm.pipeline_metrics(deals, as_of="2025-09-30", by="tier")


def test_claim_aida_example():
    table = funnel.funnel_table(
        {"Attention": 20_000, "Interest": 3_000, "Desire": 600, "Action": 90}
    )
    assert table["drop_off"].idxmax() == "Interest"
    assert round(table.loc["Interest", "step_conversion"], 2) == 0.15
    assert round(table.loc["Action", "step_conversion"], 2) == 0.15
    assert_states(
        TEXT, f"Interest loses {table.loc['Interest', 'drop_off']:,.0f} people", "AIDA drop"
    )
    assert_states(
        TEXT,
        f"Interest → Desire converts {pct(table.loc['Desire', 'step_conversion'])}",
        "AIDA Interest -> Desire",
    )


def test_claim_lowest_step_is_mql_to_sql(leads):
    table = funnel.funnel_table(funnel.stage_counts_from_dates(leads, STAGES))
    assert table["drop_off"].idxmax() == "MQL" and funnel.bottleneck(table["count"]) == "SQL"
    assert_states(
        TEXT,
        f"only about a quarter ({pct(table.loc['SQL', 'step_conversion'])})",
        "MQL -> SQL of all 2025 leads",
    )
    assert_states(
        TEXT,
        f"raise\nMQL → SQL from {pct(table.loc['SQL', 'step_conversion'])} to 35 %",
        "explorer prompt",
    )


def test_claim_opportunity_wait(leads):
    waits = funnel.time_in_stage(leads, STAGES).set_index("to_stage")
    assert_states(
        TEXT,
        f"about {waits.loc['won', 'median_days']:.0f} days (median)",
        "median days from opportunity to won",
    )


def test_claim_q4_cohort_is_censored(leads):
    won = funnel.step_rates_by_cohort(leads, STAGES).xs("won", level="stage")["step_conversion"]
    earlier = won.iloc[:-1]
    assert won.iloc[-1] < earlier.min()
    assert_states(
        TEXT,
        f"Q4 leads win {pct(won.iloc[-1])} of their opportunities against "
        f"{round(100 * earlier.min())}–{round(100 * earlier.max())} % earlier",
        "Q4 censoring",
    )


def test_claim_mature_mql_to_sql(mature):
    row = mature.loc["SQL"]
    assert mature["step_conversion"].idxmin() == "SQL"
    assert row["ci_high"] < mature.loc[["MQL", "opportunity"], "ci_low"].min()
    text = (
        f"MQL → SQL is the lowest step ({pct(row['step_conversion'])}, 95 % CI "
        f"{round(100 * row['ci_low'])}–{round(100 * row['ci_high'])} %)"
    )
    assert_states(TEXT, text, "mature MQL -> SQL with interval")
    assert_states(
        TEXT,
        f"{pct(row['step_conversion'])}, 95 % CI {round(100 * row['ci_low'])}–"
        f"{round(100 * row['ci_high'])} % in the mature cohort",
        "the same in the r1 model answer",
    )


def test_claim_mature_won_overlaps(mature):
    won, sql = mature.loc["won"], mature.loc["SQL"]
    assert won["ci_low"] < sql["ci_high"]
    assert_states(
        TEXT,
        f"opportunity → won's ({pct(won['step_conversion'])}, "
        f"{round(100 * won['ci_low'])}–{round(100 * won['ci_high'])} %), which rests on only "
        f"{int(won['count'])} wins",
        "mature opportunity -> won",
    )


def test_claim_true_rates_all_leads():
    truth = crm.true_lead_rates().loc["All"]
    assert_states(
        TEXT, f"the true rates ({pct(truth['SQL'])} and {pct(truth['won'])})", "true rates"
    )


def test_claim_paid_search_dozen_wins(leads):
    counts = funnel.stage_counts_from_dates(leads[leads["channel"] == "Paid search"], STAGES)
    assert counts["won"] == 12
    assert_states(TEXT, "Paid search has a dozen wins", "paid-search wins")


def test_claim_true_paid_search_rates():
    truth = crm.true_lead_rates().loc["Paid search"]
    assert_states(
        TEXT,
        f"MQL → SQL {pct(truth['SQL'])} and opportunity → won {pct(truth['won'])}",
        "hint: true paid-search rates",
    )


def test_claim_tier1_engaged_flatters():
    accounts, touches = datasets.load("crm_accounts"), datasets.load("crm_touches")
    tier = accounts.set_index("account_id")["tier"]
    engaged = abm.target_account_penetration(abm.account_stages(accounts, touches)[tier == 1])
    reached = abm.committee_penetration(datasets.load("crm_contacts"), touches)[tier == 1].mean()
    assert engaged >= 0.85 and reached < engaged - 0.15
    assert_states(
        TEXT,
        "Tier-1 accounts are almost all engaged, yet we reach only part of each committee",
        "penetration both ways, tier 1",
    )


def test_claim_redesign_interval_above_zero(web):
    demo = web[(web["week_start"] >= "2025-06-30") & web["landing_page"].isin(["/demo", "/demo-b"])]
    totals = demo.groupby("landing_page")[["sessions", "conversions"]].sum()
    test = web_analytics.ab_test(
        totals.loc["/demo", "conversions"],
        totals.loc["/demo", "sessions"],
        totals.loc["/demo-b", "conversions"],
        totals.loc["/demo-b", "sessions"],
    )
    assert test.ci_low > 0
    assert_states(
        TEXT,
        "The redesign converts better and the whole 95 % interval lies above zero",
        "pooled LPO test",
    )


def test_claim_tier1_penetration_both_ways():
    accounts, touches = datasets.load("crm_accounts"), datasets.load("crm_touches")
    tier = accounts.set_index("account_id")["tier"]
    stages = abm.account_stages(accounts, touches)
    engaged = abm.target_account_penetration(stages[tier.index[tier == 1]])
    reached = abm.committee_penetration(datasets.load("crm_contacts"), touches)[tier == 1].mean()
    assert_states(TEXT, f"tier-1 committee reached ≈ {pct(reached)}", "rubric committee number")
    assert_states(TEXT, f'"accounts engaged" ({pct(engaged)})', "rubric accounts-engaged number")
    assert abs(reached - 2 / 3) < 0.02
    assert_states(TEXT, "only about two thirds of a tier-1\ncommittee", "model answer two thirds")


def test_claim_tier_deal_counts(tiers):
    closed = tiers["won"] + tiers["lost"]
    assert_states(
        TEXT,
        f"only {closed.min()}–{closed.max()} closed deals per tier (tier 1: "
        f"{tiers.loc[1, 'won']} won, {tiers.loc[1, 'lost']} lost)",
        "closed deals per tier",
    )
    low, high = funnel.wilson_interval(tiers.loc[1, "won"], closed[1])
    assert round(100 * (high - low) / 2) == 17
    assert_states(TEXT, "span about\n±17 points", "width of the tier-1 interval")


def test_claim_tier_ordering(tiers):
    assert tiers["avg_deal_size"].idxmax() == 1 and tiers["cycle_days"].idxmax() == 1
    assert tiers["cycle_days"].idxmin() == 3 and tiers["avg_deal_size"].idxmin() == 3
    assert tiers["velocity"].idxmin() == 3
    assert_states(
        TEXT,
        "Tier 1 wins bigger deals but takes longest to close; tier 3 closes fastest but "
        "small, so its velocity is lowest",
        "tier ordering",
    )


def test_claim_pricing_page(web):
    pages = web_analytics.traffic_report(web, "landing_page")
    pricing = pages.loc["/pricing"]
    assert round(pricing["share_of_sessions"], 1) == 0.2
    assert round(pricing["bounce_rate"], 2) == 0.65
    assert_states(
        TEXT, "`/pricing` gets a fifth of all sessions and two thirds of them bounce", "pricing"
    )
    others = pages.drop(index="/pricing")["engagement_rate"]
    assert 0.55 <= others.min() and others.max() <= 0.66
    assert_states(
        TEXT,
        f"about {pct(pricing['bounce_rate'])} bounce (engagement "
        f"{pct(pricing['engagement_rate'])},\nagainst 55–65 % elsewhere); its conversion rate is "
        f"about {100 * pricing['conversion_rate']:.1f} %",
        "r2 model answer on /pricing",
    )


def test_claim_pooled_lift_and_truth(segments, web):
    test_weeks = web[web["week_start"] >= "2025-06-30"]
    pooled = web_analytics.segment_tests(test_weeks.assign(all="all"), "all", "/demo", "/demo-b")
    assert pooled.loc["all", "p_value"] < 0.05
    assert_states(
        TEXT,
        f"here +{pct(pooled.loc['all', 'relative_lift'])} relative, while the generator's true "
        f"lift is +{pct(crm.DEMO_B_LIFT - 1)}",
        "winner's curse",
    )


def test_claim_segment_range(segments):
    others = segments.drop(index="Paid search")
    lift = others["relative_lift"]
    assert_states(
        TEXT,
        f"the estimates run from +{pct(lift.min())} ({lift.idxmin()}) to "
        f"+{pct(lift.max())} ({lift.idxmax()})",
        "segment lift range",
    )
    assert_states(
        TEXT, f"minimum detectable lift ({pct(others['mde_lift'].min())} or more)", "segment MDE"
    )
    assert (others["mde_lift"] > crm.DEMO_B_LIFT - 1).all()
    assert (others["p_value"] < 0.05).any() and (others["p_value"] >= 0.05).any()


def test_claim_paid_search_subgroup_is_underpowered(segments):
    paid = segments.loc["Paid search"]
    assert paid["p_value"] > 0.05 and paid["mde_lift"] > crm.DEMO_B_LIFT - 1


def test_claims_count():
    claims = [name for name in globals() if name.startswith("test_claim_")]
    assert len(claims) >= 18, claims
