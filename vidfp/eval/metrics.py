"""Metrics on plain Python data, each testable on hand-made cases.

- ``micro_ap``: VSC22 descriptor-track µAP.  All scored pairs of all queries
  pooled and sorted by score; AP = Σ_k P@k · [k is a true pair] / N_true,
  where N_true counts every true pair, found or not (missed pairs cost
  recall).
- ``segment_prf``: VCSL segment precision/recall.  For a pair with true
  boxes G and predicted boxes P (each a product of intervals in A and B),
  on each axis precision = |∪P ∩ ∪G| / |∪P| and recall = |∪P ∩ ∪G| / |∪G|;
  the pair's value averages the two axes; the dataset value averages pairs
  (precision over pairs with predictions, recall over pairs with truth).
- ``segment_iou``: per true segment, the best predicted segment's IoU
  (mean of the A-axis and B-axis interval IoUs).
- ``cluster_prf``: pairwise precision/recall/F1 of same-cluster pairs.
- ``retrieval``: every video as query, others ranked by pair score: mean
  P@10 and mAP over queries that have at least one copy.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

Pair = tuple[str, str]
Interval = tuple[float, float]


def _key(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def micro_ap(scores: dict[Pair, float], positives: set[Pair]) -> float:
    pos = {_key(*p) for p in positives}
    if not pos:
        return 0.0
    ranked = sorted(((s, _key(*p)) for p, s in scores.items()), key=lambda t: -t[0])
    tp = 0
    ap = 0.0
    seen: set[Pair] = set()
    for k, (_, p) in enumerate(ranked, 1):
        if p in seen:
            continue
        seen.add(p)
        if p in pos:
            tp += 1
            ap += tp / len(seen)
    return ap / len(pos)


def _union(iv: Iterable[Interval]) -> list[Interval]:
    out: list[list[float]] = []
    for s, e in sorted((min(a, b), max(a, b)) for a, b in iv):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _length(iv: list[Interval]) -> float:
    return sum(e - s for s, e in iv)


def _overlap(a: list[Interval], b: list[Interval]) -> float:
    return sum(max(0.0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def interval_iou(a: Interval, b: Interval) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


Box = tuple[float, float, float, float]  # a_start, a_end, b_start, b_end


def segment_prf(pred: dict[Pair, list[Box]], truth: dict[Pair, list[Box]]) -> tuple[float, float, float]:
    precs, recs = [], []
    for pair in set(pred) | set(truth):
        p, g = pred.get(pair, []), truth.get(pair, [])
        axes_p, axes_r = [], []
        for ax in (0, 1):
            up = _union((b[2 * ax], b[2 * ax + 1]) for b in p)
            ug = _union((b[2 * ax], b[2 * ax + 1]) for b in g)
            ov = _overlap(up, ug)
            if p:
                axes_p.append(ov / max(_length(up), 1e-9))
            if g:
                axes_r.append(ov / max(_length(ug), 1e-9))
        if p:
            precs.append(sum(axes_p) / 2)
        if g:
            recs.append(sum(axes_r) / 2)
    pr = sum(precs) / len(precs) if precs else 0.0
    rc = sum(recs) / len(recs) if recs else 0.0
    f = 2 * pr * rc / (pr + rc) if pr + rc > 0 else 0.0
    return pr, rc, f


def segment_iou(pred: dict[Pair, list[Box]], truth: dict[Pair, list[Box]]) -> list[float]:
    """Best IoU per true segment (0 when the pair has no prediction)."""
    out = []
    for pair, boxes in truth.items():
        for g in boxes:
            best = 0.0
            for p in pred.get(pair, []):
                best = max(best, 0.5 * (interval_iou((p[0], p[1]), (g[0], g[1]))
                                        + interval_iou((p[2], p[3]), (g[2], g[3]))))
            out.append(best)
    return out


def cluster_prf(pred: dict[str, str], groups: Iterable[Iterable[str]]) -> tuple[float, float, float]:
    true_pairs: set[Pair] = set()
    for g in groups:
        g = sorted(set(g))
        true_pairs |= {(a, b) for i, a in enumerate(g) for b in g[i + 1:]}
    by_c: dict[str, list[str]] = {}
    for v, c in pred.items():
        by_c.setdefault(c, []).append(v)
    pred_pairs: set[Pair] = set()
    for vs in by_c.values():
        vs = sorted(vs)
        pred_pairs |= {(a, b) for i, a in enumerate(vs) for b in vs[i + 1:]}
    tp = len(true_pairs & pred_pairs)
    p = tp / len(pred_pairs) if pred_pairs else 1.0
    r = tp / len(true_pairs) if true_pairs else 1.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def retrieval(videos: list[str], scores: dict[Pair, float], positives: set[Pair], k: int = 10) -> tuple[float, float]:
    pos = {_key(*p) for p in positives}
    p_at_k, aps = [], []
    for q in videos:
        rel = {b if a == q else a for a, b in pos if q in (a, b)}
        if not rel:
            continue
        others = sorted((v for v in videos if v != q), key=lambda v: (-scores.get(_key(q, v), 0.0), v))
        hits = [v in rel for v in others]
        p_at_k.append(sum(hits[:k]) / min(k, len(others)) if others else 0.0)
        tp, ap = 0, 0.0
        for i, h in enumerate(hits, 1):
            if h:
                tp += 1
                ap += tp / i
        aps.append(ap / len(rel))
    n = len(aps)
    return (sum(p_at_k) / n, sum(aps) / n) if n else (0.0, 0.0)


def pair_ordering(scores: dict[Pair, float], positives: set[Pair], negatives: set[Pair]) -> float:
    """Fraction of (positive, negative) pairs of pairs ordered right: s(p) > s(n).

    Pairs that were never scored count as 0 (a copy the candidate stage lost
    is ranked below everything); ties count half, as in the AUC.
    """
    if not positives or not negatives:
        return 1.0
    ps = np.sort(np.array([scores.get(p, 0.0) for p in positives]))
    ns = np.sort(np.array([scores.get(n, 0.0) for n in negatives]))
    below = np.searchsorted(ns, ps, side="left")  # negatives strictly below each positive
    ties = np.searchsorted(ns, ps, side="right") - below
    return float((below + 0.5 * ties).sum() / (len(ps) * len(ns)))


def segment_ap(pred: dict[Pair, list[tuple[float, float, float, float, float]]],
               truth: dict[Pair, list[Box]]) -> float:
    """Segment AP in the style of the VSC22 matching track.

    Every predicted segment (a_start, a_end, b_start, b_end, score), over all
    pairs, is ranked by score.  After the first k predictions, on each pair
    and each axis the predicted intervals are united and overlapped with the
    united true intervals; the pair's matched "area" is the product of the two
    axis overlaps (a segment must be right in *both* videos).  Micro-averaged:

        P_k = Σ_pairs ov_a·ov_b / Σ_pairs |pred_a|·|pred_b|
        R_k = Σ_pairs ov_a·ov_b / Σ_pairs |true_a|·|true_b|
        AP  = Σ_k (R_k − R_{k−1}) · P_k

    Ties in score are added together.  Predictions on pairs without truth
    only cost precision.
    """
    total_true = 0.0
    for g in truth.values():
        ua = _union((b[0], b[1]) for b in g)
        ub = _union((b[2], b[3]) for b in g)
        total_true += _length(ua) * _length(ub)
    if total_true <= 0:
        return 0.0
    items = sorted(((s[4], pair, s[:4]) for pair, segs in pred.items() for s in segs), key=lambda x: -x[0])
    added: dict[Pair, list[Box]] = {}
    contrib: dict[Pair, tuple[float, float]] = {}  # pair -> (matched area, predicted area)
    matched = predicted = 0.0
    ap = r_prev = 0.0
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and items[j][0] == items[i][0]:
            _, pair, box = items[j]
            added.setdefault(pair, []).append(box)
            j += 1
        for pair in {items[k][1] for k in range(i, j)}:
            boxes, g = added[pair], truth.get(pair, [])
            pa, pb = _union((b[0], b[1]) for b in boxes), _union((b[2], b[3]) for b in boxes)
            ga, gb = _union((b[0], b[1]) for b in g), _union((b[2], b[3]) for b in g)
            new = (_overlap(pa, ga) * _overlap(pb, gb), _length(pa) * _length(pb))
            old = contrib.get(pair, (0.0, 0.0))
            matched += new[0] - old[0]
            predicted += new[1] - old[1]
            contrib[pair] = new
        r = matched / total_true
        p = matched / predicted if predicted > 0 else 0.0
        ap += (r - r_prev) * p
        r_prev = r
        i = j
    return float(ap)
