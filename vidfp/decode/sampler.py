"""Choose which decoded frames to keep, from their real presentation times.

Sampling is defined on the time axis, not on frame indices, so a 25 fps and a
30 fps encoding of the same content, or a variable-frame-rate file, give frames
at the same instants.  For a grid of instants ``g_k = t_0 + k / fps`` we keep
the frame on screen at ``g_k``: the last frame whose start time is ``<= g_k``.
"""

from __future__ import annotations

import numpy as np


def sample_indices(frame_starts: np.ndarray, fps: float, max_frames: int) -> np.ndarray:
    """Indices of frames to decode, strictly increasing.

    frame_starts: float [N] presentation start times in seconds (non-decreasing).
    fps: target samples per second (> 0).
    max_frames: cap; when the grid would exceed it, the step grows so the
        samples still span the whole video.
    """
    if fps <= 0:
        raise ValueError("fps must be positive")
    ts = np.asarray(frame_starts, dtype=np.float64)
    if ts.size == 0:
        return np.zeros(0, dtype=np.int64)
    t0, t1 = float(ts[0]), float(ts[-1])
    step = 1.0 / fps
    n = int(np.floor((t1 - t0) / step + 1e-9)) + 1
    if n > max_frames:
        step = (t1 - t0) / max(max_frames - 1, 1) if max_frames > 1 else np.inf
        n = max_frames
    grid = t0 + step * np.arange(n) if np.isfinite(step) else np.array([t0])
    # last frame whose start is <= grid time (+ a tolerance for float rounding)
    idx = np.searchsorted(ts, grid + 1e-6, side="right") - 1
    idx = np.clip(idx, 0, ts.size - 1)
    return np.unique(idx).astype(np.int64)


def indices_at(frame_starts: np.ndarray, at_s: np.ndarray) -> np.ndarray:
    """Indices of the frames on screen at the instants ``t_0 + at_s`` (at_s: seconds from the
    first frame, the fingerprints' ``t_s``), strictly increasing; the same rule as
    :func:`sample_indices`, on given instants instead of a grid."""
    ts = np.asarray(frame_starts, dtype=np.float64)
    if ts.size == 0:
        return np.zeros(0, dtype=np.int64)
    at = ts[0] + np.asarray(at_s, dtype=np.float64)
    idx = np.clip(np.searchsorted(ts, at + 1e-6, side="right") - 1, 0, ts.size - 1)
    return np.unique(idx).astype(np.int64)
