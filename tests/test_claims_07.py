"""Claims of 07-attribution-channels: every number or ordering its prose states about the data."""

from __future__ import annotations

import pandas as pd
import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import attribution, channels, datasets
from marketing_kit.synthetic import attribution as generator

TEXT = markdown("07-attribution-channels")


def approx(x: float, step: int = 10) -> str:
    return f"≈{round(x / step) * step:,.0f}"


@pytest.fixture(scope="module")
def journeys():
    return datasets.load("attribution_journeys")


@pytest.fixture(scope="module")
def table():
    return datasets.load("attribution_channels")


@pytest.fixture(scope="module")
def comparison(journeys):
    return attribution.compare_models(journeys)


@pytest.fixture(scope="module")
def truth(journeys):
    return generator.true_incremental_credit(journeys)


@pytest.fixture(scope="module")
def rho(comparison, truth):
    return comparison.corrwith(truth, method="spearman")


def test_claim_puzyrov_example():
    example = pd.DataFrame(
        {
            "path": ["Google Ads", "Mailing", "Google Ads > Mailing", "Google Ads"],
            "conversions": [2, 1, 1, 0],
            "nulls": [0, 0, 0, 1],
        }
    )
    effects = attribution.removal_effects(example)
    credit = attribution.markov_attribution(example)["conversions"]
    assert round(effects["Google Ads"], 2) == 0.75 and round(effects["Mailing"], 2) == 0.5
    assert round(credit["Google Ads"], 1) == 2.4 and round(credit["Mailing"], 1) == 1.6
    assert_states(TEXT, "split $0.75 : 0.5$, giving 2.4 and 1.6", "Puzyrov's split")
    p = attribution.conversion_probability(attribution.transition_matrix(example))
    assert_states(TEXT, f"= {p:.1f}$. Without Google Ads", "Puzyrov P(conv)")


def test_claim_journey_data(journeys):
    people = journeys["conversions"] + journeys["nulls"]
    touches = journeys["path"].str.count(">") + 1
    words = {9: "nine"}
    mean = (touches * people).sum() / people.sum()
    rate = journeys["conversions"].sum() / people.sum()
    assert_states(
        TEXT,
        f"{people.sum():,} people met up to {generator.MAX_TOUCHES} touches across "
        f"{words[len(generator.CHANNELS)]} channels,\n{mean:.1f} on average, "
        f"and {round(100 * rate)} % converted",
        "journey data description",
    )


def test_claim_openers(journeys):
    people = journeys["conversions"] + journeys["nulls"]
    first = journeys["path"].str.split(">").str[0].str.strip()
    by_opener = people.groupby(first).sum()
    assert by_opener[["Display", "Social", "Video"]].sum() > people.sum() / 2
    assert "Retargeting" not in by_opener.index
    assert_states(TEXT, "Awareness channels (Display, Social, Video) open most journeys", "openers")
    assert round(by_opener["Social"] / people.sum(), 2) == 0.26
    assert_states(TEXT, "about 7,800 journeys start with Social", "rubric: Social opens ~7,800")
    assert_states(TEXT, "Social opens about a quarter of all journeys", "r1 model answer")
    assert abs(by_opener["Social"] - 7_800) < 150


def test_claim_first_and_last_touch(comparison):
    first, last = comparison["first_touch"], comparison["last_touch"]
    assert first.idxmax() == "Social" and first["Retargeting"] == 0
    assert_states(TEXT, f"It crowns Social ({approx(first['Social'])})", "first touch Social")
    assert_states(
        TEXT,
        f"Retargeting {approx(last['Retargeting'])}, Paid Search "
        f"{approx(last['Paid Search'])}, Social\n{approx(last['Social'])}",
        "last touch",
    )
    assert_states(
        TEXT,
        f"Social gets about {round(last['Social'], -1):.0f} of "
        f"{comparison['last_touch'].sum():,.0f} conversions",
        "r1 prompt",
    )


def test_claim_retargeting_removal_vs_credit(journeys, comparison):
    lost = attribution.removal_effects(journeys)["Retargeting"] * journeys["conversions"].sum()
    credit = comparison.loc["Retargeting", "markov"]
    assert lost > 2 * credit
    assert_states(
        TEXT,
        f"removing Retargeting loses about {lost:,.0f} conversions, yet it is credited "
        f"{credit:.0f}",
        "Retargeting removal vs credit",
    )
    assert_states(
        TEXT,
        f"The chain loses about {round(lost, -1):,.0f} conversions, far more than the {credit:.0f}",
        "explorer prompt",
    )


def test_claim_webinar_shapley_vs_markov(comparison):
    assert comparison.loc["Webinar", "shapley"] > comparison.loc["Webinar", "markov"]
    assert comparison.loc["Retargeting", "shapley"] < comparison.loc["Retargeting", "markov"]
    assert_states(
        TEXT,
        "Webinar (a rare mid-funnel touch) earns more than under Markov, and Retargeting less",
        "Shapley vs Markov",
    )


def test_claim_rank_correlations(rho):
    r = rho.round(2)
    assert list(rho.sort_values(ascending=False).index) == [
        "last_touch",
        "shapley",
        "time_decay",
        "linear",
        "markov",
        "position_based",
        "first_touch",
    ]
    assert_states(
        TEXT,
        f"last touch ({r['last_touch']:.2f}), Shapley and time decay "
        f"({r['shapley']:.2f}) order the channels best, then linear ({r['linear']:.2f}), Markov\n"
        f"({r['markov']:.2f}), position-based ({r['position_based']:.2f}) and first touch "
        f"(−{abs(r['first_touch']):.2f})",
        "Spearman with the truth",
    )
    assert r["shapley"] == r["time_decay"]


