"""The NearDup stage: exact and near duplicates, the keep rule, determinism, the incremental index."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from corpuskit.document import Document
from corpuskit.neardup import SIGNATURE_KEY, TEXT_KEY, IndexMismatch, NearDup, NearDupIndex, NearDupOptions

WORDS = [f"w{i}" for i in range(5000)]


def article(seed: int, n: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def edit(text: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(f"x{rng.randrange(10**6)}" if rng.random() < rate else w for w in text.split())


def run(docs: list[Document], options: NearDupOptions | None = None) -> dict[str, Document]:
    return {d.id: d for d in NearDup(options or NearDupOptions())(docs)}


def test_exact_duplicates_after_folding_and_the_keep_rule() -> None:
    base = article(1)
    docs = [
        Document(text=base, id="a"),
        Document(text=base.upper().replace(" ", "  ,"), id="b"),  # same folded text, longer
        Document(text=article(2), id="c"),
    ]
    out = run(docs)
    assert out["b"].rejection is None and out["b"].metadata["dup_cluster"] == "b"  # longest is kept
    rejection = out["a"].rejection
    assert rejection is not None and rejection.reason == "exact_duplicate"
    assert (rejection.stage, rejection.duplicate_of, rejection.similarity) == ("neardup", "b", 1.0)
    assert out["a"].metadata["dup_cluster"] == "b"
    assert out["c"].rejection is None and out["c"].metadata["dup_cluster"] is None


def test_near_duplicates_are_rejected_with_their_similarity() -> None:
    base = article(3)
    shorter = " ".join(w for i, w in enumerate(base.split()) if i % 150 != 7)  # two words dropped
    docs = [Document(text=shorter, id="copy"), Document(text=base, id="orig")]
    docs += [Document(text=article(10 + i), id=f"u{i}") for i in range(20)]
    out = run(docs)
    kept, copy = out["orig"], out["copy"]
    assert kept.rejection is None and kept.metadata["dup_cluster"] == "orig"  # the longer text is kept
    assert copy.rejection is not None and copy.rejection.reason == "near_duplicate"
    assert copy.rejection.duplicate_of == "orig" and 0.8 <= copy.rejection.similarity < 1.0
    assert all(out[f"u{i}"].rejection is None for i in range(20))


def test_pairs_below_the_threshold_stay() -> None:
    base = article(5)
    out = run([Document(text=base, id="a"), Document(text=edit(base, 0.15, 6), id="b")])
    assert out["b"].rejection is None and out["b"].metadata["dup_cluster"] is None


def test_prepare_keys_are_consumed_by_observe() -> None:
    stage = NearDup()
    doc = Document(text=article(7), id="a")
    stage.prepare(doc)
    assert isinstance(doc.metadata[SIGNATURE_KEY], bytes) and len(doc.metadata[SIGNATURE_KEY]) == 4 * 128
    stage.observe(doc)
    assert SIGNATURE_KEY not in doc.metadata and TEXT_KEY not in doc.metadata


def test_results_do_not_depend_on_running_twice() -> None:
    rng = random.Random(9)
    bases = [article(100 + i) for i in range(30)]
    texts = [edit(rng.choice(bases), rng.choice([0, 0.002, 0.005]), i) for i in range(120)]

    def decisions() -> list[tuple]:
        out = NearDup()([Document(text=t, id=str(i)) for i, t in enumerate(texts)])
        return [(d.metadata["dup_cluster"], d.rejection) for d in out]

    first = decisions()
    assert first == decisions()
    assert sum(r is not None for _, r in first) >= 85  # 120 near-copies of 30 articles: up to 90 duplicates


def test_disabled_stage_marks_nothing() -> None:
    base = article(11)
    out = run([Document(text=base, id="a"), Document(text=base, id="b")], NearDupOptions(enabled=False))
    assert all(d.rejection is None and d.metadata["dup_cluster"] is None for d in out.values())


def test_incremental_index_round_trip(tmp_path: Path) -> None:
    index_dir = str(tmp_path / "index")
    options = NearDupOptions(index_dir=index_dir)
    first = [Document(text=article(20 + i), id=f"old{i}") for i in range(10)]
    first.append(Document(text=first[0].text, id="old-dup"))
    out1 = run(first, options)
    assert out1["old-dup"].rejection is not None
    index = NearDupIndex(index_dir, options.index_params())
    assert index.count == 10  # rejected documents are not indexed

    second = [
        Document(text=edit(first[3].text, 0.01, 1), id="new-near"),
        Document(text=first[5].text.upper(), id="new-exact"),
        Document(text=article(99), id="new-unique"),
        Document(text=article(99), id="new-unique-copy"),
    ]
    out2 = run(second, options)
    assert out2["new-near"].rejection.reason == "near_duplicate"
    assert out2["new-near"].rejection.duplicate_of == "old3"
    assert out2["new-exact"].rejection.reason == "exact_duplicate"
    assert out2["new-exact"].rejection.duplicate_of == "old5"
    assert out2["new-unique"].rejection is None
    assert out2["new-unique-copy"].rejection.duplicate_of == "new-unique"
    assert NearDupIndex(index_dir, options.index_params()).count == 11

    third = run([Document(text=edit(second[2].text, 0.005, 2), id="later")], options)
    assert third["later"].rejection.duplicate_of == "new-unique"
    index = NearDupIndex(index_dir, options.index_params())
    assert index.count == 11 and len(index.shards) == 2  # nothing kept: no new shard


def test_index_refuses_other_parameters(tmp_path: Path) -> None:
    run([Document(text=article(1), id="a")], NearDupOptions(index_dir=str(tmp_path)))
    with pytest.raises(IndexMismatch):
        run([Document(text=article(2), id="b")], NearDupOptions(index_dir=str(tmp_path), num_perm=64))


def test_options_load_from_config_mapping() -> None:
    from corpuskit.config import Config

    config = Config.from_mapping({"neardup": {"threshold": 0.7, "hashing": "legacy", "index_dir": "idx"}})
    assert config.neardup.threshold == 0.7 and config.neardup.index_dir == "idx"
    assert NearDup(config.neardup).layout.rows == 3


def test_through_the_pipeline_with_worker_processes() -> None:
    from corpuskit.config import Config, RunOptions
    from corpuskit.executors import executor_for
    from corpuskit.pipeline import Pipeline
    from corpuskit.stages.normalize import Normalize

    base = article(40)
    config = Config(run=RunOptions(workers=2))
    pipeline = Pipeline([Normalize(), NearDup()], config, executor_for(config.run))
    try:
        out = list(pipeline.run([{"id": "a", "text": base}, {"id": "b", "text": base.upper()}]))
    finally:
        pipeline.close()
    assert out[1].rejection is not None and out[1].rejection.duplicate_of == "a"
    assert all(SIGNATURE_KEY not in d.metadata and TEXT_KEY not in d.metadata for d in out)


def test_batch_prepare_signs_like_one_by_one():
    texts = ["", "short text", *(" ".join(f"w{i}{k}" for i in range(60)) for k in range(5))]
    one, batch = NearDup(), NearDup()
    singles = [one.run_prepare(Document(text=t, id=str(k))) for k, t in enumerate(texts)]
    batched = batch.run_prepare_batch([Document(text=t, id=str(k)) for k, t in enumerate(texts)])
    for a, b in zip(singles, batched, strict=True):
        assert a.metadata[SIGNATURE_KEY] == b.metadata[SIGNATURE_KEY]
        assert a.metadata[TEXT_KEY] == b.metadata[TEXT_KEY]


def test_a_document_that_breaks_the_batch_costs_only_itself():
    class Fussy(NearDup):
        def prepare(self, doc: Document) -> None:
            if doc.id == "bad":
                raise ValueError("cannot sign this")
            super().prepare(doc)

        def prepare_batch(self, docs: list[Document]) -> None:
            for doc in docs:
                self.prepare(doc)

    docs = Fussy().run_prepare_batch([Document(text="a b c d e f", id=i) for i in ("x", "bad", "y")])
    assert [d.rejected for d in docs] == [False, True, False]
    assert docs[1].rejection.reason == "stage_error"
