"""Framing decided at the video's own resolution, then one crop and resize to the encoder's input.

A copy that shows the video in part of its frame (a 9:16 repost over a blurred fill, a letterbox, a
picture in picture) keeps only that part: borders and fill (vidfp.decode.borders) and an inset
(vidfp.decode.inset) are found, and the box they leave is cropped and resized to the encoder's
input S × S.  Where the frames are first decoded at S × S, as vidfp did before, both steps
lose: the box is then found on a squashed thumbnail (a 192 × 342 repost decoded at 144 × 144
keeps 41 rows of content), and the crop is enlarged from those few rows, so the copy reaches the
encoder blurred.  Measured on family A with ``sscd-distilled`` (mean cosine of a copy's frames
with its source's, at S × S then at the video's own size): a still camera's 9:16 repost
0.34 → 0.99 (at S the fill was not found), its letterbox 0.27 → 0.98 (a wrong box), other reposts
0.81–0.95 → 0.955–0.998, other letterboxes 0.83–0.97 → 0.935–0.998.

So frames are decoded at an *analysis size*: the video's own shape, its shorter side at most
``DecodeConfig.framing_side`` pixels (never enlarged), the framing is decided there, and every
frame is cropped to the box and resized once to S × S with an antialiased filter (PIL's bilinear,
whose support widens with the reduction, where a plain bilinear lookup would alias).  The box is
decided on at most ``FRAMING_FRAMES`` evenly spaced frames: the detectors take quantiles and
medians over time, which that many frames pin down, and memory stays bounded for long videos
(frames at the analysis size are held until the box is known: 600 frames of a 16:9 video at a
shorter side of 288 px are 265 MB).

``frame_content`` keeps the frame size (for looking at one decision; the pipeline crops with
``crop_resize``).
"""

from __future__ import annotations

import numpy as np

from vidfp.decode.borders import LUMA, content_box, fill_box

FRAMING_FRAMES = 120  # frames the framing is decided on, evenly spaced over the samples

Box = tuple[int, int, int, int]  # (y0, y1, x0, x1) in the decoded frames' pixels


def analysis_size(native_hw: tuple[int, int], size: tuple[int, int], framing_side: int) -> tuple[int, int]:
    """(h, w) to decode at: the native shape with its shorter side at most ``framing_side`` (even
    sides, never enlarged); ``size`` when the native size is unknown or ``framing_side`` ≤ 0."""
    h0, w0 = native_hw
    if framing_side <= 0 or h0 <= 0 or w0 <= 0:
        return size
    s = min(1.0, framing_side / min(h0, w0))
    return max(16, 2 * int(h0 * s / 2)), max(16, 2 * int(w0 * s / 2))


def frame_box(pixels: np.ndarray, borders: bool = True, inset: bool = True, fill: bool = True) -> Box | None:
    """Box (y0, y1, x0, x1) of uint8 pixels [T, H, W, 3] that holds the video: borders and a blurred
    fill off, then a picture-in-picture inset alone; None when it is the whole frame.  Decided on at
    most ``FRAMING_FRAMES`` evenly spaced frames.  The defaults are the decoder's (DecodeConfig)."""
    from vidfp.decode.inset import inset_box

    t, h, w, _ = pixels.shape
    if t > FRAMING_FRAMES:
        pixels = pixels[np.linspace(0, t - 1, FRAMING_FRAMES).round().astype(int)]
    y = _luma(pixels) if (borders and fill) or inset else None  # [T, H, W], shared
    box = (0, h, 0, w)
    if borders:
        box = content_box(pixels)
        if fill:
            box = fill_box(pixels, box, luma=y)
    y0, y1, x0, x1 = box
    inner = inset_box(pixels[:, y0:y1, x0:x1], luma=y[:, y0:y1, x0:x1]) if inset else None  # within what is left
    if inner is not None:
        iy0, iy1, ix0, ix1 = inner
        box = (y0 + iy0, y0 + iy1, x0 + ix0, x0 + ix1)
    return None if box == (0, h, 0, w) else box


def _luma(pixels: np.ndarray, chunk: int = 16) -> np.ndarray:
    """float32 luma [T, H, W] of uint8 [T, H, W, 3], converted ``chunk`` frames at a time (a whole
    float32 copy of 120 frames at 288 × 512 would be 212 MB)."""
    out = np.empty(pixels.shape[:3], np.float32)
    for s in range(0, len(pixels), chunk):
        out[s : s + chunk] = pixels[s : s + chunk].astype(np.float32) @ LUMA
    return out


def crop_resize(pixels: np.ndarray, box: Box | None, out_hw: tuple[int, int]) -> np.ndarray:
    """uint8 [T, H, W, 3] cropped to ``box`` (None: whole) and resized to out_hw = (h, w), antialiased."""
    from PIL import Image

    if box is not None:
        y0, y1, x0, x1 = box
        pixels = pixels[:, y0:y1, x0:x1]
    oh, ow = out_hw
    if pixels.shape[1:3] == (oh, ow):
        return np.ascontiguousarray(pixels)
    out = np.empty((len(pixels), oh, ow, 3), np.uint8)
    for k, f in enumerate(pixels):
        out[k] = np.asarray(Image.fromarray(np.ascontiguousarray(f)).resize((ow, oh), Image.BILINEAR))
    return out


def frame_content(
    pixels: np.ndarray, borders: bool = True, inset: bool = True, fill: bool = True
) -> tuple[np.ndarray, Box | None]:
    """``pixels`` uint8 [T, H, W, 3] framed (:func:`frame_box`) and resized back to [T, H, W, 3] as
    the decoder resizes (:func:`crop_resize`), and the box (None if untouched)."""
    box = frame_box(pixels, borders, inset, fill)
    return (pixels, None) if box is None else (crop_resize(pixels, box, pixels.shape[1:3]), box)
