"""One self-contained HTML file: the run's data as inert JSON, rendered in the browser by a small script.

Safety: document text is untrusted. It only ever enters the page inside a
``<script type="application/json">`` block with ``<``, ``>``, ``&`` and U+2028/2029 escaped, and the
script builds the DOM with ``textContent`` only. A Content-Security-Policy that allows exactly the one
inline script and style (by hash) means that even a bug in the escaping could not run injected code.

Size: at most ``max_bytes`` of data are embedded. Every document gets a small index row; the full
text is included by priority (the documents that lost the largest share, a few per rule, reason and
near-duplicate cluster, then a uniform sample by hash of id) until the budget is spent, and the page
says so.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from typing import Any

from corpuskit.report.configtext import config_toml, keep_pattern_stages
from corpuskit.report.load import DocRecord, Output, without_gc
from corpuskit.report.summary import (
    LISTED_CLUSTERS,
    Summary,
    anchor_for,
    keep_top,
    ranked,
    stable_rank,
    summarize,
)

DEFAULT_MAX_BYTES = 20_000_000  # docs/report.md: 17 MB for 10,000 documents opened in 2-5 s in headless chromium
PER_GROUP = 20  # documents with text guaranteed per rule, rejection reason and near-duplicate cluster

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_for_script(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element or open a comment, whatever strings it holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)  # JSON keeps them, UTF-8 cannot


@dataclass(slots=True)
class Sampling:
    """Which documents carry their text in the page, and why the others do not."""

    with_text: set[int]  # document orders
    list_all: bool  # every document gets an index row (else only those with text)
    docs_total: int
    text_bytes: int
    budget: int

    @property
    def docs_listed(self) -> int:
        return self.docs_total if self.list_all else len(self.with_text)


def _segments(doc: DocRecord, rule_index: dict[str, int]) -> list[list[Any]]:
    return [[-1, s.text] if s.rule is None else [rule_index[s.rule], s.text, s.start] for s in doc.segments]


def _json_size(doc: DocRecord) -> int:
    """Bytes the document's segments take in the page's JSON, counted from the kept text and the
    spans (together they hold exactly the segments' characters) rather than encoded: encoding every
    document of a large run only to measure it would double the report's cost. It errs high by a
    few bytes per segment, never low, except for rare control characters."""
    size = 2 - 4  # the list's brackets, minus the "null" it replaces
    for text in (doc.text, "".join(span.text for span in doc.spans)):
        size += len(text.encode("utf-8", "surrogatepass")) + text.count("\n") + text.count('"')
        size += text.count("\\") + text.count("\t") + 5 * (text.count("<") + text.count(">") + text.count("&"))
    spans = len(doc.spans)  # kept segments: at most spans + 1; removed ones also carry rule and offset
    return size + (spans + 1) * 8 + spans * (10 + len(str(doc.base_len)))


def _row(doc: DocRecord, rules: list[int]) -> dict[str, Any]:
    rej = doc.rejection
    stages = sorted({s.stage for s in doc.spans} | ({rej["stage"]} if rej and rej.get("stage") else set()))
    meta = {k: str(doc.metadata[k]) for k in ("title", "url") if doc.metadata.get(k)}
    return {
        "id": doc.id,
        "a": anchor_for(doc.id),
        "src": doc.source,
        "lang": doc.language,
        "rej": None
        if rej is None
        else {
            "reason": rej["reason"],
            "stage": rej["stage"],
            "value": rej.get("value"),
            "detail": None if rej.get("detail") is None else str(rej["detail"])[:500],
            "dup": rej.get("duplicate_of"),
            "sim": rej.get("similarity"),
        },
        "cl": doc.cluster,
        "n": doc.base_len,
        "rm": doc.removed_chars,
        "sh": round(doc.removed_share, 4),
        "rules": sorted(rules),
        "stages": stages,
        "ord": doc.order,
        "meta": meta,
        "problems": doc.problems,
        "seg": None,
    }


_Cost = tuple[int, int, int]  # (order, bytes of its text in the page, bytes of its index row)
_MAX_RULE_INDEX = 9999  # rows are measured before the rules are numbered: a wide number errs high


class SampleCandidates:
    """Collected during the summary's pass, for ``choose_sample``: the documents each priority
    group may show, and the head of the uniform sample, with what each would cost in the page.

    Bounded: at most ``PER_GROUP`` documents per rule and per rejection reason, the documents of
    near-duplicate clusters (as many as the summary lists), and the uniform sample's first
    documents by hash worth twice the budget.
    """

    def __init__(self, max_bytes: int, top: int) -> None:
        self.max_bytes = max_bytes
        self.top = top
        self.docs = 0
        self.row_bytes = 0
        self.rows: list[tuple[dict[str, Any], list[str]]] | None = []  # while they fit in the reserve
        self.lost: list[tuple[float, int, _Cost]] = []
        self.by_rule: dict[str, list[tuple[float, int, _Cost]]] = {}
        self.by_reason: dict[str, list[_Cost]] = {}
        self.in_clusters: dict[str, _Cost] = {}
        self.uniform: list[tuple[int, int, _Cost]] = []  # max-heap by hash: (-hash, -order, cost)
        self.uniform_bytes = 0

    def visit(self, doc: DocRecord) -> None:
        self.docs += 1
        index_row = _row(doc, [_MAX_RULE_INDEX] * len(doc.rule_stats))
        row = len(json_for_script(index_row).encode()) + 1
        self.row_bytes += row
        if self.rows is not None and self.row_bytes <= self.max_bytes // 4:
            self.rows.append((index_row, list(doc.rule_stats)))
        else:
            self.rows = None  # too many for every document to be listed
        cost = (doc.order, _json_size(doc), row)
        rank = (doc.removed_share, -doc.order)
        for key in doc.rule_stats:
            keep_top(self.by_rule.setdefault(key, []), rank, cost, PER_GROUP)
        if doc.rejection is None:
            if doc.spans:
                keep_top(self.lost, rank, cost, self.top)
            if doc.metadata.get("dup_cluster") is not None:
                self.in_clusters[doc.id] = cost
        else:
            firsts = self.by_reason.setdefault(doc.rejection["reason"], [])
            if len(firsts) < PER_GROUP:
                firsts.append(cost)
            if doc.rejection.get("duplicate_of"):
                self.in_clusters[doc.id] = cost
        heapq.heappush(self.uniform, (-int(stable_rank(doc.id)[:16], 16), -doc.order, cost))
        self.uniform_bytes += cost[1] + cost[2]
        while self.uniform_bytes > 2 * self.max_bytes and self.uniform:
            self.uniform_bytes -= sum(heapq.heappop(self.uniform)[2][1:])



def choose_sample(found: SampleCandidates, summary: Summary, max_bytes: int) -> Sampling:
    """Pick the documents whose text fits in ``max_bytes``, most useful to a reviewer first.

    Index rows for every document are reserved first when they take at most a quarter of the budget
    (so filters and counts cover the whole run); past that only documents with text are listed.
    """
    reserve = found.row_bytes if found.rows is not None else 0
    order: list[_Cost] = ranked(found.lost)
    for rule in summary.rules:
        order += ranked(found.by_rule.get(rule.key, []))
    for reason in summary.reasons:
        order += found.by_reason.get(reason.reason, [])
    for cluster in summary.clusters[:PER_GROUP]:
        ids = [cluster.keeper, *(m for m, _ in cluster.members)]
        order += [found.in_clusters[i] for i in ids if i in found.in_clusters]
    order += ranked(found.uniform)  # by hash, lowest first (the heap holds negated hashes)
    chosen: set[int] = set()
    used = reserve
    for doc_order, text_bytes, row_bytes in order:
        if doc_order in chosen:
            continue
        cost = text_bytes + (0 if reserve else row_bytes)
        if used + cost <= max_bytes:
            chosen.add(doc_order)
            used += cost
    return Sampling(chosen, bool(reserve), found.docs, used - reserve, max_bytes)


def build_payload(out: Output, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-ready data: one pass over the run to count and to
    choose the sample, a second to fetch the chosen documents' text."""
    found = SampleCandidates(max_bytes, top=20)
    summary = summarize(out, top=20, visit=found.visit)
    sample = choose_sample(found, summary, max_bytes)
    rule_index = {row.key: i for i, row in enumerate(summary.rules)}
    listed: dict[int, dict[str, Any]] = {}
    for row, keys in found.rows or []:
        row["rules"] = sorted(rule_index[k] for k in keys)
        listed[row["ord"]] = row
    with without_gc():
        for doc in out.documents(only=sample.with_text):
            row = listed.get(doc.order) or _row(doc, [rule_index[k] for k in doc.rule_stats])
            row["seg"] = _segments(doc, rule_index)
            listed[doc.order] = row
    rows = [listed[k] for k in sorted(listed)]
    anchors: dict[str, int] = {}
    for row in rows:  # duplicate ids in the input still get distinct anchors
        count = anchors.get(row["a"], 0)
        anchors[row["a"]] = count + 1
        if count:
            row["a"] = f"{row['a']}--{count + 1}"
    config = out.config
    return {
        "meta": {
            "out": out.path.name,
            "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "version": out.manifest.get("corpuskit_version"),
            "config_sha256": out.manifest.get("config_sha256"),
            "config_toml": config_toml(config) if config else None,
        },
        "counts": summary.counts,
        "rules": [
            {"key": r.key, "stage": r.stage, "rule": r.rule, "chars": r.chars, "spans": r.spans, "docs": r.docs,
             "snippet": r.snippet}
            for r in summary.rules
        ],
        "stages": summary.stages,
        "reasons": [{"reason": r.reason, "stage": r.stage, "count": r.count, "snippet": r.snippet}
                    for r in summary.reasons],
        "languages": summary.languages,
        "clusters": [{"keeper": c.keeper, "members": c.members} for c in summary.clusters[:LISTED_CLUSTERS]],
        "clusters_total": len(summary.clusters),
        "top": [d.id for d in summary.top_lost],
        "keep_stages": keep_pattern_stages(config),
        "sampling": {
            "docs_total": sample.docs_total,
            "docs_listed": sample.docs_listed,
            "docs_with_text": len(sample.with_text),
            "text_bytes": sample.text_bytes,
            "budget_bytes": sample.budget,
            "per_group": PER_GROUP,
        },
        "problems": summary.problems[:200] + summary.mismatches,
        "docs": rows,
    }


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def render_html(payload: dict[str, Any]) -> str:
    """The page: static markup, the inert JSON block, and the script and style pinned by hash."""
    package = resources.files("corpuskit.report")
    css = package.joinpath("report.css").read_text(encoding="utf-8")
    js = package.joinpath("report.js").read_text(encoding="utf-8")
    shell = package.joinpath("report.html").read_text(encoding="utf-8")
    csp = (
        f"default-src 'none'; script-src {_csp_hash(js)}; style-src {_csp_hash(css)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    # str.replace on fixed markers: the values are our CSS/JS and escaped JSON, never raw document text
    return (
        shell.replace("@@CSP@@", csp)
        .replace("@@CSS@@", css)
        .replace("@@JS@@", js)
        .replace("@@DATA@@", json_for_script(payload))  # last: document text may contain a marker
    )
