"""Text statistics for the document-level quality filters: one tokenisation, many measures.

Words are runs of word characters, except in scripts written without spaces (Chinese, Japanese
kana, Thai, Lao, Khmer, Myanmar), where every character counts as one word: a Japanese paragraph
is then not "one 400-letter word", and word counts stay comparable to spaced languages.
All patterns are compiled once, at import; nothing here keeps state between documents.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property
from typing import Iterable

# Thai + Lao, Myanmar, Khmer, Hiragana + Katakana, CJK ext. A, CJK unified, CJK compatibility,
# CJK ext. B and beyond.
_UNSPACED_RANGES = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
_TOKEN = re.compile(f"[{_UNSPACED_RANGES}]|[^\\W{_UNSPACED_RANGES}]+")
_UNSPACED = re.compile(f"[{_UNSPACED_RANGES}]")
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
ALL_STOPWORDS: frozenset[str] = frozenset().union(*STOPWORDS.values())


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

    def mean_word_length(self, max_unspaced_share: float = 0.2) -> float | None:
        """Mean length of the spaced-script words; None when too much of the text has no spaces."""
        spaced = len(self.words) - self.unspaced
        if not spaced or self.unspaced > max_unspaced_share * len(self.words):
            return None
        return (sum(map(len, self.words)) - self.unspaced) / spaced

    def symbol_word_ratio(self) -> float:
        """Gopher's ratio: the larger of '#' per word and ellipses per word."""
        if not self.words:
            return 0.0
        hashes = self.text.count("#")
        ellipses = sum(self.text.count(e) for e in ELLIPSES)
        return max(hashes, ellipses) / len(self.words)

    def line_fraction(self, prefixes: tuple[str, ...] = (), suffixes: tuple[str, ...] = ()) -> float:
        """Share of non-blank lines that start with one of ``prefixes`` or end with one of ``suffixes``."""
        if not self.lines:
            return 0.0
        hits = sum(
            1 for line in self.lines if (prefixes and line.startswith(prefixes)) or (suffixes and line.endswith(suffixes))
        )
        return hits / len(self.lines)

    def distinct_stopwords(self, stopwords: frozenset[str]) -> int:
        """How many different words of ``stopwords`` occur (case-insensitive)."""
        return len(stopwords.intersection(w.casefold() for w in set(self.words)))

    def latin_share(self) -> float:
        """Share of words written in ASCII letters and digits: a cheap 'Latin script' signal."""
        return sum(1 for w in self.words if w.isascii()) / len(self.words) if self.words else 0.0

    def duplicate_fractions(self, items: list[str]) -> tuple[float, float]:
        """Gopher's duplicate fractions of lines or paragraphs: (share of items, share of characters).

        An item counts once it repeats an earlier one; characters are relative to the whole text.
        """
        seen: set[str] = set()
        count = chars = 0
        for item in items:
            if item in seen:
                count += 1
                chars += len(item)
            else:
                seen.add(item)
        return (count / len(items) if items else 0.0, chars / len(self.text) if self.text else 0.0)

    def top_ngram_fraction(self, n: int) -> float:
        """Share of the text's characters taken by its most frequent word n-gram (if it repeats)."""
        grams = Counter(_ngrams(self.words, n))
        if not grams or not self.text:
            return 0.0
        gram, count = max(grams.items(), key=_count)
        return 0.0 if count < 2 else min(1.0, sum(map(len, gram)) * count / len(self.text))

    def duplicate_ngram_fraction(self, n: int) -> float:
        """Share of the text's characters in words covered by a repeat of an earlier word n-gram.

        Coverage by repeated (n+1)-grams is a subset of coverage by repeated n-grams, so this
        falls as ``n`` grows; the stage uses that to stop early.
        """
        if not self.text or len(self.words) < n:
            return 0.0
        seen: set[tuple[str, ...]] = set()
        covered = bytearray(len(self.words))
        run = b"\x01" * n
        for i, gram in enumerate(_ngrams(self.words, n)):
            if gram in seen:
                covered[i : i + n] = run
            else:
                seen.add(gram)
        chars = sum(len(w) for w, hit in zip(self.words, covered) if hit)
        return chars / len(self.text)


def _ngrams(words: list[str], n: int) -> Iterable[tuple[str, ...]]:
    return zip(*(words[k:] for k in range(n)))


def _count(item: tuple[tuple[str, ...], int]) -> int:
    return item[1]
