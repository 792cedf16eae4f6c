"""Sharded, compressed and Parquet output: names, counts, deterministic bytes, atomic replacement."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from corpuskit.config import ReadOptions
from corpuskit.document import Document
from corpuskit.readers import read_inputs
from corpuskit.writers import OutputOptions, OutputWriter


def _docs(n: int = 25) -> list[Document]:
    docs = []
    for i in range(n):
        doc = Document(text=f"Headline {i}\nBody of story {i}.", id=f"d{i}", source=f"in.jsonl:{i + 1}")
        if i % 5 == 0:
            doc.reject("quality", "too_short")
        if i % 3 == 0:
            doc.remove_spans("boilerplate", [(0, 9, "headline")])
        docs.append(doc)
    return docs


def _write(out: Path, options: OutputOptions, docs: list[Document] | None = None) -> dict:
    writer = OutputWriter(out, "cfg", options)
    for doc in docs if docs is not None else _docs():
        writer.write(doc)
    writer.commit({"counts": {}})
    return json.loads((out / "manifest.json").read_text())


def test_default_layout_is_three_plain_jsonl_files(tmp_path: Path) -> None:
    manifest = _write(tmp_path, OutputOptions())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["corpus.jsonl", "manifest.json", "rejected.jsonl", "removed.jsonl"]
    assert manifest["outputs"]["corpus.jsonl"]["records"] == 20
    assert manifest["outputs"]["rejected.jsonl"]["records"] == 5
    assert manifest["outputs"]["removed.jsonl"]["records"] == 9


def test_shards_are_gzip_numbered_and_hold_shard_size_documents(tmp_path: Path) -> None:
    manifest = _write(tmp_path, OutputOptions(shard_size=7))
    shards = sorted(p.name for p in tmp_path.glob("corpus-*"))
    assert shards == ["corpus-00000.jsonl.gz", "corpus-00001.jsonl.gz", "corpus-00002.jsonl.gz"]
    sizes = [manifest["outputs"][name]["records"] for name in shards]
    assert sizes == [7, 7, 6]
    ids = [json.loads(line)["id"] for name in shards for line in gzip.open(tmp_path / name)]
    assert ids == [d.id for d in _docs() if not d.rejected]  # input order across shards
    assert not (tmp_path / "corpus.jsonl").exists()


def test_gzip_output_is_byte_for_byte_reproducible(tmp_path: Path) -> None:
    _write(tmp_path / "a", OutputOptions(shard_size=10))
    _write(tmp_path / "b", OutputOptions(shard_size=10))
    for path in sorted((tmp_path / "a").glob("corpus-*")):
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes()


@pytest.mark.parametrize("compression", ["gzip", "zstd"])
def test_compressed_shards_read_back_as_input(tmp_path: Path, compression: str) -> None:
    if compression == "zstd":
        pytest.importorskip("zstandard")
    out = tmp_path / "out"
    _write(out, OutputOptions(shard_size=8, compression=compression))
    suffix = ".gz" if compression == "gzip" else ".zst"
    assert (out / f"rejected.jsonl{suffix}").is_file()
    docs = list(read_inputs([str(out / f"corpus-*.jsonl{suffix}")], ReadOptions()))
    assert [d.text for d in docs] == [d.text for d in _docs() if not d.rejected]
    assert not any(d.rejected for d in docs)


def test_parquet_has_flat_columns_and_full_metadata(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    manifest = _write(tmp_path, OutputOptions(shard_size=12, format="parquet"))
    assert sorted(manifest["outputs"]) == ["corpus-00000.parquet", "corpus-00001.parquet", "rejected.jsonl", "removed.jsonl"]
    table = pq.read_table(tmp_path / "corpus-00001.parquet")
    assert table.num_rows == 8
    assert table.column_names[:3] == ["id", "text", "source"]
    meta = json.loads(table.column("metadata")[0].as_py())
    assert meta["provenance"]["config_sha256"] == "cfg"


def test_rerun_replaces_every_file_of_the_previous_run(tmp_path: Path) -> None:
    _write(tmp_path, OutputOptions(shard_size=3))
    assert len(list(tmp_path.glob("corpus-*"))) == 7
    _write(tmp_path, OutputOptions(shard_size=10))
    assert sorted(p.name for p in tmp_path.glob("corpus-*")) == ["corpus-00000.jsonl.gz", "corpus-00001.jsonl.gz"]
    _write(tmp_path, OutputOptions())
    assert not list(tmp_path.glob("corpus-*"))
    assert not list(tmp_path.glob(".*tmp*"))


def test_abort_leaves_the_previous_complete_output(tmp_path: Path) -> None:
    _write(tmp_path, OutputOptions(shard_size=10))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    writer = OutputWriter(tmp_path, "other", OutputOptions(shard_size=2))
    for doc in _docs(9):
        writer.write(doc)
    writer.abort()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_sharded_run_with_nothing_kept_still_writes_one_shard(tmp_path: Path) -> None:
    rejected = [d for d in _docs() if d.rejected]
    manifest = _write(tmp_path, OutputOptions(shard_size=5), rejected)
    assert manifest["outputs"]["corpus-00000.jsonl.gz"]["records"] == 0


def test_bad_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="compression"):
        OutputWriter(tmp_path, "cfg", OutputOptions(compression="bz2"))
    with pytest.raises(ValueError, match="format"):
        OutputWriter(tmp_path, "cfg", OutputOptions(format="csv"))
