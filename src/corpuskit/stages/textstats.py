"""Text statistics for the document-level quality filters: one tokenisation, many measures.

Words are runs of word characters, except in scripts written without spaces (Chinese, Japanese
kana, Thai, Lao, Khmer, Myanmar), where every character counts as one word: a Japanese paragraph
is then not "one 400-letter word", and word counts stay comparable to spaced languages.
All patterns are compiled once, at import; nothing here keeps state between documents.
"""

from __future__ import annotations

import re
from functools import cached_property
from itertools import repeat

import numpy as np

# Scripts without spaces between words: Thai + Lao, Myanmar, Khmer, Hiragana + Katakana, CJK ext. A,
# CJK unified, CJK compatibility, CJK ext. B and beyond. One character = one word.
_UNSPACED_RANGES = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
# Combining marks that \w does not match but that belong inside words: Latin/Cyrillic diacritics,
# Hebrew points, Arabic harakat, the Indic blocks (vowel signs, viramas; not the danda), Tibetan.
MARK_RANGES = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u0f00-\u0fff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
_WORD_CHAR = f"[^\\W{_UNSPACED_RANGES}]"
_TOKEN = re.compile(f"[{_UNSPACED_RANGES}]|{_WORD_CHAR}+(?:[{MARK_RANGES}]+{_WORD_CHAR}*)*")
_UNSPACED = re.compile(f"[{_UNSPACED_RANGES}]")
# Hangul syllables pack 2-3 letters each, so word length in characters says nothing about them.
_HANGUL_WORD = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]+")
_HASH_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd 64-bit constant (golden ratio)
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")

BULLETS = ("-", "*", "•", "●", "○", "◦", "▪", "▫", "■", "□", "‣", "⁃", "∙", "➢", "➤", "►", "▸", "✓", "✔")
ELLIPSES = ("...", "…")

# Small sets of the most frequent function words per language (langdetect codes). Gopher's
# English list (Rae et al. 2021, sec. A.1.1) verbatim; the others are the equivalent closed-class
# words, chosen so that any paragraph of ordinary prose contains several of them.
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the be to of and that have with",
        "de": "der die das und ist nicht mit von zu den ein eine sich auf dem des für im",
        "fr": "le la les de des et est un une du que qui dans pour pas au sur il en",
        "es": "el la los las de del que y en un una por con para es se no",
        "pt": "o a os as de do da dos das que e em um uma para com não no na",
        "it": "il la le di che e è un una per del della in con non sono si",
        "ca": "el la els les de que i a en un una per amb no és",
        "ro": "și de la în cu pe nu că un o a se este",
        "nl": "de het een en van is dat niet op te met voor zijn",
        "af": "die en van is het nie in wat om",
        "sv": "och att det som en är på av för med inte den till",
        "da": "og at det som en er på af for med ikke den til har",
        "no": "og at det som en er på av for med ikke den til har",
        "fi": "ja on ei se että oli hän mutta kun myös ovat",
        "pl": "i w na z się nie to że do jest o jak po",
        "cs": "a v se na je že to s z do o jako ale",
        "sk": "a v sa na je že to s z do o ako ale",
        "hr": "i je u na da se za od su ne",
        "sl": "in je v na da se za so ne pa",
        "hu": "a az és hogy nem is egy van meg ez de",
        "tr": "ve bir bu da de için ile olarak çok daha gibi ama",
        "id": "yang dan di ini itu dengan untuk dari dalam tidak ke akan pada",
        "tl": "ang ng sa na mga at ay",
        "vi": "của và là có các được trong cho không những một",
    }.items()
}


