"""The incremental on-disk index (``index_dir``): what a later run needs to reject duplicates of
documents it never re-reads.

Layout::

    DIR/meta.json              {"format": 1, "params": {...}, "shards": ["shard-00000", ...], "count": N}
    DIR/shard-00000/signatures.npy   (n, num_perm) uint32
    DIR/shard-00000/bands.npy        (bands, n) uint64, band-major so one band is one contiguous read
    DIR/shard-00000/keys.npy         (n,) uint64 exact-duplicate keys
    DIR/shard-00000/lengths.npy      (n,) int64 cleaned-text lengths
    DIR/shard-00000/ids.jsonl        one JSON string per line

Each run appends one shard holding the documents it kept (written to a temporary directory, then
renamed, then ``meta.json`` replaced atomically), so an interrupted run leaves the index as it was.
Signatures are memory-mapped: a run reads only the rows of its candidate pairs, one band column at a
time, the keys and the lengths. A run with different hashing parameters refuses the index.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib.format import open_memmap

from corpuskit.neardup.lsh import BandLayout, band_hash

FORMAT = 1


class IndexMismatch(ValueError):
    """The index was built with other hashing parameters, so its signatures cannot be compared."""


class NearDupIndex:
    """Read access to the shards of an index directory, and appending a new shard."""

    def __init__(self, path: str | os.PathLike[str], params: Mapping[str, Any]) -> None:
        self.path = Path(path)
        self.params = dict(params)
        self.shards: list[str] = []
        meta_path = self.path / "meta.json"
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT:
                raise IndexMismatch(f"{meta_path}: unknown index format {meta.get('format')!r}")
            if meta["params"] != self.params:
                raise IndexMismatch(
                    f"{self.path} was built with {meta['params']}, this run uses {self.params}; "
                    "use another index directory or the same near-duplicate options"
                )
            self.shards = list(meta["shards"])
        self._sigs = [np.load(self.path / s / "signatures.npy", mmap_mode="r") for s in self.shards]
        self._bands = [np.load(self.path / s / "bands.npy", mmap_mode="r") for s in self.shards]
        self._offsets = np.cumsum([0] + [len(s) for s in self._sigs])
        self.count = int(self._offsets[-1])

    def keys(self) -> np.ndarray:
        return _concat([np.load(self.path / s / "keys.npy") for s in self.shards], np.uint64)

    def lengths(self) -> np.ndarray:
        return _concat([np.load(self.path / s / "lengths.npy") for s in self.shards], np.int64)

    def band_column(self, band: int) -> np.ndarray:
        """Band ``band``'s hashes of every indexed document, in index order."""
        return _concat([np.asarray(b[band]) for b in self._bands], np.uint64)

    def signature_rows(self, rows: np.ndarray) -> np.ndarray:
        """The signatures of the given global row numbers, reading only those rows."""
        num_perm = int(self.params["num_perm"])
        out = np.empty((len(rows), num_perm), dtype=np.uint32)
        shard_of = np.searchsorted(self._offsets, rows, side="right") - 1
        for k, sigs in enumerate(self._sigs):
            mask = shard_of == k
            if mask.any():
                out[mask] = sigs[rows[mask] - self._offsets[k]]
        return out

    def ids(self, rows: Iterable[int]) -> dict[int, str]:
        """Ids of the given global rows (streams the id files; keeps only the wanted ones)."""
        wanted = set(int(r) for r in rows)
        found: dict[int, str] = {}
        for k, shard in enumerate(self.shards):
            base = int(self._offsets[k])
            if not any(base <= r < int(self._offsets[k + 1]) for r in wanted):
                continue
            with open(self.path / shard / "ids.jsonl", encoding="utf-8") as fh:
                for offset, line in enumerate(fh):
                    if base + offset in wanted:
                        found[base + offset] = json.loads(line)
        return found

    def append(
        self,
        signatures: np.ndarray,
        layout: BandLayout,
        keys: np.ndarray,
        lengths: np.ndarray,
        ids: list[str],
    ) -> None:
        """Add one shard for a run's kept documents (atomic: the index is unchanged on failure)."""
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"shard-{len(self.shards):05d}"
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.path))
        try:
            np.save(tmp / "signatures.npy", np.ascontiguousarray(signatures, dtype=np.uint32))
            bands = open_memmap(tmp / "bands.npy", mode="w+", dtype=np.uint64, shape=(layout.bands, len(ids)))
            for band in range(layout.bands):  # written band by band: no (n, bands) matrix in memory
                bands[band] = band_hash(signatures, layout, band)
            bands.flush()
            del bands
            np.save(tmp / "keys.npy", np.asarray(keys, dtype=np.uint64))
            np.save(tmp / "lengths.npy", np.asarray(lengths, dtype=np.int64))
            with open(tmp / "ids.jsonl", "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(i, ensure_ascii=False) + "\n" for i in ids)
            if (self.path / name).exists():
                shutil.rmtree(self.path / name)  # left by a run that died before meta.json
            os.replace(tmp, self.path / name)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        meta = {
            "format": FORMAT,
            "params": self.params,
            "shards": self.shards + [name],
            "count": self.count + len(ids),
        }
        meta_tmp = self.path / ".meta.json.tmp"
        meta_tmp.write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(meta_tmp, self.path / "meta.json")

    def nbytes_per_doc(self) -> float:
        """On-disk bytes of the shards per indexed document (signatures, bands, keys, lengths, ids)."""
        total = sum(f.stat().st_size for s in self.shards for f in (self.path / s).iterdir())
        return total / self.count if self.count else 0.0


def _concat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)
