"""Seeded test/benchmark corpora from footage and photos that packages ship."""

from vidfp.corpus.build import build_corpus

__all__ = ["build_corpus"]
