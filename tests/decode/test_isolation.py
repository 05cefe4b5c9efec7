"""Killable per-video jobs: time limits from the video's length, crashes, and no orphans after kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests.decode.isolation_jobs import call as _call
from tests.decode.isolation_jobs import crash, sleep_then_return
from vidfp.config import DecodeConfig
from vidfp.decode.isolation import run_isolated

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _run(fn, jobs, timeout_s, max_timeout_s=None):
    t = time.monotonic()
    out = {k: (ok, v) for k, ok, v in run_isolated(fn, jobs, 2, timeout_s, max_timeout_s)}
    return out, time.monotonic() - t


def test_job_shortens_its_limit_once_it_knows_the_length():
    out, took = _run(sleep_then_return, [("hung", (0.5, 30.0))], timeout_s=60.0)
    assert out["hung"] == (False, "timed out after 0.5 s")
    assert took < 10


def test_job_extends_its_limit_up_to_the_cap():
    out, _ = _run(
        sleep_then_return, [("long", (5.0, 1.5)), ("capped", (100.0, 30.0))], timeout_s=1.0, max_timeout_s=3.0
    )
    assert out["long"] == (True, "done")  # 1.5 s > initial 1 s, but it asked for 5 s
    assert out["capped"] == (False, "timed out after 3 s")  # asked for 100 s, capped at 3 s from its start


def test_initial_limit_applies_until_the_job_reports():
    out, took = _run(sleep_then_return, [("silent", (None, 30.0))], timeout_s=1.0)
    assert out["silent"] == (False, "timed out after 1 s") and took < 10


def test_crash_is_recorded():
    out, _ = _run(crash, [("c", ())], timeout_s=30.0)
    assert out["c"] == (False, f"decoder crashed (signal {signal.SIGSEGV.value})")


def test_time_limit_grows_with_duration_and_is_capped():
    cfg = DecodeConfig(timeout_s=600.0, timeout_base_s=60.0, timeout_per_video_s=4.0)
    assert cfg.time_limit(3.0) == 72.0
    assert cfg.time_limit(100.0) == 460.0
    assert cfg.time_limit(7200.0) == 600.0
    assert cfg.time_limit(None) == 600.0 and cfg.time_limit(0.0) == 600.0


def _marked_pids(marker: str) -> list[int]:
    """Live processes whose environment holds ``marker`` (zombies have an empty environ)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == os.getpid():
            continue
        try:
            with open(f"/proc/{d}/environ", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(d))
        except OSError:
            continue
    return found


