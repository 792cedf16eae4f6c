"""The two stage shapes every step of corpuskit follows.

``DocumentStage`` looks at one document at a time (so it can run in any worker); ``CorpusStage`` needs
to see the whole corpus first (near-duplicates, repeated site furniture) and so works in phases:
``prepare`` (per document, in workers), ``observe`` (in order, in one process), ``finalize``, then
``apply`` (per document, in a second streaming pass). Both are callables on iterables of documents, so
they compose with other people's pipelines; plain dicts and strings are accepted and coerced.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from corpuskit.document import Document
from corpuskit.options import ConfigError
from corpuskit.stats import StageStats

DocLike = Document | Mapping[str, Any] | str
log = logging.getLogger(__name__)


def _fail(doc: Document, stage: str, exc: Exception) -> None:
    """A bug or an input no stage foresaw must cost one document, not the run: reject it, say why.

    A configuration error is not the document's fault: it stops the run (exit code 2).
    """
    if isinstance(exc, ConfigError):
        raise exc
    log.warning("%s: stage %s failed: %s: %s", doc.source or doc.id, stage, type(exc).__name__, exc)
    doc.reject(stage, "stage_error", detail=f"{type(exc).__name__}: {exc}"[:500])


def _run_step(name: str, stats: StageStats, step: Callable[[Document], None], doc: Document) -> Document:
    """Run one stage step on a document not yet rejected: guarded, recorded in its history, timed."""
    if doc.rejected:
        return doc
    started = time.perf_counter()
    before = len(doc.text)
    try:
        step(doc)
    except Exception as exc:  # noqa: BLE001 - see _fail
        _fail(doc, name, exc)
    doc.stages.append(name)
    stats.record(doc, before, time.perf_counter() - started)
    return doc


class DocumentStage:
    """A per-document step: subclasses set ``name`` and implement ``process``."""

    name = "stage"

    def __init__(self) -> None:
        self.stats = StageStats(self.name)

    def process(self, doc: Document) -> None:
        raise NotImplementedError

    def run_one(self, doc: Document) -> Document:
        """Process one document unless an earlier stage rejected it; count and time the work."""
        return _run_step(self.name, self.stats, self.process, doc)

    def run_batch(self, docs: list[Document]) -> list[Document]:
        """``run_one`` over a batch; stages with a vectorised path override it."""
        return [self.run_one(doc) for doc in docs]

    def __call__(self, docs: Iterable[DocLike]) -> Iterator[Document]:
        for item in docs:
            yield self.run_one(Document.coerce(item))


class CorpusStage:
    """A step that decides from the whole corpus; see the module docstring for its phases."""

    name = "corpus_stage"

    def __init__(self) -> None:
        self.stats = StageStats(self.name)

    def prepare(self, doc: Document) -> None:
        """Per-document work that can run in a worker (e.g. a signature), stored on ``doc.metadata``."""

    def prepare_batch(self, docs: list[Document]) -> None:
        """``prepare`` for a batch of documents not rejected; override to vectorise it."""
        for doc in docs:
            self.prepare(doc)

    def observe(self, doc: Document) -> None:
        raise NotImplementedError

    def finalize(self) -> None:
        """Called once after every document was observed."""

    def apply(self, doc: Document) -> None:
        raise NotImplementedError

    def run_prepare(self, doc: Document) -> Document:
        if not doc.rejected:
            started = time.perf_counter()
            try:
                self.prepare(doc)
            except Exception as exc:  # noqa: BLE001 - see _fail
                _fail(doc, self.name, exc)
            self.stats.seconds += time.perf_counter() - started
        return doc

    def run_prepare_batch(self, docs: list[Document]) -> list[Document]:
        """``prepare_batch`` on the live documents; if it fails, each goes alone (one bad document
        costs only itself)."""
        live = [doc for doc in docs if not doc.rejected]
        started = time.perf_counter()
        try:
            self.prepare_batch(live)
        except Exception:  # noqa: BLE001 - retried one by one, where failures are recorded
            self.stats.seconds += time.perf_counter() - started
            return [self.run_prepare(doc) for doc in docs]
        self.stats.seconds += time.perf_counter() - started
        return docs

    def run_observe(self, doc: Document) -> None:
        if not doc.rejected:
            started = time.perf_counter()
            self.observe(doc)
            self.stats.seconds += time.perf_counter() - started

    def run_finalize(self) -> None:
        started = time.perf_counter()
        self.finalize()
        self.stats.seconds += time.perf_counter() - started

    def run_apply(self, doc: Document) -> Document:
        return _run_step(self.name, self.stats, self.apply, doc)

    def __call__(self, docs: Iterable[DocLike]) -> Iterator[Document]:
        """In-memory use: holds the documents; the pipeline streams through a spill file instead."""
        held = [self.run_prepare(Document.coerce(item)) for item in docs]
        for doc in held:
            self.run_observe(doc)
        self.run_finalize()
        for doc in held:
            yield self.run_apply(doc)
