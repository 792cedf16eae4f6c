"""corpuskit: scraped web articles in, a clean, deduplicated, provenance-tagged corpus out."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
