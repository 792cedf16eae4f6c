"""What a regular expression's matches start with and must contain, read with Python's own regex
parser: the analysis behind ``rulematch.RuleMatcher``'s index. Every function answers None (or
raises ``_Unknown`` inside) when a pattern cannot be read, and the matcher then keeps that pattern on
its plain path, so results never depend on the analysis succeeding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

try:  # the regex parser, to read which text a pattern's matches start with
    from re import _constants as _sc
    from re import _parser as _sre_parse
except ImportError:  # Python < 3.11
    import sre_constants as _sc  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]


KEY = 3  # unanchored patterns are indexed by the first three characters of their matches
_PREFIX = 8  # ... and found where up to this many of those characters occur (fewer false starts)
_MAX_HEADS = 64  # more possible prefixes than this: the pattern is not indexed
ASCII_CHARS = [chr(i) for i in range(128)]
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


def match_heads(pattern: str, k: int, chars: _Chars, limit: int) -> set[str] | None:
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


def has_backreference(pattern: str) -> bool:
    """Whether the pattern refers back to one of its groups (``\\1``, ``(?P=name)``, ``(?(1)...)``)."""
    refs = (_sc.GROUPREF, _sc.GROUPREF_EXISTS, getattr(_sc, "GROUPREF_IGNORE", _sc.GROUPREF))

    def walk(items: object) -> bool:
        for op, av in items:  # type: ignore[attr-defined]
            if op in refs:
                return True
            for arg in av if isinstance(av, (tuple, list)) else ():
                if isinstance(arg, _sre_parse.SubPattern) and walk(arg):
                    return True
                if isinstance(arg, list) and any(isinstance(x, _sre_parse.SubPattern) and walk(x) for x in arg):
                    return True
        return False

    return walk(_sre_parse.parse(pattern))


def keyed_heads(pattern: str) -> tuple[set[str], set[str]] | None:
    """(keys, prefixes) of a lower-cased pattern: the first three characters of its matches, by
    which it is indexed, and their first ``_PREFIX`` characters (the keys when those cannot be
    listed), which the finder looks for. None when the keys cannot be listed or a match can be
    shorter than a key (the pattern then goes to the fallback alternation)."""
    keys = match_heads(pattern, KEY, exact_chars, _MAX_HEADS)
    if keys is None or any(len(h) < KEY for h in keys):
        return None
    prefixes = match_heads(pattern, _PREFIX, exact_chars, _MAX_HEADS)
    return keys, keys if prefixes is None else prefixes


def exact_chars(op: object, av: object, flags: int) -> set[str]:
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


def ascii_chars(op: object, av: object, flags: int) -> set[str]:
    """The lower-cased ASCII characters one pattern item matches (an anchored pattern is only
    indexed for lines that start with an ASCII character)."""
    return {c.lower() for c in _ascii_members(op, av, flags)}


def _ascii_members(op: object, av: object, flags: int) -> set[str]:
    """The ASCII characters one pattern item matches, found by trying all 128."""
    if op is _sc.ANY:
        return set(ASCII_CHARS)
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
    return {c for c in ASCII_CHARS if one.fullmatch(c)}


def trie_pattern(keys: Iterable[str]) -> str:
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


def needed_texts(pattern: str, chars: _Needed) -> frozenset[tuple[str, bool]] | None:
    """Texts one of which every match holds: (text, True) is looked for in the line as the pattern
    sees it, (text, False) in it lower-cased. ``chars`` says what one character item matches, and
    for which lines (ascii_needed: ASCII lines only; text_needed: lines ``gateable`` accepts).
    Empty: no such line can match; None: nothing known."""
    try:
        parsed = _sre_parse.parse(pattern)
        found = _seq_needs(list(parsed), parsed.state.flags, chars)
    except Exception:
        return None
    return None if found is None else frozenset(found)


def ascii_needed(op: object, av: object, flags: int) -> set[tuple[str, bool]]:
    members = _ascii_members(op, av, flags)
    if flags & re.IGNORECASE:
        return {(c.lower(), False) for c in members}
    return {(c, True) for c in members}


def text_needed(op: object, av: object, flags: int) -> set[tuple[str, bool]]:
    """What one pattern item matches on any line ``gateable`` accepts: ASCII characters (as
    ``ascii_needed`` lists them) and characters without case. An item that can also match other
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
            out |= ascii_needed(_sc.IN, [(item, arg)], flags)
        elif item is _sc.LITERAL and arg < 0x80:
            out |= ascii_needed(item, arg, flags)
        elif item is _sc.LITERAL and chr(arg).lower() == chr(arg) == chr(arg).upper():
            out.add((chr(arg), True))
        else:
            raise _Unknown
    return out


# characters outside ASCII that an ASCII letter matches when case is ignored (the Kelvin sign,
# the long s, the dotted and dotless i): a line holding one is checked against every pattern
FOLDS_TO_ASCII = re.compile(r"(?=[^\x00-\x7f])(?i:[a-z])")


def gateable(line: str) -> bool:
    """Whether the texts of ``text_needed`` hold for this line (no character in it folds to ASCII)."""
    return line.isascii() or FOLDS_TO_ASCII.search(line) is None


def exact_needed(op: object, av: object, flags: int) -> set[tuple[str, bool]]:
    return {(c, True) for c in exact_chars(op, av, flags)}


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
