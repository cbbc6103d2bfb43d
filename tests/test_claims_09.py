"""Claims of 09-direct-marketing-crm: every number or ordering its prose states, recomputed."""

from __future__ import annotations

import pandas as pd
import pytest
from notebook_claims import assert_states, markdown
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from marketing_kit import crm_churn as cc
from marketing_kit import datasets, ltv
from marketing_kit import direct_marketing as dm
from marketing_kit.synthetic import mailing_test as mt

TEXT = markdown("09-direct-marketing-crm")


def says(expected: str, what: str) -> None:
    assert_states(TEXT, expected, what)


def pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def pts(x: float) -> str:
    return f"{100 * x:.1f} points"


@pytest.fixture(scope="module")
def cdnow():
    tx = datasets.load("cdnow_transactions")
    summary = ltv.rfm_summary(tx, "customer_id", "date", "sales", "1997-09-30")
    scores = ltv.rfm_scores(summary)
    holdout = ltv.purchases_between(tx, "customer_id", "date", "1997-09-30", "1998-06-30")
    bought = (holdout.reindex(scores.index) > 0).astype(int)
    score = dm.rfm_cell_score(scores)
    return summary, bought, score, dm.gains_table(score, bought)


@pytest.fixture(scope="module")
def model_split(cdnow):
    summary, bought, score, _ = cdnow
    features = dm.rfm_features(summary)
    train, test = train_test_split(bought.index, test_size=0.5, random_state=2005, stratify=bought)
    model = dm.fit_response_model(features.loc[train], bought.loc[train])
    p = pd.Series(model.predict_proba(features.loc[test])[:, 1], index=test)
    return model, test, p


@pytest.fixture(scope="module")
def mailing():
    frame = datasets.load("mailing_test")
    counts = frame.groupby("group")["responded"].agg(["sum", "size"])
    overall = dm.uplift_test(int(counts.loc["mail", "sum"]), int(counts.loc["mail", "size"]),
                    int(counts.loc["control", "sum"]), int(counts.loc["control", "size"]))
    return overall, dm.uplift_by_segment(frame)


@pytest.fixture(scope="module")
def crm():
    invoices = datasets.load("ltv_subscriptions")
    train = cc.account_snapshot(invoices, "2023-12-31")
    now = cc.account_snapshot(invoices, "2024-06-30")
    risk = cc.churn_risk(cc.fit_churn_model(train), now)
    return train, now, risk


def test_claim_worked_mailing_economics():
    rate = dm.response_rate(300, 10_000)
    says(f"A {100 * rate:.0f} % response costs \\${dm.cost_per_response(2, rate):.2f}",
         "cost per response of the worked mailing")
    says(f"loses \\${-dm.mailing_profit(10_000, rate, 50, 2):,.0f}", "its loss")
    says(f"It needed {100 * dm.break_even_response_rate(2, 50):.0f} % to break even",
         "its break-even rate")
    says(f"$r^* = 2/150 = {100 * dm.break_even_response_rate(2, 150):.1f}\\,\\%$",
         "the break-even rate valued at a CLV of $150")


def test_claim_cdnow_holdout_buyers(cdnow):
    _, bought, _, _ = cdnow
    says(f"Of the {len(bought):,} customers, {bought.sum():,} ({pct(bought.mean())})",
         "customers and holdout buyers")


def test_claim_top_and_bottom_deciles(cdnow):
    gains = cdnow[3]
    says(f"In the best RFM decile {pct(gains['response_rate'].iloc[0])} did, a **lift** of "
         f"{gains['lift'].iloc[0]:.2f}", "top-decile response and lift")
    says(f"In the worst decile only {pct(gains['response_rate'].iloc[-1])}", "worst decile")
    says(f"would have reached {gains['cum_responders_pct'].iloc[2]:.1f} % of",
         "gain of the top 30 %")
    assert gains["response_rate"].iloc[0] > gains["response_rate"].iloc[-1]


def test_claim_deciles_to_mail_at_two_dollars(cdnow):
    plan = dm.mailing_plan(cdnow[3], 2.0, 12.0)
    depth = dm.best_depth(plan)
    assert list(plan.index[plan["above_break_even"]]) == list(range(1, depth + 1))
    says(f"Break-even is 2 / 12 = {pct(2 / 12)}. Deciles 1 to {depth} respond above it; "
         f"decile {depth + 1} ({pct(plan['response_rate'].iloc[depth])}) does not",
         "deciles above break-even")
    says(f"earns \\${plan['cumulative_profit'].iloc[depth - 1]:,.0f}, the most of any depth",
         "profit of the best depth")
    says(f"(\\${plan['cumulative_profit'].iloc[-1]:,.0f})", "profit of mailing everybody")
    assert plan["cumulative_profit"].iloc[-1] < plan["cumulative_profit"].iloc[depth - 1]


