"""The writer's private copy and atomic publishes (vidfp.store.snapshot, vidfp.store.writer)."""

import glob
import hashlib
import os

import duckdb
import pytest

from vidfp.store.snapshot import RunRefused
from vidfp.store.writer import CatalogFolderMissing, open_writer


def _video(vid):
    return [{"video_id": vid, "uri": f"/{vid}.mp4", "status": "ok"}], []


def read_ids(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [v for (v,) in con.execute("SELECT video_id FROM videos ORDER BY 1").fetchall()]
    finally:
        con.close()


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_readers_see_only_published_states(tmp_path):
    db = tmp_path / "c.duckdb"
    with open_writer(str(db)) as cat:
        cat.upsert(*_video("a"))
        assert not db.exists()  # nothing published yet: the writer works on <db>.writing
        cat.publish()
        assert read_ids(db) == ["a"]
        cat.upsert(*_video("b"))
        assert read_ids(db) == ["a"]  # committed in the private copy, not yet published
        con = duckdb.connect(str(db), read_only=True)  # a reader holding the old snapshot open
    assert con.execute("SELECT count(*) FROM videos").fetchone()[0] == 1  # its snapshot stays whole
    con.close()  # (DuckDB shares one instance per file within a process: all its connections must close)
    assert read_ids(db) == ["a", "b"]
    assert sorted(os.listdir(tmp_path)) == ["c.duckdb", "c.duckdb.lock"]


def test_refused_run_changes_nothing(tmp_path):
    db = tmp_path / "c.duckdb"
    with open_writer(str(db)) as cat:
        cat.upsert(*_video("a"))
    before = digest(db)
    with pytest.raises(RunRefused), open_writer(str(db)) as cat:
        cat.upsert(*_video("b"))
        cat.publish()
        raise RunRefused("no")
    # a publish inside a refused run did happen (the body chose to); the refusal discards the rest
    assert read_ids(db) == ["a", "b"]
    before = digest(db)
    with pytest.raises(RunRefused), open_writer(str(db)) as cat:
        cat.upsert(*_video("c"))
        raise RunRefused("no")
    assert digest(db) == before and not os.path.exists(str(db) + ".writing")


def test_error_publishes_the_committed_stages(tmp_path):
    db = tmp_path / "c.duckdb"
    with pytest.raises(ZeroDivisionError), open_writer(str(db)) as cat:
        cat.upsert(*_video("a"))
        raise ZeroDivisionError("stage failed")
    assert read_ids(db) == ["a"]


def test_leftovers_of_a_killed_writer_are_discarded(tmp_path):
    db = tmp_path / "c.duckdb"
    with open_writer(str(db)) as cat:
        cat.upsert(*_video("a"))
    for name in ("c.duckdb.writing", "c.duckdb.writing.wal", "c.duckdb.publish-123abc"):
        (tmp_path / name).write_bytes(b"half-written garbage")
    with open_writer(str(db)) as cat:
        cat.upsert(*_video("b"))
    assert read_ids(db) == ["a", "b"]
    assert not glob.glob(str(tmp_path / "c.duckdb.*[!k]"))  # only the lock file remains


def test_wal_beside_the_catalog_is_kept_and_moved_aside(tmp_path):
    """Changes someone committed into <db> without a checkpoint (a WAL) reach the private copy;
    the WAL is moved aside at publish, else every reader would fail ('WAL does not match')."""
    db = tmp_path / "c.duckdb"
    with open_writer(str(db)) as cat:
        cat.upsert(*_video("a"))
    con = duckdb.connect(str(db))
    con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute("UPDATE videos SET uri = 'edited' WHERE video_id = 'a'")
    con.close()
    assert os.path.exists(str(db) + ".wal")
    with open_writer(str(db)) as cat:
        cat.upsert(*_video("b"))
    assert read_ids(db) == ["a", "b"] and not os.path.exists(str(db) + ".wal")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT uri FROM videos WHERE video_id = 'a'").fetchone()[0] == "edited"
    con.close()


def test_catalog_in_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(CatalogFolderMissing, match="does not exist"), open_writer(str(tmp_path / "typo" / "c.duckdb")):
        pass
    assert not (tmp_path / "typo").exists()
