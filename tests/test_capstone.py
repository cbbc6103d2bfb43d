"""marketing_kit.capstone: plan assembly and consistency checks, and the capstone data pack."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from marketing_kit import abm, capstone, datasets, ltv, plc, stp, swot
from marketing_kit.synthetic import capstone as generator


@pytest.fixture(scope="module")
def campaigns():
    return datasets.load("capstone_campaigns")


@pytest.fixture(scope="module")
def channels(campaigns):
    return capstone.channel_table(campaigns)


def consistent_plan(channels):
    clv = 90_000.0
    cap = capstone.affordable_cac(clv)
    mix = capstone.channel_roi(capstone.channel_mix(channels, 150.0, cap), clv)
    plan = {"new_customers": 150.0, "acv": 24_000.0, "ltv": clv, "max_cac": cap,
            "budget": float(mix["budget"].sum()), "revenue_goal": 150 * 24_000.0,
            "leads_needed": 6000.0, "lead_to_won": 0.025, "velocity_needed": 150 * 24_000 / 365,
            "win_rate": 0.3, "cycle_days": 48.0}
    plan["open_opportunities"] = capstone.opportunities_needed(plan["revenue_goal"], 0.3,
                                                               24_000.0, 48.0)
    return plan, mix


def test_affordable_cac_is_ltv_over_the_ratio_and_validates():
    assert capstone.affordable_cac(90_000) == 30_000
    assert ltv.ltv_to_cac(90_000, capstone.affordable_cac(90_000)) == pytest.approx(3.0)
    assert capstone.affordable_cac(100, target_ratio=4) == 25
    with pytest.raises(ValueError, match="ltv"):
        capstone.affordable_cac(0)
    with pytest.raises(TypeError, match="target_ratio"):
        capstone.affordable_cac(100, "3")


def test_funnel_targets_scale_the_observed_funnel_to_the_goal():
    counts = pd.Series({"leads": 1000, "mqls": 400, "sqls": 100, "opportunities": 50, "won": 10})
    targets = capstone.funnel_targets(30, counts)
    assert targets.tolist() == pytest.approx([3000, 1200, 300, 150, 30])
    with pytest.raises(ValueError, match="increase"):
        capstone.funnel_targets(30, {"leads": 10, "won": 20})
    with pytest.raises(ValueError, match="new_customers"):
        capstone.funnel_targets(0, counts)


def test_opportunities_needed_inverts_pipeline_velocity():
    opps = capstone.opportunities_needed(3_650_000, 0.25, 20_000, 60)
    assert abm.pipeline_velocity(opps, 0.25, 20_000, 60) == pytest.approx(10_000)
    assert opps == pytest.approx(120)
    with pytest.raises(ValueError, match="win_rate"):
        capstone.opportunities_needed(1e6, 0, 20_000, 60)


def test_channel_table_matches_a_hand_computed_cac(campaigns, channels):
    paid = campaigns[campaigns["channel"] == "Paid search"]
    expected = paid["spend"].sum() / paid["won"].sum()
    assert channels.loc["Paid search", "cac"] == pytest.approx(expected)
    assert channels["won_share"].sum() == pytest.approx(1.0)
    broken = campaigns.copy()
    broken.loc[0, "won"] = broken.loc[0, "leads"] + 1
    with pytest.raises(ValueError, match="cannot exceed"):
        capstone.channel_table(broken)
    with pytest.raises(ValueError, match="missing column"):
        capstone.channel_table(campaigns.drop(columns="spend"))


def test_channel_mix_drops_unaffordable_channels_and_keeps_the_goal(channels):
    cap = 20_000.0
    mix = capstone.channel_mix(channels, 100.0, cap)
    assert set(mix.index) == set(channels.index[channels["cac"] <= cap])
    assert "Trade show" not in mix.index
    assert mix["customers"].sum() == pytest.approx(100.0)
    assert (mix["budget"] / mix["customers"]).to_numpy() == pytest.approx(mix["cac"].to_numpy())
    ratio = mix["customers"] / channels.loc[mix.index, "won_share"]
    assert np.allclose(ratio, ratio.iloc[0]), "customers split in proportion to the won share"
    with pytest.raises(ValueError, match="no channel"):
        capstone.channel_mix(channels, 100.0, 100.0)


def test_channel_roi_is_seed_000_roi_on_lifetime_value(channels):
    mix = capstone.channel_roi(capstone.channel_mix(channels, 100.0, 30_000.0), 85_000.0)
    row = mix.loc["Email"]
    assert row["roi_pct"] == pytest.approx((row["customers"] * 85_000 - row["budget"]) * 100
                                           / row["budget"])
    assert (mix["roi_pct"] >= 100 * 85_000 / 30_000 - 100).all()


def test_check_plan_accepts_a_consistent_plan_and_names_each_break(channels):
    plan, mix = consistent_plan(channels)
    assert capstone.check_plan(plan, mix) == []
    over = dict(plan, budget=plan["max_cac"] * plan["new_customers"] * 1.2)
    assert any("exceeds the affordable CAC" in p for p in capstone.check_plan(over))
    assert any("budgets do not add up" in p for p in capstone.check_plan(over, mix))
    assert any("LTV / 3" in p for p in capstone.check_plan(dict(plan, max_cac=50_000)))
    assert any("revenue_goal" in p for p in capstone.check_plan(dict(plan, acv=30_000)))
    assert any("leads_needed" in p for p in capstone.check_plan(dict(plan, leads_needed=100)))
    assert any("velocity" in p for p in capstone.check_plan(dict(plan, open_opportunities=1)))
    bad_roi = mix.assign(roi_pct=mix["roi_pct"] + 50)
    assert any("roi_pct" in p for p in capstone.check_plan(plan, bad_roi))


def test_check_plan_validates_its_input(channels):
    plan, _ = consistent_plan(channels)
    with pytest.raises(TypeError, match="plan"):
        capstone.check_plan([1, 2])
    with pytest.raises(ValueError, match="missing"):
        capstone.check_plan({k: v for k, v in plan.items() if k != "budget"})
    with pytest.raises(TypeError, match="plan\\['acv'\\]"):
        capstone.check_plan(dict(plan, acv="24k"))
    with pytest.raises(ValueError, match="finite"):
        capstone.check_plan(dict(plan, ltv=float("nan")))


def test_account_journeys_cut_won_accounts_at_their_first_win():
    touches = datasets.load("crm_touches")
    opps = datasets.load("crm_opportunities")
    journeys = capstone.account_journeys(touches, opps)
    won = opps[opps["stage"] == "Closed Won"]
    first = pd.to_datetime(won["closed_date"]).groupby(won["account_id"]).min()
    converted = journeys[journeys["converted"] == 1]
    assert set(converted["journey_id"]) <= set(first.index)
    late = converted["touch_time"] > converted["journey_id"].map(first) + pd.Timedelta(days=1)
    assert not late.any()
    assert len(journeys) < len(touches)
    with pytest.raises(ValueError, match="missing column"):
        capstone.account_journeys(touches.drop(columns="timestamp"), opps)


def test_plan_table_figure_and_html(tmp_path, channels):
    table = capstone.plan_table({"Goal": ("03-plc-bass", "148 customers"),
                                 "Value": ("04", "<b>CLV</b>")})
    assert list(table.columns) == ["step", "notebook", "result"] and len(table) == 2
    mix = capstone.channel_mix(channels, 100.0, 28_000.0)
    figure = capstone.plan_figure(channels, mix, 28_000.0)
    assert len(figure.axes) == 2
    path = capstone.plan_html(table, figure, tmp_path / "plan.html", title="Plan")
    page = path.read_text(encoding="utf-8")
    assert "148 customers" in page and "data:image/png;base64," in page
    assert "&lt;b&gt;CLV" in page, "results are escaped, not injected as HTML"
    with pytest.raises(ValueError, match=".html"):
        capstone.plan_html(table, figure, tmp_path / "plan.pdf")
    with pytest.raises(ValueError, match="pair"):
        capstone.plan_table({"Goal": "148"})


def test_scenario_reproduces_2025_at_last_years_split(channels):
    split = (channels["spend"] / channels["spend"].sum()).to_dict()
    result = capstone.scenario(channels, float(channels["spend"].sum()), split)
    # each channel's spend at its own cost per lead and lead-to-won rate wins its 2025 customers
    assert result["customers"] == pytest.approx(channels["won"].sum())
    assert result["cac"] == pytest.approx(channels["spend"].sum() / channels["won"].sum())
    expected_ltv = ltv.simple_clv(24_000 * 0.8, 0.85, 0.10, first_margin_now=True)
    assert result["ltv"] == pytest.approx(expected_ltv)
    assert result["max_cac"] == pytest.approx(expected_ltv / 3)  # the 3:1 ceiling
    assert result["roi_pct"] == pytest.approx(100 * result["customers"] * expected_ltv
                                              / channels["spend"].sum() - 100)
    doubled = capstone.scenario(channels, float(channels["spend"].sum()), split,
                                conversion_factor=2.0)
    assert doubled["customers"] == pytest.approx(2 * result["customers"])
    with pytest.raises(ValueError, match="unknown channel"):
        capstone.scenario(channels, 1e6, {"Radio": 1.0})
    with pytest.raises(ValueError, match="positive share"):
        capstone.scenario(channels, 1e6, {"Email": 0.0})


def test_data_pack_recovers_the_generators_truth():
    survey = datasets.load("capstone_survey")
    assert len(survey) == 360
    assert survey["likelihood"].isna().sum() == (survey["customer"] == 0).sum() == 232
    bases = survey.assign(employees=np.log10(survey["employees"]))
    features = ["employees", "data_maturity", "budget_k", "urgency", "price_sensitivity"]
    labels = stp.segment(bases, features, k=3).labels
    truth = pd.cut(np.log10(survey["employees"]), [0, 2.0, 3.2, 9], labels=False)
    assert adjusted_rand_score(truth, labels) > 0.9, "k-means recovers the three segments"
    fit = plc.fit_bass(datasets.load("capstone_adoption")["new_customers"])
    p, q, m = generator.BASS
    assert fit.q == pytest.approx(q, rel=0.1) and fit.m == pytest.approx(m, rel=0.1)
    assert math.log(q / p) / (p + q) == pytest.approx(16.8, abs=0.05)
    adoption = datasets.load("capstone_adoption")
    campaigns = datasets.load("capstone_campaigns")
    assert campaigns["won"].sum() == adoption["new_customers"].iloc[12:].sum() == 569
    items = datasets.load("capstone_swot")
    assert swot.ie_position(items)["cell"] == "V"
    customers = datasets.load("capstone_customers")
    assert customers["renewed"].mean() == pytest.approx(generator.RENEWAL, abs=0.04)
