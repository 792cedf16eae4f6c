"""HTML to text with trafilatura, keeping its title / date / url metadata.

trafilatura never fetches anything when given a string; corpuskit never passes it a URL to download.
Hostile HTML (very deep nesting, not HTML at all) makes lxml or trafilatura raise: that becomes a
rejection with the error's name, not a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from corpuskit.document import Document

METADATA_FIELDS = ("title", "author", "date", "url", "hostname", "sitename", "description")


@dataclass(frozen=True)
class HtmlOptions:
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True
    include_comments: bool = False

    @classmethod
    def from_read(cls, read: Any) -> HtmlOptions:
        return cls(
            favor_precision=read.html_favor_precision,
            favor_recall=read.html_favor_recall,
            include_tables=read.html_include_tables,
            include_comments=read.html_include_comments,
        )


def html_to_document(html: str, doc_id: str, source: str, sha256: str, options: HtmlOptions) -> Document:
    """Extract the main text of ``html``; a failure yields a Document rejected by the read stage."""
    import trafilatura

    doc = Document(text="", id=doc_id, source=source, source_sha256=sha256)
    try:
        result = trafilatura.bare_extraction(
            html,
            favor_precision=options.favor_precision,
            favor_recall=options.favor_recall,
            include_tables=options.include_tables,
            include_comments=options.include_comments,
            with_metadata=True,
            output_format="python",
        )
    except (RecursionError, MemoryError, ValueError, TypeError, AttributeError) as exc:
        doc.reject("read", "html_error", detail=f"trafilatura failed: {type(exc).__name__}")
        return doc
    except Exception as exc:  # noqa: BLE001 - lxml raises many types; one bad page must not stop the run
        doc.reject("read", "html_error", detail=f"trafilatura failed: {type(exc).__name__}: {exc}"[:300])
        return doc
    if result is None:
        return doc
    data = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    doc.text = data.get("text") or ""
    doc.chars_in = len(html)
    doc.metadata["extractor"] = "trafilatura"  # boilerplate then skips page-layout rules
    for key in METADATA_FIELDS:
        if data.get(key):
            doc.metadata[key] = data[key]
    return doc
