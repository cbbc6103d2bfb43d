"""Segmentation for STP: z-scored bases, k-means segments, k diagnostics, profiles and names.

Split out of :mod:`marketing_kit.stp`, which re-exports every name here (import them from
there). z-score the bases (:func:`standardise`, scikit-learn ``StandardScaler``), k-means
(:func:`segment`, scikit-learn ``KMeans``; MacQueen 1967, Lloyd 1982), choose k by the
silhouette (Rousseeuw 1987) and the elbow of the within-cluster sum of squares
(:func:`k_diagnostics`), profile (:func:`profile`, :func:`relative_profile`) and name
(:func:`suggest_names`) the segments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances, silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import ThreadpoolController  # installed with scikit-learn

from marketing_kit._validate import check_dataframe, check_number, check_numeric_column

#: k-means restarts; fixed so every run (notebook, tests, widget) gives the same segments.
N_INIT = 10

#: Most rows for which the functions fitting several k (:func:`k_diagnostics`,
#: :func:`segmentations`) compute the n x n distance matrix once and score every k's silhouette
#: from it (32 MB at 2,000 rows; sklearn computes the same matrix in one piece at that size,
#: so the silhouettes are the same numbers); above it, each k computes its own in chunks.
MAX_SHARED_DISTANCES = 2000

#: The seed's segmentation bases: consumer-based and product-based.
SEGMENTATION_BASES: dict[str, tuple[str, ...]] = {
    "consumer": ("demographic", "psychographic", "lifestyle", "geographic"),
    "product": ("attribute", "benefit", "situation"),
}


def check_features(df: pd.DataFrame, features: Sequence[str], name: str = "df") -> pd.DataFrame:
    """Return ``df[features]`` as floats after checking the names exist and values are finite."""
    check_dataframe(name, df)
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(f"features must be a list of column names, got {features!r}")
    features = list(features)
    if not features:
        raise ValueError("features must name at least one column")
    if len(set(features)) != len(features):
        raise ValueError(f"features must not repeat a column, got {features}")
    unknown = [f for f in features if f not in df.columns]
    if unknown:
        raise ValueError(f"features {unknown} are not columns of {name}; "
                         f"available: {list(df.columns)}")
    return pd.DataFrame({f: check_numeric_column(name, df, f) for f in features}, index=df.index)


def standardise(df: pd.DataFrame, features: Sequence[str]) -> pd.DataFrame:
    """z-scores of the chosen bases: (x - mean) / sd with the population sd (ddof = 0).

    Same as scikit-learn's ``StandardScaler``; k-means is distance based, so unscaled bases
    with big units (age in years vs a 1-7 Likert item) would dominate the segments.
    A constant column gets z = 0 (``StandardScaler`` leaves its scale at 1).
    """
    return _zscores(check_features(df, features))


def _zscores(data: pd.DataFrame) -> pd.DataFrame:
    z = StandardScaler().fit_transform(data.to_numpy())
    return pd.DataFrame(z, index=data.index, columns=data.columns)


@dataclass(frozen=True)
class Segmentation:
    """Result of :func:`segment`.

    ``labels``: segment of each row (1 = largest segment), indexed like the input.
    ``profile``: :func:`profile` table. ``relative``: :func:`relative_profile` table.
    ``silhouette``: mean silhouette width; ``inertia``: within-segment sum of squares (z units).
    """

    labels: pd.Series
    profile: pd.DataFrame
    relative: pd.DataFrame
    silhouette: float
    inertia: float


@cache
def _threads() -> ThreadpoolController:
    """The process's BLAS/OpenMP pools, found once (a scan of the loaded libraries cost ~5 ms
    per fit when ``threadpool_limits`` redid it every time)."""
    return ThreadpoolController()


def _kmeans(z: np.ndarray, k: int, random_state: int,
            distances: np.ndarray | None = None) -> tuple[KMeans, float]:
    """Fit k-means and score its silhouette on one thread (from ``distances``, the
    :func:`_distances` of ``z``, if given).

    A survey of ~1,000 rows is too small to gain from OpenMP threads, and on a busy shared
    machine the threads' spin-waiting made a k sweep 10x slower; one thread gives identical
    labels.
    """
    with _threads().limit(limits=1):
        model = KMeans(n_clusters=k, n_init=N_INIT, random_state=random_state).fit(z)
        if distances is None:
            return model, float(silhouette_score(z, model.labels_))
        return model, float(silhouette_score(distances, model.labels_, metric="precomputed"))


def _distances(z: np.ndarray) -> np.ndarray | None:
    """Euclidean distances between the rows of ``z`` (what ``silhouette_score`` computes), or
    None above :data:`MAX_SHARED_DISTANCES` rows."""
    if len(z) > MAX_SHARED_DISTANCES:
        return None
    with _threads().limit(limits=1):
        return pairwise_distances(z)


def _check_ks(k_values: Sequence[int], rows: int) -> list[int]:
    if isinstance(k_values, str) or not hasattr(k_values, "__iter__"):
        raise TypeError(f"k_values must be a list of integers, got {k_values!r}")
    ks = [check_number("k_values", k, low=2, high=rows - 1, integer=True) for k in k_values]
    if not ks:
        raise ValueError("k_values must hold at least one k")
    return ks


def segment(df: pd.DataFrame, features: Sequence[str], k: int,
            random_state: int = 0) -> Segmentation:
    """k-means segments of ``df`` on the standardised ``features``.

    scikit-learn ``KMeans(n_clusters=k, n_init=10, random_state=random_state)`` on the
    :func:`standardise` d bases. k-means numbers its clusters arbitrarily; here they are
    renumbered 1..k from largest to smallest (ties by first appearance), so labels are stable.
    Requires 2 <= k <= number of rows - 1 (silhouette needs at least two rows in some segment).
    """
    data = check_features(df, features)
    z = _zscores(data)
    k = check_number("k", k, low=2, high=len(z) - 1, integer=True)
    random_state = check_number("random_state", random_state, low=0, integer=True)
    return _segment(data, z, k, random_state)


def segmentations(df: pd.DataFrame, features: Sequence[str], k_values: Sequence[int] = range(2, 9),
                  random_state: int = 0) -> dict[int, Segmentation]:
    """:func:`segment` for every k in ``k_values`` (k -> its :class:`Segmentation`, the same
    as ``segment(df, features, k)``), the bases checked and scaled once and the distances of
    the silhouettes computed once (up to :data:`MAX_SHARED_DISTANCES` rows)."""
    data = check_features(df, features)
    z = _zscores(data)
    ks = _check_ks(k_values, len(z))
    random_state = check_number("random_state", random_state, low=0, integer=True)
    distances = _distances(z.to_numpy())
    return {k: _segment(data, z, k, random_state, distances) for k in ks}


def _segment(data: pd.DataFrame, z: pd.DataFrame, k: int, random_state: int,
             distances: np.ndarray | None = None) -> Segmentation:
    """:func:`segment` of the checked bases ``data`` and their z-scores ``z``."""
    model, silhouette = _kmeans(z.to_numpy(), k, random_state, distances)
    raw = model.labels_
    counts = np.bincount(raw, minlength=k)
    first = np.array([np.argmax(raw == c) for c in range(k)])
    order = sorted(range(k), key=lambda c: (-counts[c], first[c]))
    renumber = np.empty(k, dtype=np.int64)  # old label -> new label
    renumber[order] = np.arange(1, k + 1)
    labels = pd.Series(renumber[raw], index=z.index, name="segment")
    # The checked bases and their z-scores serve both profiles: what profile() and
    # relative_profile() compute from df, without checking and scaling df twice more.
    return Segmentation(
        labels=labels,
        profile=_profile_table(data, labels),
        relative=_mean_by(z, labels),
        silhouette=silhouette,
        inertia=float(model.inertia_),
    )


def k_diagnostics(df: pd.DataFrame, features: Sequence[str], k_values: Sequence[int] = range(2, 9),
                  random_state: int = 0) -> pd.DataFrame:
    """Elbow and silhouette diagnostics for each k in ``k_values``.

    Returns a frame indexed by ``k`` with ``inertia`` (within-segment sum of squared
    distances, falls as k grows: look for the elbow) and ``silhouette`` (mean of
    (b - a) / max(a, b), Rousseeuw 1987; higher is better, pick the maximum).
    """
    z = standardise(df, features).to_numpy()
    ks = _check_ks(k_values, len(z))
    distances = _distances(z) if len(ks) > 1 else None
    rows = []
    for k in ks:
        model, silhouette = _kmeans(z, k, random_state, distances)
        rows.append({"k": k, "inertia": float(model.inertia_), "silhouette": silhouette})
    return pd.DataFrame(rows).set_index("k")


def best_k(diagnostics: pd.DataFrame) -> int:
    """The k with the highest mean silhouette in a :func:`k_diagnostics` table."""
    check_dataframe("diagnostics", diagnostics, ("silhouette",))
    return int(diagnostics["silhouette"].idxmax())


def _check_labels(df: pd.DataFrame, labels: object) -> pd.Series:
    if not isinstance(labels, pd.Series):
        labels = pd.Series(np.asarray(labels), index=df.index, name="segment")
    if len(labels) != len(df) or not labels.index.equals(df.index):
        raise ValueError(f"labels must have one entry per row of df ({len(df)}), same index")
    if labels.isna().any():
        raise ValueError("labels must not contain missing values")
    return labels


def profile(df: pd.DataFrame, features: Sequence[str], labels: pd.Series) -> pd.DataFrame:
    """Segment profile: ``size``, ``share`` of the market and the mean of each basis.

    Adds a final ``Market`` row (all rows), so each segment can be read against the market.
    """
    return _profile_table(check_features(df, features), _check_labels(df, labels))


def _groups(labels: pd.Series) -> pd.Index:
    """Group keys for ``groupby``: an Index, not an array (pandas formats a whole array into an
    error message while it checks whether the key is a column: ~3 ms per groupby)."""
    return pd.Index(labels.to_numpy())


def _profile_table(data: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    grouped = data.groupby(_groups(labels), sort=True)
    table = grouped.mean()
    table.insert(0, "share", grouped.size() / len(data))
    table.insert(0, "size", grouped.size())
    table.index.name = "segment"
    market = pd.DataFrame([{"size": len(data), "share": 1.0, **data.mean().to_dict()}],
                          index=pd.Index(["Market"], name="segment"))
    return pd.concat([table, market])


def relative_profile(df: pd.DataFrame, features: Sequence[str], labels: pd.Series) -> pd.DataFrame:
    """Each segment's mean per basis relative to the market, in market standard deviations.

    (segment mean - market mean) / market sd (ddof = 0): the mean z-score of the segment.
    +1 means "one sd above the market"; this is what a profile heatmap shows.
    """
    return _mean_by(standardise(df, features), _check_labels(df, labels))


def _mean_by(z: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    table = z.groupby(_groups(labels), sort=True).mean()
    table.index.name = "segment"
    return table


def suggest_names(relative: pd.DataFrame, top: int = 2, threshold: float = 0.5) -> dict:
    """Draft segment names from a :func:`relative_profile`: its most distinctive bases.

    Each segment gets up to ``top`` bases whose |relative mean| >= ``threshold`` sd, as
    "high x" / "low x", strongest first ("average" if none stands out). The analyst turns
    these drafts into real names ("budget students"); the helper only suggests.
    """
    check_dataframe("relative", relative)
    top = check_number("top", top, low=1, integer=True)
    threshold = check_number("threshold", threshold, low=0)
    names = {}
    for seg, row in relative.iterrows():
        row = row.astype(float)
        strongest = row.abs().sort_values(ascending=False, kind="stable")
        words = [f"{'high' if row[f] > 0 else 'low'} {f}" for f in strongest.index[:top]
                 if abs(row[f]) >= threshold]
        names[seg] = ", ".join(words) if words else "average"
    return names

