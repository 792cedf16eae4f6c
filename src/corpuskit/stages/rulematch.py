"""Matching lines against rule packs fast: ``RuleMatcher`` indexes the patterns by the text their
matches start with, so a line only meets the few patterns that can match it (see its docstring).
The index is read from each pattern with Python's regex parser; a pattern it cannot read stays on
the plain path (one alternation), so results never depend on the analysis succeeding.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from functools import cached_property

from corpuskit.stages import regexinfo
from corpuskit.stages.rulepacks import Rule

_WIDE = 90  # an anchored pattern that can start with this many ASCII characters is gated by needed_texts
_BROAD = 20  # ... or, with no needed text known, tried on every line (not one alternation per character)


class RuleMatcher:
    """Finds the rule that fires on a line, honouring each rule's word limit.

    Patterns anchored at the line start (``^...``) are tried at position 0 only; the other
    case-insensitive patterns run case-sensitively on the lower-cased line with their leading
    ``\\b`` checked by hand; the few case-sensitive ones run on the line as it is. The first kind
    that finds something decides, and within a kind the earliest position, then the first pattern
    (earlier rules and packs first). When the rule found does not allow a line that long, the rules
    that do are tried one by one (rare: a long line that contains a short prompt's wording).

    One alternation of hundreds of patterns is slow in Python's ``re``: it tries every alternative
    at every position. So the patterns are indexed by the text their matches start with (see
    ``regexinfo.match_heads``): a line meets the alternation of the anchored patterns that can start with its
    first character, and an unanchored lower-cased pattern is only tried where one of its possible
    first three characters occurs (one trie-shaped regex scan finds those places). The patterns
    left over (anchored ones that can start with nearly anything, unanchored ones starting with
    ``\\d`` or ``.``) are skipped on lines that lack every text they need (see ``regexinfo.needed_texts``).
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = [r for r in rules if r.patterns]
        # (rule, needs a word boundary before the match, pattern) for each kind of pattern
        anchored: list[tuple[Rule, bool, str]] = []
        lowered: list[tuple[Rule, bool, str]] = []
        exact: list[tuple[Rule, bool, str]] = []
        for rule in self.rules:
            for pattern in rule.patterns:
                if pattern.startswith("^"):
                    anchored.append((rule, False, pattern[1:]))
                elif _lowerable(pattern):
                    body = pattern[4:-1]  # strip the "(?i:...)" scope added by _scoped
                    boundary = body.startswith(r"\b")
                    lowered.append((rule, boundary, body[2:] if boundary else body))
                else:
                    exact.append((rule, False, pattern))
        self._init_anchored([p for _, _, p in anchored])
        self._anchored_rules = [rule for rule, _, _ in anchored]
        self._init_lowered(lowered)
        self._init_exact(exact)

    @cached_property
    def _single(self) -> list[tuple[Rule, list[re.Pattern[str]]]]:
        """Every rule with its patterns compiled one by one, for the rare line whose first match
        belongs to a rule that does not allow its length (compiled then, not with the rest)."""
        return [(rule, [re.compile(p) for p in rule.patterns]) for rule in self.rules]

    def _init_anchored(self, patterns: list[str]) -> None:
        """Per first character of a line (ASCII, lower-cased), an alternation of the anchored
        patterns that can match there. Patterns that can start with many characters are kept apart,
        compiled once instead of once per character: the few that scan far into every line are
        tried one by one, only on a line holding a text they need; the others form one alternation
        tried on every line."""
        everything = frozenset(c.lower() for c in regexinfo.ASCII_CHARS)
        firsts = []
        for pattern in patterns:
            first = regexinfo.match_heads(pattern, 1, regexinfo.ascii_chars, len(regexinfo.ASCII_CHARS))
            firsts.append(everything if first is None or "" in first else first)
        needs = [
            regexinfo.needed_texts(p, regexinfo.text_needed) if len(f) >= _WIDE else None
            for p, f in zip(patterns, firsts, strict=True)
        ]
        self._anchored_gated = tuple(
            (k, n, re.compile(patterns[k])) for k, n in enumerate(needs) if n is not None
        )
        broad = [len(f) >= _BROAD and needs[k] is None for k, f in enumerate(firsts)]
        self._anchored_broad = _named_alternation(patterns, [k for k, b in enumerate(broad) if b])
        narrow = [k for k, n in enumerate(needs) if n is None and not broad[k]]
        self._anchored_other = _named_alternation(patterns, narrow)  # lines starting outside ASCII
        # the alternation of each first character is compiled when a line first starts with it
        # (compiling all of them took most of the matcher's build); characters with the same
        # patterns share one
        self._anchored_patterns = patterns
        self._anchored_keys = {c: tuple(k for k in narrow if c in firsts[k]) for c in sorted(everything)}
        self._anchored_by_keys: dict[tuple[int, ...], re.Pattern[str] | None] = {}
        self._anchored_by_char: dict[str, re.Pattern[str] | None] = {}

    def _init_lowered(self, lowered: list[tuple[Rule, bool, str]]) -> None:
        """Index the unanchored lower-cased patterns by the first three characters of their matches.

        A pattern only fires on lines within its rule's word limit, so each range of line lengths
        gets its own index (built on first use) holding only the patterns that allow it: a long
        body line then meets the few unlimited patterns, not the hundreds meant for short prompts.
        """
        self._lowered = [(rule, boundary, re.compile(p)) for rule, boundary, p in lowered]
        self._lowered_heads = [regexinfo.keyed_heads(p) for _, _, p in lowered]
        self._lowered_needs = [
            regexinfo.needed_texts(p, regexinfo.exact_needed) if heads is None else None
            for (_, _, p), heads in zip(lowered, self._lowered_heads, strict=True)
        ]
        self._limits = sorted({rule.max_words for rule, _, _ in lowered if rule.max_words})
        self._lowered_indexes: dict[int, _LoweredIndex] = {}

    def _lowered_index(self, words: int) -> _LoweredIndex:
        """The index of the lower-cased patterns whose word limit allows a line of ``words``
        (0: every pattern), one per range between two limits."""
        bucket = bisect.bisect_left(self._limits, words) if words else -1
        index = self._lowered_indexes.get(bucket)
        if index is None:
            floor = self._limits[bucket] if 0 <= bucket < len(self._limits) else 0
            allowed = [
                k
                for k, (rule, _, _) in enumerate(self._lowered)
                if bucket < 0 or not rule.max_words or (floor and rule.max_words >= floor)
            ]
            index = self._lowered_indexes[bucket] = _LoweredIndex(
                [self._lowered[k] for k in allowed],
                [self._lowered_heads[k] for k in allowed],
                [self._lowered_needs[k] for k in allowed],
            )
        return index

    def _init_exact(self, exact: list[tuple[Rule, bool, str]]) -> None:
        """The case-sensitive patterns as one non-capturing alternation (capturing groups would make
        the regex engine give up its first-character skipping), and each with the texts one of
        which a line needs for it to match (see ``regexinfo.text_needed``)."""
        self._exact_joined = re.compile("|".join(f"(?:{p})" for _, _, p in exact)) if exact else None
        self._exact = [
            (rule, regexinfo.needed_texts(p, regexinfo.text_needed), re.compile(p)) for rule, _, p in exact
        ]

    def match(self, line: str, words: int) -> Rule | None:
        found = self._find(line, words)
        if found is None or not found.max_words or words <= found.max_words:
            return found
        for rule, patterns in self._single:
            if (not rule.max_words or words <= rule.max_words) and any(p.search(line) for p in patterns):
                return rule
        return None

    def _find(self, line: str, words: int = 0) -> Rule | None:
        low = line.lower()
        gate = regexinfo.gateable(line)  # whether needed texts can rule patterns out on this line
        k = self._find_anchored(line, low, gate)
        if k is not None:
            return self._anchored_rules[k]
        if self._lowered:
            rule = self._find_lowered(low, words)
            if rule is not None:
                return rule
        return self._find_exact(line, low, gate) if self._exact_joined is not None else None

    def _find_exact(self, line: str, low: str, gate: bool) -> Rule | None:
        """The first case-sensitive pattern that matches at the earliest position. Only the patterns
        whose needed texts the line holds are searched, one by one (most lines hold none); on a
        line where those texts say nothing (see ``regexinfo.gateable``) the alternation finds the position."""
        if not gate:
            hit = self._exact_joined.search(line)  # type: ignore[union-attr]
            if hit is None:
                return None
            return next((rule for rule, _, pattern in self._exact if pattern.match(line, hit.start())), None)
        found, first = None, len(line) + 1
        for rule, needs, pattern in self._exact:
            if needs is None or _holds(needs, line, low):
                hit = pattern.search(line)
                if hit is not None and hit.start() < first:
                    found, first = rule, hit.start()
        return found

    def _find_anchored(self, line: str, low: str, gate: bool) -> int | None:
        """The index of the first anchored pattern that matches the line."""
        first = line[:1]
        joined = self._anchored_for(first.lower()) if first and first < "\x80" else self._anchored_other
        found = _first_named(joined, line, len(self._anchored_rules))
        found = _first_named(self._anchored_broad, line, found)
        for k, needs, pattern in self._anchored_gated:
            if k > found:
                break
            if gate and not _holds(needs, line, low):
                continue
            if pattern.match(line):
                return k
        return found if found < len(self._anchored_rules) else None

    def _anchored_for(self, char: str) -> re.Pattern[str] | None:
        """The alternation of the anchored patterns that can match a line starting with ``char``."""
        try:
            return self._anchored_by_char[char]
        except KeyError:
            keys = self._anchored_keys[char]
            if keys not in self._anchored_by_keys:
                self._anchored_by_keys[keys] = _named_alternation(self._anchored_patterns, keys)
            joined = self._anchored_by_char[char] = self._anchored_by_keys[keys]
            return joined

    def _find_lowered(self, low: str, words: int) -> Rule | None:
        """The first pattern that matches at the earliest position, visiting the positions where a
        keyed prefix occurs and those where the fallback alternation matches, in order."""
        index = self._lowered_index(words)
        rest, gate = index.rest_search
        if rest is not None and gate is not None and not any(text in low for text in gate):
            rest = None  # none of the fallback patterns can match: skip their search
        end = len(low) + 1
        hit = rest.search(low) if rest is not None else None
        nxt = hit.start() if hit is not None else end
        finder = index.finder
        keyed = (found.start() for found in finder.finditer(low)) if finder is not None else ()
        for start in itertools.chain(keyed, (end,)):  # ``end``: the fallback positions left over
            while nxt < start:
                rule = _first_at(low, nxt, index.rest)
                if rule is not None:
                    return rule
                hit = rest.search(low, nxt + 1)  # type: ignore[union-attr]
                nxt = hit.start() if hit is not None else end
            if start == end:
                return None
            if nxt == start:
                rule = _first_at(low, start, index.keyed_and_rest[low[start : start + regexinfo.KEY]])
                hit = rest.search(low, nxt + 1)  # type: ignore[union-attr]
                nxt = hit.start() if hit is not None else end
            else:
                rule = _first_at(low, start, index.keyed[low[start : start + regexinfo.KEY]])
            if rule is not None:
                return rule
        return None


_Entry = tuple[Rule, bool, re.Pattern[str]]  # a lower-cased pattern: rule, boundary wanted, regex


class _LoweredIndex:
    """Lower-cased patterns (in pattern order) indexed by the first three characters of their
    matches; those without such a prefix are searched as one alternation (the fallback)."""

    def __init__(
        self,
        entries: list[_Entry],
        heads: list[tuple[set[str], set[str]] | None],
        needs: list[frozenset[tuple[str, bool]] | None],
    ) -> None:
        by_key: dict[str, list[int]] = {}
        rest: list[int] = []  # patterns without a known prefix: searched as one alternation
        for k, found in enumerate(heads):
            if found is None:
                rest.append(k)
            else:
                for head in found[0]:
                    by_key.setdefault(head, []).append(k)
        self.keyed = {key: tuple(entries[k] for k in ks) for key, ks in by_key.items()}
        # where a fallback pattern also matches at a keyed position, all are tried in pattern order
        self.keyed_and_rest = {
            key: tuple(entries[k] for k in sorted(set(ks) | set(rest))) for key, ks in by_key.items()
        }
        self.rest = tuple(entries[k] for k in rest)
        # every position where a prefix starts after a non-word character (as the hand-checked
        # boundary wants), and inside words only the prefixes of the patterns without that boundary
        prefixes = {p for found in heads if found is not None for p in found[1]}
        inword = {p for found, e in zip(heads, entries, strict=True) if found and not e[1] for p in found[1]}
        finder = f"(?<!\\w)(?={regexinfo.trie_pattern(prefixes)})" + (
            f"|(?={regexinfo.trie_pattern(inword)})" if inword else ""
        )
        self.finder = re.compile(finder) if by_key else None
        # the fallback patterns joined, and texts one of which a line needs for any to match
        self.rest_search: tuple[re.Pattern[str] | None, frozenset[str] | None] = (None, None)
        if rest:
            texts = [needs[k] for k in rest]
            gate = None if None in texts else frozenset(t for ts in texts for t, _ in ts)  # type: ignore[union-attr]
            joined = re.compile("|".join(f"(?:{entries[k][2].pattern})" for k in rest))
            self.rest_search = joined, gate


def _named_alternation(patterns: list[str], indices: Iterable[int]) -> re.Pattern[str] | None:
    """The patterns at ``indices`` as one alternation; an empty group after each names the one
    that matched (it closes last), and costs nothing on the lines where none matches."""
    joined = "|".join(f"(?:{patterns[k]})(?P<a{k}>)" for k in indices)
    return re.compile(joined) if joined else None


def _first_named(joined: re.Pattern[str] | None, line: str, found: int) -> int:
    """The index of the pattern of ``_named_alternation`` that matches the line's start, if lower
    than ``found``."""
    hit = joined.match(line) if joined is not None else None
    if hit is not None and hit.lastgroup:
        return min(found, int(hit.lastgroup[1:]))
    return found


def _holds(needs: frozenset[tuple[str, bool]], line: str, low: str) -> bool:
    """Whether the line holds one of the texts a pattern needs (see ``regexinfo.needed_texts``)."""
    for text, exact in needs:
        if text in (line if exact else low):
            return True
    return False


def _first_at(low: str, start: int, entries: tuple[_Entry, ...]) -> Rule | None:
    """The rule of the first pattern that matches at ``start`` (the entries allow the line's length)."""
    before_ok = start == 0 or not _is_word_char(low[start - 1])
    for rule, boundary, pattern in entries:
        if (before_ok or not boundary) and pattern.match(low, start):
            return rule
    return None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _lowerable(pattern: str) -> bool:
    """A case-insensitive pattern with no upper-case letter of its own can run on lower-cased text."""
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
