"""Prefect flow ``search`` (deployment ``adhoc``): where do these clips appear in the catalog?

    prefect deployment run search/adhoc --param queries='["/data/clip.mp4"]' --param catalog=/data/catalog.duckdb

The flow only reads the catalog (vidfp.search opens it read-only), so it may run while
``ingest/nightly`` writes it.  The answer is the flow's return value and a table artifact.
Serve it with the other deployments: ``adhoc_deployment(catalog)`` returns the deployment
for ``prefect.serve``.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect import flow

from tasks.search_tasks import search_task

log = logging.getLogger(__name__)


@flow(name="search", log_prints=True)
def search_flow(queries: list[str], catalog: str, top: int = 10, weights: str | None = None) -> list[dict[str, Any]]:
    results = search_task(queries, catalog, top, weights)
    for r in results:
        best = r["hits"][0] if r["hits"] else None
        print(
            f"{r['query']}: "
            + (r["error"] or (f"best {best['uri']} ({best['similarity']:.3f})" if best else "no match"))
        )
    _table_artifact(results)
    return results


def _table_artifact(results: list[dict[str, Any]]) -> None:
    """One row per (query, hit, moment) in the Prefect UI (best effort)."""
    try:
        from prefect.artifacts import create_table_artifact

        rows = []
        for r in results:
            for h in r["hits"]:
                for m in h["moments"] or [None]:
                    rows.append(
                        {
                            "query": r["query"],
                            "rank": h["rank"],
                            "video": h["uri"],
                            "similarity": round(h["similarity"], 3),
                            "query_s": f"{m['query_start_s']:.1f}-{m['query_end_s']:.1f}" if m else "",
                            "video_s": f"{m['video_start_s']:.1f}-{m['video_end_s']:.1f}" if m else "",
                        }
                    )
        create_table_artifact(key="vidfp-search", table=rows or [{"query": "", "rank": 0, "video": "no match"}])
    except Exception as e:  # noqa: BLE001 - artifacts are informative only
        log.info("search artifact not published: %s", e)


def adhoc_deployment(catalog: str):
    """The ``search/adhoc`` deployment (no schedule: runs on demand), for ``prefect.serve``."""
    return search_flow.to_deployment(name="adhoc", parameters={"catalog": catalog, "queries": []})
