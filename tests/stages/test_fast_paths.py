"""The fast paths of the per-document stages give exactly what the plain code they replace gives."""

from __future__ import annotations

import os
import random
import re
import sys
from pathlib import Path

from corpuskit.document import Document, Line, Removal
from corpuskit.stages.linefeatures import _LETTER_WORD
from corpuskit.stages.regexinfo import FOLDS_TO_ASCII, gateable, needed_texts, text_needed
from corpuskit.stages.repetition import _ngrams
from corpuskit.stages.textstats import MARK_RANGES

ALL_CHARS = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)


def test_folds_to_ascii_are_all_the_non_ascii_characters_an_ascii_letter_matches():
    letter = re.compile("[a-z]", re.IGNORECASE)
    expected = {c for c in ALL_CHARS if not c.isascii() and letter.fullmatch(c)}
    assert {m.group() for m in FOLDS_TO_ASCII.finditer(ALL_CHARS)} == expected
    assert gateable("Café “quoted”") and not gateable("Kelvin \u212a")


def test_text_needed_lists_only_items_without_other_matches():
    assert needed_texts(r"(?i:[^|·•]{1,40}\s?[|·•]\s?)", text_needed) == {
        ("|", False),
        ("·", True),
        ("•", True),
    }
    assert needed_texts(r"(?i:©\s*[A-Z]\w+$)", text_needed) == {("©", True)}
    assert needed_texts(r"(?i:\s/\s)", text_needed) == {("/", False)}  # \s matches more than ASCII spaces
    assert needed_texts(r"(?i:straße)", text_needed) == {("stra", False)}  # ß has case: not listed


def test_letter_runs_match_the_per_character_alternation():
    plain = re.compile(f"(?:[^\\W\\d_]|[{MARK_RANGES}])+")
    assert _LETTER_WORD.findall(ALL_CHARS) == plain.findall(ALL_CHARS)


def _kept_lines_plain(doc: Document) -> list[Line]:
    base, lines = doc._ensure_base(), []
    for start, end in doc._kept_intervals():
        pos = start
        while pos < end:
            nl = base.find("\n", pos, end)
            stop = end if nl < 0 else nl
            lines.append(Line(pos, stop, base[pos:stop]))
            pos = stop + 1 if nl >= 0 else end
    return lines


def test_kept_lines_match_a_scan_for_newlines():
    rng = random.Random(0)
    for _ in range(3000):
        text = "".join(rng.choice("ab\n\n ") for _ in range(rng.randint(0, 30)))
        doc = Document(text=text, id="x")
        spans = []
        for _ in range(rng.randint(0, 4)):
            a = rng.randint(0, len(text))
            spans.append((a, rng.randint(a, len(text)), "r"))
        if spans:
            doc.remove_spans("s", spans)
        assert doc.kept_lines() == _kept_lines_plain(doc)


def test_removals_pickle_as_they_were():
    import pickle

    removal = Removal("boilerplate", "cookie_notice", 3, 9, "Accept")
    assert pickle.loads(pickle.dumps(removal, protocol=pickle.HIGHEST_PROTOCOL)) == removal


def test_ngrams_match_slicing():
    words = "a b c a b c d".split()
    for n in range(-2, 9):
        assert _ngrams(words, n) == {tuple(words[k : k + n]) for k in range(len(words) - n + 1)}


def test_language_table_matches_langdetect_loader():
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    from corpuskit.stages.language import _load_profiles

    names = sorted(name for name in os.listdir(PROFILES_DIRECTORY) if not name.startswith("."))
    texts = [Path(PROFILES_DIRECTORY, name).read_text(encoding="utf-8") for name in names]
    factory = DetectorFactory()
    factory.load_json_profile(texts)
    langs, table = _load_profiles(texts)
    assert langs == factory.langlist
    assert list(table) == list(factory.word_lang_prob_map)
    assert all(table[w].tolist() == probs for w, probs in factory.word_lang_prob_map.items())
