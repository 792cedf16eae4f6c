"""Near-duplicate phases 2-4 on Dask: band-hash shuffle, distributed verification, clusters.

``find_duplicates_dask(client, signatures, keys, lengths, settings)`` returns the same
``Decisions`` as ``corpuskit.neardup.phases.find_duplicates`` without an index (a test checks it
row for row), built from the same array functions:

1. exact groups (``exact_groups`` over the 8-byte text keys, on the driver);
2. band buckets: the representatives' signatures are scattered in partitions of
   ``partition_rows``; each partition's band hashes are split by ``hash % reducers`` (the shuffle)
   and every reducer runs ``bucket_pairs`` per band over the rows it received. A bucket's members
   all land on one reducer, so its pairs are exactly the ones a single process would find;
3. verification: candidate pairs are grouped by the two signature partitions they join, and each
   group is one task that reads both partitions where they live (``estimate_jaccard``); the
   ``keeper`` linkage's similarity look-ups go through the same tasks, and estimates near a
   threshold are replaced by exact Jaccard on the driver, which holds the shingle file
   (``phases.Similarity``);
4. clusters: ``phases.decide`` (``connected_components`` and the keep rule) runs on the driver
   over the verified edges. This is the documented equivalent of a distributed connected-components:
   its memory is 8 bytes per document for the labels plus the edges (which grow with the
   duplicates, not the corpus), while the signatures -- 4 * num_perm bytes per document -- stay on
   the workers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from corpuskit.neardup.clusters import exact_groups
from corpuskit.neardup.lsh import band_hashes, bucket_pairs, estimate_jaccard, unique_pairs
from corpuskit.neardup.phases import Decisions, Settings, Similarity, decide


def _shuffle_out(
    part: np.ndarray, start: int, rep: np.ndarray, layout: Any, reducers: int
) -> list[np.ndarray]:
    """Map side: ``(band, hash, row)`` records of one partition's representatives, split by reducer."""
    rows = np.flatnonzero(rep) + start
    hashes = band_hashes(part[rep], layout)  # (n, bands)
    bands = np.broadcast_to(np.arange(hashes.shape[1], dtype=np.uint64), hashes.shape)
    docs = np.broadcast_to(rows.astype(np.uint64)[:, None], hashes.shape)
    records = np.stack([bands.ravel(), hashes.ravel(), docs.ravel()], axis=1)
    target = records[:, 1] % np.uint64(reducers)
    return [records[target == r] for r in range(reducers)]


def _reduce(window: int, *pieces: list[np.ndarray]) -> np.ndarray:
    """Reduce side: candidate pairs of every band bucket that hashed to this reducer."""
    records = np.concatenate(pieces) if pieces else np.zeros((0, 3), dtype=np.uint64)
    found = []
    for band in np.unique(records[:, 0]):
        rows = records[records[:, 0] == band]
        found.append(bucket_pairs(rows[:, 1], rows[:, 2].astype(np.int64), window))
    return unique_pairs(np.concatenate(found)) if found else np.zeros((0, 2), dtype=np.int64)


def _pick(parts: list[np.ndarray], index: int) -> np.ndarray:
    return parts[index]


def _estimate(left: np.ndarray, right: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Estimated Jaccard of rows ``a`` of partition ``left`` and rows ``b`` of ``right``."""
    return estimate_jaccard(left[a], right[b])


class _Signatures:
    """Signature rows scattered to the cluster in fixed-size partitions."""

    def __init__(self, client: Any, signatures: np.ndarray, partition_rows: int) -> None:
        self.client, self.rows = client, max(1, partition_rows)
        self.parts = [
            client.scatter(signatures[start : start + self.rows], hash=False)
            for start in range(0, max(len(signatures), 1), self.rows)
        ]

    def similarity(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Row-wise estimated Jaccard of rows ``a`` and ``b``: one task per pair of partitions."""
        out = np.empty(len(a), dtype=np.float64)
        if not len(a):
            return out
        pa, pb = a // self.rows, b // self.rows
        block = pa * len(self.parts) + pb
        order = np.argsort(block, kind="stable")
        bounds = np.flatnonzero(np.diff(block[order])) + 1
        futures, slots = [], []
        for chunk in np.split(order, bounds):
            i, j = int(pa[chunk[0]]), int(pb[chunk[0]])
            la, lb = a[chunk] - i * self.rows, b[chunk] - j * self.rows
            futures.append(self.client.submit(_estimate, self.parts[i], self.parts[j], la, lb, pure=False))
            slots.append(chunk)
        for chunk, values in zip(slots, self.client.gather(futures), strict=True):
            out[chunk] = values
        return out

    def release(self) -> None:
        for part in self.parts:
            part.release()


def find_duplicates_dask(
    client: Any,
    signatures: np.ndarray,
    keys: np.ndarray,
    lengths: np.ndarray,
    settings: Settings,
    exact: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    partition_rows: int = 20_000,
    reducers: int = 0,
) -> Decisions:
    """``find_duplicates`` (no index) with the band buckets and the estimates on ``client``."""
    exact_edges, is_rep = exact_groups(keys)
    reducers = reducers or max(1, 2 * len(client.scheduler_info().get("workers", {})))
    sigs = _Signatures(client, signatures, partition_rows)
    try:
        mapped = [
            client.submit(_shuffle_out, part, i * sigs.rows, is_rep[i * sigs.rows : (i + 1) * sigs.rows],
                          settings.layout, reducers, pure=False)
            for i, part in enumerate(sigs.parts)
        ]  # fmt: skip
        reduced = []
        for r in range(reducers):
            pieces = [client.submit(_pick, m, r, pure=False) for m in mapped]
            reduced.append(client.submit(_reduce, settings.window, *pieces, pure=False))
        per_reducer = client.gather(reduced)
        candidates = unique_pairs(np.concatenate(per_reducer)) if per_reducer else np.zeros((0, 2), np.int64)
        similar = Similarity(sigs.similarity, settings, exact)
        return decide(candidates, exact_edges, keys, np.asarray(lengths), 0, settings, similar)
    finally:
        sigs.release()
