"""What every report format shows: counts, per-rule and per-stage tables, clusters, and anchors.

The HTML, markdown, text and terminal renderers all take a ``Summary``, so the numbers agree
whichever way a reviewer looks at a run.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from corpuskit.report.configtext import switch_off_snippet
from corpuskit.report.load import DocRecord, Output, Problems, without_gc

LISTED_CLUSTERS = 1000  # near-duplicate clusters a report lists, largest first (all are counted)
_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


def anchor_for(doc_id: str) -> str:
    """A stable, injective, URL- and HTML-safe anchor for a document id.

    Letters, digits, ``.`` and ``-`` stay; every other character (``_`` included, which makes the
    mapping reversible) becomes ``_<hex code point>_``. ``doc-`` in front keeps it a valid id.
    """
    return "doc-" + "".join(c if c in _SAFE else f"_{ord(c):x}_" for c in doc_id)


@dataclass(slots=True)
class RuleRow:
    """Removals of one ``stage.rule`` across the run."""

    key: str
    stage: str
    rule: str
    chars: int = 0
    spans: int = 0
    docs: int = 0
    snippet: str = ""


@dataclass(slots=True)
class ReasonRow:
    """Rejections for one reason across the run."""

    reason: str
    stage: str
    count: int = 0
    snippet: str = ""


@dataclass(slots=True)
class Cluster:
    """A near-duplicate cluster: the kept document and the ones dropped as its copies."""

    keeper: str
    members: list[tuple[str, float | None]] = field(default_factory=list)


@dataclass(slots=True)
class Summary:
    counts: dict[str, Any]
    rules: list[RuleRow]
    stages: list[dict[str, Any]]
    reasons: list[ReasonRow]
    languages: list[tuple[str, int]]
    clusters: list[Cluster]
    top_lost: list[DocRecord]  # light copies (no text)
    mismatches: list[str]
    problems: list[str]  # the files' inconsistencies (bad lines, spans that do not fit)
    base_chars: int  # characters before cleaning, over every document


class _Tally:
    """What one pass over the documents adds up; only counts and a few light documents are kept."""

    def __init__(self, config: dict[str, Any], top: int) -> None:
        self.config = config
        self.top = top
        self.rules: dict[str, RuleRow] = {}
        self.reasons: dict[str, ReasonRow] = {}
        self.languages: dict[str, int] = {}
        self.clusters: dict[str, Cluster] = {}
        self.lost: list[tuple[float, int, DocRecord]] = []  # heap: the ``top`` largest shares lost
        self.documents = self.kept = self.base_chars = 0

    def add(self, doc: DocRecord) -> None:
        self.documents += 1
        self.base_chars += doc.base_len
        for key, (chars, spans) in doc.rule_stats.items():
            row = self.rules.get(key)
            if row is None:
                stage, _, rule = key.partition(".")
                row = self.rules[key] = RuleRow(key, stage, rule, snippet=switch_off_snippet(stage, rule, self.config))
            row.chars += chars
            row.spans += spans
            row.docs += 1
        lang = doc.language or "(none)"
        self.languages[lang] = self.languages.get(lang, 0) + 1
        if doc.rejection is None:
            self.kept += 1
            if doc.spans:
                keep_top(self.lost, (doc.removed_share, -doc.order), doc.light(), self.top)
            return
        reason, stage = doc.rejection["reason"], doc.rejection["stage"]
        reason_row = self.reasons.get(reason)
        if reason_row is None:
            snippet = switch_off_snippet(stage, reason, self.config) if stage else ""
            reason_row = self.reasons[reason] = ReasonRow(reason, stage, snippet=snippet)
        reason_row.count += 1
        if doc.rejection.get("duplicate_of"):
            keeper = str(doc.rejection["duplicate_of"])
            sim = doc.rejection.get("similarity")
            cluster = self.clusters.setdefault(keeper, Cluster(keeper))
            cluster.members.append((doc.id, float(sim) if isinstance(sim, (int, float)) else None))


def keep_top(heap: list[tuple[Any, Any, Any]], rank: tuple[Any, Any], item: Any, size: int) -> None:
    """Keep in ``heap`` the ``size`` items of highest ``rank`` seen so far (ranks are distinct)."""
    entry = (*rank, item)
    if len(heap) < size:
        heapq.heappush(heap, entry)
    elif entry[:2] > heap[0][:2]:
        heapq.heapreplace(heap, entry)


def ranked(heap: list[tuple[Any, Any, Any]]) -> list[Any]:
    """The items of a ``keep_top`` heap, highest rank first."""
    return [entry[2] for entry in sorted(heap, key=lambda entry: entry[:2], reverse=True)]


def summarize(out: Output, top: int = 20, visit: Callable[[DocRecord], None] | None = None) -> Summary:
    """One pass over an output directory's documents: counts, per-rule and per-reason tables,
    clusters and the kept documents that lost the largest share. ``visit`` sees every document on
    the way (a renderer collecting what it will show). The manifest's counts win, and
    disagreements are listed."""
    tally = _Tally(out.config, top)
    problems = Problems(out.problems)
    with without_gc():
        for doc in out.documents(problems):
            if visit is not None:
                visit(doc)
            tally.add(doc)
    counts, mismatches = _counts(out, tally)
    return Summary(
        counts=counts,
        rules=sorted(tally.rules.values(), key=lambda r: (-r.chars, r.key)),
        stages=_stages(out, tally.rules),
        reasons=sorted(tally.reasons.values(), key=lambda r: (-r.count, r.reason)),
        languages=sorted(tally.languages.items(), key=lambda kv: (-kv[1], kv[0])),
        clusters=sorted(tally.clusters.values(), key=lambda c: (-len(c.members), c.keeper)),
        top_lost=ranked(tally.lost),
        mismatches=mismatches,
        problems=problems.listed(),
        base_chars=tally.base_chars,
    )


def _counts(out: Output, tally: _Tally) -> tuple[dict[str, Any], list[str]]:
    rules, reasons = tally.rules, tally.reasons
    found = {
        "documents_in": tally.documents,
        "kept": tally.kept,
        "rejected": tally.documents - tally.kept,
        "rejected_by_reason": {r.reason: r.count for r in reasons.values()},
        "chars_removed": sum(r.chars for r in rules.values()),
        "spans_removed": out.span_count,
    }
    manifest = dict(out.manifest.get("counts") or {})
    mismatches = []
    for key in ("documents_in", "kept"):
        if key in manifest and manifest[key] != found[key]:
            mismatches.append(f"manifest says {key} = {manifest[key]}, the files hold {found[key]}")
    if "rejected" in manifest:  # the files list unreadable inputs as rejected; the manifest may not
        allowed = {manifest["rejected"], manifest["rejected"] + manifest.get("unreadable", 0)}
        if found["rejected"] not in allowed:
            mismatches.append(f"manifest says rejected = {manifest['rejected']}, the files hold {found['rejected']}")
    by_rule = out.manifest.get("removed_chars_by_rule") or {}
    for key, row in rules.items():
        if key in by_rule and by_rule[key] != row.chars:
            mismatches.append(f"manifest says {key} removed {by_rule[key]} chars, removed.jsonl holds {row.chars}")
    merged = {**found, **manifest}
    merged["spans_removed"] = out.span_count
    return merged, mismatches


def _stages(out: Output, rules: dict[str, RuleRow]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for name, info in (out.manifest.get("stages") or {}).items():
        info = info if isinstance(info, dict) else {}
        rows[name] = {
            "name": name,
            "chars_removed": info.get("chars_removed", 0),
            "rejected": info.get("rejected", 0),
            "docs": info.get("docs"),
            "seconds": info.get("seconds"),
        }
    for row in rules.values():  # stages the manifest does not list still show their removals
        if row.stage not in rows:
            rows[row.stage] = {"name": row.stage, "chars_removed": 0, "rejected": 0, "docs": None, "seconds": None}
            rows[row.stage]["_from_spans"] = True
        if rows[row.stage].get("_from_spans"):
            rows[row.stage]["chars_removed"] += row.chars
    for row in rows.values():
        row.pop("_from_spans", None)
    return list(rows.values())


def stable_rank(doc_id: str) -> str:
    """Order for the uniform part of the sample: a hash, so the same run samples the same documents."""
    return hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()
