"""Checkpoints that let a killed run resume without redoing the per-document work of finished files.

While a run streams, the documents of each input file are appended, after the per-document stages
(the expensive part: HTML extraction, normalization, boilerplate, language), to ``docs.pkl`` in
``OUT/.corpuskit-checkpoint/``; when the last document of a file is stored, one line naming the file
(path, size, mtime) and its byte range is appended to ``index.jsonl``. A resumed run loads those
documents instead of reading the file again, and reruns only the corpus-wide stages (near-duplicates),
which need every document anyway: so the final output is byte-identical to an uninterrupted run.

A checkpoint is only reused with the same config hash and corpuskit version; a file whose size or
mtime changed is read again. The checkpoint is deleted when the run commits its outputs. It holds
pickles: it is local state of a run, to be kept in an output folder only its owner can write to.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from corpuskit import __version__
from corpuskit.document import Document

log = logging.getLogger(__name__)

CHECKPOINT_DIR = ".corpuskit-checkpoint"
FORMAT = 1
FSYNC_SECONDS = 2.0  # how much finished work a power cut may lose; a killed process loses none


@dataclass(frozen=True)
class FileEntry:
    """Where the documents of one finished input file sit in ``docs.pkl``."""

    path: str
    size: int
    mtime_ns: int
    offset: int
    end: int
    count: int


def file_key(path: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of ``path``, or None when it cannot be stat-ed (then it is never cached)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


class Checkpoint:
    """An append-only store of finished files' documents; see the module docstring."""

    def __init__(self, folder: str | Path, config_sha256: str, stages: list[str], resume: bool) -> None:
        self.folder = Path(folder)
        self.state = {"format": FORMAT, "corpuskit_version": __version__, "config_sha256": config_sha256,
                      "stages": stages}  # fmt: skip
        self.entries: dict[str, FileEntry] = {}
        if resume:
            self._load()
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "state.json").write_text(json.dumps(self.state, sort_keys=True) + "\n")
        valid_end = max((e.end for e in self.entries.values()), default=0)
        self._docs: IO[bytes] = open(self.folder / "docs.pkl", "ab")
        self._docs.truncate(valid_end)  # drop the half-written documents of an unfinished file
        self._docs.seek(valid_end)
        self._index: IO[str] = open(self.folder / "index.jsonl", "a", encoding="utf-8")
        self._reader: IO[bytes] | None = None
        self._current: tuple[str, tuple[int, int] | None, int, int] | None = None
        self._last_sync = time.monotonic()
        self.resumed_files = 0
        self.resumed_documents = 0

    def _load(self) -> None:
        try:
            state = json.loads((self.folder / "state.json").read_text())
        except (OSError, ValueError):
            return
        if state != self.state:
            log.warning("%s: made by another config or version; starting over", self.folder)
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        try:
            with open(self.folder / "index.jsonl", encoding="utf-8") as fh:
                lines = fh.read().split("\n")
        except OSError:
            return
        for line in lines:
            try:
                entry = FileEntry(**json.loads(line))
            except (ValueError, TypeError):  # a line cut short by the kill, or blank
                continue
            self.entries[entry.path] = entry
        # keep only entries whose bytes are all present (the kill may have come before a flush)
        size = (self.folder / "docs.pkl").stat().st_size if (self.folder / "docs.pkl").exists() else 0
        self.entries = {p: e for p, e in self.entries.items() if e.end <= size}

    # -- reading back ------------------------------------------------------------------------
    def has(self, path: str) -> bool:
        """True when ``path`` was finished by an earlier run and has not changed since."""
        entry = self.entries.get(path)
        return entry is not None and file_key(path) == (entry.size, entry.mtime_ns)

    def load(self, path: str) -> Iterator[Document]:
        """The stored documents of ``path``, in their original order."""
        entry = self.entries[path]
        if self._reader is None:
            self._docs.flush()
            self._reader = open(self.folder / "docs.pkl", "rb")
        self.resumed_files += 1
        offset = entry.offset
        for _ in range(entry.count):
            self._reader.seek(offset)  # the handle is shared, so always seek before reading
            doc = pickle.load(self._reader)
            offset = self._reader.tell()
            self.resumed_documents += 1
            yield doc

    # -- writing -----------------------------------------------------------------------------
    def begin(self, path: str) -> None:
        """Start storing the documents of ``path`` (its size and mtime are taken now, before reading)."""
        self._current = (path, file_key(path), self._docs.tell(), 0)

    def add(self, doc: Document) -> None:
        assert self._current is not None, "add() outside begin()/finish()"
        pickle.dump(doc, self._docs, protocol=pickle.HIGHEST_PROTOCOL)
        path, key, offset, count = self._current
        self._current = (path, key, offset, count + 1)

    def finish(self) -> None:
        """Mark the current file finished: its documents first, then its index line, both flushed."""
        assert self._current is not None, "finish() without begin()"
        path, key, offset, count = self._current
        self._current = None
        if key is None:
            return
        self._docs.flush()
        entry = FileEntry(path, key[0], key[1], offset, self._docs.tell(), count)
        self.entries[path] = entry
        self._index.write(json.dumps(entry.__dict__) + "\n")
        self._index.flush()
        if time.monotonic() - self._last_sync > FSYNC_SECONDS:
            os.fsync(self._docs.fileno())
            os.fsync(self._index.fileno())
            self._last_sync = time.monotonic()

    def close(self) -> None:
        for fh in (self._docs, self._index, self._reader):
            if fh is not None:
                fh.close()

    def remove(self) -> None:
        """Delete the checkpoint once the outputs it led to are committed."""
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)
