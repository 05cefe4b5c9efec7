"""Region flow: camera/content motion estimated from region embeddings alone.

For two frames p and q with region vectors u_r, v_s (unit) at lattice centres
x_r ∈ [0, 1]², each region of p finds where its content went in q by a
soft-argmax over q's regions,

    w_rs = softmax_s(⟨u_r, v_s⟩ / T),   d_r = Σ_s w_rs x_s − x_r,

and the frame motion is the confidence-weighted mean d = Σ_r c_r d_r / Σ_r c_r
with c_r = max_s ⟨u_r, v_s⟩.  A pan to the right moves content left (d_x < 0).

Copies keep their motion sequence (a mirrored copy whose features are
mirrored back keeps it exactly; a crop scales it, which correlation ignores);
another path through the same place moves differently (a vertical pass vs a
horizontal one, or the reverse direction).  ``compare_aligned`` correlates
the motion of A and B over the same content intervals given by the alignment.
It needs no pixels, so it runs on stored fingerprints of either encoder.
"""

from __future__ import annotations

import numpy as np

from vidfp.fingerprints.temporal import path_lag_pairs


def region_flow(u: np.ndarray, v: np.ndarray, positions: np.ndarray, temp: float = 0.03) -> np.ndarray:
    """Motion from frames u [K, R, D] to v [K, R, D] → [K, 2]; positions [R, 2]."""
    s = np.einsum("krd,ksd->krs", u, v)
    z = s / temp
    w = np.exp(z - z.max(axis=2, keepdims=True))
    w /= w.sum(axis=2, keepdims=True)
    disp = w @ positions - positions[None]  # [K, R, 2]
    conf = np.clip(s.max(axis=2), 0, None)[..., None]
    return (disp * conf).sum(1) / np.maximum(conf.sum(1), 1e-9)


class RegionFlowMotion:
    def __init__(self, positions: np.ndarray, lags_s: tuple[float, ...] = (1.0, 2.0), min_motion: float = 0.01):
        self.positions = np.asarray(positions, np.float64)
        self.lags_s = lags_s
        self.min_motion = min_motion

    def compare_aligned(
        self, ra: np.ndarray, rb: np.ndarray, ta: np.ndarray, pi: np.ndarray, pj: np.ndarray
    ) -> tuple[float, float]:
        """(score ∈ [0, 1], weight) — correlation of A's and B's motion along the path."""
        ma, mb = [], []
        for _, k1, k2 in path_lag_pairs(ta, pi, self.lags_s):
            ma.append(region_flow(ra[pi[k1]], ra[pi[k2]], self.positions))
            mb.append(region_flow(rb[pj[k1]], rb[pj[k2]], self.positions))
        if not ma:
            return 0.0, 0.0
        a, b = np.concatenate(ma), np.concatenate(mb)
        moving = (np.linalg.norm(a, axis=1) > self.min_motion) | (np.linalg.norm(b, axis=1) > self.min_motion)
        if moving.sum() < 2:
            return 0.0, 0.0
        a, b = a[moving], b[moving]
        rho = float((a * b).sum() / (np.sqrt((a * a).sum() * (b * b).sum()) + 1e-12))
        return max(0.0, rho), float(moving.mean())
