"""Camera tracks compared along an alignment path: does B move as A does where the path matches them?

The tracks are :func:`vidfp.fingerprints.camera.camera_motion`'s, camera[k] = (vx, vy, peak).

Comparison along an alignment path (i, j) (see :func:`compare_camera`) is
the uncentred correlation of the velocity sequences — the cosine between
the stacked 2-D vectors — which is invariant to the copy's scale and speed
but flips sign for a reversed path and drops to ≈ 0 for a crossing one.  The pipeline compares
displacements over stretches of content (2 s) instead of single sampling steps
(:func:`compare_camera_lagged`, ``ScoringConfig.camera_lags_s``): a hand-held shake, sampled at
2 frames/s at other moments by a copy with another clock, differs step by step but not over the
stretch.

Over a stretch the shake still adds noise, so a copy with another clock agrees only partly (0.4–0.7 for
family A's hand-held camera, against ≈ 1 for a copy sampled at the same moments).  How much is a property
of each video, measurable on it alone: its *reliability* r (:func:`track_reliability`) is the agreement
of its own stretch displacements with those starting one sample later, i.e. with itself sampled at
another phase — ≈ 1 for a smooth pan, ≈ 0.5 for family A's hand-held takes.  Two such noisy measures of
one motion correlate at most √(r_a·r_b), so the agreement can be disattenuated (Spearman's correction
for attenuation) to min(1, c / max(√(r_a·r_b), floor)) (``ScoringConfig.camera_reliability_floor``); the
floor bounds the amplification (at 0.5 at most 2×), so a track that is nearly all noise (a still camera
with busy subjects: r down to 0.2) cannot turn chance agreement into a copy's.  Another take's independent
motion agrees ≈ 0 and stays there.  It is **off by default**: on held-out family D it clustered 18 %
of the same-place pairs (0.8 % without; README "Results"), for reasons not read there (another shaken
walk at 30–60° is lifted little: tested).
"""

from __future__ import annotations

import numpy as np

from vidfp.config import ScoringConfig
from vidfp.fingerprints.temporal import path_lag_pairs

# The defaults are ScoringConfig's (one place for each number; the pipeline passes its config's values).
MIN_SPEED = ScoringConfig.camera_min_speed  # frame sizes / s (median): slower cameras count as static
# camera_min_peak: per-step confidence √(peak_a · peak_b) below which a step is not a confident estimate.  On bench
# family A, pans through photos have median peaks 0.42–0.72 and ≥ 83 % of steps above 0.3, while real
# clips from a (nearly) still camera with moving subjects (bikes, carphone) have median peaks 0.22 and
# 22–30 % above: their "camera motion" is the subjects', which a speed change re-samples into noise.
# Everything from 0.1 to 0.5 gave family A the same figures; 0.3 is the middle (0.05 before).
MIN_PEAK = ScoringConfig.camera_min_peak


def compare_camera(
    ca: np.ndarray,
    cb: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    min_speed: float = MIN_SPEED,
    min_peak: float = MIN_PEAK,
) -> tuple[float, float]:
    """(agreement in [0, 1], weight in [0, 1]) of two camera tracks along a path.

    agreement = max(0, Σ_k w_k v_a[i_k]·v_b[j_k] / sqrt(Σ w_k|v_a|² Σ w_k|v_b|²)) with
    w_k = sqrt(peak_a · peak_b); steps where either speed is an outlier (a cut or a flash:
    :func:`_not_a_cut`) are left out.
    weight = min(1, median speed of the slower video / ``min_speed``) × the
    fraction of confident steps (w_k > ``min_peak``), so a static scene (a talking head) or a still
    camera with moving subjects abstains instead of voting on estimation noise.
    """
    if len(pi) < 3:
        return 0.0, 0.0
    va, vb = ca[pi, :2].astype(np.float64), cb[pj, :2].astype(np.float64)
    sa, sb = np.linalg.norm(va, axis=1), np.linalg.norm(vb, axis=1)
    ma, mb = float(np.median(sa)), float(np.median(sb))
    inlier = _not_a_cut(sa) & _not_a_cut(sb)
    w = np.sqrt(np.clip(ca[pi, 2], 0, 1) * np.clip(cb[pj, 2], 0, 1)) * inlier
    num = float(np.sum(w * np.sum(va * vb, axis=1)))
    den = float(np.sqrt(np.sum(w * sa**2) * np.sum(w * sb**2)))
    if den <= 1e-12:
        return 0.0, 0.0
    weight = min(1.0, min(ma, mb) / min_speed) * float(np.mean(w > min_peak))
    return float(max(0.0, num / den)), float(weight)


