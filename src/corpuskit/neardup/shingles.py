"""Word shingles of cleaned text, as byte spans of one folded string (no per-shingle objects).

Normalization (documented in docs/neardup.md): ``text.lower()``, then the runs of ``\\w+`` (Unicode
letters, digits, underscore) are the tokens; everything else -- punctuation, whitespace, line breaks
-- only separates tokens. This is the same folding as the benchmark's ground truth, so the Jaccard
of two shingle sets here equals its ``jaccard_5gram_*`` on the same texts.

The tokens are joined with single spaces into one UTF-8 ``bytes`` value (the *folded* text), and a
shingle is the byte span from the start of token ``i`` to the end of token ``i + n - 1``. Those
spans are exactly the bytes ``" ".join(tokens[i:i + n]).encode()``, which is what datasketch users
feed to ``MinHash.update``, so signatures stay compatible while the only per-shingle Python work is
the hash call itself. A text with fewer than ``n`` tokens has one shingle (all its tokens); a text
with no tokens has none.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_WORD = re.compile(r"\w+")
_SPACE = 32


def fold(text: str) -> bytes:
    """The folded text: lower-cased ``\\w+`` tokens joined by single spaces, UTF-8 encoded."""
    return " ".join(_WORD.findall(text.lower())).encode("utf-8")


def shingle_bounds(folded: bytes, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end byte offsets (int64 arrays) of every word ``ngram``-gram in ``folded``."""
    if not folded:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    spaces = np.flatnonzero(np.frombuffer(folded, dtype=np.uint8) == _SPACE)
    starts = np.empty(len(spaces) + 1, dtype=np.int64)
    starts[0] = 0
    starts[1:] = spaces + 1
    ends = np.empty(len(spaces) + 1, dtype=np.int64)
    ends[:-1] = spaces
    ends[-1] = len(folded)
    if len(starts) < ngram:  # short text: one shingle of all its tokens
        return starts[:1], ends[-1:]
    return starts[: len(starts) - ngram + 1], ends[ngram - 1 :]


def shingle_bytes(text: str, ngram: int = 5) -> list[bytes]:
    """The shingles of ``text`` as bytes, in text order (with repeats): what datasketch would hash."""
    folded = fold(text)
    starts, ends = shingle_bounds(folded, ngram)
    return [folded[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def shingle_set(text: str, ngram: int = 5) -> set[bytes]:
    """The set of shingles, for exact Jaccard checks (tests and benchmarks, not the hot path)."""
    return set(shingle_bytes(text, ngram))


def text_key(folded: bytes) -> int:
    """64-bit key of the folded text: equal keys mean exact duplicates after folding."""
    return int.from_bytes(hashlib.blake2b(folded, digest_size=8).digest(), "little")


def jaccard(a: set[bytes], b: set[bytes]) -> float:
    """Exact set Jaccard; 1.0 when both are empty (the benchmark's convention)."""
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)
