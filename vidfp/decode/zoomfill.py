"""A blurred fill recognised by what it shows: the video itself, zoomed to fill the frame.

Phone editors make a 9:16 repost (and a pillarboxed 4:3) by putting the video over a blurred copy
of itself, scaled about the centre until it fills the canvas.  Detail alone (vidfp.decode.borders)
tells such a band from content by its lack of detail and by the step where the content starts;
but content whose own edges are soft (a dark ceiling, a sky) ends in a ramp, not a step, and the
fill is missed.  What the fill *shows* decides it without that: with a band of k rows at each end
and hc = n − 2k content rows between them, the fill is the content zoomed by s = n / hc about the
centre,

    F[t, r, c] ≈ a · C[t, u(r), v(c)] + b,    u(r) = (r − n/2)/s + hc/2,   v(c) = (c − w/2)/s + w/2,

dimmed (a) and blurred.  Both sides are blurred alike (σ = ``sigma`` px) and their Pearson
correlation ρ(k) over the band's pixels of every frame is measured for centred bands k from
r rows inside to r rows outside the band the detail found, r = max(4, ``reach`` · band) (a quarter of
the band: a 9:16 repost's bands are ≈ 40 % of the frame, a pillarboxed 4:3's ≈ 15 %, and its zoom of
≈ 1.3 changes ρ more slowly with k).  A fill peaks at its true
k (a few rows off and the zoom no longer lines up); content that only looks like its own zoom (a
smooth dark top over a smooth dark middle) gives a ρ that drifts with k, with no peak inside the
range.  So a band is a fill when ρ's maximum lies inside the range (not at either end), is at least
``min_corr`` and stands ``drop`` above ρ at both ends.  Measured on family A (all 159 videos): its
eight 9:16 reposts peak at ρ 0.89–0.97, 0.21–0.76 above the ends; the real ``carphone_distorted``
clip, whose rows soften towards both ends, rises monotonically towards the narrowest band.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter


def zoom_corr(yb: np.ndarray, k: int) -> float:
    """ρ between the outer k rows at each end of blurred luma yb [T, n, w] and the centre rows
    zoomed to fill the frame (see the module docstring); −1 when there is nothing to compare."""
    _, n, w = yb.shape
    hc = n - 2 * k
    if k < 1 or hc < 2:
        return -1.0
    s = n / hc
    band = np.r_[np.arange(k), np.arange(n - k, n)]
    u = np.clip(np.round((band - n / 2) / s + hc / 2 - 0.5).astype(int), 0, hc - 1) + k
    v = np.clip(np.round((np.arange(w) - w / 2) / s + w / 2 - 0.5).astype(int), 0, w - 1)
    a = yb[:, u][:, :, v].ravel().astype(np.float64)
    b = yb[:, band].ravel().astype(np.float64)
    a, b = a - a.mean(), b - b.mean()
    den = np.sqrt((a @ a) * (b @ b))
    return float(a @ b / den) if den > 1e-9 else -1.0


def zoom_fill_band(
    y: np.ndarray,
    lead: int,
    trail: int,
    reach: float = 0.25,
    min_corr: float = 0.85,
    drop: float = 0.05,
    sigma: float = 3.0,
    max_frames: int = 16,
    grid: int = 3,
) -> int | None:
    """The rows k (at each end) of a centred zoomed fill of luma y [T, n, w] near the band
    (lead, trail) that detail found, or None when ρ(k), k in [min(lead, trail) − r,
    max(lead, trail) + r] with r = max(4, reach · max(lead, trail)), has no interior peak above
    ``min_corr`` and ``drop`` above both ends.  ρ is taken over at most ``max_frames`` evenly
    spaced frames (a fill is there in every frame; the band's pixels of 16 frames pin ρ down),
    first on every ``grid``-th k and both ends, then at every k within ``grid`` − 1 of the best
    one (ρ is smooth in k over the blur's width; ``grid=1`` is the exhaustive search).  Columns are
    taken every ⌊w / 144⌋-th after the blur: the zoom maps columns about the centre whatever their
    number, and the band's rows keep their full resolution."""
    t, n = y.shape[:2]
    if t > max_frames:
        y = y[np.linspace(0, t - 1, max_frames).round().astype(int)]
    r = max(4, round(reach * max(lead, trail)))
    lo, hi = max(1, min(lead, trail) - r), min(max(lead, trail) + r, n // 2 - 2)
    if hi - lo < 4:
        return None
    yb = gaussian_filter(y.astype(np.float32), (0, sigma, sigma))
    yb = yb[:, :, :: max(1, yb.shape[2] // 144)]  # across the band the zoom is the same at any width
    ks = np.arange(lo, hi + 1)
    rho = np.full(len(ks), -np.inf)
    for i in np.unique(np.r_[np.arange(0, len(ks), grid), len(ks) - 1]):
        rho[i] = zoom_corr(yb, int(ks[i]))
    c = int(np.argmax(rho))
    for i in range(max(0, c - grid + 1), min(len(ks), c + grid)):
        if rho[i] == -np.inf:
            rho[i] = zoom_corr(yb, int(ks[i]))
    i = int(np.argmax(rho))
    if not 1 <= i <= len(ks) - 2 or rho[i] < min_corr:
        return None  # no interior peak: the best k is at the range's end, or nothing lines up
    if rho[i] - max(rho[0], rho[-1]) < drop:
        return None  # a plateau, not a peak
    return int(ks[i])
