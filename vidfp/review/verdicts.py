"""The review app's one write: a user verdict on a pair, then re-clustering.

It goes through the library's verdict path, never its own SQL: with published
snapshots (vidfp.pipeline.verdict.record_verdict, which resolves both videos and
publishes a new catalog snapshot) when this vidfp has them, else as
``vidfp verdict`` does (lock, Catalog.set_verdict, cluster_catalog).
"""

from __future__ import annotations

import logging

from vidfp.search.settings import read_only

log = logging.getLogger(__name__)

VERDICTS = ("duplicate", "not_duplicate")


class VerdictRejected(ValueError):
    """The request names no scored pair or no valid verdict; nothing was written."""


def save_verdict(db: str, a: str, b: str, verdict: str, note: str | None = None, wait_s: float = 10.0) -> None:
    """Record ``verdict`` for the pair (a, b) and recluster.  Raises CatalogBusy when a run
    holds the catalog longer than ``wait_s``, VerdictRejected for an unknown pair or verdict."""
    if verdict not in VERDICTS:
        raise VerdictRejected(f"verdict must be one of {', '.join(VERDICTS)}")
    a, b = sorted((a, b))
    with read_only(db) as cat:
        known = cat.con.execute("SELECT count(*) FROM videos WHERE video_id = ? OR video_id = ?", [a, b]).fetchone()[0]
    if a == b or known != 2:
        raise VerdictRejected("the verdict must name two videos of this catalog")
    try:
        from vidfp.pipeline.verdict import record_verdict  # published snapshots (store branch)
    except ImportError:
        record_verdict = None
    if record_verdict is not None:
        record_verdict(db, a, b, verdict, note, wait_s=wait_s)
    else:
        from vidfp.pipeline.match import cluster_catalog
        from vidfp.store.catalog import Catalog
        from vidfp.store.lock import CatalogLock

        with CatalogLock(db, wait_s=wait_s), Catalog(db) as cat:
            cat.set_verdict(a, b, verdict, note)
            cluster_catalog(cat)
    log.info("verdict %s for %s / %s", verdict, a, b)
