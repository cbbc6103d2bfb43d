"""Data-driven multi-touch attribution: an exact first-order Markov chain and Shapley values.

Both models take a journeys frame (see :mod:`marketing_kit.attribution_journeys`) and return a
table per channel like the rule-based models of :mod:`marketing_kit.attribution`, which
re-exports the public names here (use them as ``marketing_kit.attribution.<name>``).

Sources:

* Markov: Anderl, Becker, von Wangenheim & Schumann (2016), "Mapping the customer journey:
  Lessons learned from graph-based online attribution modeling", *International Journal of
  Research in Marketing* 33(3), 457-474; absorption probabilities of an absorbing chain
  (Kemeny & Snell 1960, *Finite Markov Chains*, ch. 3: B = (I - Q)^-1 R);
* Shapley: Shapley (1953); Zhao, Mahboobi & Bagheri (2018), "Shapley value methods for
  attribution modeling in online advertising", arXiv:1804.05327.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import factorial

import numpy as np
import pandas as pd

from marketing_kit import _validate as val
from marketing_kit.attribution_journeys import _Journeys, _parse

MAX_SHAPLEY_CHANNELS = 15


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
