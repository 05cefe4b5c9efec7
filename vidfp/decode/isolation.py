"""Run per-video jobs in child processes so a crash or hang in a decoder cannot
take the run down.

A thread cannot be interrupted while it sits in C code (decord, FFmpeg), and a
segfault in the main process loses the whole run; a child process can be
killed and its death observed.  Children come from a ``forkserver`` so they do
not inherit CUDA or thread-pool state from the parent.

A child runs up to ``JOBS_PER_PROCESS`` jobs in turn (a process per job cost more than
decoding a short clip); one that crashes or hangs is replaced, and only its own job fails.

Each job yields ``(key, ok, value)`` where value is the result or the error
text recorded in the catalog ("timed out after 72 s", "decoder crashed
(signal 11)", "DecodeError: empty file (0 bytes)").

Time limits.  A job starts with ``timeout_s``; once it knows how long its
video is, the job calls :func:`set_time_limit` and its limit becomes that many
seconds from then on (capped at ``max_timeout_s`` from the job's start; each job's
limit starts afresh when it is handed over).  So a
3-s video that hangs is killed after about a minute, and a two-hour one is
not killed at a flat limit meant for clips (vidfp.config.DecodeConfig.time_limit).

No orphans.  If the main process dies, even by ``kill -9``, the forkserver
exits: it watches an "alive" pipe whose write end the main process holds,
and it sees EOF once every holder is gone.  multiprocessing also hands that
write end to every job process (so jobs could start processes of their own),
which would keep the forkserver, and with it the jobs, alive for ever; each
job therefore closes its copy first thing.  Then every job process gets
SIGKILL from the kernel as the forkserver exits: each sets
``PR_SET_PDEATHSIG`` (Linux), bound to its parent, the forkserver.  The
forkserver itself is *not* given a death signal: PR_SET_PDEATHSIG fires when
the parent *thread* exits, and the forkserver is started by whichever thread
first starts a job (a Prefect worker thread, say), which may end long before
the run does.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

from vidfp.lifeline import die_with_parent

log = logging.getLogger(__name__)

# Imported once in the forkserver, so each per-video child starts in milliseconds
# instead of re-importing them (≈ 1.3 s per child, which dominated short videos).
_PRELOAD = [
    "numpy",
    "scipy.ndimage",
    "decord",
    "av",
    "vidfp.decode.reader",
    "vidfp.decode.pyav_reader",
    "vidfp.encoders.baseline",
    "vidfp.fingerprints.camera",
    "vidfp.decode.inset",  # imported on first use by framing (vidfp.decode.framing)
    "PIL.Image",  # crop_resize's: ≈ 20 ms a child when each imported it afresh
]
#: jobs a process runs before a fresh one replaces it: a fork per video cost ≈ 50 ms of kernel time, and
#: the bound keeps whatever a decoder leaks from growing without end (README, "What changed in this version")
JOBS_PER_PROCESS = 32
_conn: Any = None  # this job process's pipe to the parent (None in the parent and in-process mode)


def _release_forkserver() -> None:
    """Close this job's copy of the forkserver's alive pipe (see the module docstring)."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is None:
        log.warning("cannot find the forkserver's alive pipe: jobs may outlive a killed run")
        return
    try:
        os.close(fd)
    except OSError:
        pass
    server._forkserver_alive_fd = None


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return True


def set_time_limit(seconds: float) -> None:
    """From inside a job: kill me ``seconds`` from now rather than at the initial limit."""
    if _conn is not None:
        _conn.send(("limit", float(seconds)))


def quiet_stderr_requested() -> bool:
    """Whether job processes should drop what decoders write to stderr (``VIDFP_DECODER_STDERR=null``).

    decord's C++ (``ERROR opening: ...``) and its bundled FFmpeg (``moov atom not found``)
    write straight to file descriptor 2 about files the job then reports as failed, with
    the reason, through its pipe; so nothing is lost by dropping them.  The CLI asks for it
    unless ``-v``; the library's default keeps stderr.
    """
    return os.environ.get("VIDFP_DECODER_STDERR", "inherit") == "null"


