"""Where an aligned path sits in time: sampling step, segment bounds and the path's line.

Kept apart from vidfp.similarity.scoring, which imports them and re-exports them to its callers
(segment refinement, search, the review plots), so that module stays about scoring.
"""

from __future__ import annotations

import numpy as np


def sample_step(t: np.ndarray) -> float:
    """The typical gap between sample times t [T] (seconds; 1 for a single sample)."""
    return float(np.median(np.diff(t))) if len(t) > 1 else 1.0


def path_line(ta: np.ndarray, tb: np.ndarray) -> tuple[float, float]:
    """(rate, offset) of t_b ≈ offset + rate · t_a through a path's matched sample times [n].

    The rate is a Theil–Sen slope: the median of the slopes between pairs of path points at least
    half the path apart (1 when the path spans no time in A), and the offset the median residual.
    The few off-diagonal steps a monotone path takes to follow a grid of another phase move neither
    (a least-squares slope through ten samples of a same-speed copy came out 5 % off), and the long
    baselines keep a sped-up copy's staircase (steps of slope ½, 1, 2) from voting."""
    ta, tb = np.asarray(ta, np.float64), np.asarray(tb, np.float64)
    rate = 1.0
    if ta.size >= 2 and np.ptp(ta) > 0:
        i, j = np.triu_indices(ta.size, 1)
        dx = ta[j] - ta[i]
        ok = dx >= 0.5 * np.ptp(ta)  # long baselines only: a staircase's short steps have slopes ½, 1, 2
        rate = float(np.median((tb[j] - tb[i])[ok] / dx[ok]))
        if not np.isfinite(rate) or rate <= 0:
            rate = 1.0
    return round(rate, 6), round(float(np.median(tb - rate * ta)), 6)


def run_bounds(t: np.ndarray, first: int, last: int, duration: float | None = None) -> tuple[float, float]:
    """(start, end) in seconds of the copied part whose matching samples are ``first..last`` of t [T].

    A copied part that starts at s between two samples, t[k−1] < s ≤ t[k], is first seen at t[k];
    with s anywhere in that gap, the midpoint (t[k−1] + t[k]) / 2 is off by at most half a gap and by
    nothing on average, where t[k] itself is late by half a gap on average.  Likewise the end is the
    midpoint after the last matching sample.  At the video's own ends there is no neighbour: the
    first sample starts the segment, and the last one extends it by one sampling step (clipped to
    ``duration``), so a whole-video match covers the whole video.  Midpoints follow the real sample
    times, so variable frame rates need nothing special.
    """
    start = float(t[first]) if first == 0 else 0.5 * float(t[first - 1] + t[first])
    end = float(t[last]) + sample_step(t) if last == len(t) - 1 else 0.5 * float(t[last] + t[last + 1])
    if duration:
        end = max(start, min(end, float(duration)))  # a container duration shorter than the samples: empty
    return start, end
