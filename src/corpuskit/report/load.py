"""Read a ``corpuskit clean`` output directory back into documents with their removed spans.

The report never trusts the pipeline's in-memory state: it works from the files a run left behind, so
a report can be regenerated (or a colleague's output reviewed) without cleaning again. The base text
of each document is rebuilt from its kept text and the removed spans, and every inconsistency found
while doing so is kept as a ``problem`` that the report shows instead of hiding.
"""

from __future__ import annotations

import gc
import gzip
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

try:  # orjson is a corpuskit dependency; plain json keeps the report usable without it
    import orjson

    _loads = orjson.loads
except ImportError:  # pragma: no cover - exercised only where orjson is missing
    _loads = json.loads

CORPUS, REJECTED, REMOVED, MANIFEST = "corpus.jsonl", "rejected.jsonl", "removed.jsonl", "manifest.json"


class Span(NamedTuple):
    """One line of ``removed.jsonl``: a removed piece of a document's base text.

    A NamedTuple, not a dataclass: a large run has millions of spans, and tuples are cheap to make.
    """

    stage: str
    rule: str
    start: int
    end: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.stage}.{self.rule}"


class Segment(NamedTuple):
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
    problems: list[str] = field(default_factory=list)
    order: int = 0
    base_len: int = 0
    removed_chars: int = 0
    rule_stats: dict[str, list[int]] = field(default_factory=dict)  # "stage.rule" -> [chars, spans]

    def rebuild(self) -> None:
        """Check the spans against the kept text and count them per rule.

        Segments are not kept: for a large run they would hold a second copy of every document, and
        the report needs them only for the documents it shows.
        """
        self.spans.sort(key=lambda s: (s.start, s.end))
        self.problems = check_spans(len(self.text), self.spans)
        self.rule_stats = {}
        for span in self.spans:
            stats = self.rule_stats.setdefault(span.key, [0, 0])
            stats[0] += len(span.text)
            stats[1] += 1
        self.removed_chars = sum(chars for chars, _ in self.rule_stats.values())
        self.base_len = len(self.text) + self.removed_chars

    @property
    def segments(self) -> list[Segment]:
        """The base text as kept and removed segments, in order (built on each call)."""
        return reconstruct(self.text, self.spans)[0]

    @property
    def kept(self) -> bool:
        return self.rejection is None

    @property
    def removed_share(self) -> float:
        """Share of the base text cut out by span removals (rejection not counted)."""
        return self.removed_chars / self.base_len if self.base_len else 0.0

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
        return sorted(self.rule_stats)


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


def check_spans(kept_len: int, spans: list[Span]) -> list[str]:
    """The problems ``reconstruct`` would find, without building segments (spans sorted by start)."""
    problems: list[str] = []
    base_pos = kept_pos = 0
    for span in spans:
        size = len(span.text)
        if size != span.end - span.start or span.start < base_pos or kept_pos + span.start - base_pos > kept_len:
            return reconstruct("\0" * kept_len, spans)[1]  # rare: let the full pass word the problems
        kept_pos += span.start - base_pos
        base_pos = span.start + size
    return problems


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


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of small acyclic objects.

    Its repeated full passes over a growing heap cost more than half the time of loading a large
    run; the objects made here (tuples, dicts, strings) hold no reference cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_output(out_dir: str | Path) -> Output:
    """Read corpus, rejected, removed and manifest files of one run."""
    with without_gc():
        return _load_output(Path(out_dir))


def _load_output(path: Path) -> Output:
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
    doc.rebuild()
    return doc