def test_claim_logistic_against_rfm_on_the_test_half(cdnow, model_split):
    _, bought, score, _ = cdnow
    model, test, p = model_split
    auc_model, auc_rfm = roc_auc_score(bought[test], p), roc_auc_score(bought[test], score[test])
    lift_model = dm.gains_table(p, bought[test])["lift"].iloc[0]
    lift_rfm = dm.gains_table(score[test], bought[test])["lift"].iloc[0]
    assert auc_model > auc_rfm and lift_model > lift_rfm, "'ranks a little better'"
    assert auc_model - auc_rfm < 0.02, "'the gain is small'"
    says(f"On the {len(test):,} test customers", "size of the test half")
    says(f"AUC {auc_model:.3f} against {auc_rfm:.3f}", "the two AUCs")
    says(f"top-decile lift of {lift_model:.2f} against {lift_rfm:.2f}", "the two lifts")
    weeks, purchases, value = model.named_steps["logisticregression"].coef_[0]
    assert abs(value) < min(abs(weeks), abs(purchases)), "'monetary value adds little'"


def test_claim_mailing_test_raw_versus_uplift(mailing):
    overall, _ = mailing
    says(f"The mailed group bought at {pct(overall.mail_rate)}", "raw response")
    says(f"bought at {pct(overall.control_rate)}: the mailing **caused** only "
         f"{pts(overall.uplift)}", "control response and uplift")
    says(f"(95 % interval {100 * overall.ci_low:.1f} to {pts(overall.ci_high)})", "CI")
    says(f"generated with is {pts(mt.true_uplift())}, inside the interval", "truth")
    assert overall.ci_low < mt.true_uplift() < overall.ci_high
    assert int(overall.mail_rate / overall.uplift) == 6, "'looks six times better'"


def test_claim_segments(mailing):
    _, table = mailing
    recent, lapsing = table.loc["recent"], table.loc["lapsing"]
    assert table["mail_rate"].idxmax() == "recent" and table["uplift"].idxmax() == "lapsing"
    assert recent["ci_low"] < 0 < recent["ci_high"], "'its interval includes zero'"
    says(f"respond most ({pct(recent['mail_rate'])})", "recent raw response")
    says(f"estimated uplift {pts(recent['uplift'])}", "recent uplift")
    says(f"respond less ({pct(lapsing['mail_rate'])})", "lapsing raw response")
    says(f"from the mailing: {pts(lapsing['uplift'])} (truth "
         f"{100 * mt.SEGMENTS['lapsing'][2]:.0f} points)", "lapsing uplift and truth")
    says(f"control group has {int(recent['control']):,} customers", "recent control size")
    says(f"needs {dm.sample_size_per_group(0.30, 0.02):,} a group", "sample size")
    assert dm.sample_size_per_group(0.30, 0.02) > recent["control"]


def test_claim_crm_snapshot_and_churn_score(crm):
    train, now, risk = crm
    stages = now["stage"].value_counts()
    active = now[now["active"]]
    says(f"the file holds {stages['acquire']} just-acquired, {stages['develop']} developing "
         f"and {stages['retain']} retained accounts, and {stages['win back']} that have cancelled",
         "life-cycle counts")
    says(f"Of the {len(active)} active accounts, {pct(active['churned'].mean())} cancelled",
         "churn in the six months")
    says(f"AUC of {roc_auc_score(active['churned'], risk):.3f}", "churn AUC")
    by_channel = risk.groupby(active["channel"]).mean()
    assert by_channel.idxmax() == "paid_search" and by_channel.idxmin() == "partner"
    by_tenure = risk.groupby(pd.cut(active["tenure_months"], [0, 6, 12, 24])).mean()
    assert by_tenure.is_monotonic_decreasing, "'risk falls with tenure'"
    assert risk.mean() < active["churned"].mean(), "'the score is too low on average'"
    assert train.loc[train["active"], "churned"].mean() < active["churned"].mean(), "'calmer'"
    # the reflection's model answer quotes the win-back count and the mailing test
    says(f"({stages['win back']} cancelled accounts on 30 June 2024)", "model answer")


def test_claim_next_best_actions(crm):
    _, now, risk = crm
    counts = cc.next_best_actions(now, risk, risk_cut=0.3, value_cut=500).value_counts()
    says(f"{counts['save call']} accounts get a call, {counts['save offer']} a retention "
         f"e-mail and {counts['upsell']} an upgrade offer", "next-best-action counts")


def test_claim_model_answer_numbers(mailing):
    overall, _ = mailing
    says(f"raw response was {pct(overall.mail_rate)} but the uplift only "
         f"{pts(overall.uplift)}", "reflection model answer")


def test_claim_pasona_steps_as_taught():
    for _, name, korean in dm.PASONA:
        says(f"| **{name[0]}**{name[1:]} | {korean}", f"PASONA step {name}")


def test_claims_count():
    claims = [name for name in globals() if name.startswith("test_claim_")]
    assert len(claims) == 11
