"""Readers: files, folders and globs of .txt, .html/.htm(.gz), .jsonl(.gz/.zst) -> Documents.

Nothing that cannot be read stops the run: each unreadable file or line becomes a Document that is
already rejected by the ``read`` stage, with a reason a person can act on, so it is counted and written
to ``rejected.jsonl`` like any other dropped input.
"""

from __future__ import annotations

import glob
import gzip
import io
import logging
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import orjson

from corpuskit.decode import decode_bytes
from corpuskit.document import Document, sha256_hex
from corpuskit.html import HtmlOptions, html_to_document

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz")
KNOWN_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES


@dataclass(frozen=True)
class InputFile:
    """One file to read: the path as the user gave it and the id prefix it implies."""

    path: str
    doc_id: str


def expand_inputs(inputs: Iterable[str]) -> Iterator[InputFile | Document]:
    """Files, folders (recursively, known suffixes only) and globs, each argument sorted by path.

    Arguments that match nothing, and folders that loop through symlinks, come out as rejected
    Documents so that they are reported and counted.
    """
    for arg in inputs:
        matches = sorted(glob.glob(arg, recursive=True)) if glob.has_magic(arg) else [arg]
        if not matches:
            yield _unreadable(arg, "not_found", "no file matches this pattern")
            continue
        for match in matches:
            if os.path.isdir(match):
                yield from _walk(match)
            elif os.path.exists(match) or os.path.islink(match):
                yield InputFile(match, _strip_suffix(os.path.basename(match)))
            else:
                yield _unreadable(match, "not_found", "no such file or directory")


def _walk(root: str) -> Iterator[InputFile | Document]:
    seen: set[tuple[int, int]] = set()
    for folder, dirs, files in os.walk(root, followlinks=True, onerror=None):
        stat = os.stat(folder)
        key = (stat.st_dev, stat.st_ino)
        if key in seen:  # a symlink back into a folder already walked
            log.warning("%s: skipped, it loops back to a folder already read", folder)
            dirs[:] = []
            yield _unreadable(folder, "symlink_loop", "folder links back to one already read")
            continue
        seen.add(key)
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(KNOWN_SUFFIXES):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, root)
                yield InputFile(path, _strip_suffix(rel).replace(os.sep, "/"))


def _strip_suffix(name: str) -> str:
    lower = name.lower()
    for suffix in sorted(KNOWN_SUFFIXES, key=len, reverse=True):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _unreadable(source: str, reason: str, detail: str, doc_id: str | None = None) -> Document:
    doc = Document(text="", id=doc_id or source, source=source, source_sha256="-")
    doc.reject("read", reason, detail=detail)
    log.warning("%s: %s (%s)", source, detail, reason)
    return doc


def read_inputs(inputs: Iterable[str], options: Any) -> Iterator[Document]:
    """All documents of all inputs, in a deterministic order; ``options`` is a ``ReadOptions``."""
    for item in expand_inputs(inputs):
        if isinstance(item, Document):
            yield item
        else:
            yield from read_file(item, options)


def read_file(item: InputFile, options: Any) -> Iterator[Document]:
    """Documents of one file; failures become rejected Documents naming the file."""
    path, lower = item.path, item.path.lower()
    try:
        if lower.endswith(JSONL_SUFFIXES):
            yield from _read_jsonl(item, options)
            return
        size = os.path.getsize(path)
        if size > options.max_doc_bytes:
            yield _unreadable(path, "too_large", f"{size} bytes > max_doc_bytes {options.max_doc_bytes}", item.doc_id)
            return
        with open(path, "rb") as fh:
            raw = fh.read()
        if lower.endswith(".gz"):
            raw = _gunzip_bounded(raw, options.max_doc_bytes)
    except OSError as exc:
        yield _unreadable(path, "unreadable", exc.strerror or str(exc), item.doc_id)
        return
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield _unreadable(path, "bad_gzip", str(exc) or "truncated gzip stream", item.doc_id)
        return
    except ValueError as exc:
        yield _unreadable(path, "too_large", str(exc), item.doc_id)
        return
    if lower.endswith(HTML_SUFFIXES):
        yield _html_document(raw, path, item.doc_id, options)
    else:
        yield _text_document(raw, path, item.doc_id)


