"""Executors run the per-document stages of a pipeline over batches, serially or in parallel.

An executor has one method, ``map_batches(stages, docs, batch_size)``: apply ``stages`` to every
document, yielding them in input order, and merge the workers' stage statistics into ``stages``.
``make_executor`` picks one from the run options: ``local`` (in this process for one worker, a
process pool otherwise) or ``dask`` (a ``dask.distributed`` cluster, see ``executors/dask.py``).
"""

from __future__ import annotations

import os
from typing import Any

from corpuskit.executors.local import LocalExecutor, ProcessExecutor

EXECUTORS = ("local", "dask")

__all__ = ["EXECUTORS", "LocalExecutor", "ProcessExecutor", "make_executor", "executor_for"]


def make_executor(
    workers: int | None, executor: str = "local", scheduler: str | None = None, client: Any = None
) -> Any:
    """``workers`` 0 or None means every core; locally, 1 runs in this process.

    ``client`` (a ``distributed.Client``) runs on that cluster and leaves it open afterwards.
    """
    if executor == "dask" or scheduler or client is not None:
        from corpuskit.executors.dask import DaskExecutor

        return DaskExecutor(scheduler=scheduler or None, workers=workers, client=client)
    if executor != "local":
        raise ValueError(f"unknown executor {executor!r}; known: {', '.join(EXECUTORS)}")
    count = workers or os.cpu_count() or 1
    return LocalExecutor() if count <= 1 else ProcessExecutor(count)


def executor_for(run: Any) -> Any:
    """The executor a ``RunOptions`` asks for (``executor``/``scheduler`` default to a local run)."""
    return make_executor(run.workers, getattr(run, "executor", "local"), getattr(run, "scheduler", None))
