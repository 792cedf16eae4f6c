"""Writers for the output folder: corpus, rejected, removed and manifest, written atomically.

Every file is written under a temporary name and renamed into place only when the run completes;
``manifest.json`` is removed first and renamed in last, so an output folder with a manifest is always
complete and one without it is not (a killed run leaves the previous complete output untouched until
the final renames).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

import orjson

from corpuskit import __version__
from corpuskit.document import Document

OUTPUT_FILES = ("corpus.jsonl", "rejected.jsonl", "removed.jsonl")
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


class OutputWriter:
    """Streams records into temporary files in ``out_dir``; ``commit`` makes them visible."""

    def __init__(self, out_dir: str | Path, config_sha256: str) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.config_sha256 = config_sha256
        self._tmp = {name: self.out_dir / f".{name}.tmp-{os.getpid()}" for name in OUTPUT_FILES}
        self._files: dict[str, IO[bytes]] = {name: open(path, "wb") for name, path in self._tmp.items()}

    def write(self, doc: Document) -> None:
        if doc.rejected:
            self._files["rejected.jsonl"].write(dumps(rejected_record(doc)) + b"\n")
        else:
            self._files["corpus.jsonl"].write(dumps(corpus_record(doc, self.config_sha256)) + b"\n")
        removed = self._files["removed.jsonl"]
        for r in doc.iter_removals():
            row = {"id": doc.id, "source": doc.source, "stage": r.stage, "rule": r.rule,
                   "start": r.start, "end": r.end, "text": r.text}  # fmt: skip
            removed.write(dumps(row) + b"\n")

    def commit(self, manifest: dict[str, Any]) -> None:
        """Flush, fsync and rename every file into place, the manifest last."""
        for fh in self._files.values():
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        (self.out_dir / "manifest.json").unlink(missing_ok=True)
        for name, tmp in self._tmp.items():
            os.replace(tmp, self.out_dir / name)
        write_atomic(self.out_dir / "manifest.json", json.dumps(manifest, indent=2, sort_keys=True) + "\n")

    def abort(self) -> None:
        for name, fh in self._files.items():
            fh.close()
            self._tmp[name].unlink(missing_ok=True)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
