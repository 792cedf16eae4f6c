"""Near-duplicate benchmark: quality against planted truth, signature and stage speed, memory.

    python benchmarks/bench_neardup.py [--n 10000] [--rounds 3] [--datatrove-python PATH]

Writes ``benchmarks/results/neardup.json``. Every speed figure is a ratio measured in this run on
this machine, single process: signatures/s of corpuskit's numpy path (``Hasher.sign`` per text, and
``Hasher.sign_many`` per chunk of 50 texts) vs datasketch's per-token ``update()`` loop and vs the
floor of any datasketch-compatible path (shingling + one sha1 per shingle, nothing else); the
whole stage (shingle, sign, candidates, verify, cluster, filter) vs datatrove's four MinHash stages on the same cleaned texts (run by ``bench_datatrove.py`` in its own
virtualenv when ``--datatrove-python`` is given; datatrove pins an old trafilatura).
"""

from __future__ import annotations

import argparse
import functools
import gc
import hashlib
import importlib.util
import itertools
import json
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import datasketch
import numpy as np
from datasketch import MinHash, MinHashLSH
from scipy import sparse

from corpuskit.document import Document
from corpuskit.neardup import Hasher, NearDup, NearDupIndex, NearDupOptions, find_duplicates
from corpuskit.neardup.exact import ShingleSets
from corpuskit.neardup.shingles import fold, jaccard, shingle_bounds, shingle_bytes, shingle_set

RESULTS = Path(__file__).resolve().parent / "results" / "neardup.json"
THRESHOLDS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]


# -- corpora ----------------------------------------------------------------------------------
SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench" / "tools"
DATA = Path(__file__).resolve().parent / "data"
CLEAN_STAGES = ("normalize", "boilerplate", "repetition", "site_repetition")


