"""Which pairs of a catalog a truth file judges, and as what.

``vidfp eval``'s report, its ablation and the family-A tuning script read their truth sets
(hosts, groups, partial pairs, hard pairs) from here instead of parsing the truth each.
How each uses them: the report's µAP, retrieval and copy > hard judge the pairs
``is_judged`` admits (a host only with its own source); its segment AP also leaves out
copy–copy pairs, which have no true boxes; the ablation's µAP and "other false" judge
whole copies only, so no pair with a host at all; ``benchmarks/peer_videohash.py`` judges
videohash's scores as the report judges vidfp's.

Rule.  Videos are named in ``truth.json`` by file basename and in the catalog by video id
(``files.uri`` → ``files.video_id``); files absent from the catalog are left out.

- A *host* is a video whose ``videos[file].role`` is ``partial`` (one piece of a source in
  other footage) or ``compilation`` (pieces of several sources).
- ``groups``: each truth group's whole copies (hosts left out), as sorted video ids.
  ``positives``: every pair within a group.  These are the cluster edges.
- ``partial_pairs``: the (source, host) pairs that have a true segment.  A copy pair for
  ranking and segments, never a cluster edge.
- A host's other pairs (with the source's other copies, say) are *not judged*: the piece a
  host holds is also in every copy of its source, so such a pair may or may not be a copy.
  ``is_judged`` says which pairs count in the report's µAP.
- ``hard``: the truth's hard-negative pairs.

Pairs are sorted tuples (a < b) of video ids.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from typing import Any

Pair = tuple[str, str]
HOST_ROLES = ("partial", "compilation")


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class JudgedPairs:
    """The truth sets of one truth file on one catalog (module docstring)."""

    groups: list[list[str]]
    positives: frozenset[Pair]
    partial_pairs: frozenset[Pair]
    hard: frozenset[Pair]
    hosts: frozenset[str]

    def is_judged(self, pair: Pair) -> bool:
        """Whether ``pair`` counts: not touching a host, or a host with its own source."""
        return _pair(*pair) in self.partial_pairs or not (pair[0] in self.hosts or pair[1] in self.hosts)


def file_video_ids(con: Any) -> dict[str, str]:
    """basename → video id of every file in the catalog open on DuckDB connection ``con``: how a
    truth file's names (basenames) meet the catalog's ids."""
    return {os.path.basename(u): v for u, v in con.execute("SELECT uri, video_id FROM files").fetchall()}


def judged_pairs(truth: dict[str, Any], vid: dict[str, str]) -> JudgedPairs:
    """Truth sets of ``truth`` (as ``load_truth`` returns it) over the catalog's files
    ``vid`` (basename → video id)."""
    host_files = {f for f, m in truth.get("videos", {}).items() if m.get("role") in HOST_ROLES}
    groups = [
        sorted({vid[f] for f in members if f in vid and f not in host_files}) for members in truth["groups"].values()
    ]
    positives = {p for g in groups for p in itertools.combinations(g, 2)}
    partial_pairs = {
        _pair(vid[s["a"]], vid[s["b"]])
        for s in truth.get("segments", [])
        if (s["a"] in host_files or s["b"] in host_files) and s["a"] in vid and s["b"] in vid
    }
    hard = {_pair(vid[a], vid[b]) for a, b in truth.get("hard_negative_pairs", []) if a in vid and b in vid}
    return JudgedPairs(
        groups=groups,
        positives=frozenset(positives),
        partial_pairs=frozenset(partial_pairs),
        hard=frozenset(hard),
        hosts=frozenset(vid[f] for f in host_files if f in vid),
    )
