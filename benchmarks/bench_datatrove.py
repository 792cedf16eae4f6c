"""datatrove's four MinHash dedup stages on a JSONL corpus, single process (baseline for bench_neardup).

    DATATROVE_PYTHON -m pip install "datatrove[processing]" spacy   # its own venv: it pins trafilatura
    DATATROVE_PYTHON benchmarks/bench_datatrove.py --input CLEAN.jsonl [--pairs PAIRS.json]

Runs MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster and MinhashDedupFilter with
datatrove's default ``MinhashConfig`` (5-grams, 14 buckets x 8 hashes) and English word tokenizer,
one task and one worker each, and prints one JSON line: wall seconds per stage, docs/s, documents
removed, the id -> cluster id map of clustered documents, and -- given ``--pairs`` (a JSON list of
[id_a, id_b]) -- how many of those pairs it put in one cluster.
Standard library + datatrove only, so it runs in that venv without corpuskit.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path


def quiet_datatrove() -> None:
    """Silence datatrove's stdlib and loguru logging: its progress lines would bury the JSON result."""
    logging.disable(logging.WARNING)
    from loguru import logger

    logger.remove()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", required=True)
    parser.add_argument("--pairs", default="")
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
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    source = Path(args.input).resolve()
    config = MinhashConfig()
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        def reader() -> JsonlReader:
            return JsonlReader(str(source.parent), glob_pattern=source.name, text_key="text", id_key="id")

        def run(name: str, pipeline: list, tasks: int = 1) -> None:
            started = time.perf_counter()
            executor = LocalPipelineExecutor(
                pipeline=pipeline, tasks=tasks, workers=1, logging_dir=str(work / "logs" / name)
            )
            executor.run()
            times[name] = time.perf_counter() - started

        run("signatures", [reader(), MinhashDedupSignature(output_folder=str(work / "sigs"), config=config)])
        run(
            "buckets",
            [
                MinhashDedupBuckets(
                    input_folder=str(work / "sigs"), output_folder=str(work / "buckets"), config=config
                )
            ],
            tasks=config.num_buckets,
        )
        run(
            "cluster",
            [
                MinhashDedupCluster(
                    input_folder=str(work / "buckets"),
                    output_folder=str(work / "remove"),
                    config=config,
                    save_cluster_id=True,
                )
            ],
        )
        run(
            "filter",
            [
                reader(),
                MinhashDedupFilter(
                    input_folder=str(work / "remove"),
                    exclusion_writer=JsonlWriter(str(work / "removed"), compression=None),
                    load_cluster_ids=True,
                ),
                JsonlWriter(str(work / "kept"), compression=None),
            ],
        )
        cluster: dict[str, int] = {}
        removed_ids: list[str] = []
        for folder in ("kept", "removed"):
            for path in (work / folder).glob("*.jsonl"):
                with open(path, encoding="utf-8") as fh:
                    for line in fh:
                        record = json.loads(line)
                        cluster[record["id"]] = record["metadata"].get("minhash_cluster_id", -1)
                        if folder == "removed":
                            removed_ids.append(record["id"])
    docs = len(cluster)
    total = sum(times.values())
    out = {
        "datatrove_docs": docs,
        "datatrove_removed": len(removed_ids),
        "datatrove_seconds": {k: round(v, 3) for k, v in times.items()},
        "docs_per_s": round(docs / total, 2),
        "config": str(config),
        "clusters": {doc_id: c for doc_id, c in cluster.items() if c != -1},
        "removed_ids": sorted(removed_ids),
    }
    if args.pairs:
        pairs = json.loads(Path(args.pairs).read_text(encoding="utf-8"))
        out["datatrove_found"] = sum(
            cluster.get(a, -1) != -1 and cluster.get(a) == cluster.get(b) for a, b in pairs
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
