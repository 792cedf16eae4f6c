"""The one options object: frozen dataclasses with defaults, overridden by ``corpuskit.toml`` and flags.

Each stage defines its own options class next to its code; this module only composes them, loads
TOML and computes the config hash recorded in every document's provenance.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomllib

from corpuskit.neardup import NearDupOptions
from corpuskit.options import ConfigError, build, to_plain
from corpuskit.stages.boilerplate import BoilerplateOptions
from corpuskit.stages.language import LanguageOptions
from corpuskit.stages.normalize import NormalizeOptions
from corpuskit.stages.quality import QualityOptions
from corpuskit.stages.repetition import RepetitionOptions
from corpuskit.stages.site_repetition import SiteRepetitionOptions

DEFAULT_STAGES = ("normalize", "boilerplate", "repetition", "language", "quality", "neardup")


@dataclass(frozen=True)
class ReadOptions:
    max_doc_bytes: int = 50_000_000  # larger inputs are rejected before they are read whole
    html_favor_precision: bool = False
    html_favor_recall: bool = False
    html_include_tables: bool = True
    html_include_comments: bool = False
    text_field: str = "text"


@dataclass(frozen=True)
class RunOptions:
    stages: tuple[str, ...] = DEFAULT_STAGES
    workers: int = 0  # processes for per-document stages; 0 = every core
    batch_size: int = 256
    executor: str = "local"  # local | dask
    scheduler: str | None = None  # dask scheduler address; None starts a LocalCluster
    shard_size: int = 0  # kept documents per corpus file; 0 writes one corpus.jsonl
    output_compression: str = ""  # none | gzip | zstd; "" = gzip when sharded
    output_format: str = "jsonl"  # jsonl | parquet


# Options that change where and how a run executes or is stored, never what it decides.
EXECUTION_ONLY = ("workers", "batch_size", "executor", "scheduler", "shard_size", "output_compression", "output_format")


@dataclass(frozen=True)
class Config:
    run: RunOptions = field(default_factory=RunOptions)
    read: ReadOptions = field(default_factory=ReadOptions)
    normalize: NormalizeOptions = field(default_factory=NormalizeOptions)
    boilerplate: BoilerplateOptions = field(default_factory=BoilerplateOptions)
    repetition: RepetitionOptions = field(default_factory=RepetitionOptions)
    site_repetition: SiteRepetitionOptions = field(default_factory=SiteRepetitionOptions)
    language: LanguageOptions = field(default_factory=LanguageOptions)
    quality: QualityOptions = field(default_factory=QualityOptions)
    neardup: NearDupOptions = field(default_factory=NearDupOptions)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Config:
        return build(cls, data)

    @classmethod
    def load(cls, path: str | Path) -> Config:
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"cannot read config {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        data.pop("tool", None)
        return cls.from_mapping(data.get("corpuskit", data))

    def with_overrides(self, **sections: Mapping[str, Any]) -> Config:
        """Return a copy with some options of some sections replaced (used by CLI flags)."""
        changes = {}
        for section, values in sections.items():
            current = getattr(self, section)
            merged = {**to_plain(current), **values}
            changes[section] = build(type(current), merged, section + ".")
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return to_plain(self)

    def digest(self) -> str:
        """sha256 of the canonical JSON of every option that can change the output (see EXECUTION_ONLY)."""
        data = self.to_dict()
        for key in EXECUTION_ONLY:
            data["run"].pop(key, None)
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def find_config(explicit: str | None) -> Config:
    """``--config FILE`` if given, else ``./corpuskit.toml`` when present, else defaults."""
    if explicit:
        return Config.load(explicit)
    local = Path("corpuskit.toml")
    return Config.load(local) if local.is_file() else Config()
