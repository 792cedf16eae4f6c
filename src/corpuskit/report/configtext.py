"""The config a run used, as TOML, and the ``corpuskit.toml`` lines that switch a rule off.

A reviewer who sees a wrong removal must be able to act on it: every rule and rejection reason the
report shows comes with the exact snippet to paste. Which switch exists is read from the stage's
options dataclass (``disabled_rules`` / ``disabled``, ``keep_patterns``, ``enabled``), not from a hard-coded list,
so a stage that gains per-rule switches gets the finer snippet without a change here.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from typing import Any

from corpuskit.config import Config

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_RULE_SWITCHES = ("disabled_rules", "disabled")  # option names that list rules or filters never applied


def stage_fields() -> dict[str, set[str]]:
    """Option names of every config section, from the ``Config`` dataclass."""
    out: dict[str, set[str]] = {}
    for f in dataclasses.fields(Config):
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            out[f.name] = {g.name for g in dataclasses.fields(default)}
    return out


def toml_value(value: Any) -> str:
    """One TOML value; strings are JSON strings, which TOML accepts as basic strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def toml_key(key: Any) -> str:
    key = str(key)
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def config_toml(config: dict[str, Any]) -> str:
    """Render a run's config (``manifest.json``'s ``config``) as a ``corpuskit.toml`` file."""
    lines: list[str] = []
    for section in sorted(config, key=str):
        values = config[section]
        if not isinstance(values, dict):
            lines.insert(0, f"{toml_key(section)} = {toml_value(values)}")
            continue
        _table(lines, toml_key(section), values)
    return "\n".join(lines).strip() + "\n"


def _table(lines: list[str], name: str, values: dict[str, Any]) -> None:
    lines.append(f"\n[{name}]")
    nested = []
    for key, value in values.items():
        if value is None:
            lines.append(f"# {toml_key(key)} is unset")
        elif isinstance(value, dict) and value:
            nested.append((key, value))
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for key, value in nested:
        _table(lines, f"{name}.{toml_key(key)}", value)


def switch_off_snippet(stage: str, rule: str, config: dict[str, Any]) -> str:
    """The ``corpuskit.toml`` lines that stop ``stage.rule`` from removing or rejecting anything."""
    fields = stage_fields().get(stage, set())
    current = config.get(stage) if isinstance(config.get(stage), dict) else {}
    for switch in _RULE_SWITCHES:
        if switch in fields:
            disabled = [str(r) for r in current.get(switch) or []]
            if rule not in disabled:
                disabled.append(rule)
            return f"[{toml_key(stage)}]\n{switch} = {toml_value(disabled)}"
    if "enabled" in fields:
        return (
            f"[{toml_key(stage)}]\nenabled = false"
            f"  # {stage} has no per-rule switch: this turns the whole stage off"
        )
    return f"# no switch for {stage}.{rule} in corpuskit.toml"


def keep_pattern_stages(config: dict[str, Any]) -> dict[str, list[str]]:
    """Stages that accept ``keep_patterns``, with the patterns the run used."""
    out = {}
    for stage, fields in stage_fields().items():
        if "keep_patterns" in fields:
            current = config.get(stage) if isinstance(config.get(stage), dict) else {}
            out[stage] = [str(p) for p in current.get("keep_patterns") or []]
    return out
