"""Unit tests for marketing_kit.bass_checks (NLS standard errors of a Bass fit)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import curve_fit

from marketing_kit import bass_checks, datasets, plc


@pytest.fixture(scope="module")
def tv():
    classic = datasets.load("bass_classic_series")
    return classic.loc[classic["product"] == "color_tv", "sales_thousands"].to_numpy(float)


def test_standard_errors_match_scipy_curve_fit(tv):
    """Cross-check: scipy's curve_fit covariance is the same s^2 (J'J)^-1."""
    fit = plc.fit_bass(tv, "nls")
    table = bass_checks.bass_standard_errors(fit, tv)
    periods = np.arange(1, len(tv) + 1)

    def model(t, p, q, m):
        return plc.bass_adoptions(p, q, m, len(t), "continuous")

    _, cov = curve_fit(model, periods, tv, p0=[fit.p, fit.q, fit.m], maxfev=20_000)
    np.testing.assert_allclose(table.loc[["p", "q", "m"], "se"], np.sqrt(np.diag(cov)), rtol=0.02)
    assert table.loc["q/p", "estimate"] == pytest.approx(fit.q_over_p)
    assert (table["low"] < table["estimate"]).all() and (table["estimate"] < table["high"]).all()


def test_a_noise_free_curve_has_tiny_standard_errors():
    sales = plc.bass_adoptions(0.02, 0.5, 10_000, 12, "continuous")
    sales = sales + np.random.default_rng(0).normal(0, 1e-3, len(sales))
    table = bass_checks.bass_standard_errors(plc.fit_bass(sales, "nls"), sales)
    assert table.loc["q", "se"] < 1e-3
    assert table.loc["q", "estimate"] == pytest.approx(0.5, abs=1e-3)


def test_bad_input_gives_a_clear_error(tv):
    fit = plc.fit_bass(tv, "nls")
    with pytest.raises(TypeError, match="BassFit"):
        bass_checks.bass_standard_errors({"p": 1}, tv)
    with pytest.raises(ValueError, match="NLS"):
        bass_checks.bass_standard_errors(plc.fit_bass(tv, "ols"), tv)
    with pytest.raises(ValueError, match="8 periods"):
        bass_checks.bass_standard_errors(fit, tv[:6])
    with pytest.raises(ValueError, match="confidence"):
        bass_checks.bass_standard_errors(fit, tv, confidence=1.5)