def _silence_stderr() -> None:
    """Point this process's fd 2 at /dev/null (C and C++ libraries write there, not to sys.stderr)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _serve(conn: Any, fn: Callable[..., Any], main_pid: int, quiet: bool = False) -> None:
    """A job process: run ``fn(*args)`` for each ``args`` received, until ``None`` or EOF."""
    global _conn
    _release_forkserver()
    die_with_parent()
    if not _alive(main_pid):  # the run died between our fork and the prctl: nobody waits for us
        os._exit(1)
    if quiet:
        _silence_stderr()
    _conn = conn
    while True:
        try:
            args = conn.recv()
        except EOFError:
            break
        if args is None:
            break
        try:
            result = ("ok", fn(*args))
        except BaseException as e:  # noqa: BLE001 - everything becomes a recorded reason
            name = type(e).__name__
            msg = str(e) or traceback.format_exc(limit=1).strip().splitlines()[-1]
            result = ("err", f"{name}: {msg}" if name != "DecodeError" else msg)
        conn.send(result)  # a result that cannot be pickled ends the process: "worker exited (1)"
    conn.close()


@dataclass
class _Job:
    key: str
    started: float
    deadline: float


@dataclass
class _Worker:
    proc: Any
    conn: Any  # the parent's end of a duplex pipe
    done: int = 0  # jobs finished in this process
    job: _Job | None = None  # the job it runs now


def _start(ctx: Any, fn: Callable[..., Any], quiet: bool) -> _Worker:
    ours, theirs = ctx.Pipe(duplex=True)
    p = ctx.Process(target=_serve, args=(theirs, fn, os.getpid(), quiet), daemon=True)
    p.start()
    theirs.close()  # so that our recv sees EOF once the process is gone
    return _Worker(p, ours)


def _stop(w: _Worker) -> None:
    """End a job process: asked to when idle, killed when it runs a job (or does not stop)."""
    if w.job is None:
        try:
            w.conn.send(None)
            w.proc.join(2)
        except OSError:
            pass
    if w.proc.is_alive():
        w.proc.kill()
    w.proc.join(5)
    w.conn.close()


def _in_process(fn: Callable[..., Any], jobs: Iterable[tuple[str, tuple]]) -> Iterator[tuple[str, bool, Any]]:
    for key, args in jobs:
        try:
            yield key, True, fn(*args)
        except Exception as e:  # noqa: BLE001
            yield key, False, str(e) if type(e).__name__ == "DecodeError" else f"{type(e).__name__}: {e}"


def run_isolated(
    fn: Callable[..., Any],
    jobs: Iterable[tuple[str, tuple]],
    workers: int,
    timeout_s: float,
    max_timeout_s: float | None = None,
    jobs_per_process: int = JOBS_PER_PROCESS,
) -> Iterator[tuple[str, bool, Any]]:
    """Run ``fn(*args)`` for each ``(key, args)``, at most ``workers`` at once.

    Results arrive in completion order.  ``timeout_s`` is each job's initial
    limit; a job may replace it with :func:`set_time_limit`, never beyond
    ``max_timeout_s`` after its start.  Each job process runs up to
    ``jobs_per_process`` jobs one after another, then a fresh one takes its
    place; a process that crashes or is killed at its time limit takes only its
    own job with it.  ``workers <= 0`` runs in-process (no isolation and no
    limits; for debugging and for platforms without fork).
    """
    if workers <= 0:
        yield from _in_process(fn, jobs)
        return
    cap = max_timeout_s if max_timeout_s is not None else float("inf")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD + [fn.__module__])
    quiet = quiet_stderr_requested()
    pending = iter(jobs)
    held: list[tuple[str, tuple]] = []  # a job whose process died as it was handed over: the next one takes it
    pool: list[_Worker] = []
    exhausted = False

    def fill() -> None:  # hand the next jobs to idle processes, starting processes up to ``workers``
        nonlocal exhausted
        while held or not exhausted:
            w = next((w for w in pool if w.job is None), None)
            if w is None and len(pool) < workers:
                w = _start(ctx, fn, quiet)
                pool.append(w)
            if w is None:
                return
            if not w.proc.is_alive():  # gone while idle (killed from outside): replace it, blame no job
                pool.remove(w)
                _stop(w)
                continue
            try:
                key, args = held.pop() if held else next(pending)
            except StopIteration:
                exhausted = True
                return
            try:
                w.conn.send(args)
            except OSError:  # it died just now, before the job reached it
                held.append((key, args))
                pool.remove(w)
                _stop(w)
                continue
            now = time.monotonic()
            w.job = _Job(key, now, now + min(timeout_s, cap))

    try:
        while True:
            fill()
            busy = {w.conn: w for w in pool if w.job is not None}
            if not busy:
                return
            next_deadline = min(w.job.deadline for w in busy.values())
            for conn in wait(list(busy), timeout=max(0.0, next_deadline - time.monotonic())):
                w = busy[conn]
                job = w.job
                try:
                    status, value = conn.recv()
                except (EOFError, OSError):
                    pool.remove(w)
                    _stop(w)
                    code = w.proc.exitcode
                    reason = f"decoder crashed (signal {-code})" if code and code < 0 else f"worker exited ({code})"
                    fill()
                    yield job.key, False, reason
                    continue
                if status == "limit":
                    job.deadline = min(time.monotonic() + value, job.started + cap)
                    continue
                w.job, w.done = None, w.done + 1
                if w.done >= max(1, jobs_per_process):
                    pool.remove(w)
                    _stop(w)
                fill()  # the next video decodes while the caller works on this one
                yield job.key, status == "ok", value
            now = time.monotonic()
            for w in [w for w in pool if w.job is not None and now >= w.job.deadline]:
                if w.conn.poll():  # it answered while the caller was busy: read it first
                    continue
                pool.remove(w)
                _stop(w)
                limit = w.job.deadline - w.job.started
                log.warning("killed %s after %.1f s", w.job.key, limit)
                fill()
                yield w.job.key, False, f"timed out after {round(limit, 1):g} s"
    finally:  # normal end, an error, or a caller that stopped reading: no process outlives the call
        for w in pool:
            _stop(w)
