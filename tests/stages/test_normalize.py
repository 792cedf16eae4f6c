import random
import re
import unicodedata
from pathlib import Path

import ftfy
from ftfy.badness import is_bad as ftfy_is_bad

from corpuskit.stages import normalize as normalize_module
from corpuskit.stages.normalize import Normalize, NormalizeOptions, is_bad, needs_repair, normalize_text


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


# --- the fast paths give the straightforward implementation's output --------------------------------
ROOT = Path(__file__).resolve().parents[2]
TRICKY = list(
    " \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2002\u2028\u2029\u202f\u3000\u200b\ufeff\x00\x7f\x80\x93\x9f"
    "&;#amp lt ÃÂâ€™œ“”‘’–—…•©®°·éèàçñüöäßÉÀ×²³¢£€ŒœØÙ√≈‚ÄвЂГўВβΒΓΞΟāÒ│═\u0301\u0308abcXYZ.,?!0123"
)


def _reference_normalize(text: str, options: NormalizeOptions | None = None) -> str:
    """The straightforward version the fast paths replace: full badness search, per-line folding."""
    options = options or NormalizeOptions()

    def needs(t: str) -> bool:
        return bool(ftfy_is_bad(t) or normalize_module._ENTITY.search(t) or normalize_module._C1.search(t))

    def once(t: str) -> str:
        t = t.replace("\r\n", "\n").replace("\r", "\n")
        if options.fix_encoding and needs(t):
            t = ftfy.fix_text(t, normalization=None, uncurl_quotes=False, fix_line_breaks=True)
        t = unicodedata.normalize(options.unicode_form, t)
        t = normalize_module._CONTROL.sub("", t)
        t = "\n".join(re.sub(r"[^\S\n]+", " ", line).strip() for line in t.split("\n"))
        t = re.sub(r"\n{3,}", "\n" * (options.max_blank_lines + 1), t)
        return t.strip("\n")

    text = once(text)
    for _ in range(3):
        if not (options.fix_encoding and needs(text)):
            break
        again = once(text)
        if again == text:
            break
        text = again
    return text


def _tricky_texts(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    texts = ["".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 40))) for _ in range(n)]
    prose = (ROOT / "seeds").glob("*.txt")
    body = "\n".join(p.read_text(encoding="utf-8") for p in sorted(prose))
    for _ in range(n // 10):  # real lines with mojibake-ish characters spliced in
        start = rng.randrange(len(body))
        chars = list(body[start : start + rng.randint(20, 400)])
        for _ in range(rng.randint(1, 6)):
            chars.insert(
                rng.randrange(len(chars) + 1), "".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 3)))
            )
        texts.append("".join(chars))
    return texts


def test_is_bad_is_ftfys_answer():
    assert normalize_module._BADNESS_SCOPE is not None  # the windowed search is active for this ftfy
    texts = _tricky_texts(20_000)
    answers = [ftfy_is_bad(t) for t in texts]
    assert 0.2 < sum(answers) / len(answers) < 0.9  # both answers are well represented
    assert [is_bad(t) for t in texts] == answers
    # anchored at the very start, matched at the very end, and windows that merge
    for text in (
        "Ã ok",
        "x Ã ok",
        "ok Ã",
        "okÃ",
        "ГўВЂВ™s",
        "aГўВЂВ™s",
        "ГўВЂВ™",
        "Ã©Ã©Ã©",
        "×\n²",
        "ØÙØ\xa0",
    ):
        assert is_bad(text) == ftfy_is_bad(text), text


def test_is_bad_falls_back_to_the_full_search(monkeypatch):
    monkeypatch.setattr(normalize_module, "_BADNESS_SCOPE", None)
    assert is_bad("donâ€™t") and not is_bad("don’t")


def test_same_output_as_the_straightforward_version():
    texts = _tricky_texts(3_000, seed=1)
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [
        p.read_bytes().decode("utf-8", "replace")
        for p in sorted((ROOT / "fixtures").rglob("*.t*"))
        if p.is_file()
    ]
    other = NormalizeOptions(fix_encoding=False, unicode_form="NFKC", max_blank_lines=2)
    for text in texts:
        assert normalize_text(text) == _reference_normalize(text)
        assert normalize_text(text, other) == _reference_normalize(text, other)


def test_badness_scope_refuses_patterns_that_look_past_a_window():
    for pattern in (r"é\b", r"é$", r"(?=é)x", r"(?<=x)é", r"(a)é\1", r"éa+"):
        assert normalize_module._badness_scope(re.compile(pattern)) is None, pattern
    anchor, width = normalize_module._badness_scope(re.compile(r"^Ã |[a-z]\s?[ÃÂ] |ü"))
    assert width == 4 and {c for c in "ÃÂüé a" if anchor.match(c)} == {"Ã", "Â", "ü"}
