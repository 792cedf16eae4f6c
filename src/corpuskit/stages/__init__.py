"""Pipeline stages, one module each; every stage is usable alone (iterable of documents in and out)."""

from corpuskit.stages.base import CorpusStage, DocumentStage
from corpuskit.stages.boilerplate import Boilerplate, BoilerplateOptions
from corpuskit.stages.language import Language, LanguageOptions
from corpuskit.stages.normalize import Normalize, NormalizeOptions
from corpuskit.stages.quality import Quality, QualityOptions
from corpuskit.stages.repetition import Repetition, RepetitionOptions

__all__ = [
    "Boilerplate",
    "BoilerplateOptions",
    "CorpusStage",
    "DocumentStage",
    "Language",
    "LanguageOptions",
    "Normalize",
    "NormalizeOptions",
    "Quality",
    "QualityOptions",
    "Repetition",
    "RepetitionOptions",
]
