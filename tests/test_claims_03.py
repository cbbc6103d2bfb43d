"""Claims test for 03-plc-bass: every number or ordering the notebook's prose states about the data.

Each ``test_claim_*`` recomputes one claim with ``marketing_kit`` and checks that the markdown
of ``solutions/03-plc-bass`` states it (helpers in ``tests/notebook_claims.py``).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from notebook_claims import assert_states, markdown

from marketing_kit import bass_checks, datasets, plc

TEXT = markdown("03-plc-bass")
SFL_P, SFL_Q = 0.03, 0.38  # Sultan, Farley & Lehmann (1990) averages quoted in the notebook


@pytest.fixture(scope="module")
def classic() -> pd.DataFrame:
    return datasets.load("bass_classic_series")


@pytest.fixture(scope="module")
def tv(classic) -> pd.Series:
    return classic.loc[classic["product"] == "color_tv", "sales_thousands"]


@pytest.fixture(scope="module")
def fits(tv) -> dict:
    return {method: plc.fit_bass(tv, method) for method in ("nls", "ols")}


@pytest.fixture(scope="module")
def errors(fits, tv) -> pd.DataFrame:
    return bass_checks.bass_standard_errors(fits["nls"], tv)


def test_claim_series_years(classic):
    years = classic.groupby("product")["year"].agg(["min", "max"])
    assert tuple(years.loc["room_air_conditioners"]) == tuple(years.loc["clothes_dryers"]) == (
        1949, 1961)
    assert tuple(years.loc["color_tv"]) == (1963, 1970)
    assert_states(TEXT, "room air conditioners and clothes dryers (1949–1961), colour TV sets "
                        "(1963–1970)", "series years")
    assert_states(TEXT, "## 2 · Worked example: colour TV, 1963–1970", "worked example title")


def test_claim_eight_points(tv):
    assert len(tv) == 8
    assert_states(TEXT, "on the same eight points", "eight points")
    assert_states(TEXT, "The dots are the eight observed years", "eight dots")


def test_claim_nls_estimates(fits):
    nls = fits["nls"]
    assert_states(TEXT, f"NLS gives $p \\approx {nls.p:.3f}$, $q \\approx {nls.q:.2f}$ and a "
                        "market "
                        f"of about {nls.m / 1000:.1f} million sets", "NLS estimates")


def test_claim_ols_against_nls(fits):
    nls, ols = fits["nls"], fits["ols"]
    assert ols.p > nls.p and ols.m < nls.m and ols.r2 < nls.r2
    assert_states(TEXT, f"a smaller $m$ ({ols.m / 1000:.1f} million) and a worse fit ($R^2$ "
                        f"{ols.r2:.2f}\nagainst {nls.r2:.2f})", "OLS vs NLS")


def test_claim_average_q_over_p():
    assert round(SFL_Q / SFL_P) == 13
    assert_states(TEXT, "so $q/p \\approx 13$", "average q/p")


def test_claim_colour_tv_q_above_average(fits, errors):
    assert fits["nls"].q > SFL_Q and errors.loc["q", "low"] > SFL_Q
    assert_states(TEXT, f"Colour TV's $q \\approx {fits['nls'].q:.2f}$ is well above the average",
                  "q above average")
    low, high = errors.loc["q", "low"], errors.loc["q", "high"]
    assert_states(TEXT, f"its interval ({low:.2f}–{high:.2f}) lies above the average $q = 0.38$",
                  "q interval")


def test_claim_q_over_p_interval_includes_the_average(fits, errors):
    ratio = errors.loc["q/p"]
    assert round(fits["nls"].q_over_p) == 33
    assert ratio["low"] < SFL_Q / SFL_P < ratio["high"]
    assert_states(TEXT, f"$q/p \\approx 33$ has an interval of about {ratio['low']:.0f}–"
                        f"{ratio['high']:.0f}, which includes the average 13", "q/p interval")
    assert_states(TEXT, f"(interval about {ratio['low']:.0f}–{ratio['high']:.0f})", "summary")
    assert_states(TEXT, "Colour TV's fit gives $q/p \\approx 33$", "exercise 6 prompt")


def test_claim_series_starts_nine_years_after_launch(classic):
    first_year = int(classic.loc[classic["product"] == "color_tv", "year"].min())
    assert first_year - 1954 == 9
    assert_states(TEXT, "went on sale in the United States in 1954, but this series starts in "
                        f"{first_year}", "truncation")
    assert_states(TEXT, "because the series starts nine years after launch", "nine years")


def test_claim_peak_time_and_height(fits):
    nls = fits["nls"]
    assert_states(TEXT, f"The fitted peak is $t^* \\approx {nls.peak_time:.1f}$ years after the "
                        "start of 1963", "peak time")
    assert 1962 + math.ceil(nls.peak_time) == 1968
    assert_states(TEXT, "i.e. during 1968", "peak year")
    height = plc.bass_peak_adoptions(nls.p, nls.q, nls.m)
    assert_states(TEXT, f"at about\n{height / 1000:.1f} million first purchases a year", "peak "
                                                                                         "height")


def test_claim_first_year_share_of_peak(fits):
    nls = fits["nls"]
    path = plc.bass_forecast(nls, 20)["adoptions"]
    first, peak = path.iloc[0], path.max()
    assert first / peak > 0.10
    assert_states(TEXT, f"the fitted curve starts at about {first / 1000:.1f} million sets in "
                        "1963,\n"
                        f"already {100 * first / peak:.0f} % of its peak and above the 10 % "
                        "threshold", "first year")
    stages = plc.classify_stages(path, window=1)
    assert "introduction" not in stages.boundaries


def test_claim_past_the_peak_when_the_data_end(fits, tv):
    assert fits["nls"].peak_time < len(tv)
    assert_states(TEXT, "first purchases of colour TV were past their peak when the data end",
                  "past peak")


def test_claim_monthly_history_is_ten_years():
    monthly = datasets.load("plc_monthly_sales")
    assert len(monthly) == 120 and monthly["month"].iloc[0].startswith("2015")
    assert_states(TEXT, "a synthetic monthly history of one product over ten years", "ten years")


def test_claim_monthly_has_all_four_stages():
    monthly = datasets.load("plc_monthly_sales")
    stages = plc.classify_stages(monthly["units_sold"], window=12)
    assert list(stages.boundaries) == list(plc.STAGES)
    assert_states(TEXT, "### A product through all four stages", "four stages")


def test_claim_q_is_not_the_market_size_and_e_holds():
    """Statement E of exercise 6: with p + q fixed, t* grows with q/p."""
    total = 0.5
    times = [plc.bass_peak_time(total / (1 + r), total * r / (1 + r)) for r in (5, 13, 33)]
    assert times == sorted(times)
    assert_states(TEXT, "Holding $p + q$ fixed, a higher $q/p$ moves the peak later", "statement E")


CLAIMS = len([name for name in list(globals()) if name.startswith("test_claim_")])


def test_claims_count():
    assert CLAIMS >= 14, f"03-plc-bass has {CLAIMS} claims tests"
