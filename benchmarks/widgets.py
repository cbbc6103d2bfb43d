"""Widget callback latency: set one control's value, time the recompute and the redraw.

Every :class:`~marketing_kit.widgets._base.Explorer` subclass in ``marketing_kit.widgets`` is
found by walking the package; each is built the way its solution notebook builds it (the
``RECIPES`` below) and every control is moved in turn to another valid value. The observers run
synchronously, so the time around ``control.value = x`` is the time until the new numbers and the
new chart data (a plotly ``Chart``'s figure, or a PNG for the explorers that still draw one) sit on
the widget; the browser's drawing is not counted (``benchmarks/explorers_browser.py`` counts it).
For a plotly explorer the ``legacy PNG`` and ``compute only`` runs equal ``current``.

Each explorer runs three times in the same invocation, each time freshly built (so caches an
explorer fills in one pass do not flatter the next):

* ``current``: as shipped (wall-clock and CPU time of this process);
* ``legacy PNG``: ``figure_png`` swapped for the pre-optimisation version
  (``savefig(dpi=90, bbox_inches="tight")``), so ``CPU p50 / legacy`` is the speed-up of the
  rendering work;
* ``compute only``: ``figure_png`` swapped for a stub, so what is left is the recompute and
  building the Figure.

A minimal explorer (one slider, one sine line, one PNG) is the baseline: the floor that any
redraw pays. CPU time is reported beside wall time because the benchmark machine is shared: on
an idle machine a callback's wall time is close to its CPU time (one thread, no I/O).

Goal: p95 under 100 ms per explorer. ``python -m benchmarks.widgets [min_changes]``.
"""

from __future__ import annotations

import gc
import importlib
import inspect
import io
import pkgutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

import marketing_kit.widgets
from marketing_kit import datasets
from marketing_kit.widgets._base import Explorer, figure_png

GOAL_P95_MS = 100.0
MIN_CHANGES = 12  # control changes per explorer (one per control, round-robin, at least this)
MAX_CHANGES = 24  # ... and at most this many (the SWOT explorer has 38 sliders)
RESULTS = Path(__file__).with_name("results")


def _stp() -> widgets.Widget:
    from marketing_kit.widgets.stp import explorer

    bases = ["age", "income", "visits_per_week", "spend_per_visit", "price_sensitivity",
             "health_focus", "convenience_need", "social_space", "taste_exploration"]
    return explorer(datasets.load("stp_survey"), bases, datasets.load("stp_brand_ratings"),
                    datasets.load("stp_ideal_points"), brand="Mokka House")


def _swot() -> widgets.Widget:
    from marketing_kit.widgets.swot import explorer

    return explorer(datasets.load("swot_analytics_startup"), "Analytics start-up")


def _plc() -> widgets.Widget:
    from marketing_kit.widgets.plc import explorer

    return explorer(datasets.load("bass_classic_series"))


def _clv() -> widgets.Widget:
    from marketing_kit.widgets.ltv import clv_explorer

    return clv_explorer(margin=100, retention=0.8, discount_rate=0.1, acquisition_cost=150)


def _customer() -> widgets.Widget:
    from marketing_kit import ltv
    from marketing_kit.widgets.ltv import customer_explorer

    # Fader, Hardie & Lee (2005) CDNOW estimates, as in tests/test_widgets_ltv.py.
    fit = ltv.BGNBDFit(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4,
                       n_customers=2357)
    return customer_explorer(fit, frequency=2, recency=30.43, T=38.86, horizon=39)


def _nps() -> widgets.Widget:
    from marketing_kit.widgets.nps import explorer

    return explorer(datasets.load("nps_survey"))


def _funnel() -> widgets.Widget:
    from marketing_kit import funnel
    from marketing_kit.widgets.funnel import explorer

    stages = {"lead": "lead_date", "MQL": "mql_date", "SQL": "sql_date",
              "opportunity": "opportunity_date", "won": "won_date"}
    counts = funnel.stage_counts_from_dates(datasets.load("crm_leads"), stages)
    return explorer(counts, datasets.load("crm_accounts"), datasets.load("crm_contacts"),
                    datasets.load("crm_touches"), value_per_win=40_000)


