"""Run a whole ingest in this process (the Prefect flow composes the same stages).

    scan → plan → extract (decode+encode, shards) → commit videos →
    candidates + scoring → commit pairs → clusters

One writer: the run holds the catalog lock (``<db>.lock``) from start to end and
works on a private copy it publishes at stage boundaries (vidfp.store.writer), so
readers query the last published state throughout.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from vidfp.config import IngestConfig
from vidfp.discover import discover
from vidfp.encoders.base import Encoder
from vidfp.pipeline.extract import default_shard_root, extract_videos
from vidfp.pipeline.guard import check_removal
from vidfp.pipeline.match import cluster_catalog, match_and_score
from vidfp.pipeline.plan import plan_files
from vidfp.store.catalog import Catalog, now_utc
from vidfp.store.shards import clean_orphans, write_manifest
from vidfp.store.snapshot import RunRefused
from vidfp.store.writer import open_writer

log = logging.getLogger(__name__)


def new_run_id() -> str:
    return now_utc().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


@contextmanager
def run_session(
    db: str,
    shards: str,
    encoder_name: str,
    feature_key: str,
    kind: str,
    source: str,
    config_json: str,
    wait_s: float = 0.0,
) -> Iterator[tuple[Catalog, str]]:
    """The frame every run shares (local engine and Prefect flow): take the single-writer
    lock and a private copy (vidfp.store.writer), refuse a catalog of another encoder, clean
    orphaned temp shards, record the run, and mark it 'failed' if the body raises (a killed
    run is marked 'crashed' by the next).  A :class:`RunRefused` from the body changes
    nothing.  The body calls ``cat.finish_run`` when it succeeds and ``cat.publish()`` at
    stage boundaries; the session publishes the final state."""
    run_id = new_run_id()
    with open_writer(db, wait_s=wait_s) as cat:
        cat.check_encoder(encoder_name, feature_key)
        clean_orphans(shards)
        cat.start_run(run_id, kind, source, config_json)
        try:
            yield cat, run_id
        except RunRefused:
            raise
        except BaseException:
            cat.finish_run(run_id, "failed", {})
            raise


def run_counts(
    files: list, planned: list, outcomes: dict[str, dict], n_pairs: int, missing: tuple[int, int]
) -> dict[str, int]:
    return {
        "files": len(files),
        "new": sum(o["status"] == "ok" for o in outcomes.values()),
        "failed": sum(o["status"] == "failed" for o in outcomes.values()) + sum(1 for p in planned if p.error),
        "pairs": n_pairs,
        "missing": missing[0],
        "restored": missing[1],
    }


def video_rows(
    planned,
    outcomes: dict[str, dict],
    encoder: Encoder,
    feature_key: str,
    run_id: str,
    previous: dict[str, dict] | None = None,
) -> tuple[list, list]:
    """Catalog rows for videos (one per id, canonical uri = first sorted) and files.

    ``previous`` (the catalog's rows by id) carries the failure count on: a failure adds one
    to the attempts of a video that had failed before, a success resets it to 0; the
    latest failure's reason stays in ``last_error``."""
    info = encoder.info()
    previous = previous or {}
    videos: dict[str, dict] = {}
    files = []
    for p in sorted(planned, key=lambda p: p.file.uri):
        files.append(
            {
                "uri": p.file.uri,
                "video_id": p.video_id,
                "size_bytes": p.file.size_bytes,
                "mtime": p.file.mtime,
                "run_id": run_id,
            }
        )
        o = outcomes.get(p.video_id)
        if p.error:
            o = {"status": "failed", "error": p.error}
        if o is None or p.video_id in videos:
            continue
        prev = previous.get(p.video_id) or {}
        failed = o["status"] == "failed"
        prior = (prev.get("attempts") or 0) if prev.get("status") == "failed" else 0
        videos[p.video_id] = {
            "video_id": p.video_id,
            "uri": p.file.uri,
            "content_hash": p.content_hash,
            "size_bytes": p.file.size_bytes,
            "duration_s": o.get("duration_s"),
            "fps": o.get("fps"),
            "width": o.get("width"),
            "height": o.get("height"),
            "n_frames": o.get("n_frames"),
            "status": o["status"],
            "error": o.get("error"),
            "encoder": info["encoder"],
            "model": info["model"],
            "weights_sha": info["weights_sha"],
            "feature_key": feature_key,
            "shard_uri": o.get("shard_uri"),
            "scored": False,
            "ingested_at": now_utc(),
            "run_id": run_id,
            "attempts": prior + 1 if failed else 0,
            "last_error": o.get("error") if failed else prev.get("last_error"),
            "decode_note": o.get("decode_note"),
        }
    return list(videos.values()), files


def commit_fingerprints(
    cat: Catalog,
    planned: list,
    outcomes: dict[str, dict],
    encoder: Encoder,
    feature_key: str,
    run_id: str,
    present: set[str],
    shard_root: str,
) -> tuple[int, int]:
    """Record every file and video outcome, mark vanished videos missing and returned ones ok,
    rewrite the shard manifest from the catalog, publish; returns (missing, restored)."""
    previous = {r["video_id"]: r for r in cat.videos()}
    v_rows, f_rows = video_rows(planned, outcomes, encoder, feature_key, run_id, previous)
    cat.upsert(v_rows, f_rows)
    missing = cat.mark_missing(present, run_id)
    cat.publish()
    write_manifest(shard_root, cat.shard_entries())
    return missing


def run_ingest(
    source: str,
    db: str,
    encoder: Encoder,
    cfg: IngestConfig | None = None,
    shards: str | None = None,
    kind: str = "ingest",
    progress: bool = False,
    wait_s: float = 0.0,
) -> dict[str, Any]:
    cfg = cfg or IngestConfig()
    shards = shards or default_shard_root(db)
    feature_key = cfg.fingerprint_key(encoder.key())
    with run_session(db, shards, encoder.name, feature_key, kind, source, cfg.to_json(), wait_s) as (cat, run_id):
        files = discover(source, cfg.extensions)
        vids = {r["video_id"]: r for r in cat.videos()}
        planned = plan_files(
            files,
            cat.known_files(),
            vids,
            feature_key,
            retry_failed=(kind == "rescan"),
            verify=(kind == "rescan"),
            max_attempts=cfg.max_attempts,
        )
        check_removal(vids, planned, source, cfg.max_missing_share, cfg.allow_removal)
        cat.publish()  # readers see the run as 'running'
        n_work = len({p.video_id for p in planned if p.needs_work})
        bar = _bar(progress, n_work, "fingerprint")
        outcomes: dict[str, dict] = {}
        for o in extract_videos(
            planned,
            encoder,
            cfg.decode,
            shards,
            cfg.workers,
            cfg.shard_videos,
            on_result=lambda *_: bar.update(1) if bar else None,
        ):
            outcomes[o["video_id"]] = o
        if bar:
            bar.close()
        missing = commit_fingerprints(
            cat, planned, outcomes, encoder, feature_key, run_id, {f.uri for f in files}, shards
        )
        n_pairs = match_and_score(
            cat,
            encoder,
            cfg.candidates,
            cfg.scoring,
            run_id,
            rescore=(kind == "rescan"),
            workers=cfg.workers,
            decode_cfg=cfg.decode,
        )
        cat.publish()
        cluster_catalog(cat, cfg.scoring)
        counts = run_counts(files, planned, outcomes, n_pairs, missing)
        cat.finish_run(run_id, "ok", counts)
        return {"run_id": run_id, **counts, **cat.summary()}


def _bar(enabled: bool, total: int, desc: str):
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="video")
