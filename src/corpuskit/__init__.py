"""corpuskit: scraped web articles in, a clean, deduplicated, provenance-tagged corpus out."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

from corpuskit.config import Config  # noqa: E402
from corpuskit.document import Document, Rejection, Removal  # noqa: E402
from corpuskit.pipeline import Pipeline, build_stage, clean_text  # noqa: E402
from corpuskit.runner import RunSummary, clean_to_dir  # noqa: E402
from corpuskit.stages.base import CorpusStage, DocumentStage  # noqa: E402

__all__ = [
    "Config",
    "CorpusStage",
    "Document",
    "DocumentStage",
    "Pipeline",
    "Rejection",
    "Removal",
    "RunSummary",
    "__version__",
    "build_stage",
    "clean_text",
    "clean_to_dir",
]
