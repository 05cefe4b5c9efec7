"""Schema versions: a catalog written before versioning (tests/store/data, made by the code of
commit b6c4cee) opens with today's code, upgraded in place, every row kept."""

import gzip
import shutil

import duckdb
import pytest

from vidfp.store import migrations
from vidfp.store.catalog import Catalog, schema_sql
from vidfp.store.migrations import LATEST, CatalogTooNew, CatalogTooOld, Migration

FIXTURE = __file__.rsplit("/", 1)[0] + "/data/catalog_v0.duckdb.gz"
OLD_TABLES = ("runs", "videos", "files", "pair_scores", "matched_segments", "duplicate_clusters", "pair_verdicts")


def fixture_copy(tmp_path) -> str:
    db = str(tmp_path / "old.duckdb")
    with gzip.open(FIXTURE, "rb") as f, open(db, "wb") as g:
        shutil.copyfileobj(f, g)
    return db


def columns(db: str) -> dict[str, list[tuple]]:
    """table → its columns (name, type, default, nullable), then its key/not-null constraints, by name
    (order is not part of the contract: migrations append columns, vidfp inserts by name)."""
    con = duckdb.connect(db, read_only=True)
    try:
        cols = con.execute(
            "SELECT table_name, column_name, data_type, column_default, is_nullable "
            "FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' "
            "ORDER BY table_name, column_index"
        ).fetchall()
        cons = con.execute(
            "SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
            "WHERE database_name = current_database() "
            "AND constraint_type IN ('PRIMARY KEY', 'NOT NULL') ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple]] = {}
    for t, *col in cols:
        out.setdefault(t, []).append(tuple(col))
    for t in out:
        out[t].sort()
    for t, kind, names in cons:
        out[t].append((kind, tuple(names)))
    return out


def rows(db: str, cols: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Every row of the old tables, old columns only (by name)."""
    con = duckdb.connect(db, read_only=True)
    try:
        out = {}
        for t in OLD_TABLES:
            names = ", ".join(c[0] for c in cols[t] if len(c) == 4)
            out[t] = con.execute(f"SELECT {names} FROM {t} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def test_old_catalog_is_upgraded_in_place_keeping_every_row(tmp_path):
    db = fixture_copy(tmp_path)
    old_cols = columns(db)
    assert "schema_version" not in old_cols  # the fixture really predates versioning
    before = rows(db, old_cols)
    assert all(before[t] for t in OLD_TABLES)  # every table holds rows
    with Catalog(db) as cat:
        assert cat.schema_version() == LATEST
    assert rows(db, old_cols) == before  # every row kept, old columns unchanged
    fresh = str(tmp_path / "fresh.duckdb")
    Catalog(fresh).close()
    assert columns(db) == columns(fresh)  # the migrated schema is the one new catalogs get
    con = duckdb.connect(db, read_only=True)
    versions = [v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
    con.close()
    assert versions == list(range(2, LATEST + 1))
    con = duckdb.connect(db, read_only=True)  # new columns describe old rows truthfully
    got = con.execute("SELECT status, attempts, last_error = error, decode_note FROM videos ORDER BY ALL").fetchall()
    activity = con.execute("SELECT count(*), count(activity_score) FROM pair_scores").fetchone()
    con.close()
    assert got == [("failed", 1, True, None)] + [("ok", 0, None, None)] * 3
    assert activity[0] > 0 and activity[1] == 0  # scored before the signal existed: NULL, not 0
    with Catalog(db) as cat:  # opening again changes nothing
        assert cat.schema_version() == LATEST
    assert rows(db, old_cols) == before


def test_failed_migration_leaves_the_catalog_as_it_was(tmp_path):
    db = fixture_copy(tmp_path)
    cols = columns(db)
    before = rows(db, cols)

    def boom(con):
        con.execute("ALTER TABLE videos ADD COLUMN doomed INTEGER")
        raise RuntimeError("migration failed half-way")

    steps = migrations.MIGRATIONS + (Migration(LATEST + 1, "fails", boom),)
    con = duckdb.connect(db)
    with pytest.raises(RuntimeError, match="half-way"):
        migrations.migrate(con, db, schema_sql(), steps)
    con.close()
    assert columns(db) == cols and rows(db, cols) == before


def test_newer_catalog_is_refused_with_a_clear_message(tmp_path, capsys):
    db = str(tmp_path / "new.duckdb")
    Catalog(db).close()
    con = duckdb.connect(db)
    con.execute("INSERT INTO schema_version VALUES (?, 'from the future', now())", [LATEST + 1])
    con.close()
    for ro in (False, True):
        with pytest.raises(CatalogTooNew, match=f"schema version {LATEST + 1}, newer than this vidfp"):
            Catalog(db, read_only=ro)
    from vidfp.cli import main

    assert main(["verdict", "a", "b", "duplicate", "--db", db]) == 2
    assert "newer than this vidfp" in capsys.readouterr().err


def test_read_only_open_of_an_old_catalog_says_how_to_upgrade(tmp_path):
    db = fixture_copy(tmp_path)
    with pytest.raises(CatalogTooOld, match="vidfp ingest"):
        Catalog(db, read_only=True)
