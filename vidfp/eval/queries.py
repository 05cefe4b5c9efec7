"""Retrieval accuracy of ``vidfp search``: query clips against a catalog.

Setting (the issue's acceptance test): the catalog holds the sources, each query
is a copy that is *not* in the catalog.  A hit is **correct** when its video is
in the query's copy group *and*, where truth.json gives the copied segment
(source range ↔ copy range), one of the hit's moments overlaps it with

    IoU = ½ · (IoU_query-axis + IoU_video-axis) ≥ 0.5

(the per-segment IoU of vidfp.eval.metrics.segment_iou).  Per query, with
``rel`` = the group's members in the catalog and c_k = 1 if hit k is correct:

- P@1  = c_1;  P@10 = Σ_{k≤10} c_k / 10 (standard: at most |rel|/10);
- hit@10 = 1 if some c_k = 1 for k ≤ 10;
- AP = Σ_k c_k · (Σ_{j≤k} c_j / k) / |rel|;  mAP = mean AP over queries with rel ≠ ∅;
- moment_found = 1 if a hit of a relevant video has a moment with IoU ≥ 0.5, over
  the queries whose truth gives a segment (overall and for partial copies:
  family A's ``partial_insert``, family B's compilations); a copy without a true
  segment (family A's natural distortion) counts on identity alone in P@k and AP.
  A compilation is relevant to every group it holds a piece of.  A query that the
  catalog itself holds (leave-one-out on an ingested corpus) is left out of its
  own ranking.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from vidfp.eval.segment_metrics import interval_iou

Box = tuple[float, float, float, float]  # query start, end, video start, end


def moment_iou(m: Box, truth: Box) -> float:
    """Mean of the query-axis and video-axis interval IoUs."""
    return 0.5 * (interval_iou((m[0], m[1]), (truth[0], truth[1])) + interval_iou((m[2], m[3]), (truth[2], truth[3])))


def query_metrics(
    ranked: Sequence[tuple[str, Sequence[Box]]],
    relevant: set[str],
    truth: dict[str, Box],
    k: int = 10,
    min_iou: float = 0.5,
) -> dict[str, float | None]:
    """Metrics of one query: ``ranked`` = [(video id, its moments)] best first; ``truth``: video id → true box
    (videos without a box count on identity alone)."""
    correct, moment_found = [], False
    for vid, moments in ranked:
        ok = vid in relevant
        if ok and vid in truth:
            ok = any(moment_iou(tuple(m), truth[vid]) >= min_iou for m in moments)
            moment_found = moment_found or ok
        correct.append(ok)
    tp, ap = 0, 0.0
    for i, c in enumerate(correct, 1):
        if c:
            tp += 1
            ap += tp / i
    return {
        "p@1": float(bool(correct) and correct[0]),
        "p@10": sum(correct[:k]) / k,
        "hit@10": float(any(correct[:k])),
        "ap": ap / len(relevant) if relevant else 0.0,
        "moment_found": float(moment_found) if relevant & set(truth) else None,
    }


def evaluate_queries(
    truth_path: str, db: str, queries: Sequence[str], top: int = 10, weights: str | None = None
) -> dict[str, Any]:
    """Search ``db`` with each query file named in truth.json (by basename) and score the answers."""
    from vidfp.search import SearchIndex
    from vidfp.search.settings import read_only

    truth = json.load(open(truth_path, encoding="utf-8"))
    with read_only(db) as cat:
        files = cat.con.execute(
            "SELECT f.uri, f.video_id FROM files f JOIN videos v USING (video_id) WHERE v.status = 'ok'"
        ).fetchall()
    vid = {os.path.basename(u): v for u, v in files}
    boxes: dict[tuple[str, str], Box] = {}  # (query name, catalog name) -> (query range, catalog range)
    for s in truth["segments"]:
        boxes[(s["b"], s["a"])] = (s["b_start_s"], s["b_end_s"], s["a_start_s"], s["a_end_s"])
        boxes[(s["a"], s["b"])] = (s["a_start_s"], s["a_end_s"], s["b_start_s"], s["b_end_s"])
    todo = []
    for q in queries:
        name = os.path.basename(q)
        info = truth["videos"].get(name)
        if info is None:
            continue
        # every group the query belongs to (a compilation holds pieces of several)
        rel = {
            vid[m] for members in truth["groups"].values() if name in members for m in members if m in vid and m != name
        }
        if rel:
            todo.append((q, name, info, rel))
    index = SearchIndex(db, weights=weights)
    results = index.search([q for q, *_ in todo], top + 1)  # + 1: room for the query's own video
    name_of = {v: n for n, v in vid.items()}
    per: list[dict[str, Any]] = []
    for (_, name, info, rel), r in zip(todo, results, strict=True):
        tbox = {v: boxes[(name, name_of[v])] for v in rel if (name, name_of[v]) in boxes}
        own = vid.get(name)  # a query the catalog holds itself is left out of its own ranking
        ranked = [
            (h.video_id, [(m.query_start_s, m.query_end_s, m.video_start_s, m.video_end_s) for m in h.moments])
            for h in r.hits
            if h.video_id != own
        ]
        m = query_metrics(ranked, rel, tbox, min(10, top))
        partial = info.get("role") == "compilation" or "partial" in (info.get("transform") or "")
        per.append(
            {
                "query": name,
                "transform": info.get("transform"),
                "partial": partial,
                "error": r.error,
                "top": [name_of.get(h.video_id, h.video_id) for h in r.hits[:3]],
                **m,
            }
        )
    n = len(per)

    def mean(key: str, rows: list[dict]) -> float:
        vals = [p[key] for p in rows if p[key] is not None]
        return sum(vals) / len(vals) if vals else 0.0

    partial = [p for p in per if p["partial"]]
    return {
        "queries": n,
        "p@1": mean("p@1", per),
        "p@10": mean("p@10", per),
        "hit@10": mean("hit@10", per),
        "map": mean("ap", per),
        "moment_found": mean("moment_found", per),
        "queries_with_true_moment": sum(1 for p in per if p["moment_found"] is not None),
        "partial_queries": len(partial),
        "partial_moment_found": mean("moment_found", partial),
        "errors": sum(1 for p in per if p["error"]),
        "missed": [p for p in per if not p["p@1"]],
    }
