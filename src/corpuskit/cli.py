"""The ``corpuskit`` command: a thin shell over the library.

Exit codes: 0 success; 1 the run finished but some inputs could not be read; 2 bad usage or config.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from corpuskit import __version__
from corpuskit.config import Config, find_config
from corpuskit.options import ConfigError
from corpuskit.progress import progress_reporter
from corpuskit.runner import clean_to_dir


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="corpuskit")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Turn scraped web articles into a clean, deduplicated, provenance-tagged corpus."""
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("corpuskit: %(message)s"))
    handler.setLevel(level)  # also for libraries that set their own loggers' levels (Dask: INFO)
    logging.basicConfig(level=level, handlers=[handler])


def _split_list(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _overrides(**flags: Any) -> dict[str, dict[str, Any]]:
    """CLI flags as config sections; a flag left unset does not override the config file."""
    sections: dict[str, dict[str, Any]] = {}
    run_flags = ("workers", "executor", "scheduler", "shard_size", "output_compression", "output_format")
    for name in run_flags:
        if flags[name] is not None:
            sections.setdefault("run", {})[name] = flags[name]
    if flags["scheduler"] and flags["executor"] is None:
        sections["run"]["executor"] = "dask"
    if flags["lang"]:
        sections.setdefault("language", {})["keep"] = _split_list(flags["lang"])
    if flags["threshold"] is not None:
        sections.setdefault("neardup", {})["threshold"] = flags["threshold"]
    if flags["no_dedup"]:
        sections.setdefault("neardup", {})["enabled"] = False
    if flags["index"]:
        sections.setdefault("neardup", {})["index_dir"] = flags["index"]
    if flags["disable_rule"]:
        sections.setdefault("boilerplate", {})["disabled_rules"] = _split_list(flags["disable_rule"])
    return sections


def load_config(config_path: str | None, **flags: Any) -> Config:
    config = find_config(config_path)
    sections = _overrides(**flags)
    disabled = sections.get("boilerplate", {}).get("disabled_rules")
    if disabled:
        sections["boilerplate"]["disabled_rules"] = [*config.boilerplate.disabled_rules, *disabled]
    return config.with_overrides(**sections) if sections else config


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False), help="corpuskit.toml to use.")
@click.option("-w", "--workers", type=click.IntRange(min=0), help="Processes for per-document stages (0: all cores).")
@click.option("--executor", type=click.Choice(["local", "dask"]), help="Where per-document stages run (default local).")
@click.option("--scheduler", help="Dask scheduler tcp://HOST:PORT; implies --executor dask.")
@click.option("--shard-size", type=click.IntRange(min=0), help="Kept documents per corpus file (0: one file).")
@click.option("--compression", "output_compression", type=click.Choice(["none", "gzip", "zstd"]), help="Output compression (default: gzip when sharded).")
@click.option("--output-format", type=click.Choice(["jsonl", "parquet"]), help="Corpus file format.")
@click.option("--lang", multiple=True, help="Keep only these languages (ISO codes, comma separated).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), help="Near-duplicate Jaccard threshold.")
@click.option("--no-dedup", is_flag=True, help="Skip near-duplicate detection.")
@click.option("--index", type=click.Path(file_okay=False), help="Near-duplicate index folder to extend.")
@click.option("--disable-rule", multiple=True, help="Boilerplate rule names to switch off.")
@click.option("--no-report", is_flag=True, help="Do not write report.html.")
@click.option("--resume", is_flag=True, help="Reuse what a killed run into OUT already finished (same config).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
def clean(
    inputs: tuple[str, ...], out_dir: str, config_path: str | None, no_report: bool, resume: bool, quiet: bool, **flags: Any
) -> None:
    """Clean INPUTS (files, folders or globs of .txt, .html, .jsonl, .jsonl.gz) into OUT."""
    try:
        config = load_config(config_path, **flags)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    with progress_reporter(enabled=not quiet) as on_document:
        summary = clean_to_dir(inputs, out_dir, config, on_document=on_document, report=not no_report, resume=resume)
    if not quiet:
        click.echo(f"{summary.line()} -> {out_dir}", err=True)
    if summary.unreadable:
        click.echo(f"corpuskit: {summary.unreadable} input(s) could not be read; see {out_dir}/rejected.jsonl", err=True)
        sys.exit(1)


def _register_report_commands() -> None:
    try:
        from corpuskit.report.commands import COMMANDS
    except ImportError:
        return
    for command in COMMANDS:
        main.add_command(command)


_register_report_commands()
