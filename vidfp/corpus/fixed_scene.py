"""A fixed camera over one place, recorded at different moments (bench family A).

Real corpora hold many of these: a street or shop camera, a lab's tank camera, a webcam on a
desk.  Two recordings of the same place at different moments show the same background in every
frame, so appearance says "the same" and the camera's motion says nothing (it does not move);
only *what moves, and when* tells them apart.  A copy keeps that time course; another moment
has its own.

The scene: a photo seen by a still camera (one centred view at a constant zoom) with "passers-by"
walking through it, drawn as textured ellipses standing on the lower half of the frame.  Each
moment has its own seeded arrivals: a passer-by enters from the left or right edge at a random
time, walks across at its own speed, and may stop for a while on the way, so the amount of
movement rises and falls over the recording (quiet spells included) rather than staying level.

A frozen shot is the other extreme: one view held for the whole clip with nothing moving (an upload
of a still image, a title card).  Its copies change only by their encoder's noise, so a signal about
*when things move* has nothing to say there and must abstain rather than read the noise.
"""

from __future__ import annotations

import numpy as np

from vidfp.corpus.journeys import render_journey


def passers_by(n: int, fps: float, rng: np.random.Generator) -> list[dict]:
    """Seeded walkers for one moment of ``n`` frames at ``fps``: start frame, side, speed, height."""
    walkers, t = [], float(rng.uniform(0.0, 1.5))
    dur = n / fps
    while t < dur - 0.5:
        walkers.append(
            dict(
                start=int(t * fps),
                left=bool(rng.random() < 0.5),
                speed=float(rng.uniform(0.12, 0.35)),  # frame widths / s
                height=float(rng.uniform(0.18, 0.4)),  # frame heights
                foot=float(rng.uniform(0.7, 0.95)),  # where it stands, frame heights from the top
                stop_at=float(rng.uniform(0.25, 0.75)) if rng.random() < 0.5 else None,
                stop_s=float(rng.uniform(0.8, 2.5)),
                colour=rng.integers(30, 226, 3),
            )
        )
        t += float(rng.exponential(1.6))  # arrivals come in bursts and quiet spells
    return walkers


def _position(w: dict, k: int, fps: float) -> float | None:
    """Horizontal centre (frame widths) of walker ``w`` at frame k; None before it enters or after it leaves."""
    s = (k - w["start"]) / fps
    if s < 0:
        return None
    if w["stop_at"] is not None:
        reach = (w["stop_at"] + 0.1) / w["speed"]  # the walk from the edge (−0.1) to the stop
        s = min(s, reach) + max(0.0, s - reach - w["stop_s"])
    x = -0.1 + w["speed"] * s
    return None if x > 1.1 else (x if w["left"] else 1.0 - x)


def _still_view(img: np.ndarray, out_hw: tuple[int, int]) -> np.ndarray:
    """The still camera's view of ``img``: one centred crop at zoom 0.7, uint8 [H, W, 3]."""
    return render_journey(img, np.array([[0.5, 0.5]]), np.array([0.7]), out_hw)[0]


def render_fixed_scene(
    img: np.ndarray, n: int, fps: float, rng: np.random.Generator, out_hw: tuple[int, int] = (144, 192)
) -> np.ndarray:
    """One moment of the still camera over ``img``: uint8 [n, H, W, 3].

    The background is one centred view of the photo (zoom 0.7); every frame gets the walkers
    present at that time, each a textured ellipse (its own colour times a fixed noise pattern)
    and a little sensor noise, so a still frame is not bit-identical to the next.
    """
    h, w = out_hw
    bg = _still_view(img, out_hw).astype(np.float32)
    gy, gx = np.mgrid[0:h, 0:w].astype(np.float32)
    frames = np.empty((n, h, w, 3), np.uint8)
    walkers = passers_by(n, fps, rng)
    texture = [rng.uniform(0.6, 1.2, (h, w)).astype(np.float32) for _ in walkers]
    for k in range(n):
        f = bg.copy()
        for wk, tex in zip(walkers, texture, strict=True):
            x = _position(wk, k, fps)
            if x is None:
                continue
            ry, rx = 0.5 * wk["height"] * h, 0.2 * wk["height"] * h
            cy, cx = (wk["foot"] - 0.5 * wk["height"]) * h, x * w
            inside = ((gy - cy) / ry) ** 2 + ((gx - cx) / rx) ** 2 <= 1.0
            f[inside] = wk["colour"][None, :].astype(np.float32) * tex[inside][:, None]
        f += rng.normal(0.0, 2.0, f.shape).astype(np.float32)
        frames[k] = np.clip(f, 0, 255).astype(np.uint8)
    return frames


def render_frozen_shot(img: np.ndarray, n: int, out_hw: tuple[int, int] = (144, 192)) -> np.ndarray:
    """``n`` identical frames of one centred view of ``img`` (zoom 0.7): uint8 [n, H, W, 3]."""
    return np.repeat(_still_view(img, out_hw)[None], n, axis=0)
