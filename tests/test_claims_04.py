"""Claims of notebook 04-customer-value-ltv: every number or ordering its prose states about the
data, recomputed with marketing_kit and checked against the markdown (issue 17)."""

from __future__ import annotations

import pandas as pd
import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import datasets, ltv
from marketing_kit.synthetic import ltv as saas

TEXT = markdown("04-customer-value-ltv")
DEC = pd.Period("2023-12", "M")
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven"]


@pytest.fixture(scope="module")
def invoices():
    return datasets.load("ltv_subscriptions")


@pytest.fixture(scope="module")
def noise(invoices):
    return ltv.cohort_noise(ltv.cohort_counts(invoices, "account_id", "invoice_date"), 3)


@pytest.fixture(scope="module")
def cdnow():
    frame = datasets.load("cdnow_transactions")
    summary = ltv.rfm_summary(frame, "customer_id", "date", "sales", "1997-09-30", "W")
    fit = ltv.fit_bgnbd(summary)
    holdout = ltv.purchases_between(frame, "customer_id", "date", "1997-09-30", "1998-06-30")
    return frame, summary, fit, holdout


@pytest.fixture(scope="module")
def bought_again(cdnow):
    _, summary, _, holdout = cdnow
    rfm = ltv.rfm_scores(summary)
    return ltv.group_rates(holdout.reindex(rfm.index) > 0, rfm["segment"])


@pytest.fixture(scope="module")
def gap(cdnow):
    frame, _, fit, _ = cdnow
    tracking = ltv.repeat_purchase_tracking(frame, "customer_id", "date", fit, "1997-01-01", 78)
    return ltv.holdout_gap(tracking, 39)


def pct(value: float) -> str:
    return f"{100 * value:.0f} %"


def test_claim_margin_multiple_example():
    assert_states(
        TEXT,
        f"with $r = 80\\%$ and $i = 12\\%$ it is {ltv.margin_multiple(0.8, 0.12):g}",
        "margin multiple at r = 0.8, i = 0.12",
    )


def test_claim_year_ten_margin_is_about_4_percent():
    assert round(100 * (0.8 / 1.1) ** 10) == 4
    assert_states(TEXT, "\\approx 4\\%$ of a margin today", "year-10 margin share")


def test_claim_most_value_in_first_five_years():
    share = ltv.finite_horizon_clv(100, 0.8, 0.10, 5) / ltv.simple_clv(100, 0.8, 0.10)
    assert share > 0.5
    assert_states(TEXT, "Most of the value arrives in the first five years", "five-year share")


def test_claim_december_cohort_counts(noise):
    row = noise.loc[DEC]
    assert_states(
        TEXT,
        f"only {row['retained']} of its {row['size']} accounts still pay in month 3",
        "December 2023 cohort at month 3",
    )


def test_claim_december_is_the_most_extreme(noise):
    assert noise["p_value"].idxmin() == DEC
    assert list(noise.index[noise["outside"]]) == [DEC]
    assert_states(
        TEXT,
        f"only one of the {len(noise)} cohorts outside the funnel",
        "one cohort outside the funnel",
    )


def test_claim_december_interval_and_pooled_rate(noise):
    row = noise.loc[DEC]
    assert_states(
        TEXT,
        f"retains {row['retention']:.2f} in month 3 (Wilson 95 % interval "
        f"{row['lower']:.2f}–{row['upper']:.2f}) against a pooled {row['pooled']:.2f}",
        "December interval vs pooled",
    )


def test_claim_december_p_value(noise):
    assert_states(TEXT, f"p = {noise.loc[DEC, 'p_value']:.3f} on its own", "December p-value")


def test_claim_selection_chance_about_7_percent(noise):
    lowest = noise["p_value"].min()
    chance = 1 - (1 - lowest) ** len(noise)
    assert_states(TEXT, f"this extreme is about {pct(chance)}", "chance of one extreme in 21")


def test_claim_generator_truth_for_december(invoices):
    truth = saas.true_cohort_retention(3, invoices)
    assert_states(
        TEXT, f"December's channel mix is {truth.loc[DEC]:.2f}", "true December retention"
    )
    assert_states(
        TEXT,
        f"({truth.min():.2f}–{truth.max():.2f}, the open circles)",
        "range of true cohort retention",
    )


def test_claim_pooled_retention_flattens(invoices):
    curve = ltv.retention_curve(ltv.cohort_counts(invoices, "account_id", "invoice_date"))
    month_on_month = (curve / curve.shift()).iloc[1:13]
    assert month_on_month.iloc[:3].mean() < month_on_month.iloc[-3:].mean()
    assert_states(TEXT, "month-on-month retention rises with tenure", "retention flattens")


