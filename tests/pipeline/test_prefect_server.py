"""The operator's path on a real Prefect server:

    prefect server start  →  vidfp serve (every-minute schedule)  →  a run the *scheduler* created completes
                                                                  →  prefect deployment run ingest/nightly --watch

with a temporary PREFECT_HOME (SQLite) on 127.0.0.1, then the DuckDB tables are checked.  The scheduled
run is what users rely on every night and is not needed by a run started by hand: a dependency update
that breaks Prefect's scheduler service (SQLAlchemy 2.1 did) turns this test red.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import duckdb
import pytest
from conftest import write_pan_and_copy

pytestmark = pytest.mark.slow
BIN = os.path.dirname(sys.executable)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(pred, timeout: float, what: str, procs=()):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        for p in procs:
            if p.poll() is not None:
                raise AssertionError(f"{what}: a process exited early with {p.returncode}")
        try:
            if pred():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(1.0)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = dict(
        os.environ,
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_API_URL=f"http://127.0.0.1:{port}/api",
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false",
        PREFECT_RUNNER_POLL_FREQUENCY="2",
        PREFECT_LOGGING_LEVEL="WARNING",
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="5",
    )
    log = open(tmp_path / "server.log", "wb")
    srv = subprocess.Popen(
        [os.path.join(BIN, "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    procs = [srv]
    try:
        _wait(
            lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2).status == 200,
            180,
            "prefect server",
            procs,
        )
        yield env, procs, tmp_path
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
        log.close()


def _flow_runs(env: dict) -> list[dict]:
    req = urllib.request.Request(
        env["PREFECT_API_URL"] + "/flow_runs/filter",
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_scheduled_and_manual_runs_of_ingest_nightly(server):
    env, procs, tmp = server
    src = tmp / "videos"
    write_pan_and_copy(src)
    (src / "broken.mp4").write_bytes(b"nope")
    db = str(tmp / "nightly.duckdb")
    scheduled_db = str(tmp / "scheduled.duckdb")
    serve_log = open(tmp / "serve.log", "wb")
    serve = subprocess.Popen(
        [os.path.join(BIN, "vidfp"), "serve", "--source", str(src), "--db", scheduled_db],
        env=dict(env, VIDFP_NIGHTLY_CRON="* * * * *"),
        cwd=REPO,
        stdout=serve_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    procs.append(serve)
    prefect = os.path.join(BIN, "prefect")

    def deployed():
        out = subprocess.run([prefect, "deployment", "ls"], env=env, capture_output=True, text=True, timeout=60)
        return "ingest/nightly" in out.stdout and "rescan/weekly" in out.stdout

    _wait(deployed, 180, "vidfp serve to register deployments", procs)

    def scheduled_run_done():
        runs = [r for r in _flow_runs(env) if r.get("auto_scheduled")]
        return any(r["state_type"] == "COMPLETED" for r in runs)

    _wait(scheduled_run_done, 240, "a run created by the scheduler to complete", procs)
    con = duckdb.connect(scheduled_db, read_only=True)
    sched_status = sorted(s for (s,) in con.execute("SELECT status FROM videos").fetchall())
    sched_pairs = con.execute("SELECT is_duplicate FROM pair_scores").fetchall()
    con.close()
    assert sched_status == ["failed", "ok", "ok"]
    assert len(sched_pairs) == 1  # scored (the default sampling decides is_duplicate)
    run = subprocess.run(
        [
            prefect,
            "deployment",
            "run",
            "ingest/nightly",
            "--param",
            f"source={src}",
            "--param",
            f"catalog={db}",
            "--param",
            "fps=4",
            "--watch",
            "--watch-timeout",
            "400",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=450,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:] + open(tmp / "serve.log").read()[-3000:]
    con = duckdb.connect(db, read_only=True)
    status = dict(con.execute("SELECT uri, status FROM videos").fetchall())
    pairs = con.execute("SELECT is_duplicate FROM pair_scores").fetchall()
    runs = con.execute("SELECT kind, status FROM runs").fetchall()
    con.close()
    assert sorted(status.values()) == ["failed", "ok", "ok"]
    assert pairs == [(True,)]
    assert runs == [("ingest", "ok")]
    serve_log.close()
