"""Prefect flow ``ingest``: scan → plan → fingerprint batches (mapped) → commit →
score → cluster, on one catalog held by one writer for the whole run.

Fingerprint batches fan out with ``task.map`` (thread runner by default);
each batch decodes in isolated child processes and writes its own shard, so
only the flow's commit step touches DuckDB.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import Any

from prefect import flow, get_run_logger, unmapped

from tasks.ingest_tasks import cluster_task, commit_task, extract_task, make_encoder, plan_task, scan_task
from vidfp import progress as terminal_progress
from vidfp.config import DecodeConfig, IngestConfig, ScoringConfig, encoder_for
from vidfp.pipeline.extract import default_shard_root
from vidfp.pipeline.guard import check_removal
from vidfp.pipeline.run import run_counts, run_session

log = logging.getLogger(__name__)


def build_config(
    fps: float,
    workers: int,
    threshold: float | None,
    max_frames: int,
    timeout_s: float = 3600.0,
    allow_removal: bool = False,
    max_missing_share: float = 0.2,
    max_attempts: int = 3,
    framing: bool = True,
) -> IngestConfig:
    cfg = IngestConfig(
        workers=workers,
        decode=DecodeConfig(
            fps=fps, max_frames=max_frames, timeout_s=timeout_s, blurred_fill=framing, find_inset=framing
        ),
        allow_removal=allow_removal,
        max_missing_share=max_missing_share,
        max_attempts=max_attempts,
    )
    if threshold is not None:
        cfg = replace(cfg, scoring=replace(ScoringConfig(), duplicate_threshold=threshold))
    return cfg


@flow(name="ingest", log_prints=True)
def ingest_flow(
    source: str,
    catalog: str,
    encoder: str | None = None,
    fps: float = 2.0,
    weights: str | None = None,
    model: str = "vits16",
    kind: str = "ingest",
    shards: str | None = None,
    workers: int = 2,
    threshold: float | None = None,
    max_frames: int = 600,
    batch_videos: int = 32,
    wait_s: float = 600.0,
    gpu_limit: str | None = None,
    timeout_s: float = 3600.0,
    allow_removal: bool = False,
    max_missing_share: float = 0.2,
    max_attempts: int = 3,
    report: bool = True,
    framing: bool = True,
) -> dict[str, Any]:
    from tasks.ingest_tasks import score_task

    logger = get_run_logger()
    cfg = build_config(
        fps, workers, threshold, max_frames, timeout_s, allow_removal, max_missing_share, max_attempts, framing
    )
    shard_root = shards or default_shard_root(catalog)
    spec = {"name": encoder_for(catalog, encoder), "weights": weights, "model": model}
    enc = make_encoder(**spec)
    feature_key = cfg.fingerprint_key(enc.key())
    with run_session(catalog, shard_root, enc.name, feature_key, kind, source, cfg.to_json(), wait_s) as (cat, run_id):
        files = scan_task(source, cfg.extensions)
        planned = plan_task(cat, files, feature_key, kind, cfg.max_attempts)
        check_removal(
            {r["video_id"]: r for r in cat.videos()}, planned, source, cfg.max_missing_share, cfg.allow_removal
        )
        cat.publish()  # readers see the run as 'running'
        work = sorted({p.video_id: p for p in planned if p.needs_work}.values(), key=lambda p: p.video_id)
        batches = [work[i : i + batch_videos] for i in range(0, len(work), batch_videos)]
        logger.info("%d files, %d videos to fingerprint in %d batches", len(files), len(work), len(batches))
        outcomes: dict[str, dict] = {}
        if batches:
            progress = _progress_artifact(len(work))
            terminal_progress.start(len(work))  # per-video bar when started from a terminal (vidfp.progress)
            futures = extract_task.map(batches, unmapped(spec), unmapped(cfg.decode), shard_root, workers, gpu_limit)
            try:
                for fut in futures:
                    for o in fut.result():
                        outcomes[o["video_id"]] = o
                    progress(len(outcomes))
            finally:
                terminal_progress.close()
        missing = commit_task(cat, planned, outcomes, spec, feature_key, run_id, {f.uri for f in files}, shard_root)
        n_pairs = score_task(cat, spec, cfg, run_id, rescore=(kind == "rescan"))
        cluster_task(cat, cfg.scoring)
        counts = run_counts(files, planned, outcomes, n_pairs, missing)
        cat.finish_run(run_id, "ok", counts)
        summary = {"run_id": run_id, **counts, **cat.summary()}
    _publish_artifacts(summary, catalog)
    if report:
        _publish_report(catalog)
    return summary


# Pair pages drawn by the flow's report (the most similar first). Each costs two plots and a recompute
# (≈ 1 s on 2 cores): 500, `write_report`'s own default, made a 165-video nightly run spend ≈ 8 minutes on it.
REPORT_MAX_PAIRS = 50


def _publish_report(catalog: str) -> None:
    """Write the static review report next to the catalog (``<db>.report``) and link it in the UI.

    Best effort: the report is a view of the catalog, and failing to write it never fails the run.
    """
    try:
        from prefect.artifacts import create_link_artifact

        from vidfp.review.static import write_report

        index = write_report(catalog, catalog + ".report", max_pairs=REPORT_MAX_PAIRS)
        create_link_artifact(
            key="vidfp-report",
            link="file://" + os.path.abspath(index),
            link_text="vidfp report: clusters and pairs",
            description="Static, read-only pages of this catalog (vidfp report); `vidfp review` to decide.",
        )
    except Exception as e:  # noqa: BLE001 - artifacts are informative only
        log.info("report not published: %s", e)


def _progress_artifact(total: int):
    """A progress artifact in the UI, updated as fingerprint batches finish (best effort)."""
    try:
        from prefect.artifacts import create_progress_artifact, update_progress_artifact

        art = create_progress_artifact(
            0.0, key="vidfp-fingerprint-progress", description=f"videos fingerprinted of {total}"
        )
    except Exception as e:  # noqa: BLE001 - artifacts are informative only
        log.info("progress artifact not created: %s", e)
        return lambda done: None

    def update(done: int) -> None:
        try:
            update_progress_artifact(art, 100.0 * done / max(total, 1))
        except Exception as e:  # noqa: BLE001
            log.info("progress artifact not updated: %s", e)

    return update


def _publish_artifacts(summary: dict[str, Any], catalog: str) -> None:
    """Markdown summary + table of top pairs in the Prefect UI (best effort)."""
    try:
        import duckdb
        from prefect.artifacts import create_markdown_artifact, create_table_artifact

        md = "\n".join(f"- **{k}**: {v}" for k, v in summary.items())
        create_markdown_artifact(key="vidfp-ingest-summary", markdown=f"# vidfp ingest\n{md}")
        con = duckdb.connect(catalog, read_only=True)
        rows = con.execute(
            """SELECT a.uri, b.uri, p.similarity FROM pair_scores p
                              JOIN videos a ON a.video_id = p.video_a JOIN videos b ON b.video_id = p.video_b
                              WHERE p.is_duplicate AND p.run_id = ? ORDER BY p.similarity DESC LIMIT 50""",
            [summary["run_id"]],
        ).fetchall()
        con.close()
        create_table_artifact(
            key="vidfp-new-pairs", table=[{"video_a": a, "video_b": b, "similarity": round(s, 3)} for a, b, s in rows]
        )
    except Exception as e:  # noqa: BLE001 - artifacts are informative only
        log.info("artifacts not published: %s", e)


@flow(name="rescan", log_prints=True)
def rescan_flow(
    source: str,
    catalog: str,
    encoder: str | None = None,
    fps: float = 2.0,
    weights: str | None = None,
    model: str = "vits16",
    gpu_limit: str | None = None,
    framing: bool = True,
) -> dict[str, Any]:
    """Verify every file by content hash, retry failures, re-fingerprint stale videos, rescore all pairs."""
    return ingest_flow(
        source=source,
        catalog=catalog,
        encoder=encoder,
        fps=fps,
        weights=weights,
        model=model,
        kind="rescan",
        gpu_limit=gpu_limit,
        framing=framing,
    )
