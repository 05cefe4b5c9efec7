"""Pair and cluster metrics on plain Python data, each testable on hand-made cases.

- ``micro_ap``: VSC22 descriptor-track µAP, equal to the official code
  (``facebookresearch/vsc2022``, ``vsc/metrics.py``), ties included.
- ``cluster_prf``: pairwise precision/recall/F1 of same-cluster pairs.
- ``retrieval``: every video as query, others ranked by pair score: mean
  P@10 and mAP over queries that have at least one copy.
- ``pair_ordering``: AUC-style fraction of (copy, hard negative) orderings.

Segment (localisation) metrics live in ``vidfp.eval.segment_metrics``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

import numpy as np

Pair = tuple[str, str]


def _key(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def micro_ap(scores: dict[Pair, float], positives: AbstractSet[Pair]) -> float:
    """VSC22 descriptor-track µAP, equal to the official ``vsc.metrics.average_precision``.

    Pairs are unordered: ``(a, b)`` and ``(b, a)`` are one pair, scored by the
    higher of the two scores if both are given.  All scored pairs are pooled
    and sorted by score; pairs with *equal* scores form one group (one
    threshold), as in scikit-learn's ``average_precision_score`` which the
    official code calls.  After group g, with tp_g true pairs among the n_g
    pairs scored ≥ that score,

        P_g = tp_g / n_g,   ΔR_g = (tp_g − tp_{g−1}) / N_true,
        µAP = Σ_g P_g · ΔR_g,

    where N_true counts every true pair, scored or not (the official code
    computes sklearn's AP over the scored pairs and rescales it by
    found / N_true; that is the same sum).  Without ties this is
    Σ_k P@k · [k is true] / N_true.  A tie group is not given the flattering
    order (true pairs first): its true pairs all get the group's precision.
    Returns 0 when there is no true pair (the official code divides by zero).
    """
    pos = {_key(*p) for p in positives}
    if not pos:
        return 0.0
    best: dict[Pair, float] = {}
    for p, s in scores.items():
        s = float(s)
        if not math.isfinite(s):
            raise ValueError(f"score of {p} is not finite: {s}")
        k = _key(*p)
        if k not in best or s > best[k]:
            best[k] = s
    ranked = sorted(best.items(), key=lambda t: -t[1])
    tp = n = 0
    ap = 0.0
    for _, group in itertools.groupby(ranked, key=lambda t: t[1]):
        members = [k for k, _ in group]
        hits = sum(k in pos for k in members)
        n += len(members)
        tp += hits
        ap += hits * tp / n
    return ap / len(pos)


def cluster_prf(pred: dict[str, str], groups: Iterable[Iterable[str]]) -> tuple[float, float, float]:
    true_pairs: set[Pair] = set()
    for g in groups:
        g = sorted(set(g))
        true_pairs |= {(a, b) for i, a in enumerate(g) for b in g[i + 1 :]}
    by_c: dict[str, list[str]] = {}
    for v, c in pred.items():
        by_c.setdefault(c, []).append(v)
    pred_pairs: set[Pair] = set()
    for vs in by_c.values():
        vs = sorted(vs)
        pred_pairs |= {(a, b) for i, a in enumerate(vs) for b in vs[i + 1 :]}
    tp = len(true_pairs & pred_pairs)
    p = tp / len(pred_pairs) if pred_pairs else 1.0
    r = tp / len(true_pairs) if true_pairs else 1.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def retrieval(
    videos: list[str], scores: dict[Pair, float], positives: AbstractSet[Pair], k: int = 10
) -> tuple[float, float]:
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


def pair_ordering(scores: dict[Pair, float], positives: AbstractSet[Pair], negatives: AbstractSet[Pair]) -> float:
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
