"""Per-line statistics in the spirit of jusText, and a cheap stopword-coverage language guess.

Boilerplate runs before language identification, so the stopword list is chosen here from the
document itself: the list that covers the largest share of its words wins (one dict lookup per word).
Lines in scripts without spaces (Chinese, Japanese, Korean runs) are measured in characters instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from corpuskit.stages.textstats import MARK_RANGES

# combining marks (Indic vowel signs, Arabic harakat, Hebrew points) are parts of words, not symbols
_WORD = re.compile(f"[\\w{MARK_RANGES}]+")
# runs of letters and marks, as (?:[^\W\d_]|[marks])+ but a run of each kind at a time: the regex
# engine then scans them in C instead of trying an alternation at every character
_LETTER_WORD = re.compile(f"(?:[^\\W\\d_]+|[{MARK_RANGES}]+)+")
# separators: one of these characters, or a dash between spaces (two patterns with a leading
# character class each, which the regex engine scans for far faster than for an alternation)
_SEPARATOR_CHARS = re.compile(r"[|·•›»/«‹]")
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# sentence ends, also the danda (Indic), the Arabic question mark and the Urdu, Armenian, Ethiopic
# and Myanmar full stops
_SENTENCE_END = re.compile(r"""[.!?…。！？:;।॥؟۔։።။]["'”’»)\]]*$""")
_DIGIT = re.compile(r"\d")
_SYMBOL = re.compile(f"[^\\w\\s{MARK_RANGES}.,;:!?'\"’‘”“()\\-–—]")

CJK_CHARS_PER_WORD = 2  # a CJK character carries about half an English word's content


@dataclass(frozen=True, slots=True)
class LineFeatures:
    """What the classifier knows about one line, before looking at its neighbours."""

    words: int  # word count (CJK: characters / 2)
    chars: int
    stopword_density: float  # share of words in the document's stopword list
    title_share: float  # share of letter-words starting with a capital
    separators: int  # '|', '·', '›', '/', ' - ' ... between labels
    digit_ratio: float  # digits / non-space characters
    symbol_ratio: float  # symbols (not letters, digits, punctuation) / non-space characters
    sentence_end: bool  # ends like a sentence
    cjk: bool  # measured in characters (no spaces between words)


def load_stopwords(text: str) -> frozenset[str]:
    """Parse a stopword file: one word a line, ``#`` starts a comment line."""
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


class StopwordLists:
    """Stopword lists by language, indexed by word so that guessing a document's language costs one
    lookup per word however many lists there are."""

    def __init__(self, lists: Mapping[str, frozenset[str]]) -> None:
        self.lists = dict(lists)
        index: dict[str, list[int]] = {}
        for k, words in enumerate(self.lists.values()):
            for word in words:
                index.setdefault(word, []).append(k)
        self._index = {word: tuple(langs) for word, langs in index.items()}
        self._names = list(self.lists)

    def guess(self, lines: Sequence[str], max_words: int = 600) -> str | None:
        """The language whose list covers most of the first ``max_words`` words, or None.

        Only the first few hundred words are read: cost stays flat however long the document is.
        None when no list covers at least 10% of the words (e.g. CJK text); ties go to the list
        given first.
        """
        words: list[str] = []
        for line in lines:
            words.extend(map(str.lower, _LETTER_WORD.findall(line)))
            if len(words) >= max_words:
                break
        hits = [0] * len(self._names)
        index = self._index
        for word, count in Counter(words).items():
            for k in index.get(word, ()):
                hits[k] += count
        best = max(range(len(hits)), key=lambda k: (hits[k], -k), default=None)
        if best is None or not words or hits[best] < max(1, 0.1 * len(words)):
            return None
        return self._names[best]


def guess_language(
    lines: Sequence[str], stopwords: Mapping[str, frozenset[str]], max_words: int = 600
) -> str | None:
    """One-off ``StopwordLists(stopwords).guess(lines)``; build the lists once for many documents."""
    return StopwordLists(stopwords).guess(lines, max_words)


