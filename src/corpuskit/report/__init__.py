"""Review what a cleaning run removed: an offline HTML page, markdown/text, and terminal views.

``write_report(out_dir)`` is called at the end of every ``corpuskit clean`` run; the click commands
in ``corpuskit.report.commands`` (``report``, ``diff``, ``stats``) re-render from the output files
without cleaning again.
"""

from __future__ import annotations

from pathlib import Path

from corpuskit.report.html import DEFAULT_MAX_BYTES, build_payload, render_html
from corpuskit.report.load import Output, load_output
from corpuskit.report.summary import anchor_for

__all__ = ["FORMATS", "DEFAULT_MAX_BYTES", "Output", "anchor_for", "load_output", "render", "save", "write_report"]

FORMATS = {"html": "report.html", "md": "report.md", "text": "report.txt"}


def render(out: Output, fmt: str = "html", max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The report for an already loaded output directory, as a string in ``fmt``."""
    if fmt == "html":
        return render_html(build_payload(out, max_bytes))
    if fmt in ("md", "text"):
        from corpuskit.report.text import render_text

        return render_text(out, markdown=fmt == "md")
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_report(
    out_dir: Path, fmt: str = "html", max_bytes: int = DEFAULT_MAX_BYTES, dest: Path | None = None
) -> Path:
    """Write ``OUT/report.html`` (or ``.md`` / ``.txt``) from the files of a run and return its path."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    with load_output(Path(out_dir)) as out:
        return save(out, fmt, max_bytes, dest)


def save(out: Output, fmt: str = "html", max_bytes: int = DEFAULT_MAX_BYTES, dest: Path | None = None) -> Path:
    """Render an already loaded run and write it atomically (to ``OUT/report.<ext>`` by default)."""
    text = render(out, fmt, max_bytes)
    target = Path(dest) if dest is not None else out.path / FORMATS[fmt]
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8", errors="replace")  # lone surrogates in md/text
    tmp.replace(target)  # atomic: a reviewer never opens a half-written report
    return target
