from corpuskit.document import Document


def reconstruct(doc: Document) -> str:
    """Interleave the kept text with the removed spans by offset."""
    out, pos, kept = [], 0, 0
    for r in doc.iter_removals():
        gap = r.start - pos
        out.append(doc.text[kept : kept + gap])
        kept += gap
        out.append(r.text)
        pos = r.end
    out.append(doc.text[kept:])
    return "".join(out)


def test_removing_lines_keeps_single_blank_lines_and_records_every_char():
    doc = Document(text="Title\n\nShare this\n\nBody one.\n\nMore from us\n\nTeaser", id="a")
    lines = doc.kept_lines()
    doc.remove_lines("boilerplate", {2: "share", 6: "related", 8: "related"}, lines)
    assert doc.text == "Title\n\nBody one."
    assert reconstruct(doc) == doc.base
    assert doc.removed_chars_by_rule() == {"boilerplate.related": 22, "boilerplate.share": 12}


def test_later_removals_see_only_kept_lines_and_offsets_stay_in_base():
    doc = Document(text="A line\nB line\nC line", id="a")
    doc.remove_lines("s1", {1: "x"}, doc.kept_lines())
    lines = doc.kept_lines()
    assert [line.text for line in lines] == ["A line", "C line"]
    assert lines[1].start == 14
    doc.remove_lines("s2", {0: "y"}, lines)
    assert doc.text == "C line"
    assert reconstruct(doc) == "A line\nB line\nC line"


def test_overlapping_removals_are_clipped_not_doubled():
    doc = Document(text="0123456789", id="a")
    doc.remove_spans("s", [(2, 5, "a"), (4, 8, "b")])
    assert doc.text == "01" + "89"
    assert sum(r.end - r.start for r in doc.removals) == 6


def test_from_dict_accepts_the_hugging_face_shape():
    doc = Document.from_dict({"id": 7, "text": "hello", "url": "https://x.org/a", "metadata": {"site": "x"}})
    assert doc.id == "7"
    assert doc.metadata == {"site": "x", "url": "https://x.org/a"}


def test_reject_keeps_the_first_reason():
    doc = Document(text="x", id="a")
    doc.reject("quality", "too_few_words", value=1.0)
    doc.reject("neardup", "near_duplicate")
    assert doc.rejection.reason == "too_few_words"
    assert doc.rejected
