"""Rule packs: furniture wordings kept as data (TOML) per language, compiled once per options object.

A pack is a TOML file with ``[rules.NAME]`` tables (see ``rules/common.toml``). Rules of the same name
in several packs are merged, so ``disabled_rules = ["cookie_notice"]`` switches the rule off in every
language at once. Matching costs one regex search per line: the rules are joined into one alternation
of named groups, one alternation per word-count limit, so a line only meets the rules that allow its
length.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import tomllib

from corpuskit.options import ConfigError

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
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"rule {name!r} in {where}: bad pattern {pattern!r}: {exc}") from exc
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
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"extra pattern {name!r}: {exc}") from exc
        add(Rule(name=name, category="user", action="drop", max_words=0, patterns=(_scoped(pattern, True),)))
    return list(merged.values())


class RuleMatcher:
    """Finds the rule that fires on a line, honouring each rule's word limit.

    The rules' patterns are joined into three alternations, so one to three regex calls decide a
    line (the single patterns are only tried to name the rule once a joined one has matched):
    patterns anchored at the line start (``^...``) are tried at position 0 only; the other
    case-insensitive patterns run case-sensitively on the lower-cased line with their leading
    ``\\b`` checked by hand (this lets the regex engine skip ahead by first character, about three
    times faster than ``re.IGNORECASE``); the few case-sensitive ones run on the line as it is.
    When the rule found does not allow a line that long, the rules that do are tried one by one
    (rare: a long line that contains a short prompt's wording).
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = [r for r in rules if r.patterns]
        # (rule, needs a word boundary before the match, compiled pattern) for each kind of pattern
        anchored: list[tuple[Rule, bool, str]] = []
        lowered: list[tuple[Rule, bool, str]] = []
        exact: list[tuple[Rule, bool, str]] = []
        for rule in self.rules:
            for pattern in rule.patterns:
                if pattern.startswith("^"):
                    anchored.append((rule, False, pattern[1:]))
                elif _lowerable(pattern):
                    body = pattern[4:-1]  # strip the "(?i:...)" scope added by _scoped
                    boundary = body.startswith(r"\b")
                    lowered.append((rule, boundary, body[2:] if boundary else body))
                else:
                    exact.append((rule, False, pattern))
        self._kinds = [self._prepare(kind) for kind in (anchored, lowered, exact)]
        # a line is only searched for the rules whose max_words allows its length: one alternation
        # per distinct limit (most of the time goes into searching long lines with a long alternation)
        limits = sorted({r.max_words for r, _, _ in lowered if r.max_words})
        self._limits = limits
        self._lowered_by_limit = [
            self._prepare([e for e in lowered if not e[0].max_words or e[0].max_words >= limit])
            for limit in limits
        ] + [self._prepare([e for e in lowered if not e[0].max_words])]
        # naming the rule of an anchored hit (frequent: navigation labels) in one call
        self._anchored_rules = [rule for rule, _, _ in anchored]
        self._anchored_named = (
            re.compile("|".join(f"(?P<a{k}>{p})" for k, (_, _, p) in enumerate(anchored)))
            if anchored
            else None
        )
        self._single = [(rule, [re.compile(p) for p in rule.patterns]) for rule in self.rules]

    @staticmethod
    def _prepare(
        patterns: list[tuple[Rule, bool, str]],
    ) -> tuple[re.Pattern[str] | None, list[tuple[Rule, bool, re.Pattern[str]]]]:
        """One non-capturing alternation to find a match fast (capturing groups would make the
        regex engine give up its first-character skipping), and the patterns to name its rule."""
        if not patterns:
            return None, []
        joined = re.compile("|".join(f"(?:{p})" for _, _, p in patterns))
        return joined, [(rule, boundary, re.compile(p)) for rule, boundary, p in patterns]

    def match(self, line: str, words: int) -> Rule | None:
        found = self._find(line, words)
        if found is None or not found.max_words or words <= found.max_words:
            return found
        for rule, patterns in self._single:
            if (not rule.max_words or words <= rule.max_words) and any(p.search(line) for p in patterns):
                return rule
        return None

    def _find(self, line: str, words: int = 0) -> Rule | None:
        (anchored, anchored_list), (lowered, lowered_list), (exact, exact_list) = self._kinds
        if words:
            lowered, lowered_list = self._lowered_by_limit[bisect.bisect_left(self._limits, words)]
        if anchored is not None and anchored.match(line) and self._anchored_named is not None:
            named = self._anchored_named.match(line)
            if named is not None and named.lastgroup:
                return self._anchored_rules[int(named.lastgroup[1:])]
        if lowered is not None:
            low = line.lower()
            pos = 0
            while (hit := lowered.search(low, pos)) is not None:
                start = hit.start()
                before_ok = start == 0 or not _is_word_char(low[start - 1])
                for rule, boundary, pattern in lowered_list:
                    if (before_ok or not boundary) and pattern.match(low, start):
                        return rule
                pos = start + 1
        if exact is not None:
            hit = exact.search(line)
            if hit is not None:
                for rule, _, pattern in exact_list:
                    if pattern.match(line, hit.start()):
                        return rule
        return None


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _lowerable(pattern: str) -> bool:
    """A case-insensitive pattern with no upper-case letter of its own can run on lower-cased text."""
    if not (pattern.startswith("(?i:") and pattern.endswith(")")) or "(?-i" in pattern:
        return False
    escaped = False
    for char in pattern[4:-1]:
        if escaped:
            escaped = False
            continue
        if char == "\\":
            escaped = True
        elif char.isupper():
            return False
    return True
