"""Promises 1 and 2: every hostile input is accounted for with a clear reason, and the run goes on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_helpers import BAD_FIXTURES, CLI, article, check_accounting, read_jsonl

ACCENTED = ("café", "naïve", "résumé")


def _outcomes(out: Path, root: Path) -> dict[str, dict]:
    """source (relative to ``root``) -> its record, kept or rejected."""
    records = {}
    removed: dict[str, str] = {}
    for rec in read_jsonl(out / "removed.jsonl"):
        removed[rec["id"]] = removed.get(rec["id"], "") + "\n" + rec["text"]
    for rec in read_jsonl(out / "corpus.jsonl"):
        records[rec["metadata"]["source"]] = {"outcome": "text", "text": rec["text"], "id": rec["id"]}
    for rec in read_jsonl(out / "rejected.jsonl"):
        outcome = f"read.{rec['reason']}" if rec["stage"] == "read" else "text"
        records[rec["source"]] = {"outcome": outcome, "text": rec["text"], "id": rec["id"], "detail": rec["detail"]}
    for r in records.values():
        r["all_text"] = r["text"] + removed.get(r["id"], "")  # what the reader produced, in some order
    return {str(Path(src).relative_to(root)) if src.startswith(str(root)) else src: r for src, r in records.items()}


def test_every_bad_kind_gets_its_outcome(bad_run) -> None:
    outcomes = _outcomes(bad_run.out, bad_run.inputs)
    for name, accepted in bad_run.expect.items():
        assert name in outcomes, f"{name} disappeared without a trace"
        assert outcomes[name]["outcome"] in accepted, (name, outcomes[name])
        if outcomes[name]["outcome"].startswith("read."):
            assert outcomes[name]["detail"], f"{name}: a rejection must say why"


def test_decoded_text_is_right(bad_run) -> None:
    """UTF-16 (with and without BOM), Latin-1, CP1252 and broken UTF-8 come out as the right characters."""
    outcomes = _outcomes(bad_run.out, bad_run.inputs)
    for name in ("utf16-bom.txt", "utf16le-nobom.txt", "utf16be-nobom.txt", "latin1.txt", "cp1252.txt"):
        text = outcomes[name]["all_text"]
        assert "\0" not in text and "\ufffd" not in text, name
        assert "Report number" in text, name
    for name in ("utf16-bom.txt", "latin1.txt", "cp1252.txt", "mixed-utf8.txt"):
        assert all(word in outcomes[name]["text"] for word in ACCENTED), name
    assert "\u201cQuoted\u201d \u2014" in outcomes["cp1252.txt"]["all_text"]
    assert outcomes["mixed-utf8.txt"]["text"].count("naïve café") == 1  # the stray Latin-1 bytes


def test_truncated_gzip_keeps_the_lines_before_the_cut(bad_run) -> None:
    outcomes = _outcomes(bad_run.out, bad_run.inputs)
    lines = {k: v for k, v in outcomes.items() if k.startswith("truncated.jsonl.gz:")}
    cut = [v for v in lines.values() if v["outcome"] == "read.truncated_gzip"]
    whole = [k for k, v in lines.items() if v["outcome"] == "text"]
    assert len(cut) == 1, "the truncation is reported once"
    assert len(whole) >= 10, "the complete lines before the cut are kept"
    assert len(whole) + 1 == len(lines), "no half line comes out as a malformed document"


def test_accounting_holds_over_every_bad_kind(bad_run) -> None:
    manifest = check_accounting(bad_run.out)
    files = manifest["files"]
    for name in ("empty.txt", "image.txt", "huge.txt", "huge-line.jsonl", "malformed.jsonl", "truncated.jsonl.gz"):
        assert str(bad_run.inputs / name) in files, name
    assert files[str(bad_run.inputs / "malformed.jsonl")]["documents"] == 7  # the blank line is not a document
    assert manifest["counts"]["unreadable"] == bad_run.summary.unreadable > 0
    assert bad_run.summary.documents_in == bad_run.summary.kept + bad_run.summary.rejected


def test_cli_exits_1_and_names_the_files(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(article(1))
    (tmp_path / "in" / "nul.txt").write_bytes(b"\0" * 100)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, *CLI, "clean", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--no-report", "-q"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "nul.txt" in proc.stderr
    check_accounting(tmp_path / "out")


def test_empty_file_alone_is_not_a_read_failure(tmp_path: Path) -> None:
    from corpuskit.runner import clean_to_dir

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_bytes(b"\n\n")
    summary = clean_to_dir([str(tmp_path / "empty.txt"), str(tmp_path / "blank.jsonl")], tmp_path / "out", report=False)
    assert (summary.documents_in, summary.rejected, summary.unreadable) == (2, 2, 0)


def test_checked_in_bad_fixtures(tmp_path: Path) -> None:
    """fixtures/bad/ holds small hostile files and the outcome each must get (expected.json)."""
    if not BAD_FIXTURES.is_dir():
        pytest.skip("fixtures/bad is missing")
    from corpuskit.runner import clean_to_dir

    expected = json.loads((BAD_FIXTURES / "expected.json").read_text())
    clean_to_dir([str(BAD_FIXTURES)], tmp_path / "out", report=False)
    check_accounting(tmp_path / "out")
    outcomes = _outcomes(tmp_path / "out", BAD_FIXTURES)
    for name, accepted in expected.items():
        assert outcomes[name]["outcome"] in accepted, (name, outcomes[name])
