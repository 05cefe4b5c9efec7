"""One writer per catalog: an advisory ``flock`` on ``<catalog>.lock``.

DuckDB itself refuses a second read-write process, but only while the file is
open; a run also holds the catalog across long decode stages, so the lock is
taken for the whole run.  A second run waits up to ``wait_s`` and then exits
with :class:`CatalogBusy` naming the catalog.  The OS drops the lock when the
holder dies (kill -9 included), so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
import time


class CatalogBusy(RuntimeError):
    pass


class CatalogLock:
    def __init__(self, catalog_path: str, wait_s: float = 0.0, poll_s: float = 0.5):
        self.path = f"{catalog_path}.lock"
        self.wait_s = wait_s
        self.poll_s = poll_s
        self._fd: int | None = None

    def __enter__(self) -> CatalogLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise CatalogBusy(
                        f"another vidfp run is writing {self.path[:-5]!r}; waited {self.wait_s:g} s "
                        "(use --wait to wait longer)"
                    ) from None
                time.sleep(self.poll_s)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
