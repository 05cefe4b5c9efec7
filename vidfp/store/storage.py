"""Which DuckDB *storage version* catalogs are written in, chosen on purpose.

The duckdb Python package writes files in its own newest format unless told
otherwise (duckdb 2.0: storage version 69, which no 1.x reader opens).  Users
query catalogs with whatever ``duckdb`` shell they have; the newest shell on
the package index is 1.5.x (reads storage 64–68) and the 1.4 line is DuckDB's
long-term-support release (reads 64–67).  vidfp therefore writes storage
version **v1.4.0** (number 67): readable by DuckDB ≥ 1.4.0 (shell and Python)
and by the duckdb Python package vidfp installs.  Nothing a catalog holds needs
a newer format.

A new file gets it from the ``storage_compatibility_version`` setting; an
existing file keeps the version it was created with, so a catalog written in a
newer format (by vidfp before this choice, or by another tool) is rewritten
once with ``COPY FROM DATABASE`` into a file of the chosen version.
"""

from __future__ import annotations

import logging
import os
import re

import duckdb

log = logging.getLogger(__name__)

STORAGE_VERSION = "v1.4.0"
_TARGET = (1, 4, 0)
_ATTACH_TARGET = f"ATTACH ? AS dst (STORAGE_VERSION '{STORAGE_VERSION}')"  # built once, from the constant


def parse_version(tag: str | None) -> tuple[int, ...] | None:
    """'v1.4.0+' → (1, 4, 0); None when absent or unreadable."""
    m = re.match(r"v?(\d+)\.(\d+)\.(\d+)", tag or "")
    return tuple(int(x) for x in m.groups()) if m else None


def connect_writable(path: str) -> duckdb.DuckDBPyConnection:
    """Open ``path`` for writing; a new file is created in :data:`STORAGE_VERSION`."""
    return duckdb.connect(path, config={"storage_compatibility_version": STORAGE_VERSION})


def file_storage_version(con: duckdb.DuckDBPyConnection) -> tuple[int, ...] | None:
    (tags,) = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return parse_version((tags or {}).get("storage_version"))


def needs_rewrite(con: duckdb.DuckDBPyConnection) -> bool:
    v = file_storage_version(con)
    return v is not None and v > _TARGET


def rewrite_in_storage_version(path: str) -> None:
    """Copy every table of ``path`` into a new file of :data:`STORAGE_VERSION` and put it in
    ``path``'s place (temp name + rename: a crash leaves the original).  The caller holds the
    catalog's write lock and has closed its own connection."""
    tmp = f"{path}.storage-tmp"
    for p in (tmp, tmp + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS src (READ_ONLY)", [path])  # replays a WAL next to it, if any
        con.execute(_ATTACH_TARGET, [tmp])
        con.execute("COPY FROM DATABASE src TO dst")
        con.execute("DETACH dst")
    finally:
        con.close()
    os.replace(tmp, path)
    if os.path.exists(path + ".wal"):  # its content is in the copy; left here it would not match the new file
        os.remove(path + ".wal")
    log.warning("catalog %s rewritten in DuckDB storage version %s", path, STORAGE_VERSION)
