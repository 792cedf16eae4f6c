"""Score corpuskit's cleaning on the article-extraction benchmark, next to trafilatura, in one run.

    python benchmarks/evaluate.py [--bench ../shared/bench] [--out OUT] [--repeat 3] [--stages ...]

Rows (all measured in this run, on the same pages, with the benchmark's own scorer):

* ``corpuskit-text``: ``corpuskit clean`` on ``scraped/`` (plain-text path);
* ``corpuskit-html``: ``corpuskit clean`` on ``html/`` (trafilatura extraction, then the same line
  cleaning);
* ``trafilatura-html``: ``trafilatura.extract()`` alone on the HTML, defaults;
* ``trafilatura-html-precision``: the same with ``favor_precision=True``;
* ``trafilatura-html-nocomments``: the same with ``include_comments=False`` (corpuskit's reader setting,
  so the corpuskit-html row minus this row is what the line cleaning adds).

Scores come from ``score.py --json`` for the dev, test and all splits (tune on dev, report test).
ms/page is the time of the per-page work alone (no I/O, no scoring), single-threaded, after one
untimed warm-up page, fastest of ``--repeat`` passes (interleaved across the systems, each with
fresh stages): for corpuskit the configured stages (and, on the HTML path, corpuskit's trafilatura
extraction), for trafilatura its ``extract()`` call.
When the ``corpuskit`` command is not installed, the corpuskit rows are written by the library.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = ROOT.parent / "shared" / "bench"
DEFAULT_STAGES = ("normalize", "boilerplate", "repetition")
SPLITS = ("dev", "test", "all")


def load_pages(data: Path) -> list[dict]:
    """Pages in pages.jsonl order, with their scraped text and decoded HTML."""
    pages = []
    for line in (data / "pages.jsonl").read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        raw = gzip.decompress((data / "html" / f"{page['id']}.html.gz").read_bytes())
        page["html"] = raw.decode("utf-8", errors="replace")
        page["scraped"] = (data / "scraped" / f"{page['id']}.txt").read_text(encoding="utf-8")
        pages.append(page)
    return pages


Worker = Callable[[dict], str]


def fastest(
    systems: dict[str, Callable[[], Worker]], pages: list[dict], repeat: int
) -> dict[str, tuple[dict[str, str], float]]:
    """Per system: outputs per page id and the mean ms/page of its fastest pass.

    The passes are interleaved (every system's first pass, then every system's second, ...), so a
    machine that slows down or speeds up during the run affects every system alike. Every pass gets
    a fresh worker from the system's factory: corpuskit's stages remember line features and rule
    hits, and a second pass over the same pages would time the cache, not the cleaning.
    """
    for make in systems.values():
        make()(dict(pages[0]))  # untimed warm-up: imports
    best = dict.fromkeys(systems, float("inf"))
    outputs: dict[str, dict[str, str]] = {name: {} for name in systems}
    for _ in range(max(1, repeat)):
        for name, make in systems.items():
            work = make()
            elapsed = 0.0
            for page in pages:
                started = time.perf_counter()
                text = work(page)
                elapsed += time.perf_counter() - started
                outputs[name][page["id"]] = text
            best[name] = min(best[name], elapsed)
    return {name: (outputs[name], 1000 * best[name] / len(pages)) for name in systems}


def write_folder(folder: Path, outputs: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for page_id, text in outputs.items():
        (folder / f"{page_id}.txt").write_text(text, encoding="utf-8")
    return folder


def score(bench: Path, prediction: Path, work: Path) -> dict:
    """dev/test/all numbers from the benchmark's scorer."""
    report = work / f"score-{prediction.parent.name}-{prediction.name}.json"
    subprocess.run(
        [sys.executable, str(bench / "score.py"), str(prediction), "--json", str(report)],
        check=True,
        capture_output=True,
    )
    return json.loads(report.read_text())["results"]