def _attribution() -> widgets.Widget:
    from marketing_kit.widgets.attribution import explorer

    return explorer(datasets.load("attribution_journeys"), datasets.load("attribution_channels"))


def _social_roi() -> widgets.Widget:
    from marketing_kit.widgets.social_roi import explorer

    return explorer(datasets.load("social_roi_channels"))


def _getting_started() -> widgets.Widget:
    from marketing_kit.widgets.getting_started import explorer

    return explorer(datasets.load("social_weekly"))


def _direct_mail() -> widgets.Widget:
    from marketing_kit import direct_marketing as dm
    from marketing_kit import ltv
    from marketing_kit.widgets.direct_marketing import explorer

    tx = datasets.load("cdnow_transactions")
    scores = ltv.rfm_scores(ltv.rfm_summary(tx, "customer_id", "date", "sales", "1997-09-30"))
    holdout = ltv.purchases_between(tx, "customer_id", "date", "1997-09-30", "1998-06-30")
    bought = (holdout.reindex(scores.index) > 0).astype(int)
    gains = dm.gains_table(dm.rfm_cell_score(scores), bought)
    return explorer(gains, cost_per_contact=2.0, margin_per_response=12.0, mailed_deciles=5)


def _ga4() -> widgets.Widget:
    from marketing_kit.widgets.ga4 import explorer

    return explorer(datasets.load("ga4_content_daily"))


def _capstone() -> widgets.Widget:
    from marketing_kit import capstone
    from marketing_kit.widgets.capstone import explorer

    return explorer(capstone.channel_table(datasets.load("capstone_campaigns")))


def _account_timeline() -> widgets.Widget:
    """The funnel notebook's third tab on its own (the browser benchmark reaches its control)."""
    from marketing_kit.widgets.funnel import AccountTimeline

    return AccountTimeline(datasets.load("crm_accounts"), datasets.load("crm_contacts"),
                           datasets.load("crm_touches"))


# Explorer class name -> how its notebook builds it (a builder may return a Tab of several).
RECIPES: dict[str, Callable[[], widgets.Widget]] = {
    "StpExplorer": _stp,
    "SwotExplorer": _swot,
    "BassExplorer": _plc,
    "ClvExplorer": _clv,
    "CustomerExplorer": _customer,
    "NpsExplorer": _nps,
    "FunnelExplorer": _funnel,
    "VelocityCalculator": _funnel,
    "AccountTimeline": _funnel,
    "AttributionExplorer": _attribution,
    "SocialRoiExplorer": _social_roi,
    "GettingStartedExplorer": _getting_started,
    "MailingExplorer": _direct_mail,
    "Ga4DashboardExplorer": _ga4,
    "CapstoneExplorer": _capstone,
}
# Builders only the browser benchmark uses (an explorer that sits on a hidden tab above).
BROWSER_RECIPES: dict[str, Callable[[], widgets.Widget]] = {
    "AccountTimelineAlone": _account_timeline,
}


class BaselineExplorer(Explorer):
    """The cheapest useful explorer: one slider, one sine line, one PNG."""

    def __init__(self) -> None:
        self.image = widgets.Image(format="png")
        controls = {"k": widgets.FloatSlider(value=1.0, min=0.5, max=5.0, step=0.1)}
        super().__init__(controls, [controls["k"], self.image])
        self.refresh()

    def update(self) -> None:
        x = np.linspace(0, 10, 200)
        figure = Figure(figsize=(5, 3))
        axes = figure.subplots()
        axes.plot(x, np.sin(self.controls["k"].value * x))
        axes.set_title("baseline")
        self.image.value = figure_png(figure)


