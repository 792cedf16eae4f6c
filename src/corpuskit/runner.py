"""One cleaning run from input paths to a complete output folder, with its manifest."""

from __future__ import annotations

import logging
import os
import platform
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from itertools import islice
from pathlib import Path
from typing import Any

from corpuskit import __version__
from corpuskit.checkpoint import CHECKPOINT_DIR, Checkpoint
from corpuskit.config import Config
from corpuskit.document import Document, source_file
from corpuskit.pipeline import Pipeline, Prepare, Stage
from corpuskit.readers import EMPTY_REASONS, InputFile, expand_inputs, read_file_safely
from corpuskit.stages.base import CorpusStage, DocumentStage
from corpuskit.writers import OutputOptions, OutputWriter

log = logging.getLogger(__name__)
LIBRARIES = ("trafilatura", "ftfy", "langdetect", "datasketch", "numpy", "orjson")


@dataclass
class RunSummary:
    """Counts of one run; ``documents_in == kept + rejected`` always holds."""

    documents_in: int = 0
    kept: int = 0
    rejected: int = 0
    unreadable: int = 0
    chars_in: int = 0
    chars_out: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=dict)
    removed_chars_by_rule: dict[str, int] = field(default_factory=dict)
    files: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, doc: Document) -> None:
        self.documents_in += 1
        self.chars_in += max(doc.chars_in, 0)
        file_counts = self.files.setdefault(source_file(doc.source), {"documents": 0, "kept": 0, "rejected": 0})
        file_counts["documents"] += 1
        for rule, count in doc.removed_chars_by_rule().items():
            self.removed_chars_by_rule[rule] = self.removed_chars_by_rule.get(rule, 0) + count
        if doc.rejection is None:
            self.kept += 1
            self.chars_out += len(doc.text)
            file_counts["kept"] += 1
            return
        self.rejected += 1
        file_counts["rejected"] += 1
        key = f"{doc.rejection.stage}.{doc.rejection.reason}"
        self.rejected_by_reason[key] = self.rejected_by_reason.get(key, 0) + 1
        if doc.rejection.stage == "read" and doc.rejection.reason not in EMPTY_REASONS:
            self.unreadable += 1

    def counts(self) -> dict[str, Any]:
        return {
            "documents_in": self.documents_in,
            "kept": self.kept,
            "rejected": self.rejected,
            "unreadable": self.unreadable,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "chars_removed": self.chars_in - self.chars_out,
        }

    def line(self) -> str:
        return (
            f"{self.documents_in} documents in, {self.kept} kept, {self.rejected} rejected"
            f" ({self.unreadable} unreadable), {self.chars_in - self.chars_out:,} of {self.chars_in:,} chars removed"
        )


def library_versions() -> dict[str, str]:
    versions = {"corpuskit": __version__, "python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def clean_to_dir(
    inputs: Iterable[str],
    out_dir: str | Path,
    config: Config | None = None,
    pipeline: Pipeline | None = None,
    on_document: Callable[[Document], None] | None = None,
    report: bool = True,
    resume: bool = False,
) -> RunSummary:
    """Read ``inputs``, clean them, and write a complete output folder; returns the counts.

    With ``resume``, input files finished by an earlier killed run into the same ``out_dir`` (same
    config) are taken from its checkpoint instead of being read and cleaned again; the outputs are
    byte-identical to an uninterrupted run either way.
    """
    config = config or Config()
    pipeline = pipeline or Pipeline.from_config(config)
    out_dir = Path(out_dir)
    digest = config.digest()
    remove_stale_temporaries(out_dir)
    writer = OutputWriter(out_dir, digest, OutputOptions.from_run(config.run))
    prefix, rest = split_stages(pipeline.stages)
    checkpoint = Checkpoint(out_dir / CHECKPOINT_DIR, digest, [s.name for s in prefix], resume)
    summary = RunSummary()
    started = time.perf_counter()
    try:
        docs = _checkpointed(list(expand_inputs(inputs)), prefix, pipeline, checkpoint)
        for doc in Pipeline(rest, config, pipeline.executor, prepared=rest[:1]).run(docs):
            writer.write(doc)
            summary.add(doc)
            if on_document:
                on_document(doc)
    except BaseException:
        writer.abort()
        checkpoint.close()
        raise
    finally:
        pipeline.close()
    manifest = {
        "corpuskit_version": __version__,
        "config": config.to_dict(),
        "config_sha256": digest,
        "counts": summary.counts(),
        "removed_chars_by_rule": dict(sorted(summary.removed_chars_by_rule.items())),
        "files": summary.files,
        "stages": pipeline.stage_stats(),
        "resumed": {"files": checkpoint.resumed_files, "documents": checkpoint.resumed_documents},
        "seconds": round(time.perf_counter() - started, 3),
        "versions": library_versions(),
    }
    writer.commit(manifest)
    checkpoint.remove()
    if report and _plain_output(config):
        write_review_report(out_dir)
    elif report:
        log.warning("no report.html: the review report reads a single plain corpus.jsonl (not shards or Parquet)")
    return summary


