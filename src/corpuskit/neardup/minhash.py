"""MinHash signatures over shingle spans, vectorised with numpy (phase 1: signatures, per document).

Modes (``NearDupOptions.hashing``):

- ``"affine32"`` -- datasketch 2.x's default scheme: sha1 of each shingle (first 4 bytes,
  little-endian), the MurmurHash3 32-bit finalizer, then ``a * h + b mod 2**32`` per permutation.
  Bit for bit equal to ``datasketch.MinHash(num_perm, seed).update_batch(shingles)``.
- ``"legacy"`` -- datasketch's pre-2.0 scheme, ``((a * h + b) mod (2**61 - 1)) & 0xffffffff``, equal
  to ``MinHash(num_perm, seed, scheme="legacy")``, for users with old sketches.
- ``"fast"`` -- NOT datasketch-compatible: a 64-bit polynomial hash of each shingle's bytes computed
  for all shingles at once with prefix sums (no per-shingle Python call), the MurmurHash3 64-bit
  finalizer, ``a * h + b mod 2**64`` with 64-bit permutations, and the top 32 bits kept.

``"default"`` (the option's default) resolves to the scheme of the installed datasketch's
``MinHash()``: ``affine32`` on datasketch >= 2.0, ``legacy`` before. Every mode stores a signature as
``num_perm`` uint32 values (legacy values fit: they are < 2**32), so the index costs 4 bytes per
permutation.

Dask-facing API: ``Hasher(mode, num_perm, seed)`` is a small picklable object; ``Hasher.sign(text,
ngram)`` returns ``(signature, text_key)`` for one document and ``Hasher.sign_many`` a
``(N, num_perm)`` uint32 matrix plus a uint64 key vector for a partition of texts (the same values;
it signs batches of documents at once, so its permutation products cost about half as much).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.metadata import version
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash

from corpuskit.neardup.shingles import fold, shingle_bounds, shingle_spans, text_key

MODES = ("affine32", "legacy", "fast")
EMPTY = np.uint32(0xFFFFFFFF)  # the value of every slot of an empty document's signature
_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64((1 << 32) - 1)
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_FMIX64 = (
    np.uint64(33),
    np.uint64(0xFF51AFD7ED558CCD),
    np.uint64(33),
    np.uint64(0xC4CEB9FE1A85EC53),
    np.uint64(33),
)
_POLY = np.uint64(0x100000001B3)  # FNV-64 prime: odd, so it has an inverse mod 2**64
_POLY_INV = np.uint64(pow(0x100000001B3, -1, 1 << 64))
_LEN_SALT = np.uint64(0x9E3779B97F4A7C15)
_SHA1 = hashlib.sha1
_DIGEST = type(hashlib.sha1()).digest  # unbound, so map() calls it without a bound method per shingle
# sign_many multiplies ~16k shingles of many documents at a time: numpy's broadcast product runs
# 2-2.5x faster per cell on rows that long than on one document's ~500 shingles (measured), and a
# few permutations per product keep each temporary (permutations x shingles) within L2
_COLUMNS = 1 << 14
_BLOCK_BYTES = 1 << 19


def fmix(values: np.ndarray, width: int) -> np.ndarray:
    """MurmurHash3 finalizer over a uint32/uint64 array (wrapping arithmetic is intended)."""
    s1, m1, s2, m2, s3 = _FMIX32 if width == 32 else _FMIX64
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def sha1_hashes(folded: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """datasketch's ``sha1_hash32`` of every shingle span, as a uint32 array."""
    shingles = [folded[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    digests = b"".join(map(_DIGEST, map(_SHA1, shingles)))  # C-level loops: no bytecode per shingle
    return np.frombuffer(digests, dtype="<u4")[::5]  # first 4 bytes of each 20-byte digest


def poly_hashes(folded: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit polynomial hash of every shingle span at once, via prefix sums mod 2**64."""
    if len(starts) == 0:
        return np.zeros(0, dtype=np.uint64)
    chars = np.frombuffer(folded, dtype=np.uint8).astype(np.uint64)
    powers = np.empty(len(chars) + 1, dtype=np.uint64)
    powers[0] = 1
    powers[1:] = _POLY
    np.cumprod(powers, out=powers)
    inverse = np.empty(len(chars) + 1, dtype=np.uint64)
    inverse[0] = 1
    inverse[1:] = _POLY_INV
    np.cumprod(inverse, out=inverse)
    prefix = np.zeros(len(chars) + 1, dtype=np.uint64)
    np.cumsum(chars * powers[:-1], out=prefix[1:])
    spans = (prefix[ends] - prefix[starts]) * inverse[starts]
    lengths = (ends - starts).astype(np.uint64)
    return fmix(spans ^ (lengths * _LEN_SALT), 64)


@lru_cache(maxsize=1)
def datasketch_default() -> str:
    """The scheme the installed datasketch's ``MinHash()`` uses (it had only "legacy" before 2.0).

    Read from the package version, not by importing it: datasketch pulls in scipy (0.4 s in every
    worker process); it is imported only when a ``LeanMinHash`` is asked for.
    """
    major = version("datasketch").split(".")[0]
    return "affine32" if major.isdigit() and int(major) >= 2 else "legacy"


def permutations(mode: str, num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Permutation parameters ``(a, b)``, drawn exactly as datasketch 2.0 draws them per scheme.

    Generated here rather than read from datasketch so that every mode works with any installed
    version; the tests compare the signatures with the installed datasketch bit for bit.
    """
    gen = np.random.RandomState(seed)
    if mode == "legacy":
        pairs = [
            (gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
            for _ in range(num_perm)
        ]
        table = np.array(pairs, dtype=np.uint64).T
        return table[0], table[1]
    if mode == "affine32":
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        return a, gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a = gen.randint(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = gen.randint(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2)
    return a, b | gen.randint(0, 2, num_perm, dtype=np.uint64)


class Hasher:
    """The permutations of one (mode, num_perm, seed) and the functions that sign with them."""

    def __init__(self, mode: str = "default", num_perm: int = 128, seed: int = 1) -> None:
        mode = datasketch_default() if mode == "default" else mode
        if mode not in MODES:
            raise ValueError(f"hashing must be one of {', '.join(MODES)}, not {mode!r}")
        if num_perm < 2:
            raise ValueError("num_perm must be at least 2")
        self.mode, self.num_perm, self.seed = mode, num_perm, seed
        self.a, self.b = permutations(mode, num_perm, seed)
        # (num_perm, 1) columns: the (num_perm, shingles) product reduces along contiguous rows,
        # about a quarter faster than the (shingles, num_perm) layout datasketch uses
        self._a_col, self._b_col = self.a[:, None].copy(), self.b[:, None].copy()

    def _prepare(self, hashes: np.ndarray) -> np.ndarray:
        """The per-shingle part of every permutation: fmix (affine32), or widening to uint64."""
        if self.mode == "affine32":
            return fmix(hashes.astype(np.uint32, copy=False), 32)
        return hashes.astype(np.uint64, copy=False)

    def _values(
        self, prepared: np.ndarray, rows: slice = slice(None), out: np.ndarray | None = None
    ) -> np.ndarray:
        """``(permutations in rows, shingles)`` values whose row minimum is the signature slot
        (written into ``out`` when given: a reused buffer costs no fresh pages per product)."""
        values = np.multiply(prepared, self._a_col[rows], out=out)
        values += self._b_col[rows]  # in place: one (permutations, shingles) temporary, not two
        if self.mode == "legacy":
            values %= _MERSENNE
            values &= _MAX32
        return values

    def _finish(self, minima: np.ndarray) -> np.ndarray:
        """Row minima of ``_values`` as the stored uint32 slots (monotone, so it commutes with min)."""
        if self.mode == "fast":
            minima = minima >> np.uint64(32)
        return minima.astype(np.uint32, copy=False)

    def signature_from_hashes(self, hashes: np.ndarray) -> np.ndarray:
        """MinHash of already-hashed shingles (uint32 for compatible modes, uint64 for fast)."""
        if len(hashes) == 0:
            return np.full(self.num_perm, EMPTY, dtype=np.uint32)
        return self._finish(self._values(self._prepare(hashes)).min(axis=1))

    def signatures_from_hashes(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Signatures ``(N, num_perm)`` of N documents, document i's hashes at ``offsets[i]:offsets[i+1]``.

        Products over ``_COLUMNS`` shingles across documents at a time, reduced per document with
        ``np.minimum.reduceat``; a document cut by a chunk boundary takes the min of its parts.
        """
        out = np.full((len(offsets) - 1, self.num_perm), EMPTY, dtype=np.uint32)
        itemsize = 4 if self.mode == "affine32" else 8
        rows = max(1, _BLOCK_BYTES // (itemsize * _COLUMNS))
        total = int(offsets[-1])
        buffer = np.empty((rows, min(_COLUMNS, total)), dtype=np.uint32 if itemsize == 4 else np.uint64)
        for c0 in range(0, total, _COLUMNS):
            c1 = min(c0 + _COLUMNS, total)
            lo = int(np.searchsorted(offsets, c0, side="right")) - 1  # the document holding column c0
            hi = int(np.searchsorted(offsets, c1, side="left"))  # documents before it start before c1
            docs = np.arange(lo, hi)
            docs = docs[offsets[docs + 1] > offsets[docs]]  # reduceat cannot take empty segments
            local = np.maximum(offsets[docs], c0) - c0
            prepared = self._prepare(hashes[c0:c1])
            minima = np.empty((self.num_perm, len(docs)), dtype=np.uint32)
            for p0 in range(0, self.num_perm, rows):
                block = slice(p0, p0 + rows)
                work = buffer[: len(self._a_col[block]), : c1 - c0]
                minima[block] = self._finish(
                    np.minimum.reduceat(self._values(prepared, block, work), local, axis=1)
                )
            out[docs] = np.minimum(out[docs], minima.T)
        return out

    def _hashes(self, folded: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        if self.mode == "fast":
            return poly_hashes(folded, starts, ends)
        return sha1_hashes(folded, starts, ends)

    def sign(self, text: str, ngram: int = 5) -> tuple[np.ndarray, int]:
        """Signature (uint32 array) and exact-duplicate key of one cleaned text."""
        signature, key, _ = self.sign_with_hashes(text, ngram)
        return signature, key

    @property
    def hash_dtype(self) -> str:
        """The stored type of one shingle hash (``exact.ShingleSets``): 64-bit in ``fast`` mode."""
        return "<u8" if self.mode == "fast" else "<u4"

    def sign_with_hashes(self, text: str, ngram: int = 5) -> tuple[np.ndarray, int, bytes]:
        """``sign`` plus the shingle hashes the signature was computed from, as ``hash_dtype``
        bytes (what ``exact.ShingleSets`` stores for exact Jaccard)."""
        folded = fold(text)
        hashes = self._hashes(folded, *shingle_bounds(folded, ngram))
        return self.signature_from_hashes(hashes), text_key(folded), hashes.astype(self.hash_dtype).tobytes()

    def sign_many(self, texts: Iterable[str], ngram: int = 5) -> tuple[np.ndarray, np.ndarray]:
        """Signatures ``(N, num_perm)`` uint32 and keys ``(N,)`` uint64 for a partition of texts.

        Equal to ``sign`` per text, but texts are signed in batches of about ``_COLUMNS`` shingles:
        one hashing loop, one fmix and long-row products per batch instead of per text.
        """
        parts = list(self.sign_batches(texts, ngram))
        if not parts:
            return np.zeros((0, self.num_perm), dtype=np.uint32), np.zeros(0, dtype=np.uint64)
        return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def sign_batches(
        self, texts: Iterable[str], ngram: int = 5
    ) -> Iterator[tuple[np.ndarray, np.ndarray, list[bytes]]]:
        """``sign_many`` batch by batch, with each text's shingle hashes as ``sign_with_hashes``
        gives them: ``(signatures, keys, hashes)``."""
        keys, batch, tokens = [], [], 0
        for text in texts:
            folded = fold(text)
            keys.append(text_key(folded))
            batch.append(folded)
            tokens += folded.count(b" ") + 1
            if tokens >= _COLUMNS:
                yield self._sign_batch(batch, keys, ngram)
                keys, batch, tokens = [], [], 0
        if batch:
            yield self._sign_batch(batch, keys, ngram)

    def _sign_batch(
        self, folded: list[bytes], keys: list[int], ngram: int
    ) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
        blob, starts, ends, offsets = shingle_spans(folded, ngram)
        hashes = self._hashes(blob, starts, ends)
        stored, bounds = hashes.astype(self.hash_dtype), offsets.tolist()
        per_text = [stored[a:b].tobytes() for a, b in zip(bounds, bounds[1:], strict=False)]
        return self.signatures_from_hashes(hashes, offsets), np.array(keys, dtype=np.uint64), per_text

    def to_datasketch(self, signature: np.ndarray) -> LeanMinHash:
        """A datasketch ``LeanMinHash`` holding ``signature`` (compatible modes only)."""
        from datasketch import LeanMinHash, MinHash

        if self.mode == "fast":
            raise ValueError("'fast' signatures are not datasketch-compatible")
        if self.mode != datasketch_default() and self.mode != "legacy":
            raise ValueError(f"the installed datasketch has no {self.mode!r} scheme")
        dtype = np.uint64 if self.mode == "legacy" else np.uint32
        extra = {"scheme": self.mode} if hasattr(MinHash(num_perm=2), "scheme") else {}
        minhash = MinHash(
            seed=self.seed, hashvalues=signature.astype(dtype), permutations=(self.a, self.b), **extra
        )
        return LeanMinHash(minhash)