def test_claim_saas_at_risk_accounts_have_cancelled(invoices):
    scores = ltv.rfm_scores(
        ltv.rfm_summary(
            invoices,
            "account_id",
            "invoice_date",
            "amount",
            observation_end="2024-12-31",
            time_unit="D",
        )
    )
    at_risk = scores.index[scores["segment"] == "At risk"]
    last = pd.to_datetime(invoices.groupby("account_id")["invoice_date"].max())[at_risk]
    months_before = (pd.Timestamp("2024-12-31").to_period("M") - last.max().to_period("M")).n
    assert_states(
        TEXT,
        f"All {len(at_risk)} stopped paying by {last.max().date()}, "
        f"{NUMBER_WORDS[months_before]}"
        " months before the data end",
        "SaaS At-risk accounts churned",
    )


def test_claim_cdnow_customer_count(cdnow):
    _, summary, _, _ = cdnow
    assert_states(TEXT, f"{len(summary):,} customers who first bought", "CDNOW sample size")


def test_claim_rfm_ends_champions_and_hibernating(bought_again):
    for segment, lead in (
        ("Champions", "68 % of Champions"),
        ("Hibernating", "12 % of Hibernating"),
    ):
        row = bought_again.loc[segment]
        assert lead.startswith(pct(row["share"]))
        assert_states(TEXT, f"{lead} customers" if segment == "Hibernating" else lead, segment)
        assert_states(TEXT, f"{100 * row['lower']:.0f}–{100 * row['upper']:.0f} %", segment)
    assert bought_again.index[0] == "Champions" and bought_again.index[-1] == "Hibernating"


def test_claim_rfm_middle_segments_overlap(bought_again):
    middle = bought_again.loc[["At risk", "Promising", "Need attention"]]
    assert middle["lower"].max() < middle["upper"].min()  # every pair of intervals overlaps
    assert_states(
        TEXT,
        f"*At risk* ({pct(middle.loc['At risk', 'share'])}), *Promising* "
        f"({pct(middle.loc['Promising', 'share'])}) and *Need attention* "
        f"({pct(middle.loc['Need attention', 'share'])}) have overlapping intervals",
        "middle segments",
    )


def test_claim_one_in_four_at_risk_came_back(bought_again):
    assert 0.2 <= bought_again.loc["At risk", "share"] < 0.3
    assert_states(TEXT, "about one in four of them came back", "At risk return share")


def test_claim_fit_reproduces_published_estimates(cdnow):
    _, _, fit, _ = cdnow
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {k: round(v, 3) for k, v in fit.params().items()} == published
    assert_states(TEXT, "The fit reproduces the published estimates", "published fit")


def test_claim_cumulative_gap(gap):
    assert_states(TEXT, f"only {100 * -gap.cumulative_gap:.1f} % short", "cumulative gap")
    assert_states(TEXT, f"({100 * -gap.cumulative_gap:.1f} % on the cumulative curve)", "summary")


def test_claim_holdout_only_gap(gap):
    assert_states(
        TEXT,
        f"predicts {gap.expected_holdout:,.0f} repeat purchases against "
        f"{gap.actual_holdout:,.0f} actual, **{100 * -gap.holdout_gap:.1f} % too few**",
        "holdout-only gap",
    )
    assert_states(TEXT, f"forecast the holdout weeks {100 * -gap.holdout_gap:.1f} % low", "summary")


def test_claim_one_time_buyers(cdnow):
    _, summary, fit, holdout = cdnow
    table = ltv.conditional_expectations(fit, summary, holdout, 39)
    n0 = int(table.loc[0, "customers"])
    assert_states(
        TEXT, f"1,411 customers, {pct(n0 / len(summary))} of the sample", "one-time count"
    )
    assert f"{n0:,}" == "1,411"
    assert_states(
        TEXT,
        f"({table.loc[0, 'predicted']:.2f} predicted, {table.loc[0, 'actual']:.2f}\nactual)",
        "x = 0 conditional expectation",
    )
    assert_states(
        TEXT,
        f"{table.loc[1, 'predicted']:.2f} predicted, {table.loc[1, 'actual']:.2f} actual",
        "x = 1 conditional expectation",
    )
    assert (table["actual"] > table["predicted"]).loc[1:2].all()


def test_claim_one_time_buyers_have_p_alive_one(cdnow):
    _, summary, fit, _ = cdnow
    alive = pd.Series(
        ltv.p_alive(fit, summary["frequency"], summary["recency"], summary["T"]),
        index=summary.index,
    )
    assert (alive[summary["frequency"] == 0] == 1).all()
    assert (summary.loc[alive < 0.3, "frequency"] > 0).all()
    assert_states(TEXT, "Every customer on this list is a repeat\nbuyer", "win-back list repeaters")


