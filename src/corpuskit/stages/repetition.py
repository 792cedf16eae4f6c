"""Repetition inside one document: later copies of a line (captions printed three times, a lede
repeated under the photo) are removed; the first copy stays."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpuskit.document import Document
from corpuskit.stages.base import DocumentStage

_FOLD = re.compile(r"\W+")


@dataclass(frozen=True)
class RepetitionOptions:
    enabled: bool = True
    min_chars: int = 20  # shorter lines ("Yes.", "Photo") may repeat legitimately


def line_key(text: str) -> str:
    """Case, punctuation and spacing folded, so a copy with other quotes still counts."""
    return _FOLD.sub(" ", text.casefold()).strip()


def repeated_lines(lines: list[str], min_chars: int = 20) -> dict[int, str]:
    """Indices of lines that repeat an earlier line of the same document."""
    seen: set[str] = set()
    drops: dict[int, str] = {}
    for index, text in enumerate(lines):
        key = line_key(text)
        if len(key) < min_chars:
            continue
        if key in seen:
            drops[index] = "repeated_line"
        seen.add(key)
    return drops


class Repetition(DocumentStage):
    name = "repetition"

    def __init__(self, options: RepetitionOptions = RepetitionOptions()) -> None:
        super().__init__()
        self.options = options

    def process(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        lines = doc.kept_lines()
        drops = repeated_lines([line.text for line in lines], self.options.min_chars)
        if drops:
            doc.remove_lines(self.name, drops, lines)
