"""Bass-model explorer: p, q and m sliders drive the adoption curves; a picker overlays real data.

Every number comes from :mod:`marketing_kit.plc` (``bass_adoptions``, ``bass_peak_time``,
``bass_peak_adoptions``, ``classify_stages``, ``fit_bass``).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from marketing_kit import plc
from marketing_kit._validate import check_dataframe
from marketing_kit.i18n import t
from marketing_kit.widgets._base import Explorer, figure_png

NO_SERIES = "(none)"
STAGE_COLOURS = {"introduction": "#bdbdbd", "growth": "#66bb6a", "maturity": "#42a5f5",
                 "decline": "#ef5350"}
STYLE = {"description_width": "120px"}
LAYOUT = widgets.Layout(width="360px")


def stage_label(stage: str) -> str:
    """A PLC stage name in the current language (the stage values themselves stay English)."""
    return {"introduction": t("introduction"), "growth": t("growth"), "maturity": t("maturity"),
            "decline": t("decline")}.get(stage, stage)


def _series_label(product: str) -> str:
    return {NO_SERIES: t("(none)"), "color_tv": t("color_tv"),
            "clothes_dryers": t("clothes_dryers"),
            "room_air_conditioners": t("room_air_conditioners")}.get(product, product)


class BassExplorer(Explorer):
    """Sliders for p, q, m and the horizon, and a picker of the classic adoption series.

    After every change: ``adoptions`` and ``cumulative`` hold the slider model's curves,
    ``peak_time``/``peak_level`` its peak, ``stages`` its :class:`~marketing_kit.plc.StageResult`,
    ``fit`` the NLS :class:`~marketing_kit.plc.BassFit` of the picked series (``None`` without one)
    and ``image`` the two-panel chart.
    """

    def __init__(self, series: pd.DataFrame, p: float = 0.02, q: float = 0.4,
                 m: float = 20_000.0, periods: int = 20, product: str = NO_SERIES) -> None:
        check_dataframe("series", series, ("product", "t", "sales_thousands"))
        self.series = series
        products = [(_series_label(name), name)
                    for name in [NO_SERIES, *sorted(series["product"].unique())]]
        controls: dict[str, widgets.Widget] = {
            "p": widgets.FloatSlider(value=p, min=0.001, max=0.1, step=0.001, readout_format=".3f",
                                     description=t("p (innovation)")),
            "q": widgets.FloatSlider(value=q, min=0.01, max=1.5, step=0.01,
                                     description=t("q (imitation)")),
            "m": widgets.FloatSlider(value=m, min=1_000, max=60_000, step=500,
                                     readout_format=",.0f", description=t("m (thousands)")),
            "periods": widgets.IntSlider(value=periods, min=5, max=40,
                                         description=t("years shown")),
            "product": widgets.Dropdown(options=products, value=product,
                                        description=t("overlay series")),
        }
        for control in controls.values():
            control.style, control.layout = STYLE, LAYOUT
            if hasattr(control, "continuous_update"):
                control.continuous_update = False
        self.image = widgets.Image(format="png")
        self.summary = widgets.HTML()
        left = widgets.VBox([controls["p"], controls["q"], controls["m"]])
        right = widgets.VBox([controls["periods"], controls["product"]])
        self.fit: plc.BassFit | None = None
        self._fitted_product: str | None = None
        super().__init__(controls, [widgets.HBox([left, right]), self.summary, self.image])
        self.refresh()

    def data(self) -> pd.DataFrame | None:
        """The picked series (``None`` if none is picked)."""
        product = self.controls["product"].value
        if product == NO_SERIES:
            return None
        return self.series[self.series["product"] == product].sort_values("t")

    def update(self) -> None:
        p, q, m = (self.controls[name].value for name in ("p", "q", "m"))
        periods = self.controls["periods"].value
        self.adoptions = plc.bass_adoptions(p, q, m, periods)
        self.cumulative = np.cumsum(self.adoptions)
        self.peak_time = plc.bass_peak_time(p, q)
        self.peak_level = plc.bass_peak_adoptions(p, q, m)
        self.stages = plc.classify_stages(self.adoptions, window=1)
        data = self.data()
        product = self.controls["product"].value
        if data is None:
            self.fit = None
        elif self._fitted_product != product or self.fit is None:
            self.fit = plc.fit_bass(data["sales_thousands"], "nls")
        self._fitted_product = product if data is not None else None
        text = t("<b>Peak</b> t* = ln(q/p)/(p+q) = {t:.1f} years at {level:,.0f} thousand a year"
                 ).format(t=self.peak_time, level=self.peak_level)
        text += f" &nbsp;|&nbsp; <b>q/p</b> = {q / p:.1f}"
        if self.fit is not None:
            text += "<br>" + t("<b>NLS fit to {product}</b>: p = {p:.4f}, q = {q:.3f}, "
                               "m = {m:,.0f} thousand, R² = {r2:.3f}, peak t* = {peak:.1f}").format(
                product=_series_label(product), p=self.fit.p, q=self.fit.q, m=self.fit.m,
                r2=self.fit.r2, peak=self.fit.peak_time)
        self.summary.value = text
        self.image.value = figure_png(bass_chart(self.adoptions, self.peak_time, self.stages,
                                                 m, data, self.fit))


def bass_chart(adoptions: np.ndarray, peak_time: float, stages: plc.StageResult, m: float,
               data: pd.DataFrame | None = None, fit: plc.BassFit | None = None) -> Figure:
    """Per-period (left) and cumulative (right) adoption, PLC stages shaded, peak marked.

    With ``data`` (columns ``t``, ``sales_thousands``) and its ``fit`` the real series is drawn
    as dots and the fitted model as a dashed line.
    """
    periods = np.arange(1, len(adoptions) + 1)
    figure = Figure(figsize=(10, 3.6))
    per_period, cumulative = figure.subplots(1, 2)
    for stage, (start, end) in stages.boundaries.items():
        per_period.axvspan(start + 0.5, end + 1.5, color=STAGE_COLOURS[stage], alpha=0.18,
                           label=stage_label(stage), linewidth=0)
    per_period.plot(periods, adoptions, color="black", marker="o", markersize=3,
                    label=t("model"))
    per_period.axvline(peak_time, color="#6a1b9a", linestyle=":", label=f"t* = {peak_time:.1f}")
    cumulative.plot(periods, np.cumsum(adoptions), color="black", label=t("model"))
    cumulative.axhline(m, color="grey", linestyle="--", linewidth=1, label=t("m (market size)"))
    if data is not None:
        years = data["t"].to_numpy()
        sales = data["sales_thousands"].to_numpy(dtype=float)
        per_period.plot(years, sales, "s", color="#e65100", markersize=5, label=t("data"))
        cumulative.plot(years, np.cumsum(sales), "s", color="#e65100", markersize=5,
                        label=t("data"))
        if fit is not None:
            horizon = max(len(adoptions), len(years))
            fitted = plc.bass_adoptions(fit.p, fit.q, fit.m, horizon)
            span = np.arange(1, horizon + 1)
            per_period.plot(span, fitted, "--", color="#e65100", label=t("NLS fit"))
            cumulative.plot(span, np.cumsum(fitted), "--", color="#e65100",
                            label=t("NLS fit"))
    per_period.set_title(t("New adopters per year"))
    per_period.set_xlabel(t("years since launch (t)"))
    per_period.set_ylabel(t("thousands"))
    per_period.legend(fontsize=7, loc="upper right", ncol=2)
    cumulative.set_title(t("Cumulative adopters"))
    cumulative.set_xlabel(t("years since launch (t)"))
    cumulative.legend(fontsize=7, loc="lower right")
    right = max(len(adoptions), 0 if data is None else int(data["t"].max()))
    for axes in (per_period, cumulative):
        axes.set_xlim(0.5, right + 0.5)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0)
    figure.subplots_adjust(left=0.09, right=0.98, bottom=0.17, top=0.89, wspace=0.2)
    return figure


def explorer(series: pd.DataFrame | None = None, **settings: object) -> BassExplorer:
    """Build the Bass explorer; ``series`` defaults to the ``bass_classic_series`` dataset."""
    if series is None:
        from marketing_kit import datasets

        series = datasets.load("bass_classic_series")
    return BassExplorer(series, **settings)


def stage_chart(result: plc.StageResult, labels: pd.Series | None = None,
                title: str | None = None) -> Figure:
    """Sales (thin line), smoothed sales (thick line) and the shaded stages of ``result``.

    ``labels`` (for example the ``month`` column) replaces the position numbers on the x axis;
    ``title`` defaults to "Sales through the product life cycle" (in the current language).
    """
    if title is None:
        title = t("Sales through the product life cycle")
    table = result.table
    x = np.arange(len(table))
    figure = Figure(figsize=(10, 3.6))
    axes = figure.subplots()
    for stage, (start, end) in result.boundaries.items():
        axes.axvspan(start - 0.5, end + 0.5, color=STAGE_COLOURS[stage], alpha=0.18, linewidth=0)
        axes.text((start + end) / 2, 1.01, stage_label(stage), ha="center", va="bottom", fontsize=9,
                  transform=axes.get_xaxis_transform())
    axes.plot(x, table["sales"], color="#90a4ae", linewidth=1, label=t("sales"))
    axes.plot(x, table["smoothed"], color="black", linewidth=2, label=t("smoothed"))
    if labels is not None:
        ticks = x[:: max(1, len(x) // 10)]
        axes.set_xticks(ticks, [str(labels.iloc[i]) for i in ticks], rotation=45, fontsize=8)
    axes.set_xlim(-0.5, len(x) - 0.5)
    axes.set_ylim(bottom=0)
    axes.set_ylabel(t("units"))
    axes.set_title(title, pad=18)
    axes.legend(fontsize=8, loc="upper left")
    figure.tight_layout()
    return figure
