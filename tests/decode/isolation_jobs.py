"""Jobs for tests of vidfp.decode.isolation (a module, so forkserver children can import them)."""

from __future__ import annotations

import os
import signal
import time

from vidfp.decode.isolation import set_time_limit


def sleep_then_return(limit_s: float | None, sleep_s: float, value: str = "done") -> str:
    """Optionally set my time limit, then sleep."""
    if limit_s is not None:
        set_time_limit(limit_s)
    time.sleep(sleep_s)
    return value


def crash() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def write_pid_and_sleep(folder: str, sleep_s: float) -> None:
    """Leave my pid in ``folder`` (so a test knows I run), then sleep like a hung decoder."""
    with open(os.path.join(folder, f"{os.getpid()}.pid"), "w") as f:
        f.write(str(os.getppid()))
    time.sleep(sleep_s)


def my_pid() -> int:
    return os.getpid()


def call(fn, args: tuple):
    """Run another job function (so one run can mix jobs)."""
    return fn(*args)


def started_at() -> float:
    """When this job started (wall clock)."""
    return time.time()
