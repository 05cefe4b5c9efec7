"""Family B copy transforms on :class:`~vidfp.corpus.clip.Clip` (provenance moves with the frames).

Other transforms or other parameters than family A's (``transforms.py``): crops at 70 % /
90 % / 80 % off-centre, zoom (centre crop blown back up), small rotations, picture in
picture over a moving background, a vertical 9:16 reframe over a blurred copy, gamma and
brightness, burnt-in subtitles with a channel logo, speed 1.25× / 0.8×, frame-rate changes to
29.97 / 10 fps, variable frame rate with dropped frames, and a 60 % sub-clip.  Every
function takes (clip, rng) and returns a new clip; none changes its input.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vidfp.corpus.clip import Clip, take, with_frames

SUBTITLES = (
    "so this is where it started",
    "look at the light here",
    "nobody expected that",
    "[music]",
    "we came back the next day",
    "it was louder than this",
    "keep watching",
)


def resize_frames(frames: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of uint8 [T, H, W, 3] to (h, w) with Pillow."""
    h, w = hw
    return np.stack([np.asarray(Image.fromarray(f).resize((w, h), Image.BILINEAR)) for f in frames])


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def crop(clip: Clip, rng, ratio: float | None = None) -> Clip:
    """Keep ``ratio`` of each side (70 % or 90 % by default), at a random position."""
    r = ratio or float(rng.choice([0.7, 0.9]))
    _, h, w, _ = clip.frames.shape
    ch, cw = _even(h * r), _even(w * r)
    y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
    return with_frames(clip, clip.frames[:, y0 : y0 + ch, x0 : x0 + cw].copy())


def crop80(clip: Clip, rng) -> Clip:
    return crop(clip, rng, 0.8)


def zoom(clip: Clip, rng, ratio: float = 0.6) -> Clip:
    """A digital zoom: the centre ``ratio`` of the frame, resized back to the full size."""
    _, h, w, _ = clip.frames.shape
    ch, cw = _even(h * ratio), _even(w * ratio)
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    return with_frames(clip, resize_frames(clip.frames[:, y0 : y0 + ch, x0 : x0 + cw], (h, w)))


def resize(clip: Clip, rng) -> Clip:
    s = float(rng.choice([0.5, 1.5]))
    _, h, w, _ = clip.frames.shape
    return with_frames(clip, resize_frames(clip.frames, (_even(h * s), _even(w * s))))


def hflip(clip: Clip, rng) -> Clip:
    return with_frames(clip, clip.frames[:, :, ::-1].copy())


def rotate(clip: Clip, rng) -> Clip:
    """Rotate by ±(3…6)° and crop the largest same-aspect box without corners, resized back.

    For a W×H frame turned by θ that box is scaled by s = 1 / (|cos θ| + max(W/H, H/W)·|sin θ|).
    """
    deg = float(rng.uniform(3, 6) * rng.choice([-1, 1]))
    _, h, w, _ = clip.frames.shape
    th = np.deg2rad(abs(deg))
    s = 1.0 / (np.cos(th) + max(w / h, h / w) * np.sin(th))
    ch, cw = _even(h * s), _even(w * s)
    y0, x0 = (h - ch) // 2, (w - cw) // 2
    out = []
    for f in clip.frames:
        r = np.asarray(Image.fromarray(f).rotate(deg, resample=Image.BILINEAR))
        out.append(np.asarray(Image.fromarray(r[y0 : y0 + ch, x0 : x0 + cw]).resize((w, h), Image.BILINEAR)))
    return with_frames(clip, np.stack(out))


def gamma(clip: Clip, rng) -> Clip:
    """out = 255·(x/255)^g + b with g ∈ {0.6, 1.6} and b ∈ [−20, 20]."""
    g = float(rng.choice([0.6, 1.6]))
    b = float(rng.uniform(-20, 20))
    lut = np.clip(255 * (np.arange(256) / 255) ** g + b, 0, 255).astype(np.uint8)
    return with_frames(clip, lut[clip.frames])


def _font(size: int):
    return ImageFont.load_default(size=size)


