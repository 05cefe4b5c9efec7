"""Pipeline stages as plain functions; Prefect tasks (tasks/) wrap one each."""

from vidfp.pipeline.extract import extract_videos
from vidfp.pipeline.match import cluster_catalog, match_and_score
from vidfp.pipeline.plan import PlannedFile, plan_files
from vidfp.pipeline.run import run_ingest

__all__ = ["PlannedFile", "cluster_catalog", "extract_videos", "match_and_score", "plan_files", "run_ingest"]
