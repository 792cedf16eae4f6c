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
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from corpuskit.decode import decode_bytes
from corpuskit.document import Document, sha256_hex
from corpuskit.html import HtmlOptions, html_to_document

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz")
KNOWN_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
# read-stage rejections of inputs that were read fine but hold no text: they do not make the exit code 1
EMPTY_REASONS = frozenset({"empty", "html_no_text"})


@dataclass(frozen=True)
class InputFile:
    """One file to read: the path as the user gave it and the id prefix it implies."""

    path: str
    doc_id: str


def expand_inputs(inputs: Iterable[str]) -> Iterator[InputFile | Document]:
    """Files, folders (recursively, known suffixes only) and globs, all sorted together by path.

    Sorting across arguments (and dropping a path named twice) makes the output depend only on the
    *set* of input paths, not on the order they were given in. Arguments that match nothing, folders
    that cannot be listed and folders that loop through symlinks come out as rejected Documents so
    that they are reported and counted.
    """
    found: dict[str, InputFile | Document] = {}
    for arg in inputs:
        matches = sorted(glob.glob(arg, recursive=True)) if glob.has_magic(arg) else [arg]
        if not matches:
            _keep_first(found, _unreadable(arg, "not_found", "no file matches this pattern"))
            continue
        for match in matches:
            if os.path.isdir(match):
                for item in _walk(match):
                    _keep_first(found, item)
            elif os.path.exists(match) or os.path.islink(match):
                _keep_first(found, InputFile(match, _strip_suffix(os.path.basename(match))))
            else:
                _keep_first(found, _unreadable(match, "not_found", "no such file or directory"))
    for key in sorted(found):
        yield found[key]


def _item_key(item: InputFile | Document) -> str:
    return item.path if isinstance(item, InputFile) else item.source


def _keep_first(found: dict[str, InputFile | Document], item: InputFile | Document) -> None:
    """Keep one item per path; when a file is reached twice, the smallest id wins (order-free)."""
    key = _item_key(item)
    current = found.get(key)
    if current is None or (isinstance(item, InputFile) and isinstance(current, InputFile) and item.doc_id < current.doc_id):
        found[key] = item


def _walk(root: str) -> Iterator[InputFile | Document]:
    seen: set[tuple[int, int]] = set()
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, followlinks=True, onerror=errors.append):
        while errors:  # a folder below that could not be listed: say so instead of skipping it
            exc = errors.pop()
            yield _unreadable(str(exc.filename or folder), "unreadable", f"cannot list folder: {exc.strerror or exc}")
        stat = os.stat(folder)
        key = (stat.st_dev, stat.st_ino)
        if key in seen:  # a symlink back into a folder already walked
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
    for exc in errors:
        yield _unreadable(str(exc.filename or root), "unreadable", f"cannot list folder: {exc.strerror or exc}")


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
            yield from read_file_safely(item, options)


def read_file_safely(item: InputFile, options: Any) -> Iterator[Document]:
    """``read_file``, but an unexpected error (a library bug, a codec crash) rejects the rest of the
    file instead of ending the run; a file that yields no document at all is reported as empty."""
    count = 0
    try:
        for doc in read_file(item, options):
            count += 1
            yield doc
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop the run
        detail = f"{type(exc).__name__} after {count} documents: {exc}"[:300]
        yield _unreadable(item.path, "read_error", detail, item.doc_id)
        return
    if count == 0:
        doc = Document(text="", id=item.doc_id, source=item.path, source_sha256="-")
        yield _reject_empty(doc, "empty", "no non-blank line")


def read_file(item: InputFile, options: Any) -> Iterator[Document]:
    """Documents of one file; failures become rejected Documents naming the file.

    The size is checked with ``stat`` before anything is read, so a huge file costs nothing, and only
    regular files are opened (a FIFO or device would block or never end).
    """
    path, lower = item.path, item.path.lower()
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            yield _unreadable(path, "not_a_file", "not a regular file (FIFO, device or folder)", item.doc_id)
            return
        if lower.endswith(JSONL_SUFFIXES):
            yield from _read_jsonl(item, options)
            return
        if info.st_size > options.max_doc_bytes:
            detail = f"{info.st_size} bytes > max_doc_bytes {options.max_doc_bytes}"
            yield _unreadable(path, "too_large", detail, item.doc_id)
            return
        with open(path, "rb") as fh:
            raw = fh.read(options.max_doc_bytes + 1)  # the file may have grown since stat
        if len(raw) > options.max_doc_bytes:
            yield _unreadable(path, "too_large", f"more than max_doc_bytes {options.max_doc_bytes}", item.doc_id)
            return
        if lower.endswith(".gz"):
            raw = _gunzip_bounded(raw, options.max_doc_bytes)
    except OSError as exc:
        yield _unreadable(path, "unreadable", exc.strerror or str(exc), item.doc_id)
        return
    except (EOFError, zlib.error) as exc:
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
    """Decompress every gzip member of ``raw``, refusing more than ``limit`` bytes of output."""
    parts, size = [], 0
    while raw:
        stream = zlib.decompressobj(wbits=47)
        data = stream.decompress(raw, limit + 1 - size)
        size += len(data)
        if size > limit:
            raise ValueError(f"more than max_doc_bytes {limit} once decompressed")
        if not stream.eof:
            raise EOFError("compressed stream ends early (truncated file)")
        parts.append(data)
        raw = stream.unused_data.lstrip(b"\0")  # gzip allows zero padding between members
    return b"".join(parts)


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
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:  # BadGzipFile is an OSError: test it first
        detail = f"compressed stream broken after {line_no} lines ({exc or 'truncated'})"
        yield _unreadable(f"{path}:{line_no + 1}" if line_no else path, "truncated_gzip" if line_no else "bad_gzip", detail)
    except OSError as exc:
        yield _unreadable(f"{path}:{line_no + 1}" if line_no else path, "unreadable", exc.strerror or str(exc))
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
