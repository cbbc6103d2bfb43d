"""Multi-touch attribution: heuristic rules, an exact first-order Markov chain and Shapley values.

Journeys are a DataFrame with ``path`` (channels joined by ``>``, e.g. ``"Social > Email"``),
``conversions``, ``nulls`` (journeys on that path that did not convert) and optionally ``value``
(conversion value of the row). Touch-level data (one row per touch, with ``journey_id``,
``channel``, ``touch_time``, ``converted`` and optionally ``value``) is accepted by
:func:`heuristic_attribution` and collapsed to journeys by :func:`touches_to_journeys`.

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

import itertools
import re
from collections.abc import Iterable, Sequence
from math import factorial
from typing import NamedTuple

import numpy as np
import pandas as pd

from marketing_kit import _validate as val

SEPARATOR = ">"
HEURISTIC_MODELS = ("first_touch", "last_touch", "linear", "time_decay", "position_based")
MODELS = (*HEURISTIC_MODELS, "markov", "shapley")
TOUCH_COLUMNS = ("journey_id", "channel", "touch_time", "converted")
MAX_SHAPLEY_CHANNELS = 15
# Characters that look like somebody else's separator: "A, B", "A | B", "A -> B", "A / B", "A → B".
_FOREIGN_SEPARATOR = re.compile(r"->|=>|→|[,;|/\\\t]")
_FOREIGN_MARKS = ("->", "=>", "→", ",", ";", "|", "/", "\\", "\t")  # what the pattern matches


class _Journeys(NamedTuple):
    """A validated journeys frame plus its touches as integer codes (internal; no re-checks)."""

    frame: pd.DataFrame  # as returned by parse_journeys
    channels: list[str]  # sorted distinct channel names
    codes: np.ndarray  # one entry per touch, rows in order: index into ``channels``
    lengths: np.ndarray  # touches per row
    derived: dict  # results computed from these journeys once (the transition matrix)

    @property
    def starts(self) -> np.ndarray:
        return np.cumsum(self.lengths) - self.lengths


def parse_journeys(journeys: pd.DataFrame) -> pd.DataFrame:
    """Validate a journeys frame; return a copy with ``channels`` (a list per row) added.

    Raises ``ValueError`` for an empty path or channel name (``"A >> B"``), a path joined with
    an unknown separator (anything but ``>``, e.g. ``","`` or ``"->"``), negative or non-finite
    ``conversions``/``nulls``/``value``, and ``TypeError`` for a non-DataFrame or non-text path.
    """
    return _parse(journeys, remember=False).frame  # a fresh copy the caller may change


# The last journeys the internal functions parsed: (a deep copy of the input, the result). An
# explorer passes the same frame on every control change; DataFrame.equals (well under a
# millisecond) tells an unchanged frame from an edited one, so a hit gives the same result.
_last_parsed: tuple[pd.DataFrame, _Journeys] | None = None


def _parse(journeys: pd.DataFrame, remember: bool = True) -> _Journeys:
    """:func:`parse_journeys`, keeping the touch codes; the internal functions use this result
    read-only, so an input equal to the previous one (same values, dtypes, columns and index)
    gets the remembered result back instead of a second validation."""
    global _last_parsed
    if remember and _last_parsed is not None and isinstance(journeys, pd.DataFrame):
        previous, parsed = _last_parsed
        if journeys.equals(previous) and list(journeys.columns) == list(previous.columns):
            return parsed
    parsed = _parse_now(journeys)
    if remember:
        _last_parsed = (journeys.copy(deep=True), parsed)
    return parsed


def _parse_now(journeys: pd.DataFrame) -> _Journeys:
    """Validate and split all paths in one ``str.split``; codes come from ``pd.factorize``."""
    val.check_dataframe("journeys", journeys, ("path", "conversions", "nulls"))
    frame = journeys.reset_index(drop=True).copy()
    frame["conversions"] = val.check_numeric_column("journeys", frame, "conversions", low=0)
    frame["nulls"] = val.check_numeric_column("journeys", frame, "nulls", low=0)
    if "value" in frame.columns:
        frame["value"] = val.check_numeric_column("journeys", frame, "value", low=0)
    paths = frame["path"].tolist()
    for row, path in enumerate(paths):
        if not isinstance(path, str):
            raise TypeError(f"journeys['path'] must hold text like 'A > B'; row {row} is {path!r}")
    joined = "\n".join(paths)  # "\n" is no separator, so no match spans two paths
    if any(mark in joined for mark in _FOREIGN_MARKS):  # substring tests: faster than the regex
        row = next(i for i, path in enumerate(paths) if _FOREIGN_SEPARATOR.search(path))
        found = _FOREIGN_SEPARATOR.search(paths[row]).group()
        raise ValueError(
            f"journeys['path'] row {row} ({paths[row]!r}) uses the unknown separator "
            f"{found!r}; join channels with {SEPARATOR!r}"
        )
    lengths = np.array([path.count(SEPARATOR) + 1 for path in paths], dtype=np.intp)
    tokens = SEPARATOR.join(paths).split(SEPARATOR) if paths else []
    raw_codes, raw_names = pd.factorize(np.array(tokens, dtype=object))
    stripped = np.array([name.strip() for name in raw_names], dtype=object)
    if (stripped == "").any():
        touch = int(np.flatnonzero(stripped[raw_codes] == "")[0])
        row = int(np.searchsorted(np.cumsum(lengths), touch, side="right"))
        raise ValueError(
            f"journeys['path'] row {row} ({paths[row]!r}) has an empty path or channel name; "
            f"every path needs at least one channel and no empty step between {SEPARATOR!r}"
        )
    channels = sorted(set(stripped))
    index = {name: i for i, name in enumerate(channels)}
    codes = np.array([index[name] for name in stripped], dtype=np.intp)[raw_codes]
    names = stripped[raw_codes].tolist()
    bounds = [0, *np.cumsum(lengths).tolist()]
    frame["channels"] = [names[a:b] for a, b in itertools.pairwise(bounds)]
    return _Journeys(frame, channels, codes, lengths, {})


def channel_list(journeys: pd.DataFrame) -> list[str]:
    """Sorted distinct channels appearing in the journeys' paths."""
    return _parse(journeys).channels


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


