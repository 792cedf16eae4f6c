"""Promise 4: outputs depend only on the set of input paths and the config: byte-identical across
runs, worker counts and the order in which inputs are named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from reliability_helpers import SEEDS, article, outputs_bytes

from corpuskit.config import Config
from corpuskit.runner import clean_to_dir


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Several folders and files, with near-duplicates across them and a repeated id."""
    root = tmp_path_factory.mktemp("det")
    if SEEDS.is_dir():
        shutil.copytree(SEEDS, root / "seeds")
    (root / "more").mkdir()
    for i in range(8):
        (root / "more" / f"n{i}.txt").write_text(article(i) + f"\nItem {i}.\n")
    (root / "more" / "copy.txt").write_text(article(2) + "\nItem 2.\n")  # a near-duplicate of n2
    lines = [json.dumps({"id": "same", "text": article(i)}) for i in (3, 9, 11)]
    (root / "a.jsonl").write_text("\n".join(lines) + "\n")
    (root / "b.jsonl").write_text(json.dumps({"id": "same", "text": article(13)}) + "\n")
    return [str(root / "seeds"), str(root / "more"), str(root / "a.jsonl"), str(root / "b.jsonl")]


def _manifest(out: Path) -> dict:
    manifest = json.loads((out / "manifest.json").read_text())
    manifest.pop("seconds")
    for stage in manifest["stages"].values():
        stage.pop("seconds")
    return manifest


@pytest.fixture(scope="module")
def reference(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("det-ref") / "out"
    clean_to_dir(inputs, out, report=False)
    return out


def test_same_run_twice_and_any_input_order_is_byte_identical(inputs: list[str], reference: Path, tmp_path: Path) -> None:
    rejected = (reference / "rejected.jsonl").read_text()
    assert '"duplicate_of"' in rejected and "copy" in rejected, "the fixture exercises near-duplicates"
    orders = [inputs, inputs[::-1], [inputs[2], inputs[0], inputs[3], inputs[1], inputs[2]]]  # and a repeat
    for n, order in enumerate(orders):
        clean_to_dir(order, tmp_path / str(n), report=False)
        assert outputs_bytes(tmp_path / str(n)) == outputs_bytes(reference), order
    assert _manifest(tmp_path / "0") == _manifest(reference)


def test_worker_count_and_batch_size_do_not_matter(inputs: list[str], reference: Path, tmp_path: Path) -> None:
    config = Config().with_overrides(run={"workers": 2, "batch_size": 3})
    clean_to_dir(inputs, tmp_path / "w2", config, report=False)
    assert outputs_bytes(tmp_path / "w2") == outputs_bytes(reference)
    assert _manifest(tmp_path / "w2")["counts"] == _manifest(reference)["counts"]


def test_glob_and_folder_name_the_same_set(inputs: list[str], tmp_path: Path) -> None:
    more = Path(inputs[1])
    clean_to_dir([str(more)], tmp_path / "folder", report=False)
    clean_to_dir([str(more / "*.txt")], tmp_path / "glob", report=False)
    assert outputs_bytes(tmp_path / "folder") == outputs_bytes(tmp_path / "glob")
