"""Whole-pipeline benchmark (issue 8): throughput, scaling, Dask overhead, baselines and memory.

    python benchmarks/bench_pipeline.py [--n 10000] [--big 100000] [--datatrove-python PATH]

Measured in one run, on corpora made by ``../shared/bench/tools/make_corpus.py`` (kept in
``benchmarks/data/scale/``, git-ignored), each corpuskit run in its own subprocess so that its peak
RSS is its own:

- ``io``: a plain read-JSONL/write-JSONL pass with the stdlib ``json`` (the I/O limit);
- ``naive``: ftfy ``fix_text`` on every document + langdetect on its first 1,000 characters +
  datasketch ``MinHash.bulk`` over word 5-grams, single process (the libraries composed naively);
- ``local_1``, ``local_2``: ``corpuskit clean`` (default stages, JSONL in and out, and the review
  report the default run writes last) with 1 and 2 workers; ``dask_2``: the same on a 2-worker Dask
  LocalCluster; each with the per-stage seconds of its manifest (summed over workers) plus the
  report's, and the peak RSS of the driver and of the largest worker;
- ``datatrove_1``/``_2``: ``bench_datatrove_pipeline.py`` in datatrove's own venv (no LanguageFilter);
- ``mem_small``/``mem_big``: ``--workers 2`` over ``--n`` and ``--big`` documents, for peak RSS at
  10x the corpus. ``--mem-stages`` picks the stages (default: all); on a slow or busy machine
  ``normalize,neardup`` measures the pipeline's own memory (spill, batches, writer, dedup index) in
  a fraction of the time, since the other stages keep no corpus-wide state, and ``-`` (no stages)
  the reader, runner and writer alone.

The timed steps run ``--repeat`` rounds (default 3), interleaved, and each keeps its median run
(``runs_seconds`` lists all): single runs on a shared 2-core machine moved by up to 20%.

Writes ``benchmarks/results/pipeline.json`` (ratios under ``ratios``) and prints a summary. The
machine's load average is recorded next to each timing: numbers from a busy machine are not
comparable, so re-run when ``load_before`` is high.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "scale"
RESULTS = ROOT / "benchmarks" / "results"
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "tools" / "make_corpus.py"
NAIVE_LANG_CHARS = 1000


def corpus(n: int) -> Path:
    """The generated corpus of ``n`` documents (seed 0), made once."""
    path = DATA / f"c{n // 1000}k.jsonl" if n % 1000 == 0 else DATA / f"c{n}.jsonl"
    if not path.is_file():
        DATA.mkdir(parents=True, exist_ok=True)
        truth = path.with_name(path.name.replace("c", "t", 1))
        subprocess.run([sys.executable, str(MAKE_CORPUS), "--n", str(n), "--out", str(path), "--truth", str(truth)],
                       check=True, capture_output=True)  # fmt: skip
    return path


def rates(docs: int, size: int, seconds: float) -> dict:
    return {"documents": docs, "seconds": round(seconds, 3), "docs_per_s": round(docs / seconds, 1),
            "mb_per_s": round(size / 1e6 / seconds, 3), "load_before": round(os.getloadavg()[0], 2)}  # fmt: skip


def io_pass(path: Path) -> dict:
    """stdlib json: read every line, write it back to a temporary file."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    docs = 0
    with open(path, encoding="utf-8") as src, tempfile.TemporaryFile("w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            dst.write(json.dumps(record, ensure_ascii=False) + "\n")
            docs += 1
    out = rates(docs, path.stat().st_size, time.perf_counter() - started)
    out["load_before"] = round(load, 2)
    return out


def naive(path: Path, limit: int) -> dict:
    """ftfy on every doc, langdetect on 1,000 chars, MinHash.bulk of word 5-grams: one process."""
    import ftfy
    from datasketch import MinHash
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    texts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    size = sum(len(t.encode("utf-8")) for t in texts)
    load = os.getloadavg()[0]
    parts = {}
    started = time.perf_counter()
    fixed = [ftfy.fix_text(t) for t in texts]
    parts["ftfy"] = time.perf_counter() - started
    mark = time.perf_counter()
    for text in fixed:
        try:
            detect(text[:NAIVE_LANG_CHARS])
        except LangDetectException:
            pass
    parts["langdetect"] = time.perf_counter() - mark
    mark = time.perf_counter()
    shingled = []
    for text in fixed:
        words = text.lower().split()
        shingled.append({" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))})
    MinHash.bulk(shingled, num_perm=128)
    parts["minhash_bulk"] = time.perf_counter() - mark
    out = rates(len(texts), size, time.perf_counter() - started)
    out["load_before"] = round(load, 2)
    out["part_docs_per_s"] = {k: round(len(texts) / v, 1) for k, v in parts.items()}
    return out


def clean_run(path: Path, workers: int, executor: str, stages: str = "") -> dict:
    """One ``clean`` in a subprocess (``_run`` below); its timings, stage breakdown and peak RSS."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="corpuskit-bench-") as out:
        cmd = [sys.executable, __file__, "_run", str(path), out, str(workers), executor, stages]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(rates(result["documents"], path.stat().st_size, result["seconds"]))
    result["load_before"] = round(load, 2)
    return result


def _run(path: str, out: str, workers: int, executor: str, stages: str) -> None:
    """Subprocess body: clean ``path`` into ``out`` and print one JSON line."""
    from dataclasses import replace

    from corpuskit.config import Config
    from corpuskit.executors import make_executor
    from corpuskit.pipeline import Pipeline
    from corpuskit.runner import clean_to_dir, write_review_report

    config = Config()
    if stages:  # "-": no stages at all (the reader, runner and writer alone)
        chosen = () if stages == "-" else tuple(stages.split(","))
        config = replace(config, run=replace(config.run, stages=chosen))
    pipeline = Pipeline.from_config(config, make_executor(workers, executor))
    started = time.perf_counter()
    summary = clean_to_dir([path], out, config, pipeline=pipeline, report=False)
    cleaned = time.perf_counter()
    write_review_report(Path(out))  # what the default run does last, timed on its own
    reported = time.perf_counter()
    seconds = reported - started
    manifest = json.loads((Path(out) / "manifest.json").read_text())
    stage_seconds = {k: v["seconds"] for k, v in manifest["stages"].items()}
    stage_seconds["report"] = round(reported - cleaned, 3)
    print(json.dumps({
        "executor": executor, "workers": workers, "stages": list(config.run.stages), "documents": summary.documents_in, "kept": summary.kept,
        "seconds": seconds, "stage_seconds": stage_seconds,
        "neardup_counts": manifest["stages"].get("neardup", {}).get("reasons", {}),
        "peak_rss_mb_driver": round(_peak_rss_kb() / 1024, 1),
        "peak_rss_mb_largest_worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }))  # fmt: skip


def _peak_rss_kb() -> int:
    """This process's peak RSS since exec (VmHWM); ``ru_maxrss`` would include the forking parent's."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def datatrove(python: str, path: Path, workers: int, limit: int) -> dict:
    """datatrove's closest pipeline on the first ``limit`` documents, in its own venv."""
    with tempfile.TemporaryDirectory(prefix="corpuskit-dt-") as tmp:
        sample = Path(tmp) / "sample.jsonl"
        with open(path, encoding="utf-8") as src, open(sample, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i >= limit:
                    break
                dst.write(line)
        load = os.getloadavg()[0]
        script = Path(__file__).with_name("bench_datatrove_pipeline.py")
        cmd = [python, str(script), "--input", str(sample), "--workers", str(workers)]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["load_before"] = round(load, 2)
    return result


def median_run(runs: list[dict]) -> dict:
    """The run with the median time (the slower middle one of an even count), with every run's
    seconds beside it: one run on a shared machine can be 20% off either way."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["runs_seconds"] = [round(run["seconds"], 3) for run in runs]
    return chosen


def ratio(a: dict | None, b: dict | None) -> float | None:
    if not a or not b:
        return None
    return round(a["docs_per_s"] / b["docs_per_s"], 2)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_run":
        _run(argv[1], argv[2], int(argv[3]), argv[4], argv[5] if len(argv) > 5 else "")
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000, help="documents of the main corpus")
    parser.add_argument("--big", type=int, default=100000, help="documents of the memory run (0: skip)")
    parser.add_argument("--mem-stages", default="", help="stages of the memory runs (default: all)")
    parser.add_argument("--naive-docs", type=int, default=10000, help="documents for the naive composition")
    parser.add_argument("--datatrove-python", default="", help="python of a venv with datatrove installed")
    parser.add_argument("--datatrove-docs", type=int, default=2000, help="documents for datatrove (a rate)")
    parser.add_argument("--only", default="", help="comma-separated subset of: io,naive,local,dask,datatrove,mem")
    parser.add_argument("--out", default=str(RESULTS / "pipeline.json"))
    parser.add_argument("--merge", default="", help="results JSON of an earlier run whose steps are reused")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the timed steps; each keeps its median")
    args = parser.parse_args(argv)
    only = set(filter(None, args.only.split(","))) or {"io", "naive", "local", "dask", "datatrove", "mem"}
    main_corpus = corpus(args.n)
    results: dict = json.loads(Path(args.merge).read_text()) if args.merge else {}
    results.pop("ratios", None)
    results["corpus"] = {"documents": args.n, "bytes": main_corpus.stat().st_size, "cpus": os.cpu_count()}
    steps = [
        ("io", "io", lambda: io_pass(main_corpus)),
        ("naive", "naive", lambda: naive(main_corpus, args.naive_docs)),
        ("local", "local_1", lambda: clean_run(main_corpus, 1, "local")),
        ("local", "local_2", lambda: clean_run(main_corpus, 2, "local")),
        ("dask", "dask_2", lambda: clean_run(main_corpus, 2, "dask")),
    ]
    if args.datatrove_python:
        for workers in (1, 2):
            steps.append(("datatrove", f"datatrove_{workers}",
                          lambda w=workers: datatrove(args.datatrove_python, main_corpus, w, args.datatrove_docs)))  # fmt: skip
    steps = [step for step in steps if step[0] in only]
    runs: dict[str, list[dict]] = {}
    for round_ in range(max(1, args.repeat)):  # interleaved: a machine that slows down hits every step
        for _, name, step in steps:
            print(f"running {name} (round {round_ + 1}) ...", file=sys.stderr, flush=True)
            runs.setdefault(name, []).append(step())
            print(f"  {name}: {json.dumps(runs[name][-1])[:300]}", file=sys.stderr, flush=True)
    for name, done in runs.items():
        results[name] = median_run(done)
    if args.big and "mem" in only:
        for name, path in (("mem_small", main_corpus), ("mem_big", corpus(args.big))):
            print(f"running {name} ...", file=sys.stderr, flush=True)
            results[name] = clean_run(path, 2, "local", args.mem_stages)
    r = results.get
    results["ratios"] = {
        "local_1_vs_io": ratio(r("local_1"), r("io")),
        "local_2_vs_io": ratio(r("local_2"), r("io")),
        "local_1_vs_naive": ratio(r("local_1"), r("naive")),
        "local_2_vs_local_1": ratio(r("local_2"), r("local_1")),
        "dask_2_vs_local_2": ratio(r("dask_2"), r("local_2")),
        "local_1_vs_datatrove_1": ratio(r("local_1"), r("datatrove_1")),
        "local_2_vs_datatrove_2": ratio(r("local_2"), r("datatrove_2")),
    }
    small, big = r("mem_small"), r("mem_big")
    if small and big:
        for key in ("peak_rss_mb_driver", "peak_rss_mb_largest_worker"):
            results["ratios"][f"{key}_big_vs_small"] = round(big[key] / small[key], 2)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(results["ratios"], indent=2))


if __name__ == "__main__":
    main()
