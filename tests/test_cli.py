"""End to end through the real command, on the seeds and small inputs of every format."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from corpuskit.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_clean_seeds_writes_the_output_contract(tmp_path, seeds_dir):
    code, output = run("clean", str(seeds_dir), "--out", str(tmp_path / "out"))
    assert code == 0, output
    out = tmp_path / "out"
    assert {p.name for p in out.iterdir()} >= {"corpus.jsonl", "rejected.jsonl", "removed.jsonl", "manifest.json", "report.html"}
    corpus = read_jsonl(out / "corpus.jsonl")
    manifest = json.loads((out / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["documents_in"] == 5 == counts["kept"] + counts["rejected"]
    doc = corpus[0]
    assert set(doc) == {"id", "text", "metadata"}
    meta = doc["metadata"]
    assert meta["source"].endswith("seeds/000_14ce450daf5137c8.txt")
    assert meta["language"] == "en" and meta["language_score"] > 0.9
    assert "dup_cluster" in meta
    prov = meta["provenance"]
    assert len(prov["source_sha256"]) == 64 and prov["config_sha256"] == manifest["config_sha256"]
    assert prov["stages"][0] == "normalize" and prov["chars_out"] == len(doc["text"])
    removed = read_jsonl(out / "removed.jsonl")
    assert all({"id", "stage", "rule", "start", "end", "text"} <= set(r) for r in removed)
    assert "in, 5 kept" not in output or "5 documents in" in output


def test_same_command_twice_is_byte_identical(tmp_path, seeds_dir):
    for name in ("a", "b"):
        assert run("clean", str(seeds_dir), "--out", str(tmp_path / name), "--no-report")[0] == 0
    for name in ("corpus.jsonl", "rejected.jsonl", "removed.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_jsonl_html_and_bad_lines(tmp_path):
    body = (
        "The harbour authority said on Tuesday that the new ferry terminal would open in May, two years late. "
        "Costs rose after the contractor found old foundations under the quay and had to remove them by hand. "
        "Passengers will keep using the temporary building until then, and the night crossing stays suspended "
        "because the ramp on the island side is still being rebuilt after the storms of last winter."
    )
    other = (
        "Ferry operators on the northern route expect a busy summer, with bookings for July already above "
        "last year's level. The company plans to add an early morning sailing on weekdays and will test a "
        "new online check-in that lets foot passengers board without queuing at the ticket office first."
    )
    src = tmp_path / "in"
    src.mkdir()
    with gzip.open(src / "docs.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"id": "d1", "text": body, "url": "https://example.org/a"}) + "\n")
        fh.write("{broken json\n")
        fh.write(json.dumps({"id": "d3", "text": 42}) + "\n")
    (src / "page.html").write_text(
        f"<html><head><title>Ferry news</title></head><body><nav>Home | News</nav><article><h1>Ferry</h1>"
        f"<p>{other}</p></article></body></html>"
    )
    code, output = run("clean", str(src), "--out", str(tmp_path / "out"), "--no-report")
    assert code == 1  # finished, but some inputs could not be read
    corpus = read_jsonl(tmp_path / "out" / "corpus.jsonl")
    rejected = read_jsonl(tmp_path / "out" / "rejected.jsonl")
    assert [d["id"] for d in corpus] == ["d1", "page"]
    assert corpus[0]["metadata"]["source"].endswith("docs.jsonl.gz:1")
    assert corpus[0]["metadata"]["url"] == "https://example.org/a"
    assert corpus[1]["metadata"]["title"] == "Ferry"  # trafilatura prefers the page's h1
    assert {r["reason"] for r in rejected} == {"malformed_json", "text_not_string"}
    assert rejected[0]["source"].endswith("docs.jsonl.gz:2")
    assert "could not be read" in output


def test_bad_usage_exits_2(tmp_path):
    assert run("clean", "--out", str(tmp_path))[0] == 2  # no input
    config = tmp_path / "bad.toml"
    config.write_text("[neardup]\nthreshhold = 0.5\n")
    code, output = run("clean", "x.txt", "--out", str(tmp_path / "o"), "--config", str(config))
    assert code == 2 and "threshhold" in output


def test_config_file_and_flags(tmp_path, seeds_dir):
    config = tmp_path / "corpuskit.toml"
    config.write_text('[language]\nkeep = ["de"]\n')
    code, _ = run("clean", str(seeds_dir), "--out", str(tmp_path / "o"), "--config", str(config), "--no-report")
    assert code == 0
    rejected = read_jsonl(tmp_path / "o" / "rejected.jsonl")
    assert len(rejected) == 5 and {r["reason"] for r in rejected} == {"language_not_kept:en"}


def test_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "corpuskit", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "corpuskit" in result.stdout
