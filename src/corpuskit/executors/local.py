"""Local executors: in-process, and a process pool with a bounded window of batches in flight.

The pool keeps at most ``2 * workers`` batches outstanding, so memory is bounded by the batch size,
not the corpus (``multiprocessing.Pool.imap`` would read the whole input ahead).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice

from corpuskit.document import Document
from corpuskit.stats import StageStats

_WORKER_STAGES: Sequence = ()


def apply_stages(stages: Sequence, docs: list[Document]) -> list[Document]:
    for stage in stages:
        docs = stage.run_batch(docs)
    return docs


def batched(docs: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(docs)
    while batch := list(islice(iterator, size)):
        yield batch


class LocalExecutor:
    """Everything in this process: the simplest and the reference for byte-identical output."""

    workers = 1

    def map_batches(self, stages: Sequence, docs: Iterable[Document], batch_size: int) -> Iterator[Document]:
        for batch in batched(docs, batch_size):
            yield from apply_stages(stages, batch)

    def close(self) -> None:
        pass


def _init_worker(stages: Sequence) -> None:
    global _WORKER_STAGES
    _WORKER_STAGES = stages


def _run_batch(docs: list[Document]) -> tuple[list[Document], list[StageStats]]:
    for stage in _WORKER_STAGES:
        stage.stats = StageStats(stage.name)
    docs = apply_stages(_WORKER_STAGES, docs)
    return docs, [stage.stats for stage in _WORKER_STAGES]


class ProcessExecutor:
    """Per-document stages in ``workers`` processes; output order equals input order."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)
        self._pools: dict[int, ProcessPoolExecutor] = {}

    def _pool(self, stages: Sequence) -> ProcessPoolExecutor:
        key = id(stages)
        if key not in self._pools:
            self._pools[key] = ProcessPoolExecutor(self.workers, initializer=_init_worker, initargs=(stages,))
        return self._pools[key]

    def map_batches(self, stages: Sequence, docs: Iterable[Document], batch_size: int) -> Iterator[Document]:
        pool = self._pool(stages)
        window: deque[Future] = deque()
        for batch in batched(docs, batch_size):
            window.append(pool.submit(_run_batch, batch))
            if len(window) >= 2 * self.workers:
                yield from self._collect(stages, window.popleft())
        while window:
            yield from self._collect(stages, window.popleft())

    @staticmethod
    def _collect(stages: Sequence, future: Future) -> list[Document]:
        docs, stats = future.result()
        for stage, delta in zip(stages, stats, strict=True):
            stage.stats.merge(delta)
        return docs

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(cancel_futures=True)
        self._pools.clear()
