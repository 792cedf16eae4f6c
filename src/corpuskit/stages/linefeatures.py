"""Per-line statistics in the spirit of jusText, and a cheap stopword-coverage language guess.

Boilerplate runs before language identification, so the stopword list is chosen here from the
document itself: the list that covers the largest share of its words wins (one dict lookup per word).
Lines in scripts without spaces (Chinese, Japanese, Korean runs) are measured in characters instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_LETTER_WORD = re.compile(r"[^\W\d_]+")
_SEPARATORS = re.compile(r"[|·•›»/«‹]|\s[-–—]\s")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_SENTENCE_END = re.compile(r"""[.!?…。！？:;]["'”’»)\]]*$""")
_DIGIT = re.compile(r"\d")
_SYMBOL = re.compile(r"[^\w\s.,;:!?'\"’‘”“()\-–—]")

CJK_CHARS_PER_WORD = 2  # a CJK character carries about half an English word's content


@dataclass(frozen=True, slots=True)
class LineFeatures:
    """What the classifier knows about one line, before looking at its neighbours."""

    words: int  # word count (CJK: characters / 2)
    chars: int
    stopword_density: float  # share of words in the document's stopword list
    title_share: float  # share of letter-words starting with a capital
    separators: int  # '|', '·', '›', '/', ' - ' ... between labels
    digit_ratio: float  # digits / non-space characters
    symbol_ratio: float  # symbols (not letters, digits, punctuation) / non-space characters
    sentence_end: bool  # ends like a sentence
    cjk: bool  # measured in characters (no spaces between words)


def load_stopwords(text: str) -> frozenset[str]:
    """Parse a stopword file: one word a line, ``#`` starts a comment line."""
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def guess_language(
    lines: Sequence[str], stopwords: Mapping[str, frozenset[str]], max_words: int = 600
) -> str | None:
    """The language whose stopword list covers most of the first ``max_words`` words, or None.

    Only the first few hundred words are read: cost stays flat however long the document is.
    Returns None when no list covers at least 10% of the words (e.g. CJK text).
    """
    words: list[str] = []
    for line in lines:
        words.extend(w.lower() for w in _LETTER_WORD.findall(line))
        if len(words) >= max_words:
            break
    if not words:
        return None
    best, best_hits = None, 0
    for lang, stops in stopwords.items():
        hits = sum(1 for w in words if w in stops)
        if hits > best_hits:
            best, best_hits = lang, hits
    return best if best_hits >= 0.1 * len(words) else None


def line_features(line: str, stopwords: frozenset[str]) -> LineFeatures:
    """Measure one line; ``stopwords`` is the document's list (may be empty)."""
    stripped = line.strip()
    nonspace = max(1, len(stripped) - stripped.count(" "))
    cjk = False
    cjk_chars = 0
    if stripped and max(stripped) >= "\u3040":  # only then can the line hold CJK characters
        cjk_chars = len(_CJK.findall(stripped))
        cjk = cjk_chars > 0.3 * nonspace
    tokens = _WORD.findall(stripped)
    letters = upper = hits = 0
    for token in tokens:
        first = token[0]
        if first.isalpha():
            letters += 1
            upper += first.isupper()
        if stopwords and token.lower() in stopwords:
            hits += 1
    if cjk:
        words = max(len(tokens), cjk_chars // CJK_CHARS_PER_WORD)
        density = 0.0
    else:
        words = len(tokens)
        density = hits / words if words else 0.0
    return LineFeatures(
        words=words,
        chars=len(stripped),
        stopword_density=density,
        title_share=upper / letters if letters else 0.0,
        separators=len(_SEPARATORS.findall(stripped)),
        digit_ratio=len(_DIGIT.findall(stripped)) / nonspace,
        symbol_ratio=len(_SYMBOL.findall(stripped)) / nonspace,
        sentence_end=bool(_SENTENCE_END.search(stripped)),
        cjk=cjk,
    )
