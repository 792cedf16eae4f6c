"""Document-level quality filters (Gopher / C4 / FineWeb style), each named and off-switchable.

Every filter measures one number on the cleaned text and rejects the document when it is out of
range; the rejection records the filter's name and the number (``rejected.jsonl``). A filter is
off when its threshold is None or 0, or when its name is listed in ``disabled``. Defaults are
Gopher's published thresholds (Rae et al. 2021, "Scaling Language Models", appendix A.1.1 and
table A1, as reproduced in datatrove's Gopher filters) unless a comment says otherwise; they were
checked not to reject ordinary news articles (see docs/quality.md for the measurements).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from corpuskit.document import Document
from corpuskit.options import ConfigError
from corpuskit.stages.base import DocumentStage
from corpuskit.stages.textstats import BULLETS, ELLIPSES, STOPWORDS, TextStats


def _gopher_top_ngrams() -> dict[str, float]:
    return {"2": 0.20, "3": 0.18, "4": 0.16}  # Gopher table A1


def _gopher_duplicate_ngrams() -> dict[str, float]:
    return {"5": 0.15, "6": 0.14, "7": 0.13, "8": 0.12, "9": 0.11, "10": 0.10}  # Gopher table A1


@dataclass(frozen=True)
class QualityOptions:
    enabled: bool = True
    disabled: tuple[str, ...] = ()  # filter names never applied, e.g. ["no_stopwords", "top_2gram"]
    # Gopher: at least 50 words (counted on \w runs; one word per character in Chinese/Japanese/Thai).
    min_words: int | None = 50
    # corpuskit's own: share of the normalized text that earlier stages removed. A perfect cleaner
    # removes up to 0.966 of a naive full-page scrape on the article benchmark (dev max 0.939), so
    # only pages that are almost entirely furniture go.
    max_removed_fraction: float | None = 0.99
    max_symbol_word_ratio: float | None = 0.1  # Gopher: '#' or ellipses per word
    max_ellipsis_line_fraction: float | None = 0.3  # Gopher: lines ending in '...' or '…'
    max_bullet_line_fraction: float | None = 0.9  # Gopher: lines starting with a bullet
    # corpuskit's own: the two line shares above also need this many such lines; one line in two or
    # three is noise (short paywalled articles end in "...", a 3-line note may be a list).
    min_flagged_lines: int = 3
    min_stopwords: int | None = 2  # Gopher: at least 2 different words of the language's list
    stopwords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # language -> own list
    min_mean_word_length: float | None = 3.0  # Gopher: mean word length in [3, 10]
    max_mean_word_length: float | None = 10.0
    # corpuskit's own: word length is skipped when more than this share of the words are CJK/Thai
    # characters or Hangul blocks, whose length in characters says nothing (Korean news measures 2.9).
    max_unscored_share: float = 0.2
    max_duplicate_line_fraction: float | None = 0.30  # Gopher table A1
    max_duplicate_paragraph_fraction: float | None = 0.30  # Gopher table A1
    max_duplicate_line_char_fraction: float | None = 0.20  # Gopher table A1
    max_duplicate_paragraph_char_fraction: float | None = 0.20  # Gopher table A1
    # corpuskit's own: lines/paragraphs shorter than this are left out of the two duplicate *shares*
    # (not the char fractions). Short repeats are labels and menu items ("Share", "Auto News"): the
    # boilerplate stage's business, and on news pages they pushed the share past 0.3 on 18 of 88
    # dev pages before cleaning. Same floor as the repetition stage's ``min_chars``.
    duplicate_min_chars: int = 20
    max_top_ngram_fraction: dict[str, float] = field(default_factory=_gopher_top_ngrams)  # n -> max
    max_duplicate_ngram_fraction: dict[str, float] = field(default_factory=_gopher_duplicate_ngrams)


Measure = tuple[str, float | None, Callable[[float], bool]]


class Quality(DocumentStage):
    """Reject documents whose cleaned text fails a quality filter; the first failing one is recorded."""

    name = "quality"

    def __init__(self, options: QualityOptions = QualityOptions()) -> None:
        super().__init__()
        self.options = options
        self.top_ngrams = _ngram_thresholds(options.max_top_ngram_fraction, "max_top_ngram_fraction")
        self.dup_ngrams = _ngram_thresholds(
            options.max_duplicate_ngram_fraction, "max_duplicate_ngram_fraction"
        )
        own = {lang: frozenset(w.casefold() for w in words) for lang, words in options.stopwords.items()}
        self.stopwords = {**STOPWORDS, **own}
        self.all_stopwords = frozenset().union(*self.stopwords.values())
        unknown = sorted(set(options.disabled) - set(self.filter_names()))
        if unknown:
            known = ", ".join(self.filter_names())
            raise ConfigError(f"quality.disabled: unknown filter {unknown[0]!r}; known: {known}")

    def filter_names(self) -> list[str]:
        """Every filter this configuration can apply, in the order they are checked."""
        return [
            "too_few_words", "mostly_boilerplate", "mean_word_length", "symbol_word_ratio", "bullet_lines",
            "ellipsis_lines", "no_stopwords", "duplicate_lines", "duplicate_line_chars", "duplicate_paragraphs",
            "duplicate_paragraph_chars", *(f"top_{n}gram" for n in self.top_ngrams),
            *(f"duplicate_{n}gram" for n in self.dup_ngrams),
        ]  # fmt: skip

    def process(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        failure = self.check(doc)
        if failure is not None:
            doc.reject(self.name, failure[0], value=failure[1])

    def check(self, doc: Document) -> tuple[str, float] | None:
        """The first filter the document fails, with its measured value, or None if it passes."""
        stats = TextStats(doc.text)
        for name, value, fails in self.measures(doc, stats):
            if value is not None and fails(value):
                return name, round(value, 4)
        return None

    def measures(self, doc: Document, stats: TextStats) -> Iterator[Measure]:
        """Each enabled filter as (name, measured value, test); values are computed only when reached."""
        o, off = self.options, set(self.options.disabled)
        if o.min_words and "too_few_words" not in off:
            yield "too_few_words", float(len(stats.words)), lambda v: v < o.min_words
        base = doc.base if doc.base is not None else doc.text
        if o.max_removed_fraction and "mostly_boilerplate" not in off and base:
            yield "mostly_boilerplate", 1 - len(doc.text) / len(base), lambda v: v > o.max_removed_fraction
        if (o.min_mean_word_length or o.max_mean_word_length) and "mean_word_length" not in off:
            mean = stats.mean_word_length(o.max_unscored_share)
            low, high = o.min_mean_word_length or 0.0, o.max_mean_word_length or float("inf")
            yield "mean_word_length", mean, lambda v: not low <= v <= high
        if o.max_symbol_word_ratio and "symbol_word_ratio" not in off:
            yield "symbol_word_ratio", stats.symbol_word_ratio(), lambda v: v > o.max_symbol_word_ratio
        if o.max_bullet_line_fraction and "bullet_lines" not in off:
            share, hits = stats.line_share(BULLETS)
            yield (
                "bullet_lines",
                share,
                lambda v, h=hits: v > o.max_bullet_line_fraction and h >= o.min_flagged_lines,
            )
        if o.max_ellipsis_line_fraction and "ellipsis_lines" not in off:
            share, hits = stats.line_share(ELLIPSES, at_end=True)
            yield (
                "ellipsis_lines",
                share,
                lambda v, h=hits: v > o.max_ellipsis_line_fraction and h >= o.min_flagged_lines,
            )
        if o.min_stopwords and "no_stopwords" not in off:
            words = self.stopwords_for(doc.metadata.get("language"), stats)
            count = None if words is None else float(stats.distinct_stopwords(words))
            yield "no_stopwords", count, lambda v: v < o.min_stopwords
        yield from self._repetition_measures(stats, off)

    def _repetition_measures(self, stats: TextStats, off: set[str]) -> Iterator[Measure]:
        o = self.options
        for unit, limit, char_limit in (
            ("line", o.max_duplicate_line_fraction, o.max_duplicate_line_char_fraction),
            ("paragraph", o.max_duplicate_paragraph_fraction, o.max_duplicate_paragraph_char_fraction),
        ):
            wanted = (
                limit and f"duplicate_{unit}s" not in off,
                char_limit and f"duplicate_{unit}_chars" not in off,
            )
            if any(wanted):
                items = stats.lines if unit == "line" else stats.paragraphs
                share, chars = stats.duplicate_fractions(items, o.duplicate_min_chars)
                if wanted[0]:
                    yield f"duplicate_{unit}s", share, lambda v, t=limit: v > t
                if wanted[1]:
                    yield f"duplicate_{unit}_chars", chars, lambda v, t=char_limit: v > t
        for n, limit in self.top_ngrams.items():
            if f"top_{n}gram" not in off:
                yield f"top_{n}gram", stats.top_ngram_fraction(n), lambda v, t=limit: v > t
        active = [(n, t) for n, t in self.dup_ngrams.items() if f"duplicate_{n}gram" not in off]
        for i, (n, limit) in enumerate(active):
            value = stats.duplicate_ngram_fraction(n)
            yield f"duplicate_{n}gram", value, lambda v, t=limit: v > t
            if value <= min(t for _, t in active[i:]):  # larger n can only measure less: all pass
                return

    def stopwords_for(self, language: object, stats: TextStats) -> frozenset[str] | None:
        """The stopword list to check, or None to skip the filter for a language we have no list for.

        Without a detected language, mostly-Latin text is checked against every list together
        (lenient, but still catches keyword lists and code); other scripts are skipped.
        """
        if isinstance(language, str) and language and language != "und":
            return self.stopwords.get(language.lower().replace("_", "-").split("-")[0])
        return self.all_stopwords if stats.latin_share() >= 0.5 else None


def _ngram_thresholds(table: dict[str, float], where: str) -> dict[int, float]:
    """Parse ``{"2": 0.2, ...}`` (TOML keys are strings); zero or negative thresholds are off."""
    out: dict[int, float] = {}
    for key, limit in table.items():
        try:
            n = int(key)
        except ValueError:
            raise ConfigError(f"quality.{where}: n-gram size {key!r} is not a number") from None
        if n < 1:
            raise ConfigError(f"quality.{where}: n-gram size must be at least 1, not {n}")
        if limit and limit > 0:
            out[n] = float(limit)
    return dict(sorted(out.items()))
