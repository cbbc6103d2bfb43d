"""Segmentation, targeting and positioning (STP) with real clustering, a scorecard and a map.

Framing from seed ``003_acc37c7ae0022513.txt``: STP is the marketing *strategy* and the 4P
mix carries it out. Segmentation splits the market, targeting picks the segments to serve,
positioning wins a place in the customer's mind ("인식의 싸움", a battle of perception).

- Segmentation: z-score the bases (:func:`standardise`, scikit-learn ``StandardScaler``),
  k-means (:func:`segment`, scikit-learn ``KMeans``; MacQueen 1967, Lloyd 1982), choose k by
  the silhouette (Rousseeuw 1987) and the elbow of the within-cluster sum of squares
  (:func:`k_diagnostics`), profile (:func:`profile`, :func:`relative_profile`) and name
  (:func:`suggest_names`) the segments.
- Targeting: a weighted segment-attractiveness scorecard (:func:`attractiveness`; Kotler &
  Keller, *Marketing Management*, ch. "Identifying market segments and targets": segment size
  and growth, structural attractiveness, company objectives and resources).
- Positioning: a PCA perceptual map of brand x attribute ratings with an attribute biplot
  (:func:`perceptual_map`; Hauser & Koppelman 1979 for PCA maps; brands in principal
  coordinates with attributes as correlations, a common display that is not one of Gabriel's
  1971 exact biplot factorisations),
  ideal-point distances (:func:`ideal_distances`) and the nearest competitor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits  # installed with scikit-learn

from marketing_kit._validate import check_dataframe, check_number, check_numeric_column

#: k-means restarts; fixed so every run (notebook, tests, widget) gives the same segments.
N_INIT = 10

#: The seed's segmentation bases: consumer-based and product-based.
SEGMENTATION_BASES: dict[str, tuple[str, ...]] = {
    "consumer": ("demographic", "psychographic", "lifestyle", "geographic"),
    "product": ("attribute", "benefit", "situation"),
}

#: Targeting criteria of :func:`attractiveness`, in weight order; ``competitive_intensity``
#: is reverse-scored (more rivals make a segment less attractive).
CRITERIA: tuple[str, ...] = ("size", "growth", "margin", "competitive_intensity", "fit")
REVERSED: frozenset[str] = frozenset({"competitive_intensity"})

#: Ries & Trout (1993), *The 22 Immutable Laws of Marketing*, with Korean names. The seed's list
#: (``003``) skips law 9; the Korean editions (마케팅 불변의 법칙) call it 정반대의 법칙. Names in
#: parentheses are the older edition's wording.
IMMUTABLE_LAWS: tuple[tuple[str, str], ...] = (
    ("Leadership", "선도자의 법칙"), ("Category", "영역의 법칙"), ("Mind", "기억의 법칙"),
    ("Perception", "인식의 법칙"), ("Focus", "집중의 법칙"), ("Exclusivity", "독점의 법칙"),
    ("Ladder", "사다리의 법칙"), ("Duality", "이원성의 법칙"), ("Opposite", "정반대의 법칙"),
    ("Division", "분할의 법칙"), ("Perspective", "조망의 법칙 (원근의 법칙)"),
    ("Line Extension", "라인 확장의 법칙 (계열 확장의 법칙)"), ("Sacrifice", "희생의 법칙"),
    ("Attributes", "속성의 법칙"), ("Candor", "정직의 법칙 (솔직성의 법칙)"),
    ("Singularity", "단일의 법칙 (단독의 법칙)"),
    ("Unpredictability", "예측 불능의 법칙"), ("Success", "성공의 법칙"),
    ("Failure", "실패의 법칙"), ("Hype", "과장의 법칙"), ("Acceleration", "가속의 법칙"),
    ("Resources", "재원의 법칙"),
)

#: One line per law (our paraphrase of each chapter's opening claim in Ries & Trout 1993).
LAW_MEANINGS: dict[str, str] = {
    "Leadership": "being first in a category beats being better",
    "Category": "if you cannot be first in a category, create a new one you can be first in",
    "Mind": "being first in the customer's mind beats being first in the market",
    "Perception": "marketing is a battle of perceptions, not of products",
    "Focus": "own one word in the customer's mind",
    "Exclusivity": "two brands cannot own the same word",
    "Ladder": "your strategy depends on which rung of the category ladder you hold",
    "Duality": "in the long run most categories become a race between two brands",
    "Opposite": "a challenger should position itself as the opposite of the leader",
    "Division": "over time a category splits into several categories",
    "Perspective": "the effects of marketing show only over a long period",
    "Line Extension": "stretching a brand over many products weakens what it stands for",
    "Sacrifice": "to stand for something you must give something up",
    "Attributes": "for every attribute there is an opposite, effective one to own",
    "Candor": "admitting a weakness makes customers believe your strength",
    "Singularity": "in each situation only one bold move produces big results",
    "Unpredictability": "you cannot predict the future, so plan to adapt",
    "Success": "success breeds arrogance, and arrogance failure",
    "Failure": "expect failure, admit it early and cut the losses",
    "Hype": "when a product is over-hyped, it is often in trouble",
    "Acceleration": "build on long trends, not on fads",
    "Resources": "without money an idea will not get into the customer's mind",
}


# --------------------------------------------------------------------------- segmentation
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
    data = check_features(df, features)
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


def _kmeans(z: np.ndarray, k: int, random_state: int) -> tuple[KMeans, float]:
    """Fit k-means and score its silhouette on one thread.

    A survey of ~1,000 rows is too small to gain from OpenMP threads, and on a busy shared
    machine the threads' spin-waiting made a k sweep 10x slower; one thread gives identical
    labels.
    """
    with threadpool_limits(limits=1):
        model = KMeans(n_clusters=k, n_init=N_INIT, random_state=random_state).fit(z)
        return model, float(silhouette_score(z, model.labels_))


def segment(df: pd.DataFrame, features: Sequence[str], k: int,
            random_state: int = 0) -> Segmentation:
    """k-means segments of ``df`` on the standardised ``features``.

    scikit-learn ``KMeans(n_clusters=k, n_init=10, random_state=random_state)`` on the
    :func:`standardise` d bases. k-means numbers its clusters arbitrarily; here they are
    renumbered 1..k from largest to smallest (ties by first appearance), so labels are stable.
    Requires 2 <= k <= number of rows - 1 (silhouette needs at least two rows in some segment).
    """
    z = standardise(df, features)
    k = check_number("k", k, low=2, high=len(z) - 1, integer=True)
    random_state = check_number("random_state", random_state, low=0, integer=True)
    model, silhouette = _kmeans(z.to_numpy(), k, random_state)
    raw = model.labels_
    counts = np.bincount(raw, minlength=k)
    first = np.array([np.argmax(raw == c) for c in range(k)])
    order = sorted(range(k), key=lambda c: (-counts[c], first[c]))
    renumber = {old: new for new, old in enumerate(order, start=1)}
    labels = pd.Series([renumber[c] for c in raw], index=z.index, name="segment")
    return Segmentation(
        labels=labels,
        profile=profile(df, features, labels),
        relative=relative_profile(df, features, labels),
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
    ks = [check_number("k_values", k, low=2, high=len(z) - 1, integer=True) for k in k_values]
    if not ks:
        raise ValueError("k_values must hold at least one k")
    rows = []
    for k in ks:
        model, silhouette = _kmeans(z, k, random_state)
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
    data = check_features(df, features)
    labels = _check_labels(df, labels)
    grouped = data.groupby(labels.to_numpy(), sort=True)
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
    z = standardise(df, features)
    labels = _check_labels(df, labels)
    table = z.groupby(labels.to_numpy(), sort=True).mean()
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


# ----------------------------------------------------------------------------- targeting
def targeting_inputs(df: pd.DataFrame, labels: pd.Series, *, growth: str, margin: str,
                     competition: str, fit: str) -> pd.DataFrame:
    """Per-segment scorecard inputs from survey columns: segment means of each column.

    ``size`` is the segment's share of respondents; ``growth``, ``margin``, ``competition``
    and ``fit`` name the columns averaged into ``growth``, ``margin``,
    ``competitive_intensity`` and ``fit``.
    """
    columns = {"growth": growth, "margin": margin, "competitive_intensity": competition,
               "fit": fit}
    data = check_features(df, list(columns.values()))
    labels = _check_labels(df, labels)
    grouped = data.groupby(labels.to_numpy(), sort=True)
    table = grouped.mean().rename(columns={v: k for k, v in columns.items()})
    table.insert(0, "size", grouped.size() / len(data))
    table.index.name = "segment"
    return table[list(CRITERIA)]


def check_weights(weights: Mapping[str, float] | Sequence[float]) -> pd.Series:
    """Targeting weights as a Series over :data:`CRITERIA`, normalised to sum to 1.

    Accepts a mapping with exactly the :data:`CRITERIA` keys or a sequence of 5 numbers in
    that order. Weights must be finite, non-negative and not all zero.
    """
    if isinstance(weights, Mapping):
        keys = set(weights)
        if keys != set(CRITERIA):
            raise ValueError(f"weights must have exactly the keys {list(CRITERIA)}; "
                             f"missing {sorted(set(CRITERIA) - keys)}, "
                             f"unknown {sorted(map(str, keys - set(CRITERIA)))}")
        values = [weights[c] for c in CRITERIA]
    elif isinstance(weights, Sequence | np.ndarray | pd.Series) and not isinstance(weights, str):
        values = list(weights)
        if len(values) != len(CRITERIA):
            raise ValueError(f"weights must have {len(CRITERIA)} entries, one per criterion "
                             f"{list(CRITERIA)}; got {len(values)}")
    else:
        raise TypeError(f"weights must be a dict or a list of {len(CRITERIA)} numbers, "
                        f"got {type(weights).__name__}")
    numbers = [check_number(f"weights[{c!r}]", v, low=0) for c, v in zip(CRITERIA, values,
                                                                         strict=True)]
    total = sum(numbers)
    if total <= 0:
        raise ValueError("weights must not all be zero")
    return pd.Series(numbers, index=list(CRITERIA), name="weight") / total


def scale_criteria(segments_df: pd.DataFrame) -> pd.DataFrame:
    """Min-max scale each criterion to 0..1 across segments; reverse competitive intensity.

    x' = (x - min) / (max - min), and 1 - x' for :data:`REVERSED` criteria, so 1 is always the
    most attractive segment on that criterion. A criterion equal in every segment scores 0.5
    for all (it cannot tell them apart).
    """
    check_dataframe("segments_df", segments_df, CRITERIA)
    data = pd.DataFrame({c: check_numeric_column("segments_df", segments_df, c)
                         for c in CRITERIA}, index=segments_df.index)
    spread = data.max() - data.min()
    scaled = (data - data.min()) / spread.where(spread > 0, 1.0)
    scaled.loc[:, spread[spread == 0].index] = 0.5
    for criterion in REVERSED:
        scaled[criterion] = 1 - scaled[criterion]
    return scaled


def attractiveness(segments_df: pd.DataFrame,
                   weights: Mapping[str, float] | Sequence[float]) -> pd.DataFrame:
    """Ranked weighted scorecard of segment attractiveness.

    score = 100 x sum_c w_c x' _c with w normalised to sum 1 (:func:`check_weights`) and x' the
    :func:`scale_criteria` values; 100 would top every criterion. Returns the scaled criteria,
    ``score`` and ``rank`` (1 = most attractive), sorted by score.
    """
    w = check_weights(weights)
    scaled = scale_criteria(segments_df)
    table = scaled.copy()
    table["score"] = 100 * (scaled[list(CRITERIA)] * w).sum(axis=1)
    table = table.sort_values("score", ascending=False, kind="stable")
    table["rank"] = np.arange(1, len(table) + 1)
    return table


# ---------------------------------------------------------------------------- positioning
@dataclass(frozen=True)
class PerceptualMap:
    """Result of :func:`perceptual_map`.

    ``coordinates``: brands x (PC1, PC2) scores. ``loadings``: attributes x (PC1, PC2),
    eigenvector x sqrt(eigenvalue of the correlation matrix), which equals the correlation of
    each attribute with the component scores (a "correlation biplot" display; brand scores in
    principal coordinates, so inner products do not reproduce the data as in Gabriel 1971).
    ``explained``: variance ratio per component.
    ``scaler``/``pca``: the fitted scikit-learn objects, used by :func:`project`.
    """

    coordinates: pd.DataFrame
    loadings: pd.DataFrame
    explained: pd.Series
    scaler: StandardScaler
    pca: PCA


def _ratings_matrix(ratings_df: pd.DataFrame, name: str, brand_col: str) -> pd.DataFrame:
    check_dataframe(name, ratings_df)
    frame = ratings_df.set_index(brand_col) if brand_col in ratings_df.columns else ratings_df
    if frame.index.duplicated().any():
        raise ValueError(f"{name} must list each brand once; repeated: "
                         f"{sorted(map(str, frame.index[frame.index.duplicated()]))}")
    return check_features(frame, list(frame.columns), name)


def perceptual_map(ratings_df: pd.DataFrame, brand_col: str = "brand") -> PerceptualMap:
    """Two-dimensional PCA perceptual map of a brand x attribute rating table.

    Rows are brands (taken from ``brand_col`` if that column exists, else the index), the other
    columns numeric attribute ratings. Attributes are standardised, then scikit-learn
    ``PCA(n_components=2)`` gives brand coordinates and attribute loadings for a biplot.
    Needs at least 3 brands and 2 attributes. Component signs are scikit-learn's
    deterministic choice; a map is the same map mirrored.
    """
    data = _ratings_matrix(ratings_df, "ratings_df", brand_col)
    if len(data) < 3 or data.shape[1] < 2:
        raise ValueError(f"ratings_df needs at least 3 brands and 2 attributes, got "
                         f"{len(data)} x {data.shape[1]}")
    scaler = StandardScaler().fit(data.to_numpy())
    pca = PCA(n_components=2).fit(scaler.transform(data.to_numpy()))
    axes = ["PC1", "PC2"]
    coordinates = pd.DataFrame(pca.transform(scaler.transform(data.to_numpy())),
                               index=data.index, columns=axes)
    # eigenvalues of the correlation matrix: sklearn's explained_variance_ uses ddof = 1 on
    # data standardised with ddof = 0, so rescale by (n - 1) / n.
    eigen = pca.explained_variance_ * (len(data) - 1) / len(data)
    loadings = pd.DataFrame(pca.components_.T * np.sqrt(eigen), index=data.columns,
                            columns=axes)
    explained = pd.Series(pca.explained_variance_ratio_, index=axes, name="explained")
    return PerceptualMap(coordinates, loadings, explained, scaler, pca)


def project(pmap: PerceptualMap, ratings: pd.DataFrame | pd.Series) -> pd.DataFrame:
    """Place new rating profiles (an ideal brand, a concept) on an existing map.

    ``ratings`` is one profile (a Series over the map's attributes) or a frame of profiles
    (rows; a ``brand``/``segment`` column, if present, becomes the index).
    """
    if not isinstance(pmap, PerceptualMap):
        raise TypeError(f"pmap must be a PerceptualMap from perceptual_map(), got {type(pmap)}")
    if isinstance(ratings, pd.Series):
        ratings = ratings.to_frame().T
    check_dataframe("ratings", ratings)
    for key in ("brand", "segment"):
        if key in ratings.columns:
            ratings = ratings.set_index(key)
    attributes = list(pmap.loadings.index)
    data = check_features(ratings, attributes, "ratings")
    coords = pmap.pca.transform(pmap.scaler.transform(data.to_numpy()))
    return pd.DataFrame(coords, index=data.index, columns=list(pmap.coordinates.columns))


def ideal_distances(pmap: PerceptualMap, ideal: pd.Series) -> pd.Series:
    """Euclidean distance on the map from each brand to an ideal point, nearest first.

    ``ideal`` is the ideal brand's attribute ratings (projected with :func:`project`).
    The distance is measured in the map's two dimensions: what the picture shows.
    """
    if not isinstance(ideal, pd.Series):
        raise TypeError(f"ideal must be a pandas Series of attribute ratings, got {type(ideal)}")
    point = project(pmap, ideal).iloc[0].to_numpy()
    gaps = np.sqrt(((pmap.coordinates.to_numpy() - point) ** 2).sum(axis=1))
    return pd.Series(gaps, index=pmap.coordinates.index, name="distance").sort_values()


def brand_distances(pmap: PerceptualMap, brand: str) -> pd.Series:
    """Map distance from ``brand`` to every other brand, nearest first."""
    if not isinstance(pmap, PerceptualMap):
        raise TypeError(f"pmap must be a PerceptualMap from perceptual_map(), got {type(pmap)}")
    coords = pmap.coordinates
    if brand not in coords.index:
        raise ValueError(f"brand must be one of {list(coords.index)}, got {brand!r}")
    gaps = np.sqrt(((coords - coords.loc[brand]) ** 2).sum(axis=1)).drop(index=brand)
    return gaps.rename("distance").sort_values()


def nearest_competitor(pmap: PerceptualMap, brand: str) -> tuple[str, float]:
    """The brand closest to ``brand`` on the map and their distance."""
    gaps = brand_distances(pmap, brand)
    return str(gaps.index[0]), float(gaps.iloc[0])


def positioning_statement(brand: str, target: str, frame: str, benefit: str,
                          reason: str, unlike: str | None = None,
                          difference: str | None = None) -> str:
    """For <target>, <brand> is the <frame> that <benefit>, because <reason>.

    With ``unlike`` and ``difference`` it adds Moore's closing point of difference: "Unlike
    <unlike>, <brand> <difference>." (Moore, *Crossing the Chasm*; Kotler & Keller's points of
    parity and difference.) Give both or neither.
    """
    parts = {"brand": brand, "target": target, "frame": frame, "benefit": benefit,
             "reason": reason}
    if (unlike is None) != (difference is None):
        raise ValueError("give both unlike (the main alternative) and difference, or neither")
    if unlike is not None:
        parts.update(unlike=unlike, difference=difference)
    for key, value in parts.items():
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{key} must be a non-empty string, got {value!r}")
    text = (f"For {target.strip()}, {brand.strip()} is the {frame.strip()} that "
            f"{benefit.strip()}, because {reason.strip()}.")
    if unlike is not None:
        text += f" Unlike {unlike.strip()}, {brand.strip()} {difference.strip()}."
    return text