def _describe(pids: list[int]) -> list[str]:
    out = []
    for p in pids:
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                out.append(f"{p}: {f.read()[:100].replace(bytes(1), b' ').decode(errors='replace')}")
        except OSError:
            out.append(f"{p}: gone")
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG and /proc are Linux")
def test_no_orphans_after_kill_9_of_the_main_process(tmp_path):
    marker = f"VIDFP_ORPHAN_TEST={uuid.uuid4().hex}"
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from vidfp.decode.isolation import run_isolated\n"
        "from tests.decode.isolation_jobs import write_pid_and_sleep\n"
        "jobs = [(k, (sys.argv[2], 120.0)) for k in 'abc']\n"
        "for _ in run_isolated(write_pid_and_sleep, jobs, 2, 600.0): pass\n"
    )
    env = dict(os.environ, **dict([marker.split("=")]))
    main = subprocess.Popen([sys.executable, "-c", script, ROOT, str(tmp_path)], env=env)
    try:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("*.pid"))) < 2:
            assert time.monotonic() < deadline, "decode children never started"
            assert main.poll() is None, "main process ended early"
            time.sleep(0.1)
        children = [int(p.stem) for p in tmp_path.glob("*.pid")]
        before = _marked_pids(marker)
        assert main.pid in before and set(children) <= set(before)
        assert len(before) >= 4  # main, forkserver, two decode children
        main.send_signal(signal.SIGKILL)  # the main process alone
        main.wait()
        deadline = time.monotonic() + 5
        while (left := _marked_pids(marker)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert left == [], f"orphans left: {_describe(left)}"
    finally:
        if main.poll() is None:
            main.kill()
        for pid in _marked_pids(marker):  # clean up if the test failed
            os.kill(pid, signal.SIGKILL)


def test_extract_job_sets_its_limit_from_the_probed_length(tmp_path, monkeypatch):
    from tests.conftest import write_test_video
    from vidfp.decode import isolation
    from vidfp.decode.probe import probe
    from vidfp.pipeline.extract import extract_one

    p = tmp_path / "v.mp4"
    write_test_video(p, n=50, fps=25.0)  # 2 s
    limits = []
    monkeypatch.setattr(isolation, "set_time_limit", limits.append)
    cfg = DecodeConfig(timeout_s=500.0, timeout_base_s=10.0, timeout_per_video_s=5.0)
    _, meta = extract_one(str(p), "v", (32, 32), cfg, None)
    assert limits == [10.0 + 5.0 * probe(str(p)).duration_s] and abs(limits[0] - 20.0) < 0.5
    assert meta["n_frames_total"] == 50


def _pids(out: dict) -> set:
    assert all(ok for ok, _ in out.values())
    return {v for _, v in out.values()}


def test_job_processes_are_reused_up_to_their_bound():
    from tests.decode.isolation_jobs import my_pid

    jobs = [(str(k), ()) for k in range(6)]

    def pids(per: int, workers: int = 2) -> set:
        return _pids({k: (ok, v) for k, ok, v in run_isolated(my_pid, jobs, workers, 30.0, jobs_per_process=per)})

    assert len(pids(32)) <= 2
    assert len(pids(1)) == 6  # one process per job
    assert len(pids(2, workers=1)) == 3  # one at a time, each replaced after its second job
    assert os.getpid() not in pids(32)


def test_a_crash_takes_only_its_own_job_and_its_process_is_replaced():
    from tests.decode.isolation_jobs import my_pid

    jobs = [("a", (my_pid, ())), ("b", (crash, ())), ("c", (my_pid, ())), ("d", (my_pid, ()))]
    out = {k: (ok, v) for k, ok, v in run_isolated(_call, jobs, 1, 30.0)}
    assert out["b"] == (False, f"decoder crashed (signal {signal.SIGSEGV.value})")
    assert out["a"][0] and out["c"][0] and out["d"][0]
    assert out["c"][1] == out["d"][1] != out["a"][1]  # a fresh process after the crash, then reused


def test_a_limit_set_by_one_job_does_not_carry_over_to_the_next():
    jobs = [("first", (100.0, 0.0)), ("second", (None, 30.0)), ("third", (None, 0.0))]
    out, took = _run_one_at_a_time(sleep_then_return, jobs, timeout_s=1.0)
    assert out["first"] == (True, "done")
    assert out["second"] == (False, "timed out after 1 s") and took < 10
    assert out["third"] == (True, "done")  # after the kill, a fresh process runs the rest


def test_stopping_early_leaves_no_job_process(tmp_path):
    from tests.decode.isolation_jobs import my_pid, write_pid_and_sleep

    jobs = [("slow", (write_pid_and_sleep, (str(tmp_path), 60.0))), ("quick", (my_pid, ())), ("later", (my_pid, ()))]
    gen = run_isolated(_call, jobs, 2, 120.0)
    key, ok, quick = next(gen)
    assert (key, ok) == ("quick", True)
    deadline = time.monotonic() + 10
    while not list(tmp_path.glob("*.pid")) and time.monotonic() < deadline:
        time.sleep(0.05)
    (slow,) = [int(p.stem) for p in tmp_path.glob("*.pid")]
    assert _running(slow) and _running(quick)
    gen.close()  # the caller stops reading while "slow" still runs
    deadline = time.monotonic() + 5
    while (_running(slow) or _running(quick)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(slow) and not _running(quick)


def _running(pid: int) -> bool:
    from vidfp.decode.isolation import _alive

    return _alive(pid)


def _run_one_at_a_time(fn, jobs, timeout_s):
    t = time.monotonic()
    out = {k: (ok, v) for k, ok, v in run_isolated(fn, jobs, 1, timeout_s)}
    return out, time.monotonic() - t


def test_the_next_job_starts_while_the_caller_works_on_a_result():
    from tests.decode.isolation_jobs import started_at

    gen = run_isolated(started_at, [("first", ()), ("second", ())], 1, 30.0)
    _, ok, _ = next(gen)
    handed_back = time.time()
    time.sleep(1.0)  # the caller encodes the first video
    _, ok2, second_started = next(gen)
    gen.close()
    assert ok and ok2
    assert second_started < handed_back + 0.5  # not only once the caller asked for more


class _DeadOnArrival:
    """A job process's pipe whose process is gone by the time a job is sent."""

    def __init__(self, conn):
        self._conn = conn

    def send(self, _):
        raise BrokenPipeError("the process is gone")

    def __getattr__(self, name):
        return getattr(self._conn, name)


def test_a_job_whose_process_died_as_it_was_handed_over_runs_on_the_next(monkeypatch):
    from tests.decode.isolation_jobs import my_pid
    from vidfp.decode import isolation

    real, started = isolation._start, []

    def start(ctx, fn, quiet):
        w = real(ctx, fn, quiet)
        if not started:
            w.conn = _DeadOnArrival(w.conn)
        started.append(w.proc.pid)
        return w

    monkeypatch.setattr(isolation, "_start", start)
    out = {k: (ok, v) for k, ok, v in isolation.run_isolated(my_pid, [("a", ()), ("b", ())], 1, 30.0)}
    assert out["a"][0] and out["b"][0]  # neither job is lost or blamed
    assert len(started) == 2 and started[0] not in {out["a"][1], out["b"][1]}
    assert not _running(started[0])
