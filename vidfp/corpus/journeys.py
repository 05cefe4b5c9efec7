"""Virtual camera journeys through a still photo: the hard negatives.

A journey is a path of crop centres c(t) ∈ [0, 1]² and a zoom z(t) (crop width
as a fraction of the photo's shorter side).  Two journeys through one photo
show the same place — similar frames — but a different path: reversed,
crossing, or at another zoom.  Only a copy of a journey keeps its path.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import map_coordinates

BASE_PATHS = ("pan", "stopgo", "spiral")  # the path shapes a copied journey can take (pan: left → right, a wave)


def _stops(t: np.ndarray, moves: int = 3) -> np.ndarray:
    """Progress in [0, 1] that stands still for the first half of each of ``moves`` equal steps.

    p(t) = (⌊m t⌋ + smoothstep(clip(2·frac(m t) − 1, 0, 1))) / m: the camera halts half the
    time, so a median speed over the video is ≈ 0 although it moves a lot in between.
    """
    u = np.clip(t, 0, 1 - 1e-9) * moves
    f = np.clip(2 * (u % 1) - 1, 0, 1)
    return (np.floor(u) + f * f * (3 - 2 * f)) / moves


def _base(kind: str, t: np.ndarray) -> np.ndarray:
    """Centres [n, 2] of a copied journey's path shape (see ``BASE_PATHS``)."""
    if kind == "pan":
        return np.stack([0.2 + 0.6 * t, 0.5 + 0.12 * np.sin(2 * np.pi * t)], 1)
    if kind == "stopgo":  # a diagonal walk that halts three times
        p = _stops(t)
        return np.stack([0.22 + 0.56 * p, 0.3 + 0.4 * p + 0.06 * np.sin(3 * np.pi * p)], 1)
    if kind == "spiral":  # outward, one and a half turns
        r, a = 0.04 + 0.26 * t, 3 * np.pi * t
        return np.stack([0.5 + r * np.cos(a), 0.5 + r * np.sin(a)], 1)
    raise ValueError(kind)


def path_points(kind: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Centres [n, 2] and zooms [n] for a named path shape.

    ``kind`` is a base shape (``BASE_PATHS``), one of the fixed shapes below, or
    ``"<base>~<op>"``: the base path run backwards (``reverse``, c(t) → c(1 − t)) or mirrored
    (``mirror``, x → 1 − x).  Both keep the place and change the path; for ``pan`` they equal
    the named ``reverse`` and ``mirror`` shapes.
    """
    t = np.linspace(0, 1, n)
    base, _, op = kind.partition("~")
    if op:
        c = _base(base, 1 - t if op == "reverse" else t)
        if op == "mirror":
            c[:, 0] = 1 - c[:, 0]
        elif op != "reverse":
            raise ValueError(kind)
        kind = op
    elif kind in BASE_PATHS:
        c = _base(kind, t)
    elif kind == "reverse":  # the same pan, right → left
        c = np.stack([0.8 - 0.6 * t, 0.5 + 0.12 * np.sin(2 * np.pi * (1 - t))], 1)
    elif kind == "mirror":  # the pan mirrored (x → 1 − x): right → left on the same wave
        c = np.stack([0.8 - 0.6 * t, 0.5 + 0.12 * np.sin(2 * np.pi * t)], 1)
    elif kind == "cross":  # top → bottom, crossing the pan in the middle
        c = np.stack([0.5 + 0.1 * np.sin(2 * np.pi * t), 0.2 + 0.6 * t], 1)
    elif kind == "zoom":  # same direction, zooming in, on the mirrored wave: another path at another zoom
        c = np.stack([0.2 + 0.6 * t, 0.5 - 0.12 * np.sin(2 * np.pi * t)], 1)
    elif kind == "circle":
        c = np.stack([0.5 + 0.28 * np.cos(2 * np.pi * t), 0.5 + 0.28 * np.sin(2 * np.pi * t)], 1)
    elif kind == "zigzag":
        c = np.stack([0.2 + 0.6 * t, 0.5 + 0.25 * (2 * np.abs((3 * t) % 2 - 1) - 1)], 1)
    else:
        raise ValueError(kind)
    # A constant tighter zoom on the pan's own path would be a crop of the pan — a copy by
    # definition — so the zoom journey also changes zoom over time and takes another path.
    z = np.linspace(0.5, 0.3, n) if kind == "zoom" else np.full(n, 0.55)
    c = c + rng.normal(0, 0.002, c.shape)  # hand-held jitter
    return np.clip(c, 0, 1), z


MAX_MIRROR_SYMMETRY = 0.2  # above it a mirrored path is a flipped copy, never a hard negative (set on family A)


def mirror_symmetry(img: np.ndarray) -> float:
    """Correlation of a photo's luma with its own mirror image (1: left-right symmetric).

    Through a photo that is nearly its own mirror image (a face, a rocket on its pad), the mirrored
    path x → 1 − x shows the mirrored frames of the original path: a flipped copy.  Every corpus
    family therefore skips the mirrored-path hard negative above ``MAX_MIRROR_SYMMETRY``.
    """
    y = img.astype(np.float32).mean(axis=2)
    a, b = y - y.mean(), y[:, ::-1] - y.mean()
    return float((a * b).sum() / max(float(np.sqrt((a * a).sum() * (b * b).sum())), 1e-9))


def render_journey(img: np.ndarray, centres: np.ndarray, zooms: np.ndarray, out_hw: tuple[int, int]) -> np.ndarray:
    """Bilinear crops of ``img`` along the path → uint8 [n, H, W, 3]."""
    ih, iw = img.shape[:2]
    oh, ow = out_hw
    frames = np.empty((len(centres), oh, ow, 3), np.uint8)
    side = min(ih, iw)
    gy, gx = np.meshgrid(np.linspace(-0.5, 0.5, oh), np.linspace(-0.5, 0.5, ow), indexing="ij")
    for k, ((cx, cy), z) in enumerate(zip(centres, zooms, strict=False)):
        ch, cw = z * side * oh / max(oh, ow), z * side * ow / max(oh, ow)
        x0 = np.clip(cx * iw, cw / 2, iw - cw / 2)
        y0 = np.clip(cy * ih, ch / 2, ih - ch / 2)
        ys, xs = y0 + gy * ch, x0 + gx * cw
        for ch_i in range(3):
            frames[k, :, :, ch_i] = map_coordinates(img[..., ch_i], [ys, xs], order=1, mode="nearest")
    return frames
