"""Second-hop candidates: pairs of videos that are both duplicates of a third.

The frame kNN (vidfp.index.candidates) proposes a pair only when the two
videos' frames are near each other.  Two copies of one source can each match
the source and still not find each other: a picture-in-picture copy and a
rotated one share little beyond the source's content, and each video keeps
only its ``max_per_video`` best-voted partners, where a look-alike of the
background can outvote a heavily transformed copy.  A pair that is never
scored counts as no match at all (in retrieval, in the ranking of copies over
hard negatives, and as a missing edge in clustering), although the evidence
that it is a copy is one hop away.

So after the kNN candidates are scored, every pair {a, b} of duplicate
neighbours of a common video v (edges a–v and b–v with ``is_duplicate``) that
was not scored yet is scored too, on its own frames, like any other pair:

    strength(a, b) = max_v min(s(a, v), s(b, v))

ranks them (the weakest link of the best two-hop path), and each video takes
at most ``per_video`` of them, strongest first, so a video with many copies
adds O(n · per_video) pairs, not O(n²).  One hop, one round: the pairs scored
here do not propose more.  Partial-copy links (a compilation holding a piece
of several sources) are not duplicate edges and propose nothing, so the
sources of one compilation are not paired through it.

A video that no duplicate link reaches (a heavily transformed copy whose own score against its
source fell under the threshold: a picture in picture whose inset was not found) takes the same
hop through its *best* partner instead (:func:`lone_links`): the pair with the highest score among
those whose appearance agrees (``semantic`` ≥ ``ScoringConfig.min_semantic``, the level below which
motion alone never makes a copy), when that partner has duplicate links.  It stands for a duplicate
edge of strength s(a, best) < threshold, so its pairs rank after every pair of two duplicate edges
and only take what is left of ``per_video``.  Without it such a copy's pairs with its source's other
copies were never scored and counted as no match at all, below every hard negative in the ranking,
although its source's group was one hop away; scored, they get what their frames give (on bench
family A seed 4: 3 such pairs of a picture-in-picture copy, µAP 0.9966 → 0.9987 and copies ranked
over hard negatives 0.9935 → 0.9954, ≈ 10 more pairs scored of 2,200; seeds 0, 2 and 3 unchanged).
A lone video links one partner only, so unrelated groups are not joined through it, and a partial
link is not a candidate (a compilation proposes nothing, as above).

A pair is proposed when its two videos or the video between them is among
``unscored`` (the videos whose pairs this run scores): a new source can join
two copies stored long ago, and an incremental run then scores them as a run
over the whole catalog would.  A run that adds no video scores nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from vidfp.index.candidates import Candidate

Edge = tuple[str, str, float]  # (video_a, video_b, similarity) of a duplicate pair


def second_hop_candidates(
    edges: Iterable[Edge],
    scored: set[tuple[str, str]],
    unscored: set[str],
    per_video: int,
) -> list[Candidate]:
    """Unscored pairs of duplicates of a common video, strongest first (``votes`` is the strength).

    ``edges``: duplicate pairs (either order); ``scored``: pairs (a < b) already scored or stored;
    ``unscored``: videos whose pairs this run scores (a pair is proposed when a, b or the video
    between them is one of them); ``per_video`` ≤ 0 proposes nothing.
    """
    if per_video <= 0:
        return []
    nbrs: dict[str, dict[str, float]] = defaultdict(dict)
    for a, b, s in edges:
        if a == b:
            continue
        nbrs[a][b] = max(s, nbrs[a].get(b, s))
        nbrs[b][a] = max(s, nbrs[b].get(a, s))
    best: dict[tuple[str, str], float] = {}
    for v in sorted(nbrs):
        ns = sorted(nbrs[v].items())
        via_new = v in unscored
        for i, (a, sa) in enumerate(ns):
            for b, sb in ns[i + 1 :]:  # a < b: the items are sorted by video id
                if (a, b) in scored or not (via_new or a in unscored or b in unscored):
                    continue
                s = min(sa, sb)
                if s > best.get((a, b), float("-inf")):
                    best[(a, b)] = s
    taken: dict[str, int] = defaultdict(int)
    out = []
    for (a, b), s in sorted(best.items(), key=lambda t: (-t[1], t[0])):
        if taken[a] < per_video and taken[b] < per_video:
            taken[a] += 1
            taken[b] += 1
            out.append(Candidate(a, b, s))
    return out


def lone_links(dup_edges: Iterable[Edge], near_edges: Iterable[Edge]) -> list[Edge]:
    """For each video without a duplicate edge, its strongest ``near_edges`` edge to a video with one.

    ``dup_edges``: duplicate pairs; ``near_edges``: scored pairs (a, b, similarity) neither duplicate
    nor partial whose appearance agrees (the caller filters them).  Ties go to the partner with the smaller id, so the
    choice does not depend on the edges' order.  Returns (lone video, partner, similarity) edges for
    :func:`second_hop_candidates`.
    """
    linked = {v for a, b, _ in dup_edges for v in (a, b)}
    best: dict[str, tuple[float, str]] = {}
    for a, b, s in near_edges:
        for x, y in ((a, b), (b, a)):
            if x in linked or y not in linked:
                continue
            cur = best.get(x)
            if cur is None or s > cur[0] or (s == cur[0] and y < cur[1]):
                best[x] = (s, y)
    return [(x, y, s) for x, (s, y) in sorted(best.items())]
