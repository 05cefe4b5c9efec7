"""Run per-video jobs in child processes so a crash or hang in a decoder cannot
take the run down.

A thread cannot be interrupted while it sits in C code (decord, FFmpeg), and a
segfault in the main process loses the whole run; a child process can be
killed and its death observed.  Children come from a ``forkserver`` so they do
not inherit CUDA or thread-pool state from the parent.

Each job yields ``(key, ok, value)`` where value is the result or the error
text recorded in the catalog ("timed out after 300 s", "decoder crashed
(signal 11)", "DecodeError: empty file (0 bytes)").
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import wait
from typing import Any

log = logging.getLogger(__name__)

# Imported once in the forkserver, so each per-video child starts in milliseconds
# instead of re-importing them (≈ 1.3 s per child, which dominated short videos).
_PRELOAD = ["numpy", "scipy.ndimage", "decord", "vidfp.decode.reader", "vidfp.encoders.baseline",
            "vidfp.fingerprints.camera"]


def _child(conn: Any, fn: Callable[..., Any], args: tuple) -> None:
    try:
        result = ("ok", fn(*args))
    except BaseException as e:  # noqa: BLE001 - everything becomes a recorded reason
        name = type(e).__name__
        msg = str(e) or traceback.format_exc(limit=1).strip().splitlines()[-1]
        result = ("err", f"{name}: {msg}" if name != "DecodeError" else msg)
    try:
        conn.send(result)
    finally:
        conn.close()


def run_isolated(
    fn: Callable[..., Any],
    jobs: Iterable[tuple[str, tuple]],
    workers: int,
    timeout_s: float,
) -> Iterator[tuple[str, bool, Any]]:
    """Run ``fn(*args)`` for each ``(key, args)``, at most ``workers`` at once.

    Results arrive in completion order.  ``workers <= 0`` runs in-process
    (no isolation; for debugging and for platforms without fork).
    """
    if workers <= 0:
        for key, args in jobs:
            try:
                yield key, True, fn(*args)
            except Exception as e:  # noqa: BLE001
                yield key, False, str(e) if type(e).__name__ == "DecodeError" else f"{type(e).__name__}: {e}"
        return
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD + [fn.__module__])
    pending = iter(jobs)
    running: dict[Any, tuple[str, Any, float]] = {}  # conn -> (key, process, started)
    exhausted = False
    while True:
        while not exhausted and len(running) < workers:
            try:
                key, args = next(pending)
            except StopIteration:
                exhausted = True
                break
            r, w = ctx.Pipe(duplex=False)
            p = ctx.Process(target=_child, args=(w, fn, args), daemon=True)
            p.start()
            w.close()
            running[r] = (key, p, time.monotonic())
        if not running:
            return
        now = time.monotonic()
        next_deadline = min(st + timeout_s for _, _, st in running.values())
        ready = wait(list(running), timeout=max(0.0, next_deadline - now))
        for conn in ready:
            key, p, _ = running.pop(conn)
            try:
                status, value = conn.recv()
            except (EOFError, OSError):
                p.join(5)
                code = p.exitcode
                reason = f"decoder crashed (signal {-code})" if code and code < 0 else f"worker exited ({code})"
                yield key, False, reason
            else:
                p.join(5)
                yield key, status == "ok", value
            finally:
                conn.close()
        now = time.monotonic()
        for conn in [c for c, (_, _, st) in running.items() if now - st > timeout_s]:
            key, p, _ = running.pop(conn)
            p.kill()
            p.join(5)
            conn.close()
            log.warning("killed %s after %.0f s", key, timeout_s)
            yield key, False, f"timed out after {timeout_s:g} s"
