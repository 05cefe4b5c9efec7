"""Duplicate clusters that mean "the same video", and that do not chain.

An edge is a pair judged a *full* duplicate (``is_duplicate``: fused similarity
≥ the threshold *and* the match covers most of the shorter video), unless a
user verdict says otherwise: 'duplicate' adds the edge, 'not_duplicate'
removes it.  A partial copy (a few seconds of one video inside another) is a
pair relation with its segments (view ``partial_copies``), never an edge.

Plain connected components chain: one false link, or one compilation that
holds a bit of two sources, merges whole groups.  Copying is transitive, so
the copies of one source are (nearly) a clique in the duplicate graph, while a
false link between two groups is a lone edge.  vidfp therefore grows clusters
like single linkage, but takes edges in order of *support* (the number of
common duplicate-neighbours of the two ends: triangles through the edge),
then similarity, so that groups form from their well-supported edges before a
lone link is looked at; and it merges two clusters X and Y only when the edges
between them are dense enough:

    links(X, Y) ≥ max(1, ρ · min(|X|, |Y|))        (ρ = ``density``, 0.5)

and there are more duplicate edges than *partial-copy* relations between them.
A singleton joins a group through one edge; two groups of five need three
edges between them.  The partial-copy count is a cannot-link: a video that
holds a part of the source (a compilation, a host with an inserted piece) may
hold *all* of a short sub-clip of that source, which makes that one pair look
like a duplicate; its partial relations with the source and its other copies
outvote that edge, so the host stays out of the source's cluster.  Edges that
do not suffice yet are remembered, so later
edges between the same clusters add up (the outcome does not depend on edge
order beyond the similarity ranking).  Every ok video appears exactly once;
singletons are their own cluster.  The cluster id is the smallest video id in
the cluster, stable across runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

DEFAULT_DENSITY = 0.5
MIN_CHECKED = 5  # clusters this large are checked for members that hang on a thread
MIN_SHARE = 0.25  # ... of the other members a member must have duplicate edges to


class _Clusters:
    """Members per cluster, and the edge count between each pair of clusters."""

    def __init__(self, items: Iterable[str]):
        self.of = {x: x for x in items}
        self.members = {x: [x] for x in self.of}
        self.links: dict[str, dict[str, int]] = {x: {} for x in self.of}
        self.vetoes: dict[str, dict[str, int]] = {x: {} for x in self.of}

    def merge(self, a: str, b: str) -> None:
        ra, rb = sorted((self.of[a], self.of[b]))  # smallest id stays the cluster id
        for m in self.members[rb]:
            self.of[m] = ra
        self.members[ra] += self.members.pop(rb)
        for table in (self.links, self.vetoes):
            lb = table.pop(rb)
            lb.pop(ra, None)
            table[ra].pop(rb, None)
            for other, n in lb.items():  # rb's counts now belong to ra
                table[other].pop(rb, None)
                table[ra][other] = table[other][ra] = table[ra].get(other, 0) + n

    def add_veto(self, a: str, b: str) -> None:
        ra, rb = self.of[a], self.of[b]
        if ra != rb:
            self.vetoes[ra][rb] = self.vetoes[rb][ra] = self.vetoes[ra].get(rb, 0) + 1

    def add_edge(self, a: str, b: str, density: float, force: bool = False) -> None:
        ra, rb = self.of[a], self.of[b]
        if ra == rb:
            return
        n = self.links[ra].get(rb, 0) + 1
        self.links[ra][rb] = self.links[rb][ra] = n
        need = max(1.0, density * min(len(self.members[ra]), len(self.members[rb])))
        if force or (n >= need and n > self.vetoes[ra].get(rb, 0)):
            self.merge(a, b)


def clusters_from_edges(
    videos: Iterable[str],
    edges: Iterable[Sequence],
    verdicts: dict[tuple[str, str], str] | None = None,
    density: float = DEFAULT_DENSITY,
) -> dict[str, str]:
    """Map video_id → cluster_id (smallest member id).

    ``edges``: ``(a, b, is_duplicate)``, ``(a, b, is_duplicate, similarity)`` or
    ``(a, b, is_duplicate, similarity, is_partial)``; support, then similarity, order
    the merges, and partial-copy pairs count against merging their two clusters.  ``density`` = 0 gives plain
    connected components.  A 'duplicate' verdict always merges its two clusters.
    """
    vids = sorted(set(videos))
    present = set(vids)
    verdicts = verdicts or {}
    cl = _Clusters(vids)
    chosen: list[tuple[str, str, float]] = []
    partial: list[tuple[str, str]] = []
    for e in edges:
        a, b, dup = e[0], e[1], bool(e[2])
        sim = float(e[3]) if len(e) > 3 and e[3] is not None else 1.0
        key = (a, b) if a < b else (b, a)
        v = verdicts.get(key)
        if v == "duplicate" or not (a in present and b in present):
            continue
        if dup and v != "not_duplicate":
            chosen.append((*key, sim))
        elif len(e) > 4 and e[4] and not dup:
            partial.append(key)
    nbrs: dict[str, set[str]] = {}
    for a, b, _ in chosen:
        nbrs.setdefault(a, set()).add(b)
        nbrs.setdefault(b, set()).add(a)
    order = sorted(chosen, key=lambda e: (-len(nbrs[e[0]] & nbrs[e[1]]), -e[2], e[0], e[1]))
    for a, b in partial:
        cl.add_veto(a, b)
    for (a, b), v in sorted(verdicts.items()):
        if v == "duplicate" and a in present and b in present:
            cl.add_edge(a, b, density, force=True)
    for a, b, _ in order:
        cl.add_edge(a, b, density)
    out = {v: cl.of[v] for v in vids}
    return _evict_partial_hosts(out, chosen, partial, verdicts)


def _evict_partial_hosts(
    clusters: dict[str, str],
    full: list[tuple[str, str, float]],
    partial: list[tuple[str, str]],
    verdicts: dict[tuple[str, str], str],
) -> dict[str, str]:
    """Members that do not belong leave their cluster (become singletons).

    A member with more partial-copy relations than duplicate edges inside its cluster leaves it, and
    so does a member of a cluster of ≥ 5 that has duplicate edges to fewer than a quarter of it.

    Growing a cluster can admit a host through a small cluster first (host + the short sub-clip it
    fully holds), which then joins the source's group on the sub-clip's own edges.  Checked once the
    clusters stand: a real copy has duplicate edges to most of its cluster and at most a stray
    partial relation, a host has the reverse.  Videos held in by a 'duplicate' verdict stay.
    """
    n_full: dict[str, int] = {}
    n_part: dict[str, int] = {}
    for a, b, _ in full:
        if clusters[a] == clusters[b]:
            n_full[a] = n_full.get(a, 0) + 1
            n_full[b] = n_full.get(b, 0) + 1
    for a, b in partial:
        if a in clusters and b in clusters and clusters[a] == clusters[b]:
            n_part[a] = n_part.get(a, 0) + 1
            n_part[b] = n_part.get(b, 0) + 1
    size: dict[str, int] = {}
    for c in clusters.values():
        size[c] = size.get(c, 0) + 1
    pinned = {x for k, v in verdicts.items() if v == "duplicate" for x in k}
    evict = {v for v, k in n_part.items() if k > n_full.get(v, 0)}
    # a member tied to a cluster of ≥ MIN_CHECKED by edges to under a quarter of it hangs on one thread
    evict |= {v for v, c in clusters.items() if size[c] >= MIN_CHECKED and n_full.get(v, 0) < MIN_SHARE * (size[c] - 1)}
    evict -= pinned
    if not evict:
        return clusters
    out = {v: (v if v in evict else c) for v, c in clusters.items()}
    members: dict[str, list[str]] = {}
    for v, c in out.items():
        members.setdefault(c, []).append(v)
    return {v: min(members[c]) for v, c in out.items()}  # ids stay the smallest member
