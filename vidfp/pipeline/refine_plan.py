"""Which partial pairs segment refinement decodes, and how the others take their ends (vidfp.pipeline.refine).

A host h that holds a piece of a source s forms a partial pair with s and with every copy of s.
They all see the same piece of h, so one of them, the most similar, is decoded; the others take its
refined ends on h and move their own ends on the other video by as much along their time map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from vidfp.similarity.refine import seg_line
from vidfp.similarity.scoring import PairResult, Segment


@dataclass(frozen=True)
class Plan:
    direct: list[int]  # indices of results refined on decoded frames
    transfer: dict[int, tuple[int, str]]  # index → (index of the refined pair, the video they share)


def _union_find(edges: Iterable[tuple[str, str]]):
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return find


EDGE_S = 1e-3  # an end this close to a video's own start or end is that video's edge


def side(seg: Segment, video_is_a: bool) -> tuple[float, float]:
    return (seg.a_start_s, seg.a_end_s) if video_is_a else (seg.b_start_s, seg.b_end_s)


def same_piece(r: PairResult, k: PairResult, v: str, tol: float) -> list[int] | None:
    """For each segment of k, the segment of r whose coarse ends on the shared video v are both within
    ``tol`` of its own (the same piece of v, seen from two copies of the other video); None if any lacks one."""
    out = []
    for s in k.segments:
        e = np.array(side(s, k.video_a == v))
        d = [float(np.abs(np.array(side(c, r.video_a == v)) - e).max()) for c in r.segments]
        if not d or min(d) > tol:
            return None
        out.append(int(np.argmin(d)))
    return out


def partial(r: PairResult) -> bool:
    """The pairs an ingest refines: partial copies (a duplicate's segment is the whole shorter video)."""
    return r.is_partial


def plan(
    results: list[PairResult],
    dup_edges: Iterable[tuple[str, str]],
    tol: dict[str, float],
    select: Callable[[PairResult], bool] = partial,
) -> Plan:
    """Which partial pairs to refine on frames and which take a refined pair's ends on a shared video
    (``tol``: per video, how far apart two coarse ends may be and still be the same end: a
    sample apart, as two copies of different quality cross a threshold one sample earlier or later)."""
    cluster = _union_find([(r.video_a, r.video_b) for r in results if r.is_duplicate] + list(dup_edges))
    todo = sorted((k for k, r in enumerate(results) if select(r) and r.segments), key=lambda k: -results[k].similarity)
    rep: dict[tuple[str, str], int] = {}
    direct, transfer = [], {}
    for k in todo:
        r = results[k]
        keys = ((r.video_a, cluster(r.video_b)), (r.video_b, cluster(r.video_a)))
        src = next(
            (
                (rep[key], key[0])
                for key in keys
                if key in rep and same_piece(results[rep[key]], r, key[0], tol[key[0]]) is not None
            ),
            None,
        )
        if src is not None:
            transfer[k] = src
            continue
        direct.append(k)
        for key in keys:
            rep.setdefault(key, k)
    return Plan(direct, transfer)


def moved(
    coarse: Segment, fine: Segment, k_seg: Segment, v_is_a_rep: bool, v_is_a_k: bool, o_duration: float
) -> Segment:
    """k_seg with each end on the shared video v that refinement moved in ``fine`` (from ``coarse``) set
    to the refined one, and the other video o's end moved along k_seg's own line by as much.

    An end that k_seg has at o's own start or end (``o_duration`` seconds) stays: there the piece is
    cut by o itself (a trimmed copy), not where the decoded pair found its cut.  Moved ends stay inside
    [0, o_duration]; where o's end is held there, v's end moves only as far as the line allows."""
    c, f = side(coarse, v_is_a_rep), side(fine, v_is_a_rep)
    v, o = list(side(k_seg, v_is_a_k)), list(side(k_seg, not v_is_a_k))
    rate = seg_line(k_seg)[0]
    rate = rate if v_is_a_k else 1.0 / rate  # the line maps A to B: from v = B, o moves by δ / rate
    at_edge = (o[0] <= EDGE_S, o[1] >= o_duration - EDGE_S)
    for i in (0, 1):
        if f[i] != c[i] and not at_edge[i]:
            want = o[i] + (f[i] - v[i]) * rate
            o_i = min(max(want, 0.0), o_duration)
            v[i] = f[i] + (o_i - want) / rate  # held at o's edge: v moves only as far, on k_seg's line
            o[i] = o_i
    a, b = (v, o) if v_is_a_k else (o, v)
    if a[1] <= a[0] or b[1] <= b[0]:
        return k_seg
    a, b = [round(x, 6) for x in a], [round(x, 6) for x in b]
    return replace(k_seg, a_start_s=a[0], a_end_s=a[1], b_start_s=b[0], b_end_s=b[1])
