"""Synthetic centroid paths for validating the trajectory signals.

Patterns: linear, circular, zigzag, stationary.  Variants of each: noise,
time warp (non-uniform resampling) and mirror.  ``similarity_matrix`` scores
every base pattern against every base and variant with the DTW matcher;
`python -m vidfp.fingerprints.synthetic` prints it.
"""

from __future__ import annotations

import numpy as np

from vidfp.fingerprints.dtw import DTWTrajectoryMatcher

PATTERNS = ("linear", "circular", "zigzag", "stationary")


def pattern(name: str, n: int = 60) -> np.ndarray:
    t = np.linspace(0, 1, n)
    if name == "linear":
        return np.stack([0.2 + 0.6 * t, 0.3 + 0.4 * t], 1)
    if name == "circular":
        return 0.5 + 0.3 * np.stack([np.cos(2 * np.pi * t), np.sin(2 * np.pi * t)], 1)
    if name == "zigzag":
        return np.stack([0.2 + 0.6 * t, 0.5 + 0.2 * (2 * np.abs((4 * t) % 2 - 1) - 1)], 1)
    if name == "stationary":
        return np.full((n, 2), 0.5)
    raise ValueError(name)


def variant(c: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Noise + time warp + mirror: what a flipped, re-timed copy does to a path."""
    n = len(c)
    u = np.linspace(0, 1, n) ** 1.3  # time warp
    warped = np.stack([np.interp(u, np.linspace(0, 1, n), c[:, k]) for k in range(2)], 1)
    noisy = warped + rng.normal(0, 0.004, warped.shape)
    return np.stack([1 - noisy[:, 0], noisy[:, 1]], 1)


def similarity_matrix(seed: int = 0) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    bases = [pattern(p) for p in PATTERNS]
    variants = [variant(b, rng) for b in bases]
    m = DTWTrajectoryMatcher(band_fraction=0.2, mirror=True)
    cols = bases + variants
    out = np.array([[m.compare(b, c) for c in cols] for b in bases])
    return list(PATTERNS) + [f"{p}~" for p in PATTERNS], out


if __name__ == "__main__":
    names, mat = similarity_matrix()
    print("rows: patterns; columns: patterns, then their noisy/warped/mirrored variants (~)")
    print(" " * 11 + "".join(f"{n:>12}" for n in names))
    for i, p in enumerate(PATTERNS):
        print(f"{p:>11}" + "".join(f"{v:12.3f}" for v in mat[i]))
