"""Scoring in forked workers gives exactly the serial results, in order; it falls back cleanly."""

import multiprocessing as mp
import os

import numpy as np
import pytest

from vidfp.config import ScoringConfig
from vidfp.index.candidates import Candidate
from vidfp.pipeline import score_pool
from vidfp.pipeline.score_pool import can_fork, score_pairs
from vidfp.records import FrameRecord
from vidfp.similarity.scoring import PairScorer


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _records(n_videos=12, seed=0):
    """Seeded videos: half are noisy sub-clips of the first, so scores and segments vary."""
    rng = np.random.default_rng(seed)
    base_g, base_r = rng.normal(size=(40, 16)), rng.normal(size=(40, 9, 16))
    recs = {}
    for k in range(n_videos):
        if k % 2:
            s = int(rng.integers(0, 15))
            g = base_g[s : s + 20] + 0.3 * rng.normal(size=(20, 16))
            r = base_r[s : s + 20] + 0.3 * rng.normal(size=(20, 9, 16))
        else:
            g, r = rng.normal(size=(30, 16)), rng.normal(size=(30, 9, 16))
        c = rng.uniform(0.2, 0.8, size=(len(g), 2))
        t = np.arange(len(g)) / 2.0
        recs[f"v{k:02d}"] = FrameRecord(f"v{k:02d}", t, np.arange(len(g))).with_features(_unit(g), _unit(r), c)
    return recs


def _pairs(recs):
    ids = sorted(recs)
    return [Candidate(a, b, 1) for i, a in enumerate(ids) for b in ids[i + 1 :]]


@pytest.mark.skipif(not can_fork(), reason="forked scoring runs on Linux only")
def test_forked_scoring_equals_serial_in_order():
    recs = _records()
    pairs = _pairs(recs)  # 66 pairs, 2 chunks of ≤ 64
    scorer = PairScorer(ScoringConfig())
    ticks = []
    serial = score_pairs(recs, pairs, scorer, workers=1)
    forked = score_pairs(recs, pairs, scorer, progress=ticks.append, workers=2, min_parallel=1)
    assert forked == serial
    assert [(r.video_a, r.video_b) for r in forked] == [(c.video_a, c.video_b) for c in pairs]
    assert sum(ticks) == len(pairs) and len(ticks) == 2  # one tick per chunk
    assert any(r.is_duplicate for r in serial) and not all(r.is_duplicate for r in serial)
    assert score_pool._STATE is None  # the records are not kept alive after the pool


def test_few_pairs_or_one_worker_score_in_this_process(monkeypatch):
    recs = _records(4)
    pairs = _pairs(recs)

    def no_pool(*a, **k):
        raise AssertionError("no pool should start")

    monkeypatch.setattr(score_pool, "_score_forked", no_pool)
    scorer = PairScorer(ScoringConfig())
    assert len(score_pairs(recs, pairs, scorer, workers=2)) == len(pairs)  # fewer than MIN_PARALLEL_PAIRS
    assert len(score_pairs(recs, pairs, scorer, workers=1, min_parallel=1)) == len(pairs)


def _score_or_die(keys):
    """A forked worker's chunk function that dies (as if killed for memory) on the chunk holding (v00, v02)."""
    if ("v00", "v02") in keys:
        os._exit(1)
    records, scorer = score_pool._STATE
    return [scorer.score(records[a], records[b]) for a, b in keys]


@pytest.mark.skipif(not can_fork(), reason="forked scoring runs on Linux only")
def test_a_dead_worker_leaves_the_rest_to_this_process(monkeypatch):
    recs = _records(4)
    pairs = _pairs(recs)  # 6 pairs, one per chunk below
    monkeypatch.setattr(score_pool, "CHUNK", 1)
    monkeypatch.setattr(score_pool, "_score_chunk", _score_or_die)  # forked workers inherit the patch
    scorer = PairScorer(ScoringConfig())
    ticks = []
    out = score_pairs(recs, pairs, scorer, progress=ticks.append, workers=2, min_parallel=1)
    assert out == score_pairs(recs, pairs, scorer)  # every pair once, in order
    assert sum(ticks) == len(pairs)  # none counted twice


def test_a_daemonic_process_does_not_fork(monkeypatch):
    monkeypatch.setattr(mp.current_process(), "daemon", True, raising=False)
    assert not can_fork()


def _blas_threads(keys):
    from threadpoolctl import threadpool_info

    return [max((i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"), default=0)] * len(keys)


@pytest.mark.skipif(not can_fork(), reason="forked scoring runs on Linux only")
def test_each_scoring_worker_uses_one_blas_thread(monkeypatch):
    """Workers sized for the whole machine each would oversubscribe the cores."""
    from threadpoolctl import threadpool_info

    here = max((i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"), default=1)
    if here < 2:
        pytest.skip("this process has one BLAS thread: nothing to limit")
    monkeypatch.setattr(score_pool, "_score_chunk", _blas_threads)  # forked workers inherit the patch
    done = []
    score_pool._score_forked(_records(4), None, [[("v00", "v01")], [("v00", "v02")]], None, 2, done)
    assert done == [[1], [1]]


def _death_signal(keys):
    import ctypes
    import ctypes.util

    sig = ctypes.c_int(0)
    ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").prctl(2, ctypes.byref(sig), 0, 0, 0)  # PR_GET_PDEATHSIG
    return [sig.value] * len(keys)


@pytest.mark.skipif(not can_fork(), reason="forked scoring runs on Linux only")
def test_scoring_workers_die_with_the_run(monkeypatch):
    """A worker outliving a killed run would hold the catalog's inherited lock descriptor."""
    import signal

    monkeypatch.setattr(score_pool, "_score_chunk", _death_signal)
    done = []
    score_pool._score_forked(_records(4), None, [[("v00", "v01")], [("v00", "v02")]], None, 2, done)
    assert done == [[signal.SIGKILL], [signal.SIGKILL]]
