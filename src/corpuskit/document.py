"""The document record every stage reads and writes, with the removals that explain its text.

A document keeps the *base* text (the normalized input) and a list of removed spans that index into
it. The current ``text`` is always the base with those spans cut out, so the kept text plus the
removed spans reconstruct the base exactly, and a reviewer can see every removed character.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter, itemgetter
from typing import Any


@dataclass(slots=True, frozen=True)
class Removal:
    """One removed span of a document's base text, and the rule that removed it."""

    stage: str
    rule: str
    start: int
    end: int
    text: str

    def __reduce__(self) -> tuple:
        """Pickle as a constructor call: documents cross process and spill-file boundaries with
        every removal, and the state functions dataclasses add for frozen slots classes look
        their fields up again for each one."""
        return Removal, (self.stage, self.rule, self.start, self.end, self.text)


@dataclass(slots=True, frozen=True)
class Rejection:
    """Why a whole document was dropped; ``value`` is the measurement that decided it, if any."""

    stage: str
    reason: str
    value: float | None = None
    detail: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None


@dataclass(slots=True, frozen=True)
class Line:
    """A kept line of a document: its text and where it sits in the base text."""

    start: int
    end: int  # end of the line's content, before its newline
    text: str


@dataclass(slots=True)
class Document:
    """A document in the datatrove / Hugging Face shape (``id``, ``text``, ``metadata``) plus its history."""

    text: str
    id: str
    metadata: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    source_sha256: str = ""
    removals: list[Removal] = field(default_factory=list)
    rejection: Rejection | None = None
    stages: list[str] = field(default_factory=list)
    chars_in: int = -1
    base: str | None = None

    def __post_init__(self) -> None:
        if self.chars_in < 0:
            self.chars_in = len(self.text)
        if not self.source_sha256:
            self.source_sha256 = sha256_hex(self.text.encode("utf-8", "surrogatepass"))

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, record: Mapping[str, Any], default_id: str = "") -> Document:
        """Accept a plain dict in the datatrove / Hugging Face shape (``text`` required)."""
        text = record.get("text")
        if not isinstance(text, str):
            raise ValueError("record has no string 'text' field")
        metadata = dict(record.get("metadata") or {})
        for key in ("url", "title", "date", "site"):
            if key in record and key not in metadata:
                metadata[key] = record[key]
        doc_id = record.get("id")
        doc_id = str(doc_id) if doc_id not in (None, "") else default_id or text_id(text)
        source = str(metadata.get("source") or record.get("source") or doc_id)
        return cls(text=text, id=doc_id, metadata=metadata, source=source)

    @classmethod
    def coerce(cls, item: Document | Mapping[str, Any] | str) -> Document:
        """Let stages accept Documents, plain dicts or bare strings."""
        if isinstance(item, Document):
            return item
        if isinstance(item, str):
            return cls(text=item, id=text_id(item))
        return cls.from_dict(item)

    # -- editing ------------------------------------------------------------------------------
    @property
    def rejected(self) -> bool:
        return self.rejection is not None

    def reject(self, stage: str, reason: str, **details: Any) -> None:
        """Mark the document as dropped; later stages skip it and the writer sends it to rejected.jsonl."""
        if self.rejection is None:
            self.rejection = Rejection(stage=stage, reason=reason, **details)

    def set_base(self, text: str) -> None:
        """Start span tracking from ``text`` (the normalized input); only valid before any removal."""
        if self.removals:
            raise RuntimeError("set_base() after removals would orphan their offsets")
        self.base = text
        self.text = text

    def _ensure_base(self) -> str:
        if self.base is None:
            self.base = self.text
        return self.base

    def kept_lines(self) -> list[Line]:
        """The lines of the current text, with offsets into the base text."""
        base = self._ensure_base()
        lines: list[Line] = []
        for start, end in self._kept_intervals():
            parts = base[start:end].split("\n")
            if not parts[-1]:  # the interval ends with its newline (or is empty): no line after it
                parts.pop()
            pos = start
            for text in parts:
                lines.append(Line(pos, pos + len(text), text))
                pos += len(text) + 1
        return lines

    def remove_lines(self, stage: str, decisions: Mapping[int, str], lines: list[Line]) -> None:
        """Remove the lines at the given indices (into ``lines``), each with its rule name.

        A removed line takes its newline with it, so the kept text has no gap where it stood.
        """
        base = self._ensure_base()
        decisions = _with_orphaned_blanks(decisions, lines)
        spans = []
        for index, rule in sorted(decisions.items()):
            line = lines[index]
            end = line.end + 1 if line.end < len(base) and base[line.end] == "\n" else line.end
            spans.append((line.start, end, rule))
        kept = [i for i in range(len(lines)) if i not in decisions]
        if kept and kept[-1] < len(lines) - 1:  # the text now ends early: drop the newline left behind
            tail = lines[kept[-1]]
            spans.append((tail.end, tail.end + 1, decisions[kept[-1] + 1]))
        self.remove_spans(stage, spans)

    def remove_spans(self, stage: str, spans: list[tuple[int, int, str]]) -> None:
        """Remove base-text spans ``(start, end, rule)``; parts already removed are skipped.

        Each span is clipped against the kept intervals as they were before this call and against
        the spans of this call already taken, so the cost is one pass over the sorted spans. Spans
        of one rule that touch become one removal (a menu of five lines and the blank lines between
        them is one removed block): every removed character is still recorded with its rule, in a
        third of the records.
        """
        base = self._ensure_base()
        kept = self._kept_intervals()
        taken_until = -1  # spans of one call are handled in start order; overlaps are clipped
        added: list[list[Any]] = []  # [start, end, rule]
        for start, end, rule in sorted(spans, key=_SPAN_ORDER):
            start = max(start, taken_until)
            for kept_start, kept_end in _overlapping(kept, start, end):
                lo, hi = max(start, kept_start), min(end, kept_end)
                if lo >= hi:
                    continue
                if added and added[-1][1] == lo and added[-1][2] == rule:
                    added[-1][1] = hi
                else:
                    added.append([lo, hi, rule])
            taken_until = max(taken_until, end)
        if added:
            self.removals.extend(Removal(stage, rule, lo, hi, base[lo:hi]) for lo, hi, rule in added)
            self.removals.sort(key=_BY_START)
            self.text = "".join(base[s:e] for s, e in self._kept_intervals())

    def _kept_intervals(self) -> list[tuple[int, int]]:
        base = self._ensure_base()
        intervals, pos = [], 0
        for removal in sorted(self.removals, key=_BY_START):
            if removal.start > pos:
                intervals.append((pos, removal.start))
            pos = max(pos, removal.end)
        if pos < len(base):
            intervals.append((pos, len(base)))
        return intervals

    def removed_chars_by_rule(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for removal in self.removals:
            key = f"{removal.stage}.{removal.rule}"
            counts[key] = counts.get(key, 0) + removal.end - removal.start
        return dict(sorted(counts.items()))

    def iter_removals(self) -> Iterator[Removal]:
        return iter(sorted(self.removals, key=_BY_START))


_SPAN_ORDER = itemgetter(0, 1)  # (start, end) of a (start, end, rule) span
_BY_START = attrgetter("start")


def _overlapping(intervals: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The sorted, disjoint ``intervals`` that overlap ``[start, end)`` (binary search)."""
    first = bisect.bisect_right(intervals, (start, float("inf"))) - 1
    out = []
    for interval in islice(intervals, max(first, 0), None):
        if interval[0] >= end:
            break
        if interval[1] > start:
            out.append(interval)
    return out


def text_id(text: str) -> str:
    """An id for a document that came without one: the start of its text's sha256."""
    return sha256_hex(text.encode("utf-8", "surrogatepass"))[:16]


def source_file(source: str) -> str:
    """The input file of a document's ``source`` (JSONL sources are ``path:LINE``)."""
    return _LINE_SUFFIX.sub("", source)


_LINE_SUFFIX = re.compile(r":\d+$")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _with_orphaned_blanks(decisions: Mapping[int, str], lines: list[Line]) -> dict[int, str]:
    """Add the blank lines that removing ``decisions`` would leave doubled, leading or trailing.

    They go under the rule of the nearest removed line, so the kept text keeps single blank lines
    between paragraphs and the removal record still says why each character went.
    """
    out = dict(decisions)
    if not out:
        return out
    last_rule = next(iter(out.values()))
    previous_blank = True  # the start of the text counts as a blank line
    pending: list[int] = []
    for index, line in enumerate(lines):
        if index in decisions:
            last_rule = decisions[index]
            continue
        blank = not line.text.strip()
        if blank and previous_blank:
            out[index] = last_rule
        elif blank:
            pending = [index]
        else:
            pending = []
        previous_blank = blank or (previous_blank and index in out)
    for index in pending:  # a blank line left at the very end
        out[index] = last_rule
    return out
