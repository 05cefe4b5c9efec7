"""Letterbox / pillarbox removal: crop constant dark borders before encoding.

Copies are often re-framed with black bars (4:3 in 16:9 and back).  Left in,
the bars change every region descriptor near the edges and shift the region
grid against the content, which is enough to drop a copy out of the FAISS
candidates.  Like the VSC22 baselines, vidfp crops them: a leading or
trailing run of rows (columns) is a border when its luma never exceeds
``thr`` in any sampled frame, i.e. max_{t, x} Y[t, y, x] < thr.  Taking the
max over all sampled frames keeps dark scenes (a night sky is not black in
every frame and column) and removes only bars that are there all along.

Blurred fill.  Vertical (9:16) reposts and pillarboxed 4:3 put the video over
a blurred, zoomed copy of itself instead of black bars.  Those bands are not
dark but carry almost no detail: with the time-mean horizontal gradient
g[y, x] = mean_t |Y[t, y, x+1] − Y[t, y, x]|, a row's detail is the median
over x of g[y, ·] (the median ignores a caption or logo drawn over part of the
band).  With ref the median detail of the middle third of the rows, leading
and trailing runs of rows whose detail is below ``flat_ratio`` · ref are a
fill when their median detail is below ``fill_ratio`` · ref (a blur, not a
plain part of the picture) and *both* runs are at least ``min_band`` of the
side and about equal (shorter ≥ ``symmetry`` × longer): a centred fill, as
editors make it.  Such a band is then a fill when it ends in a step: the two content rows next to
each band carry at least ``step`` × the detail of the band's last three rows, since a picture that
softens towards its edges (lens blur, vignetting, the real ``carphone_distorted`` clip) ramps
instead; or, failing that, when it shows the video itself zoomed to fill the frame
(vidfp.decode.zoomfill: the band is then the fitted one).  The zoom test finds the reposts whose own
content is soft at its edges (a dark ceiling), where the step rule alone missed them.  One flat side alone (a
sky, a ceiling) is content and stays.  Columns likewise, with vertical gradients.

The box is found on frames of the video's own shape (vidfp.decode.framing) and
then resized to the encoder's S × S, so the content of a 9:16 reframe of a 16:9
video reaches the encoder squashed exactly as the original does: the aspect
ratio is restored by the same step that removes the fill.
"""

from __future__ import annotations

import numpy as np

from vidfp.decode.zoomfill import zoom_fill_band

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


def _flat_runs(
    detail: np.ndarray, flat_ratio: float, fill_ratio: float, min_band: float, symmetry: float
) -> tuple[int, int]:
    """(lead, trail) of a centred low-detail band along one axis, or (0, 0) if there is none.

    detail: float [n], the detail of each row (or column) of the content box.
    """
    n = len(detail)
    ref = float(np.median(detail[n // 3 : n - n // 3])) if n >= 3 else 0.0
    if ref <= 1e-6:
        return 0, 0  # a flat picture: nothing to tell fill from content by
    lead, trail = _run(detail < flat_ratio * ref)
    if lead == n or min(lead, trail) < min_band * n or min(lead, trail) < symmetry * max(lead, trail):
        return 0, 0
    if np.median(np.r_[detail[:lead], detail[n - trail :]]) >= fill_ratio * ref:
        return 0, 0
    return lead, trail


def _ends_in_step(detail: np.ndarray, lead: int, trail: int, step: float) -> bool:
    """An edited fill ends in a step; a picture that softens towards its edges (lens blur,
    vignetting) ramps: the two content rows next to each band carry ``step`` × the band's last three."""
    n = len(detail)
    inner = min(detail[lead : lead + 2].mean(), detail[n - trail - 2 : n - trail].mean())
    outer = max(detail[max(lead - 3, 0) : lead].mean(), detail[n - trail : n - trail + 3].mean())
    return bool(inner >= step * max(outer, 1e-6))


def _fill(y: np.ndarray, flat_ratio, fill_ratio, min_band, symmetry, step) -> tuple[int, int]:
    """(lead, trail) rows of a centred blurred fill of luma y [T, n, w], or (0, 0): a low-detail band
    (``_flat_runs``) that ends in a step (its own rows: the detail's edges are exact) or, failing
    that, shows the video zoomed (vidfp.decode.zoomfill: then the fitted band)."""
    detail = np.median(np.abs(np.diff(y, axis=2)).mean(axis=0), axis=1)  # [n]
    lead, trail = _flat_runs(detail, flat_ratio, fill_ratio, min_band, symmetry)
    if lead == trail == 0:
        return 0, 0
    if _ends_in_step(detail, lead, trail, step):
        return lead, trail
    k = zoom_fill_band(y, lead, trail)
    return (k, k) if k is not None else (0, 0)


def fill_box(
    pixels: np.ndarray,
    box: tuple[int, int, int, int],
    flat_ratio: float = 0.4,
    fill_ratio: float = 0.2,
    min_band: float = 0.08,
    symmetry: float = 0.6,
    step: float = 3.0,
    min_keep: float = 0.2,
    luma: np.ndarray | None = None,
) -> tuple[int, int, int, int]:
    """Shrink ``box`` (y0, y1, x0, x1) of uint8 [T, H, W, 3] by a centred blurred fill, if any
    (``luma``: the frames' luma [T, H, W] float32 when the caller has it)."""
    y0, y1, x0, x1 = box
    y = (pixels[:, y0:y1, x0:x1].astype(np.float32) @ LUMA) if luma is None else luma[:, y0:y1, x0:x1]
    h, w = y.shape[1:]
    if h < 8 or w < 8:
        return box
    top, bottom = _fill(y, flat_ratio, fill_ratio, min_band, symmetry, step)
    left, right = _fill(y.transpose(0, 2, 1), flat_ratio, fill_ratio, min_band, symmetry, step)
    if h - top - bottom < min_keep * h:
        top = bottom = 0
    if w - left - right < min_keep * w:
        left = right = 0
    return y0 + top, y1 - bottom, x0 + left, x1 - right


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


def remove_borders(
    pixels: np.ndarray, thr: float = 24.0, fill: bool = True
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Crop the borders (and, with ``fill``, a blurred fill) of uint8 [T, H, W, 3] and resize back
    to [T, H, W, 3]; also return the box.  ``fill`` defaults to the decoder's default
    (DecodeConfig.blurred_fill)."""
    _, h, w, _ = pixels.shape
    box = content_box(pixels, thr)
    if fill:
        box = fill_box(pixels, box)
    if box == (0, h, 0, w):
        return pixels, box
    y0, y1, x0, x1 = box
    return resize_bilinear(pixels[:, y0:y1, x0:x1], (h, w)), box