# --------------------------------------------------------------------------- Markov


def transition_matrix(journeys: pd.DataFrame) -> pd.DataFrame:
    """First-order transition probabilities between ``start``, the channels, ``conv`` and ``null``.

    Each journey row contributes ``conversions + nulls`` walks ``start > c1 > ... > ck``, of which
    ``conversions`` end in ``conv`` and ``nulls`` in ``null`` (Anderl et al. 2016). Repeated
    touches of a channel stay as self-loops; they do not change absorption probabilities.
    Rows are ``start`` and channels (each sums to 1, or 0 for a channel seen only on rows with no
    journeys); columns are the channels, ``conv`` and ``null``.
    """
    return _transitions(_parse(journeys)).copy()  # the caller may change its copy


def _transitions(parsed: _Journeys) -> pd.DataFrame:
    """:func:`transition_matrix` of parsed journeys (computed once, then shared read-only)."""
    if "transitions" not in parsed.derived:
        parsed.derived["transitions"] = _count_transitions(parsed)
    return parsed.derived["transitions"]


def _count_transitions(parsed: _Journeys) -> pd.DataFrame:
    """Counts of every (from, to) step at once, from the touch codes."""
    frame, lengths = parsed.frame, parsed.lengths
    states = ["start", *parsed.channels]
    n = len(states)
    counts = np.zeros((n, n + 2))  # columns: the transient states, then conv, null
    walks = (frame["conversions"] + frame["nulls"]).to_numpy()
    target = parsed.codes + 1  # state of each touch; the step into it comes from ...
    source = np.concatenate([[0], target[:-1]]) if len(target) else target
    source[parsed.starts[lengths > 0]] = 0  # ... the previous touch, or start on a first touch
    np.add.at(counts, (source, target), np.repeat(walks, lengths))
    last = target[np.cumsum(lengths) - 1]
    np.add.at(counts[:, n], last, frame["conversions"].to_numpy())
    np.add.at(counts[:, n + 1], last, frame["nulls"].to_numpy())
    totals = counts.sum(axis=1, keepdims=True)
    if totals[0, 0] == 0:
        raise ValueError("journeys must hold at least one journey (conversions + nulls > 0)")
    probabilities = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    columns = [*states[1:], "conv", "null"]
    return pd.DataFrame(np.delete(probabilities, 0, axis=1), index=states, columns=columns)


def conversion_probability(transitions: pd.DataFrame, removed: Iterable[str] = ()) -> float:
    """P(a walk from ``start`` is absorbed in ``conv``), optionally with channels removed.

    Solves (I - Q) b = r with :func:`numpy.linalg.solve`, where Q holds the transient-to-transient
    probabilities and r the transient-to-``conv`` ones (Kemeny & Snell 1960). A removed channel
    becomes a dead end: every walk that reaches it is lost (Anderl et al. 2016).
    """
    val.check_dataframe("transitions", transitions, ("conv", "null"))
    states = list(transitions.index)
    channels = states[1:]
    removed = [removed] if isinstance(removed, str) else list(removed)
    unknown = sorted(set(removed) - set(channels))
    if unknown:
        raise ValueError(f"removed channel(s) {unknown} are not in the journeys; known: {channels}")
    q = np.zeros((len(states), len(states)))
    q[:, 1:] = transitions[channels].to_numpy()
    r = transitions["conv"].to_numpy().copy()
    for name in removed:
        i = states.index(name)
        q[i, :] = 0.0
        r[i] = 0.0
    absorbed = np.linalg.solve(np.eye(len(states)) - q, r)
    return float(absorbed[0])


def removal_effects(journeys: pd.DataFrame) -> pd.Series:
    """Removal effect per channel: 1 - P(conv without it) / P(conv) (Anderl et al. 2016)."""
    return _removal_effects(transition_matrix(journeys))


def _removal_effects(transitions: pd.DataFrame) -> pd.Series:
    base = _base_probability(transitions)
    channels = list(transitions.index[1:])
    effects = [1 - conversion_probability(transitions, [c]) / base for c in channels]
    return pd.Series(effects, index=pd.Index(channels, name="channel"), name="removal_effect")


