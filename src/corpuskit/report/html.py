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
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from typing import Any

from corpuskit.report.configtext import config_toml, keep_pattern_stages
from corpuskit.report.load import DocRecord, Output, without_gc
from corpuskit.report.summary import Summary, anchor_for, stable_rank, summarize

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

    with_text: set[int]
    listed: set[int]
    text_bytes: int
    budget: int


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


def _row(doc: DocRecord, rule_index: dict[str, int]) -> dict[str, Any]:
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
        "rules": sorted(rule_index[k] for k in doc.rule_keys),
        "stages": stages,
        "ord": doc.order,
        "meta": meta,
        "problems": doc.problems,
        "seg": None,
    }


def choose_sample(out: Output, summary: Summary, row_bytes: list[int], text_bytes: list[int],
                  max_bytes: int) -> Sampling:
    """Pick the documents whose text fits in ``max_bytes``, most useful to a reviewer first.

    Index rows for every document are reserved first when they take at most a quarter of the budget
    (so filters and counts cover the whole run); past that only documents with text are listed.
    """
    docs = out.docs
    reserve = sum(row_bytes) if sum(row_bytes) <= max_bytes // 4 else 0
    index = {id(d): i for i, d in enumerate(docs)}
    by_share = sorted(range(len(docs)), key=lambda i: (-docs[i].removed_share, docs[i].order))
    order: list[int] = [index[id(d)] for d in summary.top_lost]
    for rule in summary.rules:
        order += [i for i in by_share if rule.key in docs[i].rule_keys][:PER_GROUP]
    for reason in summary.reasons:
        order += [i for i, d in enumerate(docs) if d.rejection and d.rejection["reason"] == reason.reason][:PER_GROUP]
    by_id = {d.id: i for i, d in enumerate(docs)}
    for cluster in summary.clusters[:PER_GROUP]:
        order += [by_id[m] for m in [cluster.keeper, *(m for m, _ in cluster.members)] if m in by_id]
    order += sorted(range(len(docs)), key=lambda i: stable_rank(docs[i].id))
    chosen: set[int] = set()
    used = reserve
    for i in order:
        if i in chosen:
            continue
        cost = text_bytes[i] + (0 if reserve else row_bytes[i])
        if used + cost <= max_bytes:
            chosen.add(i)
            used += cost
    listed = set(range(len(docs))) if reserve else set(chosen)
    return Sampling(chosen, listed, used - reserve, max_bytes)


def build_payload(out: Output, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-ready data."""
    with without_gc():
        return _build_payload(out, max_bytes)


def _build_payload(out: Output, max_bytes: int) -> dict[str, Any]:
    summary = summarize(out)
    rule_index = {row.key: i for i, row in enumerate(summary.rules)}
    all_rows = [_row(doc, rule_index) for doc in out.docs]
    row_bytes = [len(json_for_script(row).encode()) + 1 for row in all_rows]
    text_bytes = [_json_size(doc) for doc in out.docs]
    sample = choose_sample(out, summary, row_bytes, text_bytes, max_bytes)
    rows = []
    for i, row in enumerate(all_rows):
        if i in sample.listed:
            row["seg"] = _segments(out.docs[i], rule_index) if i in sample.with_text else None
            rows.append(row)
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
        "clusters": [{"keeper": c.keeper, "members": c.members} for c in summary.clusters],
        "top": [d.id for d in summary.top_lost],
        "keep_stages": keep_pattern_stages(config),
        "sampling": {
            "docs_total": len(out.docs),
            "docs_listed": len(sample.listed),
            "docs_with_text": len(sample.with_text),
            "text_bytes": sample.text_bytes,
            "budget_bytes": sample.budget,
            "per_group": PER_GROUP,
        },
        "problems": out.problems[:200] + summary.mismatches,
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
