"""Site repetition: a line printed on many pages of the same site is furniture (C4/RefinedWeb style).

A page on its own cannot tell its site's navigation, newsletter box or footer blurb from text, but
the site's other pages can: such lines recur word for word. Documents are grouped by site (the
``site`` metadata field, else the URL's host, else the folder of the input file); a line whose
folded form occurs in at least ``min_count`` documents and ``min_share`` of the site's documents is
removed from all of them, except long lines that read like prose (syndicated paragraphs, quotes).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from corpuskit.document import Document, source_file
from corpuskit.stages.base import CorpusStage
from corpuskit.stages.repetition import line_key

RULE = "site_repeated_line"
_HASHES = "_site_line_hashes"  # scratch metadata between prepare and apply; removed in apply
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"""[.!?…。！？]["'”’»)\]]*$""")


@dataclass(frozen=True)
class SiteRepetitionOptions:
    enabled: bool = True
    min_site_docs: int = 3  # sites with fewer documents are left alone
    min_count: int = 3  # a line must occur in at least this many documents of the site ...
    min_share: float = 0.3  # ... and in at least this share of them
    min_chars: int = 3  # shorter lines are not counted
    exempt_words: int = 30  # lines this long that end like a sentence are kept (0: no exemption)


def site_of(doc: Document) -> str | None:
    """The site a document belongs to: ``site`` metadata, URL host, or the input file's folder."""
    site = doc.metadata.get("site")
    if site:
        return f"site:{site}"
    url = doc.metadata.get("url")
    if isinstance(url, str) and url:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").removeprefix("www.")
        if host:
            return f"host:{host}"
    if doc.source:
        folder = os.path.dirname(source_file(doc.source))
        return f"dir:{folder}"
    return None


def line_hash(text: str) -> int:
    """A stable 64-bit hash of the folded line (case, punctuation and spacing ignored)."""
    return int.from_bytes(hashlib.blake2b(line_key(text).encode("utf-8"), digest_size=8).digest(), "big")


class SiteRepetition(CorpusStage):
    """Count line hashes per site (``observe``), then remove the site's furniture lines (``apply``)."""

    name = "site_repetition"

    def __init__(self, options: SiteRepetitionOptions = SiteRepetitionOptions()) -> None:
        super().__init__()
        self.options = options
        self._docs: Counter[str] = Counter()
        self._lines: dict[str, Counter[int]] = defaultdict(Counter)
        self._furniture: dict[str, set[int]] = {}

    def _hashes(self, doc: Document) -> list[int | None]:
        return [
            line_hash(line.text) if len(line.text.strip()) >= self.options.min_chars else None
            for line in doc.kept_lines()
        ]

    def prepare(self, doc: Document) -> None:
        if self.options.enabled:
            doc.metadata[_HASHES] = self._hashes(doc)

    def observe(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        site = site_of(doc)
        if site is None:
            return
        hashes = doc.metadata.get(_HASHES)
        if hashes is None:
            hashes = self._hashes(doc)
        self._docs[site] += 1
        self._lines[site].update({h for h in hashes if h is not None})

    def finalize(self) -> None:
        o = self.options
        for site, counts in self._lines.items():
            docs = self._docs[site]
            if docs < o.min_site_docs:
                continue
            floor = max(o.min_count, o.min_share * docs)
            self._furniture[site] = {h for h, n in counts.items() if n >= floor}
        self._lines.clear()  # the counts are no longer needed; keep memory for the apply pass

    def furniture(self, site: str) -> set[int]:
        """The line hashes found to be furniture on ``site`` (after ``finalize``)."""
        return self._furniture.get(site, set())

    def apply(self, doc: Document) -> None:
        hashes = doc.metadata.pop(_HASHES, None)
        if not self.options.enabled:
            return
        site = site_of(doc)
        furniture = self._furniture.get(site or "")
        if not furniture:
            return
        lines = doc.kept_lines()
        if hashes is None or len(hashes) != len(lines):
            hashes = self._hashes(doc)
        drops = {
            i: RULE
            for i, (line, h) in enumerate(zip(lines, hashes, strict=True))
            if h in furniture and not self._prose(line.text)
        }
        if drops:
            doc.remove_lines(self.name, drops, lines)

    def _prose(self, text: str) -> bool:
        """Long, sentence-shaped lines are exempt: sites repeat quotes and syndicated paragraphs too."""
        limit = self.options.exempt_words
        return bool(limit) and len(_WORD.findall(text)) >= limit and bool(_SENTENCE_END.search(text.strip()))
