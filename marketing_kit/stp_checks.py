"""How far to trust an STP analysis: map fidelity, rating noise, silhouette noise, ground truth.

The companion of :mod:`marketing_kit.stp` for the questions a careful analyst asks before telling
a story from segments or a perceptual map:

- A 2-D perceptual map is a projection. Check the variance it keeps and compare its distances with
  the distances in the full attribute space before drawing strategy from it (Hauser & Koppelman
  1979, *J. Marketing Research* 16(4); Chapman & Feit 2019, *R for Marketing Research and
  Analytics*, 2nd ed., ch. 8): :func:`component_variance`, :func:`distance_table`.
- Mean ratings are estimates. :func:`nearest_share` re-draws them with their noise and counts how
  often each brand comes out nearest to an ideal point (a parametric bootstrap, Efron &
  Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 6).
- A silhouette is an estimate too: :func:`silhouette_stability` refits k-means on random
  subsamples and reports its spread; :func:`ks_within` lists the k values a close call leaves
  open. Kaufman & Rousseeuw (1990, *Finding Groups in Data*, p. 88): 0.26-0.50 is a weak
  structure that could be artificial, 0.51-0.70 a reasonable one.
- :func:`segment_recovery` scores found segments against known (synthetic) ones with the adjusted
  Rand index (Hubert & Arabie 1985); :func:`rate_intervals` puts Wilson intervals (Wilson 1927)
  on a 0/1 rate per segment.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import binomtest
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score
from threadpoolctl import threadpool_limits

from marketing_kit._validate import check_dataframe, check_number, check_rate
from marketing_kit.stp import _ratings_matrix, check_features, standardise


def _svd(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Principal axes of centred data ``z``: (singular values, axes as rows), sklearn's signs."""
    u, s, vt = np.linalg.svd(z - z.mean(axis=0), full_matrices=False)
    # sklearn's svd_flip (u-based): the largest |u| of each component is positive
    signs = np.sign(u[np.argmax(np.abs(u), axis=0), range(u.shape[1])])
    signs[signs == 0] = 1
    return s, vt * signs[:, None]


