"""The corpus-level phases as one plain function over arrays, for the local stage and for executors.

``find_duplicates(signatures, keys, lengths, settings, index, exact)`` runs, in order:

1. exact duplicates: equal 64-bit keys of the folded text join their earliest member (``exact_groups``);
2. band buckets: band hashes of each exact-group representative (and of every indexed document),
   grouped per band into candidate pairs (``lsh.band_hashes``, ``lsh.candidate_pairs``);
3. verification: a candidate becomes an edge when its similarity is >= the threshold: the estimated
   Jaccard, or the exact Jaccard of the two shingle sets when the estimate is within
   ``exact_band`` of the threshold (``Similarity``, ``exact.ShingleSets``);
4. clusters: connected components over exact + verified edges, and one kept document per cluster
   (indexed documents first, then longest text, then earliest input). With ``linkage = "keeper"``
   (default) components are split so that every rejected document is within the threshold of its
   kept document (``clusters.split_by_keeper``); ``"closure"`` keeps whole components.

Its result (``Decisions``) is the filter phase's input: per new document, the kept document of its
cluster (or -1 when unique), whether the match is exact, and the similarity to the kept document.
Row numbers below ``index.count`` are indexed documents, the rest are this run's. A distributed
executor replaces step 2 and the estimates by tasks over the same functions and shares steps 3-4
(``decide``); see docs/neardup.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from corpuskit.neardup.clusters import (
    choose_keepers,
    connected_components,
    exact_groups,
    rank_order,
    split_by_keeper,
)
from corpuskit.neardup.index import NearDupIndex
from corpuskit.neardup.lsh import BandLayout, band_hash, bucket_pairs, estimate_jaccard, unique_pairs


@dataclass(frozen=True)
class Settings:
    """What the corpus phases need from the options."""

    threshold: float
    layout: BandLayout
    window: int = 32
    linkage: str = "keeper"  # or "closure": whole connected components
    keeper_margin: float = 0.15  # "keeper": members stay when within threshold - margin of the kept doc
    exact_band: float = 0.0  # estimates this close to a threshold are replaced by exact Jaccard


@dataclass
class Decisions:
    """Per new document: kept row of its cluster (-1: unique), exact match flag, similarity to it."""

    keeper: np.ndarray
    exact: np.ndarray
    similarity: np.ndarray
    counts: dict[str, Any] = field(default_factory=dict)


class _Rows:
    """Signature rows by global row number: indexed rows from disk, new rows from memory."""

    def __init__(self, signatures: np.ndarray, index: NearDupIndex | None) -> None:
        self.signatures, self.index = signatures, index
        self.offset = index.count if index else 0

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        if not self.offset:
            return self.signatures[rows]
        out = np.empty((len(rows), self.signatures.shape[1]), dtype=np.uint32)
        old = rows < self.offset
        if old.any():
            out[old] = self.index.signature_rows(rows[old])  # type: ignore[union-attr]
        out[~old] = self.signatures[rows[~old] - self.offset]
        return out


class Similarity:
    """The similarity behind every decision: the MinHash estimate of two rows, replaced by their exact
    Jaccard (``exact``, e.g. ``ShingleSets.jaccard``) when the estimate lies within
    ``settings.exact_band`` of a decision threshold (the merge threshold, and with ``keeper``
    linkage the kept-document threshold). Rows below ``offset`` (indexed documents, whose shingles
    are not kept) keep their estimate. ``checked`` counts the exact computations."""

    def __init__(
        self,
        estimate: Callable[[np.ndarray, np.ndarray], np.ndarray],
        settings: Settings,
        exact: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
        offset: int = 0,
    ) -> None:
        self.estimate, self.exact, self.offset = estimate, exact if settings.exact_band > 0 else None, offset
        margin = settings.keeper_margin if settings.linkage == "keeper" else 0.0
        self.low = settings.threshold - margin - settings.exact_band
        self.high = settings.threshold + settings.exact_band
        self.checked = 0

    def __call__(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        values = self.estimate(a, b)
        if self.exact is None or not len(values):
            return values
        near = (values >= self.low) & (values < self.high) & (a >= self.offset) & (b >= self.offset)
        rows = np.flatnonzero(near)
        if len(rows):
            values[rows] = self.exact(a[rows] - self.offset, b[rows] - self.offset)
            self.checked += len(rows)
        return values


def find_duplicates(
    signatures: np.ndarray,
    keys: np.ndarray,
    lengths: np.ndarray,
    settings: Settings,
    index: NearDupIndex | None = None,
    exact: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
) -> Decisions:
    """Exact groups, candidates, verified edges and clusters for this run's documents.

    ``exact(a, b)`` (optional) gives the exact Jaccard of this run's rows ``a`` and ``b``; see
    ``Similarity``.
    """
    n_old = index.count if index else 0
    rows = _Rows(signatures, index)
    all_keys = np.concatenate([index.keys(), keys]) if index else keys
    exact_edges, is_rep = exact_groups(all_keys)
    if n_old:
        exact_edges = exact_edges[exact_edges[:, 1] >= n_old]  # indexed docs are already distinct
    new_reps = np.flatnonzero(is_rep[n_old:]) + n_old
    found = []
    for band in range(settings.layout.bands):  # one band column at a time: memory O(N), not O(N * bands)
        hashes, docs = band_hash(signatures, settings.layout, band, new_reps - n_old), new_reps
        if n_old:
            hashes = np.concatenate([index.band_column(band), hashes])  # type: ignore[union-attr]
            docs = np.concatenate([np.arange(n_old, dtype=np.int64), new_reps])
        pairs = bucket_pairs(hashes, docs, settings.window)
        found.append(pairs[pairs[:, 1] >= n_old])  # pairs are (small, large): drop indexed-only pairs
    candidates = unique_pairs(np.concatenate(found)) if found else np.zeros((0, 2), dtype=np.int64)
    similar = Similarity(lambda a, b: estimate_jaccard(rows(a), rows(b)), settings, exact, n_old)
    all_lengths = np.concatenate([index.lengths(), lengths]) if index else np.asarray(lengths)
    return decide(candidates, exact_edges, all_keys, all_lengths, n_old, settings, similar)


def decide(
    candidates: np.ndarray,
    exact_edges: np.ndarray,
    keys: np.ndarray,
    lengths: np.ndarray,
    n_old: int,
    settings: Settings,
    similar: Similarity,
) -> Decisions:
    """Steps 3-4 for the local and the distributed phases: verified edges, clusters, kept documents.

    ``keys`` and ``lengths`` cover every row (indexed ones first); ``similar`` decides the candidates
    and, with ``keeper`` linkage, each member's place in its cluster.
    """
    total = len(keys)
    near_edges = candidates[similar(candidates[:, 0], candidates[:, 1]) >= settings.threshold]
    edges = np.concatenate([exact_edges, near_edges])
    labels = connected_components(total, edges[:, 0], edges[:, 1])
    priority = np.concatenate([np.zeros(n_old, np.int64), np.ones(total - n_old, np.int64)])
    nodes = np.arange(total)
    if settings.linkage == "keeper":
        keepers, score = split_by_keeper(
            labels, rank_order(lengths, priority), similar, settings.threshold - settings.keeper_margin
        )
        has_members = np.zeros(total, dtype=bool)
        has_members[keepers[keepers != nodes]] = True
        clustered = (keepers != nodes) | has_members
    elif settings.linkage == "closure":
        keepers = choose_keepers(labels, lengths, priority)
        clustered = np.bincount(labels, minlength=total)[labels] > 1
        score = np.ones(total, dtype=np.float64)
        linked = np.flatnonzero(keepers != nodes)
        score[linked] = similar(linked, keepers[linked])
    else:
        raise ValueError(f"linkage must be 'keeper' or 'closure', not {settings.linkage!r}")
    new = nodes[n_old:]
    in_cluster = clustered[new]
    keeper = np.where(in_cluster, keepers[new], -1)
    exact = in_cluster & (keys[new] == keys[keepers[new]])
    similarity = np.where(in_cluster, score[new], np.nan)
    similarity[exact] = 1.0
    rejected = in_cluster & (keeper != new)
    counts = {
        "documents": int(total - n_old),
        "indexed_before": int(n_old),
        "bands": settings.layout.bands,
        "rows": settings.layout.rows,
        "candidate_pairs": int(len(candidates)),
        "verified_pairs": int(len(near_edges)),
        "exact_jaccard_checks": similar.checked,
        "exact_duplicates": int((rejected & exact).sum()),
        "near_duplicates": int((rejected & ~exact).sum()),
        "clusters": int(len(np.unique(keeper[in_cluster]))),
    }
    return Decisions(keeper=keeper, exact=exact, similarity=similarity, counts=counts)
