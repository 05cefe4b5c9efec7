"""Activity: how much the picture changes, and when, from region embeddings alone.

Two recordings of one place by a still camera (a street camera at two moments, the same tank
filmed twice) show the same background in every frame: appearance says "the same", and the
camera's motion says nothing, because it does not move.  What differs is *when things move*:
people cross the street at other times.  A copy keeps that time course exactly (a re-encode, a
crop, a mirror, a speed change re-times it, which the alignment undoes).

Over a lag of ℓ seconds on A's clock, between alignment-path steps k₁ and k₂ (the same content
interval in both videos, :func:`vidfp.fingerprints.temporal.path_lag_steps`), the activity of a
video with unit region vectors u_r [R, D] is the mean embedding change of its regions

    act(k₁, k₂) = 1 − (1/R) Σ_r ⟨u_r(k₁), u_r(k₂)⟩        ∈ [0, 2],

and the two videos' activity series a, b [K] are compared by Pearson's ρ: an offset (the noise
floor a codec or a grey filter adds) and a scale (a crop or a zoom changes how much of the frame
moves) cancel.  The score is max(0, ρ).

The weight says whether the series has a time course to agree on.  A camera that pans at an even
pace changes the picture by the same amount at every step: its series is level, its fluctuations
are noise, and ρ between two of them means nothing.  So the weight is the smaller of the two
series' coefficients of variation (std / mean), mapped linearly from ``cv_lo`` (weight 0) to
``cv_hi`` (weight 1), times min(1, K / ``min_steps``): a correlation of a few steps is chance.
A frozen shot (a still image held for the whole clip) is the opposite trap: nothing moves, its
series is the encoder's noise around a mean near 0, and the coefficient of variation of such a
series is large.  So the weight is also multiplied by the smaller series mean, mapped linearly from
``level_lo`` (0) to ``level_hi`` (1): below it nothing happens that a copy could keep.

With several lags each lag is one series with its own ρ and weight, and the two are averaged over
the lags, weighted by their steps.  Never one series across lags: the change over 1 s is larger than
over 0.5 s in any moving picture, so two joined series share a low-then-high step that makes any
two even pans "vary" and correlate (ρ ≈ 1).
"""

from __future__ import annotations

import numpy as np

from vidfp.config import ScoringConfig
from vidfp.fingerprints.temporal import path_lag_pairs


def region_change(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Mean region embedding change 1 − mean_r ⟨u_r, v_r⟩ for frames u, v [K, R, D] → [K]."""
    return 1.0 - np.einsum("krd,krd->kr", u, v).mean(axis=1)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's ρ of two series [K] (0 when either is constant)."""
    a, b = a - a.mean(), b - b.mean()
    den = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / den) if den > 1e-12 else 0.0


class ActivityTimeCourse:
    """Agreement of two videos' activity series along an alignment path (module doc).

    The defaults are ScoringConfig's (one place for each number; the scorer passes its config's values).
    """

    def __init__(
        self,
        lags_s: tuple[float, ...] = ScoringConfig.activity_lags_s,
        cv_lo: float = ScoringConfig.activity_cv[0],
        cv_hi: float = ScoringConfig.activity_cv[1],
        min_steps: int = ScoringConfig.activity_min_steps,
        level_lo: float = ScoringConfig.activity_level[0],
        level_hi: float = ScoringConfig.activity_level[1],
    ):
        if not lags_s or min(lags_s) <= 0:
            raise ValueError("need at least one lag, all > 0")
        if not 0 <= cv_lo < cv_hi or not 0 <= level_lo < level_hi or min_steps < 1:
            raise ValueError("need 0 ≤ cv_lo < cv_hi, 0 ≤ level_lo < level_hi and min_steps ≥ 1")
        self.lags_s, self.cv_lo, self.cv_hi, self.min_steps = tuple(lags_s), cv_lo, cv_hi, min_steps
        self.level_lo, self.level_hi = level_lo, level_hi

    def series(
        self, ra: np.ndarray, rb: np.ndarray, ta: np.ndarray, pi: np.ndarray, pj: np.ndarray
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per lag that fits the path: the activity of A [K_l] and of B [K_l] over its intervals.

        ra [Ta, R, D], rb [Tb, R, D] region vectors; ta [Ta] A's times; pi, pj [n] the path.
        """
        return [
            (region_change(ra[pi[k1]], ra[pi[k2]]), region_change(rb[pj[k1]], rb[pj[k2]]))
            for _, k1, k2 in path_lag_pairs(ta, pi, self.lags_s)
        ]

    def confidence(self, a: np.ndarray, b: np.ndarray) -> float:
        """For one lag's series a, b [K]: min(cv_a, cv_b) mapped from [cv_lo, cv_hi] to [0, 1], times
        min(mean_a, mean_b) mapped from [level_lo, level_hi] to [0, 1], times min(1, K / min_steps)."""
        if len(a) < 3:
            return 0.0
        cv = min(float(a.std() / max(a.mean(), 1e-9)), float(b.std() / max(b.mean(), 1e-9)))
        varies = float(np.clip((cv - self.cv_lo) / (self.cv_hi - self.cv_lo), 0.0, 1.0))
        level = min(float(a.mean()), float(b.mean()))
        moves = float(np.clip((level - self.level_lo) / (self.level_hi - self.level_lo), 0.0, 1.0))
        return varies * moves * min(1.0, len(a) / self.min_steps)

    def compare_aligned(
        self, ra: np.ndarray, rb: np.ndarray, ta: np.ndarray, pi: np.ndarray, pj: np.ndarray
    ) -> tuple[float, float]:
        """(score = max(0, ρ̄) ∈ [0, 1], weight w̄ ∈ [0, 1]): ρ and weight per lag, averaged over the
        lags weighted by their steps."""
        blocks = self.series(ra, rb, ta, pi, pj)
        n = sum(len(a) for a, _ in blocks)
        if n == 0:
            return 0.0, 0.0
        w = sum(len(a) * self.confidence(a, b) for a, b in blocks) / n
        rho = sum(len(a) * pearson(a, b) for a, b in blocks) / n
        if not (w > 0.0 and np.isfinite(w) and np.isfinite(rho)):  # abstains (also on NaN vectors)
            return 0.0, 0.0
        return max(0.0, rho), w
