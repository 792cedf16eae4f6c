"""Helpers for the reliability tests (hypothesis strategies at the end): hostile input folders and output-folder checks."""

from __future__ import annotations

import gzip
import json
import os
import random
from pathlib import Path

from hypothesis import strategies as st

from corpuskit.config import Config
from corpuskit.document import Document

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"
BAD_FIXTURES = REPO / "fixtures" / "bad"

# Distinct English paragraphs with accented words, so decoding mistakes are visible in the text.
PARAGRAPHS = [
    "The café on the corner reopened this week after a long renovation. Its owner, a naïve but "
    "determined baker, said the résumé of the new chef had convinced the bank to lend them money.",
    "Residents of the old quarter gathered in the square on Sunday to protest against the plan to "
    "close the library. Many of them carried signs and spoke about how much the building meant to them.",
    "Engineers inspected the bridge after the storm and found cracks in two of the supports. The city "
    "council voted to close it to heavy traffic until repairs are finished later in the spring.",
    "A local school won a national prize for its science programme, which lets pupils build small "
    "weather stations and share their measurements with researchers at the university nearby.",
    "Farmers in the valley say the dry summer has cut their harvest by a third, and they are asking "
    "the regional government for help with the cost of water and feed for their animals this winter.",
    "The museum will show a collection of paintings that has not been seen in public for fifty years. "
    "Curators spent months cleaning the canvases and researching the history of each piece.",
]


def article(index: int) -> str:
    """A plausible, unique article body (three paragraphs) for input ``index``."""
    picks = [PARAGRAPHS[(index + k) % len(PARAGRAPHS)] for k in range(3)]
    return f"Report number {index} from our newsroom\n\n" + "\n\n".join(picks) + "\n"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def check_accounting(out: Path) -> dict:
    """Assert inputs = kept + rejected in total, per file, and in the output files; return the manifest."""
    manifest = json.loads((out / "manifest.json").read_text())
    counts = manifest["counts"]
    kept, rejected = read_jsonl(out / "corpus.jsonl"), read_jsonl(out / "rejected.jsonl")
    assert counts["documents_in"] == counts["kept"] + counts["rejected"]
    assert counts["kept"] == len(kept) and counts["rejected"] == len(rejected)
    files = manifest["files"]
    assert sum(f["documents"] for f in files.values()) == counts["documents_in"]
    for name, f in files.items():
        assert f["documents"] == f["kept"] + f["rejected"], name
    assert sum(counts["rejected_by_reason"].values()) == counts["rejected"]
    ids = [r["id"] for r in kept + rejected]
    assert len(ids) == len(set(ids)), "document ids must be unique"
    return manifest


def outputs_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("corpus.jsonl", "rejected.jsonl", "removed.jsonl")}


