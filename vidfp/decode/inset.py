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
candidate side when M_x is above ``edge`` along an unbroken ``min_side`` of the
smallest inset's height, or along 90 % of twice that (likewise rows; ``_sides``).  The rectangle must be at most
``max_area`` and at least ``min_area`` of the frame, its sides must hold
along ``hold`` of their length (a drawn inset's border is a step all along;
a rectangle pieced together from lasting edges of the content, a car's window
frame or a still camera's scene, holds along about half: on family A, decided
at the videos' own size, true insets hold along 0.83–1.0 and false ones along
0.50–0.66, so ``hold`` is 0.8), and the persistent edges must be rare
elsewhere (a locked-off camera on a static scene has persistent edges
everywhere and is left alone): M is above ``busy`` at no more than half the
places (the median of M at most ``busy``, up to how a median of an even count
is taken); M is only ever compared with a threshold, so it is never sorted
out (``quartile_above``); and the inset's picture must change (mean |ΔY| between samples ≥
``min_change``): a still picture with a drawn frame is not a video in a video.
Its sides must be edges at least ``margin`` (3 %) of the side inside the
frame, except one, which may lie on or by the frame's border (an editor may
place the inset against an edge; family A's random placements do): a box
against two borders is a crop, a split screen or a bar (the real ``carphone``
clip has a car window 1 px from its edge, which the ``hold`` rule turns down).

The inset is cropped and resized to the encoder's input, as borders are
(vidfp.decode.framing: decided at the video's own size): the copy is then the
copied video, at the resolution the inset had.
"""

from __future__ import annotations

import numpy as np

from vidfp.decode.borders import LUMA

DENSE = 0.9  # a candidate line may instead be this much edge over a window (_sides)
LONG = 2  # ... this many times the unbroken run it needs


def longest_runs(b: np.ndarray) -> np.ndarray:
    """Length of the longest run of True in each row of bool b [n, L] → int [n].

    With c = the running count of True along the row, the run ending at k is c[k] minus c at the
    last False at or before k, so its length is c − maximum.accumulate(where(b, 0, c)).
    """
    if b.size == 0:
        return np.zeros(len(b), int)
    c = np.cumsum(b, axis=1)
    return (c - np.maximum.accumulate(np.where(b, 0, c), axis=1)).max(axis=1)


def quartile_above(d: np.ndarray, thr: float) -> np.ndarray:
    """``np.quantile(d, 0.25, axis=0) > thr`` for d [T, ...], without sorting along T.

    With c the number of values ≤ thr at a position and the lower quartile at the virtual index
    p = ¼(T − 1) = k + f between the sorted values d₍ₖ₎ and d₍ₖ₊₁₎: c ≤ k means d₍ₖ₎ > thr, so the
    quartile is above; c ≥ k + 2 means both are ≤ thr, so it is not; for c = k + 1, d₍ₖ₎ is the
    largest value ≤ thr and d₍ₖ₊₁₎ the smallest above it, and the quartile is numpy's linear
    interpolation between them.  A count instead of a partial sort along T (≈ 3.5× faster on family A)."""
    t = d.shape[0]
    pos = 0.25 * (t - 1)
    k = int(np.floor(pos))
    f = pos - k
    below = d <= thr
    c = below.sum(axis=0)
    out = c <= k
    if f > 0:
        amb = c == k + 1
        if amb.any():
            da, ba = d[:, amb], below[:, amb]  # [T, n]: only the undecided places
            a = np.where(ba, da, -np.inf).max(axis=0)
            b = np.where(ba, np.inf, da).min(axis=0)
            q = np.where(f >= 0.5, b - (b - a) * (1 - f), a + (b - a) * f)  # numpy's _lerp
            out[amb] = q > thr
    return out


def dense_windows(m: np.ndarray, length: int, frac: float = DENSE) -> np.ndarray:
    """bool [n]: row i of bool m [n, L] has a window of ``length`` places at least ``frac`` True.

    Window sums from a running count c (c[0] = 0): c[k + length] − c[k]; a window longer than the
    row is never dense, one of length ≤ 0 always is."""
    n, L = m.shape
    if length <= 0:
        return np.ones(n, bool)
    if length > L:
        return np.zeros(n, bool)
    c = np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(m, axis=1)], axis=1)
    return (c[:, length:] - c[:, :-length]).max(axis=1) >= np.ceil(frac * length)


def _sides(m: np.ndarray, min_len: int) -> list[int]:
    """Indices i of lines of bool m [n_lines, length] that may be an inset's side, after non-maximum
    suppression of neighbours (a 2-px border gives two lines; keep the first).

    A line qualifies with an unbroken run of min_len edge places, or with a window of ``LONG`` ·
    min_len places at least ``DENSE`` edge.  An inset's side is a step in ¾ of the frames almost
    everywhere, but where the inset's content matches the backdrop's in over ¼ of the frames it
    is not: on family A's ``bigbuckbunny__pip`` (a noisy backdrop) the bottom side holds along
    96 % of its 240 px in runs of at most 77 px, under the 83 px it needed, and the inset was never
    found.  Lasting edges of textured content are dense only over short stretches: bridging every
    lone gap, or a dense window of min_len, made 15–90 candidate columns of
    ``immunohistochemistry_spiral__pip`` (over the 14 that mean "a texture") and lost its inset.
    Of the settings tried on family A (0.8 / 0.9 × 1.5 / 2), 0.9 × 2 finds bigbuckbunny's inset and
    changes no other video's box.  Every box is still checked on M itself by ``hold``."""
    out: list[int] = []
    for i in np.flatnonzero((longest_runs(m) >= min_len) | dense_windows(m, int(LONG * min_len))):
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
    hold: float = 0.8,
    min_frames: int = 4,
    min_change: float = 2.0,
    margin: float = 0.03,
    luma: np.ndarray | None = None,
) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) of a persistent inset in uint8 [T, H, W, 3], or None (``luma``: their luma
    [T, H, W] float32 when the caller has it)."""
    t, h, w, _ = pixels.shape
    if t < min_frames or h < 16 or w < 16:
        return None
    y = (pixels.astype(np.float32) @ LUMA) if luma is None else luma  # [T, H, W]
    dx = np.abs(np.diff(y, axis=2))  # [T, H, W − 1]: step between x and x + 1
    dy = np.abs(np.diff(y, axis=1))  # [T, H − 1, W]
    if quartile_above(dx, busy).mean() > 0.5 or quartile_above(dy, busy).mean() > 0.5:
        return None  # persistent edges everywhere (M > busy at most places): a static picture, not an inset
    mx, my = quartile_above(dx, edge), quartile_above(dy, edge)  # bool: M > edge
    # candidate lines: a step after column c is the boundary at x = c + 1
    cols = [c + 1 for c in _sides(mx.T, int(min_side * min_area**0.5 * h))]
    rows = [r + 1 for r in _sides(my, int(min_side * min_area**0.5 * w))]
    if len(cols) > 14 or len(rows) > 14:
        return None  # a texture of lasting lines (a static grid, a chart): no single inset to tell
    cols, rows = _with_borders(cols, w, margin), _with_borders(rows, h, margin)  # an inset may sit against one
    best = None
    for i, x0 in enumerate(cols):
        for x1 in cols[i + 1 :]:
            for j, y0 in enumerate(rows):
                for y1 in rows[j + 1 :]:
                    area = (x1 - x0) * (y1 - y0) / (h * w)
                    if not min_area <= area <= max_area or (best and area <= best[0]):
                        continue
                    if _holds(mx, my, (y0, y1, x0, x1), (h, w), hold, margin):
                        best = (area, (y0, y1, x0, x1))
    if best is None:
        return None
    y0, y1, x0, x1 = best[1]
    if np.abs(np.diff(y[:, y0:y1, x0:x1], axis=0)).mean() < min_change:
        return None  # nothing moves inside: a drawn frame on a still picture, not a video in a video
    return best[1]


def _margin_px(n: int, margin: float) -> int:
    """Pixels of a side of n within which a line counts as on the frame's border (at least 2)."""
    return max(2, round(margin * n))


