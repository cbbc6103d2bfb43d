"""CRM on contractual data: life-cycle stages, a churn-risk score and the next-best action.

Seed ``003_acc37c7ae0022513.txt`` describes CRM (고객관계관리) as the methods and software a firm
uses to manage customer relationships, marked by a lasting relationship, personalisation, and
building and analysing customer data. The life cycle (acquire, develop, retain, win back) and
churn scoring follow Kumar & Reinartz (2018), *Customer Relationship Management*, 3rd ed., and
Blattberg, Kim & Neslin (2008), *Database Marketing* (churn management).
Subscriptions are contractual: a cancelled account stops paying, so churn is observed (Fader &
Hardie 2007, "How to project customer retention").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from marketing_kit._validate import (
    check_dataframe,
    check_date,
    check_number,
    check_numeric_column,
)

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

# scikit-learn is imported inside the two model functions (a light import for the notebook).

#: Life-cycle stages: (stage, Korean, what CRM does there).
LIFECYCLE: tuple[tuple[str, str, str], ...] = (
    ("acquire", "고객 획득", "win a new customer; here: signed up in the last month"),
    ("develop", "고객 육성(개발)", "onboard and grow (upsell, cross-sell) a young account"),
    ("retain", "고객 유지", "keep an established account paying"),
    ("win back", "고객 재획득(윈백)", "bring back an account that cancelled"),
)
STAGES: tuple[str, ...] = tuple(stage for stage, _, _ in LIFECYCLE)
DEVELOP_MONTHS = 6  # accounts billed at most this many times count as "develop"

INVOICE_COLUMNS = ("account_id", "invoice_date", "plan", "channel", "amount")
FEATURES = ("tenure_months", "monthly_value", "plan", "channel")

#: Next-best actions: key -> (action, medium of the seed's DM / EM / TM).
ACTIONS: dict[str, tuple[str, str]] = {
    "welcome": ("welcome and onboarding series", "EM"),
    "save call": ("retention call from the account manager", "TM"),
    "save offer": ("automated retention offer (discount or plan review)", "EM"),
    "upsell": ("upgrade offer to the next plan", "EM"),
    "thank you": ("thank-you and referral invitation", "DM"),
    "win back": ("win-back offer", "DM"),
}


def _invoices(invoices: pd.DataFrame) -> pd.DataFrame:
    check_dataframe("invoices", invoices, INVOICE_COLUMNS)
    check_numeric_column("invoices", invoices, "amount", low=0)
    try:
        dates = pd.to_datetime(invoices["invoice_date"], errors="raise")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"invoices['invoice_date'] must hold dates; {exc}") from exc
    return invoices.assign(invoice_date=dates)


def account_snapshot(invoices: pd.DataFrame, as_of: object, horizon_months: int | None = 6,
                     data_end: object = "2024-12-31") -> pd.DataFrame:
    """One row per account that signed up by ``as_of``: what CRM knew that day, and what followed.

    Monthly billing: an account is ``active`` on ``as_of`` when its next invoice (last invoice
    up to ``as_of`` plus one month) falls after ``as_of``. Columns: ``plan``, ``channel``,
    ``tenure_months`` (invoices up to ``as_of``), ``monthly_value`` (their mean amount),
    ``active``, ``stage`` (:data:`LIFECYCLE`) and, with ``horizon_months``, ``churned``: an
    active account whose next invoice within the horizon never came (1) or that kept paying
    (0). The horizon must end by ``data_end``, the last day the data were observed.
    """
    frame = _invoices(invoices)
    day = check_date("as_of", as_of)
    end = check_date("data_end", data_end)
    before = frame[frame["invoice_date"] <= day]
    if before.empty:
        raise ValueError(f"as_of {day.date()} is before every invoice")
    grouped = before.groupby("account_id", sort=True)
    last = grouped["invoice_date"].max()
    snapshot = pd.DataFrame({
        "plan": grouped["plan"].last(),
        "channel": grouped["channel"].last(),
        "tenure_months": grouped.size().astype(int),
        "monthly_value": grouped["amount"].mean(),
        "active": (last + pd.DateOffset(months=1)) > day,
    })
    new = snapshot["active"] & (snapshot["tenure_months"] == 1)
    young = snapshot["active"] & (snapshot["tenure_months"] <= DEVELOP_MONTHS)
    snapshot["stage"] = np.select([~snapshot["active"], new, young],
                                  ["win back", "acquire", "develop"], "retain")
    if horizon_months is not None:
        horizon = check_number("horizon_months", horizon_months, low=1, integer=True)
        stop = day + pd.DateOffset(months=horizon)
        if stop > end:
            raise ValueError(f"as_of + horizon_months ({stop.date()}) must not be after "
                             f"data_end ({end.date()}): churn after it is not observed")
        final = frame.groupby("account_id")["invoice_date"].max().reindex(snapshot.index)
        churned = (final + pd.DateOffset(months=1)) <= stop
        snapshot["churned"] = np.where(snapshot["active"], churned.astype(float), np.nan)
    return snapshot


def fit_churn_model(snapshot: pd.DataFrame) -> Pipeline:
    """Logistic churn model on tenure, monthly value, plan and channel (scikit-learn).

    Fitted on the *active* accounts of a :func:`account_snapshot` with a ``churned`` label;
    tenure and value enter as standardised logs, plan and channel one-hot.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    check_dataframe("snapshot", snapshot, (*FEATURES, "active", "churned"))
    active = snapshot[snapshot["active"].astype(bool)]
    if active.empty:
        raise ValueError("snapshot has no active accounts to learn churn from")
    labels = active["churned"].to_numpy(dtype=float)
    if not np.isin(labels, (0.0, 1.0)).all() or labels.min() == labels.max():
        raise ValueError("snapshot['churned'] must be 0/1 for active accounts, with both values")
    numeric = make_pipeline(FunctionTransformer(np.log1p, feature_names_out="one-to-one"),
                            StandardScaler())
    columns = ColumnTransformer([
        ("numeric", numeric, ["tenure_months", "monthly_value"]),
        ("categories", OneHotEncoder(handle_unknown="ignore"), ["plan", "channel"]),
    ])
    model = make_pipeline(columns, LogisticRegression(max_iter=1000))
    return model.fit(active[list(FEATURES)], labels.astype(int))


