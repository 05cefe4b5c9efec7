"""Copy transformations on frame arrays, each with its time map.

A transform takes (frames uint8 [T, H, W, 3], fps) and returns
(frames', fps', segment) where segment = (src_start, src_end, copy_start,
copy_end) in seconds says which part of the source the copy holds and where.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.ndimage import gaussian_filter

Result = tuple[np.ndarray, float, tuple[float, float, float, float]]


def nearest_resize(frames: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """Nearest-neighbour resize of uint8 [T, H, W, 3] to hw = (h, w): row y shows source row ⌊y·H/h⌋
    (likewise columns).  For pieces put into other footage (the encoders resize again anyway)."""
    yi = (np.arange(hw[0]) * frames.shape[1] / hw[0]).astype(int)
    xi = (np.arange(hw[1]) * frames.shape[2] / hw[1]).astype(int)
    return frames[:, yi][:, :, xi]


def _full(frames: np.ndarray, fps: float) -> tuple[float, float, float, float]:
    d = len(frames) / fps
    return (0.0, d, 0.0, d)


def reencode(frames, fps, rng):  # the codec/CRF change happens at write time
    return frames, fps, _full(frames, fps)


def resize(frames, fps, rng):
    return frames[:, ::2, ::2], fps, _full(frames, fps)


def crop(frames, fps, rng):
    t, h, w, _ = frames.shape
    ch, cw = int(h * 0.8), int(w * 0.8)
    y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    return frames[:, y0 : y0 + ch, x0 : x0 + cw], fps, _full(frames, fps)


def flip(frames, fps, rng):
    return frames[:, :, ::-1], fps, _full(frames, fps)


def colour(frames, fps, rng):
    f = frames.astype(np.float32)
    grey = f.mean(axis=3, keepdims=True)
    f = grey + 1.4 * (f - grey)  # saturation
    f = (f - 128) * 1.15 + 128 + 20  # contrast, brightness
    return np.clip(f, 0, 255).astype(np.uint8), fps, _full(frames, fps)


def grey(frames, fps, rng):
    y = (frames.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)).astype(np.uint8)
    return np.repeat(y[..., None], 3, axis=3), fps, _full(frames, fps)


def blur_noise(frames, fps, rng):
    f = gaussian_filter(frames.astype(np.float32), sigma=(0, 1.2, 1.2, 0))
    f += rng.normal(0, 6, f.shape).astype(np.float32)
    return np.clip(f, 0, 255).astype(np.uint8), fps, _full(frames, fps)


def letterbox(frames, fps, rng):
    t, h, w, _ = frames.shape
    pad = max(h // 6, 2) // 2 * 2
    out = np.zeros((t, h + 2 * pad, w, 3), np.uint8)
    out[:, pad : pad + h] = frames
    return out, fps, _full(frames, fps)


def overlay(frames, fps, rng):
    out = frames.copy()
    t, h, w, _ = out.shape
    out[:, h - h // 5 :, : w // 3] = (out[:, h - h // 5 :, : w // 3] * 0.3 + 180 * 0.7).astype(np.uint8)
    out[:, h - h // 7 : h - h // 10, w // 24 : w // 4] = 20  # a "caption" bar
    return out, fps, _full(frames, fps)


def fps_change(frames, fps, rng):
    new = 12.0 if fps > 14 else fps / 2
    n = int(len(frames) / fps * new)
    idx = np.minimum((np.arange(n) * fps / new).astype(int), len(frames) - 1)
    return frames[idx], new, _full(frames, fps)


def speed(frames, fps, rng, factor: float | None = None):
    k = factor or float(rng.choice([0.75, 1.5]))
    n = int(len(frames) / k)
    idx = np.minimum((np.arange(n) * k).astype(int), len(frames) - 1)
    d = len(frames) / fps
    return frames[idx], fps, (0.0, d, 0.0, n / fps)


def subclip(frames, fps, rng):
    d = len(frames) / fps
    length = max(min(d * 0.5, d - 0.5), min(3.0, d))
    s = float(rng.uniform(0, d - length))
    a, b = int(round(s * fps)), int(round((s + length) * fps))
    return frames[a:b], fps, (a / fps, b / fps, 0.0, (b - a) / fps)


def vertical(frames, fps, rng):
    """A 9:16 repost: the video across the full width, centred over a Gaussian-blurred copy
    zoomed to fill the height and dimmed to 70 %, as phone editors make them."""
    t, h, w, _ = frames.shape
    vh = int(round(w * 16 / 9 / 2)) * 2
    ys = (np.arange(vh) * h / vh).astype(int)  # the zoomed fill: rows stretched to vh ...
    x0 = int(w * (1 - h / vh) / 2)
    xs = x0 + (np.arange(w) * (h / vh)).astype(int)  # ... and the central h/vh of the columns
    fill = gaussian_filter(frames[:, ys][:, :, xs].astype(np.float32), sigma=(0, w / 24, w / 24, 0)) * 0.7
    out = fill.astype(np.uint8)
    y0 = (vh - h) // 2
    out[:, y0 : y0 + h] = frames
    return out, fps, _full(frames, fps)


def rotate(frames, fps, rng):
    """Rotate by ±(4…8)° about the centre and keep the central 80 % (no empty corners)."""
    from scipy.ndimage import rotate as nd_rotate

    deg = float(rng.uniform(4, 8) * rng.choice([-1, 1]))
    t, h, w, _ = frames.shape
    out = nd_rotate(frames, deg, axes=(2, 1), reshape=False, order=1, mode="nearest")
    ch, cw = int(h * 0.8) // 2 * 2, int(w * 0.8) // 2 * 2
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    return out[:, y0 : y0 + ch, x0 : x0 + cw], fps, _full(frames, fps)


def pip(frames, fps, rng):
    """Picture in picture: the video at 50 % size at a random place over a slowly moving
    blurred-noise backdrop (content of no origin)."""
    t, h, w, _ = frames.shape
    sh, sw = h // 2, w // 2
    small = frames[:, ::2, ::2][:, :sh, :sw]
    base = gaussian_filter(rng.uniform(0, 255, (h, 2 * w, 3)).astype(np.float32), sigma=(6, 6, 0))
    base = (base - base.mean()) * 6 + 128
    out = np.empty_like(frames)
    for k in range(t):
        s = int(k * w / max(t, 1))
        out[k] = np.clip(base[:, s : s + w], 0, 255).astype(np.uint8)
    y0, x0 = int(rng.integers(0, h - sh + 1)), int(rng.integers(0, w - sw + 1))
    out[:, y0 : y0 + sh, x0 : x0 + sw] = small
    return out, fps, _full(frames, fps)


TRANSFORMS: dict[str, Callable[..., Result]] = {
    "reencode": reencode,
    "resize": resize,
    "crop": crop,
    "flip": flip,
    "colour": colour,
    "grey": grey,
    "blur_noise": blur_noise,
    "letterbox": letterbox,
    "overlay": overlay,
    "fps_change": fps_change,
    "speed": speed,
    "subclip": subclip,
    "vertical": vertical,
    "rotate": rotate,
    "pip": pip,
}


def partial_insert(src: np.ndarray, fps: float, host: np.ndarray, rng) -> Result:
    """Insert a piece of ``src`` (3 s or 40 %, at most half of it) into ``host`` (resized), same fps."""
    d = len(src) / fps
    length = min(max(3.0, d * 0.4), d * 0.5)  # at most half the source: a part, not most of it
    s = float(rng.uniform(0, d - length))
    a, b = int(round(s * fps)), int(round((s + length) * fps))
    piece = nearest_resize(src[a:b], host.shape[1:3])
    p = int(rng.integers(1, max(2, len(host) - 1)))
    out = np.concatenate([host[:p], piece, host[p:]])
    return out, fps, (a / fps, b / fps, p / fps, (p + len(piece)) / fps)
