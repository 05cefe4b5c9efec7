"""The pair page's pictures, drawn with matplotlib (Agg, no pyplot: thread-safe in a server).

- ``matrix_png``: the frame-to-frame similarity matrix as a heatmap, on both videos'
  time axes, with the alignment paths drawn on it.  The colour scale runs from the
  catalog's calibrated "unrelated frames" level (dark) to its "clearly the same"
  level (bright), so brightness means evidence, whatever the encoder.
- ``timeline_png``: both videos as rows of keyframes on one time axis, B shifted so
  that the best matched moment lines up with A's; matched segments as bars, joined
  by bands from A's range to B's.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from vidfp.review.pairview import PairMatrix
from vidfp.similarity.scoring import sample_step

PATH_COLOURS = ("#00e5ff", "#7CFC00", "#ffd54f")
SEG_COLOURS = ("#e4572e", "#29335c", "#f3a712", "#669bbc")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _short(name: str, n: int = 42) -> str:
    return name if len(name) <= n else name[: n // 2 - 1] + "…" + name[-(n // 2 - 1) :]


def matrix_png(pm: PairMatrix, name_a: str, name_b: str) -> bytes:
    """Heatmap of S [Ta, Tb]: rows = A's sampled frames (time down), columns = B's."""
    sa, sb = sample_step(pm.t_a), sample_step(pm.t_b)
    ext = (pm.t_b[0], pm.t_b[-1] + sb, pm.t_a[-1] + sa, pm.t_a[0])
    fig = Figure(figsize=(6.2, 5.0), dpi=100)
    ax = fig.add_subplot()
    # dark = the catalog's unrelated level; bright = its "clearly the same" level, or the best cells when
    # they are far above it, so that the path's own cells stand out from merely similar scenery
    top = max(pm.hi, float(np.quantile(pm.sim, 0.995)) if pm.sim.size else pm.hi, pm.center + 1e-3)
    im = ax.imshow(pm.sim, cmap="magma", vmin=pm.center, vmax=top, extent=ext, aspect="auto", interpolation="nearest")
    for k, p in enumerate(pm.paths):
        ax.plot(
            pm.t_b[p.j] + sb / 2,
            pm.t_a[p.i] + sa / 2,
            color=PATH_COLOURS[k % len(PATH_COLOURS)],
            lw=2.2 if k == 0 else 1.6,
            label="best alignment path" if k == 0 else f"further match {k + 1}",
        )
    if pm.paths:
        ax.legend(loc="lower left", fontsize=8, framealpha=0.85)
    ax.set_xlabel(f"B: {_short(name_b)} — seconds" + (" (mirrored)" if pm.flipped else ""), fontsize=9)
    ax.set_ylabel(f"A: {_short(name_a)} — seconds", fontsize=9)
    ax.set_title(
        "How alike each frame of A is to each frame of B\na diagonal line = the same frames in the same order (a copy)",
        fontsize=10,
    )
    cb = fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    cb.set_label("frame similarity\n(dark: like unrelated videos · bright: same picture)", fontsize=8)
    return _png(fig)


TILE_STEPS_S = (
    0.25,
    0.5,
    1.0,
    1.5,
    2.0,
    3.0,
    5.0,
    7.5,
    10.0,
    15.0,
    20.0,
    30.0,
    45.0,
    60.0,
    90.0,
    120.0,
    180.0,
    300.0,
    450.0,
    600.0,
    900.0,
    1200.0,
    1800.0,
    2700.0,
    3600.0,
)


def tile_times(duration_s: float, span_s: float, tiles_across: int = 9) -> tuple[float, list[float]]:
    """(tile length, keyframe times) of one timeline row: tiles of a fixed ladder length near
    span/tiles_across seconds, each showing the frame at its middle.  The ladder makes a video's
    keyframes the same for every pair it is in, so the thumbnail cache serves them all."""
    want = max(span_s, 1e-3) / tiles_across
    step = next((s for s in TILE_STEPS_S if s >= want), TILE_STEPS_S[-1])
    d = max(duration_s, 1e-3)
    n = max(1, int(np.ceil(d / step - 1e-9)))
    return step, [round(min((k + 0.5) * step, d * (1 - 1e-3)), 3) for k in range(n)]


def timeline_png(
    name_a: str,
    name_b: str,
    dur_a: float,
    dur_b: float,
    frames_a: Sequence[np.ndarray],
    frames_b: Sequence[np.ndarray],
    segments: Sequence[tuple[float, float, float, float, float | None]],
    tile_s: float,
) -> bytes:
    """Two keyframe rows on one axis (A's seconds on top, B's below), matched segments as bars;
    keyframe k of a row covers [k·tile_s, (k+1)·tile_s) of its video (the last one ends with it)."""
    segs = list(segments)
    best = max(segs, key=lambda s: s[1] - s[0]) if segs else None
    offset = (best[0] - best[2]) if best else 0.0  # B's time + offset = A's time at the best match
    lo, hi = min(0.0, offset), max(dur_a, dur_b + offset)
    fig = Figure(figsize=(10.0, 2.9), dpi=100)
    ax = fig.add_subplot()
    rows = ((frames_a, dur_a, 0.0, 2.0), (frames_b, dur_b, offset, 0.0))
    for frames, dur, shift, y0 in rows:
        for k, fr in enumerate(frames):
            x0, x1 = k * tile_s, min((k + 1) * tile_s, dur)
            if x1 > x0:
                ax.imshow(fr, extent=(shift + x0, shift + x1, y0, y0 + 1.0), aspect="auto", interpolation="bilinear")
        ax.add_patch(Rectangle((shift, y0), dur, 1.0, fill=False, lw=0.8, ec="#555"))
    for k, (a0, a1, b0, b1, _) in enumerate(segs):
        c = SEG_COLOURS[k % len(SEG_COLOURS)]
        ax.add_patch(Rectangle((a0, 1.72), a1 - a0, 0.2, color=c))
        ax.add_patch(Rectangle((b0 + offset, 1.08), b1 - b0, 0.2, color=c))
        ax.add_patch(
            Polygon(
                [(a0, 1.72), (a1, 1.72), (b1 + offset, 1.28), (b0 + offset, 1.28)],
                closed=True,
                color=c,
                alpha=0.25,
                lw=0,
            )
        )
    ax.set_xlim(lo - 0.01 * (hi - lo), hi + 0.01 * (hi - lo))
    ax.set_ylim(-0.05, 3.05)
    ax.set_yticks([0.5, 1.5, 2.5], [f"B: {_short(name_b, 28)}", "matched", f"A: {_short(name_a, 28)}"], fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.xaxis.tick_top()
    ax.set_xlabel("A's time (s)", fontsize=8)
    ax.xaxis.set_label_position("top")
    sec = ax.secondary_xaxis("bottom", functions=(lambda x: x - offset, lambda x: x + offset))
    sec.set_xlabel(
        "B's time (s)" + (f" — B drawn shifted by {offset:+.1f} s so the match lines up" if offset else ""), fontsize=8
    )
    sec.tick_params(labelsize=8)
    for side in ("left", "right"):
        ax.spines[side].set_visible(False)
    return _png(fig)
