"""Pipeline: compose stages and stream documents through them.

Consecutive per-document stages run as one batch step on the executor. A corpus stage splits the
stream: its ``prepare`` joins the preceding batch step (so signatures are computed in the workers),
documents are spilled to a temporary file while it observes them, and a second pass reads the spill
back and applies its decision. Memory is bounded by the batch and the corpus stages' own state
(signatures, line hashes), never by the documents.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from corpuskit.config import Config
from corpuskit.document import Document
from corpuskit.executors import LocalExecutor, executor_for
from corpuskit.options import ConfigError
from corpuskit.stages.base import CorpusStage, DocLike, DocumentStage
from corpuskit.stats import StageStats

Stage = DocumentStage | CorpusStage


def build_stage(name: str, config: Config) -> Stage:
    """The stage called ``name``, configured from its section of ``config``."""
    from corpuskit.neardup import NearDup
    from corpuskit.stages.boilerplate import Boilerplate
    from corpuskit.stages.language import Language
    from corpuskit.stages.normalize import Normalize
    from corpuskit.stages.quality import Quality
    from corpuskit.stages.repetition import Repetition
    from corpuskit.stages.site_repetition import SiteRepetition

    factories = {
        "normalize": lambda: Normalize(config.normalize),
        "boilerplate": lambda: Boilerplate(config.boilerplate),
        "repetition": lambda: Repetition(config.repetition),
        "site_repetition": lambda: SiteRepetition(config.site_repetition),
        "language": lambda: Language(config.language),
        "quality": lambda: Quality(config.quality),
        "neardup": lambda: NearDup(config.neardup),
    }
    if name not in factories:
        raise ConfigError(f"unknown stage {name!r} in [run] stages; known: {', '.join(sorted(factories))}")
    return factories[name]()


class Prepare(DocumentStage):
    """Runs a corpus stage's per-document ``prepare`` inside a batch step."""

    def __init__(self, stage: CorpusStage) -> None:
        self.corpus_stage = stage
        self.name = f"{stage.name}.prepare"
        self.stats = StageStats(self.name)

    def run_one(self, doc: Document) -> Document:
        return self.corpus_stage.run_prepare(doc)

    def run_batch(self, docs: list[Document]) -> list[Document]:
        return self.corpus_stage.run_prepare_batch(docs)


class Pipeline:
    """An ordered list of stages; ``run`` streams documents (Documents, dicts or strings) through it."""

    def __init__(
        self,
        stages: Sequence[Stage],
        config: Config | None = None,
        executor=None,
        prepared: Sequence[Stage] = (),
    ) -> None:
        self.stages = list(stages)
        self.config = config or Config()
        self.executor = executor or LocalExecutor()
        self._prepared = {id(stage) for stage in prepared}  # corpus stages whose prepare ran upstream

    @classmethod
    def from_config(cls, config: Config | None = None, executor=None) -> Pipeline:
        config = config or Config()
        stages = [build_stage(name, config) for name in config.run.stages]
        return cls(stages, config, executor or executor_for(config.run))

    def run(self, docs: Iterable[DocLike]) -> Iterator[Document]:
        """Every input document comes out exactly once, kept or with ``doc.rejection`` set, in order."""
        stream: Iterable[Document] = _unique_ids(Document.coerce(item) for item in docs)
        pending: list[DocumentStage] = []
        for stage in self.stages:
            if isinstance(stage, CorpusStage):
                if id(stage) not in self._prepared:
                    pending.append(Prepare(stage))
                if pending:
                    stream = self._batch_step(pending, stream)
                stream = self._corpus_pass(stage, stream)
                pending = []
            else:
                pending.append(stage)
        return self._batch_step(pending, stream) if pending else iter(stream)

    def _batch_step(self, stages: list[DocumentStage], stream: Iterable[Document]) -> Iterator[Document]:
        return self.executor.map_batches(stages, stream, self.config.run.batch_size)

    def _corpus_pass(self, stage: CorpusStage, stream: Iterable[Document]) -> Iterator[Document]:
        with tempfile.TemporaryFile(prefix="corpuskit-spill-") as spill:
            count = 0
            for doc in stream:
                stage.run_observe(doc)
                pickle.dump(doc, spill, protocol=pickle.HIGHEST_PROTOCOL)
                count += 1
            finalize = getattr(self.executor, "finalize", None)  # e.g. Dask runs the dedup phases
            if finalize is not None:
                finalize(stage)
            else:
                stage.run_finalize()
            spill.seek(0)
            for _ in range(count):
                yield stage.run_apply(pickle.load(spill))

    def stage_stats(self) -> dict[str, dict]:
        return {stage.name: stage.stats.to_dict() for stage in self.stages}

    def close(self) -> None:
        self.executor.close()


def _unique_ids(docs: Iterable[Document]) -> Iterator[Document]:
    """Give a repeated id a ``#N`` suffix, so that ``duplicate_of`` and report anchors are unambiguous."""
    seen: set[str] = set()
    for doc in docs:
        if doc.id in seen:
            n = 2
            while f"{doc.id}#{n}" in seen:
                n += 1
            doc.id = f"{doc.id}#{n}"
        seen.add(doc.id)
        yield doc


def clean_text(text: str, config: Config | None = None) -> str:
    """Clean one string with the per-document stages (no near-duplicates, no language filter)."""
    config = config or Config()
    names = [n for n in config.run.stages if n not in ("neardup", "site_repetition")]
    pipeline = Pipeline([build_stage(n, config) for n in names], config)
    doc = next(pipeline.run([Document(text=text, id="text")]))
    return doc.text
