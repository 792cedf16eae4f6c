"""The HTML report's content: counts, every removed span exactly once, escaping, sampling, CSP."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from corpuskit.document import Document
from corpuskit.report import DEFAULT_MAX_BYTES, load_output, write_report
from corpuskit.report.html import build_payload, json_for_script, render_html


def spans_in_page(data: dict) -> Counter:
    rules = [r["key"] for r in data["rules"]]
    return Counter(
        (d["id"], rules[g[0]], g[2], g[1]) for d in data["docs"] if d["seg"] for g in d["seg"] if g[0] >= 0
    )


def spans_in_file(out: Path, kit) -> Counter:
    return Counter((r["id"], f"{r['stage']}.{r['rule']}", r["start"], r["text"]) for r in kit.read_jsonl(out / "removed.jsonl"))


def check_report(out: Path, kit) -> tuple[str, dict]:
    html = write_report(out).read_text(encoding="utf-8")
    data = kit.page_data(html)
    manifest = json.loads((out / "manifest.json").read_text())
    counts = manifest["counts"]
    for key in ("documents_in", "kept", "rejected", "chars_removed"):
        assert data["counts"][key] == counts[key], key
    assert len(data["docs"]) == counts["documents_in"]
    assert sum(1 for d in data["docs"] if d["rej"] is None) == counts["kept"]
    rejected = [d["rej"] for d in data["docs"] if d["rej"]]
    by_reason = counts["rejected_by_reason"]  # keyed "reason" or "stage.reason"
    assert by_reason in (Counter(r["reason"] for r in rejected), Counter(f"{r['stage']}.{r['reason']}" for r in rejected))
    assert {r["key"]: r["chars"] for r in data["rules"]} == manifest["removed_chars_by_rule"]
    assert spans_in_page(data) == spans_in_file(out, kit)  # every removed span, exactly once
    assert all(n == 1 for n in spans_in_page(data).values())
    assert data["problems"] == []
    return html, data


def test_hand_written_output_counts_and_spans(hand_out, kit):
    html, data = check_report(hand_out, kit)
    by_id = {d["id"]: d for d in data["docs"]}
    kept = {r["id"]: r["text"] for r in kit.read_jsonl(hand_out / "corpus.jsonl")}
    for doc_id, text in kept.items():  # the page's kept segments are exactly the corpus text
        assert "".join(g[1] for g in by_id[doc_id]["seg"] if g[0] < 0) == text
    menu = by_id["menu"]
    assert menu["rm"] > 0 and 0 < menu["sh"] < 1
    trimmed = [d for d in data["docs"] if d["rej"] is None and d["rm"]]
    assert data["top"] == [d["id"] for d in sorted(trimmed, key=lambda d: -d["sh"])]
    assert set(data["top"]) == {kit.EVIL_ID, "menu", "de/1"}
    assert by_id["short"]["rej"]["reason"] == "too_few_words" and by_id["short"]["rm"] > 0
    assert data["clusters"] == [{"keeper": "plain", "members": [["copy", 0.91]]}]
    assert {lang for lang, _ in data["languages"]} == {"en", "de", "(none)"}
    assert by_id["de/1"]["a"] == "doc-de_2f_1"


def test_seeds_counts_and_spans(seeds_out, kit):
    html, data = check_report(seeds_out, kit)
    assert data["sampling"]["docs_with_text"] == data["sampling"]["docs_total"] == 5
    assert len(data["rules"]) >= 2 and data["counts"]["spans_removed"] == len(kit.read_jsonl(seeds_out / "removed.jsonl"))


def test_hostile_text_and_ids_stay_inert(hand_out, kit):
    html = write_report(hand_out).read_text(encoding="utf-8")
    # exactly our two script elements, and nothing that could close one or open markup early
    assert len(re.findall(r"<script", html, re.I)) == 2
    assert len(re.findall(r"</script", html, re.I)) == 2
    assert "</textarea" not in html.lower() and "<img" not in html.lower() and "<!--" not in html
    assert "\u2028" not in html and "\u2029" not in html
    data = kit.page_data(html)
    texts = "".join(g[1] for d in data["docs"] if d["seg"] for g in d["seg"])
    for payload in kit.PAYLOADS:  # ... and yet the page data holds every payload verbatim
        assert payload in texts
    evil = next(d for d in data["docs"] if d["id"] == kit.EVIL_ID)
    assert re.fullmatch(r"doc-[A-Za-z0-9._-]+", evil["a"])
    assert {data["rules"][i]["key"] for i in evil["rules"]} == {"boilerplate.<b>tag-rule</b>"}


def test_real_pipeline_on_hostile_input(hostile_out, kit):
    html, data = check_report(hostile_out, kit)
    assert len(re.findall(r"<script", html, re.I)) == 2
    ids = {d["id"] for d in data["docs"]}
    assert ids == {r["id"] for r in kit.read_jsonl(hostile_out / "corpus.jsonl") + kit.read_jsonl(hostile_out / "rejected.jsonl")}
    assert len({d["a"] for d in data["docs"]}) == len(data["docs"])


def test_json_for_script_escapes_what_ends_a_script(kit):
    text = json_for_script({"t": "</script><!--\u2028\u2029&<>", "s": "\ud800"})
    assert not set("<>&\u2028\u2029") & set(text)
    assert json.loads(text) == {"t": "</script><!--\u2028\u2029&<>", "s": "\ud800"}
    text.encode("utf-8")  # a lone surrogate is escaped, not written as invalid UTF-8


def test_csp_pins_the_one_inline_script_and_style(hand_out, kit):
    html = write_report(hand_out).read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    for body, directive in ((script, "script-src"), (style, "style-src")):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"{directive} 'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert not re.search(r"(src|href)=\"?(https?:)?//", html)  # nothing loaded from outside


def test_sampling_keeps_the_page_under_budget(tmp_path, kit):
    docs = []
    for i in range(300):
        body = "\n\n".join([kit.BODY, kit.BODY.upper()] * 3)
        doc = Document(text=f"Menu {i} | Home | News\n\n{body}\n\nShare {i}", id=f"d{i:03d}",
                       source=f"in/{i}.txt", metadata={"language": "en"})
        lines = doc.kept_lines()
        drop = {0: "nav_menu", len(lines) - 1: "share_line"} if i % 3 else {0: "nav_menu"}
        if i == 7:
            drop = {j: "nav_menu" for j in range(len(lines) - 1)}  # the one that lost almost everything
        doc.remove_lines("boilerplate", drop, lines)
        docs.append(doc)
    out = kit.write_output(tmp_path / "big", docs)
    budget = 400_000
    html = write_report(out, max_bytes=budget).read_text(encoding="utf-8")
    data = kit.page_data(html)
    sampling = data["sampling"]
    code = len(render_html(build_payload(load_output(out), max_bytes=0)).encode())  # the page without documents
    assert budget * 0.9 < len(html.encode()) - code < budget
    assert 0 < sampling["docs_with_text"] < sampling["docs_total"] == 300
    assert sampling["docs_listed"] == 300 and len(data["docs"]) == 300
    with_text = {d["id"] for d in data["docs"] if d["seg"]}
    assert "d007" in with_text  # the largest share removed is always shown
    assert {data["rules"][i]["key"] for d in data["docs"] if d["seg"] for i in d["rules"]} == {
        "boilerplate.nav_menu", "boilerplate.share_line"}
    page = spans_in_page(data)
    full = spans_in_file(out, kit)
    assert page == Counter({k: v for k, v in full.items() if k[0] in with_text})
    again = kit.page_data(write_report(out, max_bytes=budget).read_text(encoding="utf-8"))
    assert {d["id"] for d in again["docs"] if d["seg"]} == with_text  # the sample is stable


def test_inconsistent_files_are_reported_not_hidden(hand_out, kit):
    manifest = json.loads((hand_out / "manifest.json").read_text())
    manifest["counts"]["kept"] += 1
    (hand_out / "manifest.json").write_text(json.dumps(manifest))
    with (hand_out / "removed.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": "plain", "source": "in/plain.txt", "stage": "x", "rule": "y", "start": 5000,
                             "end": 5003, "text": "abc"}) + "\n")
        fh.write(json.dumps({"id": "ghost", "source": "", "stage": "x", "rule": "y", "start": 0, "end": 1,
                             "text": "a"}) + "\n")
        fh.write("not json\n")
    data = kit.page_data(render_html(build_payload(load_output(hand_out))))
    problems = "\n".join(data["problems"])
    assert "manifest says kept" in problems
    assert "past the end of the kept text" in problems
    assert "'ghost'" in problems and "removed.jsonl:" in problems


@pytest.mark.slow
def test_ten_thousand_documents_stay_under_the_default_budget(tmp_path, kit):
    import time

    docs = kit.site_docs(10_000, paragraphs=8)
    out = kit.write_output(tmp_path / "big", docs)
    started = time.perf_counter()
    html = write_report(out).read_text(encoding="utf-8")
    seconds = time.perf_counter() - started
    data = kit.page_data(html)
    assert len(html.encode()) < DEFAULT_MAX_BYTES + 200_000
    assert data["sampling"]["docs_listed"] == 10_000 and 0 < data["sampling"]["docs_with_text"] < 10_000
    assert data["counts"]["documents_in"] == 10_000
    assert seconds < 120, f"report took {seconds:.0f}s"
