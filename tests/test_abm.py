"""Unit tests for marketing_kit.abm: stages, engagement, both penetrations, win rate, velocity."""

from __future__ import annotations

import pandas as pd
import pytest

from marketing_kit import abm, datasets


@pytest.fixture
def small():
    accounts = pd.DataFrame({"account_id": ["A", "B", "C"]})
    contacts = pd.DataFrame({"contact_id": ["a1", "a2", "a3", "a4", "b1", "b2", "c1"],
                             "account_id": ["A", "A", "A", "A", "B", "B", "C"]})
    touches = pd.DataFrame({
        "contact_id": ["a1", "a1", "a2", "b1"],
        "account_id": ["A", "A", "A", "B"],
        "kind": ["email_open", "meeting", "referral", "web_visit"],
        "timestamp": ["2025-03-01", "2025-03-31", "2025-05-01", "2025-03-31"],
    })
    return accounts, contacts, touches


def test_published_pipeline_velocity_examples():
    # winsabove.pages.dev/glossary/sales-velocity: 18 opps x $42K x 24 % / 78 days = $2,326/day;
    # cutting the cycle to 65 days gives "$2,790" (2,791.38 before their rounding).
    assert abm.pipeline_velocity(18, 0.24, 42_000, 78) == pytest.approx(2326.15, abs=0.01)
    assert abm.pipeline_velocity(18, 0.24, 42_000, 65) == pytest.approx(2791.38, abs=0.01)
    # optif.ai sales-velocity page: 50 x $50,000 x 25 % / 45 days = $13,889/day.
    assert round(abm.pipeline_velocity(50, 0.25, 50_000, 45)) == 13_889


def test_velocity_hand_computed_and_levers_are_symmetric():
    assert abm.pipeline_velocity(10, 0.5, 1_000, 50) == 100.0
    base = abm.pipeline_velocity(20, 0.25, 10_000, 60)
    assert abm.pipeline_velocity(22, 0.25, 10_000, 60) == pytest.approx(base * 1.1)
    assert abm.pipeline_velocity(20, 0.275, 10_000, 60) == pytest.approx(base * 1.1)
    assert abm.pipeline_velocity(20, 0.25, 10_000, 60 / 1.1) == pytest.approx(base * 1.1)


def test_win_rate_counts_closed_deals_only():
    assert abm.win_rate(30, 70) == 0.3
    assert abm.win_rate(0, 5) == 0.0
    assert abm.win_rate(4, 0) == 1.0


def test_pipeline_metrics_hand_computed():
    opps = pd.DataFrame({
        "stage": ["Closed Won", "Closed Won", "Closed Lost", "Proposal", "Closed Won", "Discovery"],
        "amount": [10_000.0, 30_000.0, 50_000.0, 99_000.0, 70_000.0, 5_000.0],
        "created_date": pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-01", "2025-03-01",
                                        "2025-03-01", "2025-07-01"]),
        "closed_date": pd.to_datetime(["2025-01-31", "2025-03-13", "2025-04-01", None,
                                       "2025-06-15", None]),
    })
    table = abm.pipeline_metrics(opps, as_of="2025-04-30")
    row = table.loc["all"]
    # closed by 30 April: 2 won, 1 lost; open: the Proposal and the deal won in June
    assert (row["won"], row["lost"], row["open"]) == (2, 1, 2)
    assert row["win_rate"] == pytest.approx(2 / 3)
    assert row["avg_deal_size"] == 20_000
    assert row["cycle_days"] == (30 + 40) / 2
    assert row["velocity"] == pytest.approx(2 * 2 / 3 * 20_000 / 35)
    later = abm.pipeline_metrics(opps, as_of="2025-12-31").loc["all"]
    assert (later["won"], later["open"]) == (3, 2)
    assert abm.average_deal_size(opps) == pytest.approx(110_000 / 3)
    assert abm.sales_cycle_days(opps) == pytest.approx((30 + 40 + 106) / 3)


def test_pipeline_metrics_by_tier_on_the_crm():
    opps = datasets.load("crm_opportunities").merge(datasets.load("crm_accounts"), on="account_id")
    table = abm.pipeline_metrics(opps, "2025-09-30", by="tier")
    assert list(table.index) == [1, 2, 3]
    for tier, row in table.iterrows():
        assert row["velocity"] == pytest.approx(abm.pipeline_velocity(
            row["open"], row["win_rate"], row["avg_deal_size"], row["cycle_days"]))
        closed = opps[(opps.tier == tier) & (opps.closed_date <= "2025-09-30")]
        assert row["win_rate"] == abm.win_rate((closed.stage == "Closed Won").sum(),
                                               (closed.stage == "Closed Lost").sum())
    assert table["avg_deal_size"].is_monotonic_decreasing  # strategic accounts buy bigger
    assert table["cycle_days"].is_monotonic_decreasing  # ... and take longer


def test_account_stages_from_touches(small):
    accounts, _, touches = small
    stages = abm.account_stages(accounts, touches)
    assert stages.to_dict() == {"A": "Advocate", "B": "Expand", "C": "Identify"}
    assert stages.cat.ordered
    assert abm.stage_counts(stages).tolist() == [3, 2, 1, 1]


