"""Fixtures for the reliability tests; helpers live in reliability_helpers.py (importable from here)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from reliability_helpers import build_bad_inputs  # noqa: E402


@pytest.fixture(scope="session")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> types.SimpleNamespace:
    """One cleaning run over every hostile input kind (shared by the matrix and accounting tests)."""
    from corpuskit.runner import clean_to_dir

    base = tmp_path_factory.mktemp("bad")
    inputs, out = base / "in", base / "out"
    expect = build_bad_inputs(inputs)
    summary = clean_to_dir([str(inputs)], out, report=False)
    return types.SimpleNamespace(inputs=inputs, out=out, expect=expect, summary=summary)
