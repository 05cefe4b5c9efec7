"""Frame-level kNN with FAISS, votes aggregated per video pair (VSC22 baseline style).

All frames' global vectors X [N, D] (unit norm, so inner product = cosine) go
in one index.  Every frame queries its nearest frames until it has hits in k
*other* videos (neighbouring frames of one video count once)
(and, with ``use_flip``, its mirrored descriptor does too).  For a query video
q and another video v the vote is

    votes(q, v) = Σ_{frames f of q} max_{hits h of f in v} sim(f, h)

i.e. each query frame votes once per video with its best match.  Each video
keeps its ``max_per_video`` best-voted partners; pairs are symmetrised.  A neighbour list that
fills up before naming ``k_frames`` other videos (a still camera's frames all look alike) is
searched again deeper (:meth:`FaissKnnCandidates._neighbours`).  A video that ends with no
candidate at all (none of its frames reaches ``min_frame_sim`` against another video's) votes again
with the floor waived (:meth:`FaissKnnCandidates.generate`), so no video goes uncompared.

Index choice: exact ``IndexFlatIP`` up to 200k frames, else IVF-Flat with
nlist ≈ 4√N and nprobe 32 (``index='ivf'`` forces it; tests compare it with
Flat).  On CUDA builds of faiss the index moves to the GPU.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from vidfp.config import CandidateConfig
from vidfp.records import FrameRecord

log = logging.getLogger(__name__)

FlipFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Candidate:
    video_a: str  # video_a < video_b
    video_b: str
    votes: float


class CandidateGenerator(ABC):
    @abstractmethod
    def generate(self, records: list[FrameRecord], flip: FlipFn | None = None) -> list[Candidate]: ...


def build_index(x: np.ndarray, kind: str = "auto", gpu: bool = True):
    """Inner-product index over x [N, D] float32."""
    import faiss

    n, d = x.shape
    if kind == "auto":
        kind = "flat" if n <= 200_000 else "ivf"
    if kind == "flat":
        index = faiss.IndexFlatIP(d)
    elif kind == "ivf":
        nlist = max(1, min(int(4 * np.sqrt(n)), n // 39 or 1))
        quant = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFFlat(quant, d, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(x)
        index.nprobe = min(32, nlist)
    else:
        raise ValueError(f"unknown index kind {kind!r}")
    if gpu and hasattr(faiss, "StandardGpuResources") and faiss.get_num_gpus() > 0:
        index = faiss.index_cpu_to_gpu(faiss.StandardGpuResources(), 0, index)
        log.info("faiss index on GPU")
    index.add(x)
    return index


MAX_K = 2048  # the deepest one search goes (faiss-gpu's limit for k)
BATCH = 4096  # query frames per deeper search


def deep_neighbours(
    index, q: np.ndarray, owner: np.ndarray, k_videos: int, floor: float, first_k: int, own: np.ndarray | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each query frame's neighbour list (sims [k_f], frame ids [k_f], best first) for queries q [Q, D].

    The lists start ``first_k`` deep.  Where a list still names fewer than ``k_videos`` videos other
    than the query frame's own (``own[f]``; None: the query is not in the index) and its last hit is
    above ``floor`` (a still camera's frames all look alike, so its copies' frames fill any fixed
    depth), that frame is asked again twice as deep, up to ``MAX_K`` frames: below that cap the
    result is the one an unbounded search gives; a frame that reaches it is logged.  Deeper searches
    go in batches of ``BATCH`` query frames, and each kept row is copied, so a batch's result matrix
    is freed with it.  ``owner`` [N] maps the index's frames to their videos.
    """
    n = index.ntotal
    k = min(n, MAX_K, first_k)
    sims, ids = index.search(q, k)
    out = [(sims[f].copy(), ids[f].copy()) for f in range(len(q))]

    def short(f: int) -> bool:
        s, h = out[f]
        if len(h) >= min(n, MAX_K) or s[-1] < floor:
            return False  # everything above the floor is in the list, or the list holds all it can
        seen = set(owner[h[(h >= 0) & (s >= floor)]].tolist())
        if own is not None:
            seen.discard(int(own[f]))
        return len(seen) < k_videos

    todo = [f for f in range(len(q)) if short(f)]
    while todo and k < min(n, MAX_K):
        k = min(n, MAX_K, 2 * k)
        for b in range(0, len(todo), BATCH):
            part = todo[b : b + BATCH]
            s2, i2 = index.search(np.ascontiguousarray(q[part]), k)
            for row, f in enumerate(part):
                out[f] = (s2[row].copy(), i2[row].copy())
        todo = [f for f in todo if short(f)]
    if todo:
        log.info("%d query frames still name fewer than %d videos at depth %d", len(todo), k_videos, k)
    return out


