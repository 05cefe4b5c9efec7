"""Evaluate a catalog against a corpus ``truth.json`` (files named by basename)."""

from __future__ import annotations

from typing import Any

import duckdb

from vidfp.eval.judged import file_video_ids, judged_pairs
from vidfp.eval.metrics import cluster_prf, micro_ap, pair_ordering, retrieval
from vidfp.eval.segment_metrics import segment_ap, segment_iou, segment_prf
from vidfp.eval.truth import load_truth


def evaluate_catalog(truth_path: str, db: str) -> dict[str, Any]:
    """Metrics of the catalog ``db`` against ``truth_path``; raises ``TruthFileError`` for a bad truth file."""
    truth = load_truth(truth_path)
    con = duckdb.connect(db, read_only=True)
    try:
        vid = file_video_ids(con)
        status = dict(con.execute("SELECT video_id, status FROM videos").fetchall())
        pairs = con.execute("SELECT video_a, video_b, similarity FROM pair_scores").fetchall()
        segs = con.execute(
            "SELECT video_a, video_b, a_start_s, a_end_s, b_start_s, b_end_s, score FROM matched_segments"
        ).fetchall()
        clusters = dict(con.execute("SELECT video_id, cluster_id FROM duplicate_clusters").fetchall())
    finally:
        con.close()
    name = {v: n for n, v in vid.items()}
    scores = {(a, b): s for a, b, s in pairs}
    # partial copies: the (source, host) pair is a copy pair for ranking and segments, never a cluster
    # edge; a host's other pairs are not judged (vidfp.eval.judged)
    jp = judged_pairs(truth, vid)
    groups, positives, partial_pairs, hosts, hard = jp.groups, jp.positives, jp.partial_pairs, jp.hosts, jp.hard
    scores = {p: s for p, s in scores.items() if jp.is_judged(p)}
    positives_all = positives | partial_pairs
    # segments: predicted boxes oriented as (truth a, truth b)
    pred: dict = {}
    scored: dict = {}
    for a, b, s1, e1, s2, e2, sc in segs:
        pred.setdefault((a, b), []).append((s1, e1, s2, e2))
        scored.setdefault((a, b), []).append((s1, e1, s2, e2, sc if sc is not None else 0.0))
    tseg: dict = {}
    pseg: dict = {}
    for s in truth["segments"]:
        a, b = vid.get(s["a"]), vid.get(s["b"])
        if a is None or b is None:
            continue
        box = (s["a_start_s"], s["a_end_s"], s["b_start_s"], s["b_end_s"])
        if a < b:
            tseg.setdefault((a, b), []).append(box)
            pseg[(a, b)] = pred.get((a, b), [])
        else:  # catalog stores (b, a): swap axes of the truth
            tseg.setdefault((b, a), []).append((box[2], box[3], box[0], box[1]))
            pseg[(b, a)] = pred.get((b, a), [])
    ious = segment_iou(pseg, tseg)
    pious = segment_iou(
        {k: v for k, v in pseg.items() if k in partial_pairs}, {k: v for k, v in tseg.items() if k in partial_pairs}
    )
    # segment AP (VSC22 matching track) ranks the predicted segments of pairs with true boxes
    # (original, copy) and of non-copy pairs; copy-copy pairs have no boxes in truth.json and are
    # left out, and so are a host's pairs other than with its source (not judged, as for µAP: the
    # piece a compilation holds is also in every copy of its source).  Segment P / R / F (same sums,
    # every segment counted) look only at the pairs with true boxes: how well the copied part is
    # located once the pair is found.
    judged = {k: v for k, v in scored.items() if k in tseg or (k not in positives and not set(k) & hosts)}
    seg_ap = segment_ap(judged, tseg)
    sp, sr, sf = segment_prf(pseg, tseg)
    ok_videos = [v for v, st in status.items() if st == "ok"]
    cp, cr, cf = cluster_prf(clusters, groups)
    p10, m_ap = retrieval(ok_videos, scores, positives_all)
    hard_clustered = sorted(
        f"{name[a]} ~ {name[b]}" for a, b in hard if clusters.get(a) and clusters.get(a) == clusters.get(b)
    )
    copies_missed = sorted(f"{name[a]} ~ {name[b]}" for a, b in positives if clusters.get(a) != clusters.get(b))
    # copy pairs the candidate stage never proposed: they count as score 0 in µAP and copy > hard
    unscored = sorted(f"{name[a]} ~ {name[b]}" for a, b in positives_all if (a, b) not in scores)
    broken = truth.get("broken", {})
    broken_recorded = sum(1 for f in broken if f in vid and status.get(vid[f]) == "failed")
    return {
        "micro_ap": micro_ap(scores, positives_all),
        "cluster_precision": cp,
        "cluster_recall": cr,
        "cluster_f1": cf,
        "copy_over_hard_negative": pair_ordering(scores, positives_all, hard),
        "copy_pairs_unscored": len(unscored),
        "partial_pairs_clustered": sum(1 for a, b in partial_pairs if clusters.get(a) == clusters.get(b)),
        "hard_negative_fp_rate": len(hard_clustered) / len(hard) if hard else 0.0,
        "hard_negatives_clustered": len(hard_clustered),
        **_by_kind(truth, vid, clusters),
        "retrieval_p@10": p10,
        "retrieval_map": m_ap,
        "segment_precision": sp,
        "segment_recall": sr,
        "segment_f": sf,
        "segment_ap": seg_ap,
        "segment_iou_mean": sum(ious) / len(ious) if ious else 0.0,
        "partial_segment_iou": sum(pious) / len(pious) if pious else None,
        "segments_iou_ge_0.8": f"{sum(i >= 0.8 for i in ious)}/{len(ious)}",
        "broken_recorded": f"{broken_recorded}/{len(broken)}",
        "hard_clustered_pairs": hard_clustered,
        "copy_pairs_missed": copies_missed,
        "copy_pairs_unscored_list": unscored,
    }


def _by_kind(truth: dict, vid: dict, clusters: dict) -> dict[str, Any]:
    """Share of hard-negative pairs clustered, per kind (``hard_negative_kinds``, family B)."""
    kinds = truth.get("hard_negative_kinds")
    if not kinds or len(kinds) != len(truth["hard_negative_pairs"]):
        return {}
    tot: dict[str, list[int]] = {}
    for (a, b), k in zip(truth["hard_negative_pairs"], kinds, strict=True):
        if a in vid and b in vid:
            t = tot.setdefault(k, [0, 0])
            t[0] += 1
            t[1] += int(clusters.get(vid[a]) is not None and clusters.get(vid[a]) == clusters.get(vid[b]))
    return {f"clustered_rate[{k}]": n_c / n for k, (n, n_c) in sorted(tot.items())}
