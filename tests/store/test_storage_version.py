"""Catalogs are written in DuckDB storage version v1.4.0, so the duckdb shell 1.5.x (newest on the
package index; `duckdb-cli` in the dev extra) and 1.4 LTS open them, and so does the duckdb Python
package vidfp installs (which writes storage 69 unless told otherwise)."""

import os
import shutil
import subprocess
import sys

import duckdb
import pytest

from tests.store.test_migrations import fixture_copy
from vidfp.store.catalog import Catalog
from vidfp.store.storage import STORAGE_VERSION, parse_version


def header_version(path: str) -> int:
    """The storage version number in a DuckDB file's main header (after the 8-byte checksum and b'DUCK')."""
    with open(path, "rb") as f:
        head = f.read(20)
    assert head[8:12] == b"DUCK"
    return int.from_bytes(head[12:20], "little")


def storage_tag(path: str) -> str:
    con = duckdb.connect(path, read_only=True)
    try:
        return con.execute(
            "SELECT tags['storage_version'] FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()[0]
    finally:
        con.close()


def shell() -> str | None:
    exe = os.path.join(os.path.dirname(sys.executable), "duckdb")
    return exe if os.path.exists(exe) else shutil.which("duckdb")


def shell_count(path: str, table: str) -> int:
    out = subprocess.run(
        [shell(), "-readonly", "-csv", "-noheader", path, "-c", f"SELECT count(*) FROM {table}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return int(out.stdout.strip())


def test_new_catalog_uses_the_chosen_storage_version(tmp_path):
    db = str(tmp_path / "new.duckdb")
    with Catalog(db) as cat:
        cat.upsert(
            [{"video_id": "x", "uri": "/a.mp4", "status": "ok"}],
            [{"uri": "/a.mp4", "video_id": "x", "size_bytes": 1, "mtime": 1.0, "run_id": "r"}],
        )
    assert parse_version(storage_tag(db)) == parse_version(STORAGE_VERSION)
    assert header_version(db) == 67  # storage number of v1.4.0: DuckDB 1.4, 1.5 and 2.x read it


def test_catalog_in_a_newer_format_is_rewritten_keeping_rows(tmp_path):
    db = fixture_copy(tmp_path)  # written by vidfp before this choice: duckdb 2.0's own format
    assert parse_version(storage_tag(db)) > parse_version(STORAGE_VERSION)
    con = duckdb.connect(db, read_only=True)
    before = con.execute("SELECT * FROM pair_scores ORDER BY ALL").fetchall()
    con.close()
    Catalog(db).close()
    assert parse_version(storage_tag(db)) == parse_version(STORAGE_VERSION)
    con = duckdb.connect(db, read_only=True)
    after = con.execute("SELECT * FROM pair_scores ORDER BY ALL").fetchall()
    assert [r[: len(before[0])] for r in after] == before  # (migrations appended columns)
    con.close()


@pytest.mark.skipif(shell() is None, reason="duckdb shell not installed (pip install duckdb-cli)")
def test_the_duckdb_shell_opens_catalogs(tmp_path):
    version = subprocess.run([shell(), "--version"], capture_output=True, text=True).stdout
    new = str(tmp_path / "new.duckdb")
    with Catalog(new) as cat:
        cat.upsert([{"video_id": "x", "uri": "/a.mp4", "status": "ok"}], [])
    old = fixture_copy(tmp_path)
    Catalog(old).close()
    assert shell_count(new, "videos") == 1, version
    assert shell_count(old, "videos") == 4, version
