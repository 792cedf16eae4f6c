"""Normalize: repair mojibake with ftfy, Unicode NFC, one newline style, whitespace folded inside lines.

This is the only stage that may change characters; its result is the *base* text that every later
removal indexes into. ftfy is called only where its own badness check says the text needs it (calling
``fix_text`` on every document is the costliest step of a naive pipeline).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy
from ftfy.badness import is_bad

from corpuskit.document import Document
from corpuskit.stages.base import DocumentStage

_INLINE_SPACE = re.compile(r"[^\S\n]+")  # any whitespace but newline
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\u2028\u2029\ufeff]")
_MANY_BLANKS = re.compile(r"\n{3,}")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{2,6}|#x[0-9a-fA-F]{2,5});")
_C1 = re.compile("[\x80-\x9f]")


@dataclass(frozen=True)
class NormalizeOptions:
    fix_encoding: bool = True  # ftfy repair where its badness heuristic fires
    unicode_form: str = "NFC"
    max_blank_lines: int = 1  # runs of blank lines are folded to this many


def needs_repair(text: str) -> bool:
    """ftfy's own cheap test, plus the HTML entities and C1 controls that it also repairs."""
    return bool(is_bad(text) or _ENTITY.search(text) or _C1.search(text))


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
    text = "\n".join(_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    text = _MANY_BLANKS.sub("\n" * (options.max_blank_lines + 1), text)
    return text.strip("\n")


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
