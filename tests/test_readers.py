"""Readers and decoding: formats, ordering, limits checked before reading, and every failure named."""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from corpuskit.config import ReadOptions
from corpuskit.decode import decode_bytes
from corpuskit.readers import InputFile, expand_inputs, read_file, read_file_safely, read_inputs

TEXT = "Le café est très bon. Naïve résumé, déjà vu, garçon, cœur.\nSecond line of the article.\n"


def _reasons(docs) -> list[str | None]:
    return [d.rejection.reason if d.rejection else None for d in docs]


@pytest.mark.parametrize(
    ("raw", "encoding_prefix"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (TEXT.encode("utf-8-sig"), "utf-8"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.replace("œ", "oe").encode("latin-1"), "cp1252"),
        (("\u201cQuote\u201d \u2014 " + TEXT.replace("œ", "oe")).encode("cp1252"), "cp1252"),
    ],
)
def test_decoding_recovers_the_characters(raw: bytes, encoding_prefix: str) -> None:
    decoded = decode_bytes(raw)
    assert not decoded.error
    assert decoded.encoding.startswith(encoding_prefix)
    assert "café" in decoded.text and "déjà vu" in decoded.text and "\ufeff" not in decoded.text


def test_mostly_utf8_with_stray_legacy_bytes_keeps_the_utf8() -> None:
    raw = (TEXT * 3).encode("utf-8") + " Ende: Grüße".encode("latin-1")
    decoded = decode_bytes(raw)
    assert decoded.text.count("café") == 3 and decoded.text.endswith("Grüße")


@pytest.mark.parametrize(
    "raw", [b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"\0" * 1000, bytes(range(256)) * 8], ids=["png", "nul", "all-bytes"]
)
def test_binary_is_refused(raw: bytes) -> None:
    assert decode_bytes(raw).error == "binary"


