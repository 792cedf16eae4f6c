"""``corpuskit report``, ``corpuskit diff`` and ``corpuskit stats``: review a run from its output files.

The lead registers ``COMMANDS`` on the ``corpuskit`` click group; nothing here re-cleans anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from corpuskit.report import DEFAULT_MAX_BYTES, FORMATS, render, save
from corpuskit.report.load import Output, load_output
from corpuskit.report.terminal import diff_renderable, stats_renderable

_OUT = click.argument("out_dir", metavar="OUT", type=click.Path(exists=True, file_okay=False, path_type=Path))


def _load(out_dir: Path) -> Output:
    try:
        return load_output(out_dir)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@_OUT
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="html", show_default=True,
              help="html: one offline page; md: markdown; text: plain text.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write it (default OUT/report.html, .md or .txt); '-' prints it.")
@click.option("--max-mb", type=float, default=DEFAULT_MAX_BYTES / 1e6, show_default=True,
              help="HTML only: embed at most this many MB of document text, sampling beyond it.")
def report(out_dir: Path, fmt: str, output: Path | None, max_mb: float) -> None:
    """Write the review report of the run in OUT, without cleaning again."""
    max_bytes = int(max_mb * 1e6)
    with _load(out_dir) as out:
        if output is not None and str(output) == "-":
            sys.stdout.write(render(out, fmt, max_bytes))
            return
        click.echo(str(save(out, fmt, max_bytes, dest=output)))


@click.command()
@_OUT
@click.argument("doc_id")
@click.option("--context", "-U", type=int, default=3, show_default=True, help="Unchanged lines around each change.")
@click.option("--rules/--no-rules", default=True, show_default=True, help="Name the rule after each removed line.")
def diff(out_dir: Path, doc_id: str, context: int, rules: bool) -> None:
    """Coloured unified diff of DOC_ID's base text against its kept text."""
    with _load(out_dir) as out:
        try:
            renderable = diff_renderable(out, doc_id, context, rules)
        except KeyError as exc:
            raise click.ClickException(exc.args[0]) from exc
    Console(highlight=False, soft_wrap=True).print(renderable)


@click.command()
@_OUT
def stats(out_dir: Path) -> None:
    """Per-rule table of removed characters (and rejections by reason) for the run in OUT."""
    with _load(out_dir) as out:
        Console(highlight=False).print(stats_renderable(out))


COMMANDS = [report, diff, stats]
