"""Site repetition: lines repeated across many documents of one site go; prose and other sites stay."""

from __future__ import annotations

from corpuskit.document import Document
from corpuskit.stages.site_repetition import RULE, SiteRepetition, SiteRepetitionOptions, line_hash, site_of

NAV = "Home / Local / Weather / Obituaries"
FOOTER = "Valley Gazette, 12 Mill Lane. Call the newsroom on 555 0100."
PROSE = (
    "The county has published the same statement on every page of its flood portal since the spring, "
    "asking residents to register for alerts and to keep drains clear of leaves."
)


def _doc(i: int, body: str, site_url: str = "https://www.valley-gazette.example/news/") -> dict:
    text = f"{NAV}\n\nStory number {i} headline\n\n{body}\n\n{FOOTER}"
    return {"id": f"d{i}", "text": text, "metadata": {"url": f"{site_url}{i}"}}


def _bodies(n: int) -> list[str]:
    return [
        f"Paragraph {i}: the council met on day {i} to discuss item {i * 7} of the budget." for i in range(n)
    ]


def test_lines_on_most_pages_of_a_site_go():
    docs = list(SiteRepetition()([_doc(i, body) for i, body in enumerate(_bodies(5))]))
    for i, doc in enumerate(docs):
        assert doc.text == f"Story number {i} headline\n\n{_bodies(5)[i]}"
        assert {r.rule for r in doc.removals} == {RULE}
        assert "_site_line_hashes" not in doc.metadata


def test_small_sites_and_rare_lines_are_left_alone():
    two = list(SiteRepetition()([_doc(i, body) for i, body in enumerate(_bodies(2))]))
    assert all(NAV in doc.text for doc in two)
    docs = [_doc(i, body) for i, body in enumerate(_bodies(20))]
    for doc in docs[:3]:
        doc["text"] += "\n\nCorrection: an earlier version misspelled a name."
    out = list(SiteRepetition()(docs))
    assert all("Correction" in doc.text for doc in out[:3])  # 3 of 20 is below min_share
    assert all(NAV not in doc.text for doc in out)


def test_long_prose_is_exempt():
    docs = [_doc(i, f"{body}\n\n{PROSE}") for i, body in enumerate(_bodies(6))]
    out = list(SiteRepetition()(docs))
    assert all(PROSE in doc.text and NAV not in doc.text for doc in out)
    strict = list(SiteRepetition(SiteRepetitionOptions(exempt_words=0))(docs))
    assert all(PROSE not in doc.text for doc in strict)


def test_sites_are_counted_separately():
    a = [_doc(i, body, "https://a.example/") for i, body in enumerate(_bodies(2))]
    b = [_doc(i + 10, body, "https://b.example/") for i, body in enumerate(_bodies(2))]
    out = list(SiteRepetition()(a + b))
    assert all(NAV in doc.text for doc in out)  # four pages, but only two per site


def test_site_key_prefers_site_then_host_then_folder():
    assert site_of(
        Document(text="x", id="1", metadata={"site": "gazette", "url": "https://x.example/a"})
    ) == ("site:gazette")
    assert (
        site_of(Document(text="x", id="1", metadata={"url": "https://www.x.example/a"})) == "host:x.example"
    )
    assert site_of(Document(text="x", id="1", source="crawl/x.example/page1.txt")) == "dir:crawl/x.example"
    assert site_of(Document(text="x", id="1", source="dump/part1.jsonl:17")) == "dir:dump"


def test_line_hash_folds_case_and_punctuation():
    assert line_hash("Home / Local / Weather") == line_hash("home - local - weather!")
    assert line_hash("Home / Local") != line_hash("Home / Sport")


def test_disabled_stage_changes_nothing():
    docs = [_doc(i, body) for i, body in enumerate(_bodies(5))]
    out = list(SiteRepetition(SiteRepetitionOptions(enabled=False))(docs))
    assert all(NAV in doc.text and not doc.removals for doc in out)
