"""Writers for the output folder: corpus, rejected, removed and manifest, written atomically.

Every file is written under a temporary name and renamed into place only when the run completes;
``manifest.json`` is removed first and renamed in last, so an output folder with a manifest is always
complete and one without it is not (a killed run leaves the previous complete output untouched until
the final renames).

The corpus can be sharded (``shard_size`` kept documents per file: ``corpus-00000.jsonl.gz``, ...),
compressed (gzip or zstd, written deterministically: no timestamps or names in the gzip header, so
equal runs give equal bytes) and written as Parquet for analytics tools . The
manifest's ``outputs`` lists every file written with its record count and size.
"""

from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from corpuskit import __version__
from corpuskit.document import Document

PRIVATE_PREFIX = "_"  # metadata keys stages keep for themselves (e.g. signatures) are not written


def dumps(record: Any) -> bytes:
    try:
        return orjson.dumps(record)
    except TypeError:  # lone surrogates or odd types from user metadata: fall back, never crash
        return json.dumps(record, ensure_ascii=True, default=str).encode()


def public_metadata(doc: Document) -> dict[str, Any]:
    return {k: v for k, v in doc.metadata.items() if not k.startswith(PRIVATE_PREFIX)}


def corpus_record(doc: Document, config_sha256: str) -> dict[str, Any]:
    metadata = public_metadata(doc)
    metadata["source"] = doc.source
    metadata.setdefault("language", None)
    metadata.setdefault("language_score", None)
    metadata.setdefault("dup_cluster", None)
    metadata["provenance"] = {
        "source_sha256": doc.source_sha256,
        "corpuskit_version": __version__,
        "config_sha256": config_sha256,
        "stages": list(doc.stages),
        "chars_in": doc.chars_in,
        "chars_out": len(doc.text),
        "removed_chars": doc.removed_chars_by_rule(),
    }
    return {"id": doc.id, "text": doc.text, "metadata": metadata}


def rejected_record(doc: Document) -> dict[str, Any]:
    rejection = doc.rejection
    assert rejection is not None
    return {
        "id": doc.id,
        "source": doc.source,
        "stage": rejection.stage,
        "reason": rejection.reason,
        "value": rejection.value,
        "detail": rejection.detail,
        "duplicate_of": rejection.duplicate_of,
        "similarity": rejection.similarity,
        "text": doc.text,
        "metadata": public_metadata(doc),
    }


COMPRESSIONS = ("none", "gzip", "zstd")
FORMATS = ("jsonl", "parquet")
_SUFFIX = {"none": "", "gzip": ".gz", "zstd": ".zst"}
_OUTPUT_GLOBS = ("corpus.jsonl*", "corpus-*.jsonl*", "corpus*.parquet", "rejected.jsonl*", "removed.jsonl*")
PARQUET_ROW_GROUP = 4096  # rows buffered before a Parquet row group is written: bounds memory


@dataclass(frozen=True)
class OutputOptions:
    """How the output folder is laid out; none of it changes a record, only files and bytes."""

    shard_size: int = 0  # kept documents per corpus file; 0 writes one file
    compression: str = ""  # none, gzip, zstd; "" means gzip when sharded, else none
    format: str = "jsonl"  # jsonl or parquet (corpus only; rejected/removed stay JSONL)

    @classmethod
    def from_run(cls, run: Any) -> OutputOptions:
        """The output fields of a ``RunOptions``."""
        return cls(shard_size=run.shard_size, compression=run.output_compression, format=run.output_format)

    def check(self) -> None:
        if self.shard_size < 0:
            raise ValueError(f"shard_size must be >= 0, not {self.shard_size}")
        if self.compression not in ("", *COMPRESSIONS):
            raise ValueError(f"unknown compression {self.compression!r}; known: {', '.join(COMPRESSIONS)}")
        if self.format not in FORMATS:
            raise ValueError(f"unknown output format {self.format!r}; known: {', '.join(FORMATS)}")

    def corpus_compression(self) -> str:
        return self.compression or ("gzip" if self.shard_size else "none")

    def side_compression(self) -> str:
        """rejected/removed are compressed only when asked: the review report reads them plain."""
        return self.compression or "none"


