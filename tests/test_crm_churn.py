"""marketing_kit.crm_churn: life-cycle snapshot, churn model and next-best action."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from marketing_kit import crm_churn as cc
from marketing_kit import datasets


@pytest.fixture(scope="module")
def invoices():
    return datasets.load("ltv_subscriptions")


def tiny() -> pd.DataFrame:
    rows = [  # A: pays Jan-Jun; B: pays Jan-Feb then stops; C: signs up in June
        *[("A", f"2024-0{m}-05", "Growth", "partner", 199.0) for m in range(1, 7)],
        ("B", "2024-01-10", "Starter", "paid_search", 49.0),
        ("B", "2024-02-10", "Starter", "paid_search", 49.0),
        ("C", "2024-06-20", "Starter", "organic", 49.0),
    ]
    return pd.DataFrame(rows, columns=list(cc.INVOICE_COLUMNS))


def test_snapshot_by_hand():
    snap = cc.account_snapshot(tiny(), "2024-03-31", horizon_months=3, data_end="2024-06-30")
    assert list(snap.index) == ["A", "B"]
    assert snap.loc["A", "tenure_months"] == 3 and bool(snap.loc["A", "active"])
    assert not snap.loc["B", "active"] and snap.loc["B", "stage"] == "win back"
    assert snap.loc["A", "stage"] == "develop" and snap.loc["A", "churned"] == 0
    assert pd.isna(snap.loc["B", "churned"])
    later = cc.account_snapshot(tiny(), "2024-06-25", horizon_months=None)
    assert later.loc["C", "stage"] == "acquire" and "churned" not in later
    with pytest.raises(ValueError, match="not observed"):
        cc.account_snapshot(tiny(), "2024-06-01", horizon_months=3, data_end="2024-06-30")
    with pytest.raises(ValueError, match="before every invoice"):
        cc.account_snapshot(tiny(), "2023-01-01")
    with pytest.raises(ValueError, match="missing column"):
        cc.account_snapshot(tiny().drop(columns="plan"), "2024-03-31")


def test_churn_label_matches_the_invoices(invoices):
    snap = cc.account_snapshot(invoices, "2024-06-30")
    active = snap[snap["active"]]
    last = invoices.groupby("account_id")["invoice_date"].max()
    for account in active.index[:40]:
        stopped = last[account] + pd.DateOffset(months=1) <= pd.Timestamp("2024-12-31")
        assert active.loc[account, "churned"] == float(stopped)
    assert set(snap["stage"]) == set(cc.STAGES)


def test_out_of_time_churn_model_ranks_better_than_chance(invoices):
    train = cc.account_snapshot(invoices, "2023-12-31")
    now = cc.account_snapshot(invoices, "2024-06-30")
    model = cc.fit_churn_model(train)
    risk = cc.churn_risk(model, now)
    active = now[now["active"]]
    assert risk.between(0, 1).all() and risk.index.equals(active.index)
    assert roc_auc_score(active["churned"], risk) > 0.6
    by_channel = risk.groupby(active["channel"]).mean()
    # the generator gives partner accounts the lowest churn and paid search the highest
    assert by_channel.idxmax() == "paid_search" and by_channel.idxmin() == "partner"
    with pytest.raises(TypeError, match="fitted Pipeline"):
        cc.churn_risk("model", now)
    with pytest.raises(ValueError, match="both values"):
        cc.fit_churn_model(train.assign(churned=0.0))


@pytest.mark.parametrize(
    ("args", "action"),
    [
        (("win back", 0.9, 900), "win back"),
        (("acquire", 0.9, 900), "welcome"),
        (("retain", 0.5, 900), "save call"),
        (("retain", 0.5, 49), "save offer"),
        (("develop", 0.1, 49, "Starter"), "upsell"),
        (("retain", 0.1, 899, "Enterprise"), "thank you"),
    ],
)
def test_next_best_action_rules(args, action):
    assert cc.next_best_action(*args) == action
    assert action in cc.ACTIONS


def test_next_best_action_rejects_bad_input(invoices):
    with pytest.raises(ValueError, match="stage must be one of"):
        cc.next_best_action("loyal", 0.1, 10)
    with pytest.raises(ValueError, match="risk"):
        cc.next_best_action("retain", 1.5, 10)
    now = cc.account_snapshot(invoices, "2024-06-30")
    with pytest.raises(ValueError, match="no score"):
        cc.next_best_actions(now, pd.Series(dtype=float))
    with pytest.raises(TypeError, match="pandas Series"):
        cc.next_best_actions(now, [0.1])
