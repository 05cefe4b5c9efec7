"""The Prefect flow composes the same stages: same tables as the in-process run."""

import pytest

pytestmark = pytest.mark.slow


def test_ingest_flow_matches_local_run(tmp_path):
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import ingest_flow
    from tests.conftest import write_test_video
    from tests.pipeline.test_e2e import dump
    from vidfp.config import DecodeConfig, IngestConfig
    from vidfp.encoders import get_encoder
    from vidfp.pipeline import run_ingest

    src = tmp_path / "src"
    src.mkdir()
    write_test_video(src / "a.mp4", n=90, fps=30, size=(96, 128))
    write_test_video(src / "a copy.mp4", n=90, fps=15, size=(48, 64))
    (src / "broken.mp4").write_bytes(b"nope")
    with prefect_test_harness(server_startup_timeout=120):
        s = ingest_flow(
            source=str(src), catalog=str(tmp_path / "flow.duckdb"), fps=4.0, batch_videos=2, encoder="baseline"
        )
    assert s["videos_ok"] == 2 and s["videos_failed"] == 1
    assert (tmp_path / "flow.duckdb.report" / "index.html").is_file()  # the report the flow links in the UI
    run_ingest(
        str(src),
        str(tmp_path / "local.duckdb"),
        get_encoder("baseline"),
        IngestConfig(decode=DecodeConfig(fps=4.0)),
        shards=str(tmp_path / "flow.duckdb.shards"),
    )
    a, b = dump(str(tmp_path / "flow.duckdb")), dump(str(tmp_path / "local.duckdb"))
    for d in (a, b):  # shard layout follows batching (flow: 2 videos per shard); everything else is equal
        d["videos"] = [row[:-1] for row in d["videos"]]
    assert a == b


def test_dask_local_cluster_gives_the_thread_runner_tables(tmp_path):
    """Two Dask worker processes fingerprint the batches; the catalog must not differ."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.ingest import ingest_flow
    from flows.runners import make_task_runner
    from tests.conftest import write_test_video
    from tests.pipeline.test_e2e import dump

    src = tmp_path / "src"
    src.mkdir()
    for k, (fps, size) in enumerate([(30, (96, 128)), (15, (48, 64)), (24, (64, 96)), (12, (64, 64))]):
        write_test_video(src / f"v{k}.mp4", n=60 + 10 * k, fps=fps, size=size)
    (src / "broken.mp4").write_bytes(b"nope")
    out = {}
    with prefect_test_harness(server_startup_timeout=120):
        for kind in ("threads", "dask"):
            flow = ingest_flow.with_options(task_runner=make_task_runner(kind, workers=2))
            flow(source=str(src), catalog=str(tmp_path / f"{kind}.duckdb"), fps=4.0, batch_videos=2, workers=1)
            out[kind] = dump(str(tmp_path / f"{kind}.duckdb"))
    for d in out.values():
        d["videos"] = [row[:-1] for row in d["videos"]]  # shard paths differ by catalog location
    assert out["threads"]["videos"] and out["threads"] == out["dask"]


def test_served_deployments_carry_the_framing_choice(monkeypatch):
    """`vidfp serve --no-framing`: both scheduled deployments run with framing off (a catalog kept
    without framing is not re-fingerprinted by the first scheduled run); the default keeps it on."""
    import prefect

    import deployments.serve as serve_mod

    seen = []
    monkeypatch.setattr(serve_mod, "_ensure_gpu_limit", lambda slots: None)
    monkeypatch.setattr(prefect, "serve", lambda *deps, limit: seen.append({d.name: d.parameters for d in deps}))
    serve_mod.serve_all("src", "cat.duckdb", framing=False)
    serve_mod.serve_all("src", "cat.duckdb")
    off, on = seen
    assert off["nightly"]["framing"] is False and off["weekly"]["framing"] is False
    assert on["nightly"]["framing"] is True and on["weekly"]["framing"] is True
    assert off["nightly"]["source"] == "src" and off["weekly"]["catalog"] == "cat.duckdb"
