"""The report reads a run one document at a time: memory stays flat as the run grows, and the join of
documents with their removed spans holds whatever order the files come in."""

from __future__ import annotations

import gzip
import json
import random
import tracemalloc
from pathlib import Path

from corpuskit.report import load_output, write_report
from corpuskit.report.load import Problems
from corpuskit.report.summary import summarize


def _report_peak(out: Path) -> int:
    tracemalloc.start()
    try:
        write_report(out, max_bytes=100_000)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_report_memory_does_not_grow_with_the_run(tmp_path, kit):
    small = kit.write_output(tmp_path / "small", kit.site_docs(500))
    large = kit.write_output(tmp_path / "large", kit.site_docs(4000))
    peaks = [_report_peak(small), _report_peak(large)]
    # before streaming, the report held every document: 8x the documents took about 8x the memory
    assert peaks[1] < 1.3 * peaks[0], peaks
    data = kit.page_data((large / "report.html").read_text(encoding="utf-8"))
    assert data["counts"]["documents_in"] == 4000 and data["sampling"]["docs_with_text"] < 4000


def test_spans_join_their_documents_in_any_file_order(tmp_path, kit):
    out = kit.write_output(tmp_path / "out", kit.site_docs(30))
    expected = summarize(load_output(out))
    removed = out / "removed.jsonl"
    lines = removed.read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(0).shuffle(lines)  # every document's spans split up and out of order
    removed.write_text("".join(lines), encoding="utf-8")
    shuffled = summarize(load_output(out))
    assert shuffled.problems == []
    assert [(r.key, r.chars, r.spans, r.docs) for r in shuffled.rules] == [
        (r.key, r.chars, r.spans, r.docs) for r in expected.rules]
    assert [d.id for d in shuffled.top_lost] == [d.id for d in expected.top_lost]
    with gzip.open(str(removed) + ".gz", "wb") as fh:  # a compressed removed.jsonl reads the same
        fh.write(removed.read_bytes())
    removed.unlink()
    packed = summarize(load_output(out))
    assert packed.counts["spans_removed"] == len(lines) and packed.problems == []


def test_every_pass_gives_each_document_its_own_spans(tmp_path, kit):
    out = kit.write_output(tmp_path / "out", kit.site_docs(12))
    with load_output(out) as run:
        first = [(d.id, d.spans) for d in run.documents()]
        again = [(d.id, d.spans) for d in run.documents()]
        some = [d.id for d in run.documents(only={0, 5})]
    assert first == again and all(spans for _, spans in first)
    assert some == ["site/00001", "site/00006"]  # orders count kept documents first, then rejected


def test_problems_are_capped_and_counted():
    problems = Problems((f"p{i}" for i in range(5)), limit=3)
    problems.add("p5")
    assert problems.listed() == ["p0", "p1", "p2", "... and 3 more problems"]


def test_orphan_and_broken_span_lines_are_problems(tmp_path, kit):
    out = kit.write_output(tmp_path / "out", kit.site_docs(3))
    with (out / "removed.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("{broken\n")
        fh.write(json.dumps({"id": "ghost", "source": "x", "stage": "s", "rule": "r", "start": 0, "end": 1,
                             "text": "a"}) + "\n")
    problems = summarize(load_output(out)).problems
    assert any("removed.jsonl:" in p and "not a removed-span record" in p for p in problems)
    assert any("'ghost'" in p for p in problems)


def test_reports_list_the_largest_clusters_and_count_the_rest(tmp_path, kit, monkeypatch):
    import corpuskit.report.html as html_report
    import corpuskit.report.text as text_report

    docs = kit.cluster_docs()
    out = kit.write_output(tmp_path / "out", docs)
    monkeypatch.setattr(html_report, "LISTED_CLUSTERS", 1)
    monkeypatch.setattr(text_report, "LISTED_CLUSTERS", 1)
    data = kit.page_data(write_report(out).read_text(encoding="utf-8"))
    assert data["clusters_total"] == 2 and [c["keeper"] for c in data["clusters"]] == ["b"]
    md = write_report(out, "md").read_text(encoding="utf-8")
    assert "The 1 largest of 2 clusters:" in md and "kept b;" in md and "kept a;" not in md
