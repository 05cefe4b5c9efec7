"""Compilations: pieces of several sources in one video, with title cards between them.

A compilation is a partial copy of each source it holds.  Because every pair inside a truth
group must be a copy, a compilation's piece of group g must overlap every member of g — a
60 % sub-clip included — by at least ``MIN_SHARED_S``.  So pieces are cut from the group's
*safe window*: the origin time that every member shows (the intersection of their coverages).
Two compilations that hold the same group start their pieces within 0.3 s of the window's
start, so they overlap each other as well.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from vidfp.corpus.clip import Clip, concat, coverage, filler, take, with_frames
from vidfp.corpus.transforms_b import _font

COMP_HW, COMP_FPS, CARD_S = (216, 384), 25.0, 0.6


def safe_window(member_runs: list[list], origin: str) -> tuple[float, float]:
    """The longest origin-time interval on ``origin`` that every member's runs cover."""
    cur = None
    for r in member_runs:
        iv = coverage(r).get(origin, [])
        if cur is None:
            cur = iv
            continue
        cur = [(max(a, c), min(b, d)) for a, b in cur for c, d in iv if min(b, d) > max(a, c)]
    if not cur:
        raise ValueError(f"no origin time of {origin} is shown by every member")
    return max(cur, key=lambda x: x[1] - x[0])


def _fit(frames: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """Scale into (h, w) keeping the aspect ratio, centred on black."""
    h, w = hw
    fh, fw = frames.shape[1:3]
    s = min(h / fh, w / fw)
    nh, nw = max(2, int(fh * s) // 2 * 2), max(2, int(fw * s) // 2 * 2)
    out = np.zeros((len(frames), h, w, 3), np.uint8)
    y0, x0 = (h - nh) // 2, (w - nw) // 2
    for k, f in enumerate(frames):
        out[k, y0 : y0 + nh, x0 : x0 + nw] = np.asarray(Image.fromarray(f).resize((nw, nh), Image.BILINEAR))
    return out


def _card(text: str, n: int, colour: tuple[int, int, int]) -> np.ndarray:
    im = Image.new("RGB", (COMP_HW[1], COMP_HW[0]), colour)
    ImageDraw.Draw(im).text((COMP_HW[1] // 2, COMP_HW[0] // 2), text, font=_font(22), fill=(240, 240, 240), anchor="mm")
    return np.repeat(np.asarray(im)[None], n, axis=0)


def piece(clip: Clip, start: float, length: float) -> Clip:
    """Frames of ``clip`` (played at 1×) whose origin time lies in [start, start + length),
    resampled to the compilation rate and fitted into its frame."""
    sel = np.flatnonzero((clip.ot >= start) & (clip.ot < start + length))
    n = int(length * COMP_FPS)
    t_src = clip.ot[sel]
    want = start + np.arange(n) / COMP_FPS
    idx = sel[np.clip(np.searchsorted(t_src, want, side="right") - 1, 0, len(sel) - 1)]
    p = take(clip, idx, np.arange(n) / COMP_FPS, fps=COMP_FPS)
    return with_frames(p, _fit(p.frames, COMP_HW))


def compilation(sources: list[tuple[Clip, tuple[float, float]]], piece_s: float, rng, title: str) -> Clip:
    """Title card, then for each (clip, safe window) a piece of ``piece_s`` seconds (shorter if the
    window is), each followed by a card.  Cards carry the compilation's own title and colour, so two
    compilations share no filler frames."""
    colour = tuple(int(x) for x in rng.integers(10, 90, 3))
    nc = int(CARD_S * COMP_FPS)
    parts = [filler(_card(title, nc, colour), COMP_FPS)]
    for i, (clip, (lo, hi)) in enumerate(sources):
        u = float(rng.uniform(0, min(0.3, max(0.0, hi - lo - piece_s))))
        start = float(clip.ot[np.flatnonzero(clip.ot >= lo + u)[0]])  # on a source frame
        parts.append(piece(clip, start, min(piece_s, hi - start)))
        parts.append(
            filler(_card(f"{title} · {i + 2}" if i + 1 < len(sources) else f"{title} · end", nc, colour), COMP_FPS)
        )
    return concat(parts, COMP_FPS)
