"""A progress bar on stderr when it is a terminal; silent otherwise (logs and CI stay clean)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from corpuskit.document import Document


@contextmanager
def progress_reporter(enabled: bool = True) -> Iterator[Callable[[Document], None] | None]:
    """Yield a per-document callback that advances a rich progress display, or None."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (
        SpinnerColumn(),
        TextColumn("cleaning"),
        TextColumn("{task.completed:,} docs"),
        TextColumn("{task.fields[kept]:,} kept"),
        TextColumn("{task.fields[rejected]:,} rejected"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("clean", total=None, kept=0, rejected=0)
        counts = {"kept": 0, "rejected": 0}

        def advance(doc: Document) -> None:
            counts["rejected" if doc.rejected else "kept"] += 1
            progress.update(task, advance=1, **counts)

        yield advance
