"""The Dask near-duplicate phases decide exactly what the single-process phases decide."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from corpuskit.neardup import Hasher, NearDupOptions, find_duplicates

pytest.importorskip("distributed")
from corpuskit.executors.dask_neardup import find_duplicates_dask  # noqa: E402

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _corpus() -> list[str]:
    """Seed texts, plus edited and exact copies of them and of each other's paragraphs."""
    rng = np.random.default_rng(7)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS.glob("*.txt"))]
    words = " ".join(texts).split()
    out = []
    for i in range(150):
        start = int(rng.integers(0, max(1, len(words) - 400)))
        base = words[start : start + 300]
        out.append(" ".join(base))
        if i % 3 == 0:  # a near copy: a few words replaced
            edited = list(base)
            for k in rng.integers(0, len(edited), size=int(rng.integers(1, 12))):
                edited[int(k)] = "edited"
            out.append(" ".join(edited))
        if i % 10 == 0:
            out.append(" ".join(base))  # an exact copy
    return out


@pytest.mark.parametrize("linkage", ["keeper", "closure"])
def test_dask_phases_equal_local_phases(dask_client, linkage: str) -> None:
    if not list(SEEDS.glob("*.txt")):
        pytest.skip("no seeds")
    options = replace(NearDupOptions(), linkage=linkage)
    hasher = Hasher(options.hashing, options.num_perm, options.seed)
    texts = _corpus()
    signed = [hasher.sign(t, options.ngram) for t in texts]
    signatures = np.stack([s for s, _ in signed]).astype(np.uint32)
    keys = np.array([k for _, k in signed], dtype=np.uint64)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    local = find_duplicates(signatures, keys, lengths, options.settings())
    remote = find_duplicates_dask(dask_client, signatures, keys, lengths, options.settings(), partition_rows=64)
    assert local.counts["near_duplicates"] > 10 and local.counts["exact_duplicates"] > 5
    assert remote.counts == local.counts
    np.testing.assert_array_equal(remote.keeper, local.keeper)
    np.testing.assert_array_equal(remote.exact, local.exact)
    np.testing.assert_array_equal(remote.similarity, local.similarity)


class _Stage:
    """A corpus stage stand-in that records which finalize path the executor took."""

    def __init__(self, hooked: bool) -> None:
        from corpuskit.stats import StageStats

        self.stats = StageStats("fake")
        self.calls: list[str] = []
        if hooked:
            self.finalize_with = lambda find: self.calls.append(f"with:{find.__name__}")

    def run_finalize(self) -> None:
        self.calls.append("local")


def test_dask_executor_offers_its_phases_to_stages_that_take_them(dask_client) -> None:
    from corpuskit.executors import make_executor

    executor = make_executor(2, "dask", client=dask_client)
    hooked, plain = _Stage(True), _Stage(False)
    executor.finalize(hooked)
    executor.finalize(plain)
    assert hooked.calls == ["with:find_duplicates"] and plain.calls == ["local"]
    executor.close()
    assert dask_client.status == "running"  # a client passed in is left open
