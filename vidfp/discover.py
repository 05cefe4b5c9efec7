"""Find video files under a local folder or any fsspec URI and give them stable ids.

The id is derived from the file's *content* (a streamed BLAKE2b), so a moved or
renamed file keeps its id, and byte-identical files share one.  Files whose
bytes cannot be read still get an id (from their URI, prefixed ``u``) so they
can be recorded as failed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import fsspec
from fsspec.core import url_to_fs

from vidfp.store.snapshot import RunRefused

log = logging.getLogger(__name__)


class SourceUnavailable(RunRefused):
    """The source does not exist or cannot be listed: the run stops before changing anything.
    ``transient`` is true for remote sources, where a retry may succeed."""

    def __init__(self, message: str, transient: bool):
        super().__init__(message)
        self.transient = transient


HASH_CHUNK = 8 << 20


@dataclass(frozen=True)
class VideoFile:
    uri: str  # what the user's source calls it (fsspec URI or local path), valid UTF-8: stored as is
    size_bytes: int
    mtime: float | None
    protocol: str
    path: str = ""  # the OS name when it differs from ``uri`` (names that are not UTF-8)

    @property
    def is_local(self) -> bool:
        return self.protocol in ("file", "local")

    @property
    def io_path(self) -> str:
        """What to open: the real name, which may hold undecodable bytes as surrogates."""
        return self.path or self.uri


def display_name(name: str) -> str:
    """A valid UTF-8 form of a file name: bytes that are not UTF-8 (kept by Python as
    surrogates) are written as ``\\xNN``.  DuckDB stores only valid UTF-8."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _protocol(fs: fsspec.AbstractFileSystem) -> str:
    p = fs.protocol
    return p[0] if isinstance(p, (tuple, list)) else p


def discover(source: str, extensions: tuple[str, ...]) -> list[VideoFile]:
    """List the files under ``source`` whose suffix is in ``extensions`` (case-insensitive).

    ``source`` may also be a single file.  The result is sorted by URI so that
    runs are deterministic.  A source that does not exist or cannot be reached
    raises :class:`SourceUnavailable` (an empty listing would look like every
    known file was deleted); errors *inside* the walk (permissions, symlink
    loops) are logged and skipped rather than aborting the scan.
    """
    fs, root = url_to_fs(source)
    proto = _protocol(fs)
    remote = proto not in ("file", "local")
    try:
        exists = fs.exists(root)
    except Exception as e:  # noqa: BLE001 - credentials, network: reported as unreachable
        raise SourceUnavailable(f"source {source!r} cannot be reached: {type(e).__name__}: {e}", remote) from e
    if not exists:
        raise SourceUnavailable(f"source {source!r} does not exist; nothing changed", remote)
    exts = tuple(e.lower() for e in extensions)
    if fs.isfile(root):
        entries = {root: fs.info(root)}
    else:
        entries = {}
        walker = fs.walk(root, detail=True, on_error=lambda e: log.warning("skipping during scan: %s", e))
        for dirpath, _dirs, files in walker:
            for name, info in files.items():
                entries[info.get("name", f"{dirpath}/{name}")] = info
    out = []
    for path, info in entries.items():
        if not path.lower().endswith(exts) or info.get("type") == "directory":
            continue
        uri = path if proto in ("file", "local") else fs.unstrip_protocol(path)
        mtime = info.get("mtime") or info.get("LastModified") or info.get("created")
        try:
            mtime = float(mtime.timestamp()) if hasattr(mtime, "timestamp") else (float(mtime) if mtime else None)
        except (TypeError, ValueError):
            mtime = None
        shown = display_name(uri)
        out.append(
            VideoFile(
                uri=shown,
                size_bytes=int(info.get("size") or 0),
                mtime=mtime,
                protocol=proto,
                path=uri if shown != uri else "",
            )
        )
    out.sort(key=lambda v: v.uri)
    log.info("discovered %d video files under %s", len(out), source)
    return out


def content_hash(uri: str) -> str:
    """Streamed BLAKE2b-128 of the file's bytes (hex, 32 chars). Raises OSError if unreadable."""
    h = hashlib.blake2b(digest_size=16)
    with fsspec.open(uri, "rb") as f:
        while chunk := f.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def video_id_for(content_hex: str | None, uri: str) -> str:
    """16-hex-char id: from content when readable, else from the URI (prefixed 'u')."""
    if content_hex:
        return content_hex[:16]
    return "u" + hashlib.blake2b(uri.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()[:15]
