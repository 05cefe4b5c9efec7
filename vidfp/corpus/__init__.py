"""Seeded test/benchmark corpora from footage and photos that packages ship.

Family A (``build.py``) is the tuning corpus; family B (``family_b.py``) is held out.
"""

from vidfp.corpus.build import build_corpus
from vidfp.corpus.family_b import build_family_b

__all__ = ["build_corpus", "build_family_b"]
