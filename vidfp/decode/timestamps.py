"""Sanity checks for a decoder's frame times, and times derived from the frame rate.

Frame times drive sampling (vidfp.decode.sampler), so a decoder that returns
garbage times fingerprints the wrong instants.  Seen in practice: decord
returns AV_NOPTS_VALUE · time_base (≈ −3.7e17 s) for MPEG-4 Part 2 with
B-frames in AVI and for MPEG program streams (≈ −1.0e14 s), repeated times on
edit-listed MOV, and a duration of 3.8e17 s follows.  The checks:

- missing: NaN or ±inf;
- negative / absurd: outside [min(0, s₀) − m, s₀ + D + m], where s₀ and D are
  the container's start and duration and the margin m = max(2 s, 10 % · D)
  (without a duration only |t| < 10⁷ s is asked);
- repeated: two frames with the same start (a decoder that lost the pts);
- non-monotonic: a start earlier than the one before (presentation order).
"""

from __future__ import annotations

import numpy as np

from vidfp.decode.probe import ContainerInfo

_ABSURD_S = 1e7  # 115 days


def time_problem(t: np.ndarray, info: ContainerInfo) -> str | None:
    """Why the frame start times ``t`` float [N] (s, presentation order) cannot be trusted, or None."""
    t = np.asarray(t, dtype=np.float64)
    if t.size == 0:
        return "no frame times"
    if not np.all(np.isfinite(t)):
        return f"missing ({int(np.sum(~np.isfinite(t)))} of {t.size} frames)"
    if info.duration_s:
        margin = max(2.0, 0.1 * info.duration_s)
        lo, hi = min(0.0, info.start_s) - margin, info.start_s + info.duration_s + margin
    else:
        lo, hi = -_ABSURD_S, _ABSURD_S
    if t.min() < lo:
        return f"negative ({t.min():.3g} s)"
    if t.max() > hi:
        return f"beyond the container's end ({t.max():.3g} s > {hi:.3g} s)"
    d = np.diff(t)
    if np.any(d == 0):
        return f"repeated ({int(np.sum(d == 0))} frames)"
    if np.any(d < 0):
        return f"non-monotonic ({int(np.sum(d < 0))} steps back)"
    return None


def count_problem(n: int, info: ContainerInfo) -> str | None:
    """Why a decoder's frame count disagrees with the container header's, or None.

    A tolerance of max(2, 2 %) frames allows for formats that count a
    trailing or leading packet differently.
    """
    if info.n_frames > 0 and abs(n - info.n_frames) > max(2, 0.02 * info.n_frames):
        return f"{n} frames where the container has {info.n_frames}"
    return None


def derived_times(n: int, fps: float) -> np.ndarray:
    """float64 [n] start times k / fps: the fallback when no decoder time can be trusted."""
    return np.arange(n, dtype=np.float64) / (fps if fps > 0 else 25.0)
