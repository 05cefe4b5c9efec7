"""Decide, per discovered file, whether it needs decoding.

Quick check first: a file whose URI, size and mtime match the ``files`` table
keeps its id without re-hashing.  Otherwise its content is hashed; a known
hash (a moved or renamed file, or a byte-identical copy) keeps the id.  A
video needs work when it has no row yet or its row was made with another
feature key (encoder/sampling changed).  A failed video is retried by the next
ingest while it has failed fewer than ``max_attempts`` times in a row (decode
timeouts and CUDA out-of-memory pass; broken bytes fail the same way each
time), and by every rescan (``retry_failed``).  A file whose bytes could not be
read (its id comes from its URI) is re-read on the same terms.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from vidfp.discover import VideoFile, content_hash, video_id_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedFile:
    file: VideoFile
    video_id: str
    content_hash: str | None
    needs_work: bool
    error: str | None = None  # set when the bytes could not even be read


def plan_files(
    files: list[VideoFile],
    known_files: dict[str, tuple[str, int, float | None]],
    videos: dict[str, dict],
    feature_key: str,
    retry_failed: bool = False,
    verify: bool = False,
    max_attempts: int = 3,
) -> list[PlannedFile]:
    out: list[PlannedFile] = []
    hash_by_vid = {v: row.get("content_hash") for v, row in videos.items()}

    def retry(row: dict) -> bool:
        return retry_failed or (row.get("attempts") or 0) < max_attempts

    for f in files:
        known = known_files.get(f.uri)
        error = None
        quick = not verify and known and known[1] == f.size_bytes and known[2] == f.mtime
        if quick and not hash_by_vid.get(known[0]) and known[0] in videos and retry(videos[known[0]]):
            quick = False  # its bytes could not be read last time: try again
        if quick:
            vid, chash = known[0], hash_by_vid.get(known[0])
        else:
            try:
                chash = content_hash(f.io_path)
            except OSError as e:
                chash, error = None, f"unreadable: {e.strerror or e}"
            vid = video_id_for(chash, f.uri)
        row = videos.get(vid)
        if error:
            needs = False
        elif row is None:
            needs = True
        elif row["status"] == "failed":
            needs = retry(row) or row.get("feature_key") != feature_key
        else:  # ok or missing (file came back)
            needs = row.get("feature_key") != feature_key or row["status"] == "missing" and not row.get("shard_uri")
        out.append(PlannedFile(f, vid, chash, needs, error))
    n_work = len({p.video_id for p in out if p.needs_work})
    log.info("%d files, %d videos to fingerprint", len(out), n_work)
    return out
