"""Shared fixtures: the repository's seeds and, where present, the read-only ../shared material."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def shared_dir() -> Path:
    if not (SHARED / "bench").is_dir():
        pytest.skip("../shared/bench is not present on this machine")
    return SHARED
