"""Matching lines against rule packs fast: ``RuleMatcher`` indexes the patterns by the text their
matches start with, so a line only meets the few patterns that can match it (see its docstring).
The index is read from each pattern with Python's regex parser; a pattern it cannot read stays on
the plain path (one alternation), so results never depend on the analysis succeeding.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterable
from functools import cached_property

try:  # the regex parser, to read which text a pattern's matches start with
    from re import _constants as _sc
    from re import _parser as _sre_parse
except ImportError:  # Python < 3.11
    import sre_constants as _sc  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from corpuskit.stages.rulepacks import Rule


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
    ``_heads``): a line meets the alternation of the anchored patterns that can start with its
    first character, and an unanchored lower-cased pattern is only tried where one of its possible
    first three characters occurs (one trie-shaped regex scan finds those places). The patterns
    left over (anchored ones that can start with nearly anything, unanchored ones starting with
    ``\\d`` or ``.``) are skipped on lines that lack every text they need (see ``_needs``).
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
        everything = frozenset(c.lower() for c in _ASCII)
        firsts = []
        for pattern in patterns:
            first = _heads(pattern, 1, _ascii_chars, len(_ASCII))
            firsts.append(everything if first is None or "" in first else first)
        needs = [
            _needs(p, _text_needed) if len(f) >= _WIDE else None
            for p, f in zip(patterns, firsts, strict=True)
        ]
        self._anchored_gated = tuple(
            (k, n, re.compile(patterns[k])) for k, n in enumerate(needs) if n is not None
        )
        broad = [len(f) >= _BROAD and needs[k] is None for k, f in enumerate(firsts)]
        self._anchored_broad = _named_alternation(patterns, [k for k, b in enumerate(broad) if b])
        narrow = [k for k, n in enumerate(needs) if n is None and not broad[k]]
        self._anchored_other = _named_alternation(patterns, narrow)  # lines starting outside ASCII
        compiled: dict[tuple[int, ...], re.Pattern[str] | None] = {}
        self._anchored_by_char = {}
        for c in sorted(everything):
            ks = tuple(k for k in narrow if c in firsts[k])
            if ks not in compiled:  # first characters with the same patterns share one
                compiled[ks] = _named_alternation(patterns, ks)
            self._anchored_by_char[c] = compiled[ks]

    def _init_lowered(self, lowered: list[tuple[Rule, bool, str]]) -> None:
        """Index the unanchored lower-cased patterns by the first three characters of their matches.

        A pattern only fires on lines within its rule's word limit, so each range of line lengths
        gets its own index (built on first use) holding only the patterns that allow it: a long
        body line then meets the few unlimited patterns, not the hundreds meant for short prompts.
        """
        self._lowered = [(rule, boundary, re.compile(p)) for rule, boundary, p in lowered]
        self._lowered_heads = [_keyed_heads(p) for _, _, p in lowered]
        self._lowered_needs = [
            _needs(p, _exact_needed) if heads is None else None
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
        which a line needs for it to match (see ``_text_needed``)."""
        self._exact_joined = re.compile("|".join(f"(?:{p})" for _, _, p in exact)) if exact else None
        self._exact = [(rule, _needs(p, _text_needed), re.compile(p)) for rule, _, p in exact]

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
        k = self._find_anchored(line, low)
        if k is not None:
            return self._anchored_rules[k]
        if self._lowered:
            rule = self._find_lowered(low, words)
            if rule is not None:
                return rule
        return self._find_exact(line, low) if self._exact_joined is not None else None

    def _find_exact(self, line: str, low: str) -> Rule | None:
        """The first case-sensitive pattern that matches at the earliest position. Only the patterns
        whose needed texts the line holds are searched, one by one (most lines hold none); on a
        line where those texts say nothing (see ``_gateable``) the alternation finds the position."""
        if not _gateable(line):
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

    def _find_anchored(self, line: str, low: str) -> int | None:
        """The index of the first anchored pattern that matches the line."""
        first = line[:1]
        joined = self._anchored_by_char[first.lower()] if first and first < "\x80" else self._anchored_other
        found = _first_named(joined, line, len(self._anchored_rules))
        found = _first_named(self._anchored_broad, line, found)
        gate = _gateable(line)
        for k, needs, pattern in self._anchored_gated:
            if k > found:
                break
            if gate and not _holds(needs, line, low):
                continue
            if pattern.match(line):
                return k
        return found if found < len(self._anchored_rules) else None

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
                rule = _first_at(low, start, index.keyed_and_rest[low[start : start + _KEY]])
                hit = rest.search(low, nxt + 1)  # type: ignore[union-attr]
                nxt = hit.start() if hit is not None else end
            else:
                rule = _first_at(low, start, index.keyed[low[start : start + _KEY]])
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
        finder = f"(?<!\\w)(?={_trie(prefixes)})" + (f"|(?={_trie(inword)})" if inword else "")
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
    """Whether the line holds one of the texts a pattern needs (see ``_needs``)."""
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


