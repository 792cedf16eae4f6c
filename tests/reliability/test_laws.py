"""Promise 5: the cleaning laws, checked with hypothesis over generated text and real article lines.

1. cleaning never adds characters: the kept text is the normalized base with spans cut out, and the
   base is exactly ``normalize_text(input)`` (Unicode repair is the only change of characters);
2. cleaning is idempotent: ``clean_text(clean_text(x)) == clean_text(x)``;
3. the kept text plus the removed spans reconstruct the base exactly;
4. no stage raises on any str (lone surrogates, controls, huge lines, any script included).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import PARAGRAPHS, SEEDS

from corpuskit.config import Config
from corpuskit.document import Document
from corpuskit.pipeline import Pipeline, build_stage, clean_text
from corpuskit.stages.normalize import normalize_text

CONFIG = Config()
PER_DOCUMENT = [n for n in CONFIG.run.stages if n not in ("neardup", "site_repetition")]
FURNITURE = [
    "Share this article", "Facebook · Twitter · Email", "Subscribe now for just $1 a week", "Advertisement",
    "{{ article.byline }}", "%%AUTHOR%%", "Read more on: Politics, Economy, Europe", "Photo: Jane Doe/Reuters",
    "Back to top", "More from the newsroom", "12 comments", "Sign in to manage your profile", "Menu | Home | News",
]  # fmt: skip


def _real_lines() -> list[str]:
    lines = [line for p in PARAGRAPHS for line in p.split(". ")]
    if SEEDS.is_dir():
        for path in sorted(SEEDS.glob("*.txt")):
            lines += [line for line in path.read_text(encoding="utf-8").split("\n")]
    return lines


REAL = _real_lines()
line = st.one_of(st.sampled_from(REAL), st.sampled_from(FURNITURE), st.just(""), st.text(max_size=60))
articles = st.lists(line, max_size=40).map("\n".join)
mojibake = articles.map(lambda t: t.encode("utf-8").decode("cp1252", errors="ignore"))
any_str = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)  # surrogates too
texts = st.one_of(articles, mojibake, any_str, st.text(max_size=300))

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    """The stages ``clean_text`` runs, built once (building them loads the language profiles)."""
    return Pipeline([build_stage(name, CONFIG) for name in PER_DOCUMENT], CONFIG)


def clean_doc(pipeline: Pipeline, text: str) -> Document:
    return next(pipeline.run([Document(text=text, id="law")]))


def reconstruct(doc: Document) -> str:
    """Interleave the kept text with the removed spans by their offsets into the base."""
    out, kept, pos = [], iter(doc.text), 0
    for removal in doc.iter_removals():
        out.append("".join(next(kept) for _ in range(removal.start - pos)))
        out.append(removal.text)
        pos = removal.end
    out.append("".join(kept))
    return "".join(out)


def test_law_helper_is_clean_text(pipeline: Pipeline) -> None:
    text = "\n".join(REAL[:30] + FURNITURE[:5])
    assert clean_doc(pipeline, text).text == clean_text(text)


@FAST
@given(texts)
def test_cleaning_only_removes_from_the_normalized_base(pipeline: Pipeline, text: str) -> None:
    doc = clean_doc(pipeline, text)
    assert doc.base == normalize_text(text)
    assert reconstruct(doc) == doc.base
    for removal in doc.removals:
        assert doc.base[removal.start : removal.end] == removal.text
        assert 0 <= removal.start < removal.end <= len(doc.base)


@FAST
@given(texts)
def test_cleaning_is_idempotent(pipeline: Pipeline, text: str) -> None:
    once = clean_doc(pipeline, text).text
    assert clean_doc(pipeline, once).text == once


@FAST
@given(any_str)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@FAST
@given(st.one_of(any_str, articles))
def test_no_stage_raises_on_its_own(pipeline: Pipeline, text: str) -> None:
    """Each stage alone, on raw (not normalized) text, as someone else's pipeline might call it."""
    for stage in pipeline.stages:
        doc = stage.run_one(Document(text=text, id="alone"))
        assert isinstance(doc.text, str)
