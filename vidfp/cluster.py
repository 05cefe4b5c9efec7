"""Duplicate clusters: connected components over pairs judged duplicates.

A pair is an edge when its fused similarity ≥ the threshold (``is_duplicate``),
unless a user verdict says otherwise: 'duplicate' adds the edge,
'not_duplicate' removes it.  (A verdict removes one edge; two videos can
still meet through a third — that is what transitivity of copying means.)
Every ok video appears exactly once; singletons are their own cluster.  The
cluster id is the smallest video id in the component, stable across runs.
"""

from __future__ import annotations

from collections.abc import Iterable


class UnionFind:
    def __init__(self, items: Iterable[str]):
        self.parent = {x: x for x in items}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo  # smallest id stays the root


def clusters_from_edges(
    videos: Iterable[str], edges: Iterable[tuple[str, str, bool]], verdicts: dict[tuple[str, str], str] | None = None
) -> dict[str, str]:
    """Map video_id → cluster_id (smallest member id)."""
    vids = sorted(set(videos))
    uf = UnionFind(vids)
    verdicts = verdicts or {}
    present = set(vids)
    seen = set()
    for a, b, dup in edges:
        key = tuple(sorted((a, b)))
        seen.add(key)
        v = verdicts.get(key)
        if (v == "duplicate" or (dup and v != "not_duplicate")) and a in present and b in present:
            uf.union(a, b)
    for (a, b), v in verdicts.items():
        if v == "duplicate" and (a, b) not in seen and a in present and b in present:
            uf.union(a, b)
    return {v: uf.find(v) for v in vids}
