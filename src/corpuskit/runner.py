"""One cleaning run from input paths to a complete output folder, with its manifest."""

from __future__ import annotations

import platform
import re
import time
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Callable, Iterable

from corpuskit import __version__
from corpuskit.config import Config
from corpuskit.document import Document
from corpuskit.pipeline import Pipeline
from corpuskit.readers import read_inputs
from corpuskit.writers import OutputWriter

_LINE_SUFFIX = re.compile(r":\d+$")
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
        file_counts = self.files.setdefault(_file_of(doc.source), {"documents": 0, "kept": 0, "rejected": 0})
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
        if doc.rejection.stage == "read":
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


def _file_of(source: str) -> str:
    return _LINE_SUFFIX.sub("", source)


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
) -> RunSummary:
    """Read ``inputs``, clean them, and write a complete output folder; returns the counts."""
    config = config or Config()
    pipeline = pipeline or Pipeline.from_config(config)
    out_dir = Path(out_dir)
    digest = config.digest()
    writer = OutputWriter(out_dir, digest)
    summary = RunSummary()
    started = time.perf_counter()
    try:
        for doc in pipeline.run(read_inputs(inputs, config.read)):
            writer.write(doc)
            summary.add(doc)
            if on_document:
                on_document(doc)
    except BaseException:
        writer.abort()
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
        "seconds": round(time.perf_counter() - started, 3),
        "versions": library_versions(),
    }
    writer.commit(manifest)
    if report:
        write_review_report(out_dir)
    return summary


def write_review_report(out_dir: Path) -> None:
    from corpuskit.report import write_report

    write_report(out_dir, "html")
