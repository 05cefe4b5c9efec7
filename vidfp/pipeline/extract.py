"""Decode + encode the videos that need work, write shards, record every outcome.

Decoding runs in isolated child processes (vidfp.decode.isolation).  A CPU
encoder that ``runs_in_worker`` encodes inside the child too (its
``worker_copy``, which uses the child's share of the cores), so only small
features cross the process boundary and both cores work.  A GPU encoder runs
in this process on pixels the children decode ahead of it: the number of
workers is the prefetch depth, so decoding of the next videos overlaps
encoding of the current ones.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

from vidfp.config import DecodeConfig
from vidfp.decode.isolation import run_isolated
from vidfp.encoders.base import Encoder
from vidfp.pipeline.plan import PlannedFile
from vidfp.records import FrameRecord
from vidfp.store.shards import write_shard

log = logging.getLogger(__name__)


def local_path(uri: str) -> str:
    """A local path for decord: remote URIs are fetched once into fsspec's simplecache."""
    if "://" not in uri or uri.startswith("file://"):
        return uri.removeprefix("file://")
    import fsspec

    return fsspec.open_local(f"simplecache::{uri}")


def fetch_within_limit(uri: str, cfg: DecodeConfig) -> tuple[str, Callable[[Any], None]]:
    """In a child job: the local file for ``uri`` and the container-probe callback for decode_video.

    The job's time limit follows the video's length (DecodeConfig.time_limit): fetching a remote
    file may take up to the cap, and once the container probe knows the duration the limit becomes
    base + factor · duration (a file libavformat cannot open gets only the base limit)."""
    from vidfp.decode.isolation import set_time_limit

    if "://" in uri and not uri.startswith("file://"):
        set_time_limit(cfg.timeout_s)

    def on_probe(info) -> None:
        set_time_limit(cfg.timeout_base_s if info.error else cfg.time_limit(info.duration_s))

    return local_path(uri), on_probe


def extract_one(
    uri: str, video_id: str, size: tuple[int, int], cfg: DecodeConfig, encoder: Encoder | None
) -> tuple[FrameRecord, dict[str, Any]]:
    """Child-process job: decode (and encode when ``encoder`` is given), within the time limit
    that ``fetch_within_limit`` sets from the video's length."""
    from vidfp.decode.reader import decode_video

    path, on_probe = fetch_within_limit(uri, cfg)
    rec, meta = decode_video(path, video_id, size, cfg, on_probe=on_probe)
    if encoder is not None:
        rec = rec.with_features(*encoder.encode(rec.pixels))
    return rec, asdict(meta)


def extract_videos(
    planned: list[PlannedFile],
    encoder: Encoder,
    cfg: DecodeConfig,
    shard_root: str,
    workers: int = 2,
    shard_videos: int = 64,
    on_result: Callable[[str, bool], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Yield one outcome dict per video id: status ok (with shard_uri) or failed (with error).

    Outcomes are yielded only after the shard holding the video is on disk, so
    a caller that commits them never references a missing shard.
    """
    todo: dict[str, PlannedFile] = {}
    for p in planned:
        if p.needs_work and p.video_id not in todo:
            todo[p.video_id] = p
    job_encoder = encoder.for_jobs(workers)
    jobs = ((vid, (p.file.io_path, vid, encoder.input_size, cfg, job_encoder)) for vid, p in sorted(todo.items()))
    batch: list[tuple[FrameRecord, dict]] = []

    def flush() -> Iterator[dict[str, Any]]:
        if not batch:
            return
        recs = [r for r, _ in batch]
        uri = write_shard(recs, shard_root, encoder.key())
        for r, meta in batch:
            yield {
                "video_id": r.video_id,
                "status": "ok",
                "error": None,
                "shard_uri": uri,
                "n_frames": r.n_frames,
                **meta,
                "decode_note": r.meta.get("decode_note") or meta.get("decode_note"),
            }
        batch.clear()

    limits = {"timeout_s": min(cfg.timeout_base_s, cfg.timeout_s), "max_timeout_s": cfg.timeout_s}
    for vid, ok, value in run_isolated(extract_one, jobs, workers, **limits):
        if ok:
            rec, meta = value
            if job_encoder is None:
                try:
                    rec = rec.with_features(*encoder.encode(rec.pixels))
                except Exception as e:  # noqa: BLE001 - recorded, run goes on
                    ok, value = False, f"encoder failed: {type(e).__name__}: {e}"
            if ok:
                batch.append((rec, meta))
        if not ok:
            log.warning("failed %s (%s): %s", vid, todo[vid].file.uri, value)
            yield {"video_id": vid, "status": "failed", "error": str(value)[:1000], "shard_uri": None}
        if on_result:
            on_result(vid, ok)
        if len(batch) >= shard_videos:
            yield from flush()
    yield from flush()


def default_shard_root(db_path: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(db_path)), os.path.basename(db_path) + ".shards")