# -- prefixes of a pattern's matches, to index the patterns by them ----------------------------
_KEY = 3  # unanchored patterns are indexed by the first three characters of their matches
_PREFIX = 8  # ... and found where up to this many of those characters occur (fewer false starts)
_MAX_HEADS = 64  # more possible prefixes than this: the pattern is not indexed
_WIDE = 90  # an anchored pattern that can start with this many ASCII characters is gated by _needs
_BROAD = 20  # ... or, with no needed text known, tried on every line (not one alternation per character)
_ASCII = [chr(i) for i in range(128)]
_CATEGORIES = {
    _sc.CATEGORY_DIGIT: r"\d",
    _sc.CATEGORY_NOT_DIGIT: r"\D",
    _sc.CATEGORY_SPACE: r"\s",
    _sc.CATEGORY_NOT_SPACE: r"\S",
    _sc.CATEGORY_WORD: r"\w",
    _sc.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = (_sc.MAX_REPEAT, _sc.MIN_REPEAT, getattr(_sc, "POSSESSIVE_REPEAT", _sc.MAX_REPEAT))
_Chars = Callable[[object, object, int], set[str]]
_Needed = Callable[[object, object, int], set[tuple[str, bool]]]


class _Unknown(Exception):
    """The prefixes of a pattern cannot be listed (or are too many to be worth it)."""


def _heads(pattern: str, k: int, chars: _Chars, limit: int) -> set[str] | None:
    """The first ``k`` characters of every string the pattern matches (fewer where a match is
    shorter), with each character as ``chars`` maps it; None when they cannot be listed."""
    try:
        parsed = _sre_parse.parse(pattern)
        return _seq_heads(list(parsed), k, chars, parsed.state.flags, limit)
    except Exception:  # _Unknown, or a parser that is not the one this was written for
        return None


def _seq_heads(items: list, k: int, chars: _Chars, flags: int, limit: int) -> set[str]:
    out = {""}
    for op, av in items:
        short = [len(s) for s in out if len(s) < k]
        if not short:
            break
        out = _concat(out, _item_heads(op, av, k - min(short), chars, flags, limit), k, limit)
    return out


def _concat(heads: set[str], tails: set[str], k: int, limit: int) -> set[str]:
    out = set()
    for head in heads:
        if len(head) >= k:
            out.add(head)
        else:
            out.update((head + tail)[:k] for tail in tails)
    if len(out) > limit:
        raise _Unknown
    return out


def _item_heads(op: object, av: object, k: int, chars: _Chars, flags: int, limit: int) -> set[str]:
    if op in (_sc.LITERAL, _sc.NOT_LITERAL, _sc.IN, _sc.ANY):
        return chars(op, av, flags)
    if op in (_sc.AT, _sc.ASSERT, _sc.ASSERT_NOT):  # zero-width: nothing consumed
        return {""}
    if op is _sc.SUBPATTERN:
        _, add, remove, items = av  # type: ignore[misc]
        return _seq_heads(items, k, chars, (flags | add) & ~remove, limit)
    if op is getattr(_sc, "ATOMIC_GROUP", None):
        return _seq_heads(av, k, chars, flags, limit)  # type: ignore[arg-type]
    if op is _sc.BRANCH:
        out: set[str] = set()
        for items in av[1]:  # type: ignore[index]
            out |= _seq_heads(items, k, chars, flags, limit)
        if len(out) > limit:
            raise _Unknown
        return out
    if op in _REPEATS:
        low, high, items = av  # type: ignore[misc]
        one = _seq_heads(items, k, chars, flags, limit)
        out, current, n = set(), {""}, 0
        while True:  # prefixes of 0, 1, 2, ... repetitions until they stop changing
            if n >= low:
                out |= current
            if n == high:
                break
            following = _concat(current, one, k, limit)
            if following == current:
                out |= current
                break
            current, n = following, n + 1
        if len(out) > limit:
            raise _Unknown
        return out
    raise _Unknown  # back-references, conditionals


def _keyed_heads(pattern: str) -> tuple[set[str], set[str]] | None:
    """(keys, prefixes) of a lower-cased pattern: the first three characters of its matches, by
    which it is indexed, and their first ``_PREFIX`` characters (the keys when those cannot be
    listed), which the finder looks for. None when the keys cannot be listed or a match can be
    shorter than a key (the pattern then goes to the fallback alternation)."""
    keys = _heads(pattern, _KEY, _exact_chars, _MAX_HEADS)
    if keys is None or any(len(h) < _KEY for h in keys):
        return None
    prefixes = _heads(pattern, _PREFIX, _exact_chars, _MAX_HEADS)
    return keys, keys if prefixes is None else prefixes


def _exact_chars(op: object, av: object, flags: int) -> set[str]:
    """The characters one pattern item matches, listed exactly (for the lower-cased patterns)."""
    if flags & re.IGNORECASE:
        raise _Unknown
    if op is _sc.LITERAL:
        return {chr(av)}  # type: ignore[arg-type]
    if op is _sc.IN:
        out = set()
        for item, arg in av:  # type: ignore[attr-defined]
            if item is _sc.LITERAL:
                out.add(chr(arg))
            elif item is _sc.RANGE and arg[1] - arg[0] < _MAX_HEADS:
                out.update(map(chr, range(arg[0], arg[1] + 1)))
            else:  # negated sets and classes (\d, \w, ...) hold too many characters
                raise _Unknown
        return out
    raise _Unknown


def _ascii_chars(op: object, av: object, flags: int) -> set[str]:
    """The lower-cased ASCII characters one pattern item matches (an anchored pattern is only
    indexed for lines that start with an ASCII character)."""
    return {c.lower() for c in _ascii_members(op, av, flags)}


def _ascii_members(op: object, av: object, flags: int) -> set[str]:
    """The ASCII characters one pattern item matches, found by trying all 128."""
    if op is _sc.ANY:
        return set(_ASCII)
    if op is _sc.LITERAL:
        members = re.escape(chr(av))  # type: ignore[arg-type]
    elif op is _sc.NOT_LITERAL:
        members = "^" + re.escape(chr(av))  # type: ignore[arg-type]
    else:
        parts = []
        for item, arg in av:  # type: ignore[attr-defined]
            if item is _sc.NEGATE:
                parts.append("^")
            elif item is _sc.LITERAL:
                parts.append(re.escape(chr(arg)))
            elif item is _sc.RANGE:
                parts.append(f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}")
            elif item is _sc.CATEGORY and arg in _CATEGORIES:
                parts.append(_CATEGORIES[arg])
            else:
                raise _Unknown
        members = "".join(parts)
    one = re.compile(f"[{members}]", flags & (re.IGNORECASE | re.ASCII))
    return {c for c in _ASCII if one.fullmatch(c)}


def _trie(keys: Iterable[str]) -> str:
    """A regex matching the start of any of ``keys``, shaped as a trie so that each position costs
    a few tests, not one per key. It only serves as a lookahead, so a key that extends another
    adds nothing and is left out."""
    root: dict = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}  # a key ends here

    def emit(node: dict) -> str:
        if "" in node:  # a shorter key already matches
            return ""
        alternatives = [re.escape(char) + emit(child) for char, child in sorted(node.items())]
        if len(alternatives) <= 1:
            return "".join(alternatives)
        return "(?:" + "|".join(alternatives) + ")"

    return emit(root)


