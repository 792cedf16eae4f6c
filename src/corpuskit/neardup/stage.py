"""NearDup corpus stage: MinHash + LSH over word shingles; the kept document per cluster is the one
with the longest clean text, ties broken by the earliest input."""

from __future__ import annotations

import re
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH

from corpuskit.document import Document
from corpuskit.stages.base import CorpusStage

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class NearDupOptions:
    enabled: bool = True
    threshold: float = 0.8
    ngram: int = 5
    num_perm: int = 128
    seed: int = 1


def shingles(text: str, n: int) -> set[bytes]:
    words = _WORD.findall(text.casefold())
    if len(words) < n:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


class NearDup(CorpusStage):
    name = "neardup"

    def __init__(self, options: NearDupOptions = NearDupOptions()) -> None:
        super().__init__()
        self.options = options
        self._order: list[tuple[str, int]] = []
        self._sigs: dict[str, MinHash] = {}
        self._keeper: dict[str, str] = {}
        self._cluster: dict[str, str] = {}

    def observe(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        mh = MinHash(num_perm=self.options.num_perm, seed=self.options.seed)
        mh.update_batch(list(shingles(doc.text, self.options.ngram)))
        self._sigs[doc.id] = mh
        self._order.append((doc.id, len(doc.text)))

    def finalize(self) -> None:
        lsh = MinHashLSH(threshold=self.options.threshold, num_perm=self.options.num_perm)
        parent = {doc_id: doc_id for doc_id, _ in self._order}

        def find(x: str) -> str:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for doc_id, _ in self._order:
            for other in lsh.query(self._sigs[doc_id]):
                if self._sigs[doc_id].jaccard(self._sigs[other]) >= self.options.threshold:
                    parent[find(doc_id)] = find(other)
            lsh.insert(doc_id, self._sigs[doc_id])
        rank = {doc_id: (-length, i) for i, (doc_id, length) in enumerate(self._order)}
        members: dict[str, list[str]] = {}
        for doc_id, _ in self._order:
            members.setdefault(find(doc_id), []).append(doc_id)
        for group in members.values():
            if len(group) > 1:
                keeper = min(group, key=rank.__getitem__)
                for doc_id in group:
                    self._cluster[doc_id] = keeper
                    self._keeper[doc_id] = keeper

    def apply(self, doc: Document) -> None:
        cluster = self._cluster.get(doc.id)
        doc.metadata["dup_cluster"] = cluster
        keeper = self._keeper.get(doc.id)
        if keeper and keeper != doc.id:
            sim = self._sigs[doc.id].jaccard(self._sigs[keeper])
            doc.reject(self.name, "near_duplicate", duplicate_of=keeper, similarity=round(sim, 4))
