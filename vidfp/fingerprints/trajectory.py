"""Kinematics of the attention (or gradient-energy) centroid.

The centroid c(t) = (x, y) ∈ [0, 1]² is where the encoder looks.  Smoothed with
a Gaussian (σ in seconds, scipy.ndimage), its time derivatives give

    velocity v = c',  acceleration a = c'',  curvature κ = (x'y'' − y'x'') / |c'|³.

A copy moves its centroid the same way (mirrored for a flipped copy:
x' → −x', κ → −κ); another recording of the same place does not.

``compare_aligned`` correlates velocities along an alignment path:
    ρ = Σ ⟨v_A, v_B⟩ / sqrt(Σ|v_A|² · Σ|v_B|²) ∈ [−1, 1],
taking the better of B and mirrored B, mapped to max(0, ρ).  Its weight is the
motion seen (a static shot has a noise-only centroid and says nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

_MIRROR = np.array([-1.0, 1.0])


@dataclass(frozen=True)
class TrajectoryFP:
    t_s: np.ndarray  # [T]
    position: np.ndarray  # [T, 2] smoothed
    velocity: np.ndarray  # [T, 2] per second
    acceleration: np.ndarray  # [T, 2]
    curvature: np.ndarray  # [T]


class TrajectoryFingerprint:
    def __init__(
        self, use_velocity: bool = True, use_curvature: bool = True, smooth_s: float = 0.5, min_speed: float = 0.01
    ):
        self.use_velocity = use_velocity
        self.use_curvature = use_curvature
        self.smooth_s = smooth_s
        self.min_speed = min_speed  # centroid speed (frame widths / s) below which it is noise

    def compute_fingerprint(self, centroids: np.ndarray, t_s: np.ndarray) -> TrajectoryFP:
        c = np.asarray(centroids, np.float64)
        t = np.asarray(t_s, np.float64)
        if len(t) < 2:
            z = np.zeros_like(c)
            return TrajectoryFP(t, c, z, z, np.zeros(len(t)))
        dt = float(np.median(np.diff(t)))
        sigma = max(self.smooth_s / max(dt, 1e-6), 1e-3)
        pos = gaussian_filter1d(c, sigma, axis=0, mode="nearest")
        vel = np.gradient(pos, t, axis=0)
        acc = np.gradient(vel, t, axis=0) if len(t) > 2 else np.zeros_like(vel)
        speed = np.linalg.norm(vel, axis=1)
        curv = (vel[:, 0] * acc[:, 1] - vel[:, 1] * acc[:, 0]) / np.maximum(speed, 1e-6) ** 3
        curv = np.where(speed > self.min_speed, np.clip(curv, -1e3, 1e3), 0.0)
        return TrajectoryFP(t, pos, vel, acc, curv)

    def compare(self, a: TrajectoryFP, b: TrajectoryFP) -> float:
        """Alignment-free comparison: banded DTW on velocities (mirror-aware)."""
        from vidfp.fingerprints.dtw import DTWTrajectoryMatcher

        return DTWTrajectoryMatcher().compare(a.position, b.position)

    def compare_aligned(
        self, a: TrajectoryFP, b: TrajectoryFP, pi: np.ndarray, pj: np.ndarray
    ) -> tuple[float, float, bool]:
        """(score ∈ [0, 1], weight, mirrored) along the path (pi, pj)."""
        va, vb = a.velocity[pi], b.velocity[pj]
        moving = (np.linalg.norm(va, axis=1) > self.min_speed) | (np.linalg.norm(vb, axis=1) > self.min_speed)
        if moving.sum() < 2:
            return 0.0, 0.0, False
        va, vb = va[moving], vb[moving]
        den = np.sqrt((va**2).sum() * (vb**2).sum()) + 1e-12
        scores = []
        for mirrored, m in ((False, np.ones(2)), (True, _MIRROR)):
            parts: list[tuple[float, float]] = []  # (correlation, weight)
            if self.use_velocity:
                parts.append((float((va * (vb * m)).sum() / den), 1.0))
            if self.use_curvature:
                ka, kb = a.curvature[pi][moving], b.curvature[pj][moving] * (-1 if mirrored else 1)
                kd = np.sqrt((ka**2).sum() * (kb**2).sum())
                if kd > 1e-9:
                    parts.append((float((ka * kb).sum() / kd), 0.5))  # curvature is noisier: half weight
            wsum = sum(w for _, w in parts)
            score = sum(c * w for c, w in parts) / wsum if wsum else 0.0
            scores.append((max(0.0, score), mirrored))
        best, mirrored = max(scores)
        weight = float(moving.mean())
        return best, weight, mirrored


#: frames of trajectories a TrajectoryMemo keeps: 9 float64 a frame, so ≤ 72 MB
MEMO_FRAMES = 1_000_000


class TrajectoryMemo:
    """Trajectories of videos that take part in many pairs, computed once per video and orientation.

    Keyed by the identities of the centroid and time arrays, which each entry holds, so a key cannot
    be reused while it stands (a new record under the same id, or the same centroids on another
    clock, gets its own); emptied once it holds MEMO_FRAMES frames.
    """

    def __init__(self, fingerprint: TrajectoryFingerprint):
        self.fingerprint = fingerprint
        self._memo: dict[tuple[int, int, bool], tuple[np.ndarray, np.ndarray, TrajectoryFP]] = {}
        self.frames = 0

    def __len__(self) -> int:
        return len(self._memo)

    def get(self, centroids: np.ndarray, t_s: np.ndarray, mirrored: bool) -> TrajectoryFP:
        """The trajectory of centroids [T, 2] at times t_s [T], with x → 1 − x when ``mirrored``."""
        key = (id(centroids), id(t_s), mirrored)
        hit = self._memo.get(key)
        if hit is None:
            c = centroids
            if mirrored:
                c = c.copy()
                c[:, 0] = 1.0 - c[:, 0]
            if self.frames + len(c) > MEMO_FRAMES:
                self._memo.clear()
                self.frames = 0
            hit = self._memo[key] = (centroids, t_s, self.fingerprint.compute_fingerprint(c, t_s))
            self.frames += len(c)
        return hit[2]
