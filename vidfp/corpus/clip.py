"""Frames that remember where every one of them came from (family B's provenance model).

Family A composes each transform's segment by a formula.  Family B carries, for every
output frame k, the *origin* it shows and the origin's time:

    frames  uint8 [T, H, W, 3]
    t       float [T]   presentation time in this video (s, increasing; may be irregular: VFR)
    origin  str   [T]   origin id ("J:wall:stopgo", "F:session", ...; "" for filler such as
                        title cards)
    ot      float [T]   time in that origin (s; NaN for filler)

An origin is one continuous recording: a camera journey through a photo, a static shot,
or a real footage file (all windows of one file share its origin, so two windows of one
session are the same scene at other moments).  Every transform moves these arrays with
the frames, so the truth (which videos share content, and where) is read off the arrays
instead of being derived by hand: two videos are copies iff they show at least
``MIN_SHARED_S`` seconds of one origin's time in common.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

MIN_SHARED_S = 1.0  # shared origin time that makes two videos copies
MAX_GAP_S = 0.6  # a jump larger than this in origin or video time starts a new run


@dataclass(frozen=True)
class Origin:
    kind: str  # "journey" | "static" | "footage"
    place: str  # photo or footage name: what the camera looks at
    path: str | None  # camera path instance (journeys and static views); None for footage


@dataclass
class Clip:
    frames: np.ndarray
    t: np.ndarray
    origin: np.ndarray
    ot: np.ndarray
    fps: float  # nominal rate (the encoder's rate; VFR clips keep their own t)
    vfr: bool = False
    notes: dict = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return float(self.t[-1] + self.frame_dt) if len(self.t) else 0.0

    @property
    def frame_dt(self) -> float:
        return float(np.median(np.diff(self.t))) if len(self.t) > 1 else 1.0 / self.fps


def from_frames(frames: np.ndarray, fps: float, origin: str, ot: np.ndarray | None = None) -> Clip:
    """A clip at constant rate ``fps`` showing ``origin`` at times ``ot`` (default k / fps)."""
    n = len(frames)
    t = np.arange(n) / fps
    return Clip(frames, t, np.full(n, origin, dtype=object), t.copy() if ot is None else np.asarray(ot, float), fps)


def filler(frames: np.ndarray, fps: float) -> Clip:
    """Frames that show no origin (title cards, synthetic backgrounds)."""
    n = len(frames)
    return Clip(frames, np.arange(n) / fps, np.full(n, "", dtype=object), np.full(n, np.nan), fps)


def take(clip: Clip, idx: np.ndarray, t: np.ndarray, fps: float | None = None, vfr: bool = False) -> Clip:
    """Temporal resampling: output frame j is input frame idx[j], shown at t[j]."""
    idx = np.asarray(idx, int)
    return Clip(clip.frames[idx], np.asarray(t, float), clip.origin[idx], clip.ot[idx], fps or clip.fps, vfr)


def with_frames(clip: Clip, frames: np.ndarray) -> Clip:
    """A spatial transform: new pixels, same provenance."""
    assert len(frames) == len(clip.frames)
    return replace(clip, frames=frames)


def concat(clips: list[Clip], fps: float) -> Clip:
    """Play clips one after another at ``fps`` (all must share one frame size)."""
    frames, t, org, ot = [], [], [], []
    off = 0.0
    for c in clips:
        frames.append(c.frames)
        t.append(c.t - c.t[0] + off)
        org.append(c.origin)
        ot.append(c.ot)
        off += c.duration
    return Clip(np.concatenate(frames), np.concatenate(t), np.concatenate(org), np.concatenate(ot), fps)


def runs(clip: Clip) -> list[tuple[str, float, float, float, float]]:
    """Maximal stretches that play one origin forwards: (origin, ot_start, ot_end, t_start, t_end).

    A run ends where the origin changes, origin time goes back, or either time jumps by more
    than ``MAX_GAP_S``.  Ends are extended by one frame: t_end = t_last + Δt (this video's
    median frame step) and ot_end = ot_last + r·Δt, r being the run's origin-time rate.
    """
    out = []
    n = len(clip.t)
    dt = clip.frame_dt
    k = 0
    while k < n:
        o = clip.origin[k]
        j = k
        while (
            j + 1 < n
            and clip.origin[j + 1] == o
            and o != ""
            and 0 <= clip.ot[j + 1] - clip.ot[j] <= MAX_GAP_S
            and clip.t[j + 1] - clip.t[j] <= MAX_GAP_S
        ):
            j += 1
        if o != "":
            span_t = clip.t[j] - clip.t[k]
            rate = (clip.ot[j] - clip.ot[k]) / span_t if span_t > 0 else 1.0
            out.append((o, float(clip.ot[k]), float(clip.ot[j] + rate * dt), float(clip.t[k]), float(clip.t[j] + dt)))
        k = j + 1
    return out


def coverage(run_list: list[tuple]) -> dict[str, list[tuple[float, float]]]:
    """Origin → sorted, merged origin-time intervals shown."""
    by: dict[str, list[list[float]]] = {}
    for o, s, e, _, _ in sorted(run_list, key=lambda r: (r[0], r[1])):
        iv = by.setdefault(o, [])
        if iv and s <= iv[-1][1]:
            iv[-1][1] = max(iv[-1][1], e)
        else:
            iv.append([s, e])
    return {o: [(a, b) for a, b in iv] for o, iv in by.items()}


def shared_seconds(cov_a: dict, cov_b: dict) -> float:
    """Largest origin time that two coverages show in common, over origins."""
    best = 0.0
    for o in set(cov_a) & set(cov_b):
        s = sum(max(0.0, min(e1, e2) - max(s1, s2)) for s1, e1 in cov_a[o] for s2, e2 in cov_b[o])
        best = max(best, s)
    return best