def build_bad_inputs(root: Path) -> dict[str, tuple[str, ...]]:
    """Write one input per hostile kind under ``root``; return file name -> acceptable outcomes.

    An outcome is ``"read.<reason>"`` for a rejection by the reader, or ``"text"`` when the input must
    get past the reader (kept, or rejected by a later stage with its decoded text)."""
    root.mkdir(parents=True, exist_ok=True)
    rng = random.Random(6)
    expect: dict[str, tuple[str, ...]] = {}

    def put(name: str, data: bytes, *outcomes: str) -> None:
        (root / name).write_bytes(data)
        expect[name] = outcomes

    put("empty.txt", b"", "read.empty")
    put("whitespace.txt", b"  \n\t\n \r\n\x0c  ", "read.empty")
    put("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(3000)), "read.binary")
    put("random.txt", bytes(rng.randrange(256) for _ in range(5000)), "read.binary")
    put("nul.txt", b"\0" * 4096, "read.binary")
    put("utf16-bom.txt", article(0).encode("utf-16"), "text")
    put("utf16le-nobom.txt", article(1).encode("utf-16-le"), "text")
    put("utf16be-nobom.txt", article(2).encode("utf-16-be"), "text")
    put("latin1.txt", (article(3) + "\n" + PARAGRAPHS[0]).encode("latin-1"), "text")
    put("cp1252.txt", ("\u201cQuoted\u201d \u2014 " + article(4)).encode("cp1252"), "text")
    put("mixed-utf8.txt", article(5).encode("utf-8") + "naïve café".encode("latin-1") + b" \xff\xc3(\n", "text")
    # a 200 MB single document: sparse, so it costs no disk; rejected by stat before any read
    with open(root / "huge.txt", "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    expect["huge.txt"] = ("read.too_large",)
    with open(root / "huge-line.jsonl", "wb") as fh:
        fh.write(b'{"text": "')
        fh.truncate(200 * 1024 * 1024)
    expect["huge-line.jsonl:1"] = ("read.too_large",)
    lines = [
        json.dumps({"id": "good-1", "text": article(6)}),
        "{not json at all",
        json.dumps({"id": "no-text", "body": "x"}),
        json.dumps({"id": "int-text", "text": 42}),
        json.dumps(["a", "list"]),
        "null",
        "",
        json.dumps({"id": "good-2", "text": article(7)}),
    ]
    put("malformed.jsonl", "\n".join(lines).encode())  # and no newline at the very end
    expect.pop("malformed.jsonl")
    expect.update({"malformed.jsonl:1": ("text",), "malformed.jsonl:2": ("read.malformed_json",),
                   "malformed.jsonl:3": ("read.missing_text",), "malformed.jsonl:4": ("read.text_not_string",),
                   "malformed.jsonl:5": ("read.not_an_object",), "malformed.jsonl:6": ("read.not_an_object",),
                   "malformed.jsonl:8": ("text",)})  # fmt: skip
    noise = [" ".join(f"{rng.getrandbits(40):x}" for _ in range(60)) for _ in range(30)]  # barely compressible
    body = "".join(json.dumps({"id": f"gz-{i}", "text": article(10 + i) + noise[i]}) + "\n" for i in range(30)).encode()
    packed = gzip.compress(body)
    (root / "truncated.jsonl.gz").write_bytes(packed[: len(packed) * 2 // 3])
    put("not-gzip.jsonl.gz", b"this is not gzip data\n", "read.bad_gzip")
    put("not-html.html", b"just a line of plain text\nand another, no tags at all", "read.html_no_text", "text")
    deep = b"<html><body>" + b"<div>" * 100_000 + b"deep text" + b"</div>" * 100_000 + b"</body></html>"
    put("deep.html", deep, "read.html_no_text", "read.html_error", "text")
    put("binary.html", b"\x89PNG\r\n\x1a\n" + b"\0" * 500, "read.binary")
    with open(root / "huge.html", "wb") as fh:
        fh.write(b"<html><body><p>")
        fh.truncate(60 * 1024 * 1024)
    expect["huge.html"] = ("read.too_large",)
    (root / "loop").mkdir()
    os.symlink("..", root / "loop" / "back")
    expect["loop/back"] = ("read.symlink_loop",)
    os.symlink("does-not-exist.txt", root / "dangling.txt")  # unreadable even for root
    expect["dangling.txt"] = ("read.unreadable",)
    if hasattr(os, "mkfifo"):  # a FIFO would block a naive open() forever
        os.mkfifo(root / "fifo.txt")
        expect["fifo.txt"] = ("read.not_a_file",)
    if os.geteuid() != 0:  # root reads a chmod 000 file anyway; the dangling link covers that case
        put("no-permission.txt", article(8).encode(), "read.unreadable")
        os.chmod(root / "no-permission.txt", 0)
    return expect


CLI = ["-c", "import sys; from corpuskit.cli import main; sys.argv[0] = 'corpuskit'; main()"]


# -- text strategies for the cleaning laws (test_laws, test_fuzz) ------------------------------
CONFIG = Config()
PER_DOCUMENT = [n for n in CONFIG.run.stages if n not in ("neardup", "site_repetition")]
FURNITURE = [
    "Share this article", "Facebook · Twitter · Email", "Subscribe now for just $1 a week", "Advertisement",
    "{{ article.byline }}", "%%AUTHOR%%", "Read more on: Politics, Economy, Europe", "Photo: Jane Doe/Reuters",
    "Back to top", "More from the newsroom", "12 comments", "Sign in to manage your profile", "Menu | Home | News",
]  # fmt: skip


def _real_lines() -> list[str]:
    lines = [line for p in PARAGRAPHS for line in p.split(". ")]
    if SEEDS.is_dir():
        for path in sorted(SEEDS.glob("*.txt")):
            lines += [line for line in path.read_text(encoding="utf-8").split("\n")]
    return lines


REAL = _real_lines()
line = st.one_of(st.sampled_from(REAL), st.sampled_from(FURNITURE), st.just(""), st.text(max_size=60))
articles = st.lists(line, max_size=40).map("\n".join)
mojibake = articles.map(lambda t: t.encode("utf-8").decode("cp1252", errors="ignore"))
any_str = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=300)  # surrogates too
texts = st.one_of(articles, mojibake, any_str, st.text(max_size=300))


def reconstruct(doc: Document) -> str:
    """Interleave the kept text with the removed spans by their offsets into the base."""
    out, kept, pos = [], iter(doc.text), 0
    for removal in doc.iter_removals():
        out.append("".join(next(kept) for _ in range(removal.start - pos)))
        out.append(removal.text)
        pos = removal.end
    out.append("".join(kept))
    return "".join(out)


