"""Cleaning quality by language on the generated corpus: does German, French or Spanish clean as
well as English?

    python benchmarks/clean_by_language.py [--n 2000] [--seed 5]

``make_corpus.py`` knows each document's article body (no headline, dek, captions or furniture),
so every document is scored against it with the article benchmark's kind of metric (word 4-gram
shingles of the folded text, corpuskit's own shingling; precision / recall / F1 per document, then
averaged per detected language). The corpus's sites
and wordings are the generator's, not corpuskit's rule packs; the scores say how the same cleaning
does across languages, not how it does on real pages (that is ``evaluate.py``).
Results: the table on stdout and ``benchmarks/results/clean-by-language.json``.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from bench_neardup import generate, oracle, read_jsonl

from corpuskit.neardup.shingles import shingle_set

RESULTS = Path(__file__).resolve().parent / "results"
STAGES = ("normalize", "boilerplate", "repetition", "language")


def score(kept: str, body: str) -> tuple[float, float, float]:
    got, want = shingle_set(kept, 4), shingle_set(body, 4)
    hit = len(got & want)
    precision = hit / len(got) if got else 0.0
    recall = hit / len(want) if want else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    from corpuskit.config import Config
    from corpuskit.document import Document
    from corpuskit.pipeline import build_stage

    corpus, _ = generate(args.n, args.seed)
    ids, bodies = oracle(args.n, args.seed)
    body_of = dict(zip(ids, bodies, strict=True))
    stages = [build_stage(name, Config()) for name in STAGES]
    scores: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for record in read_jsonl(corpus):
        doc = Document.from_dict(record)
        for stage in stages:
            stage.run_one(doc)
        language = doc.metadata.get("language") or "unknown"
        scores[language].append(score("" if doc.rejected else doc.text, body_of[record["id"]]))
    rows = []
    for language, values in sorted(scores.items(), key=lambda item: -len(item[1])):
        mean = [round(sum(v[k] for v in values) / len(values), 4) for k in range(3)]
        rows.append(
            {
                "language": language,
                "docs": len(values),
                "precision": mean[0],
                "recall": mean[1],
                "f1": mean[2],
            }
        )
    print(f"make_corpus.py --n {args.n} --seed {args.seed}; stages: {', '.join(STAGES)}")
    print("| language | docs | P | R | F1 |\n|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['language']} | {r['docs']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |")
    RESULTS.mkdir(exist_ok=True)
    out = {"corpus": {"n": args.n, "seed": args.seed}, "stages": list(STAGES), "by_language": rows}
    (RESULTS / "clean-by-language.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
