"""RuleMatcher's prefix index must pick exactly the rule the plain joined alternations picked.

``ReferenceMatcher`` is the matcher as it was before the index (one alternation per kind, searched
at every position), kept here unchanged as the specification; every line is checked with no word
count, with ``\\w+`` words and with the words ``line_features`` counts (what ``Classifier`` passes).
"""

from __future__ import annotations

import bisect
import random
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import pytest

from corpuskit.stages.boilerplate import DEFAULT_PACKS
from corpuskit.stages.linefeatures import line_features
from corpuskit.stages.regexinfo import (
    ascii_chars,
    ascii_needed,
    exact_chars,
    exact_needed,
    match_heads,
    needed_texts,
)
from corpuskit.stages.rulematch import RuleMatcher, _is_word_char
from corpuskit.stages.rulepacks import Rule, load_rules

ROOT = Path(__file__).resolve().parents[2]
SCRAPED = ROOT.parent / "shared" / "bench" / "article-extraction" / "scraped"


class ReferenceMatcher:
    """The matcher before the prefix index: the same code, its two helpers inlined."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = [r for r in rules if r.patterns]
        anchored: list[tuple[Rule, bool, str]] = []
        lowered: list[tuple[Rule, bool, str]] = []
        exact: list[tuple[Rule, bool, str]] = []
        for rule in self.rules:
            for pattern in rule.patterns:
                if pattern.startswith("^"):
                    anchored.append((rule, False, pattern[1:]))
                elif _reference_lowerable(pattern):
                    body = pattern[4:-1]
                    boundary = body.startswith(r"\b")
                    lowered.append((rule, boundary, body[2:] if boundary else body))
                else:
                    exact.append((rule, False, pattern))
        self._kinds = [self._prepare(kind) for kind in (anchored, lowered, exact)]
        limits = sorted({r.max_words for r, _, _ in lowered if r.max_words})
        self._limits = limits
        self._lowered_by_limit = [
            self._prepare([e for e in lowered if not e[0].max_words or e[0].max_words >= limit])
            for limit in limits
        ] + [self._prepare([e for e in lowered if not e[0].max_words])]
        self._anchored_rules = [rule for rule, _, _ in anchored]
        self._anchored_named = (
            re.compile("|".join(f"(?P<a{k}>{p})" for k, (_, _, p) in enumerate(anchored)))
            if anchored
            else None
        )
        self._single = [(rule, [re.compile(p) for p in rule.patterns]) for rule in self.rules]

    @staticmethod
    def _prepare(patterns):
        if not patterns:
            return None, []
        joined = re.compile("|".join(f"(?:{p})" for _, _, p in patterns))
        return joined, [(rule, boundary, re.compile(p)) for rule, boundary, p in patterns]

    def match(self, line: str, words: int) -> Rule | None:
        found = self._find(line, words)
        if found is None or not found.max_words or words <= found.max_words:
            return found
        for rule, patterns in self._single:
            if (not rule.max_words or words <= rule.max_words) and any(p.search(line) for p in patterns):
                return rule
        return None

    def _find(self, line: str, words: int = 0) -> Rule | None:
        (anchored, anchored_list), (lowered, lowered_list), (exact, exact_list) = self._kinds
        if words:
            lowered, lowered_list = self._lowered_by_limit[bisect.bisect_left(self._limits, words)]
        if anchored is not None and anchored.match(line) and self._anchored_named is not None:
            named = self._anchored_named.match(line)
            if named is not None and named.lastgroup:
                return self._anchored_rules[int(named.lastgroup[1:])]
        if lowered is not None:
            low = line.lower()
            pos = 0
            while (hit := lowered.search(low, pos)) is not None:
                start = hit.start()
                before_ok = start == 0 or not (low[start - 1].isalnum() or low[start - 1] == "_")
                for rule, boundary, pattern in lowered_list:
                    if (before_ok or not boundary) and pattern.match(low, start):
                        return rule
                pos = start + 1
        if exact is not None:
            hit = exact.search(line)
            if hit is not None:
                for rule, _, pattern in exact_list:
                    if pattern.match(line, hit.start()):
                        return rule
        return None


def _reference_lowerable(pattern: str) -> bool:
    if not (pattern.startswith("(?i:") and pattern.endswith(")")) or "(?-i" in pattern:
        return False
    escaped = False
    for char in pattern[4:-1]:
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char.isupper():
            return False
    return True


# -- lines ---------------------------------------------------------------------------------------
def _text_lines(texts: Iterable[str]) -> list[str]:
    out = {line.strip() for text in texts for line in text.splitlines()}
    out.discard("")
    return sorted(out)


def _repo_lines() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for path in sorted((ROOT / "fixtures").glob("**/*.tsv")):
        rows = path.read_text(encoding="utf-8").splitlines()
        texts.append("\n".join(row.split("\t")[-1] for row in rows))
    return _text_lines(texts)


TRICKY = [
    # two rules in one line, at different positions and in both orders
    "Subscribe to our newsletter. We use cookies to improve your experience.",
    "We use cookies to improve your experience. Subscribe to our newsletter",
    "Cookie policy | Privacy policy | Terms of use | All rights reserved",
    "All rights reserved. Cookie settings",
    "Sign in to comment. Already a subscriber? Log in",
    "Read more: Related stories you may have missed",
    "Share this article with your friends on Facebook and Twitter",
    "Photo: Reuters / Getty Images",
    "(AP Photo/Evan Vucci)",
    "Jane Doe / AFP via Getty Images",
    "© 2023 Example Media. All rights reserved.",
    "Copyright 2019-2024 Example Media Group",
    "(c) 2021 Example",
    "{{ article.title }}",
    "{% block content %}",
    "%%TITLE%%",
    "${page.title}",
    "[[author.name]]",
    "navIconChevronDown",
    "3 free articles remaining this month",
    "You have 2 free articles left",
    "New stories are available. Tap to refresh.",
    "12 issues for just $12",
    "Noch 3 kostenlose Artikel übrig",
    "Abo ab 9,99 € im Monat, jederzeit kündbar",
    "5 min read",
    "Lesezeit: 4 Minuten",
    "Home › Science › Environment",
    "World | Politics | Business | Tech | Science | Sport",
    "John Smith says:",
    "Maria on 12 March 2023 at 10:15 am said:",
    "Updated 14 June 2022, 09:12 BST",
    "Advertisement",
    "- Advertisement - Scroll to continue",
    "Back to top",
    "↑ Back to top",
    "Nach oben",
    "Published under a content sharing agreement with The Daily Example.",
    "This article is republished under a Creative Commons license.",
    "Continue reading with a subscription",
    "Already a subscriber? Sign in",
    "Don't have an account? Register",
    "Do not sell my personal information",
    "Newsletter: inscrivez-vous pour recevoir nos informations",
    "Ce site utilise des cookies",
    "Este sitio web utiliza cookies",
    "Diese Website verwendet Cookies",
    "Questo sito utilizza i cookie",
    "Este site usa cookies",
    "name@example.com",
    "12,345 views",
    "• • •",
    "***",
    "a",
    "?",
    "",
    " ",
    "_",
    "İstanbul'da cookie policy",
    "ſubscribe to our newsletter",
    "\u212aeep reading",
    "Kookie settings",
    "Ünsere Newsletter abonnieren",
    "“Subscribe to our newsletter”",
    "«Lire aussi»",
    "—Read more",
    "ΣΧΟΛΙΑ",
    "Подписывайтесь на наш канал",
    "訂閱我們的電子報 subscribe to our newsletter",
    # patterns without a leading word boundary, matched inside a word
    "Logo_Created with Sketch.",
    "Storm hits the coast[VIDEO]",
    "Flooded streets in the old town(Photo: Jane Doe)",
    "Ein Hochwasser(Foto: dpa)",
    "Title{{ page.title }}",
]


def _tricky_lines(seed_lines: list[str]) -> list[str]:
    """Hand-written lines, and variants of matched lines: case, a word glued in front (the word
    boundary), two of them joined, padded past max_words, non-ASCII around them."""
    rng = random.Random(8)
    matched = [line for line in seed_lines if REFERENCE.match(line, 0) is not None]
    base = TRICKY + rng.sample(matched, min(60, len(matched)))
    out = set(base)
    filler = "the council said on Tuesday that the plan would go ahead as agreed " * 6
    for line in base:
        out.update(
            {
                line.upper(),
                line.lower(),
                line.title(),
                "x" + line,
                "x " + line,
                "_" + line,
                "1" + line,
                "é" + line,
                line + " " + rng.choice(base),
                filler + line,
                line + " " + filler,
                line.replace("s", "ſ"),
                line.replace("i", "İ"),
                line.replace("k", "\u212a"),
                "“" + line + "”",
            }
        )
    return sorted(out)


RULES = load_rules(DEFAULT_PACKS)
REFERENCE = ReferenceMatcher(RULES)


def _mismatches(old, new, lines: Iterable[str]) -> list[tuple[str, int, str | None, str | None]]:
    bad = []
    for line in lines:
        for words in {0, len(re.findall(r"\w+", line)), line_features(line, frozenset()).words}:
            a, b = old.match(line, words), new.match(line, words)
            if a is not b:
                bad.append((line, words, a and a.name, b and b.name))
    return bad


@pytest.fixture(scope="module")
def matcher() -> RuleMatcher:
    return RuleMatcher(RULES)


@pytest.fixture(scope="module")
def repo_lines() -> list[str]:
    return _repo_lines()


def test_same_rule_on_seeds_and_fixtures(matcher, repo_lines):
    assert len(repo_lines) > 300
    assert _mismatches(REFERENCE, matcher, repo_lines) == []


def test_same_rule_on_tricky_lines(matcher, repo_lines):
    lines = _tricky_lines(repo_lines)
    assert len(lines) > 500
    assert sum(REFERENCE.match(line, 0) is not None for line in lines) > 300
    assert _mismatches(REFERENCE, matcher, lines) == []


def test_same_rule_with_other_pack_orders_and_user_patterns(repo_lines):
    """Ties between packs and user patterns (anchored, lowered, exact) keep their order."""
    rules = load_rules(
        tuple(reversed(DEFAULT_PACKS)),
        extra_patterns={
            "user_any": r"\bsubscri\w*",
            "user_start": "^Read",
            "user_short": "ok",
            "user_upper": "AP",
        },
    )
    rules = [r for r in rules if r.name != "newsletter"]
    lines = _tricky_lines(repo_lines)
    assert _mismatches(ReferenceMatcher(rules), RuleMatcher(rules), lines) == []
    for pack in ("en", "de", "common"):
        rules = load_rules((pack,))
        assert _mismatches(ReferenceMatcher(rules), RuleMatcher(rules), lines) == [], pack


def test_no_rules():
    assert RuleMatcher([]).match("We use cookies", 3) is None
    assert RuleMatcher([Rule("empty", "x", "drop", 0, ())]).match("We use cookies", 3) is None


@pytest.mark.skipif(not SCRAPED.is_dir(), reason="../shared benchmark pages are not present")
def test_same_rule_on_benchmark_pages(matcher):
    lines = _text_lines(p.read_text(encoding="utf-8") for p in sorted(SCRAPED.glob("*.txt")))
    assert len(lines) > 10000
    assert _mismatches(REFERENCE, matcher, lines) == []


# -- the prefix analysis -------------------------------------------------------------------------
def test_heads_of_lowered_patterns():
    assert match_heads(r"cookies? policy", 3, exact_chars, 64) == {"coo"}
    assert match_heads(r"(?:sign|log) in", 3, exact_chars, 64) == {"sig", "log"}
    assert match_heads(r"(?:don.t|do not) have", 3, exact_chars, 64) == {"don", "do "}
    assert match_heads(r"e-?mail", 3, exact_chars, 64) == {"e-m", "ema"}
    assert match_heads(r"[£$€]\d", 3, exact_chars, 64) is None  # \d: too many characters
    assert match_heads(r"ok", 3, exact_chars, 64) == {"ok"}  # shorter than a key: not indexed
    assert match_heads(r"(?:a|b)(?:c|d)(?:e|f)", 3, exact_chars, 4) is None  # too many prefixes
    assert match_heads(r"(?i:abc)", 3, exact_chars, 64) is None  # case-insensitive: not listed exactly
    assert match_heads(r"(a)\1", 3, exact_chars, 64) is None


def test_first_characters_of_anchored_patterns():
    assert match_heads(r"(?i:Read more)", 1, ascii_chars, 128) == {"r"}
    assert match_heads(r"(?-i:[A-C]x)", 1, ascii_chars, 128) == {"a", "b", "c"}
    assert match_heads(r"(?i:\s*ſubscribe)", 1, ascii_chars, 128) >= {" ", "s"}  # ſ matches s
    assert match_heads(r"(?i:\u212aeep)", 1, ascii_chars, 128) == {"k"}  # the Kelvin sign matches k
    assert "" in match_heads(r"(?i:x?)", 1, ascii_chars, 128)  # can match nothing: not indexed


def test_needed_texts():
    assert needed_texts(r"(?i:[^.!?]{1,60} (?:says|wrote):$)", ascii_needed) == {
        ("says", False),
        ("wrote", False),
    }
    assert needed_texts(r"(?i:[^.!?]{1,60} (?:says|said):$)", ascii_needed) == {
        (" sa", False)
    }  # common prefix
    assert needed_texts(r"(?-i:\((?:Reuters|AFP)\))", ascii_needed) == {("Reuters", True), ("AFP", True)}
    assert needed_texts(r"(?i:(?:a|b*)c)", ascii_needed) == {("c", False)}
    assert needed_texts(r"(?i:écrit)", ascii_needed) == set()  # no ASCII line can match it
    assert needed_texts(r"\d+", ascii_needed) is None
    assert needed_texts(r"(?:\d+ )?(?:issues?|weeks?) for", exact_needed) == {(" for", True)}


def test_finder_boundary_is_the_hand_checked_one():
    """The index finds word starts with ``(?<!\\w)``; the matcher checks them with _is_word_char."""
    chars = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    word = re.compile(r"\w")
    assert {m.start() for m in word.finditer(chars)} == {i for i, c in enumerate(chars) if _is_word_char(c)}
