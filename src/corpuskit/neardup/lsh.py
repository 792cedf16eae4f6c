"""Banding and verification (phase 2: band buckets -> candidate pairs -> verified edges).

LSH with ``b`` bands of ``r`` rows makes a pair a candidate with probability ``1 - (1 - s**r)**b``
at Jaccard ``s``: an S-curve. Tuned *at* the threshold ``t`` it finds only about half the pairs just
above ``t``, so the layout here is tuned for recall at a lower *candidate threshold* ``c`` (default
``t - 0.1``): the most selective layout (largest ``r``) that still makes a pair at ``c`` a candidate
with probability >= 0.99. Candidates are then verified by their estimated Jaccard (the share of
equal signature slots) against ``t``, which is what decides a merge.

Everything is plain numpy over arrays of document indices, so each step maps onto a distributed
engine: ``band_hash`` (one band) or ``band_hashes`` (all bands) per partition of signatures;
``bucket_pairs`` per band after a shuffle by band hash (records ``(band, hash, doc)``);
``unique_pairs`` after concatenation; ``estimate_jaccard`` per chunk of pairs joined with both
signatures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_MUL = np.uint64(0x9E3779B97F4A7C15)
_FMIX = (np.uint64(33), np.uint64(0xFF51AFD7ED558CCD), np.uint64(33), np.uint64(0xC4CEB9FE1A85EC53))
RECALL_AT_CANDIDATE = 0.99


@dataclass(frozen=True)
class BandLayout:
    """``bands`` bands of ``rows`` signature slots each (slots past ``bands * rows`` are unused)."""

    bands: int
    rows: int

    def probability(self, similarity: float) -> float:
        """Chance that a pair of this Jaccard shares at least one band bucket."""
        return 1.0 - (1.0 - similarity**self.rows) ** self.bands


def choose_layout(num_perm: int, candidate_threshold: float, bands: int = 0, rows: int = 0) -> BandLayout:
    """Explicit ``bands``/``rows`` if given, else the largest ``rows`` keeping recall at ``c`` >= 0.99."""
    if bands or rows:
        rows = rows or max(1, num_perm // bands)
        bands = bands or num_perm // rows
        if bands < 1 or bands * rows > num_perm:
            raise ValueError(f"bands * rows = {bands} * {rows} exceeds num_perm = {num_perm}")
        return BandLayout(bands, rows)
    best = BandLayout(num_perm, 1)
    for r in range(1, num_perm + 1):
        layout = BandLayout(num_perm // r, r)
        if layout.bands < 1 or layout.probability(candidate_threshold) < RECALL_AT_CANDIDATE:
            break
        best = layout
    return best


def band_hash(
    signatures: np.ndarray, layout: BandLayout, band: int, rows: np.ndarray | None = None
) -> np.ndarray:
    """uint64 hash of one band of each signature (of the given ``rows`` only, when given).

    One band at a time, reading only that band's slots, keeps the memory at 8 bytes per document.
    """
    slots = slice(band * layout.rows, (band + 1) * layout.rows)
    cells = signatures[:, slots] if rows is None else signatures[rows, slots]
    acc = np.full(cells.shape[0], (band + 1) * int(_MUL) % (1 << 64), dtype=np.uint64)
    for row in range(layout.rows):
        acc ^= cells[:, row]
        acc *= _MUL
        acc ^= acc >> np.uint64(29)
    s1, m1, s2, m2 = _FMIX
    acc ^= acc >> s1
    acc *= m1
    acc ^= acc >> s2
    acc *= m2
    acc ^= acc >> s1
    return acc


def band_hashes(signatures: np.ndarray, layout: BandLayout) -> np.ndarray:
    """``(N, bands)`` uint64 band hashes (a row of the bucket shuffle per document)."""
    out = np.empty((signatures.shape[0], layout.bands), dtype=np.uint64)
    for band in range(layout.bands):
        out[:, band] = band_hash(signatures, layout, band)
    return out


def bucket_pairs(hashes: np.ndarray, docs: np.ndarray, window: int = 32) -> np.ndarray:
    """Candidate pairs ``(M, 2)`` (smaller doc index first) among docs sharing a hash in one band.

    Within a bucket sorted by doc index, each doc is paired with the next ``window - 1`` members:
    every pair in buckets up to ``window`` docs, and a connected chain in larger ones (huge buckets
    are templates or empty texts; comparing all their pairs would be quadratic).
    """
    order = np.lexsort((docs, hashes))
    h, d = hashes[order], docs[order]
    found = []
    for step in range(1, max(2, window)):
        if step >= len(h):
            break
        same = np.flatnonzero(h[:-step] == h[step:])
        if len(same) == 0:
            break
        found.append(np.stack([d[same], d[same + step]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    return np.concatenate(found).astype(np.int64)


def unique_pairs(pairs: np.ndarray) -> np.ndarray:
    """Sorted distinct pairs with the smaller index first."""
    if len(pairs) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    lo = np.minimum(pairs[:, 0], pairs[:, 1])
    hi = np.maximum(pairs[:, 0], pairs[:, 1])
    keep = lo != hi
    packed = np.unique(np.stack([lo[keep], hi[keep]], axis=1), axis=0)
    return packed.astype(np.int64)


def candidate_pairs(bands: np.ndarray, docs: np.ndarray, window: int = 32) -> np.ndarray:
    """All distinct candidate pairs over every band of a ``(N, bands)`` band-hash matrix."""
    per_band = [bucket_pairs(bands[:, k], docs, window) for k in range(bands.shape[1])]
    return unique_pairs(np.concatenate(per_band)) if per_band else np.zeros((0, 2), dtype=np.int64)


def estimate_jaccard(left: np.ndarray, right: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """Row-wise share of equal slots of two ``(M, num_perm)`` signature matrices (float64)."""
    out = np.empty(left.shape[0], dtype=np.float64)
    for start in range(0, left.shape[0], chunk):
        stop = start + chunk
        out[start:stop] = (np.asarray(left[start:stop]) == np.asarray(right[start:stop])).mean(axis=1)
    return out
