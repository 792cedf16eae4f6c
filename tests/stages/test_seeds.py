"""The five seed articles clean exactly as hand-labelled in fixtures/seeds/*.tsv.

Each TSV row is ``line_no, keep|drop, reason, text`` for one non-blank line of the seed. After
normalize -> boilerplate -> repetition, every "keep" line must survive and every "drop" line must be
gone (a line whose text occurs several times is counted: the kept copies survive, no more).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from corpuskit.document import Document
from corpuskit.stages.boilerplate import Boilerplate
from corpuskit.stages.normalize import Normalize, normalize_text
from corpuskit.stages.repetition import Repetition

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "fixtures" / "seeds"
SEEDS = ROOT / "seeds"
SEED_NAMES = sorted(p.stem for p in LABELS.glob("*.tsv"))


def _labels(name: str) -> list[tuple[int, str, str, str]]:
    rows = []
    for line in (LABELS / f"{name}.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        number, label, reason, text = line.split("\t", 3)
        rows.append((int(number), label, reason, text))
    return rows


@pytest.fixture(scope="module")
def stages() -> list:
    return [Normalize(), Boilerplate(), Repetition()]


def test_every_seed_is_labelled():
    assert SEED_NAMES == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert len(SEED_NAMES) == 5


@pytest.mark.parametrize("name", SEED_NAMES)
def test_labels_match_the_seed_text(name: str):
    """The fixture is about this seed: every labelled line is that line of the normalized text."""
    lines = normalize_text((SEEDS / f"{name}.txt").read_text(encoding="utf-8")).split("\n")
    rows = _labels(name)
    assert rows, "no labels"
    assert {n for n, *_ in rows} == {i + 1 for i, line in enumerate(lines) if line.strip()}
    for number, label, reason, text in rows:
        assert lines[number - 1] == text
        assert label in ("keep", "drop")
        assert bool(reason) == (label == "drop"), f"line {number}: a drop needs a reason, a keep none"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_cleans_exactly_as_labelled(name: str, stages: list):
    doc = Document(text=(SEEDS / f"{name}.txt").read_text(encoding="utf-8"), id=name)
    for stage in stages:
        stage.run_one(doc)
    kept = Counter(line for line in doc.text.split("\n") if line.strip())
    expected = Counter(text for _, label, _, text in _labels(name) if label == "keep")
    missing = expected - kept
    extra = kept - expected
    assert not missing, f"kept lines that were removed: {list(missing)[:3]}"
    assert not extra, f"drop lines that survived: {list(extra)[:3]}"
    assert all(r.rule for r in doc.removals)
