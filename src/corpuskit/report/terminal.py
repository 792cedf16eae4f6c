"""Terminal views with rich: the per-rule table (``corpuskit stats``) and a coloured unified diff of
one document's base text against its kept text (``corpuskit diff``).

Document text goes into ``rich.text.Text`` objects, never into markup strings, so a ``[bold]`` or an
escape sequence in a scraped page prints as itself.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from corpuskit.report.load import DocRecord, Output, base_text, kept_text
from corpuskit.report.summary import anchor_for, summarize

_CONTROL = {c: f"\\x{c:02x}" for c in [*range(32), *range(127, 160)] if c not in (9, 10)}


def safe(text: str) -> str:
    """Control characters shown as escapes, so scraped text cannot move the cursor or recolour the terminal."""
    return text.translate(_CONTROL)


def stats_renderable(out: Output) -> RenderableType:
    """Per-rule and per-reason tables, with the share of all input characters each rule removed."""
    s = summarize(out)
    chars_in = s.counts.get("chars_in") or s.base_chars or 1
    c = s.counts
    head = Text(
        f"{c.get('documents_in', 0):,} documents in, {c.get('kept', 0):,} kept, {c.get('rejected', 0):,} rejected; "
        f"{c.get('chars_removed', 0):,} of {chars_in:,} chars removed"
    )
    rules = Table(title="Characters removed, by rule", title_justify="left")
    rules.add_column("rule", no_wrap=True)
    for name in ("chars", "% of input", "spans", "documents"):
        rules.add_column(name, justify="right")
    rules.add_column("switch off in corpuskit.toml", overflow="fold")
    for r in s.rules:
        rules.add_row(Text(safe(r.key)), f"{r.chars:,}", f"{r.chars / chars_in:.2%}", f"{r.spans:,}", f"{r.docs:,}",
                      Text(safe(r.snippet.replace("\n", "  "))))
    parts: list[RenderableType] = [head, rules]
    if s.reasons:
        reasons = Table(title="Rejected, by reason", title_justify="left")
        for name in ("reason", "stage", "documents", "switch off in corpuskit.toml"):
            reasons.add_column(name)
        for row in s.reasons:
            reasons.add_row(Text(safe(row.reason)), Text(safe(row.stage)), f"{row.count:,}",
                            Text(safe(row.snippet.replace("\n", "  "))))
        parts.append(reasons)
    parts += [Text(f"! {safe(p)}", style="yellow") for p in s.problems + s.mismatches]
    return Group(*parts)


def find_document(out: Output, doc_id: str) -> DocRecord:
    """The document with this id (or report anchor); a KeyError names close ids when there is none.
    Reads the run until it is found (and once more, for the ids, when it is not)."""
    for doc in out.documents():
        if doc.id == doc_id or anchor_for(doc.id) == doc_id:
            return doc
    close = difflib.get_close_matches(doc_id, (d.id for d in out.documents()), n=5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise KeyError(f"no document {doc_id!r} in {out.path}{hint}")


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line) + 1))
        pos += len(line) + 1
    return spans


def diff_lines(doc: DocRecord, context: int = 3, rules: bool = True) -> Iterator[Text]:
    """A unified diff (base text -> kept text) as coloured lines; removed lines name their rules."""
    segments = doc.segments
    base, kept = base_text(segments), kept_text(segments)
    a, b = base.split("\n"), kept.split("\n")
    offsets = _line_spans(base)
    yield Text(f"--- base/{safe(doc.id)}", style="bold red")
    yield Text(f"+++ kept/{safe(doc.id)}", style="bold green")
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        yield Text(f"@@ -{i1 + 1},{i2 - i1} +{j1 + 1},{j2 - j1} @@", style="cyan")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                yield from (Text(" " + safe(line)) for line in a[a1:a2])
                continue
            for i in range(a1, a2):
                line = Text("-" + safe(a[i]), style="red")
                if rules:
                    lo, hi = offsets[i]
                    keys = sorted({s.key for s in doc.spans if s.start < hi and s.end > lo})
                    if keys:
                        line.append(f"    # {', '.join(keys)}", style="dim")
                yield line
            yield from (Text("+" + safe(line), style="green") for line in b[b1:b2])


def diff_renderable(out: Output, doc_id: str, context: int = 3, rules: bool = True) -> RenderableType:
    doc = find_document(out, doc_id)
    lines = list(diff_lines(doc, context, rules))
    status = "kept" if doc.kept else f"rejected by {doc.rejection['stage']}: {doc.rejection['reason']}"  # type: ignore[index]
    summary = Text(
        f"{safe(doc.id)}: {status}; {doc.removed_chars:,} of {doc.base_len:,} chars removed "
        f"({doc.removed_share:.1%}) in {len(doc.spans)} spans", style="bold"
    )
    if len(lines) == 2:
        lines.append(Text("(no text removed)"))
    return Group(summary, *lines, *(Text(f"! {safe(p)}", style="yellow") for p in doc.problems))
