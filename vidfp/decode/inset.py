"""Picture in picture: find a persistent inset rectangle and keep only what it shows.

A picture-in-picture copy (a re-upload over a backdrop, a reaction frame, a
"video in a video") shows the copied video at a fraction of the frame.  Whole-
frame and corner descriptors then mostly see the backdrop, and the copy never
becomes a candidate.  The VSC22 winners split such frames along their edges
before descriptors were computed; vidfp does the same for one inset.

Why the edges give it away.  Inside and outside the inset the pictures change
independently, so the luma step across the inset's border is there in every
sampled frame, while the edges *within* moving content wander.  With the
horizontal step D_x[t, y, x] = |Y[t, y, x+1] − Y[t, y, x]|, the persistent edge
map is the lower quartile over time,

    M_x[y, x] = Q_¼,t D_x[t, y, x]         (and M_y from vertical steps),

large only where an edge holds in at least ¾ of the frames.  A column x is a
side when M_x is above ``edge`` along at least ``min_side`` of the candidate
rectangle's height (likewise rows).  The rectangle must be at most
``max_area`` and at least ``min_area`` of the frame, its sides must hold
along ``min_side`` of their length, and the persistent edges must be rare
elsewhere (a locked-off camera on a static scene has persistent edges
everywhere and is left alone): the median of M over the frame is at most
``busy``; and the inset's picture must change (mean |ΔY| between samples ≥
``min_change``): a still picture with a drawn frame is not a video in a video.
All four sides must be edges at least ``margin`` (3 %) of the side inside the
frame: an inset has backdrop all round, while a box that ends at or hugs the
frame's border is a crop, a split screen or a bar (the real ``carphone`` clip
has a car window 1 px from its edge).

The inset is cropped and resized back to S × S, as borders are: the copy is
then the copied video, at the resolution the inset had.
"""

from __future__ import annotations

import numpy as np

from vidfp.decode.borders import LUMA


def longest_runs(b: np.ndarray) -> np.ndarray:
    """Length of the longest run of True in each row of bool b [n, L] → int [n].

    With c = the running count of True along the row, the run ending at k is c[k] minus c at the
    last False at or before k, so its length is c − maximum.accumulate(where(b, 0, c)).
    """
    if b.size == 0:
        return np.zeros(len(b), int)
    c = np.cumsum(b, axis=1)
    return (c - np.maximum.accumulate(np.where(b, 0, c), axis=1)).max(axis=1)


def _sides(m: np.ndarray, thr: float, min_len: int) -> list[int]:
    """Indices i of lines of m [n_lines, length] with a run ≥ min_len above thr, after
    non-maximum suppression of neighbours (a 2-px border gives two lines; keep the first)."""
    out: list[int] = []
    for i in np.flatnonzero(longest_runs(m > thr) >= min_len):
        if not out or i - out[-1] > 2:
            out.append(int(i))
    return out


def inset_box(
    pixels: np.ndarray,
    edge: float = 4.0,
    busy: float = 3.0,
    min_area: float = 0.12,
    max_area: float = 0.7,
    min_side: float = 0.5,
    min_frames: int = 4,
    min_change: float = 2.0,
    margin: float = 0.03,
) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) of a persistent inset in uint8 [T, H, W, 3], or None."""
    t, h, w, _ = pixels.shape
    if t < min_frames or h < 16 or w < 16:
        return None
    y = pixels.astype(np.float32) @ LUMA  # [T, H, W]
    mx = np.quantile(np.abs(np.diff(y, axis=2)), 0.25, axis=0)  # [H, W − 1]: step between x and x + 1
    my = np.quantile(np.abs(np.diff(y, axis=1)), 0.25, axis=0)  # [H − 1, W]
    if np.median(mx) > busy or np.median(my) > busy:
        return None  # persistent edges everywhere: a static picture, not an inset
    # candidate lines: a step after column c is the boundary at x = c + 1
    cols = [c + 1 for c in _sides(mx.T, edge, int(min_side * min_area**0.5 * h))]
    rows = [r + 1 for r in _sides(my, edge, int(min_side * min_area**0.5 * w))]
    if len(cols) > 14 or len(rows) > 14:
        return None  # a texture of lasting lines (a static grid, a chart): no single inset to tell
    best = None
    for i, x0 in enumerate(cols):
        for x1 in cols[i + 1 :]:
            for j, y0 in enumerate(rows):
                for y1 in rows[j + 1 :]:
                    area = (x1 - x0) * (y1 - y0) / (h * w)
                    if not min_area <= area <= max_area or (best and area <= best[0]):
                        continue
                    if _holds(mx, my, (y0, y1, x0, x1), (h, w), edge, min_side, margin):
                        best = (area, (y0, y1, x0, x1))
    if best is None:
        return None
    y0, y1, x0, x1 = best[1]
    if np.abs(np.diff(y[:, y0:y1, x0:x1], axis=0)).mean() < min_change:
        return None  # nothing moves inside: a drawn frame on a still picture, not a video in a video
    return best[1]


def _holds(mx, my, box, hw, edge: float, min_side: float, margin: float) -> bool:
    """All four sides of ``box`` are persistent edges along ``min_side`` of their length, each at
    least ``margin`` of the frame's side inside it."""
    y0, y1, x0, x1 = box
    h, w = hw
    py, px = max(2, round(margin * h)), max(2, round(margin * w))
    if x0 < px or y0 < py or x1 > w - px or y1 > h - py:
        return False  # an edge hugging the frame's border is a crop line or a bar, not an inset
    sides = (mx[y0:y1, x0 - 1], mx[y0:y1, x1 - 1], my[y0 - 1, x0:x1], my[y1 - 1, x0:x1])
    return all((s > edge).mean() >= min_side for s in sides)