def generate(n: int, seed: int = 0) -> tuple[Path, Path]:
    """``make_corpus.py --n N`` into benchmarks/data (skipped when already there)."""
    DATA.mkdir(parents=True, exist_ok=True)
    corpus, truth = DATA / f"corpus-{n}-{seed}.jsonl", DATA / f"truth-{n}-{seed}.jsonl"
    if not (corpus.is_file() and truth.is_file()):
        cmd = [sys.executable, str(SHARED / "make_corpus.py"), "--n", str(n), "--seed", str(seed)]
        subprocess.run(cmd + ["--out", str(corpus), "--truth", str(truth)], check=True, capture_output=True)
    return corpus, truth


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@functools.cache
def cleaning_digest() -> str:
    """A digest of the cleaning code and rule packs (once per run): a cache of cleaned texts from
    other code is stale."""
    import corpuskit

    package = Path(corpuskit.__file__).parent
    digest = hashlib.sha1()
    for path in sorted([*package.glob("stages/*.py"), *package.glob("rules/*"), package / "document.py"]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def cleaned(corpus: Path, workers: int = 1) -> tuple[list[str], list[str], list[str]]:
    """(ids, cleaned texts, stages used), cached in ``<corpus>.clean-<code digest>.jsonl``."""
    cache = corpus.with_suffix(f".clean-{cleaning_digest()}.jsonl")
    for stale in corpus.parent.glob(corpus.stem + ".clean*.jsonl"):
        if stale != cache:
            stale.unlink()
    if cache.is_file():
        rows = read_jsonl(cache)
        return [r["id"] for r in rows], [r["text"] for r in rows], rows[0]["stages"] if rows else []
    from corpuskit.config import Config, RunOptions
    from corpuskit.pipeline import Pipeline, build_stage

    config = Config(run=RunOptions(workers=workers))
    stages = []
    for name in CLEAN_STAGES:
        try:
            stages.append(build_stage(name, config))
        except ValueError:
            continue  # that stage does not exist in this version
    pipeline = Pipeline(stages, config)
    try:
        docs = list(pipeline.run(read_jsonl(corpus)))
    finally:
        pipeline.close()
    names = [s.name for s in stages]
    with open(cache, "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps({"id": doc.id, "text": doc.text, "stages": names}, ensure_ascii=False) + "\n")
    return [d.id for d in docs], [d.text for d in docs], names


def oracle(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """(ids, article bodies) of the generated corpus, from the generator itself."""
    spec = importlib.util.spec_from_file_location("make_corpus", SHARED / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    langs = module.load_languages()
    sites = module.make_sites(langs, seed)
    families, members = module.plan_corpus(n, sites, seed)
    generator = module.Generator(seed, langs, sites, families)
    ids, bodies = [], []
    for member in members:
        record, body, _ = generator.document(member)
        ids.append(record["id"])
        bodies.append(body)
    return ids, bodies


# -- quality ----------------------------------------------------------------------------------
def sign_all(texts: list[str], options: NearDupOptions) -> tuple:
    """What ``find_duplicates`` needs for ``texts``: signatures, keys, lengths and the shingle sets."""
    hasher = Hasher(options.hashing, options.num_perm, options.seed)
    sets = ShingleSets(hasher.hash_dtype)
    sigs, keys = [], []
    for batch, batch_keys, hashes in hasher.sign_batches(texts, options.ngram):
        sigs.append(batch)
        keys.append(batch_keys)
        for text_hashes in hashes:
            sets.append(text_hashes)
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    return np.vstack(sigs), np.concatenate(keys), lengths, sets


def clusters_at(signed: tuple, options: NearDupOptions) -> np.ndarray:
    """Cluster label per document (its kept row) or -1 when unique."""
    signatures, keys, lengths, sets = signed
    return find_duplicates(signatures, keys, lengths, options.settings(), None, sets.jaccard).keeper


def merged_pairs(keeper: np.ndarray) -> set[tuple[int, int]]:
    return cluster_pairs({row: int(keeper[row]) for row in np.flatnonzero(keeper >= 0).tolist()})


def cluster_pairs(cluster_of: dict) -> set[tuple]:
    """Every pair of members of one cluster (``None`` or -1: not clustered), smaller member first."""
    groups: dict[object, list] = {}
    for member, cluster in cluster_of.items():
        if cluster is not None and cluster != -1:
            groups.setdefault(cluster, []).append(member)
    return {p for g in groups.values() for p in itertools.combinations(sorted(g), 2)}


def curve(
    texts: list[str], ids: list[str], truth: list[dict], base: NearDupOptions, thresholds: list[float]
) -> list[dict]:
    """Per threshold: recall of planted pairs (body J >= t and >= t + 0.05), bad-merge share, precision."""
    row = {doc_id: i for i, doc_id in enumerate(ids)}
    planted = [
        (row[p["a"]], row[p["b"]], p["jaccard_5gram_body"])
        for p in truth
        if p["kind"] != "hard_negative" and p["a"] in row and p["b"] in row
    ]
    planted_set = {(min(a, b), max(a, b)) for a, b, _ in planted}
    signed = sign_all(texts, base)
    shingles: dict[int, set[bytes]] = {}
    out = []
    for t in thresholds:
        options = NearDupOptions(**{**base.__dict__, "threshold": t})
        keeper = clusters_at(signed, options)
        merged = merged_pairs(keeper)
        decided = {(min(i, k), max(i, k)) for i, k in enumerate(keeper.tolist()) if k >= 0 and k != i}
        for i in {i for pair in merged for i in pair} - shingles.keys():
            shingles[i] = shingle_set(texts[i], options.ngram)
        exact = {pair: jaccard(shingles[pair[0]], shingles[pair[1]]) for pair in merged}
        result = {"threshold": t, "merged_pairs": len(merged)}
        for name, floor in (("recall_body_ge_t", t), ("recall_body_ge_t+0.05", t + 0.05)):
            wanted = [(min(a, b), max(a, b)) for a, b, j in planted if j >= floor]
            result[name] = round(sum(p in merged for p in wanted) / len(wanted), 4) if wanted else None
            result[name.replace("recall", "pairs")] = len(wanted)
        for i in {i for pair in wanted for i in pair} - shingles.keys():
            shingles[i] = shingle_set(texts[i], options.ngram)
        reachable = sum(jaccard(shingles[a], shingles[b]) >= t for a, b in wanted)
        # the share of those pairs still >= t on the texts the stage sees: what cleaning leaves possible
        result["ceiling_input_j_ge_t"] = round(reachable / len(wanted), 4) if wanted else None
        bad = sum(j < t - 0.15 for j in exact.values())
        result["merged_exact_j_lt_t-0.15"] = bad
        result["bad_merge_share"] = round(bad / len(merged), 5) if merged else 0.0
        bad_decided = sum(exact[p] < t - 0.15 for p in decided)
        result["decided_pairs"] = len(decided)
        result["decided_exact_j_lt_t-0.15"] = bad_decided
        result["decided_exact_j_lt_t"] = sum(exact[p] < t for p in decided)
        result["precision_vs_planted"] = round(len(merged & planted_set) / len(merged), 4) if merged else None
        out.append(result)
    return out


def brute_force(texts: list[str], base: NearDupOptions, thresholds: list[float]) -> list[dict]:
    """Exact Jaccard of every pair (sparse shingle matrix product) against the stage's merges."""
    vocab: dict[bytes, int] = {}
    indptr, indices = [0], []
    sizes = []
    for text in texts:
        cols = [vocab.setdefault(s, len(vocab)) for s in shingle_set(text, base.ngram)]
        indices += cols
        indptr.append(len(indices))
        sizes.append(len(cols))
    matrix = sparse.csr_matrix(
        (np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(texts), len(vocab))
    )
    inter = (matrix @ matrix.T).tocoo()
    keep = inter.row < inter.col
    a, b, both = inter.row[keep], inter.col[keep], inter.data[keep]
    size = np.array(sizes, dtype=np.float64)
    union = size[a] + size[b] - both
    exact = np.where(union > 0, both / np.maximum(union, 1), 1.0)
    signed = sign_all(texts, base)
    out = []
    for t in thresholds:
        options = NearDupOptions(**{**base.__dict__, "threshold": t})
        merged = merged_pairs(clusters_at(signed, options))
        true = {(int(x), int(y)) for x, y, j in zip(a, b, exact, strict=True) if j >= t}
        true_hi = {(int(x), int(y)) for x, y, j in zip(a, b, exact, strict=True) if j >= t + 0.05}
        lookup = {(int(x), int(y)): float(j) for x, y, j in zip(a, b, exact, strict=True)}
        bad = sum(lookup.get(p, 0.0) < t - 0.15 for p in merged)
        out.append(
            {
                "threshold": t,
                "pairs_exact_ge_t": len(true),
                "recall_exact_ge_t": round(len(true & merged) / len(true), 4) if true else None,
                "recall_exact_ge_t+0.05": round(len(true_hi & merged) / len(true_hi), 4) if true_hi else None,
                "merged_pairs": len(merged),
                "precision_exact_ge_t": round(len(true & merged) / len(merged), 4) if merged else None,
                "bad_merge_share": round(bad / len(merged), 5) if merged else 0.0,
            }
        )
    return out


# -- speed and memory ---------------------------------------------------------------------------


def rates(fns: dict, texts: list[str], rounds: int, chunk: int = 50) -> dict[str, float]:
    """docs/s of each function of a list of texts, interleaved chunk by chunk so that load from other
    processes hits all of them alike; each chunk's time is the best of ``rounds``."""
    best = {name: [float("inf")] * ((len(texts) + chunk - 1) // chunk) for name in fns}
    for _ in range(rounds):
        for k in range(0, len(texts), chunk):
            part = texts[k : k + chunk]
            for name, fn in fns.items():
                started = time.perf_counter()
                fn(part)
                best[name][k // chunk] = min(best[name][k // chunk], time.perf_counter() - started)
    return {name: len(texts) / sum(times) for name, times in best.items()}


def each(fn):
    """A function of one text as a function of a chunk: the plain loop over it."""

    def run(part: list[str]) -> None:
        for text in part:
            fn(text)

    return run


def floor(text: str) -> None:
    """Shingling plus one sha1 per shingle: what any datasketch-compatible path must at least do."""
    folded = fold(text)
    starts, ends = shingle_bounds(folded, 5)
    sha1 = hashlib.sha1
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        sha1(folded[s:e]).digest()


def datasketch_loop(text: str) -> None:
    minhash = MinHash(num_perm=128, seed=1)
    for shingle in shingle_bytes(text, 5):
        minhash.update(shingle)


def datasketch_batch(text: str) -> None:
    MinHash(num_perm=128, seed=1).update_batch(shingle_bytes(text, 5))


def signature_speed(texts: list[str], rounds: int, slow_docs: int) -> dict:
    hashers = {mode: Hasher(mode) for mode in ("affine32", "legacy", "fast")}
    out: dict = {"docs": len(texts), "docs_for_datasketch_loop": slow_docs}
    fns = {"floor_shingle_sha1": each(floor), "datasketch_update_batch": each(datasketch_batch)}
    fns |= {f"corpuskit_{mode}": each(lambda t, h=hasher: h.sign(t, 5)) for mode, hasher in hashers.items()}
    # sign_many: the same signatures, the chunk's texts signed together (bench chunks of 50 texts)
    fns["corpuskit_affine32_sign_many"] = lambda part: hashers["affine32"].sign_many(part, 5)
    out |= rates(fns, texts, rounds)
    slow = rates(
        {"datasketch_update_loop": each(datasketch_loop), "corpuskit_affine32": fns["corpuskit_affine32"]},
        texts[:slow_docs],
        rounds,
    )
    out["datasketch_update_loop"] = slow["datasketch_update_loop"]
    out["ratio_affine32_vs_datasketch_loop"] = slow["corpuskit_affine32"] / slow["datasketch_update_loop"]
    base = out["corpuskit_affine32"]
    out["ratio_affine32_vs_floor"] = base / out["floor_shingle_sha1"]
    out["ratio_affine32_sign_many_vs_floor"] = out["corpuskit_affine32_sign_many"] / out["floor_shingle_sha1"]
    out["ratio_affine32_vs_datasketch_batch"] = base / out["datasketch_update_batch"]
    out["ratio_fast_vs_floor"] = out["corpuskit_fast"] / out["floor_shingle_sha1"]
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


def stage_speed(ids: list[str], texts: list[str], options: NearDupOptions, rounds: int) -> dict:
    """Whole stage, in process: prepare + observe + finalize + apply, best of ``rounds``."""
    best: dict = {}
    for _ in range(rounds):
        docs = [Document(text=t, id=i) for i, t in zip(ids, texts, strict=True)]
        stage = NearDup(options)
        times = {}
        started = time.perf_counter()
        for doc in docs:
            stage.prepare(doc)
        times["prepare_s"] = time.perf_counter() - started
        mark = time.perf_counter()
        for doc in docs:
            stage.observe(doc)
        times["observe_s"] = time.perf_counter() - mark
        buffered = len(stage._sigs) + 8 * len(stage._keys) * 2 + len(stage._id_blob) + 8 * len(stage._id_ends)
        mark = time.perf_counter()
        tracemalloc.start()
        stage.finalize()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        times["finalize_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        for doc in docs:
            stage.apply(doc)
        times["apply_s"] = time.perf_counter() - mark
        times["total_s"] = time.perf_counter() - started
        if not best or times["total_s"] < best["total_s"]:
            best = dict(
                times,
                counts=stage.counts,
                observe_buffer_bytes_per_doc=buffered / len(docs),
                finalize_peak_bytes_per_doc=peak / len(docs),
            )
    best["docs_per_s"] = len(texts) / best["total_s"]
    return best


def memory(ids: list[str], texts: list[str], options: NearDupOptions) -> dict:
    """Index bytes per document on disk, and datasketch's MinHashLSH in memory for comparison."""
    hasher = Hasher(options.hashing, options.num_perm, options.seed)
    with tempfile.TemporaryDirectory() as tmp:
        stage = NearDup(NearDupOptions(**{**options.__dict__, "index_dir": tmp}))
        list(stage([Document(text=t, id=i) for i, t in zip(ids, texts, strict=True)]))
        disk = NearDupIndex(tmp, stage.options.index_params()).nbytes_per_doc()
    sketches = [hasher.to_datasketch(hasher.sign(t, options.ngram)[0]) for t in texts]
    gc.collect()
    tracemalloc.start()
    lsh = MinHashLSH(threshold=options.threshold, num_perm=options.num_perm)
    for doc_id, sketch in zip(ids, sketches, strict=True):
        lsh.insert(doc_id, sketch)
    used, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del lsh
    per_doc = {"corpuskit_index_disk": disk, "datasketch_minhashlsh_memory": used / len(texts)}
    return {f"{k}_bytes_per_doc": round(v, 1) for k, v in per_doc.items()}


def planted_on_text(
    texts: list[str], ids: list[str], truth: list[dict], floor_j: float
) -> list[tuple[str, str]]:
    """Planted duplicate pairs whose exact Jaccard on the texts the stage sees is >= ``floor_j``."""
    row = {d: i for i, d in enumerate(ids)}
    out = []
    for p in truth:
        if p["kind"] != "hard_negative" and p["a"] in row and p["b"] in row:
            a, b = texts[row[p["a"]]], texts[row[p["b"]]]
            if jaccard(shingle_set(a), shingle_set(b)) >= floor_j:
                out.append((p["a"], p["b"]))
    return out


def compare_datatrove(
    python: str, corpus: Path, ids: list[str], texts: list[str], truth: list[dict], result: dict
) -> dict:
    """datatrove and corpuskit (at several thresholds) on the same cleaned texts and the same pairs."""
    threshold = NearDupOptions().threshold
    pairs = planted_on_text(texts, ids, truth, threshold)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(pairs, fh)
    script = [python, str(Path(__file__).resolve().parent / "bench_datatrove.py")]
    args = ["--input", str(corpus.with_suffix(f".clean-{cleaning_digest()}.jsonl")), "--pairs", fh.name]
    done = subprocess.run(script + args, check=True, capture_output=True, text=True)
    dt = json.loads(done.stdout.strip().splitlines()[-1])
    text = dict(zip(ids, texts, strict=True))

    def judge(cluster_of: dict[str, object], removed: set[str]) -> dict:
        merged = cluster_pairs(cluster_of)
        bad = sum(jaccard(shingle_set(text[a]), shingle_set(text[b])) < threshold - 0.15 for a, b in merged)
        found = sum(tuple(sorted(p)) in merged for p in pairs)
        both_kept = sum(a not in removed and b not in removed for a, b in pairs)
        return {
            "found": found,
            "both_kept": both_kept,
            "merged_pairs": len(merged),
            "merged_exact_j_lt_0.65": bad,
        }

    out = {k: v for k, v in dt.items() if k not in ("clusters", "removed_ids")}
    out["pairs_planted_exact_j_ge_0.8_on_cleaned"] = len(pairs)
    out["datatrove_judged"] = judge(dt["clusters"], set(dt["removed_ids"]))
    for t in (0.7, 0.75, 0.8):
        stage = NearDup(NearDupOptions(threshold=t))
        docs = stage([Document(text=x, id=i) for i, x in zip(ids, texts, strict=True)])
        docs = list(docs)
        removed = {d.id for d in docs if d.rejected}
        out[f"corpuskit_t{t}_judged"] = judge({d.id: d.metadata.get("dup_cluster") for d in docs}, removed)
    out["ratio_stage_docs_per_s_vs_datatrove"] = round(result["stage"]["docs_per_s"] / dt["docs_per_s"], 2)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--sample", type=int, default=2000, help="documents for brute force and speed")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--datatrove-python", default="", help="python of a venv with datatrove installed")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--signatures-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    options = NearDupOptions()
    corpus, truth_path = generate(args.n)
    truth = read_jsonl(truth_path)
    ids, texts, stages = cleaned(corpus)
    if args.signatures_only:
        print(json.dumps(signature_speed(texts[: args.sample], args.rounds, min(500, args.sample))))
        return
    oracle_ids, bodies = oracle(args.n)
    _, sample_bodies = oracle(args.sample)
    machine = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "datasketch": datasketch.__version__,
    }
    layout = {"bands": options.layout().bands, "rows": options.layout().rows}
    result: dict = {"machine": machine | {"cpu": platform.processor() or platform.machine()}}
    result["corpus"] = {
        "n": args.n,
        "cleaning_stages": stages,
        "command": f"make_corpus.py --n {args.n} --seed 0",
    }
    result["options"] = options.__dict__ | layout
    result["quality_cleaned"] = curve(texts, ids, truth, options, THRESHOLDS)
    result["quality_oracle_bodies"] = curve(bodies, oracle_ids, truth, options, THRESHOLDS)
    result["quality_oracle_bodies_fast"] = curve(
        bodies, oracle_ids, truth, NearDupOptions(hashing="fast"), THRESHOLDS
    )
    result["quality_oracle_bodies_closure"] = curve(
        bodies, oracle_ids, truth, NearDupOptions(linkage="closure"), THRESHOLDS
    )
    result["brute_force_cleaned_sample"] = brute_force(texts[: args.sample], options, THRESHOLDS)
    result["brute_force_oracle_corpus_n_sample"] = brute_force(sample_bodies, options, THRESHOLDS)
    # in a fresh process: after the curves above, this one's heap makes every numpy path slower
    # (sign_many 0.88x the floor in a fresh process, 0.65x after the curves in one), not signing itself
    fresh = [sys.executable, __file__, "--signatures-only", "--n", str(args.n), "--sample", str(args.sample)]
    done = subprocess.run(fresh + ["--rounds", str(args.rounds)], check=True, capture_output=True, text=True)
    result["signatures"] = json.loads(done.stdout.strip().splitlines()[-1])
    result["stage"] = stage_speed(ids, texts, options, args.rounds)
    result["stage_fast"] = stage_speed(ids, texts, NearDupOptions(hashing="fast"), args.rounds)
    result["memory"] = memory(ids, texts, options)
    if args.datatrove_python:
        result["datatrove"] = compare_datatrove(args.datatrove_python, corpus, ids, texts, truth, result)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1, default=float) + "\n", encoding="utf-8")
    print(json.dumps({k: result[k] for k in ("signatures", "memory")}, indent=1))
    print("stage docs/s", round(result["stage"]["docs_per_s"], 1), "datatrove", result.get("datatrove"))


if __name__ == "__main__":
    main()
