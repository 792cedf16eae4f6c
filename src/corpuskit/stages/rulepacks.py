"""Rule packs: furniture wordings kept as data (TOML) per language, compiled once per options object.

A pack is a TOML file with ``[rules.NAME]`` tables (see ``rules/common.toml``). Rules of the same name
in several packs are merged, so ``disabled_rules = ["cookie_notice"]`` switches the rule off in every
language at once. Matching lines against the rules is ``rulematch.RuleMatcher``'s job.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import tomllib

from corpuskit.options import ConfigError
from corpuskit.stages import regexinfo

ACTIONS = ("drop", "end", "final")


@dataclass(frozen=True, slots=True)
class Rule:
    """One named furniture rule: ``action`` is "drop" (the line goes) or "end" (it also ends the article)."""

    name: str
    category: str
    action: str
    max_words: int  # 0: any length
    patterns: tuple[str, ...]
    ignore_case: bool = True
    on_extracted: bool = True  # also applies to an HTML extractor's output (page-layout rules do not)


def builtin_pack_text(name: str) -> str:
    """The text of a pack or stopword file shipped in ``corpuskit/rules``."""
    return resources.files("corpuskit").joinpath("rules", name).read_text(encoding="utf-8")


def builtin_packs() -> list[str]:
    """Names of the rule packs shipped with corpuskit (``common``, ``en``, ...)."""
    folder = resources.files("corpuskit").joinpath("rules")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def parse_pack(text: str, where: str) -> list[Rule]:
    """Rules of one pack; errors name the pack and the rule."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"rule pack {where} is not valid TOML: {exc}") from exc
    rules = []
    for name, table in (data.get("rules") or {}).items():
        action = table.get("action", "drop")
        if action not in ACTIONS:
            raise ConfigError(f"rule {name!r} in {where}: action must be one of {ACTIONS}")
        ignore_case = bool(table.get("ignore_case", True))
        patterns = tuple(table.get("patterns") or ())
        for pattern in patterns:
            problem = pattern_problem(pattern)
            if problem:
                raise ConfigError(f"rule {name!r} in {where}: bad pattern {pattern!r}: {problem}")
        patterns = tuple(_scoped(p, ignore_case) for p in patterns)
        rules.append(
            Rule(
                name=name,
                category=str(table.get("category", name)),
                action=action,
                max_words=int(table.get("max_words", 0)),
                patterns=patterns,
                ignore_case=ignore_case,
                on_extracted=bool(table.get("on_extracted", True)),
            )
        )
    return rules


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be a rule pattern, or None. Patterns are joined into alternations
    (see ``rulematch``), so a group name or a back-reference would clash with other patterns'."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return str(exc)
    if compiled.groupindex:
        return "named groups (?P<name>...) are not allowed: patterns are joined into one regex; use (?:...)"
    if compiled.groups and regexinfo.has_backreference(pattern):
        return "back-references are not allowed: patterns are joined into one regex"
    return None


def _scoped(pattern: str, ignore_case: bool) -> str:
    """The pattern with its case flag inside it, so rules merged across packs keep their own flags."""
    flag = "i" if ignore_case else "-i"
    if pattern.startswith("^"):
        return f"^(?{flag}:{pattern[1:]})"
    return f"(?{flag}:{pattern})"


def load_rules(
    packs: Iterable[str], pack_files: Iterable[str] = (), extra_patterns: Mapping[str, str] | None = None
) -> list[Rule]:
    """Built-in packs by name, then user pack files, then single user patterns; same names merge."""
    merged: dict[str, Rule] = {}

    def add(rule: Rule) -> None:
        old = merged.get(rule.name)
        if old is None:
            merged[rule.name] = rule
        else:  # same rule in another language: keep the first's settings, add the wordings
            merged[rule.name] = Rule(
                old.name,
                old.category,
                old.action,
                max(old.max_words, rule.max_words) if old.max_words and rule.max_words else 0,
                old.patterns + rule.patterns,
                old.ignore_case,
                old.on_extracted,
            )

    for name in packs:
        try:
            text = builtin_pack_text(f"{name}.toml")
        except FileNotFoundError as exc:
            raise ConfigError(f"unknown rule pack {name!r}; shipped: {', '.join(builtin_packs())}") from exc
        for rule in parse_pack(text, f"{name}.toml"):
            add(rule)
    for path in pack_files:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read rule pack {path}: {exc.strerror}") from exc
        for rule in parse_pack(text, str(path)):
            add(rule)
    for name, pattern in (extra_patterns or {}).items():
        problem = pattern_problem(pattern)
        if problem:
            raise ConfigError(f"extra pattern {name!r}: {problem}")
        add(Rule(name=name, category="user", action="drop", max_words=0, patterns=(_scoped(pattern, True),)))
    return list(merged.values())
