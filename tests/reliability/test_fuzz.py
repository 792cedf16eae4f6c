"""Promise 6: fuzzing. The readers, the decoder, the HTML extractor and the whole per-document cleaning
run on random and mutated inputs; nothing may raise and the cleaning laws must hold.

Marked slow: ``pytest -m slow`` runs ``CORPUSKIT_FUZZ_EXAMPLES`` examples per test (default 300);
``nox -s fuzz`` sets it much higher. Large-input runs through the whole pipeline are here too.
"""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import (
    BAD_FIXTURES,
    CONFIG,
    PER_DOCUMENT,
    SEEDS,
    article,
    check_accounting,
    reconstruct,
    texts,
)

from corpuskit.config import ReadOptions
from corpuskit.decode import decode_bytes
from corpuskit.document import Document
from corpuskit.html import HtmlOptions, html_to_document
from corpuskit.pipeline import Pipeline, build_stage
from corpuskit.readers import InputFile, read_file, read_file_safely
from corpuskit.runner import clean_to_dir
from corpuskit.stages.normalize import normalize_text

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("CORPUSKIT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
SUFFIXES = (".txt", ".html", ".jsonl", ".jsonl.gz", ".html.gz")


def _samples() -> list[bytes]:
    """Real inputs to mutate: the seeds and the checked-in bad fixtures, plus HTML and JSONL shapes."""
    found = [p.read_bytes() for d in (SEEDS, BAD_FIXTURES) if d.is_dir() for p in sorted(d.iterdir()) if p.is_file()]
    html = f"<html><head><title>T</title></head><body><article><p>{article(1)}</p></article></body></html>"
    jsonl = "\n".join(json.dumps({"id": str(i), "text": article(i)}) for i in range(3))
    return [s[:20_000] for s in found] + [html.encode(), jsonl.encode()]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_samples())))
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(max_size=64))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[pos:]
        else:
            data[pos:pos] = draw(st.sampled_from([b"\0" * 50, b"\xff\xfe", b"<div>" * 200, b'{"text":', b"\n\n\n"]))
    return bytes(data)


raw_inputs = st.one_of(st.binary(max_size=4000), mutated())


@FUZZ
@given(raw_inputs)
def test_decode_never_raises(raw: bytes) -> None:
    decoded = decode_bytes(raw)
    assert isinstance(decoded.text, str) and (decoded.error or decoded.encoding)


@FUZZ
@given(raw_inputs, st.sampled_from(SUFFIXES), st.booleans())
def test_reader_classifies_every_input(tmp_path_factory: pytest.TempPathFactory, raw: bytes, suffix: str, gz: bool) -> None:
    """``read_file`` itself (not the safety net around it) turns every input into documents."""
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(gzip.compress(raw, mtime=0) if suffix.endswith(".gz") and gz else raw)
    item, options = InputFile(str(path), "input"), ReadOptions(max_doc_bytes=100_000)
    list(read_file(item, options))  # must not raise: every failure is a classified rejection
    docs = list(read_file_safely(item, options))  # which also reports a file with no document as empty
    assert docs and all(isinstance(d, Document) for d in docs)
    assert all(d.rejected or d.text.strip() for d in docs)


@FUZZ
@given(raw_inputs)
def test_html_extraction_never_raises(raw: bytes) -> None:
    doc = html_to_document(raw.decode("utf-8", "replace"), "x", "x.html", "-", HtmlOptions())
    assert isinstance(doc.text, str)


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline([build_stage(name, CONFIG) for name in PER_DOCUMENT], CONFIG)


@FUZZ
@given(st.one_of(texts, raw_inputs.map(lambda b: b.decode("utf-8", "replace"))))
def test_cleaning_laws_on_random_text(pipeline: Pipeline, text: str) -> None:
    doc = next(pipeline.run([Document(text=text, id="fuzz")]))
    assert doc.base == normalize_text(text)
    assert reconstruct(doc) == doc.base
    again = next(pipeline.run([Document(text=doc.text, id="fuzz")]))
    assert again.text == doc.text


def test_ten_megabyte_line_through_the_whole_pipeline(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    words = " ".join(f"word{i % 5000}" for i in range(1_100_000))[: 10 * 1024 * 1024]
    (tmp_path / "in" / "line.txt").write_text(words)  # no newline at all (the JSONL case: test_readers)
    started = time.monotonic()
    clean_to_dir([str(tmp_path / "in")], tmp_path / "out", report=False)
    manifest = check_accounting(tmp_path / "out")
    assert manifest["counts"]["documents_in"] == 1
    print(f"10 MB line: {time.monotonic() - started:.1f} s")


def test_huge_html_page(tmp_path: Path) -> None:
    paras = (f"<p>{' '.join(f'The council discussed item {i}.{k} of the budget at length.' for k in range(6))}</p>\n"
             for i in range(20_000))  # about 8 MB
    page = "<html><body><article>" + "".join(paras) + "</article></body></html>"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "huge.html").write_text(page)
    clean_to_dir([str(tmp_path / "in")], tmp_path / "out", report=False)
    check_accounting(tmp_path / "out")
