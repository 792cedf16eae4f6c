"""Rebuilding base text from kept text + spans, anchors, and the config the report shows."""

from __future__ import annotations

import json

import tomllib

from corpuskit.config import Config
from corpuskit.document import Document
from corpuskit.report import anchor_for, load_output
from corpuskit.report.configtext import config_toml, keep_pattern_stages, switch_off_snippet
from corpuskit.report.load import Span, base_text, kept_text, reconstruct


def test_reconstruct_interleaves_kept_text_and_spans():
    doc = Document(text="Menu\nBody one.\nAd here\nBody two.\nFooter", id="x")
    lines = doc.kept_lines()
    doc.remove_lines("boilerplate", {0: "menu", 2: "ad", 4: "footer"}, lines)
    spans = [Span(r.stage, r.rule, r.start, r.end, r.text) for r in doc.removals]
    segments, problems = reconstruct(doc.text, spans)
    assert problems == []
    assert base_text(segments) == doc.base and kept_text(segments) == doc.text
    assert [s.rule for s in segments if s.rule] == [f"boilerplate.{r.rule}" for r in doc.iter_removals()]
    assert all(doc.base[s.start : s.start + len(s.text)] == s.text for s in segments)


def test_reconstruct_reports_inconsistent_spans():
    _, problems = reconstruct("abc", [Span("s", "r", 10, 12, "zz")])
    assert any("past the end" in p for p in problems)
    _, problems = reconstruct("abcdef", [Span("s", "r", 1, 3, "bc"), Span("s", "q", 2, 4, "cd")])
    assert any("overlaps" in p for p in problems)
    _, problems = reconstruct("abcdef", [Span("s", "r", 1, 3, "bcd")])
    assert any("has 3 chars" in p for p in problems)


def test_anchors_are_safe_stable_and_distinct():
    ids = ["a_b", "a/b", "a_2f_b", "a b", "A b", "é", "</script>", "#top", "", "doc-1", "doc_1"]
    anchors = [anchor_for(i) for i in ids]
    assert len(set(anchors)) == len(ids)
    assert all(a.startswith("doc-") and set(a[4:]) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
               for a in anchors)
    assert anchor_for("seed-01.txt") == "doc-seed-01.txt"  # readable ids stay readable


def test_config_toml_reproduces_the_run_config(hand_out):
    manifest = json.loads((hand_out / "manifest.json").read_text())
    text = config_toml(manifest["config"])
    again = Config.from_mapping(tomllib.loads(text))
    assert again.digest() == manifest["config_sha256"]


def test_config_toml_round_trips_awkward_values():
    config = Config.from_mapping({"boilerplate": {"keep_patterns": ['^"Quote" \\d+$', "a'b", "tab\there"],
                                                  "disabled_rules": ["x.y", "ümlaut"]}})
    again = Config.from_mapping(tomllib.loads(config_toml(config.to_dict())))
    assert again == config


def test_switch_off_snippets_follow_each_stage_options():
    config = Config.from_mapping({"boilerplate": {"disabled_rules": ["cookie_notice"]}}).to_dict()
    snippet = switch_off_snippet("boilerplate", "nav_menu", config)
    assert tomllib.loads(snippet) == {"boilerplate": {"disabled_rules": ["cookie_notice", "nav_menu"]}}
    assert tomllib.loads(switch_off_snippet("quality", "too_few_words", config)) == {
        "quality": {"disabled": ["too_few_words"]}}
    assert tomllib.loads(switch_off_snippet("repetition", "repeated_line", config)) == {
        "repetition": {"enabled": False}}
    for stage, rule in (("boilerplate", "nav_menu"), ("quality", "too_few_words"), ("repetition", "repeated_line")):
        Config.from_mapping({**tomllib.loads(switch_off_snippet(stage, rule, config))})  # a valid corpuskit.toml
    assert "boilerplate" in keep_pattern_stages(config)


def test_every_rule_in_the_report_has_a_working_switch(seeds_out):
    from corpuskit.report.summary import summarize

    summary = summarize(load_output(seeds_out))
    assert summary.rules
    for row in summary.rules + summary.reasons:
        Config.from_mapping(tomllib.loads(row.snippet))
