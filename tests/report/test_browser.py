"""The report in a real headless browser: Debian's chromium driven by playwright (no browser download).

Skips, saying why, where /usr/bin/chromium or the playwright package is missing; `.ci/run` installs
chromium with `.ci/install-browser.sh` so CI runs these.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Debian's chromium is not installed ({CHROMIUM}); run .ci/install-browser.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                                     args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A page that records script errors, console errors (CSP violations land there) and dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.problems = []
    page.on("pageerror", lambda exc: page.problems.append(f"pageerror: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(f"console: {msg.text}"))
    page.on("dialog", lambda dialog: (page.problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    yield page
    context.close()


def open_report(page, out: Path) -> None:
    page.goto((out / "report.html").as_uri())
    page.wait_for_selector("#doc-list article.doc")


def shown_ids(page) -> list[str]:
    return page.eval_on_selector_all("#doc-list article.doc .doc-id", "els => els.map(e => e.textContent)")


def test_seeds_report_filters_search_views_and_anchors(page, seeds_out, kit, tmp_path):
    removed = kit.read_jsonl(seeds_out / "removed.jsonl")
    docs = kit.read_jsonl(seeds_out / "corpus.jsonl") + kit.read_jsonl(seeds_out / "rejected.jsonl")
    open_report(page, seeds_out)
    assert page.inner_text("#match-count").startswith(f"{len(docs)} of {len(docs)} documents match")
    manifest = json.loads((seeds_out / "manifest.json").read_text())
    counts = dict(row.split("\t") for row in page.inner_text("#counts").split("\n") if "\t" in row)
    assert counts["documents in"] == f"{manifest['counts']['documents_in']:,}"
    assert counts["characters removed"] == f"{manifest['counts']['chars_removed']:,}"
    assert sorted(shown_ids(page)) == sorted(d["id"] for d in docs)
    # inline diff: one struck-through element per removed span, each naming its rule on hover and in text
    titles = page.eval_on_selector_all("del.rm", "els => els.map(e => e.title)")
    assert Counter(titles) == Counter(f"removed by {r['stage']}.{r['rule']}" for r in removed)
    tags = page.eval_on_selector_all("#doc-list .text .tag", "els => els.map(e => e.textContent)")
    assert set(tags) == {f"[{r['stage']}.{r['rule']}]" for r in removed}

    # filter by rule: exactly the documents with a span of that rule
    rule_counts = Counter(f"{r['stage']}.{r['rule']}" for r in removed)
    rule = min(rule_counts, key=lambda k: (len({r["id"] for r in removed if f"{r['stage']}.{r['rule']}" == k}), k))
    label = page.eval_on_selector_all(
        "#f-rule option", "(os, key) => os.find(o => o.textContent.startsWith(key + ' (')).textContent", rule)
    page.select_option("#f-rule", label=label)
    expected = {r["id"] for r in removed if f"{r['stage']}.{r['rule']}" == rule}
    assert set(shown_ids(page)) == expected
    page.select_option("#f-rule", value="")

    # search over removed text finds its document and marks the hit; nonsense finds nothing
    needle = max((r["text"].strip() for r in removed), key=len)[:40]
    texts = {d["id"]: [d["text"]] + [r["text"] for r in removed if r["id"] == d["id"]] for d in docs}
    hits = {i for i, t in texts.items() if any(needle.lower() in x.lower() for x in t)}
    page.fill("#q", needle)
    page.wait_for_function("n => document.getElementById('match-count').textContent.startsWith(n + ' of')",
                           arg=len(hits))
    assert set(shown_ids(page)) == hits
    assert page.locator("del.rm mark").count() >= 1
    page.fill("#q", "zqxj no such text anywhere")
    page.wait_for_function("() => document.getElementById('match-count').textContent.startsWith('0 of')")
    assert shown_ids(page) == []
    page.fill("#q", "")
    page.wait_for_function("n => document.querySelectorAll('#doc-list article.doc').length === n", arg=len(docs))

    # views: clean only hides removed text; side by side puts kept text in its own column
    page.check("input[value=clean]")
    assert page.locator("del.rm").count() == 0
    kept_text = page.eval_on_selector_all("#doc-list .text", "els => els.map(e => e.textContent)")
    assert sorted(kept_text) == sorted(d["text"] for d in kit.read_jsonl(seeds_out / "corpus.jsonl"))
    page.check("input[value=side]")
    assert page.locator(".side .kept-cell").count() > 0 and page.locator("del.rm").count() == len(removed)
    page.check("input[value=inline]")

    # the keep-pattern helper for a clicked span
    page.locator("del.rm").first.click()
    assert "keep_patterns" in page.inner_text("#doc-list .keep-help") or "disabled" in page.inner_text(
        "#doc-list .keep-help")

    # a shared link to one document opens on that document
    anchor = page.eval_on_selector("#doc-list article.doc", "e => e.id")
    page.goto((seeds_out / "report.html").as_uri() + "#" + anchor)
    page.wait_for_selector(f"#{anchor}")
    assert page.locator(f"#{anchor}").is_visible() and page.locator(f"#{anchor}").count() == 1

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    assert page.problems == []


@pytest.mark.parametrize("which", ["hand_out", "hostile_out"])
def test_hostile_text_is_shown_as_text_and_never_runs(page, request, which, kit, tmp_path):
    out = request.getfixturevalue(which)
    from corpuskit.report import write_report

    write_report(out)
    open_report(page, out)
    for mode in ("inline", "side", "clean"):
        page.check(f"input[value={mode}]")
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # clusters too
        page.wait_for_timeout(50)
    page.check("input[value=inline]")
    if which == "hand_out":  # the near-duplicate pair, side by side with its similarity
        assert page.locator("#cluster-list .pair").count() == 1
        assert "dropped, similarity 0.91" in page.inner_text("#cluster-list")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#doc-list img, #doc-list script, #doc-list textarea, #cluster-list img").count() == 0
    body = page.inner_text("body")
    for payload in kit.PAYLOADS[:5]:
        assert payload in body  # shown as the literal text it is
    assert kit.EVIL_ID in body
    page.screenshot(path=str(tmp_path / f"{which}.png"))
    assert page.problems == []


def test_long_lists_render_lazily_and_links_reach_any_document(page, kit, tmp_path):
    from corpuskit.document import Document
    from corpuskit.report import anchor_for, write_report

    docs = []
    for i in range(120):
        doc = Document(text=f"Home | News {i}\n\n{kit.BODY}\n\nPage {i} of the site", id=f"page/{i:03d}",
                       source=f"in.jsonl:{i}", metadata={"language": "de" if i % 4 == 0 else "en"})
        lines = doc.kept_lines()
        doc.remove_lines("boilerplate", {0: "nav_menu"} if i % 2 else {0: "nav_menu", len(lines) - 1: "pager"}, lines)
        docs.append(doc)
    out = kit.write_output(tmp_path / "out", docs)
    write_report(out)
    open_report(page, out)
    assert page.locator("#doc-list article.doc").count() == 25  # one page at a time
    page.evaluate("document.getElementById('more').click()")  # without scrolling, which renders more by itself
    assert page.locator("#doc-list article.doc").count() == 50
    for _ in range(40):  # scrolling down renders the rest, page by page
        page.evaluate("window.scrollBy(0, 1500)")
        page.wait_for_timeout(30)
    assert page.locator("#doc-list article.doc").count() == 120 and page.locator("#more").is_hidden()
    page.select_option("#f-lang", value="de")
    assert page.inner_text("#match-count").startswith("30 of 120")
    assert all(i.startswith("page/") and int(i[5:]) % 4 == 0 for i in shown_ids(page))
    page.select_option("#f-lang", value="")
    page.fill("#q", "page 117 of")
    page.wait_for_function("() => document.getElementById('match-count').textContent.startsWith('1 of')")
    assert shown_ids(page) == ["page/117"] and page.locator("mark").count() == 1
    # a link to a document that is not on the first page still opens it
    page.goto((out / "report.html").as_uri() + "#" + anchor_for("page/118"))
    card = page.locator("#" + anchor_for("page/118").replace(".", "\\."))
    card.wait_for()
    assert card.count() == 1 and "linked" in card.get_attribute("class") and card.is_visible()
    assert page.problems == []


def test_capped_cluster_list_says_how_many_there_are(page, tmp_path, kit, monkeypatch):
    import corpuskit.report.html as html_report
    from corpuskit.report import write_report

    docs = kit.cluster_docs()
    out = kit.write_output(tmp_path / "out", docs)
    monkeypatch.setattr(html_report, "LISTED_CLUSTERS", 1)
    write_report(out)
    open_report(page, out)
    text = page.inner_text("#cluster-list")
    assert "kept b" in text and "kept a" not in text and "The 1 largest of 2 clusters are listed." in text
    assert page.problems == []
