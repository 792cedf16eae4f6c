"""The ``neardup`` corpus stage: the phases of this package behind the ``CorpusStage`` contract.

- ``prepare(doc)`` (worker processes): signature, exact key and shingle hashes of the cleaned text,
  stored on ``doc.metadata["_minhash"]`` (``num_perm`` little-endian uint32 as bytes),
  ``doc.metadata["_textkey"]`` (int) and ``doc.metadata["_shingles"]`` (bytes); ``observe`` pops
  them, so they never reach the output.
- ``observe(doc)`` (main process, input order): appends signature, key, text length and id to compact
  buffers (about 550 bytes per document at 128 permutations; no text is kept) and the shingle
  hashes to a temporary file (``exact.ShingleSets``, 4 bytes per shingle on disk).
- ``finalize()``: ``phases.find_duplicates`` (exact groups, bands, verification, clusters), then the
  kept documents are appended to the on-disk index when ``index_dir`` is set.
- ``apply(doc)``: sets ``doc.metadata["dup_cluster"]`` (the id of the cluster's kept document, on the
  kept document too, or None when unique) and rejects the others as ``exact_duplicate`` or
  ``near_duplicate`` with ``duplicate_of`` (the kept id) and ``similarity`` (the Jaccard to it that
  decided: estimated, or exact when the estimate was within ``exact_band`` of a threshold).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from corpuskit.document import Document
from corpuskit.neardup.exact import ShingleSets
from corpuskit.neardup.index import NearDupIndex
from corpuskit.neardup.lsh import BandLayout, choose_layout
from corpuskit.neardup.minhash import Hasher, datasketch_default
from corpuskit.neardup.phases import Decisions, Settings, find_duplicates
from corpuskit.stages.base import CorpusStage

SIGNATURE_KEY = "_minhash"
TEXT_KEY = "_textkey"
SHINGLES_KEY = "_shingles"


@dataclass(frozen=True)
class NearDupOptions:
    enabled: bool = True
    threshold: float = 0.8  # estimated Jaccard of word shingles at or above which two docs merge
    ngram: int = 5  # words per shingle
    num_perm: int = 128
    seed: int = 1
    hashing: str = (
        "default"  # installed datasketch's scheme (affine32 on >= 2.0); "affine32", "legacy", "fast"
    )
    candidate_threshold: float = 0.0  # banding recall >= 0.99 here; 0 means threshold - 0.1
    bands: int = 0  # explicit band layout; 0 means chosen from candidate_threshold
    rows: int = 0
    bucket_window: int = 32  # each doc is compared with this many neighbours in a band bucket
    linkage: str = "keeper"  # "keeper": components split around kept docs; "closure": whole components
    keeper_margin: float = 0.15  # "keeper": a rejected doc is within threshold - margin of its kept doc
    exact_band: float = 0.1  # estimates this close to a threshold are checked by exact Jaccard; 0: off
    index_dir: str | None = None  # incremental index: read before, appended after the run

    def layout(self) -> BandLayout:
        candidate = self.candidate_threshold or max(0.05, self.threshold - 0.1)
        return choose_layout(self.num_perm, candidate, self.bands, self.rows)

    def settings(self) -> Settings:
        return Settings(
            self.threshold,
            self.layout(),
            self.bucket_window,
            self.linkage,
            self.keeper_margin,
            self.exact_band,
        )

    def index_params(self) -> dict[str, object]:
        """What must match for signatures of two runs to be comparable."""
        layout = self.layout()
        return {
            "hashing": datasketch_default() if self.hashing == "default" else self.hashing,
            "num_perm": self.num_perm,
            "seed": self.seed,
            "ngram": self.ngram,
            "bands": layout.bands,
            "rows": layout.rows,
        }


class NearDup(CorpusStage):
    """Exact and near-duplicate removal over the whole corpus (see the module docstring)."""

    name = "neardup"

    def __init__(self, options: NearDupOptions = NearDupOptions()) -> None:
        super().__init__()
        if not 0.0 < options.threshold <= 1.0:
            raise ValueError(f"neardup.threshold must be in (0, 1], not {options.threshold}")
        if options.ngram < 1:
            raise ValueError("neardup.ngram must be at least 1")
        self.options = options
        self.hasher = Hasher(options.hashing, options.num_perm, options.seed)
        self.layout = options.layout()
        self._sigs = bytearray()
        self._keys = array("Q")
        self._lengths = array("q")
        self._id_blob = bytearray()
        self._id_ends = array("q")
        self._shingles: ShingleSets | None = None  # created by the first observe (main process)
        self._decisions: dict[str, tuple[str, str | None, float]] = {}
        self.counts: dict[str, object] = {}

    def __getstate__(self) -> dict[str, object]:
        """Workers get the stage for ``prepare``: without the main process's open shingle file."""
        return {**self.__dict__, "_shingles": None}

    # -- per document ---------------------------------------------------------------------------
    def prepare(self, doc: Document) -> None:
        if self.options.enabled:
            signature, key, hashes = self.hasher.sign_with_hashes(doc.text, self.options.ngram)
            self._store(doc, signature, key, hashes)

    def prepare_batch(self, docs: list[Document]) -> None:
        """Signs the batch at once (``Hasher.sign_batches``: same signatures, less numpy overhead)."""
        if not self.options.enabled or not docs:
            return
        signed = (
            row
            for signatures, keys, hashes in self.hasher.sign_batches([d.text for d in docs], self.options.ngram)
            for row in zip(signatures, keys.tolist(), hashes, strict=True)
        )
        for doc, (signature, key, hashes) in zip(docs, signed, strict=True):
            self._store(doc, signature, key, hashes)

    def _store(self, doc: Document, signature: np.ndarray, key: int, hashes: bytes) -> None:
        """What ``prepare`` leaves on a document for ``observe``."""
        doc.metadata[SIGNATURE_KEY] = signature.astype("<u4").tobytes()
        doc.metadata[TEXT_KEY] = key
        if self.options.exact_band > 0:
            doc.metadata[SHINGLES_KEY] = hashes

    def observe(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        wanted = (SIGNATURE_KEY, TEXT_KEY, SHINGLES_KEY)[: 3 if self.options.exact_band > 0 else 2]
        if any(key not in doc.metadata for key in wanted):
            self.prepare(doc)  # prepare() was not run for this document
        signature = doc.metadata.pop(SIGNATURE_KEY)
        key = doc.metadata.pop(TEXT_KEY)
        shingles = doc.metadata.pop(SHINGLES_KEY, None)
        if shingles is not None:
            if self._shingles is None:
                self._shingles = ShingleSets(self.hasher.hash_dtype)
            self._shingles.append(shingles)
        if len(signature) != 4 * self.options.num_perm:
            raise ValueError(
                f"document {doc.id}: signature has {len(signature)} bytes, not {4 * self.options.num_perm}"
            )
        self._sigs += signature
        self._keys.append(int(key))
        self._lengths.append(len(doc.text))
        self._id_blob += doc.id.encode("utf-8", "surrogatepass")
        self._id_ends.append(len(self._id_blob))

    # -- corpus ---------------------------------------------------------------------------------
    def finalize(self) -> None:
        self.finalize_with(find_duplicates)

    def finalize_with(self, find: Callable[..., Decisions]) -> None:
        """Decide the clusters with ``find`` (``phases.find_duplicates`` or an executor's distributed one)."""
        if not self.options.enabled:
            return
        n = len(self._keys)
        # views of the observe buffers, not copies: the peak stays near the buffers' ~560 B/doc
        signatures = np.frombuffer(self._sigs, dtype="<u4").reshape(n, self.options.num_perm)
        keys = np.frombuffer(self._keys, dtype=np.uint64) if n else np.zeros(0, np.uint64)
        lengths = np.frombuffer(self._lengths, dtype=np.int64) if n else np.zeros(0, np.int64)
        index = (
            NearDupIndex(self.options.index_dir, self.options.index_params())
            if self.options.index_dir
            else None
        )
        settings = self.options.settings()
        shingles = self._shingles
        decisions = find(signatures, keys, lengths, settings, index, shingles.jaccard if shingles else None)
        self._record(decisions, index)
        self.counts = decisions.counts
        if index is not None:
            kept = np.flatnonzero((decisions.keeper < 0) | (decisions.keeper == np.arange(n) + index.count))
            if len(kept):  # a run that kept nothing new leaves the index untouched
                ids = [self._id(i) for i in kept.tolist()]
                index.append(signatures[kept], self.layout, keys[kept], lengths[kept], ids)
            self.counts["indexed_after"] = index.count + len(kept)
        del signatures, keys, lengths
        self._sigs, self._keys, self._lengths = bytearray(), array("Q"), array("q")
        self._id_blob, self._id_ends = bytearray(), array("q")  # apply() needs only the decisions
        if shingles is not None:
            shingles.close()
            self._shingles = None

    def _id(self, row: int) -> str:
        start = self._id_ends[row - 1] if row else 0
        return self._id_blob[start : self._id_ends[row]].decode("utf-8", "surrogatepass")

    def _record(self, decisions: Decisions, index: NearDupIndex | None) -> None:
        """Turn row-number decisions into per-id ones (only clustered documents take memory)."""
        offset = index.count if index else 0
        clustered = np.flatnonzero(decisions.keeper >= 0)
        old_rows = decisions.keeper[clustered]
        old_ids = index.ids(old_rows[old_rows < offset].tolist()) if index else {}
        for row in clustered.tolist():
            keeper_row = int(decisions.keeper[row])
            keeper_id = old_ids[keeper_row] if keeper_row < offset else self._id(keeper_row - offset)
            if keeper_row == row + offset:
                self._decisions[self._id(row)] = (keeper_id, None, 1.0)
                continue
            reason = "exact_duplicate" if decisions.exact[row] else "near_duplicate"
            self._decisions[self._id(row)] = (keeper_id, reason, round(float(decisions.similarity[row]), 4))

    def apply(self, doc: Document) -> None:
        decision = self._decisions.get(doc.id)
        doc.metadata["dup_cluster"] = decision[0] if decision else None
        if decision and decision[1]:
            doc.reject(self.name, decision[1], duplicate_of=decision[0], similarity=decision[2])

    def summary(self) -> str:
        """One JSON line of the run's counts (candidates, verified pairs, clusters, duplicates)."""
        return json.dumps(self.counts, sort_keys=True)