def discover() -> list[tuple[str, type]]:
    """Every Explorer subclass defined in a ``marketing_kit.widgets`` module."""
    found = []
    for info in pkgutil.iter_modules(marketing_kit.widgets.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"marketing_kit.widgets.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            mine = cls.__module__ == module.__name__
            if mine and issubclass(cls, Explorer) and cls is not Explorer:
                found.append((info.name, cls))
    return sorted(found, key=lambda item: (item[0], item[1].__name__))


def explorers_in(widget: widgets.Widget) -> Iterator[Explorer]:
    """``widget`` itself if it is an Explorer, else the Explorers among its descendants."""
    if isinstance(widget, Explorer):
        yield widget
        return
    for child in getattr(widget, "children", ()):
        yield from explorers_in(child)


def other_value(control: widgets.Widget, original: object, step: int) -> object:
    """A valid value different from the current one, alternating around ``original``."""
    if isinstance(control, widgets.Checkbox):
        return not control.value
    if isinstance(control, widgets.SelectMultiple):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        current = set(control.value)
        keep = [o for i, o in enumerate(options) if i != step % len(options) or len(options) == 1]
        return tuple(keep) if set(keep) != current else tuple(options)
    if isinstance(control, widgets.Dropdown):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        index = options.index(control.value) if control.value in options else -1
        return options[(index + 1) % len(options)]
    if isinstance(control, widgets.SelectionRangeSlider):  # a window over its options
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        low, high = options.index(original[0]), options.index(original[1])
        shifted = (low + 1, high) if low + 1 < high else (low, high - 1)
        target = tuple(options[i] for i in shifted)
        return target if tuple(control.value) == tuple(original) else tuple(original)
    if isinstance(control, (widgets.IntRangeSlider, widgets.FloatRangeSlider)):
        low, high = original
        width = control.step * (2 if isinstance(control, widgets.FloatRangeSlider) else 1)
        shifted = (low + width, high) if low + width < high else (low, high - width)
        return shifted if tuple(control.value) == tuple(original) else tuple(original)
    if isinstance(control, (widgets.FloatSlider, widgets.IntSlider)):
        span = control.max - control.min
        delta = max(control.step, span / 20)
        if isinstance(control, widgets.IntSlider):
            delta = max(1, round(delta))
        up = original + delta if original + delta <= control.max else original - delta
        target = up if control.value == original else original
        return target if target != control.value else (control.min + control.max) / 2
    raise TypeError(f"no rule to move a {type(control).__name__}")


def legacy_png(figure: Figure, dpi: int = 90) -> bytes:
    """``figure_png`` as it was before the speed work (the reference for the ratio)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def stub_png(figure: Figure, dpi: int = 90) -> bytes:
    """No drawing at all: what is left is the recompute (and building the Figure)."""
    return b"\x89PNG stub"


@contextmanager
def png_renderer(render: Callable[..., bytes] | None) -> Iterator[None]:
    """Swap ``figure_png`` for ``render`` everywhere it was imported (``None``: leave it)."""
    patched = []
    if render is not None:
        for name, module in list(sys.modules.items()):
            ours = name.startswith("marketing_kit.widgets") or name == __name__
            if ours and getattr(module, "figure_png", None):
                patched.append((module, module.figure_png))
                module.figure_png = render
    try:
        yield
    finally:
        for module, original in patched:
            module.figure_png = original


def time_callbacks(app: Explorer, changes: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds for ``changes`` control changes, round-robin over controls."""
    names = list(app.controls)
    originals = {name: control.value for name, control in app.controls.items()}
    wall, cpu = [], []
    for step in range(changes):
        name = names[step % len(names)]
        control = app.controls[name]
        value = other_value(control, originals[name], step // len(names))
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        control.value = value
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if isinstance(control, widgets.Checkbox):  # untimed: unticking every box is invalid
            control.value = originals[name]
    return wall, cpu


def percentile(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q)) if samples else float("nan")


def row(label: str, controls: int, runs: dict[str, tuple[list[float], list[float]]],
        build_ms: float = float("nan")) -> dict:
    wall, cpu = runs["current"]
    out = {"explorer": label, "controls": controls, "n": len(wall),
           "p50": statistics.median(wall), "p95": percentile(wall, 95),
           "cpu_p50": statistics.median(cpu), "cpu_p95": percentile(cpu, 95),
           "build_ms": build_ms}
    for name in ("compute", "legacy"):
        out[f"{name}_cpu_p50"] = statistics.median(runs[name][1]) if name in runs else float("nan")
    return out


def measure(min_changes: int = MIN_CHANGES) -> list[dict]:
    """One row per explorer (current, compute-only and legacy-PNG runs) plus the baseline."""
    baseline = BaselineExplorer()
    runs = {}
    for name, render in (("current", None), ("legacy", legacy_png), ("compute", stub_png)):
        with png_renderer(render):
            runs[name] = time_callbacks(baseline, 3 * min_changes)
    rows = [row("baseline: 1 slider, 1 line", 1, runs)]
    for module_name, cls in discover():
        label = f"{module_name}.{cls.__name__}"
        recipe = RECIPES.get(cls.__name__)
        if recipe is None:
            rows.append({"explorer": label, "missing": True})
            continue
        runs, build_ms = {}, float("nan")
        for name, render in (("current", None), ("legacy", legacy_png), ("compute", stub_png)):
            with png_renderer(render):
                # A fresh explorer per pass: what one pass caches must not speed up the next.
                started = time.perf_counter()
                app = next(a for a in explorers_in(recipe()) if type(a) is cls)
                if name == "current":
                    build_ms = (time.perf_counter() - started) * 1000
                changes = min(max(len(app.controls), min_changes), MAX_CHANGES)
                runs[name] = time_callbacks(app, changes)
        if app.message.value:
            print(f"note: {label} shows a message after the run: {app.message.value}")
        rows.append(row(label, len(app.controls), runs, build_ms))
        print(f"  {label}: p95 {rows[-1]['p95']:.0f} ms wall, {rows[-1]['cpu_p95']:.0f} ms CPU",
              flush=True)
    return rows


def render(rows: list[dict]) -> str:
    """Markdown table; ratios are against the baseline explorer and the legacy PNG path."""
    base = rows[0]["cpu_p50"]
    lines = [
        "| explorer | controls | changes | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | "
        "compute-only CPU p50 ms | legacy-PNG CPU p50 ms | CPU p50 / legacy | "
        "CPU p50 / baseline | build ms | p95 < 100 ms (wall / CPU) |",
        "| --- |" + " ---: |" * 11 + " --- |",
    ]

    def fmt(value: float, pattern: str = "{:.0f}") -> str:
        return "" if np.isnan(value) else pattern.format(value)

    for r in rows:
        if r.get("missing"):
            lines.append(f"| {r['explorer']} | no recipe in benchmarks/widgets.py |"
                         + " |" * 11)
            continue
        ok = "/".join("yes" if v < GOAL_P95_MS else "no" for v in (r["p95"], r["cpu_p95"]))
        lines.append(
            f"| {r['explorer']} | {r['controls']} | {r['n']} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['cpu_p50']:.0f} | {r['cpu_p95']:.0f} | {fmt(r['compute_cpu_p50'])} | "
            f"{fmt(r['legacy_cpu_p50'])} | {fmt(r['cpu_p50'] / r['legacy_cpu_p50'], '{:.2f}')} | "
            f"{r['cpu_p50'] / base:.1f} | {fmt(r['build_ms'])} | {ok} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | tuple[str, ...] = ()) -> None:
    changes = int(argv[0]) if argv else MIN_CHANGES
    print(f"widget callbacks: at least {changes} control changes per explorer", flush=True)
    table = render(measure(changes))
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "widgets.md").write_text(table + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