def _needs(pattern: str, chars: _Needed) -> frozenset[tuple[str, bool]] | None:
    """Texts one of which every match holds: (text, True) is looked for in the line as the pattern
    sees it, (text, False) in it lower-cased. ``chars`` says what one character item matches, and
    for which lines (_ascii_needed: ASCII lines only; _text_needed: lines ``_gateable`` accepts).
    Empty: no such line can match; None: nothing known."""
    try:
        parsed = _sre_parse.parse(pattern)
        found = _seq_needs(list(parsed), parsed.state.flags, chars)
    except Exception:
        return None
    return None if found is None else frozenset(found)


def _ascii_needed(op: object, av: object, flags: int) -> set[tuple[str, bool]]:
    members = _ascii_members(op, av, flags)
    if flags & re.IGNORECASE:
        return {(c.lower(), False) for c in members}
    return {(c, True) for c in members}


def _text_needed(op: object, av: object, flags: int) -> set[tuple[str, bool]]:
    """What one pattern item matches on any line ``_gateable`` accepts: ASCII characters (as
    ``_ascii_needed`` lists them) and characters without case. An item that can also match other
    characters (a class such as ``\\s``, a negated set, a letter with case outside ASCII) is not
    listed."""
    if op is _sc.LITERAL:
        items = [(op, av)]
    elif op is _sc.IN:
        items = av  # type: ignore[assignment]
    else:
        raise _Unknown
    out = set()
    for item, arg in items:  # type: ignore[attr-defined]
        if item is _sc.RANGE and arg[1] < 0x80:
            out |= _ascii_needed(_sc.IN, [(item, arg)], flags)
        elif item is _sc.LITERAL and arg < 0x80:
            out |= _ascii_needed(item, arg, flags)
        elif item is _sc.LITERAL and chr(arg).lower() == chr(arg) == chr(arg).upper():
            out.add((chr(arg), True))
        else:
            raise _Unknown
    return out


