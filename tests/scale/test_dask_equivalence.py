"""The Dask executor gives the local executors' output byte for byte (issue 8's acceptance test).

The seeds and a generated 2,000-document corpus go through the default pipeline on the local
executor and through ``--executor dask`` on a 2-worker LocalCluster. Every output file must be
equal; in the manifest only timings may differ. (The seeds also go through the in-process executor,
the reference; the large corpus skips it to keep the suite fast.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from corpuskit.config import Config
from corpuskit.executors import make_executor
from corpuskit.pipeline import Pipeline
from corpuskit.runner import clean_to_dir

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "tools" / "make_corpus.py"


@pytest.fixture(scope="module")
def generated_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not MAKE_CORPUS.is_file():
        pytest.skip("../shared/bench/tools/make_corpus.py is not present on this machine")
    folder = tmp_path_factory.mktemp("corpus")
    out, truth = folder / "c2k.jsonl", folder / "t2k.jsonl"
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), "--n", "2000", "--out", str(out), "--truth", str(truth)],
        check=True,
        capture_output=True,
    )
    return out


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k != "seconds"}
    return value


def _run(inputs: list[str], out: Path, executor: Any) -> Path:
    config = Config()
    clean_to_dir(inputs, out, config, pipeline=Pipeline.from_config(config, executor), report=False)
    return out


def _assert_same_output(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        if name == "manifest.json":
            left = _without_timings(json.loads((a / name).read_text()))
            right = _without_timings(json.loads((b / name).read_text()))
            assert left == right
        else:
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize("which", ["seeds", "generated"])
def test_dask_output_equals_local_output(which: str, tmp_path: Path, dask_client: Any, request) -> None:
    inputs = [str(SEEDS)] if which == "seeds" else [str(request.getfixturevalue("generated_corpus"))]
    local = _run(inputs, tmp_path / "local", make_executor(2))
    on_dask = _run(inputs, tmp_path / "dask", make_executor(2, "dask", client=dask_client))
    counts = json.loads((local / "manifest.json").read_text())["counts"]
    assert counts["kept"] > (2 if which == "seeds" else 1500)
    if which == "generated":  # the planted near-duplicates must be among what both runs agree on
        assert counts["rejected_by_reason"].get("neardup.near_duplicate", 0) > 20
    else:
        _assert_same_output(_run(inputs, tmp_path / "serial", make_executor(1)), local)
    _assert_same_output(local, on_dask)
