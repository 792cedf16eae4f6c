"""Markdown / text reports, the rich terminal views, and the click commands."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from rich.console import Console

from corpuskit.report import load_output, write_report
from corpuskit.report.commands import COMMANDS, diff, report, stats
from corpuskit.report.terminal import diff_renderable, stats_renderable
from corpuskit.report.text import fence, md_escape


def rendered(renderable) -> str:
    console = Console(record=True, width=250, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_markdown_report_has_counts_rules_and_every_removed_line(hand_out, kit):
    md = write_report(hand_out, "md").read_text(encoding="utf-8")
    manifest = json.loads((hand_out / "manifest.json").read_text())
    assert f"| documents in | {manifest['counts']['documents_in']} |" in md
    for key in manifest["removed_chars_by_rule"]:
        assert md_escape(key) in md
    for span in kit.read_jsonl(hand_out / "removed.jsonl"):
        for line in span["text"].strip("\n").split("\n"):
            if line.strip():
                assert f"- {line}" in md
    assert "too\\_few\\_words" in md and "disabled_rules" in md and "[boilerplate]" in md
    # hostile text sits only inside code fences: outside them no raw tag survives
    outside = re.sub(r"(`{3,})[^\n]*\n.*?\n\1", "", md, flags=re.S)
    outside = re.sub(r"(`+) .*? \1", "", outside)  # inline code spans (TOML snippets) are literal too
    assert "script" in outside and not re.search(r"(?<!\\)[<>]", outside)  # every < and > is escaped


def test_fence_outlasts_backticks_in_text():
    body = "a ``` b ```` c"
    fenced = fence(body)
    assert fenced.startswith("`````\n") and fenced.endswith("\n`````")


def test_text_report_is_plain(hand_out):
    text = write_report(hand_out, "text").read_text(encoding="utf-8")
    assert text.startswith("corpuskit report: out\n===")
    assert "| ---" not in text and "boilerplate.nav_menu" in text


def test_stats_lists_every_rule_and_reason(hand_out):
    text = rendered(stats_renderable(load_output(hand_out)))
    manifest = json.loads((hand_out / "manifest.json").read_text())
    for key, chars in manifest["removed_chars_by_rule"].items():
        assert re.search(re.escape(key) + r"\s+│\s+" + f"{chars:,}", text), key
    assert "too_few_words" in text and "near_duplicate" in text


def test_diff_names_rules_and_escapes_terminal_controls(hand_out, kit):
    out = load_output(hand_out)
    text = rendered(diff_renderable(out, "menu"))
    assert "-Home | News | Sport    # boilerplate.nav_menu" in text
    assert "-Share this article    # boilerplate.share_line" in text
    assert "+The council approved" not in text  # kept lines are context, not additions
    evil = rendered(diff_renderable(out, kit.EVIL_ID))
    assert "\x1b" not in evil and "\\x1b[31mred" in evil
    assert "[bold red]not markup[/]" in evil  # rich markup in the text prints as itself


def test_commands(hand_out, kit):
    assert [c.name for c in COMMANDS] == ["report", "diff", "stats"]
    runner = CliRunner()
    result = runner.invoke(report, [str(hand_out), "--format", "md"])
    assert result.exit_code == 0 and result.output.strip().endswith("report.md")
    result = runner.invoke(report, [str(hand_out), "--format", "text", "-o", "-"])
    assert result.exit_code == 0 and "Characters removed, by rule" in result.output
    result = runner.invoke(diff, [str(hand_out), "de/1"])
    assert result.exit_code == 0 and "-Startseite" in result.output
    result = runner.invoke(diff, [str(hand_out), "de_1"])
    assert result.exit_code == 1 and "no document 'de_1'" in result.output and "de/1" in result.output
    result = runner.invoke(stats, [str(hand_out)])
    assert result.exit_code == 0 and "boilerplate.nav_menu" in result.output
    small = runner.invoke(report, [str(hand_out), "--max-mb", "0.002"])
    assert small.exit_code == 0
    data = kit.page_data((hand_out / "report.html").read_text(encoding="utf-8"))
    assert data["sampling"]["docs_with_text"] < data["sampling"]["docs_total"]


def test_commands_are_registered_on_corpuskit(seeds_out):
    from corpuskit.cli import main

    result = CliRunner().invoke(main, ["stats", str(seeds_out)])
    assert result.exit_code == 0 and "Characters removed, by rule" in result.output
