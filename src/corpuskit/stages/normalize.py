"""Normalize: repair mojibake with ftfy, Unicode NFC, one newline style, whitespace folded inside lines.

This is the only stage that may change characters; its result is the *base* text that every later
removal indexes into. ftfy is called only where its own badness check says the text needs it (calling
``fix_text`` on every document is the costliest step of a naive pipeline), and that check itself only
looks near the characters its patterns need (see ``is_bad``), which made it 10x cheaper on news text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
from ftfy.badness import BADNESS_RE

from corpuskit.document import Document
from corpuskit.stages.base import DocumentStage

_INLINE_SPACE = re.compile(r"[^\S\n]+")  # any whitespace but newline
_ODD_SPACE = re.compile(r"[^\S \n]")  # whitespace that is neither a space nor a newline
_SPACE_RUN = re.compile(" {2,}")
_LINE_EDGE = re.compile(r" \n ?|\n ")  # a space at either side of a newline
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u2028\u2029\ufeff]")
_MANY_BLANKS = re.compile(r"\n{3,}")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{2,6}|#x[0-9a-fA-F]{2,5});")
_C1 = re.compile("[\x80-\x9f]")


@dataclass(frozen=True)
class NormalizeOptions:
    fix_encoding: bool = True  # ftfy repair where its badness heuristic fires
    unicode_form: str = "NFC"
    max_blank_lines: int = 1  # runs of blank lines are folded to this many


def _badness_scope(pattern: re.Pattern = BADNESS_RE) -> tuple[re.Pattern, int] | None:
    """(anchor, width): every match of ftfy's ``BADNESS_RE`` is at most ``width`` characters long and
    contains a character that ``anchor`` matches; None when the regex has a shape this cannot vouch for.

    Derived from the regex itself at import, so another ftfy version gets its own scope or, failing
    that, the plain full-text search. Per alternative it picks the required character class least
    common in clean text (not curly quotes, dashes or lowercase letters), so few windows are searched.
    """
    try:
        try:
            from re import _constants as sre_c  # Python 3.11+
            from re import _parser as sre_parse
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_constants as sre_c
            import sre_parse
        if pattern.flags & re.IGNORECASE:
            return None
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        width = parsed.getwidth()[1]
        repeats = {getattr(sre_c, name, None) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")}
        starts = {sre_c.AT_BEGINNING, sre_c.AT_BEGINNING_STRING, sre_c.AT_BEGINNING_LINE}

        def windowable(items) -> bool:
            """Nothing that looks past the match (lookaround, end anchor, word boundary, backreference)."""
            for op, arg in items:
                if op is sre_c.AT:
                    if arg not in starts:
                        return False
                elif op is sre_c.BRANCH:
                    if not all(windowable(b.data) for b in arg[1]):
                        return False
                elif op is sre_c.SUBPATTERN or op in repeats:
                    if not windowable(arg[-1].data):
                        return False
                elif op not in (sre_c.LITERAL, sre_c.NOT_LITERAL, sre_c.IN, sre_c.ANY):
                    return False
            return True

        if width > 64 or not windowable(parsed.data):
            return None
        common = set("\xa0\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u00a9\u00ae\u00b0\u00b7")

        def cost(chars: set[str]) -> tuple[int, int]:
            frequent = sum(c.isascii() or c in common or unicodedata.category(c) == "Ll" for c in chars)
            return frequent, len(chars)

        def required(items) -> set[str] | None:
            """Characters one of which every match of this sequence contains (None: unknown)."""
            options = []
            for op, arg in items:
                if op is sre_c.LITERAL:
                    options.append({chr(arg)})
                elif op is sre_c.IN and all(o in (sre_c.LITERAL, sre_c.RANGE) for o, _ in arg):
                    chars = set()
                    for o, a in arg:
                        chars.update([chr(a)] if o is sre_c.LITERAL else map(chr, range(a[0], a[1] + 1)))
                    options.append(chars)
                elif op is sre_c.BRANCH:
                    branches = [required(b.data) for b in arg[1]]
                    if all(b is not None for b in branches):
                        options.append(set().union(*branches))
                elif op is sre_c.SUBPATTERN and not arg[1] and not arg[2]:
                    sub = required(arg[3].data)
                    if sub is not None:
                        options.append(sub)
            return min(options, key=cost) if options else None

        chars = required(parsed.data)
        if not chars:
            return None
        anchor = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")
        return anchor, width
    except Exception:  # pragma: no cover - an unexpected regex shape: search the whole text
        return None


_BADNESS_SCOPE = _badness_scope()


def is_bad(text: str) -> bool:
    """Same answer as ``ftfy.badness.is_bad``, searching only windows around the characters its
    patterns need: a full search costs about 1 ms on a 5 KB document, twice per document."""
    if _BADNESS_SCOPE is None:
        return BADNESS_RE.search(text) is not None
    anchor, width = _BADNESS_SCOPE
    start = end = -1  # the current window [start, end); overlapping windows are merged
    for match in anchor.finditer(text):
        pos = match.start()
        if pos - width + 1 <= end:
            end = pos + width
            continue
        if end > 0 and BADNESS_RE.search(text, start, end):
            return True
        start, end = max(0, pos - width + 1), pos + width
    return end > 0 and BADNESS_RE.search(text, start, end) is not None


def needs_repair(text: str) -> bool:
    """ftfy's own cheap test, plus the HTML entities and C1 controls that it also repairs."""
    return bool(_ENTITY.search(text) or _C1.search(text) or is_bad(text))


def normalize_text(text: str, options: NormalizeOptions = NormalizeOptions()) -> str:
    """Return the normalized form of ``text``; idempotent.

    One pass is not always a fixed point: folding a no-break space can leave a byte pattern that ftfy
    then reads as mojibake, so passes repeat (at most three more) until the text stops changing.
    """
    text = _normalize_once(text, options)
    for _ in range(3):
        if not (options.fix_encoding and needs_repair(text)):
            break
        again = _normalize_once(text, options)
        if again == text:
            break
        text = again
    return text


def _normalize_once(text: str, options: NormalizeOptions) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if options.fix_encoding and needs_repair(text):
        text = ftfy.fix_text(text, normalization=None, uncurl_quotes=False, fix_line_breaks=True)
    text = unicodedata.normalize(options.unicode_form, text)
    text = _CONTROL.sub("", text)
    text = _fold_spaces(text)
    if "\n\n\n" in text:
        text = _MANY_BLANKS.sub("\n" * (options.max_blank_lines + 1), text)
    return text.strip("\n")


def _fold_spaces(text: str) -> str:
    """Each line's whitespace runs become one space and its ends are stripped, without a per-line
    loop: most documents only have double spaces, if anything, to fold."""
    if _ODD_SPACE.search(text):
        text = _INLINE_SPACE.sub(" ", text)
    elif "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _LINE_EDGE.sub("\n", text)
    return text.strip(" ")


class Normalize(DocumentStage):
    """Normalize the text and make it the base that later removals refer to."""

    name = "normalize"

    def __init__(self, options: NormalizeOptions = NormalizeOptions()) -> None:
        super().__init__()
        self.options = options

    def process(self, doc: Document) -> None:
        if doc.removals:  # already cleaned by someone: keep their span history intact
            return
        doc.set_base(normalize_text(doc.text, self.options))
