"""datatrove's closest equivalent of corpuskit's default ``clean`` pipeline, timed (baseline for
``bench_pipeline.py``). Standard library + datatrove only: it runs in datatrove's own venv, because
datatrove pins an old trafilatura.

    DATATROVE_PYTHON -m pip install "datatrove[processing]" spacy
    DATATROVE_PYTHON benchmarks/bench_datatrove_pipeline.py --input CORPUS.jsonl --workers 1

Stages (each a ``LocalPipelineExecutor`` run with ``--workers`` tasks and workers):

1. filter: JsonlReader -> FTFYFormatter -> C4QualityFilter (line filter) -> GopherQualityFilter
   -> JsonlWriter;
2.-5. MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster, MinhashDedupFilter (default
   ``MinhashConfig``: 5-grams, 14 buckets x 8 hashes) over stage 1's output.

Left out on purpose: datatrove's LanguageFilter (it downloads a fastText model), so datatrove does
*less* work here than corpuskit, whose language identification stays on. The input is split into
``--workers`` files first (not timed) because datatrove parallelises over files. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bench_datatrove import quiet_datatrove  # same folder: both scripts run in datatrove's own venv


def split_input(source: Path, parts: int, folder: Path) -> int:
    """Round-robin the lines of ``source`` into ``parts`` files; returns the number of documents."""
    folder.mkdir(parents=True)
    outs = [open(folder / f"part-{i:03d}.jsonl", "w", encoding="utf-8") for i in range(parts)]
    count = 0
    with open(source, encoding="utf-8") as fh:
        for count, line in enumerate(fh, 1):  # noqa: B007
            outs[(count - 1) % parts].write(line)
    for out in outs:
        out.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    quiet_datatrove()
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.filters import C4QualityFilter, GopherQualityFilter
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    config = MinhashConfig()
    workers = max(1, args.workers)
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docs = split_input(Path(args.input), workers, work / "input")
        size = sum(p.stat().st_size for p in (work / "input").iterdir())

        def run(name: str, pipeline: list, tasks: int = workers) -> None:
            started = time.perf_counter()
            LocalPipelineExecutor(
                pipeline=pipeline, tasks=tasks, workers=min(tasks, workers), logging_dir=str(work / "logs" / name)
            ).run()
            times[name] = time.perf_counter() - started

        def reader(folder: str) -> JsonlReader:
            return JsonlReader(str(work / folder), text_key="text", id_key="id")

        run("filter", [
            reader("input"), FTFYFormatter(), C4QualityFilter(), GopherQualityFilter(),
            JsonlWriter(str(work / "filtered"), compression=None),
        ])  # fmt: skip
        run("signatures", [reader("filtered"), MinhashDedupSignature(output_folder=str(work / "sigs"), config=config)])
        run("buckets", [MinhashDedupBuckets(input_folder=str(work / "sigs"), output_folder=str(work / "buckets"),
                                            config=config)], tasks=config.num_buckets)  # fmt: skip
        run("cluster", [MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove"),
                                            config=config)], tasks=1)  # fmt: skip
        run("dedup_filter", [
            reader("filtered"), MinhashDedupFilter(input_folder=str(work / "remove")),
            JsonlWriter(str(work / "kept"), compression=None),
        ])  # fmt: skip
        kept = sum(1 for p in (work / "kept").glob("*.jsonl") for _ in open(p, encoding="utf-8"))
    total = sum(times.values())
    print(json.dumps({
        "tool": "datatrove",
        "workers": workers,
        "documents": docs,
        "kept": kept,
        "seconds": round(total, 3),
        "docs_per_s": round(docs / total, 2),
        "mb_per_s": round(size / 1e6 / total, 3),
        "stage_seconds": {k: round(v, 3) for k, v in times.items()},
        "left_out": "LanguageFilter (needs a fastText model download)",
        "minhash_config": str(config),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
