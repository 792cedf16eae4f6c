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
from reliability_helpers import CONFIG, FURNITURE, PER_DOCUMENT, REAL, any_str, articles, reconstruct, texts

from corpuskit.document import Document
from corpuskit.pipeline import Pipeline, build_stage, clean_text
from corpuskit.stages.normalize import normalize_text

# derandomized: the normal suite sees the same examples every time; tests/reliability/test_fuzz.py
# (marked slow, and `nox -s fuzz`) runs the same laws on many random ones.
FAST = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    """The stages ``clean_text`` runs, built once (building them loads the language profiles)."""
    return Pipeline([build_stage(name, CONFIG) for name in PER_DOCUMENT], CONFIG)


def clean_doc(pipeline: Pipeline, text: str) -> Document:
    return next(pipeline.run([Document(text=text, id="law")]))


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


def test_cleaning_is_idempotent_on_a_paragraph_printed_twice(pipeline: Pipeline) -> None:
    """Found by test_fuzz: the copy right below a paragraph made it look like a list item (no blank
    line around it), so the headline above stayed; cleaned again, without the copy (the repetition
    stage removed it), the paragraph was the article and the headline went."""
    body = "The café on the corner reopened this week after a long renovation"
    once = clean_doc(pipeline, f"America Can’t Stop China’s Rise\n\n{body}\n{body}").text
    assert once == body
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


def test_normalize_is_idempotent_on_mojibake_next_to_nbsp() -> None:
    """Found by test_fuzz: ftfy is idempotent on its own output, but not after the whitespace fold."""
    once = normalize_text("\u00c2\u00c3\u201e\u00f1\u00a0\u00ac\u00b5")
    assert normalize_text(once) == once
