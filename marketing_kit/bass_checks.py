"""Standard errors for a Bass NLS fit: how precisely a few annual points pin down p, q, m.

Srinivasan & Mason (1986, *Marketing Science* 5(2), 169-178) proposed NLS partly because it gives
standard errors for p, q and m, which Bass's OLS regression does not. The usual asymptotic
covariance of a least-squares fit is s^2 (J'J)^-1 with s^2 = SSE / (n - 3) and J the Jacobian of
the fitted curve (Seber & Wild 1989, *Nonlinear Regression*, ch. 2); the SE of q/p follows by the
delta method. With eight points these are rough, and they ignore model error such as a mis-set
time origin (left truncation), so read them as a lower bound on the uncertainty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from marketing_kit._validate import check_number
from marketing_kit.plc import BassFit, bass_adoptions, check_sales


def bass_standard_errors(fit: BassFit, sales: object, confidence: float = 0.95) -> pd.DataFrame:
    """Estimate, SE and t-based interval of p, q, m and q/p for an NLS :class:`BassFit`.

    ``sales`` are the per-period adoptions the fit was made on (same length as ``fit.n``).
    The Jacobian is taken by central differences of m [F(t) - F(t-1)]; the interval is
    estimate +/- t(n - 3) x SE (symmetric, so for q/p it is only a rough guide).
    """
    if not isinstance(fit, BassFit):
        raise TypeError(f"fit must be a BassFit from plc.fit_bass, got {type(fit).__name__}")
    if fit.method != "nls":
        raise ValueError("standard errors need an NLS fit (plc.fit_bass(sales, 'nls'))")
    values = check_sales(sales)
    if len(values) != fit.n:
        raise ValueError(f"sales must be the {fit.n} periods the fit was made on, "
                         f"got {len(values)}")
    if fit.n <= 3:
        raise ValueError("standard errors need more than 3 periods (3 parameters)")
    confidence = check_number("confidence", confidence, low=0.5, high=0.999)
    theta = np.array([fit.p, fit.q, fit.m])
    jacobian = np.empty((fit.n, 3))
    for j in range(3):
        step = np.zeros(3)
        step[j] = 1e-6 * theta[j]
        up = bass_adoptions(*(theta + step), fit.n, "continuous")
        down = bass_adoptions(*(theta - step), fit.n, "continuous")
        jacobian[:, j] = (up - down) / (2 * step[j])
    s2 = fit.sse / (fit.n - 3)
    cov = s2 * np.linalg.inv(jacobian.T @ jacobian)
    gradient = np.array([-fit.q / fit.p**2, 1 / fit.p, 0.0])
    estimates = np.array([fit.p, fit.q, fit.m, fit.q / fit.p])
    se = np.sqrt(np.append(np.diag(cov), gradient @ cov @ gradient))
    half = student_t.ppf(0.5 + confidence / 2, fit.n - 3) * se
    return pd.DataFrame({"estimate": estimates, "se": se, "low": estimates - half,
                         "high": estimates + half}, index=["p", "q", "m", "q/p"])
