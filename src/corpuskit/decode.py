"""Bytes to text: UTF-8 first, then BOMs and UTF-16 without BOM, then charset detection.

Binary data (images, archives, random bytes) is refused rather than turned into mojibake: a text file
has almost no NUL or C0 control bytes once its encoding is known.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_STRAY = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, after surrogateescape
# a non-ASCII symbol between two letters, other than apostrophes and dashes that prose puts there
_WEDGED = re.compile("(?<=[^\\W\\d_])[^\\w\\s\\x00-\\x7f\u2018\u2019\u00b4\u00b7\u2013\u2014](?=[^\\W\\d_])")
_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"%PDF", b"\x1f\x8b", b"\x7fELF", b"(\xb5/\xfd")


@dataclass(frozen=True)
class Decoded:
    text: str = ""
    encoding: str = ""
    error: str = ""  # a rejection reason when the bytes are not text
    detail: str = ""


def decode_bytes(raw: bytes, html: bool = False) -> Decoded:
    """Decode ``raw`` or say why it is not text."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return _checked(raw.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                return Decoded(error="undecodable", detail=f"{encoding} BOM but {exc.reason}")
    if raw.startswith(_MAGIC):
        return Decoded(error="binary", detail="starts like an image, archive or executable")
    utf16 = _utf16_without_bom(raw)
    if utf16:
        try:
            return _checked(raw.decode(utf16), utf16)
        except UnicodeDecodeError:
            pass
    try:
        return _checked(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(raw)
    if mixed is not None:
        return _checked(mixed, "utf-8+cp1252")
    encoding = _detect(raw)
    if encoding:
        try:
            return _checked(raw.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError):
            pass
    return _checked(raw.decode("cp1252", errors="replace"), "cp1252?")


def _mostly_utf8(raw: bytes) -> str | None:
    """UTF-8 with a few stray legacy bytes (pasted or concatenated text): keep the UTF-8 and read
    each stray byte as CP1252, instead of letting detection re-decode the whole file as one legacy
    charset and turn every correct accented letter into mojibake."""
    text = raw.decode("utf-8", errors="surrogateescape")
    stray = len(_STRAY.findall(text))
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - stray
    if valid < max(stray, 1):
        return None
    return _STRAY.sub(lambda m: bytes([ord(m.group()) - 0xDC00]).decode("cp1252", errors="replace"), text)


def _detect(raw: bytes) -> str | None:
    """CP1252 when the text reads as Latin-script prose in it (the most common legacy charset on the
    web; charset_normalizer picks CP1257 or CP1250 for short French or Spanish text), else
    charset_normalizer's best guess, preferring CP1252 among equally good guesses."""
    if _plausible_cp1252(raw[:200_000]):
        return "cp1252"
    matches = from_bytes(raw[:200_000])
    best = matches.best()
    if best is None or not best.encoding:
        return None
    ties = {m.encoding for m in matches if m.chaos <= best.chaos and m.coherence >= best.coherence}
    return "cp1252" if "cp1252" in ties else best.encoding


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 text of mostly ASCII has a NUL in every other byte."""
    sample = raw[:4000]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _checked(text: str, encoding: str) -> Decoded:
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\x0c")
    if sample and controls / len(sample) > 0.01:
        return Decoded(error="binary", detail=f"{controls} control characters in {len(sample)} (not text)")
    return Decoded(text=text, encoding=encoding)


def _plausible_cp1252(raw: bytes) -> bool:
    """Mostly ASCII letters, accented letters a minority, and no symbol wedged inside a word (CP1250
    Polish read as CP1252 gives ``Za¿ó³æ``; Cyrillic or Greek give words made only of accented letters)."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    letters = sum(1 for ch in text if ch.isalpha())
    accented = sum(1 for ch in text if ch.isalpha() and ord(ch) > 0x7F)
    return letters > 0 and accented <= 0.3 * letters and not _WEDGED.search(text)