class _CompressedFile:
    """A binary file written through gzip/zstd (deterministic bytes) or plainly; fsynced on close."""

    def __init__(self, path: Path, compression: str) -> None:
        self.raw = open(path, "wb", buffering=1 << 20)
        self.stream: IO[bytes]
        if compression == "gzip":
            self.stream = gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=self.raw, mtime=0)
        elif compression == "zstd":
            import zstandard  # optional extra: corpuskit[zstd]

            self.stream = zstandard.ZstdCompressor(level=3).stream_writer(self.raw, closefd=False)
        else:
            self.stream = self.raw

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def close(self) -> None:
        if self.stream is not self.raw:
            self.stream.close()
        self.raw.flush()
        os.fsync(self.raw.fileno())
        self.raw.close()


class _Part:
    """One output file under its temporary name until ``publish``."""

    def __init__(self, out_dir: Path, name: str) -> None:
        self.final = out_dir / name
        self.tmp = out_dir / f".{name}.tmp-{os.getpid()}"
        self.documents = 0

    def publish(self) -> None:
        os.replace(self.tmp, self.final)

    def info(self) -> dict[str, dict[str, int]]:
        return {self.final.name: {"records": self.documents, "bytes": self.tmp.stat().st_size}}


class _Sink:
    """One output file under construction: subclasses write records and close their writer."""

    part: _Part

    def write_record(self, record: dict[str, Any]) -> None:
        raise NotImplementedError

    def _close_writer(self) -> None:
        """Flush and close the underlying writer (idempotent)."""
        raise NotImplementedError

    def close(self) -> dict[str, dict[str, int]]:
        self._close_writer()
        return self.part.info()

    def publish(self) -> None:
        self.part.publish()

    def discard(self) -> None:
        self._close_writer()
        self.part.tmp.unlink(missing_ok=True)