def subtitles(clip: Clip, rng) -> Clip:
    """Burnt-in subtitle lines (a new one every 1.5–2.5 s) and a channel logo top right."""
    _, h, w, _ = clip.frames.shape
    font, small = _font(max(9, h // 14)), _font(max(8, h // 18))
    changes, t, k = [], 0.0, 0
    while t < clip.t[-1] + 1:
        changes.append((t, SUBTITLES[int(rng.integers(len(SUBTITLES)))]))
        t += float(rng.uniform(1.5, 2.5))
        k += 1
    out = []
    for f, tt in zip(clip.frames, clip.t, strict=False):
        line = [s for t0, s in changes if t0 <= tt][-1]
        im = Image.fromarray(f)
        d = ImageDraw.Draw(im)
        d.text(
            (w // 2, h - h // 12),
            line,
            font=font,
            fill=(255, 255, 255),
            anchor="ms",
            stroke_width=2,
            stroke_fill=(0, 0, 0),
        )
        d.text((w - 6, 5), "B-TV", font=small, fill=(255, 220, 0), anchor="ra")
        out.append(np.asarray(im))
    return with_frames(clip, np.stack(out))


def moving_background(n: int, hw: tuple[int, int], rng) -> np.ndarray:
    """A synthetic, smoothly drifting colour field uint8 [n, H, W, 3] (content of no origin)."""
    h, w = hw
    base = rng.uniform(30, 220, (6, 10, 3)).astype(np.float32)
    big = np.asarray(Image.fromarray(base.astype(np.uint8)).resize((w * 2, h), Image.BICUBIC), np.float32)
    frames = np.empty((n, h, w, 3), np.uint8)
    for k in range(n):
        x0 = round(k * w / max(n, 1))
        frames[k] = np.clip(big[:, x0 : x0 + w] * (0.85 + 0.15 * np.sin(k / 9.0)), 0, 255)
    return frames


def pip(clip: Clip, rng) -> Clip:
    """The video at 45 % size with a white border in a random corner over a moving background."""
    n, h, w, _ = clip.frames.shape
    sh, sw = _even(h * 0.45), _even(w * 0.45)
    small = resize_frames(clip.frames, (sh, sw))
    out = moving_background(n, (h, w), rng)
    my, mx = h // 25 + 2, w // 25 + 2
    y0 = my if rng.random() < 0.5 else h - sh - my
    x0 = mx if rng.random() < 0.5 else w - sw - mx
    out[:, y0 - 2 : y0 + sh + 2, x0 - 2 : x0 + sw + 2] = 255
    out[:, y0 : y0 + sh, x0 : x0 + sw] = small
    return with_frames(clip, out)


def vertical(clip: Clip, rng) -> Clip:
    """A 9:16 reframe: the video across the full width over a blurred, darkened, zoomed copy."""
    n, h, w, _ = clip.frames.shape
    vh = _even(w * 16 / 9)
    s = vh / h
    bw = _even(w * s)
    out = np.empty((n, vh, w, 3), np.uint8)
    y0 = (vh - h) // 2
    for k, f in enumerate(clip.frames):
        tiny = Image.fromarray(f).resize((max(2, w // 12), max(2, h // 12)), Image.BILINEAR)
        bg = np.asarray(tiny.resize((bw, vh), Image.BILINEAR), np.float32) * 0.55
        out[k] = bg[:, (bw - w) // 2 : (bw - w) // 2 + w].astype(np.uint8)
        out[k, y0 : y0 + h] = f
    return with_frames(clip, out)


def speed(clip: Clip, rng, factor: float | None = None) -> Clip:
    """Play at ``factor``× (1.25 or 0.8): output frame j shows input frame ⌊j·factor⌋."""
    k = factor or float(rng.choice([1.25, 0.8]))
    n = int(len(clip.t) / k)
    idx = np.minimum((np.arange(n) * k).astype(int), len(clip.t) - 1)
    return take(clip, idx, np.arange(n) / clip.fps)


def fps_change(clip: Clip, rng) -> Clip:
    """Resample to 29.97 or 10 frames/s (repeating or dropping frames)."""
    new = float(rng.choice([30000 / 1001, 10.0]))
    d = len(clip.t) / clip.fps
    n = int(d * new)
    idx = np.minimum((np.arange(n) * clip.fps / new).astype(int), len(clip.t) - 1)
    return take(clip, idx, np.arange(n) / new, fps=new)


def vfr(clip: Clip, rng) -> Clip:
    """Variable frame rate: drop ≈ 15 % of the frames (some in runs) and jitter the time stamps
    by up to ±¼ frame; kept frames keep their real time, so the pictures stay where they were."""
    n = len(clip.t)
    keep = rng.random(n) > 0.1
    for s in rng.integers(1, n - 4, 2):  # two dropped runs of 3 frames
        keep[s : s + 3] = False
    keep[0] = True
    idx = np.flatnonzero(keep)
    t = clip.t[idx] + rng.uniform(-0.25, 0.25, len(idx)) / clip.fps
    t[0] = 0.0
    t = np.maximum.accumulate(t + np.arange(len(t)) * 1e-4)  # strictly increasing (ms time base)
    return take(clip, idx, t, vfr=True)


def subclip(clip: Clip, rng) -> Clip:
    """A random 60 % window."""
    n = len(clip.t)
    m = max(2, int(n * 0.6))
    s = int(rng.integers(0, n - m + 1))
    idx = np.arange(s, s + m)
    return take(clip, idx, clip.t[idx] - clip.t[s])


TRANSFORMS_B: dict[str, Callable[..., Clip]] = {
    "crop": crop,
    "crop80": crop80,
    "zoom": zoom,
    "resize": resize,
    "hflip": hflip,
    "rotate": rotate,
    "gamma": gamma,
    "subtitles": subtitles,
    "pip": pip,
    "vertical": vertical,
    "speed": speed,
    "fps_change": fps_change,
    "vfr": vfr,
    "subclip": subclip,
}