def removal_impact(journeys: pd.DataFrame, removed: Iterable[str]) -> dict[str, float]:
    """What dropping a *set* of channels does under the Markov chain.

    Returns ``base_probability``, ``probability`` (with ``removed`` gone), ``removal_effect``
    (1 - ratio) and ``conversions``: the observed total scaled by the ratio, i.e. the conversions
    the chain says would remain.
    """
    parsed = _parse(journeys)
    return _removal_impact(_transitions(parsed), float(parsed.frame["conversions"].sum()), removed)


def _base_probability(transitions: pd.DataFrame) -> float:
    base = conversion_probability(transitions)
    if base == 0:
        raise ValueError("journeys must hold at least one conversion for Markov attribution")
    return base


def _removal_impact(transitions: pd.DataFrame, total: float,
                    removed: Iterable[str]) -> dict[str, float]:
    """:func:`removal_impact` from the transition matrix and the observed conversions."""
    base = _base_probability(transitions)
    kept = conversion_probability(transitions, removed)
    return {"base_probability": base, "probability": kept, "removal_effect": 1 - kept / base,
            "conversions": total * kept / base}


def markov_attribution(journeys: pd.DataFrame) -> pd.DataFrame:
    """Exact first-order Markov attribution (Anderl et al. 2016; the ChannelAttribution heuristic).

    attributed conversions of channel c = total conversions x RE_c / sum of removal effects, and
    likewise for value. Computed with linear algebra (no simulation), so it is deterministic.
    Returns ``removal_effect``, ``conversions``, ``value`` (if given) and ``share`` per channel.
    """
    return _markov(_parse(journeys))


def _markov(parsed: _Journeys) -> pd.DataFrame:
    frame = parsed.frame
    effects = _removal_effects(_transitions(parsed))
    share = effects / effects.sum()
    conversions = share * frame["conversions"].sum()
    table = pd.DataFrame({"removal_effect": effects, "conversions": conversions})
    if "value" in frame.columns:
        table["value"] = share * frame["value"].sum()
    table["share"] = share
    return table


# --------------------------------------------------------------------------- Shapley


def coalition_values(journeys: pd.DataFrame, column: str = "conversions") -> tuple:
    """v(S) for every coalition S (bit mask over the sorted channels): the ``column`` total of
    journeys whose set of channels is a subset of S (Zhao et al. 2018, section 3)."""
    return _coalition_values(_parse(journeys), column)


def _coalition_values(parsed: _Journeys, column: str) -> tuple:
    channels = parsed.channels
    if len(channels) > MAX_SHAPLEY_CHANNELS:
        raise ValueError(f"journeys has {len(channels)} channels; exact Shapley allows at most "
                         f"{MAX_SHAPLEY_CHANNELS}")
    exact = np.zeros(1 << len(channels))  # total of journeys whose channel set is exactly S
    nonempty = parsed.lengths > 0
    masks = np.bitwise_or.reduceat(1 << parsed.codes, parsed.starts[nonempty]) if nonempty.any() \
        else np.zeros(0, dtype=np.intp)
    np.add.at(exact, masks, parsed.frame[column].to_numpy()[nonempty])
    values = exact.copy()
    for i in range(len(channels)):  # subset-sum transform: v(S) = sum of exact(T), T within S
        has_i = (np.arange(len(values)) >> i) & 1 == 1
        values[has_i] += values[~has_i]
    return channels, values


def shapley_attribution(journeys: pd.DataFrame) -> pd.DataFrame:
    """Shapley value of each channel in the game v(S) = conversions of journeys using only S.

    phi_i = sum over S not holding i of |S|! (n - |S| - 1)! / n! x (v(S + i) - v(S))
    (Shapley 1953), enumerated exactly over all coalitions. With this v it equals splitting each
    journey's conversions evenly over its *distinct* channels (Zhao et al. 2018, eq. 7), which
    the unit tests check. Order and repeats are ignored. Returns ``conversions``, ``value`` (if
    given) and ``share`` per channel.
    """
    return _shapley(_parse(journeys))


def _shapley(parsed: _Journeys) -> pd.DataFrame:
    columns = ["conversions", "value"] if "value" in parsed.frame.columns else ["conversions"]
    result = {}
    for column in columns:
        channels, v = _coalition_values(parsed, column)
        n = len(channels)
        coalitions = np.arange(1 << n)
        size = np.array([bin(c).count("1") for c in coalitions])
        weight = np.array([factorial(k) * factorial(n - k - 1) / factorial(n) for k in range(n)])
        phi = np.zeros(n)
        for i in range(n):  # every coalition S without i, all at once
            without = coalitions[(coalitions >> i) & 1 == 0]
            phi[i] = (weight[size[without]] * (v[without | (1 << i)] - v[without])).sum()
        result[column] = phi
    table = pd.DataFrame(result, index=pd.Index(channels, name="channel"))
    total = table["conversions"].sum()
    table["share"] = table["conversions"] / total if total > 0 else 0.0
    return table


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
