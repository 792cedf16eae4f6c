"""What every report format shows: counts, per-rule and per-stage tables, clusters, and anchors.

The HTML, markdown, text and terminal renderers all take a ``Summary``, so the numbers agree
whichever way a reviewer looks at a run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from corpuskit.report.configtext import switch_off_snippet
from corpuskit.report.load import DocRecord, Output

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
    top_lost: list[DocRecord]
    mismatches: list[str]


def summarize(out: Output, top: int = 20) -> Summary:
    """Aggregate an output directory; the manifest's counts win, and disagreements are listed."""
    config = out.config
    rules: dict[str, RuleRow] = {}
    for doc in out.docs:
        for key, (chars, spans) in doc.rule_stats.items():
            row = rules.get(key)
            if row is None:
                stage, _, rule = key.partition(".")
                snippet = switch_off_snippet(stage, rule, config)
                row = rules[key] = RuleRow(key, stage, rule, snippet=snippet)
            row.chars += chars
            row.spans += spans
            row.docs += 1
    reasons: dict[str, ReasonRow] = {}
    languages: dict[str, int] = {}
    for doc in out.docs:
        if doc.rejection:
            reason, stage = doc.rejection["reason"], doc.rejection["stage"]
            row = reasons.get(reason)
            if row is None:
                snippet = switch_off_snippet(stage, reason, config) if stage else ""
                row = reasons[reason] = ReasonRow(reason, stage, snippet=snippet)
            row.count += 1
        lang = doc.language or "(none)"
        languages[lang] = languages.get(lang, 0) + 1
    counts, mismatches = _counts(out, rules, reasons)
    stages = _stages(out, rules)
    kept = sorted((d for d in out.docs if d.kept and d.spans), key=lambda d: (-d.removed_share, d.order))
    return Summary(
        counts=counts,
        rules=sorted(rules.values(), key=lambda r: (-r.chars, r.key)),
        stages=stages,
        reasons=sorted(reasons.values(), key=lambda r: (-r.count, r.reason)),
        languages=sorted(languages.items(), key=lambda kv: (-kv[1], kv[0])),
        clusters=clusters(out.docs),
        top_lost=kept[:top],
        mismatches=mismatches,
    )


def _counts(
    out: Output, rules: dict[str, RuleRow], reasons: dict[str, ReasonRow]
) -> tuple[dict[str, Any], list[str]]:
    kept = sum(1 for d in out.docs if d.kept)
    found = {
        "documents_in": len(out.docs),
        "kept": kept,
        "rejected": len(out.docs) - kept,
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


def clusters(docs: list[DocRecord]) -> list[Cluster]:
    """Group documents by ``dup_cluster`` / ``duplicate_of``; only clusters with a dropped copy."""
    by_keeper: dict[str, Cluster] = {}
    for doc in docs:
        if doc.rejection and doc.rejection.get("duplicate_of"):
            keeper = str(doc.rejection["duplicate_of"])
            sim = doc.rejection.get("similarity")
            cluster = by_keeper.setdefault(keeper, Cluster(keeper))
            cluster.members.append((doc.id, float(sim) if isinstance(sim, (int, float)) else None))
    return sorted(by_keeper.values(), key=lambda c: (-len(c.members), c.keeper))


def stable_rank(doc_id: str) -> str:
    """Order for the uniform part of the sample: a hash, so the same run samples the same documents."""
    return hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()