def _gunzip_bounded(raw: bytes, limit: int) -> bytes:
    data = zlib.decompressobj(wbits=47).decompress(raw, limit + 1)
    if len(data) > limit:
        raise ValueError(f"more than max_doc_bytes {limit} once decompressed")
    return data


def _text_document(raw: bytes, path: str, doc_id: str) -> Document:
    decoded = decode_bytes(raw)
    if decoded.error:
        return _unreadable(path, decoded.error, decoded.detail, doc_id)
    doc = Document(text=decoded.text, id=doc_id, source=path, source_sha256=sha256_hex(raw))
    doc.metadata["encoding"] = decoded.encoding
    return doc if doc.text.strip() else _reject_empty(doc)


def _html_document(raw: bytes, path: str, doc_id: str, options: Any) -> Document:
    decoded = decode_bytes(raw, html=True)
    if decoded.error:
        return _unreadable(path, decoded.error, decoded.detail, doc_id)
    doc = html_to_document(decoded.text, doc_id, path, sha256_hex(raw), HtmlOptions.from_read(options))
    if not doc.rejected and not doc.text.strip():
        return _reject_empty(doc, "html_no_text", "trafilatura found no main text")
    return doc


def _reject_empty(doc: Document, reason: str = "empty", detail: str = "no text") -> Document:
    doc.reject("read", reason, detail=detail)
    return doc


def _open_lines(path: str) -> IO[bytes]:
    lower = path.lower()
    if lower.endswith(".gz"):
        return gzip.open(path, "rb")
    if lower.endswith(".zst"):
        import zstandard  # optional extra: corpuskit[zstd]

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(path, "rb"), closefd=True))
    return open(path, "rb")


def _read_jsonl(item: InputFile, options: Any) -> Iterator[Document]:
    path = item.path
    line_no = 0
    try:
        with _open_lines(path) as fh:
            while True:
                line = fh.readline(options.max_doc_bytes + 1)
                if not line:
                    break
                line_no += 1
                source = f"{path}:{line_no}"
                if len(line) > options.max_doc_bytes and not line.endswith(b"\n"):
                    while line and not line.endswith(b"\n"):  # skip the rest without holding it
                        line = fh.readline(1 << 20)
                    yield _unreadable(source, "too_large", f"line longer than max_doc_bytes {options.max_doc_bytes}")
                    continue
                if line.strip():
                    yield _jsonl_document(line, source, f"{item.doc_id}:{line_no}", options)
    except OSError as exc:
        yield _unreadable(f"{path}:{line_no + 1}" if line_no else path, "unreadable", exc.strerror or str(exc))
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        detail = f"compressed stream ends early after {line_no} lines ({exc or 'truncated'})"
        yield _unreadable(f"{path}:{line_no + 1}", "truncated_gzip", detail)
    except ImportError:
        yield _unreadable(path, "unsupported", "reading .zst needs: pip install 'corpuskit[zstd]'")


def _jsonl_document(line: bytes, source: str, default_id: str, options: Any) -> Document:
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        text = decode_bytes(line).text or ""
        return _unreadable(source, "malformed_json", f"{exc}; line starts {text[:60]!r}")
    if not isinstance(record, dict):
        return _unreadable(source, "not_an_object", f"line holds a JSON {type(record).__name__}, not an object")
    field = options.text_field
    if field not in record:
        return _unreadable(source, "missing_text", f"no {field!r} field", _record_id(record))
    if not isinstance(record[field], str):
        kind = type(record[field]).__name__
        return _unreadable(source, "text_not_string", f"{field!r} is a {kind}", _record_id(record))
    record = dict(record, text=record[field])
    doc = Document.from_dict(record, default_id=default_id)
    doc.source = source
    doc.source_sha256 = sha256_hex(line.rstrip(b"\r\n"))
    if len(doc.text.encode("utf-8", "surrogatepass")) > options.max_doc_bytes:
        return _unreadable(source, "too_large", f"text longer than max_doc_bytes {options.max_doc_bytes}", doc.id)
    return doc if doc.text.strip() else _reject_empty(doc)


def _record_id(record: dict) -> str | None:
    value = record.get("id")
    return str(value) if value not in (None, "") else None


def glob_paths(paths: Iterable[str | Path]) -> list[str]:
    """The files ``read_inputs`` would open, for counting and progress (errors left out)."""
    return [item.path for item in expand_inputs(str(p) for p in paths) if isinstance(item, InputFile)]
