"""Thin Prefect task for ad-hoc search: one call into vidfp.search."""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from vidfp.search import search


@task(name="search", cache_policy=NO_CACHE)
def search_task(queries: list[str], catalog: str, top: int = 10, weights: str | None = None) -> list[dict[str, Any]]:
    """Ranked catalog videos with matched moments for each query (the catalog is only read)."""
    return [r.to_dict() for r in search(queries, catalog, top=top, weights=weights)]