class TextStats:
    """Measures of one text, each computed on first use from a single tokenisation."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: list[str] = _TOKEN.findall(text)

    @cached_property
    def unspaced(self) -> int:
        """How many words are single characters of a script written without spaces."""
        return len(_UNSPACED.findall(self.text))

    @cached_property
    def lines(self) -> list[str]:
        """Non-blank lines, stripped."""
        return [s for s in (line.strip() for line in self.text.split("\n")) if s]

    @cached_property
    def paragraphs(self) -> list[str]:
        """Blocks separated by blank lines, stripped."""
        return [s for s in (p.strip() for p in _PARAGRAPH_BREAK.split(self.text)) if s]

    def mean_word_length(self, max_other_share: float = 0.2) -> float | None:
        """Mean word length in characters; None when more than ``max_other_share`` of the words are
        in scripts where that says nothing (unspaced CJK/Thai characters, Hangul syllable blocks)."""
        spaced = len(self.words) - self.unspaced
        other = self.unspaced + len(_HANGUL_WORD.findall(self.text))
        if not spaced or other > max_other_share * len(self.words):
            return None
        return (sum(map(len, self.words)) - self.unspaced) / spaced

    def symbol_word_ratio(self) -> float:
        """Gopher's ratio: the larger of '#' per word and ellipses per word."""
        if not self.words:
            return 0.0
        hashes = self.text.count("#")
        ellipses = sum(self.text.count(e) for e in ELLIPSES)
        return max(hashes, ellipses) / len(self.words)

    def line_share(self, affixes: tuple[str, ...], at_end: bool = False) -> tuple[float, int]:
        """(share, count) of non-blank lines that start (or, ``at_end``, end) with one of ``affixes``."""
        if not self.lines:
            return 0.0, 0
        hits = sum(map(str.endswith if at_end else str.startswith, self.lines, repeat(affixes)))
        return hits / len(self.lines), hits

    def distinct_stopwords(self, stopwords: frozenset[str]) -> int:
        """How many different words of ``stopwords`` occur (case-insensitive)."""
        return len(stopwords.intersection(map(str.casefold, set(self.words))))

    def latin_share(self) -> float:
        """Share of words written in ASCII letters and digits: a cheap 'Latin script' signal."""
        return sum(map(str.isascii, self.words)) / len(self.words) if self.words else 0.0

    def duplicate_fractions(self, items: list[str], min_chars: int = 0) -> tuple[float, float]:
        """Gopher's duplicate fractions of lines or paragraphs: (share of items, share of characters).

        An item counts once it repeats an earlier one; characters are relative to the whole text.
        Items shorter than ``min_chars`` are left out of the share of items (not of characters).
        """
        seen: set[str] = set()
        counted = count = chars = 0
        for item in items:
            long_enough = len(item) >= min_chars
            counted += long_enough
            if item in seen:
                count += long_enough
                chars += len(item)
            else:
                seen.add(item)
        return (count / counted if counted else 0.0, chars / len(self.text) if self.text else 0.0)

    @cached_property
    def ngram_scale(self) -> int:
        """Mostly-unspaced text has one-character words; its n-grams are 2n characters long, about
        n words (a Chinese or Japanese word averages 1.5-2 characters)."""
        return 2 if 2 * self.unspaced > len(self.words) else 1

    @cached_property
    def _word_ids(self) -> np.ndarray:
        vocabulary = {word: i for i, word in enumerate(dict.fromkeys(self.words))}
        return np.fromiter(map(vocabulary.__getitem__, self.words), dtype=np.uint64, count=len(self.words))

    @cached_property
    def _char_offsets(self) -> np.ndarray:
        """Characters in the words before each word: word i..j-1 has offsets[j] - offsets[i]."""
        offsets = np.zeros(len(self.words) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, self.words), dtype=np.int64, count=len(self.words)), out=offsets[1:])
        return offsets

    def _ngram_keys(self, n: int) -> np.ndarray:
        """One 64-bit polynomial hash per word n-gram: vectorised counting instead of a tuple per n-gram
        (two different n-grams share a key with probability about 2**-64)."""
        ids, count = self._word_ids, len(self.words) - n + 1
        keys = ids[:count].copy()
        for k in range(1, n):
            keys = keys * _HASH_BASE + ids[k : k + count]  # wraps modulo 2**64, as intended
        return keys

    def top_ngram_fraction(self, n: int) -> float:
        """Share of the text's characters taken by its most frequent word n-gram (if it repeats)."""
        n *= self.ngram_scale
        if not self.text or len(self.words) < n:
            return 0.0
        _, first, counts = np.unique(self._ngram_keys(n), return_index=True, return_counts=True)
        top = counts.max()
        if top < 2:
            return 0.0
        tied = first[counts == top]  # of equally frequent n-grams, the one with most characters
        chars = int((self._char_offsets[tied + n] - self._char_offsets[tied]).max())
        return min(1.0, chars * int(top) / len(self.text))

    def duplicate_ngram_fraction(self, n: int) -> float:
        """Share of the text's characters in words covered by a repeat of an earlier word n-gram.

        Coverage by repeated (n+1)-grams is a subset of coverage by repeated n-grams, so this
        falls as ``n`` grows; the stage uses that to stop early.
        """
        n *= self.ngram_scale
        if not self.text or len(self.words) < n:
            return 0.0
        keys = self._ngram_keys(n)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        repeats = np.flatnonzero(first[inverse] != np.arange(len(keys)))
        if not len(repeats):
            return 0.0
        edges = np.zeros(len(self.words) + 1, dtype=np.int64)  # +1 where a repeat starts, -1 after it
        np.add.at(edges, repeats, 1)
        np.add.at(edges, repeats + n, -1)
        covered = np.cumsum(edges[:-1]) > 0
        lengths = np.diff(self._char_offsets)
        return float(lengths[covered].sum()) / len(self.text)
