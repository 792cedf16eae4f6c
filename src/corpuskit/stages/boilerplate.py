"""Boilerplate: decide, line by line, what is page furniture, with a named rule for every removal.

(First cut; the classifier proper is being built in issue 4.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from corpuskit.document import Document
from corpuskit.stages.base import DocumentStage


@dataclass(frozen=True)
class BoilerplateOptions:
    enabled: bool = True
    disabled_rules: tuple[str, ...] = ()  # rule names never applied
    extra_patterns: dict[str, str] = field(default_factory=dict)  # rule name -> regex (whole line)
    keep_patterns: tuple[str, ...] = ()  # a line matching any of these is never removed


_TEMPLATE = re.compile(r"\{\{[^{}]*\}\}|%%[^%]+%%")


def classify_lines(
    lines: Sequence[str], language: str | None = None, options: BoilerplateOptions = BoilerplateOptions()
) -> list[str | None]:
    """For each line, the rule that marks it furniture, or None to keep it."""
    keep = [re.compile(p) for p in options.keep_patterns]
    extra = {name: re.compile(p, re.I) for name, p in options.extra_patterns.items()}
    out: list[str | None] = []
    for line in lines:
        rule = None
        if line.strip() and not any(k.search(line) for k in keep):
            if _TEMPLATE.search(line) and "template" not in options.disabled_rules:
                rule = "template"
            for name, rx in extra.items():
                if rule is None and name not in options.disabled_rules and rx.search(line):
                    rule = name
        out.append(rule)
    return out


class Boilerplate(DocumentStage):
    name = "boilerplate"

    def __init__(self, options: BoilerplateOptions = BoilerplateOptions()) -> None:
        super().__init__()
        self.options = options

    def process(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        lines = doc.kept_lines()
        rules = classify_lines([line.text for line in lines], doc.metadata.get("language"), self.options)
        drops = {i: rule for i, rule in enumerate(rules) if rule}
        if drops:
            doc.remove_lines(self.name, drops, lines)
