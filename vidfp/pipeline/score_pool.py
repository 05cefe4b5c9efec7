"""Score candidate pairs, in forked worker processes when there are many.

Scoring a pair (vidfp.similarity.scoring) is a few milliseconds of small numpy
operations that hold the GIL, so threads do not help; processes do.  The
records are large and read-only, so the workers are *forked* after they are
loaded and share them copy-on-write: nothing is pickled on the way in but the
pair keys, and only the small :class:`PairResult` rows come back.  Each worker
uses one BLAS thread (threadpoolctl): the matrices are small, and a BLAS pool per
worker sized for the whole machine oversubscribes the cores.  Chunks are
mapped in order, so the results are the same list, in the same order, as a
serial run (tested).  Where fork is not safe (anything but Linux) or not
allowed (a daemonic process such as a Dask worker), where the pairs are few,
or when a worker dies (killed for memory, say; then only the pairs not yet
returned), the pairs are scored in this process.  Workers die with the run
(vidfp.lifeline) and ignore Ctrl-C, which the run handles.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from threadpoolctl import threadpool_limits  # imported here: a worker must not fail on a missing module

from vidfp.index.candidates import Candidate
from vidfp.lifeline import die_with_parent
from vidfp.records import FrameRecord
from vidfp.similarity.scoring import PairResult, PairScorer

log = logging.getLogger(__name__)

MIN_PARALLEL_PAIRS = 256  # below this, starting workers costs more than it saves
CHUNK = 64  # pairs per task: large enough to amortise the round trip, small enough to balance

# (records, scorer) of the pool being run; forked workers inherit it.  One pool at a time per process.
_STATE: tuple[dict[str, FrameRecord], PairScorer] | None = None
_POOL_LOCK = threading.Lock()


def _init_worker(parent_pid: int) -> None:
    """Worker initializer.

    - Dies with the parent (vidfp.lifeline): a worker outliving a killed run would keep the
      catalog's lock file descriptor, which it inherited, and block every later run.
    - Ignores Ctrl-C, which reaches the whole process group: the parent stops the pool.
    - One BLAS thread: the machine-sized BLAS pool each child inherits would give ``workers`` ×
      cores threads fighting over the cores (measured on 2 cores: forked scoring took 12.6–18.7 s
      against 7.8–9.5 s serial; with one BLAS thread per worker, 4.7–5.3 s).
    """
    die_with_parent(parent_pid=parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threadpool_limits(limits=1, user_api="blas")


def _score_chunk(keys: Sequence[tuple[str, str]]) -> list[PairResult]:
    assert _STATE is not None, "score_pool worker started without records"
    records, scorer = _STATE
    return [scorer.score(records[a], records[b]) for a, b in keys]


def can_fork() -> bool:
    """Fork keeps the parent's memory shared; it is safe for numpy work on Linux only, and a
    daemonic process (a Dask worker, say) may not have children."""
    return sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods() and not mp.current_process().daemon


def score_pairs(
    records: dict[str, FrameRecord],
    pairs: list[Candidate],
    scorer: PairScorer,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    min_parallel: int = MIN_PARALLEL_PAIRS,
) -> list[PairResult]:
    """Score ``pairs`` with ``scorer``; results in the order of ``pairs``."""
    keys = [(c.video_a, c.video_b) for c in pairs]
    chunks = [keys[s : s + CHUNK] for s in range(0, len(keys), CHUNK)]
    done: list[list[PairResult]] = []  # results of whole chunks, in order
    if workers > 1 and len(keys) >= min_parallel and can_fork():
        try:
            _score_forked(records, scorer, chunks, progress, workers, done)
        except BrokenProcessPool as e:
            log.warning("a scoring worker died (%s); scoring the remaining pairs in this process", e)
    for chunk in chunks[len(done) :]:  # all of them, or those a broken pool did not return
        res = []
        for a, b in chunk:
            res.append(scorer.score(records[a], records[b]))
            if progress:
                progress(1)
        done.append(res)
    return [r for res in done for r in res]


def _score_forked(
    records: dict[str, FrameRecord],
    scorer: PairScorer,
    chunks: list[list[tuple[str, str]]],
    progress: Callable[[int], None] | None,
    workers: int,
    done: list,
) -> None:
    """Append each chunk's results to ``done`` in order, as they arrive."""
    global _STATE
    with _POOL_LOCK:
        _STATE = (records, scorer)
        try:
            n = min(workers, len(chunks))
            ctx = mp.get_context("fork")
            with ProcessPoolExecutor(n, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)) as pool:
                for res in pool.map(_score_chunk, chunks):
                    done.append(res)
                    if progress:
                        progress(len(res))
        finally:
            _STATE = None