def test_engagement_score_decays_with_half_life(small):
    accounts, _, touches = small
    scores = abm.engagement_scores(accounts, touches, as_of="2025-03-31", half_life_days=30)
    # A: email_open 30 days old (1 x 0.5) + meeting today (10); the May referral is in the future
    assert scores["A"] == pytest.approx(0.5 + 10)
    assert scores["B"] == pytest.approx(3)
    assert scores["C"] == 0
    flat = abm.engagement_scores(accounts, touches, "2025-03-31", weights={
        kind: 1 for kind in abm.KIND_WEIGHTS})
    assert flat["A"] == pytest.approx(1.5)


def test_two_penetration_definitions(small):
    accounts, contacts, touches = small
    stages = abm.account_stages(accounts, touches)
    assert abm.target_account_penetration(stages) == pytest.approx(1 / 3)  # A only is Engage+
    assert abm.target_account_penetration(stages, "Expand") == pytest.approx(2 / 3)
    committee = abm.committee_penetration(contacts, touches)
    assert committee.to_dict() == {"A": 0.5, "B": 0.5, "C": 0.0}


def test_crm_stages_and_penetration_are_plausible():
    accounts, touches = datasets.load("crm_accounts"), datasets.load("crm_touches")
    stages = abm.account_stages(accounts, touches)
    counts = abm.stage_counts(stages)
    assert counts["Identify"] == len(accounts) and counts.is_monotonic_decreasing
    share = abm.target_account_penetration(stages)
    assert 0.3 < share < 0.7
    by_tier = stages.groupby(accounts.set_index("account_id")["tier"], observed=True).apply(
        abm.target_account_penetration)
    assert by_tier.is_monotonic_decreasing  # one-to-one tier 1 is the most engaged
    committee = abm.committee_penetration(datasets.load("crm_contacts"), touches)
    assert committee.between(0, 1).all() and len(committee) == len(accounts)


def test_touch_timeline(small):
    _, _, touches = small
    timeline = abm.touch_timeline(touches, "A")
    assert timeline["kind"].tolist() == ["email_open", "meeting", "referral"]
    assert timeline["stage"].tolist() == ["Expand", "Engage", "Advocate"]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: abm.win_rate(0, 0), ValueError, "no closed deals"),
        (lambda: abm.win_rate(-1, 3), ValueError, "won"),
        (lambda: abm.win_rate(1.5, 3), ValueError, "whole number"),
        (lambda: abm.pipeline_velocity(10, 1.2, 1000, 30), ValueError,
         r"win_rate must be in \[0, 1\]"),
        (lambda: abm.pipeline_velocity(10, -0.1, 1000, 30), ValueError, "win_rate"),
        (lambda: abm.pipeline_velocity(10, 0.2, 1000, 0), ValueError, r"cycle_days must be in \(0"),
        (lambda: abm.pipeline_velocity(-1, 0.2, 1000, 30), ValueError, "opportunities"),
        (lambda: abm.pipeline_velocity(10, 0.2, "big", 30), TypeError, "avg_deal_size"),
        (lambda: abm.target_account_penetration(pd.Series(["Identify", "Engaged"])), ValueError,
         "unknown stage"),
        (lambda: abm.target_account_penetration(pd.Series(["Identify"]), "Buy"), ValueError,
         "engaged_from must be one of"),
    ],
)
def test_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_bad_frames(small):
    accounts, contacts, touches = small
    with pytest.raises(ValueError, match="unknown kind"):
        abm.account_stages(accounts, touches.assign(kind="tweet"))
    with pytest.raises(ValueError, match="missing column"):
        abm.account_stages(accounts, touches.drop(columns="kind"))
    with pytest.raises(ValueError, match="not in accounts"):
        abm.account_stages(accounts.iloc[:1], touches)
    with pytest.raises(ValueError, match="half_life_days"):
        abm.engagement_scores(accounts, touches, "2025-12-31", half_life_days=0)
    with pytest.raises(ValueError, match="missing"):
        abm.engagement_scores(accounts, touches, "2025-12-31", weights={"meeting": 5})
    with pytest.raises(ValueError, match="missing column"):
        abm.committee_penetration(contacts, touches.drop(columns="contact_id"))
    opps = datasets.load("crm_opportunities")
    with pytest.raises(ValueError, match="unknown stage"):
        abm.pipeline_metrics(opps.assign(stage="Won"), "2025-09-30")
    with pytest.raises(ValueError, match="before the first opportunity"):
        abm.pipeline_metrics(opps, "2024-01-01")
    with pytest.raises(ValueError, match="no closed deals"):
        abm.pipeline_metrics(opps, "2025-01-10")
    with pytest.raises(ValueError, match="closed_date exactly when"):
        abm.pipeline_metrics(opps.assign(closed_date=pd.NaT), "2025-09-30")
    with pytest.raises(ValueError, match="amount"):
        abm.average_deal_size(opps.assign(amount=-opps["amount"]))
    with pytest.raises(ValueError, match="no 'Closed Won'"):
        abm.average_deal_size(opps[opps.stage != "Closed Won"])
