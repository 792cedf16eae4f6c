"""Output directories for the report tests: one written by hand (every case the contract allows, and
hostile text), one from the real ``corpuskit clean`` on the seeds, one from ``clean`` on hostile input.

The helpers reach the tests through the ``kit`` fixture (pytest runs with ``--import-mode=importlib``,
so a test module cannot import a sibling helper module)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from corpuskit.config import Config
from corpuskit.document import Document

# Text that would run script or break out of markup if any of it reached the page unescaped.
PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '</textarea><img src=x onerror="window.__pwned = 2">',
    '" onerror="window.__pwned = 3" x="',
    "</script><script>window.__pwned = 4</script>",
    "<!-- <script>window.__pwned = 5</script> -->",
    "line\u2028separator\u2029paragraph &amp; &lt;b&gt;",
    "```\n[bold red]not markup[/] \x1b[31mred\x1b[0m",
]
EVIL_ID = 'evil</script><script>window.__pwned = 6</script>"><img src=x onerror=window.__pwned=7>_#1'

BODY = (
    "The council approved the new budget on Tuesday after a long debate about school funding and roads.\n\n"
    "Members said the plan would raise spending on public transport by a fifth over the next three years.\n\n"
    "Opponents argued that the city could not afford the new bus lines without raising local taxes again."
)


def write_output(out: Path, docs: list[Document], config: Config | None = None) -> Path:
    """Write the four files of the output contract for ``docs`` (kept and rejected)."""
    config = config or Config()
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, Any] = {"documents_in": len(docs), "kept": 0, "rejected": 0, "unreadable": 0,
                              "rejected_by_reason": {}, "chars_in": 0, "chars_out": 0, "chars_removed": 0}
    by_rule: dict[str, int] = {}
    stages: dict[str, dict[str, Any]] = {}
    with (out / "corpus.jsonl").open("w", encoding="utf-8") as corpus, \
         (out / "rejected.jsonl").open("w", encoding="utf-8") as rejected, \
         (out / "removed.jsonl").open("w", encoding="utf-8") as removed:
        for doc in docs:
            base = doc.base if doc.base is not None else doc.text
            counts["chars_in"] += len(base)
            for r in doc.iter_removals():
                removed.write(json.dumps({"id": doc.id, "source": doc.source, "stage": r.stage, "rule": r.rule,
                                          "start": r.start, "end": r.end, "text": r.text}) + "\n")
                key = f"{r.stage}.{r.rule}"
                by_rule[key] = by_rule.get(key, 0) + r.end - r.start
                stage = stages.setdefault(r.stage, {"docs": 0, "rejected": 0, "chars_removed": 0, "seconds": 0.01, "reasons": {}})
                stage["chars_removed"] += r.end - r.start
                counts["chars_removed"] += r.end - r.start
            if doc.rejection is None:
                counts["kept"] += 1
                counts["chars_out"] += len(doc.text)
                meta = {**doc.metadata, "source": doc.source}
                corpus.write(json.dumps({"id": doc.id, "text": doc.text, "metadata": meta}) + "\n")
            else:
                rej = doc.rejection
                counts["rejected"] += 1
                counts["rejected_by_reason"][rej.reason] = counts["rejected_by_reason"].get(rej.reason, 0) + 1
                stage = stages.setdefault(rej.stage, {"docs": 0, "rejected": 0, "chars_removed": 0, "seconds": 0.01, "reasons": {}})
                stage["rejected"] += 1
                rejected.write(json.dumps({
                    "id": doc.id, "source": doc.source, "stage": rej.stage, "reason": rej.reason, "value": rej.value,
                    "duplicate_of": rej.duplicate_of, "similarity": rej.similarity, "text": doc.text,
                    "metadata": doc.metadata}) + "\n")
    manifest = {"corpuskit_version": "test", "config": config.to_dict(), "config_sha256": config.digest(),
                "counts": counts, "removed_chars_by_rule": by_rule, "files": {}, "stages": stages, "versions": {}}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


def remove_matching(doc: Document, stage: str, rule: str, pattern: str) -> None:
    """Remove every kept line that matches ``pattern`` (the way line-based stages do)."""
    rx = re.compile(pattern)
    lines = doc.kept_lines()
    doc.remove_lines(stage, {i: rule for i, line in enumerate(lines) if rx.search(line.text)}, lines)


def hand_docs() -> list[Document]:
    """Kept, trimmed, rejected, near-duplicate, unreadable and hostile documents."""
    plain = Document(text=BODY, id="plain", source="in/plain.txt", metadata={"language": "en"})
    menu = Document(text="Home | News | Sport\n\n" + BODY + "\n\nShare this article\nCookie settings",
                    id="menu", source="in/menu.txt", metadata={"language": "en", "title": "Budget passes"})
    remove_matching(menu, "boilerplate", "nav_menu", r"\|")
    remove_matching(menu, "boilerplate", "share_line", r"^Share|^Cookie")
    german = Document(text="Startseite\n\nDer Rat hat am Dienstag den neuen Haushalt nach langer Debatte beschlossen.",
                      id="de/1", source="in/de.txt", metadata={"language": "de"})
    remove_matching(german, "boilerplate", "nav_menu", r"^Startseite$")
    hostile_text = "\n\n".join(f"{p} kept {i}" for i, p in enumerate(PAYLOADS)) + "\n\n" + "\n".join(
        f"{p} removed {i}" for i, p in enumerate(PAYLOADS))
    hostile = Document(text=hostile_text, id=EVIL_ID, source='in/"evil".txt', metadata={"language": "en"})
    remove_matching(hostile, "boilerplate", "<b>tag-rule</b>", r"removed \d$")
    short = Document(text="Subscribe now\nToo short.", id="short", source="in/short.txt", metadata={"language": "en"})
    remove_matching(short, "boilerplate", "share_line", r"^Subscribe")
    short.reject("quality", "too_few_words", value=2.0)
    copy = Document(text=BODY + "\nExtra line.", id="copy", source="in/copy.txt", metadata={"language": "en"})
    copy.reject("neardup", "near_duplicate", duplicate_of="plain", similarity=0.91)
    plain.metadata["dup_cluster"] = "plain"
    unreadable = Document(text="", id="broken.bin", source="in/broken.bin")
    unreadable.reject("read", "undecodable")
    return [plain, menu, german, hostile, short, copy, unreadable]


@pytest.fixture
def hand_out(tmp_path: Path) -> Path:
    config = Config.from_mapping({"boilerplate": {"disabled_rules": ["already_off"]}})
    return write_output(tmp_path / "out", hand_docs(), config)


@pytest.fixture(scope="session")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real pipeline on the repository's seeds (writes report.html through write_report)."""
    from corpuskit.runner import clean_to_dir

    seeds = Path(__file__).resolve().parents[2] / "seeds"
    out = tmp_path_factory.mktemp("seeds") / "out"
    clean_to_dir([str(seeds)], out)
    return out


