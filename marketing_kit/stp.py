"""Segmentation, targeting and positioning (STP) with real clustering, a scorecard and a map.

Framing from seed ``003_acc37c7ae0022513.txt``: STP is the marketing *strategy* and the 4P
mix carries it out. Segmentation splits the market, targeting picks the segments to serve,
positioning wins a place in the customer's mind ("인식의 싸움", a battle of perception).

- Segmentation (in :mod:`marketing_kit.stp_segments`, re-exported here): z-score the bases
  (:func:`standardise`, scikit-learn ``StandardScaler``),
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
from sklearn.decomposition import PCA
from sklearn.preprocessing import StandardScaler

from marketing_kit._validate import check_dataframe, check_number, check_numeric_column

# Segmentation lives in its own module; its names are part of this one's API.
from marketing_kit.stp_segments import (
    N_INIT,
    SEGMENTATION_BASES,
    Segmentation,
    _check_labels,
    _groups,
    best_k,
    check_features,
    k_diagnostics,
    profile,
    relative_profile,
    segment,
    segmentations,
    standardise,
    suggest_names,
)

__all__ = [
    "CRITERIA", "IMMUTABLE_LAWS", "LAW_MEANINGS", "N_INIT", "REVERSED", "SEGMENTATION_BASES",
    "PerceptualMap", "Segmentation", "attractiveness", "best_k", "brand_distances",
    "check_features", "check_weights", "ideal_distances", "k_diagnostics",
    "nearest_competitor", "perceptual_map", "positioning_statement", "profile", "project",
    "relative_profile", "scale_criteria", "segment", "segmentations", "standardise",
    "suggest_names", "targeting_inputs",
]

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
    grouped = data.groupby(_groups(labels), sort=True)
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
    values = np.column_stack([check_numeric_column("segments_df", segments_df, c).to_numpy()
                              for c in CRITERIA])
    return pd.DataFrame(_scaled(values), index=segments_df.index, columns=list(CRITERIA))


def _scaled(values: np.ndarray) -> np.ndarray:
    """:func:`scale_criteria` of a segments x :data:`CRITERIA` array."""
    low = values.min(axis=0)
    spread = values.max(axis=0) - low
    scaled = (values - low) / np.where(spread > 0, spread, 1.0)
    scaled[:, spread == 0] = 0.5
    for index, criterion in enumerate(CRITERIA):
        if criterion in REVERSED:
            scaled[:, index] = 1 - scaled[:, index]
    return scaled


def attractiveness(segments_df: pd.DataFrame,
                   weights: Mapping[str, float] | Sequence[float]) -> pd.DataFrame:
    """Ranked weighted scorecard of segment attractiveness.

    score = 100 x sum_c w_c x' _c with w normalised to sum 1 (:func:`check_weights`) and x' the
    :func:`scale_criteria` values; 100 would top every criterion. Returns the scaled criteria,
    ``score`` and ``rank`` (1 = most attractive), sorted by score.
    """
    w = check_weights(weights).to_numpy()
    table = scale_criteria(segments_df)
    # numpy, not pandas, row sums and sort: the same numbers and order, a quarter of the time
    table["score"] = 100 * (table.to_numpy() * w).sum(axis=1)
    order = np.argsort(-table["score"].to_numpy(), kind="stable")
    table = table.iloc[order]
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
