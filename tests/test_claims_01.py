"""Claims test for 01-stp: every number or ordering the notebook's prose states about the data.

Each ``test_claim_*`` recomputes one claim with ``marketing_kit`` and checks that the markdown of
``solutions/01-stp`` states it (helpers in ``tests/notebook_claims.py``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import datasets, stp, stp_checks
from marketing_kit.synthetic.stp import true_ratings, true_segments

TEXT = markdown("01-stp")
BASES = ["age", "income", "visits_per_week", "spend_per_visit", "price_sensitivity",
         "health_focus", "convenience_need", "social_space", "taste_exploration"]
ATTITUDES = BASES[4:]
NAMES = {1: "budget students", 2: "busy commuters", 3: "café socialisers", 4: "health seekers",
         5: "premium connoisseurs"}


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return datasets.load("stp_survey").dropna(subset=BASES)


@pytest.fixture(scope="module")
def seg(clean):
    return stp.segment(clean, BASES, k=5, random_state=0)


@pytest.fixture(scope="module")
def ratings() -> pd.DataFrame:
    return datasets.load("stp_brand_ratings")


@pytest.fixture(scope="module")
def ideals() -> pd.DataFrame:
    return datasets.load("stp_ideal_points").set_index("segment")


def pct(x: float) -> str:
    return f"{100 * x:.0f} %"


def test_claim_survey_size_and_complete_rows(clean):
    assert_states(TEXT, f"{len(datasets.load('stp_survey')):,} café customers", "survey size")
    assert_states(TEXT, f"with {len(clean)} rows", "complete responses (hint of exercise 1)")


def test_claim_silhouette_k5_beats_k3(clean):
    diag = stp.k_diagnostics(clean, BASES, range(2, 9))
    assert stp.best_k(diag) == 5
    assert diag["silhouette"].drop(index=5).idxmax() == 3
    assert_states(TEXT, f"({diag.loc[5, 'silhouette']:.3f}, against "
                        f"{diag.loc[3, 'silhouette']:.3f} for $k = 3$)", "silhouette k=5 vs k=3")
    # the elbow: the biggest drop in the decrease of inertia comes after k = 5
    drops = -diag["inertia"].diff().dropna()
    assert (drops.loc[6] < 0.2 * drops.loc[5]), "inertia bends at k = 5"
    assert_states(TEXT, "Inertia bends at $k = 5$", "elbow")


def test_claim_silhouette_is_a_weak_structure(clean):
    s = stp.segment(clean, BASES, 5).silhouette
    assert 0.26 <= s <= 0.50
    assert_states(TEXT, f"a silhouette of {s:.2f} is a **weak structure**", "K&R band")


def test_claim_silhouette_noise_and_k5_wins_every_subsample(clean):
    table = stp_checks.silhouette_stability(clean, BASES, [3, 5], n_samples=10)
    assert table["sd"].max() < 0.005 and table["sd"].min() > 0.0025
    assert_states(TEXT, "moves by about 0.004 (one standard deviation)", "silhouette sd")
    assert table.loc[5, "share_best"] == 1.0
    assert_states(TEXT, "k = 5 beats k = 3 in 10 of the 10 subsamples", "k = 5 always wins")
    gap_in_sd = (table.loc[5, "mean"] - table.loc[3, "mean"]) / table["sd"].mean()
    assert 4 <= gap_in_sd <= 6.5
    assert_states(TEXT, "(about five standard deviations)", "gap in SDs")


def test_claim_segment_descriptions(seg):
    rel = seg.relative
    assert rel["age"].idxmin() == 1 and rel["income"].idxmin() == 1
    assert rel["price_sensitivity"].idxmax() == 1
    assert rel["visits_per_week"].idxmax() == 2 and rel["convenience_need"].idxmax() == 2
    assert rel["social_space"].idxmax() == 3 and rel.loc[3, "taste_exploration"] > 0.5
    assert rel.loc[4, "age"] > 0.5 and rel["health_focus"].idxmax() == 4
    assert {rel["income"].idxmax(), rel["spend_per_visit"].idxmax(),
            rel["taste_exploration"].idxmax()} == {5}
    assert_states(TEXT, "segment 1 is\nyoung, low-income and price-sensitive; segment 2 visits "
                        "often "
                        "and wants speed", "segment descriptions")
    assert_states(TEXT, "segment 5 has the highest income, spend per visit and taste for\nthe new",
                  "segment 5")


def test_claim_ari_against_the_generator(clean, seg):
    truth = true_segments().loc[clean.index, "true_segment"]
    ari, table = stp_checks.segment_recovery(seg.labels.map(NAMES), truth)
    assert_states(TEXT, f"ARI = {ari:.2f}", "adjusted Rand index")
    diagonal = {name: table.loc[name, name] / table.loc[name].sum() for name in NAMES.values()}
    worst = min(diagonal, key=diagonal.get)
    assert worst == "premium connoisseurs"
    row = table.loc[worst]
    assert_states(TEXT, f"({row[worst]} of {row.sum()}, the rest land with the health\nseekers and "
                        "the café socialisers)", "least recovered segment")
    assert set(row[row > 0].index) - {worst} == {"health seekers", "café socialisers"}


def test_claim_naive_scorecard_crowns_budget_students(clean, seg):
    inputs = stp.targeting_inputs(clean, seg.labels, growth="spend_growth_pct",
                                  margin="spend_per_visit", competition="brands_used",
                                  fit="considers_mokka")
    naive = stp.attractiveness(inputs, {"size": 1, "growth": 1, "margin": 0,
                                        "competitive_intensity": 0, "fit": 0})
    assert naive.index[0] == 1 and inputs["size"].idxmax() == 1
    assert inputs["margin"].idxmin() == 1 and inputs["fit"].idxmin() == 1
    assert_states(TEXT, "The naive view crowns the budget students: the biggest segment", "naive")


def test_claim_fit_intervals(clean, seg):
    ci = stp_checks.rate_intervals(clean, seg.labels, "considers_mokka")
    assert_states(TEXT, f"comes from {ci['n'].min()}–{ci['n'].max()} respondents", "fit sample "
                                                                                   "sizes")
    for s in (3, 5, 1):
        row = ci.loc[s]
        assert_states(TEXT, f"{row['rate']:.2f}, interval {row['low']:.2f}–{row['high']:.2f}"
                      if s == 3 else f"({row['rate']:.2f}, {row['low']:.2f}–{row['high']:.2f})",
                      f"fit interval of {NAMES[s]}")
    # socialisers and connoisseurs overlap; budget students sit clearly below both
    assert ci.loc[3, "low"] < ci.loc[5, "high"]
    assert ci.loc[1, "high"] < min(ci.loc[3, "low"], ci.loc[5, "low"])


def test_claim_variance_of_the_map_axes(ratings):
    shares = stp_checks.component_variance(ratings)
    assert_states(TEXT, f"The first axis ({pct(shares['PC1'])} of the variance)", "PC1 share")
    assert_states(TEXT, f"the second ({pct(shares['PC2'])})", "PC2 share")
    assert_states(TEXT, f"The two axes keep {pct(shares['PC1'] + shares['PC2'])} of the variance",
                  "map keeps")
    assert_states(TEXT, f"holds another {pct(shares['PC3'])}", "PC3 share")
    pca = stp.perceptual_map(ratings).pca  # PC3 is mostly healthy options
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler
    third = PCA(3).fit(StandardScaler().fit_transform(ratings.set_index("brand"))).components_[2]
    assert ratings.columns[1:][np.argmax(np.abs(third))] == "healthy_options" and pca is not None
    assert_states(TEXT, "which is mostly *healthy options*", "PC3 meaning")


def test_claim_axis_reading(ratings):
    load = stp.perceptual_map(ratings).loadings
    assert (load.loc[["value_for_money", "speed", "location_convenience"], "PC1"] < -0.5).all()
    assert (load.loc[["taste", "premium_feel", "atmosphere", "trendiness"], "PC1"] > 0.5).all()
    assert (load.loc[["atmosphere", "value_for_money"], "PC2"] > 0.5).all()
    assert (load.loc[["speed", "taste", "premium_feel"], "PC2"] < -0.5).all()
    assert_states(TEXT, "runs from *value, speed and location* on the left to *taste, premium "
                        "feel, "
                        "atmosphere\nand trendiness* on the right", "PC1 reading")


def test_claim_green_leaf_near_the_centre(ratings):
    coords = stp.perceptual_map(ratings).coordinates
    assert np.sqrt((coords**2).sum(axis=1)).idxmin() == "Green Leaf"
    assert_states(TEXT, "(Green Leaf sits near the centre)", "Green Leaf on the map")


def test_claim_mokka_and_urban_roast_are_the_nearest_pair(ratings):
    table = stp_checks.distance_table(ratings, brand="Mokka House")
    assert table["map"].idxmin() == table["full"].idxmin() == table["3-D"].idxmin() == "Urban Roast"
    assert_states(TEXT, f"are {table.loc['Urban Roast', 'map']:.2f}\napart on the map but "
                        f"{table.loc['Urban Roast', 'full']:.2f} in the full space", "twin gap")
    assert_states(TEXT, "Mokka House sits almost on top of **Urban Roast**", "twin on the map")


def test_claim_health_seekers_map_vs_full(ratings, ideals):
    t = stp_checks.distance_table(ratings, ideals.loc["health seekers"]).round(2)
    by_map = t.sort_values("map").index
    assert list(by_map[:3]) == ["Green Leaf", "Maison Café", "Mokka House"]
    assert list(t.index[:3]) == ["Green Leaf", "Mokka House", "Maison Café"]
    assert_states(TEXT, f"Maison Café ({t.loc['Maison Café', 'map']:.2f}) looks like the runner-up "
                        f"behind Green Leaf ({t.loc['Green Leaf', 'map']:.2f}) and Mokka House is "
                        f"third ({t.loc['Mokka House', 'map']:.2f})", "health map order")
    assert_states(TEXT, f"the runner-up is Mokka House ({t.loc['Mokka House', 'full']:.2f}) and "
                        f"Maison Café drops to third ({t.loc['Maison Café', 'full']:.2f})",
                  "health full order")


def test_claim_health_seekers_nearest_share(ratings, ideals):
    share = stp_checks.nearest_share(ratings, ideals.loc["health seekers"], rating_sd=0.3,
                                     ideal_sd=0.15, n_sim=500)
    assert share.index[0] == "Green Leaf"
    assert_states(TEXT, f"in {100 * share.loc['Green Leaf', 'full']:.1f} % of the re-draws in the "
                        f"full space ({pct(share.loc['Green Leaf', 'map'])} on the map)",
                  "Green Leaf robust")


def test_claim_health_seekers_truth():
    truth = true_ratings()
    t = stp_checks.distance_table(truth["stp_brand_ratings"].reset_index(),
                                  truth["stp_ideal_points"].loc["health seekers"])
    assert list(t.index[:4]) == ["Green Leaf", "Urban Roast", "Mokka House", "Maison Café"]
    f = t["full"]
    assert_states(TEXT, f"Green Leaf is truly nearest ({f['Green Leaf']:.2f}), and the true "
                        "runner-up "
                        f"is Urban Roast ({f['Urban Roast']:.2f}), ahead of Mokka House "
                        f"({f['Mokka House']:.2f}) and Maison\nCafé ({f['Maison Café']:.2f})",
                  "health truth")


def test_claim_noise_sd_matches_the_generator():
    from marketing_kit.synthetic import stp as generator
    source = open(generator.__file__, encoding="utf-8").read()
    assert "BRAND_POSITIONS, 0.3)" in source and "IDEAL_POSITIONS, 0.15)" in source
    assert_states(TEXT, "(SD 0.3 for brands,\n0.15 for ideals)", "rating noise")


def test_claim_socialisers_top3_same_set_different_order(ratings, ideals):
    t = stp_checks.distance_table(ratings, ideals.loc["café socialisers"])
    by_map = list(t.sort_values("map").index[:3])
    assert set(by_map) == set(t.index[:3]) and by_map != list(t.index[:3])
    assert_states(TEXT, "the\nsame three brands are closest on the map and in the full space, "
                        "but their "
                        "order differs", "exercise 7 prompt")


def test_claim_model_answer_numbers(ratings, ideals):
    t = stp_checks.distance_table(ratings, ideals.loc["café socialisers"])
    m = t.loc[["Urban Roast", "Mokka House"]]
    assert_states(TEXT, f"({m.loc['Urban Roast', 'map']:.2f} vs {m.loc['Mokka House', 'map']:.2f})",
                  "map gaps in the model answer")
    assert_states(TEXT, f"(Mokka House {m.loc['Mokka House', 'full']:.2f}, Urban Roast "
                        f"{m.loc['Urban Roast', 'full']:.2f})", "full gaps in the model answer")
    assert m.loc["Urban Roast", "map"] < m.loc["Mokka House", "map"]
    assert m.loc["Mokka House", "full"] < m.loc["Urban Roast", "full"]
    twin = stp_checks.distance_table(ratings, brand="Mokka House").loc["Urban Roast"]
    assert_states(TEXT, f"({twin['map']:.2f} on the map, {twin['full']:.2f} over all eight\n"
                        "attributes)", "twin in the model answer")


def test_claim_socialisers_no_brand_owns_the_position(ratings, ideals):
    share = stp_checks.nearest_share(ratings, ideals.loc["café socialisers"], rating_sd=0.3,
                                     ideal_sd=0.15, n_sim=500)
    three = ["Mokka House", "Urban Roast", "Hanok Brew"]
    assert (share.loc[three] > 0.15).all().all() and share.loc[three].sum().min() > 0.99
    assert share.max().max() < 0.6
    assert_states(TEXT, "any of the three brands (Mokka House, Urban Roast, Hanok Brew) can "
                        "come out "
                        "nearest", "socialisers: no owner")






def test_claim_laws_table_rows():
    """Every law's number, English and Korean name and meaning stand in the section-1 table."""
    for number, (english, korean) in enumerate(stp.IMMUTABLE_LAWS, start=1):
        assert_states(TEXT, f"| {number} | {english} | {korean} | {stp.LAW_MEANINGS[english]} |",
                      f"law {number}")
    assert stp.IMMUTABLE_LAWS[8][1] == "정반대의 법칙"
    assert_states(TEXT, "the seed skips law 9, 정반대의 법칙", "law 9")


CLAIMS = len([name for name in list(globals()) if name.startswith("test_claim_")])


def test_claims_count():
    assert CLAIMS >= 18, f"01-stp has {CLAIMS} claims tests"