def test_claim_display_and_webinar_against_truth(comparison, truth):
    assert truth.idxmin() == "Display"
    assert round(comparison.loc["Display", "markov"] / truth["Display"]) == 3
    assert_states(
        TEXT,
        f"({comparison.loc['Display', 'markov']:.0f} against ≈{truth['Display']:.0f})",
        "Display Markov vs truth",
    )
    assert round(comparison.loc["Webinar", "markov"] / truth["Webinar"], 1) == 0.5
    assert_states(
        TEXT,
        f"({comparison.loc['Webinar', 'markov']:.0f} against ≈{truth['Webinar']:.0f})",
        "Webinar Markov vs truth",
    )


def test_claim_chain_conversion_rate(journeys):
    p = attribution.conversion_probability(attribution.transition_matrix(journeys))
    observed = journeys["conversions"].sum() / (journeys["conversions"] + journeys["nulls"]).sum()
    assert abs(p - observed) < 1e-9
    assert_states(TEXT, f"equals the observed {100 * observed:.2f} % conversion rate", "flow check")


def test_claim_time_decay_touch_example():
    touches = pd.DataFrame(
        {
            "journey_id": [1, 1, 2, 2],
            "channel": ["Email", "Direct", "Social", "Email"],
            "touch_time": pd.to_datetime(["2024-03-01", "2024-03-08", "2024-03-02", "2024-03-04"]),
            "converted": [1, 1, 0, 0],
        }
    )
    credit = attribution.heuristic_attribution(touches, "time_decay", half_life=7)["conversions"]
    assert abs(credit["Email"] - 1 / 3) < 1e-9 and abs(credit["Direct"] - 2 / 3) < 1e-9
    assert_states(TEXT, "the split is\n1/3 : 2/3", "touch-level time decay")


def test_claim_two_rankings_keep(table):
    assert channels.recommend_channels(table, "lead_quality") == ["Video", "Webinar", "Direct"]
    assert channels.recommend_channels(table, "customer_satisfaction") == [
        "Social",
        "Email",
        "Direct",
    ]
    assert_states(
        TEXT,
        "Ranking by lead quality keeps Video, Webinar and Direct. Ranking by satisfaction "
        "keeps Social, Email and Direct",
        "two rankings",
    )
    assert len(table) == 9


def test_claim_cut_effect(table, journeys):
    cut = channels.cut_effect(table, channels.recommend_channels(table, "lead_quality"), journeys)
    before, after = cut.loc["all channels"], cut.loc["kept"]
    saved = 1 - after["monthly_cost"] / before["monthly_cost"]
    assert_states(
        TEXT,
        f"saves about {round(100 * saved)} % of the monthly cost and raises lead\nquality "
        f"from {round(100 * before['lead_quality'])} % to {round(100 * after['lead_quality'])} %",
        "cost and lead quality",
    )
    drop = 1 - after["qualified_leads"] / before["qualified_leads"]
    assert_states(
        TEXT,
        f"Qualified leads fall from {before['qualified_leads']:.0f} to "
        f"{after['qualified_leads']:.0f} a month (−{round(100 * drop)} %)",
        "volume loss",
    )
    assert_states(
        TEXT,
        f"from \\${before['cost_per_qualified_lead']:.1f} to "
        f"\\${after['cost_per_qualified_lead']:.1f}",
        "cost per qualified lead",
    )
    assert_states(
        TEXT,
        f"only about {round(after['conversions'], -1):.0f} of "
        f"{before['conversions']:,.0f} conversions would remain",
        "Markov worst case",
    )
    assert_states(
        TEXT, f"saves about \\${-cut.loc['change', 'monthly_cost']:,.0f} a month", "r2 prompt"
    )


def test_claim_video_smallest_removal_highest_cpql(table, journeys):
    card = channels.channel_scorecard(table, journeys)
    video = card.loc["Video"]
    assert card["conversions_lost"].idxmin() == "Video"
    assert card["cost_per_qualified_lead"].idxmax() == "Video"
    assert_states(
        TEXT,
        f"({video['conversions_lost']:.0f} conversions lost without it) and the highest cost "
        f"per qualified lead (\\${video['cost_per_qualified_lead']:.0f})",
        "Video",
    )
    assert_states(
        TEXT,
        f"({round(100 * video['lead_quality'])} %, 95 % CI "
        f"{round(100 * video['lead_quality_low'])}–{round(100 * video['lead_quality_high'])} %)",
        "Video lead quality interval",
    )
    for other in ("Display", "Retargeting"):
        assert video["lead_quality_low"] < card.loc[other, "lead_quality_high"]


def test_claim_retargeting_second_largest_removal(table, journeys):
    card = channels.channel_scorecard(table, journeys)
    order = card["conversions_lost"].sort_values(ascending=False)
    assert list(order.index[:2]) == ["Paid Search", "Retargeting"]
    assert_states(
        TEXT,
        f"second-largest removal effect (≈{order['Retargeting']:,.0f})",
        "r2 Retargeting",
    )
    quality = card["lead_quality"].sort_values()
    assert "Display" in quality.index[:2] and order.index.get_loc("Display") >= 6


def test_claim_social_markov_and_shapley(comparison):
    assert_states(
        TEXT,
        f"about {round(comparison.loc['Social', 'markov'], -1):.0f} conversions under Markov and "
        f"{round(comparison.loc['Social', 'shapley'], -1):.0f} under Shapley",
        "r1 Social credit",
    )


def test_claims_count():
    claims = [name for name in globals() if name.startswith("test_claim_")]
    assert len(claims) >= 15, claims
