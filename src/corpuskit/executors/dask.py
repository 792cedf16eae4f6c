"""Dask executor: the per-document stages run as tasks on a ``dask.distributed`` cluster.

The driver (the process running ``corpuskit clean``) reads the inputs, cuts them into batches of
``batch_size`` documents and submits each batch as one task; at most ``2 * workers`` batches are in
flight, so memory on the driver and on the cluster is bounded by the batch size, not the corpus.
Results come back in submission order, so the output is the same as the local executors' output,
byte for byte. The stage objects are scattered to every worker once per batch step (not once per
task); each task resets their counters and returns them, and the driver merges them, as the local
process pool does.

With ``scheduler`` (``tcp://HOST:PORT``) the run uses that cluster; without it a ``LocalCluster`` of
``workers`` single-threaded worker processes is started and stopped with the executor. Stages are
CPU-bound Python, so one thread per worker process is the right shape; a lock keeps a multi-threaded
worker correct anyway (stage objects hold lazily built state and counters).

``finalize(stage)`` runs a corpus stage's corpus-wide step. A stage that offers
``finalize_with(find)`` (the near-duplicate stage: ``find`` has the signature of
``neardup.phases.find_duplicates``) gets :func:`corpuskit.executors.dask_neardup.find_duplicates_dask`,
so band buckets, verification and clusters run on the cluster; other stages finalize locally.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from corpuskit.document import Document
from corpuskit.executors.local import apply_stages, batched
from corpuskit.stats import StageStats

log = logging.getLogger(__name__)


class _StageSet:
    """The stages of one batch step as one scattered object, with a lock for threaded workers."""

    def __init__(self, stages: Sequence) -> None:
        self.stages = list(stages)
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        return {"stages": self.stages}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.stages = state["stages"]
        self.lock = threading.Lock()


# GIL switch interval while a batch runs: the stages are CPU-bound Python, and at the default 5 ms
# the worker's communication thread interrupts them often (measured: a 2k-doc run took 9.8 s at
# 50 ms against 10.4-12.1 s at 5 ms); heartbeats still go out, at most 50 ms late
_SWITCH_INTERVAL = 0.05


def _run_batch(stage_set: _StageSet, docs: list[Document]) -> tuple[list[Document], list[StageStats]]:
    """One task: apply the stages to one batch and return the documents and this batch's counters."""
    with stage_set.lock:
        interval = sys.getswitchinterval()
        sys.setswitchinterval(max(interval, _SWITCH_INTERVAL))
        try:
            for stage in stage_set.stages:
                stage.stats = StageStats(stage.name)
            docs = apply_stages(stage_set.stages, docs)
            return docs, [stage.stats for stage in stage_set.stages]
        finally:
            sys.setswitchinterval(interval)


def _default_malloc() -> Any:
    """Dask's nannies start workers with ``MALLOC_TRIM_THRESHOLD_=65536`` (glibc returns freed memory
    to the system at once, which keeps long-lived workers' RSS down); the cleaning stages allocate
    and free many small strings, and ran 4-5% slower with it (measured). A LocalCluster started for
    one run does not need it; clusters of the user's own keep their settings."""
    import dask

    environ = dask.config.get("distributed.nanny.pre-spawn-environ", default={})
    kept = {key: value for key, value in environ.items() if key != "MALLOC_TRIM_THRESHOLD_"}
    return dask.config.set({"distributed.nanny.pre-spawn-environ": kept})


class DaskExecutor:
    """Per-document stages on a Dask cluster; output order equals input order."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None, client: Any = None) -> None:
        """Connect to ``scheduler``, or use ``client`` (left open on close), or start a LocalCluster."""
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # optional extra
            raise RuntimeError("--executor dask needs: pip install 'corpuskit[dask]'") from exc
        self._cluster = None
        self._own_client = client is None
        if client is not None:
            self.client = client
        elif scheduler:
            self.client = Client(scheduler)
        else:
            count = workers or os.cpu_count() or 1
            with _default_malloc():
                self._cluster = LocalCluster(
                    n_workers=count,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self._cluster)
        self.workers = max(1, self._worker_threads())

    def _worker_threads(self) -> int:
        info = self.client.scheduler_info()
        return sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())

    def map_batches(self, stages: Sequence, docs: Iterable[Document], batch_size: int) -> Iterator[Document]:
        stage_set = self.client.scatter(_StageSet(stages), broadcast=True, hash=False)
        window: deque = deque()
        try:
            for batch in batched(docs, batch_size):
                window.append(self.client.submit(_run_batch, stage_set, batch, pure=False))
                if len(window) >= 2 * self.workers:
                    yield from self._collect(stages, window.popleft())
            while window:
                yield from self._collect(stages, window.popleft())
        finally:
            for future in window:
                future.cancel()
            stage_set.release()

    def finalize(self, stage: Any) -> None:
        """The corpus-wide step of ``stage``, on the cluster when the stage supports it."""
        finalize_with = getattr(stage, "finalize_with", None)
        if finalize_with is None:
            stage.run_finalize()
            return
        started = time.perf_counter()
        finalize_with(self.find_duplicates)
        stage.stats.seconds += time.perf_counter() - started

    def find_duplicates(
        self, signatures: Any, keys: Any, lengths: Any, settings: Any, index: Any = None, exact: Any = None
    ) -> Any:
        """``neardup.phases.find_duplicates`` on the cluster (locally when extending an index)."""
        from corpuskit.executors.dask_neardup import find_duplicates_dask
        from corpuskit.neardup.phases import find_duplicates

        if index is not None and index.count:
            return find_duplicates(signatures, keys, lengths, settings, index, exact)
        return find_duplicates_dask(self.client, signatures, keys, lengths, settings, exact)

    @staticmethod
    def _collect(stages: Sequence, future: Any) -> list[Document]:
        docs, stats = future.result()
        future.release()
        for stage, delta in zip(stages, stats, strict=True):
            stage.stats.merge(delta)
        return docs

    def close(self) -> None:
        if self._own_client:
            self.client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
