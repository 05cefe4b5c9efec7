"""Temporal derivatives of frame embeddings.

Two recordings of the same place show similar frames, but the *change* between
frames follows the camera's own path: direction of travel, order of scenes,
pace.  A copy keeps those changes (after re-encoding, crop or mirror, the
difference e_{t+w} − e_t points the same way), a different recording does not.

For embeddings e [T, D] the lag-w difference of order n is Δ_w^n e, with
Δ_w e_t = e_{t+w} − e_t.  Its norm is the rate of change (*magnitude*), its
unit vector how the content shifts (*direction*).

Comparing two videos is done *along their alignment*: for aligned frame pairs
(i_k, j_k) and a time scale s, k' is the first path step at least s seconds
later in A, and we compare Δ_A = e_A[i_k'] − e_A[i_k] with
Δ_B = e_B[j_k'] − e_B[j_k].  Using the path for the lag in B makes the
comparison right under speed changes.  The score is the magnitude-weighted
mean of max(0, cos(Δ_A, Δ_B)) ∈ [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidfp.fingerprints.dtw import dtw_distance


def finite_difference(x: np.ndarray, order: int = 1, lag: int = 1) -> np.ndarray:
    """Δ_lag^order x along axis 0: [T, ...] → [T − order·lag, ...]."""
    for _ in range(order):
        x = x[lag:] - x[:-lag]
    return x


@dataclass(frozen=True)
class DerivativeFP:
    magnitude: np.ndarray  # float32 [T']
    direction: np.ndarray  # float32 [T', D], unit rows (zero where magnitude ≈ 0)


def _cos_weighted(da: np.ndarray, db: np.ndarray) -> tuple[float, float]:
    """(Σ w·max(0,cos), Σ w) with w = sqrt(|da|·|db|)."""
    na, nb = np.linalg.norm(da, axis=1), np.linalg.norm(db, axis=1)
    w = np.sqrt(na * nb)
    cos = (da * db).sum(axis=1) / np.maximum(na * nb, 1e-12)
    return float((w * np.maximum(cos, 0)).sum()), float(w.sum())


def path_lag_steps(ta: np.ndarray, pi: np.ndarray, lag_s: float) -> tuple[np.ndarray, np.ndarray] | None:
    """Index pairs (k1, k2) into an alignment path, k2 the first step ≥ ``lag_s`` seconds
    (on A's clock ``ta[pi]``) after k1; None when the path is shorter than the lag.

    Comparing A's change from path step k1 to k2 with B's change over the same steps
    measures both videos over one lag in A's time, whatever B's speed.
    """
    tk = ta[pi]
    k2 = np.searchsorted(tk, tk + lag_s - 1e-6)
    ok = k2 < len(pi)
    if not ok.any():
        return None
    return np.nonzero(ok)[0], k2[ok]


def path_lag_pairs(ta: np.ndarray, pi: np.ndarray, lags_s: tuple[float, ...]):
    """(lag, k1, k2) for each lag in ``lags_s`` that fits the path (:func:`path_lag_steps`)."""
    for lag in lags_s:
        steps = path_lag_steps(ta, pi, lag)
        if steps is not None:
            yield lag, *steps


class TemporalDerivativeFingerprint:
    """Derivative of one order at one lag (frames)."""

    def __init__(self, derivative_order: int = 1, window_size: int = 1):
        if derivative_order < 1 or window_size < 1:
            raise ValueError("derivative_order and window_size must be ≥ 1")
        self.derivative_order = derivative_order
        self.window_size = window_size

    def compute_derivatives(self, embeddings: np.ndarray) -> np.ndarray:
        """[T, D] → [T − order·window, D]."""
        return finite_difference(np.asarray(embeddings, np.float32), self.derivative_order, self.window_size)

    def compute_fingerprint(self, embeddings: np.ndarray) -> DerivativeFP:
        d = self.compute_derivatives(embeddings)
        mag = np.linalg.norm(d, axis=1)
        direction = d / np.maximum(mag, 1e-12)[:, None]
        return DerivativeFP(mag.astype(np.float32), direction.astype(np.float32))

    def compare(self, a: DerivativeFP, b: DerivativeFP) -> float:
        """Order-aware similarity in [0, 1] without a given alignment: DTW on
        directions with cost 1 − cos ∈ [0, 2], turned into 1 − (total cost / max(N, M)) / 2."""
        if len(a.magnitude) == 0 or len(b.magnitude) == 0:
            return 0.0
        d = dtw_distance(a.direction, b.direction, band=None, metric="cosine")
        return float(np.clip(1.0 - d / max(len(a.direction), len(b.direction)) / 2.0, 0.0, 1.0))


class MultiScaleDerivativeFingerprint:
    """First-order derivatives at several time scales given in *seconds*.

    ``window_sizes`` are frames at the 1 frame/s reference rate (1, 5, 15, 30),
    i.e. seconds; at sampling rate ``fps`` the lag is round(w·fps) frames, so
    the same video sampled at two rates gives the same fingerprint.
    """

    def __init__(self, window_sizes: tuple[float, ...] = (1, 5, 15, 30), fps: float = 1.0):
        self.window_sizes = tuple(float(w) for w in window_sizes)
        self.fps = fps

    def lags(self) -> list[int]:
        return [max(1, int(round(w * self.fps))) for w in self.window_sizes]

    def compute_fingerprint(self, embeddings: np.ndarray) -> dict[float, DerivativeFP]:
        out = {}
        for w, lag in zip(self.window_sizes, self.lags(), strict=False):
            if lag < len(embeddings):
                out[w] = TemporalDerivativeFingerprint(1, lag).compute_fingerprint(embeddings)
        return out

    def compare(self, a: dict[float, DerivativeFP], b: dict[float, DerivativeFP]) -> float:
        scales = [w for w in a if w in b]
        if not scales:
            return 0.0
        return float(np.mean([TemporalDerivativeFingerprint().compare(a[w], b[w]) for w in scales]))

    def compare_aligned(
        self, ea: np.ndarray, eb: np.ndarray, ta: np.ndarray, pi: np.ndarray, pj: np.ndarray
    ) -> tuple[float, float]:
        """Along-path score in [0, 1] and its weight (total change seen; 0 = no information).

        ea [Ta, D], eb [Tb, D]: embeddings; ta [Ta]: A's times; pi, pj [K]: path.
        """
        num = den = 0.0
        for w in self.window_sizes:
            steps = path_lag_steps(ta, pi, w)
            if steps is None:
                continue
            k1, k2 = steps
            n_, d_ = _cos_weighted(ea[pi[k2]] - ea[pi[k1]], eb[pj[k2]] - eb[pj[k1]])
            num, den = num + n_, den + d_
        if den <= 1e-9:
            return 0.0, 0.0
        return num / den, den / max(len(pi), 1)