# characters outside ASCII that an ASCII letter matches when case is ignored (the Kelvin sign,
# the long s, the dotted and dotless i): a line holding one is checked against every pattern
_FOLDS_TO_ASCII = re.compile(r"(?=[^\x00-\x7f])(?i:[a-z])")


def _gateable(line: str) -> bool:
    """Whether the texts of ``_text_needed`` hold for this line (no character in it folds to ASCII)."""
    return line.isascii() or _FOLDS_TO_ASCII.search(line) is None


def _exact_needed(op: object, av: object, flags: int) -> set[tuple[str, bool]]:
    return {(c, True) for c in _exact_chars(op, av, flags)}


def _seq_needs(items: list, flags: int, chars: _Needed) -> set[tuple[str, bool]] | None:
    best: set[tuple[str, bool]] | None = None
    run: list[tuple[str, bool]] = []  # what consecutive one-character items match
    for op, av in items:
        found: set[tuple[str, bool]] | None = None
        if op in (_sc.LITERAL, _sc.NOT_LITERAL, _sc.IN, _sc.ANY):
            try:
                one = chars(op, av, flags)
            except _Unknown:
                one = None
            if one is not None and len(one) == 1:
                run.append(next(iter(one)))
                continue
            if one is not None and len(one) <= 8:
                found = one
        elif op is _sc.SUBPATTERN:
            _, add, remove, items = av  # type: ignore[misc]
            found = _seq_needs(items, (flags | add) & ~remove, chars)
        elif op is getattr(_sc, "ATOMIC_GROUP", None):
            found = _seq_needs(av, flags, chars)  # type: ignore[arg-type]
        elif op is _sc.BRANCH:
            branches = [_seq_needs(items, flags, chars) for items in av[1]]  # type: ignore[index]
            if all(b is not None for b in branches):
                found = set().union(*branches)  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:  # type: ignore[index]
            found = _seq_needs(av[2], flags, chars)  # type: ignore[index]
        # zero-width items (anchors, lookarounds) and optional ones need nothing, but end a run
        if run:
            best = _better_needs({_joined(run)}, best)
            run = []
        if found is not None:
            best = _better_needs(found, best)
    return _better_needs({_joined(run)}, best) if run else best


def _joined(run: list[tuple[str, bool]]) -> tuple[str, bool]:
    """One text for a run of characters: as it is if all are case-sensitive, else lower-cased."""
    if all(exact for _, exact in run):
        return "".join(c for c, _ in run), True
    return "".join(c.lower() for c, _ in run), False


def _better_needs(
    new: set[tuple[str, bool]], old: set[tuple[str, bool]] | None
) -> set[tuple[str, bool]] | None:
    """The more selective of two needs: nothing to find, then the longer shortest text, then fewer."""
    if old is None or not new:
        return new
    if not old:
        return old
    new_len, old_len = min(len(t) for t, _ in new), min(len(t) for t, _ in old)
    return new if new_len > old_len or (new_len == old_len and len(new) < len(old)) else old