def _plain_output(config: Config) -> bool:
    run = config.run
    return not run.shard_size and run.output_format == "jsonl" and run.output_compression in ("", "none")


def split_stages(stages: Sequence[Stage]) -> tuple[list[DocumentStage], list[Stage]]:
    """The per-document work before the first corpus stage (checkpointed), and the rest.

    The first corpus stage's ``prepare`` (e.g. near-duplicate signatures) joins the checkpointed
    part, so documents make one trip through the workers, not two.
    """
    for i, stage in enumerate(stages):
        if isinstance(stage, CorpusStage):
            return [*stages[:i], Prepare(stage)], list(stages[i:])  # type: ignore[list-item]
    return list(stages), []  # type: ignore[arg-type]


def _checkpointed(
    items: list[InputFile | Document], prefix: list[DocumentStage], pipeline: Pipeline, checkpoint: Checkpoint
) -> Iterator[Document]:
    """Documents of ``items`` in order after the ``prefix`` stages: from the checkpoint where an
    earlier run stored them, else read and cleaned (in the pipeline's executor) and stored."""
    done = {i: checkpoint.done(item.path) for i, item in enumerate(items) if isinstance(item, InputFile)}

    def to_process() -> Iterator[Document]:
        for i, item in enumerate(items):
            if i in done and done[i].complete:
                continue
            if isinstance(item, Document):
                docs: Iterable[Document] = [item]
            else:  # skip what the checkpoint holds: reading is deterministic, so the rest follows
                docs = islice(read_file_safely(item, pipeline.config.read), done[i].documents, None)
            for doc in docs:
                doc.metadata[_UNIT] = i
                yield doc

    stream = to_process()
    processed = pipeline.executor.map_batches(prefix, stream, pipeline.config.run.batch_size) if prefix else stream
    upcoming = next(processed, None)
    for i, item in enumerate(items):
        stored = done.get(i)
        if stored and stored.documents:
            yield from checkpoint.load(item.path)  # type: ignore[union-attr]
        if stored and stored.complete:
            continue
        if isinstance(item, InputFile):
            checkpoint.begin(item.path, stored.documents if stored else 0)
        while upcoming is not None and upcoming.metadata.get(_UNIT) == i:
            doc, upcoming = upcoming, None
            del doc.metadata[_UNIT]
            if isinstance(item, InputFile):
                checkpoint.add(doc)
            yield doc
            upcoming = next(processed, None)
        if isinstance(item, InputFile):
            checkpoint.finish()


_UNIT = "_corpuskit_unit"  # private metadata key: which input a document came from, while in flight
_TMP_NAME = re.compile(r"^\..+\.tmp-(\d+)$")


def remove_stale_temporaries(out_dir: Path) -> None:
    """Delete temporary output files left by a killed run (their process is gone)."""
    if not out_dir.is_dir():
        return
    for path in out_dir.iterdir():
        match = _TMP_NAME.match(path.name)
        if match and not _process_alive(int(match.group(1))):
            path.unlink(missing_ok=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_review_report(out_dir: Path) -> None:
    from corpuskit.report import write_report

    write_report(out_dir, "html")
