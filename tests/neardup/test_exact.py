"""Exact Jaccard near the threshold: ShingleSets, Similarity, and the stage's decisions."""

from __future__ import annotations

import numpy as np
import pytest
from tests.neardup.test_stage import article, edit

from corpuskit.document import Document
from corpuskit.neardup import NearDup, NearDupOptions
from corpuskit.neardup.exact import ShingleSets
from corpuskit.neardup.lsh import BandLayout
from corpuskit.neardup.minhash import Hasher
from corpuskit.neardup.phases import Settings, Similarity
from corpuskit.neardup.shingles import jaccard, shingle_set


@pytest.mark.parametrize("mode", ["affine32", "legacy", "fast"])
def test_shingle_sets_give_the_exact_jaccard_of_the_texts(mode: str) -> None:
    base = article(40)
    texts = [base, edit(base, 0.02, 1), edit(base, 0.1, 2), article(41), "", "too short"]
    hasher = Hasher(mode)
    sets = ShingleSets(hasher.hash_dtype)
    for text in texts:
        sets.append(hasher.sign_with_hashes(text, 5)[2])
    pairs = [(0, 1), (0, 2), (1, 2), (0, 3), (4, 4), (0, 4), (5, 0), (2, 0)]
    got = sets.jaccard(np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))
    want = [jaccard(shingle_set(texts[a]), shingle_set(texts[b])) for a, b in pairs]
    assert got.tolist() == pytest.approx(want, abs=1e-12)
    sets.close()


def test_similarity_replaces_only_estimates_near_a_threshold() -> None:
    settings = Settings(0.8, BandLayout(32, 4), linkage="keeper", keeper_margin=0.1, exact_band=0.1)
    estimates = np.array([0.55, 0.62, 0.79, 0.85, 0.9, 0.95, 0.79])
    a = np.array([10, 11, 12, 13, 14, 15, 2])
    b = np.array([20, 21, 22, 23, 24, 25, 26])
    asked = []

    def exact(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        asked.append((left.tolist(), right.tolist()))
        return np.full(len(left), 0.5)

    similar = Similarity(lambda x, y: estimates.copy(), settings, exact, offset=5)
    # band: [0.8 - 0.1 - 0.1, 0.8 + 0.1) = [0.6, 0.9); row 2 is an indexed document (below offset 5)
    assert similar(a, b).tolist() == [0.55, 0.5, 0.5, 0.5, 0.9, 0.95, 0.79]
    assert asked == [([6, 7, 8], [16, 17, 18])] and similar.checked == 3
    off = Similarity(lambda x, y: estimates.copy(), Settings(0.8, BandLayout(32, 4)), exact)
    assert off(a, b).tolist() == estimates.tolist()  # exact_band = 0: estimates only


def _pair_the_estimate_gets_wrong() -> tuple[str, str, float, NearDupOptions]:
    """Two texts with exact Jaccard just above 0.8 and a seed whose estimate puts them below it."""
    base = article(7, 600)
    for edit_seed in range(40):
        copy = edit(base, 0.022, edit_seed)
        true = jaccard(shingle_set(base), shingle_set(copy))
        if not 0.8 <= true < 0.84:
            continue
        for seed in range(1, 60):
            hasher = Hasher("default", 128, seed)
            estimate = float((hasher.sign(base)[0] == hasher.sign(copy)[0]).mean())
            if estimate < 0.8:
                return base, copy, true, NearDupOptions(seed=seed)
    raise AssertionError("no such pair in the search range")


def test_a_pair_just_above_the_threshold_is_merged_by_its_exact_jaccard() -> None:
    base, copy, true, options = _pair_the_estimate_gets_wrong()
    docs = lambda: [Document(text=base, id="orig"), Document(text=copy, id="copy")]  # noqa: E731
    estimated_only = {d.id: d for d in NearDup(NearDupOptions(**{**options.__dict__, "exact_band": 0.0}))(docs())}
    assert estimated_only["copy"].rejection is None  # the estimate alone misses it
    out = {d.id: d for d in NearDup(options)(docs())}
    rejection = out["copy"].rejection or out["orig"].rejection
    assert rejection is not None and rejection.reason == "near_duplicate"
    assert rejection.similarity == round(true, 4)  # the exact value decided, and is recorded


def test_shingles_never_reach_the_output_and_workers_get_no_open_file() -> None:
    import pickle

    stage = NearDup()
    docs = list(stage([Document(text=article(i), id=str(i)) for i in range(3)]))
    assert all(not any(k.startswith("_") for k in d.metadata) for d in docs)
    stage.observe(Document(text=article(9), id="late"))  # the store exists again ...
    assert pickle.loads(pickle.dumps(stage))._shingles is None  # ... but is not shipped to workers