def churn_risk(model: Pipeline, snapshot: pd.DataFrame) -> pd.Series:
    """Predicted probability that each active account churns within the model's horizon."""
    from sklearn.pipeline import Pipeline

    if not isinstance(model, Pipeline):
        raise TypeError(f"model must be a fitted Pipeline from fit_churn_model, got "
                        f"{type(model).__name__}")
    check_dataframe("snapshot", snapshot, (*FEATURES, "active"))
    active = snapshot[snapshot["active"].astype(bool)]
    if active.empty:
        raise ValueError("snapshot has no active accounts to score")
    risk = model.predict_proba(active[list(FEATURES)])[:, 1]
    return pd.Series(risk, index=active.index, name="churn_risk")


def next_best_action(stage: str, risk: float, monthly_value: float, plan: str = "",
                     risk_cut: float = 0.3, value_cut: float = 500.0) -> str:
    """What to send an account next: a key of :data:`ACTIONS`.

    Rules, in order: a cancelled account gets a win-back offer; a new one the welcome series;
    a high-risk account (risk >= ``risk_cut``) a call if it is worth at least ``value_cut`` a
    month (telephone is dear, so it is kept for valuable accounts), otherwise an e-mail offer;
    a safe account on the Starter plan an upgrade offer; any other a thank-you and referral
    invitation. A simple rule book in the spirit of Kumar & Reinartz (2018).
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {list(STAGES)}, got {stage!r}")
    if stage == "win back":
        return "win back"
    if stage == "acquire":
        return "welcome"
    risk = check_number("risk", risk, low=0, high=1)
    value = check_number("monthly_value", monthly_value, low=0)
    risk_cut = check_number("risk_cut", risk_cut, low=0, high=1)
    value_cut = check_number("value_cut", value_cut, low=0)
    if risk >= risk_cut:
        return "save call" if value >= value_cut else "save offer"
    return "upsell" if plan == "Starter" else "thank you"


def next_best_actions(snapshot: pd.DataFrame, risk: pd.Series, risk_cut: float = 0.3,
                      value_cut: float = 500.0) -> pd.Series:
    """:func:`next_best_action` for every account of a snapshot (inactive ones: win back)."""
    check_dataframe("snapshot", snapshot, ("stage", "monthly_value", "plan"))
    if not isinstance(risk, pd.Series):
        raise TypeError(
            f"risk must be a pandas Series indexed by account, got {type(risk).__name__}"
        )
    full = risk.reindex(snapshot.index)
    missing = full.isna() & (snapshot["stage"] != "win back") & (snapshot["stage"] != "acquire")
    if missing.any():
        raise ValueError(f"risk has no score for active account(s) {list(full.index[missing][:5])}")
    actions = [
        next_best_action(row.stage, 0.0 if np.isnan(r) else float(r), row.monthly_value,
                         row.plan, risk_cut, value_cut)
        for row, r in zip(snapshot.itertuples(), full.to_numpy(), strict=True)
    ]
    return pd.Series(actions, index=snapshot.index, name="action")
