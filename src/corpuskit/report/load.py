"""Read a ``corpuskit clean`` output directory back, one document at a time, with its removed spans.

The report never trusts the pipeline's in-memory state: it works from the files a run left behind, so
a report can be regenerated (or a colleague's output reviewed) without cleaning again. The base text
of each document is rebuilt from its kept text and the removed spans, and every inconsistency found
while doing so is kept as a ``problem`` that the report shows instead of hiding. Documents are
streamed, never all loaded: memory stays flat however large the run (see ``Output``).
"""

from __future__ import annotations

import gc
import gzip
import json
import shutil
import tempfile
from array import array
from collections.abc import Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any, NamedTuple

import numpy as np

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

    def light(self, keep_spans: bool = False) -> DocRecord:
        """A copy without the text (and without the spans unless asked): what a report keeps of a
        document it may show later, once the pass over the run has moved on."""
        return replace(self, text="", spans=list(self.spans) if keep_spans else [])

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
    path = _plain_or_gz(path)
    if not path.exists():
        return
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                yield number, _record(line)


def _plain_or_gz(path: Path) -> Path:
    """``path``, or ``path.gz`` where only that exists (side files written with compression)."""
    packed = Path(str(path) + ".gz")
    return packed if not path.exists() and packed.exists() else path


def _record(line: bytes) -> dict[str, Any] | None:
    try:
        record = _loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


@contextmanager
def without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic objects.

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


class Problems:
    """Inconsistencies found in the files, in the order found; past ``limit`` they are only counted,
    so a badly broken run cannot fill memory with messages."""

    def __init__(self, found: Iterable[str] = (), limit: int = 1000) -> None:
        self.limit = limit
        self.items: list[str] = []
        self.more = 0
        for problem in found:
            self.add(problem)

    def add(self, problem: str) -> None:
        if len(self.items) < self.limit:
            self.items.append(problem)
        else:
            self.more += 1

    def listed(self) -> list[str]:
        """The problems kept, and a last line counting the others."""
        return self.items + ([f"... and {self.more:,} more problems"] if self.more else [])


class SpanIndex:
    """Where each document's lines of ``removed.jsonl`` are: the byte offset and size of each
    contiguous run of its spans, found by a hash of (id, source).

    The writer puts a document's spans together, so a document usually has one run: about 36 bytes
    of arrays per document with removals, while the spans themselves stay on disk and are read back
    for the document in hand. A hash collision costs nothing but a skipped line: every line read is
    checked against the id and source asked for.
    """

    def __init__(self, path: Path | None) -> None:
        self.offsets = array("q")
        self.sizes = array("q")  # bytes
        self.seen = array("i")  # the pass that last read each run (spans belong to one document)
        self.span_count = 0
        self.problems = Problems()
        self._file: IO[bytes] | None = None
        found = array("q")  # each run's hash of (id, source), in file order
        if path is not None:
            self._file = _seekable(path)
            found = self._scan(self._file)
        hashes = np.frombuffer(found, dtype=np.int64) if found else np.zeros(0, np.int64)
        self._by_hash = np.argsort(hashes, kind="stable")  # runs in hash order, file order within one
        self._sorted = hashes[self._by_hash]

    def _scan(self, fh: IO[bytes]) -> array:
        """Index the runs of ``fh``; returns each run's key hash."""
        hashes = array("q")
        offset = 0
        extends: tuple[str, str] | None = None  # the (id, source) whose run the next line may extend
        for number, line in enumerate(fh, 1):
            start, offset = offset, offset + len(line)
            if not line.strip():
                if extends is not None:
                    self.sizes[-1] += len(line)
                continue
            rec = _record(line)
            span = _span(rec)
            if span is None or rec is None:
                self.problems.add(f"{REMOVED}:{number} is not a removed-span record")
                extends = None
                continue
            self.span_count += 1
            key = (str(rec.get("id")), str(rec.get("source") or ""))
            if key == extends:
                self.sizes[-1] += len(line)
                continue
            extends = key
            hashes.append(hash(key))
            self.offsets.append(start)
            self.sizes.append(len(line))
            self.seen.append(0)
        return hashes

    def take(self, doc_id: str, source: str, pass_number: int) -> list[Span] | None:
        """The spans of (doc_id, source) not yet taken in this pass; None when it has none at all."""
        key = hash((doc_id, source))
        i = int(np.searchsorted(self._sorted, key))
        spans: list[Span] = []
        found = False
        while i < len(self._sorted) and self._sorted[i] == key:
            run = int(self._by_hash[i])
            i += 1
            if self.seen[run] == pass_number:
                continue
            run_spans = [span for rid, rsource, span in self._read(run) if rid == doc_id and rsource == source]
            if run_spans:
                found = True
                self.seen[run] = pass_number
                spans.extend(run_spans)
        return spans if found else None

    def _read(self, run: int) -> list[tuple[str, str, Span]]:
        """(id, source, span) of each line of one run (read in one piece: runs are short)."""
        fh = self._file
        assert fh is not None
        fh.seek(self.offsets[run])
        found = []
        for line in fh.read(self.sizes[run]).splitlines():
            rec = _record(line)
            span = _span(rec)
            if span is not None and rec is not None:
                found.append((str(rec.get("id")), str(rec.get("source") or ""), span))
        return found

    def leftover(self, pass_number: int) -> Iterator[tuple[str, int]]:
        """(id, span count) of each document whose spans no document of this pass took."""
        counts: dict[str, int] = {}
        for run in range(len(self.offsets)):
            if self.seen[run] != pass_number:
                for doc_id, _, _ in self._read(run):
                    counts[doc_id] = counts.get(doc_id, 0) + 1
        return iter(counts.items())

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def _seekable(path: Path) -> IO[bytes]:
    """The file, or for ``.gz`` its content in an anonymous temporary file: gzip seeks backwards by
    decompressing again from the start."""
    if path.suffix != ".gz":
        return open(path, "rb")
    plain = tempfile.TemporaryFile()
    with gzip.open(path, "rb") as src:
        shutil.copyfileobj(src, plain)
    plain.seek(0)
    return plain