@pytest.fixture(scope="session")
def hostile_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real pipeline on a JSONL input whose ids and texts are hostile."""
    from corpuskit.runner import clean_to_dir

    base = tmp_path_factory.mktemp("hostile")
    records = []
    for i, payload in enumerate(PAYLOADS):
        text = f"{payload}\n\n{BODY}\n\n{{{{template {i}}}}} {payload}\n\n{payload} closing words number {i}."
        records.append({"id": f"{EVIL_ID}-{i}", "text": text})
    src = base / "hostile.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = base / "out"
    clean_to_dir([str(src)], out)
    return out


def site_docs(n: int, paragraphs: int = 1, reject_every: int = 10) -> list[Document]:
    """``n`` pages of one site: a menu, the body (``paragraphs`` numbered copies of each of its
    paragraphs), a share line and a cookie line, the three removed; every ``reject_every``-th
    document rejected as too short."""
    lines = BODY.split("\n\n")
    docs = []
    for i in range(n):
        body = "\n\n".join(f"{line} ({i}, {j})" for j in range(paragraphs) for line in lines)
        doc = Document(text=f"Home | News | {i}\n\n{body}\n\nShare this\nCookie settings {i}", id=f"site/{i:05d}",
                       source=f"in.jsonl:{i}", metadata={"language": "en"})
        ls = doc.kept_lines()
        doc.remove_lines("boilerplate", {0: "nav_menu", len(ls) - 2: "share_line", len(ls) - 1: "cookie"}, ls)
        if i % reject_every == 0:
            doc.reject("quality", "too_few_words", value=3.0)
        docs.append(doc)
    return docs


def cluster_docs() -> list[Document]:
    """Two near-duplicate clusters: "a" kept with one dropped copy, "b" with two."""
    docs = [Document(text=BODY + f"\nKept {name}.", id=name, source=f"in/{name}.txt") for name in ("a", "b")]
    for i, keeper in enumerate(["a", "b", "b"]):
        copy = Document(text=BODY + f"\nCopy {i}.", id=f"copy{i}", source=f"in/copy{i}.txt")
        copy.reject("neardup", "near_duplicate", duplicate_of=keeper, similarity=0.9)
        docs.append(copy)
    return docs


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def page_data(html: str) -> dict:
    """The JSON block of a report page, parsed as the browser would."""
    start = html.index('<script type="application/json" id="report-data">') + len(
        '<script type="application/json" id="report-data">')
    return json.loads(html[start : html.index("</script>", start)])


@pytest.fixture
def kit() -> SimpleNamespace:
    """The helpers and payloads above, for test modules."""
    return SimpleNamespace(PAYLOADS=PAYLOADS, EVIL_ID=EVIL_ID, BODY=BODY, write_output=write_output,
                           read_jsonl=read_jsonl, page_data=page_data, hand_docs=hand_docs, site_docs=site_docs,
                           cluster_docs=cluster_docs)
