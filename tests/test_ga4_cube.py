"""``ga4.DailyCube`` (issue 23) gives exactly what the row-level functions give."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from marketing_kit import datasets, ga4


@pytest.fixture(scope="module")
def export():
    return datasets.load("ga4_content_daily")


@pytest.fixture(scope="module")
def cube(export):
    return ga4.DailyCube(export)


def assert_window_equals_rows(cube, export, start, end, channel, device):
    window = cube.window(start, end, channel, device)
    rows = ga4.filter_export(export, start, end, channel, device)
    pd.testing.assert_frame_equal(window.rows, rows, check_exact=True)
    pd.testing.assert_series_equal(window.totals,
                                   ga4.report(rows.assign(site="All"), "site").iloc[0],
                                   check_exact=True)
    pd.testing.assert_frame_equal(window.pages, ga4.report(rows, "landing_page"),
                                  check_exact=True)
    pd.testing.assert_frame_equal(window.weekly, ga4.weekly_totals(rows), check_exact=True)


def test_windows_and_filters_equal_filter_export_and_report(cube, export):
    rng = np.random.default_rng(23)
    days = list(pd.DatetimeIndex(cube.days).strftime("%Y-%m-%d"))
    cases = [(None, None, None, None), (days[0], days[-1], "All", "All"),
             (days[40], days[40], "All", "All"),  # one day: no complete week
             ("2025-03-03", "2025-03-16", "Organic Search", "mobile"),  # two whole weeks
             ("2024-12-01", "2025-01-05", None, "desktop")]  # a start before the data
    for _ in range(40):
        low, high = sorted(rng.choice(len(days), 2, replace=False))
        cases.append((days[low], days[high], rng.choice(["All", *cube.channels]),
                      rng.choice(["All", *cube.devices])))
    for start, end, channel, device in cases:
        try:
            rows = ga4.filter_export(export, start, end, channel, device)
        except ValueError as error:  # an empty selection: the cube says the same
            with pytest.raises(ValueError, match="no sessions"):
                cube.window(start, end, channel, device)
            assert "no sessions" in str(error)
            continue
        assert len(rows)
        assert_window_equals_rows(cube, export, start, end, channel, device)


def test_bad_arguments_raise_what_filter_export_raises(cube, export):
    for kwargs in ({"start": "not a date"}, {"end": "2025-13-45"}, {"channel": "Carrier pigeon"},
                   {"device": "fridge"}, {"start": "2030-01-01"}):
        with pytest.raises(ValueError) as expected:
            ga4.filter_export(export, **kwargs)
        with pytest.raises(ValueError) as got:
            cube.window(**kwargs)
        assert str(got.value) == str(expected.value)
    with pytest.raises(TypeError, match="export must be a pandas DataFrame"):
        ga4.DailyCube([1, 2])


def small_export(dtype: str = "int64") -> pd.DataFrame:
    rng = np.random.default_rng(5)
    n = 400
    sessions = rng.integers(0, 6, n)
    engaged = rng.integers(0, sessions + 1)
    users = rng.integers(0, 4, n)
    frame = pd.DataFrame({
        "date": rng.choice(pd.date_range("2025-02-01", periods=30).strftime("%Y-%m-%d"), n),
        "session_default_channel_group": rng.choice(["Direct", "Email", "Paid Search"], n),
        "landing_page": rng.choice(["/", "/pricing", "/blog", None], n),
        "device_category": rng.choice(["desktop", "mobile"], n),
        "total_users": users, "new_users": rng.integers(0, users + 1),
        "sessions": sessions, "engaged_sessions": engaged,
        "user_engagement_duration": rng.integers(0, 300, n),
        "key_events": rng.integers(0, engaged + 1)})
    return frame.astype({m: dtype for m in ga4.METRICS})


@pytest.mark.parametrize("dtype", ["int64", "float64", "Int64"])
def test_other_dtypes_and_missing_pages_give_the_same_tables(dtype):
    export = small_export(dtype)  # some rows have no landing page: counted in the totals only
    cube = ga4.DailyCube(export)
    for start, end, channel, device in (("2025-02-01", "2025-03-02", "All", "All"),
                                        ("2025-02-03", "2025-02-16", "Email", "All"),
                                        ("2025-02-10", "2025-02-28", "All", "mobile")):
        assert_window_equals_rows(cube, export, start, end, channel, device)


def test_report_is_unchanged_on_every_dimension(export):
    """report's one-constructor rate columns equal the column-by-column pandas version."""
    for by in ("channel", "landing_page", "device", "date", "month"):
        table = ga4.report(export, by)
        column = ga4._dimension(export, by)
        keys = export["date"].astype(str).str[:7] if column == "month" else export[column]
        sums = export[list(ga4.METRICS)].groupby(keys.rename(column)).sum()
        expected = ga4._pandas_rates(sums[sums["sessions"] > 0])
        expected = expected.sort_index() if column in ("date", "month") else \
            expected.sort_values("sessions", ascending=False)
        pd.testing.assert_frame_equal(table, expected, check_exact=True)


@pytest.mark.parametrize("k, n", [(0, 1), (1, 1), (0, 50), (7, 50), (49, 50), (123, 4736),
                                  (1, 49), (2602, 23044)])
@pytest.mark.parametrize("level", [0.95, 0.9, 0.5])
def test_rate_interval_is_scipys_wilson_interval(k, n, level):
    ci = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    assert ga4.rate_interval(k, n, level) == (float(ci.low), float(ci.high))
