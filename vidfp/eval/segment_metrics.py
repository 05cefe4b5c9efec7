"""Segment (localisation) metrics of the VSC22 matching track, on plain Python data.

A copied segment of a video pair (a, b) is a box: an interval [a_start, a_end]
in video a times an interval [b_start, b_end] in video b (seconds).  Truth and
predictions are dicts ``{pair: [box, ...]}`` keyed the same way (axis A is the
first video of the key).

``segment_ap`` and ``segment_prf`` equal the official matching-track metric
(``facebookresearch/vsc2022``, ``vsc/metrics.py``, ``match_metric``), which
follows VCSL: lengths are measured on each axis separately and summed over
pairs, and the two axes are combined by a geometric mean.  For a set S of
predictions, on axis x ∈ {A, B}:

    T_x = Σ_pairs |∪_{p∈S} p_x|                      (predicted length)
    G_x = Σ_pairs |∪_{g∈truth} g_x|                   (true length, all boxes)
    I_x = Σ_pairs |∪_{p∈S} p_x ∩ ∪_{g∈C} g_x|         (matched length)

where C holds the pair's true boxes that overlap some prediction of S with a
positive 2-D area (VCSL fig. 4f: a prediction that is right on each axis but
on neither true box matches nothing).  Then

    P = sqrt(I_A/T_A · I_B/T_B),   R = sqrt(I_A/G_A · I_B/G_B).

``segment_iou`` is vidfp's own per-box diagnostic (no official counterpart).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

Pair = tuple[str, str]
Interval = tuple[float, float]
Box = tuple[float, float, float, float]  # a_start, a_end, b_start, b_end
ScoredBox = tuple[float, float, float, float, float]  # ... and score


def _union(iv: Iterable[Interval]) -> list[Interval]:
    """Sorted disjoint intervals covering the same points (touching ones merged)."""
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
    """|a ∩ b| for two lists of *disjoint* intervals (outputs of ``_union``)."""
    return sum(max(0.0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def _norm(b: Sequence[float]) -> Box:
    return (min(b[0], b[1]), max(b[0], b[1]), min(b[2], b[3]), max(b[2], b[3]))


def _boxes_overlap(p: Box, g: Box) -> bool:
    """Positive-area intersection (boxes that only touch do not overlap)."""
    return min(p[1], g[1]) - max(p[0], g[0]) > 0 and min(p[3], g[3]) - max(p[2], g[2]) > 0


class _PairState:
    """One pair's predictions so far and their I_x, T_x contributions."""

    def __init__(self, truth: list[Box]):
        self.truth = truth
        self.considered = [False] * len(truth)
        self.preds: list[Box] = []
        self.inter = (0.0, 0.0)
        self.total = (0.0, 0.0)

    def add(self, boxes: list[Box]) -> tuple[tuple[float, float], tuple[float, float]]:
        """Add predictions; return the changes (ΔI_A, ΔI_B), (ΔT_A, ΔT_B).

        A true box, once overlapped, stays in C, so only the new boxes need
        checking against the not yet considered ones.
        """
        self.preds += boxes
        for i, g in enumerate(self.truth):
            if not self.considered[i] and any(_boxes_overlap(p, g) for p in boxes):
                self.considered[i] = True
        cons = [g for g, c in zip(self.truth, self.considered, strict=False) if c]
        inter, total = [], []
        for lo in (0, 2):
            up = _union((p[lo], p[lo + 1]) for p in self.preds)
            inter.append(_overlap(up, _union((g[lo], g[lo + 1]) for g in cons)))
            total.append(_length(up))
        d = ((inter[0] - self.inter[0], inter[1] - self.inter[1]), (total[0] - self.total[0], total[1] - self.total[1]))
        self.inter, self.total = (inter[0], inter[1]), (total[0], total[1])
        return d


