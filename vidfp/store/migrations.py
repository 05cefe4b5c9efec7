"""Catalog schema versions and the migrations between them.

A catalog records the schema version it holds in ``schema_version`` (one row
per version applied; the current version is the largest).  Catalogs written
before versioning have no such table and are version 1; version 2 adds it.  Opening a catalog for
writing upgrades it in place, all steps in **one transaction**: a failing or
interrupted upgrade leaves the catalog exactly as it was.  A catalog whose
version is newer than this code is refused (:class:`CatalogTooNew`), read-only
opens included, because old code would silently ignore or damage columns it
does not know.

Policy (README, "Migrations"): the schema only grows.  A migration adds tables
or columns (with defaults that describe existing rows truthfully) and may fill
them from existing data; it never drops or renames a column users may query.
``sql/schema.sql`` is always the *current* schema, used to create new catalogs,
and a test checks that migrating the oldest fixture catalog gives the same
tables and columns as a fresh one (column *order* may differ: added columns come
last, and vidfp inserts by column name).  Steps use ``IF NOT EXISTS``, so a
catalog that already holds some of their columns (written between a schema
change and its migration) upgrades too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb

log = logging.getLogger(__name__)


class CatalogTooNew(RuntimeError):
    """The catalog was written by a newer vidfp (its schema version is above ours)."""


class CatalogTooOld(RuntimeError):
    """A read-only open of a catalog that needs an upgrade this process may not write."""


@dataclass(frozen=True)
class Migration:
    version: int  # the schema version this step produces
    description: str
    apply: str | Callable[[duckdb.DuckDBPyConnection], None]  # SQL (no parameters) or a function


_VERSION_TABLE = """CREATE TABLE IF NOT EXISTS schema_version (
    version      INTEGER PRIMARY KEY,
    description  VARCHAR,
    applied_at   TIMESTAMP
)"""

# Ordered; version 1 is the schema before versioning existed (created by schema.sql of commit b6c4cee).
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "schema before versioning: runs, videos, files, pair_scores, matched_segments, "
        "duplicate_clusters, pair_verdicts",
        "",
    ),
    Migration(2, "schema_version table", _VERSION_TABLE),
    Migration(
        3,
        "videos.attempts, last_error, decode_note: failed videos are retried by later ingests",
        "ALTER TABLE videos ADD COLUMN IF NOT EXISTS attempts INTEGER DEFAULT 0;"
        "ALTER TABLE videos ADD COLUMN IF NOT EXISTS last_error VARCHAR;"
        "ALTER TABLE videos ADD COLUMN IF NOT EXISTS decode_note VARCHAR;"
        "UPDATE videos SET attempts = 1, last_error = error WHERE status = 'failed';",
    ),
    # Added to schema.sql before versioning reached main, so an unversioned catalog may hold them already.
    Migration(
        4,
        "pair_scores.is_partial and coverage, calibration table, partial_copies view",
        "ALTER TABLE pair_scores ADD COLUMN IF NOT EXISTS is_partial BOOLEAN;"
        "ALTER TABLE pair_scores ADD COLUMN IF NOT EXISTS coverage DOUBLE;"
        """CREATE TABLE IF NOT EXISTS calibration (
                  encoder_key VARCHAR PRIMARY KEY, center DOUBLE NOT NULL, scale DOUBLE NOT NULL,
                  n_pairs INTEGER, source VARCHAR, computed_at TIMESTAMP, run_id VARCHAR);"""
        """CREATE OR REPLACE VIEW partial_copies AS
                 SELECT p.video_a, va.uri AS uri_a, p.video_b, vb.uri AS uri_b, p.similarity, p.coverage,
                        s.seg_idx, s.a_start_s, s.a_end_s, s.b_start_s, s.b_end_s, s.score AS segment_score
                 FROM pair_scores p
                 JOIN videos va ON va.video_id = p.video_a
                 JOIN videos vb ON vb.video_id = p.video_b
                 JOIN matched_segments s ON s.video_a = p.video_a AND s.video_b = p.video_b
                 WHERE p.is_partial;""",
    ),
    # NULL for pairs scored before: the signal was not measured (vidfp rescan rescores them)
    Migration(
        5,
        "pair_scores.activity_score",
        "ALTER TABLE pair_scores ADD COLUMN IF NOT EXISTS activity_score DOUBLE;",
    ),
)

LATEST = MIGRATIONS[-1].version


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'"
    ).fetchall()
    return {t for (t,) in rows}


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """0 for an empty database, 1 for a catalog written before versioning, else the recorded version."""
    tables = _tables(con)
    if "schema_version" in tables:
        (v,) = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
        return int(v)
    return 1 if "videos" in tables else 0


def check_not_newer(con: duckdb.DuckDBPyConnection, path: str, latest: int = LATEST) -> int:
    v = current_version(con)
    if v > latest:
        raise CatalogTooNew(
            f"catalog {path!r} has schema version {v}, newer than this vidfp understands ({latest}); "
            "upgrade vidfp to write to it (reading it with duckdb works)"
        )
    return v


def migrate(
    con: duckdb.DuckDBPyConnection, path: str, create_sql: str, migrations: tuple[Migration, ...] = MIGRATIONS
) -> tuple[int, int]:
    """Bring the catalog on ``con`` to :data:`LATEST`; returns (version before, version after).

    An empty database gets ``create_sql`` (the current schema) and every version
    recorded; an older catalog gets each later migration in order.  One transaction.
    """
    latest = migrations[-1].version
    before = check_not_newer(con, path, latest)
    if before == latest:
        return before, before
    con.execute("BEGIN")
    try:
        if before == 0:
            con.execute(create_sql)
            record = list(migrations)
        else:  # only the steps applied now are recorded (a catalog from before versioning starts at 2)
            record = []
            for m in migrations:
                if m.version <= before:
                    continue
                log.info("catalog %s: migrating to schema version %d (%s)", path, m.version, m.description)
                if callable(m.apply):
                    m.apply(con)
                elif m.apply:
                    con.execute(m.apply)
                record.append(m)
        now = _now()
        con.executemany(
            "INSERT INTO schema_version VALUES (?, ?, ?)", [[m.version, m.description, now] for m in record]
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return before, latest