def test_inputs_are_sorted_across_arguments_and_deduplicated(tmp_path: Path) -> None:
    for name in ("b/2.txt", "b/1.txt", "a/3.html", "c.jsonl"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    orders = [[tmp_path / "b", tmp_path / "a", tmp_path / "c.jsonl"], [tmp_path / "c.jsonl", tmp_path / "*", tmp_path / "b"]]
    paths = [[item.path for item in expand_inputs(map(str, order))] for order in orders]
    assert paths[0] == paths[1] == sorted(paths[0]) and len(paths[0]) == 4


def test_missing_input_is_reported_not_dropped(tmp_path: Path) -> None:
    docs = list(read_inputs([str(tmp_path / "nope.txt"), str(tmp_path / "*.none")], ReadOptions()))
    assert _reasons(docs) == ["not_found", "not_found"]


def test_size_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    tracemalloc.start()
    docs = list(read_file(InputFile(str(big), "big"), ReadOptions(max_doc_bytes=1_000_000)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert _reasons(docs) == ["too_large"] and peak < 5_000_000


def test_jsonl_line_limit_is_bounded_in_memory(tmp_path: Path) -> None:
    """A 64 MB line is skipped with a bounded readline; the lines after it are still read (the 200 MB
    case runs in tests/reliability/test_bad_inputs.py)."""
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as fh:
        fh.write(json.dumps({"id": "before", "text": TEXT}).encode() + b"\n" + b'{"text": "')
        fh.seek(64 * 1024 * 1024)
        fh.write(b'"}\n' + json.dumps({"id": "after", "text": TEXT}).encode() + b"\n")
    tracemalloc.start()
    docs = list(read_file(InputFile(str(path), "huge"), ReadOptions(max_doc_bytes=1_000_000)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert _reasons(docs) == [None, "too_large", None]
    assert [d.id for d in docs][::2] == ["before", "after"]
    assert peak < 10_000_000, peak


def test_ten_megabyte_line_without_newline(tmp_path: Path) -> None:
    line = ("word " * 2_100_000)[: 10 * 1024 * 1024]
    (tmp_path / "line.txt").write_text(line)
    (tmp_path / "line.jsonl").write_text(json.dumps({"text": line}))
    txt = list(read_file(InputFile(str(tmp_path / "line.txt"), "t"), ReadOptions()))
    jsonl = list(read_file(InputFile(str(tmp_path / "line.jsonl"), "j"), ReadOptions()))
    assert len(txt[0].text) == len(jsonl[0].text) == 10 * 1024 * 1024
    small = list(read_file(InputFile(str(tmp_path / "line.jsonl"), "j"), ReadOptions(max_doc_bytes=1_000_000)))
    assert _reasons(small) == ["too_large"]


def test_html_gz_bomb_is_bounded(tmp_path: Path) -> None:
    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"a" * 50_000_000))
    docs = list(read_file(InputFile(str(tmp_path / "bomb.html.gz"), "b"), ReadOptions(max_doc_bytes=1_000_000)))
    assert _reasons(docs) == ["too_large"]


def test_truncated_and_multi_member_html_gz(tmp_path: Path) -> None:
    page = f"<html><body><article><p>{TEXT * 20}</p></article></body></html>".encode()
    packed = gzip.compress(page)
    (tmp_path / "cut.html.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "two.html.gz").write_bytes(gzip.compress(page[:100]) + gzip.compress(page[100:]))
    assert _reasons(read_file(InputFile(str(tmp_path / "cut.html.gz"), "c"), ReadOptions())) == ["bad_gzip"]
    two = list(read_file(InputFile(str(tmp_path / "two.html.gz"), "t"), ReadOptions()))
    assert _reasons(two) == [None] and "café" in two[0].text


def test_truncated_jsonl_gz_keeps_complete_lines(tmp_path: Path) -> None:
    body = b"".join(json.dumps({"id": f"l{i}", "text": f"{i} {os.urandom(300).hex()}"}).encode() + b"\n" for i in range(50))
    packed = gzip.compress(body)
    (tmp_path / "cut.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    docs = list(read_file(InputFile(str(tmp_path / "cut.jsonl.gz"), "c"), ReadOptions()))
    reasons = _reasons(docs)
    assert reasons[-1] == "truncated_gzip" and set(reasons[:-1]) == {None} and len(docs) > 10
    assert docs[-1].source == f"{tmp_path / 'cut.jsonl.gz'}:{len(docs)}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_rejected_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    os.mkfifo(tmp_path / "pipe.jsonl")
    for name in ("pipe.txt", "pipe.jsonl"):
        assert _reasons(read_file(InputFile(str(tmp_path / name), "p"), ReadOptions())) == ["not_a_file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file; see the FIFO and dangling-link tests")
def test_permission_denied_is_named(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(TEXT)
    path.chmod(0)
    docs = list(read_file(InputFile(str(path), "s"), ReadOptions()))
    assert _reasons(docs) == ["unreadable"] and "ermission" in docs[0].rejection.detail


def test_unlistable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder os.walk cannot list (simulated, since root lists everything) becomes a rejection."""
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text(TEXT)
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(expand_inputs([str(tmp_path)]))
    rejected = [i for i in items if not isinstance(i, InputFile)]
    assert [r.rejection.reason for r in rejected] == ["unreadable"] and "locked" in rejected[0].source
    assert any(isinstance(i, InputFile) and i.path.endswith("a.txt") for i in items)


def test_unexpected_reader_error_rejects_the_file_and_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import corpuskit.readers as readers

    (tmp_path / "a.txt").write_text(TEXT)

    def explode(raw: bytes, path: str, doc_id: str):
        raise RuntimeError("codec bug")

    monkeypatch.setattr(readers, "_text_document", explode)
    docs = list(read_file_safely(InputFile(str(tmp_path / "a.txt"), "a"), ReadOptions()))
    assert _reasons(docs) == ["read_error"] and "codec bug" in docs[0].rejection.detail


def test_symlink_loop_is_reported_once(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text(TEXT)
    os.symlink("..", tmp_path / "d" / "up")
    items = list(expand_inputs([str(tmp_path / "d")]))
    files = [i for i in items if isinstance(i, InputFile)]
    loops = [i for i in items if not isinstance(i, InputFile)]
    assert len(loops) >= 1 and {d.rejection.reason for d in loops} == {"symlink_loop"}
    assert len({f.path for f in files}) == len(files)
