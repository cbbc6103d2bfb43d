"""Model fits against a reference, timed side by side in the same invocation.

1. **BG/NBD on CDNOW** (weeks, calibration to 1997-09-30; 2,357 customers):
   :func:`marketing_kit.ltv.fit_bgnbd` against a plain :func:`scipy.optimize.minimize`
   (L-BFGS-B, same log-likelihood :func:`~marketing_kit.ltv_models.bgnbd_log_likelihood`, same
   start) and against ``lifetimes.BetaGeoFitter``. ``lifetimes`` is not a dependency of the
   kit: it is installed into a throwaway venv ``benchmarks/.venv-bench`` (which sees the
   project venv's numpy/scipy/pandas through a ``.pth`` file) and run there in a subprocess. If
   it cannot be installed, the published estimates of Fader, Hardie & Lee (2005), r 0.243,
   alpha 4.414, a 0.793, b 2.426, LL -9582.4, are the only reference. Every parameter set is
   scored with the kit's log-likelihood, so "the same log-likelihood" is compared.
2. **Exact Markov attribution on 10,000 distinct paths** (seeded random journeys over 8
   channels): :func:`marketing_kit.attribution.markov_attribution` against the heuristic
   linear model on the same paths (baseline) and the published-free check that the credited
   conversions add up to the total.
3. **Bass fit** on the colour-TV series of ``bass_classic_series``:
   :func:`marketing_kit.plc.fit_bass` (NLS, several starts) against Bass's (1969) OLS
   regression on the same series (baseline).

``python -m benchmarks.fits [repeats]`` (default 5 timed runs of each fit).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
import venv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from marketing_kit import attribution, datasets, ltv, plc
from marketing_kit.ltv_models import bgnbd_log_likelihood

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BENCH_VENV = HERE / ".venv-bench"
REPEATS = 5
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # FHL (2005), LL -9582.4
PUBLISHED_LL = -9582.4
LIFETIMES_SCRIPT = """
import json, sys, time
import pandas as pd
from lifetimes import BetaGeoFitter
data = pd.read_json(sys.stdin)
times = []
for _ in range(int(sys.argv[1])):
    started = time.perf_counter()
    fitter = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    times.append(time.perf_counter() - started)
import lifetimes
print(json.dumps({"times": times, "params": fitter.params_.to_dict(),
                  "version": lifetimes.__version__}))
