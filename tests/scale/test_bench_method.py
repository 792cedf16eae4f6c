"""The benchmark's method: which of repeated runs a figure comes from."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_pipeline.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_pipeline", _SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_median_run_keeps_the_middle_run_and_lists_all_in_order() -> None:
    runs = [{"seconds": 9.0, "n": "slow"}, {"seconds": 5.0, "n": "fast"}, {"seconds": 6.0, "n": "mid"}]
    chosen = _bench().median_run(runs)
    assert chosen["n"] == "mid"
    assert chosen["runs_seconds"] == [9.0, 5.0, 6.0]
    assert "runs_seconds" not in runs[2]  # the input runs are left as they were


def test_median_run_of_an_even_count_is_the_slower_middle_one() -> None:
    runs = [{"seconds": s} for s in (4.0, 1.0, 3.0, 2.0)]
    assert _bench().median_run(runs)["seconds"] == 3.0
    assert _bench().median_run(runs[:1])["seconds"] == 4.0