def _with_borders(lines: list[int], n: int, margin: float) -> list[int]:
    """Candidate lines plus the frame's borders 0 and n, each border only where no line lies within
    ``margin`` of it: an inset a few pixels from the border ends at its own edge, not at the border
    (a box stretched to the border would keep a strip of backdrop, and win by its larger area)."""
    p = _margin_px(n, margin)
    out = set(lines)
    if not any(x < p for x in lines):
        out.add(0)
    if not any(x > n - p for x in lines):
        out.add(n)
    return sorted(out)


def _holds(mx, my, box, hw, hold: float, margin: float) -> bool:
    """The sides of ``box`` at least ``margin`` of the frame's side inside it are persistent edges
    along ``hold`` of their length, and at most one side is not (it lies on or by the frame's border:
    an inset placed against an edge).  Two or more sides at the border make a crop, a split
    screen or a bar, not an inset."""
    y0, y1, x0, x1 = box
    h, w = hw
    py, px = _margin_px(h, margin), _margin_px(w, margin)
    inner = (x0 >= px, x1 <= w - px, y0 >= py, y1 <= h - py)  # left, right, top, bottom
    if sum(inner) < 3:
        return False
    c0, c1, r0, r1 = max(x0 - 1, 0), min(x1 - 1, w - 2), max(y0 - 1, 0), min(y1 - 1, h - 2)  # (border: unused)
    sides = (mx[y0:y1, c0], mx[y0:y1, c1], my[r0, x0:x1], my[r1, x0:x1])
    if not all(s.mean() >= hold for s, ok in zip(sides, inner, strict=True) if ok):
        return False
    if all(inner):
        return True
    # against a border: the two sides that meet it must be edges right up to it (their quarter
    # nearest it holds too), or a box with a fourth side would stretch to the border through
    # the backdrop whenever hold · its length is covered
    k = inner.index(False)
    perp = (2, 3) if k < 2 else (0, 1)
    for j in perp:
        q = max(2, len(sides[j]) // 4)
        end = sides[j][:q] if k in (0, 2) else sides[j][-q:]
        if end.mean() < hold:
            return False
    return True
