"""Thin Prefect tasks: each is one call into vidfp (logic lives in the library).

Tasks pass small values (file lists, outcome dicts, counts); features travel
through Parquet shards, never through Prefect results.
"""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from vidfp import progress
from vidfp.config import DecodeConfig, IngestConfig, ScoringConfig
from vidfp.discover import SourceUnavailable, VideoFile, discover
from vidfp.encoders import get_encoder
from vidfp.pipeline.extract import extract_videos
from vidfp.pipeline.match import cluster_catalog, match_and_score
from vidfp.pipeline.plan import PlannedFile, plan_files
from vidfp.pipeline.run import commit_fingerprints
from vidfp.store.catalog import Catalog


def make_encoder(name: str, weights: str | None = None, model: str = "vits16", device: str = "auto"):
    if name == "dinov3":
        return get_encoder("dinov3", weights_path=weights, model=model, device=device)
    return get_encoder(name, device=device)


def _retry_scan(task, task_run, state) -> bool:
    """Retry a scan unless the source is certainly absent (a local path that does not exist)."""
    exc = state.data
    return not (isinstance(exc, SourceUnavailable) and not exc.transient)


@task(name="scan", retries=3, retry_delay_seconds=[2, 10, 30], retry_condition_fn=_retry_scan)
def scan_task(source: str, extensions: tuple[str, ...]) -> list[VideoFile]:
    return discover(source, extensions)


@task(name="plan", retries=2, retry_delay_seconds=5, cache_policy=NO_CACHE)
def plan_task(
    catalog: Catalog, files: list[VideoFile], feature_key: str, kind: str, max_attempts: int = 3
) -> list[PlannedFile]:
    vids = {r["video_id"]: r for r in catalog.videos()}
    return plan_files(
        files,
        catalog.known_files(),
        vids,
        feature_key,
        retry_failed=kind == "rescan",
        verify=kind == "rescan",
        max_attempts=max_attempts,
    )


@task(name="fingerprint-batch", retries=1, retry_delay_seconds=10, timeout_seconds=None, tags=["vidfp-encode"])
def extract_task(
    batch: list[PlannedFile],
    spec: dict[str, Any],
    decode: DecodeConfig,
    shard_root: str,
    workers: int,
    gpu_limit: str | None = None,
) -> list[dict[str, Any]]:
    """Decode + encode one batch of videos into one shard; failures come back as outcomes.

    With ``gpu_limit`` the batch holds one slot of that Prefect global concurrency
    limit (strict) while it runs.
    """
    if gpu_limit:
        from prefect.concurrency.sync import concurrency

        with concurrency(gpu_limit, occupy=1, strict=True):
            return _extract(batch, spec, decode, shard_root, workers)
    return _extract(batch, spec, decode, shard_root, workers)


def _extract(batch, spec, decode, shard_root, workers) -> list[dict[str, Any]]:
    encoder = make_encoder(**spec)
    return list(
        extract_videos(
            batch,
            encoder,
            decode,
            shard_root,
            workers=workers,
            shard_videos=len(batch) or 1,
            on_result=progress.advance,
        )
    )


@task(name="commit-videos", cache_policy=NO_CACHE)
def commit_task(
    catalog: Catalog,
    planned: list[PlannedFile],
    outcomes: dict[str, dict],
    spec: dict[str, Any],
    feature_key: str,
    run_id: str,
    present: set[str],
    shard_root: str,
) -> tuple[int, int]:
    return commit_fingerprints(
        catalog, planned, outcomes, make_encoder(**spec), feature_key, run_id, present, shard_root
    )


@task(name="score-pairs", cache_policy=NO_CACHE)
def score_task(catalog: Catalog, spec: dict[str, Any], cfg: IngestConfig, run_id: str, rescore: bool = False) -> int:
    n = match_and_score(
        catalog,
        make_encoder(**spec),
        cfg.candidates,
        cfg.scoring,
        run_id,
        rescore=rescore,
        workers=cfg.workers,
        decode_cfg=cfg.decode,
    )
    catalog.publish()
    return n


@task(name="cluster", cache_policy=NO_CACHE)
def cluster_task(catalog: Catalog, score_cfg: ScoringConfig | None = None) -> int:
    clusters = cluster_catalog(catalog, score_cfg)
    return len(set(clusters.values()))