def test_claim_flagged_customers_silent_share(cdnow):
    _, summary, fit, holdout = cdnow
    alive = ltv.p_alive(fit, summary["frequency"], summary["recency"], summary["T"])
    silent = (holdout.reindex(summary.index[alive < 0.3]) == 0).mean()
    assert_states(
        TEXT,
        f"{pct(silent)} of the customers flagged by\nP(alive) < 0.3 bought nothing",
        "flagged customers silent",
    )


def test_claim_customer_one(cdnow):
    _, summary, fit, _ = cdnow
    one = summary.loc[1]
    assert one["frequency"] == 2
    assert_states(
        TEXT,
        f"the last time in week {one['recency']:.1f}, and was observed for {one['T']:.1f} weeks",
        "customer 1 history",
    )
    expected = ltv.expected_purchases(fit, 39, 2, one["recency"], one["T"])
    assert_states(TEXT, f"about\n{expected:.2f} purchases", "customer 1 forecast")


def test_claim_gamma_gamma_sample(cdnow):
    _, summary, _, _ = cdnow
    assert_states(
        TEXT,
        f"the {int((summary['frequency'] > 0).sum())} customers with at least one repeat purchase",
        "Gamma-Gamma sample",
    )


def test_claim_reflection_numbers():
    low, high = ltv.simple_clv(159.2, 0.95, 0.01), ltv.simple_clv(159.2, 0.96, 0.01)
    assert_states(
        TEXT,
        f"≈ \\${low:,.0f} at 95 % and ≈ \\${high:,.0f} at 96 % (about \\${high - low:,.0f} more",
        "rubric LTV numbers",
    )
    assert_states(TEXT, f"\\${0.2 * 1200:.0f} saved per account", "rubric CAC saving")


def test_claim_growth_plan_margin():
    assert round(199 * 0.8, 2) == 159.2
    assert_states(TEXT, "(so \\$159.20 margin a month)", "Growth plan margin")


def test_claims_count():
    claims = [name for name in globals() if name.startswith("test_claim_")]
    assert len(claims) >= 20, claims


def test_claim_sbg_fit_and_truth(invoices):
    counts = ltv.cohort_counts(invoices, "account_id", "invoice_date")
    fit = ltv.fit_sbg(counts)
    assert_states(TEXT, f"($\\alpha$ = {fit.alpha:.2f}, $\\beta$ = {fit.beta:.2f}, mean monthly "
                        f"churn {100 * fit.mean_churn:.1f} %)", "sBG estimates")
    fitted, truth = ltv.sbg_survival(fit, 18), saas.true_survival(18, invoices)
    assert (fitted - truth).abs().max() < 0.03
    assert_states(TEXT, "stays within 0.03 of the generator's true curve", "sBG vs truth")
    assert_states(TEXT, f"(at month 12: {fitted[12]:.2f} fitted, {truth[12]:.2f} true)", "month 12")


def test_claim_sbg_retention_and_residual_values(invoices):
    fit = ltv.fit_sbg(ltv.cohort_counts(invoices, "account_id", "invoice_date"))
    rates = ltv.sbg_retention_rates(fit, 12)
    assert_states(TEXT, f"Retention rises from {100 * rates[1]:.1f} % in month 1 to "
                        f"{100 * rates[12]:.1f} % in month 12", "sBG retention rates")
    new, year = (ltv.sbg_residual_value(fit, 159.2, 0.01, renewals=n) for n in (0, 12))
    assert_states(TEXT, f"worth about \\${new:,.0f} of future margin, one that has already paid a "
                        f"year about \\${year:,.0f}", "sBG residual values")
    assert_states(TEXT, f"new account's\n\\${new:,.0f}", "exercise 11 hint")


def test_claim_value_map_is_relative():
    import nbformat
    from notebook_claims import notebook_path

    cells = nbformat.read(notebook_path("04-customer-value-ltv"), as_version=4).cells
    source = next(c.source for c in cells if c.cell_type == "code" and "value_map = " in c.source)
    scope = {"pd": pd, "ltv": ltv}
    exec(source, scope)  # the case table as the notebook builds it
    values = scope["value_map"]["customer_value"]
    ours, rival = values["our Growth plan"], values["rival app"]
    assert values.idxmax() == "our Growth plan"
    assert_states(TEXT, f"outweigh what it gives (−{-values['paper & spreadsheet']:.0f})", "sheet")
    assert scope["offers"].loc["rival app", "monetary"] < scope["offers"].loc["our Growth plan",
                                                                                 "monetary"]
    assert_states(TEXT, f"our plan's value of {ours:.0f} beats the rival's {rival:.0f} by "
                        f"{ours - rival:.0f}, although the rival is cheaper", "value map")