@dataclass
class Output:
    """One output directory: its manifest, and its documents read back one at a time.

    Nothing document-sized is held: ``documents()`` streams ``corpus.jsonl`` then ``rejected.jsonl``
    and joins each document with its removed spans through a ``SpanIndex``, so a report over a
    million documents needs the memory of one document plus the index (documented in
    docs/report.md).
    """

    path: Path
    manifest: dict[str, Any]
    problems: list[str]  # found before reading documents: manifest and removed.jsonl lines
    spans: SpanIndex
    passes: int = 0

    @property
    def span_count(self) -> int:
        return self.spans.span_count

    @property
    def config(self) -> dict[str, Any]:
        return dict(self.manifest.get("config") or {})

    def documents(self, problems: Problems | None = None, only: Container[int] | None = None) -> Iterator[DocRecord]:
        """Every kept document, then every rejected one, each with its spans (``order`` counts
        them from 0); a problem found on the way (a bad line, spans that do not fit, spans no
        document claims) goes to ``problems``. ``only``: yield just the documents of these orders
        (the others are parsed, to count them, but not joined with their spans)."""
        self.passes += 1
        sink = problems if problems is not None else Problems()
        order = 0
        for name, kept in ((CORPUS, True), (REJECTED, False)):
            for number, rec in iter_jsonl(self.path / name):
                if rec is None or not isinstance(rec.get("text", ""), str):
                    sink.add(f"{name}:{number} is not a document record")
                    continue
                if only is None or order in only:
                    doc = _doc(rec, kept, self.spans, self.passes, order)
                    for problem in doc.problems:
                        sink.add(f"{doc.id}: {problem}")
                    yield doc
                order += 1
        if only is None:
            for doc_id, count in self.spans.leftover(self.passes):
                sink.add(f"{count} removed span(s) of {doc_id!r} belong to no kept or rejected document")

    def close(self) -> None:
        self.spans.close()

    def __enter__(self) -> Output:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load_output(out_dir: str | Path) -> Output:
    """Read the manifest of one run and index its removed spans; documents are read on demand."""
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
    removed = _plain_or_gz(path / REMOVED)
    with without_gc():
        spans = SpanIndex(removed if removed.exists() else None)
    return Output(path, manifest, problems + spans.problems.listed(), spans)


def _span(rec: dict[str, Any] | None) -> Span | None:
    if rec is None:
        return None
    try:
        return Span(str(rec["stage"]), str(rec["rule"]), int(rec["start"]), int(rec["end"]), str(rec["text"]))
    except (KeyError, TypeError, ValueError):
        return None


def _doc(rec: dict[str, Any], kept: bool, index: SpanIndex, pass_number: int, order: int) -> DocRecord:
    metadata = rec.get("metadata") if isinstance(rec.get("metadata"), dict) else {}
    doc_id = str(rec.get("id"))
    source = str(rec.get("source") or metadata.get("source") or "")
    spans = index.take(doc_id, source, pass_number)
    if spans is None:  # a writer that left ``source`` out of removed.jsonl: match on the id alone
        spans = index.take(doc_id, "", pass_number) or []
    rejection = None
    if not kept:
        rejection = {k: rec.get(k) for k in ("stage", "reason", "value", "detail", "duplicate_of", "similarity")}
        rejection["reason"] = str(rejection.get("reason") or "unknown")
        rejection["stage"] = str(rejection.get("stage") or "")
    doc = DocRecord(doc_id, source, rec.get("text") or "", dict(metadata), spans, rejection, order=order)
    doc.rebuild()
    return doc
