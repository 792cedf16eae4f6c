"""The report as markdown (for a pull request or an issue) or plain text (for a terminal or a log).

Same numbers as the HTML page; documents are listed by their removed spans only (the HTML page and
``corpuskit diff`` show them whole). Untrusted text only ever goes inside code fences longer than any
backtick run it contains, and ids in prose are backslash-escaped.
"""

from __future__ import annotations

import re

from corpuskit.report.configtext import config_toml
from corpuskit.report.load import DocRecord, Output
from corpuskit.report.summary import LISTED_CLUSTERS, Summary, anchor_for, keep_top, ranked, summarize

MAX_DOCS = 200  # documents listed with their removed spans; the rest are counted, not listed
MAX_LINE_CHARS = 300  # longer removed lines are cut in the listing (the HTML page shows them whole)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]!|<>~&#])")
_BACKTICKS = re.compile(r"`+")


def md_escape(text: str) -> str:
    """Escape markdown and HTML punctuation so an id or reason renders as the literal text."""
    return _MD_SPECIAL.sub(r"\\\1", text.replace("\n", " "))


def fence(body: str, lang: str = "") -> str:
    longest = max((len(m) for m in _BACKTICKS.findall(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{body.rstrip(chr(10))}\n{ticks}"


class _Doc:
    """Accumulates lines in markdown or plain text."""

    def __init__(self, markdown: bool) -> None:
        self.md = markdown
        self.lines: list[str] = []

    def heading(self, level: int, text: str) -> None:
        if self.md:
            self.lines += ["", "#" * level + " " + text, ""]
        else:
            self.lines += ["", text, ("=" if level == 1 else "-") * len(text)]

    def table(self, head: list[str], rows: list[list[str]]) -> None:
        if not rows:
            self.lines.append("(none)")
            return
        if self.md:
            cell = [[c.replace("|", "\\|").replace("\n", " ") for c in r] for r in [head, *rows]]
            self.lines.append("| " + " | ".join(cell[0]) + " |")
            self.lines.append("|" + "|".join("---" for _ in head) + "|")
            self.lines += ["| " + " | ".join(r) + " |" for r in cell[1:]]
            return
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        for r in [head, *rows]:
            self.lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())

    def code(self, body: str, lang: str = "") -> None:
        if self.md:
            self.lines.append(fence(body, lang))
        else:
            self.lines += ["    " + line for line in body.rstrip("\n").split("\n")]

    def text(self, text: str) -> None:
        self.lines.append(text)

    def name(self, text: str) -> str:
        return md_escape(text) if self.md else text

    def inline(self, code: str) -> str:
        """A one-line code span (a TOML snippet in a table cell)."""
        code = code.replace("\n", "  ")
        if not self.md:
            return code
        ticks = "`" * (max((len(m) for m in _BACKTICKS.findall(code)), default=0) + 1)
        return f"{ticks} {code} {ticks}"


def render_text(out: Output, markdown: bool = True, max_docs: int = MAX_DOCS) -> str:
    """The whole report as markdown (``markdown=True``) or plain text."""
    listed = _Listed(max_docs)
    summary = summarize(out, visit=listed.visit)
    doc = _Doc(markdown)
    doc.heading(1, f"corpuskit report: {doc.name(out.path.name)}")
    manifest = out.manifest
    doc.text(f"corpuskit {manifest.get('corpuskit_version', '?')}, config sha256 "
             f"{manifest.get('config_sha256', 'not recorded')}")
    for problem in summary.problems + summary.mismatches:
        doc.text(("- " if markdown else "! ") + doc.name(problem))
    _summary(doc, summary)
    _documents(doc, listed)
    if out.config:
        doc.heading(2, "Config used (save as corpuskit.toml to repeat the run)")
        doc.code(config_toml(out.config), "toml")
    return "\n".join(doc.lines).lstrip("\n") + "\n"


def _summary(doc: _Doc, s: Summary) -> None:
    c = s.counts
    doc.heading(2, "Summary")
    keys = ["documents_in", "kept", "rejected", "unreadable", "chars_in", "chars_out", "chars_removed", "spans_removed"]
    doc.table(["count", "value"], [[k.replace("_", " "), f"{c[k]:,}"] for k in keys if isinstance(c.get(k), int)])
    doc.heading(2, "Rejected, by reason")
    doc.table(
        ["reason", "stage", "documents", "switch off in corpuskit.toml"],
        [[doc.name(r.reason), doc.name(r.stage), f"{r.count:,}", doc.inline(r.snippet)] for r in s.reasons],
    )
    doc.heading(2, "Characters removed, by stage")
    doc.table(
        ["stage", "chars removed", "rejected"],
        [[doc.name(str(st["name"])), f"{st['chars_removed'] or 0:,}", f"{st['rejected'] or 0:,}"] for st in s.stages],
    )
    doc.heading(2, "Characters removed, by rule")
    doc.table(
        ["rule", "chars", "spans", "documents", "switch off in corpuskit.toml"],
        [[doc.name(r.key), f"{r.chars:,}", f"{r.spans:,}", f"{r.docs:,}", doc.inline(r.snippet)]
         for r in s.rules],
    )
    doc.heading(2, "Largest share removed (likely false positives first)")
    for i, d in enumerate(s.top_lost, 1):
        doc.text(f"{i}. {doc.name(d.id)}: {d.removed_share:.1%} removed ({d.removed_chars:,} of {d.base_len:,} chars) "
                 f"by {doc.name(', '.join(d.rule_keys))}")
    if not s.top_lost:
        doc.text("(no kept document lost any text)")
    doc.heading(2, "Near-duplicate clusters")
    if len(s.clusters) > LISTED_CLUSTERS:
        doc.text(f"The {LISTED_CLUSTERS:,} largest of {len(s.clusters):,} clusters:")
    for c in s.clusters[:LISTED_CLUSTERS]:
        copies = ", ".join(f"{doc.name(m)} (similarity {'?' if sim is None else sim})" for m, sim in c.members)
        doc.text(f"- kept {doc.name(c.keeper)}; dropped {copies}")
    if not s.clusters:
        doc.text("(no near-duplicates were dropped)")


class _Listed:
    """The documents the report lists with their removed spans: rejected ones first, then by share
    removed; at most ``max_docs`` are kept (without their text), the others are counted."""

    def __init__(self, max_docs: int) -> None:
        self.max_docs = max_docs
        self.count = 0
        self.heap: list[tuple[tuple[int, float], int, DocRecord]] = []

    def visit(self, d: DocRecord) -> None:
        if d.spans or d.rejection:
            self.count += 1
            rank = ((0 if d.kept else 1, d.removed_share), -d.order)
            keep_top(self.heap, rank, d.light(keep_spans=True), self.max_docs)

    def docs(self) -> list[DocRecord]:
        return ranked(self.heap)


def _documents(doc: _Doc, listed: _Listed) -> None:
    doc.heading(2, f"Documents with removed text or rejected ({listed.count:,})")
    if listed.count > listed.max_docs:
        doc.text(f"Listing {listed.max_docs} of {listed.count} (rejected first, then by share removed); "
                 "`corpuskit diff OUT DOC_ID` shows any document.")
    for d in listed.docs():
        anchor = f"`{anchor_for(d.id)}`" if doc.md else anchor_for(d.id)
        doc.heading(3, f"{doc.name(d.id)} ({anchor})")
        doc.text(doc.name(_status(d)))
        lines = []
        for span in sorted(d.spans, key=lambda sp: sp.start):
            # blank lines removed with their neighbours are counted, not listed
            shown = [_cut(line) for line in span.text.split("\n") if line.strip()]
            if shown:
                lines += [f"- {line}" for line in shown]
                lines[-1] += f"    # {span.key} @{span.start}"
        if lines:
            doc.code("\n".join(lines), "diff")


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + f"... [{len(line) - MAX_LINE_CHARS} more chars]"


def _status(d: DocRecord) -> str:
    share = f"{d.removed_chars:,} of {d.base_len:,} chars removed ({d.removed_share:.1%})"
    if d.rejection is None:
        return f"kept, {share}"
    r = d.rejection
    extra = "".join(
        f", {label} {r[key]}" for key, label in (("value", "value"), ("detail", "detail"), ("duplicate_of", "copy of"),
                                                 ("similarity", "similarity")) if r.get(key) is not None
    )
    return f"rejected by {r['stage']}: {r['reason']}{extra}; {share}"
