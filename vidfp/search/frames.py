"""Query-to-catalog candidates: FAISS over the global vectors of the catalog's frames.

The catalog's own candidate stage (vidfp.index.candidates.FaissKnnCandidates)
makes every frame of every video query all others.  A search has one query
video q, so only its frames query an index of the catalog's frames, with the
same vote (VSC22 baseline style, same CandidateConfig):

    votes(q, v) = Σ_{frames f of q} [v ∈ top_k(f)] · max_{h ∈ frames of v} sim(f, h)

where top_k(f) are the k_frames catalog videos whose best frame is nearest to f *or* to its
mirrored descriptor, among those at sim ≥ s_min (best of the two orientations per frame and
video).  As in the catalog's stage, k_frames counts *videos*, and a neighbour list that fills up
with the frames of a few videos (a still camera's frames all look alike) is searched again deeper
(vidfp.index.candidates.deep_neighbours).  The
``max_per_video`` best-voted videos are scored.  The catalog drops neighbours
below ``min_frame_sim`` (0.3) to prune its N² pairs; a search scores a fixed
number of candidates anyway, so there every neighbour votes (s_min = 0 by
default, vidfp.search.engine): a picture-in-picture or pillarboxed copy, whose
frames are weak global matches of their source (≈ 0.25 for SSCD), is still
found and left to the scorer.  The index is the same
``build_index`` (Flat up to 200k frames, IVF above, GPU when present).

Only the global vectors [N, D] are loaded for the index (the region vectors,
R times larger, are read per candidate when it is scored).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from vidfp.config import CandidateConfig
from vidfp.index.candidates import build_index, deep_neighbours
from vidfp.records import FrameRecord

log = logging.getLogger(__name__)

FlipFn = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def read_global_vectors(rows: list[dict]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(video ids, owner [N] int64 index into ids, global vectors [N, D] float32) of ``rows``' frames.

    Each shard is read once, columns ``video_id`` and ``global_vec`` only; a shard row counts only
    for the video whose catalog row names that shard (older shards may still hold stale frames).
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    from fsspec.core import url_to_fs

    by_shard: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_shard[r["shard_uri"]].add(r["video_id"])
    ids: list[str] = []
    owners, vecs = [], []
    for uri, vids in sorted(by_shard.items()):
        fs, path = url_to_fs(uri)
        with fs.open(path, "rb") as f:
            t = pq.read_table(f, columns=["video_id", "global_vec"])
        t = t.filter(pc.is_in(t.column("video_id"), value_set=pa.array(sorted(vids))))
        if not len(t):
            continue
        v = t.column("video_id").to_numpy(zero_copy_only=False)
        g = t.column("global_vec").combine_chunks()
        d = g.type.list_size
        x = g.flatten().to_numpy().reshape(len(t), d)
        uniq, inv = np.unique(v, return_inverse=True)
        owners.append(inv.astype(np.int64) + len(ids))
        ids.extend(str(u) for u in uniq)
        vecs.append(x)
    if not vecs:
        return [], np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
    return ids, np.concatenate(owners), np.ascontiguousarray(np.concatenate(vecs), dtype=np.float32)


class FrameIndex:
    """FAISS index over the catalog's frame global vectors, queried one video at a time."""

    def __init__(self, ids: list[str], owner: np.ndarray, x: np.ndarray, cfg: CandidateConfig):
        self.ids, self.owner, self.cfg = ids, owner, cfg
        self.n_frames = int(x.shape[0])
        self.index = build_index(x, cfg.index, cfg.gpu) if self.n_frames else None

    def votes(
        self, q: FrameRecord, flip: FlipFn | None = None, min_sim: float | None = None
    ) -> list[tuple[str, float]]:
        """(video id, votes) of the ``max_per_video`` best-voted catalog videos, best first.

        ``min_sim``: neighbours below it do not vote (default: the catalog's ``min_frame_sim``)."""
        if self.index is None or not q.has_features or q.n_frames == 0:
            return []
        floor = self.cfg.min_frame_sim if min_sim is None else min_sim
        queries = [np.ascontiguousarray(q.global_vecs, dtype=np.float32)]
        if self.cfg.use_flip and flip is not None:
            queries.append(np.ascontiguousarray(flip(q.global_vecs, q.region_vecs)[0], dtype=np.float32))
        kf = self.cfg.k_frames
        best: dict[tuple[int, int], float] = {}  # (query frame, catalog video) -> best sim
        for x in queries:
            for f, (sims, hits) in enumerate(deep_neighbours(self.index, x, self.owner, kf, floor, 7 * kf)):
                named: set[int] = set()  # the first k_frames videos of this orientation's list
                for s, h in zip(sims, hits, strict=True):
                    if h < 0 or s < floor:
                        continue
                    v = int(self.owner[h])
                    if v not in named:
                        if len(named) >= kf:
                            continue
                        named.add(v)
                    if s > best.get((f, v), -1.0):
                        best[(f, v)] = float(s)
        votes: dict[int, float] = defaultdict(float)
        for (_, v), s in best.items():
            votes[v] += s
        ranked = sorted(votes.items(), key=lambda t: (-t[1], self.ids[t[0]]))[: self.cfg.max_per_video]
        return [(self.ids[v], round(s, 6)) for v, s in ranked]


def votes_reference(
    q: FrameRecord,
    catalog: dict[str, FrameRecord],
    cfg: CandidateConfig,
    flip: FlipFn | None = None,
    min_sim: float | None = None,
) -> dict[str, float]:
    """Exact brute-force votes of every catalog video for ``q`` (tests): the definition above,
    with all cosine similarities computed and sorted in numpy."""
    ids = sorted(catalog)
    x = np.concatenate([catalog[v].global_vecs for v in ids]).astype(np.float64)
    owner = np.concatenate([np.full(catalog[v].n_frames, i) for i, v in enumerate(ids)])
    floor = cfg.min_frame_sim if min_sim is None else min_sim
    qs = [q.global_vecs.astype(np.float64)]
    if cfg.use_flip and flip is not None:
        qs.append(flip(q.global_vecs, q.region_vecs)[0].astype(np.float64))
    best: dict[tuple[int, int], float] = {}
    for qx in qs:
        sims = qx @ x.T
        for f in range(len(qx)):
            per_video = {}
            for h in range(len(owner)):
                v = int(owner[h])
                per_video[v] = max(per_video.get(v, -np.inf), float(sims[f, h]))
            ranked = sorted(((s, v) for v, s in per_video.items() if s >= floor), key=lambda t: (-t[0], t[1]))
            for s, v in ranked[: cfg.k_frames]:
                best[(f, v)] = max(best.get((f, v), -1.0), s)
    out: dict[str, float] = defaultdict(float)
    for (_, v), s in best.items():
        out[ids[v]] += s
    return dict(out)
