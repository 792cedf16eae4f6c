"""Shingling folds case, punctuation and whitespace, and matches the benchmark's definition."""

from __future__ import annotations

import re

from corpuskit.neardup.shingles import (
    fold,
    jaccard,
    shingle_bounds,
    shingle_bytes,
    shingle_set,
    shingle_spans,
    text_key,
)


def reference(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """The truth file's definition (make_corpus.py docstring)."""
    tokens = re.findall(r"\w+", text.lower())
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return set(zip(*(tokens[i:] for i in range(n)), strict=False))


def test_fold_is_case_punctuation_and_whitespace_blind() -> None:
    assert fold("Hello,   WORLD!\n\nIt's  2024.") == fold("hello world it s 2024")
    assert text_key(fold("A-b c")) == text_key(fold("a b\tC!"))
    assert text_key(fold("a b c")) != text_key(fold("a b d"))


def test_shingles_match_the_reference_definition() -> None:
    texts = [
        "",
        "Just three words",
        "Exactly five words are here.",
        "Ünïcödé façade — naïve café, 東京 2024; l'été à Zürich. The end of the line, again.",
        "a b c d e f g a b c d e f g",
    ]
    for text in texts:
        ours = {s.decode() for s in shingle_set(text)}
        assert ours == {" ".join(t) for t in reference(text)}


def test_shingle_bytes_keeps_repeats_in_text_order() -> None:
    assert shingle_bytes("a b c a b c", 3) == [b"a b c", b"b c a", b"c a b", b"a b c"]


def test_jaccard_matches_the_definition() -> None:
    a, b = shingle_set("one two three four five six"), shingle_set("one two three four five seven")
    assert jaccard(a, b) == 1 / 3
    assert jaccard(set(), set()) == 1.0


def test_shingle_spans_of_a_batch_are_each_texts_own() -> None:
    texts = [
        "",
        "one",
        "two words",
        "a b c d e",
        "a b c d e f g",
        "",
        "Ünïcödé façade — naïve café, 東京 2024",
    ]
    for batch in (texts, texts[::-1], [""], [], ["x " * 12, ""]):
        folded = [fold(t) for t in batch]
        for n in (1, 2, 5, 7):
            blob, starts, ends, offsets = shingle_spans(folded, n)
            assert len(offsets) == len(folded) + 1
            for i, text in enumerate(folded):
                part = slice(offsets[i], offsets[i + 1])
                spans = zip(starts[part].tolist(), ends[part].tolist(), strict=True)
                alone = zip(*(bound.tolist() for bound in shingle_bounds(text, n)), strict=True)
                assert [blob[s:e] for s, e in spans] == [text[s:e] for s, e in alone]