def _not_a_cut(speed: np.ndarray) -> np.ndarray:
    """bool [n]: the steps whose speed [n] is no outlier, ≤ 4 × max(median, mean) + 0.05 (frame sizes/s).

    A cut or a flash gives one step a translation of any size.  The median alone is the wrong scale for
    a camera that mostly stands (a stop-and-go walk: median ≈ 0), whose every moving step it would
    throw out as a cut; the mean counts those steps.  (Bench family A, stop-and-go walk: its sub-clip
    compared over 2 s stretches left its group with the median alone.)  The mean holds the cut itself,
    so on a series of 4 steps or fewer no cut exceeds it (a cut of x lifts the mean to ≥ x / n): there
    only its low phase-correlation peak weighs it down."""
    return speed <= 4 * max(float(np.median(speed)), float(np.mean(speed))) + 0.05


def _track(c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Camera position [T, 2] (frame sizes, from sample 0): the running sum of each step's displacement
    v_k · (t_k − t_{k−1}); an outlier step (:func:`_not_a_cut`) moves 0."""
    v = c[:, :2].astype(np.float64)
    dt = np.diff(np.asarray(t, np.float64), prepend=float(t[0]))
    return np.cumsum(v * dt[:, None] * _not_a_cut(np.linalg.norm(v, axis=1))[:, None], axis=0)


def compare_camera_lagged(
    ca: np.ndarray,
    cb: np.ndarray,
    ta: np.ndarray,
    tb: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    lags_s: tuple[float, ...],
    min_speed: float = MIN_SPEED,
    min_peak: float = MIN_PEAK,
    reliability_floor: float | None = None,
) -> tuple[float, float]:
    """:func:`compare_camera` over equal stretches of content instead of single sampling steps.

    For path steps k1 < k2 at least a lag apart on A's clock (``path_lag_pairs``), A's camera
    displacement over that stretch, D_A = X_A[i_k2] − X_A[i_k1] (X: :func:`_track`), is compared with
    B's over the stretch the path matches to it, D_B = X_B[j_k2] − X_B[j_k1]: agreement = max(0,
    Σ w D_A·D_B / √(Σ w|D_A|² Σ w|D_B|²)), w the product of the two stretches' mean peaks (the path is
    monotone, as the aligner makes it: j_k2 ≥ j_k1).  One
    sampling step of a sped-up copy spans another length of content than its source's step, and a
    copy sampled at another phase spans other moments: a hand-held camera's shake, sampled at 2
    frames/s, differs between such steps while its way over a second or two does not.  The weight
    (whether the signal votes at all) is :func:`compare_camera`'s; a path shorter than every lag is
    compared step by step.  With ``reliability_floor`` the agreement over stretches is disattenuated by
    the two tracks' reliabilities (module doc): min(1, c / max(√(r_a·r_b), floor)).
    """
    step, weight = compare_camera(ca, cb, pi, pj, min_speed, min_peak)
    if weight <= 0.0:
        return 0.0, 0.0
    xa, xb = _track(ca, ta), _track(cb, tb)
    pa, pb = np.cumsum(np.clip(ca[:, 2], 0, 1), dtype=np.float64), np.cumsum(np.clip(cb[:, 2], 0, 1), dtype=np.float64)
    da, db, w = [], [], []
    for _, k1, k2 in path_lag_pairs(ta, pi, lags_s):
        i1, i2, j1, j2 = pi[k1], pi[k2], pj[k1], pj[k2]
        da.append(xa[i2] - xa[i1])
        db.append(xb[j2] - xb[j1])
        w.append((pa[i2] - pa[i1]) / np.maximum(i2 - i1, 1) * (pb[j2] - pb[j1]) / np.maximum(j2 - j1, 1))
    if not da:
        return step, weight
    a, b, ww = np.concatenate(da), np.concatenate(db), np.concatenate(w)
    num = float(np.sum(ww * np.sum(a * b, axis=1)))
    den = float(np.sqrt(np.sum(ww * np.sum(a * a, axis=1)) * np.sum(ww * np.sum(b * b, axis=1))))
    if den <= 1e-12:
        return 0.0, 0.0
    c = float(max(0.0, num / den))
    if reliability_floor is not None:
        r = max(track_reliability(xa, ta, lag) for lag in lags_s) * max(
            track_reliability(xb, tb, lag) for lag in lags_s
        )
        c = min(1.0, c / max(float(np.sqrt(r)), reliability_floor))
    return c, weight


def track_reliability(x: np.ndarray, t: np.ndarray, lag_s: float) -> float:
    """How well a camera track's stretch displacements survive another sampling phase, in [0, 1].

    x [T, 2] camera positions (:func:`_track`) at times t [T].  With m = round(lag / Δt) samples per
    stretch (Δt the median sampling step), D_k = x[k + m] − x[k], and r = max(0, Σ D_k·D_{k+1} /
    √(Σ|D_k|² Σ|D_{k+1}|²)) over k: the agreement of the video with itself started one sample later.
    Drift (motion slower than the sampling) is shared by both and gives r ≈ 1; shake faster than the
    sampling is seen at other moments and adds only noise.  Fewer than three stretches, or no motion,
    give 1 (nothing to correct).  With several lags the pipeline takes the most reliable one per video
    (the least correction).
    """
    step = float(np.median(np.diff(np.asarray(t, np.float64)))) if len(t) > 1 else 0.0
    m = max(1, int(round(lag_s / step))) if step > 1e-9 else 1
    d = x[m:] - x[:-m]
    if len(d) < 3:
        return 1.0
    a, b = d[:-1], d[1:]
    den = float(np.sqrt(np.sum(a * a) * np.sum(b * b)))
    return float(np.clip(np.sum(a * b) / den, 0.0, 1.0)) if den > 1e-12 else 1.0


def camera_moving(
    ca: np.ndarray,
    cb: np.ndarray,
    pi: np.ndarray,
    pj: np.ndarray,
    min_speed: float = MIN_SPEED,
    min_peak: float | None = None,
) -> float:
    """How surely either camera moves along the path, in [0, 1]: the larger over the two videos of
    min(1, median speed / ``min_speed``) × (share of steps whose peak exceeds ``min_peak``).

    0 only when both cameras are still (a street camera and its copy; a tripod), 1 when either pans
    at least ``min_speed`` frame sizes a second with confident estimates.  A still camera with busy
    subjects (cyclists crossing a fixed shot) has a "speed" too, its subjects' motion, but one
    translation explains few of its steps (peaks ≈ 0.2): the share of confident steps says how much
    of that speed is the camera's.  ``min_peak`` None counts every step (the speed alone).
    """
    if len(pi) == 0:
        return 0.0

    def moving(c: np.ndarray) -> float:
        speed = float(np.median(np.linalg.norm(c[:, :2].astype(np.float64), axis=1)))
        sure = 1.0 if min_peak is None else float(np.mean(c[:, 2] > min_peak))
        return min(1.0, speed / min_speed) * sure

    return max(moving(ca[pi]), moving(cb[pj]))
