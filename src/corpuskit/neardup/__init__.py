"""Near-duplicate detection: word shingles, datasketch-compatible MinHash, banded candidates,
verification, clusters and an incremental index, as phases (see docs/neardup.md)."""

from corpuskit.neardup.index import IndexMismatch, NearDupIndex
from corpuskit.neardup.lsh import BandLayout, choose_layout
from corpuskit.neardup.minhash import Hasher
from corpuskit.neardup.phases import Decisions, Settings, find_duplicates
from corpuskit.neardup.stage import SIGNATURE_KEY, TEXT_KEY, NearDup, NearDupOptions

__all__ = [
    "BandLayout",
    "Decisions",
    "Hasher",
    "IndexMismatch",
    "NearDup",
    "NearDupIndex",
    "NearDupOptions",
    "SIGNATURE_KEY",
    "Settings",
    "TEXT_KEY",
    "choose_layout",
    "find_duplicates",
]
