"""Near-duplicate detection (first cut; issue 7 replaces the internals with the phased, vectorised path)."""

from corpuskit.neardup.stage import NearDup, NearDupOptions

__all__ = ["NearDup", "NearDupOptions"]