"""


def timed(function: Callable[[], object], repeats: int) -> tuple[list[float], object]:
    """Seconds of ``repeats`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def cdnow_summary() -> pd.DataFrame:
    cdnow = datasets.load("cdnow_transactions")
    return ltv.rfm_summary(cdnow, "customer_id", "date", "sales",
                           observation_end="1997-09-30", time_unit="W")


def scipy_bgnbd(summary: pd.DataFrame) -> dict[str, float]:
    """The baseline: one plain L-BFGS-B call on the same negative log-likelihood and start."""
    x, t_x, big_t = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))

    def neg_ll(log_params: np.ndarray) -> float:
        return -bgnbd_log_likelihood(*np.exp(log_params), x, t_x, big_t).sum()

    start = np.log([1.0, float(big_t.mean()) / 10, 1.0, 3.0])  # as fit_bgnbd starts
    result = minimize(neg_ll, start, method="L-BFGS-B")
    return dict(zip(("r", "alpha", "a", "b"), np.exp(result.x).tolist(), strict=True))


def lifetimes_python() -> tuple[Path | None, str]:
    """The bench venv's python with lifetimes installed, or ``None`` and the reason."""
    python = BENCH_VENV / "bin" / "python"
    check = [str(python), "-c", "import lifetimes"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, "lifetimes from benchmarks/.venv-bench"
    try:
        venv.create(BENCH_VENV, with_pip=True, clear=True)
        site = subprocess.run([str(python), "-c", "import sysconfig; "
                               "print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
        ours = subprocess.run([sys.executable, "-c", "import sysconfig; "
                               "print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip()
        Path(site, "project-venv.pth").write_text(ours + "\n")  # share numpy, scipy, pandas
        install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                                  "lifetimes", "autograd", "dill"],
                                 capture_output=True, text=True, timeout=600)
        if install.returncode != 0 or subprocess.run(check, capture_output=True).returncode:
            return None, f"lifetimes did not install: {install.stderr.strip()[-300:]}"
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"could not create benchmarks/.venv-bench: {error}"
    return python, "lifetimes installed into benchmarks/.venv-bench"


def run_lifetimes(summary: pd.DataFrame, repeats: int) -> tuple[dict | None, str]:
    python, note = lifetimes_python()
    if python is None:
        return None, note
    frame = summary[["frequency", "recency", "T"]].reset_index(drop=True)
    done = subprocess.run([str(python), "-c", LIFETIMES_SCRIPT, str(repeats)],
                          input=frame.to_json(), capture_output=True, text=True)
    if done.returncode != 0:
        return None, f"lifetimes failed to fit: {done.stderr.strip()[-300:]}"
    result = json.loads(done.stdout)
    return result, f"{note} (lifetimes {result['version']}; timed inside its own process)"


def bgnbd_rows(repeats: int) -> tuple[list[dict], list[str]]:
    summary = cdnow_summary()
    x, t_x, big_t = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))

    def score(params: dict[str, float]) -> float:
        return float(bgnbd_log_likelihood(params["r"], params["alpha"], params["a"],
                                          params["b"], x, t_x, big_t).sum())

    kit_times, kit = timed(lambda: ltv.fit_bgnbd(summary), repeats)
    base_times, base = timed(lambda: scipy_bgnbd(summary), repeats)
    reference, note = run_lifetimes(summary, repeats)
    base_median = statistics.median(base_times)
    entries = [("kit: `ltv.fit_bgnbd` (Nelder-Mead, log params)", kit_times, kit.params()),
               ("baseline: one `scipy.optimize.minimize` L-BFGS-B call", base_times, base)]
    if reference is not None:
        entries.append(("reference: `lifetimes.BetaGeoFitter`", reference["times"],
                        reference["params"]))
    entries.append(("published: Fader, Hardie & Lee (2005)", [], PUBLISHED_BGNBD))
    rows = []
    for label, times, params in entries:
        rows.append({
            "fit": f"BG/NBD, CDNOW ({len(summary):,} customers): {label}", "times": times,
            "ratio": statistics.median(times) / base_median if times else float("nan"),
            "result": ", ".join(f"{k} {params[k]:.3f}" for k in ("r", "alpha", "a", "b"))
                      + f"; LL {score(params):.1f}",
            "check": "max abs diff to published "
                     f"{max(abs(params[k] - PUBLISHED_BGNBD[k]) for k in PUBLISHED_BGNBD):.4f}",
        })
    return rows, [note]


def random_paths(n: int = 10_000, seed: int = 13) -> pd.DataFrame:
    """``n`` distinct seeded journeys (1-8 touches over 8 channels) with conversion counts."""
    rng = np.random.default_rng(seed)
    channels = ["Paid Search", "Social", "Email", "Display", "Video", "Direct", "Affiliate",
                "Organic"]
    paths: set[str] = set()
    while len(paths) < n:
        length = int(rng.integers(1, 9))
        paths.add(" > ".join(channels[i] for i in rng.integers(0, len(channels), length)))
    ordered = sorted(paths)[:n]
    return pd.DataFrame({"path": ordered, "conversions": rng.poisson(3, n),
                         "nulls": rng.poisson(30, n), "value": rng.gamma(2, 50, n).round(2)})


def markov_rows(repeats: int) -> list[dict]:
    journeys = random_paths()
    kit_times, kit = timed(lambda: attribution.markov_attribution(journeys), repeats)
    base_times, base = timed(lambda: attribution.heuristic_attribution(journeys, "linear"),
                             repeats)
    total = float(journeys["conversions"].sum())
    base_median = statistics.median(base_times)
    rows = []
    for label, times, table in (("kit: exact `markov_attribution`", kit_times, kit),
                                ("baseline: `heuristic_attribution(..., 'linear')`", base_times,
                                 base)):
        top = table["conversions"].idxmax()
        rows.append({
            "fit": f"Attribution, {len(journeys):,} distinct paths: {label}", "times": times,
            "ratio": statistics.median(times) / base_median,
            "result": f"top channel {top} ({table.loc[top, 'conversions']:,.0f} conversions)",
            "check": f"credited {table['conversions'].sum():,.1f} of {total:,.0f} conversions",
        })
    return rows


def bass_rows(repeats: int) -> list[dict]:
    classic = datasets.load("bass_classic_series")
    sales = classic.loc[classic["product"] == "color_tv", "sales_thousands"].to_numpy()
    kit_times, kit = timed(lambda: plc.fit_bass(sales, "nls"), repeats)
    base_times, base = timed(lambda: plc.fit_bass(sales, "ols"), repeats)
    base_median = statistics.median(base_times)
    rows = []
    for label, times, fit in (("kit: `plc.fit_bass(..., 'nls')`", kit_times, kit),
                              ("baseline: Bass (1969) OLS, `fit_bass(..., 'ols')`", base_times,
                               base)):
        rows.append({
            "fit": f"Bass, colour TV ({len(sales)} years): {label}", "times": times,
            "ratio": statistics.median(times) / base_median,
            "result": f"p {fit.p:.4f}, q {fit.q:.3f}, m {fit.m:,.0f}",
            "check": f"R² {fit.r2:.3f}, RMSE {fit.rmse:,.0f}",
        })
    return rows


def render(rows: list[dict]) -> str:
    lines = ["| fit | runs | median ms | spread ms (max-min) | ratio to baseline | result | "
             "check |", "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        if r["times"]:
            ms = [t * 1000 for t in r["times"]]
            timing = (f"{len(ms)} | {statistics.median(ms):.1f} | {max(ms) - min(ms):.1f} | "
                      f"{r['ratio']:.2f}")
        else:
            timing = " | | | "
        lines.append(f"| {r['fit']} | {timing} | {r['result']} | {r['check']} |")
    return "\n".join(lines)


def main(argv: list[str] | tuple[str, ...] = ()) -> None:
    repeats = int(argv[0]) if argv else REPEATS
    print(f"fits: {repeats} timed run(s) of each fit", flush=True)
    bgnbd, notes = bgnbd_rows(repeats)
    table = render([*bgnbd, *markov_rows(repeats), *bass_rows(repeats)])
    text = table + "\n\n" + "\n".join(f"- {note}" for note in notes)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "fits.md").write_text(text + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
