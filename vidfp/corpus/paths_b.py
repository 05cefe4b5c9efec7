"""Family B camera paths through photos: other shapes, speeds, zooms and a rolling camera.

Family A's journeys (``journeys.py``) are pans, crossings, circles and zooms at constant
speed with white-noise jitter and no roll.  Family B's paths differ in structure:

* the camera may *roll* (angle θ(t)), accelerate and stop (eased and stop-go paths);
* hand-held shake is smooth (an AR(1) process), not white noise;
* frames are 16:9 and the crop width ``z`` is a fraction of the photo canvas width.

A path is (centres c [n, 2] in [0, 1]², zoom z [n], roll θ [n] in degrees).  Its
derived paths are the hard negatives that look at the same place: ``reverse`` (the same
positions played backwards) and ``mirror`` (x → 1 − x, θ → −θ: the same shape, mirrored).
Photos are first fitted to one 4:3 canvas, so one path through two photos moves the image
identically (same-path-other-content negatives).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

CANVAS_HW = (480, 640)
KINDS = ("stopgo", "orbit", "spiral", "wander", "diagonal")


def fit_canvas(img: np.ndarray, hw: tuple[int, int] = CANVAS_HW) -> np.ndarray:
    """Centre-crop ``img`` to the canvas aspect and resize (Lanczos) → uint8 [H, W, 3]."""
    h, w = img.shape[:2]
    th, tw = hw
    if w * th > h * tw:
        cw = round(h * tw / th)
        img = img[:, (w - cw) // 2 : (w - cw) // 2 + cw]
    else:
        ch = round(w * th / tw)
        img = img[(h - ch) // 2 : (h - ch) // 2 + ch]
    return np.asarray(Image.fromarray(img).resize((tw, th), Image.LANCZOS))


def _smoothstep(t: np.ndarray) -> np.ndarray:
    return t * t * (3 - 2 * t)


def _shake(n: int, rng: np.random.Generator, sigma: float = 0.004, rho: float = 0.85) -> np.ndarray:
    """AR(1) hand-held shake [n, 2]: x_k = ρ·x_{k−1} + √(1−ρ²)·σ·ε_k (stationary σ)."""
    e = rng.normal(0, sigma * np.sqrt(1 - rho**2), (n, 2))
    x = np.empty((n, 2))
    x[0] = rng.normal(0, sigma, 2)
    for k in range(1, n):
        x[k] = rho * x[k - 1] + e[k]
    return x


def make_path(kind: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centres [n, 2], zoom [n] (crop width / canvas width) and roll [n] (degrees)."""
    t = np.linspace(0, 1, n)
    roll = np.zeros(n)
    if kind == "stopgo":  # pan right, stop (slowly zooming in), pan on, stop (zooming in)
        # the stops sit off the centre line (x = 0.35, 0.8), so the mirrored path (x → 1 − x) never
        # holds on the same view, and the slow zoom gives a stop a direction in time (the reversed
        # path zooms out there)
        knots = [0, 0.3, 0.45, 0.85, 1.0]
        c = np.stack([np.interp(t, knots, [0.2, 0.35, 0.35, 0.8, 0.8]), 0.42 + 0.12 * t], 1)
        z = np.interp(t, knots, [0.5, 0.5, 0.46, 0.46, 0.42])
    elif kind == "orbit":  # an ellipse with a rolling camera
        c = np.stack([0.5 + 0.2 * np.cos(2 * np.pi * t), 0.5 + 0.15 * np.sin(2 * np.pi * t)], 1)
        z = np.full(n, 0.45)
        roll = 8.0 * np.sin(2 * np.pi * t)
    elif kind == "spiral":  # circling inwards while zooming in
        a, r = 2 * np.pi * 1.25 * t, 0.22 * (1 - 0.6 * t)
        c = np.stack([0.5 + r * np.cos(a), 0.5 + 0.8 * r * np.sin(a)], 1)
        z = np.linspace(0.55, 0.35, n)
    elif kind == "wander":  # a smooth random walk: three random sinusoids per axis
        f = rng.uniform(0.5, 2.0, (3, 2))
        ph = rng.uniform(0, 2 * np.pi, (3, 2))
        amp = np.array([0.12, 0.06, 0.03])[:, None]
        c = 0.5 + (amp[None] * np.sin(2 * np.pi * f[None] * t[:, None, None] + ph[None])).sum(1)
        z = 0.42 + 0.05 * np.sin(2 * np.pi * t)
        roll = 2.0 * np.sin(2 * np.pi * 0.7 * t)
    elif kind == "diagonal":  # top left → bottom right, eased
        s = _smoothstep(t)
        c = np.stack([0.25 + 0.5 * s, 0.3 + 0.4 * s], 1)
        z = np.full(n, 0.45)
    else:
        raise ValueError(kind)
    return np.clip(c + _shake(n, rng), 0, 1), z, roll


def reverse(path: tuple) -> tuple:
    c, z, roll = path
    return c[::-1].copy(), z[::-1].copy(), roll[::-1].copy()


def mirror(path: tuple) -> tuple:
    c, z, roll = path
    return np.stack([1 - c[:, 0], c[:, 1]], 1), z.copy(), -roll


def render(canvas: np.ndarray, path: tuple, out_hw: tuple[int, int]) -> np.ndarray:
    """Bilinear, rotated crops of a fitted ``canvas`` along ``path`` → uint8 [n, H, W, 3].

    Output pixel (row i, column j) samples the canvas at p = c_k + R(θ_k)·(u·cw, v·ch) with
    u = j/(W−1) − ½, v = i/(H−1) − ½, cw = z_k·W_canvas and ch = cw·H/W — one affine map per frame
    (Pillow's AFFINE transform).  The centre is clamped so that the rotated crop stays inside the
    canvas (half extents cw|cos θ|/2 + ch|sin θ|/2 and cw|sin θ|/2 + ch|cos θ|/2).
    """
    img = Image.fromarray(np.ascontiguousarray(canvas, dtype=np.uint8))
    ch_, cw_ = canvas.shape[:2]
    oh, ow = out_hw
    c, z, roll = path
    frames = np.empty((len(c), oh, ow, 3), np.uint8)
    for k in range(len(c)):
        cw = z[k] * cw_
        chh = cw * oh / ow
        th = np.deg2rad(roll[k])
        co, si = np.cos(th), np.sin(th)
        hx, hy = (cw * abs(co) + chh * abs(si)) / 2, (cw * abs(si) + chh * abs(co)) / 2
        x0 = np.clip(c[k, 0] * cw_, hx, cw_ - hx)
        y0 = np.clip(c[k, 1] * ch_, hy, ch_ - hy)
        coeffs = (
            co * cw / (ow - 1),
            -si * chh / (oh - 1),
            x0 - co * cw / 2 + si * chh / 2,
            si * cw / (ow - 1),
            co * chh / (oh - 1),
            y0 - si * cw / 2 - co * chh / 2,
        )
        frames[k] = np.asarray(img.transform((ow, oh), Image.AFFINE, coeffs, resample=Image.BILINEAR))
    return frames