def line_features(line: str, stopwords: frozenset[str]) -> LineFeatures:
    """Measure one line; ``stopwords`` is the document's list (may be empty)."""
    stripped = line.strip()
    nonspace = max(1, len(stripped) - stripped.count(" "))
    cjk = False
    cjk_chars = 0
    if not stripped.isascii():  # only then can the line hold CJK characters
        cjk_chars = len(_CJK.findall(stripped))
        cjk = cjk_chars > 0.3 * nonspace
    tokens = _WORD.findall(stripped)
    letters = upper = hits = 0
    for token in tokens:
        first = token[0]
        if first.isalpha():
            letters += 1
            upper += first.isupper()
        if stopwords and token.lower() in stopwords:
            hits += 1
    if cjk:
        words = max(len(tokens), cjk_chars // CJK_CHARS_PER_WORD)
        density = 0.0
    else:
        words = len(tokens)
        density = hits / words if words else 0.0
    return LineFeatures(
        words=words,
        chars=len(stripped),
        stopword_density=density,
        title_share=upper / letters if letters else 0.0,
        separators=len(_SEPARATOR_CHARS.findall(stripped)) + len(_SPACED_DASH.findall(stripped)),
        digit_ratio=len(_DIGIT.findall(stripped)) / nonspace,
        symbol_ratio=len(_SYMBOL.findall(stripped)) / nonspace,
        sentence_end=bool(_SENTENCE_END.search(stripped)),
        cjk=cjk,
    )


# Share rows glued together by a page's icon labels ("SaveSaveEmailEmailPrintPrint",
# "Share via TwitterWhatsAppShare via WhatsApp", "Auf Facebook teilenfacebook"): the names of
# networks and share actions, in several languages, compared on the line's letters only.
_SHARE_NAMES = (
    "facebook", "twitter", "x", "whatsapp", "linkedin", "pinterest", "reddit", "bluesky", "threads",
    "telegram", "messenger", "email", "mail", "sms", "print", "copylink", "save", "flipboard",
    "share", "tumblr", "instagram", "youtube", "tiktok", "mastodon", "xing", "vk", "pocket",
    "comments", "teilen", "drucken", "kommentare", "linkkopieren", "merken", "partager", "imprimer",
    "commentaires", "courriel", "copierlelien", "compartir", "imprimir", "comentarios",
    "copiarenlace", "copiarlink", "guardar", "condividi", "stampa", "commenti", "copialink",
    "compartilhar", "salvar", "enregistrer", "speichern",
)  # fmt: skip
_SHARE_GLUE = (
    "sharevia", "shareon", "via", "on", "auf", "per", "sur", "par", "en", "su", "no", "na", "por",
    "logo", "icon", "icons", "shape", "combined", "close", "linkcopied", "copied", "linkkopiert",
    "kopiert", "liencopié", "copié", "enlacecopiado", "copiado", "linkcopiato", "copiato", "arrow",
    "right", "left", "down", "up", "chevron", "button", "fermer", "schließen", "cerrar", "chiudi",
    "fechar", "link", "lien",
)  # fmt: skip
_SHARE_TOKENS = re.compile(
    "|".join(sorted({re.escape(t) for t in _SHARE_NAMES + _SHARE_GLUE}, key=len, reverse=True))
)
_NAME_SET = frozenset(_SHARE_NAMES)
# a quick first look: most lines name no network at all (single letters would match anywhere);
# a substring test per name is cheaper than one alternation tried at every position
_LONG_NAMES = tuple(sorted({n for n in _SHARE_NAMES if len(n) > 2}))
_NOT_LETTER = re.compile(r"[\W\d_]+")


def share_row_names(line: str, max_leftover: float = 0.1) -> int:
    """How many distinct network/share-action names make up ``line``; 0 unless the names and
    their glue ("share via", "logo", "link copied") cover all but ``max_leftover`` of its letters.

    Prose that mentions Facebook and Twitter keeps most of its letters outside the list, so it
    scores 0 however many names it cites.
    """
    low = line.lower()
    if not any(name in low for name in _LONG_NAMES):
        return 0
    letters = _NOT_LETTER.sub("", low)
    if len(letters) < 8:
        return 0
    covered = 0
    names: set[str] = set()
    for hit in _SHARE_TOKENS.finditer(letters):
        token = hit.group()
        covered += len(token)
        if token in _NAME_SET:
            names.add("email" if token == "mail" else token)
    if len(letters) - covered > max_leftover * len(letters):
        return 0
    return len(names)


_MASTHEAD_END = re.compile(r"[.!?:;,]$")


def masthead_like(line: str, max_words: int = 6) -> bool:
    """A short line entirely in capitals without sentence punctuation ("THE HARBOR GAZETTE")."""
    stripped = line.strip()
    words = stripped.split()
    if not 1 <= len(words) <= max_words or _MASTHEAD_END.search(stripped):
        return False
    letters = [c for c in stripped if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)