class _Matcher:
    """Running sums I_x, T_x, G_x over all pairs, fed one score group at a time."""

    def __init__(self, truth: dict[Pair, list[Box]]):
        self.states = {k: _PairState([_norm(b) for b in v]) for k, v in truth.items()}
        self.g = [0.0, 0.0]
        for st in self.states.values():
            for ax, lo in enumerate((0, 2)):
                self.g[ax] += _length(_union((b[lo], b[lo + 1]) for b in st.truth))
        self.i = [0.0, 0.0]
        self.t = [0.0, 0.0]

    def add(self, group: dict[Pair, list[Box]]) -> None:
        for pair, boxes in group.items():
            st = self.states.setdefault(pair, _PairState([]))
            (di_a, di_b), (dt_a, dt_b) = st.add(boxes)
            self.i[0] += di_a
            self.i[1] += di_b
            self.t[0] += dt_a
            self.t[1] += dt_b

    def pr(self) -> tuple[float, float]:
        """(P, R) as geometric means of the two axes; 0 where a denominator is 0."""
        p = [i / t if t > 0 else 0.0 for i, t in zip(self.i, self.t, strict=False)]
        r = [i / g if g > 0 else 0.0 for i, g in zip(self.i, self.g, strict=False)]
        return math.sqrt(max(p[0] * p[1], 0.0)), math.sqrt(max(r[0] * r[1], 0.0))


def segment_ap(pred: dict[Pair, list[ScoredBox]], truth: dict[Pair, list[Box]]) -> float:
    """VSC22 matching-track segment AP (official ``match_metric``).

    All predicted boxes of all pairs are ranked by score (the 5th element);
    boxes with equal scores are added together as one group.  After group k,
    (P_k, R_k) are computed as in the module docstring on the boxes so far, and

        AP = Σ_k P_k · (R_k − R_{k−1}),   R_0 = 0.

    R_k never decreases (I_x only grows), so AP ∈ [0, 1].  Predictions on
    pairs without truth only add to T_x, i.e. cost precision; true boxes no
    prediction overlaps still count in G_x, i.e. cost recall.  Returns 0 when
    there is no true length (the official code divides by zero there, and
    where all predictions have zero length, which here gives P = 0).
    """
    m = _Matcher(truth)
    if m.g[0] <= 0 or m.g[1] <= 0:
        return 0.0
    items = sorted(((float(s[4]), pair, _norm(s)) for pair, segs in pred.items() for s in segs), key=lambda x: -x[0])
    ap = r_prev = 0.0
    for _, grp in itertools.groupby(items, key=lambda x: x[0]):
        group: dict[Pair, list[Box]] = {}
        for _, pair, box in grp:
            group.setdefault(pair, []).append(box)
        m.add(group)
        p, r = m.pr()
        ap += p * (r - r_prev)
        r_prev = r
    return float(ap)


def segment_prf(pred: dict[Pair, list[Sequence[float]]], truth: dict[Pair, list[Box]]) -> tuple[float, float, float]:
    """Segment precision, recall and F1 with every prediction counted.

    (P, R) are the module docstring's sums over all pairs with every box of
    ``pred`` in S: the last point of ``segment_ap``'s precision-recall curve,
    so score-free (a 5th element, if any, is ignored).  F = 2PR / (P + R).
    """
    m = _Matcher(truth)
    m.add({pair: [_norm(b) for b in boxes] for pair, boxes in pred.items() if boxes})
    p, r = m.pr()
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return p, r, f


def interval_iou(a: Interval, b: Interval) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def segment_iou(pred: dict[Pair, list[Box]], truth: dict[Pair, list[Box]]) -> list[float]:
    """Best IoU per true segment (0 when the pair has no prediction).

    The IoU of two boxes here is the mean of their A-axis and B-axis interval
    IoUs (vidfp's diagnostic, not a VSC22 metric).
    """
    out = []
    for pair, boxes in truth.items():
        for g in boxes:
            best = 0.0
            for p in pred.get(pair, []):
                best = max(
                    best, 0.5 * (interval_iou((p[0], p[1]), (g[0], g[1])) + interval_iou((p[2], p[3]), (g[2], g[3])))
                )
            out.append(best)
    return out
