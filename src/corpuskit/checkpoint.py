"""Checkpoints that let a killed run resume without redoing the per-document work already done.

While a run streams, the documents of each input file are appended, after the per-document stages
(the expensive part: HTML extraction, normalization, boilerplate, language), to ``docs.pkl`` in
``OUT/.corpuskit-checkpoint/``. Every ``SEGMENT_DOCS`` documents, and when a file ends, one line is
appended to ``index.jsonl``: the file (path, size, mtime), the number of its first document in the
segment, the segment's byte range and whether the file is complete. A resumed run loads the stored
documents instead of reading and cleaning them again (for a partly done JSONL file it reads on from
the first document not stored), then reruns only the corpus-wide stages (near-duplicates), which need
every document anyway: so the final output is byte-identical to an uninterrupted run.

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
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from corpuskit import __version__
from corpuskit.document import Document

log = logging.getLogger(__name__)

CHECKPOINT_DIR = ".corpuskit-checkpoint"
FORMAT = 2
SEGMENT_DOCS = 256  # a killed run redoes at most this many documents of the file it was in
FSYNC_SECONDS = 2.0  # how much finished work a power cut may lose; a killed process loses none


@dataclass(frozen=True)
class Segment:
    """``count`` consecutive documents of one input file, from its document number ``first``."""

    path: str
    size: int
    mtime_ns: int
    first: int
    count: int
    offset: int
    end: int
    complete: bool  # the file has no document after this segment


@dataclass(frozen=True)
class Done:
    """What the checkpoint holds for one input file."""

    documents: int = 0
    complete: bool = False


def file_key(path: str) -> tuple[int, int] | None:
    """(size, mtime_ns) of ``path``, or None when it cannot be stat-ed (then it is never cached)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


class Checkpoint:
    """An append-only store of the documents done so far; see the module docstring."""

    def __init__(self, folder: str | Path, config_sha256: str, stages: list[str], resume: bool) -> None:
        self.folder = Path(folder)
        self.state = {"format": FORMAT, "corpuskit_version": __version__, "config_sha256": config_sha256,
                      "stages": stages}  # fmt: skip
        self.segments: dict[str, list[Segment]] = {}
        if resume:
            self._load()
        else:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "state.json").write_text(json.dumps(self.state, sort_keys=True) + "\n")
        valid_end = max((s.end for segs in self.segments.values() for s in segs), default=0)
        self._docs: IO[bytes] = open(self.folder / "docs.pkl", "ab")
        self._docs.truncate(valid_end)  # drop documents stored after the last complete index line
        self._docs.seek(valid_end)
        self._index: IO[str] = open(self.folder / "index.jsonl", "a", encoding="utf-8")
        self._reader: IO[bytes] | None = None
        self._current: dict | None = None
        self._last_sync = time.monotonic()
        self.resumed_files = 0
        self.resumed_documents = 0

    def _load(self) -> None:
        try:
            state = json.loads((self.folder / "state.json").read_text())
            lines = (self.folder / "index.jsonl").read_text(encoding="utf-8").split("\n")
            size = (self.folder / "docs.pkl").stat().st_size
        except (OSError, ValueError):
            return
        if state != self.state:
            log.warning("%s: made by another config or version; starting over", self.folder)
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        by_path: dict[str, list[Segment]] = {}
        for line in lines:
            try:
                segment = Segment(**json.loads(line))
            except (ValueError, TypeError):  # a line cut short by the kill, or blank
                continue
            if segment.end <= size:  # all its bytes reached the file before the kill
                by_path.setdefault(segment.path, []).append(segment)
        for path, segs in by_path.items():
            self.segments[path] = _usable(segs)

    # -- reading back ------------------------------------------------------------------------
    def done(self, path: str) -> Done:
        """How many documents of ``path`` are stored, if it has not changed since they were."""
        segs = self.segments.get(path) or []
        if not segs or file_key(path) != (segs[0].size, segs[0].mtime_ns):
            return Done()
        return Done(sum(s.count for s in segs), segs[-1].complete)

    def load(self, path: str) -> Iterator[Document]:
        """The stored documents of ``path``, in their original order."""
        if self._reader is None:
            self._docs.flush()
            self._reader = open(self.folder / "docs.pkl", "rb")
        self.resumed_files += 1
        for segment in self.segments[path]:
            offset = segment.offset
            for _ in range(segment.count):
                self._reader.seek(offset)  # the handle is shared, so always seek before reading
                doc = pickle.load(self._reader)
                offset = self._reader.tell()
                self.resumed_documents += 1
                yield doc

    # -- writing -----------------------------------------------------------------------------
    def begin(self, path: str, first: int = 0) -> None:
        """Start storing the documents of ``path`` from its document number ``first``; the file's
        size and mtime are taken now, before it is read."""
        key = file_key(path)
        if first == 0:
            self.segments.pop(path, None)
        self._current = {"path": path, "key": key, "first": first, "count": 0, "offset": self._docs.tell()}

    def add(self, doc: Document) -> None:
        current = self._current
        assert current is not None, "add() outside begin()/finish()"
        pickle.dump(doc, self._docs, protocol=pickle.HIGHEST_PROTOCOL)
        current["count"] += 1
        if current["count"] >= SEGMENT_DOCS:
            self._write_segment(complete=False)

    def finish(self) -> None:
        """Mark the current file complete."""
        assert self._current is not None, "finish() without begin()"
        self._write_segment(complete=True)
        self._current = None

    def _write_segment(self, complete: bool) -> None:
        """Index the documents stored since the last segment: their bytes first, then the line."""
        current = self._current
        assert current is not None
        if current["key"] is None:  # cannot tell later whether the file changed: never reuse it
            return
        self._docs.flush()
        end = self._docs.tell()
        size, mtime_ns = current["key"]
        segment = Segment(current["path"], size, mtime_ns, current["first"], current["count"], current["offset"],
                          end, complete)  # fmt: skip
        self.segments.setdefault(segment.path, []).append(segment)
        self._index.write(json.dumps(asdict(segment)) + "\n")
        self._index.flush()
        current.update(first=current["first"] + current["count"], count=0, offset=end)
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


def _usable(segments: list[Segment]) -> list[Segment]:
    """The segments of the file's latest version that follow each other from document 0."""
    latest = (segments[-1].size, segments[-1].mtime_ns)
    chain, expected = [], 0
    for segment in segments:
        if (segment.size, segment.mtime_ns) != latest:
            continue
        if segment.first == 0:  # the file was started again: an earlier chain is superseded
            chain, expected = [], 0
        if segment.first != expected:
            break
        chain.append(segment)
        expected += segment.count
        if segment.complete:
            break
    return chain
