from corpuskit.stages.normalize import Normalize, needs_repair, normalize_text


def test_repairs_mojibake_and_entities():
    assert normalize_text("CafÃ© au lait &amp; croissants") == "Café au lait & croissants"
    assert normalize_text("Stra\u00c3\u0178e") == "Straße"


def test_folds_whitespace_inside_lines_and_newline_styles():
    assert normalize_text("  a \t b  \r\n\r\n\r\n\r\nc\rd  ") == "a b\n\nc\nd"


def test_nfc_and_invisible_characters():
    assert normalize_text("Cafe\u0301\u200b ok\ufeff") == "Café ok"


def test_clean_text_is_not_sent_to_ftfy():
    assert not needs_repair("A plain sentence, with “curly quotes” and an em dash — fine.")
    assert needs_repair("donâ€™t")


def test_idempotent():
    once = normalize_text("Ã©tÃ©  \r\n\n\n\n x &lt;b&gt;")
    assert normalize_text(once) == once


def test_stage_sets_the_base_text():
    (doc,) = Normalize()([{"id": "1", "text": "a  b\r\nc"}])
    assert doc.base == doc.text == "a b\nc"
    assert doc.stages == ["normalize"]