def _standardise_with(data: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, sd = data.mean(axis=0), data.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return (data - mean) / sd, (other - mean) / sd


def _ideal_vector(ideal: pd.Series, attributes: list[str]) -> np.ndarray:
    if not isinstance(ideal, pd.Series):
        raise TypeError(f"ideal must be a pandas Series of attribute ratings, got {type(ideal)}")
    missing = [a for a in attributes if a not in ideal.index]
    if missing:
        raise ValueError(f"ideal is missing the attributes {missing}")
    values = pd.to_numeric(ideal[attributes], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(values).all():
        raise ValueError("ideal must hold a finite number for every attribute")
    return values


def component_variance(ratings_df: pd.DataFrame, brand_col: str = "brand") -> pd.Series:
    """Share of the standardised ratings' variance on every principal component (sums to 1).

    The first two entries are what a 2-D map shows (``stp.perceptual_map(...).explained``); the
    rest is what the map drops.
    """
    data = _ratings_matrix(ratings_df, "ratings_df", brand_col).to_numpy()
    z, _ = _standardise_with(data, data)
    s, _ = _svd(z)
    share = s**2 / (s**2).sum()
    return pd.Series(share, index=[f"PC{i}" for i in range(1, len(s) + 1)], name="explained")


def distance_table(ratings_df: pd.DataFrame, ideal: pd.Series | None = None, *,
                   brand: str | None = None, brand_col: str = "brand") -> pd.DataFrame:
    """Distances to an ideal point (or to ``brand``) on the 2-D map, in 3-D and in full space.

    Attributes are standardised as in :func:`stp.perceptual_map` (population SD), so ``map``
    equals :func:`stp.ideal_distances` / :func:`stp.brand_distances`, ``3-D`` adds the third
    principal component and ``full`` is the Euclidean distance over all attributes (all
    components: a rotation keeps distances). Give exactly one of ``ideal`` (a Series of attribute
    ratings) or ``brand``. Rows are sorted by the ``full`` distance; ``map rank`` and
    ``full rank`` (1 = nearest) show where the orders disagree.
    """
    data = _ratings_matrix(ratings_df, "ratings_df", brand_col)
    if (ideal is None) == (brand is None):
        raise ValueError("give exactly one of ideal (attribute ratings) or brand (a brand name)")
    if brand is not None and brand not in data.index:
        raise ValueError(f"brand must be one of {list(data.index)}, got {brand!r}")
    target = (data.loc[brand].to_numpy(dtype=float) if brand is not None
              else _ideal_vector(ideal, list(data.columns)))
    z, point = _standardise_with(data.to_numpy(dtype=float), target[None, :])
    _, axes = _svd(z)
    centre = z.mean(axis=0)
    brands_pc, point_pc = (z - centre) @ axes.T, (point - centre) @ axes.T
    gap = brands_pc - point_pc
    table = pd.DataFrame({
        "map": np.sqrt((gap[:, :2] ** 2).sum(axis=1)),
        "3-D": np.sqrt((gap[:, :3] ** 2).sum(axis=1)),
        "full": np.sqrt(((z - point) ** 2).sum(axis=1)),
    }, index=data.index)
    if brand is not None:
        table = table.drop(index=brand)
    table["map rank"] = table["map"].rank(method="min").astype(int)
    table["full rank"] = table["full"].rank(method="min").astype(int)
    return table.sort_values("full", kind="stable")


def nearest_share(ratings_df: pd.DataFrame, ideal: pd.Series, *, rating_sd: float,
                  ideal_sd: float = 0.0, n_sim: int = 500, random_state: int = 0,
                  brand_col: str = "brand") -> pd.DataFrame:
    """How often each brand is nearest to ``ideal`` when the mean ratings are re-drawn.

    Parametric bootstrap: add normal noise (SD ``rating_sd`` to every brand rating, ``ideal_sd``
    to every ideal rating), rebuild the standardised space and the 2-D PCA map, and count the
    nearest brand on the map and in the full space. Returns ``map`` and ``full`` shares (each
    column sums to 1), sorted by ``full``. A brand that is nearest in only, say, 40 % of the
    draws does not "own" the position.
    """
    data = _ratings_matrix(ratings_df, "ratings_df", brand_col)
    target = _ideal_vector(ideal, list(data.columns))
    rating_sd = check_number("rating_sd", rating_sd, low=0)
    ideal_sd = check_number("ideal_sd", ideal_sd, low=0)
    n_sim = check_number("n_sim", n_sim, low=1, high=100_000, integer=True)
    random_state = check_number("random_state", random_state, low=0, integer=True)
    rng = np.random.default_rng(random_state)
    base = data.to_numpy(dtype=float)
    wins = np.zeros((2, len(base)))
    for _ in range(n_sim):
        brands = base + rating_sd * rng.standard_normal(base.shape)
        point = target + ideal_sd * rng.standard_normal(target.shape)
        z, p = _standardise_with(brands, point[None, :])
        _, axes = _svd(z)
        centre = z.mean(axis=0)
        on_map = ((z - centre) @ axes[:2].T - (p - centre) @ axes[:2].T) ** 2
        wins[0, np.argmin(on_map.sum(axis=1))] += 1
        wins[1, np.argmin(((z - p) ** 2).sum(axis=1))] += 1
    table = pd.DataFrame({"map": wins[0] / n_sim, "full": wins[1] / n_sim}, index=data.index)
    return table.sort_values(["full", "map"], ascending=False, kind="stable")


def silhouette_stability(df: pd.DataFrame, features: Sequence[str], k_values: Sequence[int],
                         *, n_samples: int = 20, fraction: float = 0.8, n_init: int = 3,
                         random_state: int = 0) -> pd.DataFrame:
    """Spread of the mean silhouette over random subsamples, for each k.

    Each of ``n_samples`` draws keeps ``fraction`` of the rows (without replacement, so no
    duplicated points inflate the silhouette), refits ``KMeans(k, n_init)`` on the standardised
    ``features`` and scores it. Returns, per k: ``mean``, ``sd`` (ddof = 1) and ``share_best``,
    the share of draws in which that k had the highest silhouette (same subsample for every k).
    """
    z = standardise(df, features).to_numpy()
    ks = [check_number("k_values", k, low=2, high=len(z) - 2, integer=True) for k in k_values]
    if len(ks) < 1 or len(set(ks)) != len(ks):
        raise ValueError(f"k_values must list distinct k values, got {list(k_values)}")
    n_samples = check_number("n_samples", n_samples, low=2, high=1000, integer=True)
    fraction = check_rate("fraction", fraction)
    size = int(round(fraction * len(z)))
    if size <= max(ks) + 1:
        raise ValueError(f"fraction {fraction} keeps {size} rows: too few for k = {max(ks)}")
    n_init = check_number("n_init", n_init, low=1, high=100, integer=True)
    rng = np.random.default_rng(check_number("random_state", random_state, low=0, integer=True))
    scores = np.empty((n_samples, len(ks)))
    with threadpool_limits(limits=1):
        for draw in range(n_samples):
            rows = z[rng.choice(len(z), size=size, replace=False)]
            for j, k in enumerate(ks):
                labels = KMeans(n_clusters=k, n_init=n_init, random_state=draw).fit(rows).labels_
                scores[draw, j] = silhouette_score(rows, labels)
    best = np.bincount(scores.argmax(axis=1), minlength=len(ks)) / n_samples
    return pd.DataFrame({"mean": scores.mean(axis=0), "sd": scores.std(axis=0, ddof=1),
                         "share_best": best}, index=pd.Index(ks, name="k"))


def ks_within(diagnostics: pd.DataFrame, tolerance: float = 0.01) -> list[int]:
    """The k values whose mean silhouette is within ``tolerance`` of the best (sorted)."""
    check_dataframe("diagnostics", diagnostics, ("silhouette",))
    tolerance = check_number("tolerance", tolerance, low=0)
    silhouette = pd.to_numeric(diagnostics["silhouette"], errors="coerce")
    if silhouette.isna().any():
        raise ValueError("diagnostics['silhouette'] must be numbers")
    return sorted(int(k) for k in silhouette.index[silhouette >= silhouette.max() - tolerance])


def segment_recovery(found: pd.Series, truth: pd.Series) -> tuple[float, pd.DataFrame]:
    """Adjusted Rand index of ``found`` segments against ``truth``, and their crosstab.

    ARI is 1 for identical partitions (up to renaming) and about 0 for random ones (Hubert &
    Arabie 1985, *J. Classification* 2; scikit-learn ``adjusted_rand_score``). The crosstab has
    the true segments as rows and the found ones as columns.
    """
    for name, labels in (("found", found), ("truth", truth)):
        if not isinstance(labels, pd.Series):
            raise TypeError(f"{name} must be a pandas Series of segment labels")
        if labels.isna().any():
            raise ValueError(f"{name} must not contain missing labels")
    if not found.index.equals(truth.index):
        raise ValueError("found and truth must have the same index (one label per respondent)")
    ari = float(adjusted_rand_score(truth.to_numpy(), found.to_numpy()))
    table = pd.crosstab(truth.rename("true segment"), found.rename("found segment"))
    return ari, table


def rate_intervals(df: pd.DataFrame, labels: pd.Series, column: str,
                   confidence: float = 0.95) -> pd.DataFrame:
    """Per segment: ``n``, ``successes``, ``rate`` of a 0/1 column and its Wilson interval.

    Wilson (1927) score interval via ``scipy.stats.binomtest(...).proportion_ci('wilson')``;
    two segments whose intervals overlap widely should not be ranked on this rate alone.
    """
    values = check_features(df, [column])[column]
    if not values.isin([0, 1]).all():
        raise ValueError(f"column {column!r} must hold only 0 and 1")
    if not isinstance(labels, pd.Series) or not labels.index.equals(df.index):
        raise ValueError("labels must be a Series with the same index as df")
    confidence = check_number("confidence", confidence, low=0.5, high=0.999)
    rows = {}
    for seg, group in values.groupby(labels.to_numpy(), sort=True):
        k, n = int(group.sum()), len(group)
        ci = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
        rows[seg] = {"n": n, "successes": k, "rate": k / n, "low": ci.low, "high": ci.high}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "segment"
    return table
