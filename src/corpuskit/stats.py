"""Per-stage counters and timers, mergeable across workers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpuskit.document import Document


@dataclass
class StageStats:
    """What one stage did: documents seen and rejected, characters removed, seconds spent."""

    name: str
    docs: int = 0
    rejected: int = 0
    chars_removed: int = 0
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def record(self, doc: Document, chars_before: int, seconds: float) -> None:
        self.docs += 1
        self.seconds += seconds
        self.chars_removed += max(0, chars_before - len(doc.text))
        if doc.rejection is not None and doc.rejection.stage == self.name:
            self.rejected += 1
            self.reasons[doc.rejection.reason] = self.reasons.get(doc.rejection.reason, 0) + 1

    def merge(self, other: StageStats) -> None:
        self.docs += other.docs
        self.rejected += other.rejected
        self.chars_removed += other.chars_removed
        self.seconds += other.seconds
        for reason, count in other.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 4)
        data["reasons"] = dict(sorted(self.reasons.items()))
        return data