class RecordSink(_Sink):
    """``{stem}.jsonl[.gz|.zst]``: one JSON record per line, in write order."""

    def __init__(self, out_dir: Path, stem: str, compression: str, name: str | None = None) -> None:
        self.part = _Part(out_dir, name or f"{stem}.jsonl{_SUFFIX[compression]}")
        self.file: _CompressedFile | None = _CompressedFile(self.part.tmp, compression)

    def write_record(self, record: dict[str, Any]) -> None:
        self.write_records([record])

    def write_records(self, records: list[dict[str, Any]]) -> None:
        """Several records in one write (a document's removed spans)."""
        assert self.file is not None
        self.file.write(b"".join([dumps(record) + b"\n" for record in records]))
        self.part.documents += len(records)

    def _close_writer(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class _ParquetSink(_Sink):
    """``corpus[-NNNNN].parquet``: flat columns for filtering plus the full metadata as JSON."""

    def __init__(self, out_dir: Path, name: str, compression: str) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:  # optional extra
            raise RuntimeError("Parquet output needs: pip install 'corpuskit[parquet]'") from exc
        self._pa = pa
        self.schema = pa.schema([
            ("id", pa.string()), ("text", pa.string()), ("source", pa.string()), ("language", pa.string()),
            ("language_score", pa.float64()), ("dup_cluster", pa.string()), ("metadata", pa.string()),
        ])  # fmt: skip
        self.part = _Part(out_dir, name)
        self.writer: Any = pq.ParquetWriter(self.part.tmp, self.schema, compression=compression)
        self.rows: list[dict[str, Any]] = []

    def write_record(self, record: dict[str, Any]) -> None:
        meta = record["metadata"]
        self.rows.append({
            "id": record["id"], "text": record["text"], "source": meta.get("source"),
            "language": meta.get("language"), "language_score": meta.get("language_score"),
            "dup_cluster": meta.get("dup_cluster"), "metadata": dumps(meta).decode("utf-8", "surrogatepass"),
        })  # fmt: skip
        self.part.documents += 1
        if len(self.rows) >= PARQUET_ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(self._pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def _close_writer(self) -> None:
        if self.writer is not None:
            self._flush()
            self.writer.close()
            self.writer = None
            with open(self.part.tmp, "rb+") as fh:
                os.fsync(fh.fileno())


class ShardedSink:
    """The corpus: one file, or a new shard every ``shard_size`` kept documents (JSONL or Parquet)."""

    def __init__(self, out_dir: Path, stem: str, options: OutputOptions) -> None:
        self.out_dir, self.stem, self.options = out_dir, stem, options
        self.compression = options.corpus_compression()
        self.done: list[_Sink] = []
        self.current: _Sink | None = None
        if not options.shard_size:
            self.current = self._open(None)

    def _open(self, index: int | None) -> _Sink:
        stem = self.stem if index is None else f"{self.stem}-{index:05d}"
        if self.options.format == "parquet":
            return _ParquetSink(self.out_dir, f"{stem}.parquet", self.compression)
        return RecordSink(self.out_dir, stem, self.compression)

    def write_record(self, record: dict[str, Any]) -> None:
        size = self.options.shard_size
        if self.current is None or (size and self.current.part.documents >= size):
            if self.current is not None:
                self.current.close()
                self.done.append(self.current)
            self.current = self._open(len(self.done))
        self.current.write_record(record)

    def _all(self) -> list[_Sink]:
        return self.done + ([self.current] if self.current is not None else [])

    def close(self) -> dict[str, dict[str, int]]:
        if self.current is None:  # sharded and nothing kept: still write one (empty) shard
            self.current = self._open(0)
        outputs: dict[str, dict[str, int]] = {}
        for sink in self._all():
            outputs.update(sink.close())
        return outputs

    def publish(self) -> None:
        for sink in self._all():
            sink.publish()

    def discard(self) -> None:
        for sink in self._all():
            sink.discard()


def clear_outputs(out_dir: Path, keep: set[str]) -> None:
    """Delete corpus/rejected/removed files of an earlier run that this run does not overwrite."""
    for pattern in _OUTPUT_GLOBS:
        for path in out_dir.glob(pattern):
            if path.name not in keep and path.is_file():
                path.unlink()


class OutputWriter:
    """Streams records into temporary files in ``out_dir``; ``commit`` makes them visible."""

    def __init__(self, out_dir: str | Path, config_sha256: str, options: OutputOptions | None = None) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.config_sha256 = config_sha256
        self.options = options or OutputOptions()
        self.options.check()
        self._corpus = ShardedSink(self.out_dir, "corpus", self.options)
        side = self.options.side_compression()
        self._rejected = RecordSink(self.out_dir, "rejected", side)
        self._removed = RecordSink(self.out_dir, "removed", side)

    def write(self, doc: Document) -> None:
        if doc.rejected:
            self._rejected.write_record(rejected_record(doc))
        else:
            self._corpus.write_record(corpus_record(doc, self.config_sha256))
        rows = [
            {"id": doc.id, "source": doc.source, "stage": r.stage, "rule": r.rule,
             "start": r.start, "end": r.end, "text": r.text}
            for r in doc.iter_removals()
        ]  # fmt: skip
        if rows:
            self._removed.write_records(rows)

    def commit(self, manifest: dict[str, Any]) -> None:
        """Close, fsync and rename every file into place, the manifest last.

        Files of an earlier run that this run does not replace (e.g. more shards, another format)
        are deleted once the old manifest is gone, so the folder never mixes two runs.
        """
        sinks = [self._corpus, self._rejected, self._removed]
        outputs: dict[str, dict[str, int]] = {}
        for sink in sinks:
            outputs.update(sink.close())
        (self.out_dir / "manifest.json").unlink(missing_ok=True)
        clear_outputs(self.out_dir, keep=set(outputs))
        for sink in sinks:
            sink.publish()
        manifest = dict(manifest, outputs=dict(sorted(outputs.items())))
        write_atomic(self.out_dir / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    def abort(self) -> None:
        for sink in (self._corpus, self._rejected, self._removed):
            sink.discard()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
