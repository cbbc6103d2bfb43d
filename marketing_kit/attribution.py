"""Multi-touch attribution: journeys, heuristic rules and the comparison of every model.

Journeys are a DataFrame with ``path`` (channels joined by ``>``, e.g. ``"Social > Email"``),
``conversions``, ``nulls`` (journeys on that path that did not convert) and optionally ``value``
(conversion value of the row). Touch-level data (one row per touch, with ``journey_id``,
``channel``, ``touch_time``, ``converted`` and optionally ``value``) is accepted by
:func:`heuristic_attribution` and collapsed to journeys by :func:`touches_to_journeys`.

This module holds the rule-based models, the touch-level helpers, :func:`compare_models` and
:func:`attribute`. Two modules behind it are re-exported here, so every name stays
``marketing_kit.attribution.<name>``:

* :mod:`marketing_kit.attribution_journeys`: :func:`parse_journeys`, :func:`channel_list` and the
  shared one-slot parse cache;
* :mod:`marketing_kit.attribution_data_driven`: the Markov chain (:func:`transition_matrix`,
  :func:`conversion_probability`, :func:`removal_effects`, :func:`removal_impact`,
  :func:`markov_attribution`) and Shapley values (:func:`coalition_values`,
  :func:`shapley_attribution`).

Sources:

* heuristic rules (first touch, last touch, linear, time decay, position-based 40/20/40): the
  Google Analytics attribution-model definitions and the ``heuristic_models`` function of the R
  package ChannelAttribution (Altomare & Loris);
* Markov: Anderl, Becker, von Wangenheim & Schumann (2016), "Mapping the customer journey:
  Lessons learned from graph-based online attribution modeling", *International Journal of
  Research in Marketing* 33(3), 457-474; absorption probabilities of an absorbing chain
  (Kemeny & Snell 1960, *Finite Markov Chains*, ch. 3: B = (I - Q)^-1 R);
* Shapley: Shapley (1953); Zhao, Mahboobi & Bagheri (2018), "Shapley value methods for
  attribution modeling in online advertising", arXiv:1804.05327;
* framing: seed ``../shared/seeds/001_eb51926b83fad9e2.txt`` (attribution that tells the whole
  story, social touches in the same report as webcasts and e-mail).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from marketing_kit import _validate as val

# The data-driven models and the journey parsing live in their own modules; their names are
# part of this one's API. The ``X as X`` imports re-export internals that
# :mod:`marketing_kit.channels` uses (one parse cache, in attribution_journeys).
from marketing_kit.attribution_data_driven import (
    MAX_SHAPLEY_CHANNELS,
    _markov,
    _shapley,
    coalition_values,
    conversion_probability,
    markov_attribution,
    removal_effects,
    removal_impact,
    shapley_attribution,
    transition_matrix,
)
from marketing_kit.attribution_data_driven import _removal_impact as _removal_impact
from marketing_kit.attribution_data_driven import _transitions as _transitions
from marketing_kit.attribution_journeys import (
    _FOREIGN_SEPARATOR,
    SEPARATOR,
    _Journeys,
    _parse,
    channel_list,
    parse_journeys,
)

__all__ = [
    "HEURISTIC_MODELS", "MAX_SHAPLEY_CHANNELS", "MODELS", "SEPARATOR", "TOUCH_COLUMNS",
    "attribute", "channel_list", "check_position_weights", "coalition_values", "compare_models",
    "conversion_probability", "heuristic_attribution", "markov_attribution", "parse_journeys",
    "removal_effects", "removal_impact", "shapley_attribution", "touch_weights",
    "touches_to_journeys", "transition_matrix",
]

HEURISTIC_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based")
MODELS = (*HEURISTIC_MODELS, "markov", "shapley")
TOUCH_COLUMNS = ("journey_id", "channel", "touch_time", "converted")


def touch_weights(
    n_touches: int,
    model: str,
    *,
    half_life: float = 1.0,
    position_weights: Sequence[float] = (0.4, 0.2, 0.4),
    ages: Sequence[float] | None = None,
) -> np.ndarray:
    """Share of one conversion given to each of ``n_touches`` touches (first to last); sums to 1.

    * ``first_touch`` / ``last_touch``: all credit to the first / last touch;
    * ``linear``: 1/n each;
    * ``time_decay``: weight 2^(-age / half_life), normalised, where ``age`` is how long before the
      conversion the touch happened (default: touches before the last, so the last touch has age 0
      and ``half_life`` counts touches); Google Analytics' default half-life is 7 days;
    * ``position_based`` (U-shaped): ``position_weights`` = (first, middle, last), 40/20/40 by
      default; the middle share is split evenly between the middle touches; a two-touch path
      splits first:last in proportion (50/50 for 40/40), a single touch gets everything.
    """
    n = val.check_number("n_touches", n_touches, low=1, integer=True)
    val.check_choice("model", model, HEURISTIC_MODELS)
    if model == "first_touch":
        return np.eye(n)[0]
    if model == "last_touch":
        return np.eye(n)[-1]
    if model == "linear":
        return np.full(n, 1 / n)
    if model == "time_decay":
        half_life = val.check_number("half_life", half_life, low=0, low_open=True)
        age = np.arange(n - 1.0, -1, -1) if ages is None else np.asarray(ages, dtype=float)
        if age.shape != (n,) or not np.all(np.isfinite(age)) or (age < 0).any():
            raise ValueError(f"ages must be {n} finite non-negative numbers, got {ages!r}")
        weights = np.exp2(-age / half_life)
        return weights / weights.sum()
    first, middle, last = check_position_weights(position_weights)
    if n == 1:
        return np.ones(1)
    if n == 2:
        return np.array([first, last]) / (first + last)
    return np.array([first, *[middle / (n - 2)] * (n - 2), last])


def check_position_weights(position_weights: Sequence[float]) -> tuple[float, float, float]:
    """Check (first, middle, last) are three numbers in [0, 1] that sum to 1."""
    wanted = f"position_weights must be 3 numbers (first, middle, last), got {position_weights!r}"
    if isinstance(position_weights, str) or not isinstance(position_weights, Sequence | np.ndarray):
        raise TypeError(wanted)
    if len(position_weights) != 3:
        raise ValueError(wanted)
    first, middle, last = (val.check_number(f"position_weights[{i}]", w, low=0, high=1)
                           for i, w in enumerate(position_weights))
    if not np.isclose(first + middle + last, 1.0, rtol=0.0, atol=1e-9):
        raise ValueError(f"position_weights must sum to 1, got {position_weights!r} "
                         f"(sum {first + middle + last:g})")
    if first + last == 0:
        raise ValueError("position_weights must give the first or last touch some credit")
    return first, middle, last


def _result(credit: dict[str, np.ndarray], has_value: bool) -> pd.DataFrame:
    table = pd.DataFrame.from_dict(credit, orient="index", columns=["conversions", "value"])
    table = table.sort_index().rename_axis("channel")
    total = table["conversions"].sum()
    table["share"] = table["conversions"] / total if total > 0 else 0.0
    return table if has_value else table.drop(columns="value")


def heuristic_attribution(
    journeys: pd.DataFrame,
    model: str,
    *,
    half_life: float | None = None,
    position_weights: Sequence[float] = (0.4, 0.2, 0.4),
) -> pd.DataFrame:
    """Conversions (and value) credited to each channel by a rule-based model.

    ``model`` is one of :data:`HEURISTIC_MODELS` (see :func:`touch_weights` for each rule).
    ``journeys`` is a journeys frame (``path``, ``conversions``, ``nulls`` [, ``value``]); there
    the time-decay ``half_life`` is counted in touches (default 1). A touch-level frame (columns
    :data:`TOUCH_COLUMNS` [, ``value``]) is also accepted; there ages are measured from each
    journey's last touch, in days if ``touch_time`` holds dates (default half-life 7, as in
    Google Analytics). Returns a frame indexed by channel with ``conversions``, ``value`` (if
    given) and ``share``; the columns sum to the totals of the input.
    """
    val.check_choice("model", model, HEURISTIC_MODELS)
    touch_level = isinstance(journeys, pd.DataFrame) and "path" not in journeys
    if touch_level and "journey_id" in journeys:
        half_life = 7.0 if half_life is None else half_life
        return _touch_attribution(journeys, model, half_life, position_weights)
    half_life = 1.0 if half_life is None else half_life
    return _heuristic(_parse(journeys), model, half_life, position_weights)


def _heuristic(parsed: _Journeys, model: str, half_life: float,
               position_weights: Sequence[float]) -> pd.DataFrame:
    """Heuristic credit of parsed journeys: one weight per touch, summed per channel."""
    frame, lengths = parsed.frame, parsed.lengths
    distinct = np.unique(lengths)
    tables = [touch_weights(int(n), model, half_life=half_life, position_weights=position_weights)
              for n in distinct]  # one weight vector per path length, as before
    offsets = np.concatenate([[0], np.cumsum(distinct)[:-1]])
    offset = offsets[np.searchsorted(distinct, lengths)]  # where each row's length table starts
    position = np.arange(len(parsed.codes)) - np.repeat(parsed.starts, lengths)
    weights = np.concatenate(tables)[np.repeat(offset, lengths) + position] if tables else []
    has_value = "value" in frame.columns
    n = len(parsed.channels)
    credit = [np.bincount(parsed.codes, weights * np.repeat(frame[column].to_numpy(), lengths),
                          minlength=n) if column in frame.columns else np.zeros(n)
              for column in ("conversions", "value")]
    return _result({name: np.array([credit[0][i], credit[1][i]])
                    for i, name in enumerate(parsed.channels)}, has_value)


def _touch_attribution(touches: pd.DataFrame, model: str, half_life: float,
                       position_weights: Sequence[float]) -> pd.DataFrame:
    frame = _check_touches(touches)
    has_value = "value" in frame.columns
    credit: dict[str, np.ndarray] = {}
    for _, journey in frame.groupby("journey_id", sort=True):
        converted = float(journey["converted"].iloc[-1])
        value = float(journey["value"].iloc[-1]) if has_value else 0.0
        ages = (journey["touch_time"].iloc[-1] - journey["touch_time"]).to_numpy()
        if np.issubdtype(ages.dtype, np.timedelta64):
            ages = ages / np.timedelta64(1, "D")
        weights = touch_weights(len(journey), model, half_life=half_life,
                                position_weights=position_weights, ages=ages.astype(float))
        for name, weight in zip(journey["channel"], weights, strict=True):
            credit.setdefault(name, np.zeros(2))
            credit[name] += weight * np.array([converted, value])
    return _result(credit, has_value)


def _check_touches(touches: pd.DataFrame) -> pd.DataFrame:
    val.check_dataframe("touches", touches, TOUCH_COLUMNS)
    frame = touches.copy()
    frame["converted"] = val.check_numeric_column("touches", frame, "converted", low=0)
    if "value" in frame.columns:
        frame["value"] = val.check_numeric_column("touches", frame, "value", low=0)
    if frame["touch_time"].isna().any():
        raise ValueError("touches['touch_time'] must not be missing")
    bad = [n for n in frame["channel"] if not isinstance(n, str) or not n.strip()
           or SEPARATOR in n or _FOREIGN_SEPARATOR.search(n)]
    if bad:
        raise ValueError(f"touches['channel'] must be non-empty names, no separators: {bad[:3]}")
    for column in ("converted", "value"):
        if column in frame.columns and (frame.groupby("journey_id")[column].nunique() > 1).any():
            raise ValueError(f"touches['{column}'] must be the same on every touch of a journey")
    return frame.sort_values(["journey_id", "touch_time"], kind="stable").reset_index(drop=True)


def touches_to_journeys(touches: pd.DataFrame) -> pd.DataFrame:
    """Collapse touch-level data into journeys: one row per distinct path, touches in time order.

    ``conversions`` sums ``converted`` over the journeys on a path, ``nulls`` counts those with
    ``converted == 0``; ``value`` sums the journeys' values when present.
    """
    frame = _check_touches(touches)
    agg = {"channel": lambda s: f" {SEPARATOR} ".join(s), "converted": "last"}
    if "value" in frame.columns:
        agg["value"] = "last"
    per_journey = frame.groupby("journey_id").agg(agg).rename(columns={"channel": "path"})
    per_journey["nulls"] = (per_journey["converted"] == 0).astype(int)
    columns = {"conversions": ("converted", "sum"), "nulls": ("nulls", "sum")}
    if "value" in frame.columns:
        columns["value"] = ("value", "sum")
    return per_journey.groupby("path", sort=True).agg(**columns).reset_index()


def compare_models(
    journeys: pd.DataFrame,
    *,
    half_life: float | None = None,
    position_weights: Sequence[float] = (0.4, 0.2, 0.4),
    models: Sequence[str] = MODELS,
) -> pd.DataFrame:
    """Attributed conversions per channel (rows) under each model in ``models`` (columns)."""
    parsed, half_life = _parse(journeys), 1.0 if half_life is None else half_life
    columns = {}
    for model in models:  # parsed once for all the models
        val.check_choice("model", model, MODELS)
        table = (_markov(parsed) if model == "markov" else _shapley(parsed) if model == "shapley"
                 else _heuristic(parsed, model, half_life, position_weights))
        columns[model] = table["conversions"]
    return pd.DataFrame(columns).fillna(0.0).rename_axis("channel")


def attribute(journeys: pd.DataFrame, model: str, **settings: object) -> pd.DataFrame:
    """Attribution table of the model named ``model`` (one of :data:`MODELS`); ``settings`` go to
    :func:`heuristic_attribution` (the Markov and Shapley models take none)."""
    val.check_choice("model", model, MODELS)
    if model == "markov":
        return markov_attribution(journeys)
    if model == "shapley":
        return shapley_attribution(journeys)
    return heuristic_attribution(journeys, model, **settings)
