"""Repetition inside one document: later copies of a line (captions printed three times, a lede
repeated under the photo) are removed; the first copy stays. A long line made of text that the
document's other lines already carry (a structured-data dump of the article body, a teaser that
glues its paragraphs together) goes too."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from corpuskit.document import Document
from corpuskit.stages.base import DocumentStage

_FOLD = re.compile(r"\W+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class RepetitionOptions:
    enabled: bool = True
    min_chars: int = 20  # shorter lines ("Yes.", "Photo") may repeat legitimately
    copy_min_words: int = 60  # a line this long ...
    copy_share: float = 0.8  # ... whose word 5-grams the other lines hold this share of is a copy


def line_key(text: str) -> str:
    """Case, punctuation and spacing folded, so a copy with other quotes still counts."""
    return _FOLD.sub(" ", text.casefold()).strip()


def repeated_lines(lines: list[str], min_chars: int = 20) -> dict[int, str]:
    """Indices of lines that repeat an earlier line of the same document."""
    seen: set[str] = set()
    drops: dict[int, str] = {}
    for index, text in enumerate(lines):
        key = line_key(text)
        if len(key) < min_chars:
            continue
        if key in seen:
            drops[index] = "repeated_line"
        seen.add(key)
    return drops


def copied_lines(
    lines: list[str], skip: set[int], min_words: int = 60, share: float = 0.8, n: int = 5
) -> dict[int, str]:
    """Long lines whose word ``n``-grams mostly occur in the document's other lines.

    Longest first, and a removed line no longer counts as a source, so of two copies of one text
    the shorter (or, at equal length, the later) stays.
    """
    words = {index: _WORD.findall(text.casefold()) for index, text in enumerate(lines) if index not in skip}
    least = min_words - n + 1  # distinct n-grams a line needs to be a candidate
    if all(max(0, len(w) - n + 1) < least for w in words.values()):
        return {}  # no line is long enough: skip building the n-grams
    grams = {index: _ngrams(w, n) for index, w in words.items()}
    candidates = [i for i, g in grams.items() if len(g) >= least]
    if not candidates:
        return {}
    lines_with = Counter(chain.from_iterable(grams.values()))
    drops: dict[int, str] = {}
    for index in sorted(candidates, key=lambda i: (-len(grams[i]), -i)):
        own = grams[index]
        elsewhere = sum(1 for gram in own if lines_with[gram] > 1)
        if elsewhere >= share * len(own):
            drops[index] = "repeated_text"
            lines_with.subtract(own)
    return drops


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    """The distinct word n-grams of a line, zipped from shifted lists (no slice per position)."""
    if n < 1:  # degenerate sizes: as slicing gives them
        return {tuple(words[k : k + n]) for k in range(len(words) - n + 1)}
    return set(zip(*(words[k:] for k in range(n)), strict=False))  # shifted lists: the shortest ends it


class Repetition(DocumentStage):
    name = "repetition"

    def __init__(self, options: RepetitionOptions = RepetitionOptions()) -> None:
        super().__init__()
        self.options = options

    def process(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        lines = doc.kept_lines()
        o = self.options
        texts = [line.text for line in lines]
        drops = repeated_lines(texts, o.min_chars)
        drops.update(copied_lines(texts, set(drops), o.copy_min_words, o.copy_share))
        if drops:
            doc.remove_lines(self.name, drops, lines)
