"""Claims of 11-capstone-b2b-plan: every number or ordering its prose states, recomputed."""

from __future__ import annotations

import math

import nbformat
import numpy as np
import pandas as pd
import pytest
from notebook_claims import assert_states, markdown, notebook_path

from marketing_kit import abm, attribution, capstone, datasets, ltv, nps, plc, stp, swot
from marketing_kit import direct_marketing as dm
from marketing_kit.synthetic import capstone as generator

TEXT = markdown("11-capstone-b2b-plan")
FEATURES = ["employees", "data_maturity", "budget_k", "urgency", "price_sensitivity"]
WEIGHTS = {"size": 0.2, "growth": 0.25, "margin": 0.25, "competitive_intensity": 0.1, "fit": 0.2}


def says(expected: str, what: str) -> None:
    assert_states(TEXT, expected, what)


def pct(x: float, digits: int) -> str:
    """A share as the prose writes it: 0.412 -> '41 %' (digits decimals, a space before %)."""
    return f"{100 * x:.{digits}f} %"


def minus(x: float, fmt: str) -> str:
    """A signed number as the prose writes it (Unicode minus)."""
    return format(x, fmt).replace("-", "−")


@pytest.fixture(scope="module")
def plan():
    """The solution's chain of numbers, recomputed step by step."""
    survey = datasets.load("capstone_survey")
    bases = survey.assign(employees=np.log10(survey["employees"]))
    seg = stp.segment(bases, FEATURES, k=3)
    inputs = stp.targeting_inputs(bases, seg.labels, growth="urgency", margin="budget_k",
                                  competition="price_sensitivity", fit="data_maturity")
    score = stp.attractiveness(inputs, WEIGHTS)
    adoption = datasets.load("capstone_adoption")
    fit = plc.fit_bass(adoption["new_customers"])
    new = float(plc.bass_forecast(fit, 36)["adoptions"].iloc[24:].sum())
    cust = datasets.load("capstone_customers")
    margin = float((cust["acv"] * cust["gross_margin"]).mean())
    retention = float(cust["renewed"].mean())
    clv = ltv.simple_clv(margin, retention, 0.10, first_margin_now=True)
    campaigns = datasets.load("capstone_campaigns")
    counts = capstone.funnel_totals(campaigns)
    channels = capstone.channel_table(campaigns)
    mix = capstone.channel_roi(capstone.channel_mix(channels, new, clv / 3), clv)
    return {"survey": survey, "bases": bases, "seg": seg, "score": score, "adoption": adoption,
            "fit": fit, "new": new, "cust": cust, "margin": margin, "retention": retention,
            "clv": clv, "acv": float(cust["acv"].mean()), "counts": counts,
            "channels": channels, "mix": mix}


