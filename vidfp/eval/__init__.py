"""Accuracy metrics the field uses, on catalogs and truth files."""
