"""Document-level quality filters (Gopher / C4 / FineWeb style), each named and off-switchable."""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpuskit.document import Document
from corpuskit.stages.base import DocumentStage

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class QualityOptions:
    enabled: bool = True
    min_words: int = 20  # fewer words after cleaning: nothing worth keeping (0 switches it off)


class Quality(DocumentStage):
    name = "quality"

    def __init__(self, options: QualityOptions = QualityOptions()) -> None:
        super().__init__()
        self.options = options

    def process(self, doc: Document) -> None:
        if not self.options.enabled:
            return
        words = len(_WORD.findall(doc.text))
        if self.options.min_words and words < self.options.min_words:
            doc.reject(self.name, "too_few_words", value=float(words))
