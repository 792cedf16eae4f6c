"""Clusters and the kept document of each (phase 3: verified edges -> components -> decisions).

``connected_components`` is union-find done as array passes (hooking every edge onto the smaller
root, then pointer jumping), so it runs on any array engine and its labels are deterministic: each
document is labelled with the smallest index in its component.

The kept document of a cluster is chosen by a documented, deterministic rule: lowest ``priority``
first (documents already in an incremental index have priority 0 and always win over new ones),
then the longest cleaned text, then the earliest input.

Union-find alone merges chains: A~B and B~C put A and C in one cluster even when A and C share
little. ``split_by_keeper`` (the default ``linkage = "keeper"``) refines each component so that every
rejected document is itself within the threshold of the document kept in its place: the best-ranked
member keeps every member similar enough to it, and the rest form the next round's sub-cluster.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def connected_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Label of each of ``n`` nodes: the smallest node index in its connected component."""
    parent = np.arange(n, dtype=np.int64)
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    while len(left):
        a, b = parent[left], parent[right]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        np.minimum.at(parent, hi, lo)  # hook the larger root under the smaller one
        while True:  # pointer jumping until every node points at its root
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
        if np.array_equal(parent[left], parent[right]):
            break
    return parent


def rank_order(lengths: np.ndarray, priority: np.ndarray | None = None) -> np.ndarray:
    """Rank of each node under the keep rule (0 = best): priority, then longest, then earliest."""
    n = len(lengths)
    prio = np.zeros(n, dtype=np.int64) if priority is None else np.asarray(priority, dtype=np.int64)
    order = np.lexsort((np.arange(n), -np.asarray(lengths, dtype=np.int64), prio))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    return rank


def choose_keepers(labels: np.ndarray, lengths: np.ndarray, priority: np.ndarray | None = None) -> np.ndarray:
    """For each node, the index of its component's kept node (priority, then longest, then earliest)."""
    n = len(labels)
    order = np.lexsort((rank_order(lengths, priority), labels))
    sorted_labels = labels[order]
    first = np.ones(n, dtype=bool)
    first[1:] = sorted_labels[1:] != sorted_labels[:-1]
    keeper_of_label = np.empty(n, dtype=np.int64)
    keeper_of_label[sorted_labels[first]] = order[first]
    return keeper_of_label[labels]


def exact_groups(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Edges ``(representative, member)`` joining equal keys, and the mask of representatives.

    The representative of a group is its earliest member; only representatives need banding, which
    keeps huge buckets of identical texts out of the candidate step.
    """
    n = len(keys)
    order = np.lexsort((np.arange(n), keys))
    sorted_keys = keys[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
    group = np.cumsum(starts) - 1
    rep_sorted = order[starts][group]
    is_rep = np.zeros(n, dtype=bool)
    is_rep[order[starts]] = True
    members = ~starts
    return np.stack([rep_sorted[members], order[members]], axis=1).astype(np.int64), is_rep


def split_by_keeper(
    labels: np.ndarray,
    rank: np.ndarray,
    similarity: Callable[[np.ndarray, np.ndarray], np.ndarray],
    threshold: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Keeper of each node such that every non-kept node has ``similarity(node, keeper) >= threshold``.

    Rounds over all components at once: each unresolved component's best-ranked unresolved member
    becomes a keeper and takes the unresolved members similar enough to it. Returns the keeper of
    every node (itself when alone) and each node's similarity to it (1.0 for keepers).
    """
    n = len(labels)
    keeper = np.arange(n, dtype=np.int64)
    score = np.ones(n, dtype=np.float64)
    sizes = np.bincount(labels, minlength=n)
    open_nodes = np.flatnonzero(sizes[labels] > 1)
    while len(open_nodes):
        order = np.lexsort((rank[open_nodes], labels[open_nodes]))
        nodes = open_nodes[order]
        groups = labels[nodes]
        first = np.ones(len(nodes), dtype=bool)
        first[1:] = groups[1:] != groups[:-1]
        head = nodes[first][np.cumsum(first) - 1]  # the best-ranked open member of each group
        others = ~first
        sims = similarity(nodes[others], head[others])
        taken = sims >= threshold
        keeper[nodes[others][taken]] = head[others][taken]
        score[nodes[others][taken]] = sims[taken]
        open_nodes = nodes[others][~taken]
    return keeper, score