def test_claim_points_of_the_notebook():
    nb = nbformat.read(notebook_path("11-capstone-b2b-plan"), as_version=4)
    graded = [c.metadata["nbgrader"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade")]
    auto = sum(m["points"] for m in graded if not m.get("solution"))
    hand = [m["points"] for m in graded if m.get("solution")]
    assert (auto, sum(hand), len(hand)) == (22, 10, 2)
    says("Ten autograded steps (22 points) and two written answers graded by hand (10 points)",
         "points")


def test_claim_k3_and_the_scale_up_target(plan):
    diagnostics = stp.k_diagnostics(plan["bases"], FEATURES, range(2, 7))
    assert stp.best_k(diagnostics) == 3
    says("k = 3 as the silhouette suggests", "k")
    seg, score = plan["seg"], plan["score"]
    profile = seg.profile
    assert int(score.index[0]) == 1 and seg.labels.value_counts().idxmax() == 1
    says("Segment 1 tops the scorecard", "target")
    says("it is also the largest segment", "largest")
    assert f"{profile.loc[1, 'employees']:.1f}" == "2.6"
    says("log10 employees about 2.6", "size of segment 1")
    assert profile["urgency"].drop(index="Market").idxmax() == 1
    says(f"high urgency ({profile.loc[1, 'urgency']:.1f} of 7)", "urgency")
    assert profile["budget_k"].drop(index="Market").idxmax() == 3
    assert profile["price_sensitivity"].drop(index="Market").idxmax() == 2
    says("The enterprise data teams bring the biggest budgets", "enterprise budgets")
    says(f"segment 1, {pct((seg.labels == 1).mean(), 0)} of buyers", "share in model answer")


def test_claim_ie_position():
    pos = swot.ie_position(datasets.load("capstone_swot"))
    says(f"IFE {pos['ife_total']:.2f} ({pos['internal']}) and EFE {pos['efe_total']:.2f} "
         f"({pos['external']}) put Pulse in cell **{pos['cell']}, {pos['posture']}**", "IE")


def test_claim_bass_fit_and_forecast(plan):
    fit, adoption = plan["fit"], plan["adoption"]
    p, q, m = generator.BASS
    says(f"(p ≈ {fit.p:.3f}, q ≈ {fit.q:.2f}, m ≈ {fit.m:,.0f}) is close to the generator's "
         f"truth (p = {p:g}, q = {q:g}, m = {m:,.0f})", "Bass fit")
    says(f"peaked in month {fit.peak_time:.0f}", "peak")
    total = int(adoption["new_customers"].sum())
    says(f"{total} of the roughly {fit.m:,.0f} firms", "adopted so far")
    says(f"about {plan['new']:.0f} new customers, against "
         f"{adoption['new_customers'].iloc[12:].sum()} in 2025", "forecast")
    says(f"the market is {pct(total / fit.m, 0)} adopted", "model answer saturation")


def test_claim_ltv_and_affordable_cac(plan):
    clv, r = plan["clv"], plan["retention"]
    says(f"about ${round(plan['margin'], -2):,.0f} of margin a year and renews {pct(r, 0)}",
         "margin")
    says(f"CLV about ${round(clv, -2):,.0f} and an affordable CAC of about "
         f"${round(clv / 3, -2):,.0f}", "CLV and CAC")
    says(f"${round(clv / 3, -2):,.0f}", "CAC in model answer 2")
    says(f"CLV is {clv / plan['margin']:.2f} years of margin", "years of margin")
    says(f"1/(1 − r) = {1 / (1 - r):.1f} years", "naive lifetime")


def test_claim_cx_baseline(plan):
    survey, labels = plan["survey"], plan["seg"].labels
    cx = survey[survey["customer"] == 1].assign(segment=labels)
    table = nps.nps_by_group(cx, "segment")
    row = table.loc[1]
    says(f"The target segment's {int(row['n'])} customers give an NPS of about "
         f"{row['nps']:+.0f} (95 % interval roughly {minus(row['lower'], '.0f')} to "
         f"{row['upper']:+.0f})", "NPS baseline")
    ces = nps.ces(cx.loc[cx["segment"] == 1, "ces"])
    says(f"mean CES of {ces.mean:.1f} of 7", "CES")
    says(f"the small agencies are at {minus(table.loc[2, 'nps'], '.0f')}", "agencies NPS")
    half = (row["upper"] - row["lower"]) / 2
    says(f"{row['nps']:+.0f} from {int(row['n'])} answers, interval about ±{half:.0f}",
         "model answer 2 NPS")


def test_claim_funnel_velocity_and_pipeline(plan):
    counts, new, acv = plan["counts"], plan["new"], plan["acv"]
    leads = new * counts["leads"] / counts["won"]
    says(f"about {round(leads, -1):,.0f} leads at 2025's lead-to-won rate of "
         f"{pct(counts['won'] / counts['leads'], 1)}", "leads")
    goal = new * acv
    says(f"a revenue goal of about ${goal / 1e6:.2f} million means ${goal / 365:,.0f} a day",
         "goal")
    win = counts["won"] / counts["opportunities"]
    cycle = plan["cust"]["days_to_close"].mean()
    opps = capstone.opportunities_needed(goal, win, acv, cycle)
    says(f"about {opps:.0f} open Pulse opportunities at any time (win rate {pct(win, 1)}, "
         f"{cycle:.0f}-day cycle)", "open deals")
    core = abm.pipeline_metrics(datasets.load("crm_opportunities"), "2025-12-31").loc["all"]
    says(f"about ${round(core['velocity'], -2):,.0f} a day on {int(core['open'])} open deals",
         "core pipeline")
    says(f"{plan['new']:.0f} customers within ${plan['mix']['budget'].sum() / 1e6:.2f} million, "
         f"{opps:.0f} open deals", "model answer 1 numbers")


def test_claim_channel_mix_and_budget(plan):
    channels, mix = plan["channels"], plan["mix"]
    above = channels.index[channels["cac"] > plan["clv"] / 3]
    assert list(above) == ["Trade show"] and len(mix) == 6
    says(f"Trade show, at ${channels.loc['Trade show', 'cac']:,.0f} per customer, is the one "
         "channel above the affordable CAC", "dropped channel")
    budget = mix["budget"].sum()
    says(f"the other six carry the goal for a budget of about ${budget / 1e6:.2f} million, "
         f"${budget / plan['new']:,.0f} per customer", "budget")
    assert channels["cac"].rank().loc["Email"] == 2
    says(f"whose CAC of ${channels.loc['Email', 'cac']:,.0f} is the second lowest", "Email CAC")


def test_claim_attribution_caveat():
    touches, opps = datasets.load("crm_touches"), datasets.load("crm_opportunities")
    journeys = capstone.account_journeys(touches, opps)
    won = journeys.groupby("journey_id")["converted"].first().sum()
    credit = pd.DataFrame({m: attribution.heuristic_attribution(journeys, m)["share"]
                           for m in ("first_touch", "last_touch")}).fillna(0.0)
    change = credit["last_touch"] - credit["first_touch"]
    assert change.abs().idxmax() == "Email" and credit["first_touch"].idxmax() == "Email"
    email = credit.loc["Email"]
    says(f"on the {won} won ABM accounts, Email opens most journeys "
         f"({pct(email['first_touch'], 0)} of first-touch credit) but closes fewer "
         f"({pct(email['last_touch'], 0)} under last touch)", "Email caveat")
    says(f"({pct(email['first_touch'], 0)} to {pct(email['last_touch'], 0)})", "model answer 2")
    assert change.nlargest(2).index.tolist() == ["Retargeting", "Direct"]
    says("retargeting and direct visits gain under last touch", "gainers")
    says(f"1/{won} ≈ {100 / won:.0f} points", "granularity")


def test_claim_roi_per_channel(plan):
    roi = plan["mix"]["roi_pct"]
    assert roi.idxmin() == "Content syndication" and roi.idxmax() == "Referral"
    says(f"Content syndication has the lowest ROI of the kept channels, about {roi.min():+.0f} %, "
         "and Referral the highest", "ROI")
    says("Referral has the best ROI", "model answer 1 ROI")


def test_claim_direct_and_content_plan(plan):
    survey_free = datasets.load("crm_accounts")
    touches, opps = datasets.load("crm_touches"), datasets.load("crm_opportunities")
    score = abm.engagement_scores(survey_free, touches, "2025-12-31")
    won = set(opps.loc[opps["stage"] == "Closed Won", "account_id"])
    tier = survey_free.set_index("account_id")["tier"]
    picked = score[(tier.reindex(score.index) <= 2) & ~score.index.isin(won)]
    picked = picked.sort_values(ascending=False, kind="stable").index[:10]
    contacts = datasets.load("crm_contacts")
    n = int(contacts["account_id"].isin(picked).sum())
    counts = plan["counts"]
    rate = dm.break_even_response_rate(150, plan["clv"] * counts["won"] / counts["sqls"])
    says(f"The ten ABM accounts have {n} committee members: the packages cost ${150 * n:,.0f}",
         "ABM contacts")
    says(f"(break-even {pct(rate, 2)})", "break-even")
    says(f"{n} contacts, ${150 * n:,.0f}; break-even about {pct(rate, 0)}", "model answer 1 ABM")
    web = datasets.load("crm_web_sessions")
    key = web["conversions"].sum() / web["sessions"].sum()
    leads = plan["new"] * counts["leads"] / counts["won"]
    says(f"about {round(leads / key, -3):,.0f} sessions a year at the 2025 key-event rate of "
         f"{pct(key, 2)}", "sessions")
    says(f"{round(leads, -1):,.0f} leads and {round(leads / key, -3):,.0f} sessions",
         "model answer 1 content")


def test_claim_roi_floor_of_the_three_to_one_rule():
    # "A channel whose CAC is at most CLV / 3 has ... an ROI of at least 200 %"
    assert math.isclose(capstone.channel_roi(
        pd.DataFrame({"customers": [1.0], "budget": [30.0]}), 90.0)["roi_pct"].iloc[0], 200.0)
    says("an ROI of at least 200 %", "3:1 = 200 %")


CLAIMS = len([name for name in globals() if name.startswith("test_claim_")])


def test_claims_count():
    assert CLAIMS == 12
