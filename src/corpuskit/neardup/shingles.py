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


def _token_bounds(separators: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the tokens between single-byte separators."""
    starts = np.empty(len(separators) + 1, dtype=np.int64)
    starts[0] = 0
    starts[1:] = separators + 1
    ends = np.empty(len(separators) + 1, dtype=np.int64)
    ends[:-1] = separators
    ends[-1] = length
    return starts, ends


def shingle_bounds(folded: bytes, ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end byte offsets (int64 arrays) of every word ``ngram``-gram in ``folded``."""
    if not folded:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    starts, ends = _token_bounds(np.flatnonzero(np.frombuffer(folded, dtype=np.uint8) == _SPACE), len(folded))
    if len(starts) < ngram:  # short text: one shingle of all its tokens
        return starts[:1], ends[-1:]
    return starts[: len(starts) - ngram + 1], ends[ngram - 1 :]


def shingle_spans(folded: list[bytes], ngram: int) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """``shingle_bounds`` of many folded texts at once, so a batch costs a few numpy calls, not a few per text.

    Returns ``(blob, starts, ends, offsets)``: the texts joined by ``\\n`` (never inside a folded text),
    the shingle spans in ``blob``, and text ``i``'s shingles at ``offsets[i]:offsets[i + 1]``, the same
    spans ``shingle_bounds`` gives for that text alone (so short and empty texts behave alike).
    """
    blob = b"\n".join(folded)
    # folded bytes are space or > 32 (\w is alphanumerics, _ and multi-byte UTF-8), so one compare
    # finds both separators
    tok_starts, tok_ends = _token_bounds(
        np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) <= _SPACE), len(blob)
    )
    if not all(folded):  # an empty text leaves an empty "token" between two separators
        nonempty = tok_ends > tok_starts
        tok_starts, tok_ends = tok_starts[nonempty], tok_ends[nonempty]
    text_starts = np.zeros(len(folded) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, folded), dtype=np.int64, count=len(folded)) + 1, out=text_starts[1:])
    first_token = np.searchsorted(tok_starts, text_starts)
    tokens = np.diff(first_token)
    counts = np.where(tokens >= ngram, tokens - ngram + 1, np.minimum(tokens, 1))
    offsets = np.zeros(len(folded) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    # shingle k of the batch starts at token k + (tokens of earlier texts that start no shingle)
    first = np.arange(offsets[-1]) + np.repeat(first_token[:-1] - offsets[:-1], counts)
    last = first + np.repeat(np.minimum(tokens, ngram) - 1, counts)
    return blob, tok_starts[first], tok_ends[last], offsets


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