def corpuskit_workers(stages: tuple[str, ...]) -> tuple[Callable[[dict], str], Callable[[dict], str]]:
    """Per-page functions for the text and HTML paths, built from the library like the CLI does."""
    from corpuskit.config import Config
    from corpuskit.document import Document
    from corpuskit.html import HtmlOptions, html_to_document
    from corpuskit.pipeline import build_stage

    config = Config.from_mapping({"run": {"stages": list(stages)}})
    built = [build_stage(name, config) for name in stages]
    html_options = HtmlOptions.from_read(config.read)

    def clean(doc: Document) -> str:
        for stage in built:
            stage.run_one(doc)
        return "" if doc.rejected else doc.text

    def text_path(page: dict) -> str:
        return clean(Document(text=page["scraped"], id=page["id"], source=f"scraped/{page['id']}.txt"))

    def html_path(page: dict) -> str:
        doc = html_to_document(page["html"], page["id"], f"html/{page['id']}.html.gz", "", html_options)
        return "" if doc.rejected else clean(doc)

    return text_path, html_path


def run_cli(inputs: Path, out: Path, config: Path) -> Path:
    """``corpuskit clean INPUTS --out OUT`` with the benchmark config; returns corpus.jsonl."""
    command = ["corpuskit", "clean", str(inputs), "--out", str(out), "-c", str(config), "--no-report", "-q"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return out / "corpus.jsonl"


def table(rows: list[tuple[str, dict, float | None]]) -> str:
    head = "| system | " + " | ".join(f"{s} F1 | {s} P | {s} R | {s} empty" for s in SPLITS) + " | ms/page |"
    lines = [head, "|" + "---|" * (2 + 4 * len(SPLITS))]
    for name, results, ms in rows:
        cells = []
        for split in SPLITS:
            r = results[split]
            cells += [f"{r['f1']:.4f}", f"{r['precision']:.4f}", f"{r['recall']:.4f}", str(r["empty"])]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {'-' if ms is None else f'{ms:.1f}'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH, help="the shared/bench folder")
    parser.add_argument("--out", type=Path, help="keep every system's output here (default: a temp dir)")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; ms/page is the fastest")
    parser.add_argument("--stages", default=",".join(DEFAULT_STAGES), help="corpuskit stages to run")
    args = parser.parse_args(argv)
    data = args.bench / "article-extraction"
    if not (data / "pages.jsonl").is_file():
        print(f"benchmark not found at {args.bench}", file=sys.stderr)
        return 2
    import trafilatura

    work = args.out or Path(tempfile.mkdtemp(prefix="corpuskit-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    stages = tuple(s.strip() for s in args.stages.split(",") if s.strip())
    pages = load_pages(data)
    baselines = {
        "trafilatura-html": {},
        "trafilatura-html-precision": {"favor_precision": True},
        "trafilatura-html-nocomments": {"include_comments": False},  # what corpuskit's reader uses
    }
    systems: dict[str, Callable[[], Worker]] = {
        "corpuskit-text": lambda: corpuskit_workers(stages)[0],
        "corpuskit-html": lambda: corpuskit_workers(stages)[1],
    }
    for name, kwargs in baselines.items():
        systems[name] = lambda kw=kwargs: lambda page: trafilatura.extract(page["html"], **kw) or ""
    timed = fastest(systems, pages, args.repeat)
    (text_out, text_ms), (html_out, html_ms) = timed["corpuskit-text"], timed["corpuskit-html"]
    rows: list[tuple[str, dict, float | None]] = []
    if shutil.which("corpuskit"):
        config = work / "corpuskit-bench.toml"
        config.write_text("[run]\nstages = [" + ", ".join(f'"{s}"' for s in stages) + "]\n", encoding="utf-8")
        text_pred = run_cli(data / "scraped", work / "corpuskit-text", config)
        html_pred = run_cli(data / "html", work / "corpuskit-html", config)
        how = "corpuskit clean (CLI)"
    else:
        text_pred = write_folder(work / "corpuskit-text", text_out)
        html_pred = write_folder(work / "corpuskit-html", html_out)
        how = "corpuskit library (the corpuskit command is not installed)"
    rows.append(("corpuskit-text", score(args.bench, text_pred, work), text_ms))
    rows.append(("corpuskit-html", score(args.bench, html_pred, work), html_ms))
    for name in baselines:
        outputs, ms = timed[name]
        rows.append((name, score(args.bench, write_folder(work / name, outputs), work), ms))
    print(
        f"corpuskit {how}; stages: {', '.join(stages)}; trafilatura {trafilatura.__version__}; {len(pages)} pages"
    )
    print(table(rows))
    print(f"outputs: {work}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
