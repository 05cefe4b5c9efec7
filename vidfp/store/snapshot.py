"""Published snapshots: readers are never locked out of a catalog while a run writes.

DuckDB lets one process open a file read-write and then refuses every other
process, read-only ones included ("Could not set lock on file"), for as long as
it stays open — a whole ingest.  So a writer never opens the catalog users read:

    <db>               the published catalog: always a complete, checkpointed file
    <db>.writing       the run's private copy (only while the run holds <db>.lock)
    <db>.publish-<id>  a publish in progress: a full copy, renamed over <db> when complete

A run copies ``<db>`` (and a WAL next to it, if any) to ``<db>.writing``,
commits its stages there, and at stage boundaries *publishes*: CHECKPOINT,
close, copy to ``<db>.publish-<id>``, fsync, ``rename`` over ``<db>``, reopen.
The last publish renames the private copy itself.  ``rename`` is atomic, and a
reader keeps the inode it opened, so a reader always sees one complete
snapshot — the last one published when it connected — and never a lock error.

A killed run leaves at most a stale ``<db>.writing`` or ``<db>.publish-*``; the
next run (under the lock) deletes them and starts again from ``<db>``, which
holds the last published state.  Every stage commits in one transaction, so any
published state is a consistent one.

Cost: one copy of the catalog file (not the shards) per publish, four per run;
measured here, a 31 MB catalog (10 000 videos, 300 000 pairs) publishes in 0.15 s.  Disk: up to
three copies at a publish.  A process that opens ``<db>`` read-write itself
(a duckdb shell without ``-readonly``) during a run loses its changes at the
next publish; between runs, such changes are kept.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import time
import uuid

log = logging.getLogger(__name__)

PRIVATE_SUFFIX = ".writing"
PUBLISH_INFIX = ".publish-"


class RunRefused(RuntimeError):
    """A writer stopped before changing anything: its private copy is discarded, nothing is published."""


def private_path(db: str) -> str:
    return db + PRIVATE_SUFFIX


def _remove_db_file(path: str) -> bool:
    found = False
    for p in (path, path + ".wal"):
        if os.path.exists(p):
            os.remove(p)
            found = True
    return found


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def clean_stale(db: str) -> int:
    """Delete what a killed writer left (private copy, half-made publish); the caller holds the lock."""
    n = int(_remove_db_file(private_path(db)))
    for p in glob.glob(glob.escape(db) + PUBLISH_INFIX + "*"):
        if not p.endswith(".wal"):
            n += int(_remove_db_file(p))
    if n:
        log.warning("removed %d file(s) left by an interrupted run on %s", n, db)
    return n


def prepare_private(db: str) -> str:
    """A fresh private copy of the published catalog (none when there is no catalog yet)."""
    clean_stale(db)
    private = private_path(db)
    if os.path.exists(db):
        shutil.copyfile(db, private)
        if os.path.exists(db + ".wal"):  # committed but not checkpointed changes: keep them
            shutil.copyfile(db + ".wal", private + ".wal")
    return private


def discard(db: str) -> None:
    _remove_db_file(private_path(db))


def publish_file(private: str, db: str, final: bool) -> None:
    """Make the closed, checkpointed ``private`` the published ``db`` (atomic rename).

    ``final``: move the private copy itself (the run is over); else publish a copy of it."""
    if os.path.exists(private + ".wal"):
        raise RuntimeError(f"{private} still has a WAL after CHECKPOINT and close; not publishing it")
    if final:
        _fsync(private)
        os.replace(private, db)
    else:
        tmp = f"{db}{PUBLISH_INFIX}{uuid.uuid4().hex[:12]}"
        try:
            shutil.copyfile(private, tmp)
            _fsync(tmp)
            os.replace(tmp, db)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    if os.path.exists(db + ".wal"):
        # Written by someone who opened <db> read-write (its content was copied at run start).
        # Left beside the new file it would make every reader fail ("WAL does not match").
        aside = f"{db}.wal.replaced-{time.strftime('%Y%m%dT%H%M%S')}"
        os.replace(db + ".wal", aside)
        log.warning("moved %s.wal aside to %s: it belonged to the catalog file before this publish", db, aside)
    _fsync(os.path.dirname(os.path.abspath(db)))