VOTE_CHUNK = 65536  # query frames whose hits are flattened at once (≈ 100 B per hit while they are)


def _valid_hits(
    lists: list[tuple[np.ndarray, np.ndarray]],
    owner: np.ndarray,
    min_sim: float,
    first: int = 0,
    q_owner: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every query frame's usable hits, in list order: (frame f [M], sim [M] float64, other video v [M]),
    sorted by f; ``lists`` are those of query frames first, first + 1, ... and each is best first, as
    faiss returns them (the vote relies on it).  A hit is usable when it exists, reaches ``min_sim`` and
    is not of f's own video, ``q_owner[f]`` (None: the queries are the index's frames, ``owner[f]``)."""
    lens = np.array([len(h) for _, h in lists], dtype=np.int64)
    f = first + np.repeat(np.arange(len(lists), dtype=np.int64), lens)
    s = np.concatenate([a for a, _ in lists]).astype(np.float64) if lists else np.zeros(0)
    h = np.concatenate([b for _, b in lists]) if lists else np.zeros(0, np.int64)
    ok = (h >= 0) & (s >= min_sim)
    f, s, h = f[ok], s[ok], h[ok]
    v = owner[h]
    mine = v == (owner if q_owner is None else q_owner)[f]
    return f[~mine], s[~mine], v[~mine]


def _merge_best(
    keys: np.ndarray, best: np.ndarray, key: np.ndarray, s: np.ndarray, f: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fold one orientation's hits into the best sim per (query frame, other video).

    Walking each frame's list best first, a video not yet known for that frame is *new* and counts
    towards ``k`` (k_frames: other videos per query frame); once a frame has had k new videos in
    this list, the rest of its list is ignored, including better hits of videos known from an
    earlier orientation.  Vectorised: ``new`` is the first hit of a (frame, video) key in the
    list that ``keys`` (sorted) lacks, and a hit counts when fewer than k new hits precede it in its
    frame's list (a cumulative sum restarted at each frame).  key, s, f [M] in list order, sorted by f;
    keys, best [K] → the merged sorted keys and their best sims."""
    first = np.zeros(len(key), bool)
    first[np.unique(key, return_index=True)[1]] = True
    known = np.isin(key, keys)
    new = first & ~known
    c = np.cumsum(new)
    start = np.searchsorted(f, f, side="left")  # the first hit of each hit's frame
    counted = (c - new) - (c[start] - new[start]) < k  # new hits before this one, in its frame's list
    best = best.copy()
    upd = counted & known
    np.maximum.at(best, np.searchsorted(keys, key[upd]), s[upd])
    add = counted & new
    keys, best = np.concatenate([keys, key[add]]), np.concatenate([best, s[add]])
    order = np.argsort(keys, kind="stable")
    return keys[order], best[order]


