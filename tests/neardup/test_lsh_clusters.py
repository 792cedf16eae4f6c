"""Banding layout, buckets, union-find and the keep rule, checked against naive versions."""

from __future__ import annotations

import random

import numpy as np
import pytest

from corpuskit.neardup.clusters import (
    choose_keepers,
    connected_components,
    exact_groups,
    split_by_keeper,
)
from corpuskit.neardup.lsh import BandLayout, band_hashes, bucket_pairs, choose_layout, unique_pairs


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9])
def test_layout_has_recall_below_threshold(threshold: float) -> None:
    layout = choose_layout(128, threshold - 0.1)
    assert layout.bands * layout.rows <= 128
    assert layout.probability(threshold - 0.1) >= 0.99
    wider = BandLayout(128 // (layout.rows + 1), layout.rows + 1)
    assert wider.probability(threshold - 0.1) < 0.99  # the most selective layout that keeps recall


def test_explicit_layout_is_validated() -> None:
    assert choose_layout(128, 0.7, bands=16, rows=8) == BandLayout(16, 8)
    with pytest.raises(ValueError):
        choose_layout(128, 0.7, bands=20, rows=8)


def test_equal_bands_share_buckets_and_pairs_are_complete() -> None:
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 2**32, size=(6, 16), dtype=np.uint64).astype(np.uint32)
    sigs[3, :4] = sigs[1, :4]  # docs 1 and 3 share band 0
    sigs[5] = sigs[1]  # doc 5 equals doc 1 everywhere
    bands = band_hashes(sigs, BandLayout(4, 4))
    assert bands[1, 0] == bands[3, 0] and bands[1, 1] != bands[3, 1]
    pairs = unique_pairs(np.concatenate([bucket_pairs(bands[:, k], np.arange(6)) for k in range(4)]))
    assert {tuple(p) for p in pairs.tolist()} == {(1, 3), (1, 5), (3, 5)}


def test_big_buckets_stay_connected_without_all_pairs() -> None:
    hashes = np.zeros(100, dtype=np.uint64)
    pairs = bucket_pairs(hashes, np.arange(100), window=4)
    assert len(pairs) == 99 + 98 + 97
    labels = connected_components(100, pairs[:, 0], pairs[:, 1])
    assert (labels == 0).all()


def naive_components(n: int, edges: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    roots = [find(i) for i in range(n)]
    smallest: dict[int, int] = {}
    for i, r in enumerate(roots):
        smallest.setdefault(r, i)
    return [smallest[r] for r in roots]


def test_components_match_naive_union_find() -> None:
    rng = random.Random(5)
    for _ in range(50):
        n = rng.randint(1, 60)
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, n))]
        left = np.array([a for a, _ in edges], dtype=np.int64)
        right = np.array([b for _, b in edges], dtype=np.int64)
        assert connected_components(n, left, right).tolist() == naive_components(n, edges)


def test_keeper_is_longest_then_earliest_then_indexed_first() -> None:
    labels = np.array([0, 0, 0, 3, 3, 5])
    lengths = np.array([10, 30, 30, 5, 5, 1])
    assert choose_keepers(labels, lengths).tolist() == [1, 1, 1, 3, 3, 5]
    priority = np.array([1, 1, 0, 1, 1, 1])
    assert choose_keepers(labels, lengths, priority).tolist() == [2, 2, 2, 3, 3, 5]


def test_exact_groups_join_the_earliest_member() -> None:
    edges, reps = exact_groups(np.array([7, 1, 7, 2, 1, 7], dtype=np.uint64))
    assert sorted(map(tuple, edges.tolist())) == [(0, 2), (0, 5), (1, 4)]
    assert reps.tolist() == [True, True, False, True, False, False]


def test_split_by_keeper_only_keeps_members_close_to_the_kept_doc() -> None:
    similar = {(1, 0): 0.9, (2, 0): 0.5, (2, 1): 0.95, (4, 3): 0.85}

    def sim(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.array([similar.get((int(x), int(y)), 0.0) for x, y in zip(a, b, strict=True)])

    keeper, score = split_by_keeper(np.array([0, 0, 0, 3, 3]), np.arange(5), sim, 0.8)
    assert keeper.tolist() == [0, 0, 2, 3, 3]  # doc 2 is far from doc 0: it keeps itself
    assert score.tolist() == [1.0, 0.9, 1.0, 1.0, 0.85]
