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
or when a worker dies (killed for memory, say), the pairs are scored in this
process.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from vidfp.index.candidates import Candidate
from vidfp.records import FrameRecord
from vidfp.similarity.scoring import PairResult, PairScorer

log = logging.getLogger(__name__)

MIN_PARALLEL_PAIRS = 256  # below this, starting workers costs more than it saves
CHUNK = 64  # pairs per task: large enough to amortise the round trip, small enough to balance

# (records, scorer) of the pool being run; forked workers inherit it
_STATE: tuple[dict[str, FrameRecord], PairScorer] | None = None


def _one_blas_thread() -> None:
    """Worker initializer: the BLAS pool the child inherits sized for the whole machine would give
    ``workers`` × cores threads fighting over the cores (measured on 2 cores: forked scoring took
    12.6–18.7 s against 7.8–9.5 s serial; with one BLAS thread per worker, 4.7–5.3 s)."""
    from threadpoolctl import threadpool_limits

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
    if workers > 1 and len(keys) >= min_parallel and can_fork():
        try:
            return _score_forked(records, scorer, chunks, progress, workers)
        except BrokenProcessPool as e:
            log.warning("a scoring worker died (%s); scoring the pairs in this process", e)
    out: list[PairResult] = []
    for chunk in chunks:
        for a, b in chunk:
            out.append(scorer.score(records[a], records[b]))
            if progress:
                progress(1)
    return out


def _score_forked(
    records: dict[str, FrameRecord],
    scorer: PairScorer,
    chunks: list[list[tuple[str, str]]],
    progress: Callable[[int], None] | None,
    workers: int,
) -> list[PairResult]:
    global _STATE
    _STATE = (records, scorer)
    out: list[PairResult] = []
    try:
        n = min(workers, len(chunks))
        with ProcessPoolExecutor(n, mp_context=mp.get_context("fork"), initializer=_one_blas_thread) as pool:
            for res in pool.map(_score_chunk, chunks):
                out.extend(res)
                if progress:
                    progress(len(res))
    finally:
        _STATE = None
    return out