class FaissKnnCandidates(CandidateGenerator):
    def __init__(self, cfg: CandidateConfig):
        self.cfg = cfg

    def _neighbours(
        self, index, q: np.ndarray, owner: np.ndarray, max_own: int, own: np.ndarray, floor: float
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each query frame's neighbour list, deep enough for ``k_frames`` other videos above ``floor``
        (:func:`deep_neighbours`); ``own`` [Q]: each query frame's video, ``max_own``: the most frames
        one video has.

        The first search over-fetches: a video's own frames crowd its neighbour list, and so do
        the neighbouring frames of each other video."""
        kf = self.cfg.k_frames
        first_k = 3 * kf + min(max_own, 4 * kf)
        return deep_neighbours(index, q, owner, kf, floor, first_k, own=own)

    def _votes(
        self, index, queries: list[np.ndarray], owner: np.ndarray, q_owner: np.ndarray, nv: int, floor: float
    ) -> dict[tuple[int, int], float]:
        """votes(q, v) over the query frames (one array [Q, D] per orientation, of videos ``q_owner`` [Q])."""
        max_own = int(np.bincount(owner).max())
        best_keys, best_s = np.zeros(0, np.int64), np.zeros(0, np.float64)  # (query frame, other video) -> best sim
        for q in queries:
            lists = self._neighbours(index, q, owner, max_own, q_owner, floor)
            for c0 in range(0, len(lists), VOTE_CHUNK):  # keys never cross frames: chunks merge exactly
                f, s, v = _valid_hits(lists[c0 : c0 + VOTE_CHUNK], owner, floor, c0, q_owner)
                best_keys, best_s = _merge_best(best_keys, best_s, f * nv + v, s, f, self.cfg.k_frames)
        f, v = best_keys // nv, best_keys % nv
        qv, inv = np.unique(q_owner[f] * nv + v, return_inverse=True)  # (query video, other video), as one int
        pair_votes = np.bincount(inv, weights=best_s, minlength=len(qv))  # votes(q, v) = Σ_f best sim
        return {(int(i // nv), int(i % nv)): float(t) for i, t in zip(qv, pair_votes, strict=True)}

    def _best_partners(self, votes: dict[tuple[int, int], float], pairs: dict, recs: list[FrameRecord]) -> None:
        """Fold each query video's ``max_per_video`` best-voted partners into ``pairs`` (symmetrised)."""
        per_video: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for (q, v), s in votes.items():
            per_video[q].append((s, v))
        for q, lst in per_video.items():
            lst.sort(key=lambda t: (-t[0], t[1]))
            for s, v in lst[: self.cfg.max_per_video]:
                a, b = sorted((recs[q].video_id, recs[v].video_id))
                # -inf, not 0: votes cast with the floor waived (a lonely video's) can sum below 0
                pairs[(a, b)] = max(pairs.get((a, b), float("-inf")), s)

    def generate(self, records: list[FrameRecord], flip: FlipFn | None = None) -> list[Candidate]:
        """Candidate pairs, each with its votes (the larger of the two directions').

        A video none of whose frames reaches ``min_frame_sim`` against another video's (a copy
        transformed beyond the floor, or a video unlike any other) would get no candidate and never
        be compared at all; its frames vote again with the floor waived, and it keeps its
        ``max_per_video`` best-voted videos like any other.  Cost: up to ``max_per_video`` scored
        pairs for each such video, nearly all of them non-copies; a library of mostly unique
        videos pays that for most of its videos (README, How it decides, step 3)."""
        recs = [r for r in records if r.has_features and r.n_frames > 0]
        if len(recs) < 2:
            return []
        owner = np.concatenate([np.full(r.n_frames, k, dtype=np.int64) for k, r in enumerate(recs)])
        x = np.ascontiguousarray(np.concatenate([r.global_vecs for r in recs]), dtype=np.float32)
        index = build_index(x, self.cfg.index, self.cfg.gpu)
        queries = [x]
        if self.cfg.use_flip and flip is not None:
            queries.append(
                np.ascontiguousarray(
                    np.concatenate([flip(r.global_vecs, r.region_vecs)[0] for r in recs]), dtype=np.float32
                )
            )
        nv = len(recs)
        pairs: dict[tuple[str, str], float] = {}
        self._best_partners(self._votes(index, queries, owner, owner, nv, self.cfg.min_frame_sim), pairs, recs)
        paired = {x for p in pairs for x in p}
        lonely = [k for k, r in enumerate(recs) if r.video_id not in paired]
        if lonely:
            sel = np.flatnonzero(np.isin(owner, lonely))
            votes = self._votes(index, [np.ascontiguousarray(q[sel]) for q in queries], owner, owner[sel], nv, -1.0)
            self._best_partners(votes, pairs, recs)
            log.info("%d videos without a frame over the vote floor voted again without it", len(lonely))
        out = [Candidate(a, b, round(s, 6)) for (a, b), s in sorted(pairs.items())]
        log.info("%d candidate pairs from %d frames of %d videos", len(out), len(x), len(recs))
        return out
