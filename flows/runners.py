"""Task runners for the fingerprint fan-out: threads (one machine), Dask or Ray (more machines).

Only ``extract_task.map`` goes through the runner: each batch decodes, encodes
and writes one shard (to a path or fsspec URI every worker can reach) and
returns small outcome dicts.  Everything that touches DuckDB runs in the flow
process, so the catalog keeps exactly one writer whatever the runner.
"""

from __future__ import annotations

from typing import Any

RUNNERS = ("threads", "dask", "ray")


def make_task_runner(kind: str = "threads", address: str | None = None, workers: int = 2) -> Any:
    """A Prefect task runner.

    threads: ``ThreadPoolTaskRunner(workers)`` (each batch already decodes in
    child processes).  dask: ``DaskTaskRunner`` on the cluster at ``address``
    (``tcp://host:8786``) or a LocalCluster of ``workers`` non-daemonic
    single-threaded processes (so batches may start their decode children).
    ray: ``RayTaskRunner(address)``; needs ``pip install prefect-ray``.
    """
    if kind == "threads":
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=workers)
    if kind == "dask":
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as e:
            raise RuntimeError("--runner dask needs prefect-dask: pip install 'vidfp[cluster]'") from e
        if address:
            return DaskTaskRunner(address=address)
        import dask

        dask.config.set({"distributed.worker.daemon": False})
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None}
        )
    if kind == "ray":
        try:
            from prefect_ray import RayTaskRunner
        except ImportError as e:
            raise RuntimeError("--runner ray needs prefect-ray: pip install prefect-ray") from e
        return RayTaskRunner(address=address) if address else RayTaskRunner()
    raise ValueError(f"unknown runner {kind!r}; choose one of {', '.join(RUNNERS)}")
