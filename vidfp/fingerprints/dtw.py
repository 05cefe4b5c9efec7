"""Dynamic time warping with a Sakoe–Chiba band, vectorised over anti-diagonals.

    D[i, j] = c(x_i, y_j) + min(D[i−1, j−1], D[i−1, j], D[i, j−1])

Cells on anti-diagonal k = i + j depend only on diagonals k−1 and k−2, so each
diagonal is one numpy operation.  With the default squared-Euclidean cost the
result is sqrt(D[N−1, M−1]), the definition dtaidistance uses, and the band
``band`` w admits −(max(0, N−M) + w) < j − i < max(0, M−N) + w, dtaidistance's
``window`` convention (|i − j| ≤ w − 1 for equal lengths, widened on the
longer side for unequal ones).
"""

from __future__ import annotations

import numpy as np

_INF = np.inf


def _cost(x: np.ndarray, y: np.ndarray, metric: str) -> np.ndarray:
    if metric == "sqeuclidean":
        return ((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    if metric == "cosine":
        xn = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
        yn = y / np.maximum(np.linalg.norm(y, axis=1, keepdims=True), 1e-12)
        return 1.0 - xn @ yn.T
    raise ValueError(f"unknown metric {metric!r}")


def _band_mask(n: int, m: int, window: int | None) -> np.ndarray:
    if window is None:
        return np.ones((n, m), bool)
    i, j = np.indices((n, m))
    return (j - i > -(max(0, n - m) + window)) & (j - i < max(0, m - n) + window)


def dtw_distance(
    x: np.ndarray, y: np.ndarray, band: int | None = None, metric: str = "sqeuclidean", normalise: bool = False
) -> float:
    """DTW distance of sequences x [N, d] and y [M, d] (1-D inputs are treated as d = 1).

    sqeuclidean: sqrt of the accumulated squared distances (dtaidistance's value).
    cosine: accumulated 1 − cos; with ``normalise`` divided by the path length N + M.
    """
    x = np.asarray(x, np.float64).reshape(len(x), -1)
    y = np.asarray(y, np.float64).reshape(len(y), -1)
    n, m = len(x), len(y)
    if n == 0 or m == 0:
        return float("inf")
    c = _cost(x, y, metric)
    c = np.where(_band_mask(n, m, band), c, _INF)
    d = np.full((n + 1, m + 1), _INF)
    d[0, 0] = 0.0
    for k in range(2, n + m + 1):  # anti-diagonal in 1-based D coordinates
        i = np.arange(max(1, k - m), min(n, k - 1) + 1)
        j = k - i
        best = np.minimum(np.minimum(d[i - 1, j - 1], d[i - 1, j]), d[i, j - 1])
        d[i, j] = c[i - 1, j - 1] + best
    total = d[n, m]
    if metric == "sqeuclidean":
        total = float(np.sqrt(total))
    return float(total / (n + m)) if normalise else float(total)


def dtw_distance_reference(x: np.ndarray, y: np.ndarray, band: int | None = None, metric: str = "sqeuclidean") -> float:
    """Plain double loop, same definition, for tests."""
    x = np.asarray(x, np.float64).reshape(len(x), -1)
    y = np.asarray(y, np.float64).reshape(len(y), -1)
    n, m = len(x), len(y)
    mask = _band_mask(n, m, band)
    d = [[_INF] * (m + 1) for _ in range(n + 1)]
    d[0][0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if not mask[i - 1, j - 1]:
                continue
            if metric == "sqeuclidean":
                c = float(((x[i - 1] - y[j - 1]) ** 2).sum())
            else:
                c = 1.0 - float(x[i - 1] @ y[j - 1] / max(np.linalg.norm(x[i - 1]) * np.linalg.norm(y[j - 1]), 1e-12))
            d[i][j] = c + min(d[i - 1][j - 1], d[i - 1][j], d[i][j - 1])
    return float(np.sqrt(d[n][m])) if metric == "sqeuclidean" else float(d[n][m])


class DTWTrajectoryMatcher:
    """Compare centroid trajectories (or derivative sequences) by banded DTW.

    ``compare`` returns exp(−d / scale) ∈ (0, 1] where d is the RMS DTW distance
    between the *velocity* sequences (positions lightly smoothed, velocities
    divided by the larger of the two RMS speeds, so the shape of the motion
    counts and a still path differs from a moving one); with ``mirror`` it also
    compares against B mirrored (x → −x velocity) and keeps the better, so a
    flipped copy matches while a reversed path (velocities negated in time
    order) does not.
    """

    def __init__(self, band_fraction: float = 0.1, scale: float = 0.5, mirror: bool = True):
        self.band_fraction = band_fraction
        self.scale = scale
        self.mirror = mirror

    def dtw_distance(self, x: np.ndarray, y: np.ndarray) -> float:
        band = max(1, int(np.ceil(self.band_fraction * max(len(x), len(y)))))
        return dtw_distance(x, y, band=band)

    def compare(self, traj_a: np.ndarray, traj_b: np.ndarray) -> float:
        """traj_*: [T, 2] centroid positions sampled at the same rate."""
        if len(traj_a) < 3 or len(traj_b) < 3:
            return 0.0
        from scipy.ndimage import gaussian_filter1d

        va = np.diff(gaussian_filter1d(np.asarray(traj_a, float), 1.0, axis=0, mode="nearest"), axis=0)
        vb = np.diff(gaussian_filter1d(np.asarray(traj_b, float), 1.0, axis=0, mode="nearest"), axis=0)
        speed = max(np.sqrt((va**2).sum(1).mean()), np.sqrt((vb**2).sum(1).mean()), 1e-9)
        va, vb = va / speed, vb / speed
        norm = max(len(va), len(vb))
        best = self.dtw_distance(va, vb) ** 2 / norm
        if self.mirror:
            best = min(best, self.dtw_distance(va, vb * np.array([-1.0, 1.0])) ** 2 / norm)
        return float(np.exp(-np.sqrt(best) / self.scale))
