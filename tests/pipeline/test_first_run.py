"""The first ``vidfp ingest`` on a new machine: no ~/.prefect, no server configured.

Before: the default engine started Prefect's ephemeral server, whose first start (creating its
database) outlasted Prefect's fixed 20 s wait: ``RuntimeError: Timed out while attempting to connect
to ephemeral Prefect API server``.  Now the default (``--engine auto``) runs in-process when no Prefect
API is configured, and ``--engine prefect`` starts its own temporary server with a wait long enough for
a first start, tied to vidfp's life (no orphan even under ``kill -9``).
"""

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest
from conftest import write_pan_and_copy

BIN = os.path.dirname(sys.executable)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _corpus(root) -> str:
    return write_pan_and_copy(root / "videos")


def _fresh_env(tmp) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp / "empty_prefect_home")
    env["HOME"] = str(tmp / "home")  # no ~/.prefect either
    return env


def test_default_ingest_on_a_new_machine_runs_in_process(tmp_path):
    src = _corpus(tmp_path)
    db = str(tmp_path / "c.duckdb")
    r = subprocess.run(
        [os.path.join(BIN, "vidfp"), "ingest", src, "--db", db],
        env=_fresh_env(tmp_path),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Traceback" not in r.stderr
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM videos WHERE status = 'ok'").fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM runs WHERE status = 'ok'").fetchone()[0] == 1
    con.close()
    assert not os.path.exists(tmp_path / "empty_prefect_home" / "prefect.db")  # no server was started


@pytest.mark.slow
def test_prefect_engine_first_start_with_empty_prefect_home(tmp_path):
    src = _corpus(tmp_path)
    db = str(tmp_path / "c.duckdb")
    r = subprocess.run(
        [os.path.join(BIN, "vidfp"), "ingest", src, "--db", db, "--engine", "prefect"],
        env=_fresh_env(tmp_path),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=500,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert os.path.exists(tmp_path / "empty_prefect_home" / "prefect.db")  # it really was a first start
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM videos WHERE status = 'ok'").fetchone()[0] == 2
    con.close()


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                out.append(int(d))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_kill_9_of_vidfp_leaves_no_temporary_server(tmp_path):
    src = _corpus(tmp_path)
    proc = subprocess.Popen(
        [os.path.join(BIN, "vidfp"), "ingest", src, "--db", str(tmp_path / "c.duckdb"), "--engine", "prefect"],
        env=_fresh_env(tmp_path),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    t0 = time.monotonic()
    kids: list[int] = []
    while time.monotonic() - t0 < 120 and not kids:
        kids = [k for k in _children(proc.pid) if b"uvicorn" in open(f"/proc/{k}/cmdline", "rb").read()]
        time.sleep(0.2)
    assert kids, "the temporary server never started"
    os.kill(proc.pid, signal.SIGKILL)  # the main process alone, as the OOM killer does
    proc.wait()
    t0 = time.monotonic()
    while time.monotonic() - t0 < 10 and any(_alive(k) for k in kids):
        time.sleep(0.2)
    left = [k for k in kids if _alive(k)]
    for k in left:
        os.kill(k, signal.SIGKILL)
    assert not left, "the temporary Prefect server outlived vidfp"
