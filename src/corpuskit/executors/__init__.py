"""Executors run the per-document stages of a pipeline over batches, serially or in parallel.

An executor has one method, ``map_batches(stages, docs, batch_size)``: apply ``stages`` to every
document, yielding them in input order, and merge the workers' stage statistics into ``stages``.
"""

from corpuskit.executors.local import LocalExecutor, ProcessExecutor, make_executor

__all__ = ["LocalExecutor", "ProcessExecutor", "make_executor"]
