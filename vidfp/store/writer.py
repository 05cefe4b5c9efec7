"""The one way to write a catalog: lock, private copy, publish (vidfp.store.snapshot).

Ingest, rescan and verdict all write through :func:`open_writer`, so readers
are never locked out and a killed writer never leaves a half-written catalog.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

from vidfp.store.catalog import Catalog
from vidfp.store.lock import CatalogLock
from vidfp.store.snapshot import RunRefused, discard, prepare_private

log = logging.getLogger(__name__)


class CatalogFolderMissing(FileNotFoundError):
    pass


def check_catalog_path(db: str) -> None:
    """A catalog may be new, but its folder must exist: a typo in --db should not create folders."""
    folder = os.path.dirname(os.path.abspath(db))
    if not os.path.isdir(folder):
        raise CatalogFolderMissing(f"folder of catalog {db!r} does not exist: {folder}")


@contextmanager
def open_writer(db: str, wait_s: float = 0.0) -> Iterator[Catalog]:
    """Hold ``<db>.lock``, work on a private copy, publish it when the body ends.

    The body may call ``cat.publish()`` at stage boundaries.  On :class:`RunRefused`
    the copy is discarded and ``db`` is untouched.  On any other error the committed
    stages are published (each stage is one transaction, so that state is consistent;
    the body records the failure first) and the error propagates.
    """
    check_catalog_path(db)
    with CatalogLock(db, wait_s=wait_s):
        private = prepare_private(db)
        try:
            cat = Catalog(private, publish_to=db)
        except BaseException:
            discard(db)
            raise
        try:
            yield cat
        except RunRefused:
            cat.close()
            discard(db)
            raise
        except BaseException:
            try:
                cat.publish(final=True)
            except Exception:  # noqa: BLE001 - keep the original error; the next run discards the copy
                log.exception("could not publish %s after an error", db)
                cat.close()
            raise
        cat.publish(final=True)
