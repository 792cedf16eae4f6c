"""Read a ``corpuskit clean`` output directory back into documents with their removed spans.

The report never trusts the pipeline's in-memory state: it works from the files a run left behind, so
a report can be regenerated (or a colleague's output reviewed) without cleaning again. The base text
of each document is rebuilt from its kept text and the removed spans, and every inconsistency found
while doing so is kept as a ``problem`` that the report shows instead of hiding.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # orjson is a corpuskit dependency; plain json keeps the report usable without it
    import orjson

    _loads = orjson.loads
except ImportError:  # pragma: no cover - exercised only where orjson is missing
    _loads = json.loads

CORPUS, REJECTED, REMOVED, MANIFEST = "corpus.jsonl", "rejected.jsonl", "removed.jsonl", "manifest.json"


@dataclass(slots=True, frozen=True)
class Span:
    """One line of ``removed.jsonl``: a removed piece of a document's base text."""

    stage: str
    rule: str
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.stage}.{self.rule}"


@dataclass(slots=True, frozen=True)
class Segment:
    """A run of base text that was either kept (``rule`` is None) or removed by ``rule``."""

    rule: str | None
    text: str
    start: int


@dataclass(slots=True)
class DocRecord:
    """A kept or rejected document with its base text rebuilt as kept and removed segments."""

    id: str
    source: str
    text: str  # the kept text (for a rejected document: its text when it was rejected)
    metadata: dict[str, Any]
    spans: list[Span]
    rejection: dict[str, Any] | None = None
    segments: list[Segment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    order: int = 0

    @property
    def kept(self) -> bool:
        return self.rejection is None

    @property
    def base_len(self) -> int:
        return sum(len(s.text) for s in self.segments)

    @property
    def removed_chars(self) -> int:
        return sum(len(s.text) for s in self.spans)

    @property
    def removed_share(self) -> float:
        """Share of the base text cut out by span removals (rejection not counted)."""
        total = self.base_len
        return self.removed_chars / total if total else 0.0

    @property
    def language(self) -> str:
        return str(self.metadata.get("language") or "")

    @property
    def cluster(self) -> str | None:
        cluster = self.metadata.get("dup_cluster")
        if cluster is None and self.rejection and self.rejection.get("duplicate_of"):
            cluster = self.rejection["duplicate_of"]
        return str(cluster) if cluster is not None else None

    @property
    def rule_keys(self) -> list[str]:
        return sorted({s.key for s in self.spans})


@dataclass(slots=True)
class Output:
    """Everything one output directory holds, in the order the report needs it."""

    path: Path
    manifest: dict[str, Any]
    docs: list[DocRecord]
    problems: list[str]
    span_count: int

    @property
    def config(self) -> dict[str, Any]:
        return dict(self.manifest.get("config") or {})


def reconstruct(kept: str, spans: list[Span]) -> tuple[list[Segment], list[str]]:
    """Interleave the kept text with the removed spans by offset; returns segments and problems.

    Each removed span becomes exactly one segment (adjacent spans are not merged), so a reviewer
    sees every removal, and a test can count them.
    """
    segments: list[Segment] = []
    problems: list[str] = []
    base_pos = kept_pos = 0
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if len(span.text) != span.end - span.start:
            problems.append(f"span {span.key} [{span.start}:{span.end}] has {len(span.text)} chars of text")
        if span.start < base_pos:
            problems.append(f"span {span.key} [{span.start}:{span.end}] overlaps the previous span")
        gap = max(0, span.start - base_pos)
        if kept_pos + gap > len(kept):
            problems.append(f"span {span.key} starts at {span.start}, past the end of the kept text")
        if gap:
            segments.append(Segment(None, kept[kept_pos : kept_pos + gap], base_pos))
        segments.append(Segment(span.key, span.text, span.start))
        kept_pos += gap
        base_pos = max(base_pos, span.start) + len(span.text)
    if kept_pos < len(kept):
        segments.append(Segment(None, kept[kept_pos:], base_pos))
    return segments, problems


def base_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def kept_text(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments if s.rule is None)


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """Yield ``(line number, record)``; a line that is not a JSON object yields None."""
    if not path.exists() and Path(str(path) + ".gz").exists():
        path = Path(str(path) + ".gz")
    if not path.exists():
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                record = _loads(line)
            except ValueError:
                yield number, None
                continue
            yield number, record if isinstance(record, dict) else None


def load_output(out_dir: str | Path) -> Output:
    """Read corpus, rejected, removed and manifest files of one run."""
    path = Path(out_dir)
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not a corpuskit output directory")
    problems: list[str] = []
    manifest: dict[str, Any] = {}
    if (path / MANIFEST).exists():
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except ValueError as exc:
            problems.append(f"{MANIFEST} is not valid JSON: {exc}")
    else:
        problems.append(f"{MANIFEST} is missing: counts come from the JSONL files only")

    spans_by_doc: dict[tuple[str, str], list[Span]] = {}
    span_count = 0
    for number, rec in iter_jsonl(path / REMOVED):
        span = _span(rec)
        if span is None or rec is None:
            problems.append(f"{REMOVED}:{number} is not a removed-span record")
            continue
        spans_by_doc.setdefault((str(rec.get("id")), str(rec.get("source") or "")), []).append(span)
        span_count += 1

    docs: list[DocRecord] = []
    for name, kept in ((CORPUS, True), (REJECTED, False)):
        for number, rec in iter_jsonl(path / name):
            if rec is None or not isinstance(rec.get("text", ""), str):
                problems.append(f"{name}:{number} is not a document record")
                continue
            docs.append(_doc(rec, kept, spans_by_doc, len(docs)))
    for (doc_id, _source), spans in spans_by_doc.items():
        problems.append(f"{len(spans)} removed span(s) of {doc_id!r} belong to no kept or rejected document")
    for doc in docs:
        problems.extend(f"{doc.id}: {p}" for p in doc.problems)
    return Output(path=path, manifest=manifest, docs=docs, problems=problems, span_count=span_count)


def _span(rec: dict[str, Any] | None) -> Span | None:
    if rec is None:
        return None
    try:
        return Span(str(rec["stage"]), str(rec["rule"]), int(rec["start"]), int(rec["end"]), str(rec["text"]))
    except (KeyError, TypeError, ValueError):
        return None


def _doc(
    rec: dict[str, Any], kept: bool, spans_by_doc: dict[tuple[str, str], list[Span]], order: int
) -> DocRecord:
    metadata = rec.get("metadata") if isinstance(rec.get("metadata"), dict) else {}
    doc_id = str(rec.get("id"))
    source = str(rec.get("source") or metadata.get("source") or "")
    spans = spans_by_doc.pop((doc_id, source), None)
    if spans is None:  # a writer that left ``source`` out of removed.jsonl: match on the id alone
        spans = spans_by_doc.pop((doc_id, ""), [])
    rejection = None
    if not kept:
        rejection = {k: rec.get(k) for k in ("stage", "reason", "value", "detail", "duplicate_of", "similarity")}
        rejection["reason"] = str(rejection.get("reason") or "unknown")
        rejection["stage"] = str(rejection.get("stage") or "")
    doc = DocRecord(doc_id, source, rec.get("text") or "", dict(metadata), spans, rejection, order=order)
    doc.segments, doc.problems = reconstruct(doc.text, spans)
    return doc
