"""Serve ``ingest/nightly`` and ``rescan/weekly`` from one process (``vidfp serve``).

Needs a real Prefect server (``prefect server start``; PREFECT_API_URL set):
ephemeral mode does not work across processes.  Parameters ``source`` and
``catalog`` (and ``framing``) can be overridden per run with ``--param``.  ``limit`` bounds
concurrent flow runs, so a backlog never starts unbounded runs.
"""

from __future__ import annotations

import os

NIGHTLY_CRON = os.environ.get("VIDFP_NIGHTLY_CRON", "0 2 * * *")
WEEKLY_CRON = os.environ.get("VIDFP_WEEKLY_CRON", "0 4 * * 0")


GPU_LIMIT = "vidfp-gpu"


def serve_all(
    source: str,
    catalog: str,
    limit: int = 1,
    gpu_slots: int = 1,
    runner: str = "threads",
    address: str | None = None,
    framing: bool = True,
) -> None:
    """Serve both deployments; ``framing=False`` keeps whole pictures in every scheduled run (a catalog
    kept without framing would otherwise be re-fingerprinted by the first scheduled run)."""
    from prefect import serve

    from flows.ingest import ingest_flow, rescan_flow
    from flows.runners import make_task_runner

    ingest_flow = ingest_flow.with_options(task_runner=make_task_runner(runner, address))

    _ensure_gpu_limit(gpu_slots)
    params = {"source": source, "catalog": catalog, "gpu_limit": GPU_LIMIT, "framing": framing}
    nightly = ingest_flow.to_deployment(name="nightly", cron=NIGHTLY_CRON, parameters=params)
    weekly = rescan_flow.to_deployment(name="weekly", cron=WEEKLY_CRON, parameters=params)
    serve(nightly, weekly, limit=limit)


def _ensure_gpu_limit(slots: int) -> None:
    """Global concurrency limit ``vidfp-gpu`` with ``slots`` slots (created or resized).

    Fingerprint batches occupy one slot while they run (strict: a deployment run
    fails loudly if the limit was deleted instead of running unthrottled), so at
    most ``slots`` GPU stages share a device.
    """
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(GPU_LIMIT, slots)


if __name__ == "__main__":
    serve_all(
        os.environ.get("VIDFP_SOURCE", "vidfp-demo/corpus"),
        os.environ.get("VIDFP_CATALOG", "vidfp-demo/nightly.duckdb"),
    )
