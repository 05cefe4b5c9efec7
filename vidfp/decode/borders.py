"""Letterbox / pillarbox removal: crop constant dark borders before encoding.

Copies are often re-framed with black bars (4:3 in 16:9 and back).  Left in,
the bars change every region descriptor near the edges and shift the region
grid against the content, which is enough to drop a copy out of the FAISS
candidates.  Like the VSC22 baselines, vidfp crops them: a leading or
trailing run of rows (columns) is a border when its luma never exceeds
``thr`` in any sampled frame, i.e. max_{t, x} Y[t, y, x] < thr.  Taking the
max over all sampled frames keeps dark scenes (a night sky is not black in
every frame and column) and removes only bars that are there all along.

The content box is resized back to the decode size with bilinear
interpolation, so the encoder sees the same input shape either way.
"""

from __future__ import annotations

import numpy as np

LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def _run(dark: np.ndarray) -> tuple[int, int]:
    """Lengths of the leading and trailing True runs of a 1-D bool array."""
    n = len(dark)
    lead = int(np.argmin(dark)) if not dark.all() else n
    trail = int(np.argmin(dark[::-1])) if not dark.all() else n
    return lead, trail


def content_box(pixels: np.ndarray, thr: float = 24.0, min_keep: float = 0.5) -> tuple[int, int, int, int]:
    """(y0, y1, x0, x1) of the non-border area of uint8 [T, H, W, 3] frames.

    Borders thinner than 2 % of the side are ignored (encoder noise); a box
    smaller than ``min_keep`` of a side means the video is mostly dark, and
    nothing is cropped on that axis.
    """
    _, h, w, _ = pixels.shape
    y = pixels.max(axis=0).astype(np.float32) @ LUMA  # [H, W]: brightest value each pixel ever took
    top, bottom = _run(y.max(axis=1) < thr)
    left, right = _run(y.max(axis=0) < thr)
    y0, y1, x0, x1 = top, h - bottom, left, w - right
    if y1 - y0 < min_keep * h:
        y0, y1 = 0, h
    if x1 - x0 < min_keep * w:
        x0, x1 = 0, w
    if y0 < 0.02 * h and h - y1 < 0.02 * h:
        y0, y1 = 0, h
    if x0 < 0.02 * w and w - x1 < 0.02 * w:
        x0, x1 = 0, w
    return y0, y1, x0, x1


def resize_bilinear(frames: np.ndarray, out_hw: tuple[int, int]) -> np.ndarray:
    """uint8 [T, h, w, C] → uint8 [T, H, W, C], bilinear with pixel-centre alignment."""
    _, h, w, _ = frames.shape
    oh, ow = out_hw
    ys = np.clip((np.arange(oh) + 0.5) * h / oh - 0.5, 0, h - 1)
    xs = np.clip((np.arange(ow) + 0.5) * w / ow - 0.5, 0, w - 1)
    y0 = np.floor(ys).astype(int)
    x0 = np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    fy = (ys - y0)[None, :, None, None].astype(np.float32)
    fx = (xs - x0)[None, None, :, None].astype(np.float32)
    f = frames.astype(np.float32)
    top = f[:, y0][:, :, x0] * (1 - fx) + f[:, y0][:, :, x1] * fx
    bot = f[:, y1][:, :, x0] * (1 - fx) + f[:, y1][:, :, x1] * fx
    return np.clip(np.rint(top * (1 - fy) + bot * fy), 0, 255).astype(np.uint8)


def remove_borders(pixels: np.ndarray, thr: float = 24.0) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Crop the borders of uint8 [T, H, W, 3] and resize back to [T, H, W, 3]; also return the box."""
    _, h, w, _ = pixels.shape
    box = content_box(pixels, thr)
    if box == (0, h, 0, w):
        return pixels, box
    y0, y1, x0, x1 = box
    return resize_bilinear(pixels[:, y0:y1, x0:x1], (h, w)), box
